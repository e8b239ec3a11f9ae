"""Parameters are quantified as the README says: "all" by default, or "some".

Regression tests for the measured cases of the engine issue: each was proved before
although false at some parameter value.
"""

from __future__ import annotations

import pytest

from convexity_proofs._claimfile import build_claim
from convexity_proofs._engine import PROPERTIES, Settings, check_claim
from convexity_proofs._values import Property, Quantifier, Status
from convexity_proofs.errors import ClaimError
from tests._independent import recheck


def verdict(function, variables, prop, *, domain=None, parameters=None):
    table = {"name": "q", "function": function, "variables": variables, "property": prop}
    if domain is not None:
        table["domain"] = domain
    if parameters is not None:
        table["parameters"] = parameters
    return check_claim(build_claim(table), Settings(timeout=30))


@pytest.mark.parametrize(
    ("function", "variables", "prop", "domain"),
    [
        ("a*x**2", ["x"], "neither", None),  # witnesses at a = -1 and a = 1: never neither
        ("sin(a*x)", ["x"], "neither", None),  # at a = 0 it is affine
        ("x**a", ["x"], "neither", {"x": "positive"}),  # at a = 1 it is affine
        ("exp(a*x)", ["x"], "nonconcave", None),  # at a = 0 it is constant
        ("a*x**3", ["x"], "nonconvex", None),  # at a = 0 it is constant
        ("(y - v*w*x)**2", ["v", "w"], "nonconvex", None),  # at x = 0 it is constant
    ],
)
def test_universal_fails_properties_are_never_proved_by_one_parameter_value(
    function, variables, prop, domain
) -> None:
    v = verdict(function, variables, prop, domain=domain)
    assert v.status is not Status.PROVED


@pytest.mark.parametrize(
    ("function", "variables", "prop"),
    [
        ("a*x**3", ["x"], "nonconvex"),
        ("exp(a*x)", ["x"], "nonconcave"),
        ("(y - v*w*x)**2", ["v", "w"], "nonconvex"),
    ],
)
def test_a_proof_at_one_parameter_value_refutes_the_universal_reading(
    function, variables, prop
) -> None:
    v = verdict(function, variables, prop)
    assert v.status is Status.REFUTED
    assert v.witness is None
    (step,) = v.refuting_proof
    assert step.rule == "at-parameters"


def test_a_witness_certified_for_every_parameter_value_proves_the_universal_reading() -> None:
    v = verdict("a*x**3", ["x"], "nonconvex", domain={"a": [1, 2]})
    assert v.status is Status.PROVED
    (step,) = v.proof
    assert step.witness is not None and step.witness.box is not None
    assert "every parameter value" in step.reason


def test_some_reading_is_proved_by_one_witness() -> None:
    v = verdict("(y - v*w*x)**2", ["v", "w"], "nonconvex", parameters="some")
    assert v.status is Status.PROVED
    assert v.claim.quantifier is Quantifier.SOME
    recheck(v.claim, v.proof[0].witness.to_json(), sign=1)


def test_some_reading_of_neither_uses_one_common_parameter_value() -> None:
    v = verdict("sin(a*x)", ["x"], "neither", parameters="some")
    assert v.status is Status.PROVED
    witnesses = [step.witness for step in v.proof]
    assert len(witnesses) == 2
    assert witnesses[0].parameters == witnesses[1].parameters
    # a*x**2 is convex or concave for every a: never neither, even for some a.
    assert verdict("a*x**2", ["x"], "neither", parameters="some").status is not Status.PROVED


def test_some_reading_of_convex_is_proved_at_one_value_and_refuted_for_every_value() -> None:
    proved = verdict("a*x**2", ["x"], "convex", parameters="some")
    assert proved.status is Status.PROVED
    assert proved.proof[0].rule == "at-parameters"
    refuted = verdict("a*x**2", ["x"], "convex", domain={"a": [-2, -1]}, parameters="some")
    assert refuted.status is Status.REFUTED


def test_without_parameters_some_is_refused_rather_than_read_as_all() -> None:
    assert verdict("x**3", ["x"], "neither", parameters="all").status is Status.PROVED
    with pytest.raises(ClaimError, match="needs parameters"):
        verdict("x**3", ["x"], "neither", parameters="some")


def test_extra_linear_layers_claim_at_x_zero_is_constant() -> None:
    """The shipped claim said "nonconvex" for all data; at x = 0 the loss is constant."""
    assert verdict("(y - v*w*x)**2", ["v", "w"], "nonconvex").status is Status.REFUTED
    assert (
        verdict("(y - v*w*x)**2", ["v", "w"], "nonconvex", parameters="some").status
        is Status.PROVED
    )


def test_affine_needs_both_questions_proved() -> None:
    v = verdict("(x + 1)**2 - x**2", ["x"], "affine")
    assert v.status is Status.PROVED
    assert len(v.proof) == 2
    assert verdict("x**2", ["x"], "affine").status is Status.REFUTED


def test_strict_convexity_from_a_convex_sum_with_a_strictly_convex_term() -> None:
    v = verdict("exp(x) + abs(x) + x**2", ["x"], "strictly-convex")
    assert v.status is Status.PROVED
    assert [(s.rule, s.conclusion) for s in v.proof] == [
        ("strictly-convex-term", "strictly-convex")
    ]


def test_every_property_has_exactly_one_way_to_be_decided() -> None:
    from convexity_proofs._reductions import is_reduced
    from convexity_proofs.properties import MONOTONE_PROPERTIES, QUASI_PROPERTIES

    ways = [
        set(PROPERTIES),
        {Property.INVARIANT},
        set(MONOTONE_PROPERTIES),
        set(QUASI_PROPERTIES),
        {p for p in Property if is_reduced(p)},
    ]
    assert sum(len(w) for w in ways) == len(Property)
    assert set().union(*ways) == set(Property)
    assert PROPERTIES[Property.AFFINE].signs == (1, -1)
    assert PROPERTIES[Property.NEITHER].combine == "fails"


def test_witnesses_under_the_some_reading_recheck() -> None:
    v = verdict(
        "(y - v1*tanh(w1*x + b1) - v2*tanh(w2*x + b2))**2",
        ["w1", "w2", "b1", "b2", "v1", "v2"],
        "neither",
        parameters="some",
    )
    assert v.status is Status.PROVED
    convex, concave = v.proof
    assert convex.witness.parameters == concave.witness.parameters
    recheck(v.claim, convex.witness.to_json(), sign=1)
    recheck(v.claim, concave.witness.to_json(), sign=-1)


def test_pins_try_the_ends_of_a_closed_parameter_range() -> None:
    # At a = 0 (an end of [0, 1]) the function is constant, so convex: "nonconvex for
    # every a" is refuted there.  At x = 0 the loss is constant: convex for some x.
    assert verdict("-x**2*sqrt(a)", ["x"], "nonconvex", domain={"a": [0, 1]}).status is (
        Status.REFUTED
    )
    some = verdict("(y - v*w*x)**2", ["v", "w"], "convex", domain={"x": [0, 2]}, parameters="some")
    assert some.status is Status.PROVED


def test_one_point_never_refutes_invariance_for_some_parameter_value() -> None:
    # a*x is invariant under x -> -x only at a = 0: true for some a, false for all a.
    table = {
        "name": "q",
        "function": "a*x",
        "property": "invariant",
        "substitution": {"x": "-x"},
        "variables": ["x"],
    }
    some = check_claim(build_claim({**table, "parameters": "some"}), Settings(timeout=30))
    assert some.status is not Status.REFUTED
    every = check_claim(build_claim(table), Settings(timeout=30))
    assert every.status is Status.REFUTED
