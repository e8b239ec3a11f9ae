"""Vector notation: the written tree of a claim text, evaluated to one scalar tree.

``sum(log(1 + exp(-y[i] * (X[i] @ w + b))) for i in range(4))`` is evaluated over the
:class:`~convexity_proofs._vector.space.Space` of the claim (``w`` shaped, ``X`` and
``y`` data): names become tensors of entries or exact constants, loop variables Python
integers, and every operation a call of :mod:`convexity_proofs._vector.ops`.  The
result, a 0-d tensor, is the scalar tree that the parser's builder turns into SymPy as
it builds any scalar text (:func:`convexity_proofs._parser.parse_function`'s ``expand``
hook): same whitelist, same obligations, same guards.  So this module decides only the
*meaning* of the vector syntax; it never builds SymPy and never evaluates user text
other than through the tree ``ast.parse`` made.

Evaluation uses an explicit work stack (no recursion: a written tree may be hundreds of
levels deep), and a comprehension is a chain of plans: its range bounds are evaluated
for every environment of the enclosing loops, then its body once per iteration.  Work
is bounded by :data:`MAX_RANGE` per range, by the node count of an
:class:`~convexity_proofs._vector.ops.Meter` (iterations count too) and by the parse's
CPU budget, polled as the stack runs.

Every refusal is an ExpressionError located at the written node (``ctx.where``).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Final, Union

import numpy as np

from convexity_proofs._parser import (
    CONSTANT_NAMES,
    FUNCTION_NAMES,
    ExpansionContext,
    _exact_decimal,
    function_hint,
    implicit_product_hint,
    refused_literal,
    sum_run,
)
from convexity_proofs._scalar_ast import Exact, located
from convexity_proofs._vector import ops
from convexity_proofs._vector.space import Space
from convexity_proofs.errors import ExpressionError

__all__ = ["MAX_COMPREHENSION_DEPTH", "MAX_RANGE", "VECTOR_NAMES", "expand"]

MAX_RANGE: Final = 100_000
"""Most iterations of one ``range``."""

MAX_COMPREHENSION_DEPTH: Final = 4
"""Deepest nesting of comprehensions (a comprehension inside the body of another)."""

_MAX_CLAUSES: Final = 8  # for clauses of one comprehension
_MAX_LITERAL_CHARS: Final = 100  # as the parser's
_MAX_INT_BITS: Final = 10_000  # as the parser's bound on numbers
_POLL_EVERY: Final = 256

_AXIS_REDUCTIONS: Final = ("sum", "mean", "prod")
_REGISTRY_REDUCTIONS: Final = ("max", "min", "logsumexp", "Max", "Min")
_VECTOR_ARITY: Final[dict[str, tuple[int, int]]] = {
    "sum": (1, 2),
    "mean": (1, 2),
    "prod": (1, 2),
    "len": (1, 1),
    "dot": (2, 2),
    "norm": (1, 2),
    "sum_squares": (1, 1),
    "transpose": (1, 1),
    "where": (3, 3),
}
VECTOR_NAMES: Final[frozenset[str]] = frozenset({*_VECTOR_ARITY, "range"})
"""Names callable in vector notation besides the registry's functions."""


def _order(name: str) -> tuple[str, str]:
    return name.lower(), name


_KNOWN: Final = ", ".join(sorted(FUNCTION_NAMES, key=_order))
_KNOWN_VECTOR: Final = ", ".join(sorted(VECTOR_NAMES, key=_order))
_ALLOWED: Final = (
    "allowed are numbers, names, pi, E, the operators + - * / ** @ (// and % on "
    "integers), comparisons in conditions, subscripts x[i], list literals, "
    "comprehensions over range(...), and calls of " + _KNOWN + ", " + _KNOWN_VECTOR
)
_FORBIDDEN: Final[dict[type[ast.AST], str]] = {
    ast.Lambda: "a lambda expression",
    ast.SetComp: "a set comprehension",
    ast.DictComp: "a dict comprehension",
    ast.JoinedStr: "an f-string",
    ast.FormattedValue: "an f-string field",
    ast.NamedExpr: "an assignment expression (':=')",
    ast.Starred: "a starred expression ('*...')",
    ast.Dict: "a dict literal",
    ast.Set: "a set literal",
    ast.IfExp: "a conditional expression ('... if ... else ...')",
    ast.Await: "'await'",
    ast.Yield: "'yield'",
    ast.YieldFrom: "'yield from'",
    ast.Slice: "a slice outside a subscript",
}
_OPERATORS: Final[dict[type[ast.operator], str]] = {
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.BitAnd: "&",
}
_COMPARISONS: Final[dict[type[ast.cmpop], str]] = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}
_REFUSED_COMPARISONS: Final[dict[type[ast.cmpop], str]] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}

_Value = Union[int, ops.Tensor]  # noqa: UP007 - a runtime alias
_Env = dict[str, int]


@dataclass(slots=True)
class _Plan:
    """Children to evaluate first (each in its environment), then ``combine`` their
    values into this node's value, or into a further plan (comprehension stages)."""

    node: ast.AST
    children: list[tuple[ast.expr, _Env]]
    combine: Callable[[list[_Value]], _Value | _Plan | _Loop]


@dataclass(slots=True)
class _Loop:
    """A comprehension in progress: ``body`` is evaluated once per environment of
    ``environments``; when they run out, ``finish`` gets the ``count`` values."""

    node: ast.AST
    body: ast.expr
    environments: Iterator[_Env]
    finish: Callable[[list[_Value]], _Value]
    count: int = 0


def expand(root: ast.expr, ctx: ExpansionContext, space: Space) -> ast.expr:
    """The scalar tree of the written ``root`` over ``space`` (parse_function's hook)."""
    _check_comprehensions(root, space, ctx)
    meter = ops.Meter(limit=ops.MAX_EXPANDED_NODES, check_budget=ctx.check_budget)
    with ops.metering(meter):
        value = _Expander(space, ctx, meter).run(root)
    for name in sorted(meter.dropped):
        ctx.mention(name)
    if isinstance(value, int):
        return Exact(value)
    if value.ndim:
        kind = {1: "vector", 2: "matrix"}.get(value.ndim, "array")
        shape = tuple(int(n) for n in value.shape)
        raise ExpressionError(
            f"the function is a {kind} of shape {shape}{ctx.where(root)}; a function is "
            "a scalar: reduce it, e.g. with sum(...)"
        )
    return ops.node_of(value)


# ------------------------------------------------------------------ static checks


def _check_comprehensions(root: ast.expr, space: Space, ctx: ExpansionContext) -> None:
    """Comprehension shapes, before any work: ``for <name> in range(...)`` clauses only,
    no ``if`` filters, no loop variable shadowing an array, a function, a constant or
    another loop variable, and at most :data:`MAX_COMPREHENSION_DEPTH` levels."""
    stack: list[tuple[ast.AST, frozenset[str], int]] = [(root, frozenset(), 0)]
    while stack:
        node, bound, depth = stack.pop()
        if isinstance(node, ast.ListComp | ast.GeneratorExp):
            if depth + 1 > MAX_COMPREHENSION_DEPTH:
                raise ExpressionError(
                    f"comprehensions are nested too deeply{ctx.where(node)}: more than "
                    f"{MAX_COMPREHENSION_DEPTH} levels"
                )
            if len(node.generators) > _MAX_CLAUSES:
                raise ExpressionError(
                    f"a comprehension has {len(node.generators)} for clauses"
                    f"{ctx.where(node)}; at most {_MAX_CLAUSES} are allowed"
                )
            names = set(bound)
            for clause in node.generators:
                _check_clause(clause, names, space, ctx)
                stack.append((clause.iter, frozenset(names), depth + 1))
                names.add(clause.target.id)  # type: ignore[attr-defined]
            stack.append((node.elt, frozenset(names), depth + 1))
            continue
        for child in ast.iter_child_nodes(node):
            stack.append((child, bound, depth))


def _check_clause(
    clause: ast.comprehension, bound: set[str], space: Space, ctx: ExpansionContext
) -> None:
    target = clause.target
    if clause.is_async:
        raise ExpressionError(f"'async for' is not allowed{ctx.where(target)}")
    if not isinstance(target, ast.Name):
        raise ExpressionError(
            f"the loop variable {ctx.text(target)!r} is not a name{ctx.where(target)}; "
            "write for i in range(n)"
        )
    name = target.id
    if name in space.shapes or name in space.data:
        what = "a shaped symbol" if name in space.shapes else "data"
        raise ExpressionError(
            f"the loop variable {name} shadows {name}, which is {what}{ctx.where(target)}; "
            "choose another name for the loop variable"
        )
    if name in bound:
        raise ExpressionError(
            f"the loop variable {name} is already a loop variable of an enclosing "
            f"clause{ctx.where(target)}; choose another name"
        )
    if name in FUNCTION_NAMES or name in VECTOR_NAMES or name in CONSTANT_NAMES:
        kind = "constant" if name in CONSTANT_NAMES else "function"
        raise ExpressionError(
            f"the loop variable {name} shadows the {kind} {name}{ctx.where(target)}; "
            "choose another name"
        )
    if clause.ifs:
        raise ExpressionError(
            f"an 'if' filter in a comprehension is not allowed{ctx.where(clause.ifs[0])}; "
            "multiply by a where(...) or Piecewise term instead, or choose the range"
        )
    loop = clause.iter
    if not (
        isinstance(loop, ast.Call)
        and isinstance(loop.func, ast.Name)
        and loop.func.id == "range"
        and not loop.keywords
        and 1 <= len(loop.args) <= 3
        and not any(isinstance(a, ast.Starred) for a in loop.args)
    ):
        raise ExpressionError(
            f"a for clause must loop over range(n), range(a, b) or range(a, b, step), "
            f"found {ctx.text(loop)!r}{ctx.where(loop)}"
        )


# ----------------------------------------------------------------------- evaluation


def _scalar_tensor(node: ast.expr) -> ops.Tensor:
    out = np.empty((), dtype=object)
    out[()] = node
    return out


def _has_exact_zero(value: _Value) -> bool:
    if isinstance(value, int):
        return value == 0
    return any(type(node) is Exact and not node.value for node in value.ravel().tolist())


def _tensor(value: _Value) -> ops.Tensor:
    return ops.constant(value) if isinstance(value, int) else value


class _Expander:
    """Evaluates one written tree with an explicit stack of (node, env) visits and
    plans; a plan's ``combine`` that raises a TensorError is located at its node."""

    def __init__(self, space: Space, ctx: ExpansionContext, meter: ops.Meter) -> None:
        self.space = space
        self.ctx = ctx
        self.meter = meter

    # ------------------------------------------------------------------ driver

    def run(self, root: ast.expr, env: _Env | None = None) -> _Value:
        """The value of ``root`` in ``env`` (reentrant: range bounds run nested)."""
        values: list[_Value] = []
        work: list[tuple[ast.expr, _Env] | _Plan | _Loop] = [(root, env or {})]
        countdown = _POLL_EVERY
        while work:
            countdown -= 1
            if not countdown:
                countdown = _POLL_EVERY
                self.ctx.check_budget()
            item = work.pop()
            kind = type(item)
            try:
                if kind is _Loop:
                    loop: _Loop = item  # type: ignore[assignment]
                    inner = next(loop.environments, None)
                    if inner is not None:
                        loop.count += 1
                        work.append(loop)
                        work.append((loop.body, inner))
                        continue
                    result = loop.finish(self._pop(values, loop.count))
                elif kind is _Plan:
                    plan: _Plan = item  # type: ignore[assignment]
                    result = plan.combine(self._pop(values, len(plan.children)))
                else:
                    node, inner = item  # type: ignore[misc]
                    result = self._visit(node, inner)
            except ops.TensorError as exc:
                where = item[0] if kind is tuple else item.node  # type: ignore[index,union-attr]
                raise exc.at(self.ctx.where(where)) from None
            if type(result) is _Plan or type(result) is _Loop:
                work.append(result)
                if type(result) is _Plan:
                    work.extend(reversed(result.children))  # type: ignore[union-attr]
            else:
                values.append(result)  # type: ignore[arg-type]
        return values[0]

    @staticmethod
    def _pop(values: list[_Value], count: int) -> list[_Value]:
        start = len(values) - count
        taken = values[start:]
        del values[start:]
        return taken

    def _error(self, node: ast.AST, message: str, hint: str = "") -> ExpressionError:
        where = self.ctx.where(node)
        return ExpressionError(f"{message}{where}; {hint}" if hint else f"{message}{where}")

    def _refuse(self, node: ast.AST, found: str) -> ExpressionError:
        return self._error(node, f"{found} is not allowed", _ALLOWED)

    # ---------------------------------------------------------------- dispatch

    def _visit(self, node: ast.expr, env: _Env) -> _Value | _Plan | _Loop:
        kind = type(node)
        if kind is ast.Name:
            return self._name(node, env)  # type: ignore[arg-type]
        if kind is ast.Constant:
            return self._constant(node)  # type: ignore[arg-type]
        if kind is ast.BinOp:
            return self._binop(node, env)  # type: ignore[arg-type]
        if kind is ast.Call:
            return self._call(node, env)  # type: ignore[arg-type]
        if kind is ast.Subscript:
            return self._subscript(node, env)  # type: ignore[arg-type]
        if kind is ast.UnaryOp:
            return self._unary(node, env)  # type: ignore[arg-type]
        if kind is ast.Compare:
            return self._compare(node, env)  # type: ignore[arg-type]
        if kind is ast.BoolOp:
            word = "and" if isinstance(node.op, ast.And) else "or"  # type: ignore[attr-defined]
            return _Plan(
                node,
                [(value, env) for value in node.values],  # type: ignore[attr-defined]
                lambda values: ops.logical(word, [_tensor(v) for v in values], node),
            )
        if kind is ast.List:
            return _Plan(
                node,
                [(element, env) for element in node.elts],  # type: ignore[attr-defined]
                lambda values: ops.stack([_tensor(v) for v in values], node),
            )
        if kind is ast.ListComp:
            return self._comprehension(node, env, lambda values: self._stacked(values, node))  # type: ignore[arg-type]
        if kind is ast.GeneratorExp:
            raise self._error(
                node,
                "a generator expression is only allowed as the argument of sum, mean, "
                "prod, max, min or logsumexp",
                "write sum(... for i in range(n)), or a list [... for i in range(n)]",
            )
        if kind is ast.Tuple:
            raise self._error(
                node,
                "a tuple is not allowed",
                "tuples are only allowed as the (expression, condition) pairs of Piecewise",
            )
        if kind is ast.Attribute:
            column = node.end_col_offset - len(node.attr)  # type: ignore[attr-defined,operator]
            where = self.ctx.source.where(node.end_lineno, column)
            hint = " (for the transpose write transpose(X))" if node.attr == "T" else ""  # type: ignore[attr-defined]
            raise ExpressionError(
                f"attribute access ('.{node.attr}') is not allowed{where}{hint}; {_ALLOWED}"  # type: ignore[attr-defined]
            )
        raise self._refuse(node, _FORBIDDEN.get(kind, f"'{kind.__name__}' syntax"))

    # ------------------------------------------------------------------ leaves

    def _name(self, node: ast.Name, env: _Env) -> _Value:
        name = node.id
        if name in env:
            return env[name]
        tensor = self.space.tensor(name)
        if tensor is not None:
            return tensor
        # A scalar symbol, pi or E: the builder checks and builds the written name.
        return _scalar_tensor(node)

    def _constant(self, node: ast.Constant) -> _Value:
        value = node.value
        if isinstance(value, bool):
            return _scalar_tensor(node)  # a condition (True), or refused by the builder
        if isinstance(value, int):
            text = self.ctx.source.segment(node)
            if len(text) > _MAX_LITERAL_CHARS:
                raise self._error(
                    node,
                    f"number literal {text[:17]!r}... is too long: {len(text)} characters "
                    f"(the limit is {_MAX_LITERAL_CHARS})",
                )
            return value
        if isinstance(value, float):
            exact = _exact_decimal(self.ctx.source.segment(node), lambda: self.ctx.where(node))
            return _scalar_tensor(located(Exact(exact), node))
        raise self._refuse(node, refused_literal(value, repr(self.ctx.text(node))))

    # --------------------------------------------------------------- operators

    def _unary(self, node: ast.UnaryOp, env: _Env) -> _Plan:
        op = node.op
        if isinstance(op, ast.Invert):
            raise self._error(
                node, "the operator '~' is not allowed", "allowed operators are + - * / ** @"
            )

        def combine(values: list[_Value]) -> _Value:
            (value,) = values
            if isinstance(op, ast.Not):
                return ops.logical("not", [_tensor(value)], node)
            if isinstance(value, int):
                return -value if isinstance(op, ast.USub) else value
            if isinstance(op, ast.USub):
                return ops.negate(value, node)
            return ops.nsum([value], [False], node)  # unary +: a value, unchanged

        return _Plan(node, [(node.operand, env)], combine)

    def _binop(self, node: ast.BinOp, env: _Env) -> _Plan:
        op = node.op
        if isinstance(op, ast.Add | ast.Sub):
            return self._sum(node, env)
        if isinstance(op, ast.Mult | ast.Div):
            return self._product(node, env)
        if isinstance(op, ast.Pow):
            return _Plan(
                node, [(node.left, env), (node.right, env)], lambda v: self._power(node, *v)
            )
        if isinstance(op, ast.MatMult):
            return _Plan(
                node,
                [(node.left, env), (node.right, env)],
                lambda v: ops.matmul(_tensor(v[0]), _tensor(v[1]), node),
            )
        if isinstance(op, ast.FloorDiv | ast.Mod):
            symbol = "//" if isinstance(op, ast.FloorDiv) else "%"
            return _Plan(
                node,
                [(node.left, env), (node.right, env)],
                lambda v: self._integer_division(node, symbol, v[0], v[1]),
            )
        symbol = _OPERATORS.get(type(op), type(op).__name__)
        hint = " (for powers write '**')" if symbol == "^" else ""
        raise ExpressionError(
            f"the operator '{symbol}' is not allowed{self._operator_where(node, symbol)}"
            f"{hint}; allowed operators are + - * / ** @ (and // % on integers)"
        )

    def _operator_where(self, node: ast.BinOp, symbol: str) -> str:
        """The position of the operator itself, as the builder reports it."""
        source = self.ctx.source
        start = source.offset(node.left.end_lineno, node.left.end_col_offset)  # type: ignore[arg-type]
        end = source.offset(node.right.lineno, node.right.col_offset)
        found = source.text.find(symbol, start, end)
        return source.where_offset(found) if found >= 0 else self.ctx.where(node)

    def _sum(self, node: ast.BinOp, env: _Env) -> _Plan:
        """A run of + and - as one n-ary sum (linear time, one NSum per entry)."""
        operands, negated = sum_run(node)

        def combine(values: list[_Value]) -> _Value:
            if all(isinstance(v, int) for v in values):
                total = sum(-v if n else v for v, n in zip(values, negated, strict=True))  # type: ignore[operator]
                return self._small(total)
            return ops.nsum(values, negated, node)

        return _Plan(node, [(operand, env) for operand in operands], combine)

    def _product(self, node: ast.BinOp, env: _Env) -> _Plan:
        """A run of * and / as one n-ary product.  The right operand of a '/' is one
        divisor (not flattened), so a divisor that itself divides stays whole."""
        operands: list[ast.expr] = []
        inverted: list[bool] = []
        stack: list[tuple[ast.expr, bool]] = [(node, False)]
        while stack:
            item, inverse = stack.pop()
            if isinstance(item, ast.BinOp) and isinstance(item.op, ast.Mult):
                stack.append((item.right, inverse))
                stack.append((item.left, inverse))
            elif isinstance(item, ast.BinOp) and isinstance(item.op, ast.Div) and not inverse:
                stack.append((item.right, True))
                stack.append((item.left, False))
            else:
                operands.append(item)
                inverted.append(inverse)

        def combine(values: list[_Value]) -> _Value:
            for operand, value, inverse in zip(operands, values, inverted, strict=True):
                if inverse and _has_exact_zero(value):
                    text = self.ctx.text(operand)
                    if not isinstance(operand, ast.Name | ast.Constant | ast.Call | ast.Subscript):
                        text = f"({text})"
                    raise self._error(operand, f"1/{text} is undefined (division by zero)")
            if not any(inverted) and all(isinstance(v, int) for v in values):
                total = 1
                for v in values:
                    total = self._small(total * v)  # type: ignore[operator]
                return total
            return ops.nproduct(values, inverted, node)

        return _Plan(node, [(operand, env) for operand in operands], combine)

    def _small(self, value: int) -> int:
        if value.bit_length() > _MAX_INT_BITS:
            raise ops.TensorError(
                f"number too large: an integer would need more than {_MAX_INT_BITS} bits "
                f"(the limit is {_MAX_INT_BITS})"
            )
        return value

    def _power(self, node: ast.BinOp, base: _Value, exponent: _Value) -> _Value:
        if isinstance(base, int) and isinstance(exponent, int) and 0 <= exponent <= 1000:
            if base in (0, 1, -1) or abs(base).bit_length() * exponent <= _MAX_INT_BITS:
                return int(base**exponent)
        if isinstance(exponent, int):  # located, so the builder's exponent errors point here
            exponent = _scalar_tensor(located(Exact(exponent), node.right))
        return ops.binary("**", _tensor(base), exponent, node)

    def _integer_division(self, node: ast.BinOp, symbol: str, a: _Value, b: _Value) -> int:
        if not (isinstance(a, int) and isinstance(b, int)):
            raise self._error(
                node,
                f"the operator '{symbol}' is only allowed between integers",
                "use it in indices and range bounds, on literals and loop variables",
            )
        if b == 0:
            raise self._error(node, f"integer division by zero ('{symbol}')")
        return a // b if symbol == "//" else a % b

    def _compare(self, node: ast.Compare, env: _Env) -> _Plan:
        symbols = []
        for op in node.ops:
            if type(op) in _REFUSED_COMPARISONS:
                raise self._error(
                    node,
                    f"'{_REFUSED_COMPARISONS[type(op)]}' in a condition is not allowed",
                    "a condition is a comparison with < <= > >= (chains such as "
                    "0 < x <= 1 allowed), combined with and, or, not, or the literal True",
                )
            symbols.append(_COMPARISONS[type(op)])
        operands = [node.left, *node.comparators]

        def combine(values: list[_Value]) -> _Value:
            tensors = [_tensor(v) for v in values]
            parts = [
                ops.compare(symbol, tensors[k], tensors[k + 1], node)
                for k, symbol in enumerate(symbols)
            ]
            return parts[0] if len(parts) == 1 else ops.logical("and", parts, node)

        return _Plan(node, [(operand, env) for operand in operands], combine)

    # -------------------------------------------------------------- subscripts

    def _subscript(self, node: ast.Subscript, env: _Env) -> _Plan:
        base = node.value
        if isinstance(base, ast.Name):
            name = base.id
            if name in env:
                raise self._error(
                    node, f"{name} is a loop variable (an integer), it cannot be indexed"
                )
            if self.space.tensor(name) is None:
                raise self._error(
                    node,
                    f"{name} has no shape",
                    f"declare it, e.g. shapes = {{ {name} = 3 }}, or give it in data",
                )
        parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        children: list[tuple[ast.expr, _Env]] = [(base, env)]
        layout: list[ast.expr | tuple[ast.expr | None, ...]] = []
        for part in parts:
            if isinstance(part, ast.Slice):
                bounds = (part.lower, part.upper, part.step)
                layout.append(bounds)
                children.extend((bound, env) for bound in bounds if bound is not None)
            else:
                layout.append(part)
                children.append((part, env))

        def combine(values: list[_Value]) -> _Value:
            array = values[0]
            if isinstance(array, int):
                raise self._error(base, "an integer cannot be indexed")
            remaining = iter(values[1:])
            key: list[int | slice] = []
            for item in layout:
                if isinstance(item, tuple):
                    bounds = [
                        None if bound is None else self._index(bound, next(remaining))
                        for bound in item
                    ]
                    key.append(slice(*bounds))
                else:
                    key.append(self._index(item, next(remaining)))
            return ops.index(array, tuple(key), node, name=self.ctx.text(base))

        return _Plan(node, children, combine)

    def _index(self, node: ast.expr, value: _Value) -> int:
        if isinstance(value, int):
            return value
        raise self._error(
            node,
            f"an index must be an integer, found {self.ctx.text(node)!r}",
            "indices are integer literals, loop variables and len(...), combined with + - * // %",
        )

    # ------------------------------------------------------------ comprehensions

    def _comprehension(
        self,
        node: ast.ListComp | ast.GeneratorExp,
        env: _Env,
        finish: Callable[[list[_Value]], _Value],
    ) -> _Loop:
        """A loop the driver runs one iteration at a time: the body is evaluated in each
        environment :meth:`_environments` yields, then ``finish`` combines the values.
        Streaming keeps one environment alive at a time (a million iterations must not
        mean a million dictionaries)."""
        return _Loop(node, node.elt, self._environments(node.generators, 0, env), finish)

    def _environments(
        self, clauses: Sequence[ast.comprehension], k: int, env: _Env
    ) -> Iterator[_Env]:
        """The environments of clauses k, k+1, ... in order; clause k's range bounds are
        evaluated in ``env`` (a nested run of the driver: they may use outer loop
        variables and len(...)).  Every iteration counts against the meter."""
        if k == len(clauses):
            yield env
            return
        clause = clauses[k]
        loop: ast.Call = clause.iter  # type: ignore[assignment]
        target: str = clause.target.id  # type: ignore[attr-defined]
        steps = self._range(loop, [self.run(argument, env) for argument in loop.args])
        last = k + 1 == len(clauses)
        for start in range(0, len(steps), _POLL_EVERY):
            chunk = steps[start : start + _POLL_EVERY]
            self.meter.add(len(chunk))
            for i in chunk:
                inner = {**env, target: i}
                if last:
                    yield inner
                else:
                    yield from self._environments(clauses, k + 1, inner)

    def _range(self, loop: ast.Call, bounds: Sequence[_Value]) -> range:
        for bound, value in zip(loop.args, bounds, strict=True):
            if not isinstance(value, int):
                raise self._error(
                    bound,
                    f"a range bound must be an integer, found {self.ctx.text(bound)!r}",
                    "bounds are integer literals, loop variables and len(...)",
                )
        start, stop, step = (0, bounds[0], 1) if len(bounds) == 1 else (*bounds, 1)[:3]
        if step == 0:
            raise self._error(loop, "range() step must not be zero")
        assert isinstance(start, int) and isinstance(stop, int) and isinstance(step, int)
        if step > 0:
            count = max(0, (stop - start + step - 1) // step)
        else:
            count = max(0, (start - stop - step - 1) // -step)
        if count > MAX_RANGE:
            raise self._error(
                loop,
                f"{self.ctx.text(loop)} is too long: {count} iterations (the limit is {MAX_RANGE})",
                "for large data sets write a model claim (model = ...) instead",
            )
        return range(start, stop, step)

    def _stacked(self, values: list[_Value], node: ast.AST) -> ops.Tensor:
        return ops.stack([_tensor(v) for v in values], node)

    def _reduced(self, kind: str, values: list[_Value], node: ast.AST) -> ops.Tensor:
        """A reduction over a comprehension's values (along the new first axis: the
        values are scalars, or equal-shaped arrays reduced elementwise)."""
        stacked = self._stacked(values, node)
        name = {"Max": "max", "Min": "min"}.get(kind, kind)
        if stacked.ndim == 1:
            return ops.reduce(name, stacked, None, node)
        return ops.reduce(name, stacked, 0, node)

    # ------------------------------------------------------------------- calls

    def _call(self, node: ast.Call, env: _Env) -> _Value | _Plan | _Loop:
        name = self._callee(node)
        args = node.args
        if name in _AXIS_REDUCTIONS or name in _REGISTRY_REDUCTIONS:
            if len(args) == 1 and isinstance(args[0], ast.GeneratorExp):
                generator = args[0]
                return self._comprehension(
                    generator, env, lambda values: self._reduced(name, values, node)
                )
        if name in _VECTOR_ARITY:
            return self._vector_call(node, name, env)
        if name == "Piecewise":
            return self._piecewise(node, env)
        children = [(argument, env) for argument in args]
        if name in _REGISTRY_REDUCTIONS and len(args) == 1:

            def reduce_or_apply(values: list[_Value]) -> _Value:
                value = _tensor(values[0])
                if value.ndim:
                    return ops.reduce(
                        {"Max": "max", "Min": "min"}.get(name, name), value, None, node
                    )
                return ops.apply(name, [value], node)

            return _Plan(node, children, reduce_or_apply)
        return _Plan(
            node, children, lambda values: ops.apply(name, [_tensor(v) for v in values], node)
        )

    def _callee(self, node: ast.Call) -> str:
        func = node.func
        if not isinstance(func, ast.Name):
            if isinstance(func, ast.Attribute):
                self._visit(func, {})  # raises the attribute message
            product = ""
            if isinstance(func, ast.Constant):  # 2(x + 1) parses as a call of 2
                product = implicit_product_hint(self.ctx.source.segment(node), call=True)
            raise self._error(
                func,
                f"calling {self.ctx.text(func)!r} is not allowed",
                (f"{product}; " if product else "")
                + "only named functions can be called: "
                + _KNOWN
                + ", "
                + _KNOWN_VECTOR,
            )
        name = func.id
        if node.keywords:
            first = node.keywords[0]
            found = f"'{first.arg}='" if first.arg else "'**'"
            raise self._error(
                first,
                f"keyword argument {found} in {name}() is not allowed",
                "pass arguments by position",
            )
        for argument in node.args:
            if isinstance(argument, ast.Starred):
                raise self._error(
                    argument,
                    f"a starred argument ('*') in {name}() is not allowed",
                    "pass arguments one by one",
                )
        if name == "range":
            raise self._error(
                node,
                "range(...) is only allowed in the for clause of a comprehension",
                "write sum(... for i in range(n))",
            )
        if name not in FUNCTION_NAMES and name not in VECTOR_NAMES:
            raise self._error(
                func,
                f"unknown function {name!r}{function_hint(name, VECTOR_NAMES)}",
                f"the known functions are {_KNOWN}, and for arrays {_KNOWN_VECTOR}",
            )
        if name in _VECTOR_ARITY:
            low, high = _VECTOR_ARITY[name]
            if not low <= len(node.args) <= high:
                takes = f"exactly {low}" if low == high else f"{low} to {high}"
                raise self._error(node, f"{name}() takes {takes} arguments, found {len(node.args)}")
        return name

    def _vector_call(self, node: ast.Call, name: str, env: _Env) -> _Plan:
        args = node.args
        if name == "norm" and len(args) == 2:
            order = self._norm_order(args[1])
            return _Plan(node, [(args[0], env)], lambda v: ops.norm(_tensor(v[0]), order, node))
        children = [(argument, env) for argument in args]

        def combine(values: list[_Value]) -> _Value:
            if name == "len":
                value = values[0]
                if isinstance(value, int) or not value.ndim:
                    raise self._error(node, "len() of a scalar", "len(x) is the length of an array")
                return int(value.shape[0])
            tensors = [_tensor(v) for v in values]
            if name in _AXIS_REDUCTIONS:
                axis = None
                if len(values) == 2:
                    if not isinstance(values[1], int):
                        raise self._error(args[1], f"the axis of {name}() must be an integer")
                    axis = values[1]
                return ops.reduce(name, tensors[0], axis, node)
            if name == "dot":
                return ops.dot(tensors[0], tensors[1], node)
            if name == "norm":
                return ops.norm(tensors[0], None, node)
            if name == "sum_squares":
                return ops.sum_squares(tensors[0], node)
            if name == "transpose":
                return ops.transpose(tensors[0])
            return ops.where(tensors[0], tensors[1], tensors[2], node)

        return _Plan(node, children, combine)

    def _norm_order(self, node: ast.expr) -> object:
        if isinstance(node, ast.Name) and node.id == "inf":
            return "inf"
        if isinstance(node, ast.Constant) and node.value in ("inf", "fro"):
            return node.value
        if isinstance(node, ast.Constant) and type(node.value) is int and node.value in (1, 2):
            return node.value
        tip = ""
        if isinstance(node, ast.Name) and node.id.lower() in ("inf", "infinity", "oo"):
            tip = " (did you mean 'inf'?)"
        raise self._error(
            node,
            f"the order of norm() must be 1, 2, inf or 'fro', found {self.ctx.text(node)!r}{tip}",
        )

    def _piecewise(self, node: ast.Call, env: _Env) -> _Plan:
        shape = "Piecewise takes pairs (expression, condition), the last with condition True"
        if not node.args:
            raise self._error(node, "Piecewise() takes at least 1 argument, found 0", shape)
        children: list[tuple[ast.expr, _Env]] = []
        for argument in node.args:
            if not (isinstance(argument, ast.Tuple) and len(argument.elts) == 2):
                raise self._error(
                    argument,
                    f"the Piecewise argument {self.ctx.text(argument)!r} is not allowed",
                    shape,
                )
            children.extend((element, env) for element in argument.elts)

        def combine(values: list[_Value]) -> _Value:
            pairs = [(_tensor(values[k]), _tensor(values[k + 1])) for k in range(0, len(values), 2)]
            return ops.piecewise(pairs, node)

        return _Plan(node, children, combine)
