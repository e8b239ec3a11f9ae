"""Forged and hostile certificates from the adversarial review: each one rejected, for
the right reason, quickly, and without a traceback.

The files in ``tests/data/forged/`` were built by hand to prove false statements (a
nested ``at-parameters`` step used as if it held for every parameter value, a
perspective whose "fresh variable" is a number, a recorded z3 answer for a false
polynomial claim) or to crash or stall the reader and the checker.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from convexity_proofs._certificate import CertificateError, certificate_of, dumps
from convexity_proofs._certificate_files import read_certificate_file
from convexity_proofs._claimfile import build_claim
from convexity_proofs._engine import check_claim
from convexity_proofs.checker import verify_certificate

FORGED = Path(__file__).resolve().parent / "data" / "forged"


def _verify(name: str, **options: bool):
    return verify_certificate(read_certificate_file(FORGED / name), **options)


@pytest.mark.parametrize(
    "name",
    ["nested_at_params.json", "nested_at_params_negation.json", "nested_at_params_refute.json"],
)
def test_a_proof_at_fixed_parameters_inside_another_step_is_rejected(name: str) -> None:
    report = _verify(name)
    assert not report.valid
    assert "at-parameters" in report.failure and "whole proof" in report.failure


@pytest.mark.parametrize("name", ["perspective_number.json", "perspective_affine.json"])
def test_a_perspective_whose_fresh_variable_is_a_number_is_unreadable(name: str) -> None:
    with pytest.raises(CertificateError, match="not a symbol"):
        _verify(name)


def test_a_recorded_z3_answer_is_named_in_the_trust_base_and_rechecked_on_request() -> None:
    trusted = _verify("z3_cubic.json")
    # Without --recheck-z3 the recorded answer is trusted, and the report says so.
    assert trusted.valid
    assert any("not re-run" in t for t in trusted.trust)
    rechecked = _verify("z3_cubic.json", recheck_z3=True)
    assert not rechecked.valid
    assert "sat" in rechecked.failure


def test_an_empty_domain_is_unreadable() -> None:
    with pytest.raises(CertificateError, match="empty"):
        _verify("crash_empty_u_domain.json")


def test_an_unneeded_fact_about_a_huge_shared_expression_is_rejected_quickly() -> None:
    report = _verify("hang_piecewise_dag.json")
    assert not report.valid
    assert "no condition of the rule" in report.failure


def test_a_recorded_form_that_is_not_the_subjects_is_rejected() -> None:
    report = _verify("hang_expand_form.json")
    assert not report.valid
    assert "form" in report.failure


def test_a_deep_chain_of_nodes_is_unreadable_not_a_crash() -> None:
    verdict = check_claim(
        build_claim({"name": "c", "function": "exp(x)", "variables": ["x"], "property": "convex"})
    )
    data = json.loads(dumps(certificate_of(verdict)))
    nodes = data["expressions"]
    x = len(nodes)
    nodes.append(["symbol", "x"])
    for _ in range(5000):
        nodes.append(["Max", len(nodes) - 1, x])
    data["judged"] = len(nodes) - 1
    try:
        report = verify_certificate(data)
    except CertificateError as exc:  # unreadable: fine, it names why
        assert "nested too deeply" in str(exc) or "node" in str(exc)
    else:
        assert not report.valid


def test_unknown_top_level_keys_are_refused() -> None:
    verdict = check_claim(
        build_claim({"name": "c", "function": "exp(x)", "variables": ["x"], "property": "convex"})
    )
    data = json.loads(dumps(certificate_of(verdict))) | {"trust_me": True}
    with pytest.raises(CertificateError, match="trust_me"):
        verify_certificate(data)


def test_a_flipped_passed_field_is_rejected() -> None:
    verdict = check_claim(
        build_claim({"name": "c", "function": "exp(x)", "variables": ["x"], "property": "convex"})
    )
    data = json.loads(dumps(certificate_of(verdict)))
    data["verdict"]["passed"] = False
    report = verify_certificate(data)
    assert not report.valid and "passed" in report.failure


@pytest.mark.parametrize(
    "table",
    [
        {
            "function": "x*log(x)",
            "variables": ["x"],
            "domain": {"x": "positive"},
            "property": "strictly-convex",
        },
        {
            "function": "x**3",
            "variables": ["x"],
            "domain": {"x": "nonnegative"},
            "property": "strictly-convex",
        },
        {
            "function": "10**50*x**2 - 10**-50*x**4",
            "variables": ["x"],
            "domain": {"x": [-1, 1]},
            "property": "convex",
        },
    ],
)
def test_exact_sign_decisions_write_plain_json(table: dict) -> None:
    """Root counts once were SymPy integers, which json cannot write."""
    verdict = check_claim(build_claim({"name": "c", **table}))
    text = dumps(certificate_of(verdict))
    report = verify_certificate(json.loads(text))
    assert report.valid, report.failure
    assert report.shows.startswith("proved: ")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("hang_hessian.json", "would expand to more than"),
        ("hang_identity.json", "too large to re-check"),
    ],
)
def test_a_small_file_that_would_expand_to_billions_of_terms_is_rejected(
    name: str, message: str
) -> None:
    report = _verify(name)
    assert not report.valid
    assert message in report.failure


@pytest.mark.parametrize(
    "name",
    [
        "in_variable_quasiconvex.json",  # x + y**3 "quasiconvex in (x, y)" from x alone
        "in_variable_convex.json",  # x**2 - y**2 "convex in (x, y)" from x alone
        "in_variable_refutes_nonconvex.json",  # the same step refuting a true claim
    ],
)
def test_a_step_about_one_variable_proves_only_a_direction_of_monotonicity(name: str) -> None:
    report = _verify(name)
    assert not report.valid
    assert "in-variable" in report.failure and "monotonicity" in report.failure


def test_an_ordered_witness_moves_one_variable_inside_where_f_is_defined() -> None:
    # -abs(x)/x + 0*log(x*y): defined where x*y > 0, constant on every axis line there;
    # a = (-1, -1), b = (1, 1) "refuted" nondecreasing across the undefined quadrants.
    report = _verify("ordered_across_undefined.json")
    assert not report.valid
    assert "more than one variable" in report.failure


@pytest.mark.parametrize(
    "name", ["defined_enclosure_forged.json", "obligation_enclosure_forged.json"]
)
def test_definedness_facts_must_enclose_what_the_checker_recomputes(name: str) -> None:
    report = _verify(name)
    assert not report.valid
    assert "recorded enclosure" in report.failure
