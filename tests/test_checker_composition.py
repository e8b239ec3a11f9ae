"""Replays of composition proofs by the checker, and tampered proofs it rejects.

Proofs are built by the composer (``composition.analyse``), replayed in the claim's
context, also after a round trip through their certificate JSON; every tampered
variant must fail with a message naming the rule part and the step.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from convexity_proofs._claimfile import build_claim
from convexity_proofs._parser import make_symbol, parse_expression
from convexity_proofs._proof import AtomFact, ContextFact, ProofStep, SignFact, step_from_json
from convexity_proofs._values import NONNEGATIVE, POSITIVE, REAL, interval_domain
from convexity_proofs.checker import composition as _rules  # noqa: F401  (registers)
from convexity_proofs.checker._core import Checker, CheckFailure, Context
from convexity_proofs.errors import ClaimError
from convexity_proofs.kernel.expressions import ExpressionReader, ExpressionTable
from convexity_proofs.kernel.intervals import Interval
from convexity_proofs.provers.composition import Curvature, analyse

from ._grammar import convex_claims, expressions, names_in
from .test_composition import PROVED

x, y, z = (make_symbol(n) for n in "xyz")


def proof(text: str, variables=(x,), **domains) -> tuple[ProofStep, Context]:
    expr = parse_expression(text)
    box = {s: domains.get(s.name, REAL) for s in expr.free_symbols}
    result = analyse(expr, tuple(variables), box)
    assert result.step is not None, result.why
    return result.step, Context(tuple(variables), box)


def rejected(step: ProofStep, context: Context, *words: str) -> str:
    with pytest.raises(CheckFailure) as info:
        Checker().check(step, context)
    text = str(info.value)
    for w in words:
        assert w in text, text
    return text


def with_facts(step: ProofStep, facts) -> ProofStep:
    return replace(step, facts=tuple(facts))


def round_trip(step: ProofStep) -> ProofStep:
    table = ExpressionTable()
    data = step.to_json(table)
    return step_from_json(data, ExpressionReader(table.to_json()), lambda w: w)


# --- real proofs replay ---------------------------------------------------------------


@pytest.mark.parametrize(("text", "variables", "domains", "expected"), PROVED)
def test_composer_proofs_replay(text, variables, domains, expected) -> None:
    step, context = proof(text, variables, **domains)
    assert Checker().check(step, context) == step.conclusion
    assert Checker().check(round_trip(step), context) == step.conclusion
    want = "affine" if expected.is_affine else expected.value
    assert step.conclusion == want


@pytest.mark.parametrize(
    ("text", "variables", "domains"),
    [
        ("2**x + (1/2)**x + 3*exp(-x)", (x,), {}),
        ("1/x + x**(-2) + x**(3/2) - x**(1/3)", (x,), {"x": POSITIVE}),
        ("abs(x - y) + cosh(x) + log(cosh(y)) + max(x, y, 1) - min(x, -y)", (x, y), {}),
        (
            "-(x*y*z)**(1/3) - erf(x) - atan(y)",
            (x, y, z),
            {"x": POSITIVE, "y": NONNEGATIVE, "z": POSITIVE},
        ),
        ("sinh(x**2) + exp(x**2 + y**2) + 1/(-x)**3", (x, y), {"x": interval_domain(-2, -1)}),
        ("sqrt(2*x**2 + 3*y**2 + 1) + (x - y)**2/(y + 2)", (x, y), {"y": POSITIVE}),
    ],
)
def test_more_atoms_replay(text, variables, domains) -> None:
    step, context = proof(text, variables, **domains)
    assert Checker().check(round_trip(step), context) == step.conclusion


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(convex_claims())
def test_every_composer_proof_of_a_convex_claim_replays(table) -> None:
    claim = build_claim(table)
    domains = dict(claim.domains)
    result = analyse(claim.function, claim.variables, domains)
    if result.step is not None:
        assert Checker().check(result.step, Context(claim.variables, domains)) in (
            "affine",
            "convex",
        )


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(expressions(("x", "y")), st.booleans())
def test_every_composer_proof_replays(text, positive) -> None:
    names = sorted(names_in(text))
    assume(names)
    table = {"name": "f", "function": text, "variables": names[:1], "property": "convex"}
    if positive:
        table["domain"] = {n: "positive" for n in names}
    try:
        claim = build_claim(table)
    except ClaimError:
        assume(False)
        return
    domains = dict(claim.domains)
    result = analyse(claim.function, claim.variables, domains)
    if result.step is not None:
        Checker().check(result.step, Context(claim.variables, domains))


# --- tampered composition steps -------------------------------------------------------


def test_a_flipped_monotonicity_is_rejected() -> None:
    step, context = proof("exp(x**2)")
    facts = [
        replace(f, property="decreasing") if isinstance(f, AtomFact) and f.argument == 0 else f
        for f in step.facts
    ]
    rejected(
        with_facts(step, facts),
        context,
        "composition of exp(x**2)",
        "composition exp: argument 1 (x**2) is convex, so exp must be nondecreasing in it",
        "the step says nonincreasing",
    )


def test_a_flipped_curvature_is_rejected() -> None:
    step, context = proof("exp(x**2)")
    rejected(
        replace(step, conclusion="concave"),
        context,
        "composition exp: needs one atom fact saying exp is concave",
    )
    flipped = [
        replace(f, property="concave") if isinstance(f, AtomFact) and f.argument is None else f
        for f in step.facts
    ]
    rejected(
        replace(with_facts(step, flipped), conclusion="concave"),
        context,
        "no alternative 1 for exp concave (0 alternatives)",
    )


def test_a_child_with_a_flipped_conclusion_is_rejected() -> None:
    step, context = proof("exp(x**2)")
    (child,) = step.children
    assert child.rule == "composition" and child.subject == x**2
    bad = replace(
        child,
        conclusion="concave",
        facts=tuple(replace(f, property="concave") for f in child.facts),
    )
    rejected(
        replace(step, children=(bad,)),
        context,
        "composition of exp(x**2) > composition of x**2",
        "composition power",
        "no alternative 1 for power concave",
    )


def test_a_removed_side_condition_is_rejected() -> None:
    step, context = proof("log(x)", x=POSITIVE)
    assert [f.sign for f in step.facts_of(SignFact)] == ["positive"]
    rejected(
        with_facts(step, step.facts_of(AtomFact)),
        context,
        "composition log: no sign fact shows x is positive (the domain of log)",
    )
    scaled, context = proof("y*x**2", y=NONNEGATIVE)
    rejected(
        with_facts(scaled, ()), scaled_context := context, "scaling: needs exactly one sign fact"
    )
    assert scaled_context.variables == (x,)


def test_an_altered_side_condition_is_rejected() -> None:
    step, context = proof("log(x)", x=POSITIVE)
    sign = step.facts_of(SignFact)[0]
    atoms = step.facts_of(AtomFact)
    rejected(
        with_facts(step, [replace(sign, sign="negative"), *atoms]),
        context,
        "no sign fact shows x is positive",
    )
    # A true but weaker sign is not the condition the domain of log needs.
    rejected(
        with_facts(step, [replace(sign, sign="nonnegative"), *atoms]),
        context,
        "no sign fact shows x is positive",
    )
    # A sign fact the rule does not ask for.
    extra = SignFact(x + 1, "positive", Interval(1, None, True, True))
    rejected(with_facts(step, [*step.facts, extra]), context, "is no condition of the rule")
    scaled, context = proof("y*x**2", y=NONNEGATIVE)
    (fact,) = scaled.facts_of(SignFact)
    rejected(
        with_facts(scaled, [replace(fact, sign="nonpositive")]),
        context,
        "scaling: the enclosure",
        "does not show it is nonpositive",
    )


def test_a_side_condition_on_the_wrong_range_is_rejected() -> None:
    # x**3 is convex for x >= 0: on [-2, -1] the recorded sign no longer holds.
    step, _ = proof("x**3", x=NONNEGATIVE)
    rejected(
        step,
        Context((x,), {x: interval_domain(-2, -1)}),
        "composition power",
        "does not show it is nonnegative",
    )


def test_an_enclosure_that_no_longer_encloses_is_rejected() -> None:
    step, context = proof("log(x)", x=POSITIVE)
    sign = step.facts_of(SignFact)[0]
    moved = replace(sign, enclosure=Interval(5, 6))
    rejected(
        with_facts(step, [moved, *step.facts_of(AtomFact)]),
        context,
        "the recorded enclosure [5, 6] of x does not enclose the recomputed",
    )


def test_a_wrong_atom_or_alternative_is_rejected() -> None:
    step, context = proof("exp(x**2)")
    renamed = [replace(f, atom="log") for f in step.facts]
    rejected(
        with_facts(step, renamed), context, "composition log: exp(x**2) is not of the form log(u)"
    )
    shifted = [replace(f, alternative=1) if f.argument is None else f for f in step.facts]
    rejected(with_facts(step, shifted), context, "no alternative 2 for exp convex")
    rejected(
        with_facts(step, [*step.facts, AtomFact("exp", "increasing", 0, 3)]),
        context,
        "composition exp",
    )


def test_a_child_about_the_wrong_subexpression_is_rejected() -> None:
    step, context = proof("exp(x**2)")
    other, _ = proof("x**4")
    rejected(
        replace(step, children=(other,)),
        context,
        "the child about x**4 is about no part of the subject",
    )
    rejected(
        replace(step, children=()), context, "part 1 (x**2) has no child step showing its curvature"
    )


def test_a_sum_with_a_term_of_the_wrong_curvature_is_rejected() -> None:
    square, context = proof("x**2")
    log, _ = proof("log(x)", x=POSITIVE)
    context = Context((x,), {x: POSITIVE})
    step = ProofStep("sum", x**2 + sympy.log(x), "convex", children=(square, log))
    rejected(step, context, "sum: term 2 (log(x)) is concave, not convex")
    rejected(replace(step, children=(square,)), context, "part 2 (log(x)) has no child step")


def test_affine_and_scaling_steps_check_their_shape() -> None:
    context = Context((x,), {x: REAL, y: REAL})
    rejected(ProofStep("affine", x**2, "affine"), context, "affine: x**2 is neither")
    assert Checker().check(ProofStep("affine", y, "affine"), context) == "affine"
    square, _ = proof("x**2")
    rejected(
        ProofStep("affine-scaling", 3 * x**2, "affine", children=(square,)),
        context,
        "affine-scaling: the varying factor x**2 is convex",
    )
    rejected(
        ProofStep("scaling", x * sympy.exp(x), "convex", children=(square,)),
        context,
        "scaling: x*exp(x) has no constant factor",
    )


# --- tampered perspectives ------------------------------------------------------------


def test_a_perspective_replays_only_with_its_conditions() -> None:
    step, context = proof("y*log(x/y)", (x, y), x=POSITIVE, y=POSITIVE)
    assert step.rule == "perspective" and step.conclusion == "concave"
    (frame,) = step.facts_of(ContextFact)
    (u,) = frame.variables
    assert dict(frame.domains) == {u: POSITIVE}
    assert {(str(f.subject), f.sign) for f in step.facts_of(SignFact)} == {
        ("y", "positive"),
        ("x/y", "positive"),
    }
    without_y = [f for f in step.facts if not (isinstance(f, SignFact) and f.subject == y)]
    rejected(with_facts(step, without_y), context, "perspective")
    # u's domain must contain the range of x/y ...
    narrow = replace(frame, domains=((u, interval_domain(1, 2)),))
    facts = [narrow if isinstance(f, ContextFact) else f for f in step.facts]
    rejected(with_facts(step, facts), context, "ranges over (0, oo), not inside [1, 2]")
    # ... and the child must still prove F on it (log needs u > 0).
    wide = replace(frame, domains=((u, REAL),))
    facts = [
        wide if isinstance(f, ContextFact) else f
        for f in step.facts
        if not (isinstance(f, SignFact) and f.subject != y)
    ]
    rejected(
        with_facts(step, facts),
        context,
        "perspective of y*log(x/y) > composition of log",
        "does not show it is positive",
    )


def test_a_perspective_child_must_be_f_of_u() -> None:
    step, context = proof("y*exp(x/y)", (x, y), y=POSITIVE)
    (frame,) = step.facts_of(ContextFact)
    (u,) = frame.variables
    wrong, _ = proof("exp(2*x)")
    wrong = replace(wrong, subject=sympy.exp(2 * u))
    rejected(replace(step, children=(wrong,)), context, "the child is about exp(2*_u_x)")
    clash = replace(frame, variables=(y,), domains=((y, REAL),))
    facts = [clash if isinstance(f, ContextFact) else f for f in step.facts]
    rejected(with_facts(step, facts), context, "the variables u must be fresh")


def test_analysis_api_is_unchanged() -> None:
    result = analyse(parse_expression("exp(x) + x*y"), (x, y), {x: REAL, y: REAL})
    assert result.curvature is Curvature.UNKNOWN and result.culprit == x * y
