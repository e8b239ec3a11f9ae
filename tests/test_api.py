"""The public Python API: names, check(), rendering."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from rich.console import Console

import convexity_proofs
from convexity_proofs import ClaimError, ConvexityProofsError, Expect, Property, Status, check
from convexity_proofs.errors import ArgumentError


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
    assert step.rule == "composition"
    assert next(f.atom for f in step.facts if f.kind == "atom") in ("softplus", "logsumexp")


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


# --- argument validation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"timeout": -1}, "timeout"),
        ({"timeout": 0}, "timeout"),
        ({"timeout": float("inf")}, "timeout"),
        ({"timeout": float("nan")}, "timeout"),
        ({"timeout": "60"}, "timeout"),
        ({"timeout": True}, "timeout"),
        ({"timeout": 1e12}, "timeout"),  # beyond what the interval timer can hold
        ({"variables": {"x"}}, "variables"),  # a set has no order
        ({"variables": 3}, "variables"),
        ({"variables": ["x", 3]}, "variables'[1]"),
        ({"domain": [("x", "real")]}, "domain"),
        ({"domain": {"x": 3}}, "domain'['x']"),
        ({"domain": {"x": [0, None]}}, "domain'['x'][1]"),
        ({"domain": {"x": [0, 1, 2]}}, "domain'['x']"),
        ({"domain": {1: "real"}}, "domain' key"),
        ({"substitution": {"x": 2}}, "substitution'['x']"),
        ({"substitution": ["x"]}, "substitution"),
        ({"property": 3}, "property"),
        ({"property": None}, "property"),
        ({"expect": False}, "expect"),
        ({"name": 5}, "name"),
        ({"parameters": 1}, "parameters"),
    ],
)
def test_check_names_the_argument_of_the_wrong_type(kwargs, argument) -> None:
    args = {"variables": ["x"], **kwargs}
    with pytest.raises(ArgumentError, match=re.escape(f"check() argument '{argument}")):
        check("x**2", **args)


def test_argument_errors_are_value_errors_of_the_project() -> None:
    with pytest.raises(ValueError, match="expected a number of seconds > 0"):
        check("x**2", ["x"], timeout=-1)
    with pytest.raises(ConvexityProofsError):
        check(42, ["x"])  # type: ignore[arg-type]


def test_check_accepts_python_values_a_claim_file_cannot_hold() -> None:
    verdict = check(
        "x**2",
        ("x",),  # a tuple
        Property.CONVEX,  # the enum
        domain={"x": (Fraction(-1, 3), Decimal("0.5"))},  # exact numbers, a tuple
        expect=Expect.HOLDS,
        timeout=Fraction(30),
    )
    assert verdict.status is Status.PROVED
    assert dict(verdict.claim.domains)[verdict.claim.variables[0]].lo == Fraction(-1, 3)
    assert check("x**2", iter(["x"]), timeout=None).status is Status.PROVED


def test_validate_claim_argument() -> None:
    from convexity_proofs._api import validate_claim_argument, validate_settings_argument

    claim = check("x**2", ["x"]).claim
    assert validate_claim_argument(claim) is claim
    with pytest.raises(ArgumentError, match=r"expected a Claim.*found str 'not a claim'"):
        validate_claim_argument("not a claim")
    with pytest.raises(ArgumentError, match="build_claim"):
        validate_claim_argument({"name": "x"})
    assert validate_settings_argument(None) is None
    with pytest.raises(ArgumentError, match="'settings'"):
        validate_settings_argument({"timeout": 3})


def test_validate_timeout() -> None:
    from convexity_proofs._api import MAX_TIMEOUT, validate_timeout

    assert validate_timeout(None) is None
    assert validate_timeout(2) == 2.0 and validate_timeout(Decimal("0.5")) == 0.5
    assert validate_timeout(MAX_TIMEOUT) == MAX_TIMEOUT
    for bad in (0, -0.1, MAX_TIMEOUT * 2, float("inf"), "1", [1], Decimal("NaN")):
        with pytest.raises(ArgumentError, match=r"^where: expected"):
            validate_timeout(bad, where="where")
