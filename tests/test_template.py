"""Template proofs (convexity_proofs.provers.template): a linear model's loss proved from
one row's template, the data ranging over a box that holds every row.

Templates are built here by hand (:func:`template_structure`) with the formulas of
convexity_proofs.models._losses and the data symbols ``x_1..x_d``, ``y`` (or the
one-hot ``y_1..y_k``), and compared with the scalar path (the whole loss expanded
by ``build_claim`` and decided by ``check_claim``) on small sizes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import pytest
import sympy

from convexity_proofs._claimfile import build_claim
from convexity_proofs._engine import Settings, check_claim
from convexity_proofs._parser import make_symbol
from convexity_proofs._proof import ProofStep, TemplateFact, step_from_json
from convexity_proofs._structure import MODEL_LOSS, ModelClaim, NumericData, TemplateStructure
from convexity_proofs._values import Status
from convexity_proofs.checker._core import Checker
from convexity_proofs.checker.template import replay_template_step
from convexity_proofs.kernel.expressions import ExpressionReader, ExpressionTable
from convexity_proofs.models._build import affine
from convexity_proofs.models._functions import logsumexp, sigmoid, softplus
from convexity_proofs.provers.template import prove_template, reduce_template

Q = Fraction
SETTINGS = Settings()
NEG = sympy.S.NegativeOne


# --- building templates by hand -------------------------------------------------------


def template_structure(
    template: sympy.Expr,
    data_symbols: Sequence[sympy.Symbol],
    rows: Sequence[Sequence[object]] | np.ndarray,
    parameters: Sequence[sympy.Symbol],
    regulariser: sympy.Expr = sympy.S.Zero,
) -> TemplateStructure:
    """A TemplateStructure: exact rows (inline numbers) or a float array."""
    columns = tuple(s.name for s in data_symbols)
    if isinstance(rows, np.ndarray):
        data = NumericData(rows, None, None, columns, "test")
    else:
        exact = tuple(tuple(Q(v) for v in row) for row in rows)  # type: ignore[arg-type]
        data = NumericData.exact(exact, columns, "inline")
    return TemplateStructure(template, tuple(data_symbols), data, regulariser, tuple(parameters))


def model_claim(structure: TemplateStructure, selected: Sequence[int] | None = None) -> ModelClaim:
    indices = range(len(structure.parameters)) if selected is None else selected
    return ModelClaim(
        kind="test",
        description="a template by hand",
        network=None,
        template=structure,
        selected=np.array(list(indices), dtype=np.int64),
        selected_names=tuple(structure.parameters[i].name for i in indices),
        scalar=False,
    )


def linear(d: int) -> tuple[list[sympy.Symbol], sympy.Symbol, list[sympy.Symbol], sympy.Expr]:
    w = [make_symbol(f"w{j}") for j in range(1, d + 1)]
    b = make_symbol("b")
    x = [make_symbol(f"x_{j}") for j in range(1, d + 1)]
    return w, b, x, affine(w, x, b)


Y = make_symbol("y")


def logistic01(d: int) -> tuple[sympy.Expr, list[sympy.Symbol], list[sympy.Symbol]]:
    """softplus(z) − y·z, labels 0/1."""
    w, b, x, z = linear(d)
    return sympy.Add(softplus(z), sympy.Mul(NEG, Y, z)), [*w, b], [*x, Y]


def logistic_pm1(d: int) -> tuple[sympy.Expr, list[sympy.Symbol], list[sympy.Symbol]]:
    """softplus(−y·z), labels −1/1."""
    w, b, x, z = linear(d)
    return softplus(sympy.Mul(NEG, Y, z)), [*w, b], [*x, Y]


def square(d: int) -> tuple[sympy.Expr, list[sympy.Symbol], list[sympy.Symbol]]:
    """(z − y)²."""
    w, b, x, z = linear(d)
    return sympy.Pow(sympy.Add(z, sympy.Mul(NEG, Y)), 2), [*w, b], [*x, Y]


def sigmoid_square(d: int) -> tuple[sympy.Expr, list[sympy.Symbol], list[sympy.Symbol]]:
    """(sigmoid(z) − y)²: not convex."""
    w, b, x, z = linear(d)
    return sympy.Pow(sympy.Add(sigmoid(z), sympy.Mul(NEG, Y)), 2), [*w, b], [*x, Y]


def softmax(k: int, d: int) -> tuple[sympy.Expr, list[sympy.Symbol], list[sympy.Symbol]]:
    """log Σ_c exp(z_c) − Σ_c y_c·z_c with one-hot y_1..y_k."""
    w = [[make_symbol(f"w{c}_{j}") for j in range(1, d + 1)] for c in range(1, k + 1)]
    b = [make_symbol(f"b{c}") for c in range(1, k + 1)]
    x = [make_symbol(f"x_{j}") for j in range(1, d + 1)]
    y = [make_symbol(f"y_{c}") for c in range(1, k + 1)]
    z = [affine(w[c], x, b[c]) for c in range(k)]
    picked = [sympy.Mul(NEG, y[c], z[c]) for c in range(k)]
    return sympy.Add(logsumexp(z), *picked), [s for row in w for s in row] + b, [*x, *y]


TENTH = sympy.Rational(1, 10)


def l2(weights: Sequence[sympy.Symbol], c: sympy.Rational = TENTH) -> sympy.Expr:
    return sympy.Add(*(sympy.Mul(c, w**2) for w in weights))


ROWS01 = [[1, 2, 1], [3, -1, 0], [0, "1/2", 1], [-2, 1, 0]]
ROWS_PM1 = [[1, 2, 1], [3, -1, -1], [0, "1/2", 1], [-2, 1, -1]]
ROWS_REAL = [[1, 2, "3/2"], [3, -1, -2], [0, "1/2", 7]]


def replays(step: ProofStep, model: ModelClaim) -> str:
    return replay_template_step(step, model, Checker())


# --- proofs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "rows"),
    [(logistic01, ROWS01), (logistic_pm1, ROWS_PM1), (square, ROWS_REAL)],
    ids=["logistic-01", "logistic-pm1", "least-squares"],
)
def test_linear_models_are_proved_convex(build, rows) -> None:
    template, parameters, data = build(2)
    model = model_claim(template_structure(template, data, rows, parameters))
    step = prove_template(model, 1, SETTINGS)
    assert isinstance(step, ProofStep), step
    assert (step.rule, step.subject, step.conclusion) == ("template-sum", MODEL_LOSS, "convex")
    (fact,) = step.facts
    assert isinstance(fact, TemplateFact)
    assert fact.rows == len(rows) and fact.digest == model.template.data.digest
    assert fact.template == template and fact.regulariser_method == "squares"
    # Every row lies in the box.
    for j, (s, lo, hi) in enumerate(fact.box):
        assert s == data[j]
        assert all(lo <= Q(row[j]) <= hi for row in rows)
    assert step.children and all(c.subject == fact.reduced for c in step.children)
    assert replays(step, model) == "convex"


def test_rounded_data_are_enclosed_by_the_box() -> None:
    """Decimals read from a file are floats within a radius: the box holds the radius."""
    template, parameters, data = logistic01(2)
    values = np.array([[0.1, -0.3, 1.0], [2.7, 0.2, 0.0]])
    radius = np.abs(values) * 2.0**-53 + 2.0**-1074
    structure = TemplateStructure(
        template,
        tuple(data),
        NumericData(values, radius, None, ("a", "b", "y"), "file.csv"),
        sympy.S.Zero,
        tuple(parameters),
    )
    model = model_claim(structure)
    step = prove_template(model, 1, SETTINGS)
    assert isinstance(step, ProofStep), step
    (fact,) = step.facts
    _, lo, hi = fact.box[0]
    assert lo < Q(0.1) and Q(2.7) < hi
    assert replays(step, model) == "convex"


def test_the_template_is_reduced_to_a_function_of_affine_scores() -> None:
    template, parameters, _ = logistic01(3)
    g, scores = reduce_template(template, frozenset(parameters))
    z = affine(parameters[:3], [make_symbol(f"x_{j}") for j in (1, 2, 3)], parameters[3])
    # softplus(z) and −y·z: the largest affine subtrees are z and −y·z.
    assert {a for _, a in scores} == {z, sympy.Mul(NEG, Y, z)}
    assert [u.name for u, _ in scores] == ["_z1", "_z2"]
    assert not (g.free_symbols & set(parameters))
    assert g.free_symbols == {u for u, _ in scores}


def test_softmax_regression_is_proved_convex_and_not_concave() -> None:
    template, parameters, data = softmax(3, 2)
    rows = [[1, 0, 1, 0, 0], [0, 1, 0, 1, 0], [1, 1, 0, 0, 1], ["1/3", -2, 0, 1, 0]]
    model = model_claim(template_structure(template, data, rows, parameters))
    step = prove_template(model, 1, SETTINGS)
    assert isinstance(step, ProofStep), step
    assert replays(step, model) == "convex"
    (fact,) = step.facts
    assert len(fact.scores) == 6  # three scores in the log-sum-exp, three −y_c·z_c
    concave = prove_template(model, -1, SETTINGS)
    assert isinstance(concave, str)
    assert "proves nothing about the sum" in concave


def test_l2_is_decided_as_a_sum_of_squares() -> None:
    template, parameters, data = logistic01(2)
    regulariser = l2(parameters[:2])
    model = model_claim(template_structure(template, data, ROWS01, parameters, regulariser))
    step = prove_template(model, 1, SETTINGS)
    assert isinstance(step, ProofStep), step
    (fact,) = step.facts
    assert fact.regulariser == regulariser and fact.regulariser_method == "squares"
    assert replays(step, model) == "convex"
    # A positive l2 term is not concave: the concave question is not proved.
    linear_template = sympy.Add(*parameters[:2])  # affine: concave and convex
    affine_model = model_claim(
        template_structure(linear_template, data, ROWS01, parameters, regulariser)
    )
    assert isinstance(prove_template(affine_model, 1, SETTINGS), ProofStep)
    assert "regulariser" in prove_template(affine_model, -1, SETTINGS)  # type: ignore[operator]


def test_an_affine_template_is_proved_concave_and_convex() -> None:
    w, b, x, z = linear(2)
    model = model_claim(template_structure(sympy.Mul(NEG, Y, z), [*x, Y], ROWS01, [*w, b]))
    for sign, what in ((1, "convex"), (-1, "concave")):
        step = prove_template(model, sign, SETTINGS)
        assert isinstance(step, ProofStep), step
        assert replays(step, model) == what


def test_another_regulariser_gets_its_own_proof() -> None:
    template, parameters, data = square(2)
    w1, w2 = parameters[:2]
    regulariser = sympy.Add(sympy.Pow(w1, 4), sympy.exp(w2))
    model = model_claim(template_structure(template, data, ROWS_REAL, parameters, regulariser))
    step = prove_template(model, 1, SETTINGS)
    assert isinstance(step, ProofStep), step
    (fact,) = step.facts
    assert fact.regulariser_method == "proof" and fact.regulariser_definedness
    assert any(c.subject == regulariser for c in step.children)
    assert replays(step, model) == "convex"


def test_weights_only_the_bias_is_a_parameter() -> None:
    template, parameters, data = softmax(2, 3)
    rows = [[1, 0, 2, 1, 0], [0, 1, -1, 0, 1]]
    weights = list(range(6))  # w1_1..w2_3; b1, b2 are parameters
    model = model_claim(template_structure(template, data, rows, parameters), weights)
    step = prove_template(model, 1, SETTINGS)
    assert isinstance(step, ProofStep), step
    (fact,) = step.facts
    biases = set(parameters[6:])
    assert any(biases & a.free_symbols for _, a in fact.scores)  # inside the scores
    assert replays(step, model) == "convex"


def test_a_sigmoid_square_template_is_not_proved() -> None:
    template, parameters, data = sigmoid_square(2)
    rows = [[1, 2, 1], [3, -1, 0], [0, 1, 1]]
    model = model_claim(template_structure(template, data, rows, parameters))
    outcome = prove_template(model, 1, SETTINGS)
    assert isinstance(outcome, str)
    assert "not convex" in outcome and "proves nothing about the sum" in outcome


def test_a_template_without_the_variables_is_not_proved() -> None:
    _, parameters, data = logistic01(2)
    other = make_symbol("v")
    model = model_claim(
        template_structure(sympy.exp(make_symbol("x_1")), data, ROWS01, [*parameters, other]),
        [3],
    )
    assert isinstance(prove_template(model, 1, SETTINGS), str)


def test_the_step_survives_its_certificate_form() -> None:
    template, parameters, data = logistic01(2)
    model = model_claim(template_structure(template, data, ROWS01, parameters, l2(parameters[:2])))
    step = prove_template(model, 1, SETTINGS)
    assert isinstance(step, ProofStep)
    table = ExpressionTable()
    data_json = json.loads(json.dumps(step.to_json(table)))
    nodes = json.loads(json.dumps(table.to_json()))
    read = step_from_json(data_json, ExpressionReader(nodes), lambda w: w)
    assert read == step
    assert replays(read, model) == "convex"
    assert "template" in step.reason and step.conditions


# --- agreement with the scalar path ---------------------------------------------------


def _scalar(model: dict, data: dict, variables: object = "all") -> object:
    return build_claim(
        {"name": "n", "model": model, "data": data, "variables": variables, "property": "convex"}
    )


AGREEMENT = [
    ({"kind": "logistic-regression"}, {"x": [[1, 2], [3, -1], [0, 1]], "y": [1, 0, 1]}, "all"),
    (
        {"kind": "logistic-regression", "labels": "pm1", "l2": 0.5},
        {"x": [[1, 2], [3, -1], [0, 1]], "y": [1, -1, 1]},
        "all",
    ),
    ({"kind": "linear-regression", "l2": "1/4"}, {"x": [[1], [2], [-1]], "y": [1, 0, 3]}, "all"),
    (
        {"kind": "softmax-regression", "classes": 3},
        {"x": [[1, 0], [0, 1], [1, 1]], "y": [1, 2, 3]},
        ["weights"],
    ),
    (
        {"kind": "logistic-regression", "bias": False, "l2": 0.1},
        {"x": [[1, "1/2"], [-1, 2]], "y": [0, 1]},
        "all",
    ),
]


@pytest.mark.parametrize(("model", "data", "variables"), AGREEMENT)
def test_the_template_proof_agrees_with_the_scalar_path(model, data, variables) -> None:
    claim = _scalar(model, data, variables)
    assert claim.model is not None and claim.model.template is not None  # type: ignore[attr-defined]
    scalar = check_claim(claim, SETTINGS)  # type: ignore[arg-type]
    assert scalar.status is Status.PROVED
    step = prove_template(claim.model, 1, SETTINGS)  # type: ignore[attr-defined]
    assert isinstance(step, ProofStep), step
    assert replays(step, claim.model) == "convex"  # type: ignore[attr-defined]


def test_the_template_and_the_scalar_path_agree_on_the_sigmoid_square_loss() -> None:
    claim = _scalar(
        {"kind": "logistic-regression", "loss": "square"},
        {"x": [[1], [2], [-1]], "y": [1, 0, 1]},
    )
    scalar = check_claim(claim, SETTINGS)  # type: ignore[arg-type]
    assert scalar.status is Status.REFUTED
    assert isinstance(prove_template(claim.model, 1, SETTINGS), str)  # type: ignore[attr-defined]


def test_a_large_claim_is_proved_through_the_engine() -> None:
    """Routed to the structure (more terms than SCALAR_TERMS): the template-sum step."""
    rng = np.random.default_rng(3)
    x = [[int(v) for v in row] for row in rng.integers(-4, 5, size=(400, 10))]
    y = [int(v) for v in rng.integers(0, 2, size=400)]
    claim = _scalar({"kind": "logistic-regression", "l2": 0.1}, {"x": x, "y": y})
    assert claim.structured  # type: ignore[attr-defined]
    verdict = check_claim(claim, SETTINGS)  # type: ignore[arg-type]
    assert verdict.status is Status.PROVED
    assert [s.rule for s in verdict.proof] == ["template-sum"]


# --- sizes (CPU times printed, not asserted: verdicts rest on counts, not time) --------


def _timed(model: ModelClaim) -> tuple[float, float]:
    start = time.process_time()
    step = prove_template(model, 1, SETTINGS)
    proved = time.process_time()
    assert isinstance(step, ProofStep), step
    assert replays(step, model) == "convex"
    return proved - start, time.process_time() - proved


def test_logistic_regression_with_100_features_on_100000_rows() -> None:
    template, parameters, data = logistic01(100)
    rng = np.random.default_rng(0)
    rows = np.hstack([rng.normal(size=(100_000, 100)), rng.integers(0, 2, (100_000, 1))])
    model = model_claim(template_structure(template, data, rows, parameters, l2(parameters[:100])))
    prove, check = _timed(model)
    print(f"\nlogistic d=100, n=100000: prove {prove:.3f} s, replay {check:.3f} s CPU")


def test_softmax_regression_with_10_classes_and_784_features() -> None:
    template, parameters, data = softmax(10, 784)
    rng = np.random.default_rng(0)
    hot = np.eye(10)[rng.integers(0, 10, 1000)]
    rows = np.hstack([rng.uniform(0, 1, size=(1000, 784)), hot])
    model = model_claim(template_structure(template, data, rows, parameters, l2(parameters[:7840])))
    prove, check = _timed(model)
    print(f"\nsoftmax k=10, d=784 (7850 parameters): prove {prove:.3f} s, replay {check:.3f} s CPU")
