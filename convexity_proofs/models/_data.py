"""Reading a ``data`` table: numeric points, or symbolic points that become parameters.

Five shapes are accepted, for every model with inputs x and targets y:

- ``{ x = [[...], ...], y = [...] }``: numbers, exact (``0.1`` is 1/10; ``"1/3"``);
  one row of x per point, as long as the input layer (a flat list when there is one
  input); y one number per point, or one row per point for several outputs;
- ``{ points = n }``: n symbolic points, ``x{i}_{k}`` (``x{i}`` with one input) and
  ``y{i}`` (``y{i}_{m}`` with several outputs), every one a parameter of the claim, so
  a claim about them holds for all data;
- ``{ points = n, y = [...] }``: symbolic inputs with numeric targets, which is how
  class labels (cross-entropy) are given with symbolic data;
- ``{ file = "train.csv", x = ["x1", "x2"], y = "label" }``: columns of a CSV file
  with a header row; ``x = "rest"`` (the default) is every column but y's, ``y`` one
  column or a list of columns (one per output);
- ``{ file = "X.npy", y_file = "y.npy" }``: NumPy arrays, inputs 2-D (1-D: one
  input), targets 1-D or one column per output.

File paths are relative to the claim file's directory; :mod:`._files` says how the
numbers are read and how exact they are.  Numeric data carry :class:`NumericData`
(``numeric_x``, ``numeric_y``) for the structured engine; their SymPy rows (``x``,
``y``), which only the scalar builders read, are made when first asked for, so a
100,000-row file never creates a SymPy number unless its loss is expanded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from typing import Any, Final

import numpy as np
import sympy

from convexity_proofs._parser import make_symbol, parse_number
from convexity_proofs._structure import NumericData
from convexity_proofs.errors import ExpressionError
from convexity_proofs.models._base import (
    MAX_DATA_VALUES,
    MAX_POINTS,
    MAX_ROWS,
    MAX_TERMS,
    MAX_WIDTH,
    ModelError,
    Table,
    check_limit,
    describe_value,
    integer,
    sequence,
)
from convexity_proofs.models._files import FileData, read_files

__all__ = ["Dataset", "read_data"]

_KEYS: Final = frozenset({"x", "y", "points", "file", "y_file"})

Row = tuple[sympy.Expr, ...]
Exact = tuple[tuple[Fraction, ...], ...]


def _sympy_rows(rows: Exact) -> tuple[Row, ...]:
    return tuple(tuple(sympy.Rational(q.numerator, q.denominator) for q in row) for row in rows)


@dataclass(frozen=True, eq=False)
class Dataset:
    """Validated data: ``x`` and ``y`` rows per point (y rows have one entry per output;
    a class label is a one-entry row holding the integer), and the symbols made.

    ``x`` and ``y`` (SymPy rows, for the scalar builders) are built on first use from
    ``make_rows``; ``numeric_x`` / ``numeric_y`` are the numbers as :class:`NumericData`
    (None for symbolic inputs / targets).
    """

    symbols: tuple[sympy.Symbol, ...]
    inputs: int
    summary: str
    count: int
    numeric_x: NumericData | None = None
    numeric_y: NumericData | None = None
    make_rows: Callable[[], tuple[tuple[Row, ...], tuple[Row, ...]]] | None = field(
        default=None, repr=False
    )

    @cached_property
    def _rows(self) -> tuple[tuple[Row, ...], tuple[Row, ...]]:
        assert self.make_rows is not None
        return self.make_rows()

    def rows(self) -> tuple[tuple[Row, ...], tuple[Row, ...]]:
        """``(x, y)`` as SymPy rows (built once, on the first call)."""
        return self._rows

    @property
    def x(self) -> tuple[Row, ...]:
        return self._rows[0]

    @property
    def y(self) -> tuple[Row, ...]:
        return self._rows[1]

    @property
    def size(self) -> int:
        return self.count


def read_data(
    data: object,
    *,
    inputs: int | None,
    outputs: int,
    labels: str,
    inputs_field: str = "model.inputs",
    base: Path | None = None,
) -> Dataset:
    """Validate ``data`` for a model with ``inputs`` inputs (None: taken from x) and
    ``outputs`` outputs, whose loss reads targets as ``labels`` (``real``, ``01``,
    ``pm1`` or ``class``, the classes being 1..outputs).  Data files are read relative
    to ``base`` (the claim file's directory; None: the current directory)."""
    table = Table(data, "data", _KEYS)
    if "file" in table:
        if "points" in table:
            raise ModelError(
                "give either data.file (numbers from a file) or data.points (symbolic "
                "inputs), not both",
                field="data.points",
            )
        return _from_file(table, inputs, outputs, labels, inputs_field, base)
    if "y_file" in table:
        raise ModelError(
            'y_file goes with file = "X.npy" (the inputs); give data.file too',
            field="data.y_file",
        )
    if "points" in table:
        if "x" in table:
            raise ModelError(
                "give either data.x (numeric inputs) or data.points (symbolic inputs), not both",
                field="data.x",
            )
        return _symbolic(table, inputs, outputs, labels, inputs_field)
    if "x" not in table:
        raise ModelError(
            "missing: give data = { x = [[...], ...], y = [...] }, data = { points = n } or "
            'data = { file = "train.csv", y = "label" }',
            field="data.x",
        )
    x = _inputs(table.required("x"), inputs, inputs_field)
    y = _targets(table.required("y"), len(x), outputs, labels)
    count, width = len(x), len(x[0])
    numeric_x = _numeric(x, tuple(f"x{k}" for k in range(1, width + 1)))
    numeric_y = _numeric(y, _target_columns(len(y[0])))
    if numeric_x is None or numeric_y is None:
        # a number beyond the float range: the loss is expanded into one exact expression
        # (as before the structured engine), which small data allow; larger data are
        # only decided through floats, so the number is refused
        if count * (width + len(y[0])) > MAX_TERMS:
            _beyond_floats(x, "data.x", "point {i}, input {k}")
            _beyond_floats(y, "data.y", "point {i}")
        numeric_x = numeric_y = None
    return Dataset(
        (),
        width,
        f"{count} data point{'s' * (count != 1)}",
        count,
        numeric_x,
        numeric_y,
        lambda: (_sympy_rows(x), _sympy_rows(y)),
    )


def _numeric(rows: Exact, columns: tuple[str, ...]) -> NumericData | None:
    """Inline numbers as NumericData; None when one of them is beyond the float range."""
    try:
        return NumericData.exact(rows, columns, "inline")
    except OverflowError:
        return None
    except ValueError as exc:
        if str(exc).startswith("beyond the float range"):
            return None
        raise


def _beyond_floats(rows: Exact, field: str, where: str) -> None:
    """Refuse the first number of ``rows`` that no float holds."""
    for i, row in enumerate(rows, 1):
        for k, q in enumerate(row, 1):
            try:
                float(q)
            except OverflowError:
                shown = format(Decimal(q.numerator) / Decimal(q.denominator), ".3")
                raise ModelError(
                    f"{where.format(i=i, k=k)}: the number {shown} is beyond the float range "
                    f"(about 1.8e308); data this large ({len(rows)} points) are read as "
                    "floats, so give numbers within it",
                    field=field,
                ) from None


def _target_columns(width: int) -> tuple[str, ...]:
    return ("y",) if width == 1 else tuple(f"y{m}" for m in range(1, width + 1))


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
    numeric_y = None
    y: tuple[Row, ...]
    if "y" in table:
        exact_y = _targets(table.get("y"), count, outputs, labels)
        numeric_y = _numeric(exact_y, _target_columns(len(exact_y[0])))
        y = _sympy_rows(exact_y)
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
    return Dataset(tuple(symbols), inputs, summary, count, None, numeric_y, lambda: (x, y))


def _fraction(value: object, field: str, where: str) -> Fraction:
    """An exact number from TOML, refused as :func:`._base.exact` refuses it."""
    try:
        return parse_number(value)
    except ExpressionError as exc:
        raise ModelError(f"{where}: {exc}", field=field) from None


def _inputs(value: object, inputs: int | None, inputs_field: str) -> Exact:
    """x: one row per point; a flat list of numbers when there is one input."""
    rows = sequence(value, "data.x", "a list of rows of numbers")
    if not rows:
        raise ModelError("expected at least one data point, found an empty list", field="data.x")
    check_limit(len(rows), MAX_ROWS, "data.x", "data points")
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
    check_limit(len(rows) * width, MAX_DATA_VALUES, "data.x", "numbers")
    return tuple(
        tuple(_fraction(v, "data.x", f"point {i}, input {k}") for k, v in enumerate(row, 1))
        for i, row in enumerate(rows, 1)
    )


def _targets(value: object, count: int, outputs: int, labels: str) -> Exact:
    """y: one number (or label) per point, or a row of ``outputs`` numbers per point."""
    targets = sequence(value, "data.y", "a list with one target per data point")
    if len(targets) != count:
        raise ModelError(
            f"expected one target per data point ({count}), found {len(targets)}",
            field="data.y",
        )
    rows: list[tuple[Fraction, ...]] = []
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


def _label(value: object, labels: str, outputs: int, point: int) -> Fraction:
    """One target, checked against what the loss reads."""
    if isinstance(value, list | tuple):
        raise ModelError(
            f"point {point}: expected a number, found {describe_value(value)}", field="data.y"
        )
    if labels == "class":
        return Fraction(integer(value, "data.y", 1, outputs, "a class label", f"point {point}"))
    number = _fraction(value, "data.y", f"point {point}")
    if labels in _LABEL_RULES:
        allowed, what = _LABEL_RULES[labels]
        if number not in allowed:
            raise ModelError(f"point {point}: expected {what}, found {number}", field="data.y")
    return number


# ---------------------------------------------------------------------------- files


def _from_file(
    table: Table,
    inputs: int | None,
    outputs: int,
    labels: str,
    inputs_field: str,
    base: Path | None,
) -> Dataset:
    files = read_files(table, base)
    npy = "y_file" in table
    x_field = "data.file" if npy else "data.x"
    y_field = "data.y_file" if npy else "data.y"
    count, width = files.x.shape
    if inputs is not None and width != inputs:
        raise ModelError(
            f"expected {inputs} input column{'s' * (inputs != 1)} (the input size, "
            f"{inputs_field}), found {width} in {files.x.source!r}",
            field=x_field,
        )
    _check_targets(files.y, outputs, labels, y_field)
    check_limit(count * (width + files.y.shape[1]), MAX_DATA_VALUES, x_field, "numbers")
    summary = f"{count} data point{'s' * (count != 1)} from {files.x.source}"
    if npy:
        summary += f" and {files.y.source}"
    return Dataset((), width, summary, count, files.x, files.y, _file_rows(files))


def _file_rows(files: FileData) -> Callable[[], tuple[tuple[Row, ...], tuple[Row, ...]]]:
    def build() -> tuple[tuple[Row, ...], tuple[Row, ...]]:
        if files.exact_x is None or files.exact_y is None:
            count, width = files.x.shape
            raise ModelError(
                f"{files.x.source!r} holds {count * width} numbers: too many to write the "
                f"loss as one expression (the limit is {MAX_TERMS})",
                field="data.file",
            )
        return _sympy_rows(files.exact_x()), _sympy_rows(files.exact_y())

    return build


def _check_targets(y: NumericData, outputs: int, labels: str, field: str) -> None:
    """The target columns: one per output (one label column for classes), and labels
    that are integers in the set the loss reads, written exactly."""
    want = 1 if labels == "class" else outputs
    if y.shape[1] != want:
        what = (
            "one class-label column"
            if labels == "class"
            else (f"{want} target column{'s' * (want != 1)} (one per output)")
        )
        raise ModelError(f"expected {what}, found {y.shape[1]} in {y.source!r}", field=field)
    if labels == "real":
        return
    if labels == "class":
        allowed = np.arange(1, outputs + 1, dtype=np.float64)
        what = f"a class label from 1 to {outputs}"
    else:
        allowed = np.array(sorted(_LABEL_RULES[labels][0]), dtype=np.float64)
        what = _LABEL_RULES[labels][1]
    values = y.values
    bad = ~np.isin(values, allowed)
    if y.radius is not None:
        bad |= y.radius != 0
    if bad.any():
        i, j = (int(v) for v in np.argwhere(bad)[0])
        value = float(values[i, j])
        shown = repr(int(value)) if value.is_integer() else repr(value)
        hint = ""
        if np.isin(value, allowed).item():  # the float is a label, the text a decimal
            shown = repr(value)
            hint = ": write labels as integers (a decimal is only known to be near its float)"
        raise ModelError(
            f"{y.source!r}, row {i + 1}, column {y.columns[j]!r}: expected {what}, found "
            f"{shown}{hint}",
            field=field,
        )
