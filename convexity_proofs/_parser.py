"""The safe expression parser: untrusted text in, a SymPy expression out.

Claim files come from anyone, so no part of their text ever reaches ``eval``, ``exec``,
``compile`` (other than through :func:`ast.parse`), ``sympy.sympify``, ``sympy.S(str)`` or
``parse_expr``.  The text is parsed by :func:`ast.parse` into a syntax tree and that tree is
walked against a whitelist; every accepted node is turned into a SymPy object by calling
SymPy's constructors directly (``sympy.Add``, ``sympy.Pow``, ``sympy.Rational``, ...).

Besides code injection, the parser guards against inputs that are cheap to write but
expensive to build: very long texts, very many nodes, deep nesting, huge number literals
and numbers that grow past about 10,000 bits through powers, products or sums (such as
``10**10**10``, ``2**1000 * 2**1000 * ...`` or ``1/2 + 1/3 + 1/5 + ...``).  Every refusal
is an :class:`~convexity_proofs.errors.ExpressionError` whose message says what was found,
where (column, and line for multi-line texts) and what is allowed; no other exception
escapes.

Long sums and products (tens of thousands of terms) are built as single n-ary ``Add`` and
``Mul`` objects.  SymPy's own automatic simplification on big arguments (``Max``, ``Abs``
or ``log`` of a sum with thousands of terms) is avoided where it is known to be slow, and
the whole build runs under a CPU-time budget (:data:`PARSE_CPU_SECONDS`, polled in the
builder's work loop: deterministic, unlike a wall clock, and no signals).

SymPy simplifies while it builds, and a simplification can widen the domain of the
function (``log(x) - log(x)`` is 0, ``exp(log(x))`` is x, ``x**2/x`` is x).  So the
builder records, beside each value, the definedness obligations of its subtree *as
written* (see :mod:`convexity_proofs._obligations`), before evaluation can remove them;
:func:`parse_function` returns them with the expression.  A function that is real
nowhere because a constant obligation fails (``sqrt(-1) + x**2``, ``log(-2)*x``) is
refused with the column of the offending call.
"""

from __future__ import annotations

import ast
import bisect
import dataclasses
import enum
import functools
import io
import itertools
import keyword
import math
import re
import reprlib
import time
import tokenize
import warnings
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Final, NamedTuple

import sympy

from convexity_proofs import functions as _registry
from convexity_proofs._obligations import (
    IMPLIES,
    constant_truth,
    failure_message,
    guard,
    head_of,
    merge,
    obligation_for,
    requirement,
)
from convexity_proofs._scalar_ast import Entry, Exact, NProduct, NSum, scalar_text
from convexity_proofs._suggest import FUNCTION_ALIASES, did_you_mean
from convexity_proofs._values import Obligation
from convexity_proofs.errors import ExpressionError
from convexity_proofs.functions._construct import Construction

__all__ = [
    "CONSTANT_NAMES",
    "FUNCTION_NAMES",
    "PARSE_CPU_SECONDS",
    "Expansion",
    "ExpansionContext",
    "ParsedFunction",
    "make_symbol",
    "parse_expression",
    "parse_function",
    "parse_number",
]

# --------------------------------------------------------------------------- limits

_MAX_LITERAL_CHARS: Final = 100
"""Longest number literal: keeps ``Decimal``/``int`` conversion and rationals small."""

_MAX_DECIMAL_EXPONENT: Final = 400
"""``1e999999999`` would otherwise become an integer with a billion digits."""

_MAX_EXPONENT: Final = 1000
"""Bound on the numerator and the denominator of a numeric exponent as written."""

_MAX_RESULT_EXPONENT: Final = 10_000
"""Bound on numeric exponents after SymPy merges powers (``(x**1000)**1000``)."""

_MAX_NUMBER_BITS: Final = 10_000
"""Bound on the size of any number SymPy is asked to compute while building."""

_MAX_DEPTH: Final = 500
"""Deepest nesting of syntax (a flattened ``+``/``*`` chain counts as one level)."""

_MAX_NAME_LENGTH: Final = 64

PARSE_CPU_SECONDS: Final = 30.0
"""Default CPU-time budget (``time.process_time``) for parsing and building one text:
SymPy's automatic evaluation can be made to run for minutes by a short hostile text."""

_POLL_EVERY: Final = 256
"""Work items of the builder between two looks at the CPU clock."""

_NAME_RE: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# Characters outside printable ASCII (plus ordinary whitespace).  Refusing them up front
# keeps column numbers simple (ast offsets are UTF-8 bytes) and stops Python's NFKC
# normalisation of identifiers from turning look-alike letters into accepted names.
_BAD_CHAR_RE: Final = re.compile(r"[^\t\n\r\x0c\x20-\x7e]")
# A run of more than _MAX_LITERAL_CHARS digits that starts a number (not inside a name).
# Found before ast.parse, which would otherwise spend time on (or choke on) the literal.
_LONG_DIGITS_RE: Final = re.compile(
    r"(?<![A-Za-z0-9_])[0-9][0-9_]{" + str(_MAX_LITERAL_CHARS) + ",}"
)
_INTEGER_TEXT_RE: Final = re.compile(r"[+-]?[0-9]+")
_DECIMAL_TEXT_RE: Final = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_FRACTION_TEXT_RE: Final = re.compile(r"([+-]?[0-9]+)\s*/\s*([0-9]+)")

_UNDEFINED: Final = (
    sympy.S.ComplexInfinity,
    sympy.S.Infinity,
    sympy.S.NegativeInfinity,
    sympy.S.NaN,
)

# ------------------------------------------------------------------------ functions

#: Long arguments are built unevaluated (see :mod:`convexity_proofs.functions._construct`).
_large: Final = _registry.large


def _is_constant(u: sympy.Basic) -> bool:
    """No symbol in ``u``: an explicit-stack walk (sympy.preorder_traversal recurses) that
    stops at the first symbol, which usually comes soon."""
    stack = [u]
    while stack:
        node = stack.pop()
        if node.is_Symbol:
            return False
        stack.extend(node.args)
    return True


@dataclass(frozen=True, slots=True)
class _Function:
    """How a callable name is checked (arity) and built (from already built arguments).

    ``head`` is the restricted head the call writes (log, tan, sqrt as a power 1/2), if
    any: its definedness obligation is recorded from the built argument.  Derived names
    (sigmoid, softplus, logsumexp) have none: their expansions are defined everywhere.
    """

    min_args: int
    max_args: int | None
    build: Callable[..., sympy.Expr]
    head: Callable[[sympy.Expr], tuple[type, tuple[sympy.Expr, ...]]] | None = None

    def arity_text(self) -> str:
        """The accepted argument count, in words, for error messages."""

        def plural(n: int) -> str:
            return f"{n} argument" + ("" if n == 1 else "s")

        if self.max_args is None:
            return f"at least {plural(self.min_args)}"
        if self.max_args == self.min_args:
            return f"exactly {plural(self.min_args)}"
        return f"{self.min_args} to {plural(self.max_args)}"


_PIECEWISE: Final = "Piecewise"

_LATTICE_HEADS: Final = (sympy.Max, sympy.Min)


def _plain_symbol(node: sympy.Basic) -> bool:
    """A variable as the parser makes it (real, no other assumption)."""
    return node.is_Symbol and node is make_symbol(node.name)


def _monomial_symbols(term: sympy.Basic) -> tuple[sympy.Basic, ...]:
    """The symbols s of ``term = s * rest`` with ``rest`` a nonzero monomial.

    ``term`` is a plain symbol, or a product of at most one rational and plain symbols
    and positive integer powers of them; the symbols at power 1 are returned (none for
    any other shape).
    """
    if term.is_Symbol:
        return (term,) if _plain_symbol(term) else ()
    if not term.is_Mul:
        return ()
    found = []
    for index, factor in enumerate(term.args):
        if factor.is_Symbol:
            if not _plain_symbol(factor):
                return ()
            found.append(factor)
        elif factor.is_Rational:
            if index:
                return ()
        elif not (
            factor.is_Pow
            and _plain_symbol(factor.base)
            and factor.exp.is_Integer
            and factor.exp.is_positive
        ):
            return ()
    return tuple(found)


def _lattice_is_plain(args: Sequence[sympy.Basic]) -> bool:
    """Whether ``Max(*args)`` and ``Min(*args)`` evaluate to themselves (arguments merely
    ordered), so SymPy's evaluation, which compares every pair of arguments (quadratic,
    and milliseconds per pair), can be skipped with an identical result.

    Sufficient, linear-time test: at most one argument is a number, and it is a rational;
    no argument is a Max or Min (nothing to flatten or collapse) or certainly non-real
    (SymPy refuses those); every other argument has a term ``s * rest`` with ``s`` a
    plain real symbol found nowhere else among the arguments and ``rest`` a nonzero
    monomial.  Then the difference of any two arguments is, for almost all values of
    the other symbols, a non-constant affine function of such an ``s``: it takes both
    signs, so no sound comparison decides it, SymPy removes no argument, and the result
    is ``Expr.__new__`` of the ordered arguments, as built with ``evaluate=False``.
    """
    if len(args) < 2:
        return False
    numbers = 0
    owner: dict[sympy.Basic, int] = {}  # symbol -> the only argument it occurs in, or -1
    private: list[tuple[sympy.Basic, ...]] = []
    for index, arg in enumerate(args):
        if arg.is_Rational:
            numbers += 1
            if numbers > 1:
                return False
            private.append(())
            continue
        if not isinstance(arg, sympy.Expr) or arg.is_number:
            return False
        if isinstance(arg, _LATTICE_HEADS):
            return False
        terms = sympy.Add.make_args(arg)
        seen: dict[sympy.Basic, int] = {}  # symbol -> terms of arg it occurs in
        for term in terms:
            for symbol in term.free_symbols:
                seen[symbol] = seen.get(symbol, 0) + 1
        candidates = tuple(s for term in terms for s in _monomial_symbols(term) if seen.get(s) == 1)
        if not candidates:
            return False
        private.append(candidates)
        for symbol in seen:
            owner[symbol] = index if symbol not in owner else -1
    for index, candidates in enumerate(private):
        if candidates and not any(owner[s] == index for s in candidates):
            return False
    return not any(arg.is_extended_real is False for arg in args)


class _ParserConstruction(Construction):
    """The parser's construction (:data:`convexity_proofs.functions.PARSER`), with
    Max and Min (``relu`` is ``Max(0, u)``) built unevaluated when
    :func:`_lattice_is_plain` shows that evaluation would return the same expression."""

    def call(self, entry: _registry.Entry, *args: sympy.Expr) -> sympy.Expr:
        head = entry.head
        if (
            entry.variadic
            and head in _LATTICE_HEADS
            and not any(_large(a) for a in args)
            and _lattice_is_plain(args)
        ):
            return head(*args, evaluate=False)
        if (
            entry.unevaluated_when is not None
            and len(args) == 1
            and not _large(args[0])
            and entry.unevaluated_when(args[0])
        ):
            # The entry's own sufficient condition for SymPy's evaluation to change
            # nothing (but an odd function's sign): the model builders' construction,
            # which gives the very same expression without the assumption queries (10 ms
            # for log(1 + exp(u)) of a short u).  Large arguments are built unevaluated
            # by the parser's construction anyway, and the condition is not linear.
            return _registry.FAST.call(entry, *args)
        return _registry.PARSER.call(entry, *args)

    def log_positive_sum(self, a: sympy.Expr) -> sympy.Expr:
        return _registry.PARSER.log_positive_sum(a)

    def reciprocal(self, base: sympy.Expr) -> sympy.Expr:
        return _registry.PARSER.reciprocal(base)

    def ramp(self, u: sympy.Expr) -> sympy.Expr:
        if _lattice_is_plain((sympy.S.Zero, u)):
            return sympy.Max(sympy.S.Zero, u, evaluate=False)
        return _registry.PARSER.ramp(u)


_CONSTRUCTION: Final = _ParserConstruction()

# Generated from the function registry (convexity_proofs/functions/: adding a function
# is a file there).  Piecewise is handled apart: its arguments are (expression,
# condition) pairs, not expressions.
_FUNCTIONS: Final[dict[str, _Function]] = {
    name: _Function(
        entry.min_args,
        entry.max_args,
        functools.partial(entry.construct, _CONSTRUCTION),
        entry.obligation,
    )
    for entry in _registry.ENTRIES
    if not entry.syntax
    for name in entry.names
}

FUNCTION_NAMES: Final[frozenset[str]] = _registry.NAMES
"""Every name that may be called in an expression."""

_CONSTANTS: Final[dict[str, sympy.Expr]] = {"pi": sympy.pi, "E": sympy.E}
CONSTANT_NAMES: Final[frozenset[str]] = frozenset(_CONSTANTS)
"""Names that stand for numbers rather than variables."""

_NOT_A_SYMBOL: Final = (
    "; to use {name!r} as a symbol all the same, declare it: in the claim's variables if "
    "the property is about it, else as a parameter with a domain entry "
    '(domain = {{ {name} = "real" }}; on the command line --variables or --domain)'
)


def lookalike_advice(name: str) -> str | None:
    """Why the bare name ``name`` is refused as an implicit symbol, or None.

    ``e``, ``Pi``, ``inf``, ``nan``... look like constants but are not the parser's
    (which has ``E``, ``pi`` and no infinity), so they would silently become a variable
    or a parameter (``e**x`` a function of e, ``cos(Pi*x)`` refuted).  A claim that
    lists such a name itself (``variables = ["e"]``) may use it: see ``declared`` in
    :func:`parse_function`.
    """
    lowered = name.lower()
    if name == "e":
        advice = "'e' is not Euler's number here: write exp(x) for e**x, or E for the number e"
    elif lowered == "pi" and name != "pi":
        advice = f"{name!r} is not the number pi (did you mean 'pi'?): pi is written in lower case"
    elif lowered in ("inf", "infinity", "oo"):
        advice = (
            f"{name!r} is not a value a function can use: infinity is not a number; an "
            'unbounded domain is written with "inf" in the domain, as in '
            'domain = { x = [0, "inf"] }'
        )
    elif lowered == "nan":
        advice = f"{name!r} is not allowed: nan (not a number) is no value of a function"
    else:
        return None
    return advice + _NOT_A_SYMBOL.format(name=name)


def function_hint(name: str, choices: Collection[str] = ()) -> str:
    """``" (did you mean 'log'?)"`` for an unknown function ``name``, or ``""``."""
    options = sorted({*FUNCTION_NAMES, *choices}, key=_name_order)
    best = did_you_mean(name, options, FUNCTION_ALIASES)
    return f" (did you mean {best!r}?)" if best is not None else ""


_IMPLICIT_PRODUCT_RE: Final = re.compile(
    r"(?<![A-Za-z0-9_.])((?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9]+)?)"
    r"(?=[A-Za-z_(])"
)


def _implicit_products(text: str) -> list[re.Match[str]]:
    """Each number written right before a name or a '(' (not a 0x/0o/0b literal)."""
    return [
        match
        for match in _IMPLICIT_PRODUCT_RE.finditer(text)
        if not (match.group(1) == "0" and text[match.end() : match.end() + 1] in "xXoObB")
    ]


def implicit_product_hint(text: str, *, call: bool = False) -> str:
    """``"a product needs '*': did you mean '2*x'?"`` when ``text`` writes a number
    right before a name (``2x``, a syntax error) or, for a ``call`` of a number, before
    a parenthesis (``3(x+1)``); else ``""``.  The suggestion inserts every missing '*'."""
    matches = _implicit_products(text)
    if not any(call or text[m.end()] != "(" for m in matches):
        return ""
    fixed, last = [], 0
    for match in matches:
        fixed.append(text[last : match.end()] + "*")
        last = match.end()
    suggestion = "".join(fixed) + text[last:]
    if len(suggestion) > 80:
        first = matches[0]
        after = re.match(r"[A-Za-z_][A-Za-z0-9_]*|\(", text[first.end() :])
        number, factor = first.group(1), after.group() if after else ""
        return f"a product needs '*': write {number}*{factor}, not {number}{factor}"
    return f"a product needs '*': did you mean {suggestion!r}?"


def _name_order(name: str) -> tuple[str, str]:
    """Case-insensitive, then stable between runs (frozenset order is not)."""
    return name.lower(), name


_ALLOWED: Final = (
    "allowed are numbers, variable names, pi, E, the operators + - * / **, parentheses "
    "and calls of " + ", ".join(sorted(FUNCTION_NAMES, key=_name_order))
)

_FORBIDDEN_SYNTAX: Final[dict[type[ast.AST], str]] = {
    ast.Subscript: "a subscript ('x[...]')",
    ast.Slice: "a slice",
    ast.Lambda: "a lambda expression",
    ast.ListComp: "a list comprehension",
    ast.SetComp: "a set comprehension",
    ast.DictComp: "a dict comprehension",
    ast.GeneratorExp: "a generator expression",
    ast.JoinedStr: "an f-string",
    ast.FormattedValue: "an f-string field",
    ast.NamedExpr: "an assignment expression (':=')",
    ast.Starred: "a starred expression ('*...')",
    ast.Dict: "a dict literal",
    ast.Set: "a set literal",
    ast.List: "a list literal",
    ast.IfExp: "a conditional expression ('... if ... else ...')",
    ast.Await: "'await'",
    ast.Yield: "'yield'",
    ast.YieldFrom: "'yield from'",
}

_FORBIDDEN_OPERATORS: Final[dict[type[ast.AST], str]] = {
    ast.MatMult: "@",
    ast.Mod: "%",
    ast.FloorDiv: "//",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.BitAnd: "&",
}

_COMPARISONS: Final[dict[type[ast.AST], tuple[str, Callable[..., sympy.Basic]]]] = {
    ast.Lt: ("<", sympy.Lt),
    ast.LtE: ("<=", sympy.Le),
    ast.Gt: (">", sympy.Gt),
    ast.GtE: (">=", sympy.Ge),
}

_REFUSED_COMPARISONS: Final[dict[type[ast.AST], str]] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}

_CONDITION_HELP: Final = (
    "a Piecewise condition is a comparison with < <= > >= (chains such as 0 < x <= 1 "
    "allowed), combined with and, or, not, or the literal True"
)

# ---------------------------------------------------------------------- public API


@functools.cache
def make_symbol(name: str) -> sympy.Symbol:
    """The one way variables are made: a real SymPy symbol, cached.

    Every module calls this, so the same name always gives the very same object, with
    the same assumptions (``real=True``); a symbol made elsewhere with other assumptions
    would silently be a different variable.  Names are not checked against the parser's
    rules here, so callers may make internal names (``_t``) that no claim can write.
    """
    if not isinstance(name, str) or not name:
        raise ExpressionError(f"a variable name must be a non-empty string, found {name!r}")
    return sympy.Symbol(name, real=True)


@dataclass(frozen=True, slots=True)
class ParsedFunction:
    """A parsed text: the (evaluated) expression and what the text as written needs.

    ``obligations`` are the conditions under which the written function is defined,
    recorded before SymPy's evaluation could remove them (each subject once, in the
    order of the text).  ``symbols`` are all symbols of the written text, sorted by
    name, including any that evaluation removed (``log(x)*0 + y**2`` still has x).
    ``rewritten`` describes the parts evaluation removed from ``expression``: the
    written text of each obligation whose head no longer occurs in it (``log(x)`` in
    ``exp(log(x))``), then the name of each symbol that no longer occurs in it.
    """

    expression: sympy.Expr
    obligations: tuple[Obligation, ...] = ()
    symbols: tuple[sympy.Symbol, ...] = ()
    rewritten: tuple[str, ...] = ()


def parse_expression(
    text: str, *, max_length: int = 262_144, max_nodes: int = 100_000
) -> sympy.Expr:
    """Parse untrusted ``text`` into a SymPy expression, or raise ExpressionError.

    ``max_length`` bounds the characters (checked before any parsing) and ``max_nodes``
    the expression nodes of the syntax tree.  See the module docstring for the grammar
    and the guards.  This is ``parse_function(text).expression``: it drops the
    definedness obligations, so callers that judge the function need
    :func:`parse_function`.
    """
    return parse_function(text, max_length=max_length, max_nodes=max_nodes).expression


def parse_function(
    text: str,
    *,
    max_length: int = 262_144,
    max_nodes: int = 100_000,
    max_cpu_seconds: float | None = PARSE_CPU_SECONDS,
    bindings: Mapping[str, sympy.Expr] | None = None,
    expand: Expansion | None = None,
    declared: Collection[str] = (),
) -> ParsedFunction:
    """Parse untrusted ``text``, recording where the function as written is defined.

    Limits as for :func:`parse_expression`; ``max_cpu_seconds`` bounds the CPU time of
    the whole parse (None: no bound).  ``bindings`` maps names to expressions that
    stand for them (a claim's ``along``): the text is built with each such name
    replaced by its expression, so every obligation is recorded, and every guard
    applied, on the substituted text; the bound names are then not symbols of the
    result (their expressions' symbols are).  Raises ExpressionError for every refusal,
    including a function that is real nowhere because a constant obligation certainly
    fails (``sqrt(-1) + x**2``), located at the offending call.

    ``expand`` (vector notation, :mod:`convexity_proofs._vector`) turns the written
    tree into a scalar tree (:mod:`convexity_proofs._scalar_ast`) before it is built;
    it is given an :class:`ExpansionContext` for positions and the CPU budget.

    ``declared`` names the symbols the caller lists itself (a claim's variables): a bare
    name that only looks like a constant (``e``, ``Pi``, ``inf``, ``nan``; see
    :func:`lookalike_advice`) is refused unless it is declared.
    """
    started = time.process_time()
    source = _Source.prepare(text, max_length)
    try:
        tree, source = _parse_tree(source)
        _check_node_count(tree, max_nodes)
        deadline = None if max_cpu_seconds is None else started + max_cpu_seconds
        builder = _Builder(source, deadline, max_cpu_seconds, bindings, declared)
        root = tree.body
        if expand is not None:
            root = expand(root, ExpansionContext(source, builder._check_budget, builder.mention))
        result = builder.build(root)
        undefined = result.has(*_UNDEFINED)
        symbols = tuple(sorted(builder.symbols, key=lambda s: s.name))
        rewritten = () if undefined else _rewritten(result, builder.obligations, symbols)
    except ExpressionError:
        raise
    except RecursionError as exc:
        raise ExpressionError("expression is nested too deeply for SymPy to build") from exc
    except MemoryError as exc:
        raise ExpressionError("expression is too large to build") from exc
    except Exception as exc:
        raise ExpressionError(f"could not build the expression: {_short(str(exc))}") from exc
    if undefined:
        raise ExpressionError(
            "expression is undefined (division by zero?): it contains an infinity or nan"
        )
    if not isinstance(result, sympy.Expr):  # pragma: no cover - the grammar prevents it
        raise ExpressionError(f"expected an expression, found {type(result).__name__}")
    return ParsedFunction(
        expression=result,
        obligations=builder.obligations,
        symbols=symbols,
        rewritten=rewritten,
    )


@dataclass(frozen=True, slots=True)
class ExpansionContext:
    """What an expansion of the written tree may ask of the parser: positions in the
    user's text (``where``: ``", at column C"``), the written text of a node, and the
    CPU budget of the whole parse (``check_budget`` raises ExpressionError when spent;
    call it every few hundred nodes made)."""

    source: _Source
    check_budget: Callable[[], None]
    mention: Callable[[str], None] = lambda name: None
    """Record ``name`` as a symbol of the text as written (one a zero constant folded
    away during the expansion, as the builder records ``0*b``'s b)."""

    def where(self, node: ast.AST) -> str:
        return self.source.where_node(node)

    def text(self, node: ast.AST) -> str:
        return _short(self.source.segment(node), 60)


Expansion = Callable[[ast.expr, ExpansionContext], ast.expr]
"""Turns the written tree into a scalar tree (or raises ExpressionError, located)."""


def _rewritten(
    expression: sympy.Basic,
    obligations: tuple[Obligation, ...],
    symbols: tuple[sympy.Symbol, ...],
) -> tuple[str, ...]:
    """What evaluation removed: obligation heads and symbols no longer in ``expression``.

    One traversal of the expression (shared subtrees once), stopped as soon as every
    head and symbol has been seen, which is the usual case.  A head that is not there
    verbatim still counts as present when its evaluated form is (``sqrt(4*x)`` is
    ``2*sqrt(x)``, ``1/(x*y)`` is ``x**-1*y**-1``).
    """
    heads: dict[sympy.Basic, list[Obligation]] = {}
    for ob in obligations:
        heads.setdefault(head_of(ob.subject), []).append(ob)
    wanted = set(heads) | set(symbols)
    seen: set[sympy.Basic] = set()  # every non-atomic node, once (shared subtrees)
    stack = [expression]
    while stack and wanted:
        node = stack.pop()
        args = node.args
        if not args:  # an atom: a symbol is wanted, a number never is
            wanted.discard(node)
            continue
        if node in seen:
            continue
        seen.add(node)
        wanted.discard(node)
        stack.extend(args)
    if not wanted:
        return ()
    # The traversal was complete: ``seen`` holds every compound node, and a written
    # symbol occurs exactly when it is no longer wanted.  A missing head still counts
    # as present when a head of the expression demands as much of the same argument
    # (1/sqrt(x) is x**(-1/2), which needs x > 0, so x >= 0 is still visible).
    implied: dict[sympy.Basic, set[str]] = {}
    if any(head in wanted for head in heads):
        for node in seen:
            demand = requirement(node)
            if demand is not None:
                implied.setdefault(demand[1], set()).update(IMPLIES[demand[0]])
    texts: dict[str, None] = {}
    for head, group in heads.items():
        if head in wanted and not _form_present(head, seen, wanted):
            texts.update(
                (ob.text or str(ob.subject), None)
                for ob in group
                if ob.kind not in implied.get(ob.argument, ())
            )
    texts.update((s.name, None) for s in symbols if s in wanted)
    return tuple(texts)


def _form_present(head: sympy.Basic, seen: set[sympy.Basic], missing: set[sympy.Basic]) -> bool:
    """Whether SymPy's evaluated form of ``head`` (or each of its non-numeric factors)
    occurs in the expression: among the ``seen`` compound nodes, or a written symbol
    not ``missing``.  Heads over large arguments are not evaluated."""
    if any(_large(arg) for arg in head.args):
        return False
    try:
        form = head.func(*head.args)
    except Exception:  # pragma: no cover - the same call built the expression
        return False

    def present(part: sympy.Basic) -> bool:
        return part in seen or (part.is_Symbol and part not in missing)

    if present(form):
        return True
    if form.is_Mul:
        return all(factor.is_number or present(factor) for factor in form.args)
    return False


def parse_number(value: object) -> Fraction:
    """An exact number for a domain interval end, from TOML data.

    Accepts an ``int`` (not ``bool``), a finite ``float`` (taken as the decimal it prints
    as, so ``0.1`` is 1/10), or a string holding an integer, a decimal (``"0.25"``,
    ``"-1e-3"``) or a fraction ``"p/q"``.  Uses no ``eval``; size limits as for literals.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ExpressionError(
            "expected a number (an integer, a decimal or a fraction 'p/q'), found "
            f"{type(value).__name__} {reprlib.repr(value)}"
        )
    if isinstance(value, int):
        if abs(value) >= 10**_MAX_LITERAL_CHARS:
            raise ExpressionError(
                f"number is too long: more than {_MAX_LITERAL_CHARS} digits (the limit is "
                f"{_MAX_LITERAL_CHARS})"
            )
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ExpressionError(f"expected a finite number, found float {value!r}")
        return Fraction(repr(value))
    return _number_from_string(value)


# ----------------------------------------------------------------- numbers in text


def _no_position() -> str:
    return ""


def _exact_decimal(text: str, locate: Callable[[], str] = _no_position) -> Fraction:
    """The exact value of a decimal numeral (``0.1`` is 1/10), within the size limits.

    ``locate`` gives the position text for messages; it is called only on failure, as
    computing it for each of thousands of literals would cost more than the parse.
    """
    if len(text) > _MAX_LITERAL_CHARS:
        where = locate()
        raise ExpressionError(
            f"number literal {_short(text, 20)!r} is too long: {len(text)} characters "
            f"(the limit is {_MAX_LITERAL_CHARS}){where}"
        )
    try:
        number = Decimal(text.replace("_", ""))
    except (InvalidOperation, ValueError) as exc:
        raise ExpressionError(f"invalid number {text!r}{locate()}") from exc
    if not number.is_finite():
        raise ExpressionError(f"expected a finite number, found {text!r}{locate()}")
    if number.is_zero():
        return Fraction(0)
    if abs(number.adjusted()) > _MAX_DECIMAL_EXPONENT:
        where = locate()
        raise ExpressionError(
            f"number {text!r} is out of range: its decimal exponent {number.adjusted()} is "
            f"beyond +-{_MAX_DECIMAL_EXPONENT}{where}"
        )
    return Fraction(number)


def _number_from_string(value: str) -> Fraction:
    """parse_number for strings: integer, decimal or ``p/q``."""
    text = value.strip()
    fraction = _FRACTION_TEXT_RE.fullmatch(text)
    if fraction:
        numerator = _exact_decimal(fraction.group(1))
        denominator = _exact_decimal(fraction.group(2))
        if denominator == 0:
            raise ExpressionError(f"fraction {value!r} has a zero denominator")
        return numerator / denominator
    if _INTEGER_TEXT_RE.fullmatch(text) or _DECIMAL_TEXT_RE.fullmatch(text):
        return _exact_decimal(text)
    raise ExpressionError(
        f"expected a number such as 3, -0.25, 1e-3 or 1/3, found the string {reprlib.repr(value)}"
    )


def _short(text: str, limit: int = 200) -> str:
    """Keep error messages readable when they quote user text."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ------------------------------------------------------------------ source and tree


@dataclass(frozen=True)
class _Source:
    """The text handed to ast.parse, and how to map its positions back to the user's.

    ``stripped`` is the user's text with newlines normalised and surrounding whitespace
    removed (ast.parse refuses a leading indent); ``text`` is what is parsed: the same,
    or with chain-balancing insertions (see :func:`_balance_chains`) at the sorted
    offsets ``inserted``.  Error positions are always reported in the user's text.
    """

    stripped: str
    text: str
    inserted: tuple[int, ...]
    line_shift: int  # lines removed from the start by stripping
    col_shift: int  # columns removed from the first line by stripping
    multiline: bool

    @classmethod
    def prepare(cls, text: object, max_length: int) -> _Source:
        """Type, size and character checks, then strip."""
        if not isinstance(text, str):
            raise ExpressionError(f"expected a string, found {type(text).__name__}")
        if len(text) > max_length:
            raise ExpressionError(
                f"expression is too long: {len(text)} characters (the limit is {max_length})"
            )
        if not text.strip():
            raise ExpressionError("expression is empty")
        normal = text.replace("\r\n", "\n").replace("\r", "\n")
        stripped = normal.strip()
        prefix = normal[: len(normal) - len(normal.lstrip())]
        line_shift = prefix.count("\n")
        source = cls(
            stripped=stripped,
            text=stripped,
            inserted=(),
            line_shift=line_shift,
            col_shift=len(prefix) - (prefix.rfind("\n") + 1),
            multiline=line_shift > 0 or "\n" in stripped,
        )
        source.check_characters()
        return source

    def with_insertions(self, text: str, inserted: tuple[int, ...]) -> _Source:
        return dataclasses.replace(self, text=text, inserted=inserted)

    def check_characters(self) -> None:
        """Refuse non-ASCII/control characters and over-long digit runs before parsing."""
        bad = _BAD_CHAR_RE.search(self.stripped)
        if bad:
            char = bad.group()
            raise ExpressionError(
                f"character {char!r} (U+{ord(char):04X}) is not allowed"
                f"{self.where_offset(bad.start())}: expressions are written in ASCII"
            )
        long_number = _LONG_DIGITS_RE.search(self.stripped)
        if long_number:
            raise ExpressionError(
                f"number literal {_short(long_number.group(), 20)!r} is too long: "
                f"{len(long_number.group())} characters (the limit is {_MAX_LITERAL_CHARS})"
                f"{self.where_offset(long_number.start())}"
            )

    @functools.cached_property
    def line_starts(self) -> list[int]:
        """Offset of the first character of each line of ``text``."""
        return _line_starts(self.text)

    @functools.cached_property
    def stripped_line_starts(self) -> list[int]:
        return _line_starts(self.stripped)

    def where(self, lineno: int | None, col_offset: int | None) -> str:
        """``", at column C"`` (or ``", at line L, column C"``) for a position in ``text``."""
        if lineno is None or col_offset is None:
            return ""
        lineno = min(max(lineno, 1), len(self.line_starts))
        offset = min(self.offset(lineno, max(col_offset, 0)), len(self.text))
        return self.where_offset(offset - bisect.bisect_left(self.inserted, offset))

    def where_offset(self, offset: int) -> str:
        """Like :meth:`where`, for an offset into ``stripped``."""
        line_index = bisect.bisect_right(self.stripped_line_starts, offset) - 1
        column = offset - self.stripped_line_starts[line_index] + 1
        if line_index == 0:
            column += self.col_shift
        if self.multiline:
            return f", at line {line_index + 1 + self.line_shift}, column {column}"
        return f", at column {column}"

    def where_node(self, node: ast.AST) -> str:
        return self.where(getattr(node, "lineno", None), getattr(node, "col_offset", None))

    def offset(self, lineno: int, col_offset: int) -> int:
        return self.line_starts[lineno - 1] + col_offset

    def segment(self, node: ast.AST) -> str:
        """The exact source text of ``node`` (ast.get_source_segment re-splits the whole
        text on every call, which is quadratic over a long sum of literals); for a node
        an expansion made (vector notation), its scalar text."""
        if getattr(node, "synthetic", False) or getattr(node, "end_col_offset", None) is None:
            try:
                return scalar_text(node)
            except TypeError:
                return type(node).__name__
        start = self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end = self.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        return self.text[start:end]


def _line_starts(text: str) -> list[int]:
    return [0] + [match.end() for match in re.finditer("\n", text)]


def _parse_tree(source: _Source) -> tuple[ast.Expression, _Source]:
    """ast.parse in eval mode, with every failure turned into an ExpressionError.

    CPython 3.11 turns its internal tree into Python objects recursively and gives up
    at about 3,000 levels, so a sum of 3,000 terms fails *after* its syntax has been
    accepted.  Then the long chains are regrouped (:func:`_balance_chains`) and the
    text is parsed once more.
    """
    try:
        return _ast_parse(source), source
    except _ChainTooDeep:
        pass
    try:
        text, inserted = _balance_chains(source.text)
    except (tokenize.TokenError, SyntaxError, KeyError, IndexError, ValueError) as exc:
        raise _too_deep_error() from exc
    balanced = source.with_insertions(text, inserted)
    try:
        return _ast_parse(balanced), balanced
    except _ChainTooDeep as exc:
        raise _too_deep_error() from exc


class _ChainTooDeep(Exception):
    """ast.parse accepted the syntax but could not build the tree (nesting too deep)."""


def _too_deep_error() -> ExpressionError:
    return ExpressionError(
        "expression is nested too deeply for the parser (limit: about 200 nested "
        "parentheses and a few hundred nested operators)"
    )


def _ast_parse(source: _Source) -> ast.Expression:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source.text, mode="eval")
    except SyntaxError as exc:
        raise _syntax_error(source, exc) from exc
    except RecursionError as exc:
        if "during ast construction" in str(exc):
            raise _ChainTooDeep from exc
        raise _too_deep_error() from exc
    except MemoryError as exc:
        raise _too_deep_error() from exc
    except (ValueError, OverflowError) as exc:
        raise ExpressionError(f"invalid expression: {_short(str(exc))}") from exc
    if not isinstance(tree, ast.Expression):  # pragma: no cover - mode="eval" guarantees it
        raise ExpressionError("expected a single expression")
    return tree


# ------------------------------------------------------------------ chain balancing

_CHAIN_BLOCK: Final = 256
"""Terms per block when a long chain is regrouped: depth ~ n/256 + 256 instead of n."""

_BRACKETS: Final = {"(": ")", "[": "]", "{": "}"}
# Tokens that may sit inside an arithmetic chain at one bracket level; any other token
# (a comma, a comparison, and/or/not/if/lambda, | & ^ ...) binds more loosely and ends it.
_CHAIN_TOKENS: Final = frozenset({"+", "-", "*", "/", "//", "%", "@", "**", "~", ".", "..."})
_VALUE_KEYWORDS: Final = frozenset({"True", "False", "None"})
_SKIPPED_TOKENS: Final = frozenset(
    {
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.COMMENT,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENDMARKER,
    }
)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: int
    string: str
    start: int
    end: int  # for an opening bracket: the end of its closing bracket

    def ends_operand(self) -> bool:
        """Whether a following + - * / is binary (it is unary after an operator)."""
        if self.kind in (tokenize.NUMBER, tokenize.STRING) or self.string in _BRACKETS:
            return True
        if self.kind == tokenize.NAME:
            return self.string in _VALUE_KEYWORDS or not keyword.iskeyword(self.string)
        return self.string == "..."

    def in_chain(self) -> bool:
        if self.kind == tokenize.OP:
            return self.string in _CHAIN_TOKENS or self.string in _BRACKETS
        return self.ends_operand()


def _balance_chains(text: str) -> tuple[str, tuple[int, ...]]:
    """Regroup long ``+ -`` and ``* /`` chains so the syntax tree stays shallow.

    Only called on text whose syntax ast.parse has accepted.  A chain
    ``t1 + ... + t256 - t257 + ... `` becomes ``t1 + ... + t256 +(0 - t257 + ...)``
    (and ``f1 * ... / f257 ...`` becomes ``f1 * ... *(1 / f257 ...)``): the same value,
    which the builder flattens back into the same single Add or Mul.  Returns the new
    text and the offsets (in it) of every inserted character.
    """
    tokens = _chain_tokens(text)
    insertions: list[tuple[int, int, str]] = []  # (offset, order, text)
    regions = [tokens]
    while regions:
        level = regions.pop()
        segment: list[_Token] = []
        for token, inner in level:
            if inner is not None:
                regions.append(inner)
            if token.in_chain():
                segment.append(token)
            else:
                _balance_segment(segment, insertions)
                segment = []
        _balance_segment(segment, insertions)
    insertions.sort()
    pieces: list[str] = []
    inserted: list[int] = []
    previous = 0
    length = 0
    for offset, _order, extra in insertions:
        pieces.append(text[previous:offset])
        length += offset - previous
        inserted.extend(range(length, length + len(extra)))
        pieces.append(extra)
        length += len(extra)
        previous = offset
    pieces.append(text[previous:])
    return "".join(pieces), tuple(inserted)


_Level = list[tuple[_Token, "_Level | None"]]


def _chain_tokens(text: str) -> _Level:
    """The tokens of ``text`` as nested bracket levels (iteratively, no recursion)."""
    starts = _line_starts(text)
    top: _Level = []
    stack: list[tuple[_Level, int]] = []  # (enclosing level, index of the opener in it)
    current = top
    for raw in tokenize.generate_tokens(io.StringIO(text).readline):
        if raw.type in _SKIPPED_TOKENS:
            continue
        start = starts[raw.start[0] - 1] + raw.start[1]
        end = starts[raw.end[0] - 1] + raw.end[1]
        if raw.string in _BRACKETS and raw.type == tokenize.OP:
            inner: _Level = []
            current.append((_Token(raw.type, raw.string, start, end), inner))
            stack.append((current, len(current) - 1))
            current = inner
        elif raw.string in _BRACKETS.values() and raw.type == tokenize.OP:
            enclosing, index = stack.pop()
            opener, inner_level = enclosing[index]
            enclosing[index] = (dataclasses.replace(opener, end=end), inner_level)
            current = enclosing
        else:
            current.append((_Token(raw.type, raw.string, start, end), None))
    if stack:
        raise ValueError("unbalanced brackets")
    return top


def _balance_segment(segment: list[_Token], insertions: list[tuple[int, int, str]]) -> None:
    """Block the additive chain of one segment, then the product chain of each term."""
    terms = _split_chain(segment, {"+", "-"})
    _block_chain(segment, terms, "+(0", 1, insertions)
    for first, last in terms:
        term = segment[first:last]
        if any(token.string in {"//", "%", "@"} for token in term):
            continue  # not a plain product: leave it to ast.parse (and its error)
        _block_chain(term, _split_chain(term, {"*", "/"}), "*(1", 0, insertions)


def _split_chain(segment: list[_Token], operators: set[str]) -> list[tuple[int, int]]:
    """Index ranges of the operands of the binary ``operators`` in ``segment``."""
    cuts = [
        index
        for index in range(1, len(segment))
        if segment[index].string in operators
        and segment[index].kind == tokenize.OP
        and segment[index - 1].ends_operand()
    ]
    bounds = [0, *cuts, len(segment)]
    return list(itertools.pairwise(bounds))


def _block_chain(
    segment: list[_Token],
    operands: list[tuple[int, int]],
    opener: str,
    close_order: int,
    insertions: list[tuple[int, int, str]],
) -> None:
    if len(operands) <= _CHAIN_BLOCK:
        return
    for block_start in range(_CHAIN_BLOCK, len(operands), _CHAIN_BLOCK):
        operator = segment[operands[block_start][0]]
        if block_start > _CHAIN_BLOCK:
            insertions.append((operator.start, close_order, ")"))
        insertions.append((operator.start, 2, opener))
    insertions.append((segment[-1].end, close_order, ")"))


def _syntax_error(source: _Source, exc: SyntaxError) -> ExpressionError:
    message = exc.msg or "invalid syntax"
    detail = "" if message == "invalid syntax" else f": {message}"
    where = source.where(exc.lineno, exc.offset - 1 if exc.offset else None)
    if "too many nested parentheses" in message:
        return ExpressionError(
            "expression is nested too deeply: too many nested parentheses (Python's parser "
            f"allows about 200){where}"
        )
    hint = ""
    if "\n" in source.text:
        hint = " (a line break is only allowed inside parentheses)"
    product = implicit_product_hint(source.stripped)
    if product:
        hint += f"; {product}"
    return ExpressionError(f"invalid syntax{detail}{where}{hint}")


def _check_node_count(tree: ast.Expression, max_nodes: int) -> None:
    """Refuse trees with more than ``max_nodes`` expression nodes (ast.walk is iterative).

    Only ``ast.expr`` nodes count: operator and context markers (``Add()``, ``Load()``)
    are bookkeeping, and counting them would make the limit depend on spelling.
    """
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.expr):
            count += 1
    if count > max_nodes:
        raise ExpressionError(f"expression is too large: {count} nodes (the limit is {max_nodes})")


# ------------------------------------------------------------------------ building


class _Context(enum.Enum):
    """Where a node sits: an ordinary (real-valued) expression or a Piecewise condition."""

    EXPR = "expression"
    COND = "condition"


@dataclass(frozen=True, slots=True)
class _Head:
    """A restricted head written at ``node`` (log, tan, a power, a divisor), over built
    arguments.  ``divisor``: the node is the divisor d of ``.../d`` (written ``1/d``)."""

    func: type
    args: tuple[sympy.Basic, ...]
    node: ast.AST
    divisor: bool = False


@dataclass(frozen=True, slots=True)
class _Plan:
    """Children to build first, and how to combine their values into this node's value.

    ``heads`` gives the restricted heads the node itself writes, from the children's
    values (their obligations are recorded before ``combine`` lets SymPy evaluate).
    ``guarded`` marks the children whose definedness binds only on part of the space
    (Piecewise branches and later conditions); ``piecewise`` makes the builder guard the
    children's obligations by the conditions.
    """

    children: Sequence[tuple[ast.expr, _Context]]
    combine: Callable[[list[sympy.Basic]], sympy.Basic]
    heads: Callable[[list[sympy.Basic]], list[_Head]] | None = None
    guarded: Sequence[bool] | None = None
    piecewise: bool = False


class _Visit(NamedTuple):
    """A node to plan (a NamedTuple: the work loop makes one per node, so it is cheap)."""

    node: ast.expr
    context: _Context
    depth: int
    guarded: bool = False  # inside a Piecewise branch or a later condition


class _Combine(NamedTuple):
    node: ast.expr
    plan: _Plan
    guarded: bool = False


class _Builder:
    """Turns a whitelisted syntax tree into SymPy, without recursion.

    :meth:`build` runs an explicit work stack: visiting a node produces either its value
    (a leaf) or a :class:`_Plan`; a plan's children are visited first and their values
    combined afterwards.  So nesting depth costs no Python stack, and the depth limit is
    a plain counter giving a clean message.

    Beside each value the builder keeps the obligations of its subtree as written and
    whether the subtree is constant as written (no variable name in it).  After
    :meth:`build`, ``obligations`` holds those of the whole text and ``symbols`` every
    symbol it names.
    """

    def __init__(
        self,
        source: _Source,
        deadline: float | None = None,
        budget: float | None = None,
        bindings: Mapping[str, sympy.Expr] | None = None,
        declared: Collection[str] = (),
    ) -> None:
        self.source = source
        self.deadline = deadline
        self.budget = budget
        self.bindings = dict(bindings or {})
        self.declared = frozenset(declared)
        self.obligations: tuple[Obligation, ...] = ()
        self.symbols: set[sympy.Symbol] = set()

    # ---------------------------------------------------------------- driver

    def build(self, root: ast.expr) -> sympy.Basic:
        values: list[sympy.Basic] = []
        obligations: list[tuple[Obligation, ...]] = []
        work: list[_Visit | _Combine] = [_Visit(root, _Context.EXPR, 1)]
        countdown = _POLL_EVERY
        while work:
            countdown -= 1
            if not countdown:
                countdown = _POLL_EVERY
                self._check_budget()
            item = work.pop()
            if type(item) is _Combine:
                start = len(values) - len(item.plan.children)
                arguments = values[start:]
                below = obligations[start:]
                del values[start:], obligations[start:]
                own = self._heads(item, arguments) if item.plan.heads else ()
                values.append(self._combine(item, arguments))
                if item.plan.piecewise:
                    obligations.append(self._guard(item, arguments, below))
                else:
                    obligations.append(merge([*below, own]) if own or any(below) else ())
                continue
            if item.depth > _MAX_DEPTH:
                raise ExpressionError(
                    f"expression is nested too deeply: more than {_MAX_DEPTH} levels"
                    f"{self.source.where_node(item.node)}"
                )
            planned = self._plan(item.node, item.context)
            if isinstance(planned, _Plan):
                work.append(_Combine(item.node, planned, item.guarded))
                flags = planned.guarded
                if flags is None:
                    work.extend(
                        _Visit(child, context, item.depth + 1, item.guarded)
                        for child, context in reversed(planned.children)
                    )
                else:
                    work.extend(
                        _Visit(child, context, item.depth + 1, item.guarded or flag)
                        for (child, context), flag in zip(
                            reversed(planned.children), reversed(flags), strict=True
                        )
                    )
            else:
                values.append(planned)
                obligations.append(())
        self._check_budget()
        self.obligations = obligations[0]
        return values[0]

    def _check_budget(self) -> None:
        if self.deadline is not None and time.process_time() > self.deadline:
            raise ExpressionError(
                f"building this expression used more than {self.budget:g} CPU seconds; "
                "simplify it or split the claim"
            )

    # ---------------------------------------------------------- obligations

    def _heads(self, item: _Combine, arguments: list[sympy.Basic]) -> tuple[Obligation, ...]:
        """The obligations of the heads this node writes, decided where constant.

        A constant obligation that certainly holds is dropped; one that certainly fails
        makes the function real nowhere, unless a Piecewise condition guards it.
        """
        assert item.plan.heads is not None
        found: list[Obligation] = []
        for head in item.plan.heads(arguments):
            ob = obligation_for(head.func, head.args, text="")
            if ob is None:
                continue
            text = self._divisor(head.node) if head.divisor else self._text(head.node)
            ob = Obligation(kind=ob.kind, argument=ob.argument, subject=ob.subject, text=text)
            if _is_constant(ob.argument):
                truth = constant_truth(ob)
                if truth is True:
                    continue
                if truth is False and not item.guarded:
                    raise ExpressionError(
                        f"{failure_message(ob)}{self.source.where_node(head.node)}"
                    )
            found.append(ob)
        return tuple(found)

    def _guard(
        self,
        item: _Combine,
        arguments: list[sympy.Basic],
        below: list[tuple[Obligation, ...]],
    ) -> tuple[Obligation, ...]:
        """A Piecewise's obligations, each bound to where its branch or condition counts.

        A guard can turn out trivial only once the conditions are built (``1 < 2``); a
        constant obligation that then binds everywhere and certainly fails is refused.
        """
        result = guard(arguments[1::2], below[0::2], below[1::2])
        if not item.guarded:
            for ob in result:
                if (
                    not isinstance(ob.subject, sympy.Piecewise)
                    and _is_constant(ob.argument)
                    and constant_truth(ob) is False
                ):
                    raise ExpressionError(
                        f"{failure_message(ob)}{self.source.where_node(item.node)}"
                    )
        return result

    def _text(self, node: ast.AST) -> str:
        return _short(self.source.segment(node), 80)

    def _combine(self, item: _Combine, arguments: list[sympy.Basic]) -> sympy.Basic:
        """Run a plan's combine step, turning SymPy's own failures into ExpressionError."""
        try:
            value = item.plan.combine(arguments)
        except ExpressionError:
            raise
        except RecursionError as exc:
            raise ExpressionError(
                "expression is nested too deeply for SymPy to build"
                f"{self.source.where_node(item.node)}"
            ) from exc
        except MemoryError as exc:
            raise ExpressionError(
                f"expression is too large to build{self.source.where_node(item.node)}"
            ) from exc
        except Exception as exc:
            raise ExpressionError(
                f"could not build {self._quote(item.node)}{self.source.where_node(item.node)}"
                f": {_short(str(exc))}"
            ) from exc
        self._check_value(value, item.node)
        return value

    def _check_value(self, value: sympy.Basic, node: ast.expr) -> None:
        """Catch undefined values and run-away exponents where they arise (with a column)."""
        if any(value is undefined for undefined in _UNDEFINED):
            raise ExpressionError(
                f"expression is undefined (division by zero?): {self._quote(node)} gives "
                f"{value}{self.source.where_node(node)}"
            )
        if not isinstance(value, sympy.Expr):
            return
        for factor in sympy.Mul.make_args(value):
            if factor.is_Pow and factor.exp.is_Rational:
                exponent = factor.exp
                if abs(exponent.p) > _MAX_RESULT_EXPONENT or exponent.q > _MAX_RESULT_EXPONENT:
                    raise ExpressionError(
                        f"exponent too large: {self._quote(node)} becomes a power with "
                        f"exponent {_short(str(exponent), 40)} (the limit is "
                        f"{_MAX_RESULT_EXPONENT}){self.source.where_node(node)}"
                    )

    def _quote(self, node: ast.AST) -> str:
        return repr(_short(self.source.segment(node), 40))

    # -------------------------------------------------------------- dispatch

    def _plan(self, node: ast.expr, context: _Context) -> _Plan | sympy.Basic:
        if context is _Context.COND:
            return self._plan_condition(node)
        match node:
            case ast.Constant():
                return self._literal(node)
            case ast.Name():
                return self._name(node)
            case Entry():
                return self._entry(node)
            case Exact():
                return sympy.Rational(node.value.numerator, node.value.denominator)
            case NSum():
                return self._plan_nsum(node)
            case NProduct():
                return self._plan_nproduct(node)
            case ast.BinOp():
                return self._plan_binop(node)
            case ast.UnaryOp():
                return self._plan_unary(node)
            case ast.Call():
                return self._plan_call(node)
            case ast.Compare():
                symbol = _comparison_symbol(node.ops[0])
                raise self._refuse(
                    node,
                    f"a comparison ('{symbol}')",
                    "comparisons are only allowed in Piecewise conditions",
                )
            case ast.BoolOp():
                symbol = "and" if isinstance(node.op, ast.And) else "or"
                raise self._refuse(
                    node, f"'{symbol}'", "and, or and not are only allowed in Piecewise conditions"
                )
            case ast.Tuple():
                raise self._refuse(
                    node,
                    "a tuple",
                    "tuples are only allowed as the (expression, condition) pairs of Piecewise",
                )
            case _:
                raise self._forbidden(node)

    def _refuse(self, node: ast.AST, found: str, allowed: str = _ALLOWED) -> ExpressionError:
        return ExpressionError(f"{found} is not allowed{self.source.where_node(node)}; {allowed}")

    def _forbidden(self, node: ast.AST) -> ExpressionError:
        """The error for syntax outside the whitelist, as specific as possible."""
        if isinstance(node, ast.Attribute):
            column = node.end_col_offset - len(node.attr)  # type: ignore[operator]
            where = self.source.where(node.end_lineno, column)
            return ExpressionError(
                f"attribute access ('.{node.attr}') is not allowed{where}; {_ALLOWED}"
            )
        found = _FORBIDDEN_SYNTAX.get(type(node), f"'{type(node).__name__}' syntax")
        return self._refuse(node, found)

    # ---------------------------------------------------------------- leaves

    def _literal(self, node: ast.Constant) -> sympy.Expr:
        value = node.value
        if isinstance(value, bool):
            raise self._refuse(
                node,
                f"the literal {value}",
                "True and False are only allowed as Piecewise conditions",
            )
        if isinstance(value, int):
            text = self.source.segment(node)
            if len(text) > _MAX_LITERAL_CHARS:
                raise ExpressionError(
                    f"number literal {_short(text, 20)!r} is too long: {len(text)} characters "
                    f"(the limit is {_MAX_LITERAL_CHARS}){self.source.where_node(node)}"
                )
            return sympy.Integer(value)
        if isinstance(value, float):
            exact = _exact_decimal(self.source.segment(node), lambda: self.source.where_node(node))
            return sympy.Rational(exact.numerator, exact.denominator)
        raise self._refuse(node, refused_literal(value, self._quote(node)))

    def _name(self, node: ast.Name) -> sympy.Expr:
        name = node.id
        if name in _CONSTANTS:
            return _CONSTANTS[name]
        self._check_name(node, name)
        if name in FUNCTION_NAMES:
            raise ExpressionError(
                f"{name!r} is a function: call it, as in {name}(x){self.source.where_node(node)}"
            )
        if name in self.bindings:
            bound = self.bindings[name]
            self.symbols.update(bound.free_symbols)
            return bound
        self._check_lookalike(name, node)
        symbol = make_symbol(name)
        self.symbols.add(symbol)
        return symbol

    def _check_lookalike(self, name: str, node: ast.AST | None) -> None:
        """Refuse ``e``, ``Pi``, ``inf``... as implicit symbols (see lookalike_advice)."""
        if name in self.declared:
            return
        advice = lookalike_advice(name)
        if advice is not None:
            where = "" if node is None else self.source.where_node(node)
            raise ExpressionError(f"the name {name!r} is refused{where}: {advice}")

    def mention(self, name: str) -> None:
        """A symbol of the written text that the expansion folded away (``0*b``)."""
        if name in self.bindings:
            self.symbols.update(self.bindings[name].free_symbols)
        else:
            self._check_lookalike(name, None)
            self.symbols.add(make_symbol(name))

    def _entry(self, node: Entry) -> sympy.Expr:
        """One entry of a shaped name (vector notation): its own real symbol."""
        if node.name in self.bindings:
            bound = self.bindings[node.name]
            self.symbols.update(bound.free_symbols)
            return bound
        symbol = make_symbol(node.name)
        self.symbols.add(symbol)
        return symbol

    def _check_name(self, node: ast.AST, name: str) -> None:
        if len(name) > _MAX_NAME_LENGTH:
            raise ExpressionError(
                f"name {_short(name, 20)!r} is too long: {len(name)} characters (the limit "
                f"is {_MAX_NAME_LENGTH}){self.source.where_node(node)}"
            )
        if not _NAME_RE.fullmatch(name):
            raise ExpressionError(
                f"name {name!r} is not allowed{self.source.where_node(node)}: a name starts "
                "with a letter and "
                "contains only letters, digits and '_'"
            )

    # ----------------------------------------------------------- operators

    def _plan_binop(self, node: ast.BinOp) -> _Plan:
        if isinstance(node.op, ast.Add | ast.Sub):
            return self._plan_sum(node)
        if isinstance(node.op, ast.Mult | ast.Div):
            return self._plan_product(node)
        if isinstance(node.op, ast.Pow):
            return self._plan_power(node)
        symbol = _FORBIDDEN_OPERATORS.get(type(node.op), type(node.op).__name__)
        hint = " (for powers write '**')" if symbol == "^" else ""
        raise ExpressionError(
            f"the operator '{symbol}' is not allowed{self._operator_where(node, symbol)}"
            f"{hint}; allowed operators are + - * / **"
        )

    def _operator_where(self, node: ast.BinOp, symbol: str) -> str:
        """The position of the operator itself (ast records only its operands)."""
        if getattr(node, "synthetic", False) or getattr(node.left, "end_lineno", None) is None:
            return self.source.where_node(node)
        start = self.source.offset(node.left.end_lineno, node.left.end_col_offset)  # type: ignore[arg-type]
        end = self.source.offset(node.right.lineno, node.right.col_offset)
        found = self.source.text.find(symbol, start, end)
        if found < 0:
            return self.source.where_node(node)
        return self.source.where_offset(found)

    def _plan_sum(self, node: ast.BinOp) -> _Plan:
        """A whole run of + and - (through parentheses) as one n-ary Add.

        Binary Adds would cost quadratic time and deep recursion on long sums; the run is
        collected with an explicit stack.  ``a - (b - c)`` becomes ``a - b + c``, exactly.
        """
        terms, negated = sum_run(node)
        return self._sum_plan(node, terms, negated)

    def _plan_nsum(self, node: NSum) -> _Plan:
        """An n-ary sum of an expansion (vector notation): built as the sums of a text."""
        if not node.terms:
            return _Plan([], lambda values: sympy.S.Zero)
        return self._sum_plan(node, node.terms, node.negated)

    def _sum_plan(
        self, node: ast.expr, terms: Sequence[ast.expr], negated: Sequence[bool]
    ) -> _Plan:
        def combine(values: list[sympy.Basic]) -> sympy.Basic:
            args = [
                sympy.Mul(sympy.S.NegativeOne, value) if negative else value
                for value, negative in zip(values, negated, strict=True)
            ]
            self._check_sum_growth(args, node)
            return sympy.Add(*args)

        return _Plan([(term, _Context.EXPR) for term in terms], combine)

    def _plan_product(self, node: ast.BinOp) -> _Plan:
        """A whole run of * and / as one n-ary Mul; a divisor ``d`` becomes ``d**-1``.

        Flattening is exact where the text is defined, but it can hide a divisor:
        ``a/(b/c)`` becomes ``a * b**-1 * c``.  So every factor written on the right of
        any ``/`` on its way up (b and c here) records that it must be nonzero.
        """
        factors: list[ast.expr] = []
        inverted: list[bool] = []
        divided: list[bool] = []  # under some '/': the written function divides by it
        divides = False  # some divisor other than a nonzero literal (the 4 of 3/4)
        stack: list[tuple[ast.expr, bool, bool]] = [(node, False, False)]
        while stack:
            item, inverse, under = stack.pop()
            if isinstance(item, ast.BinOp) and isinstance(item.op, ast.Mult | ast.Div):
                division = isinstance(item.op, ast.Div)
                stack.append((item.right, inverse != division, under or division))
                stack.append((item.left, inverse, under))
            else:
                factors.append(item)
                inverted.append(inverse)
                divided.append(under)
                if under and not (isinstance(item, ast.Constant) and item.value):
                    divides = True

        return self._product_plan(node, factors, inverted, divided, divides)

    def _plan_nproduct(self, node: NProduct) -> _Plan:
        """An n-ary product of an expansion: built as the products of a text (a divisor
        records that it must be nonzero)."""
        if not node.factors:
            return _Plan([], lambda values: sympy.S.One)
        divides = any(
            inverse and not (isinstance(f, Exact) and f.value)
            for f, inverse in zip(node.factors, node.inverted, strict=True)
        )
        return self._product_plan(node, node.factors, node.inverted, node.inverted, divides)

    def _product_plan(
        self,
        node: ast.expr,
        factors: Sequence[ast.expr],
        inverted: Sequence[bool],
        divided: Sequence[bool],
        divides: bool,
    ) -> _Plan:
        def heads(values: list[sympy.Basic]) -> list[_Head]:
            # A nonzero rational divisor (the 4 of 3/4) needs nothing: skip it cheaply.
            return [
                _Head(sympy.Pow, (value, sympy.S.NegativeOne), factor, divisor=True)
                for value, under, factor in zip(values, divided, factors, strict=True)
                if under and not (value.is_Rational and value.p)
            ]

        def combine(values: list[sympy.Basic]) -> sympy.Basic:
            args = []
            for value, inverse, factor in zip(values, inverted, factors, strict=True):
                if inverse:
                    if value.is_zero is True and value.is_Number:
                        raise ExpressionError(
                            "expression is undefined (division by zero)"
                            f"{self.source.where_node(factor)}"
                        )
                    value = sympy.Pow(value, sympy.S.NegativeOne)
                args.append(value)
            self._check_product_growth(args, node)
            return sympy.Mul(*args)

        return _Plan(
            [(factor, _Context.EXPR) for factor in factors], combine, heads if divides else None
        )

    def _divisor(self, factor: ast.expr) -> str:
        """The written text of a division by ``factor``, as ``1/d``."""
        text = self.source.segment(factor)
        if not isinstance(factor, ast.Name | ast.Constant | ast.Call | Entry) and not (
            isinstance(factor, Exact) and factor.value.denominator == 1 and factor.value >= 0
        ):
            text = f"({text})"
        return _short(f"1/{text}", 80)

    def _plan_power(self, node: ast.BinOp) -> _Plan:
        """``a ** b``; the exponent is built (and so checked) before the base."""
        base_node = node.left
        if (
            isinstance(base_node, ast.Name)
            and base_node.id == "e"
            and "e" not in self.declared
            and "e" not in self.bindings
        ):
            exponent = _short(self.source.segment(node.right), 60)
            written = _short(self.source.segment(node), 60)
            raise ExpressionError(
                f"the name 'e' is refused{self.source.where_node(base_node)}: 'e' is not "
                f"Euler's number here (did you mean 'exp({exponent})'?): write "
                f"exp({exponent}) for {written}, or E for the number e"
                + _NOT_A_SYMBOL.format(name="e")
            )

        def combine(values: list[sympy.Basic]) -> sympy.Basic:
            exponent, base = values
            self._check_power(base, exponent, node)
            return sympy.Pow(base, exponent)

        def heads(values: list[sympy.Basic]) -> list[_Head]:
            exponent, base = values
            return [_Head(sympy.Pow, (base, exponent), node)]

        return _Plan([(node.right, _Context.EXPR), (node.left, _Context.EXPR)], combine, heads)

    def _plan_unary(self, node: ast.UnaryOp) -> _Plan:
        if isinstance(node.op, ast.USub):
            return _Plan(
                [(node.operand, _Context.EXPR)],
                lambda values: sympy.Mul(sympy.S.NegativeOne, values[0]),
            )
        if isinstance(node.op, ast.UAdd):
            return _Plan([(node.operand, _Context.EXPR)], lambda values: values[0])
        if isinstance(node.op, ast.Not):
            raise self._refuse(
                node, "'not'", "and, or and not are only allowed in Piecewise conditions"
            )
        raise ExpressionError(
            f"the operator '~' is not allowed{self.source.where_node(node)}; allowed "
            "operators are + - * / **"
        )

    # ---------------------------------------------------------- number guards

    def _growth_error(self, node: ast.AST, what: str, bits: float) -> ExpressionError:
        return ExpressionError(
            f"number too large: {what} {self._quote(node)} would need about {math.ceil(bits)} "
            f"bits (the limit is {_MAX_NUMBER_BITS}){self.source.where_node(node)}"
        )

    def _check_power(self, base: sympy.Basic, exponent: sympy.Basic, node: ast.BinOp) -> None:
        """Exponents are small rationals; numeric powers stay under ~10,000 bits."""
        if not exponent.is_Number:
            return  # symbolic exponents (2**x, x**y) stay symbolic
        if not exponent.is_Rational:  # pragma: no cover - floats are never built
            raise self._refuse(node.right, f"the exponent {exponent}")
        if abs(exponent.p) > _MAX_EXPONENT or exponent.q > _MAX_EXPONENT:
            raise ExpressionError(
                f"exponent too large: {_short(str(exponent), 40)} in {self._quote(node)} "
                f"(numerator and denominator may be at most {_MAX_EXPONENT})"
                f"{self.source.where_node(node.right)}"
            )
        bits = abs(Fraction(int(exponent.p), int(exponent.q))) * _number_bits(base)
        if bits > _MAX_NUMBER_BITS:
            raise self._growth_error(node, "the power", float(bits))

    def _check_product_growth(self, factors: list[sympy.Basic], node: ast.AST) -> None:
        """SymPy multiplies numeric coefficients, and spreads one over a sum it multiplies."""
        scalar = 0.0
        spread = 0.0
        for factor in factors:
            if factor.is_Add:
                spread = max(spread, max(_number_bits(term) for term in factor.args))
            else:
                scalar += _number_bits(factor)
        if scalar + spread > _MAX_NUMBER_BITS:
            raise self._growth_error(node, "the product", scalar + spread)

    def _check_sum_growth(self, terms: list[sympy.Basic], node: ast.AST) -> None:
        """SymPy adds the coefficients of like terms; their common denominator can grow.

        Terms are grouped as SymPy will group them; per group the bits of the sum are at
        most the bits of the lcm of the denominators, plus the largest coefficient, plus
        the bits of the count.  The lcm is computed incrementally and abandoned as soon as
        it exceeds the limit (``1/2 + 1/3 + 1/5 + ...`` over thousands of primes would
        otherwise take minutes inside SymPy).
        """
        groups: dict[sympy.Basic, list[int]] = {}  # rest -> [lcm, largest bits, count]
        for term in terms:
            for part in sympy.Add.make_args(term):
                coefficient, rest = part.as_coeff_Mul()
                if not coefficient.is_Rational:
                    continue
                group = groups.get(rest)
                bits = math.ceil(_number_bits(coefficient))
                if group is None:
                    groups[rest] = [int(coefficient.q), bits, 1]
                    continue
                denominator = int(coefficient.q)
                group[0] = group[0] // math.gcd(group[0], denominator) * denominator
                group[1] = max(group[1], bits)
                group[2] += 1
                estimate = group[0].bit_length() + group[1] + group[2].bit_length()
                if estimate > _MAX_NUMBER_BITS:
                    raise self._growth_error(node, "the sum", estimate)

    # ---------------------------------------------------------------- calls

    def _plan_call(self, node: ast.Call) -> _Plan:
        name = self._callee(node)
        if node.keywords:
            first = node.keywords[0]
            found = f"'{first.arg}='" if first.arg else "'**'"
            raise ExpressionError(
                f"keyword argument {found} in {name}() is not allowed"
                f"{self.source.where_node(first)}; pass arguments by position"
            )
        for argument in node.args:
            if isinstance(argument, ast.Starred):
                raise ExpressionError(
                    f"a starred argument ('*') in {name}() is not allowed"
                    f"{self.source.where_node(argument)}; pass arguments one by one"
                )
        if name == _PIECEWISE:
            return self._plan_piecewise(node)
        function = _FUNCTIONS[name]
        count = len(node.args)
        if count < function.min_args or (
            function.max_args is not None and count > function.max_args
        ):
            raise ExpressionError(
                f"{name}() takes {function.arity_text()}, found {count}"
                f"{self.source.where_node(node)}"
            )
        heads = None
        if function.head is not None:
            head = function.head

            def heads(values: list[sympy.Basic]) -> list[_Head]:
                func, args = head(values[0])
                return [_Head(func, args, node)]

        return _Plan(
            [(argument, _Context.EXPR) for argument in node.args],
            lambda values: function.build(*values),
            heads,
        )

    def _callee(self, node: ast.Call) -> str:
        """The called name, which must be a bare name from FUNCTION_NAMES."""
        func = node.func
        if not isinstance(func, ast.Name):
            if isinstance(func, ast.Attribute | ast.Lambda | ast.Subscript):
                raise self._forbidden(func)
            product = ""
            if isinstance(func, ast.Constant):  # 2(x + 1) parses as a call of 2
                product = implicit_product_hint(self.source.segment(node), call=True)
            raise self._refuse(
                func,
                f"calling {self._quote(func)}",
                (f"{product}; " if product else "")
                + "only named functions can be called: "
                + ", ".join(sorted(FUNCTION_NAMES, key=_name_order)),
            )
        self._check_name(func, func.id)
        if func.id not in FUNCTION_NAMES:
            raise ExpressionError(
                f"unknown function {func.id!r}{function_hint(func.id)}"
                f"{self.source.where_node(func)}; the known functions are "
                + ", ".join(sorted(FUNCTION_NAMES, key=_name_order))
            )
        return func.id

    def _plan_piecewise(self, node: ast.Call) -> _Plan:
        """``Piecewise((expr, cond), ..., (expr, True))``: defined everywhere by design."""
        shape = "Piecewise takes pairs (expression, condition), the last with condition True"
        if not node.args:
            raise ExpressionError(
                f"Piecewise() takes at least 1 argument, found 0"
                f"{self.source.where_node(node)}; {shape}"
            )
        children: list[tuple[ast.expr, _Context]] = []
        for argument in node.args:
            if not (isinstance(argument, ast.Tuple) and len(argument.elts) == 2):
                raise self._refuse(
                    argument, f"the Piecewise argument {self._quote(argument)}", shape
                )
            children.append((argument.elts[0], _Context.EXPR))
            children.append((argument.elts[1], _Context.COND))
        last = node.args[-1].elts[1]  # type: ignore[attr-defined]
        if not (isinstance(last, ast.Constant) and last.value is True):
            raise ExpressionError(
                f"the last condition of Piecewise must be True (so the function is defined "
                f"everywhere), found {self._quote(last)}{self.source.where_node(last)}"
            )

        def combine(values: list[sympy.Basic]) -> sympy.Basic:
            return sympy.Piecewise(*zip(values[0::2], values[1::2], strict=True))

        # A branch's definedness binds only where it is taken, a condition's only where
        # it is reached: the first condition always is, and so is a first branch whose
        # condition is the literal True.
        first = node.args[0].elts[1]  # type: ignore[attr-defined]
        first_always = isinstance(first, ast.Constant) and first.value is True
        guarded = []
        for index in range(len(node.args)):
            guarded.append(index > 0 or not first_always)
            guarded.append(index > 0)
        return _Plan(children, combine, guarded=guarded, piecewise=True)

    # ----------------------------------------------------------- conditions

    def _plan_condition(self, node: ast.expr) -> _Plan | sympy.Basic:
        match node:
            case ast.Constant(value=bool() as value):
                return sympy.true if value else sympy.false
            case ast.Compare():
                return self._plan_comparison(node)
            case ast.BoolOp(op=ast.And()):
                return _Plan(
                    [(v, _Context.COND) for v in node.values], lambda values: sympy.And(*values)
                )
            case ast.BoolOp(op=ast.Or()):
                return _Plan(
                    [(v, _Context.COND) for v in node.values], lambda values: sympy.Or(*values)
                )
            case ast.UnaryOp(op=ast.Not()):
                return _Plan([(node.operand, _Context.COND)], lambda values: sympy.Not(values[0]))
        raise self._refuse(node, f"the condition {self._quote(node)}", _CONDITION_HELP)

    def _plan_comparison(self, node: ast.Compare) -> _Plan:
        """``a < b <= c`` becomes ``And(a < b, b <= c)``, each operand built once."""
        builders = []
        for op in node.ops:
            if type(op) in _REFUSED_COMPARISONS:
                raise self._refuse(
                    node, f"'{_REFUSED_COMPARISONS[type(op)]}' in a condition", _CONDITION_HELP
                )
            builders.append(_COMPARISONS[type(op)][1])
        operands = [node.left, *node.comparators]

        def combine(values: list[sympy.Basic]) -> sympy.Basic:
            for left, right in itertools.pairwise(values):
                self._check_comparable(left, right, node)
            relations = [build(values[i], values[i + 1]) for i, build in enumerate(builders)]
            return relations[0] if len(relations) == 1 else sympy.And(*relations)

        return _Plan([(operand, _Context.EXPR) for operand in operands], combine)

    def _check_comparable(self, left: sympy.Basic, right: sympy.Basic, node: ast.AST) -> None:
        """Refuse comparisons of constants other than plain rationals.

        They carry no information about the function, and SymPy's Piecewise, when it
        tries to decide one such as ``422 >= log(exp(2) + exp(422))``, can run for
        minutes.  Exact rationals are decided at once and stay allowed.
        """
        if left.free_symbols or right.free_symbols:
            return
        if left.is_Rational and right.is_Rational:
            return
        raise ExpressionError(
            f"the condition {self._quote(node)} compares constants"
            f"{self.source.where_node(node)}; a Piecewise condition must involve a variable"
        )


def sum_run(node: ast.expr) -> tuple[list[ast.expr], list[bool]]:
    """The terms of a run of + and - through nested BinOps (parentheses included),
    each with whether it is subtracted: ``a - (b - c)`` is a, b, c with -, + signs.
    An explicit stack: a long sum costs no recursion."""
    terms: list[ast.expr] = []
    negated: list[bool] = []
    stack: list[tuple[ast.expr, bool]] = [(node, False)]
    while stack:
        item, negative = stack.pop()
        if isinstance(item, ast.BinOp) and isinstance(item.op, ast.Add | ast.Sub):
            stack.append((item.right, negative != isinstance(item.op, ast.Sub)))
            stack.append((item.left, negative))
        else:
            terms.append(item)
            negated.append(negative)
    return terms, negated


def refused_literal(value: object, quoted: str) -> str:
    """What a literal the grammar refuses is, for its message (``quoted``: its text)."""
    if isinstance(value, complex):
        return f"a complex number ({quoted})"
    if isinstance(value, str):
        return "a string literal"
    if isinstance(value, bytes):
        return "a bytes literal"
    if value is None:
        return "None"
    return f"the literal {quoted}"


def _comparison_symbol(op: ast.cmpop) -> str:
    if type(op) in _COMPARISONS:
        return _COMPARISONS[type(op)][0]
    return _REFUSED_COMPARISONS.get(type(op), type(op).__name__)


def _number_bits(expr: sympy.Basic) -> float:
    """Bits of the number SymPy could compute from ``expr`` when it multiplies or raises it.

    A rational counts its larger part; ``b**e`` with rational ``b`` and ``e`` counts as the
    value it may turn into (``(3**(1/2))**1000`` is ``3**500``); a product sums its
    factors.  Anything else (sums, functions, symbols) is not expanded by SymPy: zero.
    """
    if expr.is_Rational:
        return float(max(int(expr.p).bit_length(), int(expr.q).bit_length()))
    if expr.is_Pow and expr.base.is_Rational and expr.exp.is_Rational:
        return abs(float(expr.exp)) * _number_bits(expr.base)
    if expr.is_Mul:
        return sum(_number_bits(factor) for factor in expr.args)
    return 0.0
