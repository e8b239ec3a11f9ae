"""Structured forms of a model's loss: the parameter layout, the network, the template.

The scalar builders (:mod:`.linear`, :mod:`.mlp`) write a loss out term by term; these
builders describe the same loss without expanding it (see
:mod:`convexity_proofs._structure`): one layout of the parameters, in the order of the
scalar ``all`` group with the same names, the network the engine evaluates to refute,
and, for linear models, the per-row template it proves once.  Tests check, model by
model, that row i of the template and the network's row loss equal the scalar
builder's terms for row i.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

import numpy as np
import sympy

from convexity_proofs._parser import make_symbol
from convexity_proofs._structure import (
    Block,
    ColumnBlocks,
    NetworkStructure,
    NumericData,
    ParameterLayout,
    TemplateStructure,
)
from convexity_proofs.models._build import affine
from convexity_proofs.models._functions import logsumexp
from convexity_proofs.models._losses import LossSpec

__all__ = ["layout_of", "network_of", "template_of"]


def _indices(start: int, size: int) -> np.ndarray:
    return np.arange(start, start + size, dtype=np.int64)


def layout_of(
    blocks: Sequence[Block], groups: Mapping[str, Sequence[tuple[int, str]]]
) -> ParameterLayout:
    """A layout from its blocks and groups given as lists of (layer, kind) blocks."""
    by_key = {(b.layer, b.kind): b for b in blocks}
    indexed: dict[str, np.ndarray] = {}
    for name, members in groups.items():
        parts = [_indices(by_key[key].offset, by_key[key].size) for key in members if key in by_key]
        if parts:
            indexed[name] = np.sort(np.concatenate(parts))
    indexed["all"] = _indices(0, sum(b.size for b in blocks))
    for array in indexed.values():
        array.setflags(write=False)
    return ParameterLayout(tuple(blocks), indexed)


def linear_layout(d: int, classes: int, bias: bool, softmax: bool) -> ParameterLayout:
    """``w1..wd, b`` (one output) or ``w{c}_{j}, b{c}`` (softmax), weights first."""
    rows = classes if softmax else 1
    blocks = [Block(1, "weights", rows, d, 0, "w{j}_{k}" if softmax else "w{k}")]
    if bias:
        blocks.append(Block(1, "biases", rows, 1, rows * d, "b{j}" if softmax else "b"))
    groups = {"weights": [(1, "weights")], ("biases" if softmax else "bias"): [(1, "biases")]}
    return layout_of(blocks, groups)


def mlp_layout(layers: Sequence[int], bias: bool) -> ParameterLayout:
    """Per weight layer L: ``w{L}_{j}_{k}`` row by row, then ``b{L}_{j}``."""
    blocks: list[Block] = []
    offset = 0
    depth = len(layers) - 1
    for L in range(1, depth + 1):
        rows, columns = layers[L], layers[L - 1]
        blocks.append(Block(L, "weights", rows, columns, offset, f"w{L}_{{j}}_{{k}}"))
        offset += rows * columns
        if bias:
            blocks.append(Block(L, "biases", rows, 1, offset, f"b{L}_{{j}}"))
            offset += rows
    groups: dict[str, list[tuple[int, str]]] = {
        f"layer{L}": [(L, "weights"), (L, "biases")] for L in range(1, depth + 1)
    }
    groups["hidden"] = [(L, kind) for L in range(1, depth) for kind in ("weights", "biases")]
    groups["output"] = [(depth, "weights"), (depth, "biases")]
    groups["weights"] = [(L, "weights") for L in range(1, depth + 1)]
    groups["biases"] = [(L, "biases") for L in range(1, depth + 1)]
    return layout_of(blocks, groups)


def network_of(
    *,
    layers: Sequence[int],
    activations: Sequence[str],
    bias: bool,
    loss: LossSpec,
    l2: Fraction,
    x: NumericData,
    y: NumericData,
    layout: ParameterLayout,
) -> NetworkStructure:
    return NetworkStructure(
        layers=tuple(layers),
        activations=tuple(activations),
        bias=bias,
        loss=loss.loss.name,
        head=loss.head,
        labels=loss.labels,
        l2=Fraction(l2),
        x=x,
        y=y,
        layout=layout,
    )


def _one_hot(labels: NumericData, classes: int) -> NumericData:
    """Class labels 1..k as k columns of 0/1 (exact)."""
    values = labels.values[:, 0].astype(np.int64)
    hot = np.zeros((values.size, classes), dtype=np.float64)
    hot[np.arange(values.size), values - 1] = 1.0
    names = tuple(f"y_{c}" for c in range(1, classes + 1))
    return NumericData(hot, None, None, names, labels.source)


def template_of(
    *,
    d: int,
    classes: int,
    bias: bool,
    softmax: bool,
    loss: LossSpec,
    l2: Fraction,
    x: NumericData,
    y: NumericData,
    layout: ParameterLayout,
) -> TemplateStructure:
    """One row's loss with the row as data symbols ``x_1..x_d`` and ``y`` (``y_1..y_k``
    one-hot for class labels), for a linear, logistic or softmax regression."""
    parameters = tuple(make_symbol(name) for name in layout.names(range(layout.size)))
    xs = tuple(make_symbol(f"x_{k}") for k in range(1, d + 1))
    rows = classes if softmax else 1
    weights = [parameters[c * d : (c + 1) * d] for c in range(rows)]
    biases = parameters[rows * d :] if bias else ()
    z = [affine(weights[c], xs, biases[c] if bias else None) for c in range(rows)]
    if softmax:
        ys = tuple(make_symbol(f"y_{c}") for c in range(1, classes + 1))
        picked = sympy.Add(
            *(sympy.Mul(sympy.S.NegativeOne, yc, zc) for yc, zc in zip(ys, z, strict=True))
        )
        template = sympy.Add(logsumexp(z), picked)
        data = ColumnBlocks((x, _one_hot(y, classes)))
    else:
        ys = (make_symbol("y"),)
        template = sympy.Add(*loss.terms(z, ys))
        data = ColumnBlocks((x, y))
    decayed = parameters[: rows * d]
    regulariser = (
        sympy.Add(*(sympy.Mul(sympy.Rational(l2.numerator, l2.denominator), w**2) for w in decayed))
        if l2
        else sympy.S.Zero
    )
    return TemplateStructure(template, xs + ys, data, regulariser, parameters)
