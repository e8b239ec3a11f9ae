"""Verdicts as Markdown: to paste into an issue, a paper's appendix or a README."""

from __future__ import annotations

from collections.abc import Sequence

from convexity_proofs._values import ProofStep, Status, Verdict, Witness
from convexity_proofs._wording import (
    claim_facts,
    location,
    outcome,
    symbol_rows,
    witness_columns,
    witness_sentence,
    witness_title,
)


def _cell(text: str) -> str:
    """Table cells may not hold pipes or newlines."""
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}"


def witness_markdown(witness: Witness) -> list[str]:
    columns = witness_columns(witness)
    lines = [
        f"**{witness_title(witness)}**",
        "",
        "| symbol | " + " | ".join(label for label, _ in columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    for name, cells in symbol_rows(columns):
        lines.append(f"| {_code(name)} | " + " | ".join(_cell(c) for c in cells) + " |")
    lines += ["", witness_sentence(witness)]
    return lines


def _steps(steps: Sequence[ProofStep], depth: int = 0) -> list[str]:
    lines = []
    indent = "  " * depth
    for step in steps:
        lines.append(f"{indent}- **{step.rule}**: {_code(step.subject)} — {step.reason}")
        for condition in step.conditions:
            lines.append(f"{indent}  - ✓ {condition.statement} *({condition.established_by})*")
        if step.witness is not None:
            lines += [
                f"{indent}  " + line if line else "" for line in witness_markdown(step.witness)
            ]
        lines += _steps(step.children, depth + 1)
    return lines


def verdict_markdown(verdict: Verdict) -> str:
    """One claim's full report in Markdown (proofs complete: Markdown readers fold)."""
    claim = verdict.claim
    lines = [f"### {claim.name}: {verdict.status} ({outcome(verdict)})", ""]
    lines += ["| | |", "|---|---|"]
    for label, text in claim_facts(claim):
        shown = _code(text) if label == "function" else _cell(text)
        lines.append(f"| {label} | {shown} |")
    lines.append(
        f"| verdict | **{verdict.status}**, {outcome(verdict)} ({verdict.seconds:.2f} s) |"
    )
    where = location(claim)
    if where:
        lines.append(f"| location | {_code(where)} |")
    lines.append("")
    if verdict.status is Status.PROVED:
        lines += ["**Proof**", "", *_steps(verdict.proof)]
    elif verdict.status is Status.REFUTED and verdict.witness is not None:
        lines += witness_markdown(verdict.witness)
    elif verdict.status is Status.REFUTED:
        lines += ["**Refuted by a proof of the opposite**", "", *_steps(verdict.refuting_proof)]
    else:
        lines += ["**Not settled.** What was tried:", ""]
        lines += [f"- **{a.strategy}**: {a.outcome}" for a in verdict.attempts] or ["- nothing"]
    return "\n".join(lines) + "\n"


def summary_markdown(verdicts: Sequence[Verdict]) -> str:
    lines = ["| claim | property | expect | verdict | | seconds |", "|---|---|---|---|---|---:|"]
    for v in verdicts:
        lines.append(
            f"| {v.claim.name} | {v.claim.property} | {v.claim.expect} | {v.status} | "
            f"{outcome(v)} | {v.seconds:.2f} |"
        )
    passed = sum(v.passed for v in verdicts)
    lines += ["", f"{passed} passed, {len(verdicts) - passed} failed"]
    return "\n".join(lines) + "\n"
