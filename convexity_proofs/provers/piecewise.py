"""Convexity of a Piecewise function of one variable, or of one linear form of several.

f = ``Piecewise((e1, c1), ..., (en, True))`` is read on a line (the kernel's
:mod:`convexity_proofs.kernel.piecewise`): f = g(u) with u = a·x a linear form of the
variables with rational coefficients (u = x in one variable), every branch a function of
u, every condition a combination of comparisons of piecewise-linear functions of u with
0.  The image D of u over the box (an interval) is cut at the breakpoints t_1 < ... <
t_{n-1} inside D into segments I_1, ..., I_n, closed at the breakpoints, with the
branch g_k that gives f on the interior of I_k.

**The rule** (convexity; concavity is the mirror: −f).  f is convex on the box when

(a) each g_k is convex on I_k (a proof by the composition rules, with the second-order
    provers as their fallback, on the box where u ranges over I_k only);
(b) at each breakpoint t = t_k, f(t) = g_k(t) = g_{k+1}(t) (equal values, exactly);
(c) g_k and g_{k+1} are C¹ on windows [t − w, t] ⊂ I_k and [t, t + w'] ⊂ I_{k+1} (so both
    are continuous at t, and their one-sided derivatives are the derivative formulas'
    values there), with g_k'(t−) <= g_{k+1}'(t+);
(d) at a closed end e of D where f is given by another branch than the segment I there,
    f(e) >= g_I(e) (a jump, only upward).

Proof.  Let h = g_k on I_k (well defined by (b)); h = f on D except at the ends of (d),
where f >= h.  h is continuous on the interior of D (convex functions are continuous
inside their intervals, and at each t by (c) and (b)) and has a finite right derivative
h'(x+) everywhere inside D.  It does not decrease: inside I_k, g_k'(x+) does not decrease
(g_k convex); for x < t in I_k, g_k'(x+) <= (g_k(t) − g_k(x))/(t − x) <= g_k'(t−) by
convexity of g_k on [x, t], and g_k'(t−) <= g_{k+1}'(t+) = h'(t+) by (c); beyond t,
h'(y+) >= g_{k+1}'(t+) likewise.  A continuous function with a nondecreasing right
derivative on an open interval is convex there.  At a closed end e of D in I_1, g_1 is
convex on I_1, so h(e) = g_1(e) >= lim h(e+), and for y in D and λ in [0, 1),
h(λe + (1−λ)y) = lim_{x→e+} h(λx + (1−λ)y) <= λ·lim h(e+) + (1−λ)·h(y) <= λh(e) + (1−λ)h(y):
h is convex on D.  By (d), f = h + (nonnegative jumps at ends of D); a segment's
interior point is never an end, so f is convex on D, and f = g(a·x) is convex on the box
(an affine map composed with a convex function).  ∎

**Strictness** (one variable only; a function of one linear form of several variables
is constant along the form's kernel): when every g_k is strictly convex on I_k, f is
strictly convex (f is convex, and no segment of D is flat, since every segment of D
shares a segment of positive length with some I_k).

What is not established gives no answer; the module never concludes "not convex" (a
failing condition only names the breakpoint for the refuter, which certifies a segment
across it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction

import sympy

from convexity_proofs._proof import (
    BreakpointFact,
    EndValueFact,
    Fact,
    PiecewiseFact,
    ProofStep,
)
from convexity_proofs._values import REAL, Domain
from convexity_proofs.checker._core import negated
from convexity_proofs.kernel import piecewise as _line
from convexity_proofs.kernel.intervals import Interval, Undefined, from_domain, range_of
from convexity_proofs.provers import composition, second_order

#: The symbol that stands for the linear form of several variables (the parser refuses
#: names that start with "_", so no claim can use it).
LINE_SYMBOL = sympy.Symbol("_u", real=True)
#: Window widths tried beside a breakpoint: the first, then halved this many times.
_HALVINGS = 8

#: The convexity and concavity relations a breakpoint's one-sided derivatives
#: (left vs right) and an end's values (f vs the adjacent branch) may have.
DERIVATIVE_OK = {1: frozenset({"=", "<", "<="}), -1: frozenset({"=", ">", ">="})}
END_OK = {1: frozenset({"=", ">", ">="}), -1: frozenset({"=", "<", "<="})}

#: A prover for subterms (the composer's fallback), given the piece's domains.
FallbackFactory = Callable[[Mapping[sympy.Symbol, Domain]], composition.Fallback]


@dataclass(frozen=True, slots=True)
class Line:
    """f read on a line: u = ``form`` (``variable``), the branches as functions of u, the
    image of u and its segmentation."""

    variable: sympy.Symbol
    form: sympy.Expr
    branches: tuple[sympy.Expr, ...]
    image: Interval
    cut: _line.Segmentation

    def domains(
        self, domains: Mapping[sympy.Symbol, Domain], segment: _line.Segment
    ) -> dict[sympy.Symbol, Domain]:
        return {**domains, self.variable: _line.domain_of(segment.interval)}


@dataclass(frozen=True, slots=True)
class Failure:
    """A condition of the rule that fails (certainly, or as far as it was checked) at
    ``point`` of the line: ``kind`` is "jump" (values differ at an interior
    breakpoint), "kink" (the one-sided derivatives go the wrong way), "end" (a jump the
    wrong way at an end of the domain), "piece" (a branch not proved convex) or
    "value" (a value or an order not established)."""

    kind: str
    point: Fraction | None
    note: str
    #: Where the point lies: "inside" the image, or at its "lower" or "upper" end.
    place: str = "inside"


@dataclass(frozen=True, slots=True)
class PiecewiseResult:
    """The step when every condition holds (``strict`` when shown strict), else None
    and the failures; ``line`` for the refuter (None when f is not read on a line)."""

    step: ProofStep | None
    strict: bool | None
    line: Line | None
    failures: tuple[Failure, ...] = ()
    note: str = ""


def applicability(f: sympy.Expr) -> str | None:
    """None when the rule may apply (f is a Piecewise); otherwise why not.  Structural."""
    if not isinstance(f, sympy.Piecewise):
        return "f is not a Piecewise (at the top)"
    return None


def _linear_part(expr: sympy.Basic, variables: tuple[sympy.Symbol, ...]) -> sympy.Expr | None:
    """The linear part of the first subexpression (preorder) that is affine in the
    variables and depends on them."""
    for node in sympy.preorder_traversal(expr):
        if not isinstance(node, sympy.Expr) or not node.free_symbols & set(variables):
            continue
        present = tuple(v for v in variables if v in node.free_symbols)
        if any(n.is_Pow or n.is_Function for n in sympy.preorder_traversal(node)):
            continue  # not affine (and no power is expanded to find out)
        try:
            poly = sympy.Poly(node, *present)
        except sympy.polys.polyerrors.BasePolynomialError:
            continue
        if poly.total_degree() != 1:
            continue
        coefficients = [poly.coeff_monomial(v) for v in present]
        if all(c.is_Rational for c in coefficients):
            return sympy.Add(*(c * v for c, v in zip(coefficients, present, strict=True)))
    return None


def read_line(
    f: sympy.Expr, variables: tuple[sympy.Symbol, ...], domains: Mapping[sympy.Symbol, Domain]
) -> Line | str:
    """f on a line (see the module docstring), or why it cannot be read so."""
    why = applicability(f)
    if why is not None:
        return why
    present = tuple(v for v in variables if v in f.free_symbols)
    if not present:
        return "f does not depend on the variables"
    candidates: list[tuple[sympy.Symbol, sympy.Expr]] = []
    if len(present) == 1:
        candidates.append((present[0], present[0]))
    elif LINE_SYMBOL not in f.free_symbols and LINE_SYMBOL not in domains:
        for pair in f.args:
            for part in (pair.cond, pair.expr):
                linear = _linear_part(part, variables)
                if linear is not None and all(linear != c for _, c in candidates):
                    candidates.append((LINE_SYMBOL, linear))
            if len(candidates) >= 2:
                break
    for u, form in candidates:
        read = _line.line_conditions(f, variables, form, u)
        if read is None:
            continue
        branches, conditions = read
        if u is LINE_SYMBOL:
            try:
                image = range_of(form, domains)
            except Undefined:
                continue
        else:
            image = from_domain(domains.get(u, REAL))
        cut = _line.segmentation(conditions, u, image)
        if cut is None:
            return (
                "a condition is not a comparison of a piecewise-linear function of "
                f"{form} with a rational constant"
            )
        return Line(u, form, branches, image, cut)
    if len(present) == 1:
        return "a condition is not a comparison of the variable with rational constants"
    return "f is not a function of one linear form of the variables with rational coefficients"


def _own_fallback(domains: Mapping[sympy.Symbol, Domain]) -> composition.Fallback:
    """The second-order provers (and this rule, for a Piecewise inside a branch) for
    subterms, on the piece's domains."""

    def rescue(sub: sympy.Expr, own: tuple[sympy.Symbol, ...]) -> composition.Analysis | None:
        for sign, curvature in (
            (1, composition.Curvature.CONVEX),
            (-1, composition.Curvature.CONCAVE),
        ):
            if isinstance(sub, sympy.Piecewise) and set(own) <= set(domains):
                inner = prove(sub, own, domains, sign, strict=False)
                if inner.step is not None:
                    return composition.Analysis(curvature, inner.step)
            for prover in (second_order.quadratic, second_order.univariate):
                result = prover(sign * sub, own, domains)
                if result is not None and result.convex is True and result.step is not None:
                    step = dataclasses.replace(result.step, conclusion="convex")
                    return composition.Analysis(curvature, _signed(step, sign, sub))
        return None

    return rescue


def _signed(step: ProofStep, sign: int, subject: sympy.Expr) -> ProofStep:
    if sign > 0:
        return step
    return ProofStep("negation", subject, negated(step.conclusion), children=(step,))


def _piece_proof(
    g: sympy.Expr,
    u: sympy.Symbol,
    domains: Mapping[sympy.Symbol, Domain],
    sign: int,
    fallback: composition.Fallback,
) -> ProofStep | None:
    """A step showing sign·g convex on the piece (g convex or concave), or None."""
    result = composition.analyse(g, (u,), domains, fallback)
    wanted = result.curvature.is_convex if sign > 0 else result.curvature.is_concave
    if not wanted:
        return None
    return result.step or ProofStep("affine", g, "affine")


def _strict_proof(
    g: sympy.Expr, u: sympy.Symbol, domains: Mapping[sympy.Symbol, Domain], sign: int
) -> ProofStep | None:
    """A step showing g strictly convex (sign > 0) or strictly concave on the piece."""
    for prover in (second_order.quadratic, second_order.univariate):
        result = prover(sign * g, (u,), domains)
        if result is not None and result.convex is True and result.strict is True:
            if result.step is not None:
                return _signed(result.step, sign, g)
    return None


def _widths(segment: Interval, t: Fraction) -> list[Fraction]:
    """Window widths beside t inside the segment: the first at most 1 (half the segment
    when it is bounded), then halved."""
    lo, hi = segment.lo, segment.hi
    length = None if lo is None or hi is None else hi - lo
    first = Fraction(1) if length is None else min(Fraction(1), length / 2)
    return [first / 2**k for k in range(_HALVINGS)]


def _one_sided(
    g: sympy.Expr,
    line: Line,
    t: Fraction,
    upper: bool,
    segment: _line.Segment,
    domains: Mapping[sympy.Symbol, Domain],
) -> tuple[Fraction, _line.OneSided] | None:
    for width in _widths(segment.interval, t):
        found = _line.one_sided(g, line.variable, t, width, upper, segment.interval, domains)
        if found is not None:
            return width, found
    return None


def prove(
    f: sympy.Expr,
    variables: tuple[sympy.Symbol, ...],
    domains: Mapping[sympy.Symbol, Domain],
    sign: int,
    *,
    fallback: FallbackFactory | None = None,
    strict: bool = True,
) -> PiecewiseResult:
    """Prove sign·f convex by the rule (f convex for sign 1, concave for −1); without a
    line (``line`` None) the note says why f is not read on one."""
    line = read_line(f, variables, domains)
    if isinstance(line, str):
        return PiecewiseResult(None, None, None, note=line)
    factory = fallback or _own_fallback
    failures: list[Failure] = []
    facts: list[Fact] = [
        PiecewiseFact(
            line.variable,
            line.form,
            line.image,
            tuple((s.interval, s.branch) for s in line.cut.segments),
        )
    ]
    segments = line.cut.segments
    for bp in line.cut.breakpoints:
        fact = _breakpoint(line, bp, domains, sign, failures)
        if fact is not None:
            facts.append(fact)
    for end in line.cut.ends:
        fact = _end(line, end, domains, sign, failures)
        if fact is not None:
            facts.append(fact)
    if failures:  # the cheap conditions first: no piece proof is needed then
        return PiecewiseResult(None, None, line, tuple(failures), failures[0].note)
    children: list[ProofStep] = []
    for segment in segments:
        g = line.branches[segment.branch]
        piece_domains = line.domains(domains, segment)
        child = _piece_proof(g, line.variable, piece_domains, sign, factory(piece_domains))
        if child is None:
            failures.append(
                Failure(
                    "piece",
                    None,
                    f"branch {segment.branch + 1} is not proved "
                    f"{'convex' if sign > 0 else 'concave'} on {segment.interval}",
                )
            )
            break
        children.append(child)
    if failures:
        return PiecewiseResult(None, None, line, tuple(failures), failures[0].note)
    one_variable = len(variables) == 1 and line.variable == variables[0]
    is_strict = False
    if strict and one_variable:
        upgraded = []
        for segment, child in zip(segments, children, strict=True):
            if child.conclusion.startswith("strictly"):
                upgraded.append(child)
                continue
            if child.conclusion == "affine":
                break
            g = line.branches[segment.branch]
            better = _strict_proof(g, line.variable, line.domains(domains, segment), sign)
            if better is None:
                break
            upgraded.append(better)
        else:
            children, is_strict = upgraded, True
    conclusion = ("strictly-" if is_strict else "") + ("convex" if sign > 0 else "concave")
    step = ProofStep("piecewise", f, conclusion, tuple(facts), tuple(children))
    return PiecewiseResult(step, True if is_strict else None, line)


def _breakpoint(
    line: Line,
    bp: _line.Breakpoint,
    domains: Mapping[sympy.Symbol, Domain],
    sign: int,
    failures: list[Failure],
) -> BreakpointFact | None:
    u, t = line.variable, bp.point
    left_segment, right_segment = line.cut.segments[bp.left], line.cut.segments[bp.right]
    g_left = line.branches[left_segment.branch]
    g_right = line.branches[right_segment.branch]
    g_at = line.branches[bp.branch]
    values = [_line.value_at(g, u, t, domains) for g in (g_left, g_right, g_at)]
    if any(v is None for v in values):
        failures.append(Failure("value", t, f"a branch is not shown defined at {t}"))
        return None
    (vl, el), (vr, er), (va, ea) = values  # type: ignore[misc]
    for side, v in (("left", vl), ("right", vr)):
        rel = _line.relation(v, va, domains)
        if rel != "=":
            certain = rel is not None
            failures.append(
                Failure(
                    "jump" if certain else "value",
                    t,
                    f"f is {'not' if certain else 'not shown'} continuous at {t} "
                    f"(the {side} branch's value differs)",
                )
            )
            return None
    left = _one_sided(g_left, line, t, False, left_segment, domains)
    right = _one_sided(g_right, line, t, True, right_segment, domains)
    if left is None or right is None:
        failures.append(Failure("value", t, f"no one-sided derivative shown at {t}"))
        return None
    rel = _line.relation(left[1].derivative, right[1].derivative, domains)
    if rel not in DERIVATIVE_OK[sign]:
        failures.append(
            Failure(
                "kink" if rel is not None else "value",
                t,
                f"the one-sided derivatives at {t} are {left[1].enclosure} and "
                f"{right[1].enclosure}: "
                + ("not in order" if rel is not None else "their order is not established"),
            )
        )
        return None
    return BreakpointFact(
        t,
        bp.branch,
        left_segment.branch,
        right_segment.branch,
        (el, er, ea),
        (left[0], right[0]),
        (left[1].enclosure, right[1].enclosure),
        rel,
    )


def _end(
    line: Line,
    end: _line.End,
    domains: Mapping[sympy.Symbol, Domain],
    sign: int,
    failures: list[Failure],
) -> EndValueFact | None:
    u, e = line.variable, end.point
    adjacent = line.cut.segments[end.segment].branch
    own = _line.value_at(line.branches[end.branch], u, e, domains)
    near = _line.value_at(line.branches[adjacent], u, e, domains)
    if own is None or near is None:
        place = "upper" if end.upper else "lower"
        failures.append(Failure("value", e, f"a branch is not shown defined at {e}", place))
        return None
    rel = _line.relation(own[0], near[0], domains)
    if rel not in END_OK[sign]:
        failures.append(
            Failure(
                "end" if rel is not None else "value",
                e,
                f"at the end {e}, f = {own[1]} and the adjacent branch is {near[1]}",
                "upper" if end.upper else "lower",
            )
        )
        return None
    return EndValueFact(
        e, "upper" if end.upper else "lower", end.branch, adjacent, (own[1], near[1]), rel
    )
