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
recomputes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import Final

import sympy

from convexity_proofs._obligations import attach
from convexity_proofs._proof import ProofStep
from convexity_proofs._values import (
    Assignment,
    Claim,
    CurvatureWitness,
    Domain,
    Enclosure,
    Obligation,
    ParameterBox,
    PointWitness,
    SegmentWitness,
    Witness,
    format_number,
    interval_domain,
)
from convexity_proofs.checker._core import Checker, CheckFailure, Context, require, rule
from convexity_proofs.kernel import evaluate, intervals
from convexity_proofs.kernel.witness_values import (
    Env,
    apart,
    chord_of,
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
_LABELS: Final = {
    "f_a": "f(a)",
    "f_b": "f(b)",
    "f_m": "f(m)",
    "chord": "chord",
    "second_derivative": "second derivative",
    "value": "f(point)",
    "substituted_value": "substituted f(point)",
}


# --- reading a witness against a context ------------------------------------------------


def _short(text: str) -> str:
    """Long exact numbers shortened for messages (the data keep them whole)."""
    return text if len(text) <= 80 else f"{text[:60]}…({len(text)} characters)"


def _number(q: Fraction) -> str:
    return _short(str(format_number(q)))


def _shown(value: Enclosure) -> str:
    return _short(value.describe())


def _one_point(d: Domain) -> bool:
    return d.lo is not None and d.lo == d.hi


def _parameter_symbols(context: Context) -> list[sympy.Symbol]:
    return sorted((s for s in context.domains if not context.is_variable(s)), key=str)


def _named(
    assignment: Assignment, symbols: Iterable[sympy.Symbol], what: str, of: str = "variables"
) -> dict[sympy.Symbol, Fraction]:
    by_name = {s.name: s for s in symbols}
    names = [name for name, _ in assignment]
    require(len(set(names)) == len(names), f"the witness's {what} names a symbol twice")
    require(
        set(names) == set(by_name),
        f"the witness's {what} gives {sorted(names)}, but the step's {of} are {sorted(by_name)}",
    )
    return {by_name[name]: Fraction(q) for name, q in assignment}


def _in_domains(
    values: Mapping[sympy.Symbol, Fraction], context: Context, what: str, *, interior: bool
) -> None:
    for s, q in values.items():
        domain = context.domains[s]
        if interior:
            require(
                domain.contains_interior(q),
                f"the witness's {what} {s} = {_number(q)} is not an interior point of its "
                f"domain {domain.describe()} (a curvature witness needs a neighbourhood)",
            )
        else:
            require(
                domain.contains(q),
                f"the witness's {what} {s} = {_number(q)} lies outside its domain "
                f"{domain.describe()}",
            )


def _shows(relation: str, expect: str, kind: str) -> None:
    require(relation in SHOWS, f"the {kind} witness has an unknown relation {relation!r:.20}")
    require(
        expect in SHOWS[relation],
        f"a {kind} witness with relation {relation!r} does not show f is {expect}",
    )


def _check_precision(precision: int | None) -> None:
    require(
        precision is None or precision in evaluate.PRECISIONS,
        f"the witness's precision {precision} is not one the kernel uses "
        f"({', '.join(str(b) for b in evaluate.PRECISIONS)} bits)",
    )


def _check_values(
    recorded: tuple[tuple[str, Enclosure], ...],
    recomputed: Mapping[str, Enclosure] | None,
    precision: int | None,
) -> dict[str, Enclosure]:
    require(bool(recorded), "the witness records no values that show it")
    at = "exact rationals" if precision is None else f"Arb balls at {precision} bits"
    require(
        recomputed is not None,
        f"the function cannot be evaluated at the witness's points with {at} "
        "(the precision the witness records)",
    )
    assert recomputed is not None
    values = dict(recorded)
    require(set(values) == set(recomputed), "the witness records the wrong set of values")
    for key, value in recomputed.items():
        require(
            values[key].contains(value),
            f"the recorded {_LABELS.get(key, key)} {_shown(values[key])} does not enclose "
            f"the recomputed {_shown(value)} ({at})",
        )
    return values


def _check_box(
    box: ParameterBox | None,
    context: Context,
    replay: Callable[[dict[sympy.Symbol, tuple[Fraction, Fraction]]], bool],
    equality: bool = False,
) -> None:
    """A witness must hold for every value of a ranging parameter: its box covers each
    parameter's domain and the certification over the box replays."""
    parameters = _parameter_symbols(context)
    ranging = [s for s in parameters if not _one_point(context.domains[s])]
    if box is None:
        if ranging:
            raise CheckFailure(
                f"the witness was certified at one parameter value, but the step speaks of "
                f"every value of {ranging[0]} in {context.domains[ranging[0]].describe()}"
            )
        return
    require(not equality, "an equality (a flat segment) is never certified over a box")
    names = [name for name, _, _ in box]
    by_name = {s.name: s for s in parameters}
    require(len(set(names)) == len(names), "the witness's box names a parameter twice")
    require(
        set(names) == set(by_name),
        f"the witness's box gives {sorted(names)}, but the parameters are {sorted(by_name)}",
    )
    symbolic: dict[sympy.Symbol, tuple[Fraction, Fraction]] = {}
    for name, lo, hi in box:
        s = by_name[name]
        domain = context.domains[s]
        require(
            domain.lo is not None and domain.hi is not None and lo <= domain.lo and domain.hi <= hi,
            f"the witness's box {name} in [{_number(lo)}, {_number(hi)}] does not cover "
            f"its domain {domain.describe()}",
        )
        symbolic[s] = (Fraction(lo), Fraction(hi))
    shown = ", ".join(f"{n} in [{_number(lo)}, {_number(hi)}]" for n, lo, hi in box)
    require(
        replay(symbolic),
        f"the witness is not certified for every parameter value in the box ({shown})",
    )


def _defined_along(carrier: sympy.Basic, a: Env, b: Env, parameters: Env) -> bool:
    """f is defined on the closed segment: by balls along it, or by an interval
    enclosure over the segment's bounding box."""
    if evaluate.defined_on_segment(carrier, a, b, parameters):
        return True
    hull: dict[sympy.Symbol, Domain] = {
        x: interval_domain(min(a[x], b[x]), max(a[x], b[x])) for x in a
    }
    hull.update({p: interval_domain(q, q) for p, q in parameters.items()})
    return intervals.defined(carrier, hull) is True


# --- the replays ------------------------------------------------------------------------


def _check_segment(
    witness: SegmentWitness, carrier: sympy.Basic, context: Context, expect: str
) -> None:
    _shows(witness.relation, expect, "segment")
    a = _named(witness.a, context.variables, "end a")
    b = _named(witness.b, context.variables, "end b")
    params = _named(witness.parameters, _parameter_symbols(context), "parameters", "parameters")
    _in_domains(a, context, "end a:", interior=False)
    _in_domains(b, context, "end b:", interior=False)
    _in_domains(params, context, "parameter", interior=False)
    t = Fraction(witness.t)
    require(0 < t < 1, f"the witness's t = {_number(t)} is not strictly between 0 and 1")
    require(a != b, "the witness's segment has equal ends")
    relation = witness.relation
    decided = evaluate.decide_segment(carrier, a, b, t, params)
    found = "no relation" if decided is None else f"f(m) {decided.relation} chord"
    require(
        decided is not None and decided.relation == relation,
        f"the kernel does not certify f(m) {relation} chord at the witness ({found})",
    )
    require(
        _defined_along(carrier, a, b, params),
        "the function is not shown defined along the whole segment from a to b",
    )
    _check_precision(witness.precision)
    recomputed = next(segment_values(carrier, a, b, t, params, [witness.precision]), None)
    values = _check_values(
        witness.values, None if recomputed is None else recomputed[1], witness.precision
    )
    chord = chord_of(values["f_a"], values["f_b"], t)
    require(
        values["chord"].contains(chord),
        f"the recorded chord {_shown(values['chord'])} does not enclose "
        f"t·f(a) + (1−t)·f(b) = {_shown(chord)} of the recorded ends",
    )
    require(
        segment_relation(values) == relation,
        f"the recorded values do not show f(m) {_WORDS.get(relation, relation)} the chord",
    )
    _check_box(
        witness.box,
        context,
        lambda box: evaluate.segment_over_box(carrier, a, b, t, box) == relation,
        equality=relation == "=",
    )


def _check_curvature(
    witness: CurvatureWitness, carrier: sympy.Basic, context: Context, expect: str
) -> None:
    _shows(witness.sign, expect, "curvature")
    point = _named(witness.point, context.variables, "point")
    direction = _named(witness.direction, context.variables, "direction")
    params = _named(witness.parameters, _parameter_symbols(context), "parameters", "parameters")
    _in_domains(point, context, "point:", interior=True)
    _in_domains(params, context, "parameter", interior=False)
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
    _check_precision(witness.precision)
    recomputed = next(
        second_derivatives(carrier, point, direction, params, [witness.precision]), None
    )
    values = _check_values(
        witness.values,
        None if recomputed is None else {"second_derivative": recomputed[1]},
        witness.precision,
    )
    shown = sign_shown(values["second_derivative"])
    require(
        shown is not None and (wanted is None or shown == witness.sign),
        f"the recorded second derivative {_shown(values['second_derivative'])} does not "
        f"show {witness.sign}",
    )

    def over(box: dict[sympy.Symbol, tuple[Fraction, Fraction]]) -> bool:
        sign = evaluate.curvature_over_box(carrier, point, direction, box)
        return sign is not None and (wanted is None or sign == wanted)

    _check_box(witness.box, context, over)


def _check_point(
    witness: PointWitness,
    carrier: sympy.Basic,
    image: sympy.Basic,
    context: Context,
    expect: str,
) -> None:
    require(expect == "not-invariant", f"a point witness does not show f is {expect}")
    point = _named(witness.point, context.domains, "point", "symbols")
    _in_domains(point, context, "point:", interior=False)
    ranging = [s for s in _parameter_symbols(context) if not _one_point(context.domains[s])]
    if ranging:
        raise CheckFailure(
            f"a point witness speaks of one parameter value, not of every value of {ranging[0]}"
        )
    decided = evaluate.decide_difference(carrier, image, point)
    require(
        decided is not None and decided.relation in ("<", ">"),
        "the kernel does not certify that the two sides differ at the witness's point",
    )
    _check_precision(witness.precision)
    recomputed = next(point_values(carrier, image, point, [witness.precision]), None)
    values = _check_values(
        witness.values, None if recomputed is None else recomputed[1], witness.precision
    )
    require(apart(values), "the recorded values of the two sides are not certainly apart")


#: Replays of the witness kinds of the other properties (ordered pairs, level segments,
#: points where f <= 0), registered by their modules with :func:`witness_check`:
#: ``check(witness, carrier, context, expect)`` raises CheckFailure unless the witness
#: shows ``expect`` about ``carrier`` for every parameter value of ``context``.
WitnessCheck = Callable[[Witness, sympy.Basic, Context, str], None]
WITNESS_CHECKS: dict[type, WitnessCheck] = {}
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


def witness_check(kind: type) -> Callable[[WitnessCheck], WitnessCheck]:
    def register(check: WitnessCheck) -> WitnessCheck:
        WITNESS_CHECKS[kind] = check
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
