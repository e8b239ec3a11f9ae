"""Soundness: no refuter ever "refutes" a function that is convex by construction.

Random expressions are generated from convexity-preserving rules (affine maps with
rational coefficients, nonnegative sums and scalings, max, abs/relu/square of affine,
exp/softplus/log-sum-exp of convex arguments, hinge), so each is convex on all of R^n.
The refuters are called directly — the provers would otherwise settle these first
and the searches would never run — and must find nothing.  Affine and piecewise-linear
functions, where float rounding fools naive tests, are included on purpose.

The budget is small in CI; set CONVEXITY_SOUNDNESS_EXAMPLES=1000 for a long run.
"""

from __future__ import annotations

import os

import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convexity_proofs._numeric import compile_program
from convexity_proofs._parser import make_symbol
from convexity_proofs._values import REAL
from convexity_proofs.refuters import curvature, permutation, segment
from convexity_proofs.refuters._space import Deadline

EXAMPLES = int(os.environ.get("CONVEXITY_SOUNDNESS_EXAMPLES", "25"))
X = tuple(make_symbol(n) for n in ("x1", "x2", "x3"))

coefficients = st.fractions(min_value=-3, max_value=3, max_denominator=4).map(sympy.Rational)
nonnegative = st.fractions(min_value=0, max_value=3, max_denominator=4).map(sympy.Rational)


@st.composite
def affine(draw: st.DrawFn) -> sympy.Expr:
    return draw(coefficients) + sympy.Add(*[draw(coefficients) * x for x in X])


def convex() -> st.SearchStrategy[sympy.Expr]:
    leaves = st.one_of(
        affine(),
        affine().map(lambda u: u**2),
        affine().map(sympy.Abs),
        affine().map(lambda u: sympy.Max(0, u)),
        affine().map(sympy.exp),
        affine().map(lambda u: sympy.log(1 + sympy.exp(u))),
    )

    def extend(inner: st.SearchStrategy[sympy.Expr]) -> st.SearchStrategy[sympy.Expr]:
        return st.one_of(
            st.tuples(inner, inner).map(lambda p: p[0] + p[1]),
            st.tuples(nonnegative, inner).map(lambda p: p[0] * p[1]),
            st.tuples(inner, inner).map(lambda p: sympy.Max(*p)),
            inner.map(sympy.exp),
            inner.map(lambda u: sympy.log(1 + sympy.exp(u))),
            st.tuples(inner, inner).map(lambda p: sympy.log(sympy.exp(p[0]) + sympy.exp(p[1]))),
            st.tuples(inner, affine()).map(lambda p: sympy.Max(0, 1 - p[1]) + p[0]),
        )

    return st.recursive(leaves, extend, max_leaves=5)


def refute(expr: sympy.Expr, sign: int = 1) -> object:
    """Every refuter, run directly; returns the first witness found, or None."""
    program = compile_program(expr, X)
    assert program is not None
    domains = {x: REAL for x in X}
    deadline = Deadline.after(30)
    found = curvature.find_curvature_witness(
        expr,
        program,
        X,
        (),
        domains,
        sign=sign,
        settings=curvature.CurvatureSearch(points=6, seed=1),
        deadline=deadline,
    )
    found = found or segment.find_segment_witness(
        expr,
        program,
        X,
        (),
        domains,
        sign=sign,
        total=False,
        settings_=segment.SegmentSearch(batch=256, certify_best=4, hypothesis_examples=40),
        deadline=deadline,
    )
    swap = permutation.find_invariant_swap(expr, X, deadline)
    if found is None and swap is not None:
        found = permutation.find_permutation_witness(
            expr,
            program,
            X,
            (),
            domains,
            swap,
            sign=sign,
            total=False,
            seed=0,
            tries=64,
            deadline=deadline,
        )
    return found


SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SETTINGS
@given(convex())
def test_convex_by_construction_is_never_refuted(expr: sympy.Expr) -> None:
    assert refute(expr) is None, expr


@SETTINGS
@given(convex())
def test_concave_by_construction_is_never_refuted_as_concave(expr: sympy.Expr) -> None:
    assert refute(-expr, sign=-1) is None, -expr


@settings(max_examples=max(5, EXAMPLES // 5), deadline=None, derandomize=True, database=None)
@given(affine())
def test_affine_functions_refute_neither_way(expr: sympy.Expr) -> None:
    assert refute(expr, 1) is None and refute(expr, -1) is None


def test_symmetric_convex_function_is_not_refuted_by_the_permutation_argument() -> None:
    # Invariant under x1 <-> x2 and convex: every midpoint lies below the chord.
    expr = sympy.exp(X[0]) + sympy.exp(X[1]) + (X[0] - X[1]) ** 2 + sympy.Abs(X[2])
    assert permutation.find_invariant_swap(expr, X, Deadline()) is not None
    assert refute(expr) is None


points = st.tuples(*[st.fractions(min_value=-4, max_value=4, max_denominator=8)] * len(X))
ts = st.fractions(min_value=0, max_value=1, max_denominator=16).filter(lambda t: 0 < t < 1)


@SETTINGS
@given(convex(), points, points, ts)
def test_the_segment_gate_never_certifies_a_convex_violation(expr, a, b, t) -> None:
    # Candidates straight to the certifier, as a search that floats fooled would send them.
    a_map, b_map = dict(zip(X, a, strict=True)), dict(zip(X, b, strict=True))
    assert (
        segment.certify_segment(expr, a_map, b_map, t, {}, X, (), relation=">", total=False) is None
    )


@SETTINGS
@given(convex(), points, points)
def test_the_curvature_gate_never_certifies_negative_curvature_of_a_convex_function(
    expr, point, direction
) -> None:
    p_map, d_map = dict(zip(X, point, strict=True)), dict(zip(X, direction, strict=True))
    assert curvature.certify_curvature(expr, p_map, d_map, X, (), sign=1) is None


def test_softplus_on_nearby_points_is_not_refuted() -> None:
    # Float64 "refutes" softplus on points 1e-6 apart in about 16% of trials.
    from fractions import Fraction

    x = X[0]
    expr = sympy.log(1 + sympy.exp(x))
    for k in range(1, 40):
        a = {x: Fraction(k, 7)}
        b = {x: Fraction(k, 7) + Fraction(1, 10**6)}
        assert (
            segment.certify_segment(
                expr, a, b, Fraction(1, 2), {}, (x,), (), relation=">", total=True
            )
            is None
        )
