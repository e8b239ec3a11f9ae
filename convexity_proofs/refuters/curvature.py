"""Curvature witnesses: a point and a direction along which f curves the wrong way.

At each candidate point the search estimates the Hessian restricted to (at most
``MAX_BLOCK``) coordinates from directional second derivatives — e_i and e_i + e_j,
evaluated as float 2-jets in one vectorised pass, never a symbolic Hessian — and
proposes its most negative eigenvectors and the worst coordinate pairs, rounded to
small rationals.  Each proposal is then decided by :mod:`convexity_proofs.kernel.evaluate`
(exact rationals or Arb balls, with a check that f is C² around the point).  Only a
certified sign becomes a witness.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy

from convexity_proofs._numeric import Program
from convexity_proofs._values import CurvatureWitness, Domain
from convexity_proofs.errors import ArgumentError
from convexity_proofs.refuters import _witness
from convexity_proofs.refuters._space import Deadline, candidate_points, rationalise, to_float

#: Hessian blocks larger than this are sampled as random principal submatrices.
MAX_BLOCK = 24
#: How many proposals per point are sent to the certifier.
PROPOSALS_PER_POINT = 4


@dataclass(frozen=True, slots=True)
class CurvatureSearch:
    """Search settings; ``sign`` is +1 to refute convexity, -1 to refute concavity."""

    points: int = 40
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("points", "seed"):
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
    for point in points:
        if deadline.expired():
            return None
        block = _block(variables, rng)
        for direction in _proposals(program, point, block, index, sign):
            if deadline.expired():
                return None
            witness = certify_curvature(expr, point, direction, variables, parameters, sign=sign)
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


def _proposals(
    program: Program,
    point: dict[sympy.Symbol, Fraction],
    block: tuple[sympy.Symbol, ...],
    index: dict[sympy.Symbol, int],
    sign: int,
) -> list[dict[sympy.Symbol, Fraction]]:
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
        return []
    hessian = np.zeros((m, m))
    for row in range(m):
        hessian[row, row] = second[row]
    for row, (i, j) in enumerate(pairs[m:], start=m):
        hessian[i, j] = hessian[j, i] = (second[row] - hessian[i, i] - hessian[j, j]) / 2
    scale = 1.0 + float(np.max(np.abs(hessian)))
    eigenvalues, vectors = np.linalg.eigh(hessian)
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
