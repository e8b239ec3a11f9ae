"""u1**a1·u2**a2···un**an, n >= 2, rational exponents, on the nonnegative orthant (each
u_i > 0 where its exponent is negative).

With M = a·aᵀ − diag(a), the Hessian at a point of the open orthant is
f·D·M·D with D = diag(1/u_i), so the curvature is the sign of M:

* concave when every a_i > 0 and Σ a_i <= 1 (diag(a) − a·aᵀ is PSD exactly then);
* convex when every a_i < 0 (−diag(a) and a·aᵀ are PSD), or when exactly one a_i is
  positive, that one is >= 1 and Σ a_i >= 1 (x**(3/2)·y**(-1/4); the n-variable form of
  x**a·y**b with a >= 1, b <= 0, a + b >= 1).

The product is continuous on the closed region the domain describes (a positive power
is continuous at 0), so the curvature on the open orthant extends to it.  In u_i it is
nondecreasing when a_i > 0 and nonincreasing when a_i < 0, strictly when every other
factor with a positive exponent is > 0 (else the product is 0).

The recogniser reads only products whose exponents fall in one of the two regions: a
product the row would say nothing about (x·y, x/y) is not named this atom.
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from convexity_proofs.functions._entry import (
    ALWAYS,
    NEVER,
    Alternatives,
    Arguments,
    Cond,
    Entry,
    Monotone,
    Row,
    all_factors_depend,
    as_fraction,
)


def factors(e: sympy.Expr) -> tuple[tuple[sympy.Expr, Fraction], ...] | None:
    """The (base, exponent) of each factor of the product ``e`` (a factor that is no
    rational power is its own base with exponent 1), or None: not a product of at least
    two factors, a number among them, or a base repeated."""
    if not e.is_Mul or len(e.args) < 2:
        return None
    out: list[tuple[sympy.Expr, Fraction]] = []
    for f in e.args:
        if f.is_number:
            return None  # a constant factor is scaling, not this atom
        if f.is_Pow and f.args[1].is_Rational:
            out.append((f.args[0], as_fraction(f.args[1])))
        else:
            out.append((f, Fraction(1)))
    if len({base for base, _ in out}) != len(out):
        return None
    return tuple(out)


def region(exponents: tuple[Fraction, ...]) -> str | None:
    """ "concave", "convex" or None, by the rules of the module docstring."""
    total = sum(exponents, Fraction(0))
    if all(a > 0 for a in exponents) and total <= 1:
        return "concave"
    if all(a < 0 for a in exponents):
        return "convex"
    positive = [a for a in exponents if a > 0]
    if len(positive) == 1 and positive[0] >= 1 and total >= 1:
        return "convex"
    return None


def _exponents(e: sympy.Expr) -> tuple[Fraction, ...] | None:
    found = factors(e)
    if found is None:
        return None
    exponents = tuple(a for _, a in found)
    return exponents if region(exponents) is not None else None


def arguments(e: sympy.Expr) -> Arguments | None:
    """The bases u_i, when the exponents fall in a region."""
    found = factors(e)
    if found is None or region(tuple(a for _, a in found)) is None:
        return None
    return tuple(base for base, _ in found)


def _others_positive(exponents: tuple[Fraction, ...], index: int) -> Alternatives:
    conds: tuple[Cond, ...] = tuple(
        (j, "positive") for j, a in enumerate(exponents) if j != index and a > 0
    )
    return (conds,)


def power_product_row(exponents: tuple[Fraction, ...]) -> Row | None:
    """The row of u1**a1···un**an (None outside both regions)."""
    shape = region(exponents)
    if shape is None or len(exponents) < 2:
        return None
    domain: tuple[Cond, ...] = tuple(
        (i, "nonnegative" if a > 0 else "positive") for i, a in enumerate(exponents)
    )
    per = tuple(
        Monotone(increasing=ALWAYS, strictly_increasing=_others_positive(exponents, i))
        if a > 0
        else Monotone(decreasing=ALWAYS, strictly_decreasing=_others_positive(exponents, i))
        for i, a in enumerate(exponents)
    )
    written = "*".join(f"u{i + 1}**({a})" for i, a in enumerate(exponents))
    return Row(
        "power-product",
        written,
        arguments,
        domain=domain,
        convex=ALWAYS if shape == "convex" else NEVER,
        concave=ALWAYS if shape == "concave" else NEVER,
        per_argument=per,
        positive=(((None, "positive"),),),
        name="power product " + written,
    )


def _row_of(e: sympy.Expr) -> Row | None:
    exponents = _exponents(e)
    return None if exponents is None else power_product_row(exponents)


ENTRY = Entry(
    key="power-product",
    doc="a product of rational powers u1**a1*...*un**an in its curvature regions",
    row_of=_row_of,
    subject=sympy.Mul,
    claims=all_factors_depend,
    # after every other shape written as a product
    priority=90,
)
