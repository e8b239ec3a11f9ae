"""Replays of ``symbolic-hessian`` proofs, and tampered ones the checker rejects.

The checker recomputes the Hessian from the subject, the substitution and the field
from the entries, every minor from its own cofactor expansion, and replays each sign
fact on the box; a changed entry, minor, sign, method datum or conclusion must fail.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest
import sympy as sp

from convexity_proofs._proof import (
    CoefficientSignFact,
    Factored,
    MinorFact,
    ProofStep,
    SignFact,
    SolverSignFact,
    SymbolicHessianFact,
    step_from_json,
)
from convexity_proofs._values import NONNEGATIVE, REAL, interval_domain
from convexity_proofs.checker import hessian as _rules  # noqa: F401  (registers)
from convexity_proofs.checker._core import Checker, CheckFailure, Context
from convexity_proofs.kernel.expressions import ExpressionReader, ExpressionTable
from convexity_proofs.kernel.intervals import Interval
from convexity_proofs.provers import hessian

x, y, z = sp.symbols("x y z", real=True)
I = interval_domain  # noqa: E741
BOX = {x: I(2, 5), y: I(2, 5)}
LOG = -sp.log(x * y - 1)


def context(domains, variables=(x, y)) -> Context:
    box = {s: REAL for s in (x, y, z)}
    box.update(domains)
    return Context(tuple(variables), box)


def round_trip(step: ProofStep) -> ProofStep:
    table = ExpressionTable()
    data = step.to_json(table)
    return step_from_json(data, ExpressionReader(table.to_json()), lambda w: w)


def proof(f, domains, *, methods=None, strict=False, monkeypatch=None) -> ProofStep:
    hessian._cached.cache_clear()
    if methods is not None:
        monkeypatch.setattr(hessian, "SIGN_METHODS", methods)
    prover = hessian.symbolic_hessian_strict if strict else hessian.symbolic_hessian
    result = prover(f, (x, y), domains)
    hessian._cached.cache_clear()
    assert result is not None and result.step is not None, result
    return round_trip(result.step)


def rejected(step: ProofStep, ctx: Context, *words: str, recheck: bool = False) -> str:
    with pytest.raises(CheckFailure) as info:
        Checker(recheck_z3=recheck).check(step, ctx)
    text = str(info.value)
    assert "symbolic Hessian" in text, text
    for word in words:
        assert word in text, text
    return text


def with_facts(step: ProofStep, change) -> ProofStep:
    return replace(step, facts=tuple(change(f) for f in step.facts))


def the(step: ProofStep, cls):
    return next(f for f in step.facts if isinstance(f, cls))


def replaced(step: ProofStep, old, new) -> ProofStep:
    return with_facts(step, lambda f: new if f is old else f)


@pytest.fixture(scope="module")
def enclosed() -> ProofStep:
    hessian._cached.cache_clear()
    result = hessian.symbolic_hessian(LOG, (x, y), BOX)
    assert result is not None and result.step is not None
    return round_trip(result.step)


def test_the_proofs_replay(enclosed, monkeypatch) -> None:
    Checker().check(enclosed, context(BOX))
    for methods in (("coefficients",), ("subdivision",)):
        step = proof(LOG, BOX, methods=methods, monkeypatch=monkeypatch)
        kind = CoefficientSignFact if methods == ("coefficients",) else SignFact
        assert any(isinstance(f, kind) for f in step.facts)
        Checker().check(step, context(BOX))
    Checker().check(proof(LOG, BOX, strict=True), context(BOX))


# --- the Hessian and its data --------------------------------------------------------


def test_a_changed_entry_is_rejected(enclosed) -> None:
    fact = the(enclosed, SymbolicHessianFact)
    entries = (fact.entries[0] + 1, *fact.entries[1:])
    step = replaced(enclosed, fact, replace(fact, entries=entries))
    rejected(step, context(BOX), "entry 0")


def test_a_changed_subject_is_rejected(enclosed) -> None:
    rejected(replace(enclosed, subject=-sp.log(x * y - 2)), context(BOX))


def test_a_changed_method_or_box_is_rejected(enclosed) -> None:
    fact = the(enclosed, SymbolicHessianFact)
    step = replaced(enclosed, fact, replace(fact, method="principal-minors"))
    rejected(step, context(BOX), "minors")
    step = replaced(enclosed, fact, replace(fact, method="diagonal"))
    rejected(step, context(BOX), "unknown method")
    # the enclosures were computed on the open box: the closed one's do not fit them
    step = replaced(enclosed, fact, replace(fact, box="domain"))
    rejected(step, context(BOX), "enclose")
    step = replaced(enclosed, fact, replace(fact, box="sometimes"))
    rejected(step, context(BOX), "unknown box")


def test_changed_substitution_data_are_rejected() -> None:
    f = sp.log(sp.exp(x) + sp.exp(y))
    hessian._cached.cache_clear()
    step = round_trip(hessian.symbolic_hessian(f, (x, y), {}).step)
    Checker().check(step, context({}))
    fact = the(step, SymbolicHessianFact)
    (u, _), *rest = fact.substitution
    changed = replace(fact, substitution=((u, sp.exp(2 * x)), *rest))
    rejected(replaced(step, fact, changed), context({}), "substitution")
    (s0, _), *others = fact.bounds
    changed = replace(fact, bounds=((s0, Interval(Fraction(1), None, False, True)), *others))
    rejected(replaced(step, fact, changed), context({}), "bounds")
    changed = replace(fact, generators=tuple(reversed(fact.generators)))
    rejected(replaced(step, fact, changed), context({}), "generators")


def test_a_changed_common_denominator_is_rejected(enclosed) -> None:
    fact = the(enclosed, SymbolicHessianFact)
    (factor, k), *rest = fact.denominator.factors
    changed = replace(fact, denominator=Factored(Fraction(1), ((factor, k - 1), *rest)))
    rejected(replaced(enclosed, fact, changed), context(BOX), "denominator")
    changed = replace(fact, denominator=Factored(Fraction(0), fact.denominator.factors))
    rejected(replaced(enclosed, fact, changed), context(BOX), "L is 0")


# --- minors ---------------------------------------------------------------------------


def test_a_changed_minor_is_rejected(enclosed) -> None:
    minor = the(enclosed, MinorFact)
    bad = replace(minor, numerator=replace(minor.numerator, constant=minor.numerator.constant * 2))
    rejected(replaced(enclosed, minor, bad), context(BOX), "not the minor")
    bad = replace(minor, sign="nonnegative")
    rejected(replaced(enclosed, minor, bad), context(BOX), "the method needs positive")
    bad = replace(minor, subset=(1,))
    rejected(replaced(enclosed, minor, bad), context(BOX), "minors")


def test_a_missing_minor_is_rejected(enclosed) -> None:
    minor = the(enclosed, MinorFact)
    step = replace(enclosed, facts=tuple(f for f in enclosed.facts if f is not minor))
    rejected(step, context(BOX), "minors")


def test_a_denominator_outside_L_is_rejected(enclosed) -> None:
    minor = the(enclosed, MinorFact)
    bad = replace(minor, denominator=Factored(Fraction(1), ((x + 1, 1),)))
    rejected(replaced(enclosed, minor, bad), context(BOX), "not a factor of L")


# --- sign facts -------------------------------------------------------------------------


def test_a_changed_enclosure_or_sign_is_rejected(enclosed) -> None:
    sign = the(enclosed, SignFact)
    bad = replace(sign, enclosure=Interval(Fraction(100), Fraction(101), False, False))
    rejected(replaced(enclosed, sign, bad), context(BOX), "enclose")
    bad = replace(sign, sign="negative")
    rejected(replaced(enclosed, sign, bad), context(BOX))


def test_a_missing_or_extra_sign_fact_is_rejected(enclosed) -> None:
    sign = the(enclosed, SignFact)
    step = replace(enclosed, facts=tuple(f for f in enclosed.facts if f is not sign))
    rejected(step, context(BOX), "no fact shows")
    extra = SignFact(x + 1, "positive", Interval(Fraction(3), Fraction(6), False, False))
    rejected(replace(enclosed, facts=(*enclosed.facts, extra)), context(BOX), "no condition")


def test_changed_coefficient_shifts_are_rejected(monkeypatch) -> None:
    step = proof(LOG, BOX, methods=("coefficients",), monkeypatch=monkeypatch)
    fact = next(f for f in step.facts if isinstance(f, CoefficientSignFact) and len(f.shifts) == 2)
    # a shift past the lower bound: t = x - 3 is not >= 0 on [2, 5]
    (g, _, direction), rest = fact.shifts[0], fact.shifts[1:]
    bad = replace(fact, shifts=((g, Fraction(3), direction), *rest))
    rejected(replaced(step, fact, bad), context(BOX), "its bound")
    bad = replace(fact, shifts=())  # unshifted: the coefficients have both signs
    rejected(replaced(step, fact, bad), context(BOX), "coefficients")


def test_changed_pieces_are_rejected(monkeypatch) -> None:
    step = proof(LOG, BOX, methods=("subdivision",), monkeypatch=monkeypatch)
    fact = next(f for f in step.facts if isinstance(f, SignFact) and f.pieces)
    (piece,) = fact.pieces
    (symbol, _), *rest = piece.box
    half = replace(piece, box=((symbol, I(2, 3)), *rest))
    rejected(replaced(step, fact, replace(fact, pieces=(half,))), context(BOX), "cover")


def test_solver_facts_are_regenerated_and_rechecked() -> None:
    pytest.importorskip("z3")
    f = sp.cosh(x) + sp.cosh(y) - x * y
    hessian._cached.cache_clear()
    step = round_trip(hessian.symbolic_hessian(f, (x, y), {}).step)
    Checker().check(step, context({}))
    Checker(recheck_z3=True).check(step, context({}))
    fact = the(step, SolverSignFact)
    dropped = "\n".join(line for line in fact.smtlib.splitlines() if "(> g2 0)" not in line)
    rejected(replaced(step, fact, replace(fact, smtlib=dropped + "\n")), context({}), "SMT-LIB")
    rejected(replaced(step, fact, replace(fact, result="sat")), context({}), "not unsat")
    rejected(replaced(step, fact, replace(fact, solver="cvc5")), context({}), "unknown solver")
    # a query that is sat: the recheck catches a forged answer
    forged = fact.smtlib.replace("(assert (< ", "(assert (> ")
    bad = replace(fact, smtlib=forged, sign="nonpositive")
    rejected(replaced(step, fact, bad), context({}), recheck=True)


# --- conclusions and contexts ------------------------------------------------------------


def test_strictness_needs_leading_minors_on_the_domain(enclosed) -> None:
    rejected(replace(enclosed, conclusion="strictly-convex"), context(BOX), "strict")
    strict = proof(LOG, BOX, strict=True)
    # strict in (x, y) is not strict in (x, y, z)
    rejected(strict, context(BOX, (x, y, z)), "strict convexity in")
    Checker().check(replace(strict, conclusion="convex"), context(BOX, (x, y, z)))
    rejected(replace(enclosed, conclusion="concave"), context(BOX), "concludes convex")


def test_entries_undefined_on_the_box_are_rejected() -> None:
    f = x ** sp.Rational(3, 2) + y ** sp.Rational(3, 2) + (x - y) ** 2
    domains = {x: NONNEGATIVE, y: NONNEGATIVE}
    hessian._cached.cache_clear()
    step = round_trip(hessian.symbolic_hessian(f, (x, y), domains).step)
    Checker().check(step, context(domains))
    fact = the(step, SymbolicHessianFact)
    rejected(
        replaced(step, fact, replace(fact, box="domain")), context(domains), "not shown defined"
    )


def test_other_variables_and_degenerate_boxes_are_rejected(enclosed) -> None:
    rejected(replace(enclosed, subject=LOG + z), context(BOX, (x, y, z)), "outside the Hessian")
    flat = {x: I(2, 2), y: I(2, 5)}
    rejected(enclosed, context(flat), "no interior")


def test_deep_function_nests_are_refused_before_differentiation() -> None:
    """A reviewer's atan(atan(...)) nest: its Hessian grows like depth**3..4 and a
    60-deep one made SymPy's diff recurse too deeply; both sides refuse it first."""
    from convexity_proofs.checker._size import MAX_FUNCTION_DEPTH, function_depth
    from convexity_proofs.provers.hessian import hessian_applicability

    x, y = sp.symbols("x y")
    nest = x * y + x
    for _ in range(MAX_FUNCTION_DEPTH + 1):
        nest = sp.atan(nest)
    assert function_depth(nest) == MAX_FUNCTION_DEPTH + 1
    why = hessian_applicability(nest, (x, y))
    assert why is not None and "nested" in why
