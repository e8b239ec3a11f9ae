"""Multilayer perceptrons and deep linear networks, and their hidden-unit symmetry.

``layers = [d_in, h1, ..., d_out]``: weight layer L maps layer L-1 to layer L.
Naming (every index 1-based, so reports read like the usual notation):

- ``w{L}_{j}_{k}``: the weight into unit j of layer L from unit k of layer L-1;
- ``b{L}_{j}``: the bias of unit j of layer L.

A one-hidden-layer, one-output network has ``w1_j_k``, ``b1_j``, ``w2_1_j``, ``b2_1``.
Unit j of hidden layer L computes ``act(w{L}_{j}_1*a_1 + ... + b{L}_{j})``; the last
layer's pre-activations z are read by the loss (see ``_losses``), through ``output``
(``identity``, ``sigmoid`` or ``softmax``).  Groups: ``layer1``, ``layer2``, ...
(weights row by row, then biases), ``hidden`` (every layer but the last, when there is
a hidden layer), ``output`` (the last layer), ``weights``, ``biases`` and ``all``.

``linear-network`` is an mlp whose hidden activations are all the identity (any depth);
it takes no ``activation`` key.  Biases are on by default for both (``bias = false``
for the classic deep linear network).

Permuting the units of a hidden layer (their incoming weights, bias and outgoing
weights together) leaves the loss unchanged: :func:`swap_units` gives that substitution.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

import sympy

from convexity_proofs._structure import MODEL_LOSS, SCALAR_TERMS
from convexity_proofs.models._base import (
    MAX_LAYERS,
    SCALAR_WIDTH,
    STRUCTURED_WIDTH,
    BuiltModel,
    ModelError,
    Table,
    check_structured_parameters,
    check_widths,
    choose,
    integer,
    sequence,
)
from convexity_proofs.models._build import (
    affine,
    check_sizes,
    finish,
    symbols,
)
from convexity_proofs.models._data import read_data
from convexity_proofs.models._functions import ACTIVATIONS
from convexity_proofs.models._losses import DEFAULT_LOSS, HEADS, LOSSES, LossSpec, read_loss
from convexity_proofs.models._structured import mlp_layout, network_of

__all__ = ["MlpSpec", "build_mlp", "read_mlp", "swap_units"]

_KEYS: Final = frozenset({"kind", "layers", "activation", "bias", "output", "loss", "labels", "l2"})
_ACTIVATION_NAMES: Final = tuple(sorted(ACTIVATIONS))


@dataclass(frozen=True, slots=True)
class MlpSpec:
    """A validated mlp table: sizes, one activation per hidden layer, head and loss."""

    kind: str
    layers: tuple[int, ...]
    activations: tuple[str, ...]
    bias: bool
    loss: LossSpec
    l2: sympy.Rational

    @property
    def depth(self) -> int:
        """Weight layers (hidden layers + 1)."""
        return len(self.layers) - 1

    @property
    def parameters(self) -> int:
        """Trainable parameters: weights and biases of every layer."""
        return sum(
            self.layers[L] * (self.layers[L - 1] + int(self.bias)) for L in range(1, self.depth + 1)
        )

    def weights(self, layer: int) -> tuple[tuple[sympy.Symbol, ...], ...]:
        """``w{L}_{j}_{k}``, one row per unit j of ``layer``."""
        return tuple(
            symbols(f"w{layer}_{j}_{k}" for k in range(1, self.layers[layer - 1] + 1))
            for j in range(1, self.layers[layer] + 1)
        )

    def biases(self, layer: int) -> tuple[sympy.Symbol, ...]:
        if not self.bias:
            return ()
        return symbols(f"b{layer}_{j}" for j in range(1, self.layers[layer] + 1))

    def describe(self) -> str:
        parts = [f"{self.kind} {'-'.join(map(str, self.layers))}"]
        if self.kind == "mlp":
            if self.activations:
                names = list(dict.fromkeys(self.activations))
                shown = names if len(names) == 1 else list(self.activations)
                parts.append(f"{', '.join(shown)} hidden")
            parts.append(f"{self.loss.head} output")
        if not self.bias:
            parts.append("no bias")
        parts.append(self.loss.describe())
        return ", ".join(parts)


def read_mlp(model: Mapping[str, Any], kind: str) -> MlpSpec:
    """Validate an ``mlp`` or ``linear-network`` table (no data needed)."""
    keys = _KEYS if kind == "mlp" else _KEYS - {"activation"}
    table = Table(model, "model", keys, context=f"for {kind}")
    layers = _layers(table)
    if kind == "mlp":
        activations = _activations(table, len(layers) - 2)
    else:
        activations = ("identity",) * (len(layers) - 2)
    bias = table.boolean("bias", True)
    head = table.choice("output", HEADS, "identity")
    loss = read_loss(
        table,
        allowed=tuple(LOSSES),
        default=DEFAULT_LOSS[head],
        head=head,
        outputs=layers[-1],
        outputs_field="model.layers",
    )
    spec = MlpSpec(kind, layers, activations, bias, loss, table.nonnegative("l2"))
    check_structured_parameters(spec.parameters, "model.layers")
    return spec


def _layers(table: Table) -> tuple[int, ...]:
    field = table.field("layers")
    sizes = sequence(
        table.required("layers", "the layer sizes [inputs, hidden..., outputs]"),
        field,
        "a list of layer sizes [inputs, hidden..., outputs]",
    )
    if not 2 <= len(sizes) <= MAX_LAYERS + 1:
        raise ModelError(
            f"expected 2 to {MAX_LAYERS + 1} layer sizes [inputs, hidden..., outputs], "
            f"found {len(sizes)}",
            field=field,
        )
    return tuple(integer(size, field, 1, STRUCTURED_WIDTH, "layer sizes") for size in sizes)


def _activations(table: Table, hidden: int) -> tuple[str, ...]:
    field = table.field("activation")
    if hidden == 0:
        if "activation" in table:
            raise ModelError(
                "this network has no hidden layer, so no activation applies; use output "
                "for the last layer",
                field=field,
            )
        return ()
    value = table.required(
        "activation", "one of " + ", ".join(map(repr, _ACTIVATION_NAMES)) + " (or a list)"
    )
    if isinstance(value, list | tuple):
        if len(value) != hidden:
            raise ModelError(
                f"expected one activation per hidden layer ({hidden}), found {len(value)}",
                field=field,
            )
        return tuple(choose(name, _ACTIVATION_NAMES, field) for name in value)
    return (choose(value, _ACTIVATION_NAMES, field),) * hidden


def build_mlp(
    model: Mapping[str, Any], data: object, kind: str, *, base: Path | None = None
) -> BuiltModel:
    """Build the loss of an mlp or linear network over ``data`` (module docstring)."""
    spec = read_mlp(model, kind)
    dataset = read_data(
        data,
        inputs=spec.layers[0],
        outputs=spec.layers[-1],
        labels=spec.loss.labels,
        inputs_field="model.layers",
        base=base,
    )
    per_point = sum(spec.layers[L] * (spec.layers[L - 1] + 2) for L in range(1, spec.depth + 1))
    terms_estimate = dataset.size * per_point
    network = None
    if dataset.numeric_x is not None:
        network = network_of(
            layers=spec.layers,
            activations=spec.activations,
            bias=spec.bias,
            loss=spec.loss,
            l2=Fraction(spec.l2.p, spec.l2.q),
            x=dataset.numeric_x,
            y=dataset.numeric_y,
            layout=mlp_layout(spec.layers, spec.bias),
        )
        if terms_estimate > SCALAR_TERMS:
            description = f"{spec.describe()}, {dataset.summary}"
            return BuiltModel(MODEL_LOSS, {}, (), description, network=network, scalar=False)
    check_widths(spec.layers, SCALAR_WIDTH, "model.layers")
    check_sizes(spec.parameters, terms_estimate, "model.layers")

    weights = [spec.weights(L) for L in range(1, spec.depth + 1)]
    biases = [spec.biases(L) for L in range(1, spec.depth + 1)]
    terms: list[sympy.Expr] = []
    for x, y in zip(dataset.x, dataset.y, strict=True):
        values: list[sympy.Expr] = list(x)
        for L in range(spec.depth):
            pre = [
                affine(row, values, biases[L][j] if spec.bias else None)
                for j, row in enumerate(weights[L])
            ]
            if L < spec.depth - 1:
                activate = ACTIVATIONS[spec.activations[L]].build
                values = [activate(u) for u in pre]
            else:
                values = pre
        terms.extend(spec.loss.terms(values, y))

    layer_groups = {
        f"layer{L + 1}": (*(s for row in weights[L] for s in row), *biases[L])
        for L in range(spec.depth)
    }
    last = f"layer{spec.depth}"
    groups = {
        **layer_groups,
        "hidden": tuple(s for name, g in layer_groups.items() if name != last for s in g),
        "output": layer_groups[last],
        "weights": tuple(s for layer in weights for row in layer for s in row),
        "biases": tuple(s for layer in biases for s in layer),
    }
    built = finish(
        terms,
        l2=spec.l2,
        decayed=groups["weights"],
        groups=groups,
        data_symbols=dataset.symbols,
        description=f"{spec.describe()}, {dataset.summary}",
    )
    return dataclasses.replace(built, network=network)


def swap_units(
    model: Mapping[str, Any], symmetry: object, kind: str
) -> tuple[tuple[sympy.Symbol, sympy.Symbol], ...]:
    """The substitution exchanging units i and j of a hidden layer, both directions.

    ``symmetry = { "swap-units" = [i, j], layer = L }`` (``layer`` defaults to 1): the
    incoming weights ``w{L}_{i}_k``, the bias ``b{L}_{i}`` and the outgoing weights
    ``w{L+1}_m_{i}`` trade places with unit j's, simultaneously; pairs sorted by name.
    """
    spec = read_mlp(model, kind)
    table = Table(symmetry, "symmetry", {"swap-units", "layer"})
    hidden = spec.depth - 1
    if hidden == 0:
        raise ModelError(
            f"the network {list(spec.layers)} has no hidden layer whose units could be swapped",
            field="symmetry",
        )
    layer = table.integer("layer", 1, hidden, default=1)
    field = table.field("swap-units")
    units = sequence(
        table.required("swap-units", "two unit numbers [i, j]"), field, "two unit numbers [i, j]"
    )
    width = spec.layers[layer]
    if len(units) != 2:
        raise ModelError(f"expected two unit numbers [i, j], found {len(units)}", field=field)
    i, j = (integer(unit, field, 1, width, f"a unit of hidden layer {layer}") for unit in units)
    if i == j:
        raise ModelError(f"expected two different units, found [{i}, {j}]", field=field)
    incoming, outgoing = spec.weights(layer), spec.weights(layer + 1)
    pairs = list(zip(incoming[i - 1], incoming[j - 1], strict=True))
    if spec.bias:
        biases = spec.biases(layer)
        pairs.append((biases[i - 1], biases[j - 1]))
    pairs.extend((row[i - 1], row[j - 1]) for row in outgoing)
    both = [*pairs, *((b, a) for a, b in pairs)]
    return tuple(sorted(both, key=lambda pair: pair[0].name))
