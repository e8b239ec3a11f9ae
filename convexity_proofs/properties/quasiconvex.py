"""Quasiconvex, quasiconcave and quasilinear claims.

Proofs, cheapest first, for each direction the property needs (quasiconvex: f's
sublevel sets convex; quasiconcave: its superlevel sets; quasilinear: both):

1. a curvature proof (``run.ask``, the provers only): convex f is quasiconvex, concave
   f quasiconcave (the claim-level checker's IMPLIES);
2. the DQCP rules (:mod:`convexity_proofs.provers.quasiconvex`): scaling, composition
   with monotone atoms, max/min, ratios, and positive functions whose log is concave
   (convex) (``quasi-log``);
3. with a single variable, the same rules where a monotone subexpression (a proof of
   :mod:`convexity_proofs.provers.monotone`) is quasilinear.

No proof counts unless f and every obligation of its text are defined on the whole
box (``problem.total``); then nothing is decided at all (the note says so).
Refutation: a level witness (:mod:`convexity_proofs.refuters.level`): f(m) >
max(f(a), f(b)) refutes quasiconvexity, f(m) < min(f(a), f(b)) quasiconcavity, and
either refutes quasilinearity.

Quantifiers as for the curvature properties: ``all`` needs proofs for every parameter
value and is refuted by a witness at one value; ``some`` is proved at one pinned value
(``at-parameters``) and refuted only by a witness certified for every value, which
level witnesses never are (such a claim is then ``unknown``, with a note).
"""

from __future__ import annotations

from typing import Any

from convexity_proofs._decision import UNKNOWN, Decision, at_parameters, pins
from convexity_proofs._problem import Problem
from convexity_proofs._proof import ProofStep
from convexity_proofs._values import LevelWitness, Property, Quantifier, Status
from convexity_proofs.provers import quasiconvex as _quasi
from convexity_proofs.refuters import level

QCX, QCV, QL = _quasi.QUASICONVEX, _quasi.QUASICONCAVE, _quasi.QUASILINEAR

#: The conclusion about f each property needs.
_CONCLUSION = {Property.QUASICONVEX: QCX, Property.QUASICONCAVE: QCV, Property.QUASILINEAR: QL}
#: The directions a conclusion needs, and the sign of the curvature question for each.
_DIRECTIONS = {QCX: (QCX,), QCV: (QCV,), QL: (QCX, QCV)}
_SIGN = {QCX: 1, QCV: -1}
#: The level relation that refutes each direction.
_REFUTES = {QCX: ">max", QCV: "<min"}
_WHAT = {QCX: "quasiconvex", QCV: "quasiconcave", QL: "quasilinear"}


def decide(run: Any) -> Any:
    """``_Decision`` for a quasiconvex / quasiconcave / quasilinear claim."""
    problem: Problem = run.problem
    conclusion = _CONCLUSION[problem.claim.property]
    some = problem.claim.quantifier is Quantifier.SOME and bool(problem.free_parameters)
    provers = _Provers(run)
    if not run.guard("definedness", lambda: problem.total):
        from convexity_proofs._strategies import not_defined_note

        # No proof holds then; a level witness still refutes (it is certified where f
        # is defined, on the whole segment between its ends).
        run.note("quasiconvexity", "no proof counts: " + not_defined_note(problem))
        witness = None if some else _refute(run, problem, conclusion, provers)
        return Decision(Status.REFUTED, witness=witness) if witness is not None else UNKNOWN
    roots = provers.prove(problem, conclusion)
    if roots is not None:
        return Decision(Status.PROVED, roots)
    if some:
        for pinned in pins(problem):
            if not pinned.total:
                continue
            found = provers.prove(pinned, conclusion)
            if found is not None:
                step = at_parameters(pinned, found, conclusion)
                return Decision(Status.PROVED, (step,))
    witness = _refute(run, problem, conclusion, provers)
    if witness is not None:
        if not some:
            return Decision(Status.REFUTED, witness=witness)
        run.note(
            "some parameter value",
            f"a level witness shows f is not {_WHAT[conclusion]} at one parameter value, "
            "which does not refute the claim for some value (level witnesses are never "
            "certified for every value)",
        )
    return UNKNOWN


class _Provers:
    """The proofs of each direction, per pinning (computed once)."""

    def __init__(self, run: Any) -> None:
        self.run = run
        self._proved: dict[tuple, tuple[ProofStep, ...] | None] = {}
        self._rules: dict[tuple, _quasi.QuasiProver] = {}

    def prove(self, problem: Problem, conclusion: str) -> tuple[ProofStep, ...] | None:
        """Root steps about f that show ``conclusion`` for every parameter value of
        ``problem``'s box, or None."""
        key = (problem.pinned, conclusion)
        if key not in self._proved:
            self._proved[key] = self._prove(problem, conclusion)
        return self._proved[key]

    def _prove(self, problem: Problem, conclusion: str) -> tuple[ProofStep, ...] | None:
        if conclusion == QL:
            # One step for both directions when a rule gives it (p/q of affine p, q).
            for _, step in self._rule_steps(problem, QL):
                if step is not None:
                    return (step,)
            roots: list[ProofStep] = []
            for direction in (QCX, QCV):
                if any(_shows(r.conclusion, direction) for r in roots):
                    continue
                found = self.prove(problem, direction)
                if found is None:
                    return None
                roots.extend(found)
            return tuple(roots)
        answer = self.run.ask(problem.with_sign(_SIGN[conclusion]), provers_only=True)
        if answer.status is Status.PROVED and answer.proof:
            return tuple(answer.proof)
        for _, step in self._rule_steps(problem, conclusion):
            if step is not None:
                return (step,)
        return None

    def _rule_steps(self, problem: Problem, want: str):  # type: ignore[no-untyped-def]
        """The DQCP rules, then (one variable) the rules with monotone subexpressions."""
        where = _where(problem)
        for name, monotone in (("DQCP rules", False), ("DQCP rules with monotonicity", True)):
            if monotone and len(problem.variables) != 1:
                continue
            prover = self._prover(problem, monotone)
            step = self.run.guard(name + where, lambda p=prover: p.prove(problem.function, want))
            if not isinstance(step, ProofStep):
                self.run.note(
                    name + where,
                    f"no rule shows f is {_WHAT[want]}"
                    + (" (with monotone subexpressions quasilinear)" if monotone else ""),
                )
                step = None
            yield name, step
            if step is not None:
                return

    def _prover(self, problem: Problem, monotone: bool) -> _quasi.QuasiProver:
        key = (problem.pinned, monotone)
        if key not in self._rules:
            from convexity_proofs._strategies import second_order_fallback

            callback = _monotone_callback(problem) if monotone else None
            self._rules[key] = _quasi.QuasiProver(
                problem.variables, problem.domains, second_order_fallback(problem), callback
            )
        return self._rules[key]


def _shows(concluded: str, direction: str) -> bool:
    from convexity_proofs.checker._core import implies

    return implies(concluded, direction)


def _where(problem: Problem) -> str:
    if not problem.pinned:
        return ""
    from convexity_proofs._values import format_number

    return " at " + ", ".join(f"{s} = {format_number(q)}" for s, q in problem.pinned)


def _monotone_callback(problem: Problem) -> _quasi.Monotone | None:
    """Monotonicity in the problem's only variable, by the monotone provers in order."""
    from convexity_proofs.provers import monotone

    (v,) = problem.variables
    domains = problem.domains

    def prove(expr: Any) -> ProofStep | None:
        for prover in (
            monotone.composition,
            monotone.gradient_sign,
            monotone.first_derivative_exact,
        ):
            step = prover(expr, v, domains)
            if isinstance(step, ProofStep):
                return step
        return None

    return prove


def _refute(run: Any, problem: Problem, conclusion: str, provers: _Provers) -> LevelWitness | None:
    """A level witness against a direction that was not proved."""
    cfg = problem.settings.segment
    for direction in _DIRECTIONS[conclusion]:
        if conclusion == QL and problem.total and provers.prove(problem, direction) is not None:
            continue  # proved: no witness can exist
        relation = _REFUTES[direction]
        search = level.LevelSearch(cfg.batch, cfg.certify_best, problem.seed)
        found = run.guard(
            f"level search ({relation})",
            lambda r=relation, s=search: level.find_level_witness(
                problem.carrier,
                problem.program,
                problem.variables,
                problem.parameters,
                problem.domains,
                relation=r,
                settings_=s,
                deadline=problem.deadline,
            ),
        )
        if isinstance(found, LevelWitness):
            return found
        run.note(
            f"level search ({relation})",
            f"no certified segment on which f leaves a "
            f"{'sublevel' if direction == QCX else 'superlevel'} set",
        )
    return None
