"""The traced array: what a Python function computes with while it is traced.

A :class:`TracedArray` wraps a tensor of scalar nodes (:mod:`convexity_proofs._vector.ops`)
and gives it the operators and attributes of a NumPy array: ``+ - * / ** @`` and unary
minus with broadcasting, comparisons (which make *conditions*, usable only in
``xp.where``), indexing with integers, slices, ``None`` and ``...`` (and integer or
boolean arrays of constants), ``.T``, ``.shape``, ``.ndim``, ``.size``, ``len()``,
iteration over the first axis and the reductions ``.sum()``, ``.mean()``, ``.max()``,
``.min()``, ``.prod()``, ``.dot()``.

What a formula cannot be is refused with a message that says what to write instead,
and where in the user's code the refusal happened:

- ``if x > 0:`` (``__bool__``): use ``xp.where(cond, a, b)``;
- ``float(x)``, ``math.exp(x)``: use the ``xp`` functions;
- ``numpy.exp(x)`` (``__array_ufunc__``) and ``numpy.sum(x)`` (``__array_function__``):
  call ``xp.exp``, ``xp.sum``.  NumPy's arithmetic operators with a NumPy array on the
  left (``X @ w``, ``2.0 * w`` with a NumPy float) are carried out, as the reflected
  operator would be.

Python numbers, Fractions, Decimals, NumPy scalars and arrays combine with traced arrays
as constants, exactly: an int or a Fraction is itself; a float is taken as the decimal it
prints as (``0.1`` is 1/10), as the claim reader takes a float, so the constant in the
claim's text is the one written in the user's code.  NaN and infinities are refused.
"""

from __future__ import annotations

import ast
import contextlib
import contextvars
import numbers
import os
import sys
from collections.abc import Callable, Iterator
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, NoReturn

import numpy as np

from convexity_proofs._scalar_ast import Exact, scalar_text
from convexity_proofs._vector import ops
from convexity_proofs.errors import ExpressionError

__all__ = [
    "TracedArray",
    "TracedAttributeError",
    "condition_tensor",
    "exact_number",
    "fail",
    "guarded",
    "record",
    "recording",
    "to_tensor",
    "user_location",
]

_PACKAGE: Final = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_NUMPY: Final = os.path.dirname(os.path.abspath(np.__file__)) + os.sep
_MAX_NESTING: Final = 32


class TracedAttributeError(ExpressionError, AttributeError):
    """An attribute outside the traced vocabulary (``w.foo``, ``xp.foo``): an
    ExpressionError, and an AttributeError so that ``hasattr`` keeps working."""


# --------------------------------------------------------------------- locations


def user_location() -> str:
    """``", at line 12 of loss (model.py)"``: the innermost frame outside this package
    and NumPy (the user's code that made the refused operation), or ``""``."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = os.path.abspath(frame.f_code.co_filename)
        if not filename.startswith((_PACKAGE, _NUMPY)) and not filename.startswith("<frozen"):
            return (
                f", at line {frame.f_lineno} of {frame.f_code.co_name} "
                f"({os.path.basename(filename)})"
            )
        frame = frame.f_back  # type: ignore[assignment]
    return ""


#: The refusals raised while a function is traced (None outside a trace): a function
#: that catches one and goes on computes something else than NumPy would, so the trace
#: is refused if any was raised (:func:`convexity_proofs._trace.trace_function`).
_REFUSALS: Final[contextvars.ContextVar[list[ExpressionError] | None]] = contextvars.ContextVar(
    "convexity_proofs_trace_refusals", default=None
)


@contextlib.contextmanager
def recording() -> Iterator[list[ExpressionError]]:
    """Collect the refusals raised inside the ``with`` block."""
    found: list[ExpressionError] = []
    token = _REFUSALS.set(found)
    try:
        yield found
    finally:
        _REFUSALS.reset(token)


def record(error: ExpressionError) -> ExpressionError:
    """``error``, noted as raised in the current trace (see :func:`recording`)."""
    found = _REFUSALS.get()
    if found is not None:
        found.append(error)
    return error


def fail(message: str, hint: str = "") -> NoReturn:
    """Raise the ExpressionError ``message`` located in the user's code."""
    text = f"{message}{user_location()}"
    raise record(ExpressionError(f"{text}; {hint}" if hint else text))


def guarded(what: str, operation: Callable[..., ops.Tensor], *args: Any) -> TracedArray:
    """``operation(*args)`` as a traced array; a refusal of the ops names ``what`` (the
    operation as the user wrote it) and the line of the user's code."""
    try:
        return TracedArray(operation(*args))
    except ops.TensorError as exc:
        raise record(exc.at(f" in {what}{user_location()}")) from None


# --------------------------------------------------------------------- constants


def exact_number(value: object, what: str) -> Fraction | None:
    """The exact value of a number (None when ``value`` is not a number); a float is
    the decimal it prints as.  NaN, infinities and complex numbers are refused."""
    from convexity_proofs._parser import parse_number

    if isinstance(value, bool | np.bool_):
        return Fraction(int(value))
    if isinstance(value, int | np.integer):
        return Fraction(int(value))
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float | np.floating):
        number = float(value)
        try:
            return parse_number(number)
        except ExpressionError as exc:
            fail(f"{exc} in {what}", "traced functions compute with finite numbers only")
    if isinstance(value, Decimal):
        if not value.is_finite():
            fail(f"expected a finite number, found Decimal {value} in {what}")
        return Fraction(value)
    if isinstance(value, numbers.Rational):  # SymPy's Integer and Rational, ...
        return Fraction(int(value.numerator), int(value.denominator))
    if isinstance(value, complex | np.complexfloating):
        fail(f"the complex number {value!r} in {what} is not allowed", "claims are about reals")
    return None


def _constant_array(array: np.ndarray, what: str) -> ops.Tensor:
    if array.size > ops.MAX_ENTRIES:
        fail(
            f"the array in {what} has {array.size} entries (the limit is {ops.MAX_ENTRIES})",
            "for large data sets write a model claim (check(model=...)) instead",
        )
    kind = array.dtype.kind
    if kind == "f":
        finite = np.isfinite(array)
        if not finite.all():
            position = tuple(int(i) for i in np.argwhere(~finite)[0])
            fail(
                f"the array in {what} holds {array[position].item()!r} at index {list(position)}",
                "traced functions compute with finite numbers only",
            )
    if kind not in "biufO":
        fail(f"a NumPy array of {array.dtype} cannot be used in {what}", "use numbers")
    values = [_number_or_fail(v, what) for v in array.ravel().tolist()]
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return ops.data(out.reshape(array.shape))


def _number_or_fail(value: object, what: str) -> Fraction:
    number = exact_number(value, what)
    if number is None:
        if isinstance(value, TracedArray):
            fail(f"an object array holding traced values cannot be used in {what}", "use xp.stack")
        fail(f"{type(value).__name__} {_short(value)} is not a number, in {what}")
    return number


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def to_tensor(value: object, what: str, depth: int = 0) -> ops.Tensor:
    """The tensor of a traced array, a number, a NumPy array or a (nested) list of
    those (a list is stacked along a new first axis, as ``numpy.asarray`` does)."""
    if isinstance(value, TracedArray):
        return value._tensor
    number = exact_number(value, what)
    if number is not None:
        return ops.constant(number)
    if isinstance(value, np.ndarray):
        return _constant_array(value, what)
    if isinstance(value, list | tuple):
        if depth > _MAX_NESTING:
            fail(f"the list in {what} is nested more than {_MAX_NESTING} deep")
        parts = [to_tensor(item, what, depth + 1) for item in value]
        try:
            return ops.stack(parts)
        except ops.TensorError as exc:
            raise record(exc.at(f" in {what}{user_location()}")) from None
    if isinstance(value, str):
        fail(f"the string {_short(value)} cannot be used as a number in {what}")
    fail(
        f"{type(value).__name__} {_short(value)} cannot be combined with traced values in {what}",
        "use numbers, NumPy arrays or traced values",
    )


# --------------------------------------------------------------------- the array

_NO_TRUTH: Final = (
    "a traced value has no truth value (it is a formula of the variables, not a number)",
    "use xp.where(condition, a, b) instead of if, and xp.maximum/xp.minimum instead of "
    "max()/min() of two values",
)
_NO_NUMBER: Final = (
    "a traced value is a formula of the variables, not a number",
    "use the functions of the xp namespace (xp.exp, not math.exp)",
)

_UFUNC_BINARY: Final = {
    "add": "+",
    "subtract": "-",
    "multiply": "*",
    "divide": "/",
    "true_divide": "/",
    "power": "**",
    "float_power": "**",
}
_UFUNC_COMPARE: Final = {"less": "<", "less_equal": "<=", "greater": ">", "greater_equal": ">="}
_UFUNC_LOGICAL: Final = {
    "logical_and": "and",
    "bitwise_and": "and",
    "logical_or": "or",
    "bitwise_or": "or",
}


class TracedArray:
    """An array of formulas: the value of a traced computation.

    Immutable; every operation returns a new traced array.  A *condition* array (the
    result of a comparison) can only be combined with ``&``, ``|``, ``~`` and used as
    the first argument of ``xp.where``.
    """

    __slots__ = ("_name", "_tensor")
    __hash__ = None  # type: ignore[assignment]  # like a NumPy array

    def __init__(self, tensor: ops.Tensor, name: str | None = None) -> None:
        self._tensor = tensor
        self._name = name  # a variable's or a datum's name, for messages

    # ------------------------------------------------------------- attributes

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(int(n) for n in self._tensor.shape)

    @property
    def ndim(self) -> int:
        return int(self._tensor.ndim)

    @property
    def size(self) -> int:
        return int(self._tensor.size)

    @property
    def T(self) -> TracedArray:
        return TracedArray(ops.transpose(self._tensor))

    def transpose(self, *axes: Any) -> TracedArray:
        if axes:
            order = axes[0] if len(axes) == 1 and isinstance(axes[0], tuple | list) else axes
            try:
                return TracedArray(np.transpose(self._tensor, [int(a) for a in order]))
            except (ValueError, TypeError) as exc:
                fail(f"transpose{tuple(order)} of an array of shape {self.shape}: {exc}")
        return self.T

    def reshape(self, *shape: Any) -> TracedArray:
        from convexity_proofs._trace.namespace import reshape_tensor

        wanted = shape[0] if len(shape) == 1 else shape
        return TracedArray(reshape_tensor(self._tensor, wanted, "reshape()"))

    def ravel(self) -> TracedArray:
        return TracedArray(self._tensor.reshape(-1))

    flatten = ravel

    def sum(self, axis: int | None = None, keepdims: bool = False) -> TracedArray:
        from convexity_proofs._trace.namespace import reduction

        return reduction("sum", self, axis, keepdims, ".sum()")

    def mean(self, axis: int | None = None, keepdims: bool = False) -> TracedArray:
        from convexity_proofs._trace.namespace import reduction

        return reduction("mean", self, axis, keepdims, ".mean()")

    def max(self, axis: int | None = None, keepdims: bool = False) -> TracedArray:
        from convexity_proofs._trace.namespace import reduction

        return reduction("max", self, axis, keepdims, ".max()")

    def min(self, axis: int | None = None, keepdims: bool = False) -> TracedArray:
        from convexity_proofs._trace.namespace import reduction

        return reduction("min", self, axis, keepdims, ".min()")

    def prod(self, axis: int | None = None, keepdims: bool = False) -> TracedArray:
        from convexity_proofs._trace.namespace import reduction

        return reduction("prod", self, axis, keepdims, ".prod()")

    def dot(self, other: object) -> TracedArray:
        return guarded(".dot()", ops.dot, self._tensor, to_tensor(other, ".dot()"))

    def __getattr__(self, name: str) -> Any:
        # Only called for names that are not attributes; NumPy and Python probe dunder
        # names (__array_interface__, __len__ ...) with hasattr: those stay plain.
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        known = sorted(n for n in _ATTRIBUTES if not n.startswith("_"))
        import difflib

        from convexity_proofs._trace.namespace import VOCABULARY

        owner = object.__getattribute__(self, "_name")
        if owner and name in VOCABULARY and not self._tensor.ndim:
            # def loss(w, np): np.exp(w) -- np was made a scalar symbol of the claim.
            raise TracedAttributeError(
                f"{owner}.{name}: {owner} is a scalar symbol of the claim (a parameter "
                f"nothing bound){user_location()}; the array namespace must be the "
                f"parameter named xp (def f(w, xp): ... xp.{name}(...))"
            )

        close = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean .{close[0]}?" if close else ""
        raise TracedAttributeError(
            f"a traced array has no attribute .{name}{user_location()} (its attributes: "
            f"{', '.join(known)}){hint}"
        )

    # ---------------------------------------------------------- Python protocol

    def __len__(self) -> int:
        if not self.ndim:
            fail("len() of a traced scalar (an array of shape ())", "only arrays have a length")
        return int(self._tensor.shape[0])

    def __iter__(self) -> Iterator[TracedArray]:
        if not self.ndim:
            fail("iteration over a traced scalar (an array of shape ())")
        for k in range(self._tensor.shape[0]):
            yield TracedArray(ops.index(self._tensor, (k,)))

    def __getitem__(self, key: object) -> TracedArray:
        from convexity_proofs._trace.namespace import index_tensor

        return TracedArray(index_tensor(self._tensor, key, self._name))

    def __setitem__(self, key: object, value: object) -> NoReturn:
        fail(
            "item assignment on a traced array (traced arrays are immutable)",
            "build the array with xp.stack([...]) or xp.where(...) instead",
        )

    def __bool__(self) -> bool:
        """A condition on data alone (``y[0] > 0``) folds to a constant, and a Python
        ``if`` may branch on it, as with NumPy; a condition on the variables has no
        truth value."""
        if self.ndim == 0:
            node = self._tensor[()]
            if type(node) is ast.Constant and isinstance(node.value, bool):
                return node.value
        fail(*_NO_TRUTH)

    def __float__(self) -> float:
        """A datum (an exact constant) is a number; a formula of the variables is not."""
        if self.ndim == 0:
            node = self._tensor[()]
            if isinstance(node, Exact):
                return float(node.value)
        fail(*_NO_NUMBER)

    def __complex__(self) -> NoReturn:
        fail(*_NO_NUMBER)

    def __index__(self) -> int:
        """An exact integer constant (a datum) may index or size things."""
        if self.ndim == 0:
            node = self._tensor[()]
            if isinstance(node, Exact) and node.value.denominator == 1:
                return int(node.value)
        fail(
            "a traced value used as an integer (an index, a range bound)",
            "only integer constants can index; the variables cannot",
        )

    __int__ = __index__

    def __round__(self, ndigits: object = None) -> NoReturn:
        fail("round() of a traced value", "rounding is not in the claim language")

    def __array__(self, *args: object, **kwargs: object) -> NoReturn:
        fail(
            "a traced array cannot be turned into a NumPy array (numpy.asarray, numpy.array)",
            "use xp.asarray or xp.stack",
        )

    def __repr__(self) -> str:
        flat = self._tensor.ravel().tolist()
        shown = []
        for node in flat[:6]:
            try:
                text = scalar_text(node)
            except TypeError:  # pragma: no cover - ops make only scalar nodes
                text = type(node).__name__
            shown.append(text if len(text) <= 40 else text[:37] + "...")
        more = ", ..." if len(flat) > 6 else ""
        if not self.ndim:
            return f"TracedArray({shown[0]})"
        return f"TracedArray(shape={self.shape}, entries=[{', '.join(shown)}{more}])"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        if spec:
            fail(f"formatting a traced value as a number ({spec!r})", _NO_NUMBER[1])
        return repr(self)

    # --------------------------------------------------------------- arithmetic

    def _binary(self, op: str, other: object, reflected: bool = False) -> TracedArray:
        what = f"'{op}'"
        theirs = to_tensor(other, what)
        if reflected:
            return guarded(what, ops.binary, op, theirs, self._tensor)
        return guarded(what, ops.binary, op, self._tensor, theirs)

    def __add__(self, other: object) -> TracedArray:
        return self._binary("+", other)

    def __radd__(self, other: object) -> TracedArray:
        return self._binary("+", other, True)

    def __sub__(self, other: object) -> TracedArray:
        return self._binary("-", other)

    def __rsub__(self, other: object) -> TracedArray:
        return self._binary("-", other, True)

    def __mul__(self, other: object) -> TracedArray:
        return self._binary("*", other)

    def __rmul__(self, other: object) -> TracedArray:
        return self._binary("*", other, True)

    def __truediv__(self, other: object) -> TracedArray:
        return self._binary("/", other)

    def __rtruediv__(self, other: object) -> TracedArray:
        return self._binary("/", other, True)

    def __pow__(self, other: object, modulo: object = None) -> TracedArray:
        if modulo is not None:
            fail("pow() with a modulus of a traced value")
        return self._binary("**", other)

    def __rpow__(self, other: object) -> TracedArray:
        return self._binary("**", other, True)

    def __matmul__(self, other: object) -> TracedArray:
        return guarded("'@'", ops.matmul, self._tensor, to_tensor(other, "'@'"))

    def __rmatmul__(self, other: object) -> TracedArray:
        return guarded("'@'", ops.matmul, to_tensor(other, "'@'"), self._tensor)

    def __neg__(self) -> TracedArray:
        return guarded("unary '-'", ops.negate, self._tensor)

    # In-place operators: NumPy mutates an array in place, so every alias of it sees the
    # change; a traced array cannot, and rebinding the name instead would silently judge
    # another function (``v = w; v *= 0``).  A scalar (0-d) is rebound by NumPy too.
    def _in_place(self, op: str, other: object) -> TracedArray:
        if self._tensor.ndim:
            fail(
                f"the in-place operator '{op}=' on a traced array of shape "
                f"{tuple(self._tensor.shape)}",
                f"write v = v {op} ... (NumPy would change the array in place, and every "
                "name bound to it)",
            )
        return self._binary(op, other)

    def __iadd__(self, other: object) -> TracedArray:
        return self._in_place("+", other)

    def __isub__(self, other: object) -> TracedArray:
        return self._in_place("-", other)

    def __imul__(self, other: object) -> TracedArray:
        return self._in_place("*", other)

    def __itruediv__(self, other: object) -> TracedArray:
        return self._in_place("/", other)

    def __ipow__(self, other: object) -> TracedArray:
        return self._in_place("**", other)

    def __imatmul__(self, other: object) -> NoReturn:
        fail("the in-place operator '@=' on a traced array", "write v = v @ ...")

    def __pos__(self) -> TracedArray:
        return self

    def __abs__(self) -> TracedArray:
        return guarded("abs()", ops.apply, "abs", [self._tensor])

    def _refused(self, symbol: str, *_: object) -> NoReturn:
        fail(
            f"the operator '{symbol}' on a traced value is not allowed",
            "the claim language has + - * / ** and @",
        )

    def __floordiv__(self, other: object) -> NoReturn:
        self._refused("//")

    __rfloordiv__ = __floordiv__

    def __mod__(self, other: object) -> NoReturn:
        self._refused("%")

    __rmod__ = __mod__

    def __divmod__(self, other: object) -> NoReturn:
        self._refused("divmod")

    __rdivmod__ = __divmod__

    def __xor__(self, other: object) -> NoReturn:
        self._refused("^")

    __rxor__ = __xor__

    def __lshift__(self, other: object) -> NoReturn:
        self._refused("<<")

    __rlshift__ = __lshift__

    def __rshift__(self, other: object) -> NoReturn:
        self._refused(">>")

    __rrshift__ = __rshift__

    # ------------------------------------------------------------ comparisons

    def _compare(self, op: str, other: object) -> TracedArray:
        what = f"'{op}'"
        return guarded(what, ops.compare, op, self._tensor, to_tensor(other, what))

    def __lt__(self, other: object) -> TracedArray:
        return self._compare("<", other)

    def __le__(self, other: object) -> TracedArray:
        return self._compare("<=", other)

    def __gt__(self, other: object) -> TracedArray:
        return self._compare(">", other)

    def __ge__(self, other: object) -> TracedArray:
        return self._compare(">=", other)

    def __eq__(self, other: object) -> NoReturn:  # type: ignore[override]
        fail(
            "'==' on a traced value is not allowed",
            "conditions compare with <, <=, > or >= (an equality is a single point)",
        )

    def __ne__(self, other: object) -> NoReturn:  # type: ignore[override]
        fail(
            "'!=' on a traced value is not allowed",
            "conditions compare with <, <=, > or >=",
        )

    def _logical(self, op: str, other: object, symbol: str) -> TracedArray:
        what = f"'{symbol}'"
        return guarded(what, ops.logical, op, [self._tensor, condition_tensor(other, what)])

    def __and__(self, other: object) -> TracedArray:
        return self._logical("and", other, "&")

    def __rand__(self, other: object) -> TracedArray:
        return self._logical("and", other, "&")

    def __or__(self, other: object) -> TracedArray:
        return self._logical("or", other, "|")

    def __ror__(self, other: object) -> TracedArray:
        return self._logical("or", other, "|")

    def __invert__(self) -> TracedArray:
        return guarded("'~'", ops.logical, "not", [self._tensor])

    # ------------------------------------------------------------- NumPy hooks

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        """NumPy operators with a NumPy operand on the left come here (``X @ w``,
        ``np.float64(2) * w``): carried out as the reflected operator.  Every other
        ufunc (``np.exp(w)``) is refused with the ``xp`` name to call."""
        name = getattr(ufunc, "__name__", str(ufunc))
        if method == "__call__" and not kwargs:
            if name in _UFUNC_BINARY and len(inputs) == 2:
                op = _UFUNC_BINARY[name]
                a, b = (to_tensor(v, f"'{op}'") for v in inputs)
                return guarded(f"'{op}'", ops.binary, op, a, b)
            if name in _UFUNC_COMPARE and len(inputs) == 2:
                op = _UFUNC_COMPARE[name]
                a, b = (to_tensor(v, f"'{op}'") for v in inputs)
                return guarded(f"'{op}'", ops.compare, op, a, b)
            if name in _UFUNC_LOGICAL and len(inputs) == 2:
                op = _UFUNC_LOGICAL[name]
                a, b = (condition_tensor(v, f"'{op}'") for v in inputs)
                return guarded(f"'{op}'", ops.logical, op, [a, b])
            if name == "matmul" and len(inputs) == 2:
                a, b = (to_tensor(v, "'@'") for v in inputs)
                return guarded("'@'", ops.matmul, a, b)
            if name in ("equal", "not_equal"):
                symbol = "==" if name == "equal" else "!="
                fail(f"'{symbol}' on a traced value is not allowed", "compare with <, <=, > or >=")
        called = f"numpy.{name}" if method == "__call__" else f"numpy.{name}.{method}"
        _refuse_numpy(called, name)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> NoReturn:
        module = getattr(func, "__module__", "numpy") or "numpy"
        name = getattr(func, "__name__", str(func))
        sub = module.split(".")[1:] if module.startswith("numpy.") else []
        sub = [part for part in sub if not part.startswith("_")]
        qualified = ".".join([*sub, name])
        _refuse_numpy(f"numpy.{qualified}", qualified)


def _refuse_numpy(called: str, name: str) -> NoReturn:
    from convexity_proofs._trace.namespace import VOCABULARY

    if name in VOCABULARY:
        fail(
            f"{called} was called on a traced value",
            f"call xp.{name} instead (xp is the namespace the traced function receives "
            "as its parameter xp)",
        )
    fail(
        f"{called} was called on a traced value, and {name} is not in the traced vocabulary",
        f"the xp namespace has {', '.join(sorted(VOCABULARY))}",
    )


def condition_tensor(value: object, what: str) -> ops.Tensor:
    """A condition operand: a traced condition, or constants True/False (a NumPy bool
    array, say a mask computed from the data)."""
    if isinstance(value, TracedArray):
        return value._tensor
    if isinstance(value, bool | np.bool_):
        return ops.from_nodes([ast.Constant(value=bool(value))], ())
    if isinstance(value, np.ndarray) and value.dtype.kind == "b":
        nodes = [ast.Constant(value=bool(v)) for v in value.ravel().tolist()]
        return ops.from_nodes(nodes, value.shape)
    fail(
        f"{type(value).__name__} {_short(value)} is not a condition, in {what}",
        "combine conditions (comparisons) with &, | and ~",
    )


_ATTRIBUTES: Final = frozenset(
    name for name in dir(TracedArray) if not name.startswith("_") or name == "T"
)
