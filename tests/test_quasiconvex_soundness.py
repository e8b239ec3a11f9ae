"""Soundness of the quasiconvexity claims (issue 11): quasiconvex-by-construction
functions are never refuted, planted violations are never proved, and every level
witness is re-checked independently (SymPy exact substitution and mpmath at 60 digits,
sharing no arithmetic with the kernel's Arb balls or the search's NumPy).

The default budget is small; ``CONVEXITY_FUZZ_EXAMPLES=200`` runs a longer search.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convexity_proofs import check
from convexity_proofs._values import LevelWitness, Status

from ._independent_quasiconvex import recheck_level

_LONG = os.environ.get("CONVEXITY_FUZZ_EXAMPLES")
DIGITS = 60


def _budget(default: int) -> int:
    return int(_LONG) if _LONG else default


def _settings(default: int):
    return settings(
        max_examples=_budget(default),
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )


# --- the independent re-check -----------------------------------------------------------


def level_recheck(verdict) -> None:
    """The verdict's level witness, re-checked at 60 digits (tests/_independent_quasiconvex)."""
    recheck_level(verdict.claim, verdict.to_json()["witness"])


def _variables(text: str) -> list[str]:
    """x and y, or x alone when y has cancelled out of the function."""
    from convexity_proofs._parser import parse_expression

    present = {s.name for s in parse_expression(text).free_symbols}
    return [v for v in ("x", "y") if v in present]


def _recheck_verdict(text: str, verdict) -> None:
    if verdict.status is Status.REFUTED and isinstance(verdict.witness, LevelWitness):
        level_recheck(verdict)


# --- quasiconvex by construction ----------------------------------------------------------

small = st.integers(-2, 2)
positive = st.integers(1, 3)

#: convex building blocks in x, y (text), each >= 0
convex_blocks = st.sampled_from(
    [
        "(x - {c})**2",
        "abs(x + {c}*y)",
        "x**2 + y**2 + {c}*x",
        "(x - y + {c})**2",
        "exp(x + {c}) + y**2",
        "abs(x) + abs(y - {c})",
    ]
)
#: nondecreasing functions h(u), with the range of u they need (all blocks are >= 0 ...
#: except x**2 + y**2 + c*x, so the ones needing u >= 0 wrap it in a max)
increasing = st.sampled_from(
    [
        "sqrt({u})",
        "atan({u})",
        "tanh({u})",
        "log(1 + {u})",
        "-exp(-({u}))",
        "({u})**3",
        "erf({u})",
        "({u})**(1/3)",
    ]
)


@st.composite
def quasiconvex_functions(draw) -> str:
    """A positive multiple of a monotone atom of a convex function, maybe a max of
    two of them, maybe plus a constant."""

    def one() -> str:
        block = draw(convex_blocks).format(c=draw(small))
        if "y**2 + " in block and "x**2" in block:
            block = f"Max({block}, 0)"  # >= 0 for the atoms that need it
        h = draw(increasing).format(u=block)
        return f"{draw(positive)}*{h}"

    f = one()
    if draw(st.booleans()):
        f = f"Max({f}, {one()})"
    if draw(st.booleans()):
        f = f"{f} + {draw(small)}"
    return f


@_settings(12)
@given(quasiconvex_functions(), st.booleans())
def test_quasiconvex_by_construction_never_refuted(text, negate):
    prop = "quasiconvex"
    if negate:  # −f is quasiconcave
        text, prop = f"-({text})", "quasiconcave"
    verdict = check(text, _variables(text), prop, timeout=20)
    assert verdict.status is not Status.REFUTED, (text, verdict.witness)


@_settings(8)
@given(
    st.sampled_from(["x", "-x", "2*x + 1", "x**3", "x**3 + x", "atan(x) + x", "exp(x)"]),
    st.sampled_from(["atan({u})", "({u})**3", "-exp(-({u}))", "tanh({u})", "{u}"]),
)
def test_quasilinear_by_construction_never_refuted(inner, outer):
    text = outer.format(u=inner)
    verdict = check(text, ["x"], "quasilinear", timeout=20)
    assert verdict.status is not Status.REFUTED, (text, verdict.witness)


# --- planted violations ---------------------------------------------------------------


@st.composite
def two_bumps(draw) -> str:
    """Two Gaussian bumps at least 3 apart: bimodal, so not quasiconcave."""
    c = draw(st.integers(-2, 2))
    gap = draw(st.integers(3, 5))
    height = draw(st.integers(1, 3))
    return f"{height}*exp(-(x - {c})**2) + exp(-(x - {c + gap})**2)"


@_settings(8)
@given(two_bumps())
def test_two_bumps_never_proved_quasiconcave(text):
    verdict = check(text, ["x"], "quasiconcave", timeout=20)
    assert verdict.status is not Status.PROVED, text
    _recheck_verdict(text, verdict)
    linear = check(text, ["x"], "quasilinear", timeout=20)
    assert linear.status is not Status.PROVED, text
    _recheck_verdict(text, linear)


@st.composite
def products(draw) -> str:
    """(x·y)²-like products and bilinear forms: their sublevel sets are not convex."""
    p, q = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    c = draw(st.integers(-2, 2))
    return draw(
        st.sampled_from(
            [
                f"x**{2 * p}*y**{2 * q}",
                f"(x*y + {c})**2",
                f"x*y + {c}",
                f"-(x - {c})**2 - y**2 + {p}",
                f"sqrt(abs(x)) + {q}*sqrt(abs(y))",
            ]
        )
    )


@_settings(10)
@given(products())
def test_planted_products_never_proved_quasiconvex(text):
    verdict = check(text, _variables(text), "quasiconvex", timeout=20)
    assert verdict.status is not Status.PROVED, text
    _recheck_verdict(text, verdict)


@_settings(6)
@given(st.sampled_from(["sin(x)", "x**2", "abs(x) - 1", "cos(x) + x/10", "x**4 - 2*x**2"]))
def test_nonmonotone_never_proved_quasilinear(text):
    verdict = check(text, ["x"], "quasilinear", timeout=20)
    assert verdict.status is not Status.PROVED, text
    _recheck_verdict(text, verdict)


def test_refutations_of_the_examples_recheck():
    for text, variables, prop in [
        ("a1*x1 + a2*x2", ["a1", "a2", "x1", "x2"], "quasiconvex"),
        ("x**2*y**2", ["x", "y"], "quasiconvex"),
        ("exp(-(x - 2)**2) + exp(-(x + 2)**2)", ["x"], "quasiconcave"),
    ]:
        verdict = check(text, variables, prop)
        assert verdict.status is Status.REFUTED
        level_recheck(verdict)
