"""Signs of polynomials read off their coefficients, and Hessians as rational functions.

Two deterministic computations that a prover and a certificate checker both run:

* **Signs by coefficients.**  A polynomial whose coefficients are all >= 0 is >= 0
  wherever every generator is >= 0, and > 0 wherever, in addition, one monomial with a
  positive coefficient has all its generators > 0 (the constant term needs none).  A
  generator that is not >= 0 on the box is first *shifted*: g = a + t (a <= the box's
  lower end, so t >= 0 there) or g = a - t (a >= the upper end).  :func:`coefficient_sign`
  computes the sign this shows on a box; :func:`positive_coefficients` is the plain
  statement on the positive orthant, for a rational function.
* **The rational Hessian.**  :func:`rational_hessian` writes the Hessian entries of a
  function as elements of the field QQ(generators), after one exponential substitution
  (:func:`~convexity_proofs.kernel.substitution.exponential_substitution`) shared by all
  the entries, so that ``exp(x)``, ``exp(2*x)`` and ``exp(x + y)`` become powers of the
  same positive symbols ``_u_x``, ``_u_y``.  Minors are then exact rational functions,
  computed in the field without any expression simplification.

Nothing here searches: every function answers from its arguments alone, the same way
every time, and bounds its own work (it returns None rather than expand something
large).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import sympy
from sympy import QQ
from sympy.polys.fields import FracElement, FracField
from sympy.polys.fields import field as fraction_field
from sympy.polys.polyerrors import BasePolynomialError
from sympy.polys.rings import PolyElement
from sympy.polys.rings import ring as polynomial_ring

from convexity_proofs._values import Domain
from convexity_proofs.kernel.intervals import Interval
from convexity_proofs.kernel.substitution import exponential_substitution

__all__ = [
    "MAX_SHIFTED_TERMS",
    "RationalHessian",
    "coefficient_sign",
    "fraction_of",
    "positive_coefficients",
    "rational_hessian",
    "shift_valid",
]

#: A shifted polynomial could have at most this many terms (prod of (degree + 1)), else
#: no sign is read from it.
MAX_SHIFTED_TERMS = 20_000
#: Entries of a rational Hessian: at most this many tree nodes each before conversion,
#: integer exponents at most this large, and at most this many terms in the field.
MAX_ENTRY_NODES = 3000
MAX_ENTRY_EXPONENT = 64
MAX_ENTRY_TERMS = 400


# --- signs by coefficients --------------------------------------------------------------


def shift_valid(domain: Domain, offset: Fraction, direction: int) -> tuple[bool, bool]:
    """(t >= 0 on the domain, t > 0 on the domain) for g = offset + direction·t."""
    if direction == 1:
        if domain.lo is None or offset > domain.lo:
            return False, False
        return True, offset < domain.lo or domain.lo_open
    if direction == -1:
        if domain.hi is None or offset < domain.hi:
            return False, False
        return True, offset > domain.hi or domain.hi_open
    return False, False


def _contains_zero(d: Domain) -> bool:
    return d.contains(Fraction(0))


def _as_ring_poly(
    poly: sympy.Poly, generators: Sequence[sympy.Symbol]
) -> tuple[PolyElement, tuple[PolyElement, ...]] | None:
    ring, *gens = polynomial_ring(tuple(generators), QQ)
    try:
        converted = ring.from_dict({tuple(m): QQ.convert(c) for m, c in poly.terms()})
    except (BasePolynomialError, TypeError, ValueError):
        return None
    return converted, tuple(gens)


def coefficient_sign(
    poly: sympy.Poly,
    shifts: Mapping[sympy.Symbol, tuple[Fraction, int]],
    box: Mapping[sympy.Symbol, Domain],
) -> str | None:
    """The sign of ``poly`` on ``box`` that its coefficients show after the ``shifts``.

    ``poly`` is a polynomial over QQ in its generators (``poly.gens``); ``shifts`` maps
    a generator g to (a, d) for g = a + d·t (d = 1 or -1); a generator without one is
    unshifted (a = 0, d = 1).  Every generator that occurs in ``poly`` must have t >= 0
    on the box (its domain there; a symbol without one is real), or be unshifted and
    occur in even powers only (then t = g, each g**(2k) >= 0, > 0 when the domain
    excludes 0), else None.  After the
    substitution (t taking g's place), with all coefficients >= 0 the answer is
    "nonnegative", and "positive" when some monomial with a positive coefficient has
    t > 0 on the box for each of its generators; all coefficients <= 0 gives
    "nonpositive" / "negative" the same way; the zero polynomial gives "zero".  None
    when the coefficients have both signs, or the shifted polynomial would be too large.
    """
    gens = tuple(poly.gens)
    if poly.is_zero:
        return "zero"
    occurring = [i for i in range(len(gens)) if any(m[i] for m in poly.monoms())]
    strictly: dict[int, bool] = {}
    for i in occurring:
        g = gens[i]
        domain = box.get(g, Domain())
        offset, direction = shifts.get(g, (Fraction(0), 1))
        ok, strict = shift_valid(domain, Fraction(offset), direction)
        if not ok and g not in shifts and all(m[i] % 2 == 0 for m in poly.monoms()):
            # Only even powers of g: each monomial's factor g**(2k) is >= 0 anyway, and
            # > 0 where g != 0.
            ok, strict = True, not _contains_zero(domain)
        if not ok:
            return None
        strictly[i] = strict
    degrees = poly.degree_list()
    if math.prod(d + 1 for d in degrees) > MAX_SHIFTED_TERMS:
        return None
    converted = _as_ring_poly(poly, gens)
    if converted is None:
        return None
    p, ring_gens = converted
    replacements = []
    for i in occurring:
        offset, direction = shifts.get(gens[i], (Fraction(0), 1))
        if (Fraction(offset), direction) != (Fraction(0), 1):
            q = Fraction(offset)
            replacements.append(
                (ring_gens[i], QQ(q.numerator, q.denominator) + direction * ring_gens[i])
            )
    if replacements:
        p = p.compose(replacements)
    terms = list(p.terms())
    if not terms:
        return "zero"
    if all(c >= 0 for _, c in terms):
        sign, strong = "nonnegative", "positive"
    elif all(c <= 0 for _, c in terms):
        sign, strong = "nonpositive", "negative"
    else:
        return None
    for monom, c in terms:
        if c != 0 and all(strictly.get(i, False) for i, e in enumerate(monom) if e):
            return strong
    return sign


def fraction_of(
    expr: sympy.Expr, generators: Sequence[sympy.Symbol]
) -> tuple[sympy.Poly, sympy.Poly] | None:
    """``expr`` = P/Q with P, Q polynomials over QQ in ``generators``
    (``cancel(together(expr))``), or None when it is not such a rational function."""
    gens = tuple(generators)
    try:
        num, den = sympy.fraction(sympy.cancel(sympy.together(expr)))
        p = sympy.Poly(num, *gens, domain=QQ)
        q = sympy.Poly(den, *gens, domain=QQ)
    except (BasePolynomialError, ValueError, TypeError):
        return None
    if q.is_zero:
        return None
    return p, q


def positive_coefficients(expr: sympy.Expr, positive_symbols: Sequence[sympy.Symbol]) -> bool:
    """True when ``cancel(together(expr))`` = P/Q with P and Q polynomials over QQ in
    ``positive_symbols``, each with every coefficient >= 0 and one > 0 (or every
    coefficient <= 0 and one < 0, for both).

    What it proves: P/Q > 0 at every point where all ``positive_symbols`` are > 0 (the
    open positive orthant), strictly, and Q != 0 there; so ``expr`` > 0 at every such
    point where ``expr`` itself is defined (``cancel`` may remove a common factor, and
    says nothing about where the written expression is defined).  It proves nothing
    on the boundary of the orthant.  False (no answer) otherwise, never "negative".
    """
    parts = fraction_of(expr, positive_symbols)
    if parts is None:
        return False
    open_orthant = {s: Domain(lo=Fraction(0), lo_open=True) for s in positive_symbols}
    signs = [coefficient_sign(part, {}, open_orthant) for part in parts]
    return signs in (["positive", "positive"], ["negative", "negative"])


# --- the rational Hessian ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RationalHessian:
    """Hessian entries as elements of QQ(``generators``).

    ``entries`` are the upper triangle row by row (i <= j), each equal to the written
    entry under ``definitions`` (``(_u_x, exp(x/q))``, ``(_s_x, x**(1/q))``; the new
    symbols are plain real symbols here, as certificates write them) wherever the
    written entry is defined.  ``bounds`` enclose each new symbol's range on the domains
    the substitution was computed for.  ``generators``: the variables, then the other
    symbols of the entries (parameters) sorted by name, then the new symbols.
    """

    field: FracField
    generators: tuple[sympy.Symbol, ...]
    entries: tuple[FracElement, ...]
    definitions: tuple[tuple[sympy.Symbol, sympy.Expr], ...]
    bounds: tuple[tuple[sympy.Symbol, Interval], ...]

    def entry(self, i: int, j: int, n: int) -> FracElement:
        """Entry (i, j) of the n×n matrix (symmetric)."""
        a, b = min(i, j), max(i, j)
        return self.entries[a * n - a * (a - 1) // 2 + (b - a)]


def _bounded(expr: sympy.Expr) -> bool:
    """Few nodes and small integer exponents: safe to convert into a field."""
    count = 0
    for node in sympy.preorder_traversal(expr):
        count += 1
        if count > MAX_ENTRY_NODES:
            return False
        if isinstance(node, sympy.Pow) and node.exp.is_Integer:
            if abs(int(node.exp)) > MAX_ENTRY_EXPONENT:
                return False
    return True


def _weights(k: int, taken: set[str]) -> tuple[sympy.Symbol, ...]:
    """Fresh symbols _t0, _t1, ... (a claim's names never start with _)."""
    prefix = "_t"
    while any(f"{prefix}{i}" in taken for i in range(k)):
        prefix += "_"
    return tuple(sympy.Symbol(f"{prefix}{i}", real=True) for i in range(k))


def _linear_parts(total: sympy.Expr, weights: tuple[sympy.Symbol, ...]) -> list[sympy.Expr] | None:
    """The coefficients e_k of Σ t_k·e_k: each term of the sum holds exactly one t_k, as a
    factor (None otherwise).  A structural split, much cheaper than diff in each t_k."""
    index = {w: k for k, w in enumerate(weights)}
    parts: list[list[sympy.Expr]] = [[] for _ in weights]
    for term in sympy.Add.make_args(total):
        factors = sympy.Mul.make_args(term)
        found = [f for f in factors if f in index]
        if len(found) != 1 or any(f.has(*weights) for f in factors if f is not found[0]):
            return None
        rest = [f for f in factors if f is not found[0]]
        parts[index[found[0]]].append(sympy.Mul(*rest))
    return [sympy.Add(*p) for p in parts]


def rational_hessian(
    entries: Sequence[sympy.Expr],
    variables: Sequence[sympy.Symbol],
    domains: Mapping[sympy.Symbol, Domain],
) -> RationalHessian | None:
    """The entries (upper triangle) as rational functions over QQ, or None.

    One exponential substitution serves all entries: it is computed for the weighted
    sum Σ t_k·entry_k with fresh symbols t_k (coefficients to the substitution, so the
    scales q of every variable are the lcm over all the entries), and entry k is read
    back as the coefficient of t_k in the result (every term holds exactly one t_k, as a
    factor; otherwise None).  None
    when the substitution does not make every entry rational, a coefficient is not a
    rational number (``E``, ``sqrt(2)``, ``exp`` of a parameter), or an entry is too
    large.
    """
    variables = tuple(variables)
    entries = tuple(entries)
    if not all(_bounded(e) for e in entries):
        return None
    taken = {s.name for e in entries for s in e.free_symbols}
    weights = _weights(len(entries), taken)
    total = sympy.Add(*(w * e for w, e in zip(weights, entries, strict=True)))
    sub = exponential_substitution(total, variables, domains)
    if sub is None:
        return None
    renaming = {s: sympy.Symbol(s.name, real=True) for s in sub.symbols}
    result = sub.result.xreplace(renaming) if renaming else sub.result
    rational = _linear_parts(result, weights)
    if rational is None:
        return None
    new = tuple(renaming[s] for s in sub.symbols)
    others = set().union(*(e.free_symbols for e in rational)) - set(variables) - set(new)
    generators = variables + tuple(sorted(others, key=lambda s: s.name)) + new
    if len(set(generators)) != len(generators):
        return None
    K = fraction_field(generators, QQ)[0]
    converted = []
    for e in rational:
        if not _bounded(e):
            return None
        try:
            element = K(e)
        except (BasePolynomialError, ValueError, TypeError, ZeroDivisionError):
            return None
        if len(element.numer) + len(element.denom) > MAX_ENTRY_TERMS:
            return None
        converted.append(element)
    definitions = tuple((renaming[s], d) for s, d in sub.definitions)
    bounds = tuple((renaming[s], b) for s, b in sub.bounds)
    return RationalHessian(K, generators, tuple(converted), definitions, bounds)
