"""Replays of the quasiconvexity (DQCP) rules and of level-segment witnesses.

Each rule is re-derived from the subject's structure, the replayed conclusions of the
children (curvature children count through IMPLIES: convex ⇒ quasiconvex, affine ⇒
quasilinear), the checker's own atom table and sign facts re-enclosed by the kernel:

* ``quasi-scaling``: c·g with one sign fact on the constant factor c (>= 0 keeps,
  <= 0 swaps quasiconvex and quasiconcave), or without one when g is quasilinear
  (then c·g is quasilinear for every c); or g + c (constant terms and exactly one
  varying term, no fact): keeps.
* ``quasi-composition``: an atom whose only varying argument is g, nondecreasing
  (keeps) or nonincreasing (swaps) in it by an alternative of the checker's table
  (one atom fact, sign facts for the atom's domain and the alternative's conditions).
* ``quasi-max``: Max of quasiconvex arguments (quasiconvex), Min of quasiconcave ones.
* ``quasi-ratio``: p/q split as the prover splits (the factors with a negative
  rational exponent and a varying base form q, each as base**(−exponent)); q positive
  or negative by a sign fact; p and q's curvatures from their children; with
  s = sign(q), p' = s·p and q' = s·q: quasiconvex when p' is convex and q' affine, or
  p' >= 0 and q' concave, or p' <= 0 and q' convex; quasiconcave mirrored (p' concave;
  q' affine, or p' >= 0 and q' convex, or p' <= 0 and q' concave).
* ``quasi-univariate``: one variable in the context; the one child about the same
  subject concludes nondecreasing or nonincreasing: quasilinear.
* ``quasi-log``: f > 0 on the whole box (one sign fact about f, re-enclosed) and the
  one child, about log f as :func:`convexity_proofs._reductions.log_of` builds it
  from the subject here, concludes concave (for quasiconcave) or convex (for
  quasiconvex): log is strictly increasing, so {f >= c} = {log f >= log c} for
  c > 0 and the whole box for c <= 0 (and {f <= c} = {log f <= log c}, or empty).

A level witness (:class:`~convexity_proofs._values.LevelWitness`) is re-certified on
the carrier: it names exactly the context's variables and parameters, its ends and
parameters lie in their domains, a != b, 0 < t < 1, the carrier is defined along the
whole segment, the recorded f(a), f(b), f(m) enclose the values recomputed here (exact,
or Arb balls at the recorded precision) and show f(m) > max(f(a), f(b)) (``>max``: not
quasiconvex) or f(m) < min(f(a), f(b)) (``<min``: not quasiconcave) by themselves.  A
level witness speaks of one parameter value: a parameter that still ranges fails.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy

from convexity_proofs._brief import brief
from convexity_proofs._proof import AtomFact, ProofStep, SignFact
from convexity_proofs._reductions import log_of
from convexity_proofs._values import LevelWitness
from convexity_proofs.checker._core import (
    Checker,
    CheckFailure,
    Context,
    implies,
    require,
    rule,
)
from convexity_proofs.checker._witness_common import (
    check_precision,
    check_values,
    describe_value,
    read_ends,
    require_one_parameter_value,
    segment_t,
)
from convexity_proofs.checker.atoms import row_for
from convexity_proofs.checker.composition import (
    alternative_conditions,
    only_facts,
    replay_parts,
    replay_signs,
    replayed_children,
    sign_conditions,
    split_product,
)
from convexity_proofs.checker.witness import witness_check
from convexity_proofs.kernel.witness_values import defined_along, level_relation, segment_values

QCX, QCV, QL = "quasiconvex", "quasiconcave", "quasilinear"
QUASI = (QCX, QCV, QL)
_NEEDS = {QCX: frozenset({QCX}), QCV: frozenset({QCV}), QL: frozenset({QCX, QCV})}
_SWAP = {QCX: QCV, QCV: QCX}


def _show(expr: sympy.Basic) -> str:
    return brief(expr, 60)


def quasi_of(conclusion: str) -> frozenset[str]:
    """The directions (quasiconvex, quasiconcave) a conclusion implies."""
    return frozenset(d for d in (QCX, QCV) if implies(conclusion, d))


def _swapped(directions: frozenset[str]) -> frozenset[str]:
    return frozenset(_SWAP[d] for d in directions)


def _conclusion(step: ProofStep, what: str) -> frozenset[str]:
    require(step.conclusion in QUASI, f"{what}: cannot conclude {step.conclusion}")
    return _NEEDS[step.conclusion]


def _quasi_parts(
    step: ProofStep, parts: tuple[sympy.Expr, ...], context: Context, checker: Checker, what: str
) -> list[frozenset[str]]:
    """The directions each part is shown to have: from the child about it, replayed, or
    both for a constant or a variable.  Every child must be about a part."""
    found = replayed_children(step, parts, context, checker, what, quasi_of)
    out = []
    for index, part in enumerate(parts):
        if part in found:
            out.append(found[part])
        elif not context.depends(part) or context.is_variable(part):
            out.append(frozenset({QCX, QCV}))
        else:
            raise CheckFailure(
                f"{what}: part {index + 1} ({_show(part)}) has no child step showing it is "
                "quasiconvex or quasiconcave"
            )
    return out


def _words(directions: frozenset[str]) -> str:
    return " and ".join(sorted(directions)) or "neither quasiconvex nor quasiconcave"


# --- the rules ------------------------------------------------------------------------


@rule("quasi-scaling")
def check_quasi_scaling(step: ProofStep, context: Context, checker: Checker) -> None:
    what = "quasi-scaling"
    needs = _conclusion(step, what)
    only_facts(step, (SignFact,), what)
    subject = step.subject
    if subject.is_Add:
        require(not step.facts, f"{what}: adding a constant needs no facts")
        varying = [t for t in subject.args if context.depends(t)]
        require(
            len(varying) == 1 and len(varying) < len(subject.args),
            lambda: f"{what}: {_show(subject)} is not one varying term plus constants",
        )
        (shown,) = _quasi_parts(step, (varying[0],), context, checker, what)
        require(
            needs <= shown,
            lambda: f"{what}: {_show(varying[0])} is {_words(shown)}, not {step.conclusion}",
        )
        return
    constant, varying_part = split_product(subject, context, what)
    signs = step.facts_of(SignFact)
    if not signs:
        # Without a sign: a quasilinear g gives a quasilinear c·g for every c.
        (shown,) = _quasi_parts(step, (varying_part,), context, checker, what)
        require(
            shown == frozenset({QCX, QCV}),
            lambda: (
                f"{what}: without a sign of the factor {_show(constant)}, {_show(varying_part)} "
                f"must be quasilinear; it is {_words(shown)}"
            ),
        )
        return
    require(len(signs) == 1, f"{what}: needs exactly one sign fact, on the constant factor")
    keeps = signs[0].sign in ("positive", "nonnegative")
    needed = "nonnegative" if keeps else "nonpositive"
    replay_signs(step, [(constant, needed, "the sign of the constant factor")], context, what)
    (shown,) = _quasi_parts(step, (varying_part,), context, checker, what)
    result = shown if keeps else _swapped(shown)
    require(
        needs <= result,
        lambda: (
            f"{what}: the factor {_show(constant)} is {needed} and {_show(varying_part)} is "
            f"{_words(shown)}, so the product is not shown {step.conclusion}"
        ),
    )


@rule("quasi-max")
def check_quasi_max(step: ProofStep, context: Context, checker: Checker) -> None:
    what = "quasi-max"
    _conclusion(step, what)
    only_facts(step, (), what)
    subject = step.subject
    if isinstance(subject, sympy.Max):
        direction = QCX
    elif isinstance(subject, sympy.Min):
        direction = QCV
    else:
        raise CheckFailure(f"{what}: {_show(subject)} is neither a Max nor a Min")
    require(
        step.conclusion == direction,
        f"{what}: a {type(subject).__name__} is shown {direction} by this rule, "
        f"not {step.conclusion}",
    )
    args = tuple(subject.args)
    for index, shown in enumerate(_quasi_parts(step, args, context, checker, what)):
        require(
            direction in shown,
            lambda: f"{what}: argument {index + 1} ({_show(args[index])}) is not {direction}",
        )


def ratio_split(
    subject: sympy.Expr, depends: Callable[[sympy.Basic], bool]
) -> tuple[sympy.Expr, sympy.Expr] | None:
    """(p, q) with subject = p/q: q is the product of the factors with a negative
    rational exponent whose base depends on the variables (``depends``), each written
    base**(−exponent), p the product of the others; None when there is no such factor.
    Purely syntactic: the prover (:mod:`convexity_proofs.provers.quasiconvex`) splits
    with this too, so the replay reads the p and q the proof is about."""
    if not subject.is_Mul:
        return None
    numerator, denominator = [], []
    for factor in subject.args:
        if (
            factor.is_Pow
            and factor.args[1].is_Rational
            and factor.args[1].is_negative
            and depends(factor.args[0])
        ):
            denominator.append(sympy.Pow(factor.args[0], -factor.args[1]))
        else:
            numerator.append(factor)
    if not denominator:
        return None
    return sympy.Mul(*numerator), sympy.Mul(*denominator)


_FLIP = {"affine": "affine", "convex": "concave", "concave": "convex"}
_FLIP_SIGN = {"nonnegative": "nonpositive", "nonpositive": "nonnegative"}


def _ratio_shows(direction: str, p: str, q: str, p_sign: str | None) -> bool:
    """p/q with q > 0: does it have ``direction``?  (See the module docstring.)"""
    if direction == QCX:
        if p not in ("affine", "convex"):
            return False
        if_nonneg, if_nonpos = ("affine", "concave"), ("affine", "convex")
    else:
        if p not in ("affine", "concave"):
            return False
        if_nonneg, if_nonpos = ("affine", "convex"), ("affine", "concave")
    if q == "affine":
        return True
    if p_sign == "nonnegative":
        return q in if_nonneg
    if p_sign == "nonpositive":
        return q in if_nonpos
    return False


@rule("quasi-ratio")
def check_quasi_ratio(step: ProofStep, context: Context, checker: Checker) -> None:
    what = "quasi-ratio"
    needs = _conclusion(step, what)
    only_facts(step, (SignFact,), what)
    split = ratio_split(step.subject, context.depends)
    require(
        split is not None,
        lambda: f"{what}: {_show(step.subject)} has no denominator that depends on the variables",
    )
    assert split is not None
    p, q = split
    signs = step.facts_of(SignFact)
    q_facts = [f for f in signs if f.subject == q and f.sign in ("positive", "negative")]
    require(len(q_facts) == 1, f"{what}: needs one sign fact: q = {_show(q)} positive or negative")
    s = 1 if q_facts[0].sign == "positive" else -1
    p_facts = [f for f in signs if f.subject == p and f.sign in ("nonnegative", "nonpositive")]
    require(
        len(p_facts) <= 1 and len(p_facts) + 1 == len(signs),
        f"{what}: the sign facts must be q's sign and at most one sign of p = {_show(p)}",
    )
    p_curvature, q_curvature = replay_parts(step, (p, q), context, checker, what)
    if s < 0:
        p_curvature, q_curvature = _FLIP[p_curvature], _FLIP[q_curvature]
    p_sign = None
    if p_facts:
        p_sign = p_facts[0].sign if s > 0 else _FLIP_SIGN[p_facts[0].sign]
        require(
            not all(_ratio_shows(d, p_curvature, q_curvature, None) for d in needs),
            f"{what}: the sign of p is no condition of the rule here",
        )
    for direction in sorted(needs):
        require(
            _ratio_shows(direction, p_curvature, q_curvature, p_sign),
            lambda: (
                f"{what}: with s·q > 0 (s = {s}), s·p {p_curvature}, s·q {q_curvature} and "
                f"s·p {p_sign or 'of unknown sign'}, the ratio rule does not show {direction}"
            ),
        )
    needed = [(q, q_facts[0].sign, "the sign of the denominator")]
    if p_facts:
        needed.append((p, p_facts[0].sign, "the sign of the numerator"))
    replay_signs(step, needed, context, what)


@rule("quasi-composition")
def check_quasi_composition(step: ProofStep, context: Context, checker: Checker) -> None:
    needs = _conclusion(step, "quasi-composition")
    only_facts(step, (SignFact, AtomFact), "quasi-composition")
    atoms = step.facts_of(AtomFact)
    require(len(atoms) == 1, "quasi-composition: needs exactly one atom fact")
    fact = atoms[0]
    what = f"quasi-composition {fact.atom}"
    require(
        fact.property in ("increasing", "decreasing") and fact.argument is not None,
        f"{what}: the atom fact must say nondecreasing or nonincreasing in one argument",
    )
    row = row_for(fact.atom, step.subject)
    require(row is not None, f"{what}: the checker's atom table has no row {fact.atom!r} for it")
    assert row is not None
    args = row.arguments(step.subject)
    require(
        args is not None, lambda: f"{what}: {_show(step.subject)} is not of the form {row.shape}"
    )
    assert args is not None and fact.argument is not None
    index = fact.argument
    require(0 <= index < len(args), f"{what}: the atom has no argument {index + 1}")
    for other, arg in enumerate(args):
        require(
            other == index or not context.depends(arg),
            lambda: f"{what}: argument {other + 1} ({_show(arg)}) also depends on the variables",
        )
    needed = sign_conditions(row.domain, args, None, f"the domain of {fact.atom}")
    needed += alternative_conditions(
        row, row.monotone(fact.property, index), fact, args, index, what
    )
    (shown,) = _quasi_parts(step, (args[index],), context, checker, what)
    result = shown if fact.property == "increasing" else _swapped(shown)
    require(
        needs <= result,
        lambda: (
            f"{what}: argument {index + 1} is {_words(shown)} and the atom is "
            f"{'nondecreasing' if fact.property == 'increasing' else 'nonincreasing'} in it, "
            f"so the composition is not shown {step.conclusion}"
        ),
    )
    replay_signs(step, needed, context, what)


@rule("quasi-univariate")
def check_quasi_univariate(step: ProofStep, context: Context, checker: Checker) -> None:
    what = "quasi-univariate"
    _conclusion(step, what)
    only_facts(step, (), what)
    require(
        len(context.variables) == 1,
        f"{what}: the rule needs exactly one variable, the context has {len(context.variables)}",
    )
    require(len(step.children) == 1, f"{what}: needs one child, the monotonicity proof")
    (child,) = step.children
    require(
        child.subject == step.subject,
        lambda: f"{what}: the child is about {_show(child.subject)}, not the subject",
    )
    concluded = checker.check(child, context)
    require(
        implies(concluded, "nondecreasing") or implies(concluded, "nonincreasing"),
        f"{what}: the child shows the subject {concluded}, not monotone",
    )


#: The curvature of log f each conclusion of ``quasi-log`` needs.
_LOG_NEEDS = {QCX: "convex", QCV: "concave"}


@rule("quasi-log")
def check_quasi_log(step: ProofStep, context: Context, checker: Checker) -> None:
    what = "quasi-log"
    require(
        step.conclusion in _LOG_NEEDS,
        f"{what}: concludes quasiconvex or quasiconcave, not {step.conclusion}",
    )
    only_facts(step, (SignFact,), what)
    subject = step.subject
    require(
        len(step.facts) == 1, f"{what}: needs exactly one sign fact, that f is positive on the box"
    )
    require(len(step.children) == 1, f"{what}: needs one child, the curvature of log f")
    (child,) = step.children
    log_f = log_of(subject)
    require(
        child.subject == log_f,
        lambda: f"{what}: the child is about {_show(child.subject)}, not log f = {_show(log_f)}",
    )
    replay_signs(step, [(subject, "positive", "f > 0, so log f is defined")], context, what)
    needed = _LOG_NEEDS[step.conclusion]
    concluded = checker.check(child, context)
    require(
        implies(concluded, needed),
        f"{what}: the child shows log f {concluded}, not {needed}, so f is not shown "
        f"{step.conclusion}",
    )


# --- level witnesses ------------------------------------------------------------------

#: What each relation shows.
LEVEL_SHOWS = {">max": "not-quasiconvex", "<min": "not-quasiconcave"}


@witness_check(LevelWitness)
def check_level(witness: LevelWitness, carrier: sympy.Basic, context: Context, expect: str) -> None:
    require(
        witness.relation in LEVEL_SHOWS,
        f"the level witness has an unknown relation {witness.relation!r:.20}",
    )
    shown = LEVEL_SHOWS[witness.relation]
    require(
        implies(shown, expect),
        f"a level witness with relation {witness.relation!r} does not show f is {expect}",
    )
    a, b, params = read_ends(witness.a, witness.b, witness.parameters, context, ("end a", "end b"))
    require(
        witness.box is None,
        "a level witness is never certified over a parameter box (not supported)",
    )
    require_one_parameter_value(context)
    t = segment_t(witness.t, a, b)
    require(
        defined_along(carrier, a, b, params),
        "the function is not shown defined along the whole segment from a to b",
    )
    check_precision(witness.precision)
    recomputed = next(segment_values(carrier, a, b, t, params, [witness.precision]), None)
    values = check_values(
        witness.values,
        None if recomputed is None else {k: recomputed[1][k] for k in ("f_a", "f_b", "f_m")},
        witness.precision,
    )
    relation = level_relation(values)
    require(
        relation == witness.relation,
        lambda: (
            f"the recorded values f(a) = {describe_value(values['f_a'])}, "
            f"f(b) = {describe_value(values['f_b'])}, "
            f"f(m) = {describe_value(values['f_m'])} do not show f(m) "
            + ("> max(f(a), f(b))" if witness.relation == ">max" else "< min(f(a), f(b))")
        ),
    )
