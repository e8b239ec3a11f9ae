"""The public Python API: names, check(), rendering."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

import convexity_proofs
from convexity_proofs import ClaimError, Status, check


def test_public_names_are_exactly_all() -> None:
    for name in convexity_proofs.__all__:
        assert hasattr(convexity_proofs, name), name
    assert {"check", "check_claim", "load_claims", "Verdict", "Status"} <= set(
        convexity_proofs.__all__
    )


def test_check_proves_the_logistic_loss() -> None:
    verdict = check("log(1 + exp(-y*(w*x + b)))", ["w", "b"], "convex", domain={"y": [-1, 1]})
    assert verdict.status is Status.PROVED and verdict.passed
    (step,) = verdict.proof
    assert "softplus" in step.rule or "logsumexp" in step.rule


def test_check_validates_like_a_claim_file() -> None:
    with pytest.raises(ClaimError, match="field 'property'"):
        check("x**2", ["x"], "convexish")
    with pytest.raises(ClaimError, match="'z' does not occur"):
        check("x**2", ["z"])
    with pytest.raises(ClaimError, match="field 'function'"):
        check("().__class__", ["x"])


def test_invariance_through_the_api() -> None:
    verdict = check(
        "v1*tanh(w1) + v2*tanh(w2)",
        None,
        "invariant",
        substitution={"w1": "w2", "w2": "w1", "v1": "v2", "v2": "v1"},
    )
    assert verdict.status is Status.PROVED


def test_verdict_renders_with_rich() -> None:
    verdict = check("x*y", ["x", "y"], expect="fails")
    console = Console(file=io.StringIO(), width=100, color_system=None)
    console.print(verdict)
    text = console.file.getvalue()
    assert "refuted" in text and "PASS" in text
    assert "witness" in text


def test_importing_the_package_or_plugin_does_not_load_the_engine() -> None:
    # The pytest plugin is imported in every pytest run where the package is installed.
    import subprocess
    import sys

    code = (
        "import sys, convexity_proofs, convexity_proofs.pytest_plugin\n"
        "print(sorted(m for m in ('sympy', 'numpy', 'flint') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
