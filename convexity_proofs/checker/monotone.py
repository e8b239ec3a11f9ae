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
  for a strictly monotone argument, or a Max (Min; rows ``max``/``min``) every
  argument of which depends on v, enters through a nondecreasing row and is strictly
  monotone in the step's direction (for a < b each u_i(a) < u_i(b), so
  max_i u_i(a) < max_i u_i(b));
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
The values, the relation they show and the enclosure over the box are the kernel's
(:mod:`convexity_proofs.kernel.witness_values`), which the witness builder uses too.
"""

from __future__ import annotations

import sympy

from convexity_proofs._brief import brief
from convexity_proofs._proof import (
    AtomFact,
    DefinedFact,
    ProofStep,
    SignFact,
    UnivariateSignFact,
)
from convexity_proofs._values import REAL, OrderedWitness
from convexity_proofs.checker._core import (
    Checker,
    CheckFailure,
    Context,
    implies,
    negated,
    require,
    rule,
)
from convexity_proofs.checker._witness_common import (
    check_box,
    check_precision,
    check_values,
    read_ends,
)
from convexity_proofs.checker.atoms import MONOTONE_KINDS, Alternatives, Row
from convexity_proofs.checker.composition import (
    alternative_conditions,
    only_facts,
    read_atom,
    replay_sign,
    replay_signs,
    replayed_children,
    sign_conditions,
    split_product,
)
from convexity_proofs.checker.second_order import replay_defined, replay_exact_sign
from convexity_proofs.checker.witness import witness_check
from convexity_proofs.functions import NON_SMOOTH_HEADS
from convexity_proofs.kernel.witness_values import (
    defined_along,
    defined_along_over_box,
    difference_over_box,
    moved_variables,
    ordered_values,
    relation_shown,
)

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
    found = replayed_children(
        step, parts, context, checker, what, lambda concluded: monotonicity_of(concluded, what)
    )
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
    only_facts(step, (), what)
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
    only_facts(step, (SignFact,), what)
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


#: The atoms (checker rows) whose subject is the max (min) of its arguments.
_EXTREMA: dict[str, type[sympy.Basic]] = {"max": sympy.Max, "min": sympy.Min}


@rule("monotone-composition")
def check_composition(step: ProofStep, context: Context, checker: Checker) -> None:
    conclusion = _conclusion(step, "monotone-composition")
    _the_variable(context, "monotone-composition")
    only_facts(step, (SignFact, AtomFact), "monotone-composition")
    atoms, key, what, row, args = read_atom(step, "monotone-composition")
    needed = sign_conditions(row.domain, args, None, f"the domain of {key}")
    require(
        all(a.argument is not None for a in atoms),
        f"{what}: an atom fact names no argument (curvature facts prove no monotonicity)",
    )
    by_argument = {a.argument: a for a in atoms}
    require(len(by_argument) == len(atoms), f"{what}: two atom facts about the same argument")
    parts = replay_parts(step, args, context, checker, what)
    direction = _direction(conclusion)
    strict = False
    # Max/min: strict when every argument moves strictly in the step's direction
    # through a nondecreasing row of the atom.
    extremum = key in _EXTREMA and isinstance(step.subject, _EXTREMA[key]) and bool(args)
    for index, (arg, part) in enumerate(zip(args, parts, strict=True)):
        fact = by_argument.pop(index, None)
        if part == "constant":
            require(
                fact is None, f"{what}: argument {index + 1} does not move: no monotonicity needed"
            )
            extremum = False
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
        extremum = (
            extremum
            and atom_direction == 1
            and _strict(part)
            and _direction(part) == direction
            and context.depends(arg)
        )
        rows = monotone_rows(row, fact.property, index)
        needed += alternative_conditions(row, rows, fact, args, index, what)
    require(not by_argument, f"{what}: an atom fact is about no argument of the subject")
    if _strict(conclusion):
        require(
            strict or extremum,
            f"{what}: no strictly monotone argument enters through a strictly monotone row"
            + (
                f" (and not every argument of {key} moves strictly {conclusion})"
                if key in _EXTREMA
                else ""
            ),
        )
    replay_signs(step, needed, context, what)


@rule("monotone-product")
def check_product(step: ProofStep, context: Context, checker: Checker) -> None:
    what = "monotone-product"
    conclusion = _conclusion(step, what)
    _the_variable(context, what)
    only_facts(step, (SignFact,), what)
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
    require(not step.subject.has(*NON_SMOOTH_HEADS), f"{what}: the subject is not smooth")
    derivative = sympy.diff(step.subject, v)
    require(
        not derivative.has(sympy.Derivative, sympy.Subs),
        f"{what}: the derivative has no closed form",
    )
    require(not derivative.has(*NON_SMOOTH_HEADS), f"{what}: the derivative is not smooth")
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
    only_facts(step, (SignFact, DefinedFact), what)
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


@rule("first-derivative-exact")
def check_first_derivative_exact(step: ProofStep, context: Context, checker: Checker) -> None:
    what = "first-derivative-exact"
    conclusion = _conclusion(step, what)
    v = _the_variable(context, what)
    only_facts(step, (UnivariateSignFact, DefinedFact), what)
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
    name = "f'" if direction > 0 else "−f'"
    isolated = replay_exact_sign(fact, v, context.domains.get(v, REAL), what, name)
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
    a, b, params = read_ends(
        witness.a, witness.b, witness.parameters, context, ("point a", "point b")
    )
    require(
        all(a[v] <= b[v] for v in a),
        "the witness's points are not ordered: a <= b fails in some variable",
    )
    require(a != b, "the witness's points are equal")
    # One variable moves, the others stay: f then falls (rises) along a line in that
    # variable, on which it must be defined throughout, so the witness refutes the
    # monotonicity in that variable with the others fixed, whatever the shape of the
    # set where f is defined.
    require(
        len(moved_variables(a, b)) == 1,
        "the witness's points differ in more than one variable (an ordered witness "
        "moves one variable, the others fixed)",
    )
    require(
        defined_along(carrier, a, b, params),
        "f is not shown defined on the whole segment from a to b",
    )
    check_precision(witness.precision)
    recomputed = ordered_values(carrier, a, b, params, witness.precision)
    values = check_values(witness.values, recomputed, witness.precision)
    require(
        relation_shown(values["f_a"], values["f_b"], relation),
        f"the recorded values do not show f(a) {relation} f(b)",
    )
    check_box(
        witness.box,
        context,
        lambda box: (
            defined_along_over_box(carrier, a, b, box)
            and difference_over_box(carrier, a, b, box, relation)
        ),
    )
