"""Replays of the rules that only arrange other steps: negation, parameters fixed at
one value, and a strictly convex term in a convex sum."""

from __future__ import annotations

import sympy

from convexity_proofs._proof import ContextFact, ProofStep
from convexity_proofs.checker._core import (
    Checker,
    CheckFailure,
    Context,
    implies,
    negated,
    require,
    rule,
)
from convexity_proofs.checker.definedness import check_defined


@rule("negation")
def _negation(step: ProofStep, context: Context, checker: Checker) -> None:
    require(len(step.children) == 1, "negation needs exactly one step about −f")
    (child,) = step.children
    require(child.subject == -step.subject, "negation: the step it rests on is not about −f")
    concluded = checker.check(child, context)
    require(
        implies(negated(concluded), step.conclusion),
        f"negation: −f is {concluded}, which does not make f {step.conclusion}",
    )


@rule("at-parameters")
def _at_parameters(step: ProofStep, context: Context, checker: Checker) -> None:
    # Its conclusion holds at the fixed values only: inside another step it would be
    # used as if it held for every value.
    require(
        checker.at_root,
        "at-parameters: a proof at fixed parameter values can only be the whole proof, "
        "not a step inside one",
    )
    pinned = pinned_context(step, context)
    check_defined(step.subject, pinned, step.facts, checker)
    require(bool(step.children), "at-parameters: no step rests on the fixed values")
    concluded = []
    for child in step.children:
        require(child.subject == step.subject, "at-parameters: a step is not about f")
        concluded.append(checker.check(child, pinned))
    both = {"affine": ("convex", "concave"), "quasilinear": ("quasiconvex", "quasiconcave")}
    if step.conclusion in both:  # e.g. convex and concave there
        shown = any(implies(c, step.conclusion) for c in concluded) or all(
            any(implies(c, need) for c in concluded) for need in both[step.conclusion]
        )
    else:
        shown = any(implies(c, step.conclusion) for c in concluded)
    require(shown, f"at-parameters: the steps there do not show f is {step.conclusion}")


def pinned_context(step: ProofStep, context: Context) -> Context:
    """The context with the step's parameter values, each checked to lie in its domain."""
    facts = step.facts_of(ContextFact)
    require(len(facts) == 1, "at-parameters needs exactly one set of parameter values")
    values = dict(facts[0].pinned)
    for symbol, value in values.items():
        require(
            symbol in context.domains and not context.is_variable(symbol),
            f"at-parameters: {symbol} is not a parameter of the claim",
        )
        require(
            context.domains[symbol].contains(value),
            f"at-parameters: {symbol} = {value} lies outside its domain "
            f"{context.domains[symbol].describe()}",
        )
    return context.pinned(values)


@rule("strictly-convex-term")
def _strict_term(step: ProofStep, context: Context, checker: Checker) -> None:
    require(step.conclusion == "strictly-convex", "strictly-convex-term concludes strict convexity")
    require(isinstance(step.subject, sympy.Add), "strictly-convex-term: f is not a sum")
    terms = list(step.subject.args)
    strict = 0
    for child in step.children:
        if child.subject not in terms:
            raise CheckFailure(f"strictly-convex-term: {child.subject_text} is not a term of f")
        terms.remove(child.subject)
        concluded = checker.check(child, context)
        require(implies(concluded, "convex"), f"strictly-convex-term: a term is {concluded}")
        strict += implies(concluded, "strictly-convex")
    for term in terms:
        require(
            not context.depends(term) or context.is_variable(term),
            f"strictly-convex-term: the term {term} has no step",
        )
    require(strict >= 1, "strictly-convex-term: no term is proved strictly convex")


#: The conclusions an ``in-variable`` step may draw.
IN_ONE_VARIABLE = frozenset({"nondecreasing", "nonincreasing", "increasing", "decreasing"})


@rule("in-variable")
def _in_variable(step: ProofStep, context: Context, checker: Checker) -> None:
    """Monotone in one variable of several, the others held fixed (they range over
    their domains like parameters): the child is replayed with that variable alone."""
    require(
        checker.at_root or checker.parent_rule == "at-parameters",
        "in-variable: only a root step (one per variable) may change the variables",
    )
    # Only a monotonicity in one variable with the others fixed is a property in that
    # variable alone; curvature, quasiconvexity or constancy in x alone say nothing
    # about f as a function of all the variables.
    require(
        step.conclusion in IN_ONE_VARIABLE,
        lambda: (
            f"in-variable: only a direction of monotonicity holds variable by variable, "
            f"not {step.conclusion}"
        ),
    )
    facts = step.facts_of(ContextFact)
    require(
        len(facts) == 1 and len(facts[0].variables) == 1 and not facts[0].pinned,
        "in-variable: the step names exactly one variable",
    )
    (variable,) = facts[0].variables
    require(context.is_variable(variable), f"in-variable: {variable} is not a variable")
    require(len(step.children) == 1, "in-variable: exactly one step in that variable")
    (child,) = step.children
    require(child.subject == step.subject, "in-variable: the step is not about f")
    alone = Context((variable,), context.domains, context.obligations)
    concluded = checker.check(child, alone)
    require(
        implies(concluded, step.conclusion),
        f"in-variable: in {variable} f is {concluded}, not {step.conclusion}",
    )
