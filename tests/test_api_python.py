"""check() with Python values: traced functions, SymPy expressions, model claims, data.

The Python form of a loss must be the claim-file form of the same loss: for logistic
regression, softmax regression, least squares and a two-layer tanh network the traced
function and the vector-notation claim (same shapes, same data, same name) give the same
function, the same verdict, the same variables and the same witness.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
import sympy

from convexity_proofs import ClaimError, ExpressionError, Settings, Status, check, check_claim
from convexity_proofs import _certificate_files as files
from convexity_proofs._claimfile import parse_claims
from convexity_proofs._parser import make_symbol
from convexity_proofs.checker import verify_certificate
from convexity_proofs.errors import ArgumentError
from convexity_proofs.testing import (
    assert_concave,
    assert_convex,
    assert_invariant,
    assert_not_convex,
    assert_strongly_convex,
)

X = np.array([[1, 2, 0], [0, 1, -1], [2, -1, 1], [1, 1, 1]], dtype=float)
y = np.array([1, -1, 1, -1])


def test_the_issue_example_works_as_written() -> None:
    from convexity_proofs import check

    def loss(w, b, X, y, xp):
        return xp.sum(xp.log(1 + xp.exp(-y * (X @ w + b))))

    verdict = check(loss, variables={"w": (3,), "b": ()}, data={"X": X, "y": y}, property="convex")
    assert verdict.status is Status.PROVED and verdict.passed
    assert [s.name for s in verdict.claim.variables] == ["w[0]", "w[1]", "w[2]", "b"]
    assert (
        verdict.claim.statement
        == "traced from test_the_issue_example_works_as_written.<locals>.loss(w, b, X, y, xp)"
    )


# ------------------------------------------------- the four models, both forms


def _toml(value: object) -> str:
    """An inline TOML value for numbers and nested lists (shapes, data)."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, np.ndarray):
        return _toml(value.tolist())
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return repr(value)


def _claim_file_form(name, function, variables, shapes, data, prop, expect="holds"):
    text = (
        "[[claim]]\n"
        f'name = "{name}"\n'
        f'function = "{function}"\n'
        f"shapes = {_toml(shapes)}\n"
        f"variables = {json.dumps(variables)}\n"
        f"data = {_toml(data)}\n"
        f'property = "{prop}"\n'
        f'expect = "{expect}"\n'
    )
    (claim,) = parse_claims(text)
    return check_claim(claim, Settings(timeout=120))


def logistic(w, b, X, y, xp):
    return xp.sum(xp.log(1 + xp.exp(-y * (X @ w + b))))


def softmax(W, X, Y, xp):
    scores = X @ W.T
    return xp.sum(xp.logsumexp(scores, axis=1) - xp.sum(Y * scores, axis=1))


def least_squares(w, b, X, y, xp):
    residual = X @ w + b - y
    return xp.sum(residual**2)


def tanh_network(W, v, X, y, xp):
    hidden = xp.tanh(X @ W.T)
    return xp.mean((hidden @ v - y) ** 2)


CLASSES = np.eye(3)[[0, 2, 1]]
MODELS = {
    "logistic-regression": (
        logistic,
        {"w": (3,), "b": ()},
        {"X": X, "y": y},
        "sum(log(1 + exp(-y[i] * (X[i] @ w + b))) for i in range(4))",
        ["w", "b"],
        {"w": 3},
        "convex",
        "holds",
        Status.PROVED,
    ),
    "softmax-regression": (
        softmax,
        {"W": (3, 2)},
        {"X": np.array([[1, 0.5], [0, 1], [-1, 2]]), "Y": CLASSES},
        "sum(logsumexp(W @ X[i]) - Y[i] @ (W @ X[i]) for i in range(3))",
        ["W"],
        {"W": [3, 2]},
        "convex",
        "holds",
        Status.PROVED,
    ),
    "least-squares": (
        least_squares,
        {"w": (2,), "b": ()},
        {"X": np.array([[1, 2], [3, 4], [5, 7]]), "y": np.array([1, 0, 2])},
        "sum((X[i] @ w + b - y[i])**2 for i in range(3))",
        ["w", "b"],
        {"w": 2},
        "convex",
        "holds",
        Status.PROVED,
    ),
    "two-layer-tanh-network": (
        tanh_network,
        {"W": (2, 2), "v": (2,)},
        {"X": np.array([[1, -1], [0.5, 2], [-1, 0]]), "y": np.array([1, 0, -1])},
        "mean((v @ tanh(W @ X[i]) - y[i])**2 for i in range(3))",
        ["W", "v"],
        {"W": [2, 2], "v": 2},
        "convex",
        "fails",
        Status.REFUTED,
    ),
}


@pytest.mark.parametrize("model", list(MODELS))
def test_the_python_form_is_the_claim_file_form(model) -> None:
    fn, variables, data, text, names, shapes, prop, expect, status = MODELS[model]
    traced = check(fn, variables=variables, data=data, property=prop, expect=expect, name=model)
    written = _claim_file_form(model, text, names, shapes, data, prop, expect)
    assert traced.claim.function == written.claim.function
    assert traced.status is written.status is status
    assert traced.passed and written.passed
    assert [s.name for s in traced.claim.variables] == [s.name for s in written.claim.variables]
    assert traced.witness == written.witness
    if status is Status.REFUTED:
        assert traced.witness is not None
        assert {name for name, _ in traced.witness.point} >= {"v[0]", "W[1,1]"}


def test_the_python_form_through_check_with_a_text_and_numpy_data() -> None:
    fn, variables, data, text, names, shapes, *_ = MODELS["logistic-regression"]
    as_text = check(text, variables=names, shapes=shapes, data=data)
    traced = check(fn, variables=variables, data=data)
    assert as_text.status is traced.status is Status.PROVED
    assert as_text.claim.function == traced.claim.function


def test_a_traced_claim_is_an_ordinary_claim_its_certificate_rereads() -> None:
    verdict = check(logistic, variables={"w": (3,), "b": ()}, data={"X": X, "y": y})
    data = json.loads(files.certificate_bytes(verdict))
    table = data["claim"]["table"]
    assert table["shapes"] == {"w": 3}
    assert table["function"].startswith("log(1 + exp(-w[0] - 2*w[1] - b))")
    assert "X" not in table and "data" not in table
    assert verify_certificate(data).valid
    forged = json.loads(json.dumps(data))
    forged["claim"]["table"]["function"] = table["function"].replace("2*w[1]", "3*w[1]")
    assert not verify_certificate(forged).valid


def test_a_refuted_traced_claim_names_entries_in_its_witness() -> None:
    def saddle(w, xp):
        return w[0] * w[1]

    verdict = check(saddle, variables={"w": (2,)})
    assert verdict.status is Status.REFUTED
    assert {name for name, _ in verdict.witness.point} == {"w[0]", "w[1]"}


def test_traced_parameters_domains_and_entries() -> None:
    def ridge(w, lam, X, y, xp):
        return xp.linalg.norm(X @ w - y) ** 2 + lam * (w @ w)

    data = {"X": np.array([[1, 2], [3, 4], [5, 7]]), "y": [1, 0, 2]}
    verdict = check(ridge, variables={"w": (2,)}, data=data, domain={"lam": "nonnegative"})
    assert verdict.status is Status.PROVED
    assert [s.name for s in verdict.claim.variables] == ["w[0]", "w[1]"]
    one = check(lambda w, xp: xp.exp(w[0]) - w[1] ** 2, ["w[0]"], shapes={"w": 2})
    assert one.status is Status.PROVED and [s.name for s in one.claim.variables] == ["w[0]"]
    entry_domain = check(
        lambda w, xp: xp.log(w[0]) + w[1] ** 2, {"w": 2}, "concave", domain={"w[0]": "positive"}
    )
    assert entry_domain.status is Status.REFUTED  # w[1]**2 is not concave


# ---------------------------------------------------------------- SymPy input


def test_sympy_expressions_are_checked_as_their_text() -> None:
    x = sympy.Symbol("x", real=True)
    verdict = check(sympy.exp(x) + x**2, ["x"])
    assert verdict.status is Status.PROVED
    assert sorted(verdict.claim.source.split(" + ")) == ["exp(x)", "x**2"]
    plain = sympy.Symbol("t")  # no assumptions: a real claim symbol all the same
    assert check(plain**4, "t").status is Status.PROVED


def test_sympy_sign_assumptions_become_the_domain() -> None:
    x = sympy.Symbol("x", positive=True)
    verdict = check(sympy.log(x), "x", "concave")
    assert verdict.status is Status.PROVED
    assert dict(verdict.claim.domains)[make_symbol("x")].lo == 0
    widened = check(sympy.log(x), "x", "concave", domain={"x": (1, 2)})
    assert dict(widened.claim.domains)[make_symbol("x")].lo == 1  # the given domain wins


def test_sympy_entry_symbols_make_a_vector() -> None:
    w = [make_symbol(f"w[{i}]") for i in range(3)]
    verdict = check(sympy.log(sum(sympy.exp(v) for v in w)), ["w"])
    assert verdict.status is Status.PROVED
    assert [s.name for s in verdict.claim.variables] == ["w[0]", "w[1]", "w[2]"]
    wider = check(w[0] ** 2, ["w"], shapes={"w": 4})  # all four entries are variables
    assert [s.name for s in wider.claim.variables] == [f"w[{i}]" for i in range(4)]


def test_sympy_outside_the_language_and_data_are_argument_errors() -> None:
    x = sympy.Symbol("x")
    with pytest.raises(ArgumentError, match=r"check\(\) argument 'function': gamma"):
        check(sympy.gamma(x), ["x"])
    with pytest.raises(ArgumentError, match=r"argument 'data': a SymPy expression has no data"):
        check(x**2, ["x"], data={"c": 1})


# ---------------------------------------------------------------- model claims


def test_model_claims_from_python_with_numpy_data() -> None:
    x = np.array([[1, 2], [0.5, -1], [2, 0]])
    labels = np.array([1, 0, 1])
    model = {"kind": "logistic-regression", "l2": Fraction(1, 100)}
    verdict = check(model=model, data={"x": x, "y": labels}, variables="all")
    written = parse_claims(
        '[[claim]]\nname = "check"\n'
        'model = { kind = "logistic-regression", l2 = "1/100" }\n'
        "data = { x = [[1, 2], [0.5, -1], [2, 0]], y = [1, 0, 1] }\n"
        'variables = "all"\nproperty = "convex"\n'
    )[0]
    assert verdict.status is Status.PROVED
    assert verdict.claim.function == written.function
    network = check(
        model={"kind": "mlp", "layers": (2, 2, 1), "activation": "tanh"},
        data={"x": x, "y": labels},
        variables="all",
        expect="fails",
    )
    assert network.status is Status.REFUTED and network.passed


def test_model_argument_errors() -> None:
    data = {"x": [[1, 2]], "y": [1]}
    with pytest.raises(ArgumentError, match="either function or model"):
        check("x", model={"kind": "logistic-regression"}, data=data)
    with pytest.raises(ArgumentError, match="a model claim has no shapes"):
        check(model={"kind": "logistic-regression"}, data=data, shapes={"w": 2})
    with pytest.raises(ArgumentError, match=r"argument 'model': expected a model table"):
        check(model="logistic-regression", data=data)
    with pytest.raises(ArgumentError, match=r"argument 'data'\['x'\]\[0\]\[0\]: expected numbers"):
        check(model={"kind": "logistic-regression"}, data={"x": [[object()]], "y": [1]})
    with pytest.raises(ClaimError, match="field 'data'"):
        check(model={"kind": "logistic-regression"}, variables="all")


# ------------------------------------------------------------ argument handling


def test_one_variable_name_is_one_name_not_its_letters() -> None:
    verdict = check("w1**2 + w2", variables="w1")
    assert [s.name for s in verdict.claim.variables] == ["w1"]
    assert check(lambda w1, xp: w1**2, "w1").status is Status.PROVED


def test_fraction_decimal_and_tuple_domains() -> None:
    verdict = check("log(x)", "x", "concave", domain={"x": (Fraction(1, 3), Decimal("2.5"))})
    domain = dict(verdict.claim.domains)[make_symbol("x")]
    assert (domain.lo, domain.hi) == (Fraction(1, 3), Fraction(5, 2))
    assert check("sqrt(x)", ["x"], "concave", domain={"x": (0, sympy.Rational(1, 2))}).passed


def test_data_values_are_converted_exactly() -> None:
    from convexity_proofs._api import _plain

    values = {
        "a": np.array([[1, 2], [3, 4]], dtype=np.int64),
        "b": np.array([0.1, 0.5]),
        "c": [Fraction(1, 3), np.float32(0.5), np.int32(2), Decimal("0.25"), True],
        "d": sympy.Rational(2, 3),
        "file": "train.csv",
    }
    assert _plain("data", values) == {
        "a": [[1, 2], [3, 4]],
        "b": [0.1, 0.5],
        "c": ["1/3", 0.5, 2, "0.25", 1],
        "d": "2/3",
        "file": "train.csv",
    }
    with pytest.raises(ArgumentError, match=r"data\['x'\]: expected a finite number"):
        _plain("data", {"x": Decimal("NaN")})


def test_shapes_and_data_for_a_text() -> None:
    verdict = check(
        "norm(X @ w - y)**2 + lam * (w @ w)",
        ["w"],
        shapes={"w": 2},
        data={"X": np.array([[1, 2], [3, 4], [5, 7]]), "y": (1, 0, 2)},
        domain={"lam": "nonnegative"},
    )
    assert verdict.status is Status.PROVED
    assert verdict.claim.variables == (make_symbol("w[0]"), make_symbol("w[1]"))


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        (
            {"function": 42},
            r"argument 'function': expected a function text, a SymPy expression or a Python",
        ),
        ({"function": None}, r"argument 'function': expected a function"),
        ({"shapes": {"w": 0}}, r"argument 'shapes'\['w'\]: expected a shape"),
        ({"shapes": {"w": (2, True)}}, r"argument 'shapes'\['w'\]: expected a shape"),
        ({"shapes": {"w": (1, 1, 1, 1)}}, r"at most 3 dimensions"),
        ({"shapes": ["w"]}, r"argument 'shapes': expected a mapping"),
        (
            {"variables": {"w": 2}, "shapes": {"w": 3}},
            r"'w' has shape \(2,\) here and \(3,\) in shapes",
        ),
        ({"variables": {"w": "3"}}, r"argument 'variables'\['w'\]: expected a shape"),
        ({"data": [1, 2]}, r"argument 'data': expected a mapping"),
        ({"statement": 3}, r"argument 'statement': expected a string"),
    ],
)
def test_argument_errors_name_the_argument(kwargs, pattern) -> None:
    arguments = {"function": "sum(w)", "variables": ["w"], **kwargs}
    with pytest.raises(ArgumentError, match=pattern):
        check(**arguments)


def test_traced_errors_are_expression_and_argument_errors() -> None:
    with pytest.raises(ExpressionError, match=r"numpy\.exp was called on a traced value.*xp\.exp"):
        check(lambda w, xp: np.sum(np.exp(w)), {"w": 2})
    with pytest.raises(
        ExpressionError, match=r"xp\.lg is not in the traced vocabulary.*did you mean xp\.log\?"
    ):
        check(lambda w, xp: xp.sum(xp.lg(w)), {"w": 2})
    with pytest.raises(ExpressionError, match=r"returned an array of shape \(2,\)"):
        check(lambda w, xp: xp.exp(w), {"w": 2})
    with pytest.raises(ExpressionError, match=r"no truth value.*xp\.where"):
        check(lambda w, xp: w[0] if w[0] > 0 else -w[0], {"w": 2})
    with pytest.raises(ArgumentError, match=r"'X' is not a parameter"):
        check(lambda w, xp: w[0], {"w": 2}, data={"X": [1]})


def test_a_statement_given_is_kept() -> None:
    verdict = check(lambda x, xp: x**2, "x", statement="a parabola")
    assert verdict.claim.statement == "a parabola"


# ---------------------------------------------------------------- testing helpers


def test_the_testing_helpers_take_the_new_forms() -> None:
    assert assert_convex(logistic, {"w": (3,), "b": ()}, data={"X": X, "y": y}).passed
    x = sympy.Symbol("x", positive=True)
    assert assert_concave(sympy.log(x), "x").passed
    assert assert_not_convex(lambda w, xp: w[0] * w[1], {"w": 2}).passed
    assert assert_convex("sum_squares(w)", "w", shapes={"w": 3}).passed
    assert assert_strongly_convex(lambda w, xp: w @ w, {"w": 2}, 2).passed
    assert assert_convex(
        model={"kind": "linear-regression"},
        data={"x": [[1, 2], [3, 4]], "y": [1, 0]},
        variables="all",
    ).passed
    swap = {"w[0]": "w[1]", "w[1]": "w[0]"}
    assert assert_invariant(lambda w, xp: xp.sum(xp.exp(w)), swap, shapes={"w": 2}).passed
    with pytest.raises(AssertionError, match=re.escape("convex claim refuted")):
        assert_convex(lambda w, xp: w[0] * w[1], {"w": 2})
    with pytest.raises(ArgumentError, match=re.escape("assert_convex() argument 'variables'")):
        assert_convex(lambda w, xp: w[0], {"w"})


# ------------------------------------------------------- review findings (issue 14)


def test_a_boolean_mask_in_data_indexes_as_a_mask():
    mask = np.array([True, True, False])

    def f(w, mask, xp):
        return xp.sum(w[mask] ** 2) - 2 * w[1] ** 2  # w0**2 - w1**2: not convex

    assert check(f, variables={"w": (3,)}, data={"mask": mask}).status is Status.REFUTED
    listed = check(f, variables={"w": (3,)}, data={"mask": [True, True, False]})
    assert listed.status is Status.REFUTED


@pytest.mark.parametrize("name", ["E", "pi", "exp", "sum"])
def test_sympy_symbols_named_like_the_language_are_refused(name):
    x = sympy.Symbol("x")
    with pytest.raises(ArgumentError, match=repr(name)):
        check(sympy.Symbol(name) * x**2, ["x"])


def test_two_sympy_symbols_with_one_name_are_refused():
    x = sympy.Symbol("x")
    with pytest.raises(ArgumentError, match="both named 'x'"):
        check(sympy.Symbol("x", positive=True) ** 2 - x**2, ["x"])


def test_an_unevaluated_product_of_two_negative_numbers_keeps_its_sign():
    x = sympy.Symbol("x")
    verdict = check(sympy.Mul(-1, -1, x**2, evaluate=False), ["x"])
    assert verdict.status is Status.PROVED
    assert verdict.claim.function == sympy.Symbol("x", real=True) ** 2


def test_a_domain_must_lie_within_a_sympy_sign_assumption():
    x = sympy.Symbol("x", positive=True)
    with pytest.raises(ArgumentError, match="assumed positive"):
        check(sympy.sqrt(x**2), ["x"], "concave", domain={"x": [-1, 1]})
    assert check(sympy.sqrt(x**2), ["x"], "concave", domain={"x": [1, 2]}).status is Status.PROVED


def test_numpy_numbers_are_domain_ends():
    for end in (np.float64(0.5), np.float32(0.5), np.int64(1)):
        assert check("x**2", ["x"], domain={"x": (end, 3)}).status is Status.PROVED


def test_in_place_operators_on_traced_arrays_are_refused():
    def aliased(w, xp):
        v = w
        v *= 0
        return -xp.sum(w**2)

    with pytest.raises(ExpressionError, match="in-place operator"):
        check(aliased, variables={"w": (3,)})

    def accumulated(w, xp):
        total = 0
        for i in range(3):
            total += w[i] ** 2
        return total

    assert check(accumulated, variables={"w": (3,)}).status is Status.PROVED


def test_a_traced_function_may_branch_on_its_data():
    def signed(w, y, xp):
        total = 0
        for k in range(2):
            total = total + w[k] ** 2 if y[k] > 0 else total - w[k] ** 2
        return total * float(y[0])

    verdict = check(signed, variables={"w": (2,)}, data={"y": np.array([1.0, -1.0])})
    assert verdict.status is Status.REFUTED
    w0, w1 = make_symbol("w[0]"), make_symbol("w[1]")
    assert sympy.expand(verdict.claim.function - (w0**2 - w1**2)) == 0

    def on_a_variable(w, xp):
        return w[0] if w[0] > 0 else -w[0]

    with pytest.raises(ExpressionError, match="no truth value"):
        check(on_a_variable, variables={"w": (1,)})
