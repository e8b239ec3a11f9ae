"""Exact definiteness of rational symmetric matrices, with checkable witnesses.

A Hessian with rational entries is PSD or not as a matter of exact arithmetic, so we
decide it exactly: symmetric Gaussian elimination (LDLᵀ with diagonal pivoting) over
Fractions.  A "not PSD" answer always comes with a rational direction v with vᵀMv < 0,
and a "PSD but singular" answer with a nonzero v with Mv = 0; both are verified by direct
multiplication with the *original* matrix before they are returned, so a bug in the
elimination can cost an answer but can never produce a false witness.

A PSD answer comes with the exact pivoted factors P·M·Pᵀ = L·D·Lᵀ (:class:`LDL`): L unit
lower triangular, D = diag(pivots) with pivots >= 0 (all > 0 exactly when M is PD, by
Sylvester's law of inertia).  :func:`check_ldl` verifies given factors against a matrix
by exact multiplication; a certificate checker uses it instead of trusting the
elimination, and :func:`definiteness` checks its own factors with it before returning.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

__all__ = ["LDL", "Definiteness", "check_ldl", "definiteness"]

Vector = tuple[Fraction, ...]


@dataclass(frozen=True, slots=True)
class LDL:
    """Exact pivoted factors P·M·Pᵀ = L·D·Lᵀ of a symmetric matrix M.

    ``order``: P puts index ``order[k]`` of M at position k (a permutation of 0..n-1).
    ``lower``: row k of L strictly below the diagonal (k entries; the diagonal is 1).
    ``pivots``: the diagonal of D.
    """

    order: tuple[int, ...]
    lower: tuple[tuple[Fraction, ...], ...]
    pivots: tuple[Fraction, ...]


@dataclass(frozen=True, slots=True)
class Definiteness:
    """The definiteness of a symmetric matrix and the witness that settles it.

    ``negative_direction`` (when not PSD): an exact v with vᵀMv < 0.
    ``zero_direction`` (when PSD but not PD): a nonzero exact v with Mv = 0.
    Both are scaled to coprime integers, so they read well in a report.
    ``factors`` (when PSD): the exact pivoted LDLᵀ factors, already checked by
    :func:`check_ldl` against the matrix.
    """

    psd: bool
    pd: bool
    negative_direction: Vector | None = None
    zero_direction: Vector | None = None
    factors: LDL | None = None


@dataclass(frozen=True, slots=True)
class _Pivot:
    """One elimination step: the pivot index and its row of the then-current Schur block."""

    index: int
    row: dict[int, Fraction]  # entries (pivot, j) for j still active, pivot included
    #: The multipliers a[i][pivot] / pivot of the rows eliminated (the column of L).
    multipliers: dict[int, Fraction]


def _validated(matrix: Sequence[Sequence[Fraction]]) -> list[list[Fraction]]:
    n = len(matrix)
    rows = [[Fraction(v) for v in row] for row in matrix]
    if any(len(row) != n for row in rows):
        raise ValueError(f"matrix is not square: {n} rows of lengths {[len(r) for r in rows]}")
    for i in range(n):
        for j in range(i + 1, n):
            if rows[i][j] != rows[j][i]:
                raise ValueError(f"matrix is not symmetric: entry ({i},{j}) != entry ({j},{i})")
    return rows


def _back_substitute(w: dict[int, Fraction], pivots: list[_Pivot], n: int) -> list[Fraction]:
    """Lift a vector w on the active indices to v in the original coordinates.

    For a block [[a, bᵀ], [b, C]] with a > 0, choosing v_p = -bᵀw / a gives
    vᵀMv = wᵀ(C - bbᵀ/a)w and Mv = (0, (C - bbᵀ/a)w): the Schur complement's quadratic
    form and kernel carry over.  Undo the pivots from last to first.
    """
    v = [Fraction(0)] * n
    for i, value in w.items():
        v[i] = value
    for pivot in reversed(pivots):
        p = pivot.index
        dot = sum((coef * v[j] for j, coef in pivot.row.items() if j != p), Fraction(0))
        v[p] = -dot / pivot.row[p]
    return v


def _quadratic_form(m: list[list[Fraction]], v: Sequence[Fraction]) -> Fraction:
    n = len(v)
    return sum((v[i] * m[i][j] * v[j] for i in range(n) for j in range(n)), Fraction(0))


def _apply(m: list[list[Fraction]], v: Sequence[Fraction]) -> list[Fraction]:
    return [sum((row[j] * v[j] for j in range(len(v))), Fraction(0)) for row in m]


def _integral(v: Sequence[Fraction]) -> Vector:
    """v scaled by a positive factor to coprime integers (direction and sign unchanged)."""
    scale = math.lcm(*(q.denominator for q in v))
    ints = [int(q * scale) for q in v]
    g = math.gcd(*ints) or 1
    return tuple(Fraction(k // g) for k in ints)


def _negative_witness(active: list[int], a: list[list[Fraction]]) -> dict[int, Fraction] | None:
    """A direction w on the active block with wᵀAw < 0, if the block shows one directly.

    A negative diagonal entry gives e_i; a zero diagonal pair with a_ij != 0 gives
    e_i - sign(a_ij) e_j, whose form is a_ii + a_jj - 2|a_ij| = -2|a_ij| < 0.
    """
    for i in active:
        if a[i][i] < 0:
            return {i: Fraction(1)}
    for i in active:
        for j in active:
            if j > i and a[i][j] != 0 and a[i][i] == 0 and a[j][j] == 0:
                return {i: Fraction(1), j: Fraction(-1 if a[i][j] > 0 else 1)}
    return None


def definiteness(matrix: Sequence[Sequence[Fraction]]) -> Definiteness:
    """Decide PSD / PD exactly; see :class:`Definiteness` for the witnesses returned.

    Raises ValueError for a non-square or non-symmetric matrix.
    """
    original = _validated(matrix)
    n = len(original)
    a = [row[:] for row in original]
    active = list(range(n))
    pivots: list[_Pivot] = []
    while active:
        w = _negative_witness(active, a)
        if w is not None:
            v = _back_substitute(w, pivots, n)
            if not _quadratic_form(original, v) < 0:
                raise AssertionError("internal error: negative direction failed its check")
            return Definiteness(psd=False, pd=False, negative_direction=_integral(v))
        positive = [i for i in active if a[i][i] > 0]
        if not positive:
            # Every diagonal entry is 0 and (no witness) every off-diagonal too: the
            # remaining block is zero, so M is PSD and any active e_i lifts to a kernel vector.
            v = _back_substitute({active[0]: Fraction(1)}, pivots, n)
            if any(_apply(original, v)) or not any(v):
                raise AssertionError("internal error: zero direction failed its check")
            factors = _factors(original, pivots, active)
            return Definiteness(psd=True, pd=False, zero_direction=_integral(v), factors=factors)
        p = min(
            positive,
            key=lambda i: a[i][i].numerator.bit_length() + a[i][i].denominator.bit_length(),
        )
        _eliminate(a, active, p, pivots)
    return Definiteness(psd=True, pd=True, factors=_factors(original, pivots, []))


def _eliminate(a: list[list[Fraction]], active: list[int], p: int, pivots: list[_Pivot]) -> None:
    """One symmetric elimination step on pivot p (a[p][p] > 0): Schur complement in place."""
    multipliers: dict[int, Fraction] = {}
    pivots.append(_Pivot(p, {j: a[p][j] for j in active}, multipliers))
    active.remove(p)
    d = a[p][p]
    for i in active:
        if a[i][p] == 0:
            continue
        factor = a[i][p] / d
        multipliers[i] = factor
        for j in active:
            a[i][j] -= factor * a[p][j]


def _factors(original: list[list[Fraction]], pivots: list[_Pivot], rest: list[int]) -> LDL:
    """The LDLᵀ factors of the elimination: the pivots in order, then the indices of the
    zero block left (pivots 0, columns of L zero there).  Checked before returned."""
    order = tuple([pivot.index for pivot in pivots] + rest)
    position = {index: k for k, index in enumerate(order)}
    lower = [[Fraction(0)] * k for k in range(len(order))]
    for column, pivot in enumerate(pivots):
        for i, factor in pivot.multipliers.items():
            lower[position[i]][column] = factor
    diagonal = tuple([pivot.row[pivot.index] for pivot in pivots] + [Fraction(0)] * len(rest))
    factors = LDL(order, tuple(tuple(row) for row in lower), diagonal)
    problem = check_ldl(original, factors.order, factors.lower, factors.pivots)
    if problem is not None:
        raise AssertionError(f"internal error: LDLᵀ factors failed their check ({problem})")
    return factors


def check_ldl(
    matrix: Sequence[Sequence[Fraction]],
    order: Sequence[int],
    lower: Sequence[Sequence[Fraction]],
    pivots: Sequence[Fraction],
) -> str | None:
    """None when P·M·Pᵀ = L·D·Lᵀ holds exactly, L is unit lower triangular (``lower``
    row k has k entries, the diagonal being 1) and every pivot is >= 0; otherwise what
    is wrong, as text.

    Then M is congruent to D (L is invertible), so M is PSD, and PD exactly when every
    pivot is > 0.  Only exact Fraction arithmetic; sparse rows keep it fast for the
    nearly diagonal Hessians of large quadratics.
    """
    n = len(matrix)
    if any(len(row) != n for row in matrix):
        return "the matrix is not square"
    if sorted(order) != list(range(n)) or len(order) != n:
        return f"the order {list(order)[:20]} is not a permutation of 0..{n - 1}"
    if len(lower) != n or any(len(row) != k for k, row in enumerate(lower)):
        return "L must have n rows, row k with k entries below the diagonal"
    if len(pivots) != n:
        return f"there are {len(pivots)} pivots for a {n}×{n} matrix"
    for k, d in enumerate(pivots):
        if d < 0:
            return f"pivot {k} is {d} < 0"
    # Sparse rows of L, the unit diagonal included: row k -> {column: value}.
    rows: list[dict[int, Fraction]] = []
    for k, row in enumerate(lower):
        entries = {j: Fraction(v) for j, v in enumerate(row) if v != 0}
        entries[k] = Fraction(1)
        rows.append(entries)
    for k in range(n):
        for m in range(k + 1):
            left, right = rows[k], rows[m]
            if len(right) < len(left):
                left, right = right, left
            value = sum(
                (v * pivots[j] * right[j] for j, v in left.items() if j in right), Fraction(0)
            )
            if value != matrix[order[k]][order[m]] or value != matrix[order[m]][order[k]]:
                return (
                    f"(L·D·Lᵀ)[{k}][{m}] = {value}, but the permuted matrix has "
                    f"{matrix[order[k]][order[m]]} there (entry ({order[k]}, {order[m]}))"
                )
    return None
