"""Losses as data, and how a model table chooses one.

Every loss is written in the form a person would type, so that a model and the formula
in a claim file are the same expression: the logistic loss of a logit z with label y in
{0, 1} is ``log(1 + exp(z)) - y*z`` (binary cross-entropy of ``sigmoid(z)``, exactly:
``-y*log(s) - (1-y)*log(1-s)`` with ``s = sigmoid(z)``), with y in {-1, 1} it is
``log(1 + exp(-y*z))``; the hinge loss is ``Max(0, 1 - y*z)``; cross-entropy over k
classes is ``log(exp(z1) + ... + exp(zk)) - z_y``; the square loss is ``(o - y)**2``
per output, where o is z or ``sigmoid(z)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

import sympy

from convexity_proofs.models._base import ModelError, Table
from convexity_proofs.models._functions import logsumexp, relu, sigmoid, softplus

__all__ = ["DEFAULT_LOSS", "HEADS", "LOSSES", "Loss", "LossSpec", "read_loss"]

_ONE: Final = sympy.S.One
_MINUS_ONE: Final = sympy.S.NegativeOne


def _negate(u: sympy.Expr) -> sympy.Expr:
    return sympy.Mul(_MINUS_ONE, u)


HEADS: Final[tuple[str, ...]] = ("identity", "sigmoid", "softmax")
"""What an mlp's last layer may apply to its pre-activation z."""

Terms = list[sympy.Expr]
Values = Sequence[sympy.Expr]


def _square(z: Values, y: Values, head: str, labels: str) -> Terms:
    outputs = [sigmoid(u) for u in z] if head == "sigmoid" else list(z)
    return [sympy.Pow(sympy.Add(o, _negate(t)), 2) for o, t in zip(outputs, y, strict=True)]


def _logistic(z: Values, y: Values, head: str, labels: str) -> Terms:
    (score,), (label,) = z, y
    if labels == "pm1":
        return [softplus(sympy.Mul(_MINUS_ONE, label, score))]
    return [sympy.Add(softplus(score), sympy.Mul(_MINUS_ONE, label, score))]


def _hinge(z: Values, y: Values, head: str, labels: str) -> Terms:
    (score,), (label,) = z, y
    return [relu(sympy.Add(_ONE, sympy.Mul(_MINUS_ONE, label, score)))]


def _cross_entropy(z: Values, y: Values, head: str, labels: str) -> Terms:
    (label,) = y
    return [sympy.Add(logsumexp(z), _negate(z[int(label) - 1]))]


@dataclass(frozen=True, slots=True)
class Loss:
    """A loss of a data point, as data.

    ``heads`` are the output activations it accepts; for the
    logistic and cross-entropy losses the head only says how to read the last layer: the
    loss is always written from the logits z (``sigmoid``/``softmax`` and ``identity``
    give the same loss).  ``outputs`` is ``"one"``, ``"many"`` (two or more: classes)
    or ``"any"``; ``labels`` the targets it reads (``"binary"`` means 0/1 or -1/1 as the
    model's ``labels`` option says).
    """

    name: str
    heads: tuple[str, ...]
    outputs: str
    labels: str
    formula: str
    terms: Callable[[Values, Values, str, str], Terms]
    """``terms(z, y, head, labels)``: the loss terms of one data point."""


LOSSES: Final[dict[str, Loss]] = {
    loss.name: loss
    for loss in (
        Loss("square", ("identity", "sigmoid"), "any", "real", "(o - y)**2", _square),
        Loss(
            "logistic",
            ("identity", "sigmoid"),
            "one",
            "binary",
            "log(1 + exp(z)) - y*z (labels 0/1) or log(1 + exp(-y*z)) (labels -1/1)",
            _logistic,
        ),
        Loss("hinge", ("identity",), "one", "pm1", "Max(0, 1 - y*z)", _hinge),
        Loss(
            "cross-entropy",
            ("softmax", "identity"),
            "many",
            "class",
            "log(exp(z1) + ... + exp(zk)) - z_y",
            _cross_entropy,
        ),
    )
}

DEFAULT_LOSS: Final[dict[str, str]] = {
    "identity": "square",
    "sigmoid": "logistic",
    "softmax": "cross-entropy",
}
"""An mlp's loss when ``loss`` is not given, by its output activation."""


_LABEL_WORDS: Final = {"01": "labels 0/1", "pm1": "labels -1/1"}


@dataclass(frozen=True, slots=True)
class LossSpec:
    """A chosen loss with how it reads the last layer (``head``) and the targets."""

    loss: Loss
    head: str
    labels: str
    """``real``, ``01``, ``pm1`` or ``class``: what the data reader accepts as y."""

    def terms(self, z: Values, y: Values) -> Terms:
        """The loss terms of one data point with scores ``z`` and target ``y``."""
        return self.loss.terms(z, y, self.head, self.labels)

    def describe(self) -> str:
        words = f"{self.loss.name} loss"
        if self.labels in _LABEL_WORDS:
            words += f" ({_LABEL_WORDS[self.labels]})"
        return words


def read_loss(
    table: Table,
    *,
    allowed: Sequence[str],
    default: str,
    head: str = "identity",
    outputs: int = 1,
    head_field: str | None = None,
    outputs_field: str | None = None,
) -> LossSpec:
    """Read ``loss`` (and ``labels``) from a model table and check they fit the model.

    ``allowed`` lists the losses this kind of model takes; ``head`` is its output
    activation and ``outputs`` the size of its last layer.
    """
    loss = LOSSES[table.choice("loss", allowed, default)]
    if head not in loss.heads:
        raise ModelError(
            f"the {loss.name} loss takes output "
            + " or ".join(repr(h) for h in loss.heads)
            + f", found {head!r}",
            field=head_field or table.field("output"),
        )
    if loss.outputs == "one" and outputs != 1:
        raise ModelError(
            f"the {loss.name} loss needs exactly one output, found {outputs}",
            field=outputs_field or table.field("loss"),
        )
    if loss.outputs == "many" and outputs < 2:
        raise ModelError(
            f"the {loss.name} loss needs at least two outputs (classes), found {outputs}",
            field=outputs_field or table.field("loss"),
        )
    if loss.labels == "binary":
        labels = table.choice("labels", ("01", "pm1"), "01")
    elif loss.labels == "pm1":
        labels = table.choice("labels", ("pm1",), "pm1")
    else:
        if "labels" in table:
            raise ModelError(
                f"labels applies to the logistic and hinge losses, not to the {loss.name} loss",
                field=table.field("labels"),
            )
        labels = loss.labels
    return LossSpec(loss, head, labels)
