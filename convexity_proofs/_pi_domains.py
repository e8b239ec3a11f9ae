"""Domains with an end at a rational multiple of pi, decided by an exact change of variable.

Domain ends are exact rationals everywhere the engine and the checker look
(:class:`~convexity_proofs._values.Domain`).  An interval such as ``(0, pi)`` is
handled before any of them sees it: the symbol x is replaced by a fresh one u through
the increasing affine map

* x = lo + (hi − lo)·u, u in [0, 1]      (both ends finite),
* x = lo + u,           u in [0, oo)     (a lower end only),
* x = hi + u,           u in (−oo, 0]    (an upper end only),

each open end staying open.  The map is an increasing affine bijection of the interval
onto the new one (lo, hi and hi − lo > 0 are exact numbers of Q(pi), compared exactly),
so every property it is used for holds of f on the written interval exactly when it
holds of g(u) = f(x(u)) on the new one: convexity, concavity, their strict forms and
negations, affinity, monotonicity, quasiconvexity and its kin, and log-concavity and
log-convexity (all preserved by an increasing affine change of one coordinate).  Not
used for ``strongly-convex`` (the modulus would scale), ``invariant`` (the
substitution would have to be conjugated), ``along``, vector notation or models.

The claim records the change (``Claim.reparametrized``), reports show it, and the
checker rebuilds the same claim from the claim table, so both judge the same g.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

import sympy

from convexity_proofs._values import Domain, Obligation, Property
from convexity_proofs.errors import ExpressionError

#: ``pi``, ``-pi``, ``2*pi``, ``pi/2``, ``3*pi/4`` (lower case; ``3pi`` needs its '*').
PI_END = re.compile(r"([+-]?)\s*(?:(\d+)\s*\*\s*)?pi(?:\s*/\s*(\d+))?")

#: The most digits of a multiple or divisor of pi (as for number literals).
MAX_DIGITS = 100

#: The properties an increasing affine change of one variable preserves.
PRESERVED = frozenset(
    {
        Property.CONVEX,
        Property.CONCAVE,
        Property.STRICTLY_CONVEX,
        Property.STRICTLY_CONCAVE,
        Property.AFFINE,
        Property.NONCONVEX,
        Property.NONCONCAVE,
        Property.NEITHER,
        Property.NONDECREASING,
        Property.NONINCREASING,
        Property.INCREASING,
        Property.DECREASING,
        Property.NONMONOTONE,
        Property.QUASICONVEX,
        Property.QUASICONCAVE,
        Property.QUASILINEAR,
        Property.LOG_CONCAVE,
        Property.LOG_CONVEX,
    }
)


@dataclass(frozen=True, slots=True)
class ExactInterval:
    """An interval with at least one end in Q(pi) \\ Q (``None``: unbounded)."""

    lo: sympy.Expr | None
    hi: sympy.Expr | None
    lo_open: bool
    hi_open: bool

    def describe(self) -> str:
        lo = "(-oo" if self.lo is None else "(["[not self.lo_open] + sympy.sstr(self.lo)
        hi = "oo)" if self.hi is None else sympy.sstr(self.hi) + ")]"[not self.hi_open]
        return f"{lo}, {hi}"


def pi_end(text: str) -> sympy.Expr | None:
    """``"3*pi/4"`` as the exact number 3·pi/4, or None when the text is not a pi end;
    :class:`ExpressionError` when its numbers are too long."""
    match = PI_END.fullmatch(text.strip())
    if match is None:
        return None
    sign, numerator, denominator = match.groups()
    for digits in (numerator, denominator):
        if digits is not None and len(digits) > MAX_DIGITS:  # int() of it would be refused
            raise ExpressionError(
                f"number is too long: more than {MAX_DIGITS} digits (the limit is {MAX_DIGITS})"
            )
    if denominator is not None and int(denominator) == 0:
        return None
    value = sympy.Rational(int(numerator or 1), int(denominator or 1)) * sympy.pi
    return -value if sign == "-" else value


def exact(end: Fraction | sympy.Expr) -> sympy.Expr:
    return sympy.Rational(end.numerator, end.denominator) if isinstance(end, Fraction) else end


def below(a: sympy.Expr, b: sympy.Expr) -> bool | None:
    """a < b, decided exactly (SymPy decides it for numbers of Q(pi))."""
    return (b - a).is_positive


@dataclass(frozen=True, slots=True)
class Change:
    """x = image, with u (the new symbol) in ``domain``."""

    original: sympy.Symbol
    symbol: sympy.Symbol
    image: sympy.Expr
    domain: Domain
    written: ExactInterval

    def describe(self) -> str:
        return (
            f"{self.original.name} = {sympy.sstr(self.image)} with {self.symbol.name} in "
            f"{self.domain.describe()} (for {self.original.name} in {self.written.describe()})"
        )


def change_of(symbol: sympy.Symbol, interval: ExactInterval, taken: set[str]) -> Change:
    """The increasing affine map of a fresh symbol onto ``interval``."""
    name = f"{symbol.name}_u"
    while name in taken:
        name += "_"
    taken.add(name)
    u = sympy.Symbol(name, **symbol.assumptions0)
    lo, hi = interval.lo, interval.hi
    if lo is not None and hi is not None:
        image = lo + (hi - lo) * u
        domain = Domain(Fraction(0), Fraction(1), interval.lo_open, interval.hi_open, "interval")
    elif lo is not None:
        image = lo + u
        domain = Domain(Fraction(0), None, interval.lo_open, False, "interval")
    else:
        assert hi is not None
        image = hi + u
        domain = Domain(None, Fraction(0), False, interval.hi_open, "interval")
    return Change(symbol, u, image, domain, interval)


def changed_obligation(ob: Obligation, mapping: dict[sympy.Symbol, sympy.Expr]) -> Obligation:
    return Obligation(ob.kind, ob.argument.xreplace(mapping), ob.subject.xreplace(mapping), ob.text)
