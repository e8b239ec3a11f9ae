"""Interval ends at multiples of pi: an exact increasing change of variable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sympy

from convexity_proofs import ClaimError, parse_claims
from convexity_proofs._engine import check_claim
from convexity_proofs._pi_domains import PRESERVED, pi_end
from convexity_proofs._values import Domain, Property, Status
from convexity_proofs.cli import main
from tests._claim_text import claim_toml


def claim(function: str, domain: str, prop: str = "convex", **fields: object):
    text = claim_toml("c", function, prop=prop, **fields) + f"domain = {{ x = {domain} }}\n"
    if prop == "invariant":
        text += 'substitution = { x = "-x" }\n'
    (built,) = parse_claims(text)
    return built


def test_pi_ends_are_exact_numbers() -> None:
    assert pi_end("pi") == sympy.pi and pi_end("-3*pi/4") == -3 * sympy.pi / 4
    assert pi_end("2 * pi / 3") == 2 * sympy.pi / 3
    assert pi_end("3pi") is None and pi_end("PI") is None and pi_end("pi/0") is None


PI = sympy.pi


@pytest.mark.parametrize(
    ("domain", "image", "new"),
    [
        ('"(0, pi)"', lambda u: PI * u, Domain(0, 1, True, True, "interval")),
        ('[0, "pi/2"]', lambda u: PI * u / 2, Domain(0, 1, False, False, "interval")),
        ('"[-pi, 1)"', lambda u: -PI + (1 + PI) * u, Domain(0, 1, False, True, "interval")),
        ('"(pi, inf)"', lambda u: PI + u, Domain(0, None, True, False, "interval")),
        ('"(-inf, -pi/2]"', lambda u: -PI / 2 + u, Domain(None, 0, False, False, "interval")),
    ],
)
def test_the_change_maps_the_interval_onto_a_rational_one(domain, image, new) -> None:
    built = claim("x**2", domain)
    (u,) = built.variables
    assert u.name == "x_u" and dict(built.domains)[u] == new
    assert sympy.expand(built.function - image(u) ** 2) == 0
    ((name, change),) = built.reparametrized
    assert name == "x" and change.startswith("x = ")


def test_obligations_follow_the_change() -> None:
    built = claim("log(sin(x))", '"(0, pi)"', "concave")
    (ob,) = built.obligations
    (u,) = built.variables
    assert ob.argument == sympy.sin(sympy.pi * u)


@pytest.mark.parametrize(
    ("function", "domain", "prop", "status"),
    [
        ("x**2 - pi*x", '"[pi, inf)"', "convex", Status.PROVED),
        ("sin(x)", '"(0, 2*pi)"', "concave", Status.REFUTED),  # convex on (pi, 2 pi)
        ("sin(x)", '[0, "pi"]', "nondecreasing", Status.REFUTED),
        ("-cos(x)*y**2", '"[-pi/2, pi/2]"', "convex", Status.REFUTED),
    ],
)
def test_verdicts_on_pi_intervals(function, domain, prop, status) -> None:
    variables = ("y",) if "y" in function else ("x",)
    text = claim_toml("c", function, variables, prop) + f"domain = {{ x = {domain} }}\n"
    (built,) = parse_claims(text)
    assert check_claim(built).status is status


def test_certificates_of_pi_claims_verify(tmp_path: Path, capsys) -> None:
    path = tmp_path / "pi.toml"
    path.write_text(
        claim_toml("parabola", "x**2 - pi*x")
        + 'domain = { x = "[pi, inf)" }\n'
        + claim_toml("sine", "sin(x)", prop="concave", expect="fails")
        + 'domain = { x = "(0, 2*pi)" }\n'
    )
    assert main([str(path), "--certificates", str(tmp_path / "certs")]) == 0
    capsys.readouterr()
    assert main(["verify", str(tmp_path / "certs")]) == 0
    assert "2 valid, 0 invalid" in capsys.readouterr().out
    assert main([str(path), "--format", "json"]) == 0
    (first, _) = json.loads(capsys.readouterr().out)["results"]
    assert first["reparametrized"]["x"].startswith("x = x_u + pi with x_u in [0, oo)")


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ({"property": "strongly-convex", "modulus": "1"}, ["strongly-convex"]),
        ({"property": "invariant"}, ["invariant"]),
    ],
)
def test_properties_a_change_would_alter_are_refused(extra, words) -> None:
    prop = extra.pop("property")
    with pytest.raises(ClaimError) as info:
        claim("x**2", '"(0, pi)"', prop, **extra)
    assert info.value.field == "domain.x"
    for word in words:
        assert word in str(info.value)


def test_every_preserved_property_is_a_property() -> None:
    assert Property.STRONGLY_CONVEX not in PRESERVED and Property.INVARIANT not in PRESERVED
    assert Property.CONVEX in PRESERVED and Property.LOG_CONCAVE in PRESERVED


def test_a_pi_multiple_with_too_many_digits_is_a_located_error() -> None:
    for end in (f'"{"9" * 5000}*pi"', f'"pi/{"7" * 5000}"'):
        with pytest.raises(ClaimError) as info:
            claim("x**2", f"[0, {end}]")
        assert info.value.field == "domain.x" and "too long" in str(info.value)
