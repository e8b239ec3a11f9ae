"""Reports fit for a paper: repeated steps grouped, the user's text beside SymPy's form,
exact values beside decimals, model claims with their formula and data."""

from __future__ import annotations

import io
import json
from fractions import Fraction
from pathlib import Path

from rich.console import Console

from convexity_proofs import check
from convexity_proofs._claimfile import load_claims
from convexity_proofs._engine import check_claim
from convexity_proofs._latex import verdicts_latex
from convexity_proofs._markdown import verdict_markdown
from convexity_proofs._proof_groups import grouped, shape
from convexity_proofs._report import render_verdict
from convexity_proofs._values import Enclosure, Status
from convexity_proofs._wording import certified_number, claim_facts, witness_sentence

CLAIMS = Path(__file__).resolve().parent.parent / "claims"
LOGISTIC = "sum(log(1 + exp(-y[i]*(w*x[i] + b))) for i in range(40))"
DATA = {"x": list(range(1, 41)), "y": [(-1) ** i for i in range(40)]}


def text(renderable: object, width: int = 200) -> str:
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def test_forty_data_points_are_one_group_with_the_first_in_full() -> None:
    verdict = check(LOGISTIC, ["w", "b"], data=DATA, expect="holds")
    assert verdict.status is Status.PROVED
    (root,) = verdict.proof
    groups = grouped(root.children)
    assert sum(g.count for g in groups) == len(root.children) == 40
    biggest = max(groups, key=lambda g: g.count)
    assert biggest.count >= 20 and all(shape(s) == shape(biggest.first) for s in biggest.others)
    for shown in (text(render_verdict(verdict)), verdict_markdown(verdict)):
        assert f"for each of the other {len(biggest.others)} terms" in shown
    assert "for each of the other" in verdicts_latex([verdict])
    # --verbose lists every step; the certificate keeps them all whatever the report shows
    assert "for each of the other" not in text(render_verdict(verdict, verbose=True))


def test_steps_that_differ_stay_visible() -> None:
    verdict = check("x**2 + exp(x) + 2*y**2 + 3*z**2 + 4*w**2", ["x", "y", "z", "w"])
    (root,) = verdict.proof
    groups = grouped(root.children)
    singles = [g.first for g in groups if not g.others]
    assert any("exp" in str(s.subject) for s in singles)


def test_the_users_text_is_shown_beside_sympys_form() -> None:
    facts = dict(claim_facts(check("y*x + 3", ["x"]).claim))
    assert facts["function"] == "y*x + 3" and facts["normal form"] == "3 + x*y"
    assert "normal form" not in dict(claim_facts(check("x**2", ["x"]).claim))


def test_certified_numbers_show_the_exact_value_or_the_enclosure() -> None:
    assert certified_number(Enclosure.exact(Fraction(-2)), -2.0) == "-2"
    assert certified_number(Enclosure.exact(Fraction(-1, 4)), -0.25) == "-1/4 ≈ -0.25"
    lo, hi = Fraction(-63245554, 10**9), Fraction(-63245553, 10**9)
    shown = certified_number(Enclosure(lo, hi), float((lo + hi) / 2))
    decimal, _, interval = shown.partition(" ∈ [")
    ends = interval.rstrip("]").split(", ")
    assert Fraction(ends[0]) <= lo and hi <= Fraction(ends[1]), "rounded outward"
    assert lo <= Fraction(decimal) <= hi, "the decimal shown is one the enclosure allows"
    # a value just below 16 is never shown as 16
    near = Enclosure(Fraction(15999986, 10**6), Fraction(15999987, 10**6))
    assert not certified_number(near, 16.0).startswith("16 ")


def test_a_witness_sentence_names_the_exact_second_derivative() -> None:
    verdict = check("sqrt(x) + y**2", ["x", "y"], domain={"x": "positive"})
    assert verdict.status is Status.REFUTED
    assert "-1/4 ≈ -0.25" in witness_sentence(verdict.witness)


def _model_claim(name: str):
    return next(c for c in load_claims(CLAIMS / "models.toml") if c.name == name)


def test_model_claims_carry_their_formula_and_data() -> None:
    verdict = check_claim(_model_claim("mlp-is-not-convex"))
    data = verdict.to_json()["model"]
    assert data["spec"] == {"activation": "tanh", "kind": "mlp", "layers": [1, 2, 1]}
    assert data["data"] == {"x": [[1], [2]], "y": [1, -1]}
    assert "tanh(W1·x + b1)" in data["formula"]
    json.dumps(data)  # JSON-ready
    markdown = verdict_markdown(verdict)
    for label in ("model", "formula", "data"):
        assert f"| {label} |" in markdown


def test_a_formula_claim_has_no_model_rows() -> None:
    verdict = check("x**2", ["x"])
    assert "model" not in verdict.to_json()
    assert "formula" not in dict(claim_facts(verdict.claim))


def test_a_title_too_long_for_the_panel_is_cut_visibly() -> None:
    name = "a-very-long-common-prefix-for-claims-number-one"
    first_line = text(render_verdict(check("x**2", ["x"], name=name)), width=40).splitlines()[0]
    assert "…" in first_line and len(first_line) <= 40
