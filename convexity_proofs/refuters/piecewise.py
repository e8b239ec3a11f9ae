"""Segments across the breakpoints of a Piecewise function: a kink or a jump, exactly.

The piecewise prover (:mod:`convexity_proofs.provers.piecewise`) names the points of the
line u = a·x where its rule fails: a breakpoint where f jumps or where the one-sided
derivatives go the wrong way, or a closed end of the domain where f jumps the wrong
way.  Beside each such point this refuter proposes deterministic rational segments:
across it, [t − h, t + h] at t = 1/2, 1/4, 3/4, and from it, [t − h, t] and [t, t + h],
for h = 1, 1/2, ..., 2**-10 (inside the domain), mapped into the box along the first
variable of the form.  Each is certified by the kernel's exact or ball evaluation
(:func:`convexity_proofs.refuters.segment.certify_segment`); only a certified gap is a
witness.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from fractions import Fraction

import numpy as np
import sympy

from convexity_proofs._values import Domain, SegmentWitness
from convexity_proofs.kernel import evaluate
from convexity_proofs.kernel.intervals import Interval
from convexity_proofs.kernel.piecewise import linear_coefficients
from convexity_proofs.refuters._space import Deadline, candidate_points, simple_values
from convexity_proofs.refuters.segment import certify_segment

#: Offsets from a point of the line: 1, 1/2, ..., 2**-10.
OFFSETS = tuple(Fraction(1, 2**k) for k in range(11))
_TS = (Fraction(1, 2), Fraction(1, 4), Fraction(3, 4))
#: At most this many segments are certified per call.
MAX_TRIES = 400


def straddling_witness(
    expr: sympy.Expr,
    form: sympy.Expr,
    points: Iterable[tuple[Fraction, str]],
    image: Interval,
    variables: tuple[sympy.Symbol, ...],
    parameters: tuple[sympy.Symbol, ...],
    domains: Mapping[sympy.Symbol, Domain],
    *,
    sign: int,
    total: bool,
    deadline: Deadline,
) -> SegmentWitness | None:
    """A certified segment on which sign·f rises above its chord, beside one of the
    ``points`` of the line u = ``form`` (each with its place: "inside", "lower" or
    "upper" end of the ``image``), or None."""
    params: dict[sympy.Symbol, Fraction] = {}
    for p in parameters:
        values = simple_values(domains[p], interior=False)
        if not values:
            return None
        params[p] = values[0]
    to_box = _placement(form, variables, domains)
    if to_box is None:
        return None
    relation = ">" if sign > 0 else "<"
    tries = 0
    for a, b, t in _segments(points, image):
        if tries >= MAX_TRIES or deadline.expired():
            return None
        ends = to_box(a), to_box(b)
        if ends[0] is None or ends[1] is None:
            continue
        tries += 1
        witness = certify_segment(
            expr, ends[0], ends[1], t, params, variables, parameters, relation=relation, total=total
        )
        if witness is not None:
            return witness
    return None


def _segments(
    points: Iterable[tuple[Fraction, str]], image: Interval
) -> Iterator[tuple[Fraction, Fraction, Fraction]]:
    """(a, b, t) on the line: the segment [a, b] and its point t·a + (1 − t)·b."""
    for point, place in points:
        for h in OFFSETS:
            shapes: list[tuple[Fraction, Fraction, tuple[Fraction, ...]]] = []
            if place == "inside":
                shapes.append((point - h, point + h, _TS))
                shapes.append((point - h, point, (Fraction(1, 2),)))
                shapes.append((point, point + h, (Fraction(1, 2),)))
            elif place == "lower":
                shapes.append((point, point + h, _TS))
            else:
                shapes.append((point - h, point, _TS))
            for a, b, ts in shapes:
                if image.contains(a) and image.contains(b):
                    for t in ts:
                        yield a, b, t


def _placement(
    form: sympy.Expr,
    variables: tuple[sympy.Symbol, ...],
    domains: Mapping[sympy.Symbol, Domain],
) -> Callable[[Fraction], dict[sympy.Symbol, Fraction] | None] | None:
    """A map from a value s of the form to a point of the box where the form is s (the
    first variable of the form moves, the others stay at a simple point), or None."""
    if form in variables:
        x = form

        def on_variable(s: Fraction) -> dict[sympy.Symbol, Fraction] | None:
            if not domains[x].contains(s):
                return None
            rest = {v: _simple(domains[v]) for v in variables if v != x}
            if any(q is None for q in rest.values()):
                return None
            return {**rest, x: s}  # type: ignore[dict-item]

        return on_variable
    coefficients = linear_coefficients(form, variables)
    if coefficients is None:
        return None
    j = next(i for i, a in enumerate(coefficients) if a != 0)
    bases = candidate_points(variables, dict(domains), set(), np.random.default_rng(0), 8)

    def along(s: Fraction) -> dict[sympy.Symbol, Fraction] | None:
        for base in bases:
            value = evaluate.exact_value(form, base)
            if value is None:
                continue
            moved = base[variables[j]] + (s - value) / coefficients[j]
            if domains[variables[j]].contains(moved):
                return {**base, variables[j]: moved}
        return None

    return along


def _simple(domain: Domain) -> Fraction | None:
    values = simple_values(domain, interior=False)
    return values[0] if values else None
