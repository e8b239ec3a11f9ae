"""Soundness of the whole engine: never prove a planted non-convexity, never refute
a convex-by-construction function.

Non-convex by construction: g(x2, x3) + k·φ(a·x1 + c) where g is convex (the grammar
of test_soundness), a ≠ 0, k > 0 and φ is not convex on the real line (u³, tanh,
sigmoid, sin, −u², −exp, −softplus, −|u|), or g(x3) + x1·x2.  Along the x1 axis g is
constant, so f is not convex whatever g is; the engine may refute or say unknown, but
never prove.  The same functions negated are not concave.

CONVEXITY_SOUNDNESS_EXAMPLES raises the budget (default small for CI).
"""

from __future__ import annotations

import os

import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from convexity_proofs import Status
from convexity_proofs._claimfile import build_claim
from convexity_proofs._engine import Settings, check_claim

from .test_soundness import X, convex

EXAMPLES = int(os.environ.get("CONVEXITY_SOUNDNESS_EXAMPLES", "25"))
x1, x2, x3 = X

NOT_CONVEX = {
    "cube": lambda u: u**3,
    "tanh": sympy.tanh,
    "sigmoid": lambda u: 1 / (1 + sympy.exp(-u)),
    "sin": sympy.sin,
    "negative square": lambda u: -(u**2),
    "negative exp": lambda u: -sympy.exp(u),
    "negative softplus": lambda u: -sympy.log(1 + sympy.exp(u)),
    "negative abs": lambda u: -sympy.Abs(u),
}
nonzero = (
    st.fractions(min_value=-3, max_value=3, max_denominator=4).filter(bool).map(sympy.Rational)
)
positive = st.fractions(min_value=sympy.Rational(1, 4), max_value=3, max_denominator=4).map(
    sympy.Rational
)


@st.composite
def planted(draw: st.DrawFn) -> sympy.Expr:
    g = draw(convex()).xreplace({x1: x3})  # the convex part does not involve x1
    if draw(st.booleans()):
        phi = NOT_CONVEX[draw(st.sampled_from(sorted(NOT_CONVEX)))]
        return g + draw(positive) * phi(draw(nonzero) * x1 + draw(nonzero))
    return g.xreplace({x2: x3}) + x1 * x2


def claim_for(expr: sympy.Expr, prop: str):
    names = sorted(s.name for s in expr.free_symbols)
    return build_claim(
        {"name": "generated", "function": sympy.sstr(expr), "variables": names, "property": prop}
    )


SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FAST = Settings(timeout=20, curvature_points=8)


@SETTINGS
@given(planted())
def test_planted_nonconvexity_is_never_proved(expr: sympy.Expr) -> None:
    verdict = check_claim(claim_for(expr, "convex"), FAST)
    assert verdict.status is not Status.PROVED, (expr, verdict.proof)
    negated = check_claim(claim_for(-expr, "concave"), FAST)
    assert negated.status is not Status.PROVED, (-expr, negated.proof)


@SETTINGS
@given(convex())
def test_convex_by_construction_is_never_refuted_by_the_engine(expr: sympy.Expr) -> None:
    assume(expr.free_symbols)  # a constant has no variables to make a claim about
    verdict = check_claim(claim_for(expr, "convex"), FAST)
    assert verdict.status is not Status.REFUTED, (expr, verdict.to_json())


@settings(max_examples=max(8, EXAMPLES // 2), deadline=None, derandomize=True, database=None)
@given(st.sampled_from(sorted(NOT_CONVEX)), nonzero, nonzero)
def test_perspective_of_a_nonconvex_function_is_never_proved(name, a, c) -> None:
    # y·φ(x/y) with y > 0 is convex iff φ is; φ here is not convex on the real line.
    expr = x2 * NOT_CONVEX[name](a * x1 / x2 + c)
    claim = build_claim(
        {
            "name": "p",
            "function": sympy.sstr(expr),
            "variables": ["x1", "x2"],
            "property": "convex",
            "domain": {"x2": "positive"},
        }
    )
    assert check_claim(claim, FAST).status is not Status.PROVED, expr
