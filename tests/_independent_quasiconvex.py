"""An independent re-check of level witnesses (quasiconvexity), in the style of
:mod:`tests._independent`: SymPy exact substitution plus mpmath evaluation at 60
digits, sharing no code or arithmetic with the engine's certifier (python-flint's Arb)
or its search (NumPy).  ``recheck_level(claim, witness)`` takes the witness's JSON
form, like the functions there."""

from __future__ import annotations

from fractions import Fraction

import sympy

from convexity_proofs._parser import make_symbol
from convexity_proofs._values import Claim

DIGITS = 60
#: How far a recorded enclosure may be from the 60-digit value (rounding of the check).
SLACK = sympy.Float(10, DIGITS) ** -40


def _q(value: int | str) -> sympy.Rational:
    q = Fraction(value)
    return sympy.Rational(q.numerator, q.denominator)


def _value(expr: sympy.Expr, point: dict[str, sympy.Rational]) -> sympy.Float:
    exact = expr.xreplace({make_symbol(k): v for k, v in point.items()})
    value = sympy.N(exact, DIGITS)
    assert value.is_real and value.is_finite, f"not a finite real: {value}"
    return value


def level_values(claim: Claim, witness: dict) -> tuple[sympy.Float, sympy.Float, sympy.Float]:
    """f(a), f(b), f(m) at 60 digits (m = t·a + (1−t)·b), parameters fixed."""
    params = {k: _q(v) for k, v in witness["parameters"].items()}
    t = _q(witness["t"])
    a = {k: _q(v) for k, v in witness["a"].items()}
    b = {k: _q(v) for k, v in witness["b"].items()}
    m = {k: t * a[k] + (1 - t) * b[k] for k in a}
    f = claim.function
    return tuple(_value(f, {**params, **p}) for p in (a, b, m))  # type: ignore[return-value]


def recheck_level(claim: Claim, witness: dict) -> None:
    """Assert the level witness shows its relation, and its recorded values agree."""
    assert witness["kind"] == "level"
    assert witness["a"] != witness["b"]
    assert 0 < _q(witness["t"]) < 1
    f_a, f_b, f_m = level_values(claim, witness)
    if witness["relation"] == ">max":
        assert f_m > max(f_a, f_b), (f_a, f_b, f_m)
    else:
        assert witness["relation"] == "<min", witness["relation"]
        assert f_m < min(f_a, f_b), (f_a, f_b, f_m)
    for key, value in zip(("f_a", "f_b", "f_m"), (f_a, f_b, f_m), strict=True):
        recorded = witness["values"][key]
        lo, hi = (recorded, recorded) if not isinstance(recorded, list) else recorded
        assert sympy.Float(_q(lo), DIGITS) - value <= SLACK, (key, recorded, value)
        assert value - sympy.Float(_q(hi), DIGITS) <= SLACK, (key, recorded, value)
