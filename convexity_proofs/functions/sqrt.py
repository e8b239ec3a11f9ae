"""sqrt(u): in SymPy the power u**(1/2), so its rows are the power's (and the 2-norm's)."""

from __future__ import annotations

import sympy

from convexity_proofs.functions._entry import Entry

ENTRY = Entry(
    key="sqrt",
    doc="the square root, u**(1/2)",
    names=("sqrt",),
    form=lambda construction, u: sympy.sqrt(u),
    obligation=lambda u: (sympy.Pow, (u, sympy.S.Half)),
    no_row="a power u**(1/2): the kernel's arithmetic evaluates it, the rows are 'power' "
    "(and 'norm2' for the root of a sum of squares)",
)
