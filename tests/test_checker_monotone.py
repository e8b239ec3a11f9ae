"""Replays of the monotonicity rules and of ordered-pair witnesses, and forged steps
and witnesses the checker rejects."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import replace
from fractions import Fraction as F

import pytest
import sympy

from convexity_proofs import check
from convexity_proofs._obligations import attach
from convexity_proofs._parser import make_symbol, parse_expression
from convexity_proofs._proof import (
    AtomFact,
    ContextFact,
    DefinedFact,
    ProofStep,
    SignFact,
    UnivariateSignFact,
    step_from_json,
)
from convexity_proofs._values import (
    POSITIVE,
    REAL,
    Enclosure,
    OrderedWitness,
    Status,
    interval_domain,
    witness_from_json,
)
from convexity_proofs.checker import replay
from convexity_proofs.checker._core import Checker, CheckFailure, Context
from convexity_proofs.checker.witness import check_witness
from convexity_proofs.kernel.expressions import ExpressionReader, ExpressionTable
from convexity_proofs.kernel.intervals import Interval
from convexity_proofs.provers import monotone
from convexity_proofs.refuters import ordered

x, y, a = make_symbol("x"), make_symbol("y"), make_symbol("a")


def step_for(text: str, prover=monotone.composition, v=x, prefer=None, **domains):
    f = parse_expression(text)
    box = {s: domains.get(s.name, REAL) for s in f.free_symbols}
    args = () if prefer is None else (prefer,)
    step = prover(f, v, box, *args)
    assert not isinstance(step, str), step
    return step, Context((v,), box)


def replays(step: ProofStep, context: Context) -> str:
    return Checker().check(step, context)


def rejected(step: ProofStep, context: Context, *words: str) -> str:
    with pytest.raises(CheckFailure) as info:
        Checker().check(step, context)
    text = str(info.value)
    for w in words:
        assert w in text, text
    return text


def round_trip(step: ProofStep) -> ProofStep:
    table = ExpressionTable()
    data = json.loads(json.dumps(step.to_json(table)))
    reader = ExpressionReader(json.loads(json.dumps(table.to_json())))
    return step_from_json(data, reader, witness_from_json)


# --- the prover's steps replay -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "prover", "domains"),
    [
        ("max(0, x)", monotone.composition, {}),
        ("relu(x) + 2*x", monotone.composition, {}),
        ("-log(x)", monotone.composition, {"x": POSITIVE}),
        ("x*exp(x)", monotone.composition, {"x": POSITIVE}),
        ("sqrt(x)*log(1 + x)", monotone.composition, {"x": interval_domain(0, 4)}),
        ("x*y", monotone.composition, {"y": POSITIVE}),
        ("sigmoid(x)", monotone.composition, {}),
        ("logsumexp(x, y)", monotone.composition, {}),
        ("max(x, 2*x)", monotone.composition, {}),
        ("min(x, x**3)", monotone.composition, {}),
        ("min(-x, -exp(x))", monotone.composition, {}),
        ("1/x", monotone.composition, {"x": POSITIVE}),
        ("y", monotone.composition, {}),
        ("x", monotone.composition, {}),
        ("x + sin(x)/2", monotone.gradient_sign, {}),
        ("exp(-x)", monotone.gradient_sign, {}),
        ("x**3 + x", monotone.first_derivative_exact, {}),
        ("x**3", monotone.first_derivative_exact, {}),
        ("1/x", monotone.first_derivative_exact, {"x": POSITIVE}),
    ],
)
def test_prover_steps_replay_also_from_json(text, prover, domains) -> None:
    step, context = step_for(text, prover, **domains)
    assert replays(step, context) == step.conclusion
    assert replays(round_trip(step), context) == step.conclusion


def test_decreasing_by_the_exact_sign_of_minus_f_prime() -> None:
    step, context = step_for("-x**3", monotone.first_derivative_exact, prefer=-1)
    assert step.conclusion == "decreasing"
    assert replays(step, context) == "decreasing"


# --- forged lattice steps ---------------------------------------------------------------------


def test_a_wrong_direction_is_rejected_everywhere() -> None:
    for text, prover, domains in [
        ("max(0, x)", monotone.composition, {}),
        ("relu(x) + 2*x", monotone.composition, {}),
        ("-log(x)", monotone.composition, {"x": POSITIVE}),
        ("x*exp(x)", monotone.composition, {"x": POSITIVE}),
        ("x + sin(x)/2", monotone.gradient_sign, {}),
        ("x**3 + x", monotone.first_derivative_exact, {}),
    ]:
        step, context = step_for(text, prover, **domains)
        flipped = {
            "nondecreasing": "nonincreasing",
            "increasing": "decreasing",
            "decreasing": "increasing",
        }[step.conclusion]
        rejected(replace(step, conclusion=flipped), context)


def test_strictness_needs_a_strict_reason() -> None:
    # max(0, x): the max row is only nondecreasing (and 0 does not move).
    step, context = step_for("max(0, x)")
    rejected(replace(step, conclusion="increasing"), context, "strict")
    # x*y with y >= 0: the factor may be 0.
    step, context = step_for("x*y", y=interval_domain(0, 1))
    assert step.conclusion == "nondecreasing"
    rejected(replace(step, conclusion="increasing"), context)
    # x**3: the gradient 3x² is only nonnegative.
    step, context = step_for("x**3", monotone.gradient_sign)
    assert step.conclusion == "nondecreasing"
    rejected(replace(step, conclusion="increasing"), context)
    # x*exp(x) on x >= 0 with nonnegative (not positive) factors.
    step, context = step_for("x*exp(x)", x=interval_domain(0, 1))
    weak = replace(step, conclusion="nondecreasing")
    assert replays(weak, context) == "nondecreasing"
    nonnegative = [SignFact(f.subject, "nonnegative", f.enclosure) for f in step.facts_of(SignFact)]
    forged = replace(step, facts=tuple(nonnegative))
    assert replays(replace(forged, conclusion="nondecreasing"), context) == "nondecreasing"
    rejected(replace(forged, conclusion="increasing"), context, "positive")


def test_a_missing_or_forged_sign_fact_is_rejected() -> None:
    step, context = step_for("-log(x)", x=POSITIVE)
    assert step.rule == "monotone-scaling"
    rejected(replace(step, facts=()), context, "sign fact")
    fact = step.facts[0]
    rejected(replace(step, facts=(SignFact(fact.subject, "positive", fact.enclosure),)), context)
    # sqrt needs a nonnegative argument: the lattice proves nothing on [-1, 4].
    f = parse_expression("sqrt(x)")
    assert isinstance(monotone.composition(f, x, {x: interval_domain(-1, 4)}), str)


def test_a_product_without_nonnegative_factors_is_rejected() -> None:
    step, context = step_for("x*exp(x)", x=POSITIVE)
    assert step.rule == "monotone-product"
    rejected(replace(step, facts=step.facts[:1]), context, "no sign fact")
    # The same step on a box where x may be negative: its sign facts fail.
    wider = Context((x,), {x: REAL})
    rejected(step, wider)


def test_a_composition_with_a_forged_atom_fact_is_rejected() -> None:
    step, context = step_for("exp(-x)")
    assert step.rule == "monotone-composition" and step.conclusion in ("decreasing",)
    atom = step.facts_of(AtomFact)[0]
    forged = replace(atom, property="decreasing")
    others = [f for f in step.facts if f is not atom]
    rejected(replace(step, facts=(forged, *others)), context)
    rejected(replace(step, facts=tuple(others)), context, "no atom fact")
    # A curvature fact proves no monotonicity.
    curvature = AtomFact(atom.atom, "convex", 0, None)
    rejected(replace(step, facts=(curvature, *step.facts)), context, "names no argument")


def test_a_strict_max_needs_every_argument_strictly_monotone() -> None:
    # One argument only weakly increasing (y*x, y in [0, 1]): the max is nondecreasing.
    step, context = step_for("max(x, y*x)", y=interval_domain(0, 1))
    assert (step.rule, step.conclusion) == ("monotone-composition", "nondecreasing")
    assert replays(step, context) == "nondecreasing"
    rejected(replace(step, conclusion="increasing"), context, "strictly", "every argument")
    # A constant argument can flatten the max.
    step, context = step_for("max(x, 1)")
    assert step.conclusion == "nondecreasing"
    rejected(replace(step, conclusion="increasing"), context, "strictly")
    # The strict step itself replays; its direction cannot be flipped, and the
    # strictness is the max's (min's) own: another atom's row gets none of it.
    step, context = step_for("max(x, 2*x)")
    assert replays(step, context) == "increasing"
    rejected(replace(step, conclusion="decreasing"), context)
    step, context = step_for("min(-x, -exp(x))")
    assert replays(step, context) == "decreasing"
    rejected(replace(step, conclusion="increasing"), context)
    step, context = step_for("logsumexp(x, 2*x)")
    weak = tuple(
        replace(f, property="increasing") if isinstance(f, AtomFact) else f for f in step.facts
    )
    rejected(replace(step, facts=weak), context, "strictly")


def test_a_row_the_atom_does_not_have_is_rejected() -> None:
    # log is increasing, never strictly decreasing: claiming -log(x) increasing by the
    # atom's "decreasing" row fails.
    f = parse_expression("log(x)")
    forged = ProofStep(
        "monotone-composition",
        f,
        "decreasing",
        (
            AtomFact("log", "strictly-decreasing", 0, 0),
            SignFact(x, "positive", Interval(0, None, True, True)),
        ),
    )
    rejected(forged, Context((x,), {x: POSITIVE}))


def test_children_must_be_about_parts() -> None:
    step, context = step_for("relu(x) + 2*x")
    child = step.children[0]
    moved = replace(child, subject=child.subject + 1)
    rejected(replace(step, children=(moved,)), context, "about no part")
    rejected(replace(step, children=()), context, "no child step")


def test_monotone_rules_speak_of_one_variable() -> None:
    step, _ = step_for("max(0, x)")
    rejected(step, Context((x, y), {x: REAL, y: REAL}), "one variable")


def test_constant_and_variable_steps_check_their_subject() -> None:
    rejected(ProofStep("constant", x + y, "constant"), Context((x,), {x: REAL, y: REAL}))
    assert replays(ProofStep("constant", y, "constant"), Context((x,), {x: REAL, y: REAL}))
    rejected(ProofStep("monotone-variable", y, "increasing"), Context((x,), {x: REAL, y: REAL}))


def test_a_gradient_sign_about_another_expression_is_rejected() -> None:
    step, context = step_for("x + sin(x)/2", monotone.gradient_sign)
    sign = step.facts_of(SignFact)[0]
    defined = step.facts_of(DefinedFact)[0]
    forged = SignFact(sign.subject + 1, "positive", sign.enclosure)
    rejected(replace(step, facts=(forged, defined)), context, "not about")
    rejected(replace(step, facts=(sign,)), context)  # no definedness fact
    kink = ProofStep("gradient-sign", sympy.Max(0, x), "nondecreasing", step.facts)
    rejected(kink, context, "not smooth")


def test_an_exact_sign_with_forged_data_is_rejected() -> None:
    step, context = step_for("x**3 + x", monotone.first_derivative_exact)
    fact = step.facts_of(UnivariateSignFact)[0]
    defined = step.facts_of(DefinedFact)[0]
    wrong = replace(fact, numerator=(F(1),))
    rejected(replace(step, facts=(wrong, defined)), context, "numerator")
    negated = replace(fact, expression=-fact.expression)
    rejected(replace(step, facts=(negated, defined)), context)
    # x**2: f' = 2x changes sign; a forged fact with no root counted is rejected.
    f = parse_expression("x**2")
    forged = ProofStep(
        "first-derivative-exact",
        f,
        "increasing",
        (
            UnivariateSignFact(
                x, 2 * x, (F(2), F(0)), (F(1),), Interval(None, None, True, True), (), (0,), F(1)
            ),
            DefinedFact(f, Interval(0, None)),
        ),
    )
    rejected(forged, Context((x,), {x: REAL}))
    # Parameters in f': the exact decision does not apply.
    g = parse_expression("a*x**3")
    forged = replace(
        step, subject=g, facts=(fact, DefinedFact(g, Interval(None, None, True, True)))
    )
    rejected(forged, Context((x,), {x: REAL, a: interval_domain(1, 2)}))


# --- ordered witnesses ---------------------------------------------------------------------


class _Setup:
    def __init__(self, text: str, variables: list[str], prop: str, domain=None) -> None:
        v = check(text, variables, prop, domain, timeout=60)
        self.verdict = v
        self.claim = v.claim
        self.carrier = attach(v.claim.function, v.claim.obligations)
        self.context = Context(v.claim.variables, dict(v.claim.domains), v.claim.obligations)


def _ok(setup: _Setup, witness: OrderedWitness, expect: str, context=None) -> None:
    check_witness(witness, carrier=setup.carrier, context=context or setup.context, expect=expect)


def _bad(setup: _Setup, witness: OrderedWitness, expect: str, *words: str, context=None) -> str:
    with pytest.raises(CheckFailure) as info:
        _ok(setup, witness, expect, context)
    text = str(info.value)
    for w in words:
        assert w in text, text
    return text


@pytest.fixture(scope="module")
def sine() -> tuple[_Setup, OrderedWitness]:
    s = _Setup("sin(x)", ["x"], "nondecreasing")
    assert s.verdict.status is Status.REFUTED
    w = witness_from_json(json.loads(json.dumps(s.verdict.witness.to_json())))
    _ok(s, w, "not-nondecreasing")
    return s, w


def test_an_ordered_witness_replays_and_shows_only_its_relation(sine) -> None:
    s, w = sine
    _ok(s, w, "not-increasing")
    _bad(s, w, "not-nonincreasing", "does not show")
    _bad(s, replace(w, relation="<"), "not-nonincreasing", "do not show")
    _bad(s, replace(w, relation="=="), "not-nondecreasing", "unknown relation")


def test_points_must_be_ordered_and_distinct(sine) -> None:
    s, w = sine
    _bad(s, replace(w, a=w.b, b=w.a), "not-nondecreasing", "not ordered")
    _bad(s, replace(w, b=w.a), "not-nondecreasing", "equal")


def test_recorded_values_must_enclose_the_recomputed_ones(sine) -> None:
    s, w = sine
    values = dict(w.values)
    moved = Enclosure(values["f_a"].lo + 1, values["f_a"].hi + 1)
    _bad(s, replace(w, values=(("f_a", moved), ("f_b", values["f_b"]))), "not-nondecreasing")
    _bad(s, replace(w, values=(("f_a", values["f_a"]),)), "not-nondecreasing", "wrong set")
    _bad(s, replace(w, precision=7), "not-nondecreasing", "precision")


def test_names_and_domains_are_checked(sine) -> None:
    s, w = sine
    _bad(s, replace(w, a=(("y", F(0)),)), "not-nondecreasing", "point a")
    narrow = Context(s.context.variables, {x: interval_domain(0, 1)})
    _bad(s, w, "not-nondecreasing", "outside", context=narrow)


def test_an_exact_flat_pair_shows_not_increasing_only() -> None:
    s = _Setup("max(0, x)", ["x"], "increasing")
    w = s.verdict.witness
    assert w.relation == ">="
    _ok(s, w, "not-increasing")
    _bad(s, w, "not-nondecreasing", "does not show")
    _bad(s, replace(w, relation=">"), "not-increasing", "do not show")


def test_a_witness_where_the_written_function_is_undefined_is_rejected() -> None:
    claim_setup = _Setup("log(x)", ["x"], "nonincreasing", {"x": "positive"})
    assert claim_setup.verdict.status is Status.REFUTED
    # The same witness moved to x <= 0 on a real domain: the carrier is undefined there.
    w = claim_setup.verdict.witness
    real = Context((x,), {x: REAL}, claim_setup.claim.obligations)
    forged = replace(
        w,
        a=(("x", F(-1)),),
        b=(("x", F(1)),),
        values=(("f_a", Enclosure.exact(F(0))), ("f_b", Enclosure.exact(F(0)))),
    )
    _bad(claim_setup, forged, "not-nonincreasing", "defined", context=real)


def test_a_ranging_parameter_needs_a_box() -> None:
    s = _Setup("x**2 + a", ["x"], "nondecreasing", {"a": [0, 1]})
    w = s.verdict.witness
    assert s.verdict.status is Status.REFUTED and w.box is None
    pinned = s.context.pinned(dict((make_symbol(n), q) for n, q in w.parameters))
    _ok(s, w, "not-nondecreasing", context=pinned)
    _bad(s, w, "not-nondecreasing", "one parameter value")
    # Certified over the whole box: the same pair replays for every value.
    boxed = replace(w, box=(("a", F(0), F(1)),))
    _ok(s, boxed, "not-nondecreasing")
    # A box that does not cover the domain, or one where the relation fails.
    _bad(s, replace(w, box=(("a", F(0), F(1, 2)),)), "not-nondecreasing", "does not cover")
    t = _Setup("a*x", ["x"], "nondecreasing", {"a": [-1, 1]})
    tw = t.verdict.witness
    _bad(t, replace(tw, box=(("a", F(-1), F(1)),)), "not-nondecreasing", "not certified")


def test_the_search_certifies_on_the_carrier() -> None:
    s = _Setup("x**2 + a", ["x"], "nondecreasing", {"a": [0, 1]})
    from convexity_proofs._engine import Settings
    from convexity_proofs._problem import Problem
    from convexity_proofs.refuters._space import Deadline

    problem = Problem.for_claim(s.claim, Settings(), Deadline.after(30))
    w = ordered.search(problem, ">", boxed=True)
    assert w is not None and w.box == (("a", F(0), F(1)),)
    _ok(s, w, "not-nondecreasing")
    assert ordered.search(problem, "<", boxed=True) is not None
    unbounded = Problem.for_claim(
        _Setup("x**2 + a", ["x"], "nondecreasing", {"a": "real"}).claim,
        Settings(),
        Deadline.after(30),
    )
    assert ordered.search(unbounded, ">", boxed=True) is None


# --- claim-level replay --------------------------------------------------------------------


def test_forged_verdicts_do_not_replay() -> None:
    v = check("logsumexp(x, y)", ["x", "y"], "nondecreasing", timeout=60)
    assert v.status is Status.PROVED and replay(v).valid
    # One variable's root missing: not shown in y.
    assert not replay(dataclasses.replace(v, proof=v.proof[:1])).valid
    # Both roots about the same variable.
    twice = (v.proof[0], v.proof[0])
    assert not replay(dataclasses.replace(v, proof=twice)).valid
    # A proof of nondecreasing does not prove decreasing.
    w = check("sin(x)", ["x"], "nondecreasing", timeout=60)
    assert w.status is Status.REFUTED and replay(w).valid
    swapped = replace(w.witness, a=w.witness.b, b=w.witness.a)
    assert not replay(dataclasses.replace(w, witness=swapped)).valid
    m = check("x**2", ["x"], "nonmonotone", timeout=60)
    assert m.status is Status.PROVED and replay(m).valid
    assert not replay(dataclasses.replace(m, proof=m.proof[:1])).valid
    both_up = (m.proof[0], m.proof[0])
    assert not replay(dataclasses.replace(m, proof=both_up)).valid


def test_an_in_variable_root_names_one_variable() -> None:
    v = check("logsumexp(x, y)", ["x", "y"], "nondecreasing", timeout=60)
    root = v.proof[0]
    forged = replace(root, facts=(ContextFact((x, y)),))
    assert not replay(dataclasses.replace(v, proof=(forged, v.proof[1]))).valid


def test_a_witness_across_a_point_where_f_is_undefined_is_rejected() -> None:
    # 1/x on the reals: f(-1) = -1 < f(1) = 1 would "refute" nonincreasing, but the
    # segment crosses the pole, and 1/x is nonincreasing on each side of it.
    claim_setup = _Setup("1/x", ["x"], "nondecreasing", {"x": "positive"})
    real = Context((x,), {x: REAL}, claim_setup.claim.obligations)
    forged = OrderedWitness(
        a=(("x", F(-1)),),
        b=(("x", F(1)),),
        parameters=(),
        relation="<",
        values=(("f_a", Enclosure.exact(F(-1))), ("f_b", Enclosure.exact(F(1)))),
    )
    _bad(claim_setup, forged, "not-nonincreasing", "segment", context=real)


def test_a_witness_moving_two_variables_is_rejected() -> None:
    s = _Setup("x + y", ["x", "y"], "nondecreasing")
    both = OrderedWitness(
        a=(("x", F(0)), ("y", F(0))),
        b=(("x", F(1)), ("y", F(1))),
        parameters=(),
        relation="<",
        values=(("f_a", Enclosure.exact(F(0))), ("f_b", Enclosure.exact(F(2)))),
    )
    _bad(s, both, "not-nonincreasing", "more than one variable")
