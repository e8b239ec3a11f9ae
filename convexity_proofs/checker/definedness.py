"""Definedness re-derived: the function and every obligation of the text as written
are defined on the whole box (kernel interval enclosures)."""

from __future__ import annotations

from collections.abc import Iterable

import sympy

from convexity_proofs._obligations import decisive
from convexity_proofs._proof import DefinedFact, Fact, ObligationFact
from convexity_proofs._values import Obligation
from convexity_proofs.checker._core import Checker, CheckFailure, Context, require
from convexity_proofs.checker.composition import encloses
from convexity_proofs.kernel import intervals


def defined_on_box(expr: sympy.Basic, context: Context) -> bool:
    return intervals.defined(expr, context.domains) is True


def _recorded_encloses(
    recorded: intervals.Interval, expr: sympy.Basic, context: Context, what: str
) -> None:
    """A recorded enclosure is informative, but it must contain the recomputed one (a
    certificate must not carry numbers its checker would not have found)."""
    try:
        box = intervals.range_of(expr, context.domains)
    except intervals.Undefined:
        raise CheckFailure(f"definedness: {what} is not shown defined on the box") from None
    require(
        encloses(recorded, box),
        lambda: (
            f"definedness: the recorded enclosure {recorded} for {what} does not "
            f"enclose the recomputed {box}"
        ),
    )


def check_obligations(
    obligations: Iterable[Obligation], context: Context, facts: Iterable[Fact] = ()
) -> None:
    """Every obligation holds on the whole box.  The recorded facts must name each of
    them (so a certificate says how each is met), and each is re-derived."""
    recorded = {
        (f.obligation.kind, f.obligation.argument): f
        for f in facts
        if isinstance(f, ObligationFact)
    }
    for ob in obligations:
        shown = ob.describe() + (f" (from {ob.text})" if ob.text else "")
        fact = recorded.get((ob.kind, ob.argument))
        require(fact is not None, f"definedness: no fact says how {shown} is met")
        assert fact is not None
        require(
            defined_on_box(decisive(ob), context),
            f"definedness: {shown} does not hold on the whole domain",
        )
        _recorded_encloses(fact.enclosure, decisive(ob), context, shown)


def check_defined(
    function: sympy.Expr, context: Context, facts: Iterable[Fact], checker: Checker | None = None
) -> None:
    """``function`` and every obligation of the claim's text are defined on the whole
    box; facts must say so for each (a DefinedFact, an ObligationFact per obligation)."""
    facts = tuple(facts)
    fact = next((f for f in facts if isinstance(f, DefinedFact) and f.subject == function), None)
    require(fact is not None, "definedness: no fact says the function is defined on the domain")
    assert fact is not None
    require(
        defined_on_box(function, context),
        "definedness: the function is not defined on the whole domain",
    )
    _recorded_encloses(fact.enclosure, function, context, "the function")
    check_obligations(context.obligations, context, facts)
