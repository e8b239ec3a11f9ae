"""What a decider returns, and the pieces every decider shares: the parameter values
tried when one value must be exhibited, and the root step of a proof at those values.

The engine (:mod:`convexity_proofs._engine`) and the property deciders
(:mod:`convexity_proofs.properties`) both build :class:`Decision` values from these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from convexity_proofs._problem import Problem
from convexity_proofs._proof import ContextFact, ProofStep
from convexity_proofs._values import Status, Witness, format_number
from convexity_proofs.refuters._space import simple_values


@dataclass(frozen=True, slots=True)
class Decision:
    """A claim's outcome before the checker: the status, the proof or witness (or the
    proof of the opposite that refutes), and the definedness facts when they differ
    from the function's own."""

    status: Status
    proof: tuple[ProofStep, ...] = ()
    witness: Witness | None = None
    refuting: tuple[ProofStep, ...] = ()
    #: Set when the claim-level definedness facts differ from the function's own
    #: (invariance: both sides' obligations).
    definedness: tuple[Any, ...] | None = None


UNKNOWN = Decision(Status.UNKNOWN)


def pinned_label(problem: Problem) -> str:
    if not problem.pinned:
        return ""
    return " at " + ", ".join(f"{s} = {format_number(q)}" for s, q in problem.pinned)


def pins(problem: Problem) -> list[Problem]:
    """Up to ``pin_tries`` problems with every free parameter fixed to one value: the
    simplest values first, then the ends of closed ranges (where a loss often
    degenerates: data x = 0), then the next simple values."""
    free = problem.free_parameters
    if not free:
        return []
    options = {s: simple_values(problem.domains[s], interior=False) for s in free}
    if not all(options.values()):
        return []
    choices = [{s: options[s][0] for s in free}]
    for end in ("lo", "hi"):
        values = {}
        for s in free:
            domain = problem.domains[s]
            value = getattr(domain, end)
            values[s] = value if value is not None and domain.contains(value) else options[s][0]
        choices.append(values)
    choices.append({s: options[s][min(1, len(options[s]) - 1)] for s in free})
    pins: list[Problem] = []
    for values in choices:
        if len(pins) >= problem.settings.pin_tries:
            break
        pinned = problem.pin(values)
        if all(p.pinned != pinned.pinned for p in pins):
            pins.append(pinned)
    return pins


def at_parameters(
    pinned: Problem, proof: list[ProofStep] | tuple[ProofStep, ...], conclusion: str
) -> ProofStep:
    """The proof at fixed parameter values, with how f is defined at those values."""
    context = ContextFact(pinned.variables, pinned=pinned.pinned)
    facts = (context, *(pinned.definedness or ()))
    return ProofStep("at-parameters", pinned.function, conclusion, facts, tuple(proof))


def why_not_for_every_value(problem: Problem) -> str:
    """Why a witness found at one parameter value was not certified for every value:
    the words for a note."""
    unbounded = [
        s.name
        for s in problem.free_parameters
        if problem.domains[s].lo is None or problem.domains[s].hi is None
    ]
    if unbounded:
        return f"{', '.join(unbounded)} ranges over an unbounded domain, so no box covers it"
    return "the interval enclosure over the parameter box did not show it"
