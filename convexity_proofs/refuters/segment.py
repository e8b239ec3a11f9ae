"""Segment witnesses: f rises above its chord (Jensen's inequality fails).

The only kind of witness for non-smooth functions (abs, max, relu, Piecewise).  Two
searches, cheapest first:

1. a vectorised NumPy batch of random segments, ranked by the float gap;
2. Hypothesis ``find`` over exact small rationals, steered by ``target(gap)`` and
   shrunk, so the reported witness is the simplest one found (derandomised, no
   example database: the same witness on every run).

A float gap only nominates; :func:`convexity_proofs.kernel.evaluate.decide_segment`
decides, and unless f is known to be defined on the whole box, the whole segment is
checked to lie where f is defined (both in :func:`convexity_proofs.refuters._witness.segment`,
which builds the witness with the values that show it).

Every domain is searched as given, including a one-point domain (a pinned parameter:
each segment then uses its one value) and domains whose ends are huge (beyond the float
range: sampled inside :data:`~convexity_proofs.refuters._space.WINDOW`) or have large
denominators (Hypothesis draws small-denominator rationals from the part of the domain
that has them, or an even grid of a narrow domain).  A domain without any value gives
no search and no witness.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np
import sympy

from convexity_proofs._numeric import Program
from convexity_proofs._values import Domain, SegmentWitness
from convexity_proofs.errors import ArgumentError
from convexity_proofs.refuters import _witness
from convexity_proofs.refuters._space import (
    Deadline,
    random_value,
    search_window,
    simple_values,
    to_float,
)

if TYPE_CHECKING:
    from hypothesis import strategies as st

_TS = (Fraction(1, 2), Fraction(1, 3), Fraction(2, 3), Fraction(1, 4), Fraction(3, 4))
#: Programs longer than this make Hypothesis's one-example-at-a-time search too slow.
HYPOTHESIS_MAX_PROGRAM = 3000
#: Hypothesis draws rationals with at most this denominator (simple witnesses).
_MAX_DENOMINATOR = 8
#: A domain too narrow for two such rationals is searched on this many equal steps.
_GRID = 16


@dataclass(frozen=True, slots=True)
class SegmentSearch:
    """How hard the segment search looks: random segments screened in one batch, how
    many of the best are certified, Hypothesis examples (0 skips a search), the seed."""

    batch: int = 2048
    certify_best: int = 8
    hypothesis_examples: int = 300
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("batch", "certify_best", "hypothesis_examples", "seed"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ArgumentError(
                    f"SegmentSearch.{name}: expected an integer >= 0, "
                    f"found {type(value).__name__} {value!r}"
                )


@dataclass(frozen=True, slots=True)
class _Problem:
    expr: sympy.Expr
    program: Program
    variables: tuple[sympy.Symbol, ...]
    parameters: tuple[sympy.Symbol, ...]
    domains: dict[sympy.Symbol, Domain]
    sign: int
    total: bool  # f proved defined on the whole box: no need to check each segment


def find_segment_witness(
    expr: sympy.Expr,
    program: Program,
    variables: tuple[sympy.Symbol, ...],
    parameters: tuple[sympy.Symbol, ...],
    domains: dict[sympy.Symbol, Domain],
    *,
    sign: int,
    total: bool,
    settings_: SegmentSearch,
    deadline: Deadline,
) -> SegmentWitness | None:
    """A certified segment on which ``sign·f`` rises above its chord, or ``None``."""
    if not all(simple_values(domains[s], interior=False) for s in variables + parameters):
        return None  # an empty domain: no segment to look at
    problem = _Problem(expr, program, variables, parameters, domains, sign, total)
    found = _batch_search(problem, settings_, deadline)
    if (
        found is None
        and settings_.hypothesis_examples > 0
        and program.size <= HYPOTHESIS_MAX_PROGRAM
        and not deadline.expired()
    ):
        found = _hypothesis_search(problem, settings_, deadline)
    return found


def _gap(problem: _Problem, a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    """sign·(f(t·a + (1−t)·b) − t·f(a) − (1−t)·f(b)), relative to the values' size."""
    # inf/nan are expected where f is undefined, and inf - inf beyond the float range.
    with np.errstate(all="ignore"):
        mid = t[:, None] * a + (1 - t[:, None]) * b
        fa, fb, fm = (problem.program.values(z) for z in (a, b, mid))
        gap = problem.sign * (fm - t * fa - (1 - t) * fb)
        scale = 1.0 + np.abs(fa) + np.abs(fb) + np.abs(fm)
        rel = gap / scale
    rel[~np.isfinite(rel)] = -np.inf
    return rel


def _batch_search(
    problem: _Problem, cfg: SegmentSearch, deadline: Deadline
) -> SegmentWitness | None:
    if cfg.batch == 0:
        return None
    rng = np.random.default_rng(cfg.seed)
    inputs = problem.program.inputs
    params = [
        {s: random_value(rng, problem.domains[s], interior=False) for s in problem.parameters}
        for _ in range(cfg.batch)
    ]
    ends = [
        [
            {s: random_value(rng, problem.domains[s], interior=False) for s in problem.variables}
            for _ in range(cfg.batch)
        ]
        for _ in range(2)
    ]
    ts = [_TS[int(i)] for i in rng.integers(0, len(_TS), size=cfg.batch)]

    def matrix(which: int) -> np.ndarray:
        rows = []
        for k in range(cfg.batch):
            values = {**params[k], **ends[which][k]}
            rows.append([to_float(values[s]) for s in inputs])
        return np.array(rows, dtype=float).reshape(cfg.batch, len(inputs))

    a, b = matrix(0), matrix(1)
    # Parameters are shared by both ends, so they sit at the same value in the midpoint.
    rel = _gap(problem, a, b, np.array([float(t) for t in ts]))
    for k in np.argsort(-rel)[: cfg.certify_best]:
        if deadline.expired() or not rel[k] > 1e-12:
            break
        witness = _certify_candidate(problem, ends[0][k], ends[1][k], ts[k], params[k])
        if witness is not None:
            return witness
    return None


def _value_strategy(domain: Domain) -> st.SearchStrategy[Fraction]:
    # Hypothesis is imported where it is used: claims that never reach this phase
    # (structured model claims, C² functions) do not pay its import (about 0.4 s).
    from hypothesis import strategies as st

    """Exact rationals in ``domain`` for Hypothesis, shrinking towards simple values.

    Multiples of 1/8 between the domain's ends (rounded inwards); an even grid when the
    domain is too narrow for two of them; the one value of a one-point domain.
    Unbounded ends are replaced by the finite end ± 16, and ends beyond the
    float-faithful window by the window's.
    """
    lo, hi = search_window(domain)
    if lo is None:
        lo = hi - 16 if hi is not None else Fraction(-16)
    if hi is None:
        hi = lo + 16
    if lo >= hi:
        return st.just(lo).filter(domain.contains)
    # Multiples of 1/8 drawn as integer numerators: ten times cheaper to draw than
    # st.fractions (measured: 0.5 s against 5.3 s for 300 examples of 8 values), and
    # integers shrink towards 0, so witnesses still shrink to simple values.
    n_lo = math.ceil(lo * _MAX_DENOMINATOR)
    n_hi = math.floor(hi * _MAX_DENOMINATOR)
    if n_lo < n_hi:
        values = st.integers(n_lo, n_hi).map(lambda n: Fraction(n, _MAX_DENOMINATOR))
    else:
        width = hi - lo
        values = st.integers(0, _GRID).map(lambda k: lo + width * Fraction(k, _GRID))
    return values.filter(domain.contains)


def _hypothesis_search(
    problem: _Problem, cfg: SegmentSearch, deadline: Deadline
) -> SegmentWitness | None:
    if cfg.hypothesis_examples == 0:
        return None
    from hypothesis import HealthCheck, Phase, find, settings, target
    from hypothesis import strategies as st
    from hypothesis.errors import HypothesisException

    variables, parameters = problem.variables, problem.parameters
    point = st.tuples(*(_value_strategy(problem.domains[s]) for s in variables))
    strategy = st.tuples(
        point,
        point,
        st.sampled_from(_TS),
        st.tuples(*(_value_strategy(problem.domains[s]) for s in parameters)),
    )
    inputs = problem.program.inputs

    def row(values: dict[sympy.Symbol, Fraction]) -> np.ndarray:
        return np.array([[to_float(values[s]) for s in inputs]], dtype=float).reshape(
            1, len(inputs)
        )

    def violates(example: tuple) -> bool:
        if deadline.expired():
            return False
        a_vals, b_vals, t, p_vals = example
        params = dict(zip(parameters, p_vals, strict=True))
        a = {**params, **dict(zip(variables, a_vals, strict=True))}
        b = {**params, **dict(zip(variables, b_vals, strict=True))}
        rel = float(_gap(problem, row(a), row(b), np.array([float(t)]))[0])
        if rel == -np.inf:
            return False
        target(rel)
        if rel <= 1e-12:
            return False
        return (
            _certify_candidate(
                problem,
                {s: a[s] for s in variables},
                {s: b[s] for s in variables},
                t,
                params,
            )
            is not None
        )

    config = settings(
        database=None,
        derandomize=True,
        deadline=None,
        max_examples=cfg.hypothesis_examples,
        phases=[Phase.generate, Phase.target, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    try:
        a_vals, b_vals, t, p_vals = find(strategy, violates, settings=config)
    except HypothesisException:
        return None
    params = dict(zip(parameters, p_vals, strict=True))
    return _certify_candidate(
        problem,
        dict(zip(variables, a_vals, strict=True)),
        dict(zip(variables, b_vals, strict=True)),
        t,
        params,
    )


def _certify_candidate(
    problem: _Problem,
    a: dict[sympy.Symbol, Fraction],
    b: dict[sympy.Symbol, Fraction],
    t: Fraction,
    params: dict[sympy.Symbol, Fraction],
) -> SegmentWitness | None:
    if a == b:
        return None
    return certify_segment(
        problem.expr,
        a,
        b,
        t,
        params,
        problem.variables,
        problem.parameters,
        relation=">" if problem.sign > 0 else "<",
        total=problem.total,
    )


def certify_segment(
    expr: sympy.Expr,
    a: dict[sympy.Symbol, Fraction],
    b: dict[sympy.Symbol, Fraction],
    t: Fraction,
    params: dict[sympy.Symbol, Fraction],
    variables: tuple[sympy.Symbol, ...],
    parameters: tuple[sympy.Symbol, ...],
    *,
    relation: str,
    total: bool,
    argument: str = "search",
    swap: str = "",
) -> SegmentWitness | None:
    """Certify a segment proposed elsewhere (e.g. the permutation argument, a flat direction).

    ``relation`` is what must be certified: ">" (above the chord), "<" or "=".  The
    witness is built (with the values that show it) by :mod:`._witness`.
    """
    return _witness.segment(
        expr,
        a,
        b,
        t,
        params,
        variables,
        parameters,
        relation=relation,
        total=total,
        argument=argument,
        swap=swap,
    )
