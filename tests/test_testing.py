"""The assertion helpers: pass quietly with a verdict, fail with the CLI's report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import convexity_proofs.testing as testing
from convexity_proofs import ClaimError, Status, Verdict, parse_claims
from convexity_proofs.cli import main
from convexity_proofs.errors import ArgumentError
from convexity_proofs.testing import (
    assert_affine,
    assert_claim,
    assert_concave,
    assert_convex,
    assert_invariant,
    assert_not_concave,
    assert_not_convex,
    assert_strictly_convex,
    report_summary,
    report_text,
)

SADDLE_CLAIMED_CONVEX = """
[[claim]]
name = "saddle-claimed-convex"
function = "x*y"
variables = ["x", "y"]
property = "convex"
"""


def _seconds_free(text: str) -> str:
    return re.sub(r"\(\d+\.\d\d s\)", "(… s)", text)


def test_public_names_exist() -> None:
    for name in testing.__all__:
        assert callable(getattr(testing, name))


def test_assert_convex_returns_the_proved_verdict() -> None:
    verdict = assert_convex("x**2", ["x"])
    assert isinstance(verdict, Verdict)
    assert verdict.status is Status.PROVED


def test_assert_convex_failure_message_is_the_report_with_the_witness() -> None:
    with pytest.raises(AssertionError) as excinfo:
        assert_convex("x*y", ["x", "y"])
    message = str(excinfo.value)
    assert message.startswith("convex claim refuted (curvature witness), expected to hold\n╭")
    assert "refuted" in message
    assert "witness" in message
    assert "FAIL" in message
    assert "\x1b[" not in message  # no colour codes in test output


@pytest.mark.parametrize(
    ("helper", "function", "variables", "domain"),
    [
        (assert_concave, "-x**2", ["x"], None),
        (assert_concave, "log(x)", ["x"], {"x": "positive"}),
        (assert_strictly_convex, "x**2", ["x"], None),
        (assert_affine, "2*x - 3*y + 1", ["x", "y"], None),
        (assert_not_convex, "x*y", ["x", "y"], None),
        (assert_not_concave, "x**2", ["x"], None),
    ],
)
def test_each_helper_passes_on_a_true_claim(helper, function, variables, domain) -> None:
    assert helper(function, variables, domain=domain).passed


@pytest.mark.parametrize(
    ("helper", "function", "variables"),
    [
        (assert_concave, "x**2", ["x"]),
        (assert_strictly_convex, "abs(x)", ["x"]),
        (assert_affine, "x**2", ["x"]),
        (assert_not_convex, "x**2", ["x"]),
        (assert_not_concave, "-x**2", ["x"]),
    ],
)
def test_each_helper_fails_on_a_false_claim(helper, function, variables) -> None:
    with pytest.raises(AssertionError, match="FAIL"):
        helper(function, variables)


def test_assert_invariant() -> None:
    swap = {"w1": "w2", "w2": "w1", "v1": "v2", "v2": "v1"}
    assert assert_invariant("v1*tanh(w1) + v2*tanh(w2)", swap).status is Status.PROVED
    with pytest.raises(AssertionError) as excinfo:
        assert_invariant("v1*tanh(w1) + v2*tanh(w2)", {"w1": "w2", "w2": "w1"})
    assert "refuted" in str(excinfo.value)
    assert "point witness" in str(excinfo.value)


def test_assert_claim_honours_the_expectation() -> None:
    (claim,) = parse_claims(SADDLE_CLAIMED_CONVEX + 'expect = "fails"\n')
    assert assert_claim(claim).status is Status.REFUTED
    (claim,) = parse_claims(SADDLE_CLAIMED_CONVEX)
    with pytest.raises(AssertionError, match="saddle-claimed-convex"):
        assert_claim(claim)


def test_invalid_input_is_a_claim_error_not_a_failed_assertion() -> None:
    with pytest.raises(ClaimError, match="variables"):
        assert_convex("x**2", ["z"])


def test_report_text_is_what_the_cli_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "saddle.toml"
    path.write_text(SADDLE_CLAIMED_CONVEX)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert main([str(path)]) == 1
    printed = capsys.readouterr().out
    with pytest.raises(AssertionError) as excinfo:
        assert_claim(parse_claims(SADDLE_CLAIMED_CONVEX, file=str(path))[0])
    summary, text = str(excinfo.value).split("\n", 1)
    assert summary == "convex claim refuted (curvature witness), expected to hold"
    assert _seconds_free(text) in _seconds_free(printed)
    assert {len(line) for line in text.splitlines()} == {100}


def test_report_text_width_is_a_parameter() -> None:
    verdict = assert_not_convex("x*y", ["x", "y"])
    assert report_summary(verdict).startswith("nonconvex claim proved")
    assert {len(line) for line in report_text(verdict, width=72).splitlines()} == {72}
    assert "assert_not_convex" in report_text(verdict)  # the claim is named after the helper


# --- argument validation -------------------------------------------------------------------


def test_helpers_name_themselves_and_the_bad_argument() -> None:
    with pytest.raises(ArgumentError, match=re.escape("assert_convex() argument 'variables'")):
        assert_convex("x**2", {"x"})  # type: ignore[arg-type]  # a set has no order
    with pytest.raises(ArgumentError, match=re.escape("assert_concave() argument 'timeout'")):
        assert_concave("-x**2", ["x"], timeout=-1)
    with pytest.raises(
        ArgumentError, match=re.escape("assert_invariant() argument 'substitution'")
    ):
        assert_invariant("x + y", [("x", "y")])  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match=re.escape("assert_affine() argument 'domain'")):
        assert_affine("x", ["x"], domain={"x": 1})  # type: ignore[dict-item]


def test_assert_claim_wants_a_claim() -> None:
    with pytest.raises(ArgumentError, match=re.escape("assert_claim() argument 'claim'")):
        assert_claim("x**2")  # type: ignore[arg-type]
    (claim,) = parse_claims(SADDLE_CLAIMED_CONVEX.replace('"convex"', '"nonconvex"'))
    with pytest.raises(ArgumentError, match=re.escape("assert_claim() argument 'timeout'")):
        assert_claim(claim, timeout=float("nan"))


def test_report_helpers_want_a_verdict() -> None:
    with pytest.raises(ArgumentError, match="expected a Verdict"):
        report_text("proved")  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="expected a Verdict"):
        report_summary(None)  # type: ignore[arg-type]
    verdict = assert_not_convex("x*y", ["x", "y"])
    with pytest.raises(ArgumentError, match="'width'"):
        report_text(verdict, width=0)


@pytest.mark.parametrize(
    ("name", "function", "variables", "domain"),
    [
        ("assert_nondecreasing", "max(0, x)", ["x"], None),
        ("assert_nonincreasing", "exp(-x)", ["x"], None),
        ("assert_increasing", "x**3 + x", ["x"], None),
        ("assert_decreasing", "-x", ["x"], None),
        ("assert_not_monotone", "x**2", ["x"], None),
        ("assert_quasiconvex", "x**2", ["x"], None),
        ("assert_quasiconcave", "-x**2", ["x"], None),
        ("assert_quasilinear", "x**3", ["x"], None),
        ("assert_not_quasiconvex", "a*b", ["a", "b"], None),
        ("assert_log_concave", "exp(-x**2)", ["x"], None),
        ("assert_log_convex", "exp(x**2)", ["x"], None),
        ("assert_not_log_concave", "x", ["x"], None),
    ],
)
def test_the_other_property_helpers_pass_on_true_claims(name, function, variables, domain) -> None:
    helper = getattr(testing, name)
    assert helper.__name__ == name
    assert helper(function, variables, domain=domain).passed


def test_assert_strongly_convex_takes_the_modulus() -> None:
    assert testing.assert_strongly_convex("x**2 + y**2", ["x", "y"], 2).passed
    with pytest.raises(AssertionError) as excinfo:
        testing.assert_strongly_convex("x**4", ["x"], "1/100")
    message = str(excinfo.value)
    assert message.startswith("strongly-convex claim refuted")
    assert "modulus 1/100" in message
