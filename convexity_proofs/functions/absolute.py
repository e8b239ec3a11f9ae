"""Abs(u): convex, strictly monotone on each side of 0; a kink at 0 (not smooth)."""

from __future__ import annotations

import sympy

from convexity_proofs.functions._entry import CONVEX_V, Entry, Row, function_arguments

ENTRY = Entry(
    key="abs",
    doc="the absolute value",
    names=("abs", "Abs"),
    head=sympy.Abs,
    # Abs is even, but the parser builds a long argument's Abs as written, as it always
    # has: no parity normalisation.
    interval="abs",
    lattice="abs",
    smooth=False,
    row=Row("abs", "Abs(u)", function_arguments(sympy.Abs), **CONVEX_V),
)
