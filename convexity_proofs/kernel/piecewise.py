"""A Piecewise function on a line: its breakpoints, one-sided values and derivatives.

The deterministic computations the piecewise prover searches with and its checker replay
re-runs (:mod:`convexity_proofs.provers.piecewise`, :mod:`convexity_proofs.checker.piecewise`),
from the subject and the recorded data alone.

* **The line.**  ``f = Piecewise((e1, c1), ..., (en, True))`` is read as g(u) for one
  linear form ``u = a·x`` of the variables with rational coefficients (:func:`to_line`:
  one variable is substituted, x_j = (u − Σ_{i≠j} a_i·x_i)/a_j, and the result must be
  free of every variable; in one variable u is x itself).
* **Breakpoints** (:func:`segmentation`).  Every condition must be a combination (and,
  or, not, true, false) of comparisons ``h(u) op 0`` with h piecewise linear in u:
  rationals, u, sums, rational multiples, ``Abs``, ``Max``, ``Min``.  Each such h is
  affine between its kinks, so its roots and kinks are found exactly (rational
  arithmetic), and every condition has one truth value on each open cell between two
  consecutive such points.  The branch that gives f (the first condition that holds) is
  decided exactly at each point and at one rational point of each cell.  Cells of the
  image of u with the same branch, and the same branch at the point between them, are
  merged: the result is a list of segments (closed at the breakpoints between them, with
  the image's own ends at the ends), the breakpoints, and the closed ends of the image
  where f is given by another branch than the segment there.
* **One-sided derivatives** (:func:`one_sided`).  On a closed window S = [t − w, t] (or
  [t, t + w]) inside a segment, the branch is *localised*: every ``Abs``, ``Max``,
  ``Min``, ``sign``, ``Heaviside`` and inner ``Piecewise`` is replaced by the argument
  or branch the kernel's interval enclosures show it takes on the whole of S (every
  parameter ranging over its domain).  The localised L equals the branch on S and has no
  kink; L and its derivative formula L' (``sympy.diff``) must both be enclosed (defined)
  on the whole closed S.  Every function of the registry is continuously differentiable
  where its derivative formula is defined, so L is C¹ on S: the branch is continuous at t
  from that side and its one-sided derivative there is L'(t) (mean value theorem and the
  continuity of L').
* **Comparisons** (:func:`relation`): "=" by structural equality, equal exact point
  enclosures, or an expansion to 0; otherwise the sign of the kernel's enclosure of the
  difference over the parameters' box.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import sympy
from sympy.logic.boolalg import And, BooleanFalse, BooleanTrue, Not, Or

from convexity_proofs._values import NAMED_DOMAINS, Domain
from convexity_proofs.functions import NON_SMOOTH_HEADS
from convexity_proofs.kernel import evaluate as _evaluate
from convexity_proofs.kernel.intervals import Interval, Undefined, range_of

__all__ = [
    "Breakpoint",
    "End",
    "LineCondition",
    "OneSided",
    "Segment",
    "Segmentation",
    "domain_of",
    "line_conditions",
    "linear_coefficients",
    "one_sided",
    "relation",
    "segmentation",
    "to_line",
    "value_at",
]

#: More critical points (kinks and roots of the conditions) than this: no answer.
MAX_POINTS = 64
#: Expressions with more nodes than this are not expanded or localised here.
MAX_NODES = 2000
#: Integer exponents above this are not expanded (expansion would be too large).
_MAX_EXPAND_EXPONENT = 12


# --- the line -------------------------------------------------------------------------


def _nodes(expr: sympy.Basic, cap: int = MAX_NODES) -> int:
    count = 0
    for _ in sympy.preorder_traversal(expr):
        count += 1
        if count > cap:
            break
    return count


def _expandable(expr: sympy.Basic) -> bool:
    if _nodes(expr) > MAX_NODES // 4:
        return False
    for node in sympy.preorder_traversal(expr):
        if node.is_Pow and node.exp.is_Integer and abs(int(node.exp)) > _MAX_EXPAND_EXPONENT:
            return False
    return True


def linear_coefficients(
    form: sympy.Expr, variables: tuple[sympy.Symbol, ...]
) -> tuple[Fraction, ...] | None:
    """``form`` = Σ a_i·x_i (no constant term) with rational a_i, not all 0: the a_i."""
    if not isinstance(form, sympy.Expr) or form.free_symbols - set(variables):
        return None
    if _nodes(form) > MAX_NODES or any(node.is_Pow for node in sympy.preorder_traversal(form)):
        return None  # a linear form has no powers (and Poly never expands a big one)
    try:
        poly = sympy.Poly(form, *variables)
    except sympy.polys.polyerrors.BasePolynomialError:
        return None
    if poly.total_degree() != 1:
        return None
    coefficients = []
    for i in range(len(variables)):
        monomial = tuple(1 if j == i else 0 for j in range(len(variables)))
        c = poly.coeff_monomial(monomial)
        if not c.is_Rational:
            return None
        coefficients.append(Fraction(int(c.p), int(c.q)))
    constant = poly.coeff_monomial(tuple(0 for _ in variables))
    if constant != 0:
        return None
    return tuple(coefficients)


def to_line(
    expr: sympy.Expr,
    variables: tuple[sympy.Symbol, ...],
    form: sympy.Expr,
    u: sympy.Symbol,
) -> sympy.Expr | None:
    """``expr`` (in the variables) written as a function of u alone, where u stands for
    the linear ``form``; None when it is not a function of the form alone.

    When u is one of the variables the form must be u itself, and ``expr`` must not
    involve the other variables.  Otherwise the first variable x_j (in order) with a
    nonzero coefficient is replaced by (u − Σ_{i≠j} a_i·x_i)/a_j; when variables remain,
    the result is expanded once (small expressions only).
    """
    present = set(variables)
    if u in present:
        if form != u:
            return None
        return expr if not expr.free_symbols & (present - {u}) else None
    coefficients = linear_coefficients(form, variables)
    if coefficients is None:
        return None
    j = next(i for i, a in enumerate(coefficients) if a != 0)
    rest = sympy.Add(
        *(
            sympy.Rational(a.numerator, a.denominator) * x
            for i, (a, x) in enumerate(zip(coefficients, variables, strict=True))
            if i != j and a != 0
        )
    )
    a_j = sympy.Rational(coefficients[j].numerator, coefficients[j].denominator)
    out = expr.xreplace({variables[j]: (u - rest) / a_j})
    if out.free_symbols & present and _expandable(out):
        out = sympy.expand(out)
    if out.free_symbols & present:
        return None
    return out


# --- conditions on the line -----------------------------------------------------------

#: A condition on the line: True/False, ("rel", op, h) for h(u) op 0, or
#: ("and" | "or", parts) / ("not", part).
LineCondition = bool | tuple

_OPS = {"<", "<=", ">", ">=", "==", "!="}


def _line_condition(
    cond: sympy.Basic, variables: tuple[sympy.Symbol, ...], form: sympy.Expr, u: sympy.Symbol
) -> LineCondition | None:
    if isinstance(cond, BooleanTrue):
        return True
    if isinstance(cond, BooleanFalse):
        return False
    if isinstance(cond, sympy.core.relational.Relational):
        if cond.rel_op not in _OPS:
            return None
        lhs = to_line(cond.lhs, variables, form, u)
        rhs = to_line(cond.rhs, variables, form, u)
        if lhs is None or rhs is None:
            return None
        return ("rel", cond.rel_op, lhs - rhs)
    if isinstance(cond, And | Or):
        parts = []
        for part in cond.args:
            line = _line_condition(part, variables, form, u)
            if line is None:
                return None
            parts.append(line)
        return ("and" if isinstance(cond, And) else "or", tuple(parts))
    if isinstance(cond, Not):
        inner = _line_condition(cond.args[0], variables, form, u)
        return None if inner is None else ("not", inner)
    return None


def line_conditions(
    subject: sympy.Piecewise,
    variables: tuple[sympy.Symbol, ...],
    form: sympy.Expr,
    u: sympy.Symbol,
) -> tuple[tuple[sympy.Expr, ...], tuple[LineCondition, ...]] | None:
    """The branches of ``subject`` as functions of u, and its conditions on the line, or
    None when a branch or a condition is not a function of the form alone."""
    if not isinstance(subject, sympy.Piecewise):
        return None
    branches: list[sympy.Expr] = []
    conditions: list[LineCondition] = []
    for pair in subject.args:
        expr = to_line(pair.expr, variables, form, u)
        cond = _line_condition(pair.cond, variables, form, u)
        if expr is None or cond is None:
            return None
        branches.append(expr)
        conditions.append(cond)
    return tuple(branches), tuple(conditions)


def _exact(h: sympy.Expr, u: sympy.Symbol, q: Fraction) -> Fraction | None:
    return _evaluate.exact_value(h, {u: q})


def _kinks(h: sympy.Expr, u: sympy.Symbol) -> list[Fraction] | None:
    """Points where the piecewise-linear ``h`` may stop being affine, or None when ``h``
    is not piecewise linear in u (rationals, u, sums, rational multiples, Abs, Max, Min)."""
    if h.is_Rational or h == u:
        return []
    if isinstance(h, sympy.Add):
        out: list[Fraction] = []
        for a in h.args:
            inner = _kinks(a, u)
            if inner is None:
                return None
            out.extend(inner)
        return out
    if isinstance(h, sympy.Mul):
        varying = [a for a in h.args if not a.is_Rational]
        if len(varying) != 1:
            return None
        return _kinks(varying[0], u)
    if isinstance(h, sympy.Abs):
        return _with_roots([h.args[0]], u)
    if isinstance(h, sympy.Max | sympy.Min):
        args = list(h.args)
        differences = [args[i] - args[j] for i in range(len(args)) for j in range(i + 1, len(args))]
        out = []
        for a in args:
            inner = _kinks(a, u)
            if inner is None:
                return None
            out.extend(inner)
        roots = _with_roots(differences, u)
        return None if roots is None else [*out, *roots]
    return None


def _with_roots(parts: list[sympy.Expr], u: sympy.Symbol) -> list[Fraction] | None:
    """The kinks and the roots of each piecewise-linear part."""
    out: list[Fraction] = []
    for part in parts:
        kinks = _kinks(part, u)
        if kinks is None:
            return None
        roots = _roots(part, u, kinks)
        if roots is None:
            return None
        out.extend(kinks)
        out.extend(roots)
        if len(out) > MAX_POINTS:
            return None
    return out


def _roots(h: sympy.Expr, u: sympy.Symbol, kinks: list[Fraction]) -> list[Fraction] | None:
    """The roots of ``h``, affine between consecutive ``kinks`` (exact arithmetic); on a
    piece where h is identically 0 only the piece's ends are returned (h has one sign,
    0, inside it)."""
    points = sorted(set(kinks))
    if not points:
        points = [Fraction(0)]
    out: list[Fraction] = []
    values = [_exact(h, u, p) for p in points]
    if any(v is None for v in values):
        return None
    # The two rays: affine beyond the outer kinks.
    before = _exact(h, u, points[0] - 1)
    after = _exact(h, u, points[-1] + 1)
    if before is None or after is None:
        return None
    pieces = [(points[0] - 1, before, points[0], values[0], "ray-")]
    pieces += [
        (points[i], values[i], points[i + 1], values[i + 1], "inner")
        for i in range(len(points) - 1)
    ]
    pieces.append((points[-1], values[-1], points[-1] + 1, after, "ray+"))
    for p, hp, q, hq, kind in pieces:
        assert hp is not None and hq is not None
        if hp == hq:
            if hp == 0:
                out.extend([p, q] if kind == "inner" else [])
            continue
        root = p + (q - p) * hp / (hp - hq)
        if kind == "inner" and not p <= root <= q:
            continue
        if kind == "ray-" and root > q:
            continue
        if kind == "ray+" and root < p:
            continue
        out.append(root)
    return out


def _critical(cond: LineCondition, u: sympy.Symbol, out: list[Fraction]) -> bool:
    if isinstance(cond, bool):
        return True
    tag = cond[0]
    if tag == "rel":
        found = _with_roots([cond[2]], u)
        if found is None:
            return False
        out.extend(found)
        return len(out) <= MAX_POINTS * 4
    if tag == "not":
        return _critical(cond[1], u, out)
    return all(_critical(part, u, out) for part in cond[1])


def _truth(cond: LineCondition, u: sympy.Symbol, q: Fraction) -> bool | None:
    if isinstance(cond, bool):
        return cond
    tag = cond[0]
    if tag == "rel":
        value = _exact(cond[2], u, q)
        if value is None:
            return None
        return {
            "<": value < 0,
            "<=": value <= 0,
            ">": value > 0,
            ">=": value >= 0,
            "==": value == 0,
            "!=": value != 0,
        }[cond[1]]
    if tag == "not":
        inner = _truth(cond[1], u, q)
        return None if inner is None else not inner
    values = [_truth(part, u, q) for part in cond[1]]
    if any(v is None for v in values):
        return None
    return all(values) if tag == "and" else any(values)  # type: ignore[arg-type]


def _branch_at(conditions: tuple[LineCondition, ...], u: sympy.Symbol, q: Fraction) -> int | None:
    for index, cond in enumerate(conditions):
        truth = _truth(cond, u, q)
        if truth is None:
            return None
        if truth:
            return index
    return None


# --- segments -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Segment:
    """``interval`` of u (closed at the breakpoints) on whose interior f is ``branch``."""

    interval: Interval
    branch: int


@dataclass(frozen=True, slots=True)
class Breakpoint:
    """An interior point between segments ``left`` and ``right`` (indices into the
    segments); f(point) is given by ``branch``."""

    point: Fraction
    left: int
    right: int
    branch: int


@dataclass(frozen=True, slots=True)
class End:
    """A closed end of the image where f is given by ``branch``, another branch than the
    one of the segment ``segment`` that ends there (``upper``: the upper end)."""

    point: Fraction
    segment: int
    branch: int
    upper: bool


@dataclass(frozen=True, slots=True)
class Segmentation:
    segments: tuple[Segment, ...]
    breakpoints: tuple[Breakpoint, ...]
    ends: tuple[End, ...]


def segmentation(
    conditions: tuple[LineCondition, ...], u: sympy.Symbol, image: Interval
) -> Segmentation | None:
    """Cut the ``image`` of u into segments where one branch gives f (see the module
    docstring); None when a condition is not piecewise linear in u or too complex."""
    critical: list[Fraction] = []
    for cond in conditions:
        if not _critical(cond, u, critical):
            return None
    points = sorted(set(critical))
    if len(points) > MAX_POINTS:
        return None
    inner = [t for t in points if _strictly_inside(image, t)]
    bounds: list[Fraction | None] = [image.lo, *inner, image.hi]
    cells: list[int] = []
    for lo, hi in itertools.pairwise(bounds):
        sample = _sample(lo, hi)
        branch = _branch_at(conditions, u, sample)
        if branch is None:
            return None
        cells.append(branch)
    at_points: list[int] = []
    for t in inner:
        branch = _branch_at(conditions, u, t)
        if branch is None:
            return None
        at_points.append(branch)
    segments: list[Segment] = []
    breakpoints: list[Breakpoint] = []
    start: tuple[Fraction | None, bool] = (image.lo, image.lo_open)
    current = cells[0]
    for i, t in enumerate(inner):
        if cells[i + 1] == current and at_points[i] == current:
            continue
        segments.append(Segment(Interval(start[0], t, start[1], False), current))
        breakpoints.append(Breakpoint(t, len(segments) - 1, len(segments), at_points[i]))
        start = (t, False)
        current = cells[i + 1]
    segments.append(Segment(Interval(start[0], image.hi, start[1], image.hi_open), current))
    ends: list[End] = []
    if image.lo is not None and not image.lo_open:
        branch = _branch_at(conditions, u, image.lo)
        if branch is None:
            return None
        if branch != segments[0].branch:
            ends.append(End(image.lo, 0, branch, False))
    if image.hi is not None and not image.hi_open:
        branch = _branch_at(conditions, u, image.hi)
        if branch is None:
            return None
        if branch != segments[-1].branch:
            ends.append(End(image.hi, len(segments) - 1, branch, True))
    return Segmentation(tuple(segments), tuple(breakpoints), tuple(ends))


def _strictly_inside(iv: Interval, t: Fraction) -> bool:
    return (iv.lo is None or iv.lo < t) and (iv.hi is None or t < iv.hi)


def _sample(lo: Fraction | None, hi: Fraction | None) -> Fraction:
    if lo is None and hi is None:
        return Fraction(0)
    if lo is None:
        assert hi is not None
        return hi - 1
    if hi is None:
        return lo + 1
    return (lo + hi) / 2


def domain_of(iv: Interval) -> Domain:
    """The interval as a domain (a named one when it is one)."""
    for name, domain in NAMED_DOMAINS.items():
        if (domain.lo, domain.hi, domain.lo_open, domain.hi_open) == (
            iv.lo,
            iv.hi,
            iv.lo_open,
            iv.hi_open,
        ):
            return Domain(iv.lo, iv.hi, iv.lo_open, iv.hi_open, name)
    return Domain(iv.lo, iv.hi, iv.lo_open, iv.hi_open, "interval")


# --- values and one-sided derivatives -------------------------------------------------


def _point(domains: Mapping[sympy.Symbol, Domain], u: sympy.Symbol, t: Fraction) -> dict:
    return {**domains, u: Domain(t, t, False, False, "interval")}


def value_at(
    expr: sympy.Expr, u: sympy.Symbol, t: Fraction, domains: Mapping[sympy.Symbol, Domain]
) -> tuple[sympy.Expr, Interval] | None:
    """``expr`` at u = t (SymPy's value, a function of the parameters) with its kernel
    enclosure over the parameters' box; None when it is not shown defined there.

    The expression as written must be defined at the point too (the kernel encloses it
    there before SymPy evaluates): SymPy's automatic evaluation gives 0**0 = 1, a value
    that is no limit of 0**u for u > 0, and an end's jump is judged by this value."""
    point = _point(domains, u, t)
    value = expr.xreplace({u: sympy.Rational(t.numerator, t.denominator)})
    try:
        range_of(expr, point)
        return value, range_of(value, point)
    except (Undefined, TypeError):
        return None


def relation(
    a: sympy.Expr,
    b: sympy.Expr,
    domains: Mapping[sympy.Symbol, Domain],
) -> str | None:
    """How ``a`` compares with ``b`` for every parameter value in the box: "=", "<",
    "<=", ">", ">=", or None when not established (both must be enclosed)."""
    try:
        ea, eb = range_of(a, domains), range_of(b, domains)
    except (Undefined, TypeError):
        return None
    if a == b:
        return "="
    if ea.lo is not None and ea.lo == ea.hi and eb.lo == eb.hi and ea.lo == eb.lo:
        return "="
    difference = b - a
    if difference == 0 or (_expandable(difference) and sympy.expand(difference) == 0):
        return "="
    try:
        gap = range_of(difference, domains)
    except (Undefined, TypeError):
        return None
    if gap.is_positive():
        return "<"
    if gap.is_negative():
        return ">"
    if gap.is_nonnegative():
        return "<="
    if gap.is_nonpositive():
        return ">="
    return None


@dataclass(frozen=True, slots=True)
class OneSided:
    """The one-sided derivative of a branch at a point: ``derivative`` (L'(t), a function
    of the parameters) and its enclosure over the parameters' box."""

    derivative: sympy.Expr
    enclosure: Interval


def window(t: Fraction, width: Fraction, upper: bool) -> Interval:
    """[t − width, t] (below t) or [t, t + width] (``upper``)."""
    return Interval(t, t + width) if upper else Interval(t - width, t)


def one_sided(
    expr: sympy.Expr,
    u: sympy.Symbol,
    t: Fraction,
    width: Fraction,
    upper: bool,
    segment: Interval,
    domains: Mapping[sympy.Symbol, Domain],
) -> OneSided | None:
    """The derivative of ``expr`` at t from above (``upper``) or below, shown on the
    window of ``width`` inside ``segment`` (see the module docstring); None when the
    window is not inside the segment or the localisation or an enclosure fails."""
    if width <= 0:
        return None
    side = window(t, width, upper)
    assert side.lo is not None and side.hi is not None
    if not (segment.contains(side.lo) and segment.contains(side.hi)):
        return None
    box = {**domains, u: Domain(side.lo, side.hi, False, False, "interval")}
    if _nodes(expr) > MAX_NODES:
        return None
    local = localize(expr, box)
    if local is None or local.has(*NON_SMOOTH_HEADS):
        return None
    derivative = sympy.diff(local, u)
    if derivative.has(sympy.Derivative, sympy.Subs, *NON_SMOOTH_HEADS):
        return None
    try:
        range_of(local, box)
        range_of(derivative, box)
    except (Undefined, TypeError):
        return None
    found = value_at(derivative, u, t, domains)
    if found is None:
        return None
    return OneSided(found[0], found[1])


def localize(expr: sympy.Expr, domains: Mapping[sympy.Symbol, Domain]) -> sympy.Expr | None:
    """``expr`` with every kink head replaced by what it is on the whole box (Abs(a) by
    a or −a, Max/Min by one argument, sign and Heaviside by constants, an inner
    Piecewise by its one branch), decided by enclosures; None when one is undecided."""
    memo: dict[sympy.Basic, sympy.Basic | None] = {}
    stack: list[tuple[sympy.Basic, bool]] = [(expr, False)]
    while stack:
        node, ready = stack.pop()
        if node in memo:
            continue
        children = _local_children(node)
        if not ready and children:
            stack.append((node, True))
            stack.extend((c, False) for c in children if c not in memo)
            continue
        memo[node] = _localize_node(node, memo, domains)
    result = memo[expr]
    return result if isinstance(result, sympy.Expr) else None


def _local_children(node: sympy.Basic) -> tuple[sympy.Basic, ...]:
    if isinstance(node, sympy.Piecewise):
        return tuple(pair.expr for pair in node.args)
    if node.is_Atom:
        return ()
    return node.args


def _enclose(expr: sympy.Basic, domains: Mapping[sympy.Symbol, Domain]) -> Interval | None:
    try:
        return range_of(expr, domains)
    except (Undefined, TypeError):
        return None


def _localize_node(
    node: sympy.Basic,
    memo: Mapping[sympy.Basic, sympy.Basic | None],
    domains: Mapping[sympy.Symbol, Domain],
) -> sympy.Basic | None:
    if isinstance(node, sympy.Piecewise):
        return _local_piecewise(node, memo, domains)
    if node.is_Atom:
        return node
    args = [memo[a] for a in node.args]
    if any(a is None for a in args):
        return None
    if isinstance(node, sympy.Abs):
        box = _enclose(args[0], domains)  # type: ignore[arg-type]
        if box is None:
            return None
        if box.is_nonnegative():
            return args[0]
        if box.is_nonpositive():
            return -args[0]  # type: ignore[operator]
        return None
    if isinstance(node, sympy.Max | sympy.Min):
        largest = isinstance(node, sympy.Max)
        for i, a in enumerate(args):
            gaps = [_enclose(a - b, domains) for j, b in enumerate(args) if j != i]  # type: ignore[operator]
            if all(
                g is not None and (g.is_nonnegative() if largest else g.is_nonpositive())
                for g in gaps
            ):
                return a
        return None
    if isinstance(node, sympy.sign | sympy.Heaviside):
        box = _enclose(node.args[0] if not args else args[0], domains)  # type: ignore[arg-type]
        if box is None:
            return None
        if box.is_positive():
            return sympy.S.One
        if box.is_negative():
            return sympy.S.NegativeOne if isinstance(node, sympy.sign) else sympy.S.Zero
        return None
    if all(a is b for a, b in zip(args, node.args, strict=True)):
        return node
    return node.func(*args)


def _local_piecewise(
    node: sympy.Piecewise,
    memo: Mapping[sympy.Basic, sympy.Basic | None],
    domains: Mapping[sympy.Symbol, Domain],
) -> sympy.Basic | None:
    for pair in node.args:
        truth = _box_truth(pair.cond, domains)
        if truth is None:
            return None
        if truth:
            return memo[pair.expr]
    return None


def _box_truth(cond: sympy.Basic, domains: Mapping[sympy.Symbol, Domain]) -> bool | None:
    """The condition's truth on the whole box (the same everywhere), or None."""
    if isinstance(cond, BooleanTrue):
        return True
    if isinstance(cond, BooleanFalse):
        return False
    if isinstance(cond, sympy.core.relational.Relational):
        op = cond.rel_op
        if op not in ("<", "<=", ">", ">="):
            return None
        gap = _enclose(cond.lhs - cond.rhs, domains)
        if gap is None:
            return None
        if op in (">", ">="):
            gap, op = -gap, {">": "<", ">=": "<="}[op]
        # gap stands for lhs − rhs (negated for > and >=): the relation is gap < 0 or <= 0.
        if op == "<":
            if gap.is_negative():
                return True
            if gap.is_nonnegative():
                return False
            return None
        if gap.is_nonpositive():
            return True
        if gap.is_positive():
            return False
        return None
    if isinstance(cond, Not):
        inner = _box_truth(cond.args[0], domains)
        return None if inner is None else not inner
    if isinstance(cond, And | Or):
        values = [_box_truth(c, domains) for c in cond.args]
        if any(v is None for v in values):
            return None
        return all(values) if isinstance(cond, And) else any(values)  # type: ignore[arg-type]
    return None
