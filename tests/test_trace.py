"""Tracing Python functions (and reading SymPy expressions) into claim texts.

The tracer's output is an ordinary claim text: these tests read it back with the claim
language (vector notation over the traced shapes) and compare the SymPy expression with
the one written by hand, check the vocabulary name by name, and check that everything a
formula cannot be is refused with a message that names the call and the line.
"""

from __future__ import annotations

import ast
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy

from convexity_proofs._parser import make_symbol, parse_function
from convexity_proofs._scalar_ast import scalar_text
from convexity_proofs._sympy_input import (
    assumed_domains,
    entry_shapes,
    merge_shapes,
    sympy_tree,
)
from convexity_proofs._trace import (
    MAX_TEXT_NODES,
    XP,
    claim_text,
    text_size,
    trace_function,
)
from convexity_proofs._trace.arrays import TracedArray, TracedAttributeError
from convexity_proofs._trace.namespace import VOCABULARY
from convexity_proofs._vector import Space, parse_vector_function
from convexity_proofs.errors import ArgumentError, ExpressionError

W3 = {"w": (3,)}
w0, w1, w2, b, lam = (make_symbol(n) for n in ("w[0]", "w[1]", "w[2]", "b", "lam"))
W = [w0, w1, w2]


def read(traced) -> sympy.Expr:
    """The traced text read back as a claim reads it."""
    return parse_vector_function(traced.text, Space(shapes=traced.shapes)).expression


def traced(fn, variables=("w",), data=None, shapes=W3):
    return trace_function(fn, list(variables), data, shapes)


def same(expression: sympy.Expr, expected: sympy.Expr) -> bool:
    return sympy.simplify(expression - expected) == 0


# ------------------------------------------------------------------- the issue


X4 = np.array([[1, 2, 0], [0, 1, -1], [2, -1, 1], [1, 1, 1]], dtype=float)
Y4 = np.array([1, -1, 1, -1])


def logistic(w, b, X, y, xp):
    return xp.sum(xp.log(1 + xp.exp(-y * (X @ w + b))))


def test_the_logistic_loss_traces_to_the_scalar_text() -> None:
    result = trace_function(logistic, ["w", "b"], {"X": X4, "y": Y4}, {"w": (3,), "b": ()})
    assert result.shapes == {"w": (3,)}
    assert result.variables == ("w", "b")
    assert result.parameters == ()
    assert result.statement == "traced from logistic(w, b, X, y, xp)"
    expected = sum(
        sympy.log(1 + sympy.exp(-int(Y4[i]) * (sum(int(X4[i, k]) * W[k] for k in range(3)) + b)))
        for i in range(4)
    )
    assert read(result) == expected
    # The text is the formula, written out: no NumPy, no data names.
    assert "X" not in result.text and "y" not in result.text
    assert result.text.startswith("log(1 + exp(-w[0] - 2*w[1] - b))")


def test_the_text_reads_back_to_what_the_tree_builds() -> None:
    result = trace_function(logistic, ["w", "b"], {"X": X4, "y": Y4}, {"w": (3,)})
    direct = parse_function("0", expand=lambda root, ctx: result.node).expression
    assert read(result) == direct


# ------------------------------------------------------------------ vocabulary


@pytest.mark.parametrize(
    ("fn", "expected"),
    [
        (lambda w, xp: xp.exp(w[0]), sympy.exp(w0)),
        (lambda w, xp: xp.log(w[0]), sympy.log(w0)),
        (lambda w, xp: xp.log1p(w[0]), sympy.log(1 + w0)),
        (lambda w, xp: xp.expm1(w[0]), sympy.exp(w0) - 1),
        (lambda w, xp: xp.log2(w[0]), sympy.log(w0) / sympy.log(2)),
        (lambda w, xp: xp.log10(w[0]), sympy.log(w0) / sympy.log(10)),
        (lambda w, xp: xp.sqrt(w[0]), sympy.sqrt(w0)),
        (lambda w, xp: xp.square(w[0]), w0**2),
        (lambda w, xp: xp.reciprocal(w[0]), 1 / w0),
        (lambda w, xp: xp.abs(w[0]) + xp.absolute(w[1]), abs(w0) + abs(w1)),
        (lambda w, xp: abs(w[0]), abs(w0)),
        (
            lambda w, xp: xp.sin(w[0]) + xp.cos(w[1]) + xp.tan(w[2]),
            sympy.sin(w0) + sympy.cos(w1) + sympy.tan(w2),
        ),
        (
            lambda w, xp: xp.sinh(w[0]) * xp.cosh(w[1]) * xp.tanh(w[2]),
            sympy.sinh(w0) * sympy.cosh(w1) * sympy.tanh(w2),
        ),
        (lambda w, xp: xp.arctan(w[0]) + xp.atan(w[1]), sympy.atan(w0) + sympy.atan(w1)),
        (lambda w, xp: xp.erf(w[0]), sympy.erf(w0)),
        (lambda w, xp: xp.sigmoid(w[0]), 1 / (1 + sympy.exp(-w0))),
        (lambda w, xp: xp.softplus(w[0]), sympy.log(1 + sympy.exp(w0))),
        (lambda w, xp: xp.relu(w[0]), sympy.Max(0, w0)),
        (lambda w, xp: xp.negative(w[0]) + xp.positive(w[1]), w1 - w0),
        (lambda w, xp: xp.add(w[0], 1) * xp.subtract(w[1], 2), (w0 + 1) * (w1 - 2)),
        (lambda w, xp: xp.multiply(w[0], w[1]) / xp.divide(w[2], 3), 3 * w0 * w1 / w2),
        (
            lambda w, xp: xp.true_divide(w[0], 2) + xp.power(w[1], 3) + xp.pow(w[2], 2),
            w0 / 2 + w1**3 + w2**2,
        ),
        (lambda w, xp: xp.sum(xp.maximum(w, 0)), sum(sympy.Max(x, 0) for x in W)),
        (lambda w, xp: xp.sum(xp.minimum(w, w[0])), sum(sympy.Min(x, w0) for x in W)),
        (lambda w, xp: xp.logaddexp(w[0], w[1]), sympy.log(sympy.exp(w0) + sympy.exp(w1))),
        (lambda w, xp: xp.clip(w[0], -1, 1), sympy.Min(sympy.Max(w0, -1), 1)),
        (lambda w, xp: xp.clip(w[0], None, 1), sympy.Min(w0, 1)),
        (lambda w, xp: xp.sum(w), w0 + w1 + w2),
        (lambda w, xp: xp.mean(w), (w0 + w1 + w2) / 3),
        (lambda w, xp: xp.max(w) + xp.amax(w), 2 * sympy.Max(w0, w1, w2)),
        (lambda w, xp: xp.min(w) + xp.amin(w), 2 * sympy.Min(w0, w1, w2)),
        (lambda w, xp: xp.prod(w), w0 * w1 * w2),
        (lambda w, xp: xp.logsumexp(w), sympy.log(sum(sympy.exp(x) for x in W))),
        (lambda w, xp: xp.dot(w, [1, 2, 3]), w0 + 2 * w1 + 3 * w2),
        (lambda w, xp: xp.matmul([1, 0, 1], w), w0 + w2),
        (lambda w, xp: xp.vdot(w, w), w0**2 + w1**2 + w2**2),
        (lambda w, xp: xp.inner(w, w), w0**2 + w1**2 + w2**2),
        (lambda w, xp: xp.sum(xp.outer(w, [1, 2])), 3 * (w0 + w1 + w2)),
        (lambda w, xp: xp.linalg.norm(w), sympy.sqrt(w0**2 + w1**2 + w2**2)),
        (lambda w, xp: xp.linalg.norm(w) ** 2, w0**2 + w1**2 + w2**2),  # no sqrt
        (lambda w, xp: xp.linalg.norm(w, 1), abs(w0) + abs(w1) + abs(w2)),
        (lambda w, xp: xp.linalg.norm(w, xp.inf), sympy.Max(abs(w0), abs(w1), abs(w2))),
        (lambda w, xp: xp.linalg.norm(w, math.inf), sympy.Max(abs(w0), abs(w1), abs(w2))),
        (lambda w, xp: w @ w, w0**2 + w1**2 + w2**2),
        (
            lambda w, xp: w.dot(w) + w.sum() + w.mean(),
            w0**2 + w1**2 + w2**2 + (w0 + w1 + w2) * sympy.Rational(4, 3),
        ),
        (
            lambda w, xp: w.max() - w.min() + w.prod(),
            sympy.Max(w0, w1, w2) - sympy.Min(w0, w1, w2) + w0 * w1 * w2,
        ),
        (lambda w, xp: xp.pi * w[0] + xp.e, sympy.pi * w0 + sympy.E),
        (lambda w, xp: 2 ** w[0], 2**w0),
        (lambda w, xp: -w[0] + (+w[1]), w1 - w0),
        (lambda w, xp: sum(x**2 for x in w), w0**2 + w1**2 + w2**2),
        (lambda w, xp: xp.sum(f * f for f in w), w0**2 + w1**2 + w2**2),
        (lambda w, xp: len(w) * w[-1], 3 * w2),
        (lambda w, xp: xp.sum(w[1:]) + w[::-1][0], w1 + 2 * w2),
        (lambda w, xp: w[..., 0] + w[None, 1][0], w0 + w1),
        (lambda w, xp: xp.sum(w * xp.arange(3)), w1 + 2 * w2),
        (lambda w, xp: xp.sum(xp.stack([w[0], w[1]]) * xp.asarray([1, 2])), w0 + 2 * w1),
        (lambda w, xp: xp.sum(xp.concatenate([w, w[:1]])), 2 * w0 + w1 + w2),
        (lambda w, xp: xp.sum(xp.reshape(w, (3, 1)) * xp.ones((1, 2))), 2 * (w0 + w1 + w2)),
        (lambda w, xp: xp.sum(w.reshape(1, 3).T @ xp.ones((1, 1))), w0 + w1 + w2),
        (
            lambda w, xp: (
                xp.sum(xp.eye(3) @ w) + xp.sum(xp.zeros(3) * w) + xp.sum(xp.full(3, 2) * w)
            ),
            3 * (w0 + w1 + w2),
        ),
        (lambda w, xp: xp.sum(xp.ones_like(w) + xp.zeros_like(w)), sympy.Integer(3)),
        (lambda w, xp: xp.sum(xp.expand_dims(w, 0) @ xp.ones((3, 1))), w0 + w1 + w2),
        (lambda w, xp: xp.sum(xp.ravel(xp.transpose(xp.stack([w, w])))), 2 * (w0 + w1 + w2)),
        (lambda w, xp: xp.shape(w)[0] * w[0] + xp.ndim(w) + xp.size(w), 3 * w0 + 4),
        (lambda w, xp: xp.sum(xp.stack([w, w], axis=1)[0]), 2 * w0),
    ],
)
def test_each_name_builds_the_formula_numpy_computes(fn, expected) -> None:
    assert same(read(traced(fn)), expected)


def test_conditions_become_piecewise() -> None:
    def huber(w, xp):
        return xp.sum(xp.where(xp.abs(w) <= 1, w**2 / 2, xp.abs(w) - Fraction(1, 2)))

    result = traced(huber)
    expected = sum(
        sympy.Piecewise((x**2 / 2, abs(x) <= 1), (abs(x) - sympy.Rational(1, 2), True)) for x in W
    )
    assert same(read(result), expected)
    masked = traced(lambda w, xp: xp.sum(xp.where((w > 0) & ~(w > 1) | (w < -5), w, 0)))
    assert "Piecewise((w[0], w[0] > 0 and not w[0] > 1 or w[0] < -5), (0, True))" in masked.text
    functional = traced(
        lambda w, xp: xp.where(
            xp.logical_or(
                xp.logical_and(xp.greater(w[0], 0), xp.less(w[1], 0)),
                xp.logical_not(xp.greater_equal(w[2], 1)),
            ),
            w[0],
            w[1],
        )
    )
    assert functional.text.startswith("Piecewise((w[0], w[0] > 0 and w[1] < 0 or not w[2] >= 1)")


def test_a_mask_from_the_data_selects_rows() -> None:
    X = np.array([[1.0, 0, 0], [-1, 0, 0], [2, 1, 0]])
    result = traced(lambda w, X, xp: xp.sum((X @ w)[X[:, 0] > 0]), data={"X": X})
    assert read(result) == 3 * w0 + w1
    picked = traced(lambda w, xp: xp.sum(w[np.array([0, 2])]) + xp.sum(w[[True, False, True]]))
    assert read(picked) == 2 * (w0 + w2)


def test_reductions_along_an_axis_and_keepdims() -> None:
    def softmax_rows(W, xp):
        Z = W - xp.logsumexp(W, axis=1, keepdims=True)
        return xp.sum(Z[:, 0])

    result = traced(softmax_rows, ["W"], shapes={"W": (2, 3)})
    Ws = [[make_symbol(f"W[{i},{j}]") for j in range(3)] for i in range(2)]
    expected = sum(Ws[i][0] - sympy.log(sum(sympy.exp(x) for x in Ws[i])) for i in range(2))
    assert read(result) == expected
    assert (
        read(
            traced(
                lambda W, xp: xp.sum(xp.mean(W, axis=0) * xp.max(W, axis=-1, keepdims=True)),
                ["W"],
                shapes={"W": (2, 2)},
            )
        )
        is not None
    )


# -------------------------------------------------------------- numbers, data


def test_numbers_are_exact_and_floats_are_their_decimals() -> None:
    result = traced(
        lambda w, xp: 0.1 * w[0] + Fraction(1, 3) * w[1] + np.float64(2.5) * w[2] + np.int64(2)
    )
    assert read(result) == w0 / 10 + w1 / 3 + sympy.Rational(5, 2) * w2 + 2
    array = traced(lambda w, X, xp: X @ w, data={"X": np.array([0.1, 0.2, 0.3])})
    assert read(array) == (w0 + 2 * w1 + 3 * w2) / 10
    lists = traced(lambda w, X, xp: X @ w, data={"X": [Fraction(1, 3), 2, 0.5]})
    assert read(lists) == w0 / 3 + 2 * w1 + w2 / 2
    booleans = traced(lambda w, m, xp: m @ w, data={"m": np.array([True, False, True])})
    assert read(booleans) == w0 + w2


def test_non_numeric_data_and_defaults_pass_as_they_are() -> None:
    def loss(w, k, activation, xp, scale=2):
        act = getattr(xp, activation)
        return scale * xp.sum(act(w[:k]))

    result = traced(loss, data={"k": 2, "activation": "tanh"})
    assert read(result) == 2 * (sympy.tanh(w0) + sympy.tanh(w1))


def test_unbound_parameters_are_scalar_symbols() -> None:
    result = traced(lambda w, lam, xp: lam * xp.sum(w**2))
    assert result.parameters == ("lam",)
    assert read(result) == lam * (w0**2 + w1**2 + w2**2)


def test_binding_by_kind_of_parameter() -> None:
    def keyword_only(w, *, xp):
        return xp.sum(w)

    def positional_only(w, xp, /):
        return xp.sum(w)

    def kwargs(xp, **named):
        return xp.sum(named["w"]) + named["c"]

    for fn in (keyword_only, positional_only):
        assert read(traced(fn)) == w0 + w1 + w2
    assert read(traced(kwargs, data={"c": 1})) == w0 + w1 + w2 + 1


def test_the_namespace_parameter_is_xp_even_with_a_default() -> None:
    def loss(w, xp=np):
        return xp.sum(xp.exp(w))

    assert read(traced(loss)) == sympy.exp(w0) + sympy.exp(w1) + sympy.exp(w2)

    def misnamed(w, np):
        return np.sum(w)

    with pytest.raises(ArgumentError, match=r"parameter 'np' .* looks like an array namespace"):
        traced(misnamed)

    def other(w, ops):
        return ops.exp(w[0])

    with pytest.raises(ExpressionError, match=r"ops\.exp: ops is a scalar symbol.*named xp"):
        traced(other)


def test_one_entry_as_the_variable() -> None:
    result = traced(lambda w, xp: xp.sum(w**2), ["w[1]"])
    assert result.variables == ("w[1]",) and result.shapes == W3


# ---------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("fn", "pattern"),
    [
        (
            lambda w, xp: np.exp(w).sum(),
            r"numpy\.exp was called on a traced value, at line \d+ of <lambda> \(test_trace\.py\); "
            r"call xp\.exp instead",
        ),
        (lambda w, xp: np.sum(w), r"numpy\.sum was called on a traced value.*call xp\.sum instead"),
        (lambda w, xp: np.linalg.norm(w), r"numpy\.linalg\.norm was called.*call xp\.linalg\.norm"),
        (
            lambda w, xp: np.sinc(w),
            r"numpy\.sinc was called on a traced value, and sinc is not in the traced vocabulary",
        ),
        (lambda w, xp: np.add.reduce(w), r"numpy\.add\.reduce was called"),
        (
            lambda w, xp: w[0] if w[0] > 0 else -w[0],
            r"no truth value.*use xp\.where\(condition, a, b\) instead of if",
        ),
        (lambda w, xp: max(w[0], w[1]), r"no truth value.*xp\.maximum"),
        (
            lambda w, xp: xp.foo(w),
            r"xp\.foo is not in the traced vocabulary, at line \d+ of <lambda>",
        ),
        (lambda w, xp: xp.sume(w), r"did you mean xp\.sum\?"),
        (
            lambda w, xp: xp.linalg.nrm(w),
            r"xp\.linalg\.nrm is not in the traced vocabulary.*did you mean xp\.linalg\.norm\?",
        ),
        (lambda w, xp: w.sume(), r"a traced array has no attribute \.sume.*did you mean \.sum\?"),
        (
            lambda w, xp: w,
            r"returned an array of shape \(3,\): a claim is about a scalar function; reduce it, "
            r"e\.g\. with xp\.sum",
        ),
        (lambda w, xp: w[0] > 0, r"returned a condition"),
        (lambda w, xp: float(w[0]), r"not a number.*xp\.exp, not math\.exp"),
        (lambda w, xp: math.exp(w[0]), r"not a number.*xp\.exp, not math\.exp"),
        (lambda w, xp: f"{w[0]:.3f}", r"formatting a traced value as a number"),
        (lambda w, xp: range(w[0]), r"used as an integer"),
        (
            lambda w, xp: w[5],
            r"index 5 is out of range for w of shape \(3,\) \(valid: 0\.\.2 or -3\.\.-1\), at line",
        ),
        (lambda w, xp: w[0, 0], r"too many indices for w"),
        (lambda w, xp: w[w[0]], r"used as an integer"),
        (
            lambda w, xp: xp.sum(w + xp.ones(2)),
            r"shape mismatch in '\+': shapes \(3,\) and \(2,\) do not broadcast",
        ),
        (lambda w, xp: xp.ones((2, 2)) @ w, r"shape mismatch in '@'"),
        (lambda w, xp: w == 1, r"'==' on a traced value is not allowed"),
        (lambda w, xp: w != 1, r"'!=' on a traced value is not allowed"),
        (lambda w, xp: w[0] // 2, r"the operator '//'"),
        (lambda w, xp: w[0] % 2, r"the operator '%'"),
        (lambda w, xp: xp.sum(w, axis=(0,)), r"tuple of axes"),
        (
            lambda w, xp: xp.sum(w, foo=1),
            r"xp\.sum\(\): got an unexpected keyword argument 'foo'.*"
            r"its signature is xp\.sum\(a, axis=None, keepdims=False\)",
        ),
        (lambda w, xp: xp.exp(), r"xp\.exp\(\): missing a required argument"),
        (lambda w, xp: xp.sum(w, axis=3), r"axis 3 is out of range"),
        (lambda w, xp: xp.linalg.norm(w, 3), r"ord=3 is not supported"),
        (lambda w, xp: w[0] / 0, r"division by zero in '/'"),
        (lambda w, xp: w[0] + np.nan, r"finite number.*nan"),
        (lambda w, xp: w[0] + np.array([1.0, np.inf, 0.0]), r"holds inf at index \[1\]"),
        (lambda w, xp: w[0] + 1j, r"complex number"),
        (lambda w, xp: w[0] + "a", r"the string 'a' cannot be used as a number"),
        (lambda w, xp: w[0] + object(), r"object .* cannot be combined with traced values"),
        (lambda w, xp: np.asarray(w), r"cannot be turned into a NumPy array.*xp\.asarray"),
        (lambda w, xp: xp.sum(np.array([w[0], w[1]])), r"cannot be turned into a NumPy array"),
        (lambda w, xp: xp.where(w[0], 1, 2), r"where\(\) needs a condition"),
        (lambda w, xp: xp.exp(w[0] > 0), r"a condition \(a comparison\) cannot be used as a value"),
        (
            lambda w, xp: xp.sum(xp.ones((2000, 2000))),
            r"xp\.ones\(\) would have 4000000 entries \(the limit is 1000000\)",
        ),
        (
            lambda w, xp: xp.reshape(w, (2, 2)),
            r"cannot reshape an array of shape \(3,\) into shape \(2, 2\)",
        ),
    ],
)
def test_refusals_name_the_call_and_the_line(fn, pattern) -> None:
    with pytest.raises(ExpressionError, match=pattern):
        traced(fn)


def test_item_assignment_is_refused() -> None:
    def assign(w, xp):
        w[0] = 1
        return xp.sum(w)

    with pytest.raises(ExpressionError, match=r"item assignment.*immutable"):
        traced(assign)


def test_unknown_names_are_still_attribute_errors_for_hasattr() -> None:
    assert not hasattr(XP, "foo")
    assert hasattr(XP, "exp") and hasattr(XP.linalg, "norm")
    array = TracedArray(np.empty(0, dtype=object))
    assert not hasattr(array, "__array_interface__")
    with pytest.raises(TracedAttributeError):
        XP.foo  # noqa: B018
    with pytest.raises(ExpressionError, match="read-only"):
        XP.exp = None
    assert "linalg.norm" in VOCABULARY and {"exp", "log1p", "where", "logaddexp"} <= VOCABULARY
    assert repr(XP) == "<xp: the traced array namespace>"


def test_the_repr_shows_the_formulas() -> None:
    seen = {}

    def look(w, xp):
        seen["w"] = repr(w)
        seen["s"] = repr(xp.sum(w))
        return xp.sum(w)

    traced(look)
    assert seen == {
        "w": "TracedArray(shape=(3,), entries=[w[0], w[1], w[2]])",
        "s": "TracedArray(w[0] + w[1] + w[2])",
    }


def test_a_function_that_catches_a_refusal_is_refused() -> None:
    def sneaky(w, xp):
        try:
            if w[0] > 0:
                return w[0]
        except Exception:
            pass
        return -w[0]  # not what NumPy computes for w[0] > 0

    with pytest.raises(ExpressionError, match=r"caught an error of the tracer.*no truth value"):
        traced(sneaky)

    def probing(w, xp):  # hasattr on a missing attribute is fine: NumPy's has none either
        return w[0] if not hasattr(w, "device_buffer") else w[1]

    assert read(traced(probing)) == w0


def test_an_exception_of_the_function_itself_is_an_argument_error_saying_so() -> None:
    def broken(w, xp):
        return {}["missing"]

    with pytest.raises(
        ArgumentError, match=r"tracing .*broken\(w, xp\): the function raised KeyError"
    ) as info:
        traced(broken)
    assert isinstance(info.value.__cause__, KeyError)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"variables": ["v"]}, r"'v' is not a parameter of .*<lambda>\(w, xp\)"),
        ({"variables": ["w[3]"]}, r"'w\[3\]' is not an entry of w of shape \(3,\)"),
        ({"variables": ["w[0]"], "shapes": {}}, r"'w\[0\]' is an entry of w, which has no shape"),
        ({"data": {"w": [1, 2, 3]}}, r"'w' is data, not a variable"),
        ({"data": {"X": [[1, 2], [3]]}, "fn": lambda w, X, xp: w[0]}, "ragged"),
        ({"data": {"xp": 1}}, "namespace parameter"),
        ({"fn": lambda w, _p, xp: w[0]}, r"parameter '_p' of .* cannot be a symbol of a claim"),
        ({"fn": lambda w, exp, xp: w[0]}, r"parameter 'exp' of .* is a name of the claim language"),
        ({"fn": lambda w, xp: None}, r"returned NoneType None, not a traced scalar"),
    ],
)
def test_arguments_that_do_not_fit_the_function(kwargs, pattern) -> None:
    fn = kwargs.pop("fn", lambda w, xp: xp.sum(w))
    arguments = {"variables": ["w"], "data": None, "shapes": W3, **kwargs}
    with pytest.raises(ArgumentError, match=pattern):
        trace_function(fn, arguments["variables"], arguments["data"], arguments["shapes"])


def test_a_builtin_without_a_signature_is_an_argument_error() -> None:
    with pytest.raises(ArgumentError, match=r"cannot read the parameters|not a parameter"):
        trace_function(max, ["w"], None, W3)


def test_formulas_too_large_for_one_text_are_refused_before_printing() -> None:
    def doubling(x, xp):
        for _ in range(60):  # 60 nodes made, a tree of 2**60 nodes written out
            x = x * x + x
        return x

    with pytest.raises(ExpressionError, match=r"too large for one claim text: more than 100,000"):
        trace_function(doubling, ["x"])


def test_text_size_counts_shared_nodes_once_each_use() -> None:
    leaf = ast.Name(id="x", ctx=ast.Load())
    node = ast.BinOp(left=leaf, op=ast.Add(), right=leaf)
    assert text_size(node, MAX_TEXT_NODES) == 3
    assert claim_text(node, "it") == "x + x"


# ------------------------------------------------------------------ SymPy input


x, y = make_symbol("x"), make_symbol("y")


@pytest.mark.parametrize(
    "expression",
    [
        sympy.log(1 + sympy.exp(-y * (w0 * x + b))),
        x**2 - 3 * y / 5 + 1,
        1 / x,
        y / x**2,
        sympy.sqrt(x + 1) - 1 / sympy.sqrt(y),
        abs(x) + sympy.Max(x, y, 0) - sympy.Min(x, 1),
        sympy.Piecewise((x**2, x < 0), (x, sympy.And(y >= 0, y < 1)), (0, True)),
        sympy.Piecewise((x, sympy.Or(x > 1, sympy.Not(y <= 0))), (-x, True)),
        sympy.pi * x + sympy.E,
        x**y,
        -x,
        -2 * x * y,
        sympy.exp(x) / (1 + sympy.exp(x)),
        x ** sympy.Rational(3, 2) + x ** sympy.Rational(-3, 2) * y,
        sympy.sin(x) * sympy.cos(y) * sympy.tan(x) * sympy.sinh(y) * sympy.cosh(x) * sympy.tanh(y),
        sympy.atan(x) + sympy.erf(y),
        sympy.log(x, 2),
        w0**2 + w2,
    ],
)
def test_sympy_expressions_read_back_to_themselves(expression) -> None:
    tree = sympy_tree(expression)
    text = scalar_text(tree)
    shapes = entry_shapes(tree)
    assert parse_vector_function(text, Space(shapes=shapes)).expression == expression


def test_sympy_floats_are_their_decimals_and_shapes_come_from_entries() -> None:
    tree = sympy_tree(sympy.Float(0.1) * x + w2)
    assert sorted(scalar_text(tree).split(" + ")) == ["1/10*x", "w[2]"]
    assert entry_shapes(tree) == {"w": (3,)}
    assert merge_shapes({"w": (3,)}, {"w": (4,)}, "here") == {"w": (4,)}
    with pytest.raises(ArgumentError, match=r"entries of w beyond the shape \(2,\)"):
        merge_shapes({"w": (3,)}, {"w": (2,)}, "here")


def test_sympy_sign_assumptions_become_domains() -> None:
    p, n = sympy.Symbol("p", positive=True), sympy.Symbol("n", nonpositive=True)
    assert assumed_domains(sympy.log(p) + n + x) == {"p": "positive", "n": "nonpositive"}
    with pytest.raises(ArgumentError, match=r"symbol 'k' has assumptions \(.*integer.*\)"):
        assumed_domains(sympy.Symbol("k", integer=True) + x)


@pytest.mark.parametrize(
    ("expression", "pattern"),
    [
        (sympy.gamma(x), r"gamma \(gamma\(x\)\) is not in the claim language"),
        (sympy.Function("exp")(x), r"the undefined function exp"),
        (sympy.I * x, "ImaginaryUnit"),
        (sympy.oo * x, "the number oo"),
        (sympy.EulerGamma * x, "EulerGamma"),
        (sympy.Piecewise((x, sympy.Eq(x, 1)), (0, True)), r"the condition Eq\(x, 1\)"),
        (sympy.Float(0.1, 30) * x, "bits of precision"),
        (sympy.Eq(x, 1), "expected a SymPy expression"),
        (sympy.Dummy("d") + x, "Dummy symbol"),
    ],
)
def test_sympy_heads_outside_the_language_are_named(expression, pattern) -> None:
    with pytest.raises(ArgumentError, match=pattern):
        sympy_tree(expression)


def test_deep_and_shared_sympy_expressions_cost_no_recursion() -> None:
    deep = x
    for _ in range(3000):
        deep = (sympy.sin if _ % 2 else sympy.cos)(deep, evaluate=False)
    tree = sympy_tree(deep)  # an explicit stack, deeper than Python's recursion limit
    assert scalar_text(tree).count("(") == 3000
    assert isinstance(tree, ast.Call)
    shared = x
    for _ in range(40):
        shared = shared * (shared + 1)
    with pytest.raises(ExpressionError, match="too large for one claim text"):
        claim_text(sympy_tree(shared), "the SymPy expression")
