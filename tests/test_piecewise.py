"""Piecewise functions: the line and its breakpoints (kernel), the prover's rule, the
strategy, the straddling refuter, the numeric search's evaluation, and soundness.

Soundness: convex-by-construction Piecewise functions (maxima of affine functions,
Huber-like losses, ELU with alpha <= 1, each with random rational parameters) are never
refuted; planted violations (a downward kink, an interior jump, ELU with alpha > 1) are
never proved; and every proof is re-checked at random rational points by an
independent evaluation (SymPy exact substitution and mpmath, tests/_independent.py).
``CONVEXITY_FUZZ_EXAMPLES`` raises the Hypothesis budgets.
"""

from __future__ import annotations

import os
from fractions import Fraction as F

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convexity_proofs import check
from convexity_proofs._engine import Settings, check_claim
from convexity_proofs._numeric import compile_program
from convexity_proofs._parser import make_symbol, parse_function
from convexity_proofs._proof import BreakpointFact, EndValueFact, PiecewiseFact
from convexity_proofs._strategies import CURVATURE, PROVERS, PiecewiseRule
from convexity_proofs._values import NONNEGATIVE, REAL, Status, interval_domain
from convexity_proofs.checker import replay
from convexity_proofs.kernel import piecewise as line
from convexity_proofs.kernel.intervals import Interval
from convexity_proofs.provers import piecewise
from tests._independent import DIGITS, recheck

x, y = make_symbol("x"), make_symbol("y")
U = piecewise.LINE_SYMBOL
HUBER = "Piecewise((x**2/2, Abs(x) <= 1), (Abs(x) - 1/2, True))"
ELU = "Piecewise((x, x >= 0), (exp(x) - 1, True))"
LEAKY = "Piecewise((x, x >= 0), (x/10, True))"

_LONG = os.environ.get("CONVEXITY_FUZZ_EXAMPLES")


def _budget(default: int) -> int:
    return int(_LONG) if _LONG else default


def f_of(text: str) -> sympy.Expr:
    return parse_function(text).expression


def cut(text: str, image: Interval | None = None) -> line.Segmentation | None:
    image = image or Interval.real()
    read = line.line_conditions(f_of(text), (x,), x, x)
    assert read is not None
    return line.segmentation(read[1], x, image)


# --- the kernel: the line and its breakpoints ---------------------------------------------


def test_huber_is_cut_at_minus_one_and_one() -> None:
    found = cut(HUBER)
    assert found is not None
    assert [(s.interval, s.branch) for s in found.segments] == [
        (Interval(None, F(-1), True, False), 1),
        (Interval(F(-1), F(1)), 0),
        (Interval(F(1), None, False, True), 1),
    ]
    assert [(b.point, b.branch) for b in found.breakpoints] == [(F(-1), 0), (F(1), 0)]
    assert found.ends == ()


def test_conditions_with_and_or_not_and_max() -> None:
    found = cut("Piecewise((x, (x <= 1) or (x >= 3)), (2, True))")
    assert found is not None
    assert [b.point for b in found.breakpoints] == [F(1), F(3)]
    assert [s.branch for s in found.segments] == [0, 1, 0]
    found = cut("Piecewise((1, not (x < 1/3)), (0, True))")
    assert found is not None and [b.point for b in found.breakpoints] == [F(1, 3)]
    found = cut("Piecewise((x, Max(x, 1 - x) <= 2), (0, True))")
    assert found is not None and [b.point for b in found.breakpoints] == [F(-1), F(2)]


def test_cells_of_one_branch_merge_and_an_isolated_value_is_a_breakpoint() -> None:
    # SymPy merges the two pairs of x**2 into one, (x < 0) | (x > 0)
    found = cut("Piecewise((x**2, x < 0), (x**2, x > 0), (5, True))")
    assert found is not None
    assert [s.branch for s in found.segments] == [0, 0]
    assert [(b.point, b.branch) for b in found.breakpoints] == [(F(0), 1)]
    found = cut("Piecewise((x**2, x < 1), (x**2, x < 2), (x**2 + 1, True))")
    assert found is not None and [b.point for b in found.breakpoints] == [F(2)]


def test_a_closed_end_given_by_another_branch() -> None:
    found = cut("Piecewise((1, x <= 0), (x**2, True))", Interval(F(0), F(1)))
    assert found is not None
    assert [(s.interval, s.branch) for s in found.segments] == [(Interval(F(0), F(1)), 1)]
    assert found.ends == (line.End(F(0), 0, 0, False),)
    # an open end is never a point of the domain
    assert cut("Piecewise((1, x <= 0), (x**2, True))", Interval(F(0), F(1), True)).ends == ()


@pytest.mark.parametrize(
    "text",
    [
        "Piecewise((x, x**2 <= 1), (1, True))",  # not piecewise linear
        "Piecewise((x, x <= pi), (1, True))",  # not a rational constant
        "Piecewise((x, exp(x) <= 2), (1, True))",
    ],
)
def test_conditions_that_are_not_piecewise_linear_give_no_cut(text: str) -> None:
    read = line.line_conditions(f_of(text), (x,), x, x)
    assert read is None or line.segmentation(read[1], x, Interval.real()) is None


def test_a_linear_form_of_two_variables() -> None:
    f = f_of("Piecewise(((x - y)**2, x - y >= 1), (2*x - 2*y - 1, True))")
    read = line.line_conditions(f, (x, y), x - y, U)
    assert read is not None
    assert read[0] == (U**2, 2 * U - 1)
    assert line.line_conditions(f, (x, y), x + y, U) is None
    assert line.linear_coefficients(x - 2 * y, (x, y)) == (F(1), F(-2))
    assert line.linear_coefficients(x - y + 1, (x, y)) is None
    assert line.linear_coefficients(x * y, (x, y)) is None


def test_one_sided_derivatives_localise_kinks_away_from_the_point() -> None:
    segment = Interval(F(1), None, False, True)
    found = line.one_sided(sympy.Abs(x) - sympy.Rational(1, 2), x, F(1), F(1, 2), True, segment, {})
    assert found is not None and found.derivative == 1 and found.enclosure == Interval.point(1)
    # a kink at the point itself cannot be localised on a window beside it... from both
    # sides at once; from one side it can (|x| is -x on [-1/2, 0])
    left = line.one_sided(sympy.Abs(x), x, F(0), F(1, 2), False, Interval(None, F(0)), {})
    assert left is not None and left.derivative == -1
    # the window must lie in the segment, and f' must be defined on it (sqrt at 0 is not)
    assert line.one_sided(x**2, x, F(0), F(2), False, Interval(F(-1), F(0)), {}) is None
    assert line.one_sided(sympy.sqrt(x), x, F(0), F(1), True, Interval(F(0), F(1)), {}) is None


def test_relations_exact_enclosed_and_for_every_parameter() -> None:
    a = make_symbol("a")
    assert line.relation(sympy.Integer(1), sympy.exp(0), {}) == "="
    assert line.relation(sympy.Integer(1), sympy.exp(sympy.Rational(1, 10)), {}) == "<"
    assert line.relation(a, 2 * a, {a: NONNEGATIVE}) == "<="
    assert line.relation(a, 2 * a, {a: REAL}) is None


# --- the prover ---------------------------------------------------------------------------


def proof(text: str, variables=(x,), domains=None, sign: int = 1) -> piecewise.PiecewiseResult:
    f = f_of(text)
    box = {s: REAL for s in f.free_symbols} | (domains or {})
    return piecewise.prove(f, tuple(variables), box, sign)


def test_huber_is_proved_with_its_breakpoints() -> None:
    result = proof(HUBER)
    step = result.step
    assert step is not None and step.rule == "piecewise" and step.conclusion == "convex"
    (frame,) = step.facts_of(PiecewiseFact)
    assert frame.variable == x and frame.form == x and len(frame.segments) == 3
    points = step.facts_of(BreakpointFact)
    assert [(b.point, b.relation) for b in points] == [(F(-1), "="), (F(1), "=")]
    assert points[1].values == (Interval.point(F(1, 2)),) * 3
    assert len(step.children) == 3


@pytest.mark.parametrize(
    ("text", "sign", "conclusion"),
    [
        (ELU, 1, "convex"),
        (LEAKY, 1, "convex"),
        ("Piecewise((x, x >= 0), (2*x, True))", -1, "concave"),
        ("Piecewise((x**2, x <= 1), (x**4, True))", 1, "strictly-convex"),
        ("Piecewise((log(x), x >= 1), (x - 1, True))", -1, "concave"),
        ("Piecewise((x**2, x <= 0), (x**2 + x, True))", 1, "strictly-convex"),
    ],
)
def test_pieces_and_breakpoints_prove(text: str, sign: int, conclusion: str) -> None:
    result = proof(text, sign=sign)
    assert result.step is not None, result.note
    assert result.step.conclusion == conclusion


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Piecewise((x, x >= 0), (2*x, True))", "kink"),
        ("Piecewise((x**2, x <= 1), (x**2 + 1, True))", "jump"),
        ("Piecewise((sin(x), x >= 0), (0, True))", "piece"),
    ],
)
def test_failures_name_the_breakpoint(text: str, kind: str) -> None:
    result = proof(text)
    assert result.step is None and result.line is not None
    assert result.failures[0].kind == kind


def test_a_jump_at_a_closed_end_only_upward() -> None:
    up = proof("Piecewise((1, x <= 0), (x**2, True))", domains={x: interval_domain(0, 1)})
    assert up.step is not None
    (end,) = up.step.facts_of(EndValueFact)
    assert (end.point, end.end, end.relation) == (F(0), "lower", ">")
    down = proof("Piecewise((-1, x <= 0), (x**2, True))", domains={x: interval_domain(0, 1)})
    assert down.step is None and down.failures[0].kind == "end"
    assert down.failures[0].place == "lower"


def test_a_linear_form_of_several_variables_is_never_strict() -> None:
    result = proof(HUBER.replace("x", "(x - y)"), (x, y))
    assert result.step is not None and result.step.conclusion == "convex"
    (frame,) = result.step.facts_of(PiecewiseFact)
    assert frame.variable == U and frame.form == x - y
    assert all(c.subject.free_symbols <= {U} for c in result.step.children)


def test_what_is_not_read_on_a_line() -> None:
    assert piecewise.applicability(x**2) is not None
    assert proof("Piecewise((x + y, x - y >= 0), (0, True))", (x, y)).line is None
    assert proof("Piecewise((x, x >= a), (a, True))").line is None  # a parameter


# --- the strategy and the engine -------------------------------------------------------------


def test_the_strategy_is_registered_cheap_and_structural() -> None:
    rule = next(s for s in CURVATURE if s.name == "piecewise")
    assert isinstance(rule, PiecewiseRule) and rule.cost == 15
    assert rule in PROVERS
    costs = [s.cost for s in CURVATURE]
    assert costs == sorted(costs)


@pytest.mark.parametrize(
    ("text", "variables", "prop", "status", "rule"),
    [
        (HUBER, ["x"], "convex", Status.PROVED, "piecewise"),
        (ELU, ["x"], "convex", Status.PROVED, "piecewise"),
        (LEAKY, ["x"], "convex", Status.PROVED, "piecewise"),
        ("Piecewise((x, x >= 0), (2*x, True))", ["x"], "convex", Status.REFUTED, None),
        ("Piecewise((x, x >= 0), (2*x, True))", ["x"], "concave", Status.PROVED, "piecewise"),
        (HUBER.replace("x", "(x - y)"), ["x", "y"], "convex", Status.PROVED, "piecewise"),
        ("Piecewise((x**2, x >= 0), (0, True)) + exp(x)", ["x"], "convex", Status.PROVED, "sum"),
        ("Piecewise((x**2, x <= 0), (x**2 - x, True))", ["x"], "convex", Status.REFUTED, None),
    ],
)
def test_engine_decides(text, variables, prop, status, rule) -> None:
    verdict = check(text, variables, prop)
    assert verdict.status is status, verdict.attempts
    assert replay(verdict).valid
    if rule is not None:
        assert verdict.proof[0].rule == rule
    else:
        assert verdict.witness is not None and verdict.witness.kind == "segment"
        recheck(verdict.claim, verdict.witness.to_json())


def test_refutation_comes_from_the_straddling_segments() -> None:
    verdict = check("Piecewise((x**2, x <= 1/3), (x**2 + 1/1000, True))", ["x"], "convex")
    assert verdict.status is Status.REFUTED
    assert not any(a.strategy == "segment search" for a in verdict.attempts)
    w = verdict.witness
    assert w is not None and w.precision is None  # exact rationals
    points = [dict(w.a)["x"], dict(w.b)["x"]]
    assert min(points) <= F(1, 3) <= max(points)


# --- the numeric search evaluates Piecewise ------------------------------------------------


def test_the_numeric_program_evaluates_piecewise_values_and_jets() -> None:
    f = f_of(HUBER + " + Piecewise((1, (x > 2) and not (x > 3)), (0, True))")
    program = compile_program(f, (x,))
    assert program is not None
    xs = np.array([[-2.0], [0.5], [1.0], [2.5], [3.5]])
    values = program.values(xs)
    expected = [float(f.xreplace({x: sympy.Rational(str(v))})) for v in xs[:, 0]]
    assert np.allclose(values, expected)
    _, first, second = program.jets(xs, np.ones_like(xs))
    assert np.allclose(first, [-1, 0.5, 1, 1, 1]) and np.allclose(second, [0, 1, 1, 0, 0])


def test_the_numeric_program_evaluates_equalities_sympy_may_build() -> None:
    f = sympy.Piecewise((5, sympy.Eq(x, 0)), (x**2, sympy.Ne(x, 1)), (7, True))
    program = compile_program(f, (x,))
    assert program is not None
    assert np.allclose(program.values(np.array([[0.0], [1.0], [2.0]])), [5, 7, 4])


def test_a_piecewise_inside_a_branch_is_proved_by_the_rule_again() -> None:
    text = "Piecewise((Piecewise((x**2, x <= 1), (2*x - 1, True)), x >= 0), (-x, True))"
    verdict = check(text, ["x"], "convex")
    assert verdict.status is Status.PROVED and replay(verdict).valid
    inner = [c for c in verdict.proof[0].children if c.rule == "piecewise"]
    assert len(inner) == 1


# --- soundness ----------------------------------------------------------------------------

FAST = Settings(timeout=20, curvature_points=8)
small = st.fractions(min_value=-3, max_value=3, max_denominator=4)
positive = st.fractions(min_value=F(1, 4), max_value=3, max_denominator=4)


def _rational(q: F) -> str:
    return f"({q.numerator}/{q.denominator})"


@st.composite
def convex_piecewise(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["max-affine", "huber", "elu", "leaky"]))
    if kind == "max-affine":
        lines = [
            f"{_rational(draw(small))}*x + {_rational(draw(small))}"
            for _ in range(draw(st.integers(2, 3)))
        ]
        pairs = []
        for i, own in enumerate(lines[:-1]):
            others = " and ".join(f"({own}) >= ({o})" for o in lines[i + 1 :])
            pairs.append(f"({own}, {others})")
        pairs.append(f"({lines[-1]}, True)")
        return "Piecewise(" + ", ".join(pairs) + ")"
    if kind == "huber":
        d, k, m = _rational(draw(positive)), _rational(draw(positive)), _rational(draw(small))
        u = f"(x - {m})"
        return f"{k}*Piecewise(({u}**2/2, Abs({u}) <= {d}), ({d}*(Abs({u}) - {d}/2), True))"
    if kind == "elu":
        a = _rational(draw(st.fractions(min_value=0, max_value=1, max_denominator=4)))
        return f"Piecewise((x, x >= 0), ({a}*(exp(x) - 1), True))"
    s1 = draw(small)
    s2 = s1 + draw(st.fractions(min_value=0, max_value=2, max_denominator=4))
    t = _rational(draw(small))
    return f"Piecewise(({_rational(s1)}*(x - {t}), x <= {t}), ({_rational(s2)}*(x - {t}), True))"


@st.composite
def planted_piecewise(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["kink", "jump", "elu"]))
    t = _rational(draw(small))
    if kind == "kink":
        s1 = draw(small)
        s2 = s1 - draw(positive)
        return (
            f"Piecewise(({_rational(s1)}*(x - {t}) + x**2/8, x <= {t}), "
            f"({_rational(s2)}*(x - {t}) + x**2/8, True))"
        )
    if kind == "jump":
        j = draw(small.filter(bool))
        return f"Piecewise((x**2, x <= {t}), (x**2 + {_rational(j)}, True))"
    a = _rational(1 + draw(positive))
    return f"Piecewise((x, x >= 0), ({a}*(exp(x) - 1), True))"


SOUNDNESS = settings(
    max_examples=_budget(12),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _claim(text: str, prop: str = "convex"):
    from convexity_proofs._claimfile import build_claim

    return build_claim(
        {"name": "generated", "function": text, "variables": ["x"], "property": prop}
    )


def jensen_gaps(f: sympy.Expr, seed: int, count: int = 12) -> list[sympy.Float]:
    """f(t·a + (1 − t)·b) − t·f(a) − (1 − t)·f(b) at random rational a, b, t, by exact
    substitution and mpmath (independent of the engine's arithmetic)."""
    rng = np.random.default_rng(seed)
    gaps = []
    for _ in range(count):
        a, b = (sympy.Rational(int(rng.integers(-48, 49)), 8) for _ in range(2))
        t = sympy.Rational(int(rng.integers(1, 8)), 8)
        at = lambda v: sympy.N(f.xreplace({x: v}), DIGITS)  # noqa: E731
        gaps.append(at(t * a + (1 - t) * b) - t * at(a) - (1 - t) * at(b))
    return gaps


@SOUNDNESS
@given(convex_piecewise())
def test_convex_piecewise_is_never_refuted_and_its_proofs_hold_at_random_points(text) -> None:
    verdict = check_claim(_claim(text), FAST)
    assert verdict.status is not Status.REFUTED, (text, verdict.to_json())
    if verdict.status is Status.PROVED:
        assert all(g <= sympy.Float("1e-40") for g in jensen_gaps(verdict.claim.function, 0))


@SOUNDNESS
@given(planted_piecewise())
def test_planted_violations_are_never_proved(text) -> None:
    verdict = check_claim(_claim(text), FAST)
    assert verdict.status is not Status.PROVED, (text, verdict.proof)
    if verdict.status is Status.REFUTED and verdict.witness is not None:
        recheck(verdict.claim, verdict.witness.to_json())
    concave = check_claim(_claim(text.replace("Piecewise", "-Piecewise", 1), "concave"), FAST)
    assert concave.status is not Status.PROVED, (text, concave.proof)


def test_the_shipped_examples_are_decided_by_the_families() -> None:
    # every generated family is decided on a simple instance (not only "not wrong")
    for text, status in [
        ("Piecewise((x - 1, x - 1 >= 1 - x), (1 - x, True))", Status.PROVED),
        ("Piecewise((x**2/2, Abs(x) <= 1/2), (1/2*(Abs(x) - 1/4), True))", Status.PROVED),
        ("Piecewise((x, x >= 0), (2*(exp(x) - 1), True))", Status.REFUTED),
        ("Piecewise((x**2, x <= 1/2), (x**2 - 1, True))", Status.REFUTED),
    ]:
        assert check_claim(_claim(text), FAST).status is status, text


def test_a_value_at_a_point_needs_the_branch_as_written_defined_there() -> None:
    """SymPy evaluates 0**u at u = 0 to 1, which is no limit of 0**u (= 0 for u > 0):
    an end's jump judged by that value could look upward when it is downward."""
    from fractions import Fraction

    import sympy

    from convexity_proofs.kernel.piecewise import value_at

    u = sympy.Symbol("u")
    assert value_at(-sympy.Pow(0, u), u, Fraction(0), {}) is None
    found = value_at(u**2 + 1, u, Fraction(0), {})
    assert found is not None and found[0] == 1
