"""What to do next about an ``unknown`` verdict, worked out from what failed.

Computed on demand from the verdict (its claim and its typed attempts), never from the
attempts' prose:

* a definedness obligation the domain does not establish: the exact ``domain = {...}``
  line that establishes it, when the argument is linear in one symbol (``log(x - 1)``
  needs ``x = "(1, inf)"``), else the condition to establish;
* the subexpression no composition rule covers, why, and the rule that came closest;
* whether a larger ``--timeout`` can help (a strategy, or the claim, was cut short; the
  step that was running is named) or cannot (every strategy that applied ran to its end);
* an internal error, which is a bug to report.

Each step is a :class:`NextStep` (typed data); :meth:`NextStep.describe` makes the prose.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

import sympy

from convexity_proofs._brief import brief
from convexity_proofs._values import (
    NAMED_DOMAINS,
    RAISE_INTERNAL_ERRORS_ENV,
    AttemptKind,
    Claim,
    Domain,
    Obligation,
    Status,
    Verdict,
    format_number,
)

#: The most definedness conditions a report examines for its domain hints.
OBLIGATIONS_EXAMINED = 256

#: The file name of a claim given by ``convexity-check --function`` (cli.FUNCTION_FILE).
COMMAND_LINE = "<command line>"


class StepKind(StrEnum):
    DECLARE_DOMAIN = "declare domain"
    RESTRICT_DOMAIN = "restrict domain"
    NOWHERE_DEFINED = "defined nowhere"
    UNCOVERED_TERM = "uncovered term"
    MORE_TIME = "more time can help"
    NO_MORE_TIME = "more time cannot help"
    INTERNAL_ERROR = "internal error"


@dataclass(frozen=True, slots=True)
class NextStep:
    """One thing to do. ``subject``: the condition, term or strategies it is about;
    ``line``: an exact line for the claim file (``""`` when there is none); ``detail``:
    the rest (why no rule applies, the step that was running, the error)."""

    kind: StepKind
    subject: str = ""
    line: str = ""
    detail: str = ""
    near: str = ""

    def describe(self) -> str:
        if self.kind is StepKind.DECLARE_DOMAIN:
            return (
                f"declare the domain: the function as written needs {self.subject}, which "
                f"the domain does not establish; {self.detail} `{self.line}`"
            )
        if self.kind is StepKind.NOWHERE_DEFINED:
            return (
                f"the function as written needs {self.subject}, which holds on no interval "
                "of the domain (the domains given, or its other conditions, exclude it): "
                "no domain line helps; change the function or the domain"
            )
        if self.kind is StepKind.RESTRICT_DOMAIN:
            return (
                f"restrict the domain so that {self.subject} holds everywhere on it "
                f"(the function as written needs it{self.detail})"
            )
        if self.kind is StepKind.UNCOVERED_TERM:
            near = f"; the rule that came closest: {self.near}" if self.near else ""
            return (
                f"no composition rule covers {self.subject} ({self.detail}){near}: "
                "rewrite that term, restrict the domain so the rule's condition holds, "
                "or state a smaller claim about it"
            )
        if self.kind is StepKind.MORE_TIME:
            return f"a larger --timeout can help: {self.subject} {self.detail}"
        if self.kind is StepKind.NO_MORE_TIME:
            return f"a larger --timeout cannot help: {self.detail}"
        return (
            f"{self.subject} failed with an internal error ({self.detail}); that is a bug "
            f"worth reporting (set {RAISE_INTERNAL_ERRORS_ENV}=1 to see the traceback)"
        )

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": str(self.kind), "text": self.describe()}
        for key in ("subject", "line", "detail", "near"):
            value = getattr(self, key)
            if value:
                data[key] = value
        return data


def next_steps(verdict: Verdict) -> tuple[NextStep, ...]:
    """What to do about an ``unknown`` verdict (``()`` for a decided one)."""
    if verdict.status is not Status.UNKNOWN:
        return ()
    steps: list[NextStep] = []
    if any(a.strategy.startswith("definedness") for a in verdict.attempts):
        steps += _definedness_steps(verdict.claim)
    seen: set[str] = set()
    for attempt in verdict.attempts:
        uncovered = attempt.uncovered
        if uncovered is None:
            continue
        term = brief(uncovered.term, 200)  # a term of a large sum is shown shortened
        if term in seen:
            continue
        seen.add(term)
        steps.append(NextStep(StepKind.UNCOVERED_TERM, term, "", uncovered.why, uncovered.near))
    steps += _time_steps(verdict)
    for attempt in verdict.attempts:
        if attempt.kind is AttemptKind.ERROR:
            steps.append(NextStep(StepKind.INTERNAL_ERROR, attempt.strategy, "", attempt.outcome))
    return tuple(steps)


# --- time -------------------------------------------------------------------------------


def _time_steps(verdict: Verdict) -> list[NextStep]:
    attempts = verdict.attempts
    cut = [a for a in attempts if a.kind is AttemptKind.CUT_SHORT and a.strategy != "time limit"]
    limit = [a for a in attempts if a.kind is AttemptKind.CUT_SHORT and a.strategy == "time limit"]
    if cut or limit:
        names = ", ".join(dict.fromkeys(a.strategy for a in cut))
        subject = f"{names} {'was' if len(cut) == 1 else 'were'} cut short" if cut else ""
        running = _running_step(verdict)
        detail = ""
        if running and [a.strategy for a in cut] == [running]:
            detail = "(it was running when the time ran out)"
        elif running:
            detail = f"(the time ran out while {running} was running)"
        if not subject:
            subject, detail = "the claim was cut short", f"({limit[0].outcome})"
        return [NextStep(StepKind.MORE_TIME, subject, "", detail)]
    ran = [a for a in attempts if a.kind is AttemptKind.INCONCLUSIVE]
    if not ran and any(a.kind is AttemptKind.ERROR for a in attempts):
        return []  # what failed is an error, which time does not mend: its step says so
    if ran:
        detail = (
            f"every strategy that applied ran to its end ({len(ran)} ran, inconclusive; "
            "their effort is set by counts and fixed caps, not by --timeout)"
        )
    else:
        detail = "nothing was stopped by the time limit: what stopped the engine is above"
    return [NextStep(StepKind.NO_MORE_TIME, "", "", detail)]


def _running_step(verdict: Verdict) -> str:
    """The strategy that was running when the claim's time ran out, or ""."""
    attempts = verdict.attempts
    for index, attempt in enumerate(attempts):
        if attempt.strategy == "time limit" and attempt.kind is AttemptKind.CUT_SHORT:
            before = [a for a in attempts[:index] if a.ran]
            if before and before[-1].kind is AttemptKind.CUT_SHORT:
                return before[-1].strategy
            return ""
    return ""


# --- definedness ------------------------------------------------------------------------


def _definedness_steps(claim: Claim) -> list[NextStep]:
    """The domain line that establishes every obligation the domain leaves open, when
    each is a sign condition on a linear function of one symbol; else the conditions."""
    from convexity_proofs._obligations import decisive
    from convexity_proofs.kernel import intervals

    domains = dict(claim.domains)
    # A report is not a search: at most OBLIGATIONS_EXAMINED conditions are examined (a
    # sum over data can carry thousands); with more, no line is offered (it could miss one).
    examined = claim.obligations[:OBLIGATIONS_EXAMINED]
    complete = len(examined) == len(claim.obligations)
    missing = [ob for ob in examined if intervals.defined(decisive(ob), domains) is not True]
    if not missing:
        return []
    needed: dict[sympy.Symbol, Domain] = {}
    open_conditions: list[Obligation] = []
    nowhere: list[Obligation] = []
    for ob in missing:
        found = _half_lines(ob)
        if found is None:
            open_conditions.append(ob)
            continue
        symbol, halves = found
        current = needed.get(symbol, domains.get(symbol, NAMED_DOMAINS["real"]))
        usable = [d for d in (_intersect(current, half) for half in halves) if d is not None]
        if not usable:
            # Inside a Piecewise branch the condition binds only where the branch is
            # taken: a domain avoiding the branch may still do, so no "nowhere" then.
            guarded = isinstance(ob.subject, sympy.Piecewise)
            (open_conditions if guarded else nowhere).append(ob)
            continue
        needed[symbol] = usable[0]
    if nowhere:
        # Declared domains (or other obligations) leave no interval where this holds: no
        # domain line helps, the function or the domain must change.
        conditions = " and ".join(ob.describe() for ob in nowhere)
        return [NextStep(StepKind.NOWHERE_DEFINED, conditions)]
    steps: list[NextStep] = []
    names = {s.name for s, _ in claim.domains} | {s.name for s in needed}
    # After a change of variable (a pi end) the symbols are not the ones written: no line.
    exact_line = complete and not claim.reparametrized
    if needed and exact_line and all(name.isidentifier() for name in names):
        entries = dict(domains)
        entries.update(needed)
        shown = ", ".join(
            f"{s.name} = {_domain_value(d)}"
            for s, d in sorted(entries.items(), key=lambda item: item[0].name)
            if d.name != "real"
        )
        restricted = any(d.name != "real" for d in domains.values())
        verb = (
            "replace the claim's domain line with" if restricted else "add this line to the claim:"
        )
        line = f"domain = {{ {shown} }}"
        if claim.file == COMMAND_LINE:  # a one-liner check: the options, not a TOML line
            verb = "run it again with"
            line = " ".join(
                "--domain " + shlex.quote(f"{s.name}={_domain_value(d).strip(chr(34))}")
                for s, d in sorted(entries.items(), key=lambda item: item[0].name)
                if d.name != "real"
            )
        conditions = " and ".join(ob.describe() for ob in missing if ob not in open_conditions)
        steps.append(NextStep(StepKind.DECLARE_DOMAIN, conditions, line, verb))
    elif needed:
        open_conditions = missing
    for ob in open_conditions:
        text = f", from {ob.text}" if ob.text else ""
        if isinstance(ob.subject, sympy.Piecewise):
            text += ", where its Piecewise branch is taken"
        for _, change in claim.reparametrized:  # the condition is written in the new variable
            text += f"; {change}"
        steps.append(NextStep(StepKind.RESTRICT_DOMAIN, ob.describe(), "", text))
    return steps


def _half_lines(ob: Obligation) -> tuple[sympy.Symbol, list[Domain]] | None:
    """``a*x + b > 0`` (or ``>= 0``) as the half-line of x it asks for; ``!= 0`` as the
    two half-lines beside the root (the upper one first)."""
    if ob.kind not in ("positive", "nonnegative", "nonzero"):
        return None
    from convexity_proofs._one_symbol import one_symbol_polynomial

    found = one_symbol_polynomial(ob.argument)
    if found is None:
        return None
    x, (b, a, square) = found
    if a == 0 or square:
        return None
    root = -b / a
    closed = ob.kind == "nonnegative"
    above = Domain(lo=root, lo_open=not closed, name="interval")
    below = Domain(hi=root, hi_open=not closed, name="interval")
    if ob.kind == "nonzero":
        return x, [above, below]
    return x, [above if a > 0 else below]


def _intersect(d: Domain, e: Domain) -> Domain | None:
    lo, lo_open = _tighter(d.lo, d.lo_open, e.lo, e.lo_open, max)
    hi, hi_open = _tighter(d.hi, d.hi_open, e.hi, e.hi_open, min)
    if lo is not None and hi is not None and lo >= hi:  # empty, or one point: no interval
        return None
    both = Domain(lo=lo, hi=hi, lo_open=lo_open, hi_open=hi_open, name="interval")
    for name, named in NAMED_DOMAINS.items():
        if (named.lo, named.hi, named.lo_open, named.hi_open) == (lo, hi, lo_open, hi_open):
            return Domain(lo=lo, hi=hi, lo_open=lo_open, hi_open=hi_open, name=name)
    return both


def _tighter(
    p: Fraction | None, p_open: bool, q: Fraction | None, q_open: bool, pick: Any
) -> tuple[Fraction | None, bool]:
    """The tighter of two ends (``pick``: max for lower ends, min for upper ones)."""
    if p is None:
        return q, q_open
    if q is None:
        return p, p_open
    if p == q:
        return p, p_open or q_open
    return (p, p_open) if pick(p, q) == p else (q, q_open)


def _domain_value(d: Domain) -> str:
    """A domain as a claim file writes it: a word, ``[a, b]`` or ``"(a, b]"``."""
    if d.name != "interval":
        return json.dumps(d.name)
    lo = "-inf" if d.lo is None else str(format_number(d.lo))
    hi = "inf" if d.hi is None else str(format_number(d.hi))
    if d.lo is not None and d.hi is not None and not d.lo_open and not d.hi_open:
        return f"[{_toml_number(d.lo)}, {_toml_number(d.hi)}]"
    left = "(" if d.lo is None or d.lo_open else "["
    right = ")" if d.hi is None or d.hi_open else "]"
    return json.dumps(f"{left}{lo}, {hi}{right}")


def _toml_number(q: Fraction) -> str:
    value = format_number(q)
    return str(value) if isinstance(value, int) else json.dumps(value)
