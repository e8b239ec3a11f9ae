"""Replays of symbolic identities (invariance under a substitution), and tampered ones.

Proofs come from ``identity.prove_invariant``; the checker applies the substitution
itself and re-does the reduction to 0 by the recorded method.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
import sympy as sp

from convexity_proofs._proof import IdentityFact, ProofStep, step_from_json
from convexity_proofs.checker import identity as _rules  # noqa: F401  (registers)
from convexity_proofs.checker._core import Checker, CheckFailure, Context
from convexity_proofs.kernel.expressions import ExpressionReader, ExpressionTable
from convexity_proofs.provers.identity import prove_invariant

x, w1, w2, v1, v2, b1, b2 = sp.symbols("x w1 w2 v1 v2 b1 b2", real=True)
CONTEXT = Context((w1, w2, v1, v2, b1, b2), {})


def round_trip(step: ProofStep) -> ProofStep:
    table = ExpressionTable()
    data = step.to_json(table)
    return step_from_json(data, ExpressionReader(table.to_json()), lambda w: w)


def rejected(step: ProofStep, *words: str) -> str:
    with pytest.raises(CheckFailure) as info:
        Checker().check(step, CONTEXT)
    text = str(info.value)
    assert step.rule in text  # the failure names the step
    for w in words:
        assert w in text, text
    return text


def the_fact(step: ProofStep) -> IdentityFact:
    (fact,) = step.facts
    assert isinstance(fact, IdentityFact)
    return fact


def with_fact(step: ProofStep, **changes: object) -> ProofStep:
    return replace(step, facts=(replace(the_fact(step), **changes),))


SWAP = ((w1, w2), (w2, w1), (v1, v2), (v2, v1), (b1, b2), (b2, b1))

CASES = [
    # Hidden units of a network swapped: the same canonical expression.
    (v1 * sp.tanh(w1 * x + b1) + v2 * sp.tanh(w2 * x + b2), SWAP, "structural"),
    # Equal only after expansion.
    ((w1 - w2) ** 2 + (v1 - v2) ** 2, SWAP, "expansion"),
    # tanh is odd: flipping a unit's signs.
    (v1 * sp.tanh(w1 * x + b1), ((w1, -w1), (b1, -b1), (v1, -v1)), "structural"),
    # relu is positively homogeneous.
    (v1 * sp.Max(0, w1 * x), ((w1, 2 * w1), (v1, v1 / 2)), "expansion"),
    # Rational functions: only cancellation reduces the difference.
    ((w1**2 - w2**2) / (w1 - w2), SWAP, "cancellation"),
]


@pytest.mark.parametrize(("expr", "substitution", "method"), CASES)
def test_identity_proofs_replay(expr, substitution, method) -> None:
    step = prove_invariant(expr, substitution)
    assert step is not None
    assert (step.rule, step.subject, step.conclusion) == ("identity", expr, "invariant")
    fact = the_fact(step)
    assert fact.method == method and fact.substitution == substitution
    assert fact.rhs == expr.xreplace(dict(substitution))
    for s in (step, round_trip(step)):
        assert Checker().check(s, CONTEXT) == "invariant"


def test_no_proof_for_a_function_that_changes() -> None:
    assert prove_invariant(w1**2 + w2, SWAP) is None


# --- tampering ---------------------------------------------------------------------------


def test_an_identity_whose_rhs_was_changed_is_rejected() -> None:
    step = prove_invariant((w1 - w2) ** 2 + (v1 - v2) ** 2, SWAP)
    assert step is not None
    rejected(with_fact(step, rhs=the_fact(step).rhs + 1), "not the subject with the substitution")


def test_a_changed_substitution_is_rejected() -> None:
    step = prove_invariant(v1 * sp.tanh(w1 * x + b1) + v2 * sp.tanh(w2 * x + b2), SWAP)
    assert step is not None
    partial = ((w1, w2), (w2, w1))
    rejected(with_fact(step, substitution=partial), "not the subject with the substitution")
    # Consistently recorded, the wrong substitution fails the reduction itself.
    image = step.subject.xreplace(dict(partial))
    rejected(with_fact(step, substitution=partial, rhs=image), "not the same expression")
    rejected(
        with_fact(step, substitution=partial, rhs=image, method="expansion"),
        "does not reduce to 0 by expansion",
    )
    rejected(with_fact(step, substitution=()), "no substitution")
    rejected(with_fact(step, substitution=((w1, w2), (w1, v1))), "distinct symbols")


def test_a_wrong_method_is_rejected() -> None:
    step = prove_invariant((w1 - w2) ** 2 + (v1 - v2) ** 2, SWAP)
    assert step is not None
    rejected(with_fact(step, method="structural"), "not the same expression")
    rejected(with_fact(step, method="faith"), "unknown method")


def test_an_identity_about_another_function_is_rejected() -> None:
    step = prove_invariant(v1 * sp.tanh(w1 * x + b1) + v2 * sp.tanh(w2 * x + b2), SWAP)
    assert step is not None
    rejected(replace(step, subject=w1 + 2 * w2), "left side is not the subject")
    rejected(replace(step, conclusion="convex"), "concludes invariant")
