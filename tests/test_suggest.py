"""Did-you-mean suggestions in claim-file errors (issue 15)."""

from __future__ import annotations

import pytest

from convexity_proofs._claimfile import parse_claims
from convexity_proofs._suggest import did_you_mean, hint
from convexity_proofs.errors import ClaimError

BASE = {
    "name": '"c"',
    "function": '"x**2"',
    "variables": '["x"]',
    "property": '"convex"',
}


def _claim(**fields: str) -> str:
    table = {**BASE, **fields}
    lines = [f"{k} = {v}" for k, v in table.items() if v]
    return "[[claim]]\n" + "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("text", "field", "suggestion"),
    [
        (_claim(function="", fucntion='"x**2"'), "fucntion", "function"),
        (_claim(variables="", varaibles='["x"]'), "varaibles", "variables"),
        (_claim(property='"convx"'), "property", "convex"),
        (_claim(property='"non-convex"'), "property", "nonconvex"),
        (_claim(domain='{ x = "positve" }'), "domain.x", "positive"),
    ],
)
def test_refused_word_suggests_the_fix(text: str, field: str, suggestion: str) -> None:
    with pytest.raises(ClaimError) as info:
        parse_claims(text, file="s.toml")
    assert info.value.field == field
    assert f"did you mean {suggestion!r}" in str(info.value)


def test_non_string_enum_lists_allowed_words() -> None:
    with pytest.raises(ClaimError) as info:
        parse_claims(_claim(expect="true"), file="s.toml")
    assert info.value.field == "expect"
    assert "'holds'" in str(info.value)


def test_did_you_mean_basics() -> None:
    assert did_you_mean("Tanh", ["tanh", "sinh"]) == "tanh"
    assert did_you_mean("sigmod", ["sigmoid", "log"]) == "sigmoid"
    assert did_you_mean("ln", ["log"], {"ln": "log"}) == "log"
    assert did_you_mean("zzzz", ["convex"]) is None
    assert hint("zzzz", ["convex"]) == ""
