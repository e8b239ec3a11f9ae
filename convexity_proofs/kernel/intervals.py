"""Rigorous range analysis: enclose the values of an expression over a box of domains.

Every proof that rests on a sign ("the second derivative is >= 0 on the domain") rests in
the end on an enclosure computed here, so the rule is simple: an :class:`Interval`
returned by :func:`range_of` contains *every* value the expression takes on the box, and
:class:`Undefined` is raised whenever we cannot show the expression is defined at every
point of the box.  Being loose is allowed; being wrong is not.

How soundness is kept:

* Endpoints are exact :class:`~fractions.Fraction` values.  Arithmetic on them is exact;
  only when an endpoint grows large is it rounded *outward* (see :func:`_round_lo`).
* Transcendental images of exact endpoints come from Arb balls (python-flint) at 64 bits,
  and only the ball's lower/upper bounds (rounded toward -oo/+oo by Arb) are used.
* Open/closed ends are tracked because signs hinge on them: ``exp(x) > 0`` needs the
  lower end ``0`` to be *open*.  Marking an end closed is always sound (it only claims
  the bound may be attained); an end is marked open only with a reason that the bound is
  never attained (strict monotonicity with an exactly computed image, a limit at
  infinity, or a bound that was rounded strictly past every value).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

import sympy
from flint import arb, ctx, fmpq
from sympy.logic.boolalg import And, BooleanFalse, BooleanTrue, Not, Or

from convexity_proofs import functions as _registry
from convexity_proofs._values import Domain

__all__ = [
    "Interval",
    "Undefined",
    "Unsupported",
    "defined",
    "from_domain",
    "nonnegative",
    "positive",
    "range_of",
]

#: Working precision of Arb, in bits, for images of endpoints under transcendental maps.
_PREC = 64
#: Endpoints whose numerator and denominator together exceed twice this many bits are
#: rounded outward to this many significant bits, so that long chains of exact
#: arithmetic on 10^4-node expressions do not grow without bound.
_MANTISSA_BITS = 128
#: Magnitudes beyond 2**_MAX_EXP (or below 2**-_MAX_EXP) are clamped outward.
_MAX_EXP = 4096
#: Integer powers of endpoints are computed exactly only up to this many result bits.
_EXACT_POW_BITS = 8192


class Undefined(Exception):
    """The expression may be undefined somewhere on the box (or we cannot show otherwise).

    The message names the offending subexpression, so that an ``unknown`` verdict can say
    *why* a range could not be established.
    """


class Unsupported(Undefined):
    """The expression contains something this module does not know how to bound.

    A subclass of :class:`Undefined` because for every caller the consequence is the same:
    no enclosure, hence no proof.
    """


# --- exact endpoint helpers -----------------------------------------------------------


def _magnitude(q: Fraction) -> int:
    """An integer e with 2**(e-1) < |q| < 2**(e+1), for q != 0 (cheap, via bit lengths)."""
    return abs(q.numerator).bit_length() - q.denominator.bit_length()


def _is_small(q: Fraction) -> bool:
    return abs(q.numerator).bit_length() + q.denominator.bit_length() <= 2 * _MANTISSA_BITS


def _round_lo(q: Fraction) -> Fraction | None:
    """A rational <= q of bounded size (None = -oo); q itself when q is already small.

    Sign is preserved except that a tiny positive q may become 0; callers then mark the
    end open, which is sound because every value is >= q > 0.
    """
    if q == 0 or _is_small(q):
        return q
    e = _magnitude(q)
    if e > _MAX_EXP:
        # |q| > 2**(e-1) >= 2**_MAX_EXP
        return Fraction(2**_MAX_EXP) if q > 0 else None
    if e < -_MAX_EXP:
        # |q| < 2**(e+1) <= 2**-_MAX_EXP
        return Fraction(0) if q > 0 else -Fraction(1, 2**_MAX_EXP)
    shift = _MANTISSA_BITS - e
    scaled = q * 2**shift if shift >= 0 else q / 2**-shift
    mantissa = math.floor(scaled)  # floor: toward -oo, so the result is <= q
    return Fraction(mantissa) / 2**shift if shift >= 0 else Fraction(mantissa * 2**-shift)


def _round_hi(q: Fraction) -> Fraction | None:
    """A rational >= q of bounded size (None = +oo)."""
    r = _round_lo(-q)
    return None if r is None else -r


def _make(lo: Fraction | None, hi: Fraction | None, lo_open: bool, hi_open: bool) -> Interval:
    """Build an interval from computed bounds, rounding oversized ends outward.

    A rounded end lies strictly beyond every value, so it may be (and is) marked open.
    """
    if lo is not None:
        r = _round_lo(lo)
        if r != lo:
            lo, lo_open = r, True
    if hi is not None:
        r = _round_hi(hi)
        if r != hi:
            hi, hi_open = r, True
    return Interval(lo, hi, lo_open, hi_open)


# --- Arb helpers ----------------------------------------------------------------------


def _arb(q: Fraction) -> arb:
    return arb(fmpq(q.numerator, q.denominator))


def _arf_to_fraction(exact: arb, lower: bool) -> Fraction | None:
    """An exact (mid-point, zero-radius) finite Arb number as a Fraction, clamped outward.

    ``lower`` says which way a clamp may move the value (down for a lower bound).
    """
    man, exp = (int(v) for v in exact.man_exp())
    if man == 0:
        return Fraction(0)
    size = man.bit_length() + exp  # 2**(size-1) <= |value| < 2**size
    if size > _MAX_EXP:
        if lower:
            return Fraction(2**_MAX_EXP) if man > 0 else None
        return None if man > 0 else -Fraction(2**_MAX_EXP)
    if size < -_MAX_EXP:
        tiny = Fraction(1, 2**_MAX_EXP)
        if lower:
            return Fraction(0) if man > 0 else -tiny
        return tiny if man > 0 else Fraction(0)
    return Fraction(man * 2**exp) if exp >= 0 else Fraction(man, 2**-exp)


def _ball_lo(ball: arb) -> Fraction | None:
    """A rational lower bound of every real in the ball (None when the ball is unbounded)."""
    if not ball.is_finite():
        return None
    return _arf_to_fraction(ball.lower(), lower=True)


def _ball_hi(ball: arb) -> Fraction | None:
    """A rational upper bound of every real in the ball (None when the ball is unbounded)."""
    if not ball.is_finite():
        return None
    return _arf_to_fraction(ball.upper(), lower=False)


def _image(fn: Callable[[arb], arb], q: Fraction) -> tuple[Fraction | None, Fraction | None, bool]:
    """Rational bounds (lower, upper) of fn(q), and whether Arb computed it exactly."""
    with ctx.workprec(_PREC):
        ball = fn(_arb(q))
        return _ball_lo(ball), _ball_hi(ball), ball.is_finite() and ball.is_exact()


def _constant(fn: Callable[[], arb]) -> Interval:
    """A closed rational enclosure of a real constant such as pi."""
    with ctx.workprec(_PREC):
        ball = fn()
        return _make(_ball_lo(ball), _ball_hi(ball), False, False)


# --- the interval type ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Interval:
    """A non-empty interval of reals with exact rational ends (``None`` = infinite).

    An infinite end is always stored as open, so equal intervals compare equal.
    """

    lo: Fraction | None
    hi: Fraction | None
    lo_open: bool = False
    hi_open: bool = False

    def __post_init__(self) -> None:
        if self.lo is None:
            object.__setattr__(self, "lo_open", True)
        else:
            object.__setattr__(self, "lo", Fraction(self.lo))
        if self.hi is None:
            object.__setattr__(self, "hi_open", True)
        else:
            object.__setattr__(self, "hi", Fraction(self.hi))
        if self.lo is not None and self.hi is not None:
            if self.lo > self.hi or (self.lo == self.hi and (self.lo_open or self.hi_open)):
                raise ValueError(f"empty interval {self!r}")

    # -- construction ------------------------------------------------------------------

    @staticmethod
    def point(q: Fraction | int) -> Interval:
        return Interval(Fraction(q), Fraction(q))

    @staticmethod
    def real() -> Interval:
        return Interval(None, None, True, True)

    # -- predicates (three-valued callers wrap these; here a plain bool is a fact) -------

    def contains(self, q: Fraction | int) -> bool:
        if self.lo is not None and (q < self.lo or (q == self.lo and self.lo_open)):
            return False
        if self.hi is not None and (q > self.hi or (q == self.hi and self.hi_open)):
            return False
        return True

    def is_positive(self) -> bool:
        return self.lo is not None and (self.lo > 0 or (self.lo == 0 and self.lo_open))

    def is_nonnegative(self) -> bool:
        return self.lo is not None and self.lo >= 0

    def is_negative(self) -> bool:
        return self.hi is not None and (self.hi < 0 or (self.hi == 0 and self.hi_open))

    def is_nonpositive(self) -> bool:
        return self.hi is not None and self.hi <= 0

    def excludes_zero(self) -> bool:
        return not self.contains(0)

    def is_bounded(self) -> bool:
        return self.lo is not None and self.hi is not None

    # -- lattice operations ---------------------------------------------------------------

    def union(self, other: Interval) -> Interval:
        """The hull: the smallest interval containing both."""
        lo, lo_open = _pick_lo(self, other, take_min=True)
        hi, hi_open = _pick_hi(self, other, take_max=True)
        return Interval(lo, hi, lo_open, hi_open)

    def intersect(self, other: Interval) -> Interval | None:
        """The intersection, or None when it is empty."""
        lo, lo_open = _pick_lo(self, other, take_min=False)
        hi, hi_open = _pick_hi(self, other, take_max=False)
        if lo is not None and hi is not None:
            if lo > hi or (lo == hi and (lo_open or hi_open)):
                return None
        return Interval(lo, hi, lo_open, hi_open)

    def maximum(self, other: Interval) -> Interval:
        """The range of max(a, b) for a, b ranging independently over the two intervals."""
        # max(a, b) >= a and >= b: the lower end is the larger lower end, open if any of
        # the tied ends is open (then max > that end).  The upper end is the larger upper
        # end, attained only if some interval attains it.
        lo, lo_open = _pick_lo(self, other, take_min=False)
        hi, hi_open = _pick_hi(self, other, take_max=True)
        return Interval(lo, hi, lo_open, hi_open)

    def minimum(self, other: Interval) -> Interval:
        return (-self).maximum(-other).__neg__()

    # -- arithmetic -----------------------------------------------------------------------

    def __neg__(self) -> Interval:
        return Interval(
            None if self.hi is None else -self.hi,
            None if self.lo is None else -self.lo,
            self.hi_open,
            self.lo_open,
        )

    def __add__(self, other: Interval) -> Interval:
        # A sum attains its bound only when both summands attain theirs.
        lo = None if self.lo is None or other.lo is None else self.lo + other.lo
        hi = None if self.hi is None or other.hi is None else self.hi + other.hi
        return _make(lo, hi, self.lo_open or other.lo_open, self.hi_open or other.hi_open)

    def __sub__(self, other: Interval) -> Interval:
        return self + (-other)

    def __mul__(self, other: Interval) -> Interval:
        return _multiply(self, other)

    def __truediv__(self, other: Interval) -> Interval:
        return self * other.reciprocal()

    def reciprocal(self) -> Interval:
        if not self.excludes_zero():
            raise Undefined(f"division by a quantity that may be 0 (range {self})")
        if self.is_negative():
            return -((-self).reciprocal())
        # 0 < lo <= x <= hi: 1/x is strictly decreasing, ends map exactly.
        lo = Fraction(0) if self.hi is None else 1 / self.hi
        lo_open = True if self.hi is None else self.hi_open
        hi = None if self.lo == 0 else 1 / self.lo  # lo == 0 only when open
        return _make(lo, hi, lo_open, self.lo_open)

    def abs(self) -> Interval:
        if self.is_nonnegative():
            return self
        if self.is_nonpositive():
            return -self
        # straddles 0 (with 0 inside): |x| attains 0
        far_lo = None if self.lo is None else -self.lo
        if far_lo is None or self.hi is None:
            return Interval(Fraction(0), None, False, True)
        if far_lo > self.hi:
            return Interval(Fraction(0), far_lo, False, self.lo_open)
        if self.hi > far_lo:
            return Interval(Fraction(0), self.hi, False, self.hi_open)
        return Interval(Fraction(0), self.hi, False, self.lo_open and self.hi_open)

    def pow_int(self, n: int) -> Interval:
        """x**n for an integer n (n < 0 needs 0 excluded)."""
        if n == 0:
            return Interval.point(1)
        if n < 0:
            return self.pow_int(-n).reciprocal()
        if n == 1:
            return self
        # Odd powers are increasing on the reals; even powers are increasing in |x|.
        base = self if n % 2 else self.abs()
        return _increasing(base, _power_end(n), None, None)

    def pow_rational(self, r: Fraction) -> Interval:
        """x**r for a non-integer rational r: SymPy's principal branch needs x >= 0."""
        r = Fraction(r)
        if r.denominator == 1:
            return self.pow_int(int(r))
        if r < 0:
            if not self.is_positive():
                raise Undefined(f"negative power of a base not proved > 0 (range {self})")
            return self.pow_rational(-r).reciprocal()
        if not self.is_nonnegative():
            raise Undefined(f"fractional power of a base not proved >= 0 (range {self})")
        result = _increasing(self, _root_end(r), None, None)
        # x**r >= 0, and > 0 when x > 0: outward rounding must not lose that.
        return _clamp(result, Fraction(0), self.is_positive(), None, False)

    def sqrt(self) -> Interval:
        return self.pow_rational(Fraction(1, 2))

    def pow_interval(self, exponent: Interval) -> Interval:
        """x**y for a non-constant exponent: exp(y log x) when x > 0."""
        if self.is_positive():
            return (exponent * self.log()).exp()
        if self.is_nonnegative() and exponent.is_positive():
            # 0 <= x**y <= max over the corners, all covered by exp(y log hi) when hi > 0.
            if self.hi is None:
                return Interval(Fraction(0), None, False, True)
            if self.hi == 0:
                return Interval.point(0)
            # For 0 <= x <= hi and y > 0, x**y <= hi**y, enclosed by exp(y log hi).
            upper = (exponent * Interval.point(self.hi).log()).exp()
            return Interval(Fraction(0), upper.hi, False, upper.hi_open)
        raise Undefined(f"power with a variable exponent of a base not proved > 0 ({self})")

    # -- transcendental functions ------------------------------------------------------

    def exp(self) -> Interval:
        result = _increasing(self, _via_arb(arb.exp), Fraction(0), None)
        return _clamp(result, Fraction(0), True, None, False)

    def log(self) -> Interval:
        if not self.is_positive():
            raise Undefined(f"log of a quantity not proved > 0 (range {self})")
        if self.lo == 0:  # open at 0: log tends to -oo there
            return _increasing(
                Interval(None, self.hi, True, self.hi_open), _via_arb(arb.log), None, None
            )
        return _increasing(self, _via_arb(arb.log), None, None)

    def sinh(self) -> Interval:
        return _increasing(self, _via_arb(arb.sinh), None, None)

    def cosh(self) -> Interval:
        result = _increasing(self.abs(), _via_arb(arb.cosh), None, None)
        return _clamp(result, Fraction(1), False, None, False)

    def tanh(self) -> Interval:
        result = _increasing(self, _via_arb(arb.tanh), Fraction(-1), Fraction(1))
        return _clamp(result, Fraction(-1), True, Fraction(1), True)

    def erf(self) -> Interval:
        result = _increasing(self, _via_arb(arb.erf), Fraction(-1), Fraction(1))
        return _clamp(result, Fraction(-1), True, Fraction(1), True)

    def atan(self) -> Interval:
        half_pi = _constant(lambda: arb.pi() / 2)
        return _increasing(self, _via_arb(arb.atan), -half_pi.hi, half_pi.hi)  # type: ignore[operator]

    def sin(self) -> Interval:
        return _periodic(self, arb.sin)

    def cos(self) -> Interval:
        return _periodic(self, arb.cos)

    def tan(self) -> Interval:
        """tan on a bounded interval that provably contains no pole; Undefined otherwise."""
        if not self.is_bounded():
            raise Undefined("tan over an unbounded range meets its poles")
        assert self.lo is not None and self.hi is not None
        # Poles at (k + 1/2) pi, i.e. where t = x/pi + 1/2 is an integer.  t is increasing
        # in x, so [lo, hi] is pole-free iff no integer lies in [t(lo), t(hi)]; we check it
        # on rational enclosures of t(lo) (lower bound) and t(hi) (upper bound).
        t_lo, _, _ = _image(lambda b: b / arb.pi() + arb(fmpq(1, 2)), self.lo)
        _, t_hi, _ = _image(lambda b: b / arb.pi() + arb(fmpq(1, 2)), self.hi)
        if t_lo is None or t_hi is None or math.ceil(t_lo) <= t_hi:
            raise Undefined(f"tan over {self} may meet a pole")
        return _increasing(self, _via_arb(arb.tan), None, None)

    def __str__(self) -> str:
        left = "(-oo" if self.lo is None else ("(" if self.lo_open else "[") + str(self.lo)
        right = "oo)" if self.hi is None else str(self.hi) + (")" if self.hi_open else "]")
        return f"{left}, {right}"


REAL_INTERVAL = Interval.real()


def _pick_lo(a: Interval, b: Interval, take_min: bool) -> tuple[Fraction | None, bool]:
    """The smaller (hull) or larger (intersection, max) of two lower ends, with openness.

    For the hull a tied end is attained if either attains it (open only if both open);
    for the larger end a tie is open if either is open.
    """
    if a.lo is None or b.lo is None:
        if take_min:
            return None, True
        other = b if a.lo is None else a
        return other.lo, other.lo_open
    if a.lo == b.lo:
        return a.lo, (a.lo_open and b.lo_open) if take_min else (a.lo_open or b.lo_open)
    smaller, larger = (a, b) if a.lo < b.lo else (b, a)
    chosen = smaller if take_min else larger
    return chosen.lo, chosen.lo_open


def _pick_hi(a: Interval, b: Interval, take_max: bool) -> tuple[Fraction | None, bool]:
    lo, lo_open = _pick_lo(-a, -b, take_min=take_max)
    return (None if lo is None else -lo), lo_open


def _clamp(
    iv: Interval,
    lo_bound: Fraction | None,
    lo_strict: bool,
    hi_bound: Fraction | None,
    hi_strict: bool,
) -> Interval:
    """Tighten an enclosure with a known mathematical bound of the function.

    ``lo_strict`` says the function never equals ``lo_bound`` (e.g. exp > 0), so the end
    can be open; rounding must never undo such facts.
    """
    lo, lo_open, hi, hi_open = iv.lo, iv.lo_open, iv.hi, iv.hi_open
    if lo_bound is not None:
        if lo is None or lo < lo_bound:
            lo, lo_open = lo_bound, lo_strict
        elif lo == lo_bound:
            lo_open = lo_open or lo_strict
    if hi_bound is not None:
        if hi is None or hi > hi_bound:
            hi, hi_open = hi_bound, hi_strict
        elif hi == hi_bound:
            hi_open = hi_open or hi_strict
    return Interval(lo, hi, lo_open, hi_open)


# Extended reals for corner products: (kind, value), kind -1 = -oo, 0 = finite, 1 = +oo.
_Ext = tuple[int, Fraction]


def _ext_mul(a: _Ext, b: _Ext) -> _Ext:
    """Product with the interval-arithmetic convention 0 * oo = 0 (a limit along an edge)."""
    (ka, va), (kb, vb) = a, b
    if (ka == 0 and va == 0) or (kb == 0 and vb == 0):
        return (0, Fraction(0))
    if ka == 0 and kb == 0:
        return (0, va * vb)
    sign_a = ka if ka else (1 if va > 0 else -1)
    sign_b = kb if kb else (1 if vb > 0 else -1)
    return (sign_a * sign_b, Fraction(0))


def _ends(iv: Interval) -> list[tuple[_Ext, bool]]:
    """Both ends as extended reals, each with whether it is attained."""
    lo: _Ext = (-1, Fraction(0)) if iv.lo is None else (0, iv.lo)
    hi: _Ext = (1, Fraction(0)) if iv.hi is None else (0, iv.hi)
    return [(lo, iv.lo is not None and not iv.lo_open), (hi, iv.hi is not None and not iv.hi_open)]


def _multiply(a: Interval, b: Interval) -> Interval:
    """Exact interval product with exact open/closed ends.

    x*y is bilinear, so its extremes over the box are at corners.  A *nonzero* extreme
    value is attained only at a corner whose both ends are attained (at any other point
    one coordinate can move with nonzero slope).  The value 0 is attained iff one of the
    factors can be 0.
    """
    corners = [
        (_ext_mul(ea, eb), att_a and att_b) for ea, att_a in _ends(a) for eb, att_b in _ends(b)
    ]
    zero_attained = a.contains(0) or b.contains(0)

    def bound(value: _Ext) -> tuple[Fraction | None, bool]:
        kind, v = value
        if kind != 0:
            return None, True
        if v == 0:
            return v, not zero_attained
        return v, not any(c == value and att for c, att in corners)

    lo, lo_open = bound(min(corners)[0])
    hi, hi_open = bound(max(corners)[0])
    return _make(lo, hi, lo_open, hi_open)


_EndImage = Callable[[Fraction], tuple[Fraction | None, Fraction | None, bool]]


def _via_arb(fn: Callable[[arb], arb]) -> _EndImage:
    """Rational bounds of fn at an exact endpoint, computed by Arb."""
    return lambda q: _image(fn, q)


def _power_end(n: int) -> _EndImage:
    """q**n: exact while the result stays small, else an Arb enclosure."""

    def image(q: Fraction) -> tuple[Fraction | None, Fraction | None, bool]:
        size = abs(q.numerator).bit_length() + q.denominator.bit_length()
        if size * n <= _EXACT_POW_BITS:
            exact = q**n
            return exact, exact, True
        return _image(lambda b: b**n, q)

    return image


def _root_end(r: Fraction) -> _EndImage:
    """q**r for q >= 0 and a positive non-integer rational r; 0**r == 0 exactly."""
    exponent = fmpq(r.numerator, r.denominator)

    def image(q: Fraction) -> tuple[Fraction | None, Fraction | None, bool]:
        if q == 0:  # Arb's pow may return a wide ball at 0; the value is exactly 0.
            return Fraction(0), Fraction(0), True
        return _image(lambda b: b ** arb(exponent), q)

    return image


def _increasing(
    iv: Interval,
    image: _EndImage,
    at_neg_inf: Fraction | None,
    at_pos_inf: Fraction | None,
) -> Interval:
    """Image of ``iv`` under a strictly increasing function.

    ``image`` gives rational bounds of the function at an exact endpoint (for an Arb
    function, :func:`_via_arb`).  ``at_neg_inf`` is a rational lower bound of the limit
    at -oo (None = -oo), ``at_pos_inf`` a rational upper bound of the limit at +oo.  Limits
    are never attained, so infinite ends give open ends.  A finite end keeps its openness
    only when the image was computed exactly: then the bound *is* f(end), which strict
    monotonicity keeps out of the range when the end itself is excluded.
    """
    if iv.lo is None:
        lo, lo_open = at_neg_inf, True
    else:
        lo, _, exact = image(iv.lo)
        lo_open = iv.lo_open and exact
    if iv.hi is None:
        hi, hi_open = at_pos_inf, True
    else:
        _, hi, exact = image(iv.hi)
        hi_open = iv.hi_open and exact
    return _make(lo, hi, lo_open, hi_open)


def _periodic(iv: Interval, fn: Callable[[arb], arb]) -> Interval:
    """sin/cos: [-1, 1], tightened on bounded intervals by one Arb ball evaluation.

    The ball is the union of the balls of both ends, hence contains the whole interval;
    Arb's image of a ball contains the image of every point in it.
    """
    unit = Interval(Fraction(-1), Fraction(1))
    if not iv.is_bounded():
        return unit
    assert iv.lo is not None and iv.hi is not None
    with ctx.workprec(_PREC):
        ball = fn(_arb(iv.lo).union(_arb(iv.hi)))
        lo, hi = _ball_lo(ball), _ball_hi(ball)
    if lo is None or hi is None:
        return unit
    return _clamp(_make(lo, hi, False, False), Fraction(-1), False, Fraction(1), False)


def from_domain(d: Domain) -> Interval:
    return Interval(d.lo, d.hi, d.lo_open, d.hi_open)


# --- expressions ----------------------------------------------------------------------

_Box = dict[sympy.Symbol, Interval]

# Generated from the function registry (convexity_proofs/functions/): each head's image,
# the ``Interval`` method it names (folded over the arguments of Max and Min).
_UNARY: dict[type, Callable[[Interval], Interval]] = {
    head: getattr(Interval, entry.interval)
    for head, entry in _registry.HEADS.items()
    if entry.interval is not None and not entry.variadic
}
_FOLD: dict[type, Callable[[Interval, Interval], Interval]] = {
    head: getattr(Interval, entry.interval)
    for head, entry in _registry.HEADS.items()
    if entry.interval is not None and entry.variadic
}


def _describe(expr: sympy.Basic) -> str:
    """A short text for error messages (the printer recurses: very deep trees get a stub)."""
    try:
        text = str(expr)
    except RecursionError:
        return f"<{type(expr).__name__} too deep to print>"
    return text if len(text) <= 120 else text[:117] + "..."


class _Evaluator:
    """Enclosures of subexpressions over one fixed box, memoized by node identity.

    Identity (not equality) keys: sympy equality on large trees is a deep comparison,
    and the root keeps every node alive while we work.
    """

    def __init__(self, box: _Box) -> None:
        self.box = box
        self.memo: dict[int, Interval] = {}

    def range(self, expr: sympy.Basic) -> Interval:
        memo = self.memo
        stack: list[tuple[sympy.Basic, bool]] = [(expr, False)]
        while stack:
            node, ready = stack.pop()
            if id(node) in memo:
                continue
            if ready or not node.args or isinstance(node, sympy.Piecewise):
                memo[id(node)] = self._node(node)
                continue
            stack.append((node, True))
            stack.extend((arg, False) for arg in node.args if id(arg) not in memo)
        return memo[id(expr)]

    def _node(self, node: sympy.Basic) -> Interval:
        if isinstance(node, sympy.Piecewise):
            return self._piecewise(node)  # errors inside are located by sub-evaluators
        try:
            return self._compute(node)
        except Unsupported:
            raise
        except Undefined as err:  # raised by an interval operation: say where
            raise Undefined(f"{err} in {_describe(node)}") from None

    def _compute(self, node: sympy.Basic) -> Interval:
        if isinstance(node, sympy.Symbol):
            return self.box.get(node, REAL_INTERVAL)
        if not node.args:
            return _atom(node)
        args = [self.memo[id(a)] for a in node.args]
        if isinstance(node, sympy.Add):
            return _fold(args, Interval.__add__)
        if isinstance(node, sympy.Mul):
            return _fold(args, Interval.__mul__)
        if isinstance(node, sympy.Pow):
            return _power(node, args[0], args[1])
        fold = _FOLD.get(type(node))
        if fold is not None:
            return _fold(args, fold)
        op = _UNARY.get(type(node))
        if op is not None and len(args) == 1:
            return op(args[0])
        raise Unsupported(f"cannot bound {type(node).__name__}: {_describe(node)}")

    # -- Piecewise ------------------------------------------------------------------------

    def _piecewise(self, node: sympy.Piecewise) -> Interval:
        """Hull of the branches, each bounded on the part of the box where it can apply.

        Branch i applies where its condition holds and no earlier one does.  We track that
        region as a short list of boxes covering it (narrowed by conditions of the forms
        ``s <op> c`` and ``Abs(s) <op> c`` for a symbol s and a rational c; any other
        condition keeps the box whole, or drops it when interval analysis shows it fails
        everywhere).  Covering a superset is always sound.  A branch whose region is
        empty is skipped.  If the region where no condition holds cannot be shown empty,
        the Piecewise may be undefined there (SymPy gives nan), so we raise.
        """
        residual: list[_Box] = [self.box]
        result: Interval | None = None
        for pair in node.args:
            for box in self._narrow_all(pair.cond, residual, negate=False):
                ev = self if box is self.box else _Evaluator(box)
                value = ev.range(pair.expr)
                result = value if result is None else result.union(value)
            residual = self._narrow_all(pair.cond, residual, negate=True)
            if not residual:
                break
        if residual or result is None:
            raise Undefined(
                f"no Piecewise branch is known to apply on all of the box: {_describe(node)}"
            )
        return result

    def _narrow_all(self, cond: sympy.Basic, boxes: list[_Box], negate: bool) -> list[_Box]:
        return _capped([part for box in boxes for part in self._narrow(cond, box, negate)])

    def _narrow(self, cond: sympy.Basic, box: _Box, negate: bool) -> list[_Box]:
        """Boxes covering every point of ``box`` where cond (or, if negate, not cond) holds.

        An empty list means there is no such point.
        """
        if isinstance(cond, BooleanTrue):
            return [] if negate else [box]
        if isinstance(cond, BooleanFalse):
            return [box] if negate else []
        if isinstance(cond, sympy.core.relational.Relational):
            return self._narrow_relation(cond, box, negate)
        if isinstance(cond, Not):
            return self._narrow(cond.args[0], box, not negate)
        conjunction = (isinstance(cond, And) and not negate) or (isinstance(cond, Or) and negate)
        disjunction = (isinstance(cond, Or) and not negate) or (isinstance(cond, And) and negate)
        if conjunction:
            current = [box]
            for part in cond.args:
                current = self._narrow_all(part, current, negate)
                if not current:
                    break
            return current
        if disjunction:
            return _capped([b for part in cond.args for b in self._narrow(part, box, negate)])
        raise Unsupported(f"cannot use the Piecewise condition {cond}")

    def _narrow_relation(
        self, rel: sympy.core.relational.Relational, box: _Box, negate: bool
    ) -> list[_Box]:
        op = rel.rel_op
        lhs, rhs = rel.lhs, rel.rhs
        if op not in ("<", "<=", ">", ">="):
            # == / != : no narrowing, but the condition must still be defined.
            ev = _Evaluator(box)
            ev.range(lhs)
            ev.range(rhs)
            return [box]
        if negate:  # the symbols are real, so not(a < b) is a >= b
            op = _NEGATED[op]
        if lhs.is_Rational and _narrowable(rhs):
            lhs, rhs, op = rhs, lhs, _MIRRORED[op]
        if _narrowable(lhs) and rhs.is_Rational:
            c = Fraction(int(rhs.p), int(rhs.q))
            if isinstance(lhs, sympy.Symbol):
                return _restrict(box, lhs, [_half_line(op, c)])
            # |s| < c  <=>  -c < s < c;   |s| > c  <=>  s > c or s < -c
            if op in ("<", "<="):
                return _restrict(
                    box, lhs.args[0], [_half_line(op, c), _half_line(_MIRRORED[op], -c)]
                )
            lines = [[_half_line(op, c)], [_half_line(_MIRRORED[op], -c)]]
            return [b for line in lines for b in _restrict(box, lhs.args[0], line)]
        # General comparison: drop the box only if the relation certainly fails on it.
        ev = self if box is self.box else _Evaluator(box)
        left, right = ev.range(lhs), ev.range(rhs)
        return [] if _certainly_fails(op, left, right) else [box]


_NEGATED = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}
_MIRRORED = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
#: Beyond this many boxes a region is replaced by its hull (still a cover, just coarser).
_MAX_BOXES = 8


def _narrowable(expr: sympy.Basic) -> bool:
    """A symbol, or Abs of a symbol: conditions on these restrict the box directly."""
    if isinstance(expr, sympy.Symbol):
        return True
    return isinstance(expr, sympy.Abs) and isinstance(expr.args[0], sympy.Symbol)


def _half_line(op: str, c: Fraction) -> Interval:
    """The set of reals s with ``s op c``."""
    return {
        "<": Interval(None, c, True, True),
        "<=": Interval(None, c, True, False),
        ">": Interval(c, None, True, True),
        ">=": Interval(c, None, False, True),
    }[op]


def _restrict(box: _Box, symbol: sympy.Symbol, constraints: list[Interval]) -> list[_Box]:
    """The box with ``symbol`` restricted to all constraints: [] when that is empty."""
    current: Interval | None = box.get(symbol, REAL_INTERVAL)
    for constraint in constraints:
        assert current is not None
        current = current.intersect(constraint)
        if current is None:
            return []
    return [{**box, symbol: current}]


def _capped(boxes: list[_Box]) -> list[_Box]:
    return boxes if len(boxes) <= _MAX_BOXES else [_hull_boxes(boxes)]


def _certainly_le(a: Interval, b: Interval, strict: bool) -> bool:
    """Every x in a and y in b satisfy x < y (strict) or x <= y."""
    if a.hi is None or b.lo is None:
        return False
    if a.hi < b.lo:
        return True
    if a.hi == b.lo:
        return not strict or a.hi_open or b.lo_open
    return False


def _certainly_fails(op: str, left: Interval, right: Interval) -> bool:
    """The relation ``left op right`` is false for every choice of values."""
    if op == "<":
        return _certainly_le(right, left, strict=False)
    if op == "<=":
        return _certainly_le(right, left, strict=True)
    if op == ">":
        return _certainly_le(left, right, strict=False)
    return _certainly_le(left, right, strict=True)  # ">="


def _hull_boxes(boxes: list[_Box]) -> _Box:
    symbols = set().union(*boxes)
    return {s: _fold([b.get(s, REAL_INTERVAL) for b in boxes], Interval.union) for s in symbols}


def _fold(items: Iterable[Interval], op: Callable[[Interval, Interval], Interval]) -> Interval:
    it = iter(items)
    acc = next(it)
    for item in it:
        acc = op(acc, item)
    return acc


def _atom(node: sympy.Basic) -> Interval:
    if node.is_Rational:
        return Interval.point(Fraction(int(node.p), int(node.q)))
    if isinstance(node, sympy.Float) and node.is_finite:
        # A Float stands for its exact binary value.
        exact = sympy.Rational(node)
        return Interval.point(Fraction(int(exact.p), int(exact.q)))
    if node is sympy.pi:
        return _constant(arb.pi)
    if node is sympy.E:
        return _constant(arb.const_e)
    raise Unsupported(f"cannot bound the constant {node}")


def _power(node: sympy.Pow, base: Interval, exponent: Interval) -> Interval:
    if node.base is sympy.E:
        return exponent.exp()
    e = node.exp
    if e.is_Rational:
        return base.pow_rational(Fraction(int(e.p), int(e.q)))
    return base.pow_interval(exponent)


def _to_box(domains: Mapping[sympy.Symbol, Domain]) -> _Box:
    return {s: from_domain(d) for s, d in domains.items()}


def range_of(expr: sympy.Basic, domains: Mapping[sympy.Symbol, Domain]) -> Interval:
    """A rigorous enclosure of ``expr`` over the box of ``domains`` (other symbols: real).

    Every symbol ranges independently over its domain.  Raises :class:`Undefined` when
    the expression cannot be shown to be defined at every point of the box.
    """
    # strict=True: numbers and SymPy objects only, never text (no parsing, no eval).
    return _Evaluator(_to_box(domains)).range(sympy.sympify(expr, strict=True))


def _proved(expr: sympy.Basic, domains: Mapping[sympy.Symbol, Domain], test: str) -> bool | None:
    try:
        iv = range_of(expr, domains)
    except Undefined:
        return None
    return True if getattr(iv, test)() else None


def nonnegative(expr: sympy.Basic, domains: Mapping[sympy.Symbol, Domain]) -> bool | None:
    """True when expr is proved defined and >= 0 on the whole box.

    Follows SymPy's fuzzy convention, but one-sided: None means "not proved", and the
    answer is never False (a loose enclosure is no evidence of a negative value).
    """
    return _proved(expr, domains, "is_nonnegative")


def positive(expr: sympy.Basic, domains: Mapping[sympy.Symbol, Domain]) -> bool | None:
    """True when expr is proved defined and > 0 on the whole box; otherwise None (never False)."""
    return _proved(expr, domains, "is_positive")


def defined(expr: sympy.Basic, domains: Mapping[sympy.Symbol, Domain]) -> bool | None:
    """True when expr is proved defined on the whole box; otherwise None (never False)."""
    try:
        range_of(expr, domains)
    except Undefined:
        return None
    return True
