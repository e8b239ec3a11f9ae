"""Symbolic Hessians proved positive (semi)definite on the whole domain.

For a smooth function of a few variables that the composition rules cannot handle (a
harmonic mean, a log-determinant, a product of powers, a sum whose terms compensate each
other's curvature), the Hessian H is formed symbolically (``sympy.diff``) and shown

* positive definite, through Sylvester's criterion: the n leading principal minors are
  > 0 (n conditions); or
* positive semidefinite: all 2ⁿ − 1 principal minors are >= 0 (for n <= 4).

Each minor is an exact rational function: the entries are rewritten once with an
exponential substitution (``u = exp(x/q)``, ``s = x**(1/q)``,
:func:`convexity_proofs.kernel.positivity.rational_hessian`) into the field
QQ(variables, parameters, new symbols), where determinants are computed without any
expression simplification.  A minor N/D is then factored (``factor_list`` of N and D,
small polynomials only), and the sign of each factor on the box is shown by the
cheapest sound method that works:

1. the kernel's interval enclosure over the whole box;
2. its coefficients (all of one sign after shifting each generator to a bound of the
   box, :func:`~convexity_proofs.kernel.positivity.coefficient_sign`);
3. interval subdivision of a bounded box
   (:func:`~convexity_proofs.kernel.subdivision.subdivide_sign`);
4. z3 on the polynomial (one query asking for a point of the box where the sign fails;
   ``unsat`` is trusted, as for the ``polynomial-hessian`` rule).

Where the box is (what the conditions are shown on):

* ``interior``: the open box of the variables (parameters over their whole domains).
  H PSD there makes f convex on the open box, and f, defined and continuous on the
  closed box (the step's ``defined`` fact), is then convex on the closed box too
  (Jensen's inequality passes to limits).  The entries need only be defined inside, so
  ``x**(3/2)`` on x >= 0 qualifies.
* ``domain``: the variables' domains as given.  With the leading minors > 0 there, H is
  positive definite at every point of the domain, so along every segment in it the
  second derivative is > 0: f is strictly convex.

The generators of the field are independent: the conditions are shown for every point
of a box that contains the set of values (x, u(x), ...) really taken, which is a
superset, so the proof is sound (and may fail where a relation between x and u matters).
Before any sign method runs, each minor is evaluated exactly at a few rational points of
that box: a violated sign there means no method could succeed, so the attempt stops.

Effort is bounded by counts, never by the clock: the function's size, the number of
variables, the sizes of entries, minors and factors, the number of z3 queries and their
resource units, the number of subdivision pieces.  The results are cached per function,
variables and domains (the composition rules ask again for subterms).
"""

from __future__ import annotations

import functools
import importlib
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from types import ModuleType

import sympy
from sympy import QQ
from sympy.polys.polyerrors import BasePolynomialError
from sympy.polys.rings import PolyElement

from convexity_proofs._proof import (
    CoefficientSignFact,
    Fact,
    Factored,
    MinorFact,
    ProofStep,
    SignFact,
    SolverSignFact,
    SymbolicHessianFact,
)
from convexity_proofs._values import REAL, Domain
from convexity_proofs.checker._size import MAX_FUNCTION_DEPTH, function_depth
from convexity_proofs.checker.hessian import polynomial_determinant
from convexity_proofs.checker.polynomial import smt_poly, smt_script
from convexity_proofs.kernel.intervals import Interval, Undefined, range_of
from convexity_proofs.kernel.positivity import RationalHessian, coefficient_sign, rational_hessian
from convexity_proofs.kernel.psd import definiteness
from convexity_proofs.kernel.subdivision import subdivide_sign
from convexity_proofs.provers.second_order import (
    _kink,
    defined_fact,
    degree_bound,
    operation_count,
)

__all__ = [
    "RULE",
    "HessianResult",
    "hessian_applicability",
    "hessian_entries",
    "symbolic_hessian",
    "symbolic_hessian_strict",
    "symbolic_hessian_subterm",
]

RULE = "symbolic-hessian"

#: At most this many variables (the Hessian is n×n).
MAX_VARIABLES = 6
#: All principal minors (2**n - 1 conditions) only up to this many variables.
MAX_PRINCIPAL_VARIABLES = 4
#: Functions with more operations than this (sympy.count_ops) are not differentiated.
MAX_OPS = 300
#: A minor whose numerator or denominator has more terms than this is given up.
MAX_MINOR_TERMS = 3000
#: Determinants whose cofactor products could have more than 10**this terms are not formed.
MAX_DETERMINANT_DIGITS = 7
#: Polynomials with more terms than this are not factored (they are one factor).
MAX_FACTOR_TERMS = 300
#: Factors with more terms than this are not subdivided (a reviewer's 128 enclosures of
#: one large factor took 135 s).
SUBDIVISION_MAX_TERMS = 40
#: z3 queries one proof attempt may send, and the resource units (rlimit) of each.
Z3_QUERIES = 8
Z3_RLIMIT = 400_000
#: A safety net only (the rlimit decides): wall time of one query, in milliseconds.
Z3_TIMEOUT_MS = 4000
#: Polynomials up to this degree are first tested at a point in exact polynomial arithmetic.
MAX_QUICK_DEGREE = 8
#: Pieces one factor's subdivision may use.
SUBDIVISION_PIECES = 64
#: The sign methods, cheapest first (each a ``_Signs._by_<method>``).
SIGN_METHODS = ("enclosure", "coefficients", "subdivision", "z3")

#: Heads of function nodes the prover tries (others: sin, erf, ... give no rational Hessian).
_HEADS = (sympy.exp, sympy.log, sympy.sinh, sympy.cosh, sympy.tanh, sympy.atan)

#: sign -> the set of signs (-1, 0, 1) of the values it allows.
SIGN_SETS: dict[str | None, frozenset[int]] = {
    "positive": frozenset({1}),
    "negative": frozenset({-1}),
    "nonnegative": frozenset({0, 1}),
    "nonpositive": frozenset({-1, 0}),
    "nonzero": frozenset({-1, 1}),
    "zero": frozenset({0}),
    None: frozenset({-1, 0, 1}),
}

#: How an interval shows a sign (strongest first).
_SHOWS = (
    ("positive", Interval.is_positive),
    ("negative", Interval.is_negative),
    ("nonnegative", Interval.is_nonnegative),
    ("nonpositive", Interval.is_nonpositive),
)
_SHOW = dict(_SHOWS)
#: The violation a z3 query asks for, per sign shown.
_VIOLATION = {"positive": "<=", "nonnegative": "<", "negative": ">=", "nonpositive": ">"}


@dataclass(frozen=True, slots=True)
class HessianResult:
    """What the prover established: ``convex`` True with ``step`` (``strict`` when the
    Hessian is positive definite on the whole domain in all the variables), or None
    with a ``note``.  The prover never refutes."""

    convex: bool | None
    strict: bool | None
    step: ProofStep | None
    note: str = ""
    negative_direction: dict[sympy.Symbol, Fraction] | None = None
    flat_direction: dict[sympy.Symbol, Fraction] | None = None


# --- applicability ---------------------------------------------------------------------


def hessian_applicability(
    f: sympy.Expr, variables: tuple[sympy.Symbol, ...], *, polynomials: bool = False
) -> str | None:
    """None when the symbolic-Hessian prover applies to ``f``; otherwise why not.

    Structural and cheap (no differentiation): 2 to MAX_VARIABLES variables that f
    depends on, smooth, no floating-point numbers, at most MAX_OPS operations, only
    exp, log, powers, sinh, cosh, tanh, atan as functions; and not a polynomial (the
    constant-Hessian prover and the polynomial decision take those), unless
    ``polynomials`` (the composition rules' fallback for subterms) admits polynomials
    of degree above 2.
    """
    if not isinstance(f, sympy.Expr):
        return "not an expression"
    own = _own(f, tuple(variables))
    if len(own) < 2:
        return f"it depends on {len(own)} variable{'s' if len(own) != 1 else ''}, not 2 or more"
    if len(own) > MAX_VARIABLES:
        return f"{len(own)} variables are above the limit {MAX_VARIABLES}"
    kink = _kink(f)
    if kink is not None:
        return kink
    if f.has(sympy.Float):
        return "it contains a floating-point number"
    ops = operation_count(f)
    if ops > MAX_OPS:
        return f"the function has {ops} operations, above the limit {MAX_OPS}"
    depth = function_depth(f)
    if depth > MAX_FUNCTION_DEPTH:
        return f"functions are nested {depth} deep, above the limit {MAX_FUNCTION_DEPTH}"
    why = _not_substitutable(f, frozenset(own))
    if why is not None:
        return why
    bound = degree_bound(f, frozenset(own))
    if bound <= 2:
        return "a polynomial of degree <= 2: the constant-Hessian prover decides it"
    if bound != float("inf") and not polynomials:
        return "a polynomial: the polynomial decision (z3) decides it"
    return None


def _not_substitutable(f: sympy.Expr, own: frozenset[sympy.Symbol]) -> str | None:
    """Why the Hessian's entries cannot become rational functions over QQ (structural:
    the exponential substitution needs every exp, sinh, cosh, tanh of the variables to
    have an argument linear in them with rational coefficients and no constant term,
    every fractional power of them to be a power of one variable), or None."""
    for node in sympy.preorder_traversal(f):
        if not node.free_symbols & own:
            continue
        if isinstance(node, sympy.Function) and not isinstance(node, _HEADS):
            return f"it contains {type(node).__name__}(...), whose Hessian is not rational"
        argument = None
        if isinstance(node, sympy.exp | sympy.sinh | sympy.cosh | sympy.tanh):
            argument = node.args[0]
        elif isinstance(node, sympy.Pow) and node.base is sympy.E:
            argument = node.exp
        if argument is not None:
            if not _linear(argument, own):
                return (
                    f"the argument of {type(node).__name__}(...) is not linear in the "
                    "variables with rational coefficients"
                )
        elif isinstance(node, sympy.Pow) and not node.exp.is_Integer:
            if node.exp.free_symbols or not node.exp.is_Rational:
                return "a power of the variables has an exponent that is not a rational number"
            if node.base not in own:
                return "a fractional power of an expression that is not a variable"
    return None


def _linear(argument: sympy.Expr, own: frozenset[sympy.Symbol]) -> bool:
    for term in sympy.Add.make_args(argument):
        coefficient, rest = term.as_coeff_Mul()
        if rest not in own or not coefficient.is_Rational:
            return False
    return True


def _own(f: sympy.Expr, variables: tuple[sympy.Symbol, ...]) -> tuple[sympy.Symbol, ...]:
    present = f.free_symbols
    return tuple(v for v in variables if v in present)


@functools.lru_cache(maxsize=128)
def hessian_entries(f: sympy.Expr, variables: tuple[sympy.Symbol, ...]) -> tuple[sympy.Expr, ...]:
    """The upper triangle (i <= j) of the Hessian, row by row: diff(diff(f, x_i), x_j).

    The certificate checker computes the same, the same way, and compares the trees."""
    gradient = [sympy.diff(f, v) for v in variables]
    n = len(variables)
    return tuple(sympy.diff(gradient[i], variables[j]) for i in range(n) for j in range(i, n))


def opened(d: Domain) -> Domain:
    """The interior of a domain: every finite end excluded."""
    return Domain(d.lo, d.hi, d.lo is not None, d.hi is not None, "interval")


def interval_as_domain(iv: Interval) -> Domain:
    return Domain(iv.lo, iv.hi, iv.lo_open, iv.hi_open, "interval")


def condition_box(
    variables: Sequence[sympy.Symbol],
    parameters: Sequence[sympy.Symbol],
    domains: Mapping[sympy.Symbol, Domain],
    kind: str,
) -> dict[sympy.Symbol, Domain]:
    """The variables' box (opened for ``interior``) and the parameters' domains."""
    box = {}
    for v in variables:
        d = domains.get(v, REAL)
        box[v] = opened(d) if kind == "interior" else d
    for p in parameters:
        box[p] = domains.get(p, REAL)
    return box


# --- minors -----------------------------------------------------------------------------


def _principal_subsets(n: int) -> list[tuple[int, ...]]:
    return [s for size in range(1, n + 1) for s in itertools.combinations(range(n), size)]


def _leading_subsets(n: int) -> list[tuple[int, ...]]:
    return [tuple(range(k)) for k in range(1, n + 1)]


@dataclass(frozen=True, slots=True)
class _Common:
    """H = M / L: ``factors`` (p, e) of the common denominator L = Π p**e of the entries
    (irreducible over QQ, as ``factor_list`` gives them), and M = L·H, polynomial."""

    factors: tuple[tuple[PolyElement, int], ...]
    matrix: dict[tuple[int, int], PolyElement]


def _common_denominator(rh: RationalHessian, n: int) -> _Common | None:
    ring = rh.field.ring
    gens = rh.generators
    exponents: dict[PolyElement, int] = {}
    seen: list[PolyElement] = []
    for element in rh.entries:
        d = element.denom.monic()
        if d.is_ground or d in seen:
            continue
        seen.append(d)
        if len(d) > MAX_FACTOR_TERMS:
            return None
        try:
            _, factors = sympy.Poly(d.as_expr(*gens), *gens, domain=QQ).factor_list()
        except (BasePolynomialError, ValueError):
            return None
        for factor, k in factors:
            q = ring(factor.as_expr())
            exponents[q] = max(exponents.get(q, 0), int(k))
    common = ring.one
    for q, k in exponents.items():
        common = common * q**k
    matrix: dict[tuple[int, int], PolyElement] = {}
    for i in range(n):
        for j in range(i, n):
            element = rh.entry(i, j, n)
            quotient, remainder = divmod(common, element.denom)
            if remainder:
                return None  # unreachable: every denominator divides L
            matrix[(i, j)] = matrix[(j, i)] = element.numer * quotient
    return _Common(tuple(exponents.items()), matrix)


def determinant_digits(
    matrix: Mapping[tuple[int, int], PolyElement], rows: tuple[int, ...]
) -> float:
    """log10 of a bound on the terms of the products a cofactor expansion forms: the
    product over the rows of the largest entry (in terms) of each row."""
    return sum(math.log10(max(1, max(len(matrix[(r, c)]) for c in rows))) for r in rows)


@dataclass(frozen=True, slots=True)
class _Minor:
    """minor = numerator / Π p_i**m_i (p_i the common denominator's factors)."""

    subset: tuple[int, ...]
    numerator: PolyElement
    denominator: tuple[tuple[int, int], ...]  # (index into the factors, multiplicity)


def _minors(
    common: _Common, one: PolyElement, subsets: list[tuple[int, ...]]
) -> list[_Minor] | None:
    out = []
    for subset in subsets:
        if determinant_digits(common.matrix, subset) > MAX_DETERMINANT_DIGITS:
            return None
        det = polynomial_determinant(common.matrix, subset, one)
        if len(det) > MAX_MINOR_TERMS:
            return None
        powers = []
        for index, (q, e) in enumerate(common.factors):
            left = len(subset) * e
            while left and det:
                quotient, remainder = divmod(det, q)
                if remainder:
                    break
                det, left = quotient, left - 1
            if left and det:
                powers.append((index, left))
        out.append(_Minor(subset, det, tuple(powers)))
    return out


# --- sample points: a violated sign stops the attempt before any proof is tried -------


def _inside(d: Domain) -> list[Fraction]:
    """A few rational points inside a domain (deterministic)."""
    if d.lo is not None and d.hi is not None:
        if d.lo == d.hi:
            return [d.lo, d.lo, d.lo]  # a pinned parameter
        w = d.hi - d.lo
        return [d.lo + w / 2, d.lo + w / 7, d.hi - w / 5]
    if d.lo is not None:
        return [d.lo + 1, d.lo + Fraction(1, 8), d.lo + 5]
    if d.hi is not None:
        return [d.hi - 1, d.hi - Fraction(1, 8), d.hi - 5]
    return [Fraction(1, 3), Fraction(-2), Fraction(5)]


def _samples(
    generators: tuple[sympy.Symbol, ...], box: Mapping[sympy.Symbol, Domain]
) -> list[list[Fraction]]:
    options = [_inside(box.get(g, REAL)) for g in generators]
    points = [[o[0] for o in options], [o[1] for o in options], [o[2] for o in options]]
    # Mixed points: the k-th generator at its second choice, the others at their first.
    for k in range(len(generators)):
        points.append([o[1] if i == k else o[0] for i, o in enumerate(options)])
    return points


def _value(poly: PolyElement, point: list[Fraction]) -> Fraction:
    value = poly(*(QQ(q.numerator, q.denominator) for q in point))
    return Fraction(int(value.numerator), int(value.denominator))


def _violated(minor: _Minor, common: _Common, need: str, points: list[list[Fraction]]) -> bool:
    for point in points:
        d = Fraction(1)
        for index, m in minor.denominator:
            d *= _value(common.factors[index][0], point) ** m
        if d == 0:
            continue
        value = _value(minor.numerator, point) / d
        if value < 0 or (need == "positive" and value == 0):
            return True
    return False


# --- the sign of one polynomial factor --------------------------------------------------


Shifts = tuple[tuple[sympy.Symbol, Fraction, int], ...]


@dataclass
class _Budget:
    queries: int = Z3_QUERIES


@dataclass
class _Signs:
    """Proves signs of polynomials in the generators over the box (memoised)."""

    generators: tuple[sympy.Symbol, ...]
    box: dict[sympy.Symbol, Domain]
    budget: _Budget
    memo: dict[tuple[sympy.Expr, str], tuple[str, Fact] | None] = field(default_factory=dict)

    def poly(self, expr: sympy.Expr) -> sympy.Poly:
        return sympy.Poly(expr, *self.generators, domain=QQ)

    def prove(self, expr: sympy.Expr, need: str) -> tuple[str, Fact] | None:
        """A fact showing ``expr`` has a strict ("strict") or weak ("weak") sign on the
        box, with the sign shown; None when no method shows one."""
        poly = self.poly(expr)
        if poly.is_ground:
            return None  # constants are the factored form's constant, not factors
        sample = self._sample_sign(poly)
        if need == "strict":
            if sample == 0:
                return None
            wanted = ["positive" if sample > 0 else "negative"]
        elif sample > 0:
            wanted = ["nonnegative"]
        elif sample < 0:
            wanted = ["nonpositive"]
        else:
            wanted = ["nonnegative", "nonpositive"]
        for sign in wanted:
            key = (expr, sign)
            if key not in self.memo:
                self.memo[key] = self._prove(expr, poly, sign)
            if self.memo[key] is not None:
                return self.memo[key]
        return None

    def _sample_sign(self, poly: sympy.Poly) -> int:
        point = _samples(self.generators, self.box)[0]
        at = {
            g: sympy.Rational(q.numerator, q.denominator)
            for g, q in zip(self.generators, point, strict=True)
        }
        value = poly.as_expr().xreplace(at)
        return 1 if value > 0 else (-1 if value < 0 else 0)

    def _prove(self, expr: sympy.Expr, poly: sympy.Poly, sign: str) -> tuple[str, Fact] | None:
        for method in SIGN_METHODS:
            found = getattr(self, f"_by_{method}")(expr, poly, sign)
            if found is not None:
                return found
        return None

    def _by_enclosure(
        self, expr: sympy.Expr, poly: sympy.Poly, sign: str
    ) -> tuple[str, Fact] | None:
        """One enclosure over the whole box."""
        try:
            iv = range_of(expr, self.box)
        except Undefined:
            return None
        if not _SHOW[sign](iv):
            return None
        best = next(s for s, test in _SHOWS if test(iv))
        return best, SignFact(expr, best, iv)

    def _by_coefficients(
        self, expr: sympy.Expr, poly: sympy.Poly, sign: str
    ) -> tuple[str, Fact] | None:
        """The coefficients, after shifting generators to a bound of the box."""
        for shifts in self._shift_choices(poly):
            shown = coefficient_sign(poly, {g: (a, d) for g, a, d in shifts}, self.box)
            if shown is not None and sign in _implied(shown):
                return shown, CoefficientSignFact(expr, shown, shifts)
        return None

    def _by_subdivision(
        self, expr: sympy.Expr, poly: sympy.Poly, sign: str
    ) -> tuple[str, Fact] | None:
        """Enclosures on the pieces of a subdivided bounded box."""
        occurring = [g for g in self.generators if g in expr.free_symbols]
        if len(poly.terms()) > SUBDIVISION_MAX_TERMS:
            return None  # each enclosure of a large factor costs too much, times the pieces
        if not all(self.box[g].lo is not None and self.box[g].hi is not None for g in occurring):
            return None
        opposite = {
            "positive": Interval.is_nonpositive,
            "nonnegative": Interval.is_negative,
            "negative": Interval.is_nonnegative,
            "nonpositive": Interval.is_positive,
        }[sign]
        pieces = subdivide_sign(
            expr,
            self.box,
            _SHOW[sign],
            symbols=tuple(occurring),
            max_pieces=SUBDIVISION_PIECES,
            hopeless=opposite,
        )
        if not pieces:
            return None
        hull = pieces[0].enclosure
        for piece in pieces[1:]:
            hull = hull.union(piece.enclosure)
        return sign, SignFact(expr, sign, hull, pieces)

    def _by_z3(self, expr: sympy.Expr, poly: sympy.Poly, sign: str) -> tuple[str, Fact] | None:
        """One z3 query for a point of the box where the sign fails (budgeted)."""
        if self.budget.queries <= 0:
            return None
        self.budget.queries -= 1
        fact = self._z3(expr, poly, sign)
        return None if fact is None else (sign, fact)

    def _shift_choices(
        self, poly: sympy.Poly
    ) -> list[tuple[tuple[sympy.Symbol, Fraction, int], ...]]:
        occurring = [g for i, g in enumerate(poly.gens) if any(m[i] for m in poly.monoms())]
        to_bound = []
        for g in occurring:
            d = self.box.get(g, REAL)
            if d.lo is not None and d.lo != 0:
                to_bound.append((g, d.lo, 1))
            elif d.lo is None and d.hi is not None:
                to_bound.append((g, d.hi, -1))
        choices = [tuple(to_bound)]
        if to_bound:
            choices.append(())  # unshifted (valid when every generator is >= 0)
        return choices

    def _z3(self, expr: sympy.Expr, poly: sympy.Poly, sign: str) -> SolverSignFact | None:
        z3 = _import_z3()
        if z3 is None:
            return None
        domains = [self.box.get(g, REAL) for g in self.generators]
        text = smt_script(
            domains, 0, (), f"({_VIOLATION[sign]} {smt_poly(poly)} 0)", open_box=False
        )
        ctx = z3.Context()
        solver = z3.SolverFor("QF_NRA", ctx=ctx)
        solver.set("rlimit", Z3_RLIMIT)
        solver.set("timeout", Z3_TIMEOUT_MS)
        try:
            solver.from_string(text)
            answer = solver.check()
        except z3.Z3Exception:
            return None
        if answer != z3.unsat:
            return None
        return SolverSignFact(
            expr, sign, self.generators, text, "z3", z3.get_version_string(), "unsat"
        )


def _implied(sign: str) -> frozenset[str]:
    return {
        "positive": frozenset({"positive", "nonnegative"}),
        "negative": frozenset({"negative", "nonpositive"}),
        "nonnegative": frozenset({"nonnegative"}),
        "nonpositive": frozenset({"nonpositive"}),
        "zero": frozenset({"nonnegative", "nonpositive"}),
    }.get(sign, frozenset())


@functools.lru_cache(maxsize=1)
def _import_z3() -> ModuleType | None:
    try:
        return importlib.import_module("z3")
    except ImportError:
        return None


# --- one minor: factor, prove each factor's sign, combine -------------------------------


def power_signs(signs: frozenset[int], k: int) -> frozenset[int]:
    return frozenset(s**k for s in signs)


def product_signs(a: frozenset[int], b: frozenset[int]) -> frozenset[int]:
    return frozenset(x * y for x in a for y in b)


def _factored(poly: sympy.Poly) -> tuple[Fraction, list[tuple[sympy.Expr, int]]] | None:
    if poly.is_zero:
        return Fraction(0), []
    if len(poly.terms()) <= MAX_FACTOR_TERMS:
        try:
            c, factors = poly.factor_list()
        except (BasePolynomialError, ValueError):
            return None
        c = sympy.Rational(c)
        return Fraction(int(c.p), int(c.q)), [(f.as_expr(), int(k)) for f, k in factors]
    return Fraction(1), [(poly.as_expr(), 1)]


def _minor_fact(
    minor: _Minor,
    common: _Common,
    denominator_factors: tuple[sympy.Expr, ...],
    need: str,
    rh: RationalHessian,
    signs: _Signs,
    used: dict[sympy.Expr, Fact],
) -> MinorFact | None:
    gens = rh.generators
    numerator = _factored(sympy.Poly(minor.numerator.as_expr(*gens), *gens, domain=QQ))
    if numerator is None:
        return None
    constant, factors = numerator
    denominator = [(denominator_factors[i], m) for i, m in minor.denominator]
    parts = []
    for (c, items), is_denominator in (((constant, factors), False), ((1, denominator), True)):
        total = SIGN_SETS["positive" if c > 0 else ("negative" if c < 0 else "zero")]
        for factor, k in items:
            if is_denominator or need == "positive":
                want: str | None = "strict"
            else:
                want = "weak" if k % 2 else None
            shown: str | None = None
            if want is not None:
                proved = signs.prove(factor, want)
                if proved is None:
                    return None
                shown, fact = proved
                used.setdefault(factor, fact)
            total = product_signs(total, power_signs(SIGN_SETS[shown], k))
        parts.append(total)
    num_signs, den_signs = parts
    if 0 in den_signs or not product_signs(num_signs, den_signs) <= SIGN_SETS[need]:
        return None
    return MinorFact(
        minor.subset,
        need,
        Factored(constant, tuple(factors)),
        Factored(Fraction(1), tuple(denominator)),
    )


# --- one attempt -------------------------------------------------------------------------


def _attempt(
    f: sympy.Expr,
    own: tuple[sympy.Symbol, ...],
    parameters: tuple[sympy.Symbol, ...],
    domains: Mapping[sympy.Symbol, Domain],
    kind: str,
    method: str,
    entries: tuple[sympy.Expr, ...],
    budget: _Budget,
) -> tuple[SymbolicHessianFact, list[Fact]] | str:
    """The Hessian fact and the minor and sign facts of one (box, method), or why not."""
    box = condition_box(own, parameters, domains, kind)
    for entry in entries:
        try:
            range_of(entry, box)
        except Undefined:
            return "a Hessian entry is not shown defined " + (
                "inside the domain" if kind == "interior" else "on the whole domain"
            )
    rh = rational_hessian(entries, own, box)
    if rh is None:
        return "the Hessian entries are not rational functions after an exponential substitution"
    n = len(own)
    common = _common_denominator(rh, n)
    if common is None:
        return "the entries' common denominator is too large to factor"
    subsets = _leading_subsets(n) if method == "leading-minors" else _principal_subsets(n)
    minors = _minors(common, rh.field.ring.one, subsets)
    if minors is None:
        return f"a minor has more than {MAX_MINOR_TERMS} terms"
    need = "positive" if method == "leading-minors" else "nonnegative"
    gens_box = dict(box)
    gens_box.update({s: interval_as_domain(b) for s, b in rh.bounds})
    points = _samples(rh.generators, gens_box)
    for minor in minors:
        if _violated(minor, common, need, points):
            rows = ", ".join(str(i + 1) for i in minor.subset)
            return f"the minor on rows ({rows}) is not {need} at a point of the box"
    gens = rh.generators
    denominator_factors = tuple(q.as_expr(*gens) for q, _ in common.factors)
    signs = _Signs(gens, gens_box, budget)
    used: dict[sympy.Expr, Fact] = {}
    minor_facts: list[Fact] = []
    for minor in minors:
        fact = _minor_fact(minor, common, denominator_factors, need, rh, signs, used)
        if fact is None:
            rows = ", ".join(str(i + 1) for i in minor.subset)
            return f"the sign of the minor on rows ({rows}) was not shown ({need})"
        minor_facts.append(fact)
    hessian = SymbolicHessianFact(
        own,
        entries,
        method,
        kind,
        gens,
        rh.definitions,
        rh.bounds,
        Factored(
            Fraction(1),
            tuple((q, e) for q, (_, e) in zip(denominator_factors, common.factors, strict=True)),
        ),
    )
    return hessian, [*minor_facts, *used.values()]


def _not_psd_at_a_point(
    entries: tuple[sympy.Expr, ...],
    own: tuple[sympy.Symbol, ...],
    parameters: tuple[sympy.Symbol, ...],
    domains: Mapping[sympy.Symbol, Domain],
) -> str | None:
    """Why H is certainly not PSD at one rational interior point, or None.

    The entries are enclosed at the point (kernel intervals on a one-point box); when
    every enclosure is exact the rational matrix is decided by exact LDLᵀ, otherwise a
    negative diagonal entry or 2×2 principal minor rejects.  Cheap, and only ever stops
    an attempt that could not succeed (the proofs cover that point)."""
    point, exact_point = {}, {}
    for s in (*own, *parameters):
        q = _inside(domains.get(s, REAL))[0]
        point[s] = Domain(q, q, False, False, "interval")
        exact_point[s] = sympy.Rational(q.numerator, q.denominator)
    n = len(own)
    values: dict[tuple[int, int], Interval] = {}
    k = 0
    for i in range(n):
        for j in range(i, n):
            value = entries[k].xreplace(exact_point)
            try:
                if value.is_Rational:  # exact (a polynomial or rational entry)
                    iv = Interval.point(Fraction(int(value.p), int(value.q)))
                else:
                    iv = range_of(entries[k], point)
            except Undefined:
                return None
            values[(i, j)] = values[(j, i)] = iv
            k += 1
    exact = all(v.lo is not None and v.lo == v.hi for v in values.values())
    if exact:
        matrix = [[values[(i, j)].lo for j in range(n)] for i in range(n)]
        if not definiteness(matrix).psd:  # type: ignore[arg-type]
            return "the Hessian is not positive semidefinite at a point inside the domain"
        return None
    for i in range(n):
        if values[(i, i)].is_negative():
            return "a diagonal entry of the Hessian is negative at a point inside the domain"
        for j in range(i + 1, n):
            minor = values[(i, i)] * values[(j, j)] - values[(i, j)] * values[(i, j)]
            if minor.is_negative():
                return "a 2×2 principal minor is negative at a point inside the domain"
    return None


def _polynomial_not_psd_at_a_point(
    f: sympy.Expr,
    own: tuple[sympy.Symbol, ...],
    parameters: tuple[sympy.Symbol, ...],
    domains: Mapping[sympy.Symbol, Domain],
) -> str | None:
    """As :func:`_not_psd_at_a_point`, for a small polynomial, in exact polynomial
    arithmetic (much cheaper than ``sympy.diff``); None when it is not one."""
    if degree_bound(f, frozenset(own) | frozenset(parameters)) > MAX_QUICK_DEGREE:
        return None
    try:
        poly = sympy.Poly(f, *own, *parameters, domain=QQ)
    except (BasePolynomialError, ValueError, TypeError):
        return None
    at = {s: _inside(domains.get(s, REAL))[0] for s in (*own, *parameters)}
    values = [sympy.Rational(q.numerator, q.denominator) for q in at.values()]
    gradient = [poly.diff(v) for v in own]
    n = len(own)
    matrix = [[Fraction(0)] * n for _ in range(n)]
    for i in range(n):
        for j in range(i, n):
            value = sympy.Rational(gradient[i].diff(own[j]).eval(tuple(values)))
            matrix[i][j] = matrix[j][i] = Fraction(int(value.p), int(value.q))
    if not definiteness(matrix).psd:
        return "the Hessian is not positive semidefinite at a point inside the domain"
    return None


def _interior_is_domain(
    own: tuple[sympy.Symbol, ...], domains: Mapping[sympy.Symbol, Domain]
) -> bool:
    return all(opened(domains.get(v, REAL)) == _plain(domains.get(v, REAL)) for v in own)


def _plain(d: Domain) -> Domain:
    return Domain(d.lo, d.hi, d.lo_open, d.hi_open, "interval")


def _key(
    f: sympy.Expr, variables: tuple[sympy.Symbol, ...], domains: Mapping[sympy.Symbol, Domain]
) -> tuple:
    symbols = sorted(f.free_symbols, key=lambda s: s.name)
    return (f, variables, tuple((s, domains.get(s, REAL)) for s in symbols))


def _prove(
    f: sympy.Expr,
    variables: tuple[sympy.Symbol, ...],
    domains: Mapping[sympy.Symbol, Domain],
    *,
    strict_only: bool,
    polynomials: bool,
) -> HessianResult | None:
    if hessian_applicability(f, variables, polynomials=polynomials) is not None:
        return None
    own = _own(f, variables)
    parameters = tuple(sorted(f.free_symbols - set(own), key=lambda s: s.name))
    if polynomials:
        rejected = _polynomial_not_psd_at_a_point(f, own, parameters, domains)
        if rejected is not None:
            return HessianResult(None, None, None, rejected)
    entries = hessian_entries(f, own)
    if any(e.has(sympy.Derivative, sympy.Subs) for e in entries):
        return HessianResult(None, None, None, "a Hessian entry has no closed form")
    for v in own:
        d = domains.get(v, REAL)
        if d.lo is not None and d.hi is not None and not d.lo < d.hi:
            return HessianResult(None, None, None, f"the domain of {v} has no interior")
    rejected = _not_psd_at_a_point(entries, own, parameters, domains)
    if rejected is not None:
        return HessianResult(None, None, None, rejected)
    defined = defined_fact(f, domains)
    if defined is None:
        return HessianResult(None, None, None, "f is not proved defined on the whole domain")
    if strict_only:
        plan = [("domain", "leading-minors")]
    else:
        kind = "domain" if _interior_is_domain(own, domains) else "interior"
        plan = [(kind, "leading-minors")]
        if len(own) <= MAX_PRINCIPAL_VARIABLES:
            plan.append((kind, "principal-minors"))
    budget = _Budget()
    notes = []
    for kind, method in plan:
        attempt = _attempt(f, own, parameters, domains, kind, method, entries, budget)
        if isinstance(attempt, str):
            notes.append(attempt)
            if attempt.startswith(("a Hessian entry", "the Hessian entries")):
                break  # the same for the next method
            continue
        hessian, facts = attempt
        strict = kind == "domain" and method == "leading-minors" and own == tuple(variables)
        step = ProofStep(
            rule=RULE,
            subject=f,
            conclusion="strictly-convex" if strict else "convex",
            facts=(defined, hessian, *facts),
        )
        return HessianResult(True, strict, step)
    return HessianResult(None, None, None, "; ".join(notes) or "no attempt")


@functools.lru_cache(maxsize=256)
def _cached(key: tuple, strict_only: bool, polynomials: bool) -> HessianResult | None:
    f, variables, items = key
    return _prove(f, variables, dict(items), strict_only=strict_only, polynomials=polynomials)


def symbolic_hessian(
    f: sympy.Expr, variables: tuple[sympy.Symbol, ...], domains: Mapping[sympy.Symbol, Domain]
) -> HessianResult | None:
    """Prove f convex through its symbolic Hessian (PD, else PSD), on the whole domain.

    None exactly when :func:`hessian_applicability` gives a reason.  ``strict`` is True
    when the Hessian is shown positive definite on the domain as given, in all
    ``variables``."""
    return _cached(_key(f, tuple(variables), domains), False, False)


def symbolic_hessian_strict(
    f: sympy.Expr, variables: tuple[sympy.Symbol, ...], domains: Mapping[sympy.Symbol, Domain]
) -> HessianResult | None:
    """Prove f strictly convex: the Hessian positive definite at every point of the
    domain (leading principal minors > 0).  For the strictness question after
    convexity is proved."""
    return _cached(_key(f, tuple(variables), domains), True, False)


def symbolic_hessian_subterm(
    f: sympy.Expr, variables: tuple[sympy.Symbol, ...], domains: Mapping[sympy.Symbol, Domain]
) -> HessianResult | None:
    """As :func:`symbolic_hessian`, also for polynomials of degree above 2 (the
    composition rules' fallback for subterms, where no polynomial decision runs).

    None when a symbol of f has no entry in ``domains``: the rules' fresh variables (a
    perspective's u = x/y) range over domains only the step's context knows, and a proof
    on other domains would not replay there."""
    if any(s not in domains for s in f.free_symbols):
        return None
    return _cached(_key(f, tuple(variables), domains), False, True)
