"""Replays of the monotonicity rules and of ordered-pair witnesses.

Every monotonicity step (except ``constant``) speaks of one variable v, the context's
only variable: the claim's other variables and its parameters range over their
domains like parameters (an ``in-variable`` root puts the child in such a context).
Each replay re-derives its step:

* ``constant``: the subject involves no variable of the context;
* ``monotone-variable``: the subject is the variable itself (increasing);
* ``monotone-sum``: each term's direction, from its replayed child (a constant or the
  variable needs none), is the sum's; strict needs a strict term;
* ``monotone-scaling``: the constant factor's sign, re-enclosed, keeps (> 0, >= 0) or
  reverses (< 0, <= 0) the child's direction; strictness only with a strict sign;
* ``monotone-composition``: the checker's own atom row (:mod:`.atoms`), its domain
  conditions and, for each argument that depends on v, a monotonicity alternative
  whose sign conditions are re-enclosed, in the direction that argument moves; strict
  needs a strictly monotone row (kinds ``strictly-increasing``/``strictly-decreasing``)
  for a strictly monotone argument;
* ``monotone-product``: every factor re-enclosed nonnegative (positive for a strict
  conclusion, with a strict factor) and monotone in the step's direction;
* ``gradient-sign``: ∂f/∂v recomputed (``sympy.diff``), its enclosure over the box
  recomputed, the subject smooth and defined on the box (a DefinedFact);
* ``first-derivative-exact``: ±f' recomputed, a rational function of v alone, and its
  exact sign decision replayed (poles, root counts of the odd square-free factors,
  the positive sample), the subject smooth and defined on the box.

:func:`check_ordered` re-certifies an :class:`~convexity_proofs._values.OrderedWitness`:
it names exactly the context's variables and parameters, its points lie in their
domains with a <= b and a != b, f(a) and f(b) are recomputed on the carrier (so both
points are where the written function is defined) and enclosed by the recorded
values, which show the relation by themselves; a parameter that ranges over more than
one value needs the witness's box, where f(a) − f(b) is re-enclosed over the box.
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from convexity_proofs._brief import brief
from convexity_proofs._proof import (
    AtomFact,
    DefinedFact,
    ProofStep,
    SignFact,
    UnivariateSignFact,
)
from convexity_proofs._values import REAL, Domain, Enclosure, OrderedWitness, interval_domain
from convexity_proofs.checker._core import (
    Checker,
    CheckFailure,
    Context,
    implies,
    negated,
    require,
    rule,
)
from convexity_proofs.checker._size import MAX_TERMS, small_enough
from convexity_proofs.checker.atoms import MONOTONE_KINDS, Alternatives, Row, row_for
from convexity_proofs.checker.composition import (
    _alternative,
    _conditions,
    replay_sign,
    replay_signs,
    split_product,
)
from convexity_proofs.checker.second_order import (
    _NON_SMOOTH,
    _at,
    _coefficients,
    _qq,
    _rational_bases,
    _roots,
    replay_defined,
)
from convexity_proofs.checker.witness import (
    _check_box,
    _check_precision,
    _check_values,
    _in_domains,
    _named,
    _parameter_symbols,
    witness_check,
)
from convexity_proofs.kernel import intervals
from convexity_proofs.kernel.intervals import from_domain
from convexity_proofs.kernel.witness_values import _Values

#: The conclusions of the monotonicity rules.
MONOTONE = ("constant", "nondecreasing", "increasing", "nonincreasing", "decreasing")
_DIRECTED = MONOTONE[1:]


def _show(expr: sympy.Basic) -> str:
    return brief(expr, 60)


def _direction(conclusion: str) -> int:
    if conclusion in ("nondecreasing", "increasing"):
        return 1
    if conclusion in ("nonincreasing", "decreasing"):
        return -1
    return 0


def _strict(conclusion: str) -> bool:
    return conclusion in ("increasing", "decreasing")


def _the_variable(context: Context, what: str) -> sympy.Symbol:
    require(
        len(context.variables) == 1,
        f"{what}: a monotonicity step speaks of one variable, not {len(context.variables)}",
    )
    return context.variables[0]


def _conclusion(step: ProofStep, what: str, allowed: tuple[str, ...] = _DIRECTED) -> str:
    require(step.conclusion in allowed, f"{what}: cannot conclude {step.conclusion}")
    return step.conclusion


def _only(step: ProofStep, allowed: tuple[type, ...], what: str) -> None:
    for fact in step.facts:
        require(isinstance(fact, allowed), f"{what}: unexpected {fact.kind} fact")


def monotonicity_of(conclusion: str, what: str) -> str:
    """The strongest monotone conclusion a child's conclusion implies."""
    for c in ("constant", "increasing", "decreasing", "nondecreasing", "nonincreasing"):
        if implies(conclusion, c):
            return c
    raise CheckFailure(f"{what}: a child concluding {conclusion} says nothing about monotonicity")


def replay_parts(
    step: ProofStep, parts: tuple[sympy.Expr, ...], context: Context, checker: Checker, what: str
) -> list[str]:
    """The monotonicity of each part: from the child about it, replayed, or constant for
    a part without the variable and increasing for the variable itself.  Every child
    must be about a part."""
    found: dict[sympy.Expr, str] = {}
    for child in step.children:
        if child.subject not in parts:
            raise CheckFailure(
                f"{what}: the child about {_show(child.subject)} is about no part of the subject"
            )
        found[child.subject] = monotonicity_of(checker.check(child, context), what)
    out = []
    for index, part in enumerate(parts):
        if part in found:
            out.append(found[part])
        elif not context.depends(part):
            out.append("constant")
        elif context.is_variable(part):
            out.append("increasing")
        else:
            raise CheckFailure(
                f"{what}: part {index + 1} ({_show(part)}) has no child step showing its "
                "monotonicity"
            )
    return out


def _follows(part: str, direction: int) -> bool:
    """Is a part with conclusion ``part`` weakly monotone in ``direction``?"""
    return part == "constant" or _direction(part) == direction


# --- the lattice ----------------------------------------------------------------------------


@rule("constant")
def check_constant(step: ProofStep, context: Context, checker: Checker) -> None:
    _conclusion(step, "constant", ("constant",))
    require(not step.facts and not step.children, "constant: needs no facts")
    require(
        not context.depends(step.subject),
        lambda: f"constant: {_show(step.subject)} depends on a variable",
    )


@rule("monotone-variable")
def check_variable(step: ProofStep, context: Context, checker: Checker) -> None:
    what = "monotone-variable"
    _conclusion(step, what, ("increasing", "nondecreasing"))
    v = _the_variable(context, what)
    require(not step.facts and not step.children, f"{what}: needs no facts")
    require(step.subject == v, lambda: f"{what}: {_show(step.subject)} is not the variable {v}")


@rule("monotone-sum")
def check_sum(step: ProofStep, context: Context, checker: Checker) -> None:
    what = "monotone-sum"
    conclusion = _conclusion(step, what)
    _the_variable(context, what)
    _only(step, (), what)
    require(step.subject.is_Add, lambda: f"{what}: {_show(step.subject)} is not a sum")
    terms = tuple(step.subject.args)
    direction = _direction(conclusion)
    parts = replay_parts(step, terms, context, checker, what)
    for index, part in enumerate(parts):
        require(
            _follows(part, direction),
            lambda: f"{what}: term {index + 1} ({_show(terms[index])}) is {part}, not {conclusion}",
        )
    if _strict(conclusion):
        require(
            any(_strict(p) for p in parts), f"{what}: no term is strictly monotone ({conclusion})"
        )


_SIGN_SCALING = {
    # sign of the factor -> (keeps the direction, keeps strictness)
    "positive": (True, True),
    "nonnegative": (True, False),
    "negative": (False, True),
    "nonpositive": (False, False),
}


@rule("monotone-scaling")
def check_scaling(step: ProofStep, context: Context, checker: Checker) -> None:
    what = "monotone-scaling"
    conclusion = _conclusion(step, what)
    _the_variable(context, what)
    _only(step, (SignFact,), what)
    constant, varying = split_product(step.subject, context, what)
    signs = step.facts_of(SignFact)
    require(len(signs) == 1, f"{what}: needs exactly one sign fact, on the constant factor")
    sign = signs[0].sign
    require(sign in _SIGN_SCALING, f"{what}: the factor's sign {sign!r} fixes no direction")
    keeps, strictness = _SIGN_SCALING[sign]
    replay_signs(step, [(constant, sign, "the sign of the constant factor")], context, what)
    (part,) = replay_parts(step, (varying,), context, checker, what)
    shown = part if keeps else negated(part)
    if not strictness:
        shown = {"increasing": "nondecreasing", "decreasing": "nonincreasing"}.get(shown, shown)
    require(
        implies(shown, conclusion),
        lambda: (
            f"{what}: the factor {_show(constant)} is {sign} and {_show(varying)} is {part}, "
            f"so the product is not shown {conclusion}"
        ),
    )


def monotone_rows(row: Row, kind: str, index: int) -> Alternatives:
    """The checker's alternatives for ``kind`` (one of the registry's monotonicity
    kinds) in argument ``index``."""
    require(kind in MONOTONE_KINDS, f"{row.key}: {kind!r} is no monotonicity")
    return row.monotone(kind, index)


_ATOM_DIRECTION = {
    "increasing": (1, False),
    "decreasing": (-1, False),
    "strictly-increasing": (1, True),
    "strictly-decreasing": (-1, True),
}


@rule("monotone-composition")
def check_composition(step: ProofStep, context: Context, checker: Checker) -> None:
    conclusion = _conclusion(step, "monotone-composition")
    _the_variable(context, "monotone-composition")
    _only(step, (SignFact, AtomFact), "monotone-composition")
    atoms = step.facts_of(AtomFact)
    require(bool(atoms), "monotone-composition: no atom fact")
    key = atoms[0].atom
    what = f"monotone-composition {key}"
    require(all(a.atom == key for a in atoms), f"{what}: atom facts name different atoms")
    row = row_for(key, step.subject)
    require(row is not None, f"{what}: the checker's atom table has no row {key!r} for it")
    assert row is not None
    args = row.arguments(step.subject)
    require(
        args is not None, lambda: f"{what}: {_show(step.subject)} is not of the form {row.shape}"
    )
    assert args is not None
    needed = _conditions(row.domain, args, None, f"the domain of {key}")
    require(
        all(a.argument is not None for a in atoms),
        f"{what}: an atom fact names no argument (curvature facts prove no monotonicity)",
    )
    by_argument = {a.argument: a for a in atoms}
    require(len(by_argument) == len(atoms), f"{what}: two atom facts about the same argument")
    parts = replay_parts(step, args, context, checker, what)
    direction = _direction(conclusion)
    strict = False
    for index, (arg, part) in enumerate(zip(args, parts, strict=True)):
        fact = by_argument.pop(index, None)
        if part == "constant":
            require(
                fact is None, f"{what}: argument {index + 1} does not move: no monotonicity needed"
            )
            continue
        require(
            fact is not None,
            lambda: (
                f"{what}: argument {index + 1} ({_show(arg)}) moves, but no atom fact says "
                f"how {key} depends on it"
            ),
        )
        assert fact is not None
        require(
            fact.property in _ATOM_DIRECTION,
            f"{what}: {fact.property!r} is no monotonicity of {key}",
        )
        atom_direction, atom_strict = _ATOM_DIRECTION[fact.property]
        require(
            atom_direction * _direction(part) == direction,
            lambda: (
                f"{what}: argument {index + 1} ({_show(arg)}) is {part} and {key} is "
                f"{fact.property} in it, so the composition is not {conclusion}"
            ),
        )
        strict = strict or (atom_strict and _strict(part))
        rows = monotone_rows(row, fact.property, index)
        needed += _alternative(row, rows, fact, args, index, what)
    require(not by_argument, f"{what}: an atom fact is about no argument of the subject")
    if _strict(conclusion):
        require(
            strict,
            f"{what}: no strictly monotone argument enters through a strictly monotone row",
        )
    replay_signs(step, needed, context, what)


@rule("monotone-product")
def check_product(step: ProofStep, context: Context, checker: Checker) -> None:
    what = "monotone-product"
    conclusion = _conclusion(step, what)
    _the_variable(context, what)
    _only(step, (SignFact,), what)
    require(step.subject.is_Mul, lambda: f"{what}: {_show(step.subject)} is not a product")
    factors = tuple(step.subject.args)
    strict = _strict(conclusion)
    sign = "positive" if strict else "nonnegative"
    needed = [(f, sign, f"factor {i + 1} is {sign}") for i, f in enumerate(factors)]
    replay_signs(step, needed, context, what)
    direction = _direction(conclusion)
    parts = replay_parts(step, factors, context, checker, what)
    for index, part in enumerate(parts):
        require(
            _follows(part, direction),
            lambda: (
                f"{what}: factor {index + 1} ({_show(factors[index])}) is {part}, not {conclusion}"
            ),
        )
    if strict:
        require(any(_strict(p) for p in parts), f"{what}: no factor is strictly monotone")


# --- derivatives ----------------------------------------------------------------------------


def _derivative(step: ProofStep, v: sympy.Symbol, what: str) -> sympy.Expr:
    require(not step.subject.has(*_NON_SMOOTH), f"{what}: the subject is not smooth")
    derivative = sympy.diff(step.subject, v)
    require(
        not derivative.has(sympy.Derivative, sympy.Subs),
        f"{what}: the derivative has no closed form",
    )
    require(not derivative.has(*_NON_SMOOTH), f"{what}: the derivative is not smooth")
    return derivative


_GRADIENT = {
    "positive": "increasing",
    "nonnegative": "nondecreasing",
    "negative": "decreasing",
    "nonpositive": "nonincreasing",
}


@rule("gradient-sign")
def check_gradient_sign(step: ProofStep, context: Context, checker: Checker) -> None:
    what = "gradient-sign"
    conclusion = _conclusion(step, what)
    v = _the_variable(context, what)
    _only(step, (SignFact, DefinedFact), what)
    require(not step.children, f"{what}: rests on no other step")
    signs = step.facts_of(SignFact)
    require(len(signs) == 1, f"{what}: needs exactly one sign fact, on ∂f/∂{v}")
    (fact,) = signs
    derivative = _derivative(step, v, what)
    replay_defined(step, context, what)
    require(
        fact.subject == derivative,
        lambda: f"{what}: the sign fact is not about ∂f/∂{v} = {_show(derivative)}",
    )
    require(fact.sign in _GRADIENT, f"{what}: the sign {fact.sign!r} fixes no direction")
    replay_sign(fact, context, f"{what}: ∂f/∂{v} is {fact.sign}")
    require(
        implies(_GRADIENT[fact.sign], conclusion),
        f"{what}: ∂f/∂{v} {fact.sign} does not make f {conclusion}",
    )


def replay_exact_sign(fact: UnivariateSignFact, x: sympy.Symbol, domain: Domain, what: str) -> bool:
    """Replay an exact sign decision "expression >= 0 on the domain of x"; returns
    whether the expression's numerator is a nonzero polynomial (finitely many zeros)."""
    expression = fact.expression
    require(fact.sign == "nonnegative", f"{what}: unknown sign {fact.sign!r}")
    require(
        fact.interval == from_domain(domain),
        f"{what}: the recorded interval {fact.interval} is not the domain of {x}",
    )
    lo, hi = domain.lo, domain.hi
    require(lo is None or hi is None or lo < hi, f"{what}: the domain of {x} has empty interior")
    bases = _rational_bases(expression, x, what)
    require(all(c == 0 for c in fact.poles), f"{what}: a recorded pole count is not 0")
    for base in bases:
        poly = _qq(base, x, what)
        require(not poly.is_zero, f"{what}: a denominator is identically 0")
        require(
            _roots(poly.sqf_part(), domain, closed_ends=True) == 0,
            lambda: f"{what}: the denominator {_show(base)} vanishes in the domain",
        )
    require(small_enough(expression), f"{what}: f' would expand to more than {MAX_TERMS} terms")
    num, den = sympy.fraction(sympy.cancel(sympy.together(expression)))
    p, q = _qq(num, x, what), _qq(den, x, what)
    require(not q.is_zero, f"{what}: the denominator of f' is 0")
    require(
        _coefficients(p) == fact.numerator,
        f"{what}: the recorded numerator is not that of the expression",
    )
    require(
        _coefficients(q) == fact.denominator,
        f"{what}: the recorded denominator is not that of the expression",
    )
    if p.is_zero:
        require(
            fact.sample is None and not fact.roots,
            f"{what}: the expression is identically 0: there is no sign to sample",
        )
        return False
    _, factors = (p * q).sqf_list()
    counts = tuple(_roots(f, domain, closed_ends=False) for f, mult in factors if mult % 2 == 1)
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
    value_q = _at(q, sample)
    require(value_q != 0, f"{what}: the denominator vanishes at the sample {sample}")
    require(_at(p, sample) / value_q > 0, f"{what}: not positive at the sample {x} = {sample}")
    return True


@rule("first-derivative-exact")
def check_first_derivative_exact(step: ProofStep, context: Context, checker: Checker) -> None:
    what = "first-derivative-exact"
    conclusion = _conclusion(step, what)
    v = _the_variable(context, what)
    _only(step, (UnivariateSignFact, DefinedFact), what)
    require(not step.children, f"{what}: rests on no other step")
    facts = step.facts_of(UnivariateSignFact)
    require(len(facts) == 1, f"{what}: needs exactly one exact sign fact")
    (fact,) = facts
    require(fact.variable == v, f"{what}: the sign fact is not about the variable {v}")
    derivative = _derivative(step, v, what)
    replay_defined(step, context, what)
    require(
        derivative.free_symbols <= {v},
        f"{what}: f' involves symbols other than {v}: the exact decision does not apply",
    )
    if fact.expression == derivative:
        direction = 1
    else:
        require(
            fact.expression == -derivative,
            lambda: f"{what}: the sign fact is about neither f' = {_show(derivative)} nor −f'",
        )
        direction = -1
    isolated = replay_exact_sign(fact, v, context.domains.get(v, REAL), what)
    require(
        _direction(conclusion) == direction,
        f"{what}: {'f' if direction > 0 else '−f'}' >= 0 does not make f {conclusion}",
    )
    if _strict(conclusion):
        require(isolated, f"{what}: f' is identically 0: f is not strictly monotone")


# --- ordered-pair witnesses -----------------------------------------------------------------

#: What each relation of f(a) to f(b), a <= b, shows about f.
ORDERED_SHOWS: dict[str, frozenset[str]] = {
    ">": frozenset({"not-nondecreasing", "not-increasing"}),
    "<": frozenset({"not-nonincreasing", "not-decreasing"}),
    ">=": frozenset({"not-increasing"}),
    "<=": frozenset({"not-decreasing"}),
}


def relation_shown(f_a: Enclosure, f_b: Enclosure, relation: str) -> bool:
    """Do the enclosures of f(a) and f(b) show ``relation`` by themselves?"""
    lo_a, hi_a = f_a.lo, f_a.hi
    lo_b, hi_b = f_b.lo, f_b.hi
    if relation == ">":
        return bool(hi_b < lo_a)
    if relation == "<":
        return bool(hi_a < lo_b)
    if relation == ">=":
        return bool(hi_b <= lo_a)
    if relation == "<=":
        return bool(hi_a <= lo_b)
    return False


def ordered_values(
    carrier: sympy.Basic,
    a: dict[sympy.Symbol, Fraction],
    b: dict[sympy.Symbol, Fraction],
    parameters: dict[sympy.Symbol, Fraction],
    precision: int | None,
) -> dict[str, Enclosure] | None:
    """f(a) and f(b) on the carrier: exact where exact arithmetic gives them, else Arb
    balls at ``precision`` (None: exact only); None when undefined or not evaluable."""
    values = _Values(carrier, [{**parameters, **a}, {**parameters, **b}])
    found = values.at(precision)
    if found is None:
        return None
    return {"f_a": found[0], "f_b": found[1]}


def difference_over_box(
    carrier: sympy.Basic,
    a: dict[sympy.Symbol, Fraction],
    b: dict[sympy.Symbol, Fraction],
    box: dict[sympy.Symbol, tuple[Fraction, Fraction]],
    relation: str,
) -> bool:
    """Does f(a) − f(b) have the relation's sign for every parameter value in ``box``
    (interval enclosures; f(a) and f(b) each shown defined over the box)?"""

    def at(point: dict[sympy.Symbol, Fraction]) -> sympy.Expr:
        return carrier.xreplace(
            {s: sympy.Rational(q.numerator, q.denominator) for s, q in point.items()}
        )

    domains = {s: interval_domain(lo, hi) for s, (lo, hi) in box.items()}
    f_a, f_b = at(a), at(b)
    try:
        intervals.range_of(f_a, domains)
        intervals.range_of(f_b, domains)
        gap = intervals.range_of(f_a - f_b, domains)
    except intervals.Undefined:
        return False
    test = {
        ">": gap.is_positive,
        "<": gap.is_negative,
        ">=": gap.is_nonnegative,
        "<=": gap.is_nonpositive,
    }.get(relation)
    return bool(test is not None and test())


@witness_check(OrderedWitness)
def check_ordered(
    witness: OrderedWitness, carrier: sympy.Basic, context: Context, expect: str
) -> None:
    relation = witness.relation
    require(
        relation in ORDERED_SHOWS,
        f"the ordered witness has an unknown relation {relation!r:.20}",
    )
    require(
        expect in ORDERED_SHOWS[relation],
        f"an ordered witness with relation {relation!r} does not show f is {expect}",
    )
    a = _named(witness.a, context.variables, "point a")
    b = _named(witness.b, context.variables, "point b")
    params = _named(witness.parameters, _parameter_symbols(context), "parameters", "parameters")
    _in_domains(a, context, "point a:", interior=False)
    _in_domains(b, context, "point b:", interior=False)
    _in_domains(params, context, "parameter", interior=False)
    require(
        all(a[v] <= b[v] for v in a),
        "the witness's points are not ordered: a <= b fails in some variable",
    )
    require(a != b, "the witness's points are equal")
    _check_precision(witness.precision)
    recomputed = ordered_values(carrier, a, b, params, witness.precision)
    values = _check_values(witness.values, recomputed, witness.precision)
    require(
        relation_shown(values["f_a"], values["f_b"], relation),
        f"the recorded values do not show f(a) {relation} f(b)",
    )
    _check_box(
        witness.box,
        context,
        lambda box: difference_over_box(carrier, a, b, box, relation),
    )
