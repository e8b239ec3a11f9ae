"""Expressions as JSON data, exactly and without ``eval``: the certificate's notation.

An expression is written as a table of nodes in post-order; each node is a list whose
first item names its head and whose other items are the indices of its arguments (or,
for leaves, the number or the name):

    x**2 + 1   ->   [["symbol", "x"], ["number", "2"], ["Pow", 0, 1],
                     ["number", "1"], ["Add", 3, 2]]

Common subexpressions are written once, so the subjects of all the steps of a proof
share one table with the function they are part of.  Reading back rebuilds every node
with ``evaluate=False`` from the same arguments in the same order, so the expression
read is *structurally identical* to the one written (``==`` holds); nothing is
simplified on the way in either direction.  Only the heads the claim language can
produce are accepted; anything else is an :class:`ExpressionDataError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any, Final

import sympy
from sympy.logic.boolalg import BooleanFalse, BooleanTrue

__all__ = ["ExpressionDataError", "ExpressionReader", "ExpressionTable", "read_number"]


class ExpressionDataError(ValueError):
    """An expression table that cannot be read back (or an expression that cannot be
    written): the message says which node and why."""


def _function(cls: Any) -> Callable[[list[Any]], sympy.Basic]:
    return lambda args: cls(*args, evaluate=False)


#: head -> how to rebuild it from its (already rebuilt) arguments, unevaluated.
_BUILDERS: Final[dict[str, Callable[[list[Any]], sympy.Basic]]] = {
    "Add": lambda a: sympy.Add(*a, evaluate=False),
    "Mul": lambda a: sympy.Mul(*a, evaluate=False),
    "Pow": lambda a: sympy.Pow(*a, evaluate=False),
    "exp": _function(sympy.exp),
    "log": _function(sympy.log),
    "sin": _function(sympy.sin),
    "cos": _function(sympy.cos),
    "tan": _function(sympy.tan),
    "sinh": _function(sympy.sinh),
    "cosh": _function(sympy.cosh),
    "tanh": _function(sympy.tanh),
    "atan": _function(sympy.atan),
    "erf": _function(sympy.erf),
    "Abs": _function(sympy.Abs),
    "Max": _function(sympy.Max),
    "Min": _function(sympy.Min),
    "Piecewise": lambda a: sympy.Piecewise(*a, evaluate=False),
    "ExprCondPair": lambda a: sympy.functions.elementary.piecewise.ExprCondPair(*a),
    "StrictLessThan": _function(sympy.StrictLessThan),
    "LessThan": _function(sympy.LessThan),
    "StrictGreaterThan": _function(sympy.StrictGreaterThan),
    "GreaterThan": _function(sympy.GreaterThan),
    "Equality": _function(sympy.Equality),
    "Unequality": _function(sympy.Unequality),
    "And": lambda a: sympy.And(*a, evaluate=False),
    "Or": lambda a: sympy.Or(*a, evaluate=False),
    "Not": lambda a: sympy.Not(*a, evaluate=False),
    "ITE": lambda a: sympy.ITE(*a, evaluate=False),
}

#: A symbol's name: an identifier, or one entry of a shaped name (vector notation):
#: ``w[0]``, ``W[1,2]`` (0-based indices, no spaces).
_SYMBOL_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\[[0-9]+(?:,[0-9]+)*\])?")


def _symbol_name(name: str) -> bool:
    return _SYMBOL_NAME.fullmatch(name) is not None


_CONSTANTS: Final[dict[str, sympy.Basic]] = {
    "pi": sympy.pi,
    "E": sympy.E,
    "I": sympy.I,  # only in a branch the domain never takes (evaluators refuse it)
    "true": sympy.true,
    "false": sympy.false,
}

#: Numbers longer than this (in characters) are refused when read: a certificate is
#: untrusted input too.
MAX_NUMBER_CHARS: Final = 100_000


def _head(node: sympy.Basic) -> str:
    if node is sympy.E:
        return "E"
    return type(node).__name__


def read_number(text: object, where: str = "number") -> Fraction:
    """An exact number written ``"p"`` or ``"p/q"`` (as :func:`format_number` writes it)."""
    if isinstance(text, bool) or not isinstance(text, (int, str)):
        raise ExpressionDataError(f"{where}: expected an integer or 'p/q' string, found {text!r}")
    if isinstance(text, int):
        return Fraction(text)
    if len(text) > MAX_NUMBER_CHARS:
        raise ExpressionDataError(f"{where}: number longer than {MAX_NUMBER_CHARS} characters")
    num, sep, den = text.partition("/")
    try:
        if not (num.lstrip("-").isdigit() and (not sep or den.isdigit())):
            raise ValueError(text)
        return Fraction(int(num), int(den) if sep else 1)
    except (ValueError, ZeroDivisionError):
        raise ExpressionDataError(
            f"{where}: {text!r} is not an exact number 'p' or 'p/q'"
        ) from None


def _write_number(q: sympy.Rational) -> str:
    return str(q.p) if q.q == 1 else f"{q.p}/{q.q}"


class ExpressionTable:
    """Collects expressions into one node table; :meth:`add` returns a node index."""

    def __init__(self) -> None:
        self.nodes: list[list[Any]] = []
        self._index: dict[sympy.Basic, int] = {}

    def add(self, expr: sympy.Basic) -> int:
        """The index of ``expr``'s node, adding it and its parts (post-order) if new."""
        index = self._index
        stack: list[tuple[sympy.Basic, bool]] = [(expr, False)]
        while stack:
            node, expanded = stack.pop()
            if node in index:
                continue
            args = _arguments(node)
            if not expanded and args:
                stack.append((node, True))
                stack.extend((a, False) for a in reversed(args) if a not in index)
                continue
            index[node] = len(self.nodes)
            self.nodes.append(_leaf(node) if not args else [_head(node), *(index[a] for a in args)])
        return index[expr]

    def to_json(self) -> list[list[Any]]:
        return self.nodes


def _arguments(node: sympy.Basic) -> tuple[sympy.Basic, ...]:
    if node.is_Atom:
        return ()
    head = _head(node)
    if head not in _BUILDERS:
        raise ExpressionDataError(f"cannot write {head} ({sympy.sstr(node)[:60]}) as data")
    return node.args


#: The assumptions of the claim language's symbols, ``Symbol(name, real=True)``: the
#: only ones a table can express.
_REAL_ASSUMPTIONS: Final = sympy.Symbol("x", real=True).assumptions0


def _leaf(node: sympy.Basic) -> list[Any]:
    if isinstance(node, sympy.Symbol):
        if type(node) is not sympy.Symbol or node.assumptions0 != _REAL_ASSUMPTIONS:
            raise ExpressionDataError(f"symbol {node.name!r} is not a plain real symbol")
        return ["symbol", node.name]
    if isinstance(node, sympy.Rational):
        return ["number", _write_number(node)]
    for name, constant in _CONSTANTS.items():
        if node is constant or node == constant:
            return [name]
    if isinstance(node, (BooleanTrue, BooleanFalse)):
        return ["true" if node else "false"]
    raise ExpressionDataError(f"cannot write the atom {node!r} ({type(node).__name__}) as data")


class ExpressionReader:
    """Reads the nodes of a table back, each at most once, without recursion."""

    def __init__(self, nodes: object) -> None:
        if not isinstance(nodes, list):
            raise ExpressionDataError(f"expressions: expected a list of nodes, found {nodes!r:.60}")
        self._nodes: Sequence[Any] = nodes
        self._built: list[sympy.Basic] = []
        self._symbols: dict[str, sympy.Symbol] = {}

    def get(self, index: object) -> sympy.Basic:
        """The expression at node ``index`` (nodes refer only to earlier nodes)."""
        if isinstance(index, bool) or not isinstance(index, int):
            raise ExpressionDataError(f"expected a node index, found {index!r:.60}")
        if not 0 <= index < len(self._nodes):
            raise ExpressionDataError(f"node index {index} is outside the table")
        while len(self._built) <= index:
            self._built.append(self._build(len(self._built)))
        return self._built[index]

    def expr(self, index: object) -> sympy.Expr:
        value = self.get(index)
        if not isinstance(value, sympy.Expr):
            raise ExpressionDataError(f"node {index} is not an expression")
        return value

    def symbol(self, name: str) -> sympy.Symbol:
        if name not in self._symbols:
            self._symbols[name] = sympy.Symbol(name, real=True)
        return self._symbols[name]

    def _build(self, i: int) -> sympy.Basic:
        node = self._nodes[i]
        if not isinstance(node, list) or not node or not isinstance(node[0], str):
            raise ExpressionDataError(f"node {i}: expected [head, ...], found {node!r:.60}")
        head, rest = node[0], node[1:]
        if head == "symbol":
            if len(rest) != 1 or not isinstance(rest[0], str) or not _symbol_name(rest[0]):
                raise ExpressionDataError(
                    f"node {i}: a symbol needs one identifier name (or an entry name, w[0])"
                )
            return self.symbol(rest[0])
        if head == "number":
            if len(rest) != 1:
                raise ExpressionDataError(f"node {i}: a number needs one value")
            q = read_number(rest[0], f"node {i}")
            return sympy.Rational(q.numerator, q.denominator)
        if head in _CONSTANTS:
            if rest:
                raise ExpressionDataError(f"node {i}: {head} takes no arguments")
            return _CONSTANTS[head]
        builder = _BUILDERS.get(head)
        if builder is None:
            raise ExpressionDataError(f"node {i}: unknown head {head!r}")
        if not rest:
            raise ExpressionDataError(f"node {i}: {head} needs arguments")
        for a in rest:
            if isinstance(a, bool) or not isinstance(a, int) or not 0 <= a < i:
                raise ExpressionDataError(
                    f"node {i}: argument {a!r:.20} is not the index of an earlier node"
                )
        try:
            return builder([self._built[a] for a in rest])
        except (TypeError, ValueError) as exc:
            raise ExpressionDataError(f"node {i}: {head} of these arguments: {exc}") from None
