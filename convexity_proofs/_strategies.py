"""The strategies for one curvature question ("is sign·f convex?"), cheapest first.

Each is a small adapter from the :class:`~convexity_proofs._problem.Problem` to one
prover or refuter module; the engine (:mod:`convexity_proofs._engine`) runs them in
the order of ``cost``:

==== ===================== ==================================================== =====
cost strategy              answers                                              share
==== ===================== ==================================================== =====
10   composition rules     proved (atom table; second-order provers for terms)  0.5
15   piecewise             proved piece by piece, or refuted across a kink      0.5
20   constant Hessian      proved, or refuted by an exact negative direction    0.5
30   second derivative     proved (one variable), or refuted by a direction     0.5
35   symbolic Hessian      proved (2-6 variables: minors' signs shown exactly)  0.5
40   permutation argument  refuted (a proved symmetry and a certified midpoint) 0.3
50   curvature search      refuted (smooth f: certified negative curvature)     0.5
60   polynomial decision   proved or refuted (z3, small polynomials)            0.5
70   segment search        refuted (Jensen's inequality fails, certified)       0.8
80   curvature search      refuted (non-smooth f, away from kinks)              1.0
==== ===================== ==================================================== =====

Provers reason about ``problem.function`` and count only when every definedness
obligation of the written text is established (``problem.total``); refuters certify
on ``problem.carrier``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import sympy

from convexity_proofs._brief import brief
from convexity_proofs._early_exit import twice_differentiable
from convexity_proofs._problem import Problem
from convexity_proofs._proof import ProofStep
from convexity_proofs._strategy import Inconclusive, Outcome, Proved, Refuted, Strategy
from convexity_proofs._values import Domain, Uncovered, Witness
from convexity_proofs.checker._core import negated
from convexity_proofs.provers import composition, hessian, piecewise, polynomial, second_order
from convexity_proofs.refuters import curvature, permutation, segment
from convexity_proofs.refuters import piecewise as kinks
from convexity_proofs.refuters._space import narrowed_domains, simple_values

#: A z3 query may use at most this many milliseconds of the remaining budget.
Z3_CAP_MS = 5000


def signed_step(step: ProofStep | None, sign: int, subject: sympy.Expr) -> ProofStep | None:
    """A proof about sign·``subject``, presented as a proof about ``subject``: for
    sign < 0, −f convex is f concave (the ``negation`` rule)."""
    if step is None or sign > 0:
        return step
    return ProofStep("negation", subject, negated(step.conclusion), children=(step,))


def not_defined_note(problem: Problem) -> str:
    missing = problem.undefined_obligations
    if missing:
        shown = ", ".join(ob.describe() for ob in missing[:3])
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        return (
            f"the function as written is not proved defined on the whole domain: {shown}{more} "
            "is not established (declare the domains of its symbols)"
        )
    return (
        "the function is not proved defined on the whole domain "
        "(declare the domains of its symbols)"
    )


#: What a prover's run says when the prover takes the function after all (its
#: applicability check passed, so it ran: "does not apply" is only for strategies that
#: did not run).
DECLINED = "the prover found no form it decides after its applicability check passed"

#: What a prover says when it would prove the judged expression, which does not count.
NOT_DEFINED = (
    "the judged expression satisfies the rule, but that proves nothing: the function as "
    "written is not proved defined on the whole domain (see 'definedness')"
)


def analysis(problem: Problem) -> composition.Analysis:
    """The composition rules' verdict on the whole function, computed once per claim.

    A conclusion also needs the function as written defined on the whole domain (its
    obligations, and constant coefficients such as log(p) for a parameter p): without
    that the analysis is downgraded to UNKNOWN, for every property that uses it.
    """
    if problem.shared.analysis is None:
        result = composition.analyse(
            problem.function, problem.variables, problem.domains, second_order_fallback(problem)
        )
        if result.curvature is not composition.Curvature.UNKNOWN and not problem.total:
            result = composition.Analysis(
                composition.Curvature.UNKNOWN,
                None,
                problem.function,
                "the rules apply, but " + not_defined_note(problem),
            )
        problem.shared.analysis = result
    return problem.shared.analysis  # type: ignore[no-any-return]


#: The subdivision budget of :func:`second_order.univariate` on a subterm: the fallback
#: may try every subterm, so each gets few pieces (fixed, so verdicts do not depend on
#: the machine's speed).
SUBTERM_PIECES = 16


def _subterm_univariate(
    expr: sympy.Expr, variables: tuple[sympy.Symbol, ...], domains: Mapping[sympy.Symbol, Domain]
) -> second_order.SecondOrderResult | None:
    return second_order.univariate(expr, variables, domains, max_pieces=SUBTERM_PIECES)


def second_order_fallback(problem: Problem) -> composition.Fallback:
    """Second-order provers for subterms the composition rules cannot handle (the
    composer's fallback, for the curvature and the quasiconvexity provers alike)."""

    def prove(sub: sympy.Expr, own: tuple[sympy.Symbol, ...]) -> composition.Analysis | None:
        if (
            isinstance(sub, sympy.Piecewise)
            and sub != problem.function
            and set(own) <= set(problem.variables)
        ):
            # A Piecewise term (the whole function is the "piecewise" strategy's).
            for sign, curvature_ in (
                (1, composition.Curvature.CONVEX),
                (-1, composition.Curvature.CONCAVE),
            ):
                found = piecewise.prove(sub, problem.variables, problem.domains, sign, strict=False)
                if found.step is not None:
                    return composition.Analysis(curvature_, found.step)
        for sign, curvature_ in (
            (1, composition.Curvature.CONVEX),
            (-1, composition.Curvature.CONCAVE),
        ):
            for prover in (
                second_order.quadratic,
                _subterm_univariate,
                hessian.symbolic_hessian_subterm,
            ):
                result = prover(sign * sub, own, problem.domains)
                if result is not None and result.convex is True and result.step is not None:
                    # Strictness in the subterm's own variables is not strictness in
                    # all of them: the composition rules use plain convexity only.
                    step = dataclasses.replace(result.step, conclusion="convex")
                    return composition.Analysis(curvature_, signed_step(step, sign, sub))
        return None

    return prove


def interior_point(problem: Problem) -> dict[sympy.Symbol, Fraction]:
    """A simple point: variables strictly inside their domains, parameters anywhere."""
    point = {s: simple_values(problem.domains[s], interior=True)[0] for s in problem.variables}
    point.update(
        {s: simple_values(problem.domains[s], interior=False)[0] for s in problem.parameters}
    )
    return point


def certify_direction(problem: Problem, direction: dict[sympy.Symbol, Fraction]) -> Witness | None:
    return curvature.certify_curvature(
        problem.carrier,
        interior_point(problem),
        direction,
        problem.variables,
        problem.parameters,
        sign=problem.sign,
    )


# --- provers ------------------------------------------------------------------------


@dataclass(frozen=True)
class CompositionRules:
    name: str = "composition rules"
    cost: int = 10
    share: float = 0.5

    def why_not(self, problem: Problem) -> str | None:
        if not problem.total:
            return "the rules only prove, and no proof counts (see 'definedness')"
        return None

    def run(self, problem: Problem) -> Outcome:
        result = analysis(problem)
        want = result.curvature.is_convex if problem.sign > 0 else result.curvature.is_concave
        if want:
            step = result.step or ProofStep("affine", problem.function, "affine")
            return Proved((step,))
        if result.curvature is composition.Curvature.UNKNOWN:
            culprit = brief(result.culprit, 100) if result.culprit is not None else "?"
            uncovered = None
            if result.culprit is not None:
                uncovered = Uncovered(result.culprit, result.why, result.near)
            return Inconclusive(f"no rule for {culprit}: {result.why}", uncovered)
        return Inconclusive(f"the rules show the function is {result.curvature.value}")


@dataclass(frozen=True)
class SecondOrder:
    """A constant Hessian (exact LDLᵀ) or one variable's f'' (Sturm or intervals)."""

    name: str
    cost: int
    prover: str  # "quadratic" or "univariate"
    share: float = 0.5

    def why_not(self, problem: Problem) -> str | None:
        check = {
            "quadratic": second_order.quadratic_applicability,
            "univariate": second_order.univariate_applicability,
        }[self.prover]
        return check(problem.signed, problem.variables)

    def run(self, problem: Problem) -> Outcome:
        result = getattr(second_order, self.prover)(
            problem.signed, problem.variables, problem.domains
        )
        if result is None:
            return Inconclusive(DECLINED)
        if result.convex is True:
            if not problem.total:
                return Inconclusive(NOT_DEFINED)
            return Proved(
                (signed_step(result.step, problem.sign, problem.function),),  # type: ignore[arg-type]
                strict=result.strict,
                flat_direction=result.flat_direction,
            )
        if result.negative_direction is not None:
            witness = certify_direction(problem, result.negative_direction)
            if witness is not None:
                return Refuted(witness)
        return Inconclusive(result.note or "could not establish the sign")


@dataclass(frozen=True)
class PolynomialDecision:
    name: str = "polynomial decision (z3)"
    cost: int = 60
    share: float = 0.5

    def why_not(self, problem: Problem) -> str | None:
        return polynomial.polynomial_applicability(
            problem.signed, problem.variables, problem.parameters, domains=problem.domains
        )

    def run(self, problem: Problem) -> Outcome:
        budget = problem.deadline.remaining_ms(cap=Z3_CAP_MS)
        if budget <= 0:
            return Inconclusive("no time left for the query")
        result = polynomial.decide_polynomial(
            problem.signed,
            problem.variables,
            problem.parameters,
            problem.domains,
            timeout_ms=budget,
        )
        if result is None:
            return Inconclusive(DECLINED)
        if result.convex is True and result.step is not None:
            if not problem.total:
                return Inconclusive(NOT_DEFINED)
            return Proved((signed_step(result.step, problem.sign, problem.function),))  # type: ignore[arg-type]
        if result.convex is False and result.point is not None and result.direction is not None:
            # z3's model was already re-checked exactly; certify again with our own judge.
            witness = curvature.certify_curvature(
                problem.carrier,
                result.point,
                result.direction,
                problem.variables,
                problem.parameters,
                sign=problem.sign,
            )
            if witness is not None:
                return Refuted(witness)
        return Inconclusive(result.note or "no answer within the resource limit")


@dataclass(frozen=True)
class PiecewiseRule:
    """A Piecewise of one variable or of one linear form (provers/piecewise.py): proved
    piece by piece, or refuted by a certified segment across a failing breakpoint."""

    name: str = "piecewise"
    cost: int = 15
    share: float = 0.5

    def why_not(self, problem: Problem) -> str | None:
        return piecewise.applicability(problem.function)

    def run(self, problem: Problem) -> Outcome:
        result = piecewise.prove(problem.function, problem.variables, problem.domains, problem.sign)
        if result.step is not None:
            if not problem.total:
                return Inconclusive(NOT_DEFINED)
            return Proved((result.step,), strict=result.strict)
        line = result.line
        points = [(f.point, f.place) for f in result.failures if f.point is not None]
        if line is not None and points:
            found = kinks.straddling_witness(
                problem.carrier,
                line.form,
                points,
                line.image,
                problem.variables,
                problem.parameters,
                problem.domains,
                sign=problem.sign,
                total=problem.total,
                deadline=problem.deadline,
            )
            if found is not None:
                return Refuted(found)
        return Inconclusive(result.note or "the rule's conditions are not established")


@dataclass(frozen=True)
class SymbolicHessian:
    """The symbolic Hessian proved positive (semi)definite on the whole domain
    (provers/hessian.py): leading minors > 0 or principal minors >= 0, each sign shown
    exactly.  Proves only; positive definite on the domain proves strictness."""

    name: str = "symbolic Hessian"
    cost: int = 35
    share: float = 0.5

    def why_not(self, problem: Problem) -> str | None:
        return hessian.hessian_applicability(problem.signed, problem.variables)

    def run(self, problem: Problem) -> Outcome:
        result = hessian.symbolic_hessian(problem.signed, problem.variables, problem.domains)
        if result is None:
            return Inconclusive(DECLINED)
        if result.convex is True and result.step is not None:
            if not problem.total:
                return Inconclusive(NOT_DEFINED)
            step = signed_step(result.step, problem.sign, problem.function)
            return Proved((step,), strict=result.strict)  # type: ignore[arg-type]
        return Inconclusive(result.note or "the minors' signs were not established")


# --- refuters -----------------------------------------------------------------------


def _no_program(problem: Problem) -> str | None:
    if problem.program is None:
        return "the function holds something the numeric search cannot evaluate"
    return None


def search_domains(problem: Problem) -> dict[sympy.Symbol, Domain]:
    """Where the curvature and segment searches look: the domain, cut down to where the
    written function can be defined when that is not the whole box (every point drawn
    is still in the claim's domain; refuters/_space.narrowed_domains)."""
    if problem.total:
        return problem.domains
    return narrowed_domains(problem.domains, problem.obligations)


@dataclass(frozen=True)
class PermutationArgument:
    name: str = "permutation argument"
    cost: int = 40
    share: float = 0.3

    def why_not(self, problem: Problem) -> str | None:
        if len(problem.variables) < 2:
            return "it needs at least two variables"
        return _no_program(problem)

    def run(self, problem: Problem) -> Outcome:
        swap = permutation.find_invariant_swap(
            problem.function, problem.variables, problem.deadline, problem.claim.symmetry_hints
        )
        if swap is None:
            return Inconclusive("no swap of symbol groups was proved to leave f unchanged")
        found = permutation.find_permutation_witness(
            problem.carrier,
            problem.program,
            problem.variables,
            problem.parameters,
            problem.domains,
            swap,
            sign=problem.sign,
            total=problem.total,
            seed=problem.seed,
            tries=256,
            deadline=problem.deadline,
        )
        if found is None:
            return Inconclusive(
                f"f is invariant under {permutation.describe(swap)}, "
                "but no midpoint above the chord was certified"
            )
        return Refuted(found)


@dataclass(frozen=True)
class NetworkSearch:
    """The network witness search of structured claims, on a small model claim whose
    loss is also written out: a network evaluated as a computation (floats to search,
    Arb balls to certify) refutes in milliseconds what the scalar searches take seconds
    for.  Only when the question is about the model's loss itself, every symbol is a
    variable and every domain is the real line (a model witness knows no domains)."""

    name: str = "network search"
    # First: with every weight of a hidden layer a variable a network is (almost)
    # never convex, and the provers spend seconds on its loss before they give up.
    cost: int = 5
    share: float = 0.3

    def why_not(self, problem: Problem) -> str | None:
        model = problem.claim.model
        if model is None or model.network is None:
            return "the claim is not about a model with numeric data"
        if model.network.depth < 2:
            return "the model has no hidden layer"
        if model.function is None or not (
            problem.function is model.function or problem.function == model.function
        ):
            return "the question is about a function derived from the model's loss"
        if problem.parameters or problem.pinned:
            return "a model witness needs every parameter of the model as a variable"
        if any(d.name != "real" for d in problem.domains.values()):
            return "a model witness needs every domain to be the real line"
        return None

    def run(self, problem: Problem) -> Outcome:
        import dataclasses

        from convexity_proofs._model_engine import NETWORK_TRIES
        from convexity_proofs.refuters.network import find_network_witness

        model = problem.claim.model
        found = find_network_witness(
            model, problem.sign, seed=problem.seed, tries=NETWORK_TRIES, deadline=problem.deadline
        )
        if found is None:
            return Inconclusive(
                f"no certified witness from the network's forward passes ({NETWORK_TRIES} "
                "starting points)"
            )
        return Refuted(dataclasses.replace(found, layout=model.layout))


@dataclass(frozen=True)
class CurvatureSearch:
    name: str
    cost: int
    smooth: bool  # run on smooth functions (before the segment search) or the others
    share: float = 0.5

    def why_not(self, problem: Problem) -> str | None:
        if problem.smooth != self.smooth:
            return (
                "f has kinks (abs, max, min, Piecewise): searched after the segment search"
                if self.smooth
                else "f is smooth: searched before"
            )
        return _no_program(problem)

    def run(self, problem: Problem) -> Outcome:
        points = problem.settings.curvature_points
        found = curvature.find_curvature_witness(
            problem.carrier,
            problem.program,
            problem.variables,
            problem.parameters,
            search_domains(problem),
            sign=problem.sign,
            settings=curvature.CurvatureSearch(points, problem.seed),
            deadline=problem.deadline,
        )
        if found is None:
            return Inconclusive(
                f"no certified negative curvature at {points} points, "
                "nor after a local descent and scans along axis lines"
            )
        return Refuted(found)


@dataclass(frozen=True)
class SegmentSearch:
    name: str = "segment search"
    cost: int = 70
    share: float = 0.8

    def why_not(self, problem: Problem) -> str | None:
        return _no_program(problem)

    def run(self, problem: Problem) -> Outcome:
        cfg = problem.settings.segment
        # f C² around the box: a Jensen violation implies a point of negative curvature,
        # which the curvature search looks for; only the cheap batch runs (_early_exit).
        examples = 0 if twice_differentiable(problem) else cfg.hypothesis_examples
        found = segment.find_segment_witness(
            problem.carrier,
            problem.program,
            problem.variables,
            problem.parameters,
            search_domains(problem),
            sign=problem.sign,
            total=problem.total,
            settings_=segment.SegmentSearch(cfg.batch, cfg.certify_best, examples, problem.seed),
            deadline=problem.deadline,
        )
        if found is None:
            if examples < cfg.hypothesis_examples:
                return Inconclusive(
                    "no certified violation of Jensen's inequality on random segments "
                    "(f is C² on the domain, so the curvature search covers the rest)"
                )
            return Inconclusive("no certified violation of Jensen's inequality")
        return Refuted(found)


#: Every strategy for a curvature question, in the order the engine runs them.
CURVATURE: tuple[Strategy, ...] = tuple(
    sorted(
        (
            CompositionRules(),
            PiecewiseRule(),
            SecondOrder("constant Hessian", 20, "quadratic"),
            SecondOrder("second derivative", 30, "univariate"),
            SymbolicHessian(),
            NetworkSearch(),
            PermutationArgument(),
            CurvatureSearch("curvature search", 50, smooth=True),
            PolynomialDecision(),
            SegmentSearch(),
            CurvatureSearch("curvature search (away from kinks)", 80, smooth=False),
        ),
        key=lambda s: s.cost,
    )
)

#: The strategies that can prove (used alone for a problem with pinned parameters).
PROVERS: tuple[Strategy, ...] = tuple(
    s
    for s in CURVATURE
    if isinstance(
        s, CompositionRules | PiecewiseRule | SecondOrder | SymbolicHessian | PolynomialDecision
    )
)
