"""The claim-level replay: what a verdict must show for its property and quantifier,
and tampered verdicts and certificates rejected for the right reason."""

from __future__ import annotations

import dataclasses
import json
from fractions import Fraction

import pytest

from convexity_proofs import check_claim
from convexity_proofs._certificate import certificate_of, dumps
from convexity_proofs._claimfile import build_claim
from convexity_proofs._proof import ContextFact, ObligationFact, ProofStep
from convexity_proofs._values import Claim, Status, Verdict
from convexity_proofs.checker import replay, verify_certificate


def _verdict(**table: object) -> Verdict:
    table.setdefault("name", "c")
    verdict = check_claim(build_claim(table))
    assert verdict.status is not Status.UNKNOWN, verdict.attempts
    return verdict


def _with_function(verdict: Verdict, text: str) -> Verdict:
    """The same proof or witness, presented for another function (table and judged)."""
    table = json.loads(verdict.claim.table) | {"function": text}
    claim = build_claim(table)
    return dataclasses.replace(verdict, claim=claim)


def _certified(verdict: Verdict) -> dict:
    return json.loads(dumps(certificate_of(verdict)))


def test_a_valid_proof_names_what_it_rests_on() -> None:
    report = replay(_verdict(function="exp(x) + x**2", variables=["x"], property="convex"))
    assert report.valid
    assert any("SymPy" in t for t in report.trust)
    assert any("python-flint" in t for t in report.trust)


def test_a_z3_step_adds_z3_to_what_a_proof_rests_on() -> None:
    verdict = _verdict(function="x**4 + y**4 + x**2", variables=["x", "y"], property="convex")
    report = replay(verdict)
    assert report.valid
    if any("polynomial-hessian" in json.dumps(s.to_json()) for s in verdict.proof):
        assert any(t.startswith("z3") for t in report.trust)


def test_a_proof_replayed_for_the_negated_function_is_rejected() -> None:
    verdict = _verdict(function="exp(x) + x**2", variables=["x"], property="convex")
    tampered = _with_function(verdict, "-(exp(x) + x**2)")
    report = replay(tampered)
    assert not report.valid
    assert "not about the function as judged" in report.failure
    assert not verify_certificate(_certified(tampered)).valid


def test_a_refutation_replayed_for_a_convex_function_is_rejected() -> None:
    verdict = _verdict(
        function="(x*y - 1)**2", variables=["x", "y"], property="convex", expect="fails"
    )
    assert verdict.witness is not None
    tampered = _with_function(verdict, "x**2 + y**2")
    report = verify_certificate(_certified(tampered))
    assert not report.valid
    assert "witness" in report.failure


def test_a_changed_property_is_rejected() -> None:
    verdict = _verdict(function="exp(x)", variables=["x"], property="convex")
    table = json.loads(verdict.claim.table) | {"property": "concave"}
    tampered = dataclasses.replace(verdict, claim=build_claim(table))
    report = replay(tampered)
    assert not report.valid
    assert "concave" in report.failure


def test_a_verdict_field_that_disagrees_with_the_claim_is_rejected() -> None:
    data = _certified(_verdict(function="exp(x)", variables=["x"], property="convex"))
    data["verdict"]["property"] = "concave"
    report = verify_certificate(data)
    assert not report.valid
    assert "verdict.property" in report.failure


def test_a_judged_expression_that_is_not_the_claims_text_is_rejected() -> None:
    data = _certified(_verdict(function="exp(x)", variables=["x"], property="convex"))
    data["claim"]["table"]["function"] = "exp(2*x)"
    report = verify_certificate(data)
    assert not report.valid
    assert "judged expression" in report.failure


def test_a_missing_definedness_fact_is_rejected() -> None:
    verdict = _verdict(
        function="-log(x)", variables=["x"], property="convex", domain={"x": "positive"}
    )
    kept = tuple(f for f in verdict.definedness if not isinstance(f, ObligationFact))
    assert len(kept) < len(verdict.definedness)
    report = replay(dataclasses.replace(verdict, definedness=kept))
    assert not report.valid
    assert "log" in report.failure and "definedness" in report.failure


def test_a_proof_on_a_wider_domain_than_the_claims_is_rejected() -> None:
    verdict = _verdict(
        function="-log(x)", variables=["x"], property="convex", domain={"x": "positive"}
    )
    table = json.loads(verdict.claim.table)
    del table["domain"]
    report = replay(dataclasses.replace(verdict, claim=build_claim(table)))
    assert not report.valid


def _pinned_verdict() -> Verdict:
    verdict = _verdict(function="p*x**2", variables=["x"], property="convex", parameters="some")
    (root,) = verdict.proof
    assert root.rule == "at-parameters"
    return verdict


def test_a_proof_at_one_parameter_value_proves_some_value() -> None:
    assert replay(_pinned_verdict()).valid


def test_a_parameter_value_moved_outside_its_domain_is_rejected() -> None:
    verdict = _pinned_verdict()
    table = json.loads(verdict.claim.table) | {"domain": {"p": "positive"}}
    (root,) = verdict.proof
    context = root.facts_of(ContextFact)[0]
    ((symbol, _),) = context.pinned
    moved = dataclasses.replace(context, pinned=((symbol, Fraction(-1)),))
    facts = tuple(moved if f is context else f for f in root.facts)
    tampered = dataclasses.replace(
        verdict, claim=build_claim(table), proof=(dataclasses.replace(root, facts=facts),)
    )
    report = replay(tampered)
    assert not report.valid
    assert "outside its domain" in report.failure


def test_a_proof_at_one_parameter_value_does_not_prove_every_value() -> None:
    verdict = _pinned_verdict()
    table = json.loads(verdict.claim.table) | {"parameters": "all"}
    report = replay(dataclasses.replace(verdict, claim=build_claim(table)))
    assert not report.valid
    assert "one parameter value" in report.failure


def test_a_witness_at_one_parameter_value_does_not_refute_some_value() -> None:
    verdict = _verdict(function="p*x**2", variables=["x"], property="convex", domain={"p": [-1, 1]})
    assert verdict.status is Status.REFUTED and verdict.witness is not None
    table = json.loads(verdict.claim.table) | {"parameters": "some"}
    report = replay(dataclasses.replace(verdict, claim=build_claim(table)))
    assert not report.valid


def test_an_unknown_rule_is_rejected_with_its_name() -> None:
    verdict = _verdict(function="exp(x)", variables=["x"], property="convex")
    (root,) = verdict.proof
    tampered = dataclasses.replace(verdict, proof=(dataclasses.replace(root, rule="trust-me"),))
    report = replay(tampered)
    assert not report.valid
    assert "trust-me" in report.failure


def test_a_proved_verdict_without_steps_is_rejected() -> None:
    verdict = _verdict(function="exp(x)", variables=["x"], property="convex")
    report = replay(dataclasses.replace(verdict, proof=()))
    assert not report.valid
    assert "no step concludes" in report.failure


@pytest.mark.parametrize(
    ("table", "status"),
    [
        ({"function": "exp(x)", "variables": ["x"], "property": "nonconvex"}, Status.REFUTED),
        ({"function": "x**3", "variables": ["x"], "property": "neither"}, Status.PROVED),
        ({"function": "x**2", "variables": ["x"], "property": "strictly-convex"}, Status.PROVED),
        ({"function": "x", "variables": ["x"], "property": "strictly-convex"}, Status.REFUTED),
        ({"function": "x + 2*y", "variables": ["x", "y"], "property": "affine"}, Status.PROVED),
    ],
)
def test_each_kind_of_verdict_replays_and_its_certificate_verifies(
    table: dict, status: Status
) -> None:
    verdict = _verdict(**table)
    assert verdict.status is status
    assert replay(verdict).valid
    assert verify_certificate(_certified(verdict)).valid


def test_a_witness_that_contradicts_a_proof_is_not_accepted_for_it() -> None:
    proved = _verdict(function="exp(x)", variables=["x"], property="convex")
    refuted = _verdict(function="x**3", variables=["x"], property="convex", expect="fails")
    mixed = dataclasses.replace(refuted, claim=proved.claim)
    assert not replay(mixed).valid


def test_claim_values_are_the_certificates_claims() -> None:
    verdict = _verdict(function="exp(x)", variables=["x"], property="convex")
    data = _certified(verdict)
    assert data["claim"]["table"] == json.loads(verdict.claim.table)
    assert isinstance(verdict.claim, Claim)
    assert data["verdict"] == {
        "status": "proved",
        "property": "convex",
        "quantifier": "all",
        "expect": "holds",
        "passed": True,
    }
    assert isinstance(verdict.proof[0], ProofStep)
