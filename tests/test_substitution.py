"""Tests of the exact exponential / rational-power substitution (kernel.substitution).

The identity expr == result under the recorded definitions is checked independently at
rational points with mpmath (60 digits), and each new symbol's value must lie in its
recorded bounds.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from convexity_proofs._parser import ExpressionError, parse_expression
from convexity_proofs._values import NONNEGATIVE, POSITIVE, REAL, Domain, interval_domain
from convexity_proofs.kernel.substitution import (
    Substitution,
    as_real,
    exponential_substitution,
    is_rational_in,
)

x, y, a = sp.symbols("x y a", real=True)


def _check_identity(expr: sp.Expr, sub: Substitution, point: dict[sp.Symbol, Fraction]) -> None:
    exact = {s: sp.Rational(q.numerator, q.denominator) for s, q in point.items()}
    values = {u: d.xreplace(exact) for u, d in sub.definitions}
    with mpmath.workdps(60):
        lhs = sp.N(expr.xreplace(exact), 50)
        rhs = sp.N(sub.result.xreplace(values).xreplace(exact), 50)
        assert abs(lhs - rhs) <= sp.Float("1e-40") * (1 + abs(lhs))
    for u, iv in sub.bounds:
        v = sp.N(values[u], 50)
        assert iv.lo is None or v >= sp.Rational(iv.lo.numerator, iv.lo.denominator)
        assert iv.hi is None or v <= sp.Rational(iv.hi.numerator, iv.hi.denominator)


def test_exp_and_hyperbolics_become_rational() -> None:
    sub = exponential_substitution(sp.cosh(x) - 1, (x,), {})
    assert sub is not None
    ((u, definition),) = sub.definitions
    assert u.name == "_u_x" and u.is_positive and definition == sp.exp(x)
    assert sub.result.free_symbols == {u}
    assert is_rational_in(sub.result, frozenset({u}))
    ((_, bound),) = sub.bounds
    assert bound.lo == 0 and bound.lo_open and bound.hi is None


def test_denominators_take_the_lcm_over_the_whole_expression() -> None:
    expr = sp.exp(x / 2) + sp.exp(x / 3) * sp.exp(y)
    sub = exponential_substitution(expr, (x, y), {})
    assert sub is not None
    assert dict(sub.definitions) == {
        sp.Symbol("_u_x", positive=True): sp.exp(x / 6),
        sp.Symbol("_u_y", positive=True): sp.exp(y),
    }
    _check_identity(expr, sub, {x: Fraction(3, 7), y: Fraction(-2, 5)})


def test_constant_part_and_parameters_stay_coefficients() -> None:
    sub = exponential_substitution(a * sp.exp(x + 1), (x,), {})
    assert sub is not None
    assert sub.result == sp.E * a * sp.Symbol("_u_x", positive=True)


@pytest.mark.parametrize(
    "expr",
    [sp.exp(a * x), sp.exp(x * y), sp.exp(sp.exp(x)), sp.log(x), sp.sin(x) + sp.exp(x)],
)
def test_not_rational_after_substitution_gives_none(expr: sp.Expr) -> None:
    assert exponential_substitution(expr, (x, y), {x: POSITIVE}) is None


def test_rational_powers_need_a_positive_variable() -> None:
    expr = sp.sqrt(x) + x ** sp.Rational(1, 3) + x
    sub = exponential_substitution(expr, (x,), {x: POSITIVE})
    assert sub is not None
    ((s, definition),) = sub.definitions
    assert s.name == "_s_x" and s.is_positive and definition == x ** sp.Rational(1, 6)
    assert sub.result == s**6 + s**3 + s**2
    _check_identity(expr, sub, {x: Fraction(5, 3)})
    assert exponential_substitution(expr, (x,), {x: REAL}) is None
    # x >= 0 with positive exponents: a nonnegative symbol, bounds closed at 0.
    closed = exponential_substitution(sp.sqrt(x), (x,), {x: NONNEGATIVE})
    assert closed is not None
    ((s0, _),) = closed.definitions
    assert s0.is_nonnegative and not s0.is_positive
    assert closed.bounds[0][1].lo == 0 and not closed.bounds[0][1].lo_open
    # x >= 0 with a negative fractional exponent is refused.
    assert exponential_substitution(x ** sp.Rational(-1, 2), (x,), {x: NONNEGATIVE}) is None


def test_bounded_domain_gives_tight_rational_bounds() -> None:
    sub = exponential_substitution(sp.tanh(x), (x,), {x: interval_domain(0, 1)})
    assert sub is not None
    ((_, bound),) = sub.bounds
    assert bound.lo == 1 and bound.hi is not None and Fraction(2718, 1000) < bound.hi < 2.7183


def test_deterministic_and_already_rational() -> None:
    expr = sp.exp(2 * x) / (1 + sp.exp(x)) ** 2 - sp.exp(-x / 2)
    first = exponential_substitution(expr, (x,), {})
    assert first == exponential_substitution(expr, (x,), {})
    plain = exponential_substitution(x**2 + y, (x, y), {})
    assert plain is not None and plain.definitions == () and plain.result == x**2 + y


def test_new_names_cannot_be_claim_symbols_and_as_real_renames() -> None:
    with pytest.raises(ExpressionError):
        parse_expression("_u_x + 1")
    sub = exponential_substitution(sp.exp(x), (x,), {})
    assert sub is not None
    real = as_real(sub)
    assert real == sp.Symbol("_u_x", real=True)
    # An expression already holding an internal symbol of the new name is refused.
    clash = sp.exp(x) + sp.Symbol("_u_x", real=True)
    assert exponential_substitution(clash, (x,), {}) is None


_COEFF = st.fractions(min_value=-3, max_value=3, max_denominator=4)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(_COEFF, _COEFF, st.integers(-2, 2)), min_size=1, max_size=4),
    st.fractions(min_value=-2, max_value=2, max_denominator=8),
    st.fractions(min_value=Fraction(1, 8), max_value=3, max_denominator=8),
)
def test_identity_on_random_exp_polynomials(
    terms: list[tuple[Fraction, Fraction, int]], px: Fraction, py: Fraction
) -> None:
    def q(v: Fraction) -> sp.Rational:
        return sp.Rational(v.numerator, v.denominator)

    expr = (
        sum((k * sp.exp(q(c1) * x + q(c2) * y) for c1, c2, k in terms), sp.Integer(0))
        + sp.sqrt(y) * x
    )
    domains = {y: Domain(lo=Fraction(0), lo_open=True, name="positive")}
    sub = exponential_substitution(expr, (x, y), domains)
    assert sub is not None
    assert is_rational_in(sub.result, frozenset(sub.symbols) | {x, y})
    _check_identity(expr, sub, {x: px, y: py})
