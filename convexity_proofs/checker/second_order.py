"""Replays of the second-order rules: a constant Hessian, one variable's f''.

* ``constant-hessian``: the subject is read as a polynomial of degree <= 2 in the
  recorded variables (``sympy.Poly``; the coefficients may involve parameters, the
  second-order ones must be rational numbers), its Hessian is recomputed and compared
  with the recorded matrix entry by entry, and the recorded pivoted LDLᵀ factors are
  checked against it exactly (:func:`convexity_proofs.kernel.psd.check_ldl`: P·H·Pᵀ =
  L·D·Lᵀ, L unit lower triangular, pivots >= 0; all > 0 for strict convexity).
* ``second-derivative-exact``: f'' is recomputed (``sympy.diff``); it must be a rational
  function of the variable with rational coefficients; every base raised to a negative
  power has no root in the domain, P/Q = ``cancel(together(f''))`` is compared with the
  recorded coefficients, each square-free factor of odd multiplicity of P·Q has no root
  inside (``Poly.count_roots``), and P/Q > 0 at the recorded interior sample.
* ``second-derivative-intervals``: f'' is recomputed and its sign re-derived from the
  kernel's own enclosure over the box.
* ``second-derivative-substitution``: f'' is recomputed (no parameters), the kernel's
  substitution (:func:`~convexity_proofs.kernel.substitution.exponential_substitution`)
  is recomputed and must have one new symbol u with the recorded definition and result
  (a rational function of u alone); the recorded image encloses the recomputed range of
  u; every base of f'' raised to a negative power is shown nonzero on the domain (exact,
  :func:`~convexity_proofs.kernel.substitution.nonzero_on`); then the exact sign
  decision of the result in u is replayed on the image as for ``second-derivative-exact``.
* ``second-derivative-subdivision``: the pieces (boxes of the variable, each enclosure
  of f'' recomputed and showing the sign) and the tails (monotone bounds: the
  derivatives of f'' of orders < k recomputed and enclosed at the cut with the right
  signs, the one of order k on the whole tail, every order defined on the tail) together
  cover the domain exactly (:func:`~convexity_proofs.kernel.subdivision.covers`).

Each needs the subject smooth (no abs/max/min/Piecewise) and defined on the whole box
(a DefinedFact, re-derived), so f is C² there and f'' >= 0 makes it convex.  A strict
conclusion needs strictness in every variable of the context.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TypeVar

import sympy
from sympy import QQ, Poly
from sympy.polys.polyerrors import BasePolynomialError

from convexity_proofs._brief import brief
from convexity_proofs._proof import (
    DefinedFact,
    Fact,
    HessianFact,
    ProofStep,
    SignFact,
    SubstitutionFact,
    TailFact,
    UnivariateSignFact,
)
from convexity_proofs._values import REAL, Domain, interval_domain
from convexity_proofs.checker._core import Checker, CheckFailure, Context, require, rule
from convexity_proofs.checker._size import MAX_DIFFERENTIATED_NODES, MAX_TERMS, small_enough
from convexity_proofs.checker.composition import SHOWS, encloses, only_facts, replay_sign
from convexity_proofs.functions import NON_SMOOTH_HEADS
from convexity_proofs.kernel.intervals import Undefined, from_domain, range_of
from convexity_proofs.kernel.psd import check_ldl
from convexity_proofs.kernel.subdivision import (
    MAX_PIECES,
    Piece,
    covers,
    enclosure_on,
    node_count,
)
from convexity_proofs.kernel.substitution import (
    as_real,
    exponential_substitution,
    image_domain,
    negative_power_bases,
    nonzero_on,
)

F = TypeVar("F", bound=Fact)

#: Exponents above this are refused by the exact sign replay (polynomials too large).
_MAX_EXPONENT = 512
#: Monotone tail bounds of higher order, and more pieces than the kernel's
#: ``MAX_PIECES``, are refused.
MAX_TAIL_ORDER = 4


def _show(expr: sympy.Basic) -> str:
    return brief(expr, 60)


def _one(step: ProofStep, cls: type[F], what: str) -> F:
    found: list[F] = step.facts_of(cls)
    require(len(found) == 1, f"{what}: needs exactly one {cls.kind} fact, found {len(found)}")
    return found[0]


def replay_defined(step: ProofStep, context: Context, what: str) -> None:
    """The step's DefinedFact is about its subject, and the kernel shows the subject
    defined on the whole box within the recorded enclosure."""
    fact = _one(step, DefinedFact, what)
    assert isinstance(fact, DefinedFact)
    require(fact.subject == step.subject, f"{what}: the defined fact is not about the subject")
    try:
        box = range_of(step.subject, context.domains)
    except Undefined as exc:
        raise CheckFailure(
            f"{what}: {_show(step.subject)} is not shown defined on the box ({exc})"
        ) from None
    require(
        encloses(fact.enclosure, box),
        f"{what}: the recorded enclosure {fact.enclosure} of the subject does not enclose "
        f"the recomputed {box}",
    )


def _smooth(expr: sympy.Expr, what: str, name: str) -> None:
    # The registry's heads with kinks (Abs, Max, Min, Piecewise, sign, Heaviside): a
    # function holding one is not twice differentiable, so the rules refuse it.
    require(not expr.has(*NON_SMOOTH_HEADS), f"{what}: {name} is not smooth (abs, max, min, ...)")


def _strict_allowed(
    step: ProofStep, context: Context, variables: set[sympy.Symbol], what: str
) -> None:
    require(
        step.conclusion in ("convex", "strictly-convex"),
        f"{what}: the rule concludes convex or strictly-convex, not {step.conclusion}",
    )
    if step.conclusion == "strictly-convex":
        require(
            variables == set(context.variables),
            f"{what}: strict convexity in {sorted(map(str, variables))} is not strict "
            f"convexity in all the variables {[str(v) for v in context.variables]}",
        )


# --- constant Hessian -------------------------------------------------------------------


def hessian_of(
    subject: sympy.Expr, variables: tuple[sympy.Symbol, ...], what: str
) -> list[list[Fraction]]:
    """The constant Hessian of a polynomial of degree <= 2 in ``variables``."""
    require(
        small_enough(subject),
        f"{what}: the subject would expand to more than {MAX_TERMS} terms",
    )
    try:
        poly = Poly(subject, *variables)
    except (BasePolynomialError, ValueError) as exc:
        raise CheckFailure(
            f"{what}: the subject is not a polynomial in the variables ({exc})"
        ) from None
    require(poly.total_degree() <= 2, f"{what}: degree {poly.total_degree()} is above 2")
    n = len(variables)
    hessian = [[Fraction(0)] * n for _ in range(n)]
    for monom, coeff in poly.terms():
        if sum(monom) != 2:
            continue
        require(
            bool(coeff.is_Rational),
            lambda: f"{what}: the second-order coefficient {_show(coeff)} is not a rational number",
        )
        c = Fraction(int(coeff.p), int(coeff.q))
        i, j = [k for k, e in enumerate(monom) for _ in range(e)]
        if i == j:
            hessian[i][i] += 2 * c
        else:
            hessian[i][j] += c
            hessian[j][i] += c
    return hessian


@rule("constant-hessian")
def check_constant_hessian(step: ProofStep, context: Context, checker: Checker) -> None:
    what = "constant Hessian"
    only_facts(step, (HessianFact, DefinedFact), what)
    fact = _one(step, HessianFact, what)
    assert isinstance(fact, HessianFact)
    variables = fact.variables
    require(len(variables) >= 1, f"{what}: no variables")
    require(len(set(variables)) == len(variables), f"{what}: a variable is listed twice")
    require(
        all(context.is_variable(v) for v in variables),
        f"{what}: the Hessian is in symbols that are not variables of the step",
    )
    others = {s for s in step.subject.free_symbols if context.is_variable(s)} - set(variables)
    require(
        not others,
        f"{what}: the subject depends on {sorted(map(str, others))}, outside the Hessian",
    )
    _smooth(step.subject, what, "the subject")
    replay_defined(step, context, what)
    hessian = hessian_of(step.subject, variables, what)
    n = len(variables)
    require(
        len(fact.matrix) == n and all(len(row) == n for row in fact.matrix),
        f"{what}: the recorded Hessian is not {n}×{n}",
    )
    for i in range(n):
        for j in range(n):
            require(
                fact.matrix[i][j] == hessian[i][j],
                f"{what}: Hessian entry ({i}, {j}) is recorded as {fact.matrix[i][j]}, but the "
                f"subject gives {hessian[i][j]}",
            )
    problem = check_ldl(hessian, fact.order, fact.lower, fact.pivots)
    require(problem is None, f"{what}: the LDLᵀ factors do not check: {problem}")
    _strict_allowed(step, context, set(variables), what)
    if step.conclusion == "strictly-convex":
        require(
            all(p > 0 for p in fact.pivots),
            f"{what}: a zero pivot: the Hessian is only semidefinite, not strictly convex",
        )


# --- one variable: f'' ------------------------------------------------------------------


def _the_variable(
    step: ProofStep, context: Context, x: sympy.Symbol | None, what: str
) -> sympy.Symbol:
    depends = {s for s in step.subject.free_symbols if context.is_variable(s)}
    if x is None:
        require(
            len(depends) == 1,
            f"{what}: the subject depends on {len(depends)} variables, not exactly one",
        )
        (x,) = depends
    require(context.is_variable(x), f"{what}: {x} is not a variable of the step")
    require(depends <= {x}, f"{what}: the subject depends on variables other than {x}")
    return x


def _second_derivative(step: ProofStep, x: sympy.Symbol, what: str) -> sympy.Expr:
    _smooth(step.subject, what, "the subject")
    second = sympy.diff(step.subject, x, 2)
    require(
        not second.has(sympy.Derivative, sympy.Subs),
        f"{what}: the second derivative has no closed form",
    )
    _smooth(second, what, "the second derivative")
    return second


@rule("second-derivative-intervals")
def check_second_derivative_intervals(step: ProofStep, context: Context, checker: Checker) -> None:
    what = "second derivative (intervals)"
    only_facts(step, (SignFact, DefinedFact), what)
    fact = _one(step, SignFact, what)
    assert isinstance(fact, SignFact)
    x = _the_variable(step, context, None, what)
    replay_defined(step, context, what)
    second = _second_derivative(step, x, what)
    require(
        fact.subject == second, lambda: f"{what}: the sign fact is not about f'' = {_show(second)}"
    )
    require(
        fact.sign in ("nonnegative", "positive"),
        f"{what}: f'' {fact.sign} does not make f convex",
    )
    replay_sign(fact, context, f"{what}: f'' is {fact.sign}")
    _strict_allowed(step, context, {x}, what)
    if step.conclusion == "strictly-convex":
        require(fact.sign == "positive", f"{what}: f'' >= 0 does not make f strictly convex")


def rational_bases(expr: sympy.Expr, x: sympy.Symbol, what: str, name: str) -> list[sympy.Expr]:
    """The bases raised to negative powers; fails unless ``expr`` (``name`` in messages)
    is a rational function of ``x`` with rational coefficients."""
    bases: list[sympy.Expr] = []
    stack = [expr]
    while stack:
        node = stack.pop()
        if node == x or node.is_Rational:
            continue
        if isinstance(node, sympy.Add | sympy.Mul):
            stack.extend(node.args)
            continue
        if isinstance(node, sympy.Pow) and node.exp.is_Integer:
            require(
                abs(int(node.exp)) <= _MAX_EXPONENT,
                f"{what}: an exponent above {_MAX_EXPONENT}",
            )
            stack.append(node.base)
            if node.exp < 0:
                bases.append(node.base)
            continue
        raise CheckFailure(
            f"{what}: {name} is not a rational function of {x} with rational coefficients "
            f"(it contains {_show(node)})"
        )
    return bases


def polynomial_over_qq(expr: sympy.Expr, x: sympy.Symbol, what: str) -> Poly:
    """``expr`` as a polynomial in ``x`` over the rationals; fails when it is not one."""
    try:
        return Poly(expr, x, domain=QQ)
    except (BasePolynomialError, ValueError) as exc:
        raise CheckFailure(f"{what}: {_show(expr)} is not a polynomial over QQ ({exc})") from None


def _rational(q: Fraction) -> sympy.Rational:
    return sympy.Rational(q.numerator, q.denominator)


def polynomial_at(poly: Poly, q: Fraction) -> Fraction:
    """The exact value of a polynomial over QQ at ``q``."""
    value = poly.eval(_rational(q))
    return Fraction(int(value.p), int(value.q))


def roots_in(poly: Poly, domain: Domain, *, closed_ends: bool) -> int:
    """Distinct real roots in the domain's interior, plus (``closed_ends``) those at the
    ends the domain contains."""
    lo = None if domain.lo is None else _rational(domain.lo)
    hi = None if domain.hi is None else _rational(domain.hi)
    count = int(poly.count_roots(lo, hi))  # the closed interval [lo, hi]
    for end, is_open in ((domain.lo, domain.lo_open), (domain.hi, domain.hi_open)):
        if end is not None and polynomial_at(poly, end) == 0 and (is_open or not closed_ends):
            count -= 1
    return count


def coefficients(poly: Poly) -> tuple[Fraction, ...]:
    """All the coefficients of a polynomial over QQ, highest degree first."""
    return tuple(Fraction(int(c.p), int(c.q)) for c in poly.all_coeffs())


def replay_exact_sign(
    fact: UnivariateSignFact, x: sympy.Symbol, domain: Domain, what: str, name: str
) -> bool:
    """Replay an exact sign decision "``fact.expression`` >= 0 on the domain of x" (the
    expression is a derivative, ``name`` in messages: f'', f' or −f'): the recorded
    interval is the domain, every base raised to a negative power has no root in it,
    P/Q = ``cancel(together(expression))`` is the recorded numerator and denominator,
    each square-free factor of odd multiplicity of P·Q has no root inside, and P/Q > 0
    at the recorded interior sample.  Returns whether P is a nonzero polynomial (the
    expression has finitely many zeros)."""
    expression = fact.expression
    require(fact.sign == "nonnegative", f"{what}: unknown sign {fact.sign!r}")
    require(
        fact.interval == from_domain(domain),
        f"{what}: the recorded interval {fact.interval} is not the domain of {x}",
    )
    require(
        domain.lo is None or domain.hi is None or domain.lo < domain.hi,
        f"{what}: the domain of {x} has empty interior",
    )
    bases = rational_bases(expression, x, what, name)
    require(all(c == 0 for c in fact.poles), f"{what}: a recorded pole count is not 0")
    for base in bases:
        # A base may itself be a quotient (1 + 1/x): it vanishes where its numerator
        # does; where its own denominators vanish is covered by their own bases, which
        # the walk above collected too.
        poly = polynomial_over_qq(sympy.fraction(sympy.together(base))[0], x, what)
        require(not poly.is_zero, f"{what}: a denominator is identically 0")
        require(
            roots_in(poly.sqf_part(), domain, closed_ends=True) == 0,
            lambda: f"{what}: the denominator {_show(base)} vanishes in the domain",
        )
    require(
        small_enough(expression),
        f"{what}: {name} would expand to more than {MAX_TERMS} terms",
    )
    num, den = sympy.fraction(sympy.cancel(sympy.together(expression)))
    p, q = polynomial_over_qq(num, x, what), polynomial_over_qq(den, x, what)
    require(not q.is_zero, f"{what}: the denominator of {name} is 0")
    require(
        coefficients(p) == fact.numerator,
        f"{what}: the recorded numerator {[str(c) for c in fact.numerator][:8]} is not "
        f"that of {name} ({[str(c) for c in coefficients(p)][:8]})",
    )
    require(
        coefficients(q) == fact.denominator,
        f"{what}: the recorded denominator is not that of {name}",
    )
    if p.is_zero:
        require(
            fact.sample is None and not fact.roots,
            f"{what}: {name} is identically 0: there is no sign to sample",
        )
        return False
    _, factors = (p * q).sqf_list()
    counts = tuple(roots_in(f, domain, closed_ends=False) for f, mult in factors if mult % 2 == 1)
    require(
        counts == fact.roots,
        f"{what}: the recorded root counts {list(fact.roots)} are not the recomputed "
        f"{list(counts)}",
    )
    require(
        all(c == 0 for c in counts),
        f"{what}: a factor of odd multiplicity has a root inside the domain",
    )
    sample = fact.sample
    require(sample is not None, f"{what}: no sample point")
    assert sample is not None
    require(
        domain.contains_interior(sample),
        f"{what}: the sample {sample} is not inside the domain",
    )
    value_q = polynomial_at(q, sample)
    require(value_q != 0, f"{what}: the denominator vanishes at the sample {sample}")
    require(
        polynomial_at(p, sample) / value_q > 0,
        f"{what}: {name} is not positive at the sample {x} = {sample}",
    )
    return True


@rule("second-derivative-exact")
def check_second_derivative_exact(step: ProofStep, context: Context, checker: Checker) -> None:
    what = "second derivative (exact)"
    only_facts(step, (UnivariateSignFact, DefinedFact), what)
    fact = _one(step, UnivariateSignFact, what)
    assert isinstance(fact, UnivariateSignFact)
    x = _the_variable(step, context, fact.variable, what)
    replay_defined(step, context, what)
    second = _second_derivative(step, x, what)
    require(
        fact.expression == second,
        lambda: (
            f"{what}: the sign fact is about {_show(fact.expression)}, not f'' = {_show(second)}"
        ),
    )
    require(
        second.free_symbols <= {x},
        f"{what}: f'' depends on parameters: the exact decision does not apply",
    )
    strict = replay_exact_sign(fact, x, context.domains.get(x, REAL), what, "f''")
    _strict_allowed(step, context, {x}, what)
    if step.conclusion == "strictly-convex":
        require(strict, f"{what}: f'' is identically 0: f is affine, not strictly convex")


# --- one variable beyond rational functions -------------------------------------------


@rule("second-derivative-substitution")
def check_second_derivative_substitution(
    step: ProofStep, context: Context, checker: Checker
) -> None:
    what = "second derivative (substitution)"
    only_facts(step, (SubstitutionFact, UnivariateSignFact, DefinedFact), what)
    fact = _one(step, SubstitutionFact, what)
    decided = _one(step, UnivariateSignFact, what)
    assert isinstance(fact, SubstitutionFact) and isinstance(decided, UnivariateSignFact)
    x = _the_variable(step, context, fact.variable, what)
    replay_defined(step, context, what)
    second = _second_derivative(step, x, what)
    require(
        fact.subject == second,
        lambda: f"{what}: the substitution is about {_show(fact.subject)}, not f''",
    )
    require(
        second.free_symbols <= {x},
        f"{what}: f'' depends on parameters: the exact decision does not apply",
    )
    require(small_enough(second), f"{what}: f'' would expand to more than {MAX_TERMS} terms")
    sub = exponential_substitution(second, (x,), context.domains)
    require(
        sub is not None and len(sub.definitions) == 1,
        f"{what}: f'' is not a rational function of one exp(x/q) or x**(1/q)",
    )
    assert sub is not None
    ((v, definition),) = sub.definitions
    symbol = sympy.Symbol(v.name, real=True)
    require(
        fact.symbol == symbol and fact.definition == definition,
        lambda: (
            f"{what}: the recorded substitution {fact.symbol} = {_show(fact.definition)} is "
            f"not the recomputed {symbol} = {_show(definition)}"
        ),
    )
    result = as_real(sub)
    require(
        fact.result == result and result.free_symbols <= {symbol},
        lambda: f"{what}: the recorded result is not the recomputed {_show(result)}",
    )
    image = sub.bounds[0][1]
    require(
        encloses(fact.image, image),
        f"{what}: the recorded image {fact.image} does not enclose the range {image} of {symbol}",
    )
    for base in negative_power_bases(second, frozenset({x})):
        require(
            nonzero_on(base, x, context.domains),
            lambda: f"{what}: the denominator {_show(base)} is not shown nonzero on the domain",
        )
    require(
        decided.variable == symbol and decided.expression == result,
        f"{what}: the sign decision is not about the substituted f'' in {symbol}",
    )
    strict = replay_exact_sign(
        decided, symbol, image_domain(fact.image), what, "f'' in " + str(symbol)
    )
    _strict_allowed(step, context, {x}, what)
    if step.conclusion == "strictly-convex":
        require(strict, f"{what}: f'' is identically 0: f is affine, not strictly convex")


def _tail_piece(fact: TailFact) -> Piece:
    d = (
        Domain(fact.cut, None, False, True, "interval")
        if fact.side == "right"
        else Domain(None, fact.cut, True, False, "interval")
    )
    return Piece(((fact.variable, d),), fact.bound)


def replay_tail(fact: TailFact, context: Context, what: str) -> None:
    """g >= 0 on the tail: each derivative of order j < k is defined on the tail and
    s^j·g^(j)(cut) >= 0 (enclosure at the cut), s^k·g^(k) >= 0 on the tail (enclosure),
    s = 1 on the right, -1 on the left; the recorded enclosures contain the recomputed."""
    require(fact.side in ("right", "left"), f"{what}: unknown tail side {fact.side!r}")
    k = len(fact.values)
    require(1 <= k <= MAX_TAIL_ORDER, f"{what}: a tail bound of order {k}")
    sign = 1 if fact.side == "right" else -1
    x = fact.variable
    tail = _tail_piece(fact).box[0][1]
    point = interval_domain(fact.cut, fact.cut)
    derivative = fact.subject
    for j in range(k + 1):
        # Bounded before each differentiation (and the last derivative before its
        # enclosure): derivatives grow, and an untrusted subject may be large.
        require(
            node_count(derivative, MAX_DIFFERENTIATED_NODES) < MAX_DIFFERENTIATED_NODES,
            f"{what}: the derivative of order {j} has {MAX_DIFFERENTIATED_NODES} nodes or more",
        )
        if j:
            derivative = sympy.diff(derivative, x)
            require(
                node_count(derivative, MAX_DIFFERENTIATED_NODES) < MAX_DIFFERENTIATED_NODES,
                f"{what}: the derivative of order {j} has {MAX_DIFFERENTIATED_NODES} nodes or more",
            )
        on_tail = enclosure_on(derivative, context.domains, ((x, tail),))
        require(
            on_tail is not None,
            f"{what}: the derivative of order {j} is not shown defined on the tail",
        )
        assert on_tail is not None
        if j == k:
            require(
                encloses(fact.bound, on_tail),
                f"{what}: the recorded bound {fact.bound} does not enclose {on_tail}",
            )
            signed = on_tail if sign**j > 0 else -on_tail
            require(
                signed.is_nonnegative(),
                f"{what}: the derivative of order {k} has not the right sign on the tail",
            )
            continue
        at_cut = enclosure_on(derivative, context.domains, ((x, point),))
        require(at_cut is not None, f"{what}: the derivative of order {j} at the cut")
        assert at_cut is not None
        require(
            encloses(fact.values[j], at_cut),
            f"{what}: the recorded value {fact.values[j]} does not enclose {at_cut}",
        )
        signed = at_cut if sign**j > 0 else -at_cut
        require(
            signed.is_nonnegative(),
            f"{what}: the derivative of order {j} has not the right sign at the cut",
        )


@rule("second-derivative-subdivision")
def check_second_derivative_subdivision(
    step: ProofStep, context: Context, checker: Checker
) -> None:
    what = "second derivative (subdivision)"
    only_facts(step, (SignFact, TailFact, DefinedFact), what)
    signs: list[SignFact] = step.facts_of(SignFact)
    tails: list[TailFact] = step.facts_of(TailFact)
    require(len(signs) <= 1, f"{what}: more than one sign fact")
    require(len(tails) <= 2, f"{what}: more than two tails")
    require(
        all(s.pieces for s in signs),
        f"{what}: the sign fact has no pieces (that is the rule second-derivative-intervals)",
    )
    require(bool(signs or tails), f"{what}: neither pieces nor tails")
    x = _the_variable(step, context, None if not tails else tails[0].variable, what)
    replay_defined(step, context, what)
    second = _second_derivative(step, x, what)
    pieces: list[Piece] = []
    for fact in signs:
        require(fact.subject == second, f"{what}: the sign fact is not about f''")
        require(
            fact.sign in ("nonnegative", "positive"),
            f"{what}: f'' {fact.sign} does not make f convex",
        )
        require(
            len(fact.pieces) <= MAX_PIECES and SHOWS[fact.sign](fact.enclosure),
            f"{what}: too many pieces, or the hull does not show {fact.sign}",
        )
        for piece in fact.pieces:
            require(
                tuple(s for s, _ in piece.box) == (x,),
                f"{what}: a piece is not a box of {x} alone",
            )
            box = enclosure_on(second, context.domains, piece.box)
            require(box is not None, f"{what}: f'' is not shown defined on a piece")
            assert box is not None
            require(
                SHOWS[fact.sign](box)
                and encloses(piece.enclosure, box)
                and encloses(fact.enclosure, box),
                lambda: (
                    f"{what}: on a piece the enclosure {box} of f'' does not show "
                    f"{fact.sign} or is not the recorded one"
                ),
            )
        pieces.extend(fact.pieces)
    for tail in tails:
        require(
            tail.subject == second and tail.variable == x,
            f"{what}: a tail bound is not about f'' in {x}",
        )
        replay_tail(tail, context, what)
        pieces.append(_tail_piece(tail))
    require(
        covers(context.domains, (x,), pieces),
        f"{what}: the pieces and tails do not cover the domain of {x}",
    )
    _strict_allowed(step, context, {x}, what)
    if step.conclusion == "strictly-convex":
        require(
            all(s.sign == "positive" for s in signs)
            and all(t.values[0].is_positive() for t in tails),
            f"{what}: f'' > 0 is not shown on every piece and tail",
        )
