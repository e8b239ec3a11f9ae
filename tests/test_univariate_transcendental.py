"""One variable beyond rational functions: f'' after u = exp(x/q) (exact, Sturm on the
image of u), piece by piece on bounded intervals, and with monotone bounds on tails.

Each proof is replayed by the checker (also after a JSON round trip), tampered proofs
are rejected, every proof is checked at random points with SymPy + mpmath (independent
of Arb), convex-by-construction functions are never refuted and planted violations are
never proved.
"""

from __future__ import annotations

import os
from dataclasses import replace
from fractions import Fraction as F

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from convexity_proofs import check
from convexity_proofs._proof import (
    ProofStep,
    SignFact,
    SubstitutionFact,
    TailFact,
    UnivariateSignFact,
    step_from_json,
)
from convexity_proofs._values import NONNEGATIVE, POSITIVE, REAL, Domain, interval_domain
from convexity_proofs.checker import second_order as _rules  # noqa: F401  (registers)
from convexity_proofs.checker._core import Checker, CheckFailure, Context
from convexity_proofs.kernel.expressions import ExpressionReader, ExpressionTable
from convexity_proofs.kernel.intervals import Interval, range_of
from convexity_proofs.kernel.subdivision import Piece
from convexity_proofs.provers.second_order import univariate

x, p = sp.symbols("x p", real=True)
_EXAMPLES = int(os.environ.get("CONVEXITY_FUZZ_EXAMPLES", "0")) or None


def ctx_of(domains: dict[sp.Symbol, Domain]) -> Context:
    return Context((x,), {x: REAL, p: REAL, **domains})


def round_trip(step: ProofStep) -> ProofStep:
    table = ExpressionTable()
    data = step.to_json(table)
    return step_from_json(data, ExpressionReader(table.to_json()), lambda w: w)


def proved(expr: sp.Expr, domains: dict[sp.Symbol, Domain]) -> tuple[ProofStep, Context]:
    result = univariate(expr, (x,), domains)
    assert result is not None and result.convex is True and result.step is not None, result
    return result.step, ctx_of(domains)


def rejected(step: ProofStep, ctx: Context, *words: str) -> None:
    with pytest.raises(CheckFailure) as info:
        Checker().check(step, ctx)
    text = str(info.value)
    assert step.rule in text
    for w in words:
        assert w in text, text


def swap(step: ProofStep, cls: type, **changes: object) -> ProofStep:
    return replace(
        step, facts=tuple(replace(f, **changes) if isinstance(f, cls) else f for f in step.facts)
    )


def f2_at(expr: sp.Expr, q: F) -> sp.Float:
    """f''(q) by SymPy differentiation and 50-digit evaluation (no Arb)."""
    value = sp.diff(expr, x, 2).xreplace({x: sp.Rational(q.numerator, q.denominator)})
    return sp.N(value, 50)


def sample_points(d: Domain) -> list[F]:
    lo = d.lo if d.lo is not None else F(-40)
    hi = d.hi if d.hi is not None else F(40)
    points = [lo + (hi - lo) * F(k, 37) for k in range(38)]
    return [q for q in points if d.contains(q)]


CASES = [
    # (f, domains, rule, conclusion)
    (sp.cosh(x) - x**2 / 2, {}, "second-derivative-substitution", "strictly-convex"),
    (
        sp.exp(2 * x) - 4 * sp.exp(x) + 3 * x**2,
        {},
        "second-derivative-substitution",
        "strictly-convex",
    ),
    (sp.log(1 + sp.exp(x)) - x / 2, {}, "second-derivative-substitution", "strictly-convex"),
    (sp.log(sp.cosh(x)), {}, "second-derivative-substitution", "strictly-convex"),
    (
        x ** sp.Rational(5, 2) - x**2 + x ** sp.Rational(3, 2),
        {x: POSITIVE},
        "second-derivative-substitution",
        "strictly-convex",
    ),
    (sp.sinh(x) - x, {x: NONNEGATIVE}, "second-derivative-substitution", "strictly-convex"),
    (sp.exp(x) - x**3 / 6, {}, "second-derivative-subdivision", "strictly-convex"),
    (sp.exp(x) - x**2 / 2 - x**3 / 6, {}, "second-derivative-subdivision", "convex"),
    (
        sp.exp(x) + sp.exp(-x) - x**2 - x**4 / 12,
        {},
        "second-derivative-subdivision",
        "convex",
    ),
    (
        x**2 * sp.exp(-x),
        {x: interval_domain(F(4), F(10))},
        "second-derivative-subdivision",
        "strictly-convex",
    ),
    (sp.exp(-x) + x**3 / 6 - x**2 / 2, {x: NONNEGATIVE}, "second-derivative-subdivision", "convex"),
]


@pytest.mark.parametrize(("expr", "domains", "rule", "conclusion"), CASES)
def test_proofs_replay_and_hold_at_sample_points(expr, domains, rule, conclusion) -> None:
    step, ctx = proved(expr, domains)
    assert (step.rule, step.conclusion) == (rule, conclusion)
    for s in (step, round_trip(step)):
        assert Checker().check(s, ctx) == conclusion
    for q in sample_points(domains.get(x, REAL)):
        assert f2_at(expr, q) >= 0, q


def test_substitution_facts() -> None:
    step, _ = proved(sp.cosh(x) - x**2 / 2, {})
    (sub,) = step.facts_of(SubstitutionFact)
    (decided,) = step.facts_of(UnivariateSignFact)
    u = sp.Symbol("_u_x", real=True)
    assert sub.symbol == u and sub.definition == sp.exp(x) and sub.result.free_symbols == {u}
    assert sub.image == Interval(F(0), None, True, True)
    assert decided.variable == u and decided.expression == sub.result


def test_tail_facts() -> None:
    step, _ = proved(sp.exp(x) - x**2 / 2 - x**3 / 6, {})
    tails = step.facts_of(TailFact)
    assert sorted(t.side for t in tails) == ["left", "right"]
    assert all(t.cut == 0 and len(t.values) == 1 for t in tails)  # g(0) = 0, s·g' >= 0


# --- tampering ---------------------------------------------------------------------------


def test_a_wrong_substitution_is_rejected() -> None:
    step, ctx = proved(sp.cosh(x) - x**2 / 2, {})
    u = sp.Symbol("_u_x", real=True)
    rejected(swap(step, SubstitutionFact, definition=sp.exp(x / 2)), ctx, "not the recomputed")
    rejected(swap(step, SubstitutionFact, symbol=sp.Symbol("_u_y", real=True)), ctx, "recomputed")
    (sub,) = step.facts_of(SubstitutionFact)
    forged = sub.result + 1
    rejected(swap(step, SubstitutionFact, result=forged), ctx, "recorded result")
    # The image must contain the range of u; a narrower image is rejected.
    rejected(swap(step, SubstitutionFact, image=Interval(F(1), None)), ctx, "does not enclose")
    # A sign decision about another expression in u.
    rejected(swap(step, UnivariateSignFact, expression=u**2), ctx, "not about the substituted")


def test_a_subdivision_with_a_missing_or_moved_piece_is_rejected() -> None:
    step, ctx = proved(x**2 * sp.exp(-x), {x: interval_domain(F(4), F(10))})
    (sign,) = step.facts_of(SignFact)
    pieces = sign.pieces
    assert len(pieces) > 1
    rejected(swap(step, SignFact, pieces=pieces[1:]), ctx, "do not cover")
    first = pieces[0]
    d = first.box[0][1]
    moved = Piece(((x, Domain(d.lo, d.hi - F(1, 64), False, False, "interval")),), first.enclosure)
    rejected(swap(step, SignFact, pieces=(moved, *pieces[1:])), ctx, "do not cover")
    forged = replace(first, enclosure=Interval(F(100), F(200)))
    rejected(swap(step, SignFact, pieces=(forged, *pieces[1:])), ctx, "recorded")
    whole = Piece(((x, interval_domain(F(4), F(10))),), first.enclosure)
    rejected(swap(step, SignFact, pieces=(whole,)), ctx, "does not show")


def honest(tail: TailFact, cut: F, side: str) -> TailFact:
    """The tail moved to ``cut`` and ``side`` with its enclosures recomputed."""
    point = {x: interval_domain(cut, cut)}
    half = Domain(cut, None, False, True) if side == "right" else Domain(None, cut, True, False)
    derivatives = [sp.diff(tail.subject, x, j) for j in range(len(tail.values) + 1)]
    values = tuple(range_of(d, point) for d in derivatives[:-1])
    return replace(
        tail, cut=cut, side=side, values=values, bound=range_of(derivatives[-1], {x: half})
    )


def test_a_forged_tail_is_rejected() -> None:
    step, ctx = proved(sp.exp(x) - x**2 / 2 - x**3 / 6, {})
    (right,) = [t for t in step.facts_of(TailFact) if t.side == "right"]
    others = tuple(f for f in step.facts if f is not right)

    def with_tail(tail: TailFact) -> ProofStep:
        return replace(step, facts=(tail, *others))

    rejected(with_tail(replace(right, cut=F(1))), ctx, "does not enclose")
    rejected(with_tail(honest(right, F(-3), "right")), ctx, "right sign")
    rejected(with_tail(honest(right, F(0), "left")), ctx, "do not cover")
    rejected(with_tail(replace(right, values=())), ctx, "order 0")
    rejected(with_tail(replace(right, bound=Interval(F(2), F(3)))), ctx, "does not enclose")
    forged = (Interval(F(1), F(2)), *right.values[1:])
    rejected(with_tail(replace(right, values=forged)), ctx, "does not enclose")
    rejected(replace(step, facts=others), ctx, "do not cover")
    # f'' = 0 at the cut: not strictly convex by this proof.
    rejected(replace(step, conclusion="strictly-convex"), ctx, "f'' > 0 is not shown")


def test_strictness_from_a_substitution_needs_a_nonzero_numerator() -> None:
    step, _ = proved(3 * x + sp.exp(sp.Integer(0)), {})  # f'' = 0: the exact rule
    assert step.conclusion == "convex"
    sub_step, sub_ctx = proved(sp.cosh(x) - x**2 / 2, {})
    assert Checker().check(replace(sub_step, conclusion="convex"), sub_ctx) == "convex"


# --- soundness ---------------------------------------------------------------------------

_COEFF = st.fractions(min_value=F(1, 4), max_value=3, max_denominator=4)
_RATE = st.fractions(min_value=-2, max_value=2, max_denominator=3).filter(lambda q: q != 0)


def _q(v: F) -> sp.Rational:
    return sp.Rational(v.numerator, v.denominator)


@settings(max_examples=_EXAMPLES or 12, deadline=None)
@given(st.lists(st.tuples(_COEFF, _RATE), min_size=1, max_size=3), _COEFF)
def test_positive_exponential_sums_are_proved_never_refuted(terms, a) -> None:
    """f = sum c_i·exp(r_i·x) + a·x**2 with c_i, a > 0 is strictly convex on the reals."""
    f = sum((_q(c) * sp.exp(_q(r) * x) for c, r in terms), sp.Integer(0)) + _q(a) * x**2
    result = univariate(f, (x,), {})
    assert result is not None and result.convex is True
    assert Checker().check(round_trip(result.step), ctx_of({})) == result.step.conclusion
    for q in sample_points(REAL)[::6]:
        assert f2_at(f, q) > 0


@settings(max_examples=_EXAMPLES or 10, deadline=None)
@given(
    st.fractions(min_value=F(1, 10), max_value=F(19, 10), max_denominator=10),
    st.integers(1, 4),
)
def test_convex_trigonometric_perturbations_are_never_refuted(eps, k) -> None:
    """x**2 + e·sin(k x)/k**2 with e < 2 has f'' = 2 - e·sin(k x) > 0."""
    f = x**2 + _q(eps) * sp.sin(k * x) / k**2
    domains = {x: interval_domain(F(-3), F(3))}
    result = univariate(f, (x,), domains)
    if result is not None and result.convex is True:
        assert Checker().check(round_trip(result.step), ctx_of(domains)) == result.step.conclusion
    assert check(str(f), ["x"], "convex", domain={"x": ["-3", "3"]}, timeout=5).status.value != (
        "refuted"
    )


@settings(max_examples=_EXAMPLES or 10, deadline=None)
@given(
    st.fractions(min_value=F(21, 10), max_value=5, max_denominator=10),
    st.integers(1, 4),
    st.fractions(min_value=F(1, 100), max_value=F(1, 2), max_denominator=100),
)
def test_planted_violations_are_never_proved(eps, k, delta) -> None:
    """x**2 + e·sin(k x)/k**2 with e > 2 has f'' < 0 near x = pi/(2k) (inside [0, 2]);
    exp(x) - (1 + d)·x**2/2 has f''(x) = exp(x) - 1 - d < 0 at x = 0."""
    bump = x**2 + _q(eps) * sp.sin(k * x) / k**2
    for f, domains in (
        (bump, {x: interval_domain(F(0), F(2))}),
        (bump, {}),
        (sp.exp(x) - (1 + _q(delta)) * x**2 / 2, {}),
        (sp.exp(x) - (1 + _q(delta)) * x**2 / 2, {x: NONNEGATIVE}),
    ):
        result = univariate(f, (x,), domains)
        assert result is None or result.convex is not True, (f, domains)


def test_the_claims_of_the_family_are_decided() -> None:
    verdict = check("exp(x) - x**3/6", ["x"], "strictly-convex")
    assert verdict.status.value == "proved"
    assert verdict.proof[0].rule == "second-derivative-subdivision"
    verdict = check("exp(x) - x**4/24", ["x"], "convex")
    assert verdict.status.value == "refuted"


def test_an_oversized_tail_is_rejected_before_differentiating() -> None:
    from convexity_proofs.checker._size import MAX_DIFFERENTIATED_NODES
    from convexity_proofs.checker.second_order import replay_tail

    big = sp.Add(*(sp.exp(sp.Rational(k, 7) * x) * x**k for k in range(1, 200)))
    tail = TailFact(big, x, "right", F(0), (Interval.real(),) * 4, Interval.real())
    with pytest.raises(CheckFailure) as info:
        replay_tail(tail, ctx_of({}), "test")
    assert f"{MAX_DIFFERENTIATED_NODES} nodes" in str(info.value)
