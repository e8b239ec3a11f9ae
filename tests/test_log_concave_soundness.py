"""Soundness of log-concavity, log-convexity and strong convexity, by construction.

Log-concave-by-construction functions (products of exp(concave), of positive affine
functions and their nonnegative powers on a positive box, of sigmoids of affine
functions, of positive constants) are never refuted as log-concave, and the mirror
(exp(convex), negative powers of positive affine functions, cosh of affine) never as
log-convex; planted violations (a factor that vanishes inside the box, exp of a
strictly convex function, an offset that makes f negative) are never proved; every
witness is re-checked independently: a point where f <= 0 by SymPy's exact
substitution and mpmath at 60 digits, a witness on log f (or on f − m/2·|x|²) on the
function built here from the claim, as :mod:`tests._independent` does.

The default budget is small; ``CONVEXITY_FUZZ_EXAMPLES=500`` runs a long campaign.
"""

from __future__ import annotations

import os
from dataclasses import replace
from fractions import Fraction

import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import convexity_proofs
from convexity_proofs._parser import make_symbol, parse_expression
from convexity_proofs._values import Claim, Property, Status, ValueWitness
from convexity_proofs.checker import replay
from tests._independent import DIGITS, recheck

_LONG = os.environ.get("CONVEXITY_FUZZ_EXAMPLES")
TIMEOUT = float(os.environ.get("CONVEXITY_FUZZ_TIMEOUT", "10"))


def _budget(default: int) -> int:
    return int(_LONG) if _LONG else default


def _settings(default: int):  # type: ignore[no-untyped-def]
    return settings(
        max_examples=_budget(default),
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )


# --- independent re-checks ------------------------------------------------------------


def _value_at(claim: Claim, witness: ValueWitness) -> sympy.Float:
    env = {make_symbol(k): sympy.Rational(str(v)) for k, v in witness.point}
    env.update({make_symbol(k): sympy.Rational(str(v)) for k, v in witness.parameters})
    for symbol, value in env.items():
        domain = dict(claim.domains)[symbol]
        assert domain.contains(Fraction(str(value))), f"{symbol} = {value} outside {domain}"
    value = sympy.N(claim.function.xreplace(env), DIGITS)
    assert value.is_real and value.is_finite, f"not a finite real: {value}"
    return value


def recheck_verdict(result) -> None:
    """Every witness, re-checked without the engine's arithmetic."""
    claim = result.claim
    witness = result.witness
    if witness is None:
        return
    if isinstance(witness, ValueWitness):
        assert _value_at(claim, witness) <= 0
        return
    prop = str(claim.property)
    if prop in ("log-concave", "log-convex"):
        # log f built here, as a plain curvature claim (recheck does not reduce it again)
        target = Property.CONCAVE if prop == "log-concave" else Property.CONVEX
        g = replace(claim, function=sympy.log(claim.function), property=target, modulus=None)
        recheck(g, witness.to_json(), sign=-1 if prop == "log-concave" else 1)
    else:
        m = sympy.Rational(claim.modulus.numerator, claim.modulus.denominator)
        g = claim.function - m / 2 * sum(v**2 for v in claim.variables)
        recheck(
            replace(claim, function=g, property=Property.CONVEX, modulus=None), witness.to_json()
        )


def decide(text: str, prop: str, domain, *, in_given: bool = True, **more):  # type: ignore[no-untyped-def]
    present = {s.name for s in parse_expression(text).free_symbols}
    variables = [v for v in ("x", "y") if v in present]
    if in_given:
        assume(variables)
    assert variables
    if domain is not None:
        domain = {k: v for k, v in domain.items() if k in present}
    result = convexity_proofs.check(text, variables, prop, domain=domain, timeout=TIMEOUT, **more)
    if result.status is not Status.UNKNOWN:
        assert replay(result).valid
    recheck_verdict(result)
    return result


# --- the grammar ----------------------------------------------------------------------

_COEFFICIENTS = st.sampled_from(["1", "2", "1/2", "3", "-1", "-2", "-1/3"])
_POSITIVE = st.sampled_from(["1", "2", "1/2", "3", "1/3"])
BOX = {"x": "positive", "y": "positive"}
REAL_BOX = None


@st.composite
def affine(draw) -> str:  # type: ignore[no-untyped-def]
    a, b, c = draw(_COEFFICIENTS), draw(_COEFFICIENTS), draw(_COEFFICIENTS)
    return f"({a}*x + {b}*y + {c})"


@st.composite
def positive_affine(draw) -> str:  # type: ignore[no-untyped-def]
    """Positive on the open positive quadrant (and at its corner)."""
    a, b, c = draw(_POSITIVE), draw(_POSITIVE), draw(_POSITIVE)
    return f"({a}*x + {b}*y + {c})"


@st.composite
def concave(draw) -> str:  # type: ignore[no-untyped-def]
    u = draw(affine())
    return draw(
        st.sampled_from(
            [u, f"-{u}**2", f"-abs{u}", f"-exp{u}", f"-log(1 + exp{u})", "-(x**2 + y**2)"]
        )
    )


@st.composite
def convex(draw) -> str:  # type: ignore[no-untyped-def]
    u = draw(affine())
    return draw(
        st.sampled_from([u, f"{u}**2", f"abs{u}", f"exp{u}", f"log(1 + exp{u})", "x**2 + y**2"])
    )


@st.composite
def log_concave_factor(draw, kinds=("exp", "sigmoid", "affine", "power", "constant")) -> str:  # type: ignore[no-untyped-def]
    kind = draw(st.sampled_from(kinds))
    if kind == "exp":
        return f"exp({draw(concave())})"
    if kind == "sigmoid":
        return f"sigmoid{draw(affine())}"
    if kind == "affine":
        return draw(positive_affine())
    if kind == "power":
        p = draw(st.sampled_from(["1/2", "2", "3", "1/3"]))
        return f"{draw(positive_affine())}**({p})"
    return draw(_POSITIVE)


@st.composite
def log_convex_factor(draw, kinds=("exp", "inverse", "cosh", "constant")) -> str:  # type: ignore[no-untyped-def]
    kind = draw(st.sampled_from(kinds))
    if kind == "exp":
        return f"exp({draw(convex())})"
    if kind == "inverse":
        p = draw(st.sampled_from(["1", "2", "1/2"]))
        return f"{draw(positive_affine())}**(-{p})"
    if kind == "cosh":
        return f"cosh{draw(affine())}"
    return draw(_POSITIVE)


def product(factor) -> st.SearchStrategy[str]:  # type: ignore[no-untyped-def]
    return st.lists(factor, min_size=1, max_size=3).map(lambda fs: "*".join(fs))


# --- never refuted ----------------------------------------------------------------------


@_settings(12)
@given(product(log_concave_factor()))
def test_log_concave_by_construction_is_never_refuted(text: str) -> None:
    result = decide(text, "log-concave", BOX)
    assert result.status is not Status.REFUTED, (text, result.witness)


@_settings(12)
@given(product(log_convex_factor()))
def test_log_convex_by_construction_is_never_refuted(text: str) -> None:
    result = decide(text, "log-convex", BOX)
    assert result.status is not Status.REFUTED, (text, result.witness)


@_settings(10)
@given(
    st.sampled_from(["1/2", "1", "2"]),
    st.sampled_from(["0", "exp(x)", "log(1 + exp(x - y))", "abs(x + y)", "(x - 2*y)**2"]),
    st.sampled_from([Fraction(1, 4), Fraction(1, 2), Fraction(1)]),
)
def test_strongly_convex_by_construction_is_never_refuted(c, term, share) -> None:
    # f = c·|x|² + convex is (2c)-strongly convex, so also for any smaller modulus
    modulus = share * 2 * Fraction(c)
    text = f"{c}*(x**2 + y**2) + {term}"
    result = decide(text, "strongly-convex", REAL_BOX, modulus=str(modulus))
    assert result.status is not Status.REFUTED, (text, modulus, result.witness)


# --- planted violations are never proved --------------------------------------------------


#: Factors whose log has curvature tending to 0 far out in x (no exp(±strong)).
MILD_CONCAVE = ("sigmoid", "affine", "power", "constant")
MILD_CONVEX = ("inverse", "cosh", "constant")


@st.composite
def not_log_concave(draw) -> str:  # type: ignore[no-untyped-def]
    g = draw(product(log_concave_factor()))
    mild = draw(product(log_concave_factor(MILD_CONCAVE)))
    c = draw(st.sampled_from(["1", "2", "1/2"]))
    kind = draw(st.sampled_from(["vanishing", "convex-exponent", "offset", "bump"]))
    if kind == "vanishing":
        return f"{g}*(x - {c})"  # <= 0 for x <= c inside the box
    if kind == "convex-exponent":
        return f"{mild}*exp((x - {c})**2)"  # log f curves up far out in x
    if kind == "offset":
        return f"sigmoid(x - {c}) - 1/2"  # negative for x < c
    return f"1 + (x - {c})**2"  # log f is convex near x = c


@st.composite
def not_log_convex(draw) -> str:  # type: ignore[no-untyped-def]
    g = draw(product(log_convex_factor()))
    mild = draw(product(log_convex_factor(MILD_CONVEX)))
    c = draw(st.sampled_from(["1", "2", "1/2"]))
    kind = draw(st.sampled_from(["vanishing", "concave-exponent", "sigmoid", "affine"]))
    if kind == "vanishing":
        return f"{g}*(y - {c})"
    if kind == "concave-exponent":
        return f"{mild}*exp(-(x - {c})**2)"  # log f curves down far out in x
    if kind == "sigmoid":
        return f"sigmoid(x - {c})"
    return f"(x + {c})"


@_settings(12)
@given(not_log_concave())
def test_planted_violations_of_log_concavity_are_never_proved(text: str) -> None:
    result = decide(text, "log-concave", BOX)
    assert result.status is not Status.PROVED, text


@_settings(12)
@given(not_log_convex())
def test_planted_violations_of_log_convexity_are_never_proved(text: str) -> None:
    result = decide(text, "log-convex", BOX)
    assert result.status is not Status.PROVED, text


@_settings(10)
@given(
    st.sampled_from(["1/2", "1", "2"]),
    st.sampled_from(["0", "x - y", "3*x + 1"]),
    st.sampled_from([Fraction(11, 10), Fraction(2), Fraction(5)]),
)
def test_planted_strong_convexity_violations_are_never_proved(c, term, factor) -> None:
    # f = c·|x|² + affine has Hessian 2c exactly: no modulus above 2c holds
    modulus = factor * 2 * Fraction(c)
    text = f"{c}*(x**2 + y**2) + {term}"
    result = decide(text, "strongly-convex", REAL_BOX, modulus=str(modulus))
    assert result.status is not Status.PROVED, (text, modulus)


def test_the_planted_violations_are_found_at_all() -> None:
    # not a soundness property, but the campaign above must exercise the refutations
    for text in ("exp(-x)*(x - 1)", "sigmoid(x - 2*y + 1) - 1/2", "exp((x - 1)**2)"):
        assert decide(text, "log-concave", BOX, in_given=False).status is Status.REFUTED, text
    for text in ("exp(x)*(y - 1)", "sigmoid(x - 1)", "(x + 1)"):
        assert decide(text, "log-convex", BOX, in_given=False).status is Status.REFUTED, text
