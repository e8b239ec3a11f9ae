"""The LaTeX report: a complete, balanced document with untrusted text escaped."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from convexity_proofs import check
from convexity_proofs._claimfile import load_claims
from convexity_proofs._engine import check_claim
from convexity_proofs._latex import tex, verdicts_latex
from convexity_proofs._values import Status

CLAIMS = Path(__file__).resolve().parent.parent / "claims" / "basics.toml"
MODELS = CLAIMS.parent / "models.toml"


def _balanced(text: str) -> bool:
    body = re.sub(r"\\[{}]", "", text.replace("\\\\", ""))
    depth = 0
    for ch in body:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    if depth:
        return False
    stack = []
    for kind, env in re.findall(r"\\(begin|end)\{(\w+\*?)\}", text):
        if kind == "begin":
            stack.append(env)
        elif not stack or stack.pop() != env:
            return False
    return not stack


@pytest.fixture(scope="module")
def verdicts():
    found = {}
    for claim in load_claims(CLAIMS):
        v = check_claim(claim)
        found.setdefault(v.status, v)
        if len(found) == 3:
            break
    hostile = dataclasses.replace(
        next(iter(found.values())).claim,
        name="\\input{/etc/passwd} $x$ & #_^%~",
        source="x**2 # \\write18{rm -rf /} }{ \u202e",
    )
    # an unknown with next steps, a proof with grouped steps, a model claim
    unknown = check("x*log(x)", ["x"], expect="holds")
    grouped = check(
        "sum(log(1 + exp(-y[i]*(w*x[i] + b))) for i in range(40))",
        ["w", "b"],
        data={"x": list(range(1, 41)), "y": [(-1) ** i for i in range(40)]},
    )
    model = check_claim(next(c for c in load_claims(MODELS) if c.name == "mlp-is-not-convex"))
    hostile_verdict = dataclasses.replace(next(iter(found.values())), claim=hostile)
    return [*found.values(), hostile_verdict, unknown, grouped, model]


def test_document_structure(verdicts) -> None:
    text = verdicts_latex(verdicts)
    assert text.startswith("\\documentclass")
    assert "\\begin{document}" in text and text.rstrip().endswith("\\end{document}")
    assert _balanced(text)
    for v in verdicts:
        assert tex(v.claim.name) in text
    assert "\\input{" not in text
    assert "Next steps" in text and "for each of the other" in text and "formula" in text
    statuses = {v.status for v in verdicts}
    if Status.PROVED in statuses:
        assert "Proof" in text
    if Status.REFUTED in statuses:
        assert "\\begin{tabular}" in text


def test_escape() -> None:
    assert tex("\\input{a}") == "\\textbackslash{}input\\{a\\}"
    assert {ch: tex(ch) for ch in "$&#_%"} == {ch: "\\" + ch for ch in "$&#_%"}
    assert tex("^~") == "\\textasciicircum{}\\textasciitilde{}"
    # outside ASCII: a known symbol becomes math, anything else a visible code point
    assert tex("≤") == "$\\le$"
    assert tex("\u202e") == "\\texttt{[U+202E]}"


def test_hostile_function_text_is_printed_not_run(verdicts) -> None:
    text = verdicts_latex(verdicts)
    assert "\\write18" not in text and "\\input{" not in text
    assert "\\textbackslash{}write18" in text
    assert _balanced(text)


def test_exploratory_summary_is_neutral(verdicts) -> None:
    exploratory = [
        dataclasses.replace(v, claim=dataclasses.replace(v.claim, exploratory=True))
        for v in verdicts
    ]
    text = verdicts_latex(exploratory)
    assert "passed" not in text.split("\\section*{Summary}")[1]
    assert "decided" in text and "FAIL" not in text


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no pdflatex")
def test_compiles(verdicts, tmp_path: Path) -> None:
    (tmp_path / "r.tex").write_text(verdicts_latex(verdicts), encoding="utf-8")
    done = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "r.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:]
    assert (tmp_path / "r.pdf").exists()
