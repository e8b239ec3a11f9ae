"""Properties that mean a curvature claim about another function: strongly-convex
(f − m/2·|x|² convex) and the log properties (f > 0 and log f concave / convex).  The
reduced claim is built the same way by the engine and by the checker."""

from __future__ import annotations

import dataclasses
import json
from fractions import Fraction

import pytest
import sympy

from convexity_proofs import ClaimError, Property, Status, check, check_claim, parse_claims
from convexity_proofs._certificate import certificate_of, dumps
from convexity_proofs._claimfile import build_claim
from convexity_proofs._parser import make_symbol
from convexity_proofs._reductions import reduced_claim
from convexity_proofs.checker import replay, verify_certificate

x, y = make_symbol("x"), make_symbol("y")


def _claim(**table: object):
    table.setdefault("name", "c")
    return build_claim(table)


def test_strong_convexity_reduces_to_convexity_of_f_minus_the_quadratic() -> None:
    claim = _claim(
        function="x**2 + y**2", variables=["x", "y"], property="strongly-convex", modulus="1/10"
    )
    assert claim.modulus == Fraction(1, 10)
    reduced = reduced_claim(claim)
    assert reduced is not None and reduced.property is Property.CONVEX
    assert sympy.expand(reduced.function - (x**2 + y**2 - (x**2 + y**2) / 20)) == 0
    assert reduced.table == claim.table and reduced.name == claim.name


def test_log_properties_reduce_to_log_f_with_f_positive_as_an_obligation() -> None:
    claim = _claim(function="exp(-x**2)*y", variables=["x"], property="log-concave")
    reduced = reduced_claim(claim)
    assert reduced is not None and reduced.property is Property.CONCAVE
    assert reduced.function == sympy.log(claim.function)
    (extra,) = set(reduced.obligations) - set(claim.obligations)
    assert extra.kind == "positive" and extra.argument == claim.function


@pytest.mark.parametrize(
    ("modulus", "status"), [(2, Status.PROVED), ("3", Status.REFUTED), ("1/2", Status.PROVED)]
)
def test_the_modulus_is_the_curvature_bound(modulus: object, status: Status) -> None:
    verdict = check("x**2 + y**2", ["x", "y"], "strongly-convex", modulus=modulus)
    assert verdict.status is status


def test_strictly_convex_is_not_strongly_convex() -> None:
    verdict = check("x**4", ["x"], "strongly-convex", modulus="1/100")
    assert verdict.status is Status.REFUTED
    assert verdict.witness is not None and verdict.witness.kind == "curvature"
    assert dict(verdict.witness.point) == {"x": 0}


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"property": "strongly-convex"}, "modulus", "missing"),
        ({"property": "convex", "modulus": 1}, "modulus", "only a strongly-convex"),
        ({"property": "strongly-convex", "modulus": 0}, "modulus", "> 0"),
        ({"property": "strongly-convex", "modulus": "-1/2"}, "modulus", "> 0"),
        ({"property": "strongly-convex", "modulus": True}, "modulus", "number"),
        ({"property": "strongly-convex", "modulus": "x"}, "modulus", ""),
    ],
)
def test_bad_modulus_is_one_located_error(fields: dict, field: str, words: str) -> None:
    with pytest.raises(ClaimError) as info:
        _claim(function="x**2", variables=["x"], **fields)
    assert info.value.field == field
    assert words in str(info.value)


def test_a_claim_file_states_the_modulus() -> None:
    (claim,) = parse_claims(
        """
[[claim]]
name = "q"
function = "x**2 + x*y + y**2"
variables = ["x", "y"]
property = "strongly-convex"
modulus = 1
""",
        file="m.toml",
    )
    assert claim.modulus == 1
    assert check_claim(claim).status is Status.PROVED


def _certified(verdict) -> dict:
    return json.loads(dumps(certificate_of(verdict)))


def test_a_strong_convexity_certificate_verifies_and_a_larger_modulus_does_not() -> None:
    verdict = check("x**2 + y**2", ["x", "y"], "strongly-convex", modulus=2)
    data = _certified(verdict)
    assert verify_certificate(data).valid
    # The same proof presented for a larger modulus: the checker rebuilds g and rejects.
    table = json.loads(verdict.claim.table) | {"modulus": 3}
    tampered = dataclasses.replace(verdict, claim=build_claim(table))
    report = replay(tampered)
    assert not report.valid


def test_a_curvature_proof_of_f_does_not_prove_strong_convexity() -> None:
    convex = check("x**4", ["x"], "convex")
    table = json.loads(convex.claim.table) | {"property": "strongly-convex", "modulus": "1/100"}
    tampered = dataclasses.replace(convex, claim=build_claim(table))
    assert not replay(tampered).valid


def test_the_report_says_what_the_claim_means() -> None:
    from convexity_proofs.testing import report_text

    text = report_text(check("x**4", ["x"], "strongly-convex", modulus="1/2"))
    assert "meaning" in text and "modulus 1/2" in text
    assert "about g = f" in text
