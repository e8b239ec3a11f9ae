"""Replays of the composition rules: affine, sum, scaling, composition, perspective.

Each replay re-derives the step from its subject and the checker's own atom table
(:mod:`.atoms`): the subject's shape and arguments, every sign condition by its own
enclosure (:func:`convexity_proofs.kernel.intervals.range_of` over the context's box),
the composition rule for each argument against the replayed conclusions of the
children.  Recorded enclosures are only informative, but one that does not contain the
recomputed enclosure, or a sign the recomputed enclosure does not show, fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple, TypeVar

import sympy

from convexity_proofs._brief import brief
from convexity_proofs._proof import AtomFact, ContextFact, ProofStep, SignFact
from convexity_proofs._values import REAL
from convexity_proofs.checker._core import (
    Checker,
    CheckFailure,
    Context,
    implies,
    negated,
    require,
    rule,
)
from convexity_proofs.checker.atoms import Row, row_for
from convexity_proofs.kernel.intervals import Interval, Undefined, from_domain, range_of
from convexity_proofs.kernel.subdivision import MAX_PIECES, covers, enclosure_on, max_pieces_for

#: A sign fact shown on more pieces than ``MAX_PIECES`` (fewer in two or more
#: dimensions, :func:`max_pieces_for`) is refused: the replay's cost.

CURVATURES = ("affine", "convex", "concave")

T = TypeVar("T")

SHOWS: dict[str, Callable[[Interval], bool]] = {
    "positive": Interval.is_positive,
    "nonnegative": Interval.is_nonnegative,
    "negative": Interval.is_negative,
    "nonpositive": Interval.is_nonpositive,
    "nonzero": Interval.excludes_zero,
}

#: sign -> the signs it implies
SIGN_IMPLIES: dict[str, frozenset[str]] = {
    "positive": frozenset({"positive", "nonnegative", "nonzero"}),
    "negative": frozenset({"negative", "nonpositive", "nonzero"}),
    "nonnegative": frozenset({"nonnegative"}),
    "nonpositive": frozenset({"nonpositive"}),
    "nonzero": frozenset({"nonzero"}),
}


def _show(expr: sympy.Basic) -> str:
    return brief(expr, 60)


# --- sign facts -----------------------------------------------------------------------


def encloses(outer: Interval, inner: Interval) -> bool:
    """Does ``outer`` contain every point of ``inner``?"""
    lo_ok = outer.lo is None or (
        inner.lo is not None
        and (inner.lo > outer.lo or (inner.lo == outer.lo and (inner.lo_open or not outer.lo_open)))
    )
    hi_ok = outer.hi is None or (
        inner.hi is not None
        and (inner.hi < outer.hi or (inner.hi == outer.hi and (inner.hi_open or not outer.hi_open)))
    )
    return lo_ok and hi_ok


def enclosure(expr: sympy.Expr, context: Context, what: str) -> Interval:
    """The kernel's enclosure of ``expr`` over the context's box."""
    try:
        return range_of(expr, context.domains)
    except Undefined as exc:
        message = f"{what}: {_show(expr)} is not shown defined on the box ({exc})"
        raise CheckFailure(message) from None


def replay_sign(fact: SignFact, context: Context, what: str) -> None:
    """Recompute the enclosure of a sign fact: it must show the sign, and the recorded
    enclosure must contain it.  With pieces: they cover the box exactly, and on each the
    recomputed enclosure shows the sign and lies in the piece's and the fact's records."""
    require(fact.sign in SHOWS, f"{what}: unknown sign {fact.sign!r}")
    if fact.pieces:
        replay_pieces(fact, context, what)
        return
    box = enclosure(fact.subject, context, what)
    require(
        SHOWS[fact.sign](box),
        lambda: (
            f"{what}: the enclosure {box} of {_show(fact.subject)} does not show it is {fact.sign}"
        ),
    )
    require(
        encloses(fact.enclosure, box),
        lambda: (
            f"{what}: the recorded enclosure {fact.enclosure} of {_show(fact.subject)} does not "
            f"enclose the recomputed {box}"
        ),
    )


def replay_pieces(fact: SignFact, context: Context, what: str) -> None:
    """The sign of ``fact.subject`` piece by piece (see :func:`replay_sign`)."""
    require(len(fact.pieces) <= MAX_PIECES, f"{what}: more than {MAX_PIECES} pieces")
    require(SHOWS[fact.sign](fact.enclosure), f"{what}: the hull does not show {fact.sign}")
    symbols = tuple(s for s, _ in fact.pieces[0].box)
    free = fact.subject.free_symbols
    require(
        len(set(symbols)) == len(symbols)
        and all(s in context.domains and s in free for s in symbols),
        f"{what}: the pieces' symbols are repeated, or not symbols of the box in the subject",
    )
    require(
        all(tuple(s for s, _ in piece.box) == symbols for piece in fact.pieces),
        f"{what}: the pieces do not all subdivide the same symbols",
    )
    limit = max_pieces_for(len(symbols))
    require(
        len(fact.pieces) <= limit,
        f"{what}: more than {limit} pieces in {len(symbols)} dimensions",
    )
    require(
        covers(context.domains, symbols, fact.pieces),
        f"{what}: the pieces do not cover the box of {[str(s) for s in symbols]}",
    )
    for piece in fact.pieces:
        box = enclosure_on(fact.subject, context.domains, piece.box)
        require(
            box is not None,
            lambda: f"{what}: {_show(fact.subject)} is not shown defined on a piece",
        )
        assert box is not None
        require(
            SHOWS[fact.sign](box) and encloses(piece.enclosure, box),
            lambda: (
                f"{what}: on a piece the enclosure {box} does not show {fact.sign} "
                f"or is not the recorded {piece.enclosure}"
            ),
        )
        require(
            encloses(fact.enclosure, box),
            lambda: f"{what}: the hull {fact.enclosure} does not enclose a piece's {box}",
        )


def replay_signs(
    step: ProofStep, needed: list[tuple[sympy.Expr, str, str]], context: Context, what: str
) -> None:
    """Every recorded sign fact replays; each needed (expression, sign, why) is shown by
    one of them; and each of them is needed by the rule."""
    facts = step.facts_of(SignFact)
    used: set[int] = set()
    for expr, sign, why in needed:
        match = next(
            (
                i
                for i, f in enumerate(facts)
                if f.subject == expr and sign in SIGN_IMPLIES.get(f.sign, ())
            ),
            None,
        )
        if match is None:
            raise CheckFailure(f"{what}: no sign fact shows {_show(expr)} is {sign} ({why})")
        used.add(match)
    for i, fact in enumerate(facts):
        require(
            i in used,
            lambda: (
                f"{what}: sign fact '{_show(fact.subject)} is {fact.sign}' is no condition "
                "of the rule"
            ),
        )
    # Enclosed only once every fact is known to be needed: an unneeded fact about a
    # huge expression is rejected without the cost of enclosing it.
    for fact in facts:
        replay_sign(fact, context, what)


def only_facts(step: ProofStep, allowed: tuple[type, ...], what: str) -> None:
    """Every fact of the step is of one of the ``allowed`` kinds."""
    for fact in step.facts:
        require(isinstance(fact, allowed), f"{what}: unexpected {fact.kind} fact")


# --- children -------------------------------------------------------------------------


def curvature_of(conclusion: str, what: str) -> str:
    for c in CURVATURES:
        if implies(conclusion, c):
            return c
    raise CheckFailure(f"{what}: a child concluding {conclusion} says nothing about curvature")


def replayed_children(
    step: ProofStep,
    parts: tuple[sympy.Expr, ...],
    context: Context,
    checker: Checker,
    what: str,
    read: Callable[[str], T],
) -> dict[sympy.Expr, T]:
    """Each child replayed and its conclusion read (``read``: the curvature, the
    monotonicity, ... it shows), by the part of the subject it is about.  Every child
    must be about a part (argument, term, factor)."""
    found: dict[sympy.Expr, T] = {}
    members = frozenset(parts)  # one hash per part: a scan per child is quadratic
    for child in step.children:
        if child.subject not in members:
            raise CheckFailure(
                f"{what}: the child about {_show(child.subject)} is about no part of the subject"
            )
        found[child.subject] = read(checker.check(child, context))
    return found


def replay_parts(
    step: ProofStep, parts: tuple[sympy.Expr, ...], context: Context, checker: Checker, what: str
) -> list[str]:
    """The curvature of each part (argument, term, factor): from the child about it,
    replayed, or affine for a constant or a variable.  Every child must be about a part."""
    found = replayed_children(
        step, parts, context, checker, what, lambda concluded: curvature_of(concluded, what)
    )
    curvatures = []
    for index, part in enumerate(parts):
        if part in found:
            curvatures.append(found[part])
        elif not context.depends(part) or context.is_variable(part):
            curvatures.append("affine")
        else:
            raise CheckFailure(
                f"{what}: part {index + 1} ({_show(part)}) has no child step showing its curvature"
            )
    return curvatures


def conclusion_of(step: ProofStep, what: str, allowed: tuple[str, ...] = CURVATURES) -> str:
    require(step.conclusion in allowed, f"{what}: cannot conclude {step.conclusion}")
    return step.conclusion


# --- the rules ------------------------------------------------------------------------


@rule("affine")
def check_affine(step: ProofStep, context: Context, checker: Checker) -> None:
    conclusion_of(step, "affine")
    require(not step.facts and not step.children, "affine: a constant or a variable needs no facts")
    require(
        not context.depends(step.subject) or context.is_variable(step.subject),
        lambda: f"affine: {_show(step.subject)} is neither a constant nor a variable",
    )


@rule("sum")
def check_sum(step: ProofStep, context: Context, checker: Checker) -> None:
    conclusion = conclusion_of(step, "sum")
    only_facts(step, (), "sum")
    require(step.subject.is_Add, lambda: f"sum: {_show(step.subject)} is not a sum")
    terms = tuple(step.subject.args)
    for index, c in enumerate(replay_parts(step, terms, context, checker, "sum")):
        require(
            implies(c, conclusion),
            lambda: f"sum: term {index + 1} ({_show(terms[index])}) is {c}, not {conclusion}",
        )


def split_product(
    subject: sympy.Expr, context: Context, what: str
) -> tuple[sympy.Expr, sympy.Expr]:
    require(subject.is_Mul, lambda: f"{what}: {_show(subject)} is not a product")
    constant = [f for f in subject.args if not context.depends(f)]
    varying = [f for f in subject.args if context.depends(f)]
    require(bool(constant), lambda: f"{what}: {_show(subject)} has no constant factor")
    return sympy.Mul(*constant), sympy.Mul(*varying)


@rule("affine-scaling")
def check_affine_scaling(step: ProofStep, context: Context, checker: Checker) -> None:
    conclusion_of(step, "affine-scaling", ("affine",))
    only_facts(step, (), "affine-scaling")
    _, varying = split_product(step.subject, context, "affine-scaling")
    (c,) = replay_parts(step, (varying,), context, checker, "affine-scaling")
    require(c == "affine", lambda: f"affine-scaling: the varying factor {_show(varying)} is {c}")


@rule("scaling")
def check_scaling(step: ProofStep, context: Context, checker: Checker) -> None:
    conclusion = conclusion_of(step, "scaling", ("convex", "concave"))
    only_facts(step, (SignFact,), "scaling")
    constant, varying = split_product(step.subject, context, "scaling")
    signs = step.facts_of(SignFact)
    require(len(signs) == 1, "scaling: needs exactly one sign fact, on the constant factor")
    keeps = signs[0].sign in ("positive", "nonnegative")
    needed = "nonnegative" if keeps else "nonpositive"
    replay_signs(step, [(constant, needed, "the sign of the constant factor")], context, "scaling")
    (c,) = replay_parts(step, (varying,), context, checker, "scaling")
    want = conclusion if keeps else negated(conclusion)
    require(
        implies(c, want),
        lambda: (
            f"scaling: the factor {_show(constant)} is {needed} and {_show(varying)} is {c}, "
            f"so the product is not shown {conclusion}"
        ),
    )


def sign_conditions(
    conds: tuple[tuple[int | None, str], ...],
    args: tuple[sympy.Expr, ...],
    about: int | None,
    why: str,
) -> list[tuple[sympy.Expr, str, str]]:
    """The (argument, sign, why) each condition of an atom row asks for (a condition's
    position None: argument ``about``, or every argument when ``about`` is None)."""
    out = []
    for position, sign in conds:
        where = position if position is not None else about
        for arg in args if where is None else (args[where],):
            if sign != "any":
                out.append((arg, sign, why))
    return out


class AtomReading(NamedTuple):
    """A composition step's atom facts read against the checker's atom table."""

    atoms: list[AtomFact]
    #: The atom's key (every atom fact names it).
    key: str
    #: ``"<rule> <key>"``, the prefix of the step's messages.
    what: str
    row: Row
    #: The subject's arguments, as the row reads them.
    args: tuple[sympy.Expr, ...]


def read_atom(step: ProofStep, rule_name: str) -> AtomReading:
    """The step's atom facts (at least one, all naming one atom), the checker's row for
    that atom and the subject, and the subject's arguments; fails when the table has no
    such row or the subject is not of its shape."""
    atoms = step.facts_of(AtomFact)
    require(bool(atoms), f"{rule_name}: no atom fact")
    key = atoms[0].atom
    what = f"{rule_name} {key}"
    require(all(a.atom == key for a in atoms), f"{what}: atom facts name different atoms")
    row = row_for(key, step.subject)
    require(row is not None, f"{what}: the checker's atom table has no row {key!r} for it")
    assert row is not None
    args = row.arguments(step.subject)
    require(
        args is not None, lambda: f"{what}: {_show(step.subject)} is not of the form {row.shape}"
    )
    assert args is not None
    return AtomReading(atoms, key, what, row, args)


@rule("composition")
def check_composition(step: ProofStep, context: Context, checker: Checker) -> None:
    conclusion = conclusion_of(step, "composition", ("convex", "concave"))
    only_facts(step, (SignFact, AtomFact), "composition")
    atoms, key, what, row, args = read_atom(step, "composition")
    needed = sign_conditions(row.domain, args, None, f"the domain of {key}")
    shape = [a for a in atoms if a.argument is None]
    require(
        len(shape) == 1 and shape[0].property == conclusion,
        f"{what}: needs one atom fact saying {key} is {conclusion}",
    )
    needed += alternative_conditions(row, row.curvature(conclusion), shape[0], args, None, what)
    curvatures = replay_parts(step, args, context, checker, what)
    monotone = {a.argument: a for a in atoms if a.argument is not None}
    require(len(monotone) == len(atoms) - 1, f"{what}: two atom facts about the same argument")
    for index, (arg, c) in enumerate(zip(args, curvatures, strict=True)):
        fact = monotone.pop(index, None)
        if c == "affine":
            require(fact is None, f"{what}: argument {index + 1} is affine: no monotonicity needed")
            continue
        kind = "increasing" if c == conclusion else "decreasing"
        words = {"increasing": "nondecreasing", "decreasing": "nonincreasing"}
        require(
            fact is not None and fact.property == kind,
            lambda: (
                f"{what}: argument {index + 1} ({_show(arg)}) is {c}, so {key} must be "
                f"{words[kind]} in it"
                + (
                    ""
                    if fact is None
                    else f"; the step says {words.get(fact.property, fact.property)}"
                )
            ),
        )
        assert fact is not None
        needed += alternative_conditions(row, row.monotone(kind, index), fact, args, index, what)
    require(not monotone, f"{what}: an atom fact is about no argument of the subject")
    replay_signs(step, needed, context, what)


def alternative_conditions(
    row: Row,
    alternatives: tuple[tuple[tuple[int | None, str], ...], ...],
    fact: AtomFact,
    args: tuple[sympy.Expr, ...],
    about: int | None,
    what: str,
) -> list[tuple[sympy.Expr, str, str]]:
    """The sign conditions of the alternative an atom fact names (``fact.alternative``,
    which must exist among ``alternatives``), about argument ``about`` (None: the
    curvature's alternatives, about every argument)."""
    about_text = "" if about is None else f" in argument {about + 1}"
    require(
        0 <= fact.alternative < len(alternatives),
        f"{what}: the checker's table has no alternative {fact.alternative + 1} for {row.key} "
        f"{fact.property}{about_text} ({len(alternatives)} alternatives)",
    )
    why = f"{row.key} {fact.property}{about_text}, alternative {fact.alternative + 1}"
    return sign_conditions(alternatives[fact.alternative], args, about, why)


@rule("perspective")
def check_perspective(step: ProofStep, context: Context, checker: Checker) -> None:
    what = "perspective"
    conclusion = conclusion_of(step, what)
    only_facts(step, (SignFact, ContextFact), what)
    frames = step.facts_of(ContextFact)
    require(len(frames) == 1, f"{what}: needs one context fact with the fresh variables u")
    frame = frames[0]
    require(len(step.children) == 1, f"{what}: needs one child, about F(u)")
    subject = step.subject
    require(subject.is_Mul, lambda: f"{what}: {_show(subject)} is not a product y·F(x/y)")
    signs = step.facts_of(SignFact)
    y = signs[0].subject if signs else None
    require(
        y is not None and y in subject.args and context.is_variable(y),
        f"{what}: the first sign fact must be about a variable factor y",
    )
    assert isinstance(y, sympy.Symbol)
    rest = subject / y
    others = sorted((rest.free_symbols & set(context.variables)) - {y}, key=lambda s: s.name)
    fresh = frame.variables
    require(
        len(fresh) == len(others) > 0,
        lambda: (
            f"{what}: {len(fresh)} fresh variables for the {len(others)} other variables of "
            f"{_show(rest)}"
        ),
    )
    require(
        all(type(u) is sympy.Symbol for u in fresh)
        and len(set(fresh)) == len(fresh)
        and not set(fresh) & (set(context.domains) | subject.free_symbols),
        f"{what}: the variables u must be fresh symbols",
    )
    domains = dict(frame.domains)
    require(set(domains) == set(fresh), f"{what}: every u needs a domain, and only the u")
    f_of_u = rest.xreplace({x: u * y for x, u in zip(others, fresh, strict=True)})
    require(
        not context.depends(f_of_u),
        lambda: f"{what}: {_show(rest)} is not a function of x/{y} alone",
    )
    needed = [(y, "positive", f"{y} > 0")]
    for x, u in zip(others, fresh, strict=True):
        if domains[u] == REAL:
            continue
        ratio = x / y
        box = enclosure(ratio, context, what)
        require(
            encloses(from_domain(domains[u]), box),
            f"{what}: {u} = {ratio} ranges over {box}, not inside {domains[u].describe()}",
        )
        if domains[u].name in SHOWS:  # a named half-line: its sign fact is recorded
            needed.append((ratio, domains[u].name, f"the domain of {u}"))
    replay_signs(step, needed, context, what)
    (child,) = step.children
    require(
        child.subject == f_of_u,
        lambda: f"{what}: the child is about {_show(child.subject)}, not F(u) = {_show(f_of_u)}",
    )
    inner = curvature_of(checker.check(child, context.with_variables(fresh, domains)), what)
    require(implies(inner, conclusion), f"{what}: F is {inner}, so y·F(x/y) is not {conclusion}")
