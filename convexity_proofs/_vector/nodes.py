"""Scalar nodes of the expansion: how one entry of a tensor operation is built.

:mod:`convexity_proofs._vector.ops` applies these to every entry of its tensors; they
are apart so that the rules live in one small place:

- Sums are one flat :class:`NSum` (``a + b`` of two sums concatenates them) and
  products one :class:`NProduct`, so a sum over 1,000 data points is one node of 1,000
  terms, which the builder turns into one ``sympy.Add`` (nested binary chains would
  cost quadratic time and hit the builder's depth limit).
- Constants are folded exactly (Fractions), and the cheap identities ``x*1``, ``x + 0``
  and ``0*leaf`` are applied, because data matrices are full of 0s and 1s.  ``0*x`` for
  any other ``x`` is kept: ``x`` may carry a definedness obligation (``0*log(w)`` is
  defined only for w > 0), which the builder records from the tree as written.
- A divisor is never hidden: ``a/(b/c)`` keeps ``b/c`` whole, so the builder still
  records that c must be nonzero.

Also here: :class:`TensorError` (a refusal whose position the caller adds) and the
:class:`Meter` that bounds the nodes one expansion makes.
"""

from __future__ import annotations

import ast
import contextlib
import contextvars
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Final

from convexity_proofs import functions as _registry
from convexity_proofs._scalar_ast import Entry, Exact, NProduct, NSum, located
from convexity_proofs.errors import ExpressionError

__all__ = [
    "ARITY",
    "BINARY",
    "CALLEE",
    "ELEMENTWISE_NAMES",
    "LOAD",
    "MAX_EXPANDED_NODES",
    "PIECEWISE",
    "SMALL_EXACT",
    "Meter",
    "TensorError",
    "add",
    "call",
    "call_piecewise",
    "count_nodes",
    "dot_node",
    "exact",
    "exact_of",
    "flat_product",
    "flat_sum",
    "is_condition",
    "is_leaf",
    "metering",
    "mul",
    "neg",
    "power",
    "reduce_nodes",
]

MAX_EXPANDED_NODES: Final = 500_000
"""Most scalar nodes one expansion may make (while a :class:`Meter` counts)."""


_POLL_EVERY: Final = 256


_MAX_BITS: Final = 10_000  # as the builder's bound on the numbers SymPy may compute


_MAX_FOLDED_EXPONENT: Final = 1000


ELEMENTWISE_NAMES: Final[frozenset[str]] = frozenset(
    name for entry in _registry.ENTRIES if not entry.syntax for name in entry.names
)


ARITY: Final[dict[str, tuple[int, int | None]]] = {
    name: (entry.min_args, entry.max_args)
    for entry in _registry.ENTRIES
    if not entry.syntax
    for name in entry.names
}


LOAD: Final = ast.Load()


CALLEE: Final[dict[str, ast.Name]] = {
    name: ast.Name(id=name, ctx=LOAD) for name in sorted(ELEMENTWISE_NAMES)
}


class TensorError(ExpressionError):
    """A refusal without a position: ``reason`` and an optional ``hint`` (what to do).

    :meth:`at` gives the located ExpressionError the user sees:
    ``"<reason>, at column C; <hint>"``.
    """

    def __init__(self, reason: str, hint: str = "") -> None:
        self.reason = reason
        self.hint = hint
        super().__init__(f"{reason}; {hint}" if hint else reason)

    def at(self, where: str) -> ExpressionError:
        text = f"{self.reason}{where}"
        return ExpressionError(f"{text}; {self.hint}" if self.hint else text)


@dataclass
class Meter:
    """Counts the scalar nodes an expansion makes, and polls the caller's CPU budget.

    ``check_budget`` (the parser's) raises ExpressionError when the budget is spent.
    """

    limit: int = MAX_EXPANDED_NODES
    check_budget: Callable[[], None] | None = None
    made: int = 0
    #: symbols a zero constant folded away (``0*b``): still symbols of the text as
    #: written, as ``0*b`` in a scalar text is (the parser records written symbols)
    dropped: set[str] = field(default_factory=set)
    _poll_at: int = field(default=_POLL_EVERY, repr=False)

    def add(self, count: int) -> None:
        self.made += count
        if self.made > self.limit:
            raise TensorError(
                f"the expansion would make more than {self.limit} scalar nodes (the limit "
                f"is {self.limit})",
                "for large data sets write a model claim (model = ...) instead, which "
                "does not expand the data into one formula",
            )
        if self.made >= self._poll_at:
            self._poll_at = self.made + _POLL_EVERY
            if self.check_budget is not None:
                self.check_budget()


_METER: Final[contextvars.ContextVar[Meter | None]] = contextvars.ContextVar(
    "convexity_proofs_vector_meter", default=None
)


@contextlib.contextmanager
def metering(meter: Meter) -> Iterator[Meter]:
    """Count every node the ops make inside the ``with`` block against ``meter``."""
    token = _METER.set(meter)
    try:
        yield meter
    finally:
        _METER.reset(token)


def drop(node: ast.AST) -> None:
    """Record that a zero folded away the leaf ``node`` (a symbol stays a symbol of the
    function as written)."""
    meter = _METER.get()
    if meter is None:
        return
    if type(node) is Entry:
        meter.dropped.add(node.name)  # type: ignore[attr-defined]
    elif type(node) is ast.Name:
        meter.dropped.add(node.id)  # type: ignore[attr-defined]


def count_nodes(count: int) -> None:
    meter = _METER.get()
    if meter is not None:
        meter.add(count)


def _bounded(value: Fraction | int) -> Fraction | int:
    """A running constant, refused as soon as it outgrows the bound on numbers (folding
    150,000 fractions would otherwise take quadratic time before any check)."""
    if type(value) is int:
        if value.bit_length() > _MAX_BITS:
            exact(Fraction(value))
        return value
    if (
        value.numerator.bit_length() > _MAX_BITS  # type: ignore[union-attr]
        or value.denominator.bit_length() > _MAX_BITS  # type: ignore[union-attr]
    ):
        exact(value)  # raises
    return value


def exact(value: Fraction) -> Exact:
    if value.numerator.bit_length() > _MAX_BITS or value.denominator.bit_length() > _MAX_BITS:
        raise TensorError(
            f"number too large: a constant would need more than {_MAX_BITS} bits (the "
            f"limit is {_MAX_BITS})"
        )
    return Exact(value)


def is_condition(node: ast.AST) -> bool:
    """Whether a scalar node is a condition (a comparison, and/or/not, True/False)."""
    kind = type(node)
    if kind is ast.Compare or kind is ast.BoolOp:
        return True
    if kind is ast.UnaryOp:
        return isinstance(node.op, ast.Not)  # type: ignore[attr-defined]
    if kind is ast.Constant:
        return isinstance(node.value, bool)  # type: ignore[attr-defined]
    return False


def is_leaf(node: ast.AST) -> bool:
    """A node that carries no definedness obligation of its own and none below."""
    return isinstance(node, Entry | Exact | ast.Name)


def exact_of(value: Fraction) -> Exact:
    """An Exact leaf of a Fraction already exact (skips the constructor's conversion,
    which costs more than the rest of a negation)."""
    node = Exact.__new__(Exact)
    node.value = value
    return node


SMALL_EXACT: Final[dict[int, Exact]] = {k: Exact(k) for k in range(-64, 257)}
"""Shared leaves of small integer constants (leaves are never modified)."""


def neg(x: ast.expr, origin: ast.AST | None) -> ast.expr:
    if type(x) is Exact:
        return exact_of(-x.value)
    if type(x) is NSum:
        return located(NSum(list(x.terms), [not flag for flag in x.negated]), origin)
    return located(NSum([x], [True]), origin)


def add(x: ast.expr, y: ast.expr, origin: ast.AST | None, subtract: bool) -> ast.expr:
    tx, ty = type(x), type(y)
    if tx is Exact and ty is Exact:
        return exact(x.value - y.value if subtract else x.value + y.value)  # type: ignore[attr-defined]
    if ty is Exact and not y.value:  # type: ignore[attr-defined]
        return x
    if tx is Exact and not x.value:  # type: ignore[attr-defined]
        return neg(y, origin) if subtract else y
    if tx is NSum:
        terms, flags = list(x.terms), list(x.negated)  # type: ignore[attr-defined]
    else:
        terms, flags = [x], [False]
    if ty is NSum:
        terms.extend(y.terms)  # type: ignore[attr-defined]
        flags.extend([flag != subtract for flag in y.negated] if subtract else y.negated)  # type: ignore[attr-defined]
    else:
        terms.append(y)
        flags.append(subtract)
    return located(NSum(terms, flags), origin)


def mul(x: ast.expr, y: ast.expr, origin: ast.AST | None, divide: bool) -> ast.expr:
    if type(y) is Exact and divide:
        if not y.value:
            raise TensorError("division by zero")
        y, divide = Exact(1 / y.value), False
    tx, ty = type(x), type(y)
    if tx is Exact and ty is Exact:
        return exact(x.value * y.value)  # type: ignore[attr-defined]
    if ty is Exact:  # constants first: 2*w[1], not w[1]*2
        x, y, tx, ty = y, x, ty, tx
    if tx is Exact and not divide:
        value = x.value  # type: ignore[attr-defined]
        if value == 1:
            return y
        if value == -1:
            return neg(y, origin)
        if not value and is_leaf(y):
            drop(y)
            return x
    factors, flags = (list(x.factors), list(x.inverted)) if tx is NProduct else ([x], [False])  # type: ignore[attr-defined]
    if ty is NProduct and (not divide or not any(y.inverted)):  # type: ignore[attr-defined]
        factors.extend(y.factors)  # type: ignore[attr-defined]
        flags.extend([True] * len(y.factors) if divide else y.inverted)  # type: ignore[attr-defined]
    else:  # a divisor that itself divides stays whole: its divisors stay recorded
        factors.append(y)
        flags.append(divide)
    return located(NProduct(factors, flags), origin)


def _fold_power(base: Fraction, exponent: Fraction) -> Exact | None:
    if exponent.denominator != 1 or abs(exponent) > _MAX_FOLDED_EXPONENT:
        return None
    power = int(exponent)
    if not base:
        if power < 0:
            raise TensorError("division by zero: 0 raised to a negative power")
        return Exact(1 if power == 0 else 0)
    bits = max(base.numerator.bit_length(), base.denominator.bit_length()) * abs(power)
    if bits > _MAX_BITS:
        return None  # the builder refuses it with its own message, if it must
    return Exact(base**power)


def power(x: ast.expr, y: ast.expr, origin: ast.AST | None) -> ast.expr:
    if type(y) is Exact:
        if type(x) is Exact:
            folded = _fold_power(x.value, y.value)
            if folded is not None:
                return folded
        elif y.value == 1:
            return x
        elif y.value == 2:
            squares = getattr(x, "norm_squares", None)
            if squares is not None:  # norm(v)**2 is the sum of squares: no sqrt
                return squares  # type: ignore[no-any-return]
    return located(ast.BinOp(left=x, op=ast.Pow(), right=y), origin)


BINARY: Final[dict[str, Callable[[ast.expr, ast.expr, ast.AST | None], ast.expr]]] = {
    "+": lambda x, y, o: add(x, y, o, False),
    "-": lambda x, y, o: add(x, y, o, True),
    "*": lambda x, y, o: mul(x, y, o, False),
    "/": lambda x, y, o: mul(x, y, o, True),
    "**": power,
}


def call(name: str, args: list[ast.expr], origin: ast.AST | None) -> ast.expr:
    return located(ast.Call(func=CALLEE[name], args=args, keywords=[]), origin)


def dot_node(xs: list[ast.expr], ys: list[ast.expr], origin: ast.AST | None) -> ast.expr:
    """``sum_k xs[k]*ys[k]`` as one NSum, skipping 0*leaf terms, dropping factors 1."""
    terms: list[ast.expr] = []
    flags: list[bool] = []
    total: Fraction | int = 0
    for x, y in zip(xs, ys, strict=True):
        if type(y) is Exact:
            x, y = y, x
        if type(x) is Exact:
            value = x.value
            if type(y) is Exact:
                total = _bounded(total + value * y.value)
                continue
            if value == 1 or value == -1:
                terms.append(y)
                flags.append(value == -1)
                continue
            if not value and is_leaf(y):
                drop(y)
                continue
            if value < 0:  # w[0] - 2*w[1] rather than w[0] + -2*w[1] (the same Mul)
                terms.append(located(NProduct([exact_of(-value), y]), origin))
                flags.append(True)
                continue
        terms.append(located(NProduct([x, y]), origin))
        flags.append(False)
    if total:
        terms.append(exact(Fraction(total)))
        flags.append(False)
    count_nodes(len(terms) + 1)
    if not terms:
        return Exact(0)
    if len(terms) == 1 and not flags[0]:
        return terms[0]
    return located(NSum(terms, flags), origin)


def reduce_nodes(kind: str, nodes: list[ast.expr], origin: ast.AST | None) -> ast.expr:
    if kind == "sum":
        return flat_sum(nodes, None, origin)
    if kind == "prod":
        return flat_product(nodes, None, origin)
    if not nodes:
        raise TensorError(f"{kind} of an empty array is undefined")
    if kind == "mean":
        total = flat_sum(nodes, None, origin)
        return mul(Exact(Fraction(1, len(nodes))), total, origin, False)
    if kind in ("max", "min"):
        if len(nodes) == 1:
            return nodes[0]
        return call(kind, nodes, origin)
    return call("logsumexp", nodes, origin)


def flat_sum(
    nodes: Sequence[ast.expr], negated: Sequence[bool] | None, origin: ast.AST | None
) -> ast.expr:
    """One NSum of ``nodes`` (``negated[k]``: subtract node k); sums among them are merged
    in (exactly: ``a - (b - c)`` is ``a - b + c``) and constants folded into one term."""
    terms: list[ast.expr] = []
    flags: list[bool] = []
    constants: list[tuple[Exact, bool]] = []
    place = -1  # where the first constant was written: 1 + exp(u) keeps its order
    for k, node in enumerate(nodes):
        negative = negated[k] if negated is not None else False
        kind = type(node)
        if kind is Exact:
            if place < 0:
                place = len(terms)
            constants.append((node, negative))  # type: ignore[arg-type]
        elif kind is NSum:
            terms.extend(node.terms)  # type: ignore[attr-defined]
            if negative:
                flags.extend([not flag for flag in node.negated])  # type: ignore[attr-defined]
            else:
                flags.extend(node.negated)  # type: ignore[attr-defined]
        else:
            terms.append(node)
            flags.append(negative)
    if len(constants) == 1:
        constant, negative = constants[0]
        if constant.value:
            terms.insert(place, constant)
            flags.insert(place, negative)
    elif constants:
        total = Fraction(0)
        for c, n in constants:  # checked as it grows: 1/2 + 1/3 + 1/5 + ... gets huge
            total = _bounded(total - c.value if n else total + c.value)
        if total:
            terms.insert(place, exact(total))
            flags.insert(place, False)
    if not terms:
        return Exact(0)
    if len(terms) == 1 and not flags[0]:
        return terms[0]
    return located(NSum(terms, flags), origin)


def flat_product(
    nodes: Sequence[ast.expr], inverted: Sequence[bool] | None, origin: ast.AST | None
) -> ast.expr:
    """One NProduct of ``nodes`` (``inverted[k]``: divide by node k), constants folded
    into one leading factor.  A product among them is merged in, except a divisor that
    itself divides (``a/(b/c)``): it stays whole, so c stays recorded as a divisor.  A
    zero constant absorbs the rest only when the rest are leaves multiplied (no
    obligation to lose); dividing by an exact zero is refused."""
    factors: list[ast.expr] = []
    flags: list[bool] = []
    total: Fraction | int = 1
    for k, node in enumerate(nodes):
        inverse = inverted[k] if inverted is not None else False
        kind = type(node)
        if kind is Exact:
            value = node.value  # type: ignore[attr-defined]
            if inverse:
                if not value:
                    raise TensorError("division by zero")
                total = _bounded(total / value)
            else:
                total = _bounded(total * value)
        elif kind is NProduct and not (inverse and any(node.inverted)):  # type: ignore[attr-defined]
            for factor, flag in zip(node.factors, node.inverted, strict=True):  # type: ignore[attr-defined]
                flag = flag or inverse
                if type(factor) is Exact and (factor.value or not flag):  # type: ignore[attr-defined]
                    total = total / factor.value if flag else total * factor.value  # type: ignore[attr-defined]
                else:
                    factors.append(factor)
                    flags.append(flag)
        else:
            factors.append(node)
            flags.append(inverse)
    if type(total) is not int:
        total = exact(total).value  # the size check
    if not total and not any(flags) and all(is_leaf(f) for f in factors):
        for factor in factors:
            drop(factor)
        return Exact(0)
    if total == -1 and len(factors) == 1 and not flags[0]:
        return neg(factors[0], origin)
    if total != 1 or not factors:
        factors.insert(0, SMALL_EXACT[total] if total in SMALL_EXACT else Exact(total))
        flags.insert(0, False)
    if len(factors) == 1 and not flags[0]:
        return factors[0]
    return located(NProduct(factors, flags), origin)


PIECEWISE: Final = ast.Name(id="Piecewise", ctx=LOAD)


def call_piecewise(pairs: list[ast.expr], origin: ast.AST | None) -> ast.expr:
    for pair in pairs:
        located(pair, origin)
    return located(ast.Call(func=PIECEWISE, args=pairs, keywords=[]), origin)
