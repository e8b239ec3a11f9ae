"""Monotonicity: the provers in one variable, the ordered-pair search, and the
decider end to end through ``check`` (every decided verdict replays through the
checker: the suite runs with internal errors raised)."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy

from convexity_proofs import check
from convexity_proofs._parser import make_symbol, parse_expression
from convexity_proofs._values import POSITIVE, REAL, Status, interval_domain
from convexity_proofs.provers import monotone

from ._independent_monotone import recheck_ordered

x, y = make_symbol("x"), make_symbol("y")


def box(expr: sympy.Expr, **domains) -> dict:
    return {s: domains.get(s.name, REAL) for s in expr.free_symbols}


def prove(text: str, v: str = "x", **domains):
    """The first prover's step about f in v whose conclusion is monotone, with its rule."""
    f = parse_expression(text)
    symbol = make_symbol(v)
    for prover in (monotone.composition, monotone.gradient_sign, monotone.first_derivative_exact):
        step = prover(f, symbol, box(f, **domains))
        if not isinstance(step, str):
            return step
    return None


# --- provers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "domains", "conclusion", "rule"),
    [
        ("max(0, x)", {}, "nondecreasing", "monotone-composition"),
        ("relu(x) + 2*x", {}, "increasing", "monotone-sum"),
        ("exp(x) - exp(-x)", {}, "increasing", "monotone-sum"),
        ("-log(x)", {"x": POSITIVE}, "decreasing", "monotone-scaling"),
        ("x*exp(x)", {"x": POSITIVE}, "increasing", "monotone-product"),
        ("sqrt(x)", {"x": interval_domain(0, 4)}, "increasing", "monotone-composition"),
        ("1/x", {"x": POSITIVE}, "decreasing", "monotone-composition"),
        ("y", {}, "constant", "constant"),
        ("x", {}, "increasing", "monotone-variable"),
        ("x*y", {"y": POSITIVE}, "increasing", "monotone-scaling"),
        ("x*y", {"y": interval_domain(-2, 0)}, "nonincreasing", "monotone-scaling"),
        ("logsumexp(x, y)", {}, "increasing", "monotone-composition"),
        ("max(x, 2*x)", {}, "increasing", "monotone-composition"),
        ("min(x, x**3)", {}, "increasing", "monotone-composition"),
        ("min(-x, -exp(x))", {}, "decreasing", "monotone-composition"),
        ("max(x, 1)", {}, "nondecreasing", "monotone-composition"),
        ("max(x, y*x)", {"y": interval_domain(0, 1)}, "nondecreasing", "monotone-composition"),
    ],
)
def test_the_lattice_proves_monotone_compositions(text, domains, conclusion, rule) -> None:
    f = parse_expression(text)
    step = monotone.composition(f, x, box(f, **domains))
    assert not isinstance(step, str), step
    assert (step.rule, step.conclusion, step.subject) == (rule, conclusion, f)


@pytest.mark.parametrize(
    "text", ["x**2", "sin(x)", "x*y", "exp(x) - x", "abs(x)", "h*x", "x - exp(x)"]
)
def test_the_lattice_proves_nothing_about_nonmonotone_functions(text) -> None:
    f = parse_expression(text)
    assert isinstance(monotone.composition(f, x, box(f)), str)


def test_the_gradient_sign_decides_smooth_functions_and_refuses_kinks() -> None:
    f = parse_expression("x + sin(x)/2")
    step = monotone.gradient_sign(f, x, box(f))
    assert not isinstance(step, str)
    assert (step.rule, step.conclusion) == ("gradient-sign", "increasing")
    assert isinstance(monotone.gradient_sign(parse_expression("max(0, x)"), x, {x: REAL}), str)
    assert isinstance(monotone.gradient_sign(parse_expression("sin(x)"), x, {x: REAL}), str)


def test_the_exact_derivative_sign_gives_strictness_for_rational_functions() -> None:
    f = parse_expression("x**3")
    step = monotone.first_derivative_exact(f, x, {x: REAL})
    assert not isinstance(step, str)
    assert (step.rule, step.conclusion) == ("first-derivative-exact", "increasing")
    g = parse_expression("-x**5 - x")
    step = monotone.first_derivative_exact(g, x, {x: REAL}, prefer=-1)
    assert not isinstance(step, str) and step.conclusion == "decreasing"
    # Other symbols: f' is not a function of one variable.
    h = parse_expression("a*x**3")
    assert isinstance(monotone.first_derivative_exact(h, x, box(h)), str)
    assert isinstance(monotone.first_derivative_exact(parse_expression("x**2"), x, {x: REAL}), str)


def test_implied_conclusions() -> None:
    assert monotone.implies("increasing", "nondecreasing")
    assert monotone.implies("constant", "nonincreasing")
    assert not monotone.implies("constant", "increasing")
    assert not monotone.implies("nondecreasing", "increasing")
    assert not monotone.implies("decreasing", "nondecreasing")


# --- end to end --------------------------------------------------------------------------


def verdict(text, variables, prop, domain=None, parameters=None):
    return check(text, variables, prop, domain, parameters=parameters, timeout=60)


def test_relu_is_nondecreasing() -> None:
    v = verdict("max(0, x)", ["x"], "nondecreasing")
    assert v.status is Status.PROVED
    assert [s.rule for s in v.proof] == ["monotone-composition"]


def test_relu_is_not_increasing_by_an_exact_flat_pair() -> None:
    v = verdict("max(0, x)", ["x"], "increasing")
    assert v.status is Status.REFUTED
    assert v.witness.kind == "ordered" and v.witness.relation == ">="
    recheck_ordered(v.claim, v.witness.to_json())


@pytest.mark.parametrize("text", ["max(x, 2*x)", "min(x, x**3)"])
def test_a_max_or_min_of_strictly_increasing_arguments_is_increasing(text) -> None:
    v = verdict(text, ["x"], "increasing")
    assert v.status is Status.PROVED
    assert [(s.rule, s.conclusion) for s in v.proof] == [("monotone-composition", "increasing")]
    # The facts stay the atom's weak rows, one per argument.
    assert {(f.property, f.argument) for f in v.proof[0].facts} == {
        ("increasing", 0),
        ("increasing", 1),
    }


def test_a_max_with_a_constant_argument_is_not_increasing() -> None:
    v = verdict("max(x, 1)", ["x"], "increasing")
    assert v.status is Status.REFUTED
    assert v.witness.kind == "ordered"
    recheck_ordered(v.claim, v.witness.to_json())
    assert v.witness.relation == ">="  # f(a) >= f(b) with a < b: flat, e.g. from -2 to -1
    f = parse_expression("max(x, 1)")
    assert f.subs(x, -2) == f.subs(x, -1) == 1


def test_a_max_of_arguments_moving_apart_is_not_increasing() -> None:
    v = verdict("max(x, -x)", ["x"], "increasing")
    assert v.status is not Status.PROVED
    f = parse_expression("max(x, -x)")
    assert isinstance(monotone.composition(f, x, box(f)), str)


def test_logsumexp_is_increasing_in_each_variable() -> None:
    v = verdict("logsumexp(x, y)", ["x", "y"], "increasing")
    assert v.status is Status.PROVED
    assert [s.rule for s in v.proof] == ["in-variable", "in-variable"]
    assert {s.facts[0].variables for s in v.proof} == {(x,), (y,)}


def test_sigmoid_is_increasing() -> None:
    # Strict by the registry's strictly-increasing rows (or the gradient's sign).
    v = verdict("sigmoid(x)", ["x"], "increasing")
    assert v.status is Status.PROVED
    assert v.proof[0].conclusion == "increasing"


def test_cube_is_increasing() -> None:
    v = verdict("x**3", ["x"], "increasing")
    assert v.status is Status.PROVED
    assert v.proof[0].conclusion == "increasing"


def test_x_cubed_minus_a_small_slope_is_increasing_by_the_exact_sign() -> None:
    v = verdict("x**3 + x**2 + x", ["x"], "increasing")  # f' = 3x² + 2x + 1 > 0
    assert v.status is Status.PROVED
    assert v.proof[0].rule == "first-derivative-exact"


def test_a_bilinear_form_is_refuted_with_an_ordered_witness() -> None:
    v = verdict("h1*x2 + h2*x1", ["h1", "h2"], "nondecreasing", {"x1": "real", "x2": "real"})
    assert v.status is Status.REFUTED
    w = v.witness
    assert w.kind == "ordered" and w.relation == ">"
    assert {n for n, _ in w.parameters} == {"x1", "x2"}
    assert all(q.denominator == 1 and abs(q) <= 3 for _, q in (*w.a, *w.b, *w.parameters))
    recheck_ordered(v.claim, w.to_json())


def test_a_square_is_nonmonotone() -> None:
    v = verdict("x**2", ["x"], "nonmonotone")
    assert v.status is Status.PROVED
    assert [s.conclusion for s in v.proof] == ["not-nondecreasing", "not-nonincreasing"]
    for step in v.proof:
        recheck_ordered(v.claim, step.witness.to_json())


def test_exp_is_not_nonmonotone_by_a_proof() -> None:
    v = verdict("exp(x)", ["x"], "nonmonotone")
    assert v.status is Status.REFUTED
    assert v.refuting_proof and v.refuting_proof[0].conclusion in ("nondecreasing", "increasing")


def test_a_product_with_a_positive_parameter_is_nondecreasing() -> None:
    v = verdict("x*y", ["x"], "nondecreasing", {"y": "positive"})
    assert v.status is Status.PROVED


def test_a_difference_is_nonmonotone_in_two_variables() -> None:
    v = verdict("x - y", ["x", "y"], "nonmonotone")
    assert v.status is Status.PROVED


def test_nonincreasing_and_decreasing() -> None:
    assert verdict("exp(-x)", ["x"], "decreasing").status is Status.PROVED
    assert verdict("-x**3", ["x"], "nonincreasing").status is Status.PROVED
    v = verdict("sin(x)", ["x"], "nonincreasing")
    assert v.status is Status.REFUTED and v.witness.relation == "<"
    recheck_ordered(v.claim, v.witness.to_json())


def test_quantifier_some_is_proved_at_one_pinned_value() -> None:
    v = verdict("a*x", ["x"], "nondecreasing", {"a": [-1, 1]}, parameters="some")
    assert v.status is Status.PROVED
    assert v.proof[0].rule == "at-parameters"


def test_quantifier_some_is_refuted_by_a_witness_for_every_value() -> None:
    v = verdict("x**2 + a", ["x"], "nondecreasing", {"a": [0, 1]}, parameters="some")
    assert v.status is Status.REFUTED
    assert v.witness.box is not None
    recheck_ordered(v.claim, v.witness.to_json())


def test_quantifier_some_without_a_box_is_unknown() -> None:
    v = verdict("x**2 + a", ["x"], "nondecreasing", {"a": "real"}, parameters="some")
    assert v.status is Status.UNKNOWN


def test_nonmonotone_for_every_parameter_value_is_refuted_at_one_value() -> None:
    v = verdict("a*x", ["x"], "nonmonotone", {"a": [-1, 1]})
    assert v.status is Status.REFUTED
    assert v.refuting_proof[0].rule == "at-parameters"


def test_nonmonotone_for_every_parameter_value_by_boxed_witnesses() -> None:
    v = verdict("x**2 + a", ["x"], "nonmonotone", {"a": [0, 1]})
    assert v.status is Status.PROVED
    assert all(step.witness.box is not None for step in v.proof)


def test_nonmonotone_for_every_value_without_a_box_is_unknown_with_a_note() -> None:
    v = verdict("x**2 + a", ["x"], "nonmonotone", {"a": "real"})
    assert v.status is Status.UNKNOWN
    assert any("every parameter value" in a.outcome for a in v.attempts)


def test_nonmonotone_for_some_value() -> None:
    v = verdict("x**2 + a*x", ["x"], "nonmonotone", {"a": [-1, 1]}, parameters="some")
    assert v.status is Status.PROVED
    assert {tuple(s.witness.parameters) for s in v.proof} == {(("a", Fraction(0)),)}


def test_nothing_is_decided_where_f_is_not_defined_everywhere() -> None:
    v = verdict("log(x)", ["x"], "increasing")
    assert v.status is Status.UNKNOWN
    assert any("defined" in a.outcome for a in v.attempts)
    assert verdict("log(x)", ["x"], "increasing", {"x": "positive"}).status is Status.PROVED


def test_a_witness_refutes_where_f_is_not_defined_everywhere_but_no_proof_counts() -> None:
    # 1/x on the reals: it falls from 1/3 to 1 (a segment where it is defined) ...
    falls = check("1/x", ["x"], "nondecreasing")
    assert falls.status is Status.REFUTED and falls.witness.kind == "ordered"
    # ... and it is nonincreasing on each side of 0, but no proof holds across the pole
    # (and no witness may cross it).
    assert check("1/x", ["x"], "nonincreasing").status is Status.UNKNOWN


@pytest.mark.parametrize(
    ("function", "prop"),
    [("x - 1/(1 + 1/x)", "increasing"), ("atan(x) + atan(1/x)", "nondecreasing")],
)
def test_an_exact_sign_with_a_quotient_under_a_negative_power_replays(function, prop) -> None:
    # The bases of negative powers (1 + 1/x) are quotients: they vanish where their
    # numerators do, and the checker reads them so (it once refused them).
    verdict = check(function, ["x"], prop, domain={"x": "positive"})
    assert verdict.status is Status.PROVED
    assert verdict.proof[0].rule == "first-derivative-exact"
