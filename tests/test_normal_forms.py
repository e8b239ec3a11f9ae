"""Normal forms for the composition rules (issue 12), and strict convexity by blocks.

The registry rows (power-product, exp-power-product, abs-power, quad-over-negative,
the folded constants of log-sum-exp), the composer's product rewrites (combined
exponentials, a distributed sum factor) and regrouped sums, and the
strictly-convex-blocks prover: what they recognise, what they conclude, and that each
proof replays in the checker.  Soundness on random power products: inside the rule's
regions the engine proves the curvature (checked at random points by SymPy + mpmath,
independently of the kernel) and never refutes it; outside, the rule never names the
product an atom and nothing proves what the independent check contradicts.
"""

from __future__ import annotations

import os
import random
from fractions import Fraction

import pytest
import sympy

from convexity_proofs import check
from convexity_proofs._parser import make_symbol, parse_expression
from convexity_proofs._proof import AtomFact, ContextFact, ProofStep
from convexity_proofs._values import NEGATIVE, POSITIVE, REAL, Status, interval_domain
from convexity_proofs.checker import normal_forms as _replays  # noqa: F401  (registers)
from convexity_proofs.checker._core import Checker, Context
from convexity_proofs.functions import power_product, recognise_all
from convexity_proofs.functions.logsumexp import arguments as lse_arguments
from convexity_proofs.functions.logsumexp import positive_constant
from convexity_proofs.provers import second_order, strict_blocks
from convexity_proofs.provers.composition import Curvature, analyse
from convexity_proofs.provers.normal_forms import blockings

x, y, z = (make_symbol(n) for n in "xyz")
ORTHANT = {"x": "positive", "y": "positive", "z": "positive"}


def rules(step: ProofStep) -> set[str]:
    out = {step.rule}
    for child in step.children:
        out |= rules(child)
    return out


def atoms(step: ProofStep) -> set[str]:
    out = {f.atom for f in step.facts if isinstance(f, AtomFact)}
    for child in step.children:
        out |= atoms(child)
    return out


def composed(text: str, variables=(x, y), **domains):
    expr = parse_expression(text)
    box = {s: domains.get(s.name, REAL) for s in expr.free_symbols}
    result = analyse(expr, tuple(variables), box)
    if result.step is not None:
        context = Context(tuple(variables), box)
        assert Checker().check(result.step, context) == result.step.conclusion
    return result


def keys(text: str) -> list[str]:
    return [e.key for e, _, _ in recognise_all(parse_expression(text), lambda e: True)]


# --- the recognisers ------------------------------------------------------------------


def test_products_of_exponentials_are_combined() -> None:
    result = composed("exp(x)*exp(y)")
    assert result.curvature is Curvature.CONVEX
    assert result.step.rule == "combined-exponentials"
    assert result.step.children[0].subject == sympy.exp(x + y)
    # the exponents are added, so what cancels does not matter
    text = "exp(3*x**2 + 3*x + 3)*exp(x**2 + x + 3)*exp(-7*x**2/2 - 3*x - 11/2)"
    assert composed(text, (x,)).curvature is Curvature.CONVEX
    assert composed("exp(x**2)*exp(y)").curvature is Curvature.CONVEX
    assert composed("exp(-x**2)*exp(y)").curvature is Curvature.UNKNOWN
    assert composed("2*exp(x)*exp(-y)").curvature is Curvature.CONVEX  # scaled
    assert composed("-exp(x)*exp(-y)").curvature is Curvature.CONCAVE
    # with other factors: exp(x)*exp(y)*x is exp(x + y)*x, not settled
    assert composed("x*exp(x)*exp(y)").curvature is Curvature.UNKNOWN


def test_sum_factors_are_distributed() -> None:
    result = composed("(x**2 + y**2)/z", (x, y, z), z=NEGATIVE)
    assert result.curvature is Curvature.CONCAVE and result.step.rule == "distributed-product"
    result = composed("((x + y)**2 + x**2)/(z - 1)", (x, y, z), z=interval_domain(2, 5))
    assert result.curvature is Curvature.CONVEX
    assert composed("exp(x)*(1 + exp(y))").curvature is Curvature.CONVEX
    assert composed("(x**2 + y**2)/z", (x, y, z)).curvature is Curvature.UNKNOWN  # z's sign
    assert composed("x*(x + y)").curvature is Curvature.UNKNOWN
    # the perspective rule comes first: y*exp(x/y) is not distributed
    result = composed("y*(exp(x/y) + 1)", y=POSITIVE)
    assert result.curvature is Curvature.CONVEX


@pytest.mark.parametrize(
    ("exponents", "expected"),
    [
        (("1/2", "1/2"), "concave"),
        (("1/3", "1/3", "1/3"), "concave"),
        (("1/4", "1/2"), "concave"),
        (("1/2", "2/3"), None),  # sum > 1
        (("-1", "-1"), "convex"),
        (("-1/2", "-3"), "convex"),
        (("3/2", "-1/4"), "convex"),
        (("3/2", "-1/5", "-1/5"), "convex"),
        (("3/2", "-1/5", "-2/5"), None),  # sum < 1
        (("1", "-1"), None),  # x/y
        (("1", "1"), None),  # x*y
        (("2", "2"), None),
        (("1/2", "3/2", "-1"), None),  # two positive exponents
        (("2", "-1"), "convex"),  # quad-over-lin's shape
        (("1", "-1/2", "1/2"), None),
    ],
)
def test_power_product_regions(exponents, expected) -> None:
    assert power_product.region(tuple(Fraction(a) for a in exponents)) == expected


def test_power_products_are_atoms_only_in_their_regions() -> None:
    assert keys("x**(3/2)*y**(-1/4)") == ["power-product"]
    assert keys("x**(1/3)*y**(1/3)*z**(1/3)") == ["power-product"]
    assert keys("sqrt(x)*sqrt(y)") == ["power-product"]
    assert keys("x*y") == [] and keys("x/y") == [] and keys("x**2*y**2") == []
    assert keys("2*sqrt(x)*sqrt(y)") == []  # a constant factor is scaling
    row = power_product.power_product_row((Fraction(3, 2), Fraction(-1, 4)))
    assert row is not None and row.domain == ((0, "nonnegative"), (1, "positive"))
    assert row.monotone("increasing", 0) and row.monotone("decreasing", 1)
    assert row.monotone("strictly-decreasing", 1) == (((0, "positive"),),)
    assert power_product.power_product_row((Fraction(1), Fraction(1))) is None


@pytest.mark.parametrize(
    ("text", "variables", "curvature"),
    [
        ("x**(1/3)*y**(1/3)*z**(1/3)", (x, y, z), Curvature.CONCAVE),
        ("x**(3/2)*y**(-1/4)", (x, y), Curvature.CONVEX),
        ("x**(3/2)*y**(-1/5)*z**(-1/5)", (x, y, z), Curvature.CONVEX),
        ("1/(x*y*z)", (x, y, z), Curvature.CONVEX),
        ("x**3/y**2", (x, y), Curvature.CONVEX),
        ("sqrt(x)*sqrt(y) + log(x)", (x, y), Curvature.CONCAVE),
        # DCP: concave positive arguments of a concave nondecreasing product
        ("sqrt(log(x))*sqrt(y)", (x, y), Curvature.UNKNOWN),  # log(x) not >= 0 on x > 0
        ("sqrt(x + 1)*sqrt(sqrt(y))", (x, y), Curvature.CONCAVE),
        # a convex argument where the product must decrease: no rule
        ("x**(3/2)*(y**2 + 1)**(-1/4)", (x, y), Curvature.UNKNOWN),
        ("x**(3/2)*(sqrt(y) + 1)**(-1/4)", (x, y), Curvature.CONVEX),
    ],
)
def test_power_products_compose(text, variables, curvature) -> None:
    result = composed(text, variables, **{v.name: POSITIVE for v in variables})
    assert result.curvature is curvature, result.why
    if curvature is not Curvature.UNKNOWN:
        assert "power-product" in atoms(result.step)


def test_power_products_need_the_orthant() -> None:
    assert composed("x**(3/2)*y**(-1/4)").curvature is Curvature.UNKNOWN  # x, y real
    half = {"x": interval_domain(-1, 1), "y": POSITIVE}
    assert composed("x**(3/2)*y**(-1/4)", **half).curvature is Curvature.UNKNOWN


def test_exponentials_times_negative_powers() -> None:
    orthant = {"x": POSITIVE, "y": POSITIVE, "z": POSITIVE}
    for text in ("exp(y)/x**2", "exp(x + y)/(x*y)", "exp(x)*exp(y)/sqrt(z)", "exp(x)/(x + 1)"):
        assert keys(text)[0] == "exp-power-product", text
        result = composed(text, (x, y, z), **orthant)
        assert result.curvature is Curvature.CONVEX, text
        assert "exp-power-product" in atoms(result.step), text
    # a positive power: not log-convex in general (exp(y)*x**2 is not convex)
    assert "exp-power-product" not in keys("exp(y)*x**2")
    assert composed("exp(y)*x**2", (x, y), **orthant).curvature is Curvature.UNKNOWN
    # a concave exponent, or a base not shown positive
    assert composed("exp(-x**2)/y", (x, y), **orthant).curvature is Curvature.UNKNOWN
    assert composed("exp(x)/y", (x, y)).curvature is Curvature.UNKNOWN


def test_powers_of_absolute_values() -> None:
    for text in ("abs(x)**3", "abs(x)**5", "abs(x - y)**3", "abs(y - x)**3", "(x**2)**(3/2)"):
        assert keys(text) == ["abs-power"], text
        result = composed(text)
        assert result.curvature is Curvature.CONVEX and "abs-power" in atoms(result.step), text
    assert keys("x**3*Abs(x)") == []  # odd: x*|x|**3 is not |x|**4
    assert keys("x**2*Abs(y)") == []
    assert composed("abs(x**2 - 1)**3").curvature is Curvature.UNKNOWN  # |u| of a non-affine u
    assert composed("abs(x)**3 + abs(y)**5").curvature is Curvature.CONVEX


def test_quad_over_lin_with_a_negative_denominator() -> None:
    assert keys("y**2/x") == ["quad-over-lin", "quad-over-negative", "power-product"]
    result = composed("y**2/x", x=NEGATIVE)
    assert result.curvature is Curvature.CONCAVE and atoms(result.step) == {"quad-over-negative"}
    result = composed("y**2/x", x=POSITIVE)
    assert result.curvature is Curvature.CONVEX and atoms(result.step) == {"quad-over-lin"}
    assert composed("y**2/x").curvature is Curvature.UNKNOWN
    result = composed("(x + 1)**2/(y - 3)", y=interval_domain(-5, 2))
    assert result.curvature is Curvature.CONCAVE
    # the composition rule in u: concave needs u**2/v nondecreasing (u <= 0) for a concave u
    assert composed("sqrt(x)**2/y", x=POSITIVE, y=NEGATIVE).curvature is Curvature.UNKNOWN


def test_positive_constants_fold_into_log_sum_exp() -> None:
    for c in ("2", "sqrt(2)", "pi", "E", "1 + sqrt(3)", "2**(1/3)*pi", "exp(2)"):
        assert positive_constant(parse_expression(c)), c
    for c in ("-1", "1 - sqrt(2)", "log(2)", "0"):
        assert not positive_constant(parse_expression(c)), c
    cases = {
        "log(exp(x) + exp(y) + 1)": (x, y, 0),
        "log(sqrt(2)*exp(x) + exp(y))": (x, y),
        "log(pi + exp(x) + E*exp(y))": (x, y, 0),
        "log(exp(x)*exp(y) + exp(z))": (x + y, z),
        "log(3*exp(x)*exp(-y) + 2)": (x - y, 0),
    }
    for text, args in cases.items():
        found = lse_arguments(parse_expression(text))
        assert found is not None and sorted(map(str, found)) == sorted(map(str, args)), text
        assert composed(text, (x, y, z)).curvature is Curvature.CONVEX, text
    assert lse_arguments(parse_expression("log(exp(x) - sqrt(2))")) is None
    assert lse_arguments(parse_expression("log(log(2)*exp(x) + exp(y))")) is None


# --- regrouped sums -------------------------------------------------------------------


def test_polynomial_parts_are_collected() -> None:
    result = composed("(x + y)**2 - x**2 - 2*x*y + exp(y)")
    assert result.curvature is Curvature.CONVEX
    assert result.step.rule == "regrouped-sum"
    assert {c.subject for c in result.step.children} >= {y**2}
    # everything cancels to an affine part
    result = composed("(x + y)**2 - x**2 - 2*x*y - y**2 + x + exp(y)")
    assert result.curvature is Curvature.CONVEX and result.step.rule == "regrouped-sum"
    # a non-convex polynomial part stays unknown
    assert composed("(x + y)**2 - x**2 - 4*x*y + exp(y)").curvature is Curvature.UNKNOWN


def quadratic(sub: sympy.Expr, own: tuple[sympy.Symbol, ...]):
    """A composer fallback: the constant-Hessian prover (convex or concave)."""
    from dataclasses import replace

    from convexity_proofs._strategies import signed_step
    from convexity_proofs.provers.composition import Analysis

    for sign, curvature in ((1, Curvature.CONVEX), (-1, Curvature.CONCAVE)):
        result = second_order.quadratic(sign * sub, own, {})
        if result is not None and result.convex is True:
            step = replace(result.step, conclusion="convex")
            return Analysis(curvature, signed_step(step, sign, sub))
    return None


def test_blocks_use_the_fallback_as_a_whole() -> None:
    from convexity_proofs._values import Domain

    expr = parse_expression("x**2 + x*y + y**2 + exp(x)")
    box: dict[sympy.Symbol, Domain] = {x: REAL, y: REAL}
    assert analyse(expr, (x, y), box).curvature is Curvature.UNKNOWN  # no fallback
    result = analyse(expr, (x, y), box, quadratic)
    assert result.curvature is Curvature.CONVEX and result.step.rule == "regrouped-sum"
    assert "constant-hessian" in rules(result.step)
    assert Checker().check(result.step, Context((x, y), box)) == "convex"


def test_blockings() -> None:
    variables = frozenset({x, y})
    expr = parse_expression("x**2 + y**2 + exp(x) + log(1 + exp(y)) + 3")
    softplus = sympy.log(1 + sympy.exp(y))
    as_sets = [[set(b) for b in blocks] for blocks in blockings(expr, variables)]
    assert as_sets == [
        [{x**2, y**2}, {sympy.exp(x)}, {softplus}],  # the polynomial part as one block
        [{x**2, sympy.exp(x)}, {y**2, softplus}],  # by variables
    ]
    # with the trivial blocking (the strict prover's): the terms one by one come last
    trivial = blockings(expr, variables, trivial=True)
    assert [set(b) for b in trivial[-1]] == [{x**2}, {y**2}, {sympy.exp(x)}, {softplus}]
    # one block that is the whole sum is never offered, unless collecting cancelled terms
    assert blockings(parse_expression("x**2 + exp(x)"), frozenset({x})) == []
    cancelled = parse_expression("(x + y)**2 - x**2 - 2*x*y + y")
    first = blockings(cancelled, variables)[0]
    assert [set(b) for b in first] == [{y**2, y}]


# --- strict convexity by blocks ---------------------------------------------------------


def strict(text: str, variables=(x, y), **domains) -> ProofStep | None:
    expr = parse_expression(text)
    box = {s: domains.get(s.name, REAL) for s in expr.free_symbols}
    provers = strict_blocks.strict_provers()
    step = strict_blocks.prove(expr, tuple(variables), box, provers)
    if step is not None:
        assert Checker().check(step, Context(tuple(variables), box)) == "strictly-convex"
    return step


def test_a_separable_sum_is_strictly_convex() -> None:
    step = strict("x**2 + y**2 + exp(x)")
    assert step is not None and step.rule == "strictly-convex-blocks"
    covered = {v for f in step.facts_of(ContextFact) for v in f.variables}
    assert covered == {x, y}
    step = strict("exp(x) + exp(y) + log(1 + exp(x + y))")
    assert step is not None and len(step.facts) == 2
    seven = " + ".join(f"x{i}**2" for i in range(1, 8)) + " + exp(x1 + x2)"
    names = tuple(make_symbol(f"x{i}") for i in range(1, 8))
    step = strict(seven, names)
    assert step is not None
    step = strict("x**2 + log(x) + y**2", x=interval_domain(1, 10))
    assert step is not None


def test_no_strictness_without_a_cover() -> None:
    assert strict("exp(x) + y") is None
    assert strict("x**2 + exp(x)", (x, y)) is None  # y is not covered (nor involved)
    assert strict("x**2 + exp(x) + abs(y)") is None  # abs(y) is convex, not strictly
    assert strict("x**2 + y**2 - exp(x)") is None  # not convex


def test_the_engine_decides_the_examples() -> None:
    cases = [
        ("exp(x)*exp(y)", ["x", "y"], {}, "convex", Status.PROVED),
        ("x**(1/3)*y**(1/3)*z**(1/3)", ["x", "y", "z"], ORTHANT, "concave", Status.PROVED),
        ("x**(3/2)*y**(-1/4)", ["x", "y"], ORTHANT, "convex", Status.PROVED),
        ("x**2 + y**2 + exp(x)", ["x", "y"], {}, "strictly-convex", Status.PROVED),
        ("abs(x)**3", ["x"], {}, "convex", Status.PROVED),
        ("(x + y)**2 - x**2 - 2*x*y + exp(y)", ["x", "y"], {}, "convex", Status.PROVED),
        ("y**2/x", ["x", "y"], {"x": "negative"}, "concave", Status.PROVED),
        ("log(sqrt(2)*exp(x) + pi + exp(y))", ["x", "y"], {}, "convex", Status.PROVED),
    ]
    for text, variables, domain, prop, status in cases:
        domain = {k: v for k, v in domain.items() if k in variables}
        verdict = check(text, variables, prop, domain=domain, timeout=20)
        assert verdict.status is status, (text, verdict.status)


# --- soundness on random power products --------------------------------------------------

EXPONENTS = [
    Fraction(a)
    for a in (
        "-3",
        "-2",
        "-3/2",
        "-1",
        "-1/2",
        "-1/3",
        "-1/4",
        "-1/5",
        "1/5",
        "1/4",
        "1/3",
        "1/2",
        "2/3",
        "3/4",
        "1",
        "4/3",
        "3/2",
        "2",
        "5/2",
        "3",
    )
]
BUDGET = int(os.environ.get("CONVEXITY_FUZZ_EXAMPLES", "0")) or 16
DIGITS = 40


def _product(exponents: tuple[Fraction, ...]) -> tuple[sympy.Expr, tuple[sympy.Symbol, ...]]:
    symbols = (x, y, z)[: len(exponents)]
    expr = sympy.Mul(
        *(
            s ** sympy.Rational(a.numerator, a.denominator)
            for s, a in zip(symbols, exponents, strict=True)
        )
    )
    return expr, symbols


def _independent_bends(expr: sympy.Expr, symbols, rng: random.Random, samples: int = 8) -> set[int]:
    """Signs of the second directional derivative at random points of the open orthant
    (SymPy's exact Hessian, evaluated by mpmath at 40 digits): -1, 0 or 1 as seen."""
    import mpmath

    hessian = sympy.hessian(expr, symbols)
    evaluate = sympy.lambdify(symbols, hessian, modules="mpmath")
    seen: set[int] = set()
    with mpmath.workdps(DIGITS):
        for _ in range(samples):
            point = [mpmath.mpf(rng.randint(1, 40)) / rng.randint(1, 8) for _ in symbols]
            d = [mpmath.mpf(rng.randint(-6, 6)) / rng.randint(1, 4) for _ in symbols]
            h = evaluate(*point)
            n = len(symbols)
            value = sum(d[i] * h[i, j] * d[j] for i in range(n) for j in range(n))
            seen.add(0 if abs(value) < mpmath.mpf("1e-30") else (1 if value > 0 else -1))
    return seen


def _random_products(rng: random.Random, count: int):
    for _ in range(count):
        n = rng.choice((2, 2, 3))
        exponents = tuple(rng.choice(EXPONENTS) for _ in range(n))
        yield exponents


def test_random_power_products_are_sound() -> None:
    rng = random.Random(20251201)
    inside = outside = 0
    for exponents in _random_products(rng, 4 * BUDGET):
        expr, symbols = _product(exponents)
        if not expr.is_Mul or len(expr.args) != len(exponents):
            continue  # SymPy merged something (it does not here: distinct bases)
        shape = power_product.region(exponents)
        box = {v: POSITIVE for v in symbols}
        result = analyse(expr, symbols, box)
        bends = _independent_bends(expr, symbols, rng)
        if shape is not None:
            inside += 1
            want = Curvature.CONVEX if shape == "convex" else Curvature.CONCAVE
            assert result.curvature is want, (exponents, result.why)
            assert Checker().check(result.step, Context(symbols, box)) == shape
            # the independent check never contradicts it
            assert (-1 if shape == "convex" else 1) not in bends, exponents
        else:
            outside += 1
            assert all(a is not power_product.ENTRY for a, _, _ in recognise_all(expr, bool))
            if result.curvature is not Curvature.UNKNOWN:  # another rule (quad-over-lin)
                assert "power-product" not in atoms(result.step)
                wrong = -1 if result.curvature is Curvature.CONVEX else 1
                assert wrong not in bends, exponents
        if inside >= BUDGET and outside >= BUDGET:
            break
    assert inside >= BUDGET // 2 and outside >= BUDGET // 2, (inside, outside)


@pytest.mark.parametrize(
    "exponents",
    [("3/2", "-1/5", "-2/5"), ("1/2", "2/3"), ("1", "-1/2"), ("2", "2"), ("1/3", "1/3", "1/2")],
)
def test_outside_the_regions_the_engine_never_proves_it(exponents) -> None:
    exps = tuple(Fraction(a) for a in exponents)
    expr, symbols = _product(exps)
    names = [s.name for s in symbols]
    domain = {n: "positive" for n in names}
    text = str(expr)
    for prop in ("convex", "concave"):
        verdict = check(text, names, prop, domain=domain, timeout=10)
        assert verdict.status is not Status.PROVED, (text, prop)


@pytest.mark.parametrize(
    "exponents", [("3/2", "-1/5", "-1/5"), ("1/4", "1/4", "1/2"), ("-1/2", "-2"), ("5/2", "-3/2")]
)
def test_inside_the_regions_the_engine_never_refutes_it(exponents) -> None:
    exps = tuple(Fraction(a) for a in exponents)
    expr, symbols = _product(exps)
    names = [s.name for s in symbols]
    prop = power_product.region(exps)
    verdict = check(str(expr), names, prop, domain={n: "positive" for n in names}, timeout=10)
    assert verdict.status is Status.PROVED


# --- soundness of regrouped sums and strict blocks on random sums ------------------------


def _affine(rng: random.Random, symbols) -> sympy.Expr:
    return sum(rng.randint(-3, 3) * s for s in symbols) + rng.randint(-2, 2)


def _hessian_signs(expr: sympy.Expr, symbols, rng: random.Random) -> set[int]:
    return _independent_bends(expr, symbols, rng, samples=6)


def test_random_exponentials_times_powers_are_sound() -> None:
    """exp(L)·x**a·y**b with random exponents: convex by the rule exactly when a, b < 0,
    checked independently; with a positive exponent never named the atom."""
    rng = random.Random(5)
    seen = 0
    for _ in range(max(8, BUDGET // 2)):
        a, b = rng.choice(EXPONENTS), rng.choice(EXPONENTS)
        expr = (
            sympy.exp(_affine(rng, (x, y, z)))
            * x ** sympy.Rational(a.numerator, a.denominator)
            * y ** sympy.Rational(b.numerator, b.denominator)
        )
        if not expr.is_Mul or z not in expr.free_symbols:
            continue
        box = {s: POSITIVE for s in (x, y, z)}
        result = analyse(expr, (x, y, z), box)
        matched = any(e.key == "exp-power-product" for e, _, _ in recognise_all(expr, bool))
        assert matched == (a < 0 and b < 0), (a, b)
        if result.curvature is not Curvature.UNKNOWN:
            seen += 1
            assert Checker().check(result.step, Context((x, y, z), box)) == "convex"
            assert -1 not in _independent_bends(expr, (x, y, z), rng), expr
    assert seen >= 2


def test_random_collected_sums_are_sound() -> None:
    """f = L1**2 - (L1**2 expanded, partly) + c*(L2**2) + exp(L3) [- d*x**2 planted]:
    whatever the composer proves (convex or concave) the independent Hessian check never
    contradicts, and the planted violations (d large) are never proved convex."""
    rng = random.Random(7)
    proved = 0
    for _ in range(max(8, BUDGET // 2)):
        l1, l2, l3 = (_affine(rng, (x, y)) for _ in range(3))
        square = sympy.expand(l1**2)
        dropped = rng.choice(sympy.Add.make_args(square))
        c = rng.choice((0, 1, 2))
        planted = rng.choice((0, 0, 5))
        expr = l1**2 - square + dropped + c * l2**2 + sympy.exp(l3) - planted * x**2
        if not expr.free_symbols:
            continue
        box = {x: REAL, y: REAL}
        result = analyse(expr, (x, y), box, quadratic)
        if result.curvature is Curvature.UNKNOWN:
            continue
        assert Checker().check(result.step, Context((x, y), box)) == result.step.conclusion
        proved += 1
        wrong = -1 if result.curvature.is_convex else 1
        assert wrong not in _hessian_signs(expr, (x, y), rng), expr
    assert proved >= 3


def test_random_separable_sums_are_sound() -> None:
    """Σ over a random subset of the variables of a strictly convex term in that variable,
    plus convex terms in any variables: strict exactly when the subset covers them all
    (otherwise f is affine along a missing variable's axis: never proved strict)."""
    rng = random.Random(11)
    symbols = (x, y, z)
    strict_pieces = (
        lambda v: v**2,
        lambda v: sympy.exp(v),
        lambda v: v**4 + v**2,
        lambda v: sympy.log(1 + sympy.exp(v)) + v**2,
    )
    convex_pieces = (
        lambda a, b: sympy.log(1 + sympy.exp(a + b)),
        lambda a, b: (a - b) ** 2,
        lambda a, b: sympy.exp(a - 2 * b),
        lambda a, b: a,
    )
    box = {s: REAL for s in symbols}
    for _ in range(max(8, BUDGET // 2)):
        covered = [s for s in symbols if rng.random() < 0.75]
        terms = [rng.choice(strict_pieces)(s) for s in covered]
        for _ in range(rng.randint(0, 2)):
            a, b = rng.sample(symbols, 2)
            terms.append(rng.choice(convex_pieces)(a, b))
        expr = sympy.Add(*terms)
        present = tuple(s for s in symbols if s in expr.free_symbols)
        if len(present) < 2 or not expr.is_Add:
            continue
        step = strict_blocks.prove(
            expr, present, {s: box[s] for s in present}, strict_blocks.strict_provers()
        )
        flat = [s for s in present if s not in covered]
        if flat:
            # f is affine along the axis of a variable no strict term has (the convex
            # pieces in it are affine or vanish along it only by chance): no proof
            # unless that variable's convex terms happen to be strict in it
            if step is not None:
                assert Checker().check(step, Context(present, box)) == "strictly-convex"
                # every uncovered variable must then be covered by a strict block
                names = {v for f in step.facts_of(ContextFact) for v in f.variables}
                assert names == set(present)
        else:
            assert step is not None, expr
            assert Checker().check(step, Context(present, box)) == "strictly-convex"
