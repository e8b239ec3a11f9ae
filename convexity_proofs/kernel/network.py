"""A network's loss and its second directional derivative, in Arb balls.

The trusted evaluation of a structured model claim (:class:`~convexity_proofs._structure.
NetworkStructure`): the formula of its docstring, which is exactly the loss the scalar
builders write (:mod:`convexity_proofs.models.mlp`, :mod:`convexity_proofs.models.linear`,
:mod:`convexity_proofs.models._losses`, :mod:`convexity_proofs.models._functions`),
evaluated row-parallel with ``arb_mat`` products, so a 784-128-10 network on 100 rows is
two matrix products and an activation, never a SymPy expression.

* :func:`loss_ball`: f(θ) as one Arb ball;
* :func:`second_directional_ball`: d²/ds² f(θ + s·v) at s = 0 (vᵀ H v) by second-order
  forward mode: with the jets z, z', z'' of a layer's pre-activations along the line,
  z = a W^T + b, z' = a' W^T + a dW^T + db, z'' = a'' W^T + 2 a' dW^T, and through an
  activation φ: φ(z), φ'(z) z', φ''(z) z'^2 + φ'(z) z''.  ReLU and the hinge are piecewise
  linear: where the argument's ball excludes 0 their second derivative is 0 and the first
  is 0 or 1; where it may be 0 the loss need not be twice differentiable at θ along v,
  and :class:`NotSmooth` is raised;
* :func:`midpoint`, :func:`segment_enclosures`, :func:`curvature_enclosure`: the values a
  model witness records and its replay recomputes (exact rational enclosures of these
  balls), so that what a witness holds is what the checker checks.

Exactness of the inputs: a :class:`~convexity_proofs._structure.ParameterVector` is
``numerators / 2**exponent`` with numerators below 2**53 and exponent at most 1000, so
every coordinate is a normal float64 exactly (NumPy only converts and reshapes it; no
float arithmetic enters a result).  Data enter as balls: exact rationals through
``fmpq`` when known (inline data), floats exactly when the data say they are exact, and
otherwise ``arb(value, radius)``.  The l2 term is summed in exact integers.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from fractions import Fraction
from operator import mul
from typing import Any, Final

import numpy as np
from flint import arb, arb_mat, ctx, fmpq

from convexity_proofs._structure import NetworkStructure, NumericData, ParameterVector
from convexity_proofs._values import Enclosure

__all__ = [
    "ACTIVATIONS",
    "NotSmooth",
    "curvature_enclosure",
    "loss_ball",
    "midpoint",
    "second_directional_ball",
    "segment_enclosures",
]

ACTIVATIONS: Final = ("identity", "relu", "sigmoid", "tanh", "softplus")
_LOSSES: Final = ("square", "logistic", "hinge", "cross-entropy")


class NotSmooth(ArithmeticError):
    """The loss is not certified twice differentiable at the point along the direction:
    a ReLU or hinge argument's ball contains 0."""


@contextmanager
def _precision(prec: int) -> Iterator[None]:
    if not isinstance(prec, int) or isinstance(prec, bool) or not 2 <= prec <= 1 << 16:
        raise ValueError(f"precision must be an integer number of bits, found {prec!r}")
    saved = ctx.prec
    ctx.prec = prec
    try:
        yield
    finally:
        ctx.prec = saved


# --- inputs as balls --------------------------------------------------------------------

# data -> {precision: arb_mat}; keyed by the (immutable) object, dropped with it.
_DATA_CACHE: weakref.WeakKeyDictionary[NumericData, dict[int, arb_mat]] = (
    weakref.WeakKeyDictionary()
)


def _data_matrix(data: NumericData) -> arb_mat:
    """The data as an (n × k) ball matrix at the current precision: exact rationals where
    known, exact floats where the data say so, else value ± radius."""
    cache = _DATA_CACHE.setdefault(data, {})
    found = cache.get(ctx.prec)
    if found is not None:
        return found
    n, k = data.shape
    entries: list[Any]
    if data.radius is None:
        # every float is the number exactly (NumericData's contract)
        entries = data.values.ravel().tolist()
    elif data.fractions is not None:
        entries = [
            q.numerator if q.denominator == 1 else fmpq(q.numerator, q.denominator)
            for row in data.fractions
            for q in row
        ]
    else:
        entries = [
            arb(m, r) if r else arb(m)
            for m, r in zip(data.values.ravel().tolist(), data.radius.ravel().tolist(), strict=True)
        ]
    matrix = arb_mat(n, k, entries)
    cache[ctx.prec] = matrix
    return matrix


def _class_labels(data: NumericData, classes: int) -> list[int]:
    """Class labels 1..k, read exactly (one column)."""
    if data.shape[1] != 1:
        raise ValueError("cross-entropy needs one column of class labels")
    if data.fractions is not None:
        labels = [row[0] for row in data.fractions]
    else:
        if data.radius is not None and bool(np.any(data.radius[:, 0] != 0)):
            raise ValueError("class labels must be exact")
        labels = [Fraction(v) for v in data.values[:, 0].tolist()]
    out = []
    for q in labels:
        if q.denominator != 1 or not 1 <= q.numerator <= classes:
            raise ValueError(f"a class label must be an integer 1..{classes}, found {q}")
        out.append(int(q.numerator))
    return out


def _floats(vector: ParameterVector) -> np.ndarray:
    """The coordinates as float64, exactly (numerators < 2**53, exponent <= 1000: each
    value is 0 or a normal float with at most 53 significant bits)."""
    nums = np.asarray(vector.numerators, dtype=np.int64)
    if nums.size and int(np.max(np.abs(nums))) >= 2**53:
        raise ValueError("parameter numerators must be below 2**53")
    if not 0 <= vector.exponent <= 1000:
        raise ValueError("parameter exponent out of range")
    return np.ldexp(nums.astype(np.float64), -vector.exponent)


class _Layer:
    """One weight layer of a point: W^T (inputs × units) and b (1 × units) as balls,
    None where the block is zero (directions) or absent (no bias)."""

    __slots__ = ("bias", "weights")

    def __init__(self, weights: arb_mat | None, bias: arb_mat | None) -> None:
        self.weights = weights
        self.bias = bias


def _check_layout(net: NetworkStructure, size: int) -> None:
    if net.layout.size != size:
        raise ValueError(f"the parameter vector has {size} entries, the layout {net.layout.size}")
    if len(net.layers) < 2 or len(net.activations) != len(net.layers) - 2:
        raise ValueError("one activation per hidden layer")
    for name in net.activations:
        if name not in ACTIVATIONS:
            raise ValueError(f"unknown activation {name!r}")
    if net.loss not in _LOSSES:
        raise ValueError(f"unknown loss {net.loss!r}")
    if net.x.shape[1] != net.layers[0]:
        raise ValueError("the data's inputs do not match the first layer")
    if net.y.shape[0] != net.x.shape[0]:
        raise ValueError("inputs and targets differ in rows")
    for layer in range(1, net.depth + 1):
        block = net.layout.block(layer, "weights")
        if block is None or (block.rows, block.columns) != (
            net.layers[layer],
            net.layers[layer - 1],
        ):
            raise ValueError(f"layer {layer}'s weights do not match the layer sizes")
        bias = net.layout.block(layer, "biases")
        if net.bias and (bias is None or (bias.rows, bias.columns) != (net.layers[layer], 1)):
            raise ValueError(f"layer {layer}'s biases do not match the layer sizes")
        if not net.bias and bias is not None:
            raise ValueError(f"layer {layer} has biases but the network has none")


def _layers(net: NetworkStructure, vector: ParameterVector, skip_zero: bool) -> list[_Layer]:
    values = _floats(vector)
    out = []
    for layer in range(1, net.depth + 1):
        block = net.layout.block(layer, "weights")
        assert block is not None
        w = values[block.offset : block.offset + block.size]
        weights = None
        if not (skip_zero and not np.any(w)):
            wt = w.reshape(block.rows, block.columns).T
            weights = arb_mat(block.columns, block.rows, wt.ravel().tolist())
        bias = None
        bias_block = net.layout.block(layer, "biases")
        if bias_block is not None:
            b = values[bias_block.offset : bias_block.offset + bias_block.size]
            if not (skip_zero and not np.any(b)):
                bias = arb_mat(1, bias_block.rows, b.tolist())
        out.append(_Layer(weights, bias))
    return out


def _l2_sum(net: NetworkStructure, vector: ParameterVector) -> fmpq:
    """Σ w² over every weight (not the biases), exactly."""
    total = 0
    for layer in range(1, net.depth + 1):
        block = net.layout.block(layer, "weights")
        assert block is not None
        nums = vector.numerators[block.offset : block.offset + block.size].tolist()
        total += sum(map(mul, nums, nums))
    return fmpq(total, 1 << (2 * vector.exponent))


def _l2(net: NetworkStructure) -> fmpq:
    q = Fraction(net.l2)
    return fmpq(q.numerator, q.denominator)


# --- activations ------------------------------------------------------------------------


def _sigmoid(z: arb) -> arb:
    return 1 / (1 + (-z).exp())


def _softplus(z: arb) -> arb:
    return z.exp().log1p()


_VALUE: Final[dict[str, Callable[[arb], arb]]] = {
    "relu": lambda z: z.max(0),
    "sigmoid": _sigmoid,
    "tanh": lambda z: z.tanh(),
    "softplus": _softplus,
}


def _activate(
    name: str,
    z: arb_mat,
    dz: arb_mat | None,
    d2z: arb_mat | None,
    layer: int,
) -> tuple[arb_mat, arb_mat | None, arb_mat | None]:
    n, h = z.nrows(), z.ncols()
    zs = z.entries()
    if dz is None and d2z is None:
        if name == "identity":
            return z, None, None
        value = _VALUE[name]
        return arb_mat(n, h, [value(u) for u in zs]), None, None
    if name == "identity":
        return z, dz, d2z
    zero = [arb(0)] * len(zs)
    dzs = dz.entries() if dz is not None else zero
    d2zs = d2z.entries() if d2z is not None else zero
    a: list[arb] = []
    da: list[arb] = []
    d2a: list[arb] = []
    # φ(z), φ'(z)·z', φ''(z)·z'² + φ'(z)·z'', one loop per activation (a call per
    # element would cost as much as the arithmetic)
    if name == "tanh":
        for u, du, ddu in zip(zs, dzs, d2zs, strict=True):
            t = u.tanh()
            d1 = 1 - t * t
            a.append(t)
            da.append(d1 * du)
            d2a.append(d1 * (ddu - 2 * t * du * du))
    elif name == "sigmoid":
        for u, du, ddu in zip(zs, dzs, d2zs, strict=True):
            sg = 1 / (1 + (-u).exp())
            d1 = sg * (1 - sg)
            a.append(sg)
            da.append(d1 * du)
            d2a.append(d1 * ((1 - 2 * sg) * du * du + ddu))
    elif name == "softplus":
        for u, du, ddu in zip(zs, dzs, d2zs, strict=True):
            sg = 1 / (1 + (-u).exp())
            a.append(u.exp().log1p())
            da.append(sg * du)
            d2a.append(sg * (1 - sg) * du * du + sg * ddu)
    elif name == "relu":
        one_zero = arb(0)
        for i, (u, du, ddu) in enumerate(zip(zs, dzs, d2zs, strict=True)):
            if u > 0:
                a.append(u)
                da.append(du)
                d2a.append(ddu)
            elif u < 0:
                a.append(one_zero)
                da.append(one_zero)
                d2a.append(one_zero)
            else:
                raise NotSmooth(
                    f"a ReLU argument may be 0 (layer {layer}, unit {i % h + 1}, row {i // h + 1})"
                )
    else:
        raise ValueError(f"unknown activation {name!r}")
    return arb_mat(n, h, a), arb_mat(n, h, da), arb_mat(n, h, d2a)


# --- the forward pass -------------------------------------------------------------------


def _ones(n: int) -> arb_mat:
    return arb_mat(n, 1, [1] * n)


def _add(*terms: arb_mat | None) -> arb_mat | None:
    out = None
    for term in terms:
        if term is not None:
            out = term if out is None else out + term
    return out


def _times(a: arb_mat | None, b: arb_mat | None) -> arb_mat | None:
    return None if a is None or b is None else a * b


def _forward(
    net: NetworkStructure, theta: ParameterVector, direction: ParameterVector | None
) -> tuple[arb_mat, arb_mat | None, arb_mat | None]:
    """The last layer's pre-activations z (rows × outputs) and, along ``direction``, z'
    and z'' (None where they are zero)."""
    _check_layout(net, theta.numerators.size)
    point = _layers(net, theta, skip_zero=False)
    moves = _layers(net, direction, skip_zero=True) if direction is not None else None
    a: arb_mat = _data_matrix(net.x)
    da: arb_mat | None = None
    d2a: arb_mat | None = None
    n = net.rows
    ones = _ones(n)
    for index, layer in enumerate(point):
        assert layer.weights is not None
        z = a * layer.weights
        if layer.bias is not None:
            z += ones * layer.bias
        dz = d2z = None
        if moves is not None:
            move = moves[index]
            dz = _add(
                _times(da, layer.weights),
                _times(a, move.weights),
                _times(ones, move.bias),
            )
            d2z = _add(
                _times(d2a, layer.weights),
                None if (t := _times(da, move.weights)) is None else 2 * t,
            )
        if index == len(point) - 1:
            return z, dz, d2z
        a, da, d2a = _activate(net.activations[index], z, dz, d2z, index + 1)
    raise AssertionError("unreachable")  # pragma: no cover


# --- the loss ---------------------------------------------------------------------------


def _row_values(net: NetworkStructure, z: arb_mat) -> arb:
    """Σ_rows loss(z_row, y_row), value only."""
    k = z.ncols()
    zs = z.entries()
    total = arb(0)
    if net.loss == "cross-entropy":
        labels = _class_labels(net.y, k)
        for i, label in enumerate(labels):
            row = zs[i * k : (i + 1) * k]
            total += sum((u.exp() for u in row), arb(0)).log() - row[label - 1]
        return total
    ys = _data_matrix(net.y).entries()
    if len(ys) != len(zs):
        raise ValueError("the targets do not match the outputs")
    if net.loss == "square":
        if net.head == "sigmoid":
            zs = [_sigmoid(u) for u in zs]
        elif net.head != "identity":
            raise ValueError(f"the square loss takes no {net.head!r} output")
        for u, y in zip(zs, ys, strict=True):
            d = u - y
            total += d * d
        return total
    if k != 1:
        raise ValueError(f"the {net.loss} loss needs one output")
    if net.loss == "logistic":
        if net.labels == "pm1":
            for u, y in zip(zs, ys, strict=True):
                total += _softplus(-(y * u))
        else:
            for u, y in zip(zs, ys, strict=True):
                total += _softplus(u) - y * u
        return total
    # hinge: Max(0, 1 - y*z)
    for u, y in zip(zs, ys, strict=True):
        total += (1 - y * u).max(0)
    return total


def _row_second(net: NetworkStructure, z: arb_mat, dz: arb_mat | None, d2z: arb_mat | None) -> arb:
    """Σ_rows d²/ds² loss(z(s)_row, y_row) at s = 0 from the jets of z."""
    k = z.ncols()
    if dz is None and d2z is None:
        return arb(0)
    zs = z.entries()
    zero = [arb(0)] * len(zs)
    dzs = dz.entries() if dz is not None else zero
    d2zs = d2z.entries() if d2z is not None else zero
    total = arb(0)
    if net.loss == "cross-entropy":
        labels = _class_labels(net.y, k)
        for i, label in enumerate(labels):
            lo, hi = i * k, (i + 1) * k
            exps = [u.exp() for u in zs[lo:hi]]
            norm = sum(exps, arb(0))
            p = [e / norm for e in exps]
            d, dd = dzs[lo:hi], d2zs[lo:hi]
            mean = sum((pc * dc for pc, dc in zip(p, d, strict=True)), arb(0))
            total += (
                sum((pc * (ddc + dc * dc) for pc, dc, ddc in zip(p, d, dd, strict=True)), arb(0))
                - mean * mean
                - dd[label - 1]
            )
        return total
    ys = _data_matrix(net.y).entries()
    if len(ys) != len(zs):
        raise ValueError("the targets do not match the outputs")
    if net.loss == "square":
        if net.head not in ("identity", "sigmoid"):
            raise ValueError(f"the square loss takes no {net.head!r} output")
        for u, du, ddu, y in zip(zs, dzs, d2zs, ys, strict=True):
            if net.head == "sigmoid":
                o = _sigmoid(u)
                d1 = o * (1 - o)
                do, ddo = d1 * du, d1 * ((1 - 2 * o) * du * du + ddu)
            else:
                o, do, ddo = u, du, ddu
            total += 2 * (do * do + (o - y) * ddo)
        return total
    if k != 1:
        raise ValueError(f"the {net.loss} loss needs one output")
    if net.loss == "logistic":
        for u, du, ddu, y in zip(zs, dzs, d2zs, ys, strict=True):
            if net.labels == "pm1":
                # softplus(-y z): d = -y σ(-y z) dz, d2 = y² σ'(-y z) dz² - y σ(-y z) dz''
                s = _sigmoid(-(y * u))
                total += y * y * s * (1 - s) * du * du - y * s * ddu
            else:
                s = _sigmoid(u)
                total += s * (1 - s) * du * du + (s - y) * ddu
        return total
    # hinge: Max(0, 1 - y z) is 1 - y z where that is positive, 0 where negative
    for i, (u, ddu, y) in enumerate(zip(zs, d2zs, ys, strict=True)):
        argument = 1 - y * u
        if argument.contains(0):
            raise NotSmooth(f"a hinge argument may be 0 (row {i + 1})")
        if argument > 0:
            total -= y * ddu
    return total


def loss_ball(net: NetworkStructure, theta: ParameterVector, prec: int) -> arb:
    """f(θ): the network's loss over every row plus l2·Σ w², as an Arb ball computed at
    ``prec`` bits."""
    with _precision(prec):
        z, _, _ = _forward(net, theta, None)
        total = _row_values(net, z)
        if net.l2:
            total += arb(_l2(net) * _l2_sum(net, theta))
        return +total


def second_directional_ball(
    net: NetworkStructure, theta: ParameterVector, direction: ParameterVector, prec: int
) -> arb:
    """d²/ds² f(θ + s·v) at s = 0 (vᵀ H(θ) v) as an Arb ball at ``prec`` bits, by
    second-order forward mode; raises :class:`NotSmooth` when a ReLU or hinge argument's
    ball contains 0."""
    if direction.numerators.size != theta.numerators.size:
        raise ValueError("the point and the direction differ in size")
    with _precision(prec):
        z, dz, d2z = _forward(net, theta, direction)
        total = _row_second(net, z, dz, d2z)
        if net.l2:
            total += arb(2 * _l2(net) * _l2_sum(net, direction))
        return +total


# --- what a witness records -------------------------------------------------------------


def midpoint(a: ParameterVector, b: ParameterVector, t: Fraction) -> ParameterVector:
    """m = t·a + (1−t)·b exactly, reduced; ValueError unless t is dyadic and m is a
    parameter vector (numerators below 2**53, exponent at most 1000)."""
    t = Fraction(t)
    if a.numerators.size != b.numerators.size:
        raise ValueError("the two ends differ in size")
    den = t.denominator
    if den & (den - 1):
        raise ValueError(f"t = {t} is not a dyadic rational")
    k = den.bit_length() - 1
    p = t.numerator
    e = max(a.exponent, b.exponent)
    # m = (p·A·2^(e−ea) + (2^k − p)·B·2^(e−eb)) / 2^(e+k), in Python integers
    sa, sb = e - a.exponent, e - b.exponent
    ca, cb = p << sa, (den - p) << sb
    nums = [
        ca * x + cb * y for x, y in zip(a.numerators.tolist(), b.numerators.tolist(), strict=True)
    ]
    exponent = e + k
    common = 0
    for v in nums:
        common |= v
    if common == 0:
        exponent = 0
    else:
        shift = min((common & -common).bit_length() - 1, exponent)
        if shift:
            nums = [v >> shift for v in nums]
            exponent -= shift
    if (nums and max(-min(nums), max(nums)) >= 2**53) or exponent > 1000:
        raise ValueError("the midpoint is not a parameter vector (too many bits)")
    return ParameterVector(np.array(nums, dtype=np.int64), exponent)


def _enclosure(ball: arb) -> Enclosure | None:
    from convexity_proofs.kernel.witness_values import enclosure_of_ball

    return enclosure_of_ball(ball)


def segment_enclosures(
    net: NetworkStructure,
    a: ParameterVector,
    b: ParameterVector,
    t: Fraction,
    prec: int,
) -> dict[str, Enclosure] | None:
    """f(a), f(b), f(m) (m = :func:`midpoint`) and the chord t·f(a) + (1−t)·f(b) (exact
    interval arithmetic on the other three) at ``prec`` bits; None if a ball is not
    finite."""
    from convexity_proofs.kernel.witness_values import chord_of

    m = midpoint(a, b, t)
    found = [_enclosure(loss_ball(net, v, prec)) for v in (a, b, m)]
    if any(v is None for v in found):
        return None
    f_a, f_b, f_m = found
    assert f_a is not None and f_b is not None and f_m is not None
    return {"f_a": f_a, "f_b": f_b, "f_m": f_m, "chord": chord_of(f_a, f_b, Fraction(t))}


def curvature_enclosure(
    net: NetworkStructure, point: ParameterVector, direction: ParameterVector, prec: int
) -> Enclosure | None:
    """The second directional derivative's enclosure at ``prec`` bits, or None (not
    certified twice differentiable there, or not finite)."""
    try:
        ball = second_directional_ball(net, point, direction, prec)
    except NotSmooth:
        return None
    return _enclosure(ball)
