"""An independent re-check of ordered-pair witnesses for the tests: SymPy exact
substitution plus mpmath evaluation at 60 digits (no code shared with the kernel's
Arb certifier or the NumPy search)."""

from __future__ import annotations

from fractions import Fraction

import sympy

from convexity_proofs._parser import make_symbol
from convexity_proofs._values import Claim

from ._independent import DIGITS, _q

_TOLERANCE = sympy.Float(10) ** (-(DIGITS - 10))


def _value(f: sympy.Expr, assignment: dict[str, object]) -> sympy.Expr:
    value = f.xreplace({make_symbol(k): _q(v) for k, v in assignment.items()})
    return sympy.nsimplify(value) if value.is_Rational else value


def gap(claim: Claim, witness: dict, parameters: dict[str, object] | None = None) -> sympy.Expr:
    """f(a) − f(b), exact when both are rational, else a 60-digit float."""
    params = witness["parameters"] if parameters is None else parameters
    f_a = _value(claim.function, {**params, **witness["a"]})
    f_b = _value(claim.function, {**params, **witness["b"]})
    for v in (f_a, f_b):
        n = sympy.N(v, DIGITS)
        assert n.is_real and n.is_finite, f"not a finite real: {n}"
    difference = f_a - f_b
    return difference if difference.is_Rational else sympy.N(difference, DIGITS)


def _holds(relation: str, difference: sympy.Expr) -> bool:
    if relation == ">":
        return bool(difference > 0)
    if relation == "<":
        return bool(difference < 0)
    # >= / <=: an exact equality, or a strict difference well above the rounding
    if difference.is_Rational:
        return bool(difference >= 0) if relation == ">=" else bool(difference <= 0)
    return bool(difference > _TOLERANCE) if relation == ">=" else bool(difference < -_TOLERANCE)


def recheck_ordered(claim: Claim, witness: dict) -> None:
    """Assert the witness's points are ordered, distinct, named as the claim's symbols,
    and that f(a), f(b) stand in its relation (at its parameter values, and at the
    corners and centre of its box when it has one)."""
    assert witness["kind"] == "ordered"
    a, b = witness["a"], witness["b"]
    assert set(a) == set(b) == {v.name for v in claim.variables}
    assert {p.name for p in claim.parameters} == set(witness["parameters"])
    assert all(Fraction(a[k]) <= Fraction(b[k]) for k in a) and a != b
    relation = witness["relation"]
    assert _holds(relation, gap(claim, witness)), (relation, gap(claim, witness))
    box = witness.get("box")
    if box:
        names = list(box)
        corners: list[dict[str, object]] = [{}]
        for name in names:
            lo, hi = box[name]
            corners = [{**c, name: v} for c in corners for v in (lo, hi)]
        centre = {n: (Fraction(box[n][0]) + Fraction(box[n][1])) / 2 for n in names}
        for params in (*corners, centre):
            assert _holds(relation, gap(claim, witness, params)), (params, relation)
