"""Small construction helpers shared by the model families.

Sums are always built as one n-ary ``sympy.Add`` (adding term by term re-flattens the
growing sum each time: quadratic), and sizes are estimated before anything is built.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sympy

from convexity_proofs._parser import make_symbol
from convexity_proofs.models._base import (
    MAX_PARAMETERS,
    MAX_TERMS,
    BuiltModel,
    check_limit,
)
from convexity_proofs.models._functions import times

__all__ = [
    "affine",
    "check_sizes",
    "finish",
    "symbols",
]


def symbols(names: Iterable[str]) -> tuple[sympy.Symbol, ...]:
    """Real symbols through the one symbol factory, so names mean the same everywhere."""
    return tuple(make_symbol(name) for name in names)


def affine(
    weights: Sequence[sympy.Symbol], inputs: Sequence[sympy.Expr], bias: sympy.Expr | None
) -> sympy.Expr:
    """``w1*x1 + ... + wd*xd (+ b)`` as one n-ary sum."""
    terms = [times(w, x) for w, x in zip(weights, inputs, strict=True)]
    if bias is not None:
        terms.append(bias)
    return sympy.Add(*terms)


def check_sizes(parameters: int, terms: int, field: str) -> None:
    """Refuse a model whose parameter count or estimated expression size is absurd."""
    check_limit(parameters, MAX_PARAMETERS, field, "trainable parameters")
    check_limit(terms, MAX_TERMS, field, "expression terms (estimated)")


def finish(
    point_terms: list[sympy.Expr],
    *,
    l2: sympy.Rational,
    decayed: Sequence[sympy.Symbol],
    groups: dict[str, tuple[sympy.Symbol, ...]],
    data_symbols: tuple[sympy.Symbol, ...],
    description: str,
) -> BuiltModel:
    """The flat loss ``sum of point terms + l2 * sum of squares of decayed``, with groups.

    Empty groups are dropped (a claim naming one should fail, not silently prove a claim
    about no variables); ``all`` is added last, in the order the groups list them.
    """
    terms = list(point_terms)
    if l2 != 0:
        terms.extend(sympy.Mul(l2, sympy.Pow(symbol, 2)) for symbol in decayed)
        description += f", l2 {l2}"
    kept = {name: group for name, group in groups.items() if group}
    everything: dict[sympy.Symbol, None] = {}
    for group in kept.values():
        everything.update(dict.fromkeys(group))
    kept["all"] = tuple(everything)
    return BuiltModel(sympy.Add(*terms), kept, data_symbols, description)
