"""Invariance under a substitution, proved symbolically.

The substitution is applied simultaneously (``xreplace``).  The cheapest check is
structural equality: SymPy keeps sums and products in a canonical order, so swapping
the hidden units of a network usually gives the identical expression.  Next the
difference is expanded (exact polynomial algebra; ``tanh``/``sinh`` odd and ``cosh``
even are applied by SymPy's automatic evaluation) and, for rational functions,
``cancel``-ed.  Only an exact zero proves invariance; anything else is "no answer".

The proof is one ``identity`` step concluding ``invariant``, whose
:class:`~convexity_proofs._proof.IdentityFact` holds f, f∘σ, σ and the method; a
checker re-applies σ and re-does the reduction.
"""

from __future__ import annotations

import sympy

from convexity_proofs._proof import IdentityFact, ProofStep

#: Expanding a difference bigger than this (in operations) is not attempted.
MAX_EXPAND_OPS = 20_000


def substitute(
    expr: sympy.Expr, substitution: tuple[tuple[sympy.Symbol, sympy.Expr], ...]
) -> sympy.Expr:
    return expr.xreplace(dict(substitution))


def _relu_positive_scaling(expr: sympy.Expr) -> sympy.Expr:
    """Max(0, c·u) -> c·Max(0, u) for a positive number c (relu is positively homogeneous)."""

    def rewrite(node: sympy.Expr) -> sympy.Expr:
        if isinstance(node, sympy.Max) and len(node.args) == 2 and sympy.S.Zero in node.args:
            other = node.args[0] if node.args[1] == 0 else node.args[1]
            coeff, rest = other.as_coeff_Mul()
            if coeff.is_positive and coeff != 1:
                return coeff * sympy.Max(0, rest)
        return node

    return expr.replace(lambda n: isinstance(n, sympy.Max), rewrite)


def prove_invariant(
    expr: sympy.Expr, substitution: tuple[tuple[sympy.Symbol, sympy.Expr], ...]
) -> ProofStep | None:
    """A proof that ``expr`` is unchanged by the substitution, or ``None``."""
    substitution = tuple(substitution)
    image = substitute(expr, substitution)
    if image == expr:
        return _step(expr, image, "structural", substitution)
    difference = _relu_positive_scaling(expr) - _relu_positive_scaling(image)
    if sympy.count_ops(difference, visual=False) > MAX_EXPAND_OPS:
        return None
    for method, rewrite in (("expansion", sympy.expand), ("cancellation", sympy.cancel)):
        try:
            zero = rewrite(difference) == 0
        except (sympy.PolynomialError, RecursionError):
            zero = False
        if zero:
            return _step(expr, image, method, substitution)
    return None


def _step(
    expr: sympy.Expr,
    image: sympy.Expr,
    method: str,
    substitution: tuple[tuple[sympy.Symbol, sympy.Expr], ...],
) -> ProofStep:
    fact = IdentityFact(lhs=expr, rhs=image, method=method, substitution=substitution)
    return ProofStep(rule="identity", subject=expr, conclusion="invariant", facts=(fact,))
