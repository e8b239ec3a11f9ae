"""The data table as values: lazily built SymPy rows, NumericData for every numeric
dataset (inline and from files), labels, and the size limits."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sympy

from convexity_proofs.models import ModelError, _data
from convexity_proofs.models._base import (
    MAX_POINTS,
    SCALAR_PARAMETERS,
    SCALAR_WIDTH,
    STRUCTURED_PARAMETERS,
    STRUCTURED_WIDTH,
    check_scalar_sizes,
    check_structured_parameters,
    check_widths,
)
from convexity_proofs.models._data import Dataset, read_data


def read(
    data: Any,
    *,
    inputs: int | None = None,
    outputs: int = 1,
    labels: str = "real",
    base: Path | None = None,
) -> Dataset:
    return read_data(data, inputs=inputs, outputs=outputs, labels=labels, base=base)


# --------------------------------------------------------------------- laziness


def test_inline_rows_are_built_on_first_use_and_equal_the_exact_numbers() -> None:
    ds = read({"x": [[1, 0.1], ["1/3", -2]], "y": [0.5, 2]})
    assert "_rows" not in ds.__dict__
    assert ds.size == 2 and ds.inputs == 2
    assert ds.x == ((sympy.Integer(1), sympy.Rational(1, 10)), (sympy.Rational(1, 3), -2))
    assert ds.y == ((sympy.Rational(1, 2),), (sympy.Integer(2),))
    assert "_rows" in ds.__dict__
    assert ds.rows() == (ds.x, ds.y)


def test_inline_numeric_data_are_exact() -> None:
    ds = read({"x": [[1, 0.1], ["1/3", -2]], "y": [0.5, 2]})
    assert ds.numeric_x is not None and ds.numeric_y is not None
    assert ds.numeric_x.fractions == ((1, Fraction(1, 10)), (Fraction(1, 3), -2))
    assert ds.numeric_x.columns == ("x1", "x2")
    assert ds.numeric_y.columns == ("y",)
    assert ds.numeric_x.source == "inline"
    assert ds.numeric_x.column_bounds() == ((Fraction(1, 3), 1), (-2, Fraction(1, 10)))
    assert ds.numeric_y.radius is None  # 1/2 and 2 are floats exactly
    assert ds.numeric_x.radius is not None  # 0.1 and 1/3 are not


def test_several_outputs_get_one_column_each() -> None:
    ds = read({"x": [[1], [2]], "y": [[1, 2], [3, 4]]}, outputs=2)
    assert ds.numeric_y is not None and ds.numeric_y.columns == ("y1", "y2")
    assert ds.numeric_y.values.tolist() == [[1, 2], [3, 4]]


def test_class_labels_are_exact_integers() -> None:
    ds = read({"x": [[1], [2], [3]], "y": [1, 3, 2]}, outputs=3, labels="class")
    assert ds.numeric_y is not None
    assert ds.numeric_y.fractions == ((1,), (3,), (2,))
    assert ds.y == ((sympy.Integer(1),), (sympy.Integer(3),), (sympy.Integer(2),))


def test_symbolic_data_have_no_numeric_inputs() -> None:
    ds = read({"points": 2}, inputs=1)
    assert ds.numeric_x is None and ds.numeric_y is None
    assert [str(s) for s in ds.symbols] == ["x1", "x2", "y1", "y2"]
    mixed = read({"points": 2, "y": [1, 2]}, inputs=1, outputs=2, labels="class")
    assert mixed.numeric_x is None
    assert mixed.numeric_y is not None and mixed.numeric_y.values.tolist() == [[1], [2]]
    assert mixed.y == ((sympy.Integer(1),), (sympy.Integer(2),))


def test_file_rows_never_make_sympy_numbers_unless_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(1)
    values = np.round(rng.standard_normal((3000, 3)), 3)
    labels = rng.integers(0, 2, 3000)
    path = tmp_path / "train.csv"
    with open(path, "w") as handle:
        handle.write("a,b,c,label\n")
        np.savetxt(handle, np.column_stack([values, labels]), fmt="%.3f,%.3f,%.3f,%d")

    def refuse(rows: object) -> object:
        raise AssertionError("SymPy rows were built")

    monkeypatch.setattr(_data, "_sympy_rows", refuse)
    ds = read({"file": "train.csv", "y": "label"}, labels="01", base=tmp_path)
    assert ds.numeric_x is not None and ds.numeric_x.shape == (3000, 3)
    from convexity_proofs.models import build_model

    built = build_model(
        {"kind": "logistic-regression"}, {"file": "train.csv", "y": "label"}, base=tmp_path
    )
    assert built.scalar is False


def test_big_file_data_refuse_scalar_rows(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    np.save(tmp_path / "X.npy", rng.standard_normal((70_000, 3)))
    np.save(tmp_path / "y.npy", rng.standard_normal(70_000))
    ds = read({"file": "X.npy", "y_file": "y.npy"}, base=tmp_path)
    with pytest.raises(ModelError, match="too many to write the loss as one expression"):
        ds.rows()


# ------------------------------------------------------- inline and CSV agree


def test_integer_data_from_csv_and_inline_are_the_same_numbers(tmp_path: Path) -> None:
    rows = [[1, -2, 0], [3, 4, 1], [-5, 6, 1]]
    (tmp_path / "d.csv").write_text("p,q,t\n" + "\n".join(",".join(map(str, r)) for r in rows))
    file = read({"file": "d.csv", "y": "t"}, labels="01", base=tmp_path)
    inline = read({"x": [r[:2] for r in rows], "y": [r[2] for r in rows]}, labels="01")
    assert file.numeric_x is not None and inline.numeric_x is not None
    assert file.numeric_x.radius is None and inline.numeric_x.radius is None
    assert np.array_equal(file.numeric_x.values, inline.numeric_x.values)
    assert file.numeric_x.column_bounds() == inline.numeric_x.column_bounds()
    assert file.x == inline.x and file.y == inline.y


def test_decimal_data_from_csv_enclose_the_inline_numbers(tmp_path: Path) -> None:
    rows = [["0.123", "-1.5"], ["2.25", "0.1"], ["-0.7", "3"]]
    (tmp_path / "d.csv").write_text("a,b,y\n" + "\n".join(f"{a},{b},1" for a, b in rows))
    file = read({"file": "d.csv", "y": "y"}, base=tmp_path)
    inline = read({"x": [[a, b] for a, b in rows], "y": [1, 1, 1]})
    assert file.numeric_x is not None and inline.numeric_x is not None
    assert np.array_equal(file.numeric_x.values, inline.numeric_x.values)
    assert file.x == inline.x  # the SymPy rows are the decimals written
    for (flo, fhi), (ilo, ihi) in zip(
        file.numeric_x.column_bounds(), inline.numeric_x.column_bounds(), strict=True
    ):
        assert flo <= ilo <= ihi <= fhi
        assert ilo - flo <= Fraction(1, 2**48) and fhi - ihi <= Fraction(1, 2**48)
    radius = file.numeric_x.radius
    assert radius is not None and radius[2, 1] == 0  # "3" is an integer literal
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            exact = Fraction(text)
            assert abs(exact - Fraction(file.numeric_x.values[i, j])) <= Fraction(radius[i, j])


# ----------------------------------------------------------------- limits helpers


def test_limit_helpers() -> None:
    check_widths([1, SCALAR_WIDTH], SCALAR_WIDTH, "model.layers")
    with pytest.raises(ModelError, match="from 1 to 1024, found 2000") as info:
        check_widths([2, 2000, 1], SCALAR_WIDTH, "model.layers")
    assert info.value.field == "model.layers"
    check_widths([2, 2000, 1], STRUCTURED_WIDTH, "model.layers")
    check_scalar_sizes(SCALAR_PARAMETERS, 10, "model")
    with pytest.raises(ModelError, match="trainable parameters"):
        check_scalar_sizes(SCALAR_PARAMETERS + 1, 10, "model")
    with pytest.raises(ModelError, match="expression terms"):
        check_scalar_sizes(1, 10**6, "model")
    check_structured_parameters(STRUCTURED_PARAMETERS, "model")
    with pytest.raises(ModelError, match="the limit is 2000000"):
        check_structured_parameters(STRUCTURED_PARAMETERS + 1, "model")


def test_inline_rows_are_no_longer_bounded_by_the_symbolic_limit() -> None:
    n = MAX_POINTS + 500
    ds = read({"x": list(range(n)), "y": [0] * n})
    assert ds.size == n and "_rows" not in ds.__dict__
    with pytest.raises(ModelError, match="from 1 to 1000"):
        read({"points": MAX_POINTS + 1}, inputs=1)


# ------------------------------------------------------------------- the table


@pytest.mark.parametrize(
    ("table", "field", "words"),
    [
        ({"file": "a.csv", "points": 2}, "data.points", "not both"),
        ({"y_file": "y.npy", "x": [[1]], "y": [1]}, "data.y_file", "give data.file too"),
        ({"y": [1]}, "data.x", "file ="),
        ({"file": 3, "y": "t"}, "data.file", "found int 3"),
        ({"file": "", "y": "t"}, "data.file", "a file name"),
        ({"file": "a.txt", "y": "t"}, "data.file", ".csv or .npy"),
        ({"file": "a.csv", "y": "t", "y_file": "y.npy"}, "data.y_file", "target column"),
        ({"file": "a.npy", "y": "t"}, "data.y", "no named columns"),
        ({"file": "a.npy"}, "data.y_file", "missing"),
        ({"file": "a.npy", "y_file": "y.csv"}, "data.y_file", ".npy file name"),
        ({"file": "a.csv", "z": 1}, "data.z", "unknown key"),
    ],
)
def test_table_errors(table: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(ModelError) as info:
        read(table, base=Path("/nonexistent"))
    assert info.value.field == field
    assert words in info.value.message


# ----------------------------------------------------------- beyond the float range


def test_inline_numbers_beyond_the_float_range_are_expanded_exactly() -> None:
    from convexity_proofs.models import build_model

    data = {"x": [["1e400"], [1]], "y": [1, 0]}
    ds = read(data)
    assert ds.numeric_x is None and ds.numeric_y is None  # no float holds 10**400
    assert ds.x[0][0] == sympy.Integer(10) ** 400
    built = build_model({"kind": "logistic-regression"}, data)
    assert built.network is None and sympy.Integer(10) ** 400 in built.function.atoms()
    targets = read({"x": [[1], [2]], "y": ["-1e400", 0]})
    assert targets.numeric_x is None and targets.y[0][0] == -(sympy.Integer(10) ** 400)
    symbolic = read({"points": 2, "y": ["1e400", 0]}, inputs=1)
    assert symbolic.numeric_y is None and symbolic.y[0][0] == sympy.Integer(10) ** 400


def test_large_inline_data_beyond_the_float_range_are_refused_where_they_are(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_data, "MAX_TERMS", 5)
    with pytest.raises(ModelError) as info:
        read({"x": [[1, 2], [3, "-2e309"], [5, 6]], "y": [1, 0, 1]})
    assert info.value.field == "data.x"
    assert "point 2, input 2" in info.value.message
    assert "beyond the float range" in info.value.message and "-2.00E+309" in info.value.message
    with pytest.raises(ModelError) as info:
        read({"x": [[1, 2], [3, 4], [5, 6]], "y": [1, "1e399", 1]})
    assert info.value.field == "data.y" and "point 2" in info.value.message
    assert "beyond the float range" in info.value.message


def test_other_value_errors_of_numeric_data_are_not_swallowed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object) -> None:
        raise ValueError("something else")

    monkeypatch.setattr(_data.NumericData, "exact", broken)
    with pytest.raises(ValueError, match="something else"):
        read({"x": [[1]], "y": [1]})


def test_the_lead_s_value_error_is_handled_like_an_overflow(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def beyond(*args: object) -> None:
        raise ValueError("beyond the float range: 1e400")

    monkeypatch.setattr(_data.NumericData, "exact", beyond)
    ds = read({"x": [[1]], "y": [1]})
    assert ds.numeric_x is None and ds.x == ((1,),)
