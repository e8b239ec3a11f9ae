"""Signs by subdivision: enclose an expression piece by piece over a split box.

One enclosure over the whole box is often too loose to show a sign (``x**2 - x + 1`` on
``[0, 1]`` encloses as ``[0, 2] - [0, 1] + 1 = [0, 3]``, fine, but ``x**2 - 2*x + 1.01``
does not: ``[-1.99, 2.01]``).  Enclosures over smaller boxes are tighter, so a sign that
holds with some margin shows up on every piece of a fine enough subdivision.  This module
splits deterministically and checks coverings exactly:

* :func:`subdivide_sign` bisects the box (the widest bounded dimension, ties to the
  first symbol, at the exact midpoint) until the kernel's enclosure
  (:func:`~convexity_proofs.kernel.intervals.range_of`) of the expression on every
  piece ``shows`` the sign, or the budget of pieces runs out (None).  Unbounded
  dimensions are never split: a piece keeps their whole domain.
* :func:`covers` decides exactly (rational endpoints, open and closed ends) whether a
  set of pieces covers the domain box, which is what a checker needs besides
  recomputing each piece's enclosure.

A piece's sub-interval keeps the domain's open ends and is closed at every interior
split point (neighbouring pieces share their boundary), so the expression needs to be
defined only where the domain says.
"""

from __future__ import annotations

import collections
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import sympy

from convexity_proofs._values import Domain
from convexity_proofs.kernel.intervals import Interval, Undefined, range_of

__all__ = [
    "MAX_PIECES",
    "MAX_PIECES_MULTI",
    "Piece",
    "covers",
    "enclosure_on",
    "max_pieces_for",
    "node_count",
    "subdivide_sign",
]


@dataclass(frozen=True, slots=True)
class Piece:
    """One box of a subdivision and the kernel's enclosure of the expression on it.

    ``box``: each subdivided symbol with its sub-interval of the domain (closed at the
    split points, open where the domain is); ``enclosure``: ``range_of(expr, domains
    with the box)``.
    """

    box: tuple[tuple[sympy.Symbol, Domain], ...]
    enclosure: Interval


def enclosure_on(
    expr: sympy.Expr,
    domains: Mapping[sympy.Symbol, Domain],
    box: Sequence[tuple[sympy.Symbol, Domain]],
) -> Interval | None:
    """The kernel's enclosure of ``expr`` on the domains with ``box`` substituted
    (None when it is not shown defined there)."""
    try:
        return range_of(expr, {**domains, **dict(box)})
    except Undefined:
        return None


def node_count(expr: sympy.Basic, limit: int) -> int:
    """The number of nodes of ``expr``'s tree, counted up to ``limit`` (then ``limit``):
    what one enclosure costs, roughly, so callers can size a budget of pieces."""
    count = 0
    for _ in sympy.preorder_traversal(expr):
        count += 1
        if count >= limit:
            break
    return count


def _piece_domain(lo: Fraction, hi: Fraction, lo_open: bool, hi_open: bool) -> Domain:
    return Domain(lo, hi, lo_open, hi_open, "interval")


def _width(d: Domain) -> Fraction | None:
    if d.lo is None or d.hi is None:
        return None
    return d.hi - d.lo


def _split(d: Domain) -> tuple[Domain, Domain]:
    assert d.lo is not None and d.hi is not None
    mid = (d.lo + d.hi) / 2
    return _piece_domain(d.lo, mid, d.lo_open, False), _piece_domain(mid, d.hi, False, d.hi_open)


def subdivide_sign(
    expr: sympy.Expr,
    domains: Mapping[sympy.Symbol, Domain],
    shows: Callable[[Interval], bool],
    *,
    symbols: tuple[sympy.Symbol, ...] | None = None,
    max_pieces: int = 256,
    hopeless: Callable[[Interval], bool] | None = None,
) -> tuple[Piece, ...] | None:
    """Pieces covering the box on each of which the enclosure of ``expr`` ``shows`` the
    sign, in order (left to right along each split); None when ``max_pieces`` is not
    enough, or when some piece's enclosure is ``hopeless`` (it shows the sign fails there,
    so no refinement can help).

    ``symbols``: the symbols to subdivide (default: those of ``domains`` that occur in
    ``expr``, by name); symbols of ``expr`` without a domain are real and not split.
    Deterministic: breadth first, always bisecting the widest bounded
    dimension (ties to the first symbol) at its exact midpoint.
    """
    expr = sympy.sympify(expr, strict=True)  # strict: SymPy objects only, never text
    if symbols is None:
        free = expr.free_symbols
        symbols = tuple(sorted((s for s in domains if s in free), key=lambda s: s.name))
    # Never more pieces than a checker accepts (:func:`covers`).
    max_pieces = min(max_pieces, max_pieces_for(len(symbols)))
    start = tuple((s, domains.get(s, Domain())) for s in symbols)
    done: list[Piece] = []
    queue = collections.deque([start])
    while queue:
        # Breadth first: a piece that shows the sign fails is found before the budget
        # is spent refining around a sign change elsewhere.
        box = queue.popleft()
        enclosure = enclosure_on(expr, domains, box)
        if enclosure is not None and shows(enclosure):
            done.append(Piece(box, enclosure))
            continue
        if enclosure is not None and hopeless is not None and hopeless(enclosure):
            return None
        widths = [_width(d) for _, d in box]
        best = max((w for w in widths if w is not None), default=None)
        if best is None or best == 0:
            return None  # nothing left to split
        if len(done) + len(queue) + 2 > max_pieces:
            return None
        k = widths.index(best)
        left, right = _split(box[k][1])
        queue.append((*box[:k], (box[k][0], left), *box[k + 1 :]))
        queue.append((*box[:k], (box[k][0], right), *box[k + 1 :]))
    return tuple(sorted(done, key=_order))


def _order(piece: Piece) -> tuple[tuple[bool, Fraction], ...]:
    """Pieces left to right (lexicographically by their lower ends; -oo first)."""
    return tuple((d.lo is not None, d.lo or Fraction(0)) for _, d in piece.box)


# --- exact covering ---------------------------------------------------------------------

#: The most pieces a covering may have: what a checker accepts and what
#: :func:`subdivide_sign` may produce (its ``max_pieces`` is capped by these).  One
#: dimension is checked by a sort and a sweep; in more, the pieces are fewer and the
#: work of :func:`covers` is bounded by ``MAX_COVER_WORK`` too.
MAX_PIECES = 4096
MAX_PIECES_MULTI = 512
#: Box-against-cell tests :func:`covers` may make in two or more dimensions (beyond
#: them it answers False: a checker refuses what it cannot check cheaply).
MAX_COVER_WORK = 2_000_000


def max_pieces_for(dimensions: int) -> int:
    """The most pieces a covering of ``dimensions`` subdivided symbols may have."""
    return MAX_PIECES if dimensions <= 1 else MAX_PIECES_MULTI


#: A one-dimensional elementary cell: ("point", q) or ("open", a, b) with a, b None for
#: an infinite end.
_Cell = tuple


class _OverBudget(Exception):
    pass


def _empty(d: Domain) -> bool:
    return (
        d.lo is not None
        and d.hi is not None
        and (d.lo > d.hi or (d.lo == d.hi and (d.lo_open or d.hi_open)))
    )


def _lower_key(d: Domain) -> tuple[int, Fraction, int]:
    """Lower ends in order: -oo first, then by value, a closed end before an open one."""
    if d.lo is None:
        return (0, Fraction(0), 0)
    return (1, d.lo, 1 if d.lo_open else 0)


def _covered_1d(domain: Domain, intervals: Sequence[Domain]) -> bool:
    """Does the union of ``intervals`` contain ``domain``?  Sort by lower end and sweep
    the covered prefix of the domain: O(N log N), exact."""
    if _empty(domain):
        return True
    # Once ``started`` (at once for a finite lower end, else when an interval reaches
    # -oo): every point of the domain below ``reach`` is covered, and ``reach`` itself
    # when ``reach_in``.
    reach: Fraction | None = domain.lo
    reach_in = domain.lo_open  # an open lower end needs no cover
    started = domain.lo is not None
    for d in sorted((d for d in intervals if not _empty(d)), key=_lower_key):
        if d.lo is None:
            touches = True
        elif not started:
            touches = False
        else:
            assert reach is not None
            touches = d.lo < reach or (d.lo == reach and (reach_in or not d.lo_open))
        if not touches:
            break  # every later interval starts at or after this one: a gap remains
        if d.hi is None:
            return True
        if not started:
            started, reach, reach_in = True, d.hi, not d.hi_open
        else:
            assert reach is not None
            if d.hi > reach:
                reach, reach_in = d.hi, not d.hi_open
            elif d.hi == reach and not d.hi_open:
                reach_in = True
    # Uncovered: the whole domain (nothing reached its -oo end), else what lies above
    # reach (and reach itself unless reach_in).
    if not started:
        return False
    assert reach is not None
    if domain.hi is None or domain.hi > reach:
        return False
    return reach_in or not domain.contains(reach)


def _cells(domain: Domain, ends: set[Fraction]) -> list[_Cell]:
    """The domain cut at ``ends`` into points and open intervals (a partition)."""
    inside = sorted(q for q in ends if domain.contains(q))
    for end, is_open in ((domain.lo, domain.lo_open), (domain.hi, domain.hi_open)):
        if end is not None and not is_open and end not in inside:
            inside.append(end)
    inside = sorted(set(inside))
    cells: list[_Cell] = [("point", q) for q in inside]
    bounds: list[Fraction | None] = [domain.lo, *inside, domain.hi]
    for a, b in itertools.pairwise(bounds):
        if a is not None and b is not None and a >= b:
            continue
        cells.append(("open", a, b))
    return cells


def _contains_cell(d: Domain, cell: _Cell) -> bool:
    if cell[0] == "point":
        return d.contains(cell[1])
    _, a, b = cell
    lo_ok = d.lo is None or (a is not None and d.lo <= a)
    hi_ok = d.hi is None or (b is not None and d.hi >= b)
    return lo_ok and hi_ok


def _covered(
    dims: Sequence[Domain], boxes: Sequence[Sequence[Domain]], level: int, work: list[int]
) -> bool:
    if level == len(dims) - 1:
        work[0] -= len(boxes)
        if work[0] < 0:
            raise _OverBudget
        return _covered_1d(dims[level], [box[level] for box in boxes])
    ends: set[Fraction] = set()
    for box in boxes:
        for q in (box[level].lo, box[level].hi):
            if q is not None:
                ends.add(q)
    for cell in _cells(dims[level], ends):
        work[0] -= len(boxes)
        if work[0] < 0:
            raise _OverBudget
        holding = [box for box in boxes if _contains_cell(box[level], cell)]
        if not holding or not _covered(dims, holding, level + 1, work):
            return False
    return True


def covers(
    domains: Mapping[sympy.Symbol, Domain],
    symbols: Sequence[sympy.Symbol],
    pieces: Sequence[Piece],
) -> bool:
    """True exactly when every point of the box of ``symbols`` (their ``domains``; real
    when missing) lies in some piece's box.  Each piece must list exactly ``symbols``, in
    that order, the symbols distinct (else False).  False too, conservatively, beyond
    :func:`max_pieces_for` pieces or, in two or more dimensions, ``MAX_COVER_WORK``."""
    symbols = tuple(symbols)
    if not pieces or len(set(symbols)) != len(symbols):
        return False
    if len(pieces) > max_pieces_for(len(symbols)):
        return False
    boxes: list[tuple[Domain, ...]] = []
    for piece in pieces:
        if tuple(s for s, _ in piece.box) != symbols:
            return False
        boxes.append(tuple(d for _, d in piece.box))
    if not symbols:
        return True  # a box of no dimensions: one point, in every piece
    dims = [domains.get(s, Domain()) for s in symbols]
    try:
        return _covered(dims, boxes, 0, [MAX_COVER_WORK])
    except _OverBudget:
        return False
