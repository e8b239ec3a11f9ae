"""The scalar tree: printing reads back to the same function, and the builder builds the
tree's own nodes (entries, exact constants, n-ary sums and products) as it builds text."""

from __future__ import annotations

import ast
from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from convexity_proofs._parser import make_symbol, parse_function
from convexity_proofs._scalar_ast import (
    Entry,
    Exact,
    NProduct,
    NSum,
    entry_name,
    located,
    parse_entry_name,
    scalar_text,
)
from convexity_proofs.errors import ExpressionError


def _built(tree: ast.expr):
    """The parse of a one-name text whose expansion is ``tree``."""
    return parse_function("z", expand=lambda root, ctx: tree)


def _name(text: str) -> ast.Name:
    return ast.Name(id=text, ctx=ast.Load())


def _call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=_name(name), args=list(args), keywords=[])


def test_entry_names_round_trip():
    assert entry_name("w", (0,)) == "w[0]"
    assert entry_name("W", (1, 2)) == "W[1,2]"
    assert parse_entry_name("W[1, 2]") == ("W", (1, 2))
    assert parse_entry_name("w[0]") == ("w", (0,))
    assert parse_entry_name("w") is None
    assert parse_entry_name("w[x]") is None
    assert parse_entry_name("1w[0]") is None


def test_builder_builds_entries_and_exact_constants():
    tree = NSum(
        [NProduct([Exact(Fraction(3, 2)), Entry("w[0]")]), Entry("w[1]"), Exact(-1)],
        [False, True, False],
    )
    parsed = _built(tree)
    w0, w1 = make_symbol("w[0]"), make_symbol("w[1]")
    assert parsed.expression == sympy.Rational(3, 2) * w0 - w1 - 1
    assert parsed.symbols == (w0, w1)


def test_empty_sum_and_product_are_zero_and_one():
    assert _built(NSum([Entry("a[0]"), NProduct([])])).expression == make_symbol("a[0]") + 1
    assert _built(NProduct([Entry("a[0]"), NSum([])])).expression == 0


def test_divisors_of_a_product_record_their_obligation():
    tree = NProduct([Exact(1), Entry("w[0]")], [False, True])
    parsed = _built(tree)
    assert [ob.argument for ob in parsed.obligations] == [make_symbol("w[0]")]


def test_obligation_texts_print_the_scalar_node():
    root = ast.parse("log(v)", mode="eval").body
    term = located(_call("log", NSum([Entry("w[0]"), Exact(2)])), root)
    parsed = _built(located(NSum([term]), root))
    (ob,) = parsed.obligations
    assert ob.text == "log(w[0] + 2)"


def test_division_by_an_exact_zero_is_refused():
    with pytest.raises(ExpressionError, match="division by zero"):
        _built(NProduct([Entry("w[0]"), Exact(0)], [False, True]))


def test_printer_parenthesises_by_strength():
    x, y = _name("x"), _name("y")
    assert scalar_text(NSum([x, NSum([x, y])], [False, True])) == "x - (x + y)"
    assert scalar_text(NProduct([x, NProduct([x, y])], [False, True])) == "x/(x*y)"
    assert scalar_text(ast.BinOp(Exact(-2), ast.Pow(), Exact(Fraction(1, 2)))) == "(-2)**(1/2)"
    assert scalar_text(NSum([x, Exact(-1)])) == "x - 1"
    assert scalar_text(NSum([x], [True])) == "-x"
    assert scalar_text(NProduct([x], [True])) == "1/x"
    with pytest.raises(TypeError):
        scalar_text(ast.Subscript(value=x, slice=Exact(0), ctx=ast.Load()))


# ------------------------------------------------------------- printing round trip

_NAMES = ("x", "y", "z")
_UNARY = ("exp", "log", "sqrt", "tanh", "abs", "sigmoid", "softplus")
_leaves = st.one_of(
    st.sampled_from(_NAMES).map(_name),
    st.fractions(min_value=-5, max_value=5, max_denominator=7).map(Exact),
)


def _extend(children: st.SearchStrategy[ast.expr]) -> st.SearchStrategy[ast.expr]:
    lists = st.lists(children, min_size=1, max_size=4)
    return st.one_of(
        lists.flatmap(
            lambda terms: st.lists(st.booleans(), min_size=len(terms), max_size=len(terms)).map(
                lambda flags: NSum(terms, flags)
            )
        ),
        lists.flatmap(
            lambda factors: st.lists(
                st.booleans(), min_size=len(factors), max_size=len(factors)
            ).map(lambda flags: NProduct(factors, flags))
        ),
        st.tuples(children, children, st.sampled_from([ast.Add, ast.Sub, ast.Mult])).map(
            lambda t: ast.BinOp(t[0], t[2](), t[1])
        ),
        st.tuples(children, st.sampled_from([2, 3, -1])).map(
            lambda t: ast.BinOp(t[0], ast.Pow(), Exact(t[1]))
        ),
        children.map(lambda c: ast.UnaryOp(ast.USub(), c)),
        st.tuples(st.sampled_from(_UNARY), children).map(lambda t: _call(t[0], t[1])),
        st.tuples(children, children).map(lambda t: _call("max", t[0], t[1])),
        st.tuples(children, children, st.sampled_from(_NAMES)).map(
            lambda t: _call(
                "Piecewise",
                ast.Tuple([t[0], ast.Compare(_name(t[2]), [ast.Lt()], [Exact(0)])]),
                ast.Tuple([t[1], ast.Constant(True)]),
            )
        ),
    )


_trees = st.recursive(_leaves, _extend, max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(_trees)
def test_printed_text_builds_the_same_function(tree):
    try:
        direct = _built(tree)
    except ExpressionError:
        return  # a tree that is real nowhere (log(-2)) or undefined: nothing to compare
    text = scalar_text(tree)
    again = parse_function(text)
    # The same function; SymPy's form may differ where text flattens a product that a
    # tree keeps nested (-(x*(-1*(x + y))) is x*(x + y) from text, -x*(-x - y) from
    # the tree): what is certified is always one of the two, rebuilt the same way.
    difference = again.expression - direct.expression
    assert sympy.expand(difference) == 0 or difference.equals(0), text
    assert _demands(again.obligations) == _demands(direct.obligations), text


def _demands(obligations) -> tuple[frozenset, frozenset]:
    """What obligations demand, up to how a divisor is split: text flattens 1/(x*y) into
    x != 0 and y != 0, where a tree's divisor x*y stays whole (x*y != 0): the same."""
    nonzero = set()
    other = set()
    for ob in obligations:
        if ob.kind == "nonzero":
            numerator = sympy.fraction(sympy.together(ob.argument))[0]
            try:
                nonzero.update(base for base, _ in sympy.factor_list(numerator)[1])
            except sympy.PolynomialError:
                nonzero.add(numerator)
        else:
            other.add((ob.kind, ob.argument))
    return frozenset(nonzero), frozenset(other)
