"""u**p for a rational constant p (not 0 or 1), with SymPy's real semantics.

The row depends on the exponent, read from the subject.  A non-integer power of a
negative number is not real in SymPy, so those bases must be nonnegative (positive
when p < 0); 1/u**k needs u on one side of 0 (the range of u is one interval).
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from convexity_proofs.functions._entry import (
    ALWAYS,
    CONCAVE_UP,
    CONVEX_DOWN,
    CONVEX_UP,
    CONVEX_V,
    ODD,
    POSITIVE_FIRST,
    Arguments,
    Entry,
    Row,
    as_fraction,
    on,
)


def exponent_of(e: sympy.Expr) -> Fraction | None:
    """p when ``e`` is u**p with a rational p other than 0 and 1."""
    if e.is_Pow and e.args[1].is_Rational and e.args[1] not in (0, 1):
        return as_fraction(e.args[1])
    return None


def _base(e: sympy.Expr) -> Arguments | None:
    return (e.args[0],) if exponent_of(e) is not None else None


def power_row(p: Fraction) -> Row | None:
    """The row of u**p."""
    shape, name, n = f"u**({p})", f"power {p}", p.numerator
    if p.denominator == 1:
        if n in (0, 1):
            return None  # not atoms
        if n > 0:
            return Row("power", shape, _base, name=name, **(CONVEX_V if n % 2 == 0 else ODD))
        nonzero = ((0, "nonzero"),)
        if n % 2 == 0:  # 1/u**2: convex on each side of 0
            negative, positive = on("negative"), on("positive")
            return Row(
                "power",
                shape,
                _base,
                name=name,
                domain=nonzero,
                convex=ALWAYS,
                increasing=negative,
                decreasing=positive,
                strictly_increasing=negative,
                strictly_decreasing=positive,
            )
        # odd negative power: convex right of 0, concave left, decreasing on each side
        return Row(
            "power",
            shape,
            _base,
            name=name,
            domain=nonzero,
            convex=on("positive", 0),
            concave=on("negative", 0),
            decreasing=ALWAYS,
            strictly_decreasing=ALWAYS,
        )
    if p < 0:
        return Row("power", shape, _base, name=name, domain=POSITIVE_FIRST, **CONVEX_DOWN)
    nonneg = ((0, "nonnegative"),)
    return Row(
        "power", shape, _base, name=name, domain=nonneg, **(CONCAVE_UP if p < 1 else CONVEX_UP)
    )


def _row_of(e: sympy.Expr) -> Row | None:
    p = exponent_of(e)
    return None if p is None else power_row(p)


ENTRY = Entry(
    key="power",
    doc="a rational power u**p",
    row_of=_row_of,
    subject=sympy.Pow,
    # after the shapes written with a power (norm2, geo-mean)
    priority=80,
)
