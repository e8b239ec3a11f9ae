"""Strong convexity end to end: f is m-strongly convex when f − m/2·|x|² is convex
(the reduction of :mod:`convexity_proofs._reductions`), proved and refuted as a
curvature claim about g = f − m/2·|x|², every witness re-checked on g independently."""

from __future__ import annotations

import json
from dataclasses import replace
from fractions import Fraction

import pytest
import sympy

import convexity_proofs
from convexity_proofs._certificate import certificate_of, dumps
from convexity_proofs._claimfile import build_claim
from convexity_proofs._engine import check_claim
from convexity_proofs._values import (
    Claim,
    CurvatureWitness,
    Property,
    SegmentWitness,
    Status,
)
from convexity_proofs.checker import replay, verify_certificate
from convexity_proofs.errors import ClaimError
from tests._independent import recheck


def verdict(function, variables, modulus, domain=None, **more):
    result = convexity_proofs.check(
        function, variables, "strongly-convex", domain=domain, modulus=modulus, **more
    )
    if result.status is not Status.UNKNOWN:
        report = replay(result)
        assert report.valid, report.failure
    return result


def independent_g(claim: Claim) -> Claim:
    """g = f − m/2·Σ x_i², built here from the claim's data."""
    m = sympy.Rational(claim.modulus.numerator, claim.modulus.denominator)
    g = claim.function - m / 2 * sum(v**2 for v in claim.variables)
    return replace(claim, function=g, property=Property.CONVEX, modulus=None)


def rechecked(result) -> None:
    assert isinstance(result.witness, CurvatureWitness | SegmentWitness)
    recheck(independent_g(result.claim), result.witness.to_json())


@pytest.mark.parametrize(
    ("function", "variables", "modulus", "domain"),
    [
        ("x**2 + y**2", ["x", "y"], 2, None),
        ("x**2 + y**2", ["x", "y"], "1/10", None),
        ("x**4 + x**2", ["x"], 2, None),
        ("exp(x)", ["x"], 1, {"x": [0, 1]}),
        ("x**2 + x*y + y**2", ["x", "y"], 1, None),
        ("a*x**2", ["x"], 2, {"a": [1, 2]}),
        ("x**2 + log(1 + exp(x))", ["x"], 2, None),
    ],
)
def test_proved(function, variables, modulus, domain) -> None:
    result = verdict(function, variables, modulus, domain)
    assert result.status is Status.PROVED, [a.outcome for a in result.attempts]


@pytest.mark.parametrize(
    ("function", "variables", "modulus", "domain"),
    [
        ("x**2 + y**2", ["x", "y"], 3, None),
        ("x**4", ["x"], "1/10", None),  # strictly convex, flat at 0
        ("log(exp(x) + exp(y))", ["x", "y"], "1/10", None),
        ("exp(x)", ["x"], "1/10", None),  # strictly convex, flat towards -oo
        ("exp(x)", ["x"], "3/2", {"x": [0, 1]}),
        ("x**4 + x**2", ["x"], "21/10", None),
        ("x**2 + x*y + y**2", ["x", "y"], 2, None),
        ("a*x**2", ["x"], 3, {"a": [1, 2]}),
        ("abs(x)", ["x"], "1/10", None),
        ("x", ["x"], 1, None),
    ],
)
def test_refuted_with_a_witness_on_g(function, variables, modulus, domain) -> None:
    result = verdict(function, variables, modulus, domain)
    assert result.status is Status.REFUTED
    rechecked(result)


def test_strictly_convex_is_not_strongly_convex() -> None:
    for function in ("x**4", "exp(x)", "x**2 + exp(x) - x**2"):
        strict = convexity_proofs.check(function, ["x"], "strictly-convex")
        assert strict.status is Status.PROVED
        strong = verdict(function, ["x"], "1/100")
        assert strong.status is Status.REFUTED


def test_the_modulus_is_required_and_positive() -> None:
    with pytest.raises(ClaimError, match="modulus"):
        convexity_proofs.check("x**2", ["x"], "strongly-convex")
    with pytest.raises(ClaimError, match="modulus"):
        convexity_proofs.check("x**2", ["x"], "strongly-convex", modulus=0)
    with pytest.raises(ClaimError, match="modulus"):
        convexity_proofs.check("x**2", ["x"], "convex", modulus=1)


def test_the_claim_table_with_a_modulus() -> None:
    claim = build_claim(
        {
            "name": "n",
            "function": "x**2 + y**2",
            "variables": ["x", "y"],
            "property": "strongly-convex",
            "modulus": "1/10",
        }
    )
    assert claim.modulus == Fraction(1, 10)
    assert check_claim(claim).status is Status.PROVED


def test_quantifiers_over_parameters() -> None:
    some = verdict("a*x**2", ["x"], 3, {"a": [1, 2]}, parameters="some")
    assert some.status is Status.PROVED
    assert some.proof[0].rule == "at-parameters"
    none = verdict("a*x**2", ["x"], 5, {"a": [1, 2]}, parameters="some")
    assert none.status is Status.REFUTED
    assert none.witness is not None and none.witness.box is not None
    rechecked(none)


def test_a_proof_about_f_does_not_prove_strong_convexity() -> None:
    convex = convexity_proofs.check("x**2 + y**2", ["x", "y"], "convex")
    strong = verdict("x**2 + y**2", ["x", "y"], 3)
    forged = replace(strong, status=Status.PROVED, witness=None, proof=convex.proof)
    assert not replay(forged).valid


def test_a_proof_for_one_modulus_does_not_prove_a_larger_one() -> None:
    two = verdict("x**2 + y**2", ["x", "y"], 2)
    three = verdict("x**2 + y**2", ["x", "y"], 3)
    forged = replace(three, status=Status.PROVED, witness=None, proof=two.proof)
    assert not replay(forged).valid


@pytest.mark.parametrize("modulus", [2, 3])
def test_certificates_round_trip(modulus) -> None:
    result = verdict("x**2 + y**2", ["x", "y"], modulus)
    data = json.loads(dumps(certificate_of(result)))
    assert verify_certificate(data).valid
