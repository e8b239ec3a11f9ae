"""Repeated proof steps grouped for reports: "the same step for each of the 40 terms".

A sum over data points has one child step per point, each the same argument about a
different term.  Sibling steps of the same *shape* (rule, conclusion, the kinds of facts
they rest on, and the rules used below them, numbers ignored) are grouped: a report
shows the first in full and names the others, so the steps that differ (the decisive
ones) stay visible.  Only presentation: proofs and certificates keep every step.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from convexity_proofs._proof import ProofStep

#: Fewer same-shape siblings than this are shown one by one.
GROUP_AT_LEAST = 3

_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:/\d+)?")


@dataclass(frozen=True, slots=True)
class StepGroup:
    """Sibling steps of one shape: ``first`` stands for all of them."""

    first: ProofStep
    others: tuple[ProofStep, ...] = ()

    @property
    def count(self) -> int:
        return 1 + len(self.others)


def _masked(text: str) -> str:
    return _NUMBER.sub("#", text)


def shape(step: ProofStep) -> tuple[object, ...]:
    """What makes two steps "the same step": everything but the numbers and subjects."""
    below: set[tuple[str, str]] = set()
    stack = list(step.children)
    while stack:
        child = stack.pop()
        below.add((child.rule, child.conclusion))
        stack.extend(child.children)
    facts = tuple(_masked(condition.statement) for condition in step.conditions)
    return (
        step.rule,
        step.conclusion,
        _masked(step.reason),
        facts,
        step.witness is None,
        tuple(sorted(below)),
    )


def grouped(steps: Sequence[ProofStep], least: int = GROUP_AT_LEAST) -> list[StepGroup]:
    """``steps`` in order, each run of ``least`` or more same-shape siblings as one group
    (placed where its first member is)."""
    members: dict[tuple[object, ...], list[ProofStep]] = {}
    for step in steps:
        members.setdefault(shape(step), []).append(step)
    groups: list[StepGroup] = []
    for step in steps:
        same = members[shape(step)]
        if len(same) >= least:
            if same[0] is step:
                groups.append(StepGroup(step, tuple(same[1:])))
        else:
            groups.append(StepGroup(step))
    return groups


def others_text(group: StepGroup, shown: int = 4) -> str:
    """``the same step for each of the other 39 terms: a, b, c, d and 35 more``."""
    from convexity_proofs._brief import brief

    names = [brief(s.subject, 60) for s in group.others[:shown]]
    more = len(group.others) - len(names)
    listed = ", ".join(names) + (f" and {more} more" if more else "")
    return (
        f"the same step ({group.first.rule}) for each of the other "
        f"{len(group.others)} terms like it: {listed}"
    )
