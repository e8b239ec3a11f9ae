"""The ``xp`` namespace a traced function computes with: the array-API names of NumPy.

A function written against an array namespace (``def loss(w, X, y, xp): return
xp.sum(xp.log1p(xp.exp(-y * (X @ w))))``) runs unchanged with ``xp=numpy`` on numbers
and with ``xp=`` :data:`XP` on traced arrays, where every call builds the scalar
formula instead of computing a number.  The vocabulary (:data:`VOCABULARY`):

- elementwise: ``exp``, ``log``, ``log1p`` (log(1 + x)), ``log2``, ``log10``, ``expm1``
  (exp(x) - 1), ``sqrt``, ``square``, ``reciprocal``, ``abs``/``absolute``, ``sin``,
  ``cos``, ``tan``, ``sinh``, ``cosh``, ``tanh``, ``arctan``/``atan``, ``erf``,
  ``negative``, ``positive``, ``add``, ``subtract``, ``multiply``, ``divide``/
  ``true_divide``, ``power``/``pow``, ``maximum``, ``minimum``, ``logaddexp``, ``clip``;
  the extras ``sigmoid`` (1/(1 + exp(-x))), ``softplus`` (log(1 + exp(x))) and ``relu``
  (max(0, x)), which NumPy does not have;
- reductions, over all entries or along ``axis=`` (with ``keepdims=``): ``sum``,
  ``mean``, ``max``/``amax``, ``min``/``amin``, ``prod``, ``logsumexp`` (as
  ``scipy.special.logsumexp``);
- linear algebra: ``dot``, ``matmul``, ``vdot``, ``inner``, ``outer``, ``linalg.norm``
  (vectors: ord 2, 1, inf; matrices: Frobenius), the operator ``@``;
- conditions: ``where(cond, a, b)`` (a Piecewise), ``less``, ``less_equal``,
  ``greater``, ``greater_equal``, ``logical_and``, ``logical_or``, ``logical_not`` and
  the operators ``< <= > >= & | ~``;
- structure: ``asarray``/``array``, ``stack``, ``concatenate``, ``reshape``, ``ravel``,
  ``transpose``, ``expand_dims``, ``zeros``, ``ones``, ``full``, ``zeros_like``,
  ``ones_like``, ``eye``, ``arange``, ``shape``, ``ndim``, ``size``;
- constants: ``pi``, ``e``, ``inf`` (only as ``ord`` of a norm: a formula has no
  infinite constants), ``newaxis``.

Any other name, ``xp.foo``, raises :class:`~convexity_proofs._trace.arrays.
TracedAttributeError` (an ExpressionError) naming it, with a did-you-mean.  Wrong
arguments (``xp.sum(x, axis=(0, 1))``, an unknown keyword) are ExpressionErrors too.
"""

from __future__ import annotations

import ast
import difflib
import functools
import inspect
import math
import operator
import types
from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import Any, Final

import numpy as np

from convexity_proofs._trace.arrays import (
    TracedArray,
    TracedAttributeError,
    condition_tensor,
    fail,
    guarded,
    record,
    to_tensor,
    user_location,
)
from convexity_proofs._vector import ops

__all__ = ["VOCABULARY", "XP", "index_tensor", "reduction", "reshape_tensor"]

_FUNCTIONS: dict[str, Callable[..., Any]] = {}
_LINALG: dict[str, Callable[..., Any]] = {}


def _vocabulary(name: str, table: dict[str, Callable[..., Any]] = _FUNCTIONS) -> Callable:
    """Register ``function`` as ``xp.<name>``; arguments that do not fit its signature
    raise ExpressionError naming the call (not Python's TypeError)."""

    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(function)
        plain = signature.replace(
            parameters=[p.replace(annotation=p.empty) for p in signature.parameters.values()],
            return_annotation=inspect.Signature.empty,
        )
        shown = f"xp.linalg.{name}" if table is _LINALG else f"xp.{name}"

        @functools.wraps(function)
        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                signature.bind(*args, **kwargs)
            except TypeError as exc:
                fail(f"{shown}(): {exc}", f"its signature is {shown}{plain}")
            return function(*args, **kwargs)

        call.__name__ = call.__qualname__ = name
        table[name] = call
        return call

    return register


def _what(name: str) -> str:
    return f"xp.{name}()"


def _values(value: Any, what: str) -> ops.Tensor:
    """An operand: materialises a generator (``xp.sum(f(i) for i in ...)``)."""
    if isinstance(value, Iterator | types.GeneratorType) and not isinstance(value, TracedArray):
        value = list(value)
    return to_tensor(value, what)


# ------------------------------------------------------------------- elementwise


def _registry(name: str, function: str) -> None:
    def elementwise(x: Any) -> TracedArray:
        what = _what(name)
        return guarded(what, ops.apply, function, [_values(x, what)])

    elementwise.__doc__ = f"{function}(x) elementwise."
    _vocabulary(name)(elementwise)


for _name, _function in [
    ("exp", "exp"),
    ("log", "log"),
    ("sqrt", "sqrt"),
    ("sin", "sin"),
    ("cos", "cos"),
    ("tan", "tan"),
    ("sinh", "sinh"),
    ("cosh", "cosh"),
    ("tanh", "tanh"),
    ("arctan", "atan"),
    ("atan", "atan"),
    ("erf", "erf"),
    ("abs", "abs"),
    ("absolute", "abs"),
    ("sigmoid", "sigmoid"),
    ("softplus", "softplus"),
    ("relu", "relu"),
]:
    _registry(_name, _function)


def _one() -> ops.Tensor:
    return ops.constant(1)


@_vocabulary("log1p")
def _log1p(x: Any) -> TracedArray:
    """log(1 + x)."""
    what = _what("log1p")
    inner = guarded(what, ops.binary, "+", _one(), _values(x, what))
    return guarded(what, ops.apply, "log", [inner._tensor])


@_vocabulary("expm1")
def _expm1(x: Any) -> TracedArray:
    """exp(x) - 1."""
    what = _what("expm1")
    inner = guarded(what, ops.apply, "exp", [_values(x, what)])
    return guarded(what, ops.binary, "-", inner._tensor, _one())


def _log_base(name: str, base: int) -> None:
    def logarithm(x: Any) -> TracedArray:
        what = _what(name)
        top = guarded(what, ops.apply, "log", [_values(x, what)])
        bottom = guarded(what, ops.apply, "log", [ops.constant(base)])
        return guarded(what, ops.binary, "/", top._tensor, bottom._tensor)

    logarithm.__doc__ = f"log(x)/log({base})."
    _vocabulary(name)(logarithm)


_log_base("log2", 2)
_log_base("log10", 10)


@_vocabulary("square")
def _square(x: Any) -> TracedArray:
    """x**2."""
    what = _what("square")
    return guarded(what, ops.binary, "**", _values(x, what), ops.constant(2))


@_vocabulary("reciprocal")
def _reciprocal(x: Any) -> TracedArray:
    """1/x."""
    what = _what("reciprocal")
    return guarded(what, ops.binary, "/", _one(), _values(x, what))


@_vocabulary("negative")
def _negative(x: Any) -> TracedArray:
    what = _what("negative")
    return guarded(what, ops.negate, _values(x, what))


@_vocabulary("positive")
def _positive(x: Any) -> TracedArray:
    return TracedArray(_values(x, _what("positive")))


def _binary(name: str, op: str) -> None:
    def combine(x1: Any, x2: Any) -> TracedArray:
        what = _what(name)
        return guarded(what, ops.binary, op, _values(x1, what), _values(x2, what))

    combine.__doc__ = f"x1 {op} x2 elementwise, broadcast."
    _vocabulary(name)(combine)


for _name, _op in [
    ("add", "+"),
    ("subtract", "-"),
    ("multiply", "*"),
    ("divide", "/"),
    ("true_divide", "/"),
    ("power", "**"),
    ("pow", "**"),
]:
    _binary(_name, _op)


def _lattice(name: str, function: str) -> None:
    def combine(x1: Any, x2: Any) -> TracedArray:
        what = _what(name)
        return guarded(what, ops.apply, function, [_values(x1, what), _values(x2, what)])

    combine.__doc__ = f"{function}(x1, x2) elementwise, broadcast."
    _vocabulary(name)(combine)


_lattice("maximum", "max")
_lattice("minimum", "min")
_lattice("logaddexp", "logsumexp")


@_vocabulary("clip")
def _clip(a: Any, a_min: Any = None, a_max: Any = None) -> TracedArray:
    """min(max(a, a_min), a_max) elementwise (either bound may be None)."""
    what = _what("clip")
    result = _values(a, what)
    if a_min is not None:
        result = guarded(what, ops.apply, "max", [result, _values(a_min, what)])._tensor
    if a_max is not None:
        result = guarded(what, ops.apply, "min", [result, _values(a_max, what)])._tensor
    if a_min is None and a_max is None:
        fail("xp.clip() needs a_min or a_max")
    return TracedArray(result)


# -------------------------------------------------------------------- reductions


def _axis(axis: Any, what: str) -> int | None:
    if axis is None:
        return None
    if isinstance(axis, bool) or not isinstance(axis, int | np.integer):
        if isinstance(axis, tuple | list):
            fail(
                f"{what} with a tuple of axes {tuple(axis)!r} is not supported",
                "reduce one axis at a time, or all of them with axis=None",
            )
        fail(f"the axis of {what} must be an integer or None, found {axis!r}")
    return int(axis)


def reduction(kind: str, a: Any, axis: Any, keepdims: Any, what: str) -> TracedArray:
    """``kind`` over all entries or along ``axis`` (NumPy's keepdims)."""
    tensor = _values(a, what)
    where = _axis(axis, what)
    result = guarded(what, ops.reduce, kind, tensor, where)
    if not isinstance(keepdims, bool | np.bool_):
        fail(f"keepdims of {what} must be True or False, found {keepdims!r}")
    if keepdims:
        kept = result._tensor
        if where is None:
            kept = kept.reshape((1,) * tensor.ndim)
        else:
            kept = np.expand_dims(kept, where % tensor.ndim)
        result = TracedArray(kept)
    return result


def _reducer(name: str, kind: str) -> None:
    def reduce(a: Any, axis: Any = None, keepdims: Any = False) -> TracedArray:
        return reduction(kind, a, axis, keepdims, _what(name))

    reduce.__doc__ = f"{kind} over all entries (axis=None) or along one axis."
    _vocabulary(name)(reduce)


for _name, _kind in [
    ("sum", "sum"),
    ("mean", "mean"),
    ("max", "max"),
    ("amax", "max"),
    ("min", "min"),
    ("amin", "min"),
    ("prod", "prod"),
    ("logsumexp", "logsumexp"),
]:
    _reducer(_name, _kind)


# ---------------------------------------------------------------- linear algebra


@_vocabulary("dot")
def _dot(a: Any, b: Any) -> TracedArray:
    what = _what("dot")
    return guarded(what, ops.dot, _values(a, what), _values(b, what))


@_vocabulary("matmul")
def _matmul(x1: Any, x2: Any) -> TracedArray:
    what = _what("matmul")
    return guarded(what, ops.matmul, _values(x1, what), _values(x2, what))


@_vocabulary("vdot")
def _vdot(a: Any, b: Any) -> TracedArray:
    """The dot product of the flattened arrays."""
    what = _what("vdot")
    left, right = _values(a, what).reshape(-1), _values(b, what).reshape(-1)
    return guarded(what, ops.dot, left, right)


@_vocabulary("inner")
def _inner(a: Any, b: Any) -> TracedArray:
    """The inner product of two vectors (or a scalar times an array)."""
    what = _what("inner")
    left, right = _values(a, what), _values(b, what)
    if left.ndim > 1 or right.ndim > 1:
        fail(f"{what} of arrays of shapes {left.shape} and {right.shape}", "use xp.dot or @")
    return guarded(what, ops.dot, left, right)


@_vocabulary("outer")
def _outer(a: Any, b: Any) -> TracedArray:
    """a[i]*b[j] of the flattened arrays."""
    what = _what("outer")
    left, right = _values(a, what).reshape(-1, 1), _values(b, what).reshape(1, -1)
    return guarded(what, ops.binary, "*", left, right)


@_vocabulary("norm", _LINALG)
def _norm(x: Any, ord: Any = None, axis: Any = None, keepdims: Any = False) -> TracedArray:
    """NumPy's linalg.norm of a vector (ord None or 2, 1, inf) or the Frobenius norm of a
    matrix (ord None or 'fro')."""
    what = "xp.linalg.norm()"
    if axis is not None:
        fail(f"{what} with axis={axis!r} is not supported", "index the rows and take each norm")
    if keepdims:
        fail(f"{what} with keepdims=True is not supported")
    tensor = _values(x, what)
    if isinstance(ord, float) and math.isinf(ord) and ord > 0:
        ord = "inf"
    return guarded(what, ops.norm, tensor, ord)


# -------------------------------------------------------------------- conditions


@_vocabulary("where")
def _where(condition: Any, x: Any, y: Any) -> TracedArray:
    """Piecewise((x, condition), (y, True)) elementwise, broadcast."""
    what = _what("where")
    cond = condition_tensor(condition, what)
    return guarded(what, ops.where, cond, _values(x, what), _values(y, what))


def _comparison(name: str, op: str) -> None:
    def compare(x1: Any, x2: Any) -> TracedArray:
        what = _what(name)
        return guarded(what, ops.compare, op, _values(x1, what), _values(x2, what))

    compare.__doc__ = f"x1 {op} x2 elementwise: a condition, for xp.where."
    _vocabulary(name)(compare)


for _name, _op in [
    ("less", "<"),
    ("less_equal", "<="),
    ("greater", ">"),
    ("greater_equal", ">="),
]:
    _comparison(_name, _op)


def _logical(name: str, op: str) -> None:
    def combine(x1: Any, x2: Any) -> TracedArray:
        what = _what(name)
        tensors = [condition_tensor(x1, what), condition_tensor(x2, what)]
        return guarded(what, ops.logical, op, tensors)

    _vocabulary(name)(combine)


_logical("logical_and", "and")
_logical("logical_or", "or")


@_vocabulary("logical_not")
def _logical_not(x: Any) -> TracedArray:
    what = _what("logical_not")
    return guarded(what, ops.logical, "not", [condition_tensor(x, what)])


# --------------------------------------------------------------------- structure


def _shape(shape: Any, what: str) -> tuple[int, ...]:
    if isinstance(shape, int | np.integer) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, tuple | list):
        fail(f"the shape in {what} must be an integer or a tuple of integers, found {shape!r}")
    out = []
    for n in shape:
        try:
            out.append(operator.index(n))
        except TypeError:
            fail(f"the shape in {what} must hold integers, found {n!r}")
    return tuple(out)


def _sized(shape: tuple[int, ...], what: str) -> tuple[int, ...]:
    if any(n < 0 for n in shape):
        fail(f"negative dimensions in the shape {shape} in {what}")
    size = math.prod(shape)
    if size > ops.MAX_ENTRIES:
        fail(f"{what} would have {size} entries (the limit is {ops.MAX_ENTRIES})")
    return shape


def reshape_tensor(tensor: ops.Tensor, shape: Any, what: str) -> ops.Tensor:
    wanted = _shape(shape, what)
    try:
        return tensor.reshape(wanted)
    except ValueError:
        fail(f"cannot reshape an array of shape {tensor.shape} into shape {wanted} in {what}")


@_vocabulary("reshape")
def _reshape(a: Any, shape: Any) -> TracedArray:
    what = _what("reshape")
    return TracedArray(reshape_tensor(_values(a, what), shape, what))


@_vocabulary("ravel")
def _ravel(a: Any) -> TracedArray:
    return TracedArray(_values(a, _what("ravel")).reshape(-1))


@_vocabulary("transpose")
def _transpose(a: Any, axes: Any = None) -> TracedArray:
    array = TracedArray(_values(a, _what("transpose")))
    return array.transpose() if axes is None else array.transpose(axes)


@_vocabulary("expand_dims")
def _expand_dims(a: Any, axis: Any) -> TracedArray:
    what = _what("expand_dims")
    tensor = _values(a, what)
    where = _axis(axis, what)
    if where is None or not -tensor.ndim - 1 <= where <= tensor.ndim:
        fail(f"axis {axis!r} is out of range in {what} for an array of shape {tensor.shape}")
    return TracedArray(np.expand_dims(tensor, where))


@_vocabulary("asarray")
def _asarray(a: Any) -> TracedArray:
    """A traced array of ``a``: a traced array, numbers, NumPy arrays or nested lists."""
    return TracedArray(_values(a, _what("asarray")))


_FUNCTIONS["array"] = _FUNCTIONS["asarray"]


def _same_kind(parts: list[ops.Tensor], what: str) -> None:
    kinds = {ops.is_condition(p.flat[0]) for p in parts if p.size}
    if len(kinds) > 1:
        fail(f"{what} cannot mix conditions and values")


@_vocabulary("stack")
def _stack(arrays: Any, axis: Any = 0) -> TracedArray:
    what = _what("stack")
    parts = [_values(a, what) for a in _sequence(arrays, what)]
    stacked = guarded(what, ops.stack, parts)._tensor
    where = _axis(axis, what)
    if where is None or not -stacked.ndim <= where < stacked.ndim:
        fail(f"axis {axis!r} is out of range in {what}")
    return TracedArray(np.moveaxis(stacked, 0, where))


def _sequence(arrays: Any, what: str) -> list[Any]:
    if isinstance(arrays, TracedArray):
        return list(arrays)
    if isinstance(arrays, Iterator | types.GeneratorType | list | tuple):
        return list(arrays)
    fail(f"{what} takes a list of arrays, found {type(arrays).__name__}")


@_vocabulary("concatenate")
def _concatenate(arrays: Any, axis: Any = 0) -> TracedArray:
    what = _what("concatenate")
    parts = [_values(a, what) for a in _sequence(arrays, what)]
    if not parts:
        fail(f"{what} needs at least one array")
    _same_kind(parts, what)
    where = _axis(axis, what)
    if any(p.ndim == 0 for p in parts):
        fail(f"{what} of scalars (arrays of shape ())", "use xp.stack")
    _sized((sum(p.size for p in parts),), what)
    try:
        return TracedArray(np.concatenate(parts, axis=where))
    except (ValueError, np.exceptions.AxisError) as exc:
        shapes = ", ".join(str(p.shape) for p in parts)
        fail(f"shape mismatch in {what}: shapes {shapes} ({exc})")


def _filled(shape: tuple[int, ...], value: Fraction | int) -> ops.Tensor:
    node = ops.constant(value)[()]
    out = np.empty(math.prod(shape), dtype=object)
    out[:] = [node] * out.size
    return out.reshape(shape)


@_vocabulary("zeros")
def _zeros(shape: Any) -> TracedArray:
    what = _what("zeros")
    return TracedArray(_filled(_sized(_shape(shape, what), what), 0))


@_vocabulary("ones")
def _ones(shape: Any) -> TracedArray:
    what = _what("ones")
    return TracedArray(_filled(_sized(_shape(shape, what), what), 1))


@_vocabulary("full")
def _full(shape: Any, fill_value: Any) -> TracedArray:
    what = _what("full")
    dims = _sized(_shape(shape, what), what)
    value = _values(fill_value, what)
    if value.ndim:
        fail(f"the fill value of {what} must be a scalar, found shape {value.shape}")
    out = np.empty(math.prod(dims), dtype=object)
    out[:] = [value[()]] * out.size
    return TracedArray(out.reshape(dims))


@_vocabulary("zeros_like")
def _zeros_like(a: Any) -> TracedArray:
    return TracedArray(_filled(_values(a, _what("zeros_like")).shape, 0))


@_vocabulary("ones_like")
def _ones_like(a: Any) -> TracedArray:
    return TracedArray(_filled(_values(a, _what("ones_like")).shape, 1))


@_vocabulary("eye")
def _eye(N: Any, M: Any = None) -> TracedArray:
    what = _what("eye")
    rows, columns = _shape((N, N if M is None else M), what)
    _sized((rows, columns), what)
    values = np.empty((rows, columns), dtype=object)
    for i in range(rows):
        for j in range(columns):
            values[i, j] = Fraction(int(i == j))
    return TracedArray(ops.data(values))


@_vocabulary("arange")
def _arange(start: Any, stop: Any = None, step: Any = 1) -> TracedArray:
    """Integers only: arange(n), arange(a, b), arange(a, b, step)."""
    what = _what("arange")
    if stop is None:
        start, stop = 0, start
    try:
        bounds = [operator.index(v) for v in (start, stop, step)]
    except TypeError:
        fail(f"{what} takes integers only, found {(start, stop, step)!r}")
    if bounds[2] == 0:
        fail(f"the step of {what} cannot be zero")
    values = range(*bounds)
    _sized((len(values),), what)
    return TracedArray(ops.data(np.array([Fraction(v) for v in values] or [], dtype=object)))


@_vocabulary("shape")
def _shape_of(a: Any) -> tuple[int, ...]:
    return tuple(int(n) for n in _values(a, _what("shape")).shape)


@_vocabulary("ndim")
def _ndim(a: Any) -> int:
    return int(_values(a, _what("ndim")).ndim)


@_vocabulary("size")
def _size(a: Any) -> int:
    return int(_values(a, _what("size")).size)


# ---------------------------------------------------------------------- indexing


def _index_part(part: Any) -> Any:
    """A basic index part (int, slice, None, Ellipsis), or an array for advanced indexing."""
    if part is None or part is Ellipsis:
        return part
    if isinstance(part, slice):
        try:
            return slice(
                *(
                    None if v is None else operator.index(v)
                    for v in (part.start, part.stop, part.step)
                )
            )
        except TypeError:
            fail(f"slice bounds must be integers, found {part!r}")
    if isinstance(part, bool | np.bool_):
        return np.asarray(part)
    if isinstance(part, int | np.integer):
        return int(part)
    if isinstance(part, TracedArray):
        if part.ndim == 0:
            return operator.index(part)  # an integer constant, or a clear error
        nodes = part._tensor.ravel().tolist()
        values = [getattr(node, "value", None) for node in nodes]
        if values and all(isinstance(node, ast.Constant) for node in nodes):
            # A mask decided by the data (X[:, 0] > 0 of a data matrix): constants.
            return np.array(values, dtype=np.bool_).reshape(part.shape)
        if not all(isinstance(v, Fraction) and v.denominator == 1 for v in values):
            fail(
                "a traced array used as an index",
                "only integer constants can index; the variables cannot",
            )
        return np.array([int(v) for v in values], dtype=np.intp).reshape(part.shape)
    if isinstance(part, list | np.ndarray):
        array = np.asarray(part)
        if array.size == 0:
            return np.zeros(array.shape, dtype=np.intp)
        if array.dtype.kind not in "biu":
            fail(f"an index array must hold integers or booleans, found {array.dtype}")
        return array
    fail(f"{type(part).__name__} {part!r:.40} cannot be an index", "index with integers or slices")


def index_tensor(tensor: ops.Tensor, key: Any, name: str | None = None) -> ops.Tensor:
    """``tensor[key]`` with NumPy's indexing; bounds and shapes checked with messages
    (``name``: the array's name, a variable's or a datum's, for them)."""
    parts = key if isinstance(key, tuple) else (key,)
    parts = tuple(_index_part(part) for part in parts)
    text = ", ".join(_part_text(p) for p in parts)
    if sum(p is Ellipsis for p in parts) > 1:
        fail(f"an index can have only one '...', found [{text}]")
    if all(p is None or p is Ellipsis or isinstance(p, int | slice) for p in parts):
        if Ellipsis in parts:
            at = parts.index(Ellipsis)
            used = sum(p is not None for p in parts) - 1
            fill = (slice(None),) * max(tensor.ndim - used, 0)
            parts = parts[:at] + fill + parts[at + 1 :]
        try:
            return ops.index(tensor, parts, name=name)
        except ops.TensorError as exc:
            raise record(exc.at(user_location())) from None
    # Advanced (array) indexing: structure only; the result's size is checked on a
    # zero-stride stand-in before the object array is built.
    stand_in = np.broadcast_to(np.zeros((), dtype=np.bool_), tensor.shape)
    try:
        size = stand_in[parts].size
    except (IndexError, ValueError, TypeError) as exc:
        label = f"{name} of shape {tensor.shape}" if name else f"an array of shape {tensor.shape}"
        fail(f"the index [{text}] does not fit {label}: {exc}")
    if size > ops.MAX_ENTRIES:
        fail(f"indexing with [{text}] would make {size} entries (the limit is {ops.MAX_ENTRIES})")
    result = tensor[parts]
    if not isinstance(result, np.ndarray):  # pragma: no cover - arrays index to arrays
        result = ops.from_nodes([result], ())
    return result


def _part_text(part: Any) -> str:
    if part is None:
        return "None"
    if part is Ellipsis:
        return "..."
    if isinstance(part, slice):
        pieces = ["" if v is None else str(v) for v in (part.start, part.stop, part.step)]
        return ":".join(pieces[:2] if part.step is None else pieces)
    if isinstance(part, np.ndarray):
        return f"<array of shape {part.shape}>"
    return str(part)


# --------------------------------------------------------------------- namespace

_CONSTANTS: Final = {
    "pi": TracedArray(ops.from_nodes([ast.Name(id="pi", ctx=ast.Load())], ())),
    "e": TracedArray(ops.from_nodes([ast.Name(id="E", ctx=ast.Load())], ())),
    "inf": math.inf,
    "newaxis": None,
}

#: Every name of the namespace (``linalg.norm`` for the one function of ``xp.linalg``).
VOCABULARY: Final[frozenset[str]] = frozenset(
    [*_FUNCTIONS, *_CONSTANTS, *(f"linalg.{name}" for name in _LINALG)]
)


class _Namespace:
    """A read-only namespace of functions; unknown names are refused with a hint."""

    __slots__ = ("_label", "_names")

    def __init__(self, label: str, names: dict[str, Any]) -> None:
        object.__setattr__(self, "_label", label)
        object.__setattr__(self, "_names", dict(names))

    def __getattr__(self, name: str) -> Any:
        names = object.__getattribute__(self, "_names")
        if name in names:
            return names[name]
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        label = object.__getattribute__(self, "_label")
        known = sorted(VOCABULARY if label == "xp" else names)
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean {label}.{close[0]}?" if close else ""
        raise TracedAttributeError(
            f"{label}.{name} is not in the traced vocabulary{user_location()} (known: "
            f"{', '.join(known)}){hint}"
        )

    def __setattr__(self, name: str, value: Any) -> None:
        fail(f"the xp namespace is read-only (setting xp.{name})")

    def __dir__(self) -> list[str]:
        return sorted(object.__getattribute__(self, "_names"))

    def __repr__(self) -> str:
        return f"<{object.__getattribute__(self, '_label')}: the traced array namespace>"


_LINALG_NAMESPACE: Final = _Namespace("xp.linalg", _LINALG)

#: The namespace handed to a traced function's ``xp`` parameter.
XP: Final = _Namespace("xp", {**_FUNCTIONS, **_CONSTANTS, "linalg": _LINALG_NAMESPACE})
