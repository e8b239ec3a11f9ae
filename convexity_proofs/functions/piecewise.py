"""Piecewise((expr, cond), ..., (expr, True)): claim-file syntax, not smooth."""

from __future__ import annotations

import sympy

from convexity_proofs.functions._entry import Entry

ENTRY = Entry(
    key="piecewise",
    doc="a function given branch by branch",
    names=("Piecewise",),
    max_args=None,
    syntax="its arguments are (expression, condition) pairs, the last with condition True: "
    "the parser reads them itself",
    head=sympy.Piecewise,
    smooth=False,
    native="the walkers (intervals, balls, numeric search) take the branches themselves, "
    "each where its condition can hold",
    no_row="the provers and the checker handle it by its branches",
)
