"""Quasiconvexity by the DQCP rules, written as proof steps.

f is quasiconvex on the (convex) box when every sublevel set {f <= c} is convex,
quasiconcave when −f is quasiconvex, quasilinear when both.  A proof is a tree of
:class:`~convexity_proofs._proof.ProofStep` values; each rule states its conditions on
the whole box (parameters ranging over theirs):

``composition.analyse`` (any curvature proof)
    a convex (concave, affine) subexpression is quasiconvex (quasiconcave,
    quasilinear): the curvature step is used as it is (the checker's IMPLIES).
``quasi-scaling``
    c·g with a constant c >= 0 keeps, with c <= 0 swaps, quasiconvexity and
    quasiconcavity of g (one SignFact on c); a quasilinear g gives a quasilinear c·g
    whatever the sign of c (no fact); g + c with a constant c keeps both (no fact).
    A sum of two varying terms is NOT covered: a sum of quasiconvex functions need
    not be quasiconvex.
``quasi-composition``
    h(g) for an atom h whose only argument that depends on the variables is g: h
    nondecreasing in it (on g's range) keeps, nonincreasing swaps (one AtomFact for
    the monotonicity; SignFacts for the atom's domain and the alternative's
    conditions).
``quasi-max``
    Max of quasiconvex arguments is quasiconvex, Min of quasiconcave ones quasiconcave.
``quasi-ratio``
    p/q (the factors of a product with negative exponents are q's:
    :func:`convexity_proofs.checker.quasiconvex.ratio_split`, the split the checker
    replays) with q > 0 or
    q < 0 on the box (a SignFact); with s = sign(q), p' = s·p, q' = s·q > 0:
    quasiconvex when p' is convex and q' affine, or p' >= 0 and q' concave, or
    p' <= 0 and q' convex; quasiconcave when p' is concave and q' affine, or p' >= 0
    and q' convex, or p' <= 0 and q' concave (a SignFact on p when its sign is used).
    For every level c, {p/q <= c} = {p' − c·q' <= 0}, and p' − c·q' is convex for
    every c that can cut (c >= 0 when p' >= 0, c <= 0 when p' <= 0, every c otherwise).
    p and q get curvature proofs (composition rules) as children.
``quasi-univariate``
    with a single variable in the context, a nondecreasing or nonincreasing function
    is quasilinear (its sublevel and superlevel sets are intervals); the child is the
    monotonicity proof (a callback, :mod:`convexity_proofs.provers.monotone`).
``quasi-log``
    f > 0 on the whole box (a SignFact) and log f concave (convex): f is quasiconcave
    (quasiconvex), since log is strictly increasing: {f >= c} = {log f >= log c} for
    c > 0 and the whole box for c <= 0 ({f <= c} = {log f <= log c} for c > 0, empty
    for c <= 0).  The child is the curvature proof of log f, built as
    :func:`convexity_proofs._reductions.log_of` builds it (the checker rebuilds it);
    the log of a product is expanded by the composer's ``log-product`` rule, so x·y
    on the positive orthant, x·exp(−x) on x > 0 and x**a·y**b (a, b >= 0) are
    quasiconcave.  Tried last (it costs a composition analysis of log f), never for
    a quasilinear conclusion (one direction per step).

Results are memoised per (subexpression, conclusion asked).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import sympy

from convexity_proofs._proof import AtomFact, Fact, ProofStep, SignFact
from convexity_proofs._reductions import log_of
from convexity_proofs._values import Domain
from convexity_proofs.checker.quasiconvex import ratio_split
from convexity_proofs.provers.atoms import Atom, match_atom
from convexity_proofs.provers.composition import Analysis, Composer, Fallback

QUASICONVEX, QUASICONCAVE, QUASILINEAR = "quasiconvex", "quasiconcave", "quasilinear"
WANTS = (QUASICONVEX, QUASICONCAVE, QUASILINEAR)

_DUAL = {QUASICONVEX: QUASICONCAVE, QUASICONCAVE: QUASICONVEX, QUASILINEAR: QUASILINEAR}

#: A prover of monotonicity in the context's only variable: (subexpression) -> a step
#: concluding nondecreasing / nonincreasing / increasing / decreasing / constant, or None.
Monotone = Callable[[sympy.Expr], ProofStep | None]


@dataclass(frozen=True, slots=True)
class _Shown:
    """A subexpression has the conclusion asked for; ``step`` is None for a constant or
    a bare variable (nothing to say: both are affine)."""

    step: ProofStep | None


def dual(want: str) -> str:
    return _DUAL[want]


def _curvature_gives(analysis: Analysis, want: str) -> bool:
    c = analysis.curvature
    if want == QUASICONVEX:
        return c.is_convex
    if want == QUASICONCAVE:
        return c.is_concave
    return c.is_affine


class QuasiProver:
    """Proves quasiconvexity, quasiconcavity or quasilinearity of subexpressions."""

    def __init__(
        self,
        variables: tuple[sympy.Symbol, ...],
        domains: Mapping[sympy.Symbol, Domain],
        fallback: Fallback | None = None,
        monotone: Monotone | None = None,
    ) -> None:
        self.variables = tuple(variables)
        self.domains = domains
        self.composer = Composer(self.variables, domains, fallback)
        self.monotone = monotone if len(self.variables) == 1 else None
        self._memo: dict[tuple[sympy.Expr, str], _Shown | None] = {}
        self._monotone_memo: dict[sympy.Expr, ProofStep | None] = {}

    # -- public ----------------------------------------------------------------------
    def prove(self, expr: sympy.Expr, want: str) -> ProofStep | None:
        """A step about ``expr`` whose conclusion implies ``want``, or None.  A constant
        or a bare variable gets the ``affine`` step."""
        shown = self.shown(expr, want)
        if shown is None:
            return None
        return shown.step or ProofStep("affine", expr, "affine")

    def shown(self, expr: sympy.Expr, want: str) -> _Shown | None:
        if want not in WANTS:
            raise ValueError(f"unknown conclusion {want!r}")
        key = (expr, want)
        if key not in self._memo:
            self._memo[key] = None  # a cycle cannot occur (subexpressions only), but be safe
            self._memo[key] = self._shown(expr, want)
        return self._memo[key]

    # -- rules -----------------------------------------------------------------------
    def _shown(self, expr: sympy.Expr, want: str) -> _Shown | None:
        depends = self.composer.depends
        if not depends(expr) or expr.is_Symbol:
            return _Shown(None)
        analysis = self.composer.analyse(expr)
        if _curvature_gives(analysis, want) and analysis.step is not None:
            return _Shown(analysis.step)
        for rule in (
            self._scaling,
            self._shift,
            self._extremum,
            self._ratio,
            self._composition,
            self._univariate,
            self._log,
        ):
            step = rule(expr, want)
            if step is not None:
                return _Shown(step)
        return None

    def _child(self, expr: sympy.Expr, want: str) -> tuple[bool, tuple[ProofStep, ...]]:
        shown = self.shown(expr, want)
        if shown is None:
            return False, ()
        return True, (() if shown.step is None else (shown.step,))

    def _scaling(self, expr: sympy.Expr, want: str) -> ProofStep | None:
        """c·g: c >= 0 keeps, c <= 0 swaps (c = 0 gives a constant, which is both)."""
        if not expr.is_Mul:
            return None
        depends = self.composer.depends
        constant = sympy.Mul(*[f for f in expr.args if not depends(f)])
        varying = sympy.Mul(*[f for f in expr.args if depends(f)])
        if constant == 1:
            return None
        for sign, inner in (("nonnegative", want), ("nonpositive", dual(want))):
            fact = self.composer.sign(constant, sign)
            if fact is None:
                continue
            ok, children = self._child(varying, inner)
            if ok:
                return ProofStep("quasi-scaling", expr, want, (fact,), children)
        # A quasilinear g stays quasilinear under every constant factor (whatever its
        # sign for each parameter value): no sign fact.
        ok, children = self._child(varying, QUASILINEAR)
        if ok:
            return ProofStep("quasi-scaling", expr, want, (), children)
        return None

    def _shift(self, expr: sympy.Expr, want: str) -> ProofStep | None:
        """g + c for a constant c: the sublevel sets of g, shifted in level."""
        if not expr.is_Add:
            return None
        depends = self.composer.depends
        varying = [t for t in expr.args if depends(t)]
        if len(varying) != 1 or len(varying) == len(expr.args):
            return None
        ok, children = self._child(varying[0], want)
        return ProofStep("quasi-scaling", expr, want, (), children) if ok else None

    def _extremum(self, expr: sympy.Expr, want: str) -> ProofStep | None:
        """Max of quasiconvex arguments, Min of quasiconcave ones."""
        if isinstance(expr, sympy.Max) and want == QUASICONVEX:
            pass
        elif isinstance(expr, sympy.Min) and want == QUASICONCAVE:
            pass
        else:
            return None
        children: list[ProofStep] = []
        for arg in expr.args:
            ok, child = self._child(arg, want)
            if not ok:
                return None
            children.extend(c for c in child if all(c.subject != d.subject for d in children))
        return ProofStep("quasi-max", expr, want, (), tuple(children))

    def _ratio(self, expr: sympy.Expr, want: str) -> ProofStep | None:
        split = ratio_split(expr, self.composer.depends)
        if split is None:
            return None
        p, q = split
        q_fact = self.composer.sign(q, "positive")
        s = 1
        if q_fact is None:
            q_fact = self.composer.sign(q, "negative")
            s = -1
        if q_fact is None:
            return None
        p_analysis, q_analysis = self.composer.analyse(p), self.composer.analyse(q)
        p_c, q_c = _signed(p_analysis, s), _signed(q_analysis, s)
        if p_c is None or q_c is None:
            return None
        p_signs: list[SignFact | None] = [None]
        for sign in ("nonnegative", "nonpositive"):
            fact = self.composer.sign(p, sign)
            if fact is not None:
                p_signs.append(fact)
        for p_fact in p_signs:
            p_sign = None if p_fact is None else _signed_sign(p_fact.sign, s)
            if ratio_gives(want, p_c, q_c, p_sign):
                facts: list[Fact] = [q_fact, *([p_fact] if p_fact is not None else [])]
                children = tuple(a.step for a in (p_analysis, q_analysis) if a.step is not None)
                return ProofStep("quasi-ratio", expr, want, tuple(facts), children)
        return None

    def _composition(self, expr: sympy.Expr, want: str) -> ProofStep | None:
        """h(g): h nondecreasing in its one varying argument keeps, nonincreasing swaps."""
        depends = self.composer.depends
        matched = match_atom(expr, depends)
        if matched is None:
            return None
        atom, args = matched
        varying = [i for i, a in enumerate(args) if depends(a)]
        if len(varying) != 1:
            return None
        (index,) = varying
        facts: list[Fact] = []
        for cond in atom.domain:
            if not self.composer.holds(cond, args, None, facts):
                return None
        for kind, inner in (("increasing", want), ("decreasing", dual(want))):
            trial: list[Fact] = list(facts)
            chosen = _alternative(self.composer, atom, kind, index, args, trial)
            if chosen is None:
                continue
            ok, children = self._child(args[index], inner)
            if not ok:
                continue
            trial.append(AtomFact(atom.key, kind, chosen, index))
            return ProofStep("quasi-composition", expr, want, tuple(dict.fromkeys(trial)), children)
        return None

    def _univariate(self, expr: sympy.Expr, want: str) -> ProofStep | None:
        if self.monotone is None:
            return None
        if expr not in self._monotone_memo:
            step = self.monotone(expr)
            ok = step is not None and step.subject == expr
            self._monotone_memo[expr] = step if ok else None
        step = self._monotone_memo[expr]
        if step is None or step.conclusion not in MONOTONE_CONCLUSIONS:
            return None
        return ProofStep("quasi-univariate", expr, QUASILINEAR, (), (step,))

    def _log(self, expr: sympy.Expr, want: str) -> ProofStep | None:
        """f > 0 with log f concave (convex): quasiconcave (quasiconvex)."""
        if want == QUASILINEAR:
            return None
        fact = self.composer.sign(expr, "positive")
        if fact is None:
            return None
        log_f = log_of(expr)
        analysis = self.composer.analyse(log_f)
        # quasiconvex needs log f convex, quasiconcave log f concave
        if not _curvature_gives(analysis, want):
            return None
        child = analysis.step or ProofStep("affine", log_f, "affine")
        return ProofStep("quasi-log", expr, want, (fact,), (child,))


#: What a monotonicity child may conclude for ``quasi-univariate``.
MONOTONE_CONCLUSIONS = frozenset(
    {"constant", "nondecreasing", "nonincreasing", "increasing", "decreasing"}
)


def _alternative(
    composer: Composer,
    atom: Atom,
    kind: str,
    index: int,
    args: tuple[sympy.Expr, ...],
    facts: list[Fact],
) -> int | None:
    return composer.any_alternative(atom.monotone(kind, index), args, index, facts)


def _signed(analysis: Analysis, s: int) -> str | None:
    """The curvature ("affine", "convex", "concave") of s·(the analysed expression)."""
    c = analysis.curvature
    if c.is_affine:
        return "affine"
    if c.is_convex:
        return "convex" if s > 0 else "concave"
    if c.is_concave:
        return "concave" if s > 0 else "convex"
    return None


def _signed_sign(sign: str, s: int) -> str:
    if s > 0:
        return sign
    return {"nonnegative": "nonpositive", "nonpositive": "nonnegative"}[sign]


def ratio_gives(want: str, p: str, q: str, p_sign: str | None) -> bool:
    """Does p/q with q > 0 have ``want`` when p has curvature ``p`` (affine / convex /
    concave), q has ``q`` and p has sign ``p_sign`` (nonnegative, nonpositive or None)?"""
    if want == QUASILINEAR:
        return ratio_gives(QUASICONVEX, p, q, p_sign) and ratio_gives(QUASICONCAVE, p, q, p_sign)
    if want == QUASICONVEX:
        p_ok = p in ("affine", "convex")
        ok_if_nonneg, ok_if_nonpos = ("affine", "concave"), ("affine", "convex")
    else:
        p_ok = p in ("affine", "concave")
        ok_if_nonneg, ok_if_nonpos = ("affine", "convex"), ("affine", "concave")
    if not p_ok:
        return False
    if q == "affine":
        return True
    if p_sign == "nonnegative":
        return q in ok_if_nonneg
    if p_sign == "nonpositive":
        return q in ok_if_nonpos
    return False


def prove_quasi(
    expr: sympy.Expr,
    variables: tuple[sympy.Symbol, ...],
    domains: Mapping[sympy.Symbol, Domain],
    want: str,
    *,
    fallback: Fallback | None = None,
    monotone: Monotone | None = None,
) -> ProofStep | None:
    """A proof that ``expr`` is ``want`` (quasiconvex, quasiconcave or quasilinear) in
    ``variables`` on the box ``domains``, or None."""
    return QuasiProver(variables, domains, fallback, monotone).prove(expr, want)
