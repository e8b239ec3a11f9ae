"""Replay of ``identity``: the subject is unchanged by a substitution.

The checker applies the recorded substitution itself (simultaneously, ``xreplace``),
requires the recorded image to be exactly that, and reduces the difference to 0 by the
recorded method: structural equality, ``expand`` or ``cancel`` (the last two after its
own rewriting max(0, c·u) = c·max(0, u) for numbers c > 0, a valid identity).  Whether
the substitution is the claim's is checked where the claim is known (the verdict's
replay); definedness of both sides by the definedness obligations.
"""

from __future__ import annotations

import sympy

from convexity_proofs._proof import IdentityFact, ProofStep, SignFact
from convexity_proofs.checker._core import Checker, CheckFailure, Context, require, rule
from convexity_proofs.checker._size import MAX_TERMS, small_enough
from convexity_proofs.checker.composition import SIGN_IMPLIES, replay_sign
from convexity_proofs.kernel import identities

#: The normal-form methods and the reduction each applies to the difference.
NORMAL_FORMS = {"normal-form-" + m: m for m in identities.REDUCTIONS}

#: A difference bigger than this (in operations) is not expanded by the checker.
MAX_OPS = 20_000


def _relu_scaling(expr: sympy.Expr) -> sympy.Expr:
    """max(0, c·u) -> c·max(0, u) for a positive number c."""

    def rewrite(node: sympy.Expr) -> sympy.Expr:
        if len(node.args) == 2 and sympy.S.Zero in node.args:
            other = node.args[0] if node.args[1] == 0 else node.args[1]
            coeff, rest = other.as_coeff_Mul()
            if coeff.is_Number and coeff.is_positive and coeff != 1:
                return coeff * sympy.Max(0, rest)
        return node

    return expr.replace(lambda n: isinstance(n, sympy.Max), rewrite)


@rule("identity")
def check_identity(step: ProofStep, context: Context, checker: Checker) -> None:
    what = "identity"
    facts = step.facts_of(IdentityFact)
    require(len(facts) == 1, f"{what}: needs exactly one identity fact")
    fact: IdentityFact = facts[0]
    signs = step.facts_of(SignFact)
    require(
        len(step.facts) == 1 + len(signs),
        f"{what}: only an identity fact and sign facts may support the step",
    )
    require(
        not signs or fact.method in NORMAL_FORMS,
        f"{what}: sign facts support no rewriting of method {fact.method!r}",
    )
    require(step.conclusion == "invariant", f"{what}: concludes invariant, not {step.conclusion}")
    require(fact.lhs == step.subject, f"{what}: the identity's left side is not the subject")
    keys = [s for s, _ in fact.substitution]
    require(bool(keys), f"{what}: no substitution")
    require(
        all(isinstance(s, sympy.Symbol) for s in keys) and len(set(keys)) == len(keys),
        f"{what}: the substitution must map distinct symbols",
    )
    image = fact.lhs.xreplace(dict(fact.substitution))
    require(
        image == fact.rhs,
        f"{what}: the recorded right side is not the subject with the substitution applied",
    )
    if fact.method == "structural":
        require(image == fact.lhs, f"{what}: the two sides are not the same expression")
        return
    if fact.method in NORMAL_FORMS:
        _check_normal_form(fact, signs, context, what)
        return
    reducers = {"expansion": sympy.expand, "cancellation": sympy.cancel}
    require(fact.method in reducers, f"{what}: unknown method {fact.method!r}")
    difference = _relu_scaling(fact.lhs) - _relu_scaling(image)
    require(
        small_enough(difference) and sympy.count_ops(difference, visual=False) <= MAX_OPS,
        f"{what}: the difference is too large to re-check (more than {MAX_TERMS} terms "
        "once expanded)",
    )
    try:
        zero = reducers[fact.method](difference) == 0
    except (sympy.PolynomialError, RecursionError):
        raise CheckFailure(f"{what}: {fact.method} of the difference failed") from None
    require(zero, f"{what}: the difference does not reduce to 0 by {fact.method}")


class _RecordedSigns:
    """The checker's sign oracle: a sign holds only when a recorded fact shows it."""

    def __init__(self, facts: list[SignFact]) -> None:
        self.facts = facts
        self.used: set[int] = set()

    def __call__(self, subject: sympy.Expr, sign: str) -> bool:
        found = False
        for i, fact in enumerate(self.facts):
            if fact.subject == subject and sign in SIGN_IMPLIES.get(fact.sign, ()):
                self.used.add(i)
                found = True
        return found


def _check_normal_form(
    fact: IdentityFact, signs: list[SignFact], context: Context, what: str
) -> None:
    require(
        small_enough(fact.lhs - fact.rhs)
        and sympy.count_ops(fact.lhs - fact.rhs, visual=False) <= MAX_OPS,
        f"{what}: the two sides are too large to re-check",
    )
    oracle = _RecordedSigns(signs)
    difference = identities.normal_difference(fact.lhs, fact.rhs, oracle)
    zero = identities.reduces_to_zero(difference, NORMAL_FORMS[fact.method])
    require(zero is not None, f"{what}: the difference of the normal forms is too large")
    require(
        zero is True,
        f"{what}: the difference of the normal forms does not reduce to 0 by "
        f"{NORMAL_FORMS[fact.method]}",
    )
    for i, sign in enumerate(signs):
        require(
            i in oracle.used,
            lambda sign=sign: (
                f"{what}: the sign fact '{sign.subject} is {sign.sign}' is asked for by no rewrite"
            ),
        )
    # Enclosed only once every fact is known to be needed.
    for sign in signs:
        replay_sign(sign, context, what)
