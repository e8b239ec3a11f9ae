"""Signs by subdivision (kernel.subdivision), sign facts with pieces, their replay, and
the subdivision fallback of the composition rules' sign conditions.

Every piece's enclosure is re-derived by the kernel and checked against independent
mpmath values at sample points; coverings are checked exactly, and a moved boundary, a
missing piece and a forged enclosure must each be rejected.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from fractions import Fraction as F

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from convexity_proofs import check
from convexity_proofs._proof import ProofStep, SignFact, step_from_json
from convexity_proofs._values import POSITIVE, REAL, Domain, interval_domain
from convexity_proofs.checker._core import CheckFailure, Context
from convexity_proofs.checker.composition import replay_sign
from convexity_proofs.kernel.expressions import ExpressionReader, ExpressionTable
from convexity_proofs.kernel.intervals import Interval
from convexity_proofs.kernel.subdivision import Piece, covers, subdivide_sign
from convexity_proofs.provers.composition import Composer

x, y = sp.symbols("x y", real=True)
UNIT = interval_domain(F(0), F(1))


def _piece(lo: F, hi: F, lo_open: bool = False, hi_open: bool = False) -> Piece:
    return Piece(((x, Domain(lo, hi, lo_open, hi_open, "interval")),), Interval.real())


def test_pieces_show_the_sign_and_cover_the_box() -> None:
    expr = x**2 - x + sp.Rational(26, 100)  # min 0.01 at 1/2; one enclosure: [-0.74, 1.26]
    pieces = subdivide_sign(expr, {x: UNIT}, Interval.is_positive)
    assert pieces is not None and len(pieces) > 1
    assert all(p.enclosure.is_positive() for p in pieces)
    assert covers({x: UNIT}, (x,), pieces)
    # Left to right, closed at the split points, the domain's ends kept.
    ends = [(p.box[0][1].lo, p.box[0][1].hi) for p in pieces]
    assert ends[0][0] == 0 and ends[-1][1] == 1
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ends))
    assert subdivide_sign(expr, {x: UNIT}, Interval.is_positive) == pieces  # deterministic


def test_no_answer_without_margin_or_budget() -> None:
    touching = (x - sp.Rational(1, 3)) ** 2 - sp.Rational(1, 10**6)
    assert subdivide_sign(touching, {x: UNIT}, Interval.is_nonnegative, max_pieces=64) is None
    hopeless = subdivide_sign(
        x - sp.Rational(1, 2), {x: UNIT}, Interval.is_nonnegative, hopeless=Interval.is_negative
    )
    assert hopeless is None


def test_unbounded_dimensions_are_not_split() -> None:
    domains = {x: UNIT, y: POSITIVE}
    pieces = subdivide_sign(x**2 - x + sp.Rational(26, 100) + y, domains, Interval.is_positive)
    assert pieces is not None
    assert all(dict(p.box)[y] == POSITIVE for p in pieces)
    assert covers(domains, (x, y), pieces)


def test_open_ends_are_kept() -> None:
    d = Domain(F(0), F(1), True, False, "interval")
    pieces = subdivide_sign(sp.log(x) + 1 - x + x**2, {x: d}, Interval.is_nonnegative)
    if pieces is not None:  # log is unbounded below at 0: no piece touching 0 can show it
        assert pieces[0].box[0][1].lo_open
    pieces = subdivide_sign(1 / x - 1 + x / 2, {x: d}, Interval.is_positive)
    assert pieces is not None and pieces[0].box[0][1].lo_open
    assert covers({x: d}, (x,), pieces)


def test_two_dimensions() -> None:
    box = interval_domain(F(-1), F(1))
    domains = {x: box, y: box}
    pieces = subdivide_sign(x**2 + y**2 - x * y + sp.Rational(1, 10), domains, Interval.is_positive)
    assert pieces is not None and covers(domains, (x, y), pieces)
    assert not covers(domains, (x, y), pieces[:-1])


def test_covers_is_exact() -> None:
    half = F(1, 2)
    assert covers({x: UNIT}, (x,), [_piece(F(0), half), _piece(half, F(1))])
    # A gap of one point, a moved boundary, a missing end, a piece too short.
    assert not covers({x: UNIT}, (x,), [_piece(F(0), half, hi_open=True), _piece(half, F(1), True)])
    assert not covers({x: UNIT}, (x,), [_piece(F(0), F(1, 3)), _piece(half, F(1))])
    assert not covers({x: UNIT}, (x,), [_piece(F(0), half, True), _piece(half, F(1))])
    assert not covers({x: UNIT}, (x,), [_piece(F(0), F(9, 10))])
    # An open domain end need not be covered; overlapping and larger pieces are fine.
    open_unit = Domain(F(0), F(1), True, True, "interval")
    assert covers({x: open_unit}, (x,), [_piece(F(0), F(1), True, True)])
    assert covers({x: UNIT}, (x,), [_piece(F(-1), F(2)), _piece(F(0), half)])
    # Half-lines.
    right = Piece(((x, Domain(F(1), None, False, True, "interval")),), Interval.real())
    left = Piece(((x, Domain(None, F(1), True, False, "interval")),), Interval.real())
    assert covers({x: REAL}, (x,), [left, right])
    assert not covers({x: REAL}, (x,), [right])
    assert covers({x: POSITIVE}, (x,), [_piece(F(0), F(1), True), right])
    # Pieces must be boxes of exactly the listed symbols.
    assert not covers({x: UNIT}, (x, y), [_piece(F(0), F(1))])
    assert not covers({x: UNIT}, (x,), [])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.fractions(min_value=0, max_value=1, max_denominator=8), max_size=6))
def test_covers_agrees_with_points(cuts: list[F]) -> None:
    """Closed pieces between sorted cuts, one of them maybe dropped: covers() is True
    exactly when no sample point of [0, 1] is left out."""
    ends = sorted({F(0), F(1), *cuts})
    pieces = [_piece(a, b) for a, b in itertools.pairwise(ends)]
    for drop in range(-1, len(pieces)):
        kept = [p for i, p in enumerate(pieces) if i != drop]
        samples = [F(k, 97) for k in range(98)] + ends
        truth = all(any(p.box[0][1].contains(q) for p in kept) for q in samples)
        assert covers({x: UNIT}, (x,), kept) is truth


@settings(max_examples=15, deadline=None)
@given(
    st.fractions(min_value=F(1, 5), max_value=F(4, 5), max_denominator=16),
    st.fractions(min_value=F(1, 100), max_value=F(1, 4), max_denominator=100),
)
def test_piece_enclosures_hold_at_sample_points(center: F, margin: F) -> None:
    c, m = (
        sp.Rational(center.numerator, center.denominator),
        sp.Rational(margin.numerator, margin.denominator),
    )
    expr = sp.exp(x) * ((x - c) ** 2 + m) - m * sp.cos(x) / 2
    pieces = subdivide_sign(expr, {x: UNIT}, Interval.is_positive, max_pieces=512)
    assert pieces is not None
    for p in pieces:
        d = p.box[0][1]
        lo, hi = p.enclosure.lo, p.enclosure.hi
        assert lo is not None and hi is not None
        for t in (d.lo, (d.lo + d.hi) / 2, d.hi):
            v = sp.N(expr.xreplace({x: sp.Rational(t.numerator, t.denominator)}), 40)
            assert sp.Rational(lo.numerator, lo.denominator) <= v
            assert v <= sp.Rational(hi.numerator, hi.denominator)


# --- sign facts with pieces ----------------------------------------------------------------


def _fact() -> tuple[SignFact, Context]:
    expr = sp.exp(x) - 2 * x
    domains = {x: interval_domain(F(0), F(2))}
    fact = Composer((x,), domains).sign(expr, "nonnegative")
    assert fact is not None and fact.pieces
    return fact, Context((x,), domains)


def _round_trip(fact: SignFact) -> SignFact:
    table = ExpressionTable()
    step = ProofStep("affine", x, "affine", facts=(fact,))
    data = json.loads(json.dumps(step.to_json(table)))
    back = step_from_json(data, ExpressionReader(table.to_json()), lambda w: w)
    return back.facts[0]


def test_a_sign_fact_with_pieces_round_trips_and_replays() -> None:
    fact, ctx = _fact()
    back = _round_trip(fact)
    assert back == fact
    replay_sign(back, ctx, "test")


def test_a_sign_fact_without_pieces_writes_no_pieces_field() -> None:
    fact = SignFact(x**2, "nonnegative", Interval(F(0), None))
    table = ExpressionTable()
    assert "pieces" not in fact.to_json(table)


def _rejected(fact: SignFact, ctx: Context, word: str) -> None:
    with pytest.raises(CheckFailure) as info:
        replay_sign(fact, ctx, "test")
    assert word in str(info.value), str(info.value)


def test_tampered_pieces_are_rejected() -> None:
    fact, ctx = _fact()
    pieces = list(fact.pieces)
    _rejected(replace(fact, pieces=tuple(pieces[1:])), ctx, "do not cover")
    # Move the boundary between the first two pieces: a gap opens.
    first = pieces[0]
    (s, d) = first.box[0]
    shorter = Piece(
        ((s, Domain(d.lo, d.hi - F(1, 1000), False, False, "interval")),), first.enclosure
    )
    _rejected(replace(fact, pieces=(shorter, *pieces[1:])), ctx, "do not cover")
    # Stretch a piece over the whole domain: its enclosure no longer shows the sign.
    whole = Piece(((s, interval_domain(F(0), F(2))),), first.enclosure)
    _rejected(replace(fact, pieces=(whole,)), ctx, "does not show")
    # A forged (too narrow) piece enclosure.
    forged = replace(first, enclosure=Interval(F(1), F(2)))
    _rejected(replace(fact, pieces=(forged, *pieces[1:])), ctx, "recorded")
    # A hull that does not show the sign, or does not enclose a piece.
    _rejected(replace(fact, enclosure=Interval(F(-1), F(5))), ctx, "hull")
    _rejected(replace(fact, enclosure=Interval(F(0), F(1, 10))), ctx, "hull")


def test_the_composition_rules_use_subdivision_for_signs() -> None:
    verdict = check("(exp(x) - 2*x)**2", ["x"], "convex", domain={"x": ["0", "2"]})
    assert verdict.status.value == "proved"
    step = verdict.proof[0]
    signs = [f for f in step.facts if isinstance(f, SignFact)]
    assert step.rule == "composition" and any(f.pieces for f in signs)


def test_no_subdivision_on_unbounded_boxes() -> None:
    composer = Composer((x,), {x: REAL})
    assert composer.sign(sp.exp(x) - 2 * x, "nonnegative") is None


# --- the pieces' symbols, and the cost of covers --------------------------------------------


def test_repeated_or_unrelated_symbols_are_rejected() -> None:
    fact, ctx = _fact()
    z = sp.Symbol("z", real=True)
    ctx_z = Context((x,), {**ctx.domains, z: UNIT})
    whole = interval_domain(F(0), F(2))
    repeated = tuple(Piece(((x, p.box[0][1]), (x, whole)), p.enclosure) for p in fact.pieces)
    _rejected(replace(fact, pieces=repeated), ctx, "repeated")
    # z is in the box but not in the subject; w is not even in the box.
    unrelated = tuple(Piece(((x, p.box[0][1]), (z, UNIT)), p.enclosure) for p in fact.pieces)
    _rejected(replace(fact, pieces=unrelated), ctx_z, "not symbols of the box")
    w = sp.Symbol("w", real=True)
    foreign = tuple(Piece(((w, UNIT),), p.enclosure) for p in fact.pieces)
    _rejected(replace(fact, pieces=foreign), ctx, "not symbols of the box")
    # Pieces that do not all subdivide the same symbols.
    mixed = (*fact.pieces[:-1], Piece(((x, fact.pieces[-1].box[0][1]), (z, UNIT)), Interval.real()))
    _rejected(replace(fact, pieces=mixed), ctx_z, "same symbols")
    assert not covers({x: UNIT}, (x, x), [Piece(((x, UNIT), (x, UNIT)), Interval.real())])


def test_covers_is_fast_in_one_dimension() -> None:
    import time

    n = 4096
    pieces = [_piece(F(i, n), F(i + 1, n)) for i in range(n)]
    start = time.process_time()
    assert covers({x: UNIT}, (x,), pieces)
    assert not covers({x: UNIT}, (x,), pieces[:100] + pieces[101:])
    assert time.process_time() - start < 2


def test_covers_refuses_too_many_pieces() -> None:
    from convexity_proofs.kernel.subdivision import MAX_PIECES, MAX_PIECES_MULTI

    n = MAX_PIECES + 1
    assert not covers({x: UNIT}, (x,), [_piece(F(0), F(1))] * n)
    box = ((x, UNIT), (y, UNIT))
    assert covers({x: UNIT, y: UNIT}, (x, y), [Piece(box, Interval.real())] * MAX_PIECES_MULTI)
    assert not covers(
        {x: UNIT, y: UNIT}, (x, y), [Piece(box, Interval.real())] * (MAX_PIECES_MULTI + 1)
    )


def test_subdivide_sign_stays_within_what_covers_accepts() -> None:
    from convexity_proofs.kernel.subdivision import MAX_PIECES_MULTI

    expr = x**2 + y**2 - sp.Rational(1, 10**6)  # needs ever finer pieces near 0
    domains = {x: interval_domain(F(-1), F(1)), y: interval_domain(F(-1), F(1))}
    pieces = subdivide_sign(expr, domains, Interval.is_nonnegative, max_pieces=10**6)
    assert pieces is None or len(pieces) <= MAX_PIECES_MULTI


_ENDS = [None, 0, 1, 2, 3]


@st.composite
def _domains(draw: st.DrawFn) -> Domain:
    lo, hi = draw(st.sampled_from(_ENDS)), draw(st.sampled_from(_ENDS))
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
    lo_open = lo is not None and draw(st.booleans())
    hi_open = hi is not None and draw(st.booleans())
    return Domain(
        None if lo is None else F(lo), None if hi is None else F(hi), lo_open, hi_open, "interval"
    )


# Points on a half-integer grid reach every cell the ends 0..3 cut (and beyond them).
_GRID = [F(k, 2) for k in range(-2, 9)]


@settings(max_examples=400, deadline=None)
@given(
    st.integers(1, 2).flatmap(
        lambda dims: st.tuples(
            st.just(dims),
            st.lists(_domains(), min_size=dims, max_size=dims),
            st.lists(st.lists(_domains(), min_size=dims, max_size=dims), min_size=1, max_size=6),
        )
    )
)
def test_covers_agrees_with_brute_force(case: tuple[int, list[Domain], list[list[Domain]]]) -> None:
    dims, box, boxes = case
    symbols = (x, y)[:dims]
    pieces = [Piece(tuple(zip(symbols, b, strict=True)), Interval.real()) for b in boxes]
    brute = all(
        any(all(d.contains(q) for d, q in zip(b, point, strict=True)) for b in boxes)
        for point in itertools.product(_GRID, repeat=dims)
        if all(d.contains(q) for d, q in zip(box, point, strict=True))
    )
    got = covers(dict(zip(symbols, box, strict=True)), symbols, pieces)
    assert brute or not got  # never covers what is not covered
    if all(any(d.contains(q) for q in _GRID) for d in box) or dims == 1:
        assert got == brute  # exact (an empty box of two dimensions may be refused)
