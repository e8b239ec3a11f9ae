"""What every model builder shares: the error, the result, the size limits, validation.

Model and data tables come from untrusted TOML, so every value is checked for presence,
type, range and meaning before anything is built, and every refusal is a
:class:`ModelError` naming the offending key (``model.layers``, ``data.x``) so the claim
reader can turn it into a located :class:`~convexity_proofs.errors.ClaimError`.
Sizes are checked *before* building: SymPy happily spends minutes on an expression
nobody could have meant to write.
"""

from __future__ import annotations

import reprlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import sympy

from convexity_proofs._parser import parse_number
from convexity_proofs.errors import ConvexityProofsError, ExpressionError

__all__ = [
    "MAX_DATA_VALUES",
    "MAX_FILE_BYTES",
    "MAX_LAYERS",
    "MAX_PARAMETERS",
    "MAX_POINTS",
    "MAX_ROWS",
    "MAX_TERMS",
    "MAX_WIDTH",
    "SCALAR_PARAMETERS",
    "SCALAR_POINTS",
    "SCALAR_WIDTH",
    "STRUCTURED_PARAMETERS",
    "STRUCTURED_WIDTH",
    "BuiltModel",
    "ModelError",
    "Table",
    "check_limit",
    "check_scalar_sizes",
    "check_structured_parameters",
    "check_widths",
    "choose",
    "describe_value",
    "exact",
    "integer",
    "sequence",
]

MAX_PARAMETERS: Final = 10_000
"""Trainable symbols in one model: far beyond what the provers and searches can use."""

MAX_POINTS: Final = 1_000
"""Data points (or observed matrix entries)."""

MAX_WIDTH: Final = 1024
"""Any one size: a layer width, the input dimension, classes, centres, a rank."""

MAX_LAYERS: Final = 32
"""Weight layers of an mlp: deeper nests activations beyond what the symbolic layer likes."""

MAX_TERMS: Final = 200_000
"""Rough bound on the terms of the built expression, estimated before building."""

# The limits above bound what is expanded into one scalar expression (they are the
# SCALAR_* limits; MAX_* keep their names for the builders that use them today).  A
# claim decided from its structure (numeric data, loss beyond SCALAR_TERMS) is bounded
# by memory instead: the STRUCTURED_* limits and the data limits below.

SCALAR_PARAMETERS: Final = MAX_PARAMETERS
SCALAR_WIDTH: Final = MAX_WIDTH
SCALAR_POINTS: Final = MAX_POINTS

STRUCTURED_PARAMETERS: Final = 2_000_000
"""Trainable parameters of a model decided from its structure (never expanded)."""

STRUCTURED_WIDTH: Final = 4096
"""Any one size of a structured model: a layer width, the input columns, classes."""

MAX_ROWS: Final = 2_000_000
"""Data rows (inline or from a file); symbolic data keep MAX_POINTS."""

MAX_DATA_VALUES: Final = 20_000_000
"""Numbers read for the columns used (rows x columns), inline or from files."""

MAX_FILE_BYTES: Final = 256 * 1024 * 1024
"""A data file (CSV or .npy) larger than this is refused before it is read."""


class ModelError(ConvexityProofsError):
    """A model or data table that cannot be built; ``field`` names the offending key."""

    def __init__(self, message: str, *, field: str) -> None:
        self.message = message
        self.field = field
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True, slots=True)
class BuiltModel:
    """A model's loss as a SymPy expression, with its parameters named and grouped.

    ``function`` is one flat n-ary sum over data points (plus the weight-decay terms);
    ``groups`` maps group names to symbols in a natural order, insertion-ordered, never
    empty, with ``"all"`` (every trainable symbol) always present; ``data_symbols`` are
    the symbolic data (empty for numeric data), every one a parameter of a claim.
    """

    function: sympy.Expr
    groups: dict[str, tuple[sympy.Symbol, ...]]
    data_symbols: tuple[sympy.Symbol, ...]
    description: str
    #: The loss as structure (numeric data only; see convexity_proofs._structure): the
    #: network, the row template (linear models) and whether ``function`` is the whole
    #: loss (``scalar``) or the stand-in ``MODEL_LOSS`` of a loss too large to expand.
    network: Any = None
    template: Any = None
    scalar: bool = True


def describe_value(value: object) -> str:
    """A short ``type value`` text for messages about what was found."""
    return f"{type(value).__name__} {reprlib.repr(value)}"


def _prefix(where: str) -> str:
    return f"{where}: " if where else ""


def exact(value: object, field: str, where: str = "") -> sympy.Rational:
    """An exact rational from TOML: int, finite float (as printed), or ``"p/q"``/decimal.

    Floats are taken as the decimal they print as (``0.1`` is 1/10), as in function
    texts, so a model and a hand-written formula agree.  Bools are refused: TOML
    ``true`` is never a number.  ``where`` locates the value within the field
    (``point 3, input 2``).
    """
    try:
        number = parse_number(value)
    except ExpressionError as exc:
        raise ModelError(f"{_prefix(where)}{exc}", field=field) from None
    return sympy.Rational(number.numerator, number.denominator)


def integer(
    value: object,
    field: str,
    low: int,
    high: int,
    what: str = "an integer",
    where: str = "",
) -> int:
    """A TOML integer in ``[low, high]`` (no bools, no floats, no strings)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ModelError(
            f"{_prefix(where)}expected {what}, found {describe_value(value)}", field=field
        )
    if not low <= value <= high:
        raise ModelError(
            f"{_prefix(where)}expected {what} from {low} to {high}, found {reprlib.repr(value)}",
            field=field,
        )
    return value


def check_limit(count: int, limit: int, field: str, what: str) -> None:
    """Refuse absurd sizes with the count and the limit in the message."""
    if count > limit:
        raise ModelError(f"too many {what}: {count} (the limit is {limit})", field=field)


def check_widths(sizes: Iterable[int], limit: int, field: str, what: str = "layer sizes") -> None:
    """Every size in ``[1, limit]``, worded as :func:`integer` words it.

    The scalar path calls it with SCALAR_WIDTH once it knows it expands the loss, so a
    scalar model keeps today's message (``expected layer sizes from 1 to 1024``) while a
    structured one is read with STRUCTURED_WIDTH.
    """
    for size in sizes:
        if not 1 <= size <= limit:
            raise ModelError(f"expected {what} from 1 to {limit}, found {size}", field=field)


def check_scalar_sizes(parameters: int, terms: int, field: str) -> None:
    """The scalar limits (as ``_build.check_sizes`` applies them today)."""
    check_limit(parameters, SCALAR_PARAMETERS, field, "trainable parameters")
    check_limit(terms, MAX_TERMS, field, "expression terms (estimated)")


def check_structured_parameters(parameters: int, field: str) -> None:
    """The structured limit on trainable parameters (memory, not SymPy)."""
    check_limit(parameters, STRUCTURED_PARAMETERS, field, "trainable parameters")


def sequence(value: object, field: str, what: str) -> Sequence[Any]:
    """A TOML array (a list or tuple, never a string or a table)."""
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise ModelError(f"expected {what}, found {describe_value(value)}", field=field)
    return value


class _Missing:
    """Marks an option without a default (required)."""


_REQUIRED: Final = _Missing()


class Table:
    """A validated view of one TOML table (``model`` or ``data``) with typed getters.

    Unknown keys are refused up front: a typo must not silently change a model.
    """

    def __init__(
        self,
        value: object,
        name: str,
        allowed: Collection[str],
        *,
        context: str = "",
    ) -> None:
        if not isinstance(value, Mapping):
            raise ModelError(f"expected a table, found {describe_value(value)}", field=name)
        self.name = name
        self.values: Mapping[str, Any] = value
        for key in value:
            if not isinstance(key, str):
                raise ModelError(f"keys must be strings, found {describe_value(key)}", field=name)
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                where = f" {context}" if context else ""
                raise ModelError(
                    f"unknown key {key!r}{where}; the known keys are {known}",
                    field=self.field(key),
                )

    def field(self, key: str) -> str:
        """The dotted name of ``key`` for messages (``model.layers``)."""
        return f"{self.name}.{key}"

    def __contains__(self, key: str) -> bool:
        return key in self.values

    def required(self, key: str, why: str = "") -> Any:
        """The raw value of a required key."""
        if key not in self.values:
            suffix = f": {why}" if why else ""
            raise ModelError(f"missing{suffix}", field=self.field(key))
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        """The raw value of an optional key."""
        return self.values.get(key, default)

    def integer(self, key: str, low: int, high: int, default: int | _Missing = _REQUIRED) -> int:
        if key not in self.values and not isinstance(default, _Missing):
            return default
        return integer(self.required(key), self.field(key), low, high)

    def boolean(self, key: str, default: bool) -> bool:
        value = self.values.get(key, default)
        if not isinstance(value, bool):
            raise ModelError(
                f"expected true or false, found {describe_value(value)}", field=self.field(key)
            )
        return value

    def choice(self, key: str, options: Iterable[str], default: str | None = None) -> str:
        """One of ``options``; ``default`` None makes the key required."""
        options = tuple(options)
        value = self.values.get(key, default) if default is not None else self.required(key)
        return choose(value, options, self.field(key))

    def nonnegative(self, key: str) -> sympy.Rational:
        """An exact number >= 0, zero when absent (weight decay)."""
        if key not in self.values:
            return sympy.S.Zero
        value = exact(self.values[key], self.field(key))
        if value < 0:
            raise ModelError(f"expected a number >= 0, found {value}", field=self.field(key))
        return value


def choose(value: object, options: Sequence[str], field: str) -> str:
    """``value`` must be one of the strings ``options``."""
    listed = ", ".join(repr(option) for option in options)
    if not isinstance(value, str):
        raise ModelError(f"expected one of {listed}, found {describe_value(value)}", field=field)
    if value not in options:
        raise ModelError(f"expected one of {listed}, found {reprlib.repr(value)}", field=field)
    return value
