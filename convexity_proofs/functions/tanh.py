"""tanh(u): odd, strictly increasing, convex left of 0 and concave right of 0."""

from __future__ import annotations

import sympy
from flint import arb

from convexity_proofs.functions._construct import generic
from convexity_proofs.functions._entry import S_SHAPED, Entry, Row, function_arguments

ENTRY = Entry(
    key="tanh",
    doc="the hyperbolic tangent",
    names=("tanh",),
    head=sympy.tanh,
    parity="odd",
    unevaluated_when=generic,
    interval="tanh",
    ball=arb.tanh,
    series=lambda s: 1 - 2 / ((2 * s).exp() + 1),
    numeric=lambda np: (
        np.tanh,
        lambda u: 1 - np.tanh(u) ** 2,
        lambda u: -2 * np.tanh(u) * (1 - np.tanh(u) ** 2),
    ),
    row=Row("tanh", "tanh(u)", function_arguments(sympy.tanh), **S_SHAPED),
)
