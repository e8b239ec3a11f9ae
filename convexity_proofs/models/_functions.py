"""Activations as data, and the elementary functions built fast in the parser's exact forms.

A model and a hand-written formula must give the *same* expression, so every form here
is the one :mod:`convexity_proofs._parser` builds for the same name: ``relu(u)`` is
``Max(0, u)``, ``sigmoid(u)`` is ``(1 + exp(-u))**-1``, ``softplus(u)`` is
``log(1 + exp(u))``, ``logsumexp`` is ``log(exp(a) + exp(b) + ...)``, ``tanh`` is
SymPy's.

Why not simply call SymPy's constructors: their automatic evaluation asks the
assumptions system about the argument (is it zero? negative? a multiple of I·pi?), and
on a pre-activation with thirty terms that costs 5 to 40 ms a call: a 32-unit hidden
layer over 16 points took 11 s for tanh and 18 s for relu.  For the arguments a model
builds (real, free of I and pi, affine in some symbol that occurs once: its bias or a
weight, so of no provable sign; no log factors for exp) that evaluation changes nothing
but the sign of tanh's argument, so the constructors below normalise the sign themselves
and build with ``evaluate=False``; anything else (a constant, a log factor, a sum of
squares) goes through SymPy's evaluation.  The tests check, network by network, that
the result is identical to what the parser builds from the written-out formula.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cmp_to_key
from typing import Final

import sympy

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "exp_",
    "logsumexp",
    "relu",
    "sigmoid",
    "softplus",
    "tanh",
    "times",
]

_ONE: Final = sympy.S.One
_MINUS_ONE: Final = sympy.S.NegativeOne


def _negate(u: sympy.Expr) -> sympy.Expr:
    """``-u`` as the parser writes it (SymPy spreads the -1 over a sum)."""
    return sympy.Mul(_MINUS_ONE, u)


def _log_free(u: sympy.Expr) -> bool:
    """True when no term of ``u`` has a log factor: then ``exp(u)`` evaluates to itself.

    SymPy's exp turns ``exp(log(a) + b)`` into ``a*exp(b)`` and ``exp(2*log(a))`` into
    ``a**2``; it looks only at the terms of a sum and the factors of a product (and
    combines a factor that is a sum of logs), which is what this checks.
    """
    for term in sympy.Add.make_args(u):
        for factor in sympy.Mul.make_args(term):
            if isinstance(factor, sympy.log) or (factor.is_Add and factor.has(sympy.log)):
                return False
    return True


def _indefinite(u: sympy.Expr) -> bool:
    """True when some term of ``u`` is ``s*rest`` for a symbol ``s`` found nowhere else.

    Then ``u`` is affine in ``s`` with the coefficient ``rest``, a product of factors of
    which none is identically zero (numbers, symbols, activations of indefinite sums:
    everything a model builds), so ``u`` takes both signs and is not zero: SymPy can
    prove no sign and no zero for it, and evaluation cannot drop or fold anything.
    Every pre-activation has such a symbol: its bias, or its weights.
    """
    terms = sympy.Add.make_args(u)
    for index, term in enumerate(terms):
        factors = sympy.Mul.make_args(term)
        for position, factor in enumerate(factors):
            if not factor.is_Symbol:
                continue
            elsewhere = (
                *terms[:index],
                *terms[index + 1 :],
                *factors[:position],
                *factors[position + 1 :],
            )
            if not any(other.has(factor) for other in elsewhere):
                return True
    return False


def _generic(u: sympy.Expr) -> bool:
    """An argument whose evaluation by exp, tanh or Max changes nothing but tanh's sign."""
    return not u.is_number and _indefinite(u)


def exp_(u: sympy.Expr) -> sympy.Expr:
    """``exp(u)``, unevaluated when evaluation provably returns it unchanged."""
    if not _generic(u) or not _log_free(u):
        return sympy.exp(u)
    return sympy.exp(u, evaluate=False)


def _log_of_positive_sum(a: sympy.Expr) -> sympy.Expr:
    """``log(a)`` for a sum of positive terms (``1 + exp(u)``, ``exp(a) + exp(b)``).

    SymPy's log simplifies a non-constant sum only when it proves it zero, which a sum of
    positive terms is not.
    """
    if a.is_number or not a.is_Add:
        return sympy.log(a)
    return sympy.log(a, evaluate=False)


def _negative_number(value: sympy.Expr) -> bool:
    """``value.is_extended_negative`` for a number, without the assumptions system."""
    if value.is_Rational:
        return bool(value.p < 0)
    return bool(value.is_extended_negative)


def _leading_minus(term: sympy.Expr) -> bool:
    """SymPy's ``could_extract_minus_sign`` of one term of a sum, without its cost.

    Only numbers, products and sums ever extract a sign; a nonzero product does exactly
    when its leading coefficient is negative (SymPy first builds ``-term`` to rule out
    ``zoo*x``, which is most of the cost and never applies here).
    """
    if term.is_Number:
        return _negative_number(term)
    if term.is_Mul:
        first = term.args[0]
        return bool(first.is_Number and _negative_number(first))
    if term.is_Add:
        return term.could_extract_minus_sign()
    return False


def _sign_normal(u: sympy.Expr) -> tuple[bool, sympy.Expr]:
    """``(True, -u)`` when SymPy would write ``f(u)`` of an odd f as ``-f(-u)``, else
    ``(False, u)``.

    That is ``u.could_extract_minus_sign()``: for a sum, more terms with a negative
    leading coefficient than without, ties broken as SymPy breaks them (the smaller
    sort key of ``u`` and ``-u``).
    """
    if not u.is_Add:
        return (True, _negate(u)) if u.could_extract_minus_sign() else (False, u)
    negative = sum(map(_leading_minus, u.args))
    positive = len(u.args) - negative
    if negative != positive:
        return (True, _negate(u)) if negative > positive else (False, u)
    minus = _negate(u)
    return (True, minus) if u.sort_key() < minus.sort_key() else (False, u)


_ORDER: Final = cmp_to_key(sympy.Basic.compare)


def times(weight: sympy.Symbol, value: sympy.Expr) -> sympy.Expr:
    """``weight*value`` exactly as ``Mul`` builds it, skipping Mul's re-evaluation.

    Mul takes powers and exponentials apart and rebuilds them through the evaluating
    constructors, which costs what the constructors above avoid.  When ``value`` is a
    rational or a single non-constant power or exponential whose base is not ``weight``,
    nothing combines: the product is the two factors in SymPy's canonical order
    (coefficient first, then ``Basic.compare`` order).
    """
    if value.is_Rational:
        if value.is_zero or value == 1:
            return sympy.Mul(value, weight)
        return sympy.Mul._from_args((value, weight))
    if (
        (value.is_Pow and value.base != weight) or isinstance(value, sympy.exp)
    ) and not value.is_number:
        return sympy.Mul._from_args(sorted((weight, value), key=_ORDER))
    return sympy.Mul(weight, value)


def tanh(u: sympy.Expr) -> sympy.Expr:
    """``tanh(u)`` with SymPy's sign normalisation (tanh is odd): ``-tanh(-u)`` if ``u``
    could extract a minus sign."""
    if not _generic(u):
        return sympy.tanh(u)
    negated, argument = _sign_normal(u)
    result = sympy.tanh(argument, evaluate=False)
    return sympy.Mul(_MINUS_ONE, result) if negated else result


def relu(u: sympy.Expr) -> sympy.Expr:
    """``Max(0, u)``; the arguments are ordered as SymPy orders them."""
    if not _generic(u):
        return sympy.Max(sympy.S.Zero, u)
    return sympy.Max(sympy.S.Zero, u, evaluate=False)


def sigmoid(u: sympy.Expr) -> sympy.Expr:
    """``(1 + exp(-u))**-1``: only exp and powers, which the provers know."""
    base = sympy.Add(_ONE, exp_(_negate(u)))
    if base.is_number:
        return sympy.Pow(base, _MINUS_ONE)
    return sympy.Pow(base, _MINUS_ONE, evaluate=False)


def softplus(u: sympy.Expr) -> sympy.Expr:
    """``log(1 + exp(u))``, the smooth ReLU and the logistic loss of a logit."""
    return _log_of_positive_sum(sympy.Add(_ONE, exp_(u)))


def logsumexp(values: Sequence[sympy.Expr]) -> sympy.Expr:
    """``log(exp(a) + exp(b) + ...)``, written out, without the stabilising shift."""
    return _log_of_positive_sum(sympy.Add(*[exp_(value) for value in values]))


def identity(u: sympy.Expr) -> sympy.Expr:
    """The identity activation: linear layers."""
    return u


@dataclass(frozen=True, slots=True)
class Activation:
    """A unit's nonlinearity: its name in model tables, its builder, its formula."""

    name: str
    build: Callable[[sympy.Expr], sympy.Expr]
    formula: str


ACTIVATIONS: Final[dict[str, Activation]] = {
    a.name: a
    for a in (
        Activation("identity", identity, "u"),
        Activation("relu", relu, "Max(0, u)"),
        Activation("sigmoid", sigmoid, "1/(1 + exp(-u))"),
        Activation("tanh", tanh, "tanh(u)"),
        Activation("softplus", softplus, "log(1 + exp(u))"),
    )
}
