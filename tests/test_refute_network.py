"""The network refuter: the float pass against the exact scalar loss, and certified
witnesses found on networks whose losses are not convex (none on convex ones)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pytest
import sympy

from convexity_proofs._claimfile import build_claim
from convexity_proofs._structure import ModelClaim, NetworkStructure, NumericData, ParameterVector
from convexity_proofs._values import ModelCurvatureWitness, ModelSegmentWitness
from convexity_proofs.kernel import evaluate
from convexity_proofs.kernel import network as kernel
from convexity_proofs.models._structured import linear_layout, mlp_layout
from convexity_proofs.refuters import network

# ------------------------------------------------------------------------------------------
# Networks built by hand, with the scalar claim of the same model table beside them.

#: id(network) -> (the scalar claim's loss, its symbols in layout order, the network,
#: kept so that its id is not reused).
_SCALAR: dict[int, tuple[sympy.Expr, list[sympy.Symbol], NetworkStructure]] = {}


def _numeric(rows: list[list[Any]], prefix: str) -> NumericData:
    exact = tuple(tuple(Fraction(v) for v in row) for row in rows)
    columns = tuple(f"{prefix}{k + 1}" for k in range(len(rows[0])))
    return NumericData.exact(exact, columns, "inline")


def _build(model: dict[str, Any], x: list[list[Any]], y: list[Any], **options: Any) -> ModelClaim:
    """A ModelClaim of ``model`` on the data, with the scalar claim's loss kept beside it."""
    kind = model["kind"]
    table = {
        "name": "n",
        "model": model,
        "data": {"x": x, "y": y},
        "variables": options.get("variables", "all"),
        "property": "convex",
    }
    claim = build_claim(table)
    bias = model.get("bias", True)
    l2 = Fraction(str(model.get("l2", 0)))
    if kind in ("mlp", "linear-network"):
        layers = tuple(model["layers"])
        hidden = len(layers) - 2
        act = model.get("activation", "identity")
        activations = (act,) * hidden if isinstance(act, str) else tuple(act)
        head = model.get("output", "identity")
        default = {"identity": "square", "sigmoid": "logistic", "softmax": "cross-entropy"}
        loss = model.get("loss", default[head])
        layout = mlp_layout(layers, bias)
    else:
        d = len(x[0])
        softmax = kind == "softmax-regression"
        classes = model.get("classes", 1)
        layers = (d, classes)
        activations = ()
        head = {"linear-regression": "identity", "logistic-regression": "sigmoid"}.get(
            kind, "softmax"
        )
        loss = model.get(
            "loss",
            {"linear-regression": "square", "logistic-regression": "logistic"}.get(
                kind, "cross-entropy"
            ),
        )
        layout = linear_layout(d, classes, bias, softmax)
    labels = {"square": "real", "cross-entropy": "class", "hinge": "pm1"}.get(
        loss, model.get("labels", "01")
    )
    y_rows = [list(v) if isinstance(v, list) else [v] for v in y]
    net = NetworkStructure(
        layers=layers,
        activations=activations,
        bias=bias,
        loss=loss,
        head=head,
        labels=labels,
        l2=l2,
        x=_numeric(x, "x"),
        y=_numeric(y_rows, "y"),
        layout=layout,
    )
    names = layout.names(range(layout.size))
    by_name = {s.name: s for s in claim.variables + claim.parameters}
    symbols = [by_name.get(n, sympy.Symbol(n, real=True)) for n in names]
    selected = np.array(
        [i for i, n in enumerate(names) if n in {s.name for s in claim.variables}], dtype=np.int64
    )
    _SCALAR[id(net)] = (claim.function, symbols, net)
    return ModelClaim(
        kind=kind,
        description=kind,
        network=net,
        template=None,
        selected=selected,
        selected_names=tuple(names[i] for i in selected),
        scalar=False,
    )


def _exact_loss(net: NetworkStructure, theta: ParameterVector) -> float:
    expr, symbols, _ = _SCALAR[id(net)]
    env = {
        s: sympy.Rational(q.numerator, q.denominator)
        for s, q in ((s, theta.value(i)) for i, s in enumerate(symbols))
    }
    return float(expr.xreplace(env).evalf(40))


def _exact_second(net: NetworkStructure, theta: ParameterVector, d: ParameterVector) -> float:
    expr, symbols, _ = _SCALAR[id(net)]
    ball = evaluate.ball_second_derivative(
        expr,
        {s: theta.value(i) for i, s in enumerate(symbols)},
        {s: d.value(i) for i, s in enumerate(symbols)},
        {},
        128,
    )
    assert ball is not None
    return float(ball.mid())


X = [[1, 2], [3, -1], [0, 1], [-2, "1/2"]]
CASES = [
    ({"kind": "mlp", "layers": [2, 3, 1], "activation": "tanh"}, [1, 0, -1, 2]),
    ({"kind": "mlp", "layers": [2, 3, 1], "activation": "sigmoid"}, [1, 0, -1, 2]),
    ({"kind": "mlp", "layers": [2, 3, 1], "activation": "softplus", "l2": "1/3"}, [1, 0, -1, 2]),
    ({"kind": "mlp", "layers": [2, 3, 2], "activation": "relu"}, [[1, 0], [0, 1], [2, 1], [0, 0]]),
    ({"kind": "mlp", "layers": [2, 2, 3, 1], "activation": ["tanh", "sigmoid"]}, [1, 0, 1, 2]),
    (
        {
            "kind": "mlp",
            "layers": [2, 3, 1],
            "activation": "tanh",
            "output": "sigmoid",
            "loss": "square",
        },
        [1, 0, 1, 0],
    ),
    ({"kind": "mlp", "layers": [2, 3, 1], "activation": "tanh", "output": "sigmoid"}, [1, 0, 1, 0]),
    (
        {
            "kind": "mlp",
            "layers": [2, 3, 1],
            "activation": "tanh",
            "output": "sigmoid",
            "labels": "pm1",
        },
        [1, -1, 1, -1],
    ),
    ({"kind": "mlp", "layers": [2, 3, 1], "activation": "tanh", "loss": "hinge"}, [1, -1, 1, -1]),
    ({"kind": "mlp", "layers": [2, 3, 3], "activation": "tanh", "output": "softmax"}, [1, 2, 3, 1]),
    ({"kind": "linear-network", "layers": [2, 2, 2, 1], "bias": False}, [1, 0, -1, 2]),
    ({"kind": "linear-regression", "l2": "1/2"}, [1, 0, -1, 2]),
    ({"kind": "logistic-regression"}, [1, 0, 1, 0]),
    ({"kind": "softmax-regression", "classes": 3}, [1, 2, 3, 1]),
]


def _random_vector(size: int, seed: int, exponent: int = 3) -> ParameterVector:
    rng = np.random.default_rng(seed)
    return ParameterVector(rng.integers(-12, 13, size=size), exponent)


@pytest.mark.parametrize(("model", "y"), CASES, ids=lambda c: str(c)[:60])
def test_float_pass_equals_the_exact_loss(model: dict[str, Any], y: list[Any]) -> None:
    claim = _build(model, X, y)
    net = claim.network
    assert net is not None
    for seed in range(3):
        theta = _random_vector(net.layout.size, seed)
        exact = _exact_loss(net, theta)
        assert network.float_loss(net, theta) == pytest.approx(exact, rel=1e-12, abs=1e-12)
        f, _, _ = network.float_second_directional(net, theta, _random_vector(net.layout.size, 9))
        assert f == pytest.approx(exact, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(("model", "y"), CASES, ids=lambda c: str(c)[:60])
def test_float_second_derivative_equals_the_exact_one(model: dict[str, Any], y: list[Any]) -> None:
    claim = _build(model, X, y)
    net = claim.network
    assert net is not None
    for seed in range(2):
        theta = _random_vector(net.layout.size, seed)
        direction = _random_vector(net.layout.size, seed + 100, 2)
        _, first, second = network.float_second_directional(net, theta, direction)
        h = 2.0**-20
        t, d = theta.floats(), direction.floats()
        slope = (network.float_loss(net, t + h * d) - network.float_loss(net, t - h * d)) / (2 * h)
        assert first == pytest.approx(slope, rel=1e-5, abs=1e-5)
        if model.get("activation") == "relu" or model.get("loss") == "hinge":
            # Piecewise: compare with a second difference away from the kinks.
            f0, fp, fm = (network.float_loss(net, t + s * h * d) for s in (0, 1, -1))
            assert second == pytest.approx((fp - 2 * f0 + fm) / h**2, rel=1e-4, abs=1e-4)
            continue
        assert second == pytest.approx(_exact_second(net, theta, direction), rel=1e-9, abs=1e-9)


# ------------------------------------------------------------------------------------------
# Witnesses


def _scalar_ball(net: NetworkStructure, theta: ParameterVector, prec: int) -> Any:
    expr, symbols, _ = _SCALAR[id(net)]
    return evaluate.ball_value(expr, {s: theta.value(i) for i, s in enumerate(symbols)}, prec)


def _check(witness: Any, claim: ModelClaim, sign: int) -> None:
    """The witness is what it says: recomputed by the network kernel and, independently,
    by Arb evaluation of the scalar SymPy loss of the same model table."""
    net = claim.network
    size = net.layout.size
    free = np.ones(size, dtype=bool)
    free[claim.selected] = False
    if isinstance(witness, ModelSegmentWitness):
        assert witness.relation == (">" if sign > 0 else "<")
        assert witness.t == Fraction(1, 2)
        a, b = witness.a, witness.b
        assert a.numerators.size == b.numerators.size == size
        fa, fb = a.floats(), b.floats()
        assert np.array_equal(fa[free], fb[free])
        assert not np.array_equal(fa, fb)
        e = max(a.exponent, b.exponent)
        total = a.numerators * 2 ** (e - a.exponent) + b.numerators * 2 ** (e - b.exponent)
        mid = ParameterVector(total, e + 1)
        for ball in (kernel.loss_ball, _scalar_ball):
            f_a, f_b, f_m = (ball(net, p, witness.precision) for p in (a, b, mid))
            chord = (f_a + f_b) / 2
            assert (f_m > chord) if sign > 0 else (f_m < chord)
        values = dict(witness.values)
        assert list(values) == ["f_a", "f_b", "f_m", "chord"]
        assert (
            values["chord"].below(values["f_m"])
            if sign > 0
            else (values["f_m"].below(values["chord"]))
        )
        if witness.argument == "permutation":
            assert witness.swap.startswith("units ")
    else:
        assert isinstance(witness, ModelCurvatureWitness)
        assert witness.relation == ("<0" if sign > 0 else ">0")
        assert not np.any(witness.direction.numerators[free])
        assert np.any(witness.direction.numerators)
        ball = kernel.second_directional_ball(
            net, witness.point, witness.direction, witness.precision
        )
        assert (ball < 0) if sign > 0 else (ball > 0)
        expr, symbols, _ = _SCALAR[id(net)]
        scalar = evaluate.ball_second_derivative(
            expr,
            {s: witness.point.value(i) for i, s in enumerate(symbols)},
            {s: witness.direction.value(i) for i, s in enumerate(symbols)},
            {},
            witness.precision,
        )
        assert scalar is not None
        assert (scalar < 0) if sign > 0 else (scalar > 0)
    # A witness survives its JSON.
    again = type(witness).from_json(witness.to_json())
    assert again.to_json() == witness.to_json()


NONCONVEX = [
    ({"kind": "mlp", "layers": [2, 3, 1], "activation": "tanh"}, [1, 0, -1, 2]),
    ({"kind": "mlp", "layers": [2, 3, 1], "activation": "relu"}, [1, 0, -1, 2]),
    ({"kind": "mlp", "layers": [2, 3, 1], "activation": "sigmoid"}, [1, 0, -1, 2]),
    ({"kind": "mlp", "layers": [2, 3, 1], "activation": "softplus"}, [1, 0, -1, 2]),
    ({"kind": "mlp", "layers": [2, 2, 2, 1], "activation": "relu"}, [1, 0, -1, 2]),
    ({"kind": "mlp", "layers": [2, 3, 3], "activation": "tanh", "output": "softmax"}, [1, 2, 3, 1]),
    ({"kind": "mlp", "layers": [2, 3, 1], "activation": "tanh", "output": "sigmoid"}, [1, 0, 1, 0]),
    ({"kind": "linear-network", "layers": [2, 2, 1]}, [1, 0, -1, 2]),
    ({"kind": "linear-network", "layers": [2, 2, 2, 1], "bias": False}, [1, 0, -1, 2]),
]


@pytest.mark.parametrize("sign", [1, -1])
@pytest.mark.parametrize(("model", "y"), NONCONVEX, ids=lambda c: str(c)[:60])
def test_witness_found(model: dict[str, Any], y: list[Any], sign: int) -> None:
    claim = _build(model, X, y)
    witness = network.find_network_witness(claim, sign, seed=0)
    assert witness is not None
    _check(witness, claim, sign)
    if claim.network.depth >= 2:
        assert isinstance(witness, ModelSegmentWitness)
        assert witness.argument == "permutation"


def test_permutation_on_a_deeper_hidden_layer() -> None:
    model = {"kind": "mlp", "layers": [2, 3, 3, 1], "activation": "tanh"}
    claim = _build(model, X, [1, 0, -1, 2], variables=["layer2", "layer3"])
    witness = network.find_network_witness(claim, 1, seed=0)
    assert isinstance(witness, ModelSegmentWitness)
    assert witness.argument == "permutation"
    assert witness.swap.endswith("of hidden layer 2")
    _check(witness, claim, 1)


@pytest.mark.parametrize(
    ("variables", "model"),
    [
        (["layer1"], {"kind": "mlp", "layers": [2, 3, 1], "activation": "tanh"}),
        (
            ["w1_1_1", "w1_2_1", "w2_1_1"],
            {"kind": "mlp", "layers": [2, 3, 1], "activation": "tanh"},
        ),
        (["weights"], {"kind": "mlp", "layers": [2, 3, 1], "activation": "relu"}),
        (["layer1"], {"kind": "mlp", "layers": [2, 3, 1], "activation": "relu"}),
    ],
)
def test_witness_in_selected_coordinates_only(variables: list[str], model: dict) -> None:
    claim = _build(model, X, [1, 0, -1, 2], variables=variables)
    assert 0 < claim.selected.size < claim.network.layout.size
    witness = network.find_network_witness(claim, 1, seed=3)
    assert witness is not None
    _check(witness, claim, 1)
    if variables == ["weights"]:
        # Biases are parameters: the swapped units get equal biases, and the swap applies.
        assert isinstance(witness, ModelSegmentWitness)
        assert witness.argument == "permutation"


@pytest.mark.parametrize(
    ("model", "y", "variables"),
    [
        ({"kind": "linear-regression"}, [1, 0, -1, 2], "all"),
        ({"kind": "linear-regression", "l2": "1/4"}, [1, 0, -1, 2], "all"),
        ({"kind": "logistic-regression"}, [1, 0, 1, 0], "all"),
        ({"kind": "softmax-regression", "classes": 3}, [1, 2, 3, 1], "all"),
        # The square loss is convex in the output layer (a linear model on features).
        ({"kind": "mlp", "layers": [2, 3, 1], "activation": "tanh"}, [1, 0, -1, 2], ["output"]),
    ],
)
def test_no_witness_for_convex_losses(model: dict, y: list[Any], variables: Any) -> None:
    claim = _build(model, X, y, variables=variables)
    assert network.find_network_witness(claim, 1, seed=0) is None


def test_linear_regression_is_not_concave() -> None:
    claim = _build({"kind": "linear-regression"}, X, [1, 0, -1, 2])
    witness = network.find_network_witness(claim, -1, seed=0)
    assert witness is not None
    _check(witness, claim, -1)


@pytest.mark.parametrize("variables", ["all", ["layer1"]])
def test_same_seed_same_witness(variables: Any) -> None:
    model = {"kind": "mlp", "layers": [2, 3, 1], "activation": "tanh"}
    first = network.find_network_witness(
        _build(model, X, [1, 0, -1, 2], variables=variables), 1, seed=7
    )
    second = network.find_network_witness(
        _build(model, X, [1, 0, -1, 2], variables=variables), 1, seed=7
    )
    assert first is not None and second is not None
    assert first.to_json() == second.to_json()


def test_one_try_is_enough_for_the_permutation_argument() -> None:
    claim = _build({"kind": "mlp", "layers": [2, 3, 1], "activation": "tanh"}, X, [1, 0, -1, 2])
    witness = network.find_network_witness(claim, 1, seed=5, tries=1)
    assert isinstance(witness, ModelSegmentWitness)
    _check(witness, claim, 1)


def test_deadline_expired_gives_nothing() -> None:
    class Expired:
        def expired(self) -> bool:
            return True

    claim = _build({"kind": "mlp", "layers": [2, 3, 1], "activation": "tanh"}, X, [1, 0, -1, 2])
    assert network.find_network_witness(claim, 1, seed=0, deadline=Expired()) is None
