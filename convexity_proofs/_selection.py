"""``convexity-check -k EXPRESSION``: which claims to check, by name (issue 15).

An expression is pytest's ``-k`` language over claim names: words joined by ``and``,
``or``, ``not`` and parentheses.  A word is a pattern: with a glob character (``*``,
``?``, ``[``) it must match the whole name (:func:`fnmatch.fnmatchcase`), otherwise it
must occur in the name; both ignore case, as pytest does.  The text is untrusted: it is
read by the small tokenizer and recursive-descent parser below, never evaluated.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

#: The longest expression accepted (a command line, not a program).
MAX_CHARS = 1000
_KEYWORDS = frozenset({"and", "or", "not"})
_GLOB = frozenset("*?[")
_TOKEN = re.compile(r"\s*(?:(\()|(\))|([^\s()]+))")


class SelectionError(ValueError):
    """An expression that cannot be read; the message says where."""


@dataclass(frozen=True, slots=True)
class Selection:
    """A parsed ``-k`` expression (or several, joined by ``or``): call it on a name."""

    texts: tuple[str, ...]
    test: Callable[[str], bool]
    words: tuple[str, ...]

    def __call__(self, name: str) -> bool:
        return self.test(name)


def word_matches(word: str, name: str) -> bool:
    """``word`` as a pattern: a glob against the whole name, else a substring; any case."""
    word, name = word.lower(), name.lower()
    if _GLOB & set(word):
        return fnmatch.fnmatchcase(name, word)
    return word in name


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:  # only trailing white space is left
            break
        tokens.append(match.group(match.lastindex or 0))
        position = match.end()
    return tokens


def parse(text: str) -> Selection:
    """The selection ``text`` describes, or :class:`SelectionError`."""
    if len(text) > MAX_CHARS:
        raise SelectionError(f"the expression is too long: {len(text)} characters")
    tokens = _tokens(text)
    if not tokens:
        raise SelectionError("empty expression: give a claim name or a pattern")
    position = 0
    words: list[str] = []

    def peek() -> str | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> str:
        nonlocal position
        token = tokens[position]
        position += 1
        return token

    def expected(what: str) -> SelectionError:
        found = peek()
        after = f" after {tokens[position - 1]!r}" if position else ""
        shown = f"found {found!r}" if found is not None else "found the end"
        return SelectionError(f"expected {what}{after}, {shown}")

    def disjunction(depth: int) -> Callable[[str], bool]:
        parts = [conjunction(depth)]
        while peek() == "or":
            take()
            parts.append(conjunction(depth))
        if len(parts) == 1:
            return parts[0]
        return lambda name: any(part(name) for part in parts)

    def conjunction(depth: int) -> Callable[[str], bool]:
        parts = [negation(depth)]
        while peek() == "and":
            take()
            parts.append(negation(depth))
        if len(parts) == 1:
            return parts[0]
        return lambda name: all(part(name) for part in parts)

    def negation(depth: int) -> Callable[[str], bool]:
        if depth > 50:
            raise SelectionError("the expression is nested too deeply")
        token = peek()
        if token == "not":
            take()
            inner = negation(depth + 1)
            return lambda name: not inner(name)
        if token == "(":
            take()
            inner = disjunction(depth + 1)
            if peek() != ")":
                raise expected("')'")
            take()
            return inner
        if token is None or token == ")" or token in _KEYWORDS:
            raise expected("a name or pattern")
        word = take()
        words.append(word)
        return lambda name: word_matches(word, name)

    test = disjunction(0)
    if position != len(tokens):
        raise expected("'and', 'or' or the end")
    return Selection(texts=(text,), test=test, words=tuple(words))


def parse_all(texts: Sequence[str]) -> Selection:
    """Several ``-k`` expressions: a claim is selected when any of them selects it."""
    selections = []
    for text in texts:
        try:
            selections.append(parse(text))
        except SelectionError as exc:
            raise SelectionError(f"-k {text!r}: {exc}") from None
    if len(selections) == 1:
        return selections[0]
    return Selection(
        texts=tuple(t for s in selections for t in s.texts),
        test=lambda name: any(s(name) for s in selections),
        words=tuple(w for s in selections for w in s.words),
    )


def nothing_selected(selection: Selection, names: Iterable[str]) -> str:
    """The message for a selection that matches no claim, with a did-you-mean for the
    first word that matches no name, when a name is close to it."""
    from convexity_proofs._suggest import did_you_mean

    known = list(dict.fromkeys(names))
    tip = ""
    for word in selection.words:
        if any(word_matches(word, name) for name in known):
            continue
        best = did_you_mean(word, known)
        if best is not None:
            tip = f" (did you mean {best!r}?)"
            break
    count = len(known)
    shown = " ".join(f"-k {text!r}" for text in selection.texts)
    return f"{shown}: no claim matches, of {count} claim{'s' if count != 1 else ''}{tip}"
