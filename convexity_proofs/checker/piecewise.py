"""Replay of the ``piecewise`` rule: a Piecewise function on a line, piece by piece.

Everything is recomputed from the subject, the context and the recorded windows, by the
kernel (:mod:`convexity_proofs.kernel.piecewise`), never taken from the facts: the
linear form must be linear in the context's variables with rational coefficients (or the
one variable itself), every branch and condition a function of it alone; the image of
the form over the box, the segments with their branches, the breakpoints and the ends
where f jumps must be exactly the recorded ones.  At each breakpoint the three values
(left branch, right branch, f) must be equal, and the one-sided derivatives, each shown
on its recorded window inside its segment, must compare as recorded, in the order the
conclusion needs (left <= right for convexity, >= for concavity); at each end, f's value
against the adjacent branch's (>= for convexity, <= for concavity).  Recorded enclosures
must contain the recomputed ones.  One child per segment, about that segment's branch,
is replayed with the line's variable alone, ranging over the segment: it must conclude
the step's curvature (strictly, for a strict conclusion, which needs one variable).
The rule and its proof are in :mod:`convexity_proofs.provers.piecewise`'s docstring.
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy

from convexity_proofs._brief import brief
from convexity_proofs._proof import BreakpointFact, EndValueFact, PiecewiseFact, ProofStep
from convexity_proofs._values import Domain
from convexity_proofs.checker._core import Checker, CheckFailure, Context, implies, require, rule
from convexity_proofs.checker.composition import encloses, only_facts
from convexity_proofs.kernel import piecewise as _line
from convexity_proofs.kernel.intervals import Interval, Undefined, from_domain, range_of

_CONCLUSIONS = ("convex", "concave", "strictly-convex", "strictly-concave")
#: What a breakpoint's derivatives (left vs right) and an end's values (f vs the
#: adjacent branch) may show, for convexity (1) and concavity (-1).
_DERIVATIVES = {1: frozenset({"=", "<", "<="}), -1: frozenset({"=", ">", ">="})}
_ENDS = {1: frozenset({"=", ">", ">="}), -1: frozenset({"=", "<", "<="})}


def _show(expr: sympy.Basic) -> str:
    return brief(expr, 60)


@rule("piecewise")
def check_piecewise(step: ProofStep, context: Context, checker: Checker) -> None:
    what = "piecewise"
    require(
        step.conclusion in _CONCLUSIONS,
        f"{what}: the rule concludes convex or concave (strictly), not {step.conclusion}",
    )
    sign = -1 if step.conclusion.endswith("concave") else 1
    strict = step.conclusion.startswith("strictly")
    only_facts(step, (PiecewiseFact, BreakpointFact, EndValueFact), what)
    frames = step.facts_of(PiecewiseFact)
    require(len(frames) == 1, f"{what}: needs exactly one piecewise fact")
    frame: PiecewiseFact = frames[0]
    subject = step.subject
    require(isinstance(subject, sympy.Piecewise), f"{what}: the subject is not a Piecewise")
    u, form = frame.variable, frame.form
    variables = context.variables
    if context.is_variable(u):
        require(form == u, f"{what}: the line's variable {u} stands for {form}, not itself")
        image = from_domain(context.domains[u])
    else:
        require(
            type(u) is sympy.Symbol
            and u not in context.domains
            and u not in subject.free_symbols
            and u not in form.free_symbols,
            f"{what}: the line's variable {u} must be a fresh symbol",
        )
        require(
            _line.linear_coefficients(form, variables) is not None,
            lambda: (
                f"{what}: {_show(form)} is not a linear form of the variables "
                "with rational coefficients"
            ),
        )
        try:
            image = range_of(form, context.domains)
        except Undefined:
            raise CheckFailure(f"{what}: the range of {_show(form)} is not enclosed") from None
    require(
        frame.image == image,
        f"{what}: the recorded image {frame.image} of {_show(form)} is not the recomputed {image}",
    )
    read = _line.line_conditions(subject, variables, form, u)
    require(
        read is not None,
        lambda: f"{what}: {_show(subject)} is not a Piecewise function of {_show(form)} alone",
    )
    assert read is not None
    branches, conditions = read
    cut = _line.segmentation(conditions, u, image)
    require(
        cut is not None,
        f"{what}: the conditions are not comparisons of piecewise-linear functions of {u}",
    )
    assert cut is not None
    segments = tuple((s.interval, s.branch) for s in cut.segments)
    require(
        frame.segments == segments,
        lambda: (
            f"{what}: the recorded segments {_segments(frame.segments)} are not the "
            f"recomputed {_segments(segments)}"
        ),
    )
    breakpoints = step.facts_of(BreakpointFact)
    require(
        len(breakpoints) == len(cut.breakpoints),
        f"{what}: {len(breakpoints)} breakpoint facts for {len(cut.breakpoints)} breakpoints",
    )
    for fact, bp in zip(breakpoints, cut.breakpoints, strict=True):
        _replay_breakpoint(fact, bp, cut, branches, u, context.domains, sign)
    ends = step.facts_of(EndValueFact)
    require(
        len(ends) == len(cut.ends),
        f"{what}: {len(ends)} end facts for {len(cut.ends)} ends where f jumps",
    )
    for fact, end in zip(ends, cut.ends, strict=True):
        _replay_end(fact, end, cut, branches, u, context.domains, sign)
    if strict:
        require(
            variables == (u,),
            f"{what}: strictness holds only for a function of one variable",
        )
    need = ("strictly-" if strict else "") + ("convex" if sign > 0 else "concave")
    require(
        len(step.children) == len(cut.segments),
        f"{what}: {len(step.children)} steps for {len(cut.segments)} segments",
    )
    for k, (child, segment) in enumerate(zip(step.children, cut.segments, strict=True)):
        g = branches[segment.branch]
        require(
            child.subject == g,
            lambda: (
                f"{what}: the step for segment {k + 1} is about {_show(child.subject)}, "
                f"not its branch {_show(g)}"
            ),
        )
        piece = Context(
            (u,), {**context.domains, u: _line.domain_of(segment.interval)}, context.obligations
        )
        concluded = checker.check(child, piece)
        require(
            implies(concluded, need),
            lambda: f"{what}: on {segment.interval} the branch is {concluded}, not {need}",
        )


def _segments(segments: tuple[tuple[Interval, int], ...]) -> str:
    return ", ".join(f"{iv}: branch {b + 1}" for iv, b in segments)


def _values(
    branches: tuple[sympy.Expr, ...],
    indices: tuple[int, ...],
    u: sympy.Symbol,
    t: object,
    domains: Mapping[sympy.Symbol, Domain],
    recorded: tuple[Interval, ...],
    what: str,
) -> list[sympy.Expr]:
    out = []
    for index, iv in zip(indices, recorded, strict=True):
        found = _line.value_at(branches[index], u, t, domains)  # type: ignore[arg-type]
        require(found is not None, f"{what}: branch {index + 1} is not shown defined at {t}")
        assert found is not None
        require(
            encloses(iv, found[1]),
            f"{what}: the recorded value {iv} does not enclose the recomputed {found[1]}",
        )
        out.append(found[0])
    return out


def _replay_breakpoint(
    fact: BreakpointFact,
    bp: _line.Breakpoint,
    cut: _line.Segmentation,
    branches: tuple[sympy.Expr, ...],
    u: sympy.Symbol,
    domains: Mapping[sympy.Symbol, Domain],
    sign: int,
) -> None:
    t = bp.point
    what = f"piecewise, breakpoint {t}"
    left, right = cut.segments[bp.left], cut.segments[bp.right]
    require(
        (fact.point, fact.branch, fact.left, fact.right)
        == (t, bp.branch, left.branch, right.branch),
        f"{what}: the recorded breakpoint ({fact.point}, branches {fact.left + 1}, "
        f"{fact.right + 1}, value by {fact.branch + 1}) is not the recomputed one "
        f"({t}, branches {left.branch + 1}, {right.branch + 1}, value by {bp.branch + 1})",
    )
    vl, vr, va = _values(
        branches, (left.branch, right.branch, bp.branch), u, t, domains, fact.values, what
    )
    for side, v in (("left", vl), ("right", vr)):
        require(
            _line.relation(v, va, domains) == "=",
            f"{what}: the {side} branch's value is not shown equal to f's: f is not "
            "shown continuous",
        )
    derivatives = []
    for segment, width, upper, recorded in (
        (left, fact.windows[0], False, fact.derivatives[0]),
        (right, fact.windows[1], True, fact.derivatives[1]),
    ):
        found = _line.one_sided(
            branches[segment.branch], u, t, width, upper, segment.interval, domains
        )
        side = "right" if upper else "left"
        require(
            found is not None,
            f"{what}: the {side} branch is not shown C¹ on the window of width {width} "
            f"inside {segment.interval}",
        )
        assert found is not None
        require(
            encloses(recorded, found.enclosure),
            f"{what}: the recorded {side} derivative {recorded} does not enclose the "
            f"recomputed {found.enclosure}",
        )
        derivatives.append(found.derivative)
    relation = _line.relation(derivatives[0], derivatives[1], domains)
    require(
        relation == fact.relation,
        f"{what}: the one-sided derivatives compare by {relation}, not the recorded "
        f"{fact.relation}",
    )
    require(
        relation in _DERIVATIVES[sign],
        f"{what}: the one-sided derivatives compare by {relation}: f is not "
        f"{'convex' if sign > 0 else 'concave'} across the breakpoint",
    )


def _replay_end(
    fact: EndValueFact,
    end: _line.End,
    cut: _line.Segmentation,
    branches: tuple[sympy.Expr, ...],
    u: sympy.Symbol,
    domains: Mapping[sympy.Symbol, Domain],
    sign: int,
) -> None:
    e = end.point
    what = f"piecewise, end {e}"
    adjacent = cut.segments[end.segment].branch
    side = "upper" if end.upper else "lower"
    require(
        (fact.point, fact.end, fact.branch, fact.adjacent) == (e, side, end.branch, adjacent),
        f"{what}: the recorded end is not the recomputed {side} end {e}",
    )
    own, near = _values(branches, (end.branch, adjacent), u, e, domains, fact.values, what)
    relation = _line.relation(own, near, domains)
    require(
        relation == fact.relation,
        f"{what}: f and the adjacent branch compare by {relation}, not the recorded "
        f"{fact.relation}",
    )
    require(
        relation in _ENDS[sign],
        f"{what}: f jumps {'down' if sign > 0 else 'up'} at the end ({relation})",
    )
