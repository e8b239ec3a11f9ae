"""The composition rule, written once, over the atom table.

An atom applied to arguments is convex when the atom is convex (on the arguments'
ranges) and each argument is affine, or convex where the atom is nondecreasing in it,
or concave where the atom is nonincreasing in it; concave symmetrically.  Sums add
curvatures; a constant factor keeps or flips curvature by its sign on the domain.

Every conclusion is a :class:`ProofStep` with its side conditions and how each was
established (interval analysis on the claim's whole domain, parameters included), so
a proof is a tree of data.  When no rule applies, the analysis is ``UNKNOWN`` and
names the culprit: the smallest subexpression at which the rules broke.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum

import sympy

from convexity_proofs import _intervals
from convexity_proofs._brief import brief as _show
from convexity_proofs._values import NEGATIVE as _NEGATIVE
from convexity_proofs._values import NONNEGATIVE as _NONNEGATIVE
from convexity_proofs._values import NONPOSITIVE as _NONPOSITIVE
from convexity_proofs._values import POSITIVE as _POSITIVE
from convexity_proofs._values import REAL as _REAL
from convexity_proofs._values import Condition, Domain, ProofStep
from convexity_proofs.provers.atoms import Atom, When, match_atom


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
    ) -> None:
        self.variables = set(variables)
        self._ordered = tuple(variables)
        self.domains = domains
        self.fallback = fallback
        self._memo: dict[sympy.Expr, Analysis] = {}
        self._signs: dict[tuple[sympy.Expr, str], bool] = {}
        self._depends_memo: dict[sympy.Basic, bool] = {}

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
        matched = match_atom(expr, self.depends)
        if matched is not None:
            atom, args = matched
            return self._apply(expr, atom, args)
        if expr.is_Mul:
            perspective = self._perspective(expr)
            if perspective is not None:
                return perspective
            return self._unknown(expr, "a product of factors that all depend on the variables")
        return self._unknown(expr, f"no rule for {type(expr).__name__}")

    def _ratio_domain(self, x: sympy.Symbol, y: sympy.Symbol) -> Domain:
        for sign, domain in (
            ("positive", _POSITIVE),
            ("nonnegative", _NONNEGATIVE),
            ("negative", _NEGATIVE),
            ("nonpositive", _NONPOSITIVE),
        ):
            if self._sign(x / y, sign):
                return domain
        return _REAL

    def _perspective(self, expr: sympy.Mul) -> Analysis | None:
        """y·h(x/y) with y > 0 is the perspective of h: convex (concave) when h is.

        Recognised by substituting x_i = u_i·y for the other variables of h: when y then
        disappears, h = F(x/y) with F(u) = h(u·y), and F is analysed by the same rules in
        fresh variables u (ranging over all reals, so the proof covers every x/y).
        """
        for y in (f for f in expr.args if f.is_Symbol and f in self.variables):
            rest = expr / y
            others = sorted((rest.free_symbols & self.variables) - {y}, key=lambda s: s.name)
            if not others or y not in rest.free_symbols or not self._sign(y, "positive"):
                continue
            fresh = {x: sympy.Symbol(f"_u_{x.name}", real=True) for x in others}
            inner = rest.xreplace({x: fresh[x] * y for x in others})
            if y in inner.free_symbols:
                continue
            # u = x/y ranges over a subset of the named domain shown for x/y; F must be
            # convex on that (convex) superset, which is all the perspective needs.
            u_domains = dict(self.domains) | {fresh[x]: self._ratio_domain(x, y) for x in others}
            analysis = Composer(tuple(fresh.values()), u_domains, self.fallback).analyse(inner)
            if analysis.curvature is Curvature.UNKNOWN or analysis.step is None:
                continue
            curvature = Curvature.AFFINE if analysis.curvature.is_affine else analysis.curvature
            step = ProofStep(
                rule="perspective",
                subject=_show(expr),
                reason=f"{y}·F(x/{y}) with {y} > 0 is the perspective of F, which is "
                f"{curvature.value}; a perspective keeps convexity and concavity",
                conditions=(
                    Condition(f"{y} is positive", "interval analysis"),
                    Condition(
                        f"F(u) = {_show(inner)} is {curvature.value} in u", "composition rules"
                    ),
                ),
                children=(analysis.step,),
            )
            return Analysis(curvature, step)
        return None

    def _sum(self, expr: sympy.Expr) -> Analysis:
        parts = [self.analyse(term) for term in expr.args]
        curvature = _join([p.curvature for p in parts])
        if curvature is Curvature.UNKNOWN:
            culprit = next((p for p in parts if p.curvature is Curvature.UNKNOWN), None)
            if culprit is not None:
                return Analysis(Curvature.UNKNOWN, None, culprit.culprit, culprit.why)
            return self._unknown(expr, "a sum of convex and concave terms")
        children = tuple(p.step for p in parts if p.step is not None)
        step = ProofStep(
            rule="sum",
            subject=_show(expr),
            reason=f"a sum of {'affine' if curvature.is_affine else curvature.value} terms "
            f"is {curvature.value}",
            children=children,
        )
        return Analysis(curvature, step)

    def _split_constant(self, expr: sympy.Mul) -> tuple[sympy.Expr, sympy.Expr]:
        constant = [f for f in expr.args if not self.depends(f)]
        varying = [f for f in expr.args if self.depends(f)]
        return sympy.Mul(*constant), sympy.Mul(*varying)

    def _scaled(self, expr: sympy.Expr, constant: sympy.Expr, varying: sympy.Expr) -> Analysis:
        inner = self.analyse(varying)
        if inner.curvature is Curvature.UNKNOWN:
            return inner
        if inner.curvature.is_affine:
            step = ProofStep(
                rule="affine scaling",
                subject=_show(expr),
                reason="a constant multiple of an affine function is affine",
                children=(inner.step,) if inner.step else (),
            )
            return Analysis(Curvature.AFFINE, step)
        if self._sign(constant, "nonnegative"):
            sign, curvature = "nonnegative", inner.curvature
        elif self._sign(constant, "nonpositive"):
            sign, curvature = "nonpositive", inner.curvature.negated()
        else:
            return self._unknown(
                expr, f"the sign of the coefficient {_show(constant)} is not fixed on the domain"
            )
        step = ProofStep(
            rule=f"{sign} scaling",
            subject=_show(expr),
            reason=f"{_show(constant)} is {sign}, so the product is {curvature.value}",
            conditions=(Condition(f"{_show(constant)} is {sign}", "interval analysis"),),
            children=(inner.step,) if inner.step else (),
        )
        return Analysis(curvature, step)

    def _apply(self, expr: sympy.Expr, atom: Atom, args: tuple[sympy.Expr, ...]) -> Analysis:
        conditions: list[Condition] = []
        for cond in atom.domain:
            if not self._holds(cond, args, None, conditions):
                return self._unknown(
                    expr,
                    f"{atom.name} needs argument {_show(args[cond.arg or 0])} to be "
                    f"{cond.sign} on the whole domain, which could not be established",
                )
        inner = [self.analyse(a) for a in args]
        for analysis in inner:
            if analysis.curvature is Curvature.UNKNOWN:
                return analysis
        for target in (Curvature.CONVEX, Curvature.CONCAVE):
            trial: list[Condition] = list(conditions)
            if self._composes(atom, args, inner, target, trial):
                step = ProofStep(
                    rule=f"composition: {atom.name}",
                    subject=_show(expr),
                    reason=f"{atom.name} is {target.value} and each argument meets the "
                    "monotonicity condition of the composition rule",
                    conditions=tuple(trial),
                    children=tuple(a.step for a in inner if a.step is not None),
                )
                return Analysis(target, step)
        return self._unknown(expr, f"{atom.name} of these arguments fits no composition rule")

    def _composes(
        self,
        atom: Atom,
        args: tuple[sympy.Expr, ...],
        inner: list[Analysis],
        target: Curvature,
        conditions: list[Condition],
    ) -> bool:
        shape = atom.convex if target is Curvature.CONVEX else atom.concave
        if not self._any_alternative(shape, args, None, conditions):
            return False
        conditions.append(Condition(f"{atom.name} is {target.value}", "atom table"))
        for index, (arg, analysis) in enumerate(zip(args, inner, strict=True)):
            c = analysis.curvature
            if c.is_affine:
                conditions.append(
                    Condition(f"{_show(arg)} is {c.value} in the variables", "composition rules")
                )
                continue
            # convex atom: a convex argument needs the atom nondecreasing in it,
            # a concave argument needs it nonincreasing (and the mirror for concave).
            same = c is target
            needed = "increasing" if same else "decreasing"
            if not self._any_alternative(atom.monotone(needed, index), args, index, conditions):
                return False
            conditions.append(
                Condition(
                    f"{atom.name} is non{'de' if needed == 'increasing' else 'in'}creasing "
                    f"in {_show(arg)}, which is {c.value}",
                    "atom table and interval analysis",
                )
            )
        return True

    def _any_alternative(
        self,
        alternatives: tuple[tuple[When, ...], ...],
        args: tuple[sympy.Expr, ...],
        index: int | None,
        conditions: list[Condition],
    ) -> bool:
        for alternative in alternatives:
            established: list[Condition] = []
            if all(self._holds(c, args, index, established) for c in alternative):
                conditions.extend(established)
                return True
        return False

    def _holds(
        self, cond: When, args: tuple[sympy.Expr, ...], index: int | None, out: list[Condition]
    ) -> bool:
        if cond.sign == "any":
            return True
        position = cond.arg if cond.arg is not None else index
        targets = args if position is None else (args[position],)
        for arg in targets:
            if not self._sign(arg, cond.sign):
                return False
            out.append(Condition(f"{_show(arg)} is {cond.sign}", "interval analysis"))
        return True

    def _sign(self, expr: sympy.Expr, sign: str) -> bool:
        key = (expr, sign)
        if key not in self._signs:
            self._signs[key] = _sign_holds(expr, sign, self.domains)
        return self._signs[key]

    def _unknown(self, expr: sympy.Expr, why: str) -> Analysis:
        return Analysis(Curvature.UNKNOWN, None, expr, why)


def _sign_holds(expr: sympy.Expr, sign: str, domains: Mapping[sympy.Symbol, Domain]) -> bool:
    """True only when interval analysis proves the sign on the whole box."""
    try:
        box = _intervals.range_of(expr, domains)
    except _intervals.Undefined:
        return False
    checks = {
        "positive": box.is_positive,
        "nonnegative": box.is_nonnegative,
        "negative": box.is_negative,
        "nonpositive": box.is_nonpositive,
        "nonzero": box.excludes_zero,
    }
    return bool(checks[sign]())


def analyse(
    expr: sympy.Expr,
    variables: tuple[sympy.Symbol, ...],
    domains: Mapping[sympy.Symbol, Domain],
    fallback: Fallback | None = None,
) -> Analysis:
    """The curvature of ``expr`` in ``variables`` by composition rules, with its proof."""
    return Composer(variables, domains, fallback).analyse(expr)
