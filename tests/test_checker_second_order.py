"""Replays of the second-order proofs (constant Hessian, f'' exact or by intervals), and
tampered proofs the checker rejects.

Proofs come from the provers (``second_order.quadratic`` / ``univariate``); each is
replayed in its context, also after a round trip through its certificate JSON.  Every
tamper changes one recorded thing and the failure must name the step and what is wrong.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction as F

import pytest
import sympy as sp

from convexity_proofs._proof import (
    DefinedFact,
    HessianFact,
    ProofStep,
    SignFact,
    UnivariateSignFact,
    step_from_json,
)
from convexity_proofs._values import NONNEGATIVE, POSITIVE, REAL, Domain, interval_domain
from convexity_proofs.checker import second_order as _rules  # noqa: F401  (registers)
from convexity_proofs.checker._core import Checker, CheckFailure, Context
from convexity_proofs.kernel.expressions import ExpressionReader, ExpressionTable
from convexity_proofs.kernel.intervals import Interval, range_of
from convexity_proofs.provers.second_order import quadratic, univariate

x, y, z, p = sp.symbols("x y z p", real=True)


def context(variables: tuple[sp.Symbol, ...], domains: dict[sp.Symbol, Domain]) -> Context:
    box = {s: REAL for s in (x, y, z, p)}
    box.update(domains)
    return Context(variables, box)


def round_trip(step: ProofStep) -> ProofStep:
    table = ExpressionTable()
    data = step.to_json(table)
    return step_from_json(data, ExpressionReader(table.to_json()), lambda w: w)


def rejected(step: ProofStep, ctx: Context, *words: str) -> str:
    with pytest.raises(CheckFailure) as info:
        Checker().check(step, ctx)
    text = str(info.value)
    assert step.rule in text  # the failure names the step
    for w in words:
        assert w in text, text
    return text


def swap_fact(step: ProofStep, cls: type, **changes: object) -> ProofStep:
    facts = tuple(replace(f, **changes) if isinstance(f, cls) else f for f in step.facts)
    return replace(step, facts=facts)


def retarget(step: ProofStep, subject: sp.Expr, ctx: Context) -> ProofStep:
    """The step about another subject, with an honest defined fact for it (so that the
    tamper under test is what fails)."""
    defined = DefinedFact(subject, range_of(subject, ctx.domains))
    facts = tuple(defined if isinstance(f, DefinedFact) else f for f in step.facts)
    return replace(step, subject=subject, facts=facts)


def proved(prover, expr, variables, domains) -> tuple[ProofStep, Context]:
    result = prover(expr, variables, domains)
    assert result is not None and result.convex is True and result.step is not None, result
    return result.step, context(variables, domains)


# --- real proofs replay -------------------------------------------------------------------

QUADRATICS = [
    (x**2 + y**2, (x, y), {}, "strictly-convex"),
    (x**2 + x * y + y**2 + sp.log(p) * x, (x, y), {p: POSITIVE}, "strictly-convex"),
    ((x + y) ** 2 + 3 * x - 1, (x, y), {}, "convex"),  # singular: a zero pivot
    (x**2 + 4 * x * y + 4 * y**2 + z**2, (x, y, z), {}, "convex"),
    (3 * x + 2 * y, (x, y), {}, "convex"),  # zero Hessian
    (x**2 / 2 + p * x + y**2, (x, y), {p: interval_domain(F(-1), F(1))}, "strictly-convex"),
]


@pytest.mark.parametrize(("expr", "variables", "domains", "conclusion"), QUADRATICS)
def test_constant_hessian_proofs_replay(expr, variables, domains, conclusion) -> None:
    step, ctx = proved(quadratic, expr, variables, domains)
    assert (step.rule, step.subject, step.conclusion) == ("constant-hessian", expr, conclusion)
    (hessian,) = step.facts_of(HessianFact)
    (defined,) = step.facts_of(DefinedFact)
    assert hessian.variables == variables and defined.subject == expr
    for s in (step, round_trip(step)):
        assert Checker().check(s, ctx) == conclusion


UNIVARIATE_EXACT = [
    (x**4, {}, "strictly-convex"),
    (1 / x, {x: POSITIVE}, "strictly-convex"),
    (x * sp.log(x), {x: POSITIVE}, "strictly-convex"),
    (x**3, {x: NONNEGATIVE}, "strictly-convex"),
    (x**2 / (x + 1), {x: interval_domain(F(0), F(5))}, "strictly-convex"),
    (3 * x + sp.exp(p), {}, "convex"),  # f'' = 0
]


@pytest.mark.parametrize(("expr", "domains", "conclusion"), UNIVARIATE_EXACT)
def test_exact_second_derivative_proofs_replay(expr, domains, conclusion) -> None:
    step, ctx = proved(univariate, expr, (x,), domains)
    assert (step.rule, step.conclusion) == ("second-derivative-exact", conclusion)
    (fact,) = step.facts_of(UnivariateSignFact)
    assert fact.expression == sp.diff(expr, x, 2) and all(r == 0 for r in fact.roots)
    for s in (step, round_trip(step)):
        assert Checker().check(s, ctx) == conclusion


UNIVARIATE_INTERVALS = [
    (sp.exp(x), {}, "strictly-convex"),
    (sp.exp(p * x) + x**2, {p: interval_domain(F(0), F(1))}, "strictly-convex"),
    (p * x**2, {p: NONNEGATIVE}, "convex"),
    (sp.exp(x) - sp.log(x), {x: POSITIVE}, "strictly-convex"),
]


@pytest.mark.parametrize(("expr", "domains", "conclusion"), UNIVARIATE_INTERVALS)
def test_interval_second_derivative_proofs_replay(expr, domains, conclusion) -> None:
    step, ctx = proved(univariate, expr, (x,), domains)
    assert (step.rule, step.conclusion) == ("second-derivative-intervals", conclusion)
    (sign,) = step.facts_of(SignFact)
    assert sign.subject == sp.diff(expr, x, 2)
    for s in (step, round_trip(step)):
        assert Checker().check(s, ctx) == conclusion


def test_a_proof_about_one_variable_replays_in_a_larger_context() -> None:
    """A subterm's proof (the composition fallback) in the context of every variable:
    convex replays, strictly convex in one of several variables does not."""
    step, _ = proved(univariate, sp.exp(x), (x,), {})
    wide = context((x, y), {})
    assert Checker().check(replace(step, conclusion="convex"), wide) == "convex"
    rejected(step, wide, "not strict convexity in all the variables")
    q, _ = proved(quadratic, x**2, (x,), {})
    assert Checker().check(replace(q, conclusion="convex"), wide) == "convex"
    rejected(q, wide, "not strict convexity in all the variables")


# --- tampered constant Hessians ------------------------------------------------------------


def _hessian_step() -> tuple[ProofStep, Context, HessianFact]:
    step, ctx = proved(quadratic, 2 * x**2 + 2 * x * y + 3 * y**2, (x, y), {})
    (fact,) = step.facts_of(HessianFact)
    return step, ctx, fact


def test_a_changed_hessian_entry_is_rejected() -> None:
    step, ctx, fact = _hessian_step()
    matrix = ((fact.matrix[0][0], F(5)), (F(5), fact.matrix[1][1]))
    rejected(swap_fact(step, HessianFact, matrix=matrix), ctx, "Hessian entry (0, 1)")


def test_a_changed_pivot_is_rejected() -> None:
    step, ctx, fact = _hessian_step()
    pivots = (fact.pivots[0] + 1, *fact.pivots[1:])
    rejected(swap_fact(step, HessianFact, pivots=pivots), ctx, "LDLᵀ factors do not check")
    negative = (fact.pivots[0], F(-1))
    rejected(swap_fact(step, HessianFact, pivots=negative), ctx, "pivot 1 is -1 < 0")


def test_a_changed_l_entry_is_rejected() -> None:
    step, ctx, fact = _hessian_step()
    lower = ((), (fact.lower[1][0] + F(1, 3),))
    rejected(swap_fact(step, HessianFact, lower=lower), ctx, "LDLᵀ factors do not check")
    rejected(swap_fact(step, HessianFact, order=(0, 0)), ctx, "not a permutation")


def test_a_subject_that_is_not_the_quadratic_is_rejected() -> None:
    step, ctx, _ = _hessian_step()
    changed = retarget(step, 2 * x**2 + 4 * x * y + 3 * y**2, ctx)
    rejected(changed, ctx, "Hessian entry (0, 1)")
    rejected(retarget(step, x**3 + y**2, ctx), ctx, "degree 3 is above 2")
    # The defined fact must be about the subject.
    rejected(replace(step, subject=x**2 + y**2), ctx, "not about the subject")


def test_strictness_needs_positive_pivots() -> None:
    step, ctx = proved(quadratic, (x + y) ** 2, (x, y), {})
    assert step.conclusion == "convex"
    rejected(replace(step, conclusion="strictly-convex"), ctx, "zero pivot")
    rejected(replace(step, conclusion="concave"), ctx, "not concave")


def test_a_hessian_in_the_wrong_variables_is_rejected() -> None:
    step, ctx, _ = _hessian_step()
    rejected(swap_fact(step, HessianFact, variables=(x,)), ctx, "depends on ['y']")
    narrow = context((x,), {})
    rejected(step, narrow, "not variables of the step")


def test_an_undefined_subject_is_rejected() -> None:
    step, ctx = proved(quadratic, x**2 + sp.log(p) * y, (x, y), {p: POSITIVE})
    anywhere = context((x, y), {})  # p ranges over the reals: log(p) is undefined
    rejected(step, anywhere, "not shown defined")
    loose = swap_fact(step, DefinedFact, enclosure=Interval(F(0), F(1), False, False))
    rejected(loose, ctx, "does not enclose")


# --- tampered exact sign decisions -----------------------------------------------------------


def _exact_step() -> tuple[ProofStep, Context, UnivariateSignFact]:
    step, ctx = proved(univariate, x**4 + x**3, (x,), {x: NONNEGATIVE})
    (fact,) = step.facts_of(UnivariateSignFact)
    return step, ctx, fact


def test_a_wrong_root_count_is_rejected() -> None:
    step, ctx, fact = _exact_step()
    assert fact.roots
    wrong = (1, *fact.roots[1:])
    rejected(swap_fact(step, UnivariateSignFact, roots=wrong), ctx, "root counts")
    rejected(swap_fact(step, UnivariateSignFact, roots=()), ctx, "root counts")


def test_a_wrong_sample_is_rejected() -> None:
    step, ctx, _ = _exact_step()
    outside = swap_fact(step, UnivariateSignFact, sample=F(-1))
    rejected(outside, ctx, "not inside the domain")
    boundary = swap_fact(step, UnivariateSignFact, sample=F(0))
    rejected(boundary, ctx, "not inside the domain")


def test_a_negative_sample_is_rejected() -> None:
    # f'' = 20x³ - 20x on [0, oo) is negative on (0, 1): with the recorded data made to
    # match the new f'' (its coefficients, and the root count tampered to 0), the root
    # count and then the sample are what fail.
    step, ctx = proved(univariate, x**5, (x,), {x: NONNEGATIVE})
    fake = retarget(step, x**5 - 10 * x**3 / 3, ctx)
    second = sp.diff(fake.subject, x, 2)
    fake = swap_fact(
        fake,
        UnivariateSignFact,
        expression=second,
        numerator=(F(20), F(0), F(-20), F(0)),
        roots=(0,),
        sample=F(1, 2),
    )
    rejected(fake, ctx, "root counts")


def test_changed_coefficients_or_interval_are_rejected() -> None:
    step, ctx, fact = _exact_step()
    numerator = (fact.numerator[0] + 1, *fact.numerator[1:])
    rejected(swap_fact(step, UnivariateSignFact, numerator=numerator), ctx, "numerator")
    denominator = (F(2),)
    rejected(swap_fact(step, UnivariateSignFact, denominator=denominator), ctx, "denominator")
    interval = Interval(F(1), None, False, False)
    rejected(swap_fact(step, UnivariateSignFact, interval=interval), ctx, "recorded interval")
    rejected(swap_fact(step, UnivariateSignFact, poles=(1,)), ctx, "pole count")


def test_an_exact_decision_on_the_wrong_domain_is_rejected() -> None:
    step, _, _ = _exact_step()
    # The same data in a context where x ranges over the reals: f'' = 12x² + 6x < 0 near 0.
    real = context((x,), {})
    rejected(retarget(step, step.subject, real), real, "recorded interval")


def test_a_pole_in_the_domain_is_rejected() -> None:
    step, _ = proved(univariate, 1 / x, (x,), {x: POSITIVE})
    wider = context((x,), {x: NONNEGATIVE})
    text = rejected(step, wider)
    assert "not shown defined" in text or "recorded interval" in text


def test_a_wrong_second_derivative_is_rejected() -> None:
    step, ctx, _ = _exact_step()
    rejected(swap_fact(step, UnivariateSignFact, expression=x**2), ctx, "not f''")


# --- tampered interval decisions --------------------------------------------------------------


def test_an_interval_sign_that_does_not_hold_is_rejected() -> None:
    step, ctx = proved(univariate, sp.exp(x), (x,), {})
    changed = retarget(step, sp.sin(x), ctx)
    changed = swap_fact(changed, SignFact, subject=-sp.sin(x))
    rejected(changed, ctx, "does not show it is positive")


def test_an_enclosure_that_no_longer_encloses_is_rejected() -> None:
    step, ctx = proved(univariate, sp.exp(x), (x,), {x: interval_domain(F(0), F(1))})
    tight = swap_fact(step, SignFact, enclosure=Interval(F(1), F(2), False, False))
    rejected(tight, ctx, "does not enclose")


def test_interval_strictness_needs_a_positive_sign() -> None:
    step, ctx = proved(univariate, p * x**2, (x,), {p: NONNEGATIVE})
    assert step.conclusion == "convex"
    rejected(replace(step, conclusion="strictly-convex"), ctx, "not make f strictly convex")
    lying = swap_fact(step, SignFact, sign="positive")
    rejected(lying, ctx, "does not show it is positive")


def test_a_non_smooth_subject_is_rejected() -> None:
    step, ctx = proved(univariate, sp.exp(x), (x,), {})
    rejected(retarget(step, sp.Abs(x), ctx), ctx, "not smooth")


def test_a_sample_where_f2_is_negative_is_rejected() -> None:
    # f = -x⁴/12: f'' = -x² has no root of odd multiplicity, so only the sample's sign
    # tells it is <= 0; every other recorded datum matches the new f''.
    step, ctx = proved(univariate, x**4, (x,), {})
    fake = retarget(step, -(x**4) / 12, ctx)
    fake = swap_fact(
        fake,
        UnivariateSignFact,
        expression=sp.diff(fake.subject, x, 2),
        numerator=(F(-1), F(0), F(0)),
        sample=F(1),
    )
    rejected(fake, ctx, "not positive at the sample")


def test_every_second_order_proof_of_a_shipped_claim_replays() -> None:
    """Each claim in claims/ the provers apply to: whatever they prove (f or -f) replays."""
    from pathlib import Path

    from convexity_proofs._claimfile import load_claims

    replayed = 0
    for path in sorted((Path(__file__).resolve().parent.parent / "claims").glob("*.toml")):
        for claim in load_claims(path):
            f, v, d = claim.function, claim.variables, dict(claim.domains)
            ctx = Context(v, {**{s: REAL for s in f.free_symbols}, **d})
            for sign in (1, -1):
                for prover in (quadratic, univariate):
                    result = prover(sign * f, v, d)
                    if result is None or result.step is None:
                        continue
                    concluded = Checker().check(round_trip(result.step), ctx)
                    assert concluded == result.step.conclusion, (claim.name, sign)
                    replayed += 1
    assert replayed >= 20
