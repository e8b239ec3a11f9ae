"""Replay of ``symbolic-hessian``: a Hessian formed symbolically and proved definite.

The checker re-derives everything from the subject, the context and the recorded data:

* the subject is smooth (no abs/max/min/Piecewise, ...) and defined on the whole closed
  box (the ``defined`` fact, re-derived), so it is continuous there; it depends on no
  variable of the context outside the Hessian's variables, each of which has a domain
  with nonempty interior;
* the Hessian entries are recomputed (``diff(diff(f, x_i), x_j)``, i <= j, row by row,
  exactly as the prover forms them) and must equal the recorded ones as trees; every
  entry is defined on the box of the conditions (the open box of the variables for
  ``interior``, the domains as given for ``domain``; parameters over their domains);
* the exponential substitution and the field of rational functions are recomputed by
  the kernel (:func:`convexity_proofs.kernel.positivity.rational_hessian`); the recorded
  definitions, bounds and generators must be the ones it gives;
* every minor the method needs (all principal minors, or the leading ones) is computed
  by the checker's own cofactor expansion in the field (the prover eliminates), and the
  recorded numerator/denominator, each a constant times powers of factors, must equal
  it as a fraction: N_rec·D = N·D_rec as polynomials over QQ;
* the sign of every factor is shown by a fact of the step, replayed on the box of the
  generators (the new symbols over their recorded bounds): ``sign`` (one enclosure, or
  pieces of a subdivision), ``coefficient-sign`` (recomputed by the kernel), or
  ``solver-sign`` (the SMT-LIB text written again and compared; z3's ``unsat`` trusted
  unless ``recheck_z3``).  The signs of the factors, raised to their multiplicities and
  multiplied, must give the minor's sign: every denominator factor nonzero, the minor
  >= 0 (principal minors) or > 0 (leading minors).  Every sign fact must be needed.

What follows: with every principal minor >= 0 on the open box, H is PSD there and f is
convex on the open box, hence (continuous) on the closed box; with every leading minor
> 0, H is positive definite (Sylvester), so f is convex, and strictly convex when that
holds on the domain as given (``domain``) in all the variables of the context.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from fractions import Fraction

import sympy
from sympy import QQ, Poly
from sympy.polys.polyerrors import BasePolynomialError
from sympy.polys.rings import PolyElement, PolyRing

from convexity_proofs._brief import brief
from convexity_proofs._proof import (
    CoefficientSignFact,
    DefinedFact,
    Factored,
    MinorFact,
    ProofStep,
    SignFact,
    SolverSignFact,
    SymbolicHessianFact,
)
from convexity_proofs._values import REAL, Domain
from convexity_proofs.checker._core import Checker, CheckFailure, Context, require, rule
from convexity_proofs.checker._size import MAX_FUNCTION_DEPTH, function_depth
from convexity_proofs.checker.composition import only_facts, replay_sign
from convexity_proofs.checker.polynomial import RECHECK_TIMEOUT_MS, smt_poly, smt_script
from convexity_proofs.checker.second_order import replay_defined
from convexity_proofs.functions import NON_SMOOTH_HEADS
from convexity_proofs.kernel.intervals import Undefined, range_of
from convexity_proofs.kernel.positivity import RationalHessian, coefficient_sign, rational_hessian

#: Limits on what a certificate may ask the checker to compute (untrusted input).
MAX_VARIABLES = 6
MAX_PRINCIPAL_VARIABLES = 5
MAX_SUBJECT_OPS = 2000
MAX_FACTORS = 64
MAX_MULTIPLICITY = 64
#: log10 of the terms a product of factors could have before it is expanded.
MAX_PRODUCT_DIGITS = 6
#: log10 of the terms a cofactor expansion's products could have (the prover's limit).
MAX_DETERMINANT_DIGITS = 7

#: sign -> the set of signs (-1, 0, 1) of the values it allows.
SIGN_SETS: dict[str | None, frozenset[int]] = {
    "positive": frozenset({1}),
    "negative": frozenset({-1}),
    "nonnegative": frozenset({0, 1}),
    "nonpositive": frozenset({-1, 0}),
    "nonzero": frozenset({-1, 1}),
    None: frozenset({-1, 0, 1}),
}
_VIOLATION = {"positive": "<=", "nonnegative": "<", "negative": ">=", "nonpositive": ">"}
_STRENGTH = {
    "positive": frozenset({"positive", "nonnegative"}),
    "negative": frozenset({"negative", "nonpositive"}),
    "nonnegative": frozenset({"nonnegative"}),
    "nonpositive": frozenset({"nonpositive"}),
    "zero": frozenset({"nonnegative", "nonpositive"}),
}

SignFacts = SignFact | CoefficientSignFact | SolverSignFact
SIGN_FACTS = (SignFact, CoefficientSignFact, SolverSignFact)


def _show(expr: sympy.Basic) -> str:
    return brief(expr, 60)


def _entries(subject: sympy.Expr, variables: tuple[sympy.Symbol, ...]) -> list[sympy.Expr]:
    gradient = [sympy.diff(subject, v) for v in variables]
    n = len(variables)
    return [sympy.diff(gradient[i], variables[j]) for i in range(n) for j in range(i, n)]


def _box(
    variables: tuple[sympy.Symbol, ...],
    parameters: tuple[sympy.Symbol, ...],
    context: Context,
    kind: str,
) -> dict[sympy.Symbol, Domain]:
    box = {}
    for v in variables:
        d = context.domains.get(v, REAL)
        if kind == "interior":
            d = Domain(d.lo, d.hi, d.lo is not None, d.hi is not None, "interval")
        box[v] = d
    for p in parameters:
        box[p] = context.domains.get(p, REAL)
    return box


def polynomial_determinant(
    matrix: Mapping[tuple[int, int], PolyElement], rows: tuple[int, ...], one: PolyElement
) -> PolyElement:
    """det of the principal submatrix on ``rows``: cofactor (Laplace) expansion along
    the rows, memoised over the columns left (2**k subproblems, polynomial products
    only).  The prover computes its minors with this same function."""
    k = len(rows)
    memo: dict[tuple[int, ...], PolyElement] = {}

    def minor(columns: tuple[int, ...]) -> PolyElement:
        r = k - len(columns)
        if r == k:
            return one
        if columns in memo:
            return memo[columns]
        total = one - one
        for position, c in enumerate(columns):
            a = matrix[(rows[r], c)]
            if not a:
                continue
            rest = minor(columns[:position] + columns[position + 1 :])
            total = total - a * rest if position % 2 else total + a * rest
        memo[columns] = total
        return total

    return minor(rows)


def _digits(terms: int, power: int) -> float:
    """log10 of the most terms a polynomial with ``terms`` terms has to the ``power``."""
    return math.log10(math.comb(max(terms, 1) + power - 1, power)) if power else 0.0


def _ring_element(
    expr: sympy.Expr, generators: tuple[sympy.Symbol, ...], ring: PolyRing, what: str
) -> PolyElement:
    """A polynomial over QQ in the generators, as an element of ``ring``."""
    require(
        expr.free_symbols <= set(generators),
        lambda: f"{what}: {_show(expr)} has symbols outside the generators",
    )
    try:
        poly = Poly(expr, *generators, domain=QQ)
    except (BasePolynomialError, ValueError, TypeError) as exc:
        raise CheckFailure(
            f"{what}: {_show(expr)} is not a polynomial over QQ in the generators ({exc})"
        ) from None
    return ring.from_dict({m: QQ.convert(c) for m, c in poly.terms()})


def _factors(
    factored: Factored, generators: tuple[sympy.Symbol, ...], ring: PolyRing, what: str
) -> list[tuple[sympy.Expr, PolyElement, int]]:
    require(len(factored.factors) <= MAX_FACTORS, f"{what}: more than {MAX_FACTORS} factors")
    out = []
    for expr, k in factored.factors:
        require(1 <= k <= MAX_MULTIPLICITY, f"{what}: a multiplicity out of 1..{MAX_MULTIPLICITY}")
        p = _ring_element(expr, generators, ring, what)
        require(not p.is_ground, lambda: f"{what}: the factor {_show(expr)} is a constant")
        out.append((expr, p, k))
    return out


def _product(
    constant: Fraction, powers: list[tuple[PolyElement, int]], ring: PolyRing, what: str
) -> PolyElement:
    """constant · Π p**k, its size bounded before it is expanded."""
    digits = sum(_digits(len(p), k) for p, k in powers)
    require(digits <= MAX_PRODUCT_DIGITS, f"{what}: a product of factors is too large to expand")
    total = ring(QQ(constant.numerator, constant.denominator))
    for p, k in powers:
        total = total * p**k
    return total


def _constant_signs(factored: Factored) -> frozenset[int]:
    c = factored.constant
    return frozenset({1 if c > 0 else (-1 if c < 0 else 0)})


def _powered(signs: frozenset[int], k: int) -> frozenset[int]:
    return frozenset(s**k for s in signs)


def _times(a: frozenset[int], b: frozenset[int]) -> frozenset[int]:
    return frozenset(x * y for x in a for y in b)


class _SignReplay:
    """The step's sign facts, matched by subject and replayed once each, on the box."""

    def __init__(
        self,
        facts: list[SignFacts],
        generators: tuple[sympy.Symbol, ...],
        box: dict[sympy.Symbol, Domain],
        checker: Checker,
        what: str,
    ) -> None:
        self.facts = facts
        self.generators = generators
        self.box = box
        self.context = Context(generators, box)
        self.checker = checker
        self.what = what
        self.used: set[int] = set()
        self.replayed: set[int] = set()

    def sign_of(self, factor: sympy.Expr, need: str | None) -> str | None:
        """The sign a fact shows for ``factor`` (None when none is needed and none is
        recorded); fails when ``need`` ("strict" or "weak") is not met."""
        candidates = [i for i, f in enumerate(self.facts) if f.subject == factor]
        if not candidates:
            require(need is None, lambda: f"{self.what}: no fact shows the sign of {_show(factor)}")
            return None
        i = candidates[0]
        fact = self.facts[i]
        self.used.add(i)
        if i not in self.replayed:
            self._replay(fact)
            self.replayed.add(i)
        if need == "strict":
            require(
                fact.sign in ("positive", "negative"),
                lambda: (
                    f"{self.what}: {_show(factor)} is only {fact.sign}, a strict sign is needed"
                ),
            )
        return fact.sign

    def _replay(self, fact: SignFacts) -> None:
        what = self.what
        if isinstance(fact, SignFact):
            require(
                fact.sign in ("positive", "negative", "nonnegative", "nonpositive"),
                f"{what}: unknown sign {fact.sign!r}",
            )
            replay_sign(fact, self.context, f"{what}: {_show(fact.subject)} is {fact.sign}")
            return
        require(
            fact.sign in _VIOLATION,
            f"{what}: unknown sign {fact.sign!r} of {_show(fact.subject)}",
        )
        poly = Poly(fact.subject, *self.generators, domain=QQ)
        if isinstance(fact, CoefficientSignFact):
            shifts: dict[sympy.Symbol, tuple] = {}
            for g, a, d in fact.shifts:
                require(g in self.generators, f"{what}: a shift of {g}, not a generator")
                require(g not in shifts, f"{what}: {g} is shifted twice")
                require(d in (1, -1), f"{what}: a shift direction must be 1 or -1")
                # A shift is to the bound of the box it starts from (what the prover
                # writes): any other offset only makes the expansion costlier to replay.
                bound = self.box.get(g, REAL).lo if d == 1 else self.box.get(g, REAL).hi
                require(a == bound, f"{what}: {g} is not shifted to its bound on the box")
                shifts[g] = (a, d)
            shown = coefficient_sign(poly, shifts, self.box)
            require(
                shown is not None and fact.sign in _STRENGTH.get(shown, frozenset()),
                lambda: (
                    f"{what}: the coefficients of {_show(fact.subject)} show "
                    f"{shown or 'no sign'}, not {fact.sign}"
                ),
            )
            return
        require(fact.solver == "z3", f"{what}: unknown solver {fact.solver!r}")
        require(fact.result == "unsat", f"{what}: the query is {fact.result!r}, not unsat")
        require(
            tuple(fact.symbols) == self.generators,
            f"{what}: the query's symbols are not the generators",
        )
        domains = [self.box.get(g, REAL) for g in self.generators]
        text = smt_script(
            domains, 0, (), f"({_VIOLATION[fact.sign]} {smt_poly(poly)} 0)", open_box=False
        )
        require(
            text == fact.smtlib,
            lambda: (
                f"{what}: the SMT-LIB query for {_show(fact.subject)} is not the one the "
                "checker writes"
            ),
        )
        if self.checker.recheck_z3:
            _recheck(fact, what)

    def all_used(self) -> None:
        for i, fact in enumerate(self.facts):
            require(
                i in self.used,
                lambda: (
                    f"{self.what}: the fact about {_show(fact.subject)} is no condition of the rule"
                ),
            )


def _recheck(fact: SolverSignFact, what: str) -> None:
    try:
        import z3
    except ImportError:
        raise CheckFailure(
            f"{what}: --recheck-z3 needs z3-solver, which is not installed"
        ) from None
    solver = z3.SolverFor("QF_NRA", ctx=z3.Context())
    solver.set("timeout", RECHECK_TIMEOUT_MS)
    try:
        solver.from_string(fact.smtlib)
        answer = solver.check()
    except z3.Z3Exception as exc:
        raise CheckFailure(f"{what}: z3 cannot read a query ({exc})") from None
    require(answer == z3.unsat, f"{what}: z3 answers {answer} on a query, not unsat")


def _check_minor(
    fact: MinorFact,
    det: PolyElement,
    common: list[tuple[sympy.Expr, PolyElement, int]],
    common_constant: Fraction,
    generators: tuple[sympy.Symbol, ...],
    ring: PolyRing,
    signs: _SignReplay,
    need: str,
    what: str,
) -> None:
    """minor = det(M_S) / L**k; the recorded N/D must equal it: det(M_S) = N·(L**k / D),
    where D's factors are L's and L**k / D is formed exactly from the multiplicities."""
    rows = ", ".join(str(i + 1) for i in fact.subset)
    where = f"{what}: minor ({rows})"
    k = len(fact.subset)
    require(fact.sign == need, f"{where}: recorded as {fact.sign}, the method needs {need}")
    require(fact.denominator.constant != 0, f"{where}: the denominator's constant is 0")
    num_factors = _factors(fact.numerator, generators, ring, where)
    left = {i: k * e for i, (_, _, e) in enumerate(common)}
    den_factors = []
    for expr, m in fact.denominator.factors:
        index = next((i for i, (c, _, _) in enumerate(common) if c == expr), None)
        require(
            index is not None,
            lambda: f"{where}: the denominator factor {_show(expr)} is not a factor of L",
        )
        assert index is not None
        require(1 <= m <= left[index], f"{where}: {_show(expr)} is raised above its power in L**k")
        left[index] -= m
        den_factors.append((expr, common[index][1], m))
    quotient = _product(
        common_constant**k / fact.denominator.constant,
        [(common[i][1], m) for i, m in left.items() if m],
        ring,
        where,
    )
    numerator = _product(fact.numerator.constant, [(p, m) for _, p, m in num_factors], ring, where)
    require(
        det == numerator * quotient,
        f"{where}: the recorded numerator/denominator is not the minor of the Hessian",
    )
    num_signs = _constant_signs(fact.numerator)
    for factor, _, m in num_factors:
        want = "strict" if need == "positive" else ("weak" if m % 2 else None)
        shown = signs.sign_of(factor, want)
        num_signs = _times(num_signs, _powered(SIGN_SETS[shown], m))
    den_signs = _constant_signs(fact.denominator)
    for factor, _, m in den_factors:
        shown = signs.sign_of(factor, "strict")
        den_signs = _times(den_signs, _powered(SIGN_SETS[shown], m))
    require(0 not in den_signs, f"{where}: the denominator may vanish")
    require(
        _times(num_signs, den_signs) <= SIGN_SETS[need],
        f"{where}: the signs of its factors do not make it {need}",
    )


@rule("symbolic-hessian")
def check_symbolic_hessian(step: ProofStep, context: Context, checker: Checker) -> None:
    what = "symbolic Hessian"
    only_facts(
        step,
        (
            DefinedFact,
            SymbolicHessianFact,
            MinorFact,
            SignFact,
            CoefficientSignFact,
            SolverSignFact,
        ),
        what,
    )
    found = step.facts_of(SymbolicHessianFact)
    require(len(found) == 1, f"{what}: needs exactly one symbolic-hessian fact")
    hessian: SymbolicHessianFact = found[0]
    variables = tuple(hessian.variables)
    n = len(variables)
    require(1 <= n <= MAX_VARIABLES, f"{what}: {n} variables, not 1 to {MAX_VARIABLES}")
    require(len(set(variables)) == n, f"{what}: a variable is listed twice")
    require(
        all(context.is_variable(v) for v in variables),
        f"{what}: the Hessian is in symbols that are not variables of the step",
    )
    subject = step.subject
    others = {s for s in subject.free_symbols if context.is_variable(s)} - set(variables)
    require(not others, f"{what}: the subject depends on variables outside the Hessian")
    require(not subject.has(*NON_SMOOTH_HEADS), f"{what}: the subject is not smooth")
    require(
        int(sympy.count_ops(subject, visual=False)) <= MAX_SUBJECT_OPS,
        f"{what}: the subject has more than {MAX_SUBJECT_OPS} operations",
    )
    require(
        function_depth(subject) <= MAX_FUNCTION_DEPTH,
        f"{what}: functions are nested deeper than {MAX_FUNCTION_DEPTH}",
    )
    require(
        hessian.method in ("principal-minors", "leading-minors"),
        f"{what}: unknown method {hessian.method!r}",
    )
    require(
        hessian.method != "principal-minors" or n <= MAX_PRINCIPAL_VARIABLES,
        f"{what}: principal minors are re-checked for at most {MAX_PRINCIPAL_VARIABLES} variables",
    )
    require(hessian.box in ("interior", "domain"), f"{what}: unknown box {hessian.box!r}")
    for v in variables:
        d = context.domains.get(v, REAL)
        require(
            d.lo is None or d.hi is None or d.lo < d.hi,
            f"{what}: the domain of {v} has no interior",
        )
    replay_defined(step, context, what)
    entries = _entries(subject, variables)
    require(
        len(hessian.entries) == len(entries),
        f"{what}: {len(hessian.entries)} entries are recorded, the Hessian has {len(entries)}",
    )
    for k, (recorded, mine) in enumerate(zip(hessian.entries, entries, strict=True)):
        require(recorded == mine, f"{what}: Hessian entry {k} is not the one the subject gives")
    parameters = tuple(sorted(subject.free_symbols - set(variables), key=lambda s: s.name))
    box = _box(variables, parameters, context, hessian.box)
    for k, entry in enumerate(entries):
        try:
            range_of(entry, box)
        except Undefined as exc:
            raise CheckFailure(
                f"{what}: Hessian entry {k} is not shown defined on the box ({exc})"
            ) from None
    rh = rational_hessian(entries, variables, box)
    require(rh is not None, f"{what}: the entries are not rational after the substitution")
    assert rh is not None
    require(
        tuple(hessian.generators) == rh.generators,
        f"{what}: the recorded generators are not the ones the substitution gives",
    )
    require(
        tuple(hessian.substitution) == rh.definitions,
        f"{what}: the recorded substitution is not the one the kernel computes",
    )
    require(
        tuple(hessian.bounds) == rh.bounds,
        f"{what}: the recorded bounds of the new symbols are not the kernel's",
    )
    _replay_minors(step, hessian, rh, box, checker, what)
    require(
        step.conclusion in ("convex", "strictly-convex"),
        f"{what}: the rule concludes convex or strictly-convex, not {step.conclusion}",
    )
    if step.conclusion == "strictly-convex":
        require(
            hessian.method == "leading-minors" and hessian.box == "domain",
            f"{what}: strict convexity needs the leading minors > 0 on the whole domain",
        )
        require(
            set(variables) == set(context.variables),
            f"{what}: strict convexity in {sorted(map(str, variables))} is not strict "
            f"convexity in all the variables {[str(v) for v in context.variables]}",
        )


def _replay_minors(
    step: ProofStep,
    hessian: SymbolicHessianFact,
    rh: RationalHessian,
    box: Mapping[sympy.Symbol, Domain],
    checker: Checker,
    what: str,
) -> None:
    n = len(hessian.variables)
    if hessian.method == "leading-minors":
        subsets = [tuple(range(k)) for k in range(1, n + 1)]
        need = "positive"
    else:
        subsets = [s for size in range(1, n + 1) for s in itertools.combinations(range(n), size)]
        need = "nonnegative"
    minors = step.facts_of(MinorFact)
    require(
        [tuple(m.subset) for m in minors] == subsets,
        f"{what}: the recorded minors are not the {len(subsets)} the method needs, in order",
    )
    generators = rh.generators
    ring = rh.field.ring
    # The common denominator L: every entry's denominator divides it, and M = L·H.
    common = _factors(hessian.denominator, generators, ring, f"{what}: the denominator L")
    require(hessian.denominator.constant != 0, f"{what}: the denominator L is 0")
    require(
        len({c for c, _, _ in common}) == len(common),
        f"{what}: a factor of the denominator L is listed twice",
    )
    whole = _product(
        hessian.denominator.constant, [(p, e) for _, p, e in common], ring, f"{what}: L"
    )
    matrix: dict[tuple[int, int], PolyElement] = {}
    for i in range(n):
        for j in range(i, n):
            element = rh.entry(i, j, n)
            quotient, remainder = divmod(whole, element.denom)
            require(not remainder, f"{what}: L is not a multiple of entry ({i}, {j})'s denominator")
            matrix[(i, j)] = matrix[(j, i)] = element.numer * quotient
    gens_box = dict(box)
    for s, b in rh.bounds:
        gens_box[s] = Domain(b.lo, b.hi, b.lo_open, b.hi_open, "interval")
    sign_facts = [
        f for f in step.facts if isinstance(f, SignFact | CoefficientSignFact | SolverSignFact)
    ]
    signs = _SignReplay(sign_facts, generators, gens_box, checker, what)
    for fact, subset in zip(minors, subsets, strict=True):
        digits = sum(math.log10(max(1, max(len(matrix[(r, c)]) for c in subset))) for r in subset)
        require(
            digits <= MAX_DETERMINANT_DIGITS,
            f"{what}: the minor on {list(subset)} is too large to expand",
        )
        det = polynomial_determinant(matrix, subset, ring.one)
        _check_minor(
            fact,
            det,
            common,
            hessian.denominator.constant,
            generators,
            ring,
            signs,
            need,
            what,
        )
    signs.all_used()


__all__ = ["check_symbolic_hessian"]
