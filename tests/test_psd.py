"""Tests of exact definiteness: every answer is checked against an independent criterion.

The independent criterion is the exact characteristic polynomial (FLINT): a symmetric
matrix is PSD iff all its (real) eigenvalues are >= 0, i.e. iff det(tI - M) = Π(t - λ)
has coefficients of alternating sign, (-1)^(n-k)·c_k >= 0 (they are the elementary
symmetric functions of the eigenvalues); PD iff also det M > 0.
Witnesses are re-checked here by direct multiplication.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy as sp
from flint import fmpq, fmpq_mat
from hypothesis import given, settings
from hypothesis import strategies as st

from convexity_proofs.kernel.psd import check_ldl, definiteness

F = Fraction

entries = st.fractions(min_value=-3, max_value=3, max_denominator=3)


def _quadratic(m: list[list[Fraction]], v: tuple[Fraction, ...]) -> Fraction:
    n = len(v)
    return sum((v[i] * m[i][j] * v[j] for i in range(n) for j in range(n)), F(0))


def _times(m: list[list[Fraction]], v: tuple[Fraction, ...]) -> list[Fraction]:
    return [sum((row[j] * v[j] for j in range(len(v))), F(0)) for row in m]


def _reference(m: list[list[Fraction]]) -> tuple[bool, bool]:
    """(psd, pd) from the characteristic polynomial, independently of the code under test."""
    n = len(m)
    if n == 0:
        return True, True
    matrix = _flint(m)
    coeffs = matrix.charpoly().coeffs()  # c_0 .. c_n
    psd = all((-1) ** (n - k) * c >= 0 for k, c in enumerate(coeffs))
    return psd, psd and matrix.det() > 0


def _flint(m: list[list[Fraction]]) -> fmpq_mat:
    n = len(m)
    return fmpq_mat(n, n, [fmpq(q.numerator, q.denominator) for row in m for q in row])


def _ldl_product(
    order: tuple[int, ...], lower: tuple[tuple[Fraction, ...], ...], pivots: tuple[Fraction, ...]
) -> list[list[Fraction]]:
    """Pᵀ·L·D·Lᵀ·P, multiplied out densely (independently of check_ldl)."""
    n = len(order)
    full = [[(lower[i][j] if j < i else F(int(i == j))) for j in range(n)] for i in range(n)]
    ldl = [
        [sum((full[i][k] * pivots[k] * full[j][k] for k in range(n)), F(0)) for j in range(n)]
        for i in range(n)
    ]
    out = [[F(0)] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            out[order[i]][order[j]] = ldl[i][j]
    return out


def _check(m: list[list[Fraction]]) -> None:
    result = definiteness(m)
    psd, pd = _reference(m)
    assert (result.psd, result.pd) == (psd, pd)
    if psd:
        factors = result.factors
        assert factors is not None and sorted(factors.order) == list(range(len(m)))
        assert all(len(row) == k for k, row in enumerate(factors.lower))
        assert all(d >= 0 for d in factors.pivots)
        assert all(d > 0 for d in factors.pivots) == pd
        assert _ldl_product(factors.order, factors.lower, factors.pivots) == m
        assert check_ldl(m, factors.order, factors.lower, factors.pivots) is None
    else:
        assert result.factors is None
    if not psd:
        v = result.negative_direction
        assert v is not None and len(v) == len(m)
        assert _quadratic(m, v) < 0
        assert result.zero_direction is None
    elif not pd:
        v = result.zero_direction
        assert v is not None and any(v)
        assert not any(_times(m, v))
        assert result.negative_direction is None
    else:
        assert result.negative_direction is None and result.zero_direction is None


@st.composite
def gram_matrices(draw: st.DrawFn) -> list[list[Fraction]]:
    """B·Bᵀ for a random n×k rational B: always PSD, PD iff B has rank n."""
    n = draw(st.integers(min_value=1, max_value=5))
    k = draw(st.integers(min_value=1, max_value=6))
    b = [[draw(entries) for _ in range(k)] for _ in range(n)]
    return [[sum((b[i][r] * b[j][r] for r in range(k)), F(0)) for j in range(n)] for i in range(n)]


@st.composite
def symmetric_matrices(draw: st.DrawFn) -> list[list[Fraction]]:
    n = draw(st.integers(min_value=1, max_value=5))
    m = [[F(0)] * n for _ in range(n)]
    for i in range(n):
        for j in range(i, n):
            m[i][j] = m[j][i] = draw(entries)
    return m


@given(gram_matrices())
@settings(max_examples=100, deadline=None)
def test_gram_matrices_are_psd(m: list[list[Fraction]]) -> None:
    result = definiteness(m)
    assert result.psd
    rank = _flint(m).rank()
    assert result.pd == (rank == len(m))
    _check(m)


@given(symmetric_matrices())
@settings(max_examples=150, deadline=None)
def test_random_symmetric_matrices(m: list[list[Fraction]]) -> None:
    _check(m)


@given(gram_matrices(), st.integers(min_value=0, max_value=4), entries)
@settings(max_examples=60, deadline=None)
def test_shifted_gram_matrices_with_a_negative_eigenvalue(
    m: list[list[Fraction]], index: int, shift: Fraction
) -> None:
    # M - c·I with c larger than the smallest eigenvalue: subtract trace + 1 from a
    # PSD matrix along a coordinate direction to force a negative diagonal entry.
    i = index % len(m)
    shifted = [row[:] for row in m]
    shifted[i][i] -= sum(m[j][j] for j in range(len(m))) + 1 + abs(shift)
    result = definiteness(shifted)
    assert not result.psd
    _check(shifted)


def test_small_cases() -> None:
    zero = definiteness([[F(0), F(0)], [F(0), F(0)]])
    assert zero.psd and not zero.pd and zero.zero_direction is not None
    hyperbolic = definiteness([[F(0), F(1)], [F(1), F(0)]])
    assert not hyperbolic.psd and hyperbolic.negative_direction in ((F(1), F(-1)), (F(-1), F(1)))
    singular = definiteness([[F(1), F(1)], [F(1), F(1)]])
    assert singular.psd and not singular.pd
    assert singular.zero_direction in ((F(1), F(-1)), (F(-1), F(1)))
    assert definiteness([[F(2), F(1)], [F(1), F(2)]]).pd
    assert definiteness([]).pd
    for m in ([[0, 1], [1, 0]], [[1, 2], [2, 1]], [[1, 0, 1], [0, 0, 0], [1, 0, 1]]):
        _check([[F(v) for v in row] for row in m])


def test_negative_direction_needs_back_substitution() -> None:
    # Diagonal is positive; the negative direction appears only after elimination.
    m = [[F(1), F(2), F(0)], [F(2), F(1), F(0)], [F(0), F(0), F(5)]]
    result = definiteness(m)
    assert not result.psd and result.negative_direction is not None
    assert _quadratic(m, result.negative_direction) < 0
    # singular PSD whose kernel vector mixes all coordinates
    gram = [[F(1), F(2), F(3)], [F(2), F(5), F(8)], [F(3), F(8), F(13)]]
    result = definiteness(gram)
    assert result.psd and not result.pd and result.zero_direction is not None
    assert not any(_times(gram, result.zero_direction))


def test_accepts_ints_and_sympy_rationals() -> None:
    assert definiteness([[2, 1], [1, 2]]).pd
    assert definiteness([[sp.Rational(1, 2), 0], [0, sp.Integer(1)]]).pd


def test_rejects_bad_shapes() -> None:
    with pytest.raises(ValueError, match="square"):
        definiteness([[F(1), F(0)]])
    with pytest.raises(ValueError, match="symmetric"):
        definiteness([[F(1), F(2)], [F(3), F(1)]])


def test_check_ldl_rejects_tampered_factors() -> None:
    m = [[F(4), F(2), F(0)], [F(2), F(5), F(1)], [F(0), F(1), F(3)]]
    factors = definiteness(m).factors
    assert factors is not None
    order, lower, pivots = factors.order, factors.lower, factors.pivots
    assert check_ldl(m, order, lower, pivots) is None
    # A changed matrix entry (kept symmetric), a changed pivot, a changed L entry.
    changed = [row[:] for row in m]
    changed[0][1] = changed[1][0] = F(3)
    assert "(L·D·Lᵀ)" in (check_ldl(changed, order, lower, pivots) or "")
    bumped = (pivots[0] + 1, *pivots[1:])
    assert "(L·D·Lᵀ)" in (check_ldl(m, order, lower, bumped) or "")
    moved = (lower[0], lower[1], (lower[2][0] + F(1, 7), lower[2][1]))
    assert "(L·D·Lᵀ)" in (check_ldl(m, order, moved, pivots) or "")
    # Shapes and signs.
    assert "permutation" in (check_ldl(m, (0, 0, 1), lower, pivots) or "")
    assert "row k" in (check_ldl(m, order, ((), (F(1),)), pivots) or "")
    assert "pivots" in (check_ldl(m, order, lower, pivots[:2]) or "")
    # A negative pivot is refused even when the product is right: an indefinite matrix.
    indefinite = [[F(1), F(0)], [F(0), F(-1)]]
    assert "< 0" in (check_ldl(indefinite, (0, 1), ((), (F(0),)), (F(1), F(-1))) or "")
    # A non-symmetric matrix cannot match a symmetric product.
    skew = [[F(1), F(1)], [F(0), F(1)]]
    assert check_ldl(skew, (0, 1), ((), (F(1),)), (F(1), F(0))) is not None
