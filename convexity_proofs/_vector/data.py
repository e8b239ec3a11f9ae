"""Reading the ``data`` table of a function claim: named constant arrays, exactly.

A function claim in vector notation names its data, and the names are constants of
the text (``X[i] @ w``), never symbols::

    data = { X = [[1, 2, 0], [0, 1, -1]], y = [1, -1], c = "1/3" }     # inline
    data = { file = "train.csv", X = ["x1", "x2"], y = "label" }       # CSV columns
    data = { X = { file = "X.npy" }, y = { file = "y.npy" } }          # one .npy per name

- Inline: a number (a scalar datum), a list of numbers (a vector), a list of equal
  rows (a matrix), or rows of rows (rank 3).  Numbers are exact as everywhere in a
  claim (:func:`~convexity_proofs._parser.parse_number`: ``0.1`` is 1/10, ``"1/3"``).
- ``file = "train.csv"``: every other key whose value is a string or a list of strings
  names columns of the file (its header row): one name is a vector of one number per
  row, a list of names a matrix (rows × columns), ``"rest"`` every column no other key
  names.  Cells are exact as written (the CSV text ``0.1`` is 1/10).  Keys with a
  number or a list of numbers are inline data, as above.
- ``X = { file = "X.npy" }``: a 1-D or 2-D NumPy array of integers or floats; a float
  is its exact binary value (``Fraction(0.1)``, not 1/10: the file holds that float).

Files are read by the model reader (:mod:`convexity_proofs.models._files`: regular
files only, size checked first, ``.npy`` headers checked before the data, never
unpickled), relative to the claim file; its errors (a missing column with a close
match and the list of columns, NaN, infinities, ragged rows, an empty file) are
reported at ``data.<name>`` or ``data.file``.  Every value is an exact
:class:`~fractions.Fraction` in a NumPy object array (0-d for a scalar datum), which
the expansion turns into exact constants.  Data read from files are bound to a
certificate by digests (:func:`digest`): the claim's table holds only the file names.
"""

from __future__ import annotations

import hashlib
import keyword
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

import numpy as np

from convexity_proofs._parser import CONSTANT_NAMES, FUNCTION_NAMES, parse_number
from convexity_proofs._vector.expand import VECTOR_NAMES
from convexity_proofs.errors import ExpressionError
from convexity_proofs.models._base import MAX_TERMS, ModelError, describe_value

__all__ = [
    "MAX_DATA_VALUES",
    "MAX_RANK",
    "RESERVED_NAMES",
    "FunctionData",
    "check_name",
    "digest",
    "read_function_data",
]

MAX_DATA_VALUES: Final = MAX_TERMS
"""Numbers in all data arrays of one function claim: beyond this no scalar expression
built from them could be decided (the model reader keeps exact texts up to the same
bound); a model claim (``model = {...}``) reads larger data from their structure."""

MAX_RANK: Final = 3
"""Dimensions of one array (and of one declared shape)."""

#: Names a datum or a shaped symbol may not take: the text's functions and constants,
#: the vector vocabulary, and ``file`` (a key of the data table).
RESERVED_NAMES: Final = frozenset(
    {
        *FUNCTION_NAMES,
        *CONSTANT_NAMES,
        *VECTOR_NAMES,
        "sum",
        "mean",
        "prod",
        "range",
        "len",
        "dot",
        "norm",
        "sum_squares",
        "transpose",
        "where",
        "inf",
        "for",
        "in",
        "file",
    }
)

_NAME_RE: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_MAX_NAME_LENGTH: Final = 64


@dataclass(frozen=True, eq=False)
class FunctionData:
    """The arrays of a ``data`` table (exact Fractions, dtype object) and, for those
    read from files, ``(name, shape, sha256)`` digests, sorted by name."""

    arrays: Mapping[str, np.ndarray]
    digests: tuple[tuple[str, tuple[int, ...], str], ...] = ()


def check_name(name: object, field: str, what: str) -> str:
    """A name for a datum or a shaped symbol: as the text's names, and not reserved."""
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name):
        raise ModelError(
            f"{what} {name!r} is not a name: a name starts with a letter and contains "
            "only letters, digits and '_'",
            field=field,
        )
    if len(name) > _MAX_NAME_LENGTH:
        raise ModelError(
            f"{what} {name[:20]!r}... is too long: {len(name)} characters (the limit is "
            f"{_MAX_NAME_LENGTH})",
            field=field,
        )
    if keyword.iskeyword(name) or (keyword.issoftkeyword(name) and name != "_"):
        raise ModelError(
            f"{what} {name!r} is a Python keyword, which a function text cannot use as a "
            "name: rename it",
            field=field,
        )
    if name in RESERVED_NAMES:
        raise ModelError(
            f"{name!r} is a name of the claim language (a function, a constant or a word "
            f"of vector notation); call the {what} otherwise",
            field=field,
        )
    return name


def digest(name: str, array: np.ndarray) -> str:
    """SHA-256 over the name, the shape and the exact values (``p/q``, C order)."""
    h = hashlib.sha256()
    h.update(f"{name}\0{','.join(map(str, array.shape))}\0".encode())
    for value in array.reshape(-1).tolist():
        h.update(f"{value.numerator}/{value.denominator},".encode())
    return h.hexdigest()


def read_function_data(
    raw: object, base: Path | None, *, max_values: int = MAX_DATA_VALUES
) -> FunctionData:
    """Validate a function claim's ``data`` table; ModelError (with its field) otherwise.

    ``base`` is the claim file's directory (None: the current directory)."""
    if not isinstance(raw, Mapping):
        raise ModelError(
            "expected a table of name = numbers, such as { X = [[1, 2], [3, 4]], y = [1, -1] }"
            f", found {describe_value(raw)}",
            field="data",
        )
    if not raw:
        raise ModelError("expected at least one named array, found an empty table", field="data")
    for key in raw:
        if not isinstance(key, str):
            raise ModelError(f"keys must be strings, found {describe_value(key)}", field="data")
    arrays: dict[str, np.ndarray] = {}
    from_files: list[str] = []
    budget = _Budget(max_values)
    columns: dict[str, object] = {}
    csv_file = raw.get("file")
    if "file" in raw and (not isinstance(csv_file, str) or not csv_file.strip()):
        raise ModelError(
            f"expected a CSV file name such as 'train.csv', found {describe_value(csv_file)}",
            field="data.file",
        )
    if isinstance(csv_file, str) and Path(csv_file).suffix.lower() != ".csv":
        hint = ""
        if Path(csv_file).suffix.lower() == ".npy":
            hint = "; a .npy file holds one array: name it, as in X = { file = 'X.npy' }"
        raise ModelError(f"expected a .csv file, found {csv_file!r}{hint}", field="data.file")
    for name in sorted(key for key in raw if key != "file"):
        field = f"data.{name}"
        check_name(name, field, "datum")
        value = raw[name]
        if isinstance(value, Mapping):
            arrays[name] = _npy(value, name, base, budget)
            from_files.append(name)
        elif csv_file is not None and _is_selection(value):
            columns[name] = value
        else:
            try:
                arrays[name] = _inline(value, field, budget)
            except ModelError as exc:
                if csv_file is None and _is_selection(value):
                    shown = value if isinstance(value, str) else value[0]
                    exc = ModelError(
                        f"{exc.message}; to read columns of a CSV file, name the file too: "
                        f"data = {{ file = 'train.csv', {name} = {shown!r} }}",
                        field=field,
                    )
                raise exc from None
    if csv_file is not None:
        if not columns:
            raise ModelError(
                f"no array is read from {csv_file!r}: name its columns, as in "
                'X = ["x1", "x2"], y = "label" (or X = "rest")',
                field="data.file",
            )
        for name, array in _csv(csv_file, columns, base, budget).items():
            arrays[name] = array
            from_files.append(name)
    digests = tuple(
        (name, arrays[name].shape, digest(name, arrays[name])) for name in sorted(from_files)
    )
    return FunctionData({name: arrays[name] for name in sorted(arrays)}, digests)


class _Budget:
    """The numbers left for all arrays of the table."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def take(self, count: int, field: str) -> None:
        self.used += count
        if self.used > self.limit:
            raise ModelError(
                f"too many numbers: {self.used} in the data so far (the limit is {self.limit}, "
                "for all arrays: each becomes a constant of one expanded expression); a "
                "model claim (model = {...}) reads larger data",
                field=field,
            )


def _is_selection(value: object) -> bool:
    """A column name or a list of column names (strings), for a CSV data table."""
    if isinstance(value, str):
        return True
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)


def _exact_array(values: list[Fraction], shape: tuple[int, ...]) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array.reshape(shape)


# ----------------------------------------------------------------------------- inline


def _inline(value: object, field: str, budget: _Budget) -> np.ndarray:
    """A number, or rectangular nested lists of numbers (at most MAX_RANK deep)."""
    if not isinstance(value, list):
        try:
            number = parse_number(value)
        except ExpressionError as exc:
            raise ModelError(str(exc), field=field) from None
        budget.take(1, field)
        return _exact_array([number], ())
    shape: list[int] = []
    probe: object = value
    while isinstance(probe, list):
        if not probe:
            where = "" if not shape else " (an empty row)"
            raise ModelError(f"expected numbers, found an empty list{where}", field=field)
        if len(shape) == MAX_RANK:
            raise ModelError(
                f"lists are nested more than {MAX_RANK} deep: an array has at most "
                f"{MAX_RANK} dimensions",
                field=field,
            )
        shape.append(len(probe))
        probe = probe[0]
    size = math.prod(shape)
    budget.take(size, field)
    numbers: list[Fraction] = []
    # Walk row by row, checking that every list has the length its level needs.
    stack: list[tuple[list[Any], int, tuple[int, ...]]] = [(value, 0, ())]
    while stack:
        items, depth, index = stack.pop()
        if len(items) != shape[depth]:
            where = _index_text(index) if index else ""
            raise ModelError(
                f"ragged data: row {where} has {len(items)} entries, expected {shape[depth]} "
                f"(as the first row at that level; the shape is {_shape_text(tuple(shape))})",
                field=field,
            )
        if depth + 1 < len(shape):
            for k in range(len(items) - 1, -1, -1):
                item = items[k]
                if not isinstance(item, list):
                    raise ModelError(
                        f"ragged data: entry {_index_text((*index, k))} is "
                        f"{describe_value(item)}, expected a row of {shape[depth + 1]}",
                        field=field,
                    )
                stack.append((item, depth + 1, (*index, k)))
            continue
        for k, item in enumerate(items):
            if isinstance(item, list):
                raise ModelError(
                    f"ragged data: entry {_index_text((*index, k))} is a list, expected a "
                    f"number (the shape is {_shape_text(tuple(shape))})",
                    field=field,
                )
            try:
                numbers.append(parse_number(item))
            except ExpressionError as exc:
                raise ModelError(f"entry {_index_text((*index, k))}: {exc}", field=field) from None
    return _exact_array(numbers, tuple(shape))


def _index_text(index: tuple[int, ...]) -> str:
    return f"[{', '.join(map(str, index))}]"


def _shape_text(shape: tuple[int, ...]) -> str:
    return f"({shape[0]},)" if len(shape) == 1 else f"({', '.join(map(str, shape))})"


# ------------------------------------------------------------------------------ files


def _csv(
    file: str, columns: Mapping[str, object], base: Path | None, budget: _Budget
) -> dict[str, np.ndarray]:
    from convexity_proofs.models._files import read_csv_columns

    read = read_csv_columns(file, columns, base, max_values=budget.limit - budget.used)
    arrays = {}
    for name, (_, rows) in read.items():
        width = len(rows[0]) if rows else 0
        budget.take(len(rows) * width, f"data.{name}")
        values = [q for row in rows for q in row]
        if isinstance(columns[name], str) and columns[name] != "rest":
            arrays[name] = _exact_array(values, (len(rows),))
        else:
            arrays[name] = _exact_array(values, (len(rows), width))
    return arrays


def _npy(value: Mapping[str, Any], name: str, base: Path | None, budget: _Budget) -> np.ndarray:
    from convexity_proofs.models._files import _load_npy

    field = f"data.{name}"
    unknown = sorted(str(k) for k in value if k != "file")
    if unknown:
        raise ModelError(
            f"unknown key {unknown[0]!r}: a file datum is {{ file = 'X.npy' }}", field=field
        )
    file = value.get("file")
    if not isinstance(file, str) or not file.strip():
        raise ModelError(
            f"expected {{ file = 'X.npy' }}, found {describe_value(dict(value))}", field=field
        )
    if Path(file).suffix.lower() != ".npy":
        hint = ""
        if Path(file).suffix.lower() == ".csv":
            hint = (
                f"; columns of a CSV file are named: data = {{ file = {file!r}, {name} = [...] }}"
            )
        raise ModelError(f"expected a .npy file, found {file!r}{hint}", field=field)
    array = _load_npy(file, base, field)
    if array.size == 0:
        raise ModelError(f"{file!r} holds no data (shape {array.shape})", field=field)
    budget.take(array.size, field)
    if array.dtype.kind == "f":
        values = array.astype(np.float64)
        bad = ~np.isfinite(values)
        if bad.any():
            at = tuple(int(v) for v in np.argwhere(bad)[0])
            raise ModelError(
                f"{file!r}, entry {_index_text(at)}: {float(values[at])!r}: NaN and "
                "infinities are not data",
                field=field,
            )
        numbers = [Fraction(v) for v in values.reshape(-1).tolist()]  # exact binary values
    else:
        numbers = [Fraction(int(v)) for v in array.reshape(-1).tolist()]
    return _exact_array(numbers, tuple(int(n) for n in array.shape))
