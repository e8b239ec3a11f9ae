"""Did-you-mean suggestions for refused words in claim files (issue 15).

Pure string work on untrusted text: nothing here evaluates or parses the word.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

#: Common spellings that closeness alone would not find (or would find badly).
PROPERTY_ALIASES: dict[str, str] = {
    "non-convex": "nonconvex",
    "non-concave": "nonconcave",
    "quasi-convex": "quasiconvex",
    "quasi-concave": "quasiconcave",
    "quasi-linear": "quasilinear",
    "logconcave": "log-concave",
    "log concave": "log-concave",
    "strictly convex": "strictly-convex",
    "strictly concave": "strictly-concave",
    "strict-convex": "strictly-convex",
    "strict-concave": "strictly-concave",
    "linear": "affine",
    "non-decreasing": "nondecreasing",
    "non-increasing": "nonincreasing",
    "monotone": "nondecreasing",
}
DOMAIN_ALIASES: dict[str, str] = {
    "nonneg": "nonnegative",
    "non-negative": "nonnegative",
    "non-positive": "nonpositive",
    "nonpos": "nonpositive",
    "pos": "positive",
    "neg": "negative",
    "reals": "real",
    "r": "real",
    "all": "real",
}
KEY_ALIASES: dict[str, str] = {
    "domains": "domain",
    "func": "function",
    "expr": "function",
    "expression": "function",
    "f": "function",
    "vars": "variables",
    "variable": "variables",
    "params": "parameters",
    "prop": "property",
    "expected": "expect",
}
#: Every target is a function name of the parser (checked by the tests).
FUNCTION_ALIASES: dict[str, str] = {
    "ln": "log",
    "arctan": "atan",
    "absolute": "abs",
    "fabs": "abs",
    "maximum": "max",
    "minimum": "min",
    "expit": "sigmoid",
    "logistic": "sigmoid",
    "lse": "logsumexp",
}


def did_you_mean(
    word: str, choices: Iterable[str], aliases: Mapping[str, str] | None = None
) -> str | None:
    """The best allowed word for a refused ``word``, or None.

    Order: a case-insensitive exact match, then the alias table (only when its target is
    allowed), then the closest allowed word by :func:`difflib.get_close_matches`.
    """
    options = list(dict.fromkeys(choices))
    if not isinstance(word, str) or not options or len(word) > 100:
        return None
    lowered = word.strip().lower()
    for option in options:
        if option.lower() == lowered and option != word:
            return option
    if aliases:
        for key, target in aliases.items():
            if key.lower() == lowered and target in options and target != word:
                return target
    by_lower = {option.lower(): option for option in options}
    close = difflib.get_close_matches(lowered, list(by_lower), n=1, cutoff=0.75)
    if close and by_lower[close[0]] != word:
        return by_lower[close[0]]
    return None


def hint(word: str, choices: Iterable[str], aliases: Mapping[str, str] | None = None) -> str:
    """``" (did you mean 'convex'?)"`` for a refused ``word``, or ``""``."""
    best = did_you_mean(word, choices, aliases)
    return f" (did you mean {best!r}?)" if best is not None else ""
