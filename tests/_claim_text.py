"""Claim-file text for tests: one ``[[claim]]`` table per call, fields in file order."""

from __future__ import annotations

import json


def claim_toml(
    name: str,
    function: str = "x**2",
    variables: tuple[str, ...] = ("x",),
    prop: str = "convex",
    **fields: object,
) -> str:
    """A ``[[claim]]`` table; extra ``fields`` are written as TOML values (JSON-quoted
    strings and lists are valid TOML)."""
    lines = [
        "[[claim]]",
        f"name = {json.dumps(name)}",
        f"function = {json.dumps(function)}",
        f"variables = {json.dumps(list(variables))}",
        f"property = {json.dumps(prop)}",
    ]
    lines += [f"{key} = {json.dumps(value)}" for key, value in fields.items()]
    return "\n" + "\n".join(lines) + "\n"
