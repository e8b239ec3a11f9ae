"""The composition rule over the atom table: what it proves, what it refuses."""

from __future__ import annotations

import pytest

from convexity_proofs._parser import make_symbol, parse_expression
from convexity_proofs._values import NONNEGATIVE, POSITIVE, REAL, interval_domain
from convexity_proofs.provers.composition import Curvature, analyse

x, y, z = (make_symbol(n) for n in "xyz")


def curvature(text: str, variables=(x,), **domains) -> Curvature:
    expr = parse_expression(text)
    box = {s: domains.get(s.name, REAL) for s in expr.free_symbols}
    return analyse(expr, tuple(variables), box).curvature


@pytest.mark.parametrize(
    ("text", "variables", "domains", "expected"),
    [
        ("log(1 + exp(x))", (x,), {}, Curvature.CONVEX),
        ("log(exp(x) + exp(y))", (x, y), {}, Curvature.CONVEX),
        ("log(2 + 3*exp(x) + exp(y))", (x, y), {}, Curvature.CONVEX),
        ("x**2/y", (x, y), {"y": POSITIVE}, Curvature.CONVEX),
        ("x*log(x)", (x,), {"x": POSITIVE}, Curvature.CONVEX),
        ("x*log(x/y)", (x, y), {"x": POSITIVE, "y": POSITIVE}, Curvature.CONVEX),
        ("sqrt(x**2 + y**2)", (x, y), {}, Curvature.CONVEX),
        ("sqrt(x*y)", (x, y), {"x": NONNEGATIVE, "y": NONNEGATIVE}, Curvature.CONCAVE),
        ("log(cosh(x - 1))", (x,), {}, Curvature.CONVEX),
        ("max(0, 1 - x)**2", (x,), {}, Curvature.CONVEX),
        ("x**3", (x,), {"x": NONNEGATIVE}, Curvature.CONVEX),
        ("x**3", (x,), {"x": interval_domain(-2, -1)}, Curvature.CONCAVE),
        ("-log(x)", (x,), {"x": POSITIVE}, Curvature.CONVEX),
        ("3*x - 2*y + 1", (x, y), {}, Curvature.AFFINE),
        ("y*x", (x,), {}, Curvature.AFFINE),  # y is a parameter: affine in x for every y
        ("y*x**2", (x,), {"y": NONNEGATIVE}, Curvature.CONVEX),
        ("tanh(x)", (x,), {"x": NONNEGATIVE}, Curvature.CONCAVE),
        ("log(sigmoid(x))", (x,), {}, Curvature.CONCAVE),
        ("y*exp(x/y)", (x, y), {"y": POSITIVE}, Curvature.CONVEX),  # perspective of exp
        ("y*log(x/y)", (x, y), {"x": POSITIVE, "y": POSITIVE}, Curvature.CONCAVE),
        ("y*log(1 + exp(x/y))", (x, y), {"y": POSITIVE}, Curvature.CONVEX),
        ("log(1 - sigmoid(x))", (x,), {}, Curvature.CONCAVE),
        (
            "-y*log(sigmoid(x)) - (1 - y)*log(1 - sigmoid(x))",
            (x,),
            {"y": interval_domain(0, 1)},
            Curvature.CONVEX,
        ),
    ],
)
def test_proves(text, variables, domains, expected) -> None:
    named = {k: v for k, v in domains.items()}
    assert curvature(text, variables, **named) is expected


@pytest.mark.parametrize(
    ("text", "variables", "domains"),
    [
        ("x**3", (x,), {}),  # neither on the whole line
        ("y*x**2", (x,), {}),  # the sign of y is not fixed
        ("log(x)", (x,), {}),  # undefined for x <= 0: no proof on the real line
        ("sqrt(x*y)", (x, y), {}),  # undefined where x*y < 0
        ("x*y", (x, y), {}),
        ("tanh(x)", (x,), {}),
        ("exp(x) - x**2", (x,), {}),
        ("1/(1 + exp(-x))", (x,), {}),  # the sigmoid is neither
        ("-y*log(sigmoid(x))", (x,), {}),  # y may be negative: no proof
        ("y*exp(x/y)", (x, y), {}),  # the perspective needs y > 0
        ("y*sin(x/y)", (x, y), {"y": POSITIVE}),  # sin is neither: no perspective proof
        ("y*log(x/y)", (x, y), {"y": POSITIVE}),  # log needs x/y > 0
    ],
)
def test_refuses_to_prove(text, variables, domains) -> None:
    assert curvature(text, variables, **domains) in (Curvature.UNKNOWN,)


def test_unknown_names_the_culprit() -> None:
    expr = parse_expression("exp(x) + x*y")
    result = analyse(expr, (x, y), {x: REAL, y: REAL})
    assert result.curvature is Curvature.UNKNOWN
    assert result.culprit == x * y
    assert "product" in result.why


def test_proof_steps_record_side_conditions() -> None:
    expr = parse_expression("y*x**2")
    result = analyse(expr, (x,), {x: REAL, y: NONNEGATIVE})
    step = result.step
    assert step is not None and step.rule == "nonnegative scaling"
    assert any("y is nonnegative" in c.statement for c in step.conditions)
    assert all(c.established_by for c in step.conditions)
