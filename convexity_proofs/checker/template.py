"""Replay of ``template-sum``: a model's loss as one template summed over its data rows.

The step says: the loss is Σ_rows T(θ; row) + R(θ), every row lies in a box, and T is
literally g(a_1(θ; row), ..., a_m(θ; row); row) with every a_i a polynomial affine in
the claim's variables θ.  The replay re-derives all of it from the model as the
checker read it (never from the certificate): the template, the data symbols and the
regulariser must be the model's, the box must contain the recomputed column bounds of
the data, the number of rows and the digest must be the data's, the substitution of
the scores into g must give the template exactly, and g's proof (the step's children)
is replayed by the claim-level machinery with the scores as the variables over the
whole real line, the data symbols over the box and every other parameter over the
reals.  Convexity survives an affine change of variables (x ↦ g(Ax + c)), each row's
parameters lie in the box, and a sum of convex terms is convex, so the loss is convex.

The regulariser is decided here exactly when it is a sum of nonnegative multiples of
squares of symbols (l2·Σw²) and of terms free of the variables; otherwise its own
children prove it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import cast

import sympy

from convexity_proofs._obligations import obligations_of
from convexity_proofs._proof import ProofStep, TemplateFact
from convexity_proofs._structure import MODEL_LOSS, ModelClaim
from convexity_proofs._values import REAL, Domain, interval_domain
from convexity_proofs.checker._core import Checker, CheckFailure, Context, require

__all__ = [
    "affine_polynomial",
    "classify",
    "regulariser_is_signed_squares",
    "replay_template_step",
    "substitute_unevaluated",
    "template_context",
]

_CURVATURE = {"convex": 1, "concave": -1}


def _atom(
    node: sympy.Basic, variables: frozenset[sympy.Symbol], forbidden: frozenset[sympy.Symbol]
) -> tuple[bool, bool]:
    if node.is_Symbol:
        return (node in variables, node not in forbidden)
    # A rational is a polynomial; another atom (pi, a float, ...) is not.
    return (False, bool(node.is_Rational))


def classify(
    expr: sympy.Basic,
    variables: frozenset[sympy.Symbol],
    forbidden: frozenset[sympy.Symbol] = frozenset(),
) -> dict[int, tuple[bool, bool]]:
    """For every node of ``expr`` that has arguments (by ``id``), and for ``expr``
    itself: (depends on a variable, is a polynomial affine in the variables).

    A polynomial over the rationals in every symbol (so it is defined everywhere), of
    degree at most 1 in the variables jointly, with coefficients free of them: symbols,
    rationals, sums, products with at most one factor depending on a variable, and
    powers with a nonnegative integer exponent of a base free of the variables.  A
    ``forbidden`` symbol makes every node containing it not such a polynomial."""
    memo: dict[int, tuple[bool, bool]] = {}
    if not expr.args:
        memo[id(expr)] = _atom(expr, variables, forbidden)
        return memo
    stack: list[tuple[sympy.Basic, bool]] = [(expr, False)]
    while stack:
        node, expanded = stack.pop()
        key = id(node)
        if key in memo:
            continue
        args = node.args
        if not expanded:
            stack.append((node, True))
            stack.extend((a, False) for a in args if a.args and id(a) not in memo)
            continue
        depends = 0
        polynomial = True
        for a in args:
            d, p = memo[id(a)] if a.args else _atom(a, variables, forbidden)
            depends += d
            polynomial = polynomial and p
        if node.is_Add:
            result = (depends > 0, polynomial)
        elif node.is_Mul:
            result = (depends > 0, polynomial and depends <= 1)
        elif node.is_Pow:
            exponent = node.exp  # type: ignore[attr-defined]
            integral = bool(exponent.is_Integer and exponent >= 0)
            result = (depends > 0, polynomial and depends == 0 and integral)
        else:
            result = (depends > 0, False)
        memo[key] = result
    return memo


def affine_polynomial(
    expr: sympy.Expr,
    variables: frozenset[sympy.Symbol],
    forbidden: frozenset[sympy.Symbol] = frozenset(),
) -> tuple[bool, bool]:
    """(depends on a variable, is a polynomial affine in the variables) for ``expr``
    (see :func:`classify`)."""
    return classify(expr, variables, forbidden)[id(expr)]


def substitute_unevaluated(
    expr: sympy.Expr, mapping: Mapping[sympy.Basic, sympy.Expr]
) -> sympy.Expr:
    """``expr`` with every subtree that is a key of ``mapping`` replaced by its value,
    every other node rebuilt unevaluated from its (new) arguments in the same order:
    nothing is simplified, so the result is the literal substitution."""
    memo: dict[int, sympy.Basic] = {}
    stack: list[tuple[sympy.Basic, bool]] = [(expr, False)]
    while stack:
        node, expanded = stack.pop()
        key = id(node)
        if key in memo:
            continue
        if node in mapping:
            memo[key] = mapping[node]
            continue
        args = node.args
        if not args:
            memo[key] = node
            continue
        if not expanded:
            stack.append((node, True))
            stack.extend((a, False) for a in args if id(a) not in memo)
            continue
        new = [memo[id(a)] for a in args]
        if all(n is a for n, a in zip(new, args, strict=True)):
            memo[key] = node
        else:
            memo[key] = node.func(*new, evaluate=False)
    return memo[id(expr)]  # type: ignore[return-value]


def regulariser_is_signed_squares(
    expr: sympy.Expr, variables: frozenset[sympy.Symbol], sign: int
) -> bool:
    """Is ``sign``·``expr`` a sum of nonnegative rational multiples of squares of
    symbols and of terms free of the variables (so it is convex)?  Products of a
    rational and such a sum are opened; nothing else is accepted."""
    stack: list[tuple[sympy.Expr, int]] = [(expr, sign)]
    while stack:
        node, s = stack.pop()
        if node.is_Add:
            stack.extend((a, s) for a in node.args)
            continue
        coefficient, rest = node.as_coeff_Mul()
        if not coefficient.is_Rational:
            if node.free_symbols & variables:
                return False
            continue
        c = s * (1 if coefficient.p > 0 else -1 if coefficient.p < 0 else 0)
        if rest.is_Pow and rest.base.is_Symbol and rest.exp == 2:
            if rest.base in variables and c < 0:
                return False
        elif rest.is_Add and rest is not node:
            if c != 0:
                stack.append((rest, c))
        elif node.free_symbols & variables:
            return False
    return True


def template_context(
    reduced: sympy.Expr,
    scores: Iterable[sympy.Symbol],
    box: Iterable[tuple[sympy.Symbol, Fraction, Fraction]],
) -> Context:
    """The context of the proof of ``reduced`` (g): the scores are the variables over
    the reals, the data symbols range over the box, every other symbol of g (a model
    parameter) over the reals; g's obligations as built."""
    variables = tuple(scores)
    box_of = {s: (lo, hi) for s, lo, hi in box}
    domains: dict[sympy.Symbol, Domain] = {}
    for s in reduced.free_symbols:
        ends = box_of.get(s)
        domains[s] = REAL if ends is None else interval_domain(*ends)
    domains.update(dict.fromkeys(variables, REAL))
    return Context(variables, domains, obligations_of(reduced))


def _selected(model: ModelClaim) -> tuple[sympy.Symbol, ...]:
    template = model.template
    assert template is not None
    parameters = template.parameters
    indices = [int(i) for i in model.selected]
    require(
        all(0 <= i < len(parameters) for i in indices),
        "template-sum: a variable is not a parameter of the model",
    )
    return tuple(parameters[i] for i in indices)


def replay_template_step(step: ProofStep, model: ModelClaim, checker: Checker) -> str:
    """Replay a ``template-sum`` step for the model claim ``model``; return its
    conclusion (``convex`` or ``concave``), raising :class:`CheckFailure` when it does
    not replay."""
    from convexity_proofs.checker.claim import _replay_holds

    require(step.rule == "template-sum", f"expected a template-sum step, found {step.rule}")
    require(step.subject == MODEL_LOSS, "template-sum: the step is not about the model's loss")
    require(
        step.conclusion in _CURVATURE,
        f"template-sum: cannot conclude {step.conclusion}",
    )
    sign = _CURVATURE[step.conclusion]
    structure = model.template
    require(structure is not None, "template-sum: the model has no template structure")
    assert structure is not None
    require(
        len(step.facts) == 1 and isinstance(step.facts[0], TemplateFact),
        "template-sum: the step needs exactly one template fact",
    )
    fact = cast(TemplateFact, step.facts[0])

    # The fact is about this model and these data.
    require(fact.template == structure.template, "template-sum: the template is not the model's")
    require(
        fact.data_symbols == structure.data_symbols,
        "template-sum: the data symbols are not the model's",
    )
    require(
        fact.regulariser == structure.regulariser,
        "template-sum: the regulariser is not the model's",
    )
    data = structure.data
    rows, width = data.shape
    require(len(structure.data_symbols) == width, "template-sum: one data symbol per column")
    require(fact.rows == rows, f"template-sum: the data have {rows} rows, not {fact.rows}")
    require(rows >= 1, "template-sum: the data have no rows")
    symbols = (*structure.parameters, *structure.data_symbols)
    require(
        len(set(symbols)) == len(symbols),
        "template-sum: the model's parameters and data symbols are not distinct symbols",
    )
    require(fact.digest == data.digest, "template-sum: the digest is not the data's")

    # Every row lies in the box.
    require(
        tuple(s for s, _, _ in fact.box) == structure.data_symbols,
        "template-sum: the box does not list the data symbols in order",
    )
    for (s, lo, hi), (bound_lo, bound_hi) in zip(fact.box, data.column_bounds(), strict=True):
        if not (lo <= bound_lo and bound_hi <= hi):
            raise CheckFailure(
                f"template-sum: the box [{lo}, {hi}] of {s} does not contain the data's "
                f"[{bound_lo}, {bound_hi}]"
            )

    # The template is g of scores affine in the variables.
    variables = frozenset(_selected(model))
    model_symbols = frozenset(structure.parameters) | frozenset(structure.data_symbols)
    scores = [u for u, _ in fact.scores]
    require(bool(scores), "template-sum: the template has no scores")
    require(len(set(scores)) == len(scores), "template-sum: a score symbol is repeated")
    fresh = frozenset(scores)
    require(not (fresh & model_symbols), "template-sum: a score symbol is a symbol of the model")
    for u, a in fact.scores:
        # No score symbol inside a score: with the substitution below, none is in the
        # template either, so each stands for its score alone.
        if not affine_polynomial(a, variables, fresh)[1]:
            raise CheckFailure(
                f"template-sum: the score {u} is not a polynomial affine in the variables "
                "(free of the score symbols)"
            )
    g = fact.reduced
    allowed = fresh | (model_symbols - variables)
    require(
        g.free_symbols <= allowed,
        "template-sum: the reduced template has symbols other than the scores and parameters",
    )
    require(
        substitute_unevaluated(g, dict(fact.scores)) == structure.template,
        "template-sum: substituting the scores into the reduced template does not give "
        "the template",
    )

    # g's proof, and the regulariser's.
    regulariser = structure.regulariser
    for_g = tuple(c for c in step.children if c.subject == g)
    for_r = tuple(c for c in step.children if c.subject == regulariser and c.subject != g)
    require(
        len(for_g) + len(for_r) == len(step.children),
        "template-sum: a child is about neither the reduced template nor the regulariser",
    )
    require(bool(for_g), "template-sum: no proof of the reduced template")
    context = template_context(g, scores, fact.box)
    _replay_holds(g, for_g, (step.conclusion,), context, fact.definedness, False, checker)

    if fact.regulariser_method == "squares":
        require(not for_r, "template-sum: a regulariser of squares needs no proof")
        require(
            regulariser_is_signed_squares(regulariser, variables, sign),
            f"template-sum: the regulariser is not a sum of squares with the sign of "
            f"{step.conclusion} functions",
        )
    elif fact.regulariser_method == "proof":
        require(bool(for_r), "template-sum: no proof of the regulariser")
        require(
            regulariser.free_symbols <= frozenset(structure.parameters),
            "template-sum: the regulariser has symbols other than the model's parameters",
        )
        used = tuple(v for v in _selected(model) if v in regulariser.free_symbols)
        domains = dict.fromkeys(regulariser.free_symbols, REAL)
        r_context = Context(used, domains, obligations_of(regulariser))  # type: ignore[arg-type]
        _replay_holds(
            regulariser,
            for_r,
            (step.conclusion,),
            r_context,
            fact.regulariser_definedness,
            False,
            checker,
        )
    else:
        raise CheckFailure(f"template-sum: unknown regulariser method {fact.regulariser_method!r}")
    return step.conclusion
