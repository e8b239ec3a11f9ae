"""Exact definiteness of rational symmetric matrices, with checkable witnesses.

A Hessian with rational entries is PSD or not as a matter of exact arithmetic, so we
decide it exactly: symmetric Gaussian elimination (LDLᵀ with diagonal pivoting) over
Fractions.  A "not PSD" answer always comes with a rational direction v with vᵀMv < 0,
and a "PSD but singular" answer with a nonzero v with Mv = 0; both are verified by direct
multiplication with the *original* matrix before they are returned, so a bug in the
elimination can cost an answer but can never produce a false witness.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

__all__ = ["Definiteness", "definiteness"]

Vector = tuple[Fraction, ...]


@dataclass(frozen=True, slots=True)
class Definiteness:
    """The definiteness of a symmetric matrix and the witness that settles it.

    ``negative_direction`` (when not PSD): an exact v with vᵀMv < 0.
    ``zero_direction`` (when PSD but not PD): a nonzero exact v with Mv = 0.
    Both are scaled to coprime integers, so they read well in a report.
    """

    psd: bool
    pd: bool
    negative_direction: Vector | None = None
    zero_direction: Vector | None = None


@dataclass(frozen=True, slots=True)
class _Pivot:
    """One elimination step: the pivot index and its row of the then-current Schur block."""

    index: int
    row: dict[int, Fraction]  # entries (pivot, j) for j still active, pivot included


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
            return Definiteness(psd=True, pd=False, zero_direction=_integral(v))
        p = min(
            positive,
            key=lambda i: a[i][i].numerator.bit_length() + a[i][i].denominator.bit_length(),
        )
        _eliminate(a, active, p, pivots)
    return Definiteness(psd=True, pd=True)


def _eliminate(a: list[list[Fraction]], active: list[int], p: int, pivots: list[_Pivot]) -> None:
    """One symmetric elimination step on pivot p (a[p][p] > 0): Schur complement in place."""
    pivots.append(_Pivot(p, {j: a[p][j] for j in active}))
    active.remove(p)
    d = a[p][p]
    for i in active:
        if a[i][p] == 0:
            continue
        factor = a[i][p] / d
        for j in active:
            a[i][j] -= factor * a[p][j]
