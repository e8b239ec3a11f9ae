"""Tensors of scalar nodes: the arithmetic that vector notation and traced functions share.

A *tensor* is a NumPy object array (shape ``()`` for a scalar) whose elements are nodes
of the scalar tree (:mod:`convexity_proofs._scalar_ast`).  The claim-text expander
(:mod:`convexity_proofs._vector.expand`) and the Python tracer both compute with these
functions, so ``X @ w`` means the same scalar tree whichever way it was written.

How one entry is built (flat n-ary sums and products, exact constant folding, the
identities that may drop a term and those that may not) is
:mod:`convexity_proofs._vector.nodes`.

Every refusal is a :class:`TensorError` (an ExpressionError) whose message has no
position: the caller knows which written node it evaluated and adds ``ctx.where(node)``
with :meth:`TensorError.at`.  ``origin`` arguments are the written nodes whose position
the new nodes get (:func:`~convexity_proofs._scalar_ast.located`), or None.

Work is bounded: a tensor holds at most :data:`MAX_ENTRIES` elements (checked before
allocating), and while a :class:`Meter` is active (:func:`metering`) every node made is
counted against its limit and the caller's CPU budget is polled.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from typing import Final

import numpy as np

from convexity_proofs._scalar_ast import Entry, Exact, entry_name, located
from convexity_proofs._vector.nodes import (
    ARITY,
    BINARY,
    CALLEE,
    ELEMENTWISE_NAMES,
    LOAD,
    MAX_EXPANDED_NODES,
    SMALL_EXACT,
    Meter,
    TensorError,
    call,
    call_piecewise,
    count_nodes,
    dot_node,
    exact,
    flat_product,
    flat_sum,
    is_condition,
    metering,
    neg,
    power,
    reduce_nodes,
)

__all__ = [
    "CONDITION_OPS",
    "ELEMENTWISE_NAMES",
    "MAX_ENTRIES",
    "MAX_EXPANDED_NODES",
    "REDUCTIONS",
    "Meter",
    "Tensor",
    "TensorError",
    "apply",
    "binary",
    "compare",
    "constant",
    "data",
    "dot",
    "from_nodes",
    "index",
    "is_condition",
    "is_scalar",
    "logical",
    "matmul",
    "metering",
    "negate",
    "node_of",
    "norm",
    "nproduct",
    "nsum",
    "piecewise",
    "reduce",
    "scalar_symbol",
    "stack",
    "sum_squares",
    "transpose",
    "variable",
    "where",
]

Tensor = np.ndarray

MAX_ENTRIES: Final = 1_000_000
"""Most elements one tensor may hold (checked before it is allocated)."""


#: Registry names that apply elementwise (Piecewise is where(...)).
REDUCTIONS: Final = ("sum", "mean", "max", "min", "logsumexp", "prod")
CONDITION_OPS: Final = ("<", "<=", ">", ">=")

_COMPARE_OPS: Final[dict[str, type[ast.cmpop]]] = {
    "<": ast.Lt,
    "<=": ast.LtE,
    ">": ast.Gt,
    ">=": ast.GtE,
}
_COMPARE_FOLD: Final[dict[str, Callable[[Fraction, Fraction], bool]]] = {
    "<": lambda x, y: x < y,
    "<=": lambda x, y: x <= y,
    ">": lambda x, y: x > y,
    ">=": lambda x, y: x >= y,
}


# ------------------------------------------------------------------------ errors


# ------------------------------------------------------------------------ metering


# ------------------------------------------------------------------------ tensors


def _check_size(shape: tuple[int, ...]) -> int:
    size = math.prod(shape)
    if size > MAX_ENTRIES:
        raise TensorError(
            f"the result would have {size} entries, shape {_shape_text(shape)} (the limit "
            f"is {MAX_ENTRIES})",
            "use smaller arrays, or a model claim for large data",
        )
    return size


def _shape_text(shape: tuple[int, ...]) -> str:
    return str(tuple(int(n) for n in shape))


def _array(nodes: list[ast.expr], shape: tuple[int, ...]) -> Tensor:
    if not shape:
        return _scalar(nodes[0])
    out = np.empty(len(nodes), dtype=object)
    out[:] = nodes
    return out.reshape(shape)


def _scalar(node: ast.expr) -> Tensor:
    out = np.empty((), dtype=object)
    out[()] = node
    return out


def _as_tensor(value: object) -> Tensor:
    """A tensor from a tensor, a scalar node or an exact number (int or Fraction)."""
    if type(value) is np.ndarray:
        if value.dtype.kind != "O":
            raise TensorError(
                f"expected a tensor of scalar nodes, found a NumPy array of {value.dtype}"
            )
        return value
    if type(value) is int:
        cached = _SMALL.get(value)
        if cached is not None:
            return cached
    if isinstance(value, np.ndarray):
        return _as_tensor(np.asarray(value))
    if isinstance(value, ast.expr):
        return _scalar(value)
    if isinstance(value, bool) or not isinstance(value, int | Fraction):
        raise TensorError(f"expected a tensor or an exact number, found {type(value).__name__}")
    return _scalar(exact(Fraction(value)))


def _frozen_scalar(node: ast.expr) -> Tensor:
    out = _scalar(node)
    out.flags.writeable = False
    return out


# Shared 0-d tensors of small integer constants (their Exact leaves are never modified).
_SMALL: Final[dict[int, Tensor]] = {k: _frozen_scalar(node) for k, node in SMALL_EXACT.items()}


def constant(value: Fraction | int) -> Tensor:
    """A 0-d tensor holding the exact constant ``value``."""
    if isinstance(value, bool) or not isinstance(value, int | Fraction):
        raise TensorError(f"expected an exact number, found {type(value).__name__}")
    return _as_tensor(value)


def from_nodes(nodes: Iterable[ast.expr], shape: tuple[int, ...]) -> Tensor:
    """A tensor of ``shape`` from scalar nodes in C order (all values or all conditions)."""
    listed = list(nodes)
    size = _check_size(tuple(shape))
    if len(listed) != size:
        raise TensorError(f"{len(listed)} nodes cannot fill shape {_shape_text(shape)}")
    if listed:
        kinds = {is_condition(node) for node in listed}
        if len(kinds) > 1:
            raise TensorError("an array cannot mix conditions and values")
    return _array(listed, tuple(shape))


def variable(name: str, shape: tuple[int, ...]) -> Tensor:
    """The symbols of a name: shape ``()`` gives the plain symbol ``name``; any other
    shape a tensor of its entries ``name[0]``, ``name[1,2]`` (each its own symbol)."""
    shape = tuple(int(n) for n in shape)
    if not shape:
        return _scalar(ast.Name(id=name, ctx=LOAD))
    _check_size(shape)
    nodes: list[ast.expr] = [Entry(entry_name(name, index)) for index in np.ndindex(*shape)]
    return _array(nodes, shape)


def scalar_symbol(name: str) -> Tensor:
    """The 0-d tensor of the plain scalar symbol ``name``."""
    return _scalar(ast.Name(id=name, ctx=LOAD))


def data(values: object) -> Tensor:
    """A tensor of exact constants from an int, a Fraction or a (nested) array of them."""
    array = np.asarray(values, dtype=object)
    _check_size(array.shape)
    nodes: list[ast.expr] = []
    for value in array.ravel().tolist():
        if isinstance(value, bool) or not isinstance(value, int | Fraction):
            raise TensorError(f"data values must be exact numbers, found {type(value).__name__}")
        nodes.append(exact(Fraction(value)))
    return _array(nodes, array.shape)


def is_scalar(t: Tensor) -> bool:
    return bool(t.ndim == 0)


def node_of(t: Tensor) -> ast.expr:
    """The scalar node of a 0-d tensor."""
    if t.ndim != 0:
        raise TensorError(f"expected a scalar, found an array of shape {_shape_text(t.shape)}")
    return t[()]  # type: ignore[no-any-return]


def _first(t: Tensor) -> ast.expr | None:
    if not t.ndim:
        return t[()]  # type: ignore[no-any-return]
    return t.flat[0] if t.size else None  # type: ignore[no-any-return]


def _values(t: Tensor, what: str) -> None:
    first = _first(t)
    if first is not None and is_condition(first):
        raise TensorError(
            f"a condition (a comparison) cannot be used as a value in {what}",
            "use comparisons only in where(condition, a, b) or Piecewise",
        )


def _conditions(t: Tensor, what: str) -> None:
    first = _first(t)
    if first is not None and not is_condition(first):
        raise TensorError(f"{what} needs a condition (a comparison such as x > 0), found a value")


def _broadcast(what: str, *shapes: tuple[int, ...]) -> tuple[int, ...]:
    first = shapes[0]
    if all(shape == first for shape in shapes):
        return first  # every operand exists, so the size was checked when it was made
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        texts = " and ".join(_shape_text(s) for s in shapes)
        raise TensorError(
            f"shape mismatch in {what}: shapes {texts} do not broadcast",
            "operands must have equal shapes, or a dimension of 1 or a scalar",
        ) from None
    _check_size(shape)
    # Broadcasting materialises every operand at the full shape before a node is made:
    # with many operands (a long sum of broadcast arrays) that is counted first, so a
    # thousand of them are refused before the memory is used.  Two operands take at
    # most two lists of MAX_ENTRIES references: bounded, and not counted twice.
    if len(shapes) > 2:
        count_nodes(math.prod(shape) * len(shapes))
    return shape


def _flat(t: Tensor, shape: tuple[int, ...]) -> list[ast.expr]:
    if not shape:
        return [t[()]]
    if t.shape != shape:
        t = np.broadcast_to(t, shape)
    return t.ravel().tolist()  # type: ignore[no-any-return]


# ------------------------------------------------------------------ scalar nodes


# --------------------------------------------------------------- elementwise


def binary(op: str, a: Tensor, b: Tensor, origin: ast.AST | None = None) -> Tensor:
    """``a op b`` elementwise with NumPy broadcasting, ``op`` one of + - * / **."""
    combine = BINARY.get(op)
    if combine is None:
        raise TensorError(f"unknown operator {op!r}; the operators are + - * / **")
    scalars = _scalar_nodes((a, b), f"'{op}'")
    if scalars is not None:
        count_nodes(1)
        return _scalar(combine(scalars[0], scalars[1], origin))
    a, b = _as_tensor(a), _as_tensor(b)
    shape = _broadcast(f"'{op}'", a.shape, b.shape)
    _values(a, f"'{op}'")
    _values(b, f"'{op}'")
    count_nodes(math.prod(shape))  # before the nodes are made: memory stays bounded
    nodes = [combine(x, y, origin) for x, y in zip(_flat(a, shape), _flat(b, shape), strict=True)]
    return _array(nodes, shape)


def negate(a: Tensor, origin: ast.AST | None = None) -> Tensor:
    """``-a`` elementwise."""
    scalars = _scalar_nodes((a,), "'-'")
    if scalars is not None:
        count_nodes(1)
        return _scalar(neg(scalars[0], origin))
    a = _as_tensor(a)
    _values(a, "'-'")
    nodes = [neg(x, origin) for x in a.ravel().tolist()]
    count_nodes(len(nodes))
    return _array(nodes, a.shape)


def apply(name: str, args: Sequence[Tensor], origin: ast.AST | None = None) -> Tensor:
    """The registry function ``name`` elementwise, its arguments broadcast together
    (``max(a, b)`` of two vectors is their elementwise maximum)."""
    if name not in CALLEE:
        known = ", ".join(sorted(CALLEE, key=lambda n: (n.lower(), n)))
        hint = "use where(condition, a, b)" if name == "Piecewise" else f"the functions are {known}"
        raise TensorError(f"{name} cannot be applied elementwise", hint)
    low, high = ARITY[name]
    if len(args) < low or (high is not None and len(args) > high):
        takes = f"{low}" if low == high else f"at least {low}" if high is None else f"{low}-{high}"
        raise TensorError(f"{name}() takes {takes} argument(s), found {len(args)}")
    scalars = _scalar_nodes(args, f"{name}()")
    if scalars is not None:
        count_nodes(1)
        return _scalar(call(name, scalars, origin))
    tensors = [_as_tensor(arg) for arg in args]
    for t in tensors:
        _values(t, f"{name}()")
    shape = _broadcast(f"{name}()", *(t.shape for t in tensors))
    count_nodes(math.prod(shape))  # before the nodes are made: memory stays bounded
    columns = [_flat(t, shape) for t in tensors]
    nodes = [call(name, list(row), origin) for row in zip(*columns, strict=True)]
    return _array(nodes, shape)


# --------------------------------------------------------------- products


def matmul(a: Tensor, b: Tensor, origin: ast.AST | None = None) -> Tensor:
    """``a @ b`` with NumPy's semantics for 1-D and 2-D operands; each entry of the
    result is one NSum of products."""
    a, b = _as_tensor(a), _as_tensor(b)
    if a.ndim == 0 or b.ndim == 0:
        raise TensorError(
            f"'@' needs arrays, found shapes {_shape_text(a.shape)} and {_shape_text(b.shape)}",
            "multiply by a scalar with *",
        )
    if a.ndim > 2 or b.ndim > 2:
        raise TensorError(
            f"'@' of arrays with more than 2 dimensions is not supported, found shapes "
            f"{_shape_text(a.shape)} and {_shape_text(b.shape)}"
        )
    _values(a, "'@'")
    _values(b, "'@'")
    left = a if a.ndim == 2 else a.reshape(1, -1)
    right = b if b.ndim == 2 else b.reshape(-1, 1)
    if left.shape[1] != right.shape[0]:
        raise TensorError(
            f"shape mismatch in '@': shapes {_shape_text(a.shape)} and "
            f"{_shape_text(b.shape)} do not match ({left.shape[1]} != {right.shape[0]})",
            "the last dimension of the left operand must equal the first of the right",
        )
    rows, columns = left.shape[0], right.shape[1]
    shape = (*a.shape[:-1], *b.shape[1:]) if b.ndim == 2 else tuple(a.shape[:-1])
    _check_size((rows, columns))
    row_lists = left.tolist()
    column_lists = right.T.tolist()
    nodes = [dot_node(row, column, origin) for row in row_lists for column in column_lists]
    return _array(nodes, shape)


def dot(a: Tensor, b: Tensor, origin: ast.AST | None = None) -> Tensor:
    """NumPy's ``dot``: a scalar operand multiplies, otherwise as :func:`matmul`."""
    a, b = _as_tensor(a), _as_tensor(b)
    if a.ndim == 0 or b.ndim == 0:
        return binary("*", a, b, origin)
    if a.ndim == 1 and b.ndim == 1 and a.shape != b.shape:
        raise TensorError(
            f"shape mismatch in dot: shapes {_shape_text(a.shape)} and "
            f"{_shape_text(b.shape)} differ",
            "dot of two vectors needs equal lengths",
        )
    return matmul(a, b, origin)


# --------------------------------------------------------------- reductions


def _elementwise(
    operands: Sequence[Tensor | ast.expr | int | Fraction], what: str
) -> tuple[tuple[int, ...], list[list[ast.expr]]]:
    tensors = [_as_tensor(operand) for operand in operands]
    for t in tensors:
        _values(t, what)
    shape = _broadcast(what, *(t.shape for t in tensors))
    return shape, [_flat(t, shape) for t in tensors]


def _scalar_nodes(operands: Sequence[object], what: str) -> list[ast.expr] | None:
    """The nodes of operands that are all scalars (0-d tensors, small ints), else None:
    the common case inside comprehensions, without broadcasting's bookkeeping."""
    nodes: list[ast.expr] = []
    for operand in operands:
        if type(operand) is np.ndarray and not operand.ndim and operand.dtype.kind == "O":
            node = operand[()]
        elif type(operand) is int and operand in _SMALL:
            node = _SMALL[operand][()]
        else:
            return None
        if is_condition(node):
            _values(_scalar(node), what)
        nodes.append(node)
    return nodes


def nsum(
    operands: Sequence[Tensor | ast.expr | int | Fraction],
    negated: Sequence[bool],
    origin: ast.AST | None = None,
) -> Tensor:
    """``±a ± b ± ...`` elementwise with broadcasting, each entry one flat NSum (a run
    of + and - as written, built in linear time rather than pair by pair)."""
    if len(negated) != len(operands):
        raise TensorError("nsum: one negated flag per operand")
    scalars = _scalar_nodes(operands, "'+'")
    if scalars is not None:
        count_nodes(len(scalars))
        return _scalar(flat_sum(scalars, negated, origin))
    shape, columns = _elementwise(operands, "'+'")
    count_nodes(math.prod(shape) * len(operands))  # before the nodes are made
    nodes = [flat_sum(row, negated, origin) for row in zip(*columns, strict=True)]
    return _array(nodes, shape)


def nproduct(
    operands: Sequence[Tensor | ast.expr | int | Fraction],
    inverted: Sequence[bool],
    origin: ast.AST | None = None,
) -> Tensor:
    """``a * b / c ...`` elementwise with broadcasting, each entry one NProduct."""
    if len(inverted) != len(operands):
        raise TensorError("nproduct: one inverted flag per operand")
    scalars = _scalar_nodes(operands, "'*'")
    if scalars is not None:
        count_nodes(len(scalars))
        return _scalar(flat_product(scalars, inverted, origin))
    shape, columns = _elementwise(operands, "'*'")
    count_nodes(math.prod(shape) * len(operands))  # before the nodes are made
    nodes = [flat_product(row, inverted, origin) for row in zip(*columns, strict=True)]
    return _array(nodes, shape)


def reduce(kind: str, a: Tensor, axis: int | None = None, origin: ast.AST | None = None) -> Tensor:
    """``kind`` (sum, mean, max, min, logsumexp, prod) over all entries (``axis`` None)
    or along one axis (negative as in NumPy)."""
    if kind not in REDUCTIONS:
        raise TensorError(f"unknown reduction {kind!r}; the reductions are {', '.join(REDUCTIONS)}")
    a = _as_tensor(a)
    _values(a, f"{kind}()")
    if axis is None:
        node = reduce_nodes(kind, a.ravel().tolist(), origin)
        count_nodes(1)
        return _scalar(node)
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise TensorError(f"the axis of {kind}() must be an integer, found {axis!r}")
    if not -a.ndim <= axis < a.ndim:
        raise TensorError(
            f"axis {axis} is out of range for an array of shape {_shape_text(a.shape)} "
            f"(valid: 0..{a.ndim - 1} or -{a.ndim}..-1)"
            if a.ndim
            else f"axis {axis} is out of range for a scalar"
        )
    moved = np.moveaxis(a, axis, -1)
    shape = tuple(moved.shape[:-1])
    rows = moved.reshape(math.prod(shape), moved.shape[-1]).tolist()
    nodes = [reduce_nodes(kind, row, origin) for row in rows]
    count_nodes(len(nodes))
    return _array(nodes, shape)


def sum_squares(a: Tensor, origin: ast.AST | None = None) -> Tensor:
    """``sum of x**2`` over all entries, one NSum (defined everywhere, no sqrt)."""
    a = _as_tensor(a)
    _values(a, "sum_squares()")
    two = Exact(2)
    squares = [power(x, two, origin) for x in a.ravel().tolist()]
    count_nodes(len(squares) + 1)
    return _scalar(reduce_nodes("sum", squares, origin))


def norm(a: Tensor, ord: object = None, origin: ast.AST | None = None) -> Tensor:
    """NumPy's ``linalg.norm`` of a vector (ord None or 2, 1, ``'inf'``) or the
    Frobenius norm of a matrix (ord None or ``'fro'``).

    The matrix 2-norm (the largest singular value) is not a formula of entries, so it
    is refused rather than silently replaced by another norm.
    """
    a = _as_tensor(a)
    _values(a, "norm()")
    inf = ord == "inf" or (isinstance(ord, float) and ord == math.inf)
    if a.ndim == 2:
        if ord not in (None, "fro"):
            raise TensorError(
                f"norm of a matrix with ord={ord!r} is not supported",
                "the Frobenius norm is norm(X) or norm(X, 'fro')",
            )
    elif a.ndim != 1:
        raise TensorError(f"norm() needs a vector or a matrix, found shape {_shape_text(a.shape)}")
    elif not (ord is None or inf or (not isinstance(ord, bool) and ord in (1, 2))):
        raise TensorError(
            f"norm of a vector with ord={ord!r} is not supported",
            "ord is 1, 2 (the default) or inf",
        )
    items = a.ravel().tolist()
    if ord == 1 or inf:
        magnitudes = [call("abs", [x], origin) for x in items]
        count_nodes(len(magnitudes) + 1)
        return _scalar(reduce_nodes("max" if inf else "sum", magnitudes, origin))
    squares = node_of(sum_squares(a, origin))
    root = call("sqrt", [squares], origin)
    root.norm_squares = squares  # type: ignore[attr-defined]
    count_nodes(1)
    return _scalar(root)


# --------------------------------------------------------------- conditions


def compare(op: str, a: Tensor, b: Tensor, origin: ast.AST | None = None) -> Tensor:
    """``a op b`` elementwise (< <= > >=): a tensor of conditions, for where()."""
    if op not in _COMPARE_OPS:
        raise TensorError(f"the comparison {op!r} is not allowed", "use < <= > >= (never == or !=)")
    a, b = _as_tensor(a), _as_tensor(b)
    shape = _broadcast(f"'{op}'", a.shape, b.shape)
    _values(a, f"'{op}'")
    _values(b, f"'{op}'")
    fold = _COMPARE_FOLD[op]
    nodes: list[ast.expr] = []
    for x, y in zip(_flat(a, shape), _flat(b, shape), strict=True):
        if type(x) is Exact and type(y) is Exact:
            nodes.append(located(ast.Constant(value=fold(x.value, y.value)), origin))
        else:
            node = ast.Compare(left=x, ops=[_COMPARE_OPS[op]()], comparators=[y])
            nodes.append(located(node, origin))
    count_nodes(len(nodes))
    return _array(nodes, shape)


def logical(op: str, args: Sequence[Tensor], origin: ast.AST | None = None) -> Tensor:
    """``and``/``or`` of condition tensors (broadcast), or ``not`` of one."""
    tensors = [_as_tensor(arg) for arg in args]
    for t in tensors:
        _conditions(t, f"'{op}'")
    if op == "not":
        if len(tensors) != 1:
            raise TensorError(f"'not' takes one condition, found {len(tensors)}")
        nodes: list[ast.expr] = [
            located(ast.UnaryOp(op=ast.Not(), operand=x), origin)
            for x in tensors[0].ravel().tolist()
        ]
        count_nodes(len(nodes))
        return _array(nodes, tensors[0].shape)
    if op not in ("and", "or") or len(tensors) < 2:
        raise TensorError(f"{op!r} needs two or more conditions (and, or) or one (not)")
    shape = _broadcast(f"'{op}'", *(t.shape for t in tensors))
    columns = [_flat(t, shape) for t in tensors]
    kind = ast.And if op == "and" else ast.Or
    nodes = [
        located(ast.BoolOp(op=kind(), values=list(row)), origin)
        for row in zip(*columns, strict=True)
    ]
    count_nodes(len(nodes))
    return _array(nodes, shape)


def where(cond: Tensor, a: Tensor, b: Tensor, origin: ast.AST | None = None) -> Tensor:
    """``Piecewise((a, cond), (b, True))`` elementwise, the three broadcast together."""
    cond, a, b = _as_tensor(cond), _as_tensor(a), _as_tensor(b)
    _conditions(cond, "where()")
    _values(a, "where()")
    _values(b, "where()")
    shape = _broadcast("where()", cond.shape, a.shape, b.shape)
    nodes: list[ast.expr] = []
    for c, x, y in zip(_flat(cond, shape), _flat(a, shape), _flat(b, shape), strict=True):
        if isinstance(c, ast.Constant):
            nodes.append(x if c.value else y)
            continue
        pairs: list[ast.expr] = [
            ast.Tuple(elts=[x, c], ctx=LOAD),
            ast.Tuple(elts=[y, ast.Constant(True)], ctx=LOAD),
        ]
        nodes.append(call_piecewise(pairs, origin))
    count_nodes(len(nodes))
    return _array(nodes, shape)


def piecewise(pairs: Sequence[tuple[Tensor, Tensor]], origin: ast.AST | None = None) -> Tensor:
    """``Piecewise((e1, c1), ..., (en, cn))`` elementwise, everything broadcast together.

    The conditions are kept as given (the builder requires the last to be the literal
    True and records each branch's obligations where the branch is taken)."""
    if not pairs:
        raise TensorError("Piecewise() takes at least 1 argument, found 0")
    values = [_as_tensor(value) for value, _ in pairs]
    conditions = [_as_tensor(condition) for _, condition in pairs]
    for value in values:
        _values(value, "Piecewise")
    for condition in conditions:
        _conditions(condition, "a Piecewise condition")
    shape = _broadcast("Piecewise", *(t.shape for t in values), *(t.shape for t in conditions))
    count_nodes(math.prod(shape) * (1 + len(pairs)))  # before the nodes are made
    value_columns = [_flat(t, shape) for t in values]
    condition_columns = [_flat(t, shape) for t in conditions]
    nodes: list[ast.expr] = []
    for k in range(math.prod(shape)):
        arguments: list[ast.expr] = [
            ast.Tuple(elts=[vs[k], cs[k]], ctx=LOAD)
            for vs, cs in zip(value_columns, condition_columns, strict=True)
        ]
        nodes.append(call_piecewise(arguments, origin))
    return _array(nodes, shape)


# --------------------------------------------------------------- structure


def _index_text(key: tuple[int | slice | None, ...]) -> str:
    def one(part: int | slice | None) -> str:
        if part is None:
            return "None"
        if isinstance(part, slice):
            pieces = ["" if v is None else str(v) for v in (part.start, part.stop, part.step)]
            return ":".join(pieces[:2] if part.step is None else pieces)
        return str(part)

    return ", ".join(one(part) for part in key)


def index(
    t: Tensor,
    key: tuple[int | slice | None, ...],
    origin: ast.AST | None = None,
    *,
    name: str | None = None,
) -> Tensor:
    """NumPy basic indexing (integers, slices, None) with Python's negative indices;
    ``name`` (the written name) makes messages say which array."""
    t = _as_tensor(t)
    if len(key) == 1 and type(key[0]) is int and t.ndim == 1 and -t.shape[0] <= key[0] < t.shape[0]:
        return _scalar(t[key[0]])  # the common case, x[i], without the general checks

    def label() -> str:
        return f"{name or 'an array'} of shape {_shape_text(t.shape)}"

    dims = sum(part is not None for part in key)
    if dims > t.ndim:
        raise TensorError(
            f"too many indices for {label()}: [{_index_text(key)}] has {dims}, it has "
            f"{t.ndim} dimension{'' if t.ndim == 1 else 's'}"
        )
    axis = 0
    for part in key:
        if part is None:
            continue
        if isinstance(part, slice):
            for bound in (part.start, part.stop, part.step):
                if bound is not None and (isinstance(bound, bool) or not isinstance(bound, int)):
                    raise TensorError(f"a slice bound must be an integer, found {bound!r}")
            if part.step == 0:
                raise TensorError("a slice step cannot be zero")
        elif isinstance(part, bool) or not isinstance(part, int):
            raise TensorError(f"an index must be an integer, found {part!r}")
        else:
            size = t.shape[axis]
            if not -size <= part < size:
                valid = f"0..{size - 1} or -{size}..-1" if size else "none: the axis is empty"
                where = f" (axis {axis})" if t.ndim > 1 else ""
                raise TensorError(
                    f"index {part} is out of range for {label()}{where} (valid: {valid})"
                )
        axis += 1
    result = t[key]
    if not isinstance(result, np.ndarray):
        return _scalar(result)
    return result


def transpose(t: Tensor) -> Tensor:
    """The axes reversed (NumPy's ``.T``); a vector is its own transpose."""
    return _as_tensor(t).T


def stack(tensors: Sequence[Tensor], origin: ast.AST | None = None) -> Tensor:
    """A list literal ``[a, b, c]`` of equal shapes: a new first axis."""
    parts = [_as_tensor(t) for t in tensors]
    if not parts:
        return _array([], (0,))
    first = parts[0].shape
    for k, part in enumerate(parts[1:], start=1):
        if part.shape != first:
            raise TensorError(
                f"shape mismatch in a list: element 0 has shape {_shape_text(first)}, "
                f"element {k} has shape {_shape_text(part.shape)}",
                "every element of a list must have the same shape",
            )
    kinds = {bool(p.size) and is_condition(p.flat[0]) for p in parts if p.size}
    if len(kinds) > 1:
        raise TensorError("a list cannot mix conditions and values")
    shape = (len(parts), *first)
    _check_size(shape)
    nodes: list[ast.expr] = []
    for part in parts:
        nodes.extend(part.ravel().tolist())
    return _array(nodes, shape)
