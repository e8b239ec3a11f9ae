"""Replays of the log-product rule and of value witnesses (a point where f <= 0), and
forged steps and witnesses the checker rejects."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest
import sympy

from convexity_proofs._claimfile import build_claim
from convexity_proofs._parser import make_symbol, parse_expression
from convexity_proofs._proof import ProofStep, SignFact, step_from_json
from convexity_proofs._values import (
    NONNEGATIVE,
    POSITIVE,
    REAL,
    Enclosure,
    Status,
    ValueWitness,
    interval_domain,
)
from convexity_proofs.checker import log_concave as _rules  # noqa: F401  (registers)
from convexity_proofs.checker._core import Checker, CheckFailure, Context
from convexity_proofs.checker.claim import replay_verdict
from convexity_proofs.checker.log_concave import log_expansion
from convexity_proofs.checker.witness import check_witness
from convexity_proofs.kernel.expressions import ExpressionReader, ExpressionTable
from convexity_proofs.kernel.intervals import Interval
from convexity_proofs.provers.composition import analyse

x, y, w, b, a = (make_symbol(n) for n in ("x", "y", "w", "b", "a"))


def proof(text: str, variables=(x,), **domains) -> tuple[ProofStep, Context]:
    """The composer's proof of log(f) and its context."""
    f = parse_expression(text)
    subject = sympy.log(f)
    box = {s: domains.get(s.name, REAL) for s in f.free_symbols}
    result = analyse(subject, tuple(variables), box)
    assert result.step is not None, result.why
    return result.step, Context(tuple(variables), box)


def find(step: ProofStep, rule: str) -> ProofStep:
    stack = [step]
    while stack:
        s = stack.pop()
        if s.rule == rule:
            return s
        stack.extend(s.children)
    raise AssertionError(f"no {rule} step")


def rejected(step: ProofStep, context: Context, *words: str) -> str:
    with pytest.raises(CheckFailure) as info:
        Checker().check(step, context)
    text = str(info.value)
    for word in words:
        assert word in text, text
    return text


def round_trip(step: ProofStep) -> ProofStep:
    table = ExpressionTable()
    data = step.to_json(table)
    return step_from_json(data, ExpressionReader(table.to_json()), lambda w: w)


# --- the expansion ----------------------------------------------------------------------


def test_the_expansion_is_the_sum_of_the_logs_of_the_factors() -> None:
    depends = lambda e: bool(e.free_symbols & {x})  # noqa: E731
    expansion = log_expansion(sympy.log(x * sympy.exp(-x)), depends)
    assert expansion is not None
    assert expansion.expanded == sympy.log(x) - x
    assert set(expansion.positive) == {x, sympy.exp(-x)}
    power = log_expansion(sympy.log(1 / (1 + sympy.exp(-x))), depends)
    assert power is not None
    assert power.expanded == -sympy.log(1 + sympy.exp(-x))
    assert power.positive == (1 + sympy.exp(-x),)
    assert power.exponents == (-1,)


def test_constant_factors_are_one_log_and_must_be_positive() -> None:
    depends = lambda e: bool(e.free_symbols & {x})  # noqa: E731
    expansion = log_expansion(sympy.log(a * x**2), depends)
    assert expansion is not None
    assert expansion.expanded == sympy.log(a) + 2 * sympy.log(x)
    assert expansion.positive == (a, x)


def test_no_expansion_for_other_subjects() -> None:
    depends = lambda e: bool(e.free_symbols & {x})  # noqa: E731
    assert log_expansion(sympy.log(1 + x**2), depends) is None
    assert log_expansion(sympy.exp(x) * x, depends) is None
    assert log_expansion(sympy.log(x**x), depends) is None  # a variable exponent


# --- replays of the prover's steps ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "variables", "domains", "conclusion"),
    [
        ("x*exp(-x)", (x,), {"x": POSITIVE}, "concave"),
        ("x*exp(-x**2)/(1 + exp(-x))", (x,), {"x": POSITIVE}, "concave"),
        ("1/x", (x,), {"x": POSITIVE}, "convex"),
        ("sqrt(x)*exp(-x)", (x,), {"x": POSITIVE}, "concave"),
        ("x*y", (x, y), {"x": POSITIVE, "y": POSITIVE}, "concave"),
        ("x**a", (x,), {"x": POSITIVE, "a": NONNEGATIVE}, "concave"),
        ("a*exp(x**2)", (x,), {"a": POSITIVE}, "convex"),
        ("sigmoid(x)*sigmoid(y)", (x, y), {}, "concave"),
        ("(1 + exp(-y*(w*x + b)))**(-1) * exp(-w**2)", (w, b), {}, "concave"),
    ],
)
def test_log_product_steps_replay(text, variables, domains, conclusion) -> None:
    step, context = proof(text, variables, **{k: v for k, v in domains.items()})
    assert step.rule == "log-product"
    assert step.conclusion == conclusion
    assert Checker().check(step, context) == conclusion
    assert Checker().check(round_trip(step), context) == conclusion


def test_the_step_records_a_positivity_fact_for_each_factor() -> None:
    step, _ = proof("x*exp(-x)", x=POSITIVE)
    facts = step.facts_of(SignFact)
    assert {f.subject for f in facts} == {x, sympy.exp(-x)}
    assert all(f.sign == "positive" for f in facts)


def test_a_factor_that_is_not_positive_on_the_whole_box_gives_no_proof() -> None:
    f = parse_expression("x*exp(-x)")
    result = analyse(sympy.log(f), (x,), {x: REAL})
    assert result.step is None
    # a parameter factor that may be negative: no proof for every value of a
    g = parse_expression("a*exp(-x**2)")
    assert analyse(sympy.log(g), (x,), {x: REAL, a: interval_domain(-1, 1)}).step is None


# --- forged steps -----------------------------------------------------------------------


def test_a_missing_positivity_fact_is_rejected() -> None:
    step, context = proof("x*exp(-x)", x=POSITIVE)
    kept = tuple(f for f in step.facts if f.subject != x)
    rejected(replace(step, facts=kept), context, "log-product", "no sign fact shows x")


def test_a_factor_not_positive_in_the_context_is_rejected() -> None:
    step, _ = proof("x*exp(-x)", x=POSITIVE)
    # the same step replayed where x ranges over the reals: x > 0 is not shown
    rejected(step, Context((x,), {x: REAL}), "does not show it is positive")


def test_a_forged_enclosure_of_a_factor_is_rejected() -> None:
    step, context = proof("a*exp(-x**2)", a=POSITIVE)
    forged = tuple(
        SignFact(f.subject, f.sign, Interval(Fraction(1), None)) if f.subject == a else f
        for f in step.facts
    )
    rejected(replace(step, facts=forged), context, "does not enclose")
    # and where a may be negative, a recorded "positive" does not replay
    parameter_box = Context((x,), {x: REAL, a: interval_domain(-1, 1)})
    rejected(step, parameter_box, "positive")


def test_a_child_about_a_different_expansion_is_rejected() -> None:
    step, context = proof("x*exp(-x)", x=POSITIVE)
    other = analyse(sympy.log(x) - 2 * x, (x,), {x: POSITIVE}).step
    assert other is not None
    rejected(replace(step, children=(other,)), context, "not the sum of the logs")


def test_a_conclusion_the_child_does_not_give_is_rejected() -> None:
    step, context = proof("x*exp(-x)", x=POSITIVE)
    rejected(replace(step, conclusion="convex"), context, "is concave")


def test_a_subject_that_is_no_log_of_a_product_is_rejected() -> None:
    step, context = proof("x*exp(-x)", x=POSITIVE)
    rejected(replace(step, subject=sympy.log(1 + x**2)), context, "not the log of a product")


def test_an_unneeded_sign_fact_is_rejected() -> None:
    step, context = proof("x*exp(-x)", x=POSITIVE)
    extra = SignFact(x + 1, "positive", Interval(Fraction(1), None, True))
    rejected(replace(step, facts=(*step.facts, extra)), context, "no condition of the rule")


def test_a_step_without_its_child_is_rejected() -> None:
    step, context = proof("x*exp(-x)", x=POSITIVE)
    rejected(replace(step, children=()), context, "needs one child")


# --- value witnesses ----------------------------------------------------------------------


def value_witness(point, value, *, parameters=(), precision=None, box=None) -> ValueWitness:
    return ValueWitness(
        point=tuple((k, Fraction(v)) for k, v in point),
        parameters=tuple((k, Fraction(v)) for k, v in parameters),
        relation="<=0",
        values=(("value", value),),
        precision=precision,
        box=box,
    )


def check(witness, f, context, expect="not-positive") -> None:
    check_witness(witness, carrier=f, context=context, expect=expect)


def test_a_value_witness_replays() -> None:
    context = Context((x,), {x: REAL})
    check(value_witness((("x", 0),), Enclosure.exact(Fraction(0))), x, context)
    check(value_witness((("x", -1),), Enclosure.exact(Fraction(-1))), x, context)


def test_a_value_witness_where_f_is_positive_is_rejected() -> None:
    context = Context((x,), {x: REAL})
    f = parse_expression("x**2 + 1")
    with pytest.raises(CheckFailure, match="does not enclose"):
        check(value_witness((("x", 0),), Enclosure.exact(Fraction(0))), f, context)
    with pytest.raises(CheckFailure, match="does not show f <= 0"):
        check(value_witness((("x", 0),), Enclosure.exact(Fraction(1))), f, context)


def test_a_value_witness_outside_the_domain_is_rejected() -> None:
    context = Context((x,), {x: POSITIVE})
    witness = value_witness((("x", -1),), Enclosure.exact(Fraction(-1)))
    with pytest.raises(CheckFailure, match="outside its domain"):
        check(witness, x, context)


def test_a_value_witness_where_f_is_undefined_is_rejected() -> None:
    claim = build_claim(
        {"name": "n", "function": "log(x)", "variables": ["x"], "property": "log-concave"}
    )
    from convexity_proofs._obligations import attach

    carrier = attach(claim.function, claim.obligations)
    context = Context((x,), {x: REAL}, claim.obligations)
    with pytest.raises(CheckFailure, match="cannot be evaluated"):
        check(value_witness((("x", -1),), Enclosure.exact(Fraction(-1))), carrier, context)


def test_a_value_witness_naming_the_wrong_symbols_is_rejected() -> None:
    context = Context((x,), {x: REAL})
    with pytest.raises(CheckFailure, match="gives"):
        check(value_witness((("y", 0),), Enclosure.exact(Fraction(0))), x, context)


def test_a_value_witness_shows_only_not_positive() -> None:
    context = Context((x,), {x: REAL})
    with pytest.raises(CheckFailure, match="does not show f is not-convex"):
        check(value_witness((("x", 0),), Enclosure.exact(Fraction(0))), x, context, "not-convex")
    bad = replace(value_witness((("x", 0),), Enclosure.exact(Fraction(0))), relation="<0")
    with pytest.raises(CheckFailure, match="unknown relation"):
        check(bad, x, context)


def test_a_value_witness_for_a_ranging_parameter_needs_a_box() -> None:
    f = x + a
    context = Context((x,), {x: interval_domain(0, 1), a: interval_domain(-2, -1)})
    witness = value_witness((("x", 0),), Enclosure.exact(Fraction(-2)), parameters=(("a", -2),))
    with pytest.raises(CheckFailure, match="certified at one parameter value"):
        check(witness, f, context)
    boxed = replace(witness, box=(("a", Fraction(-2), Fraction(-1)),))
    check(boxed, f, context)
    # a box on which f is positive somewhere does not replay
    wider = Context((x,), {x: interval_domain(0, 1), a: interval_domain(-2, 1)})
    with pytest.raises(CheckFailure, match="not certified for every parameter value"):
        check(replace(witness, box=(("a", Fraction(-2), Fraction(1)),)), f, wider)
    # a box that does not cover the parameter's domain
    with pytest.raises(CheckFailure, match="does not cover"):
        check(replace(witness, box=(("a", Fraction(-2), Fraction(-3, 2)),)), f, context)


def test_a_value_witness_with_a_ball_value_replays_at_its_precision() -> None:
    f = parse_expression("sigmoid(x) - 1/2")
    context = Context((x,), {x: REAL})
    from convexity_proofs.kernel.witness_values import value_at

    value = value_at(f, {x: Fraction(-1)}, 64)
    assert value is not None and not value.is_exact and value.hi < 0
    check(value_witness((("x", -1),), value, precision=64), f, context)
    with pytest.raises(CheckFailure, match="precision"):
        check(value_witness((("x", -1),), value, precision=65), f, context)


# --- the claim level ----------------------------------------------------------------------


def _claim(function, prop, **more):
    return build_claim(
        {"name": "n", "function": function, "variables": ["x"], "property": prop, **more}
    )


def test_a_value_witness_refutes_log_concavity_and_log_convexity_only() -> None:
    witness = value_witness((("x", 0),), Enclosure.exact(Fraction(0)))
    for prop in ("log-concave", "log-convex"):
        replay_verdict(_claim("x", prop), Status.REFUTED, witness=witness)
    with pytest.raises(CheckFailure):
        replay_verdict(_claim("x", "log-concave"), Status.PROVED, witness=witness)
    with pytest.raises(CheckFailure):
        replay_verdict(_claim("x", "convex"), Status.REFUTED, witness=witness)


def test_a_log_concavity_proof_is_about_log_f() -> None:
    claim = _claim("x*exp(-x)", "log-concave", domain={"x": "positive"})
    step, _ = proof("x*exp(-x)", x=POSITIVE)
    from convexity_proofs._definedness import definedness_facts
    from convexity_proofs._reductions import reduced_claim

    reduced = reduced_claim(claim)
    assert reduced is not None
    facts = definedness_facts(reduced.function, reduced.obligations, dict(reduced.domains))
    replay_verdict(claim, Status.PROVED, proof=(step,), definedness=facts)
    # the same proof does not show log-convexity
    other = _claim("x*exp(-x)", "log-convex", domain={"x": "positive"})
    with pytest.raises(CheckFailure, match="no step concludes"):
        replay_verdict(other, Status.PROVED, proof=(step,), definedness=facts)
    # nor is it a proof about f itself
    with pytest.raises(CheckFailure):
        replay_verdict(
            _claim("x*exp(-x)", "concave", domain={"x": "positive"}),
            Status.PROVED,
            proof=(step,),
            definedness=facts,
        )


def test_a_value_witness_without_a_box_does_not_refute_some_parameter_value() -> None:
    claim = build_claim(
        {
            "name": "n",
            "function": "x + a",
            "variables": ["x"],
            "property": "log-concave",
            "domain": {"x": [0, 1], "a": [-2, 2]},
            "parameters": "some",
        }
    )
    witness = value_witness((("x", 0),), Enclosure.exact(Fraction(-2)), parameters=(("a", -2),))
    with pytest.raises(CheckFailure, match="certified at one parameter value"):
        replay_verdict(claim, Status.REFUTED, witness=witness)
    # under "all" the same witness refutes
    every = replace(claim, quantifier=type(claim.quantifier)("all"))
    replay_verdict(every, Status.REFUTED, witness=witness)
