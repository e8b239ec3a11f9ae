"""The engine: strategies in order, cheapest first; the first decisive answer wins.

For a curvature question (is sign·f convex?) the order is: composition rules (with
second-order provers for subterms the rules do not cover), a constant Hessian, one
variable's second derivative, then the refuters: curvature search and segment search.
Every property of the claim format is settled from these answers:

* ``convex``/``concave``: directly; ``strictly-*``: convexity, then strictness from a
  second-order prover or an exact flat segment; ``affine``: composition says affine,
  or any certified curvature refutes it;
* ``nonconvex``/``nonconcave``/``neither``: a refutation of the opposite property is
  the proof, and a proof of it is the refutation;
* ``invariant``: symbolic identity, or a certified point where the two sides differ.
"""

from __future__ import annotations

import dataclasses
import time
import zlib
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import sympy

from convexity_proofs import _certify, _intervals
from convexity_proofs._brief import brief
from convexity_proofs._numeric import Program, compile_program
from convexity_proofs._timelimit import hard_limit
from convexity_proofs._values import (
    Attempt,
    Claim,
    Condition,
    Domain,
    ProofStep,
    Property,
    Status,
    Verdict,
    Witness,
    format_number,
)
from convexity_proofs.errors import CheckTimeout
from convexity_proofs.provers import composition, identity, polynomial, second_order
from convexity_proofs.refuters import curvature, invariance, permutation, segment
from convexity_proofs.refuters._space import Deadline, candidate_points, simple_values


@dataclass(frozen=True, slots=True)
class Settings:
    """How hard to look.  The defaults are what ``convexity-check`` uses."""

    timeout: float | None = 60.0
    seed: int = 0
    curvature_points: int = 40
    segment: segment.SegmentSearch = field(default_factory=segment.SegmentSearch)
    invariance_points: int = 64


@dataclass(frozen=True, slots=True)
class _Settled:
    status: Status
    proof: tuple[ProofStep, ...] = ()
    witness: Witness | None = None
    strict: bool | None = None
    flat_direction: dict[sympy.Symbol, Fraction] | None = None


class _Context:
    """Everything the strategies for one claim share, computed at most once."""

    def __init__(self, claim: Claim, settings: Settings, deadline: Deadline) -> None:
        self.claim = claim
        self.settings = settings
        self.deadline = deadline
        self.f = claim.function
        self.variables = claim.variables
        self.parameters = claim.parameters
        self.domains: dict[sympy.Symbol, Domain] = dict(claim.domains)
        self.seed = (zlib.crc32(claim.name.encode()) ^ settings.seed) & 0xFFFFFFFF
        self.attempts: list[Attempt] = []
        self._program: Program | bool | None = False
        self._total: bool | None = None
        self.composition: composition.Analysis | None = None

    def note(self, strategy: str, outcome: str) -> None:
        self.attempts.append(Attempt(strategy, outcome))

    @property
    def program(self) -> Program | None:
        if self._program is False:
            self._program = compile_program(self.f, self.variables + self.parameters)
        return self._program  # type: ignore[return-value]

    @property
    def total(self) -> bool:
        """f is proved defined on the whole box (so no segment needs its own check)."""
        if self._total is None:
            self._total = _intervals.defined(self.f, self.domains) is True
        return self._total


# --- proving ------------------------------------------------------------------------


def _fallback(ctx: _Context) -> composition.Fallback:
    """Second-order provers for subterms the composition rules cannot handle."""

    def prove(sub: sympy.Expr, own: tuple[sympy.Symbol, ...]) -> composition.Analysis | None:
        for sign, curvature_ in (
            (1, composition.Curvature.CONVEX),
            (-1, composition.Curvature.CONCAVE),
        ):
            for prover in (second_order.quadratic, second_order.univariate):
                result = prover(sign * sub, own, ctx.domains)
                if result is not None and result.convex is True:
                    return composition.Analysis(curvature_, _signed_step(result.step, sign))
        return None

    return prove


def _signed_step(step: ProofStep | None, sign: int) -> ProofStep | None:
    if step is None or sign > 0:
        return step
    return ProofStep(
        rule="negation",
        subject=step.subject,
        reason="f is concave because −f is convex",
        children=(step,),
    )


def _composition(ctx: _Context) -> composition.Analysis:
    """The composition rules' verdict on the whole function, computed once per claim.

    The rules check the domains of atoms applied to the variables; a conclusion also
    needs the constant coefficients (log(p) for a parameter p) defined on the whole
    domain, so without that the analysis is downgraded to UNKNOWN here, for every
    property that uses it.
    """
    if ctx.composition is None:
        analysis = composition.analyse(ctx.f, ctx.variables, ctx.domains, _fallback(ctx))
        if analysis.curvature is not composition.Curvature.UNKNOWN and not ctx.total:
            analysis = composition.Analysis(
                composition.Curvature.UNKNOWN,
                None,
                ctx.f,
                "the rules apply, but f is not proved defined on the whole domain "
                "(declare the domains of its symbols)",
            )
        ctx.composition = analysis
    return ctx.composition


def _prove_curvature(ctx: _Context, sign: int) -> _Settled | None:
    """Try every prover for "sign·f is convex"; a refutation found on the way counts too."""
    analysis = _composition(ctx)
    want = analysis.curvature.is_convex if sign > 0 else analysis.curvature.is_concave
    if want and analysis.step is not None:
        return _Settled(Status.PROVED, (analysis.step,))
    if analysis.curvature is composition.Curvature.UNKNOWN:
        culprit = brief(analysis.culprit, 100) if analysis.culprit is not None else "?"
        ctx.note("composition rules", f"no rule for {culprit}: {analysis.why}")
    else:
        ctx.note("composition rules", f"the rules show the function is {analysis.curvature.value}")

    signed = sign * ctx.f
    for name, prover in (
        ("constant Hessian", second_order.quadratic),
        ("second derivative", second_order.univariate),
    ):
        if ctx.deadline.expired():
            return None
        result = prover(signed, ctx.variables, ctx.domains)
        if result is None:
            ctx.note(name, "does not apply")
            continue
        if result.convex is True:
            return _Settled(
                Status.PROVED,
                (_signed_step(result.step, sign),),
                strict=result.strict,
                flat_direction=result.flat_direction,
            )
        if result.negative_direction is not None:
            witness = _certify_direction(ctx, result.negative_direction, sign)
            if witness is not None:
                return _Settled(Status.REFUTED, witness=witness)
        ctx.note(name, result.note or "could not establish the sign")
    return None


def _polynomial(ctx: _Context, sign: int) -> _Settled | None:
    """The complete method for polynomials (z3), bounded by the claim's remaining time."""
    budget = ctx.deadline.remaining_ms(cap=5000)
    if budget <= 0:
        return None
    result = polynomial.decide_polynomial(
        sign * ctx.f, ctx.variables, ctx.parameters, ctx.domains, timeout_ms=budget
    )
    if result is None:
        ctx.note(
            "polynomial decision (z3)",
            "does not apply (not a small polynomial, or z3-solver is not installed)",
        )
        return None
    if result.convex is True and result.step is not None:
        return _Settled(Status.PROVED, (_signed_step(result.step, sign),))
    if result.convex is False and result.point is not None and result.direction is not None:
        # z3's model was already re-checked exactly; certify again with our own judge.
        witness = curvature.certify_curvature(
            ctx.f, result.point, result.direction, ctx.variables, ctx.parameters, sign=sign
        )
        if witness is not None:
            return _Settled(Status.REFUTED, witness=witness)
    ctx.note("polynomial decision (z3)", result.note or "no answer within the time limit")
    return None


def _certify_direction(
    ctx: _Context, direction: dict[sympy.Symbol, Fraction], sign: int
) -> Witness | None:
    point = {s: simple_values(ctx.domains[s], interior=True)[0] for s in ctx.variables}
    point.update({s: simple_values(ctx.domains[s], interior=False)[0] for s in ctx.parameters})
    return curvature.certify_curvature(
        ctx.f, point, direction, ctx.variables, ctx.parameters, sign=sign
    )


# --- refuting -----------------------------------------------------------------------


def _refute_quickly(ctx: _Context, sign: int) -> Witness | None:
    """The cheap refuters: the permutation argument, then (smooth f) the curvature search."""
    program = ctx.program
    if program is None:
        ctx.note("search", "the function holds something the numeric search cannot evaluate")
        return None
    if len(ctx.variables) >= 2:
        found = _permutation_argument(ctx, program, sign)
        if found is not None:
            return found
    if second_order.is_smooth(ctx.f):
        found = _curvature_search(ctx, program, sign)
        if found is not None:
            return found
        ctx.note(
            "curvature search",
            f"no certified negative curvature at {ctx.settings.curvature_points} points",
        )
    return None


def _refute_thoroughly(ctx: _Context, sign: int) -> Witness | None:
    """The segment search (the only witnesses at kinks), then curvature away from kinks."""
    program = ctx.program
    if program is None or ctx.deadline.expired():
        return None
    cfg = ctx.settings.segment
    found = segment.find_segment_witness(
        ctx.f,
        program,
        ctx.variables,
        ctx.parameters,
        ctx.domains,
        sign=sign,
        total=ctx.total,
        settings_=segment.SegmentSearch(
            cfg.batch, cfg.certify_best, cfg.hypothesis_examples, ctx.seed
        ),
        deadline=ctx.deadline,
    )
    if found is None:
        ctx.note("segment search", "no certified violation of Jensen's inequality")
    if found is None and not second_order.is_smooth(ctx.f):
        # Away from kinks a non-smooth function may still curve the wrong way.
        found = _curvature_search(ctx, program, sign)
    return found


def _curvature_search(ctx: _Context, program: Program, sign: int) -> Witness | None:
    return curvature.find_curvature_witness(
        ctx.f,
        program,
        ctx.variables,
        ctx.parameters,
        ctx.domains,
        sign=sign,
        settings=curvature.CurvatureSearch(ctx.settings.curvature_points, ctx.seed),
        deadline=ctx.deadline,
    )


def _permutation_argument(ctx: _Context, program: Program, sign: int) -> Witness | None:
    swap = permutation.find_invariant_swap(
        ctx.f, ctx.variables, ctx.deadline, ctx.claim.symmetry_hints
    )
    if swap is None:
        return None
    found = permutation.find_permutation_witness(
        ctx.f,
        program,
        ctx.variables,
        ctx.parameters,
        ctx.domains,
        swap,
        sign=sign,
        total=ctx.total,
        seed=ctx.seed,
        tries=256,
        deadline=ctx.deadline,
    )
    if found is None:
        ctx.note(
            "permutation argument",
            f"f is invariant under {permutation.describe(swap)}, "
            "but no midpoint above the chord was certified",
        )
    return found


def _settle_curvature(ctx: _Context, sign: int, cache: dict[int, _Settled]) -> _Settled:
    """Is sign·f convex?  (sign = +1: convex, −1: concave.)"""
    if sign in cache:
        return cache[sign]
    # Cheapest first: rules and second-order provers, the quick refuters, the polynomial
    # decision (z3 may use seconds), then the thorough segment search.
    settled = _prove_curvature(ctx, sign)
    for step in (_refute_quickly, _polynomial, _refute_thoroughly):
        if settled is not None or ctx.deadline.expired():
            break
        outcome = step(ctx, sign)
        if isinstance(outcome, _Settled):
            settled = outcome
        elif outcome is not None:
            settled = _Settled(Status.REFUTED, witness=outcome)
    if settled is None:
        settled = _Settled(Status.UNKNOWN)
    cache[sign] = settled
    return settled


# --- properties ---------------------------------------------------------------------


def _property(
    ctx: _Context,
) -> tuple[Status, tuple[ProofStep, ...], Witness | None, tuple[ProofStep, ...]]:
    """(status, proof, witness, refuting proof) for the claim's property."""
    prop = ctx.claim.property
    cache: dict[int, _Settled] = {}
    if prop in (Property.CONVEX, Property.CONCAVE):
        s = _settle_curvature(ctx, 1 if prop is Property.CONVEX else -1, cache)
        return s.status, s.proof, s.witness, ()
    if prop in (Property.STRICTLY_CONVEX, Property.STRICTLY_CONCAVE):
        return _strict(ctx, 1 if prop is Property.STRICTLY_CONVEX else -1, cache)
    if prop is Property.AFFINE:
        return _affine(ctx, cache)
    if prop in (Property.NONCONVEX, Property.NONCONCAVE):
        s = _settle_curvature(ctx, 1 if prop is Property.NONCONVEX else -1, cache)
        return _opposite(s, "convex" if prop is Property.NONCONVEX else "concave")
    if prop is Property.NEITHER:
        return _neither(ctx, cache)
    if prop is Property.INVARIANT:
        return _invariant(ctx)
    raise AssertionError(prop)


def _opposite(
    s: _Settled, what: str
) -> tuple[Status, tuple[ProofStep, ...], Witness | None, tuple[ProofStep, ...]]:
    if s.status is Status.REFUTED:
        step = ProofStep(
            rule=f"not {what}",
            subject="f",
            reason=f"a certified witness shows f is not {what}",
            witness=s.witness,
        )
        return Status.PROVED, (step,), None, ()
    if s.status is Status.PROVED:
        return Status.REFUTED, (), None, s.proof
    return Status.UNKNOWN, (), None, ()


def _neither(
    ctx: _Context, cache: dict[int, _Settled]
) -> tuple[Status, tuple[ProofStep, ...], Witness | None, tuple[ProofStep, ...]]:
    steps = []
    for sign, what in ((1, "convex"), (-1, "concave")):
        s = _settle_curvature(ctx, sign, cache)
        if s.status is Status.PROVED:
            return Status.REFUTED, (), None, s.proof
        if s.status is Status.UNKNOWN:
            return Status.UNKNOWN, (), None, ()
        steps.append(
            ProofStep(
                rule=f"not {what}",
                subject="f",
                reason=f"a certified witness shows f is not {what}",
                witness=s.witness,
            )
        )
    return Status.PROVED, tuple(steps), None, ()


def _strict(
    ctx: _Context, sign: int, cache: dict[int, _Settled]
) -> tuple[Status, tuple[ProofStep, ...], Witness | None, tuple[ProofStep, ...]]:
    s = _settle_curvature(ctx, sign, cache)
    if s.status is Status.REFUTED:
        return Status.REFUTED, (), s.witness, ()
    if s.status is Status.UNKNOWN:
        return Status.UNKNOWN, (), None, ()
    if s.strict is True:
        return Status.PROVED, s.proof, None, ()
    signed = sign * ctx.f
    for prover in (second_order.quadratic, second_order.univariate):
        result = prover(signed, ctx.variables, ctx.domains)
        if result is not None and result.convex is True and result.strict is True:
            return Status.PROVED, (_signed_step(result.step, sign),), None, ()
        if result is not None and result.flat_direction is not None:
            witness = _flat_segment(ctx, result.flat_direction)
            if witness is not None:
                return Status.REFUTED, (), witness, ()
    budget = ctx.deadline.remaining_ms(cap=5000)
    if budget > 0 and polynomial.decide_polynomial_strict(
        signed, ctx.variables, ctx.parameters, ctx.domains, timeout_ms=budget
    ):
        strict_step = ProofStep(
            rule="positive-definite polynomial Hessian (z3)",
            subject=brief(ctx.f, 120),
            reason="the Hessian is positive definite at every point of the domain, so the "
            "function is strictly convex there",
            conditions=(
                Condition(
                    "no x in the domain and unit v with vᵀ∇²f(x)v <= 0",
                    "z3 nonlinear real arithmetic (unsat)",
                ),
            ),
        )
        return Status.PROVED, (*s.proof, strict_step), None, ()
    witness = _flat_search(ctx)
    if witness is not None:
        return Status.REFUTED, (), witness, ()
    ctx.note(
        "strictness",
        "convexity is proved but strictness could not be established, "
        "and no segment on which f is exactly affine was found",
    )
    return Status.UNKNOWN, (), None, ()


def _flat_segment(ctx: _Context, direction: dict[sympy.Symbol, Fraction]) -> Witness | None:
    """A segment along which f is exactly affine: equality in Jensen refutes strictness."""
    base = {s: simple_values(ctx.domains[s], interior=True)[0] for s in ctx.variables}
    params = {s: simple_values(ctx.domains[s], interior=False)[0] for s in ctx.parameters}
    for step in (Fraction(1), Fraction(1, 2), Fraction(1, 8), Fraction(1, 64)):
        a = {s: base[s] + step * direction.get(s, Fraction(0)) for s in ctx.variables}
        b = {s: base[s] - step * direction.get(s, Fraction(0)) for s in ctx.variables}
        if all(
            ctx.domains[s].contains(a[s]) and ctx.domains[s].contains(b[s]) for s in ctx.variables
        ):
            return _equal_on_segment(ctx, a, b, params, "flat direction")
    return None


def _equal_on_segment(
    ctx: _Context,
    a: dict[sympy.Symbol, Fraction],
    b: dict[sympy.Symbol, Fraction],
    params: dict[sympy.Symbol, Fraction],
    argument: str,
) -> Witness | None:
    """Exact equality f(mid) = chord at t = 1/2: refutes strict convexity and concavity."""
    return segment.certify_segment(
        ctx.f,
        a,
        b,
        Fraction(1, 2),
        params,
        ctx.variables,
        ctx.parameters,
        relation="=",
        total=ctx.total,
        argument=argument,
    )


def _flat_search(ctx: _Context) -> Witness | None:
    """Segments on which f is exactly affine (piecewise-linear pieces, affine functions).

    Equality in Jensen's inequality at one t in (0, 1) refutes strict convexity; it is
    only ever certified with exact rational arithmetic.
    """
    rng = np.random.default_rng(ctx.seed)
    symbols = ctx.variables + ctx.parameters
    points = candidate_points(symbols, ctx.domains, set(ctx.variables), rng, 12)
    directions = [{v: Fraction(1)} for v in ctx.variables]
    directions.append({v: Fraction(1) for v in ctx.variables})
    for point in points:
        for direction in directions:
            if ctx.deadline.expired():
                return None
            params = {s: point[s] for s in ctx.parameters}
            for step in (Fraction(1, 2), Fraction(1, 16)):
                a = {s: point[s] for s in ctx.variables}
                b = {s: point[s] + step * direction.get(s, Fraction(0)) for s in ctx.variables}
                if not all(ctx.domains[s].contains(b[s]) for s in ctx.variables):
                    continue
                witness = _equal_on_segment(ctx, a, b, params, "flat segment")
                if witness is not None:
                    return witness
    return None


def _affine(
    ctx: _Context, cache: dict[int, _Settled]
) -> tuple[Status, tuple[ProofStep, ...], Witness | None, tuple[ProofStep, ...]]:
    analysis = _composition(ctx)
    if analysis.curvature.is_affine:
        step = analysis.step or ProofStep(
            rule="affine",
            subject=brief(ctx.f, 120),
            reason="the function is a constant or a variable",
        )
        return Status.PROVED, (step,), None, ()
    for sign in (1, -1):
        s = _settle_curvature(ctx, sign, cache)
        if s.status is Status.REFUTED:
            return Status.REFUTED, (), s.witness, ()
    ctx.note("affinity", "no certified curvature found and affinity not shown")
    return Status.UNKNOWN, (), None, ()


def _with_equal_loss_pair(ctx: _Context, step: ProofStep) -> ProofStep:
    """Add a concrete θ ≠ σθ with f(θ) = f(σθ), evaluated independently: the equal-loss
    pair people argue with (which by itself proves nothing about convexity).  The pair
    illustrates the proof; the proof does not rest on it."""
    symbols = tuple(s for s, _ in ctx.claim.domains)
    rng = np.random.default_rng(ctx.seed)
    mapping = dict(ctx.claim.substitution)
    for theta in candidate_points(symbols, ctx.domains, set(), rng, 8):
        image_values = {}
        for s in symbols:
            if s in mapping:
                value = _certify.exact_value(mapping[s], theta)
                if value is None:
                    break
                image_values[s] = value
            else:
                image_values[s] = theta[s]
        else:
            if image_values == theta or not all(
                ctx.domains[s].contains(v) for s, v in image_values.items()
            ):
                continue
            # The identity is proved; the example only shows it.  Both sides are
            # enclosed independently (Arb, 128 bits) and must overlap.
            left = _certify.ball_value(ctx.f, theta, 128)
            right = _certify.ball_value(ctx.f, image_values, 128)
            if not (left.is_finite() and right.is_finite() and left.overlaps(right)):
                continue
            value = float(left.mid())
            shown = ", ".join(f"{s} = {format_number(theta[s])}" for s in symbols)
            moved = ", ".join(
                f"{s} = {format_number(image_values[s])}"
                for s in symbols
                if image_values[s] != theta[s]
            )
            example = Condition(
                f"example: at θ = ({shown}) and σθ (where {moved}) the loss is "
                f"{value:.6g} at both points",
                "independent evaluation (Arb balls at 128 bits)",
            )
            return dataclasses.replace(step, conditions=(*step.conditions, example))
    return step


def _invariant(
    ctx: _Context,
) -> tuple[Status, tuple[ProofStep, ...], Witness | None, tuple[ProofStep, ...]]:
    substitution = ctx.claim.substitution
    step = identity.prove_invariant(ctx.f, substitution)
    if step is not None:
        return Status.PROVED, (_with_equal_loss_pair(ctx, step),), None, ()
    ctx.note("symbolic identity", "the difference did not reduce to 0")
    image = identity.substitute(ctx.f, substitution)
    symbols = tuple(s for s, _ in ctx.claim.domains)
    witness = invariance.find_point_witness(
        ctx.f,
        image,
        symbols,
        ctx.domains,
        seed=ctx.seed,
        points=ctx.settings.invariance_points,
        deadline=ctx.deadline,
    )
    if witness is not None:
        return Status.REFUTED, (), witness, ()
    ctx.note("point search", "no point where the two sides certifiably differ")
    return Status.UNKNOWN, (), None, ()


# --- entry point --------------------------------------------------------------------


def check_claim(claim: Claim, settings: Settings | None = None) -> Verdict:
    """Settle one claim: ``proved``, ``refuted`` (with a certified witness) or ``unknown``."""
    settings = settings or Settings()
    started = time.perf_counter()
    timeout = settings.timeout
    # Cooperative deadline slightly before the hard one, so strategies stop cleanly.
    deadline = Deadline.after(None if timeout is None else timeout * 0.9)
    ctx = _Context(claim, settings, deadline)
    try:
        with hard_limit(timeout):
            status, proof, witness, refuting = _property(ctx)
    except CheckTimeout:
        ctx.note("time limit", f"stopped after {timeout:g} s")
        status, proof, witness, refuting = Status.UNKNOWN, (), None, ()
    except RecursionError:
        ctx.note("engine", "the expression is nested too deeply for the symbolic layer")
        status, proof, witness, refuting = Status.UNKNOWN, (), None, ()
    if (
        status is Status.UNKNOWN
        and deadline.expired()
        and not any(a.strategy == "time limit" for a in ctx.attempts)
    ):
        ctx.note("time limit", f"the search stopped at the {timeout:g} s limit")
    return Verdict(
        claim=claim,
        status=status,
        witness=witness,
        proof=proof,
        attempts=tuple(ctx.attempts) if status is Status.UNKNOWN else (),
        seconds=time.perf_counter() - started,
        refuting_proof=refuting,
    )
