"""Level witnesses: a segment on which f leaves one of its sublevel (superlevel) sets.

f is quasiconvex when f(t·a + (1−t)·b) <= max(f(a), f(b)) for all a, b in the box and
0 < t < 1; a certified m = t·a + (1−t)·b with f(m) > max(f(a), f(b)) refutes it (the
sublevel set {f <= max(f(a), f(b))} holds a and b but not m), and f(m) < min(f(a),
f(b)) refutes quasiconcavity.

The search proposes candidates with floats (the compiled
:class:`~convexity_proofs._numeric.Program`, one vectorised pass per batch): ends a, b
from the simple values of each domain and from seeded small-denominator rationals,
parameters at simple values first, t = 1/2 first.  The simplest candidates with a
float gap and those with the largest gaps are certified by the kernel on the
carrier (f with the definedness obligations of its text attached): f(a), f(b), f(m)
exact where the function is rational there, else Arb balls at increasing precision,
and the carrier defined along the whole segment, as the checker's replay demands.
A certified witness is then simplified coordinate by coordinate (0, integers, halves)
as long as it stays certified.  Effort is set by counts; the deadline is a safety net.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy

from convexity_proofs._numeric import Program
from convexity_proofs._values import Domain, LevelWitness
from convexity_proofs.errors import ArgumentError
from convexity_proofs.kernel import evaluate
from convexity_proofs.kernel.witness_values import defined_along, level_relation, segment_values
from convexity_proofs.refuters._space import Deadline, random_values, simple_values, to_float

#: Exact rationals first, then Arb balls at increasing precision.
_PRECISIONS: tuple[int | None, ...] = (None, *evaluate.PRECISIONS)
_TS = (Fraction(1, 2), Fraction(1, 3), Fraction(2, 3), Fraction(1, 4), Fraction(3, 4))
#: How many of each domain's simple values the structured candidates draw from.
_SIMPLE_DRAW = 6

RELATIONS = (">max", "<min")
#: At most this many simplification passes over the coordinates.
_SIMPLIFY_PASSES = 3


@dataclass(frozen=True, slots=True)
class LevelSearch:
    """How hard to look: candidates per batch (two batches: t = 1/2, then other t),
    how many of the best are certified, and the seed."""

    batch: int = 2048
    certify_best: int = 8
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("batch", "certify_best", "seed"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ArgumentError(
                    f"LevelSearch.{name}: expected an integer >= 0, "
                    f"found {type(value).__name__} {value!r}"
                )


Env = Mapping[sympy.Symbol, Fraction]


def certify_level(
    carrier: sympy.Basic,
    a: Env,
    b: Env,
    t: Fraction,
    params: Env,
    variables: tuple[sympy.Symbol, ...],
    parameters: tuple[sympy.Symbol, ...],
    domains: Mapping[sympy.Symbol, Domain],
    *,
    relation: str,
) -> LevelWitness | None:
    """A level witness when the kernel certifies ``relation`` at (a, b, t) with the
    parameters ``params`` and the carrier is defined along the segment; else None."""
    if relation not in RELATIONS:
        raise ValueError(f"unknown relation {relation!r}")
    if not 0 < t < 1 or all(a[x] == b[x] for x in variables):
        return None
    if not all(domains[x].contains(a[x]) and domains[x].contains(b[x]) for x in variables):
        return None
    if not all(domains[p].contains(params[p]) for p in parameters):
        return None
    a_env = {x: Fraction(a[x]) for x in variables}
    b_env = {x: Fraction(b[x]) for x in variables}
    p_env = {p: Fraction(params[p]) for p in parameters}
    shown = None
    for precision, values in segment_values(carrier, a_env, b_env, t, p_env, _PRECISIONS):
        if level_relation(values) == relation:
            shown = (precision, values)
            break
    if shown is None or not defined_along(carrier, a_env, b_env, p_env):
        return None
    precision, values = shown
    return LevelWitness(
        a=tuple((x.name, a_env[x]) for x in variables),
        b=tuple((x.name, b_env[x]) for x in variables),
        t=Fraction(t),
        parameters=tuple((p.name, p_env[p]) for p in parameters),
        relation=relation,
        values=tuple((key, values[key]) for key in ("f_a", "f_b", "f_m")),
        precision=precision,
    )


@dataclass(frozen=True, slots=True)
class _Search:
    carrier: sympy.Basic
    program: Program
    variables: tuple[sympy.Symbol, ...]
    parameters: tuple[sympy.Symbol, ...]
    domains: Mapping[sympy.Symbol, Domain]
    relation: str

    def gaps(self, a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
        """How far f(m) is beyond max(f(a), f(b)) (below min), relative to the size."""
        with np.errstate(all="ignore"):
            mid = t[:, None] * a + (1 - t[:, None]) * b
            fa, fb, fm = (self.program.values(z) for z in (a, b, mid))
            if self.relation == ">max":
                gap = fm - np.maximum(fa, fb)
            else:
                gap = np.minimum(fa, fb) - fm
            rel = gap / (1.0 + np.abs(fa) + np.abs(fb) + np.abs(fm))
        rel[~np.isfinite(rel)] = -np.inf
        return rel

    def rows(self, points: list[dict[sympy.Symbol, Fraction]]) -> np.ndarray:
        inputs = self.program.inputs
        return np.array([[to_float(p[s]) for s in inputs] for p in points], dtype=float).reshape(
            len(points), len(inputs)
        )

    def certify(self, a: Env, b: Env, t: Fraction, params: Env) -> LevelWitness | None:
        return certify_level(
            self.carrier,
            a,
            b,
            t,
            params,
            self.variables,
            self.parameters,
            self.domains,
            relation=self.relation,
        )


def find_level_witness(
    carrier: sympy.Basic,
    program: Program | None,
    variables: tuple[sympy.Symbol, ...],
    parameters: tuple[sympy.Symbol, ...],
    domains: Mapping[sympy.Symbol, Domain],
    *,
    relation: str,
    settings_: LevelSearch,
    deadline: Deadline,
) -> LevelWitness | None:
    """A certified level witness showing ``relation`` (">max": not quasiconvex, "<min":
    not quasiconcave), or None."""
    if relation not in RELATIONS:
        raise ValueError(f"unknown relation {relation!r}")
    if program is None or settings_.batch == 0 or not variables:
        return None
    simple = {s: simple_values(domains[s], interior=False) for s in variables + parameters}
    if not all(simple.values()):
        return None  # an empty domain: nothing to look at
    search = _Search(carrier, program, variables, parameters, domains, relation)
    rng = np.random.default_rng(settings_.seed)
    for ts in ((Fraction(1, 2),), _TS[1:]):
        if deadline.expired():
            return None
        found = _batch(search, simple, rng, ts, settings_, deadline)
        if found is not None:
            return _simplify(search, found, deadline)
    return None


def _draw(
    rng: np.random.Generator,
    simple: dict[sympy.Symbol, list[Fraction]],
    domains: Mapping[sympy.Symbol, Domain],
    symbols: tuple[sympy.Symbol, ...],
    count: int,
    structured: int,
) -> list[dict[sympy.Symbol, Fraction]]:
    """``count`` points: the first ``structured`` from simple values, the rest random."""
    columns: dict[sympy.Symbol, list[Fraction]] = {}
    for s in symbols:
        choices = simple[s][:_SIMPLE_DRAW]
        picks = rng.integers(0, len(choices), size=structured).tolist()
        column = [choices[k] for k in picks]
        column += random_values(rng, domains[s], interior=False, count=count - structured)
        columns[s] = column
    return [{s: columns[s][k] for s in symbols} for k in range(count)]


def _batch(
    search: _Search,
    simple: dict[sympy.Symbol, list[Fraction]],
    rng: np.random.Generator,
    ts: tuple[Fraction, ...],
    cfg: LevelSearch,
    deadline: Deadline,
) -> LevelWitness | None:
    n = cfg.batch
    structured = n // 2
    variables, parameters = search.variables, search.parameters
    # Parameters: the first simple value of each for a quarter of the rows, then other
    # simple values, then random ones.
    params = _draw(rng, simple, search.domains, parameters, n, n // 2)
    for k in range(min(n // 4, n)):
        params[k] = {p: simple[p][0] for p in parameters}
    ends = [_draw(rng, simple, search.domains, variables, n, structured) for _ in range(2)]
    t_values = [ts[int(i)] for i in rng.integers(0, len(ts), size=n)]
    a_rows = search.rows([{**params[k], **ends[0][k]} for k in range(n)])
    b_rows = search.rows([{**params[k], **ends[1][k]} for k in range(n)])
    gaps = search.gaps(a_rows, b_rows, np.array([float(t) for t in t_values]))
    # The simplest candidates with a clear float gap first, then the largest gaps.
    promising = [int(k) for k in np.flatnonzero(gaps > 1e-9)]
    simplest = sorted(
        promising, key=lambda k: (_size(ends[0][k]) + _size(ends[1][k]) + _size(params[k]), k)
    )[: cfg.certify_best]
    largest = [int(k) for k in np.argsort(-gaps, kind="stable")[: cfg.certify_best]]
    for k in dict.fromkeys(simplest + largest):
        if deadline.expired():
            break
        if not gaps[k] > 1e-12:
            continue
        witness = search.certify(ends[0][k], ends[1][k], t_values[k], params[k])
        if witness is not None:
            return witness
    return None


def _size(point: Mapping[sympy.Symbol, Fraction]) -> int:
    """How complicated a point's coordinates are (for preferring simple witnesses)."""
    return sum(abs(q.numerator) + q.denominator for q in point.values())


def _simpler(q: Fraction) -> list[Fraction]:
    """Simpler values to try in place of ``q``: 0, ±1, half of it rounded, the nearest
    integer, the nearest half (each simpler: a smaller denominator, or as small and
    nearer 0)."""
    out = []
    one = Fraction(1 if q > 0 else -1)
    for v in (
        Fraction(0),
        one,
        Fraction(round(q / 2)),
        Fraction(round(q)),
        Fraction(round(2 * q), 2),
    ):
        if v != q and v not in out and (v.denominator, abs(v)) < (q.denominator, abs(q)):
            out.append(v)
    return out


def _simplify(search: _Search, witness: LevelWitness, deadline: Deadline) -> LevelWitness:
    """Each coordinate replaced by a simpler value while the witness stays certified
    (a few passes, until nothing changes; t = 1/2 tried first)."""
    by_name = {s.name: s for s in search.variables + search.parameters}
    a = {by_name[n]: q for n, q in witness.a}
    b = {by_name[n]: q for n, q in witness.b}
    params = {by_name[n]: q for n, q in witness.parameters}
    t = witness.t
    best = witness
    if t != Fraction(1, 2):
        found = search.certify(a, b, Fraction(1, 2), params)
        if found is not None:
            best, t = found, Fraction(1, 2)
    for _ in range(_SIMPLIFY_PASSES):
        changed = False
        for which, symbols in (
            (a, search.variables),
            (b, search.variables),
            (params, search.parameters),
        ):
            for s in symbols:
                for value in _simpler(which[s]):
                    if deadline.expired():
                        return best
                    old = which[s]
                    which[s] = value
                    found = search.certify(a, b, t, params)
                    if found is not None:
                        best, changed = found, True
                        break
                    which[s] = old
        if not changed:
            break
    return best
