"""Tests of the exact sign of univariate rational functions.

The property test builds rational functions from *known* rational roots (times factors
with no real roots), so the true answer is known independently: between consecutive
known roots the sign is constant, so exact samples there decide nonnegativity.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from convexity_proofs._values import (
    NEGATIVE,
    NONNEGATIVE,
    NONPOSITIVE,
    POSITIVE,
    REAL,
    Domain,
    interval_domain,
)
from convexity_proofs.provers.univariate import SignOnInterval, rational_sign

x = sp.Symbol("x", real=True)
y = sp.Symbol("y", real=True)
F = Fraction


def _value(expr: sp.Expr, q: Fraction) -> sp.Expr:
    return expr.subs(x, sp.Rational(q.numerator, q.denominator))


def _assert_refuted(result: SignOnInterval | None, expr: sp.Expr, domain: Domain) -> None:
    assert result is not None and result.nonnegative is False
    q = result.counterexample
    assert q is not None and domain.contains(q)
    assert _value(expr, q) < 0


def test_even_power_is_nonnegative_with_isolated_zeros() -> None:
    result = rational_sign(x**4, x, REAL)
    assert result is not None and result.nonnegative is True and result.isolated_zeros
    assert result.counterexample is None and "Sturm" in result.reason


def test_sign_change_gives_a_counterexample() -> None:
    result = rational_sign(x**2 - 1, x, REAL)
    _assert_refuted(result, x**2 - 1, REAL)
    assert result is not None and result.counterexample is not None
    assert -1 < result.counterexample < 1


def test_root_at_a_closed_end_is_fine() -> None:
    result = rational_sign(x**2 - 1, x, interval_domain(F(1), F(2)))
    assert result is not None and result.nonnegative is True
    result = rational_sign(6 * x, x, NONNEGATIVE)
    assert result is not None and result.nonnegative is True and result.isolated_zeros
    _assert_refuted(rational_sign(6 * x, x, NONPOSITIVE), 6 * x, NONPOSITIVE)


def test_rational_functions() -> None:
    expr = (x**2 + 1) / (x**2 + 2)
    result = rational_sign(expr, x, REAL)
    assert result is not None and result.nonnegative is True and result.isolated_zeros
    result = rational_sign(1 / x**3, x, POSITIVE)
    assert result is not None and result.nonnegative is True
    _assert_refuted(rational_sign(1 / x**3, x, NEGATIVE), 1 / x**3, NEGATIVE)


def test_vanishing_denominator_gives_no_answer() -> None:
    for domain in (REAL, NONNEGATIVE, interval_domain(F(-1), F(0))):
        result = rational_sign(1 / x**3, x, domain)
        assert result is not None and result.nonnegative is None
        assert "denominator" in result.reason
    # stricter than cancelling: the inner 1/x is undefined at 0
    result = rational_sign(1 / (1 + 1 / x) ** 2, x, REAL)
    assert result is not None and result.nonnegative is None


def test_not_a_rational_function() -> None:
    assert rational_sign(x * y, x, REAL) is None
    assert rational_sign(sp.exp(x), x, REAL) is None
    assert rational_sign(sp.sqrt(x), x, POSITIVE) is None
    assert rational_sign(sp.pi * x**2, x, REAL) is None
    assert rational_sign(sp.Float("0.5") * x**2, x, REAL) is None


def test_zero_polynomial() -> None:
    result = rational_sign(sp.Integer(0), x, REAL)
    assert result is not None and result.nonnegative is True
    assert result.isolated_zeros is False
    result = rational_sign(x - x, x, POSITIVE)
    assert result is not None and result.nonnegative is True and not result.isolated_zeros


def test_empty_interior() -> None:
    result = rational_sign(x**2, x, interval_domain(F(1), F(1)))
    assert result is not None and result.nonnegative is None


def test_constant_negative_and_close_roots() -> None:
    _assert_refuted(rational_sign(sp.Integer(-3), x, REAL), sp.Integer(-3), REAL)
    expr = x * (x - sp.Rational(1, 10**30))
    domain = interval_domain(F(0), F(1))
    _assert_refuted(rational_sign(expr, x, domain), expr, domain)
    expr = (x**2 - 2) ** 2 * (x - sp.Rational(1, 3))
    _assert_refuted(rational_sign(expr, x, REAL), expr, REAL)
    domain = interval_domain(F(1, 2), F(3))
    _assert_refuted(rational_sign(x**3 - 2, x, domain), x**3 - 2, domain)


# --- property test --------------------------------------------------------------------

DOMAINS = [
    REAL,
    POSITIVE,
    NONNEGATIVE,
    NEGATIVE,
    NONPOSITIVE,
    interval_domain(F(-1), F(2)),
    interval_domain(F(1, 2), F(3, 2)),
    Domain(lo=F(-2), hi=F(1), lo_open=True, hi_open=False, name="interval"),
]
roots = st.fractions(min_value=-3, max_value=3, max_denominator=4)
NO_REAL_ROOTS = [sp.Integer(1), x**2 + 1, x**2 - x + 1, (x - 1) ** 2 + sp.Rational(1, 9)]


@st.composite
def rational_functions(draw: st.DrawFn) -> tuple[sp.Expr, list[Fraction], list[Fraction]]:
    """(expr, roots of the numerator, roots of the denominator)."""
    num_roots = draw(st.lists(roots, max_size=4))
    den_roots = draw(st.lists(roots, max_size=2))
    c = draw(st.sampled_from([1, -1, sp.Rational(1, 2), -3]))
    num = c * draw(st.sampled_from(NO_REAL_ROOTS))
    for r in num_roots:
        num *= (x - sp.Rational(r.numerator, r.denominator)) ** draw(st.integers(1, 3))
    den = draw(st.sampled_from(NO_REAL_ROOTS))
    for r in den_roots:
        den *= (x - sp.Rational(r.numerator, r.denominator)) ** draw(st.integers(1, 2))
    return num / den, num_roots, den_roots


def _truly_nonnegative(expr: sp.Expr, known_roots: list[Fraction], domain: Domain) -> bool:
    """Sample every sign region: around and between all real roots, which we know."""
    points = sorted(set(known_roots))
    samples = [F(0)] + [p + d for p in points for d in (F(-1, 1000), F(1, 1000))]
    samples += [(a + b) / 2 for a, b in itertools.pairwise(points)]
    samples += [e + d for e in (domain.lo, domain.hi) if e is not None for d in (F(-1, 1000), 0)]
    samples += [F(1000), F(-1000), F(1, 1000) + (domain.lo or 0), (domain.hi or 0) - F(1, 1000)]
    inside = [q for q in samples if domain.contains_interior(q) and q not in points]
    return all(_value(expr, q) >= 0 for q in inside)


@given(rational_functions(), st.sampled_from(DOMAINS))
@settings(max_examples=120, deadline=None)
def test_agrees_with_known_roots(
    case: tuple[sp.Expr, list[Fraction], list[Fraction]], domain: Domain
) -> None:
    expr, num_roots, den_roots = case
    result = rational_sign(expr, x, domain)
    assert result is not None
    # Poles of the expression as SymPy built it (it may have cancelled repeated bases).
    den = sp.fraction(expr)[1]
    pole = any(domain.contains(r) and _value(den, r) == 0 for r in den_roots)
    if result.nonnegative is None:
        # Only allowed when a denominator vanishes in the domain (before cancelling).
        assert pole, result.reason
        return
    assert not pole, "a pole inside the domain must prevent an answer"
    truth = _truly_nonnegative(expr, num_roots + den_roots, domain)
    assert result.nonnegative is truth, (expr, domain, result)
    if result.nonnegative is False:
        _assert_refuted(result, expr, domain)
    numerator_is_zero = sp.cancel(expr) == 0
    assert result.isolated_zeros is not numerator_is_zero


def test_open_ends_and_huge_exponents() -> None:
    # x - 1 vanishes only at the excluded end of (1, 2]... and is negative left of it.
    opened = Domain(lo=F(1), hi=F(2), lo_open=True, name="interval")
    result = rational_sign(x - 1, x, opened)
    assert result is not None and result.nonnegative is True
    # 1/(x - 1) is fine on (1, 2] but not on [1, 2]
    result = rational_sign(1 / (x - 1), x, opened)
    assert result is not None and result.nonnegative is True
    result = rational_sign(1 / (x - 1), x, interval_domain(F(1), F(2)))
    assert result is not None and result.nonnegative is None and "x = 1" in result.reason
    result = rational_sign(x**1000, x, REAL)
    assert result is not None and result.nonnegative is None


def test_a_nonnegative_answer_carries_the_data_of_the_decision() -> None:
    from convexity_proofs._values import interval_domain as _interval

    expr = (x - 1) ** 2 / (x + 2)
    result = rational_sign(expr, x, _interval(Fraction(0), Fraction(3)))
    assert result is not None and result.nonnegative is True
    assert result.numerator == (Fraction(1), Fraction(-2), Fraction(1))
    assert result.denominator == (Fraction(1), Fraction(2))
    assert result.poles == (0,)  # the base x + 2 has no root in [0, 3]
    assert all(count == 0 for count in result.roots) and result.roots
    assert result.sample is not None and 0 < result.sample < 3
    zero = rational_sign(x - x, x, _interval(Fraction(0), Fraction(1)))
    assert zero is not None and zero.nonnegative is True and zero.sample is None
