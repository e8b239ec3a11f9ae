"""Template proofs: a linear model's loss proved convex (or concave) from one row's loss.

A logistic regression on 100,000 rows is Σ_rows T(θ; x_i, y_i) + R(θ): one template T
with the row's numbers in place of the data symbols.  If T is convex in the claim's
variables for every row in a box that holds all the rows, and R is convex, the loss
is convex.  T itself can be large (a softmax regression on 784 features has ten scores
of 785 terms each), but its variables enter only through a few affine *scores*: T is
g(a_1(θ; row), ..., a_m(θ; row); row) with every a_i a polynomial affine in θ.  So the
subtrees of T that are such polynomials (the largest ones) are replaced by fresh
symbols ``_z1``, ``_z2``, ... (the reduced template g, which keeps T's tree above them
exactly, unevaluated), and g is proved convex in the scores over the whole real line
by the engine (:func:`convexity_proofs._engine.check_claim`, provers and refuters,
checked), with the data symbols over the data's column box and the model's other
parameters over the reals.  An affine change of variables keeps convexity.  A
regulariser l2·Σw² is decided exactly (a sum of nonnegative multiples of squares);
another regulariser gets its own sub-proof.

A refuted g proves nothing about the sum (the data may not reach the refuting point),
so a refutation is reported as "not proved", never as a verdict about the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sympy

from convexity_proofs._obligations import obligations_of
from convexity_proofs._parser import make_symbol
from convexity_proofs._proof import ProofStep, TemplateFact
from convexity_proofs._structure import MODEL_LOSS, ModelClaim
from convexity_proofs._values import REAL, Claim, Domain, Property, Status, interval_domain
from convexity_proofs.checker.template import classify, regulariser_is_signed_squares

if TYPE_CHECKING:
    from convexity_proofs._engine import Settings

__all__ = ["prove_template", "reduce_template"]

_WHAT = {1: "convex", -1: "concave"}


def reduce_template(
    template: sympy.Expr, variables: frozenset[sympy.Symbol]
) -> tuple[sympy.Expr, tuple[tuple[sympy.Symbol, sympy.Expr], ...]]:
    """g and its scores: every largest subtree of ``template`` that depends on a
    variable and is a polynomial affine in the variables becomes a fresh symbol (equal
    subtrees the same one, numbered in order of first appearance, left to right); the
    nodes above are rebuilt unevaluated in the same order, so substituting the scores
    back gives ``template`` exactly."""
    memo = classify(template, variables)
    scores: dict[sympy.Expr, sympy.Symbol] = {}
    built: dict[int, sympy.Basic] = {}

    def reduced(node: sympy.Basic) -> sympy.Basic:
        key = id(node)
        if key in built:
            return built[key]
        if node.args:
            depends, affine = memo[key]
        else:
            depends, affine = node in variables, True
        if not depends:
            result = node
        elif affine:
            symbol = scores.get(node)  # type: ignore[call-overload]
            if symbol is None:
                symbol = scores[node] = make_symbol(f"_z{len(scores) + 1}")  # type: ignore[index]
            result = symbol
        else:
            result = node.func(*[reduced(a) for a in node.args], evaluate=False)
        built[key] = result
        return result

    g = reduced(template)
    return g, tuple((u, a) for a, u in scores.items())  # type: ignore[return-value]


def _status_note(verdict: object, what: str, sign: int) -> str:
    status = verdict.status  # type: ignore[attr-defined]
    if status is Status.REFUTED:
        return (
            f"{what} is not {_WHAT[sign]} (refuted), which proves nothing about the sum over "
            "the data: the rows need not reach the refuting point"
        )
    notes = "; ".join(
        f"{a.strategy}: {a.outcome}"
        for a in verdict.attempts[:3]  # type: ignore[attr-defined]
    )
    return f"{what} could not be proved {_WHAT[sign]}" + (f" ({notes})" if notes else "")


def prove_template(model: ModelClaim, sign: int, settings: Settings) -> ProofStep | str:
    """A ``template-sum`` step proving the model's loss convex (``sign`` +1) or concave
    (−1) in the claim's variables, or a sentence saying why not."""
    from convexity_proofs._engine import check_claim

    structure = model.template
    if structure is None:
        return "the model's loss is not a sum of one template over the data rows"
    if sign not in _WHAT:
        raise ValueError(f"prove_template: sign must be 1 or -1, not {sign!r}")
    data = structure.data
    rows, width = data.shape
    if len(structure.data_symbols) != width:
        return "the template's data symbols do not match the data's columns"
    if rows == 0:
        return "the data have no rows"
    parameters = structure.parameters
    selected = tuple(parameters[int(i)] for i in model.selected)
    variables = frozenset(selected)
    what = _WHAT[sign]

    g, scores = reduce_template(structure.template, variables)
    if not scores:
        return "the template does not depend on the claim's variables"
    box = tuple(
        (s, lo, hi)
        for s, (lo, hi) in zip(structure.data_symbols, data.column_bounds(), strict=True)
    )
    domains: dict[sympy.Symbol, Domain] = {}
    box_of = {s: interval_domain(lo, hi) for s, lo, hi in box}
    fresh = {u for u, _ in scores}
    for s in g.free_symbols:
        domains[s] = box_of.get(s, REAL) if s not in fresh else REAL  # type: ignore[index]
    prop = Property.CONVEX if sign > 0 else Property.CONCAVE
    sub = Claim(
        name="template",
        function=g,  # type: ignore[arg-type]
        variables=tuple(u for u, _ in scores),
        property=prop,
        domains=tuple(sorted(domains.items(), key=lambda item: item[0].name)),
        obligations=obligations_of(g),
        statement="the reduced template of a model's loss",
        source="template",
    )
    verdict = check_claim(sub, settings)
    if verdict.status is not Status.PROVED:
        return _status_note(verdict, f"the template (as g of {len(scores)} affine scores)", sign)

    regulariser = structure.regulariser
    children = list(verdict.proof)
    method, r_definedness = "squares", ()
    if not regulariser_is_signed_squares(regulariser, variables, sign):
        used = tuple(v for v in selected if v in regulariser.free_symbols)
        r_claim = Claim(
            name="regulariser",
            function=regulariser,
            variables=used,
            property=prop,
            domains=tuple(
                sorted(
                    ((s, REAL) for s in regulariser.free_symbols),  # type: ignore[misc]
                    key=lambda item: item[0].name,
                )
            ),
            obligations=obligations_of(regulariser),
            statement="the regulariser of a model's loss",
            source="regulariser",
        )
        r_verdict = check_claim(r_claim, settings)
        if r_verdict.status is not Status.PROVED:
            return _status_note(r_verdict, "the regulariser", sign)
        method, r_definedness = "proof", r_verdict.definedness
        children.extend(r_verdict.proof)

    fact = TemplateFact(
        template=structure.template,
        data_symbols=structure.data_symbols,
        box=box,
        rows=rows,
        digest=data.digest,
        regulariser=regulariser,
        reduced=g,  # type: ignore[arg-type]
        scores=scores,
        definedness=verdict.definedness,
        regulariser_method=method,
        regulariser_definedness=r_definedness,
    )
    return ProofStep("template-sum", MODEL_LOSS, what, (fact,), tuple(children))  # type: ignore[arg-type]
