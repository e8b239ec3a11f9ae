"""A cheap bound on what expanding an expression costs, checked before SymPy expands.

A certificate is untrusted input: a few bytes such as ``(a + b + ... + k)**60`` ask
``Poly``, ``expand`` or ``cancel`` for billions of terms.  :func:`expansion_bound`
walks the tree once (memoised, so shared subtrees cost once) and bounds the number of
terms full expansion can produce: sums add, products multiply, a power multiplies its
base's bound by itself; arguments of functions are expanded too and add their own
bounds.  Every product is capped, so the walk itself stays cheap.
"""

from __future__ import annotations

from typing import Final

import sympy

from convexity_proofs.kernel.identities import expansion_bound as _kernel_expansion_bound

#: More terms than this and a replay refuses to expand (no real proof comes near it:
#: the largest shipped claims expand to a few thousand terms).
MAX_TERMS: Final = 200_000


#: A tail replay differentiates f'' up to four times: each derivative it differentiates
#: or encloses has fewer nodes than this (tree nodes,
#: :func:`convexity_proofs.kernel.subdivision.node_count`), and the prover
#: (:mod:`convexity_proofs.provers.univariate`) gives up on larger ones first.
MAX_DIFFERENTIATED_NODES: Final = 1000


def expansion_bound(expr: sympy.Basic, cap: int = MAX_TERMS) -> int:
    """An upper bound on the terms of ``expand(expr)`` (and of the work inside function
    arguments), or ``cap + 1`` once it exceeds ``cap`` (the kernel's bound, which the
    identity normal forms use too)."""
    return _kernel_expansion_bound(expr, cap)


def small_enough(expr: sympy.Basic, cap: int = MAX_TERMS) -> bool:
    return expansion_bound(expr, cap) <= cap


#: Functions nested deeper than this (atan(atan(...))) are not differentiated twice by
#: the symbolic-Hessian rule: the Hessian of a depth-d nest grows roughly like d**3..d**4
#: and SymPy's diff recurses through it (a 60-deep nest raised RecursionError).
MAX_FUNCTION_DEPTH: Final = 8


def function_depth(expr: sympy.Basic) -> int:
    """The largest number of nested function applications (anything but Add, Mul and
    Pow) on a path from the root of ``expr`` to a leaf; iterative, no recursion."""
    best = 0
    stack: list[tuple[sympy.Basic, int]] = [(expr, 0)]
    seen: set[tuple[sympy.Basic, int]] = set()
    while stack:
        node, depth = stack.pop()
        if (node, depth) in seen:
            continue
        seen.add((node, depth))
        if not (node.is_Add or node.is_Mul or node.is_Pow) and node.args:
            depth += 1
        best = max(best, depth)
        stack.extend((arg, depth) for arg in node.args)
    return best
