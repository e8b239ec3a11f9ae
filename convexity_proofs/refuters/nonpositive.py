"""A point where f <= 0: f is then neither log-concave nor log-convex.

Both properties need f > 0 on the whole domain (:mod:`convexity_proofs._reductions`),
so one point of the domain where f is defined and certainly <= 0 refutes them.  The
search proposes points with floats (the simple values of every symbol first, then
seeded pseudo-random rationals, ranked by the compiled program) and the kernel decides
each candidate on the *carrier* (f with the definedness obligations of its text), so a
point where the written function is undefined is never used: the value is an exact
rational when exact arithmetic gives it, otherwise an Arb ball whose upper end is <= 0.

:func:`certify` builds the :class:`~convexity_proofs._values.ValueWitness`;
:func:`over_box` re-certifies it for every parameter value at once (an interval
enclosure of f at the point with the parameters ranging over their closed, bounded
domains), for the "some" reading of the claim.  The values and the box enclosure are
computed by the functions the checker's replay recomputes them with
(:mod:`convexity_proofs.kernel.witness_values`), so what a witness records is what the
replay checks.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from fractions import Fraction

import numpy as np
import sympy

from convexity_proofs._numeric import Program
from convexity_proofs._values import Domain, ValueWitness
from convexity_proofs.kernel import evaluate
from convexity_proofs.kernel.witness_values import nonpositive_over, value_at
from convexity_proofs.refuters._space import Deadline, candidate_points, to_array

#: Exact rationals first, then Arb balls at increasing precision.
PRECISIONS: tuple[int | None, ...] = (None, *evaluate.PRECISIONS)

Env = Mapping[sympy.Symbol, Fraction]


def certify(
    carrier: sympy.Basic,
    point: Env,
    params: Env,
    variables: tuple[sympy.Symbol, ...],
    parameters: tuple[sympy.Symbol, ...],
) -> ValueWitness | None:
    """A value witness when the kernel shows carrier(point, params) <= 0, else None."""
    env = {**params, **point}
    for precision in PRECISIONS:
        value = value_at(carrier, env, precision)
        if value is None:
            continue
        if value.hi <= 0:
            return ValueWitness(
                point=tuple((s.name, Fraction(point[s])) for s in variables),
                parameters=tuple((s.name, Fraction(params[s])) for s in parameters),
                relation="<=0",
                values=(("value", value),),
                precision=precision,
            )
        if value.lo > 0:
            return None  # certainly positive here: more bits do not change that
    return None


def over_box(
    witness: ValueWitness,
    carrier: sympy.Basic,
    variables: tuple[sympy.Symbol, ...],
    box: Mapping[sympy.Symbol, tuple[Fraction, Fraction]],
) -> ValueWitness | None:
    """The witness marked as holding for every parameter value in ``box``, or None."""
    by_name = {s.name: s for s in variables}
    point = {by_name[n]: q for n, q in witness.point}
    if not nonpositive_over(carrier, point, box):
        return None
    marked = tuple((s.name, Fraction(lo), Fraction(hi)) for s, (lo, hi) in box.items())
    return dataclasses.replace(witness, box=marked)


def search(
    carrier: sympy.Basic,
    program: Program | None,
    variables: tuple[sympy.Symbol, ...],
    parameters: tuple[sympy.Symbol, ...],
    domains: Mapping[sympy.Symbol, Domain],
    *,
    seed: int,
    points: int,
    certify_best: int,
    deadline: Deadline,
) -> ValueWitness | None:
    """A certified point where f <= 0 among ``points`` candidates (simple values first),
    or None.  Floats only rank the candidates: the first ``certify_best`` of them by
    their float value (and the simple points, whatever floats say) go to the kernel."""
    symbols = (*variables, *parameters)
    rng = np.random.default_rng(seed)
    candidates = candidate_points(symbols, dict(domains), set(), rng, points)
    if not candidates:
        return None
    simple = candidates[: min(5, len(candidates))]
    ranked: list[dict[sympy.Symbol, Fraction]] = []
    values = _float_values(program, candidates, symbols)
    if values is not None:
        order = np.argsort(values, kind="stable")
        ranked = [
            candidates[int(i)]
            for i in order[:certify_best]
            if np.isfinite(values[int(i)]) and values[int(i)] <= 1e-9
        ]
    tried: list[dict[sympy.Symbol, Fraction]] = []
    for candidate in [*simple, *ranked]:
        if candidate in tried:
            continue
        if deadline.expired():
            return None
        tried.append(candidate)
        point = {s: candidate[s] for s in variables}
        params = {s: candidate[s] for s in parameters}
        found = certify(carrier, point, params, variables, parameters)
        if found is not None:
            return found
    return None


def _float_values(
    program: Program | None, candidates: list[dict[sympy.Symbol, Fraction]], symbols: tuple
) -> np.ndarray | None:
    """The program's float values at the candidates (nan where undefined), or None."""
    if program is None:
        return None
    inputs = getattr(program, "inputs", None)
    if inputs is None or set(inputs) != set(symbols):
        return None
    with np.errstate(all="ignore"):
        try:
            values = np.asarray(program.values(to_array(candidates, inputs)), dtype=np.float64)
        except (ArithmeticError, ValueError, TypeError):
            return None
    return np.where(np.isnan(values), np.inf, values)
