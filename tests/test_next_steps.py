"""Every ``unknown`` says what to do next: the domain line, the uncovered term, time."""

from __future__ import annotations

import io
import json
import shlex
import time
from pathlib import Path

import pytest
import sympy
from rich.console import Console

from convexity_proofs import _progress, check
from convexity_proofs._claimfile import load_claims, parse_claims
from convexity_proofs._engine import Settings, check_claim
from convexity_proofs._latex import verdicts_latex
from convexity_proofs._markdown import verdict_markdown
from convexity_proofs._next_steps import StepKind, next_steps
from convexity_proofs._report import render_verdict
from convexity_proofs._runner import run_claims
from convexity_proofs._values import REAL, AttemptKind, Expect, Status
from convexity_proofs.provers.composition import Composer
from tests._claim_text import claim_toml

CLAIMS = Path(__file__).resolve().parent.parent / "claims"
SHIPPED_UNKNOWN = [
    claim
    for path in sorted(CLAIMS.glob("*.toml"))
    for claim in load_claims(path)
    if claim.expect is Expect.UNKNOWN
]
TIME_STEPS = {StepKind.MORE_TIME, StepKind.NO_MORE_TIME}
WHAT_STEPS = {StepKind.DECLARE_DOMAIN, StepKind.RESTRICT_DOMAIN, StepKind.UNCOVERED_TERM}


def kinds(verdict) -> list[StepKind]:
    return [step.kind for step in next_steps(verdict)]


def test_some_claims_are_shipped_as_known_limitations() -> None:
    assert len(SHIPPED_UNKNOWN) >= 3


@pytest.mark.parametrize("claim", SHIPPED_UNKNOWN, ids=lambda c: c.name)
def test_every_shipped_unknown_says_what_to_do_next(claim) -> None:
    verdict = check_claim(claim)
    assert verdict.status is Status.UNKNOWN and verdict.passed
    found = set(kinds(verdict))
    assert found & WHAT_STEPS, "a hint about what stopped the engine"
    assert len(found & TIME_STEPS) == 1, "whether more time can help"
    for step in next_steps(verdict):
        assert step.describe() and step.to_json()["kind"] == str(step.kind)


def _with_line(name: str, function: str, line: str, prop: str = "convex") -> str:
    return claim_toml(name, function, prop=prop) + line + "\n"


@pytest.mark.parametrize(
    ("function", "prop", "line"),
    [
        ("x*log(x)", "convex", 'domain = { x = "positive" }'),
        ("log(x - 1) + sqrt(3 - x)", "concave", 'domain = { x = "(1, 3]" }'),
        ("sqrt(2*x + 1)", "concave", 'domain = { x = "[-1/2, inf)" }'),
        ("-log(1 - x)", "convex", 'domain = { x = "(-inf, 1)" }'),
    ],
)
def test_the_domain_line_given_is_exact_and_settles_the_claim(function, prop, line) -> None:
    (claim,) = parse_claims(claim_toml("c", function, prop=prop))
    verdict = check_claim(claim)
    assert verdict.status is Status.UNKNOWN
    (step,) = [s for s in next_steps(verdict) if s.kind is StepKind.DECLARE_DOMAIN]
    assert step.line == line
    (fixed,) = parse_claims(_with_line("c", function, step.line, prop))
    assert check_claim(fixed).status is Status.PROVED


def test_the_line_keeps_and_narrows_the_domains_already_given() -> None:
    verdict = check("log(x) + sqrt(y)", ["x", "y"], "concave", {"x": [-1, 1], "y": [0, 4]})
    (step,) = [s for s in next_steps(verdict) if s.kind is StepKind.DECLARE_DOMAIN]
    assert step.line == 'domain = { x = "(0, 1]", y = [0, 4] }'
    assert step.detail.startswith("replace")


def test_a_condition_that_is_not_a_half_line_is_named_without_a_line() -> None:
    verdict = check("log(1 - x**2)", ["x"], "concave")
    steps = next_steps(verdict)
    (step,) = [s for s in steps if s.kind is StepKind.RESTRICT_DOMAIN]
    assert step.subject == "1 - x**2 > 0" and step.line == ""
    assert StepKind.DECLARE_DOMAIN not in kinds(verdict)


def test_the_term_no_rule_covers_is_named() -> None:
    verdict = check("x**2 + y**2 + sin(x + y)/4", ["x", "y"])
    (step,) = [s for s in next_steps(verdict) if s.kind is StepKind.UNCOVERED_TERM]
    assert step.subject == "sin(x + y)"
    composition = next(a for a in verdict.attempts if a.strategy == "composition rules")
    assert composition.uncovered is not None and composition.kind is AttemptKind.INCONCLUSIVE
    assert next_steps(verdict)[-1].kind is StepKind.NO_MORE_TIME


def test_the_rule_that_came_closest_is_recorded() -> None:
    x = sympy.Symbol("x", real=True)
    analysis = Composer((x,), {x: REAL}).analyse(sympy.log(x))
    assert analysis.culprit == sympy.log(x) and analysis.near == "log"


def test_does_not_apply_only_for_strategies_that_did_not_run() -> None:
    verdict = check("x**2 + y**2 + sin(x + y)/4", ["x", "y"])
    for attempt in verdict.attempts:
        skipped = attempt.outcome.startswith("does not apply")
        assert skipped == (attempt.kind is AttemptKind.SKIPPED), attempt
        assert (attempt.seconds is None) == (not attempt.ran), attempt
    text = _text(verdict)
    assert "ran, inconclusive (" in text and "does not apply:" in text


def test_a_claim_cut_short_says_more_time_can_help() -> None:
    verdict = check("x**4 + 3*x**2*y**2 + y**4", ["x", "y"], timeout=0.001)
    assert verdict.status is Status.UNKNOWN
    assert StepKind.MORE_TIME in kinds(verdict)
    assert StepKind.NO_MORE_TIME not in kinds(verdict)


def _never_polls(claim, settings):  # type: ignore[no-untyped-def]
    """A check that names its step and then hangs (reaches the worker by fork)."""
    _progress.running("a strategy that never polls")
    time.sleep(60)


def test_a_worker_ended_at_its_limit_names_the_step_that_was_running() -> None:
    claims = parse_claims(claim_toml("hangs"))
    (verdict,) = run_claims(
        claims, Settings(timeout=0.3), jobs=1, limit=0.3, grace=0.3, check=_never_polls
    )
    (step,) = next_steps(verdict)
    assert step.kind is StepKind.MORE_TIME
    assert step.subject.startswith("a strategy that never polls")
    assert "running" in step.detail


def test_decided_verdicts_have_no_next_steps() -> None:
    assert next_steps(check("x**2", ["x"])) == ()


def _text(verdict) -> str:
    console = Console(width=240, record=True, file=io.StringIO())
    console.print(render_verdict(verdict))
    return console.export_text()


def test_every_report_shows_the_next_steps() -> None:
    verdict = check("x*log(x)", ["x"], expect="holds")
    line = 'domain = { x = "positive" }'
    assert "next steps" in _text(verdict) and line in _text(verdict)
    assert "**Next steps**" in verdict_markdown(verdict)
    assert "Next steps" in verdicts_latex([verdict])
    data = verdict.to_json()
    assert [s["kind"] for s in data["next_steps"]] == ["declare domain", "more time cannot help"]
    assert data["next_steps"][0]["line"] == line
    assert {a["kind"] for a in data["attempts"]} == {"note"}


def test_conditions_that_hold_nowhere_get_no_impossible_line() -> None:
    for function, variables, prop, domain in (
        ("log(x) + log(-x)", ["x"], "concave", None),
        ("log(x - 1)", ["x"], "concave", {"x": "negative"}),
        ("sqrt(x - 1)*sqrt(1 - x) + y**2", ["y"], "convex", None),  # at most one point
    ):
        verdict = check(function, variables, prop, domain)
        assert verdict.status is Status.UNKNOWN
        steps = kinds(verdict)
        assert StepKind.NOWHERE_DEFINED in steps, function
        assert StepKind.DECLARE_DOMAIN not in steps and StepKind.RESTRICT_DOMAIN not in steps


def test_a_divisor_may_be_avoided_on_either_side() -> None:
    verdict = check("1/(x - 1)", ["x"], "concave", {"x": [-5, 1]})
    (step,) = [s for s in next_steps(verdict) if s.kind is StepKind.DECLARE_DOMAIN]
    assert step.line == 'domain = { x = "[-5, 1)" }'


def test_a_condition_inside_a_branch_is_never_called_impossible() -> None:
    verdict = check(
        "Piecewise((log(x-2), x > 1), (-x**2, True))", ["x"], "concave", {"x": [0, "3/2"]}
    )
    assert StepKind.NOWHERE_DEFINED not in kinds(verdict)
    assert StepKind.RESTRICT_DOMAIN in kinds(verdict)


def test_a_one_liner_is_told_the_option_to_add(capsys) -> None:
    from convexity_proofs import cli
    from convexity_proofs._next_steps import COMMAND_LINE

    assert cli.FUNCTION_FILE == COMMAND_LINE
    args = ["--function", "log(2*x - 3)", "--variables", "x", "--property", "concave"]
    assert cli.main([*args, "--format", "json"]) == 1
    (result,) = json.loads(capsys.readouterr().out)["results"]
    (step,) = [s for s in result["next_steps"] if s["kind"] == "declare domain"]
    assert step["line"] == "--domain 'x=(3/2, inf)'"  # ready for a shell
    assert cli.main([*args, *shlex.split(step["line"]), "--format", "json"]) == 0


def test_with_more_conditions_than_examined_no_line_is_offered() -> None:
    from convexity_proofs._next_steps import OBLIGATIONS_EXAMINED

    terms = " + ".join(f"log(x - {k})" for k in range(OBLIGATIONS_EXAMINED + 1))
    verdict = check(terms, ["x"], "concave")
    assert verdict.status is Status.UNKNOWN
    assert StepKind.DECLARE_DOMAIN not in kinds(verdict)
    assert StepKind.RESTRICT_DOMAIN in kinds(verdict)
