"""exp(u): convex, strictly increasing and positive everywhere."""

from __future__ import annotations

import sympy
from flint import arb, arb_series

from convexity_proofs.functions._construct import generic, log_free
from convexity_proofs.functions._entry import ALWAYS, CONVEX_UP, Entry, Row, function_arguments

ENTRY = Entry(
    key="exp",
    doc="the exponential",
    names=("exp",),
    head=sympy.exp,
    unevaluated_when=lambda u: generic(u) and log_free(u),
    interval="exp",
    ball=arb.exp,
    series=arb_series.exp,
    numeric=lambda np: (np.exp, np.exp, np.exp),
    row=Row("exp", "exp(u)", function_arguments(sympy.exp), positive=ALWAYS, **CONVEX_UP),
)
