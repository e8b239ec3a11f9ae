"""Witnesses that hold for every parameter value: the universal reading of "not convex".

"f is not convex, for every parameter value" needs more than one witness at one
parameter value.  A witness found at one value is re-certified here with every
parameter ranging over its whole (closed, bounded) domain as an Arb interval: the
segment gap, or the sign of the curvature, must be strict for every value at once.
A certified witness is returned marked with the box it holds on
(:func:`convexity_proofs.refuters._witness.over_box`), so the fact travels with it
and the checker replays the certification over the box.  Unbounded parameter domains
give no answer (then the claim stays ``unknown``).
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from convexity_proofs._problem import Problem
from convexity_proofs._values import CurvatureWitness, SegmentWitness, Witness
from convexity_proofs.kernel import evaluate as _certify
from convexity_proofs.refuters import _witness


def parameter_box(problem: Problem) -> dict[sympy.Symbol, tuple[Fraction, Fraction]] | None:
    """Each parameter's closed range, or None when one is unbounded."""
    box: dict[sympy.Symbol, tuple[Fraction, Fraction]] = {}
    for symbol in problem.parameters:
        domain = problem.domains[symbol]
        if domain.lo is None or domain.hi is None:
            return None
        box[symbol] = (domain.lo, domain.hi)
    return box


def certify_for_every_parameter(problem: Problem, witness: Witness) -> Witness | None:
    """``witness`` (found at one parameter value) certified for all of them, marked with
    the parameter box it holds on; the witness itself when no parameter ranges (its own
    parameter values are the only ones); None when it cannot be certified."""
    if not problem.free_parameters:
        return witness
    box = parameter_box(problem)
    if box is None:
        return None
    by_name = {s.name: s for s in problem.variables}
    if isinstance(witness, SegmentWitness):
        if witness.relation == "=":
            return None  # equality is exact, never a property of balls over a box
        a = {by_name[n]: q for n, q in witness.a}
        b = {by_name[n]: q for n, q in witness.b}
        relation = _certify.segment_over_box(problem.carrier, a, b, witness.t, box)
        if relation is None or relation != witness.relation:
            return None
        return _witness.over_box(witness, box)
    if isinstance(witness, CurvatureWitness):
        point = {by_name[n]: q for n, q in witness.point}
        direction = {by_name[n]: q for n, q in witness.direction}
        sign = _certify.curvature_over_box(problem.carrier, point, direction, box)
        wanted = -1 if witness.sign == "<0" else 1 if witness.sign == ">0" else None
        if sign is None or sign != wanted:
            return None
        return _witness.over_box(witness, box)
    return None


def holds_for_every_parameter(problem: Problem, witness: Witness) -> bool:
    """True when ``witness`` (found at one parameter value) is certified for all of them
    (use :func:`certify_for_every_parameter` to keep the box with the witness)."""
    return certify_for_every_parameter(problem, witness) is not None
