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
* z3 reads each query as SMT-LIB text in one fixed format (see ``_Encoder``), and the
  proof step (rule ``polynomial-hessian``, a :class:`~convexity_proofs._proof.PolynomialFact`)
  records exactly those texts, so a checker can write them again from the function and
  the domains, compare, and re-run them;
* variables range over the *open* box: a polynomial that is convex on the interior of a
  convex set is convex on its closure (Jensen's inequality passes to limits by
  continuity), and an open set of counterexamples is where rational points live;
* a refutation is never z3's word: the model is rounded to rationals in the domain, the
  exact Hessian there is decided by exact LDLᵀ (which yields an integral direction with
  vᵀHv < 0), and the pair is re-checked by the independent judge
  :func:`convexity_proofs.kernel.evaluate.decide_curvature` on the *original* expression.  If that
  re-check fails for every rounding tried, the answer is None.

Effort is deterministic: every decision has a budget of z3 *resource units* (``rlimit``,
:data:`DEFAULT_RLIMIT` unless given), shared between the queries as the time used to
be (a fair share each, queries that ran out retried with what the quick ones left
over); the same claim gets the same answer on a fast or a loaded machine.  The wall
timeout stays as a safety net only.  :func:`polynomial_applicability` says, as text,
why the decision does not apply to a function (None when it does).
"""

from __future__ import annotations

import functools
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
from convexity_proofs._proof import PolynomialFact, ProofStep
from convexity_proofs._values import REAL, Domain
from convexity_proofs.kernel.evaluate import decide_curvature
from convexity_proofs.kernel.psd import definiteness
from convexity_proofs.provers.second_order import degree_bound, describe_term, non_polynomial_part

__all__ = [
    "DEFAULT_RLIMIT",
    "RULE",
    "PolynomialResult",
    "decide_polynomial",
    "decide_polynomial_strict",
    "polynomial_applicability",
]

RULE = "polynomial-hessian"

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
#: z3 resource units (``rlimit``) one decision may use, shared by its queries.
#:
#: Measured with z3 4.15 (``rlimit count`` before and after each check) on every shipped
#: claim the decision applies to: claims/*.toml has 39 such claims, each asked convex,
#: concave, strictly convex and strictly concave (156 decisions).  Without a limit,
#: every decision z3 settles used at most RLIMIT_MEASURED_MAX units (``convex-quartic-
#: form`` in basics.toml, 0.04 s); the one it never settles (``linear-network-is-not-
#: convex`` asked "convex", refuted by the curvature search before z3 is asked) used
#: 7 to 10 million units in 60 s.  The test suite's harder examples need more:
#: ``(x² + y² + z²)² + (x + y + z)⁴`` used 1.6 million units (0.7 s), and is proved with
#: 3 million but not with 2 million (the minors' share runs out first).  So the default
#: is 5 million: 250 times what the shipped claims need, 3 times what the hardest
#: example proved in the tests needs; all 156 shipped answers are unchanged with it.
#: Units track time at about 2 to 3 million per second on most queries, but not on
#: all: nlsat's root isolation counts few units (the 8-variable quadratic-form queries
#: of that network loss ran 15 s on under 260,000 units), so the wall timeout remains
#: as a safety net and binds on such queries.
DEFAULT_RLIMIT = 5_000_000
#: The most units a settled decision on a shipped claim used (see DEFAULT_RLIMIT).
RLIMIT_MEASURED_MAX = 19_448


@dataclass(frozen=True, slots=True)
class PolynomialResult:
    """What the polynomial decision established, as data.

    ``convex``: True proved (``step`` says how), False refuted by ``point`` (variables and
    parameters, exact) and ``direction`` (variables, coprime integers) with vᵀ∇²f v < 0,
    already certified by ``kernel.evaluate.decide_curvature``; None no answer (``note`` says why).
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
    domains: Mapping[Symbol, Domain] | None,
    max_variables: int,
    max_degree: int,
) -> tuple[_Problem, ModuleType] | str:
    """The checks, cheapest first: the admitted problem, or why this prover does not apply.

    Structural checks come before importing z3 and before any expansion, so the prover
    costs next to nothing on the network losses and transcendental functions it cannot
    handle.  Floats are refused: their rational reading is a guess about the claim.
    ``domains`` None skips the domain checks (the problem is then built on REAL boxes,
    and is only used for its reason).
    """
    n, symbols = len(variables), variables + parameters
    if not variables:
        return "there are no variables"
    if n > max_variables:
        return f"{n} variables are above the limit {max_variables}"
    if len(symbols) > 2 * max_variables:
        return f"{len(symbols)} variables and parameters are above the limit {2 * max_variables}"
    if len(set(symbols)) != len(symbols):
        return "a symbol is listed twice among the variables and parameters"
    if not isinstance(expr, sympy.Expr):
        return "not an expression"
    if expr.has(sympy.Float):
        return "it contains a floating-point number (write it as a fraction)"
    stray = expr.free_symbols - set(symbols)
    if stray:
        names = ", ".join(sorted(str(s) for s in stray))
        return f"it contains symbols that are neither variables nor parameters: {names}"
    bound = degree_bound(expr, frozenset(symbols))
    if bound > max_degree:
        culprit = non_polynomial_part(expr, frozenset(symbols))
        if culprit is not None:
            return f"not a polynomial in its symbols (it contains {describe_term(culprit)})"
        if math.isinf(bound):
            return "the expression is nested too deeply to expand"
        return f"degree {int(bound)} is above the limit {max_degree}"
    resolved = {s: (domains or {}).get(s, REAL) for s in symbols}
    if domains is not None:
        for s in variables:
            d = resolved[s]
            # Convexity via the Hessian needs a box with nonempty interior.
            if d.lo is not None and d.hi is not None and not d.lo < d.hi:
                return f"the domain of {s} has no interior"
        for s in parameters:
            d = resolved[s]
            # An empty parameter domain makes every claim vacuous: say nothing.
            if d.lo is not None and d.hi is not None:
                if d.lo > d.hi or (d.lo == d.hi and (d.lo_open or d.hi_open)):
                    return f"the domain of parameter {s} is empty"
    z3 = _import_z3()
    if isinstance(z3, str):
        return z3
    expanded = _expand(expr, symbols, n)
    if isinstance(expanded, str):
        return expanded
    degree, entries = expanded
    hessian = dict(entries)
    if degree > max_degree:
        return f"degree {degree} is above the limit {max_degree}"
    terms = sum(len(h) for h in hessian.values())
    if terms > MAX_HESSIAN_TERMS:
        return f"its Hessian has {terms} terms, above the limit {MAX_HESSIAN_TERMS}"
    problem = _Problem(expr, variables, parameters, resolved, degree, hessian)
    return problem, z3


def polynomial_applicability(
    f: sympy.Expr,
    variables: tuple[Symbol, ...],
    parameters: tuple[Symbol, ...] = (),
    *,
    domains: Mapping[Symbol, Domain] | None = None,
    max_variables: int = 8,
    max_degree: int = 8,
) -> str | None:
    """None when the z3 decision applies to ``f``; otherwise the exact reason, as text.

    Examples: "z3-solver is not installed", "not a polynomial in its symbols (it
    contains exp(...))", "degree 10 is above the limit 8", "12 variables are above the
    limit 8".  :func:`decide_polynomial` returns None exactly when this returns a reason
    (for the same ``domains`` and limits; without ``domains`` the domain checks, which
    no claim file can fail, are skipped).  The expansion is cached, so asking first
    costs the decision nothing.
    """
    admitted = _admit(f, tuple(variables), tuple(parameters), domains, max_variables, max_degree)
    return admitted if isinstance(admitted, str) else None


@functools.lru_cache(maxsize=32)
def _expand(
    expr: sympy.Expr, symbols: tuple[Symbol, ...], n: int
) -> tuple[int, tuple[tuple[tuple[int, int], PolyElement], ...]] | str:
    """(degree, Hessian upper triangle in the first ``n`` symbols) over QQ, or why not.

    Cached: the applicability check and the decision expand once between them.
    """
    ring, *generators = polynomial_ring(symbols, QQ)
    poly = _to_ring(expr, ring, dict(zip(symbols, generators, strict=True)))
    if isinstance(poly, str):
        return poly
    degree = max((sum(m) for m in poly.itermonoms()), default=0)
    hessian = tuple(
        ((i, j), poly.diff(generators[i]).diff(generators[j]))
        for i, j in itertools.combinations_with_replacement(range(n), 2)
    )
    return degree, hessian


def _to_ring(
    expr: sympy.Expr, ring: PolyRing, generators: dict[Symbol, PolyElement]
) -> PolyElement | str:
    """The expression as a sparse polynomial over QQ, or why it is not one.

    Built node by node with ring arithmetic: ``Poly(expr)`` expands through ``expand()``
    first, which took 5 s for ``(q0 + ... + q7)**8`` against 0.06 s here.  Only Add, Mul,
    nonnegative integer powers, the generators and rational numbers are accepted, so
    the polynomial is exactly the expression (no reading of floats or constants like π).
    Products whose size could exceed MAX_TERMS are refused before they are formed.
    """
    memo: dict[sympy.Expr, PolyElement | None] = {}
    why: list[str] = []

    def refuse(reason: str) -> None:
        if not why:
            why.append(reason)

    def walk(node: sympy.Expr) -> PolyElement | None:
        if node in memo:
            return memo[node]
        result: PolyElement | None = None
        if node.is_Symbol:
            result = generators.get(node)
            if result is None:
                refuse(f"it contains the symbol {node}, which is not a variable or parameter")
        elif node.is_Rational:
            result = ring(node)
        elif node.is_Add or node.is_Mul:
            parts = [walk(arg) for arg in node.args]
            if all(part is not None for part in parts):
                result = _sum(ring, parts) if node.is_Add else _product(parts)
                if result is None:
                    refuse(f"its expansion would have more than {MAX_TERMS} terms")
        elif node.is_Pow and node.exp.is_Integer and node.exp >= 0:
            base, k = walk(node.base), int(node.exp)
            if base is not None:
                if math.comb(len(base) + k - 1, k) <= MAX_TERMS:
                    result = base**k
                else:
                    refuse(f"its expansion would have more than {MAX_TERMS} terms")
        elif not node.free_symbols:
            refuse(f"it has a coefficient that is not a rational number ({brief(node, 40)})")
        else:
            refuse(f"not a polynomial in its symbols (it contains {describe_term(node)})")
        memo[node] = result
        return result

    try:
        result = walk(expr)
    except RecursionError:
        return "the expression is nested too deeply to expand"
    if result is None:
        return why[0] if why else "not a polynomial with rational coefficients"
    return result


def _import_z3() -> ModuleType | str:
    """The z3 module, or why it cannot be used (a core dependency, but imports can fail)."""
    try:
        return importlib.import_module("z3")
    except ImportError as error:
        missing = getattr(error, "name", None) in ("z3", "z3core", "z3.z3core")
        if missing or "No module named 'z3" in str(error):
            return "z3-solver is not installed"
        return f"z3-solver cannot be imported ({error})"
    except OSError as error:  # the bundled libz3 failed to load
        return f"z3-solver cannot be imported ({error})"


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


# --- the queries, as SMT-LIB text --------------------------------------------------------
#
# Every query z3 answers is an SMT-LIB script in one exact format, so that a certificate
# holds the very text z3 was given and a checker can regenerate it from the function and
# the domains alone (docs/certificates.md describes the format):
#
#   (set-logic QF_NRA)
#   (declare-fun g0 () Real)            one per generator: the variables, then parameters
#   (declare-fun v1 () Real)            quadratic-form queries: v_i for i != k
#   (assert (> g0 0))                   each generator's bounds, lower then upper
#   (assert (>= v1 (- 1)))              quadratic-form queries: -1 <= v_i <= 1
#   (assert (<= v1 1))
#   (assert (< P 0))                    the violation (P a minor, or the form)
#   (check-sat)
#
# Numbers: n, (- n), (/ p q), (- (/ p q)).  A polynomial: its terms by decreasing
# exponent tuple, each (* c g_i g_i g_j ...) with c omitted when it is 1, a single
# factor written bare; a sum of several terms (+ ...), of none 0.  The form with v_k = 1
# is the sum over i <= j (in order) of nonzero entries H_ij of (* 2 v_i v_j H_ij), the 2
# only for i != j and v_k left out.


def _smt_number(q: Fraction) -> str:
    magnitude = (
        str(abs(q.numerator)) if q.denominator == 1 else (f"(/ {abs(q.numerator)} {q.denominator})")
    )
    return magnitude if q >= 0 else f"(- {magnitude})"


def _smt_apply(op: str, args: Sequence[str], empty: str) -> str:
    if not args:
        return empty
    if len(args) == 1:
        return args[0]
    return f"({op} {' '.join(args)})"


def _smt_poly(poly: PolyElement) -> str:
    """The exact SMT-LIB term of a polynomial over QQ in the generators g0, g1, ..."""
    terms = []
    for monom, c in sorted(_terms(poly), reverse=True):
        powers = [f"g{i}" for i, e in enumerate(monom) for _ in range(e)]
        factors = powers if c == 1 and powers else [_smt_number(c), *powers]
        terms.append(_smt_apply("*", factors, "1"))
    return _smt_apply("+", terms, "0")


class _Encoder:
    """Writes the queries of one problem as SMT-LIB text; z3 reads them in one private
    context (so concurrent calls never share state)."""

    def __init__(self, z3: ModuleType, problem: _Problem) -> None:
        self.z3 = z3
        self.problem = problem
        self.ctx = z3.Context()
        # Names are positional, so no user-chosen symbol name can clash or confuse z3.
        self.gens = [z3.Real(f"g{i}", self.ctx) for i in range(len(problem.gens))]
        self._entries: dict[tuple[int, int], str] = {}
        #: The context's cumulative resource count after the last check.
        self.rlimit_count = 0

    def entry(self, i: int, j: int) -> str:
        """The text of the Hessian entry (i, j), written once per problem."""
        key = (min(i, j), max(i, j))
        if key not in self._entries:
            self._entries[key] = _smt_poly(self.problem.hessian[key])
        return self._entries[key]

    def script(
        self, directions: Sequence[int], constraints: Sequence[str], *, open_box: bool
    ) -> str:
        """A whole query: declarations, the box (open in the variables when ``open_box``),
        the bounds of the direction components ``directions``, then ``constraints``."""
        problem = self.problem
        n = len(problem.variables)
        lines = ["(set-logic QF_NRA)"]
        lines += [f"(declare-fun g{i} () Real)" for i in range(len(problem.gens))]
        lines += [f"(declare-fun v{i} () Real)" for i in directions]
        for index, symbol in enumerate(problem.gens):
            d = problem.domains[symbol]
            strict_lo = d.lo_open or (open_box and index < n)
            strict_hi = d.hi_open or (open_box and index < n)
            if d.lo is not None:
                lines.append(
                    f"(assert ({'>' if strict_lo else '>='} g{index} {_smt_number(d.lo)}))"
                )
            if d.hi is not None:
                lines.append(
                    f"(assert ({'<' if strict_hi else '<='} g{index} {_smt_number(d.hi)}))"
                )
        for i in directions:
            lines += [f"(assert (>= v{i} (- 1)))", f"(assert (<= v{i} 1))"]
        lines += [f"(assert {c})" for c in constraints]
        lines.append("(check-sat)")
        return "\n".join(lines) + "\n"

    def quadratic_form(self, k: int) -> str:
        """vᵀH v with v_k = 1, as text."""
        parts = []
        for (i, j), h in self.problem.hessian.items():
            if not h:
                continue
            factors = ["2"] if i != j else []
            factors += [f"v{m}" for m in (i, j) if m != k]
            parts.append(_smt_apply("*", [*factors, self.entry(i, j)], "1"))
        return _smt_apply("+", parts, "0")


#: A query builds its text lazily (so building time counts against the budget); None
#: means it could not be built, which counts as "unknown".
_Query = Callable[[], str | None]


class _Budget:
    """What one decision may spend: z3 resource units (deterministic) and wall time.

    ``units`` None means no resource limit: the time is then shared out as the units
    would be.  With units, the wall deadline is only a safety net (each query may use
    all the time left), so the answer does not depend on the machine's speed.
    """

    def __init__(self, units: int | None, deadline: float) -> None:
        self.units = units
        self.deadline = deadline

    def phase(self, share: float, start: float) -> _Budget:
        """A first phase's part of the budget: ``share`` of the units (or of the time)."""
        if self.units is not None:
            return _Budget(max(1, int(self.units * share)), self.deadline)
        return _Budget(None, start + (self.deadline - start) * share)

    def spend(self, used: int) -> None:
        if self.units is not None:
            self.units = max(0, self.units - used)


def _count(solver: Any) -> int | None:
    """The context's cumulative resource count after a check (z3's "rlimit count")."""
    statistics = solver.statistics()
    for key in statistics.keys():
        if key == "rlimit count":
            return int(statistics.get_key_value(key))
    return None


def _run(
    encoder: _Encoder, queries: Sequence[_Query], budget: _Budget
) -> tuple[str, Any, tuple[str, ...]]:
    """Check the queries, each on a fresh solver, with a fair share of the budget left.

    Returns ("sat", model, ()) at the first sat, ("unsat", None, texts) when every query
    is unsat (``texts``: each query's SMT-LIB text, in order), else ("unknown", None, ()).
    Every query is a disjunct of one existential sentence, so one sat answers the whole;
    an unknown does not stop the search for a sat.  Queries that ran out are retried
    once with what the quick ones left over (measured: the last 3×3 minor of a
    4-variable quartic needed 8.1 s when its fair share was 7.7 s and the full
    determinant after it took 0.02 s).  The units each check used are subtracted from
    ``budget.units``, so the next phase gets exactly what is left.
    """
    z3 = encoder.z3
    built: dict[int, str] = {}
    pending = list(range(len(queries)))
    unknown = False
    for attempt in range(2):
        timed_out = []
        for position, index in enumerate(pending):
            if time.perf_counter() >= budget.deadline:
                return "unknown", None, ()
            if budget.units is not None and budget.units <= 0:
                return "unknown", None, ()
            if index not in built:
                text = queries[index]()
                if text is None:
                    unknown = True
                    continue
                built[index] = text
            # The share is computed after building, so building time is not given twice.
            left = budget.deadline - time.perf_counter()
            if left <= 0:
                return "unknown", None, ()
            solver = z3.SolverFor("QF_NRA", ctx=encoder.ctx)
            if budget.units is None:
                solver.set("timeout", max(1, int(1000 * left / (len(pending) - position))))
            else:
                solver.set("timeout", max(1, int(1000 * left)))  # the safety net only
                solver.set("rlimit", max(1, budget.units // (len(pending) - position)))
            # z3 reads the very text the proof records.
            solver.from_string(built[index])
            try:
                answer = solver.check()
            except z3.Z3Exception:
                answer = None
            count = _count(solver)
            if count is not None:
                budget.spend(count - encoder.rlimit_count)
                encoder.rlimit_count = count
            if answer == z3.sat:
                return "sat", solver.model(), ()
            if answer != z3.unsat:
                timed_out.append(index)
        if not timed_out:
            break
        pending = timed_out
        if attempt == 1:
            unknown = True
    if unknown:
        return "unknown", None, ()
    return "unsat", None, tuple(built[i] for i in range(len(queries)))


def _minor_queries(
    encoder: _Encoder, subsets: Sequence[tuple[int, ...]], relation: str, *, open_box: bool
) -> list[_Query]:
    """One query "minor_S(x) < 0" (or "<= 0") per index set S."""
    problem = encoder.problem

    def query(subset: tuple[int, ...]) -> _Query:
        def build() -> str | None:
            rows = [[problem.entry(i, j) for j in subset] for i in subset]
            if max(len(h) for row in rows for h in row) ** len(subset) > MAX_MINOR_WORK:
                return None
            minor = _determinant(rows)
            if len(minor) > MAX_MINOR_TERMS:
                return None
            return encoder.script((), [f"({relation} {_smt_poly(minor)} 0)"], open_box=open_box)

        return build

    return [query(s) for s in subsets]


def _form_queries(encoder: _Encoder, relation: str, *, open_box: bool) -> list[_Query]:
    """The n normalised quadratic-form queries "vᵀHv < 0" (or "<= 0")."""
    n = len(encoder.problem.variables)

    def query(k: int) -> _Query:
        def build() -> str:
            others = [i for i in range(n) if i != k]
            atom = f"({relation} {encoder.quadratic_form(k)} 0)"
            return encoder.script(others, [atom], open_box=open_box)

        return build

    return [query(k) for k in range(n)]


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
    rlimit: int | None = None,
) -> PolynomialResult | None:
    """Decide whether a polynomial is convex on the box for EVERY parameter value.

    None (quickly, before importing z3 or expanding) when this prover does not apply:
    exactly when :func:`polynomial_applicability` gives a reason (z3 missing, not a
    polynomial with rational coefficients, too many symbols, degree above
    ``max_degree``, a box without interior).  Otherwise a :class:`PolynomialResult`,
    whose ``convex`` is None when z3 ran out of resources or time, or no rational
    witness was certified.

    ``rlimit`` is the decision's budget of z3 resource units (None: DEFAULT_RLIMIT;
    0: no resource limit, the time is shared out instead): deterministic, so the answer
    is the same on any machine.  ``timeout_ms`` bounds the whole decision as a safety
    net; z3 overran it by at most tens of ms in our measurements for the sizes admitted
    (MAX_HESSIAN_TERMS), not by seconds.
    """
    start = time.perf_counter()
    admitted = _admit(expr, variables, parameters, domains, max_variables, max_degree)
    if isinstance(admitted, str):
        return None
    problem, z3 = admitted
    budget = _Budget(_units(rlimit), start + timeout_ms / 1000)
    n = len(variables)
    full_minors = n <= MAX_MINOR_VARIABLES
    subsets = _principal_subsets(n) if full_minors else [(i,) for i in range(n)]
    share = _MINOR_SHARE if full_minors else _PROBE_SHARE
    saw_sat = False
    try:
        encoder = _Encoder(z3, problem)
        # (queries, budget, whether "all unsat" proves convexity, the method's name)
        first = budget.phase(share, start)
        phases = [
            (
                _minor_queries(encoder, subsets, "<", open_box=True),
                first,
                full_minors,
                "principal-minors",
            ),
            (_form_queries(encoder, "<", open_box=True), budget, True, "quadratic-form"),
        ]
        for queries, phase_budget, complete, method in phases:
            before = encoder.rlimit_count
            status, model, texts = _run(encoder, queries, phase_budget)
            if phase_budget is first:
                budget.spend(encoder.rlimit_count - before)
            if status == "unsat" and complete and not saw_sat:
                step = _proof_step(z3, problem, method, texts, strict=False)
                return PolynomialResult(True, step, None, None)
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
    elif budget.units is not None and time.perf_counter() < budget.deadline:
        note = f"z3: unknown within {_units(rlimit)} resource units (rlimit)"
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
    rlimit: int | None = None,
) -> ProofStep | None:
    """A proof (rule ``polynomial-hessian``, conclusion ``strictly-convex``) that the
    Hessian is positive DEFINITE at every point of the box (closed where the domain is
    closed), for every parameter value; otherwise None (never a refutation).

    PD everywhere implies strict convexity (along any segment the second derivative is
    positive), but not conversely: ``x**4`` is strictly convex with H(0) = 0, and such
    cases are missed here on purpose (the univariate prover catches them; in several
    variables "PD off a set with empty interior" is not a sufficient condition one can
    simply ask z3).  The queries: Sylvester's criterion (leading principal minors > 0,
    for at most MAX_MINOR_VARIABLES variables), else the normalised form vᵀHv > 0.  The
    box is the *actual* domain here, not its interior: strictness on boundary segments
    needs PD on the boundary too.  ``rlimit`` and ``timeout_ms`` as for
    :func:`decide_polynomial`.
    """
    start = time.perf_counter()
    admitted = _admit(expr, variables, parameters, domains, max_variables, max_degree)
    if isinstance(admitted, str):
        return None
    problem, z3 = admitted
    budget = _Budget(_units(rlimit), start + timeout_ms / 1000)
    n = len(variables)
    try:
        encoder = _Encoder(z3, problem)
        if n <= MAX_MINOR_VARIABLES:
            leading = [tuple(range(k)) for k in range(1, n + 1)]
            first = budget.phase(_MINOR_SHARE, start)
            queries = _minor_queries(encoder, leading, "<=", open_box=False)
            status, _, texts = _run(encoder, queries, first)
            budget.spend(encoder.rlimit_count)
            if status == "unsat":
                return _proof_step(z3, problem, "leading-minors", texts, strict=True)
            if status == "sat":
                return None  # not PD somewhere (per z3): the form cannot be unsat either
        queries = _form_queries(encoder, "<=", open_box=False)
        status, _, texts = _run(encoder, queries, budget)
    except z3.Z3Exception:
        return None
    if status != "unsat":
        return None
    return _proof_step(z3, problem, "quadratic-form", texts, strict=True)


def _units(rlimit: int | None) -> int | None:
    """The resource budget: DEFAULT_RLIMIT for None, no limit (None) for 0."""
    if rlimit is None:
        return DEFAULT_RLIMIT
    if isinstance(rlimit, bool) or not isinstance(rlimit, int) or rlimit < 0:
        raise ValueError(f"rlimit must be a nonnegative integer or None, not {rlimit!r}")
    return rlimit or None


def _principal_subsets(n: int) -> list[tuple[int, ...]]:
    """All nonempty index sets, smallest first: small minors are cheap and refute often."""
    return [s for size in range(1, n + 1) for s in itertools.combinations(range(n), size)]


def _direction_symbols(n: int, taken: set[str]) -> tuple[Symbol, ...]:
    """Fresh real symbols v0, v1, ... for the direction (underscores added on a clash)."""
    prefix = "v"
    while any(f"{prefix}{i}" in taken for i in range(n)):
        prefix += "_"
    return tuple(Symbol(f"{prefix}{i}", real=True) for i in range(n))


def _proof_step(
    z3: ModuleType, problem: _Problem, method: str, texts: tuple[str, ...], *, strict: bool
) -> ProofStep:
    """The step: every query of ``method`` (``texts``, what z3 read) was unsat."""
    gens = problem.gens
    direction = _direction_symbols(len(problem.variables), {s.name for s in gens})
    parts = []
    for (i, j), h in problem.hessian.items():
        if h:
            weight = 1 if i == j else 2
            parts.append(weight * direction[i] * direction[j] * h.as_expr(*gens))
    fact = PolynomialFact(
        form=sympy.Add(*parts),
        symbols=gens,
        direction=direction,
        method=method,
        smtlib=texts,
        solver="z3",
        version=z3.get_version_string(),
        result="unsat",
        strict=strict,
    )
    return ProofStep(
        rule=RULE,
        subject=problem.expr,
        conclusion="strictly-convex" if strict else "convex",
        facts=(fact,),
    )
