"""A SymPy expression as input: walked into the scalar syntax tree, then printed as text.

``check(sympy_expression, ...)`` does not hand the expression to the engine as it is:
it is turned into a scalar tree (:mod:`convexity_proofs._scalar_ast`) by walking its
heads, and the tree is printed (:func:`~convexity_proofs._scalar_ast.scalar_text`) as the
claim's function text, which the safe parser then reads like any other.  So a SymPy
expression is judged exactly as the text of it would be (same whitelist, same
definedness obligations), and the claim's certificate records an ordinary text.

The heads read: ``Add``, ``Mul``, ``Pow`` (``x**(1/2)`` is ``sqrt(x)``), ``exp``,
``log``, ``sin``, ``cos``, ``tan``, ``sinh``, ``cosh``, ``tanh``, ``atan``, ``erf``,
``Abs``, ``Max``, ``Min``, ``Piecewise`` (with ``<``, ``<=``, ``>``, ``>=``, ``And``,
``Or``, ``Not``, ``True`` conditions), integers and rationals (exact), ``pi`` and ``E``,
and symbols (a symbol named ``w[0]`` is an entry of the vector ``w``).  A ``Float`` is
taken as the decimal it prints as (``0.1`` is 1/10), as the claim reader takes a float.
Anything else raises :class:`~convexity_proofs.errors.ArgumentError` naming the head.

Symbols carry assumptions in SymPy, and SymPy may already have simplified the
expression with them (``sqrt(x**2)`` is ``x`` for a positive ``x``): the sign
assumptions (positive, nonnegative, negative, nonpositive) become the symbol's domain
(:func:`assumed_domains`); any other assumption (integer, ...) is refused, since a claim's
symbols are real.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from fractions import Fraction
from typing import Any, Final

from convexity_proofs._scalar_ast import Entry, Exact, NProduct, NSum, parse_entry_name
from convexity_proofs.errors import ArgumentError, ExpressionError

__all__ = [
    "assumed_domains",
    "entry_shapes",
    "is_sympy_expression",
    "merge_shapes",
    "sympy_tree",
]

_FUNCTIONS: Final = {
    "exp": "exp",
    "log": "log",
    "sin": "sin",
    "cos": "cos",
    "tan": "tan",
    "sinh": "sinh",
    "cosh": "cosh",
    "tanh": "tanh",
    "atan": "atan",
    "erf": "erf",
    "Abs": "abs",
    "Max": "max",
    "Min": "min",
}

_RELATIONS: Final = {
    "StrictLessThan": ast.Lt,
    "LessThan": ast.LtE,
    "StrictGreaterThan": ast.Gt,
    "GreaterThan": ast.GtE,
}

_SIGN_ASSUMPTIONS: Final = {
    "positive": "positive",
    "nonnegative": "nonnegative",
    "negative": "negative",
    "nonpositive": "nonpositive",
}


def is_sympy_expression(value: object) -> bool:
    """Whether ``value`` is a SymPy object (without importing SymPy when it is not
    loaded: then it cannot be one)."""
    import sys

    sympy = sys.modules.get("sympy")
    return sympy is not None and isinstance(value, sympy.Basic)


def _head(node: Any) -> str:
    return type(node).__name__


def _number(node: Any, where: str) -> ast.expr:
    import sympy

    from convexity_proofs._parser import parse_number

    if node.is_Rational:
        return Exact(Fraction(int(node.p), int(node.q)))
    if node.is_Float:
        if node._prec != 53:
            raise ArgumentError(
                f"{where}: the Float {node} has {node._prec} bits of precision; give the "
                "number exactly (sympy.Rational) or as an ordinary float"
            )
        try:
            return Exact(parse_number(float(node)))
        except ExpressionError as exc:
            raise ArgumentError(f"{where}: {exc}") from None
    if node is sympy.pi:
        return ast.Name(id="pi", ctx=ast.Load())
    if node is sympy.E:
        return ast.Name(id="E", ctx=ast.Load())
    raise ArgumentError(
        f"{where}: the number {node} ({_head(node)}) is not in the claim language "
        "(exact integers and rationals, floats, pi and E are)"
    )


def _symbol(node: Any, where: str) -> ast.expr:
    import sympy

    if isinstance(node, sympy.Dummy | sympy.Wild):
        raise ArgumentError(f"{where}: {_head(node)} symbol {node.name!r} cannot be a claim symbol")
    name = node.name
    entry = parse_entry_name(name)
    if entry is not None:
        base, index = entry
        if any(i < 0 for i in index):
            raise ArgumentError(f"{where}: symbol {name!r} has a negative index")
        return Entry(f"{base}[{','.join(map(str, index))}]")
    from convexity_proofs._trace import _check_name

    # A symbol named E or pi (energy, a modulus) must not become the constant, nor a
    # name the claim language reads otherwise (exp, lambda, "x y") a confusing error.
    _check_name(name, f"the SymPy symbol {name!r}", where, "rename the symbol")
    return ast.Name(id=name, ctx=ast.Load())


def _condition(node: Any, parts: list[ast.expr]) -> ast.expr:
    name = _head(node)
    if name == "BooleanTrue":
        return ast.Constant(value=True)
    if name in _RELATIONS:
        return ast.Compare(left=parts[0], ops=[_RELATIONS[name]()], comparators=[parts[1]])
    if name == "And":
        return ast.BoolOp(op=ast.And(), values=parts)
    if name == "Or":
        return ast.BoolOp(op=ast.Or(), values=parts)
    if name == "Not":
        return ast.UnaryOp(op=ast.Not(), operand=parts[0])
    raise AssertionError(name)  # pragma: no cover - _children refuses other heads


_CONDITION_HEADS: Final = frozenset({"BooleanTrue", "And", "Or", "Not", *_RELATIONS})


def _children(node: Any, condition: bool, where: str) -> list[tuple[Any, bool]]:
    """The arguments to convert before ``node`` and whether each is a condition; refuses
    heads outside the vocabulary."""
    import sympy

    name = _head(node)
    if condition:
        if name not in _CONDITION_HEADS:
            raise ArgumentError(
                f"{where}: the condition {_short(node)} ({name}) is not in the claim language "
                "(conditions are comparisons with <, <=, >, >= combined with And, Or, Not)"
            )
        if name in _RELATIONS:
            return [(node.lhs, False), (node.rhs, False)]
        return [(arg, True) for arg in node.args]
    if node.is_Atom:
        return []
    if isinstance(node, sympy.Add | sympy.Mul | sympy.Pow):
        return [(arg, False) for arg in node.args]
    if isinstance(node, sympy.Piecewise):
        children: list[tuple[Any, bool]] = []
        for pair in node.args:
            children.append((pair.expr, False))
            children.append((pair.cond, True))
        return children
    if name in _FUNCTIONS and type(node) is getattr(sympy, name):  # not Function("exp")
        return [(arg, False) for arg in node.args]
    known = ", ".join(["Add", "Mul", "Pow", *_FUNCTIONS, "Piecewise"])
    if isinstance(node, sympy.core.function.AppliedUndef):
        name = f"the undefined function {name}"
    raise ArgumentError(
        f"{where}: {name} ({_short(node)}) is not in the claim language; the SymPy heads "
        f"read are {known}, numbers and symbols"
    )


def _short(node: Any) -> str:
    text = str(node)
    return text if len(text) <= 60 else text[:57] + "..."


def _negated(node: ast.expr) -> ast.expr | None:
    """The term that ``node`` is the negation of (so a sum reads ``x - y``), or None."""
    if isinstance(node, NSum) and len(node.terms) == 1 and node.negated[0]:
        return node.terms[0]
    if isinstance(node, Exact) and node.value < 0:
        return Exact(-node.value)
    return None


def _combine(node: Any, parts: list[ast.expr]) -> ast.expr:
    import sympy

    if isinstance(node, sympy.Add):
        terms, negated = [], []
        for part in parts:
            positive = _negated(part)
            terms.append(part if positive is None else positive)
            negated.append(positive is not None)
        return NSum(terms, negated)
    if isinstance(node, sympy.Mul):
        return _product(node, parts)
    if isinstance(node, sympy.Pow):
        base, exponent = parts
        if node.exp.is_Rational and node.exp.is_negative:
            # x**-2 is written 1/x**2: the builder records that x must be nonzero.
            return NProduct([Exact(1), _power(-node.exp, base, exponent)], [False, True])
        return _power(node.exp, base, exponent)
    if isinstance(node, sympy.Piecewise):
        pairs = [
            ast.Tuple(elts=[parts[k], parts[k + 1]], ctx=ast.Load())
            for k in range(0, len(parts), 2)
        ]
        return ast.Call(func=ast.Name(id="Piecewise", ctx=ast.Load()), args=pairs, keywords=[])
    name = _FUNCTIONS[_head(node)]
    return ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=parts, keywords=[])


def _product(node: Any, parts: list[ast.expr]) -> ast.expr:
    """A Mul: divisors (negative powers) written as divided, a negative coefficient as a
    negation (``-2*x``)."""
    factors: list[ast.expr] = []
    inverted: list[bool] = []
    negative = False
    for arg, part in zip(node.args, parts, strict=True):
        if arg.is_Pow and arg.exp.is_Rational and arg.exp.is_negative:
            assert isinstance(part, NProduct)  # 1/x**e, as the Pow branch made it
            factors.append(part.factors[1])
            inverted.append(True)
        elif isinstance(part, Exact) and part.value < 0:
            negative = not negative  # two negative numbers in an unevaluated Mul
            if part.value != -1:
                factors.append(Exact(-part.value))
                inverted.append(False)
        else:
            factors.append(part)
            inverted.append(False)
    # Multipliers first, then divisors: y/x**2, exp(x)/(1 + exp(x)).
    order = sorted(range(len(factors)), key=lambda k: inverted[k])
    factors, inverted = [factors[k] for k in order], [inverted[k] for k in order]
    if not factors or inverted[0]:
        factors.insert(0, Exact(1))
        inverted.insert(0, False)
    product: ast.expr = factors[0] if len(factors) == 1 else NProduct(factors, inverted)
    return NSum([product], [True]) if negative else product


def _power(exponent: Any, base: ast.expr, written: ast.expr) -> ast.expr:
    """``base**exponent`` (``exponent`` a positive rational, or the expression ``written``)."""
    if exponent == 1:
        return base
    if exponent.is_Rational and exponent == sympy_half():
        return ast.Call(func=ast.Name(id="sqrt", ctx=ast.Load()), args=[base], keywords=[])
    right = written
    if exponent.is_Rational:
        right = Exact(Fraction(int(exponent.p), int(exponent.q)))
    return ast.BinOp(left=base, op=ast.Pow(), right=right)


def sympy_half() -> Any:
    import sympy

    return sympy.Rational(1, 2)


def _distinct_names(expr: Any, where: str) -> None:
    """Two SymPy symbols that print alike (``x`` and ``x`` with ``positive=True``, or
    ``w[0, 1]`` and ``w[0,1]``) would merge into one symbol of the claim: refused."""
    symbols: set[Any] = set()
    visited: set[Any] = set()
    stack = [expr]
    while stack:  # iterative, shared subtrees once (free_symbols recurses)
        node = stack.pop()
        if node.is_Symbol:
            symbols.add(node)
        elif node not in visited:
            visited.add(node)
            stack.extend(node.args)
    seen: dict[str, Any] = {}
    for symbol in sorted(symbols, key=lambda s: (s.name, str(s.assumptions0))):
        entry = parse_entry_name(symbol.name)
        name = symbol.name if entry is None else f"{entry[0]}{list(entry[1])}"
        if name in seen and seen[name] != symbol:
            raise ArgumentError(
                f"{where}: two different SymPy symbols are both named {symbol.name!r} "
                "(with different assumptions, or spellings of one entry); a claim's symbols "
                "are told apart by name only: rename one"
            )
        seen[name] = symbol


def sympy_tree(expr: Any, *, where: str = "check() argument 'function'") -> ast.expr:
    """The scalar tree of a SymPy expression; ArgumentError for a head outside the claim
    language.

    Iterative (deep expressions cost no Python stack), and one tree node per distinct
    SymPy node: subexpressions SymPy shares stay shared, so the work is linear in the
    expression's size even where its text would be exponentially long (the caller
    bounds the text: :func:`convexity_proofs._trace.claim_text`)."""
    import sympy

    if not isinstance(expr, sympy.Expr):
        raise ArgumentError(
            f"{where}: expected a SymPy expression, found {_head(expr)} {_short(expr)}"
        )
    _distinct_names(expr, where)
    done: dict[tuple[Any, bool], ast.expr] = {}
    stack: list[tuple[Any, bool, bool]] = [(expr, False, False)]
    while stack:
        node, condition, expanded = stack.pop()
        key = (node, condition)
        if key in done:
            continue
        if not condition and node.is_Atom:
            if node.is_Symbol:
                done[key] = _symbol(node, where)
            elif node.is_Number or node.is_NumberSymbol:
                done[key] = _number(node, where)
            else:
                raise ArgumentError(
                    f"{where}: {_head(node)} ({_short(node)}) is not in the claim language"
                )
            continue
        children = _children(node, condition, where)
        if not expanded:
            stack.append((node, condition, True))
            stack.extend((child, flag, False) for child, flag in children)
            continue
        parts = [done[(child, flag)] for child, flag in children]
        done[key] = _condition(node, parts) if condition else _combine(node, parts)
    return done[(expr, False)]


def assumed_domains(expr: Any, *, where: str = "check() argument 'function'") -> dict[str, str]:
    """The domains the symbols' sign assumptions state (``Symbol('x', positive=True)``:
    ``{"x": "positive"}``); ArgumentError for any other assumption a real claim symbol
    cannot carry (integer, complex, ...)."""
    import sympy

    plain = frozenset(sympy.Symbol("x").assumptions0.items())
    real = frozenset(sympy.Symbol("x", real=True).assumptions0.items())
    found: dict[str, str] = {}
    for symbol in sorted(expr.free_symbols, key=lambda s: s.name):
        facts = frozenset(symbol.assumptions0.items())
        if facts in (plain, real):
            continue
        for assumption, domain in _SIGN_ASSUMPTIONS.items():
            stated = frozenset(sympy.Symbol("x", **{assumption: True}).assumptions0.items())
            if facts == stated:
                found[symbol.name] = domain
                break
        else:
            true = sorted(k for k, v in symbol.assumptions0.items() if v and (k, v) not in real)
            raise ArgumentError(
                f"{where}: symbol {symbol.name!r} has assumptions ({', '.join(true) or 'none'}) "
                "a claim cannot state: its symbols are real; give a domain instead, e.g. "
                "domain={'x': 'positive'} or [0, 1]"
            )
    return found


def entry_shapes(tree: ast.expr) -> dict[str, tuple[int, ...]]:
    """The smallest shapes holding every entry symbol of the tree (``w[2]`` -> (3,))."""
    shapes: dict[str, tuple[int, ...]] = {}
    stack: list[ast.AST] = [tree]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, Entry):
            parsed = parse_entry_name(node.name)
            assert parsed is not None
            base, index = parsed
            old = shapes.get(base)
            if old is not None and len(old) != len(index):
                raise ArgumentError(
                    f"check() argument 'function': {base} has entries with {len(old)} and "
                    f"{len(index)} indices"
                )
            bigger = tuple(i + 1 for i in index)
            shapes[base] = bigger if old is None else tuple(map(max, old, bigger))
            continue
        stack.extend(ast.iter_child_nodes(node))
    return shapes


def merge_shapes(
    found: Mapping[str, tuple[int, ...]], given: Mapping[str, tuple[int, ...]], where: str
) -> dict[str, tuple[int, ...]]:
    """The given shapes, checked to hold the entries found; found ones fill the rest."""
    merged = dict(found)
    for name, shape in given.items():
        old = found.get(name)
        if old is not None and (
            len(old) != len(shape) or any(a > b for a, b in zip(old, shape, strict=True))
        ):
            raise ArgumentError(
                f"{where}: the expression has entries of {name} beyond the shape {shape} "
                f"(they need at least {old})"
            )
        merged[name] = tuple(shape)
    return merged
