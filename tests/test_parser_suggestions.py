"""Function texts whose refusal suggests the fix (issue 15): unknown function names,
look-alike constants (e, Pi, inf, nan) and a number written right before a name (2x)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy

from convexity_proofs import parse_claims
from convexity_proofs._claimfile import load_claims
from convexity_proofs._parser import FUNCTION_NAMES, make_symbol, parse_function
from convexity_proofs._suggest import FUNCTION_ALIASES
from convexity_proofs._vector import Space, parse_vector_function
from convexity_proofs.cli import main
from convexity_proofs.errors import ClaimError, ExpressionError


def claim_text(function: str, variables: str | None = '["x"]', domain: str | None = None) -> str:
    lines = ["[[claim]]", 'name = "c"', f"function = {function!r}", 'property = "convex"']
    if variables is not None:
        lines.append(f"variables = {variables}")
    if domain is not None:
        lines.append(f"domain = {domain}")
    return "\n".join(lines) + "\n"


def refusal(text: str, **kwargs: object) -> str:
    with pytest.raises(ExpressionError) as info:
        parse_function(text, **kwargs)  # type: ignore[arg-type]
    return str(info.value)


# ------------------------------------------------------------------ function names


def test_every_function_alias_names_a_parser_function() -> None:
    assert set(FUNCTION_ALIASES.values()) <= FUNCTION_NAMES
    assert not set(FUNCTION_ALIASES) & FUNCTION_NAMES  # an alias is never a real name


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("ln(x)", "log"),
        ("sigmod(x)", "sigmoid"),
        ("Tanh(x)", "tanh"),
        ("Exp(x)", "exp"),
        ("arctan(x) + 1", "atan"),
        ("x + sqr(x)", "sqrt"),
    ],
)
def test_unknown_function_suggests_the_known_one(text: str, suggestion: str) -> None:
    message = refusal(text)
    assert message.startswith("unknown function ")
    assert f"(did you mean {suggestion!r}?)" in message
    assert "the known functions are" in message


def test_unknown_function_far_from_every_name_gets_no_guess() -> None:
    message = refusal("zzzzzz(x)")
    assert "did you mean" not in message
    assert "the known functions are" in message


def test_vector_notation_suggests_array_functions_too() -> None:
    space = Space(shapes={"w": (3,)})
    with pytest.raises(ExpressionError) as info:
        parse_vector_function("nrom(w)", space)
    assert "(did you mean 'norm'?)" in str(info.value)
    with pytest.raises(ExpressionError) as info:
        parse_vector_function("Exp(w[0])", space)
    assert "(did you mean 'exp'?)" in str(info.value)


# ----------------------------------------------------------- look-alike constants


@pytest.mark.parametrize(
    ("text", "name", "words"),
    [
        ("e**x", "e", ["exp(x)", "E"]),
        ("e**(x + 1) + x", "e", ["exp(x + 1)", "e**(x + 1)"]),
        ("x*e", "e", ["exp(x)", "E for the number e"]),
        ("cos(Pi*x)", "Pi", ["did you mean 'pi'?"]),
        ("PI*x**2", "PI", ["did you mean 'pi'?"]),
        ("x + inf", "inf", ["infinity", '"inf" in the domain']),
        ("Inf*x", "Inf", ["infinity"]),
        ("x**2 + oo", "oo", ["infinity"]),
        ("x + nan", "nan", ["not a number"]),
        ("NaN*x", "NaN", ["not a number"]),
    ],
)
def test_lookalike_constant_is_refused_with_advice(text: str, name: str, words: list[str]) -> None:
    message = refusal(text)
    assert message.startswith(f"the name {name!r} is refused, at column ")
    for word in words:
        assert word in message
    assert "declare it: in the claim's variables" in message and "domain = {" in message


def test_the_real_constants_still_parse() -> None:
    x = make_symbol("x")
    assert parse_function("E**x + pi*x").expression == sympy.exp(x) + sympy.pi * x
    assert parse_function("exp(1)*x").expression == sympy.E * x


def test_declared_lookalike_is_a_symbol() -> None:
    parsed = parse_function("e**x + Pi", declared=("e", "Pi"))
    assert sorted(s.name for s in parsed.symbols) == ["Pi", "e", "x"]


def test_names_that_merely_contain_a_lookalike_are_fine() -> None:
    parsed = parse_function("e1 + ee + info + nano + pi2 + x_e")
    assert len(parsed.symbols) == 6


def test_norm_order_inf_still_parses() -> None:
    parsed = parse_vector_function("norm(w, inf) + norm(w, 1)", Space(shapes={"w": (2,)}))
    assert len(parsed.symbols) == 2


def test_norm_order_spelt_otherwise_suggests_inf() -> None:
    with pytest.raises(ExpressionError) as info:
        parse_vector_function("norm(w, Inf)", Space(shapes={"w": (2,)}))
    assert "(did you mean 'inf'?)" in str(info.value)


def test_lookalike_in_vector_notation_is_refused() -> None:
    with pytest.raises(ExpressionError) as info:
        parse_vector_function("sum(w) + e", Space(shapes={"w": (2,)}))
    assert "the name 'e' is refused" in str(info.value)


# ------------------------------------------------------------- implicit products


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("2x", "2*x"),
        ("2x + 3y", "2*x + 3*y"),
        ("x**2 + 0.5x", "x**2 + 0.5*x"),
        ("1e-3x + x**2", "1e-3*x + x**2"),
        ("3pi*x", "3*pi*x"),
    ],
)
def test_number_before_a_name_suggests_the_product(text: str, fixed: str) -> None:
    message = refusal(text)
    assert message.startswith("invalid syntax")
    assert f"did you mean {fixed!r}?" in message


def test_number_before_a_parenthesis_suggests_the_product() -> None:
    message = refusal("2(x + 1)")
    assert "calling '2' is not allowed" in message
    assert "did you mean '2*(x + 1)'?" in message


def test_long_text_gets_the_first_product_only() -> None:
    text = " + ".join(["x**2"] * 30) + " + 4y"
    message = refusal(text)
    assert "write 4*y, not 4y" in message


def test_other_syntax_errors_suggest_no_product() -> None:
    assert "product" not in refusal("x +")
    assert "product" not in refusal("x2 +* y")
    assert "product" not in refusal("2(x + 1) +")  # the call is not the syntax error
    assert "did you mean '0x1F + 2*x'?" in refusal("0x1F + 2x")  # a hex literal is kept


def test_number_before_a_parenthesis_in_vector_notation() -> None:
    with pytest.raises(ExpressionError) as info:
        parse_vector_function("2(w[0] + 1)", Space(shapes={"w": (2,)}))
    assert "did you mean '2*(w[0] + 1)'?" in str(info.value)


# ------------------------------------------------------- through claims and the CLI


@pytest.mark.parametrize(
    ("function", "suggestion"),
    [
        ("ln(x)", "did you mean 'log'?"),
        ("e**x", "exp(x)"),
        ("cos(Pi*x)", "did you mean 'pi'?"),
        ("x + inf", "infinity"),
        ("2x", "did you mean '2*x'?"),
    ],
)
def test_claim_file_error_names_the_function_field(function: str, suggestion: str) -> None:
    with pytest.raises(ClaimError) as info:
        parse_claims(claim_text(function), file="s.toml")
    assert info.value.file == "s.toml"
    assert info.value.claim == "c"
    assert info.value.field == "function"
    assert suggestion in str(info.value)


def test_implicit_variable_e_is_refused_too() -> None:
    with pytest.raises(ClaimError) as info:
        parse_claims(claim_text("exp(x) + e", variables=None), file="s.toml")
    assert info.value.field == "function"
    assert "the name 'e' is refused" in str(info.value)


def test_lookalike_listed_by_the_claim_is_a_symbol() -> None:
    (claim,) = parse_claims(claim_text("x**2 + e**2", variables='["x", "e"]'))
    assert sorted(s.name for s in claim.variables) == ["e", "x"]
    # a parameter the claim gives a domain is declared too
    (claim,) = parse_claims(claim_text("e*x**2", domain='{ e = "positive" }'))
    assert [s.name for s in claim.variables] == ["x"]


def test_load_claims_and_cli_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(claim_text("sigmod(x) + Tanh(x)"))
    with pytest.raises(ClaimError) as info:
        load_claims(path)
    assert info.value.field == "function"
    assert "did you mean 'sigmoid'?" in str(info.value)
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert "did you mean 'sigmoid'?" in err
    assert str(path) in err
