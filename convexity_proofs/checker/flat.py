"""Replay of ``affine-on-line``: f is affine on a segment of a line in the domain.

The checker reads the line from the step's :class:`~convexity_proofs._proof.LineFact`
(a point p and a direction v over every variable of the context, exact rationals, and
a reach s > 0), checks that both ends p ± s·v lie in the domain (a box, so the whole
segment does), recomputes the restriction f(p + t·v) = A + B·t with the kernel
(:func:`convexity_proofs.kernel.lines.restriction`, parameters fixed at one value by
the context substituted) and requires the recorded A and B.  f is defined on the
segment: the kernel encloses the restriction over |t| <= s and the other parameters'
domains.  An affine restriction gives equality in Jensen's inequality, so the step
concludes ``not-strictly-convex`` or ``not-strictly-concave`` (both hold).
"""

from __future__ import annotations

from fractions import Fraction

from convexity_proofs._proof import LineFact, ProofStep
from convexity_proofs._values import interval_domain
from convexity_proofs.checker._core import Checker, Context, require, rule
from convexity_proofs.kernel.intervals import Undefined, range_of
from convexity_proofs.kernel.lines import T, line_substitution, restriction

CONCLUSIONS = ("not-strictly-convex", "not-strictly-concave")


@rule("affine-on-line")
def check_affine_on_line(step: ProofStep, context: Context, checker: Checker) -> None:
    what = "affine-on-line"
    require(step.conclusion in CONCLUSIONS, f"{what}: concludes {step.conclusion}")
    require(not step.children and step.witness is None, f"{what}: rests on no other step")
    facts = step.facts_of(LineFact)
    require(len(facts) == 1 and len(step.facts) == 1, f"{what}: needs exactly one line fact")
    fact: LineFact = facts[0]
    variables = context.variables
    point, direction = dict(fact.point), dict(fact.direction)
    require(
        len(fact.point) == len(point) == len(variables) and set(point) == set(variables),
        f"{what}: the point must give every variable of the step once",
    )
    require(
        len(fact.direction) == len(direction) == len(variables)
        and set(direction) == set(variables),
        f"{what}: the direction must give every variable of the step once",
    )
    require(any(q != 0 for q in direction.values()), f"{what}: the direction is 0")
    require(fact.reach > 0, f"{what}: the reach must be positive")
    for s in variables:
        for end in (point[s] - fact.reach * direction[s], point[s] + fact.reach * direction[s]):
            require(
                context.domains[s].contains(end),
                f"{what}: an end of the segment has {s} = {end}, outside its domain",
            )
    pinned = {
        s: Fraction(d.lo)
        for s, d in context.domains.items()
        if s not in point and d.lo is not None and d.lo == d.hi
    }
    found = restriction(step.subject, point, direction, pinned)
    require(found is not None, f"{what}: the restriction to the line is not affine in t")
    assert found is not None
    value, slope = found
    require(
        value == fact.value and slope == fact.slope,
        f"{what}: the recorded restriction is not the recomputed {value} + ({slope})·t",
    )
    line = step.subject.xreplace(line_substitution(point, direction, pinned))
    box = {
        **{s: d for s, d in context.domains.items() if s not in point and s not in pinned},
        T: interval_domain(-fact.reach, fact.reach),
    }
    try:
        range_of(line, box)
    except Undefined:
        require(False, f"{what}: f is not shown defined on the whole segment")
