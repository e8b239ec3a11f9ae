"""(u1···un)**(1/n) on the nonnegative orthant: concave, nondecreasing in each argument
(not strictly: another argument may be 0)."""

from __future__ import annotations

import sympy

from convexity_proofs.functions._entry import ALWAYS, Arguments, Depends, Entry, Row


def arguments(e: sympy.Expr) -> Arguments | None:
    """(u_1···u_n)**(1/n), n >= 2."""
    if not (e.is_Pow and e.args[0].is_Mul and e.args[1].is_Rational):
        return None
    exponent, factors = e.args[1], e.args[0].args
    if exponent.p == 1 and exponent.q >= 2 and len(factors) == exponent.q:
        return tuple(factors)
    return None


def _all_vary(e: sympy.Expr, depends: Depends) -> bool:
    return all(depends(f) for f in e.args[0].args)


ENTRY = Entry(
    key="geo-mean",
    doc="the geometric mean",
    row=Row(
        "geo-mean",
        "(u1*...*un)**(1/n)",
        arguments,
        domain=((None, "nonnegative"),),
        concave=ALWAYS,
        increasing=ALWAYS,
        name="geometric mean",
    ),
    subject=sympy.Pow,
    claims=_all_vary,
    priority=10,
)
