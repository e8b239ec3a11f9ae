"""Complete decisions for polynomials: is the Hessian PSD on the whole box? (z3, nonlinear reals)

Composition rules and naive minor tests cannot see that ``x**4 + 3*x**2*y**2 + y**4`` is
convex while ``x**4 + 8*x**2*y**2 + y**4`` is not.  For a polynomial f the question is a
sentence of real algebra, which z3's nlsat procedure decides:

    f is convex on a box D with nonempty interior  ⇔  vᵀ∇²f(x)v >= 0 for all x in D, all v.

So we ask z3 for x in D (parameters in their domains) and v with vᵀH v < 0: ``unsat``
proves convexity, ``sat`` yields a candidate counterexample, ``unknown``/timeout gives no
answer.  Two equivalent encodings are tried, because z3's speed differs by orders of
magnitude between them (measured: one proves a 4-variable quartic in 11 s where the other
times out at 120 s, and vice versa for some refutations):

* principal minors: H is PSD iff every principal minor is >= 0, so one query
  ``minor(x) < 0`` per principal minor, in x (and parameters) only;
* the quadratic form, with v normalised: for v != 0 let k be an index of largest |v_k|;
  since vᵀHv is homogeneous of degree 2 (even) in v, v/v_k has the same sign of curvature,
  component k equal to 1 and all others in [-1, 1].  So "some v" splits into n queries
  with one fewer unknown each and a bounded search space (measured 0.35 s instead of
  17 s for ``(x² + y² + z²)² + (x + y + z)⁴``).

Soundness:

* a proof rests on z3's ``unsat`` (trusted, and named with its version in the proof step)
  and on exact arithmetic everywhere else: the polynomial is expanded over QQ, every
  coefficient reaches z3 as an exact ``p/q`` numeral, no text is ever evaluated;
* variables range over the *open* box: a polynomial that is convex on the interior of a
  convex set is convex on its closure (Jensen's inequality passes to limits by
  continuity), and an open set of counterexamples is where rational points live;
* a refutation is never z3's word: the model is rounded to rationals in the domain, the
  exact Hessian there is decided by exact LDLᵀ (which yields an integral direction with
  vᵀHv < 0), and the pair is re-checked by the independent judge
  :func:`convexity_proofs._certify.decide_curvature` on the *original* expression.  If that
  re-check fails for every rounding tried, the answer is None.
"""

from __future__ import annotations

import importlib
import itertools
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from types import ModuleType
from typing import Any

import sympy
from sympy import QQ, Symbol
from sympy.polys.rings import PolyElement, PolyRing
from sympy.polys.rings import ring as polynomial_ring

from convexity_proofs._brief import brief
from convexity_proofs._certify import decide_curvature
from convexity_proofs._psd import definiteness
from convexity_proofs._values import REAL, Condition, Domain, ProofStep
from convexity_proofs.provers.second_order import degree_bound

__all__ = ["RULE", "PolynomialResult", "decide_polynomial", "decide_polynomial_strict"]

RULE = "polynomial Hessian (z3)"

#: Principal minors are tried up to this many variables (2**n - 1 determinants).
MAX_MINOR_VARIABLES = 4
#: A minor with more terms than this is not sent to z3 (hopeless, and slow to build).
MAX_MINOR_TERMS = 4000
#: Products and powers that could have more terms than this are not expanded.
MAX_TERMS = 200_000
#: Hessians with more terms than this (all entries i <= j together) are refused: z3 then
#: overran its timeout (0.5 s asked, 2 to 30 s taken for 62,000 terms) and never decided.
MAX_HESSIAN_TERMS = 30_000
#: A minor whose cofactor expansion could multiply more terms than this is not formed.
MAX_MINOR_WORK = 10**6
#: Share of the time budget for the first (minor) phase when all minors are tried; with
#: more variables only the diagonal entries are probed, with a smaller share.
_MINOR_SHARE = 0.75
_PROBE_SHARE = 0.15
#: Denominator limits for rounding a model to "nice" rationals, tried before exact values.
_ROUNDINGS: tuple[int, ...] = (1, 10, 100, 10**4, 10**8)
#: Decimal digits of the rational approximations of algebraic model values.
_ALGEBRAIC_DIGITS: tuple[int, ...] = (20, 40, 80)


@dataclass(frozen=True, slots=True)
class PolynomialResult:
    """What the polynomial decision established, as data.

    ``convex``: True proved (``step`` says how), False refuted by ``point`` (variables and
    parameters, exact) and ``direction`` (variables, coprime integers) with vᵀ∇²f v < 0,
    already certified by ``_certify.decide_curvature``; None no answer (``note`` says why).
    """

    convex: bool | None
    step: ProofStep | None
    point: dict[Symbol, Fraction] | None
    direction: dict[Symbol, Fraction] | None
    note: str = ""


# --- the problem, expanded exactly ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Problem:
    """An admitted polynomial: generators are the variables, then the parameters."""

    expr: sympy.Expr
    variables: tuple[Symbol, ...]
    parameters: tuple[Symbol, ...]
    domains: dict[Symbol, Domain]
    degree: int
    #: Upper triangle (i <= j) of the Hessian in the variables, sparse polynomials over QQ.
    hessian: dict[tuple[int, int], PolyElement]

    @property
    def gens(self) -> tuple[Symbol, ...]:
        return self.variables + self.parameters

    def entry(self, i: int, j: int) -> PolyElement:
        return self.hessian[(min(i, j), max(i, j))]


def _admit(
    expr: sympy.Expr,
    variables: tuple[Symbol, ...],
    parameters: tuple[Symbol, ...],
    domains: Mapping[Symbol, Domain],
    max_variables: int,
    max_degree: int,
) -> tuple[_Problem, ModuleType] | None:
    """The checks, cheapest first; None when this prover does not apply.

    Structural checks come before importing z3 and before any expansion, so the prover
    costs next to nothing on the network losses and transcendental functions it cannot
    handle.  Floats are refused: their rational reading is a guess about the claim.
    """
    if not variables or len(variables) > max_variables:
        return None
    if len(variables) + len(parameters) > 2 * max_variables:
        return None
    if len(set(variables + parameters)) != len(variables) + len(parameters):
        return None
    if not isinstance(expr, sympy.Expr) or expr.has(sympy.Float):
        return None
    if not expr.free_symbols <= set(variables) | set(parameters):
        return None
    if degree_bound(expr, frozenset(variables + parameters)) > max_degree:
        return None
    resolved = {s: domains.get(s, REAL) for s in variables + parameters}
    for s in variables:
        d = resolved[s]
        # Convexity via the Hessian needs a box with nonempty interior.
        if d.lo is not None and d.hi is not None and not d.lo < d.hi:
            return None
    for s in parameters:
        d = resolved[s]
        # An empty parameter domain makes every claim vacuous: say nothing.
        if d.lo is not None and d.hi is not None:
            if d.lo > d.hi or (d.lo == d.hi and (d.lo_open or d.hi_open)):
                return None
    z3 = _import_z3()
    if z3 is None:
        return None
    ring, *generators = polynomial_ring(variables + parameters, QQ)
    poly = _to_ring(expr, ring, dict(zip(variables + parameters, generators, strict=True)))
    if poly is None:
        return None
    degree = max((sum(m) for m in poly.itermonoms()), default=0)
    if degree > max_degree:
        return None
    hessian: dict[tuple[int, int], PolyElement] = {}
    for i, j in itertools.combinations_with_replacement(range(len(variables)), 2):
        hessian[(i, j)] = poly.diff(generators[i]).diff(generators[j])
    if sum(len(h) for h in hessian.values()) > MAX_HESSIAN_TERMS:
        return None
    problem = _Problem(expr, variables, parameters, resolved, degree, hessian)
    return problem, z3


def _to_ring(
    expr: sympy.Expr, ring: PolyRing, generators: dict[Symbol, PolyElement]
) -> PolyElement | None:
    """The expression as a sparse polynomial over QQ, or None if it is not one.

    Built node by node with ring arithmetic: ``Poly(expr)`` expands through ``expand()``
    first, which took 5 s for ``(q0 + ... + q7)**8`` against 0.06 s here.  Only Add, Mul,
    nonnegative integer powers, the generators and rational numbers are accepted, so
    the polynomial is exactly the expression (no reading of floats or constants like π).
    Products whose size could exceed MAX_TERMS are refused before they are formed.
    """
    memo: dict[sympy.Expr, PolyElement | None] = {}

    def walk(node: sympy.Expr) -> PolyElement | None:
        if node in memo:
            return memo[node]
        result: PolyElement | None = None
        if node.is_Symbol:
            result = generators.get(node)
        elif node.is_Rational:
            result = ring(node)
        elif node.is_Add or node.is_Mul:
            parts = [walk(arg) for arg in node.args]
            if all(part is not None for part in parts):
                result = _sum(ring, parts) if node.is_Add else _product(parts)
        elif node.is_Pow and node.exp.is_Integer and node.exp >= 0:
            base, k = walk(node.base), int(node.exp)
            if base is not None and math.comb(len(base) + k - 1, k) <= MAX_TERMS:
                result = base**k
        memo[node] = result
        return result

    try:
        return walk(expr)
    except RecursionError:
        return None


def _import_z3() -> ModuleType | None:
    """z3 is an optional extra (``pip install convexity-proofs[z3]``): absent means no answer."""
    try:
        return importlib.import_module("z3")
    except ImportError:
        return None


def _sum(ring: PolyRing, parts: list[PolyElement]) -> PolyElement:
    """Sum in one pass (pairwise ``+`` copies the whole sum each time: quadratic)."""
    total: dict[tuple[int, ...], Any] = {}
    for part in parts:
        for monom, c in part.items():
            total[monom] = total[monom] + c if monom in total else c
    return ring.from_dict({m: c for m, c in total.items() if c})


def _product(parts: list[PolyElement]) -> PolyElement | None:
    result = parts[0]
    for part in parts[1:]:
        if len(result) * len(part) > MAX_TERMS:
            return None
        result = result * part
    return result


def _terms(poly: PolyElement) -> list[tuple[tuple[int, ...], Fraction]]:
    """The exact terms of a polynomial over QQ: (exponents, rational coefficient)."""
    return [
        (tuple(int(e) for e in monom), Fraction(int(c.numerator), int(c.denominator)))
        for monom, c in poly.terms()
    ]


def _evaluate(poly: PolyElement, values: Sequence[Fraction]) -> Fraction:
    """A polynomial at an exact rational point, in Fractions (no floats anywhere)."""
    total = Fraction(0)
    for monom, c in _terms(poly):
        term = c
        for value, e in zip(values, monom, strict=True):
            if e:
                term *= value**e
        total += term
    return total


def _determinant(rows: list[list[PolyElement]]) -> PolyElement:
    """Exact determinant by cofactor expansion (only used for at most 4×4 blocks)."""
    if len(rows) == 1:
        return rows[0][0]
    total = None
    for col, head in enumerate(rows[0]):
        if not head:
            continue
        sub = [row[:col] + row[col + 1 :] for row in rows[1:]]
        term = head * _determinant(sub)
        if col % 2:
            term = -term
        total = term if total is None else total + term
    return total if total is not None else rows[0][0] * 0


# --- translation to z3 --------------------------------------------------------------------


class _Encoder:
    """Builds z3 terms in one private context (so concurrent calls never share state)."""

    def __init__(self, z3: ModuleType, problem: _Problem) -> None:
        self.z3 = z3
        self.problem = problem
        self.ctx = z3.Context()
        # Names are positional, so no user-chosen symbol name can clash or confuse z3.
        self.gens = [z3.Real(f"g{i}", self.ctx) for i in range(len(problem.gens))]
        self._powers: dict[tuple[int, int], Any] = {}
        self._entries: dict[tuple[int, int], Any] = {}

    def number(self, q: Fraction) -> Any:
        return self.z3.RealVal(f"{q.numerator}/{q.denominator}", self.ctx)

    def _apply(self, make: Callable[..., Any], args: Sequence[Any]) -> Any:
        """``make`` (Z3_mk_mul or Z3_mk_add) on real terms through the C API.

        ``z3.Product``/``z3.Sum`` coerce every argument in Python, which took 15 s for the
        62,000 monomials of a degree-8 Hessian in 8 variables; all arguments here are
        already real terms of this context, so the coercion has nothing to do.
        """
        if len(args) == 1:
            return args[0]
        z3 = self.z3
        array = (z3.Ast * len(args))(*(a.as_ast() for a in args))
        return z3.ArithRef(make(self.ctx.ref(), len(args), array), self.ctx)

    def product(self, factors: Sequence[Any]) -> Any:
        return self._apply(self.z3.Z3_mk_mul, factors)

    def sum(self, terms: Sequence[Any]) -> Any:
        return self.number(Fraction(0)) if not terms else self._apply(self.z3.Z3_mk_add, terms)

    def _power(self, index: int, e: int) -> Any:
        key = (index, e)
        if key not in self._powers:
            self._powers[key] = self.product([self.gens[index]] * e)
        return self._powers[key]

    def poly(self, poly: PolyElement) -> Any:
        """The exact z3 term of a polynomial over QQ: monomials as products of z3 Reals."""
        terms = []
        for monom, c in _terms(poly):
            powers = [self._power(i, e) for i, e in enumerate(monom) if e]
            factors = powers if c == 1 and powers else [self.number(c), *powers]
            terms.append(self.product(factors))
        return self.sum(terms)

    def entry(self, i: int, j: int) -> Any:
        """The z3 term of the Hessian entry (i, j), translated once per call."""
        key = (min(i, j), max(i, j))
        if key not in self._entries:
            self._entries[key] = self.poly(self.problem.hessian[key])
        return self._entries[key]

    def domain_constraints(self, *, open_box: bool) -> list[Any]:
        """Variables in their box (open when ``open_box``), parameters in their domains."""
        out = []
        n = len(self.problem.variables)
        for index, (symbol, g) in enumerate(zip(self.problem.gens, self.gens, strict=True)):
            d = self.problem.domains[symbol]
            strict_lo = d.lo_open or (open_box and index < n)
            strict_hi = d.hi_open or (open_box and index < n)
            if d.lo is not None:
                lo = self.number(d.lo)
                out.append(g > lo if strict_lo else g >= lo)
            if d.hi is not None:
                hi = self.number(d.hi)
                out.append(g < hi if strict_hi else g <= hi)
        return out

    def quadratic_form(self, k: int) -> tuple[Any, list[Any]]:
        """vᵀH v with v_k = 1, and the bounds -1 <= v_i <= 1 of the other components."""
        z3 = self.z3
        n = len(self.problem.variables)
        one = self.number(Fraction(1))
        v = [one if i == k else z3.Real(f"v{i}", self.ctx) for i in range(n)]
        parts = []
        for (i, j), h in self.problem.hessian.items():
            if not h:
                continue
            weight = self.number(Fraction(1 if i == j else 2))
            parts.append(self.product([weight, v[i], v[j], self.entry(i, j)]))
        form = self.sum(parts)
        bounds = [c for i in range(n) if i != k for c in (v[i] >= -one, v[i] <= one)]
        return form, bounds


#: A query builds its constraints lazily (so building time counts against the budget);
#: None means it could not be built, which counts as "unknown".
_Query = Callable[[], list[Any] | None]


def _run(
    encoder: _Encoder, base: list[Any], queries: Sequence[_Query], deadline: float
) -> tuple[str, Any]:
    """Check the queries, each on a fresh solver, with a fair share of the time left.

    Returns ("sat", model) at the first sat, ("unsat", None) when every query is unsat,
    else ("unknown", None).  Every query is a disjunct of one existential sentence, so one
    sat answers the whole; an unknown does not stop the search for a sat.  Queries that
    timed out are retried once with the time the quick ones left over (measured: the
    last 3×3 minor of a 4-variable quartic needed 8.1 s when its fair share was 7.7 s
    and the full determinant after it took 0.02 s).
    """
    z3 = encoder.z3
    built: dict[int, list[Any]] = {}
    pending = list(range(len(queries)))
    unknown = False
    for attempt in range(2):
        timed_out = []
        for position, index in enumerate(pending):
            if time.perf_counter() >= deadline:
                return "unknown", None
            if index not in built:
                constraints = queries[index]()
                if constraints is None:
                    unknown = True
                    continue
                built[index] = constraints
            # The share is computed after building, so building time is not given twice.
            left = deadline - time.perf_counter()
            if left <= 0:
                return "unknown", None
            solver = z3.SolverFor("QF_NRA", ctx=encoder.ctx)
            solver.set("timeout", max(1, int(1000 * left / (len(pending) - position))))
            solver.add(*base, *built[index])
            try:
                answer = solver.check()
            except z3.Z3Exception:
                answer = None
            if answer == z3.sat:
                return "sat", solver.model()
            if answer != z3.unsat:
                timed_out.append(index)
        if not timed_out:
            break
        pending = timed_out
        if attempt == 1:
            unknown = True
    return ("unknown" if unknown else "unsat"), None


def _minor_queries(
    encoder: _Encoder, subsets: Sequence[tuple[int, ...]], relation: str
) -> list[_Query]:
    """One query "minor_S(x) < 0" (or "<= 0") per index set S."""
    problem = encoder.problem

    def query(subset: tuple[int, ...]) -> _Query:
        def build() -> list[Any] | None:
            rows = [[problem.entry(i, j) for j in subset] for i in subset]
            if max(len(h) for row in rows for h in row) ** len(subset) > MAX_MINOR_WORK:
                return None
            minor = _determinant(rows)
            if len(minor) > MAX_MINOR_TERMS:
                return None
            term = encoder.poly(minor)
            zero = encoder.number(Fraction(0))
            return [term < zero if relation == "<" else term <= zero]

        return build

    return [query(s) for s in subsets]


def _form_queries(encoder: _Encoder, relation: str) -> list[_Query]:
    """The n normalised quadratic-form queries "vᵀHv < 0" (or "<= 0")."""

    def query(k: int) -> _Query:
        def build() -> list[Any]:
            form, bounds = encoder.quadratic_form(k)
            zero = encoder.number(Fraction(0))
            return [form < zero if relation == "<" else form <= zero, *bounds]

        return build

    return [query(k) for k in range(len(encoder.problem.variables))]


# --- from a z3 model to a certified counterexample ---------------------------------------


def _model_values(z3: ModuleType, encoder: _Encoder, model: Any, digits: int) -> list[Fraction]:
    """The model's values of all generators as rationals (algebraic ones approximated)."""
    out = []
    for g in encoder.gens:
        value = model.eval(g, model_completion=True)
        if z3.is_rational_value(value):
            out.append(value.as_fraction())
        elif z3.is_algebraic_value(value):
            out.append(value.approx(digits).as_fraction())
        else:
            raise ValueError(f"unexpected model value {value}")
    return out


def _candidates(z3: ModuleType, encoder: _Encoder, model: Any) -> list[list[Fraction]]:
    """Rational points near the model: nicest first, then the model itself more and more exactly."""
    out: list[list[Fraction]] = []
    for digits in _ALGEBRAIC_DIGITS:
        values = _model_values(z3, encoder, model, digits)
        rounded = [[q.limit_denominator(d) for q in values] for d in _ROUNDINGS]
        for point in [*rounded, values] if digits == _ALGEBRAIC_DIGITS[0] else [values]:
            if point not in out:
                out.append(point)
    return out


def _certified_counterexample(
    z3: ModuleType, encoder: _Encoder, model: Any
) -> tuple[dict[Symbol, Fraction], dict[Symbol, Fraction]] | None:
    """A rational (point, direction) with vᵀ∇²f v < 0 that the independent judge confirms.

    The point must lie strictly inside the variables' box (a neighbourhood is needed for a
    curvature witness) and the parameters in their domains; the direction is the exact
    negative direction of the rational Hessian there (exact LDLᵀ), so no rounding of z3's
    v can spoil it.  Only a ``decide_curvature`` sign of -1 on the original expression is
    accepted.
    """
    problem = encoder.problem
    n = len(problem.variables)
    try:
        candidates = _candidates(z3, encoder, model)
    except (z3.Z3Exception, ValueError):
        return None
    for values in candidates:
        at = dict(zip(problem.gens, values, strict=True))
        if not all(problem.domains[s].contains_interior(at[s]) for s in problem.variables):
            continue
        if not all(problem.domains[s].contains(at[s]) for s in problem.parameters):
            continue
        matrix = [[_evaluate(problem.entry(i, j), values) for j in range(n)] for i in range(n)]
        verdict = definiteness(matrix)
        if verdict.psd or verdict.negative_direction is None:
            continue
        point = {s: at[s] for s in problem.variables}
        params = {s: at[s] for s in problem.parameters}
        direction = dict(zip(problem.variables, verdict.negative_direction, strict=True))
        try:
            judged = decide_curvature(problem.expr, point, direction, params)
        except (ValueError, ArithmeticError):
            judged = None
        if judged is not None and judged.sign == -1:
            return point | params, direction
    return None


# --- the two public decisions -------------------------------------------------------------


def decide_polynomial(
    expr: sympy.Expr,
    variables: tuple[Symbol, ...],
    parameters: tuple[Symbol, ...],
    domains: Mapping[Symbol, Domain],
    *,
    timeout_ms: int = 5000,
    max_variables: int = 8,
    max_degree: int = 8,
) -> PolynomialResult | None:
    """Decide whether a polynomial is convex on the box for EVERY parameter value.

    None (quickly, before importing z3 or expanding) when this prover does not apply: z3
    missing, not a polynomial with rational coefficients, too many symbols, degree above
    ``max_degree``, a box without interior.  Otherwise a :class:`PolynomialResult`, whose
    ``convex`` is None when z3 ran out of time or no rational witness was certified.
    ``timeout_ms`` bounds the whole decision; z3 overran it by at most tens of ms in our
    measurements for the sizes admitted (MAX_HESSIAN_TERMS), not by seconds.
    """
    start = time.perf_counter()
    admitted = _admit(expr, variables, parameters, domains, max_variables, max_degree)
    if admitted is None:
        return None
    problem, z3 = admitted
    deadline = start + timeout_ms / 1000
    n = len(variables)
    full_minors = n <= MAX_MINOR_VARIABLES
    subsets = _principal_subsets(n) if full_minors else [(i,) for i in range(n)]
    share = _MINOR_SHARE if full_minors else _PROBE_SHARE
    saw_sat = False
    try:
        encoder = _Encoder(z3, problem)
        base = encoder.domain_constraints(open_box=True)
        # (queries, deadline, whether "all unsat" proves convexity, how, for the proof)
        phases = [
            (
                _minor_queries(encoder, subsets, "<"),
                start + (deadline - start) * share,
                full_minors,
                f"as minor(x) < 0 for each of the {len(subsets)} principal minors of H(x)",
            ),
            (
                _form_queries(encoder, "<"),
                deadline,
                True,
                f"in {n} cases v_k = 1, |v_i| <= 1 (every v != 0 scales to one of them)",
            ),
        ]
        for queries, phase_deadline, complete, method in phases:
            status, model = _run(encoder, base, queries, phase_deadline)
            if status == "unsat" and complete and not saw_sat:
                return PolynomialResult(True, _proof_step(z3, problem, method), None, None)
            if status == "sat":
                # A model that no rational point near it certifies: the other encoding's
                # model may be a better one, so go on (no proof can follow a sat).
                saw_sat = True
                found = _certified_counterexample(z3, encoder, model)
                if found is not None:
                    point, direction = found
                    return PolynomialResult(
                        False, None, point, direction, note="z3 model, certified exactly"
                    )
    except z3.Z3Exception as error:
        return PolynomialResult(None, None, None, None, note=f"z3 failed: {error}")
    if saw_sat:
        note = "z3 found a point, but no rational point near it was certified"
    else:
        note = f"z3: unknown within {timeout_ms} ms"
    return PolynomialResult(None, None, None, None, note=note)


def decide_polynomial_strict(
    expr: sympy.Expr,
    variables: tuple[Symbol, ...],
    parameters: tuple[Symbol, ...],
    domains: Mapping[Symbol, Domain],
    *,
    timeout_ms: int = 5000,
    max_variables: int = 8,
    max_degree: int = 8,
) -> bool | None:
    """True when the Hessian is positive DEFINITE at every point of the box (closed where
    the domain is closed), for every parameter value; otherwise None, never False.

    PD everywhere implies strict convexity (along any segment the second derivative is
    positive), but not conversely: ``x**4`` is strictly convex with H(0) = 0, and such
    cases are missed here on purpose (the univariate prover catches them; in several
    variables "PD off a set with empty interior" is not a sufficient condition one can
    simply ask z3).  The queries: Sylvester's criterion (leading principal minors > 0,
    for at most MAX_MINOR_VARIABLES variables), else the normalised form vᵀHv > 0.  The
    box is the *actual* domain here, not its interior: strictness on boundary segments
    needs PD on the boundary too.
    """
    start = time.perf_counter()
    admitted = _admit(expr, variables, parameters, domains, max_variables, max_degree)
    if admitted is None:
        return None
    problem, z3 = admitted
    deadline = start + timeout_ms / 1000
    n = len(variables)
    try:
        encoder = _Encoder(z3, problem)
        base = encoder.domain_constraints(open_box=False)
        if n <= MAX_MINOR_VARIABLES:
            leading = [tuple(range(k)) for k in range(1, n + 1)]
            first_deadline = start + (deadline - start) * _MINOR_SHARE
            status, _ = _run(encoder, base, _minor_queries(encoder, leading, "<="), first_deadline)
            if status == "unsat":
                return True
            if status == "sat":
                return None  # not PD somewhere (per z3): the form cannot be unsat either
        status, _ = _run(encoder, base, _form_queries(encoder, "<="), deadline)
    except z3.Z3Exception:
        return None
    return True if status == "unsat" else None


def _principal_subsets(n: int) -> list[tuple[int, ...]]:
    """All nonempty index sets, smallest first: small minors are cheap and refute often."""
    return [s for size in range(1, n + 1) for s in itertools.combinations(range(n), size)]


def _proof_step(z3: ModuleType, problem: _Problem, method: str) -> ProofStep:
    names = ", ".join(str(s) for s in problem.variables)
    quantifier = "x in the open box"
    if problem.parameters:
        quantifier += " and every parameter value in its domain"
    return ProofStep(
        rule=RULE,
        subject=brief(problem.expr, 120),
        reason=(
            f"f is a polynomial of degree {problem.degree}; its Hessian in ({names}) is "
            f"positive semidefinite at every {quantifier}, so f is convex"
        ),
        conditions=(
            Condition(
                f"f is a polynomial with rational coefficients, degree {problem.degree}",
                "exact expansion over QQ (SymPy sparse polynomials)",
            ),
            Condition(
                f"vᵀ∇²f(x)v >= 0 for every {quantifier} and every v",
                f"z3 {z3.get_version_string()} nonlinear real arithmetic: "
                f"unsat of vᵀH(x)v < 0 over the box, {method}",
            ),
            Condition(
                "convex on the interior of the box ⇒ convex on the box",
                "continuity of polynomials",
            ),
        ),
    )
