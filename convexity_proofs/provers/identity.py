"""Invariance under a substitution, proved symbolically.

The substitution is applied simultaneously (``xreplace``).  The cheapest check is
structural equality: SymPy keeps sums and products in a canonical order, so swapping
the hidden units of a network usually gives the identical expression.  Next the
difference is expanded (exact polynomial algebra; ``tanh``/``sinh`` odd and ``cosh``
even are applied by SymPy's automatic evaluation) and, for rational functions,
``cancel``-ed.  Only an exact zero proves invariance; anything else is "no answer".

Given the domain, both sides are then brought into the normal form of
:mod:`convexity_proofs.kernel.identities` (logarithms of factors of known sign
expanded, exponentials factored, positive homogeneity of max, min, abs and relu,
Piecewise values and conditions normalised) before the difference is expanded or
cancelled: methods ``normal-form-expansion`` and ``normal-form-cancellation``.  Every
sign a rewrite rests on is shown by the kernel's interval enclosure over the whole
domain and recorded as a :class:`~convexity_proofs._proof.SignFact` of the step, so the
checker re-derives the same normal form from the recorded facts alone.

The proof is one ``identity`` step concluding ``invariant``, whose
:class:`~convexity_proofs._proof.IdentityFact` holds f, f∘σ, σ and the method; a
checker re-applies σ and re-does the reduction.
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy

from convexity_proofs._proof import IdentityFact, ProofStep, SignFact
from convexity_proofs._values import Domain
from convexity_proofs.kernel import identities
from convexity_proofs.kernel.intervals import Interval, Undefined, range_of

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
    expr: sympy.Expr,
    substitution: tuple[tuple[sympy.Symbol, sympy.Expr], ...],
    domains: Mapping[sympy.Symbol, Domain] | None = None,
) -> ProofStep | None:
    """A proof that ``expr`` is unchanged by the substitution, or ``None``.

    Without ``domains`` (the permutation search asks many swaps) only the structural,
    expansion and cancellation methods are tried; with them, also the normal form, its
    signs shown on the whole box of ``domains``.
    """
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
    return _normal_form(expr, image, substitution, domains)


class _Signs:
    """The prover's sign oracle: the kernel's enclosure over the box; every sign it
    shows becomes a recorded fact."""

    def __init__(self, domains: Mapping[sympy.Symbol, Domain]) -> None:
        self.domains = domains
        self.facts: dict[tuple[sympy.Expr, str], SignFact] = {}
        self._ranges: dict[sympy.Expr, Interval | None] = {}

    def __call__(self, subject: sympy.Expr, sign: str) -> bool:
        if subject not in self._ranges:
            try:
                self._ranges[subject] = range_of(subject, self.domains)
            except Undefined:
                self._ranges[subject] = None
        box = self._ranges[subject]
        if box is None or not _SHOWS[sign](box):
            return False
        self.facts.setdefault((subject, sign), SignFact(subject, sign, box))
        return True


_SHOWS = {
    "positive": Interval.is_positive,
    "negative": Interval.is_negative,
    "nonnegative": Interval.is_nonnegative,
    "nonpositive": Interval.is_nonpositive,
}


def _normal_form(
    expr: sympy.Expr,
    image: sympy.Expr,
    substitution: tuple[tuple[sympy.Symbol, sympy.Expr], ...],
    domains: Mapping[sympy.Symbol, Domain] | None,
) -> ProofStep | None:
    if domains is None or sympy.count_ops(expr, visual=False) > MAX_EXPAND_OPS:
        return None  # without a domain (the permutation search) no sign is known
    signs = _Signs(domains)
    difference = identities.normal_difference(expr, image, signs)
    for method in identities.REDUCTIONS:
        if identities.reduces_to_zero(difference, method) is True:
            facts = tuple(signs.facts.values())
            return _step(expr, image, "normal-form-" + method, substitution, facts)
    return None


def _step(
    expr: sympy.Expr,
    image: sympy.Expr,
    method: str,
    substitution: tuple[tuple[sympy.Symbol, sympy.Expr], ...],
    signs: tuple[SignFact, ...] = (),
) -> ProofStep:
    fact = IdentityFact(lhs=expr, rhs=image, method=method, substitution=substitution)
    return ProofStep(rule="identity", subject=expr, conclusion="invariant", facts=(fact, *signs))
