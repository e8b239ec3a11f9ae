"""Radial-basis-function networks: Gaussian bumps at centres, a linear output layer.

With fixed centres the features are constants of the data, so the square loss is a
convex quadratic in the output weights; making the centres trainable is what breaks
convexity.  The model::

    phi_j(x) = exp(-((x1 - c{j}_1)**2 + ... + (xd - c{j}_d)**2) / (2*s_j**2))
    z(x)     = v1*phi_1(x) + ... + vm*phi_m(x) + b

Keys: ``kind``, ``centres`` (rows of d numbers, one per centre; a flat list when d is
1), ``width`` (s: one positive number, or one per centre), ``trainable_centres``
(default false: then the centres are the numbers given; true: they become the symbols
``c{j}_{k}``, and the given numbers only fix their count and dimension; widths stay
fixed either way), ``bias`` (default true), ``loss`` (``square``, default;
``logistic``, ``hinge``), ``labels``, ``l2`` (on the output weights v).
Groups: ``centres`` (when trainable), ``weights`` (``v1..vm``), ``bias`` (``b``),
``output`` (v and b) and ``all``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import sympy

from convexity_proofs.models._base import (
    MAX_TERMS,
    MAX_WIDTH,
    BuiltModel,
    ModelError,
    Table,
    check_limit,
    exact,
    sequence,
)
from convexity_proofs.models._build import affine, check_sizes, finish, symbols
from convexity_proofs.models._data import read_data
from convexity_proofs.models._functions import exp_
from convexity_proofs.models._losses import read_loss

__all__ = ["build_rbf"]

_KEYS: Final = frozenset(
    {"kind", "centres", "width", "trainable_centres", "bias", "loss", "labels", "l2"}
)


def build_rbf(model: Mapping[str, Any], data: object, *, base: Path | None = None) -> BuiltModel:
    """Build an rbf-network loss (see the module docstring)."""
    table = Table(model, "model", _KEYS, context="for rbf-network")
    centres = _centres(table)
    count, dimension = len(centres), len(centres[0])
    widths = _widths(table, count)
    trainable = table.boolean("trainable_centres", False)
    bias = table.boolean("bias", True)
    loss = read_loss(
        table, allowed=("square", "logistic", "hinge"), default="square", head="identity"
    )
    l2 = table.nonnegative("l2")
    dataset = read_data(
        data,
        inputs=dimension,
        outputs=1,
        labels=loss.labels,
        inputs_field="model.centres",
        base=base,
    )
    parameters = count + int(bias) + (count * dimension if trainable else 0)
    check_sizes(parameters, dataset.size * count * (dimension + 2), "model.centres")

    if trainable:
        centres = tuple(
            symbols(f"c{j}" if dimension == 1 else f"c{j}_{k}" for k in range(1, dimension + 1))
            for j in range(1, count + 1)
        )
    weights = symbols(f"v{j}" for j in range(1, count + 1))
    offset = symbols(["b"]) if bias else ()
    scales = [sympy.Rational(-1, 2) / (s * s) for s in widths]
    terms: list[sympy.Expr] = []
    for x, y in zip(dataset.x, dataset.y, strict=True):
        features = [
            exp_(
                sympy.Mul(
                    scale,
                    sympy.Add(
                        *[
                            sympy.Pow(sympy.Add(xk, sympy.Mul(sympy.S.NegativeOne, ck)), 2)
                            for xk, ck in zip(x, centre, strict=True)
                        ]
                    ),
                )
            )
            for centre, scale in zip(centres, scales, strict=True)
        ]
        z = affine(weights, features, offset[0] if bias else None)
        terms.extend(loss.terms([z], y))

    same = len(set(widths)) == 1
    description = (
        f"rbf-network, {count} {'trainable' if trainable else 'fixed'} "
        f"centre{'s' * (count != 1)} in {dimension} dimension{'s' * (dimension != 1)}, "
        + (f"width {widths[0]}" if same else "one width per centre")
        + f", {'bias' if bias else 'no bias'}, {loss.describe()}, {dataset.summary}"
    )
    groups = {
        "centres": tuple(s for row in centres for s in row) if trainable else (),
        "weights": weights,
        "bias": offset,
        "output": (*weights, *offset),
    }
    return finish(
        terms,
        l2=l2,
        decayed=weights,
        groups=groups,
        data_symbols=dataset.symbols,
        description=description,
    )


def _centres(table: Table) -> tuple[tuple[sympy.Expr, ...], ...]:
    field = table.field("centres")
    rows = sequence(table.required("centres"), field, "a list of centres (rows of numbers)")
    if not rows:
        raise ModelError("expected at least one centre, found an empty list", field=field)
    check_limit(len(rows), MAX_WIDTH, field, "centres")
    is_row = [isinstance(row, list | tuple) for row in rows]
    if not any(is_row):
        rows = [[value] for value in rows]
    elif not all(is_row):
        raise ModelError("ragged centres: give every centre as a row [c1, c2, ...]", field=field)
    dimension = len(rows[0])
    if not 1 <= dimension <= MAX_WIDTH:
        raise ModelError(
            f"expected centres of 1 to {MAX_WIDTH} numbers, found {dimension}", field=field
        )
    for j, row in enumerate(rows, 1):
        if len(row) != dimension:
            raise ModelError(
                f"ragged centres: centre {j} has {len(row)} numbers, centre 1 has {dimension}",
                field=field,
            )
    check_limit(len(rows) * dimension, MAX_TERMS, field, "centre coordinates")
    return tuple(
        tuple(exact(value, field, f"centre {j}") for value in row) for j, row in enumerate(rows, 1)
    )


def _widths(table: Table, count: int) -> list[sympy.Rational]:
    field = table.field("width")
    value = table.required("width", "the width s of the Gaussians (a number or one per centre)")
    values = list(value) if isinstance(value, list | tuple) else [value] * count
    if len(values) != count:
        raise ModelError(
            f"expected one width per centre ({count}), found {len(values)}", field=field
        )
    widths = [exact(v, field) for v in values]
    for width in widths:
        if width <= 0:
            raise ModelError(f"expected positive widths, found {width}", field=field)
    return widths
