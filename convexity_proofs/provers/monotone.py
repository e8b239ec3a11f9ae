"""Monotonicity in one variable, every other symbol held fixed over its domain.

Three provers, cheapest first, each about one variable ``v`` of the claim (the other
variables and the parameters range over their domains like parameters):

* :func:`composition`: the monotonicity lattice over the expression, memoised per
  subexpression.  A constant is ``constant``, ``v`` itself ``increasing``; a sum of
  terms that are all nondecreasing (nonincreasing) is so too, strictly when one term
  is strict; a constant multiple keeps (factor > 0 or >= 0) or reverses (< 0, <= 0)
  the direction, strictness only with a factor of fixed strict sign; an atom is
  monotone when it is nondecreasing (nonincreasing) in each argument that depends on
  ``v`` under its table row's sign conditions and that argument is monotone in the
  matching direction (strict when one dependent argument is strictly monotone and
  the atom strictly monotone in it, or, for max and min, which are nondecreasing in
  every argument, when every argument depends on ``v`` and all are strictly monotone
  in the one direction); a product of nonnegative factors that are all
  nondecreasing (nonincreasing) is so too, strictly when every factor is positive
  and one is strict.  Powers u**p are atoms of the table.
* :func:`gradient_sign`: ∂f/∂v (``sympy.diff``, no simplification) enclosed over the
  whole box by the kernel's interval arithmetic; a fixed sign makes a smooth f
  monotone in v (strictly with a strict sign).
* :func:`first_derivative_exact`: when f' is a rational function of v alone (no
  other symbol), its sign on v's domain decided exactly
  (:func:`convexity_proofs.provers.univariate.rational_sign`, Sturm); f' >= 0 with
  finitely many zeros makes f strictly increasing.

Each returns a :class:`~convexity_proofs._proof.ProofStep` about f (subject f, the
conclusion one of ``constant``, ``nondecreasing``, ``increasing``, ``nonincreasing``,
``decreasing``) or a string saying why it could not conclude.  The steps are data the
checker replays (:mod:`convexity_proofs.checker.monotone`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sympy

from convexity_proofs._brief import brief as _show
from convexity_proofs._proof import (
    AtomFact,
    Fact,
    ProofStep,
    SignFact,
)
from convexity_proofs._values import REAL, Domain
from convexity_proofs.functions import is_smooth
from convexity_proofs.kernel import intervals as _intervals
from convexity_proofs.provers.atoms import Atom, When, match_atom
from convexity_proofs.provers.composition import SHOWS, Composer, distinct_steps
from convexity_proofs.provers.second_order import MAX_OPS, defined_fact, operation_count
from convexity_proofs.provers.univariate import rational_sign, sign_fact

__all__ = [
    "CONCLUSIONS",
    "composition",
    "direction_of",
    "first_derivative_exact",
    "gradient_sign",
    "implies",
    "is_strict",
]

#: The conclusions a monotonicity step draws, in one variable.
CONCLUSIONS = ("constant", "nondecreasing", "increasing", "nonincreasing", "decreasing")

_UP = {"nondecreasing": False, "increasing": True}
_DOWN = {"nonincreasing": False, "decreasing": True}
#: How deep the lattice recurses before it gives up (Python's stack is finite).
MAX_DEPTH = 120


def direction_of(conclusion: str) -> int:
    """+1 for nondecreasing/increasing, −1 for nonincreasing/decreasing, 0 for constant."""
    if conclusion in _UP:
        return 1
    if conclusion in _DOWN:
        return -1
    return 0


def is_strict(conclusion: str) -> bool:
    return conclusion in ("increasing", "decreasing")


def _named(direction: int, strict: bool) -> str:
    if direction > 0:
        return "increasing" if strict else "nondecreasing"
    return "decreasing" if strict else "nonincreasing"


def implies(concluded: str, wanted: str) -> bool:
    """Does a step concluding ``concluded`` show ``wanted`` (monotone conclusions only)?"""
    if concluded == wanted:
        return True
    if concluded == "constant":
        return wanted in ("nondecreasing", "nonincreasing")
    return (
        direction_of(concluded) == direction_of(wanted) != 0
        and is_strict(concluded)
        and not is_strict(wanted)
    )


def strict_kind(kind: str) -> str:
    return "strictly-" + kind


def monotone_rows(atom: Atom, kind: str, index: int) -> tuple[tuple[When, ...], ...]:
    """The alternatives of ``atom`` for ``kind`` (increasing, decreasing,
    strictly-increasing, strictly-decreasing) in argument ``index``."""
    return atom.monotone(kind, index)


#: Atoms nondecreasing in every argument whose value, a max or min of its arguments,
#: is strictly monotone when every argument is strictly monotone in one direction.
EXTREMA = ("max", "min")


def _extremum_strict(atom: Atom, inner: list[_Result], arity: int, target: int) -> bool:
    """Max (min) of arguments all strictly monotone in ``target``'s direction: for
    a < b each u_i(a) < u_i(b), so max_i u_i(a) < max_i u_i(b) (min likewise).  Needs
    every argument to depend on v (a constant argument can flatten the extremum)."""
    if atom.key not in EXTREMA or len(inner) != arity or arity == 0:
        return False
    return all(
        r.conclusion is not None
        and is_strict(r.conclusion)
        and direction_of(r.conclusion) == target
        for r in inner
    )


@dataclass(frozen=True, slots=True)
class _Result:
    conclusion: str | None  # None: not established
    step: ProofStep | None  # None for constants and the variable itself
    why: str = ""


class _Lattice:
    """The monotonicity of each subexpression in ``v`` (memoised)."""

    def __init__(
        self,
        v: sympy.Symbol,
        domains: Mapping[sympy.Symbol, Domain],
        ranges: dict[sympy.Expr, _intervals.Interval | None] | None = None,
    ) -> None:
        self.v = v
        self.domains = domains
        # The composition prover's sign machinery (enclosures memoised per expression;
        # ``ranges`` may be shared by the lattices of one box, whatever their variable).
        self._signs = Composer((v,), domains, ranges=ranges)
        self._memo: dict[sympy.Expr, _Result] = {}
        self._depth = 0

    def depends(self, expr: sympy.Basic) -> bool:
        return self._signs.depends(expr)

    def sign(self, expr: sympy.Expr, sign: str) -> SignFact | None:
        return self._signs.sign(expr, sign)

    def analyse(self, expr: sympy.Expr) -> _Result:
        if expr in self._memo:
            return self._memo[expr]
        if self._depth >= MAX_DEPTH:
            return _Result(None, None, "the expression is nested too deeply")
        self._depth += 1
        try:
            result = self._analyse(expr)
        finally:
            self._depth -= 1
        self._memo[expr] = result
        return result

    # -- rules -----------------------------------------------------------------------
    def _analyse(self, expr: sympy.Expr) -> _Result:
        if not self.depends(expr):
            return _Result("constant", None)
        if expr == self.v:
            return _Result("increasing", None)
        if expr.is_Add:
            return self._sum(expr)
        if expr.is_Mul:
            constant = [f for f in expr.args if not self.depends(f)]
            if constant:
                varying = [f for f in expr.args if self.depends(f)]
                return self._scaled(expr, sympy.Mul(*constant), sympy.Mul(*varying))
        matched = match_atom(expr, self.depends)
        why = f"no rule for {type(expr).__name__}"
        if matched is not None:
            atom, args = matched
            result = self._atom(expr, atom, args)
            if result.conclusion is not None or not expr.is_Mul:
                return result
            why = result.why
        if expr.is_Mul:
            product = self._product(expr)
            if product.conclusion is not None:
                return product
            why = product.why if matched is None else why
        return _Result(None, None, f"{_show(expr, 60)}: {why}")

    def _sum(self, expr: sympy.Expr) -> _Result:
        parts = [self.analyse(term) for term in expr.args]
        for part in parts:
            if part.conclusion is None:
                return part
        directions = {direction_of(p.conclusion) for p in parts} - {0}  # type: ignore[arg-type]
        if len(directions) != 1:
            return _Result(
                None, None, f"{_show(expr, 60)}: a sum of nondecreasing and nonincreasing terms"
            )
        (direction,) = directions
        strict = any(is_strict(p.conclusion) for p in parts)  # type: ignore[arg-type]
        conclusion = _named(direction, strict)
        children = distinct_steps(p.step for p in parts)
        return _Result(conclusion, ProofStep("monotone-sum", expr, conclusion, children=children))

    def _scaled(self, expr: sympy.Expr, constant: sympy.Expr, varying: sympy.Expr) -> _Result:
        inner = self.analyse(varying)
        if inner.conclusion is None:
            return inner
        direction = direction_of(inner.conclusion)
        if direction == 0:
            return _Result(None, None, f"{_show(expr, 60)}: a constant factor of a constant")
        strict = is_strict(inner.conclusion)
        signs = ("positive", "negative") if strict else ()
        for sign in (*signs, "nonnegative", "nonpositive"):
            fact = self.sign(constant, sign)
            if fact is None:
                continue
            keeps = sign in ("positive", "nonnegative")
            conclusion = _named(
                direction if keeps else -direction, strict and sign in ("positive", "negative")
            )
            children = (inner.step,) if inner.step is not None else ()
            step = ProofStep("monotone-scaling", expr, conclusion, (fact,), children)
            return _Result(conclusion, step)
        return _Result(
            None,
            None,
            f"the sign of the factor {_show(constant, 60)} is not fixed on the domain",
        )

    def _atom(self, expr: sympy.Expr, atom: Atom, args: tuple[sympy.Expr, ...]) -> _Result:
        domain: list[Fact] = []
        for cond in atom.domain:
            if not self._signs.holds(cond, args, None, domain):
                return _Result(
                    None,
                    None,
                    f"{atom.name} needs argument {_show(args[cond.arg or 0], 60)} to be "
                    f"{cond.sign} on the whole domain, which could not be established",
                )
        inner = [self.analyse(a) for a in args]
        for analysis in inner:
            if analysis.conclusion is None:
                return analysis
        dependent = [i for i, r in enumerate(inner) if r.conclusion != "constant"]
        if not dependent:
            return _Result(None, None, f"{atom.name}: no argument depends on {self.v}")
        for target in (1, -1):
            facts: list[Fact] = list(domain)
            strict_found = False
            for index in dependent:
                conclusion = inner[index].conclusion
                assert conclusion is not None
                kind = "increasing" if direction_of(conclusion) == target else "decreasing"
                if is_strict(conclusion) and not strict_found:
                    rows = monotone_rows(atom, strict_kind(kind), index)
                    chosen = self._signs.any_alternative(rows, args, index, facts)
                    if chosen is not None:
                        facts.append(AtomFact(atom.key, strict_kind(kind), chosen, index))
                        strict_found = True
                        continue
                chosen = self._signs.any_alternative(
                    monotone_rows(atom, kind, index), args, index, facts
                )
                if chosen is None:
                    break
                facts.append(AtomFact(atom.key, kind, chosen, index))
            else:
                strict = strict_found or _extremum_strict(atom, inner, len(args), target)
                conclusion = _named(target, strict)
                step = ProofStep(
                    "monotone-composition",
                    expr,
                    conclusion,
                    tuple(dict.fromkeys(facts)),
                    distinct_steps(inner[i].step for i in dependent),
                )
                return _Result(conclusion, step)
        return _Result(
            None,
            None,
            f"{atom.name} is not monotone in its arguments in the directions they move",
        )

    def _product(self, expr: sympy.Expr) -> _Result:
        factors = tuple(expr.args)
        inner = [self.analyse(f) for f in factors]
        for analysis in inner:
            if analysis.conclusion is None:
                return analysis
        directions = {direction_of(r.conclusion) for r in inner} - {0}  # type: ignore[arg-type]
        if len(directions) != 1:
            return _Result(None, None, "a product of factors monotone in opposite directions")
        (direction,) = directions
        strict = any(is_strict(r.conclusion) for r in inner)  # type: ignore[arg-type]
        facts: list[Fact] = []
        if strict:
            positive = [self.sign(f, "positive") for f in factors]
            if all(p is not None for p in positive):
                facts = [p for p in positive if p is not None]
            else:
                strict = False
        if not facts:
            nonnegative = [self.sign(f, "nonnegative") for f in factors]
            if not all(n is not None for n in nonnegative):
                return _Result(
                    None,
                    None,
                    "a product whose factors are not all shown nonnegative on the domain",
                )
            facts = [n for n in nonnegative if n is not None]
        conclusion = _named(direction, strict)
        step = ProofStep(
            "monotone-product",
            expr,
            conclusion,
            tuple(dict.fromkeys(facts)),
            distinct_steps(r.step for r in inner),
        )
        return _Result(conclusion, step)


# --- the provers --------------------------------------------------------------------------


def composition(
    f: sympy.Expr,
    v: sympy.Symbol,
    domains: Mapping[sympy.Symbol, Domain],
    ranges: dict[sympy.Expr, _intervals.Interval | None] | None = None,
) -> ProofStep | str:
    """The lattice's conclusion about f in ``v``, as a step about f (or why not).
    ``ranges``: enclosures over the same box already computed (shared, filled in)."""
    result = _Lattice(v, domains, ranges).analyse(f)
    if result.conclusion is None:
        return result.why or "no rule applies"
    if result.step is not None:
        return result.step
    if result.conclusion == "constant":
        return ProofStep("constant", f, "constant")
    return ProofStep("monotone-variable", f, "increasing")


def _derivative(f: sympy.Expr, v: sympy.Symbol) -> sympy.Expr | str:
    if not is_smooth(f):
        return "the function is not smooth (abs, max, min, Piecewise, sign)"
    if operation_count(f) > MAX_OPS:
        return f"the function has more than {MAX_OPS} operations"
    derivative = sympy.diff(f, v)
    if derivative.has(sympy.Derivative, sympy.Subs):
        return "the derivative has no closed form"
    if not is_smooth(derivative):
        return "the derivative is not smooth"
    return derivative


def gradient_sign(
    f: sympy.Expr,
    v: sympy.Symbol,
    domains: Mapping[sympy.Symbol, Domain],
    prefer: int = 1,
) -> ProofStep | str:
    """∂f/∂v has a fixed sign over the whole box (interval enclosure).  ``prefer``
    (+1/−1) says which direction to conclude when the enclosure is {0}."""
    if v not in f.free_symbols:
        return ProofStep("constant", f, "constant")
    derivative = _derivative(f, v)
    if isinstance(derivative, str):
        return derivative
    defined = defined_fact(f, domains)
    if defined is None:
        return "the function is not proved defined on the whole domain"
    try:
        box = _intervals.range_of(derivative, domains)
    except _intervals.Undefined as exc:
        return f"∂f/∂{v} = {_show(derivative, 60)} is not shown defined on the domain ({exc})"
    options = [
        ("positive", "increasing"),
        ("negative", "decreasing"),
        ("nonnegative", "nondecreasing"),
        ("nonpositive", "nonincreasing"),
    ]
    if prefer < 0:
        options[2], options[3] = options[3], options[2]
    for sign, conclusion in options:
        if SHOWS[sign](box):
            step = ProofStep(
                "gradient-sign", f, conclusion, (SignFact(derivative, sign, box), defined)
            )
            return step
    return f"∂f/∂{v} = {_show(derivative, 60)} has enclosure {box}, which has no fixed sign"


def first_derivative_exact(
    f: sympy.Expr,
    v: sympy.Symbol,
    domains: Mapping[sympy.Symbol, Domain],
    prefer: int = 1,
) -> ProofStep | str:
    """f' (or −f') >= 0 on v's domain by exact root counting, for f' a rational
    function of v alone; strict when f' is not identically 0."""
    derivative = _derivative(f, v)
    if isinstance(derivative, str):
        return derivative
    others = derivative.free_symbols - {v}
    if others:
        names = ", ".join(sorted(s.name for s in others))
        return f"f' involves {names} besides {v}: not a function of one variable"
    defined = defined_fact(f, domains)
    if defined is None:
        return "the function is not proved defined on the whole domain"
    domain = domains.get(v, REAL)
    reasons = []
    for sign in (prefer, -prefer):
        expression = derivative if sign > 0 else -derivative
        decided = rational_sign(expression, v, domain)
        if decided is None:
            return f"f' = {_show(derivative, 60)} is not a rational function of {v}"
        if decided.nonnegative is True:
            fact = sign_fact(decided, v, expression, domain)
            conclusion = _named(sign, decided.isolated_zeros)
            return ProofStep("first-derivative-exact", f, conclusion, (fact, defined))
        reasons.append(decided.reason)
    return f"f' has no fixed sign on the domain of {v} ({'; '.join(reasons)})"
