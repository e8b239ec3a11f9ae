"""The checker's replay of ``template-sum`` steps (convexity_proofs.checker.template):
valid steps replay, and every tampering with the step, its fact or the model is
rejected with a message that says what does not hold."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import pytest
import sympy

from convexity_proofs._engine import Settings
from convexity_proofs._parser import make_symbol
from convexity_proofs._proof import DefinedFact, ProofStep
from convexity_proofs._structure import MODEL_LOSS, ModelClaim, NumericData, TemplateStructure
from convexity_proofs.checker._core import Checker, CheckFailure
from convexity_proofs.checker.template import (
    affine_polynomial,
    regulariser_is_signed_squares,
    replay_template_step,
    substitute_unevaluated,
)
from convexity_proofs.models._build import affine
from convexity_proofs.models._functions import softplus
from convexity_proofs.provers.template import prove_template

Q = Fraction
NEG = sympy.S.NegativeOne
W = [make_symbol(f"w{j}") for j in (1, 2)]
B = make_symbol("b")
X = [make_symbol(f"x_{j}") for j in (1, 2)]
Y = make_symbol("y")
Z = affine(W, X, B)
LOGISTIC = sympy.Add(softplus(Z), sympy.Mul(NEG, Y, Z))
L2 = sympy.Add(*(sympy.Mul(sympy.Rational(1, 10), w**2) for w in W))
ROWS = ((1, 2, 1), (3, -1, 0), (0, Q(1, 2), 1), (-2, 1, 0))


def template_structure(
    template: sympy.Expr = LOGISTIC,
    rows: tuple[tuple[object, ...], ...] = ROWS,
    regulariser: sympy.Expr = L2,
) -> TemplateStructure:
    data = NumericData.exact(
        tuple(tuple(Q(v) for v in row) for row in rows),
        ("x_1", "x_2", "y"),
        "inline",  # type: ignore[arg-type]
    )
    return TemplateStructure(template, (*X, Y), data, regulariser, (*W, B))


def model_claim(
    structure: TemplateStructure | None = None, selected: tuple[int, ...] = (0, 1, 2)
) -> ModelClaim:
    structure = structure or template_structure()
    return ModelClaim(
        kind="logistic-regression",
        description="by hand",
        network=None,
        template=structure,
        selected=np.array(selected, dtype=np.int64),
        selected_names=tuple(structure.parameters[i].name for i in selected),
        scalar=False,
    )


MODEL = model_claim()


@pytest.fixture(scope="module")
def step() -> ProofStep:
    proved = prove_template(MODEL, 1, Settings())
    assert isinstance(proved, ProofStep), proved
    return proved


def replay(step: ProofStep, model: ModelClaim = MODEL) -> str:
    return replay_template_step(step, model, Checker())


def with_fact(step: ProofStep, **changes: object) -> ProofStep:
    (fact,) = step.facts
    return dataclasses.replace(step, facts=(dataclasses.replace(fact, **changes),))


def rejected(step: ProofStep, model: ModelClaim = MODEL) -> str:
    with pytest.raises(CheckFailure) as failure:
        replay(step, model)
    return str(failure.value)


# --- valid ----------------------------------------------------------------------------


def test_a_valid_step_replays(step: ProofStep) -> None:
    assert replay(step) == "convex"


def test_a_wider_box_still_replays(step: ProofStep) -> None:
    (fact,) = step.facts
    wider = tuple((s, lo - 1, hi + Q(1, 3)) for s, lo, hi in fact.box)
    assert replay(with_fact(step, box=wider)) == "convex"


# --- tampering with the fact ----------------------------------------------------------


def test_a_box_too_small_is_rejected(step: ProofStep) -> None:
    (fact,) = step.facts
    s, lo, hi = fact.box[0]
    smaller = ((s, lo + Q(1, 2), hi), *fact.box[1:])
    assert "does not contain" in rejected(with_fact(step, box=smaller))
    s, lo, hi = fact.box[2]
    smaller = (*fact.box[:2], (s, lo, hi - Q(1, 10**9)))
    assert "does not contain" in rejected(with_fact(step, box=smaller))


def test_a_box_in_another_order_is_rejected(step: ProofStep) -> None:
    (fact,) = step.facts
    assert "in order" in rejected(with_fact(step, box=fact.box[::-1]))
    assert "in order" in rejected(with_fact(step, box=fact.box[:2]))


def test_a_changed_digest_is_rejected(step: ProofStep) -> None:
    assert "digest" in rejected(with_fact(step, digest="0" * 64))


def test_a_changed_row_count_is_rejected(step: ProofStep) -> None:
    assert "rows" in rejected(with_fact(step, rows=3))


def test_a_changed_template_is_rejected(step: ProofStep) -> None:
    changed = sympy.Add(softplus(Z), sympy.Mul(NEG, Y, Z), W[0] ** 3)
    assert "not the model's" in rejected(with_fact(step, template=changed))


def test_a_changed_regulariser_is_rejected(step: ProofStep) -> None:
    assert "not the model's" in rejected(with_fact(step, regulariser=sympy.S.Zero))


def test_other_data_symbols_are_rejected(step: ProofStep) -> None:
    assert "data symbols" in rejected(with_fact(step, data_symbols=(X[1], X[0], Y)))


def test_a_reduced_template_that_is_not_the_template_is_rejected(step: ProofStep) -> None:
    (fact,) = step.facts
    (u1, _), (u2, _) = fact.scores
    other = sympy.Add(softplus(u1), u2, evaluate=False)
    if other == fact.reduced:
        other = sympy.Add(softplus(u2), u1, evaluate=False)
    assert "does not give the template" in rejected(with_fact(step, reduced=other))


def test_a_score_that_is_not_affine_is_rejected(step: ProofStep) -> None:
    (fact,) = step.facts
    (u1, a1), rest = fact.scores[0], fact.scores[1:]
    assert "not a polynomial affine" in rejected(
        with_fact(step, scores=((u1, sympy.Mul(W[0], W[1], a1)), *rest))
    )
    assert "not a polynomial affine" in rejected(
        with_fact(step, scores=((u1, sympy.Add(a1, sympy.exp(X[0]))), *rest))
    )


def test_a_score_symbol_of_the_model_is_rejected(step: ProofStep) -> None:
    (fact,) = step.facts
    (_, a1), rest = fact.scores[0], fact.scores[1:]
    assert "symbol of the model" in rejected(with_fact(step, scores=((X[0], a1), *rest)))


def test_a_score_inside_a_score_is_rejected(step: ProofStep) -> None:
    (fact,) = step.facts
    (u1, a1), (u2, a2) = fact.scores
    tampered = ((u1, a1), (u2, sympy.Add(a2, u1)))
    assert "free of the score symbols" in rejected(with_fact(step, scores=tampered))


def test_removed_definedness_is_rejected(step: ProofStep) -> None:
    assert "definedness" in rejected(with_fact(step, definedness=()))
    (fact,) = step.facts
    defined = next(f for f in fact.definedness if isinstance(f, DefinedFact))
    narrow = dataclasses.replace(defined, enclosure=dataclasses.replace(defined.enclosure, hi=Q(0)))
    assert "definedness" in rejected(with_fact(step, definedness=(narrow,)))


def test_squares_claimed_for_another_regulariser_are_rejected(step: ProofStep) -> None:
    cubes = sympy.Add(*(sympy.Pow(w, 3) for w in W))
    model = model_claim(template_structure(regulariser=cubes))
    assert "not a sum of squares" in rejected(with_fact(step, regulariser=cubes), model)


def test_an_unknown_regulariser_method_is_rejected(step: ProofStep) -> None:
    assert "regulariser method" in rejected(with_fact(step, regulariser_method="trust-me"))
    assert "no proof of the regulariser" in rejected(with_fact(step, regulariser_method="proof"))


# --- tampering with the step ----------------------------------------------------------


def test_a_removed_child_is_rejected(step: ProofStep) -> None:
    assert "no proof of the reduced template" in rejected(dataclasses.replace(step, children=()))


def test_a_foreign_child_is_rejected(step: ProofStep) -> None:
    stranger = ProofStep("affine", W[0], "affine")
    tampered = dataclasses.replace(step, children=(*step.children, stranger))
    assert "neither the reduced template nor the regulariser" in rejected(tampered)


def test_a_tampered_child_is_rejected(step: ProofStep) -> None:
    (child,) = step.children
    tampered = dataclasses.replace(
        step, children=(dataclasses.replace(child, conclusion="concave"),)
    )
    rejected(tampered)


def test_a_flipped_conclusion_is_rejected(step: ProofStep) -> None:
    rejected(dataclasses.replace(step, conclusion="concave"))
    assert "cannot conclude" in rejected(dataclasses.replace(step, conclusion="affine"))


def test_another_rule_or_subject_is_rejected(step: ProofStep) -> None:
    assert "expected a template-sum" in rejected(dataclasses.replace(step, rule="sum"))
    assert "model's loss" in rejected(dataclasses.replace(step, subject=W[0]))


def test_a_step_without_its_fact_is_rejected(step: ProofStep) -> None:
    assert "exactly one template fact" in rejected(dataclasses.replace(step, facts=()))
    (fact,) = step.facts
    assert "exactly one template fact" in rejected(dataclasses.replace(step, facts=(fact, fact)))


# --- the model the step is replayed against -------------------------------------------


def test_other_data_are_rejected(step: ProofStep) -> None:
    wider = model_claim(template_structure(rows=(*ROWS, (5, 0, 1))))
    message = rejected(step, wider)
    assert "rows" in message or "digest" in message


def test_same_rows_other_numbers_are_rejected(step: ProofStep) -> None:
    other = model_claim(template_structure(rows=(*ROWS[:-1], (-3, 1, 0))))
    assert "digest" in rejected(step, other)


def test_another_template_in_the_model_is_rejected(step: ProofStep) -> None:
    pm1 = softplus(sympy.Mul(NEG, Y, Z))
    assert "not the model's" in rejected(step, model_claim(template_structure(template=pm1)))


def test_more_variables_than_proved_are_checked(step: ProofStep) -> None:
    """The proof is about every layout parameter: replayed for a claim about the weights
    only (the bias a parameter), the scores are still affine in the variables."""
    assert replay(step, model_claim(selected=(0, 1))) == "convex"


def test_a_model_without_a_template_is_rejected(step: ProofStep) -> None:
    bare = dataclasses.replace(MODEL, template=None)
    assert "no template" in rejected(step, bare)


# --- the exact helpers ----------------------------------------------------------------


def test_affine_polynomials() -> None:
    variables = frozenset(W)
    assert affine_polynomial(Z, variables) == (True, True)
    assert affine_polynomial(sympy.Mul(NEG, Y, Z), variables) == (True, True)
    assert affine_polynomial(X[0] ** 2 * W[0] + Y**3, variables) == (True, True)
    assert affine_polynomial(W[0] * W[1], variables) == (True, False)
    assert affine_polynomial(W[0] ** 2, variables) == (True, False)
    assert affine_polynomial(sympy.exp(X[0]) * W[0], variables) == (True, False)
    assert affine_polynomial(X[0] ** -1 * W[0], variables) == (True, False)
    assert affine_polynomial(sympy.pi * W[0], variables) == (True, False)
    assert affine_polynomial(X[0] + 1, variables) == (False, True)


def test_signed_squares() -> None:
    variables = frozenset(W)
    assert regulariser_is_signed_squares(L2, variables, 1)
    assert not regulariser_is_signed_squares(L2, variables, -1)
    assert regulariser_is_signed_squares(sympy.S.Zero, variables, -1)
    assert regulariser_is_signed_squares(sympy.Rational(3) * (W[0] ** 2 + W[1] ** 2), variables, 1)
    assert regulariser_is_signed_squares(-(W[0] ** 2), variables, -1)
    assert regulariser_is_signed_squares(B**4 + W[0] ** 2, variables, 1)  # B is no variable
    assert not regulariser_is_signed_squares(W[0] ** 4, variables, 1)
    assert not regulariser_is_signed_squares(W[0] * W[1], variables, 1)
    assert not regulariser_is_signed_squares(sympy.Float(0.1) * W[0] ** 2, variables, 1)


def test_substitution_is_literal() -> None:
    u = make_symbol("_z1")
    g = sympy.Add(u, sympy.Mul(NEG, u), evaluate=False)  # not simplified to 0
    result = substitute_unevaluated(g, {u: Z})
    assert result.args == (Z, sympy.Mul(NEG, Z, evaluate=False))
    assert substitute_unevaluated(LOGISTIC, {}) is LOGISTIC


def test_a_structure_step_is_not_a_step_about_the_claim_function(step: ProofStep) -> None:
    """A template-sum step is replayed against a model only: the generic checker does
    not know the rule."""
    from convexity_proofs.checker._core import Context

    with pytest.raises(CheckFailure, match="knows no rule"):
        Checker().check(step, Context((), {}), "proof[0]")
    assert step.subject == MODEL_LOSS
