"""Rendering verdicts as rich renderables.  Nothing here prints: callers do.

Styles are theme names (``verdict.proved``...), so colours live in one place
(:data:`THEME`) and the report stays readable without colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.style import Style
from rich.table import Table
from rich.text import Text
from rich.theme import Theme
from rich.tree import Tree

from convexity_proofs._values import (
    CurvatureWitness,
    PointWitness,
    ProofStep,
    Property,
    SegmentWitness,
    Status,
    Verdict,
    Witness,
    format_number,
)

THEME = Theme(
    {
        "verdict.proved": "bold green",
        "verdict.refuted": "bold red",
        "verdict.unknown": "bold yellow",
        "verdict.pass": "green",
        "verdict.fail": "bold red",
        "claim.name": "bold",
        "claim.label": "dim",
        "proof.rule": "cyan",
        "proof.condition": "dim",
    }
)


def _s(name: str) -> Style:
    """A theme style as a Style object, so renderables work on any console."""
    return THEME.styles[name]


_PASS = {True: ("PASS", "verdict.pass"), False: ("FAIL", "verdict.fail")}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _decimal(q: Fraction) -> str:
    return f"{float(q):.6g}"


def _exact(q: Fraction) -> str:
    return str(format_number(q))


def render_verdict(verdict: Verdict, *, verbose: bool = False) -> RenderableType:
    """One claim's report: what was claimed, the verdict, and the proof or witness."""
    claim = verdict.claim
    facts = Table.grid(padding=(0, 1))
    facts.add_column(style=_s("claim.label"), justify="right")
    facts.add_column()
    if claim.statement:
        facts.add_row("statement", claim.statement)
    facts.add_row("function", Text(claim.source or str(claim.function)))
    facts.add_row("variables", ", ".join(s.name for s in claim.variables))
    if claim.parameters:
        facts.add_row("parameters", ", ".join(s.name for s in claim.parameters))
    restricted = [(s, d) for s, d in claim.domains if d.name != "real"]
    if restricted:
        facts.add_row("domain", ", ".join(f"{s.name} ∈ {d.describe()}" for s, d in restricted))
    facts.add_row("property", f"{claim.property} (expected to {claim.expect.value[:-1]})")
    status = Text(str(verdict.status), style=_s(f"verdict.{verdict.status}"))
    label, style = _PASS[verdict.passed]
    facts.add_row(
        "verdict", Text.assemble(status, "  ", (label, _s(style)), f"  ({verdict.seconds:.2f} s)")
    )

    parts: list[RenderableType] = [facts]
    if verdict.status is Status.PROVED:
        parts.append(_proof_tree("proof", verdict.proof, verbose))
    elif verdict.status is Status.REFUTED:
        if verdict.witness is not None:
            parts.append(render_witness(verdict.witness, claim.property))
        else:
            parts.append(
                _proof_tree("refuted by a proof of the opposite", verdict.refuting_proof, verbose)
            )
    else:
        parts.append(_attempts(verdict))
    where = f"{claim.file}:{claim.line}" if claim.file and claim.line else (claim.file or "")
    return Panel(
        Group(*parts),
        title=Text(claim.name, style=_s("claim.name")),
        subtitle=where or None,
        subtitle_align="right",
        border_style=_s(f"verdict.{verdict.status}"),
    )


def _proof_tree(title: str, steps: Sequence[ProofStep], verbose: bool) -> Tree:
    tree = Tree(Text(title, style="bold"))
    for step in steps:
        _add_step(tree, step, verbose, depth=0)
    return tree


def _add_step(parent: Tree, step: ProofStep, verbose: bool, depth: int) -> None:
    label = Text.assemble((step.rule, _s("proof.rule")), ": ", step.subject)
    node = parent.add(label)
    node.add(Text(step.reason))
    for condition in step.conditions if verbose else step.conditions[:4]:
        node.add(
            Text(
                f"✓ {condition.statement}  [{condition.established_by}]",
                style=_s("proof.condition"),
            )
        )
    if not verbose and len(step.conditions) > 4:
        node.add(
            Text(
                f"… {_plural(len(step.conditions) - 4, 'more condition')} (--verbose)",
                style=_s("proof.condition"),
            )
        )
    if step.witness is not None:
        node.add(render_witness(step.witness, None))
    children = step.children
    if not verbose and depth >= 2 and children:
        node.add(
            Text(f"… {_plural(len(children), 'sub-step')} (--verbose)", style=_s("proof.condition"))
        )
        return
    for child in children if verbose else children[:6]:
        _add_step(node, child, verbose, depth + 1)
    if not verbose and len(children) > 6:
        node.add(
            Text(f"… {len(children) - 6} more sub-steps (--verbose)", style=_s("proof.condition"))
        )


def _values_table(
    title: str, columns: Sequence[tuple[str, Sequence[tuple[str, Fraction]]]]
) -> Table:
    """One row per symbol, one column per assignment (a, b, point, direction, ...)."""
    names: list[str] = []
    for _, values in columns:
        for name, _ in values:
            if name not in names:
                names.append(name)
    table = Table(title=title, title_justify="left", show_edge=False)
    table.add_column("symbol")
    for label, _ in columns:
        table.add_column(label, justify="right")
    lookups = [dict(values) for _, values in columns]
    for name in names:
        cells = []
        for lookup in lookups:
            q = lookup.get(name)
            if q is None:
                cells.append("")
            elif q.denominator == 1:
                cells.append(_exact(q))
            else:
                cells.append(f"{_exact(q)} ≈ {_decimal(q)}")
        table.add_row(name, *cells)
    return table


def render_witness(witness: Witness, prop: Property | None) -> RenderableType:
    """A witness as a table of exact values plus one sentence saying what it shows."""
    if isinstance(witness, SegmentWitness):
        rows = [("a", witness.a), ("b", witness.b)]
        if witness.parameters:
            rows.append(("parameters", witness.parameters))
        t = _exact(witness.t)
        relation = {">": "above", "<": "below", "=": "exactly on"}[witness.relation]
        meaning = {
            ">": "a convex function never rises above a chord",
            "<": "a concave function never falls below a chord",
            "=": "a strictly convex or concave function is never exactly on a chord "
            "inside a segment",
        }[witness.relation]
        argument = ""
        if witness.argument == "permutation":
            argument = (
                f"The permutation argument, made rigorous: b is a with {witness.swap} "
                "swapped, which provably leaves f unchanged, so f(a) = f(b). "
            )
        sentence = (
            f"{argument}On the segment from a to b, f at t = {t} (the point t·a + (1−t)·b) is "
            f"{witness.at_t:.6g}, {relation} its chord {witness.chord:.6g}: {meaning}."
        )
        return Group(_values_table("segment witness", rows), Text(sentence))
    if isinstance(witness, CurvatureWitness):
        rows = [("point", witness.point), ("direction", witness.direction)]
        if witness.parameters:
            rows.append(("parameters", witness.parameters))
        word = "negative" if witness.sign == "<0" else "positive"
        meaning = (
            "a convex function never curves downward"
            if witness.sign == "<0"
            else "a concave function never curves upward"
        )
        sentence = (
            f"Along the line through the point in this direction, the second derivative of f "
            f"is {witness.second_derivative:.6g} ({word}, certified): {meaning}."
        )
        return Group(_values_table("curvature witness", rows), Text(sentence))
    if isinstance(witness, PointWitness):
        sentence = (
            f"At this point f = {witness.value:.6g} but the substituted function = "
            f"{witness.substituted_value:.6g} (certified different), so the substitution "
            "changes the function."
        )
        return Group(_values_table("point witness", [("point", witness.point)]), Text(sentence))
    raise TypeError(f"not a witness: {witness!r}")


def _attempts(verdict: Verdict) -> RenderableType:
    tree = Tree(Text("not settled; what was tried", style="bold"))
    for attempt in verdict.attempts:
        tree.add(Text.assemble((attempt.strategy, _s("proof.rule")), ": ", attempt.outcome))
    if not verdict.attempts:
        tree.add("nothing applied")
    return tree


def render_summary(verdicts: Sequence[Verdict]) -> RenderableType:
    table = Table(title="summary", title_justify="left")
    for column, justify in (
        ("claim", "left"),
        ("property", "left"),
        ("expect", "left"),
        ("verdict", "left"),
        ("", "left"),
        ("seconds", "right"),
    ):
        table.add_column(column, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for v in verdicts:
        label, style = _PASS[v.passed]
        table.add_row(
            v.claim.name,
            str(v.claim.property),
            str(v.claim.expect),
            Text(str(v.status), style=_s(f"verdict.{v.status}")),
            Text(label, style=_s(style)),
            f"{v.seconds:.2f}",
        )
    passed = sum(v.passed for v in verdicts)
    footer = Text(f"{passed} passed, {len(verdicts) - passed} failed")
    return Group(table, footer)
