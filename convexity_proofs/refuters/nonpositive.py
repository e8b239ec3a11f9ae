"""A point where f <= 0: f is then neither log-concave nor log-convex.

Both properties need f > 0 on the whole domain (:mod:`convexity_proofs._reductions`),
so one point of the domain where f is defined and certainly <= 0 refutes them.  The
search proposes points: exact rational zeros first (:func:`rational_zeros`: the rational
roots of the factors of f's numerator that are small polynomials with rational
coefficients in one variable, the other symbols at their simple values), then the simple values
of every symbol, then seeded pseudo-random rationals ranked by the compiled program's
floats.  Proposing is all these do: the kernel decides
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

#: The effort of the search for rational zeros, by counts: the largest carrier (in
#: expression nodes) that is examined, the simple points used as bases, the variables
#: scanned, the largest degree of a numerator factor whose roots are sought, and the
#: most zero candidates proposed.
ZERO_MAX_NODES = 300
ZERO_BASES = 2
ZERO_MAX_VARIABLES = 8
ZERO_MAX_DEGREE = 8
ZERO_MAX_POINTS = 8


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
    """A certified point where f <= 0 among the candidates (rational zeros, then simple
    values, then ``points`` in all with the random ones), or None.  Floats only rank the
    random candidates: the first ``certify_best`` of them by their float value (and the
    zeros and simple points, whatever floats say) go to the kernel."""
    symbols = (*variables, *parameters)
    rng = np.random.default_rng(seed)
    candidates = candidate_points(symbols, dict(domains), set(), rng, points)
    if not candidates:
        return None
    simple = candidates[: min(5, len(candidates))]
    zeros = rational_zeros(carrier, variables, domains, simple[:ZERO_BASES], deadline=deadline)
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
    for candidate in [*zeros, *simple, *ranked]:
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


def rational_zeros(
    carrier: sympy.Basic,
    variables: tuple[sympy.Symbol, ...],
    domains: Mapping[sympy.Symbol, Domain],
    bases: list[dict[sympy.Symbol, Fraction]],
    *,
    deadline: Deadline,
) -> list[dict[sympy.Symbol, Fraction]]:
    """Candidate points where f may vanish exactly: a base point with one variable moved
    to a rational root (in its domain) of the numerator of f restricted to that variable.

    Only when the carrier is small (:data:`ZERO_MAX_NODES`) and, with the other symbols
    pinned, a rational function of the variable with rational coefficients; factors of
    the numerator above :data:`ZERO_MAX_DEGREE` are skipped.  These are proposals only:
    each is decided by :func:`certify` like any other candidate.
    """
    points: list[dict[sympy.Symbol, Fraction]] = []
    if not bases or not _small(carrier, ZERO_MAX_NODES):
        return points
    for base in bases:
        for x in variables[:ZERO_MAX_VARIABLES]:
            if deadline.expired():
                return points
            pinned = {s: sympy.Rational(q.numerator, q.denominator) for s, q in base.items()}
            del pinned[x]
            for root in _rational_roots(carrier.xreplace(pinned), x):
                if not domains[x].contains(root):
                    continue
                point = {**base, x: root}
                if point not in points:
                    points.append(point)
                if len(points) >= ZERO_MAX_POINTS:
                    return points
    return points


def _small(expr: sympy.Basic, limit: int) -> bool:
    """At most ``limit`` nodes (counted without walking a larger expression to its end)."""
    for count, _ in enumerate(sympy.preorder_traversal(expr), start=1):
        if count > limit:
            return False
    return True


def _rational_roots(expr: sympy.Basic, x: sympy.Symbol) -> list[Fraction]:
    """The rational roots of the factors of the numerator of ``expr`` that are
    polynomials in ``x`` with rational coefficients (all of them when ``expr`` is a
    rational function of ``x``), of degree at most :data:`ZERO_MAX_DEGREE`, in
    increasing order."""
    try:
        numerator, _ = sympy.fraction(sympy.together(expr))
    except (ArithmeticError, TypeError, ValueError, sympy.PolynomialError):
        return []
    roots: set[Fraction] = set()
    for factor in sympy.Mul.make_args(numerator):
        if factor.is_Pow and factor.exp.is_Integer and factor.exp > 0:
            factor = factor.base  # the same roots: only the square-free part matters
        degree = _degree_bound(factor, x)
        if degree is None or degree == 0 or degree > ZERO_MAX_DEGREE:
            continue  # no rational polynomial factor in x, or one too big to solve
        try:
            poly = sympy.Poly(factor, x, domain=sympy.QQ)
            found = poly.sqf_part().ground_roots()
        except (ArithmeticError, TypeError, ValueError, sympy.PolynomialError):
            continue
        for root in found:
            if root.is_Rational:
                roots.add(Fraction(int(root.p), int(root.q)))
    return sorted(roots)


def _degree_bound(expr: sympy.Basic, x: sympy.Symbol) -> int | None:
    """An upper bound on the degree in ``x`` of a polynomial with rational coefficients
    (without expanding it), or None when ``expr`` is not written as one."""
    if expr == x:
        return 1
    if expr.is_Rational:
        return 0
    if expr.is_Add or expr.is_Mul:
        bounds = [_degree_bound(a, x) for a in expr.args]
        if any(b is None for b in bounds):
            return None
        return max(bounds) if expr.is_Add else sum(bounds)  # type: ignore[arg-type]
    if expr.is_Pow and expr.exp.is_Integer and expr.exp >= 0:
        inner = _degree_bound(expr.base, x)
        return None if inner is None else inner * int(expr.exp)
    return None
