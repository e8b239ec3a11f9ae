"""Losses of machine-learning models, built from a model table instead of a formula.

People reason about networks, not formulas: a claim may give ``model = {...}`` and
``data = {...}`` and the loss is built here, with parameters named as in the usual
notation (``w1_2_3``: layer 1, unit 2, input 3) so a report reads naturally.

``model.kind`` is one of:

- ``linear-regression``, ``logistic-regression``, ``softmax-regression``
  (:mod:`.linear`);
- ``mlp`` and ``linear-network`` (:mod:`.mlp`);
- ``rbf-network`` (:mod:`.rbf`);
- ``matrix-factorization`` (:mod:`.factorization`).

Each module's docstring gives its keys, its symbols and its exact loss formula; the
data table is described in :mod:`._data`.  Everything comes from untrusted TOML, so
everything is validated (unknown keys, types, ranges, sizes) and every refusal is a
:class:`ModelError` whose ``field`` names the offending key (``model.layers``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import sympy

from convexity_proofs.models._base import BuiltModel, ModelError, Table, choose, describe_value
from convexity_proofs.models.factorization import build_factorization
from convexity_proofs.models.linear import build_linear
from convexity_proofs.models.mlp import build_mlp, swap_units
from convexity_proofs.models.rbf import build_rbf

__all__ = ["KINDS", "BuiltModel", "ModelError", "build_model", "symmetry_substitution"]

KINDS: Final = (
    "linear-regression",
    "logistic-regression",
    "softmax-regression",
    "mlp",
    "linear-network",
    "rbf-network",
    "matrix-factorization",
)


def _kind(model: object) -> str:
    if not isinstance(model, Mapping):
        raise ModelError(f"expected a table, found {describe_value(model)}", field="model")
    if "kind" not in model:
        raise ModelError("missing: one of " + ", ".join(map(repr, KINDS)), field="model.kind")
    return choose(model["kind"], KINDS, "model.kind")


def build_model(
    model: Mapping[str, Any], data: Mapping[str, Any], *, base: Path | None = None
) -> BuiltModel:
    """The loss of ``model`` on ``data`` (both tables from a claim file), or ModelError.

    ``base`` is the directory data files are read from (the claim file's; None: the
    current directory)."""
    kind = _kind(model)
    if kind in ("mlp", "linear-network"):
        return build_mlp(model, data, kind, base=base)
    if kind == "rbf-network":
        return build_rbf(model, data, base=base)
    if kind == "matrix-factorization":
        return build_factorization(model, data)
    return build_linear(model, data, kind, base=base)


def symmetry_substitution(
    model: Mapping[str, Any], symmetry: Mapping[str, Any]
) -> tuple[tuple[sympy.Symbol, sympy.Symbol], ...]:
    """The hidden-unit permutation ``symmetry = { "swap-units" = [i, j], layer = L }``.

    Units i and j of hidden layer L (default 1) exchange their incoming weights, bias and
    outgoing weights together: a simultaneous substitution, both directions listed,
    sorted by name.  Only ``mlp`` and ``linear-network`` models have hidden units.
    """
    kind = _kind(model)
    if kind not in ("mlp", "linear-network"):
        Table(symmetry, "symmetry", {"swap-units", "layer"})
        raise ModelError(
            f"swap-units needs an mlp or linear-network model, found kind {kind!r}",
            field="symmetry",
        )
    return swap_units(model, symmetry, kind)
