"""Tests of the rigorous range analysis.

The property tests are the ones that matter: for random expressions and random exact
points of the box, the true value (exact when it is rational, else a 256-bit Arb ball
computed by an evaluator written independently here) must lie in ``range_of``'s
interval, open ends included, and ``range_of`` must never call an expression defined
that is undefined at one of those points.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import pytest
import sympy as sp
from flint import arb, ctx, fmpq
from hypothesis import HealthCheck, given, settings
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
from convexity_proofs.kernel.intervals import (
    Interval,
    Undefined,
    defined,
    from_domain,
    nonnegative,
    positive,
    range_of,
)

x = sp.Symbol("x", real=True)
y = sp.Symbol("y", real=True)
F = Fraction


# --- examples -------------------------------------------------------------------------


def test_logistic_density_is_positive() -> None:
    expr = sp.exp(x) / (1 + sp.exp(x)) ** 2
    assert positive(expr, {x: REAL}) is True
    assert range_of(expr, {x: REAL}).is_positive()


def test_log_needs_a_positive_argument() -> None:
    with pytest.raises(Undefined, match="log"):
        range_of(sp.log(x), {x: REAL})
    assert defined(sp.log(x), {x: REAL}) is None
    assert defined(sp.log(x), {x: POSITIVE}) is True
    assert range_of(sp.log(x), {x: POSITIVE}) == Interval(None, None)
    assert range_of(sp.log(x), {x: interval_domain(F(1), F(2))}).lo == 0  # log 1 = 0 exactly


def test_missing_symbols_are_real() -> None:
    with pytest.raises(Undefined):
        range_of(sp.log(x), {})
    assert range_of(x**2 + 1, {}) == Interval(F(1), None, False, True)


def test_polynomial_on_a_bounded_interval() -> None:
    assert range_of(x**2 - 1, {x: interval_domain(F(2), F(3))}) == Interval(F(3), F(8))
    assert positive(x**2 - 1, {x: interval_domain(F(2), F(3))}) is True
    assert nonnegative(x**2 - 1, {x: REAL}) is None  # never False


def test_abs_and_even_powers() -> None:
    assert nonnegative(sp.Abs(x), {x: REAL}) is True
    assert positive(sp.Abs(x), {x: REAL}) is None
    assert range_of(x**2, {x: REAL}) == Interval(F(0), None, False, True)
    assert range_of(x**4, {x: interval_domain(F(-2), F(1))}) == Interval(F(0), F(16))
    assert range_of(sp.Abs(x), {x: interval_domain(F(-3), F(2))}) == Interval(F(0), F(3))
    assert positive(x**2, {x: POSITIVE}) is True
    assert range_of(x**3, {x: NEGATIVE}) == Interval(None, F(0), True, True)


def test_division_by_something_that_may_vanish() -> None:
    with pytest.raises(Undefined, match="division"):
        range_of(1 / x, {x: interval_domain(F(-1), F(1))})
    assert range_of(1 / x, {x: POSITIVE}) == Interval(F(0), None, True, True)
    assert range_of(1 / x, {x: interval_domain(F(1, 2), F(4))}) == Interval(F(1, 4), F(2))
    assert positive(1 / (1 + x**2), {x: REAL}) is True


def test_bounded_transcendentals() -> None:
    assert range_of(sp.tanh(x), {x: REAL}) == Interval(F(-1), F(1), True, True)
    assert range_of(sp.erf(x), {x: POSITIVE}) == Interval(F(0), F(1), True, True)
    assert range_of(sp.sin(x), {x: REAL}) == Interval(F(-1), F(1))
    cosh = range_of(sp.cosh(x), {x: REAL})
    assert cosh.lo == 1 and not cosh.lo_open and cosh.hi is None
    atan = range_of(sp.atan(x), {x: REAL})
    assert atan.lo is not None and atan.hi is not None
    assert F(-16, 10) < atan.lo < F(-157, 100) and F(157, 100) < atan.hi < F(16, 10)
    assert range_of(sp.sinh(x), {x: NONNEGATIVE}) == Interval(F(0), None, False, True)


def test_exp_is_positive_even_when_tiny() -> None:
    assert positive(sp.exp(-(x**2)), {x: REAL}) is True
    tiny = range_of(sp.exp(-(10**9) + x), {x: interval_domain(F(0), F(1))})
    assert tiny.is_positive()
    huge = range_of(sp.exp(x), {x: interval_domain(F(10**6), F(10**6 + 1))})
    assert huge.lo is not None and huge.lo > 10**1000


def test_tan_only_away_from_poles() -> None:
    iv = range_of(sp.tan(x), {x: interval_domain(F(0), F(1))})
    assert iv.lo == 0 and iv.hi is not None and F(155, 100) < iv.hi < F(156, 100)
    with pytest.raises(Undefined, match="tan"):
        range_of(sp.tan(x), {x: interval_domain(F(0), F(2))})
    with pytest.raises(Undefined, match="tan"):
        range_of(sp.tan(x), {x: POSITIVE})


def test_fractional_powers() -> None:
    assert range_of(sp.sqrt(x), {x: POSITIVE}) == Interval(F(0), None, True, True)
    assert range_of(sp.sqrt(x), {x: NONNEGATIVE}) == Interval(F(0), None, False, True)
    with pytest.raises(Undefined):
        range_of(sp.sqrt(x), {x: REAL})
    with pytest.raises(Undefined):
        range_of(x ** sp.Rational(-1, 2), {x: NONNEGATIVE})
    with pytest.raises(Undefined):  # SymPy's principal cube root of a negative is complex
        range_of(x ** sp.Rational(1, 3), {x: REAL})
    assert positive((1 + x**2) ** sp.Rational(-3, 2), {x: REAL}) is True
    assert positive(2**x, {x: REAL}) is True
    assert positive(x**y, {x: POSITIVE, y: REAL}) is True
    with pytest.raises(Undefined):
        range_of(x**y, {x: REAL, y: REAL})


def test_max_min() -> None:
    assert range_of(sp.Max(x, 0), {x: REAL}) == Interval(F(0), None, False, True)
    assert range_of(sp.Min(x, 1), {x: POSITIVE}) == Interval(F(0), F(1), True, False)
    assert range_of(sp.Max(x, y, 0), {x: NEGATIVE, y: NONPOSITIVE}) == Interval(F(0), F(0))


def test_piecewise_branches_are_bounded_where_they_apply() -> None:
    relu_log = sp.Piecewise((sp.log(x), x > 1), (0, True))
    assert range_of(relu_log, {x: REAL}) == Interval(F(0), None, False, True)
    assert defined(sp.Piecewise((sp.log(x), x > 0), (0, True)), {x: REAL}) is True
    with pytest.raises(Undefined):  # log(0) is reached
        range_of(sp.Piecewise((sp.log(x), x >= 0), (0, True)), {x: REAL})
    with pytest.raises(Undefined, match="Piecewise"):  # nothing applies for x <= 0
        range_of(sp.Piecewise((x, x > 0)), {x: REAL})
    covered = sp.Piecewise((x, x > 0), (-x, x <= 0))
    assert range_of(covered, {x: REAL}) == Interval(F(0), None, False, True)
    huber = sp.Piecewise((x**2 / 2, sp.Abs(x) <= 1), (sp.Abs(x) - sp.Rational(1, 2), True))
    assert nonnegative(huber, {x: REAL}) is True
    unit = sp.Piecewise((x, (x > 1) | (x < -1)), (sp.sqrt(1 - x**2), True))
    assert defined(unit, {x: REAL}) is True


def test_from_domain_and_interval_basics() -> None:
    assert from_domain(POSITIVE) == Interval(F(0), None, True, True)
    assert from_domain(NONPOSITIVE) == Interval(None, F(0), True, False)
    assert from_domain(REAL) == Interval(None, None)
    with pytest.raises(ValueError):
        Interval(F(1), F(0))
    with pytest.raises(ValueError):
        Interval(F(1), F(1), True, False)
    assert Interval(F(-1), F(1)).union(Interval(F(2), None)) == Interval(F(-1), None)
    assert Interval(F(-1), F(1), True, True).intersect(Interval(F(1), F(2))) is None


def test_products_track_open_ends() -> None:
    # [0, 1] * (0, 1) contains 0 (0 * 1/2) although no corner attains it
    assert Interval(F(0), F(1)) * Interval(F(0), F(1), True, True) == Interval(
        F(0), F(1), False, True
    )
    assert Interval(F(0), F(1), True, False) * Interval(F(1), None, False, True) == Interval(
        F(0), None, True, True
    )
    assert Interval(F(-2), F(3)) * Interval(F(-1), F(4), True, False) == Interval(
        F(-8), F(12), False, False
    )


def test_deep_and_wide_expressions() -> None:
    # 3000 levels deep: built unevaluated (SymPy itself would recurse while simplifying);
    # range_of walks it with an explicit stack.
    deep = x
    for k in range(3000):
        inner = sp.exp(sp.Mul(-1, deep, evaluate=False), evaluate=False)
        deep = sp.Add(inner, sp.Rational(1, k + 2), evaluate=False)
    assert positive(deep, {x: REAL}) is True
    wide = sp.Add(
        *[sp.exp(-((x - k) ** 2)) / (k + 1) + sp.log(1 + sp.exp(k * x)) for k in range(300)]
    )
    assert positive(wide, {x: REAL}) is True


def test_endpoint_sizes_stay_bounded() -> None:
    iv = range_of((x**7 + x + 1) ** 40, {x: interval_domain(F(2, 7), F(1, 3))})
    assert iv.lo is not None and iv.hi is not None
    assert iv.lo.denominator.bit_length() < 600 and iv.hi.numerator.bit_length() < 600
    big = range_of(x**1000, {x: interval_domain(F(1, 3), F(3))})
    assert big.lo is not None and 0 < big.lo <= F(1, 3) ** 1000
    assert big.hi is not None and big.hi >= 3**1000


# --- interval arithmetic, pointwise ---------------------------------------------------

small = st.fractions(min_value=-4, max_value=4, max_denominator=6)


@st.composite
def intervals_with_point(draw: st.DrawFn) -> tuple[Interval, Fraction]:
    a, b = sorted((draw(small), draw(small)))
    lo = draw(st.one_of(st.just(None), st.just(a)))
    hi = draw(st.one_of(st.just(None), st.just(b)))
    lo_open = lo is None or draw(st.booleans())
    hi_open = hi is None or draw(st.booleans())
    if lo is not None and hi is not None and lo == hi:
        lo_open = hi_open = False
    iv = Interval(lo, hi, lo_open, hi_open)
    candidates = [q for q in (a, b, a - 1, b + 1, (a + b) / 2, draw(small)) if iv.contains(q)]
    # every non-empty interval here contains a candidate: (a+b)/2 unless a == b, then a
    return iv, draw(st.sampled_from(candidates))


def _member(iv: Interval, value: Fraction) -> None:
    assert iv.contains(value), f"{value} not in {iv}"


@given(intervals_with_point(), intervals_with_point())
@settings(max_examples=400, deadline=None)
def test_binary_operations_contain_pointwise_results(
    left: tuple[Interval, Fraction], right: tuple[Interval, Fraction]
) -> None:
    (a, p), (b, q) = left, right
    _member(a + b, p + q)
    _member(a - b, p - q)
    _member(a * b, p * q)
    _member(a.maximum(b), max(p, q))
    _member(a.minimum(b), min(p, q))
    _member(a.union(b), p)
    _member(a.union(b), q)
    if b.excludes_zero():
        _member(a / b, p / q)
    meet = a.intersect(b)
    if a.contains(q):
        assert meet is not None and meet.contains(q)


@given(intervals_with_point(), st.integers(min_value=-5, max_value=6))
@settings(max_examples=300, deadline=None)
def test_unary_operations_contain_pointwise_results(arg: tuple[Interval, Fraction], n: int) -> None:
    a, p = arg
    _member(-a, -p)
    _member(a.abs(), abs(p))
    if n >= 0 or a.excludes_zero():
        _member(a.pow_int(n), p**n)
    else:
        with pytest.raises(Undefined):
            a.pow_int(n)
    if a.excludes_zero():
        _member(a.reciprocal(), 1 / p)
    else:
        with pytest.raises(Undefined):
            a.reciprocal()
    root = sp.sqrt(sp.Rational(p.numerator, p.denominator))
    if a.is_nonnegative() and root.is_Rational:
        _member(a.sqrt(), Fraction(int(root.p), int(root.q)))


# --- range_of on random expressions, pointwise -----------------------------------------

DOMAINS = [
    REAL,
    POSITIVE,
    NONNEGATIVE,
    NEGATIVE,
    NONPOSITIVE,
    interval_domain(F(-1), F(2)),
    interval_domain(F(1, 2), F(3)),
    interval_domain(F(-3), F(-1, 3)),
    Domain(lo=F(-1), hi=F(1), lo_open=True, hi_open=True, name="interval"),
]

UNARY = [
    sp.exp,
    sp.log,
    sp.sin,
    sp.cos,
    sp.tan,
    sp.sinh,
    sp.cosh,
    sp.tanh,
    sp.atan,
    sp.erf,
    sp.Abs,
    sp.sqrt,
]
EXPONENTS = [2, 3, 4, -1, -2, -3, sp.Rational(1, 2), sp.Rational(3, 2), sp.Rational(-1, 2)]


def _safely(build: Callable[[], sp.Expr], fallback: sp.Expr) -> sp.Expr:
    """SymPy refuses some constructions (Max of zoo): keep the child then."""
    try:
        return build()
    except (ValueError, TypeError, ZeroDivisionError):
        return fallback


def _binary(op: str, a: sp.Expr, b: sp.Expr) -> sp.Expr:
    build = {
        "+": lambda: a + b,
        "-": lambda: a - b,
        "*": lambda: a * b,
        "/": lambda: a / b,
        "max": lambda: sp.Max(a, b),
        "min": lambda: sp.Min(a, b),
        "pow": lambda: a**b,
    }[op]
    return _safely(build, a)


def _extend(children: st.SearchStrategy[sp.Expr]) -> st.SearchStrategy[sp.Expr]:
    unary = st.builds(lambda f, a: _safely(lambda: f(a), a), st.sampled_from(UNARY), children)
    binary = st.builds(
        _binary, st.sampled_from(["+", "-", "*", "/", "max", "min", "pow"]), children, children
    )
    power = st.builds(lambda a, e: _safely(lambda: a**e, a), children, st.sampled_from(EXPONENTS))
    cut = st.fractions(min_value=-2, max_value=2, max_denominator=2).map(sp.Rational)
    op = st.sampled_from([sp.Gt, sp.Ge, sp.Lt, sp.Le])
    piecewise = st.builds(
        lambda a, b, s, rel, c: _safely(lambda: sp.Piecewise((a, rel(s, c)), (b, True)), a),
        children,
        children,
        st.sampled_from([x, y]),
        op,
        cut,
    )
    return unary | binary | power | piecewise


LEAVES = st.one_of(
    st.sampled_from([x, y, x, y, sp.pi, sp.E]),
    st.fractions(min_value=-3, max_value=3, max_denominator=3).map(sp.Rational),
)
EXPRESSIONS = st.recursive(LEAVES, _extend, max_leaves=7)


@st.composite
def points_in(draw: st.DrawFn, domain: Domain) -> Fraction:
    ends = [e for e in (domain.lo, domain.hi) if e is not None and domain.contains(e)]
    inner = draw(st.fractions(min_value=-4, max_value=4, max_denominator=8))
    candidates = [*ends, inner, inner / 7, F(1, 2), F(-1, 2), F(2), F(-2)]
    good = [q for q in candidates if domain.contains(q)]
    return draw(st.sampled_from(good))


def _arb_value(expr: sp.Basic, point: dict[sp.Symbol, Fraction]) -> arb:
    """An independent ball evaluation of expr at an exact point (NaN when undefined)."""
    if isinstance(expr, sp.Symbol):
        q = point[expr]
        return arb(fmpq(q.numerator, q.denominator))
    if expr.is_Rational:
        return arb(fmpq(int(expr.p), int(expr.q)))
    if expr is sp.pi:
        return arb.pi()
    if expr is sp.E:
        return arb.const_e()
    if isinstance(expr, sp.Piecewise):
        for branch, cond in expr.args:
            truth = cond.subs(
                {s: sp.Rational(q.numerator, q.denominator) for s, q in point.items()}
            )
            if truth is sp.true:
                return _arb_value(branch, point)
        return arb("nan")
    args = [_arb_value(a, point) for a in expr.args]
    if isinstance(expr, sp.Add):
        return sum(args[1:], args[0])
    if isinstance(expr, sp.Mul):
        result = args[0]
        for a in args[1:]:
            result = result * a
        return result
    if isinstance(expr, sp.Pow):
        e = expr.exp
        if e.is_Integer:
            return args[0] ** int(e)
        if args[0] < 0:
            return arb("nan")
        return args[0] ** args[1]
    if isinstance(expr, sp.Max | sp.Min):
        result = args[0]
        for a in args[1:]:
            result = result.max(a) if isinstance(expr, sp.Max) else result.min(a)
        return result
    if isinstance(expr, sp.Abs):
        return abs(args[0])
    name = {sp.exp: "exp", sp.log: "log", sp.sin: "sin", sp.cos: "cos", sp.tan: "tan"}
    name |= {sp.sinh: "sinh", sp.cosh: "cosh", sp.tanh: "tanh", sp.atan: "atan", sp.erf: "erf"}
    method = name.get(type(expr))
    if method is None:
        return arb("nan")
    return getattr(args[0], method)()


def _exact_value(expr: sp.Expr, point: dict[sp.Symbol, Fraction]) -> sp.Expr:
    return expr.subs({s: sp.Rational(q.numerator, q.denominator) for s, q in point.items()})


def _certainly_undefined(value: sp.Expr) -> bool:
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return True
    numeric = value.evalf(30)
    return bool(numeric.has(sp.I)) and numeric.is_real is not True


@given(
    EXPRESSIONS,
    st.sampled_from(DOMAINS),
    st.sampled_from(DOMAINS),
    st.data(),
)
@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_range_of_contains_every_value(
    expr: sp.Expr, dx: Domain, dy: Domain, data: st.DataObject
) -> None:
    domains = {x: dx, y: dy}
    try:
        iv = range_of(expr, domains)
    except Undefined:
        return  # conservative answers are always allowed
    for _ in range(3):
        point = {x: data.draw(points_in(dx)), y: data.draw(points_in(dy))}
        _check_point(expr, iv, point)


def _check_point(expr: sp.Expr, iv: Interval, point: dict[sp.Symbol, Fraction]) -> None:
    exact = _exact_value(expr, point)
    if exact.is_Rational:
        assert iv.contains(Fraction(int(exact.p), int(exact.q))), (expr, point, exact, iv)
        return
    with ctx.workprec(256):
        ball = _arb_value(expr, point)
        if not ball.is_finite():
            # range_of called it defined: SymPy must agree it is a real number here.
            assert not _certainly_undefined(exact), (expr, point, exact, iv)
            return
        lo, hi = ball.lower(), ball.upper()
        if iv.lo is not None:
            bound = arb(fmpq(iv.lo.numerator, iv.lo.denominator))
            assert not (hi < bound), (expr, point, ball, iv)
        if iv.hi is not None:
            bound = arb(fmpq(iv.hi.numerator, iv.hi.denominator))
            assert not (lo > bound), (expr, point, ball, iv)


def test_unsupported_and_located_messages() -> None:
    with pytest.raises(Undefined, match="floor"):
        range_of(sp.floor(x), {x: REAL})
    with pytest.raises(Undefined):
        range_of(sp.sqrt(-1 + 0 * x), {})  # I
    with pytest.raises(Undefined, match=r"log\(x - 1\)"):
        range_of(sp.exp(x) + sp.log(x - 1), {x: POSITIVE})
    assert defined(sp.Float("0.5") * x, {x: REAL}) is True
    assert range_of(sp.Float("0.5"), {}) == Interval.point(F(1, 2))
