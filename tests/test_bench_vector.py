"""bench/vector.py: its three tables state one claim, and the vector and scalar claims
judge the very same expression (what the benchmark's comparison rests on)."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import vector  # noqa: E402


def test_vector_and_scalar_tables_judge_the_same_expression():
    assert vector.same_function(20, 3)


def test_the_model_table_is_a_valid_claim():
    from convexity_proofs._claimfile import build_claim

    claim = build_claim(vector.model_table(20, 3))
    assert claim.model is not None
