"""The names a vector-notation text may index: shaped symbol arrays and constant data.

A :class:`Space` is what the claim declares (``shapes = { w = 3 }``, ``data = { X =
[[1, 2], ...] }``).  It is checked once when made, so the expander can trust it: shapes
are tuples of positive integers, data are object arrays of exact Fractions (the scalar
tree folds them exactly, so a float here would be a silent rounding), and no name is
both a symbol array and data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Final

import numpy as np

from convexity_proofs._scalar_ast import entry_name
from convexity_proofs._vector import ops
from convexity_proofs.errors import ExpressionError

__all__ = ["MAX_RANK", "Space"]

MAX_RANK: Final = 3
_NAME_RE: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Space:
    """Shaped symbol names (``w -> (3,)``, ``W -> (2, 3)``) and constant data arrays
    (object arrays of Fraction; 0-d for a scalar datum) of one claim's texts."""

    shapes: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    data: Mapping[str, np.ndarray] = field(default_factory=dict)
    _tensors: dict[str, ops.Tensor] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        shapes = {name: _checked_shape(name, shape) for name, shape in self.shapes.items()}
        data = {name: _checked_data(name, values) for name, values in self.data.items()}
        both = sorted(set(shapes) & set(data))
        if both:
            raise ExpressionError(
                f"{both[0]} is both a shaped symbol and data; a name is one or the other"
            )
        object.__setattr__(self, "shapes", shapes)
        object.__setattr__(self, "data", data)

    def __bool__(self) -> bool:
        return bool(self.shapes or self.data)

    def entries(self, name: str) -> tuple[str, ...]:
        """The entry symbol names of a shaped name, in C order (``w[0]``, ``w[1]``...);
        a rank-0 shape is the plain name itself."""
        shape = self.shapes[name]
        if not shape:
            return (name,)
        return tuple(entry_name(name, index) for index in np.ndindex(*shape))

    def tensor(self, name: str) -> ops.Tensor | None:
        """The tensor a shaped or data name stands for (made once, then shared: its
        leaves are never modified), or None for any other name."""
        cached = self._tensors.get(name)
        if cached is not None:
            return cached
        if name in self.shapes:
            made = ops.variable(name, self.shapes[name])
        elif name in self.data:
            made = ops.data(self.data[name])
        else:
            return None
        made.flags.writeable = False
        self._tensors[name] = made
        return made


def _checked_shape(name: str, shape: object) -> tuple[int, ...]:
    _check_name(name)
    if isinstance(shape, int) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, tuple | list) or len(shape) > MAX_RANK:
        raise ExpressionError(
            f"the shape of {name} must be a tuple of at most {MAX_RANK} positive integers, "
            f"found {shape!r}"
        )
    for size in shape:
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ExpressionError(
                f"the shape of {name} must be positive integers, found {tuple(shape)!r}"
            )
    result = tuple(int(size) for size in shape)
    total = int(np.prod(result, dtype=object)) if result else 1
    if total > ops.MAX_ENTRIES:
        raise ExpressionError(f"{name} would have {total} entries (the limit is {ops.MAX_ENTRIES})")
    return result


def _checked_data(name: str, values: object) -> np.ndarray:
    _check_name(name)
    array = np.asarray(values, dtype=object)
    if array.ndim > MAX_RANK:
        raise ExpressionError(f"data {name} has {array.ndim} dimensions (at most {MAX_RANK})")
    if array.size > ops.MAX_ENTRIES:
        raise ExpressionError(
            f"data {name} has {array.size} entries (the limit is {ops.MAX_ENTRIES})"
        )
    out = np.empty(array.shape, dtype=object)
    flat_in = array.ravel().tolist()
    converted: list[Fraction] = []
    for value in flat_in:
        if isinstance(value, bool) or not isinstance(value, int | Fraction):
            raise ExpressionError(
                f"data {name} must hold exact numbers (int or Fraction), found "
                f"{type(value).__name__}"
            )
        converted.append(Fraction(value))
    out.reshape(-1)[:] = converted
    out.flags.writeable = False
    return out


def _check_name(name: object) -> None:
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name):
        raise ExpressionError(
            f"{name!r} is not a name: a name starts with a letter and contains only "
            "letters, digits and '_'"
        )
