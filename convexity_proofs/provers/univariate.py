"""The sign of one variable's expression on an interval: exactly for rational functions,
after a substitution u = exp(x/q) for exponential ones, piece by piece otherwise.

When f'' is a rational function of x with rational coefficients, "f'' >= 0 on the
domain" is decidable with exact arithmetic: a polynomial can change sign only at a root
of odd multiplicity, and Sturm sequences count the real roots of a polynomial in an
interval exactly.  So: write f'' = P/Q, note sign(P/Q) = sign(P·Q) wherever Q != 0,
and check that no odd-multiplicity factor of P·Q has a root inside the domain; then one
exact evaluation at a point where P·Q != 0 gives the sign everywhere.  If such a root
exists, P·Q changes sign there, and we find an exact rational point where it is < 0.

Beyond rational functions (:func:`substituted_sign`, :func:`sign_by_pieces`):

* when the substitution u = exp(x/q) or s = x**(1/q) of
  :mod:`convexity_proofs.kernel.substitution` turns the expression into a rational
  function of u alone, the exact method decides it on an enclosure of the range of u
  (a superset of the values u takes, so "nonnegative" there is sound);
* otherwise a bounded domain is subdivided until the kernel's enclosure shows the sign
  on every piece, and on a half-line a monotone bound handles the tail: if the
  derivatives of orders j < k are >= 0 at a cut point c (times (-1)**j on a left tail)
  and the one of order k on the whole tail, the expression is >= its value at c there.

No floating point takes part in any decision here.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy
from sympy import QQ, Poly, Rational
from sympy.polys.polyerrors import CoercionFailed, PolynomialError

from convexity_proofs._proof import SubstitutionFact, TailFact, UnivariateSignFact
from convexity_proofs._values import Domain
from convexity_proofs.checker._size import MAX_DIFFERENTIATED_NODES
from convexity_proofs.kernel.intervals import Interval, Undefined, from_domain, range_of
from convexity_proofs.kernel.subdivision import Piece, node_count, subdivide_sign
from convexity_proofs.kernel.substitution import (
    Substitution,
    as_real,
    exponential_substitution,
    image_domain,
    negative_power_bases,
    nonzero_on,
)

__all__ = [
    "PiecewiseSign",
    "SignOnInterval",
    "SubstitutedSign",
    "rational_sign",
    "sign_by_pieces",
    "sign_fact",
    "substituted_sign",
]

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


# --- beyond rational functions: substitution, subdivision, monotone tails ---------------


@dataclass(frozen=True, slots=True)
class SubstitutedSign:
    """An exact sign decision of ``expr`` after the substitution ``symbol`` =
    ``definition`` (:func:`substituted_sign`): ``result`` and ``symbol`` are in the plain
    real form certificates write, ``domain`` the enclosure of the symbol's range."""

    substitution: Substitution
    symbol: sympy.Symbol
    definition: sympy.Expr
    result: sympy.Expr
    image: Interval
    decided: SignOnInterval

    def facts(
        self, expr: sympy.Expr, x: sympy.Symbol
    ) -> tuple[SubstitutionFact, UnivariateSignFact]:
        sub = SubstitutionFact(expr, x, self.symbol, self.definition, self.result, self.image)
        return sub, sign_fact(self.decided, self.symbol, self.result, image_domain(self.image))


def substituted_sign(
    expr: sympy.Expr, x: sympy.Symbol, domains: Mapping[sympy.Symbol, Domain]
) -> SubstitutedSign | None:
    """Decide ``expr >= 0`` on the domain of ``x`` through u = exp(x/q) or s = x**(1/q).

    Applies when the substitution (:func:`exponential_substitution`) has exactly one new
    symbol v and leaves a rational function of v alone, with rational coefficients, and
    every base of ``expr`` raised to a negative power is proved nonzero on the domain
    (:func:`nonzero_on`: ``expr`` is defined there).  Then the exact method decides the
    result on the enclosure of v's range; ``decided.nonnegative`` True proves
    ``expr >= 0`` on the domain (a superset is sound), with isolated zeros when the
    numerator is not 0 (v is strictly monotone in x).  A negative point of the result
    is no refutation (it may lie outside the true range).  None when it does not apply.
    """
    sub = exponential_substitution(expr, (x,), domains)
    if sub is None or len(sub.definitions) != 1:
        return None
    ((v, definition),) = sub.definitions
    image = sub.bounds[0][1]
    symbol = sympy.Symbol(v.name, real=True)
    result = as_real(sub)
    if result.free_symbols - {symbol}:
        return None
    decided = rational_sign(result, symbol, image_domain(image))
    if decided is None or decided.nonnegative is not True:
        return None
    if not all(nonzero_on(b, x, domains) for b in negative_power_bases(expr, frozenset({x}))):
        return None
    return SubstitutedSign(sub, symbol, definition, result, image, decided)


#: Pieces the subdivision of one variable's domain may use.
MAX_PIECES = 128
#: Expressions with this many nodes or more are not subdivided; below, the pieces times
#: the nodes stay under the budget (at least 16 pieces).
_MAX_PIECES_NODES = 3000
_PIECE_NODES_BUDGET = 40_000
#: Highest derivative order of a monotone tail bound.
MAX_TAIL_ORDER = 3
#: Cut points of the tails: this far from the domain's end (or from 0).
_TAIL_OFFSETS = (0, 1, 4, 16, 64)
#: Expressions larger than this (operations) get no tail bound, and derivatives of this
#: many nodes are not enclosed (their derivatives grow).
_MAX_TAIL_OPS = 300
_MAX_TAIL_NODES = 400


@dataclass(frozen=True, slots=True)
class PiecewiseSign:
    """``expr >= 0`` on the whole domain of x: ``pieces`` (boxes of x only, bounded or
    half-lines whose enclosure shows the sign) and ``tails`` (monotone bounds on
    half-lines) together cover it.  ``strict``: shown > 0 everywhere."""

    pieces: tuple[Piece, ...]
    tails: tuple[TailFact, ...]
    strict: bool


@functools.lru_cache(maxsize=256)
def operation_count(expr: sympy.Expr) -> int:
    return int(sympy.count_ops(expr, visual=False))


class _Derivatives:
    """g, g', g'', ... computed once each."""

    def __init__(self, g: sympy.Expr, x: sympy.Symbol) -> None:
        self.x = x
        self.items = [g]

    def __getitem__(self, j: int) -> sympy.Expr:
        while len(self.items) <= j:
            self.items.append(sympy.diff(self.items[-1], self.x))
        return self.items[j]


def _enclose(
    expr: sympy.Expr, domains: Mapping[sympy.Symbol, Domain], x: sympy.Symbol, d: Domain
) -> Interval | None:
    try:
        return range_of(expr, {**domains, x: d})
    except Undefined:
        return None


def _tail(
    derivatives: _Derivatives,
    x: sympy.Symbol,
    domains: Mapping[sympy.Symbol, Domain],
    side: str,
    cut: Fraction,
) -> Piece | TailFact | None:
    """g >= 0 on the tail at ``cut``: by its enclosure there (a Piece) or by a monotone
    bound of order 1..MAX_TAIL_ORDER (a TailFact)."""
    tail = (
        Domain(cut, None, False, True, "interval")
        if side == "right"
        else Domain(None, cut, True, False, "interval")
    )
    g = derivatives[0]
    whole = _enclose(g, domains, x, tail)
    if whole is not None and whole.is_nonnegative():
        return Piece(((x, tail),), whole)
    if (
        whole is None
        or operation_count(g) > _MAX_TAIL_OPS
        or node_count(g, MAX_DIFFERENTIATED_NODES) >= MAX_DIFFERENTIATED_NODES
    ):
        return None  # g not shown defined on the tail, or too large to differentiate
    point = Domain(cut, cut, False, False, "interval")
    values: list[Interval] = []
    sign = 1 if side == "right" else -1
    for k in range(1, MAX_TAIL_ORDER + 1):
        if node_count(derivatives[k], _MAX_TAIL_NODES) >= _MAX_TAIL_NODES:
            return None  # derivatives grow: enclosing them costs more than it helps
        if k > 1 and _enclose(derivatives[k - 1], domains, x, tail) is None:
            return None  # every derivative below the bound's order is defined on the tail
        value = _enclose(derivatives[k - 1], domains, x, point)
        if value is None or not (value if sign ** (k - 1) > 0 else -value).is_nonnegative():
            return None
        values.append(value)
        bound = _enclose(derivatives[k], domains, x, tail)
        if bound is None:
            return None  # a derivative not shown defined on the tail
        if (bound if sign**k > 0 else -bound).is_nonnegative():
            return TailFact(g, x, side, cut, tuple(values), bound)
    return None


def _first_tail(
    derivatives: _Derivatives,
    x: sympy.Symbol,
    domains: Mapping[sympy.Symbol, Domain],
    side: str,
    base: Fraction,
) -> Piece | TailFact | None:
    for offset in _TAIL_OFFSETS:
        cut = base + offset if side == "right" else base - offset
        found = _tail(derivatives, x, domains, side, cut)
        if found is not None:
            return found
    return None


def _cut(found: Piece | TailFact) -> tuple[Fraction, bool]:
    if isinstance(found, TailFact):
        return found.cut, found.values[0].is_positive()
    d = found.box[0][1]
    end = d.lo if d.hi is None else d.hi
    assert end is not None
    return end, found.enclosure.is_positive()


def sign_by_pieces(
    expr: sympy.Expr,
    x: sympy.Symbol,
    domains: Mapping[sympy.Symbol, Domain],
    *,
    max_pieces: int = MAX_PIECES,
) -> PiecewiseSign | None:
    """Show ``expr >= 0`` on the whole domain of x (parameters over their domains).

    A bounded domain is subdivided (:func:`subdivide_sign`, x only).  On an unbounded
    side, a tail at the first cut point that works (0, 1, 4, 16, 64 beyond the finite end
    or 0) is shown either by its enclosure, or by a monotone bound: the derivatives of
    g = ``expr`` of orders < k have the right sign at the cut and the one of order k on
    the whole tail (then g >= g(cut) >= 0 there); what lies between the tails and the
    domain's ends is subdivided.  None when a piece or a tail cannot be shown (or a
    piece shows ``expr`` < 0).
    """
    size = node_count(expr, _MAX_PIECES_NODES)
    if size >= _MAX_PIECES_NODES:
        return None
    # Each piece costs one enclosure of expr: fewer pieces for larger expressions.
    max_pieces = min(max_pieces, max(16, _PIECE_NODES_BUDGET // size))
    d = domains.get(x, Domain())
    derivatives = _Derivatives(expr, x)
    found: list[Piece | TailFact] = []
    lo, lo_open, hi, hi_open = d.lo, d.lo_open, d.hi, d.hi_open
    if d.hi is None:
        right = _first_tail(
            derivatives, x, domains, "right", d.lo if d.lo is not None else Fraction(0)
        )
        if right is None:
            return None
        found.append(right)
        hi, hi_open = _cut(right)[0], True
    if d.lo is None:
        left = _first_tail(
            derivatives, x, domains, "left", d.hi if d.hi is not None else Fraction(0)
        )
        if left is None:
            return None
        found.append(left)
        lo, lo_open = _cut(left)[0], True
    strict = all(_cut(f)[1] for f in found)
    pieces: tuple[Piece, ...] = ()
    assert lo is not None and hi is not None
    if lo < hi:
        # The tails are closed at their cuts, so the middle may be open there.
        middle = Domain(lo, hi, lo_open, hi_open, "interval")
        subdivided = subdivide_sign(
            expr,
            {**domains, x: middle},
            Interval.is_nonnegative,
            symbols=(x,),
            max_pieces=max_pieces,
            hopeless=Interval.is_negative,
        )
        if subdivided is None:
            return None
        pieces = subdivided
        strict = strict and all(p.enclosure.is_positive() for p in pieces)
    tail_pieces = tuple(f for f in found if isinstance(f, Piece))
    tails = tuple(f for f in found if isinstance(f, TailFact))
    return PiecewiseSign(pieces + tail_pieces, tails, strict)
