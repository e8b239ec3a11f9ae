"""log(cosh(u)): convex, strictly monotone on each side of 0."""

from __future__ import annotations

import sympy

from convexity_proofs.functions._entry import CONVEX_V, Arguments, Entry, Row, log_of


def arguments(e: sympy.Expr) -> Arguments | None:
    inside = log_of(e)
    return tuple(inside.args) if inside is not None and type(inside) is sympy.cosh else None


ENTRY = Entry(
    key="log-cosh",
    doc="the logarithm of cosh",
    row=Row("log-cosh", "log(cosh(u))", arguments, **CONVEX_V, name="log(cosh)"),
    subject=sympy.log,
    priority=0,
)
