"""Strictness refuted by a line on which f is affine: flat directions found from the
structure of f (an affine inner map's kernel, the Hessian's kernel), certified by a
segment witness with exact rationals or by an ``affine-on-line`` step, and the
checker's replay of that step (and tampered ones).

Soundness: strictly convex functions built as sums of strictly convex functions of
affine forms that span every direction are never refuted; planted flat directions are
found, and every restriction the engine reports is re-checked with mpmath at 60
digits at points of the segment.
"""

from __future__ import annotations

import os
import random
from dataclasses import replace
from fractions import Fraction

import pytest
import sympy as sp

from convexity_proofs import check
from convexity_proofs._claimfile import build_claim
from convexity_proofs._engine import Settings
from convexity_proofs._parser import make_symbol, parse_expression
from convexity_proofs._problem import Problem
from convexity_proofs._proof import LineFact, ProofStep, step_from_json
from convexity_proofs._values import Domain, interval_domain
from convexity_proofs.checker import flat as _rules  # noqa: F401  (registers)
from convexity_proofs.checker._core import Checker, CheckFailure, Context
from convexity_proofs.kernel.expressions import ExpressionReader, ExpressionTable
from convexity_proofs.kernel.lines import T, restriction
from convexity_proofs.refuters import flat
from convexity_proofs.refuters._space import Deadline

x, y, z = (make_symbol(n) for n in "xyz")
REAL = Domain(None, None, True, True, "real")


def problem(function: str, variables: list[str], **table: object) -> Problem:
    claim = build_claim(
        {
            "name": "flat",
            "function": function,
            "variables": variables,
            "property": "strictly-convex",
            **table,
        }
    )
    return Problem.for_claim(claim, Settings(), Deadline.after(None))


def round_trip(step: ProofStep) -> ProofStep:
    table = ExpressionTable()
    data = step.to_json(table)
    return step_from_json(data, ExpressionReader(table.to_json()), lambda w: w)


# --- directions ---------------------------------------------------------------------------


def test_affine_forms_of_a_composition() -> None:
    f = parse_expression("(x - y)**2 + exp(x - y + z**2) + 3*x")
    forms = flat.affine_forms(f, (x, y, z))
    linear = sorted(tuple(sp.expand(c.get(s, 0)) for s in (x, y, z)) for c, _ in forms)
    assert linear == [(0, 0, 1), (1, -1, 0), (1, -1, 0)]
    (direction,) = flat.form_directions(f, (x, y, z))
    assert direction == {x: 1, y: 1, z: 0}


def test_no_form_direction_when_the_forms_span() -> None:
    f = parse_expression("exp(x - y) + (x + y)**2")
    assert flat.form_directions(f, (x, y)) == []


def test_forms_with_parameter_coefficients_give_no_rational_direction() -> None:
    assert flat.form_directions(parse_expression("exp(a*x + y)"), (x, y)) is None


def test_hessian_kernel_of_log_sum_exp() -> None:
    f = parse_expression("log(exp(x) + exp(y))")
    assert flat.form_directions(f, (x, y)) == []  # x and y enter separately
    assert flat.hessian_directions(f, (x, y)) == [{x: 1, y: 1}]


def test_hessian_kernel_of_an_expanded_square() -> None:
    f = parse_expression("x**4 - 4*x**3*y + 6*x**2*y**2 - 4*x*y**3 + y**4")
    assert flat.hessian_directions(f, (x, y)) == [{x: 1, y: 1}]


def test_no_hessian_kernel_for_a_strictly_convex_function() -> None:
    f = parse_expression("x**2 + y**2 + exp(x - y)")
    assert flat.hessian_directions(f, (x, y)) == []


# --- the restriction to a line ------------------------------------------------------------


def test_restriction_is_affine_along_a_flat_direction() -> None:
    f = parse_expression("log(exp(x) + exp(y))")
    found = restriction(f, {x: Fraction(0), y: Fraction(0)}, {x: Fraction(1), y: Fraction(1)})
    assert found == (sp.log(2), 1)


def test_restriction_is_no_answer_off_a_flat_direction() -> None:
    f = parse_expression("log(exp(x) + exp(y))")
    assert (
        restriction(f, {x: Fraction(0), y: Fraction(0)}, {x: Fraction(1), y: Fraction(0)}) is None
    )
    assert restriction(parse_expression("abs(x)"), {x: Fraction(0)}, {x: Fraction(1)}) is None


def test_restriction_with_pinned_parameters() -> None:
    a = make_symbol("a")
    f = parse_expression("exp(a*x - y)")
    point, direction = {x: Fraction(0), y: Fraction(0)}, {x: Fraction(1), y: Fraction(2)}
    assert restriction(f, point, direction) is None
    assert restriction(f, point, direction, {a: Fraction(2)}) == (1, 0)


# --- the engine ---------------------------------------------------------------------------

REFUTED = [
    ("(x - y)**2 + exp(x - y)", ["x", "y"], "strictly-convex", {}),
    ("(x - 2*y + z)**2 + exp(x + y - z)", ["x", "y", "z"], "strictly-convex", {}),
    ("(x - y + 1)**2 + exp(x - y + 1)", ["x", "y"], "strictly-convex", {}),
    ("log(exp(x) + exp(y))", ["x", "y"], "strictly-convex", {}),
    ("log(1 + exp(w1 + 2*w2)) + log(1 + exp(-2*w1 - 4*w2))", ["w1", "w2"], "strictly-convex", {}),
    ("exp(x)*exp(-2*y)", ["x", "y"], "strictly-convex", {}),
    ("-log(1 + exp(x - y)) - (x - y)**2", ["x", "y"], "strictly-concave", {}),
    ("(x - y)**2 + exp(x - y)", ["x", "y"], "strictly-convex", {"x": "positive", "y": "positive"}),
    ("log(1 + exp(-c*(w1*a + w2*b)))", ["w1", "w2"], "strictly-convex", {}),
]


@pytest.mark.parametrize(("function", "variables", "prop", "domain"), REFUTED)
def test_strictness_refuted_by_a_flat_line(function, variables, prop, domain) -> None:
    verdict = check(function, variables, prop, domain=domain, expect="fails")
    assert verdict.status.value == "refuted", verdict.attempts
    roots = verdict.refuting_proof
    if verdict.witness is not None:
        assert verdict.witness.relation == "="
        return
    (root,) = roots
    step = root.children[0] if root.rule == "at-parameters" else root
    assert step.rule == "affine-on-line"
    assert step.conclusion == (
        "not-strictly-convex" if prop == "strictly-convex" else "not-strictly-concave"
    )
    (fact,) = step.facts
    pinned = {}
    if root.rule == "at-parameters":
        pinned = dict(root.facts[0].pinned)
    _recheck_line(step.subject, fact, pinned)


def test_a_rational_flat_function_gets_a_segment_witness() -> None:
    verdict = check("abs(x + y - 1) + (x + y)**2 + 3*x + y", ["x", "y"], "strictly-convex")
    assert verdict.status.value == "refuted"
    assert verdict.witness is not None and verdict.witness.relation == "="


def test_strictly_convex_functions_are_not_refuted_by_structure() -> None:
    for function in ("x**2 + y**2 + exp(x - y)", "exp(x) + exp(y) + (x - y)**2"):
        p = problem(function, ["x", "y"])
        assert flat.structural(p) is None


# --- the checker: the step and tampering ------------------------------------------------


def _line_step() -> tuple[ProofStep, Context]:
    p = problem("log(exp(x) + exp(y))", ["x", "y"])
    step = flat.structural(p)
    assert isinstance(step, ProofStep) and step.rule == "affine-on-line"
    return step, Context(p.variables, p.domains)


def _with(step: ProofStep, **changes: object) -> ProofStep:
    (fact,) = step.facts
    return replace(step, facts=(replace(fact, **changes),))


def rejected(step: ProofStep, context: Context, *words: str) -> None:
    with pytest.raises(CheckFailure) as info:
        Checker().check(step, context)
    text = str(info.value)
    assert "affine-on-line" in text
    for w in words:
        assert w in text, text


def test_the_step_replays() -> None:
    step, context = _line_step()
    for s in (step, round_trip(step)):
        assert Checker().check(s, context) == "not-strictly-convex"
    assert Checker().check(replace(step, conclusion="not-strictly-concave"), context)


def test_a_direction_that_is_not_flat_is_rejected() -> None:
    step, context = _line_step()
    rejected(_with(step, direction=((x, Fraction(1)), (y, Fraction(0)))), context, "not affine")


def test_a_wrong_recorded_restriction_is_rejected() -> None:
    step, context = _line_step()
    rejected(_with(step, slope=sp.Integer(2)), context, "recorded restriction")
    rejected(_with(step, value=sp.Integer(0)), context, "recorded restriction")


def test_a_segment_leaving_the_domain_is_rejected() -> None:
    step, _ = _line_step()
    boxed = {
        x: interval_domain(Fraction(0), Fraction(2)),
        y: interval_domain(Fraction(0), Fraction(2)),
    }
    rejected(step, Context((x, y), boxed), "outside its domain")


def test_malformed_lines_are_rejected() -> None:
    step, context = _line_step()
    rejected(_with(step, direction=((x, Fraction(0)), (y, Fraction(0)))), context, "direction is 0")
    rejected(_with(step, reach=Fraction(0)), context, "reach must be positive")
    rejected(_with(step, point=((x, Fraction(0)),)), context, "every variable")
    rejected(replace(step, conclusion="convex"), context, "concludes convex")


def test_a_line_where_f_is_undefined_is_rejected() -> None:
    f = parse_expression("log(x - y) + 0*x")
    fact = LineFact(
        point=((x, Fraction(0)), (y, Fraction(0))),
        direction=((x, Fraction(1)), (y, Fraction(1))),
        reach=Fraction(1),
        value=sp.log(0),
        slope=sp.Integer(0),
    )
    step = ProofStep("affine-on-line", f, "not-strictly-convex", facts=(fact,))
    rejected(step, Context((x, y), {x: REAL, y: REAL}))


# --- soundness: random functions of affine forms ------------------------------------------

EXAMPLES = int(os.environ.get("CONVEXITY_FUZZ_EXAMPLES", "12"))
_OUTER = [
    lambda u: sp.exp(u),
    lambda u: u**2,
    lambda u: sp.log(1 + sp.exp(u)) + u**2,
    lambda u: u**4 + u**2,
]


def _random_function(rng: random.Random, variables, spanning: bool) -> sp.Expr:
    n = len(variables)
    while True:
        count = n if spanning else n - 1
        rows = [[rng.randint(-2, 2) for _ in range(n)] for _ in range(count)]
        rank = sp.Matrix(rows).rank()
        every = all(any(r[j] for r in rows) for j in range(n))
        if every and ((spanning and rank == n) or (not spanning and 0 < rank < n)):
            break
    terms = []
    for row in rows:
        form = sum(c * v for c, v in zip(row, variables, strict=True)) + rng.randint(-1, 1)
        terms.append(rng.choice(_OUTER)(form))
    return sp.Add(*terms)


@pytest.mark.parametrize("seed", range(EXAMPLES))
def test_spanning_forms_are_never_refuted_and_planted_ones_are_found(seed: int) -> None:
    rng = random.Random(seed)
    names = ["x", "y", "z"][: rng.choice([2, 3])]
    variables = tuple(make_symbol(n) for n in names)
    strict = _random_function(rng, variables, spanning=True)
    assert flat.structural(problem(str(strict), names)) is None, strict
    planted = _random_function(rng, variables, spanning=False)
    found = flat.structural(problem(str(planted), names))
    assert found is not None, planted
    if isinstance(found, ProofStep):
        (fact,) = found.facts
        _recheck_line(found.subject, fact, {})


def _recheck_line(f: sp.Expr, fact: LineFact, pinned: dict) -> None:
    """f(p + t·v) − (A + B·t) is 0 at points of the segment, at 60 digits (mpmath via
    SymPy's evalf), independently of the kernel."""
    at = {s: sp.Rational(q.numerator, q.denominator) for s, q in pinned.items()}
    point, direction = dict(fact.point), dict(fact.direction)
    for t in (Fraction(0), fact.reach, -fact.reach, fact.reach / 3):
        q = sp.Rational(t.numerator, t.denominator)
        env = {
            **at,
            **{
                s: sp.Rational(p.numerator, p.denominator)
                + q * sp.Rational(direction[s].numerator, direction[s].denominator)
                for s, p in point.items()
            },
        }
        value = sp.N(f.xreplace(env), 60)
        line = sp.N((fact.value + fact.slope * T).xreplace({T: q, **at}), 60)
        assert value.is_real and abs(value - line) < sp.Float(10) ** -50, (f, t, value, line)
