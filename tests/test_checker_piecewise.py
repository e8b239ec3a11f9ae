"""Replays of the ``piecewise`` rule, and tampered proofs the checker rejects.

Proofs come from the prover (``provers.piecewise.prove``); each replays in its context,
also after a round trip through its certificate JSON.  Every tamper changes one
recorded thing (a breakpoint moved, a derivative comparison flipped, a child about the
wrong interval or branch, an end's relation, a window, the image, the line) and the
failure must name the rule and what is wrong.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction as F

import pytest
import sympy

from convexity_proofs._parser import make_symbol, parse_function
from convexity_proofs._proof import (
    BreakpointFact,
    EndValueFact,
    PiecewiseFact,
    ProofStep,
    step_from_json,
)
from convexity_proofs._values import REAL, Domain, interval_domain
from convexity_proofs.checker import piecewise as _rules  # noqa: F401  (registers)
from convexity_proofs.checker._core import Checker, CheckFailure, Context
from convexity_proofs.kernel.expressions import ExpressionReader, ExpressionTable
from convexity_proofs.kernel.intervals import Interval
from convexity_proofs.provers import composition, piecewise

x, y, a = make_symbol("x"), make_symbol("y"), make_symbol("a")
HUBER = "Piecewise((x**2/2, Abs(x) <= 1), (Abs(x) - 1/2, True))"


def f_of(text: str) -> sympy.Expr:
    return parse_function(text).expression


def proved(
    text: str, variables=(x,), domains: dict | None = None, sign: int = 1
) -> tuple[ProofStep, Context]:
    f = f_of(text)
    box = {s: REAL for s in (x, y, a)} | (domains or {})
    result = piecewise.prove(f, tuple(variables), box, sign)
    assert result.step is not None, result.note
    return result.step, Context(tuple(variables), box)


def round_trip(step: ProofStep) -> ProofStep:
    table = ExpressionTable()
    data = step.to_json(table)
    return step_from_json(data, ExpressionReader(table.to_json()), lambda w: w)


def rejected(step: ProofStep, ctx: Context, *words: str) -> str:
    with pytest.raises(CheckFailure) as info:
        Checker().check(step, ctx)
    text = str(info.value)
    assert "piecewise" in text, text
    for w in words:
        assert w in text, text
    return text


def swap_fact(step: ProofStep, cls: type, index: int = 0, **changes: object) -> ProofStep:
    facts, seen = [], 0
    for f in step.facts:
        if isinstance(f, cls):
            if seen == index:
                f = replace(f, **changes)
            seen += 1
        facts.append(f)
    return replace(step, facts=tuple(facts))


CASES = [
    (HUBER, (x,), {}, 1, "convex"),
    ("Piecewise((x, x >= 0), (exp(x) - 1, True))", (x,), {}, 1, "convex"),
    ("Piecewise((x, x >= 0), (2*x, True))", (x,), {}, -1, "concave"),
    ("Piecewise((x**2, x <= 1), (x**4, True))", (x,), {}, 1, "strictly-convex"),
    (
        "Piecewise((1, x <= 0), (x**2, True))",
        (x,),
        {x: interval_domain(0, 1)},
        1,
        "strictly-convex",
    ),
    (HUBER.replace("x", "(x - y)"), (x, y), {}, 1, "convex"),
    (
        "Piecewise((a*x**2, x >= 0), (0, True))",
        (x,),
        {a: Domain(F(0), name="nonnegative")},
        1,
        "convex",
    ),
]


@pytest.mark.parametrize(("text", "variables", "domains", "sign", "conclusion"), CASES)
def test_real_proofs_replay(text, variables, domains, sign, conclusion) -> None:
    step, ctx = proved(text, variables, domains, sign)
    assert step.conclusion == conclusion
    assert Checker().check(step, ctx) == conclusion
    assert Checker().check(round_trip(step), ctx) == conclusion


# --- tampering ---------------------------------------------------------------------------


def test_a_moved_breakpoint_is_rejected() -> None:
    step, ctx = proved(HUBER)
    rejected(swap_fact(step, BreakpointFact, 1, point=F(2)), ctx, "breakpoint")
    (frame,) = step.facts_of(PiecewiseFact)
    moved = list(frame.segments)
    moved[1] = (Interval(F(-1), F(2)), 0)
    moved[2] = (Interval(F(2), None, False, True), 1)
    rejected(swap_fact(step, PiecewiseFact, segments=tuple(moved)), ctx, "segments")


def test_a_flipped_derivative_comparison_is_rejected() -> None:
    step, ctx = proved("Piecewise((x, x >= 0), (x/10, True))")
    rejected(swap_fact(step, BreakpointFact, relation=">"), ctx, "compare by <")
    # the honest relation of a concave kink does not prove convexity
    concave, _ = proved("Piecewise((x, x >= 0), (2*x, True))", sign=-1)
    forged = replace(concave, conclusion="convex")
    rejected(forged, ctx, "not convex across the breakpoint")


def test_children_about_the_wrong_interval_or_branch_are_rejected() -> None:
    step, ctx = proved("Piecewise((-log(x), x >= 1), (1 - x, True))")
    # the branch -log(x) proved on [2, oo) instead of its segment [1, oo): the sign fact
    # "x is positive" recorded there does not enclose the recomputed [1, oo)
    on_two = composition.analyse(-sympy.log(x), (x,), {x: Domain(F(2), None, False, True)})
    assert on_two.step is not None
    children = list(step.children)
    index = next(i for i, c in enumerate(children) if c.subject == -sympy.log(x))
    children[index] = on_two.step
    rejected(replace(step, children=tuple(children)), ctx, "enclos")
    rejected(replace(step, children=tuple(reversed(step.children))), ctx, "branch")
    rejected(replace(step, children=step.children[:1]), ctx, "steps for 2 segments")


def test_a_child_that_is_not_convex_is_rejected() -> None:
    step, ctx = proved(HUBER)
    concave = ProofStep("negation", step.children[1].subject, "concave", children=())
    children = (step.children[0], concave, step.children[2])
    with pytest.raises(CheckFailure):
        Checker().check(replace(step, children=children), ctx)


def test_an_end_jump_the_wrong_way_is_rejected() -> None:
    step, ctx = proved("Piecewise((1, x <= 0), (x**2, True))", domains={x: interval_domain(0, 1)})
    rejected(swap_fact(step, EndValueFact, relation="<"), ctx, "compare by >")
    rejected(replace(step, facts=step.facts_of(PiecewiseFact)), ctx, "0 end facts")
    down, down_ctx = step, Context((x,), {**ctx.domains})
    forged = replace(
        down,
        subject=f_of("Piecewise((-1, x <= 0), (x**2, True))"),
        children=down.children,
    )
    rejected(forged, down_ctx)


def test_windows_values_and_images_are_recomputed() -> None:
    step, ctx = proved(HUBER)
    # the left segment of the breakpoint 1 is [-1, 1]: a window of width 3 leaves it
    rejected(swap_fact(step, BreakpointFact, 1, windows=(F(3), F(1, 2))), ctx, "window")
    point = Interval.point(F(1, 3))
    rejected(swap_fact(step, BreakpointFact, values=(point,) * 3), ctx, "recorded value")
    rejected(
        swap_fact(step, BreakpointFact, derivatives=(point, point)), ctx, "recorded left derivative"
    )
    rejected(swap_fact(step, PiecewiseFact, image=Interval(F(0), None)), ctx, "image")


def test_the_line_must_be_a_fresh_linear_form() -> None:
    step, ctx = proved(HUBER.replace("x", "(x - y)"), (x, y))
    rejected(swap_fact(step, PiecewiseFact, variable=y), ctx, "stands for")
    rejected(swap_fact(step, PiecewiseFact, variable=a), ctx, "fresh")
    rejected(swap_fact(step, PiecewiseFact, form=x - y + 1), ctx, "linear form")
    rejected(swap_fact(step, PiecewiseFact, form=x + y), ctx)
    # several variables: never strict
    rejected(replace(step, conclusion="strictly-convex"), ctx, "one variable")


def test_a_piecewise_fact_is_required_once() -> None:
    step, ctx = proved(HUBER)
    rejected(replace(step, facts=step.facts_of(BreakpointFact)), ctx, "exactly one piecewise")
    rejected(replace(step, conclusion="affine"), ctx, "concludes convex or concave")
    rejected(replace(step, subject=x**2), ctx, "not a Piecewise")
