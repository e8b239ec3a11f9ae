"""A held-out corpus of generated claims whose truth is known by construction.

The families are those of issue 12 (symbolic Hessians, one variable with exp/log/trig,
Piecewise, normal forms, strict convexity, invariance, narrow non-convexity).  Every
claim is drawn by a seeded :class:`random.Random` (one stream per family, so a change in
one family does not move the others) and labelled by mathematics, never by running the
engine:

* a claim that ``holds`` carries the argument in its ``note`` (a known convexity rule,
  an exact threshold, a constant matrix that is PSD, a product of positive affine
  factors, ...), and where the margin is thin, ``probes``: the points where the
  curvature is smallest, for the numeric double check;
* a claim that ``fails`` carries a ``witness`` of the failure: a point and direction of
  negative (for ``convex``; positive for ``concave``) second derivative, a segment on
  which Jensen's inequality fails, a segment on which f is affine (strictness), or a
  point where the two sides of an invariance differ.

Exact arithmetic (Fractions, a small polynomial class) decides every label it can;
thresholds that are transcendental (the extreme values of atan'', erf'', ...) are only
used with a margin of at least 4 %.  ``tests/test_corpus.py`` double-checks every
label numerically (mpmath, 40 digits: Hessian and Jensen scans for ``holds``, the
witness for ``fails``), and ``bench/decided.py`` measures how many the engine decides.

This module imports nothing from the package (the benchmark imports it to run claims
on another tree), only the standard library.

    from tests._corpus import corpus, sample
    for claim in corpus():
        convexity_proofs.check(**claim.check_arguments())
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction as Q
from functools import cache
from typing import Any

SEED = 12

#: Family tag -> one-line description (the order of the report).
FAMILIES: dict[str, str] = {
    "a-power-product": "c*prod x_i**a_i on the positive orthant, exponents in or out of regions",
    "a-power-exp": "powers times exp(affine) on the positive orthant",
    "a-perspective": "perspectives y*g(x/y) and quotients with exp",
    "a-log-poly": "log of a polynomial positive on a box (expanded)",
    "a-power-mean": "weighted power means (sum w_i x_i**r)**(1/r), harmonic-mean-like",
    "a-log-det": "log det / det**(1/2) / 1/det of an affine 2x2 or 3x3 matrix, PD on a box",
    "a-compensation": "c*|x|**2 plus a term whose Hessian is bounded below",
    "b-one-variable": "one variable with exp/log/trig, a parameter across the threshold",
    "c-piecewise": "Piecewise of one variable or one affine form, convex or planted violation",
    "d-normal-form": "exp products, cancelling polynomial parts, |u|**p, quad-over-lin, lse",
    "e-strict": "strict convexity: separable strictly convex sums vs a flat direction",
    "f-invariance": "invariance under a swap: identities on the domain vs generically only",
    "g-narrow": "narrow dips and bumps (width down to 1e-3)",
}

NAMES = ("x", "y", "z", "w", "v")


# --------------------------------------------------------------------------- numbers


def num(q: Q | int) -> str:
    """An exact number as claim text, parenthesised when it is not a plain integer >= 0."""
    q = Q(q)
    if q.denominator == 1:
        return str(q.numerator) if q >= 0 else f"({q.numerator})"
    return f"({q.numerator}/{q.denominator})"


def text(q: Q | int) -> str:
    """An exact number as a string for domains and witnesses ("3", "-1/2")."""
    q = Q(q)
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


def power(name: str, exponent: Q) -> str:
    exponent = Q(exponent)
    if exponent == 1:
        return name
    if exponent == Q(1, 2):
        return f"sqrt({name})"
    return f"{name}**{num(exponent)}"


def times(c: Q, body: str) -> str:
    """c*body with c = 1 and c = -1 written plainly."""
    c = Q(c)
    if c == 1:
        return body
    if c == -1:
        return f"-({body})"
    if body.startswith("1/"):
        return f"{num(c)}/{body[2:]}"
    return f"{num(c)}*{body}"


def rounded(value: float, digits: int = 3) -> Q:
    """``value`` to ``digits`` significant decimal digits, exactly (0.000123 -> 123/10**6)."""
    if value == 0:
        return Q(0)
    exponent = math.floor(math.log10(abs(value))) - digits + 1
    return Q(round(value / 10.0**exponent)) * Q(10) ** exponent


def kterm(k: Q, body: str) -> str:
    """`` + k*body`` or `` - |k|*body`` (the sign outside), 1 written plainly."""
    sign = "-" if k < 0 else "+"
    k = abs(Q(k))
    if k == 1:
        return f" {sign} {body}"
    if body.startswith("1/"):
        return f" {sign} {num(k)}/{body[2:]}"
    return f" {sign} {num(k)}*{body}"


def near(value: float, denominator: int = 1000) -> Q:
    return Q(value).limit_denominator(denominator)


# -------------------------------------------------------------------------- polynomials


class Poly:
    """A polynomial with rational coefficients in the named variables (exact)."""

    __slots__ = ("names", "terms")

    def __init__(self, names: Sequence[str], terms: dict[tuple[int, ...], Q] | None = None):
        self.names = tuple(names)
        self.terms = {m: Q(c) for m, c in (terms or {}).items() if c != 0}

    @classmethod
    def const(cls, names: Sequence[str], c: Q | int) -> Poly:
        return cls(names, {(0,) * len(names): Q(c)})

    @classmethod
    def var(cls, names: Sequence[str], i: int) -> Poly:
        return cls(names, {tuple(int(j == i) for j in range(len(names))): Q(1)})

    @classmethod
    def affine(cls, names: Sequence[str], coefficients: Sequence[Q | int], c: Q | int) -> Poly:
        out = cls.const(names, c)
        for i, a in enumerate(coefficients):
            out = out + cls.var(names, i) * Poly.const(names, a)
        return out

    def __add__(self, other: Poly) -> Poly:
        terms = dict(self.terms)
        for m, c in other.terms.items():
            terms[m] = terms.get(m, Q(0)) + c
        return Poly(self.names, terms)

    def __neg__(self) -> Poly:
        return Poly(self.names, {m: -c for m, c in self.terms.items()})

    def __sub__(self, other: Poly) -> Poly:
        return self + (-other)

    def __mul__(self, other: Poly) -> Poly:
        terms: dict[tuple[int, ...], Q] = {}
        for (m1, c1), (m2, c2) in itertools.product(self.terms.items(), other.terms.items()):
            m = tuple(a + b for a, b in zip(m1, m2, strict=True))
            terms[m] = terms.get(m, Q(0)) + c1 * c2
        return Poly(self.names, terms)

    def scale(self, c: Q | int) -> Poly:
        return Poly(self.names, {m: Q(c) * k for m, k in self.terms.items()})

    def __call__(self, point: Sequence[Q]) -> Q:
        total = Q(0)
        for m, c in self.terms.items():
            value = c
            for x, e in zip(point, m, strict=True):
                value *= Q(x) ** e
            total += value
        return total

    def diff(self, i: int) -> Poly:
        terms: dict[tuple[int, ...], Q] = {}
        for m, c in self.terms.items():
            if m[i]:
                n = list(m)
                n[i] -= 1
                terms[tuple(n)] = terms.get(tuple(n), Q(0)) + c * m[i]
        return Poly(self.names, terms)

    def along(self, v: Sequence[Q]) -> Poly:
        """The directional derivative sum_i v_i d/dx_i."""
        out = Poly(self.names)
        for i, vi in enumerate(v):
            if vi:
                out = out + self.diff(i).scale(vi)
        return out

    def support(self) -> set[int]:
        return {i for m in self.terms for i, e in enumerate(m) if e}

    def degree(self) -> int:
        return max((sum(m) for m in self.terms), default=0)

    def render(self) -> str:
        if not self.terms:
            return "0"
        order = sorted(self.terms, key=lambda m: (-sum(m), tuple(-e for e in m)))
        pieces: list[str] = []
        for m in order:
            c = self.terms[m]
            factors = [
                n if e == 1 else f"{n}**{e}" for n, e in zip(self.names, m, strict=True) if e
            ]
            mag = abs(c)
            if not factors:
                body = text(mag) if mag.denominator == 1 else f"{mag.numerator}/{mag.denominator}"
            elif mag == 1:
                body = "*".join(factors)
            elif mag.denominator == 1:
                body = f"{mag.numerator}*" + "*".join(factors)
            elif mag.numerator == 1:
                body = "*".join(factors) + f"/{mag.denominator}"
            else:
                body = f"{mag.numerator}*" + "*".join(factors) + f"/{mag.denominator}"
            sign = "-" if c < 0 else "+"
            pieces.append((sign, body))
        first_sign, first = pieces[0]
        out = ("-" if first_sign == "-" else "") + first
        for sign, body in pieces[1:]:
            out += f" {sign} {body}"
        return out


# -------------------------------------------------------------------------- matrices


def det(matrix: Sequence[Sequence[Q]]) -> Q:
    """Exact determinant (fraction-free enough for n <= 5)."""
    a = [list(map(Q, row)) for row in matrix]
    n = len(a)
    result = Q(1)
    for col in range(n):
        pivot = next((r for r in range(col, n) if a[r][col] != 0), None)
        if pivot is None:
            return Q(0)
        if pivot != col:
            a[col], a[pivot] = a[pivot], a[col]
            result = -result
        result *= a[col][col]
        for r in range(col + 1, n):
            factor = a[r][col] / a[col][col]
            for k in range(col, n):
                a[r][k] -= factor * a[col][k]
    return result


def is_psd(matrix: Sequence[Sequence[Q]]) -> bool:
    """Every principal minor >= 0 (exact; n <= 5)."""
    n = len(matrix)
    for size in range(1, n + 1):
        for rows in itertools.combinations(range(n), size):
            if det([[matrix[i][j] for j in rows] for i in rows]) < 0:
                return False
    return True


def is_pd(matrix: Sequence[Sequence[Q]]) -> bool:
    """Leading principal minors > 0 (Sylvester; exact)."""
    n = len(matrix)
    return all(det([row[:k] for row in matrix[:k]]) > 0 for k in range(1, n + 1))


def quadratic(matrix: Sequence[Sequence[Q]], v: Sequence[Q]) -> Q:
    return sum((Q(matrix[i][j]) * v[i] * v[j] for i in range(len(v)) for j in range(len(v))), Q(0))


def small_vectors(n: int, bound: int = 3) -> Iterable[tuple[int, ...]]:
    """Nonzero integer vectors, shortest first (deterministic)."""
    vectors = [v for v in itertools.product(range(-bound, bound + 1), repeat=n) if any(v)]
    return sorted(vectors, key=lambda v: (sum(abs(c) for c in v), v))


# ----------------------------------------------------------------------------- claims


@dataclass(frozen=True)
class CorpusClaim:
    """One generated claim, its expected verdict and why."""

    name: str
    family: str
    function: str
    variables: tuple[str, ...]
    property: str
    expect: str  # "holds" or "fails"
    domain: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    #: For "fails": what shows it (see the module docstring); None for "holds".
    witness: dict[str, Any] | None = None
    #: For "holds": points where the margin is thinnest (checked numerically).
    probes: tuple[dict[str, str], ...] = ()
    substitution: dict[str, str] | None = None

    def check_arguments(self) -> dict[str, Any]:
        """Keyword arguments of :func:`convexity_proofs.check` (add ``timeout``)."""
        arguments: dict[str, Any] = {
            "function": self.function,
            "variables": list(self.variables),
            "property": self.property,
            "domain": dict(self.domain) or None,
            "expect": self.expect,
            "name": self.name,
        }
        if self.substitution is not None:
            arguments["substitution"] = dict(self.substitution)
        return arguments

    def table(self) -> dict[str, Any]:
        """The claim table (the claim-file form, for ``build_claim``)."""
        table: dict[str, Any] = {
            "name": self.name,
            "function": self.function,
            "variables": list(self.variables),
            "property": self.property,
            "expect": self.expect,
        }
        if self.domain:
            table["domain"] = {
                k: (list(v) if isinstance(v, tuple) else v) for k, v in self.domain.items()
            }
        if self.substitution is not None:
            table["substitution"] = dict(self.substitution)
        return table


def _point(names: Sequence[str], values: Sequence[Q | int]) -> dict[str, str]:
    return {n: text(Q(v)) for n, v in zip(names, values, strict=True)}


def curvature(names: Sequence[str], point: Sequence[Q | int], direction: Sequence[Q | int]) -> dict:
    return {
        "kind": "curvature",
        "point": _point(names, point),
        "direction": _point(names, direction),
    }


def segment(
    names: Sequence[str], a: Sequence[Q | int], b: Sequence[Q | int], t: Q = Q(1, 2)
) -> dict:
    return {"kind": "segment", "a": _point(names, a), "b": _point(names, b), "t": text(t)}


def flat(names: Sequence[str], a: Sequence[Q | int], b: Sequence[Q | int]) -> dict:
    return {"kind": "flat", "a": _point(names, a), "b": _point(names, b)}


def differs(names: Sequence[str], point: Sequence[Q | int]) -> dict:
    return {"kind": "point", "point": _point(names, point)}


def box(lo: Q | int, hi: Q | int) -> tuple[str, str]:
    return (text(Q(lo)), text(Q(hi)))


class _Family:
    """Collects one family's claims, numbering them."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.claims: list[CorpusClaim] = []
        self.rng = random.Random(f"{SEED}:{tag}")

    def add(self, **fields: Any) -> None:
        fields.setdefault("domain", {})
        fields["variables"] = tuple(fields["variables"])
        fields["probes"] = tuple(fields.get("probes", ()))
        name = f"{self.tag}-{len(self.claims) + 1:02d}"
        claim = CorpusClaim(name=name, family=self.tag, **fields)
        assert claim.expect in ("holds", "fails")
        assert (claim.witness is None) == (claim.expect == "holds"), claim
        self.claims.append(claim)

    def choice(self, options: Sequence[Any]) -> Any:
        return self.rng.choice(list(options))


def _opposite(prop: str) -> str:
    return {"convex": "concave", "concave": "convex"}[prop]


# ============================================================ (a) symbolic Hessians

POSITIVE_EXPONENTS = [Q(1, 4), Q(1, 3), Q(1, 2), Q(2, 3), Q(3, 4)]
BIG_EXPONENTS = [Q(1), Q(4, 3), Q(3, 2), Q(2), Q(5, 2), Q(3)]
NEGATIVE_EXPONENTS = [Q(-1, 4), Q(-1, 3), Q(-1, 2), Q(-2, 3), Q(-1), Q(-3, 2), Q(-2)]


def power_matrix(exponents: Sequence[Q]) -> list[list[Q]]:
    """M = a a^T - diag(a): the Hessian of prod x_i**a_i is f * D M D, D = diag(1/x)."""
    n = len(exponents)
    return [
        [exponents[i] * exponents[j] - (exponents[i] if i == j else 0) for j in range(n)]
        for i in range(n)
    ]


def _power_text(
    rng: random.Random, c: Q, names: Sequence[str], exponents: Sequence[Q], *, quotient: bool
) -> str:
    if quotient and any(a < 0 for a in exponents) and any(a > 0 for a in exponents):
        top = "*".join(power(n, a) for n, a in zip(names, exponents, strict=True) if a > 0)
        bottom = "*".join(power(n, -a) for n, a in zip(names, exponents, strict=True) if a < 0)
        if sum(1 for a in exponents if a < 0) > 1:
            bottom = f"({bottom})"
        return f"{times(c, top)}/{bottom}"
    if quotient and all(a < 0 for a in exponents):
        bottom = "*".join(power(n, -a) for n, a in zip(names, exponents, strict=True))
        return f"{num(c)}/({bottom})"
    return times(
        c,
        "*".join(f"{n}**{num(a)}" if a != 1 else n for n, a in zip(names, exponents, strict=True)),
    )


def _power_exponents(rng: random.Random, n: int, region: str) -> list[Q]:
    while True:
        if region == "concave":
            a = [rng.choice(POSITIVE_EXPONENTS) for _ in range(n)]
            if sum(a) <= 1:
                return a
        elif region == "negative":
            return [rng.choice(NEGATIVE_EXPONENTS) for _ in range(n)]
        elif region == "one-big":
            a = [rng.choice(BIG_EXPONENTS)] + [rng.choice(NEGATIVE_EXPONENTS) for _ in range(n - 1)]
            if sum(a) >= 1:
                rng.shuffle(a)
                return a
        elif region == "positive-over":
            a = [rng.choice([*POSITIVE_EXPONENTS, Q(1)]) for _ in range(n)]
            if sum(a) > 1:
                return a
        elif region == "one-big-under":
            a = [rng.choice(BIG_EXPONENTS[1:])] + [
                rng.choice(NEGATIVE_EXPONENTS) for _ in range(n - 1)
            ]
            if sum(a) < 1:
                rng.shuffle(a)
                return a
        elif region == "mixed":
            a = [rng.choice(POSITIVE_EXPONENTS)] + [
                rng.choice(NEGATIVE_EXPONENTS) for _ in range(n - 1)
            ]
            rng.shuffle(a)
            return a
        else:
            raise ValueError(region)


def _family_power_product() -> list[CorpusClaim]:
    fam = _Family("a-power-product")
    rng = fam.rng
    regions = ["concave", "negative", "one-big", "positive-over", "one-big-under", "mixed"]
    plan = [(r, n) for r in regions for n in (2, 3)] + [
        ("concave", 4),
        ("negative", 4),
        ("one-big", 4),
        ("positive-over", 2),
        ("one-big", 2),
        ("mixed", 3),
    ]
    for region, n in plan:
        names = NAMES[:n]
        a = _power_exponents(rng, n, region)
        c = rng.choice([Q(1), Q(2), Q(1, 2), Q(3)])
        m = power_matrix(a)
        convex = is_psd(m)
        concave = is_psd([[-e for e in row] for row in m])
        prop = rng.choice(["convex", "concave"])
        # Prefer the informative reading: the one the region speaks about.
        if region in ("concave", "positive-over"):
            prop = "concave" if rng.random() < 0.7 else "convex"
        elif region in ("negative", "one-big", "one-big-under"):
            prop = "convex" if rng.random() < 0.7 else "concave"
        holds = convex if prop == "convex" else concave
        sign = 1 if prop == "convex" else -1
        witness = None
        if not holds:
            v = next(v for v in small_vectors(n) if sign * quadratic(m, v) < 0)
            witness = curvature(names, [1] * n, v)
        function = _power_text(rng, c, names, a, quotient=rng.random() < 0.4)
        fam.add(
            function=function,
            variables=names,
            property=prop,
            expect="holds" if holds else "fails",
            domain={nm: "positive" for nm in names},
            note=(
                f"exponents {[text(e) for e in a]}: the Hessian is f*D*M*D with M = aa^T - "
                f"diag(a) constant; M is {'PSD' if convex else 'NSD' if concave else 'indefinite'}"
            ),
            witness=witness,
        )
    return fam.claims


def _family_power_exp() -> list[CorpusClaim]:
    fam = _Family("a-power-exp")
    rng = fam.rng
    # holds: all exponents <= 0 -> log f = sum a_i log x_i + b.x is convex -> f convex.
    for n in (1, 2, 3):
        names = NAMES[:n]
        a = [rng.choice(NEGATIVE_EXPONENTS) for _ in range(n)]
        b = [rng.choice([-2, -1, Q(-1, 2), Q(1, 2), 1, 2]) for _ in range(n)]
        c = rng.choice([Q(1), Q(2), Q(1, 3)])
        lin = " + ".join(f"{num(bi)}*{nm}" for bi, nm in zip(b, names, strict=True))
        bottom = "*".join(power(nm, -ai) for nm, ai in zip(names, a, strict=True))
        fam.add(
            function=f"{num(c)}*exp({lin})/({bottom})",
            variables=names,
            property="convex",
            expect="holds",
            domain={nm: "positive" for nm in names},
            note="log f = log c - sum |a_i| log x_i + b.x is convex, so f = exp(log f) is convex",
        )
    # holds: x**a * exp(b x), a >= 1, b > 0: a product of nonnegative nondecreasing convex
    # functions is convex ((fg)'' = f''g + 2f'g' + fg'' >= 0).
    for a, b in ((Q(3, 2), Q(1)), (Q(2), Q(1, 2))):
        fam.add(
            function=f"x**{num(a)}*exp({num(b)}*x)",
            variables=["x"],
            property="convex",
            expect="holds",
            domain={"x": "positive"},
            note="product of nonnegative nondecreasing convex functions",
        )
    # fails: x**a * exp(b x), 0 < a < 1, b > 0.  f''/f = (a/x + b)**2 - a/x**2 < 0 for
    # x < (sqrt(a) - a)/b (not convex); > 0 for large x (not concave).
    for a, b in ((Q(1, 2), Q(1)), (Q(1, 3), Q(2))):
        root = (math.sqrt(a) - a) / b
        small = near(root / 2, 10**4)
        big = Q(40) / b
        fam.add(
            function=f"x**{num(a)}*exp({num(b)}*x)",
            variables=["x"],
            property="convex",
            expect="fails",
            domain={"x": "positive"},
            note=f"f''/f = (a/x + b)**2 - a/x**2 < 0 for x < (sqrt(a)-a)/b = {root:.4g}",
            witness=curvature(["x"], [small], [1]),
        )
        fam.add(
            function=f"x**{num(a)}*exp({num(b)}*x)",
            variables=["x"],
            property="concave",
            expect="fails",
            domain={"x": "positive"},
            note="f''/f -> b**2 > 0 as x grows",
            witness=curvature(["x"], [big], [1]),
        )
    # fails: x**a * exp(-b x), a > 0, b > 0: at x = a/b, f''/f = -a/x**2 < 0.
    for a, b in ((Q(5, 2), Q(1)), (Q(3, 2), Q(1, 2))):
        fam.add(
            function=f"x**{num(a)}*exp({num(-b)}*x)",
            variables=["x"],
            property="convex",
            expect="fails",
            domain={"x": "positive"},
            note="at x = a/b, f''/f = -a/x**2 < 0",
            witness=curvature(["x"], [a / b], [1]),
        )
    # fails (2 variables): one exponent in (0, 1): d2f/dx_i2 = f*((a_i/x_i + b_i)**2 - a_i/x_i**2).
    a = [Q(1, 2), Q(-1)]
    b = [Q(1), Q(-1)]
    root = (math.sqrt(a[0]) - a[0]) / b[0]
    fam.add(
        function="sqrt(x)*exp(x - y)/y",
        variables=["x", "y"],
        property="convex",
        expect="fails",
        domain={"x": "positive", "y": "positive"},
        note="d2f/dx2 = f*((1/(2x) + 1)**2 - 1/(2x**2)) < 0 for small x",
        witness=curvature(["x", "y"], [near(root / 2, 10**4), 1], [1, 0]),
    )
    return fam.claims


def _family_perspective() -> list[CorpusClaim]:
    fam = _Family("a-perspective")
    # y g(x/y) with y > 0 is convex (concave) iff g is: its Hessian is
    # g''(t)/y [[1, -t], [-t, t**2]], t = x/y.
    xy = ["x", "y"]
    positive = {"x": "positive", "y": "positive"}
    cases = [
        ("y*exp(2*x/y)", {"y": "positive"}, "convex", None),
        ("y*exp(-x/y) + x**2/y", {"y": "positive"}, "convex", None),
        ("x*log(3*x/y)", positive, "convex", None),
        ("x*log(3*x/y)", positive, "concave", ([1, 1], [1, 0])),
        ("y*log(1 + x/y)", positive, "concave", None),
        ("(x**2 + y**2)/(x + y)", positive, "convex", None),
        ("(x**2 + y**2)/(x + y)", positive, "concave", ([1, 1], [1, 0])),
        ("y*sin(x/y)", {"y": "positive"}, "convex", ([Q(157, 100), 1], [1, 0])),
        # exp(x)/y = exp(x - log y), log-convex; exp(x)*y has Hessian det -exp(2x) < 0.
        ("exp(x)/y", {"y": "positive"}, "convex", None),
        ("exp(x)*y", {"y": "positive"}, "convex", ([0, 1], [1, -2])),
    ]
    for function, domain, prop, witness in cases:
        fam.add(
            function=function,
            variables=xy,
            property=prop,
            expect="holds" if witness is None else "fails",
            domain=domain,
            note="a perspective y*g(x/y) (g = exp, exp(-t) + t**2, t log t, log(1 + t), "
            "(t**2 + 1)/(t + 1) with g'' = 4/(t + 1)**3, sin) or exp(x) y**(+-1)",
            witness=None if witness is None else curvature(xy, *witness),
        )
    return fam.claims


def _box_vertices(bounds: Sequence[tuple[Q, Q]]) -> list[tuple[Q, ...]]:
    return list(itertools.product(*bounds))


def _random_box(
    rng: random.Random, n: int, *, lows: Sequence[Q], widths: Sequence[Q]
) -> list[tuple[Q, Q]]:
    out = []
    for _ in range(n):
        lo = rng.choice(list(lows))
        out.append((lo, lo + rng.choice(list(widths))))
    return out


def _family_log_poly() -> list[CorpusClaim]:
    fam = _Family("a-log-poly")
    rng = fam.rng
    # (i) log of a product of affine factors positive on the box, expanded: concave.
    for n, k in ((2, 2), (2, 3), (3, 2), (1, 3)):
        names = NAMES[:n]
        bounds = _random_box(
            rng, n, lows=[Q(0), Q(1, 2), Q(1), Q(-1)], widths=[Q(1), Q(2), Q(3, 2)]
        )
        while True:
            factors = []
            for _ in range(k):
                coefficients = [rng.choice([-2, -1, 0, 1, 1, 2, Q(1, 2)]) for _ in range(n)]
                if not any(coefficients):
                    coefficients[0] = 1
                low = sum(
                    min(Q(a) * lo, Q(a) * hi)
                    for a, (lo, hi) in zip(coefficients, bounds, strict=True)
                )
                factors.append((coefficients, -low + rng.choice([Q(1, 2), Q(1), Q(2)])))
            if set().union(*({i for i, a in enumerate(co) if a} for co, _ in factors)) == set(
                range(n)
            ):
                break
        product = Poly.const(names, rng.choice([1, 1, 2, Q(1, 2)]))
        for coefficients, c in factors:
            product = product * Poly.affine(names, coefficients, c)
        domain = {nm: box(lo, hi) for nm, (lo, hi) in zip(names, bounds, strict=True)}
        function = f"log({product.render()})"
        prop = "concave" if rng.random() < 0.7 else "convex"
        witness = None
        if prop == "convex":
            center = [(lo + hi) / 2 for lo, hi in bounds]
            witness = curvature(names, center, factors[0][0])
        fam.add(
            function=function,
            variables=names,
            property=prop,
            expect="holds" if prop == "concave" else "fails",
            domain=domain,
            note="the polynomial is a product of affine factors each >= 1/2 on the box, so log "
            "of it is a sum of logs of affine functions: concave, and not affine (curvature "
            "-sum (a_i.v)**2/l_i**2 < 0 along a factor's normal)",
            witness=witness,
        )
    # (ii) log(c - Q(x - p)) with Q PSD and c > max over the box: concave.
    for n in (2, 2, 3):
        names = NAMES[:n]
        bounds = _random_box(rng, n, lows=[Q(-1), Q(0), Q(1)], widths=[Q(1), Q(2)])
        p = [rng.choice([lo, hi, (lo + hi) / 2]) for lo, hi in bounds]
        while True:
            qm = [[Q(0)] * n for _ in range(n)]
            for i in range(n):
                qm[i][i] = Q(rng.choice([1, 2, 3]))
            i, j = 0, 1
            qm[i][j] = qm[j][i] = Q(rng.choice([-1, 1, Q(1, 2), Q(-1, 2)]))
            if is_psd(qm):
                break
        shifted = [Poly.affine(names, [int(k == i) for k in range(n)], -p[i]) for i in range(n)]
        form = Poly(names)
        for i in range(n):
            for j in range(n):
                form = form + (shifted[i] * shifted[j]).scale(qm[i][j])
        top = max(form(v) for v in _box_vertices(bounds))
        c = top + rng.choice([Q(1, 2), Q(1), Q(3)])
        g = Poly.const(names, c) - form
        prop = "concave" if rng.random() < 0.7 else "convex"
        witness = None
        if prop == "convex":
            witness = curvature(names, [(lo + hi) / 2 for lo, hi in bounds], [1] + [0] * (n - 1))
        fam.add(
            function=f"log({g.render()})",
            variables=names,
            property=prop,
            expect="holds" if prop == "concave" else "fails",
            domain={nm: box(lo, hi) for nm, (lo, hi) in zip(names, bounds, strict=True)},
            note="log of a concave quadratic that is >= 1/2 on the box (its minimum is at a "
            "vertex): concave; along x the curvature is <= -2*Q11/g < 0",
            witness=witness,
        )
    # (iii) log(sum a_i (x_i - p_i)**2 + c): convex on the box iff the box lies in the
    # ellipsoid sum a_i (x_i - p_i)**2 <= c (radial curvature 2(c - r**2)/s**2, others > 0);
    # never concave in >= 2 variables; in one variable concave iff a(x - p)**2 >= c on it.
    for n, want in (
        (2, "holds"),
        (2, "fails"),
        (3, "holds"),
        (2, "edge"),
        (3, "fails"),
        (1, "holds"),
        (1, "fails"),
    ):
        names = NAMES[:n]
        bounds = _random_box(rng, n, lows=[Q(-1), Q(0), Q(1, 2)], widths=[Q(1), Q(2)])
        p = [rng.choice([lo, hi, (lo + hi) / 2, lo - 1]) for lo, hi in bounds]
        a = [Q(rng.choice([1, 2, Q(1, 2)])) for _ in range(n)]

        def form(x: Sequence[Q], a: list[Q] = a, p: list[Q] = p) -> Q:
            return sum((ai * (xi - pi) ** 2 for ai, xi, pi in zip(a, x, p, strict=True)), Q(0))

        top = max(form(v) for v in _box_vertices(bounds))
        poly = Poly(names)
        for i in range(n):
            s = Poly.affine(names, [int(k == i) for k in range(n)], -p[i])
            poly = poly + (s * s).scale(a[i])
        center = [(lo + hi) / 2 for lo, hi in bounds]
        if want in ("holds", "edge"):
            c = top if want == "edge" else top + rng.choice([Q(1, 2), Q(2)])
            if c == 0:
                c = Q(1)
            fam.add(
                function=f"log({(poly + Poly.const(names, c)).render()})",
                variables=names,
                property="convex",
                expect="holds",
                domain={nm: box(lo, hi) for nm, (lo, hi) in zip(names, bounds, strict=True)},
                note=f"sum a_i (x_i - p_i)**2 <= {text(top)} <= c on the box (max at a vertex), "
                "so every eigenvalue of the Hessian, 2(c - r**2)/s**2 radially, is >= 0",
                probes=[_point(names, v) for v in _box_vertices(bounds) if form(v) == top][:2],
            )
        else:
            vertex = max(_box_vertices(bounds), key=form)
            inner = [v + (m - v) / 10 for v, m in zip(vertex, center, strict=True)]
            c = form(inner) * rng.choice([Q(1, 4), Q(1, 2), Q(3, 4)])
            if c <= 0:
                c = Q(1, 10)
            assert form(inner) > c
            direction = [xi - pi for xi, pi in zip(inner, p, strict=True)]
            fam.add(
                function=f"log({(poly + Poly.const(names, c)).render()})",
                variables=names,
                property="convex",
                expect="fails",
                domain={nm: box(lo, hi) for nm, (lo, hi) in zip(names, bounds, strict=True)},
                note="at a point where r**2 = sum a_i (x_i - p_i)**2 > c the radial curvature "
                "2(c - r**2)/s**2 is negative",
                witness=curvature(names, inner, direction),
            )
        if n >= 2 and want == "holds":
            # Never concave: the tangential curvature is 2 v^T A v / s > 0.
            x0 = center
            r = [ai * (xi - pi) for ai, xi, pi in zip(a, x0, p, strict=True)]
            v = [r[1], -r[0]] + [Q(0)] * (n - 2) if any(r[:2]) else [1] + [0] * (n - 1)
            fam.add(
                function=f"log({(poly + Poly.const(names, c)).render()})",
                variables=names,
                property="concave",
                expect="fails",
                domain={nm: box(lo, hi) for nm, (lo, hi) in zip(names, bounds, strict=True)},
                note="tangentially (v with (x-p)^T A v = 0) the curvature is 2 v^T A v/s > 0",
                witness=curvature(names, x0, v),
            )
    # one variable, concave: a box that stays at distance >= sqrt(c/a) from p.
    for shift, c, want in ((Q(1), Q(1), "holds"), (Q(2), Q(4), "holds"), (Q(1, 2), Q(1), "fails")):
        lo, hi = Q(3) + shift, Q(6)
        p = Q(3)
        # a = 1: concave iff (x - p)**2 >= c on [lo, hi], i.e. shift**2 >= c.
        holds = shift**2 >= c
        assert (want == "holds") == holds
        poly = Poly.affine(["x"], [1], -p) * Poly.affine(["x"], [1], -p) + Poly.const(["x"], c)
        fam.add(
            function=f"log({poly.render()})",
            variables=["x"],
            property="concave",
            expect=want,
            domain={"x": box(lo, hi)},
            note="f'' = 2(c - u**2)/(c + u**2)**2 with u = x - 3: concave iff u**2 >= c on the box",
            witness=None if holds else curvature(["x"], [lo + Q(1, 10)], [1]),
            probes=[{"x": text(lo)}] if holds else [],
        )
    return fam.claims


def _family_power_mean() -> list[CorpusClaim]:
    fam = _Family("a-power-mean")
    rng = fam.rng
    plan = [
        (Q(-1), 2, "harmonic"),
        (Q(-1), 3, "harmonic"),
        (Q(-1), 2, "weighted"),
        (Q(-1), 3, "weighted"),
        (Q(-2), 2, "general"),
        (Q(-1, 2), 2, "general"),
        (Q(1, 3), 2, "general"),
        (Q(1, 2), 2, "sqrt"),
        (Q(1, 2), 3, "sqrt"),
        (Q(2, 3), 3, "general"),
        (Q(3, 2), 2, "general"),
        (Q(2), 2, "norm"),
        (Q(2), 3, "norm"),
        (Q(3), 2, "general"),
        (Q(4), 3, "general"),
    ]
    for r, n, form in plan:
        names = NAMES[:n]
        w = (
            [Q(1)] * n
            if form in ("harmonic",)
            else [rng.choice([1, 2, 3, Q(1, 2)]) for _ in range(n)]
        )
        c = rng.choice([Q(1), Q(2), Q(1, 3)])
        if form == "harmonic":
            # 1/(1/x + 2/y) and 1/(2/x + 3/y + 1/z), written as one quotient.
            if n == 2:
                function = times(c, "x*y/(y + 2*x)")
            else:
                function = times(c, "x*y*z/(x*y + 2*y*z + 3*x*z)")
        elif form == "weighted":
            function = (
                f"{num(c)}/("
                + " + ".join(f"{num(wi)}/{nm}" for wi, nm in zip(w, names, strict=True))
                + ")"
            )
        elif form == "sqrt":
            function = times(
                c,
                "("
                + " + ".join(f"{num(wi)}*sqrt({nm})" for wi, nm in zip(w, names, strict=True))
                + ")**2",
            )
        elif form == "norm":
            function = times(
                c,
                "sqrt("
                + " + ".join(f"{num(wi)}*{nm}**2" for wi, nm in zip(w, names, strict=True))
                + ")",
            )
        else:
            function = times(
                c,
                "("
                + " + ".join(f"{num(wi)}*{nm}**{num(r)}" for wi, nm in zip(w, names, strict=True))
                + f")**{num(1 / r)}",
            )
        # Power means (sum w_i x_i**r)**(1/r) with w_i > 0 on the positive orthant: convex
        # for r >= 1, concave for r <= 1 (r != 0).  Along v at x = 1,
        # f'' = (r - 1) W**(1/r - 2) (W sum w v**2 - (sum w v)**2), of the sign of r - 1
        # for v not parallel to (1, ..., 1).
        true_prop = "convex" if r > 1 else "concave"
        prop = true_prop if rng.random() < 0.65 else _opposite(true_prop)
        holds = prop == true_prop
        fam.add(
            function=function,
            variables=names,
            property=prop,
            expect="holds" if holds else "fails",
            domain={nm: "positive" for nm in names},
            note=f"weighted power mean, r = {text(r)}: {true_prop} (Minkowski; reverse for r < 1)",
            witness=None if holds else curvature(names, [1] * n, [1, -1] + [0] * (n - 2)),
        )
    return fam.claims


def _family_log_det() -> list[CorpusClaim]:
    fam = _Family("a-log-det")
    rng = fam.rng
    kinds = ["log", "log", "neglog", "sqrt", "inverse", "log", "sqrt", "neglog", "inverse", "log"]
    sizes = [2, 2, 2, 2, 2, 3, 3, 2, 3, 3]
    wrong = {1, 4, 6, 9}  # which ones ask the property that fails
    for index, (kind, size) in enumerate(zip(kinds, sizes, strict=True)):
        n = 3 if size == 2 else rng.choice([3, 4])
        names = NAMES[:n]
        bounds = _random_box(rng, n, lows=[Q(-1), Q(0), Q(1)], widths=[Q(1), Q(2)])
        while True:
            matrix = [[Poly(names) for _ in range(size)] for _ in range(size)]
            for i in range(size):
                for j in range(i, size):
                    if size == 3 and abs(i - j) == 2 and rng.random() < 0.7:
                        continue
                    coefficients = [rng.choice([0, 0, 1, -1, Q(1, 2), 2]) for _ in range(n)]
                    offset = rng.choice([4, 5, 6, 8]) if i == j else rng.choice([0, 1, -1])
                    matrix[i][j] = Poly.affine(names, coefficients, offset)
                    matrix[j][i] = matrix[i][j]
            used = set().union(*(matrix[i][j].support() for i in range(size) for j in range(size)))
            if used != set(range(n)):
                continue
            if all(
                is_pd([[matrix[i][j](v) for j in range(size)] for i in range(size)])
                for v in _box_vertices(bounds)
            ):
                break
        # det as a polynomial (Leibniz; size <= 3)
        d = Poly(names)
        for perm in itertools.permutations(range(size)):
            sign = 1
            for i in range(size):
                for j in range(i + 1, size):
                    if perm[i] > perm[j]:
                        sign = -sign
            term = Poly.const(names, sign)
            for i in range(size):
                term = term * matrix[i][perm[i]]
            d = d + term
        if d.support() != set(range(n)):
            continue  # pragma: no cover - a variable cancelled (never with these seeds)
        body = d.render()
        true_prop = {"log": "concave", "neglog": "convex", "sqrt": "concave", "inverse": "convex"}[
            kind
        ]
        function = {
            "log": f"log({body})",
            "neglog": f"-log({body})",
            "sqrt": f"sqrt({body})",
            "inverse": f"1/({body})",
        }[kind]
        if size == 3 and kind == "sqrt":
            function = f"({body})**(1/3)"
        prop = _opposite(true_prop) if index in wrong else true_prop
        holds = prop == true_prop
        witness = None
        if not holds:
            center = [(lo + hi) / 2 for lo, hi in bounds]
            # Along v: with D, D' = D_v det, D'' = D_v D_v det exact, the sign of f'' is
            # log: D D'' - D'**2; sqrt/cube root: a positive multiple of k D D'' - (k-1)... ;
            # inverse: 2 D'**2 - D D''.  Find v making it of the wrong sign.
            chosen = None
            for v in small_vectors(n, 2):
                d1 = d.along(v)
                d2 = d1.along(v)
                D, D1, D2 = d(center), d1(center), d2(center)
                if kind in ("log", "neglog"):
                    s = D * D2 - D1**2
                    s = -s if kind == "neglog" else s
                elif kind == "sqrt":
                    k = Q(size)  # D**(1/k): f'' ∝ k D D'' - (k - 1) D'**2
                    s = k * D * D2 - (k - 1) * D1**2
                else:
                    s = 2 * D1**2 - D * D2
                want_positive = prop == "concave"
                if (s > 0) if want_positive else (s < 0):
                    chosen = v
                    break
            assert chosen is not None
            witness = curvature(names, center, chosen)
        fam.add(
            function=function,
            variables=names,
            property=prop,
            expect="holds" if holds else "fails",
            domain={nm: box(lo, hi) for nm, (lo, hi) in zip(names, bounds, strict=True)},
            note=f"det of a symmetric {size}x{size} affine matrix, PD at every vertex of the box "
            "(so on the box: PD preimages are convex); log det and det**(1/n) are concave, "
            "1/det = exp(-log det) and -log det convex",
            witness=witness,
        )
    return fam.claims


# Terms g with lambda_min(Hess g) >= -m, the bound attained; their worst point is
# where u = a.x + b = 0 (except as noted).
def _family_compensation() -> list[CorpusClaim]:
    fam = _Family("a-compensation")
    rng = fam.rng

    def affine_text(a: Sequence[Q], b: Q, names: Sequence[str]) -> str:
        return Poly.affine(names, a, b).render()

    # name -> (text of k*g given (k, u text, names), m(k, |a|^2), worst-point kind)
    def term(
        kind: str, k: Q, a: list[Q], b: Q, names: Sequence[str]
    ) -> tuple[str, float, Q | None]:
        u = affine_text(a, b, names)
        a2 = sum(x * x for x in a)
        if kind == "neg-log1p-square":
            return kterm(-k, f"log(1 + ({u})**2)"), None, 2 * k * a2
        if kind == "cos":
            return kterm(k, f"cos({u})"), None, k * a2
        if kind == "neg-softplus":
            return kterm(-k, f"log(1 + exp({u}))"), None, k * a2 / 4
        if kind == "neg-gauss":
            return kterm(-k, f"exp(-({u})**2)"), 4 * float(k) * math.exp(-1.5) * float(a2), None
        raise ValueError(kind)

    kinds = ["neg-log1p-square", "cos", "neg-softplus", "neg-gauss"]
    plan = [(kind, want) for kind in kinds for want in ("holds", "fails", "edge")]
    for kind, want in plan:
        n = rng.choice([1, 2, 2, 3])
        names = NAMES[:n]
        k = rng.choice([Q(1), Q(2), Q(1, 2), Q(3)])
        a = [rng.choice([1, -1, 2, Q(1, 2)]) for _ in range(n)]
        a = [Q(x) for x in a]
        b = Q(rng.choice([0, 1, -1, Q(1, 2)]))
        piece, m_float, m_exact = term(kind, k, a, b, names)
        # convex iff 2c >= m: the worst point (u = 0, or u**2 = 3/2 for the Gaussian)
        # is reached on the real line.
        if m_exact is not None:
            threshold = m_exact / 2
            if want == "edge":
                c = threshold
            elif want == "holds":
                c = threshold * rng.choice([Q(5, 4), Q(2), Q(3, 2)])
            else:
                c = threshold * rng.choice([Q(3, 4), Q(1, 2), Q(9, 10)])
        else:
            threshold_f = m_float / 2
            if want == "fails":
                c = near(threshold_f * rng.choice([0.8, 0.6]), 100)
            else:
                c = near(threshold_f * rng.choice([1.1, 1.5]), 100)
                want = "holds"
                while float(c) < threshold_f * 1.04:
                    c += Q(1, 100)
        base = " + ".join(f"{nm}**2" for nm in names)
        function = f"{num(c)}*({base}){piece}" if n > 1 else f"{num(c)}*x**2{piece}"
        # The worst point: u = 0 (first variable moved), direction a.
        if kind == "neg-gauss":
            u_star = near(math.sqrt(1.5), 10**4)
        else:
            u_star = Q(0)
        i0 = 0
        point = [Q(0)] * n
        point[i0] = (u_star - b) / a[i0]
        domain: dict[str, Any] = {}
        if rng.random() < 0.4:
            domain = {
                nm: box(min(-2, point[i] - 1), max(3, point[i] + 1)) for i, nm in enumerate(names)
            }
        holds = want != "fails"
        fam.add(
            function=function,
            variables=names,
            property="convex",
            expect="holds" if holds else "fails",
            domain=domain,
            note=f"Hess = 2c I + Hess g, lambda_min(Hess g) >= -{(m_float or float(m_exact)):.4g}"
            f" attained at u = {text(u_star)}; convex iff 2c >= m (c = {text(c)})",
            witness=None if holds else curvature(names, point, a),
            probes=[_point(names, point)] if holds else [],
        )
    # Two terms: "holds" by the sum of the bounds; "fails" at an exact worst point.
    names = NAMES[:2]
    fam.add(
        function="3*(x**2 + y**2) + sin(x)*sin(y) - log(1 + (x + y)**2)",
        variables=names,
        property="convex",
        expect="holds",
        note="lambda_min >= 6 - 1 - 4 > 0 (sum of the two bounds)",
        probes=[{"x": "0", "y": "0"}],
    )
    fam.add(
        function="(1/4)*(x**2 + y**2) + sin(x)*sin(y)",
        variables=names,
        property="convex",
        expect="fails",
        note="at (0, 0) along (1, -1): 4c - 2 = -1 < 0",
        witness=curvature(names, [0, 0], [1, -1]),
    )
    fam.add(
        function="(1/2)*(x**2 + y**2) + sin(x)*sin(y)",
        variables=names,
        property="convex",
        expect="holds",
        note="Hess sin(x)sin(y) has eigenvalues cos(x+y), -cos(x-y) >= -1 = -2c: convex (edge)",
        probes=[{"x": "0", "y": "0"}, {"x": "1", "y": "1"}],
    )
    fam.add(
        function="x**2 + y**2 + z**2 - sqrt(1 + x**2 + y**2 + z**2)",
        variables=NAMES[:3],
        property="convex",
        expect="holds",
        note="Hess sqrt(1 + |x|**2) <= I/s <= I, so Hess f >= 2I - I",
        probes=[{"x": "0", "y": "0", "z": "0"}],
    )
    fam.add(
        function="(2/5)*(x**2 + y**2 + z**2) - sqrt(1 + x**2 + y**2 + z**2)",
        variables=NAMES[:3],
        property="convex",
        expect="fails",
        note="at 0 the Hessian is (4/5 - 1) I",
        witness=curvature(NAMES[:3], [0, 0, 0], [1, 0, 0]),
    )
    return fam.claims


# ============================================================ (b) one variable

# g -> (text of g(u), min g'', argmin, max g'', argmax) on the real line.
_SQ3 = math.sqrt(3)
ONE_VARIABLE_TERMS: dict[str, tuple[str, float, float, float, float]] = {
    "sin": ("sin({u})", -1.0, math.pi / 2, 1.0, -math.pi / 2),
    "cos": ("cos({u})", -1.0, 0.0, 1.0, math.pi),
    "atan": ("atan({u})", -3 * _SQ3 / 8, 1 / _SQ3, 3 * _SQ3 / 8, -1 / _SQ3),
    "tanh": ("tanh({u})", -4 * _SQ3 / 9, math.atanh(1 / _SQ3), 4 * _SQ3 / 9, -math.atanh(1 / _SQ3)),
    "erf": (
        "erf({u})",
        -2 * math.sqrt(2) * math.exp(-0.5) / math.sqrt(math.pi),
        1 / math.sqrt(2),
        2 * math.sqrt(2) * math.exp(-0.5) / math.sqrt(math.pi),
        -1 / math.sqrt(2),
    ),
    "sigmoid": (
        "1/(1 + exp(-({u})))",
        -_SQ3 / 18,
        math.log((3 + _SQ3) / (3 - _SQ3)),
        _SQ3 / 18,
        -math.log((3 + _SQ3) / (3 - _SQ3)),
    ),
    "gauss": ("exp(-({u})**2)", -2.0, 0.0, 4 * math.exp(-1.5), math.sqrt(1.5)),
    "cauchy": ("1/(1 + ({u})**2)", -2.0, 0.0, 0.5, 1.0),
    "log1p-square": ("log(1 + ({u})**2)", -0.25, _SQ3, 2.0, 0.0),
}


def _family_one_variable() -> list[CorpusClaim]:
    fam = _Family("b-one-variable")
    rng = fam.rng
    # f = c x**2 + k g(a x + b): f'' = 2c + k a**2 g''(u).
    terms = sorted(ONE_VARIABLE_TERMS)
    for index in range(10):
        kind = terms[index % len(terms)]
        template, lo, arg_lo, hi, arg_hi = ONE_VARIABLE_TERMS[kind]
        k = Q(rng.choice([1, 2, -1, Q(1, 2), 3]))
        a = Q(rng.choice([1, 2, Q(1, 2), -1]))
        b = Q(rng.choice([0, 1, Q(-1, 2)]))
        prop = "convex" if index % 3 != 2 else "concave"
        want = "holds" if rng.random() < 0.5 else "fails"
        margin = rng.choice([0.05, 0.2, 0.5])
        # convex: 2c + k a^2 gmin_eff >= 0, gmin_eff = lo if k > 0 else hi (times k<0).
        if prop == "convex":
            worst = lo if k > 0 else hi
            arg = arg_lo if k > 0 else arg_hi
            threshold = -float(k * a * a) * worst / 2  # c >= threshold
            c = threshold * (1 + margin) if want == "holds" else threshold * (1 - margin)
            if threshold <= 0:
                raise AssertionError("every template has curvature of both signs")
        else:
            worst = hi if k > 0 else lo
            arg = arg_hi if k > 0 else arg_lo
            threshold = -float(k * a * a) * worst / 2  # concave iff c <= threshold (< 0)
            c = threshold * (1 + margin) if want == "holds" else threshold * (1 - margin)
        cq = rounded(c)
        ok = cq >= threshold if prop == "convex" else cq <= threshold
        assert ok == (want == "holds") and abs(float(cq) - threshold) > 0.03 * abs(threshold)
        u = Poly.affine(["x"], [a], b).render()
        function = f"{num(cq)}*x**2" + kterm(k, template.format(u=u))
        x_star = (arg - float(b)) / float(a)
        point = near(x_star, 10**6)
        fam.add(
            function=function,
            variables=["x"],
            property=prop,
            expect=want,
            note=f"f'' = 2c + k a**2 g''(ax+b); g'' of {kind} ranges over [{lo:.6g}, {hi:.6g}] "
            f"(reached): {prop} iff c {'>=' if prop == 'convex' else '<='} {threshold:.6g}",
            witness=None if want == "holds" else curvature(["x"], [point], [1]),
            probes=[{"x": text(point)}] if want == "holds" else [],
        )
    # log(x) + c x**2 on [lo, hi]: f'' = 2c - 1/x**2; convex iff c >= 1/(2 lo**2),
    # concave iff c <= 1/(2 hi**2).
    for lo, hi, prop, factor in (
        (Q(1), Q(3), "convex", Q(1)),
        (Q(1), Q(3), "convex", Q(9, 10)),
        (Q(1, 2), Q(2), "concave", Q(1)),
        (Q(1, 2), Q(2), "concave", Q(11, 10)),
    ):
        threshold = 1 / (2 * lo * lo) if prop == "convex" else 1 / (2 * hi * hi)
        c = threshold * factor
        holds = c >= threshold if prop == "convex" else c <= threshold
        fam.add(
            function=f"log(x) + {num(c)}*x**2",
            variables=["x"],
            property=prop,
            expect="holds" if holds else "fails",
            domain={"x": box(lo, hi)},
            note=f"f'' = 2c - 1/x**2; threshold c = {text(threshold)} (exact)",
            witness=None if holds else curvature(["x"], [lo if prop == "convex" else hi], [1]),
            probes=[{"x": text(lo if prop == "convex" else hi)}] if holds else [],
        )
    # x log x - c x**2: f'' = 1/x - 2c; convex on [lo, hi] iff c <= 1/(2 hi); never on (0, oo).
    for hi, factor, domain in (
        (Q(2), Q(1), "box"),
        (Q(2), Q(6, 5), "box"),
        (Q(4), Q(1, 2), "positive"),
    ):
        threshold = 1 / (2 * hi)
        c = threshold * factor
        if domain == "box":
            holds = c <= threshold
            fam.add(
                function=f"x*log(x) - {num(c)}*x**2",
                variables=["x"],
                property="convex",
                expect="holds" if holds else "fails",
                domain={"x": box(Q(1, 4), hi)},
                note="f'' = 1/x - 2c, smallest at the right end",
                witness=None if holds else curvature(["x"], [hi], [1]),
                probes=[{"x": text(hi)}] if holds else [],
            )
        else:
            fam.add(
                function=f"x*log(x) - {num(c)}*x**2",
                variables=["x"],
                property="convex",
                expect="fails",
                domain={"x": "positive"},
                note="f'' = 1/x - 2c < 0 for x > 1/(2c)",
                witness=curvature(["x"], [1 / c], [1]),
            )
    # exp(a x) - c x**2 on x >= 0: f'' = a**2 e^(ax) - 2c, smallest at 0: convex iff c <= a**2/2.
    for a, c in ((Q(1), Q(1, 2)), (Q(1), Q(3, 5)), (Q(2), Q(3, 2)), (Q(2), Q(5, 2))):
        holds = c <= a * a / 2
        fam.add(
            function=f"exp({num(a)}*x) - {num(c)}*x**2" if a != 1 else f"exp(x) - {num(c)}*x**2",
            variables=["x"],
            property="convex",
            expect="holds" if holds else "fails",
            domain={"x": "nonnegative"},
            note="f'' = a**2 exp(a x) - 2c >= a**2 - 2c on x >= 0",
            witness=None if holds else curvature(["x"], [Q(1, 100)], [1]),
            probes=[{"x": "0"}] if holds else [],
        )
    # cosh(x) - c x**2 on the reals: convex iff c <= 1/2.
    for c in (Q(2), Q(21, 10)):
        holds = c <= 2
        fam.add(
            function=f"cosh(2*x) - {num(c)}*x**2",
            variables=["x"],
            property="convex",
            expect="holds" if holds else "fails",
            note="f'' = 4 cosh(2x) - 2c >= 4 - 2c",
            witness=None if holds else curvature(["x"], [0], [1]),
            probes=[{"x": "0"}] if holds else [],
        )
    # log(cosh(x)) + c x**2: f'' = sech(x)**2 + 2c in (2c, 2c + 1]: on the reals convex iff
    # c >= 0, concave iff c <= -1/2.
    for c, prop in ((Q(-1, 2), "concave"), (Q(-2, 5), "concave"), (Q(-1, 10), "convex")):
        holds = (c <= Q(-1, 2)) if prop == "concave" else (c >= 0)
        witness = None
        if not holds:
            witness = curvature(["x"], [0] if prop == "concave" else [10], [1])
        fam.add(
            function=f"log(cosh(x)) + {num(c)}*x**2",
            variables=["x"],
            property=prop,
            expect="holds" if holds else "fails",
            note="f'' = sech(x)**2 + 2c, sech**2 in (0, 1]",
            witness=witness,
            probes=[{"x": "0"}] if holds else [],
        )
    # Half-lines and boxes with exact (or clearly separated) thresholds.
    half_lines = [
        # log(1 + x) + a x**2 on x >= 0: f'' = 2a - 1/(1 + x)**2, convex iff a >= 1/2.
        ("log(1 + x) + (1/2)*x**2", "nonnegative", "convex", None, [0]),
        ("log(1 + x) + (2/5)*x**2", "nonnegative", "convex", Q(1, 100), []),
        # ... and concave iff a <= 0 (for a > 0, f'' > 0 for large x).
        ("log(1 + x) + (1/10)*x**2", "nonnegative", "concave", Q(3), []),
        # x exp(-x): f'' = (x - 2) exp(-x): concave exactly on x <= 2, convex on x >= 2.
        ("x*exp(-x)", box(0, 2), "concave", None, [2]),
        ("x*exp(-x)", box(0, Q(5, 2)), "concave", Q(9, 4), []),
        ("x*exp(-x)", box(2, 10), "convex", None, [2]),
        ("x*exp(-x)", box(Q(19, 10), 10), "convex", Q(39, 20), []),
        # exp(x) - a x**3 on x >= 0: min f'' = 6a (1 - log 6a), convex iff a <= e/6 = 0.4530.
        ("exp(x) - (2/5)*x**3", "nonnegative", "convex", None, []),
        ("exp(x) - (1/2)*x**3", "nonnegative", "convex", Q(10986, 10000), []),
        # x**2 log x: f'' = 2 log x + 3 >= 0 iff x >= exp(-3/2) = 0.2231.
        ("x**2*log(x)", box(Q(1, 4), 3), "convex", None, [Q(1, 4)]),
        ("x**2*log(x)", box(Q(1, 5), 3), "convex", Q(1, 5), []),
        # log(x)/x: f'' = (2 log x - 3)/x**3 <= 0 iff x <= exp(3/2) = 4.4817.
        ("log(x)/x", box(1, 4), "concave", None, [4]),
        ("log(x)/x", box(1, 5), "concave", Q(49, 10), []),
    ]
    for function, domain, prop, bad, probes in half_lines:
        fam.add(
            function=function,
            variables=["x"],
            property=prop,
            expect="holds" if bad is None else "fails",
            domain={"x": domain},
            note="f'' has a known sign change (see tests/_corpus.py)",
            witness=None if bad is None else curvature(["x"], [bad], [1]),
            probes=[{"x": text(p)} for p in probes],
        )
    # sin concave exactly on sub-intervals of [0, pi]; cos on [-pi/2, pi/2].
    for f, lo, hi in (
        ("sin(x)", Q(1, 10), Q(3)),
        ("sin(x)", Q(1, 10), Q(16, 5)),
        ("sin(x)", Q(-1, 20), Q(3)),
        ("cos(x)", Q(-3, 2), Q(3, 2)),
        ("cos(x)", Q(-3, 2), Q(8, 5)),
        ("tan(x)", Q(0), Q(3, 2)),
        ("tan(x)", Q(-1, 10), Q(1)),
    ):
        if f == "sin(x)":
            holds, prop = (lo >= 0 and hi <= Q(314159, 100000)), "concave"
            bad = (hi + Q(314159, 100000)) / 2 if hi > 3.1416 else lo / 2
        elif f == "cos(x)":
            holds, prop = (lo >= -Q(157079, 100000) and hi <= Q(157079, 100000)), "concave"
            bad = (hi + Q(15708, 10000)) / 2
        else:
            holds, prop = lo >= 0, "convex"
            bad = lo / 2
        fam.add(
            function=f,
            variables=["x"],
            property=prop,
            expect="holds" if holds else "fails",
            domain={"x": box(lo, hi)},
            note="sin'' = -sin <= 0 exactly on [0, pi]; cos'' = -cos <= 0 on [-pi/2, pi/2]; "
            "tan'' = 2 tan sec**2 >= 0 exactly for x >= 0",
            witness=None if holds else curvature(["x"], [bad], [1]),
            probes=[{"x": text(lo)}, {"x": text(hi)}] if holds else [],
        )
    return fam.claims


# ============================================================ (c) Piecewise


def _pw(pieces: Sequence[tuple[str, str]], last: str) -> str:
    return "Piecewise(" + ", ".join(f"({e}, {c})" for e, c in pieces) + f", ({last}, True))"


def _family_piecewise() -> list[CorpusClaim]:
    fam = _Family("c-piecewise")
    rng = fam.rng
    # C1: continuous piecewise linear with increasing slopes; planted: a slope that
    # decreases (downward kink) or a jump.
    for index in range(6):
        k = rng.choice([1, 2, 3, 4])
        breaks = sorted(rng.sample([Q(x, 2) for x in range(-8, 9)], k))
        slopes = sorted(rng.sample([Q(x, 2) for x in range(-8, 9)], k + 1))
        plant = ["none", "kink", "jump-down", "jump-up", "none", "kink"][index]
        j = rng.randrange(k)  # the breakpoint where the plant is
        if plant == "kink":
            slopes[j], slopes[j + 1] = slopes[j + 1], slopes[j]
        value0 = Q(rng.choice([-2, 0, 1, 3]))
        # piece i on (breaks[i-1], breaks[i]]: s_i x + c_i, continuous.
        intercepts = [value0]
        for i in range(k):
            # s_i b + c_i = s_{i+1} b + c_{i+1}
            intercepts.append((slopes[i] - slopes[i + 1]) * breaks[i] + intercepts[i])
        jump = Q(rng.choice([1, 2, Q(1, 2)]))
        if plant == "jump-down":
            for i in range(j + 1, k + 1):
                intercepts[i] -= jump
        if plant == "jump-up":
            for i in range(j + 1, k + 1):
                intercepts[i] += jump

        def line(i: int, slopes: list[Q] = slopes, intercepts: list[Q] = intercepts) -> str:
            return Poly.affine(["x"], [slopes[i]], intercepts[i]).render()

        function = _pw([(line(i), f"x <= {num(breaks[i])}") for i in range(k)], line(k))
        b = breaks[j]
        gap_left = b - (breaks[j - 1] if j > 0 else b - 4)
        gap_right = (breaks[j + 1] if j + 1 < k else b + 4) - b
        h = min(gap_left, gap_right) / 4
        if plant == "none":
            witness = None
        elif plant == "kink":
            witness = segment(["x"], [b - h], [b + h])
        elif plant == "jump-down":
            # f(b) (left piece) is above the right limit: Jensen fails at the midpoint b.
            h = min(h, jump / (4 * (abs(slopes[j]) + abs(slopes[j + 1]) + 1)))
            witness = segment(["x"], [b - h], [b + h])
        else:
            h = min(h, jump / (4 * (abs(slopes[j + 1]) + 1)))
            witness = segment(["x"], [b], [b + 2 * h])
        fam.add(
            function=function,
            variables=["x"],
            property="convex",
            expect="holds" if plant == "none" else "fails",
            note=f"piecewise linear, slopes {[text(s) for s in slopes]}, plant: {plant}",
            witness=witness,
            probes=[{"x": text(bk)} for bk in breaks] if plant == "none" else [],
        )
    # C2: continuous piecewise quadratic, a_i >= 0, one-sided derivatives nondecreasing;
    # planted: a concave piece or a downward kink.
    for index in range(5):
        k = rng.choice([1, 2, 3])
        breaks = sorted(rng.sample([Q(x) for x in range(-3, 4)], k))
        plant = ["none", "concave-piece", "kink", "none", "kink"][index]
        quad = [Q(rng.choice([0, Q(1, 2), 1, 2])) for _ in range(k + 1)]
        lin = [Q(rng.choice([-2, -1, 0, 1]))]
        const = [Q(rng.choice([0, 1]))]
        deltas = [Q(rng.choice([0, 0, Q(1, 2), 1, 2])) for _ in range(k)]
        j = rng.randrange(k + 1) if plant == "concave-piece" else rng.randrange(k)
        if plant == "concave-piece":
            quad[j] = -Q(rng.choice([Q(1, 2), 1]))
        if plant == "kink":
            deltas[j] = -Q(rng.choice([Q(1, 2), 1, 2]))
        for i in range(k):
            bk = breaks[i]
            slope_left = 2 * quad[i] * bk + lin[i]
            value = quad[i] * bk * bk + lin[i] * bk + const[i]
            s_next = slope_left + deltas[i] - 2 * quad[i + 1] * bk
            c_next = value - quad[i + 1] * bk * bk - s_next * bk
            lin.append(s_next)
            const.append(c_next)

        def piece(i: int, quad: list[Q] = quad, lin: list[Q] = lin, const: list[Q] = const) -> str:
            p = Poly(["x"], {(2,): quad[i], (1,): lin[i], (0,): const[i]})
            return p.render()

        function = _pw([(piece(i), f"x <= {num(breaks[i])}") for i in range(k)], piece(k))
        if plant == "none":
            witness = None
        elif plant == "kink":
            b = breaks[j]
            witness = segment(["x"], [b - Q(1, 100)], [b + Q(1, 100)])
        else:
            left = breaks[j - 1] if j > 0 else breaks[0] - 2
            right = breaks[j] if j < k else breaks[-1] + 2
            mid = (left + right) / 2
            h = (right - left) / 4
            witness = segment(["x"], [mid - h], [mid + h])
        fam.add(
            function=function,
            variables=["x"],
            property="convex",
            expect="holds" if plant == "none" else "fails",
            note=f"piecewise quadratic, leading coefficients {[text(a) for a in quad]}, "
            f"derivative jumps {[text(d) for d in deltas]}, plant: {plant}",
            witness=witness,
            probes=[{"x": text(bk)} for bk in breaks] if plant == "none" else [],
        )
    # C3: Huber with outer slope s (continuous at |u| = d): convex iff s >= d.
    for d, s, form in (
        (Q(1), Q(1), "abs"),
        (Q(1, 2), Q(1, 2), "chain"),
        (Q(2), Q(3), "abs"),
        (Q(1), Q(1, 2), "abs"),
        (Q(3, 2), Q(1), "chain"),
        (Q(1), Q(1), "affine2"),
        (Q(1, 2), Q(1, 4), "affine2"),
    ):
        scale = Q(rng.choice([1, 2, Q(1, 2)]))
        if form == "affine2":
            names = ["x", "y"]
            u = "x - 2*y + 1"
            point_of = lambda t: [t - 1, Q(0)]  # noqa: E731  (u = t at y = 0)
        else:
            names = ["x"]
            m = Q(rng.choice([0, 1, -1]))
            u = Poly.affine(["x"], [1], -m).render()
            point_of = lambda t, m=m: [t + m]  # noqa: E731
        inner = f"{num(scale / 2)}*({u})**2"
        outer = f"{num(scale * s)}*(abs({u}) - {num(d)}) + {num(scale * d * d / 2)}"
        condition = f"abs({u}) <= {num(d)}" if form != "chain" else f"{num(-d)} <= {u} <= {num(d)}"
        function = _pw([(inner, condition)], outer)
        holds = s >= d
        h = d / 4
        fam.add(
            function=function,
            variables=names,
            property="convex",
            expect="holds" if holds else "fails",
            note="Huber-like: quadratic inside |u| <= d, slope s outside, continuous; the "
            "one-sided derivatives at u = d are d and s: convex iff s >= d",
            witness=None if holds else segment(names, point_of(d - h), point_of(d + h)),
            probes=[_point(names, point_of(d))] if holds else [],
        )
    # C4: leaky ReLU a*max-like with slope s on the left: convex iff s <= 1, concave iff s >= 1.
    for s, prop in (
        (Q(1, 5), "convex"),
        (Q(3, 2), "convex"),
        (Q(3), "concave"),
        (Q(1, 3), "concave"),
    ):
        a = Q(rng.choice([1, 2]))
        m = Q(rng.choice([0, 1]))
        u = Poly.affine(["x"], [1], -m).render()
        function = _pw([(f"{num(a)}*({u})", f"x >= {num(m)}")], f"{num(a * s)}*({u})")
        holds = s <= 1 if prop == "convex" else s >= 1
        fam.add(
            function=function,
            variables=["x"],
            property=prop,
            expect="holds" if holds else "fails",
            note="leaky ReLU: slopes s then 1 at the kink; convex iff s <= 1",
            witness=None if holds else segment(["x"], [m - 1], [m + 1]),
        )
    # C5: ELU: convex iff 0 <= alpha <= 1; never concave.
    for alpha, prop in (
        (Q(9, 10), "convex"),
        (Q(1, 2), "convex"),
        (Q(3, 2), "convex"),
        (Q(-1, 2), "convex"),
        (Q(1, 2), "concave"),
    ):
        function = _pw([("x", "x > 0")], f"{num(alpha)}*(exp(x) - 1)")
        if prop == "convex":
            holds = 0 <= alpha <= 1
            if alpha > 1:
                witness = segment(["x"], [Q(-1, 100)], [Q(1, 100)])
            elif alpha < 0:
                witness = segment(["x"], [-2], [-1])
            else:
                witness = None
        else:
            holds = False
            witness = segment(["x"], [-2], [-1])  # the left piece is strictly convex
        fam.add(
            function=function,
            variables=["x"],
            property=prop,
            expect="holds" if holds else "fails",
            note="ELU: left piece alpha*(e^x - 1) (curvature alpha e^x), slopes alpha then 1",
            witness=witness,
        )
    # C6: smooth L1: convex; with the wrong offset it jumps at |x| = b.
    for b, offset in ((Q(2), Q(1)), (Q(3, 4), Q(3, 8)), (Q(1), Q(1, 3))):
        function = _pw([(f"x**2/{num(2 * b)}", f"abs(x) < {num(b)}")], f"abs(x) - {num(offset)}")
        holds = offset == b / 2
        h = b / 10
        fam.add(
            function=function,
            variables=["x"],
            property="convex",
            expect="holds" if holds else "fails",
            note="smooth L1: continuous (and C1) iff the offset is b/2; else f jumps up at x = b",
            witness=None if holds else segment(["x"], [b - h], [b + h]),
            probes=[{"x": text(b)}] if holds else [],
        )
    # C7: a jump at an end of a closed domain: allowed upward, not downward.
    for end, jump in (
        ("left", Q(3, 2)),
        ("left", Q(-1, 4)),
        ("right", Q(1)),
        ("right", Q(-1)),
        ("interior", Q(1)),
    ):
        if end == "left":
            function = _pw([(num(jump), "x <= 0")], "x**2 + x/2")
            witness = None if jump >= 0 else segment(["x"], [0], [Q(1, 10)])
        elif end == "right":
            function = _pw([("exp(x) - 1", "x < 1")], f"exp(1) - 1 + {num(jump)}")
            witness = None if jump >= 0 else segment(["x"], [Q(9, 10)], [1])
        else:
            function = _pw([("exp(x)", "x < 1/2")], f"exp(x) + {num(jump)}")
            witness = segment(["x"], [Q(1, 2) - Q(1, 100)], [Q(1, 2) + Q(1, 100)])
        holds = witness is None
        fam.add(
            function=function,
            variables=["x"],
            property="convex",
            expect="holds" if holds else "fails",
            domain={"x": box(0, 1)},
            note="on the closed [0, 1] a convex piece with an upward jump at an end is convex; "
            "a downward end jump or any interior jump is not",
            witness=witness,
        )
    return fam.claims


# ============================================================ (d) normal forms


def _family_normal_forms() -> list[CorpusClaim]:
    fam = _Family("d-normal-form")
    rng = fam.rng
    names2 = ["x", "y"]
    # D1: products of exponentials of affine or quadratic parts; the total decides.
    for index in range(6):
        n = rng.choice([1, 2, 2, 3])
        names = NAMES[:n]
        quadratic_total = index % 2 == 1
        if quadratic_total:
            # total q = sum alpha_i (x_i - p_i)**2 + affine; convex iff all alpha_i >= 0
            alpha = [Q(rng.choice([1, Q(1, 2), 2])) for _ in range(n)]
            if index == 3:
                alpha[0] = -alpha[0]
            p = [Q(rng.choice([0, 1, -1])) for _ in range(n)]
            total = Poly(names)
            for i in range(n):
                s = Poly.affine(names, [int(k == i) for k in range(n)], -p[i])
                total = total + (s * s).scale(alpha[i])
        else:
            total = Poly.affine(
                names, [rng.choice([1, -1, 2, Q(1, 2)]) for _ in range(n)], rng.choice([0, 1])
            )
            alpha, p = [], []
        parts = []
        rest = total
        for _ in range(rng.choice([1, 2])):
            part = Poly(names)
            for m in total.terms:
                part = part + Poly(names, {m: Q(rng.choice([-2, -1, 1, 2, 3]))})
            parts.append(part)
            rest = rest - part
        parts.append(rest)
        c = Q(rng.choice([1, 2, Q(1, 3)]))
        function = times(c, "*".join(f"exp({part.render()})" for part in parts))
        if quadratic_total:
            holds = all(x >= 0 for x in alpha)
            prop = "convex"
            witness = None if holds else curvature(names, p, [1] + [0] * (n - 1))
            note = (
                "the exponents add up to sum alpha_i (x_i - p_i)**2: exp of a convex quadratic "
                "is convex; with alpha_1 < 0 the curvature at p along x is 2 alpha_1 c exp(0) < 0"
            )
        else:
            prop = "convex" if index % 4 == 0 else "concave"
            holds = prop == "convex"
            grad = [total.diff(i)([0] * n) for i in range(n)]
            witness = None if holds else curvature(names, [0] * n, grad)
            note = "the exponents add up to an affine function: exp(affine) is convex, not concave"
        fam.add(
            function=function,
            variables=names,
            property=prop,
            expect="holds" if holds else "fails",
            note=note,
            witness=witness,
        )
    # D2: powers on the positive orthant written with repeated factors / powers of products.
    for exps_parts, prop in (
        ({"x": [Q(1, 2), Q(-1, 4)], "y": [Q(1, 3)]}, "concave"),
        ({"x": [Q(2), Q(-1, 2)], "y": [Q(-1)]}, "convex"),
        ({"x": [Q(1, 3)], "y": [Q(1, 6), Q(1, 6)], "z": [Q(1, 4)]}, "concave"),
        ({"x": [Q(3, 2), Q(1, 2)], "y": [Q(-1, 2)]}, "convex"),
    ):
        names = list(exps_parts)
        factors = [f"{nm}**{num(e)}" for nm in names for e in exps_parts[nm]]
        rng.shuffle(factors)
        a = [sum(exps_parts[nm], Q(0)) for nm in names]
        m = power_matrix(a)
        sign = 1 if prop == "convex" else -1
        holds = is_psd([[sign * e for e in row] for row in m])
        witness = None
        if not holds:
            v = next(v for v in small_vectors(len(a)) if sign * quadratic(m, v) < 0)
            witness = curvature(names, [1] * len(a), v)
        fam.add(
            function="*".join(factors),
            variables=names,
            property=prop,
            expect="holds" if holds else "fails",
            domain={nm: "positive" for nm in names},
            note=f"combined exponents {[text(e) for e in a]}; M = aa^T - diag(a) decides",
            witness=witness,
        )
    # D3: polynomial parts that cancel (a product of affine factors minus its expansion)
    # plus an affine part plus a convex term; planted: a residual -k (w.x)**2 with w
    # along which the convex term is constant.
    convex_terms = [
        ("exp(x - y)", (1, 1)),
        ("log(1 + exp(x + 2*y))", (2, -1)),
        ("abs(x + y - 1)", (1, -1)),
        ("sqrt(1 + (x - y)**2)", (1, 1)),
    ]
    for index in range(8):
        term, w = convex_terms[(index // 2) % len(convex_terms)]
        factors = [
            Poly.affine(
                names2, [rng.choice([1, -1, 2]), rng.choice([1, -1, 0])], rng.choice([0, 1, -2])
            )
            for _ in range(3)
        ]
        product = factors[0] * factors[1] * factors[2]
        factored = "*".join(f"({f.render()})" for f in factors)
        affine = Poly.affine(
            names2, [rng.choice([1, -3, 2]), rng.choice([0, 1, -1])], rng.choice([0, 5])
        )
        planted = index % 2 == 1
        k = Q(rng.choice([1, 2, Q(1, 2)]))
        wx = Poly.affine(names2, list(w), 0)
        expanded = product + affine - (wx * wx).scale(k) if planted else product + affine
        function = f"{expanded.render()} - {factored} + {term}"
        a0 = [Q(0), Q(0)]
        fam.add(
            function=function,
            variables=names2,
            property="convex",
            expect="fails" if planted else "holds",
            note="the cubic parts cancel exactly; what is left is affine + a convex term"
            + (f" - {text(k)}*(w.x)**2 with the convex term constant along w" if planted else ""),
            witness=segment(names2, [a0[0] - w[0], a0[1] - w[1]], [a0[0] + w[0], a0[1] + w[1]])
            if planted
            else None,
        )
    # D4: |affine|**p: convex iff p >= 1.
    for p, extra in (
        (Q(3, 2), ""),
        (Q(1), " + exp(x + y)"),
        (Q(3), ""),
        (Q(4, 3), " + (x + y)**2"),
        (Q(1, 2), ""),
        (Q(2, 3), " + exp(x + y)"),
        (Q(3, 4), ""),
    ):
        c = Q(rng.choice([1, 2, Q(1, 2)]))
        u = "x - y + 1"
        function = f"{num(c)}*abs({u})**{num(p)}{extra}"
        holds = p >= 1
        # Along w = (1, -1) (u moves by 2 per unit, x + y fixed): from u = 0 to u = 2h.
        h = Q(1, 4)
        a = [Q(-1) + 0, Q(0)]  # u = 0 at x = -1, y = 0
        b = [a[0] + h, a[1] - h]  # u = 2h, x + y unchanged
        fam.add(
            function=function,
            variables=names2,
            property="convex",
            expect="holds" if holds else "fails",
            note="|u|**p is convex iff p >= 1; for p < 1 Jensen fails on [u = 0, u = 2h] "
            "(h**p > (2h)**p/2), along a direction where the other term is constant",
            witness=None if holds else segment(names2, a, b),
        )
    # D5: quadratic over linear with a denominator of known sign.
    for numerator, denominator, domain, prop, holds in (
        ("x**2 + y**2", "z", {"z": "negative"}, "concave", True),
        ("(x - 2*y)**2", "1 - z", {"z": box(2, 5)}, "concave", True),
        ("(x + y)**2 + x**2", "z + w - 1", {"z": box(2, 3), "w": box(0, 2)}, "convex", True),
        ("x**2", "-z", {"z": "positive"}, "concave", True),
        ("x**2 + y**2", "z", {"z": "negative"}, "convex", False),
        ("(x - y)**2", "2 - z", {"z": box(3, 4)}, "convex", False),
    ):
        names = [nm for nm in NAMES if nm in numerator or nm in denominator]
        sign = 1 if prop == "convex" else -1
        witness = None
        if not holds:
            point = [Q(0)] * len(names)
            zi = names.index("z")
            point[zi] = Q(-1) if domain["z"] == "negative" else Q(7, 2)
            witness = curvature(names, point, [1] + [0] * (len(names) - 1))
            del sign
        fam.add(
            function=f"({numerator})/({denominator})",
            variables=names,
            property=prop,
            expect="holds" if holds else "fails",
            domain=domain,
            note="u**2/v is convex for v > 0 and concave for v < 0 (u, v affine)",
            witness=witness,
        )
    # D6: log-sum-exp with positive constants.
    for function, prop, witness in (
        ("log(2*exp(x) + 3*exp(y))", "convex", None),
        ("log(exp(x) + exp(y) + 5)", "convex", None),
        ("log(exp(x) + exp(2*x) + 1/2)", "convex", None),
        ("log(3*exp(x - y) + exp(x + y) + exp(-2*y)/2)", "convex", None),
        ("log(2*exp(x) + exp(y))", "concave", curvature(names2, [0, 0], [1, -1])),
        ("-log(exp(x) + 4)", "convex", curvature(["x"], [0], [1])),
    ):
        names = [nm for nm in names2 if nm in function]
        fam.add(
            function=function,
            variables=names,
            property=prop,
            expect="holds" if witness is None else "fails",
            note="log(sum c_i exp(l_i)) = lse(l_i + log c_i) with c_i > 0: convex, and not "
            "affine when the l_i differ by non-constants",
            witness=witness,
        )
    return fam.claims


# ============================================================ (e) strict convexity

STRICT_TERMS: dict[str, tuple[str, str]] = {
    # name -> (text with {u}, the domain the variable needs: "real" or "positive")
    "square": ("({u})**2", "real"),
    "quartic": ("({u})**4", "real"),
    "exp": ("exp({u})", "real"),
    "cosh": ("cosh({u})", "real"),
    "softplus": ("log(1 + exp({u}))", "real"),
    "sqrt1p": ("sqrt(1 + ({u})**2)", "real"),
    "inverse": ("1/({u})", "positive"),
    "neglog": ("-log({u})", "positive"),
    "xlogx": ("({u})*log({u})", "positive"),
    "pow32": ("({u})**(3/2)", "positive"),
}


def _family_strict() -> list[CorpusClaim]:
    fam = _Family("e-strict")
    rng = fam.rng
    names_all = sorted(STRICT_TERMS)
    for index in range(9):
        n = rng.choice([1, 2, 3])
        names = NAMES[:n]
        domain = {}
        pieces = []
        for nm in names:
            term = rng.choice(names_all)
            template, need = STRICT_TERMS[term]
            a = Q(rng.choice([1, 2, Q(1, 2)]))
            if need == "positive":
                domain[nm] = "positive"
                u = f"{num(a)}*{nm}" if a != 1 else nm
            else:
                b = Q(rng.choice([0, 1, -1]))
                u = Poly.affine([nm], [a], b).render()
            c = Q(rng.choice([1, 2, Q(1, 3)]))
            pieces.append(times(c, template.format(u=u)))
        if index % 3 == 2 and n >= 2:
            pieces.append("abs(x - y)")  # convex, not strictly: the sum stays strict
        prop = "strictly-convex"
        function = " + ".join(pieces)
        if index % 4 == 3:
            function = "-(" + function + ")"
            prop = "strictly-concave"
        fam.add(
            function=function,
            variables=names,
            property=prop,
            expect="holds",
            domain=domain,
            note="a separable sum of strictly convex terms covering every variable (plus a "
            "convex term) is strictly convex",
        )
    # fails: a flat direction.
    flat_cases = [
        ("exp(x + y) + (x + y)**2", ["x", "y"], {}, ([0, 0], [1, -1])),
        ("cosh(x - 2*y) + 3*x - y", ["x", "y"], {}, ([0, 0], [2, 1])),
        ("x**2 + exp(x) + 3*y", ["x", "y"], {}, ([0, 0], [0, 1])),
        ("log(1 + exp(x - y + z)) + (x - y + z)**4", ["x", "y", "z"], {}, ([0, 0, 0], [1, 1, 0])),
        ("x**4 + y**2 + relu(z)", ["x", "y", "z"], {}, ([0, 0, 1], [0, 0, 2])),
        ("1/x + abs(y)", ["x", "y"], {"x": "positive"}, ([1, 1], [1, 2])),
        ("-sqrt(x*y) + exp(x)", ["x", "y"], {"x": "positive", "y": "positive"}, None),
        ("x**2 + 2*x*y + y**2", ["x", "y"], {}, ([0, 0], [1, -1])),
    ]
    for function, names, domain, line in flat_cases:
        if line is None:
            continue
        a, b = line
        fam.add(
            function=function,
            variables=names,
            property="strictly-convex",
            expect="fails",
            domain=domain,
            note="convex, and affine on the segment [a, b] (a flat direction)",
            witness=flat(names, a, b),
        )
    fam.add(
        function="-(x**2 + 2*x*y + y**2) + exp(-x - y)",
        variables=["x", "y"],
        property="strictly-concave",
        expect="fails",
        note="constant along (1, -1) (x + y fixed), so not strictly concave (nor concave)",
        witness=flat(["x", "y"], [0, 0], [1, -1]),
    )
    return fam.claims


# ============================================================ (f) invariance

# r(x) with r = 0 on the domain (holds) or not (fails, with a point where r(x) != r(y)).
INVARIANCE_PARTS: list[tuple[str, str, bool, tuple[Q, Q] | None]] = [
    # (r text with {v}, domain, r == 0 on it, witness (x, y) with r(x) != r(y))
    ("log(3*{v}) - log({v}) - log(3)", "positive", True, None),
    ("log({v}**2) - 2*log({v})", "positive", True, None),
    ("log(3*{v}) - log({v}) - log(2)", "positive", True, None),  # constant log(3/2): cancels
    ("abs({v}) - {v}", "nonnegative", True, None),
    ("abs({v}) - {v}", "real", False, (Q(-1), Q(1))),
    ("sqrt({v}**2) - {v}", "nonnegative", True, None),
    ("sqrt({v}**2) - {v}", "real", False, (Q(-2), Q(0))),
    ("Max(0, 3*{v}) - 3*Max(0, {v})", "real", True, None),
    ("Max(0, -2*{v}) + 2*Max(0, {v})", "real", False, (Q(1), Q(0))),
    ("relu(5*{v}) - 5*relu({v})", "real", True, None),
    ("abs(2*{v}) - 2*abs({v})", "real", True, None),
    ("abs(-2*{v}) + 2*abs({v})", "real", False, (Q(1), Q(0))),
    ("Piecewise(({v}, {v} >= 0), (0, True)) - relu({v})", "real", True, None),
    ("Piecewise(({v}, {v} >= 1), (0, True)) - relu({v})", "real", False, (Q(1, 2), Q(0))),
    ("exp({v} + 2)*exp(-{v}) - exp(2)", "real", True, None),
    ("Max({v}, 0) + Min({v}, 0) - {v}", "real", True, None),
    ("Max({v}, 0) + Min({v}, 1) - {v}", "real", False, (Q(1, 2), Q(0))),
    ("log(exp({v}) + exp(2*{v})) - {v} - log(1 + exp({v}))", "real", True, None),
]


def _family_invariance() -> list[CorpusClaim]:
    fam = _Family("f-invariance")
    rng = fam.rng
    symmetric = {
        "real": ["x*y + exp(x) + exp(y)", "(x - y)**2 + x + y", "relu(x) + relu(y) + x*y"],
        "positive": ["log(x) + log(y) + x*y", "x/y + y/x", "sqrt(x*y) + x + y"],
        "nonnegative": ["x*y + x + y", "exp(x) + exp(y)", "(x - y)**2"],
    }
    for part, domain, zero, point in INVARIANCE_PARTS:
        s = rng.choice(symmetric[domain])
        k = Q(rng.choice([1, 2, Q(1, 2)]))
        r = lambda v, part=part: part.format(v=v)  # noqa: E731
        function = f"{s}" + kterm(k, f"({r('x')} - ({r('y')}))")
        fam.add(
            function=function,
            variables=["x", "y"],
            property="invariant",
            expect="holds" if zero else "fails",
            domain={} if domain == "real" else {"x": domain, "y": domain},
            substitution={"x": "y", "y": "x"},
            note="f = S + k (r(x) - r(y)) with S symmetric: the swap leaves f unchanged iff "
            "r(x) = r(y), which holds where r is constant"
            + ("" if zero else "; r is not constant on this domain"),
            witness=None if zero else differs(["x", "y"], list(point)),
        )
    return fam.claims


# ============================================================ (g) narrow dips

E32 = math.exp(1.5)


def _family_narrow() -> list[CorpusClaim]:
    fam = _Family("g-narrow")
    rng = fam.rng
    # a x**2 -/+ eps exp(-k (x - c)**2) and Lorentzians; thresholds:
    #   Gaussian dip:  convex iff eps k <= a e**(3/2)/2 (worst at |x - c| = sqrt(3/(2k)))
    #   Gaussian bump: convex iff eps k <= a (worst at c)
    #   Lorentzian dip (- eps/(1 + k u**2)): convex iff eps k <= 4a (worst at k u**2 = 1)
    #   Lorentzian bump: convex iff eps k <= a (worst at c)
    plan = [
        ("gauss-dip", 10**6, 0.5),
        ("gauss-dip", 10**6, 2.0),
        ("gauss-dip", 10**4, 0.9),
        ("gauss-dip", 4 * 10**6, 1.25),
        ("gauss-bump", 10**6, 0.8),
        ("gauss-bump", 10**6, 1.5),
        ("gauss-bump", 10**5, 4.0),
        ("lorentz-dip", 10**6, 0.75),
        ("lorentz-dip", 10**6, 1.2),
        ("lorentz-bump", 10**6, 0.5),
        ("lorentz-bump", 10**4, 3.0),
        ("gauss-dip", 10**5, 0.25),
    ]
    for kind, k, ratio in plan:
        a = Q(rng.choice([1, 2, Q(1, 2)]))
        c = Q(rng.choice([Q(1, 3), Q(-3, 7), Q(2), Q(0)]))
        threshold = {
            "gauss-dip": float(a) * E32 / 2,
            "gauss-bump": float(a),
            "lorentz-dip": 4 * float(a),
            "lorentz-bump": float(a),
        }[kind]
        eps = rounded(threshold * ratio / k)
        eps_k = float(eps) * k
        holds = eps_k <= threshold
        assert holds == (ratio < 1) and abs(eps_k - threshold) > 0.05 * threshold
        u = Poly.affine(["x"], [1], -c).render()
        if kind.startswith("gauss"):
            bump = f"{num(eps)}*exp(-{k}*({u})**2)"
        else:
            bump = f"{num(eps)}/(1 + {k}*({u})**2)"
        sign = "-" if kind.endswith("dip") else "+"
        function = f"{num(a)}*x**2 {sign} {bump}" if a != 1 else f"x**2 {sign} {bump}"
        worst = {
            "gauss-dip": c + near(math.sqrt(1.5 / k), 10**9),
            "gauss-bump": c,
            "lorentz-dip": c + near(1 / math.sqrt(k), 10**9),
            "lorentz-bump": c,
        }[kind]
        domain = {} if rng.random() < 0.5 else {"x": box(c - 1, c + 2)}
        fam.add(
            function=function,
            variables=["x"],
            property="convex",
            expect="holds" if holds else "fails",
            domain=domain,
            note=f"{kind}: width ~ {1 / math.sqrt(k):.1g}; convex iff eps*k <= {threshold:.5g} "
            f"(eps*k = {eps_k:.5g})",
            witness=None if holds else curvature(["x"], [worst], [1]),
            probes=[{"x": text(worst)}] if holds else [],
        )
    # Two variables: a radial Gaussian bump, convex iff eps k <= a.
    for k, ratio in ((10**6, 0.5), (10**6, 3.0), (10**4, 1.5), (10**5, 0.9)):
        eps = rounded(ratio / k)
        holds = float(eps) * k <= 1
        c1, c2 = Q(1, 2), Q(-1, 3)
        function = f"x**2 + y**2 + {num(eps)}*exp(-{k}*((x - 1/2)**2 + (y + 1/3)**2))"
        fam.add(
            function=function,
            variables=["x", "y"],
            property="convex",
            expect="holds" if holds else "fails",
            note="radial bump: Hessian min eigenvalue 2a - 2 eps k (at the centre)",
            witness=None if holds else curvature(["x", "y"], [c1, c2], [1, 0]),
            probes=[{"x": text(c1), "y": text(c2)}] if holds else [],
        )
    return fam.claims


# ============================================================ the corpus

_BUILDERS: dict[str, Callable[[], list[CorpusClaim]]] = {
    "a-power-product": _family_power_product,
    "a-power-exp": _family_power_exp,
    "a-perspective": _family_perspective,
    "a-log-poly": _family_log_poly,
    "a-power-mean": _family_power_mean,
    "a-log-det": _family_log_det,
    "a-compensation": _family_compensation,
    "b-one-variable": _family_one_variable,
    "c-piecewise": _family_piecewise,
    "d-normal-form": _family_normal_forms,
    "e-strict": _family_strict,
    "f-invariance": _family_invariance,
    "g-narrow": _family_narrow,
}


@cache
def _corpus() -> tuple[CorpusClaim, ...]:
    claims: list[CorpusClaim] = []
    for tag in FAMILIES:
        claims.extend(_BUILDERS[tag]())
    names = [c.name for c in claims]
    assert len(names) == len(set(names))
    return tuple(claims)


def corpus(families: Iterable[str] | None = None) -> list[CorpusClaim]:
    """Every claim of the corpus (deterministic), optionally only some families."""
    wanted = None if families is None else set(families)
    if wanted is not None and not wanted <= set(FAMILIES):
        raise ValueError(f"unknown families: {sorted(wanted - set(FAMILIES))}")
    return [c for c in _corpus() if wanted is None or c.family in wanted]


def sample(per_family: int, *, seed: int = SEED) -> list[CorpusClaim]:
    """A deterministic sample: ``per_family`` claims of each family, holds and fails mixed."""
    rng = random.Random(f"{seed}:sample")
    out: list[CorpusClaim] = []
    for tag in FAMILIES:
        members = [c for c in _corpus() if c.family == tag]
        holds = [c for c in members if c.expect == "holds"]
        fails = [c for c in members if c.expect == "fails"]
        take_fails = min(len(fails), per_family // 2)
        chosen = rng.sample(fails, take_fails) + rng.sample(
            holds, min(len(holds), per_family - take_fails)
        )
        out.extend(sorted(chosen, key=lambda c: c.name))
    return out
