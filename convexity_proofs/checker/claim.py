"""From the claim to the steps it needs: what a verdict must show, replayed.

The checker's own copy of the property table says which conclusions about f each
property needs.  A ``proved`` or ``refuted`` verdict is accepted only when its steps
(or its witness) conclude exactly that, about the function as judged, on the claim's
whole domain (parameters ranging over theirs), except where the quantifier allows one
parameter value: a witness refutes "for every value" at its own parameter value; a
proof at one fixed value (``at-parameters``) proves "for some value" or refutes "for
every value".
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sympy

from convexity_proofs._obligations import attach
from convexity_proofs._proof import ContextFact, IdentityFact, ProofStep
from convexity_proofs._reductions import LOG_PROPERTIES, reduced_claim
from convexity_proofs._values import (
    Claim,
    CurvatureWitness,
    Expect,
    LevelWitness,
    ModelCurvatureWitness,
    ModelSegmentWitness,
    OrderedWitness,
    PointWitness,
    Property,
    Quantifier,
    SegmentWitness,
    Status,
    ValueWitness,
    Witness,
)
from convexity_proofs.checker._core import Checker, CheckFailure, Context, implies, require
from convexity_proofs.checker.definedness import check_obligations


@dataclass(frozen=True, slots=True)
class _Needs:
    """The conclusions about f a property holds with (one per question)."""

    holds: tuple[str, ...]  # every one must be proved
    fails: tuple[str, ...]  # any one refutes


#: property -> what proves it (all of ``holds``) and what refutes it (any of ``fails``).
_TABLE: dict[Property, _Needs] = {
    Property.CONVEX: _Needs(("convex",), ("not-convex",)),
    Property.CONCAVE: _Needs(("concave",), ("not-concave",)),
    Property.STRICTLY_CONVEX: _Needs(("strictly-convex",), ("not-strictly-convex",)),
    Property.STRICTLY_CONCAVE: _Needs(("strictly-concave",), ("not-strictly-concave",)),
    Property.AFFINE: _Needs(("convex", "concave"), ("not-affine",)),
    Property.NONCONVEX: _Needs(("not-convex",), ("convex",)),
    Property.NONCONCAVE: _Needs(("not-concave",), ("concave",)),
    Property.NEITHER: _Needs(("not-convex", "not-concave"), ("convex", "concave")),
    Property.INVARIANT: _Needs(("invariant",), ("not-invariant",)),
    Property.NONDECREASING: _Needs(("nondecreasing",), ("not-nondecreasing",)),
    Property.NONINCREASING: _Needs(("nonincreasing",), ("not-nonincreasing",)),
    Property.INCREASING: _Needs(("increasing",), ("not-increasing",)),
    Property.DECREASING: _Needs(("decreasing",), ("not-decreasing",)),
    Property.NONMONOTONE: _Needs(
        ("not-nondecreasing", "not-nonincreasing"), ("nondecreasing", "nonincreasing")
    ),
    Property.QUASICONVEX: _Needs(("quasiconvex",), ("not-quasiconvex",)),
    Property.QUASICONCAVE: _Needs(("quasiconcave",), ("not-quasiconcave",)),
    Property.QUASILINEAR: _Needs(
        ("quasiconvex", "quasiconcave"), ("not-quasiconvex", "not-quasiconcave")
    ),
}

#: Conclusions about monotonicity: in several variables they are shown variable by
#: variable (one ``in-variable`` root step per variable, the others held fixed).
MONOTONE: frozenset[str] = frozenset({"nondecreasing", "nonincreasing", "increasing", "decreasing"})

#: What each witness kind's recorded relation shows about f.
_WITNESS_SHOWS: dict[type, dict[str, str]] = {
    SegmentWitness: {">": "not-convex", "<": "not-concave", "=": "not-strictly-convex"},
    CurvatureWitness: {"<0": "not-convex", ">0": "not-concave", "!=0": "not-affine"},
    OrderedWitness: {
        ">": "not-nondecreasing",
        "<": "not-nonincreasing",
        ">=": "not-increasing",
        "<=": "not-decreasing",
    },
    LevelWitness: {">max": "not-quasiconvex", "<min": "not-quasiconcave"},
    ValueWitness: {"<=0": "not-positive"},
    ModelSegmentWitness: {">": "not-convex", "<": "not-concave"},
    ModelCurvatureWitness: {"<0": "not-convex", ">0": "not-concave"},
}


def _model_witness(claim: Claim, witness: Witness, label: str) -> str:
    """A model witness on a scalar model claim: recomputed by the network kernel on the
    claim's model, which must be the claim's function itself, with every symbol a
    variable over the real line (a model witness fixes no parameter and knows no
    domain)."""
    from convexity_proofs.checker.model_witness import check_model_witness

    model = claim.model
    require(
        model is not None and model.network is not None,
        f"{label}: a model witness for a claim that is not about a model",
    )
    require(
        model.function is not None and model.function == claim.function,
        f"{label}: the model witness is not about the claim's function",
    )
    require(not claim.parameters, f"{label}: a model witness needs no parameters")
    require(
        all(d.name == "real" for _, d in claim.domains),
        f"{label}: a model witness needs every domain to be the real line",
    )
    try:
        return check_model_witness(witness, model)
    except CheckFailure as failure:
        raise CheckFailure(failure.message, failure.where or label) from None


_MODEL_WITNESSES = (ModelSegmentWitness, ModelCurvatureWitness)


def claim_context(claim: Claim) -> Context:
    return Context(claim.variables, dict(claim.domains), claim.obligations)


def _free_parameters(claim: Claim) -> bool:
    chosen = set(claim.variables)
    return any(
        s not in chosen and not (d.lo is not None and d.lo == d.hi) for s, d in claim.domains
    )


def witness_conclusion(witness: Witness) -> str:
    """What a witness shows about f by its recorded relation (re-checked by its replay)."""
    if isinstance(witness, PointWitness):
        return "not-invariant"
    relation = getattr(witness, "sign", None) or getattr(witness, "relation", "")
    return _WITNESS_SHOWS.get(type(witness), {}).get(relation, "unknown")


def witness_parameters(claim: Claim, witness: Witness) -> dict[sympy.Symbol, Fraction]:
    by_name = {s.name: s for s, _ in claim.domains if s not in set(claim.variables)}
    values = dict(getattr(witness, "parameters", ()) or ())
    if isinstance(witness, PointWitness):
        values = dict(witness.point)
    return {by_name[n]: q for n, q in values.items() if n in by_name}


def _pinned_at(claim: Claim, context: Context, witness: Witness) -> Context:
    values = witness_parameters(claim, witness)
    for s, q in values.items():
        require(
            context.domains[s].contains(q),
            f"the witness's parameter {s} = {q} lies outside its domain",
        )
    missing = [
        s
        for s, d in claim.domains
        if s not in set(claim.variables)
        and s not in values
        and not (d.lo is not None and d.lo == d.hi)
    ]
    require(not missing, f"the witness gives no value for the parameter {missing[:1]}")
    return context.pinned(values)


def replay_verdict(
    claim: Claim,
    status: Status,
    *,
    proof: tuple[ProofStep, ...] = (),
    refuting: tuple[ProofStep, ...] = (),
    witness: Witness | None = None,
    definedness: tuple = (),
    checker: Checker | None = None,
) -> None:
    """Raise :class:`CheckFailure` unless the data show ``status`` for ``claim``."""
    checker = checker or Checker()
    if claim.structured:
        from convexity_proofs.checker.model import replay_model_verdict

        replay_model_verdict(
            claim, status, proof=proof, refuting=refuting, witness=witness, checker=checker
        )
        return
    reduced = reduced_claim(claim)
    if reduced is not None:
        if claim.property in LOG_PROPERTIES and isinstance(witness, ValueWitness):
            _replay_not_positive(claim, status, proof, refuting, witness, checker)
            return
        # The claim means exactly the reduced one (see convexity_proofs._reductions).
        replay_verdict(
            reduced,
            status,
            proof=proof,
            refuting=refuting,
            witness=witness,
            definedness=definedness,
            checker=checker,
        )
        return
    context = claim_context(claim)
    needs = _TABLE[claim.property]
    some = claim.quantifier is Quantifier.SOME and _free_parameters(claim)
    f = claim.function
    if status is Status.PROVED:
        if witness is not None or refuting:
            raise CheckFailure("a proved verdict carries a witness or a refuting proof")
        if claim.property is Property.INVARIANT:
            _replay_invariance(claim, proof, context, definedness, checker)
            return
        if needs.holds[0].startswith("not-"):
            _replay_witness_steps(claim, proof, needs.holds, context, some, checker)
            return
        _replay_holds(f, proof, needs.holds, context, definedness, some, checker)
        return
    if status is not Status.REFUTED:
        raise CheckFailure(f"only proved and refuted verdicts have certificates, not {status}")
    if witness is not None:
        if refuting or proof:
            raise CheckFailure("a refuted verdict carries a witness and a proof")
        if claim.property is Property.INVARIANT:
            require(
                not some, "a point at one parameter value does not refute invariance for some value"
            )
            from convexity_proofs.checker.witness import check_point_witness

            check_point_witness(witness, claim=claim, context=_pinned_at(claim, context, witness))
            return
        shown = witness_conclusion(witness)
        if shown == "not-strictly-convex" and "not-strictly-concave" in needs.fails:
            shown = "not-strictly-concave"  # a flat segment refutes both strictnesses
        require(
            any(implies(shown, need) for need in needs.fails),
            f"the witness shows f is {shown}, which does not refute {claim.property}",
        )
        if isinstance(witness, _MODEL_WITNESSES):
            require(
                _model_witness(claim, witness, "witness") == shown,
                "the model witness does not show what its relation says",
            )
            return
        where = context if some else _pinned_at(claim, context, witness)
        step = ProofStep("witness", f, shown, witness=witness)
        checker.check(step, where, "witness")
        return
    if not refuting:
        raise CheckFailure("a refuted verdict carries neither a witness nor a proof")
    # A proof of the opposite: "f is convex" refutes "f is nonconvex".
    concluded = []
    for i, step in enumerate(refuting):
        require(step.subject == f, "the refuting proof is not about the function as judged")
        concluded.append(
            _replay_root(
                step, context, definedness, some, checker, f"refuting[{i}]", allow_pinned=not some
            )
        )
    if any(_shown(refuting, concluded, need, context) for need in needs.fails):
        return
    raise CheckFailure(f"the refuting proof does not refute {claim.property}")


def _shown(roots: tuple[ProofStep, ...], concluded: list[str], need: str, context: Context) -> bool:
    """Do the replayed roots show ``need`` about f?  Monotonicity in several variables
    needs one ``in-variable`` root per variable (the others held fixed); an
    ``at-parameters`` root stands for the steps inside it."""
    inner = roots
    if len(roots) == 1 and roots[0].rule == "at-parameters":
        inner = roots[0].children
    if need not in MONOTONE or len(context.variables) == 1:
        # A step about one variable of several says nothing else about f.
        if any(step.rule == "in-variable" for step in inner):
            return False
        return any(implies(c, need) for c in concluded)
    covered: set[sympy.Symbol] = set()
    for step in inner:
        if step.rule == "in-variable" and implies(step.conclusion, need):
            facts = step.facts_of(ContextFact)
            if facts and len(facts[0].variables) == 1:
                covered.add(facts[0].variables[0])
    return covered >= set(context.variables)


def _replay_not_positive(
    claim: Claim,
    status: Status,
    proof: tuple[ProofStep, ...],
    refuting: tuple[ProofStep, ...],
    witness: ValueWitness,
    checker: Checker,
) -> None:
    """log-concave / log-convex refuted by a point where f <= 0 (the claim needs f > 0
    everywhere): the witness, re-certified on f as written."""
    require(status is Status.REFUTED, "a point where f <= 0 refutes, it does not prove")
    require(not proof and not refuting, "a refuted verdict carries a witness and a proof")
    context = claim_context(claim)
    some = claim.quantifier is Quantifier.SOME and _free_parameters(claim)
    where = context if some else _pinned_at(claim, context, witness)
    step = ProofStep("witness", claim.function, "not-positive", witness=witness)
    checker.check(step, where, "witness")


def _replay_root(
    step: ProofStep,
    context: Context,
    definedness: tuple,
    some: bool,
    checker: Checker,
    label: str,
    *,
    allow_pinned: bool,
) -> str:
    """Replay one root step; the claim's definedness is needed unless the step fixes the
    parameters (then it shows definedness at those values itself)."""
    from convexity_proofs.checker.definedness import check_defined

    if step.rule == "at-parameters":
        require(allow_pinned, "a proof at one parameter value does not show this quantifier")
        return checker.check(step, context, label)
    check_defined(step.subject, context, definedness)
    return checker.check(step, context, label)


def _replay_holds(
    f: sympy.Expr,
    proof: tuple[ProofStep, ...],
    holds: tuple[str, ...],
    context: Context,
    definedness: tuple,
    some: bool,
    checker: Checker,
) -> None:
    concluded: list[str] = []
    for i, step in enumerate(proof):
        require(step.subject == f, f"proof[{i}] is not about the function as judged")
        concluded.append(
            _replay_root(
                step, context, definedness, some, checker, f"proof[{i}]", allow_pinned=some
            )
        )
    pinned = [s for s in proof if s.rule == "at-parameters"]
    require(
        not pinned or len(proof) == 1, "a proof at fixed parameter values must be the whole proof"
    )
    for need in holds:
        require(_shown(proof, concluded, need, context), f"no step concludes f is {need}")


def _replay_witness_steps(
    claim: Claim,
    proof: tuple[ProofStep, ...],
    holds: tuple[str, ...],
    context: Context,
    some: bool,
    checker: Checker,
) -> None:
    """nonconvex / nonconcave / neither: a witness per question, for every parameter
    value (box-certified) or, for "some", at one common parameter value."""
    where = context
    if some:
        require(bool(proof) and proof[0].witness is not None, "the proof has no witness")
        where = _pinned_at(claim, context, proof[0].witness)  # type: ignore[arg-type]
    concluded = []
    for i, step in enumerate(proof):
        require(step.rule == "witness", f"proof[{i}] is not a witness step")
        require(step.subject == claim.function, f"proof[{i}] is not about the function")
        if isinstance(step.witness, _MODEL_WITNESSES):
            shown = _model_witness(claim, step.witness, f"proof[{i}]")
            require(shown == step.conclusion, f"proof[{i}]: the witness shows f is {shown}")
            concluded.append(shown)
            continue
        concluded.append(checker.check(step, where, f"proof[{i}]"))
    for need in holds:
        require(any(implies(c, need) for c in concluded), f"no witness shows f is {need}")


def _replay_invariance(
    claim: Claim,
    proof: tuple[ProofStep, ...],
    context: Context,
    definedness: tuple,
    checker: Checker,
) -> None:
    from convexity_proofs.checker.definedness import check_defined

    require(len(proof) == 1 and proof[0].rule == "identity", "invariance needs one identity step")
    step = proof[0]
    require(step.subject == claim.function, "the identity is not about the function as judged")
    check_defined(step.subject, context, definedness)
    facts = step.facts_of(IdentityFact)
    require(
        len(facts) == 1 and dict(facts[0].substitution) == dict(claim.substitution),
        "the identity is not about the claim's substitution",
    )
    mapping = dict(claim.substitution)
    image = _image_obligations(claim, mapping)
    check_obligations(image + claim.substitution_obligations, context, definedness)
    checker.check(
        step, Context(context.variables, context.domains, context.obligations), "proof[0]"
    )


def _image_obligations(claim: Claim, mapping: dict) -> tuple:
    from convexity_proofs._values import Obligation

    out = []
    for ob in claim.obligations:
        head = ob.subject
        subject = head.func(*[a.xreplace(mapping) for a in head.args], evaluate=False)
        out.append(Obligation(ob.kind, ob.argument.xreplace(mapping), subject, ob.text))
    return tuple(out)


def carrier(claim: Claim) -> sympy.Expr:
    return attach(claim.function, claim.obligations)


def expected_passes(claim: Claim, status: Status) -> bool:
    """Whether the claim passes with ``status``: ``holds`` when proved, ``fails`` when
    refuted, ``unknown`` (a known limitation) only while undecided."""
    if claim.expect is Expect.UNKNOWN:
        return status is Status.UNKNOWN
    if claim.expect is Expect.HOLDS:
        return status is Status.PROVED
    return status is Status.REFUTED
