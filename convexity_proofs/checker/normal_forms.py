"""Replays of the normal-form rules: products rewritten, sums read as blocks of terms.

* ``combined-exponentials``: a product with two or more exponential factors is the
  product with them combined, exp(a)·exp(b)·r = exp(a + b)·r (an identity for real a,
  b; SymPy keeps such products apart); the one child is about the combined product
  (:func:`combined_exponentials`, recomputed here) and has the step's curvature.
* ``distributed-product``: a product with a sum among its factors is the sum of the
  products, (a + b)·r = a·r + b·r (:func:`distributed`: the first factor that is a
  sum, distributed over the others; recomputed here); ``(x**2 + y**2)/z`` is a sum of
  quad-over-lin terms.

A sum Σ t_i is the same function as Σ_k B_k when the blocks B_k partition its terms,
or partition its *collected* terms: the polynomial terms (polynomials in the variables,
coefficients free of them) replaced by the terms of their expansion, ``expand`` being
an identity of polynomials, so cancellations such as ``(x + y)**2 - x**2 - 2*x*y = y**2``
show.  Both term pools are recomputed here from the subject (:func:`term_pools`, which
the prover calls too); a block is a child step whose subject's terms are taken from one
pool, each at most once; terms left over must be constants or variables.

* ``regrouped-sum``: every block is affine, convex or concave as the conclusion needs
  (a block of several terms may be proved as a whole, e.g. by a second-order rule,
  where its terms one by one are not).
* ``strictly-convex-blocks``: f = Σ_k g_k + (convex blocks), where each g_k depends only
  on the variables S_k of its context fact and is strictly convex in them, and the S_k
  cover all the variables.  Then f is strictly convex: for x != y some variable differs,
  it lies in some S_k, so g_k is strictly convex along the segment (its restriction to
  x_{S_k} is a non-degenerate segment) and every other block is convex along it.  Each
  g_k is replayed in the context of its own variables S_k (the others range over their
  domains like parameters, and g_k does not involve them), so a conclusion of strict
  convexity "in the variables it was given" is checked as exactly that.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import sympy

from convexity_proofs._proof import ContextFact, ProofStep
from convexity_proofs.checker._core import (
    Checker,
    CheckFailure,
    Context,
    implies,
    require,
    rule,
)
from convexity_proofs.checker._size import small_enough
from convexity_proofs.checker.composition import conclusion_of, curvature_of, only_facts

#: A product is distributed over a sum factor only while its expansion stays this small.
MAX_DISTRIBUTED_TERMS = 256
#: The polynomial terms of a sum are collected only while their expansion stays this
#: small (in terms, :func:`convexity_proofs.checker._size.expansion_bound`).
MAX_COLLECTED_TERMS = 5000
#: Sums with more terms than this are not regrouped (the prover's bound too).
MAX_SUM_TERMS = 400


def polynomial_term(term: sympy.Expr, variables: frozenset[sympy.Symbol]) -> bool:
    """``term`` involves a variable and is a polynomial in the variables it involves
    (its coefficients may be anything free of them)."""
    present = term.free_symbols & variables
    if not present:
        return False
    return bool(term.is_polynomial(*sorted(present, key=lambda s: s.name)))


def term_pools(
    subject: sympy.Expr, variables: frozenset[sympy.Symbol]
) -> tuple[tuple[sympy.Expr, ...], tuple[sympy.Expr, ...] | None]:
    """The terms of the sum ``subject``, and its collected terms (the terms of the
    expanded polynomial part, then the other terms, zeros dropped), or None when no
    term is polynomial or the expansion would be too large.  Deterministic: the prover
    and the checker compute the same pools."""
    terms = tuple(sympy.Add.make_args(subject))
    polynomial = [t for t in terms if polynomial_term(t, variables)]
    if not polynomial or len(terms) > MAX_SUM_TERMS:
        return terms, None
    part = sympy.Add(*polynomial)
    if not small_enough(part, MAX_COLLECTED_TERMS):
        return terms, None
    expanded = sympy.Add.make_args(sympy.expand(part))
    others = tuple(t for t in terms if not polynomial_term(t, variables))
    collected = tuple(t for t in expanded if t != 0) + others
    return terms, collected


def combined_exponentials(subject: sympy.Expr) -> sympy.Expr | None:
    """``subject`` with its exponential factors combined into one, exp(a)·exp(b)·r =
    exp(a + b)·r, or None: not a product with at least two exponential factors, or the
    combination gives the subject back."""
    if not subject.is_Mul:
        return None
    exps = [f for f in subject.args if type(f) is sympy.exp and len(f.args) == 1]
    if len(exps) < 2:
        return None
    others = [f for f in subject.args if not (type(f) is sympy.exp and len(f.args) == 1)]
    combined = sympy.Mul(sympy.exp(sympy.Add(*(f.args[0] for f in exps))), *others)
    return None if combined == subject else combined


def distributed(subject: sympy.Expr) -> sympy.Expr | None:
    """``subject`` = s·r with s its first factor that is a sum, written Σ t·r over the
    terms t of s; None when it has no sum factor, would be too large, or gives the
    subject back."""
    if not subject.is_Mul:
        return None
    position = next((i for i, f in enumerate(subject.args) if f.is_Add), None)
    if position is None or not small_enough(subject, MAX_DISTRIBUTED_TERMS):
        return None
    total = subject.args[position]
    rest = subject.args[:position] + subject.args[position + 1 :]
    result = sympy.Add(*(sympy.Mul(t, *rest) for t in total.args))
    return None if result == subject else result


def _rewritten(
    step: ProofStep,
    context: Context,
    checker: Checker,
    what: str,
    construction: Callable[[sympy.Expr], sympy.Expr | None],
    shape: str,
) -> None:
    conclusion = conclusion_of(step, what)
    only_facts(step, (), what)
    rewritten = construction(step.subject)
    require(rewritten is not None, lambda: f"{what}: {step.subject_text} is not {shape}")
    require(len(step.children) == 1, f"{what}: needs one child, about the rewritten form")
    (child,) = step.children
    require(
        child.subject == rewritten,
        lambda: f"{what}: the child is about {child.subject_text}, not {rewritten}",
    )
    c = curvature_of(checker.check(child, context), what)
    require(implies(c, conclusion), f"{what}: the rewritten form is {c}, not {conclusion}")


@rule("combined-exponentials")
def check_combined_exponentials(step: ProofStep, context: Context, checker: Checker) -> None:
    _rewritten(
        step,
        context,
        checker,
        "combined-exponentials",
        combined_exponentials,
        "a product with two or more exponential factors",
    )


@rule("distributed-product")
def check_distributed_product(step: ProofStep, context: Context, checker: Checker) -> None:
    _rewritten(
        step, context, checker, "distributed-product", distributed, "a product with a sum factor"
    )


def blocks_of(
    subject: sympy.Expr, children: tuple[ProofStep, ...], context: Context, what: str
) -> list[sympy.Expr]:
    """Check that the children's subjects are sums of distinct terms of one pool of
    ``subject``; return the terms left over (each must be a constant or a variable)."""
    require(subject.is_Add, lambda: f"{what}: {subject} is not a sum")
    require(
        len(subject.args) <= MAX_SUM_TERMS,
        f"{what}: a sum of more than {MAX_SUM_TERMS} terms is not regrouped",
    )
    terms, collected = term_pools(subject, frozenset(context.variables))
    for pool in (terms, collected):
        if pool is None:
            continue
        remaining = Counter(pool)
        fits = True
        for child in children:
            for term in sympy.Add.make_args(child.subject):
                if remaining[term] <= 0:
                    fits = False
                    break
                remaining[term] -= 1
            if not fits:
                break
        left = [t for t, n in remaining.items() for _ in range(n)]
        if fits and all(not context.depends(t) or context.is_variable(t) for t in left):
            return left
    raise CheckFailure(
        f"{what}: the blocks are not made of distinct terms of the sum (as written, or "
        "with its polynomial terms expanded), or a term that is neither a constant nor a "
        "variable is in no block"
    )


@rule("regrouped-sum")
def check_regrouped_sum(step: ProofStep, context: Context, checker: Checker) -> None:
    what = "regrouped-sum"
    conclusion = conclusion_of(step, what)
    only_facts(step, (), what)
    require(bool(step.children), f"{what}: no blocks")
    blocks_of(step.subject, step.children, context, what)
    for child in step.children:
        c = curvature_of(checker.check(child, context), what)
        require(
            implies(c, conclusion),
            lambda c=c, child=child: (
                f"{what}: the block {child.subject_text} is {c}, not {conclusion}"
            ),
        )


@rule("strictly-convex-blocks")
def check_strict_blocks(step: ProofStep, context: Context, checker: Checker) -> None:
    what = "strictly-convex-blocks"
    require(step.conclusion == "strictly-convex", f"{what} concludes strict convexity")
    only_facts(step, (ContextFact,), what)
    frames: list[ContextFact] = step.facts_of(ContextFact)
    require(bool(frames), f"{what}: no block is named strictly convex")
    require(
        len(step.children) >= len(frames),
        f"{what}: {len(frames)} strict blocks but {len(step.children)} steps",
    )
    blocks_of(step.subject, step.children, context, what)
    covered: set[sympy.Symbol] = set()
    for frame, child in zip(frames, step.children, strict=False):
        own = frame.variables
        require(
            bool(own)
            and len(set(own)) == len(own)
            and all(context.is_variable(v) for v in own)
            and not frame.domains
            and not frame.pinned,
            f"{what}: a block's context must name distinct variables of the step, and nothing else",
        )
        outside = {s for s in child.subject.free_symbols if context.is_variable(s)} - set(own)
        require(
            not outside,
            lambda outside=outside, child=child: (
                f"{what}: the block {child.subject_text} involves "
                f"{sorted(map(str, outside))}, outside its variables"
            ),
        )
        alone = Context(tuple(own), context.domains, context.obligations)
        concluded = checker.check(child, alone)
        require(
            implies(concluded, "strictly-convex"),
            lambda concluded=concluded, child=child: (
                f"{what}: the block {child.subject_text} is {concluded} in its variables, "
                "not strictly convex"
            ),
        )
        covered.update(own)
    for child in step.children[len(frames) :]:
        c = curvature_of(checker.check(child, context), what)
        require(
            implies(c, "convex"),
            lambda c=c, child=child: f"{what}: the block {child.subject_text} is {c}",
        )
    missing = [v for v in context.variables if v not in covered]
    require(
        not missing,
        lambda: (
            f"{what}: no strictly convex block covers {', '.join(map(str, missing))}, so f may "
            "be affine along a segment in those variables"
        ),
    )
