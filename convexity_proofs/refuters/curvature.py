"""Curvature witnesses: a point and a direction along which f curves the wrong way.

At each candidate point the search estimates the Hessian restricted to (at most
``MAX_BLOCK``) coordinates from directional second derivatives — e_i and e_i + e_j,
evaluated as float 2-jets in one vectorised pass, never a symbolic Hessian — and
proposes its most negative eigenvectors and the worst coordinate pairs, rounded to
small rationals.  Each proposal is then decided by :mod:`convexity_proofs.kernel.evaluate`
(exact rationals or Arb balls, with a check that f is C² around the point).  Only a
certified sign becomes a witness.

When the candidate points show no certified negative curvature, two narrower searches
follow (:mod:`convexity_proofs.refuters.narrow`, floats only propose): a local descent
of the second directional derivative from the points where it was lowest, then scans
along axis lines (a fine grid over the bounded part of the domain, geometric grids
towards its ends and around the centres the structure suggests), so that a dip of
width 1e-3 is found.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy

from convexity_proofs._numeric import Program
from convexity_proofs._values import CurvatureWitness, Domain
from convexity_proofs.errors import ArgumentError
from convexity_proofs.refuters import _witness, narrow
from convexity_proofs.refuters._space import Deadline, candidate_points, rationalise, to_float

#: Hessian blocks larger than this are sampled as random principal submatrices.
MAX_BLOCK = 24
#: How many proposals per point are sent to the certifier.
PROPOSALS_PER_POINT = 4


@dataclass(frozen=True, slots=True)
class CurvatureSearch:
    """Search settings: random candidate points, then (when they certify nothing) a
    local descent from ``descent_starts`` of them (``descent_steps`` compass steps),
    scans along at most ``lines`` axis lines (``line_points`` even grid steps each), and
    at most ``certify`` certifications for those narrower proposals; 0 skips a phase."""

    points: int = 40
    seed: int = 0
    descent_starts: int = 8
    descent_steps: int = 12
    lines: int = 12
    line_points: int = 2048
    certify: int = 24

    def __post_init__(self) -> None:
        for name in (
            "points",
            "seed",
            "descent_starts",
            "descent_steps",
            "lines",
            "line_points",
            "certify",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ArgumentError(
                    f"CurvatureSearch.{name}: expected an integer >= 0, "
                    f"found {type(value).__name__} {value!r}"
                )


def find_curvature_witness(
    expr: sympy.Expr,
    program: Program,
    variables: tuple[sympy.Symbol, ...],
    parameters: tuple[sympy.Symbol, ...],
    domains: dict[sympy.Symbol, Domain],
    *,
    sign: int,
    settings: CurvatureSearch,
    deadline: Deadline,
) -> CurvatureWitness | None:
    """A certified witness that ``sign·f`` is not convex, or ``None``."""
    rng = np.random.default_rng(settings.seed)
    symbols = program.inputs
    points = candidate_points(symbols, domains, set(variables), rng, settings.points)
    index = {s: i for i, s in enumerate(symbols)}
    screened: list[tuple[float, int, dict[sympy.Symbol, Fraction], tuple, np.ndarray]] = []
    for order, point in enumerate(points):
        if deadline.expired():
            return None
        block = _block(variables, rng)
        spectrum = _spectrum(program, point, block, index, sign)
        if spectrum is None:
            continue
        eigenvalues, vectors, scale = spectrum
        lowest = int(np.argmin(eigenvalues))
        screened.append((eigenvalues[lowest] / scale, order, point, block, vectors[:, lowest]))
        for direction in _directions(spectrum, block):
            if deadline.expired():
                return None
            witness = certify_curvature(expr, point, direction, variables, parameters, sign=sign)
            if witness is not None:
                return witness
    if not points:
        return None
    narrower = _Narrower(expr, variables, parameters, sign, settings.certify, deadline)
    return narrower.descent(program, screened, domains, settings) or narrower.lines(
        program, points, domains, settings, index
    )


class _Narrower:
    """The narrower phases, sharing one budget of certifications."""

    def __init__(
        self,
        expr: sympy.Expr,
        variables: tuple[sympy.Symbol, ...],
        parameters: tuple[sympy.Symbol, ...],
        sign: int,
        budget: int,
        deadline: Deadline,
    ) -> None:
        self.expr, self.variables, self.parameters = expr, variables, parameters
        self.sign, self.budget, self.deadline = sign, budget, deadline
        self.tried: set[tuple] = set()

    def certify(
        self, point: dict[sympy.Symbol, Fraction], direction: dict[sympy.Symbol, Fraction]
    ) -> CurvatureWitness | None:
        key = (
            tuple(sorted((s.name, q) for s, q in point.items())),
            tuple(sorted((s.name, q) for s, q in direction.items())),
        )
        if key in self.tried or self.budget <= 0 or self.deadline.expired():
            return None
        self.tried.add(key)
        self.budget -= 1
        return certify_curvature(
            self.expr, point, direction, self.variables, self.parameters, sign=self.sign
        )

    def exhausted(self) -> bool:
        return self.budget <= 0 or self.deadline.expired()

    def descent(
        self,
        program: Program,
        screened: list[tuple[float, int, dict[sympy.Symbol, Fraction], tuple, np.ndarray]],
        domains: dict[sympy.Symbol, Domain],
        settings: CurvatureSearch,
    ) -> CurvatureWitness | None:
        if settings.descent_starts == 0 or settings.descent_steps == 0 or not screened:
            return None
        best = sorted(screened, key=lambda item: (item[0], item[1]))[: settings.descent_starts]
        index = {s: i for i, s in enumerate(program.inputs)}
        by_block: dict[tuple, list[tuple[dict[sympy.Symbol, Fraction], np.ndarray]]] = {}
        for _, _, point, block, vector in best:
            by_block.setdefault(block, []).append((point, vector))
        for block, starts in by_block.items():
            ends = narrow.descend(
                program, starts, block, domains, sign=self.sign, steps=settings.descent_steps
            )
            for point in ends:
                if self.exhausted():
                    return None
                spectrum = _spectrum(program, point, block, index, self.sign)
                if spectrum is None:
                    continue
                for direction in _directions(spectrum, block):
                    witness = self.certify(point, direction)
                    if witness is not None:
                        return witness
        return None

    def lines(
        self,
        program: Program,
        points: list[dict[sympy.Symbol, Fraction]],
        domains: dict[sympy.Symbol, Domain],
        settings: CurvatureSearch,
        index: dict[sympy.Symbol, int],
    ) -> CurvatureWitness | None:
        if settings.lines == 0 or program.size > narrow.MAX_SCAN_PROGRAM:
            return None
        # One variable: one line (its centres are found along it).  Several: axis lines
        # through the stationary points of quadratic arguments, then the first points.
        bases = points[:1]
        if len(self.variables) > 1:
            values = {s: points[0][s] for s in self.parameters}
            found = narrow.centres(self.expr, self.variables, values, domains)
            bases = [{**values, **c} for c in found] + points[:3]
        scanned = 0
        for base in bases:
            for along in self.variables:
                if scanned >= settings.lines or self.exhausted():
                    return None
                scanned += 1
                found = narrow.line_centres(self.expr, self.variables, base, along)
                for proposal in narrow.scan_line(
                    program,
                    base,
                    along,
                    domains[along],
                    found,
                    sign=self.sign,
                    points=settings.line_points,
                ):
                    witness = self.certify(proposal.point, proposal.direction)
                    if witness is not None:
                        return witness
                    if len(self.variables) > 1:
                        block = self.variables[:MAX_BLOCK]
                        spectrum = _spectrum(program, proposal.point, block, index, self.sign)
                        for direction in _directions(spectrum, block) if spectrum else []:
                            witness = self.certify(proposal.point, direction)
                            if witness is not None:
                                return witness
        return None


def _block(
    variables: tuple[sympy.Symbol, ...], rng: np.random.Generator
) -> tuple[sympy.Symbol, ...]:
    if len(variables) <= MAX_BLOCK:
        return variables
    chosen = sorted(rng.choice(len(variables), size=MAX_BLOCK, replace=False))
    return tuple(variables[i] for i in chosen)


def _spectrum(
    program: Program,
    point: dict[sympy.Symbol, Fraction],
    block: tuple[sympy.Symbol, ...],
    index: dict[sympy.Symbol, int],
    sign: int,
) -> tuple[np.ndarray, np.ndarray, float] | None:
    """The eigenvalues and eigenvectors of sign·(the Hessian block at ``point``) from
    float 2-jets, and its scale; None when a jet is not finite."""
    m = len(block)
    pairs = [(i, i) for i in range(m)] + [(i, j) for i in range(m) for j in range(i + 1, m)]
    base = np.array([to_float(point[s]) for s in program.inputs], dtype=float)
    x = np.tile(base, (len(pairs), 1))
    v = np.zeros_like(x)
    for row, (i, j) in enumerate(pairs):
        v[row, index[block[i]]] += 1.0
        if j != i:
            v[row, index[block[j]]] += 1.0
    _, _, second = program.jets(x, v)
    second = sign * second
    if not np.all(np.isfinite(second)):
        return None
    hessian = np.zeros((m, m))
    for row in range(m):
        hessian[row, row] = second[row]
    for row, (i, j) in enumerate(pairs[m:], start=m):
        hessian[i, j] = hessian[j, i] = (second[row] - hessian[i, i] - hessian[j, j]) / 2
    scale = 1.0 + float(np.max(np.abs(hessian)))
    eigenvalues, vectors = np.linalg.eigh(hessian)
    return eigenvalues, vectors, scale


def _directions(
    spectrum: tuple[np.ndarray, np.ndarray, float], block: tuple[sympy.Symbol, ...]
) -> list[dict[sympy.Symbol, Fraction]]:
    """The most negative eigenvectors, rounded to small rationals."""
    eigenvalues, vectors, scale = spectrum
    proposals: list[list[Fraction]] = []
    for k in np.argsort(eigenvalues)[:PROPOSALS_PER_POINT]:
        if eigenvalues[k] >= -1e-9 * scale:
            break
        for denominator in (8, 64):
            rounded = rationalise(vectors[:, k], denominator)
            if rounded is not None and rounded not in proposals:
                proposals.append(rounded)
    return [dict(zip(block, p, strict=True)) for p in proposals]


def certify_curvature(
    expr: sympy.Expr,
    point: dict[sympy.Symbol, Fraction],
    direction: dict[sympy.Symbol, Fraction],
    variables: tuple[sympy.Symbol, ...],
    parameters: tuple[sympy.Symbol, ...],
    *,
    sign: int,
) -> CurvatureWitness | None:
    """A witness when the certifier shows ``sign·f`` curves downward along the line.

    Used by the search and by provers that propose a direction (an exact negative
    direction of a constant Hessian); ``point`` holds variables and parameters.
    """
    return _witness.curvature(expr, point, direction, variables, parameters, sign=sign)
