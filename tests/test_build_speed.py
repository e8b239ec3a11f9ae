"""Build speed (issue 13): the fast paths build exactly what the slow ones built.

Structure only, never wall-clock time: the parser's Max/Min/relu shortcut gives the
expression SymPy's evaluation gives (structural ==, same argument order), and skips
SymPy's pairwise comparisons (counted); a step's reason no longer prints its subject;
the brief printer's size test counts as before; listed variables resolve in order.
The timings are in bench/build_speed.py.
"""

from __future__ import annotations

import itertools

import pytest
import sympy
from sympy.functions.elementary.miscellaneous import MinMaxBase

from convexity_proofs import _brief
from convexity_proofs._claimfile import build_claim
from convexity_proofs._parser import _lattice_is_plain, make_symbol, parse_function
from convexity_proofs._proof import ProofStep
from convexity_proofs.errors import ClaimError
from convexity_proofs.functions import ENTRIES, PARSER

x, y, z, w, b = (make_symbol(n) for n in "xyzwb")

#: Arguments of every shape the shortcut must judge: plain ones (a private symbol in
#: a monomial term) and ones SymPy's evaluation changes or may change.
POOL = [
    x,
    y,
    -z,
    2 * w,
    x + 1,
    x * y,
    x**2 + z,
    y - x,
    x * y**2 + b,
    sympy.S.Zero,
    sympy.Integer(3),
    sympy.Rational(-1, 2),
    sympy.exp(x),
    sympy.exp(y) + w,
    sympy.Max(x, y),
    sympy.Min(z, w),
    sympy.sqrt(2),
    sympy.Symbol("p", positive=True),
    sympy.Symbol("p", positive=True) + y,
    sympy.log(x) + b,
]


def _entry(key: str):
    return next(entry for entry in ENTRIES if entry.key == key)


def _count_comparisons(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count SymPy's pairwise Max/Min comparisons (the quadratic part of evaluation)."""
    calls = [0]
    original = MinMaxBase._is_connected.__func__

    def counted(cls, a, b):
        calls[0] += 1
        return original(cls, a, b)

    monkeypatch.setattr(MinMaxBase, "_is_connected", classmethod(counted))
    return calls


@pytest.mark.parametrize("head", [sympy.Max, sympy.Min])
def test_plain_lattice_arguments_evaluate_to_themselves(head: type) -> None:
    judged = plain = 0
    combinations = itertools.chain(
        itertools.combinations(POOL, 2), itertools.combinations(POOL[:9], 3)
    )
    for args in combinations:
        try:
            evaluated = head(*args)
        except ValueError:  # not comparable: the shortcut must not apply either
            assert not _lattice_is_plain(args)
            continue
        judged += 1
        if _lattice_is_plain(args):
            plain += 1
            unevaluated = head(*args, evaluate=False)
            assert unevaluated == evaluated, args
            assert unevaluated.args == evaluated.args, args
    assert judged > 200 and plain > 50  # the pool exercises both outcomes


def test_not_plain() -> None:
    assert not _lattice_is_plain((x, x + 1))  # shares x: SymPy keeps x + 1 only
    assert not _lattice_is_plain((x, 2 * x))  # no private symbol
    assert not _lattice_is_plain((sympy.S.Zero, sympy.exp(x)))  # exp(x) > 0
    assert not _lattice_is_plain((sympy.Integer(1), sympy.Integer(2), x))  # two numbers
    assert not _lattice_is_plain((x, sympy.Max(y, z)))  # would be flattened
    assert not _lattice_is_plain((sympy.Symbol("p", positive=True), sympy.S.Zero))
    assert not _lattice_is_plain((x,))
    assert _lattice_is_plain((sympy.S.Zero, x * y + b))
    assert _lattice_is_plain(tuple(make_symbol(f"x{i}") for i in range(1, 30)))


@pytest.mark.parametrize("key", ["max", "min"])
def test_parser_matches_the_evaluating_construction(key: str) -> None:
    entry = _entry(key)
    name = {"max": "Max", "min": "Min"}[key]
    texts = ["x", "y", "-z", "2*w", "x + 1", "x*y", "x**2 + z", "y - x", "0", "3", "exp(x)"]
    combinations = itertools.chain(
        itertools.combinations(texts, 2), itertools.combinations(texts[:6], 3)
    )
    for parts in combinations:
        parsed = parse_function(f"{name}({', '.join(parts)})").expression
        args = [parse_function(p).expression for p in parts]
        expected = entry.construct(PARSER, *args)
        assert parsed == expected and parsed.args == expected.args, parts


def test_relu_matches_the_evaluating_construction() -> None:
    entry = _entry("relu")
    for text in ["x", "-x", "x*y + b", "2*x - 3*y + 1", "x**2", "x**2 + y", "exp(x)", "3", "x - x"]:
        parsed = parse_function(f"relu({text})").expression
        expected = entry.construct(PARSER, parse_function(text).expression)
        assert parsed == expected and parsed.args == expected.args, text


def test_max_of_many_symbols_skips_pairwise_comparisons(monkeypatch: pytest.MonkeyPatch) -> None:
    symbols = [make_symbol(f"x{i}") for i in range(1, 201)]
    text = "Max(" + ", ".join(s.name for s in symbols) + ")"
    calls = _count_comparisons(monkeypatch)
    parsed = parse_function(text).expression
    assert calls[0] == 0  # was 200*199/2 comparisons, each a few milliseconds
    assert parsed == sympy.Max(*symbols, evaluate=False)
    assert parsed.args == tuple(sympy.ordered(symbols))
    assert parse_function(text.replace("Max", "Min")).expression == sympy.Min(
        *symbols, evaluate=False
    )


def test_sum_of_relus_skips_comparisons(monkeypatch: pytest.MonkeyPatch) -> None:
    n = 2000
    text = " + ".join(f"relu(x{i})" for i in range(1, n + 1))
    calls = _count_comparisons(monkeypatch)
    parsed = parse_function(text).expression
    assert calls[0] == 0
    assert parsed.is_Add and len(parsed.args) == n
    # Max(0, s) evaluates to itself (test_plain_lattice_arguments_evaluate_to_themselves)
    expected = {sympy.Max(0, make_symbol(f"x{i}"), evaluate=False) for i in range(1, n + 1)}
    assert set(parsed.args) == expected
    assert all(term.args == (0, term.args[1]) for term in parsed.args)


def test_max_whose_evaluation_changes_it_still_evaluates() -> None:
    assert parse_function("Max(x, x + 1)").expression == x + 1
    assert parse_function("Min(0, exp(x))").expression == 0
    assert parse_function("relu(exp(x))").expression == sympy.exp(x)
    assert parse_function("Max(x, Max(y, z))").expression.args == (x, y, z)


def test_reason_does_not_print_the_subject(monkeypatch: pytest.MonkeyPatch) -> None:
    from convexity_proofs._proof import RULES

    printed = [0]

    def subject_text(self: ProofStep) -> str:
        printed[0] += 1
        return "?"

    monkeypatch.setattr(ProofStep, "subject_text", property(subject_text))
    subject = sympy.Add(*[make_symbol(f"x{i}") ** 2 for i in range(100)])
    for rule in RULES:
        step = ProofStep(rule=rule, subject=subject, conclusion="convex")
        try:
            _ = step.reason
        except Exception:  # a rule whose words need facts this bare step lacks
            continue
    assert printed[0] == 0


def test_small_counts_like_preorder_traversal() -> None:
    def reference(expr: sympy.Basic) -> bool:
        return sum(1 for _ in itertools.islice(sympy.preorder_traversal(expr), 61)) <= 60

    texts = [
        "x",
        "log(1 + exp(-y*(x*w + b)))",
        " + ".join(f"x{i}**2" for i in range(25)),
        "Piecewise((x, x < 1), (x**2, True))",
        "Max(x, y, z) + Min(x, 2*y)",
    ]
    for text in texts:
        for node in sympy.preorder_traversal(parse_function(text).expression):
            assert _brief._small(node) == reference(node)


def test_many_listed_variables_resolve_in_order() -> None:
    names = [f"x{i}" for i in range(1, 5001)]
    claim = build_claim(
        {"name": "v", "function": " + ".join(names), "variables": names[::-1], "property": "convex"}
    )
    assert [s.name for s in claim.variables] == names[::-1]
    with pytest.raises(ClaimError, match="'x7' is listed twice"):
        build_claim(
            {
                "name": "v",
                "function": "x7 + x8",
                "variables": ["x7", "x8", "x7"],
                "property": "convex",
            }
        )
