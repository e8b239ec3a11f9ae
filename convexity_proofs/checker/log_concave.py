"""Replays of the log-product rule and of points where f <= 0.

``log-product``: log(a·b·…) = log a + log b + … when every factor is > 0 on the whole
box, and log(u**p) = p·log(u) when u > 0 and p is real, so log of a product has the
curvature of the sum.  The replay builds the sum itself from the subject
(:func:`log_expansion`, the construction the prover uses too: syntactic, so it does
not depend on what the enclosures show), re-encloses every positivity condition over
the context's whole box (parameters included), and requires the one child to be about
exactly that sum and to conclude the step's conclusion.

``value`` witnesses (:class:`~convexity_proofs._values.ValueWitness`): a point of the
domain where the carrier (f with its definedness obligations) is defined and <= 0,
recomputed with the kernel (:func:`~convexity_proofs.kernel.witness_values.value_at`,
and :func:`~convexity_proofs.kernel.witness_values.nonpositive_over` for a box, the
functions the witness builder uses too); f is then neither log-concave nor log-convex.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy

from convexity_proofs._brief import brief
from convexity_proofs._proof import ProofStep, SignFact
from convexity_proofs._reductions import log_of
from convexity_proofs._values import ValueWitness
from convexity_proofs.checker._core import Checker, Context, implies, require, rule
from convexity_proofs.checker._witness_common import (
    check_box,
    check_precision,
    check_values,
    in_domains,
    named,
    named_parameters,
)
from convexity_proofs.checker.composition import (
    CURVATURES,
    conclusion_of,
    curvature_of,
    enclosure,
    only_facts,
    replay_signs,
)
from convexity_proofs.checker.witness import witness_check
from convexity_proofs.kernel.witness_values import nonpositive_over, value_at

# --- the expansion ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Expansion:
    """log(A) written as a sum, and what the identity needs."""

    expanded: sympy.Expr
    #: Expressions that must be > 0 on the whole box (the constant part of A, each
    #: factor that is not a power, the base of each power).
    positive: tuple[sympy.Expr, ...]
    #: The exponents of the powers (each must be real on the box).
    exponents: tuple[sympy.Expr, ...]


def log_expansion(subject: sympy.Expr, depends: Callable[[sympy.Basic], bool]) -> Expansion | None:
    """The sum that log(A) equals when the conditions hold, or None when ``subject`` is
    not the log of a product, of a power or of an exponential.

    A = C·a_1·…·a_k (C: the factors that do not involve a variable): log C (when
    there are such factors) + Σ log a_i, where a power a_i = u**p (p free of the
    variables) contributes p·log(u) and a_i = exp(u) contributes u.  Each log is built
    as the reduction builds log f (SymPy's evaluation for small arguments, unevaluated
    for long ones).  Purely syntactic: the same subject always gives the same sum.
    """
    if not isinstance(subject, sympy.log) or len(subject.args) != 1:
        return None
    (inner,) = subject.args
    if not (inner.is_Mul or inner.is_Pow or isinstance(inner, sympy.exp)):
        return None
    factors = inner.args if inner.is_Mul else (inner,)
    constant = [f for f in factors if not depends(f)]
    varying = [f for f in factors if depends(f)]
    terms: list[sympy.Expr] = []
    positive: list[sympy.Expr] = []
    exponents: list[sympy.Expr] = []
    if constant:
        c = sympy.Mul(*constant)
        positive.append(c)
        terms.append(log_of(c))
    for factor in varying:
        positive.append(factor.args[0] if _is_power(factor, depends) else factor)
        if isinstance(factor, sympy.exp):
            terms.append(factor.args[0])  # log(exp(u)) = u for real u
        elif _is_power(factor, depends):
            base, exponent = factor.args
            exponents.append(exponent)
            terms.append(exponent * log_of(base))
        else:
            terms.append(log_of(factor))
    expanded = sympy.Add(*terms)
    if expanded == subject:
        return None
    return Expansion(expanded, tuple(dict.fromkeys(positive)), tuple(dict.fromkeys(exponents)))


def _is_power(factor: sympy.Expr, depends: Callable[[sympy.Basic], bool]) -> bool:
    return bool(factor.is_Pow) and not depends(factor.exp)


@rule("log-product")
def check_log_product(step: ProofStep, context: Context, checker: Checker) -> None:
    what = "log-product"
    conclusion = conclusion_of(step, what, CURVATURES)
    only_facts(step, (SignFact,), what)
    expansion = log_expansion(step.subject, context.depends)
    require(
        expansion is not None,
        lambda: f"{what}: {brief(step.subject, 60)} is not the log of a product or of a power",
    )
    assert expansion is not None
    for exponent in expansion.exponents:
        enclosure(exponent, context, f"{what}: the exponent")  # real on the whole box
    why = "a factor of the product, or a power's base"
    replay_signs(step, [(e, "positive", why) for e in expansion.positive], context, what)
    require(len(step.children) == 1, f"{what}: needs one child, about the sum of the logs")
    (child,) = step.children
    require(
        child.subject == expansion.expanded,
        lambda: (
            f"{what}: the child is about {brief(child.subject, 60)}, not the sum of the logs "
            f"{brief(expansion.expanded, 60)}"
        ),
    )
    inner = curvature_of(checker.check(child, context), what)
    require(
        implies(inner, conclusion),
        f"{what}: the sum of the logs is {inner}, so the log of the product is not {conclusion}",
    )


# --- points where f <= 0 ----------------------------------------------------------------


@witness_check(ValueWitness)
def check_value_witness(
    witness: ValueWitness, carrier: sympy.Basic, context: Context, expect: str
) -> None:
    """f(point) <= 0 at a point of the domain where f is defined: f is not positive."""
    require(expect == "not-positive", f"a value witness does not show f is {expect}")
    require(
        witness.relation == "<=0",
        f"the value witness has an unknown relation {witness.relation!r:.20}",
    )
    point = named(witness.point, context.variables, "point")
    params = named_parameters(witness.parameters, context)
    in_domains(point, context, "point:", interior=False)
    in_domains(params, context, "parameter", interior=False)
    check_precision(witness.precision)
    recomputed = value_at(carrier, {**params, **point}, witness.precision)
    values = check_values(
        witness.values, None if recomputed is None else {"value": recomputed}, witness.precision
    )
    require(
        values["value"].hi <= 0,
        f"the recorded value f(point) = {values['value'].describe():.80} does not show f <= 0",
    )
    check_box(witness.box, context, lambda box: nonpositive_over(carrier, point, box))


__all__ = [
    "Expansion",
    "check_log_product",
    "check_value_witness",
    "log_expansion",
]
