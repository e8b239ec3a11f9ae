"""sin(u): odd and periodic."""

from __future__ import annotations

import sympy
from flint import arb, arb_series

from convexity_proofs.functions._entry import Entry

ENTRY = Entry(
    key="sin",
    doc="the sine",
    names=("sin",),
    head=sympy.sin,
    parity="odd",
    interval="sin",
    ball=arb.sin,
    series=arb_series.sin,
    numeric=lambda np: (np.sin, np.cos, lambda u: -np.sin(u)),
    no_row="periodic: neither convex, concave nor monotone on a sign condition",
)
