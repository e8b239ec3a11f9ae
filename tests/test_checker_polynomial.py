"""Replays of polynomial decisions (z3) by the checker, and tampered ones it rejects.

Proofs come from ``decide_polynomial`` / ``decide_polynomial_strict``; the checker
writes every SMT-LIB query again with its own writer and compares, recomputes the form
vᵀ∇²f v, and with ``recheck_z3`` gives each recorded query to z3 again.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction as F

import pytest
import sympy as sp

from convexity_proofs._proof import PolynomialFact, ProofStep, step_from_json
from convexity_proofs._values import NONNEGATIVE, POSITIVE, REAL, Domain, interval_domain
from convexity_proofs.checker import polynomial as _rules  # noqa: F401  (registers)
from convexity_proofs.checker._core import Checker, CheckFailure, Context
from convexity_proofs.kernel.expressions import ExpressionReader, ExpressionTable
from convexity_proofs.provers import polynomial
from convexity_proofs.provers.polynomial import decide_polynomial, decide_polynomial_strict

pytest.importorskip("z3")

x, y, z, p = sp.symbols("x y z p", real=True)


def context(variables: tuple[sp.Symbol, ...], domains: dict[sp.Symbol, Domain]) -> Context:
    box = {s: REAL for s in (x, y, z, p)}
    box.update(domains)
    return Context(variables, box)


def round_trip(step: ProofStep) -> ProofStep:
    table = ExpressionTable()
    data = step.to_json(table)
    return step_from_json(data, ExpressionReader(table.to_json()), lambda w: w)


def rejected(step: ProofStep, ctx: Context, *words: str, recheck: bool = False) -> str:
    with pytest.raises(CheckFailure) as info:
        Checker(recheck_z3=recheck).check(step, ctx)
    text = str(info.value)
    assert step.rule in text  # the failure names the step
    for w in words:
        assert w in text, text
    return text


def the_fact(step: ProofStep) -> PolynomialFact:
    (fact,) = step.facts
    assert isinstance(fact, PolynomialFact)
    return fact


def with_fact(step: ProofStep, **changes: object) -> ProofStep:
    return replace(step, facts=(replace(the_fact(step), **changes),))


def proved(expr, variables, parameters=(), domains=None) -> tuple[ProofStep, Context]:
    domains = domains or {}
    result = decide_polynomial(expr, variables, parameters, domains)
    assert result is not None and result.convex is True and result.step is not None, result
    return result.step, context(variables, domains)


CONVEX = [
    (x**4 + 3 * x**2 * y**2 + y**4, (x, y), (), {}),
    (x**4 + y**4 + x**2, (x, y), (), {}),
    (3 * x - 2 * y + 1, (x, y), (), {}),
    (x**4 + p * x**2, (x,), (p,), {p: POSITIVE}),
    (x**3, (x,), (), {x: NONNEGATIVE}),
    (x**3 + p * y**2, (x, y), (p,), {x: POSITIVE, p: interval_domain(F(1, 2), F(3))}),
    ((x**2 + y**2 + z**2) ** 2 + (x + y + z) ** 4, (x, y, z), (), {}),
]


@pytest.mark.parametrize(("expr", "variables", "parameters", "domains"), CONVEX)
def test_polynomial_proofs_replay(expr, variables, parameters, domains) -> None:
    step, ctx = proved(expr, variables, parameters, domains)
    assert (step.rule, step.subject, step.conclusion) == ("polynomial-hessian", expr, "convex")
    for s in (step, round_trip(step)):
        assert Checker().check(s, ctx) == "convex"
    assert Checker(recheck_z3=True).check(step, ctx) == "convex"


def test_the_quadratic_form_encoding_replays(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(polynomial, "MAX_MINOR_VARIABLES", 0)
    step, ctx = proved(x**4 + 3 * x**2 * y**2 + y**4, (x, y))
    assert the_fact(step).method == "quadratic-form" and len(the_fact(step).smtlib) == 2
    assert Checker(recheck_z3=True).check(round_trip(step), ctx) == "convex"


STRICT = [
    (x**2 + y**2 + x**4, (x, y), (), {}),
    (x**2 * p, (x,), (p,), {p: interval_domain(F(1), F(2))}),
    (x**3, (x,), (), {x: interval_domain(F(1), F(2))}),
]


@pytest.mark.parametrize(("expr", "variables", "parameters", "domains"), STRICT)
def test_strict_polynomial_proofs_replay(expr, variables, parameters, domains) -> None:
    step = decide_polynomial_strict(expr, variables, parameters, domains)
    assert step is not None and step.conclusion == "strictly-convex"
    ctx = context(variables, domains)
    for s in (step, round_trip(step)):
        assert Checker(recheck_z3=True).check(s, ctx) == "strictly-convex"


def test_strict_quadratic_form_encoding_replays(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(polynomial, "MAX_MINOR_VARIABLES", 0)
    step = decide_polynomial_strict(x**2 + y**2 + (x + y) ** 4, (x, y), (), {})
    assert step is not None and the_fact(step).method == "quadratic-form"
    assert Checker(recheck_z3=True).check(step, context((x, y), {})) == "strictly-convex"


# --- tampering ---------------------------------------------------------------------------


def test_an_altered_smtlib_query_is_rejected() -> None:
    step, ctx = proved(x**4 + 3 * x**2 * y**2 + y**4, (x, y))
    texts = list(the_fact(step).smtlib)
    texts[1] = texts[1].replace("(* 12 g1 g1)", "(* 11 g1 g1)")
    assert texts[1] != the_fact(step).smtlib[1]
    rejected(with_fact(step, smtlib=tuple(texts)), ctx, "SMT-LIB query 1", "line")
    rejected(with_fact(step, smtlib=the_fact(step).smtlib[:-1]), ctx, "queries are recorded")


def test_a_dropped_bound_is_rejected() -> None:
    # x³ is convex on x >= 0 only: a query without the bound is a different query.
    step, ctx = proved(x**3, (x,), (), {x: NONNEGATIVE})
    texts = tuple(t.replace("(assert (> g0 0))\n", "") for t in the_fact(step).smtlib)
    rejected(with_fact(step, smtlib=texts), ctx, "SMT-LIB query 0")


def test_a_proof_replayed_on_a_wider_domain_is_rejected() -> None:
    step, _ = proved(x**3, (x,), (), {x: NONNEGATIVE})
    rejected(step, context((x,), {}), "SMT-LIB query 0")


def test_a_changed_form_is_rejected() -> None:
    step, ctx = proved(x**4 + y**4, (x, y))
    fact = the_fact(step)
    rejected(with_fact(step, form=fact.form + fact.direction[0] ** 2), ctx, "form")


def test_a_function_replaced_under_the_proof_is_rejected() -> None:
    step, ctx = proved(x**4 + 3 * x**2 * y**2 + y**4, (x, y))
    rejected(replace(step, subject=x**4 + 8 * x**2 * y**2 + y**4), ctx, "form")
    rejected(replace(step, subject=sp.exp(x) + y**4), ctx, "not a polynomial")


def test_a_sat_or_foreign_result_is_rejected() -> None:
    step, ctx = proved(x**4 + y**4, (x, y))
    rejected(with_fact(step, result="sat"), ctx, "not unsat")
    rejected(with_fact(step, solver="cvc5"), ctx, "unknown solver")
    rejected(with_fact(step, method="guesswork"), ctx, "unknown method")
    rejected(replace(step, conclusion="strictly-convex"), ctx, "does not show strictly-convex")


def test_recheck_runs_z3_on_the_recorded_text() -> None:
    """A query that is sat (here: a true minor made negative, consistently recorded
    everywhere the checker could compare it) is caught by the re-run alone."""
    step, ctx = proved(x**4 + y**4, (x, y))
    fact = the_fact(step)
    sat_query = fact.smtlib[0].replace("(< (* 12 g0 g0) 0)", "(> (* 12 g0 g0) 0)")
    assert sat_query != fact.smtlib[0]
    tampered = with_fact(step, smtlib=(sat_query, *fact.smtlib[1:]))
    rejected(tampered, ctx, "SMT-LIB query 0")  # the comparison already catches it
    # The re-run on its own: z3 must answer unsat on every recorded text.
    from convexity_proofs.checker.polynomial import _recheck

    with pytest.raises(CheckFailure, match="answers sat on query 0"):
        _recheck(replace(fact, smtlib=(sat_query,)), "polynomial Hessian")


def test_empty_boxes_are_refused() -> None:
    """An empty parameter domain would make every query unsat: the checker refuses it."""
    step, _ = proved(x**4 + p * x**2, (x,), (p,), {p: POSITIVE})
    empty = context((x,), {p: Domain(F(1), F(1), True, False, "empty")})
    rejected(step, empty, "domain of p is empty")
    flat = context((x,), {x: interval_domain(F(1), F(1)), p: POSITIVE})
    rejected(step, flat, "domain of x has no interior")


def test_generators_must_be_the_variables_then_parameters() -> None:
    step, ctx = proved(x**4 + p * x**2, (x,), (p,), {p: POSITIVE})
    rejected(with_fact(step, symbols=(p, x)), ctx, "first generators are not the variables")
    rejected(with_fact(step, symbols=(x,)), ctx, "not among the generators")
    fact = the_fact(step)
    rejected(with_fact(step, direction=(x,)), ctx, "fresh distinct symbols")
    rejected(with_fact(step, direction=(*fact.direction, y)), ctx, "fresh distinct symbols")


def test_every_polynomial_proof_of_a_shipped_claim_replays() -> None:
    """Each claim in claims/ the decision applies to: whatever it proves (f or -f
    convex, strictly or not) replays, with z3 re-run on the recorded queries."""
    from pathlib import Path

    from convexity_proofs._claimfile import load_claims
    from convexity_proofs.provers.polynomial import polynomial_applicability

    replayed = 0
    for path in sorted((Path(__file__).resolve().parent.parent / "claims").glob("*.toml")):
        for claim in load_claims(path):
            f, v, ps, d = claim.function, claim.variables, claim.parameters, dict(claim.domains)
            if claim.name == "linear-network-is-not-convex":
                continue  # z3 never settles it (see DEFAULT_RLIMIT)
            if polynomial_applicability(f, v, ps, domains=d) is not None:
                continue
            ctx = Context(v, {**{s: REAL for s in f.free_symbols}, **d})
            for sign in (1, -1):
                result = decide_polynomial(sign * f, v, ps, d, timeout_ms=30_000)
                steps = [result.step] if result is not None and result.step is not None else []
                steps.append(decide_polynomial_strict(sign * f, v, ps, d, timeout_ms=30_000))
                for step in steps:
                    if step is not None:
                        concluded = Checker(recheck_z3=True).check(round_trip(step), ctx)
                        assert concluded == step.conclusion, (claim.name, sign)
                        replayed += 1
    assert replayed >= 20
