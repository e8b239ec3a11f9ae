"""Vector notation for claim texts: shaped names, data, indexing, sums over ranges.

``parse_vector_function(text, space)`` is :func:`convexity_proofs._parser.parse_function`
with the vector expander as its ``expand`` hook: the written tree is evaluated over the
:class:`Space` (shaped symbols, constant data) into one scalar tree, which the parser's
one builder turns into SymPy, with the obligations of the function as written.  So
vector notation adds syntax, never a second way of building (see
:mod:`convexity_proofs._vector.expand` for the grammar, :mod:`convexity_proofs._vector.ops`
for the tensor arithmetic shared with traced Python functions).
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Collection, Mapping
from typing import Final

import sympy

from convexity_proofs._parser import (
    PARSE_CPU_SECONDS,
    ExpansionContext,
    ParsedFunction,
    parse_function,
)
from convexity_proofs._vector import expand as _expansion
from convexity_proofs._vector.expand import MAX_COMPREHENSION_DEPTH, MAX_RANGE, VECTOR_NAMES
from convexity_proofs._vector.ops import MAX_ENTRIES, MAX_EXPANDED_NODES
from convexity_proofs._vector.space import Space

__all__ = [
    "MAX_COMPREHENSION_DEPTH",
    "MAX_ENTRIES",
    "MAX_EXPANDED_NODES",
    "MAX_RANGE",
    "VECTOR_NAMES",
    "Space",
    "needs_expansion",
    "parse_vector_function",
]

_VECTOR_SYNTAX: Final = re.compile(r"[\[@]|\bfor\b")


def needs_expansion(text: str, space: Space) -> bool:
    """Whether ``text`` must go through the expander: the space declares names, or the
    text uses a subscript, '@' or a comprehension (which the plain parser refuses with
    its own messages either way).  Cheap: no parsing."""
    if space.shapes or space.data:
        return True
    return isinstance(text, str) and _VECTOR_SYNTAX.search(text) is not None


def parse_vector_function(
    text: str,
    space: Space,
    *,
    max_cpu_seconds: float | None = PARSE_CPU_SECONDS,
    bindings: Mapping[str, sympy.Expr] | None = None,
    declared: Collection[str] = (),
) -> ParsedFunction:
    """Parse a text in vector notation over ``space``: parse_function with the
    expander; every refusal an ExpressionError with the column."""
    return parse_function(
        text,
        max_cpu_seconds=max_cpu_seconds,
        bindings=bindings,
        expand=functools.partial(_expand, space=space),
        declared=declared,
    )


def _expand(root: ast.expr, ctx: ExpansionContext, *, space: Space) -> ast.expr:
    return _expansion.expand(root, ctx, space)
