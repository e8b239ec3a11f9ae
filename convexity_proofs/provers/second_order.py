"""Second-order provers: a constant Hessian, or one variable's second derivative.

* Quadratics (degree <= 2 in the variables, numeric second-order coefficients): the
  Hessian is a constant rational matrix, decided exactly by LDLᵀ with pivoting.  A
  box with nonempty interior (every claim domain has one) makes "convex" equivalent to
  "Hessian PSD", so this prover also yields an exact negative direction or, for PSD but
  singular Hessians, a direction along which f is affine.
* One variable: f'' is computed symbolically (cheap for one variable) and its sign
  established on the domain: exactly (Sturm) for rational functions without
  parameters; by rigorous interval analysis over the whole box, parameters included;
  exactly after the substitution u = exp(x/q) (or s = x**(1/q)) when that makes f'' a
  rational function of u alone (Sturm on an enclosure of the range of u); otherwise
  piece by piece (a bounded domain subdivided, half-lines by monotone tail bounds).
  Only smooth expressions qualify (no abs/max/min/Piecewise), and f'' must be defined
  on the whole closed box, so f is C² there and the second-order condition is valid.

Each prover returns None exactly when its applicability function
(:func:`quadratic_applicability`, :func:`univariate_applicability`) gives a reason, as
text; an applicable prover that cannot conclude returns a result with ``convex`` None
and a ``note`` saying what failed (a coefficient or f not proved defined on the domain,
a sign not established).

The steps are data (:mod:`convexity_proofs._proof`): ``constant-hessian`` holds the
exact Hessian with its pivoted LDLᵀ factors, ``second-derivative-exact`` the exact sign
decision of f'' (:class:`UnivariateSignFact`), ``second-derivative-intervals`` the
enclosure of f'', ``second-derivative-substitution`` the substitution
(:class:`SubstitutionFact`) and the exact decision in u, ``second-derivative-subdivision``
the pieces (a :class:`SignFact` with pieces) and the tail bounds (:class:`TailFact`);
every second-derivative step and the constant-Hessian step hold the enclosure that
shows f defined on the box.  A step concludes ``strictly-convex`` when
the prover shows strictness *in the variables it was given*; a caller that uses it as
a step about more variables must weaken the conclusion to ``convex``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import sympy

from convexity_proofs._brief import brief
from convexity_proofs._proof import (
    DefinedFact,
    Fact,
    HessianFact,
    ProofStep,
    SignFact,
)
from convexity_proofs._values import Domain
from convexity_proofs.functions import NON_SMOOTH_HEADS, is_smooth
from convexity_proofs.kernel import intervals as _intervals
from convexity_proofs.kernel.psd import definiteness
from convexity_proofs.provers.univariate import (
    MAX_PIECES,
    PiecewiseSign,
    rational_sign,
    sign_by_pieces,
    sign_fact,
    substituted_sign,
)

#: Quadratic forms over more variables than this are not expanded into a Poly.
MAX_QUADRATIC_VARIABLES = 200
#: Expressions larger than this (in operations) are not differentiated here.
MAX_OPS = 4000
#: Exponents are capped at this in degree bounds (a float; the bound is only compared).
_HUGE_EXPONENT = 2**53


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
            base, exponent = walk(node.args[0]), int(node.args[1])
            # float(exponent) overflows beyond 1e308: any such power is "too large".
            result = 0.0 if base == 0 else base * min(exponent, _HUGE_EXPONENT)
        else:
            # Any other function of the variables is not a polynomial.
            result = 0.0 if all(walk(a) == 0 for a in node.args) else float("inf")
        memo[node] = result
        return result

    try:
        return walk(expr)
    except RecursionError:
        return float("inf")


def non_polynomial_part(expr: sympy.Expr, symbols: frozenset[sympy.Symbol]) -> sympy.Expr | None:
    """The first subterm (preorder) that keeps ``expr`` from being a polynomial in
    ``symbols``: a function of them, or a power of them with an exponent that is not a
    nonnegative integer.  None when there is none (the degree is merely too high)."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if not node.free_symbols & symbols:
            continue
        if node.is_Add or node.is_Mul:
            stack.extend(reversed(node.args))
        elif node.is_Pow and node.exp.is_Integer and node.exp >= 0:
            stack.append(node.base)
        elif not node.is_Symbol:
            return node
    return None


def describe_term(node: sympy.Basic) -> str:
    """A subterm named for a reason: ``exp(...)``, ``the power x**(1/2)``."""
    if node.is_Pow:
        return f"the power {brief(node, 60)}"
    if node.args and not (node.is_Add or node.is_Mul):  # exp, Abs, Max, Piecewise, ...
        return f"{node.func.__name__}(...)"
    return brief(node, 60)


def _kink(expr: sympy.Expr) -> str | None:
    """Why ``expr`` is not smooth (its first abs/max/min/Piecewise/...), or None."""
    if is_smooth(expr):
        return None
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, NON_SMOOTH_HEADS):
            return f"it is not smooth (it contains {describe_term(node)})"
    return "it is not smooth"


@functools.lru_cache(maxsize=64)
def _quadratic_poly(expr: sympy.Expr, variables: tuple[sympy.Symbol, ...]) -> sympy.Poly | str:
    """``expr`` as a polynomial of degree <= 2 in the variables, or why it is not one."""
    bound = degree_bound(expr, frozenset(variables))
    if bound > 2:
        culprit = non_polynomial_part(expr, frozenset(variables))
        if culprit is not None:
            return f"not a polynomial in the variables (it contains {describe_term(culprit)})"
        return "its degree in the variables is above 2"
    try:
        poly = sympy.Poly(expr, *variables)
    except sympy.polys.polyerrors.BasePolynomialError:
        return "not a polynomial in the variables"
    degree = poly.total_degree()
    if degree > 2:
        return f"degree {degree} in the variables is above 2"
    for monom, coeff in poly.terms():
        if sum(monom) == 2 and not coeff.is_Rational:
            # A parameter in the Hessian: definiteness for all values is not decided here.
            names = sorted(str(s) for s in coeff.free_symbols)
            if names:
                return (
                    f"the Hessian depends on the parameters ({', '.join(names)}): "
                    "definiteness for every value is not decided here"
                )
            return f"the Hessian has an entry that is not a rational number ({brief(coeff, 40)})"
    return poly


def quadratic_applicability(f: sympy.Expr, variables: tuple[sympy.Symbol, ...]) -> str | None:
    """None when the constant-Hessian prover applies to ``f``; otherwise why not, as text.

    :func:`quadratic` returns None exactly when this gives a reason.  Structural only
    (the domains come in later, as a note); the expansion is cached, so asking first
    costs the prover nothing.
    """
    variables = tuple(variables)
    if not variables:
        return "there are no variables"  # an empty Hessian proves nothing
    if len(variables) > MAX_QUADRATIC_VARIABLES:
        return f"{len(variables)} variables are above the limit {MAX_QUADRATIC_VARIABLES}"
    kink = _kink(f)
    if kink is not None:
        return kink
    poly = _quadratic_poly(f, variables)
    return poly if isinstance(poly, str) else None


def quadratic(
    expr: sympy.Expr, variables: tuple[sympy.Symbol, ...], domains: Mapping[sympy.Symbol, Domain]
) -> SecondOrderResult | None:
    """Decide a function of degree <= 2 in the variables with numeric Hessian."""
    variables = tuple(variables)
    if quadratic_applicability(expr, variables) is not None:
        return None
    poly = _quadratic_poly(expr, variables)  # cached by the check above
    if isinstance(poly, str):
        return None
    # The coefficients (functions of the parameters) must be defined on the domain.
    for coeff in poly.coeffs():
        if _intervals.defined(coeff, domains) is not True:
            return SecondOrderResult(
                None,
                None,
                None,
                note=f"the coefficient {brief(coeff, 60)} is not proved defined on the domain",
            )
    defined = defined_fact(expr, domains)
    if defined is None:
        return SecondOrderResult(None, None, None, note=_NOT_DEFINED)
    n = len(variables)
    hessian = [[Fraction(0)] * n for _ in range(n)]
    for monom, coeff in poly.terms():
        if sum(monom) != 2:
            continue
        c = Fraction(int(coeff.p), int(coeff.q))
        idx = [i for i, e in enumerate(monom) for _ in range(e)]
        i, j = idx
        if i == j:
            hessian[i][i] += 2 * c
        else:
            hessian[i][j] += c
            hessian[j][i] += c
    result = definiteness(hessian)
    if not result.psd:
        direction = dict(zip(variables, result.negative_direction or (), strict=True))
        return SecondOrderResult(
            False,
            False,
            None,
            negative_direction=direction,
            note="the constant Hessian has a negative direction",
        )
    factors = result.factors
    if factors is None:  # unreachable: a PSD answer carries its checked factors
        return SecondOrderResult(None, None, None, note="no LDLᵀ factors")
    fact = HessianFact(
        variables=variables,
        matrix=tuple(tuple(row) for row in hessian),
        order=factors.order,
        lower=factors.lower,
        pivots=factors.pivots,
    )
    step = ProofStep(
        rule="constant-hessian",
        subject=expr,
        conclusion="strictly-convex" if result.pd else "convex",
        facts=(fact, defined),
    )
    flat = None
    if not result.pd and result.zero_direction is not None:
        flat = dict(zip(variables, result.zero_direction, strict=True))
    return SecondOrderResult(True, result.pd, step, flat_direction=flat)


@functools.lru_cache(maxsize=64)
def operation_count(expr: sympy.Expr) -> int:
    """``sympy.count_ops`` of ``expr`` (cached: the provers ask before differentiating)."""
    return int(sympy.count_ops(expr, visual=False))


@functools.lru_cache(maxsize=64)
def _second_derivative(expr: sympy.Expr, x: sympy.Symbol) -> sympy.Expr:
    return sympy.diff(expr, x, 2)


def univariate_applicability(f: sympy.Expr, variables: tuple[sympy.Symbol, ...]) -> str | None:
    """None when the second-derivative prover applies to ``f``; otherwise why not.

    :func:`univariate` returns None exactly when this gives a reason.  Structural only:
    one variable, smooth, not too large, and a closed-form smooth f''.  (Whether f is
    defined on the domain and the sign of f'' are what the prover then establishes.)
    The second derivative is cached, so asking first costs the prover nothing.
    """
    variables = tuple(variables)
    if len(variables) != 1:
        return f"it needs exactly one variable, not {len(variables)}"
    kink = _kink(f)
    if kink is not None:
        return kink
    ops = operation_count(f)
    if ops > MAX_OPS:
        return f"the function has {ops} operations, above the limit {MAX_OPS}"
    second = _second_derivative(f, variables[0])
    if second.has(sympy.Derivative, sympy.Subs):
        return "its second derivative has no closed form"
    kink = _kink(second)
    if kink is not None:
        return "its second derivative " + kink.removeprefix("it ")
    return None


def univariate(
    expr: sympy.Expr,
    variables: tuple[sympy.Symbol, ...],
    domains: Mapping[sympy.Symbol, Domain],
    *,
    max_pieces: int = MAX_PIECES,
) -> SecondOrderResult | None:
    """Prove f'' >= 0 (or > 0) on the domain for a function of one variable.

    ``max_pieces``: the budget of :func:`sign_by_pieces` (0: no subdivision, no tails);
    callers that try many subterms pass a small one.
    """
    variables = tuple(variables)
    if univariate_applicability(expr, variables) is not None:
        return None
    (x,) = variables
    defined = defined_fact(expr, domains)
    if defined is None:
        return SecondOrderResult(None, None, None, note=_NOT_DEFINED)
    second = _second_derivative(expr, x)
    shown = brief(second, 120)
    parameters = second.free_symbols - {x}
    exact = None
    if not parameters:
        domain = domains.get(x) or _real()
        exact = rational_sign(second, x, domain)
        if exact is not None and exact.nonnegative is True:
            fact = sign_fact(exact, x, second, domain)
            step = ProofStep(
                rule="second-derivative-exact",
                subject=expr,
                conclusion="strictly-convex" if exact.isolated_zeros else "convex",
                facts=(fact, defined),
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
    try:
        enclosure = _intervals.range_of(second, domains)
    except _intervals.Undefined:
        enclosure = None
    if enclosure is not None and enclosure.is_positive():
        step = ProofStep(
            rule="second-derivative-intervals",
            subject=expr,
            conclusion="strictly-convex",
            facts=(SignFact(second, "positive", enclosure), defined),
        )
        return SecondOrderResult(True, True, step)
    # Beyond one enclosure: exactly after u = exp(x/q) (strictness too), then piece by
    # piece with monotone tails.  A nonnegative whole-box enclosure is the fallback.
    if not parameters:
        substituted = substituted_sign(second, x, domains)
        if substituted is not None:
            strict = substituted.decided.isolated_zeros
            step = ProofStep(
                rule="second-derivative-substitution",
                subject=expr,
                conclusion="strictly-convex" if strict else "convex",
                facts=(*substituted.facts(second, x), defined),
            )
            return SecondOrderResult(True, strict, step)
    if enclosure is not None and enclosure.is_nonnegative():
        step = ProofStep(
            rule="second-derivative-intervals",
            subject=expr,
            conclusion="convex",
            facts=(SignFact(second, "nonnegative", enclosure), defined),
        )
        return SecondOrderResult(True, None, step)
    pieces = sign_by_pieces(second, x, domains, max_pieces=max_pieces) if max_pieces > 0 else None
    if pieces is not None:
        return SecondOrderResult(
            True, pieces.strict or None, _pieces_step(expr, second, pieces, defined)
        )
    why = f"interval analysis could not establish f'' = {shown} >= 0 on the domain"
    if exact is not None:
        why += f" (exact method: {exact.reason})"
    return SecondOrderResult(None, None, None, note=why)


def _pieces_step(
    expr: sympy.Expr, second: sympy.Expr, shown: PiecewiseSign, defined: DefinedFact
) -> ProofStep:
    """The ``second-derivative-subdivision`` step of :func:`sign_by_pieces`'s answer."""
    facts: list[Fact] = []
    if shown.pieces:
        hull = shown.pieces[0].enclosure
        for piece in shown.pieces[1:]:
            hull = hull.union(piece.enclosure)
        sign = "positive" if hull.is_positive() else "nonnegative"
        facts.append(SignFact(second, sign, hull, shown.pieces))
    facts.extend(shown.tails)
    return ProofStep(
        rule="second-derivative-subdivision",
        subject=expr,
        conclusion="strictly-convex" if shown.strict else "convex",
        facts=(*facts, defined),
    )


_NOT_DEFINED = "f is not proved defined on the whole domain"


def defined_fact(expr: sympy.Expr, domains: Mapping[sympy.Symbol, Domain]) -> DefinedFact | None:
    """The enclosure that shows ``expr`` defined on the whole box, or None."""
    try:
        return DefinedFact(expr, _intervals.range_of(expr, domains))
    except _intervals.Undefined:
        return None


def _real() -> Domain:
    from convexity_proofs._values import REAL

    return REAL
