"""The ``data`` table of a function claim: inline arrays, CSV columns by name, .npy
files; exact numbers, the model reader's limits and errors, digests of file data."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from convexity_proofs._vector.data import digest, read_function_data
from convexity_proofs.models._base import ModelError

Q = Fraction


def read(raw: object, base: Path | None = None, **kwargs: int):
    return read_function_data(raw, base, **kwargs)


def refused(raw: object, base: Path | None = None, **kwargs: int) -> ModelError:
    with pytest.raises(ModelError) as info:
        read_function_data(raw, base, **kwargs)
    return info.value


# ----------------------------------------------------------------------------- inline


def test_inline_numbers_are_exact_fractions_in_object_arrays() -> None:
    data = read({"X": [[1, 2.5], ["1/3", -0.1]], "y": [1, -1, 0], "c": 0.1, "d": "2/4"})
    X, y, c, d = (data.arrays[k] for k in ("X", "y", "c", "d"))
    assert X.dtype == object and X.shape == (2, 2)
    assert X.tolist() == [[Q(1), Q(5, 2)], [Q(1, 3), Q(-1, 10)]]
    assert all(type(v) is Fraction for v in X.reshape(-1))
    assert y.shape == (3,) and y.tolist() == [1, -1, 0]
    assert c.shape == () and c[()] == Q(1, 10)  # 0.1 is 1/10, as in domains
    assert d[()] == Q(1, 2)
    assert data.digests == ()  # inline data are in the claim's table: nothing to bind


def test_inline_rank_three_and_names_in_order() -> None:
    data = read({"T": [[[1, 2], [3, 4]], [[5, 6], [7, 8]]], "a": 1})
    assert data.arrays["T"].shape == (2, 2, 2)
    assert data.arrays["T"][1, 0, 1] == 6
    assert list(data.arrays) == ["T", "a"]


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        ({"X": []}, "data.X", "empty list"),
        ({"X": [[1, 2], []]}, "data.X", "ragged data: row \\[1\\] has 0 entries, expected 2"),
        ({"X": [[1, 2], [3]]}, "data.X", "row \\[1\\] has 1 entries, expected 2"),
        ({"X": [[1, 2], 3]}, "data.X", "entry \\[1\\] is int 3, expected a row of 2"),
        ({"X": [1, [2]]}, "data.X", "entry \\[1\\] is a list, expected a number"),
        ({"X": [[[[1]]]]}, "data.X", "nested more than 3 deep"),
        ({"X": [1, True]}, "data.X", "entry \\[1\\]: expected a number .* found bool True"),
        ({"X": [1, float("nan")]}, "data.X", "entry \\[1\\]: expected a finite number"),
        ({"c": float("inf")}, "data.c", "finite number"),
        ({"c": "1/0"}, "data.c", "zero denominator"),
        ({"c": "1e999"}, "data.c", "out of range"),
        ({"y": "label"}, "data.y", "name the file too: data = { file = 'train.csv', y = 'label' }"),
        ({"X": ["x1", "x2"]}, "data.X", "name the file too"),
        ({"exp": 1}, "data.exp", "is a name of the claim language"),
        ({"pi": 1}, "data.pi", "is a name of the claim language"),
        ({"sum": [1]}, "data.sum", "is a name of the claim language"),
        ({"2x": 1}, "data.2x", "is not a name"),
        ({"x y": 1}, "data.x y", "is not a name"),
        ({}, "data", "empty table"),
        ([1, 2], "data", "expected a table"),
    ],
)
def test_inline_refusals_name_the_array(raw: object, field: str, message: str) -> None:
    error = refused(raw)
    assert error.field == field
    assert re.search(message, error.message), error.message


def test_the_number_limit_counts_every_array() -> None:
    assert read({"a": [1, 2, 3], "b": [4, 5]}, max_values=5).arrays["b"].shape == (2,)
    error = refused({"a": [1, 2, 3], "b": [4, 5, 6]}, max_values=5)
    assert error.field == "data.b" and "too many numbers: 6" in error.message
    assert "model claim" in error.message


def test_a_huge_inline_array_is_refused_before_its_numbers_are_read() -> None:
    row = ["not a number"] * 1000
    error = refused({"X": [row] * 1000}, max_values=10_000)
    assert "too many numbers: 1000000" in error.message


# -------------------------------------------------------------------------------- CSV

CSV = "x1,x2,label,weight\n1,0.1,1,2\n-2,3.25,-1,1e-3\n0,1/1,1,0\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_csv_columns_by_name_exact_as_written(tmp_path: Path) -> None:
    write(tmp_path, "train.csv", CSV.replace("1/1", "1"))
    data = read({"file": "train.csv", "X": ["x1", "x2"], "y": "label", "c": 2}, tmp_path)
    X, y = data.arrays["X"], data.arrays["y"]
    assert X.shape == (3, 2) and y.shape == (3,)
    assert X.tolist() == [[1, Q(1, 10)], [-2, Q(13, 4)], [0, 1]]  # the text 0.1 is 1/10
    assert y.tolist() == [1, -1, 1]
    assert data.arrays["c"][()] == 2  # an inline number beside the columns
    assert [name for name, _, _ in data.digests] == ["X", "y"]
    assert dict((n, s) for n, s, _ in data.digests) == {"X": (3, 2), "y": (3,)}


def test_csv_rest_is_every_column_no_other_array_names(tmp_path: Path) -> None:
    write(tmp_path, "train.csv", CSV.replace("1/1", "1"))
    data = read({"file": "train.csv", "X": "rest", "y": "label"}, tmp_path)
    assert data.arrays["X"].shape == (3, 3)
    assert data.arrays["X"][1].tolist() == [-2, Q(13, 4), Q(1, 1000)]
    only = read({"file": "train.csv", "A": "rest"}, tmp_path)
    assert only.arrays["A"].shape == (3, 4)
    one = read({"file": "train.csv", "w": ["weight"]}, tmp_path)
    assert one.arrays["w"].shape == (3, 1)  # a list of one name: a matrix of one column


def test_csv_files_are_relative_to_the_base_and_read_slowly_when_quoted(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    write(tmp_path, "data/q.csv", '"a","b"\n"1","0.5"\n2,  3 \n')
    data = read({"file": "data/q.csv", "v": "b"}, tmp_path)
    assert data.arrays["v"].tolist() == [Q(1, 2), 3]


@pytest.mark.parametrize(
    ("text", "raw", "field", "message"),
    [
        (CSV, {"y": "labl"}, "data.y", "no column 'labl' in 'train.csv' \\(did you mean 'label'"),
        (CSV, {"X": ["x1", "x3"]}, "data.X", "the columns are 'x1', 'x2', 'label', 'weight'"),
        (CSV, {"X": ["x1", "x1"]}, "data.X", "named twice"),
        (CSV, {"X": "rest", "Y": "rest"}, "data.Y", 'only one array takes "rest"'),
        (CSV, {"X": "rest", "Y": ["x1", "x2", "label", "weight"]}, "data.X", "no column"),
        (CSV, {"X": []}, "data.X", "name the file too|expected"),
        ("a,b\n1,nan\n", {"v": "b"}, "data.v", "found 'nan': NaN and infinities are not data"),
        ("a,b\n1,inf\n", {"v": "b"}, "data.v", "NaN and infinities"),
        ("a,b\n1,-Infinity\n", {"v": "b"}, "data.v", "NaN and infinities"),
        (
            "a,b\n1,2\n3\n",
            {"v": "b"},
            "data.file",
            "row 2 \\(line 3\\) has 1 cell, the header has 2",
        ),
        ("a,b\n1,2\n3,4,5\n", {"v": "a"}, "data.file", "has 3 cells, the header has 2"),
        ("a,b\n1,\n", {"v": "b"}, "data.v", "empty cell"),
        ("a,b\n1,x\n", {"v": "b"}, "data.v", "row 1 \\(line 2\\), column 'b': expected a number"),
        ("a,b\n1,1e999\n", {"v": "b"}, "data.v", "beyond the float range"),
        ("a,b\n", {"v": "b"}, "data.file", "a header but no data rows"),
        ("", {"v": "b"}, "data.file", "expected a header row"),
        ("a,a\n1,2\n", {"v": "a"}, "data.file", "more than once"),
        (",b\n1,2\n", {"v": "rest"}, "data.v", "column 1 has no name"),
    ],
)
def test_csv_refusals_are_the_model_readers_located_at_the_array(
    tmp_path: Path, text: str, raw: dict, field: str, message: str
) -> None:
    write(tmp_path, "train.csv", text)
    error = refused({"file": "train.csv", **raw}, tmp_path)
    assert error.field == field, error
    assert re.search(message, error.message), error.message


def test_csv_file_problems(tmp_path: Path) -> None:
    error = refused({"file": "missing.csv", "v": "a"}, tmp_path)
    assert error.field == "data.file" and "cannot read 'missing.csv'" in error.message
    (tmp_path / "dir.csv").mkdir()
    assert "not a regular file" in refused({"file": "dir.csv", "v": "a"}, tmp_path).message
    error = refused({"file": "train.txt", "v": "a"}, tmp_path)
    assert error.field == "data.file" and "expected a .csv file" in error.message
    assert "name it, as in X = { file" in refused({"file": "X.npy", "v": "a"}, tmp_path).message
    assert refused({"file": 3, "v": "a"}, tmp_path).field == "data.file"
    write(tmp_path, "t.csv", CSV)
    error = refused({"file": "t.csv"}, tmp_path)
    assert error.field == "data.file" and "no array is read" in error.message
    error = refused({"file": "t.csv", "v": 1}, tmp_path)  # an inline number only
    assert "no array is read" in error.message


def test_csv_size_limit_for_function_claims(tmp_path: Path) -> None:
    rows = "".join(f"{i},{i}\n" for i in range(50))
    write(tmp_path, "big.csv", "a,b\n" + rows)
    assert read({"file": "big.csv", "v": "a"}, tmp_path, max_values=50).arrays["v"].shape == (50,)
    error = refused({"file": "big.csv", "v": ["a", "b"]}, tmp_path, max_values=99)
    assert error.field == "data.file" and "too many to expand" in error.message
    assert "a model claim" in error.message


# -------------------------------------------------------------------------------- npy


def test_npy_arrays_one_file_per_name(tmp_path: Path) -> None:
    np.save(tmp_path / "X.npy", np.array([[1.0, 0.1], [2.5, -3.0]]))
    np.save(tmp_path / "y.npy", np.array([1, -1], dtype=np.int32))
    np.save(tmp_path / "f.npy", np.asfortranarray(np.array([[1, 2, 3], [4, 5, 6]])))
    data = read({"X": {"file": "X.npy"}, "y": {"file": "y.npy"}, "F": {"file": "f.npy"}}, tmp_path)
    X = data.arrays["X"]
    assert X.shape == (2, 2) and X.dtype == object
    assert X[0, 1] == Fraction(0.1) != Q(1, 10)  # a float of a file is its exact binary value
    assert X[1].tolist() == [Q(5, 2), -3]
    assert data.arrays["y"].tolist() == [1, -1]
    assert data.arrays["F"].tolist() == [[1, 2, 3], [4, 5, 6]]  # Fortran order read right
    assert [n for n, _, _ in data.digests] == ["F", "X", "y"]


@pytest.mark.parametrize(
    ("array", "message"),
    [
        (np.array([1.0, np.nan]), "entry \\[1\\]: nan: NaN and infinities are not data"),
        (np.array([[1.0], [np.inf]]), "entry \\[1, 0\\]: inf"),
        (np.zeros((2, 2, 2)), "expected a 1-D or 2-D array"),
        (np.array(["a", "b"]), "expected an array of floats or integers"),
        (np.array([True, False]), "expected an array of floats or integers"),
        (np.zeros((0,)), "holds no data"),
        (np.zeros(20), "too many numbers"),
    ],
)
def test_npy_refusals(tmp_path: Path, array: np.ndarray, message: str) -> None:
    np.save(tmp_path / "a.npy", array)
    error = refused({"A": {"file": "a.npy"}}, tmp_path, max_values=10)
    assert error.field == "data.A"
    assert re.search(message, error.message), error.message


def test_npy_object_arrays_are_never_unpickled(tmp_path: Path) -> None:
    np.save(tmp_path / "o.npy", np.array([1, "x"], dtype=object), allow_pickle=True)
    error = refused({"A": {"file": "o.npy"}}, tmp_path)
    assert "expected an array of floats or integers, found dtype object" in error.message


def test_npy_table_refusals(tmp_path: Path) -> None:
    assert "unknown key 'mmap'" in refused({"A": {"file": "a.npy", "mmap": 1}}).message
    assert "unknown key 'path'" in refused({"A": {"path": "a.npy"}}).message
    assert "expected { file = 'X.npy' }" in refused({"A": {}}).message
    error = refused({"A": {"file": "a.csv"}})
    assert "expected a .npy file" in error.message and "columns of a CSV" in error.message
    error = refused({"A": {"file": "none.npy"}}, tmp_path)
    assert error.field == "data.A" and "cannot read" in error.message
    write(tmp_path, "bad.npy", "not numpy")
    assert "not a readable .npy array" in refused({"A": {"file": "bad.npy"}}, tmp_path).message


# ---------------------------------------------------------------------------- digests


def test_digests_bind_name_shape_and_exact_values() -> None:
    a = np.array([Q(1, 10), Q(2)], dtype=object)
    same = np.array([Q(1, 10), Q(2)], dtype=object)
    assert digest("X", a) == digest("X", same)
    assert digest("X", a) != digest("Y", a)
    assert digest("X", a) != digest("X", a.reshape(1, 2))
    assert digest("X", a) != digest("X", np.array([Q(1, 10), Q(3)], dtype=object))


def test_changed_file_changes_the_digest(tmp_path: Path) -> None:
    write(tmp_path, "t.csv", "a\n1\n2\n")
    first = read({"file": "t.csv", "v": "a"}, tmp_path).digests
    write(tmp_path, "t.csv", "a\n1.0\n2\n")  # same numbers, other text: same data
    assert read({"file": "t.csv", "v": "a"}, tmp_path).digests == first
    write(tmp_path, "t.csv", "a\n1\n3\n")
    assert read({"file": "t.csv", "v": "a"}, tmp_path).digests != first


@pytest.mark.parametrize("shape", ["(-2, -2)", "(0, 1000000000000000000000000000000)", "(-1, 2)"])
def test_a_npy_header_with_impossible_sizes_is_a_located_error(tmp_path: Path, shape: str) -> None:
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + ", }"
    header += " " * (63 - len(header) % 64) + "\n"
    (tmp_path / "bad.npy").write_bytes(
        b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode() + b"\0" * 32
    )
    with pytest.raises(ModelError, match=r"sizes|too many numbers") as info:
        read({"X": {"file": "bad.npy"}}, tmp_path)
    assert info.value.field.startswith("data.X")
