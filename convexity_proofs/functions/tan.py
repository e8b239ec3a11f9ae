"""tan(u): odd, defined where cos(u) != 0."""

from __future__ import annotations

import sympy
from flint import arb, arb_series

from convexity_proofs.functions._entry import Entry


def _cos_nonzero(x: arb) -> bool:
    c = x.cos()
    return bool(c > 0 or c < 0)


ENTRY = Entry(
    key="tan",
    doc="the tangent",
    names=("tan",),
    obligation=lambda u: (sympy.tan, (u,)),
    head=sympy.tan,
    parity="odd",
    interval="tan",
    ball=arb.tan,
    series=arb_series.tan,
    ball_domain=_cos_nonzero,
    numeric=lambda np: (
        np.tan,
        lambda u: 1 + np.tan(u) ** 2,
        lambda u: 2 * np.tan(u) * (1 + np.tan(u) ** 2),
    ),
    no_row="periodic with poles: no sign condition on u gives a row",
)
