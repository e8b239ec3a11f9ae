"""erf(u): odd, strictly increasing, convex left of 0 and concave right of 0."""

from __future__ import annotations

import math
from typing import Any

import sympy
from flint import arb, arb_series

from convexity_proofs.functions._entry import S_SHAPED, Entry, Row, function_arguments


def _numeric(np: Any) -> tuple[Any, Any, Any]:
    erf = np.vectorize(math.erf, otypes=[float])

    def d_erf(u: Any) -> Any:
        return 2.0 / math.sqrt(math.pi) * np.exp(-u * u)

    return erf, d_erf, lambda u: -2 * u * d_erf(u)


ENTRY = Entry(
    key="erf",
    doc="the error function",
    names=("erf",),
    head=sympy.erf,
    parity="odd",
    interval="erf",
    ball=arb.erf,
    series=arb_series.erf,
    numeric=_numeric,
    row=Row("erf", "erf(u)", function_arguments(sympy.erf), **S_SHAPED),
)
