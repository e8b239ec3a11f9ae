"""Verdicts end to end: claims settle as expected and every witness re-checks
independently (SymPy + mpmath at 60 digits, not the engine's Arb certifier)."""

from __future__ import annotations

from pathlib import Path

import pytest

from convexity_proofs import Settings, Status, check, check_claim, load_claims
from convexity_proofs._values import Property

from . import _independent

CLAIMS = sorted(Path(__file__).resolve().parent.parent.joinpath("claims").glob("*.toml"))
SIGN = {
    Property.CONVEX: 1,
    Property.STRICTLY_CONVEX: 1,
    Property.CONCAVE: -1,
    Property.STRICTLY_CONCAVE: -1,
}


def all_claims():
    for path in CLAIMS:
        for claim in load_claims(path):
            yield pytest.param(claim, id=f"{path.stem}:{claim.name}")


@pytest.mark.parametrize("claim", list(all_claims()))
def test_every_shipped_claim_passes_and_its_witness_rechecks(claim) -> None:
    verdict = check_claim(claim, Settings(timeout=60))
    assert verdict.passed, (verdict.status, verdict.attempts)
    data = verdict.to_json()
    if verdict.status is Status.REFUTED and verdict.witness is not None:
        witness = data["witness"]
        if witness["kind"] == "segment" and verdict.witness.relation == "=":
            assert _independent.segment_gap(claim, witness) == 0
        else:
            _independent.recheck(claim, witness, sign=SIGN.get(claim.property, 1))
    if verdict.status is Status.PROVED:
        for step in data["proof"]:
            if "witness" in step:
                sign = 1 if step["conclusion"] == "not-convex" else -1
                _independent.recheck(claim, step["witness"], sign=sign)


def test_headline_claims_settle_as_the_issue_says() -> None:
    verdicts = {c.name: check_claim(c) for c in load_claims(CLAIMS[0].parent / "headline.toml")}
    assert verdicts["logistic-regression-is-convex"].status is Status.PROVED
    linear = verdicts["two-layer-linear-network-is-convex"]
    assert linear.status is Status.REFUTED and linear.witness is not None
    assert verdicts["swapping-hidden-units-leaves-loss-unchanged"].status is Status.PROVED
    half = verdicts["swapping-only-input-weights-leaves-loss-unchanged"]
    assert half.status is Status.REFUTED and half.witness.kind == "point"


def test_the_same_claim_gives_the_same_witness_every_time() -> None:
    first = check("(y - v*w*x)**2", ["v", "w"]).to_json()["witness"]
    second = check("(y - v*w*x)**2", ["v", "w"]).to_json()["witness"]
    assert first == second


@pytest.mark.parametrize(
    ("function", "variables", "domain"),
    [
        ("log(1 + exp(x))", ["x"], None),  # softplus: float64 "refutes" it
        ("3*x - 2*y + 1/7", ["x", "y"], None),  # affine: naive midpoint tests fail by rounding
        ("abs(x - 1) + max(x, 2*y, 0)", ["x", "y"], None),
        ("max(0, 1 - y*(w*x + b))", ["w", "b"], None),
        ("-y*log(sigmoid(z)) - (1 - y)*log(1 - sigmoid(z))", ["z"], {"y": [0, 1]}),
        ("-log(1 - exp(-exp(z)))", ["z"], None),  # complementary log-log loss
        ("exp(x) + exp(-x)", ["x"], None),
        ("x**2/y", ["x", "y"], {"y": "positive"}),
    ],
)
def test_convex_functions_are_never_refuted(function, variables, domain) -> None:
    verdict = check(function, variables, "convex", domain, timeout=60)
    assert verdict.status is not Status.REFUTED, verdict.to_json()


def test_neither_is_proved_with_two_certified_witnesses() -> None:
    verdict = check("x**3", ["x"], "neither")
    assert verdict.status is Status.PROVED
    shown = [(step.rule, step.conclusion) for step in verdict.proof]
    assert shown == [("witness", "not-convex"), ("witness", "not-concave")]
    assert all(step.witness is not None for step in verdict.proof)


def test_nonconvex_is_refuted_by_a_proof_of_convexity() -> None:
    verdict = check("exp(x)", ["x"], "nonconvex", expect="fails")
    assert verdict.status is Status.REFUTED and verdict.passed
    data = verdict.to_json()
    assert data["witness"]["kind"] == "proof" and data["witness"]["steps"]


def test_strict_convexity() -> None:
    assert check("x**4", ["x"], "strictly-convex").status is Status.PROVED
    assert check("x**2 + y**2", ["x", "y"], "strictly-convex").status is Status.PROVED
    flat = check("(x - y)**2", ["x", "y"], "strictly-convex")
    assert flat.status is Status.REFUTED and flat.witness.relation == "="
    assert check("abs(x)", ["x"], "strictly-convex").status is Status.REFUTED
    assert check("-x**4", ["x"], "strictly-concave").status is Status.PROVED


def test_parameters_are_quantified() -> None:
    # convex in x for every fixed y ...
    assert check("x*y", ["x"]).status is Status.PROVED
    # ... but x**2*y is convex in x only when y >= 0
    assert check("x**2*y", ["x"], domain={"y": "nonnegative"}).status is Status.PROVED
    refuted = check("x**2*y", ["x"])
    assert refuted.status is Status.REFUTED
    assert refuted.to_json()["witness"]["parameters"]["y"] != 0


def test_domains_are_respected() -> None:
    assert check("x**3", ["x"], domain={"x": "positive"}).status is Status.PROVED
    on_negatives = check("x**3", ["x"], domain={"x": [-2, -1]})
    assert on_negatives.status is Status.REFUTED
    witness = on_negatives.to_json()["witness"]
    values = (
        [witness.get("point", {}).get("x")]
        if witness["kind"] == "curvature"
        else [witness["a"]["x"], witness["b"]["x"]]
    )
    for v in values:
        from fractions import Fraction

        assert Fraction(v) >= -2 and Fraction(v) <= -1


def test_a_function_undefined_on_the_domain_is_not_proved() -> None:
    # log(x) on all reals: the concavity rule needs x > 0 on the domain
    assert check("log(x)", ["x"], "concave").status is not Status.PROVED
    assert check("log(x)", ["x"], "concave", domain={"x": "positive"}).status is Status.PROVED


def test_unknown_lists_what_was_tried() -> None:
    verdict = check("x**4 + 3*x**2*y**2 + y**4", ["x", "y"], timeout=20)
    if verdict.status is Status.UNKNOWN:
        assert verdict.attempts
        assert any(a.strategy == "composition rules" for a in verdict.attempts)
    else:  # a later prover may settle it; it must never be refuted
        assert verdict.status is Status.PROVED


def test_a_coefficient_undefined_for_some_parameter_values_blocks_the_proof() -> None:
    # log(p)*x is affine in x wherever it is defined, but undefined for p <= 0.
    assert check("log(p)*x", ["x"]).status is Status.UNKNOWN
    assert check("log(p)*x", ["x"], domain={"p": "positive"}).status is Status.PROVED


def test_an_affine_claim_also_needs_f_defined_on_the_whole_domain() -> None:
    assert check("log(p)*x", ["x"], "affine").status is Status.UNKNOWN
    assert check("log(p)*x", ["x"], "affine", domain={"p": "positive"}).status is Status.PROVED
