"""sqrt(c1·u1**2 + ... + c0), the 2-norm: convex; like abs, it grows with each |u_i|."""

from __future__ import annotations

import sympy

from convexity_proofs.functions._entry import CONVEX_V, Arguments, Entry, Row, positive_number


def arguments(e: sympy.Expr) -> Arguments | None:
    """sqrt(Σ c_i·u_i**2 + c0), numbers c_i > 0, c0 >= 0: (u_i, ..., and 0 for c0)."""
    if not (e.is_Pow and e.args[1] == sympy.Rational(1, 2) and e.args[0].is_Add):
        return None
    args: list[sympy.Expr] = []
    for term in e.args[0].args:
        if term.is_Number:
            if term.is_negative:
                return None
            args.append(sympy.Integer(0))  # a constant entry of the vector
            continue
        coeff, rest = term.as_coeff_Mul()
        if not (positive_number(coeff) and rest.is_Pow and rest.args[1] == 2):
            return None
        args.append(rest.args[0])
    return tuple(args)


ENTRY = Entry(
    key="norm2",
    doc="the Euclidean norm",
    row=Row("norm2", "sqrt(c1*u1**2 + ... + c0)", arguments, **CONVEX_V, name="2-norm"),
    subject=sympy.Pow,
    priority=0,
)
