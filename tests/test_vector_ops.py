"""Tensors of scalar nodes (convexity_proofs._vector.ops): shapes, folding, errors.

The scalar trees are checked by building them with the parser's builder (through the
``expand`` hook of parse_function) and comparing with the SymPy expression of the
scalar text, so "the same tree" means "the same function and obligations".
"""

from __future__ import annotations

import ast
import re
from fractions import Fraction

import numpy as np
import pytest
import sympy

from convexity_proofs._parser import make_symbol, parse_function
from convexity_proofs._scalar_ast import Entry, Exact, NProduct, NSum, scalar_text
from convexity_proofs._vector import ops
from convexity_proofs.errors import ExpressionError


def text(t: np.ndarray) -> str:
    return scalar_text(ops.node_of(t))


def texts(t: np.ndarray) -> list[str]:
    return [scalar_text(node) for node in t.ravel().tolist()]


def built(t: np.ndarray):
    """parse_function of a placeholder text whose tree is replaced by ``t``'s node."""
    node = ops.node_of(t)
    return parse_function("0", expand=lambda root, ctx: node)


def scalar(text_: str):
    """The scalar text with entry names w[0] read as plain names w_0."""
    plain = re.sub(
        r"([A-Za-z]\w*)\[([0-9, ]+)\]",
        lambda m: m[1] + "_" + m[2].replace(" ", "").replace(",", "_"),
        text_,
    )
    parsed = parse_function(plain)
    rename = {s: make_symbol(_entry(s.name)) for s in parsed.symbols}
    return parsed.expression.xreplace(rename), parsed


def _entry(name: str) -> str:
    if "_" not in name:
        return name
    base, *index = name.split("_")
    return f"{base}[{','.join(index)}]"


W = ops.variable("w", (3,))
X = ops.data([[1, 2, 0], [0, 1, -1]])
Y = ops.data([1, -1])


# ------------------------------------------------------------------------ leaves


def test_variable_entries_and_scalar_names() -> None:
    assert texts(W) == ["w[0]", "w[1]", "w[2]"]
    assert all(type(node) is Entry for node in W.ravel())
    m = ops.variable("M", (2, 2))
    assert texts(m) == ["M[0,0]", "M[0,1]", "M[1,0]", "M[1,1]"]
    b = ops.variable("b", ())
    assert ops.is_scalar(b) and isinstance(ops.node_of(b), ast.Name)
    assert text(ops.scalar_symbol("lam")) == "lam"


def test_data_is_exact_and_refuses_floats() -> None:
    d = ops.data([[Fraction(1, 3), 2]])
    assert d.shape == (1, 2)
    assert [node.value for node in d.ravel()] == [Fraction(1, 3), 2]
    with pytest.raises(ExpressionError, match="exact numbers"):
        ops.data([0.5])
    assert text(ops.constant(Fraction(-2, 3))) == "-2/3"


def test_from_nodes_checks_count_and_kinds() -> None:
    t = ops.from_nodes([Exact(1), Exact(2)], (2,))
    assert t.shape == (2,)
    with pytest.raises(ExpressionError, match="cannot fill shape"):
        ops.from_nodes([Exact(1)], (2,))
    cond = ops.node_of(ops.compare("<", W[0:1], 0).reshape(()))
    with pytest.raises(ExpressionError, match="mix conditions"):
        ops.from_nodes([cond, Exact(1)], (2,))


# ------------------------------------------------------------------ elementwise


def test_binary_broadcasts_and_folds() -> None:
    assert texts(ops.binary("+", W, 1)) == ["w[0] + 1", "w[1] + 1", "w[2] + 1"]
    assert texts(ops.binary("*", X, W)) == ["w[0]", "2*w[1]", "0", "0", "w[1]", "-w[2]"]
    assert text(ops.binary("/", ops.constant(1), ops.constant(4))) == "1/4"
    assert text(ops.binary("**", ops.constant(2), ops.constant(10))) == "1024"
    assert text(ops.binary("-", W[0:1], W[1:2]).reshape(())) == "w[0] - w[1]"


def test_shape_mismatch_names_both_shapes() -> None:
    with pytest.raises(ops.TensorError) as info:
        ops.binary("+", W, Y)
    assert "(3,)" in str(info.value) and "(2,)" in str(info.value)
    located = info.value.at(", at column 7")
    assert type(located) is ExpressionError
    assert str(located).startswith("shape mismatch in '+': shapes (3,) and (2,)")
    assert ", at column 7; " in str(located)


def test_division_by_exact_zero() -> None:
    with pytest.raises(ExpressionError, match="division by zero"):
        ops.binary("/", W, 0)
    with pytest.raises(ExpressionError, match="division by zero"):
        ops.binary("**", ops.constant(0), ops.constant(-1))


def test_zero_times_non_leaf_keeps_its_obligation() -> None:
    zero_log = ops.binary("*", 0, ops.apply("log", [W[0]]))
    assert text(zero_log) == "0*log(w[0])"
    parsed = built(zero_log)
    assert parsed.expression == 0
    assert [ob.text for ob in parsed.obligations] == ["log(w[0])"]
    assert text(ops.binary("*", 0, W[0])) == "0"  # a leaf has no obligation to lose


def test_sums_and_products_stay_flat() -> None:
    total = ops.constant(0)
    for k in range(3):
        total = ops.binary("+", total, W[k])
    node = ops.node_of(total)
    assert type(node) is NSum and len(node.terms) == 3
    product = ops.binary("*", ops.binary("*", W[0], W[1]), W[2])
    assert type(ops.node_of(product)) is NProduct
    assert len(ops.node_of(product).factors) == 3
    difference = ops.binary("-", W[0], ops.binary("-", W[1], W[2]))
    assert text(difference) == "w[0] - w[1] + w[2]"


def test_divisor_that_divides_stays_whole() -> None:
    inner = ops.binary("/", W[1], W[2])
    outer = ops.binary("/", W[0], inner)
    parsed = built(outer)
    reference, _ = scalar("w[0]/(w[1]/w[2])")
    assert parsed.expression == reference
    # The text records w[1] != 0 and w[2] != 0; the tree records the equivalent
    # w[2] != 0 and w[1]/w[2] != 0 (an NProduct cannot mark a factor "divided" without
    # inverting it, so the inner quotient is kept whole).
    w1, w2 = make_symbol("w[1]"), make_symbol("w[2]")
    assert [ob.kind for ob in parsed.obligations] == ["nonzero", "nonzero"]
    assert [ob.argument for ob in parsed.obligations] == [w2, w1 / w2]


def test_power_identities_and_norm_squared() -> None:
    assert text(ops.binary("**", W[0], ops.constant(1))) == "w[0]"
    squared = ops.binary("**", ops.norm(W), ops.constant(2))
    assert text(squared) == "w[0]**2 + w[1]**2 + w[2]**2"
    assert text(ops.norm(W)) == "sqrt(w[0]**2 + w[1]**2 + w[2]**2)"
    assert text(ops.binary("**", ops.norm(W), ops.constant(3))).startswith("sqrt(")


def test_negate() -> None:
    assert texts(ops.negate(ops.binary("+", W, 1))) == ["-w[0] - 1", "-w[1] - 1", "-w[2] - 1"]
    assert text(ops.negate(ops.constant(2))) == "-2"


def test_apply_elementwise_and_arity() -> None:
    assert texts(ops.apply("exp", [W])) == ["exp(w[0])", "exp(w[1])", "exp(w[2])"]
    assert texts(ops.apply("max", [W, 0])) == ["max(w[0], 0)", "max(w[1], 0)", "max(w[2], 0)"]
    with pytest.raises(ExpressionError, match=r"exp\(\) takes 1"):
        ops.apply("exp", [W, W])
    with pytest.raises(ExpressionError, match="where"):
        ops.apply("Piecewise", [W])
    with pytest.raises(ExpressionError, match="cannot be applied"):
        ops.apply("eval", [W])


# --------------------------------------------------------------------- products


def test_matmul_shapes() -> None:
    assert texts(ops.matmul(X, W)) == ["w[0] + 2*w[1]", "w[1] - w[2]"]
    assert ops.matmul(Y, X).shape == (3,)
    assert texts(ops.matmul(Y, X)) == ["1", "1", "1"]
    m = ops.variable("M", (3, 2))
    assert ops.matmul(X, m).shape == (2, 2)
    assert text(ops.matmul(W, W)) == "w[0]*w[0] + w[1]*w[1] + w[2]*w[2]"
    with pytest.raises(ExpressionError) as info:
        ops.matmul(X, Y)
    assert "(2, 3)" in str(info.value) and "(2,)" in str(info.value)
    with pytest.raises(ExpressionError, match="multiply by a scalar"):
        ops.matmul(W, ops.constant(2))


def test_matmul_entry_is_one_nsum() -> None:
    big = ops.variable("v", (1000,))
    node = ops.node_of(ops.matmul(ops.data([1] * 1000), big))
    assert type(node) is NSum and len(node.terms) == 1000
    assert all(type(term) is Entry for term in node.terms)


def test_dot() -> None:
    assert text(ops.dot(W, ops.data([1, 0, 2]))) == "w[0] + 2*w[2]"
    assert texts(ops.dot(ops.constant(2), W)) == ["2*w[0]", "2*w[1]", "2*w[2]"]
    with pytest.raises(ExpressionError, match=r"\(3,\) and \(2,\)"):
        ops.dot(W, Y)


# ------------------------------------------------------------------- reductions


def test_reductions() -> None:
    assert text(ops.reduce("sum", W)) == "w[0] + w[1] + w[2]"
    assert text(ops.reduce("prod", W)) == "w[0]*w[1]*w[2]"
    assert text(ops.reduce("max", W)) == "max(w[0], w[1], w[2])"
    assert text(ops.reduce("logsumexp", W)) == "logsumexp(w[0], w[1], w[2])"
    parsed = built(ops.reduce("mean", W))
    assert parsed.expression == sum(make_symbol(f"w[{k}]") for k in range(3)) / 3
    m = ops.variable("M", (2, 3))
    assert texts(ops.reduce("sum", m, axis=0)) == [
        "M[0,0] + M[1,0]",
        "M[0,1] + M[1,1]",
        "M[0,2] + M[1,2]",
    ]
    assert ops.reduce("sum", m, axis=-1).shape == (2,)
    with pytest.raises(ExpressionError, match="axis 2 is out of range"):
        ops.reduce("sum", m, axis=2)
    with pytest.raises(ExpressionError, match="empty"):
        ops.reduce("max", ops.variable("w", (3,))[0:0])
    assert text(ops.reduce("sum", W[0:0])) == "0"


def test_sum_of_sums_is_one_nsum() -> None:
    rows = ops.matmul(ops.data([[1, 1, 1]] * 4), W)
    node = ops.node_of(ops.reduce("sum", rows))
    assert type(node) is NSum and len(node.terms) == 12


def test_norms() -> None:
    assert text(ops.norm(W, 1)) == "abs(w[0]) + abs(w[1]) + abs(w[2])"
    assert text(ops.norm(W, "inf")) == "max(abs(w[0]), abs(w[1]), abs(w[2]))"
    assert text(ops.sum_squares(ops.data([1, 2]))) == "5"
    frobenius = ops.norm(ops.variable("M", (1, 2)), "fro")
    assert text(frobenius) == "sqrt(M[0,0]**2 + M[0,1]**2)"
    with pytest.raises(ExpressionError, match="not supported"):
        ops.norm(ops.variable("M", (2, 2)), 2)  # the spectral norm is no formula
    with pytest.raises(ExpressionError, match="not supported"):
        ops.norm(W, 3)


# ------------------------------------------------------------------- conditions


def test_where_builds_piecewise() -> None:
    relu = ops.where(ops.compare(">", W, 0), W, 0)
    assert texts(relu)[0] == "Piecewise((w[0], w[0] > 0), (0, True))"
    parsed = built(ops.reduce("sum", relu))
    reference, _ = scalar(
        " + ".join(f"Piecewise((w[{k}], w[{k}] > 0), (0, True))" for k in range(3))
    )
    assert parsed.expression == reference
    both = ops.logical("and", [ops.compare(">", W, 0), ops.compare("<", W, 1)])
    assert texts(both)[0] == "w[0] > 0 and w[0] < 1"
    assert texts(ops.logical("not", [ops.compare(">", W, 0)]))[0] == "not w[0] > 0"
    assert text(ops.where(ops.compare("<", ops.constant(1), 2), W[0], W[1])) == "w[0]"


def test_conditions_and_values_do_not_mix() -> None:
    cond = ops.compare(">", W, 0)
    with pytest.raises(ExpressionError, match="where"):
        ops.binary("+", cond, 1)
    with pytest.raises(ExpressionError, match="needs a condition"):
        ops.where(W, W, W)
    with pytest.raises(ExpressionError, match=r"==|not allowed"):
        ops.compare("==", W, 0)


# -------------------------------------------------------------------- structure


def test_index_basic_and_negative() -> None:
    assert text(ops.index(W, (-1,))) == "w[2]"
    assert texts(ops.index(X, (slice(None), 0))) == ["1", "0"]
    assert texts(ops.index(W, (slice(1, None),))) == ["w[1]", "w[2]"]
    assert ops.index(W, (None, slice(None))).shape == (1, 3)


def test_index_errors_name_shape_and_index() -> None:
    with pytest.raises(ops.TensorError) as info:
        ops.index(W, (4,), name="w")
    message = str(info.value)
    assert message.startswith("index 4 is out of range for w of shape (3,)")
    assert "0..2 or -3..-1" in message
    with pytest.raises(ExpressionError, match="too many indices for w of shape"):
        ops.index(W, (0, 0), name="w")
    with pytest.raises(ExpressionError, match="must be an integer"):
        ops.index(W, (1.5,))  # type: ignore[arg-type]
    with pytest.raises(ExpressionError, match=r"axis 1"):
        ops.index(X, (0, 3), name="X")


def test_transpose_and_stack() -> None:
    assert ops.transpose(X).shape == (3, 2)
    assert ops.transpose(W).shape == (3,)
    s = ops.stack([W, ops.binary("*", 2, W)])
    assert s.shape == (2, 3)
    assert texts(s)[3:] == ["2*w[0]", "2*w[1]", "2*w[2]"]
    with pytest.raises(ExpressionError, match=r"element 1 has shape \(2,\)"):
        ops.stack([W, Y])


# ------------------------------------------------------------------------ limits


def test_entries_limit_is_checked_before_allocating(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ops, "MAX_ENTRIES", 10)
    with pytest.raises(ExpressionError, match="would have 12 entries"):
        ops.binary("+", ops.data([[1, 2, 3]] * 4), ops.variable("w", (3,))[0:1])


def test_meter_counts_nodes_and_polls_budget() -> None:
    polls: list[int] = []
    meter = ops.Meter(limit=100, check_budget=lambda: polls.append(1))
    with ops.metering(meter):
        ops.binary("+", ops.variable("v", (50,)), 1)
        assert meter.made == 50
        with pytest.raises(ExpressionError, match="model claim"):
            ops.binary("+", ops.variable("v", (60,)), 1)
    assert ops.binary("+", ops.variable("v", (60,)), 1).shape == (60,)  # no meter: no limit
    big = ops.Meter(check_budget=lambda: polls.append(1))
    with ops.metering(big):
        ops.binary("+", ops.variable("v", (600,)), 1)
    assert polls


def test_same_input_same_tree() -> None:
    def make() -> str:
        z = ops.matmul(X, W)
        return text(
            ops.reduce("sum", ops.apply("log", [ops.binary("+", 1, ops.apply("exp", [z]))]))
        )

    assert make() == make()


def test_logistic_tree_matches_scalar_text() -> None:
    z = ops.binary("*", ops.negate(Y), ops.binary("+", ops.matmul(X, W), ops.scalar_symbol("b")))
    loss = ops.reduce("sum", ops.apply("log", [ops.binary("+", 1, ops.apply("exp", [z]))]))
    parsed = built(loss)
    reference, _ = scalar("log(1 + exp(-(w[0] + 2*w[1] + b))) + log(1 + exp(w[1] - w[2] + b))")
    assert sympy.simplify(parsed.expression - reference) == 0
    assert parsed.expression == reference
    assert {s.name for s in parsed.symbols} == {"w[0]", "w[1]", "w[2]", "b"}
