"""Reading data files: CSV with a header row, and NumPy ``.npy`` arrays.

``data = { file = "train.csv", x = ["x1", "x2"], y = "label" }`` reads the named
columns of a CSV file (``x = "rest"``, the default, is every column but y's; ``y`` is
one column, or a list of columns for several outputs).  ``data = { file = "X.npy",
y_file = "y.npy" }`` reads the inputs from a 2-D array (1-D: one input) and the targets
from a 1-D array (one output) or a 2-D array (one column per output).  A relative path
is relative to the claim file's directory (``base``); absolute paths are allowed.
:func:`read_csv_columns` reads named columns the same way, as exact numbers, for the
data arrays of a function claim (:mod:`convexity_proofs._vector.data`).

Exactness.  A CSV cell written as an integer (``-3``, below 2**53 in magnitude) is
exactly its float; any other decimal (``0.123``, ``1e-3``) is the float nearest to it,
and the number written lies within ``|v|*2**-53 + 2**-1074`` of that float (floats are
correctly rounded), which is the radius recorded.  The numbers of a ``.npy`` float
array *are* its floats (exact); integers beyond 2**53 get the same radius.

Limits.  Every cell used obeys the limits of numbers written in a claim
(:func:`convexity_proofs._parser.parse_number`: at most 100 characters, a nonzero
decimal exponent within +-400), whatever the file's size, and is refused where it is
(row and column) otherwise.  Only regular files are read (not FIFOs or devices), their
size checked before reading; a .npy header is checked (dtype, shape, size) before its
data are touched, and long doubles are refused (no float64 holds them).

Speed.  A file whose data rows hold only ``0-9 + - . e E , newline`` (no quotes,
blanks or other characters: what ``numpy.savetxt`` and most exporters write) is
converted in bulk: the cells are located with NumPy, and a cell of at most 15 mantissa
digits is ``m * 10**s`` (``m < 2**53``; ``s`` the exponent less the digits after the
dot), for ``|s| <= 22`` one correctly rounded IEEE multiplication or division, chunk
by chunk; other cells (``%.18e``'s 19 digits, large exponents) are converted one by
one by ``float``, which rounds correctly too.  Anything else is read by the :mod:`csv`
module cell by cell (same numbers, same radii), which is also what locates every
error: a problem found in bulk is re-read that way to name its row and column.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import os
import re
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

import numpy as np

from convexity_proofs._parser import _MAX_DECIMAL_EXPONENT, _MAX_LITERAL_CHARS, parse_number
from convexity_proofs._structure import NumericData
from convexity_proofs.errors import ExpressionError
from convexity_proofs.models._base import (
    MAX_DATA_VALUES,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_TERMS,
    STRUCTURED_WIDTH,
    ModelError,
    Table,
    describe_value,
)

__all__ = ["FileData", "read_csv_columns", "read_files"]

_KEEP_TEXT: Final = MAX_TERMS
"""Cells (of the columns used) whose text is kept for exact SymPy rows: beyond this no
scalar builder could expand the loss anyway (their estimate exceeds MAX_TERMS)."""

_EXACT_INTEGER: Final = 2.0**53
_CELL_RE: Final = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INTEGER_RE: Final = re.compile(r"[+-]?[0-9]+")
_FAST_BYTES: Final = b"0123456789+-.,\neE"
_CHUNK: Final = 1 << 20
_POW10: Final = 10.0 ** np.arange(23)
_MAX_DIGITS: Final = 15
"""Characters of a cell's mantissa (after its sign, before its exponent) converted in
bulk: read with its dot as a 0, the integer stays below 10**15 < 2**53, exact as a
float."""
_MAX_SCALE: Final = 22
"""The largest power of ten that is a float exactly (10**22 < 2**53 * 2**22)."""
_EXPONENT_DIGITS: Final = 5
"""Digits of an exponent read in bulk; a longer one (``1e000007``) goes cell by cell."""


@dataclass(frozen=True, eq=False)
class FileData:
    """The columns read: inputs and targets as NumericData, and the exact numbers
    written, produced on demand (None when there are too many to expand)."""

    x: NumericData
    y: NumericData
    exact_x: Callable[[], tuple[tuple[Fraction, ...], ...]] | None
    exact_y: Callable[[], tuple[tuple[Fraction, ...], ...]] | None


def radius_of(values: np.ndarray, exact: np.ndarray | None) -> np.ndarray | None:
    """The rounding radius of decimals read as floats; 0 where ``exact`` (None: none)."""
    if exact is not None:
        if exact.all() and (values.size == 0 or np.abs(values).max() < _EXACT_INTEGER):
            return None
        if exact.any():
            exact = exact & (np.abs(values) < _EXACT_INTEGER)
        else:
            exact = None
    radius = np.abs(values)
    radius *= 2.0**-53
    radius += 2.0**-1074
    if exact is not None:
        np.copyto(radius, 0.0, where=exact)
    return radius


# ------------------------------------------------------------------------ the table


_ALLOCATOR_TUNED = False


def _keep_freed_memory() -> None:
    """Ask glibc's allocator to keep freed blocks of up to 64 MB for reuse.

    The vectorised reader makes short-lived arrays of about a megabyte per chunk; glibc
    maps each from the kernel and unmaps it when freed, so every chunk's arrays are
    fresh pages: reading a 65 MB CSV file took 240,000 page faults and 1.1 s of system
    time, against 0.45 s with the blocks kept.  Process-wide and harmless (more freed
    memory stays with the process); elsewhere than glibc nothing happens.
    """
    global _ALLOCATOR_TUNED
    if _ALLOCATOR_TUNED:
        return
    _ALLOCATOR_TUNED = True
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError, TypeError):  # no glibc (macOS, musl, Windows)
        return
    m_trim_threshold, m_mmap_threshold = -1, -3  # glibc's <malloc.h> parameters
    mallopt(m_mmap_threshold, 64 << 20)
    mallopt(m_trim_threshold, 256 << 20)


def read_files(table: Table, base: Path | None) -> FileData:
    """``data.file`` (with ``x``/``y`` columns for CSV, ``y_file`` for .npy)."""
    _keep_freed_memory()
    name = table.required("file")
    if not isinstance(name, str) or not name.strip():
        raise ModelError(
            f"expected a file name such as 'train.csv', found {describe_value(name)}",
            field="data.file",
        )
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        if "y_file" in table:
            raise ModelError(
                'y_file goes with .npy inputs; in a CSV file name the target column: y = "label"',
                field="data.y_file",
            )
        return _csv(table, name, base)
    if suffix == ".npy":
        for key in ("x", "y"):
            if key in table:
                raise ModelError(
                    f"a .npy file has no named columns: its array is the inputs, and the "
                    f'targets come from y_file = "y.npy" (drop {key})',
                    field=f"data.{key}",
                )
        if "y_file" not in table:
            raise ModelError(
                'missing: the targets of a .npy input file, e.g. y_file = "y.npy"',
                field="data.y_file",
            )
        return _npy(name, table.get("y_file"), base)
    raise ModelError(f"expected a .csv or .npy file, found {name!r}", field="data.file")


def _resolve(name: str, base: Path | None) -> Path:
    path = Path(name)
    if not path.is_absolute():
        path = (base if base is not None else Path.cwd()) / path
    return path


def _too_large(name: str, size: int, field: str) -> ModelError:
    return ModelError(
        f"{name!r} is too large: {size} bytes (the limit is {MAX_FILE_BYTES})", field=field
    )


def _read_bytes(name: str, base: Path | None, field: str) -> bytes:
    """The file's bytes: a regular file only (a FIFO or a device could block or never
    end), its size checked before anything is read."""
    if "\0" in name:
        raise ModelError(f"the file name {name!r} contains a NUL character", field=field)
    path = _resolve(name, base)
    not_regular = f"{name!r} (at {path}) is not a regular file"
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise ModelError(not_regular, field=field)
        if info.st_size > MAX_FILE_BYTES:
            raise _too_large(name, info.st_size, field)
        # O_NONBLOCK: should the path become a FIFO after the stat, opening it does not wait
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        with open(os.open(path, flags), "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise ModelError(not_regular, field=field)
            if info.st_size > MAX_FILE_BYTES:
                raise _too_large(name, info.st_size, field)
            data = handle.read(MAX_FILE_BYTES + 1)
    except (OSError, ValueError) as exc:
        reason = (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
        raise ModelError(f"cannot read {name!r} (at {path}): {reason}", field=field) from None
    if len(data) > MAX_FILE_BYTES:
        raise ModelError(f"{name!r} is too large: more than {MAX_FILE_BYTES} bytes", field=field)
    return data


# ----------------------------------------------------------------------------- CSV


def _shown(names: Sequence[str], limit: int = 20) -> str:
    listed = ", ".join(repr(n) for n in names[:limit])
    if len(names) > limit:
        listed += f", ... ({len(names)} columns)"
    return listed


def _column_names(value: object, field: str, what: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not value:
        raise ModelError(f"expected {what}, found {describe_value(value)}", field=field)
    for item in value:
        if not isinstance(item, str):
            raise ModelError(
                f"expected column names (strings), found {describe_value(item)}", field=field
            )
    if "" in [item.strip() for item in value]:
        raise ModelError("expected column names, found an empty name", field=field)
    return list(value)


def _locate_columns(header: list[str], wanted: list[str], field: str, file: str) -> list[int]:
    index = {name: i for i, name in enumerate(header)}
    seen: set[str] = set()
    found = []
    for name in wanted:
        if name in seen:
            raise ModelError(f"column {name!r} is named twice", field=field)
        seen.add(name)
        if name not in index:
            close = difflib.get_close_matches(name, header, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ModelError(
                f"no column {name!r} in {file!r}{hint}; the columns are {_shown(header)}",
                field=field,
            )
        found.append(index[name])
    return found


def _line_endings(data: bytes) -> bytes:
    """``\r\n`` (Windows) and lone ``\r`` (old Mac) line ends as ``\n``; a file mixing
    them is left to the csv module, which reads all three."""
    if b"\r" not in data:
        return data
    if b"\n" not in data:
        return data.replace(b"\r", b"\n")
    if data.count(b"\r") == data.count(b"\r\n"):
        return data.replace(b"\r\n", b"\n")
    return data


def _header(data: bytes, file: str) -> tuple[list[str], bytes]:
    """The header row (csv module: a quoted name may hold a comma or a newline) and the
    data rows' bytes after it."""
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    end = start

    def lines() -> Iterator[str]:
        nonlocal end
        while end < len(data):
            stop = data.find(b"\n", end)
            stop = len(data) if stop < 0 else stop + 1
            line = data[end:stop]
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ModelError(
                    f"{file!r}: the header row is not UTF-8 text ({exc.reason} at byte "
                    f"{end + exc.start})",
                    field="data.file",
                ) from None
            end = stop
            yield text

    try:
        first = next(csv.reader(lines()), [])
    except csv.Error as exc:
        raise ModelError(
            f"{file!r}: cannot read the header row: {exc}", field="data.file"
        ) from None
    header = [name.strip() for name in first]
    if not header or header == [""]:
        raise ModelError(
            f"{file!r}: expected a header row naming the columns (x1,x2,label), found an "
            "empty first line",
            field="data.file",
        )
    duplicates = sorted({n for n in header if n and header.count(n) > 1})
    if duplicates:
        raise ModelError(
            f"{file!r}: the header names column {duplicates[0]!r} more than once",
            field="data.file",
        )
    return header, data[end:]


def _csv(table: Table, file: str, base: Path | None) -> FileData:
    header, body = _header(_line_endings(_read_bytes(file, base, "data.file")), file)
    if "y" not in table:
        raise ModelError(
            f"missing: the target column(s) of {file!r}, e.g. y = {header[-1]!r}; the "
            f"columns are {_shown(header)}",
            field="data.y",
        )
    y_names = _column_names(table.get("y"), "data.y", "a column name or a list of names")
    y_cols = _locate_columns(header, y_names, "data.y", file)
    x_value = table.get("x", "rest")
    if x_value == "rest":
        x_cols = [i for i in range(len(header)) if i not in y_cols]
        if not x_cols:
            raise ModelError(
                f"{file!r} has no column besides the target(s) to use as inputs",
                field="data.x",
            )
        unnamed = [i + 1 for i in x_cols if not header[i]]
        if unnamed:
            raise ModelError(
                f"{file!r}: column {unnamed[0]} has no name in the header, and x = "
                '"rest" would use it as an input; name it, or list the inputs: x = '
                f"[{', '.join(repr(header[i]) for i in x_cols if header[i])}]",
                field="data.x",
            )
    else:
        if isinstance(x_value, str):
            raise ModelError(
                f'expected a list of column names or "rest" (every column but y\'s), found '
                f"{x_value!r}; write x = [{x_value!r}] for one column",
                field="data.x",
            )
        x_names = _column_names(x_value, "data.x", 'a list of column names or "rest"')
        x_cols = _locate_columns(header, x_names, "data.x", file)
        both = [header[c] for c in x_cols if c in y_cols]
        if both:
            raise ModelError(
                f"column {both[0]!r} is both an input (x) and a target (y)", field="data.x"
            )
    if len(x_cols) > STRUCTURED_WIDTH:
        raise ModelError(
            f"too many input columns: {len(x_cols)} (the limit is {STRUCTURED_WIDTH})",
            field="data.x",
        )
    used = x_cols + y_cols
    x_values, y_values, x_exact, y_exact, texts = _cells(body, header, x_cols, y_cols, file)
    x = NumericData.rounded(x_values, x_exact, tuple(header[c] for c in x_cols), file)
    y = NumericData.rounded(y_values, y_exact, tuple(header[c] for c in y_cols), file)
    exact_x = exact_y = None
    if texts is not None:
        d = len(x_cols)
        exact_x = _exact_texts(texts, 0, d, file, header, x_cols, "data.x")
        exact_y = _exact_texts(texts, d, len(used), file, header, y_cols, "data.y")
    return FileData(x, y, exact_x, exact_y)


def read_csv_columns(
    file: str,
    selections: Mapping[str, object],
    base: Path | None,
    *,
    max_values: int = _KEEP_TEXT,
) -> dict[str, tuple[tuple[str, ...], tuple[tuple[Fraction, ...], ...]]]:
    """Columns of a CSV file by name, as the exact numbers written (``0.1`` is 1/10):
    the data arrays of a function claim (``data = { file = "train.csv", X = ["x1",
    "x2"], y = "label" }``).

    ``selections`` maps each array's name to a column name, a list of column names, or
    ``"rest"`` (every column that no other array names; at most one array takes it).
    Returns, per name, the columns read and one row of numbers per data row.  The file
    is read as a model's data file is (same limits, same errors); a problem with a
    column an array names is reported at ``data.<name>``, one with the file at
    ``data.file``.  At most ``max_values`` numbers (rows × distinct columns) are read:
    beyond :data:`_KEEP_TEXT` no scalar expression could be built from them anyway.
    """
    _keep_freed_memory()
    header, body = _header(_line_endings(_read_bytes(file, base, "data.file")), file)
    chosen: dict[str, list[int]] = {}
    rest: str | None = None
    what = 'a column name, a list of column names, or "rest"'
    for name, value in selections.items():
        field = f"data.{name}"
        if value == "rest":
            if "rest" in header:
                raise ModelError(
                    f'{file!r} has a column named "rest", and "rest" here means every column '
                    'no other array names: rename the column (["rest"] selects it, as a '
                    "matrix of one column)",
                    field=field,
                )
            if rest is not None:
                raise ModelError(
                    f'only one array takes "rest" (the columns no other array names); '
                    f"data.{rest} does already",
                    field=field,
                )
            rest = name
            continue
        chosen[name] = _locate_columns(header, _column_names(value, field, what), field, file)
    if rest is not None:
        named = {c for cols in chosen.values() for c in cols}
        left = [i for i in range(len(header)) if i not in named]
        if not left:
            raise ModelError(
                f'{file!r} has no column that the other arrays do not name, for "rest"',
                field=f"data.{rest}",
            )
        unnamed = [i + 1 for i in left if not header[i]]
        if unnamed:
            raise ModelError(
                f'{file!r}: column {unnamed[0]} has no name in the header, and "rest" would '
                "use it; name it, or list the columns: "
                f"[{', '.join(repr(header[i]) for i in left if header[i])}]",
                field=f"data.{rest}",
            )
        chosen[rest] = left
    used = sorted({c for cols in chosen.values() for c in cols})
    owner = {c: name for name, cols in chosen.items() for c in cols}
    fields = [f"data.{owner[c]}" for c in used]
    _, _, texts, _ = _used_cells(body, header, used, fields, file)
    if texts is None or len(texts) * len(used) > max_values:
        count = (body.count(b"\n") + 1) * len(used) if texts is None else len(texts) * len(used)
        raise ModelError(
            f"{file!r}: about {count} numbers in the columns used, too many to expand into "
            f"one expression (the limit is {max_values}); a model claim (model = {{...}}) "
            "reads larger data",
            field="data.file",
        )
    at = {c: j for j, c in enumerate(used)}
    result = {}
    for name, cols in chosen.items():
        rows = []
        for i, row in enumerate(texts, 1):
            numbers = []
            for c in cols:
                try:
                    numbers.append(parse_number(row[at[c]]))
                except ExpressionError as exc:  # pragma: no cover - cells were validated
                    raise ModelError(
                        f"{file!r}, row {i} (line {i + 1}), column {header[c]!r}: {exc}",
                        field=f"data.{name}",
                    ) from None
            rows.append(tuple(numbers))
        result[name] = (tuple(header[c] for c in cols), tuple(rows))
    return result


def _exact_texts(
    texts: list[list[str]],
    lo: int,
    hi: int,
    file: str,
    header: list[str],
    cols: list[int],
    field: str,
) -> Callable[[], tuple[tuple[Fraction, ...], ...]]:
    def build() -> tuple[tuple[Fraction, ...], ...]:
        rows = []
        for i, row in enumerate(texts, 1):
            out = []
            for j, text in enumerate(row[lo:hi]):
                try:
                    out.append(parse_number(text))
                except ExpressionError as exc:  # pragma: no cover - cells were validated
                    raise ModelError(
                        f"{file!r}, row {i} (line {i + 1}), column {header[cols[j]]!r}: {exc}",
                        field=field,
                    ) from None
            rows.append(tuple(out))
        return tuple(rows)

    return build


_Cells = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, "list[list[str]] | None"]


def _columns(table: np.ndarray, cols: list[int]) -> np.ndarray:
    """``table[:, cols]`` as a fresh C-contiguous array (one copy)."""
    if cols == list(range(cols[0], cols[0] + len(cols))):
        return np.ascontiguousarray(table[:, cols[0] : cols[0] + len(cols)])
    return table[:, cols]


def _cells(
    body: bytes, header: list[str], x_cols: list[int], y_cols: list[int], file: str
) -> _Cells:
    """x and y values (rows × columns), their integer-literal masks, and (small data)
    the texts of the used cells, x's then y's per row."""
    fields = ["data.x"] * len(x_cols) + ["data.y"] * len(y_cols)
    values, exact, texts, fast = _used_cells(body, header, x_cols + y_cols, fields, file)
    if not fast:
        x_at, y_at = list(range(len(x_cols))), list(range(len(x_cols), len(x_cols + y_cols)))
    else:
        x_at, y_at = x_cols, y_cols
    return (
        _columns(values, x_at),
        _columns(values, y_at),
        exact[:, x_at],
        exact[:, y_at],
        texts,
    )


def _used_cells(
    body: bytes, header: list[str], used: list[int], fields: list[str], file: str
) -> tuple[np.ndarray, np.ndarray, list[list[str]] | None, bool]:
    """The data rows: values and integer-literal masks, and (small data) the texts of
    the used cells; the last item says whether the bulk path read them (then values
    and masks are rows × all columns, else rows × used columns).  ``fields[j]`` is the
    field a bad cell of column ``used[j]`` is reported at."""
    stop = len(body)
    while stop and body[stop - 1] in b"\r\n":
        stop -= 1
    if not stop:
        raise ModelError(f"{file!r} has a header but no data rows", field="data.file")
    fast = _fast_cells(body, stop, len(header), used)
    if fast is None:
        values, exact, texts = _slow_cells(body[:stop], header, used, fields, file)
        return values, exact, texts, False
    values, exact, texts = fast
    return values, exact, texts, True


def _fast_cells(
    body: bytes, size: int, k: int, used: list[int]
) -> tuple[np.ndarray, np.ndarray, list[list[str]] | None] | None:
    """The bulk conversion of ``body[:size]``: every cell's value and integer-literal
    flag (rows × k), or None when the file needs the csv module (quotes, blanks,
    exponents, other characters) or has a problem for it to locate."""
    if body.translate(None, _FAST_BYTES):
        return None
    n = body.count(b"\n", 0, size) + 1
    if n > MAX_ROWS or n * k > MAX_DATA_VALUES:
        return None
    arr = np.frombuffer(body, np.uint8)
    values = np.empty(n * k, np.float64)
    dotted = np.empty(n * k, np.bool_)
    keep = n * len(used) <= _KEEP_TEXT
    spans: list[tuple[np.ndarray, np.ndarray]] = []
    expected_nl = None
    tail = np.full(_MAX_DIGITS + 2, 10, np.uint8)
    tail[0] = 48  # a '0' to read for the cells converted one by one
    pos = cell = 0
    while pos < size:
        end = body.find(b"\n", min(pos + _CHUNK, size), size)
        if end < 0:
            end = size
        # the chunk's rows and a few newlines, so reads past a cell stay inside
        chunk = np.concatenate((arr[pos:end], tail))
        seps = np.flatnonzero((chunk[: end - pos] == 44) | (chunk[: end - pos] == 10))
        m = seps.size + 1
        if m % k:
            return None
        if expected_nl is None or expected_nl.size != seps.size:
            expected_nl = (np.arange(1, seps.size + 1) % k) == 0
        if not np.array_equal(chunk[seps] == 10, expected_nl):
            return None  # a ragged row
        starts = np.empty(m, np.int64)
        starts[0] = 0
        np.add(seps, 1, out=starts[1:])
        ends = np.empty(m, np.int64)
        ends[:-1] = seps
        ends[-1] = end - pos
        if keep:
            chosen = starts.reshape(-1, k)[:, used] + pos, ends.reshape(-1, k)[:, used] + pos
            spans.append(chosen)
        out = values[cell : cell + m]
        flags = dotted[cell : cell + m]
        if not _chunk_values(body, pos, chunk, end - pos, seps, starts, ends, out, flags):
            return None
        cell += m
        pos = end + 1
    if cell != n * k:  # pragma: no cover - the chunks cover every row
        return None
    texts = None
    if keep:
        starts_all = np.concatenate([s for s, _ in spans]).tolist()
        ends_all = np.concatenate([e for _, e in spans]).tolist()
        texts = [
            [body[s:e].decode("ascii") for s, e in zip(srow, erow, strict=True)]
            for srow, erow in zip(starts_all, ends_all, strict=True)
        ]
    table = values.reshape(n, k)
    exact = ~dotted.reshape(n, k)
    return table, exact, texts


def _chunk_values(
    body: bytes,
    pos: int,
    chunk: np.ndarray,
    size: int,
    seps: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    out: np.ndarray,
    inexact: np.ndarray,
) -> bool:
    """One chunk's cells (``chunk[starts:ends]``, ``chunk[size]`` being a ``0`` after
    them) into ``out``, with ``inexact`` set where a cell is not an integer literal;
    False when a cell is not a number or breaks the limits of exact numbers.

    A cell ``[sign] mantissa [e exponent]`` whose mantissa has at most 15 characters is
    ``m * 10**s`` with ``m < 2**53`` (the digits, as an integer) and ``s`` the exponent
    less the digits after the dot: for ``|s| <= 22`` ``10**|s|`` is a float exactly, so
    one IEEE multiplication or division rounds correctly, as ``float(text)`` does.
    Other cells (more digits, ``|s| > 22``) are converted one by one by ``float``.
    """
    m = starts.size
    first = chunk[starts]
    negative = first == 45
    signed = starts.copy()
    starts = starts + (negative | (first == 43))
    span = ends - starts
    if span.min() < 1 or span.max() > _MAX_LITERAL_CHARS:
        return False  # an empty cell; a too long one, for the csv path to locate
    view = chunk[:size]
    e_at = np.flatnonzero((view == 101) | (view == 69))
    length = span
    exponent = None
    one_by_one = span > _MAX_DIGITS
    if e_at.size:
        owner = np.searchsorted(seps, e_at)  # the cell of each 'e'
        if owner.size > 1 and not np.diff(owner).all():
            return False  # two exponents in a cell
        length = span.copy()
        length[owner] = e_at - starts[owner]
        e_start = e_at + 1
        e_first = chunk[e_start]
        e_negative = e_first == 45
        e_start += e_negative | (e_first == 43)
        e_length = ends[owner] - e_start
        if e_length.min() < 1:
            return False  # '1e', '1e+'
        value = np.zeros(owner.size, np.int64)
        for j in range(min(int(e_length.max()), _EXPONENT_DIGITS)):
            digit = chunk[e_start + j].astype(np.int64) - 48
            active = e_length > j
            if ((digit < 0) | (digit > 9))[active].any():
                return False
            np.copyto(value, value * 10 + digit, where=active)
        np.negative(value, out=value, where=e_negative)
        exponent = np.zeros(m, np.int64)
        exponent[owner] = value
        one_by_one[owner] |= e_length > _EXPONENT_DIGITS
        one_by_one |= length > _MAX_DIGITS
        if length.min() < 1:
            return False  # 'e5'
    at = np.where(one_by_one, size, starts)  # converted one by one: read a '0' here
    converted = _convert(chunk, at, np.where(one_by_one, 1, length).astype(np.int8))
    if converted is None:
        return False  # a sign inside a cell, two dots, a lone '.', a letter
    mantissa, fraction, dots = converted
    scale = -fraction if exponent is None else exponent - fraction
    if exponent is not None:
        one_by_one |= np.abs(scale) > _MAX_SCALE
        np.clip(scale, -_MAX_SCALE, _MAX_SCALE, out=scale)
    np.divide(mantissa, _POW10[np.maximum(-scale, 0)], out=out)
    if exponent is not None:
        np.multiply(mantissa, _POW10[np.maximum(scale, 0)], out=out, where=scale > 0)
    np.negative(out, out=out, where=negative)
    np.greater(dots, 0, out=inexact)
    if exponent is not None:
        inexact[owner] = True
    slow = np.flatnonzero(one_by_one)
    if slow.size:
        texts = [
            body[a:b]
            for a, b in zip((signed[slow] + pos).tolist(), (ends[slow] + pos).tolist(), strict=True)
        ]
        try:
            numbers = np.array(list(map(float, texts)), np.float64)
        except ValueError:
            return False
        if not np.isfinite(numbers).all():
            return False  # beyond the float range: the csv path says where
        if any(_too_small(texts[i]) for i in np.flatnonzero(numbers == 0).tolist()):
            return False  # beyond the limits of exact numbers: likewise
        out[slow] = numbers
        marks = np.zeros(size + 1, np.int64)
        np.cumsum((view == 46) | (view == 101) | (view == 69), out=marks[1:])
        inexact[slow] = marks[ends[slow]] != marks[starts[slow]]
    return True


def _convert(
    chunk: np.ndarray, starts: np.ndarray, length: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Cells ``chunk[starts : starts + length]`` of digits and at most one dot: each
    one's mantissa (its digits as an integer, exact below 10**15), the number of digits
    after its dot and its dot count; None if some cell is not such a decimal.

    Read with the dot as a digit 0, a cell is the integer ``w = hi*10**(f+1) + lo``
    (``f`` digits after the dot, ``lo < 10**f``), and its mantissa ``hi*10**f + lo``.
    """
    m = starts.size
    shortest, width = int(length.min()), int(length.max())
    word = np.zeros(m, np.float64)
    dots = np.zeros(m, np.int8)
    dot_at = np.zeros(m, np.int8)
    bad = np.zeros(m, np.bool_)
    at = starts.copy()
    for j in range(width):
        ch = chunk[at]
        digit = ch - np.uint8(48)
        is_dot = ch == 46
        np.copyto(digit, 0, where=is_dot)
        wrong = digit > 9
        if j < shortest:  # every cell still has a character here
            word *= 10.0
            word += digit
        else:
            active = length > j
            np.multiply(word, 10.0, out=word, where=active)
            np.add(word, digit, out=word, where=active)
            is_dot &= active
            wrong &= active
        bad |= wrong
        np.copyto(dot_at, j, where=is_dot)
        dots += is_dot
        at += 1
    if bad.any() or (dots > 1).any() or (length - dots < 1).any():
        return None
    fraction = np.where(dots > 0, length - 1 - dot_at, 0).astype(np.int64)
    low = np.fmod(word, _POW10[fraction])
    mantissa = np.where(dots > 0, (word - low) / 10.0 + low, word)
    return mantissa, fraction, dots


def _slow_cells(
    body: bytes, header: list[str], used: list[int], fields: list[str], file: str
) -> tuple[np.ndarray, np.ndarray, list[list[str]] | None]:
    """The csv module, cell by cell, for the used columns only (rows × used): every
    problem located by row and column."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 2
        raise ModelError(
            f"{file!r}, line {line}: not UTF-8 text ({exc.reason})", field="data.file"
        ) from None
    k = len(header)
    reader = csv.reader(io.StringIO(text, newline=""))
    columns: list[list[str]] = []
    blank: int | None = None
    rows = iter(reader)
    while True:
        try:
            row = next(rows, None)
        except csv.Error as exc:
            raise ModelError(
                f"{file!r}, line {reader.line_num + 1}: {exc}", field="data.file"
            ) from None
        if row is None:
            break
        number = len(columns) + 1
        if not row:
            blank = blank or reader.line_num
            continue
        if blank is not None:
            raise ModelError(
                f"{file!r}, line {blank + 1}: a blank line between data rows",
                field="data.file",
            )
        if len(row) != k:
            raise ModelError(
                f"{file!r}, row {number} (line {reader.line_num + 1}) has {len(row)} "
                f"cell{'s' * (len(row) != 1)}, the header has {k}",
                field="data.file",
            )
        if number > MAX_ROWS:
            raise ModelError(
                f"{file!r}: too many data rows (the limit is {MAX_ROWS})", field="data.file"
            )
        columns.append([row[c].strip() for c in used])
    n = len(columns)
    width = len(used)
    if n * width > MAX_DATA_VALUES:
        raise ModelError(
            f"{file!r}: too many numbers: {n * width} (the limit is {MAX_DATA_VALUES})",
            field="data.file",
        )
    values = np.empty(n * width, np.float64)
    exact = np.empty(n * width, np.bool_)
    index = 0
    for i, row in enumerate(columns, 1):
        for j, cell in enumerate(row):
            if _CELL_RE.fullmatch(cell) is None:
                _bad_cell(cell, i, header[used[j]], file, fields[j])
            value = float(cell)
            if not math.isfinite(value):
                _bad_cell(cell, i, header[used[j]], file, fields[j], overflow=True)
            if len(cell) > _MAX_LITERAL_CHARS or (value == 0 and _too_small(cell)):
                _bad_cell(cell, i, header[used[j]], file, fields[j], limits=True)
            values[index] = value
            exact[index] = _INTEGER_RE.fullmatch(cell) is not None
            index += 1
    texts = columns if n * width <= _KEEP_TEXT else None
    return values.reshape(n, width), exact.reshape(n, width), texts


def _too_small(cell: str | bytes) -> bool:
    """Whether a cell whose float is 0 holds a nonzero number below the exponent range of
    :func:`parse_number` (a finite nonzero float is well inside it)."""
    number = Decimal(cell.decode("ascii") if isinstance(cell, bytes) else cell)
    return not number.is_zero() and number.adjusted() < -_MAX_DECIMAL_EXPONENT


def _bad_cell(
    cell: str,
    row: int,
    column: str,
    file: str,
    field: str,
    *,
    overflow: bool = False,
    limits: bool = False,
) -> None:
    where = f"{file!r}, row {row} (line {row + 1}), column {column!r}"
    if limits:  # the limits of exact numbers, as for numbers written in the claim
        try:
            parse_number(cell)
        except ExpressionError as exc:
            why = str(exc)
        else:  # pragma: no cover - called for cells parse_number refuses
            why = f"{cell!r} is out of range"
    elif overflow:
        why = f"{cell!r} is beyond the float range"
    elif not cell:
        why = "empty cell: every cell of the columns used must hold a number"
    elif cell.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        why = f"found {cell!r}: NaN and infinities are not data"
    else:
        why = f"expected a number such as 3, -0.25 or 1e-3, found {cell!r}"
    raise ModelError(f"{where}: {why}", field=field)


# ----------------------------------------------------------------------------- .npy


def _npy(x_name: str, y_name: Any, base: Path | None) -> FileData:
    if not isinstance(y_name, str) or Path(y_name).suffix.lower() != ".npy":
        raise ModelError(
            f"expected a .npy file name such as 'y.npy', found {describe_value(y_name)}",
            field="data.y_file",
        )
    x_array = _load_npy(x_name, base, "data.file")
    y_array = _load_npy(y_name, base, "data.y_file")
    if x_array.ndim == 1:
        x_array = x_array.reshape(-1, 1)
    if y_array.ndim == 1:
        y_array = y_array.reshape(-1, 1)
    if x_array.shape[0] == 0 or x_array.shape[1] == 0:
        raise ModelError(f"{x_name!r} holds no data (shape {x_array.shape})", field="data.file")
    if x_array.shape[1] > STRUCTURED_WIDTH:
        raise ModelError(
            f"too many input columns: {x_array.shape[1]} (the limit is {STRUCTURED_WIDTH})",
            field="data.file",
        )
    if y_array.shape[0] != x_array.shape[0]:
        raise ModelError(
            f"expected one target row per input row ({x_array.shape[0]} in {x_name!r}), "
            f"found {y_array.shape[0]} in {y_name!r}",
            field="data.y_file",
        )
    if y_array.shape[1] == 0:
        raise ModelError(f"{y_name!r} holds no targets", field="data.y_file")
    n, d = x_array.shape
    if n > MAX_ROWS:
        raise ModelError(f"too many data rows: {n} (the limit is {MAX_ROWS})", field="data.file")
    x, exact_x = _npy_data(x_array, x_name, "data.file", tuple(f"x{k}" for k in range(1, d + 1)))
    k = y_array.shape[1]
    y_columns = ("y",) if k == 1 else tuple(f"y{m}" for m in range(1, k + 1))
    y, exact_y = _npy_data(y_array, y_name, "data.y_file", y_columns)
    return FileData(x, y, exact_x, exact_y)


def _short_shape(shape: object) -> str:
    text = repr(shape)
    return text if len(text) <= 60 else text[:57] + "..."


def _load_npy(name: str, base: Path | None, field: str) -> np.ndarray:
    """The array of a .npy file, its header (dtype, shape) checked before any of the
    data is touched; read with :func:`numpy.frombuffer`, never unpickled."""
    data = _read_bytes(name, base, field)
    stream = io.BytesIO(data)
    try:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(stream)
        else:
            raise ValueError(f"format version {version[0]}.{version[1]} is not read")
    except (ValueError, OSError, EOFError, SyntaxError, TypeError) as exc:
        raise ModelError(f"{name!r} is not a readable .npy array: {exc}", field=field) from None
    if not isinstance(shape, tuple) or not all(type(n) is int and n >= 0 for n in shape):
        # NumPy's header reader takes any tuple: (-2, -2) or (0, 10**30) would fail
        # later inside NumPy, and (-1, 2) would read "the rest of the file".
        raise ModelError(
            f"{name!r} is not a readable .npy array: its header announces the shape "
            f"{_short_shape(shape)}, which is not a tuple of sizes",
            field=field,
        )
    if any(n > MAX_DATA_VALUES for n in shape):  # (0, 10**30) holds no number, but no array
        raise ModelError(
            f"{name!r}: too many numbers: the header announces the shape {_short_shape(shape)} "
            f"(the limit is {MAX_DATA_VALUES})",
            field=field,
        )
    if dtype.kind not in "fiu" or dtype.fields is not None or dtype.subdtype is not None:
        raise ModelError(
            f"{name!r}: expected an array of floats or integers, found dtype {dtype}",
            field=field,
        )
    if dtype.kind == "f" and dtype.itemsize > 8:
        raise ModelError(
            f"{name!r}: dtype {dtype} (long double) is not read: its numbers are not float64 "
            "values, and rounding them would not be exact; save the array as float64",
            field=field,
        )
    if len(shape) not in (1, 2):
        raise ModelError(f"{name!r}: expected a 1-D or 2-D array, found shape {shape}", field=field)
    size = math.prod(shape)
    if size > MAX_DATA_VALUES:
        raise ModelError(
            f"{name!r}: too many numbers: {size} (the limit is {MAX_DATA_VALUES})", field=field
        )
    offset = stream.tell()
    if len(data) - offset < size * dtype.itemsize:
        raise ModelError(
            f"{name!r} is not a readable .npy array: its header announces shape {shape} "
            f"({size * dtype.itemsize} bytes of {dtype}), the file holds "
            f"{len(data) - offset} bytes after the header",
            field=field,
        )
    flat = (
        np.frombuffer(data, dtype=dtype, count=size, offset=offset) if size else np.empty(0, dtype)
    )
    if fortran:
        return flat.reshape(shape[::-1]).T
    return flat.reshape(shape)


def _npy_data(
    array: np.ndarray, name: str, field: str, columns: tuple[str, ...]
) -> tuple[NumericData, Callable[[], tuple[tuple[Fraction, ...], ...]] | None]:
    values = array.astype(np.float64)  # exact: float16/32/64 and integers below 2**64
    if not np.isfinite(values).all():
        i, j = (int(v) for v in np.argwhere(~np.isfinite(values))[0])
        found = repr(float(array[i, j]))
        raise ModelError(
            f"{name!r}, row {i + 1}, column {j + 1}: {found}: NaN and infinities are not data",
            field=field,
        )
    radius = None
    if array.dtype.kind in "iu" and array.size and np.abs(values).max() >= _EXACT_INTEGER:
        radius = radius_of(values, np.ones(values.shape, np.bool_))
    data = NumericData(values, radius, None, columns, name)
    if array.size > _KEEP_TEXT:
        return data, None
    kept = array.copy()

    def build() -> tuple[tuple[Fraction, ...], ...]:
        if kept.dtype.kind in "iu":
            return tuple(tuple(Fraction(int(v)) for v in row) for row in kept.tolist())
        return tuple(tuple(Fraction(v) for v in row) for row in values.tolist())

    return data, build
