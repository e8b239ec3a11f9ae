"""Data files: CSV (bulk and csv-module paths agree), .npy, paths relative to the claim
file, located errors, and the read time of a 100,000 x 101 CSV (printed, not asserted)."""

from __future__ import annotations

import os
import time
import warnings
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from convexity_proofs.models import ModelError, _files, build_model
from convexity_proofs.models._data import Dataset, read_data


def read(
    data: Any, base: Path, *, inputs: int | None = None, outputs: int = 1, labels: str = "real"
) -> Dataset:
    return read_data(data, inputs=inputs, outputs=outputs, labels=labels, base=base)


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode())
    return path


def refused(data: Any, base: Path, **kw: Any) -> ModelError:
    with pytest.raises(ModelError) as info:
        read(data, base, **kw)
    return info.value


# ----------------------------------------------------------------- CSV reading


def test_columns_by_name_and_rest(tmp_path: Path) -> None:
    write(tmp_path / "d.csv", "id,a,b,label\n7,1,0.5,1\n8,-2,0.25,0\n")
    ds = read({"file": "d.csv", "x": ["b", "a"], "y": "label"}, tmp_path, labels="01")
    assert ds.numeric_x is not None and ds.numeric_y is not None
    assert ds.numeric_x.columns == ("b", "a")
    assert ds.numeric_x.values.tolist() == [[0.5, 1], [0.25, -2]]
    assert ds.numeric_y.values.tolist() == [[1], [0]]
    assert ds.numeric_x.source == "d.csv"
    rest = read({"file": "d.csv", "y": "label"}, tmp_path, labels="01")
    assert rest.numeric_x is not None and rest.numeric_x.columns == ("id", "a", "b")
    assert rest.summary == "2 data points from d.csv"


def test_several_target_columns(tmp_path: Path) -> None:
    write(tmp_path / "d.csv", "a,t1,t2\n1,2,3\n4,5,6\n")
    ds = read({"file": "d.csv", "y": ["t1", "t2"]}, tmp_path, outputs=2)
    assert ds.numeric_y is not None and ds.numeric_y.values.tolist() == [[2, 3], [5, 6]]
    assert ds.y == ((2, 3), (5, 6))


def test_unused_text_columns_are_ignored(tmp_path: Path) -> None:
    write(tmp_path / "d.csv", 'name,a,label\nsetosa,1.5,1\n"ver,si",2,0\n')
    ds = read({"file": "d.csv", "x": ["a"], "y": "label"}, tmp_path, labels="01")
    assert ds.numeric_x is not None and ds.numeric_x.values.tolist() == [[1.5], [2]]


def random_table(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    return np.round(rng.standard_normal((n, k)) * 10.0 ** rng.integers(-2, 3, (n, k)), 4)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bulk_and_csv_module_paths_agree(tmp_path: Path, seed: int) -> None:
    rng = np.random.default_rng(seed)
    table = random_table(rng, 400, 4)
    cells = [
        [repr(float(v)) if (i + j) % 3 else str(int(v)) for j, v in enumerate(row)]
        for i, row in enumerate(table)
    ]
    cells[0][0], cells[1][1], cells[2][2] = "+.5", "-7.", "0.1000000000001"
    text = "a,b,c,d\n" + "\n".join(",".join(row) for row in cells) + "\n\n"
    write(tmp_path / "plain.csv", text)
    quoted = "a,b,c,d\r\n" + "\r\n".join(",".join(f'"{c}"' for c in row) for row in cells)
    write(tmp_path / "quoted.csv", quoted)
    assert _files._fast_cells(text.encode()[8:-2], len(text) - 10, 4, [0, 1, 2, 3]) is not None
    fast = read({"file": "plain.csv", "y": "d"}, tmp_path)
    slow = read({"file": "quoted.csv", "y": "d"}, tmp_path)
    for a, b in ((fast.numeric_x, slow.numeric_x), (fast.numeric_y, slow.numeric_y)):
        assert a is not None and b is not None
        assert np.array_equal(a.values, b.values)
        assert (a.radius is None) == (b.radius is None)
        if a.radius is not None and b.radius is not None:
            assert np.array_equal(a.radius, b.radius)
    expected = np.array([[float(c) for c in row] for row in cells])
    assert fast.numeric_x is not None
    assert np.array_equal(fast.numeric_x.values, expected[:, :3])
    assert np.array_equal(np.signbit(fast.numeric_x.values), np.signbit(expected[:, :3]))
    assert fast.x == slow.x
    assert fast.x[1][1] == -7 and fast.x[0][0] == Fraction(1, 2)


def test_exponents_and_blanks_go_through_the_csv_module(tmp_path: Path) -> None:
    write(tmp_path / "d.csv", "a, b\n1e-3, 2\n -1.5E2 ,3\n")
    ds = read({"file": "d.csv", "y": "b"}, tmp_path)
    assert ds.numeric_x is not None and ds.numeric_x.values.tolist() == [[0.001], [-150.0]]
    assert ds.numeric_y is not None and ds.numeric_y.radius is None
    assert ds.x == ((Fraction(1, 1000),), (-150,))


def test_crlf_and_bom(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_bytes(b"\xef\xbb\xbfa,y\r\n0.5,1\r\n0.25,2\r\n")
    ds = read({"file": "d.csv", "y": "y"}, tmp_path)
    assert ds.numeric_x is not None and ds.numeric_x.values.tolist() == [[0.5], [0.25]]


def test_exactness_rules(tmp_path: Path) -> None:
    write(tmp_path / "d.csv", "a,b,y\n3,0.5,1\n9007199254740993,-0,1\n")
    ds = read({"file": "d.csv", "y": "y"}, tmp_path)
    assert ds.numeric_x is not None and ds.numeric_x.radius is not None
    radius = ds.numeric_x.radius
    assert radius[0, 0] == 0  # an integer literal
    assert radius[0, 1] > 0  # 0.5 is exact as a float, but a decimal gets a radius
    assert radius[1, 0] >= 1  # beyond 2**53 the float is not the integer
    assert radius[1, 1] == 0
    assert Fraction(ds.numeric_x.column_bounds()[0][1]) >= 9007199254740993
    assert ds.numeric_y is not None and ds.numeric_y.radius is None


EXPONENT_CELLS = [
    "2.4703282292062328e-324",  # rounds up to the least subnormal
    "2.4703282292062327e-324",  # rounds to 0
    "1.7976931348623157e308",
    "-0e5",
    "1.e5",
    ".5E-3",
    "+1E+22",
    "123456789012345e-22",  # the one-operation path at its edges
    "123456789012345e22",
    "1234567890123456e-7",  # 16 digits: one by one
    "1e000007",  # a long exponent: one by one
    "9007199254740993",  # an integer literal beyond 2**53, no exponent
    "12345678901234567890123",
    "1e-380",
]


@pytest.mark.parametrize("fmt", ["%.18e", "%.6e", "%.3E", "mixed"])
def test_exponents_bulk_and_csv_module_paths_agree_bit_for_bit(tmp_path: Path, fmt: str) -> None:
    rng = np.random.default_rng(len(fmt))
    table = rng.standard_normal((300, 4)) * 10.0 ** rng.integers(-30, 30, (300, 4))
    formats = ["%.18e", "%.6e", "%.3E", "%.3f", "%d", "%r"]
    cells = []
    for i, row in enumerate(table):
        out = []
        for j, v in enumerate(row):
            f = formats[(i + j) % len(formats)] if fmt == "mixed" else fmt
            out.append(repr(float(v)) if f == "%r" else f % (v if f != "%d" else int(v % 1e6)))
        cells.append(out)
    for i, cell in enumerate(EXPONENT_CELLS):
        cells[i][i % 4] = cell
    text = "a,b,c,d\n" + "\n".join(",".join(row) for row in cells) + "\n"
    write(tmp_path / "plain.csv", text)
    quoted = "a,b,c,d\n" + "\n".join(",".join(f'"{c}"' for c in row) for row in cells)
    write(tmp_path / "quoted.csv", quoted)
    body = text.encode()[8:]
    assert _files._fast_cells(body, len(body) - 1, 4, [0, 1, 2, 3]) is not None
    fast = read({"file": "plain.csv", "y": "d"}, tmp_path)
    slow = read({"file": "quoted.csv", "y": "d"}, tmp_path)
    expected = np.array([[float(c) for c in row] for row in cells])
    for a, b, cols in (
        (fast.numeric_x, slow.numeric_x, slice(0, 3)),
        (fast.numeric_y, slow.numeric_y, slice(3, 4)),
    ):
        assert a is not None and b is not None
        assert np.array_equal(a.values.view(np.int64), b.values.view(np.int64))
        assert np.array_equal(a.values.view(np.int64), expected[:, cols].view(np.int64))
        assert (a.radius is None) == (b.radius is None)
        if a.radius is not None and b.radius is not None:
            assert np.array_equal(a.radius, b.radius)
    assert fast.x == slow.x and fast.y == slow.y


def test_exponent_cells_exactness(tmp_path: Path) -> None:
    write(tmp_path / "d.csv", "a,b,c,y\n1e3,7,12345678901234567890,1\n2,3,1234567890123456e-7,1\n")
    ds = read({"file": "d.csv", "y": "y"}, tmp_path)
    assert ds.numeric_x is not None and ds.numeric_x.radius is not None
    radius = ds.numeric_x.radius
    assert radius[0, 0] > 0  # 1e3 is not an integer literal
    assert radius[0, 1] == 0 and radius[1, 0] == 0
    assert radius[0, 2] >= 1 and radius[1, 2] > 0
    assert ds.numeric_x.values[1, 2] == float("1234567890123456e-7")
    assert ds.x[0][0] == 1000 and ds.x[1][2] == Fraction(1234567890123456, 10**7)


def test_old_mac_line_endings(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_bytes(b"a,y\r0.5,1\r0.25,2\r")
    ds = read({"file": "d.csv", "y": "y"}, tmp_path)
    assert ds.numeric_x is not None and ds.numeric_x.values.tolist() == [[0.5], [0.25]]


def test_a_quoted_header_name_may_hold_a_newline_and_a_comma(tmp_path: Path) -> None:
    write(tmp_path / "d.csv", '"first\ninput","b, the second",y\n1,2,3\n4,5,6\n')
    ds = read({"file": "d.csv", "y": "y"}, tmp_path)
    assert ds.numeric_x is not None and ds.numeric_x.columns == ("first\ninput", "b, the second")
    assert ds.numeric_x.values.tolist() == [[1, 2], [4, 5]]


def test_unnamed_columns_are_never_inputs(tmp_path: Path) -> None:
    write(tmp_path / "d.csv", ",a,,label\n0,1.5,x,1\n1,2,y,0\n")  # pandas' index column
    error = refused({"file": "d.csv", "y": "label"}, tmp_path, labels="01")
    assert error.field == "data.x" and "column 1 has no name" in error.message
    assert "x = ['a']" in error.message
    ds = read({"file": "d.csv", "x": ["a"], "y": "label"}, tmp_path, labels="01")
    assert ds.numeric_x is not None and ds.numeric_x.values.tolist() == [[1.5], [2]]
    assert refused({"file": "d.csv", "x": [""], "y": "label"}, tmp_path).field == "data.x"
    assert "empty name" in refused({"file": "d.csv", "y": " "}, tmp_path).message


# ------------------------------------------------------------------- CSV errors


@pytest.mark.parametrize(
    ("text", "data", "field", "words"),
    [
        ("a,b,y\n1,2,1\n3,nan,0\n", {}, "data.x", ["row 2", "column 'b'", "NaN"]),
        ("a,b,y\n1,2,1\n3,inf,0\n", {}, "data.x", ["row 2", "'inf'"]),
        ("a,b,y\n1,,1\n", {}, "data.x", ["row 1", "column 'b'", "empty cell"]),
        ("a,b,y\n1,2,1\n3,4\n", {}, "data.file", ["row 2", "has 2 cells", "header has 3"]),
        ("a,b,y\n1,2,1\n\n3,4,1\n", {}, "data.file", ["line 3", "blank line"]),
        ("a,b,y\n1,abc,1\n", {}, "data.x", ["row 1", "'abc'"]),
        ("a,b,y\n1,1_000,1\n", {}, "data.x", ["'1_000'"]),
        ("a,b,y\n1,2,x\n", {}, "data.y", ["row 1", "column 'y'", "'x'"]),
        ("a,b,y\n1,1e999,1\n", {}, "data.x", ["beyond the float range"]),
        ("a,b,y\n", {}, "data.file", ["no data rows"]),
        ("", {}, "data.file", ["header row"]),
        ("a,a,y\n1,2,3\n", {}, "data.file", ["'a' more than once"]),
        ("a,b,y\n1,2,3\n", {"y": "z"}, "data.y", ["no column 'z'", "'a', 'b', 'y'"]),
        ("a,b,lab\n1,2,3\n", {"y": "lbl"}, "data.y", ["did you mean 'lab'"]),
        ("a,b,y\n1,2,3\n", {"x": ["a", "c"]}, "data.x", ["no column 'c'"]),
        ("a,b,y\n1,2,3\n", {"x": ["a", "a"]}, "data.x", ["named twice"]),
        ("a,b,y\n1,2,3\n", {"x": ["a", "y"]}, "data.x", ["both an input"]),
        ("a,b,y\n1,2,3\n", {"x": "a"}, "data.x", ["x = ['a']"]),
        ("a,b,y\n1,2,3\n", {"x": [1]}, "data.x", ["column names"]),
        ("y\n1\n", {}, "data.x", ["no column besides"]),
    ],
)
def test_csv_errors_are_located(
    tmp_path: Path, text: str, data: dict[str, Any], field: str, words: list[str]
) -> None:
    write(tmp_path / "d.csv", text)
    error = refused({"file": "d.csv", "y": "y", **data}, tmp_path)
    assert error.field == field
    for word in words:
        assert word in error.message


@pytest.mark.parametrize("rows", [3, 3000])
@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ("1e-401", ["out of range", "-401"]),
        ("0." + "1" * 200, ["too long", "202 characters"]),
        ("-1" + "0" * 120, ["too long"]),
        ("123e-450", ["out of range"]),
    ],
)
def test_cells_have_the_limits_of_exact_numbers_at_every_size(
    tmp_path: Path, rows: int, cell: str, words: list[str]
) -> None:
    lines = ["1,0.5,1"] * rows
    lines[1] = f"2,{cell},0"
    write(tmp_path / "d.csv", "a,b,y\n" + "\n".join(lines) + "\n")
    error = refused({"file": "d.csv", "y": "y"}, tmp_path)
    assert error.field == "data.x"
    assert "row 2 (line 3), column 'b'" in error.message
    for word in words:
        assert word in error.message
    lines[1] = "2,0.5," + cell
    write(tmp_path / "d.csv", "a,b,y\n" + "\n".join(lines) + "\n")
    assert refused({"file": "d.csv", "y": "y"}, tmp_path).field == "data.y"


def test_tiny_numbers_within_the_limits_are_zero_with_a_radius(tmp_path: Path) -> None:
    for rows in (3, 3000):
        write(tmp_path / "d.csv", "a,y\n" + "1e-380,1\n" * rows)
        ds = read({"file": "d.csv", "y": "y"}, tmp_path)
        assert ds.numeric_x is not None and ds.numeric_x.radius is not None
        assert ds.numeric_x.values[0, 0] == 0 and ds.numeric_x.radius[0, 0] == 2.0**-1074
    assert ds.size == 3000


def test_over_long_fields_are_located(tmp_path: Path) -> None:
    write(tmp_path / "d.csv", "a,y\n1,2\n" + "3" * 200_000 + ",4\n")
    error = refused({"file": "d.csv", "y": "y"}, tmp_path)
    assert error.field == "data.file" and "line 3" in error.message
    assert "field limit" in error.message
    write(tmp_path / "h.csv", "n" * 200_000 + ",y\n1,2\n")
    error = refused({"file": "h.csv", "y": "y"}, tmp_path)
    assert error.field == "data.file" and "header row" in error.message


def test_a_nul_byte_in_the_file_name(tmp_path: Path) -> None:
    error = refused({"file": "d\0.csv", "y": "y"}, tmp_path)
    assert error.field == "data.file" and "NUL" in error.message
    np.save(tmp_path / "X.npy", np.zeros((1, 1)))
    error = refused({"file": "X.npy", "y_file": "y\0.npy"}, tmp_path)
    assert error.field == "data.y_file" and "NUL" in error.message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_fifos_and_devices_are_refused_without_reading(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "d.csv")  # nobody writes: opening it to read would block
    error = refused({"file": "d.csv", "y": "y"}, tmp_path)
    assert error.field == "data.file" and "not a regular file" in error.message
    if os.path.exists("/dev/zero"):  # endless: it was read up to the size limit
        os.symlink("/dev/zero", tmp_path / "zero.csv")
        start = time.perf_counter()
        error = refused({"file": "zero.csv", "y": "y"}, tmp_path)
        assert "not a regular file" in error.message and time.perf_counter() - start < 1


def test_missing_target_lists_the_columns(tmp_path: Path) -> None:
    write(tmp_path / "d.csv", "a,b,label\n1,2,3\n")
    error = refused({"file": "d.csv"}, tmp_path)
    assert error.field == "data.y" and "y = 'label'" in error.message


def test_long_column_lists_are_shortened(tmp_path: Path) -> None:
    write(tmp_path / "d.csv", ",".join(f"c{j}" for j in range(50)) + "\n" + ",".join("1" * 50))
    error = refused({"file": "d.csv", "y": "label"}, tmp_path)
    assert "(50 columns)" in error.message


@pytest.mark.parametrize(
    ("labels", "outputs", "cell", "words"),
    [
        ("01", 1, "2", "0 or 1"),
        ("01", 1, "1.0", "write labels as integers"),
        ("pm1", 1, "0", "-1 or 1"),
        ("class", 3, "4", "from 1 to 3"),
        ("class", 3, "1.5", "from 1 to 3"),
    ],
)
def test_label_errors(tmp_path: Path, labels: str, outputs: int, cell: str, words: str) -> None:
    write(tmp_path / "d.csv", f"a,y\n1,1\n2,{cell}\n")
    error = refused({"file": "d.csv", "y": "y"}, tmp_path, outputs=outputs, labels=labels)
    assert error.field == "data.y"
    assert "row 2" in error.message and words in error.message


def test_input_and_target_widths(tmp_path: Path) -> None:
    write(tmp_path / "d.csv", "a,b,y\n1,2,1\n")
    error = refused({"file": "d.csv", "y": "y"}, tmp_path, inputs=3)
    assert error.field == "data.x" and "expected 3 input columns" in error.message
    error = refused({"file": "d.csv", "y": "y"}, tmp_path, outputs=2)
    assert error.field == "data.y" and "2 target columns" in error.message


def test_unreadable_and_too_large_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    error = refused({"file": "missing.csv", "y": "y"}, tmp_path)
    assert error.field == "data.file" and "cannot read 'missing.csv'" in error.message
    (tmp_path / "dir.csv").mkdir()
    assert refused({"file": "dir.csv", "y": "y"}, tmp_path).field == "data.file"
    write(tmp_path / "d.csv", "a,y\n1,2\n")
    monkeypatch.setattr(_files, "MAX_FILE_BYTES", 4)
    error = refused({"file": "d.csv", "y": "y"}, tmp_path)
    assert "too large" in error.message and "the limit is 4" in error.message


def test_row_and_value_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "d.csv", "a,y\n1,2\n3,4\n5,6\n")
    monkeypatch.setattr(_files, "MAX_ROWS", 2)
    error = refused({"file": "d.csv", "y": "y"}, tmp_path)
    assert error.field == "data.file" and "too many data rows" in error.message


def test_non_utf8(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_bytes(b"a,y\n1,2\n\xff,3\n")
    error = refused({"file": "d.csv", "y": "y"}, tmp_path)
    assert error.field == "data.file" and "line 3" in error.message
    (tmp_path / "h.csv").write_bytes(b"\xffa,y\n1,2\n")
    assert "header row is not UTF-8" in refused({"file": "h.csv", "y": "y"}, tmp_path).message


# ------------------------------------------------------------------------ .npy


def test_npy_inputs_and_targets(tmp_path: Path) -> None:
    np.save(tmp_path / "X.npy", np.array([[1.0, 0.1], [2.0, -3.5]], dtype=np.float32))
    np.save(tmp_path / "y.npy", np.array([1, 0], dtype=np.int8))
    ds = read({"file": "X.npy", "y_file": "y.npy"}, tmp_path, labels="01")
    assert ds.numeric_x is not None and ds.numeric_y is not None
    assert ds.numeric_x.radius is None and ds.numeric_y.radius is None  # floats are exact
    assert ds.numeric_x.values[0, 1] == np.float32(0.1)
    assert ds.numeric_x.columns == ("x1", "x2") and ds.numeric_y.columns == ("y",)
    assert ds.x[0][1] == Fraction(float(np.float32(0.1)))  # the float itself, exactly
    assert ds.summary == "2 data points from X.npy and y.npy"
    np.save(tmp_path / "x1.npy", np.array([1.0, 2.0]))
    np.save(tmp_path / "Y.npy", np.array([[1.0, 2.0], [3.0, 4.0]]))
    one = read({"file": "x1.npy", "y_file": "Y.npy"}, tmp_path, inputs=1, outputs=2)
    assert one.numeric_x is not None and one.numeric_x.shape == (2, 1)
    assert one.numeric_y is not None and one.numeric_y.columns == ("y1", "y2")


@pytest.mark.parametrize(
    ("x", "y", "field", "words"),
    [
        (np.array([[1.0, np.nan]]), np.array([1.0]), "data.file", ["row 1, column 2", "nan"]),
        (np.array([[1.0, 2.0]]), np.array([np.inf]), "data.y_file", ["row 1", "inf"]),
        (np.array([[1.0], [2.0]]), np.array([1.0]), "data.y_file", ["one target row"]),
        (np.array([[True]]), np.array([1.0]), "data.file", ["dtype bool"]),
        (np.zeros((1, 1, 1)), np.array([1.0]), "data.file", ["1-D or 2-D"]),
        (np.zeros((0, 2)), np.zeros(0), "data.file", ["no data"]),
        (np.array([["a"]]), np.array([1.0]), "data.file", ["dtype <U1"]),
    ],
)
def test_npy_errors(
    tmp_path: Path, x: np.ndarray, y: np.ndarray, field: str, words: list[str]
) -> None:
    np.save(tmp_path / "X.npy", x)
    np.save(tmp_path / "y.npy", y)
    error = refused({"file": "X.npy", "y_file": "y.npy"}, tmp_path)
    assert error.field == field
    for word in words:
        assert word in error.message


def test_npy_refuses_pickles_and_garbage(tmp_path: Path) -> None:
    np.save(tmp_path / "X.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    np.save(tmp_path / "y.npy", np.array([1.0]))
    error = refused({"file": "X.npy", "y_file": "y.npy"}, tmp_path)
    assert error.field == "data.file" and "found dtype object" in error.message
    (tmp_path / "X.npy").write_bytes(b"not an array")
    assert "not a readable .npy" in refused({"file": "X.npy", "y_file": "y.npy"}, tmp_path).message


@pytest.mark.skipif(np.dtype(np.longdouble).itemsize <= 8, reason="long double is float64")
def test_npy_long_double_is_refused_without_warnings(tmp_path: Path) -> None:
    big = np.array([[10.0]], dtype=np.longdouble) ** 4000  # beyond float64: cast would warn
    np.save(tmp_path / "X.npy", big)
    np.save(tmp_path / "y.npy", np.array([1.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        error = refused({"file": "X.npy", "y_file": "y.npy"}, tmp_path)
    assert error.field == "data.file" and "long double" in error.message


def npy_header(shape: tuple[int, ...], descr: str = "<f8", fortran: bool = False) -> bytes:
    header = repr({"descr": descr, "fortran_order": fortran, "shape": shape}).encode()
    header += b" " * (63 - (len(header) + 10) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header


def test_npy_headers_are_checked_before_the_data(tmp_path: Path) -> None:
    np.save(tmp_path / "y.npy", np.array([1.0]))
    (tmp_path / "X.npy").write_bytes(npy_header((10**12, 2)) + b"\0" * 16)
    error = refused({"file": "X.npy", "y_file": "y.npy"}, tmp_path)
    assert error.field == "data.file" and "too many numbers" in error.message
    (tmp_path / "X.npy").write_bytes(npy_header((3, 2)) + b"\0" * 16)
    error = refused({"file": "X.npy", "y_file": "y.npy"}, tmp_path)
    assert "not a readable .npy" in error.message and "48 bytes" in error.message
    (tmp_path / "X.npy").write_bytes(npy_header((1, 2), "|O") + b"\0" * 16)
    assert "dtype object" in refused({"file": "X.npy", "y_file": "y.npy"}, tmp_path).message


def test_npy_byte_order_and_fortran_order(tmp_path: Path) -> None:
    x = np.array([[1.5, -2.0, 3.25], [4.0, 5.5, -6.0]])
    np.save(tmp_path / "X.npy", np.asfortranarray(x).astype(">f8"))
    np.save(tmp_path / "y.npy", np.array([1, 2], dtype=">i4"))
    ds = read({"file": "X.npy", "y_file": "y.npy"}, tmp_path)
    assert ds.numeric_x is not None and ds.numeric_x.values.tolist() == x.tolist()
    assert ds.numeric_y is not None and ds.numeric_y.values.tolist() == [[1], [2]]
    assert ds.x[1][2] == -6


def test_large_integers_in_npy_get_a_radius(tmp_path: Path) -> None:
    np.save(tmp_path / "X.npy", np.array([[2**60 + 1], [3]], dtype=np.int64))
    np.save(tmp_path / "y.npy", np.array([1.0, 2.0]))
    ds = read({"file": "X.npy", "y_file": "y.npy"}, tmp_path)
    assert ds.numeric_x is not None and ds.numeric_x.radius is not None
    assert ds.numeric_x.radius[1, 0] == 0 and ds.numeric_x.radius[0, 0] >= 2**7
    assert ds.x[0][0] == 2**60 + 1


# ------------------------------------------------------------------------ paths


def test_paths_are_relative_to_base_and_absolute_paths_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sub = tmp_path / "claims" / "data"
    sub.mkdir(parents=True)
    write(sub / "d.csv", "a,y\n1,2\n")
    assert read({"file": "data/d.csv", "y": "y"}, tmp_path / "claims").size == 1
    assert read({"file": str(sub / "d.csv"), "y": "y"}, Path("/nonexistent")).size == 1
    monkeypatch.chdir(sub)
    assert read_data({"file": "d.csv", "y": "y"}, inputs=None, outputs=1, labels="real").size == 1


def test_build_model_reads_files_relative_to_base(tmp_path: Path) -> None:
    write(tmp_path / "d.csv", "a,b,label\n1,0.5,1\n-2,0.25,0\n3,-1,1\n")
    data = {"file": "d.csv", "y": "label"}
    built = build_model({"kind": "logistic-regression"}, data, base=tmp_path)
    inline = build_model(
        {"kind": "logistic-regression"},
        {"x": [[1, 0.5], [-2, 0.25], [3, -1]], "y": [1, 0, 1]},
    )
    assert built.function == inline.function
    mlp = build_model(
        {"kind": "mlp", "layers": [2, 2, 1], "activation": "tanh"}, data, base=tmp_path
    )
    assert mlp.function.free_symbols


# ------------------------------------------------------------------ performance


def test_read_time_of_a_100000_by_101_csv(tmp_path: Path) -> None:
    rng = np.random.default_rng(13)
    n, d = 100_000, 100
    x = np.round(rng.standard_normal((n, d)), 3)
    y = rng.integers(0, 2, n)
    path = tmp_path / "train.csv"
    with open(path, "w") as handle:
        handle.write(",".join([f"x{j}" for j in range(1, d + 1)] + ["label"]) + "\n")
        np.savetxt(handle, np.column_stack([x, y]), fmt=["%.3f"] * d + ["%d"], delimiter=",")
    start = time.process_time()
    ds = read({"file": "train.csv", "y": "label"}, tmp_path, labels="01")
    elapsed = time.process_time() - start
    print(f"\nread {n} x {d + 1} CSV ({path.stat().st_size / 1e6:.1f} MB): {elapsed:.2f} s CPU")
    assert ds.numeric_x is not None and ds.numeric_y is not None
    assert np.array_equal(ds.numeric_x.values, x)
    assert np.array_equal(ds.numeric_y.values[:, 0], y)
    assert ds.numeric_y.radius is None and ds.numeric_x.radius is not None
    assert "_rows" not in ds.__dict__
