"""Min(u1, ...): concave and nondecreasing in each argument (not strictly); not smooth."""

from __future__ import annotations

import sympy

from convexity_proofs.functions._entry import ALWAYS, Entry, Row, function_arguments

ENTRY = Entry(
    key="min",
    doc="the smallest argument",
    names=("min", "Min"),
    max_args=None,
    head=sympy.Min,
    interval="minimum",
    lattice="min",
    smooth=False,
    row=Row(
        "min", "Min(u1, ...)", function_arguments(sympy.Min), concave=ALWAYS, increasing=ALWAYS
    ),
)
