"""Rendering verdicts as rich renderables.  Nothing here prints: callers do.

Styles are theme names (``verdict.proved``...), so colours live in one place
(:data:`THEME`) and the report stays readable without colour.

Claim text never reaches the console raw: every string is escaped
(:func:`convexity_proofs._wording.safe`) and handed to rich as a ``Text``, which rich
does not read as markup, so neither control sequences nor ``[markup]`` in a claim file
can change what the terminal does or shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.panel import Panel
from rich.style import Style
from rich.table import Table
from rich.text import Text
from rich.theme import Theme
from rich.tree import Tree

from convexity_proofs._next_steps import next_steps
from convexity_proofs._proof import ProofStep
from convexity_proofs._proof_groups import grouped, others_text
from convexity_proofs._values import (
    Property,
    Status,
    ValueWitness,
    Verdict,
    Witness,
)
from convexity_proofs._wording import (
    Column,
    attempt_text,
    claim_facts,
    counts,
    location,
    outcome_note,
    plural,
    property_text,
    safe,
    subject_note,
    symbol_rows,
    witness_columns,
    witness_sentence,
    witness_subject,
    witness_title,
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


def render_verdict(verdict: Verdict, *, verbose: bool = False) -> RenderableType:
    """One claim's report: what was claimed, the verdict, and the proof or witness."""
    claim = verdict.claim
    facts = Table.grid(padding=(0, 1))
    facts.add_column(style=_s("claim.label"), justify="right")
    facts.add_column()
    for label, text in claim_facts(claim):
        facts.add_row(label, Text(text))
    facts.add_row("verdict", _verdict_line(verdict))

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
    where = location(claim)
    return Panel(
        Group(*parts),
        title=Text(safe(claim.name), style=_s("claim.name"), overflow="ellipsis"),
        # A str subtitle would be parsed as markup: the file name is text, not markup.
        subtitle=Text(where) if where else None,
        subtitle_align="right",
        border_style=_s(f"verdict.{verdict.status}"),
    )


def _verdict_line(verdict: Verdict) -> Text:
    """``proved  PASS  (0.12 s)``; an exploratory check shows no PASS/FAIL, a claim
    that expects ``unknown`` says why it passed or failed."""
    status = Text(str(verdict.status), style=_s(f"verdict.{verdict.status}"))
    seconds = f"{verdict.seconds:.2f} s"
    if verdict.claim.exploratory:
        return Text.assemble(status, f"  ({seconds})")
    label, style = _PASS[verdict.passed]
    note = outcome_note(verdict)
    return Text.assemble(
        status, "  ", (label, _s(style)), f"  ({note}; {seconds})" if note else f"  ({seconds})"
    )


#: The widest a summary's claim column is kept unbroken (longer names are folded).
NAME_COLUMN_CAP = 60


def _proof_tree(title: str, steps: Sequence[ProofStep], verbose: bool) -> Tree:
    tree = Tree(Text(title, style="bold"))
    for step in steps:
        _add_step(tree, step, verbose, depth=0)
    return tree


def _add_step(parent: Tree, step: ProofStep, verbose: bool, depth: int) -> None:
    # Rules, subjects and reasons quote the function (and so the claim's symbol names).
    label = Text.assemble((safe(step.rule), _s("proof.rule")), ": ", safe(step.subject_text))
    node = parent.add(label)
    node.add(Text(safe(step.reason)))
    for condition in step.conditions if verbose else step.conditions[:4]:
        node.add(
            Text(
                f"✓ {safe(condition.statement)}  [{safe(condition.established_by)}]",
                style=_s("proof.condition"),
            )
        )
    if not verbose and len(step.conditions) > 4:
        node.add(
            Text(
                f"… {plural(len(step.conditions) - 4, 'more condition')} (--verbose)",
                style=_s("proof.condition"),
            )
        )
    if step.witness is not None:
        node.add(render_witness(step.witness, None))
    children = step.children
    if not verbose and depth >= 2 and children:
        node.add(
            Text(f"… {plural(len(children), 'sub-step')} (--verbose)", style=_s("proof.condition"))
        )
        return
    if verbose:
        for child in children:
            _add_step(node, child, verbose, depth + 1)
        return
    # Same-shape siblings (one per data point) as one: the first in full, the others
    # named; the steps that differ stay visible.
    groups = grouped(children)
    for group in groups[:6]:
        _add_step(node, group.first, verbose, depth + 1)
        if group.others:
            node.add(Text(f"… {safe(others_text(group))} (--verbose)", style=_s("proof.condition")))
    if len(groups) > 6:
        rest = sum(g.count for g in groups[6:])
        node.add(Text(f"… {rest} more sub-steps (--verbose)", style=_s("proof.condition")))


def _values_table(title: str, columns: Sequence[Column]) -> Table:
    """One row per symbol, one column per assignment (a, b, point, direction, ...)."""
    table = Table(title=Text(title), title_justify="left", show_edge=False)
    table.add_column("symbol")
    for label, _ in columns:
        table.add_column(label, justify="right")
    for name, cells in symbol_rows(columns):  # already escaped; Text: no markup either
        table.add_row(Text(name), *(Text(c) for c in cells))
    return table


def render_witness(witness: Witness, prop: Property | None = None) -> RenderableType:
    """A witness as a table of exact values plus one sentence saying what it shows."""
    note = subject_note(prop) if not isinstance(witness, ValueWitness) else ""
    return Group(
        _values_table(witness_title(witness), witness_columns(witness)),
        Text(note + witness_sentence(witness, "f" if note == "" else witness_subject(prop))),
    )


def _attempts(verdict: Verdict) -> RenderableType:
    tree = Tree(Text("not settled; what was tried", style="bold"))
    for attempt in verdict.attempts:
        # Outcomes quote the claim ("no rule for <its term>"): escaped like claim text.
        tree.add(
            Text.assemble((safe(attempt.strategy), _s("proof.rule")), ": ", attempt_text(attempt))
        )
    if not verdict.attempts:
        tree.add("nothing applied")
    steps = next_steps(verdict)
    if not steps:
        return tree
    advice = Tree(Text("next steps", style="bold"))
    for step in steps:
        advice.add(Text(safe(step.describe())))
    return Group(tree, advice)


def render_summary(verdicts: Sequence[Verdict]) -> RenderableType:
    """The summary table; where it cannot fit with every claim name whole, one line per
    claim with the name first (lines wrap between words, never inside a name)."""
    return _Summary(tuple(verdicts))


@dataclass(frozen=True)
class _Summary:
    verdicts: tuple[Verdict, ...]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        table = self._table()
        if self._width() <= options.max_width:
            yield table
        else:
            yield Text("summary")
            for v in self.verdicts:
                yield self._line(v)
        yield Text(counts(self.verdicts))

    def _columns(self) -> list[tuple[str, str, Callable[[Verdict], Text]]]:
        """(header, justify, cell) of each column; when every check is exploratory, no
        expect and PASS/FAIL columns (nothing was expected)."""
        judged = not all(v.claim.exploratory for v in self.verdicts)

        def expect(v: Verdict) -> Text:
            return Text("" if v.claim.exploratory else str(v.claim.expect))

        def mark(v: Verdict) -> Text:
            label, style = _PASS[v.passed]
            return Text("") if v.claim.exploratory else Text(label, style=_s(style))

        columns: list[tuple[str, str, Callable[[Verdict], Text]]] = [
            ("claim", "left", lambda v: Text(safe(v.claim.name))),
            ("property", "left", lambda v: Text(str(v.claim.property))),
        ]
        if judged:
            columns.append(("expect", "left", expect))
        columns.append(
            ("verdict", "left", lambda v: Text(str(v.status), style=_s(f"verdict.{v.status}")))
        )
        if judged:
            columns.append(("", "left", mark))
        columns.append(("seconds", "right", lambda v: Text(f"{v.seconds:.2f}")))
        return columns

    def _table(self) -> Table:
        table = Table(title="summary", title_justify="left")
        columns = self._columns()
        # Claim names are never broken (up to NAME_COLUMN_CAP characters): the other
        # columns fold first.
        longest = max((len(safe(v.claim.name)) for v in self.verdicts), default=5)
        for index, (header, justify, _) in enumerate(columns):
            width = min(longest, NAME_COLUMN_CAP) if index == 0 else None
            table.add_column(header, justify=justify, overflow="fold", min_width=width)  # type: ignore[arg-type]
        for v in self.verdicts:
            table.add_row(*(cell(v) for _, _, cell in columns))
        return table

    def _width(self) -> int:
        """The table's width with every name whole and each other column at its widest
        word (rich crops a table whose minimum does not fit)."""
        widths = []
        for index, (header, _, cell) in enumerate(self._columns()):
            cells = [len(cell(v).plain) for v in self.verdicts]
            if index == 0:
                cells = [min(n, NAME_COLUMN_CAP) for n in cells]
            widths.append(max([len(header), *cells]))
        return sum(widths) + 3 * len(widths) + 1

    @staticmethod
    def _line(v: Verdict) -> Text:
        """The name on a line of its own, what was found indented below it."""
        label, style = _PASS[v.passed]
        line = Text.assemble(
            Text(safe(v.claim.name)), "\n    ", (str(v.status), _s(f"verdict.{v.status}"))
        )
        if not v.claim.exploratory:
            line.append_text(Text.assemble(" ", (label, _s(style))))
        line.append(f"  {property_text(v.claim)}  {v.seconds:.2f} s")
        return line
