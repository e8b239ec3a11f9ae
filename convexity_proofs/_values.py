"""Value objects shared by every layer: domains, claims, witnesses, proof steps, verdicts.

No logic lives here beyond construction, formatting of exact numbers and conversion
to JSON-ready data.  Everything is frozen so a verdict cannot change after it is made,
and so that proofs and witnesses can later be written out as certificates unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sympy


class Property(StrEnum):
    """The properties a claim can assert (the claim-file contract)."""

    CONVEX = "convex"
    CONCAVE = "concave"
    STRICTLY_CONVEX = "strictly-convex"
    STRICTLY_CONCAVE = "strictly-concave"
    AFFINE = "affine"
    NONCONVEX = "nonconvex"
    NONCONCAVE = "nonconcave"
    NEITHER = "neither"
    INVARIANT = "invariant"


class Status(StrEnum):
    PROVED = "proved"
    REFUTED = "refuted"
    UNKNOWN = "unknown"


class Expect(StrEnum):
    HOLDS = "holds"
    FAILS = "fails"


class Quantifier(StrEnum):
    """How a claim quantifies its parameters (the symbols that are not variables).

    ``all`` (the default): the property holds for every parameter value in the domain.
    ``some``: it holds for at least one parameter value in the domain.
    """

    ALL = "all"
    SOME = "some"


def format_number(q: Fraction) -> int | str:
    """An exact number as the contract writes it: an int, or a ``"p/q"`` string."""
    q = Fraction(q)
    if q.denominator == 1:
        return int(q.numerator)
    return f"{q.numerator}/{q.denominator}"


def _format_assignment(values: tuple[tuple[str, Fraction], ...]) -> dict[str, int | str]:
    return {name: format_number(value) for name, value in values}


@dataclass(frozen=True, slots=True)
class Domain:
    """A convex set of reals: ``lo``/``hi`` are ``None`` when unbounded.

    ``lo_open``/``hi_open`` say whether a finite end is excluded (``positive`` is
    ``(0, oo)``).  Every domain the claim format can express is an interval.
    """

    lo: Fraction | None = None
    hi: Fraction | None = None
    lo_open: bool = False
    hi_open: bool = False
    name: str = "real"

    def contains(self, q: Fraction) -> bool:
        if self.lo is not None and (q < self.lo or (self.lo_open and q == self.lo)):
            return False
        if self.hi is not None and (q > self.hi or (self.hi_open and q == self.hi)):
            return False
        return True

    def contains_interior(self, q: Fraction) -> bool:
        """True when ``q`` lies strictly inside, so a whole neighbourhood is in the domain."""
        if self.lo is not None and q <= self.lo:
            return False
        if self.hi is not None and q >= self.hi:
            return False
        return True

    def describe(self) -> str:
        if self.name != "interval":
            return self.name
        return f"[{format_number(self.lo)}, {format_number(self.hi)}]"  # type: ignore[arg-type]


REAL = Domain()
POSITIVE = Domain(lo=Fraction(0), lo_open=True, name="positive")
NONNEGATIVE = Domain(lo=Fraction(0), name="nonnegative")
NEGATIVE = Domain(hi=Fraction(0), hi_open=True, name="negative")
NONPOSITIVE = Domain(hi=Fraction(0), name="nonpositive")
NAMED_DOMAINS: dict[str, Domain] = {
    d.name: d for d in (REAL, POSITIVE, NONNEGATIVE, NEGATIVE, NONPOSITIVE)
}


def interval_domain(lo: Fraction, hi: Fraction) -> Domain:
    return Domain(lo=Fraction(lo), hi=Fraction(hi), name="interval")


@dataclass(frozen=True, slots=True)
class Obligation:
    """A condition under which the function *as written* is defined.

    Recorded by the parser before SymPy's automatic evaluation can remove the part of
    the text it comes from (``log(x) - log(x)`` evaluates to 0, yet is defined only for
    x > 0).  ``subject`` is the written head, built unevaluated with its (built)
    arguments: ``log(u)``, ``u**-1``, ``u**(1/2)``, ``tan(u)``; inside a ``Piecewise``
    branch it is wrapped as ``Piecewise((0, c1), ..., (head, ci), (0, True))``, so it
    only binds where that branch is taken.  The obligation holds at a point exactly
    when ``subject`` is defined (finite and real) there, so every evaluator that
    decides definedness decides it too.  ``kind`` and ``argument`` state it as data:

    * ``positive``: ``argument > 0`` (log, a negative fractional power's base);
    * ``nonnegative``: ``argument >= 0`` (a positive fractional power's base, sqrt);
    * ``nonzero``: ``argument != 0`` (a divisor, a negative integer power's base);
    * ``cos-nonzero``: ``cos(argument) != 0`` (tan).

    ``text`` is the written text the obligation comes from, for reports.
    """

    kind: str
    argument: sympy.Expr
    subject: sympy.Expr
    text: str = ""

    def describe(self) -> str:
        from sympy import sstr

        arg = sstr(self.argument)
        if self.kind == "positive":
            return f"{arg} > 0"
        if self.kind == "nonnegative":
            return f"{arg} >= 0"
        if self.kind == "nonzero":
            return f"{arg} != 0"
        if self.kind == "cos-nonzero":
            return f"cos({arg}) != 0"
        return f"{sstr(self.subject)} is defined"


@dataclass(frozen=True, slots=True)
class Claim:
    """One claim, validated: the function is a SymPy expression over real symbols.

    ``domains`` has an entry for every symbol of the function (``REAL`` by default),
    sorted by name so that iteration order never depends on dicts or sets.
    """

    name: str
    function: sympy.Expr
    variables: tuple[sympy.Symbol, ...]
    property: Property
    expect: Expect = Expect.HOLDS
    domains: tuple[tuple[sympy.Symbol, Domain], ...] = ()
    substitution: tuple[tuple[sympy.Symbol, sympy.Expr], ...] = ()
    #: Swaps of symbols that may leave the function unchanged (a model's hidden units):
    #: hints for the permutation argument, which proves each one before using it.
    symmetry_hints: tuple[tuple[tuple[sympy.Symbol, sympy.Symbol], ...], ...] = ()
    statement: str = ""
    source: str = ""
    file: str | None = None
    line: int | None = None
    #: Conditions under which the function as written is defined (see Obligation).
    #: Their symbols are in ``domains`` even when evaluation removed them from
    #: ``function`` (``log(x)*0 + y**2`` is still a claim about x).
    obligations: tuple[Obligation, ...] = ()
    #: The obligations of the substitution's texts as written (``x -> x*y/y`` needs
    #: y != 0), conditions on the point θ at which the substituted side is evaluated.
    substitution_obligations: tuple[Obligation, ...] = ()
    #: How the parameters are quantified: every value (default) or some value.
    quantifier: Quantifier = Quantifier.ALL
    #: Parts of the written text that SymPy's automatic evaluation removed from the
    #: judged expression (``log(x)`` in ``exp(log(x))``), for reports.  Their
    #: definedness obligations are kept.
    rewritten: tuple[str, ...] = ()

    @property
    def parameters(self) -> tuple[sympy.Symbol, ...]:
        """Symbols that are not variables: fixed, but arbitrary within their domains."""
        chosen = set(self.variables)
        return tuple(s for s, _ in self.domains if s not in chosen)

    def domain_of(self, symbol: sympy.Symbol) -> Domain:
        for s, d in self.domains:
            if s == symbol:
                return d
        return REAL


# --- witnesses ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SegmentWitness:
    """f(t·a + (1−t)·b) against t·f(a) + (1−t)·f(b), parameters fixed.

    ``at_t`` and ``chord`` are decimal approximations of the certified values, for
    reports only; the exact data are ``a``, ``b``, ``t`` and ``parameters``.
    ``relation`` is the certified relation of ``at_t`` to ``chord`` (">", "<" or "=").
    """

    a: tuple[tuple[str, Fraction], ...]
    b: tuple[tuple[str, Fraction], ...]
    t: Fraction
    parameters: tuple[tuple[str, Fraction], ...]
    relation: str
    at_t: float
    chord: float
    argument: str = "search"
    #: For the permutation argument: the swap σ, written ``w1<->w2, v1<->v2``.
    swap: str = ""

    kind = "segment"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "segment",
            "a": _format_assignment(self.a),
            "b": _format_assignment(self.b),
            "t": format_number(self.t),
            "parameters": _format_assignment(self.parameters),
        }


@dataclass(frozen=True, slots=True)
class CurvatureWitness:
    """The second derivative of s ↦ f(point + s·direction) at 0, certified to be ``sign``."""

    point: tuple[tuple[str, Fraction], ...]
    direction: tuple[tuple[str, Fraction], ...]
    parameters: tuple[tuple[str, Fraction], ...]
    sign: str  # "<0", ">0" or "!=0"
    second_derivative: float

    kind = "curvature"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "curvature",
            "point": _format_assignment(self.point),
            "direction": _format_assignment(self.direction),
            "parameters": _format_assignment(self.parameters),
        }


@dataclass(frozen=True, slots=True)
class PointWitness:
    """A point where the function and its substituted form certifiably differ."""

    point: tuple[tuple[str, Fraction], ...]
    value: float
    substituted_value: float

    kind = "point"

    def to_json(self) -> dict[str, Any]:
        return {"kind": "point", "point": _format_assignment(self.point)}


Witness = SegmentWitness | CurvatureWitness | PointWitness

#: Set to 1 to re-raise internal errors instead of recording them as a lost answer
#: (developers and the test suite; the guard must never hide a bug from them).
RAISE_INTERNAL_ERRORS_ENV = "CONVEXITY_PROOFS_RAISE_INTERNAL"


# --- proofs ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Condition:
    """A side condition of a proof step and how it was established."""

    statement: str
    established_by: str

    def to_json(self) -> dict[str, str]:
        return {"statement": self.statement, "established_by": self.established_by}


@dataclass(frozen=True, slots=True)
class ProofStep:
    """One step of a proof, as data: which rule, applied to what, and why it applies.

    A step may rest on a certified witness (for ``nonconvex``/``neither`` claims a proof
    *is* a refutation of the opposite property).  ``children`` are the steps the
    conclusion depends on, so a composition proof is a tree.
    """

    rule: str
    subject: str
    reason: str
    conditions: tuple[Condition, ...] = ()
    witness: Witness | None = None
    children: tuple[ProofStep, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"rule": self.rule, "subject": self.subject, "reason": self.reason}
        if self.conditions:
            data["conditions"] = [c.to_json() for c in self.conditions]
        if self.witness is not None:
            data["witness"] = self.witness.to_json()
        if self.children:
            data["steps"] = [c.to_json() for c in self.children]
        return data


@dataclass(frozen=True, slots=True)
class Attempt:
    """What a strategy tried and why it gave no decisive answer (shown for ``unknown``)."""

    strategy: str
    outcome: str


@dataclass(frozen=True, slots=True)
class Verdict:
    claim: Claim
    status: Status
    witness: Witness | None = None
    proof: tuple[ProofStep, ...] = ()
    #: What each strategy tried without deciding (and any internal error, which costs
    #: that strategy's answer only); reports show them for ``unknown``.
    attempts: tuple[Attempt, ...] = ()
    seconds: float = 0.0
    #: For a refutation by proof (``nonconvex`` refuted because ``convex`` is proved),
    #: the proof that refutes; ``witness`` is ``None`` then.
    refuting_proof: tuple[ProofStep, ...] = field(default=())

    @property
    def passed(self) -> bool:
        if self.claim.expect is Expect.HOLDS:
            return self.status is Status.PROVED
        return self.status is Status.REFUTED

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "file": self.claim.file,
            "name": self.claim.name,
            "property": str(self.claim.property),
            "status": str(self.status),
            "expect": str(self.claim.expect),
            "passed": self.passed,
            "seconds": round(self.seconds, 3),
        }
        if self.claim.parameters:
            data["parameters"] = {
                "quantifier": str(self.claim.quantifier),
                "symbols": [s.name for s in self.claim.parameters],
            }
        if self.claim.rewritten:
            data["rewritten"] = list(self.claim.rewritten)
        if self.claim.obligations:
            data["obligations"] = [ob.describe() for ob in self.claim.obligations]
        errors = [
            a.outcome if a.outcome.startswith("internal error") else f"{a.strategy}: {a.outcome}"
            for a in self.attempts
            if a.strategy == "internal error" or a.outcome.startswith("internal error in ")
        ]
        if errors:
            data["internal_errors"] = errors
        if self.status is Status.REFUTED:
            if self.witness is not None:
                data["witness"] = self.witness.to_json()
            else:
                data["witness"] = {
                    "kind": "proof",
                    "steps": [s.to_json() for s in self.refuting_proof],
                }
        if self.status is Status.PROVED:
            data["proof"] = [s.to_json() for s in self.proof]
        if self.status is Status.UNKNOWN:
            data["attempts"] = [
                {"strategy": a.strategy, "outcome": a.outcome} for a in self.attempts
            ]
        return data

    def _repr_markdown_(self) -> str:
        """Jupyter shows a verdict as its Markdown report."""
        from convexity_proofs._markdown import verdict_markdown

        return verdict_markdown(self)

    def __rich__(self) -> Any:
        from convexity_proofs._report import render_verdict

        return render_verdict(self)
