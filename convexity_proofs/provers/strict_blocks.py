"""Strict convexity of a sum from blocks strictly convex in their own variables.

f = Σ_k g_k + (other convex blocks), each g_k strictly convex in the variables S_k it
involves, the S_k covering all the variables: f is strictly convex (the argument is in
:mod:`convexity_proofs.checker.normal_forms`).  ``x**2 + y**2 + exp(x)``: the block
``x**2 + exp(x)`` is strictly convex in x, ``y**2`` in y.  The blocks are those of
:func:`.normal_forms.blockings` (the terms one by one among them, so a single term
strictly convex in all the variables is the case S_1 = all); a block is named
strictly convex by a strict prover (a constant positive definite Hessian, a positive
second derivative, ...) run in the block's own variables, and its context fact records
those variables, so the checker replays the block in them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import sympy

from convexity_proofs._proof import ContextFact, ProofStep
from convexity_proofs._values import Domain
from convexity_proofs.provers import composition
from convexity_proofs.provers.normal_forms import block_analysis, blockings

#: A strict prover: (expression, its variables, domains) -> a result with ``convex``,
#: ``strict`` and ``step`` (the second-order provers' shape), or None.
StrictProver = Callable[[sympy.Expr, tuple[sympy.Symbol, ...], Mapping[sympy.Symbol, Domain]], Any]


def _strict_step(
    block: sympy.Expr,
    own: tuple[sympy.Symbol, ...],
    domains: Mapping[sympy.Symbol, Domain],
    provers: tuple[StrictProver, ...],
) -> ProofStep | None:
    for prover in provers:
        result = prover(block, own, domains)
        if (
            result is not None
            and result.convex is True
            and result.strict is True
            and result.step is not None
        ):
            return result.step  # type: ignore[no-any-return]
    return None


def prove(
    signed: sympy.Expr,
    variables: tuple[sympy.Symbol, ...],
    domains: Mapping[sympy.Symbol, Domain],
    provers: tuple[StrictProver, ...],
    fallback: composition.Fallback | None = None,
) -> ProofStep | None:
    """A ``strictly-convex-blocks`` step for the sum ``signed``, or None."""
    if not signed.is_Add:
        return None
    everything = frozenset(variables)
    composer = composition.Composer(variables, domains, fallback)
    tried: dict[sympy.Expr, ProofStep | None] = {}
    for blocks in blockings(signed, everything, trivial=True):
        if len(blocks) < 2:
            continue  # the whole function: the caller's own strict provers
        strict: list[tuple[tuple[sympy.Symbol, ...], ProofStep]] = []
        convex: list[ProofStep] = []
        for block in blocks:
            subject = sympy.Add(*block)
            present = subject.free_symbols
            own = tuple(v for v in variables if v in present)
            if subject not in tried:
                tried[subject] = _strict_step(subject, own, domains, provers)
            step = tried[subject]
            if step is not None:
                strict.append((own, step))
                continue
            analysis = block_analysis(composer, block)
            if not analysis.curvature.is_convex:
                break
            if analysis.step is not None:
                convex.append(analysis.step)
        else:
            covered = {v for own, _ in strict for v in own}
            if strict and covered == everything:
                facts = tuple(ContextFact(own) for own, _ in strict)
                children = tuple(step for _, step in strict) + tuple(convex)
                return ProofStep(
                    "strictly-convex-blocks", signed, "strictly-convex", facts, children
                )
    return None


def strict_provers() -> tuple[StrictProver, ...]:
    """The provers that name a block strictly convex in its own variables."""
    from convexity_proofs.provers import second_order

    provers: tuple[StrictProver, ...] = (second_order.quadratic, second_order.univariate)
    try:  # a Hessian proved positive definite (issue 12's symbolic Hessians)
        from convexity_proofs.provers import hessian
    except ImportError:  # pragma: no cover - the prover is optional here
        return provers
    strict = getattr(hessian, "symbolic_hessian_strict", None)
    return provers if strict is None else (*provers, strict)


def for_problem(problem: Any) -> ProofStep | None:
    """:func:`prove` for an engine problem (sign·f, its variables and box), with the
    second-order fallback for blocks the composition rules cannot handle; None unless
    the function as written is defined on the whole box."""
    from convexity_proofs._strategies import second_order_fallback

    if not problem.total or not problem.signed.is_Add:
        return None
    return prove(
        problem.signed,
        problem.variables,
        problem.domains,
        strict_provers(),
        second_order_fallback(problem),
    )
