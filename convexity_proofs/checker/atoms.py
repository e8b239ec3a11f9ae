"""The checker's atom table: the function registry's rows, keyed as certificates name them.

For each atom key: how to recognise a subject as that atom and read off its arguments,
where the atom is defined, and its convex / concave / nondecreasing / nonincreasing
(and strictly increasing / strictly decreasing, and positive) alternatives.  An
alternative is a conjunction of sign conditions ``(argument, sign)`` on the ranges of
the arguments; ``argument`` ``None`` means every argument (domain and curvature
conditions) or the argument the monotonicity is about.

The rows are declared once, in :mod:`convexity_proofs.functions` (one module per
function, no search code: the import-boundary test keeps it that way); the provers
read the same declaration.  That the rows are *true* is not taken on trust from
either side: ``tests/test_registry.py`` validates every alternative of every row
against certified (exact or Arb-ball) evaluations of the atom on sample points.
"""

from __future__ import annotations

from convexity_proofs.functions import (
    ALWAYS,
    KEYS,
    MONOTONE_KINDS,
    NEVER,
    ROWS,
    Alternatives,
    Arguments,
    Cond,
    Monotone,
    Row,
    base_of,
    exponent_of,
    exponential_row,
    on,
    power_row,
    row_for,
)

__all__ = [
    "ALWAYS",
    "KEYS",
    "MONOTONE_KINDS",
    "NEVER",
    "ROWS",
    "Alternatives",
    "Arguments",
    "Cond",
    "Monotone",
    "Row",
    "base_of",
    "exponent_of",
    "exponential_row",
    "on",
    "power_row",
    "row_for",
]
