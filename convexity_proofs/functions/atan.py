"""atan(u): odd, strictly increasing, convex left of 0 and concave right of 0."""

from __future__ import annotations

import sympy
from flint import arb, arb_series

from convexity_proofs.functions._entry import S_SHAPED, Entry, Row, function_arguments

ENTRY = Entry(
    key="atan",
    doc="the arctangent",
    names=("atan",),
    head=sympy.atan,
    parity="odd",
    interval="atan",
    ball=arb.atan,
    series=arb_series.atan,
    numeric=lambda np: (
        np.arctan,
        lambda u: 1 / (1 + u * u),
        lambda u: -2 * u / (1 + u * u) ** 2,
    ),
    row=Row("atan", "atan(u)", function_arguments(sympy.atan), **S_SHAPED),
)
