"""Linear models: linear, logistic and softmax regression.

Scores are affine in the parameters, so these are the models whose losses *are* convex
(square, logistic, cross-entropy) or famously are not (the square loss of a sigmoid).

- ``linear-regression``: ``z = w1*x1 + ... + wd*xd + b``; loss ``square``:
  ``(z - y)**2`` per point.
- ``logistic-regression``: the same score, read as a logit; loss ``logistic``
  (default): ``log(1 + exp(z)) - y*z`` for y in {0, 1} (binary cross-entropy of
  ``sigmoid(z)``), or with ``labels = "pm1"`` ``log(1 + exp(-y*z))`` for y in {-1, 1};
  loss ``square``: ``(sigmoid(z) - y)**2``.
- ``softmax-regression`` with ``classes = k``: ``z_c = w{c}_1*x1 + ... + b{c}``; loss
  ``cross-entropy``: ``log(exp(z_1) + ... + exp(z_k)) - z_{y}`` with y in 1..k (numeric
  labels always, also with symbolic inputs: ``data = { points = n, y = [...] }``).

Keys: ``kind``, ``inputs`` (optional with numeric data, which gives it), ``bias``
(default true), ``loss``, ``labels`` (logistic loss only), ``classes`` (softmax only),
``l2`` (adds ``l2 * w**2`` for every weight, not the biases).
Parameters: ``w1..wd`` and ``b`` (groups ``weights``, ``bias``); softmax ``w{c}_{j}``
and ``b{c}`` (groups ``weights``, class by class, and ``biases``); and ``all``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

from convexity_proofs._structure import MODEL_LOSS, SCALAR_TERMS, TemplateStructure
from convexity_proofs.models._base import (
    SCALAR_WIDTH,
    STRUCTURED_WIDTH,
    BuiltModel,
    Table,
    check_structured_parameters,
    check_widths,
)
from convexity_proofs.models._build import (
    affine,
    check_sizes,
    finish,
    symbols,
)
from convexity_proofs.models._data import read_data
from convexity_proofs.models._losses import read_loss
from convexity_proofs.models._structured import linear_layout, network_of

__all__ = ["build_linear"]

# kind: (allowed losses, default loss, head)
_KINDS: Final = {
    "linear-regression": (("square",), "square", "identity"),
    "logistic-regression": (("logistic", "square"), "logistic", "sigmoid"),
    "softmax-regression": (("cross-entropy",), "cross-entropy", "softmax"),
}
_COMMON_KEYS: Final = frozenset({"kind", "inputs", "bias", "loss", "l2"})
_EXTRA_KEYS: Final = {
    "linear-regression": frozenset(),
    "logistic-regression": frozenset({"labels"}),
    "softmax-regression": frozenset({"classes"}),
}


def build_linear(
    model: Mapping[str, Any], data: object, kind: str, *, base: Path | None = None
) -> BuiltModel:
    """Build a linear, logistic or softmax regression loss (see the module docstring)."""
    table = Table(model, "model", _COMMON_KEYS | _EXTRA_KEYS[kind], context=f"for {kind}")
    allowed, default, head = _KINDS[kind]
    softmax = kind == "softmax-regression"
    classes = table.integer("classes", 2, STRUCTURED_WIDTH) if softmax else 1
    inputs = table.integer("inputs", 1, STRUCTURED_WIDTH) if "inputs" in table else None
    bias = table.boolean("bias", True)
    loss = read_loss(table, allowed=allowed, default=default, head=head, outputs=classes)
    l2 = table.nonnegative("l2")
    dataset = read_data(data, inputs=inputs, outputs=classes, labels=loss.labels, base=base)
    d = dataset.inputs
    terms_estimate = dataset.size * classes * (d + 2)
    sizes = f"{d} input{'s' * (d != 1)}" + (f", {classes} classes" if softmax else "")
    description = (
        f"{kind}, {sizes}, {'bias' if bias else 'no bias'}, {loss.describe()}, {dataset.summary}"
    )
    network = template = None
    if dataset.numeric_x is not None:
        layout = linear_layout(d, classes, bias, softmax)
        network = network_of(
            layers=(d, classes if softmax else 1),
            activations=(),
            bias=bias,
            loss=loss,
            l2=Fraction(l2.p, l2.q),
            x=dataset.numeric_x,
            y=dataset.numeric_y,
            layout=layout,
        )
        check_structured_parameters(layout.size, "model")
        template = TemplateStructure.deferred(
            dict(
                d=d,
                classes=classes,
                bias=bias,
                softmax=softmax,
                loss=loss,
                l2=network.l2,
                x=dataset.numeric_x,
                y=dataset.numeric_y,
                layout=layout,
            )
        )
        if terms_estimate > SCALAR_TERMS:
            return BuiltModel(
                MODEL_LOSS, {}, (), description, network=network, template=template, scalar=False
            )
    check_widths((d,), SCALAR_WIDTH, "model.inputs" if inputs else "data.x", "input sizes")
    check_widths((classes,), SCALAR_WIDTH, "model.classes", "class counts")
    check_sizes(classes * (d + int(bias)), terms_estimate, "model")

    if softmax:
        weights = [symbols(f"w{c}_{j}" for j in range(1, d + 1)) for c in range(1, classes + 1)]
        biases = symbols(f"b{c}" for c in range(1, classes + 1)) if bias else ()
    else:
        weights = [symbols(f"w{j}" for j in range(1, d + 1))]
        biases = symbols(["b"]) if bias else ()
    terms = []
    for x, y in zip(dataset.x, dataset.y, strict=True):
        z = [affine(row, x, biases[c] if bias else None) for c, row in enumerate(weights)]
        terms.extend(loss.terms(z, y))

    flat = tuple(symbol for row in weights for symbol in row)
    groups = {"weights": flat, ("biases" if softmax else "bias"): biases}
    built = finish(
        terms,
        l2=l2,
        decayed=flat,
        groups=groups,
        data_symbols=dataset.symbols,
        description=description,
    )
    return dataclasses.replace(built, network=network, template=template)
