"""The claim-file reader: valid claims load; every bad input is one located ClaimError."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from convexity_proofs import ClaimError, Expect, Property, load_claims, parse_claims
from convexity_proofs._parser import make_symbol
from convexity_proofs._values import Quantifier

GOOD = """
[[claim]]
name = "logistic"
statement = "A one-layer logistic loss is convex."
function = "log(1 + exp(-y*(w*x + b)))"
variables = ["w", "b"]
property = "convex"
domain = { y = [-1, "1/2"], x = "positive" }

[[claim]]
name = "swap"
function = "v1*tanh(w1) + v2*tanh(w2)"
property = "invariant"
substitution = { w1 = "w2", w2 = "w1", v1 = "v2", v2 = "v1" }
expect = "holds"
"""


def test_good_file_loads_with_parameters_domains_and_lines() -> None:
    first, second = parse_claims(GOOD, file="good.toml")
    assert first.name == "logistic"
    assert first.property is Property.CONVEX and first.expect is Expect.HOLDS
    assert [s.name for s in first.variables] == ["w", "b"]
    assert [s.name for s in first.parameters] == ["x", "y"]
    y = first.domain_of(make_symbol("y"))
    assert (y.lo, y.hi) == (Fraction(-1), Fraction(1, 2))
    assert first.domain_of(make_symbol("x")).name == "positive"
    assert first.domain_of(make_symbol("w")).name == "real"
    assert first.line == 2 and second.line == 10
    assert first.file == "good.toml"
    # invariant claims may omit variables: every symbol is then a variable
    assert {s.name for s in second.variables} == {"v1", "v2", "w1", "w2"}
    assert [(s.name, str(v)) for s, v in second.substitution] == [
        ("v1", "v2"),
        ("v2", "v1"),
        ("w1", "w2"),
        ("w2", "w1"),
    ]


def test_decimals_in_domains_are_exact() -> None:
    (claim,) = parse_claims(
        '[[claim]]\nname = "a"\nfunction = "x"\nvariables = ["x"]\nproperty = "affine"\n'
        "domain = { x = [0.1, 2.5] }\n"
    )
    d = claim.domain_of(make_symbol("x"))
    assert (d.lo, d.hi) == (Fraction(1, 10), Fraction(5, 2))


def claim_text(**fields: str) -> str:
    base = {
        "name": '"c"',
        "function": '"x**2"',
        "variables": '["x"]',
        "property": '"convex"',
    }
    base.update(fields)
    body = "\n".join(f"{k} = {v}" for k, v in base.items() if v is not None)
    return f"[[claim]]\n{body}\n"


BAD = [
    # (toml text, field named in the error, words the message must contain)
    ("[[claim]\nname = 1", None, "invalid TOML"),
    ("[other]\nx = 1\n", "other", "unknown top-level key"),
    ("", None, "no [[claim]] tables"),
    ("claim = 3\n", "claim", "array of tables"),
    (claim_text(function=None), "function", "missing required field"),
    (claim_text(propery='"convex"'), "propery", "unknown key"),
    (claim_text(variables='"x"'), "variables", "expected a list of strings"),
    (claim_text(variables="[]"), "variables", "at least one"),
    (claim_text(variables='["x", "x"]'), "variables", "listed twice"),
    (claim_text(variables='["z"]'), "variables", "'z' does not occur"),
    (claim_text(property='"convexish"'), "property", "expected one of"),
    (claim_text(property="1"), "property", "expected one of 'convex'"),
    (claim_text(expect='"maybe"'), "expect", "expected one of"),
    (claim_text(name='"has space"'), "name", "expected a name"),
    (claim_text(function='"foo(x)"'), "function", "foo"),
    (claim_text(function="\"__import__('os').system('echo hacked')\""), "function", "not allowed"),
    (claim_text(function='"x.real"'), "function", "attribute"),
    (claim_text(function='"10**10**10"'), "function", "exponent"),
    (claim_text(domain="{ x = [2, 1] }"), "domain.x", "empty interval"),
    (claim_text(domain="{ x = [1, 1] }"), "domain.x", "single point"),
    (claim_text(domain='{ x = "posative" }'), "domain.x", "expected one of"),
    (claim_text(domain='{ q = "positive" }'), "domain.q", "does not occur"),
    (claim_text(domain='{ x = [0, "abc"] }'), "domain.x", "interval end"),
    (claim_text(domain="{ x = [0, 1, 2] }"), "domain.x", "interval [lo, hi]"),
    (claim_text(domain="3"), "domain", "expected a table"),
    (claim_text(property='"invariant"'), "substitution", "needs substitution"),
    (claim_text(substitution='{ x = "y" }'), "substitution", "only an invariant claim"),
    (
        claim_text(property='"invariant"', substitution='{ q = "x" }'),
        "substitution.q",
        "does not occur",
    ),
    (
        claim_text(property='"invariant"', substitution='{ x = "q" }'),
        "substitution.x",
        "'q' does not occur",
    ),
    (
        claim_text(property='"invariant"', substitution="{ x = 2 }"),
        "substitution.x",
        "expected an expression string",
    ),
    (claim_text() + claim_text(), "name", "duplicate claim name"),
]


@pytest.mark.parametrize(("text", "field", "words"), BAD)
def test_bad_input_is_one_located_error(text: str, field: str | None, words: str) -> None:
    with pytest.raises(ClaimError) as info:
        parse_claims(text, file="bad.toml")
    error = info.value
    assert error.file == "bad.toml"
    assert error.field == field
    assert words in str(error)
    assert str(error).startswith("bad.toml")
    if field not in (None, "other", "claim"):
        assert error.claim is not None and f"claim {error.claim!r}" in str(error)


def test_toml_error_reports_the_line() -> None:
    with pytest.raises(ClaimError, match=r"line 3"):
        parse_claims('[[claim]]\nname = "a"\nfunction = \n', file="f.toml")


def test_load_claims_errors_for_missing_unreadable_and_huge_files(tmp_path: Path) -> None:
    with pytest.raises(ClaimError, match="cannot read"):
        load_claims(tmp_path / "missing.toml")
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ClaimError, match="UTF-8"):
        load_claims(binary)
    huge = tmp_path / "huge.toml"
    huge.write_text("# " + "x" * (5 * 1024 * 1024))
    with pytest.raises(ClaimError, match="too large"):
        load_claims(huge)


def test_one_megabyte_expression_is_refused_cleanly() -> None:
    text = claim_text(function='"' + "x+" * 500_000 + 'x"')
    with pytest.raises(ClaimError, match="too long") as info:
        parse_claims(text, file="big.toml")
    assert info.value.field == "function"


def test_deeply_nested_parentheses_are_refused_cleanly() -> None:
    text = claim_text(function='"' + "(" * 10_000 + "x" + ")" * 10_000 + '"')
    with pytest.raises(ClaimError) as info:
        parse_claims(text, file="deep.toml")
    assert info.value.field == "function"


def test_building_an_expression_has_a_cpu_time_limit(monkeypatch) -> None:
    import convexity_proofs._claimfile as claimfile

    assert claimfile.PARSE_SECONDS == 30.0
    monkeypatch.setattr(claimfile, "PARSE_SECONDS", 1e-9)
    function = " + ".join(f"x*y{i}" for i in range(2000))
    with pytest.raises(ClaimError, match=r"used more than 1e-09 CPU seconds") as info:
        parse_claims(claim_text(function=f'"{function}"'), file="slow.toml")
    assert info.value.field == "function"


def test_reading_claims_touches_no_signals(monkeypatch) -> None:
    import signal

    import convexity_proofs._claimfile as claimfile

    def forbidden(*args: object) -> None:
        raise AssertionError("library code must not touch signals")

    monkeypatch.setattr(signal, "signal", forbidden)
    monkeypatch.setattr(signal, "setitimer", forbidden)
    parse_claims(GOOD)
    parse_claims(MODEL_CLAIM)
    source = Path(claimfile.__file__).read_text()
    assert "_timelimit" not in source and "hard_limit" not in source


MODEL_CLAIM = """
[[claim]]
name = "net"
model = { kind = "mlp", layers = [1, 2, 1], activation = "tanh" }
data = { x = [[1], [2]], y = [1, -1] }
variables = "all"
property = "convex"
expect = "fails"
"""


def test_model_claims_build_their_loss_groups_and_unit_swap_hints() -> None:
    (claim,) = parse_claims(MODEL_CLAIM, file="m.toml")
    assert claim.source.startswith("mlp 1-2-1, tanh hidden")
    assert {s.name for s in claim.variables} == {
        "w1_1_1",
        "w1_2_1",
        "b1_1",
        "b1_2",
        "w2_1_1",
        "w2_1_2",
        "b2_1",
    }
    assert not claim.parameters  # numeric data
    (hint,) = claim.symmetry_hints
    assert {(a.name, b.name) for a, b in hint} == {
        ("b1_1", "b1_2"),
        ("w1_1_1", "w1_2_1"),
        ("w2_1_1", "w2_1_2"),
    }
    (output,) = parse_claims(MODEL_CLAIM.replace('variables = "all"', 'variables = ["output"]'))
    assert {s.name for s in output.variables} == {"w2_1_1", "w2_1_2", "b2_1"}


def test_model_invariance_claim_takes_its_substitution_from_symmetry() -> None:
    text = MODEL_CLAIM.replace(
        'variables = "all"\nproperty = "convex"\nexpect = "fails"',
        'property = "invariant"\nsymmetry = { swap-units = [1, 2] }',
    )
    (claim,) = parse_claims(text)
    assert len(claim.substitution) == 6


@pytest.mark.parametrize(
    ("old", "new", "field", "words"),
    [
        ('kind = "mlp"', 'kind = "transformer"', "model.kind", "transformer"),
        ('activation = "tanh"', 'activation = "gelu"', "model.activation", "gelu"),
        ("layers = [1, 2, 1]", "layers = [3, 2, 1]", "data.x", ""),
        ("x = [[1], [2]]", "x = [[1], [2, 3]]", "data.x", ""),
        ("y = [1, -1]", "y = [1, true]", "data.y", ""),
        ('variables = "all"', 'variables = ["hidden-layer"]', "variables", "parameter group"),
        ("data = { x = [[1], [2]], y = [1, -1] }\n", "", "data", "needs a data table"),
        ('variables = "all"', 'variables = "all"\nfunction = "x"', "function", "not both"),
        (
            'expect = "fails"',
            'expect = "fails"\nsymmetry = { swap-units = [1, 2] }',
            "symmetry",
            "only an invariant claim",
        ),
    ],
)
def test_bad_model_claims_are_located_errors(old, new, field, words) -> None:
    assert old in MODEL_CLAIM
    with pytest.raises(ClaimError) as info:
        parse_claims(MODEL_CLAIM.replace(old, new), file="m.toml")
    assert info.value.field == field, str(info.value)
    assert words in str(info.value)
    assert "m.toml: claim 'net'" in str(info.value)


def test_a_function_claim_refuses_model_keys() -> None:
    with pytest.raises(ClaimError, match="only a claim with a model"):
        parse_claims(claim_text(data="{ points = 2 }"))


@pytest.mark.parametrize("value", ["[" * 5000 + "]" * 5000, "{a = " * 3000 + "1" + "}" * 3000])
def test_deeply_nested_toml_values_are_one_clean_error(value: str) -> None:
    text = claim_text(variables=value)
    with pytest.raises(ClaimError, match="nested too deeply") as info:
        parse_claims(text, file="deep.toml")
    assert info.value.file == "deep.toml"


# ------------------------------------------------------ definedness and quantifier


def test_symbols_that_evaluation_removed_are_still_the_claims() -> None:
    (claim,) = parse_claims(
        claim_text(
            function='"log(x)*0 + y**2"', variables='["x", "y"]', domain='{ x = "positive" }'
        )
    )
    x, y = make_symbol("x"), make_symbol("y")
    assert claim.function == y**2
    assert claim.variables == (x, y)
    assert [s for s, _ in claim.domains] == [x, y]
    assert claim.domain_of(x).name == "positive"
    (ob,) = claim.obligations
    assert (ob.kind, ob.argument) == ("positive", x)
    assert claim.rewritten == ("log(x)", "x")


@pytest.mark.parametrize(
    ("function", "kind", "rewritten"),
    [
        ("log(x) - log(x) + x**2", "positive", ("log(x)",)),
        ("exp(log(x))", "positive", ("log(x)",)),
        ("x**2/x", "nonzero", ("1/x",)),
        ("(sqrt(x)**2)**3", "nonnegative", ("sqrt(x)",)),
        ("(x**(1/3))**3", "nonnegative", ("x**(1/3)",)),
        ("E**log(x)", "positive", ("log(x)",)),
        ("x*log(x)", "positive", ()),
    ],
)
def test_claims_carry_the_obligations_of_the_written_function(
    function: str, kind: str, rewritten: tuple[str, ...]
) -> None:
    (claim,) = parse_claims(claim_text(function=f'"{function}"'))
    (ob,) = claim.obligations
    assert (ob.kind, ob.argument) == (kind, make_symbol("x"))
    assert claim.rewritten == rewritten


@pytest.mark.parametrize(
    ("function", "words"),
    [
        ("sqrt(-1) + x**2", "sqrt(-1) is not a real number: the square root of a negative"),
        ("log(-1)*x", "log(-1) is not a real number"),
        ("(-8)**(1/3)*x**2", "(-8)**(1/3) is not a real number"),
        ("exp(log(-2)) + x**2", "log(-2) is not a real number"),
        ("sqrt(-1)**2*x**2", "sqrt(-1) is not a real number"),
    ],
)
def test_a_function_real_nowhere_is_a_located_claim_error(function: str, words: str) -> None:
    with pytest.raises(ClaimError) as info:
        parse_claims(claim_text(function=f'"{function}"'), file="bad.toml")
    assert info.value.field == "function"
    assert words in str(info.value)
    assert "at column" in str(info.value)


def test_substitution_images_are_checked_too() -> None:
    text = claim_text(
        function='"x + y"', property='"invariant"', substitution='{ x = "sqrt(-1)", y = "x" }'
    )
    with pytest.raises(ClaimError, match="not a real number") as info:
        parse_claims(text)
    assert info.value.field == "substitution.x"


def test_parameters_key_sets_the_quantifier() -> None:
    (default,) = parse_claims(claim_text(function='"a*x**2"'))
    assert default.quantifier is Quantifier.ALL
    (every,) = parse_claims(claim_text(function='"a*x**2"', parameters='"all"'))
    assert every.quantifier is Quantifier.ALL
    (some,) = parse_claims(claim_text(function='"a*x**2"', parameters='"some"'))
    assert some.quantifier is Quantifier.SOME
    assert [s.name for s in some.parameters] == ["a"]


def test_some_without_parameters_is_a_located_error() -> None:
    # With every symbol a variable, "some" would quantify nothing and mean "all".
    text = (
        'name = "c"\nfunction = "p*x + y"\nproperty = "invariant"\nparameters = "some"\n'
        'substitution = { x = "y", y = "x" }\n'
    )
    with pytest.raises(ClaimError, match="needs parameters") as info:
        parse_claims("[[claim]]\n" + text, file="bad.toml")
    assert info.value.field == "parameters"
    assert "variables = [...]" in str(info.value)


@pytest.mark.parametrize(("value", "words"), [('"any"', "'all', 'some'"), ("1", "found int 1")])
def test_a_wrong_parameters_value_is_a_located_error(value: str, words: str) -> None:
    with pytest.raises(ClaimError) as info:
        parse_claims(claim_text(parameters=value), file="bad.toml")
    assert info.value.field == "parameters"
    assert words in str(info.value)


def test_parameters_is_a_documented_claim_key() -> None:
    from convexity_proofs._claimfile import _CLAIM_KEYS

    assert "some" in _CLAIM_KEYS["parameters"]
    with pytest.raises(ClaimError, match="parameters"):
        parse_claims(claim_text(parametres='"some"'))  # the unknown-key message lists it


def test_model_claims_carry_the_obligations_of_their_loss() -> None:
    (claim,) = parse_claims(MODEL_CLAIM)
    assert claim.obligations == ()  # tanh network, square loss: defined everywhere
    assert claim.rewritten == ()
    logistic = """
[[claim]]
name = "logistic"
model = { kind = "logistic-regression" }
data = { x = [[1], [2]], y = [1, 0] }
variables = "all"
property = "convex"
"""
    (claim,) = parse_claims(logistic)
    assert claim.obligations == ()  # log(1 + exp(z)) holds by construction
