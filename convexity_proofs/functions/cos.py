"""cos(u): even and periodic."""

from __future__ import annotations

import sympy
from flint import arb, arb_series

from convexity_proofs.functions._entry import Entry

ENTRY = Entry(
    key="cos",
    doc="the cosine",
    names=("cos",),
    head=sympy.cos,
    parity="even",
    interval="cos",
    ball=arb.cos,
    series=arb_series.cos,
    numeric=lambda np: (np.cos, lambda u: -np.sin(u), lambda u: -np.cos(u)),
    no_row="periodic: neither convex, concave nor monotone on a sign condition",
)
