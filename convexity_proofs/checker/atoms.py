"""The checker's own atom table: what it knows about each elementary function.

A separate transcription (it imports nothing from the provers): for each atom key, how
to recognise a subject as that atom and read off its arguments, where the atom is
defined, and its convex / concave / nondecreasing / nonincreasing alternatives.  An
alternative is a conjunction of sign conditions ``(argument, sign)`` on the ranges of
the arguments; ``argument`` ``None`` means every argument (domain and curvature
conditions) or the argument the monotonicity is about.  ``tests/test_checker_atoms.py``
validates every row against certified evaluations of the atom on sample points.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import sympy

Cond = tuple[int | None, str]
Alternatives = tuple[tuple[Cond, ...], ...]
Arguments = tuple[sympy.Expr, ...]

ALWAYS: Alternatives = ((),)
NEVER: Alternatives = ()


def on(sign: str, argument: int | None = None) -> Alternatives:
    """One alternative: the range of ``argument`` has ``sign``."""
    return (((argument, sign),),)


@dataclass(frozen=True)
class Row:
    """One atom: ``arguments`` reads the subject's arguments (None: not this atom)."""

    key: str
    shape: str
    arguments: Callable[[sympy.Expr], Arguments | None]
    domain: tuple[Cond, ...] = ()
    convex: Alternatives = NEVER
    concave: Alternatives = NEVER
    increasing: Alternatives = NEVER
    decreasing: Alternatives = NEVER
    #: per argument (nondecreasing, nonincreasing), for atoms whose arguments differ
    per_argument: tuple[tuple[Alternatives, Alternatives], ...] | None = None

    def curvature(self, kind: str) -> Alternatives:
        return self.convex if kind == "convex" else self.concave

    def monotone(self, kind: str, index: int) -> Alternatives:
        if self.per_argument is not None:
            if index >= len(self.per_argument):
                return NEVER
            return self.per_argument[index][0 if kind == "increasing" else 1]
        return self.increasing if kind == "increasing" else self.decreasing


# --- recognisers ----------------------------------------------------------------------


def _function(cls: type) -> Callable[[sympy.Expr], Arguments | None]:
    return lambda e: tuple(e.args) if type(e) is cls and e.args else None


def _log_of(e: sympy.Expr) -> sympy.Expr | None:
    return e.args[0] if type(e) is sympy.log and len(e.args) == 1 else None


def _positive_number(e: sympy.Expr) -> bool:
    return bool(e.is_Number and e.is_positive)


def _scaled_exp(term: sympy.Expr) -> sympy.Expr | None:
    """u when ``term`` is c·exp(u) with a number c > 0."""
    coeff, rest = term.as_coeff_Mul()
    return rest.args[0] if _positive_number(coeff) and type(rest) is sympy.exp else None


def _logsumexp(e: sympy.Expr) -> Arguments | None:
    """log(c0 + Σ c_i·exp(u_i)), numbers c0 >= 0, c_i > 0: (u_1, ..., u_n[, 0 for c0])."""
    inside = _log_of(e)
    if inside is None:
        return None
    exps: list[sympy.Expr] = []
    constant = False
    for term in sympy.Add.make_args(inside):
        if term.is_Number:
            if not term.is_positive:
                return None
            constant = True
            continue
        u = _scaled_exp(term)
        if u is None:
            return None
        exps.append(u)
    if not exps:
        return None
    return (*exps, sympy.Integer(0)) if constant else tuple(exps)


def _softplus(e: sympy.Expr) -> Arguments | None:
    """log(c0 + c1·exp(u)) with numbers c0, c1 > 0."""
    args = _logsumexp(e)
    return args[:1] if args is not None and len(args) == 2 and args[1] == 0 else None


def _log_cosh(e: sympy.Expr) -> Arguments | None:
    inside = _log_of(e)
    return tuple(inside.args) if inside is not None and type(inside) is sympy.cosh else None


def _one_plus_exp_inverse(e: sympy.Expr) -> sympy.Expr | None:
    """v when ``e`` is 1/(1 + exp(v))."""
    if not (e.is_Pow and e.args[1] == -1 and e.args[0].is_Add and len(e.args[0].args) == 2):
        return None
    first, second = e.args[0].args
    other = second if first == 1 else first if second == 1 else None
    return other.args[0] if other is not None and type(other) is sympy.exp else None


def _log_sigmoid(e: sympy.Expr) -> Arguments | None:
    """log(1/(1 + exp(v))) = log σ(−v)."""
    inside = _log_of(e)
    v = None if inside is None else _one_plus_exp_inverse(inside)
    return None if v is None else (v,)


def _log_one_minus_sigmoid(e: sympy.Expr) -> Arguments | None:
    """log(1 − 1/(1 + exp(v))) = log σ(v)."""
    inside = _log_of(e)
    if inside is None or not inside.is_Add or len(inside.args) != 2:
        return None
    first, second = inside.args
    other = second if first == 1 else first if second == 1 else None
    if other is None:
        return None
    coeff, rest = other.as_coeff_Mul()
    v = _one_plus_exp_inverse(rest) if coeff == -1 else None
    return None if v is None else (v,)


def _two_factors(e: sympy.Expr) -> tuple[tuple[sympy.Expr, sympy.Expr], ...]:
    """Both orders of a product of exactly two factors."""
    if not e.is_Mul or len(e.args) != 2:
        return ()
    a, b = e.args
    return ((a, b), (b, a))


def _entropy(e: sympy.Expr) -> Arguments | None:
    """u·log(u)."""
    for u, logarithm in _two_factors(e):
        if _log_of(logarithm) == u:
            return (u,)
    return None


def _rel_entropy(e: sympy.Expr) -> Arguments | None:
    """u·log(u/v), written u·log(u·v**-1)."""
    for u, logarithm in _two_factors(e):
        inside = _log_of(logarithm)
        for first, inverse in _two_factors(inside) if inside is not None else ():
            if first == u and inverse.is_Pow and inverse.args[1] == -1:
                return (u, inverse.args[0])
    return None


def _quad_over_lin(e: sympy.Expr) -> Arguments | None:
    """u**2·v**-1."""
    for square, inverse in _two_factors(e):
        if square.is_Pow and square.args[1] == 2 and inverse.is_Pow and inverse.args[1] == -1:
            return (square.args[0], inverse.args[0])
    return None


def _norm2(e: sympy.Expr) -> Arguments | None:
    """sqrt(Σ c_i·u_i**2 + c0), numbers c_i > 0, c0 >= 0: (u_i, ..., and 0 for c0)."""
    if not (e.is_Pow and e.args[1] == sympy.Rational(1, 2) and e.args[0].is_Add):
        return None
    args: list[sympy.Expr] = []
    for term in e.args[0].args:
        if term.is_Number:
            if term.is_negative:
                return None
            args.append(sympy.Integer(0))
            continue
        coeff, rest = term.as_coeff_Mul()
        if not (_positive_number(coeff) and rest.is_Pow and rest.args[1] == 2):
            return None
        args.append(rest.args[0])
    return tuple(args)


def _geo_mean(e: sympy.Expr) -> Arguments | None:
    """(u_1···u_n)**(1/n), n >= 2."""
    if not (e.is_Pow and e.args[0].is_Mul and e.args[1].is_Rational):
        return None
    exponent, factors = e.args[1], e.args[0].args
    if exponent.p == 1 and exponent.q >= 2 and len(factors) == exponent.q:
        return tuple(factors)
    return None


def exponent_of(e: sympy.Expr) -> Fraction | None:
    """p when ``e`` is u**p with a rational p other than 0 and 1."""
    if e.is_Pow and e.args[1].is_Rational and e.args[1] not in (0, 1):
        return Fraction(int(e.args[1].p), int(e.args[1].q))
    return None


def base_of(e: sympy.Expr) -> sympy.Expr | None:
    """c when ``e`` is c**u with a number c > 0, c != 1, and a non-number exponent."""
    if e.is_Pow and _positive_number(e.args[0]) and e.args[0] != 1 and not e.args[1].is_Number:
        return e.args[0]
    return None


# --- the table ------------------------------------------------------------------------

U_NONNEG, U_NONPOS = on("nonnegative"), on("nonpositive")
FIRST_NONNEG, FIRST_NONPOS = on("nonnegative", 0), on("nonpositive", 0)

#: Shapes many atoms share.
CONVEX_UP = {"convex": ALWAYS, "increasing": ALWAYS}
CONCAVE_UP = {"concave": ALWAYS, "increasing": ALWAYS}
#: convex, nonincreasing left of 0 and nondecreasing right of 0 (|u|, cosh, u**2, ...)
CONVEX_V = {"convex": ALWAYS, "increasing": U_NONNEG, "decreasing": U_NONPOS}
#: increasing, concave left of 0 and convex right of 0 (sinh, u**3, ...)
ODD = {"convex": FIRST_NONNEG, "concave": FIRST_NONPOS, "increasing": ALWAYS}
#: increasing, convex left of 0 and concave right of 0 (tanh, atan, erf)
S_SHAPED = {"convex": FIRST_NONPOS, "concave": FIRST_NONNEG, "increasing": ALWAYS}
POSITIVE_FIRST = ((0, "positive"),)


def _rows() -> dict[str, Row]:
    f = _function
    rows = [
        Row("exp", "exp(u)", f(sympy.exp), **CONVEX_UP),
        Row("log", "log(u)", f(sympy.log), domain=POSITIVE_FIRST, **CONCAVE_UP),
        Row("softplus", "log(c0 + c1*exp(u))", _softplus, **CONVEX_UP),
        Row("logsumexp", "log(c0 + c1*exp(u1) + ...)", _logsumexp, **CONVEX_UP),
        Row("abs", "Abs(u)", f(sympy.Abs), **CONVEX_V),
        Row("max", "Max(u1, ...)", f(sympy.Max), **CONVEX_UP),
        Row("min", "Min(u1, ...)", f(sympy.Min), **CONCAVE_UP),
        Row("cosh", "cosh(u)", f(sympy.cosh), **CONVEX_V),
        Row("sinh", "sinh(u)", f(sympy.sinh), **ODD),
        Row("tanh", "tanh(u)", f(sympy.tanh), **S_SHAPED),
        Row("atan", "atan(u)", f(sympy.atan), **S_SHAPED),
        Row("erf", "erf(u)", f(sympy.erf), **S_SHAPED),
        Row("entropy", "u*log(u)", _entropy, domain=POSITIVE_FIRST, convex=ALWAYS),
        Row("log-sigmoid", "log(1/(1 + exp(v)))", _log_sigmoid, concave=ALWAYS, decreasing=ALWAYS),
        Row(
            "log-one-minus-sigmoid", "log(1 - 1/(1 + exp(v)))", _log_one_minus_sigmoid, **CONCAVE_UP
        ),
        Row("norm2", "sqrt(c1*u1**2 + ... + c0)", _norm2, **CONVEX_V),
        Row(
            "geo-mean",
            "(u1*...*un)**(1/n)",
            _geo_mean,
            domain=((None, "nonnegative"),),
            **CONCAVE_UP,
        ),
        Row("log-cosh", "log(cosh(u))", _log_cosh, **CONVEX_V),
        # two arguments that differ: (nondecreasing, nonincreasing) per argument
        Row(
            "quad-over-lin",
            "u**2/v",
            _quad_over_lin,
            domain=((1, "positive"),),
            convex=ALWAYS,
            per_argument=((U_NONNEG, U_NONPOS), (NEVER, ALWAYS)),
        ),
        Row(
            "rel-entropy",
            "u*log(u/v)",
            _rel_entropy,
            domain=((0, "positive"), (1, "positive")),
            convex=ALWAYS,
            per_argument=((NEVER, NEVER), (NEVER, ALWAYS)),
        ),
    ]
    return {row.key: row for row in rows}


ROWS: dict[str, Row] = _rows()


def _base(e: sympy.Expr) -> Arguments | None:
    return (e.args[0],) if exponent_of(e) is not None else None


def power_row(p: Fraction) -> Row | None:
    """u**p with SymPy's real semantics (a non-integer power of a negative is not real)."""
    shape, n = f"u**({p})", p.numerator
    if p.denominator == 1:
        if n in (0, 1):
            return None  # not atoms
        if n > 0:
            return Row("power", shape, _base, **(CONVEX_V if n % 2 == 0 else ODD))
        # 1/u**k: on one side of 0 (the range of u is one interval without 0)
        nonzero = ((0, "nonzero"),)
        if n % 2 == 0:
            return Row(
                "power",
                shape,
                _base,
                domain=nonzero,
                convex=ALWAYS,
                increasing=on("negative"),
                decreasing=on("positive"),
            )
        return Row(
            "power",
            shape,
            _base,
            domain=nonzero,
            convex=on("positive", 0),
            concave=on("negative", 0),
            decreasing=ALWAYS,
        )
    if p < 0:
        return Row("power", shape, _base, domain=POSITIVE_FIRST, convex=ALWAYS, decreasing=ALWAYS)
    nonneg = ((0, "nonnegative"),)
    return Row("power", shape, _base, domain=nonneg, **(CONCAVE_UP if p < 1 else CONVEX_UP))


def _exponent(e: sympy.Expr) -> Arguments | None:
    return (e.args[1],) if base_of(e) is not None else None


def exponential_row(c: sympy.Expr) -> Row:
    """c**u for a number c > 0, c != 1: convex, monotone as c is above or below 1."""
    if c > 1:
        return Row("exponential", f"({c})**u", _exponent, **CONVEX_UP)
    return Row("exponential", f"({c})**u", _exponent, convex=ALWAYS, decreasing=ALWAYS)


#: Every key the table has a row for.
KEYS: frozenset[str] = frozenset(ROWS) | {"power", "exponential"}


def row_for(key: str, subject: sympy.Expr) -> Row | None:
    """The row of ``key`` for ``subject`` (power and exponential rows depend on the
    exponent or the base read from it); None when the key is unknown or the subject
    does not carry the exponent or base."""
    if key == "power":
        p = exponent_of(subject)
        return None if p is None else power_row(p)
    if key == "exponential":
        c = base_of(subject)
        return None if c is None else exponential_row(c)
    return ROWS.get(key)
