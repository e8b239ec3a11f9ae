"""log-concave and log-convex: the one refutation that is not about curvature.

Both properties mean "f > 0 on the whole domain and log f is concave (convex)"; the
curvature half is decided on log f by the curvature strategies
(:mod:`convexity_proofs._reductions`, the engine's ``_decide_reduced``, and the
``log-product`` rule of :mod:`convexity_proofs.provers.log_product`).  This module
gives the other half: :func:`nonpositive_point`, a certified point of the domain where
f <= 0 (:mod:`convexity_proofs.refuters.nonpositive`).
"""

from __future__ import annotations

from convexity_proofs._problem import Problem
from convexity_proofs._values import Quantifier, ValueWitness
from convexity_proofs.kernel import intervals
from convexity_proofs.refuters import nonpositive
from convexity_proofs.refuters.uniform import parameter_box

#: How many candidate points are proposed, and how many of the lowest (by their float
#: value) are decided by the kernel besides the simple ones.
POINTS = 64
CERTIFY_BEST = 8


def _positive_everywhere(problem: Problem) -> bool:
    """The kernel shows f > 0 on the whole box: no point can refute (search skipped)."""
    try:
        return intervals.range_of(problem.carrier, problem.domains).is_positive()
    except intervals.Undefined:
        return False


def nonpositive_point(problem: Problem) -> ValueWitness | None:
    """A certified point where f <= 0 (f defined there), or None.

    ``problem`` is the original claim's problem (f, with its obligations on the
    carrier).  Parameters are pinned to the candidate's values, recorded in the
    witness's ``parameters``; for a claim quantified over "some" parameter value the
    witness is also certified over every parameter value at once when the parameter
    domains are bounded (its ``box``), and returned without a box otherwise (which
    refutes only the "all" reading).
    """
    if _positive_everywhere(problem):
        return None
    witness = nonpositive.search(
        problem.carrier,
        problem.program,
        problem.variables,
        problem.parameters,
        problem.domains,
        seed=problem.seed,
        points=POINTS,
        certify_best=CERTIFY_BEST,
        deadline=problem.deadline,
    )
    if witness is None:
        return None
    if problem.claim.quantifier is Quantifier.SOME and problem.free_parameters:
        box = parameter_box(problem)
        if box is not None:
            marked = nonpositive.over_box(witness, problem.carrier, problem.variables, box)
            if marked is not None:
                return marked
    return witness
