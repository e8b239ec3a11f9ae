"""An independent re-check of witnesses for the tests: SymPy exact substitution plus
mpmath evaluation at 60 digits, sharing no code or arithmetic with the engine's
certifier (python-flint's Arb) or its search (NumPy)."""

from __future__ import annotations

from fractions import Fraction

import sympy

from convexity_proofs._parser import make_symbol
from convexity_proofs._values import Claim

DIGITS = 60


def _q(value: int | str) -> sympy.Rational:
    return sympy.Rational(str(Fraction(value)))


def _at(expr: sympy.Expr, assignment: dict[str, int | str]) -> sympy.Expr:
    return expr.xreplace({make_symbol(k): _q(v) for k, v in assignment.items()})


def _number(expr: sympy.Expr) -> sympy.Float:
    value = sympy.N(expr, DIGITS)
    assert value.is_real and value.is_finite, f"not a finite real: {value}"
    return value


def segment_gap(claim: Claim, witness: dict) -> sympy.Float:
    """f(t·a + (1−t)·b) − t·f(a) − (1−t)·f(b), parameters fixed."""
    f = _at(claim.function, witness["parameters"])
    t = _q(witness["t"])
    a, b = witness["a"], witness["b"]
    mid = {k: t * _q(a[k]) + (1 - t) * _q(b[k]) for k in a}
    fm = _number(f.xreplace({make_symbol(k): v for k, v in mid.items()}))
    return fm - t * _number(_at(f, a)) - (1 - t) * _number(_at(f, b))


def curvature(claim: Claim, witness: dict) -> sympy.Float:
    """d²/ds² f(point + s·direction) at s = 0, parameters fixed."""
    s = sympy.Symbol("s_independent", real=True)
    f = _at(claim.function, witness["parameters"])
    line = {
        make_symbol(k): _q(witness["point"][k]) + s * _q(witness["direction"].get(k, 0))
        for k in witness["point"]
    }
    second = sympy.diff(f.xreplace(line), s, 2).subs(s, 0)
    return _number(second)


def point_difference(claim: Claim, witness: dict) -> sympy.Float:
    image = claim.function.xreplace(dict(claim.substitution))
    return _number(_at(claim.function, witness["point"]) - _at(image, witness["point"]))


def nonpositive_value(claim: Claim, witness: dict) -> sympy.Float:
    """f at the point of a value witness (it should be <= 0)."""
    return _number(_at(_at(claim.function, witness["point"]), witness["parameters"]))


def recheck(claim: Claim, witness: dict, *, sign: int = 1) -> None:
    """Assert the witness shows what it should; ``sign`` −1 for concavity claims.

    For the reduced properties (strongly-convex, log-concave, log-convex) a segment or
    curvature witness is about the reduced function (f − m/2·|x|², log f), and its
    direction is the reduced claim's."""
    from convexity_proofs._reductions import reduced_claim
    from convexity_proofs._values import Property

    kind = witness["kind"]
    if kind.startswith("model-"):
        from ._independent_model import recheck_model

        recheck_model(claim, witness)
        return
    reduced = reduced_claim(claim)
    if reduced is not None and kind in ("segment", "curvature"):
        claim = reduced
        sign = -1 if reduced.property is Property.CONCAVE else 1
    if kind == "ordered":
        from ._independent_monotone import recheck_ordered

        recheck_ordered(claim, witness)
    elif kind == "level":
        from ._independent_quasiconvex import recheck_level

        recheck_level(claim, witness)
    elif kind == "value":
        assert nonpositive_value(claim, witness) <= 0
    elif kind == "segment":
        assert sign * segment_gap(claim, witness) > 0
    elif kind == "curvature":
        assert sign * curvature(claim, witness) < 0
    elif kind == "point":
        assert point_difference(claim, witness) != 0
    else:
        raise AssertionError(f"unknown witness kind {kind}")
