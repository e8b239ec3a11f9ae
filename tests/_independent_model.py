"""An independent re-check of model witnesses (structured claims): the network's loss
written again from its docstring formula and evaluated with mpmath at 60 digits,
sharing no code with the engine's Arb kernel (kernel/network.py) or its float search
(refuters/network.py).  NumPy object arrays only hold mpf numbers for reshaping and
dot products (the arithmetic is mpmath's)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

DIGITS = 60


def _data(data: Any) -> np.ndarray:
    """The numbers written (exact fractions when known, else the floats: the decimal
    written is within 2**-53 relative of them, far below the gaps re-checked here)."""
    if data.fractions is not None:
        rows = [[mpmath.mpf(q.numerator) / q.denominator for q in row] for row in data.fractions]
    else:
        rows = [[mpmath.mpf(float(v)) for v in row] for row in data.values.tolist()]
    return np.array(rows, dtype=object).reshape(data.shape)


def _vector(data: dict[str, Any]) -> list[Any]:
    scale = mpmath.mpf(2) ** -int(data["exponent"])
    return [mpmath.mpf(int(n)) * scale for n in data["numerators"]]


_ACT = {
    "identity": lambda u: u,
    "relu": lambda u: max(mpmath.mpf(0), u),
    "sigmoid": lambda u: 1 / (1 + mpmath.exp(-u)),
    "tanh": mpmath.tanh,
    "softplus": lambda u: mpmath.log(1 + mpmath.exp(u)),
}


def loss(net: Any, theta: list[Any]) -> Any:
    """Σ_rows loss(z, y) + l2·Σ w² for the network's formula (NetworkStructure)."""
    vector = np.array(theta, dtype=object)
    layout = net.layout
    a = _data(net.x)
    for layer in range(1, net.depth + 1):
        w = layout.matrix(vector, layer)
        z = a.dot(w.T)
        bias = layout.bias(vector, layer)
        if bias is not None:
            z = z + bias[np.newaxis, :]
        if layer < net.depth:
            act = _ACT[net.activations[layer - 1]]
            a = np.vectorize(act, otypes=[object])(z)
        else:
            a = z
    y = _data(net.y)
    total = mpmath.mpf(0)
    for zr, yr in zip(a, y, strict=True):
        total += _row_loss(net, list(zr), list(yr))
    if net.l2:
        weights = [
            x
            for block in layout.blocks
            if block.kind == "weights"
            for x in theta[block.offset : block.offset + block.size]
        ]
        total += mpmath.mpf(net.l2.numerator) / net.l2.denominator * sum(w * w for w in weights)
    return total


def _row_loss(net: Any, z: list[Any], y: list[Any]) -> Any:
    softplus = _ACT["softplus"]
    if net.loss == "square":
        outputs = [1 / (1 + mpmath.exp(-u)) for u in z] if net.head == "sigmoid" else z
        return sum((o - t) ** 2 for o, t in zip(outputs, y, strict=True))
    if net.loss == "logistic":
        (score,), (label,) = z, y
        return softplus(-label * score) if net.labels == "pm1" else softplus(score) - label * score
    if net.loss == "hinge":
        (score,), (label,) = z, y
        return max(mpmath.mpf(0), 1 - label * score)
    if net.loss == "cross-entropy":
        (label,) = y
        return mpmath.log(sum(mpmath.exp(u) for u in z)) - z[int(label) - 1]
    raise AssertionError(f"unknown loss {net.loss}")


def recheck_model(claim: Any, witness: dict[str, Any]) -> None:
    """Assert the model witness shows what its relation says."""
    net = claim.model.network
    with mpmath.workdps(DIGITS):
        if witness["kind"] == "model-segment":
            a, b = _vector(witness["a"]), _vector(witness["b"])
            t = Fraction(witness["t"])
            tt = mpmath.mpf(t.numerator) / t.denominator
            m = [tt * p + (1 - tt) * q for p, q in zip(a, b, strict=True)]
            gap = loss(net, m) - tt * loss(net, a) - (1 - tt) * loss(net, b)
            assert gap > 0 if witness["relation"] == ">" else gap < 0, gap
            return
        assert witness["kind"] == "model-curvature", witness["kind"]
        point, direction = _vector(witness["point"]), _vector(witness["direction"])

        def along(s: Any) -> Any:
            return loss(net, [p + s * v for p, v in zip(point, direction, strict=True)])

        second = mpmath.diff(along, 0, 2)
        assert second < 0 if witness["relation"] == "<0" else second > 0, second
