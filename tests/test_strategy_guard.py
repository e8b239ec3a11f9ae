"""Faults cost answers, not runs: the guard around every strategy, and library calls
that never touch signals."""

from __future__ import annotations

import dataclasses
import signal

import pytest

from convexity_proofs import _strategies, check
from convexity_proofs._claimfile import build_claim
from convexity_proofs._engine import Settings, check_claim
from convexity_proofs._values import RAISE_INTERNAL_ERRORS_ENV, Status
from convexity_proofs.errors import ArgumentError


class Boom(RuntimeError):
    pass


def _explode(self, problem):
    raise Boom("deliberate failure")


@pytest.fixture
def failing_composition(monkeypatch):
    monkeypatch.setattr(_strategies.CompositionRules, "run", _explode)


def test_a_failing_strategy_costs_only_its_own_answer(monkeypatch, failing_composition) -> None:
    monkeypatch.setenv(RAISE_INTERNAL_ERRORS_ENV, "0")
    # The constant-Hessian prover still proves it; the search still refutes the other.
    proved = check("x**2 + y**2", ["x", "y"], "convex")
    assert proved.status is Status.PROVED
    assert proved.proof[0].rule != "composition"
    errors = proved.to_json()["internal_errors"]
    assert errors == ["internal error in composition rules: Boom: deliberate failure"]
    refuted = check("(w1*w2 - 1)**2", ["w1", "w2"], "convex")
    assert refuted.status is Status.REFUTED
    # Nothing else can decide it: the lost answer becomes unknown, never a verdict.
    lost = check("exp(x)", ["x"], "convex")
    assert lost.status is not Status.REFUTED
    assert any(a.outcome.startswith("internal error in composition rules") for a in lost.attempts)


def test_the_switch_re_raises_internal_errors(monkeypatch, failing_composition) -> None:
    monkeypatch.setenv(RAISE_INTERNAL_ERRORS_ENV, "1")
    with pytest.raises(Boom):
        check("x**2", ["x"], "convex")


def test_check_leaves_an_outer_timer_untouched() -> None:
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(True))
    try:
        signal.setitimer(signal.ITIMER_REAL, 100.0)
        check("(w1*w2 - 1)**2", ["w1", "w2"], "convex", timeout=5)
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 0 < remaining <= 100.0
        assert signal.getsignal(signal.SIGALRM) is not signal.SIG_DFL
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert not fired


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("timeout", -1),
        ("timeout", 0),
        ("timeout", float("inf")),
        ("timeout", float("nan")),
        ("timeout", "5"),
        ("curvature_points", -5),
        ("invariance_points", 0),
        ("seed", 1.5),
        ("pin_tries", True),
    ],
)
def test_settings_are_validated(field, value) -> None:
    with pytest.raises(ArgumentError, match=field):
        Settings(**{field: value})


def test_check_claim_validates_its_arguments() -> None:
    with pytest.raises(ArgumentError, match="Claim"):
        check_claim("not a claim")  # type: ignore[arg-type]
    claim = build_claim({"name": "c", "function": "x**2", "variables": ["x"], "property": "convex"})
    with pytest.raises(ArgumentError, match="settings"):
        check_claim(claim, {"timeout": 5})  # type: ignore[arg-type]
    assert check_claim(claim, dataclasses.replace(Settings(), timeout=None)).status is (
        Status.PROVED
    )
