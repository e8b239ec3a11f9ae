"""Claim text cannot drive the terminal: control sequences are escaped in every report.

A statement holding ``ESC ] 0;... BEL`` (sets the window title) or ``ESC [2J`` (clears
the screen), a file name with ``CR``, a bidi override in a name: the text and Markdown
reports show them as visible escapes.  Rich's own styling escapes are fine; the
claim's sequences must not survive.
"""

from __future__ import annotations

import dataclasses
import io
import unicodedata
from fractions import Fraction

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from convexity_proofs import check
from convexity_proofs._claimfile import parse_claims
from convexity_proofs._engine import Settings, check_claim
from convexity_proofs._markdown import summary_markdown, verdict_markdown
from convexity_proofs._proof import ProofStep, SignFact
from convexity_proofs._report import THEME, render_summary, render_verdict
from convexity_proofs._safe_text import escape_control, escape_markup
from convexity_proofs._values import Attempt, SegmentWitness, Status
from convexity_proofs.kernel.intervals import Interval
from convexity_proofs.testing import report_text

TITLE = "\x1b]0;pwned\x07"
CLEAR = "\x1b[2J"
EVIL = f"before {TITLE} middle {CLEAR} after \x9b31m \u202eevil\u202c \r\x00\x7f"
JOINERS = "\u200c\u200d"
SEQUENCES = ("\x1b]0;", "\x1b[2J", "\x07", "\x9b", "\u202e", "\u202c", "\r", "\x00", "\x7f")


# --- escape_control itself ---------------------------------------------------------------


def test_control_characters_become_visible_escapes() -> None:
    assert escape_control("a\x1bb") == "a\\x1bb"
    assert escape_control(TITLE) == "\\x1b]0;pwned\\x07"
    assert escape_control("\x9b") == "\\x9b"  # C1 CSI
    assert escape_control("\x7f") == "\\x7f"
    assert escape_control("\u202eabc\u202c") == "\\u202eabc\\u202c"  # bidi override
    assert escape_control("\u2066x\u2069") == "\\u2066x\\u2069"  # bidi isolates
    assert escape_control("zero\u200bwidth") == "zero\\u200bwidth"
    assert escape_control("\u2028") == "\\u2028"  # line separator
    assert escape_control("\ud800") == "\\ud800"  # a lone surrogate
    assert escape_control("a\r\nb") == "a\\x0d\\x0ab"


def test_newlines_and_tabs_only_where_the_caller_keeps_them() -> None:
    assert escape_control("a\nb\tc") == "a\\x0ab\\x09c"
    assert escape_control("a\nb\tc", keep_newlines=True) == "a\nb\\x09c"
    assert escape_control("a\nb\tc", keep_newlines=True, keep_tabs=True) == "a\nb\tc"
    assert escape_control("a\r\nb", keep_newlines=True) == "a\\x0d\nb"  # CR never kept


def test_printable_text_is_unchanged() -> None:
    for text in ("", "x**2 + y", "θ ∈ [0, 1] — f'' ≥ 0", "back\\slash \\x1b", "👩\u200d💻", "ñ"):
        assert escape_control(text) == text


@given(st.text())
def test_escaped_text_is_printable_and_escaping_is_idempotent(text: str) -> None:
    once = escape_control(text)
    assert escape_control(once) == once
    for c in once:  # nothing that controls or reorders is left (joiners move nothing)
        assert unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp", "Cs") or c in JOINERS


def test_escape_markup_escapes_rich_markup_too() -> None:
    assert escape_markup("[bold]x[/bold]\x1b") == "\\[bold]x\\[/bold]\\x1b"


# --- the reports ---------------------------------------------------------------------------


def _claim_text(statement: str) -> str:
    # TOML basic strings spell control characters as \uXXXX escapes.
    escaped = "".join(
        f"\\u{ord(c):04x}" if not c.isprintable() or c in '"\\' else c for c in statement
    )
    return f'[[claim]]\nname = "evil"\nstatement = "{escaped}"\nfunction = "x*y"\n' + (
        'variables = ["x", "y"]\nproperty = "convex"\nexpect = "fails"\n'
    )


@pytest.fixture(scope="module")
def evil_verdict():
    (claim,) = parse_claims(_claim_text(EVIL), file=f"claims/{CLEAR}evil{TITLE}.toml")
    assert claim.statement == EVIL  # the reader keeps the text as written
    return check_claim(claim, Settings(timeout=30))


def _terminal(renderable) -> str:
    console = Console(file=io.StringIO(), force_terminal=True, width=100, theme=THEME)
    console.print(renderable)
    return console.file.getvalue()


def _assert_clean(text: str) -> None:
    for sequence in SEQUENCES:
        assert sequence not in text, repr(sequence)


def test_text_report_on_a_terminal_escapes_the_claim(evil_verdict) -> None:
    assert evil_verdict.status is Status.REFUTED
    text = _terminal(render_verdict(evil_verdict))
    _assert_clean(text)
    assert "\\x1b]0;pwned\\x07" in text.replace("\n", "")  # shown, visibly
    _assert_clean(_terminal(render_summary([evil_verdict])))


def test_plain_text_report_escapes_the_claim(evil_verdict) -> None:
    text = report_text(evil_verdict)
    _assert_clean(text)
    assert "\x1b" not in text  # no colour either: every ESC would be the claim's


def test_markdown_report_escapes_the_claim(evil_verdict) -> None:
    for text in (verdict_markdown(evil_verdict), summary_markdown([evil_verdict])):
        _assert_clean(text)
        assert "\x1b" not in text


def test_multi_line_statement_keeps_its_lines() -> None:
    (claim,) = parse_claims(_claim_text("first line\nsecond line"), file="f.toml")
    verdict = check_claim(claim, Settings(timeout=30))
    console = Console(file=io.StringIO(), width=100, color_system=None, theme=THEME)
    console.print(render_verdict(verdict))
    text = console.file.getvalue()
    assert "first line" in text and "second line" in text and "\\x0a" not in text


def test_every_claim_string_is_escaped(evil_verdict) -> None:
    """Name, function text, symbol names of a witness, proof steps, attempts, swap."""
    claim = dataclasses.replace(
        evil_verdict.claim,
        name=f"name{TITLE}",
        source=f"x*y {CLEAR}",
        file=f"file{TITLE}.toml",
    )
    witness = SegmentWitness(
        a=((f"w{CLEAR}", Fraction(1)),),
        b=((f"w{CLEAR}", Fraction(10**400 + 1, 3)),),  # far beyond the float range
        t=Fraction(1, 2),
        parameters=(),
        relation=">",
        at_t=1.0,
        chord=0.0,
        argument="permutation",
        swap=f"v1<->v2{TITLE}",
    )
    step = ProofStep(
        rule=f"rule{CLEAR}",
        subject=sympy.Symbol(f"subject{TITLE}", real=True),
        conclusion="convex",
        facts=(SignFact(sympy.Symbol(f"cond{TITLE}", real=True), "positive", Interval(1, 2)),),
        witness=witness,
    )
    verdicts = [
        dataclasses.replace(evil_verdict, claim=claim, witness=witness),
        dataclasses.replace(evil_verdict, claim=claim, status=Status.PROVED, proof=(step,)),
        dataclasses.replace(
            evil_verdict,
            claim=claim,
            status=Status.UNKNOWN,
            witness=None,
            attempts=(Attempt(f"strategy{TITLE}", f"no rule for {CLEAR}"),),
        ),
        dataclasses.replace(evil_verdict, claim=claim, witness=None, refuting_proof=(step,)),
    ]
    for verdict in verdicts:
        for text in (
            _terminal(render_verdict(verdict, verbose=True)),
            report_text(verdict, verbose=True),
            verdict_markdown(verdict),
        ):
            _assert_clean(text)
    _assert_clean(_terminal(render_summary(verdicts)))
    _assert_clean(summary_markdown(verdicts))


def test_markup_in_claim_text_is_shown_not_interpreted() -> None:
    verdict = check("x*y", ["x", "y"], expect="fails", name="markup")
    claim = dataclasses.replace(verdict.claim, file="[bold red]f[/]", statement="[blink]s[/]")
    text = report_text(dataclasses.replace(verdict, claim=claim))
    assert "[bold red]f[/]" in text and "[blink]s[/]" in text
