"""The checker's atom table: the registry's rows, read through the checker's API.

The rows themselves are validated, alternative by alternative, against certified
evaluations in ``tests/test_registry.py`` (the one table-driven test).  Here: the
checker reads every sampled subject's arguments, refuses other shapes, and the
validation catches a deliberately wrong row (weak or strict).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
import sympy

from convexity_proofs.checker.atoms import KEYS, ROWS, Monotone, row_for
from convexity_proofs.provers import atoms as prover_atoms
from tests.test_registry import CASES, IDS, u0, u1, u2, validate


@pytest.mark.parametrize(("key", "subject", "args"), CASES, ids=IDS)
def test_row_recognises_its_subject(key, subject, args) -> None:
    row = row_for(key, subject)
    assert row is not None and row.key == key
    assert row.arguments(subject) is not None
    assert sorted(map(str, row.arguments(subject))) == sorted(map(str, args))


def test_every_row_is_sampled() -> None:
    assert {key for key, _, _ in CASES} == KEYS


def test_every_prover_atom_has_a_checker_row() -> None:
    assert prover_atoms.KEYS <= KEYS


def test_rows_reject_other_shapes() -> None:
    assert ROWS["softplus"].arguments(sympy.log(1 - sympy.exp(u0))) is None
    assert ROWS["logsumexp"].arguments(sympy.log(u0 * sympy.exp(u0) + 1)) is None
    assert ROWS["entropy"].arguments(u0 * sympy.log(u1)) is None
    assert ROWS["quad-over-lin"].arguments(u0**2 / u1**2) is None
    assert ROWS["norm2"].arguments(sympy.sqrt(u0**2 - u1**2)) is None
    assert ROWS["geo-mean"].arguments((u0 * u1 * u2) ** sympy.Rational(1, 2)) is None
    assert ROWS["log-sigmoid"].arguments(sympy.log(1 / (2 + sympy.exp(u0)))) is None
    assert row_for("power", sympy.exp(u0)) is None
    assert row_for("exponential", u0**2) is None
    assert row_for("no-such-atom", u0) is None
    assert row_for("sin", sympy.sin(u0)) is None  # a registry function without a row


def test_monotone_outside_the_arguments_is_never() -> None:
    row = row_for("quad-over-lin", u0**2 / u1)
    assert row.monotone("increasing", 2) == () == row.monotone("strictly-decreasing", 2)


@pytest.mark.parametrize(
    ("key", "subject", "wrong"),
    [
        ("exp", sympy.exp(u0), {"concave": ((),)}),
        ("cosh", sympy.cosh(u0), {"increasing": ((),)}),
        ("sinh", sympy.sinh(u0), {"convex": ((),)}),
        ("log", sympy.log(u0), {"decreasing": ((),)}),
        ("tanh", sympy.tanh(u0), {"concave": (((0, "nonpositive"),),)}),
        (
            "quad-over-lin",
            u0**2 / u1,
            {"per_argument": (Monotone(increasing=((),)), Monotone(increasing=((),)))},
        ),
        # strict rows: Max and Min are flat in an argument that is not the extreme one
        ("max", sympy.Max(u0, u1, u2), {"strictly_increasing": ((),)}),
        ("min", sympy.Min(u0, u1), {"strictly_increasing": ((),)}),
        ("cosh", sympy.cosh(u0), {"strictly_decreasing": ((),)}),
        ("log", sympy.log(u0), {"positive": ((),)}),
    ],
)
def test_the_validation_catches_a_wrong_row(key, subject, wrong) -> None:
    row = replace(row_for(key, subject), **wrong)
    with pytest.raises(AssertionError):
        validate(row, subject, row.arguments(subject))
