"""The decider of the monotonicity properties: nondecreasing, nonincreasing,
increasing, decreasing (strict) and nonmonotone.

Monotone in several variables means monotone in each one with the others held fixed
(the componentwise order on a box), so a proof is one proof per variable
(:mod:`convexity_proofs.provers.monotone`: the composition lattice, then the sign of
∂f/∂v over the box, then the exact sign of a rational f'), each under an
``in-variable`` root (with one variable, the proof itself is the root).  A refutation
is an ordered pair a <= b with f(a) and f(b) in the wrong order
(:mod:`convexity_proofs.refuters.ordered`).  ``nonmonotone`` (neither nondecreasing
nor nonincreasing) is proved by two such witnesses at one common parameter value and
refuted by a proof of either direction.

Quantifiers as for the curvature properties: "all" (default) needs proofs for every
parameter value and is refuted by one witness at one value; "some" is proved at one
pinned value and refuted only by a witness certified for every value (its box).  For
``nonmonotone`` the roles swap.  Nothing is decided unless the function and its
obligations are proved defined on the whole domain (``problem.total``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy

from convexity_proofs._decision import (
    UNKNOWN,
    Decision,
    at_parameters,
    pinned_label,
    pins,
    why_not_for_every_value,
)
from convexity_proofs._problem import Problem
from convexity_proofs._proof import ContextFact, ProofStep
from convexity_proofs._values import OrderedWitness, Property, Quantifier, Status
from convexity_proofs.provers import monotone as provers
from convexity_proofs.refuters import ordered

#: The conclusion about f each "holds" property needs.
WANT = {
    Property.NONDECREASING: "nondecreasing",
    Property.NONINCREASING: "nonincreasing",
    Property.INCREASING: "increasing",
    Property.DECREASING: "decreasing",
}
#: The relation of f(a) to f(b) (a <= b) that refutes each conclusion.
REFUTES = {"nondecreasing": ">", "nonincreasing": "<", "increasing": ">=", "decreasing": "<="}
#: The witness conclusion of each relation.
SHOWN = {
    ">": "not-nondecreasing",
    "<": "not-nonincreasing",
    ">=": "not-increasing",
    "<=": "not-decreasing",
}

_SEARCH = "ordered pair search"


class _Memo:
    """The provers' answers per (parameter pinning, variable, prover, direction)."""

    def __init__(self, run: Any) -> None:
        self.run = run
        self.answers: dict[tuple, ProofStep | str | None] = {}
        #: Enclosures over each box (by parameter pinning), shared by the variables.
        self.ranges: dict[tuple, dict] = {}

    def prove_in(self, problem: Problem, v: sympy.Symbol, want: str) -> ProofStep | None:
        """A step about f in ``v`` whose conclusion shows ``want``, or None (noted)."""
        direction = provers.direction_of(want)
        f, domains = problem.function, problem.domains
        ranges = self.ranges.setdefault(problem.pinned, {})
        strategies: list[tuple[str, Callable[[], ProofStep | str]]] = [
            ("monotone composition", lambda: provers.composition(f, v, domains, ranges)),
            ("gradient sign", lambda: provers.gradient_sign(f, v, domains, direction)),
            (
                "first derivative (exact)",
                lambda: provers.first_derivative_exact(f, v, domains, direction),
            ),
        ]
        reasons = []
        for name, call in strategies:
            keyed = name if name == "monotone composition" else (name, direction)
            key = (problem.pinned, v, keyed)
            if key not in self.answers:
                self.answers[key] = self.run.guard(name, call)
            answer = self.answers[key]
            if isinstance(answer, ProofStep):
                if provers.implies(answer.conclusion, want):
                    return answer
                reasons.append(f"{name}: f is only shown {answer.conclusion}")
            elif isinstance(answer, str):
                reasons.append(f"{name}: {answer}")
        where = pinned_label(problem)
        self.run.note(
            f"{want} in {v}{where}", f"not established ({'; '.join(reasons) or 'no answer'})"
        )
        return None

    def prove(self, problem: Problem, want: str) -> tuple[ProofStep, ...] | None:
        """Roots showing f ``want`` in every variable, or None (always None where f is
        not shown defined on the whole box: no proof holds there)."""
        if not self.run.guard("definedness", lambda: problem.total):
            return None
        steps = []
        for v in problem.variables:
            step = self.prove_in(problem, v, want)
            if step is None:
                return None
            steps.append((v, step))
        if len(steps) == 1:
            return (steps[0][1],)
        return tuple(
            ProofStep("in-variable", problem.function, want, (ContextFact((v,)),), (step,))
            for v, step in steps
        )


def decide(run: Any) -> Any:
    """The engine's ``_Decision`` for a monotonicity claim."""
    problem: Problem = run.problem
    claim = problem.claim
    if not run.guard("definedness", lambda: problem.total):
        from convexity_proofs._strategies import not_defined_note

        # No proof holds then; a witness still refutes (it is certified where f is
        # defined, on the whole segment between its points).
        run.note("definedness", not_defined_note(problem) + "; no monotonicity proof counts")
    memo = _Memo(run)
    some = claim.quantifier is Quantifier.SOME and bool(problem.free_parameters)
    if claim.property is Property.NONMONOTONE:
        return _nonmonotone(run, memo, some)
    want = WANT[claim.property]
    return _holds_some(run, memo, want) if some else _holds_all(run, memo, want)


def _search(run: Any, problem: Problem, relation: str, *, boxed: bool = False) -> Any:
    found = run.guard(_SEARCH, lambda: ordered.search(problem, relation, boxed=boxed))
    return found if isinstance(found, OrderedWitness) else None


def _holds_all(run: Any, memo: _Memo, want: str) -> Any:
    problem = run.problem
    roots = memo.prove(problem, want)
    if roots is not None:
        return Decision(Status.PROVED, roots)
    witness = _search(run, problem, REFUTES[want])
    if witness is not None:
        return Decision(Status.REFUTED, witness=witness)
    run.note(_SEARCH, f"no ordered pair a <= b with f(a) {REFUTES[want]} f(b) was certified")
    return UNKNOWN


def _holds_some(run: Any, memo: _Memo, want: str) -> Any:
    """Proved for every value (so for some) or at one pinned value; refuted by a
    witness certified for every parameter value."""
    problem = run.problem
    roots = memo.prove(problem, want)
    if roots is not None:
        return Decision(Status.PROVED, roots)
    for pinned in pins(problem):
        roots = memo.prove(pinned, want)
        if roots is not None:
            return Decision(Status.PROVED, (at_parameters(pinned, roots, want),))
    witness = _search(run, problem, REFUTES[want], boxed=True)
    if witness is not None:
        return Decision(Status.REFUTED, witness=witness)
    run.note(
        "some parameter value",
        f"no ordered pair with f(a) {REFUTES[want]} f(b) was certified for every parameter "
        f"value at once ({why_not_for_every_value(problem)}), which refuting the claim for "
        "some value needs",
    )
    return UNKNOWN


def _witness_steps(problem: Problem, first: OrderedWitness, second: OrderedWitness) -> tuple:
    f = problem.function
    return (
        ProofStep("witness", f, SHOWN[first.relation], witness=first),
        ProofStep("witness", f, SHOWN[second.relation], witness=second),
    )


def _nonmonotone(run: Any, memo: _Memo, some: bool) -> Any:
    problem = run.problem
    free = bool(problem.free_parameters)
    # Proved: two witnesses at one common parameter value (for "some", or without free
    # parameters), or two certified for every parameter value (for "all").
    if some:
        for pinned in pins(problem):
            up = _search(run, pinned, ">")
            down = _search(run, pinned, "<") if up is not None else None
            if up is not None and down is not None:
                return Decision(Status.PROVED, _witness_steps(problem, up, down))
    else:
        up = _search(run, problem, ">", boxed=free)
        down = _search(run, problem, "<", boxed=free) if up is not None else None
        if up is not None and down is not None:
            return Decision(Status.PROVED, _witness_steps(problem, up, down))
        if free:
            run.note(
                _SEARCH,
                "no pair of witnesses certified for every parameter value at once was found "
                f'({why_not_for_every_value(problem)}); write parameters = "some" '
                "if that is what the claim means",
            )
    # Refuted: f monotone (one direction in every variable) for every value, or, for
    # "all", at one pinned value.
    for want in ("nondecreasing", "nonincreasing"):
        roots = memo.prove(problem, want)
        if roots is not None:
            return Decision(Status.REFUTED, refuting=roots)
    if free and not some:
        for pinned in pins(problem):
            for want in ("nondecreasing", "nonincreasing"):
                roots = memo.prove(pinned, want)
                if roots is not None:
                    return Decision(Status.REFUTED, refuting=(at_parameters(pinned, roots, want),))
    run.note(
        "nonmonotone",
        "neither two witnesses (f rises and falls) nor a proof of monotonicity was found",
    )
    return UNKNOWN
