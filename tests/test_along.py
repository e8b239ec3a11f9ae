"""Claims on a line or a slice: ``along`` substitutes before the claim is judged."""

from __future__ import annotations

import pytest

from convexity_proofs import ClaimError, Status, check, parse_claims
from convexity_proofs._parser import make_symbol


def _one(text: str):
    (claim,) = parse_claims(text, file="along.toml")
    return claim


def test_along_substitutes_and_the_new_symbols_are_the_variables() -> None:
    claim = _one(
        """
[[claim]]
name = "diagonal"
function = "x*y"
along = { x = "t", y = "t" }
property = "convex"
"""
    )
    t = make_symbol("t")
    assert claim.function == t**2
    assert claim.variables == (t,)
    assert [s.name for s, _ in claim.along] == ["x", "y"]
    assert [s.name for s, _ in claim.domains] == ["t"]


def test_unsubstituted_symbols_stay_and_can_be_parameters() -> None:
    claim = _one(
        """
[[claim]]
name = "slice"
function = "x*y + z"
along = { x = "s" }
variables = ["s"]
property = "convex"
"""
    )
    assert {s.name for s in claim.parameters} == {"y", "z"}
    assert claim.function == make_symbol("s") * make_symbol("y") + make_symbol("z")


def test_obligations_are_substituted_and_the_texts_own_are_kept() -> None:
    claim = _one(
        """
[[claim]]
name = "log-slice"
function = "log(x) - log(x) + y**2"
along = { x = "t**2 + 1/t", y = "t" }
property = "convex"
domain = { t = "positive" }
"""
    )
    described = sorted(ob.describe() for ob in claim.obligations)
    # log's argument, substituted; 1/t from the along text itself
    assert any("1/t" in d and "> 0" in d for d in described)
    assert "t != 0" in described


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ('along = { z = "t" }', "along.z", "does not occur"),
        ('along = { x = "x + t" }', "along.x", "replaces"),
        ("along = { x = 1 }", "along.x", "expression string"),
        ("along = {}", "along", "expected a table"),
        ('along = { x = "t" }\ndomain = { x = "positive" }', "domain.x", "new variables"),
    ],
)
def test_bad_along_is_one_located_error(body: str, field: str, words: str) -> None:
    text = f"""
[[claim]]
name = "bad"
function = "x*y"
property = "convex"
{body}
"""
    with pytest.raises(ClaimError) as info:
        parse_claims(text, file="along.toml")
    assert info.value.field == field
    assert words in str(info.value)


def test_invariant_claims_refuse_along() -> None:
    with pytest.raises(ClaimError) as info:
        parse_claims(
            """
[[claim]]
name = "bad"
function = "x*y"
property = "invariant"
substitution = { x = "y", y = "x" }
along = { x = "t" }
""",
            file="along.toml",
        )
    assert info.value.field == "along"


def test_the_thread_s_product_along_lines() -> None:
    convex = check("x*y", ["t"], "convex", along={"x": "t", "y": "t"})
    concave = check("x*y", ["t"], "concave", along={"x": "t", "y": "-t"})
    joint = check("x*y", ["x", "y"], "convex")
    assert convex.status is Status.PROVED
    assert concave.status is Status.PROVED
    assert joint.status is Status.REFUTED
    assert convex.to_json()["proof"][0]["subject"] == "t**2"


@pytest.mark.parametrize(
    ("function", "along", "words"),
    [
        ("max(x, 1/y)", '{ x = "t", y = "0" }', "division by zero"),
        ("Piecewise((x, 1/y > 0), (0, True))", '{ x = "t", y = "0" }', "division by zero"),
        ("atan(1/y) + x", '{ x = "t", y = "0" }', "division by zero"),
        ("min(x, log(y))", '{ x = "t", y = "0" }', "logarithm"),
        ("log(x)*y", '{ x = "-1", y = "t" }', "logarithm"),
    ],
)
def test_a_slice_on_which_the_text_is_unusable_is_one_located_error(
    function: str, along: str, words: str
) -> None:
    text = f"""
[[claim]]
name = "bad-slice"
function = "{function}"
along = {along}
property = "convex"
"""
    with pytest.raises(ClaimError) as info:
        parse_claims(text, file="along.toml")
    assert info.value.field == "along"
    assert words in str(info.value)


def test_the_text_is_read_again_on_the_slice() -> None:
    # Obligations are those of the text on the slice, guards included: the log is
    # written under a branch that the slice never takes, so it binds nowhere there.
    claim = _one(
        """
[[claim]]
name = "branch"
function = "Piecewise((log(x), y > 0), (0, True)) + x**2"
along = { x = "t", y = "-1" }
property = "convex"
"""
    )
    assert check_claim_status(claim) is Status.PROVED
    # The same text with the branch taken needs t > 0.
    taken = _one(
        """
[[claim]]
name = "branch-taken"
function = "Piecewise((log(x), y > 0), (0, True)) + x**2"
along = { x = "t", y = "1" }
property = "convex"
"""
    )
    assert [ob.describe() for ob in taken.obligations] == ["t > 0"]


def test_a_model_claim_refuses_along() -> None:
    with pytest.raises(ClaimError) as info:
        parse_claims(
            """
[[claim]]
name = "m"
model = { kind = "linear-regression" }
data = { x = [[1], [2]], y = [1, 2] }
variables = "all"
property = "convex"
along = { w1 = "t" }
""",
            file="along.toml",
        )
    assert info.value.field == "along"


def check_claim_status(claim):  # type: ignore[no-untyped-def]
    from convexity_proofs import check_claim

    return check_claim(claim).status
