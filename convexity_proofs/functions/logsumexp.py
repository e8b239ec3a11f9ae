"""logsumexp(u1, ...) = log(exp(u1) + ...): convex, strictly increasing in each argument.

The atom is any log(c0 + c1·exp(u1) + ...) with numbers c0 >= 0, c_i > 0: log-sum-exp
of the u_i + log c_i (and of the constant log c0); constant shifts change neither
curvature nor monotonicity, so its arguments are the u_i, and 0 for c0.  The numbers
may be written with pi, E, rational powers and exp of rationals (``sqrt(2)*exp(x)``,
``pi + exp(x)``: positive by their form, :func:`positive_constant`), and a term may
be a product of exponentials, exp(a)·exp(b) = exp(a + b) (its argument is a + b).
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


def positive_constant(e: sympy.Expr) -> bool:
    """``e`` is a number that is > 0 by its form: a positive rational or float, pi, E,
    a rational power or a product or sum of such, exp of a rational.  Structural (no
    numerical evaluation), so the prover and the checker read it alike."""
    if e.is_Number:
        return positive_number(e)
    if e is sympy.pi or e is sympy.E:
        return True
    if e.is_Pow:
        return bool(e.args[1].is_Rational) and positive_constant(e.args[0])
    if type(e) is sympy.exp:
        return bool(e.args[0].is_Rational)
    if e.is_Mul or e.is_Add:
        return all(positive_constant(a) for a in e.args)
    return False


def _scaled_exp(term: sympy.Expr) -> sympy.Expr | None:
    """u when ``term`` is c·exp(u) with a constant c > 0 (:func:`positive_constant`),
    or c·exp(u1)···exp(uk) with u = u1 + ... + uk."""
    if type(term) is sympy.exp:
        return term.args[0]
    if not term.is_Mul:
        return None
    exps = [f for f in term.args if type(f) is sympy.exp]
    constants = [f for f in term.args if type(f) is not sympy.exp]
    if not exps or not all(positive_constant(c) for c in constants):
        return None
    return exps[0].args[0] if len(exps) == 1 else sympy.Add(*(f.args[0] for f in exps))


def arguments(e: sympy.Expr) -> Arguments | None:
    """log(c0 + Σ c_i·exp(u_i)), numbers c0 >= 0, c_i > 0: (u_1, ..., u_n[, 0 for c0])."""
    inside = log_of(e)
    if inside is None:
        return None
    exps: list[sympy.Expr] = []
    constant = False
    for term in sympy.Add.make_args(inside):
        if term.is_number:
            if not positive_constant(term):
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
