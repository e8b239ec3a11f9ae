"""logsumexp(u1, ...) = log(exp(u1) + ...): convex, strictly increasing in each argument.

The atom is any log(c0 + c1·exp(u1) + ...) with numbers c0 >= 0, c_i > 0: log-sum-exp
of the u_i + log c_i (and of the constant log c0); constant shifts change neither
curvature nor monotonicity, so its arguments are the u_i, and 0 for c0.
"""

from __future__ import annotations

import sympy

from convexity_proofs.functions import exp
from convexity_proofs.functions._construct import Construction
from convexity_proofs.functions._entry import (
    CONVEX_UP,
    Arguments,
    Entry,
    Row,
    log_of,
    positive_number,
)


def _form(c: Construction, *args: sympy.Expr) -> sympy.Expr:
    """Written out (no stabilising shift: it is exact)."""
    return c.log_positive_sum(sympy.Add(*[c.call(exp.ENTRY, a) for a in args]))


def _scaled_exp(term: sympy.Expr) -> sympy.Expr | None:
    """u when ``term`` is c·exp(u) with a number c > 0."""
    coeff, rest = term.as_coeff_Mul()
    return rest.args[0] if positive_number(coeff) and type(rest) is sympy.exp else None


def arguments(e: sympy.Expr) -> Arguments | None:
    """log(c0 + Σ c_i·exp(u_i)), numbers c0 >= 0, c_i > 0: (u_1, ..., u_n[, 0 for c0])."""
    inside = log_of(e)
    if inside is None:
        return None
    exps: list[sympy.Expr] = []
    constant = False
    for term in sympy.Add.make_args(inside):
        if term.is_Number:
            if not term.is_positive:
                return None
            constant = True
            continue
        u = _scaled_exp(term)
        if u is None:
            return None
        exps.append(u)
    if not exps:
        return None
    return (*exps, sympy.Integer(0)) if constant else tuple(exps)


ENTRY = Entry(
    key="logsumexp",
    doc="log-sum-exp, the smooth maximum",
    names=("logsumexp",),
    max_args=None,
    form=_form,
    row=Row("logsumexp", "log(c0 + c1*exp(u1) + ...)", arguments, **CONVEX_UP),
    subject=sympy.log,
    priority=20,
)
