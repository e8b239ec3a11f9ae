"""Narrow non-convexity (refuters/narrow.py, refuters/curvature.py) and the early exits
(convexity_proofs/_early_exit.py).

Dips and steps of width down to 1e-3 must be found by the curvature search, each
witness re-checked independently (SymPy + mpmath, tests/_independent.py); narrow bumps
that keep a function convex must never be refuted; and the early exits (a question no
strategy can answer; the segment search's Hypothesis phase on C² functions) must never
change a decided verdict of the shipped claims.

The property tests' budget is small by default; set CONVEXITY_FUZZ_EXAMPLES for a long run.
"""

from __future__ import annotations

import math
import os
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convexity_proofs import Settings, Status, check, check_claim, load_claims
from convexity_proofs import _early_exit as early
from convexity_proofs._claimfile import build_claim
from convexity_proofs._engine import Settings as EngineSettings
from convexity_proofs._numeric import compile_program
from convexity_proofs._parser import make_symbol, parse_expression
from convexity_proofs._problem import Problem
from convexity_proofs._reductions import reduced_claim
from convexity_proofs._values import Claim, Property
from convexity_proofs.refuters import curvature, narrow, segment
from convexity_proofs.refuters._space import Deadline, is_empty, narrowed_domains

from . import _independent

EXAMPLES = int(os.environ.get("CONVEXITY_FUZZ_EXAMPLES", "8"))
CLAIMS = Path(__file__).resolve().parent.parent / "claims"
X, Y = make_symbol("x"), make_symbol("y")


def _claim(function: str, variables: list[str], prop: str = "convex", **extra: object) -> Claim:
    table = {"name": "t", "function": function, "variables": variables, "property": prop}
    table.update(extra)
    return build_claim(table)


def _search(claim: Claim, sign: int = 1, **options: int) -> object:
    """The curvature search alone on the claim's carrier (its own domains)."""
    problem = Problem.for_claim(claim, EngineSettings(), Deadline.after(60))
    program = compile_program(problem.carrier, claim.variables + claim.parameters)
    assert program is not None
    return curvature.find_curvature_witness(
        problem.carrier,
        program,
        claim.variables,
        claim.parameters,
        dict(claim.domains),
        sign=sign,
        settings=curvature.CurvatureSearch(**options),
        deadline=Deadline.after(60),
    )


NARROW_DIPS = [
    ("x**2 - exp(-1000000*(x - 1/3)**2)/1000", ["x"], {}),
    ("x**2 + y**2 - exp(-10**6*((x - 1/3)**2 + y**2))/1000", ["x", "y"], {}),
    ("x**2 + y**2 - exp(-10**6*(x - 3/7)**2)/1000", ["x", "y"], {}),
    ("x**2 + tanh(1000*(x - 3/7))/1000", ["x"], {}),
    ("x*log(x) - exp(-10**6*(x - 2)**2)/10**4", ["x"], {"domain": {"x": "positive"}}),
    ("x**2 - exp(-10**6*(x - 5/7)**2)/1000", ["x"], {"domain": {"x": ["-2", "3"]}}),
    ("x**2/1000 - exp(-10**4*(x - 1000)**2)", ["x"], {}),
    ("2*x**2 - (1/500)/(1 + 10**6*(x + 3/7)**2)", ["x"], {}),
    (
        "x**2 + y**2 + z**2 - exp(-100*((x - 0.37)**2 + (y - 0.41)**2 + (z + 0.2)**2))/3",
        ["x", "y", "z"],
        {},
    ),
    ("log(1 + exp(x)) - exp(x)/10**9", ["x"], {}),
]


@pytest.mark.parametrize(("function", "variables", "extra"), NARROW_DIPS)
def test_narrow_non_convexity_is_found_and_rechecks(function, variables, extra) -> None:
    claim = _claim(function, variables, **extra)
    witness = _search(claim)
    assert witness is not None
    assert _independent.curvature(claim, witness.to_json()) < 0
    point = dict(witness.point)
    for name, value in point.items():
        assert dict(claim.domains)[make_symbol(name)].contains_interior(value)


def test_the_random_points_alone_miss_the_narrow_dip() -> None:
    # The narrower phases are what finds it: forty random points do not.
    claim = _claim(*NARROW_DIPS[0][:2])
    assert _search(claim, descent_starts=0, lines=0) is None
    assert _search(claim, descent_starts=0) is not None


def test_the_local_descent_finds_what_the_points_miss() -> None:
    claim = _claim(NARROW_DIPS[8][0], NARROW_DIPS[8][1])
    assert _search(claim, descent_starts=0, lines=0) is None
    witness = _search(claim, lines=0)
    assert witness is not None
    assert _independent.curvature(claim, witness.to_json()) < 0


def test_the_search_is_deterministic_and_the_witness_simple() -> None:
    claim = _claim(*NARROW_DIPS[0][:2])
    first, second = _search(claim), _search(claim)
    assert first == second
    assert dict(first.point)["x"].denominator < 1000  # type: ignore[attr-defined]


def test_the_engine_refutes_the_issue_example() -> None:
    verdict = check("x**2 - exp(-1000000*(x - 1/3)**2)/1000", ["x"], "convex")
    assert verdict.status is Status.REFUTED
    assert verdict.witness is not None and verdict.witness.kind == "curvature"
    claim = _claim("x**2 - exp(-1000000*(x - 1/3)**2)/1000", ["x"])
    assert _independent.curvature(claim, verdict.to_json()["witness"]) < 0


# --- narrow bumps that keep convexity are never refuted ----------------------------------

CONVEX_BUMPS = [
    ("x**2 + exp(-1000*x**2)/10**6", ["x"]),  # f'' >= 2 - 2/1000
    ("x**2 + (1/2000000)/(1 + 1000000*(x + 3/7)**2)", ["x"]),  # eps k = 1/2 <= 1
    ("x**2 - (1/1000000)*exp(-1000000*(x - 1/3)**2)", ["x"]),  # eps k = 1 <= e**1.5 / 2
    ("x**2 + y**2 + (1/2000000)*exp(-1000000*((x - 1/2)**2 + (y + 1/3)**2))", ["x", "y"]),
]


@pytest.mark.parametrize(("function", "variables"), CONVEX_BUMPS)
def test_convex_narrow_bumps_are_never_refuted(function, variables) -> None:
    claim = _claim(function, variables)
    assert _search(claim) is None
    assert check(function, variables, "convex").status is not Status.REFUTED


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(
    k=st.sampled_from((10**4, 10**5, 10**6)),
    ratio=st.sampled_from((Fraction(1, 4), Fraction(1, 2), Fraction(9, 10), 2, 4)),
    centre=st.sampled_from((Fraction(0), Fraction(1, 3), Fraction(-3, 7), Fraction(5, 2))),
    dip=st.booleans(),
)
def test_narrow_gaussians_are_refuted_only_when_they_break_convexity(k, ratio, centre, dip):
    # x**2 -/+ eps exp(-k (x - c)**2): a dip is convex iff eps k <= e**(3/2) / 2 (its
    # worst point is at |x - c| = sqrt(3 / (2k))), a bump iff eps k <= 1 (at c).
    threshold = math.exp(1.5) / 2 if dip else 1.0
    eps = Fraction(threshold * float(ratio) / k).limit_denominator(10**12)
    sign = "-" if dip else "+"
    text = f"x**2 {sign} ({eps})*exp(-{k}*(x - ({centre}))**2)"
    claim = _claim(text, ["x"])
    witness = _search(claim, points=12)
    if ratio < 1:
        assert witness is None, text
    elif witness is not None:
        assert _independent.curvature(claim, witness.to_json()) < 0


# --- structural centres and the narrowed search box ----------------------------------------


def test_centres_are_the_stationary_points_of_quadratic_arguments() -> None:
    claim = _claim("x**2 + y**2 - exp(-10**6*((x - 1/3)**2 + y**2))/1000", ["x", "y"])
    found = narrow.centres(claim.function, claim.variables, {}, dict(claim.domains))
    assert {X: Fraction(1, 3), Y: Fraction(0)} in found


def test_line_centres_are_roots_of_polynomial_arguments() -> None:
    claim = _claim("tanh(1000*(x - 3/7)) + exp(-(x - 2)**2)", ["x"])
    found = narrow.line_centres(claim.function, claim.variables, {X: Fraction(0)}, X)
    assert any(abs(c - 3 / 7) < 1e-12 for c in found)
    assert any(abs(c - 2) < 1e-12 for c in found)


def test_simplest_rational_between_two_ends() -> None:
    assert narrow.simplest_between(Fraction(332, 1000), Fraction(334, 1000)) == Fraction(1, 3)
    assert narrow.simplest_between(Fraction(-5, 7), Fraction(-2, 3)) == Fraction(-2, 3)
    assert narrow.simplest_between(Fraction(29, 10), Fraction(31, 10)) == 3
    assert narrow.simplest_between(Fraction(-1), Fraction(1)) == 0


@pytest.mark.parametrize(
    ("function", "domain", "lo", "hi", "empty"),
    [
        ("sqrt(x - 10**10)", {}, Fraction(10**10), None, False),
        ("log(1 - x**2)", {}, Fraction(-1), Fraction(1), False),
        ("x**(5/4)", {"x": "nonpositive"}, Fraction(0), Fraction(0), False),
        ("log(x)", {"x": "negative"}, None, None, True),
        ("log(x**2 + 1)", {}, None, None, False),
        ("Piecewise((log(x), x > 0), (0, True))", {}, None, None, False),
    ],
)
def test_the_search_box_is_cut_down_to_where_f_can_be_defined(function, domain, lo, hi, empty):
    claim = _claim(function, ["x"], domain=domain) if domain else _claim(function, ["x"])
    box = narrowed_domains(dict(claim.domains), claim.obligations)[X]
    assert is_empty(box) is empty
    if not empty:
        assert (box.lo, box.hi) == (lo, hi)


def test_an_irrational_root_is_rounded_outwards() -> None:
    claim = _claim("sqrt(2 - x**2)", ["x"])
    box = narrowed_domains(dict(claim.domains), claim.obligations)[X]
    assert box.lo <= -Fraction(141421356, 10**8) and box.hi >= Fraction(141421356, 10**8)
    assert box.hi - box.lo < Fraction(2829, 1000)


def test_the_refuters_search_where_the_function_is_defined() -> None:
    # x must be >= 10**10 for the square root: the sin(y) part refutes there.
    verdict = check("sqrt(x - 10**10) + sin(y)", ["x", "y"], "convex")
    assert verdict.status is Status.REFUTED
    claim = _claim("sqrt(x - 10**10) + sin(y)", ["x", "y"])
    _independent.recheck(claim, verdict.to_json()["witness"])


# --- early exits ---------------------------------------------------------------------------


def _strategies_run(verdict) -> set[str]:
    return {a.strategy for a in verdict.attempts}


@pytest.mark.parametrize(
    ("function", "variables", "prop", "domain"),
    [
        ("log(log(exp(y)))", ["y"], "concave", {}),  # log y: concave where defined (y > 0)
        ("x**(3/2)", ["x"], "convex", {"x": ["-1", "1"]}),  # convex on [0, 1], where defined
        ("x**(3/2)", ["x"], "nonconvex", {"x": ["-1", "1"]}),
        ("atan(atan(x**(5/4)))", ["x"], "convex", {"x": "nonpositive"}),  # defined at 0 only
        ("log(x) + y**2", ["x", "y"], "convex", {"x": "negative"}),  # defined nowhere
    ],
)
def test_unanswerable_questions_exit_early(function, variables, prop, domain) -> None:
    verdict = check(function, variables, prop, domain=domain or None)
    assert verdict.status is Status.UNKNOWN
    ran = _strategies_run(verdict)
    assert any(name.startswith("no strategy can answer") for name in ran)
    assert not any(name.startswith(("segment search", "curvature search")) for name in ran)


def test_the_exit_never_fires_where_a_witness_exists() -> None:
    # sqrt(x) - x**2 on [-1, 1]: defined on [0, 1] only, and concave there.
    verdict = check("sqrt(x) - x**2", ["x"], "convex", domain={"x": ["-1", "1"]})
    assert verdict.status is Status.REFUTED
    assert not any(a.strategy.startswith("no strategy") for a in verdict.attempts)


@pytest.mark.parametrize(
    ("function", "domain", "expected"),
    [
        ("exp(x) + y**2", {}, True),
        ("sqrt(1 + x**2) + log(y)", {"y": "positive"}, True),
        ("sqrt(x)", {"x": ["0", "1"]}, False),  # the base reaches 0
        ("sqrt(x)", {"x": ["1/2", "1"]}, True),
        ("abs(x) + y", {}, False),
        ("exp(x) + y", {"x": ["1", "1.000000000001"], "y": ["0", "1"]}, True),
    ],
)
def test_twice_differentiable_is_read_from_the_structure(function, domain, expected) -> None:
    names = sorted(str(s) for s in parse_expression(function).free_symbols)
    claim = _claim(function, names, domain=domain) if domain else _claim(function, names)
    problem = Problem.for_claim(claim, EngineSettings(), Deadline.after(30))
    assert early.twice_differentiable(problem) is expected


def _witness_needed(claim: Claim) -> bool:
    """Whether the expected verdict rests on a witness (only refuters are skipped)."""
    holds = claim.expect is None or claim.expect.value == "holds"
    fails_properties = {Property.NONCONVEX, Property.NONCONCAVE, Property.NEITHER}
    return (claim.property in fails_properties) == holds


def _shipped_claims_an_exit_can_touch() -> list:
    out = []
    for path in sorted(CLAIMS.glob("*.toml")):
        for claim in load_claims(path):
            if claim.property is Property.INVARIANT:
                continue
            judged = reduced_claim(claim) or claim
            problem = Problem.for_claim(judged, EngineSettings(), Deadline.after(30))
            if not problem.total or (
                _witness_needed(claim) and early.twice_differentiable(problem)
            ):
                out.append(pytest.param(claim, id=f"{path.stem}:{claim.name}"))
    return out


@pytest.mark.parametrize("claim", _shipped_claims_an_exit_can_touch())
def test_the_early_exits_never_change_a_shipped_verdict(claim, monkeypatch) -> None:
    # Run with the exits, noting whether one took effect; only then run without them.
    fired: list[str] = []
    real_exit, real_c2 = early.no_answer_possible, early.twice_differentiable

    def exit_spy(problem, *, provers_only):
        reason = real_exit(problem, provers_only=provers_only)
        if reason is not None:
            fired.append(reason)
        return reason

    def c2_spy(problem):
        answer = real_c2(problem)
        if answer:
            fired.append("Hypothesis phase skipped")
        return answer

    from convexity_proofs import _engine, _strategies

    monkeypatch.setattr(_engine, "no_answer_possible", exit_spy)
    monkeypatch.setattr(_strategies, "twice_differentiable", c2_spy)
    with_exits = check_claim(claim, Settings(timeout=60)).status
    if not fired:
        return
    monkeypatch.setattr(early, "ENABLED", False)
    without = check_claim(claim, Settings(timeout=60)).status
    assert with_exits is without, fired


def test_the_hypothesis_phase_is_skipped_only_for_c2_functions(monkeypatch) -> None:
    calls: list[int] = []
    real = segment._hypothesis_search

    def spy(problem, cfg, deadline):
        calls.append(cfg.hypothesis_examples)
        return real(problem, cfg, deadline)

    monkeypatch.setattr(segment, "_hypothesis_search", spy)
    from convexity_proofs._strategies import SegmentSearch

    # Both convex, so the batch of random segments finds nothing and Hypothesis would
    # run next: it does for the function with a kink, not for the C² one.
    for function, runs in (("exp(x) + exp(y)", False), ("abs(x - y) + x**2", True)):
        problem = Problem.for_claim(
            _claim(function, ["x", "y"]), EngineSettings(), Deadline.after(30)
        )
        calls.clear()
        outcome = SegmentSearch().run(problem)
        assert bool(calls) is runs, function
        assert not hasattr(outcome, "witness")
