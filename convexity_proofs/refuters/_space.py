"""Where searches look: exact rational candidate values inside each symbol's domain.

Simple values come first (0, ±1, ±1/2, ...) so that reported witnesses are simple;
then seeded pseudo-random rationals with small denominators.  Every value is an exact
``Fraction`` inside the domain, so a candidate never needs rounding before it is
certified.  Determinism: the only randomness is a ``numpy.random.Generator`` seeded
by the caller.

Floats only nominate candidates, so converting to them must never fail: :func:`to_float`
maps a rational beyond the float range to ±inf (the float screens then skip it), and
random values are drawn from the domain intersected with the float-faithful window
[-2**53, 2**53] (:func:`search_window`) when the domain reaches beyond it, so a domain
such as [-1e400, 1e400] is still searched where floats can tell points apart.  A
one-point domain (a pinned parameter) yields its one value; a domain without interior
yields no interior value, and :func:`candidate_points` then returns no points at all
(never a point outside the interior, which a curvature witness needs).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import numpy as np
import sympy

from convexity_proofs._one_symbol import one_symbol_polynomial
from convexity_proofs._values import Domain, Obligation

_SIMPLE = [Fraction(v) for v in ("0", "1", "-1", "1/2", "-1/2", "2", "-2", "3", "-3", "1/3")]
_DENOMINATORS = (1, 2, 3, 4, 8)
#: Random values are drawn inside [-WINDOW, WINDOW] when the domain allows: beyond 2**53
#: floats no longer tell neighbouring integers apart, so the float screens are blind.
WINDOW = Fraction(2**53)


def to_float(q: Fraction) -> float:
    """``q`` as a float for the screens; ±inf when it is beyond the float range."""
    try:
        return float(q)
    except OverflowError:
        return math.inf if q > 0 else -math.inf


def search_window(domain: Domain) -> tuple[Fraction | None, Fraction | None]:
    """The domain's ends, clamped to [-WINDOW, WINDOW] when that keeps an interior.

    ``None`` is an unbounded end (kept: unbounded domains are sampled near the origin or
    near their finite end).  A domain entirely beyond the window keeps its own ends.
    """
    lo, hi = domain.lo, domain.hi
    clamped_lo = -WINDOW if lo is not None and lo < -WINDOW else lo
    clamped_hi = WINDOW if hi is not None and hi > WINDOW else hi
    if clamped_lo is not None and clamped_hi is not None and clamped_lo >= clamped_hi:
        return lo, hi
    return clamped_lo, clamped_hi


@dataclass(frozen=True, slots=True)
class Deadline:
    """A monotonic-clock deadline; ``None`` means no limit."""

    end: float | None = None

    @classmethod
    def after(cls, seconds: float | None) -> Deadline:
        return cls(None if seconds is None else time.monotonic() + seconds)

    def expired(self) -> bool:
        return self.end is not None and time.monotonic() >= self.end

    def remaining_ms(self, *, cap: int) -> int:
        """Milliseconds left, at most ``cap`` (for solvers that take a timeout)."""
        if self.end is None:
            return cap
        return max(0, min(cap, int((self.end - time.monotonic()) * 1000)))


def simple_values(domain: Domain, *, interior: bool) -> list[Fraction]:
    """Simple rationals in ``domain`` (strictly inside it when ``interior``).

    Empty when there is none: a one-point domain has no interior value.  A domain that
    reaches beyond the float-faithful window is sampled inside it (its far ends are
    no simple values).
    """
    inside = domain.contains_interior if interior else domain.contains
    lo, hi = search_window(domain)  # the domain itself unless it reaches beyond 2**53
    if lo is not None and hi is not None:
        width = hi - lo
        candidates = [lo + width / 2, lo + width / 4, lo + 3 * width / 4, *_SIMPLE, lo, hi]
    else:
        shift = Fraction(0)
        if domain.lo is not None:
            shift = domain.lo if domain.lo > 0 else Fraction(0)
        elif domain.hi is not None:
            shift = domain.hi if domain.hi < 0 else Fraction(0)
        candidates = [shift + v for v in _SIMPLE]
    seen: list[Fraction] = []
    for value in candidates:
        if inside(value) and value not in seen:
            seen.append(value)
    return seen


def random_value(
    rng: np.random.Generator, domain: Domain, *, interior: bool, spread: int = 4
) -> Fraction:
    """A pseudo-random small-denominator rational in ``domain``.

    Raises ``ValueError`` when the domain has no such value (an empty domain, or
    ``interior`` for a domain without interior such as a pinned parameter's one point).
    """
    inside = domain.contains_interior if interior else domain.contains
    lo, hi = search_window(domain)
    for _ in range(64):
        q = int(rng.choice(_DENOMINATORS))
        if lo is not None and hi is not None:
            k = int(rng.integers(0, 4 * q + 1))
            value = lo + (hi - lo) * Fraction(k, 4 * q)
        else:
            value = Fraction(int(rng.integers(-spread * q, spread * q + 1)), q)
            if lo is not None:
                value = lo + abs(value)
            elif hi is not None:
                value = hi - abs(value)
        if inside(value):
            return value
    # Fall back to the simplest value the domain has.
    fallback = simple_values(domain, interior=interior)
    if not fallback:
        raise ValueError(f"the domain {domain.describe()} has no {'interior ' * interior}value")
    return fallback[0]


def random_values(
    rng: np.random.Generator, domain: Domain, *, interior: bool, count: int, spread: int = 4
) -> list[Fraction]:
    """``count`` pseudo-random small-denominator rationals in ``domain``, drawn at once.

    The same distribution as :func:`random_value`; a value that falls outside (an open
    end) is redrawn one by one.
    """
    inside = domain.contains_interior if interior else domain.contains
    lo, hi = search_window(domain)
    denominators = rng.choice(np.array(_DENOMINATORS), size=count)
    uniform = rng.random(count)
    values: list[Fraction] = []
    for q, u in zip(denominators.tolist(), uniform.tolist(), strict=True):
        if lo is not None and hi is not None:
            k = min(int(u * (4 * q + 1)), 4 * q)
            value = lo + (hi - lo) * Fraction(k, 4 * q)
        else:
            n = min(int(u * (2 * spread * q + 1)), 2 * spread * q) - spread * q
            value = Fraction(n, q)
            if lo is not None:
                value = lo + abs(value)
            elif hi is not None:
                value = hi - abs(value)
        values.append(value if inside(value) else random_value(rng, domain, interior=interior))
    return values


def candidate_points(
    symbols: tuple[sympy.Symbol, ...],
    domains: dict[sympy.Symbol, Domain],
    interior: set[sympy.Symbol],
    rng: np.random.Generator,
    count: int,
) -> list[dict[sympy.Symbol, Fraction]]:
    """``count`` points: first "all symbols at their k-th simple value", then random.

    No points at all when some symbol has no admissible value (a symbol in ``interior``
    whose domain has no interior, or an empty domain).
    """
    points: list[dict[sympy.Symbol, Fraction]] = []
    simple = {s: simple_values(domains[s], interior=s in interior) for s in symbols}
    if count <= 0 or not all(simple.values()):
        return points
    for k in range(min(4, count)):
        points.append({s: simple[s][min(k, len(simple[s]) - 1)] for s in symbols})
    # Distinct simple values per symbol break the symmetries that equal values keep
    # (a swapped network is identical when both units carry the same numbers).
    if count > len(points):
        points.append({s: simple[s][(i + 1) % len(simple[s])] for i, s in enumerate(symbols)})
    missing = count - len(points)
    if missing > 0:
        # One vectorised draw per symbol, not one generator call per coordinate: a
        # 1,000-parameter network needs 250,000 coordinates (12 s one by one).
        columns = {
            s: random_values(rng, domains[s], interior=s in interior, count=missing)
            for s in symbols
        }
        points.extend({s: columns[s][k] for s in symbols} for k in range(missing))
    unique: list[dict[sympy.Symbol, Fraction]] = []
    for p in points:
        if p not in unique:
            unique.append(p)
    return unique


def to_array(
    points: list[dict[sympy.Symbol, Fraction]], order: tuple[sympy.Symbol, ...]
) -> np.ndarray:
    """Points as float rows (for screening only; out-of-range values become ±inf)."""
    return np.array([[to_float(p[s]) for s in order] for p in points], dtype=float).reshape(
        len(points), len(order)
    )


def rationalise(vector: np.ndarray, denominator: int = 8) -> list[Fraction] | None:
    """Scale so the largest entry is 1 and round to multiples of 1/denominator."""
    if not np.all(np.isfinite(vector)):
        return None
    top = float(np.max(np.abs(vector)))
    if top == 0.0:
        return None
    scaled = vector / top
    # A direction and its negative say the same; show the one whose first entry is positive.
    first = next((float(v) for v in scaled if abs(float(v)) * denominator >= 0.5), 0.0)
    if first < 0:
        scaled = -scaled
    out = [Fraction(round(float(v) * denominator), denominator) for v in scaled]
    return out if any(out) else None


# --- where the written function is defined ----------------------------------------------

#: Obligations examined when narrowing (a model can carry thousands; the first suffice).
NARROW_OBLIGATIONS = 256
#: Arguments with more nodes than this are not examined.
_NARROW_NODES = 40
#: Bits of the rational bounds around an irrational root.
_ROOT_BITS = 40


def narrowed_domains(
    domains: dict[sympy.Symbol, Domain], obligations: Iterable[Obligation]
) -> dict[sympy.Symbol, Domain]:
    """Each symbol's domain cut down to a box that still holds every point where the
    written function is defined (as far as obligations on one symbol show).

    An obligation ``u > 0`` or ``u >= 0`` whose argument ``u`` is a polynomial of degree
    <= 2 in a single symbol with rational coefficients (``x``, ``x - 10**10``,
    ``1 - x**2``) restricts that symbol; the result is the hull of the domain's part
    where it holds, rounded outwards to rationals when a root is irrational.  So the
    set where the carrier is defined lies inside the returned box; the box may be
    empty in some symbol (``lo > hi``, or one open point: see :func:`is_empty`), which
    means the written function is defined nowhere.  Obligations inside a Piecewise
    branch bind only where the branch is taken and are not used.  Deterministic and
    cheap: it only ever shrinks the search, never certifies anything.
    """
    examined = tuple(ob for ob, _ in zip(obligations, range(NARROW_OBLIGATIONS), strict=False))
    key = tuple(sorted(domains.items(), key=lambda item: item[0].name))
    narrowed = dict(domains)
    narrowed.update(_narrowed(key, examined))
    return narrowed


@lru_cache(maxsize=256)
def _narrowed(
    domains: tuple[tuple[sympy.Symbol, Domain], ...], obligations: tuple[Obligation, ...]
) -> dict[sympy.Symbol, Domain]:
    out = dict(domains)
    for ob in obligations:
        if ob.kind not in ("positive", "nonnegative") or isinstance(ob.subject, sympy.Piecewise):
            continue
        found = one_symbol_polynomial(ob.argument, _NARROW_NODES)
        if found is None or found[0] not in out:
            continue
        symbol, coefficients = found
        out[symbol] = _cut(out[symbol], coefficients, strict=ob.kind == "positive")
    return {s: d for s, d in out.items() if d != dict(domains)[s]}


def is_empty(domain: Domain) -> bool:
    """True when the domain holds no number at all."""
    if domain.lo is None or domain.hi is None:
        return False
    return domain.lo > domain.hi or (domain.lo == domain.hi and (domain.lo_open or domain.hi_open))


def _sqrt_bounds(q: Fraction) -> tuple[Fraction, Fraction]:
    """Rationals lo <= sqrt(q) <= hi (q >= 0), equal when q is a rational square."""
    # sqrt(p/d) = sqrt(p·d·4**k) / (d·2**k)
    n = q.numerator * q.denominator * 4**_ROOT_BITS
    root = math.isqrt(n)
    scale = q.denominator * 2**_ROOT_BITS
    lo = Fraction(root, scale)
    return lo, (lo if root * root == n else Fraction(root + 1, scale))


def _cut(domain: Domain, c: list[Fraction], *, strict: bool) -> Domain:
    """The hull of the part of ``domain`` where c0 + c1·s + c2·s² > 0 (``strict``) or >= 0."""
    c0, c1, c2 = c
    if c2 == 0:
        if c1 == 0:
            holds = c0 > 0 or (c0 == 0 and not strict)
            return domain if holds else _EMPTY
        root = -c0 / c1
        return _meet(domain, (root, None, strict) if c1 > 0 else (None, root, strict))
    disc = c1 * c1 - 4 * c2 * c0
    if disc < 0:
        return domain if c2 > 0 else _EMPTY
    if disc == 0:
        root = -c1 / (2 * c2)
        if c2 > 0:
            return domain  # >= 0 everywhere, > 0 except at one point: the hull is the domain
        return _EMPTY if strict else _meet(_meet(domain, (root, None, False)), (None, root, False))
    s_lo, s_hi = _sqrt_bounds(disc)
    # The two roots, each bracketed: r1 in [r1_lo, r1_hi], r2 in [r2_lo, r2_hi].
    a = 2 * c2
    ends = sorted(((-c1 - s_hi) / a, (-c1 - s_lo) / a, (-c1 + s_lo) / a, (-c1 + s_hi) / a))
    exact = s_lo == s_hi
    r1_lo, r1_hi = (ends[0], ends[1]) if not exact else (ends[0], ends[0])
    r2_lo, r2_hi = (ends[2], ends[3]) if not exact else (ends[3], ends[3])
    if c2 < 0:  # holds between the roots
        return _meet(
            _meet(domain, (r1_lo, None, strict and exact)), (None, r2_hi, strict and exact)
        )
    # holds outside the roots: the hull of the two pieces that meet the domain
    left = _meet(domain, (None, r1_hi, strict and exact))
    right = _meet(domain, (r2_lo, None, strict and exact))
    if is_empty(left):
        return right
    if is_empty(right):
        return left
    return domain


_EMPTY = Domain(lo=Fraction(1), hi=Fraction(0), name="interval")


def _meet(domain: Domain, bound: tuple[Fraction | None, Fraction | None, bool]) -> Domain:
    """``domain`` intersected with the half-line ``s > lo`` / ``s < hi`` (``open``) or
    ``>=`` / ``<=``; one of lo, hi is None."""
    lo, hi, open_ = bound
    new_lo, new_hi = domain.lo, domain.hi
    lo_open, hi_open = domain.lo_open, domain.hi_open
    if lo is not None and (new_lo is None or lo > new_lo or (lo == new_lo and open_)):
        new_lo, lo_open = lo, open_ if new_lo is None or lo > new_lo else True
    if hi is not None and (new_hi is None or hi < new_hi or (hi == new_hi and open_)):
        new_hi, hi_open = hi, open_ if new_hi is None or hi < new_hi else True
    if (new_lo, new_hi, lo_open, hi_open) == (domain.lo, domain.hi, domain.lo_open, domain.hi_open):
        return domain
    return Domain(lo=new_lo, hi=new_hi, lo_open=lo_open, hi_open=hi_open, name="interval")
