"""The parser's shortcuts around SymPy's evaluation (exp, tanh and log built
unevaluated when the registry's condition holds; Max and Min when plain) build the very
same expressions, obligations and rewritten parts as SymPy's own evaluation."""

from __future__ import annotations

import random

import pytest
import sympy

from convexity_proofs import _parser
from convexity_proofs import functions as registry
from convexity_proofs._parser import parse_function

_ATOMS = ["x", "y", "z", "2*x - y", "x + 1", "-x - y + z", "3", "1/2", "x*y", "log(x)", "exp(y)"]
_FUNCTIONS = ["exp", "log", "tanh", "softplus", "sigmoid", "logsumexp", "sqrt", "abs", "relu"]


def _texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        e = rng.choice(_ATOMS)
        for _ in range(rng.randint(1, 4)):
            f = rng.choice(_FUNCTIONS)
            if f == "logsumexp":
                e = f"logsumexp({e}, {rng.choice(_ATOMS)})"
            elif f == "log":
                inner = rng.choice([f"1 + exp({e})", f"2 + exp({e})*3", f"exp({e}) + exp(x)", e])
                e = f"log({inner})"
            else:
                sign = rng.choice(["", "-", "2*", "-3*"])
                e = f"{f}({sign}({e}) {rng.choice(['+ x', '- y', '+ 1', ''])})"
        texts.append(e)
    texts.append(" + ".join(f"log(1 + exp(-({k}/4*x - y/2 + z)))" for k in range(-8, 9)))
    return texts


def _built(text: str) -> tuple[str, tuple[str, ...], tuple[str, ...]] | str:
    try:
        parsed = parse_function(text)
    except Exception as exc:  # the same refusal either way
        return type(exc).__name__
    return (
        sympy.srepr(parsed.expression),
        tuple(sympy.srepr(ob.subject) for ob in parsed.obligations),
        parsed.rewritten,
    )


@pytest.mark.parametrize("seed", [0, 1])
def test_shortcuts_build_what_sympy_evaluation_builds(seed, monkeypatch):
    texts = _texts(150, seed)
    fast = [_built(text) for text in texts]
    sympy.core.cache.clear_cache()
    monkeypatch.setattr(
        _parser._ParserConstruction,
        "call",
        lambda self, entry, *args: registry.PARSER.call(entry, *args),
    )
    evaluated = [_built(text) for text in texts]
    assert fast == evaluated
