"""Heaviside(u): no claim-file name; SymPy writes it when it differentiates Max or Min."""

from __future__ import annotations

import sympy

from convexity_proofs.functions._entry import Entry

ENTRY = Entry(
    key="heaviside",
    doc="the unit step, a derivative of Max and Min",
    head=sympy.Heaviside,
    smooth=False,
    native="appears only in derivatives, which nothing evaluates",
    no_row="not in the claim language",
)
