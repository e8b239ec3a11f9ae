"""Tests of the exact polynomial decision (z3): proofs, certified refutations, refusals.

Every refutation is re-checked here independently of the engine: SymPy substitutes
point + s·direction, differentiates twice in s and evaluates at s = 0 in exact
rationals.  The property tests know the truth by construction: sums of nonnegative
multiples of even powers of affine forms are convex, and a planted term
c·((x − x0)(y − y0) − k)² makes the curvature along (1, sign k) at (x0, y0) negative
(checked exactly before the prover is asked).
"""

from __future__ import annotations

import sys
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from convexity_proofs._proof import PolynomialFact, ProofStep
from convexity_proofs._values import (
    NONNEGATIVE,
    POSITIVE,
    REAL,
    Domain,
    interval_domain,
)
from convexity_proofs.provers import polynomial
from convexity_proofs.provers.polynomial import (
    DEFAULT_RLIMIT,
    RLIMIT_MEASURED_MAX,
    RULE,
    PolynomialResult,
    decide_polynomial,
    decide_polynomial_strict,
    polynomial_applicability,
)

pytest.importorskip("z3")

x, y, z, w, u = sp.symbols("x y z w u", real=True)
p, a, b, c = sp.symbols("p a b c", real=True)
F = Fraction
I = interval_domain  # noqa: E741


def _rational(q: Fraction) -> sp.Rational:
    return sp.Rational(q.numerator, q.denominator)


def _assert_refuted(
    result: PolynomialResult | None,
    expr: sp.Expr,
    variables: tuple[sp.Symbol, ...],
    domains: dict[sp.Symbol, Domain] | None = None,
) -> dict[sp.Symbol, Fraction]:
    """The result refutes convexity with a witness that SymPy confirms exactly."""
    domains = domains or {}
    assert result is not None and result.convex is False, result
    assert result.point is not None and result.direction is not None
    assert result.step is None
    for s in variables:
        assert domains.get(s, REAL).contains_interior(result.point[s])
    for s, q in result.point.items():
        if s not in variables:
            assert domains.get(s, REAL).contains(q)
    assert set(result.direction) == set(variables)
    t = sp.Symbol("t_independent", real=True)
    line = {
        s: _rational(q) + (t * _rational(result.direction[s]) if s in variables else 0)
        for s, q in result.point.items()
    }
    second = sp.diff(sp.expand(expr.xreplace(line)), t, 2).subs(t, 0)
    assert second.is_Rational and second < 0, second
    return result.point


def _assert_proved(result: PolynomialResult | None) -> None:
    assert result is not None and result.convex is True, result
    assert result.step is not None and result.step.rule == RULE
    assert result.step.conclusion == "convex"
    assert result.point is None and result.direction is None
    (fact,) = result.step.facts
    assert isinstance(fact, PolynomialFact)
    assert (fact.solver, fact.result, fact.strict) == ("z3", "unsat", False)
    assert fact.method in ("principal-minors", "quadratic-form") and fact.smtlib


def _assert_strict(step: ProofStep | None, expr: sp.Expr) -> None:
    assert step is not None and (step.rule, step.conclusion) == (RULE, "strictly-convex")
    assert step.subject == expr
    (fact,) = step.facts
    assert isinstance(fact, PolynomialFact) and fact.strict
    assert fact.method in ("leading-minors", "quadratic-form") and fact.smtlib


# --- the motivating examples -------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "variables"),
    [
        (x**4 + 3 * x**2 * y**2 + y**4, (x, y)),
        ((x**2 + y**2 + z**2) ** 2 + (x + y + z) ** 4, (x, y, z)),
        (x**4 + y**4 + x**2, (x, y)),
        (sp.Integer(7), (x, y)),  # affine: the Hessian is zero
        (3 * x - 2 * y + 1, (x, y)),
    ],
)
def test_convex_examples_are_proved(expr: sp.Expr, variables: tuple[sp.Symbol, ...]) -> None:
    _assert_proved(decide_polynomial(expr, variables, (), {}))


@pytest.mark.parametrize(
    ("expr", "variables"),
    [
        (x**4 + 8 * x**2 * y**2 + y**4, (x, y)),
        ((x * y - 1) ** 2, (x, y)),
        (x**2 * y**2, (x, y)),
        (x**4 + y**4 - x**2 * y**2, (x, y)),
        ((1 - x) ** 2 + 100 * (y - x**2) ** 2, (x, y)),  # Rosenbrock
    ],
)
def test_nonconvex_examples_are_refuted(expr: sp.Expr, variables: tuple[sp.Symbol, ...]) -> None:
    _assert_refuted(decide_polynomial(expr, variables, (), {}), expr, variables)


def test_proof_step_names_the_method_and_the_solver() -> None:
    import z3

    result = decide_polynomial(x**4 + y**4, (x, y), (), {})
    _assert_proved(result)
    assert result is not None and result.step is not None
    (fact,) = result.step.facts
    assert fact.version == z3.get_version_string()
    assert fact.method == "principal-minors" and len(fact.smtlib) == 3  # 2 + 1 minors
    assert fact.symbols == (x, y) and len(fact.direction) == 2
    v0, v1 = fact.direction
    assert sp.expand(fact.form - (12 * x**2 * v0**2 + 12 * y**2 * v1**2)) == 0


def test_recorded_queries_are_what_z3_reads_and_they_are_unsat() -> None:
    import z3

    result = decide_polynomial(x**4 + 3 * x**2 * y**2 + y**4, (x, y), (), {x: POSITIVE})
    _assert_proved(result)
    assert result is not None and result.step is not None
    (fact,) = result.step.facts
    assert fact.smtlib[0].startswith("(set-logic QF_NRA)\n(declare-fun g0 () Real)\n")
    assert "(assert (> g0 0))" in fact.smtlib[0]  # the open box of the variables
    for text in fact.smtlib:
        solver = z3.SolverFor("QF_NRA", ctx=z3.Context())
        solver.from_string(text)
        assert solver.check() == z3.unsat


# --- domains ------------------------------------------------------------------------------


@pytest.mark.parametrize("domain", [NONNEGATIVE, POSITIVE, interval_domain(F(0), F(5))])
def test_cube_is_convex_on_the_right_half_line(domain: Domain) -> None:
    _assert_proved(decide_polynomial(x**3, (x,), (), {x: domain}))


@pytest.mark.parametrize("domain", [REAL, interval_domain(F(-1), F(1))])
def test_cube_is_refuted_where_it_bends_down(domain: Domain) -> None:
    point = _assert_refuted(decide_polynomial(x**3, (x,), (), {x: domain}), x**3, (x,), {x: domain})
    assert point[x] < 0


def test_domains_of_several_variables() -> None:
    # x³y on the positive quadrant: H = [[6xy, 3x²], [3x², 0]] is indefinite wherever x != 0.
    domains = {x: POSITIVE, y: POSITIVE}
    _assert_refuted(decide_polynomial(x**3 * y, (x, y), (), domains), x**3 * y, (x, y), domains)
    # x⁴ + y⁴ - x²y² restricted to a thin strip around the y-axis is not rescued:
    # at x = 0 the curvature along x is -2y² < 0.
    domains = {x: interval_domain(F(-1, 100), F(1, 100))}
    expr = x**4 + y**4 - x**2 * y**2
    _assert_refuted(decide_polynomial(expr, (x, y), (), domains), expr, (x, y), domains)
    # ... but x³ + y³ on the positive quadrant is convex.
    _assert_proved(decide_polynomial(x**3 + y**3, (x, y), (), {x: POSITIVE, y: NONNEGATIVE}))


def test_box_without_interior_is_refused() -> None:
    flat = Domain(lo=F(1), hi=F(1), name="interval")
    assert decide_polynomial(x**2, (x,), (), {x: flat}) is None


# --- parameters: convex for EVERY value -----------------------------------------------


def test_parameter_in_nonnegative_interval() -> None:
    _assert_proved(decide_polynomial(x**2 * p, (x,), (p,), {p: I(F(0), F(1))}))


def test_real_parameter_is_refuted_with_a_negative_value() -> None:
    point = _assert_refuted(decide_polynomial(x**2 * p, (x,), (p,), {}), x**2 * p, (x,))
    assert point[p] < 0


QUADRATIC = a * x**2 + b * x * y + c * y**2


def test_parametric_quadratic_form_provably_convex() -> None:
    # 4ac - b² >= 4 - 1 > 0 and a > 0 on the whole parameter box.
    domains = {a: I(F(1), F(2)), b: I(F(-1), F(1)), c: I(F(1), F(2))}
    _assert_proved(decide_polynomial(QUADRATIC, (x, y), (a, b, c), domains))
    # b = ±2 makes 4ac - b² = 0 at a = c = 1: still PSD (boundary case).
    domains[b] = I(F(-2), F(2))
    _assert_proved(decide_polynomial(QUADRATIC, (x, y), (a, b, c), domains))


def test_parametric_quadratic_form_refuted() -> None:
    domains = {a: I(F(1), F(2)), b: I(F(-3), F(3)), c: I(F(1), F(2))}
    result = decide_polynomial(QUADRATIC, (x, y), (a, b, c), domains)
    point = _assert_refuted(result, QUADRATIC, (x, y), domains)
    assert 4 * point[a] * point[c] < point[b] ** 2


def test_open_parameter_domain() -> None:
    # p in (0, 1]: (1 - p)·x² is convex; (p - 1)·x² is not, at a p inside the domain.
    # (For polynomials an open end can never matter to convexity, by continuity.)
    domain = Domain(lo=F(0), hi=F(1), lo_open=True, name="interval")
    _assert_proved(decide_polynomial(-(x**2) * (p - 1), (x,), (p,), {p: domain}))
    _assert_refuted(
        decide_polynomial(x**2 * (p - 1), (x,), (p,), {p: domain}),
        x**2 * (p - 1),
        (x,),
        {p: domain},
    )


def test_empty_parameter_domain_is_refused() -> None:
    empty = Domain(lo=F(1), hi=F(1), lo_open=True, name="interval")
    assert decide_polynomial(-(x**2) * p, (x,), (p,), {p: empty}) is None


# --- what the prover refuses, quickly ------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "variables", "parameters"),
    [
        (sp.exp(x), (x,), ()),
        (sp.tanh(x) * x**2, (x,), ()),
        (sp.sqrt(x**2 + 1), (x,), ()),
        (1 / x, (x,), ()),
        (sp.Abs(x), (x,), ()),
        (sp.Float("0.5") * x**2, (x,), ()),  # a float's rational reading is a guess
        (sp.sqrt(2) * x**2, (x,), ()),  # irrational coefficient
        (x * y, (x,), ()),  # y is neither a variable nor a parameter
        (x**9, (x,), ()),  # above max_degree
        (x**4 * p**5, (x,), (p,)),  # parameters count towards the degree
    ],
)
def test_non_polynomials_are_refused(
    expr: sp.Expr, variables: tuple[sp.Symbol, ...], parameters: tuple[sp.Symbol, ...]
) -> None:
    assert decide_polynomial(expr, variables, parameters, {}) is None
    assert decide_polynomial_strict(expr, variables, parameters, {}) is None


def test_too_many_variables_is_refused() -> None:
    many = sp.symbols("q0:4", real=True)
    expr = sum(v**2 for v in many)
    assert decide_polynomial(expr, many, (), {}, max_variables=3) is None
    _assert_proved(decide_polynomial(expr, many, (), {}, max_variables=4))


def test_missing_z3_means_no_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "z3", None)
    assert decide_polynomial(x**4 + y**4, (x, y), (), {}) is None
    assert decide_polynomial_strict(x**2 + y**2, (x, y), (), {}) is None
    assert polynomial_applicability(x**4 + y**4, (x, y), ()) == "z3-solver is not installed"


def test_a_broken_z3_install_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    real = importlib.import_module

    def broken(name: str, *args: object) -> object:
        if name == "z3":
            raise OSError("libz3.so: cannot open shared object file")
        return real(name, *args)

    monkeypatch.setattr(polynomial.importlib, "import_module", broken)
    reason = polynomial_applicability(x**4 + y**4, (x, y), ())
    assert reason is not None and reason.startswith("z3-solver cannot be imported")
    assert "libz3.so" in reason
    assert decide_polynomial(x**4 + y**4, (x, y), (), {}) is None


# --- why it does not apply, as text ---------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "variables", "parameters", "domains", "reason"),
    [
        (
            sp.exp(x) + y**2,
            (x, y),
            (),
            None,
            "not a polynomial in its symbols (it contains exp(...))",
        ),
        (sp.Abs(x), (x,), (), None, "not a polynomial in its symbols (it contains Abs(...))"),
        (
            sp.sqrt(x),
            (x,),
            (),
            None,
            "not a polynomial in its symbols (it contains the power sqrt(x))",
        ),
        (
            1 / (x + 1),
            (x,),
            (),
            None,
            "not a polynomial in its symbols (it contains the power 1/(1 + x))",
        ),
        (x**10 + y, (x, y), (), None, "degree 10 is above the limit 8"),
        (x**4 * p**5, (x,), (p,), None, "degree 9 is above the limit 8"),
        (
            sum(sp.symbols("q0:12", real=True)),
            sp.symbols("q0:12", real=True),
            (),
            None,
            "12 variables are above the limit 8",
        ),
        (sp.Integer(1), (), (), None, "there are no variables"),
        (
            sp.Float("0.5") * x**2,
            (x,),
            (),
            None,
            "it contains a floating-point number (write it as a fraction)",
        ),
        (sp.pi * x**2, (x,), (), None, "it has a coefficient that is not a rational number (pi)"),
        (x * y, (x,), (), None, "it contains symbols that are neither variables nor parameters: y"),
        (
            x**2,
            (x,),
            (),
            {x: Domain(lo=F(1), hi=F(1), name="interval")},
            "the domain of x has no interior",
        ),
        (
            x**2 * p,
            (x,),
            (p,),
            {p: Domain(lo=F(1), hi=F(1), lo_open=True, name="interval")},
            "the domain of parameter p is empty",
        ),
    ],
)
def test_applicability_names_the_failed_condition(
    expr, variables, parameters, domains, reason
) -> None:
    assert polynomial_applicability(expr, variables, parameters, domains=domains) == reason
    # ... exactly when the decision does not apply.
    assert decide_polynomial(expr, variables, parameters, domains or {}) is None
    assert decide_polynomial_strict(expr, variables, parameters, domains or {}) is None


@pytest.mark.parametrize(
    ("expr", "variables", "parameters"),
    [
        (x**4 + y**4, (x, y), ()),
        (x**2 * p, (x,), (p,)),
        (sp.Integer(7), (x, y), ()),
        ((x + 1) ** 8, (x,), ()),
    ],
)
def test_applicability_is_none_when_the_decision_answers(expr, variables, parameters) -> None:
    assert polynomial_applicability(expr, variables, parameters) is None
    assert decide_polynomial(expr, variables, parameters, {}) is not None


def test_applicability_does_not_expand_twice() -> None:
    polynomial._expand.cache_clear()
    expr = (x + y + z + 1) ** 6
    assert polynomial_applicability(expr, (x, y, z), ()) is None
    decide_polynomial(expr, (x, y, z), (), {}, rlimit=1000)
    assert polynomial._expand.cache_info().hits >= 1


# --- deterministic effort: the resource limit ------------------------------------------------


def test_rlimit_is_deterministic_and_bounds_the_effort() -> None:
    # Needs about 1.6 million units by the minors; 1000 units settle nothing.
    expr = (x**2 + y**2 + z**2) ** 2 + (x + y + z) ** 4
    tiny = [decide_polynomial(expr, (x, y, z), (), {}, rlimit=1000) for _ in range(2)]
    for result in tiny:
        assert result is not None and result.convex is None
        assert "1000 resource units" in result.note
    assert tiny[0] == tiny[1]
    _assert_proved(decide_polynomial(expr, (x, y, z), (), {}, timeout_ms=60_000))


def test_rlimit_zero_means_no_resource_limit() -> None:
    _assert_proved(decide_polynomial(x**4 + y**4, (x, y), (), {}, rlimit=0))
    _assert_strict(decide_polynomial_strict(x**2 + y**2, (x, y), (), {}, rlimit=0), x**2 + y**2)
    assert decide_polynomial_strict(x**2 + y**2, (x, y), (), {}, rlimit=1) is None


@pytest.mark.parametrize("bad", [-1, 1.5, "100", True])
def test_rlimit_must_be_a_nonnegative_integer(bad: object) -> None:
    with pytest.raises(ValueError, match="rlimit"):
        decide_polynomial(x**4 + y**4, (x, y), (), {}, rlimit=bad)  # type: ignore[arg-type]


def test_default_rlimit_settles_the_shipped_polynomial_claims(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DEFAULT_RLIMIT's measurement, kept honest: every decision on a shipped claim
    answers the same with the default as with no resource limit, and those z3 settles
    use at most RLIMIT_MEASURED_MAX units (read from z3's "rlimit count")."""
    from pathlib import Path

    from convexity_proofs._claimfile import load_claims

    encoders: list[polynomial._Encoder] = []

    class Spy(polynomial._Encoder):
        def __init__(self, *args: object) -> None:
            super().__init__(*args)  # type: ignore[arg-type]
            encoders.append(self)

    monkeypatch.setattr(polynomial, "_Encoder", Spy)
    claims = sorted((Path(__file__).resolve().parent.parent / "claims").glob("*.toml"))
    settled = 0
    for path in claims:
        for claim in load_claims(path):
            f, v, ps, d = claim.function, claim.variables, claim.parameters, dict(claim.domains)
            if polynomial_applicability(f, v, ps, domains=d) is not None:
                continue
            if claim.name == "linear-network-is-not-convex":
                continue  # the one z3 never settles (8-variable forms): see DEFAULT_RLIMIT
            for sign in (1, -1):
                encoders.clear()
                default = decide_polynomial(sign * f, v, ps, d, timeout_ms=30_000)
                used = sum(e.rlimit_count for e in encoders)
                unlimited = decide_polynomial(sign * f, v, ps, d, timeout_ms=30_000, rlimit=0)
                assert default is not None and unlimited is not None
                assert default.convex == unlimited.convex, (claim.name, sign)
                if default.convex is not None:
                    settled += 1
                    assert used <= RLIMIT_MEASURED_MAX, (claim.name, sign, used)
    assert settled >= 20
    assert DEFAULT_RLIMIT >= 10 * RLIMIT_MEASURED_MAX


# --- the two encodings --------------------------------------------------------------------


def test_quadratic_form_encoding_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the minors disabled the normalised quadratic form must decide on its own."""
    monkeypatch.setattr(polynomial, "MAX_MINOR_VARIABLES", 0)
    _assert_proved(decide_polynomial(x**4 + 3 * x**2 * y**2 + y**4, (x, y), (), {}))
    _assert_proved(
        decide_polynomial((x**2 + y**2 + z**2) ** 2 + (x + y + z) ** 4, (x, y, z), (), {})
    )
    expr = (x * y - 1) ** 2  # diagonal entries 2y², 2x² >= 0: only the form finds it
    _assert_refuted(decide_polynomial(expr, (x, y), (), {}), expr, (x, y))


def test_five_variables_use_the_quadratic_form() -> None:
    variables = (x, y, z, w, u)
    expr = (x * y - 1) ** 2 + z**2 + w**2 + u**4
    _assert_refuted(decide_polynomial(expr, variables, (), {}), expr, variables)
    convex = (x - y) ** 2 + (y - z) ** 4 + (z + w + u) ** 2 + u**4
    _assert_proved(decide_polynomial(convex, variables, (), {}))


def test_algebraic_model_values_are_rounded_and_certified() -> None:
    """A model forced to x = √2 still yields an exact witness (rounded, then re-checked)."""
    import z3

    admitted = polynomial._admit(x**3 - 6 * x * y**2, (x, y), (), {}, 8, 8)
    assert admitted is not None
    problem, _ = admitted
    encoder = polynomial._Encoder(z3, problem)
    gx, gy = encoder.gens
    solver = z3.Solver(ctx=encoder.ctx)
    solver.add(gx * gx == 2, gy == 0)
    assert solver.check() == z3.sat
    model = solver.model()
    assert z3.is_algebraic_value(model.eval(gx, model_completion=True))
    found = polynomial._certified_counterexample(z3, encoder, model)
    assert found is not None
    point, direction = found
    result = PolynomialResult(False, None, point, direction)
    _assert_refuted(result, x**3 - 6 * x * y**2, (x, y))


# --- strict convexity -----------------------------------------------------------------------


def test_strict_positive_definite_everywhere() -> None:
    for expr, variables, parameters, domains in (
        (x**2 + y**2 + x**4, (x, y), (), {}),
        (x**2 * p, (x,), (p,), {p: I(F(1), F(2))}),
        (x**3, (x,), (), {x: POSITIVE}),
        (x**3, (x,), (), {x: I(F(1), F(2))}),
    ):
        _assert_strict(decide_polynomial_strict(expr, variables, parameters, domains), expr)


def test_strict_is_never_false_and_misses_degenerate_hessians() -> None:
    # x⁴ is strictly convex but H(0) = 0: a documented miss, never a wrong "False".
    assert decide_polynomial_strict(x**4, (x,), (), {}) is None
    # x³ on [0, 1]: H(0) = 0 on the closed domain, so PD everywhere fails.
    assert decide_polynomial_strict(x**3, (x,), (), {x: NONNEGATIVE}) is None
    assert decide_polynomial_strict(x**2 * p, (x,), (p,), {p: I(F(0), F(2))}) is None
    assert decide_polynomial_strict((x * y - 1) ** 2, (x, y), (), {}) is None
    assert decide_polynomial_strict(x**4 + y**4 + x**2, (x, y), (), {}) is None


def test_strict_quadratic_form_encoding_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(polynomial, "MAX_MINOR_VARIABLES", 0)
    expr = x**2 + y**2 + (x + y) ** 4
    step = decide_polynomial_strict(expr, (x, y), (), {})
    _assert_strict(step, expr)
    assert step is not None and step.facts[0].method == "quadratic-form"  # type: ignore[union-attr]
    assert decide_polynomial_strict(x**2 + y**4, (x, y), (), {}) is None


# --- properties ------------------------------------------------------------------------------

_small = st.integers(min_value=-2, max_value=2)
_weight = st.fractions(min_value=0, max_value=3, max_denominator=4)


@st.composite
def _affine(draw: st.DrawFn) -> sp.Expr:
    return draw(_small) * x + draw(_small) * y + draw(_small)


@st.composite
def _convex_polynomials(draw: st.DrawFn) -> sp.Expr:
    """Σ c_i·ℓ_i^(2m_i) with c_i >= 0 and affine ℓ_i: convex by construction."""
    parts = draw(st.lists(st.tuples(_weight, _affine(), st.sampled_from([1, 2])), max_size=4))
    return sp.Add(*(_rational(cw) * ell ** (2 * m) for cw, ell, m in parts))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_convex_polynomials())
def test_convex_by_construction_is_never_refuted(expr: sp.Expr) -> None:
    result = decide_polynomial(expr, (x, y), (), {}, timeout_ms=1000)
    assert result is not None
    assert result.convex is not False, (expr, result.point, result.direction)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    _convex_polynomials(),
    st.integers(min_value=-2, max_value=2),
    st.integers(min_value=-2, max_value=2),
    st.sampled_from([-2, -1, 1, 2]),
    st.fractions(min_value=F(1, 2), max_value=3, max_denominator=4),
)
def test_planted_indefinite_term_is_never_proved(
    convex: sp.Expr, x0: int, y0: int, k: int, weight: Fraction
) -> None:
    # The convex part is damped so that most draws keep the planted negative curvature.
    expr = convex / 8 + _rational(weight) * ((x - x0) * (y - y0) - k) ** 2
    # Independent truth: curvature along (1, sign k) at (x0, y0), exactly.
    t = sp.Symbol("t_independent", real=True)
    sign = 1 if k > 0 else -1
    second = sp.diff(expr.xreplace({x: x0 + t, y: y0 + sign * t}), t, 2).subs(t, 0)
    assume(second < 0)
    result = decide_polynomial(expr, (x, y), (), {}, timeout_ms=1000)
    assert result is None or result.convex is not True
    if result is not None and result.convex is False:
        _assert_refuted(result, expr, (x, y))
