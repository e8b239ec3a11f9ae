"""The second-order provers say why they do not apply, exactly when they return None."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy as sp

from convexity_proofs._values import POSITIVE, interval_domain
from convexity_proofs.provers import second_order
from convexity_proofs.provers.second_order import (
    quadratic,
    quadratic_applicability,
    univariate,
    univariate_applicability,
)

x, y, p = sp.symbols("x y p", real=True)
F = Fraction


@pytest.mark.parametrize(
    ("expr", "variables", "reason"),
    [
        (x**2, (), "there are no variables"),
        (sp.Abs(x) + y**2, (x, y), "it is not smooth (it contains Abs(...))"),
        (sp.Max(x, y), (x, y), "it is not smooth (it contains Max(...))"),
        (sp.exp(x) + y**2, (x, y), "not a polynomial in the variables (it contains exp(...))"),
        (x**3 + y, (x, y), "its degree in the variables is above 2"),
        (
            p * x**2,
            (x,),
            "the Hessian depends on the parameters (p): definiteness for every "
            "value is not decided here",
        ),
        (sp.pi * x**2, (x,), "the Hessian has an entry that is not a rational number (pi)"),
    ],
)
def test_quadratic_says_why_not(expr, variables, reason) -> None:
    assert quadratic_applicability(expr, variables) == reason
    assert quadratic(expr, variables, {}) is None


def test_quadratic_too_many_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(second_order, "MAX_QUADRATIC_VARIABLES", 1)
    reason = quadratic_applicability(x**2 + y**2, (x, y))
    assert reason == "2 variables are above the limit 1"
    assert quadratic(x**2 + y**2, (x, y), {}) is None


@pytest.mark.parametrize(
    ("expr", "variables"),
    [(x**2 + y**2, (x, y)), (x * y, (x, y)), (3 * x + p * y + sp.log(p), (x, y))],
)
def test_quadratic_applies(expr, variables) -> None:
    assert quadratic_applicability(expr, variables) is None
    assert quadratic(expr, variables, {p: POSITIVE}) is not None


def test_quadratic_coefficient_not_defined_is_a_note_not_none() -> None:
    # log(p) is undefined for p <= 0: the prover applies but cannot conclude.
    result = quadratic(x**2 + sp.log(p) * y, (x, y), {})
    assert result is not None and result.convex is None
    assert "log(p)" in result.note and "not proved defined" in result.note


@pytest.mark.parametrize(
    ("expr", "variables", "reason"),
    [
        (x**2 + y**2, (x, y), "it needs exactly one variable, not 2"),
        (sp.Abs(x), (x,), "it is not smooth (it contains Abs(...))"),
        (sp.Function("g")(x), (x,), "its second derivative has no closed form"),
    ],
)
def test_univariate_says_why_not(expr, variables, reason) -> None:
    assert univariate_applicability(expr, variables) == reason
    assert univariate(expr, variables, {}) is None


def test_univariate_too_large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(second_order, "MAX_OPS", 3)
    expr = sp.exp(x) + x**4 + sp.sin(x) + x
    reason = univariate_applicability(expr, (x,))
    assert reason is not None and "above the limit 3" in reason
    assert univariate(expr, (x,), {}) is None


@pytest.mark.parametrize(
    ("expr", "domains", "convex"),
    [
        (sp.exp(x), {}, True),
        (x**4, {}, True),
        (sp.log(x), {x: POSITIVE}, False),  # concave: f'' < 0 at an exact point
        (sp.log(x**2 + sp.E), {}, None),  # f'' changes sign: intervals cannot conclude
        (sp.log(x), {}, None),  # not defined on the whole domain: a note
        (x**3, {x: interval_domain(F(-1), F(1))}, False),
    ],
)
def test_univariate_applies_and_answers_or_notes(expr, domains, convex) -> None:
    assert univariate_applicability(expr, (x,)) is None
    result = univariate(expr, (x,), domains)
    assert result is not None and result.convex is convex
    if convex is None:
        assert result.note


def test_not_defined_note_names_the_problem() -> None:
    result = univariate(sp.log(x), (x,), {})
    assert result is not None and result.note == "f is not proved defined on the whole domain"


# --- the steps are data -------------------------------------------------------------------


def test_quadratic_step_holds_the_hessian_and_its_factors() -> None:
    from convexity_proofs._proof import DefinedFact, HessianFact

    expr = 2 * x**2 + 2 * x * y + 3 * y**2 + p * x
    result = quadratic(expr, (x, y), {p: POSITIVE})
    assert result is not None and result.convex is True and result.strict is True
    step = result.step
    assert step is not None
    assert (step.rule, step.subject, step.conclusion) == (
        "constant-hessian",
        expr,
        "strictly-convex",
    )
    hessian, defined = step.facts
    assert isinstance(hessian, HessianFact) and isinstance(defined, DefinedFact)
    assert hessian.variables == (x, y)
    assert hessian.matrix == ((F(4), F(2)), (F(2), F(6)))
    assert sorted(hessian.order) == [0, 1] and all(d > 0 for d in hessian.pivots)
    assert defined.subject == expr
    singular = quadratic((x + y) ** 2, (x, y), {})
    assert singular is not None and singular.step is not None
    assert singular.step.conclusion == "convex" and singular.flat_direction is not None


def test_univariate_steps_hold_the_sign_decision() -> None:
    from convexity_proofs._proof import DefinedFact, SignFact, UnivariateSignFact

    exact = univariate(x**4, (x,), {})
    assert exact is not None and exact.step is not None
    assert (exact.step.rule, exact.step.conclusion) == (
        "second-derivative-exact",
        "strictly-convex",
    )
    sign, defined = exact.step.facts
    assert isinstance(sign, UnivariateSignFact) and isinstance(defined, DefinedFact)
    assert sign.variable == x and sign.expression == 12 * x**2
    assert sign.numerator == (F(12), F(0), F(0)) and sign.denominator == (F(1),)
    assert sign.roots == () and sign.sample is not None
    intervals = univariate(sp.exp(x), (x,), {})
    assert intervals is not None and intervals.step is not None
    assert intervals.step.rule == "second-derivative-intervals"
    enclosure, _ = intervals.step.facts
    assert isinstance(enclosure, SignFact)
    assert (enclosure.subject, enclosure.sign) == (sp.exp(x), "positive")
    assert enclosure.enclosure.is_positive()
