"""Point witnesses against invariance: f and the substituted f differ at a point.

Candidate points (simple values first, then seeded random rationals) are screened
with floats; the difference is then decided by exact or ball arithmetic
(:func:`convexity_proofs.refuters._witness.point`).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import sympy

from convexity_proofs._numeric import compile_program
from convexity_proofs._values import Domain, PointWitness
from convexity_proofs.refuters import _witness
from convexity_proofs.refuters._space import Deadline, candidate_points, to_array


def find_point_witness(
    expr: sympy.Expr,
    image: sympy.Expr,
    symbols: tuple[sympy.Symbol, ...],
    domains: dict[sympy.Symbol, Domain],
    *,
    seed: int,
    points: int,
    deadline: Deadline,
) -> PointWitness | None:
    rng = np.random.default_rng(seed)
    candidates = candidate_points(symbols, domains, set(), rng, points)
    order = list(range(len(candidates)))
    f_prog, g_prog = compile_program(expr, symbols), compile_program(image, symbols)
    if f_prog is not None and g_prog is not None:
        x = to_array(candidates, symbols)
        fv, gv = f_prog.values(x), g_prog.values(x)
        with np.errstate(all="ignore"):
            rel = np.abs(fv - gv) / (1 + np.abs(fv) + np.abs(gv))
        rel[~np.isfinite(rel)] = -1.0
        # Keep the search order (simple points first) among clear float differences.
        order = [k for k in order if rel[k] > 1e-9] + [k for k in order if not rel[k] > 1e-9]
    for k in order[:64]:
        if deadline.expired():
            return None
        point: dict[sympy.Symbol, Fraction] = candidates[k]
        witness = _witness.point(expr, image, point, symbols)
        if witness is not None:
            return witness
    return None
