"""Vector notation in claim texts (convexity_proofs._vector): expansion and refusals.

The expansion is checked against the scalar text it stands for, written two ways: with
entry subscripts (``w[0]``, read by the same expander) and with plain names (``w0``,
read by the plain parser, the symbols renamed afterwards).  Same expression, same
obligations.
"""

from __future__ import annotations

import re
import tracemalloc
from fractions import Fraction

import numpy as np
import pytest
import sympy

from convexity_proofs._parser import make_symbol, parse_function
from convexity_proofs._scalar_ast import NSum, scalar_text
from convexity_proofs._vector import (
    MAX_RANGE,
    Space,
    needs_expansion,
    ops,
    parse_vector_function,
)
from convexity_proofs._vector import expand as expand_module
from convexity_proofs.errors import ExpressionError

LOGISTIC = "sum(log(1 + exp(-y[i] * (X[i] @ w + b))) for i in range(4))"
LOGISTIC_SPACE = Space(
    shapes={"w": (3,)},
    data={"X": [[1, 2, 0], [0, 1, -1], [2, -1, 1], [1, 1, 1]], "y": [1, -1, 1, -1]},
)
RIDGE = "norm(X @ w - y)**2 + lam * (w @ w)"
RIDGE_SPACE = Space(shapes={"w": (2,)}, data={"X": [[1, 2], [3, 4], [5, 7]], "y": [1, 0, 2]})


def plain(text: str):
    """parse_function of ``text`` with entries w[0] written w_0; symbols renamed back."""
    renamed = re.sub(
        r"([A-Za-z]\w*)\[([0-9, ]+)\]",
        lambda m: m[1] + "_" + m[2].replace(" ", "").replace(",", "_"),
        text,
    )
    parsed = parse_function(renamed)
    back = {}
    for symbol in parsed.symbols:
        base, *index = symbol.name.split("_")
        if index:
            back[symbol] = make_symbol(f"{base}[{','.join(index)}]")
    return parsed, back


def assert_same(vector, scalar_text_: str, space: Space) -> None:
    """Same expression and obligations as the scalar text, read both ways."""
    entries = parse_vector_function(scalar_text_, Space(shapes=dict(space.shapes)))
    assert vector.expression == entries.expression
    assert [(o.kind, o.subject) for o in vector.obligations] == [
        (o.kind, o.subject) for o in entries.obligations
    ]
    assert vector.symbols == entries.symbols
    written, back = plain(scalar_text_)
    assert vector.expression == written.expression.xreplace(back)
    assert [(o.kind, o.subject) for o in vector.obligations] == [
        (o.kind, o.subject.xreplace(back)) for o in written.obligations
    ]
    assert {s.name for s in vector.symbols} == {s.xreplace(back).name for s in written.symbols}


def expanded(text: str, space: Space):
    """The scalar tree the expander hands the builder."""
    seen = {}

    def hook(root, ctx):
        seen["tree"] = expand_module.expand(root, ctx, space)
        return seen["tree"]

    parse_function(text, expand=hook)
    return seen["tree"]


def error(text: str, space: Space) -> str:
    with pytest.raises(ExpressionError) as info:
        parse_vector_function(text, space)
    assert type(info.value) is ExpressionError  # located: never the bare TensorError
    return str(info.value)


def column(message: str) -> int:
    found = re.search(r", at column (\d+)", message)
    assert found, message
    return int(found.group(1))


# ------------------------------------------------------------ the claims


def test_logistic_claim_matches_scalar_forms() -> None:
    vector = parse_vector_function(LOGISTIC, LOGISTIC_SPACE)
    scalar = (
        "log(1 + exp(-1*(w[0] + 2*w[1] + b)))"
        " + log(1 + exp(1*(w[1] - w[2] + b)))"
        " + log(1 + exp(-1*(2*w[0] - w[1] + w[2] + b)))"
        " + log(1 + exp(1*(w[0] + w[1] + w[2] + b)))"
    )
    assert_same(vector, scalar, LOGISTIC_SPACE)
    assert [s.name for s in vector.symbols] == ["b", "w[0]", "w[1]", "w[2]"]
    assert all(s.is_real for s in vector.symbols)


def test_ridge_claim_matches_scalar_forms() -> None:
    vector = parse_vector_function(RIDGE, RIDGE_SPACE)
    scalar = (
        "(w[0] + 2*w[1] - 1)**2 + (3*w[0] + 4*w[1])**2 + (5*w[0] + 7*w[1] - 2)**2"
        " + lam*(w[0]*w[0] + w[1]*w[1])"
    )
    assert_same(vector, scalar, RIDGE_SPACE)
    assert vector.obligations == ()  # norm(...)**2 is the sum of squares: no sqrt


def test_log_obligations_have_distinct_subjects_and_scalar_texts() -> None:
    space = Space(shapes={"w": (2,)}, data={"X": [[1, 2], [3, 4], [5, 7]]})
    parsed = parse_vector_function("sum(log(X[i] @ w) for i in range(3))", space)
    assert [ob.kind for ob in parsed.obligations] == ["positive"] * 3
    assert len({ob.subject for ob in parsed.obligations}) == 3
    assert [ob.text for ob in parsed.obligations] == [
        "log(w[0] + 2*w[1])",
        "log(3*w[0] + 4*w[1])",
        "log(5*w[0] + 7*w[1])",
    ]
    assert_same(parsed, "log(w[0] + 2*w[1]) + log(3*w[0] + 4*w[1]) + log(5*w[0] + 7*w[1])", space)


def test_a_sum_over_1000_points_is_one_flat_nsum() -> None:
    rng = np.random.default_rng(1)
    space = Space(
        shapes={"w": (3,)},
        data={
            "X": [[Fraction(int(v), 10) for v in row] for row in rng.integers(-9, 10, (1000, 3))],
            "y": [int(v) for v in rng.choice([-1, 1], 1000)],
        },
    )
    tree = expanded(LOGISTIC.replace("range(4)", "range(1000)"), space)
    assert type(tree) is NSum and len(tree.terms) == 1000
    assert not any(tree.negated)


def test_same_input_same_tree() -> None:
    first = scalar_text(expanded(LOGISTIC, LOGISTIC_SPACE))
    again = scalar_text(expanded(LOGISTIC, LOGISTIC_SPACE))
    assert first == again
    assert first.startswith("log(1 + exp(-w[0] - 2*w[1] - b))")


# ---------------------------------------------------------------------- grammar

W3 = Space(shapes={"w": (3,), "M": (2, 3)}, data={"X": [[1, 2, 0], [0, 1, -1]], "c": 2})


@pytest.mark.parametrize(
    ("vector", "scalar"),
    [
        ("w[0] + w[-1]", "w[0] + w[2]"),
        ("sum(w)", "w[0] + w[1] + w[2]"),
        ("sum(w[1:])", "w[1] + w[2]"),
        ("sum(X[:, 0] * w[:2])", "w[0]"),
        ("X[1][2] * w[0] + M[1, 2]", "-w[0] + M[1,2]"),
        ("sum(M)", "M[0,0] + M[0,1] + M[0,2] + M[1,0] + M[1,1] + M[1,2]"),
        (
            "sum(sum(M, 0) ** 2)",
            "(M[0,0] + M[1,0])**2 + (M[0,1] + M[1,1])**2 + (M[0,2] + M[1,2])**2",
        ),
        (
            "sum(M[i, j] for i in range(2) for j in range(i, 3))",
            "M[0,0] + M[0,1] + M[0,2] + M[1,1] + M[1,2]",
        ),
        ("sum(w[(i + 1) % 3] * i for i in range(3))", "w[2] + 2*w[0]"),
        ("sum(w[i // 2] for i in range(len(w) + 1))", "2*w[0] + 2*w[1]"),
        ("sum(w[i] for i in range(2, -1, -2))", "w[2] + w[0]"),
        ("mean(w)", "(w[0] + w[1] + w[2])/3"),
        ("prod(w[:2])", "w[0]*w[1]"),
        ("max(w)", "max(w[0], w[1], w[2])"),
        ("max(w[0], w[1])", "max(w[0], w[1])"),
        ("sum(max(w, 0))", "max(w[0], 0) + max(w[1], 0) + max(w[2], 0)"),
        ("logsumexp(X @ w)", "logsumexp(w[0] + 2*w[1], w[1] - w[2])"),
        ("max(w[i] * c for i in range(3))", "max(2*w[0], 2*w[1], 2*w[2])"),
        ("dot(w, w)", "w[0]*w[0] + w[1]*w[1] + w[2]*w[2]"),
        ("norm(w, 1)", "abs(w[0]) + abs(w[1]) + abs(w[2])"),
        ("norm(w, inf)", "max(abs(w[0]), abs(w[1]), abs(w[2]))"),
        ("norm(w)", "sqrt(w[0]**2 + w[1]**2 + w[2]**2)"),
        ("norm(w, 2)**2", "w[0]**2 + w[1]**2 + w[2]**2"),
        ("sum_squares(X @ w)", "(w[0] + 2*w[1])**2 + (w[1] - w[2])**2"),
        ("sum(transpose(X) @ [1, 1])", "1 + 3 - 1"),
        ("sum([w[0], b] * [c, 1])", "2*w[0] + b"),
        ("sum([w[i] ** 2 for i in range(3)])", "w[0]**2 + w[1]**2 + w[2]**2"),
        ("sum(exp(w) / 2)", "exp(w[0])/2 + exp(w[1])/2 + exp(w[2])/2"),
        (
            "sum(where(w > 0, w, -w))",
            " + ".join(f"Piecewise((w[{k}], w[{k}] > 0), (-w[{k}], True))" for k in range(3)),
        ),
        (
            "sum(Piecewise((w[i], 0 < w[i] <= 1), (0, True)) for i in range(2))",
            "Piecewise((w[0], 0 < w[0] <= 1), (0, True))"
            " + Piecewise((w[1], 0 < w[1] <= 1), (0, True))",
        ),
        ("sum(pi * w[i] + E for i in range(2))", "pi*w[0] + pi*w[1] + 2*E"),
        ("sum(0.5 * w)", "1/2*w[0] + 1/2*w[1] + 1/2*w[2]"),
        ("sum(w[i] / (w[i] / 2) for i in range(1))", "w[0]/(w[0]/2)"),
        ("2**10 * b - 3 ** 2", "1024*b - 9"),
        ("x**2 + log(y)", "x**2 + log(y)"),
        ("sum(1 for i in range(0))", "0"),
    ],
)
def test_vector_form_equals_scalar_form(vector: str, scalar: str) -> None:
    parsed = parse_vector_function(vector, W3)
    written = parse_vector_function(scalar, Space(shapes=dict(W3.shapes)))
    assert parsed.expression == written.expression
    assert [(o.kind, o.subject) for o in parsed.obligations] == [
        (o.kind, o.subject) for o in written.obligations
    ]


def test_zero_data_keeps_obligations_of_non_leaves() -> None:
    space = Space(shapes={"w": (2,)}, data={"X": [[0, 1]]})
    parsed = parse_vector_function("sum(X @ log(w))", space)
    assert parsed.expression == sympy.log(make_symbol("w[1]"))
    assert [ob.text for ob in parsed.obligations] == ["log(w[0])", "log(w[1])"]


def test_bindings_substitute_entries() -> None:
    x = make_symbol("x")
    parsed = parse_vector_function(
        "sum(w ** 2)", Space(shapes={"w": (2,)}), bindings={"w[0]": 2 * x}
    )
    assert parsed.expression == 4 * x**2 + make_symbol("w[1]") ** 2


def test_space_entries_and_checks() -> None:
    assert W3.entries("M") == ("M[0,0]", "M[0,1]", "M[0,2]", "M[1,0]", "M[1,1]", "M[1,2]")
    with pytest.raises(ExpressionError, match="both"):
        Space(shapes={"w": (2,)}, data={"w": [1, 2]})
    with pytest.raises(ExpressionError, match="exact numbers"):
        Space(data={"X": [0.5]})
    with pytest.raises(ExpressionError, match="positive integers"):
        Space(shapes={"w": (0,)})
    assert Space(shapes={"w": 3}).shapes["w"] == (3,)


def test_needs_expansion() -> None:
    empty = Space()
    assert not needs_expansion("x**2 + log(y)", empty)
    assert needs_expansion("w[0]", empty)
    assert needs_expansion("a @ b", empty)
    assert needs_expansion("sum(x for i in range(3))", empty)
    assert not needs_expansion("format + x", empty)
    assert needs_expansion("x", Space(shapes={"w": (2,)}))


# ---------------------------------------------------------------------- refusals


def test_index_out_of_range() -> None:
    message = error("b + w[4]", W3)
    assert message.startswith("index 4 is out of range for w of shape (3,)")
    assert "(valid: 0..2 or -3..-1)" in message
    assert column(message) == 5
    message = error("sum(X[i, 3] for i in range(2))", W3)
    assert "X of shape (2, 3) (axis 1)" in message and column(message) == 5


def test_shape_mismatch_names_both_shapes() -> None:
    message = error("sum(X @ w + w)", W3)
    assert "shapes (2,) and (3,)" in message and column(message) == 5
    message = error("sum(w @ X)", W3)
    assert "(3,) and (2, 3)" in message and column(message) == 5


def test_unknown_indexed_name_suggests_shapes() -> None:
    message = error("x + v[0]", W3)
    assert message.startswith("v has no shape, at column 5")
    assert "shapes = { v = 3 }" in message and "data" in message


def test_range_too_long() -> None:
    message = error("sum(w[0] for i in range(200000))", W3)
    assert message.startswith(
        f"range(200000) is too long: 200000 iterations (the limit is {MAX_RANGE}), at column 19"
    )
    assert "model claim" in message


def test_non_scalar_result() -> None:
    message = error("exp(w)", W3)
    assert message.startswith("the function is a vector of shape (3,), at column 1")
    assert "sum(" in message
    assert "matrix of shape (2, 3)" in error("M * 2", W3)


def test_if_filter_refused() -> None:
    message = error("sum(w[i] for i in range(3) if i > 0)", W3)
    assert "'if' filter" in message and column(message) == 31


def test_loop_variable_shadowing() -> None:
    message = error("sum(w[0] for w in range(3))", W3)
    assert "the loop variable w shadows w" in message and column(message) == 14
    message = error("sum(w[i] for i in range(3) for i in range(2))", W3)
    assert "already a loop variable" in message and column(message) == 32
    assert "shadows the function exp" in error("sum(1 for exp in range(2))", W3)


def test_non_integer_index() -> None:
    message = error("w[b]", W3)
    assert message.startswith("an index must be an integer, found 'b', at column 3")
    message = error("w[0.5]", W3)
    assert "an index must be an integer, found '0.5'" in message
    assert "found 'w[0]'" in error("w[w[0]]", W3)
    assert "integer" in error("sum(w[i] for i in range(b))", W3)
    assert "'%' is only allowed between integers" in error("w[0] % 2", W3)


def test_other_refusals_are_located() -> None:
    cases = {
        "i + sum(1 for j in range(1, 2, 0))": "step must not be zero",
        "range(3)": "only allowed in the for clause",
        "foo(w)": "unknown function 'foo'",
        "w.T": "attribute access ('.T')",
        "sum(w[i] for i in [1, 2])": "must loop over range",
        "w[0] if b else b": "conditional expression",
        "(w[0] for i in range(2))": "generator expression is only allowed",
        "sum(w, b)": "the axis of sum() must be an integer",
        "norm(w, 3)": "the order of norm()",
        "sum(w > 0)": "cannot be used as a value",
        "where(w, w, w)": "needs a condition",
        "w[0] == 1": "'==' in a condition",
        "sum(w ^ 2)": "the operator '^'",
        "sum(w, keepdims=1)": "keyword argument",
        "len(b)": "len() of a scalar",
        "w[0, 0]": "too many indices for w of shape (3,)",
        "1 / (w[0] - w[0]) + 1 / 0": "division by zero",
        "'text'": "a string literal",
    }
    for text, fragment in cases.items():
        message = error(text, W3)
        assert fragment in message, (text, message)
        assert ", at column " in message, (text, message)


def test_comprehensions_nest_at_most_four_deep() -> None:
    four = (
        "sum(sum(sum(sum(1 for p in range(1)) for q in range(1)) for r in range(1))"
        " for s in range(1))"
    )
    assert parse_vector_function(four, W3).expression == 1
    five = "sum(" + four + " for t in range(1))"
    message = error(five, W3)
    assert "nested too deeply" in message
    assert column(message) == five.index("(1 for p") + 1  # the fifth level, innermost


def test_too_many_expanded_nodes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ops, "MAX_EXPANDED_NODES", 500)
    message = error("sum(w[0] * w[1] for i in range(100) for j in range(100))", W3)
    assert "more than 500 scalar nodes" in message
    assert "model claim" in message and ", at column " in message


def test_cpu_budget_is_polled_during_expansion() -> None:
    with pytest.raises(ExpressionError, match="CPU seconds"):
        parse_vector_function(
            "sum(w[0] * w[1] for i in range(1000) for j in range(1000))",
            W3,
            max_cpu_seconds=0.05,
        )


def test_a_300_point_loss_is_one_flat_sum_equal_to_its_scalar_text() -> None:
    """The benchmark's claim at a size for the suite (its speed is measured in
    bench/vector.py, not here): one n-ary sum of 300 terms, the scalar text's function."""
    n, d = 300, 3
    rng = np.random.default_rng(0)
    rows = [[Fraction(int(v), 100) for v in rng.integers(-200, 201, d)] for _ in range(n)]
    labels = [int(v) for v in rng.choice([-1, 1], n)]
    space = Space(shapes={"w": (d,)}, data={"X": rows, "y": labels})
    vector = parse_vector_function(
        f"sum(log(1 + exp(-y[i] * (X[i] @ w + b))) for i in range({n}))", space
    )
    terms = []
    for row, label in zip(rows, labels, strict=True):
        score = " + ".join(f"{float(v)}*w[{j}]" for j, v in enumerate(row))
        terms.append(f"log(1 + exp({-label}*({score} + b)))")
    scalar = parse_vector_function(" + ".join(terms), Space(shapes={"w": (d,)}))
    assert vector.expression == scalar.expression
    assert len(vector.expression.args) == n


# ------------------------------------------------------- random agreement with NumPy

_POINT = {"w": np.array([0.3, -1.2, 0.7]), "M": np.array([[0.5, -0.4, 1.1], [-0.9, 0.2, 0.6]])}
_DATA = {"X": np.array([[1.0, 2.0, 0.0], [0.0, 1.0, -1.0]]), "y": np.array([1.0, -1.0]), "c": 2.0}
_B = -0.35


class _Gen:
    """Random vector-notation texts with their NumPy values computed alongside (never
    by evaluating the text): the expansion must give the function NumPy computes."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def pick(self, options):  # type: ignore[no-untyped-def]
        return options[int(self.rng.integers(len(options)))]

    def leaf(self, shape: tuple[int, ...], loop: bool):  # type: ignore[no-untyped-def]
        w, m, x, y, c = _POINT["w"], _POINT["M"], _DATA["X"], _DATA["y"], _DATA["c"]
        k = int(self.rng.integers(-3, 3))
        table = {
            (): [
                ("b", _B),
                ("c", c),
                ("2", 2.0),
                ("0.5", 0.5),
                (f"w[{k}]", w[k]),
                ("X[1, 2]", x[1, 2]),
                ("len(w)", 3.0),
                ("M[-1, 0]", m[-1, 0]),
            ],
            (2,): [
                ("y", y),
                ("X @ w", x @ w),
                ("M @ w", m @ w),
                ("X[:, 0]", x[:, 0]),
                ("w[1:]", w[1:]),
                ("[b, w[0]]", np.array([_B, w[0]])),
            ],
            (3,): [
                ("w", w),
                ("X[0]", x[0]),
                ("M[1]", m[1]),
                ("transpose(X) @ y", x.T @ y),
                ("y @ M", y @ m),
            ],
        }
        options = list(table[shape])
        if loop and shape == ():
            options += [("w[i]", None), ("X[i % 2, i]", None)]
        return self.pick(options)

    def expr(self, shape: tuple[int, ...], depth: int, loop: int | None = None):  # type: ignore[no-untyped-def]
        """(text, value); ``loop`` is the value of the loop variable i, if any."""
        if depth <= 0 or self.rng.random() < 0.2:
            text, value = self.leaf(shape, loop is not None)
            if value is None:  # a loop leaf
                value = _POINT["w"][loop] if text == "w[i]" else _DATA["X"][loop % 2, loop]
            return text, np.asarray(value, dtype=float)
        d = depth - 1
        kind = int(self.rng.integers(12 if shape == () else 8))
        if kind == 0:
            a, b = self.expr(shape, d, loop), self.expr(self.pick([shape, ()]), d, loop)
            op = self.pick(["+", "-", "*"])
            value = {"+": a[1] + b[1], "-": a[1] - b[1], "*": a[1] * b[1]}[op]
            return f"(({a[0]}) {op} ({b[0]}))", value
        if kind == 1:
            a = self.expr(shape, d, loop)
            return f"(-{a[0]})", -a[1]
        if kind == 2:
            a = self.expr(shape, d, loop)
            name = self.pick(["tanh", "atan", "sin", "abs", "softplus", "sigmoid", "relu"])
            functions = {
                "tanh": np.tanh,
                "atan": np.arctan,
                "sin": np.sin,
                "abs": np.abs,
                "softplus": lambda v: np.logaddexp(0, v),
                "relu": lambda v: np.maximum(v, 0),
                "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
            }
            return f"{name}({a[0]})", functions[name](a[1])
        if kind == 3:
            a, b = self.expr(shape, d, loop), self.expr(shape, d, loop)
            return f"max({a[0]}, {b[0]})", np.maximum(a[1], b[1])
        if kind == 4:
            a, b = self.expr(shape, d, loop), self.expr(shape, d, loop)
            return f"where({a[0]} > 0, {a[0]}, {b[0]})", np.where(a[1] > 0, a[1], b[1])
        if kind == 5:
            a = self.expr(shape, d, loop)
            return f"(({a[0]}) / (2 + cos({a[0]})))", a[1] / (2 + np.cos(a[1]))
        if kind == 6:
            a = self.expr(shape, d, loop)
            return f"sqrt(1 + ({a[0]})**2)", np.sqrt(1 + a[1] ** 2)
        if kind == 7:
            a = self.expr(shape, d, loop)
            return f"({a[0]})**2", a[1] ** 2
        # scalar results from vectors
        if kind == 8:
            inner = self.pick([(2,), (3,)])
            a = self.expr(inner, d, loop)
            name = self.pick(["sum", "max", "min", "logsumexp", "mean", "norm", "sum_squares"])
            reductions = {
                "sum": np.sum,
                "max": np.max,
                "min": np.min,
                "mean": np.mean,
                "logsumexp": lambda v: np.log(np.sum(np.exp(v))),
                "norm": np.linalg.norm,
                "sum_squares": lambda v: np.sum(v**2),
            }
            return f"{name}({a[0]})", reductions[name](a[1])
        if kind == 9:
            inner = self.pick([(2,), (3,)])
            a, b = self.expr(inner, d, loop), self.expr(inner, d, loop)
            return f"dot({a[0]}, {b[0]})", np.dot(a[1], b[1])
        if kind == 10:
            inner = self.pick([(2,), (3,)])
            a = self.expr(inner, d, loop)
            order = self.pick(["1", "inf"])
            value = np.linalg.norm(a[1], 1 if order == "1" else np.inf)
            return f"norm({a[0]}, {order})", value
        if loop is not None:  # no nested comprehensions here
            text, value = self.leaf((), False)
            return text, np.asarray(value)
        # The body is generated once per i from the same random state, so the three
        # iterations share one text and differ only in the values of the i-leaves.
        state = self.rng.bit_generator.state
        texts = []
        values = []
        for i in range(3):
            self.rng.bit_generator.state = state
            text, value = self.expr((), d - 1, i)
            texts.append(text)
            values.append(value)
        assert len(set(texts)) == 1
        return f"sum({texts[0]} for i in range(3))", np.sum(values)


def _numeric(expression: sympy.Expr) -> float:
    point = {make_symbol("b"): sympy.Rational(_B)}
    for name, array in _POINT.items():
        for index in np.ndindex(*array.shape):
            label = f"{name}[{','.join(map(str, index))}]"
            point[make_symbol(label)] = sympy.Rational(float(array[index]))
    return float(expression.xreplace(point).evalf(30))


@pytest.mark.parametrize("seed", range(60))
def test_random_texts_agree_with_numpy(seed: int) -> None:
    space = Space(
        shapes={"w": (3,), "M": (2, 3)},
        data={"X": [[1, 2, 0], [0, 1, -1]], "y": [1, -1], "c": 2},
    )
    text, value = _Gen(seed).expr((), 4)
    try:
        parsed = parse_vector_function(text, space)
    except ExpressionError as exc:  # the builder's refusal, as for the scalar text
        assert "compares constants" in str(exc), text
        return
    assert _numeric(parsed.expression) == pytest.approx(float(value), rel=1e-9, abs=1e-9), text


# ------------------------------------------------------- review findings (issue 14)


def test_broadcasting_many_operands_is_counted_before_it_is_built():
    text = "sum(" + " + ".join(["[w] + transpose([w])"] * 200) + ")"
    tracemalloc.start()
    try:
        with pytest.raises(ExpressionError, match="scalar nodes"):
            parse_vector_function(text, Space(shapes={"w": (1000,)}))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 200 * 2**20  # refused before the 200 million references are made


def test_folding_many_fractions_is_refused_as_it_grows():
    primes = [p for p in range(2, 20_000) if all(p % q for q in range(2, int(p**0.5) + 1))]
    space = Space(shapes={"w": (1,)}, data={"z": [Fraction(1, p) for p in primes]})
    with pytest.raises(ExpressionError, match="number too large"):
        parse_vector_function("sum(z) + w[0]**2", space, max_cpu_seconds=10)


def test_a_symbol_a_zero_folds_away_is_still_a_symbol_of_the_text():
    space = Space(shapes={"w": (2,)}, data={"c": [0, 0], "X": [[1, 2], [3, 5]]})
    parsed = parse_vector_function("sum((X @ w + c*b)**2)", space)
    assert make_symbol("b") in parsed.symbols
    assert not parsed.expression.has(make_symbol("b"))


def test_a_folded_piecewise_condition_is_located():
    with pytest.raises(ExpressionError, match="column 36"):
        parse_vector_function(
            "Piecewise((w[0], w[0] > 0), (w[1], 2 < 1))", Space(shapes={"w": (2,)})
        )
