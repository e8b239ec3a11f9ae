"""Ordered-pair witnesses: a <= b with f(a) in the wrong order to f(b).

A function is nondecreasing in the componentwise order of a box exactly when it is
nondecreasing in each coordinate with the others fixed, so candidates differ in one
coordinate: a base point (every variable and parameter at a simple or seeded random
value in its domain) with one variable moved from a smaller value to a larger one.
Floats (the carrier compiled by :mod:`convexity_proofs._numeric`) only rank the
candidates; the simplest ones with a comfortable gap come first, and the kernel
decides: f(a) and f(b) on the carrier, exact rationals where the function is rational
there, else Arb balls at increasing precision, must show the relation by themselves
(so both points are where the written function is defined).  The witness records
those values and the precision (:func:`convexity_proofs.kernel.witness_values.ordered_values`
computes them for the builder and the replay alike).

Relations: ``">"`` f(a) > f(b) (not nondecreasing), ``"<"`` (not nonincreasing),
``">="`` f(a) >= f(b) (not increasing: ``">"`` or an exact equality), ``"<="`` (not
decreasing).  With ``boxed`` the witness must also hold for every parameter value: the
interval enclosure of f(a) − f(b) over the whole parameter box shows the relation
(bounded parameter domains only).  Effort is set by counts; the only randomness is a
generator seeded from ``problem.seed``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np
import sympy

from convexity_proofs._values import OrderedWitness
from convexity_proofs.kernel import evaluate
from convexity_proofs.kernel.witness_values import (
    defined_along,
    defined_along_over_box,
    difference_over_box,
    moved_variables,
    ordered_values,
    relation_shown,
)
from convexity_proofs.refuters._space import (
    candidate_points,
    random_values,
    simple_values,
    to_float,
)
from convexity_proofs.refuters.uniform import parameter_box

if TYPE_CHECKING:
    from convexity_proofs._problem import Problem

#: Exact rationals first, then Arb balls at increasing precision.
_PRECISIONS: tuple[int | None, ...] = (None, *evaluate.PRECISIONS)
#: Which side must be larger: +1 when f(a) is above f(b).
_SIDE = {">": 1, ">=": 1, "<": -1, "<=": -1}
_SEEDS = {">": 1, "<": 2, ">=": 3, "<=": 4}
#: A float gap below this (relative to the values) is no evidence of a strict relation.
_TINY = 1e-12
#: Gaps at least this large (relative) are preferred: they certify at low precision.
_COMFORTABLE = 1e-6


@dataclass(frozen=True, slots=True)
class OrderedSearch:
    """How hard the search looks: base points, values per variable (pairs among them),
    how many of the best candidates are certified, and a cap on the candidates."""

    base_points: int = 24
    values_per_variable: int = 8
    certify_best: int = 16
    max_candidates: int = 20000


Env = dict[sympy.Symbol, Fraction]


def search(
    problem: Problem,
    relation: str,
    *,
    boxed: bool = False,
    settings: OrderedSearch | None = None,
) -> OrderedWitness | None:
    """A certified ordered pair showing ``relation`` for f, or None."""
    if relation not in _SIDE:
        raise ValueError(f"unknown relation {relation!r}")
    cfg = settings or OrderedSearch()
    variables, parameters = problem.variables, problem.parameters
    domains = problem.domains
    symbols = variables + parameters
    if not all(simple_values(domains[s], interior=False) for s in symbols):
        return None  # an empty domain: no point to look at
    box = parameter_box(problem) if boxed else {}
    if box is None:
        return None  # a parameter with an unbounded domain is never covered
    rng = np.random.default_rng([problem.seed & 0xFFFFFFFF, _SEEDS[relation]])
    candidates = _candidates(problem, rng, cfg)
    ranked = _ranked(problem, candidates, relation)
    for a, b, params in ranked[: cfg.certify_best]:
        if problem.deadline.expired():
            break
        witness = certify(problem.carrier, a, b, params, variables, parameters, relation)
        if witness is None:
            continue
        if boxed:
            if not (
                defined_along_over_box(problem.carrier, a, b, box)
                and difference_over_box(problem.carrier, a, b, box, witness.relation)
            ):
                continue
            witness = dataclasses.replace(
                witness, box=tuple((s.name, lo, hi) for s, (lo, hi) in box.items())
            )
        return witness
    return None


def _candidates(
    problem: Problem, rng: np.random.Generator, cfg: OrderedSearch
) -> list[tuple[Env, Env, Env]]:
    variables, parameters = problem.variables, problem.parameters
    domains = problem.domains
    values: dict[sympy.Symbol, list[Fraction]] = {}
    for v in variables:
        simple = simple_values(domains[v], interior=False)[: cfg.values_per_variable]
        drawn = random_values(rng, domains[v], interior=False, count=4)
        values[v] = sorted(dict.fromkeys([*simple, *drawn]))
    pairs = {v: [(s, t) for i, s in enumerate(vs) for t in vs[i + 1 :]] for v, vs in values.items()}
    per_base = sum(len(p) for p in pairs.values())
    if per_base == 0:
        return []
    count = max(1, min(cfg.base_points, cfg.max_candidates // per_base))
    bases = candidate_points(variables + parameters, dict(domains), set(), rng, count)
    out: list[tuple[Env, Env, Env]] = []
    for base in bases:
        params = {p: base[p] for p in parameters}
        point = {v: base[v] for v in variables}
        for v in variables:
            for s, t in pairs[v]:
                if len(out) >= cfg.max_candidates:
                    return out
                out.append(({**point, v: s}, {**point, v: t}, params))
    return out


def _size(q: Fraction) -> int:
    return abs(q.numerator).bit_length() + q.denominator.bit_length()


def _complexity(a: Env, b: Env, params: Env) -> int:
    return sum(_size(q) for env in (a, b, params) for q in env.values())


def _ranked(
    problem: Problem, candidates: list[tuple[Env, Env, Env]], relation: str
) -> list[tuple[Env, Env, Env]]:
    """The candidates the floats favour, simplest first among those with a comfortable
    gap; all of them in their order (simple values first) when f cannot be compiled."""
    program = problem.program
    if program is None or not candidates:
        return candidates
    inputs = program.inputs

    def rows(which: int) -> np.ndarray:
        data = [[to_float({**c[2], **c[which]}[s]) for s in inputs] for c in candidates]
        return np.array(data, dtype=float).reshape(len(candidates), len(inputs))

    with np.errstate(all="ignore"):
        fa, fb = program.values(rows(0)), program.values(rows(1))
        gap = _SIDE[relation] * (fa - fb)
        rel = gap / (1.0 + np.abs(fa) + np.abs(fb))
    rel[~np.isfinite(rel)] = -np.inf
    strict = relation in (">", "<")
    keep = rel > _TINY if strict else rel >= -_TINY
    order = []
    for k in np.flatnonzero(keep).tolist():
        a, b, params = candidates[k]
        r = float(rel[k])
        comfortable = r >= _COMFORTABLE or (not strict and abs(r) <= _TINY)
        order.append((not comfortable, _complexity(a, b, params), -r, k))
    order.sort()
    return [candidates[k] for *_, k in order]


def certify(
    carrier: sympy.Basic,
    a: Env,
    b: Env,
    params: Env,
    variables: tuple[sympy.Symbol, ...],
    parameters: tuple[sympy.Symbol, ...],
    relation: str,
) -> OrderedWitness | None:
    """The witness when the kernel's values of f(a) and f(b) on the carrier show the
    relation (a strict one when they do: ``">"`` rather than ``">="``), else None."""
    if a == b or any(a[v] > b[v] for v in variables) or len(moved_variables(a, b)) != 1:
        return None
    if not defined_along(carrier, a, b, params):
        return None  # the checker needs f defined on the segment between a and b
    strict = ">" if _SIDE[relation] > 0 else "<"
    wanted = (strict,) if relation == strict else (strict, relation)
    for precision in _PRECISIONS:
        values = ordered_values(carrier, a, b, params, precision)
        if values is None:
            continue
        shown = next((r for r in wanted if relation_shown(values["f_a"], values["f_b"], r)), None)
        if shown is not None:
            return OrderedWitness(
                a=tuple((s.name, Fraction(a[s])) for s in variables),
                b=tuple((s.name, Fraction(b[s])) for s in variables),
                parameters=tuple((s.name, Fraction(params[s])) for s in parameters),
                relation=shown,
                values=(("f_a", values["f_a"]), ("f_b", values["f_b"])),
                precision=precision,
            )
        if values["f_a"].is_exact and values["f_b"].is_exact:
            return None  # exact values in the wrong order: more bits change nothing
    return None
