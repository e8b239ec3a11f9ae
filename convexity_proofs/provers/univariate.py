"""The exact sign of a univariate rational function on an interval.

When f'' is a rational function of x with rational coefficients, "f'' >= 0 on the
domain" is decidable with exact arithmetic: a polynomial can change sign only at a root
of odd multiplicity, and Sturm sequences count the real roots of a polynomial in an
interval exactly.  So: write f'' = P/Q, note sign(P/Q) = sign(P·Q) wherever Q != 0,
and check that no odd-multiplicity factor of P·Q has a root inside the domain; then one
exact evaluation at a point where P·Q != 0 gives the sign everywhere.  If such a root
exists, P·Q changes sign there, and we find an exact rational point where it is < 0.

No floating point takes part in any decision here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy
from sympy import QQ, Poly, Rational
from sympy.polys.polyerrors import CoercionFailed, PolynomialError

from convexity_proofs._proof import UnivariateSignFact
from convexity_proofs._values import Domain
from convexity_proofs.kernel.intervals import from_domain

__all__ = ["SignOnInterval", "rational_sign", "sign_fact"]

#: Larger exponents make the polynomials too big to be worth the exact route.
_MAX_EXPONENT = 512
#: Refinement levels (bits) for the search of a point where the expression is negative.
_REFINE_BITS = (4, 16, 64, 256)


@dataclass(frozen=True, slots=True)
class SignOnInterval:
    """What is known about ``expr >= 0`` on the domain.

    ``nonnegative``: True when proved >= 0 at every point of the domain (the expression
    is then also proved defined there: every denominator is nonzero on the domain);
    False when ``counterexample`` is an exact point of the domain where expr < 0;
    None when it cannot say (``reason`` says why).
    ``isolated_zeros``: the numerator is a nonzero polynomial, so expr vanishes at
    finitely many points only; with ``nonnegative`` True and expr = f'' this makes f
    strictly convex.

    When ``nonnegative`` is True, the data of the decision (what a certificate records
    and a checker re-derives): ``numerator``/``denominator`` the coefficients over QQ of
    P and Q (highest degree first), ``poles`` the number of roots in the domain of each
    denominator base (all 0), ``roots`` the number of interior roots of each square-free
    factor of odd multiplicity of P·Q (all 0), and ``sample`` an interior point where
    P/Q > 0 (None when P = 0).
    """

    nonnegative: bool | None
    isolated_zeros: bool
    counterexample: Fraction | None
    reason: str
    numerator: tuple[Fraction, ...] = ()
    denominator: tuple[Fraction, ...] = ()
    poles: tuple[int, ...] = ()
    roots: tuple[int, ...] = ()
    sample: Fraction | None = None


def rational_sign(expr: sympy.Expr, x: sympy.Symbol, domain: Domain) -> SignOnInterval | None:
    """Decide the sign of a rational function of ``x`` on ``domain`` exactly.

    Returns None when ``expr`` is not a rational function of ``x`` with rational
    coefficients.  Otherwise a :class:`SignOnInterval`, whose ``nonnegative`` is None
    when some denominator vanishes in the domain, the domain has empty interior, or no
    negative point could be pinned down.
    """
    expr = sympy.sympify(expr, strict=True)  # strict: numbers and SymPy objects, never text
    try:
        bases = _denominator_bases(expr, x)
        num, den = _as_fraction(expr, x)
    except _NotRational:
        return None
    except _TooLarge:
        return SignOnInterval(None, False, None, "exponents too large for the exact method")
    isolated = not num.is_zero
    if domain.lo is not None and domain.hi is not None and domain.lo >= domain.hi:
        return SignOnInterval(None, isolated, None, "the domain has empty interior")
    for base in bases:
        where = _root_in_domain(base, domain)
        if where is not None:
            return SignOnInterval(
                None, isolated, None, f"denominator {base.as_expr()} vanishes {where}"
            )
    data: dict[str, Any] = {
        "numerator": _coefficients(num),
        "denominator": _coefficients(den),
        "poles": tuple(0 for _ in bases),  # each base was shown root-free just above
    }
    if num.is_zero:
        return SignOnInterval(True, False, None, "the expression is identically zero", **data)
    result = _sign(num, den, domain, isolated)
    if result.nonnegative is True:
        result = dataclasses.replace(result, **data)
    q = result.counterexample
    if q is not None and not (domain.contains_interior(q) and _negative_at(expr, x, q)):
        # Defense in depth: a refutation must survive substitution into the original.
        return SignOnInterval(None, isolated, None, "internal check of the negative point failed")
    return result


def sign_fact(
    decided: SignOnInterval, x: sympy.Symbol, expr: sympy.Expr, domain: Domain
) -> UnivariateSignFact:
    """The proof data of a decision ``decided.nonnegative is True`` of
    :func:`rational_sign` for ``expr`` in ``x`` on ``domain``: what a certificate records
    and the checker re-derives."""
    return UnivariateSignFact(
        variable=x,
        expression=expr,
        numerator=decided.numerator,
        denominator=decided.denominator,
        interval=from_domain(domain),
        poles=decided.poles,
        roots=decided.roots,
        sample=decided.sample,
    )


def _negative_at(expr: sympy.Expr, x: sympy.Symbol, q: Fraction) -> bool:
    value = expr.subs(x, Rational(q.numerator, q.denominator))
    return bool(value.is_Rational and value < 0)


# --- shape checks ---------------------------------------------------------------------


class _NotRational(Exception):
    """The expression is not a rational function of x with rational coefficients."""


class _TooLarge(Exception):
    """An exponent too large for exact polynomial arithmetic to be worthwhile."""


def _denominator_bases(expr: sympy.Expr, x: sympy.Symbol) -> list[Poly]:
    """Numerators of every base raised to a negative power (raises _NotRational if not
    a rational function of x with rational coefficients).

    Checking these (rather than only the denominator left after cancelling) is
    deliberately stricter: x**2/x is undefined at 0 even though it cancels to x.

    The whole expression is checked before any base becomes a polynomial over QQ:
    converting first raised SymPy's ``CoercionFailed`` on a base such as ``x**2 + pi``
    and ``PolynomialError`` on one such as ``x**(1/9) + 1``.
    """
    negative: list[sympy.Expr] = []
    stack = [expr]
    while stack:
        node = stack.pop()
        if node == x or node.is_Rational:
            continue
        if isinstance(node, sympy.Add | sympy.Mul):
            stack.extend(node.args)
            continue
        if isinstance(node, sympy.Pow) and node.exp.is_Integer:
            if abs(int(node.exp)) > _MAX_EXPONENT:
                raise _TooLarge
            stack.append(node.base)
            if node.exp < 0:
                negative.append(node.base)
            continue
        raise _NotRational
    return [_as_fraction(base, x)[0].sqf_part() for base in negative]


def _as_fraction(expr: sympy.Expr, x: sympy.Symbol) -> tuple[Poly, Poly]:
    """Numerator and denominator over QQ of a checked rational function of ``x``."""
    num, den = sympy.fraction(sympy.cancel(sympy.together(expr)))
    try:
        return Poly(num, x, domain=QQ), Poly(den, x, domain=QQ)
    except (CoercionFailed, PolynomialError):
        # Unreachable after _denominator_bases (kept so that no shape SymPy's
        # simplification might produce can abort a run): not a rational function.
        raise _NotRational from None


# --- root location --------------------------------------------------------------------


def _bound(q: Fraction | None) -> Rational | None:
    return None if q is None else Rational(q.numerator, q.denominator)


def _describe_domain(domain: Domain) -> str:
    left = "(-oo" if domain.lo is None else ("(" if domain.lo_open else "[") + str(domain.lo)
    right = "oo)" if domain.hi is None else str(domain.hi) + (")" if domain.hi_open else "]")
    return f"{left}, {right}"


def _coefficients(poly: Poly) -> tuple[Fraction, ...]:
    """The coefficients over QQ, highest degree first (the zero polynomial: (0,))."""
    return tuple(Fraction(int(c.p), int(c.q)) for c in poly.all_coeffs())


def _value(poly: Poly, q: Fraction) -> Fraction:
    r = poly.eval(Rational(q.numerator, q.denominator))
    return Fraction(int(r.p), int(r.q))


def _interior_roots(poly: Poly, domain: Domain) -> int:
    """Number of distinct real roots of poly in the open interval (lo, hi), by Sturm."""
    if poly.is_zero:
        raise ValueError("the zero polynomial has roots everywhere")
    count = int(poly.count_roots(_bound(domain.lo), _bound(domain.hi)))  # closed [lo, hi]
    for end in (domain.lo, domain.hi):
        if end is not None and _value(poly, end) == 0:
            count -= 1
    return count


def _root_in_domain(poly: Poly, domain: Domain) -> str | None:
    """Where poly vanishes in the domain (closed ends included when the domain has them)."""
    if poly.is_zero:
        return "identically"
    for end, is_open in ((domain.lo, domain.lo_open), (domain.hi, domain.hi_open)):
        if end is not None and not is_open and _value(poly, end) == 0:
            return f"at x = {end}"
    if _interior_roots(poly, domain) > 0:
        return f"inside {_describe_domain(domain)}"
    return None


# --- the sign -------------------------------------------------------------------------


def _sign(num: Poly, den: Poly, domain: Domain, isolated: bool) -> SignOnInterval:
    """Sign of P/Q on the domain, given that Q has no root in it: the sign of P·Q."""
    product = num * den
    _, factors = product.sqf_list()
    odd = [(f, _interior_roots(f, domain)) for f, mult in factors if mult % 2 == 1]
    crossing = [f for f, count in odd if count > 0]
    where = _describe_domain(domain)
    if not crossing:
        # Each odd factor has constant sign on the (connected) interior and even factors
        # are >= 0, so P·Q has one sign there, up to zeros; the closed ends follow by
        # continuity (Q != 0 there).  One nonzero value tells which sign.
        point, _ = _nonzero_sample(product, domain)
        value = _value(num, point) / _value(den, point)
        if value > 0:
            return SignOnInterval(
                True,
                isolated,
                None,
                f"square-free factors with odd multiplicity have no roots in {where} "
                f"(Sturm); value {value} at x = {point}",
                roots=tuple(count for _, count in odd),
                sample=point,
            )
        return SignOnInterval(
            False, isolated, point, f"value {value} < 0 at x = {point} in {where}"
        )
    negative = _negative_point(product, domain)
    if negative is None:
        return SignOnInterval(
            None, isolated, None, f"changes sign in {where} but no negative point was pinned down"
        )
    return SignOnInterval(
        False,
        isolated,
        negative,
        f"factor {crossing[0].as_expr()} has odd multiplicity and a root in {where}; "
        f"the expression is negative at x = {negative}",
    )


def _candidates(domain: Domain) -> Iterator[Fraction]:
    """Distinct rational points of the interior, nice ones first; endless."""
    lo, hi = domain.lo, domain.hi
    if lo is not None and hi is not None:
        yield (lo + hi) / 2
        for q in (Fraction(0), Fraction(1), Fraction(-1)):
            if lo < q < hi:
                yield q
        n = 3
        while True:
            for k in range(1, n):
                yield lo + (hi - lo) * k / n
            n += 1
    else:
        for q in (Fraction(0), Fraction(1), Fraction(-1)):
            if domain.contains_interior(q):
                yield q
        k = 1
        while True:
            if lo is not None:
                yield lo + Fraction(1, k + 1)
                yield lo + k
            elif hi is not None:
                yield hi - Fraction(1, k + 1)
                yield hi - k
            else:
                yield Fraction(k + 1)
                yield Fraction(-k - 1)
            k += 1


def _nonzero_sample(poly: Poly, domain: Domain) -> tuple[Fraction, Fraction]:
    """An interior point where the nonzero polynomial does not vanish, with its value.

    A nonzero polynomial of degree d has at most d roots, so among the distinct
    candidates one of the first d + 1 (after repeats) works.
    """
    seen: set[Fraction] = set()
    for q in _candidates(domain):
        if q in seen or not domain.contains_interior(q):
            continue
        seen.add(q)
        value = _value(poly, q)
        if value != 0:
            return q, value
    raise AssertionError("unreachable: a nonzero polynomial has finitely many roots")


def _negative_point(poly: Poly, domain: Domain) -> Fraction | None:
    """An exact interior point where poly < 0, when poly changes sign inside the domain.

    Around every root of the square-free part, the ends of a refined isolating interval
    (and points just beyond) sample each sign region between consecutive roots; near the
    domain's ends we also sample just inside.  Refine until one sample is negative.
    """
    sqf = poly.sqf_part()
    for bits in _REFINE_BITS:
        eps = Rational(1, 2**bits)
        samples: list[Fraction] = []
        for (a, b), _ in sqf.intervals(eps=eps, inf=_bound(domain.lo), sup=_bound(domain.hi)):
            fa, fb = Fraction(int(a.p), int(a.q)), Fraction(int(b.p), int(b.q))
            step = Fraction(1, 2**bits)
            samples += [fa - step, fa, fb, fb + step]
        for end, direction in ((domain.lo, 1), (domain.hi, -1)):
            if end is not None:
                samples.append(end + direction * Fraction(1, 2**bits))
        for q in samples:
            if domain.contains_interior(q) and _value(poly, q) < 0:
                return q
    return None
