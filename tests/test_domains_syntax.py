"""Domain syntax of claim files: half-lines, open intervals written as text, refusals."""

from __future__ import annotations

from fractions import Fraction

import pytest

from convexity_proofs import ClaimError, Domain, Status, parse_claims
from convexity_proofs._engine import Settings, check_claim
from convexity_proofs._values import REAL


def claim_text(domain: str, function: str = "log(x)", prop: str = "concave") -> str:
    return f"""
[[claim]]
name = "c"
function = "{function}"
variables = ["x"]
property = "{prop}"
domain = {{ x = {domain} }}
"""


def domain_of(domain: str) -> Domain:
    (claim,) = parse_claims(claim_text(domain))
    ((_, d),) = claim.domains
    return d


@pytest.mark.parametrize(
    ("written", "lo", "hi", "lo_open", "hi_open"),
    [
        ('[1, "inf"]', Fraction(1), None, False, False),
        ('[1, "oo"]', Fraction(1), None, False, False),
        ("[1, inf]", Fraction(1), None, False, False),  # a TOML float inf
        ('["-inf", 0]', None, Fraction(0), False, False),
        ('["-oo", "1/2"]', None, Fraction(1, 2), False, False),
        ('"(0, 1]"', Fraction(0), Fraction(1), True, False),
        ('"[0, 1)"', Fraction(0), Fraction(1), False, True),
        ('"(0, inf)"', Fraction(0), None, True, False),
        ('"(-oo, -1/4]"', None, Fraction(-1, 4), False, False),
        ('"( 0.5 , 3 )"', Fraction(1, 2), Fraction(3), True, True),
        ('"[0, 1]"', Fraction(0), Fraction(1), False, False),
    ],
)
def test_half_lines_and_interval_texts_are_exact_domains(
    written: str, lo: Fraction | None, hi: Fraction | None, lo_open: bool, hi_open: bool
) -> None:
    d = domain_of(written)
    assert (d.lo, d.hi, d.lo_open, d.hi_open) == (lo, hi, lo_open, hi_open)


def test_the_whole_line_written_as_an_interval_is_real() -> None:
    assert domain_of('["-inf", "inf"]') == REAL
    assert domain_of('"(-inf, inf)"') == REAL


def test_a_closed_bounded_text_interval_equals_the_list_form() -> None:
    assert domain_of('"[0, 1]"') == domain_of("[0, 1]")


def test_a_half_line_claim_is_proved() -> None:
    (claim,) = parse_claims(claim_text('[1, "inf"]'))
    assert check_claim(claim, Settings(timeout=60)).status is Status.PROVED


def test_an_open_interval_claim_is_proved() -> None:
    (claim,) = parse_claims(claim_text('"(0, 1]"', function="x*log(x)", prop="convex"))
    assert check_claim(claim, Settings(timeout=60)).status is Status.PROVED


def test_half_line_claims_are_decided_on_the_half_line_only() -> None:
    (claim,) = parse_claims(claim_text('"(0, inf)"', function="x**3 - 3*x", prop="convex"))
    verdict = check_claim(claim, Settings(timeout=60))
    # x**3 - 3x is convex on [0, oo): the claim holds, it must not be refuted.
    assert verdict.status is Status.PROVED
    (claim,) = parse_claims(claim_text('["-inf", 1]', function="x**3 - 3*x", prop="convex"))
    assert check_claim(claim, Settings(timeout=60)).status is Status.REFUTED


@pytest.mark.parametrize(
    ("written", "words"),
    [
        ('"[1, inf]"', ["[1, inf)"]),  # the suggestion, written out
        ('"[-inf, 1)"', ["infinite", "open"]),
        ('["inf", 1]', ["wrong side", "-inf"]),
        ('[0, "-inf"]', ["wrong side"]),
        ('"(1, 1]"', ["empty"]),
        ('"[2, 1]"', ["empty"]),
        ('"[1, 1]"', ["single point"]),
        ('"0, 1"', ["expected"]),
        ('"[0, x)"', ["upper", "inf"]),
        ('"[0, 1, 2]"', ["expected an interval"]),
        ('"(0, PI)"', ["lower case"]),
        ('[0, "3pi"]', ["expected a number"]),
        ('"[pi, 3]"', ["empty", "pi"]),
        ('"(pi, pi]"', ["empty"]),
        ('"[pi, pi]"', ["single point"]),
    ],
)
def test_bad_domains_are_located_errors(written: str, words: list[str]) -> None:
    with pytest.raises(ClaimError) as info:
        parse_claims(claim_text(written))
    assert info.value.field == "domain.x"
    assert info.value.claim == "c"
    message = str(info.value).lower()
    for word in words:
        assert word.lower() in message
