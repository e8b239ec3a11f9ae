"""Soundness of the symbolic-Hessian family: convex-by-construction functions are never
refuted, planted violations are never proved, and every proof holds at rational points
(the Hessian evaluated independently, SymPy + mpmath at 60 digits).

Convex by construction (the claim asks "convex"):

* weighted negative harmonic means -1/(Σ w_i/x_i) on the positive orthant;
* -log(x·y - z²) on a box where x, y >= m and |z| <= r < m (the log-determinant of a
  positive definite 2×2 matrix, concave), plus a convex quadratic in z;
* compensated sums A·(x² + y²) - log(1 + x·y) on [0, 1]², A >= 1 (the Hessian of the log
  term has eigenvalues >= -2 there);
* exp(a·x)·(1 + y²) with |y| <= r <= 1 (a ≠ 0), and log(1 + x² + y²) on [-r, r]² with
  2r² <= 1;
* weighted log-sum-exp log(Σ c_i·exp(a_i·x + b_i·y)).

Planted violations (not convex; the claim asks "convex"): the same shapes past their
limits (exp(a·x)·(1 + y²) with |y| <= r, r >= 3/2; log(1 + x² + y²) on [-r, r]², r >= 2),
log-sum-exp minus B·x² with B >= 1 (f_xx <= 1/4 - 2B < 0 everywhere), and a positive
harmonic mean (concave and not affine).

``CONVEXITY_FUZZ_EXAMPLES`` raises the budget (default small: the file stays well under
20 s).
"""

from __future__ import annotations

import os

import mpmath
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convexity_proofs import Status
from convexity_proofs._claimfile import build_claim
from convexity_proofs._engine import Settings, check_claim
from convexity_proofs._values import POSITIVE, REAL, Domain, interval_domain
from convexity_proofs.checker import hessian as _rules  # noqa: F401  (registers)
from convexity_proofs.checker._core import Checker, Context
from convexity_proofs.provers.hessian import symbolic_hessian

_LONG = os.environ.get("CONVEXITY_FUZZ_EXAMPLES")
x, y, z = sp.symbols("x y z", real=True)
R = sp.Rational


def _settings(default: int) -> settings:
    return settings(
        max_examples=int(_LONG) if _LONG else default,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


FAST = Settings(timeout=20, curvature_points=8)
small = st.fractions(min_value=R(1, 4), max_value=3, max_denominator=4).map(sp.Rational)
nonzero = st.fractions(min_value=-2, max_value=2, max_denominator=2).filter(bool).map(sp.Rational)


@st.composite
def convex_family(draw: st.DrawFn) -> tuple[sp.Expr, tuple, dict]:
    kind = draw(st.integers(0, 5))
    if kind == 0:
        w = [draw(small) for _ in range(3)]
        f = -1 / (w[0] / x + w[1] / y + w[2] / z)
        return f, (x, y, z), {x: POSITIVE, y: POSITIVE, z: POSITIVE}
    if kind == 1:
        m = draw(st.sampled_from([R(3, 2), R(2), R(3)]))
        r = m * draw(st.sampled_from([R(1, 4), R(1, 2), R(3, 4)]))
        f = -sp.log(x * y - z**2) + draw(small) * z**2
        box = {x: interval_domain(m, m + 1), y: interval_domain(m, m + 2)}
        return f, (x, y, z), {**box, z: interval_domain(-r, r)}
    if kind == 2:
        a = 1 + draw(st.sampled_from([R(0), R(1, 2), R(2)]))
        unit = interval_domain(0, 1)
        return a * (x**2 + y**2) - sp.log(1 + x * y), (x, y), {x: unit, y: unit}
    if kind == 3:
        r = draw(st.sampled_from([R(1, 2), R(3, 4), R(1)]))
        return sp.exp(draw(nonzero) * x) * (1 + y**2), (x, y), {y: interval_domain(-r, r)}
    if kind == 4:
        r = draw(st.sampled_from([R(1, 4), R(1, 2), R(7, 10)]))
        box = interval_domain(-r, r)
        return sp.log(1 + x**2 + y**2), (x, y), {x: box, y: box}
    terms = [draw(small) * sp.exp(draw(nonzero) * x + draw(nonzero) * y) for _ in range(3)]
    return sp.log(sp.Add(*terms)), (x, y), {}


@st.composite
def planted_family(draw: st.DrawFn) -> tuple[sp.Expr, tuple, dict]:
    kind = draw(st.integers(0, 3))
    if kind == 0:
        r = draw(st.sampled_from([R(3, 2), R(2), R(4)]))
        return sp.exp(draw(nonzero) * x) * (1 + y**2), (x, y), {y: interval_domain(-r, r)}
    if kind == 1:
        r = draw(st.sampled_from([R(2), R(3)]))
        box = interval_domain(-r, r)
        return sp.log(1 + x**2 + y**2), (x, y), {x: box, y: box}
    if kind == 2:
        b = 1 + draw(small)
        return sp.log(sp.exp(x) + sp.exp(y)) - b * x**2, (x, y), {}
    w = [draw(small) for _ in range(2)]
    return 1 / (w[0] / x + w[1] / y), (x, y), {x: POSITIVE, y: POSITIVE}


def _domain_text(d: Domain) -> object:
    if d == POSITIVE:
        return "positive"
    return [str(d.lo), str(d.hi)]


def claim_for(f: sp.Expr, variables: tuple, domains: dict):
    return build_claim(
        {
            "name": "generated",
            "function": sp.sstr(f),
            "variables": [v.name for v in variables],
            "property": "convex",
            "domain": {s.name: _domain_text(d) for s, d in domains.items()},
        }
    )


def _inside(d: Domain) -> list[sp.Rational]:
    lo = sp.Rational(d.lo) if d.lo is not None else sp.Rational(-3)
    hi = sp.Rational(d.hi) if d.hi is not None else lo + 6
    return [lo + (hi - lo) * R(k, 5) for k in range(1, 5)]


def psd_at_points(f: sp.Expr, variables: tuple, domains: dict) -> None:
    """Independent: the Hessian at rational points has no negative eigenvalue."""
    hessian = sp.hessian(f, list(variables))
    grids = [_inside(domains.get(v, REAL)) for v in variables]
    for k in range(4):
        at = {
            v: g[(k * (i + 1)) % 4] for i, (v, g) in enumerate(zip(variables, grids, strict=True))
        }
        with mpmath.workdps(60):
            m = mpmath.matrix(
                [[mpmath.mpf(sp.N(e, 70)) for e in row] for row in hessian.xreplace(at).tolist()]
            )
            assert min(mpmath.eigsy(m)[0]) >= -(mpmath.mpf(10) ** -40), (f, at)


@_settings(12)
@given(convex_family())
def test_the_prover_proves_only_what_holds(case) -> None:
    f, variables, domains = case
    result = symbolic_hessian(f, variables, domains)
    if result is not None and result.step is not None:
        box = {s: REAL for s in (x, y, z)} | domains
        Checker().check(result.step, Context(variables, box))
        psd_at_points(f, variables, domains)


@_settings(6)
@given(convex_family())
def test_convex_by_construction_is_never_refuted(case) -> None:
    f, variables, domains = case
    verdict = check_claim(claim_for(f, variables, domains), FAST)
    assert verdict.status is not Status.REFUTED, (f, domains, verdict.witness)


@_settings(12)
@given(planted_family())
def test_planted_violations_are_never_proved(case) -> None:
    f, variables, domains = case
    result = symbolic_hessian(f, variables, domains)
    assert result is None or result.step is None, (f, domains)


@_settings(4)
@given(planted_family())
def test_the_engine_never_proves_a_planted_violation(case) -> None:
    f, variables, domains = case
    verdict = check_claim(claim_for(f, variables, domains), FAST)
    assert verdict.status is not Status.PROVED, (f, domains, verdict.proof)
