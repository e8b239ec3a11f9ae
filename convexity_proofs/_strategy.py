"""The strategy protocol, its three outcomes, and the one guard every strategy runs behind.

A strategy answers one curvature question (a :class:`~convexity_proofs._problem.Problem`):
it either does not apply (``why_not`` says which condition failed), or it runs and
returns :class:`Proved`, :class:`Refuted` or :class:`Inconclusive`.  The engine is an
ordered loop over strategies, cheapest first (``cost``), each with its own share of
the remaining time budget (``share``: a safety net; effort is set by counts).

The guard: an unexpected exception inside a strategy costs that strategy's answer and
nothing else.  It is recorded as ``internal error in <strategy>: <type>: <message>``
and the remaining strategies still run; an internal error can only lose an answer,
never produce one.  With the environment variable named by
:data:`~convexity_proofs._values.RAISE_INTERNAL_ERRORS_ENV` set to ``1`` the error is
re-raised instead (developers and the test suite).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol, TypeVar

import sympy

from convexity_proofs._problem import Problem
from convexity_proofs._proof import ProofStep
from convexity_proofs._values import (
    RAISE_INTERNAL_ERRORS_ENV,
    Attempt,
    AttemptKind,
    Uncovered,
    Witness,
)


@dataclass(frozen=True, slots=True)
class Proved:
    steps: tuple[ProofStep, ...]
    strict: bool | None = None
    flat_direction: dict[sympy.Symbol, Fraction] | None = None


@dataclass(frozen=True, slots=True)
class Refuted:
    witness: Witness


@dataclass(frozen=True, slots=True)
class Inconclusive:
    note: str
    #: What no rule covers, when that is what stopped the strategy (for next steps).
    uncovered: Uncovered | None = None


Outcome = Proved | Refuted | Inconclusive


class Strategy(Protocol):
    name: str
    #: Order of the loop: lower runs first.
    cost: int
    #: At most this fraction of the remaining time budget (a safety net, not effort).
    share: float

    def why_not(self, problem: Problem) -> str | None:
        """None when the strategy applies; otherwise the condition that failed."""

    def run(self, problem: Problem) -> Outcome:
        """Answer the question (only called when ``why_not`` returned None)."""


T = TypeVar("T")


def raise_internal_errors() -> bool:
    return os.environ.get(RAISE_INTERNAL_ERRORS_ENV, "") == "1"


def internal_error(name: str, exc: BaseException) -> Attempt:
    message = str(exc).replace("\n", " ")
    if len(message) > 200:
        message = message[:197] + "..."
    return Attempt(
        name, f"internal error in {name}: {type(exc).__name__}: {message}", AttemptKind.ERROR
    )


def guarded(name: str, call: Callable[[], T], attempts: list[Attempt]) -> T | None:
    """``call()``, or None (recorded in ``attempts``) when it raises unexpectedly."""
    try:
        return call()
    except Exception as exc:  # the guard's purpose: a fault costs this answer only
        if raise_internal_errors():
            raise
        attempts.append(internal_error(name, exc))
        return None
