"""sinh(u): odd, strictly increasing, concave left of 0 and convex right of 0."""

from __future__ import annotations

import sympy
from flint import arb

from convexity_proofs.functions._entry import ODD, Entry, Row, function_arguments

ENTRY = Entry(
    key="sinh",
    doc="the hyperbolic sine",
    names=("sinh",),
    head=sympy.sinh,
    parity="odd",
    interval="sinh",
    ball=arb.sinh,
    series=lambda s: (s.exp() - (-s).exp()) / 2,
    numeric=lambda np: (np.sinh, np.cosh, np.sinh),
    row=Row("sinh", "sinh(u)", function_arguments(sympy.sinh), **ODD),
)
