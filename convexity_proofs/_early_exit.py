"""Early exits: questions that no strategy can answer, recognised from the structure.

A curvature question ("is sign·f convex?") is answered by a proof, which counts only
when the function as written is proved defined on the whole domain (``problem.total``),
or by a certified witness, which lives where the written function is defined.  So when
``total`` fails, the question is unanswerable, and the whole search can be skipped, when

* only proofs are asked for (the pinned-parameter questions of ``_holds_some`` and
  ``_fails_all``, which run the provers alone): no proof counts;
* the written function is defined nowhere (a single-symbol obligation such as
  ``x >= 0`` contradicts the domain ``x < 0``), or only where every variable is fixed
  to one value: no segment and no neighbourhood exists for a witness;
* the composition rules show sign·f convex on the box where the written function can
  be defined (the domain cut down by the single-symbol obligations,
  :func:`~convexity_proofs.refuters._space.narrowed_domains`): every segment and every
  point a witness could use lies in that box, where f equals the carrier and is convex,
  so no witness exists.  Examples: ``log(log(exp(y)))`` (it is log y, concave, and
  defined for y > 0 only), ``x**(3/2)`` on [-1, 1] (convex on [0, 1], where it is
  defined).

Skipping can only lose answers, never create one: the exit answers ``unknown``.  It is
deterministic (structure only, never timing).  :data:`ENABLED` turns it off (the tests
compare verdicts with and without it).
"""

from __future__ import annotations

import sympy

from convexity_proofs._problem import Problem
from convexity_proofs.refuters._space import is_empty, narrowed_domains

#: The switch the tests flip to compare verdicts with and without the early exits.
ENABLED = True


def no_answer_possible(problem: Problem, *, provers_only: bool) -> str | None:
    """Why no strategy can answer ``problem``, or None (then the strategies run)."""
    if not ENABLED or problem.total:
        return None
    if provers_only:
        return "only a proof would count here, and no proof counts (see 'definedness')"
    box = narrowed_domains(problem.domains, problem.obligations)
    for symbol in problem.variables + problem.parameters:
        if is_empty(box[symbol]):
            return (
                f"the function as written is defined nowhere on the domain "
                f"(what it needs of {symbol.name} contradicts {symbol.name}'s domain), "
                "so no witness exists and no proof counts"
            )
    if all(_one_point(box[s]) for s in problem.variables):
        return (
            "the function as written is defined only where every variable takes a single "
            "value, so no segment or curvature witness exists and no proof counts"
        )
    from convexity_proofs.provers import composition

    # The rules alone, without the second-order fallback for subterms: cheap, and
    # enough for what SymPy's evaluation hides (log(exp(y)) is y, log(x) - log(x) is 0).
    result = composition.analyse(problem.function, problem.variables, box)
    curvature = result.curvature
    if curvature.is_convex if problem.sign > 0 else curvature.is_concave:
        narrowed = [
            f"{s.name} in {box[s].describe()}"
            for s in problem.variables + problem.parameters
            if box[s] != problem.domains[s]
        ]
        where = f" ({', '.join(narrowed)})" if narrowed else ""
        kind = "convexity" if problem.sign > 0 else "concavity"
        return (
            f"the composition rules show the function is {curvature.value} where it is "
            f"defined{where}, so no witness against {kind} exists, and no proof counts "
            "(see 'definedness')"
        )
    return None


#: More square-root obligations than this are not examined (the check stays cheap).
_ROOTS_EXAMINED = 64


def twice_differentiable(problem: Problem) -> bool:
    """True when f is C² on a neighbourhood of every point of the box where it is
    defined, from its structure: every head is a smooth one (an allow-list: +, ×,
    powers and the registry's heads without a kink: exp, log, sin, tanh, erf, ...; no
    abs, max, min, Piecewise), every square-root-like base (a ``nonnegative``
    obligation, ``u**(p/q)`` with p/q > 0) is proved > 0 on the box, and every variable
    is free to move (its domain has an interior).  The other obligations (log's and a
    negative power's ``u > 0``, a divisor's ``u != 0``, tan's ``cos u != 0``) are strict,
    so the set where f is defined is open in the box, and f is C∞ there.

    Then a segment on which Jensen's inequality fails (it lies where f is defined)
    always comes with a point of negative curvature near it, inside the box, where f is
    C²: exactly what the curvature search (which runs first) looks for and certifies.
    The segment search's Hypothesis phase is then only another way of looking, and is
    skipped (its cheap batch of random segments still runs).  Skipping can only lose
    an answer, never make one.
    """
    if not ENABLED or not _smooth_heads(problem.function):
        return False
    for s in problem.variables:
        domain = problem.domains[s]
        if domain.lo is not None and domain.lo == domain.hi:
            return False
    roots = [ob for ob in problem.obligations if ob.kind == "nonnegative"]
    if len(roots) > _ROOTS_EXAMINED:
        return False
    from convexity_proofs.kernel import intervals

    return all(intervals.positive(ob.argument, problem.domains) is True for ob in roots)


def _smooth_heads(expr: sympy.Basic) -> bool:
    from convexity_proofs import functions

    allowed = set(functions.HEADS) - set(functions.NON_SMOOTH_HEADS)
    for node in sympy.preorder_traversal(expr):
        if node.is_Atom or isinstance(node, sympy.Add | sympy.Mul | sympy.Pow):
            continue
        if type(node) not in allowed:
            return False
    return True


def _one_point(domain: object) -> bool:
    lo, hi = getattr(domain, "lo", None), getattr(domain, "hi", None)
    return lo is not None and lo == hi
