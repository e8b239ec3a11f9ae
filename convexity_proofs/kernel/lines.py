"""The restriction of an expression to a line, shown affine exactly.

``restriction(f, point, direction, pinned)`` substitutes ``x = p + t·v`` (and the pinned
symbols' values) into f, expands, and splits the result into ``A + B·t`` with A and B
free of t.  Every occurrence of t must be a term ``c·t`` with c free of t; t inside a
function, a power or a denominator is no answer.  The substitution with exact
rationals, SymPy's automatic evaluation and ``expand`` are exact identities, so
f(p + t·v) = A + B·t wherever f is defined on the line: f is affine along it, and
Jensen's inequality holds with equality on every segment of the line where f is
defined (neither strictly convex nor strictly concave).  The prover computes it to
find the step, the checker to replay it: the same deterministic computation.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import sympy

from convexity_proofs.kernel.identities import expansion_bound

#: The line's parameter.  Claim names cannot start with "_", so it never collides.
T = sympy.Symbol("_t", real=True)

#: A restriction whose expansion may exceed this many terms is not attempted.
MAX_TERMS = 20_000


def _rational(q: Fraction) -> sympy.Rational:
    return sympy.Rational(q.numerator, q.denominator)


def line_substitution(
    point: Mapping[sympy.Symbol, Fraction],
    direction: Mapping[sympy.Symbol, Fraction],
    pinned: Mapping[sympy.Symbol, Fraction] | None = None,
) -> dict[sympy.Symbol, sympy.Expr]:
    """x -> p + t·v for the moved symbols, and the pinned symbols' values."""
    mapping: dict[sympy.Symbol, sympy.Expr] = {s: _rational(q) for s, q in (pinned or {}).items()}
    for s, p in point.items():
        mapping[s] = _rational(p) + _rational(direction.get(s, Fraction(0))) * T
    return mapping


def restriction(
    expr: sympy.Expr,
    point: Mapping[sympy.Symbol, Fraction],
    direction: Mapping[sympy.Symbol, Fraction],
    pinned: Mapping[sympy.Symbol, Fraction] | None = None,
) -> tuple[sympy.Expr, sympy.Expr] | None:
    """(A, B) with ``expr(point + t·direction) = A + B·t`` identically in t, or None."""
    if T in expr.free_symbols:
        return None
    mapping = line_substitution(point, direction, pinned)
    line = expr.xreplace(mapping)
    if expansion_bound(line, MAX_TERMS) > MAX_TERMS:
        return None
    try:
        expanded = sympy.expand(line)
    except (sympy.PolynomialError, RecursionError):
        return None
    constant: list[sympy.Expr] = []
    slope: list[sympy.Expr] = []
    for term in sympy.Add.make_args(expanded):
        if T not in term.free_symbols:
            constant.append(term)
            continue
        coeff, rest = term.as_independent(T, as_Add=False)
        if rest != T or T in coeff.free_symbols:
            return None
        slope.append(coeff)
    return sympy.Add(*constant), sympy.Add(*slope)
