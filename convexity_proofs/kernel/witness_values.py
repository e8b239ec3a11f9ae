"""The values that show a witness: what a witness records and its replay recomputes.

f(a), f(b), f(m) and the chord of a segment, the second directional derivative at a
point, the two sides of an invariance at a point, f(a) and f(b) of an ordered pair,
f at one point: exact rationals where exact arithmetic gives them, otherwise closed
rational enclosures of Arb balls at a given precision; the relations those values show
by themselves; and the certifications over a segment or a parameter box that the
witnesses of the other properties need (the carrier defined along a segment, the sign
of f(a) − f(b) or of f over a box).  The witness builders (:mod:`convexity_proofs.refuters`)
record these values and the checker (:mod:`convexity_proofs.checker.witness` and the
modules that register witness kinds there) recomputes them with the same functions, so
what a witness holds is what its replay checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from typing import Final

import sympy
from flint import arb

from convexity_proofs._values import Domain, Enclosure, interval_domain
from convexity_proofs.kernel import evaluate, intervals

#: Recorded numbers stay within this many bits: an exact value beyond it is recorded by
#: its ball, and a ball end below 2**-MAX_BITS in size is rounded outwards to a multiple
#: of it; a ball beyond 2**MAX_BITS in size gives no recordable value.
MAX_BITS: Final = 1 << 14

Env = Mapping[sympy.Symbol, Fraction]
Precisions = Iterable[int | None]
#: A closed box of parameter values: symbol -> (lo, hi).
Box = Mapping[sympy.Symbol, tuple[Fraction, Fraction]]


def _fits(q: Fraction) -> bool:
    return max(q.numerator.bit_length(), q.denominator.bit_length()) <= MAX_BITS


def _dyadic(value: arb, *, down: bool) -> Fraction | None:
    """An exact arb (``mid``/``rad``) as a rational, rounded outwards below 2**-MAX_BITS."""
    mantissa, exponent = value.man_exp()
    man, exp = int(mantissa), int(exponent)
    if exp >= 0:
        if man.bit_length() + exp > MAX_BITS:
            return None
        return Fraction(man << exp)
    if -exp <= MAX_BITS:
        return Fraction(man, 1 << -exp)
    shift = -exp - MAX_BITS
    man = man >> shift if down else -((-man) >> shift)
    return Fraction(man, 1 << MAX_BITS)


def enclosure_of_ball(ball: arb) -> Enclosure | None:
    """The closed rational interval [mid − rad, mid + rad] of a finite ball (rounded
    outwards where it is tiny), or None (not finite, or beyond the recordable size)."""
    if not ball.is_finite():
        return None
    mid, rad = ball.mid(), ball.rad()
    lo_mid, hi_mid = _dyadic(mid, down=True), _dyadic(mid, down=False)
    radius = _dyadic(rad, down=False)
    if lo_mid is None or hi_mid is None or radius is None:
        return None
    return Enclosure(lo_mid - radius, hi_mid + radius)


class _Values:
    """The values of one expression at fixed points: exact where exact arithmetic gives
    them (computed once), otherwise Arb balls at the precision asked for."""

    def __init__(self, expr: sympy.Basic, envs: Sequence[Env]) -> None:
        self.expr = expr
        self.envs = envs
        self.exact = [evaluate.exact_value(expr, env) for env in envs]

    def at(self, precision: int | None) -> list[Enclosure] | None:
        out: list[Enclosure] = []
        for env, exact in zip(self.envs, self.exact, strict=True):
            if exact is not None and _fits(exact):
                out.append(Enclosure.exact(exact))
                continue
            if precision is None:
                return None
            value = enclosure_of_ball(evaluate.ball_value(self.expr, env, precision))
            if value is None:
                return None
            out.append(value)
        return out


def chord_of(f_a: Enclosure, f_b: Enclosure, t: Fraction) -> Enclosure:
    """t·f(a) + (1−t)·f(b) for 0 < t < 1, in exact rational interval arithmetic."""
    return Enclosure(t * f_a.lo + (1 - t) * f_b.lo, t * f_a.hi + (1 - t) * f_b.hi)


def segment_values(
    expr: sympy.Basic,
    a: Env,
    b: Env,
    t: Fraction,
    parameters: Env,
    precisions: Precisions,
) -> Iterator[tuple[int | None, dict[str, Enclosure]]]:
    """f(a), f(b), f(m) (m = t·a + (1−t)·b) and the chord, at each precision that gives
    them all (None: exact values only)."""
    mid = {x: t * a[x] + (1 - t) * b[x] for x in a}
    envs = [{**parameters, **a}, {**parameters, **b}, {**parameters, **mid}]
    values = _Values(expr, envs)
    for precision in precisions:
        found = values.at(precision)
        if found is None:
            continue
        f_a, f_b, f_m = found
        yield precision, {"f_a": f_a, "f_b": f_b, "f_m": f_m, "chord": chord_of(f_a, f_b, t)}


def segment_relation(values: Mapping[str, Enclosure]) -> str | None:
    """The relation of f(m) to the chord that the values show, or None."""
    f_m, chord = values["f_m"], values["chord"]
    if chord.below(f_m):
        return ">"
    if f_m.below(chord):
        return "<"
    if f_m.is_exact and chord.is_exact and f_m.lo == chord.lo:
        return "="
    return None


def second_derivatives(
    expr: sympy.Basic,
    point: Env,
    direction: Env,
    parameters: Env,
    precisions: Precisions,
) -> Iterator[tuple[int | None, Enclosure]]:
    """d²/ds² f(point + s·direction) at s = 0 at each precision that gives it: exact
    Taylor coefficients (None) or Arb series (bits), both of which refuse every
    operation not certified analytic near the point."""
    exact: Fraction | bool | None = False  # False: not computed yet
    for precision in precisions:
        if precision is None:
            if exact is False:
                exact = evaluate.exact_second_derivative(expr, point, direction, parameters)
            if isinstance(exact, Fraction) and _fits(exact):
                yield None, Enclosure.exact(exact)
            continue
        ball = evaluate.ball_second_derivative(expr, point, direction, parameters, precision)
        value = None if ball is None else enclosure_of_ball(ball)
        if value is not None:
            yield precision, value


def sign_shown(value: Enclosure) -> str | None:
    """The sign (``<0`` or ``>0``) the enclosure shows, or None when it holds 0."""
    if value.hi < 0:
        return "<0"
    if value.lo > 0:
        return ">0"
    return None


def point_values(
    expr: sympy.Basic, image: sympy.Basic, point: Env, precisions: Precisions
) -> Iterator[tuple[int | None, dict[str, Enclosure]]]:
    """Both sides of an invariance at one point, at each precision that gives them."""
    left, right = _Values(expr, [point]), _Values(image, [point])
    for precision in precisions:
        f, g = left.at(precision), right.at(precision)
        if f is not None and g is not None:
            yield precision, {"value": f[0], "substituted_value": g[0]}


def apart(values: Mapping[str, Enclosure]) -> bool:
    f, g = values["value"], values["substituted_value"]
    return f.below(g) or g.below(f)


def defined_along(carrier: sympy.Basic, a: Env, b: Env, parameters: Env) -> bool:
    """The carrier is defined on the closed segment from a to b: by balls along it, or
    by an interval enclosure over the segment's bounding box."""
    if evaluate.defined_on_segment(carrier, a, b, parameters):
        return True
    hull: dict[sympy.Symbol, Domain] = {
        x: interval_domain(min(a[x], b[x]), max(a[x], b[x])) for x in a
    }
    hull.update({p: interval_domain(q, q) for p, q in parameters.items()})
    return intervals.defined(carrier, hull) is True


# --- level segments: f(m) against max / min of f(a), f(b) ---------------------------------


def level_relation(values: Mapping[str, Enclosure]) -> str | None:
    """The relation the enclosures of f(a), f(b), f(m) show by themselves: ``">max"``
    (f(m) > max(f(a), f(b))), ``"<min"`` (f(m) < min(f(a), f(b))), or None."""
    f_a, f_b, f_m = values["f_a"], values["f_b"], values["f_m"]
    if f_m.lo > max(f_a.hi, f_b.hi):
        return ">max"
    if f_m.hi < min(f_a.lo, f_b.lo):
        return "<min"
    return None


# --- ordered pairs: f(a) against f(b) ------------------------------------------------------


def relation_shown(f_a: Enclosure, f_b: Enclosure, relation: str) -> bool:
    """Do the enclosures of f(a) and f(b) show ``relation`` (``">"``, ``"<"``, ``">="``,
    ``"<="``: f(a) against f(b)) by themselves?"""
    lo_a, hi_a = f_a.lo, f_a.hi
    lo_b, hi_b = f_b.lo, f_b.hi
    if relation == ">":
        return bool(hi_b < lo_a)
    if relation == "<":
        return bool(hi_a < lo_b)
    if relation == ">=":
        return bool(hi_b <= lo_a)
    if relation == "<=":
        return bool(hi_a <= lo_b)
    return False


def ordered_values(
    carrier: sympy.Basic, a: Env, b: Env, parameters: Env, precision: int | None
) -> dict[str, Enclosure] | None:
    """f(a) and f(b) on the carrier: exact where exact arithmetic gives them, else Arb
    balls at ``precision`` (None: exact only); None when undefined or not evaluable."""
    values = _Values(carrier, [{**parameters, **a}, {**parameters, **b}])
    found = values.at(precision)
    if found is None:
        return None
    return {"f_a": found[0], "f_b": found[1]}


def moved_variables(a: Env, b: Env) -> list[sympy.Symbol]:
    """The variables in which two points differ."""
    return [x for x in a if a[x] != b[x]]


def defined_along_over_box(carrier: sympy.Basic, a: Env, b: Env, box: Box) -> bool:
    """The carrier is defined on the closed segment from a to b for every parameter
    value in ``box`` (an interval enclosure over the segment's bounding box)."""
    hull: dict[sympy.Symbol, Domain] = {
        x: interval_domain(min(a[x], b[x]), max(a[x], b[x])) for x in a
    }
    hull.update({p: interval_domain(lo, hi) for p, (lo, hi) in box.items()})
    return intervals.defined(carrier, hull) is True


def difference_over_box(carrier: sympy.Basic, a: Env, b: Env, box: Box, relation: str) -> bool:
    """Does f(a) − f(b) have the relation's sign for every parameter value in ``box``
    (interval enclosures; f(a) and f(b) each shown defined over the box)?"""

    def at(point: Env) -> sympy.Expr:
        return carrier.xreplace(
            {s: sympy.Rational(q.numerator, q.denominator) for s, q in point.items()}
        )

    domains = {s: interval_domain(lo, hi) for s, (lo, hi) in box.items()}
    f_a, f_b = at(a), at(b)
    try:
        intervals.range_of(f_a, domains)
        intervals.range_of(f_b, domains)
        gap = intervals.range_of(f_a - f_b, domains)
    except intervals.Undefined:
        return False
    test = {
        ">": gap.is_positive,
        "<": gap.is_negative,
        ">=": gap.is_nonnegative,
        "<=": gap.is_nonpositive,
    }.get(relation)
    return bool(test is not None and test())


# --- one point: f <= 0 ---------------------------------------------------------------------


def value_at(expr: sympy.Basic, env: Env, precision: int | None) -> Enclosure | None:
    """The kernel's value at ``env``: exact when exact arithmetic gives it (within the
    recordable size), otherwise an Arb ball at ``precision`` (None: exact only); None
    when undefined or not evaluable."""
    found = _Values(expr, [env]).at(precision)
    return None if found is None else found[0]


def nonpositive_over(carrier: sympy.Basic, point: Env, box: Box) -> bool:
    """Is carrier(point, p) <= 0 for every parameter value p in the closed ``box`` (the
    carrier defined at each of them)?  An interval enclosure over the box decides."""
    domains: dict[sympy.Symbol, Domain] = {s: interval_domain(q, q) for s, q in point.items()}
    domains.update({s: interval_domain(lo, hi) for s, (lo, hi) in box.items()})
    try:
        return intervals.range_of(carrier, domains).is_nonpositive()
    except intervals.Undefined:
        return False
