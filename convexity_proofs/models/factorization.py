"""Matrix factorisation: fit observed entries of an m×n matrix by a rank-r product U·Vᵀ.

The loss is a sum of squares of bilinear forms: convex in U for fixed V and in V for
fixed U, never jointly (U·Vᵀ = (U·Q)(V·Q⁻ᵀ)ᵀ for any invertible Q: a continuum of
minimisers, and swapping two rank components is a symmetry)::

    f = sum over observed (i, j, a) of (u{i}_1*v{j}_1 + ... + u{i}_r*v{j}_r - a)**2

Keys: ``kind``, ``shape = [m, n]``, ``rank = r``, ``loss`` (``square`` only), ``l2``
(adds ``l2 * (u**2 + v**2)`` for every factor entry).  Data:
``data = { entries = [[i, j, value], ...] }``, 1-based, numeric values, each (i, j) at
most once.  Symbols ``u{i}_{k}`` (row i of U) and ``v{j}_{k}`` (row j of V), every
index kept even for rank 1, so swapping components k and l swaps the last index of
both groups.  Groups ``U`` (row by row), ``V`` and ``all``; rows and columns that no
entry observes still have their symbols, which then do not occur in the loss.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import sympy

from convexity_proofs.models._base import (
    MAX_POINTS,
    MAX_WIDTH,
    BuiltModel,
    ModelError,
    Table,
    check_limit,
    describe_value,
    exact,
    integer,
    sequence,
)
from convexity_proofs.models._build import check_sizes, finish, symbols

__all__ = ["build_factorization"]

_KEYS: Final = frozenset({"kind", "shape", "rank", "loss", "l2"})
_MAX_SIDE: Final = 10_000  # the parameter limit is what really bounds m, n and r


def build_factorization(model: Mapping[str, Any], data: object) -> BuiltModel:
    """Build a matrix-factorisation loss (see the module docstring)."""
    table = Table(model, "model", _KEYS, context="for matrix-factorization")
    field = table.field("shape")
    shape = sequence(table.required("shape", "[rows, columns]"), field, "[rows, columns]")
    if len(shape) != 2:
        raise ModelError(f"expected [rows, columns], found {len(shape)} numbers", field=field)
    m, n = (integer(side, field, 1, _MAX_SIDE, "a matrix size") for side in shape)
    rank = table.integer("rank", 1, MAX_WIDTH)
    table.choice("loss", ("square",), "square")
    l2 = table.nonnegative("l2")
    check_sizes((m + n) * rank, 0, "model.rank")
    entries = _entries(data, m, n)
    check_sizes(0, len(entries) * (rank + 1), "data.entries")

    u = [symbols(f"u{i}_{k}" for k in range(1, rank + 1)) for i in range(1, m + 1)]
    v = [symbols(f"v{j}_{k}" for k in range(1, rank + 1)) for j in range(1, n + 1)]
    terms = [
        sympy.Pow(
            sympy.Add(
                *[sympy.Mul(a, b) for a, b in zip(u[i - 1], v[j - 1], strict=True)],
                sympy.Mul(sympy.S.NegativeOne, value),
            ),
            2,
        )
        for i, j, value in entries
    ]
    groups = {
        "U": tuple(s for row in u for s in row),
        "V": tuple(s for row in v for s in row),
    }
    count = len(entries)
    description = (
        f"matrix-factorization {m}x{n}, rank {rank}, square loss, "
        f"{count} observed entr{'ies' if count != 1 else 'y'}"
    )
    return finish(
        terms,
        l2=l2,
        decayed=(*groups["U"], *groups["V"]),
        groups=groups,
        data_symbols=(),
        description=description,
    )


def _entries(data: object, m: int, n: int) -> list[tuple[int, int, sympy.Rational]]:
    table = Table(data, "data", {"entries"}, context="for matrix-factorization")
    field = table.field("entries")
    rows = sequence(
        table.required("entries", "the observed entries [[i, j, value], ...]"),
        field,
        "a list of observed entries [i, j, value]",
    )
    if not rows:
        raise ModelError("expected at least one observed entry, found none", field=field)
    check_limit(len(rows), MAX_POINTS, field, "observed entries")
    seen: set[tuple[int, int]] = set()
    entries = []
    for number, row in enumerate(rows, 1):
        if not isinstance(row, list | tuple) or len(row) != 3:
            raise ModelError(
                f"entry {number}: expected [i, j, value], found {describe_value(row)}",
                field=field,
            )
        i = integer(row[0], field, 1, m, "a row number", f"entry {number}")
        j = integer(row[1], field, 1, n, "a column number", f"entry {number}")
        if (i, j) in seen:
            raise ModelError(f"entry {number}: ({i}, {j}) is observed twice", field=field)
        seen.add((i, j))
        entries.append((i, j, exact(row[2], field, f"entry {number}")))
    return entries
