"""Where searches look: exact rational candidate values inside each symbol's domain.

Simple values come first (0, ±1, ±1/2, ...) so that reported witnesses are simple;
then seeded pseudo-random rationals with small denominators.  Every value is an exact
``Fraction`` inside the domain, so a candidate never needs rounding before it is
certified.  Determinism: the only randomness is a ``numpy.random.Generator`` seeded
by the caller.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy

from convexity_proofs._values import Domain

_SIMPLE = [Fraction(v) for v in ("0", "1", "-1", "1/2", "-1/2", "2", "-2", "3", "-3", "1/3")]
_DENOMINATORS = (1, 2, 3, 4, 8)


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
    """Simple rationals in ``domain`` (strictly inside it when ``interior``)."""
    inside = domain.contains_interior if interior else domain.contains
    if domain.lo is not None and domain.hi is not None:
        lo, hi = domain.lo, domain.hi
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
    """A pseudo-random small-denominator rational in ``domain``."""
    inside = domain.contains_interior if interior else domain.contains
    for _ in range(64):
        q = int(rng.choice(_DENOMINATORS))
        if domain.lo is not None and domain.hi is not None:
            k = int(rng.integers(0, 4 * q + 1))
            value = domain.lo + (domain.hi - domain.lo) * Fraction(k, 4 * q)
        else:
            value = Fraction(int(rng.integers(-spread * q, spread * q + 1)), q)
            if domain.lo is not None:
                value = domain.lo + abs(value)
            elif domain.hi is not None:
                value = domain.hi - abs(value)
        if inside(value):
            return value
    # Fall back to the simplest value the domain has (always exists: domains have interiors).
    return simple_values(domain, interior=interior)[0]


def candidate_points(
    symbols: tuple[sympy.Symbol, ...],
    domains: dict[sympy.Symbol, Domain],
    interior: set[sympy.Symbol],
    rng: np.random.Generator,
    count: int,
) -> list[dict[sympy.Symbol, Fraction]]:
    """``count`` points: first "all symbols at their k-th simple value", then random."""
    points: list[dict[sympy.Symbol, Fraction]] = []
    simple = {s: simple_values(domains[s], interior=s in interior) for s in symbols}
    for k in range(min(4, count)):
        points.append({s: simple[s][min(k, len(simple[s]) - 1)] for s in symbols})
    # Distinct simple values per symbol break the symmetries that equal values keep
    # (a swapped network is identical when both units carry the same numbers).
    if count > len(points):
        points.append({s: simple[s][(i + 1) % len(simple[s])] for i, s in enumerate(symbols)})
    while len(points) < count:
        points.append({s: random_value(rng, domains[s], interior=s in interior) for s in symbols})
    unique: list[dict[sympy.Symbol, Fraction]] = []
    for p in points:
        if p not in unique:
            unique.append(p)
    return unique


def to_array(
    points: list[dict[sympy.Symbol, Fraction]], order: tuple[sympy.Symbol, ...]
) -> np.ndarray:
    return np.array([[float(p[s]) for s in order] for p in points], dtype=float)


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
