"""Proposals for narrow non-convexity: local descent, line scans and structural centres.

The random candidate points of :mod:`convexity_proofs.refuters.curvature` see negative
curvature only where it is wide.  A dip of width 1e-3 (``x**2 - exp(-10**6*(x - 1/3)**2)/1000``)
is missed by forty points; this module proposes where to look, with floats only:

* **local descent** (:func:`descend`): from the candidate points whose block Hessian is
  the least positive, a deterministic compass search (coordinate steps and a step along
  the current most negative direction, halved when nothing improves) lowers the second
  directional derivative, all starts in one vectorised pass per step;
* **line scans** (:func:`scan_lines`): along axis lines through a few base points, the
  second derivative in the line's direction is evaluated on a grid: an even grid over
  the bounded part of the domain (its search window), a geometric grid towards each
  unbounded end and towards each finite end, and a geometric grid around every
  *centre* on the line; the lowest local minima are refined on finer grids;
* **centres** (:func:`centres`, :func:`line_centres`): where the structure says a
  narrow feature lives: the stationary point of every quadratic argument of a function
  (``exp(-10**6*((x - 1/3)**2 + y**2))`` is centred at (1/3, 0)), and along a line the
  real roots of every polynomial argument and of its derivative.

Every proposal is a point with exact rational coordinates inside the domain's interior
and a rational direction; :mod:`convexity_proofs.kernel.evaluate` decides it (through
:func:`convexity_proofs.refuters._witness.curvature`).  Deterministic: no randomness,
fixed grids, ties broken by position.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import numpy as np
import sympy

from convexity_proofs._numeric import Program
from convexity_proofs._values import Domain
from convexity_proofs.refuters._space import search_window, to_float

#: Arguments with more nodes than this are not examined for centres.
_CENTRE_NODES = 80
#: At most this many distinct arguments are examined (the first in tree order).
_CENTRE_ARGUMENTS = 16
#: Polynomials along a line up to this degree give their roots as centres.
_LINE_DEGREE = 6
#: At most this many centres along one line.
_LINE_CENTRES = 16
#: Geometric offsets around a centre: 2**(-j/2) for j in range(_OFFSETS) (1 down to 1e-12).
_OFFSETS = 81
#: Programs longer than this get no line scan (the grid would cost too much).
MAX_SCAN_PROGRAM = 1500
#: Rows x instructions per jet pass (about 24 bytes each: 3 arrays of floats).
_JET_CELLS = 2_000_000


@dataclass(frozen=True, slots=True)
class Proposal:
    """A point (variables and parameters, exact) and a direction to certify."""

    point: dict[sympy.Symbol, Fraction]
    direction: dict[sympy.Symbol, Fraction]


# --- rationals ------------------------------------------------------------------------------


def simple_rational(value: float, near: float, domain: Domain) -> Fraction | None:
    """The rational with the smallest denominator within ``near`` of ``value`` (the
    float itself when ``near`` is 0), provided it lies strictly inside ``domain``."""
    if not math.isfinite(value):
        return None
    exact = Fraction(value)
    radius = Fraction(near) if math.isfinite(near) and near > 0 else Fraction(0)
    q = simplest_between(exact - radius, exact + radius)
    if domain.contains_interior(q):
        return q
    return exact if domain.contains_interior(exact) else None


def simplest_between(lo: Fraction, hi: Fraction) -> Fraction:
    """The rational with the smallest denominator in [lo, hi] (then the smallest
    absolute numerator), by continued fractions (the Stern-Brocot descent)."""
    if lo > hi:
        lo, hi = hi, lo
    if lo <= 0 <= hi:
        return Fraction(0)
    if hi < 0:
        return -simplest_between(-hi, -lo)
    floor = lo.numerator // lo.denominator
    if Fraction(floor) == lo:
        return lo
    if floor + 1 <= hi:
        return Fraction(floor + 1)
    # lo and hi share the integer part: recurse on the reciprocals of the fractional parts
    rest = simplest_between(1 / (hi - floor), 1 / (lo - floor))
    return floor + 1 / rest


# --- centres ---------------------------------------------------------------------------------


def _arguments(expr: sympy.Basic) -> list[sympy.Expr]:
    """Arguments of functions and bases of powers, small ones, first in tree order."""
    found: list[sympy.Expr] = []
    seen: set[sympy.Basic] = set()
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Piecewise):
            continue  # its branches and conditions are visited on their own
        if isinstance(node, sympy.Function) and node.args:
            candidates = node.args
        elif isinstance(node, sympy.Pow) and not node.base.is_number:
            candidates = (node.base,)
        else:
            continue
        for arg in candidates:
            if not isinstance(arg, sympy.Expr) or arg in seen or arg.is_number:
                continue
            if not _small(arg):
                continue
            seen.add(arg)
            found.append(arg)  # type: ignore[arg-type]
            if len(found) >= _CENTRE_ARGUMENTS:
                return found
    return found


def _small(expr: sympy.Basic) -> bool:
    for count, _ in enumerate(sympy.preorder_traversal(expr)):
        if count > _CENTRE_NODES:
            return False
    return True


def _polynomial(
    u: sympy.Expr, variables: tuple[sympy.Symbol, ...], values: dict[sympy.Symbol, Fraction]
) -> dict[tuple[int, ...], Fraction] | None:
    """``u`` with the parameters at ``values`` as {exponents: coefficient}, or None."""
    fixed = u.xreplace({s: sympy.Rational(q.numerator, q.denominator) for s, q in values.items()})
    if not fixed.free_symbols <= set(variables):
        return None
    try:
        poly = sympy.Poly(fixed, *variables)
    except (sympy.PolynomialError, sympy.GeneratorsNeeded):
        return None
    out: dict[tuple[int, ...], Fraction] = {}
    for monomial, c in poly.terms():
        if not c.is_Rational:
            return None
        out[monomial] = Fraction(int(c.p), int(c.q))
    return out


@lru_cache(maxsize=128)
def _polynomial_arguments(
    expr: sympy.Basic,
    variables: tuple[sympy.Symbol, ...],
    values: tuple[tuple[sympy.Symbol, Fraction], ...],
) -> tuple[dict[tuple[int, ...], Fraction], ...]:
    polys = []
    for u in _arguments(expr):
        if not u.free_symbols & set(variables):
            continue
        poly = _polynomial(u, variables, dict(values))
        if poly is not None and any(sum(m) > 0 for m in poly):
            polys.append(poly)
    return tuple(polys)


def centres(
    expr: sympy.Basic,
    variables: tuple[sympy.Symbol, ...],
    parameters: dict[sympy.Symbol, Fraction],
    domains: dict[sympy.Symbol, Domain],
) -> list[dict[sympy.Symbol, Fraction]]:
    """Stationary points (exact) of the quadratic arguments of ``expr``, inside the
    domain's interior; the parameters fixed at ``parameters``."""
    out: list[dict[sympy.Symbol, Fraction]] = []
    key = tuple(sorted(parameters.items(), key=lambda item: item[0].name))
    n = len(variables)
    for poly in _polynomial_arguments(expr, variables, key):
        if max(sum(m) for m in poly) != 2:
            continue
        # grad u = H z + g = 0
        hessian = [[Fraction(0)] * n for _ in range(n)]
        gradient = [Fraction(0)] * n
        for m, c in poly.items():
            if sum(m) == 1:
                gradient[m.index(1)] += c
            elif sum(m) == 2:
                if 2 in m:
                    i = m.index(2)
                    hessian[i][i] += 2 * c
                else:
                    i, j = (k for k, e in enumerate(m) if e == 1)
                    hessian[i][j] += c
                    hessian[j][i] += c
        z = _solve(hessian, [-g for g in gradient])
        if z is None:
            continue
        point = dict(zip(variables, z, strict=True))
        if all(domains[s].contains_interior(q) for s, q in point.items()) and point not in out:
            out.append(point)
    return out


def _solve(a: list[list[Fraction]], b: list[Fraction]) -> list[Fraction] | None:
    """The exact solution of a x = b, or None when a is singular."""
    n = len(b)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = next((r for r in range(col, n) if m[r][col] != 0), None)
        if pivot is None:
            return None
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col and m[r][col] != 0:
                factor = m[r][col] / m[col][col]
                m[r] = [x - factor * y for x, y in zip(m[r], m[col], strict=True)]
    return [m[i][n] / m[i][i] for i in range(n)]


def line_centres(
    expr: sympy.Basic,
    variables: tuple[sympy.Symbol, ...],
    base: dict[sympy.Symbol, Fraction],
    along: sympy.Symbol,
) -> list[float]:
    """Real roots of each polynomial argument restricted to the axis line through
    ``base`` along ``along``, and of its derivative (floats: they only propose)."""
    parameters = tuple(sorted(((s, q) for s, q in base.items() if s not in variables), key=_name))
    i = variables.index(along)
    found: list[float] = []
    for poly in _polynomial_arguments(expr, variables, parameters):
        coefficients: dict[int, float] = {}
        for m, c in poly.items():
            rest = np.float64(to_float(c))
            for j, e in enumerate(m):
                if j != i and e:
                    with np.errstate(all="ignore"):
                        rest = rest * np.float64(to_float(base[variables[j]])) ** e
            coefficients[m[i]] = coefficients.get(m[i], 0.0) + float(rest)
        degree = max((k for k, c in coefficients.items() if c != 0.0), default=0)
        if degree == 0 or degree > _LINE_DEGREE:
            continue
        p = np.array([coefficients.get(k, 0.0) for k in range(degree, -1, -1)])
        if not np.all(np.isfinite(p)):
            continue
        for q in (p, np.polyder(p)):
            if len(q) < 2:
                continue
            for root in np.roots(q):
                if abs(root.imag) <= 1e-12 * (1 + abs(root.real)) and math.isfinite(root.real):
                    value = float(root.real)
                    if value not in found:
                        found.append(value)
                    if len(found) >= _LINE_CENTRES:
                        return found
    return found


def _name(item: tuple[sympy.Symbol, Fraction]) -> str:
    return item[0].name


# --- line scans -------------------------------------------------------------------------------


def _grid(domain: Domain, base: float, centres_: list[float], points: int) -> np.ndarray:
    """Where to evaluate along one axis: an even grid over the bounded part of the
    window, geometric grids towards the ends and around the centres, all inside."""
    lo, hi = search_window(domain)
    flo = to_float(lo) if lo is not None else None
    fhi = to_float(hi) if hi is not None else None
    if flo is not None and fhi is not None:
        a, b = flo, fhi
    elif flo is not None:
        a, b = flo, flo + 16.0
    elif fhi is not None:
        a, b = fhi - 16.0, fhi
    else:
        a, b = min(-8.0, base - 8.0), max(8.0, base + 8.0)
    parts = [np.linspace(a, b, points + 1)]
    steps = 2.0 ** (-np.arange(_OFFSETS) / 2.0)
    far = 2.0 ** (np.arange(8, 107) / 2.0)  # 16 up to 2**53
    if flo is None:
        parts.append(a - far)
    if fhi is None:
        parts.append(b + far)
    if b - a > 64.0:  # a wide bounded window: geometric both ways from the base too
        parts.append(base + far)
        parts.append(base - far)
    width = (fhi - flo) if flo is not None and fhi is not None else 16.0
    if flo is not None:
        parts.append(flo + width * steps / 2)
    if fhi is not None:
        parts.append(fhi - width * steps / 2)
    for c in [base, *centres_]:
        parts.append(c + steps)
        parts.append(c - steps)
        parts.append(np.array([c]))
    grid = np.unique(np.concatenate(parts))
    inside = np.isfinite(grid)
    if flo is not None:
        inside &= grid > flo
    if fhi is not None:
        inside &= grid < fhi
    return grid[inside]


def _curvature_along(
    program: Program, base: np.ndarray, column: int, ts: np.ndarray, sign: int
) -> np.ndarray:
    x = np.tile(base, (len(ts), 1))
    x[:, column] = ts
    v = np.zeros_like(x)
    v[:, column] = 1.0
    return _directional(program, x, v, sign)


def _local_minima(q: np.ndarray, limit: int) -> list[int]:
    """Indices of the lowest negative local minima of ``q`` (in grid order), at most
    ``limit``, lowest first."""
    if len(q) == 0:
        return []
    finite = q[np.isfinite(q)]
    if len(finite) == 0:
        return []
    scale = 1.0 + float(np.median(np.abs(finite)))
    left = np.concatenate(([np.inf], q[:-1]))
    right = np.concatenate((q[1:], [np.inf]))
    minima = np.nonzero((q <= left) & (q <= right) & (q < -1e-9 * scale))[0]
    order = sorted(minima.tolist(), key=lambda k: (float(q[k]), k))
    return order[:limit]


def scan_line(
    program: Program,
    base: dict[sympy.Symbol, Fraction],
    along: sympy.Symbol,
    domain: Domain,
    centres_: list[float],
    *,
    sign: int,
    points: int,
    minima: int = 3,
) -> Iterator[Proposal]:
    """Proposals along the axis line through ``base`` in the direction of ``along``:
    the lowest local minima of the second derivative on the grid, each refined on two
    finer grids and rounded to a simple rational inside the domain."""
    inputs = program.inputs
    column = inputs.index(along)
    row = np.array([to_float(base[s]) for s in inputs], dtype=float)
    ts = _grid(domain, row[column], centres_, points)
    if len(ts) == 0:
        return
    q = _curvature_along(program, row, column, ts, sign)
    direction = {along: Fraction(1)}
    for k in _local_minima(q, minima):
        lo = ts[k - 1] if k > 0 else ts[k]
        hi = ts[k + 1] if k + 1 < len(ts) else ts[k]
        best_t, best_q = float(ts[k]), float(q[k])
        for _ in range(2):  # two refinements: the minimum between the neighbours
            if not hi > lo:
                break
            fine = np.linspace(lo, hi, 33)
            fq = _curvature_along(program, row, column, fine, sign)
            j = int(np.argmin(fq))
            if fq[j] < best_q:
                best_t, best_q = float(fine[j]), float(fq[j])
            step = (hi - lo) / 32
            lo, hi = best_t - step, best_t + step
        at = row.copy()
        at[column] = best_t
        unit = np.zeros_like(row)
        unit[column] = 1.0
        point = _rounded(
            program,
            base,
            at,
            unit,
            (along,),
            np.array([max(hi - lo, 0.0)]),
            best_q,
            {along: domain},
            sign,
        )
        if point is not None:
            yield Proposal(point, direction)


def _rounded(
    program: Program,
    point: dict[sympy.Symbol, Fraction],
    row: np.ndarray,
    direction: np.ndarray,
    moved: tuple[sympy.Symbol, ...],
    radii: np.ndarray,
    q: float,
    domains: dict[sympy.Symbol, Domain],
    sign: int,
) -> dict[sympy.Symbol, Fraction] | None:
    """``point`` with the coordinates ``moved`` set to simple rationals near ``row``
    where the curvature along ``direction`` is still at most half of ``q``: each
    coordinate becomes the simplest rational within radii·2**k (k = 0..40), all k are
    screened in one pass, and the simplest that keeps the curvature is taken (the
    narrowest when none does)."""
    index = {s: i for i, s in enumerate(program.inputs)}
    options: list[dict[sympy.Symbol, Fraction]] = []
    for k in range(41):
        option = dict(point)
        for s, r in zip(moved, radii, strict=True):
            value = simple_rational(float(row[index[s]]), float(r) * 2.0**k, domains[s])
            if value is None:
                break
            option[s] = value
        else:
            if option not in options:
                options.append(option)
    if not options:
        return None
    x = np.array([[to_float(o[s]) for s in program.inputs] for o in options], dtype=float)
    values = _directional(program, x, np.tile(direction, (len(options), 1)), sign)
    good = [o for o, value in zip(options, values, strict=True) if value <= q / 2]
    if not good:
        return options[0]
    return min(good, key=lambda o: (sum(o[s].denominator for s in moved), options.index(o)))


# --- local descent ----------------------------------------------------------------------------


def descend(
    program: Program,
    starts: list[tuple[dict[sympy.Symbol, Fraction], np.ndarray]],
    block: tuple[sympy.Symbol, ...],
    domains: dict[sympy.Symbol, Domain],
    *,
    sign: int,
    steps: int,
) -> list[dict[sympy.Symbol, Fraction]]:
    """Compass descent of v·H(x)·v from each start (a point and a unit direction v over
    ``block``), all starts at once: each step tries x ± h·e_i and x ± h·v and moves to
    the lowest trial when it improves, else halves h.  Returns the end points rounded
    to simple rationals inside the domain (only those that moved)."""
    inputs = program.inputs
    index = {s: i for i, s in enumerate(inputs)}
    cols = [index[s] for s in block]
    m = len(block)
    count = len(starts)
    if count == 0 or m == 0:
        return []
    x = np.array([[to_float(p[s]) for s in inputs] for p, _ in starts], dtype=float)
    v = np.zeros_like(x)
    for r, (_, vec) in enumerate(starts):
        v[r, cols] = vec
    start_x = x.copy()
    h = np.array([[_initial_step(domains[s], x[r, index[s]]) for s in block] for r in range(count)])
    current = _directional(program, x, v, sign)
    trials = 2 * m + 2
    lows = [search_window(domains[s])[0] for s in block]
    highs = [search_window(domains[s])[1] for s in block]
    for _ in range(steps):
        tx = np.repeat(x, trials, axis=0)
        tv = np.repeat(v, trials, axis=0)
        for r in range(count):
            base = r * trials
            for k, c in enumerate(cols):
                tx[base + 2 * k, c] += h[r, k]
                tx[base + 2 * k + 1, c] -= h[r, k]
            scale = float(np.min(h[r]))
            tx[base + 2 * m, cols] += scale * v[r, cols]
            tx[base + 2 * m + 1, cols] -= scale * v[r, cols]
        for k, c in enumerate(cols):  # stay inside the window
            if lows[k] is not None:
                tx[:, c] = np.where(tx[:, c] > to_float(lows[k]), tx[:, c], np.nan)
            if highs[k] is not None:
                tx[:, c] = np.where(tx[:, c] < to_float(highs[k]), tx[:, c], np.nan)
        values = _directional(program, tx, tv, sign).reshape(count, trials)
        for r in range(count):
            j = int(np.argmin(values[r]))
            if values[r, j] < current[r]:
                x[r] = tx[r * trials + j]
                current[r] = values[r, j]
            else:
                h[r] /= 2
    out: list[dict[sympy.Symbol, Fraction]] = []
    for r, (point, _) in enumerate(starts):
        if np.array_equal(x[r], start_x[r]):
            continue
        moved = _rounded(
            program, point, x[r], v[r], block, h[r] / 4, float(current[r]), domains, sign
        )
        if moved is not None and moved not in out:
            out.append(moved)
    return out


def _initial_step(domain: Domain, at: float) -> float:
    lo, hi = search_window(domain)
    if lo is not None and hi is not None:
        return max(to_float(hi - lo) / 16, 1e-300)
    return max(1.0, abs(at)) / 8


def _directional(program: Program, x: np.ndarray, v: np.ndarray, sign: int) -> np.ndarray:
    """sign·(second derivative of f along each row's direction), +inf where not finite;
    in chunks, so that the jets of a long program stay small in memory."""
    rows = max(64, _JET_CELLS // max(1, program.size))
    parts = []
    for start in range(0, len(x), rows):
        _, _, second = program.jets(x[start : start + rows], v[start : start + rows])
        parts.append(sign * second)
    q = np.concatenate(parts) if parts else np.zeros(0)
    q[~np.isfinite(q)] = np.inf
    return q
