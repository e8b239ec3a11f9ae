"""Python functions as claims: a loss written once for NumPy, traced symbolically.

``trace_function(loss, variables, data, shapes)`` calls ``loss`` with traced arrays
(:class:`~convexity_proofs._trace.arrays.TracedArray`) in place of its variables and
data and with the :data:`~convexity_proofs._trace.namespace.XP` namespace as its ``xp``
parameter, so every operation builds the scalar formula
(:mod:`convexity_proofs._scalar_ast`) instead of computing a number.  The result's
formula is printed as an ordinary claim text (``scalar_text``; entries are named
``w[0]``, ``W[1,2]``), which the claim reader then parses like any other: the claim a
traced function makes is an ordinary claim table (a certificate re-reads it), and the
user's function is never part of it.

Parameters are bound by name:

- ``xp``: the namespace;
- a name in ``variables`` or ``shapes``: a traced array of its entries' symbols (shape
  ``()``: one scalar symbol);
- a name in ``data``: NumPy arrays and (nested) lists of numbers become traced arrays of
  exact constants (floats are the decimals they print as); any other value (a Python
  number, a string, an option) is passed as it is;
- any other parameter without a default: a scalar symbol of that name (a parameter of
  the claim, such as ``lam``, whose domain may be given);
- a parameter with a default keeps it.

Work is bounded: every scalar node the operations make is counted (at most
:data:`~convexity_proofs._vector.ops.MAX_EXPANDED_NODES`), the CPU time of the
operations is limited, and a formula too large to be one claim text is refused before
it is printed.  The user's function is the user's own code and runs as written.
"""

from __future__ import annotations

import ast
import inspect
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np

from convexity_proofs._scalar_ast import Entry, Exact, NProduct, NSum, parse_entry_name, scalar_text
from convexity_proofs._trace.arrays import TracedArray, exact_number, record, recording
from convexity_proofs._trace.namespace import VOCABULARY, XP
from convexity_proofs._vector import ops
from convexity_proofs.errors import ArgumentError, ConvexityProofsError, ExpressionError

__all__ = [
    "MAX_TEXT_CHARACTERS",
    "MAX_TEXT_NODES",
    "TRACE_CPU_SECONDS",
    "VOCABULARY",
    "XP",
    "TracedFunction",
    "claim_text",
    "text_size",
    "trace_function",
]

#: A traced formula becomes one claim text, read back by the safe parser: these are the
#: parser's own limits on a text (characters, expression nodes).
MAX_TEXT_CHARACTERS: Final = 262_144
MAX_TEXT_NODES: Final = 100_000
#: CPU seconds the traced operations may take (polled as nodes are made).
TRACE_CPU_SECONDS: Final = 30.0

#: Parameter names that mean an array namespace other than xp (refused, not made symbols).
_NAMESPACE_NAMES: Final = frozenset({"np", "numpy", "jnp", "jax", "torch", "cp", "cupy"})
_NAME_RE: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_MAX_NAME_LENGTH: Final = 64
_MAX_NESTING: Final = 32
_LARGE: Final = "for large data sets write a model claim (check(model=..., data=...))"


@dataclass(frozen=True)
class TracedFunction:
    """What tracing a Python function found.

    ``text`` is the claim's function text; ``shapes`` the shapes of the names whose
    entries it may name (every traced name of rank >= 1); ``variables`` the variables as
    given (None: not given); ``parameters`` the scalar symbols made for parameters that
    nothing bound; ``signature`` the call as written (``loss(w, b, X, y, xp)``) and
    ``statement`` the claim's statement (``traced from loss(w, b, X, y, xp)``).
    """

    node: ast.expr = field(repr=False)
    text: str
    shapes: dict[str, tuple[int, ...]]
    variables: tuple[str, ...] | None
    parameters: tuple[str, ...]
    signature: str
    statement: str


def _reserved() -> frozenset[str]:
    from convexity_proofs._parser import CONSTANT_NAMES, FUNCTION_NAMES

    vector_words = {
        "sum", "mean", "max", "min", "prod", "logsumexp", "range", "len", "dot", "norm",
        "sum_squares", "transpose", "where", "inf", "True", "False", "None",
    }  # fmt: skip
    return frozenset(FUNCTION_NAMES | CONSTANT_NAMES | vector_words)


def _check_name(
    name: str, what: str, where: str, fix: str = "rename the parameter or give it a value in data"
) -> None:
    if len(name) > _MAX_NAME_LENGTH or not _NAME_RE.fullmatch(name):
        raise ArgumentError(
            f"{where}: {what} cannot be a symbol of a claim: a name starts with a "
            f"letter and contains only letters, digits and '_' (at most {_MAX_NAME_LENGTH} "
            f"characters); {fix}"
        )
    if name in _reserved():
        raise ArgumentError(
            f"{where}: {what} is a name of the claim language (a function or constant); {fix}"
        )


def _signature_text(fn: Callable[..., Any], signature: inspect.Signature) -> str:
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or "function"
    return f"{name}({', '.join(signature.parameters)})"


# -------------------------------------------------------------------------- data


def _nested_exact(value: Any, what: str, depth: int = 0) -> Any:
    if isinstance(value, list | tuple):
        if depth > _MAX_NESTING:
            raise ArgumentError(f"{what}: the list is nested more than {_MAX_NESTING} deep")
        return [_nested_exact(item, what, depth + 1) for item in value]
    number = exact_number(value, what)
    if number is None:
        raise _NotNumeric
    return number


def _all_bools(value: list[Any] | tuple[Any, ...]) -> bool:
    """A non-empty (nested) list of booleans only."""
    stack: list[Any] = [value]
    found = False
    while stack:
        item = stack.pop()
        if isinstance(item, list | tuple):
            if len(stack) > _MAX_NESTING * 1000:
                return False
            stack.extend(item)
        elif isinstance(item, bool | np.bool_):
            found = True
        else:
            return False
    return found


class _NotNumeric(Exception):
    """A list that is not (nested) numbers: handed to the function as it is."""


def _datum(name: str, value: Any, where: str) -> Any:
    """A data value as the traced function receives it."""
    what = f"{where} argument 'data'[{name!r}]"
    if isinstance(value, TracedArray):
        return value
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "iufO":
            # Booleans stay NumPy masks (as exact 0/1 they would index as positions 1, 0,
            # silently changing the function); strings and dates are the function's own.
            return value
        return TracedArray(_array_tensor(value, what), name)
    if isinstance(value, list | tuple):
        if value and all(
            isinstance(v, bool | np.bool_) for v in np.ravel(np.array(value, dtype=object))
        ):
            return np.array(value, dtype=bool)  # a mask, as NumPy reads a list of bools
        try:
            nested = _nested_exact(value, what)
        except _NotNumeric:
            return value
        try:
            array = np.array(nested, dtype=object)
        except ValueError:
            array = None
        if array is None or any(isinstance(v, list) for v in array.ravel().tolist()):
            raise ArgumentError(
                f"{what}: the nested lists are ragged (rows of unequal length)"
            ) from None
        if array.size > ops.MAX_ENTRIES:
            raise ArgumentError(
                f"{what}: {array.size} entries (the limit is {ops.MAX_ENTRIES}); {_LARGE}"
            )
        return TracedArray(ops.data(array), name)
    if isinstance(value, np.generic):
        return value.item()
    return value


def _array_tensor(value: np.ndarray, what: str) -> ops.Tensor:
    from convexity_proofs._trace.arrays import to_tensor

    if value.size > ops.MAX_ENTRIES:
        raise ArgumentError(
            f"{what}: {value.size} entries (the limit is {ops.MAX_ENTRIES}); {_LARGE}"
        )
    try:
        return to_tensor(value, what)
    except ExpressionError as exc:
        raise ArgumentError(f"{what}: {exc}") from None


# ----------------------------------------------------------------------- binding


def _bases(
    variables: Sequence[str] | None, shapes: Mapping[str, tuple[int, ...]], where: str
) -> dict[str, tuple[int, ...]]:
    """Every name that is traced as symbols, with its shape (variables' entries checked)."""
    symbols = dict(shapes)
    for name in variables or ():
        entry = parse_entry_name(name)
        if entry is None:
            symbols.setdefault(name, ())
            continue
        base, index = entry
        shape = shapes.get(base)
        if shape is None or not shape:
            raise ArgumentError(
                f"{where} argument 'variables': {name!r} is an entry of {base}, which has no "
                f"shape: give it, e.g. variables={{'{base}': (3,)}} or shapes={{'{base}': 3}}"
            )
        if len(index) != len(shape) or not all(
            0 <= i < n for i, n in zip(index, shape, strict=True)
        ):
            raise ArgumentError(
                f"{where} argument 'variables': {name!r} is not an entry of {base} of shape "
                f"{shape} (indices from 0 to n - 1)"
            )
    return symbols


def _tensor_of(name: str, shape: tuple[int, ...], where: str) -> TracedArray:
    try:
        return TracedArray(ops.variable(name, shape), name)
    except ExpressionError as exc:
        raise ArgumentError(f"{where}: {name} of shape {shape}: {exc}") from None


def _bind(
    fn: Callable[..., Any],
    signature: inspect.Signature,
    symbols: Mapping[str, tuple[int, ...]],
    data: Mapping[str, Any],
    where: str,
) -> tuple[list[Any], dict[str, Any], list[str]]:
    """Positional and keyword arguments for ``fn``, and the scalar symbols made."""
    parameters = signature.parameters
    accepts_keywords = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
    label = _signature_text(fn, signature)
    for name in [*symbols, *data]:
        if name not in parameters and not accepts_keywords:
            which = "data" if name in data else "variables"
            raise ArgumentError(
                f"{where} argument {which!r}: {name!r} is not a parameter of {label}"
            )
    positional: list[Any] = []
    keywords: dict[str, Any] = {}
    made: list[str] = []
    for name, parameter in parameters.items():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        if name in data:
            value = _datum(name, data[name], where)
        elif name in symbols:
            _check_name(name, f"variable {name!r}", f"{where} argument 'variables'")
            value = _tensor_of(name, symbols[name], where)
        elif name == "xp":
            value = XP
        elif parameter.default is parameter.empty:
            if name in _NAMESPACE_NAMES:
                raise ArgumentError(
                    f"{where}: parameter {name!r} of {label} looks like an array namespace; "
                    "the traced namespace is passed to the parameter named xp: write "
                    f"the function with xp (xp.exp, xp.sum ...) and call it with {name} "
                    "elsewhere"
                )
            _check_name(name, f"parameter {name!r} of {label}", where)
            value = _tensor_of(name, (), where)
            made.append(name)
        else:
            continue
        if parameter.kind is parameter.POSITIONAL_ONLY:
            positional.append(value)
        else:
            keywords[name] = value
    for name in [*symbols, *data]:  # taken by **kwargs
        if name not in parameters:
            if name in data:
                keywords[name] = _datum(name, data[name], where)
            else:
                _check_name(name, f"variable {name!r}", f"{where} argument 'variables'")
                keywords[name] = _tensor_of(name, symbols[name], where)
    return positional, keywords, made


# ----------------------------------------------------------------------- results


def _result_node(result: Any, label: str) -> ast.expr:
    if isinstance(result, TracedArray):
        tensor = result._tensor
        if tensor.ndim:
            raise ExpressionError(
                f"{label} returned an array of shape {tuple(int(n) for n in tensor.shape)}: "
                "a claim is about a scalar function; reduce it, e.g. with xp.sum(...) or "
                "xp.mean(...)"
            )
        node = tensor[()]
        if ops.is_condition(node):
            raise ExpressionError(
                f"{label} returned a condition (a comparison), not a value; use it in "
                "xp.where(condition, a, b)"
            )
        return node
    number = exact_number(result, f"the result of {label}")
    if number is not None:
        return Exact(number)
    if isinstance(result, np.ndarray):
        raise ExpressionError(
            f"{label} returned a NumPy array of shape {result.shape}, computed without the "
            "traced values; compute with the xp parameter and the variables"
        )
    raise ArgumentError(
        f"{label} returned {type(result).__name__} {_short(result)}, not a traced scalar; "
        "return the loss, e.g. xp.sum(...)"
    )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _node_weight(node: ast.AST) -> int:
    """About how many expression nodes ``node`` alone becomes in the printed text."""
    if isinstance(node, Entry):  # w[0]: Subscript, Name, Constant; W[1,2]: and a Tuple
        indices = node.name.count(",") + 1
        return 2 + indices + (indices > 1)
    if isinstance(node, Exact):
        value = node.value
        return (1 if value.denominator == 1 else 3) + (value < 0)
    if isinstance(node, NSum):
        return max(len(node.terms) - 1, 1) + (bool(node.negated) and node.negated[0])
    if isinstance(node, NProduct):
        return max(len(node.factors) - 1, 1) + (bool(node.inverted) and node.inverted[0])
    return 1 if isinstance(node, ast.expr) else 0


def text_size(root: ast.expr, limit: int) -> int:
    """The number of expression nodes the printed text of ``root`` about has, counted
    over the shared DAG (the ops share nodes: a tree can be exponentially larger than
    the nodes made); stops counting above ``limit``."""
    sizes: dict[int, int] = {}
    stack: list[tuple[ast.AST, bool]] = [(root, False)]
    keep: list[ast.AST] = []  # ids stay valid while the nodes are alive
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children = list(ast.iter_child_nodes(node))
        if not done:
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        size = _node_weight(node) + sum(sizes[id(child)] for child in children)
        sizes[key] = min(size, limit + 1)
        keep.append(node)
    return sizes[id(root)]


def claim_text(node: ast.expr, what: str) -> str:
    """The claim text of a scalar tree, refused (ExpressionError) before it is printed
    when it would be beyond the parser's limits on one text."""
    if text_size(node, MAX_TEXT_NODES) > MAX_TEXT_NODES:
        raise ExpressionError(
            f"{what} is too large for one claim text: more than {MAX_TEXT_NODES:,} "
            f"expression nodes (the limit is {MAX_TEXT_NODES:,}); {_LARGE}"
        )
    text = scalar_text(node)
    if len(text) > MAX_TEXT_CHARACTERS:
        raise ExpressionError(
            f"{what} is too large for one claim text: {len(text):,} characters (the limit "
            f"is {MAX_TEXT_CHARACTERS:,}); {_LARGE}"
        )
    return text


# -------------------------------------------------------------------------- trace


def trace_function(
    fn: Callable[..., Any],
    variables: Sequence[str] | None = None,
    data: Mapping[str, Any] | None = None,
    shapes: Mapping[str, tuple[int, ...]] | None = None,
    *,
    where: str = "check()",
) -> TracedFunction:
    """Trace ``fn`` (see the module docstring) into a claim text.

    ``variables``: names (``"w"``, or one entry ``"w[0]"``) or None; ``shapes``: name ->
    shape tuple (``()`` a scalar) for the variables and any shaped parameter; ``data``:
    name -> value.  Raises ArgumentError for arguments that do not fit ``fn`` and
    ExpressionError for an operation outside the traced vocabulary (located in ``fn``'s
    code); an exception of ``fn``'s own becomes an ArgumentError that says so (chained).
    """
    data = dict(data or {})
    shapes = {name: tuple(shape) for name, shape in (shapes or {}).items()}
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError) as exc:
        raise ArgumentError(
            f"{where} argument 'function': cannot read the parameters of {_short(fn)}: {exc}"
        ) from None
    label = _signature_text(fn, signature)
    for name in data:
        if not isinstance(name, str):
            raise ArgumentError(
                f"{where} argument 'data': keys must be names, found {_short(name)}"
            )
        if name in shapes or name in (variables or ()):
            raise ArgumentError(
                f"{where} argument 'data': {name!r} is data, not a variable (it is also in "
                "variables or shapes)"
            )
        if name == "xp":
            raise ArgumentError(f"{where} argument 'data': 'xp' is the namespace parameter")
    symbols = _bases(variables, shapes, where)
    if "xp" in symbols:
        raise ArgumentError(f"{where} argument 'variables': 'xp' is the namespace parameter")
    positional, keywords, made = _bind(fn, signature, symbols, data, where)

    started = time.process_time()

    def budget() -> None:
        if time.process_time() - started > TRACE_CPU_SECONDS:
            raise record(
                ExpressionError(
                    f"tracing {label} used more than {TRACE_CPU_SECONDS:g} CPU seconds; {_LARGE}"
                )
            )

    meter = ops.Meter(check_budget=budget)
    try:
        with ops.metering(meter), recording() as refusals:
            result = fn(*positional, **keywords)
    except ConvexityProofsError:
        raise
    except RecursionError as exc:
        raise ArgumentError(f"tracing {label}: it recursed too deeply ({exc})") from exc
    except Exception as exc:
        raise ArgumentError(
            f"tracing {label}: the function raised {type(exc).__name__}: {exc}"
        ) from exc
    if refusals:
        # The function caught a refusal and went on: what it returned is not what it
        # computes with NumPy (say, an except branch taken for an if on a variable).
        raise ExpressionError(
            f"{label} caught an error of the tracer and went on, so its result is not what "
            f"it computes on numbers; the error was: {refusals[0]}"
        )
    node = _result_node(result, label)
    text = claim_text(node, f"the formula {label} computes")
    traced_shapes = {name: shape for name, shape in symbols.items() if shape}
    return TracedFunction(
        node=node,
        text=text,
        shapes=traced_shapes,
        variables=None if variables is None else tuple(variables),
        parameters=tuple(made),
        signature=label,
        statement=f"traced from {label}",
    )
