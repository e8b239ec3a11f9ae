"""exp(b1)···exp(bm)·u1**a1···un**an with every a_i < 0 (m, n >= 1), on u_i > 0:
jointly convex, strictly increasing in each b_j, strictly decreasing in each u_i,
positive.

Its logarithm b1 + ... + bm + a1·log(u1) + ... + an·log(un) is convex (−log is convex and
every a_i < 0), and the exponential of a convex function is convex.  With a positive
exponent the product is not convex (``exp(y)*x**a``, a > 0: the Hessian's determinant is
−a·f**2/x**2 < 0), so those are not this atom.  ``exp(y)/x**2`` is ``exp(y)*x**(-2)``.
"""

from __future__ import annotations

import sympy

from convexity_proofs.functions._entry import (
    ALWAYS,
    Arguments,
    Cond,
    Entry,
    Monotone,
    Row,
    all_factors_depend,
)


def split(e: sympy.Expr) -> tuple[tuple[sympy.Expr, ...], tuple[sympy.Expr, ...]] | None:
    """(the exponents b_j, the bases u_i) when ``e`` has this shape."""
    if not e.is_Mul or len(e.args) < 2:
        return None
    exponents: list[sympy.Expr] = []
    bases: list[sympy.Expr] = []
    for f in e.args:
        if type(f) is sympy.exp and len(f.args) == 1:
            exponents.append(f.args[0])
        elif f.is_Pow and f.args[1].is_Rational and f.args[1] < 0 and not f.args[0].is_number:
            bases.append(f.args[0])
        else:
            return None
    if not exponents or not bases:
        return None
    return tuple(exponents), tuple(bases)


def arguments(e: sympy.Expr) -> Arguments | None:
    """(b_1, ..., b_m, u_1, ..., u_n)."""
    found = split(e)
    return None if found is None else found[0] + found[1]


def _row(e: sympy.Expr) -> Row | None:
    found = split(e)
    if found is None:
        return None
    m, n = len(found[0]), len(found[1])
    domain: tuple[Cond, ...] = tuple((m + i, "positive") for i in range(n))
    up = Monotone(increasing=ALWAYS, strictly_increasing=ALWAYS)
    down = Monotone(decreasing=ALWAYS, strictly_decreasing=ALWAYS)
    return Row(
        "exp-power-product",
        "exp(b1)*...*u1**a1*..., a_i < 0",
        arguments,
        domain=domain,
        convex=ALWAYS,
        positive=ALWAYS,
        per_argument=(up,) * m + (down,) * n,
        name="exp(b)*u**a with a < 0",
    )


ENTRY = Entry(
    key="exp-power-product",
    doc="exponentials times negative powers exp(b)*u**a, a < 0 (log-convex)",
    row_of=_row,
    subject=sympy.Mul,
    claims=all_factors_depend,
    priority=40,
)
