"""Verdicts as Markdown: to paste into an issue, a paper's appendix or a README.

Claim text is escaped as in the terminal report (:func:`convexity_proofs._wording.safe`):
Markdown is printed to terminals too (``--format markdown``), and a pasted report must
not carry invisible bidi overrides.  Table cells additionally lose pipes and newlines.
"""

from __future__ import annotations

from collections.abc import Sequence

from convexity_proofs._next_steps import next_steps
from convexity_proofs._proof import ProofStep
from convexity_proofs._proof_groups import grouped, others_text
from convexity_proofs._values import Status, Verdict, Witness
from convexity_proofs._wording import (
    attempt_text,
    claim_facts,
    counts,
    location,
    outcome,
    outcome_note,
    safe,
    safe_block,
    subject_note,
    symbol_rows,
    witness_columns,
    witness_sentence,
    witness_subject,
    witness_title,
)


def _cell(text: str) -> str:
    """Table cells may not hold pipes or newlines (or control characters)."""
    return safe_block(text).replace("|", "\\|").replace("\n", " ")


def _code(text: str, *, in_table: bool = False) -> str:
    """A code span (escaped; in a table cell also without pipes and newlines)."""
    text = _cell(text) if in_table else safe(text)
    fence = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def witness_markdown(witness: Witness, prop: object = None) -> list[str]:
    columns = witness_columns(witness)
    lines = [
        f"**{witness_title(witness)}**",
        "",
        "| symbol | " + " | ".join(label for label, _ in columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    for name, cells in symbol_rows(columns):
        lines.append(
            f"| {_code(name, in_table=True)} | " + " | ".join(_cell(c) for c in cells) + " |"
        )
    note = "" if witness.kind == "value" else subject_note(prop)
    subject = "f" if witness.kind == "value" else witness_subject(prop)
    lines += ["", safe(note + witness_sentence(witness, subject))]
    return lines


def _steps(steps: Sequence[ProofStep], depth: int = 0) -> list[str]:
    """The proof as nested items; repeated sibling steps grouped (the certificate and
    the JSON report have every step)."""
    lines = []
    indent = "  " * depth
    for step in steps:
        lines.append(
            f"{indent}- **{safe(step.rule)}**: {_code(step.subject_text)} — {safe(step.reason)}"
        )
        for condition in step.conditions:
            lines.append(
                f"{indent}  - ✓ {safe(condition.statement)} *({safe(condition.established_by)})*"
            )
        if step.witness is not None:
            lines += [
                f"{indent}  " + line if line else "" for line in witness_markdown(step.witness)
            ]
        for group in grouped(step.children):
            lines += _steps((group.first,), depth + 1)
            if group.others:
                lines.append(f"{indent}  - *{safe(others_text(group))}*")
    return lines


def _verdict_cell(verdict: Verdict) -> str:
    """``**proved**, PASS (0.12 s)``; an exploratory check without PASS/FAIL."""
    seconds = f"{verdict.seconds:.2f} s"
    if verdict.claim.exploratory:
        return f"**{verdict.status}** ({seconds})"
    note = outcome_note(verdict)
    when = f"{note}; {seconds}" if note else seconds
    return f"**{verdict.status}**, {outcome(verdict)} ({when})"


def verdict_markdown(verdict: Verdict) -> str:
    """One claim's full report in Markdown (proofs complete: Markdown readers fold)."""
    claim = verdict.claim
    heading = f"### {safe(claim.name)}: {verdict.status}"
    if not claim.exploratory:
        heading += f" ({outcome(verdict)})"
    lines = [heading, ""]
    lines += ["| | |", "|---|---|"]
    for label, text in claim_facts(claim):
        shown = _code(text, in_table=True) if label == "function" else _cell(text)
        lines.append(f"| {label} | {shown} |")
    lines.append(f"| verdict | {_verdict_cell(verdict)} |")
    where = location(claim)
    if where:
        lines.append(f"| location | {_code(where, in_table=True)} |")
    lines.append("")
    if verdict.status is Status.PROVED:
        lines += ["**Proof**", "", *_steps(verdict.proof)]
    elif verdict.status is Status.REFUTED and verdict.witness is not None:
        lines += witness_markdown(verdict.witness, verdict.claim.property)
    elif verdict.status is Status.REFUTED:
        lines += ["**Refuted by a proof of the opposite**", "", *_steps(verdict.refuting_proof)]
    else:
        lines += ["**Not settled.** What was tried:", ""]
        lines += [f"- **{safe(a.strategy)}**: {attempt_text(a)}" for a in verdict.attempts] or [
            "- nothing"
        ]
        steps = next_steps(verdict)
        if steps:
            lines += ["", "**Next steps**", ""]
            lines += [f"- {safe(step.describe())}" for step in steps]
    return "\n".join(lines) + "\n"


def summary_markdown(verdicts: Sequence[Verdict]) -> str:
    lines = ["| claim | property | expect | verdict | | seconds |", "|---|---|---|---|---|---:|"]
    for v in verdicts:
        expect, label = ("", "") if v.claim.exploratory else (v.claim.expect, outcome(v))
        lines.append(
            f"| {_cell(v.claim.name)} | {v.claim.property} | {expect} | {v.status} | "
            f"{label} | {v.seconds:.2f} |"
        )
    lines += ["", counts(verdicts)]
    return "\n".join(lines) + "\n"
