"""The scalar syntax tree that vector notation and traced Python functions expand into.

Claim texts in vector notation (``sum(log(1 + exp(-y[i] * (X[i] @ w + b))) for i in
range(4))``) and Python functions traced through the ``xp`` namespace are both turned
into one *scalar* tree, which the safe parser's builder (:mod:`convexity_proofs._parser`)
turns into SymPy exactly as it builds a scalar text: the same whitelist, the same
definedness obligations recorded before SymPy evaluates, the same guards on number
growth and CPU time.  So there is one builder, and vector notation cannot widen the
domain of the function as written.

The tree is made of ordinary :mod:`ast` nodes (``BinOp``, ``UnaryOp``, ``Call`` of a
registry name, ``Compare``/``BoolOp`` in Piecewise conditions, ``Tuple`` pairs of
Piecewise, ``Constant`` for the literal ``True``, ``Name`` for a scalar symbol or ``pi``/
``E``) and four leaves and n-ary nodes of its own:

- :class:`Entry`: the symbol of one entry of a shaped name, ``w[0]`` or ``W[1,2]``;
- :class:`Exact`: an exact rational constant (a data value, a loop index);
- :class:`NSum`: an n-ary sum, each term possibly negated;
- :class:`NProduct`: an n-ary product, each factor possibly a divisor.

n-ary nodes keep long sums flat (a sum over 1,000 data points is one node with 1,000
terms, built as one ``sympy.Add``), and keep Python's recursion out of printing.

Nodes made by an expansion carry the position of the vector-form node they come from
(so errors point at the text the user wrote) and ``synthetic = True`` (so messages and
obligation texts print the scalar node, ``log(2*w[0] + w[1])``, rather than quoting the
vector text ``log(X[i] @ w)``, which would read the same for every i).

:func:`scalar_text` prints a tree as text that the claim language reads back to the same
function (given the shapes of the entries' names): the text a certificate records for a
traced Python function.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from fractions import Fraction
from typing import Final

__all__ = [
    "Entry",
    "Exact",
    "NProduct",
    "NSum",
    "entry_name",
    "located",
    "parse_entry_name",
    "scalar_text",
    "symbol_order",
]

# Indices of at most 9 digits: no array has more entries, and int() of a long digit
# string is refused by Python itself (4,300 digits) with an internal error.
_ENTRY_RE: Final = re.compile(
    r"([A-Za-z][A-Za-z0-9_]*)\[\s*(-?[0-9]{1,9}(?:\s*,\s*-?[0-9]{1,9})*)\s*\]"
)


def entry_name(base: str, index: Sequence[int]) -> str:
    """The symbol name of one entry: ``w[0]``, ``W[1,2]`` (no spaces, 0-based)."""
    return f"{base}[{','.join(str(int(i)) for i in index)}]"


def parse_entry_name(name: str) -> tuple[str, tuple[int, ...]] | None:
    """``("W", (1, 2))`` for ``"W[1,2]"`` or ``"W[1, 2]"``; None for any other text.

    Indices are returned as written (a negative index is the caller's to resolve or
    refuse against the shape)."""
    match = _ENTRY_RE.fullmatch(name.strip())
    if match is None:
        return None
    return match.group(1), tuple(int(part) for part in match.group(2).split(","))


def symbol_order(name: str) -> tuple[str, tuple[int, ...]]:
    """A sort key: entries of one name by their indices (``w[2]`` before ``w[10]``),
    right after the name itself; any other name as before (by its text)."""
    entry = parse_entry_name(name)
    if entry is None:
        return name, ()
    return entry


class Entry(ast.expr):
    """The real symbol of one entry of a shaped name (its symbol is
    ``make_symbol(name)``, with ``name`` from :func:`entry_name`)."""

    _fields = ()
    name: str

    def __init__(self, name: str, **position: int) -> None:
        super().__init__(**position)
        self.name = name


class Exact(ast.expr):
    """An exact rational constant."""

    _fields = ()
    value: Fraction

    def __init__(self, value: Fraction | int, **position: int) -> None:
        super().__init__(**position)
        self.value = Fraction(value)


class NSum(ast.expr):
    """``t_1 ± t_2 ± ...``: ``terms[k]`` is subtracted when ``negated[k]``."""

    _fields = ("terms",)
    terms: list[ast.expr]
    negated: list[bool]

    def __init__(
        self, terms: list[ast.expr], negated: list[bool] | None = None, **position: int
    ) -> None:
        super().__init__(**position)
        self.terms = terms
        self.negated = negated if negated is not None else [False] * len(terms)
        if len(self.negated) != len(terms):
            raise ValueError("NSum: one negated flag per term")


class NProduct(ast.expr):
    """``f_1 * f_2 / f_3 ...``: ``factors[k]`` divides when ``inverted[k]``.

    A divisor is written as divided, so the builder records that it must be nonzero,
    as it does for ``/`` in a text."""

    _fields = ("factors",)
    factors: list[ast.expr]
    inverted: list[bool]

    def __init__(
        self, factors: list[ast.expr], inverted: list[bool] | None = None, **position: int
    ) -> None:
        super().__init__(**position)
        self.factors = factors
        self.inverted = inverted if inverted is not None else [False] * len(factors)
        if len(self.inverted) != len(factors):
            raise ValueError("NProduct: one inverted flag per factor")


_POSITION: Final = ("lineno", "col_offset", "end_lineno", "end_col_offset")


def located(new: ast.expr, old: ast.AST | None) -> ast.expr:
    """``new`` with ``old``'s position (if it has one) and marked synthetic."""
    if old is not None and hasattr(old, "lineno"):
        for attribute in _POSITION:
            setattr(new, attribute, getattr(old, attribute, None))
    new.synthetic = True  # type: ignore[attr-defined]
    return new


# ------------------------------------------------------------------------- printing

# Binding strength, loosest first, as Python parses it.
_OR, _AND, _NOT, _COMPARE, _SUM, _PRODUCT, _UNARY, _POWER, _ATOM = range(9)

_BINARY: Final[dict[type[ast.operator], tuple[str, int]]] = {
    ast.Add: ("+", _SUM),
    ast.Sub: ("-", _SUM),
    ast.Mult: ("*", _PRODUCT),
    ast.Div: ("/", _PRODUCT),
    ast.Pow: ("**", _POWER),
}
_COMPARE_TEXT: Final[dict[type[ast.cmpop], str]] = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
}


def _fraction_text(value: Fraction) -> tuple[str, int]:
    if value.denominator == 1:
        return (str(value.numerator), _ATOM) if value >= 0 else (str(value), _UNARY)
    return f"{value.numerator}/{value.denominator}", _PRODUCT


def _negative_coefficient(term: ast.AST) -> bool:
    return (
        isinstance(term, NProduct)
        and len(term.factors) > 1
        and isinstance(term.factors[0], Exact)
        and not term.inverted[0]
        and term.factors[0].value < 0
    )


def _negated_product(term: NProduct) -> NProduct:
    """``term`` with its leading (negative) coefficient negated."""
    first = Exact(-term.factors[0].value)  # type: ignore[attr-defined]
    return NProduct([first, *term.factors[1:]], list(term.inverted))


def scalar_text(node: ast.AST) -> str:
    """The text of a scalar tree, parenthesised so that it parses back to the same tree.

    Iterative (no recursion): pieces are pushed on an explicit stack, so a long sum
    or a deep tree costs no Python stack.  Raises TypeError on a node that is not part
    of the scalar vocabulary.
    """
    # Work items: a node to print with the binding strength its position needs, or a
    # literal piece of text.
    out: list[str] = []
    work: list[tuple[ast.AST, int, bool] | str] = [(node, _OR, False)]
    while work:
        item = work.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        current, needed, strict = item
        strength = _strength(current)
        wrap = strength < needed or (strict and strength == needed)
        pieces = _pieces(current)
        if wrap:
            pieces = ["(", *pieces, ")"]
        work.extend(reversed(pieces))
    return "".join(out)


def _strength(node: ast.AST) -> int:
    if isinstance(node, Exact):
        return _fraction_text(node.value)[1]
    if isinstance(node, Entry | ast.Name | ast.Call | ast.Constant | ast.Tuple):
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            if not isinstance(node.value, bool) and node.value < 0:
                return _UNARY
        return _ATOM
    if isinstance(node, NSum):
        if len(node.terms) == 1 and not node.negated[0]:
            return _strength(node.terms[0])
        return _SUM if node.terms else _ATOM
    if isinstance(node, NProduct):
        if len(node.factors) == 1 and not node.inverted[0]:
            return _strength(node.factors[0])
        return _PRODUCT if node.factors else _ATOM
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)][1]
    if isinstance(node, ast.UnaryOp):
        return _NOT if isinstance(node.op, ast.Not) else _UNARY
    if isinstance(node, ast.Compare):
        return _COMPARE
    if isinstance(node, ast.BoolOp):
        return _AND if isinstance(node.op, ast.And) else _OR
    raise TypeError(f"scalar_text: {type(node).__name__} is not a scalar tree node")


def _pieces(node: ast.AST) -> list[ast.AST | str | tuple[ast.AST, int, bool]]:
    """The node's text as literal strings and (child, strength needed, strict) items."""
    if isinstance(node, Exact):
        return [_fraction_text(node.value)[0]]
    if isinstance(node, Entry):
        return [node.name]
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Constant):
        return [repr(node.value)]
    if isinstance(node, NSum):
        if not node.terms:
            return ["0"]
        pieces: list = []
        for k, (term, negative) in enumerate(zip(node.terms, node.negated, strict=True)):
            if k:
                if isinstance(term, Exact) and term.value < 0:  # x + -1 reads x - 1
                    term, negative = Exact(-term.value), not negative
                elif _negative_coefficient(term):  # x + -2*y reads x - 2*y
                    term, negative = _negated_product(term), not negative
                pieces.append(" - " if negative else " + ")
                pieces.append((term, _SUM, negative))
            elif negative:
                pieces.append("-")
                pieces.append((term, _PRODUCT, False))
            else:
                pieces.append((term, _SUM, False))
        return pieces
    if isinstance(node, NProduct):
        if not node.factors:
            return ["1"]
        pieces = []
        for k, (factor, inverse) in enumerate(zip(node.factors, node.inverted, strict=True)):
            if k:
                pieces.append("/" if inverse else "*")
                pieces.append((factor, _PRODUCT, True))
            elif inverse:
                pieces.append("1/")
                pieces.append((factor, _PRODUCT, True))
            else:
                pieces.append((factor, _PRODUCT, False))
        return pieces
    if isinstance(node, ast.BinOp):
        symbol, strength = _BINARY[type(node.op)]
        if strength == _POWER:  # right-associative, and binds tighter than unary minus
            return [(node.left, _ATOM, False), symbol, (node.right, _UNARY, False)]
        spaced = f" {symbol} " if strength == _SUM else symbol
        return [(node.left, strength, False), spaced, (node.right, strength, True)]
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.Not):
            return ["not ", (node.operand, _NOT, False)]
        sign = "-" if isinstance(node.op, ast.USub) else "+"
        return [sign, (node.operand, _UNARY, False)]
    if isinstance(node, ast.Compare):
        pieces = [(node.left, _SUM, False)]
        for op, right in zip(node.ops, node.comparators, strict=True):
            pieces.append(f" {_COMPARE_TEXT[type(op)]} ")
            pieces.append((right, _SUM, False))
        return pieces
    if isinstance(node, ast.BoolOp):
        word = " and " if isinstance(node.op, ast.And) else " or "
        strength = _AND if isinstance(node.op, ast.And) else _OR
        pieces = []
        for k, value in enumerate(node.values):
            if k:
                pieces.append(word)
            pieces.append((value, strength, True))
        return pieces
    if isinstance(node, ast.Tuple):
        pieces = ["("]
        for k, element in enumerate(node.elts):
            if k:
                pieces.append(", ")
            pieces.append((element, _OR, False))
        return [*pieces, ")"]
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            raise TypeError("scalar_text: only calls of named functions are scalar nodes")
        pieces = [node.func.id, "("]
        for k, argument in enumerate(node.args):
            if k:
                pieces.append(", ")
            pieces.append((argument, _OR, False))
        return [*pieces, ")"]
    raise TypeError(f"scalar_text: {type(node).__name__} is not a scalar tree node")
