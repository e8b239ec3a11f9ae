"""The one-call Python API: ``check(function, variables, property=...)``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from convexity_proofs._claimfile import build_claim
from convexity_proofs._engine import Settings, check_claim
from convexity_proofs._values import Verdict


def check(
    function: str,
    variables: Sequence[str] | None = None,
    property: str = "convex",
    domain: Mapping[str, Any] | None = None,
    substitution: Mapping[str, str] | None = None,
    *,
    expect: str = "holds",
    name: str = "check",
    timeout: float | None = 60.0,
) -> Verdict:
    """Settle one claim given as Python values; the same validation as a claim file.

    ``function`` is parsed by the same safe parser as claim files (never ``eval``).
    Invalid input raises :class:`~convexity_proofs.errors.ClaimError`.
    """
    table: dict[str, Any] = {
        "name": name,
        "function": function,
        "property": property,
        "expect": expect,
    }
    if variables is not None:
        table["variables"] = list(variables)
    if domain is not None:
        table["domain"] = dict(domain)
    if substitution is not None:
        table["substitution"] = dict(substitution)
    claim = build_claim(table, file="<check>")
    return check_claim(claim, Settings(timeout=timeout))
