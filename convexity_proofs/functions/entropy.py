"""u·log(u), the negative entropy: convex on u > 0 (not monotone)."""

from __future__ import annotations

import sympy

from convexity_proofs.functions._entry import (
    ALWAYS,
    POSITIVE_FIRST,
    Arguments,
    Entry,
    Row,
    all_factors_depend,
    log_of,
    two_factors,
)


def arguments(e: sympy.Expr) -> Arguments | None:
    """u·log(u)."""
    for u, logarithm in two_factors(e):
        if log_of(logarithm) == u:
            return (u,)
    return None


ENTRY = Entry(
    key="entropy",
    doc="the negative entropy u*log(u)",
    row=Row(
        "entropy",
        "u*log(u)",
        arguments,
        domain=POSITIVE_FIRST,
        convex=ALWAYS,
        name="x*log(x)",
    ),
    subject=sympy.Mul,
    claims=all_factors_depend,
    priority=10,
)
