"""Max(u1, ...): convex and nondecreasing in each argument (not strictly); not smooth."""

from __future__ import annotations

import sympy

from convexity_proofs.functions._entry import ALWAYS, Entry, Row, function_arguments

ENTRY = Entry(
    key="max",
    doc="the largest argument",
    names=("max", "Max"),
    max_args=None,
    head=sympy.Max,
    interval="maximum",
    lattice="max",
    smooth=False,
    row=Row("max", "Max(u1, ...)", function_arguments(sympy.Max), convex=ALWAYS, increasing=ALWAYS),
)
