"""Vector notation in claim files: ``shapes``, and names that stand for entries.

A claim may declare shaped symbols and give named data::

    shapes = { w = 3, W = [2, 3] }        # w[0], w[1], w[2]; W[0,0] ... W[1,2]
    data = { X = [[1, 2, 0], [0, 1, -1]], y = [1, -1] }
    variables = ["w", "b"]                # every entry of w, and the scalar b
    domain = { w = "positive", "w[0]" = [0, 1] }

- ``shapes``: a positive integer (a vector) or a list of 1 to 3 positive integers per
  name; at most :data:`~convexity_proofs._claimfile.MAX_SYMBOLS` entries in all.  A
  name may not be both shaped and data.
- ``variables``: a shaped name means *all* its entries, in C order, also those the
  function does not mention (whether ``w[0]**2`` is strictly convex depends on whether
  ``w[1]`` is a variable); ``"w[0]"`` (or ``"W[1, 2]"``, negative indices as in
  Python) one entry; a data name is refused (data are constants).  Entries not listed
  are parameters.
- ``domain`` (and ``substitution``/``along`` keys): a shaped name gives every entry of
  it the domain, an entry key (written as in ``variables``) overrides that.

Entry names are normalised to the symbol names (``W[1,2]``: 0-based, no spaces).
Every refusal is a :class:`~convexity_proofs.models._base.ModelError` naming its field
(``shapes.w``, ``variables``, ``domain.w[0]``), which the claim reader turns into a
located claim error.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import sympy

from convexity_proofs._parser import PARSE_CPU_SECONDS, ParsedFunction, make_symbol, parse_function
from convexity_proofs._scalar_ast import entry_name, parse_entry_name
from convexity_proofs._vector.data import MAX_RANK, FunctionData, check_name
from convexity_proofs.models._base import ModelError, describe_value

__all__ = [
    "VectorClaim",
    "check_disjoint",
    "check_shapes_used",
    "check_used",
    "data_shapes",
    "entries_of",
    "expand_domain_keys",
    "expand_variables",
    "normal_keys",
    "read_shapes",
    "sorted_symbols",
]

_LISTED: Final = 20
"""Names listed in a message about the claim's symbols."""


def _string_keys(raw: Mapping[Any, Any], field: str) -> None:
    """Keys of a table built in Python may be anything; TOML's are strings."""
    for key in raw:
        if not isinstance(key, str):
            raise ModelError(f"keys must be strings, found {describe_value(key)}", field=field)


def read_shapes(raw: object, *, max_entries: int) -> dict[str, tuple[int, ...]]:
    """``shapes = { w = 3, W = [2, 3] }``: each name's shape, at most ``max_entries``
    entries in all."""
    if not isinstance(raw, Mapping):
        raise ModelError(
            f"expected a table of name = size, such as {{ w = 3, W = [2, 3] }}, found "
            f"{describe_value(raw)}",
            field="shapes",
        )
    if not raw:
        raise ModelError("expected at least one shaped name, found an empty table", field="shapes")
    _string_keys(raw, "shapes")
    shapes: dict[str, tuple[int, ...]] = {}
    total = 0
    for name in sorted(raw):
        field = f"shapes.{name}"
        check_name(name, field, "shaped name")
        value = raw[name]
        sizes = value if isinstance(value, list) else [value]
        if not 1 <= len(sizes) <= MAX_RANK:
            raise ModelError(
                f"expected a size (w = 3) or a list of 1 to {MAX_RANK} sizes (W = [2, 3]), "
                f"found {describe_value(value)}",
                field=field,
            )
        for size in sizes:
            if isinstance(size, bool) or not isinstance(size, int) or size < 1:
                raise ModelError(
                    f"expected sizes that are positive integers, found {describe_value(size)}",
                    field=field,
                )
        count = math.prod(sizes)
        total += count
        if total > max_entries:
            so_far = "" if count == total else f" ({total} with the names before it)"
            raise ModelError(
                f"too many entries: {name} has {count}{so_far}; a claim has at most "
                f"{max_entries} symbols",
                field=field,
            )
        shapes[name] = tuple(sizes)
    return shapes


def entries_of(name: str, shape: tuple[int, ...]) -> list[str]:
    """The entry names of a shaped name, in C order (``w[0]``, ``w[1]``, ...)."""
    return [entry_name(name, index) for index in itertools.product(*map(range, shape))]


def _shape_text(shape: tuple[int, ...]) -> str:
    return f"({shape[0]},)" if len(shape) == 1 else f"({', '.join(map(str, shape))})"


@dataclass(frozen=True)
class VectorClaim:
    """The shapes and data of one function claim, and what reading its keys needs."""

    shapes: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    data: FunctionData = field(default_factory=lambda: FunctionData({}))

    @property
    def plain(self) -> bool:
        """No shapes and no data: every key is read as before vector notation."""
        return not self.shapes and not self.data.arrays

    @functools.cached_property
    def space(self) -> Any:
        """The :class:`convexity_proofs._vector.Space` of the claim's texts."""
        from convexity_proofs._vector import Space

        return Space(shapes=dict(self.shapes), data=dict(self.data.arrays))

    def parse(
        self,
        text: str,
        *,
        max_cpu_seconds: float | None = PARSE_CPU_SECONDS,
        bindings: Mapping[str, sympy.Expr] | None = None,
        declared: Collection[str] = (),
    ) -> ParsedFunction:
        """A text of the claim (function, substitution, along), in vector notation when
        it needs it; a scalar text with no shapes or data is parsed as it always was.
        ``declared``: names the claim lists itself (see parse_function)."""
        from convexity_proofs._vector import needs_expansion, parse_vector_function

        if not needs_expansion(text, self.space):
            return parse_function(
                text, max_cpu_seconds=max_cpu_seconds, bindings=bindings, declared=declared
            )
        return parse_vector_function(
            text,
            self.space,
            max_cpu_seconds=max_cpu_seconds,
            bindings=bindings,
            declared=declared,
        )

    # ------------------------------------------------------------------- names

    def entry(self, key: str, field: str) -> str | None:
        """The symbol name of an entry key (``"W[1, 2]"`` -> ``W[1,2]``, ``"w[-1]"`` ->
        ``w[2]``), or None when ``key`` is a plain name."""
        parsed = parse_entry_name(key)
        if parsed is None:
            if "[" in key:
                raise ModelError(
                    f"{key!r} is not an entry name: write w[0] or W[1, 2] (integer indices)",
                    field=field,
                )
            return None
        base, index = parsed
        if base in self.data.arrays:
            raise ModelError(
                f"{base!r} is data: its entries are constants, not symbols", field=field
            )
        if base not in self.shapes:
            raise ModelError(
                f"{base!r} has no shape: declare it, e.g. shapes = {{ {base} = 3 }}", field=field
            )
        shape = self.shapes[base]
        if len(index) != len(shape):
            example = entry_name(base, [0] * len(shape)).replace(",", ", ")
            raise ModelError(
                f"{key!r}: {base} has shape {_shape_text(shape)}, so an entry has "
                f"{len(shape)} ind{'ex' if len(shape) == 1 else 'ices'} ({example})",
                field=field,
            )
        resolved = []
        for i, n in zip(index, shape, strict=True):
            if not -n <= i < n:
                raise ModelError(
                    f"index {i} is out of range for {base} of shape {_shape_text(shape)} "
                    f"(valid: 0..{n - 1} or -{n}..-1)",
                    field=field,
                )
            resolved.append(i % n)
        return entry_name(base, resolved)

    def names(self, key: str, field: str) -> list[str] | None:
        """The symbol names a key of variables/domain stands for: every entry of a shaped
        name, the one entry of an entry key, None for a plain (scalar) name; a data
        name is refused."""
        if key in self.data.arrays:
            raise ModelError(
                f"{key!r} is data (a constant of the function), not a symbol", field=field
            )
        if key in self.shapes:
            return entries_of(key, self.shapes[key])
        one = self.entry(key, field)
        return None if one is None else [one]

    def known(self, symbols: Iterable[sympy.Symbol]) -> str:
        """The claim's symbols for a message: scalars by name, shaped names with their
        shape (not 1,000 entries one by one)."""
        scalars = []
        for s in symbols:
            parsed = parse_entry_name(s.name)
            if parsed is None or parsed[0] not in self.shapes:
                scalars.append(s.name)
        shaped = [f"{name} {_shape_text(shape)}" for name, shape in self.shapes.items()]
        listed = scalars[:_LISTED] + (["..."] if len(scalars) > _LISTED else []) + shaped
        return ", ".join(listed) or "none"


def expand_variables(
    claim: VectorClaim,
    raw: object,
    by_name: Mapping[str, sympy.Symbol],
    *,
    replaced: Mapping[str, str] | None = None,
) -> tuple[tuple[sympy.Symbol, ...], list[sympy.Symbol]]:
    """``variables`` of a claim with shapes or data: the variables, in the order listed
    (a shaped name's entries in C order), and the entries among them that the function
    does not mention (new symbols of the claim).  ``replaced`` maps the names an
    ``along`` replaces to their field."""
    replaced = replaced or {}
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise ModelError(
            f'expected a list of names (["w", "b"], "w[0]"), found {describe_value(raw)}',
            field="variables",
        )
    if not raw:
        raise ModelError("expected at least one variable, found an empty list", field="variables")
    result: list[sympy.Symbol] = []
    added: list[sympy.Symbol] = []
    chosen: dict[sympy.Symbol, str] = {}
    for key in raw:
        names = claim.names(key, "variables")
        if names is None:
            if key not in by_name:
                raise ModelError(
                    f"{key!r} does not occur in the function (its symbols: "
                    f"{claim.known(by_name.values())})",
                    field="variables",
                )
            names = [key]
        for name in names:
            if name in replaced:
                raise ModelError(
                    f"{name!r} is replaced by {replaced[name]}: it is no variable of the "
                    "slice; list the new variables (or the other entries one by one)",
                    field="variables",
                )
            symbol = by_name[name] if name in by_name else make_symbol(name)
            if symbol in chosen:
                first = chosen[symbol]
                also = "" if first == key else f" ({first!r} already means it)"
                raise ModelError(f"{name!r} is listed twice{also}", field="variables")
            chosen[symbol] = key
            result.append(symbol)
            if name not in by_name:
                added.append(symbol)
    return tuple(result), added


def expand_domain_keys(
    claim: VectorClaim,
    raw: Mapping[str, Any],
    by_name: Mapping[str, sympy.Symbol],
    read: Callable[[str, Any], Any],
) -> dict[str, Any]:
    """``domain`` of a claim with shapes or data: symbol name -> domain.  A shaped
    name's domain goes to each of its entries that is a symbol of the claim; an entry
    key overrides it.  ``read(field, value)`` reads one domain value."""
    _string_keys(raw, "domain")
    shaped: list[tuple[str, list[str]]] = []
    single: list[tuple[str, str]] = []
    for key in sorted(raw):
        field = f"domain.{key}"
        names = claim.names(key, field)
        if names is None:
            if key not in by_name:
                raise ModelError(
                    f"{key!r} does not occur in the function (its symbols: "
                    f"{claim.known(by_name.values())})",
                    field=field,
                )
            single.append((key, key))
        elif key in claim.shapes:
            present = [n for n in names if n in by_name]
            if not present:
                raise ModelError(
                    f"no entry of {key!r} occurs in the function or is a variable", field=field
                )
            shaped.append((key, present))
        else:
            if names[0] not in by_name:
                raise ModelError(
                    f"{names[0]!r} does not occur in the function and is not a variable",
                    field=field,
                )
            single.append((key, names[0]))
    domains: dict[str, Any] = {}
    for key, names in shaped:
        domain = read(f"domain.{key}", raw[key])
        for name in names:
            domains[name] = domain
    seen: dict[str, str] = {}
    for key, name in single:
        if name in seen:
            raise ModelError(
                f"{key!r} names the same entry as {seen[name]!r} ({name})", field=f"domain.{key}"
            )
        seen[name] = key
        domains[name] = read(f"domain.{key}", raw[key])
    return domains


def normal_keys(claim: VectorClaim, raw: Mapping[str, Any], prefix: str) -> dict[str, str]:
    """The keys of a ``substitution``/``along`` table as symbol names (an entry key
    normalised; a shaped name is refused: a key names one scalar or one entry):
    written key -> name."""
    _string_keys(raw, prefix)
    result: dict[str, str] = {}
    seen: dict[str, str] = {}
    for key in sorted(raw):
        field = f"{prefix}.{key}"
        if key in claim.data.arrays:
            raise ModelError(f"{key!r} is data (a constant), not a symbol", field=field)
        if key in claim.shapes:
            example = entry_name(key, [0] * len(claim.shapes[key])).replace(",", ", ")
            raise ModelError(
                f"{key!r} is shaped {_shape_text(claim.shapes[key])}: a key names one entry, "
                f'as in "{example}"',
                field=field,
            )
        name = claim.entry(key, field) or key
        if name in seen:
            raise ModelError(
                f"{key!r} names the same entry as {seen[name]!r} ({name})", field=field
            )
        seen[name] = key
        result[key] = name
    return result


def data_shapes(data: FunctionData) -> dict[str, tuple[int, ...]]:
    """Each datum's shape (for reports)."""
    return {name: tuple(np.shape(array)) for name, array in data.arrays.items()}


def check_disjoint(shapes: Mapping[str, tuple[int, ...]], data: FunctionData) -> None:
    """A name is either shaped (symbols) or data (constants), not both."""
    both = sorted(set(shapes) & set(data.arrays))
    if both:
        raise ModelError(
            f"{both[0]!r} is both in shapes (symbols) and in data (constants); a name is one "
            "or the other",
            field=f"data.{both[0]}",
        )


_MODEL_DATA_KEYS: Final = frozenset({"x", "y", "points", "y_file"})
_WORD_RE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def check_used(data: FunctionData, texts: Iterable[str]) -> None:
    """Every datum is a name of one of the claim's texts (a datum nobody reads is a typo,
    or a model's data table given to a function)."""
    words: set[str] = set()
    for text in texts:
        words.update(_WORD_RE.findall(text))
    for name in data.arrays:
        if name in words:
            continue
        hint = ""
        if name in _MODEL_DATA_KEYS:
            hint = (
                f"; a model's data table ({name} = ...) goes with model = {{...}}: only a "
                "claim with a model takes one"
            )
        raise ModelError(
            f"{name!r} is not used by the function: data are named constants of its text" + hint,
            field=f"data.{name}",
        )


def check_shapes_used(shapes: Mapping[str, tuple[int, ...]], texts: Iterable[str]) -> None:
    """Every shaped name is a name of one of the claim's texts: ``shapes = { W = 3 }``
    over a function of ``w`` would otherwise silently make w a scalar parameter (and
    W's entries variables the function does not involve)."""
    words: set[str] = set()
    for text in texts:
        words.update(_WORD_RE.findall(text))
    for name in shapes:
        if name not in words:
            close = difflib.get_close_matches(name, sorted(words), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ModelError(
                f"{name!r} is not used by the function{hint}: shapes declare the arrays "
                "of symbols its text uses",
                field=f"shapes.{name}",
            )


def sorted_symbols(symbols: Sequence[sympy.Symbol]) -> list[sympy.Symbol]:
    """The claim's symbols in the reader's order (by name)."""
    return sorted(set(symbols), key=lambda s: s.name)
