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

    from convexity_proofs._proof import ProofStep


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
    # Monotonicity in each listed variable (componentwise order on the box); the strict
    # forms are "increasing"/"decreasing".  "nonmonotone": neither nondecreasing nor
    # nonincreasing.
    NONDECREASING = "nondecreasing"
    NONINCREASING = "nonincreasing"
    INCREASING = "increasing"
    DECREASING = "decreasing"
    NONMONOTONE = "nonmonotone"
    # Convex (concave) sublevel (superlevel) sets; quasilinear: both.
    QUASICONVEX = "quasiconvex"
    QUASICONCAVE = "quasiconcave"
    QUASILINEAR = "quasilinear"
    # f > 0 on the whole domain and log f concave (convex).
    LOG_CONCAVE = "log-concave"
    LOG_CONVEX = "log-convex"
    # f - m/2·|x|² convex, with the claim's ``modulus`` m > 0.
    STRONGLY_CONVEX = "strongly-convex"


class Status(StrEnum):
    PROVED = "proved"
    REFUTED = "refuted"
    UNKNOWN = "unknown"


class Expect(StrEnum):
    HOLDS = "holds"
    FAILS = "fails"
    #: A known limitation: the claim passes while the engine cannot decide it, and
    #: fails ("unexpectedly decided") once it is proved or refuted.
    UNKNOWN = "unknown"


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
        # Claims write closed bounded intervals; a piece of one (piecewise proofs) may
        # be half-open or unbounded.
        lo = "(-oo" if self.lo is None else "(["[not self.lo_open] + str(format_number(self.lo))
        hi = "oo)" if self.hi is None else str(format_number(self.hi)) + ")]"[not self.hi_open]
        return f"{lo}, {hi}"


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
    #: The claim's table as written (canonical JSON), so that a certificate can carry
    #: the claim and a checker can read it again with the same safe reader.
    table: str = ""
    #: ``strongly-convex``: the modulus m > 0 (f − m/2·|x|² convex), else None.
    modulus: Fraction | None = None
    #: ``along``: the substitution (symbol of the written function -> expression in
    #: the new variables) that ``function`` and ``obligations`` already have applied;
    #: kept for reports.
    along: tuple[tuple[sympy.Symbol, sympy.Expr], ...] = ()
    #: A model claim's structure (:class:`~convexity_proofs._structure.ModelClaim`):
    #: its network, template and data.  When ``model.scalar`` is False the claim is
    #: structured: ``function`` is the stand-in ``_model_loss`` and the variables are
    #: ``model.selected`` (``variables`` is empty).  Not compared: it is derived from
    #: the claim's table.
    model: Any = field(default=None, compare=False, repr=False)
    #: A function claim's data read from files (vector notation, ``data = { file =
    #: ... }``): ``(name, shape, sha256)`` of each array, by name, so that a
    #: certificate binds the numbers its claim's table only names (see
    #: :func:`convexity_proofs._certificate.model_data_digests`).
    data_digests: tuple[tuple[str, tuple[int, ...], str], ...] = ()
    #: An exploratory claim (``check()`` without ``expect``) asks what is true rather
    #: than asserting it: it passes when decided (proved or refuted), and reports show
    #: no PASS/FAIL.  Claim files always expect something (``holds`` by default).
    exploratory: bool = False
    #: Symbols whose written domain has a pi end, each with its change of variable
    #: (:mod:`convexity_proofs._pi_domains`): the claim is about f(x(u)) in u.
    reparametrized: tuple[tuple[str, str], ...] = ()

    @property
    def structured(self) -> bool:
        """Decided from the model's structure, without a scalar expression."""
        return self.model is not None and not self.model.scalar

    def variables_text(self) -> str:
        """The variables for reports: names, or a structured claim's groups as written
        with the number of parameters they hold (a network's are too many to list)."""
        if self.structured:
            count = len(self.model.selected)
            names = ", ".join(self.model.selected_names)
            return f"{names} ({count} parameter{'s' * (count != 1)})"
        return ", ".join(s.name for s in self.variables)

    def parameters_text(self) -> str:
        """The parameters (symbols that are not variables) for reports."""
        if self.structured:
            model = self.model
            size = model.layout.size if model.layout is not None else len(model.template.parameters)
            rest = size - len(model.selected)
            return f"the other {rest} parameter{'s' * (rest != 1)} of the model" if rest else ""
        return ", ".join(s.name for s in self.parameters)

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
#
# A witness is self-contained data: its exact points, the relation it certifies, the
# values that show it (exact numbers, or closed rational enclosures from Arb balls, at
# the recorded ``precision``), and, when it was certified for every parameter value at
# once, the parameter ``box`` it was certified over.  ``to_json`` writes all of it with
# exact numbers (ints or ``"p/q"`` strings, enclosures as ``[lo, hi]``) and ``from_json``
# reads it back, so a witness can be replayed from its JSON alone
# (:mod:`convexity_proofs.checker.witness`).  Witnesses are built in one place,
# :mod:`convexity_proofs.refuters._witness`.

#: Each parameter's closed range (name, lo, hi), in the order of the claim's parameters.
ParameterBox = tuple[tuple[str, Fraction, Fraction], ...]
Assignment = tuple[tuple[str, Fraction], ...]

#: The values each kind of witness records, by key.
SEGMENT_VALUES = ("f_a", "f_b", "f_m", "chord")
CURVATURE_VALUES = ("second_derivative",)
POINT_VALUES = ("value", "substituted_value")
ORDERED_VALUES = ("f_a", "f_b")
LEVEL_VALUES = ("f_a", "f_b", "f_m")
VALUE_VALUES = ("value",)


def _data_error(message: str) -> ValueError:
    from convexity_proofs.kernel.expressions import ExpressionDataError

    return ExpressionDataError(message)


def _read(value: object, where: str) -> Fraction:
    from convexity_proofs.kernel.expressions import read_number

    return read_number(value, where)


def _approximate(q: Fraction) -> float:
    """``q`` as a float for reports (±inf beyond the float range)."""
    try:
        return float(q)
    except OverflowError:
        return float("inf") if q > 0 else float("-inf")


@dataclass(frozen=True, slots=True)
class Enclosure:
    """A certified real number: known exactly when ``lo == hi``, otherwise somewhere in
    the closed interval [lo, hi] of exact rationals (the bounds of an Arb ball)."""

    lo: Fraction
    hi: Fraction

    def __post_init__(self) -> None:
        if self.lo > self.hi:
            raise ValueError(f"an enclosure needs lo <= hi, found [{self.lo}, {self.hi}]")

    @classmethod
    def exact(cls, q: Fraction) -> Enclosure:
        return cls(Fraction(q), Fraction(q))

    @property
    def is_exact(self) -> bool:
        return self.lo == self.hi

    def contains(self, other: Enclosure) -> bool:
        """True when every number ``other`` may be is one this enclosure allows."""
        return self.lo <= other.lo and other.hi <= self.hi

    def below(self, other: Enclosure) -> bool:
        """Certainly smaller: every value here is below every value of ``other``."""
        return self.hi < other.lo

    def approximate(self) -> float:
        return _approximate((self.lo + self.hi) / 2)

    def describe(self) -> str:
        if self.is_exact:
            return str(format_number(self.lo))
        return f"[{format_number(self.lo)}, {format_number(self.hi)}]"

    def to_json(self) -> int | str | list[int | str]:
        if self.is_exact:
            return format_number(self.lo)
        return [format_number(self.lo), format_number(self.hi)]

    @classmethod
    def from_json(cls, data: object, where: str = "value") -> Enclosure:
        if isinstance(data, list):
            if len(data) != 2:
                raise _data_error(f"{where}: an enclosure is [lo, hi]")
            lo, hi = _read(data[0], where), _read(data[1], where)
            if lo > hi:
                raise _data_error(f"{where}: an enclosure needs lo <= hi")
            return cls(lo, hi)
        return cls.exact(_read(data, where))


def _assignment_json(values: Assignment) -> dict[str, int | str]:
    return _format_assignment(values)


def _assignment_from_json(data: object, where: str) -> Assignment:
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise _data_error(f"{where}: expected an object from names to exact numbers")
    return tuple((name, _read(value, f"{where}.{name}")) for name, value in data.items())


def _values_json(values: tuple[tuple[str, Enclosure], ...]) -> dict[str, Any]:
    return {key: value.to_json() for key, value in values}


def _values_from_json(data: object, keys: tuple[str, ...]) -> tuple[tuple[str, Enclosure], ...]:
    """The recorded values; absent (``()``) when the data have none."""
    if data is None:
        return ()
    if not isinstance(data, dict) or set(data) != set(keys):
        raise _data_error(f"values: expected exactly the keys {', '.join(keys)}")
    return tuple((key, Enclosure.from_json(data[key], f"values.{key}")) for key in keys)


def _precision_from_json(data: object) -> int | None:
    if data is None:
        return None
    if isinstance(data, bool) or not isinstance(data, int) or not 2 <= data <= 1 << 16:
        raise _data_error("precision: expected null or a number of bits")
    return data


def _box_json(box: ParameterBox | None) -> dict[str, list[int | str]] | None:
    if box is None:
        return None
    return {name: [format_number(lo), format_number(hi)] for name, lo, hi in box}


def _box_from_json(data: object) -> ParameterBox | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise _data_error("box: expected null or an object from parameter names to [lo, hi]")
    box = []
    for name, ends in data.items():
        if not (isinstance(name, str) and isinstance(ends, list) and len(ends) == 2):
            raise _data_error(f"box.{name}: expected [lo, hi]")
        lo, hi = _read(ends[0], f"box.{name}"), _read(ends[1], f"box.{name}")
        if lo > hi:
            raise _data_error(f"box.{name}: expected lo <= hi")
        box.append((name, lo, hi))
    return tuple(box)


def _string(data: dict[str, Any], key: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise _data_error(f"{key}: expected a string")
    return value


def _kind(data: object, kind: str) -> dict[str, Any]:
    if not isinstance(data, dict) or data.get("kind") != kind:
        raise _data_error(f"expected a {kind} witness")
    return data


def _value(values: tuple[tuple[str, Enclosure], ...], key: str) -> Enclosure | None:
    for name, value in values:
        if name == key:
            return value
    return None


@dataclass(frozen=True, slots=True)
class SegmentWitness:
    """f(t·a + (1−t)·b) against t·f(a) + (1−t)·f(b), parameters fixed.

    ``relation`` is the certified relation of f(m), m = t·a + (1−t)·b, to the chord
    (">": f is not convex, "<": not concave, "=": exactly affine on the segment, so
    neither strictly convex nor strictly concave).  ``values`` holds f(a), f(b), f(m)
    and the chord (keys :data:`SEGMENT_VALUES`) as enclosures that show the relation;
    the ones that are not exact come from Arb balls at ``precision`` bits.  ``box``,
    when set, is the parameter box over which the relation was certified for every
    parameter value at once.  ``at_t`` and ``chord`` are decimal approximations, for
    reports only.
    """

    a: Assignment
    b: Assignment
    t: Fraction
    parameters: Assignment
    relation: str
    at_t: float
    chord: float
    argument: str = "search"
    #: For the permutation argument: the swap σ, written ``w1<->w2, v1<->v2``.
    swap: str = ""
    values: tuple[tuple[str, Enclosure], ...] = ()
    precision: int | None = None
    box: ParameterBox | None = None

    kind = "segment"

    def recorded(self, key: str) -> Enclosure | None:
        return _value(self.values, key)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": "segment",
            "argument": self.argument,
            "a": _assignment_json(self.a),
            "b": _assignment_json(self.b),
            "t": format_number(self.t),
            "parameters": _assignment_json(self.parameters),
            "relation": self.relation,
            "values": _values_json(self.values) if self.values else None,
            "precision": self.precision,
            "box": _box_json(self.box),
        }
        if self.swap:
            data["swap"] = self.swap
        return data

    @classmethod
    def from_json(cls, data: object) -> SegmentWitness:
        d = _kind(data, "segment")
        try:
            values = _values_from_json(d.get("values"), SEGMENT_VALUES)
            f_m, chord = _value(values, "f_m"), _value(values, "chord")
            return cls(
                a=_assignment_from_json(d["a"], "a"),
                b=_assignment_from_json(d["b"], "b"),
                t=_read(d["t"], "t"),
                parameters=_assignment_from_json(d.get("parameters", {}), "parameters"),
                relation=_string(d, "relation"),
                at_t=f_m.approximate() if f_m is not None else float("nan"),
                chord=chord.approximate() if chord is not None else float("nan"),
                argument=_string(d, "argument", "search"),
                swap=_string(d, "swap", ""),
                values=values,
                precision=_precision_from_json(d.get("precision")),
                box=_box_from_json(d.get("box")),
            )
        except KeyError as exc:
            raise _data_error(f"segment witness: missing {exc}") from None


@dataclass(frozen=True, slots=True)
class CurvatureWitness:
    """The second derivative of s ↦ f(point + s·direction) at 0, certified to be ``sign``.

    ``values`` holds the second derivative (key ``second_derivative``), exact or an
    enclosure from Arb series at ``precision`` bits, showing ``sign``; ``box``, when
    set, is the parameter box over which the sign was certified for every parameter
    value at once.  ``second_derivative`` is a decimal approximation, for reports.
    """

    point: Assignment
    direction: Assignment
    parameters: Assignment
    sign: str  # "<0", ">0" or "!=0"
    second_derivative: float
    values: tuple[tuple[str, Enclosure], ...] = ()
    precision: int | None = None
    box: ParameterBox | None = None

    kind = "curvature"

    def recorded(self, key: str) -> Enclosure | None:
        return _value(self.values, key)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "curvature",
            "point": _assignment_json(self.point),
            "direction": _assignment_json(self.direction),
            "parameters": _assignment_json(self.parameters),
            "sign": self.sign,
            "values": _values_json(self.values) if self.values else None,
            "precision": self.precision,
            "box": _box_json(self.box),
        }

    @classmethod
    def from_json(cls, data: object) -> CurvatureWitness:
        d = _kind(data, "curvature")
        try:
            values = _values_from_json(d.get("values"), CURVATURE_VALUES)
            second = _value(values, "second_derivative")
            return cls(
                point=_assignment_from_json(d["point"], "point"),
                direction=_assignment_from_json(d["direction"], "direction"),
                parameters=_assignment_from_json(d.get("parameters", {}), "parameters"),
                sign=_string(d, "sign"),
                second_derivative=second.approximate() if second is not None else float("nan"),
                values=values,
                precision=_precision_from_json(d.get("precision")),
                box=_box_from_json(d.get("box")),
            )
        except KeyError as exc:
            raise _data_error(f"curvature witness: missing {exc}") from None


@dataclass(frozen=True, slots=True)
class PointWitness:
    """A point where the function and its substituted form certifiably differ.

    ``values`` holds both sides at the point (keys ``value`` and ``substituted_value``),
    exact or enclosed by Arb balls at ``precision`` bits, certainly apart; ``value``
    and ``substituted_value`` are decimal approximations, for reports.
    """

    point: Assignment
    value: float
    substituted_value: float
    values: tuple[tuple[str, Enclosure], ...] = ()
    precision: int | None = None

    kind = "point"

    def recorded(self, key: str) -> Enclosure | None:
        return _value(self.values, key)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "point",
            "point": _assignment_json(self.point),
            "values": _values_json(self.values) if self.values else None,
            "precision": self.precision,
        }

    @classmethod
    def from_json(cls, data: object) -> PointWitness:
        d = _kind(data, "point")
        try:
            values = _values_from_json(d.get("values"), POINT_VALUES)
            left, right = _value(values, "value"), _value(values, "substituted_value")
            return cls(
                point=_assignment_from_json(d["point"], "point"),
                value=left.approximate() if left is not None else float("nan"),
                substituted_value=right.approximate() if right is not None else float("nan"),
                values=values,
                precision=_precision_from_json(d.get("precision")),
            )
        except KeyError as exc:
            raise _data_error(f"point witness: missing {exc}") from None


def _relation_witness_json(
    kind: str,
    points: dict[str, Assignment],
    parameters: Assignment,
    relation: str,
    values: tuple[tuple[str, Enclosure], ...],
    precision: int | None,
    box: ParameterBox | None,
    t: Fraction | None = None,
) -> dict[str, Any]:
    """The JSON of the witnesses that certify one relation between a few values of f."""
    data: dict[str, Any] = {"kind": kind}
    data.update({key: _assignment_json(value) for key, value in points.items()})
    if t is not None:
        data["t"] = format_number(t)
    data.update(
        {
            "parameters": _assignment_json(parameters),
            "relation": relation,
            "values": _values_json(values) if values else None,
            "precision": precision,
            "box": _box_json(box),
        }
    )
    return data


def _relation_witness_fields(
    data: object, kind: str, points: tuple[str, ...], keys: tuple[str, ...], *, with_t: bool
) -> dict[str, Any]:
    """The constructor arguments of such a witness, read back from its JSON."""
    d = _kind(data, kind)
    try:
        fields: dict[str, Any] = {name: _assignment_from_json(d[name], name) for name in points}
        if with_t:
            fields["t"] = _read(d["t"], "t")
        fields.update(
            parameters=_assignment_from_json(d.get("parameters", {}), "parameters"),
            relation=_string(d, "relation"),
            values=_values_from_json(d.get("values"), keys),
            precision=_precision_from_json(d.get("precision")),
            box=_box_from_json(d.get("box")),
        )
    except KeyError as exc:
        raise _data_error(f"{kind} witness: missing {exc}") from None
    return fields


@dataclass(frozen=True, slots=True)
class OrderedWitness:
    """Two ordered points whose values are in the wrong order, parameters fixed.

    ``a`` and ``b`` differ in exactly one variable, ``a < b`` there, and f is defined
    on the whole segment between them (so the witness refutes the monotonicity in that
    variable with the others fixed); ``relation`` is the
    certified relation of f(a) to f(b): ``">"`` (f is not nondecreasing), ``"<"`` (not
    nonincreasing), ``">="`` (not increasing), ``"<="`` (not decreasing).  ``values``
    holds f(a) and f(b) (keys :data:`ORDERED_VALUES`), exact or enclosed by Arb balls
    at ``precision`` bits; ``box``, when set, is the parameter box over which the
    relation was certified for every parameter value at once.
    """

    a: Assignment
    b: Assignment
    parameters: Assignment
    relation: str
    values: tuple[tuple[str, Enclosure], ...] = ()
    precision: int | None = None
    box: ParameterBox | None = None

    kind = "ordered"

    def recorded(self, key: str) -> Enclosure | None:
        return _value(self.values, key)

    def to_json(self) -> dict[str, Any]:
        points = {"a": self.a, "b": self.b}
        return _relation_witness_json(
            self.kind, points, self.parameters, self.relation, self.values, self.precision, self.box
        )

    @classmethod
    def from_json(cls, data: object) -> OrderedWitness:
        return cls(
            **_relation_witness_fields(data, "ordered", ("a", "b"), ORDERED_VALUES, with_t=False)
        )


@dataclass(frozen=True, slots=True)
class LevelWitness:
    """A segment on which f leaves a sublevel (superlevel) set, parameters fixed.

    m = t·a + (1−t)·b; ``relation`` is ``">max"`` when f(m) > max(f(a), f(b)) is
    certified (f is not quasiconvex) or ``"<min"`` when f(m) < min(f(a), f(b)) (not
    quasiconcave).  ``values`` holds f(a), f(b) and f(m) (keys :data:`LEVEL_VALUES`).
    """

    a: Assignment
    b: Assignment
    t: Fraction
    parameters: Assignment
    relation: str
    values: tuple[tuple[str, Enclosure], ...] = ()
    precision: int | None = None
    box: ParameterBox | None = None

    kind = "level"

    def recorded(self, key: str) -> Enclosure | None:
        return _value(self.values, key)

    def to_json(self) -> dict[str, Any]:
        points = {"a": self.a, "b": self.b}
        return _relation_witness_json(
            self.kind,
            points,
            self.parameters,
            self.relation,
            self.values,
            self.precision,
            self.box,
            t=self.t,
        )

    @classmethod
    def from_json(cls, data: object) -> LevelWitness:
        return cls(**_relation_witness_fields(data, "level", ("a", "b"), LEVEL_VALUES, with_t=True))


@dataclass(frozen=True, slots=True)
class ValueWitness:
    """A point where f is certifiably not positive (``relation`` ``"<=0"``), parameters
    fixed: f is then neither log-concave nor log-convex (both need f > 0 everywhere).
    ``values`` holds f there (key ``value``)."""

    point: Assignment
    parameters: Assignment
    relation: str
    values: tuple[tuple[str, Enclosure], ...] = ()
    precision: int | None = None
    box: ParameterBox | None = None

    kind = "value"

    def recorded(self, key: str) -> Enclosure | None:
        return _value(self.values, key)

    def to_json(self) -> dict[str, Any]:
        return _relation_witness_json(
            self.kind,
            {"point": self.point},
            self.parameters,
            self.relation,
            self.values,
            self.precision,
            self.box,
        )

    @classmethod
    def from_json(cls, data: object) -> ValueWitness:
        return cls(
            **_relation_witness_fields(data, "value", ("point",), VALUE_VALUES, with_t=False)
        )


MODEL_SEGMENT_VALUES = ("f_a", "f_b", "f_m", "chord")


@dataclass(frozen=True, slots=True)
class ModelSegmentWitness:
    """A segment witness for a structured model claim: points are whole parameter vectors
    of the model's layout (:class:`~convexity_proofs._structure.ParameterVector`), so a
    network with a million parameters has a compact, exact witness.

    f(m), m = t·a + (1−t)·b, against the chord t·f(a) + (1−t)·f(b): ``relation`` ">"
    (not convex) or "<" (not concave).  a and b agree on every parameter that is not a
    variable of the claim (they are the parameter value at which the claim fails).
    ``argument`` says how the points were found (``permutation``: b is a with two hidden
    units swapped, ``swap`` names them; ``search``); the checker recomputes every value.
    """

    a: Any  # ParameterVector
    b: Any  # ParameterVector
    t: Fraction
    relation: str
    values: tuple[tuple[str, Enclosure], ...]
    precision: int
    argument: str = "search"
    swap: str = ""
    #: The claim's ParameterLayout, for reports to name coordinates (not part of the
    #: witness's data: the checker takes the layout from the claim).
    layout: Any = field(default=None, compare=False, repr=False)

    kind = "model-segment"

    def recorded(self, key: str) -> Enclosure | None:
        return _value(self.values, key)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "argument": self.argument,
            "a": self.a.to_json(),
            "b": self.b.to_json(),
            "t": format_number(self.t),
            "relation": self.relation,
            "values": _values_json(self.values),
            "precision": self.precision,
        }
        if self.swap:
            data["swap"] = self.swap
        return data

    @classmethod
    def from_json(cls, data: object) -> ModelSegmentWitness:
        from convexity_proofs._structure import ParameterVector

        d = _kind(data, "model-segment")
        try:
            precision = _precision_from_json(d.get("precision"))
            return cls(
                a=ParameterVector.from_json(d["a"]),
                b=ParameterVector.from_json(d["b"]),
                t=_read(d["t"], "t"),
                relation=_string(d, "relation"),
                values=_values_from_json(d.get("values"), MODEL_SEGMENT_VALUES),
                precision=precision if precision is not None else 0,
                argument=_string(d, "argument", "search"),
                swap=_string(d, "swap", ""),
            )
        except (KeyError, ValueError) as exc:
            raise _data_error(f"model-segment witness: {exc}") from None


@dataclass(frozen=True, slots=True)
class ModelCurvatureWitness:
    """The second derivative of s ↦ f(point + s·direction) at 0 for a structured model
    claim, certified ``relation`` ("<0": not convex, ">0": not concave) by a rigorous
    second-order forward pass; ``direction`` is zero outside the claim's variables."""

    point: Any  # ParameterVector
    direction: Any  # ParameterVector
    relation: str
    values: tuple[tuple[str, Enclosure], ...]
    precision: int
    #: The claim's ParameterLayout, for reports only (see ModelSegmentWitness).
    layout: Any = field(default=None, compare=False, repr=False)

    kind = "model-curvature"

    def recorded(self, key: str) -> Enclosure | None:
        return _value(self.values, key)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "point": self.point.to_json(),
            "direction": self.direction.to_json(),
            "relation": self.relation,
            "values": _values_json(self.values),
            "precision": self.precision,
        }

    @classmethod
    def from_json(cls, data: object) -> ModelCurvatureWitness:
        from convexity_proofs._structure import ParameterVector

        d = _kind(data, "model-curvature")
        try:
            precision = _precision_from_json(d.get("precision"))
            return cls(
                point=ParameterVector.from_json(d["point"]),
                direction=ParameterVector.from_json(d["direction"]),
                relation=_string(d, "relation"),
                values=_values_from_json(d.get("values"), CURVATURE_VALUES),
                precision=precision if precision is not None else 0,
            )
        except (KeyError, ValueError) as exc:
            raise _data_error(f"model-curvature witness: {exc}") from None


Witness = (
    SegmentWitness
    | CurvatureWitness
    | PointWitness
    | OrderedWitness
    | LevelWitness
    | ValueWitness
    | ModelSegmentWitness
    | ModelCurvatureWitness
)

_WITNESS_KINDS: dict[str, Any] = {
    "segment": SegmentWitness,
    "curvature": CurvatureWitness,
    "point": PointWitness,
    "ordered": OrderedWitness,
    "level": LevelWitness,
    "value": ValueWitness,
    "model-segment": ModelSegmentWitness,
    "model-curvature": ModelCurvatureWitness,
}


def witness_from_json(data: object) -> Witness:
    """A witness read back from its JSON data (``to_json``); malformed data raise
    :class:`~convexity_proofs.kernel.expressions.ExpressionDataError`."""
    kind = data.get("kind") if isinstance(data, dict) else None
    cls = _WITNESS_KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise _data_error(f"unknown witness kind {kind!r:.40}")
    return cls.from_json(data)  # type: ignore[no-any-return]


#: Set to 1 to re-raise internal errors instead of recording them as a lost answer
#: (developers and the test suite; the guard must never hide a bug from them).
RAISE_INTERNAL_ERRORS_ENV = "CONVEXITY_PROOFS_RAISE_INTERNAL"


# --- proofs ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Condition:
    """A report line generated from a proof fact: what it states, how it is established."""

    statement: str
    established_by: str

    def to_json(self) -> dict[str, str]:
        return {"statement": self.statement, "established_by": self.established_by}


class AttemptKind(StrEnum):
    """How a strategy's attempt ended without an answer."""

    #: It did not run: a condition it needs failed (``outcome`` says which).
    SKIPPED = "skipped"
    #: It ran to its end and found no answer; more time would not change that.
    INCONCLUSIVE = "inconclusive"
    #: It (or the claim) ran out of time; a larger ``--timeout`` may give an answer.
    CUT_SHORT = "cut short"
    #: It raised an internal error, which cost its answer only.
    ERROR = "error"
    #: A fact about the whole run (definedness, why nothing can answer), no strategy's.
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class Uncovered:
    """The smallest subexpression no rule covers: ``why`` the rules stopped there and
    ``near``, the rule that came closest (``""`` when none did)."""

    term: sympy.Expr
    why: str
    near: str = ""


@dataclass(frozen=True, slots=True)
class Attempt:
    """What a strategy tried and why it gave no decisive answer (shown for ``unknown``).

    ``seconds`` is how long it ran (None when it did not run); ``uncovered`` is what the
    composition rules could not cover, when that is what stopped them."""

    strategy: str
    outcome: str
    kind: AttemptKind = AttemptKind.INCONCLUSIVE
    seconds: float | None = None
    uncovered: Uncovered | None = None

    @property
    def ran(self) -> bool:
        return self.kind in (AttemptKind.INCONCLUSIVE, AttemptKind.CUT_SHORT, AttemptKind.ERROR)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "strategy": self.strategy,
            "outcome": self.outcome,
            "kind": str(self.kind),
        }
        if self.seconds is not None:
            data["seconds"] = round(self.seconds, 3)
        if self.uncovered is not None:
            from convexity_proofs._brief import brief

            data["uncovered"] = {
                "term": brief(self.uncovered.term, 200),
                "why": self.uncovered.why,
                "near": self.uncovered.near,
            }
        return data


def expected_passes(expect: Expect, status: Status) -> bool:
    """Whether a claim expecting ``expect`` passes with ``status``.

    ``holds`` passes when proved, ``fails`` when refuted, ``unknown`` (a known
    limitation, like an expected failure) while undecided.
    """
    if expect is Expect.UNKNOWN:
        return status is Status.UNKNOWN
    if expect is Expect.HOLDS:
        return status is Status.PROVED
    return status is Status.REFUTED


@dataclass(frozen=True, slots=True, repr=False)
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
    #: How the function and each definedness obligation are met on the claim's domain
    #: (facts of :mod:`convexity_proofs._proof`), for proofs over the whole domain.
    definedness: tuple[Any, ...] = ()

    @property
    def passed(self) -> bool:
        if self.claim.exploratory:
            return self.status is not Status.UNKNOWN
        return expected_passes(self.claim.expect, self.status)

    def __repr__(self) -> str:
        """One line, without the proof: ``<Verdict 'name': proved convex (PASS, 0.12 s)>``."""
        if self.claim.exploratory:
            how = f"{self.seconds:.2f} s"
        else:
            how = f"{'PASS' if self.passed else 'FAIL'}, {self.seconds:.2f} s"
        return f"<Verdict {self.claim.name!r}: {self.status} {self.claim.property} ({how})>"

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
        if self.claim.exploratory:
            data["exploratory"] = True
        if self.claim.parameters:
            data["parameters"] = {
                "quantifier": str(self.claim.quantifier),
                "symbols": [s.name for s in self.claim.parameters],
            }
        if self.claim.rewritten:
            data["rewritten"] = list(self.claim.rewritten)
        if self.claim.reparametrized:
            data["reparametrized"] = dict(self.claim.reparametrized)
        from convexity_proofs._reductions import describe_reduction, reduced_claim

        reduced = reduced_claim(self.claim)
        if reduced is not None:
            # Proofs and segment / curvature witnesses are about this function, not f.
            from sympy import sstr

            data["meaning"] = describe_reduction(self.claim)
            data["reduced"] = {
                "property": str(reduced.property),
                "function": sstr(reduced.function, order="none"),
            }
        from convexity_proofs._model_text import model_json

        model = model_json(self.claim)
        if model is not None:
            data["model"] = model
        if self.claim.obligations:
            data["obligations"] = [ob.describe() for ob in self.claim.obligations]
        errors = [
            a.outcome if a.outcome.startswith("internal error") else f"{a.strategy}: {a.outcome}"
            for a in self.attempts
            if a.kind is AttemptKind.ERROR
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
            from convexity_proofs._next_steps import next_steps

            data["attempts"] = [a.to_json() for a in self.attempts]
            data["next_steps"] = [step.to_json() for step in next_steps(self)]
        return data

    def _repr_markdown_(self) -> str:
        """Jupyter shows a verdict as its Markdown report."""
        from convexity_proofs._markdown import verdict_markdown

        return verdict_markdown(self)

    def __rich__(self) -> Any:
        from convexity_proofs._report import render_verdict

        return render_verdict(self)

    def plot(self) -> Any:
        """The picture ``--plot`` draws for this verdict, as a matplotlib ``Figure``, or
        ``None`` when it draws nothing for it (unknown verdicts, invariance, value
        witnesses, several-variable proofs, the reduced properties).

        In Jupyter the figure shows as the cell's value; elsewhere save it with
        ``fig.savefig(...)``.  No pyplot state is touched.  Needs matplotlib: without
        it, raises :class:`ImportError` saying ``pip install 'convexity-proofs[plot]'``.
        """
        # The plots evaluate f in floats (convexity_proofs._numeric), search-side code
        # the checker must not reach; the checker never calls plot(), and pictures
        # decide nothing (tests/test_checker_imports.py names this one exception).
        from convexity_proofs._plot import verdict_figure

        return verdict_figure(self)
