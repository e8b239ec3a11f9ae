"""Witnesses re-certified: every point, every value and every inequality, from the data.

A witness (:mod:`convexity_proofs._values`) is replayed on the claim's *carrier* (the
function with the definedness obligations of its text attached, so that no point
where the written function is undefined can be used) in a :class:`Context` (the
variables and every symbol's domain).  The replay checks, in this order:

* the witness names exactly the context's variables and parameters, and every
  coordinate (parameters too) lies in its domain; a curvature point lies in the
  interior; a segment has distinct ends and 0 < t < 1;
* what the witness's relation shows (f(m) > chord: not convex; < : not concave;
  = : neither strictly convex nor strictly concave; f'' < 0: not convex; > 0: not
  concave; two sides apart: not invariant) includes the conclusion asked for;
* the kernel certifies the relation again (:func:`~convexity_proofs.kernel.evaluate.decide_segment`,
  :func:`~convexity_proofs.kernel.evaluate.decide_curvature`,
  :func:`~convexity_proofs.kernel.evaluate.decide_difference`), and a segment is
  defined along its whole length;
* the recorded values enclose the values recomputed here (exact rationals where the
  function is rational at the points, otherwise Arb balls at the recorded precision),
  the recorded chord encloses the chord of the recorded ends, and the recorded values
  show the relation by themselves;
* when a parameter of the context ranges over more than one value, the witness must
  have been certified for every value at once: its box must cover each parameter's
  domain, and the certification over the box replays
  (:func:`~convexity_proofs.kernel.evaluate.segment_over_box`,
  :func:`~convexity_proofs.kernel.evaluate.curvature_over_box`).

The values themselves are computed by :mod:`convexity_proofs.kernel.witness_values`,
which the witness builder uses too, so what a witness records is what this replay
recomputes; the reading of a witness's coordinates, values, precision and box is
shared with the other witness kinds (:mod:`._witness_common`).
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Final, TypeVar, cast

import sympy

from convexity_proofs._obligations import attach
from convexity_proofs._proof import ProofStep
from convexity_proofs._values import (
    Claim,
    CurvatureWitness,
    Obligation,
    PointWitness,
    SegmentWitness,
    Witness,
)
from convexity_proofs.checker._core import Checker, CheckFailure, Context, require, rule
from convexity_proofs.checker._witness_common import (
    check_box,
    check_precision,
    check_values,
    describe_value,
    in_domains,
    named,
    named_parameters,
    ranging_parameters,
    read_ends,
    segment_t,
)
from convexity_proofs.kernel import evaluate
from convexity_proofs.kernel.witness_values import (
    apart,
    chord_of,
    defined_along,
    point_values,
    second_derivatives,
    segment_relation,
    segment_values,
    sign_shown,
)

#: What each relation (segment) or sign (curvature) shows about f.
SHOWS: Final[dict[str, frozenset[str]]] = {
    ">": frozenset({"not-convex", "not-strictly-convex", "not-affine"}),
    "<": frozenset({"not-concave", "not-strictly-concave", "not-affine"}),
    "=": frozenset({"not-strictly-convex", "not-strictly-concave"}),
    "<0": frozenset({"not-convex", "not-strictly-convex", "not-affine"}),
    ">0": frozenset({"not-concave", "not-strictly-concave", "not-affine"}),
    "!=0": frozenset({"not-affine"}),
}
_SIGNS: Final = {"<0": -1, ">0": 1}
_WORDS: Final = {">": "above", "<": "below", "=": "exactly on"}


def _shows(relation: str, expect: str, kind: str) -> None:
    require(relation in SHOWS, f"the {kind} witness has an unknown relation {relation!r:.20}")
    require(
        expect in SHOWS[relation],
        f"a {kind} witness with relation {relation!r} does not show f is {expect}",
    )


# --- the replays ------------------------------------------------------------------------


def _check_segment(
    witness: SegmentWitness, carrier: sympy.Basic, context: Context, expect: str
) -> None:
    _shows(witness.relation, expect, "segment")
    a, b, params = read_ends(witness.a, witness.b, witness.parameters, context, ("end a", "end b"))
    t = segment_t(witness.t, a, b)
    relation = witness.relation
    decided = evaluate.decide_segment(carrier, a, b, t, params)
    found = "no relation" if decided is None else f"f(m) {decided.relation} chord"
    require(
        decided is not None and decided.relation == relation,
        f"the kernel does not certify f(m) {relation} chord at the witness ({found})",
    )
    require(
        defined_along(carrier, a, b, params),
        "the function is not shown defined along the whole segment from a to b",
    )
    check_precision(witness.precision)
    recomputed = next(segment_values(carrier, a, b, t, params, [witness.precision]), None)
    values = check_values(
        witness.values, None if recomputed is None else recomputed[1], witness.precision
    )
    chord = chord_of(values["f_a"], values["f_b"], t)
    require(
        values["chord"].contains(chord),
        f"the recorded chord {describe_value(values['chord'])} does not enclose "
        f"t·f(a) + (1−t)·f(b) = {describe_value(chord)} of the recorded ends",
    )
    require(
        segment_relation(values) == relation,
        f"the recorded values do not show f(m) {_WORDS.get(relation, relation)} the chord",
    )
    check_box(
        witness.box,
        context,
        lambda box: evaluate.segment_over_box(carrier, a, b, t, box) == relation,
        equality=relation == "=",
    )


def _check_curvature(
    witness: CurvatureWitness, carrier: sympy.Basic, context: Context, expect: str
) -> None:
    _shows(witness.sign, expect, "curvature")
    point = named(witness.point, context.variables, "point")
    direction = named(witness.direction, context.variables, "direction")
    params = named_parameters(witness.parameters, context)
    in_domains(point, context, "point:", interior=True)
    in_domains(params, context, "parameter", interior=False)
    require(any(direction.values()), "the witness's direction is 0")
    wanted = _SIGNS.get(witness.sign)
    decided = evaluate.decide_curvature(carrier, point, direction, params)
    if decided is None:
        raise CheckFailure(
            f"the kernel does not certify the second derivative {witness.sign} at the "
            "witness (f is not certified twice differentiable there, or the sign is undecided)"
        )
    require(
        wanted is None or decided.sign == wanted,
        f"the kernel does not certify the second derivative {witness.sign} at the witness "
        f"(it finds {'<0' if decided.sign < 0 else '>0'})",
    )
    check_precision(witness.precision)
    recomputed = next(
        second_derivatives(carrier, point, direction, params, [witness.precision]), None
    )
    values = check_values(
        witness.values,
        None if recomputed is None else {"second_derivative": recomputed[1]},
        witness.precision,
    )
    sign = sign_shown(values["second_derivative"])
    require(
        sign is not None and (wanted is None or sign == witness.sign),
        f"the recorded second derivative {describe_value(values['second_derivative'])} does not "
        f"show {witness.sign}",
    )

    def over(box: dict[sympy.Symbol, tuple[Fraction, Fraction]]) -> bool:
        sign = evaluate.curvature_over_box(carrier, point, direction, box)
        return sign is not None and (wanted is None or sign == wanted)

    check_box(witness.box, context, over)


def _check_point(
    witness: PointWitness,
    carrier: sympy.Basic,
    image: sympy.Basic,
    context: Context,
    expect: str,
) -> None:
    require(expect == "not-invariant", f"a point witness does not show f is {expect}")
    point = named(witness.point, context.domains, "point", "symbols")
    in_domains(point, context, "point:", interior=False)
    ranging = ranging_parameters(context)
    if ranging:
        raise CheckFailure(
            f"a point witness speaks of one parameter value, not of every value of {ranging[0]}"
        )
    decided = evaluate.decide_difference(carrier, image, point)
    require(
        decided is not None and decided.relation in ("<", ">"),
        "the kernel does not certify that the two sides differ at the witness's point",
    )
    check_precision(witness.precision)
    recomputed = next(point_values(carrier, image, point, [witness.precision]), None)
    values = check_values(
        witness.values, None if recomputed is None else recomputed[1], witness.precision
    )
    require(apart(values), "the recorded values of the two sides are not certainly apart")


#: Replays of the witness kinds of the other properties (ordered pairs, level segments,
#: points where f <= 0), registered by their modules with :func:`witness_check`:
#: ``check(witness, carrier, context, expect)`` raises CheckFailure unless the witness
#: shows ``expect`` about ``carrier`` for every parameter value of ``context``.
WitnessCheck = Callable[[Witness, sympy.Basic, Context, str], None]
WITNESS_CHECKS: dict[type, WitnessCheck] = {}
W = TypeVar("W", bound=Witness)
#: The conclusions those kinds can show.
EXTRA_CONCLUSIONS: Final = frozenset(
    {
        "not-nondecreasing",
        "not-nonincreasing",
        "not-increasing",
        "not-decreasing",
        "not-quasiconvex",
        "not-quasiconcave",
        "not-positive",
    }
)


def witness_check(
    kind: type[W],
) -> Callable[
    [Callable[[W, sympy.Basic, Context, str], None]], Callable[[W, sympy.Basic, Context, str], None]
]:
    """Register the decorated function as the replay of the witnesses of class ``kind``
    (:func:`check_witness` calls it only with those)."""

    def register(
        check: Callable[[W, sympy.Basic, Context, str], None],
    ) -> Callable[[W, sympy.Basic, Context, str], None]:
        WITNESS_CHECKS[kind] = cast(WitnessCheck, check)
        return check

    return register


def check_witness(
    witness: Witness,
    *,
    carrier: sympy.Basic,
    context: Context,
    expect: str,
    image: sympy.Basic | None = None,
) -> None:
    """Re-certify ``witness`` as showing ``expect`` (``not-convex``, ``not-concave``,
    ``not-strictly-convex``, ``not-strictly-concave``, ``not-affine`` or, for a point
    witness, ``not-invariant``) about ``carrier`` in ``context``: for every parameter
    value in the context's domains (a parameter pinned to one point needs no box).
    ``image`` is the substituted side of an invariance (its obligations attached).
    Raises :class:`CheckFailure` naming what does not replay."""
    if isinstance(witness, SegmentWitness):
        _check_segment(witness, carrier, context, expect)
    elif isinstance(witness, CurvatureWitness):
        _check_curvature(witness, carrier, context, expect)
    elif isinstance(witness, PointWitness):
        require(image is not None, "a point witness needs the substituted function")
        assert image is not None
        _check_point(witness, carrier, image, context, expect)
    elif type(witness) in WITNESS_CHECKS:
        WITNESS_CHECKS[type(witness)](witness, carrier, context, expect)
    else:
        raise CheckFailure(f"not a witness: {type(witness).__name__}")


def image_carrier(claim: Claim) -> sympy.Expr:
    """The substituted function with its obligations attached: each written head of f,
    substituted, and the obligations of the substitution's own texts."""
    mapping = dict(claim.substitution)
    obligations = []
    for ob in claim.obligations:
        head = ob.subject
        subject = head.func(*[arg.xreplace(mapping) for arg in head.args], evaluate=False)
        obligations.append(Obligation(ob.kind, ob.argument.xreplace(mapping), subject, ob.text))
    return attach(claim.function.xreplace(mapping), (*obligations, *claim.substitution_obligations))


def check_point_witness(witness: Witness, *, claim: Claim, context: Context) -> None:
    """Re-certify a point witness against a claim's invariance (both sides as written)."""
    require(isinstance(witness, PointWitness), "invariance is refuted by a point witness only")
    check_witness(
        witness,
        carrier=attach(claim.function, claim.obligations),
        context=context,
        expect="not-invariant",
        image=image_carrier(claim),
    )


#: Conclusions a witness step may draw.
WITNESS_CONCLUSIONS: Final = frozenset().union(*SHOWS.values()) | EXTRA_CONCLUSIONS


@rule("witness")
def check_witness_step(step: ProofStep, context: Context, checker: Checker) -> None:
    """``subject`` is not convex / not concave / ...: the step's witness, re-certified
    on the subject with the context's obligations attached, for every parameter value
    of the context."""
    require(step.witness is not None, "the witness step carries no witness")
    require(not step.children and not step.facts, "a witness step has no children or facts")
    require(
        step.conclusion in WITNESS_CONCLUSIONS,
        f"a witness cannot conclude {step.conclusion}",
    )
    require(
        not isinstance(step.witness, PointWitness),
        "a point witness refutes an invariance, not a curvature",
    )
    assert step.witness is not None
    check_witness(
        step.witness,
        carrier=attach(step.subject, context.obligations),
        context=context,
        expect=step.conclusion,
    )
