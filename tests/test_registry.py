"""The function registry: complete, and every atom row true on certified samples.

(a) Completeness.  Every per-function table of the project is generated from
:mod:`convexity_proofs.functions`; these tests fail when a function is in one table and
not in another: every claim-file name parses, the parser's vocabulary is the
registry's, every head the parser can write has an interval image, a ball and a series
form (or an exact lattice operation), a numeric triple when smooth, a codec entry, and
an atom row or a documented reason to have none; the generated tables hold exactly the
registry's heads; prover and checker read the same rows.

(b) The table-driven test.  Every alternative of every row of every atom (domain,
curvature, nondecreasing / nonincreasing and strictly increasing / strictly decreasing
in each argument, positivity) is tested on sample points inside the region its
conditions (and the row's domain) describe, with the kernel's exact or Arb-ball
decisions, so a float never decides: midpoint (and one-third point) convexity on
segments, the sign of the second directional derivative, f(a) <= f(b) (< for strict
rows) between ordered points, definedness in the domain, a certified positive value.
A row that claims too much fails (``tests/test_checker_atoms.py`` shows deliberately
wrong rows failing).
"""

from __future__ import annotations

import math
import random
import re
from fractions import Fraction

import pytest
import sympy
from flint import arb, arb_series

from convexity_proofs import _numeric
from convexity_proofs import _parser as parser
from convexity_proofs import functions as registry
from convexity_proofs._parser import make_symbol, parse_expression
from convexity_proofs.checker import atoms as checker_atoms
from convexity_proofs.checker import second_order as checker_second_order
from convexity_proofs.functions import ALWAYS, Row, row_for
from convexity_proofs.kernel import evaluate, expressions, intervals
from convexity_proofs.kernel.evaluate import (
    ball_value,
    decide_curvature,
    decide_difference,
    decide_segment,
)
from convexity_proofs.models import _functions as fast
from convexity_proofs.provers import atoms as prover_atoms
from convexity_proofs.provers import second_order as prover_second_order

u0, u1, u2 = (make_symbol(f"u{i}") for i in range(3))
w = make_symbol("w_shifted")
x, y, z = (make_symbol(n) for n in ("x", "y", "z"))
R = Fraction(3)
SAMPLES = 10

#: Every atom key certificates use (certificates name atoms by them: never rename one).
HISTORIC_KEYS = {
    "exp",
    "log",
    "softplus",
    "logsumexp",
    "abs",
    "max",
    "min",
    "cosh",
    "sinh",
    "tanh",
    "atan",
    "erf",
    "entropy",
    "quad-over-lin",
    "log-sigmoid",
    "log-one-minus-sigmoid",
    "norm2",
    "geo-mean",
    "log-cosh",
    "rel-entropy",
    "power",
    "exponential",
    "power-product",
    "abs-power",
    "quad-over-negative",
    "exp-power-product",
}

# (key, subject, its arguments): arguments are the u_i, or 0 for a constant entry.
CASES: list[tuple[str, sympy.Expr, tuple[sympy.Expr, ...]]] = [
    ("exp", sympy.exp(u0), (u0,)),
    ("log", sympy.log(u0), (u0,)),
    ("softplus", sympy.log(1 + sympy.exp(u0)), (u0,)),
    ("softplus", sympy.log(2 + 3 * sympy.exp(u0)), (u0,)),
    ("logsumexp", sympy.log(sympy.exp(u0) + sympy.exp(u1) + sympy.exp(u2)), (u0, u1, u2)),
    ("logsumexp", sympy.log(2 + sympy.exp(u0) + 3 * sympy.exp(u1)), (u0, u1, 0)),
    ("abs", sympy.Abs(u0), (u0,)),
    ("max", sympy.Max(u0, u1, u2), (u0, u1, u2)),
    ("min", sympy.Min(u0, u1), (u0, u1)),
    ("cosh", sympy.cosh(u0), (u0,)),
    ("sinh", sympy.sinh(u0), (u0,)),
    ("tanh", sympy.tanh(u0), (u0,)),
    ("atan", sympy.atan(u0), (u0,)),
    ("erf", sympy.erf(u0), (u0,)),
    ("entropy", u0 * sympy.log(u0), (u0,)),
    ("quad-over-lin", u0**2 / u1, (u0, u1)),
    ("log-sigmoid", sympy.log(1 / (1 + sympy.exp(u0))), (u0,)),
    ("log-one-minus-sigmoid", sympy.log(1 - 1 / (1 + sympy.exp(u0))), (u0,)),
    ("norm2", sympy.sqrt(u0**2 + u1**2 + u2**2), (u0, u1, u2)),
    ("norm2", sympy.sqrt(2 * u0**2 + 3 * u1**2 + 1), (u0, u1, 0)),
    ("geo-mean", sympy.sqrt(u0 * u1), (u0, u1)),
    ("geo-mean", (u0 * u1 * u2) ** sympy.Rational(1, 3), (u0, u1, u2)),
    ("log-cosh", sympy.log(sympy.cosh(u0)), (u0,)),
    ("rel-entropy", u0 * sympy.log(u0 / u1), (u0, u1)),
    *(
        ("power", u0 ** sympy.Rational(p), (u0,))
        for p in (
            "2",
            "3",
            "4",
            "5",
            "-1",
            "-2",
            "-3",
            "1/2",
            "1/3",
            "2/3",
            "3/2",
            "5/3",
            "-1/2",
            "-3/2",
        )
    ),
    *(("exponential", sympy.Rational(c) ** u0, (u0,)) for c in ("2", "1/3", "5/2", "7/8")),
    ("logsumexp", sympy.log(sympy.sqrt(2) * sympy.exp(u0) + sympy.pi), (u0, 0)),
    ("abs-power", sympy.Abs(u0) ** 3, (u0,)),
    ("abs-power", sympy.Abs(u0) ** 5, (u0,)),
    ("abs-power", sympy.Abs(u0) * sympy.Pow(u0, 2, evaluate=False), (u0,)),
    ("quad-over-negative", u0**2 / u1, (u0, u1)),
    ("exp-power-product", sympy.exp(u0) / u1, (u0, u1)),
    (
        "exp-power-product",
        sympy.exp(u0) * sympy.exp(u1) * u2 ** sympy.Rational(-3, 2),
        (u0, u1, u2),
    ),
    ("exp-power-product", sympy.exp(u0) / (u1**2 * sympy.sqrt(u2)), (u0, u1, u2)),
    *(
        (
            "power-product",
            sympy.Mul(*(u ** sympy.Rational(a) for u, a in zip(us, exps, strict=True))),
            us,
        )
        for us, exps in (
            ((u0, u1), ("1/2", "1/2")),
            ((u0, u1, u2), ("1/3", "1/3", "1/3")),
            ((u0, u1), ("1/4", "1/2")),
            ((u0, u1), ("3/2", "-1/4")),
            ((u0, u1, u2), ("3/2", "-1/5", "-1/5")),
            ((u0, u1), ("-1", "-1")),
            ((u0, u1, u2), ("-1/2", "-2", "-1/3")),
            ((u0, u1), ("3", "-2")),
        )
    ),
]

IDS = [f"{key}:{subject}" for key, subject, _ in CASES]

MONOTONE = ("increasing", "decreasing", "strictly-increasing", "strictly-decreasing")


# --- (a) completeness ----------------------------------------------------------------------


def _call(name: str, entry: registry.Entry, args: list[str]) -> str:
    if entry.syntax:  # Piecewise
        return f"{name}(({args[0]}, {args[0]} > 0), (-{args[0]}, True))"
    return f"{name}({', '.join(args[: max(entry.min_args, 2 if entry.variadic else 1)])})"


NAMED = [(name, e) for e in registry.ENTRIES for name in e.names]
LONG = " + ".join(f"{(-1) ** i * (i + 1)}*{'xyz'[i % 3]}" for i in range(30))
ARGUMENT_SETS = [
    ["x", "y", "z"],
    ["-x", "x - y", "2"],
    ["x**2 + 1", "exp(y)", "-z"],
    [LONG, f"-({LONG})", "x"],
    ["log(x)", "log(x) + y", "x*y"],
]


_NOT_FUNCTIONS = (
    sympy.Add,
    sympy.Mul,
    sympy.Pow,
    sympy.core.relational.Relational,
    sympy.logic.boolalg.Boolean,
    sympy.functions.elementary.piecewise.ExprCondPair,
    sympy.Tuple,
)


def _heads(expr: sympy.Basic) -> set[type]:
    """The function heads in ``expr`` (not arithmetic, numbers, symbols or logic)."""
    return {
        type(node)
        for node in sympy.preorder_traversal(expr)
        if node.args and not isinstance(node, _NOT_FUNCTIONS)
    }


@pytest.mark.parametrize(("name", "entry"), NAMED, ids=[n for n, _ in NAMED])
def test_every_claim_file_name_parses_into_declared_heads(name, entry) -> None:
    for args in ARGUMENT_SETS:
        text = _call(name, entry, args)
        expr = parse_expression(text)
        undeclared = {h.__name__ for h in _heads(expr)} - {h.__name__ for h in registry.HEADS}
        assert undeclared == set(), f"{text} writes heads the registry does not declare"


def test_the_parser_vocabulary_is_the_registry_names() -> None:
    assert parser.FUNCTION_NAMES == registry.NAMES
    built_by_the_parser = {n for e in registry.ENTRIES if e.syntax for n in e.names}
    assert set(parser._FUNCTIONS) == registry.NAMES - built_by_the_parser
    assert built_by_the_parser == {parser._PIECEWISE}
    for name, entry in NAMED:
        if not entry.syntax:
            assert entry.form is not None or entry.head is not None, name


def test_the_readme_lists_every_name() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = text[text.index("- Function syntax:") :]
    section = section[: section.index("\n- ", 1)]
    listed = set(re.findall(r"`?([A-Za-z]+)[(/,`]", section))
    assert registry.NAMES <= listed, registry.NAMES - listed


EVALUATED = [e for e in registry.HEADS.values() if not e.native]


@pytest.mark.parametrize("entry", EVALUATED, ids=[e.key for e in EVALUATED])
def test_every_head_has_every_evaluation(entry) -> None:
    head = entry.head
    assert entry.interval is not None, "no interval image"
    table = intervals._FOLD if entry.variadic else intervals._UNARY
    assert table[head] is getattr(intervals.Interval, entry.interval)
    if entry.lattice is None:
        assert entry.ball is not None and entry.series is not None, "no ball or series form"
        assert evaluate._FUNCTIONS[head].ball is entry.ball
        assert evaluate._FUNCTIONS[head].domain is entry.ball_domain
    else:
        assert evaluate._LATTICE[head] == entry.lattice
        assert _numeric._LATTICE[head] == entry.lattice
    if entry.smooth:
        assert entry.numeric is not None and head in _numeric._UNARY, "no numeric triple"
    else:
        assert entry.lattice is not None, "a kink the numeric search cannot follow"
    assert head.__name__ in expressions._BUILDERS, "the certificate codec cannot write it"


def test_native_heads_say_why() -> None:
    for entry in registry.HEADS.values():
        if entry.native:
            assert not entry.smooth and entry.ball is None and entry.interval is None
    assert sympy.Piecewise.__name__ in expressions._BUILDERS


def test_the_generated_tables_hold_exactly_the_registry_heads() -> None:
    heads = registry.HEADS
    assert set(evaluate._FUNCTIONS) == {h for h, e in heads.items() if e.ball is not None}
    assert set(evaluate._LATTICE) == {h for h, e in heads.items() if e.lattice is not None}
    assert set(intervals._UNARY) | set(intervals._FOLD) == {
        h for h, e in heads.items() if e.interval is not None
    }
    assert set(_numeric._UNARY) == {h for h, e in heads.items() if e.numeric is not None}
    assert set(registry.NON_SMOOTH_HEADS) == {h for h, e in heads.items() if not e.smooth}
    # the second-order rules (prover and checker) refuse exactly the registry's heads
    assert checker_second_order.NON_SMOOTH_HEADS is registry.NON_SMOOTH_HEADS
    assert prover_second_order.NON_SMOOTH_HEADS is registry.NON_SMOOTH_HEADS


def test_every_function_has_a_row_or_says_why_not() -> None:
    for entry in registry.ENTRIES:
        assert entry.is_atom != bool(entry.no_row), entry.key


def test_atom_keys_are_kept_and_shared() -> None:
    assert registry.KEYS == HISTORIC_KEYS
    assert prover_atoms.KEYS == checker_atoms.KEYS == registry.KEYS
    parameterised = {"power", "exponential", "power-product", "exp-power-product"}
    assert set(checker_atoms.ROWS) == registry.KEYS - parameterised


def test_parity_is_true_and_normalised_by_the_parser() -> None:
    for entry in registry.HEADS.values():
        if entry.parity is None:
            continue
        at, minus = entry.ball(arb("0.3")), entry.ball(arb("-0.3"))
        assert ((at + minus) if entry.parity == "odd" else (at - minus)).contains(0)
        # a long argument is built unevaluated, the minus sign taken out or dropped
        (name,) = entry.names
        written = parse_expression(f"{name}(-({LONG}))")
        plain = parse_expression(f"{name}({LONG})")
        assert written == (-plain if entry.parity == "odd" else plain)


@pytest.mark.parametrize(
    "entry",
    [e for e in EVALUATED if e.numeric is not None],
    ids=[e.key for e in EVALUATED if e.numeric is not None],
)
def test_numeric_derivatives_agree_with_the_series(entry) -> None:
    import numpy as np

    f, d1, d2 = entry.numeric(np)
    s = entry.series(arb_series([arb("0.3"), 1], prec=3))
    c = [s.coeffs()[k] if k < len(s.coeffs()) else arb(0) for k in range(3)]
    point = np.array([0.3])
    for value, expected in zip(
        (f(point), d1(point), d2(point)), (c[0], c[1], 2 * c[2]), strict=True
    ):
        assert math.isclose(float(value[0]), float(expected.mid()), rel_tol=1e-9, abs_tol=1e-12)


DERIVED = ["sigmoid", "softplus", "relu", "logsumexp", "tanh", "exp"]


@pytest.mark.parametrize("key", DERIVED)
def test_parser_and_model_builders_share_the_form(key) -> None:
    entry = registry.BY_KEY[key]
    b = make_symbol("b")
    arguments = [2 * x - 3 * y + b, -x - y + b, x * y + b]
    for count in (1, 2) if entry.variadic else (1,):
        args = arguments[:count]
        assert entry.fast(*args) == entry.build(*args)
        text = f"{key}({', '.join(map(str, args))})"
        assert parse_expression(text) == entry.build(*args)
    builders = {
        "sigmoid": fast.sigmoid,
        "softplus": fast.softplus,
        "relu": fast.relu,
        "tanh": fast.tanh,
        "exp": fast.exp_,
    }
    if key in builders:
        assert builders[key](arguments[0]) == entry.build(arguments[0])
    else:
        assert fast.logsumexp(arguments[:2]) == entry.build(*arguments[:2])


def test_smoothness_is_the_registry_s() -> None:
    assert registry.is_smooth(parse_expression("exp(x) + x**2"))
    for text in ("abs(x)", "max(x, y)", "relu(x)", "Piecewise((x, x > 0), (0, True))"):
        assert not registry.is_smooth(parse_expression(text)), text


# --- (b) the table-driven test: every row on certified samples -------------------------


def _region(signs: set[str], rng: random.Random) -> tuple[Fraction, Fraction, bool, bool] | None:
    """An interval [lo, hi] (with open ends) inside [-R, R] where every sign holds."""
    if "nonzero" in signs and not signs & {"positive", "negative", "nonnegative", "nonpositive"}:
        signs = signs | {rng.choice(["positive", "negative"])}
    lo, hi, lo_open, hi_open = -R, R, False, False
    if signs & {"positive", "nonnegative"}:
        lo, lo_open = Fraction(0), bool(signs & {"positive", "nonzero"})
    if signs & {"negative", "nonpositive"}:
        hi, hi_open = Fraction(0), bool(signs & {"negative", "nonzero"})
    if lo > hi or (lo == hi and (lo_open or hi_open)):
        return None
    return lo, hi, lo_open, hi_open


def _value(region: tuple[Fraction, Fraction, bool, bool], rng: random.Random) -> Fraction:
    lo, hi, lo_open, hi_open = region
    while True:
        d = rng.choice([1, 2, 3, 4, 5, 7])
        q = Fraction(rng.randint(int(lo * d) - 1, int(hi * d) + 1), d)
        if lo <= q <= hi and not (lo_open and q == lo) and not (hi_open and q == hi):
            return q


def _signs(
    conds: tuple[tuple[int | None, str], ...], args: tuple[sympy.Expr, ...], about: int | None
) -> dict[sympy.Expr, set[str]] | None:
    """The signs asked of each symbol argument; None when a constant argument fails one."""
    out: dict[sympy.Expr, set[str]] = {a: set() for a in args if a.is_Symbol}
    for position, sign in conds:
        where = position if position is not None else about
        for arg in args if where is None else (args[where],):
            if sign == "any":
                continue
            if arg.is_Symbol:
                out[arg].add(sign)
            elif not _constant_has(arg, sign):
                return None
    return out


def _constant_has(q: sympy.Expr, sign: str) -> bool:
    return {
        "positive": q > 0,
        "nonnegative": q >= 0,
        "negative": q < 0,
        "nonpositive": q <= 0,
        "nonzero": q != 0,
    }[sign] is sympy.true


def _regions(
    signs: dict[sympy.Expr, set[str]], rng: random.Random
) -> dict[sympy.Expr, tuple[Fraction, Fraction, bool, bool]]:
    regions = {}
    for symbol, wanted in signs.items():
        region = _region(wanted, rng)
        assert region is not None, f"the conditions {wanted} on {symbol} cannot all hold"
        regions[symbol] = region
    return regions


def validate(row: Row, subject: sympy.Expr, args: tuple[sympy.Expr, ...], seed: int = 0) -> None:
    """Assert every claim of ``row`` about ``subject`` on certified sample values."""
    rng = random.Random(seed)
    domain = _signs(row.domain, args, None)
    assert domain is not None
    for _ in range(SAMPLES):
        point = {s: _value(r, rng) for s, r in _regions(domain, rng).items()}
        assert ball_value(subject, point, 128).is_finite(), f"undefined at {point}"
    for kind in ("convex", "concave"):
        for number, alternative in enumerate(row.curvature(kind)):
            signs = _signs(row.domain + alternative, args, None)
            if signs is not None:
                _curvature(subject, signs, kind, rng, f"{kind} alternative {number + 1}")
    for number, alternative in enumerate(row.positive):
        signs = _signs(row.domain + alternative, args, None)
        if signs is not None:
            _positive(subject, signs, rng, f"positive alternative {number + 1}")
    for index, arg in enumerate(args):
        if not arg.is_Symbol:
            continue
        for kind in MONOTONE:
            for number, alternative in enumerate(row.monotone(kind, index)):
                signs = _signs(row.domain, args, None)
                extra = _signs(alternative, args, index)
                if signs is not None and extra is not None:
                    signs = {s: signs[s] | extra[s] for s in signs}
                    what = f"{kind} in argument {index + 1}, alternative {number + 1}"
                    _monotone(subject, signs, arg, kind, rng, what)


def _curvature(
    subject: sympy.Expr,
    signs: dict[sympy.Expr, set[str]],
    kind: str,
    rng: random.Random,
    what: str,
) -> None:
    wrong = ">" if kind == "convex" else "<"
    decided = 0
    for _ in range(SAMPLES):
        regions = _regions(signs, rng)  # one side of 0 per segment, for "nonzero"
        a = {s: _value(r, rng) for s, r in regions.items()}
        b = {s: _value(r, rng) for s, r in regions.items()}
        for t in (Fraction(1, 2), Fraction(1, 3)):
            result = decide_segment(subject, a, b, t, {})
            if result is not None:
                decided += 1
                assert result.relation != wrong, f"{what}: chord below f between {a} and {b}"
        direction = {s: Fraction(rng.randint(-4, 4), 3) for s in regions}
        mid = {s: (a[s] + b[s]) / 2 for s in regions}
        interior = all(_inside(mid[s], regions[s]) for s in regions)
        bend = decide_curvature(subject, mid, direction, {}) if interior else None
        if bend is not None:
            assert bend.sign != (-1 if kind == "convex" else 1), f"{what}: bends at {mid}"
    assert decided >= SAMPLES, f"{what}: too few certified decisions ({decided})"


def _inside(q: Fraction, region: tuple[Fraction, Fraction, bool, bool]) -> bool:
    return region[0] < q < region[1]


def _monotone(
    subject: sympy.Expr,
    signs: dict[sympy.Expr, set[str]],
    arg: sympy.Expr,
    kind: str,
    rng: random.Random,
    what: str,
) -> None:
    moved = subject.xreplace({arg: w})
    allowed = {
        "increasing": ("<", "="),
        "decreasing": (">", "="),
        "strictly-increasing": ("<",),
        "strictly-decreasing": (">",),
    }[kind]
    decided = 0
    for _ in range(SAMPLES):
        regions = _regions(signs, rng)
        point = {s: _value(r, rng) for s, r in regions.items()}
        lo, hi = sorted((point[arg], _value(regions[arg], rng)))
        if lo == hi:
            continue
        result = decide_difference(subject, moved, {**point, arg: lo, w: hi})
        if result is not None:
            decided += 1
            assert result.relation in allowed, f"{what}: f({lo}) vs f({hi}) at {point}"
    assert decided >= SAMPLES // 2, f"{what}: too few certified decisions ({decided})"


def _positive(
    subject: sympy.Expr, signs: dict[sympy.Expr, set[str]], rng: random.Random, what: str
) -> None:
    for _ in range(SAMPLES):
        point = {s: _value(r, rng) for s, r in _regions(signs, rng).items()}
        value = ball_value(subject, point, 128)
        assert value > 0, f"{what}: not certified positive at {point} ({value})"


@pytest.mark.parametrize(("key", "subject", "args"), CASES, ids=IDS)
def test_row_holds_on_certified_samples(key, subject, args) -> None:
    row = row_for(key, subject)
    assert row is not None and row.key == key
    read = row.arguments(subject)
    assert read is not None
    assert sorted(map(str, read)) == sorted(map(str, args))
    validate(row, subject, read, seed=len(IDS))


def test_every_row_is_sampled() -> None:
    assert {key for key, _, _ in CASES} == registry.KEYS


def _when(alternatives: tuple[tuple[tuple[int | None, str], ...], ...]) -> tuple:
    return tuple(
        tuple(prover_atoms.When(sign, arg) for arg, sign in alternative)
        for alternative in alternatives
    )


@pytest.mark.parametrize(("key", "subject", "args"), CASES, ids=IDS)
def test_the_prover_reads_the_same_row(key, subject, args) -> None:
    """The prover's Atom is the registry row, condition by condition."""
    row = row_for(key, subject)
    matched = prover_atoms.match_atom(subject, lambda e: bool(e.free_symbols))
    assert matched is not None
    atom, _ = matched
    if atom.key != key:  # log(2 + 3 exp(u)) is log-sum-exp of (u, 0) to the prover
        return
    assert atom.domain == _when((row.domain,))[0]
    assert (atom.convex, atom.concave) == (_when(row.convex), _when(row.concave))
    assert atom.positive == _when(row.positive)
    for index in range(len(args)):
        for kind in MONOTONE:
            assert atom.monotone(kind, index) == _when(row.monotone(kind, index)), (kind, index)


def test_strict_rows_are_where_promised() -> None:
    """The strict rows others rely on (a spot check; the samples above check them true)."""

    def strict(key: str, subject: sympy.Expr, kind: str, index: int = 0):
        row = row_for(key, subject)
        assert row is not None
        return row.monotone(f"strictly-{kind}", index)

    for key, subject in [
        ("exp", sympy.exp(u0)),
        ("log", sympy.log(u0)),
        ("sinh", sympy.sinh(u0)),
        ("tanh", sympy.tanh(u0)),
        ("atan", sympy.atan(u0)),
        ("erf", sympy.erf(u0)),
        ("softplus", sympy.log(1 + sympy.exp(u0))),
        ("logsumexp", sympy.log(sympy.exp(u0) + sympy.exp(u1))),
        ("log-one-minus-sigmoid", sympy.log(1 - 1 / (1 + sympy.exp(u0)))),
        ("power", u0**3),
        ("power", u0 ** sympy.Rational(1, 2)),
        ("exponential", 2**u0),
    ]:
        assert strict(key, subject, "increasing") == ALWAYS, key
    assert strict("log-sigmoid", sympy.log(1 / (1 + sympy.exp(u0))), "decreasing") == ALWAYS
    assert strict("rel-entropy", u0 * sympy.log(u0 / u1), "decreasing", 1) == ALWAYS
    assert strict("rel-entropy", u0 * sympy.log(u0 / u1), "increasing", 0) == ()
    for key, subject in [("max", sympy.Max(u0, u1)), ("min", sympy.Min(u0, u1))]:
        assert strict(key, subject, "increasing") == () == strict(key, subject, "decreasing")
    assert strict("geo-mean", sympy.sqrt(u0 * u1), "increasing") == ()
    assert strict("entropy", u0 * sympy.log(u0), "increasing") == ()
    assert strict("quad-over-lin", u0**2 / u1, "decreasing", 1) == (((0, "nonzero"),),)
    with pytest.raises(ValueError, match="unknown monotonicity"):
        row_for("exp", sympy.exp(u0)).monotone("monotone", 0)
