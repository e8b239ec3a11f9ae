"""The values that show a witness: what a witness records and its replay recomputes.

f(a), f(b), f(m) and the chord of a segment, the second directional derivative at a
point, the two sides of an invariance at a point: exact rationals where exact
arithmetic gives them, otherwise closed rational enclosures of Arb balls at a given
precision.  The witness builder (:mod:`convexity_proofs.refuters._witness`) records
these values and the checker (:mod:`convexity_proofs.checker.witness`) recomputes
them with the same functions, so what a witness holds is what its replay checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from fractions import Fraction
from typing import Final

import sympy
from flint import arb

from convexity_proofs._values import Enclosure
from convexity_proofs.kernel import evaluate

#: Recorded numbers stay within this many bits: an exact value beyond it is recorded by
#: its ball, and a ball end below 2**-MAX_BITS in size is rounded outwards to a multiple
#: of it; a ball beyond 2**MAX_BITS in size gives no recordable value.
MAX_BITS: Final = 1 << 14

Env = Mapping[sympy.Symbol, Fraction]
Precisions = Iterable[int | None]


def _fits(q: Fraction) -> bool:
    return max(q.numerator.bit_length(), q.denominator.bit_length()) <= MAX_BITS


def _dyadic(value: arb, *, down: bool) -> Fraction | None:
    """An exact arb (``mid``/``rad``) as a rational, rounded outwards below 2**-MAX_BITS."""
    man, exp = value.man_exp()
    man, exp = int(man), int(exp)
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

    def __init__(self, expr: sympy.Basic, envs: list[Env]) -> None:
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
    zero = Fraction(0)
    exact: Fraction | bool | None = False  # False: not computed yet
    for precision in precisions:
        if precision is None:
            if exact is False:
                env = {s: (q, zero, zero) for s, q in parameters.items()} | {
                    s: (q, direction.get(s, zero), zero) for s, q in point.items()
                }
                taylor = evaluate._evaluate(expr, evaluate._Taylor(env))
                exact = None if taylor is None else 2 * taylor[2]
            if isinstance(exact, Fraction) and _fits(exact):
                yield None, Enclosure.exact(exact)
            continue
        with evaluate._precision(precision):
            series_env = {
                s: evaluate._series([evaluate._ball(q)]) for s, q in parameters.items()
            } | {
                s: evaluate._series([evaluate._ball(q), evaluate._ball(direction.get(s, zero))])
                for s, q in point.items()
            }
            series = evaluate._evaluate(expr, evaluate._Series(series_env))
            if series is None:
                continue
            value = enclosure_of_ball(2 * evaluate._coefficient(series, 2))
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
