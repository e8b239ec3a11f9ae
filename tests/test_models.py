"""Tests for the model builders: each loss against the formula a person would type.

The reference expressions go through the safe parser, which builds with SymPy's own
evaluating constructors; the builders take shortcuts for speed, so structural equality
with the parser's result is the test that those shortcuts change nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import pytest
import sympy

from convexity_proofs._parser import make_symbol, parse_expression
from convexity_proofs.errors import ConvexityProofsError
from convexity_proofs.models import (
    KINDS,
    BuiltModel,
    ModelError,
    build_model,
    symmetry_substitution,
)
from convexity_proofs.models import _functions as fast


def names(symbols: Sequence[sympy.Symbol]) -> list[str]:
    return [s.name for s in symbols]


def same(built: BuiltModel, text: str) -> None:
    """The model's loss is, structurally, what the parser builds from ``text``."""
    expected = parse_expression(text)
    assert built.function == expected, f"\nbuilt:    {built.function}\nexpected: {expected}"


def at(expr: sympy.Expr, point: dict[sympy.Symbol, Any]) -> sympy.Expr:
    return expr.xreplace({s: sympy.nsimplify(v) for s, v in point.items()})


def rational_point(symbols: Sequence[sympy.Symbol]) -> dict[sympy.Symbol, sympy.Rational]:
    """A fixed, irregular rational point (no accidental symmetry)."""
    return {s: sympy.Rational((7 * i) % 11 - 5, 3 + i % 4) for i, s in enumerate(symbols)}


# --------------------------------------------------------------- hand-written losses


def network_scores(
    layers: Sequence[int],
    activations: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    bias: bool = True,
) -> list[list[str]]:
    """The last layer's pre-activations of an mlp, per point, as formula texts."""
    scores = []
    for row in rows:
        values = list(row)
        for L in range(1, len(layers)):
            pre = []
            for j in range(1, layers[L] + 1):
                text = " + ".join(
                    f"w{L}_{j}_{k}*({values[k - 1]})" for k in range(1, layers[L - 1] + 1)
                )
                pre.append(f"{text} + b{L}_{j}" if bias else text)
            if L < len(layers) - 1:
                act = activations[L - 1]
                values = [f"({p})" if act == "identity" else f"{act}({p})" for p in pre]
            else:
                values = [f"({p})" for p in pre]
        scores.append(values)
    return scores


def test_linear_regression_numeric() -> None:
    built = build_model(
        {"kind": "linear-regression"}, {"x": [[1, 2], [3, -1], [0.5, "1/3"]], "y": [1, 0.5, -2]}
    )
    same(
        built,
        "(w1 + 2*w2 + b - 1)**2 + (3*w1 - w2 + b - 1/2)**2 + (1/2*w1 + 1/3*w2 + b + 2)**2",
    )
    assert list(built.groups) == ["weights", "bias", "all"]
    assert names(built.groups["all"]) == ["w1", "w2", "b"]
    assert built.data_symbols == ()
    assert built.description == "linear-regression, 2 inputs, bias, square loss, 3 data points"


def test_function_is_one_flat_sum_over_points() -> None:
    built = build_model({"kind": "linear-regression"}, {"x": [1, 2, 3, 4], "y": [1, 2, 3, 5]})
    assert built.function.func is sympy.Add
    assert len(built.function.args) == 4
    assert all(term.is_Pow for term in built.function.args)


def test_linear_regression_symbolic_data_no_bias_with_weight_decay() -> None:
    built = build_model(
        {"kind": "linear-regression", "inputs": 1, "bias": False, "l2": 0.1}, {"points": 2}
    )
    same(built, "(w1*x1 - y1)**2 + (w1*x2 - y2)**2 + 1/10*w1**2")
    assert names(built.data_symbols) == ["x1", "x2", "y1", "y2"]
    assert list(built.groups) == ["weights", "all"]
    assert built.description.endswith("2 symbolic data points, l2 1/10")


def test_exact_numbers_from_floats_and_strings() -> None:
    built = build_model({"kind": "linear-regression"}, {"x": [[0.1]], "y": ["-7/3"]})
    same(built, "(1/10*w1 + b + 7/3)**2")


def test_logistic_regression_is_binary_cross_entropy() -> None:
    built = build_model({"kind": "logistic-regression"}, {"x": [[1, 2], [0, -1]], "y": [1, 0]})
    same(built, "log(1 + exp(w1 + 2*w2 + b)) - (w1 + 2*w2 + b) + log(1 + exp(-w2 + b))")
    # -y log s - (1 - y) log(1 - s) with s = sigmoid(z), at a rational point
    point = rational_point(built.groups["all"])
    w1, w2, b = (point[make_symbol(n)] for n in ("w1", "w2", "b"))
    expected = 0.0
    for (x1, x2), y in (((1, 2), 1), ((0, -1), 0)):
        s = 1 / (1 + math.exp(-float(w1 * x1 + w2 * x2 + b)))
        expected += -y * math.log(s) - (1 - y) * math.log(1 - s)
    assert float(at(built.function, point)) == pytest.approx(expected, rel=1e-12)


def test_logistic_regression_with_labels_pm1() -> None:
    built = build_model(
        {"kind": "logistic-regression", "labels": "pm1"}, {"x": [[1, 2], [0, -1]], "y": [1, -1]}
    )
    same(built, "log(1 + exp(-(w1 + 2*w2 + b))) + log(1 + exp(-w2 + b))")
    assert "labels -1/1" in built.description


def test_logistic_regression_square_loss_of_the_sigmoid() -> None:
    built = build_model(
        {"kind": "logistic-regression", "loss": "square"}, {"x": [2, -1], "y": [1, 0]}
    )
    same(built, "(sigmoid(2*w1 + b) - 1)**2 + sigmoid(-w1 + b)**2")


def test_softmax_regression() -> None:
    built = build_model(
        {"kind": "softmax-regression", "classes": 3}, {"x": [[1, 2], [-1, 0]], "y": [2, 3]}
    )
    z1 = [f"w{c}_1 + 2*w{c}_2 + b{c}" for c in (1, 2, 3)]
    z2 = [f"-w{c}_1 + b{c}" for c in (1, 2, 3)]
    same(
        built,
        f"logsumexp({', '.join(z1)}) - ({z1[1]}) + logsumexp({', '.join(z2)}) - ({z2[2]})",
    )
    assert list(built.groups) == ["weights", "biases", "all"]
    assert names(built.groups["weights"]) == ["w1_1", "w1_2", "w2_1", "w2_2", "w3_1", "w3_2"]
    assert names(built.groups["biases"]) == ["b1", "b2", "b3"]


def test_softmax_regression_symbolic_inputs_take_numeric_labels() -> None:
    built = build_model(
        {"kind": "softmax-regression", "classes": 2, "inputs": 1, "bias": False},
        {"points": 2, "y": [1, 2]},
    )
    same(built, "logsumexp(w1_1*x1, w2_1*x1) - w1_1*x1 + logsumexp(w1_1*x2, w2_1*x2) - w2_1*x2")
    assert names(built.data_symbols) == ["x1", "x2"]
    with pytest.raises(ModelError) as info:
        build_model({"kind": "softmax-regression", "classes": 2, "inputs": 1}, {"points": 2})
    assert info.value.field == "data.y"


# ---------------------------------------------------------------------------- mlp

ACTIVATIONS = ["identity", "relu", "sigmoid", "tanh", "softplus"]
ROWS = [["1", "-2"], ["1/2", "3"], ["-3/2", "-1/4"]]
DATA = {"x": [[1, -2], [0.5, 3], ["-3/2", -0.25]], "y": [1, -1, "2/3"]}


def test_mlp_one_hidden_layer_written_out() -> None:
    built = build_model({"kind": "mlp", "layers": [2, 2, 1], "activation": "tanh"}, DATA)
    same(
        built,
        "(w2_1_1*tanh(w1_1_1 - 2*w1_1_2 + b1_1) + w2_1_2*tanh(w1_2_1 - 2*w1_2_2 + b1_2)"
        " + b2_1 - 1)**2"
        " + (w2_1_1*tanh(1/2*w1_1_1 + 3*w1_1_2 + b1_1) + w2_1_2*tanh(1/2*w1_2_1 + 3*w1_2_2"
        " + b1_2) + b2_1 + 1)**2"
        " + (w2_1_1*tanh(-3/2*w1_1_1 - 1/4*w1_1_2 + b1_1) + w2_1_2*tanh(-3/2*w1_2_1"
        " - 1/4*w1_2_2 + b1_2) + b2_1 - 2/3)**2",
    )
    assert built.description == (
        "mlp 2-2-1, tanh hidden, identity output, square loss, 3 data points"
    )


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_mlp_activation_forms_match_the_parser(activation: str) -> None:
    layers = [2, 3, 1]
    built = build_model({"kind": "mlp", "layers": layers, "activation": activation}, DATA)
    scores = network_scores(layers, [activation], ROWS)
    same(built, " + ".join(f"({z} - ({y}))**2" for (z,), y in zip(scores, DATA["y"], strict=True)))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_deep_mlp_symbolic_data_matches_the_parser(activation: str) -> None:
    layers = [2, 3, 2, 1]
    acts = [activation, "sigmoid" if activation != "sigmoid" else "tanh"]
    built = build_model(
        {"kind": "mlp", "layers": layers, "activation": acts, "bias": False}, {"points": 2}
    )
    rows = [["x1_1", "x1_2"], ["x2_1", "x2_2"]]
    scores = network_scores(layers, acts, rows, bias=False)
    same(built, " + ".join(f"({z} - y{i})**2" for i, (z,) in enumerate(scores, 1)))
    assert names(built.data_symbols) == ["x1_1", "x1_2", "x2_1", "x2_2", "y1", "y2"]


def test_mlp_groups() -> None:
    built = build_model(
        {"kind": "mlp", "layers": [1, 2, 2, 1], "activation": "relu"}, {"x": [1], "y": [0]}
    )
    assert list(built.groups) == [
        "layer1",
        "layer2",
        "layer3",
        "hidden",
        "output",
        "weights",
        "biases",
        "all",
    ]
    assert names(built.groups["layer1"]) == ["w1_1_1", "w1_2_1", "b1_1", "b1_2"]
    assert names(built.groups["layer2"]) == [
        "w2_1_1",
        "w2_1_2",
        "w2_2_1",
        "w2_2_2",
        "b2_1",
        "b2_2",
    ]
    assert names(built.groups["output"]) == ["w3_1_1", "w3_1_2", "b3_1"]
    assert built.groups["hidden"] == built.groups["layer1"] + built.groups["layer2"]
    assert names(built.groups["biases"]) == ["b1_1", "b1_2", "b2_1", "b2_2", "b3_1"]
    assert built.groups["all"] == (
        built.groups["layer1"] + built.groups["layer2"] + built.groups["layer3"]
    )
    no_bias = build_model({"kind": "mlp", "layers": [1, 1], "bias": False}, {"x": [1], "y": [0]})
    assert list(no_bias.groups) == ["layer1", "output", "weights", "all"]


def test_mlp_logistic_loss_reads_the_logit() -> None:
    data = {"x": [[1], [-2]], "y": [1, 0]}
    (z1,), (z2,) = network_scores([1, 2, 1], ["softplus"], [["1"], ["-2"]])
    expected = f"log(1 + exp({z1})) - {z1} + log(1 + exp({z2}))"
    for output in ("sigmoid", "identity"):
        model = {"kind": "mlp", "layers": [1, 2, 1], "activation": "softplus"}
        model |= {"output": output, "loss": "logistic"}
        same(build_model(model, data), expected)


def test_mlp_hinge_loss() -> None:
    data = {"x": [[1], [-2]], "y": [1, -1]}
    model = {"kind": "mlp", "layers": [1, 2, 1], "activation": "relu", "loss": "hinge"}
    (z1,), (z2,) = network_scores([1, 2, 1], ["relu"], [["1"], ["-2"]])
    same(build_model(model, data), f"max(0, 1 - {z1}) + max(0, 1 + {z2})")


def test_mlp_softmax_cross_entropy() -> None:
    data = {"x": [[1, 0], [0, 2]], "y": [3, 1]}
    model = {"kind": "mlp", "layers": [2, 2, 3], "activation": "tanh", "output": "softmax"}
    built = build_model(model, data)
    scores = network_scores([2, 2, 3], ["tanh"], [["1", "0"], ["0", "2"]])
    same(
        built,
        f"logsumexp({', '.join(scores[0])}) - {scores[0][2]}"
        f" + logsumexp({', '.join(scores[1])}) - {scores[1][0]}",
    )
    assert "cross-entropy loss" in built.description


def test_mlp_multi_output_square_loss_and_weight_decay() -> None:
    data = {"x": [[1]], "y": [[2, -1]]}
    model = {"kind": "mlp", "layers": [1, 1, 2], "activation": "sigmoid", "l2": "1/2"}
    built = build_model(model, data)
    ((z1, z2),) = network_scores([1, 1, 2], ["sigmoid"], [["1"]])
    decay = " + ".join(f"1/2*{w}**2" for w in ("w1_1_1", "w2_1_1", "w2_2_1"))
    same(built, f"({z1} - 2)**2 + ({z2} + 1)**2 + {decay}")
    symbolic = build_model(model, {"points": 1})
    assert names(symbolic.data_symbols) == ["x1", "y1_1", "y1_2"]


def test_mlp_sigmoid_output_with_square_loss() -> None:
    model = {"kind": "mlp", "layers": [1, 1, 1], "activation": "tanh"}
    model |= {"output": "sigmoid", "loss": "square"}
    ((z,),) = network_scores([1, 1, 1], ["tanh"], [["3"]])
    same(build_model(model, {"x": [3], "y": [1]}), f"(sigmoid({z}) - 1)**2")


def test_linear_network() -> None:
    built = build_model(
        {"kind": "linear-network", "layers": [1, 2, 1], "bias": False}, {"x": [2], "y": [3]}
    )
    same(built, "(w2_1_1*(2*w1_1_1) + w2_1_2*(2*w1_2_1) - 3)**2")
    assert built.description == "linear-network 1-2-1, no bias, square loss, 1 data point"
    deep = build_model({"kind": "linear-network", "layers": [2, 2, 2, 2, 1]}, {"points": 1})
    scores = network_scores([2, 2, 2, 2, 1], ["identity"] * 3, [["x1_1", "x1_2"]])
    same(deep, f"({scores[0][0]} - y1)**2")


# ------------------------------------------------------------------- other kinds


def test_rbf_network_fixed_centres() -> None:
    model = {"kind": "rbf-network", "centres": [[0, 0], [1, 1]], "width": "1/2"}
    built = build_model(model, {"x": [[1, 0], [2, 1]], "y": [2, 0]})
    phi = "exp(-((({x1}) - {c1})**2 + (({x2}) - {c2})**2)/(2*(1/2)**2))"

    def z(x1: int, x2: int) -> str:
        features = [phi.format(x1=x1, x2=x2, c1=c, c2=c) for c in (0, 1)]
        return f"v1*{features[0]} + v2*{features[1]} + b"

    same(built, f"({z(1, 0)} - 2)**2 + ({z(2, 1)})**2")
    assert list(built.groups) == ["weights", "bias", "output", "all"]
    assert names(built.groups["all"]) == ["v1", "v2", "b"]


def test_rbf_network_trainable_centres_symbolic_data() -> None:
    model = {
        "kind": "rbf-network",
        "centres": [[0, 0], [1, 1]],
        "width": [1, 2],
        "trainable_centres": True,
        "bias": False,
    }
    built = build_model(model, {"points": 1})
    features = [
        f"exp(-((x1_1 - c{j}_1)**2 + (x1_2 - c{j}_2)**2)/(2*{s}**2))" for j, s in ((1, 1), (2, 2))
    ]
    same(built, f"(v1*{features[0]} + v2*{features[1]} - y1)**2")
    assert names(built.groups["centres"]) == ["c1_1", "c1_2", "c2_1", "c2_2"]
    assert names(built.groups["all"]) == ["c1_1", "c1_2", "c2_1", "c2_2", "v1", "v2"]


def test_matrix_factorization() -> None:
    built = build_model(
        {"kind": "matrix-factorization", "shape": [2, 3], "rank": 2},
        {"entries": [[1, 1, 3], [2, 3, "1/2"]]},
    )
    same(built, "(u1_1*v1_1 + u1_2*v1_2 - 3)**2 + (u2_1*v3_1 + u2_2*v3_2 - 1/2)**2")
    assert names(built.groups["U"]) == ["u1_1", "u1_2", "u2_1", "u2_2"]
    assert names(built.groups["V"]) == ["v1_1", "v1_2", "v2_1", "v2_2", "v3_1", "v3_2"]
    assert built.groups["all"] == built.groups["U"] + built.groups["V"]
    assert built.description == "matrix-factorization 2x3, rank 2, square loss, 2 observed entries"


def test_every_kind_builds_and_has_all() -> None:
    examples: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
        "linear-regression": ({}, {"x": [1], "y": [1]}),
        "logistic-regression": ({}, {"x": [1], "y": [1]}),
        "softmax-regression": ({"classes": 2}, {"x": [1], "y": [1]}),
        "mlp": ({"layers": [1, 1, 1], "activation": "relu"}, {"x": [1], "y": [1]}),
        "linear-network": ({"layers": [1, 1, 1]}, {"x": [1], "y": [1]}),
        "rbf-network": ({"centres": [0], "width": 1}, {"x": [1], "y": [1]}),
        "matrix-factorization": ({"shape": [1, 1], "rank": 1}, {"entries": [[1, 1, 1]]}),
    }
    assert set(examples) == set(KINDS)
    for kind, (model, data) in examples.items():
        built = build_model({"kind": kind, **model}, data)
        assert built.groups["all"], kind
        assert all(built.groups.values()), kind
        assert built.function.free_symbols <= set(built.groups["all"]), kind


# ---------------------------------------------------------------------- symmetry


def test_swap_units_lists_both_directions_sorted() -> None:
    model = {"kind": "mlp", "layers": [2, 3, 1], "activation": "tanh"}
    sub = symmetry_substitution(model, {"swap-units": [1, 3], "layer": 1})
    assert [(a.name, b.name) for a, b in sub] == [
        ("b1_1", "b1_3"),
        ("b1_3", "b1_1"),
        ("w1_1_1", "w1_3_1"),
        ("w1_1_2", "w1_3_2"),
        ("w1_3_1", "w1_1_1"),
        ("w1_3_2", "w1_1_2"),
        ("w2_1_1", "w2_1_3"),
        ("w2_1_3", "w2_1_1"),
    ]


@pytest.mark.parametrize(
    ("model", "symmetry"),
    [
        ({"kind": "mlp", "layers": [2, 3, 1], "activation": "tanh"}, {"swap-units": [1, 3]}),
        (
            {"kind": "mlp", "layers": [2, 3, 2, 1], "activation": ["sigmoid", "relu"]},
            {"swap-units": [2, 1], "layer": 2},
        ),
        ({"kind": "linear-network", "layers": [1, 2, 2, 1]}, {"swap-units": [1, 2], "layer": 2}),
        (
            {"kind": "mlp", "layers": [2, 2, 3], "activation": "softplus", "output": "softmax"},
            {"swap-units": [1, 2]},
        ),
    ],
)
def test_swapping_hidden_units_leaves_the_loss_unchanged(
    model: dict[str, Any], symmetry: dict[str, Any]
) -> None:
    data = {"x": [[1, -2], ["1/2", 3]], "y": [1, -1]} if model["layers"][0] == 2 else {}
    if model["layers"][-1] == 3:
        data["y"] = [3, 1]
    built = build_model(model, data or {"points": 2})
    swapped = built.function.xreplace(dict(symmetry_substitution(model, symmetry)))
    assert swapped == built.function  # structurally: SymPy's canonical forms agree


def test_swapping_only_incoming_weights_changes_the_loss() -> None:
    model = {"kind": "mlp", "layers": [2, 3, 1], "activation": "relu"}
    built = build_model(model, DATA)
    full = symmetry_substitution(model, {"swap-units": [1, 3]})
    incoming = {a: b for a, b in full if a.name.startswith("w1_")}
    swapped = built.function.xreplace(incoming)
    point = rational_point(built.groups["all"])
    before, after = at(built.function, point), at(swapped, point)
    assert before.is_Rational and after.is_Rational
    assert before != after
    assert at(built.function.xreplace(dict(full)), point) == before


# --------------------------------------------------------------- the fast paths


def _arguments() -> list[sympy.Expr]:
    w = [make_symbol(f"w{i}") for i in range(1, 7)]
    u = sympy.Add(*[sympy.Rational((-1) ** i * i, 3) * s for i, s in enumerate(w, 1)])
    return [
        w[0],
        -w[0],
        3 * w[0] - 2 * w[1],
        -3 * w[0] + 2 * w[1],
        w[0] - w[1],  # a tie, broken by sort keys
        w[1] - w[0],
        u,
        -u,
        u + 5,
        -u - sympy.Rational(1, 2),
        w[2] * sympy.tanh(u) - w[3] * sympy.exp(w[4]) + sympy.Max(0, w[5]),
        sympy.Rational(-3, 4),
        sympy.S.Zero,
        sympy.log(1 + sympy.exp(w[0])) + w[1],  # a log term: SymPy's exp is used
        2 * sympy.log(1 + sympy.exp(w[0])),
    ]


@pytest.mark.parametrize(
    ("fast_build", "reference"),
    [
        (fast.tanh, sympy.tanh),
        (fast.relu, lambda u: sympy.Max(0, u)),
        (fast.exp_, sympy.exp),
        (fast.sigmoid, lambda u: 1 / (1 + sympy.exp(-u))),
        (fast.softplus, lambda u: sympy.log(1 + sympy.exp(u))),
    ],
)
def test_fast_constructors_build_what_sympy_builds(
    fast_build: Callable[[sympy.Expr], sympy.Expr],
    reference: Callable[[sympy.Expr], sympy.Expr],
) -> None:
    for u in _arguments():
        assert fast_build(u) == reference(u), u


def test_fast_product_is_the_canonical_product() -> None:
    w, v = make_symbol("w1"), make_symbol("v1")
    for value in (
        sympy.Rational(3, 2),
        sympy.S.One,
        sympy.S.Zero,
        -sympy.S.One,
        fast.sigmoid(w + 2 * v),
        fast.exp_(-(w**2)),
        1 / (1 + w),
        w**2,
        sympy.exp(sympy.Rational(-1, 2)),
        fast.tanh(-v),
    ):
        assert fast.times(v, value) == sympy.Mul(v, value), value


# ------------------------------------------------------------------------- errors

GOOD_MLP: dict[str, Any] = {"kind": "mlp", "layers": [2, 2, 1], "activation": "tanh"}
GOOD_DATA: dict[str, Any] = {"x": [[1, 2], [3, 4]], "y": [1, 0]}


def mlp(**changes: Any) -> dict[str, Any]:
    return {**GOOD_MLP, **changes}


def data(**changes: Any) -> dict[str, Any]:
    return {**GOOD_DATA, **changes}


@pytest.mark.parametrize(
    ("model", "data_table", "field", "words"),
    [
        ("mlp", GOOD_DATA, "model", "expected a table"),
        (GOOD_MLP, [1, 2], "data", "expected a table"),
        ({"layers": [1, 1]}, GOOD_DATA, "model.kind", "missing"),
        ({"kind": "cnn"}, GOOD_DATA, "model.kind", "found 'cnn'"),
        ({"kind": 3}, GOOD_DATA, "model.kind", "found int 3"),
        (mlp(activation="gelu"), GOOD_DATA, "model.activation", "found 'gelu'"),
        (mlp(activation=["tanh", "relu"]), GOOD_DATA, "model.activation", "one activation per"),
        ({"kind": "mlp", "layers": [2, 2, 1]}, GOOD_DATA, "model.activation", "missing"),
        (mlp(activaton="relu"), GOOD_DATA, "model.activaton", "unknown key"),
        (mlp(layers=[3, 2, 1]), GOOD_DATA, "data.x", "expected 3"),
        (mlp(layers=[2]), GOOD_DATA, "model.layers", "2 to 33"),
        (mlp(layers=[2, 0, 1]), GOOD_DATA, "model.layers", "from 1 to 4096"),
        (mlp(layers=[2, 5000, 1]), GOOD_DATA, "model.layers", "from 1 to 4096"),
        (mlp(layers=[2, 1.5, 1]), GOOD_DATA, "model.layers", "found float"),
        (mlp(layers=[2, True, 1]), GOOD_DATA, "model.layers", "found bool"),
        (mlp(layers=[1024, 1024, 1024, 1]), GOOD_DATA, "model.layers", "trainable parameters"),
        (mlp(layers=[2, 60, 60, 1]), {"points": 1000}, "model.layers", "expression terms"),
        (mlp(bias="yes"), GOOD_DATA, "model.bias", "true or false"),
        (mlp(l2=-1), GOOD_DATA, "model.l2", ">= 0"),
        (mlp(l2=True), GOOD_DATA, "model.l2", "bool"),
        (mlp(output="softmax", loss="square"), GOOD_DATA, "model.output", "'softmax'"),
        (mlp(loss="cross-entropy"), GOOD_DATA, "model.layers", "at least two outputs"),
        (mlp(layers=[2, 2, 2], loss="hinge"), GOOD_DATA, "model.layers", "exactly one"),
        (mlp(labels="pm1"), GOOD_DATA, "model.labels", "logistic and hinge"),
        (mlp(layers=[2, 1], activation="tanh"), GOOD_DATA, "model.activation", "no hidden"),
        (
            {"kind": "linear-network", "layers": [2, 1], "activation": "relu"},
            GOOD_DATA,
            "model.activation",
            "unknown key",
        ),
        (GOOD_MLP, data(z=1), "data.z", "unknown key"),
        (GOOD_MLP, data(x=[[1, 2], [3]]), "data.x", "point 2 has 1 number"),
        (GOOD_MLP, data(x=[[1, 2], 3]), "data.x", "ragged"),
        (GOOD_MLP, data(x=[[1, 2], [3, "abc"]]), "data.x", "'abc'"),
        (GOOD_MLP, data(x=[[1, 2], [3, True]]), "data.x", "bool"),
        (GOOD_MLP, data(x=[[1, 2], [3, None]]), "data.x", "NoneType"),
        (GOOD_MLP, data(x=[[1, 2], [3, float("nan")]]), "data.x", "finite"),
        (GOOD_MLP, data(x=[[1, 2], [3, float("inf")]]), "data.x", "finite"),
        (GOOD_MLP, data(x=[[1, 2], [3, "inf"]]), "data.x", "number"),
        (GOOD_MLP, data(x=[]), "data.x", "at least one"),
        (GOOD_MLP, data(x="1, 2"), "data.x", "found str"),
        (GOOD_MLP, data(y=[1]), "data.y", "one target per data point (2), found 1"),
        (GOOD_MLP, data(y=[1, False]), "data.y", "bool"),
        (GOOD_MLP, data(y=[1, [2]]), "data.y", "expected a number"),
        (GOOD_MLP, {"x": [[1, 2]]}, "data.y", "missing"),
        (GOOD_MLP, {"y": [1]}, "data.x", "missing"),
        (GOOD_MLP, {"points": 0}, "data.points", "from 1 to 1000"),
        (GOOD_MLP, {"points": 1001}, "data.points", "from 1 to 1000"),
        (GOOD_MLP, {"points": 2, "x": [[1, 2]]}, "data.x", "not both"),
        (mlp(loss="logistic"), data(y=[1, -1]), "data.y", "0 or 1"),
        (mlp(loss="logistic", labels="pm1"), data(y=[1, 0]), "data.y", "-1 or 1"),
        (mlp(loss="hinge"), data(y=[1, 0]), "data.y", "-1 or 1"),
        (mlp(layers=[2, 2, 3], output="softmax"), data(y=[1, 4]), "data.y", "from 1 to 3"),
        (mlp(layers=[2, 2, 3], output="softmax"), data(y=[1, 1.5]), "data.y", "float"),
        (mlp(layers=[2, 2, 2]), data(y=[[1, 2], [3]]), "data.y", "row of 2 numbers"),
        ({"kind": "linear-regression"}, {"points": 3}, "model.inputs", "symbolic data"),
        ({"kind": "linear-regression", "loss": "hinge"}, GOOD_DATA, "model.loss", "'square'"),
        ({"kind": "linear-regression", "classes": 2}, GOOD_DATA, "model.classes", "unknown"),
        ({"kind": "softmax-regression"}, GOOD_DATA, "model.classes", "missing"),
        ({"kind": "linear-regression", "inputs": 3}, GOOD_DATA, "data.x", "expected 3"),
        (
            {"kind": "rbf-network", "centres": [[0, 0]], "width": 0},
            GOOD_DATA,
            "model.width",
            "positive",
        ),
        (
            {"kind": "rbf-network", "centres": [[0, 0]], "width": [1, 2]},
            GOOD_DATA,
            "model.width",
            "one width per centre",
        ),
        (
            {"kind": "rbf-network", "centres": [[0, 0], [1]], "width": 1},
            GOOD_DATA,
            "model.centres",
            "ragged",
        ),
        (
            {"kind": "rbf-network", "centres": [[0]], "width": 1},
            GOOD_DATA,
            "data.x",
            "model.centres",
        ),
        (
            {"kind": "matrix-factorization", "shape": [2, 2], "rank": 1},
            {"entries": [[1, 3, 1]]},
            "data.entries",
            "from 1 to 2",
        ),
        (
            {"kind": "matrix-factorization", "shape": [2, 2], "rank": 1},
            {"entries": [[1, 1, 1], [1, 1, 2]]},
            "data.entries",
            "twice",
        ),
        (
            {"kind": "matrix-factorization", "shape": [2, 2], "rank": 1},
            {"entries": [[1, 1]]},
            "data.entries",
            "[i, j, value]",
        ),
        (
            {"kind": "matrix-factorization", "shape": [9000, 9000], "rank": 1},
            {"entries": [[1, 1, 1]]},
            "model.rank",
            "trainable parameters",
        ),
    ],
)
def test_bad_specs_name_the_field(model: Any, data_table: Any, field: str, words: str) -> None:
    with pytest.raises(ModelError) as info:
        build_model(model, data_table)
    assert info.value.field == field, str(info.value)
    assert words in info.value.message
    assert isinstance(info.value, ConvexityProofsError)


def test_unknown_activation_message_lists_the_choices() -> None:
    with pytest.raises(ModelError) as info:
        build_model(mlp(activation="gelu"), GOOD_DATA)
    assert info.value.message == (
        "expected one of 'identity', 'relu', 'sigmoid', 'softplus', 'tanh', found 'gelu'"
    )


@pytest.mark.parametrize(
    ("model", "symmetry", "field", "words"),
    [
        (GOOD_MLP, {"swap-units": [1, 3]}, "symmetry.swap-units", "from 1 to 2"),
        (GOOD_MLP, {"swap-units": [0, 1]}, "symmetry.swap-units", "from 1 to 2"),
        (GOOD_MLP, {"swap-units": [2, 2]}, "symmetry.swap-units", "two different units"),
        (GOOD_MLP, {"swap-units": [1, 2, 3]}, "symmetry.swap-units", "found 3"),
        (GOOD_MLP, {"swap-units": "1,2"}, "symmetry.swap-units", "found str"),
        (GOOD_MLP, {"swap-units": [1, 2], "layer": 2}, "symmetry.layer", "from 1 to 1"),
        (GOOD_MLP, {"layer": 1}, "symmetry.swap-units", "missing"),
        (GOOD_MLP, {"swap-units": [1, 2], "units": 1}, "symmetry.units", "unknown key"),
        (GOOD_MLP, [1, 2], "symmetry", "expected a table"),
        (
            mlp(layers=[2, 1], activation=None) | {"activation": "tanh"},
            {"swap-units": [1, 2]},
            "model.activation",
            "no hidden",
        ),
        ({"kind": "mlp", "layers": [2, 1]}, {"swap-units": [1, 2]}, "symmetry", "no hidden"),
        (
            {"kind": "rbf-network", "centres": [0], "width": 1},
            {"swap-units": [1, 2]},
            "symmetry",
            "mlp or linear-network",
        ),
        (mlp(activation="gelu"), {"swap-units": [1, 2]}, "model.activation", "gelu"),
    ],
)
def test_bad_symmetries_name_the_field(model: Any, symmetry: Any, field: str, words: str) -> None:
    with pytest.raises(ModelError) as info:
        symmetry_substitution(model, symmetry)
    assert info.value.field == field, str(info.value)
    assert words in info.value.message


def test_numbers_are_exact_fractions() -> None:
    built = build_model({"kind": "linear-regression", "bias": False}, {"x": [0.3], "y": [0]})
    (term,) = sympy.Add.make_args(built.function)
    assert term == sympy.Rational(9, 100) * make_symbol("w1") ** 2
    assert Fraction(repr(0.3)) == Fraction(3, 10)
