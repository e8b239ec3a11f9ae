"""The verdict is about the function as written (engine level).

Each measured case of the engine issue: SymPy's automatic evaluation removed a part of
the text that restricts where the function is defined, and the engine proved (or
refuted at a point where the written function is undefined) what it should not.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from convexity_proofs import check
from convexity_proofs._values import Status
from convexity_proofs.errors import ClaimError


@pytest.mark.parametrize(
    ("function", "prop"),
    [
        ("log(x) - log(x) + x**2", "convex"),
        ("exp(log(x))", "affine"),
        ("x**2/x", "affine"),
        ("(x**(1/3))**3", "affine"),
        ("E**log(x)", "convex"),
        ("sqrt(x)**2", "convex"),
    ],
)
def test_a_function_undefined_somewhere_on_the_domain_is_never_proved(function, prop) -> None:
    verdict = check(function, ["x"], prop)
    assert verdict.status is not Status.PROVED
    assert verdict.to_json()["rewritten"]  # the report says the judged form differs


@pytest.mark.parametrize(
    ("function", "prop", "domain"),
    [
        ("log(x) - log(x) + x**2", "convex", {"x": "positive"}),
        ("exp(log(x))", "affine", {"x": "positive"}),
        ("x**2/x", "affine", {"x": "positive"}),
    ],
)
def test_declaring_the_domain_makes_it_provable(function, prop, domain) -> None:
    assert check(function, ["x"], prop, domain=domain).status is Status.PROVED


def test_no_witness_uses_a_point_where_the_written_function_is_undefined() -> None:
    # Judged x**3 (not convex on the reals), written (sqrt(x)**2)**3: defined for x >= 0
    # only, where it is convex.  The curvature witness at x = -1 is not a witness.
    verdict = check("(sqrt(x)**2)**3", ["x"], "convex")
    assert verdict.status is not Status.REFUTED
    # Written -x**2 + 0*log(x): refutable, but only where x > 0 on the whole segment.
    verdict = check("log(x)*0 - x**2", ["x"], "convex")
    assert verdict.status is Status.REFUTED
    data = verdict.witness.to_json()
    points = [data["point"]] if data["kind"] == "curvature" else [data["a"], data["b"]]
    assert all(Fraction(p["x"]) > 0 for p in points)


def test_a_symbol_removed_by_evaluation_is_still_part_of_the_claim() -> None:
    verdict = check("log(x)*0 + y**2", ["y"], "convex")
    assert [s.name for s in verdict.claim.parameters] == ["x"]
    assert verdict.status is not Status.PROVED  # log(x) is undefined for x <= 0
    assert check("log(x)*0 + y**2", ["y"], "convex", domain={"x": "positive"}).status is (
        Status.PROVED
    )


@pytest.mark.parametrize(
    "function",
    ["sqrt(-1)**2*x**2", "exp(log(-2)) + x**2", "sqrt(-1) + x**2", "log(-1)*x", "(-8)**(1/3)*x**2"],
)
def test_a_function_that_is_real_nowhere_is_bad_input(function) -> None:
    with pytest.raises(ClaimError) as info:
        check(function, ["x"], "convex")
    assert info.value.field == "function"


def test_an_invariance_needs_both_sides_defined() -> None:
    # Judged 0 = 0, written log(x) - log(x): undefined for x <= 0, so not proved there.
    assert (
        check("log(x) - log(x) + y", ["x", "y"], "invariant", substitution={"x": "-x"}).status
        is not Status.PROVED
    )


@pytest.mark.parametrize(
    ("function", "prop", "domain", "parameters"),
    [
        ("x**y", "convex", {"y": [3, 5]}, "all"),
        ("x**y", "neither", {"y": [2, 3]}, "some"),
        ("x**(y + 1)", "convex", {"y": [1, 2]}, "all"),
    ],
)
def test_a_symbolic_exponent_needs_a_positive_base_even_at_whole_number_values(
    function, prop, domain, parameters
) -> None:
    """x**y as written is defined only for x > 0; at y = 3 the evaluators would take an
    integer power and accept x < 0, so witnesses there were wrongly certified."""
    verdict = check(function, ["x"], prop, domain=domain, parameters=parameters)
    assert verdict.status is Status.UNKNOWN


def test_a_positive_obligation_excludes_zero_from_every_witness() -> None:
    verdict = check("(x**2)**y", ["x"], "convex", domain={"y": ["1/4", "1/2"]})
    if verdict.status is Status.REFUTED:
        data = verdict.witness.to_json()
        ends = sorted([Fraction(data["a"]["x"]), Fraction(data["b"]["x"])])
        assert not ends[0] <= 0 <= ends[1]  # the whole segment keeps x**2 > 0


@pytest.mark.parametrize(
    "substitution",
    [{"x": "x*y/y"}, {"x": "exp(log(x))"}, {"x": "-sqrt(x)**2"}],
)
def test_the_substituted_side_must_be_defined_as_written(substitution) -> None:
    function = (
        "x + y" if "y" in substitution["x"] else "x**2" if "sqrt" in substitution["x"] else "x"
    )
    verdict = check(function, None, "invariant", substitution=substitution)
    assert verdict.status is not Status.PROVED
    assert verdict.claim.substitution_obligations


def test_substitution_obligations_are_not_substituted_again() -> None:
    # sqrt(x) is a condition on the point itself: x >= 0, established on positive x.
    verdict = check(
        "x**2", None, "invariant", substitution={"x": "-sqrt(x)**2"}, domain={"x": "positive"}
    )
    assert verdict.status is Status.PROVED


def test_exact_equality_holds_on_a_carrier_with_transcendental_obligations() -> None:
    # The written function is x where x > 0; a flat segment (exact "=") refutes strict
    # convexity even though log(x) at the segment's points is not rational.
    verdict = check("x + 0*log(x)", ["x"], "strictly-convex", domain={"x": "positive"})
    assert verdict.status is Status.REFUTED
    assert verdict.witness.relation == "="
    assert all(q > 0 for _, q in verdict.witness.a + verdict.witness.b)
