"""The checker on the normal-form rules: real proofs replay (also after a JSON round
trip), tampered ones are rejected with a message naming what failed.

Atoms: power-product, exp-power-product, abs-power, quad-over-negative and log-sum-exp
with folded constants are re-recognised from the subject by the checker's atom table
(the registry), so a subject outside a row's shape or region, a flipped curvature or a
missing sign condition fails.  The product rewrites (``combined-exponentials``,
``distributed-product``) are recomputed from the subject: a child about anything else
fails.  ``regrouped-sum`` and ``strictly-convex-blocks``
recompute the term pools; each block must be made of distinct pool terms, and each
strict block is replayed in its own variables, which must cover all of them.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
import sympy

from convexity_proofs._parser import parse_expression
from convexity_proofs._proof import AtomFact, ContextFact, ProofStep, step_from_json
from convexity_proofs._values import NEGATIVE, POSITIVE, REAL, interval_domain
from convexity_proofs.checker import normal_forms as _replays  # noqa: F401  (registers)
from convexity_proofs.checker._core import Checker, CheckFailure, Context
from convexity_proofs.kernel.expressions import ExpressionReader, ExpressionTable
from convexity_proofs.provers import strict_blocks
from convexity_proofs.provers.composition import analyse

from .test_normal_forms import x, y, z


def proof(text: str, variables=(x, y), **domains) -> tuple[ProofStep, Context]:
    expr = parse_expression(text)
    box = {s: domains.get(s.name, REAL) for s in expr.free_symbols}
    result = analyse(expr, tuple(variables), box)
    assert result.step is not None, result.why
    return result.step, Context(tuple(variables), box)


def strict_proof(text: str, variables=(x, y), **domains) -> tuple[ProofStep, Context]:
    expr = parse_expression(text)
    box = {s: domains.get(s.name, REAL) for s in expr.free_symbols}
    step = strict_blocks.prove(expr, tuple(variables), box, strict_blocks.strict_provers())
    assert step is not None
    return step, Context(tuple(variables), box)


def rejected(step: ProofStep, context: Context, *words: str) -> str:
    with pytest.raises(CheckFailure) as info:
        Checker().check(step, context)
    text = str(info.value)
    for w in words:
        assert w in text, text
    return text


def round_trip(step: ProofStep) -> ProofStep:
    table = ExpressionTable()
    data = step.to_json(table)
    return step_from_json(data, ExpressionReader(table.to_json()), lambda w: w)


def with_atoms(step: ProofStep, **changes) -> ProofStep:
    facts = tuple(replace(f, **changes) if isinstance(f, AtomFact) else f for f in step.facts)
    return replace(step, facts=facts)


PROVED = [
    ("exp(x)*exp(y)", (x, y), {}),
    ("exp(x**2)*exp(-y)*exp(z)", (x, y, z), {}),
    ("exp(3*x**2 + 3*x)*exp(-2*x**2 - y)", (x, y), {}),
    ("(x**2 + y**2)/z", (x, y, z), {"z": NEGATIVE}),
    ("exp(x)*(1 + exp(y))", (x, y), {}),
    ("x**(1/3)*y**(1/3)*z**(1/3)", (x, y, z), {"x": POSITIVE, "y": POSITIVE, "z": POSITIVE}),
    ("x**(3/2)*y**(-1/4)", (x, y), {"x": POSITIVE, "y": POSITIVE}),
    ("sqrt(x + 1)*sqrt(sqrt(y))", (x, y), {"x": POSITIVE, "y": POSITIVE}),
    ("abs(x - 2*y + 1)**3", (x, y), {}),
    ("exp(x + y)/(x*sqrt(y))", (x, y), {"x": POSITIVE, "y": POSITIVE}),
    ("y**2/x", (x, y), {"x": NEGATIVE}),
    ("log(sqrt(2)*exp(x) + pi + exp(y))", (x, y), {}),
    ("log(exp(x)*exp(y) + exp(z))", (x, y, z), {}),
    ("(x + y)**2 - x**2 - 2*x*y + exp(y)", (x, y), {}),
    ("(x + y)**2 - x**2 - 2*x*y - y**2 + x + exp(y)", (x, y), {}),
]


@pytest.mark.parametrize(("text", "variables", "domains"), PROVED)
def test_normal_form_proofs_replay(text, variables, domains) -> None:
    step, context = proof(text, variables, **{k: v for k, v in domains.items()})
    assert Checker().check(step, context) == step.conclusion
    assert Checker().check(round_trip(step), context) == step.conclusion


def test_strict_block_proofs_replay() -> None:
    for text, domains in (
        ("x**2 + y**2 + exp(x)", {}),
        ("exp(x) + exp(y) + log(1 + exp(x + y))", {}),
        ("x**2 + log(x) + y**2", {"x": interval_domain(1, 10)}),
    ):
        step, context = strict_proof(text, **domains)
        assert Checker().check(round_trip(step), context) == "strictly-convex"


# --- atoms ------------------------------------------------------------------------------


def test_a_flipped_curvature_of_a_new_atom_is_rejected() -> None:
    step, context = proof("x**(3/2)*y**(-1/4)", x=POSITIVE, y=POSITIVE)
    rejected(replace(with_atoms(step, property="concave"), conclusion="concave"), context)
    step, context = proof("y**2/x", x=NEGATIVE)
    rejected(replace(with_atoms(step, property="convex"), conclusion="convex"), context)


def test_a_subject_outside_the_region_is_rejected() -> None:
    step, context = proof(
        "x**(3/2)*y**(-1/5)*z**(-1/5)", (x, y, z), x=POSITIVE, y=POSITIVE, z=POSITIVE
    )
    outside = parse_expression("x**(3/2)*y**(-1/5)*z**(-2/5)")
    rejected(replace(step, subject=outside), context, "power-product")
    step, context = proof("abs(x - 2*y + 1)**3")
    odd = parse_expression("(x - 2*y + 1)**3*Abs(x - 2*y + 1)")
    rejected(replace(step, subject=odd), context, "abs-power")
    step, context = proof("exp(y)/x**2", x=POSITIVE)
    rejected(replace(step, subject=parse_expression("exp(y)*x**2")), context, "exp-power-product")


def test_the_sign_conditions_of_the_new_atoms_are_rechecked() -> None:
    step, _ = proof("y**2/x", x=NEGATIVE)
    # the recorded sign no longer holds
    rejected(step, Context((x, y), {x: POSITIVE, y: REAL}), "does not show it is negative")
    step, _ = proof("x**(3/2)*y**(-1/4)", x=POSITIVE, y=POSITIVE)
    rejected(step, Context((x, y), {x: POSITIVE, y: interval_domain(-1, 1)}), "positive")
    # a removed domain condition
    step, context = proof("x**(3/2)*y**(-1/4)", x=POSITIVE, y=POSITIVE)
    signs = [f for f in step.facts if not isinstance(f, AtomFact)]
    rejected(
        replace(step, facts=tuple(f for f in step.facts if f is not signs[-1])),
        context,
        "no sign fact",
    )


def test_quad_over_lin_rows_do_not_swap() -> None:
    step, context = proof("y**2/x", x=NEGATIVE)
    rejected(with_atoms(step, atom="quad-over-lin"), context)
    step, context = proof("y**2/x", x=POSITIVE)
    rejected(
        replace(
            with_atoms(step, atom="quad-over-negative", property="concave"), conclusion="concave"
        ),
        context,
    )


def test_a_rewritten_product_must_be_the_recomputed_form() -> None:
    step, context = proof("exp(x)*exp(y)")
    assert step.rule == "combined-exponentials"
    (child,) = step.children
    other = proof("exp(x + 2*y)")[0]
    rejected(replace(step, children=(other,)), context, "not exp(x + y)")
    rejected(replace(step, conclusion="concave"), context, "not concave")
    rejected(replace(step, children=()), context, "one child")
    rejected(replace(step, subject=sympy.exp(x) * y), context, "two or more exponential")
    # the same shape passed off as a distributed product
    rejected(replace(step, rule="distributed-product"), context, "sum factor")
    step, context = proof("(x**2 + y**2)/z", (x, y, z), z=NEGATIVE)
    assert step.rule == "distributed-product"
    rejected(replace(step, subject=parse_expression("(x**2 - y**2)/z")), context, "not")
    rejected(replace(step, conclusion="convex"), context, "not convex")
    assert child.subject == sympy.exp(x + y)


# --- regrouped sums -----------------------------------------------------------------------


def test_a_regrouped_block_must_be_made_of_terms_of_the_sum() -> None:
    step, context = proof("(x + y)**2 - x**2 - 2*x*y + exp(y)")
    assert step.rule == "regrouped-sum"
    other = ProofStep("composition", x**2, "convex")
    bad = replace(step, children=(*step.children[:-1], replace(step.children[-1], subject=x**4)))
    rejected(bad, context, "regrouped-sum")
    # a term left out is not allowed (it is neither a constant nor a variable)
    rejected(replace(step, children=step.children[1:]), context, "no block")
    # a block counted twice
    rejected(replace(step, children=(*step.children, step.children[0])), context, "regrouped-sum")
    assert other.subject == x**2


def test_a_regrouped_block_of_the_wrong_curvature_is_rejected() -> None:
    step, context = proof("(x + y)**2 - x**2 - 2*x*y + exp(y)")
    rejected(replace(step, conclusion="concave"), context)
    rejected(replace(step, conclusion="affine"), context)
    child = step.children[0]
    rejected(
        replace(step, children=(replace(child, conclusion="concave"), *step.children[1:])), context
    )


def test_the_pools_are_recomputed_not_trusted() -> None:
    # (x + y)**2 - x**2 - 2*x*y + exp(y): a block y**2 exists only in the collected pool;
    # with (x + y)**2 changed to (x + 2*y)**2 the expansion is 4*y**2 + 2*x*y, not y**2
    step, context = proof("(x + y)**2 - x**2 - 2*x*y + exp(y)")
    changed = parse_expression("(x + 2*y)**2 - x**2 - 2*x*y + exp(y)")
    rejected(replace(step, subject=changed), context, "regrouped-sum")


# --- strictly convex blocks ----------------------------------------------------------------


def test_strict_blocks_must_cover_every_variable() -> None:
    step, _ = strict_proof("x**2 + y**2 + exp(x)")
    frames = step.facts_of(ContextFact)
    assert frames
    # the same step claimed in a context with one more variable: z is covered by no block
    wider = Context((x, y, z), {x: REAL, y: REAL, z: REAL})
    rejected(step, wider, "covers z")


def test_a_block_is_replayed_in_its_own_variables_only() -> None:
    step, context = strict_proof("x**2 + y**2 + exp(x)")
    frames = step.facts_of(ContextFact)
    # naming more variables than the block's strict proof is about
    wide = tuple(ContextFact((x, y)) for _ in frames)
    texts = [rejected(replace(step, facts=wide), context, "not strict convexity in all")]
    # naming fewer variables than the block involves
    first = step.children[0]
    present = {s for s in first.subject.free_symbols if s in (x, y)}
    if len(present) > 1:
        narrow = (ContextFact((sorted(present, key=str)[0],)), *step.facts[1:])
        texts.append(rejected(replace(step, facts=narrow), context, "outside its variables"))
    # a symbol that is not a variable, or a context with domains
    rejected(
        replace(step, facts=(ContextFact((z,)), *step.facts[1:])), context, "distinct variables"
    )
    rejected(
        replace(step, facts=(ContextFact(frames[0].variables, ((x, POSITIVE),)), *step.facts[1:])),
        context,
        "nothing else",
    )
    assert texts


def test_a_convex_block_named_strict_is_rejected() -> None:
    step, context = strict_proof("exp(x) + exp(y) + log(1 + exp(x + y))")
    assert len(step.facts) == 2 and len(step.children) == 3
    convex_child = step.children[2]  # the softplus block, convex only
    swapped = replace(
        step,
        facts=(*step.facts, ContextFact((x, y))),
        children=(*step.children[:2], convex_child),
    )
    rejected(swapped, context, "not strictly convex")
    # no strict block at all
    rejected(replace(step, facts=()), context, "no block")
    # a strict child's conclusion weakened
    weak = replace(step.children[0], conclusion="convex")
    rejected(replace(step, children=(weak, *step.children[1:])), context, "not strictly convex")


def test_strict_blocks_conclude_only_strict_convexity() -> None:
    step, context = strict_proof("x**2 + y**2 + exp(x)")
    rejected(replace(step, conclusion="convex"), context, "concludes strict convexity")
    rejected(replace(step, subject=sympy.exp(x) * y), context)
