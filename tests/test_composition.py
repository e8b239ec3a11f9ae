"""The composition rule over the atom table: what it proves, what it refuses."""

from __future__ import annotations

import pytest
import sympy

from convexity_proofs._parser import make_symbol, parse_expression
from convexity_proofs._proof import AtomFact, ContextFact, SignFact
from convexity_proofs._values import NONNEGATIVE, POSITIVE, REAL, interval_domain
from convexity_proofs.provers.composition import Curvature, analyse

x, y, z = (make_symbol(n) for n in "xyz")


def curvature(text: str, variables=(x,), **domains) -> Curvature:
    expr = parse_expression(text)
    box = {s: domains.get(s.name, REAL) for s in expr.free_symbols}
    return analyse(expr, tuple(variables), box).curvature


#: (text, variables, domains, curvature) the composer proves; the checker replays them
#: (tests/test_checker_composition.py).
PROVED = [
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
]


@pytest.mark.parametrize(("text", "variables", "domains", "expected"), PROVED)
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
    assert step is not None and (step.rule, step.conclusion) == ("scaling", "convex")
    (sign,) = step.facts
    assert isinstance(sign, SignFact) and (sign.subject, sign.sign) == (y, "nonnegative")
    assert sign.enclosure.is_nonnegative()
    (child,) = step.children
    assert (child.rule, child.subject, child.conclusion) == ("composition", x**2, "convex")
    assert child.facts == (AtomFact("power", "convex", 0),)


def test_composition_steps_name_atoms_alternatives_and_arguments() -> None:
    expr = parse_expression("max(0, 1 - x)**2")
    step = analyse(expr, (x,), {x: REAL}).step
    assert step is not None and step.rule == "composition" and step.subject == expr
    atoms = step.facts_of(AtomFact)
    assert atoms == [AtomFact("power", "convex", 0), AtomFact("power", "increasing", 0, 0)]
    (sign,) = step.facts_of(SignFact)
    assert (sign.subject, sign.sign) == (sympy.Max(0, 1 - x), "nonnegative")
    (inner,) = step.children
    assert inner.facts == (AtomFact("max", "convex", 0),)
    assert [c.rule for c in inner.children] == ["sum"]
    assert [c.rule for c in inner.children[0].children] == ["affine-scaling"]


def test_domain_and_alternative_conditions_are_sign_facts() -> None:
    expr = parse_expression("sqrt(x*y)")
    step = analyse(expr, (x, y), {x: NONNEGATIVE, y: NONNEGATIVE}).step
    assert step is not None and step.conclusion == "concave"
    assert step.facts_of(AtomFact) == [AtomFact("geo-mean", "concave", 0)]
    assert [(f.subject, f.sign) for f in step.facts_of(SignFact)] == [
        (x, "nonnegative"),
        (y, "nonnegative"),
    ]
    cube = analyse(x**3, (x,), {x: interval_domain(-2, -1)}).step
    assert cube is not None and cube.facts_of(AtomFact) == [AtomFact("power", "concave", 0)]
    assert [(f.subject, f.sign) for f in cube.facts_of(SignFact)] == [(x, "nonpositive")]


def test_perspective_steps_carry_their_context() -> None:
    expr = parse_expression("y*exp(x/y)")
    step = analyse(expr, (x, y), {x: REAL, y: POSITIVE}).step
    assert step is not None and (step.rule, step.conclusion) == ("perspective", "convex")
    (frame,) = step.facts_of(ContextFact)
    (u,) = frame.variables
    assert frame.domains == ((u, REAL),)
    assert [(f.subject, f.sign) for f in step.facts_of(SignFact)] == [(y, "positive")]
    (child,) = step.children
    assert child.subject == sympy.exp(u)


def test_sums_and_affine_scalings() -> None:
    expr = parse_expression("3*x - 2*y + 1")
    step = analyse(expr, (x, y), {x: REAL, y: REAL}).step
    assert step is not None and (step.rule, step.conclusion) == ("sum", "affine")
    assert sorted(c.rule for c in step.children) == ["affine-scaling", "affine-scaling"]
    assert all(c.facts == () for c in step.children)
