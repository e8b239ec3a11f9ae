"""What reports say, as plain data: shared by the rich and the Markdown renderers.

Keeping the words in one place means the terminal report, the Markdown report, the
pytest failure and the Jupyter view never disagree about what a witness shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from convexity_proofs._values import (
    Claim,
    CurvatureWitness,
    PointWitness,
    SegmentWitness,
    Verdict,
    Witness,
    format_number,
)

Column = tuple[str, Sequence[tuple[str, Fraction]]]


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def value_cell(q: Fraction) -> str:
    """An exact value, with a decimal beside it when it is not an integer."""
    exact = str(format_number(q))
    return exact if q.denominator == 1 else f"{exact} ≈ {float(q):.6g}"


def claim_facts(claim: Claim) -> list[tuple[str, str]]:
    """The claim as (label, text) rows: what was claimed, about what, on which domain."""
    rows = []
    if claim.statement:
        rows.append(("statement", claim.statement))
    rows.append(("function", claim.source or str(claim.function)))
    rows.append(("variables", ", ".join(s.name for s in claim.variables)))
    if claim.parameters:
        rows.append(("parameters", ", ".join(s.name for s in claim.parameters)))
    restricted = [(s, d) for s, d in claim.domains if d.name != "real"]
    if restricted:
        rows.append(("domain", ", ".join(f"{s.name} ∈ {d.describe()}" for s, d in restricted)))
    rows.append(("property", f"{claim.property} (expected to {claim.expect.value[:-1]})"))
    return rows


def outcome(verdict: Verdict) -> str:
    return "PASS" if verdict.passed else "FAIL"


def location(claim: Claim) -> str:
    if claim.file and claim.line:
        return f"{claim.file}:{claim.line}"
    return claim.file or ""


def witness_title(witness: Witness) -> str:
    return f"{witness.kind} witness"


def witness_columns(witness: Witness) -> list[Column]:
    """The exact numbers of a witness, column by column."""
    if isinstance(witness, SegmentWitness):
        columns: list[Column] = [("a", witness.a), ("b", witness.b)]
    elif isinstance(witness, CurvatureWitness):
        columns = [("point", witness.point), ("direction", witness.direction)]
    else:
        return [("point", witness.point)]
    if witness.parameters:
        columns.append(("parameters", witness.parameters))
    return columns


def symbol_rows(columns: Sequence[Column]) -> list[tuple[str, list[str]]]:
    """One row per symbol (in first-seen order), one cell per column."""
    names: list[str] = []
    for _, values in columns:
        for name, _ in values:
            if name not in names:
                names.append(name)
    lookups = [dict(values) for _, values in columns]
    return [
        (name, [value_cell(lk[name]) if name in lk else "" for lk in lookups]) for name in names
    ]


def witness_sentence(witness: Witness) -> str:
    """One plain sentence saying what the witness shows and why it settles the claim."""
    if isinstance(witness, SegmentWitness):
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
        return (
            f"{argument}On the segment from a to b, f at t = {format_number(witness.t)} "
            f"(the point t·a + (1−t)·b) is {witness.at_t:.6g}, {relation} its chord "
            f"{witness.chord:.6g}: {meaning}."
        )
    if isinstance(witness, CurvatureWitness):
        word = "negative" if witness.sign == "<0" else "positive"
        meaning = (
            "a convex function never curves downward"
            if witness.sign == "<0"
            else "a concave function never curves upward"
        )
        return (
            "Along the line through the point in this direction, the second derivative of f "
            f"is {witness.second_derivative:.6g} ({word}, certified): {meaning}."
        )
    if isinstance(witness, PointWitness):
        return (
            f"At this point f = {witness.value:.6g} but the substituted function = "
            f"{witness.substituted_value:.6g} (certified different), so the substitution "
            "changes the function."
        )
    raise TypeError(f"not a witness: {witness!r}")
