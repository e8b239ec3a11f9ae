"""u·log(u/v) on u, v > 0: jointly convex (the perspective of u·log u), strictly
decreasing in v, not monotone in u."""

from __future__ import annotations

import sympy

from convexity_proofs.functions._entry import (
    ALWAYS,
    Arguments,
    Entry,
    Monotone,
    Row,
    all_factors_depend,
    log_of,
    two_factors,
)


def arguments(e: sympy.Expr) -> Arguments | None:
    """u·log(u/v), written u·log(u·v**-1)."""
    for u, logarithm in two_factors(e):
        inside = log_of(logarithm)
        for first, inverse in two_factors(inside) if inside is not None else ():
            if first == u and inverse.is_Pow and inverse.args[1] == -1:
                return (u, inverse.args[0])
    return None


ENTRY = Entry(
    key="rel-entropy",
    doc="the relative entropy u*log(u/v)",
    row=Row(
        "rel-entropy",
        "u*log(u/v)",
        arguments,
        domain=((0, "positive"), (1, "positive")),
        convex=ALWAYS,
        per_argument=(Monotone(), Monotone(decreasing=ALWAYS, strictly_decreasing=ALWAYS)),
        name="relative entropy u*log(u/v)",
    ),
    subject=sympy.Mul,
    claims=all_factors_depend,
    priority=20,
)
