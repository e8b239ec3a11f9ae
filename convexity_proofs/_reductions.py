"""Properties that are a curvature claim about another function: its exact meaning.

``strongly-convex`` with modulus m means f − m/2·|x|² is convex (|x| the Euclidean
norm of the claim's variables); ``log-concave`` (``log-convex``) means f > 0 on the
whole domain and log f concave (convex).  :func:`reduced_claim` writes that claim
down: the same claim about g (f − m/2·|x|², or log f with the obligation f > 0
recorded as a definedness obligation of the log, so no proof can hold where f is not
positive and no witness can use such a point).  The engine decides the reduced claim
with the curvature strategies; the checker builds the same reduced claim from the
claim as written and replays the verdict against it, so both read the property the
same way.  Nothing here searches or proves.
"""

from __future__ import annotations

import dataclasses

import sympy

from convexity_proofs._values import Claim, Obligation, Property
from convexity_proofs.functions import BY_KEY

#: The reduced property of each reducible one.
_TARGET = {
    Property.STRONGLY_CONVEX: Property.CONVEX,
    Property.LOG_CONCAVE: Property.CONCAVE,
    Property.LOG_CONVEX: Property.CONVEX,
}

LOG_PROPERTIES = frozenset({Property.LOG_CONCAVE, Property.LOG_CONVEX})


def is_reduced(prop: Property) -> bool:
    return prop in _TARGET


def log_obligation(f: sympy.Expr) -> Obligation:
    """f > 0, as the definedness obligation of log f (its written head)."""
    return Obligation("positive", f, sympy.log(f, evaluate=False), "log f")


_LOG = BY_KEY["log"]


def log_of(f: sympy.Expr) -> sympy.Expr:
    """log f as the parser builds a written ``log(...)``: SymPy's evaluation, skipped on
    long arguments (:func:`convexity_proofs.functions.large`: SymPy's automatic
    evaluation asks the assumption system about the whole argument, which is slow on
    long sums and almost never changes anything there)."""
    return _LOG.build(f)


def reduced_function(claim: Claim) -> sympy.Expr:
    """g: f − m/2·Σ x_i² (strongly-convex) or log f (log-concave, log-convex)."""
    f = claim.function
    if claim.property is Property.STRONGLY_CONVEX:
        if claim.modulus is None:
            raise ValueError("a strongly-convex claim needs a modulus")
        half = sympy.Rational(claim.modulus.numerator, 2 * claim.modulus.denominator)
        return sympy.Add(f, *[-half * v**2 for v in claim.variables])
    if claim.property in LOG_PROPERTIES:
        return log_of(f)
    raise ValueError(f"{claim.property} is not a reduced property")


def reduced_claim(claim: Claim) -> Claim | None:
    """The curvature claim that means the same, or None when the property is not one
    of the reduced ones.  Keeps the name, the expectation, the quantifier, the
    domains and the table (the claim as written)."""
    target = _TARGET.get(claim.property)
    if target is None:
        return None
    obligations = claim.obligations
    if claim.property in LOG_PROPERTIES:
        obligations = (*obligations, log_obligation(claim.function))
    return dataclasses.replace(
        claim, function=reduced_function(claim), property=target, obligations=obligations
    )


def describe_reduction(claim: Claim) -> str:
    """How the claim is read, for reports: "f − 1/20·(x**2 + y**2) is convex"."""
    if claim.property is Property.STRONGLY_CONVEX and claim.modulus is not None:
        m = claim.modulus
        norm = " + ".join(f"{v.name}**2" for v in claim.variables)
        half = m / 2
        return f"f − {half}·({norm}) is convex (modulus {m})"
    if claim.property is Property.LOG_CONCAVE:
        return "f > 0 on the whole domain and log f is concave"
    if claim.property is Property.LOG_CONVEX:
        return "f > 0 on the whole domain and log f is convex"
    return ""
