"""Proofs as data: proof steps and the typed facts they rest on.

A :class:`ProofStep` names its rule by a key (:data:`RULES`), its subject as an exact
expression, what it concludes about the subject (``convex``, ``concave``, ``affine``,
...), the facts it rests on and the steps it builds on.  A checker
(:mod:`convexity_proofs.checker`) replays a step from these data alone; the prose a
report shows (:attr:`ProofStep.reason`, :attr:`ProofStep.conditions`) is generated
from them, so what a report says and what a certificate holds cannot drift apart.

Each fact is a frozen value with a ``kind`` and a JSON form.  Expressions inside
facts and steps are written into one shared :class:`ExpressionTable` (node indices),
numbers as exact ``"p/q"`` strings, enclosures as ``[lo, hi, lo_open, hi_open]``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

import sympy

from convexity_proofs._values import (
    Condition,
    CurvatureWitness,
    Domain,
    Obligation,
    PointWitness,
    SegmentWitness,
    Witness,
    format_number,
)
from convexity_proofs.kernel.expressions import (
    ExpressionDataError,
    ExpressionReader,
    ExpressionTable,
    read_number,
)
from convexity_proofs.kernel.intervals import Interval

# --- small codecs ---------------------------------------------------------------------


def _symbol(reader: ExpressionReader, index: object) -> sympy.Symbol:
    """A node that must be a symbol (a variable, a parameter, a fresh u)."""
    value = reader.get(index)
    if type(value) is not sympy.Symbol:
        raise ExpressionDataError(f"node {index!r:.20} is not a symbol")
    return value


def _end(q: Fraction | None) -> int | str | None:
    return None if q is None else format_number(q)


def _read_end(value: object, where: str) -> Fraction | None:
    return None if value is None else read_number(value, where)


def enclosure_to_json(iv: Interval) -> list[Any]:
    return [_end(iv.lo), _end(iv.hi), iv.lo_open, iv.hi_open]


def enclosure_from_json(data: object, where: str = "enclosure") -> Interval:
    if not (isinstance(data, list) and len(data) == 4):
        raise ExpressionDataError(f"{where}: expected [lo, hi, lo_open, hi_open]")
    lo_open, hi_open = data[2], data[3]
    if not (isinstance(lo_open, bool) and isinstance(hi_open, bool)):
        raise ExpressionDataError(f"{where}: lo_open and hi_open must be true or false")
    try:
        return Interval(_read_end(data[0], where), _read_end(data[1], where), lo_open, hi_open)
    except ValueError as exc:
        raise ExpressionDataError(f"{where}: {exc}") from None


def domain_to_json(d: Domain) -> dict[str, Any]:
    return {
        "lo": _end(d.lo),
        "hi": _end(d.hi),
        "lo_open": d.lo_open,
        "hi_open": d.hi_open,
        "name": d.name,
    }


def domain_from_json(data: object, where: str = "domain") -> Domain:
    if not isinstance(data, dict):
        raise ExpressionDataError(f"{where}: expected an object")
    lo_open, hi_open, name = data.get("lo_open"), data.get("hi_open"), data.get("name")
    if not (isinstance(lo_open, bool) and isinstance(hi_open, bool) and isinstance(name, str)):
        raise ExpressionDataError(f"{where}: lo_open, hi_open and name are required")
    lo, hi = _read_end(data.get("lo"), where), _read_end(data.get("hi"), where)
    if lo is not None and hi is not None and (lo > hi or (lo == hi and (lo_open or hi_open))):
        raise ExpressionDataError(f"{where}: the domain is empty")
    return Domain(lo, hi, lo_open, hi_open, name)


def _brief(expr: sympy.Basic) -> str:
    from convexity_proofs._brief import brief

    return brief(expr, 80)


# --- facts ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SignFact:
    """The range of ``subject`` over the step's box has ``sign``: ``enclosure`` (an
    interval containing the range, computed by the kernel's interval arithmetic) shows
    it.  Signs: positive, nonnegative, negative, nonpositive, nonzero."""

    subject: sympy.Expr
    sign: str
    enclosure: Interval

    kind: ClassVar[str] = "sign"

    def condition(self) -> Condition:
        return Condition(
            f"{_brief(self.subject)} is {self.sign}", f"interval enclosure {self.enclosure}"
        )

    def to_json(self, table: ExpressionTable) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "subject": table.add(self.subject),
            "sign": self.sign,
            "enclosure": enclosure_to_json(self.enclosure),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], reader: ExpressionReader) -> SignFact:
        return cls(
            reader.expr(data["subject"]), str(data["sign"]), enclosure_from_json(data["enclosure"])
        )


@dataclass(frozen=True, slots=True)
class AtomFact:
    """A row of the atom table: ``atom`` (its key) has ``property`` (convex, concave,
    increasing, decreasing, domain) by its alternative number ``alternative`` (the
    conditions of that alternative are sign facts of the same step); ``argument`` is
    the argument a monotonicity is about."""

    atom: str
    property: str
    alternative: int = 0
    argument: int | None = None

    kind: ClassVar[str] = "atom"

    def condition(self) -> Condition:
        about = "" if self.argument is None else f" in argument {self.argument + 1}"
        words = {"increasing": "nondecreasing", "decreasing": "nonincreasing"}
        return Condition(
            f"{self.atom} is {words.get(self.property, self.property)}{about}",
            f"atom table, alternative {self.alternative + 1}",
        )

    def to_json(self, table: ExpressionTable) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "atom": self.atom,
            "property": self.property,
            "alternative": self.alternative,
        }
        if self.argument is not None:
            data["argument"] = self.argument
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any], reader: ExpressionReader) -> AtomFact:
        argument = data.get("argument")
        return cls(
            str(data["atom"]),
            str(data["property"]),
            int(data["alternative"]),
            None if argument is None else int(argument),
        )


@dataclass(frozen=True, slots=True)
class HessianFact:
    """A constant Hessian in ``variables`` with its exact pivoted LDLᵀ factors:
    P·H·Pᵀ = L·D·Lᵀ where P puts index ``order[k]`` at position k, L is unit lower
    triangular (``lower``, row by row, strictly below the diagonal) and D = diag(``pivots``)."""

    variables: tuple[sympy.Symbol, ...]
    matrix: tuple[tuple[Fraction, ...], ...]
    order: tuple[int, ...]
    lower: tuple[tuple[Fraction, ...], ...]
    pivots: tuple[Fraction, ...]

    kind: ClassVar[str] = "hessian"

    def condition(self) -> Condition:
        definite = (
            "positive definite"
            if all(p > 0 for p in self.pivots)
            else ("positive semidefinite" if all(p >= 0 for p in self.pivots) else "indefinite")
        )
        shown = _show_matrix(self.matrix)
        return Condition(f"the Hessian {shown} is {definite}", "exact pivoted LDLᵀ")

    def to_json(self, table: ExpressionTable) -> dict[str, Any]:
        def rows(m: tuple[tuple[Fraction, ...], ...]) -> list[list[int | str]]:
            return [[format_number(v) for v in row] for row in m]

        return {
            "kind": self.kind,
            "variables": [table.add(v) for v in self.variables],
            "matrix": rows(self.matrix),
            "order": list(self.order),
            "lower": rows(self.lower),
            "pivots": [format_number(p) for p in self.pivots],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], reader: ExpressionReader) -> HessianFact:
        def rows(m: Any) -> tuple[tuple[Fraction, ...], ...]:
            return tuple(tuple(read_number(v, "hessian") for v in row) for row in m)

        return cls(
            tuple(_symbol(reader, v) for v in data["variables"]),
            rows(data["matrix"]),
            tuple(int(i) for i in data["order"]),
            rows(data["lower"]),
            tuple(read_number(p, "pivot") for p in data["pivots"]),
        )


@dataclass(frozen=True, slots=True)
class UnivariateSignFact:
    """``expression`` (a rational function of ``variable`` with rational coefficients)
    has ``sign`` ("nonnegative") on ``interval`` (the variable's domain), decided exactly.

    ``expression`` = P/Q with ``numerator`` P and ``denominator`` Q (coefficients over
    QQ, highest degree first, as ``cancel(together(...))`` gives them); ``poles``: for
    each base raised to a negative power (square-free part), the number of its roots in
    the interval, closed ends included (all 0: the expression is defined there);
    ``roots``: for each square-free factor of odd multiplicity of P·Q, the number of its
    roots inside the interval (all 0: P·Q has one sign inside); P/Q > 0 at the interior
    point ``sample`` (None when P = 0: the expression is identically 0).
    """

    variable: sympy.Symbol
    expression: sympy.Expr
    numerator: tuple[Fraction, ...]
    denominator: tuple[Fraction, ...]
    interval: Interval
    poles: tuple[int, ...]
    roots: tuple[int, ...]
    sample: Fraction | None
    sign: str = "nonnegative"

    kind: ClassVar[str] = "univariate-sign"

    def condition(self) -> Condition:
        if self.sample is None:
            how = "the expression is identically 0"
        else:
            how = (
                "exact root counting (Sturm): no pole in the domain, no root of odd "
                f"multiplicity inside, positive at {self.variable} = "
                f"{format_number(self.sample)}"
            )
        return Condition(f"{_brief(self.expression)} is {self.sign} on {self.interval}", how)

    def to_json(self, table: ExpressionTable) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "variable": table.add(self.variable),
            "expression": table.add(self.expression),
            "numerator": [format_number(c) for c in self.numerator],
            "denominator": [format_number(c) for c in self.denominator],
            "interval": enclosure_to_json(self.interval),
            "poles": [int(p) for p in self.poles],
            "roots": [int(r) for r in self.roots],
            "sample": None if self.sample is None else format_number(self.sample),
            "sign": self.sign,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], reader: ExpressionReader) -> UnivariateSignFact:
        sample = data["sample"]
        return cls(
            _symbol(reader, data["variable"]),
            reader.expr(data["expression"]),
            tuple(read_number(c) for c in data["numerator"]),
            tuple(read_number(c) for c in data["denominator"]),
            enclosure_from_json(data["interval"]),
            tuple(int(r) for r in data["poles"]),
            tuple(int(r) for r in data["roots"]),
            None if sample is None else read_number(sample),
            str(data["sign"]),
        )


@dataclass(frozen=True, slots=True)
class PolynomialFact:
    """A polynomial decision by an SMT solver.

    ``form`` = vᵀ∇²f(x)v (in the variables, the parameters and the ``direction``
    symbols v) is >= 0 on the box (for ``strict``: > 0 for every v != 0 on the closed
    box), because every SMT-LIB query in ``smtlib``, each asking for a violation, is
    ``result`` ("unsat") for ``solver`` ``version``.  ``symbols`` are the queries'
    generators g0, g1, ... (the variables, then the parameters); ``method`` the
    encoding: "principal-minors" (minor_S(x) < 0 for each principal minor, on the open
    box), "quadratic-form" (for each k: v_k = 1, |v_i| <= 1, vᵀHv < 0, on the open box;
    <= 0 on the closed box for ``strict``) or, for ``strict``, "leading-minors"
    (minor <= 0 for each leading principal minor, Sylvester's criterion).  The text
    follows the format of docs/certificates.md exactly, so a checker regenerates it
    from the function and the domains and compares.
    """

    form: sympy.Expr
    symbols: tuple[sympy.Symbol, ...]
    direction: tuple[sympy.Symbol, ...]
    method: str
    smtlib: tuple[str, ...]
    solver: str
    version: str
    result: str
    strict: bool = False

    kind: ClassVar[str] = "polynomial"

    def condition(self) -> Condition:
        what = "> 0 for every v != 0 on the closed box" if self.strict else ">= 0 on the box"
        return Condition(
            f"vᵀ∇²f(x)v {what}",
            f"{self.solver} {self.version}: the {len(self.smtlib)} violation queries "
            f"({self.method}) are {self.result}",
        )

    def to_json(self, table: ExpressionTable) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "form": table.add(self.form),
            "symbols": [table.add(s) for s in self.symbols],
            "direction": [table.add(s) for s in self.direction],
            "method": self.method,
            "smtlib": list(self.smtlib),
            "solver": self.solver,
            "version": self.version,
            "result": self.result,
            "strict": self.strict,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], reader: ExpressionReader) -> PolynomialFact:
        queries = data["smtlib"]
        if not isinstance(queries, list) or not all(isinstance(q, str) for q in queries):
            raise ExpressionDataError("polynomial fact: smtlib must be a list of strings")
        return cls(
            reader.expr(data["form"]),
            tuple(_symbol(reader, s) for s in data["symbols"]),
            tuple(_symbol(reader, s) for s in data["direction"]),
            str(data["method"]),
            tuple(queries),
            str(data["solver"]),
            str(data["version"]),
            str(data["result"]),
            bool(data.get("strict", False)),
        )


@dataclass(frozen=True, slots=True)
class IdentityFact:
    """``rhs`` is ``lhs`` with ``substitution`` applied simultaneously, and ``lhs − rhs``
    reduces to 0 by ``method``: "structural" (equal trees), "expansion" (``expand``
    gives 0) or "cancellation" (``cancel`` gives 0), the last two after rewriting
    max(0, c·u) = c·max(0, u) for numbers c > 0 on both sides."""

    lhs: sympy.Expr
    rhs: sympy.Expr
    method: str
    substitution: tuple[tuple[sympy.Symbol, sympy.Expr], ...] = ()

    kind: ClassVar[str] = "identity"

    def condition(self) -> Condition:
        shown = ", ".join(f"{s} -> {_brief(v)}" for s, v in self.substitution[:6])
        if len(self.substitution) > 6:
            shown += ", ..."
        return Condition(f"f(σ(θ)) = f(θ) for σ: {shown}", f"the difference is 0 by {self.method}")

    def to_json(self, table: ExpressionTable) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "lhs": table.add(self.lhs),
            "rhs": table.add(self.rhs),
            "method": self.method,
            "substitution": [[table.add(s), table.add(v)] for s, v in self.substitution],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], reader: ExpressionReader) -> IdentityFact:
        return cls(
            reader.expr(data["lhs"]),
            reader.expr(data["rhs"]),
            str(data["method"]),
            tuple((_symbol(reader, s), reader.expr(v)) for s, v in data.get("substitution", [])),
        )


@dataclass(frozen=True, slots=True)
class DefinedFact:
    """``subject`` is defined (finite and real) at every point of the step's box: the
    kernel's interval evaluation encloses it in ``enclosure`` without meeting a point
    where it is undefined."""

    subject: sympy.Expr
    enclosure: Interval

    kind: ClassVar[str] = "defined"

    def condition(self) -> Condition:
        return Condition(
            f"{_brief(self.subject)} is defined on the domain",
            f"interval enclosure {self.enclosure}",
        )

    def to_json(self, table: ExpressionTable) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "subject": table.add(self.subject),
            "enclosure": enclosure_to_json(self.enclosure),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], reader: ExpressionReader) -> DefinedFact:
        return cls(reader.expr(data["subject"]), enclosure_from_json(data["enclosure"]))


@dataclass(frozen=True, slots=True)
class ObligationFact:
    """A definedness obligation of the text as written and how it is met: the kernel
    encloses its decisive form (``log u``, ``u**(1/2)``, ``1/u``, ``tan u``) in
    ``enclosure`` over the whole box, so it holds at every point."""

    obligation: Obligation
    enclosure: Interval

    kind: ClassVar[str] = "obligation"

    def condition(self) -> Condition:
        text = f" (from {self.obligation.text})" if self.obligation.text else ""
        # The enclosure is of the decisive form (log u, 1/u, ...), not of u: say so.
        from sympy import sstr

        from convexity_proofs._obligations import decisive

        form = sstr(decisive(self.obligation), order="none")
        if len(form) > 60:
            form = form[:57] + "..."
        return Condition(
            f"{self.obligation.describe()}{text}",
            f"interval enclosure of {form}: {self.enclosure}",
        )

    def to_json(self, table: ExpressionTable) -> dict[str, Any]:
        ob = self.obligation
        return {
            "kind": self.kind,
            "obligation": ob.kind,
            "argument": table.add(ob.argument),
            "subject": table.add(ob.subject),
            "text": ob.text,
            "enclosure": enclosure_to_json(self.enclosure),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], reader: ExpressionReader) -> ObligationFact:
        ob = Obligation(
            str(data["obligation"]),
            reader.expr(data["argument"]),
            reader.expr(data["subject"]),
            str(data.get("text", "")),
        )
        return cls(ob, enclosure_from_json(data["enclosure"]))


@dataclass(frozen=True, slots=True)
class ContextFact:
    """The step (and its children) speak about ``variables`` ranging over ``domains``,
    with every other symbol fixed at ``pinned`` or ranging over the claim's domains:
    a perspective's fresh variables u = x/y, or the parameters fixed at one value."""

    variables: tuple[sympy.Symbol, ...]
    domains: tuple[tuple[sympy.Symbol, Domain], ...] = ()
    pinned: tuple[tuple[sympy.Symbol, Fraction], ...] = ()

    kind: ClassVar[str] = "context"

    def condition(self) -> Condition:
        parts = []
        if self.pinned:
            parts.append(", ".join(f"{s} = {format_number(q)}" for s, q in self.pinned))
        if self.domains:
            parts.append(", ".join(f"{s} in {d.describe()}" for s, d in self.domains))
        return Condition("; ".join(parts) or "the claim's domain", "context of the step")

    def to_json(self, table: ExpressionTable) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "variables": [table.add(v) for v in self.variables],
            "domains": [[table.add(s), domain_to_json(d)] for s, d in self.domains],
            "pinned": [[table.add(s), format_number(q)] for s, q in self.pinned],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], reader: ExpressionReader) -> ContextFact:
        return cls(
            tuple(_symbol(reader, v) for v in data["variables"]),
            tuple((_symbol(reader, s), domain_from_json(d)) for s, d in data["domains"]),
            tuple((_symbol(reader, s), read_number(q)) for s, q in data["pinned"]),
        )


Fact = (
    SignFact
    | AtomFact
    | HessianFact
    | UnivariateSignFact
    | PolynomialFact
    | IdentityFact
    | DefinedFact
    | ObligationFact
    | ContextFact
)

FACT_TYPES: dict[str, Any] = {
    cls.kind: cls
    for cls in (
        SignFact,
        AtomFact,
        HessianFact,
        UnivariateSignFact,
        PolynomialFact,
        IdentityFact,
        DefinedFact,
        ObligationFact,
        ContextFact,
    )
}


def fact_from_json(data: object, reader: ExpressionReader) -> Fact:
    if not isinstance(data, dict) or data.get("kind") not in FACT_TYPES:
        kind = data.get("kind") if isinstance(data, dict) else data
        raise ExpressionDataError(f"unknown fact kind {kind!r:.40}")
    try:
        return FACT_TYPES[data["kind"]].from_json(data, reader)  # type: ignore[no-any-return]
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, ExpressionDataError):
            raise
        raise ExpressionDataError(f"{data['kind']} fact: missing or malformed {exc}") from None


# --- proof steps ----------------------------------------------------------------------

#: Conclusions a step can draw about its subject (in the step's variables, on its box).
CONCLUSIONS = (
    "affine",
    "convex",
    "concave",
    "strictly-convex",
    "strictly-concave",
    "not-convex",
    "not-concave",
    "not-strictly-convex",
    "not-strictly-concave",
    "not-affine",
    "invariant",
    "not-invariant",
    "constant",
    "nondecreasing",
    "nonincreasing",
    "increasing",
    "decreasing",
    "not-nondecreasing",
    "not-nonincreasing",
    "not-increasing",
    "not-decreasing",
    "quasiconvex",
    "quasiconcave",
    "quasilinear",
    "not-quasiconvex",
    "not-quasiconcave",
    "not-positive",
)


@dataclass(frozen=True, slots=True)
class ProofStep:
    """One step of a proof, as data.

    ``rule`` is a key of :data:`RULES`; ``subject`` the exact expression the step is
    about; ``conclusion`` one of :data:`CONCLUSIONS`; ``facts`` what it rests on;
    ``children`` the steps it builds on; ``witness`` a certified witness for the
    ``not-convex``/``not-concave`` steps.
    """

    rule: str
    subject: sympy.Expr
    conclusion: str
    facts: tuple[Fact, ...] = ()
    children: tuple[ProofStep, ...] = ()
    witness: Witness | None = None

    @property
    def subject_text(self) -> str:
        from convexity_proofs._brief import brief

        return brief(self.subject, 120)

    @property
    def reason(self) -> str:
        """The rule's statement for this step, generated from its data."""
        words = RULES.get(self.rule)
        return words(self) if words is not None else f"rule {self.rule}"

    @property
    def conditions(self) -> tuple[Condition, ...]:
        """The facts the step rests on, as report lines."""
        return tuple(f.condition() for f in self.facts)

    def facts_of(self, cls: type) -> list[Any]:
        return [f for f in self.facts if isinstance(f, cls)]

    def to_json(self, table: ExpressionTable | None = None) -> dict[str, Any]:
        """JSON data; with a ``table``, expressions are node indices into it (the
        certificate form), without one they are printed (the brief report form)."""
        if table is None:
            data: dict[str, Any] = {
                "rule": self.rule,
                "subject": self.subject_text,
                "conclusion": self.conclusion,
                "reason": self.reason,
            }
            if self.facts:
                data["conditions"] = [c.to_json() for c in self.conditions]
        else:
            data = {
                "rule": self.rule,
                "subject": table.add(self.subject),
                "conclusion": self.conclusion,
                "reason": self.reason,
            }
            if self.facts:
                data["facts"] = [f.to_json(table) for f in self.facts]
        if self.witness is not None:
            data["witness"] = self.witness.to_json()
        if self.children:
            data["steps"] = [c.to_json(table) for c in self.children]
        return data


def step_from_json(
    data: object, reader: ExpressionReader, witness_from_json: Callable[[Any], Witness]
) -> ProofStep:
    """A step read back from its certificate form (iteratively: proofs can be deep)."""
    if not isinstance(data, dict):
        raise ExpressionDataError("a proof step must be an object")
    # Post-order over the step tree without recursion.
    order: list[dict[str, Any]] = []
    stack = [data]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            raise ExpressionDataError("a proof step must be an object")
        order.append(node)
        stack.extend(node.get("steps", []))
    built: dict[int, ProofStep] = {}
    for node in reversed(order):
        try:
            rule, conclusion = node["rule"], node["conclusion"]
        except KeyError as exc:
            raise ExpressionDataError(f"a proof step is missing {exc}") from None
        if rule not in RULES:
            raise ExpressionDataError(f"unknown rule {rule!r:.40}")
        if conclusion not in CONCLUSIONS:
            raise ExpressionDataError(f"rule {rule}: unknown conclusion {conclusion!r:.40}")
        witness = node.get("witness")
        built[id(node)] = ProofStep(
            rule=rule,
            subject=reader.expr(node["subject"]),
            conclusion=conclusion,
            facts=tuple(fact_from_json(f, reader) for f in node.get("facts", [])),
            children=tuple(built[id(c)] for c in node.get("steps", [])),
            witness=None if witness is None else witness_from_json(witness),
        )
    return built[id(data)]


def _show_matrix(m: tuple[tuple[Fraction, ...], ...]) -> str:
    if len(m) > 6:
        return f"({len(m)}×{len(m)})"
    return "[" + ", ".join("[" + ", ".join(str(v) for v in row) + "]" for row in m) + "]"


# --- what each rule says (the prose is generated from the step's data) ---------------


def _words(template: str) -> Callable[[ProofStep], str]:
    return lambda step: template.format(
        conclusion=step.conclusion.replace("-", " "),
        subject=step.subject_text,
        atom=next((f.atom for f in step.facts if isinstance(f, AtomFact)), "the atom"),
    )


#: rule key -> its statement for one step.  A rule the checker does not know cannot
#: appear in a certificate that replays.
RULES: dict[str, Callable[[ProofStep], str]] = {
    "affine": _words("a constant or a variable is affine"),
    "sum": _words("a sum of {conclusion} terms is {conclusion}"),
    "affine-scaling": _words("a constant multiple of an affine function is affine"),
    "scaling": _words(
        "a constant multiple of a function keeps (factor >= 0) or flips "
        "(factor <= 0) its curvature; here the product is {conclusion}"
    ),
    "composition": _words(
        "{atom} is {conclusion} and each argument meets the "
        "monotonicity condition of the composition rule"
    ),
    "perspective": _words(
        "y·F(x/y) with y > 0 is the perspective of F, which is "
        "{conclusion}; a perspective keeps convexity and concavity"
    ),
    "negation": _words("f is {conclusion} because −f is the opposite"),
    "constant-hessian": lambda step: (
        "f is quadratic in the variables with a constant Hessian that is "
        + (
            "positive definite"
            if step.conclusion.startswith("strictly")
            else "positive semidefinite"
        )
        + f", so f is {step.conclusion}"
    ),
    "second-derivative-exact": lambda step: (
        "f'' >= 0 on the domain (exact sign decision)"
        + (
            "; its zeros are isolated, so f' is strictly increasing"
            if step.conclusion.startswith("strictly")
            else ""
        )
        + f", so f is {step.conclusion}"
    ),
    "second-derivative-intervals": lambda step: (
        ("f'' > 0" if step.conclusion.startswith("strictly") else "f'' >= 0")
        + f" on the whole domain (interval enclosure), so f is {step.conclusion}"
    ),
    "polynomial-hessian": lambda step: (
        "f is a polynomial whose Hessian is "
        + (
            "positive definite"
            if step.conclusion.startswith("strictly")
            else "positive semidefinite"
        )
        + f" at every point of the domain (decided by z3), so f is {step.conclusion}"
    ),
    "strictly-convex-term": _words(
        "a sum of convex terms one of which is strictly convex "
        "in all the variables is strictly convex"
    ),
    "at-parameters": _words("with the parameters fixed at one value inside their domains"),
    "witness": lambda step: (
        _words("a certified witness shows f is {conclusion}")(step)
        + (" for every parameter value" if getattr(step.witness, "box", None) else "")
    ),
    # --- monotonicity (in one variable: the context's only variable) -------------------
    "constant": _words("the subject does not depend on the variable"),
    "monotone-variable": _words("the variable itself is increasing"),
    "monotone-sum": _words("a sum of terms that are each {conclusion} is {conclusion}"),
    "monotone-scaling": _words(
        "a constant multiple keeps (factor > 0) or reverses (factor < 0) the direction "
        "of monotonicity; here the product is {conclusion}"
    ),
    "monotone-composition": _words(
        "{atom} is monotone in each argument and each argument is monotone in the "
        "matching direction, so the composition is {conclusion}"
    ),
    "monotone-product": _words(
        "a product of nonnegative factors that are each nondecreasing (nonincreasing) "
        "is {conclusion}"
    ),
    "gradient-sign": _words(
        "the partial derivative in the variable has a fixed sign on the whole domain "
        "(interval enclosure), so f is {conclusion}"
    ),
    "first-derivative-exact": _words(
        "f' has a fixed sign on the domain (exact sign decision), so f is {conclusion}"
    ),
    "in-variable": _words("in each variable with the others held fixed, f is {conclusion}"),
    # --- quasiconvexity (the DQCP rules) ----------------------------------------------
    "quasi-composition": _words(
        "a monotone function of one argument keeps (nondecreasing) or swaps "
        "(nonincreasing) quasiconvexity and quasiconcavity; here it is {conclusion}"
    ),
    "quasi-max": _words(
        "a maximum of quasiconvex functions is quasiconvex, a minimum of quasiconcave "
        "ones quasiconcave; here it is {conclusion}"
    ),
    "quasi-ratio": _words(
        "p/q with q > 0 (or −p/−q): {{p/q <= c}} and {{p/q >= c}} are {{p − c·q <= 0}} "
        "and {{p − c·q >= 0}}, which the curvatures of p and q and the sign of p make "
        "convex at every level c that cuts; here it is {conclusion}"
    ),
    "quasi-scaling": _words(
        "a nonnegative multiple keeps, a nonpositive one swaps, quasiconvexity and "
        "quasiconcavity (any multiple of a quasilinear function is quasilinear), and "
        "adding a constant changes neither; here it is {conclusion}"
    ),
    "quasi-univariate": _words(
        "a monotone function of one variable has intervals as sublevel and superlevel "
        "sets, so it is {conclusion}"
    ),
    "quasi-log": lambda step: (
        "f > 0 on the whole domain and log f is "
        + (
            "concave; log is strictly increasing, so {f >= c} is the superlevel set "
            "{log f >= log c} for c > 0 and the whole domain for c <= 0"
            if step.conclusion == "quasiconcave"
            else "convex; log is strictly increasing, so {f <= c} is the sublevel set "
            "{log f <= log c} for c > 0 and empty for c <= 0"
        )
        + f", convex at every level: f is {step.conclusion}"
    ),
    # --- log-concavity (a proof about log f) ------------------------------------------
    "log-product": _words(
        "the logarithm of a product of positive factors is the sum of their logarithms "
        "(and log(u**p) = p·log(u) for u > 0), which is {conclusion}"
    ),
    "identity": lambda step: (
        "substituting leaves the function unchanged"
        + next(
            (
                f": the difference is 0 by {f.method}"
                for f in step.facts
                if isinstance(f, IdentityFact) and f.method != "structural"
            ),
            ": the same expression up to the order of sums and products",
        )
    ),
}


def witness_data(witness: Witness) -> dict[str, Any]:
    return witness.to_json()


__all__ = [
    "CONCLUSIONS",
    "FACT_TYPES",
    "RULES",
    "AtomFact",
    "ContextFact",
    "CurvatureWitness",
    "DefinedFact",
    "Fact",
    "HessianFact",
    "IdentityFact",
    "ObligationFact",
    "PointWitness",
    "PolynomialFact",
    "ProofStep",
    "SegmentWitness",
    "SignFact",
    "UnivariateSignFact",
    "fact_from_json",
    "step_from_json",
]
