"""Reading a ``data`` table: numeric points, or symbolic points that become parameters.

Three shapes are accepted, for every model with inputs x and targets y:

- ``{ x = [[...], ...], y = [...] }``: numbers, exact (``0.1`` is 1/10; ``"1/3"``);
  one row of x per point, as long as the input layer (a flat list when there is one
  input); y one number per point, or one row per point for several outputs;
- ``{ points = n }``: n symbolic points, ``x{i}_{k}`` (``x{i}`` with one input) and
  ``y{i}`` (``y{i}_{m}`` with several outputs), every one a parameter of the claim, so
  a claim about them holds for all data;
- ``{ points = n, y = [...] }``: symbolic inputs with numeric targets, which is how
  class labels (cross-entropy) are given with symbolic data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import sympy

from convexity_proofs._parser import make_symbol
from convexity_proofs.models._base import (
    MAX_POINTS,
    MAX_TERMS,
    MAX_WIDTH,
    ModelError,
    Table,
    check_limit,
    describe_value,
    exact,
    integer,
    sequence,
)

__all__ = ["Dataset", "read_data"]

_KEYS: Final = frozenset({"x", "y", "points"})

Row = tuple[sympy.Expr, ...]


@dataclass(frozen=True, slots=True)
class Dataset:
    """Validated data: ``x`` and ``y`` rows per point (y rows have one entry per output;
    a class label is a one-entry row holding the integer), and the symbols made."""

    x: tuple[Row, ...]
    y: tuple[Row, ...]
    symbols: tuple[sympy.Symbol, ...]
    inputs: int
    summary: str

    @property
    def size(self) -> int:
        return len(self.x)


def read_data(
    data: object,
    *,
    inputs: int | None,
    outputs: int,
    labels: str,
    inputs_field: str = "model.inputs",
) -> Dataset:
    """Validate ``data`` for a model with ``inputs`` inputs (None: taken from x) and
    ``outputs`` outputs, whose loss reads targets as ``labels`` (``real``, ``01``,
    ``pm1`` or ``class``, the classes being 1..outputs)."""
    table = Table(data, "data", _KEYS)
    if "points" in table:
        if "x" in table:
            raise ModelError(
                "give either data.x (numeric inputs) or data.points (symbolic inputs), not both",
                field="data.x",
            )
        return _symbolic(table, inputs, outputs, labels, inputs_field)
    if "x" not in table:
        raise ModelError(
            "missing: give data = { x = [[...], ...], y = [...] } or data = { points = n }",
            field="data.x",
        )
    x = _inputs(table.required("x"), inputs, inputs_field)
    y = _targets(table.required("y"), len(x), outputs, labels)
    count = len(x)
    return Dataset(x, y, (), len(x[0]), f"{count} data point{'s' * (count != 1)}")


def _symbolic(
    table: Table, inputs: int | None, outputs: int, labels: str, inputs_field: str
) -> Dataset:
    count = table.integer("points", 1, MAX_POINTS)
    if inputs is None:
        raise ModelError(
            "symbolic data (data.points) needs the input size: give it in the model",
            field=inputs_field,
        )
    check_limit(count * (inputs + outputs), MAX_TERMS, "data.points", "data symbols")
    x_names = [
        [f"x{i}" if inputs == 1 else f"x{i}_{k}" for k in range(1, inputs + 1)]
        for i in range(1, count + 1)
    ]
    x = tuple(tuple(make_symbol(name) for name in row) for row in x_names)
    symbols = [symbol for row in x for symbol in row]
    if "y" in table:
        y = _targets(table.get("y"), count, outputs, labels)
        summary = f"{count} data points (symbolic inputs, numeric targets)"
    else:
        if labels == "class":
            raise ModelError(
                "missing: the cross-entropy loss needs numeric class labels; with symbolic "
                "inputs give data = { points = n, y = [labels] }",
                field="data.y",
            )
        y = tuple(
            tuple(
                make_symbol(f"y{i}" if outputs == 1 else f"y{i}_{m}") for m in range(1, outputs + 1)
            )
            for i in range(1, count + 1)
        )
        symbols.extend(symbol for row in y for symbol in row)
        summary = f"{count} symbolic data point{'s' * (count != 1)}"
    return Dataset(x, y, tuple(symbols), inputs, summary)


def _inputs(value: object, inputs: int | None, inputs_field: str) -> tuple[Row, ...]:
    """x: one row per point; a flat list of numbers when there is one input."""
    rows = sequence(value, "data.x", "a list of rows of numbers")
    if not rows:
        raise ModelError("expected at least one data point, found an empty list", field="data.x")
    check_limit(len(rows), MAX_POINTS, "data.x", "data points")
    is_row = [isinstance(row, list | tuple) for row in rows]
    if not any(is_row):  # a flat list: one input per point
        rows = [[value] for value in rows]
    elif not all(is_row):
        where = is_row.index(False) + 1
        raise ModelError(
            f"ragged data: point {where} is {describe_value(rows[where - 1])}, the others are "
            "rows; give every point as a row [x1, x2, ...]",
            field="data.x",
        )
    width = len(rows[0]) if inputs is None else inputs
    source = "as row 1" if inputs is None else f"the input size, {inputs_field}"
    if inputs is None and not 1 <= width <= MAX_WIDTH:
        raise ModelError(
            f"expected rows of 1 to {MAX_WIDTH} numbers, found {width} in row 1", field="data.x"
        )
    for i, row in enumerate(rows, 1):
        if len(row) != width:
            raise ModelError(
                f"point {i} has {len(row)} number{'s' * (len(row) != 1)}, expected {width} "
                f"({source})",
                field="data.x",
            )
    check_limit(len(rows) * width, MAX_TERMS, "data.x", "numbers")
    return tuple(
        tuple(exact(v, "data.x", f"point {i}, input {k}") for k, v in enumerate(row, 1))
        for i, row in enumerate(rows, 1)
    )


def _targets(value: object, count: int, outputs: int, labels: str) -> tuple[Row, ...]:
    """y: one number (or label) per point, or a row of ``outputs`` numbers per point."""
    targets = sequence(value, "data.y", "a list with one target per data point")
    if len(targets) != count:
        raise ModelError(
            f"expected one target per data point ({count}), found {len(targets)}",
            field="data.y",
        )
    rows: list[Row] = []
    for i, target in enumerate(targets, 1):
        if outputs == 1 or labels == "class":
            rows.append((_label(target, labels, outputs, i),))
            continue
        entries = _row(target, outputs, i)
        rows.append(tuple(_label(entry, labels, outputs, i) for entry in entries))
    return tuple(rows)


def _row(target: Any, outputs: int, point: int) -> Sequence[Any]:
    if not isinstance(target, list | tuple) or len(target) != outputs:
        raise ModelError(
            f"point {point}: expected a row of {outputs} numbers (one per output), found "
            f"{describe_value(target)}",
            field="data.y",
        )
    return target


_LABEL_RULES: Final = {
    "01": ({0, 1}, 'a binary label 0 or 1 (for labels -1/1 set labels = "pm1" in the model)'),
    "pm1": ({-1, 1}, "a label -1 or 1"),
}


def _label(value: object, labels: str, outputs: int, point: int) -> sympy.Expr:
    """One target, checked against what the loss reads."""
    if isinstance(value, list | tuple):
        raise ModelError(
            f"point {point}: expected a number, found {describe_value(value)}", field="data.y"
        )
    if labels == "class":
        return sympy.Integer(
            integer(value, "data.y", 1, outputs, "a class label", f"point {point}")
        )
    number = exact(value, "data.y", f"point {point}")
    if labels in _LABEL_RULES:
        allowed, what = _LABEL_RULES[labels]
        if number not in allowed:
            raise ModelError(f"point {point}: expected {what}, found {number}", field="data.y")
    return number
