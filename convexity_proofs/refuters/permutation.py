"""The permutation argument, made rigorous.

A thread argument goes: "swapping two hidden units leaves the loss unchanged, so the
loss cannot be convex".  Equal loss at θ and at its swapped image σθ proves nothing by
itself (x² is equal at ±2); what does is a rise above the chord between them: if
f(σθ) = f(θ) and f((θ + σθ)/2) > f(θ), then f is not convex, with the segment from θ
to σθ at t = 1/2 as the witness.

This module finds swaps σ under which f is invariant — given by the claim, or tried
among same-shaped symbol groups that differ in one index (``w1_3 ↔ w2_3``,
``v1 ↔ v2``, ``b1 ↔ b2`` together) and proved by the symbolic identity prover — and
then looks for θ whose midpoint with σθ rises above f(θ).  Certification is the same
as for any segment witness.
"""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
import sympy

from convexity_proofs._numeric import Program
from convexity_proofs._values import Domain, SegmentWitness
from convexity_proofs.provers.identity import prove_invariant
from convexity_proofs.refuters._space import Deadline, candidate_points, to_float
from convexity_proofs.refuters.segment import certify_segment

_INDEXED = re.compile(r"^([A-Za-z]+?)_?(\d+(?:_\d+)*)$")
#: How many candidate swaps are tried for invariance (each is a cheap identity check).
MAX_SWAPS = 12

Swap = tuple[tuple[sympy.Symbol, sympy.Symbol], ...]


def _indices(symbol: sympy.Symbol) -> tuple[str, tuple[int, ...]] | None:
    match = _INDEXED.match(symbol.name)
    if match is None:
        return None
    stem, digits = match.groups()
    return stem, tuple(int(d) for d in digits.split("_"))


def candidate_swaps(variables: tuple[sympy.Symbol, ...]) -> list[Swap]:
    """Swaps of index values at one index position, across every symbol stem.

    For a position p and two values i < j seen there, σ exchanges each symbol whose
    p-th index is i with the symbol that is identical but for a j there.  Symbols
    without such a partner stay fixed.  Ordered by position, then values: deterministic.
    """
    parsed = {s: _indices(s) for s in variables}
    by_key = {(p[0], p[1]): s for s, p in parsed.items() if p is not None}
    swaps: list[Swap] = []
    positions = sorted({k for p in parsed.values() if p is not None for k in range(len(p[1]))})
    for position in positions:
        values = sorted(
            {p[1][position] for p in parsed.values() if p is not None and len(p[1]) > position}
        )
        for i, first in enumerate(values):
            for second in values[i + 1 :]:
                pairs = []
                for (stem, idx), symbol in sorted(by_key.items(), key=lambda kv: kv[1].name):
                    if len(idx) > position and idx[position] == first:
                        partner_idx = (*idx[:position], second, *idx[position + 1 :])
                        partner = by_key.get((stem, partner_idx))
                        if partner is not None:
                            pairs.append((symbol, partner))
                if pairs:
                    swaps.append(tuple(pairs))
                if len(swaps) >= MAX_SWAPS:
                    return swaps
    return swaps


def as_substitution(swap: Swap) -> tuple[tuple[sympy.Symbol, sympy.Expr], ...]:
    forward = [(a, b) for a, b in swap]
    backward = [(b, a) for a, b in swap]
    return tuple(sorted(forward + backward, key=lambda kv: kv[0].name))


def find_invariant_swap(
    expr: sympy.Expr,
    variables: tuple[sympy.Symbol, ...],
    deadline: Deadline,
    hints: tuple[Swap, ...] = (),
) -> Swap | None:
    """The first candidate swap (hints first) that provably leaves ``expr`` unchanged.

    Only swaps among the claim's variables qualify: parameters are fixed data.
    """
    chosen = set(variables)
    usable = [h for h in hints if h and all(a in chosen and b in chosen for a, b in h)]
    for swap in [*usable, *candidate_swaps(variables)]:
        if deadline.expired():
            return None
        if prove_invariant(expr, as_substitution(swap)) is not None:
            return swap
    return None


def find_permutation_witness(
    expr: sympy.Expr,
    program: Program,
    variables: tuple[sympy.Symbol, ...],
    parameters: tuple[sympy.Symbol, ...],
    domains: dict[sympy.Symbol, Domain],
    swap: Swap,
    *,
    sign: int,
    total: bool,
    seed: int,
    tries: int,
    deadline: Deadline,
) -> SegmentWitness | None:
    """θ and σθ whose midpoint rises above f(θ) = f(σθ) (falls below, for sign −1)."""
    rng = np.random.default_rng(seed)
    mapping = dict(as_substitution(swap))
    # The swap must map the domain to itself, or σθ may leave it.
    if any(domains[a] != domains[b] for a, b in swap):
        return None
    thetas = []
    # Simple points first (so witnesses are simple), then seeded random ones.
    for point in candidate_points(variables + parameters, domains, set(), rng, tries):
        theta = {s: point[s] for s in variables}
        params = {s: point[s] for s in parameters}
        image = {s: theta[mapping.get(s, s)] for s in variables}
        if image != theta:
            thetas.append((theta, image, params))
    if not thetas:
        return None
    inputs = program.inputs

    def rows(which: int) -> np.ndarray:
        out = []
        for triple in thetas:
            values = {**triple[2], **triple[which]}
            out.append([to_float(values[s]) for s in inputs])
        return np.array(out, dtype=float).reshape(len(thetas), len(inputs))

    a, b = rows(0), rows(1)
    with np.errstate(all="ignore"):  # inf - inf where a value is beyond the float range
        fa, fm = program.values(a), program.values((a + b) / 2)
        rel = sign * (fm - fa) / (1 + np.abs(fa) + np.abs(fm))
    rel[~np.isfinite(rel)] = -np.inf
    # Among clear violations keep the generation order: the simplest point comes first.
    order = [k for k in range(len(thetas)) if rel[k] > 1e-6] + list(np.argsort(-rel, kind="stable"))
    for k in list(dict.fromkeys(order))[:8]:
        if deadline.expired() or not rel[k] > 1e-12:
            return None
        theta, image, params = thetas[k]
        witness = certify_segment(
            expr,
            theta,
            image,
            Fraction(1, 2),
            params,
            variables,
            parameters,
            relation=">" if sign > 0 else "<",
            total=total,
            argument="permutation",
            swap=describe(swap),
        )
        if witness is not None:
            return witness
    return None


def describe(swap: Swap) -> str:
    return ", ".join(f"{a}<->{b}" for a, b in swap)
