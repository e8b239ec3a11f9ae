"""A small expression read as a polynomial of degree at most 2 in its one symbol.

Shared by the narrow-domain search (:mod:`convexity_proofs.refuters._space`) and the
next-step hints (:mod:`convexity_proofs._next_steps`), which must not import search code
(the checker reaches reports through the value types).
"""

from __future__ import annotations

from fractions import Fraction

import sympy


def one_symbol_polynomial(
    u: sympy.Expr, max_nodes: int = 40
) -> tuple[sympy.Symbol, list[Fraction]] | None:
    """(s, [c0, c1, c2]) when ``u`` is c0 + c1·s + c2·s² with rational c_i."""
    nodes = 0
    for _ in sympy.preorder_traversal(u):
        nodes += 1
        if nodes > max_nodes:
            return None
    free = u.free_symbols
    if len(free) != 1:
        return None
    (symbol,) = free
    try:
        poly = sympy.Poly(u, symbol)
    except sympy.PolynomialError:
        return None
    if poly.degree() > 2 or not all(c.is_Rational for c in poly.all_coeffs()):
        return None
    coefficients = [Fraction(int(c.p), int(c.q)) for c in reversed(poly.all_coeffs())]
    coefficients += [Fraction(0)] * (3 - len(coefficients))
    return symbol, coefficients  # type: ignore[return-value]
