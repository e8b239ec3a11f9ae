"""The one place witnesses are built: certified by the kernel, with the values that show them.

Every :class:`~convexity_proofs._values.SegmentWitness`,
:class:`~convexity_proofs._values.CurvatureWitness` and
:class:`~convexity_proofs._values.PointWitness` is made here.  A candidate proposed by a
search (with floats) becomes a witness only when the kernel certifies its relation
(:mod:`convexity_proofs.kernel.evaluate`); the witness then records the values that
show it — exact numbers where the function is rational at the points, otherwise the
rational bounds of Arb balls at the lowest precision that separates them — computed
by the same functions the checker's replay recomputes them with
(:mod:`convexity_proofs.kernel.witness_values`).  :func:`over_box` marks a witness
certified for every parameter value in a box.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from fractions import Fraction

import sympy

from convexity_proofs._values import (
    CurvatureWitness,
    Enclosure,
    PointWitness,
    SegmentWitness,
    Witness,
)
from convexity_proofs.kernel import evaluate
from convexity_proofs.kernel import witness_values as _vals

#: Exact rationals first, then Arb balls at increasing precision.
_PRECISIONS: tuple[int | None, ...] = (None, *evaluate.PRECISIONS)

Env = Mapping[sympy.Symbol, Fraction]


def _values(
    found: Mapping[str, Enclosure], keys: tuple[str, ...]
) -> tuple[tuple[str, Enclosure], ...]:
    return tuple((key, found[key]) for key in keys)


def segment(
    expr: sympy.Basic,
    a: Env,
    b: Env,
    t: Fraction,
    params: Env,
    variables: tuple[sympy.Symbol, ...],
    parameters: tuple[sympy.Symbol, ...],
    *,
    relation: str,
    total: bool,
    argument: str = "search",
    swap: str = "",
) -> SegmentWitness | None:
    """A segment witness when the kernel certifies f(m) ``relation`` chord (">", "<",
    or "=" from exact rationals only) and f is defined on the whole segment (known
    when ``total``: f is defined on the whole box); otherwise None."""
    decided = evaluate.decide_segment(expr, a, b, t, params)
    if decided is None or decided.relation != relation:
        return None
    if not total and not evaluate.defined_on_segment(expr, a, b, params):
        return None
    shown = next(
        (
            (precision, values)
            for precision, values in _vals.segment_values(expr, a, b, t, params, _PRECISIONS)
            if _vals.segment_relation(values) == relation
        ),
        None,
    )
    if shown is None:
        return None  # certified, but not with recordable values (beyond MAX_BITS)
    precision, values = shown
    return SegmentWitness(
        a=tuple((s.name, Fraction(a[s])) for s in variables),
        b=tuple((s.name, Fraction(b[s])) for s in variables),
        t=Fraction(t),
        parameters=tuple((s.name, Fraction(params[s])) for s in parameters),
        relation=relation,
        at_t=decided.lhs,
        chord=decided.rhs,
        argument=argument,
        swap=swap,
        values=_values(values, ("f_a", "f_b", "f_m", "chord")),
        precision=precision,
    )


def curvature(
    expr: sympy.Basic,
    point: Env,
    direction: Env,
    variables: tuple[sympy.Symbol, ...],
    parameters: tuple[sympy.Symbol, ...],
    *,
    sign: int,
) -> CurvatureWitness | None:
    """A curvature witness when the kernel certifies that ``sign·f`` curves downward
    along the line through ``point`` (variables and parameters) along ``direction``."""
    at = {s: Fraction(point[s]) for s in variables}
    params = {s: Fraction(point[s]) for s in parameters}
    full = {s: Fraction(direction.get(s, Fraction(0))) for s in variables}
    decided = evaluate.decide_curvature(expr, at, full, params)
    if decided is None or decided.sign != -sign:
        return None
    wanted = "<0" if sign > 0 else ">0"
    shown = next(
        (
            (precision, value)
            for precision, value in _vals.second_derivatives(expr, at, full, params, _PRECISIONS)
            if _vals.sign_shown(value) == wanted
        ),
        None,
    )
    if shown is None:
        return None
    precision, value = shown
    return CurvatureWitness(
        point=tuple((s.name, at[s]) for s in variables),
        direction=tuple((s.name, full[s]) for s in variables),
        parameters=tuple((s.name, params[s]) for s in parameters),
        sign=wanted,
        second_derivative=decided.value,
        values=(("second_derivative", value),),
        precision=precision,
    )


def point(
    expr: sympy.Basic,
    image: sympy.Basic,
    at: Env,
    symbols: tuple[sympy.Symbol, ...],
) -> PointWitness | None:
    """A point witness when the kernel certifies that ``expr`` and ``image`` differ at
    ``at`` (both defined there)."""
    decided = evaluate.decide_difference(expr, image, at)
    if decided is None or decided.relation not in ("<", ">"):
        return None
    shown = next(
        (
            (precision, values)
            for precision, values in _vals.point_values(expr, image, at, _PRECISIONS)
            if _vals.apart(values)
        ),
        None,
    )
    if shown is None:
        return None
    precision, values = shown
    return PointWitness(
        point=tuple((s.name, Fraction(at[s])) for s in symbols),
        value=decided.lhs,
        substituted_value=decided.rhs,
        values=_values(values, ("value", "substituted_value")),
        precision=precision,
    )


def over_box(witness: Witness, box: Mapping[sympy.Symbol, tuple[Fraction, Fraction]]) -> Witness:
    """The witness marked as certified for every parameter value in ``box`` (the caller
    has certified it there: :mod:`convexity_proofs.refuters.uniform`); the box keeps
    the order of ``box``, the claim's parameter order."""
    if isinstance(witness, PointWitness):
        raise TypeError("a point witness is never certified over a parameter box")
    marked = tuple((s.name, Fraction(lo), Fraction(hi)) for s, (lo, hi) in box.items())
    return dataclasses.replace(witness, box=marked)
