"""log-concave and log-convex end to end: proofs about log f (the log-product rule
among them), refutations by a point where f <= 0 or by a witness on log f, the
quantifiers over parameters, and the search for a point where f <= 0 itself."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

import convexity_proofs
from convexity_proofs._certificate import certificate_of, dumps
from convexity_proofs._claimfile import build_claim
from convexity_proofs._engine import Settings, check_claim
from convexity_proofs._problem import Problem
from convexity_proofs._proof import ProofStep
from convexity_proofs._values import CurvatureWitness, SegmentWitness, Status, ValueWitness
from convexity_proofs.checker import replay, verify_certificate
from convexity_proofs.properties.log_concave import nonpositive_point
from convexity_proofs.refuters._space import Deadline

POSITIVE = {"x": "positive"}


def verdict(function, variables, prop, domain=None, **more):
    result = convexity_proofs.check(function, variables, prop, domain=domain, timeout=60, **more)
    if result.status is not Status.UNKNOWN:
        report = replay(result)
        assert report.valid, report.failure
    return result


def rules(steps: tuple[ProofStep, ...]) -> set[str]:
    found: set[str] = set()
    stack = list(steps)
    while stack:
        step = stack.pop()
        found.add(step.rule)
        stack.extend(step.children)
    return found


# --- proved ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "variables", "prop", "domain"),
    [
        ("exp(-x**2)", ["x"], "log-concave", None),
        ("x", ["x"], "log-concave", POSITIVE),
        ("x*exp(-x)", ["x"], "log-concave", POSITIVE),
        ("x*exp(-x**2)/(1 + exp(-x))", ["x"], "log-concave", POSITIVE),
        ("exp(-(x - mu)**2/(2*s**2))/(s*sqrt(2*pi))", ["x"], "log-concave", {"s": "positive"}),
        ("sigmoid(y*(w*x + b))", ["w", "b"], "log-concave", None),
        ("sigmoid(x)*sigmoid(y)", ["x", "y"], "log-concave", None),
        ("x*y", ["x", "y"], "log-concave", {"x": "positive", "y": "positive"}),
        ("sqrt(x)*exp(-x)", ["x"], "log-concave", POSITIVE),
        ("x**a", ["x"], "log-concave", {"x": "positive", "a": "nonnegative"}),
        ("exp(-abs(x))", ["x"], "log-concave", None),
        ("exp(x**2)", ["x"], "log-convex", None),
        ("1/x", ["x"], "log-convex", POSITIVE),
        ("cosh(x)", ["x"], "log-convex", None),
        ("exp(x) + exp(-x)", ["x"], "log-convex", None),
        ("x**(-2)*exp(x**2)", ["x"], "log-convex", POSITIVE),
    ],
)
def test_proved(function, variables, prop, domain) -> None:
    result = verdict(function, variables, prop, domain)
    assert result.status is Status.PROVED, [a.outcome for a in result.attempts]


@pytest.mark.parametrize(
    ("function", "prop"),
    [
        ("x*exp(-x)", "log-concave"),
        ("x*exp(-x**2)/(1 + exp(-x))", "log-concave"),
        ("1/x", "log-convex"),
        ("x**(-2)*exp(x**2)", "log-convex"),
    ],
)
def test_products_and_powers_are_proved_by_the_log_product_rule(function, prop) -> None:
    result = verdict(function, ["x"], prop, POSITIVE)
    assert result.status is Status.PROVED
    assert "log-product" in rules(result.proof)


def test_the_logistic_likelihood_is_log_concave_for_every_data_point() -> None:
    # the seed thread: the likelihood is neither convex nor concave in (w, b) at a data
    # point (x = 2, y = 1) ...
    neither = verdict("sigmoid(2*w + b)", ["w", "b"], "neither")
    assert neither.status is Status.PROVED
    # ... but log-concave, for every x and y
    result = verdict("sigmoid(y*(w*x + b))", ["w", "b"], "log-concave")
    assert result.status is Status.PROVED


# --- refuted --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "prop", "domain", "point"),
    [
        ("x", "log-concave", None, {"x": Fraction(0)}),
        ("x", "log-convex", None, {"x": Fraction(0)}),
        ("x**2", "log-concave", None, {"x": Fraction(0)}),
        ("sigmoid(x) - 1/2", "log-concave", None, {"x": Fraction(0)}),
        ("x*exp(-x)", "log-concave", {"x": "nonnegative"}, {"x": Fraction(0)}),
        ("1/x", "log-convex", None, None),
        ("log(x)", "log-concave", POSITIVE, None),
    ],
)
def test_refuted_by_a_point_where_f_is_not_positive(function, prop, domain, point) -> None:
    result = verdict(function, ["x"], prop, domain)
    assert result.status is Status.REFUTED
    witness = result.witness
    assert isinstance(witness, ValueWitness)
    assert witness.relation == "<=0"
    assert dict(witness.values)["value"].hi <= 0
    if point is not None:
        assert dict(witness.point) == {k: v for k, v in point.items()}


@pytest.mark.parametrize(
    ("function", "prop", "domain"),
    [
        ("exp(-x**2)", "log-convex", None),
        ("exp(x**2)", "log-concave", None),
        ("x**2", "log-convex", POSITIVE),
        ("1/(1 + x**2)", "log-concave", None),
        ("sigmoid(x)", "log-convex", None),
        ("x**a", "log-concave", {"x": "positive", "a": "real"}),
    ],
)
def test_refuted_by_a_witness_on_log_f(function, prop, domain) -> None:
    result = verdict(function, ["x"], prop, domain)
    assert result.status is Status.REFUTED
    assert isinstance(result.witness, CurvatureWitness | SegmentWitness)


def test_a_function_undefined_somewhere_is_not_proved() -> None:
    # 1/x**2 is positive wherever it is defined, but not at 0
    result = verdict("1/x**2", ["x"], "log-convex")
    assert result.status is not Status.PROVED


# --- quantifiers ----------------------------------------------------------------------


def test_all_parameter_values_refuted_by_one_value_where_f_is_not_positive() -> None:
    result = verdict("x - a", ["x"], "log-concave", {"x": "positive", "a": [0, 1]})
    assert result.status is Status.REFUTED
    assert isinstance(result.witness, ValueWitness)
    assert result.witness.box is None
    assert dict(result.witness.parameters)["a"] > 0


def test_some_parameter_value_is_proved_at_one_value() -> None:
    result = verdict(
        "x - a", ["x"], "log-concave", {"x": "positive", "a": [0, 1]}, parameters="some"
    )
    assert result.status is Status.PROVED
    assert result.proof[0].rule == "at-parameters"
    result = verdict("x**a", ["x"], "log-concave", {"x": "positive"}, parameters="some")
    assert result.status is Status.PROVED


def test_some_parameter_value_is_refuted_by_a_point_for_every_value() -> None:
    domain = {"x": [0, 1], "a": [-2, -1]}
    result = verdict("x + a", ["x"], "log-concave", domain, parameters="some")
    assert result.status is Status.REFUTED
    witness = result.witness
    assert isinstance(witness, ValueWitness)
    assert witness.box == (("a", Fraction(-2), Fraction(-1)),)


def test_a_point_at_one_parameter_value_does_not_refute_some_value() -> None:
    # f <= 0 at x = 0 for a = 0, but for a = 1 the function is log-concave on [0, 1]
    result = verdict("x + a", ["x"], "log-concave", {"x": [0, 1]}, parameters="some")
    assert result.status is Status.PROVED
    notes = " ".join(a.outcome for a in result.attempts)
    assert "does not refute the claim for some value" in notes or result.proof


# --- the claim-level replay -----------------------------------------------------------


def test_the_checker_rebuilds_the_reduced_claim() -> None:
    proved = verdict("x*exp(-x)", ["x"], "log-concave", POSITIVE)
    assert replay(proved).valid
    # the proof about log f does not prove log-convexity
    other = build_claim(
        {
            "name": "n",
            "function": "x*exp(-x)",
            "variables": ["x"],
            "property": "log-convex",
            "domain": POSITIVE,
        }
    )
    from dataclasses import replace

    forged = replace(proved, claim=other)
    report = replay(forged)
    assert not report.valid


def test_a_value_witness_does_not_prove() -> None:
    refuted = verdict("x", ["x"], "log-concave")
    from dataclasses import replace

    report = replay(replace(refuted, status=Status.PROVED))
    assert not report.valid


@pytest.mark.parametrize(
    ("function", "prop", "domain"),
    [
        ("x*exp(-x)", "log-concave", POSITIVE),
        ("1/x", "log-convex", POSITIVE),
        ("exp(-x**2)", "log-convex", None),
    ],
)
def test_certificates_round_trip(function, prop, domain) -> None:
    result = verdict(function, ["x"], prop, domain)
    data = json.loads(dumps(certificate_of(result)))
    assert verify_certificate(data).valid


def test_value_witness_certificates_round_trip() -> None:
    result = verdict("x", ["x"], "log-concave")
    data = json.loads(dumps(certificate_of(result)))
    assert verify_certificate(data).valid


# --- the search for a point where f <= 0 ----------------------------------------------


def problem(function, prop="log-concave", domain=None, **more) -> Problem:
    table = {"name": "n", "function": function, "variables": ["x"], "property": prop, **more}
    if domain:
        table["domain"] = domain
    claim = build_claim(table)
    return Problem.for_claim(claim, Settings(), Deadline())


def test_the_search_finds_simple_points_first() -> None:
    # no rational zero (the zeros are ±1/sqrt(2)): the simple points come first
    witness = nonpositive_point(problem("x**2 - 1/2"))
    assert witness is not None
    assert dict(witness.point) == {"x": Fraction(0)}
    assert dict(witness.values)["value"] == dict(witness.values)["value"].exact(Fraction(-1, 2))


def test_the_search_finds_exact_rational_zeros_before_simple_points() -> None:
    witness = nonpositive_point(problem("x**2 - 1/4"))
    assert witness is not None
    assert dict(witness.point) == {"x": Fraction(-1, 2)}
    assert dict(witness.values)["value"] == dict(witness.values)["value"].exact(Fraction(0))


def test_the_search_is_deterministic() -> None:
    one = nonpositive_point(problem("x - 5/2", domain={"x": "positive"}))
    two = nonpositive_point(problem("x - 5/2", domain={"x": "positive"}))
    assert one == two


def test_no_point_for_a_positive_function() -> None:
    assert nonpositive_point(problem("exp(-x**2)")) is None
    assert nonpositive_point(problem("1 + x**2")) is None


def test_never_a_point_where_f_is_undefined() -> None:
    witness = nonpositive_point(problem("1/x"))
    assert witness is not None
    assert dict(witness.point)["x"] < 0
    # log(x) is negative near 0, and undefined for x <= 0
    witness = nonpositive_point(problem("log(x)"))
    assert witness is not None
    assert 0 < dict(witness.point)["x"] <= 1


def test_parameters_are_pinned_and_recorded() -> None:
    witness = nonpositive_point(problem("x + a", domain={"x": [0, 1], "a": [-2, 2]}))
    assert witness is not None
    assert set(dict(witness.parameters)) == {"a"}
    assert witness.box is None


def test_a_nonpositive_point_is_certified_by_balls_when_f_is_transcendental() -> None:
    witness = nonpositive_point(problem("sigmoid(x) - 3/4"))
    assert witness is not None
    assert witness.precision is not None
    assert dict(witness.values)["value"].hi <= 0


def test_check_claim_accepts_the_claim_table() -> None:
    claim = build_claim(
        {"name": "n", "function": "x", "variables": ["x"], "property": "log-convex"}
    )
    result = check_claim(claim)
    assert result.status is Status.REFUTED
    assert isinstance(result.witness, ValueWitness)


# --- the prover -----------------------------------------------------------------------


def test_the_likelihood_of_a_data_set_is_log_concave() -> None:
    data = [(1, 1), (2, -1), (-1, 1), (3, 1)]
    f = "*".join(f"sigmoid({y}*(w*{x} + b))" for x, y in data)
    result = verdict(f, ["w", "b"], "log-concave")
    assert result.status is Status.PROVED
    assert result.proof[0].rule == "log-product"


def test_long_arguments_are_expanded_too() -> None:
    # log f is built unevaluated for long f: log(exp(u)) is still u
    names = [f"x{i}" for i in range(12)]
    f = "exp(-(" + " + ".join(f"{n}**2" for n in names) + "))*sigmoid(x0)"
    result = verdict(f, names, "log-concave")
    assert result.status is Status.PROVED


def test_the_log_product_prover_declines_other_subjects() -> None:
    import sympy

    from convexity_proofs._parser import make_symbol
    from convexity_proofs._values import POSITIVE as POS
    from convexity_proofs._values import REAL
    from convexity_proofs.provers import log_product
    from convexity_proofs.provers.composition import Composer, Curvature

    x = make_symbol("x")
    composer = Composer((x,), {x: POS})
    assert log_product.prove(composer, sympy.exp(x) * x) is None
    assert log_product.prove(composer, sympy.log(1 + x**2)) is None
    found = log_product.prove(composer, sympy.log(x * sympy.exp(-x)))
    assert found is not None and found.curvature is Curvature.CONCAVE
    assert found.step is not None and found.step.rule == "log-product"
    # x is not positive on the reals: the rule does not apply
    assert log_product.prove(Composer((x,), {x: REAL}), sympy.log(x * sympy.exp(-x))) is None


# --- exact rational zeros -------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "domain", "zero"),
    [
        ("(3*x - 1)**2", None, Fraction(1, 3)),
        ("(2*x - 1)*(x - 3)", {"x": [0, 1]}, Fraction(1, 2)),
        ("(7*x - 2)**2*(x**2 + 1)", None, Fraction(2, 7)),
    ],
)
def test_refuted_at_an_exact_rational_zero(function, domain, zero) -> None:
    from tests._independent import nonpositive_value

    result = verdict(function, ["x"], "log-concave", domain)
    assert result.status is Status.REFUTED
    witness = result.witness
    assert isinstance(witness, ValueWitness)
    assert dict(witness.point) == {"x": zero}
    assert witness.precision is None
    assert dict(witness.values)["value"].hi == 0
    table = {"name": "n", "function": function, "variables": ["x"], "property": "log-concave"}
    if domain:
        table["domain"] = domain
    assert nonpositive_value(build_claim(table), witness.to_json()) == 0


def test_a_zero_outside_the_domain_is_not_proposed() -> None:
    from convexity_proofs.refuters import nonpositive

    p = problem("(3*x + 1)**2", domain={"x": "positive"})
    zeros = nonpositive.rational_zeros(
        p.carrier, p.variables, p.domains, [{p.variables[0]: Fraction(1)}], deadline=Deadline()
    )
    assert zeros == []
    assert nonpositive_point(p) is None


def test_no_zero_is_proposed_for_a_positive_function() -> None:
    from convexity_proofs.refuters import nonpositive

    p = problem("x**2 + 1")
    base = [{p.variables[0]: Fraction(0)}]
    assert (
        nonpositive.rational_zeros(p.carrier, p.variables, p.domains, base, deadline=Deadline())
        == []
    )
    assert nonpositive_point(p) is None
    result = verdict("x**2 + 1", ["x"], "log-concave")
    assert not isinstance(result.witness, ValueWitness)
