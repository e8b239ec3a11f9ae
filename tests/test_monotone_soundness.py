"""Soundness of the monotonicity verdicts on generated functions.

Monotone-by-construction functions (nondecreasing atoms of nondecreasing arguments,
sums and positive multiples of them) are never refuted as nondecreasing, and with a
strictly increasing term added never refuted as increasing; planted violations (the
same construction fed x**2, so f falls for x < 0, or a sine wave of slope above the
rest) are never proved nondecreasing; and every witness of a decided verdict is
re-checked independently (SymPy exact, mpmath at 60 digits).  A small budget by
default; ``CONVEXITY_FUZZ_EXAMPLES=500`` for a long run.
"""

from __future__ import annotations

import os
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convexity_proofs import check
from convexity_proofs._values import Status

from ._independent_monotone import recheck_ordered

_LONG = os.environ.get("CONVEXITY_FUZZ_EXAMPLES")
_X = re.compile(r"\bx\b")


def _settings(default: int) -> settings:
    return settings(
        max_examples=int(_LONG) if _LONG else default,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )


#: Nondecreasing in their argument(s) on the whole real line.
_UNARY = ("exp({})", "atan({})", "tanh({})", "erf({})", "softplus({})", "sigmoid({})")
_UNARY += ("relu({})", "({})**3", "sinh({})")
_BINARY = ("logsumexp({}, {})", "max({}, {})", "min({}, {})", "({}) + ({})")
_COEFFICIENTS = ("1", "2", "1/2", "3/4")


#: Nondecreasing with slope at most about 1.13 (erf), and coefficients at most 1.
_GENTLE = ("atan({})", "tanh({})", "erf({})", "softplus({})", "sigmoid({})", "relu({})")


def _monotone(
    leaves: st.SearchStrategy[str],
    unary: tuple[str, ...] = _UNARY,
    coefficients: tuple[str, ...] = _COEFFICIENTS,
) -> st.SearchStrategy[str]:
    """Nondecreasing in every variable that occurs in the leaves."""
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.builds(lambda f, u: f.format(u), st.sampled_from(unary), inner),
            st.builds(lambda f, u, w: f.format(u, w), st.sampled_from(_BINARY), inner, inner),
            st.builds(lambda c, u: f"{c}*({u})", st.sampled_from(coefficients), inner),
        ),
        max_leaves=4,
    )


_LEAVES = st.sampled_from(["x", "y", "x", "1", "-1", "x/2"])
_DOMAINS = st.sampled_from(
    [None, {"x": [-2, 2], "y": [-2, 2]}, {"x": [-1, 3], "y": "real"}],
)


def _domain(text: str, domain: dict | None) -> dict | None:
    if domain is None:
        return None
    return {k: v for k, v in domain.items() if k in text}


def _verdict(text: str, prop: str, domain: dict | None):
    return check(text, ["x", "y"], prop, domain, timeout=30)


def _rechecked(verdict) -> None:
    """Every witness of a decided verdict holds by the independent arithmetic."""
    witnesses = [verdict.witness] if verdict.witness is not None else []
    witnesses += [s.witness for s in verdict.proof if s.witness is not None]
    for w in witnesses:
        recheck_ordered(verdict.claim, w.to_json())


def _with_y(text: str) -> str:
    """The text with x and y both occurring (each added as a nondecreasing term)."""
    if not _X.search(text):
        text = f"{text} + x/8"
    return text if "y" in text else f"{text} + y/8"


@_settings(default=12)
@given(_monotone(_LEAVES), _DOMAINS)
def test_monotone_by_construction_is_never_refuted(text: str, domain) -> None:
    text = _with_y(text)
    domain = _domain(text, domain)
    v = _verdict(text, "nondecreasing", domain)
    assert v.status is not Status.REFUTED, (text, v.witness)
    _rechecked(v)
    strict = _verdict(f"x + y + {text}", "increasing", domain)
    assert strict.status is not Status.REFUTED, (text, strict.witness)
    _rechecked(strict)
    # Monotone, so "nonmonotone" is never proved.
    m = _verdict(text, "nonmonotone", domain)
    assert m.status is not Status.PROVED, (text, [s.witness for s in m.proof])


@_settings(default=12)
@given(_monotone(_LEAVES), st.sampled_from([None, {"x": [-2, 2]}]))
def test_planted_violations_are_never_proved(text: str, domain) -> None:
    # g(u, y) = u + f(u, y) is strictly increasing in u, so g(x**2, y) falls for x < 0
    # and rises for x > 0: not nondecreasing, not nonincreasing, nonmonotone.
    squared = _X.sub("(x**2)", text)
    planted = _with_y(f"x**2 + ({squared})")
    domain = None if domain is None else {**domain, "y": [-2, 2]}
    up = _verdict(planted, "nondecreasing", domain)
    assert up.status is not Status.PROVED, planted
    _rechecked(up)
    down = _verdict(planted, "nonincreasing", domain)
    assert down.status is not Status.PROVED, planted
    _rechecked(down)
    m = _verdict(planted, "nonmonotone", domain)
    assert m.status is not Status.REFUTED, planted
    _rechecked(m)


@_settings(default=8)
@given(_monotone(st.sampled_from(["x", "1", "x/2"]), _GENTLE, ("1", "1/2", "3/4")))
def test_a_sine_wave_steeper_than_the_rest_is_never_proved(text: str) -> None:
    # Each generated f has slope below 100 (gentle atoms, coefficients <= 1, few
    # leaves); 50·sin(40x) falls by 100 on [π/80, 3π/80], where f rises by less than 8:
    # not nondecreasing.
    planted = f"({text}) + 50*sin(40*x)"
    v = check(planted, ["x"], "nondecreasing", {"x": [0, 1]}, timeout=30)
    assert v.status is not Status.PROVED, planted
    _rechecked(v)
