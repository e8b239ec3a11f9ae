"""u**2/v on v > 0: jointly convex; in u like u**2, nonincreasing in v (strictly when u != 0)."""

from __future__ import annotations

import sympy

from convexity_proofs.functions._entry import (
    ALWAYS,
    NEVER,
    U_NONNEG,
    U_NONPOS,
    Arguments,
    Entry,
    Monotone,
    Row,
    all_factors_depend,
    on,
    two_factors,
)


def arguments(e: sympy.Expr) -> Arguments | None:
    """u**2·v**-1."""
    for square, inverse in two_factors(e):
        if square.is_Pow and square.args[1] == 2 and inverse.is_Pow and inverse.args[1] == -1:
            return (square.args[0], inverse.args[0])
    return None


ENTRY = Entry(
    key="quad-over-lin",
    doc="the quadratic over linear u**2/v",
    row=Row(
        "quad-over-lin",
        "u**2/v",
        arguments,
        domain=((1, "positive"),),
        convex=ALWAYS,
        per_argument=(
            Monotone(U_NONNEG, U_NONPOS, U_NONNEG, U_NONPOS),
            Monotone(NEVER, ALWAYS, NEVER, on("nonzero", 0)),
        ),
        name="quad-over-lin u**2/v",
    ),
    subject=sympy.Mul,
    claims=all_factors_depend,
    priority=0,
)
