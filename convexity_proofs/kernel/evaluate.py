"""The independent judge: certified decisions about a SymPy expression at exact rational inputs.

Searches propose counterexamples with floats, and floats lie: a float64 Jensen test "refutes"
the convex softplus with points 1e-6 apart, and affine functions fail naive midpoint tests by
rounding.  Every verdict that leaves this module is instead backed by exact rational arithmetic
(when the expression is rational there) or by rigorous Arb ball arithmetic at increasing
precision.  When neither settles the question the answer is ``None``: undecided is never a
verdict.  On purpose nothing here imports numpy, ``lambdify`` or search code, so a rounding bug
in the search cannot be repeated by its judge.

One walker (an explicit-stack post-order over the expression DAG, memoised per subexpression,
so 15,000-node losses with shared parts neither recurse nor repeat work) runs over four number
kinds ("algebras"): exact rationals, Arb balls, exact Taylor coefficients (c0, c1, c2) and Arb
power series.  In every algebra ``None`` means "undefined, or not certifiable here".  The
functions it knows (Arb ball and series arithmetic, ball domains) are declared in the function
registry, :mod:`convexity_proofs.functions`, which imports no numpy either.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import reduce
from typing import Any, Final

import flint
import sympy
from flint import arb, arb_series, fmpq

from convexity_proofs.functions import HEADS as _HEADS

PRECISIONS: tuple[int, ...] = (64, 128, 256, 512)
_SEGMENT_PRECISION: Final = 64
_MAX_EXACT_BITS: Final = 1 << 20  # larger exact powers are left to the balls (no memory blow-up)


@dataclass(frozen=True, slots=True)
class Decided:
    """A certified relation between two numbers (``"="`` only ever from exact rationals)."""

    relation: str  # ">", "<" or "="
    lhs: float  # midpoint approximations, for reports only
    rhs: float
    method: str  # "exact rationals" or "Arb balls at N bits"


@dataclass(frozen=True, slots=True)
class Curvature:
    """A certified strict sign of a second directional derivative."""

    sign: int  # -1 or +1
    value: float  # midpoint of the enclosure, for reports
    method: str


class _Unknown:
    """Truth value of a condition the arithmetic cannot decide (not the same as undefined)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"


_UNKNOWN: Final = _Unknown()
Truth = bool | _Unknown | None  # None: an operand of the condition is undefined


# ---------------------------------------------------------------------------------- functions
@dataclass(frozen=True, slots=True)
class _Function:
    """A real function: ball and series versions, and where (certified, on the whole ball or on
    the constant term) it is analytic.  Exact algebras never evaluate these (transcendental)."""

    ball: Callable[[arb], arb]
    series: Callable[[arb_series], arb_series]
    domain: Callable[[arb], bool]


# Generated from the function registry (convexity_proofs/functions/): each head's Arb ball
# and series arithmetic and ball domain, and the heads every algebra computes exactly
# ("abs", "max", "min").
_FUNCTIONS: Final[dict[type, _Function]] = {
    head: _Function(entry.ball, entry.series, entry.ball_domain)
    for head, entry in _HEADS.items()
    if entry.ball is not None and entry.series is not None
}
_LATTICE: Final[dict[type, str]] = {
    head: entry.lattice for head, entry in _HEADS.items() if entry.lattice is not None
}


# ----------------------------------------------------------------------------------- algebras
def _binary_power(x: Any, n: int, mul: Callable[[Any, Any], Any]) -> Any:
    """``x**n`` for ``n >= 1`` by repeated squaring (Arb's own ``**`` is loose, even nan, on
    balls around 0, so integer powers are always products here)."""
    result = None
    while True:
        if n & 1:
            result = x if result is None else mul(result, x)
        n >>= 1
        if not n:
            return result
        x = mul(x, x)


def _too_big(values: tuple[Fraction, ...], n: int) -> bool:
    bits = max(max(v.numerator.bit_length(), v.denominator.bit_length()) for v in values)
    return bits * abs(n) > _MAX_EXACT_BITS


def _rational_power(q: Fraction, r: Fraction) -> Fraction | None:
    """``q**r`` when it is a real rational (principal real power: no negative bases)."""
    if q < 0:
        return None
    if q == 0:
        return Fraction(0) if r > 0 else None
    num, num_exact = sympy.integer_nthroot(q.numerator, r.denominator)
    den, den_exact = sympy.integer_nthroot(q.denominator, r.denominator)
    if not (num_exact and den_exact) or _too_big((Fraction(num, den),), r.numerator):
        return None
    return Fraction(int(num), int(den)) ** r.numerator


def _fmpq(q: Fraction) -> fmpq:
    return fmpq(q.numerator, q.denominator)


def _ball(q: Fraction) -> arb:
    """A rigorous ball around ``q`` at the current precision (exact when ``q`` is dyadic)."""
    return arb(_fmpq(q))


def _interval(lo: Fraction, hi: Fraction) -> arb:
    """A ball containing [lo, hi]; exactly [lo, hi] when both ends are dyadic (so that, e.g.,
    sqrt on [0, 1/64] is not spoilt by a radius rounded past 0)."""
    if all(q.denominator & (q.denominator - 1) == 0 for q in (lo, hi)):  # dyadic ends
        mid, rad = (lo + hi) / 2, (hi - lo) / 2
        ball = arb(_dyadic(mid), _dyadic(rad))
        if ball.contains(_ball(lo)) and ball.contains(_ball(hi)):  # cheap re-check of rounding
            return ball
    return _ball(lo).union(_ball(hi))


def _dyadic(q: Fraction) -> tuple[int, int]:
    return (q.numerator, -(q.denominator.bit_length() - 1))


class _Algebra:
    """Defaults shared by the algebras; ``env`` maps each symbol to its value in the algebra.

    ``union`` is set only where an undecided Piecewise condition may yield the union of the
    branches that may be taken; exact and local algebras never may.
    """

    union: Callable[[Any, Any], Any] | None = None
    moving: frozenset[sympy.Symbol] = frozenset()  # symbols that vary (local algebras only)

    def __init__(self, env: Mapping[sympy.Symbol, Any]) -> None:
        self.env = env

    def constant(self, make: Callable[[], arb]) -> Any:
        return None  # pi and e are irrational

    def function(self, fn: _Function, value: Any) -> Any:
        return None  # transcendental

    def valid(self, value: Any) -> bool:
        return True


class _Exact(_Algebra):
    """Exact rationals: transcendental functions and non-rational powers are undecidable."""

    def number(self, q: Fraction) -> Fraction:
        return q

    def add(self, a: Fraction, b: Fraction) -> Fraction:
        return a + b

    def mul(self, a: Fraction, b: Fraction) -> Fraction:
        return a * b

    def int_power(self, a: Fraction, n: int) -> Fraction | None:
        if (n < 0 and a == 0) or _too_big((a,), n):
            return None
        return a**n

    def root_power(self, a: Fraction, r: Fraction) -> Fraction | None:
        return _rational_power(a, r)

    def general_power(self, a: Fraction, e: Fraction, fixed: bool) -> Fraction | None:
        if e.denominator == 1:
            return self.int_power(a, int(e))
        return self.root_power(a, e)

    def abs(self, a: Fraction) -> Fraction:
        return abs(a)

    def extremum(self, values: list[Fraction], largest: bool) -> Fraction:
        return max(values) if largest else min(values)

    def less(self, lhs: Fraction, rhs: Fraction, strict: bool) -> Truth:
        return lhs < rhs if strict else lhs <= rhs


class _Ball(_Algebra):
    """Arb balls: each result encloses the value at every point of the input balls.

    With ``union=True`` a Piecewise condition the balls cannot decide yields the union of the
    branches that may be taken (sound: the value is one of them); otherwise it is undecided.
    """

    def __init__(self, env: Mapping[sympy.Symbol, arb], union: bool = False) -> None:
        super().__init__(env)
        self.union = arb.union if union else None

    def number(self, q: Fraction) -> arb:
        return _ball(q)

    def constant(self, make: Callable[[], arb]) -> arb:
        return make()

    def add(self, a: arb, b: arb) -> arb:
        return a + b

    def mul(self, a: arb, b: arb) -> arb:
        # SymPy writes u - v as u + (-1)·v.  Negation is exact, while Arb's product rounds the
        # radius up, which would spoil a ball ending exactly on a domain edge (sqrt(1 - x), x=1).
        return -b if a == -1 else a * b

    def int_power(self, x: arb, n: int) -> arb:
        if n == 0:
            return arb(1)
        if n < 0:
            x = 1 / x  # nan when the ball contains 0
        if n % 2:
            return _binary_power(x, abs(n), self.mul)
        # An even power is >= 0, so clipping the enclosure at 0 is sound; it keeps a product of
        # balls touching 0 (whose midpoint-radius form dips below 0) in the domain of sqrt/log.
        return _binary_power(abs(x), abs(n), self.mul).nonnegative_part()

    def root_power(self, x: arb, r: Fraction) -> arb | None:
        if x > 0:
            return (_ball(r) * x.log()).exp()
        if r > 0 and x >= 0:
            if x.is_zero():
                return arb(0)
            # t -> t**r is increasing and continuous on [0, U], so [0, U**r] encloses it.
            return arb(0).union((_ball(r) * x.upper().log()).exp()).nonnegative_part()
        return None

    def general_power(self, x: arb, e: arb, fixed: bool) -> arb | None:
        if e.is_exact() and e.is_integer():  # exact: the same integer on all the input balls
            return self.int_power(x, int(e.unique_fmpz()))
        return (e * x.log()).exp() if x > 0 else None

    def function(self, fn: _Function, x: arb) -> arb | None:
        return fn.ball(x) if fn.domain(x) else None

    def abs(self, x: arb) -> arb:
        return abs(x)

    def extremum(self, values: list[arb], largest: bool) -> arb:
        return reduce(arb.max if largest else arb.min, values)

    def less(self, lhs: arb, rhs: arb, strict: bool) -> Truth:
        d = lhs - rhs
        if not d.is_finite():
            return None
        if (d < 0) if strict else (d <= 0):
            return True
        if (d >= 0) if strict else (d > 0):
            return False
        return _UNKNOWN

    def valid(self, value: arb) -> bool:
        return bool(value.is_finite())


Taylor = tuple[Fraction, Fraction, Fraction]


class _Taylor(_Algebra):
    """Exact Taylor coefficients (c0, c1, c2) of s -> f(point + s*direction).

    Local algebra: every non-smooth operation must be certified analytic near s = 0 (a strict
    sign of the constant term), because a kink or a branch switch at the point would make c2
    meaningless.  No unions: a union of branches is not a Taylor expansion.
    """

    def __init__(self, env: Mapping[sympy.Symbol, Taylor]) -> None:
        super().__init__(env)
        self.moving = frozenset(s for s, value in env.items() if value[1])

    def number(self, q: Fraction) -> Taylor:
        return (q, Fraction(0), Fraction(0))

    def add(self, a: Taylor, b: Taylor) -> Taylor:
        return (a[0] + b[0], a[1] + b[1], a[2] + b[2])

    def mul(self, a: Taylor, b: Taylor) -> Taylor:
        return (a[0] * b[0], a[0] * b[1] + a[1] * b[0], a[0] * b[2] + a[1] * b[1] + a[2] * b[0])

    def int_power(self, a: Taylor, n: int) -> Taylor | None:
        if n == 0:
            return self.number(Fraction(1))
        if _too_big(a, n):
            return None
        if n < 0:
            c0, c1, c2 = a
            if c0 == 0:
                return None
            # 1/(c0 + u) = (1/c0)(1 - u/c0 + u²/c0² - ...), u = c1 s + c2 s².
            a = (1 / c0, -c1 / c0**2, -c2 / c0**2 + c1**2 / c0**3)
        return _binary_power(a, abs(n), self.mul)

    def root_power(self, a: Taylor, r: Fraction) -> Taylor | None:
        c0, c1, c2 = a
        root = _rational_power(c0, r) if c0 > 0 else None
        if root is None:
            return None
        # (c0(1 + v))^r = c0^r (1 + r v + r(r-1)/2 v² + ...), v = (c1 s + c2 s²)/c0.
        v1, v2 = c1 / c0, c2 / c0
        return (root, root * r * v1, root * (r * v2 + r * (r - 1) / 2 * v1**2))

    def general_power(self, a: Taylor, e: Taylor, fixed: bool) -> Taylor | None:
        # An exponent that moves with s is not constant just because e1 = e2 = 0 (think 2 + s³
        # on a negative base): a moving exponent needs a positive base, i.e. the series.
        if not fixed or e[1] or e[2]:
            return None
        return self.int_power(a, int(e[0])) if e[0].denominator == 1 else self.root_power(a, e[0])

    def abs(self, a: Taylor) -> Taylor | None:
        if a[0] == 0:
            return None  # kink (or a zero of unknown order): not certifiably smooth
        return a if a[0] > 0 else (-a[0], -a[1], -a[2])

    def extremum(self, values: list[Taylor], largest: bool) -> Taylor | None:
        best = max(values, key=lambda v: v[0]) if largest else min(values, key=lambda v: v[0])
        if sum(v[0] == best[0] for v in values) > 1:
            return None  # a tie at the point: possibly a kink
        return best

    def less(self, lhs: Taylor, rhs: Taylor, strict: bool) -> Truth:
        d0 = lhs[0] - rhs[0]
        # Only a strict sign keeps the same branch on a whole neighbourhood.
        return _UNKNOWN if d0 == 0 else d0 < 0


def _series(coefficients: list[arb]) -> arb_series:
    return arb_series(coefficients, prec=3)  # prec here is the series length: c0, c1, c2


def _coefficient(s: arb_series, k: int) -> arb:
    coefficients = s.coeffs()  # trailing zeros are dropped
    return coefficients[k] if k < len(coefficients) else arb(0)


class _Series(_Algebra):
    """Arb power series truncated after s², with the same analyticity rules as ``_Taylor``
    (certified on the ball of the constant term)."""

    def __init__(self, env: Mapping[sympy.Symbol, arb_series]) -> None:
        super().__init__(env)
        self.moving = frozenset(
            s for s, value in env.items() if not _coefficient(value, 1).is_zero()
        )

    def number(self, q: Fraction) -> arb_series:
        return _series([_ball(q)])

    def constant(self, make: Callable[[], arb]) -> arb_series:
        return _series([make()])

    def add(self, a: arb_series, b: arb_series) -> arb_series:
        return a + b

    def mul(self, a: arb_series, b: arb_series) -> arb_series:
        return a * b

    def int_power(self, s: arb_series, n: int) -> arb_series | None:
        if n == 0:
            return self.number(Fraction(1))
        if n < 0:
            c0 = _coefficient(s, 0)
            if not (c0 > 0 or c0 < 0):
                return None
            s = 1 / s
        return _binary_power(s, abs(n), self.mul)

    def root_power(self, s: arb_series, r: Fraction) -> arb_series | None:
        return (s.log() * _ball(r)).exp() if _coefficient(s, 0) > 0 else None

    def general_power(self, s: arb_series, e: arb_series, fixed: bool) -> arb_series | None:
        e0 = _coefficient(e, 0)
        if fixed and e0.is_exact() and e0.is_integer():  # see _Taylor.general_power
            return self.int_power(s, int(e0.unique_fmpz()))
        return (e * s.log()).exp() if _coefficient(s, 0) > 0 else None

    def function(self, fn: _Function, s: arb_series) -> arb_series | None:
        return fn.series(s) if fn.domain(_coefficient(s, 0)) else None

    def abs(self, s: arb_series) -> arb_series | None:
        c0 = _coefficient(s, 0)
        return s if c0 > 0 else -s if c0 < 0 else None

    def extremum(self, values: list[arb_series], largest: bool) -> arb_series | None:
        heads = [_coefficient(v, 0) for v in values]
        for i, head in enumerate(heads):
            others = heads[:i] + heads[i + 1 :]
            if all((head > o) if largest else (head < o) for o in others):
                return values[i]
        return None  # no certified strict winner: possibly a kink

    def less(self, lhs: arb_series, rhs: arb_series, strict: bool) -> Truth:
        d0 = _coefficient(lhs - rhs, 0)
        if not d0.is_finite():
            return None
        return True if d0 < 0 else False if d0 > 0 else _UNKNOWN

    def valid(self, value: arb_series) -> bool:
        return all(c.is_finite() for c in value.coeffs())


# ------------------------------------------------------------------------------------- walker
_RELATIONS: Final = {
    sympy.StrictLessThan: (False, True),  # (swap sides, strict)
    sympy.LessThan: (False, False),
    sympy.StrictGreaterThan: (True, True),
    sympy.GreaterThan: (True, False),
}
_LOGIC: Final = (sympy.And, sympy.Or, sympy.Not)


def _children(node: sympy.Basic) -> tuple[sympy.Basic, ...]:
    if isinstance(node, sympy.Piecewise):
        return tuple(part for pair in node.args for part in pair.args)  # e1, c1, e2, c2, ...
    if isinstance(node, sympy.Pow) and node.base is sympy.E:
        return (node.exp,)
    return node.args


def _evaluate(expr: sympy.Basic, algebra: Any) -> Any:
    """Value of ``expr`` in ``algebra`` (None: undefined or undecidable), without recursion."""
    memo: dict[sympy.Basic, Any] = {}
    stack: list[tuple[sympy.Basic, bool]] = [(expr, False)]
    while stack:
        node, expanded = stack.pop()
        if node in memo:
            continue
        if expanded:
            memo[node] = _apply(node, [memo[child] for child in _children(node)], algebra)
        else:
            stack.append((node, True))
            stack.extend((child, False) for child in _children(node) if child not in memo)
    return memo[expr]


def _apply(node: sympy.Basic, values: list[Any], algebra: Any) -> Any:
    if isinstance(algebra, _Exact) and _is_carrier_zero(node):
        return _carrier_zero(node.args[1], values[1], algebra)
    if isinstance(node, sympy.Piecewise):
        return _piecewise(list(zip(values[0::2], values[1::2], strict=True)), algebra.union)
    if node is sympy.true or node is sympy.false:
        return node is sympy.true
    if any(v is None for v in values):
        return None
    if type(node) in _RELATIONS:
        swap, strict = _RELATIONS[type(node)]
        lhs, rhs = values[::-1] if swap else values
        return algebra.less(lhs, rhs, strict)
    if isinstance(node, _LOGIC):
        return _logic(node, values)
    try:
        result = _operate(node, values, algebra)
    except (ArithmeticError, ValueError):
        return None  # e.g. an Arb series division refused: undefined is the safe reading
    return result if result is not None and algebra.valid(result) else None


def _is_carrier_zero(node: sympy.Basic) -> bool:
    """``0*s`` built unevaluated: a definedness obligation attached to a carrier."""
    return isinstance(node, sympy.Mul) and len(node.args) == 2 and node.args[0] is sympy.S.Zero


def _carrier_zero(subject: sympy.Basic, value: Any, algebra: _Exact) -> Fraction | None:
    """Exactly 0 where ``subject`` is defined, undefined elsewhere.

    The exact walk answers None both for "undefined" and for "not rational" (log(2)), so
    a carrier would otherwise never be exact, and exact equality (a flat segment) would
    be out of reach.  Where the exact value is missing, a finite Arb ball decides that
    ``subject`` is defined: every ball operation refuses its domain's complement.
    """
    if value is not None:
        return Fraction(0)
    ball = ball_value(subject, algebra.env, 128)
    return Fraction(0) if ball.is_finite() else None


def _operate(node: sympy.Basic, values: list[Any], algebra: Any) -> Any:
    if isinstance(node, sympy.Rational):
        return algebra.number(Fraction(int(node.p), int(node.q)))
    if isinstance(node, sympy.Symbol):
        return algebra.env.get(node)  # a missing symbol makes the value undefined
    if node is sympy.pi:
        return algebra.constant(arb.pi)
    if node is sympy.E:
        return algebra.constant(arb.const_e)
    if isinstance(node, sympy.Add):
        return reduce(algebra.add, values)
    if isinstance(node, sympy.Mul):
        return reduce(algebra.mul, values)
    if isinstance(node, sympy.Pow):
        if node.base is sympy.E:
            return algebra.function(_FUNCTIONS[sympy.exp], values[0])
        if isinstance(node.exp, sympy.Rational):  # a literal exponent is known exactly
            r = Fraction(int(node.exp.p), int(node.exp.q))
            if r.denominator == 1:
                return algebra.int_power(values[0], int(r))
            return algebra.root_power(values[0], r)
        fixed = not (algebra.moving and node.exp.free_symbols & algebra.moving)
        return algebra.general_power(values[0], values[1], fixed)
    lattice = _LATTICE.get(type(node))
    if lattice == "abs":
        return algebra.abs(values[0])
    if lattice is not None:
        return algebra.extremum(values, lattice == "max")
    fn = _FUNCTIONS.get(type(node))
    if fn is not None and len(values) == 1:
        return algebra.function(fn, values[0])
    return None  # anything unsupported is undecidable


def _logic(node: sympy.Basic, values: list[Truth]) -> Truth:
    """Kleene three-valued logic: sound for a condition over a ball or a neighbourhood, since a
    certified operand holds on the whole of it."""
    if isinstance(node, sympy.Not):
        return values[0] if values[0] is _UNKNOWN else not values[0]
    decisive = isinstance(node, sympy.Or)  # True decides Or, False decides And
    if any(v is decisive for v in values):
        return decisive
    return (not decisive) if all(v is (not decisive) for v in values) else _UNKNOWN


def _piecewise(pairs: list[tuple[Any, Truth]], union: Callable[[Any, Any], Any] | None) -> Any:
    taken: list[Any] = []
    for value, condition in pairs:
        if condition is False:
            continue
        if condition is _UNKNOWN and union is not None:
            taken.append(value)  # possibly taken: include it, keep looking for a sure branch
            continue
        if condition is not True:
            return None  # undecided (no union allowed) or undefined condition
        taken.append(value)
        break
    else:
        return None  # no branch is certainly taken: f may be undefined (SymPy gives nan)
    if any(v is None for v in taken):
        return None
    return reduce(union, taken) if len(taken) > 1 else taken[0]


# ------------------------------------------------------------------------------------ helpers
@contextlib.contextmanager
def _precision(bits: int) -> Iterator[None]:
    previous = flint.ctx.prec
    flint.ctx.prec = bits
    try:
        yield
    finally:
        flint.ctx.prec = previous


def _fraction(value: object) -> Fraction:
    """Inputs must be exact: a float here would reintroduce the rounding we exist to avoid."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Fraction(value)
    if isinstance(value, sympy.Rational):
        return Fraction(int(value.p), int(value.q))
    raise TypeError(f"exact rational expected, got {value!r}")


def _exact_env(env: Mapping[sympy.Symbol, object]) -> dict[sympy.Symbol, Fraction]:
    return {symbol: _fraction(value) for symbol, value in env.items()}


def _float(value: Fraction | arb) -> float:
    if isinstance(value, Fraction):
        try:
            return float(value)
        except OverflowError:
            # float() overflows here, so the sign is read from the exact number.
            return math.inf if value > 0 else -math.inf
    return float(value.mid())


def _segment(
    a: Mapping[sympy.Symbol, object],
    b: Mapping[sympy.Symbol, object],
    parameters: Mapping[sympy.Symbol, object],
) -> tuple[dict[sympy.Symbol, Fraction], dict[sympy.Symbol, Fraction], dict]:
    if a.keys() != b.keys():
        raise ValueError("segment endpoints must give values to the same variables")
    if a.keys() & parameters.keys():
        raise ValueError("a symbol cannot be both a variable and a parameter")
    return _exact_env(a), _exact_env(b), _exact_env(parameters)


# ------------------------------------------------------------------------------------ public
def exact_value(expr: sympy.Basic, env: Mapping[sympy.Symbol, Fraction]) -> Fraction | None:
    """``expr`` at ``env`` in exact rationals, or None (transcendental, irrational or undefined)."""
    return _evaluate(expr, _Exact(_exact_env(env)))


def ball_value(expr: sympy.Basic, env: Mapping[sympy.Symbol, Fraction], prec: int) -> arb:
    """A rigorous enclosure of ``expr`` at ``env`` at ``prec`` bits; nan when undefined or
    undecidable at this precision."""
    exact = _exact_env(env)
    with _precision(prec):
        value = _evaluate(expr, _Ball({s: _ball(q) for s, q in exact.items()}))
        return arb.nan() if value is None else value


Term = tuple[Fraction, sympy.Basic, Mapping[sympy.Symbol, Fraction]]


def _decide(lhs: list[Term], rhs: list[Term]) -> Decided | None:
    """Relation of sum(c·f(env)) on each side: exact when every value is rational, else balls
    (exact values entering as exact-rational balls) at increasing precision."""
    terms = lhs + rhs
    exact = [exact_value(expr, env) for _, expr, env in terms]
    if all(v is not None for v in exact):
        left = sum(c * v for (c, _, _), v in zip(lhs, exact, strict=False))
        right = sum(c * v for (c, _, _), v in zip(rhs, exact[len(lhs) :], strict=True))
        relation = ">" if left > right else "<" if left < right else "="
        return Decided(relation, _float(left), _float(right), "exact rationals")
    for prec in PRECISIONS:
        with _precision(prec):
            balls = [
                _ball(v) if v is not None else ball_value(expr, env, prec)
                for (_, expr, env), v in zip(terms, exact, strict=True)
            ]
            if not all(ball.is_finite() for ball in balls):
                continue  # undefined, or an undecided branch that more bits may settle
            weighted = [_ball(c) * ball for (c, _, _), ball in zip(terms, balls, strict=True)]
            left, right = sum(weighted[: len(lhs)], arb(0)), sum(weighted[len(lhs) :], arb(0))
            # Arb comparisons are True only when they hold for every value in both balls.
            if left > right or left < right:
                relation = ">" if left > right else "<"
                return Decided(relation, _float(left), _float(right), f"Arb balls at {prec} bits")
    return None


def decide_segment(
    expr: sympy.Basic,
    a: Mapping[sympy.Symbol, Fraction],
    b: Mapping[sympy.Symbol, Fraction],
    t: Fraction,
    parameters: Mapping[sympy.Symbol, Fraction],
) -> Decided | None:
    """Relation of f(t·a + (1−t)·b) to t·f(a) + (1−t)·f(b); None when undecided, when f is
    undefined at one of the three points, or when t is not strictly between 0 and 1."""
    t = _fraction(t)
    if not 0 < t < 1:
        return None
    a_env, b_env, fixed = _segment(a, b, parameters)
    p_env = {x: t * a_env[x] + (1 - t) * b_env[x] for x in a_env}
    return _decide(
        [(Fraction(1), expr, {**fixed, **p_env})],
        [(t, expr, {**fixed, **a_env}), (1 - t, expr, {**fixed, **b_env})],
    )


def decide_difference(
    f: sympy.Basic, g: sympy.Basic, point: Mapping[sympy.Symbol, Fraction]
) -> Decided | None:
    """Relation of f(point) to g(point) ("=" only from exact arithmetic)."""
    return _decide([(Fraction(1), f, point)], [(Fraction(1), g, point)])


def defined_on_segment(
    expr: sympy.Basic,
    a: Mapping[sympy.Symbol, Fraction],
    b: Mapping[sympy.Symbol, Fraction],
    parameters: Mapping[sympy.Symbol, Fraction],
    *,
    pieces: int = 64,
) -> bool:
    """True only if f is finite at every point of the closed segment [a, b].

    Each piece [t0, t1] of t gives every variable the ball covering b + t(a − b); a finite
    64-bit enclosure over those balls proves f defined there, because every operation returns
    undefined as soon as its domain fails anywhere on its input balls.  Failing pieces are cut
    in four (1, 4, 16, 64 pieces) down to width 1/pieces; a piece that never succeeds → False.
    """
    a_env, b_env, fixed = _segment(a, b, parameters)
    box = {s: (q, q) for s, q in fixed.items()}
    return _defined_on_segment(expr, a_env, b_env, box, pieces)


def _defined_on_segment(
    expr: sympy.Basic,
    a_env: dict[sympy.Symbol, Fraction],
    b_env: dict[sympy.Symbol, Fraction],
    box: Mapping[sympy.Symbol, tuple[Fraction, Fraction]],
    pieces: int,
) -> bool:
    if pieces < 1:
        raise ValueError("pieces must be positive")
    with _precision(_SEGMENT_PRECISION):
        constants = {s: _interval(lo, hi) for s, (lo, hi) in box.items()}

        def finite_on(t0: Fraction, t1: Fraction) -> bool:
            env = dict(constants)
            for x in a_env:
                at0, at1 = (b_env[x] + t * (a_env[x] - b_env[x]) for t in (t0, t1))
                env[x] = _interval(min(at0, at1), max(at0, at1))
            return _evaluate(expr, _Ball(env, union=True)) is not None

        pending = [(Fraction(0), Fraction(1))]
        while True:
            failing = [(t0, t1) for t0, t1 in pending if not finite_on(t0, t1)]
            if not failing:
                return True
            width = (failing[0][1] - failing[0][0]) / 4
            if width < Fraction(1, pieces):
                return False
            starts = [lo + k * width for lo, _ in failing for k in range(4)]
            pending = [(lo, lo + width) for lo in starts]


Box = Mapping[sympy.Symbol, tuple[Fraction, Fraction]]


def _box_env(box: Box) -> dict[sympy.Symbol, arb]:
    return {s: _interval(lo, hi) for s, (lo, hi) in box.items()}


def segment_over_box(
    expr: sympy.Basic,
    a: Mapping[sympy.Symbol, Fraction],
    b: Mapping[sympy.Symbol, Fraction],
    t: Fraction,
    box: Box,
) -> str | None:
    """The relation (">" or "<") of f(t·a + (1−t)·b) to t·f(a) + (1−t)·f(b) that holds for
    EVERY parameter value in the closed ``box`` (parameter -> (lo, hi)), with f defined on
    the whole segment for each of them; None when the balls cannot show it.

    Each of the three values is enclosed over the whole box (parameters as Arb intervals),
    so a strict separation of the enclosures holds for each parameter value separately.
    """
    t = _fraction(t)
    if not 0 < t < 1:
        return None
    a_env, b_env = _exact_env(a), _exact_env(b)
    if a_env.keys() != b_env.keys() or a_env.keys() & box.keys():
        raise ValueError("segment endpoints and the parameter box do not fit together")
    mid = {x: t * a_env[x] + (1 - t) * b_env[x] for x in a_env}
    for prec in PRECISIONS:
        with _precision(prec):
            params = _box_env(box)
            values = []
            for point in (mid, a_env, b_env):
                env = dict(params)
                env.update({s: _ball(q) for s, q in point.items()})
                values.append(_evaluate(expr, _Ball(env, union=True)))
            if any(v is None or not v.is_finite() for v in values):
                continue
            left, at_a, at_b = values
            right = _ball(t) * at_a + _ball(1 - t) * at_b
            relation = ">" if left > right else "<" if left < right else None
            if relation is None:
                continue
            if not _defined_on_segment(expr, a_env, b_env, box, 64):
                return None
            return relation
    return None


def curvature_over_box(
    expr: sympy.Basic,
    point: Mapping[sympy.Symbol, Fraction],
    direction: Mapping[sympy.Symbol, Fraction],
    box: Box,
) -> int | None:
    """The strict sign of d²/ds² f(point + s·direction) at 0 that holds for EVERY parameter
    value in the closed ``box``; None when it cannot be shown.  The series algebra refuses
    every operation not certified analytic on the whole ball, parameters included."""
    at, towards = _exact_env(point), _exact_env(direction)
    if not towards.keys() <= at.keys() or at.keys() & box.keys():
        raise ValueError("the point, the direction and the parameter box do not fit together")
    zero = Fraction(0)
    for prec in PRECISIONS:
        with _precision(prec):
            env = {s: _series([ball]) for s, ball in _box_env(box).items()} | {
                s: _series([_ball(q), _ball(towards.get(s, zero))]) for s, q in at.items()
            }
            series = _evaluate(expr, _Series(env))
            if series is None:
                continue
            c2 = _coefficient(series, 2)
            if c2 > 0 or c2 < 0:
                return 1 if c2 > 0 else -1
    return None


def exact_second_derivative(
    expr: sympy.Basic,
    point: Mapping[sympy.Symbol, Fraction],
    direction: Mapping[sympy.Symbol, Fraction],
    parameters: Mapping[sympy.Symbol, Fraction],
) -> Fraction | None:
    """d²/ds² f(point + s·direction) at s = 0 in exact rationals (2·c2 of the rigorous
    Taylor polynomial), or None when the Taylor algebra refuses an operation (not
    certified analytic near the point) or a value is not rational."""
    zero = Fraction(0)
    taylor = _evaluate(
        expr,
        _Taylor(
            {s: (q, zero, zero) for s, q in parameters.items()}
            | {s: (q, direction.get(s, zero), zero) for s, q in point.items()}
        ),
    )
    return None if taylor is None else 2 * taylor[2]


def ball_second_derivative(
    expr: sympy.Basic,
    point: Mapping[sympy.Symbol, Fraction],
    direction: Mapping[sympy.Symbol, Fraction],
    parameters: Mapping[sympy.Symbol, Fraction],
    prec: int,
) -> arb | None:
    """d²/ds² f(point + s·direction) at s = 0 as an Arb ball at ``prec`` bits (2·c2 of
    the Arb series), or None when the series algebra refuses an operation (not
    certified analytic on the balls)."""
    zero = Fraction(0)
    with _precision(prec):
        env = {s: _series([_ball(q)]) for s, q in parameters.items()} | {
            s: _series([_ball(q), _ball(direction.get(s, zero))]) for s, q in point.items()
        }
        series = _evaluate(expr, _Series(env))
        return None if series is None else 2 * _coefficient(series, 2)


def decide_curvature(
    expr: sympy.Basic,
    point: Mapping[sympy.Symbol, Fraction],
    direction: Mapping[sympy.Symbol, Fraction],
    parameters: Mapping[sympy.Symbol, Fraction],
) -> Curvature | None:
    """Strict sign of d²/ds² f(point + s·direction) at s = 0, i.e. 2·c2.

    Sound only because both local algebras refuse every operation that is not certified
    analytic near the point (kinks, ties, branch switches, log/roots at non-positive values).
    A zero curvature, or an enclosure containing 0 at 512 bits, is None.
    """
    if not direction.keys() <= point.keys():
        raise ValueError("direction may only move symbols that the point gives")
    if point.keys() & parameters.keys():
        raise ValueError("a symbol cannot be both a variable and a parameter")
    fixed, at, towards = _exact_env(parameters), _exact_env(point), _exact_env(direction)
    exact = exact_second_derivative(expr, at, towards, fixed)
    if exact is not None:
        if exact == 0:
            return None
        return Curvature(1 if exact > 0 else -1, _float(exact), "exact rationals")
    for prec in PRECISIONS:
        second = ball_second_derivative(expr, at, towards, fixed, prec)
        if second is None:
            continue
        if second > 0 or second < 0:
            return Curvature(1 if second > 0 else -1, _float(second), f"Arb balls at {prec} bits")
    return None
