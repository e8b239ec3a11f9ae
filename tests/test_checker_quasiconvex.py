"""Replays of the DQCP rules and of level witnesses; forged steps and witnesses rejected."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest
import sympy

from convexity_proofs._obligations import attach
from convexity_proofs._parser import make_symbol, parse_expression
from convexity_proofs._proof import AtomFact, ProofStep, SignFact, step_from_json
from convexity_proofs._values import POSITIVE, REAL, Enclosure, LevelWitness, interval_domain
from convexity_proofs.checker._core import Checker, CheckFailure, Context
from convexity_proofs.checker.witness import check_witness
from convexity_proofs.kernel.expressions import ExpressionReader, ExpressionTable
from convexity_proofs.kernel.intervals import Interval
from convexity_proofs.provers.monotone import composition as monotone_composition
from convexity_proofs.provers.quasiconvex import prove_quasi

x, y, a = (make_symbol(n) for n in ("x", "y", "a"))


def proof(text: str, want: str, variables=(x,), monotone=False, **domains):
    expr = parse_expression(text)
    box = {s: domains.get(s.name, REAL) for s in expr.free_symbols | set(variables)}
    callback = None
    if monotone:

        def callback(e):
            step = monotone_composition(e, variables[0], box)
            return step if isinstance(step, ProofStep) else None

    step = prove_quasi(expr, tuple(variables), box, want, monotone=callback)
    assert step is not None
    return step, Context(tuple(variables), box)


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
    data = step.to_json(table)
    return step_from_json(data, ExpressionReader(table.to_json()), lambda w: w)


CASES = [
    ("sqrt(abs(x))", "quasiconvex", (x,), {}),
    ("-3*sqrt(abs(x))", "quasiconcave", (x,), {}),
    ("sqrt(abs(x)) + 5", "quasiconvex", (x,), {}),
    ("exp(-x**2 - y**2)", "quasiconcave", (x, y), {}),
    ("Max(sqrt(abs(x)), sqrt(abs(y)))", "quasiconvex", (x, y), {}),
    ("Min(-sqrt(abs(x)), -sqrt(abs(y)))", "quasiconcave", (x, y), {}),
    ("x/y", "quasilinear", (x, y), {"y": POSITIVE}),
    ("(x + 1)/(y - 3)", "quasilinear", (x, y), {"y": interval_domain(0, 1)}),
    ("x**2/sqrt(y)", "quasiconvex", (x, y), {"y": POSITIVE}),
    ("a*x**3", "quasilinear", (x,), {}),
    ("log(1 + exp(-x**2))", "quasiconcave", (x,), {}),
]


@pytest.mark.parametrize(("text", "want", "variables", "domains"), CASES)
def test_prover_steps_replay(text, want, variables, domains):
    step, context = proof(text, want, variables, **domains)
    assert replays(step, context) == step.conclusion
    assert replays(round_trip(step), context) == step.conclusion


def test_univariate_replays():
    step, context = proof("x**3 + x", "quasilinear", monotone=True)
    assert step.rule == "quasi-univariate"
    assert replays(step, context) == "quasilinear"
    assert replays(round_trip(step), context) == "quasilinear"


# --- forged steps -----------------------------------------------------------------------


def test_scaling_direction_and_sign():
    step, context = proof("-3*sqrt(abs(x))", "quasiconcave")
    rejected(replace(step, conclusion="quasiconvex"), context, "quasi-scaling")
    rejected(replace(step, facts=()), context, "quasi-scaling", "quasilinear")
    wrong = SignFact(sympy.Integer(-3), "nonnegative", Interval(-3, -3))
    rejected(replace(step, facts=(wrong,)), context, "quasi-scaling")
    shifted, context = proof("sqrt(abs(x)) + 5", "quasiconvex")
    rejected(replace(shifted, conclusion="quasiconcave"), context, "quasi-scaling")
    two = ProofStep(
        "quasi-scaling", parse_expression("sqrt(abs(x)) + sqrt(abs(x - 1))"), "quasiconvex"
    )
    rejected(two, context, "not one varying term")


def test_composition_forgeries():
    step, context = proof("sqrt(abs(x))", "quasiconvex")
    rejected(replace(step, conclusion="quasiconcave"), context, "quasi-composition")
    no_signs = replace(step, facts=tuple(f for f in step.facts if not isinstance(f, SignFact)))
    rejected(no_signs, context, "no sign fact")
    flipped = tuple(
        replace(f, property="decreasing") if isinstance(f, AtomFact) else f for f in step.facts
    )
    rejected(replace(step, facts=flipped), context, "quasi-composition")
    rejected(replace(step, subject=parse_expression("sqrt(abs(x)) + x")), context)
    rejected(replace(step, children=()), context, "no child step")
    two_args = ProofStep(
        "quasi-composition",
        parse_expression("Max(x, y)"),
        "quasiconvex",
        (AtomFact("max", "increasing", 0, 0),),
    )
    rejected(two_args, Context((x, y), {x: REAL, y: REAL}), "also depends")


def test_max_forgeries():
    step, context = proof("Max(sqrt(abs(x)), sqrt(abs(y)))", "quasiconvex", (x, y))
    rejected(replace(step, conclusion="quasiconcave"), context, "quasi-max")
    rejected(replace(step, children=step.children[:1]), context, "no child step")
    fake = ProofStep("quasi-max", parse_expression("Max(-x**2, 1)"), "quasiconvex")
    rejected(fake, Context((x,), {x: REAL}), "quasi-max")


def test_ratio_forgeries():
    step, context = proof("x/y", "quasilinear", (x, y), y=POSITIVE)
    real = Context((x, y), {x: REAL, y: REAL})
    rejected(step, real, "quasi-ratio")  # y > 0 does not hold on the real line
    rejected(replace(step, facts=()), context, "quasi-ratio", "positive or negative")
    step, context = proof("x**2/sqrt(y)", "quasiconvex", (x, y), y=POSITIVE)
    q_only = tuple(f for f in step.facts if f.subject != x**2)
    rejected(replace(step, facts=q_only), context, "quasi-ratio")
    rejected(replace(step, conclusion="quasiconcave"), context, "quasi-ratio")
    rejected(replace(step, conclusion="quasilinear"), context, "quasi-ratio")


def test_univariate_forgeries():
    step, context = proof("x**3 + x", "quasilinear", monotone=True)
    two = Context((x, y), {x: REAL, y: REAL})
    rejected(step, two, "exactly one variable")
    other = ProofStep(
        "quasi-univariate", parse_expression("x**3 + x + 1"), "quasilinear", children=step.children
    )
    rejected(other, context, "not the subject")
    rejected(replace(step, children=()), context, "one child")


# --- level witnesses --------------------------------------------------------------------


def level(a_: dict, b_: dict, t: Fraction, relation: str, values: dict, params=()):
    return LevelWitness(
        a=tuple(a_.items()),
        b=tuple(b_.items()),
        t=t,
        parameters=tuple(params),
        relation=relation,
        values=tuple((k, Enclosure.exact(Fraction(v))) for k, v in values.items()),
        precision=None,
    )


PARABOLA = parse_expression("-x**2")
GOOD = level({"x": 1}, {"x": -1}, Fraction(1, 2), ">max", {"f_a": -1, "f_b": -1, "f_m": 0})
ONE = Context((x,), {x: REAL})


def witness_rejected(witness, carrier=PARABOLA, context=ONE, expect="not-quasiconvex", *words):
    with pytest.raises(CheckFailure) as info:
        check_witness(witness, carrier=attach(carrier, ()), context=context, expect=expect)
    text = str(info.value)
    for w in words:
        assert w in text, text


def test_level_witness_replays():
    check_witness(GOOD, carrier=attach(PARABOLA, ()), context=ONE, expect="not-quasiconvex")
    check_witness(GOOD, carrier=attach(PARABOLA, ()), context=ONE, expect="not-convex")
    step = ProofStep("witness", PARABOLA, "not-quasiconvex", witness=GOOD)
    assert replays(step, ONE) == "not-quasiconvex"


def test_level_witness_forgeries():
    witness_rejected(GOOD, expect="not-quasiconcave")
    witness_rejected(replace(GOOD, relation="<min"), PARABOLA, ONE, "not-quasiconcave")
    witness_rejected(replace(GOOD, relation="<max"), PARABOLA, ONE, "not-quasiconvex", "unknown")
    witness_rejected(
        replace(GOOD, b=(("x", Fraction(1)),)), PARABOLA, ONE, "not-quasiconvex", "equal ends"
    )
    witness_rejected(replace(GOOD, t=Fraction(1)), PARABOLA, ONE, "not-quasiconvex", "t = 1")
    witness_rejected(replace(GOOD, a=(("y", Fraction(1)),)), PARABOLA, ONE, "not-quasiconvex")
    boxed = Context((x,), {x: interval_domain(Fraction(0), Fraction(1))})
    witness_rejected(GOOD, PARABOLA, boxed, "not-quasiconvex", "outside its domain")
    wrong_values = replace(
        GOOD,
        values=(
            ("f_a", Enclosure.exact(Fraction(-1))),
            ("f_b", Enclosure.exact(Fraction(-1))),
            ("f_m", Enclosure.exact(Fraction(1))),
        ),
    )
    witness_rejected(wrong_values, PARABOLA, ONE, "not-quasiconvex", "does not enclose")
    loose = replace(
        GOOD,
        values=(
            ("f_a", Enclosure(Fraction(-1), Fraction(1))),
            ("f_b", Enclosure.exact(Fraction(-1))),
            ("f_m", Enclosure.exact(Fraction(0))),
        ),
    )
    witness_rejected(loose, PARABOLA, ONE, "not-quasiconvex", "do not show")
    # the relation is false for a convex function
    convex = level({"x": 1}, {"x": -1}, Fraction(1, 2), ">max", {"f_a": 1, "f_b": 1, "f_m": 0})
    witness_rejected(convex, parse_expression("x**2"), ONE, "not-quasiconvex")


def test_level_witness_needs_the_whole_segment_defined():
    # 1/x: f(1/2) = 2 > max(f(-1), f(2)) = 1/2, but the segment crosses 0.
    w = level({"x": -1}, {"x": 2}, Fraction(1, 2), ">max", {"f_a": -1, "f_b": "1/2", "f_m": 2})
    witness_rejected(w, parse_expression("1/x"), ONE, "not-quasiconvex", "defined along")


def test_level_witness_and_parameters():
    f = parse_expression("a*x**2")
    w = level(
        {"x": 1},
        {"x": -1},
        Fraction(1, 2),
        ">max",
        {"f_a": -1, "f_b": -1, "f_m": 0},
        params=(("a", Fraction(-1)),),
    )
    ranging = Context((x,), {x: REAL, a: REAL})
    witness_rejected(w, f, ranging, "not-quasiconvex", "one parameter value")
    pinned = ranging.pinned({a: Fraction(-1)})
    check_witness(w, carrier=attach(f, ()), context=pinned, expect="not-quasiconvex")
    with_box = replace(w, box=(("a", Fraction(-1), Fraction(-1)),))
    witness_rejected(with_box, f, pinned, "not-quasiconvex", "box")
    no_params = replace(w, parameters=())
    witness_rejected(no_params, f, pinned, "not-quasiconvex", "parameters")


# --- quasi-log ----------------------------------------------------------------------------

ORTHANT = {"x": POSITIVE, "y": POSITIVE}


def test_quasi_log_replays():
    step, context = proof("x*y", "quasiconcave", (x, y), **ORTHANT)
    assert step.rule == "quasi-log"
    assert replays(step, context) == "quasiconcave"
    assert replays(round_trip(step), context) == "quasiconcave"
    step, context = proof("x*exp(-x)", "quasiconcave", x=POSITIVE)
    assert step.rule == "quasi-log" and replays(step, context) == "quasiconcave"
    # 1/(x*y), exp(y)/x**2 are convex by composition; cosh(x)/y**2 needs quasi-log
    step, context = proof("cosh(x)/y**2", "quasiconvex", (x, y), **ORTHANT)
    assert step.rule == "quasi-log" and replays(step, context) == "quasiconvex"
    negated, context = proof("-(x*y)", "quasiconvex", (x, y), **ORTHANT)
    assert replays(negated, context) == "quasiconvex"


def test_quasi_log_forgeries():
    step, context = proof("x*y", "quasiconcave", (x, y), **ORTHANT)
    # the sign fact: missing, not positive, about another expression, two of them
    rejected(replace(step, facts=()), context, "quasi-log", "one sign fact")
    (fact,) = step.facts
    weak = replace(fact, sign="nonnegative")
    rejected(replace(step, facts=(weak,)), context, "quasi-log", "positive")
    other = SignFact(x, "positive", Interval(0, None, lo_open=True))
    rejected(replace(step, facts=(other,)), context, "quasi-log", "no sign fact")
    rejected(replace(step, facts=(fact, fact)), context, "quasi-log", "one sign fact")
    # positivity re-enclosed: x*y is not positive on the reals
    real = Context((x, y), {x: REAL, y: REAL})
    rejected(step, real, "quasi-log")
    # the child: missing, about another expression, concluding the wrong curvature
    rejected(replace(step, children=()), context, "quasi-log", "one child")
    (child,) = step.children
    rejected(replace(step, children=(child, child)), context, "quasi-log", "one child")
    about_other = ProofStep("affine", x, "affine")
    rejected(replace(step, children=(about_other,)), context, "quasi-log", "not log f")
    shifted = replace(step, subject=parse_expression("2*x*y"))
    rejected(shifted, context, "quasi-log", "not log f")
    rejected(replace(step, conclusion="quasiconvex"), context, "quasi-log", "not convex")
    rejected(replace(step, conclusion="quasilinear"), context, "quasi-log")
    # a child about log f concluding convex, for a quasiconcave step
    inverse, context = proof("cosh(x)/y**2", "quasiconvex", (x, y), **ORTHANT)
    (convex_child,) = inverse.children
    forged = ProofStep(
        "quasi-log",
        inverse.subject,
        "quasiconcave",
        inverse.facts,
        (convex_child,),
    )
    rejected(forged, context, "quasi-log", "not concave")
    lying = replace(child, conclusion="convex")
    rejected(replace(step, children=(lying,)), context, "log-product")
