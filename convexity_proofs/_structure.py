"""A model's loss as structure, not as one scalar expression: the data, the layout of the
parameters, the network and the per-row template.

A logistic regression on 100,000 rows is a sum of 100,000 copies of one template; a
784-128-10 network is two matrix products and an activation.  Expanding either into
one SymPy expression costs minutes and proves nothing more.  The values here let the
engine prove a sum once (:class:`TemplateStructure`: the template with the data as
parameters ranging over an enclosure of the rows) and refute by evaluating the
network (:class:`NetworkStructure`, floats to search, Arb balls to certify).

Everything is immutable; arrays are read-only NumPy arrays.  The exact numbers a
claim names are kept exactly where they are known (inline data) and otherwise
enclosed: a decimal read from a file is the float nearest to it, within ``radius``.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Final

import numpy as np
import sympy

__all__ = [
    "MODEL_LOSS",
    "SCALAR_TERMS",
    "Block",
    "ColumnBlocks",
    "ModelClaim",
    "NetworkStructure",
    "NumericData",
    "ParameterLayout",
    "ParameterVector",
    "TemplateStructure",
]

SCALAR_TERMS: Final = 4_000
"""A model claim with numeric data whose loss would have more terms than this (the
builders' estimate) is decided from its structure; smaller ones are expanded into one
scalar expression, as before, and every strategy runs on it."""

MODEL_LOSS: Final = sympy.Symbol("_model_loss", real=True)
"""The judged function of a structured claim: it stands for the model's loss, which is
defined by the claim's model and data tables (re-read by the checker).  The safe
parser refuses names that start with ``_``, so no claim text can write it."""


def _readonly(array: np.ndarray) -> np.ndarray:
    array = np.ascontiguousarray(array)
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class NumericData:
    """Rows of numbers, as floats for the searches, with what makes them exact.

    ``values[i, j]`` is the float nearest to the number written; the number itself is
    within ``radius[i, j]`` of it (``radius`` None: every float is the number exactly).
    ``fractions``, when the exact rationals are known (inline data), holds them row by
    row.  ``columns`` names the columns (file headers, or ``x1``, ... for inline data);
    ``source`` is ``"inline"`` or the file as the claim names it; ``digest`` a SHA-256
    over the shape, the values, the radii and the exact numbers, so a certificate can
    say which data it is about.
    """

    values: np.ndarray
    radius: np.ndarray | None
    fractions: tuple[tuple[Fraction, ...], ...] | None
    columns: tuple[str, ...]
    source: str
    digest: str = field(default="")

    def __post_init__(self) -> None:
        values = _readonly(np.asarray(self.values, dtype=np.float64))
        if values.ndim != 2:
            raise ValueError(f"NumericData: expected a 2-D array, found shape {values.shape}")
        object.__setattr__(self, "values", values)
        if self.radius is not None:
            radius = _readonly(np.asarray(self.radius, dtype=np.float64))
            if radius.shape != values.shape:
                raise ValueError("NumericData: radius and values differ in shape")
            object.__setattr__(self, "radius", radius)
        if len(self.columns) != values.shape[1]:
            raise ValueError("NumericData: one column name per column")
        if not self.digest:
            object.__setattr__(self, "digest", self._compute_digest())

    @classmethod
    def rounded(
        cls,
        values: np.ndarray,
        exact: np.ndarray | None,
        columns: tuple[str, ...],
        source: str,
    ) -> NumericData:
        """Decimals read as the floats nearest them: exact where ``exact`` says so (and
        the float is an integer below 2**53), elsewhere within the rounding radius
        (:func:`rounding_radius`).  The radius is computed when first read, and travels
        to the worker processes as a bit mask."""
        values = _readonly(np.asarray(values, dtype=np.float64))
        inexact = np.ones(values.shape, dtype=bool) if exact is None else ~np.asarray(exact)
        if exact is not None:
            inexact |= ~(np.abs(values) < 2.0**53)
        if not inexact.any():
            return cls(values, None, None, columns, source)
        return _lazy_numeric(values, np.packbits(inexact), columns, source, "", None)

    def __getattr__(self, name: str) -> object:
        # Only for attributes not set: the radius of rounded data, made on first use.
        if name == "radius" and "_inexact" in self.__dict__:
            values = self.__dict__["values"]
            mask = np.unpackbits(self.__dict__["_inexact"], count=values.size)
            radius = np.where(mask.reshape(values.shape).astype(bool), rounding_radius(values), 0.0)
            radius = _readonly(radius)
            object.__setattr__(self, "radius", radius)
            return radius
        raise AttributeError(name)

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        """Pickled for the worker processes: a radius that is the decimal rounding bound
        of its values (what the file reader gives) travels as a bit mask, which halves
        what a large data set costs to send; the receiver recomputes it exactly."""
        bounds = self.__dict__.get("_bounds")
        if "_inexact" in self.__dict__:
            state = (self.values, self._inexact, self.columns, self.source, self.digest, bounds)
            return (_lazy_numeric, state)
        radius, mask = self.radius, None
        if radius is not None:
            rounded = radius != 0
            if np.array_equal(np.where(rounded, rounding_radius(self.values), 0.0), radius):
                radius, mask = None, np.packbits(rounded)
        state = (self.values, radius, mask, self.fractions, self.columns, self.source)
        return (_restore_numeric, (*state, self.digest, self.__dict__.get("_bounds")))

    @classmethod
    def exact(
        cls, rows: tuple[tuple[Fraction, ...], ...], columns: tuple[str, ...], source: str
    ) -> NumericData:
        """Data whose exact rationals are known (inline data)."""
        width = len(columns)
        try:
            floats = [[float(q) for q in row] for row in rows]
        except OverflowError:
            raise ValueError(
                "beyond the float range: a number of the data is too large for a float, "
                "so the data cannot be evaluated as a computation"
            ) from None
        values = np.array(floats, dtype=np.float64).reshape(len(rows), width)
        radius = None
        if any(
            Fraction(v) != q
            for row, vrow in zip(rows, values, strict=True)
            for q, v in zip(row, vrow, strict=True)
        ):
            radius = rounding_radius(values)
        return cls(values, radius, rows, columns, source)

    @property
    def shape(self) -> tuple[int, int]:
        return self.values.shape  # type: ignore[return-value]

    def _compute_digest(self) -> str:
        h = hashlib.sha256()
        h.update(repr(self.values.shape).encode())
        if "_inexact" in self.__dict__:  # rounded decimals: the mask says where
            h.update(memoryview(self.values))
            h.update(b"rounded")
            h.update(memoryview(self.__dict__["_inexact"]))
            return h.hexdigest()
        h.update(memoryview(self.values))  # C-contiguous: hashed without a copy
        if self.radius is not None:
            h.update(b"radius")
            h.update(memoryview(self.radius))
        if self.fractions is not None:
            h.update(b"exact")
            for row in self.fractions:
                h.update(",".join(f"{q.numerator}/{q.denominator}" for q in row).encode())
                h.update(b";")
        return h.hexdigest()

    def column_bounds(self) -> tuple[tuple[Fraction, Fraction], ...]:
        """Per column, exact rationals lo <= every number written <= hi (rigorous).

        Computed once (one vectorised pass over the rows) and kept."""
        cached = self.__dict__.get("_bounds")
        if cached is None:
            cached = self._column_bounds()
            object.__setattr__(self, "_bounds", cached)
        return cached  # type: ignore[no-any-return]

    def _column_bounds(self) -> tuple[tuple[Fraction, Fraction], ...]:
        if self.fractions is not None:
            columns = list(zip(*self.fractions, strict=True)) or [()] * self.shape[1]
            return tuple((min(c), max(c)) for c in columns)
        if self.shape[0] == 0:
            raise ValueError("NumericData: no rows, so no bounds")
        if self.radius is None:
            lows, highs = self.values.min(axis=0), self.values.max(axis=0)
        else:
            # value - radius rounds to nearest; one step further down (up) covers that
            # rounding, so each bound holds for the exact decimal written.
            with np.errstate(over="ignore"):
                lows = np.nextafter((self.values - self.radius).min(axis=0), -np.inf)
                highs = np.nextafter((self.values + self.radius).max(axis=0), np.inf)
        bounds = []
        for j, (lo, hi) in enumerate(zip(lows.tolist(), highs.tolist(), strict=True)):
            if math.isfinite(lo) and math.isfinite(hi):
                bounds.append((Fraction(lo), Fraction(hi)))
            else:  # at the end of the float range: the exact ends, row by row
                bounds.append(self._exact_bounds(j))
        return tuple(bounds)

    def _exact_bounds(self, j: int) -> tuple[Fraction, Fraction]:
        column = self.values[:, j].tolist()
        radius = [0.0] * len(column) if self.radius is None else self.radius[:, j].tolist()
        lows = [Fraction(v) - Fraction(r) for v, r in zip(column, radius, strict=True)]
        highs = [Fraction(v) + Fraction(r) for v, r in zip(column, radius, strict=True)]
        return min(lows), max(highs)


def rounding_radius(values: np.ndarray) -> np.ndarray:
    """A bound on |decimal − float(decimal)| for every float in ``values``: half an ulp
    is at most |v|·2**-53 for normal numbers, plus 2**-1074 for subnormals."""
    return np.abs(values) * 2.0**-53 + 2.0**-1074


def _lazy_numeric(
    values: np.ndarray,
    inexact: np.ndarray,
    columns: tuple[str, ...],
    source: str,
    digest: str,
    bounds: object,
) -> NumericData:
    """Rounded data whose radius is made on first use (see NumericData.rounded)."""
    data = object.__new__(NumericData)
    for name, value in (
        ("values", _readonly(np.asarray(values, dtype=np.float64))),
        ("fractions", None),
        ("columns", tuple(columns)),
        ("source", source),
        ("_inexact", inexact),
    ):
        object.__setattr__(data, name, value)
    if len(data.columns) != data.values.shape[1] or data.values.ndim != 2:
        raise ValueError("NumericData: one column name per column of a 2-D array")
    object.__setattr__(data, "digest", digest or data._compute_digest())
    if bounds is not None:
        object.__setattr__(data, "_bounds", bounds)
    return data


def _restore_numeric(
    values: np.ndarray,
    radius: np.ndarray | None,
    mask: np.ndarray | None,
    fractions: tuple[tuple[Fraction, ...], ...] | None,
    columns: tuple[str, ...],
    source: str,
    digest: str,
    bounds: object,
) -> NumericData:
    if mask is not None:
        rounded = np.unpackbits(mask, count=values.size).reshape(values.shape).astype(bool)
        radius = np.where(rounded, rounding_radius(values), 0.0)
    data = NumericData(values, radius, fractions, columns, source, digest)
    if bounds is not None:
        object.__setattr__(data, "_bounds", bounds)
    return data


@dataclass(frozen=True, eq=False)
class ColumnBlocks:
    """Several NumericData side by side (same rows), without copying them: a template's
    data are the inputs and the targets, which the network holds already.  Offers what
    a template proof reads: ``shape``, ``columns``, ``column_bounds()`` and a ``digest``
    (over the parts' digests)."""

    parts: tuple[NumericData, ...]
    digest: str = field(default="")

    def __post_init__(self) -> None:
        rows = {part.shape[0] for part in self.parts}
        if len(rows) != 1:
            raise ValueError("ColumnBlocks: every part must have the same rows")
        if not self.digest:
            h = hashlib.sha256(b"blocks")
            for part in self.parts:
                h.update(part.digest.encode())
            object.__setattr__(self, "digest", h.hexdigest())

    @property
    def shape(self) -> tuple[int, int]:
        return (self.parts[0].shape[0], sum(part.shape[1] for part in self.parts))

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(name for part in self.parts for name in part.columns)

    @property
    def source(self) -> str:
        return ", ".join(dict.fromkeys(part.source for part in self.parts))

    def column_bounds(self) -> tuple[tuple[Fraction, Fraction], ...]:
        return tuple(bound for part in self.parts for bound in part.column_bounds())


@dataclass(frozen=True, slots=True)
class ParameterVector:
    """An exact point of the parameter space: ``numerators / 2**exponent``.

    Dyadic rationals with numerators below 2**53 are exact both as floats and as Arb
    balls, so the search and the certificate read the same point without rounding.
    """

    numerators: np.ndarray  # int64, one per layout parameter, read-only
    exponent: int

    def __post_init__(self) -> None:
        nums = np.asarray(self.numerators, dtype=np.int64)
        if nums.ndim != 1:
            raise ValueError("ParameterVector: expected a 1-D array of numerators")
        if nums.size and int(np.max(np.abs(nums))) >= 2**53:
            raise ValueError("ParameterVector: numerators must be below 2**53")
        if not 0 <= self.exponent <= 1000:
            raise ValueError("ParameterVector: exponent out of range")
        object.__setattr__(self, "numerators", _readonly(nums))

    def floats(self) -> np.ndarray:
        """The point as float64, exactly."""
        return self.numerators.astype(np.float64) * 2.0**-self.exponent

    def value(self, index: int) -> Fraction:
        return Fraction(int(self.numerators[index]), 2**self.exponent)

    def to_json(self) -> dict[str, object]:
        return {"exponent": self.exponent, "numerators": [int(n) for n in self.numerators]}

    @classmethod
    def from_json(cls, data: object, size: int | None = None) -> ParameterVector:
        if not isinstance(data, Mapping):
            raise ValueError("a parameter vector is an object {exponent, numerators}")
        exponent, numerators = data.get("exponent"), data.get("numerators")
        if isinstance(exponent, bool) or not isinstance(exponent, int):
            raise ValueError("parameter vector: exponent must be an integer")
        if not isinstance(numerators, list) or (size is not None and len(numerators) != size):
            raise ValueError(f"parameter vector: expected a list of {size or 'the'} numerators")
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in numerators):
            raise ValueError("parameter vector: numerators must be integers")
        if any(abs(n) >= 2**53 for n in numerators):
            raise ValueError("parameter vector: numerators must be below 2**53")
        return cls(np.array(numerators, dtype=np.int64), exponent)


@dataclass(frozen=True, slots=True)
class Block:
    """One weight matrix or bias vector of the layout, stored row-major at ``offset``.

    ``pattern`` formats a parameter's name from its 1-based row ``j`` and column ``k``
    (``"w1_{j}_{k}"``, ``"b1_{j}"``, ``"w{k}"``, ``"b"``).
    """

    layer: int  # 1-based weight layer
    kind: str  # "weights" (rows × columns) or "biases" (rows × 1)
    rows: int
    columns: int
    offset: int
    pattern: str

    @property
    def size(self) -> int:
        return self.rows * self.columns

    def name(self, position: int) -> str:
        j, k = divmod(position, self.columns)
        return self.pattern.format(j=j + 1, k=k + 1)


@dataclass(frozen=True, eq=False)
class ParameterLayout:
    """Every trainable parameter of a model, in one flat vector.

    The order is the scalar builders' ``all`` group: layer by layer, the weights row by
    row, then the biases.  ``groups`` maps each parameter group of the model (``all``,
    ``layer1``, ``weights``, ...) to its sorted layout indices.
    """

    blocks: tuple[Block, ...]
    groups: Mapping[str, np.ndarray]

    @property
    def size(self) -> int:
        return sum(block.size for block in self.blocks)

    def block(self, layer: int, kind: str) -> Block | None:
        for block in self.blocks:
            if block.layer == layer and block.kind == kind:
                return block
        return None

    def name(self, index: int) -> str:
        for block in self.blocks:
            if block.offset <= index < block.offset + block.size:
                return block.name(index - block.offset)
        raise IndexError(index)

    def names(self, indices: np.ndarray | range | list[int]) -> list[str]:
        return [self.name(int(i)) for i in indices]

    def index_of(self) -> dict[str, int]:
        """Name -> index for every parameter (built on demand: it costs one pass)."""
        return {self.name(i): i for i in range(self.size)}

    def matrix(self, vector: np.ndarray, layer: int) -> np.ndarray:
        """Layer ``layer``'s weights as a (rows, columns) view of ``vector``."""
        block = self.block(layer, "weights")
        assert block is not None
        return vector[block.offset : block.offset + block.size].reshape(block.rows, block.columns)

    def bias(self, vector: np.ndarray, layer: int) -> np.ndarray | None:
        block = self.block(layer, "biases")
        if block is None:
            return None
        return vector[block.offset : block.offset + block.size]


@dataclass(frozen=True, eq=False)
class NetworkStructure:
    """A model as a computation: ``layers = (d_in, h1, ..., d_out)``, one activation per
    hidden layer, the head and the loss of :mod:`convexity_proofs.models._losses`.

    Per data row x with target y: a_0 = x, z_L = W_L a_{L-1} + b_L, a_L = act_L(z_L)
    for hidden layers, z the last pre-activation; the loss is the row's loss of z and y
    (square: Σ_m (o_m − y_m)² with o = z or sigmoid(z); logistic, labels 0/1:
    softplus(z) − y·z; labels −1/1: softplus(−y·z); hinge: max(0, 1 − y·z);
    cross-entropy: log Σ_c exp(z_c) − z_y), summed over rows, plus l2·Σ w² over every
    weight (not the biases).  A linear, logistic or softmax regression is the network
    ``(d, k)`` with no hidden layer.
    """

    layers: tuple[int, ...]
    activations: tuple[str, ...]
    bias: bool
    loss: str
    head: str
    labels: str
    l2: Fraction
    x: NumericData
    y: NumericData
    layout: ParameterLayout

    @property
    def depth(self) -> int:
        return len(self.layers) - 1

    @property
    def rows(self) -> int:
        return self.x.shape[0]


@dataclass(frozen=True, eq=False)
class TemplateStructure:
    """The loss as Σ_rows template(θ; row) + regulariser(θ).

    ``template`` is a SymPy expression in the model's parameters and ``data_symbols``
    (one per column of ``data``, in order: ``x_1, ..., x_d`` then the target(s));
    row i of ``data`` substituted for them gives row i's loss exactly.
    """

    template: sympy.Expr
    data_symbols: tuple[sympy.Symbol, ...]
    data: NumericData | ColumnBlocks
    regulariser: sympy.Expr
    parameters: tuple[sympy.Symbol, ...]
    """The model's trainable symbols, in layout order."""

    @classmethod
    def deferred(cls, recipe: dict[str, object]) -> TemplateStructure:
        """A template built from the model builder's arguments when a field is first
        read (:func:`convexity_proofs.models._structured.template_of`): the process
        that reads a claim file never builds the SymPy template of a large model, the
        worker that proves it does."""
        structure = object.__new__(cls)
        object.__setattr__(structure, "_recipe", recipe)
        return structure

    def __getattr__(self, name: str) -> object:
        # Only for fields not set yet: a deferred template, built on first use.
        recipe = self.__dict__.get("_recipe")
        if recipe is None or name not in _TEMPLATE_FIELDS or name in self.__dict__:
            raise AttributeError(name)
        built = _rebuilt_template(recipe)
        for field_name in _TEMPLATE_FIELDS:
            object.__setattr__(self, field_name, built.__dict__[field_name])
        return self.__dict__[name]

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        # Unpickling SymPy expressions re-evaluates them (assumption queries: about
        # 0.6 s for a 100-feature template); a template built by a model builder is
        # sent as the builder's arguments and built again where it is needed.
        recipe = self.__dict__.get("_recipe")
        if recipe is not None:
            return (TemplateStructure.deferred, (recipe,))
        fields = (self.template, self.data_symbols, self.data, self.regulariser, self.parameters)
        return (TemplateStructure, fields)


_TEMPLATE_FIELDS: Final = ("template", "data_symbols", "data", "regulariser", "parameters")


def _rebuilt_template(recipe: dict[str, object]) -> TemplateStructure:
    from sympy.core.parameters import evaluate

    from convexity_proofs.models._structured import template_of

    # The worker pipes unpickle with SymPy's evaluation off (trees come back exactly
    # as pickled); the builder builds with it on, as it did when the claim was read.
    with evaluate(True):
        return template_of(**recipe)  # type: ignore[arg-type]


@dataclass(frozen=True, eq=False)
class ModelClaim:
    """What a model claim is about, beyond (or instead of) its scalar expression.

    ``scalar`` is True when the claim's ``function`` is the whole loss as one SymPy
    expression (small models, symbolic data); otherwise the function is
    :data:`MODEL_LOSS`, the claim's ``variables`` are empty, and the variables are
    ``selected`` (sorted layout indices) with ``selected_names`` as the claim wrote
    them.  The other layout parameters are the claim's parameters.
    """

    kind: str
    description: str
    network: NetworkStructure | None
    template: TemplateStructure | None
    selected: np.ndarray
    selected_names: tuple[str, ...]
    scalar: bool
    #: For a scalar claim: the loss as one expression (the claim's function), so that a
    #: question about a derived function (log f, f − m/2·|x|²) is told apart.
    function: sympy.Expr | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "selected", _readonly(np.asarray(self.selected, np.int64)))

    @property
    def layout(self) -> ParameterLayout | None:
        return self.network.layout if self.network is not None else None
