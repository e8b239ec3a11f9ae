"""One entry of the function registry, and the atom row it may carry.

An :class:`Entry` declares whatever applies to one function: its names in claim files
and their arity, how its SymPy form is built (:mod:`._construct`), the definedness
obligation its call writes, the SymPy head it is, the parser's parity normalisation,
its interval image, its Arb ball and series arithmetic with the ball domain, its float
value and derivatives for the numeric search, whether it is smooth, and its atom row:
a :class:`Row` of sign conditions saying where it is defined, when it is convex or
concave, when (strictly) increasing or decreasing in each argument and when its value
is positive.  Nothing here imports numpy or the kernel: the numeric triple is written
against an array module passed in, the interval image names the kernel's method.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy
from flint import arb

from convexity_proofs.functions._construct import FAST, PARSER, Construction

#: A sign condition ``(argument, sign)``: the range of the argument has the sign on the
#: whole domain.  ``argument`` None means every argument (domain and curvature
#: conditions), or the argument a monotonicity is about.
Cond = tuple[int | None, str]
#: Alternatives, each a conjunction of conditions; the property holds when one does.
Alternatives = tuple[tuple[Cond, ...], ...]
Arguments = tuple[sympy.Expr, ...]
Depends = Callable[[sympy.Expr], bool]

SIGNS = ("any", "positive", "nonnegative", "negative", "nonpositive", "nonzero")

ALWAYS: Alternatives = ((),)
NEVER: Alternatives = ()

#: Monotonicity kinds: ``increasing`` is nondecreasing, ``decreasing`` nonincreasing.
MONOTONE_KINDS = ("increasing", "decreasing", "strictly-increasing", "strictly-decreasing")
CURVATURE_KINDS = ("convex", "concave")


def on(sign: str, argument: int | None = None) -> Alternatives:
    """One alternative: the range of ``argument`` has ``sign``."""
    if sign not in SIGNS:
        raise ValueError(f"unknown sign condition {sign!r}")
    return (((argument, sign),),)


def _field(kind: str) -> str:
    if kind not in MONOTONE_KINDS:
        raise ValueError(f"unknown monotonicity {kind!r}; one of {', '.join(MONOTONE_KINDS)}")
    return kind.replace("-", "_")


@dataclass(frozen=True, slots=True)
class Monotone:
    """The monotonicity alternatives of one argument (for atoms whose arguments differ)."""

    increasing: Alternatives = NEVER
    decreasing: Alternatives = NEVER
    strictly_increasing: Alternatives = NEVER
    strictly_decreasing: Alternatives = NEVER

    def of(self, kind: str) -> Alternatives:
        return getattr(self, _field(kind))  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Row:
    """One atom: ``arguments`` reads the subject's arguments (None: not this atom).

    ``name`` is the prover's wording, ``shape`` the subject's written form (the
    checker's).  ``per_argument``, when set, gives the monotonicity of each argument
    and overrides the four monotonicity fields.
    """

    key: str
    shape: str
    arguments: Callable[[sympy.Expr], Arguments | None]
    domain: tuple[Cond, ...] = ()
    convex: Alternatives = NEVER
    concave: Alternatives = NEVER
    increasing: Alternatives = NEVER
    decreasing: Alternatives = NEVER
    strictly_increasing: Alternatives = NEVER
    strictly_decreasing: Alternatives = NEVER
    #: where the atom's value is > 0 (an image sign)
    positive: Alternatives = NEVER
    per_argument: tuple[Monotone, ...] | None = None
    name: str = ""

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", self.key)

    def curvature(self, kind: str) -> Alternatives:
        if kind not in CURVATURE_KINDS:
            raise ValueError(f"unknown curvature {kind!r}")
        return self.convex if kind == "convex" else self.concave

    def monotone(self, kind: str, index: int) -> Alternatives:
        """The alternatives for ``kind`` (one of :data:`MONOTONE_KINDS`) in argument
        ``index``; an argument the row does not describe has none."""
        field = _field(kind)
        if self.per_argument is not None:
            if index >= len(self.per_argument):
                return NEVER
            return self.per_argument[index].of(kind)
        return getattr(self, field)  # type: ignore[no-any-return]


# --- shapes many rows share -------------------------------------------------------------

U_NONNEG, U_NONPOS = on("nonnegative"), on("nonpositive")
FIRST_NONNEG, FIRST_NONPOS = on("nonnegative", 0), on("nonpositive", 0)
POSITIVE_FIRST: tuple[Cond, ...] = ((0, "positive"),)

#: strictly increasing everywhere
UP: dict[str, Alternatives] = {"increasing": ALWAYS, "strictly_increasing": ALWAYS}
DOWN: dict[str, Alternatives] = {"decreasing": ALWAYS, "strictly_decreasing": ALWAYS}
CONVEX_UP = {"convex": ALWAYS, **UP}
CONCAVE_UP = {"concave": ALWAYS, **UP}
CONVEX_DOWN = {"convex": ALWAYS, **DOWN}
#: convex, decreasing left of 0 and increasing right of 0, strictly (|u|, cosh, u**2, ...)
CONVEX_V: dict[str, Alternatives] = {
    "convex": ALWAYS,
    "increasing": U_NONNEG,
    "decreasing": U_NONPOS,
    "strictly_increasing": U_NONNEG,
    "strictly_decreasing": U_NONPOS,
}
#: strictly increasing, concave left of 0 and convex right of 0 (sinh, u**3, ...)
ODD: dict[str, Alternatives] = {"convex": FIRST_NONNEG, "concave": FIRST_NONPOS, **UP}
#: strictly increasing, convex left of 0 and concave right of 0 (tanh, atan, erf)
S_SHAPED: dict[str, Alternatives] = {"convex": FIRST_NONPOS, "concave": FIRST_NONNEG, **UP}


# --- recognisers -------------------------------------------------------------------------


def function_arguments(cls: type) -> Callable[[sympy.Expr], Arguments | None]:
    """The arguments of a call of exactly ``cls`` (no subclasses)."""
    return lambda e: tuple(e.args) if type(e) is cls and e.args else None


def log_of(e: sympy.Expr) -> sympy.Expr | None:
    """u when ``e`` is log(u)."""
    return e.args[0] if type(e) is sympy.log and len(e.args) == 1 else None


def positive_number(e: sympy.Expr) -> bool:
    return bool(e.is_Number and e.is_positive)


def two_factors(e: sympy.Expr) -> tuple[tuple[sympy.Expr, sympy.Expr], ...]:
    """Both orders of a product of exactly two factors."""
    if not e.is_Mul or len(e.args) != 2:
        return ()
    a, b = e.args
    return ((a, b), (b, a))


def all_factors_depend(e: sympy.Expr, depends: Depends) -> bool:
    """Every factor of the product ``e`` involves the claim's variables: a product by a
    constant is scaling, which the composition rule handles itself."""
    return all(depends(f) for f in e.args)


def as_fraction(q: sympy.Rational) -> Fraction:
    return Fraction(int(q.p), int(q.q))


# --- the entry ---------------------------------------------------------------------------


def everywhere(_: arb) -> bool:
    return True


Obligation = Callable[[sympy.Expr], tuple[type, tuple[sympy.Expr, ...]]]
Numeric = Callable[[Any], tuple[Callable[[Any], Any], Callable[[Any], Any], Callable[[Any], Any]]]


@dataclass(frozen=True, kw_only=True)
class Entry:
    """Everything known about one function (a field that does not apply stays unset).

    Vocabulary (the parser): ``names`` are the claim-file names, called with
    ``min_args`` to ``max_args`` (None: any number) arguments; ``form(construction,
    *arguments)`` builds the SymPy form from built arguments (None: a call of ``head``,
    built by the construction with ``parity``); ``syntax`` says the parser reads the name
    itself (Piecewise: its arguments are pairs); ``obligation`` gives the restricted head
    the call writes (log, tan, a power 1/2), whose definedness obligation the parser
    records.

    Evaluation, for the SymPy class ``head``: ``interval`` names the kernel's
    ``Interval`` method for its image (folded over the arguments when variadic);
    ``ball``/``series`` are its Arb ball and power-series arithmetic, analytic where
    ``ball_domain`` certifies it on the ball; ``lattice`` ("abs", "max", "min") names the
    exact operation every kernel algebra implements instead (these are exact, not
    transcendental); ``numeric(np)`` gives f, f', f'' on arrays for the search;
    ``smooth`` is False for heads with kinks (the second-order rules refuse them);
    ``native`` says why the walkers handle the head themselves instead (Piecewise) or why
    nothing evaluates it (sign, Heaviside: they appear only in derivatives).

    Atoms: ``row`` is the atom row (or ``row_of(subject)`` for rows that depend on the
    subject: power, exponential), ``subject`` the SymPy class of the subjects it
    describes, ``claims(subject, depends)`` a further condition before the prover names
    the atom, ``priority`` its order among atoms on the same class (lower first);
    ``no_row`` says why a function has no row of its own.
    """

    key: str
    doc: str = ""
    names: tuple[str, ...] = ()
    min_args: int = 1
    max_args: int | None = 1
    form: Callable[..., sympy.Expr] | None = None
    syntax: str = ""
    obligation: Obligation | None = None
    head: type | None = None
    parity: str | None = None
    #: for the models' fast construction: arguments on which building ``head``
    #: unevaluated (after the parity normalisation) provably gives SymPy's evaluated form
    unevaluated_when: Callable[[sympy.Expr], bool] | None = None
    interval: str | None = None
    ball: Callable[[arb], arb] | None = None
    series: Callable[[Any], Any] | None = None
    ball_domain: Callable[[arb], bool] = everywhere
    lattice: str | None = None
    numeric: Numeric | None = None
    smooth: bool = True
    native: str = ""
    row: Row | None = None
    row_of: Callable[[sympy.Expr], Row | None] | None = None
    subject: type | None = None
    claims: Callable[[sympy.Expr, Depends], bool] | None = None
    priority: int = 0
    no_row: str = ""

    def __post_init__(self) -> None:
        if self.parity not in (None, "odd", "even"):
            raise ValueError(f"{self.key}: parity is 'odd', 'even' or None")
        if self.lattice not in (None, "abs", "max", "min"):
            raise ValueError(f"{self.key}: unknown lattice operation {self.lattice!r}")
        if self.row is not None and self.row.key != self.key:
            raise ValueError(f"{self.key}: its row is keyed {self.row.key!r}")
        if (self.row is not None or self.row_of is not None) and self.subject is None:
            object.__setattr__(self, "subject", self.head)

    @property
    def variadic(self) -> bool:
        return self.max_args is None

    @property
    def is_atom(self) -> bool:
        return self.row is not None or self.row_of is not None

    def construct(self, construction: Construction, *args: sympy.Expr) -> sympy.Expr:
        """The SymPy form of a call, built by ``construction``."""
        if self.form is not None:
            return self.form(construction, *args)
        return construction.call(self, *args)

    def build(self, *args: sympy.Expr) -> sympy.Expr:
        """The form the parser builds (SymPy's evaluation, skipped on long arguments)."""
        return self.construct(PARSER, *args)

    def fast(self, *args: sympy.Expr) -> sympy.Expr:
        """The same form, built by the models' fast construction (identical results)."""
        return self.construct(FAST, *args)

    def row_for(self, subject: sympy.Expr) -> Row | None:
        """The atom row for ``subject`` (None: no row, or the subject does not carry the
        parameter a parameterised row is read from)."""
        if self.row_of is not None:
            return self.row_of(subject)
        return self.row

    def match(self, node: sympy.Expr, depends: Depends) -> tuple[Row, Arguments] | None:
        """The row and arguments when the prover names ``node`` this atom."""
        row = self.row_for(node)
        if row is None:
            return None
        args = row.arguments(node)
        if args is None or (self.claims is not None and not self.claims(node, depends)):
            return None
        return row, args
