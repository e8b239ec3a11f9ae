"""The log-product rule: the curvature of log(a·b·…) from the sum of the logs.

log(a·b·…) = log a + log b + … when every factor is > 0 on the whole box, and
log(u**p) = p·log(u) when u > 0 and p is real; SymPy expands neither for real
symbols.  So log of a product (or of a power) has the curvature of that sum, which the
composition rules analyse like any other expression: log(x·exp(−x)) = log x − x is
concave on x > 0, log(1/(1 + exp(−z))) = −log(1 + exp(−z)) is concave, log(1/x) =
−log x is convex.  The sum is built by
:func:`convexity_proofs.checker.log_concave.log_expansion`, the construction the
checker replays with; each positivity condition is a :class:`SignFact` from the
kernel's enclosure over the claim's whole box, parameters included.

The composer (:mod:`convexity_proofs.provers.composition`) calls :func:`prove` on a
log node its other rules leave unknown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sympy

from convexity_proofs._proof import ProofStep, SignFact
from convexity_proofs.checker.log_concave import log_expansion

if TYPE_CHECKING:
    from convexity_proofs.provers.composition import Analysis, Composer


def prove(composer: Composer, subject: sympy.Expr) -> Analysis | None:
    """The curvature of ``subject`` = log(A) through the sum of the logs of A's factors,
    with its ``log-product`` step; None when ``subject`` is no log of a product or a
    power, or a factor is not shown positive on the whole box.  An analysis of the sum
    that is unknown is returned as it is (it names the culprit inside the sum)."""
    from convexity_proofs.kernel import intervals
    from convexity_proofs.provers.composition import Analysis, Curvature

    expansion = log_expansion(subject, composer.depends)
    if expansion is None:
        return None
    for exponent in expansion.exponents:
        try:
            intervals.range_of(exponent, composer.domains)
        except intervals.Undefined:
            return None  # not shown real on the box
    facts: list[SignFact] = []
    for factor in expansion.positive:
        fact = composer.sign(factor, "positive")
        if fact is None:
            return None
        facts.append(fact)
    analysis = composer.analyse(expansion.expanded)
    if analysis.curvature is Curvature.UNKNOWN:
        return analysis
    child = analysis.step or ProofStep("affine", expansion.expanded, "affine")
    curvature = Curvature.AFFINE if analysis.curvature.is_affine else analysis.curvature
    step = ProofStep("log-product", subject, curvature.conclusion, tuple(facts), (child,))
    return Analysis(curvature, step)
