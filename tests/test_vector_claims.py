"""Vector notation in claim files: shapes, data, variables and domains over entries,
substitution/along keys, located errors (exit 2), and certificates binding file data."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import sympy

from convexity_proofs import _certificate_files as files
from convexity_proofs._claimfile import MAX_SYMBOLS, build_claim, load_claims, parse_claims
from convexity_proofs._engine import Settings, check_claim
from convexity_proofs._parser import make_symbol, parse_function
from convexity_proofs._values import Status
from convexity_proofs.checker import verify_certificate
from convexity_proofs.cli import main
from convexity_proofs.errors import ClaimError

ROOT = Path(__file__).resolve().parents[1]
VECTORS = ROOT / "claims" / "vectors.toml"

# The two claims of issue 14, as written there.
ISSUE = """
[[claim]]
name = "logistic-regression-vector-form"
function = "sum(log(1 + exp(-y[i] * (X[i] @ w + b))) for i in range(4))"
shapes = { w = 3 }                      # w is a vector of 3; b, with no shape, a scalar
variables = ["w", "b"]
data = { X = [[1, 2, 0], [0, 1, -1], [2, -1, 1], [1, 1, 1]], y = [1, -1, 1, -1] }
property = "convex"

[[claim]]
name = "ridge-vector-form"
function = "norm(X @ w - y)**2 + lam * (w @ w)"
shapes = { w = 2 }
variables = ["w"]
data = { X = [[1, 2], [3, 4], [5, 7]], y = [1, 0, 2] }
domain = { lam = "nonnegative" }        # lam is a parameter: the claim holds for every lam >= 0
property = "convex"
"""


def names(symbols: Any) -> list[str]:
    return [s.name for s in symbols]


def one(**table: Any) -> Any:
    return build_claim({"name": "c", "property": "convex", **table}, file="<test>")


def refused(**table: Any) -> ClaimError:
    with pytest.raises(ClaimError) as info:
        one(**table)
    return info.value


# --------------------------------------------------------------------- the issue


def test_the_issue_claims_load_as_written() -> None:
    logistic, ridge = parse_claims(ISSUE, file="issue.toml")
    assert names(logistic.variables) == ["w[0]", "w[1]", "w[2]", "b"]
    assert logistic.parameters == ()
    assert names(ridge.variables) == ["w[0]", "w[1]"]
    assert names(ridge.parameters) == ["lam"]
    assert ridge.domain_of(make_symbol("lam")).name == "nonnegative"
    assert ridge.data_digests == () and logistic.data_digests == ()  # inline data
    w0, w1, lam = make_symbol("w[0]"), make_symbol("w[1]"), make_symbol("lam")
    expected = (
        (w0 + 2 * w1 - 1) ** 2
        + (3 * w0 + 4 * w1) ** 2
        + (5 * w0 + 7 * w1 - 2) ** 2
        + lam * (w0**2 + w1**2)
    )
    assert (ridge.function - expected).expand() == 0


def test_the_shipped_vector_and_scalar_forms_are_the_same_functions() -> None:
    claims = {c.name: c for c in load_claims(VECTORS)}
    for stem in ("logistic-regression", "ridge"):
        vector, scalar = claims[f"{stem}-vector-form"], claims[f"{stem}-scalar-form"]
        assert vector.function == scalar.function
        assert vector.variables == scalar.variables
        assert vector.domains == scalar.domains
        assert set(vector.obligations) == set(scalar.obligations)


def test_the_issue_claims_and_their_scalar_forms_give_the_same_verdicts() -> None:
    claims = {c.name: c for c in load_claims(VECTORS)}
    for stem in ("logistic-regression", "ridge"):
        verdicts = [
            check_claim(claims[f"{stem}-{form}-form"], Settings(timeout=60))
            for form in ("vector", "scalar")
        ]
        assert [v.status for v in verdicts] == [Status.PROVED, Status.PROVED]
        assert all(v.passed for v in verdicts)


def test_every_shipped_vector_claim_meets_its_expectation() -> None:
    claims = load_claims(VECTORS)
    assert len(claims) >= 20
    for claim in claims:
        verdict = check_claim(claim, Settings(timeout=60))
        assert verdict.passed, (claim.name, verdict.status)


def test_a_witness_names_the_entries() -> None:
    claim = next(c for c in load_claims(VECTORS) if c.name == "a-vector-variable-means-every-entry")
    verdict = check_claim(claim, Settings(timeout=60))
    assert verdict.status is Status.REFUTED
    assert "w[1]" in json.dumps(verdict.witness.to_json())


# -------------------------------------------------------------- variables and domains


def test_a_vector_variable_means_all_its_entries_also_unmentioned_ones() -> None:
    claim = one(function="w[0]**2", shapes={"w": 3}, variables=["w"])
    assert names(claim.variables) == ["w[0]", "w[1]", "w[2]"]
    # the entries the function does not mention are symbols of the claim, with domains
    assert names(s for s, _ in claim.domains) == ["w[0]", "w[1]", "w[2]"]
    assert claim.function == make_symbol("w[0]") ** 2


def test_entries_listed_one_by_one_are_normalised_and_the_rest_are_parameters() -> None:
    claim = one(
        function="sum(W[i, j] * v[j] for i in range(2) for j in range(2))",
        shapes={"W": [2, 2], "v": 2},
        variables=["W[1, 0]", "W[0,1]", "v[-1]"],
        property="affine",
    )
    assert names(claim.variables) == ["W[1,0]", "W[0,1]", "v[1]"]
    assert set(names(claim.parameters)) == {"W[0,0]", "W[1,1]", "v[0]"}


def test_a_matrix_variable_is_its_entries_in_c_order() -> None:
    claim = one(function="sum(W)", shapes={"W": [2, 3]}, variables=["W"], property="affine")
    assert names(claim.variables) == [f"W[{i},{j}]" for i in range(2) for j in range(3)]


def test_scalar_names_beside_shaped_ones_and_data_constants() -> None:
    claim = one(
        function="sum(c * w) + b**2", shapes={"w": 2}, data={"c": [1, "1/2"]}, variables=["b", "w"]
    )
    assert names(claim.variables) == ["b", "w[0]", "w[1]"]
    w0, w1, b = (make_symbol(n) for n in ("w[0]", "w[1]", "b"))
    assert claim.function == w0 + w1 / 2 + b**2
    assert "c" not in names(s for s, _ in claim.domains)  # data are no symbols


def test_domains_of_a_vector_and_an_entry_override() -> None:
    claim = one(
        function="-sum(log(w)) + lam",
        shapes={"w": 3},
        variables=["w"],
        domain={"w": "positive", "w[0]": [1, "5/2"], "lam": "nonnegative"},
    )
    domains = {s.name: d for s, d in claim.domains}
    assert (domains["w[0]"].lo, domains["w[0]"].hi) == (Fraction(1), Fraction(5, 2))
    assert domains["w[1]"].name == domains["w[2]"].name == "positive"
    assert domains["lam"].name == "nonnegative"


def test_a_vector_domain_covers_only_the_entries_of_the_claim() -> None:
    claim = one(
        function="w[0]**2 + w[1]", shapes={"w": 3}, variables=["w[0]"], domain={"w": "positive"}
    )
    assert {s.name: d.name for s, d in claim.domains} == {"w[0]": "positive", "w[1]": "positive"}


def test_a_scalar_claim_is_read_as_before() -> None:
    claim = one(function="log(x) + y**2", variables=["x", "y"], domain={"x": "positive"})
    parsed = parse_function("log(x) + y**2")
    assert claim.function == parsed.expression and claim.obligations == parsed.obligations
    assert claim.data_digests == ()


@pytest.mark.parametrize(
    ("table", "field", "message"),
    [
        # shapes
        ({"shapes": [3]}, "shapes", "expected a table of name = size"),
        ({"shapes": {}}, "shapes", "empty table"),
        ({"shapes": {"w": 0}}, "shapes.w", "positive integers, found int 0"),
        ({"shapes": {"w": True}}, "shapes.w", "positive integers, found bool True"),
        ({"shapes": {"w": 2.5}}, "shapes.w", "found float 2.5"),
        ({"shapes": {"w": []}}, "shapes.w", "a list of 1 to 3 sizes"),
        ({"shapes": {"w": [2, 2, 2, 2]}}, "shapes.w", "a list of 1 to 3 sizes"),
        ({"shapes": {"w": MAX_SYMBOLS + 1}}, "shapes.w", f"at most {MAX_SYMBOLS} symbols"),
        ({"shapes": {"a": 15_000, "w": 6_000}}, "shapes.w", "6000 \\(21000 with the names"),
        ({"shapes": {"exp": 2}}, "shapes.exp", "is a name of the claim language"),
        ({"shapes": {"sum": 2}}, "shapes.sum", "is a name of the claim language"),
        ({"shapes": {"w_": 2, "1w": 2}}, "shapes.1w", "is not a name"),
        ({"shapes": {"w": 3, "c": 2}, "data": {"c": [1, 2, 3]}}, "data.c", "both in shapes"),
        # variables
        ({"variables": ["w[3]"]}, "variables", "index 3 is out of range for w of shape \\(3,\\)"),
        ({"variables": ["w[-4]"]}, "variables", "valid: 0..2 or -3..-1"),
        ({"variables": ["w[0, 1]"]}, "variables", "w has shape \\(3,\\), so an entry has 1 index"),
        ({"variables": ["w", "w[-1]"]}, "variables", "'w\\[2\\]' is listed twice \\('w' already"),
        ({"variables": ["w[0]", "w[0]"]}, "variables", "'w\\[0\\]' is listed twice$"),
        ({"variables": ["v[0]"]}, "variables", "'v' has no shape: declare it"),
        ({"variables": ["c[0]"]}, "variables", "'c' is data: its entries are constants"),
        ({"variables": ["w[i]"]}, "variables", "not an entry name"),
        (
            {"variables": ["q"]},
            "variables",
            "'q' does not occur .* \\(its symbols: b, w \\(3,\\)\\)",
        ),
        ({"variables": ["c"]}, "variables", "'c' is data \\(a constant of the function\\)"),
        ({"variables": "w"}, "variables", "expected a list of names"),
        ({"variables": []}, "variables", "at least one variable"),
        # domain
        ({"domain": {"w[5]": "positive"}}, "domain.w[5]", "index 5 is out of range"),
        ({"domain": {"w[0]": "positive", "w[-3]": "negative"}}, "domain.w[0]", "same entry"),
        ({"domain": {"c": "positive"}}, "domain.c", "'c' is data"),
        ({"domain": {"w": "bogus"}}, "domain.w", "expected one of 'real'"),
        ({"domain": {"z": "positive"}}, "domain.z", "'z' does not occur in the function"),
        # data
        ({"data": {"c": [1, 2, 3], "d": 5}}, "data.d", "'d' is not used by the function"),
        ({"data": {"c": [1, 2, True]}}, "data.c", "entry \\[2\\]: expected a number"),
        ({"data": {"c": "a", "file": "none.csv"}}, "data.file", "cannot read 'none.csv'"),
        ({"data": {"c": [1, 2, 3], "file": "none.csv"}}, "data.file", "no array is read from"),
    ],
)
def test_refusals_are_located_at_their_field(table: dict, field: str, message: str) -> None:
    base = {
        "function": "sum(c * w) + b",
        "shapes": {"w": 3},
        "data": {"c": [1, 2, 3]},
        "variables": ["w"],
    }
    error = refused(**{**base, **table})
    assert error.field == field, error
    assert error.claim == "c" and error.file == "<test>"
    assert re.search(message, error.message), error.message


@pytest.mark.parametrize(
    ("function", "message"),
    [
        ("w[3]", "index 3 is out of range for w of shape \\(3,\\) .*, at column 1"),
        ("w @ v", "shape mismatch in '@'.*, at column 1"),
        ("sum(w * c)", "shapes \\(3,\\) and \\(2,\\) do not broadcast, at column 5"),
        ("sum(w[i] for i in range(200000))", "range\\(200000\\) is too long.*at column"),
        ("sum(w) + z[0]", "z has no shape, at column 10"),
        ("foo(w)", "unknown function 'foo', at column 1"),
        ("w", "vector|shape \\(3,\\)"),
    ],
)
def test_function_errors_are_located_with_the_column(function: str, message: str) -> None:
    data = {"data": {"c": [1, 2]}} if "c" in function else {}
    shapes = {"w": 3, "v": 2} if re.search(r"\bv\b", function) else {"w": 3}
    error = refused(function=function, shapes=shapes, variables=["w"], **data)
    assert error.field == "function"
    assert re.search(message, error.message), error.message


def test_model_claims_keep_data_and_refuse_shapes() -> None:
    model = {"kind": "linear-regression"}
    data = {"x": [[1], [2]], "y": [1, 2]}
    claim = one(model=model, data=data, variables="all")
    assert claim.model is not None
    error = refused(model=model, data=data, variables="all", shapes={"w": 2})
    assert error.field == "shapes" and "a model claim takes no shapes" in error.message


def test_a_model_data_table_given_to_a_function_is_refused_with_a_hint() -> None:
    error = refused(function="x**2", variables=["x"], data={"points": 2})
    assert error.field == "data.points"
    assert "only a claim with a model takes one" in error.message


# ---------------------------------------------------------------- substitution, along


def test_substitution_keys_are_entries() -> None:
    claim = one(
        function="w[0]**2 + w[1]**2",
        shapes={"w": 2},
        property="invariant",
        substitution={"w[ 0 ]": "w[1]", "w[-1]": "w[0]"},
    )
    assert [(s.name, str(e)) for s, e in claim.substitution] == [
        ("w[0]", "w[1]"),
        ("w[1]", "w[0]"),
    ]
    assert names(claim.variables) == ["w[0]", "w[1]"]


@pytest.mark.parametrize(
    ("substitution", "field", "message"),
    [
        ({"w": "w"}, "substitution.w", 'a key names one entry, as in "w\\[0\\]"'),
        ({"w[2]": "w[0]"}, "substitution.w[2]", "index 2 is out of range"),
        ({"w[0]": "w[1]", "w[ 0 ]": "w[0]"}, "substitution.w[0]", "same entry"),
        ({"w[0]": "w[5]"}, "substitution.w[0]", "index 5 is out of range .* at column 1"),
        ({"c": "1"}, "substitution.c", "'c' is data"),
    ],
)
def test_substitution_refusals(substitution: dict, field: str, message: str) -> None:
    error = refused(
        function="w[0]**2 + w[1]**2 + c",
        shapes={"w": 2},
        data={"c": 1},
        property="invariant",
        substitution=substitution,
    )
    assert error.field == field, error
    assert re.search(message, error.message), error.message


def test_along_keys_are_entries_and_texts_are_read_in_the_same_space() -> None:
    claim = one(
        function="sum(exp(w))",
        shapes={"w": 3},
        data={"d": [1, 2]},
        along={"w[0]": "t", "w[1]": "-t", "w[2]": "d[1]*t"},
        property="strictly-convex",
    )
    t = make_symbol("t")
    assert names(claim.variables) == ["t"]
    assert claim.function == sympy.exp(t) + sympy.exp(-t) + sympy.exp(2 * t)


def test_along_refusals() -> None:
    base = {"function": "sum(exp(w))", "shapes": {"w": 2}}
    error = refused(**base, variables=["w"], along={"w[0]": "t"})
    assert error.field == "variables" and "'w[0]' is replaced by along.w[0]" in error.message
    error = refused(**base, along={"w[0]": "t"}, domain={"w[0]": "positive"})
    assert error.field == "domain.w[0]" and "replaced by along.w[0]" in error.message
    error = refused(**base, along={"w": "t"})
    assert error.field == "along.w" and "a key names one entry" in error.message
    error = refused(**base, along={"w[0]": "t[0]"})
    assert error.field == "along.w[0]" and "t has no shape" in error.message


# ------------------------------------------------------------------ files, certificates


def _csv_claims(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train.csv").write_text(
        "x1,x2,label,extra\n1,0.5,1,7\n0.1,2,-1,8\n-1,1,1,9\n"
    )
    path = tmp_path / "claims.toml"
    path.write_text(
        "[[claim]]\n"
        'name = "least-squares"\n'
        'function = "norm(X @ w - y)**2"\n'
        "shapes = { w = 2 }\n"
        'variables = ["w"]\n'
        'data = { file = "data/train.csv", X = ["x1", "x2"], y = "label" }\n'
        'property = "strictly-convex"\n\n'
        "[[claim]]\n"
        'name = "unused-numbers"\n'
        'function = "sum_squares(w) + 0*sum(e)"\n'
        "shapes = { w = 2 }\n"
        'variables = ["w"]\n'
        'data = { file = "data/train.csv", e = "extra" }\n'
        'property = "convex"\n'
    )
    return path


def test_csv_data_are_exact_and_relative_to_the_claim_file(tmp_path: Path) -> None:
    claim = load_claims(_csv_claims(tmp_path))[0]
    w0, w1 = make_symbol("w[0]"), make_symbol("w[1]")
    tenth = Fraction(1, 10)
    expected = (w0 + w1 / 2 - 1) ** 2 + (tenth * w0 + 2 * w1 + 1) ** 2 + (-w0 + w1 - 1) ** 2
    assert (claim.function - expected).expand() == 0  # 0.1 is 1/10, not its float
    assert [(n, s) for n, s, _ in claim.data_digests] == [("X", (3, 2)), ("y", (3,))]


def test_certificates_bind_file_data_and_verify_refuses_changed_data(tmp_path: Path) -> None:
    path = _csv_claims(tmp_path)
    certificates = {}
    for claim in load_claims(path):
        verdict = check_claim(claim, Settings(timeout=60))
        assert verdict.status is Status.PROVED, claim.name
        data = json.loads(files.certificate_bytes(verdict))
        arrays = data["claim"]["data"]["arrays"]
        assert set(arrays) == {n for n, _, _ in claim.data_digests}
        assert all(re.fullmatch("[0-9a-f]{64}", a["sha256"]) for a in arrays.values())
        assert verify_certificate(data).valid
        edited = json.loads(json.dumps(data))
        next(iter(edited["claim"]["data"]["arrays"].values()))["sha256"] = "0" * 64
        assert not verify_certificate(edited).valid
        dropped = json.loads(json.dumps(data))
        del dropped["claim"]["data"]
        assert not verify_certificate(dropped).valid
        certificates[claim.name] = data
    csv = tmp_path / "data" / "train.csv"
    csv.write_text(csv.read_text().replace("0.1,2,-1,8", "0.1,2,-1,80"))
    # the least-squares claim does not read the column changed: still valid
    assert verify_certificate(certificates["least-squares"]).valid
    # 0*sum(e): the function is the same, the data are not, and the digests say so
    report = verify_certificate(certificates["unused-numbers"])
    assert not report.valid and "data the certificate is about" in str(report.failure)
    csv.write_text(csv.read_text().replace("0.1,2,-1", "0.2,2,-1"))
    assert not verify_certificate(certificates["least-squares"]).valid


def test_inline_data_need_no_digests(tmp_path: Path) -> None:
    claim = parse_claims(ISSUE)[1]
    verdict = check_claim(claim, Settings(timeout=60))
    data = json.loads(files.certificate_bytes(verdict))
    assert "data" not in data["claim"]
    assert data["claim"]["table"]["shapes"] == {"w": 2}
    assert verify_certificate(data).valid


def test_the_cli_exits_2_with_one_located_error(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        '[[claim]]\nname = "bad"\nfunction = "sum(w[i] for i in range(4))"\n'
        'shapes = { w = 3 }\nvariables = ["w"]\nproperty = "convex"\n'
    )
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert "claim 'bad'" in err and "field 'function'" in err and "index 3 is out of range" in err
    assert "Traceback" not in err
    path.write_text(
        '[[claim]]\nname = "bad"\nfunction = "sum(X @ w)"\nshapes = { w = 2 }\n'
        'variables = ["w"]\nproperty = "convex"\n'
        'data = { file = "missing.csv", X = ["a", "b"] }\n'
    )
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert "field 'data.file'" in err and "missing.csv" in err and "Traceback" not in err


# ------------------------------------------------------- review findings (issue 14)


def test_a_csv_column_named_rest_is_not_taken_for_the_keyword(tmp_path: Path) -> None:
    (tmp_path / "rest.csv").write_text("a,rest\n2,1\n-1,3\n")
    claim = tmp_path / "c.toml"
    claim.write_text(
        '[[claim]]\nname = "c"\nfunction = "sum(X*y) * w[0]**2"\nshapes = { w = 1 }\n'
        'data = { file = "rest.csv", X = "a", y = "rest" }\nvariables = ["w"]\n'
        'property = "convex"\n'
    )
    with pytest.raises(ClaimError, match='column named "rest"') as info:
        load_claims(claim)
    assert info.value.field == "data.y"
    text = claim.read_text().replace('y = "rest"', 'y = ["rest"]')
    claim.write_text(text.replace("sum(X*y)", "sum(X*y[:, 0])"))
    assert load_claims(claim)[0].function == -(make_symbol("w[0]") ** 2)  # 2*1 - 3 = -1


def test_a_shaped_domain_is_refused_for_an_entry_along_replaces() -> None:
    error = refused(
        function="w[0]**3 + w[1]",
        shapes={"w": 2},
        along={"w[0]": "t"},
        domain={"w": "positive"},
        variables=["t"],
    )
    assert error.field == "domain.w"
    assert "along" in str(error)


def test_an_entry_index_with_thousands_of_digits_is_a_located_error() -> None:
    error = refused(function="w[0]**2", shapes={"w": 2}, variables=["w[" + "9" * 5000 + "]"])
    assert error.field == "variables"


def test_a_toml_float_that_is_not_the_decimal_written_is_refused() -> None:
    text = (
        '[[claim]]\nname = "c"\nfunction = "c[0]*exp(w[0]) - w[0]**2"\nshapes = { w = 1 }\n'
        'data = { c = [1e-400] }\nvariables = ["w"]\nproperty = "concave"\n'
    )
    with pytest.raises(ClaimError, match=r'"1e-400"'):
        parse_claims(text)
    exact = parse_claims(text.replace("[1e-400]", '["1e-400"]'))[0]
    assert exact.function.has(sympy.Rational(1, 10**400))
    assert parse_claims(text.replace("[1e-400]", "[0.1]"))[0].function.has(sympy.Rational(1, 10))


@pytest.mark.parametrize("name", ["lambda", "None", "True", "match"])
def test_python_keywords_are_not_data_or_shape_names(name: str) -> None:
    with pytest.raises(ClaimError, match="keyword"):
        one(function="w[0]**2", shapes={"w": 1, name: 2}, variables=["w"])


def test_entries_are_listed_in_index_order() -> None:
    claim = one(function="sum(w[i]**2 for i in range(12))", shapes={"w": 12}, variables=["w[0]"])
    assert names(s for s, _ in claim.domains) == [f"w[{i}]" for i in range(12)]


def test_a_shaped_name_the_function_does_not_use_is_refused() -> None:
    error = refused(function="logsumexp(-w) + sum(w**3)", shapes={"W": 3}, variables=["W"])
    assert error.field == "shapes.W"
