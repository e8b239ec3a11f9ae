"""sigmoid(u) = (1 + exp(-u))**-1, written out so provers see only exp and powers."""

from __future__ import annotations

import sympy

from convexity_proofs.functions import exp
from convexity_proofs.functions._construct import Construction, negate
from convexity_proofs.functions._entry import Entry


def _form(c: Construction, u: sympy.Expr) -> sympy.Expr:
    return c.reciprocal(sympy.Add(sympy.S.One, c.call(exp.ENTRY, negate(u))))


ENTRY = Entry(
    key="sigmoid",
    doc="the logistic function",
    names=("sigmoid",),
    form=_form,
    no_row="built as (1 + exp(-u))**-1: the rows are 'power' and 'exp' (and "
    "'log-sigmoid', 'log-one-minus-sigmoid' for its logarithms)",
)
