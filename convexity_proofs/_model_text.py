"""A model claim's formula and data, for reports and JSON.

The claim's ``function`` row says what was built ("logistic-regression, 2 inputs, ...");
these say what it computes, written from the network's structure (layers, activations,
bias, the loss's formula as :mod:`convexity_proofs.models._losses` states it, the weight
decay), and on what data, from the claim table as written (a data file is named with
its columns, not copied).
"""

from __future__ import annotations

import json
from typing import Any

from convexity_proofs._values import Claim

#: Characters of the data shown in a report row (JSON has all of it).
DATA_CHARACTERS = 300


def _table(claim: Claim) -> dict[str, Any]:
    try:
        table = json.loads(claim.table) if claim.table else {}
    except ValueError:  # a claim built in Python without a table
        return {}
    return table if isinstance(table, dict) else {}


def is_model_claim(claim: Claim) -> bool:
    return "model" in _table(claim)


def model_formula(claim: Claim) -> str:
    """The loss as a formula of the network, or "" when the claim has no network."""
    network = claim.model.network if claim.model is not None else None
    if network is None:
        return ""
    from convexity_proofs.models._losses import LOSSES

    last = len(network.layers) - 1
    inner = "x"
    for layer, activation in enumerate(network.activations, start=1):
        bias = f" + b{layer}" if network.bias else ""
        inner = f"{activation}(W{layer}·{inner}{bias})"
    z = f"W{last}·{inner}" + (f" + b{last}" if network.bias else "")
    loss = LOSSES[network.loss].formula
    if network.loss == "logistic":
        loss = "log(1 + exp(-y*z))" if network.labels == "pm1" else "log(1 + exp(z)) - y*z"
    where = f"z = {z}"
    if network.loss == "square":
        where += ", o = sigmoid(z)" if network.head == "sigmoid" else ", o = z"
    text = f"the sum over the data points (x, y) of {loss}, where {where}"
    if network.l2:
        text += f", plus {network.l2}·(the sum of the squared weights, biases excluded)"
    return text


def model_facts(claim: Claim) -> list[tuple[str, str]]:
    """Report rows for a model claim: its spec, formula and data (shortened)."""
    table = _table(claim)
    if "model" not in table:
        return []
    rows = [("model", json.dumps(table["model"], sort_keys=True))]
    formula = model_formula(claim)
    if formula:
        rows.append(("formula", formula))
    if "data" in table:
        data = json.dumps(table["data"], sort_keys=True)
        if len(data) > DATA_CHARACTERS:
            data = data[: DATA_CHARACTERS - 1] + "… (the JSON report has all of it)"
        rows.append(("data", data))
    return rows


def model_json(claim: Claim) -> dict[str, Any] | None:
    """The model, its formula and its data as written, for the JSON report."""
    table = _table(claim)
    if "model" not in table:
        return None
    data: dict[str, Any] = {"spec": table["model"]}
    formula = model_formula(claim)
    if formula:
        data["formula"] = formula
    if "data" in table:
        data["data"] = table["data"]
    if claim.data_digests:
        data["data_digests"] = [list(d) if isinstance(d, tuple) else d for d in claim.data_digests]
    return data
