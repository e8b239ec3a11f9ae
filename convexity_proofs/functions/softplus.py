"""softplus(u) = log(1 + exp(u)): convex and strictly increasing; the smooth ReLU.

The row reads any log(c0 + c1·exp(u)) with numbers c0, c1 > 0; the prover names the
atom softplus when c0 is 1 (log-sum-exp of (u, 0) otherwise).
"""

from __future__ import annotations

import sympy

from convexity_proofs.functions import exp, logsumexp
from convexity_proofs.functions._construct import Construction
from convexity_proofs.functions._entry import CONVEX_UP, Arguments, Depends, Entry, Row


def _form(c: Construction, u: sympy.Expr) -> sympy.Expr:
    return c.log_positive_sum(sympy.Add(sympy.S.One, c.call(exp.ENTRY, u)))


def arguments(e: sympy.Expr) -> Arguments | None:
    """log(c0 + c1·exp(u)) with numbers c0, c1 > 0."""
    args = logsumexp.arguments(e)
    return args[:1] if args is not None and len(args) == 2 and args[1] == 0 else None


def _constant_one(e: sympy.Expr, depends: Depends) -> bool:
    inside = e.args[0]
    return bool(inside.is_Add and 1 in inside.args)


ENTRY = Entry(
    key="softplus",
    doc="log(1 + exp(u)), the logistic loss of a logit",
    names=("softplus",),
    form=_form,
    row=Row("softplus", "log(c0 + c1*exp(u))", arguments, **CONVEX_UP),
    subject=sympy.log,
    claims=_constant_one,
    priority=10,
)
