"""Normal forms for the composer: products rewritten, sums regrouped into blocks.

A product the atoms leave unknown is rewritten, when that changes it: its exponential
factors combined (``exp(x)*exp(y)`` is ``exp(x + y)``; the exponents are added, so
``exp(3*x**2)*exp(-2*x**2)`` is ``exp(x**2)``), then (after the perspective rule) a
sum factor distributed (``(x**2 + y**2)/z`` is ``x**2/z + y**2/z``); steps
``combined-exponentials`` and ``distributed-product``, whose constructions
(:func:`~convexity_proofs.checker.normal_forms.combined_exponentials`,
:func:`~convexity_proofs.checker.normal_forms.distributed`) the checker recomputes.

Regrouped sums: a sum the term-by-term rule leaves unknown, read as blocks of terms.

The blocks partition the sum's terms, or its collected terms (the polynomial terms
expanded, so cancellations show: ``(x + y)**2 - x**2 - 2*x*y + exp(y)`` is
``y**2 + exp(y)``); both pools are built by
:func:`convexity_proofs.checker.normal_forms.term_pools`, the construction the checker
replays with.  Blockings tried, in order:

1. the collected polynomial part as one block, the other terms grouped by the set of
   variables they involve (``x**2 + x*y + y**2 + exp(x)``: the quadratic block is
   convex as a whole);
2. every term of a pool grouped by its set of variables (``x**2 + log(x) + y**2`` on
   x >= 1: the block ``x**2 + log(x)`` is convex in x).

A block of one term is analysed by the composer as usual; a block of several terms
term by term, and when that fails as a whole by the composer's fallback (the
second-order provers, for a subterm the composition rules cannot handle).  The step is
``regrouped-sum``; :mod:`.strict_blocks` uses the same blockings for strict convexity.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sympy

from convexity_proofs._proof import ProofStep
from convexity_proofs.checker.normal_forms import (
    MAX_SUM_TERMS,
    combined_exponentials,
    distributed,
    polynomial_term,
    term_pools,
)

if TYPE_CHECKING:
    from convexity_proofs.provers.composition import Analysis, Composer

Block = tuple[sympy.Expr, ...]

#: The product rewrites, by rule key, with their constructions.
REWRITES = {
    "combined-exponentials": combined_exponentials,
    "distributed-product": distributed,
}


def rewrite_product(composer: Composer, subject: sympy.Expr, rule: str) -> Analysis | None:
    """The curvature of the product ``subject`` through its rewritten form (``rule``, a
    key of :data:`REWRITES`), with its step; None when the rewrite does not apply or
    the rewritten form's curvature is unknown."""
    from convexity_proofs.provers.composition import Analysis, Curvature

    rewritten = REWRITES[rule](subject)
    if rewritten is None:
        return None
    analysis = composer.analyse(rewritten)
    if analysis.curvature is Curvature.UNKNOWN:
        return None
    child = analysis.step or ProofStep("affine", rewritten, "affine")
    curvature = Curvature.AFFINE if analysis.curvature.is_affine else analysis.curvature
    return Analysis(curvature, ProofStep(rule, subject, curvature.conclusion, children=(child,)))


def _by_variables(terms: tuple[sympy.Expr, ...], variables: frozenset[sympy.Symbol]) -> list[Block]:
    """The terms grouped by the set of variables each involves (constants left out),
    groups in the order of their first term."""
    groups: dict[frozenset[sympy.Symbol], list[sympy.Expr]] = {}
    for term in terms:
        present = frozenset(term.free_symbols & variables)
        if present:
            groups.setdefault(present, []).append(term)
    return [tuple(g) for g in groups.values()]


def blockings(
    subject: sympy.Expr, variables: frozenset[sympy.Symbol], *, trivial: bool = False
) -> list[list[Block]]:
    """The candidate blockings of the sum ``subject`` (see the module docstring), each
    different from the others; without ``trivial``, none is the terms one by one and
    none is the whole sum as one block."""
    terms, collected = term_pools(subject, variables)
    found: list[list[Block]] = []
    if collected is not None:
        polynomial = tuple(t for t in collected if polynomial_term(t, variables))
        others = tuple(t for t in collected if not polynomial_term(t, variables))
        found.append(([polynomial] if polynomial else []) + _by_variables(others, variables))
        found.append(_by_variables(collected, variables))
    found.append(_by_variables(terms, variables))
    if trivial:
        found.append([(t,) for t in terms if t.free_symbols & variables])
    whole = frozenset(t for t in terms if t.free_symbols & variables)
    out: list[list[Block]] = []
    seen: set[frozenset[frozenset[sympy.Expr]]] = set()
    for blocks in found:
        key = frozenset(frozenset(b) for b in blocks)
        if key in seen:
            continue
        seen.add(key)
        if not trivial and (
            (all(len(b) == 1 for b in blocks) and {b[0] for b in blocks} == whole)
            # one block: worth it only when collecting cancelled terms
            or (len(blocks) == 1 and len(blocks[0]) >= len(whole))
        ):
            continue
        out.append(blocks)
    return out


def block_analysis(composer: Composer, block: Block, *, whole: bool = True) -> Analysis:
    """The curvature of one block: its term, or its terms one by one, or (``whole``) the
    block as a whole by the composer's fallback."""
    from convexity_proofs.provers.composition import Analysis, Curvature, _join, distinct_steps

    if len(block) == 1:
        return composer.analyse(block[0])
    subject = sympy.Add(*block)
    parts = [composer.analyse(t) for t in block]
    curvature = _join([p.curvature for p in parts])
    if curvature is not Curvature.UNKNOWN:
        children = distinct_steps(p.step for p in parts)
        step = ProofStep("sum", subject, curvature.conclusion, children=children)
        return Analysis(curvature, step)
    if whole and composer.fallback is not None:
        present = subject.free_symbols
        own = tuple(v for v in composer._ordered if v in present)
        rescued = composer.fallback(subject, own)
        if rescued is not None:
            return rescued
    return Analysis(Curvature.UNKNOWN, None, subject, "no rule for the block")


def regroup(composer: Composer, subject: sympy.Expr) -> Analysis | None:
    """The curvature of the sum ``subject`` through a blocking of its terms, with its
    ``regrouped-sum`` step; None when no blocking gives one."""
    from convexity_proofs.provers.composition import Analysis, Curvature, _join, distinct_steps

    if not subject.is_Add or len(subject.args) > MAX_SUM_TERMS:
        return None
    variables = frozenset(composer.variables)
    for blocks in blockings(subject, variables):
        analyses = []
        for block in blocks:
            # one block is the whole sum (collected): what the caller's own strategies
            # for the whole function do, so no fallback on it here
            analysis = block_analysis(composer, block, whole=len(blocks) > 1)
            if analysis.curvature is Curvature.UNKNOWN:
                break
            analyses.append(analysis)
        else:
            curvature = _join([a.curvature for a in analyses])
            if curvature is Curvature.UNKNOWN:
                continue
            children = distinct_steps(a.step for a in analyses)
            if not children:
                continue
            step = ProofStep("regrouped-sum", subject, curvature.conclusion, children=children)
            return Analysis(curvature, step)
    return None
