"""Deciding a structured model claim: a template proof, or a witness from the network.

A model claim too large to expand (see :data:`convexity_proofs._structure.SCALAR_TERMS`)
is decided from its structure.  Two strategies exist, cheapest first for what the
question needs:

* **template** (linear, logistic, softmax regression): the row template is proved
  convex (or concave) once, with the data as parameters ranging over an enclosure of
  every row, and the sum over the rows follows (:mod:`convexity_proofs.provers.template`);
* **network** (every model with numeric data): points found by float forward passes and
  certified by rigorous ones (:mod:`convexity_proofs.refuters.network`), the
  permutation argument first.

Curvature properties are decided (convex, concave, affine, their strict forms refuted
by a witness, nonconvex, nonconcave, neither); every other property is ``unknown``
here with a note.  Parameters are the layout's coordinates that are not variables:
a witness fixes them to one value, a template proof holds for every value.  Every
decided verdict passes the checker, like every other verdict.
"""

from __future__ import annotations

import dataclasses
import time
import zlib
from typing import TYPE_CHECKING, Final

from convexity_proofs._proof import ProofStep
from convexity_proofs._strategy import guarded
from convexity_proofs._structure import MODEL_LOSS
from convexity_proofs._values import (
    Attempt,
    AttemptKind,
    Claim,
    Property,
    Quantifier,
    Status,
    Verdict,
)
from convexity_proofs.refuters._space import Deadline

if TYPE_CHECKING:
    from convexity_proofs._engine import Settings

__all__ = ["NETWORK_TRIES", "decide_model"]

NETWORK_TRIES: Final = 64
"""Random starting points of the network search (a count: verdicts never depend on
the machine's speed)."""

_HOLDS: Final = {
    Property.CONVEX: (1,),
    Property.CONCAVE: (-1,),
    Property.AFFINE: (1, -1),
    Property.STRICTLY_CONVEX: (1,),
    Property.STRICTLY_CONCAVE: (-1,),
}
_FAILS: Final = {
    Property.NONCONVEX: (1,),
    Property.NONCONCAVE: (-1,),
    Property.NEITHER: (1, -1),
}
_WHAT: Final = {1: "convex", -1: "concave"}


class _ModelRun:
    def __init__(self, claim: Claim, settings: Settings, deadline: Deadline) -> None:
        self.claim = claim
        self.model = claim.model
        self.settings = settings
        self.deadline = deadline
        self.attempts: list[Attempt] = []
        self.seed = (zlib.crc32(claim.name.encode()) ^ settings.seed) & 0xFFFFFFFF
        self._proofs: dict[int, ProofStep | None] = {}
        self._witnesses: dict[int, object] = {}

    def note(self, strategy: str, outcome: str, kind: AttemptKind = AttemptKind.NOTE) -> None:
        self.attempts.append(Attempt(strategy, outcome, kind))

    @property
    def has_parameters(self) -> bool:
        layout = self.model.layout
        size = layout.size if layout is not None else len(self.model.template.parameters)
        return len(self.model.selected) < size

    def proof(self, sign: int) -> ProofStep | None:
        """The template proof that sign·f is convex, or None (noted once)."""
        if sign in self._proofs:
            return self._proofs[sign]
        step = None
        name = f"template ({'is f convex?' if sign > 0 else 'is f concave?'})"
        if self.model.template is None:
            self.note(
                name, "does not apply: only linear models have a row template", AttemptKind.SKIPPED
            )
        elif self.deadline.expired():
            self.note(name, "did not run: the time limit was reached", AttemptKind.CUT_SHORT)
        else:
            from convexity_proofs.provers.template import prove_template

            outcome = guarded(
                "template",
                lambda: prove_template(self.model, sign, self.settings),
                self.attempts,
            )
            if isinstance(outcome, ProofStep):
                step = outcome
            elif isinstance(outcome, str):
                self.note(name, outcome, AttemptKind.INCONCLUSIVE)
        self._proofs[sign] = step
        return step

    def witness(self, sign: int) -> object:
        """A certified witness that sign·f is not convex, or None (noted once)."""
        if sign in self._witnesses:
            return self._witnesses[sign]
        witness = None
        name = f"network search ({'is f convex?' if sign > 0 else 'is f concave?'})"
        if self.model.network is None:
            self.note(
                name,
                "does not apply: the model has no numeric data to evaluate",
                AttemptKind.SKIPPED,
            )
        elif self.deadline.expired():
            self.note(name, "did not run: the time limit was reached", AttemptKind.CUT_SHORT)
        else:
            from convexity_proofs.refuters.network import find_network_witness

            witness = guarded(
                "network search",
                lambda: find_network_witness(
                    self.model,
                    sign,
                    seed=self.seed,
                    tries=NETWORK_TRIES,
                    deadline=self.deadline,
                ),
                self.attempts,
            )
            if witness is not None:
                # Reports name the coordinates through the layout (not part of the data).
                witness = dataclasses.replace(witness, layout=self.model.layout)
            else:
                self.note(
                    name,
                    f"no certified witness that f is not {_WHAT[sign]} "
                    f"among {NETWORK_TRIES} starting points",
                    AttemptKind.INCONCLUSIVE,
                )
        self._witnesses[sign] = witness
        return witness


def _not_step(sign: int, witness: object) -> ProofStep:
    return ProofStep(
        "witness",
        MODEL_LOSS,
        "not-convex" if sign > 0 else "not-concave",
        witness=witness,  # type: ignore[arg-type]
    )


def _same_parameters(run: _ModelRun, steps: list[ProofStep]) -> bool:
    """Do the witnesses fix the non-variable coordinates to one common value?"""
    import numpy as np

    layout = run.model.layout
    fixed = np.ones(layout.size, dtype=bool)
    fixed[run.model.selected] = False
    points = [
        (w.a if hasattr(w, "a") else w.point).floats()[fixed]  # type: ignore[union-attr]
        for w in (step.witness for step in steps)
    ]
    return all(np.array_equal(points[0], p) for p in points[1:])


def _decide(run: _ModelRun) -> tuple[Status, tuple[ProofStep, ...], object, tuple[ProofStep, ...]]:
    """(status, proof, witness, refuting proof)."""
    claim = run.claim
    some = claim.quantifier is Quantifier.SOME and run.has_parameters
    unknown = (Status.UNKNOWN, (), None, ())
    if claim.property in _HOLDS:
        signs = _HOLDS[claim.property]
        strict = claim.property in (Property.STRICTLY_CONVEX, Property.STRICTLY_CONCAVE)
        # Linear models are convex more often than not: prove first; networks: refute.
        order = ("proof", "witness") if run.model.template is not None else ("witness", "proof")
        for what in order:
            if what == "witness":
                if some:
                    run.note(
                        "network search",
                        "a witness at one parameter value does not refute a claim about some value",
                    )
                    continue
                for sign in signs:
                    witness = run.witness(sign)
                    if witness is not None:
                        return Status.REFUTED, (), witness, ()
            else:
                if strict:
                    run.note("template", "strict convexity is not proved from a template")
                    continue
                steps = []
                for sign in signs:
                    step = run.proof(sign)
                    if step is None:
                        break
                    steps.append(step)
                else:
                    return Status.PROVED, tuple(steps), None, ()
        return unknown
    if claim.property in _FAILS:
        signs = _FAILS[claim.property]
        if run.model.template is not None:
            for sign in signs:
                step = run.proof(sign)
                if step is not None:
                    return Status.REFUTED, (), None, (step,)
        if run.has_parameters and not some:
            run.note(
                "network search",
                "the claim is about every value of the parameters that are not variables, and "
                "a witness fixes them to one value: list every parameter as a variable, or "
                'write parameters = "some"',
            )
            return unknown
        steps = []
        for sign in signs:
            witness = run.witness(sign)
            if witness is None:
                return unknown
            steps.append(_not_step(sign, witness))
        if some and len(steps) > 1 and not _same_parameters(run, steps):
            run.note(
                "network search",
                "a witness shows f is not convex and another that it is not concave, but at "
                'different values of the parameters that are not variables; "for some '
                'value" needs both at one common value',
            )
            return unknown
        return Status.PROVED, tuple(steps), None, ()
    run.note(
        "model structure",
        f"a model claim this large is decided for curvature properties only (convex, "
        f"concave, affine and their negations), not for {claim.property}; a smaller data "
        "set is expanded into one expression and every strategy runs on it",
    )
    return unknown


def decide_model(claim: Claim, settings: Settings) -> Verdict:
    """Settle a structured model claim (``claim.structured``)."""
    started = time.perf_counter()
    deadline = Deadline.after(settings.timeout)
    run = _ModelRun(claim, settings, deadline)
    try:
        status, proof, witness, refuting = _decide(run)
    except Exception as exc:  # a fault costs the answer, never the run (as in the engine)
        from convexity_proofs._strategy import internal_error, raise_internal_errors

        if raise_internal_errors():
            raise
        run.attempts.append(internal_error("model engine", exc))
        status, proof, witness, refuting = Status.UNKNOWN, (), None, ()
    if status is Status.UNKNOWN and deadline.expired():
        run.note(
            "time limit",
            f"the search stopped at the {settings.timeout:g} s limit",
            AttemptKind.CUT_SHORT,
        )
    return Verdict(
        claim=claim,
        status=status,
        witness=witness,  # type: ignore[arg-type]
        proof=proof,
        attempts=tuple(run.attempts),
        seconds=time.perf_counter() - started,
        refuting_proof=refuting,
    )
