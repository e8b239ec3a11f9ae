"""Deciders of the properties that are not curvature questions.

Monotonicity (:mod:`.monotone`) and quasiconvexity (:mod:`.quasiconvex`) have their own
proofs and witnesses; the engine hands a claim about them to :func:`decider`.  The
reduced properties (strongly-convex, log-concave, log-convex) are curvature claims
about another function (:mod:`convexity_proofs._reductions`); :mod:`.log_concave`
adds their one extra refutation, a point where f <= 0.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from convexity_proofs._values import Property

MONOTONE_PROPERTIES = frozenset(
    {
        Property.NONDECREASING,
        Property.NONINCREASING,
        Property.INCREASING,
        Property.DECREASING,
        Property.NONMONOTONE,
    }
)
QUASI_PROPERTIES = frozenset({Property.QUASICONVEX, Property.QUASICONCAVE, Property.QUASILINEAR})


def decider(prop: Property) -> Callable[[Any], Any]:
    """``decide(run) -> Decision`` for ``prop`` (``run`` is the engine's run of one claim)."""
    if prop in MONOTONE_PROPERTIES:
        from convexity_proofs.properties import monotone

        return monotone.decide
    if prop in QUASI_PROPERTIES:
        from convexity_proofs.properties import quasiconvex

        return quasiconvex.decide
    raise ValueError(f"no decider for {prop}")
