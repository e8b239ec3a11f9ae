"""Refuting convexity of a network's loss from its structure: floats search, Arb certifies.

A network with a million parameters is never written out as one expression.  Its loss
is evaluated here in float64, vectorised over the data rows (one matrix product per
layer), with a second-order forward pass (jets: value, first and second derivative
along a direction) for curvature; the candidates that look like violations are then
certified by the trusted kernel (:mod:`convexity_proofs.kernel.network`), which
recomputes them with Arb balls at 64, 128 and 256 bits.  Floats only choose where to
look: nothing they compute is recorded.

The search, in order, each part bounded by counts (``tries`` and a budget of float
work), deterministic from ``seed``:

1. **The permutation argument.**  For a hidden layer with two units i, j whose incoming
   and outgoing weights are all variables of the claim, the point a gives unit j the
   negated unit i (incoming row −u, outgoing column −v; bias −β when both biases are
   variables, else the same β, which the swap leaves in place), and b = a with the
   units swapped.  f(b) = f(a) by symmetry, and the midpoint m has both units' weights
   zeroed, so f(m) is the loss without them while f(a) is the loss with the
   contribution v·(act(u·a + β) − act(−u·a ± β)) added to the next layer.  Along
   v ↦ c·v the loss f(a) moves to first order in c, f(m) does not: one sign of c puts
   f(a) below f(m) (not convex), the other above (not concave).
2. **Curvature** along directions in the selected coordinates (the jets' second
   derivative, certified by ``second_directional_ball``).
3. **Segments** between points that differ in the selected coordinates only.

Every point is an exact dyadic :class:`~convexity_proofs._structure.ParameterVector`;
the coordinates that are not variables of the claim (its parameters) take the same
value in every point of a witness.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Final

import numpy as np

from convexity_proofs._structure import ModelClaim, NetworkStructure, ParameterVector
from convexity_proofs._values import Enclosure, ModelCurvatureWitness, ModelSegmentWitness
from convexity_proofs.kernel.network import NotSmooth, loss_ball, second_directional_ball
from convexity_proofs.kernel.witness_values import (
    chord_of,
    enclosure_of_ball,
    segment_relation,
    sign_shown,
)

__all__ = [
    "PRECISIONS",
    "find_network_witness",
    "float_loss",
    "float_second_directional",
]

#: The precision ladder of the certification, in bits.
PRECISIONS: Final = (64, 128, 256)
#: Candidates certified per stage at most (each costs up to three balls per precision).
MAX_CERTIFY: Final = 4
#: Float multiply-adds a stage may spend (rows × parameters per pass): a bound by
#: counts, so a huge network on many rows tries fewer points, never for longer.
STAGE_WORK: Final = 3 * 10**9
#: Passes a stage always gets, however large the network.
MIN_PASSES: Final = 4
#: A float gap smaller than this, relative to the values, is not worth certifying.
RELATIVE_GAP: Final = 1e-9
#: A float gap this large (relative) is certified at once, before the search goes on.
CLEAR_GAP: Final = 1e-4
#: Multipliers of the outgoing column in the permutation argument (both signs each).
_MULTIPLIERS: Final = (1.0, 0.25, 2.0, 0.5, 4.0)


# --------------------------------------------------------------------------------------
# The float pass


@dataclass(frozen=True, eq=False)
class _Plan:
    """One network's data as floats, and where its blocks sit in the flat vector."""

    net: NetworkStructure
    x: np.ndarray
    y: np.ndarray
    labels: np.ndarray | None  # 0-based class indices (cross-entropy)
    weights: tuple[tuple[int, int, int], ...]  # per layer: offset, rows, columns
    biases: tuple[tuple[int, int] | None, ...]  # per layer: offset, rows
    l2: float

    @classmethod
    def of(cls, net: NetworkStructure) -> _Plan:
        layout = net.layout
        weights, biases = [], []
        for L in range(1, net.depth + 1):
            block = layout.block(L, "weights")
            assert block is not None
            weights.append((block.offset, block.rows, block.columns))
            bias = layout.block(L, "biases")
            biases.append(None if bias is None else (bias.offset, bias.rows))
        labels = None
        if net.loss == "cross-entropy":
            labels = net.y.values[:, 0].astype(np.int64) - 1
        return cls(
            net,
            net.x.values,
            net.y.values,
            labels,
            tuple(weights),
            tuple(biases),
            float(net.l2),
        )

    def matrix(self, vector: np.ndarray, L: int) -> np.ndarray:
        offset, rows, columns = self.weights[L - 1]
        return vector[offset : offset + rows * columns].reshape(rows, columns)

    def bias(self, vector: np.ndarray, L: int) -> np.ndarray | None:
        spec = self.biases[L - 1]
        if spec is None:
            return None
        return vector[spec[0] : spec[0] + spec[1]]

    @property
    def work(self) -> int:
        """Multiply-adds of one forward pass."""
        return max(1, self.x.shape[0]) * sum(r * c for _, r, c in self.weights)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _activation(name: str, z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """act(z), act'(z), act''(z)."""
    if name == "identity":
        return z, np.ones_like(z), np.zeros_like(z)
    if name == "relu":
        mask = (z > 0).astype(z.dtype)
        return z * mask, mask, np.zeros_like(z)
    if name == "tanh":
        t = np.tanh(z)
        d = 1.0 - t * t
        return t, d, -2.0 * t * d
    if name == "sigmoid":
        s = _sigmoid(z)
        d = s * (1.0 - s)
        return s, d, d * (1.0 - 2.0 * s)
    if name == "softplus":
        s = _sigmoid(z)
        return np.logaddexp(0.0, z), s, s * (1.0 - s)
    raise ValueError(f"unknown activation {name!r}")


def _value(name: str, z: np.ndarray) -> np.ndarray:
    if name == "identity":
        return z
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "tanh":
        return np.tanh(z)
    if name == "sigmoid":
        return _sigmoid(z)
    if name == "softplus":
        return np.logaddexp(0.0, z)
    raise ValueError(f"unknown activation {name!r}")


def _weights_square(plan: _Plan, vector: np.ndarray) -> float:
    return sum(
        float(np.dot(plan.matrix(vector, L).ravel(), plan.matrix(vector, L).ravel()))
        for L in range(1, len(plan.weights) + 1)
    )


def _row_loss(plan: _Plan, z: np.ndarray) -> float:
    net = plan.net
    if net.loss == "square":
        o = _sigmoid(z) if net.head == "sigmoid" else z
        r = o - plan.y
        return float(np.sum(r * r))
    if net.loss == "logistic":
        score, label = z[:, 0], plan.y[:, 0]
        if net.labels == "pm1":
            return float(np.sum(np.logaddexp(0.0, -label * score)))
        return float(np.sum(np.logaddexp(0.0, score) - label * score))
    if net.loss == "hinge":
        return float(np.sum(np.maximum(0.0, 1.0 - plan.y[:, 0] * z[:, 0])))
    if net.loss == "cross-entropy":
        assert plan.labels is not None
        top = np.max(z, axis=1)
        lse = top + np.log(np.sum(np.exp(z - top[:, None]), axis=1))
        return float(np.sum(lse - z[np.arange(z.shape[0]), plan.labels]))
    raise ValueError(f"unknown loss {net.loss!r}")


def _prefix(plan: _Plan, theta: np.ndarray, start: int) -> np.ndarray:
    """The input of weight layer ``start`` (the data for layer 1): the part of the pass
    that points agreeing on every layer before ``start`` share."""
    a = plan.x
    for L in range(1, start):
        z = a @ plan.matrix(theta, L).T
        b = plan.bias(theta, L)
        a = _value(plan.net.activations[L - 1], z if b is None else z + b)
    return a


def _loss(plan: _Plan, theta: np.ndarray, start: int = 1, a: np.ndarray | None = None) -> float:
    """The loss at ``theta``; ``a`` (when given) is :func:`_prefix` at ``start``."""
    net = plan.net
    if a is None:
        a = _prefix(plan, theta, start)
    depth = len(plan.weights)
    z = a
    for L in range(start, depth + 1):
        z = a @ plan.matrix(theta, L).T
        b = plan.bias(theta, L)
        if b is not None:
            z = z + b
        if L < depth:
            a = _value(net.activations[L - 1], z)
    value = _row_loss(plan, z)
    if plan.l2:
        value += plan.l2 * _weights_square(plan, theta)
    return value


def float_loss(net: NetworkStructure, theta: np.ndarray | ParameterVector) -> float:
    """The loss at ``theta`` in float64 (a search value, never a certificate)."""
    vector = theta.floats() if isinstance(theta, ParameterVector) else np.asarray(theta, float)
    with np.errstate(all="ignore"):
        return _loss(_Plan.of(net), vector)


Jet = tuple[np.ndarray, np.ndarray | None, np.ndarray | None]


def _add(u: np.ndarray | None, v: np.ndarray | None) -> np.ndarray | None:
    if u is None:
        return v
    if v is None:
        return u
    return u + v


def _loss_jet(plan: _Plan, z: Jet) -> tuple[float, float, float]:
    """The summed row loss and its first and second derivative along the direction."""
    net = plan.net
    value, dz0, d2z0 = z
    dz = np.zeros_like(value) if dz0 is None else dz0
    d2z = np.zeros_like(value) if d2z0 is None else d2z0
    if net.loss == "square":
        if net.head == "sigmoid":
            o, do, d2o = _activation("sigmoid", value)
            o1, o2 = do * dz, d2o * dz * dz + do * d2z
        else:
            o, o1, o2 = value, dz, d2z
        r = o - plan.y
        return (
            float(np.sum(r * r)),
            float(np.sum(2 * r * o1)),
            float(np.sum(2 * (o1 * o1 + r * o2))),
        )
    if net.loss in ("logistic", "hinge"):
        s, ds, d2s = value[:, 0], dz[:, 0], d2z[:, 0]
        label = plan.y[:, 0]
        if net.loss == "hinge":
            u = 1.0 - label * s
            mask = u > 0
            return (
                float(np.sum(np.where(mask, u, 0.0))),
                float(np.sum(np.where(mask, -label * ds, 0.0))),
                float(np.sum(np.where(mask, -label * d2s, 0.0))),
            )
        if net.labels == "pm1":
            u, du, d2u = -label * s, -label * ds, -label * d2s
            p, q = _sigmoid(u), _sigmoid(u) * (1 - _sigmoid(u))
            return (
                float(np.sum(np.logaddexp(0.0, u))),
                float(np.sum(p * du)),
                float(np.sum(q * du * du + p * d2u)),
            )
        p = _sigmoid(s)
        q = p * (1 - p)
        return (
            float(np.sum(np.logaddexp(0.0, s) - label * s)),
            float(np.sum((p - label) * ds)),
            float(np.sum(q * ds * ds + (p - label) * d2s)),
        )
    if net.loss == "cross-entropy":
        assert plan.labels is not None
        rows = np.arange(value.shape[0])
        top = np.max(value, axis=1)
        e = np.exp(value - top[:, None])
        total = np.sum(e, axis=1)
        p = e / total[:, None]
        lse = top + np.log(total)
        mean = np.sum(p * dz, axis=1)
        first = mean - dz[rows, plan.labels]
        second = (
            np.sum(p * dz * dz, axis=1)
            - mean * mean
            + np.sum(p * d2z, axis=1)
            - d2z[rows, plan.labels]
        )
        return (
            float(np.sum(lse - value[rows, plan.labels])),
            float(np.sum(first)),
            float(np.sum(second)),
        )
    raise ValueError(f"unknown loss {net.loss!r}")


def _jets(
    plan: _Plan,
    theta: np.ndarray,
    direction: np.ndarray,
    start: int = 1,
    prefix: np.ndarray | None = None,
) -> tuple[float, float, float]:
    """f, f' and f'' of s ↦ f(theta + s·direction) at s = 0, by forward-mode jets
    (z = W a + b; dz = dW a + W da + db; d2z = 2 dW da + W d2a).  ``direction`` is zero
    on every layer before ``start``; ``prefix``, when given, is :func:`_prefix` there."""
    net = plan.net
    depth = len(plan.weights)
    a: Jet = (_prefix(plan, theta, start) if prefix is None else prefix, None, None)
    z: Jet = a
    for L in range(start, depth + 1):
        W, dW = plan.matrix(theta, L), plan.matrix(direction, L)
        moved = bool(np.any(dW))
        value = a[0] @ W.T
        first = a[0] @ dW.T if moved else None
        first = _add(first, None if a[1] is None else a[1] @ W.T)
        second = None if a[2] is None else a[2] @ W.T
        if moved and a[1] is not None:
            second = _add(second, 2.0 * (a[1] @ dW.T))
        b, db = plan.bias(theta, L), plan.bias(direction, L)
        if b is not None:
            value = value + b
            if db is not None and np.any(db):
                first = db + (0.0 if first is None else first)
        z = (value, first, second)
        if L < depth:
            f, d1, d2 = _activation(net.activations[L - 1], value)
            da = None if first is None else d1 * first
            d2a = None if first is None else d2 * first * first
            if second is not None:
                d2a = _add(d2a, d1 * second)
            a = (f, da, d2a)
    value, first_total, second_total = _loss_jet(plan, z)
    if plan.l2:
        value += plan.l2 * _weights_square(plan, theta)
        first_total += (
            2
            * plan.l2
            * sum(
                float(np.dot(plan.matrix(theta, L).ravel(), plan.matrix(direction, L).ravel()))
                for L in range(1, depth + 1)
            )
        )
        second_total += 2 * plan.l2 * _weights_square(plan, direction)
    return value, first_total, second_total


def float_second_directional(
    net: NetworkStructure,
    theta: np.ndarray | ParameterVector,
    direction: np.ndarray | ParameterVector,
) -> tuple[float, float, float]:
    """f, f' and f'' along ``direction`` at ``theta`` in float64 (jets; search only)."""
    t = theta.floats() if isinstance(theta, ParameterVector) else np.asarray(theta, float)
    d = (
        direction.floats()
        if isinstance(direction, ParameterVector)
        else np.asarray(direction, float)
    )
    with np.errstate(all="ignore"):
        return _jets(_Plan.of(net), t, d)


# --------------------------------------------------------------------------------------
# Points


@dataclass(frozen=True, eq=False)
class _Scales:
    """Per weight layer, the standard deviation of a random weight and of a bias, and
    the exponent of the points (one for the whole vector: points stay dyadic)."""

    weights: tuple[float, ...]
    biases: tuple[float, ...]
    exponent: int


def _scales(plan: _Plan) -> _Scales:
    x = plan.x
    with np.errstate(over="ignore", invalid="ignore"):  # data near 1e300: rms is inf
        rms = float(np.sqrt(np.mean(x * x))) if x.size else 1.0
    if not math.isfinite(rms) or rms <= 0:
        rms = 1.0
    weights, biases = [], []
    for L, (_, _, columns) in enumerate(plan.weights, start=1):
        std = 1.0 / math.sqrt(max(1, columns))
        if L == 1:
            std /= rms
        weights.append(std)
        biases.append(0.5)
    smallest = min(min(weights), 0.5)
    exponent = int(min(30, max(3, math.ceil(math.log2(4.0 / smallest)))))
    return _Scales(tuple(weights), tuple(biases), exponent)


def _draw(
    plan: _Plan,
    scales: _Scales,
    rng: np.random.Generator,
    gain: float,
    layers: tuple[int, ...] | None = None,
) -> np.ndarray:
    """Random numerators (at ``scales.exponent``), layer by layer (He/Xavier-like);
    only on ``layers`` when given (zero elsewhere)."""
    size = plan.net.layout.size
    nums = np.zeros(size, dtype=np.int64)
    unit = float(2**scales.exponent)
    for L in layers or range(1, len(plan.weights) + 1):
        offset, rows, columns = plan.weights[L - 1]
        block = rng.standard_normal(rows * columns) * (gain * scales.weights[L - 1] * unit)
        nums[offset : offset + rows * columns] = np.rint(block).astype(np.int64)
        spec = plan.biases[L - 1]
        if spec is not None:
            bias = rng.standard_normal(spec[1]) * (gain * scales.biases[L - 1] * unit)
            nums[spec[0] : spec[0] + spec[1]] = np.rint(bias).astype(np.int64)
    return nums


def _reduced(exponent: int, *vectors: np.ndarray) -> tuple[int, list[np.ndarray]]:
    """Divide out common powers of two (exactly the same points, smaller numbers)."""
    arrays = list(vectors)
    while exponent > 0 and all(not np.any(v & 1) for v in arrays):
        arrays = [v >> 1 for v in arrays]
        exponent -= 1
    return exponent, arrays


def _floats(nums: np.ndarray, exponent: int) -> np.ndarray:
    return nums.astype(np.float64) * 2.0**-exponent


# --------------------------------------------------------------------------------------
# Certification (by the trusted kernel)


class _Search:
    """One search: the plan, the selected coordinates, the generator and the budget."""

    def __init__(self, model: ModelClaim, sign: int, seed: int, tries: int, deadline: Any) -> None:
        assert model.network is not None
        self.net = model.network
        self.plan = _Plan.of(self.net)
        self.sign = 1 if sign > 0 else -1
        self.relation = ">" if self.sign > 0 else "<"
        self.rng = np.random.default_rng(seed)
        self.tries = max(1, int(tries))
        self.deadline = deadline
        self.selected = np.zeros(self.net.layout.size, dtype=bool)
        self.selected[np.asarray(model.selected, dtype=np.int64)] = True
        self.scales = _scales(self.plan)
        self.passes = max(MIN_PASSES, min(4 * self.tries, STAGE_WORK // self.plan.work))
        # The weight layers with a selected coordinate; every point of a witness agrees
        # on the layers before the first of them, so the pass up to there is shared.
        self.moved = tuple(
            L
            for L in range(1, self.net.depth + 1)
            if self.plan.matrix(self.selected, L).any()
            or bool((bias := self.plan.bias(self.selected, L)) is not None and bias.any())
        )
        self.start = self.moved[0]

    def expired(self) -> bool:
        return self.deadline is not None and self.deadline.expired()

    def loss(
        self, nums: np.ndarray, exponent: int, start: int = 1, prefix: np.ndarray | None = None
    ) -> float:
        with np.errstate(all="ignore"):
            return _loss(self.plan, _floats(nums, exponent), start, prefix)

    def prefix(self, nums: np.ndarray, exponent: int, start: int) -> np.ndarray:
        with np.errstate(all="ignore"):
            return _prefix(self.plan, _floats(nums, exponent), start)

    # ---- certification

    def certify_segment(
        self, a: np.ndarray, b: np.ndarray, exponent: int, argument: str, swap: str = ""
    ) -> ModelSegmentWitness | None:
        exponent, (a, b) = _reduced(exponent, a, b)
        va, vb = ParameterVector(a, exponent), ParameterVector(b, exponent)
        vm = ParameterVector(a + b, exponent + 1)
        half = Fraction(1, 2)
        for precision in PRECISIONS:
            if self.expired():
                return None
            found: list[Enclosure] = []
            for point in (va, vb, vm):
                enclosure = enclosure_of_ball(loss_ball(self.net, point, precision))
                if enclosure is None:
                    break
                found.append(enclosure)
            if len(found) < 3:
                continue
            f_a, f_b, f_m = found
            values = {"f_a": f_a, "f_b": f_b, "f_m": f_m, "chord": chord_of(f_a, f_b, half)}
            if segment_relation(values) == self.relation:
                return ModelSegmentWitness(
                    a=va,
                    b=vb,
                    t=half,
                    relation=self.relation,
                    values=tuple((key, values[key]) for key in ("f_a", "f_b", "f_m", "chord")),
                    precision=precision,
                    argument=argument,
                    swap=swap,
                )
        return None

    def certify_curvature(
        self, point: np.ndarray, exponent: int, direction: np.ndarray, dexp: int
    ) -> ModelCurvatureWitness | None:
        exponent, (point,) = _reduced(exponent, point)
        dexp, (direction,) = _reduced(dexp, direction)
        vp, vd = ParameterVector(point, exponent), ParameterVector(direction, dexp)
        wanted = "<0" if self.sign > 0 else ">0"
        for precision in PRECISIONS:
            if self.expired():
                return None
            try:
                ball = second_directional_ball(self.net, vp, vd, precision)
            except NotSmooth:
                return None
            value = enclosure_of_ball(ball)
            if value is not None and sign_shown(value) == wanted:
                return ModelCurvatureWitness(
                    point=vp,
                    direction=vd,
                    relation=wanted,
                    values=(("second_derivative", value),),
                    precision=precision,
                )
        return None

    def best(
        self,
        candidates: list[tuple[float, Any]],
        certify: Callable[[Any], ModelSegmentWitness | ModelCurvatureWitness | None],
    ) -> ModelSegmentWitness | ModelCurvatureWitness | None:
        """Certify the clearest candidates (largest relative float gap first)."""
        kept = [c for c in candidates if c[0] > RELATIVE_GAP and math.isfinite(c[0])]
        kept.sort(key=lambda c: -c[0])
        for _, candidate in kept[:MAX_CERTIFY]:
            if self.expired():
                return None
            witness = certify(candidate)
            if witness is not None:
                return witness
        return None

    # ---- (1) the permutation argument

    def swappable_units(self, L: int) -> np.ndarray:
        """Units of hidden layer L whose incoming row and outgoing column are all
        selected.  Their biases need not be: two units whose biases are parameters get
        the same bias, which the swap leaves in place."""
        mask = self.selected
        incoming = self.plan.matrix(mask, L).all(axis=1)
        outgoing = self.plan.matrix(mask, L + 1).all(axis=0)
        return np.flatnonzero(incoming & outgoing)

    def permutation(self) -> ModelSegmentWitness | None:
        depth = len(self.plan.weights)
        layers = [
            (L, units) for L in range(1, depth) if (units := self.swappable_units(L)).size >= 2
        ]
        if not layers:
            return None
        per_base = 1 + 2 * len(_MULTIPLIERS)
        bases = max(1, min(self.tries, self.passes) // (per_base * len(layers)))
        for L, units in layers:
            candidates: list[tuple[float, Any]] = []

            def certify(c: Any, L: int = L) -> ModelSegmentWitness | None:
                a, b, exponent, i, j = c
                swap = f"units {i + 1} and {j + 1} of hidden layer {L}"
                return self.certify_segment(a, b, exponent, "permutation", swap)

            for k in range(bases):
                for gap, candidate in self._swap_candidates(L, units, k):
                    if self.expired():
                        return None
                    if gap > CLEAR_GAP:
                        # A clear violation: certify it now, search on only if it fails.
                        witness = certify(candidate)
                        if witness is not None:
                            return witness
                    else:
                        candidates.append((gap, candidate))
            witness = self.best(candidates, certify)
            if witness is not None:
                return witness  # type: ignore[return-value]
        return None

    def _swap_candidates(self, L: int, units: np.ndarray, k: int) -> Iterator[tuple[float, Any]]:
        plan, scales = self.plan, self.scales
        if k == 0:
            i, j = int(units[0]), int(units[1])
        else:
            i, j = (int(u) for u in self.rng.choice(units, size=2, replace=False))
        gain = (1.0, 2.0, 0.5)[k % 3]
        theta = _draw(plan, scales, self.rng, gain)
        exponent = scales.exponent
        W, V = plan.matrix(theta, L), plan.matrix(theta, L + 1)
        if not np.any(W[i]):
            W[i, self.rng.integers(W.shape[1])] = 1
        W[j] = -W[i]
        bias = plan.bias(theta, L)
        if bias is not None:
            chosen = plan.bias(self.selected, L)
            assert chosen is not None
            # Negated with the unit when both are variables, else equal (then a and b
            # agree there, as they must on parameters).
            bias[j] = -bias[i] if chosen[i] and chosen[j] else bias[i]
        v0 = V[:, i].copy()
        if not np.any(v0):
            v0[0] = 1
        # The midpoint: both units' weights zeroed (numerators of a + b, at exponent + 1,
        # are twice these at exponent), their biases averaged.
        middle = theta.copy()
        plan.matrix(middle, L)[[i, j]] = 0
        mbias = plan.bias(middle, L)
        if mbias is not None:
            mbias[[i, j]] = (mbias[i] + mbias[j]) // 2
        plan.matrix(middle, L + 1)[:, [i, j]] = 0
        # Layers before L are the same in every point here: one shared prefix.
        shared = self.prefix(theta, exponent, L)
        f_m = self.loss(middle, exponent, L, shared)
        if not math.isfinite(f_m):
            return
        for multiplier in _MULTIPLIERS:
            for s in (1.0, -1.0):
                v = np.rint(v0 * (s * multiplier)).astype(np.int64)
                if not np.any(v):
                    continue
                V[:, i], V[:, j] = v, -v
                f_a = self.loss(theta, exponent, L, shared)
                if not math.isfinite(f_a):
                    continue
                gap = self.sign * (f_m - f_a) / (1.0 + abs(f_a) + abs(f_m))
                a = theta.copy()
                b = theta.copy()
                Wb, Vb = plan.matrix(b, L), plan.matrix(b, L + 1)
                Wb[[i, j]] = Wb[[j, i]]
                Vb[:, [i, j]] = Vb[:, [j, i]]
                bb = plan.bias(b, L)
                if bb is not None:
                    bb[[i, j]] = bb[[j, i]]
                yield gap, (a, b, exponent, i, j)

    # ---- (2) curvature

    def _direction(self, style: int) -> tuple[np.ndarray, int]:
        """Numerators of a direction in the selected coordinates (at its own exponent)."""
        plan, scales, rng = self.plan, self.scales, self.rng
        size = self.net.layout.size
        depth = len(plan.weights)
        if style % 2 == 0:
            nums = _draw(plan, scales, rng, 1.0)
            exponent = scales.exponent
        else:
            nums = rng.integers(-4, 5, size=size).astype(np.int64)
            exponent = 2
        if depth >= 2 and style % 3 == 2:
            # Two consecutive layers only: the bilinear part of the curvature.
            L = int(rng.integers(1, depth))
            keep = np.zeros(size, dtype=bool)
            for layer in (L, L + 1):
                plan.matrix(keep, layer)[...] = True
                bias = plan.bias(keep, layer)
                if bias is not None:
                    bias[...] = True
            nums[~keep] = 0
        nums[~self.selected] = 0
        if not np.any(nums):
            index = np.flatnonzero(self.selected)
            nums[index[int(rng.integers(index.size))]] = 1
        return nums, exponent

    def curvature_futile(self) -> bool:
        """True when no direction can curve the loss downward (sign +1): the selected
        coordinates lie in one weight layer, every later activation is piecewise linear
        and the loss is convex in the scores, so along any line the scores are piecewise
        linear and the loss piecewise convex.  (A search shortcut, not a proof.)"""
        if self.sign < 0:
            return False
        moved = self.moved
        convex_scores = self.net.loss != "square" or self.net.head == "identity"
        later = self.net.activations[moved[0] - 1 :] if moved else ()
        return (
            len(moved) == 1 and convex_scores and all(act in ("relu", "identity") for act in later)
        )

    def curvature(self) -> ModelCurvatureWitness | None:
        if self.curvature_futile():
            return None
        count = max(1, min(self.tries, self.passes // 4))
        candidates: list[tuple[float, Any]] = []
        theta, exponent, shared = None, self.scales.exponent, None
        for k in range(count):
            if self.expired():
                return None
            if k % 4 == 0:
                theta = _draw(self.plan, self.scales, self.rng, (1.0, 2.0, 0.5)[(k // 4) % 3])
                shared = self.prefix(theta, exponent, self.start)
            assert theta is not None
            direction, dexp = self._direction(k)
            with np.errstate(all="ignore"):
                f, _, second = _jets(
                    self.plan,
                    _floats(theta, exponent),
                    _floats(direction, dexp),
                    self.start,
                    shared,
                )
            if not (math.isfinite(f) and math.isfinite(second)):
                continue
            norm = float(np.sum(_floats(direction, dexp) ** 2))
            score = -self.sign * second / ((1.0 + abs(f)) * max(norm, 1e-300))
            if not np.isfinite(score):
                continue
            candidates.append((score, (theta.copy(), exponent, direction, dexp)))
            if score > CLEAR_GAP:
                # Found a clear one: certify now, search further only if it fails.
                witness = self.certify_curvature(theta, exponent, direction, dexp)
                if witness is not None:
                    return witness
                candidates.pop()
        return self.best(  # type: ignore[return-value]
            candidates, lambda c: self.certify_curvature(c[0], c[1], c[2], c[3])
        )

    # ---- (3) segments

    def segments(self) -> ModelSegmentWitness | None:
        count = max(1, min(self.tries, self.passes // 3))
        candidates: list[tuple[float, Any]] = []
        exponent, start = self.scales.exponent, self.start
        a, shared, f_a = None, None, math.nan
        for k in range(count):
            if self.expired():
                return None
            gain = (1.0, 2.0, 0.5, 4.0)[(k // 4) % 4]
            if k % 4 == 0:
                a = _draw(self.plan, self.scales, self.rng, gain)
                shared = self.prefix(a, exponent, start)
                f_a = self.loss(a, exponent, start, shared)
            assert a is not None
            other = _draw(self.plan, self.scales, self.rng, gain, self.moved)
            if k % 2:
                # A shorter segment around a.
                other = a + (other >> 2)
            b = np.where(self.selected, other, a)
            if np.array_equal(a, b):
                continue
            # a, b and m agree before layer start: the shared prefix serves all three.
            f_b = self.loss(b, exponent, start, shared)
            f_m = self.loss(a + b, exponent + 1, start, shared)
            if not all(math.isfinite(v) for v in (f_a, f_b, f_m)):
                continue
            gap = self.sign * (f_m - (f_a + f_b) / 2) / (1.0 + abs(f_a) + abs(f_b) + abs(f_m))
            if gap > CLEAR_GAP:
                witness = self.certify_segment(a, b, exponent, "search")
                if witness is not None:
                    return witness
            else:
                candidates.append((gap, (a, b, exponent)))
        return self.best(  # type: ignore[return-value]
            candidates, lambda c: self.certify_segment(c[0], c[1], c[2], "search")
        )


def find_network_witness(
    model: ModelClaim,
    sign: int,
    *,
    seed: int,
    tries: int = 64,
    deadline: Any = None,
) -> ModelSegmentWitness | ModelCurvatureWitness | None:
    """A certified witness that the network's loss is not convex (``sign`` +1) or not
    concave (``sign`` −1) in the claim's selected coordinates, or None.

    The permutation argument first, then curvature, then segments (module docstring);
    the work is bounded by ``tries`` and the float budget, ``deadline`` (anything with
    ``expired()``) is a safety net only.  Same model, sign and seed: same witness.
    """
    if model.network is None or len(model.selected) == 0:
        return None
    search = _Search(model, sign, seed, tries, deadline)
    for stage in (search.permutation, search.curvature, search.segments):
        if search.expired():
            return None
        witness = stage()
        if witness is not None:
            return witness
    return None
