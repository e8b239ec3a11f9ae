"""c**u for a number c > 0, c != 1: exp(u·log c), convex and positive; strictly
increasing when c > 1, strictly decreasing when c < 1.  The row depends on the base."""

from __future__ import annotations

import sympy

from convexity_proofs.functions._entry import (
    ALWAYS,
    CONVEX_DOWN,
    CONVEX_UP,
    Arguments,
    Entry,
    Row,
    positive_number,
)


def base_of(e: sympy.Expr) -> sympy.Expr | None:
    """c when ``e`` is c**u with a number c > 0, c != 1, and a non-number exponent."""
    if e.is_Pow and positive_number(e.args[0]) and e.args[0] != 1 and not e.args[1].is_Number:
        return e.args[0]
    return None


def _exponent(e: sympy.Expr) -> Arguments | None:
    return (e.args[1],) if base_of(e) is not None else None


def exponential_row(c: sympy.Expr) -> Row:
    """The row of c**u for a number c > 0, c != 1."""
    shape, name = f"({c})**u", f"exponential {c}**u"
    shape_of_c = CONVEX_UP if c > 1 else CONVEX_DOWN
    return Row("exponential", shape, _exponent, positive=ALWAYS, name=name, **shape_of_c)


def _row_of(e: sympy.Expr) -> Row | None:
    c = base_of(e)
    return None if c is None else exponential_row(c)


ENTRY = Entry(
    key="exponential",
    doc="an exponential c**u of a constant base",
    row_of=_row_of,
    subject=sympy.Pow,
    priority=90,
)
