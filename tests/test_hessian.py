"""The symbolic-Hessian prover: which functions it proves, how, and what it refuses.

Each proof is replayed by the checker (after a round trip through the certificate's
JSON form) and checked independently at rational points: the Hessian (SymPy's
``hessian``) evaluated with mpmath at 60 digits has no negative eigenvalue there (no
positive one for a concave claim).
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
import sympy as sp

from convexity_proofs import check
from convexity_proofs._proof import (
    CoefficientSignFact,
    MinorFact,
    ProofStep,
    SignFact,
    SolverSignFact,
    SymbolicHessianFact,
    step_from_json,
)
from convexity_proofs._values import NONNEGATIVE, POSITIVE, REAL, Domain, interval_domain
from convexity_proofs.checker import hessian as _rules  # noqa: F401  (registers)
from convexity_proofs.checker._core import Checker, Context
from convexity_proofs.kernel.expressions import ExpressionReader, ExpressionTable
from convexity_proofs.kernel.positivity import (
    coefficient_sign,
    positive_coefficients,
    rational_hessian,
)
from convexity_proofs.provers import hessian
from convexity_proofs.provers.hessian import (
    hessian_applicability,
    symbolic_hessian,
    symbolic_hessian_strict,
    symbolic_hessian_subterm,
)

x, y, z, w, p = sp.symbols("x y z w p", real=True)
a, b, c, d, e, f_ = sp.symbols("a b c d e f", real=True)
R = sp.Rational
I = interval_domain  # noqa: E741
HALF = interval_domain(R(-1, 2), R(1, 2))

#: (f, variables, domains, strict expected): f convex (the concave claims negated).
CONVEX = [
    (x ** R(3, 2) * y ** R(-1, 4), (x, y), {x: POSITIVE, y: POSITIVE}, True),
    (-sp.log(x * y - 1), (x, y), {x: I(2, 5), y: I(2, 5)}, False),
    (-1 / (1 / x + 1 / y), (x, y), {x: POSITIVE, y: POSITIVE}, False),
    (-1 / (1 / x + 1 / y + 1 / z), (x, y, z), {x: POSITIVE, y: POSITIVE, z: POSITIVE}, False),
    (-sp.log(x * y - z**2), (x, y, z), {x: I(2, 3), y: I(2, 3), z: I(-1, 1)}, False),
    (sp.exp(x) / (1 + y), (x, y), {y: I(0, 1)}, False),
    (sp.log(sp.exp(x) + sp.exp(y) + sp.exp(z)), (x, y, z), {}, False),
    (x**4 / y**3, (x, y), {y: POSITIVE}, False),
    (sp.cosh(x) * sp.cosh(y), (x, y), {}, True),
    (x**2 + y**2 - sp.log(1 + x * y), (x, y), {x: I(0, 1), y: I(0, 1)}, False),
    (sp.exp(x + y) - x * y, (x, y), {x: NONNEGATIVE, y: NONNEGATIVE}, False),
    (sp.exp(x) * (1 + y**2), (x, y), {y: I(-1, 1)}, False),
    (sp.log(1 + x**2 + y**2), (x, y), {x: HALF, y: HALF}, False),
    (
        x * sp.log(x) + y * sp.log(y) - (x + y) * sp.log(x + y),
        (x, y),
        {x: POSITIVE, y: POSITIVE},
        False,
    ),
    (sp.exp(x - y) + sp.exp(y - x) + x**2, (x, y), {}, True),
    (-sp.log(x + y) - sp.log(x), (x, y), {x: POSITIVE, y: POSITIVE}, True),
    (sp.log(sp.cosh(x) + sp.cosh(y)), (x, y), {}, True),
    (sp.log(sp.exp(x) + sp.exp(y) + sp.exp(z) + sp.exp(w)), (x, y, z, w), {}, False),
    # a parameter: convex for every p in [1, 2]
    (p * sp.exp(x) / y + x**2 / y, (x, y), {y: POSITIVE, p: I(1, 2)}, True),
]

#: Not convex on the domain: the prover must not prove them.
NOT_CONVEX = [
    (sp.exp(x) * (1 + y**2), (x, y), {y: I(-2, 2)}),
    (x**2 / (y * z), (x, y, z), {x: POSITIVE, y: POSITIVE, z: POSITIVE}),
    (sp.log(1 + x**2 + y**2), (x, y), {x: I(-2, 2), y: I(-2, 2)}),
    (1 / (1 / x + 1 / y), (x, y), {x: POSITIVE, y: POSITIVE}),
    (sp.exp(x) * y**2, (x, y), {x: I(0, 1), y: I(1, 2)}),
    (x**2 * y**2 + sp.exp(x), (x, y), {x: I(1, 2), y: I(1, 2)}),
    (sp.log(1 + sp.exp(x)) + sp.log(1 + sp.exp(y)) - sp.log(1 + sp.exp(x + y)), (x, y), {}),
]


def round_trip(step: ProofStep) -> ProofStep:
    table = ExpressionTable()
    data = step.to_json(table)
    return step_from_json(data, ExpressionReader(table.to_json()), lambda w: w)


def context_for(variables, domains) -> Context:
    box = {s: REAL for s in (x, y, z, w, p, a, b, c, d, e, f_)}
    box.update(domains)
    return Context(tuple(variables), box)


def points_inside(domain: Domain, count: int = 3) -> list[sp.Rational]:
    lo = domain.lo if domain.lo is not None else (domain.hi - 4 if domain.hi is not None else -3)
    hi = domain.hi if domain.hi is not None else lo + 6
    return [
        sp.Rational(lo) + (sp.Rational(hi) - sp.Rational(lo)) * R(k, count + 1)
        for k in range(1, count + 1)
    ]


def smallest_eigenvalue(f, variables, at) -> mpmath.mpf:
    """Independent: SymPy's hessian, evaluated with mpmath at 60 digits."""
    matrix = sp.hessian(f, variables).xreplace(at)
    with mpmath.workdps(60):
        m = mpmath.matrix([[mpmath.mpf(sp.N(v, 70)) for v in row] for row in matrix.tolist()])
        return min(mpmath.eigsy(m)[0])


@pytest.mark.parametrize(("f", "variables", "domains", "strict"), CONVEX)
def test_proofs_replay_and_hold_at_points(f, variables, domains, strict) -> None:
    result = symbolic_hessian(f, variables, domains)
    assert result is not None and result.convex is True, result
    step = result.step
    assert step is not None and step.rule == "symbolic-hessian"
    assert step.conclusion == ("strictly-convex" if strict else "convex")
    (fact,) = step.facts_of(SymbolicHessianFact)
    assert fact.variables == tuple(variables)
    n = len(variables)
    minors = step.facts_of(MinorFact)
    expected = n if fact.method == "leading-minors" else 2**n - 1
    assert len(minors) == expected
    Checker().check(round_trip(step), context_for(variables, domains))
    # independent: PSD at rational points of the box (parameters at their points too)
    symbols = sorted(f.free_symbols, key=lambda s: s.name)
    grids = [points_inside(domains.get(s, REAL)) for s in symbols]
    for k in range(3):
        at = {s: g[(k + i) % 3] for i, (s, g) in enumerate(zip(symbols, grids, strict=True))}
        assert smallest_eigenvalue(f, list(variables), at) >= -(mpmath.mpf(10) ** -40)


@pytest.mark.parametrize(("f", "variables", "domains"), NOT_CONVEX)
def test_nonconvex_functions_are_not_proved(f, variables, domains) -> None:
    for prover in (symbolic_hessian, symbolic_hessian_strict, symbolic_hessian_subterm):
        result = prover(f, variables, domains)
        assert result is None or (result.convex is None and result.step is None)


def test_log_det_of_a_symmetric_3x3_matrix_in_six_variables() -> None:
    det = a * b * c + 2 * d * e * f_ - a * f_**2 - b * e**2 - c * d**2
    domains = {a: I(3, 4), b: I(3, 4), c: I(3, 4), d: HALF, e: HALF, f_: HALF}
    variables = (a, b, c, d, e, f_)
    result = symbolic_hessian(-sp.log(det), variables, domains)
    assert result is not None and result.step is not None
    (fact,) = result.step.facts_of(SymbolicHessianFact)
    assert fact.method == "leading-minors" and len(result.step.facts_of(MinorFact)) == 6
    Checker().check(round_trip(result.step), context_for(variables, domains))


def test_a_pinned_parameter() -> None:
    f, domains = p * sp.exp(x) / y + x**2 / y, {y: POSITIVE, p: I(1, 1)}
    result = symbolic_hessian(f, (x, y), domains)
    assert result is not None and result.step is not None and result.strict is True
    Checker().check(round_trip(result.step), context_for((x, y), domains))


def test_strictness_on_a_closed_domain_needs_the_strict_prover() -> None:
    f, domains = -sp.log(x * y - 1), {x: I(2, 5), y: I(2, 5)}
    loose = symbolic_hessian(f, (x, y), domains)
    assert loose is not None and loose.strict is False
    strict = symbolic_hessian_strict(f, (x, y), domains)
    assert strict is not None and strict.strict is True and strict.step is not None
    (fact,) = strict.step.facts_of(SymbolicHessianFact)
    assert (fact.box, fact.method) == ("domain", "leading-minors")
    Checker().check(round_trip(strict.step), context_for((x, y), domains))


def test_interior_proof_when_entries_are_undefined_on_the_boundary() -> None:
    # d²/dx² of x**(3/2) is (3/4)·x**(-1/2): undefined at x = 0, which the domain holds.
    f, domains = x ** R(3, 2) + y ** R(3, 2) + (x - y) ** 2, {x: NONNEGATIVE, y: NONNEGATIVE}
    result = symbolic_hessian(f, (x, y), domains)
    assert result is not None and result.step is not None
    (fact,) = result.step.facts_of(SymbolicHessianFact)
    assert fact.box == "interior" and result.strict is False
    assert symbolic_hessian_strict(f, (x, y), domains).convex is None
    Checker().check(round_trip(result.step), context_for((x, y), domains))


def test_the_shared_substitution_relates_exp_x_and_exp_2x() -> None:
    f = sp.log(sp.exp(2 * x) + sp.exp(y))
    result = symbolic_hessian(f, (x, y), {})
    assert result is not None and result.step is not None
    (fact,) = result.step.facts_of(SymbolicHessianFact)
    names = [str(s) for s, _ in fact.substitution]
    assert names == ["_u_x", "_u_y"]


@pytest.mark.parametrize(
    ("f", "variables", "words"),
    [
        (x**2 + x * y, (x, y), "degree <= 2"),
        (x**4 + y**4, (x, y), "polynomial decision"),
        (sp.exp(x), (x, y), "depends on 1 variable"),
        (sp.exp(x + y + z + w + a + b + c), (x, y, z, w, a, b, c), "above the limit 6"),
        (sp.sin(x) + y**2 * x, (x, y), "sin(...)"),
        (sp.Abs(x) + sp.exp(y) * x, (x, y), "not smooth"),
        (sp.Float(0.5) * sp.exp(x + y), (x, y), "floating-point"),
    ],
)
def test_applicability_reasons(f, variables, words) -> None:
    reason = hessian_applicability(f, variables)
    assert reason is not None and words in reason, reason
    assert symbolic_hessian(f, variables, {}) is None


def test_polynomials_are_taken_as_subterms() -> None:
    f = x**4 + x**2 * y**2 + y**4
    assert symbolic_hessian(f, (x, y), {}) is None
    result = symbolic_hessian_subterm(f, (x, y), {x: REAL, y: REAL})
    assert result is not None and result.step is not None
    Checker().check(round_trip(result.step), context_for((x, y), {}))
    # a symbol without a domain (a rule's fresh variable) is refused
    assert symbolic_hessian_subterm(f, (x, y), {x: REAL}) is None


def test_a_subterm_in_fewer_variables_is_not_strict_in_all() -> None:
    result = symbolic_hessian(sp.exp(x - y) + sp.exp(y - x) + x**2, (x, y, z), {})
    assert result is not None and result.convex is True and result.strict is False
    assert result.step is not None and result.step.conclusion == "convex"


# --- the sign methods, one by one --------------------------------------------------------


def signs(box: dict) -> hessian._Signs:
    return hessian._Signs((x, y), box, hessian._Budget())


def test_sign_by_enclosure() -> None:
    shown, fact = signs({x: I(1, 2), y: I(1, 2)}).prove(x * y + x - 1, "strict")
    assert shown == "positive" and isinstance(fact, SignFact) and not fact.pieces


def test_sign_by_shifted_coefficients() -> None:
    # on [2, 5]**2: x*y - x - y + 2 = 2 + s + t + s*t with x = 2 + s, y = 2 + t
    shown, fact = signs({x: I(2, 5), y: I(2, 5)}).prove(x * y - x - y + 2, "strict")
    assert shown == "positive" and isinstance(fact, CoefficientSignFact)
    assert fact.shifts == ((x, Fraction(2), 1), (y, Fraction(2), 1))


def test_sign_by_subdivision() -> None:
    shown, fact = signs({x: I(0, 1), y: I(0, 1)}).prove(x**2 - x * y + y**2 + R(1, 10), "strict")
    assert shown == "positive" and isinstance(fact, SignFact) and len(fact.pieces) > 1


def test_sign_by_z3() -> None:
    pytest.importorskip("z3")
    # (x - y)**2 + y**2 vanishes at 0, inside the box: no enclosure shows it >= 0
    shown, fact = signs({x: I(-1, 1), y: I(-1, 1)}).prove(x**2 - 2 * x * y + 2 * y**2, "weak")
    assert shown == "nonnegative" and isinstance(fact, SolverSignFact)
    assert fact.result == "unsat" and "(< " in fact.smtlib


def test_no_sign_for_an_indefinite_polynomial() -> None:
    assert signs({x: I(-1, 1), y: I(-1, 1)}).prove(x * y, "weak") is None


# --- the kernel -----------------------------------------------------------------------------


def test_positive_coefficients() -> None:
    u, v = sp.symbols("u v", positive=True)
    assert positive_coefficients((u**2 + u * v) / (3 * v + 1), (u, v))
    assert positive_coefficients(-(u + 1) / (-v), (u, v))
    assert not positive_coefficients((u**2 - u * v + v**2) / v, (u, v))
    assert not positive_coefficients(u - u, (u, v))  # 0 is not > 0


def test_coefficient_sign_shifts_and_even_powers() -> None:
    box = {x: I(2, 5), y: REAL}
    poly = sp.Poly(x * y**2 - 2 * y**2, x, y)
    assert coefficient_sign(poly, {x: (Fraction(2), 1)}, box) == "nonnegative"
    assert coefficient_sign(poly, {}, box) is None  # x unshifted is fine, -2*y**2 is not
    # a shift past the bound is invalid
    assert coefficient_sign(poly, {x: (Fraction(3), 1)}, box) is None
    assert coefficient_sign(sp.Poly(y**2 + 1, x, y), {}, box) == "positive"
    assert coefficient_sign(sp.Poly(-(y**4), x, y), {}, {y: I(1, 2)}) == "negative"


def test_rational_hessian_refuses_what_is_not_rational() -> None:
    assert rational_hessian((sp.exp(x * y),), (x, y), {}) is None
    assert rational_hessian((sp.sqrt(2) * x,), (x, y), {}) is None
    assert rational_hessian((sp.log(x),), (x, y), {x: POSITIVE}) is None
    rh = rational_hessian((sp.exp(2 * x), sp.exp(x + y), sp.exp(y)), (x, y), {})
    assert rh is not None and [str(g) for g in rh.generators] == ["x", "y", "_u_x", "_u_y"]


# --- through the engine ------------------------------------------------------------------


def rules(steps) -> set[str]:
    out, stack = set(), list(steps)
    while stack:
        step = stack.pop()
        out.add(step.rule)
        stack.extend(step.children)
    return out


@pytest.mark.parametrize(
    ("function", "variables", "prop", "domain"),
    [
        ("log(x*y - 1)", ["x", "y"], "concave", {"x": [2, 5], "y": [2, 5]}),
        ("log(x*y - 1)", ["x", "y"], "strictly-concave", {"x": [2, 5], "y": [2, 5]}),
        ("1/(1/x + 1/y)", ["x", "y"], "concave", {"x": "positive", "y": "positive"}),
        ("x**2 + y**2 - log(1 + x*y)", ["x", "y"], "strictly-convex", {"x": [0, 1], "y": [0, 1]}),
        (
            "x**2 - log(x*y - z**2)",
            ["x", "y", "z"],
            "convex",
            {"x": [2, 3], "y": [2, 3], "z": [-1, 1]},
        ),
    ],
)
def test_engine_proves_with_the_rule(function, variables, prop, domain) -> None:
    verdict = check(function, variables, prop, domain, timeout=30)
    assert str(verdict.status) == "proved", verdict.attempts
    assert "symbolic-hessian" in rules(verdict.proof)
