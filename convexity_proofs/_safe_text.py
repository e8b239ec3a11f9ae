"""Text from claim files, made safe to show on a terminal or in Markdown.

A claim file is data, possibly someone else's: its ``statement``, ``name``, function
text, file name or symbol names must not be able to drive the terminal the report is
printed on (``ESC ] 0; ... BEL`` sets the window title, ``ESC [2J`` clears the screen,
``CR`` overwrites what was printed) nor reorder what the reader sees (the bidi
overrides U+202A–U+202E and isolates U+2066–U+2069 of "Trojan Source").  So every
such string passes through :func:`escape_control` before it is rendered, and the
characters become visible escapes: ``\\x1b``, ``\\x9b``, ``\\u202e``.

Escaped: every C0 control character (U+0000–U+001F; newline and tab only when the
caller keeps them for multi-line text), DEL (U+007F), every C1 control (U+0080–U+009F),
and every other non-printing character of Unicode categories Cf (format: bidi marks,
overrides and isolates, zero-width spaces, soft hyphen, BOM...), Zl and Zp (line and
paragraph separators) and Cs (lone surrogates).  Kept: the zero-width joiner and
non-joiner (U+200D, U+200C), which join emoji and shape several scripts but move
nothing.  Printable text, including backslashes, is returned unchanged, so escaping
twice is the same as escaping once.

:func:`escape_markup` additionally escapes rich's console markup (``[bold]``), for
the few places where a string is interpreted as markup.
"""

from __future__ import annotations

import unicodedata

__all__ = ["escape_control", "escape_markup"]

#: Format characters that are safe and needed (emoji sequences, Indic and Arabic shaping).
_KEPT_FORMAT = frozenset({"\u200c", "\u200d"})
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def _visible(char: str) -> str:
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _unsafe(char: str, keep: frozenset[str]) -> bool:
    if char in keep:
        return False
    if " " <= char <= "~":  # printable ASCII: the common case, decided without a lookup
        return False
    return unicodedata.category(char) in _ESCAPED_CATEGORIES


def escape_control(text: str, *, keep_newlines: bool = False, keep_tabs: bool = False) -> str:
    """``text`` with every control and non-printing format character made visible.

    ``keep_newlines`` keeps ``\\n`` (only: ``\\r`` is always escaped, it overwrites the
    line) and ``keep_tabs`` keeps ``\\t``, for multi-line statements and function text.
    Anything that is not a ``str`` is converted with ``str`` first.
    """
    if not isinstance(text, str):
        text = str(text)
    keep = _KEPT_FORMAT
    if keep_newlines or keep_tabs:
        keep = keep | {c for c, on in (("\n", keep_newlines), ("\t", keep_tabs)) if on}
    if text.isascii() and text.isprintable():
        return text  # fast path: nothing to escape
    return "".join(_visible(c) if _unsafe(c, keep) else c for c in text)


def escape_markup(text: str, **keep: bool) -> str:
    """:func:`escape_control`, then rich's markup escaped (``[`` that opens a tag)."""
    from rich.markup import escape

    return escape(escape_control(text, **keep))
