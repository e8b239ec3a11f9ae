"""Soundness on the held-out corpus of tests/_corpus.py (truth known by construction).

1. The corpus is well formed: deterministic, every family has claims that hold and
   claims that fail, every claim reads as a claim, every witness lies in its domain.
2. Every label is right numerically (independently of the engine: SymPy derivatives
   and mpmath at 40 digits): a claim that holds passes Hessian and Jensen scans at
   random domain points and at its probes (where the margin is thinnest); a claim that
   fails is shown to fail by its witness.
3. The engine on a sample (a few claims per family; ``CONVEXITY_CORPUS=full`` or
   ``CONVEXITY_FUZZ_EXAMPLES`` for every claim): no wrong verdict (a claim that holds
   is never refuted, one that fails never proved), every decided verdict's certificate
   verifies, and every verdict re-checks independently (tests/test_fuzz.py's
   ``verdict_problems``: witnesses re-evaluated with SymPy + mpmath at 60 digits,
   proofs spot-checked by Jensen's inequality at random domain points).

How many claims are decided is a measurement, not a test: ``bench/decided.py``.
"""

from __future__ import annotations

import json
import os
import random
from fractions import Fraction
from functools import cache
from typing import Any

import mpmath
import pytest
import sympy

from convexity_proofs import check
from convexity_proofs._certificate import certificate_of, dumps
from convexity_proofs._claimfile import build_claim
from convexity_proofs._values import Claim, Domain, Status
from convexity_proofs.checker import verify_certificate

from ._corpus import FAMILIES, CorpusClaim, corpus, sample

FULL = os.environ.get("CONVEXITY_CORPUS") == "full" or bool(
    os.environ.get("CONVEXITY_FUZZ_EXAMPLES")
)
#: Per-claim limit for the engine (the sample is meant to stay well under 30 s).
TIMEOUT = float(os.environ.get("CONVEXITY_CORPUS_TIMEOUT", "20" if FULL else "4"))
DIGITS = 40
#: Random points of the Hessian scan and random segments of the Jensen scan per claim.
HESSIAN_POINTS = 80 if FULL else 30
SEGMENTS = 150 if FULL else 60
ALL = corpus()
ENGINE_CLAIMS = ALL if FULL else sample(2)
LABEL_CLAIMS = ALL if FULL else sample(2)


# ------------------------------------------------------------------ the corpus itself


def test_the_corpus_is_deterministic_and_covers_every_family() -> None:
    from . import _corpus

    _corpus._corpus.cache_clear()
    again = corpus()
    assert [c.table() for c in again] == [c.table() for c in ALL]
    assert len({c.name for c in ALL}) == len(ALL)
    assert 150 <= len(ALL) <= 300
    for family in FAMILIES:
        members = [c for c in ALL if c.family == family]
        assert {c.expect for c in members} == {"holds", "fails"}, family
        assert len(members) >= 8, family


@cache
def _claim_named(name: str) -> Claim:
    (item,) = [c for c in ALL if c.name == name]
    return build_claim(item.table(), file="<corpus>")


def _claim(item: CorpusClaim) -> Claim:
    return _claim_named(item.name)


def _q(value: str) -> Fraction:
    return Fraction(value)


def _assignment(claim: Claim, values: dict[str, str]) -> dict[sympy.Symbol, sympy.Rational]:
    by_name = {s.name: s for s in claim.variables}
    return {by_name[k]: sympy.Rational(str(_q(v))) for k, v in values.items()}


def _domain(claim: Claim, symbol: sympy.Symbol) -> Domain:
    return dict(claim.domains).get(symbol, Domain())


def _in_domain(claim: Claim, values: dict[str, str]) -> bool:
    by_name = {s.name: s for s in claim.variables}
    return all(_domain(claim, by_name[k]).contains(_q(v)) for k, v in values.items())


@pytest.mark.parametrize("item", ALL, ids=lambda c: c.name)
def test_every_claim_reads_and_its_witness_lies_in_the_domain(item: CorpusClaim) -> None:
    claim = _claim(item)
    assert [s.name for s in claim.variables] == list(item.variables)
    assert not claim.parameters, "the corpus has no parameters"
    w = item.witness
    if w is None:
        assert item.expect == "holds"
        for probe in item.probes:
            assert _in_domain(claim, probe), probe
        return
    points = [w[k] for k in ("point", "a", "b") if k in w]
    for point in points:
        assert set(point) == set(item.variables)
        assert _in_domain(claim, point), (item.name, point)


# ------------------------------------------------------------------ labels, numerically

_NONSMOOTH = (sympy.Piecewise, sympy.Abs, sympy.Max, sympy.Min, sympy.sign, sympy.Heaviside)


class Numeric:
    """f, its Hessian and segment gaps of one claim at mpmath precision."""

    def __init__(self, claim: Claim) -> None:
        self.claim = claim
        self.symbols = claim.variables
        self.expr = claim.function
        self.f = sympy.lambdify(self.symbols, self.expr, modules="mpmath")
        self.smooth = not self.expr.has(*_NONSMOOTH)
        self.hessian = None
        if self.smooth:
            entries = [[sympy.diff(self.expr, a, b) for b in self.symbols] for a in self.symbols]
            self.hessian = sympy.lambdify(self.symbols, entries, modules="mpmath")

    def value(self, point: list[Any]) -> Any:
        return self.f(*point)

    def eigenvalues(self, point: list[Any]) -> tuple[list[Any], Any]:
        matrix = mpmath.matrix(self.hessian(*point))
        scale = max(abs(matrix[i, j]) for i in range(matrix.rows) for j in range(matrix.cols))
        return list(mpmath.eigsy(matrix, eigvals_only=True)), scale

    def gap(self, a: list[Any], b: list[Any], t: Any) -> tuple[Any, Any]:
        mid = [t * x + (1 - t) * y for x, y in zip(a, b, strict=True)]
        fa, fb = self.value(a), self.value(b)
        return self.value(mid) - t * fa - (1 - t) * fb, 1 + abs(fa) + abs(fb)

    def second(self, point: dict[str, str], direction: dict[str, str]) -> Any:
        """d²/ds² f(point + s·direction) at s = 0, exactly differentiated then evaluated."""
        s = sympy.Symbol("s_corpus", real=True)
        p = _assignment(self.claim, point)
        v = _assignment(self.claim, direction)
        line = self.expr.xreplace({x: p[x] + s * v.get(x, 0) for x in self.symbols})
        value = sympy.diff(line, s, 2).subs(s, 0)
        return sympy.N(value, DIGITS)


def _mpf(q: Fraction | str) -> Any:
    q = Fraction(q)
    return mpmath.mpf(q.numerator) / q.denominator


def _draw(domain: Domain, rng: random.Random) -> Any:
    """A random point of the domain (ends included now and then, half-lines log-uniform)."""
    lo, hi = domain.lo, domain.hi
    if lo is not None and hi is not None:
        roll = rng.random()
        if roll < 0.05:
            return _mpf(lo)
        if roll < 0.1:
            return _mpf(hi)
        u = mpmath.mpf(rng.random())
        return _mpf(lo) * (1 - u) + _mpf(hi) * u
    if lo is not None:
        if not domain.lo_open and rng.random() < 0.05:
            return _mpf(lo)
        return _mpf(lo) + mpmath.exp(rng.uniform(-4, 3))
    if hi is not None:
        return _mpf(hi) - mpmath.exp(rng.uniform(-4, 3))
    return mpmath.mpf(rng.uniform(-4, 4) if rng.random() < 0.85 else rng.uniform(-30, 30))


def _label_problems(item: CorpusClaim) -> list[str]:
    claim = _claim(item)
    numeric = Numeric(claim)
    rng = random.Random(item.name)
    domains = [_domain(claim, s) for s in claim.variables]
    prop = item.property
    sign = -1 if prop in ("concave", "strictly-concave") else 1
    problems: list[str] = []

    def draw() -> list[Any]:
        return [_draw(d, rng) for d in domains]

    def at(values: dict[str, str]) -> list[Any]:
        return [_mpf(values[s.name]) for s in claim.variables]

    if prop == "invariant":
        swap = dict(claim.substitution)
        image = sympy.lambdify(numeric.symbols, claim.function.xreplace(swap), modules="mpmath")
        if item.expect == "holds":
            for _ in range(60):
                p = draw()
                fp = numeric.value(p)
                if abs(image(*p) - fp) > mpmath.mpf(10) ** (-25) * (1 + abs(fp)):
                    problems.append(f"the sides differ at {p}")
        else:
            p = at(item.witness["point"])
            if abs(image(*p) - numeric.value(p)) < mpmath.mpf(10) ** -10:
                problems.append("the witness point does not separate the sides")
        return problems

    tol = mpmath.mpf(10) ** -25
    if item.expect == "holds":
        probes = [at(p) for p in item.probes]
        points = [draw() for _ in range(HESSIAN_POINTS)] + probes
        if numeric.smooth:
            for p in points:
                eigen, scale = numeric.eigenvalues(p)
                worst = min(eigen) if sign > 0 else -max(eigen)
                if worst < -tol * (1 + scale):
                    problems.append(f"Hessian eigenvalue {mpmath.nstr(worst, 8)} at {p}")
        for _ in range(SEGMENTS):
            a, b = draw(), draw()
            t = mpmath.mpf(rng.random())
            gap, scale = numeric.gap(a, b, t)
            if sign * gap > tol * scale:
                problems.append(f"Jensen gap {mpmath.nstr(gap, 8)} on {a}, {b}, t={t}")
        for p in probes:  # short segments through each probe, every axis
            for i in range(len(p)):
                for radius in (mpmath.mpf(1) / 10, mpmath.mpf(1) / 1000):
                    a, b = list(p), list(p)
                    a[i] -= radius
                    b[i] += radius
                    if all(_inside(d, x) for d, x in zip(domains * 2, a + b, strict=True)):
                        gap, scale = numeric.gap(a, b, mpmath.mpf(1) / 2)
                        if sign * gap > tol * scale:
                            problems.append(f"Jensen gap {mpmath.nstr(gap, 8)} at probe {p}")
        return problems[:5]

    w = item.witness
    assert w is not None
    if w["kind"] == "curvature":
        value = numeric.second(w["point"], w["direction"])
        if not sign * value < -(mpmath.mpf(10) ** -20):
            problems.append(f"curvature witness gives {value}")
    elif w["kind"] == "segment":
        gap, scale = numeric.gap(at(w["a"]), at(w["b"]), _mpf(w["t"]))
        if not sign * gap > tol * scale:
            problems.append(f"segment witness gives gap {gap}")
    elif w["kind"] == "flat":
        a, b = at(w["a"]), at(w["b"])
        assert a != b
        for t in (mpmath.mpf(1) / 2, mpmath.mpf(1) / 3, mpmath.mpf(9) / 10):
            gap, scale = numeric.gap(a, b, t)
            if abs(gap) > tol * scale:
                problems.append(f"not affine on the flat segment: gap {gap} at t={t}")
    else:
        problems.append(f"unknown witness kind {w['kind']}")
    return problems


def _inside(domain: Domain, x: Any) -> bool:
    if domain.lo is not None:
        lo = _mpf(domain.lo)
        if x < lo or (domain.lo_open and x == lo):
            return False
    if domain.hi is not None:
        hi = _mpf(domain.hi)
        if x > hi or (domain.hi_open and x == hi):
            return False
    return True


@pytest.mark.parametrize("item", LABEL_CLAIMS, ids=lambda c: c.name)
def test_every_label_is_right_numerically(item: CorpusClaim) -> None:
    with mpmath.workdps(DIGITS):
        problems = _label_problems(item)
    assert not problems, (item.name, item.function, item.note, problems)


# ------------------------------------------------------------------ the engine


def _wrong(item: CorpusClaim, status: Status) -> bool:
    return (item.expect == "holds" and status is Status.REFUTED) or (
        item.expect == "fails" and status is Status.PROVED
    )


@pytest.mark.parametrize("item", ENGINE_CLAIMS, ids=lambda c: c.name)
def test_the_engine_is_sound_on_the_corpus(item: CorpusClaim) -> None:
    from .test_fuzz import verdict_problems

    verdict = check(**item.check_arguments(), timeout=TIMEOUT)
    assert not _wrong(item, verdict.status), (
        f"WRONG VERDICT {verdict.status} on {item.name}: {item.function} "
        f"({item.property}, expected {item.expect}; {item.note})"
    )
    if verdict.status is Status.UNKNOWN:
        return
    data = json.loads(dumps(certificate_of(verdict)))
    report = verify_certificate(data)
    assert report.valid, (item.name, report.failure)
    problems = verdict_problems(item.table(), verdict)
    assert not problems, (item.name, problems)
