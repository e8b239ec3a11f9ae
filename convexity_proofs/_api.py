"""The one-call Python API: ``check(function, variables, property=...)``.

Arguments are validated before anything is parsed: a value of the wrong type (a
``variables`` string instead of a list, a ``timeout`` of ``-1``, ``inf`` or ``"60"``)
raises :class:`~convexity_proofs.errors.ArgumentError` naming the argument, what was
expected and what was found.  Values of the right type are then validated exactly as a
claim file's fields are, so an unknown property or a symbol that does not occur raises
:class:`~convexity_proofs.errors.ClaimError`.  Both are
:class:`~convexity_proofs.errors.ConvexityProofsError`.

The validators are public for the rest of the package: the engine calls
:func:`validate_claim_argument` (and :func:`validate_settings_argument`) in
``check_claim``, the testing helpers call :func:`validate_timeout`.  This module
imports the engine only when a claim is checked, so the engine may import it.
"""

from __future__ import annotations

import math
import numbers
import reprlib
from collections.abc import Iterable, Mapping
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from convexity_proofs._values import Claim, Verdict
from convexity_proofs.errors import ArgumentError

if TYPE_CHECKING:
    from convexity_proofs._engine import Settings

__all__ = [
    "MAX_TIMEOUT",
    "check",
    "validate_claim_argument",
    "validate_settings_argument",
    "validate_timeout",
]

#: The longest time limit accepted, in seconds (about three years): the hard limit is a
#: POSIX interval timer, which overflows the platform's time_t near 1e10 s and beyond.
#: ``None`` means no limit.
MAX_TIMEOUT = 1e8


def _found(value: object) -> str:
    shown = reprlib.repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{type(value).__name__} {shown}"


def _error(where: str, expected: str, value: object) -> ArgumentError:
    return ArgumentError(f"{where}: expected {expected}, found {_found(value)}")


def validate_timeout(timeout: object, *, where: str = "timeout") -> float | None:
    """The time limit as a float (seconds), or None for no limit; raises ArgumentError.

    Accepts a real number (not ``bool``) that is finite, > 0 and at most MAX_TIMEOUT.
    """
    expected = f"a number of seconds > 0 and at most {MAX_TIMEOUT:g}, or None for no limit"
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, numbers.Real | Decimal):
        raise _error(where, expected, timeout)
    try:
        seconds = float(timeout)
    except (OverflowError, ValueError):
        raise _error(where, expected, timeout) from None
    if not math.isfinite(seconds) or not 0 < seconds <= MAX_TIMEOUT:
        raise _error(where, expected, timeout)
    return seconds


def validate_claim_argument(obj: object, *, where: str = "check_claim() argument 'claim'") -> Claim:
    """``obj`` if it is a :class:`~convexity_proofs.Claim`; else ArgumentError.

    For ``check_claim(claim, ...)``: passing a string, a dict or a claim file's path
    used to fail deep inside the engine with an AttributeError.
    """
    if not isinstance(obj, Claim):
        hint = ""
        if isinstance(obj, str):
            hint = " (for a function text use check(); for a claim file, load_claims(path))"
        elif isinstance(obj, Mapping):
            hint = " (for a claim table use build_claim(table))"
        raise ArgumentError(
            f"{where}: expected a Claim (from load_claims, parse_claims or build_claim), "
            f"found {_found(obj)}{hint}"
        )
    return obj


def validate_settings_argument(
    settings: object, *, where: str = "check_claim() argument 'settings'"
) -> Settings | None:
    """``settings`` if it is None or a :class:`~convexity_proofs.Settings`; else
    ArgumentError.  (The fields themselves are validated by ``Settings`` itself.)"""
    from convexity_proofs._engine import Settings

    if settings is not None and not isinstance(settings, Settings):
        raise _error(where, "a Settings or None", settings)
    return settings


def _string(where: str, value: object) -> str:
    if not isinstance(value, str):
        raise _error(where, "a string", value)
    return value


def _choice(where: str, value: object, example: str) -> str:
    """A property/expect/parameters value: a string, or one of the package's enums."""
    if isinstance(value, Enum) and isinstance(value.value, str):
        return value.value
    if not isinstance(value, str):
        raise _error(where, f"a string such as {example!r}", value)
    return value


def _names(where: str, value: object) -> list[str]:
    """A list of symbol names from any ordered iterable of strings (not a string)."""
    if isinstance(value, str | bytes):
        raise _error(where, "a list of symbol names such as ['x', 'y']", value)
    if isinstance(value, Mapping | set | frozenset) or not isinstance(value, Iterable):
        raise _error(where, "a list of symbol names (a list or tuple; sets have no order)", value)
    names = list(value)
    for index, name in enumerate(names):
        _string(f"{where}[{index}]", name)
    return names


def _end(where: str, value: object) -> int | float | str:
    """An interval end as the claim reader takes it: int, float or number text."""
    if isinstance(value, bool):
        raise _error(where, "a number", value)
    if isinstance(value, int | float | str):
        return value
    if isinstance(value, numbers.Rational):  # Fraction, SymPy's Rational, ...
        return f"{int(value.numerator)}/{int(value.denominator)}"
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _error(where, "a finite number", value)
        return str(value)
    raise _error(where, "a number (int, float, Fraction, Decimal or text such as '1/3')", value)


def _domains(where: str, value: object) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise _error(where, "a mapping of symbol name to domain, such as {'x': 'positive'}", value)
    domains: dict[str, Any] = {}
    for key, spec in value.items():
        _string(f"{where} key", key)
        field = f"{where}[{key!r}]"
        if isinstance(spec, str):
            domains[key] = spec
        elif isinstance(spec, list | tuple) and len(spec) == 2:
            domains[key] = [_end(f"{field}[{i}]", end) for i, end in enumerate(spec)]
        else:
            raise _error(field, "a domain name such as 'positive' or an interval [lo, hi]", spec)
    return domains


def _substitution(where: str, value: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise _error(where, "a mapping of symbol name to expression text", value)
    for key, image in value.items():
        _string(f"{where} key", key)
        _string(f"{where}[{key!r}]", image)
    return dict(value)


def claim_table(
    function: object,
    variables: object = None,
    property: object = "convex",
    domain: object = None,
    substitution: object = None,
    *,
    expect: object = "holds",
    name: object = "check",
    parameters: object = None,
    modulus: object = None,
    along: object = None,
    caller: str = "check()",
) -> dict[str, Any]:
    """The claim table for ``check``'s arguments, every type validated (ArgumentError)."""

    def arg(argument: str) -> str:
        return f"{caller} argument {argument!r}"

    table: dict[str, Any] = {
        "name": _string(arg("name"), name),
        "function": _string(arg("function"), function),
        "property": _choice(arg("property"), property, "convex"),
        "expect": _choice(arg("expect"), expect, "holds"),
    }
    if variables is not None:
        table["variables"] = _names(arg("variables"), variables)
    if domain is not None:
        table["domain"] = _domains(arg("domain"), domain)
    if substitution is not None:
        table["substitution"] = _substitution(arg("substitution"), substitution)
    if parameters is not None:
        table["parameters"] = _choice(arg("parameters"), parameters, "all")
    if modulus is not None:
        table["modulus"] = _modulus(arg("modulus"), modulus)
    if along is not None:
        table["along"] = _substitution(arg("along"), along)
    return table


def _modulus(where: str, value: object) -> int | str:
    """A modulus: an int, a Fraction, or an exact number string ("1/10", "0.1")."""
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ArgumentError(
            f'{where}: expected an int, a Fraction or a string such as "1/10", '
            f"found {type(value).__name__} {value!r:.40}"
        )
    return value


def check(
    function: str,
    variables: Iterable[str] | None = None,
    property: str = "convex",
    domain: Mapping[str, Any] | None = None,
    substitution: Mapping[str, str] | None = None,
    *,
    expect: str = "holds",
    name: str = "check",
    timeout: float | None = 60.0,
    parameters: str | None = None,
    modulus: int | str | Fraction | None = None,
    along: Mapping[str, str] | None = None,
) -> Verdict:
    """Settle one claim given as Python values; the same validation as a claim file.

    ``function`` is parsed by the same safe parser as claim files (never ``eval``).
    ``parameters`` is the claim file's quantifier ("all", the default, or "some");
    ``modulus`` the strong-convexity modulus; ``along`` the claim file's ``along``
    substitution (judge f on a line or slice).
    Arguments of the wrong type raise :class:`~convexity_proofs.errors.ArgumentError`;
    invalid claim content raises :class:`~convexity_proofs.errors.ClaimError`.
    """
    table = claim_table(
        function,
        variables,
        property,
        domain,
        substitution,
        expect=expect,
        name=name,
        parameters=parameters,
        modulus=modulus,
        along=along,
    )
    seconds = validate_timeout(timeout, where="check() argument 'timeout'")
    return settle(table, seconds)


def settle(table: dict[str, Any], timeout: float | None) -> Verdict:
    """The verdict on the claim a :func:`claim_table` describes, within ``timeout``
    seconds (:func:`check` and the ``testing`` assertions settle their claims here)."""
    from convexity_proofs._claimfile import build_claim
    from convexity_proofs._engine import Settings, check_claim

    claim = build_claim(table, file="<check>")
    return check_claim(claim, Settings(timeout=timeout))
