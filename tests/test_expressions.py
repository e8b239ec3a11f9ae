"""The expression codec: exact, structural round trips; hostile tables refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sympy

from convexity_proofs import load_claims
from convexity_proofs._obligations import attach
from convexity_proofs._parser import parse_function
from convexity_proofs.kernel.expressions import (
    ExpressionDataError,
    ExpressionReader,
    ExpressionTable,
    read_number,
)

CLAIMS = sorted(Path(__file__).resolve().parent.parent.joinpath("claims").glob("*.toml"))


def _round_trip(expr: sympy.Basic) -> sympy.Basic:
    table = ExpressionTable()
    index = table.add(expr)
    return ExpressionReader(json.loads(json.dumps(table.to_json()))).get(index)


def _same_tree(a: sympy.Basic, b: sympy.Basic) -> bool:
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if type(x) is not type(y) or len(x.args) != len(y.args):
            return False
        if not x.args and x != y:
            return False
        stack.extend(zip(x.args, y.args, strict=True))
    return True


@pytest.mark.parametrize(
    "text",
    [
        "x**2 + 1",
        "log(x) - log(x) + y**2",
        "Piecewise((x**2, x > 0), (-x, True))",
        "max(x, y, 0) + abs(x - 1/3)",
        "exp(log(x)) + sqrt(x) + tan(x) + atan(x) + erf(x) + sinh(x) + cosh(x) + tanh(x)",
        "pi*x + E**x + 2**x",
        "sigmoid(x) + softplus(y) + relu(x - y) + logsumexp(x, y)",
        "Piecewise((x, (x > 0) and (y < 1)), (y, (x <= 0) or not (y >= 2)), (0, True))",
    ],
)
def test_written_expressions_round_trip_structurally(text: str) -> None:
    parsed = parse_function(text)
    for expr in (parsed.expression, attach(parsed.expression, parsed.obligations)):
        back = _round_trip(expr)
        assert back == expr
        assert _same_tree(back, expr)


@pytest.mark.parametrize("path", CLAIMS, ids=lambda p: p.stem)
def test_every_claim_function_round_trips(path: Path) -> None:
    for claim in load_claims(path):
        carrier = attach(claim.function, claim.obligations)
        assert _same_tree(_round_trip(carrier), carrier)


def test_common_subexpressions_are_written_once() -> None:
    x = sympy.Symbol("x", real=True)
    table = ExpressionTable()
    first = table.add(sympy.exp(x**2) + x**2)
    size = len(table.nodes)
    assert table.add(x**2) < first
    assert len(table.nodes) == size


@pytest.mark.parametrize(
    ("nodes", "index", "message"),
    [
        ("x", 0, "expected a list of nodes"),
        ([["symbol", "x"]], 1, "outside the table"),
        ([["symbol", "x"], ["Add", 1, 0]], 1, "not the index of an earlier node"),
        ([["symbol", "x"], ["eval", 0]], 1, "unknown head 'eval'"),
        ([["symbol", "__import__('os')"]], 0, "one identifier name"),
        ([["number", "1/0"]], 0, "not an exact number"),
        ([["number", "1e5"]], 0, "not an exact number"),
        ([["number", True]], 0, "expected an integer"),
        ([["pi", 0]], 0, "takes no arguments"),
        ([["Add"]], 0, "needs arguments"),
        ([[]], 0, "expected [head, ...]"),
        ([["symbol", "x"]], True, "expected a node index"),
    ],
)
def test_hostile_tables_are_refused_with_the_node(
    nodes: object, index: object, message: str
) -> None:
    with pytest.raises(ExpressionDataError, match=None) as info:
        ExpressionReader(nodes).get(index)
    assert message in str(info.value)


def test_symbols_with_other_assumptions_are_not_written() -> None:
    with pytest.raises(ExpressionDataError, match="plain real symbol"):
        ExpressionTable().add(sympy.Symbol("z", positive=True) + 1)


def test_numbers_read_exactly() -> None:
    assert read_number("-3/4") == sympy.Rational(-3, 4)
    assert read_number(7) == 7
    with pytest.raises(ExpressionDataError):
        read_number("1" * 100_001)


def test_deep_expressions_need_no_recursion() -> None:
    x = sympy.Symbol("x", real=True)
    expr: sympy.Expr = x
    for _ in range(2000):
        expr = sympy.exp(expr, evaluate=False)
    # SymPy's own == recurses; the tree walk here does not.
    assert _same_tree(_round_trip(expr), expr)


def test_conditions_built_from_piecewise_and_unused_complex_branches_round_trip() -> None:
    # SymPy turns a Piecewise inside a condition into ITE; an unused branch can hold I.
    x, y = sympy.symbols("x y", real=True)
    for expr in (
        sympy.Piecewise((x, sympy.ITE(x < 1, y > 2, x > y)), (y, True)),
        sympy.Piecewise((sympy.exp(sympy.I) + x, x > 5), (x, True), evaluate=False),
    ):
        assert _same_tree(_round_trip(expr), expr)
