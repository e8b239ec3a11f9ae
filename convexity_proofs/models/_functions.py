"""Activations as data, and the elementary functions built fast in the parser's exact forms.

A model and a hand-written formula must give the *same* expression, so every form here
is the function registry's (:mod:`convexity_proofs.functions`), the one the parser
builds for the same name: ``relu(u)`` is ``Max(0, u)``, ``sigmoid(u)`` is
``(1 + exp(-u))**-1``, ``softplus(u)`` is ``log(1 + exp(u))``, ``logsumexp`` is
``log(exp(a) + exp(b) + ...)``, ``tanh`` is SymPy's.  Each entry writes its form once;
the parser builds it with SymPy's evaluation, the models with the registry's fast
construction (:data:`convexity_proofs.functions.FAST`), which skips the evaluation
where it provably changes nothing but a sign: on a pre-activation with thirty terms
the evaluating constructors cost 5 to 40 ms a call.  The tests check, network by
network, that the result is identical to what the parser builds from the written-out
formula.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cmp_to_key
from typing import Final

import sympy

from convexity_proofs.functions import exp as _exp
from convexity_proofs.functions import logsumexp as _logsumexp
from convexity_proofs.functions import relu as _relu
from convexity_proofs.functions import sigmoid as _sigmoid
from convexity_proofs.functions import softplus as _softplus
from convexity_proofs.functions import tanh as _tanh

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


def exp_(u: sympy.Expr) -> sympy.Expr:
    """``exp(u)``, unevaluated when evaluation provably returns it unchanged."""
    return _exp.ENTRY.fast(u)


def tanh(u: sympy.Expr) -> sympy.Expr:
    """``tanh(u)`` with SymPy's sign normalisation (tanh is odd): ``-tanh(-u)`` if ``u``
    could extract a minus sign."""
    return _tanh.ENTRY.fast(u)


def relu(u: sympy.Expr) -> sympy.Expr:
    """``Max(0, u)``; the arguments are ordered as SymPy orders them."""
    return _relu.ENTRY.fast(u)


def sigmoid(u: sympy.Expr) -> sympy.Expr:
    """``(1 + exp(-u))**-1``: only exp and powers, which the provers know."""
    return _sigmoid.ENTRY.fast(u)


def softplus(u: sympy.Expr) -> sympy.Expr:
    """``log(1 + exp(u))``, the smooth ReLU and the logistic loss of a logit."""
    return _softplus.ENTRY.fast(u)


def logsumexp(values: Sequence[sympy.Expr]) -> sympy.Expr:
    """``log(exp(a) + exp(b) + ...)``, written out, without the stabilising shift."""
    return _logsumexp.ENTRY.fast(*values)


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
