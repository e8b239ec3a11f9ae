"""The composition rule, written once, over the atom table.

An atom applied to arguments is convex when the atom is convex (on the arguments'
ranges) and each argument is affine, or convex where the atom is nondecreasing in it,
or concave where the atom is nonincreasing in it; concave symmetrically.  Sums add
curvatures; a constant factor keeps or flips curvature by its sign on the domain.

Every conclusion is a :class:`~convexity_proofs._proof.ProofStep` whose facts are the
atom-table rows it uses (:class:`AtomFact`) and each sign condition with the interval
enclosure that shows it on the claim's whole domain, parameters included
(:class:`SignFact`), so a proof is a tree of data a checker can replay.  When no rule
applies, the analysis is ``UNKNOWN`` and names the culprit: the smallest subexpression
at which the rules broke.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

import sympy

from convexity_proofs._brief import brief as _show
from convexity_proofs._proof import AtomFact, ContextFact, Fact, ProofStep, SignFact
from convexity_proofs._values import NEGATIVE as _NEGATIVE
from convexity_proofs._values import NONNEGATIVE as _NONNEGATIVE
from convexity_proofs._values import NONPOSITIVE as _NONPOSITIVE
from convexity_proofs._values import POSITIVE as _POSITIVE
from convexity_proofs._values import REAL as _REAL
from convexity_proofs._values import Domain
from convexity_proofs.kernel import intervals as _intervals
from convexity_proofs.kernel.subdivision import node_count, subdivide_sign
from convexity_proofs.provers.atoms import Atom, When, match_atoms


class Curvature(Enum):
    CONSTANT = "constant"
    AFFINE = "affine"
    CONVEX = "convex"
    CONCAVE = "concave"
    UNKNOWN = "unknown"

    @property
    def is_convex(self) -> bool:
        return self in (Curvature.CONSTANT, Curvature.AFFINE, Curvature.CONVEX)

    @property
    def is_concave(self) -> bool:
        return self in (Curvature.CONSTANT, Curvature.AFFINE, Curvature.CONCAVE)

    @property
    def is_affine(self) -> bool:
        return self in (Curvature.CONSTANT, Curvature.AFFINE)

    def negated(self) -> Curvature:
        swap = {Curvature.CONVEX: Curvature.CONCAVE, Curvature.CONCAVE: Curvature.CONVEX}
        return swap.get(self, self)

    @property
    def conclusion(self) -> str:
        """The conclusion a proof step draws (constants are affine)."""
        return "affine" if self.is_affine else self.value


def _join(curvatures: list[Curvature]) -> Curvature:
    """Curvature of a sum."""
    if all(c is Curvature.CONSTANT for c in curvatures):
        return Curvature.CONSTANT
    if all(c.is_affine for c in curvatures):
        return Curvature.AFFINE
    if all(c.is_convex for c in curvatures):
        return Curvature.CONVEX
    if all(c.is_concave for c in curvatures):
        return Curvature.CONCAVE
    return Curvature.UNKNOWN


@dataclass(frozen=True, slots=True)
class Analysis:
    curvature: Curvature
    step: ProofStep | None  # None for constants and bare variables (nothing to say)
    culprit: sympy.Expr | None = None
    why: str = ""
    #: For UNKNOWN: the rule that came closest to covering the culprit ("" if none).
    near: str = ""


#: A prover for subexpressions no rule covers, given the subexpression and the variables
#: it involves (never empty): returns an Analysis or None.
Fallback = Callable[[sympy.Expr, tuple[sympy.Symbol, ...]], Analysis | None]


class Composer:
    """Analyses one claim's function; results are memoised per subexpression."""

    def __init__(
        self,
        variables: tuple[sympy.Symbol, ...],
        domains: Mapping[sympy.Symbol, Domain],
        fallback: Fallback | None = None,
        ranges: dict[sympy.Expr, _intervals.Interval | None] | None = None,
    ) -> None:
        """``ranges``: the enclosures over the same box already computed (shared with
        the caller and filled in; by default the composer's own)."""
        self.variables = set(variables)
        self._ordered = tuple(variables)
        self.domains = domains
        self.fallback = fallback
        self._memo: dict[sympy.Expr, Analysis] = {}
        self._ranges: dict[sympy.Expr, _intervals.Interval | None] = (
            {} if ranges is None else ranges
        )
        self._depends_memo: dict[sympy.Basic, bool] = {}
        self._pieces: dict[tuple[sympy.Expr, str], SignFact | None] = {}

    def depends(self, expr: sympy.Basic) -> bool:
        """Does ``expr`` involve a variable?  Memoised: SymPy does not cache free_symbols,
        and recomputing it at every node makes the analysis quadratic in the size."""
        memo = self._depends_memo
        stack = [expr]
        while stack:
            node = stack[-1]
            if node in memo:
                stack.pop()
                continue
            if node.is_Symbol:
                memo[node] = node in self.variables
                stack.pop()
                continue
            pending = [a for a in node.args if a not in memo]
            if pending:
                stack.extend(pending)
                continue
            memo[node] = any(memo[a] for a in node.args)
            stack.pop()
        return memo[expr]

    # -- public ----------------------------------------------------------------------
    def analyse(self, expr: sympy.Expr) -> Analysis:
        if expr in self._memo:
            return self._memo[expr]
        result = self._analyse(expr)
        if result.curvature is Curvature.UNKNOWN and isinstance(expr, sympy.log):
            from convexity_proofs.provers import log_product  # it builds on this module

            result = log_product.prove(self, expr) or result
        if result.curvature is Curvature.UNKNOWN and self.fallback is not None:
            if self.depends(expr) and not expr.is_Add:
                present = expr.free_symbols  # not cached by SymPy: compute once
                own = tuple(v for v in self._ordered if v in present)
                rescued = self.fallback(expr, own)
                if rescued is not None:
                    result = rescued
        self._memo[expr] = result
        return result

    # -- rules -----------------------------------------------------------------------
    def _analyse(self, expr: sympy.Expr) -> Analysis:
        if not self.depends(expr):
            return Analysis(Curvature.CONSTANT, None)
        if expr.is_Symbol:
            return Analysis(Curvature.AFFINE, None)
        if expr.is_Add:
            return self._sum(expr)
        if expr.is_Mul:
            constant, varying = self._split_constant(expr)
            if constant != 1:
                return self._scaled(expr, constant, varying)
        first: Analysis | None = None
        for atom, args in match_atoms(expr, self.depends):  # the first that applies
            result = self._apply(expr, atom, args)
            if result.curvature is not Curvature.UNKNOWN:
                return result
            first = result if first is None else first
        if expr.is_Mul:
            return self._product(expr, first)
        if first is not None:
            return first
        return self._unknown(expr, f"no rule for {type(expr).__name__}")

    def _product(self, expr: sympy.Mul, atom: Analysis | None) -> Analysis:
        """A product no atom settles (``atom``: the first atom's unknown analysis): its
        exponential factors combined, the perspective rule, a sum factor distributed."""
        from convexity_proofs.provers import normal_forms  # it builds on this module

        combined = normal_forms.rewrite_product(self, expr, "combined-exponentials")
        if combined is not None:
            return combined
        if atom is not None:
            return atom
        perspective = self._perspective(expr)
        if perspective is not None:
            return perspective
        spread = normal_forms.rewrite_product(self, expr, "distributed-product")
        if spread is not None:
            return spread
        return self._unknown(expr, "a product of factors that all depend on the variables")

    def _ratio_domain(self, ratio: sympy.Expr) -> tuple[Domain, SignFact | None]:
        """The named domain the range of ``ratio`` is shown to lie in, with its sign fact."""
        for sign, domain in (
            ("positive", _POSITIVE),
            ("nonnegative", _NONNEGATIVE),
            ("negative", _NEGATIVE),
            ("nonpositive", _NONPOSITIVE),
        ):
            fact = self.sign(ratio, sign)
            if fact is not None:
                return domain, fact
        return _REAL, None

    def _perspective(self, expr: sympy.Mul) -> Analysis | None:
        """y·h(x/y) with y > 0 is the perspective of h: convex (concave) when h is.

        Recognised by substituting x_i = u_i·y for the other variables of h: when y then
        disappears, h = F(x/y) with F(u) = h(u·y), and F is analysed by the same rules in
        fresh variables u (ordered like the x_i by name), each ranging over a named domain
        that contains the range of x_i/y, so the proof covers every x/y.
        """
        for y in (f for f in expr.args if f.is_Symbol and f in self.variables):
            rest = expr / y
            others = sorted((rest.free_symbols & self.variables) - {y}, key=lambda s: s.name)
            positive = self.sign(y, "positive")
            if not others or y not in rest.free_symbols or positive is None:
                continue
            fresh = {x: sympy.Symbol(f"_u_{x.name}", real=True) for x in others}
            inner = rest.xreplace({x: fresh[x] * y for x in others})
            if y in inner.free_symbols:
                continue
            # u = x/y ranges over a subset of the named domain shown for x/y; F must be
            # convex on that (convex) superset, which is all the perspective needs.
            facts: list[Fact] = [positive]
            ratio_domains: list[tuple[sympy.Symbol, Domain]] = []
            for x in others:
                domain, fact = self._ratio_domain(x / y)
                ratio_domains.append((fresh[x], domain))
                if fact is not None:
                    facts.append(fact)
            u_domains = dict(self.domains) | dict(ratio_domains)
            analysis = Composer(tuple(fresh.values()), u_domains, self.fallback).analyse(inner)
            if analysis.curvature is Curvature.UNKNOWN or analysis.step is None:
                continue
            facts.append(ContextFact(tuple(fresh.values()), tuple(ratio_domains)))
            curvature = Curvature.AFFINE if analysis.curvature.is_affine else analysis.curvature
            step = ProofStep(
                "perspective", expr, curvature.conclusion, tuple(facts), (analysis.step,)
            )
            return Analysis(curvature, step)
        return None

    def _sum(self, expr: sympy.Expr) -> Analysis:
        parts = [self.analyse(term) for term in expr.args]
        curvature = _join([p.curvature for p in parts])
        if curvature is Curvature.UNKNOWN:
            from convexity_proofs.provers import normal_forms  # it builds on this module

            regrouped = normal_forms.regroup(self, expr)
            if regrouped is not None:
                return regrouped
            culprit = next((p for p in parts if p.curvature is Curvature.UNKNOWN), None)
            if culprit is not None:
                return Analysis(Curvature.UNKNOWN, None, culprit.culprit, culprit.why, culprit.near)
            return self._unknown(expr, "a sum of convex and concave terms")
        children = distinct_steps(p.step for p in parts)
        return Analysis(curvature, ProofStep("sum", expr, curvature.conclusion, children=children))

    def _split_constant(self, expr: sympy.Mul) -> tuple[sympy.Expr, sympy.Expr]:
        constant = [f for f in expr.args if not self.depends(f)]
        varying = [f for f in expr.args if self.depends(f)]
        return sympy.Mul(*constant), sympy.Mul(*varying)

    def _scaled(self, expr: sympy.Expr, constant: sympy.Expr, varying: sympy.Expr) -> Analysis:
        inner = self.analyse(varying)
        if inner.curvature is Curvature.UNKNOWN:
            return inner
        children = (inner.step,) if inner.step else ()
        if inner.curvature.is_affine:
            return Analysis(
                Curvature.AFFINE, ProofStep("affine-scaling", expr, "affine", children=children)
            )
        fact = self.sign(constant, "nonnegative")
        curvature: Curvature = inner.curvature
        if fact is None:
            fact = self.sign(constant, "nonpositive")
            curvature = inner.curvature.negated()
        if fact is None:
            return self._unknown(
                expr,
                f"the sign of the coefficient {_show(constant)} is not fixed on the domain",
                "scaling",
            )
        step = ProofStep("scaling", expr, curvature.conclusion, (fact,), children)
        return Analysis(curvature, step)

    def _apply(self, expr: sympy.Expr, atom: Atom, args: tuple[sympy.Expr, ...]) -> Analysis:
        facts: list[Fact] = []
        for cond in atom.domain:
            if not self.holds(cond, args, None, facts):
                return self._unknown(
                    expr,
                    f"{atom.name} needs argument {_show(args[cond.arg or 0])} to be "
                    f"{cond.sign} on the whole domain, which could not be established",
                    atom.name,
                )
        inner = [self.analyse(a) for a in args]
        for analysis in inner:
            if analysis.curvature is Curvature.UNKNOWN:
                return analysis
        for target in (Curvature.CONVEX, Curvature.CONCAVE):
            trial: list[Fact] = list(facts)
            if self._composes(atom, args, inner, target, trial):
                step = ProofStep(
                    "composition",
                    expr,
                    target.value,
                    tuple(dict.fromkeys(trial)),  # each fact once, in order
                    distinct_steps(a.step for a in inner),
                )
                return Analysis(target, step)
        return self._unknown(
            expr, f"{atom.name} of these arguments fits no composition rule", atom.name
        )

    def _composes(
        self,
        atom: Atom,
        args: tuple[sympy.Expr, ...],
        inner: list[Analysis],
        target: Curvature,
        facts: list[Fact],
    ) -> bool:
        shape = atom.convex if target is Curvature.CONVEX else atom.concave
        chosen = self.any_alternative(shape, args, None, facts)
        if chosen is None:
            return False
        facts.append(AtomFact(atom.key, target.value, chosen))
        for index, analysis in enumerate(inner):
            c = analysis.curvature
            if c.is_affine:
                continue
            # convex atom: a convex argument needs the atom nondecreasing in it,
            # a concave argument needs it nonincreasing (and the mirror for concave).
            needed = "increasing" if c is target else "decreasing"
            chosen = self.any_alternative(atom.monotone(needed, index), args, index, facts)
            if chosen is None:
                return False
            facts.append(AtomFact(atom.key, needed, chosen, index))
        return True

    def any_alternative(
        self,
        alternatives: tuple[tuple[When, ...], ...],
        args: tuple[sympy.Expr, ...],
        index: int | None,
        facts: list[Fact],
    ) -> int | None:
        """The number of the first alternative whose conditions hold (their sign facts
        added to ``facts``), or None."""
        for number, alternative in enumerate(alternatives):
            established: list[Fact] = []
            if all(self.holds(c, args, index, established) for c in alternative):
                facts.extend(established)
                return number
        return None

    def holds(
        self, cond: When, args: tuple[sympy.Expr, ...], index: int | None, out: list[Fact]
    ) -> bool:
        """Does the atom-row condition ``cond`` hold for its arguments (position None:
        argument ``index``, or every argument when ``index`` is None)?  The sign facts
        that show it are appended to ``out``."""
        if cond.sign == "any":
            return True
        position = cond.arg if cond.arg is not None else index
        targets = args if position is None else (args[position],)
        for arg in targets:
            fact = self.sign(arg, cond.sign)
            if fact is None:
                return False
            out.append(fact)
        return True

    def sign(self, expr: sympy.Expr, sign: str) -> SignFact | None:
        """A sign fact when the kernel's enclosure of ``expr`` over the box shows ``sign``."""
        if expr not in self._ranges:
            try:
                self._ranges[expr] = _intervals.range_of(expr, self.domains)
            except _intervals.Undefined:
                self._ranges[expr] = None
        box = self._ranges[expr]
        if box is not None and SHOWS[sign](box):
            return SignFact(expr, sign, box)
        if (expr, sign) not in self._pieces:  # the subdivision fallback, once per sign
            self._pieces[expr, sign] = _subdivided(expr, sign, self.domains)
        return self._pieces[expr, sign]

    def _unknown(self, expr: sympy.Expr, why: str, near: str = "") -> Analysis:
        return Analysis(Curvature.UNKNOWN, None, expr, why, near)


#: Budget of the subdivision fallback of :meth:`Composer.sign` (pieces per sign).
SIGN_PIECES = 64
#: Expressions with this many nodes or more get no subdivision fallback.
SIGN_NODES = 400
#: The enclosure of a piece that shows the opposite of each sign: no refinement helps.
_OPPOSITE = {
    "positive": "nonpositive",
    "nonnegative": "negative",
    "negative": "nonnegative",
    "nonpositive": "positive",
    "nonzero": None,
}


def _subdivided(
    expr: sympy.Expr, sign: str, domains: Mapping[sympy.Symbol, Domain]
) -> SignFact | None:
    """A sign fact shown piece by piece over a bounded box (every symbol of ``expr`` has
    a bounded domain), when the hull of the pieces shows ``sign`` too; else None."""
    free = expr.free_symbols
    if not free or any(
        s not in domains or domains[s].lo is None or domains[s].hi is None for s in free
    ):
        return None
    if node_count(expr, SIGN_NODES) >= SIGN_NODES:
        return None  # each piece costs one enclosure of the whole expression
    opposite = _OPPOSITE[sign]
    pieces = subdivide_sign(
        expr,
        domains,
        SHOWS[sign],
        max_pieces=SIGN_PIECES,
        hopeless=None if opposite is None else SHOWS[opposite],
    )
    if not pieces:
        return None
    hull = pieces[0].enclosure
    for piece in pieces[1:]:
        hull = hull.union(piece.enclosure)
    return SignFact(expr, sign, hull, pieces) if SHOWS[sign](hull) else None


#: What an enclosure must show for each sign a condition asks for.
SHOWS: dict[str, Callable[[_intervals.Interval], bool]] = {
    "positive": _intervals.Interval.is_positive,
    "nonnegative": _intervals.Interval.is_nonnegative,
    "negative": _intervals.Interval.is_negative,
    "nonpositive": _intervals.Interval.is_nonpositive,
    "nonzero": _intervals.Interval.excludes_zero,
}


def distinct_steps(steps: Iterable[ProofStep | None]) -> tuple[ProofStep, ...]:
    """The steps, each subject once (repeated arguments share one child)."""
    seen: dict[sympy.Expr, ProofStep] = {}
    for step in steps:
        if step is not None and step.subject not in seen:
            seen[step.subject] = step
    return tuple(seen.values())


def analyse(
    expr: sympy.Expr,
    variables: tuple[sympy.Symbol, ...],
    domains: Mapping[sympy.Symbol, Domain],
    fallback: Fallback | None = None,
) -> Analysis:
    """The curvature of ``expr`` in ``variables`` by composition rules, with its proof."""
    return Composer(variables, domains, fallback).analyse(expr)
