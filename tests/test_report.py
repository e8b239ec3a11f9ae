"""Reports: rich text (rendered into a StringIO console), Markdown, Jupyter, --jobs."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from convexity_proofs import check
from convexity_proofs._markdown import summary_markdown, verdict_markdown
from convexity_proofs._report import THEME, render_summary, render_verdict
from convexity_proofs.cli import main

CLAIMS = Path(__file__).resolve().parent.parent / "claims"


def text_of(renderable, width: int = 100) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, theme=THEME)
    console.print(renderable)
    return console.file.getvalue()


@pytest.fixture(scope="module")
def verdicts():
    return {
        "proved": check(
            "log(1 + exp(-y*(w*x + b)))", ["w", "b"], domain={"y": [-1, 1]}, expect="holds"
        ),
        "curvature": check("x*y", ["x", "y"], expect="fails"),
        "segment": check("sqrt(abs(w))", ["w"], expect="fails"),
        "point": check(
            "v1*tanh(w1) + v2*tanh(w2)",
            None,
            "invariant",
            substitution={"w1": "w2", "w2": "w1"},
            expect="fails",
        ),
        "unknown": check("x**4 + 3*x**2*y**2 + y**4", ["x", "y"], timeout=0.001, expect="holds"),
        "by-proof": check("exp(x)", ["x"], "nonconvex", expect="fails"),
    }


def test_proved_report_shows_claim_and_proof_tree(verdicts) -> None:
    text = text_of(render_verdict(verdicts["proved"]))
    for words in (
        "function",
        "log(1 + exp(-y*(w*x + b)))",
        "parameters",
        "x, y",
        "y ∈ [-1, 1]",
        "convex (expected to hold)",
        "proved",
        "PASS",
        "composition",
        "✓ softplus is convex",
    ):
        assert words in text, words


def test_verbose_shows_what_the_default_collapses(verdicts) -> None:
    short = text_of(render_verdict(verdicts["proved"]))
    full = text_of(render_verdict(verdicts["proved"], verbose=True))
    assert "--verbose" in short and "--verbose" not in full
    assert len(full) > len(short)


def test_refutation_reports_exact_values_decimals_and_a_sentence(verdicts) -> None:
    text = text_of(render_verdict(verdicts["curvature"]))
    assert "curvature witness" in text and "direction" in text
    assert "a convex function never curves downward" in text
    segment = text_of(render_verdict(verdicts["segment"]))
    assert "segment witness" in segment and "above its chord" in segment
    assert "PASS" in segment  # claimed convex and expected to fail: it passes
    point = text_of(render_verdict(verdicts["point"]))
    assert "point witness" in point and "certified different" in point


def test_unknown_lists_what_was_tried(verdicts) -> None:
    text = text_of(render_verdict(verdicts["unknown"]))
    assert "unknown" in text and "not settled; what was tried" in text
    assert "time limit" in text


def test_refutation_by_proof_shows_the_proof(verdicts) -> None:
    text = text_of(render_verdict(verdicts["by-proof"]))
    assert "refuted by a proof of the opposite" in text and "exp is convex" in text


def test_summary_counts(verdicts) -> None:
    text = text_of(render_summary(list(verdicts.values())), width=120)
    passed = sum(v.passed for v in verdicts.values())
    assert f"{passed} passed, {len(verdicts) - passed} failed" in text


def test_markdown_report(verdicts) -> None:
    md = verdict_markdown(verdicts["curvature"])
    assert md.startswith("### check: refuted (PASS)")
    assert "| function | `x*y` |" in md
    assert "| symbol | point | direction |" in md
    assert "never curves downward" in md
    proof = verdict_markdown(verdicts["proved"])
    assert "**Proof**" in proof and "- **composition**" in proof
    assert "| claim | property |" in summary_markdown(list(verdicts.values()))


def test_verdict_renders_in_jupyter(verdicts) -> None:
    assert verdicts["segment"]._repr_markdown_() == verdict_markdown(verdicts["segment"])


def test_cli_markdown_format(capsys) -> None:
    assert main([str(CLAIMS / "headline.toml"), "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.count("### ") == 4 and "## Summary" in out and "4 passed, 0 failed" in out


def test_jobs_give_the_same_results_as_a_serial_run(capsys) -> None:
    def results(*extra: str) -> list[dict]:
        assert main([str(CLAIMS), "--format", "json", *extra]) == 0
        data = json.loads(capsys.readouterr().out)["results"]
        for r in data:  # timings differ from run to run; everything else may not
            r.pop("seconds")
            for attempt in r.get("attempts", ()):
                attempt.pop("seconds", None)
        return data

    assert results("--jobs", "2") == results()


def test_no_progress_bar_when_not_a_terminal(capsys) -> None:
    assert main([str(CLAIMS / "headline.toml")]) == 0
    captured = capsys.readouterr()
    assert "checking claims" not in captured.err and "checking claims" not in captured.out


def test_markdown_table_rows_stay_rows_for_multi_line_text() -> None:
    import dataclasses

    verdict = check("x*y", ["x", "y"], expect="fails")
    claim = dataclasses.replace(
        verdict.claim, source="x*y\n+ 0", statement="one | two\nthree", file="a|b.toml"
    )
    text = verdict_markdown(dataclasses.replace(verdict, claim=claim))
    rows = [line for line in text.splitlines() if line.startswith("| function")]
    assert rows == ["| function | `x*y + 0` |"]
    assert "| statement | one \\| two three |" in text
    assert "`a\\|b.toml" in text
