"""The engine: an ordered loop over strategies, and a table from properties to questions.

Every property is settled from answers to *curvature questions* ("is sign·f convex in
the variables?", sign = +1 or −1), each answered by the strategies of
:mod:`convexity_proofs._strategies`, cheapest first; the first decisive answer wins.
Each strategy runs behind one guard (:mod:`convexity_proofs._strategy`), so a fault
costs its answer only, and with its own share of the remaining time (a safety net:
the effort of every search is set by counts, so verdicts do not depend on load).

The property table (:data:`PROPERTIES`) says which questions a property needs and how
their answers combine: ``holds`` (every question proved: ``convex``, ``concave``,
``affine`` = convex and concave, ``strictly-*`` = convex plus strictness) or ``fails``
(every question refuted: ``nonconvex``, ``nonconcave``, ``neither``).  ``invariant``
is a symbolic identity or a certified point where the two sides differ.

Parameters are quantified as the claim says (:class:`~convexity_proofs._values.Quantifier`):

* ``all`` (default): a ``holds`` property needs proofs valid for every parameter value
  and is refuted by one witness at one value; a ``fails`` property needs witnesses
  certified for every parameter value at once (:mod:`convexity_proofs.refuters.uniform`)
  and is refuted by a proof at one value (parameters pinned to a point);
* ``some``: a ``holds`` property is proved at one pinned parameter value and refuted
  by a witness valid for every value; a ``fails`` property is proved by witnesses at
  one common parameter value and refuted by a proof for every value.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import sympy

from convexity_proofs import _progress
from convexity_proofs._decision import UNKNOWN as _UNKNOWN
from convexity_proofs._decision import Decision as _Decision
from convexity_proofs._decision import at_parameters as _at_parameters
from convexity_proofs._decision import pinned_label as _pinned_label
from convexity_proofs._decision import pins as _pins
from convexity_proofs._decision import why_not_for_every_value
from convexity_proofs._definedness import definedness_facts
from convexity_proofs._early_exit import no_answer_possible
from convexity_proofs._problem import Problem
from convexity_proofs._proof import ProofStep
from convexity_proofs._reductions import LOG_PROPERTIES, reduced_claim
from convexity_proofs._strategies import CURVATURE, PROVERS, not_defined_note, signed_step
from convexity_proofs._strategy import (
    Inconclusive,
    Proved,
    Refuted,
    Strategy,
    guarded,
    raise_internal_errors,
)
from convexity_proofs._values import (
    Attempt,
    AttemptKind,
    Claim,
    CurvatureWitness,
    ModelCurvatureWitness,
    ModelSegmentWitness,
    Obligation,
    Property,
    Quantifier,
    SegmentWitness,
    Status,
    Uncovered,
    ValueWitness,
    Verdict,
    Witness,
)
from convexity_proofs.errors import ArgumentError
from convexity_proofs.provers import composition, hessian, identity, polynomial, second_order
from convexity_proofs.refuters import flat, invariance, segment, uniform
from convexity_proofs.refuters._space import Deadline

#: The longest time limit accepted (about three years): beyond it "no limit" is meant.
MAX_TIMEOUT = 1e8


@dataclass(frozen=True, slots=True)
class Settings:
    """How hard to look (counts, so verdicts do not depend on the machine's load), and the
    time limit (a safety net).  The defaults are what ``convexity-check`` uses."""

    timeout: float | None = 60.0
    seed: int = 0
    curvature_points: int = 40
    segment: segment.SegmentSearch = field(default_factory=segment.SegmentSearch)
    invariance_points: int = 64
    #: How many parameter values are tried when one value must be exhibited.
    pin_tries: int = 3

    def __post_init__(self) -> None:
        timeout = self.timeout
        if timeout is not None and (
            isinstance(timeout, bool)
            or not isinstance(timeout, int | float)
            or not math.isfinite(timeout)
            or timeout <= 0
            or timeout > MAX_TIMEOUT
        ):
            raise ArgumentError(
                f"Settings.timeout: expected a number of seconds > 0 and <= {MAX_TIMEOUT:g}, "
                "or None, "
                f"found {type(timeout).__name__} {timeout!r}"
            )
        for name in ("seed", "curvature_points", "invariance_points", "pin_tries"):
            value = getattr(self, name)
            low = 0 if name in ("seed", "pin_tries") else 1
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ArgumentError(
                    f"Settings.{name}: expected an integer >= {low}, "
                    f"found {type(value).__name__} {value!r}"
                )
        if not isinstance(self.segment, segment.SegmentSearch):
            raise ArgumentError(
                f"Settings.segment: expected a SegmentSearch, found {type(self.segment).__name__}"
            )


# --- one curvature question -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Answer:
    """The answer to "is sign·f convex?" for the problem's parameter range."""

    status: Status
    proof: tuple[ProofStep, ...] = ()
    witness: Witness | None = None
    strict: bool | None = None
    flat_direction: dict[sympy.Symbol, Fraction] | None = None


class _Run:
    """One claim's run: its attempts and the answers already computed."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.attempts: list[Attempt] = []
        self._answers: dict[tuple[int, tuple, bool], Answer] = {}

    def note(
        self,
        strategy: str,
        outcome: str,
        kind: AttemptKind = AttemptKind.NOTE,
        seconds: float | None = None,
        uncovered: Uncovered | None = None,
    ) -> None:
        self.attempts.append(Attempt(strategy, outcome, kind, seconds, uncovered))

    def guard(self, name: str, call: Callable[[], object]) -> object:
        return guarded(name, call, self.attempts)

    def ask(self, problem: Problem, *, provers_only: bool = False) -> Answer:
        """Run the strategies in order on ``problem`` until one decides."""
        key = (problem.sign, problem.pinned, provers_only)
        if key in self._answers:
            return self._answers[key]
        strategies = PROVERS if provers_only else CURVATURE
        where = _pinned_label(problem) + self._question_label(problem)
        answer = Answer(Status.UNKNOWN)
        if not self.guard("definedness", lambda: problem.total) and not any(
            a.strategy.startswith("definedness") for a in self.attempts
        ):
            # Said once: no proof counts until the written function is defined everywhere.
            self.note("definedness" + _pinned_label(problem), not_defined_note(problem))
        _progress.running("the early exit" + where)
        hopeless = self.guard(
            "early exit", lambda: no_answer_possible(problem, provers_only=provers_only)
        )
        if isinstance(hopeless, str):  # structure alone shows no strategy can answer
            self.note("no strategy can answer" + where, hopeless)
            strategies = ()
        for strategy in strategies:
            if problem.deadline.expired():
                self.note(
                    "time limit",
                    f"{strategy.name} and later strategies did not run",
                    AttemptKind.CUT_SHORT,
                )
                break
            outcome = self._run_one(strategy, problem, where)
            if isinstance(outcome, Proved):
                answer = Answer(
                    Status.PROVED, outcome.steps, None, outcome.strict, outcome.flat_direction
                )
                break
            if isinstance(outcome, Refuted):
                answer = Answer(Status.REFUTED, witness=outcome.witness)
                break
        self._answers[key] = answer
        return answer

    def _question_label(self, problem: Problem) -> str:
        """Which question an attempt belongs to, when the property asks two."""
        rule = PROPERTIES.get(self.problem.claim.property)
        if rule is None or len(rule.signs) < 2:
            return ""
        return " (is f convex?)" if problem.sign > 0 else " (is f concave?)"

    def _run_one(self, strategy: Strategy, problem: Problem, where: str) -> object:
        """The strategy's outcome; an inconclusive one is noted with its running time,
        as cut short when its share of the time ran out (more time might answer)."""
        reason = self.guard(strategy.name, lambda: strategy.why_not(problem))
        if isinstance(reason, str):
            self.note(strategy.name + where, f"does not apply: {reason}", AttemptKind.SKIPPED)
            return None
        share = _share(problem.deadline, strategy.share)
        _progress.running(strategy.name + where)
        started = time.monotonic()
        errors = len(self.attempts)
        outcome = self.guard(strategy.name, lambda: strategy.run(problem.with_deadline(share)))
        seconds = time.monotonic() - started
        if len(self.attempts) > errors:  # the guard recorded an internal error: time it
            error = self.attempts[-1]
            self.attempts[-1] = dataclasses.replace(error, seconds=seconds)
        if isinstance(outcome, Inconclusive):
            kind = AttemptKind.CUT_SHORT if share.expired() else AttemptKind.INCONCLUSIVE
            self.note(strategy.name + where, outcome.note, kind, seconds, outcome.uncovered)
        return outcome


def _share(deadline: Deadline, share: float) -> Deadline:
    """At most ``share`` of the time that is left, and never past the claim's deadline."""
    if deadline.end is None:
        return deadline
    now = time.monotonic()
    return Deadline(min(deadline.end, now + share * max(0.0, deadline.end - now)))


# --- the property table ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PropertyRule:
    """Which curvature questions a property asks, and how the answers combine."""

    signs: tuple[int, ...]
    combine: str  # "holds": every question proved; "fails": every question refuted
    strict: bool = False


PROPERTIES: dict[Property, PropertyRule] = {
    Property.CONVEX: PropertyRule((1,), "holds"),
    Property.CONCAVE: PropertyRule((-1,), "holds"),
    Property.STRICTLY_CONVEX: PropertyRule((1,), "holds", strict=True),
    Property.STRICTLY_CONCAVE: PropertyRule((-1,), "holds", strict=True),
    Property.AFFINE: PropertyRule((1, -1), "holds"),
    Property.NONCONVEX: PropertyRule((1,), "fails"),
    Property.NONCONCAVE: PropertyRule((-1,), "fails"),
    Property.NEITHER: PropertyRule((1, -1), "fails"),
}

_WHAT = {1: "convex", -1: "concave"}

#: The conclusion about f that proves each "holds" property.
_HOLDS = {
    Property.CONVEX: "convex",
    Property.CONCAVE: "concave",
    Property.STRICTLY_CONVEX: "strictly-convex",
    Property.STRICTLY_CONCAVE: "strictly-concave",
    Property.AFFINE: "affine",
}


def claim_property(run: _Run) -> Property:
    return run.problem.claim.property


def _decide(run: _Run) -> _Decision:
    claim = run.problem.claim
    if claim.property is Property.INVARIANT:
        return _invariant(run)
    if claim.property not in PROPERTIES:
        # Monotonicity and quasiconvexity: their own deciders (convexity_proofs.properties).
        from convexity_proofs.properties import decider

        return decider(claim.property)(run)
    rule = PROPERTIES[claim.property]
    some = claim.quantifier is Quantifier.SOME and bool(run.problem.free_parameters)
    if rule.combine == "holds":
        return _holds_some(run, rule) if some else _holds_all(run, rule)
    return _fails_some(run, rule) if some else _fails_all(run, rule)


def _holds_all(run: _Run, rule: PropertyRule, problem: Problem | None = None) -> _Decision:
    """Every question proved for every parameter value; one witness refutes."""
    problem = problem or run.problem
    proofs: list[ProofStep] = []
    answers = []
    for sign in rule.signs:
        answer = run.ask(problem.with_sign(sign))
        if answer.status is Status.REFUTED:
            return _Decision(Status.REFUTED, witness=answer.witness)
        answers.append(answer)
    if any(a.status is Status.UNKNOWN for a in answers):
        return _UNKNOWN
    for a in answers:
        proofs.extend(a.proof)
    if rule.strict:
        return _strict(run, problem.with_sign(rule.signs[0]), answers[0])
    return _Decision(Status.PROVED, tuple(proofs))


def _holds_some(run: _Run, rule: PropertyRule) -> _Decision:
    """Proved at one pinned parameter value; refuted by a witness valid for every value."""
    problem = run.problem
    direct = _holds_all(run, rule)
    if direct.status is Status.PROVED:
        return direct  # every value, so some value (domains are never empty)
    if direct.status is Status.REFUTED and direct.witness is not None:
        boxed = _uniform(run, problem.with_sign(_sign_of(direct.witness, rule)), direct.witness)
        if boxed is not None:
            return _Decision(Status.REFUTED, witness=boxed)
        run.note(
            "some parameter value",
            "a witness refutes the property at one parameter value, but it was not "
            f"certified for every value ({why_not_for_every_value(problem)})",
        )
    for pinned in _pins(problem):
        proofs = []
        for sign in rule.signs:
            answer = run.ask(pinned.with_sign(sign), provers_only=True)
            if answer.status is not Status.PROVED:
                break
            proofs.extend(answer.proof)
        else:
            if rule.strict:
                decision = _strict(
                    run,
                    pinned.with_sign(rule.signs[0]),
                    run.ask(pinned.with_sign(rule.signs[0]), provers_only=True),
                )
                if decision.status is not Status.PROVED:
                    continue
                proofs = list(decision.proof)
            return _Decision(
                Status.PROVED, (_at_parameters(pinned, proofs, _HOLDS[claim_property(run)]),)
            )
    return _UNKNOWN


def _fails_all(run: _Run, rule: PropertyRule) -> _Decision:
    """Witnesses certified for every parameter value; a proof at one value refutes."""
    problem = run.problem
    steps = []
    undecided = False
    for sign in rule.signs:
        answer = run.ask(problem.with_sign(sign))
        if answer.status is Status.PROVED:
            return _Decision(Status.REFUTED, refuting=answer.proof)
        if answer.status is Status.REFUTED and answer.witness is not None:
            boxed = _uniform(run, problem.with_sign(sign), answer.witness)
            if boxed is not None:
                steps.append(_not_step(problem, sign, boxed))
                continue
            run.note(
                "every parameter value",
                f"a witness shows f is not {_WHAT[sign]} at one parameter value, but it was "
                f"not certified for every value ({why_not_for_every_value(problem)}); "
                'write parameters = "some" if that is what the claim means',
            )
        undecided = True
    if not undecided:
        return _Decision(Status.PROVED, tuple(steps))
    # A proof of the opposite at one parameter value refutes "for every value".
    for pinned in _pins(problem):
        for sign in rule.signs:
            answer = run.ask(pinned.with_sign(sign), provers_only=True)
            if answer.status is Status.PROVED:
                return _Decision(
                    Status.REFUTED,
                    refuting=(_at_parameters(pinned, answer.proof, _WHAT[sign]),),
                )
    return _UNKNOWN


def _fails_some(run: _Run, rule: PropertyRule) -> _Decision:
    """Witnesses at one common parameter value; a proof for every value refutes."""
    problem = run.problem
    first = run.ask(problem.with_sign(rule.signs[0]))
    if first.status is Status.PROVED:
        return _Decision(Status.REFUTED, refuting=first.proof)
    if first.status is not Status.REFUTED or first.witness is None:
        for sign in rule.signs[1:]:
            if run.ask(problem.with_sign(sign)).status is Status.PROVED:
                return _Decision(Status.REFUTED, refuting=run.ask(problem.with_sign(sign)).proof)
        return _UNKNOWN
    steps = [_not_step(problem, rule.signs[0], first.witness)]
    pinned = problem.pin(_witness_parameters(problem, first.witness))
    for sign in rule.signs[1:]:
        answer = run.ask(pinned.with_sign(sign))
        if answer.status is Status.REFUTED and answer.witness is not None:
            steps.append(_not_step(problem, sign, answer.witness))
            continue
        if run.ask(problem.with_sign(sign)).status is Status.PROVED:
            return _Decision(Status.REFUTED, refuting=run.ask(problem.with_sign(sign)).proof)
        return _UNKNOWN
    return _Decision(Status.PROVED, tuple(steps))


def _uniform(run: _Run, problem: Problem, witness: Witness) -> Witness | None:
    """The witness, found at one parameter value, certified for every value (marked
    with the parameter box it holds on), or None."""
    result = run.guard(
        "uniform witness", lambda: uniform.certify_for_every_parameter(problem, witness)
    )
    kinds = (SegmentWitness, CurvatureWitness, ModelSegmentWitness, ModelCurvatureWitness)
    return result if isinstance(result, kinds) else None


def _sign_of(witness: Witness, rule: PropertyRule) -> int:
    return (
        rule.signs[0]
        if len(rule.signs) == 1
        else (
            1 if getattr(witness, "relation", getattr(witness, "sign", "")) in (">", "<0") else -1
        )
    )


def _witness_parameters(problem: Problem, witness: Witness) -> dict[sympy.Symbol, Fraction]:
    by_name = {s.name: s for s in problem.parameters}
    values = getattr(witness, "parameters", ())
    return {by_name[n]: q for n, q in values if n in by_name}


def _not_step(problem: Problem, sign: int, witness: Witness) -> ProofStep:
    return ProofStep(
        "witness", problem.function, "not-convex" if sign > 0 else "not-concave", witness=witness
    )


# --- strictness -----------------------------------------------------------------------


def _strict(run: _Run, problem: Problem, convex: Answer) -> _Decision:
    """Convexity is proved; strictness from a prover, a strict term, or refuted by a flat
    segment (exact equality in Jensen's inequality)."""
    if convex.strict is True:
        return _Decision(Status.PROVED, convex.proof)
    # A line on which f is exactly affine, from the structure (cheap: linear algebra
    # over QQ and a float screen of the Hessian), settles strictness before any prover.
    flat_line = run.guard("flat direction (structure)", lambda: flat.structural(problem))
    if isinstance(flat_line, ProofStep):
        return _Decision(Status.REFUTED, refuting=(flat_line,))
    if flat_line is not None:
        return _Decision(Status.REFUTED, witness=flat_line)  # type: ignore[arg-type]
    for name, prover in (
        ("constant Hessian", second_order.quadratic),
        ("second derivative", second_order.univariate),
        ("symbolic Hessian", hessian.symbolic_hessian_strict),
    ):
        result = run.guard(
            name, lambda p=prover: p(problem.signed, problem.variables, problem.domains)
        )
        if result is None:
            continue
        if result.convex is True and result.strict is True:  # type: ignore[attr-defined]
            step = signed_step(result.step, problem.sign, problem.function)  # type: ignore[attr-defined]
            return _Decision(Status.PROVED, (step,))  # type: ignore[arg-type]
        direction = result.flat_direction  # type: ignore[attr-defined]
        if direction is not None:
            witness = run.guard(
                "flat direction", lambda d=direction: flat.along_direction(problem, d)
            )
            if witness is not None:
                return _Decision(Status.REFUTED, witness=witness)  # type: ignore[arg-type]
    term = run.guard("strictly convex term", lambda: _strict_term(run, problem))
    if isinstance(term, ProofStep):
        return _Decision(Status.PROVED, (signed_step(term, problem.sign, problem.function),))  # type: ignore[arg-type]
    from convexity_proofs.provers import strict_blocks

    blocks = run.guard("strictly convex blocks", lambda: strict_blocks.for_problem(problem))
    if isinstance(blocks, ProofStep):
        return _Decision(Status.PROVED, (signed_step(blocks, problem.sign, problem.function),))  # type: ignore[arg-type]
    budget = problem.deadline.remaining_ms(cap=5000)
    strict_step = (
        run.guard(
            "polynomial decision (z3)",
            lambda: polynomial.decide_polynomial_strict(
                problem.signed,
                problem.variables,
                problem.parameters,
                problem.domains,
                timeout_ms=budget,
            ),
        )
        if budget > 0
        else None
    )
    if isinstance(strict_step, ProofStep):
        return _Decision(
            Status.PROVED,
            (signed_step(strict_step, problem.sign, problem.function),),  # type: ignore[arg-type]
        )
    witness = run.guard("flat segment search", lambda: flat.search(problem))
    if witness is not None:
        return _Decision(Status.REFUTED, witness=witness)  # type: ignore[arg-type]
    run.note(
        "strictness",
        "convexity is proved but strictness could not be established, "
        "and no segment on which f is exactly affine was found",
    )
    return _UNKNOWN


def _strict_term(run: _Run, problem: Problem) -> ProofStep | None:
    """sign·f = Σ terms, every term convex and one strictly convex: f is strictly convex."""
    signed = problem.signed
    if not isinstance(signed, sympy.Add) or not problem.total:
        return None
    strict_step: ProofStep | None = None
    children: list[ProofStep] = []
    for term in signed.args:
        if strict_step is None:
            for prover in (second_order.quadratic, second_order.univariate):
                result = prover(term, problem.variables, problem.domains)
                if result is not None and result.convex is True and result.strict is True:
                    strict_step = result.step
                    break
            if strict_step is not None:
                children.append(strict_step)
                continue
        analysis = composition.analyse(term, problem.variables, problem.domains)
        if not analysis.curvature.is_convex:
            return None
        if analysis.step is not None:
            children.append(analysis.step)
    if strict_step is None:
        return None
    return ProofStep("strictly-convex-term", signed, "strictly-convex", children=tuple(children))


# --- invariance -----------------------------------------------------------------------


def _invariant(run: _Run) -> _Decision:
    problem = run.problem
    substitution = problem.claim.substitution
    step = run.guard(
        "symbolic identity",
        lambda: identity.prove_invariant(problem.function, substitution, problem.domains),
    )
    if isinstance(step, ProofStep):
        image_obligations = _image_obligations(problem)
        both_sides = (
            problem.obligations + image_obligations + problem.claim.substitution_obligations
        )
        missing = [ob for ob in both_sides if not _defined(ob, problem)]
        if missing or not problem.total:
            run.note("symbolic identity", "the identity holds, but " + not_defined_note(problem))
        else:
            facts = definedness_facts(problem.function, both_sides, problem.domains)
            return _Decision(Status.PROVED, (step,), definedness=facts)
    elif step is None:
        run.note(
            "symbolic identity", "the difference did not reduce to 0", AttemptKind.INCONCLUSIVE
        )
    symbols = tuple(s for s, _ in problem.claim.domains)

    def search() -> Witness | None:
        from convexity_proofs._obligations import attach

        image = attach(
            identity.substitute(problem.function, substitution),
            _image_obligations(problem) + problem.claim.substitution_obligations,
        )
        return invariance.find_point_witness(
            problem.carrier,
            image,
            symbols,
            problem.domains,
            seed=problem.seed,
            points=problem.settings.invariance_points,
            deadline=problem.deadline,
        )

    witness = run.guard("point search", search)
    if witness is not None:
        if problem.claim.quantifier is Quantifier.SOME and problem.free_parameters:
            # One point at one parameter value says nothing about the other values.
            run.note(
                "point search",
                "the two sides differ at one parameter value, which does not refute "
                "invariance for some value",
            )
            return _UNKNOWN
        return _Decision(Status.REFUTED, witness=witness)  # type: ignore[arg-type]
    run.note(
        "point search", "no point where the two sides certifiably differ", AttemptKind.INCONCLUSIVE
    )
    return _UNKNOWN


def _image_obligations(problem: Problem) -> tuple:
    """The obligations of the substituted function: each written head, substituted."""
    mapping = dict(problem.claim.substitution)
    result = []
    for ob in problem.obligations:
        head = ob.subject
        subject = head.func(*[a.xreplace(mapping) for a in head.args], evaluate=False)
        result.append(Obligation(ob.kind, ob.argument.xreplace(mapping), subject, ob.text))
    return tuple(result)


def _defined(ob: Obligation, problem: Problem) -> bool:
    from convexity_proofs._obligations import decisive
    from convexity_proofs.kernel import intervals as _intervals

    return _intervals.defined(decisive(ob), problem.domains) is True


# --- entry point ----------------------------------------------------------------------


def check_claim(claim: Claim, settings: Settings | None = None) -> Verdict:
    """Settle one claim: ``proved``, ``refuted`` (with a certified witness) or ``unknown``.

    Never touches signals: the time limit is cooperative here (each strategy polls its
    deadline); the CLI and the pytest plugin add a hard limit by running claims in
    worker processes that are ended at the limit.
    """
    if not isinstance(claim, Claim):
        raise ArgumentError(
            f"check_claim: expected a Claim (from load_claims or build_claim), "
            f"found {type(claim).__name__}"
        )
    if settings is None:
        settings = Settings()
    elif not isinstance(settings, Settings):
        raise ArgumentError(
            f"check_claim: settings must be a Settings, found {type(settings).__name__}"
        )
    started = time.perf_counter()
    _progress.running("setting up the claim")
    if claim.structured:
        # Too large to expand: decided from the model's structure (same checker exit).
        from convexity_proofs._model_engine import decide_model

        return _through_checker(decide_model(claim, settings), None, started)
    timeout = settings.timeout
    deadline = Deadline.after(timeout)
    reduced = reduced_claim(claim)
    problem = Problem.for_claim(reduced or claim, settings, deadline)
    run = _Run(problem)
    try:
        if reduced is not None:
            decision = _decide_reduced(run, claim, settings, deadline)
        else:
            decision = _decide(run)
    except RecursionError:
        if raise_internal_errors():
            raise
        run.note("engine", "the expression is nested too deeply for the symbolic layer")
        decision = _UNKNOWN
    except Exception as exc:  # a fault costs the answer, never the run
        if raise_internal_errors():
            raise
        from convexity_proofs._strategy import internal_error

        run.attempts.append(internal_error("engine", exc))
        decision = _UNKNOWN
    if decision.status is Status.UNKNOWN and deadline.expired():
        if not any(a.strategy == "time limit" for a in run.attempts):
            run.note(
                "time limit",
                f"the search stopped at the {timeout:g} s limit",
                AttemptKind.CUT_SHORT,
            )
    verdict = Verdict(
        claim=claim,
        status=decision.status,
        witness=decision.witness,
        proof=decision.proof,
        attempts=tuple(run.attempts),
        seconds=time.perf_counter() - started,
        refuting_proof=decision.refuting,
        definedness=_claim_definedness(run, decision),
    )
    return _through_checker(verdict, run, started)


def _decide_reduced(run: _Run, claim: Claim, settings: Settings, deadline: Deadline) -> _Decision:
    """strongly-convex, log-concave, log-convex: the curvature claim they mean
    (:mod:`convexity_proofs._reductions`); for the log properties, a point where f <= 0
    refutes first (both need f > 0 everywhere)."""
    if claim.property in LOG_PROPERTIES:
        from convexity_proofs.properties.log_concave import nonpositive_point

        original = Problem.for_claim(claim, settings, deadline)
        witness = run.guard("a point where f <= 0", lambda: nonpositive_point(original))
        if isinstance(witness, ValueWitness):
            some = claim.quantifier is Quantifier.SOME and bool(original.free_parameters)
            if not some or witness.box is not None:
                return _Decision(Status.REFUTED, witness=witness)
            run.note(
                "a point where f <= 0",
                "f <= 0 at a point for one parameter value, which does not refute the claim "
                "for some value",
            )
    g = run.problem.function
    if g.has(sympy.I, sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        run.note("log f", "log f is not a real function here (f is not positive)")
        return _UNKNOWN
    return _decide(run)


def _claim_definedness(run: _Run, decision: _Decision) -> tuple[Any, ...]:
    """How f and its obligations are met on the whole domain, for the root steps that
    need it (proofs that do not fix the parameters)."""
    if decision.definedness is not None:
        return decision.definedness
    roots = decision.proof + decision.refuting
    if decision.status is Status.UNKNOWN or not roots:
        return ()
    if all(s.rule in ("at-parameters", "witness") for s in roots):
        return ()
    # None (not defined on the whole box): no proof over the whole domain counts, and
    # the checker says so.
    return run.problem.definedness or ()


def _through_checker(verdict: Verdict, run: _Run | None, started: float) -> Verdict:
    """The single exit: a decided verdict is returned only when its certificate replays."""
    if verdict.status is Status.UNKNOWN:
        return verdict
    from convexity_proofs.checker import replay

    _progress.running("certificate check")
    try:
        report = replay(verdict)
    except Exception as exc:  # a fault in the checker costs the verdict, never the run
        if raise_internal_errors():
            raise
        from convexity_proofs._strategy import internal_error

        return Verdict(
            claim=verdict.claim,
            status=Status.UNKNOWN,
            attempts=(*verdict.attempts, internal_error("certificate check", exc)),
            seconds=time.perf_counter() - started,
        )
    if report.valid:
        return dataclasses.replace(verdict, seconds=time.perf_counter() - started)
    if raise_internal_errors():
        raise AssertionError(f"the verdict {verdict.status} did not replay: {report.failure}")
    note = Attempt(
        "certificate check",
        f"the search found the claim {verdict.status}, but its certificate did not replay, "
        f"so no verdict is given: {report.failure}",
    )
    return Verdict(
        claim=verdict.claim,
        status=Status.UNKNOWN,
        attempts=(*verdict.attempts, note),
        seconds=time.perf_counter() - started,
    )
