"""Second-order provers: a constant Hessian, or one variable's second derivative.

* Quadratics (degree <= 2 in the variables, numeric second-order coefficients): the
  Hessian is a constant rational matrix, decided exactly by LDLᵀ with pivoting.  A
  box with nonempty interior (every claim domain has one) makes "convex" equivalent to
  "Hessian PSD", so this prover also yields an exact negative direction or, for PSD but
  singular Hessians, a direction along which f is affine.
* One variable: f'' is computed symbolically (cheap for one variable) and its sign
  established on the domain: exactly (Sturm) for rational functions without
  parameters, otherwise by rigorous interval analysis over the whole box, parameters
  included.  Only smooth expressions qualify (no abs/max/min/Piecewise), and f'' must
  be defined on the whole closed box, so f is C² there and the second-order condition
  is valid.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import sympy

from convexity_proofs import _intervals
from convexity_proofs._brief import brief
from convexity_proofs._psd import definiteness
from convexity_proofs._values import Condition, Domain, ProofStep
from convexity_proofs.provers.univariate import rational_sign

_NON_SMOOTH = (sympy.Abs, sympy.Max, sympy.Min, sympy.Piecewise, sympy.sign, sympy.Heaviside)

#: Quadratic forms over more variables than this are not expanded into a Poly.
MAX_QUADRATIC_VARIABLES = 200
#: Expressions larger than this (in operations) are not differentiated here.
MAX_OPS = 4000


@dataclass(frozen=True, slots=True)
class SecondOrderResult:
    """What a second-order prover established, as data.

    ``convex``/``strict`` are three-valued (``None`` = no answer).  ``negative_direction``
    is an exact direction of negative curvature (any interior point) when the Hessian is
    a constant that is not PSD; ``flat_direction`` one along which f is affine.
    """

    convex: bool | None
    strict: bool | None
    step: ProofStep | None
    negative_direction: dict[sympy.Symbol, Fraction] | None = None
    flat_direction: dict[sympy.Symbol, Fraction] | None = None
    note: str = ""


def is_smooth(expr: sympy.Expr) -> bool:
    return not expr.has(*_NON_SMOOTH)


def degree_bound(expr: sympy.Expr, variables: frozenset[sympy.Symbol]) -> float:
    """An upper bound on the total degree in ``variables``; ``inf`` if not a polynomial.

    Structural and cheap (no expansion): it lets the quadratic prover skip, in one walk,
    the network losses and other non-polynomials that ``Poly`` would expand first.
    """
    memo: dict[sympy.Expr, float] = {}

    def walk(node: sympy.Expr) -> float:
        if node in memo:
            return memo[node]
        if node.is_Symbol:
            result = 1.0 if node in variables else 0.0
        elif node.is_Number or not node.args:
            result = 0.0
        elif node.is_Add:
            result = max(walk(a) for a in node.args)
        elif node.is_Mul:
            result = sum(walk(a) for a in node.args)
        elif node.is_Pow and node.args[1].is_Integer and node.args[1] >= 0:
            result = walk(node.args[0]) * int(node.args[1])
        else:
            # Any other function of the variables is not a polynomial.
            result = 0.0 if all(walk(a) == 0 for a in node.args) else float("inf")
        memo[node] = result
        return result

    try:
        return walk(expr)
    except RecursionError:
        return float("inf")


def quadratic(
    expr: sympy.Expr, variables: tuple[sympy.Symbol, ...], domains: Mapping[sympy.Symbol, Domain]
) -> SecondOrderResult | None:
    """Decide a function of degree <= 2 in the variables with numeric Hessian."""
    if not variables or len(variables) > MAX_QUADRATIC_VARIABLES or not is_smooth(expr):
        return None  # no variables: nothing to decide (an empty Hessian proves nothing)
    if degree_bound(expr, frozenset(variables)) > 2:
        return None
    try:
        poly = sympy.Poly(expr, *variables)
    except sympy.PolynomialError:
        return None
    if poly.total_degree() > 2:
        return None
    # The coefficients (functions of the parameters) must be defined on the domain.
    for coeff in poly.coeffs():
        if _intervals.defined(coeff, domains) is not True:
            return None
    n = len(variables)
    hessian = [[Fraction(0)] * n for _ in range(n)]
    for monom, coeff in poly.terms():
        if sum(monom) != 2:
            continue
        if not coeff.is_Rational:
            return (
                None  # a parameter in the Hessian: definiteness for all values is not decided here
            )
        c = Fraction(int(coeff.p), int(coeff.q))
        idx = [i for i, e in enumerate(monom) for _ in range(e)]
        i, j = idx
        if i == j:
            hessian[i][i] += 2 * c
        else:
            hessian[i][j] += c
            hessian[j][i] += c
    result = definiteness(hessian)
    subject = brief(expr, 120)
    if not result.psd:
        direction = dict(zip(variables, result.negative_direction or (), strict=True))
        return SecondOrderResult(
            False,
            False,
            None,
            negative_direction=direction,
            note="the constant Hessian has a negative direction",
        )
    kind = "positive definite" if result.pd else "positive semidefinite"
    step = ProofStep(
        rule="constant Hessian",
        subject=subject,
        reason=f"f is quadratic in the variables and its constant Hessian is {kind}",
        conditions=(
            Condition("degree <= 2 in the variables", "polynomial expansion"),
            Condition(f"Hessian {_show_matrix(hessian)} is {kind}", "exact LDLᵀ with pivoting"),
        ),
    )
    flat = None
    if not result.pd and result.zero_direction is not None:
        flat = dict(zip(variables, result.zero_direction, strict=True))
    return SecondOrderResult(True, result.pd, step, flat_direction=flat)


def univariate(
    expr: sympy.Expr, variables: tuple[sympy.Symbol, ...], domains: Mapping[sympy.Symbol, Domain]
) -> SecondOrderResult | None:
    """Prove f'' >= 0 (or > 0) on the domain for a function of one variable."""
    if len(variables) != 1 or not is_smooth(expr):
        return None
    if sympy.count_ops(expr, visual=False) > MAX_OPS:
        return None
    (x,) = variables
    if _intervals.defined(expr, domains) is not True:
        return None
    second = sympy.diff(expr, x, 2)
    if second.has(sympy.Derivative, sympy.Subs) or not is_smooth(second):
        return None
    subject = brief(expr, 120)
    shown = brief(second, 120)
    parameters = second.free_symbols - {x}
    if not parameters:
        exact = rational_sign(second, x, domains.get(x) or _real())
        if exact is not None and exact.nonnegative is True:
            step = ProofStep(
                rule="second derivative (exact)",
                subject=subject,
                reason=f"f'' = {shown} is >= 0 on the domain"
                + (
                    "; its zeros are isolated, so f' is strictly increasing"
                    if exact.isolated_zeros
                    else ""
                ),
                conditions=(Condition(f"f'' = {shown} >= 0", exact.reason),),
            )
            return SecondOrderResult(True, exact.isolated_zeros, step)
        if exact is not None and exact.nonnegative is False:
            point = exact.counterexample
            return SecondOrderResult(
                False,
                False,
                None,
                note=f"f'' < 0 at {x} = {point}" if point is not None else "",
            )
    if _intervals.positive(second, domains):
        kind, strict = "> 0", True
    elif _intervals.nonnegative(second, domains):
        kind, strict = ">= 0", None
    else:
        return None
    step = ProofStep(
        rule="second derivative (intervals)",
        subject=subject,
        reason=f"f'' = {shown} is {kind} on the whole domain",
        conditions=(
            Condition(
                f"f is defined on the domain and f'' = {shown} {kind}",
                "rigorous interval analysis (parameters ranging over their domains)",
            ),
        ),
    )
    return SecondOrderResult(True, strict, step)


def _real() -> Domain:
    from convexity_proofs._values import REAL

    return REAL


def _show_matrix(m: list[list[Fraction]]) -> str:
    if len(m) > 6:
        return f"({len(m)}×{len(m)})"
    rows = ", ".join("[" + ", ".join(str(v) for v in row) + "]" for row in m)
    return f"[{rows}]"
