"""Quasiconvexity claims end to end, the DQCP prover and the level-witness search.

End-to-end checks go through ``convexity_proofs.check`` with the re-raise switch on
(tests/conftest.py), so every decided verdict has also replayed through the checker.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy

from convexity_proofs import check
from convexity_proofs._numeric import compile_program
from convexity_proofs._obligations import attach
from convexity_proofs._parser import make_symbol, parse_expression
from convexity_proofs._values import POSITIVE, REAL, LevelWitness, Status, interval_domain
from convexity_proofs.errors import ArgumentError
from convexity_proofs.provers.quasiconvex import QuasiProver, prove_quasi, ratio_gives
from convexity_proofs.refuters import level
from convexity_proofs.refuters._space import Deadline

x, y, a = make_symbol("x"), make_symbol("y"), make_symbol("a")


def rules(step) -> list[str]:
    out, stack = [], [step]
    while stack:
        s = stack.pop()
        out.append(s.rule)
        stack.extend(s.children)
    return out


# --- end to end -----------------------------------------------------------------------


def test_sqrt_abs_is_quasiconvex_but_not_convex():
    proved = check("sqrt(abs(x))", ["x"], "quasiconvex")
    assert proved.status is Status.PROVED
    assert proved.proof[0].rule == "quasi-composition"
    assert check("sqrt(abs(x))", ["x"], "convex").status is Status.REFUTED


def test_bilinear_is_not_quasiconvex_by_a_level_witness():
    verdict = check("a1*x1 + a2*x2", ["a1", "a2", "x1", "x2"], "quasiconvex")
    assert verdict.status is Status.REFUTED
    witness = verdict.witness
    assert isinstance(witness, LevelWitness) and witness.relation == ">max"
    values = dict(witness.values)
    assert values["f_m"].lo > max(values["f_a"].hi, values["f_b"].hi)
    # simple rational points
    assert all(abs(q) <= 4 and q.denominator <= 8 for _, q in witness.a + witness.b)


def test_ratio_with_positive_denominator_is_quasilinear():
    verdict = check("x1/x2", ["x1", "x2"], "quasilinear", domain={"x2": "positive"})
    assert verdict.status is Status.PROVED
    assert [s.rule for s in verdict.proof] == ["quasi-ratio"]
    assert verdict.proof[0].conclusion == "quasilinear"


def test_ratio_with_unsigned_denominator_is_not_proved():
    verdict = check("x1/x2", ["x1", "x2"], "quasilinear", domain={"x2": [-1, 1]})
    assert verdict.status is not Status.PROVED


def test_cube_is_quasilinear():
    assert check("x**3", ["x"], "quasilinear").status is Status.PROVED


def test_monotone_function_of_one_variable_is_quasilinear():
    verdict = check("x + sin(x)", ["x"], "quasilinear")
    assert verdict.status is Status.PROVED
    assert "quasi-univariate" in rules(verdict.proof[0])
    assert check("x**3 + x", ["x"], "quasilinear").status is Status.PROVED


def test_concave_parabola():
    assert check("-x**2 + 3", ["x"], "quasiconcave").status is Status.PROVED
    refuted = check("-x**2 + 3", ["x"], "quasiconvex")
    assert refuted.status is Status.REFUTED
    assert refuted.witness.relation == ">max"
    assert check("-x**2 + 3", ["x"], "quasilinear").status is Status.REFUTED


def test_gaussian_is_quasiconcave_and_two_bumps_are_not():
    assert check("exp(-x**2 - y**2)", ["x", "y"], "quasiconcave").status is Status.PROVED
    bumps = check("exp(-(x - 2)**2) + exp(-(x + 2)**2)", ["x"], "quasiconcave")
    assert bumps.status is Status.REFUTED and bumps.witness.relation == "<min"


def test_product_of_squares_is_not_quasiconvex():
    verdict = check("x**2*y**2", ["x", "y"], "quasiconvex")
    assert verdict.status is Status.REFUTED


def test_max_of_quasiconvex_functions():
    verdict = check("Max(sqrt(abs(x)), sqrt(abs(y - 1)))", ["x", "y"], "quasiconvex")
    assert verdict.status is Status.PROVED and verdict.proof[0].rule == "quasi-max"


def test_a_sum_of_quasiconvex_functions_is_not_proved():
    # sqrt|x| + sqrt|y| is not quasiconvex: its sublevel sets are star-shaped, not convex.
    verdict = check("sqrt(abs(x)) + sqrt(abs(y))", ["x", "y"], "quasiconvex")
    assert verdict.status is Status.REFUTED


def test_parameters_every_value_and_some_value():
    assert check("a*x**3", ["x"], "quasilinear").status is Status.PROVED  # any sign of a
    every = check("a*x**2", ["x"], "quasiconvex")
    assert every.status is Status.REFUTED
    assert dict(every.witness.parameters)["a"] < 0
    some = check("a*x**2", ["x"], "quasiconvex", parameters="some")
    assert some.status is Status.PROVED and some.proof[0].rule == "at-parameters"
    # one parameter value refutes nothing for "some"
    none = check("a*x**2 - x**4", ["x"], "quasiconvex", domain={"a": [1, 2]}, parameters="some")
    assert none.status is not Status.REFUTED


def test_no_proof_counts_when_not_defined_everywhere_but_a_witness_refutes():
    verdict = check("log(x)", ["x"], "quasilinear")
    assert verdict.status is Status.UNKNOWN
    assert any("no proof counts" in a.outcome for a in verdict.attempts)
    assert check("log(x)", ["x"], "quasilinear", domain={"x": "positive"}).status is Status.PROVED
    # -(log x)**2 is defined for x > 0 only; on the segment from 1/2 to 2 it rises
    # above both ends, so it is not quasiconvex on any reading of the claim.
    bump = check("-(log(x))**2", ["x"], "quasiconvex")
    assert bump.status is Status.REFUTED and bump.witness.kind == "level"


def test_convex_claims_are_quasiconvex():
    verdict = check("x**2 + y**2", ["x", "y"], "quasiconvex")
    assert verdict.status is Status.PROVED and verdict.proof[0].conclusion == "convex"


# --- the prover -------------------------------------------------------------------------


def prove(text: str, want: str, variables=(x,), **domains):
    expr = parse_expression(text)
    box = {s: domains.get(s.name, REAL) for s in expr.free_symbols}
    return prove_quasi(expr, tuple(variables), box, want)


@pytest.mark.parametrize(
    ("text", "want", "rule"),
    [
        ("sqrt(abs(x))", "quasiconvex", "quasi-composition"),
        ("-3*sqrt(abs(x))", "quasiconcave", "quasi-scaling"),
        ("sqrt(abs(x)) + 5", "quasiconvex", "quasi-scaling"),
        ("exp(-x**2)", "quasiconcave", "quasi-composition"),
        ("atan(x**2)", "quasiconvex", "quasi-composition"),
        ("Min(-abs(x), -x**2)", "quasiconcave", "composition"),
        ("Max(sqrt(abs(x)), 1)", "quasiconvex", "quasi-max"),
        ("x**3", "quasilinear", "quasi-composition"),
        ("a*x**3", "quasilinear", "quasi-scaling"),
    ],
)
def test_prover_proves(text, want, rule):
    step = prove(text, want)
    assert step is not None and step.rule == rule


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("-x**2", "quasiconvex"),
        ("sqrt(abs(x))", "quasiconcave"),
        ("sqrt(abs(x)) + sqrt(abs(x - 1))", "quasiconvex"),  # no sum rule
        ("Max(sqrt(abs(x)), 1)", "quasiconcave"),
        ("a*x**2", "quasiconvex"),  # the sign of a is not fixed
        ("sin(x)", "quasiconvex"),
    ],
)
def test_prover_declines(text, want):
    assert prove(text, want) is None


def test_ratio_conditions():
    # p convex >= 0, q concave > 0: quasiconvex, with a sign fact on p
    step = prove("x**2/sqrt(y)", "quasiconvex", (x, y), y=POSITIVE)
    assert step is not None and step.rule == "quasi-ratio"
    assert {f.subject for f in step.facts} == {x**2, sympy.sqrt(y)}
    assert prove("x**2/sqrt(y)", "quasiconcave", (x, y), y=POSITIVE) is None
    # negative denominator: (x + 1)/(y - 3) on y in [0, 1]
    assert prove("(x + 1)/(y - 3)", "quasilinear", (x, y), y=interval_domain(0, 1)) is not None
    # the rule table itself
    assert ratio_gives("quasiconvex", "convex", "affine", None)
    assert not ratio_gives("quasiconvex", "convex", "concave", None)
    assert ratio_gives("quasiconvex", "convex", "concave", "nonnegative")
    assert ratio_gives("quasiconvex", "convex", "convex", "nonpositive")
    assert not ratio_gives("quasiconvex", "concave", "affine", "nonnegative")
    assert ratio_gives("quasiconcave", "concave", "convex", "nonnegative")
    assert ratio_gives("quasiconcave", "concave", "concave", "nonpositive")
    assert ratio_gives("quasilinear", "affine", "affine", None)


def test_univariate_callback_is_used_with_one_variable_only():
    calls = []

    def monotone(expr):
        calls.append(expr)
        return None

    expr = parse_expression("x + sin(x)")
    QuasiProver((x,), {x: REAL}, None, monotone).prove(expr, "quasiconvex")
    assert calls
    calls.clear()
    QuasiProver((x, y), {x: REAL, y: REAL}, None, monotone).prove(expr + y, "quasiconvex")
    assert not calls


# --- the level search -------------------------------------------------------------------


def search(text: str, relation: str, variables, parameters=(), seed=0, **domains):
    expr = parse_expression(text)
    box = {s: domains.get(s.name, REAL) for s in variables + parameters}
    carrier = attach(expr, ())
    return level.find_level_witness(
        carrier,
        compile_program(carrier, variables + parameters),
        variables,
        parameters,
        box,
        relation=relation,
        settings_=level.LevelSearch(seed=seed),
        deadline=Deadline(),
    )


def test_search_finds_and_certifies():
    found = search("-x**2", ">max", (x,))
    assert found is not None and found.t == Fraction(1, 2)
    values = dict(found.values)
    assert values["f_m"].lo > max(values["f_a"].hi, values["f_b"].hi)
    assert search("x**2", ">max", (x,)) is None  # convex: none exists
    assert search("x**2", "<min", (x,)) is not None
    assert search("x**3", ">max", (x,)) is None and search("x**3", "<min", (x,)) is None


def test_search_is_deterministic():
    first = search("exp(-(x - 2)**2) + exp(-(x + 2)**2)", "<min", (x,), seed=7)
    second = search("exp(-(x - 2)**2) + exp(-(x + 2)**2)", "<min", (x,), seed=7)
    assert first == second and first is not None


def test_search_pins_parameters_at_simple_values():
    found = search("a*x**2", ">max", (x,), (a,))
    assert found is not None and dict(found.parameters)["a"] < 0


def test_search_needs_definedness_along_the_segment():
    # 1/x: f(1/2) = 2 > max(f(-1), f(2)), but the segment crosses 0.
    expr = parse_expression("1/x")
    carrier = attach(expr, ())
    assert (
        level.certify_level(
            carrier,
            {x: Fraction(-1)},
            {x: Fraction(2)},
            Fraction(1, 2),
            {},
            (x,),
            (),
            {x: REAL},
            relation=">max",
        )
        is None
    )
    on_positive = level.certify_level(
        carrier,
        {x: Fraction(1)},
        {x: Fraction(2)},
        Fraction(1, 2),
        {},
        (x,),
        (),
        {x: POSITIVE},
        relation="<min",
    )
    assert on_positive is None  # 1/x is monotone there: f(3/2) is between


def test_level_search_settings_are_validated():
    with pytest.raises(ArgumentError):
        level.LevelSearch(batch=-1)


@pytest.mark.parametrize(
    ("text", "variables", "prop", "domain"),
    [
        ("x1/x2", ["x1", "x2"], "quasilinear", {"x2": "positive"}),
        ("sqrt(abs(x))", ["x"], "quasiconvex", {}),
        ("x + sin(x)", ["x"], "quasilinear", {}),
        ("Max(sqrt(abs(x)), sqrt(abs(y)))", ["x", "y"], "quasiconvex", {}),
        ("a*x**2", ["x"], "quasiconvex", {}),  # parameters = "some" below
        ("x*y", ["x", "y"], "quasiconcave", {"x": "positive", "y": "positive"}),
    ],
)
def test_proof_certificates_verify(text, variables, prop, domain):
    import json

    from convexity_proofs import verify
    from convexity_proofs._certificate import certificate_of

    some = {"parameters": "some"} if text == "a*x**2" else {}
    verdict = check(text, variables, prop, domain=domain, **some)
    assert verdict.status is Status.PROVED
    report = verify(json.loads(json.dumps(certificate_of(verdict))))
    assert report.valid, report.failure


# --- quasi-log: f > 0 with log f concave (convex) ------------------------------------

ORTHANT = {"x": "positive", "y": "positive"}


def test_product_is_quasiconcave_on_the_positive_orthant():
    verdict = check("x*y", ["x", "y"], "quasiconcave", domain=ORTHANT)
    assert verdict.status is Status.PROVED
    (root,) = verdict.proof
    assert root.rule == "quasi-log" and root.conclusion == "quasiconcave"
    (fact,) = root.facts
    assert fact.subject == x * y and fact.sign == "positive"
    (child,) = root.children
    assert child.subject == sympy.log(x * y) and child.rule == "log-product"
    # x**a*y**b with a, b >= 0
    powers = check("x**2*y**(1/3)", ["x", "y"], "quasiconcave", domain=ORTHANT)
    assert powers.status is Status.PROVED and powers.proof[0].rule == "quasi-log"


def test_product_is_not_quasiconcave_on_the_reals():
    verdict = check("x*y", ["x", "y"], "quasiconcave")
    assert verdict.status is not Status.PROVED
    if verdict.status is Status.REFUTED:
        assert verdict.witness.kind == "level" and verdict.witness.relation == "<min"
    assert prove("x*y", "quasiconcave", (x, y)) is None


def test_negated_product_is_quasiconvex_on_the_positive_orthant():
    verdict = check("-(x*y)", ["x", "y"], "quasiconvex", domain=ORTHANT)
    assert verdict.status is Status.PROVED
    assert verdict.proof[0].rule == "quasi-scaling"
    assert "quasi-log" in rules(verdict.proof[0])


def test_x_exp_minus_x_is_quasiconcave_for_positive_x():
    verdict = check("x*exp(-x)", ["x"], "quasiconcave", domain={"x": "positive"})
    assert verdict.status is Status.PROVED and verdict.proof[0].rule == "quasi-log"
    # not convex there either way: the rule is what proves it
    assert check("x*exp(-x)", ["x"], "concave", domain={"x": "positive"}).status is not (
        Status.PROVED
    )


def test_quasi_log_only_where_f_is_positive_on_the_whole_box():
    # x*exp(-x) is unimodal on [-1, 3] (so quasiconcave), but negative for x < 0 and
    # not concave beyond 2: no quasi-log step (and no proof by these rules).
    assert prove("x*exp(-x)", "quasiconcave", x=interval_domain(-1, 3)) is None
    step = prove("x*exp(-x)", "quasiconcave", x=POSITIVE)
    assert step is not None and step.rule == "quasi-log"
    # x*y with x in [-1, 2]: no quasi-log step anywhere
    step = prove("x*y", "quasiconcave", (x, y), x=interval_domain(-1, 2), y=POSITIVE)
    assert step is None or "quasi-log" not in rules(step)


def test_quasi_log_gives_one_direction_only():
    # log(x*y) is concave, not affine: never a quasilinear quasi-log step.
    assert prove("x*y", "quasilinear", (x, y), x=POSITIVE, y=POSITIVE) is None
    assert prove("x*y", "quasiconvex", (x, y), x=POSITIVE, y=POSITIVE) is None
    # cosh(x)/y**2 on the orthant: log = log(cosh(x)) - 2 log y is convex, so quasiconvex
    # (1/(x*y), exp(y)/x**2 and (1 + exp(y))/x**2 are convex by composition)
    step = prove("cosh(x)/y**2", "quasiconvex", (x, y), x=POSITIVE, y=POSITIVE)
    assert step is not None and step.rule == "quasi-log" and step.conclusion == "quasiconvex"


def test_quasi_log_under_other_rules_and_with_parameters():
    # a subexpression: log(1 + x*y), log nondecreasing of a quasiconcave argument
    verdict = check("log(1 + x*y)", ["x", "y"], "quasiconcave", domain=ORTHANT)
    assert verdict.status is Status.PROVED and "quasi-log" in rules(verdict.proof[0])
    # x**a*y for every a in [0, 1]: a*log(x) + log(y) is concave (a >= 0)
    powers = check("x**a*y", ["x", "y"], "quasiconcave", domain={**ORTHANT, "a": [0, 1]})
    assert powers.status is Status.PROVED and powers.proof[0].rule == "quasi-log"
    # a of either sign: log f is not shown concave, and no quasi-log proof
    either = check("x**a*y", ["x", "y"], "quasiconcave", domain={**ORTHANT, "a": [-1, 1]})
    assert either.status is not Status.PROVED
