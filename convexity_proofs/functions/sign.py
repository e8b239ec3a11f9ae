"""sign(u): no claim-file name; SymPy writes it when it differentiates Abs."""

from __future__ import annotations

import sympy

from convexity_proofs.functions._entry import Entry

ENTRY = Entry(
    key="sign",
    doc="the sign function, a derivative of Abs",
    head=sympy.sign,
    smooth=False,
    native="appears only in derivatives, which nothing evaluates",
    no_row="not in the claim language",
)
