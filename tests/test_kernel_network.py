"""The network kernel against the scalar loss: every activation, loss and head.

Each case builds today's scalar claim from a model table (``build_claim``: its function
is the whole loss as one SymPy expression) and the network structure the same claim
carries; at a dyadic point the Arb enclosure must contain the SymPy loss there
(substituted exactly, evaluated to 50 digits), and along a dyadic direction the
second directional derivative must contain d²/ds² f(θ + s·v) at s = 0 differentiated
symbolically.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import pytest
import sympy
from flint import arb, ctx, fmpq

from convexity_proofs._claimfile import build_claim
from convexity_proofs._structure import (
    Block,
    NetworkStructure,
    NumericData,
    ParameterLayout,
    ParameterVector,
)
from convexity_proofs.kernel import network as K
from convexity_proofs.kernel.witness_values import enclosure_of_ball

X3 = [[1, "1/2"], [0, 1], [-1, "1/3"]]
X3_DYADIC = [[1, "1/2"], [0, 1], [-1, "3/4"]]
PM1 = [1, -1, 1]

CASES: dict[str, tuple[dict, dict]] = {
    **{
        f"mlp-{act}-square": (
            {"kind": "mlp", "layers": [2, 2, 1], "activation": act},
            {"x": X3, "y": [1, 0, 1]},
        )
        for act in ("identity", "relu", "sigmoid", "tanh", "softplus")
    },
    "mlp-sigmoid-head-square-l2": (
        {
            "kind": "mlp",
            "layers": [2, 2, 1],
            "activation": "tanh",
            "output": "sigmoid",
            "loss": "square",
            "l2": "1/3",
        },
        {"x": X3, "y": [1, 0, 1]},
    ),
    "mlp-logistic-01": (
        {"kind": "mlp", "layers": [2, 2, 1], "activation": "softplus", "output": "sigmoid"},
        {"x": X3, "y": [1, 0, 1]},
    ),
    "mlp-logistic-pm1-nobias": (
        {
            "kind": "mlp",
            "layers": [2, 2, 1],
            "activation": "tanh",
            "output": "sigmoid",
            "loss": "logistic",
            "labels": "pm1",
            "bias": False,
        },
        {"x": X3, "y": PM1},
    ),
    "mlp-hinge": (
        {"kind": "mlp", "layers": [2, 2, 1], "activation": "relu", "loss": "hinge"},
        {"x": X3_DYADIC, "y": PM1},
    ),
    "mlp-softmax-cross-entropy": (
        {"kind": "mlp", "layers": [2, 2, 3], "activation": "sigmoid", "output": "softmax"},
        {"x": X3, "y": [1, 3, 2]},
    ),
    "mlp-identity-head-cross-entropy-l2": (
        {
            "kind": "mlp",
            "layers": [2, 2, 3],
            "activation": "tanh",
            "loss": "cross-entropy",
            "l2": "1/4",
        },
        {"x": X3, "y": [2, 3, 1]},
    ),
    "mlp-deep-mixed-two-outputs": (
        {"kind": "mlp", "layers": [2, 3, 2, 2], "activation": ["tanh", "relu"]},
        {"x": X3_DYADIC, "y": [[1, 2], [0, 1], [3, "1/2"]]},
    ),
    "linear-network-nobias": (
        {"kind": "linear-network", "layers": [2, 2, 1], "bias": False, "l2": "1/2"},
        {"x": X3, "y": [1, 0, 1]},
    ),
    "linear-regression-l2": (
        {"kind": "linear-regression", "l2": "1/5"},
        {"x": X3, "y": [1, "2/3", 1]},
    ),
    "logistic-regression-01": ({"kind": "logistic-regression"}, {"x": X3, "y": [1, 0, 1]}),
    "logistic-regression-pm1": (
        {"kind": "logistic-regression", "labels": "pm1", "bias": False},
        {"x": X3, "y": PM1},
    ),
    "logistic-regression-square": (
        {"kind": "logistic-regression", "loss": "square"},
        {"x": X3, "y": [1, 0, 1]},
    ),
    "softmax-regression-l2": (
        {"kind": "softmax-regression", "classes": 3, "l2": "1/2"},
        {"x": X3, "y": [1, 3, 2]},
    ),
}


def _two_rows(case: tuple[dict, dict]) -> tuple[dict, dict]:
    """The case on its first two rows (symbolic differentiation is the slow part)."""
    model, data = case
    return model, {"x": data["x"][:2], "y": data["y"][:2]}


def _claim(model: dict, data: dict):  # type: ignore[no-untyped-def]
    return build_claim(
        {"name": "n", "model": model, "data": data, "variables": "all", "property": "convex"}
    )


def _vector(rng: np.random.Generator, size: int, bound: int, exponent: int) -> ParameterVector:
    return ParameterVector(rng.integers(-bound, bound + 1, size), exponent)


def _symbols(claim, net: NetworkStructure) -> list[sympy.Symbol]:  # type: ignore[no-untyped-def]
    by_name = {s.name: s for s in claim.variables}
    return [by_name[net.layout.name(i)] for i in range(net.layout.size)]


def _reference(value: sympy.Expr) -> arb:
    """The exact value as a ball: exact rationals exactly, else 50 digits with a
    generous radius."""
    if value.is_Rational:
        with ctx.workprec(256):
            return +arb(fmpq(int(value.p), int(value.q)))
    text = str(sympy.N(value, 50))
    with ctx.workprec(256):
        ball = arb(text)
        return ball + arb(0, 1e-40 * (1 + abs(float(ball))))


def _loss_at(claim, symbols: list[sympy.Symbol], theta: ParameterVector) -> sympy.Expr:  # type: ignore[no-untyped-def]
    env = {s: sympy.Rational(theta.value(i)) for i, s in enumerate(symbols)}
    return claim.function.xreplace(env)


def _second_along(
    claim,  # type: ignore[no-untyped-def]
    symbols: list[sympy.Symbol],
    theta: ParameterVector,
    v: ParameterVector,
) -> sympy.Expr:
    s = sympy.Symbol("s_line", real=True)
    env = {
        sym: sympy.Rational(theta.value(i)) + s * sympy.Rational(v.value(i))
        for i, sym in enumerate(symbols)
    }
    return sympy.diff(claim.function.xreplace(env), s, 2).xreplace({s: sympy.S.Zero})


@pytest.mark.parametrize("name", sorted(CASES))
def test_loss_ball_contains_the_scalar_loss(name: str) -> None:
    claim = _claim(*CASES[name])
    net = claim.model.network
    assert net is not None
    symbols = _symbols(claim, net)
    rng = np.random.default_rng(7)
    for _ in range(2):
        theta = _vector(rng, net.layout.size, 12, 3)
        ball = K.loss_ball(net, theta, 64)
        ref = _reference(_loss_at(claim, symbols, theta))
        assert ball.contains(ref), (name, ball, ref)
        assert float(ball.rad()) < 1e-10 * (1 + abs(float(ball.mid())))
        # a different point gives a different value (the test is not vacuous)
        nudged = theta.numerators.copy()
        nudged[-1] += 1  # the last bias (or weight) moves every score
        other = ParameterVector(nudged, theta.exponent)
        assert not K.loss_ball(net, other, 64).contains(ref)


@pytest.mark.parametrize("name", sorted(CASES))
def test_second_directional_ball_contains_the_symbolic_second_derivative(name: str) -> None:
    claim = _claim(*_two_rows(CASES[name]))
    net = claim.model.network
    assert net is not None
    symbols = _symbols(claim, net)
    rng = np.random.default_rng(11)
    checked = 0
    for _ in range(20):
        theta = _vector(rng, net.layout.size, 12, 3)
        v = _vector(rng, net.layout.size, 4, 2)
        try:
            ball = K.second_directional_ball(net, theta, v, 64)
        except K.NotSmooth:
            continue
        ref = _reference(_second_along(claim, symbols, theta, v))
        assert ball.contains(ref), (name, ball, ref)
        checked += 1
        break
    assert checked == 1


def test_a_direction_in_one_layer_only() -> None:
    claim = _claim(*_two_rows(CASES["mlp-deep-mixed-two-outputs"]))
    net = claim.model.network
    symbols = _symbols(claim, net)
    rng = np.random.default_rng(3)
    theta = _vector(rng, net.layout.size, 12, 3)
    for layer in (1, 2, 3):
        nums = np.zeros(net.layout.size, dtype=np.int64)
        block = net.layout.block(layer, "weights")
        nums[block.offset : block.offset + block.size] = rng.integers(1, 4, block.size)
        v = ParameterVector(nums, 1)
        ball = K.second_directional_ball(net, theta, v, 64)
        assert ball.contains(_reference(_second_along(claim, symbols, theta, v)))


def test_relu_at_a_kink_is_not_smooth_but_has_a_value() -> None:
    claim = _claim(*CASES["mlp-relu-square"])
    net = claim.model.network
    zero = ParameterVector(np.zeros(net.layout.size, dtype=np.int64), 0)
    v = ParameterVector(np.ones(net.layout.size, dtype=np.int64), 0)
    assert K.loss_ball(net, zero, 64) == arb(2)  # (0 - 1)² + 0 + (0 - 1)²
    with pytest.raises(K.NotSmooth, match="ReLU"):
        K.second_directional_ball(net, zero, v, 64)
    assert K.curvature_enclosure(net, zero, v, 64) is None


def test_hinge_at_its_kink_is_not_smooth() -> None:
    claim = _claim({"kind": "mlp", "layers": [1, 1], "loss": "hinge"}, {"x": [[1]], "y": [1]})
    net = claim.model.network
    theta = ParameterVector(np.array([1, 0]), 0)  # z = 1: 1 - y·z = 0
    assert K.loss_ball(net, theta, 64) == 0
    with pytest.raises(K.NotSmooth, match="hinge"):
        K.second_directional_ball(net, theta, ParameterVector(np.array([1, 1]), 0), 64)
    # away from the kink the hinge is linear: no curvature
    off = ParameterVector(np.array([3, 0]), 0)
    assert K.second_directional_ball(net, off, ParameterVector(np.array([1, 1]), 0), 64) == 0


def _hand_built(x: NumericData, y: NumericData) -> NetworkStructure:
    blocks = (
        Block(1, "weights", 2, 2, 0, "w1_{j}_{k}"),
        Block(1, "biases", 2, 1, 4, "b1_{j}"),
        Block(2, "weights", 1, 2, 6, "w2_{j}_{k}"),
        Block(2, "biases", 1, 1, 8, "b2_{j}"),
    )
    layout = ParameterLayout(blocks, {"all": np.arange(9)})
    return NetworkStructure(
        (2, 2, 1), ("tanh",), True, "square", "identity", "real", Fraction(0), x, y, layout
    )


def test_hand_built_structure_matches_the_claim_and_data_radii_widen() -> None:
    rows = tuple(tuple(Fraction(q) for q in row) for row in ((1, "1/2"), (0, 1), (-1, "3/4")))
    x = NumericData.exact(rows, ("x1", "x2"), "inline")
    y = NumericData.exact(((Fraction(1),), (Fraction(0),), (Fraction(1),)), ("y",), "inline")
    net = _hand_built(x, y)
    claim = _claim(
        {"kind": "mlp", "layers": [2, 2, 1], "activation": "tanh"}, {"x": X3_DYADIC, "y": [1, 0, 1]}
    )
    theta = _vector(np.random.default_rng(5), 9, 12, 3)
    mine = K.loss_ball(net, theta, 128)
    theirs = K.loss_ball(claim.model.network, theta, 128)
    assert mine.overlaps(theirs) and abs(float(mine - theirs)) < 1e-30
    # the same numbers read from a file: floats with a radius, no exact fractions
    radius = np.abs(x.values) * 2.0**-53 + 2.0**-1074
    filed = dataclasses.replace(net, x=NumericData(x.values, radius, None, x.columns, "train.csv"))
    wide = K.loss_ball(filed, theta, 128)
    assert wide.contains(mine) and wide.rad() > mine.rad()
    v = _vector(np.random.default_rng(6), 9, 4, 2)
    assert K.second_directional_ball(filed, theta, v, 128).contains(
        K.second_directional_ball(net, theta, v, 128)
    )


def test_exact_file_data_and_sizes() -> None:
    claim = _claim(*CASES["mlp-tanh-square"])
    net = claim.model.network
    with pytest.raises(ValueError, match="entries"):
        K.loss_ball(net, ParameterVector(np.zeros(3, dtype=np.int64), 0), 64)
    theta = _vector(np.random.default_rng(1), net.layout.size, 12, 3)
    with pytest.raises(ValueError, match="differ in size"):
        K.second_directional_ball(net, theta, ParameterVector(np.zeros(2, dtype=np.int64), 0), 64)
    with pytest.raises(ValueError, match="precision"):
        K.loss_ball(net, theta, 0)


def test_precision_is_restored_and_higher_precision_narrows() -> None:
    claim = _claim(*CASES["mlp-sigmoid-square"])
    net = claim.model.network
    theta = _vector(np.random.default_rng(2), net.layout.size, 12, 3)
    before = ctx.prec
    low, high = K.loss_ball(net, theta, 64), K.loss_ball(net, theta, 256)
    assert ctx.prec == before
    assert low.contains(high) and high.rad() < low.rad()


def test_class_labels_must_be_integers() -> None:
    claim = _claim(*CASES["softmax-regression-l2"])
    net = claim.model.network
    bad = NumericData.exact(((Fraction(1, 2),), (Fraction(1),), (Fraction(2),)), ("y",), "inline")
    theta = _vector(np.random.default_rng(2), net.layout.size, 12, 3)
    with pytest.raises(ValueError, match="class label"):
        K.loss_ball(dataclasses.replace(net, y=bad), theta, 64)


def test_midpoint_is_exact_and_reduced() -> None:
    a = ParameterVector(np.array([1, 2, -3]), 2)
    b = ParameterVector(np.array([3, 0, 5]), 1)
    m = K.midpoint(a, b, Fraction(1, 2))
    for i in range(3):
        assert m.value(i) == (a.value(i) + b.value(i)) / 2
    assert np.any(m.numerators % 2 == 1) or m.exponent == 0
    q = K.midpoint(a, b, Fraction(1, 4))
    assert [q.value(i) for i in range(3)] == [
        Fraction(1, 4) * a.value(i) + Fraction(3, 4) * b.value(i) for i in range(3)
    ]
    with pytest.raises(ValueError, match="dyadic"):
        K.midpoint(a, b, Fraction(1, 3))
    same = K.midpoint(a, a, Fraction(1, 2))
    assert [same.value(i) for i in range(3)] == [a.value(i) for i in range(3)]


def test_segment_enclosures_show_the_chord() -> None:
    claim = _claim(*CASES["mlp-tanh-square"])
    net = claim.model.network
    rng = np.random.default_rng(4)
    a, b = _vector(rng, 9, 12, 3), _vector(rng, 9, 12, 3)
    values = K.segment_enclosures(net, a, b, Fraction(1, 2), 64)
    assert values is not None and set(values) == {"f_a", "f_b", "f_m", "chord"}
    assert values["f_a"] == enclosure_of_ball(K.loss_ball(net, a, 64))
    assert values["chord"].lo == (values["f_a"].lo + values["f_b"].lo) / 2
