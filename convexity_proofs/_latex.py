"""Verdicts as a LaTeX document (``--format latex``): compiles with plain pdflatex.

The content mirrors :mod:`convexity_proofs._markdown`.  Everything from a claim file is
untrusted: every string not produced by ``sympy.latex`` goes through :func:`tex`, which
escapes all LaTeX special characters (so a claim name ``\\input{...}`` is printed, never
run) and replaces characters outside ASCII by math symbols or a visible code point.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from convexity_proofs._brief import _small, brief
from convexity_proofs._next_steps import next_steps
from convexity_proofs._proof import ProofStep
from convexity_proofs._proof_groups import grouped, others_text
from convexity_proofs._values import Status, Verdict, Witness
from convexity_proofs._wording import (
    attempt_text,
    claim_facts,
    counts,
    expectation,
    location,
    outcome,
    safe,
    subject_note,
    symbol_rows,
    witness_columns,
    witness_sentence,
    witness_subject,
    witness_title,
)

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "^": r"\textasciicircum{}",
    "_": r"\_",
    "%": r"\%",
    "~": r"\textasciitilde{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    "\n": r"\\ ",
    "\t": " ",
}

_UNICODE = {
    "≈": r"$\approx$",
    "∈": r"$\in$",
    "−": "-",
    "·": r"$\cdot$",
    "θ": r"$\theta$",
    "…": r"\ldots{}",
    "✓": r"$\checkmark$",
    "—": "---",
    "–": "--",
    "≤": r"$\le$",
    "≥": r"$\ge$",
    "∞": r"$\infty$",
    "²": r"$^2$",
    "√": r"$\surd$",
}


def tex(text: object) -> str:
    """Untrusted text as LaTeX that typesets it literally."""
    out = []
    for ch in str(text):
        if ch in _SPECIAL:
            out.append(_SPECIAL[ch])
        elif ch in _UNICODE:
            out.append(_UNICODE[ch])
        elif " " <= ch <= "~":
            out.append(ch)
        else:
            out.append(r"\texttt{[U+" + f"{ord(ch):04X}" + "]}")
    return "".join(out)


def _math(expr: sympy.Basic) -> str:
    """An expression as inline math, or its brief text when it is large."""
    if isinstance(expr, sympy.Basic) and _small(expr):
        try:
            return f"${sympy.latex(expr)}$"
        except Exception:  # an unprintable expression: its plain text is enough
            pass
    return r"\texttt{" + tex(brief(expr, 200)) + "}"


def _table(
    columns: Sequence[tuple[str, Sequence[str]]], rows: Sequence[Sequence[str]]
) -> list[str]:
    spec = "l" * len(columns)
    lines = [r"\begin{tabular}{" + spec + "}", r"\hline"]
    lines.append(" & ".join(tex(c) for c, _ in columns) + r" \\ \hline")
    lines += [" & ".join(row) + r" \\" for row in rows]
    return [*lines, r"\hline", r"\end{tabular}"]


def _value(cell: str) -> str:
    """A witness cell ("p/q ≈ d" or an integer) with the exact rational as a fraction."""
    exact, _, approx = cell.partition(" ≈ ")
    num, slash, den = exact.partition("/")
    if slash and num.lstrip("-").isdigit() and den.isdigit():
        sign = "-" if num.startswith("-") else ""
        shown = f"${sign}\\frac{{{num.lstrip('-')}}}{{{den}}}$"
    else:
        shown = tex(exact)
    return shown + (f" ($\\approx$ {tex(approx)})" if approx else "")


def witness_latex(witness: Witness, prop: object = None) -> list[str]:
    columns = witness_columns(witness)
    header = [("symbol", ())] + [(label, ()) for label, _ in columns]
    rows = [
        [r"\texttt{" + tex(name) + "}", *(_value(c) for c in cells)]
        for name, cells in symbol_rows(columns)
    ]
    note = "" if witness.kind == "value" else subject_note(prop)
    subject = "f" if witness.kind == "value" else witness_subject(prop)
    return [
        r"\paragraph{" + tex(witness_title(witness)) + "}",
        "",
        r"\begin{center}",
        *_table(header, rows),
        r"\end{center}",
        "",
        tex(safe(note + witness_sentence(witness, subject))),
        "",
    ]


def _steps(steps: Sequence[ProofStep]) -> list[str]:
    if not steps:
        return []
    lines = [r"\begin{itemize}"]
    for step in steps:
        lines.append(
            r"\item \textbf{"
            + tex(safe(step.rule))
            + "}: "
            + _math(step.subject)
            + " --- "
            + tex(safe(step.reason))
        )
        if step.conditions:
            lines.append(r"\begin{itemize}")
            for condition in step.conditions:
                lines.append(
                    r"\item[$\checkmark$] "
                    + tex(safe(condition.statement))
                    + r" \emph{("
                    + tex(safe(condition.established_by))
                    + ")}"
                )
            lines.append(r"\end{itemize}")
        if step.witness is not None:
            lines += witness_latex(step.witness)
        for group in grouped(step.children):
            lines += _steps((group.first,))
            if group.others:
                lines += [
                    r"\begin{itemize}",
                    r"\item \emph{" + tex(safe(others_text(group))) + "}",
                    r"\end{itemize}",
                ]
    return [*lines, r"\end{itemize}"]


def verdict_latex(verdict: Verdict) -> str:
    """One claim's section."""
    claim = verdict.claim
    lines = [
        r"\section{"
        + tex(safe(claim.name))
        + ": "
        + tex(verdict.status)
        + f" ({outcome(verdict)})}}",
        "",
        r"\begin{description}",
    ]
    for label, text in claim_facts(claim):
        if label == "normal form":
            shown = _math(claim.function)
        elif label == "function":
            shown = r"\texttt{" + tex(text) + "}"
        else:
            shown = tex(text)
        lines.append(r"\item[" + tex(label) + "] " + shown)
    lines.append(
        r"\item[verdict] \textbf{" + tex(verdict.status) + f"}}, {outcome(verdict)} "
        f"({verdict.seconds:.2f} s)"
    )
    where = location(claim)
    if where:
        lines.append(r"\item[location] \texttt{" + tex(where) + "}")
    lines += [r"\end{description}", ""]
    if verdict.status is Status.PROVED:
        lines += [r"\paragraph{Proof}", "", *_steps(verdict.proof)]
    elif verdict.status is Status.REFUTED and verdict.witness is not None:
        lines += witness_latex(verdict.witness, claim.property)
    elif verdict.status is Status.REFUTED:
        lines += [
            r"\paragraph{Refuted by a proof of the opposite}",
            "",
            *_steps(verdict.refuting_proof),
        ]
    else:
        lines += [r"\paragraph{Not settled.} What was tried:", "", r"\begin{itemize}"]
        lines += [
            r"\item \textbf{" + tex(safe(a.strategy)) + "}: " + tex(attempt_text(a))
            for a in verdict.attempts
        ] or [r"\item nothing"]
        lines.append(r"\end{itemize}")
        steps = next_steps(verdict)
        if steps:
            lines += ["", r"\paragraph{Next steps}", "", r"\begin{itemize}"]
            lines += [r"\item " + tex(safe(step.describe())) for step in steps]
            lines.append(r"\end{itemize}")
    return "\n".join(lines) + "\n"


def summary_latex(verdicts: Sequence[Verdict]) -> str:
    header = [(h, ()) for h in ("claim", "property", "expect", "verdict", "", "seconds")]
    rows = [
        [
            tex(safe(v.claim.name)),
            tex(v.claim.property),
            tex(expectation(v.claim)),
            tex(v.status),
            tex(outcome(v)),
            f"{v.seconds:.2f}",
        ]
        for v in verdicts
    ]
    lines = [r"\section*{Summary}", "", r"\begin{center}", *_table(header, rows), r"\end{center}"]
    lines += ["", tex(counts(verdicts)), ""]
    return "\n".join(lines)


PREAMBLE = "\n".join(
    [
        r"\documentclass{article}",
        r"\usepackage[T1]{fontenc}",
        r"\usepackage{amsmath}",
        r"\usepackage{amssymb}",
        r"\sloppy",
        r"\title{Convexity claims}",
        r"\date{}",
        r"\begin{document}",
        r"\maketitle",
        "",
    ]
)


def document_latex(sections: Sequence[str], summary: str) -> str:
    return PREAMBLE + "\n".join(sections) + "\n" + summary + "\\end{document}\n"


def verdicts_latex(verdicts: Sequence[Verdict]) -> str:
    """A complete LaTeX document: one section per claim, then a summary table."""
    return document_latex([verdict_latex(v) for v in verdicts], summary_latex(verdicts))
