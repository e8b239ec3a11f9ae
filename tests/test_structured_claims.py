"""Model claims decided from their structure: routing, agreement with the scalar path,
the claim reader's errors, certificates, reports and determinism (end to end)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from convexity_proofs import _certificate_files as files
from convexity_proofs._claimfile import build_claim, load_claims
from convexity_proofs._engine import Settings, check_claim
from convexity_proofs._markdown import verdict_markdown
from convexity_proofs._structure import MODEL_LOSS
from convexity_proofs._values import Status
from convexity_proofs.checker import replay, verify_certificate
from convexity_proofs.errors import ClaimError
from convexity_proofs.models import linear, mlp

ROOT = Path(__file__).resolve().parents[1]


def _data(rows: int, inputs: int, seed: int = 0, labels: str = "01") -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    x = (rng.integers(-8, 9, size=(rows, inputs)) / 4).tolist()
    if labels == "01":
        y = rng.integers(0, 2, size=rows).tolist()
    elif labels == "class":
        y = rng.integers(1, 4, size=rows).tolist()
    else:
        y = (rng.integers(-8, 9, size=rows) / 4).tolist()
    return {"x": x, "y": y}


def _claim(model: dict[str, Any], data: dict[str, Any], **extra: Any) -> dict[str, Any]:
    table = {"name": "c", "model": model, "data": data, "variables": "all"}
    table.update({"property": "convex", **extra})
    return table


#: Small claims both paths can decide: (model, data, property, expected status).
SMALL = [
    ({"kind": "logistic-regression"}, _data(6, 2), "convex", Status.PROVED),
    (
        {"kind": "logistic-regression", "labels": "pm1"},
        {"x": [[1], [2], [-1]], "y": [1, -1, 1]},
        "convex",
        Status.PROVED,
    ),
    (
        {"kind": "linear-regression", "l2": "1/10"},
        _data(5, 2, labels="real"),
        "convex",
        Status.PROVED,
    ),
    (
        {"kind": "softmax-regression", "classes": 3},
        _data(4, 2, labels="class"),
        "convex",
        Status.PROVED,
    ),
    (
        {"kind": "mlp", "layers": [1, 2, 1], "activation": "tanh"},
        _data(2, 1, labels="real"),
        "convex",
        Status.REFUTED,
    ),
    (
        {"kind": "linear-network", "layers": [1, 2, 2, 1], "bias": False},
        {"x": [[1], [2]], "y": [2, 4]},
        "convex",
        Status.REFUTED,
    ),
    (
        {"kind": "mlp", "layers": [2, 2, 1], "activation": "relu"},
        _data(3, 2, labels="real"),
        "nonconvex",
        Status.PROVED,
    ),
    ({"kind": "logistic-regression", "loss": "square"}, _data(4, 1), "convex", Status.REFUTED),
]


def _structured(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every model with numeric data is decided from its structure."""
    monkeypatch.setattr(linear, "SCALAR_TERMS", -1)
    monkeypatch.setattr(mlp, "SCALAR_TERMS", -1)


@pytest.mark.parametrize(("model", "data", "prop", "expected"), SMALL)
def test_the_structured_and_the_scalar_path_agree(
    monkeypatch: pytest.MonkeyPatch, model: Any, data: Any, prop: str, expected: Status
) -> None:
    table = _claim(model, data, property=prop)
    scalar = build_claim(table)
    assert not scalar.structured and scalar.model is not None and scalar.model.scalar
    with monkeypatch.context() as patch:
        _structured(patch)
        structured = build_claim(table)
    assert structured.structured and structured.function == MODEL_LOSS
    settings = Settings(timeout=60)
    by_scalar = check_claim(scalar, settings)
    by_structure = check_claim(structured, settings)
    assert by_structure.status is expected, by_structure.attempts
    assert by_scalar.status in (expected, Status.UNKNOWN)
    assert replay(by_structure).valid


def test_a_large_model_is_structured_and_its_variables_are_layout_indices() -> None:
    claim = build_claim(_claim({"kind": "logistic-regression"}, _data(600, 8)))
    assert claim.structured and claim.variables == () and claim.domains == ()
    assert claim.model.selected.tolist() == list(range(9))
    weights = build_claim(
        _claim({"kind": "logistic-regression"}, _data(600, 8), variables=["weights", "b"])
    )
    assert weights.model.selected.tolist() == list(range(9))
    single = build_claim(
        _claim({"kind": "logistic-regression"}, _data(600, 8), variables=["w3", "w1"])
    )
    assert single.model.selected.tolist() == [0, 2]
    assert single.model.selected_names == ("w3", "w1")


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ({"domain": {"w1": "positive"}}, "domain", "takes no domain"),
        ({"variables": ["w1", "w1"]}, "variables", "listed twice"),
        ({"variables": ["v9"]}, "variables", "neither a parameter group"),
        ({"variables": []}, "variables", "at least one"),
        ({"variables": 3}, "variables", "expected a list"),
    ],
)
def test_structured_claims_refuse_what_they_cannot_mean(
    extra: dict[str, Any], field: str, words: str
) -> None:
    table = _claim({"kind": "logistic-regression"}, _data(600, 8), **extra)
    with pytest.raises(ClaimError) as info:
        build_claim(table)
    assert info.value.field == field and words in str(info.value)


def test_other_properties_are_unknown_with_a_note() -> None:
    claim = build_claim(
        _claim({"kind": "logistic-regression"}, _data(600, 8), property="quasiconvex")
    )
    verdict = check_claim(claim, Settings(timeout=30))
    assert verdict.status is Status.UNKNOWN
    assert any("curvature properties only" in a.outcome for a in verdict.attempts)


def test_a_witness_at_one_parameter_value_does_not_show_nonconvex_for_every_value() -> None:
    model = {"kind": "mlp", "layers": [4, 6, 1], "activation": "tanh"}
    claim = build_claim(
        _claim(model, _data(200, 4, labels="real"), variables=["layer1"], property="nonconvex")
    )
    verdict = check_claim(claim, Settings(timeout=30))
    assert verdict.status is Status.UNKNOWN
    some = build_claim(
        _claim(
            model,
            _data(200, 4, labels="real"),
            variables=["layer1"],
            property="nonconvex",
            parameters="some",
        )
    )
    assert check_claim(some, Settings(timeout=30)).status is Status.PROVED


def test_reports_name_groups_not_thousands_of_symbols() -> None:
    model = {"kind": "mlp", "layers": [8, 20, 1], "activation": "tanh"}
    claim = build_claim(_claim(model, _data(600, 8, labels="real")))
    verdict = check_claim(claim, Settings(timeout=30))
    assert verdict.status is Status.REFUTED
    text = verdict_markdown(verdict)
    assert "all (201 parameters)" in text and "w1_20_8" not in text
    data = verdict.to_json()
    assert data["witness"]["kind"] in ("model-segment", "model-curvature")
    assert len(data["witness"].get("a", data["witness"].get("point"))["numerators"]) == 201


def test_verdicts_and_witnesses_are_deterministic() -> None:
    model = {"kind": "mlp", "layers": [8, 20, 1], "activation": "tanh"}
    table = _claim(model, _data(600, 8, labels="real"))
    first = check_claim(build_claim(table), Settings(timeout=30))
    second = check_claim(build_claim(table), Settings(timeout=30))
    assert first.witness is not None
    assert json.dumps(first.witness.to_json()) == json.dumps(second.witness.to_json())


def _write(tmp_path: Path, rows: int) -> Path:
    rng = np.random.default_rng(1)
    lines = ["a,b,label"]
    for _ in range(rows):
        a, b = rng.integers(-99, 100, size=2) / 10
        lines.append(f"{a:.1f},{b:.1f},{int(rng.integers(0, 2))}")
    (tmp_path / "train.csv").write_text("\n".join(lines) + "\n")
    claims = tmp_path / "claims.toml"
    claims.write_text(
        '[[claim]]\nname = "logistic"\nmodel = { kind = "logistic-regression" }\n'
        'data = { file = "train.csv", x = ["a", "b"], y = "label" }\n'
        'variables = "all"\nproperty = "convex"\n\n'
        '[[claim]]\nname = "network"\n'
        'model = { kind = "mlp", layers = [2, 8, 1], activation = "tanh" }\n'
        'data = { file = "train.csv", x = ["a", "b"], y = "label" }\n'
        'variables = "all"\nproperty = "convex"\nexpect = "fails"\n'
    )
    return claims


def test_certificates_replay_and_bind_the_data_file(tmp_path: Path) -> None:
    path = _write(tmp_path, 1500)
    claims = load_claims(path)
    assert all(c.structured for c in claims)
    for claim in claims:
        verdict = check_claim(claim, Settings(timeout=60))
        assert verdict.passed, verdict.attempts
        data = json.loads(files.certificate_bytes(verdict))
        assert data["claim"]["data"]["rows"] == 1500
        assert verify_certificate(data).valid
        tampered = json.loads(json.dumps(data))
        tampered["claim"]["data"]["x"] = "0" * 64
        assert not verify_certificate(tampered).valid
        if verdict.witness is not None:
            forged = json.loads(json.dumps(data))
            forged["witness"]["values"]["f_m"] = forged["witness"]["values"]["chord"]
            assert not verify_certificate(forged).valid
    # The data file changed after the certificates were written: they no longer verify.
    verdict = check_claim(claims[0], Settings(timeout=60))
    data = json.loads(files.certificate_bytes(verdict))
    csv = tmp_path / "train.csv"
    csv.write_text(csv.read_text().replace("\n1", "\n2", 1))
    report = verify_certificate(data)
    assert not report.valid


def test_the_shipped_scale_claims_are_structured() -> None:
    claims = load_claims(ROOT / "claims" / "scale.toml")
    assert claims and all(c.structured for c in claims)


def test_small_networks_are_refuted_by_the_network_search_on_the_scalar_path() -> None:
    model = {"kind": "mlp", "layers": [6, 8, 8, 1], "activation": "relu"}
    claim = build_claim(_claim(model, _data(10, 6, labels="real")))
    assert not claim.structured and claim.model.function is claim.function
    verdict = check_claim(claim, Settings(timeout=60))
    assert verdict.status is Status.REFUTED
    assert verdict.witness is not None and verdict.witness.kind.startswith("model-")
    data = json.loads(files.certificate_bytes(verdict))
    assert verify_certificate(data).valid
    forged = json.loads(json.dumps(data))
    forged["witness"]["relation"] = "<" if forged["witness"]["relation"] == ">" else ">"
    assert not verify_certificate(forged).valid


@pytest.mark.parametrize(
    ("extra", "why"),
    [
        ({"variables": ["layer1"]}, "every parameter of the model as a variable"),
        ({"property": "log-concave"}, "derived from the model's loss"),
    ],
)
def test_the_network_search_stays_out_of_questions_it_cannot_answer(
    extra: dict[str, Any], why: str
) -> None:
    from convexity_proofs._problem import Problem
    from convexity_proofs._reductions import reduced_claim
    from convexity_proofs._strategies import NetworkSearch
    from convexity_proofs.refuters._space import Deadline

    model = {"kind": "mlp", "layers": [2, 3, 1], "activation": "tanh"}
    claim = build_claim(_claim(model, _data(3, 2, labels="real"), **extra))
    problem = Problem.for_claim(reduced_claim(claim) or claim, Settings(), Deadline.after(10))
    reason = NetworkSearch().why_not(problem)
    assert reason is not None and why in reason


def test_a_template_sent_through_the_worker_pipes_is_the_template_built_here() -> None:
    from convexity_proofs import _runner

    path = ROOT / "claims" / "scale.toml"
    here = load_claims(path)
    there = _runner.loads(_runner.dumps(here))
    for a, b in zip(here, there, strict=True):
        if a.model.template is not None:
            assert b.model.template.template == a.model.template.template
            assert b.model.template.regulariser == a.model.template.regulariser
            assert b.model.template.data.digest == a.model.template.data.digest
        assert b.model.network.x.digest == a.model.network.x.digest


def test_a_fault_in_the_model_engine_costs_the_answer_not_the_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from convexity_proofs import _model_engine
    from convexity_proofs._values import RAISE_INTERNAL_ERRORS_ENV

    def broken(run: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.delenv(RAISE_INTERNAL_ERRORS_ENV, raising=False)
    monkeypatch.setattr(_model_engine, "_decide", broken)
    claim = build_claim(_claim({"kind": "logistic-regression"}, _data(600, 8)))
    verdict = check_claim(claim, Settings(timeout=30))
    assert verdict.status is Status.UNKNOWN
    assert any("internal error in model engine" in a.outcome for a in verdict.attempts)
