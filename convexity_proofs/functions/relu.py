"""relu(u) = Max(0, u)."""

from __future__ import annotations

import sympy

from convexity_proofs.functions._construct import Construction
from convexity_proofs.functions._entry import Entry


def _form(c: Construction, u: sympy.Expr) -> sympy.Expr:
    return c.ramp(u)


ENTRY = Entry(
    key="relu",
    doc="the rectified linear unit",
    names=("relu",),
    form=_form,
    no_row="built as Max(0, u): the row is 'max'",
)
