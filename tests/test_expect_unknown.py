"""``expect = "unknown"`` pins a known limitation like an xfail; ``check()`` without an
expectation is exploratory (no PASS or FAIL)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from convexity_proofs import check
from convexity_proofs._report import render_summary, render_verdict
from convexity_proofs._values import Expect, Status
from convexity_proofs.cli import main
from tests._claim_text import claim_toml

LIMITATION = claim_toml("limitation", "x*log(x)", expect="unknown")
DECIDED = claim_toml("decided-now", "x**2", expect="unknown")


def text(renderable: object, width: int = 200) -> str:
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main([*args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_an_unknown_that_is_expected_passes(tmp_path: Path, capsys) -> None:
    path = tmp_path / "a.toml"
    path.write_text(LIMITATION)
    code, doc = run_json(capsys, str(path))
    assert code == 0
    (result,) = doc["results"]
    assert (result["status"], result["expect"], result["passed"]) == ("unknown", "unknown", True)
    assert result["next_steps"], "a pinned limitation still says what to do next"


def test_an_unexpected_decision_fails_and_says_to_update_expect(tmp_path: Path, capsys) -> None:
    path = tmp_path / "a.toml"
    path.write_text(LIMITATION + DECIDED)
    code, doc = run_json(capsys, str(path))
    assert code == 1
    limitation, decided = doc["results"]
    assert limitation["passed"] and not decided["passed"]
    assert decided["status"] == "proved" and "proof" in decided
    assert main([str(path)]) == 1
    assert "update expect" in capsys.readouterr().out


def test_the_certificate_of_an_unexpected_decision_verifies(tmp_path: Path, capsys) -> None:
    path = tmp_path / "a.toml"
    path.write_text(LIMITATION + DECIDED)
    certificates = tmp_path / "certs"
    assert main([str(path), "--certificates", str(certificates)]) == 1
    (written,) = sorted(certificates.iterdir())  # only a decided verdict has one
    assert json.loads(written.read_text())["claim"]["table"]["expect"] == "unknown"
    capsys.readouterr()
    assert main(["verify", str(certificates)]) == 0
    assert "1 valid, 0 invalid" in capsys.readouterr().out


def test_check_without_an_expectation_is_exploratory() -> None:
    undecided = check("x*log(x)", ["x"])
    decided = check("-x**2", ["x"])
    assert undecided.claim.exploratory and undecided.status is Status.UNKNOWN
    assert decided.passed and not undecided.passed  # passed: decided either way
    for verdict in (undecided, decided):
        shown = text(render_verdict(verdict)) + text(render_summary([verdict]))
        assert "PASS" not in shown and "FAIL" not in shown
        assert verdict.to_json()["exploratory"] is True
    summary = text(render_summary([decided, undecided]))
    assert "1 decided, 1 unknown" in summary
    assert "expect" not in summary, "nothing was expected: no expect column"


def test_check_with_an_expectation_is_judged() -> None:
    verdict = check("x*log(x)", ["x"], expect="unknown")
    assert verdict.claim.expect is Expect.UNKNOWN and verdict.passed
    assert not verdict.claim.exploratory
    assert "PASS" in text(render_verdict(verdict))


def test_a_verdict_repr_is_one_line() -> None:
    verdict = check("x**2", ["x"], expect="holds", name="square")
    shown = repr(verdict)
    assert "\n" not in shown and len(shown) < 80
    assert shown.startswith("<Verdict 'square': proved convex (PASS, ")
    assert repr(check("x**2", ["x"])).startswith("<Verdict 'check': proved convex (")


def test_the_summary_never_breaks_a_claim_name_at_80_columns() -> None:
    name = "a-claim-name-that-is-long-enough-to-push-the-table-past-eighty"
    verdicts = [check("x**2", ["x"], expect="holds", name=name), check("-x**2", ["x"])]
    for width in (40, 80, 200):
        shown = text(render_summary(verdicts), width=width)
        if width >= len(name):
            assert name in shown
        assert all(len(line) <= width for line in shown.splitlines())
