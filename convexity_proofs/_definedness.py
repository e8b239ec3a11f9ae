"""Definedness as facts: how the function and each obligation are met on a box.

Computed only once a proof counts (``Problem.total`` is true), from the same kernel
enclosures that established it, so that a certificate says how each definedness
obligation of the text as written is met; the checker re-derives every one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import sympy

from convexity_proofs._obligations import decisive
from convexity_proofs._proof import DefinedFact, Fact, ObligationFact
from convexity_proofs._values import Domain, Obligation
from convexity_proofs.kernel import intervals


def definedness_facts(
    function: sympy.Expr,
    obligations: Iterable[Obligation],
    domains: Mapping[sympy.Symbol, Domain],
) -> tuple[Fact, ...]:
    """A DefinedFact for ``function`` and an ObligationFact per obligation.  Raises
    :class:`~convexity_proofs.kernel.intervals.Undefined` when one is not established."""
    facts: list[Fact] = [DefinedFact(function, intervals.range_of(function, domains))]
    for ob in obligations:
        facts.append(ObligationFact(ob, intervals.range_of(decisive(ob), domains)))
    return tuple(facts)
