"""cosh(u): even, convex, strictly monotone on each side of 0, positive."""

from __future__ import annotations

import sympy
from flint import arb

from convexity_proofs.functions._entry import ALWAYS, CONVEX_V, Entry, Row, function_arguments

ENTRY = Entry(
    key="cosh",
    doc="the hyperbolic cosine",
    names=("cosh",),
    head=sympy.cosh,
    parity="even",
    interval="cosh",
    ball=arb.cosh,
    series=lambda s: (s.exp() + (-s).exp()) / 2,
    numeric=lambda np: (np.cosh, np.sinh, np.cosh),
    row=Row("cosh", "cosh(u)", function_arguments(sympy.cosh), positive=ALWAYS, **CONVEX_V),
)
