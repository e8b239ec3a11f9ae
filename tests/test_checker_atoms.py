"""The checker's atom table, validated row by row against certified evaluations.

Each row says where an atom is defined, when it is convex or concave and when it is
nondecreasing or nonincreasing in an argument, as sign conditions on the arguments.
Here every alternative of every row is tested on sample points inside the region its
conditions (and the row's domain) describe, with the kernel's exact or Arb-ball values:
midpoint (and one-third point) convexity on segments, the sign of the second
directional derivative, monotonicity between ordered points, definedness in the domain.
A row that claims too much fails; a deliberately wrong row is shown to fail.
"""

from __future__ import annotations

import random
from dataclasses import replace
from fractions import Fraction

import pytest
import sympy

from convexity_proofs._parser import make_symbol
from convexity_proofs.checker.atoms import KEYS, ROWS, Row, row_for
from convexity_proofs.kernel.evaluate import (
    ball_value,
    decide_curvature,
    decide_difference,
    decide_segment,
)
from convexity_proofs.provers import atoms as prover_atoms

u0, u1, u2 = (make_symbol(f"u{i}") for i in range(3))
w = make_symbol("w_shifted")
R = Fraction(3)
SAMPLES = 10

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
]

IDS = [f"{key}:{subject}" for key, subject, _ in CASES]


# --- sampling regions -----------------------------------------------------------------


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


# --- validation of one row ------------------------------------------------------------


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
    for index, arg in enumerate(args):
        if not arg.is_Symbol:
            continue
        for kind in ("increasing", "decreasing"):
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
    allowed = ("<", "=") if kind == "increasing" else (">", "=")
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


# --- tests ----------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "subject", "args"), CASES, ids=IDS)
def test_row_recognises_its_subject(key, subject, args) -> None:
    row = row_for(key, subject)
    assert row is not None and row.key == key
    assert row.arguments(subject) is not None
    assert sorted(map(str, row.arguments(subject))) == sorted(map(str, args))


@pytest.mark.parametrize(("key", "subject", "args"), CASES, ids=IDS)
def test_row_holds_on_certified_samples(key, subject, args) -> None:
    row = row_for(key, subject)
    assert row is not None
    validate(row, subject, row.arguments(subject), seed=len(IDS))


def test_every_row_is_sampled() -> None:
    assert {key for key, _, _ in CASES} == KEYS


def test_every_prover_atom_has_a_checker_row() -> None:
    assert prover_atoms.KEYS <= KEYS


def test_rows_reject_other_shapes() -> None:
    assert ROWS["softplus"].arguments(sympy.log(1 - sympy.exp(u0))) is None
    assert ROWS["logsumexp"].arguments(sympy.log(u0 * sympy.exp(u0) + 1)) is None
    assert ROWS["entropy"].arguments(u0 * sympy.log(u1)) is None
    assert ROWS["quad-over-lin"].arguments(u0**2 / u1**2) is None
    assert ROWS["norm2"].arguments(sympy.sqrt(u0**2 - u1**2)) is None
    assert ROWS["geo-mean"].arguments((u0 * u1 * u2) ** sympy.Rational(1, 2)) is None
    assert ROWS["log-sigmoid"].arguments(sympy.log(1 / (2 + sympy.exp(u0)))) is None
    assert row_for("power", sympy.exp(u0)) is None
    assert row_for("exponential", u0**2) is None
    assert row_for("no-such-atom", u0) is None


@pytest.mark.parametrize(
    ("key", "subject", "wrong"),
    [
        ("exp", sympy.exp(u0), {"concave": ((),)}),
        ("cosh", sympy.cosh(u0), {"increasing": ((),)}),
        ("sinh", sympy.sinh(u0), {"convex": ((),)}),
        ("log", sympy.log(u0), {"decreasing": ((),)}),
        ("tanh", sympy.tanh(u0), {"concave": (((0, "nonpositive"),),)}),
        ("quad-over-lin", u0**2 / u1, {"per_argument": ((((),), ()), (((),), ()))}),
    ],
)
def test_the_validation_catches_a_wrong_row(key, subject, wrong) -> None:
    row = replace(row_for(key, subject), **wrong)
    with pytest.raises(AssertionError):
        validate(row, subject, row.arguments(subject))
