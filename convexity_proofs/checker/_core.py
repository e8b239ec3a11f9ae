"""The checker's core: contexts, failures and the dispatch from rule keys to replays.

A replay of a step verifies the rule's conditions from the step's data and the
checker's own derivations, then returns the step's conclusion; it never trusts a
recorded enclosure, Hessian or result without re-deriving it.  Failures name the step
by its path in the proof (``proof[0] > steps[1] > steps[0]``) and the rule.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

import sympy

from convexity_proofs._brief import brief
from convexity_proofs._proof import ProofStep
from convexity_proofs._values import Domain, Obligation, interval_domain


class CheckFailure(Exception):
    """A step that does not replay: ``where`` is its path, the message says why."""

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


def require(condition: bool, message: str | Callable[[], str]) -> None:
    """Fail with ``message`` unless ``condition``; a message that prints expressions is
    passed as a function, so it is only built when the step fails."""
    if not condition:
        raise CheckFailure(message if isinstance(message, str) else message())


@dataclass(frozen=True)
class Context:
    """What a step speaks about: ``variables`` over a box (``domains`` has every symbol;
    a parameter fixed at one value has a one-point domain)."""

    variables: tuple[sympy.Symbol, ...]
    domains: Mapping[sympy.Symbol, Domain]
    #: The definedness obligations of the claim's text as written.
    obligations: tuple[Obligation, ...] = ()
    _variable_set: frozenset[sympy.Symbol] = field(default=frozenset(), compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_variable_set", frozenset(self.variables))

    def is_variable(self, s: sympy.Basic) -> bool:
        return s in self._variable_set

    def depends(self, expr: sympy.Basic) -> bool:
        """Does ``expr`` involve a variable of the context?"""
        return bool(expr.free_symbols & self._variable_set)

    def pinned(self, values: Mapping[sympy.Symbol, Fraction]) -> Context:
        domains = dict(self.domains)
        for s, q in values.items():
            domains[s] = interval_domain(q, q)
        return Context(self.variables, domains, self.obligations)

    def with_variables(
        self, variables: tuple[sympy.Symbol, ...], domains: Mapping[sympy.Symbol, Domain]
    ) -> Context:
        return Context(variables, {**self.domains, **domains}, self.obligations)


#: What a conclusion implies: an affine subject is also convex and concave, a strictly
#: convex one convex.
IMPLIES: dict[str, frozenset[str]] = {
    "affine": frozenset(
        {"affine", "convex", "concave", "quasiconvex", "quasiconcave", "quasilinear"}
    ),
    "convex": frozenset({"convex", "quasiconvex"}),
    "concave": frozenset({"concave", "quasiconcave"}),
    "strictly-convex": frozenset({"strictly-convex", "convex", "quasiconvex"}),
    "strictly-concave": frozenset({"strictly-concave", "concave", "quasiconcave"}),
    # Refuting facts: not convex implies not strictly convex and not affine.
    "not-convex": frozenset({"not-convex", "not-strictly-convex", "not-affine"}),
    "not-concave": frozenset({"not-concave", "not-strictly-concave", "not-affine"}),
    "not-strictly-convex": frozenset({"not-strictly-convex"}),
    "not-strictly-concave": frozenset({"not-strictly-concave"}),
    "not-affine": frozenset({"not-affine"}),
    "invariant": frozenset({"invariant"}),
    "not-invariant": frozenset({"not-invariant"}),
    # Monotonicity: strict implies weak; a constant is both ways (and affine).
    "constant": frozenset(
        {
            "constant",
            "nondecreasing",
            "nonincreasing",
            "affine",
            "convex",
            "concave",
            "quasiconvex",
            "quasiconcave",
            "quasilinear",
        }
    ),
    "increasing": frozenset({"increasing", "nondecreasing"}),
    "decreasing": frozenset({"decreasing", "nonincreasing"}),
    "nondecreasing": frozenset({"nondecreasing"}),
    "nonincreasing": frozenset({"nonincreasing"}),
    "not-nondecreasing": frozenset({"not-nondecreasing", "not-increasing"}),
    "not-nonincreasing": frozenset({"not-nonincreasing", "not-decreasing"}),
    "not-increasing": frozenset({"not-increasing"}),
    "not-decreasing": frozenset({"not-decreasing"}),
    # Quasiconvexity: convex functions are quasiconvex, so not quasiconvex is not convex.
    "quasiconvex": frozenset({"quasiconvex"}),
    "quasiconcave": frozenset({"quasiconcave"}),
    "quasilinear": frozenset({"quasilinear", "quasiconvex", "quasiconcave"}),
    "not-quasiconvex": frozenset(
        {"not-quasiconvex", "not-convex", "not-strictly-convex", "not-affine"}
    ),
    "not-quasiconcave": frozenset(
        {"not-quasiconcave", "not-concave", "not-strictly-concave", "not-affine"}
    ),
    # f <= 0 somewhere: f is neither log-concave nor log-convex.
    "not-positive": frozenset({"not-positive"}),
}


def implies(concluded: str, needed: str) -> bool:
    return needed in IMPLIES.get(concluded, frozenset())


def negated(conclusion: str) -> str:
    """The conclusion about −f from one about f."""
    swap = {
        "convex": "concave",
        "concave": "convex",
        "strictly-convex": "strictly-concave",
        "strictly-concave": "strictly-convex",
        "not-convex": "not-concave",
        "not-concave": "not-convex",
        "not-strictly-convex": "not-strictly-concave",
        "not-strictly-concave": "not-strictly-convex",
        "nondecreasing": "nonincreasing",
        "nonincreasing": "nondecreasing",
        "increasing": "decreasing",
        "decreasing": "increasing",
        "not-nondecreasing": "not-nonincreasing",
        "not-nonincreasing": "not-nondecreasing",
        "not-increasing": "not-decreasing",
        "not-decreasing": "not-increasing",
        "quasiconvex": "quasiconcave",
        "quasiconcave": "quasiconvex",
        "not-quasiconvex": "not-quasiconcave",
        "not-quasiconcave": "not-quasiconvex",
    }
    return swap.get(conclusion, conclusion)


RuleCheck = Callable[[ProofStep, Context, "Checker"], None]

#: rule key -> its replay (raises CheckFailure).  Filled by the rule modules.
RULE_CHECKS: dict[str, RuleCheck] = {}


def rule(*keys: str) -> Callable[[RuleCheck], RuleCheck]:
    def register(check: RuleCheck) -> RuleCheck:
        for key in keys:
            RULE_CHECKS[key] = check
        return check

    return register


class Checker:
    """Replays proof trees; ``options`` carries switches such as ``recheck_z3``."""

    def __init__(self, *, recheck_z3: bool = False) -> None:
        self.recheck_z3 = recheck_z3
        self._path: list[tuple[str, ProofStep]] = []
        # Shared subtrees (the composer memoises) are replayed once per context; the
        # values keep the keyed objects alive, so their ids cannot be reused.
        self._done: dict[tuple[int, int], tuple[ProofStep, Context]] = {}

    def check(self, step: ProofStep, context: Context, label: str = "") -> str:
        """Replay ``step`` (and its children, through its rule) in ``context``; return
        its conclusion."""
        key = (id(step), id(context))
        if key in self._done:
            return step.conclusion
        self._path.append((label, step))  # printed only when a step fails
        try:
            check = RULE_CHECKS.get(step.rule)
            if check is None:
                raise CheckFailure(f"the checker knows no rule {step.rule!r}")
            check(step, context, self)
            self._done[key] = (step, context)
            return step.conclusion
        except CheckFailure as failure:
            if not failure.where:
                failure.where = " > ".join(
                    label or f"{s.rule} of {brief(s.subject, 40)}" for label, s in self._path
                )
            raise
        finally:
            self._path.pop()

    @property
    def at_root(self) -> bool:
        """Is the step being replayed a root of the proof (not a step inside one)?"""
        return len(self._path) == 1

    @property
    def parent_rule(self) -> str | None:
        """The rule of the step whose replay is replaying this one (None at a root)."""
        return self._path[-2][1].rule if len(self._path) >= 2 else None

    def children(self, step: ProofStep, context: Context) -> list[str]:
        return [self.check(child, context) for child in step.children]
