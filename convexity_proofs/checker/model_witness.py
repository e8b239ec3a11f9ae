"""Model witnesses re-certified: a structured model claim's segment or curvature witness,
replayed on the network with the trusted kernel (:mod:`convexity_proofs.kernel.network`).

The replay never trusts a recorded number.  It checks, in this order:

* the witness's vectors are parameter vectors of the model's layout (one entry per
  parameter); the claim's variables (``model.selected``) are layout indices;
* a segment: its ends differ, agree on every parameter that is not a variable (they
  are the parameter value at which the claim fails), 0 < t < 1 with t dyadic, so the
  point m = t·a + (1−t)·b is an exact parameter vector (:func:`~convexity_proofs.kernel.
  network.midpoint`); a curvature witness: its direction is not 0 and is 0 on every
  parameter that is not a variable;
* the kernel certifies the witness's relation again (f(m) above the chord: not convex;
  below: not concave; the second directional derivative < 0: not convex, > 0: not
  concave) at a precision ladder starting at the witness's precision; a ReLU or hinge
  argument that may be 0 at the point refuses the curvature;
* the recorded values are the ones the kernel gives at the recorded precision (each
  encloses the recomputed one), the recorded chord encloses the chord of the recorded
  ends, and the recorded values show the relation by themselves.

The model's loss is the one the claim's model and data tables define; the caller
(:mod:`convexity_proofs.checker.model`) re-reads them and passes the model claim.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Final

import numpy as np

from convexity_proofs._structure import ModelClaim, NetworkStructure, ParameterVector
from convexity_proofs._values import Enclosure, ModelCurvatureWitness, ModelSegmentWitness
from convexity_proofs.checker._core import CheckFailure, require
from convexity_proofs.checker._witness_common import (
    check_precision,
    check_values,
    describe_number,
    describe_value,
)
from convexity_proofs.kernel import evaluate
from convexity_proofs.kernel import network as kernel
from convexity_proofs.kernel.witness_values import (
    chord_of,
    enclosure_of_ball,
    segment_relation,
    sign_shown,
)

__all__ = ["CONCLUSIONS", "check_model_witness"]

#: What each relation shows (the strongest conclusion; the checker's IMPLIES gives the rest).
CONCLUSIONS: Final = {
    ">": "not-convex",
    "<": "not-concave",
    "<0": "not-convex",
    ">0": "not-concave",
}
_ARGUMENTS: Final = ("permutation", "search")
_WORDS: Final = {">": "above", "<": "below"}


def check_model_witness(
    witness: ModelSegmentWitness | ModelCurvatureWitness, model: ModelClaim
) -> str:
    """Re-certify ``witness`` on ``model``'s network; return what it shows
    (``not-convex`` or ``not-concave``).  Raises :class:`CheckFailure` naming what does
    not replay."""
    net = model.network
    require(net is not None, "a model witness needs the model's network")
    assert net is not None
    variables = _variables(model, net)
    if isinstance(witness, ModelSegmentWitness):
        return _check_segment(witness, net, variables)
    if isinstance(witness, ModelCurvatureWitness):
        return _check_curvature(witness, net, variables)
    raise CheckFailure(f"not a model witness: {type(witness).__name__}")


# --- reading the witness ----------------------------------------------------------------


def _variables(model: ModelClaim, net: NetworkStructure) -> np.ndarray:
    """The claim's variables as a mask over the layout."""
    size = net.layout.size
    selected = np.asarray(model.selected, dtype=np.int64)
    require(selected.size > 0, "the model claim has no variables")
    require(
        bool(np.all((selected >= 0) & (selected < size))),
        "the model claim's variables are not indices of its layout",
    )
    mask = np.zeros(size, dtype=bool)
    mask[selected] = True
    return mask


def _vector(value: object, size: int, what: str) -> ParameterVector:
    require(isinstance(value, ParameterVector), f"the witness's {what} is not a parameter vector")
    assert isinstance(value, ParameterVector)
    require(
        value.numerators.ndim == 1 and value.numerators.size == size,
        f"the witness's {what} has {value.numerators.size} entries, the model has {size} "
        "parameters",
    )
    require(
        0 <= value.exponent <= 1000
        and (value.numerators.size == 0 or int(np.max(np.abs(value.numerators))) < 2**53),
        f"the witness's {what} is not an exact parameter vector",
    )
    return value


def _common(a: ParameterVector, b: ParameterVector) -> tuple[list[int], list[int]]:
    """Both vectors' numerators over one power of two (Python integers, exact)."""
    e = max(a.exponent, b.exponent)
    sa, sb = e - a.exponent, e - b.exponent
    return (
        [x << sa for x in a.numerators.tolist()],
        [y << sb for y in b.numerators.tolist()],
    )


def _precision(precision: object) -> int:
    require(
        isinstance(precision, int) and not isinstance(precision, bool) and precision > 0,
        "a model witness records the precision (bits) its values were certified at",
    )
    assert isinstance(precision, int)
    check_precision(precision)
    return precision


def _ladder(precision: int) -> list[int]:
    return [p for p in evaluate.PRECISIONS if p >= precision]


def _failed(exc: Exception) -> CheckFailure:
    return CheckFailure(f"the kernel cannot evaluate the model's network: {exc}")


# --- segments ---------------------------------------------------------------------------


def _check_segment(
    witness: ModelSegmentWitness, net: NetworkStructure, variables: np.ndarray
) -> str:
    relation = witness.relation
    require(
        relation in _WORDS,
        f"a model-segment witness shows f(m) > chord or f(m) < chord, not {relation!r:.20}",
    )
    require(
        witness.argument in _ARGUMENTS,
        f"a model-segment witness's argument is 'permutation' or 'search', not "
        f"{witness.argument!r:.30}",
    )
    size = net.layout.size
    a = _vector(witness.a, size, "end a")
    b = _vector(witness.b, size, "end b")
    t = witness.t
    require(
        isinstance(t, Fraction | int) and not isinstance(t, bool),
        "the witness's t is not a rational",
    )
    t = Fraction(t)
    require(0 < t < 1, f"the witness's t = {describe_number(t)} is not strictly between 0 and 1")
    require(
        t.denominator & (t.denominator - 1) == 0,
        f"the witness's t = {describe_number(t)} is not a dyadic rational",
    )
    ca, cb = _common(a, b)
    require(ca != cb, "the witness's segment has equal ends")
    fixed = np.flatnonzero(~variables).tolist()
    moved = [i for i in fixed if ca[i] != cb[i]]
    require(
        not moved,
        lambda: (
            f"the witness's ends differ in {net.layout.name(moved[0])}, which is not a "
            "variable of the claim (a and b must agree on every parameter)"
        ),
    )
    try:
        kernel.midpoint(a, b, t)
    except ValueError as exc:
        raise CheckFailure(f"the witness's point m = t·a + (1−t)·b: {exc}") from None
    precision = _precision(witness.precision)

    found: dict[int, dict[str, Enclosure] | None] = {}

    def values_at(prec: int) -> dict[str, Enclosure] | None:
        if prec not in found:
            try:
                found[prec] = kernel.segment_enclosures(net, a, b, t, prec)
            except ValueError as exc:
                raise _failed(exc) from None
        return found[prec]

    certified = False
    for prec in _ladder(precision):
        values = values_at(prec)
        if values is not None and segment_relation(values) == relation:
            certified = True
            break
    require(
        certified,
        f"the kernel does not certify f(m) {relation} chord at the witness "
        f"({', '.join(map(str, _ladder(precision)))} bits)",
    )
    recorded = check_values(witness.values, values_at(precision), precision)
    chord = chord_of(recorded["f_a"], recorded["f_b"], t)
    require(
        recorded["chord"].contains(chord),
        f"the recorded chord {describe_value(recorded['chord'])} does not enclose "
        f"t·f(a) + (1−t)·f(b) = {describe_value(chord)} of the recorded ends",
    )
    require(
        segment_relation(recorded) == relation,
        f"the recorded values do not show f(m) {_WORDS[relation]} the chord",
    )
    return CONCLUSIONS[relation]


# --- curvature --------------------------------------------------------------------------


def _check_curvature(
    witness: ModelCurvatureWitness, net: NetworkStructure, variables: np.ndarray
) -> str:
    relation = witness.relation
    require(
        relation in ("<0", ">0"),
        f"a model-curvature witness shows a second derivative <0 or >0, not {relation!r:.20}",
    )
    size = net.layout.size
    point = _vector(witness.point, size, "point")
    direction = _vector(witness.direction, size, "direction")
    require(bool(np.any(direction.numerators)), "the witness's direction is 0")
    off = np.flatnonzero(direction.numerators.astype(bool) & ~variables)
    require(
        off.size == 0,
        lambda: (
            f"the witness's direction moves {net.layout.name(int(off[0]))}, which is not a "
            "variable of the claim"
        ),
    )
    precision = _precision(witness.precision)

    found: dict[int, Enclosure | None] = {}
    smooth = True

    def value_at(prec: int) -> Enclosure | None:
        nonlocal smooth
        if prec not in found:
            try:
                found[prec] = enclosure_of_ball(
                    kernel.second_directional_ball(net, point, direction, prec)
                )
            except kernel.NotSmooth:
                smooth = False
                found[prec] = None
            except ValueError as exc:
                raise _failed(exc) from None
        return found[prec]

    certified = False
    for prec in _ladder(precision):
        value = value_at(prec)
        if value is not None and sign_shown(value) == relation:
            certified = True
            break
    if not certified:
        why = (
            "a ReLU or hinge argument may be 0 there, so f is not certified twice differentiable"
            if not smooth
            else "the sign is undecided"
        )
        raise CheckFailure(
            f"the kernel does not certify the second derivative {relation} at the witness ({why})"
        )
    at_precision = value_at(precision)
    recorded = check_values(
        witness.values,
        None if at_precision is None else {"second_derivative": at_precision},
        precision,
    )
    require(
        sign_shown(recorded["second_derivative"]) == relation,
        f"the recorded second derivative {describe_value(recorded['second_derivative'])} does "
        f"not show {relation}",
    )
    return CONCLUSIONS[relation]
