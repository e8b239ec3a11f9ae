"""Witnesses replayed from their JSON alone, and tampered witnesses rejected for the right reason.

Real witnesses come from the refuters (segment, curvature, permutation, flat, point
searches, and box certification for every parameter value); each is written to JSON,
read back and re-certified by :func:`convexity_proofs.checker.witness.check_witness`
on the claim's carrier.  Each tamper changes one thing in the JSON and the failure
message must name that thing.
"""

from __future__ import annotations

import copy
import json
import types
from fractions import Fraction as F
from typing import Any

import pytest
import sympy

from convexity_proofs._claimfile import build_claim
from convexity_proofs._numeric import compile_program
from convexity_proofs._obligations import attach
from convexity_proofs._problem import Problem
from convexity_proofs._proof import ProofStep
from convexity_proofs._values import (
    CurvatureWitness,
    Enclosure,
    PointWitness,
    SegmentWitness,
    Witness,
    interval_domain,
    witness_from_json,
)
from convexity_proofs.checker._core import Checker, CheckFailure, Context
from convexity_proofs.checker.witness import (
    check_point_witness,
    check_witness,
    image_carrier,
)
from convexity_proofs.kernel.witness_values import enclosure_of_ball
from convexity_proofs.refuters import (
    _witness,
    curvature,
    flat,
    invariance,
    permutation,
    segment,
    uniform,
)
from convexity_proofs.refuters._space import Deadline

x, y, p = sympy.symbols("x y p", real=True)


# --- helpers ------------------------------------------------------------------------------


class Setup:
    """A claim with its carrier, compiled program and checker context."""

    def __init__(self, function: str, variables: list[str], **table: Any) -> None:
        self.claim = build_claim(
            {"name": "w", "function": function, "variables": variables, "property": "convex"}
            | table
        )
        self.carrier = attach(self.claim.function, self.claim.obligations)
        self.domains = dict(self.claim.domains)
        self.program = compile_program(self.carrier, self.claim.variables + self.claim.parameters)
        self.context = Context(self.claim.variables, self.domains, self.claim.obligations)

    def segment(self, sign: int = 1) -> SegmentWitness | None:
        return segment.find_segment_witness(
            self.carrier,
            self.program,
            self.claim.variables,
            self.claim.parameters,
            self.domains,
            sign=sign,
            total=False,
            settings_=segment.SegmentSearch(batch=256, hypothesis_examples=50),
            deadline=Deadline.after(30),
        )

    def curvature(self, sign: int = 1) -> CurvatureWitness | None:
        return curvature.find_curvature_witness(
            self.carrier,
            self.program,
            self.claim.variables,
            self.claim.parameters,
            self.domains,
            sign=sign,
            settings=curvature.CurvatureSearch(points=12),
            deadline=Deadline.after(30),
        )

    def problem(self, sign: int = 1) -> Problem:
        settings = types.SimpleNamespace(seed=0)
        return Problem.for_claim(self.claim, settings, Deadline.after(30)).with_sign(sign)  # type: ignore[arg-type]


def roundtrip(witness: Witness) -> dict[str, Any]:
    """The witness's JSON as written to a file and read back."""
    data = json.loads(json.dumps(witness.to_json()))
    assert witness_from_json(data).to_json() == data
    return data


def replay(data: dict[str, Any], setup: Setup, expect: str, **kwargs: Any) -> None:
    kwargs.setdefault("carrier", setup.carrier)
    kwargs.setdefault("context", setup.context)
    check_witness(witness_from_json(data), expect=expect, **kwargs)


def rejected(data: dict[str, Any], setup: Setup, expect: str, **kwargs: Any) -> str:
    with pytest.raises(CheckFailure) as info:
        replay(data, setup, expect, **kwargs)
    return info.value.message


def saddle() -> tuple[Setup, dict[str, Any]]:
    """x·y, refuted as convex on the segment from (1, −1) to (−1, 1) at t = 1/2."""
    s = Setup("x*y", ["x", "y"])
    w = _witness.segment(
        s.carrier,
        {x: F(1), y: F(-1)},
        {x: F(-1), y: F(1)},
        F(1, 2),
        {},
        (x, y),
        (),
        relation=">",
        total=True,
    )
    assert w is not None
    return s, roundtrip(w)


# --- real witnesses replay ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "sign"),
    [
        ("x*y", 1),
        ("abs(x) - 2*abs(y)", 1),
        ("sin(x) + y**2", 1),
        ("log(x)*y", -1),
        ("sqrt(x) - x**2*exp(y)", 1),
        ("Max(x, y) - x**2 - y**2", 1),
    ],
)
def test_segment_witnesses_found_by_the_search_replay_from_json(function: str, sign: int) -> None:
    s = Setup(function, ["x", "y"])
    found = s.segment(sign)
    assert found is not None
    data = roundtrip(found)
    assert data["kind"] == "segment" and data["relation"] == (">" if sign > 0 else "<")
    assert set(data["values"]) == {"f_a", "f_b", "f_m", "chord"}
    assert data["box"] is None
    replay(data, s, "not-convex" if sign > 0 else "not-concave")
    replay(data, s, "not-affine")


@pytest.mark.parametrize(
    ("function", "sign"),
    [("x*y", 1), ("sin(x) + y**2", 1), ("log(x)*y", -1), ("sqrt(x) - x**2*exp(y)", 1)],
)
def test_curvature_witnesses_found_by_the_search_replay_from_json(function: str, sign: int) -> None:
    s = Setup(function, ["x", "y"])
    found = s.curvature(sign)
    assert found is not None
    data = roundtrip(found)
    assert data["kind"] == "curvature" and data["sign"] == ("<0" if sign > 0 else ">0")
    assert set(data["values"]) == {"second_derivative"}
    replay(data, s, "not-convex" if sign > 0 else "not-concave")


def test_exact_and_ball_values_are_recorded_as_numbers_and_enclosures() -> None:
    s, data = saddle()
    assert data["values"] == {"f_a": -1, "f_b": -1, "f_m": 0, "chord": -1}
    assert data["precision"] is None and data["t"] == "1/2"
    s = Setup("sin(x) + y**2", ["x", "y"])
    w = _witness.curvature(s.carrier, {x: F(1), y: F(0)}, {x: F(1), y: F(0)}, (x, y), (), sign=1)
    assert w is not None
    data = roundtrip(w)
    lo, hi = (F(v) for v in data["values"]["second_derivative"])
    assert lo < -sympy.sin(1).evalf(30) < hi and data["precision"] == 64
    assert w.recorded("second_derivative") == Enclosure(lo, hi)


def test_permutation_witness_keeps_its_swap_and_replays() -> None:
    s = Setup("(y - v1*w1 - v2*w2)**2 - (w1 - w2)**2*3", ["w1", "w2", "v1", "v2"])
    w1, w2, v1, v2 = s.claim.variables
    found = permutation.find_permutation_witness(
        s.carrier,
        s.program,
        s.claim.variables,
        s.claim.parameters,
        s.domains,
        ((w1, w2), (v1, v2)),
        sign=1,
        total=True,
        seed=0,
        tries=64,
        deadline=Deadline.after(30),
    )
    assert found is not None
    data = roundtrip(found)
    assert data["argument"] == "permutation" and data["swap"] == "w1<->w2, v1<->v2"
    # y is a parameter: the witness refutes "convex for every y" at its own value of y.
    (y_,) = s.claim.parameters
    replay(data, s, "not-convex", context=s.context.pinned({y_: F(data["parameters"]["y"])}))


def test_flat_segment_replays_against_strictness_only() -> None:
    s = Setup("abs(x) + y**2", ["x", "y"])
    found = flat.equal_on_segment(
        s.problem(), {x: F(1), y: F(0)}, {x: F(3), y: F(0)}, {}, "flat segment"
    )
    assert found is not None
    data = roundtrip(found)
    assert data["relation"] == "=" and data["precision"] is None
    replay(data, s, "not-strictly-convex")
    replay(data, s, "not-strictly-concave")
    assert "does not show f is not-convex" in rejected(data, s, "not-convex")


def test_point_witness_replays_against_an_invariance() -> None:
    claim = build_claim(
        {
            "name": "swap",
            "function": "x + 2*y + log(x)",
            "property": "invariant",
            "substitution": {"x": "y", "y": "x"},
            "domain": {"x": "positive", "y": "positive"},
        }
    )
    carrier = attach(claim.function, claim.obligations)
    symbols = tuple(s for s, _ in claim.domains)
    found = invariance.find_point_witness(
        carrier,
        image_carrier(claim),
        symbols,
        dict(claim.domains),
        seed=0,
        points=16,
        deadline=Deadline.after(30),
    )
    assert found is not None
    data = roundtrip(found)
    assert set(data["values"]) == {"value", "substituted_value"}
    context = Context(claim.variables, dict(claim.domains), claim.obligations)
    check_point_witness(witness_from_json(data), claim=claim, context=context)
    # The same point against a function that is invariant: the sides are equal there.
    with pytest.raises(CheckFailure, match=r"does not certify|not certainly"):
        check_witness(
            witness_from_json(data),
            carrier=carrier,
            context=context,
            expect="not-invariant",
            image=carrier,
        )
    moved = copy.deepcopy(data)
    moved["point"]["x"] = "5"
    with pytest.raises(CheckFailure, match="recorded f\\(point\\)"):
        check_point_witness(witness_from_json(moved), claim=claim, context=context)


# --- witnesses for every parameter value ---------------------------------------------------


def boxed() -> tuple[Setup, dict[str, Any]]:
    """p·x·y with p in [1, 2]: not convex for every p, certified over the box."""
    s = Setup("p*x*y", ["x", "y"], domain={"p": [1, 2]})
    found = _witness.segment(
        s.carrier,
        {x: F(1), y: F(-1)},
        {x: F(-1), y: F(1)},
        F(1, 2),
        {p: F(1)},
        (x, y),
        (p,),
        relation=">",
        total=True,
    )
    assert found is not None
    certified = uniform.certify_for_every_parameter(s.problem(), found)
    assert certified is not None
    return s, roundtrip(certified)


def test_uniform_certification_travels_with_the_witness_as_its_box() -> None:
    s, data = boxed()
    assert data["box"] == {"p": [1, 2]} and data["parameters"] == {"p": 1}
    replay(data, s, "not-convex")


def test_a_curvature_witness_certified_over_the_box_replays() -> None:
    s = Setup("p*x*y", ["x", "y"], domain={"p": [1, 2]})
    found = _witness.curvature(
        s.carrier, {x: F(0), y: F(0), p: F(1)}, {x: F(1), y: F(-1)}, (x, y), (p,), sign=1
    )
    assert found is not None
    certified = uniform.certify_for_every_parameter(s.problem(), found)
    assert certified is not None
    data = roundtrip(certified)
    assert data["box"] == {"p": [1, 2]}
    replay(data, s, "not-convex")
    data["box"]["p"] = [-1, 2]  # p = 0 is affine, p < 0 convex along this direction
    assert "not certified for every parameter value" in rejected(data, s, "not-convex")


def test_a_witness_at_one_parameter_value_needs_a_pinned_context() -> None:
    s, data = boxed()
    data["box"] = None
    message = rejected(data, s, "not-convex")
    assert "certified at one parameter value" in message and "p" in message
    pinned = s.context.pinned({p: F(1)})
    replay(data, s, "not-convex", context=pinned)


def test_a_box_widened_beyond_what_was_certified_is_rejected() -> None:
    s, data = boxed()
    data["box"]["p"] = [-1, 2]  # at p <= 0 the segment no longer rises above its chord
    assert "not certified for every parameter value in the box" in rejected(data, s, "not-convex")


def test_a_box_that_does_not_cover_the_claimed_domain_is_rejected() -> None:
    s, data = boxed()
    wider = Context(s.context.variables, {**s.domains, p: interval_domain(F(1), F(3))})
    message = rejected(data, s, "not-convex", context=wider)
    assert "does not cover its domain [1, 3]" in message


def test_unbounded_parameters_give_no_box() -> None:
    s = Setup("p**2*x*y + x*y", ["x", "y"])
    found = s.segment()
    assert found is not None
    assert uniform.certify_for_every_parameter(s.problem(), found) is None
    data = roundtrip(found)
    assert "certified at one parameter value" in rejected(data, s, "not-convex")


# --- tampering -----------------------------------------------------------------------------


def test_a_moved_coordinate_no_longer_matches_the_recorded_values() -> None:
    s, data = saddle()
    data["a"]["x"] = 2  # still above the chord, but f(a) is now −2
    assert "recorded f(a) -1 does not enclose the recomputed -2" in rejected(data, s, "not-convex")


def test_a_coordinate_moved_outside_the_domain_is_rejected() -> None:
    s = Setup("x*y", ["x", "y"], domain={"x": [-1, 1]})
    _, data = saddle()
    replay(data, s, "not-convex")
    data["b"]["x"] = -2
    assert "end b: x = -2 lies outside its domain [-1, 1]" in rejected(data, s, "not-convex")


def test_a_parameter_moved_outside_its_domain_is_rejected() -> None:
    s, data = boxed()
    data["parameters"]["p"] = 5
    assert "parameter p = 5 lies outside its domain [1, 2]" in rejected(data, s, "not-convex")


def test_a_curvature_point_moved_onto_the_boundary_is_rejected() -> None:
    s = Setup("x*y", ["x", "y"], domain={"x": "nonnegative"})
    found = s.curvature()
    assert found is not None
    data = roundtrip(found)
    replay(data, s, "not-convex")
    data["point"]["x"] = 0
    assert "x = 0 is not an interior point" in rejected(data, s, "not-convex")


def test_a_refutation_replayed_against_a_convex_function_is_rejected() -> None:
    s, data = saddle()
    convex = Setup("x**2 + y**2", ["x", "y"])
    message = rejected(data, s, "not-convex", carrier=convex.carrier)
    assert "the kernel does not certify f(m) > chord" in message and "f(m) < chord" in message
    found = s.curvature()
    assert found is not None
    message = rejected(roundtrip(found), s, "not-convex", carrier=convex.carrier)
    assert "the kernel does not certify the second derivative <0" in message


def test_a_changed_relation_or_sign_is_rejected() -> None:
    s, data = saddle()
    data["relation"] = "<"
    assert "does not show f is not-convex" in rejected(data, s, "not-convex")
    message = rejected(data, s, "not-concave")
    assert "does not certify f(m) < chord" in message and "f(m) > chord" in message
    found = s.curvature()
    assert found is not None
    data = roundtrip(found)
    data["sign"] = ">0"
    assert "does not show f is not-convex" in rejected(data, s, "not-convex")
    assert "it finds <0" in rejected(data, s, "not-concave")


def test_recorded_values_that_no_longer_enclose_are_rejected() -> None:
    s, data = saddle()
    changed = copy.deepcopy(data)
    changed["values"]["f_m"] = "1/2"
    assert "recorded f(m) 1/2 does not enclose the recomputed 0" in rejected(
        changed, s, "not-convex"
    )
    changed = copy.deepcopy(data)
    changed["values"]["chord"] = "-2"
    assert "recorded chord -2 does not enclose" in rejected(changed, s, "not-convex")
    # An enclosure that contains the value but no longer shows the relation.
    changed = copy.deepcopy(data)
    changed["values"]["f_m"] = ["-2", "1"]
    assert "do not show f(m) above the chord" in rejected(changed, s, "not-convex")
    # A ball recomputed at the recorded precision that the recorded bounds miss.
    s = Setup("sin(x) + y**2", ["x", "y"])
    found = s.curvature()
    assert found is not None
    data = roundtrip(found)
    lo, hi = data["values"]["second_derivative"]
    data["values"]["second_derivative"] = [str(F(lo) + (F(hi) - F(lo)) / 2), hi]
    assert "recorded second derivative" in rejected(data, s, "not-convex")
    data["values"] = None
    assert "records no values" in rejected(data, s, "not-convex")


def test_wrong_names_ends_and_t_are_rejected() -> None:
    s, data = saddle()
    changed = copy.deepcopy(data)
    del changed["a"]["y"]
    assert "end a gives ['x'], but the step's variables are ['x', 'y']" in rejected(
        changed, s, "not-convex"
    )
    changed = copy.deepcopy(data)
    changed["t"] = 1
    assert "t = 1 is not strictly between 0 and 1" in rejected(changed, s, "not-convex")
    changed = copy.deepcopy(data)
    changed["b"] = dict(changed["a"])
    assert "equal ends" in rejected(changed, s, "not-convex")


def test_a_witness_through_a_point_where_the_written_function_is_undefined_is_rejected() -> None:
    # SymPy evaluates 0*log(x) away; as written the function is undefined for x <= 0.
    s = Setup("-x**2 + 0*log(x)", ["x"])
    bare = _witness.segment(
        s.claim.function, {x: F(-1)}, {x: F(1)}, F(1, 2), {}, (x,), (), relation=">", total=True
    )
    assert bare is not None
    message = rejected(roundtrip(bare), s, "not-convex")
    assert "does not certify" in message
    on_carrier = _witness.segment(
        s.carrier, {x: F(-1)}, {x: F(1)}, F(1, 2), {}, (x,), (), relation=">", total=False
    )
    assert on_carrier is None


def test_the_witness_rule_replays_a_step_on_the_subject_with_its_obligations() -> None:
    s, data = saddle()
    w = witness_from_json(data)
    checker = Checker()
    step = ProofStep("witness", s.claim.function, "not-convex", witness=w)
    assert checker.check(step, s.context) == "not-convex"
    with pytest.raises(CheckFailure, match="does not show f is not-concave"):
        checker.check(ProofStep("witness", s.claim.function, "not-concave", witness=w), s.context)
    with pytest.raises(CheckFailure, match="does not certify"):
        checker.check(ProofStep("witness", x**2 + y**2, "not-convex", witness=w), s.context)
    with pytest.raises(CheckFailure, match="carries no witness"):
        checker.check(ProofStep("witness", s.claim.function, "not-convex"), s.context)
    # The obligations of the context are attached: log(x) is undefined at a.
    guarded = Context(
        s.context.variables, s.domains, Setup("x*y + 0*log(x)", ["x", "y"]).claim.obligations
    )
    with pytest.raises(CheckFailure, match="does not certify"):
        checker.check(step, guarded)


def test_malformed_witness_data_are_refused() -> None:
    _, data = saddle()
    for change in (
        {"kind": "triangle"},
        {"t": 0.5},
        {"values": {"f_a": 1}},
        {"values": {"f_a": ["1", "0"], "f_b": -1, "f_m": 0, "chord": -1}},
        {"box": {"p": [2, 1]}},
        {"precision": "64"},
    ):
        with pytest.raises(ValueError):
            witness_from_json({**data, **change})


def test_ball_enclosures_are_exact_rationals_and_tiny_ends_round_outwards() -> None:
    from flint import arb

    third = enclosure_of_ball(arb(1) / 3)
    assert third is not None and third.lo < F(1, 3) < third.hi
    tiny = enclosure_of_ball(arb(-100000).exp())
    assert tiny is not None and tiny.lo <= 0 < tiny.hi and tiny.hi.denominator.bit_length() <= 16385
    assert enclosure_of_ball(arb(100000).exp()) is None
    assert enclosure_of_ball(arb.nan()) is None


def test_point_witness_refuses_a_ranging_parameter() -> None:
    claim = build_claim(
        {
            "name": "swap",
            "function": "x + 2*y + p",
            "variables": ["x", "y"],
            "property": "invariant",
            "substitution": {"x": "y", "y": "x"},
            "domain": {"p": [0, 1]},
        }
    )
    w = _witness.point(
        attach(claim.function, claim.obligations),
        image_carrier(claim),
        {x: F(1), y: F(0), p: F(0)},
        tuple(s for s, _ in claim.domains),
    )
    assert isinstance(w, PointWitness)
    context = Context(claim.variables, dict(claim.domains), claim.obligations)
    with pytest.raises(CheckFailure, match="one parameter value"):
        check_point_witness(w, claim=claim, context=context)
    check_point_witness(w, claim=claim, context=context.pinned({p: F(0)}))
