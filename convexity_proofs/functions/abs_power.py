"""|u|**p for p >= 1 as SymPy writes it: Abs(u)**a·u**(2k) (``abs(x)**3`` is
``x**2*Abs(x)``), a > 0 rational, k >= 1: convex, strictly decreasing left of 0 and
strictly increasing right of 0.

|u|**p with p >= 1 is t**p (convex and nondecreasing on t >= 0) of the convex |u|;
u**(2k) = |u|**(2k) for real u, so the product is |u|**(a + 2k).  SymPy keeps a
non-integer power of Abs as a power (``Abs(x)**(7/2)``), which the power row handles.
"""

from __future__ import annotations

import sympy

from convexity_proofs.functions._entry import (
    CONVEX_V,
    Arguments,
    Entry,
    Row,
    all_factors_depend,
    two_factors,
)


def _abs_power(f: sympy.Expr) -> tuple[sympy.Expr, sympy.Rational] | None:
    """(u, a) when ``f`` is Abs(u)**a with a rational a > 0 (a = 1: Abs(u))."""
    if type(f) is sympy.Abs:
        return f.args[0], sympy.S.One
    if f.is_Pow and type(f.args[0]) is sympy.Abs and f.args[1].is_Rational and f.args[1] > 0:
        return f.args[0].args[0], f.args[1]
    return None


def arguments(e: sympy.Expr) -> Arguments | None:
    """(u,) when ``e`` is Abs(u)**a·w**(2k) with w = u or w = -u, a > 0, k >= 1."""
    for absolute, even in two_factors(e):
        found = _abs_power(absolute)
        if found is None or not even.is_Pow:
            continue
        u, _ = found
        base, exponent = even.args
        if not (exponent.is_Integer and exponent > 0 and exponent % 2 == 0):
            continue
        if base == u or base == -u:
            return (u,)
    return None


ENTRY = Entry(
    key="abs-power",
    doc="a power |u|**p with p >= 1, written Abs(u)**a*u**(2k)",
    row=Row("abs-power", "Abs(u)**a*u**(2k)", arguments, name="|u|**p, p >= 1", **CONVEX_V),
    subject=sympy.Mul,
    claims=all_factors_depend,
    priority=30,
)
