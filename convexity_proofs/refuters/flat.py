"""Flat segments: equality in Jensen's inequality refutes strict convexity (and concavity).

A segment on which f is exactly affine (a piecewise-linear piece, an affine function,
a flat direction of a singular constant Hessian) is certified only with exact rational
arithmetic: ``certify_segment(..., relation="=")`` never accepts an equality of balls.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import sympy

from convexity_proofs._problem import Problem
from convexity_proofs._values import Witness
from convexity_proofs.refuters import segment
from convexity_proofs.refuters._space import candidate_points, simple_values

_STEPS = (Fraction(1), Fraction(1, 2), Fraction(1, 8), Fraction(1, 64))


def along_direction(problem: Problem, direction: dict[sympy.Symbol, Fraction]) -> Witness | None:
    """A segment through a simple interior point along ``direction`` with f exactly affine."""
    base = {s: simple_values(problem.domains[s], interior=True)[0] for s in problem.variables}
    params = {s: simple_values(problem.domains[s], interior=False)[0] for s in problem.parameters}
    for step in _STEPS:
        a = {s: base[s] + step * direction.get(s, Fraction(0)) for s in problem.variables}
        b = {s: base[s] - step * direction.get(s, Fraction(0)) for s in problem.variables}
        if all(
            problem.domains[s].contains(a[s]) and problem.domains[s].contains(b[s])
            for s in problem.variables
        ):
            return equal_on_segment(problem, a, b, params, "flat direction")
    return None


def equal_on_segment(
    problem: Problem,
    a: dict[sympy.Symbol, Fraction],
    b: dict[sympy.Symbol, Fraction],
    params: dict[sympy.Symbol, Fraction],
    argument: str,
) -> Witness | None:
    """Exact equality f(mid) = chord at t = 1/2, on the function as written."""
    return segment.certify_segment(
        problem.carrier,
        a,
        b,
        Fraction(1, 2),
        params,
        problem.variables,
        problem.parameters,
        relation="=",
        total=problem.total,
        argument=argument,
    )


def search(problem: Problem, points: int = 12) -> Witness | None:
    """Short axis and diagonal segments from seeded candidate points (count-bounded)."""
    rng = np.random.default_rng(problem.seed)
    symbols = problem.variables + problem.parameters
    candidates = candidate_points(symbols, problem.domains, set(problem.variables), rng, points)
    directions = [{v: Fraction(1)} for v in problem.variables]
    directions.append({v: Fraction(1) for v in problem.variables})
    for point in candidates:
        for direction in directions:
            if problem.deadline.expired():
                return None
            params = {s: point[s] for s in problem.parameters}
            for step in (Fraction(1, 2), Fraction(1, 16)):
                a = {s: point[s] for s in problem.variables}
                b = {s: point[s] + step * direction.get(s, Fraction(0)) for s in problem.variables}
                if not all(problem.domains[s].contains(b[s]) for s in problem.variables):
                    continue
                witness = equal_on_segment(problem, a, b, params, "flat segment")
                if witness is not None:
                    return witness
    return None
