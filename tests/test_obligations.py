"""Definedness obligations: the table of restricted heads, the walk, and the carrier that
makes the rigorous evaluators refuse points where the written function is undefined."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy

from convexity_proofs import _numeric
from convexity_proofs._obligations import (
    attach,
    constant_truth,
    guard,
    head_of,
    merge,
    obligation_for,
    obligations_of,
)
from convexity_proofs._parser import make_symbol, parse_function
from convexity_proofs._values import NONNEGATIVE, POSITIVE, REAL, Obligation, interval_domain
from convexity_proofs.kernel import evaluate as _certify
from convexity_proofs.kernel import intervals as _intervals

x, y, z, w, b = (make_symbol(name) for name in ("x", "y", "z", "w", "b"))
Q = Fraction
HALF = sympy.S.Half


def _kinds(obligations: tuple[Obligation, ...]) -> list[tuple[str, sympy.Expr]]:
    return [(ob.kind, ob.argument) for ob in obligations]


# ---------------------------------------------------------------- the table


@pytest.mark.parametrize(
    ("func", "args", "kind", "argument"),
    [
        (sympy.log, (x,), "positive", x),
        (sympy.Pow, (x, HALF), "nonnegative", x),
        (sympy.Pow, (x, sympy.Rational(5, 3)), "nonnegative", x),
        (sympy.Pow, (x, sympy.Rational(-1, 3)), "positive", x),
        (sympy.Pow, (x, sympy.Integer(-1)), "nonzero", x),
        (sympy.Pow, (x - y, sympy.Integer(-4)), "nonzero", x - y),
        (sympy.Pow, (x, y), "positive", x),
        (sympy.Pow, (x, sympy.pi), "positive", x),
        (sympy.Pow, (-x, y**2), "positive", -x),
        (sympy.tan, (x,), "cos-nonzero", x),
    ],
)
def test_restricted_heads(func: type, args: tuple, kind: str, argument: sympy.Expr) -> None:
    ob = obligation_for(func, args)
    assert ob is not None
    assert (ob.kind, ob.argument) == (kind, argument)
    assert ob.subject.func is func and ob.subject.args == tuple(args)
    assert ob.text


@pytest.mark.parametrize(
    ("func", "args"),
    [
        (sympy.exp, (x,)),
        (sympy.sin, (x,)),
        (sympy.cos, (x,)),
        (sympy.sinh, (x,)),
        (sympy.cosh, (x,)),
        (sympy.tanh, (x,)),
        (sympy.atan, (x,)),
        (sympy.erf, (x,)),
        (sympy.Abs, (x,)),
        (sympy.Max, (x, y)),
        (sympy.Min, (x, y)),
        (sympy.Pow, (x, sympy.Integer(3))),
        (sympy.Pow, (x, sympy.Integer(0))),
        (sympy.Pow, (sympy.Integer(2), x)),  # a positive number to any power
        (sympy.Pow, (sympy.E, x)),
        (sympy.Pow, (sympy.pi, x)),
        # defined by construction
        (sympy.log, (1 + sympy.exp(x),)),
        (sympy.log, (sympy.exp(x) + sympy.exp(y),)),
        (sympy.log, (sympy.cosh(x),)),
        (sympy.log, (x**2 + 1,)),
        (sympy.Pow, (1 + sympy.exp(-x), sympy.Integer(-1))),
        (sympy.Pow, (x**2 + y**2, HALF)),
        (sympy.Pow, (sympy.Abs(x), HALF)),
        (sympy.Pow, (x**2 + 1, sympy.Rational(-1, 2))),
        (sympy.Pow, (sympy.exp(x), y)),
    ],
)
def test_heads_defined_on_all_reals(func: type, args: tuple) -> None:
    assert obligation_for(func, args) is None


@pytest.mark.parametrize(
    ("func", "args"),
    [
        (sympy.log, (1 - sympy.exp(x),)),
        (sympy.log, (x**2,)),  # 0 at x = 0
        (sympy.Pow, (x**2, sympy.Integer(-1))),
        (sympy.Pow, (x**2, sympy.Rational(-1, 2))),
        (sympy.Pow, (x**3, HALF)),
        (sympy.Pow, (-(x**2) - 1, HALF)),
    ],
)
def test_not_defined_by_construction(func: type, args: tuple) -> None:
    assert obligation_for(func, args) is not None


def test_the_subject_is_the_head_unevaluated() -> None:
    ob = obligation_for(sympy.Pow, (4 * x, HALF))
    assert ob is not None
    assert ob.subject.args == (4 * x, HALF)  # sqrt(4*x) would evaluate to 2*sqrt(x)
    ob = obligation_for(sympy.log, (sympy.exp(x) - 1,))
    assert ob is not None and isinstance(ob.subject, sympy.log)
    assert obligation_for(sympy.log, (x,), text="log( x )").text == "log( x )"  # type: ignore[union-attr]


def test_describe() -> None:
    texts = [
        obligation_for(func, args).describe()  # type: ignore[union-attr]
        for func, args in [
            (sympy.log, (x,)),
            (sympy.Pow, (x, HALF)),
            (sympy.Pow, (y, sympy.Integer(-1))),
            (sympy.tan, (x,)),
        ]
    ]
    assert texts == ["x > 0", "x >= 0", "y != 0", "cos(x) != 0"]


# ---------------------------------------------------------------- constants


@pytest.mark.parametrize(
    ("func", "args", "truth"),
    [
        (sympy.log, (sympy.Integer(-1),), False),
        (sympy.log, (sympy.Integer(0),), False),
        (sympy.log, (sympy.sqrt(2) - 1,), True),
        (sympy.log, (sympy.pi - sympy.Rational(355, 113),), False),  # -2.7e-7: balls decide
        (sympy.log, (sympy.Rational(355, 113) - sympy.pi,), True),
        (sympy.Pow, (sympy.Integer(-8), sympy.Rational(1, 3)), False),
        (sympy.Pow, (1 - sympy.sqrt(2), HALF), False),
        (sympy.Pow, (sympy.sqrt(3) - sympy.sqrt(2), sympy.Rational(1, 3)), True),
        (sympy.Pow, (sympy.Integer(0), -HALF), False),
        (sympy.Pow, (sympy.Integer(0), sympy.Integer(-1)), False),
        (sympy.Pow, (sympy.sqrt(2) - 1, sympy.Integer(-1)), True),
        (sympy.Pow, (sympy.Integer(-2), x), False),
        (sympy.tan, (sympy.pi / 2,), False),
        (sympy.tan, (3 * sympy.pi / 2,), False),
        (sympy.tan, (sympy.pi / 3,), True),
        (sympy.tan, (sympy.Integer(1),), True),
    ],
)
def test_constant_obligations_are_decided_only_when_certain(
    func: type, args: tuple, truth: bool
) -> None:
    ob = obligation_for(func, args)
    assert ob is not None
    assert constant_truth(ob) is truth


def test_an_undecidable_constant_stays_undecided() -> None:
    # A zero SymPy does not see: the balls enclose 0 at every precision.
    hidden_zero = sympy.Add(sympy.sqrt(2) * sympy.sqrt(3), -sympy.sqrt(6), evaluate=False)
    ob = obligation_for(sympy.Pow, (hidden_zero, sympy.Integer(-1)))
    assert ob is not None
    assert constant_truth(ob) is None
    ob = obligation_for(sympy.log, (hidden_zero,))
    assert ob is not None
    assert constant_truth(ob) is None


# ---------------------------------------------------------------- combining


def test_merge_deduplicates_by_subject_in_first_seen_order() -> None:
    a = obligation_for(sympy.log, (x,), text="log(x)")
    a2 = obligation_for(sympy.log, (x,), text="log( x )")
    c = obligation_for(sympy.Pow, (y, sympy.Integer(-1)))
    assert merge([(a,), (c, a2), ()]) == (a, c)  # type: ignore[arg-type]
    assert merge([(), ()]) == ()


def test_guard() -> None:
    a = obligation_for(sympy.log, (x,))
    c = obligation_for(sympy.Pow, (y, sympy.Integer(-1)))
    assert a is not None and c is not None
    # Piecewise((log(x), x > 1), (1/y, True)) with the condition's own obligation none.
    first, second = guard([x > 1, sympy.true], [(a,), (c,)], [(), ()])
    assert first.subject == sympy.Piecewise((a.subject, x > 1), (0, True), evaluate=False)
    assert second.subject == sympy.Piecewise((0, x > 1), (c.subject, True), evaluate=False)
    assert head_of(first.subject) == a.subject and head_of(second.subject) == c.subject
    assert (first.kind, first.argument) == (a.kind, a.argument)
    # an obligation of the second condition binds where the first is false
    (only,) = guard([x > 1, y > 0, sympy.true], [(), (), ()], [(), (a,), ()])
    assert only.subject == sympy.Piecewise((0, x > 1), (a.subject, True), evaluate=False)


# ---------------------------------------------------------------- the walk


def test_obligations_of_a_built_expression() -> None:
    expr = sympy.log(x) + 1 / y + x * sympy.log(x) + sympy.sqrt(z) + sympy.tan(w)
    assert sorted(_kinds(obligations_of(expr)), key=str) == sorted(
        [("positive", x), ("nonzero", y), ("nonnegative", z), ("cos-nonzero", w)], key=str
    )
    assert obligations_of(expr) == obligations_of(expr)  # deterministic


def test_obligations_of_model_like_losses() -> None:
    score = w * x + b
    logistic = sympy.log(1 + sympy.exp(-y * score))
    assert obligations_of(logistic) == ()
    softmax = sympy.log(sympy.exp(w) + sympy.exp(b) + sympy.exp(z)) - w
    assert obligations_of(softmax) == ()
    sigmoid = 1 / (1 + sympy.exp(-score))
    cross_entropy = -y * sympy.log(sigmoid) - (1 - y) * sympy.log(1 - sigmoid)
    (ob,) = obligations_of(cross_entropy)
    assert (ob.kind, ob.argument) == ("positive", 1 - sigmoid)
    network = (y - w * sympy.tanh(b * x) - z * sympy.Max(0, x)) ** 2
    assert obligations_of(network) == ()
    rbf = (y - w * sympy.exp(-((x - b) ** 2) / z**2)) ** 2
    assert _kinds(obligations_of(rbf)) == [("nonzero", z)]  # SymPy writes 1/z**2 as z**-2


def test_obligations_of_agrees_with_the_parser() -> None:
    for text in (
        "x*log(x/y) + 1/(1 - z)",
        "Piecewise((log(x), x > 0), (1/x, x < -1), (sqrt(-x), True))",
        "Piecewise((x, log(x) > 0), (y, 1/y > 1), (0, True))",
    ):
        parsed = parse_function(text)
        walked = {(ob.kind, ob.argument, ob.subject) for ob in obligations_of(parsed.expression)}
        assert walked == {(ob.kind, ob.argument, ob.subject) for ob in parsed.obligations}, text


def test_obligations_of_drops_constants_that_hold_and_keeps_the_rest() -> None:
    assert obligations_of(x * sympy.log(2) + 1 / sympy.pi + sympy.sqrt(3) * x) == ()
    (ob,) = obligations_of(x * sympy.log(sympy.Rational(-1, 2), evaluate=False))
    assert (ob.kind, ob.argument) == ("positive", sympy.Rational(-1, 2))


def test_constants_that_hold_by_construction_have_no_obligation() -> None:
    for func, args in [
        (sympy.log, (sympy.Integer(3),)),
        (sympy.Pow, (sympy.Integer(0), HALF)),
        (sympy.Pow, (sympy.pi, x)),
    ]:
        assert obligation_for(func, args) is None


def test_obligations_of_deep_expressions_does_not_recurse() -> None:
    u: sympy.Expr = x
    for _ in range(1500):
        u = sympy.log(u + 2, evaluate=False)
    obligations = obligations_of(u)
    assert len(obligations) == 1500
    assert obligations[0].argument == x + 2  # innermost first
    assert all(len(ob.text) < 100 for ob in obligations)


# ---------------------------------------------------------------- the carrier


def _carrier(text: str) -> tuple[sympy.Expr, sympy.Expr]:
    parsed = parse_function(text)
    return parsed.expression, attach(parsed.expression, parsed.obligations)


def test_attach_without_obligations_is_the_function_itself() -> None:
    f = x**2 + y
    assert attach(f, ()) is f


def test_the_carrier_is_undefined_exactly_where_an_obligation_fails() -> None:
    f, carrier = _carrier("log(x) - log(x) + x**2")
    assert f == x**2
    assert carrier.has(sympy.log)
    assert _certify.ball_value(carrier, {x: Q(-1)}, 64).is_nan()
    assert _certify.ball_value(carrier, {x: Q(0)}, 64).is_nan()
    value = _certify.ball_value(carrier, {x: Q(3)}, 64)
    assert value.contains(9) and value.rad() == 0
    assert _certify.ball_value(f, {x: Q(-1)}, 64).contains(1)  # the bare f would accept it


@pytest.mark.parametrize(
    ("text", "bad", "good"),
    [
        ("exp(log(x))", Q(-2), Q(2)),
        ("x**2/x", Q(0), Q(1)),
        ("(sqrt(x)**2)**3", Q(-1), Q(1, 4)),
        ("(x**(1/3))**3", Q(-8), Q(8)),
        ("E**log(x)", Q(0), Q(5)),
        ("x*tan(x)", None, Q(1)),
    ],
)
def test_carriers_of_the_measured_cases(text: str, bad: Fraction | None, good: Fraction) -> None:
    f, carrier = _carrier(text)
    if bad is not None:
        assert _certify.ball_value(carrier, {x: bad}, 64).is_nan()
    expected = _certify.ball_value(f, {x: good}, 128)
    assert _certify.ball_value(carrier, {x: good}, 128).overlaps(expected)


def test_the_certifier_refuses_curvature_and_segments_where_undefined() -> None:
    _, carrier = _carrier("log(x) - log(x) + x**2")
    assert _certify.decide_curvature(carrier, {x: Q(-1)}, {x: Q(1)}, {}) is None
    curvature = _certify.decide_curvature(carrier, {x: Q(2)}, {x: Q(1)}, {})
    assert curvature is not None and curvature.sign == 1
    assert _certify.defined_on_segment(carrier, {x: Q(-1)}, {x: Q(2)}, {}) is False
    assert _certify.defined_on_segment(carrier, {x: Q(1)}, {x: Q(2)}, {}) is True
    assert _certify.decide_segment(carrier, {x: Q(-1)}, {x: Q(2)}, Q(1, 2), {}) is None
    decided = _certify.decide_segment(carrier, {x: Q(1)}, {x: Q(3)}, Q(1, 2), {})
    assert decided is not None and decided.relation == "<"


def test_the_carrier_with_parameters_and_guards() -> None:
    parsed = parse_function("Piecewise((log(x), y > 0), (x**2, True))")
    carrier = attach(parsed.expression, parsed.obligations)
    # log(x) binds only where its branch is taken
    assert _certify.ball_value(carrier, {x: Q(-1), y: Q(-1)}, 64).contains(1)
    assert _certify.ball_value(carrier, {x: Q(-1), y: Q(1)}, 64).is_nan()
    assert _certify.decide_curvature(carrier, {x: Q(-1)}, {x: Q(1)}, {y: Q(-1)}) is not None
    assert _certify.decide_curvature(carrier, {x: Q(-1)}, {x: Q(1)}, {y: Q(1)}) is None


def test_interval_arithmetic_proves_obligations_on_domains() -> None:
    (log_x,) = parse_function("log(x) - log(x) + x**2").obligations
    assert _intervals.defined(log_x.subject, {x: POSITIVE}) is True
    assert _intervals.defined(log_x.subject, {x: REAL}) is None
    assert _intervals.defined(log_x.subject, {x: NONNEGATIVE}) is None
    (root,) = parse_function("(sqrt(x)**2)**3").obligations
    assert _intervals.defined(root.subject, {x: NONNEGATIVE}) is True
    assert _intervals.defined(root.subject, {x: interval_domain(Q(-1), Q(1))}) is None
    (divisor,) = parse_function("x**2/x").obligations
    assert _intervals.defined(divisor.subject, {x: POSITIVE}) is True
    assert _intervals.defined(divisor.subject, {x: NONNEGATIVE}) is None
    # a guarded obligation holds wherever its branch is never taken
    pieces = parse_function("Piecewise((log(x), x > 0), (1/x, x < -1), (sqrt(-x), True))")
    for ob in pieces.obligations:
        assert _intervals.defined(ob.subject, {x: REAL}) is True


def test_the_numeric_search_accepts_the_carrier() -> None:
    _, carrier = _carrier("log(x) - log(x) + x**2 + 1/y")
    program = _numeric.compile_program(carrier, [x, y])
    assert program is not None
    values = program.values(np.array([[-1.0, 1.0], [2.0, 1.0], [2.0, 0.0]]))
    assert np.isnan(values[0]) and values[1] == pytest.approx(5.0) and not np.isfinite(values[2])
    value, first, second = program.jets(np.array([[2.0, 1.0]]), np.array([[1.0, 0.0]]))
    assert (value[0], first[0], second[0]) == pytest.approx((5.0, 4.0, 2.0))
