"""Replaying the verdict of a structured model claim.

The function judged is the model's loss on its data, defined by the claim's model and
data tables (read again by the safe claim reader: the network, the template and the
data come from there, never from the certificate).  A proof is a ``template-sum``
step per question (:mod:`convexity_proofs.checker.template`); a witness is a
model witness recomputed by rigorous forward passes
(:mod:`convexity_proofs.checker.model_witness`).  The quantifier is the claim's: the
layout coordinates that are not variables are parameters, which a witness fixes to
one value and a template proof covers for every value.
"""

from __future__ import annotations

from convexity_proofs._proof import ProofStep
from convexity_proofs._structure import MODEL_LOSS
from convexity_proofs._values import (
    Claim,
    ModelCurvatureWitness,
    ModelSegmentWitness,
    Property,
    Quantifier,
    Status,
)
from convexity_proofs.checker._core import Checker, CheckFailure, implies, require

__all__ = ["replay_model_verdict"]

#: property -> (conclusions that prove it, all needed; conclusions that refute it, any).
_NEEDS: dict[Property, tuple[tuple[str, ...], tuple[str, ...]]] = {
    Property.CONVEX: (("convex",), ("not-convex",)),
    Property.CONCAVE: (("concave",), ("not-concave",)),
    Property.AFFINE: (("convex", "concave"), ("not-convex", "not-concave")),
    Property.STRICTLY_CONVEX: (("strictly-convex",), ("not-strictly-convex",)),
    Property.STRICTLY_CONCAVE: (("strictly-concave",), ("not-strictly-concave",)),
    Property.NONCONVEX: (("not-convex",), ("convex",)),
    Property.NONCONCAVE: (("not-concave",), ("concave",)),
    Property.NEITHER: (("not-convex", "not-concave"), ("convex", "concave")),
}


def _has_parameters(claim: Claim) -> bool:
    model = claim.model
    layout = model.layout
    size = layout.size if layout is not None else len(model.template.parameters)
    return len(model.selected) < size


def _template(step: ProofStep, claim: Claim, checker: Checker, label: str) -> str:
    from convexity_proofs.checker.template import replay_template_step

    require(step.rule == "template-sum", f"{label}: expected a template-sum step")
    require(step.subject == MODEL_LOSS, f"{label}: the step is not about the model's loss")
    try:
        return replay_template_step(step, claim.model, checker)
    except CheckFailure as failure:
        raise CheckFailure(failure.message, failure.where or label) from None


def _witness(witness: object, claim: Claim, label: str) -> str:
    from convexity_proofs.checker.model_witness import check_model_witness

    require(
        isinstance(witness, ModelSegmentWitness | ModelCurvatureWitness),
        f"{label}: a model claim's witness is a model-segment or model-curvature witness",
    )
    try:
        return check_model_witness(witness, claim.model)
    except CheckFailure as failure:
        raise CheckFailure(failure.message, failure.where or label) from None


def replay_model_verdict(
    claim: Claim,
    status: Status,
    *,
    proof: tuple[ProofStep, ...] = (),
    refuting: tuple[ProofStep, ...] = (),
    witness: object = None,
    checker: Checker,
) -> None:
    """Raise :class:`CheckFailure` unless the data show ``status`` for the model claim."""
    require(
        claim.property in _NEEDS, f"a model claim this large is not decided for {claim.property}"
    )
    holds, fails = _NEEDS[claim.property]
    some = claim.quantifier is Quantifier.SOME and _has_parameters(claim)
    parameters = _has_parameters(claim)
    if status is Status.PROVED:
        require(witness is None and not refuting, "a proved verdict carries a witness")
        require(bool(proof), "a proved verdict without a proof")
        concluded = []
        for i, step in enumerate(proof):
            label = f"proof[{i}]"
            if step.rule == "witness":
                require(step.subject == MODEL_LOSS, f"{label}: not about the model's loss")
                # A witness fixes the parameters: it shows "for every value" only when
                # there are none, "for some value" always (one common value: below).
                require(
                    some or not parameters,
                    "witnesses at one parameter value do not show a claim about every value",
                )
                shown = _witness(step.witness, claim, label)
                require(shown == step.conclusion, f"{label}: the witness shows f is {shown}")
                concluded.append(shown)
            else:
                concluded.append(_template(step, claim, checker, label))
        if some and len(proof) > 1:
            _same_parameters(claim, [step.witness for step in proof])
        for need in holds:
            require(any(implies(c, need) for c in concluded), f"no step concludes f is {need}")
        return
    require(status is Status.REFUTED, f"only proved and refuted verdicts replay, not {status}")
    if witness is not None:
        require(not proof and not refuting, "a refuted verdict carries a witness and a proof")
        require(
            not some, "a witness at one parameter value does not refute a claim about some value"
        )
        shown = _witness(witness, claim, "witness")
        require(
            any(implies(shown, need) for need in fails),
            f"the witness shows f is {shown}, which does not refute {claim.property}",
        )
        return
    require(bool(refuting) and not proof, "a refuted verdict carries neither witness nor proof")
    concluded = [
        _template(step, claim, checker, f"refuting[{i}]") for i, step in enumerate(refuting)
    ]
    require(
        any(implies(c, need) for c in concluded for need in fails),
        f"the refuting proof does not refute {claim.property}",
    )


def _same_parameters(claim: Claim, witnesses: list[object]) -> None:
    """Witnesses for "some value" must fix the parameters to one common value.

    Points are dyadic with numerators below 2**53 and exponents at most 1000, so their
    float64 values are exact and compare exactly."""
    import numpy as np

    model = claim.model
    size = model.layout.size if model.layout is not None else len(model.template.parameters)
    fixed = np.ones(size, dtype=bool)
    fixed[model.selected] = False
    first = None
    for w in witnesses:
        point = w.a if isinstance(w, ModelSegmentWitness) else w.point  # type: ignore[union-attr]
        values = point.floats()
        require(values.shape == (size,), "a witness point is not a point of the layout")
        if first is None:
            first = values[fixed]
            continue
        require(
            bool(np.array_equal(values[fixed], first)),
            "the witnesses fix the parameters to different values",
        )
