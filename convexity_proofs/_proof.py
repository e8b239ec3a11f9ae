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
from convexity_proofs.kernel.subdivision import Piece

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
    it.  Signs: positive, nonnegative, negative, nonpositive, nonzero.

    With ``pieces`` the sign is shown piece by piece: the pieces' boxes cover the step's
    box and the enclosure on each piece shows the sign (``enclosure`` is then the hull
    of the pieces' enclosures).  JSON: ``"pieces"`` is omitted when there are none."""

    subject: sympy.Expr
    sign: str
    enclosure: Interval
    pieces: tuple[Piece, ...] = ()

    kind: ClassVar[str] = "sign"

    def condition(self) -> Condition:
        if self.pieces:
            how = f"interval enclosures on {len(self.pieces)} pieces, hull {self.enclosure}"
        else:
            how = f"interval enclosure {self.enclosure}"
        return Condition(f"{_brief(self.subject)} is {self.sign}", how)

    def to_json(self, table: ExpressionTable) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "subject": table.add(self.subject),
            "sign": self.sign,
            "enclosure": enclosure_to_json(self.enclosure),
        }
        if self.pieces:
            data["pieces"] = [piece_to_json(p, table) for p in self.pieces]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any], reader: ExpressionReader) -> SignFact:
        pieces = data.get("pieces", [])
        if not isinstance(pieces, list):
            raise ExpressionDataError("sign fact: pieces must be a list")
        return cls(
            reader.expr(data["subject"]),
            str(data["sign"]),
            enclosure_from_json(data["enclosure"]),
            tuple(piece_from_json(p, reader) for p in pieces),
        )


def piece_to_json(piece: Piece, table: ExpressionTable) -> dict[str, Any]:
    return {
        "box": [[table.add(s), domain_to_json(d)] for s, d in piece.box],
        "enclosure": enclosure_to_json(piece.enclosure),
    }


def piece_from_json(data: object, reader: ExpressionReader) -> Piece:
    if not isinstance(data, dict) or not isinstance(data.get("box"), list):
        raise ExpressionDataError("a piece must be an object with a box list")
    box = []
    for entry in data["box"]:
        if not (isinstance(entry, list) and len(entry) == 2):
            raise ExpressionDataError("a piece's box entry must be [symbol, domain]")
        box.append((_symbol(reader, entry[0]), domain_from_json(entry[1], "piece")))
    return Piece(tuple(box), enclosure_from_json(data.get("enclosure"), "piece enclosure"))


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
    max(0, c·u) = c·max(0, u) for numbers c > 0 on both sides; "normal-form-expansion"
    and "normal-form-cancellation" reduce the difference of both sides' normal forms
    (:mod:`convexity_proofs.kernel.identities`), whose sign conditions are the step's
    sign facts."""

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


# --- one variable beyond rational functions: substitution and tails --------------------


@dataclass(frozen=True, slots=True)
class SubstitutionFact:
    """``subject`` (an expression in ``variable``) equals ``result`` (a rational function
    of ``symbol``) under ``symbol`` = ``definition`` (exp(x/q) or x**(1/q)), and ``image``
    encloses the range of ``definition`` on the domain: the exact, deterministic
    substitution of :func:`convexity_proofs.kernel.substitution.exponential_substitution`,
    which a checker recomputes and compares.  ``symbol`` is written as a plain real
    symbol with the substitution's name (``_u_x``), which no claim can use."""

    subject: sympy.Expr
    variable: sympy.Symbol
    symbol: sympy.Symbol
    definition: sympy.Expr
    result: sympy.Expr
    image: Interval

    kind: ClassVar[str] = "substitution"

    def condition(self) -> Condition:
        return Condition(
            f"{_brief(self.subject)} = {_brief(self.result)} with {self.symbol} = "
            f"{_brief(self.definition)} in {self.image}",
            "exact substitution",
        )

    def to_json(self, table: ExpressionTable) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "subject": table.add(self.subject),
            "variable": table.add(self.variable),
            "symbol": table.add(self.symbol),
            "definition": table.add(self.definition),
            "result": table.add(self.result),
            "image": enclosure_to_json(self.image),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], reader: ExpressionReader) -> SubstitutionFact:
        return cls(
            reader.expr(data["subject"]),
            _symbol(reader, data["variable"]),
            _symbol(reader, data["symbol"]),
            reader.expr(data["definition"]),
            reader.expr(data["result"]),
            enclosure_from_json(data["image"], "substitution image"),
        )


@dataclass(frozen=True, slots=True)
class TailFact:
    """``subject`` g is >= 0 on a half-line of ``variable`` by a monotone bound: on the
    tail [cut, oo) (``side`` "right") or (-oo, cut] ("left"), with k = len(values) >= 1,
    ``values[j]`` encloses g^(j)(cut) for j < k and ``bound`` encloses g^(k) on the tail
    (the other symbols over their domains); every s^j·g^(j)(cut) >= 0 and s^k·g^(k) >= 0
    on the tail, s = 1 on the right and -1 on the left, make g >= g(cut) >= 0 there
    (g > 0 when g(cut) > 0)."""

    subject: sympy.Expr
    variable: sympy.Symbol
    side: str
    cut: Fraction
    values: tuple[Interval, ...]
    bound: Interval

    kind: ClassVar[str] = "tail"

    def condition(self) -> Condition:
        c = format_number(self.cut)
        tail = f"[{c}, oo)" if self.side == "right" else f"(-oo, {c}]"
        k = len(self.values)
        return Condition(
            f"{_brief(self.subject)} >= 0 on {tail}",
            f"derivatives of orders < {k} have the right sign at {self.variable} = {c} and "
            f"the derivative of order {k} on the whole tail (enclosure {self.bound})",
        )

    def to_json(self, table: ExpressionTable) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "subject": table.add(self.subject),
            "variable": table.add(self.variable),
            "side": self.side,
            "cut": format_number(self.cut),
            "values": [enclosure_to_json(v) for v in self.values],
            "bound": enclosure_to_json(self.bound),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], reader: ExpressionReader) -> TailFact:
        values = data["values"]
        if not isinstance(values, list):
            raise ExpressionDataError("tail fact: values must be a list")
        return cls(
            reader.expr(data["subject"]),
            _symbol(reader, data["variable"]),
            str(data["side"]),
            read_number(data["cut"], "tail cut"),
            tuple(enclosure_from_json(v, "tail value") for v in values),
            enclosure_from_json(data["bound"], "tail bound"),
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
    | SubstitutionFact
    | TailFact
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
        SubstitutionFact,
        TailFact,
    )
}


# --- symbolic Hessians (rule ``symbolic-hessian``) ------------------------------------


def _shown_sign(sign: str) -> str:
    return {"positive": "> 0", "nonnegative": ">= 0", "negative": "< 0", "nonpositive": "<= 0"}.get(
        sign, sign
    )


@dataclass(frozen=True, slots=True)
class Factored:
    """``constant`` · Π factor**multiplicity: a polynomial written as a product (a value
    inside a :class:`MinorFact`, not a fact)."""

    constant: Fraction
    factors: tuple[tuple[sympy.Expr, int], ...] = ()

    def to_json(self, table: ExpressionTable) -> dict[str, Any]:
        return {
            "constant": format_number(self.constant),
            "factors": [[table.add(f), int(k)] for f, k in self.factors],
        }

    @classmethod
    def from_json(cls, data: object, reader: ExpressionReader) -> Factored:
        if not isinstance(data, dict) or not isinstance(data.get("factors"), list):
            raise ExpressionDataError("a factored polynomial needs constant and factors")
        factors = []
        for entry in data["factors"]:
            if not (isinstance(entry, list) and len(entry) == 2 and type(entry[1]) is int):
                raise ExpressionDataError("a factor must be [expression, multiplicity]")
            factors.append((reader.expr(entry[0]), entry[1]))
        return cls(read_number(data["constant"], "constant"), tuple(factors))


@dataclass(frozen=True, slots=True)
class SymbolicHessianFact:
    """The Hessian of the step's subject in ``variables``, formed symbolically.

    ``entries``: the upper triangle (i <= j) row by row, each ``diff(diff(f, x_i), x_j)``.
    ``method``: "principal-minors" (every principal minor >= 0: positive semidefinite) or
    "leading-minors" (every leading principal minor > 0: positive definite, Sylvester's
    criterion).  ``box``: where the minors' signs are shown, "interior" (the open box of
    the variables; convexity extends to the closed box by continuity) or "domain" (the
    variables' domains as given, so positive definiteness there makes f strictly convex).
    ``substitution``: the exponential substitution shared by all entries (pairs
    ``[u, exp(x/q)]``, ``[s, x**(1/q)]``), ``bounds`` the enclosures of each new symbol's
    range on the box, ``generators`` the symbols the minors are polynomials in (the
    variables, the parameters by name, then the new symbols).  ``denominator``: a
    common denominator L of the entries (in the generators, after the substitution),
    as a product of factors; the minors are shown as fractions over powers of them.
    """

    variables: tuple[sympy.Symbol, ...]
    entries: tuple[sympy.Expr, ...]
    method: str
    box: str
    generators: tuple[sympy.Symbol, ...]
    substitution: tuple[tuple[sympy.Symbol, sympy.Expr], ...] = ()
    bounds: tuple[tuple[sympy.Symbol, Interval], ...] = ()
    denominator: Factored = Factored(Fraction(1))

    kind: ClassVar[str] = "symbolic-hessian"

    def condition(self) -> Condition:
        n = len(self.variables)
        what = "positive definite" if self.method == "leading-minors" else "positive semidefinite"
        where = "inside the domain" if self.box == "interior" else "on the whole domain"
        how = (
            f"the {n} leading principal minors are > 0 (Sylvester)"
            if self.method == "leading-minors"
            else f"the {2**n - 1} principal minors are >= 0"
        )
        if self.substitution:
            how += "; with " + ", ".join(f"{s} = {_brief(d)}" for s, d in self.substitution[:4])
        return Condition(f"the {n}×{n} symbolic Hessian is {what} {where}", how)

    def to_json(self, table: ExpressionTable) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "variables": [table.add(v) for v in self.variables],
            "entries": [table.add(e) for e in self.entries],
            "method": self.method,
            "box": self.box,
            "generators": [table.add(g) for g in self.generators],
            "substitution": [[table.add(s), table.add(d)] for s, d in self.substitution],
            "bounds": [[table.add(s), enclosure_to_json(b)] for s, b in self.bounds],
            "denominator": self.denominator.to_json(table),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], reader: ExpressionReader) -> SymbolicHessianFact:
        return cls(
            tuple(_symbol(reader, v) for v in data["variables"]),
            tuple(reader.expr(e) for e in data["entries"]),
            str(data["method"]),
            str(data["box"]),
            tuple(_symbol(reader, g) for g in data["generators"]),
            tuple((_symbol(reader, s), reader.expr(d)) for s, d in data["substitution"]),
            tuple(
                (_symbol(reader, s), enclosure_from_json(b, "bounds")) for s, b in data["bounds"]
            ),
            Factored.from_json(data["denominator"], reader),
        )


@dataclass(frozen=True, slots=True)
class MinorFact:
    """The principal minor of the Hessian on the indices ``subset`` equals
    ``numerator``/``denominator`` (polynomials in the Hessian fact's generators, each
    written as a constant times powers of factors; the denominator's factors are factors
    of the Hessian fact's common denominator L, at most to their power in L**k for a
    k×k minor) and has ``sign`` ("nonnegative" or "positive") on the box: the sign of
    each factor is a fact of the same step."""

    subset: tuple[int, ...]
    sign: str
    numerator: Factored
    denominator: Factored

    kind: ClassVar[str] = "hessian-minor"

    def condition(self) -> Condition:
        rows = ", ".join(str(i + 1) for i in self.subset)
        parts = len(self.numerator.factors) + len(self.denominator.factors)
        return Condition(
            f"the minor on rows ({rows}) is {_shown_sign(self.sign)}",
            f"exact rational function, {parts} factor{'s' if parts != 1 else ''} of known sign",
        )

    def to_json(self, table: ExpressionTable) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "subset": list(self.subset),
            "sign": self.sign,
            "numerator": self.numerator.to_json(table),
            "denominator": self.denominator.to_json(table),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], reader: ExpressionReader) -> MinorFact:
        subset = data["subset"]
        if not isinstance(subset, list) or not all(type(i) is int for i in subset):
            raise ExpressionDataError("hessian-minor fact: subset must be a list of integers")
        return cls(
            tuple(subset),
            str(data["sign"]),
            Factored.from_json(data["numerator"], reader),
            Factored.from_json(data["denominator"], reader),
        )


@dataclass(frozen=True, slots=True)
class CoefficientSignFact:
    """``subject`` (a polynomial over QQ in the step's generators) has ``sign`` on the box
    by its coefficients: after g = a + d·t for each ``shifts`` entry (g, a, d) (t >= 0 on
    the box; other generators unshifted, >= 0 there) every coefficient has one sign
    (see :func:`convexity_proofs.kernel.positivity.coefficient_sign`)."""

    subject: sympy.Expr
    sign: str
    shifts: tuple[tuple[sympy.Symbol, Fraction, int], ...] = ()

    kind: ClassVar[str] = "coefficient-sign"

    def condition(self) -> Condition:
        how = "every coefficient has that sign"
        if self.shifts:
            shown = ", ".join(
                f"{g} = {format_number(a)} {'+' if d > 0 else '-'} t" for g, a, d in self.shifts[:4]
            )
            how += f" after {shown}"
        return Condition(f"{_brief(self.subject)} is {self.sign}", how)

    def to_json(self, table: ExpressionTable) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "subject": table.add(self.subject),
            "sign": self.sign,
            "shifts": [[table.add(g), format_number(a), int(d)] for g, a, d in self.shifts],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], reader: ExpressionReader) -> CoefficientSignFact:
        shifts = []
        for entry in data["shifts"]:
            if not (isinstance(entry, list) and len(entry) == 3 and entry[2] in (1, -1)):
                raise ExpressionDataError("a shift must be [generator, offset, 1 or -1]")
            shifts.append((_symbol(reader, entry[0]), read_number(entry[1], "shift"), entry[2]))
        return cls(reader.expr(data["subject"]), str(data["sign"]), tuple(shifts))


@dataclass(frozen=True, slots=True)
class SolverSignFact:
    """``subject`` (a polynomial over QQ in ``symbols``, the step's generators) has
    ``sign`` on the box because the SMT-LIB query ``smtlib``, which asks for a point of
    the box where it fails, is ``result`` ("unsat") for ``solver`` ``version``.  The
    text has the format of the ``polynomial`` fact's queries (docs/certificates.md)."""

    subject: sympy.Expr
    sign: str
    symbols: tuple[sympy.Symbol, ...]
    smtlib: str
    solver: str
    version: str
    result: str

    kind: ClassVar[str] = "solver-sign"

    def condition(self) -> Condition:
        return Condition(
            f"{_brief(self.subject)} is {self.sign}",
            f"{self.solver} {self.version}: the violation query is {self.result}",
        )

    def to_json(self, table: ExpressionTable) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "subject": table.add(self.subject),
            "sign": self.sign,
            "symbols": [table.add(s) for s in self.symbols],
            "smtlib": self.smtlib,
            "solver": self.solver,
            "version": self.version,
            "result": self.result,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], reader: ExpressionReader) -> SolverSignFact:
        if not isinstance(data["smtlib"], str):
            raise ExpressionDataError("solver-sign fact: smtlib must be a string")
        return cls(
            reader.expr(data["subject"]),
            str(data["sign"]),
            tuple(_symbol(reader, s) for s in data["symbols"]),
            data["smtlib"],
            str(data["solver"]),
            str(data["version"]),
            str(data["result"]),
        )


FACT_TYPES.update(
    {cls.kind: cls for cls in (SymbolicHessianFact, MinorFact, CoefficientSignFact, SolverSignFact)}
)


# --- Piecewise functions on a line (convexity_proofs/kernel/piecewise.py) --------------


@dataclass(frozen=True, slots=True)
class PiecewiseFact:
    """f = g(``variable``) on the step's box, where ``variable`` stands for the linear
    ``form`` of the context's variables (the variable itself in one variable) and g is
    the Piecewise read on that line; ``image`` encloses the range of the form on the box,
    and ``segments`` cut it into intervals, closed at the breakpoints between them (the
    image's own ends at the ends), each with the number of the branch (0 for the first
    pair) that gives f inside it.  Recomputed by the checker from the subject."""

    variable: sympy.Symbol
    form: sympy.Expr
    image: Interval
    segments: tuple[tuple[Interval, int], ...]

    kind: ClassVar[str] = "piecewise"

    def condition(self) -> Condition:
        line = (
            f"f = g({self.variable}) with {self.variable} = {_brief(self.form)} in {self.image}; "
            if self.variable != self.form
            else ""
        )
        cuts = ", ".join(
            str(format_number(iv.lo)) for iv, _ in self.segments[1:] if iv.lo is not None
        )
        cut = f" cut at {cuts}" if len(self.segments) > 1 else ""
        return Condition(
            f"{line}{len(self.segments)} piece{'s' * (len(self.segments) != 1)}{cut}",
            "the conditions decided exactly at rational points",
        )

    def to_json(self, table: ExpressionTable) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "variable": table.add(self.variable),
            "form": table.add(self.form),
            "image": enclosure_to_json(self.image),
            "segments": [
                {"interval": enclosure_to_json(iv), "branch": branch}
                for iv, branch in self.segments
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], reader: ExpressionReader) -> PiecewiseFact:
        segments = data["segments"]
        if not isinstance(segments, list):
            raise ExpressionDataError("piecewise fact: segments must be a list")
        return cls(
            _symbol(reader, data["variable"]),
            reader.expr(data["form"]),
            enclosure_from_json(data["image"], "piecewise image"),
            tuple(
                (enclosure_from_json(s["interval"], "segment"), _index(s["branch"]))
                for s in segments
            ),
        )


def _value_text(iv: Interval) -> str:
    """An enclosure as a report shows it: the number itself when it is exact."""
    if iv.lo is not None and iv.lo == iv.hi:
        return str(format_number(iv.lo))
    return str(iv)


def _index(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ExpressionDataError(f"a branch number must be an integer >= 0, not {value!r:.20}")
    return value


def _pair(data: object, what: str) -> list[Any]:
    if not isinstance(data, list):
        raise ExpressionDataError(f"{what} must be a list")
    return data


@dataclass(frozen=True, slots=True)
class BreakpointFact:
    """At the interior breakpoint ``point`` between the segments of branches ``left``
    and ``right``, f is given by ``branch``: the branches' values there (``values``: the
    left one, the right one, f's; each enclosed over the parameters' box) are equal, the
    two branches are C¹ on the windows [point − windows[0], point] and [point, point +
    windows[1]], and their one-sided derivatives at the point (``derivatives``: from the
    left, from the right) compare by ``relation`` ("=", "<", "<=", ">", ">=")."""

    point: Fraction
    branch: int
    left: int
    right: int
    values: tuple[Interval, Interval, Interval]
    windows: tuple[Fraction, Fraction]
    derivatives: tuple[Interval, Interval]
    relation: str

    kind: ClassVar[str] = "breakpoint"

    def condition(self) -> Condition:
        at = format_number(self.point)
        left, right = (_value_text(d) for d in self.derivatives)
        return Condition(
            f"at {at}: continuous (value {_value_text(self.values[2])}), one-sided "
            f"derivatives {left} {self.relation} {right}",
            "exact or enclosed values of the branches, each C¹ on a window beside the point",
        )

    def to_json(self, table: ExpressionTable) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "point": format_number(self.point),
            "branch": self.branch,
            "left": self.left,
            "right": self.right,
            "values": [enclosure_to_json(v) for v in self.values],
            "windows": [format_number(w) for w in self.windows],
            "derivatives": [enclosure_to_json(d) for d in self.derivatives],
            "relation": self.relation,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], reader: ExpressionReader) -> BreakpointFact:
        values = _pair(data["values"], "breakpoint values")
        windows = _pair(data["windows"], "breakpoint windows")
        derivatives = _pair(data["derivatives"], "breakpoint derivatives")
        if (len(values), len(windows), len(derivatives)) != (3, 2, 2):
            raise ExpressionDataError("breakpoint fact: 3 values, 2 windows, 2 derivatives")
        return cls(
            read_number(data["point"], "breakpoint"),
            _index(data["branch"]),
            _index(data["left"]),
            _index(data["right"]),
            tuple(enclosure_from_json(v, "breakpoint value") for v in values),  # type: ignore[arg-type]
            tuple(read_number(w, "breakpoint window") for w in windows),  # type: ignore[arg-type]
            tuple(enclosure_from_json(d, "breakpoint derivative") for d in derivatives),  # type: ignore[arg-type]
            str(data["relation"]),
        )


@dataclass(frozen=True, slots=True)
class EndValueFact:
    """At the closed ``end`` ("lower" or "upper") ``point`` of the image, f is given by
    ``branch``, another branch than ``adjacent``, the one of the segment that ends
    there: f's value and the adjacent branch's value at the point (``values``, each
    enclosed over the parameters' box) compare by ``relation``."""

    point: Fraction
    end: str
    branch: int
    adjacent: int
    values: tuple[Interval, Interval]
    relation: str

    kind: ClassVar[str] = "end-value"

    def condition(self) -> Condition:
        return Condition(
            f"at the {self.end} end {format_number(self.point)}: f = "
            f"{_value_text(self.values[0])} {self.relation} {_value_text(self.values[1])}, "
            "the adjacent branch's value",
            "exact or enclosed values",
        )

    def to_json(self, table: ExpressionTable) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "point": format_number(self.point),
            "end": self.end,
            "branch": self.branch,
            "adjacent": self.adjacent,
            "values": [enclosure_to_json(v) for v in self.values],
            "relation": self.relation,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], reader: ExpressionReader) -> EndValueFact:
        values = _pair(data["values"], "end values")
        if len(values) != 2:
            raise ExpressionDataError("end-value fact: 2 values")
        return cls(
            read_number(data["point"], "end"),
            str(data["end"]),
            _index(data["branch"]),
            _index(data["adjacent"]),
            tuple(enclosure_from_json(v, "end value") for v in values),  # type: ignore[arg-type]
            str(data["relation"]),
        )


FACT_TYPES.update({cls.kind: cls for cls in (PiecewiseFact, BreakpointFact, EndValueFact)})


# --- a line on which f is affine (rule ``affine-on-line``) ------------------------------


@dataclass(frozen=True, slots=True)
class LineFact:
    """f(p + t·v) = ``value`` + ``slope``·t identically in t (every variable moved:
    ``point`` p and ``direction`` v, exact rationals), and the segment |t| <= ``reach``
    lies in the domain: f is affine on it, so Jensen's inequality holds with equality
    there and f is neither strictly convex nor strictly concave."""

    point: tuple[tuple[sympy.Symbol, Fraction], ...]
    direction: tuple[tuple[sympy.Symbol, Fraction], ...]
    reach: Fraction
    value: sympy.Expr
    slope: sympy.Expr

    kind: ClassVar[str] = "line"

    def condition(self) -> Condition:
        p = ", ".join(f"{s} = {format_number(q)}" for s, q in self.point[:6])
        v = ", ".join(f"{format_number(q)}" for _, q in self.direction[:6])
        more = ", ..." if len(self.point) > 6 else ""
        return Condition(
            f"f(p + t·v) = {_brief(self.value)} + ({_brief(self.slope)})·t for |t| <= "
            f"{format_number(self.reach)}, p: {p}{more}; v = ({v}{more})",
            "exact substitution and expansion",
        )

    def to_json(self, table: ExpressionTable) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "point": [[table.add(s), format_number(q)] for s, q in self.point],
            "direction": [[table.add(s), format_number(q)] for s, q in self.direction],
            "reach": format_number(self.reach),
            "value": table.add(self.value),
            "slope": table.add(self.slope),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], reader: ExpressionReader) -> LineFact:
        return cls(
            tuple((_symbol(reader, s), read_number(q)) for s, q in data["point"]),
            tuple((_symbol(reader, s), read_number(q)) for s, q in data["direction"]),
            read_number(data["reach"]),
            reader.expr(data["value"]),
            reader.expr(data["slope"]),
        )


FACT_TYPES.update({LineFact.kind: LineFact})


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
        from convexity_proofs._structure import MODEL_LOSS

        if self.subject == MODEL_LOSS:
            return "the model's loss"
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
    # The subject is printed only for a template that shows it: every certificate and
    # report states each step's reason, and printing subjects was a third of the cost.
    shows_subject = "{subject" in template
    return lambda step: template.format(
        conclusion=step.conclusion.replace("-", " "),
        subject=step.subject_text if shows_subject else "",
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
    "second-derivative-substitution": lambda step: (
        "f'' is a rational function of u = "
        + next((_brief(f.definition) for f in step.facts if isinstance(f, SubstitutionFact)), "u")
        + ", and that function is >= 0 on an interval containing every value of u "
        "(exact sign decision)"
        + (
            "; its zeros are isolated, so f' is strictly increasing"
            if step.conclusion.startswith("strictly")
            else ""
        )
        + f", so f is {step.conclusion}"
    ),
    "second-derivative-subdivision": lambda step: (
        ("f'' > 0" if step.conclusion.startswith("strictly") else "f'' >= 0")
        + " on the whole domain: "
        + " and ".join(
            part
            for part in (
                next(
                    (
                        f"interval enclosures on {len(f.pieces)} pieces covering it"
                        for f in step.facts
                        if isinstance(f, SignFact) and f.pieces
                    ),
                    "",
                ),
                "monotone bounds on the tails"
                if any(isinstance(f, TailFact) for f in step.facts)
                else "",
            )
            if part
        )
        + f", so f is {step.conclusion}"
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
    "combined-exponentials": _words(
        "exp(a)·exp(b) = exp(a + b): the product with its exponential factors combined "
        "is {conclusion}"
    ),
    "distributed-product": _words(
        "(a + b)·r = a·r + b·r: the product distributed over its sum factor is {conclusion}"
    ),
    "regrouped-sum": _words(
        "the terms regrouped into blocks (polynomial terms expanded and collected where "
        "the blocks say so), each block {conclusion}: a sum of {conclusion} blocks is "
        "{conclusion}"
    ),
    "strictly-convex-blocks": _words(
        "the terms regrouped into blocks, each convex; the blocks named strictly convex "
        "in their own variables cover all the variables, so f is strictly convex"
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
                (
                    ": with both sides in normal form (logarithms of factors of known sign "
                    "split, exponentials factored, max/min/abs pulled apart by factors of "
                    "known sign, Piecewise conditions normalised), the difference is 0 by "
                    + f.method.removeprefix("normal-form-")
                )
                if f.method.startswith("normal-form-")
                else f": the difference is 0 by {f.method}"
                for f in step.facts
                if isinstance(f, IdentityFact) and f.method != "structural"
            ),
            ": the same expression up to the order of sums and products",
        )
    ),
}


def _symbolic_hessian_words(step: ProofStep) -> str:
    fact = next((f for f in step.facts if isinstance(f, SymbolicHessianFact)), None)
    definite = fact is not None and fact.method == "leading-minors"
    where = "inside the domain" if fact is not None and fact.box == "interior" else "on the domain"
    return (
        "the Hessian of f, formed symbolically, is "
        + ("positive definite" if definite else "positive semidefinite")
        + f" at every point {where} (the sign of each "
        + ("leading principal minor" if definite else "principal minor")
        + " shown exactly)"
        + (", and f is continuous on the domain" if where == "inside the domain" else "")
        + f", so f is {step.conclusion.replace('-', ' ')}"
    )


RULES["symbolic-hessian"] = _symbolic_hessian_words


def _piecewise_words(step: ProofStep) -> str:
    concave = "concave" in step.conclusion
    return (
        "f is given by one branch on each closed piece of the line, each branch is "
        + ("strictly " if step.conclusion.startswith("strictly") else "")
        + ("concave" if concave else "convex")
        + " there, f is continuous at every breakpoint, its one-sided derivatives do not "
        + ("increase" if concave else "decrease")
        + " across it, and at a closed end of the domain f can only jump "
        + ("down" if concave else "up")
        + f", so f is {step.conclusion.replace('-', ' ')}"
    )


RULES["piecewise"] = _piecewise_words

RULES["affine-on-line"] = _words(
    "f is affine on a segment of a line in the domain (its restriction is A + B·t, exactly), "
    "so Jensen's inequality holds with equality there: f is {conclusion}"
)


def witness_data(witness: Witness) -> dict[str, Any]:
    return witness.to_json()


__all__ = [
    "CONCLUSIONS",
    "FACT_TYPES",
    "RULES",
    "AtomFact",
    "BreakpointFact",
    "ContextFact",
    "CurvatureWitness",
    "DefinedFact",
    "EndValueFact",
    "Fact",
    "HessianFact",
    "IdentityFact",
    "LineFact",
    "ObligationFact",
    "PiecewiseFact",
    "PointWitness",
    "PolynomialFact",
    "ProofStep",
    "SegmentWitness",
    "SignFact",
    "SubstitutionFact",
    "TailFact",
    "UnivariateSignFact",
    "fact_from_json",
    "step_from_json",
]


# --- a model's loss as a sum of one template over the data rows (rule ``template-sum``) --


def _facts_to_json(facts: tuple[Fact, ...], table: ExpressionTable) -> list[dict[str, Any]]:
    return [f.to_json(table) for f in facts]


def _facts_from_json(data: object, reader: ExpressionReader, what: str) -> tuple[Fact, ...]:
    if not isinstance(data, list):
        raise ExpressionDataError(f"template fact: {what} must be a list of facts")
    return tuple(fact_from_json(f, reader) for f in data)


@dataclass(frozen=True, slots=True)
class TemplateFact:
    """A model's loss is Σ over its ``rows`` data rows of ``template`` (in the model's
    parameters and the ``data_symbols``, one per data column) plus ``regulariser``,
    and every row lies in ``box`` (per data symbol, exact ``lo <= every value <= hi``)
    of the data with SHA-256 ``digest``.

    The template is ``reduced`` (g) with each fresh symbol u of ``scores`` replaced by
    its expression a: literally the same tree, where every a is a polynomial that is
    affine in the claim's variables.  The step's children prove g convex (or concave)
    in the scores u over the whole real line, the data symbols ranging over the box and
    the other parameters over the reals; ``definedness`` is how g and its obligations
    are met there.  Convexity is kept by an affine change of variables and by sums, so
    every row's term, and the loss, is convex.  ``regulariser_method`` is ``squares``
    (a sum of nonnegative (nonpositive, for concavity) multiples of squares of symbols
    and of terms free of the variables, decided exactly by the checker) or ``proof``
    (the children about the regulariser prove it, ``regulariser_definedness`` says how
    it is defined).  The checker re-reads the model's data and compares all of it.
    """

    template: sympy.Expr
    data_symbols: tuple[sympy.Symbol, ...]
    box: tuple[tuple[sympy.Symbol, Fraction, Fraction], ...]
    rows: int
    digest: str
    regulariser: sympy.Expr
    reduced: sympy.Expr
    scores: tuple[tuple[sympy.Symbol, sympy.Expr], ...]
    definedness: tuple[Fact, ...] = ()
    regulariser_method: str = "squares"
    regulariser_definedness: tuple[Fact, ...] = ()

    kind: ClassVar[str] = "template"

    def condition(self) -> Condition:
        shown = ", ".join(
            f"{s} in [{format_number(lo)}, {format_number(hi)}]" for s, lo, hi in self.box[:4]
        )
        if len(self.box) > 4:
            shown += ", ..."
        regulariser = (
            "; the regulariser is a sum of multiples of squares"
            if self.regulariser_method == "squares"
            else "; the regulariser is proved separately"
        )
        return Condition(
            f"the loss is a sum of one template over {self.rows} data row"
            f"{'s' * (self.rows != 1)}, each in the box {shown}; the template is "
            f"{_brief(self.reduced)} of {len(self.scores)} affine score"
            f"{'s' * (len(self.scores) != 1)}{regulariser}",
            f"exact column bounds of the data (digest {self.digest[:12]})",
        )

    def to_json(self, table: ExpressionTable) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "template": table.add(self.template),
            "data_symbols": [table.add(s) for s in self.data_symbols],
            "box": [[table.add(s), format_number(lo), format_number(hi)] for s, lo, hi in self.box],
            "rows": self.rows,
            "digest": self.digest,
            "regulariser": table.add(self.regulariser),
            "reduced": table.add(self.reduced),
            "scores": [[table.add(u), table.add(a)] for u, a in self.scores],
            "definedness": _facts_to_json(self.definedness, table),
            "regulariser_method": self.regulariser_method,
            "regulariser_definedness": _facts_to_json(self.regulariser_definedness, table),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], reader: ExpressionReader) -> TemplateFact:
        box, scores, rows = data["box"], data["scores"], data["rows"]
        if not isinstance(data["data_symbols"], list):
            raise ExpressionDataError("template fact: data_symbols must be a list")
        if not isinstance(box, list) or not all(isinstance(e, list) and len(e) == 3 for e in box):
            raise ExpressionDataError("template fact: box entries must be [symbol, lo, hi]")
        if not isinstance(scores, list) or not all(
            isinstance(e, list) and len(e) == 2 for e in scores
        ):
            raise ExpressionDataError("template fact: scores must be [symbol, expression] pairs")
        if isinstance(rows, bool) or not isinstance(rows, int) or rows < 0:
            raise ExpressionDataError("template fact: rows must be an integer >= 0")
        if not isinstance(data["digest"], str) or not isinstance(data["regulariser_method"], str):
            raise ExpressionDataError("template fact: digest and regulariser_method are strings")
        return cls(
            reader.expr(data["template"]),
            tuple(_symbol(reader, s) for s in data["data_symbols"]),
            tuple(
                (_symbol(reader, s), read_number(lo, "box"), read_number(hi, "box"))
                for s, lo, hi in box
            ),
            rows,
            data["digest"],
            reader.expr(data["regulariser"]),
            reader.expr(data["reduced"]),
            tuple((_symbol(reader, u), reader.expr(a)) for u, a in scores),
            _facts_from_json(data["definedness"], reader, "definedness"),
            data["regulariser_method"],
            _facts_from_json(data["regulariser_definedness"], reader, "regulariser_definedness"),
        )


FACT_TYPES.update({TemplateFact.kind: TemplateFact})

RULES["template-sum"] = _words(
    "the loss is a sum over the data rows of one template, which is {conclusion} in the "
    "variables for every row in the data's box (a {conclusion} function of scores affine "
    "in the variables), plus a {conclusion} regulariser: a sum of {conclusion} terms is "
    "{conclusion}"
)

__all__ += ["TemplateFact"]
