"""log(u): defined for u > 0, concave and strictly increasing there."""

from __future__ import annotations

import sympy
from flint import arb, arb_series

from convexity_proofs.functions._construct import positive_sum
from convexity_proofs.functions._entry import (
    CONCAVE_UP,
    POSITIVE_FIRST,
    Entry,
    Row,
    function_arguments,
)


def _positive(x: arb) -> bool:
    return bool(x > 0)


ENTRY = Entry(
    key="log",
    doc="the natural logarithm",
    names=("log",),
    obligation=lambda u: (sympy.log, (u,)),
    head=sympy.log,
    unevaluated_when=positive_sum,
    interval="log",
    ball=arb.log,
    series=arb_series.log,
    ball_domain=_positive,
    numeric=lambda np: (np.log, lambda u: 1.0 / u, lambda u: -1.0 / (u * u)),
    row=Row("log", "log(u)", function_arguments(sympy.log), domain=POSITIVE_FIRST, **CONCAVE_UP),
    # after the shapes written with a log (log-cosh, log-sigmoid, softplus, ...)
    priority=90,
)
