"""The atom table: what is known about each elementary function, as data.

Each :class:`Atom` declares where it is defined, when it is convex or concave, and
when it is nondecreasing or nonincreasing in each argument.  Conditions are signs of
argument ranges ("increasing when argument 0 is nonnegative"), so the composition rule
(:mod:`.composition`) can check them with interval analysis on the claim's domain, and
a certificate checker can re-check them from the recorded data.  Each atom has a
stable ``key`` that proofs name it by; the checker keeps its own transcription of the
table (:mod:`convexity_proofs.checker.atoms`, one row per key, validated against
certified evaluations), so adding an atom is a table entry here and a row there.

:func:`match_atom` recognises atoms in the shapes people type: ``log(1 + exp(u))`` is
softplus, ``log(exp(a) + exp(b))`` is log-sum-exp, ``x**2/y`` is quad-over-lin.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import sympy

#: A sign condition: which argument (``None`` = the argument the monotonicity is about,
#: or every argument for domain conditions) and which sign its range must have.
SIGNS = ("any", "positive", "nonnegative", "negative", "nonpositive", "nonzero")


@dataclass(frozen=True, slots=True)
class When:
    """The range of argument ``arg`` has sign ``sign`` on the whole domain."""

    sign: str
    arg: int | None = None

    def __post_init__(self) -> None:
        if self.sign not in SIGNS:
            raise ValueError(f"unknown sign condition {self.sign!r}")


ALWAYS: tuple[tuple[When, ...], ...] = ((),)
NEVER: tuple[tuple[When, ...], ...] = ()


def when(*conds: When) -> tuple[tuple[When, ...], ...]:
    """One alternative made of the conjunction of ``conds``."""
    return (tuple(conds),)


@dataclass(frozen=True, slots=True)
class Atom:
    """Curvature, monotonicity and domain of one elementary function.

    Each of ``convex``, ``concave``, ``increasing`` and ``decreasing`` is a tuple of
    alternatives; an alternative is a conjunction of :class:`When` conditions.  For
    ``increasing``/``decreasing``, a condition with ``arg=None`` refers to the argument
    whose monotonicity is asked about.
    """

    #: Stable key of the atom's row (certificates name atoms by it); ``name`` is for text.
    key: str
    name: str = ""
    domain: tuple[When, ...] = ()
    convex: tuple[tuple[When, ...], ...] = NEVER
    concave: tuple[tuple[When, ...], ...] = NEVER
    increasing: tuple[tuple[When, ...], ...] = NEVER
    decreasing: tuple[tuple[When, ...], ...] = NEVER
    #: Per-argument overrides of monotonicity, for atoms whose arguments differ.
    increasing_in: tuple[tuple[tuple[When, ...], ...], ...] | None = None
    decreasing_in: tuple[tuple[tuple[When, ...], ...], ...] | None = None

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", self.key)

    def monotone(self, kind: str, index: int) -> tuple[tuple[When, ...], ...]:
        per_arg = self.increasing_in if kind == "increasing" else self.decreasing_in
        if per_arg is not None:
            return per_arg[index]
        return self.increasing if kind == "increasing" else self.decreasing


NONNEG, NONPOS = When("nonnegative"), When("nonpositive")
POS, NEG = When("positive"), When("negative")

EXP = Atom("exp", convex=ALWAYS, increasing=ALWAYS)
LOG = Atom("log", domain=(When("positive", 0),), concave=ALWAYS, increasing=ALWAYS)
LOGSUMEXP = Atom("logsumexp", convex=ALWAYS, increasing=ALWAYS)
# log(1 + exp(u)): log-sum-exp of (u, 0), named as people know it.
SOFTPLUS = Atom("softplus", convex=ALWAYS, increasing=ALWAYS)
ABS = Atom("abs", convex=ALWAYS, increasing=when(NONNEG), decreasing=when(NONPOS))
MAX = Atom("max", convex=ALWAYS, increasing=ALWAYS)
MIN = Atom("min", concave=ALWAYS, increasing=ALWAYS)
COSH = Atom("cosh", convex=ALWAYS, increasing=when(NONNEG), decreasing=when(NONPOS))
SINH = Atom(
    "sinh",
    convex=when(When("nonnegative", 0)),
    concave=when(When("nonpositive", 0)),
    increasing=ALWAYS,
)
# tanh, atan and erf are S-shaped: concave right of 0, convex left of 0, increasing.
TANH, ATAN, ERF = (
    Atom(
        name,
        convex=when(When("nonpositive", 0)),
        concave=when(When("nonnegative", 0)),
        increasing=ALWAYS,
    )
    for name in ("tanh", "atan", "erf")
)
ENTROPY = Atom("entropy", "x*log(x)", domain=(When("positive", 0),), convex=ALWAYS)
QUAD_OVER_LIN = Atom(
    "quad-over-lin",
    "quad-over-lin u**2/v",
    domain=(When("positive", 1),),
    convex=ALWAYS,
    increasing_in=(when(NONNEG), NEVER),
    decreasing_in=(when(NONPOS), ALWAYS),
)


# log(1/(1 + exp(v))) = −softplus(v): concave, decreasing in v.  It is log σ(−v), the
# form binary cross-entropy takes when typed with the sigmoid.
LOG_INV_SOFTPLUS = Atom(
    "log-sigmoid", "log(1/(1+exp(v))) = -softplus(v)", concave=ALWAYS, decreasing=ALWAYS
)
# log(1 − 1/(1 + exp(v))) = v − softplus(v) = −softplus(−v): concave, increasing in v.
LOG_ONE_MINUS_SIGMOID = Atom(
    "log-one-minus-sigmoid",
    "log(1 - 1/(1+exp(v))) = -softplus(-v)",
    concave=ALWAYS,
    increasing=ALWAYS,
)
# sqrt(Σ u_i²): convex; like abs, it grows with each |u_i|.
NORM2 = Atom("norm2", "2-norm", convex=ALWAYS, increasing=when(NONNEG), decreasing=when(NONPOS))
# (Π u_i)^(1/n) on the nonnegative orthant: concave and increasing in each argument.
GEO_MEAN = Atom("geo-mean", "geometric mean", domain=(NONNEG,), concave=ALWAYS, increasing=ALWAYS)
LOG_COSH = Atom(
    "log-cosh", "log(cosh)", convex=ALWAYS, increasing=when(NONNEG), decreasing=when(NONPOS)
)
# u·log(u/v) on u, v > 0: jointly convex (the perspective of u·log u), nonincreasing in v.
REL_ENTROPY = Atom(
    "rel-entropy",
    "relative entropy u*log(u/v)",
    domain=(When("positive", 0), When("positive", 1)),
    convex=ALWAYS,
    increasing_in=(NEVER, NEVER),
    decreasing_in=(NEVER, ALWAYS),
)


#: Keys of the atoms built from the subject: the exponent of u**p, the base of c**u.
KEY_POWER, KEY_EXPONENTIAL = "power", "exponential"


def power_atom(p: Fraction) -> Atom | None:
    """u**p for a rational constant p (p not 0 or 1), with SymPy's real semantics."""
    name = f"power {p}"
    if p.denominator == 1:
        n = p.numerator
        if n >= 2 and n % 2 == 0:
            return Atom(
                KEY_POWER, name, convex=ALWAYS, increasing=when(NONNEG), decreasing=when(NONPOS)
            )
        if n >= 3:  # odd
            return Atom(
                KEY_POWER,
                name,
                convex=when(When("nonnegative", 0)),
                concave=when(When("nonpositive", 0)),
                increasing=ALWAYS,
            )
        if n < 0 and n % 2 == 0:  # 1/u**2: convex on each side of 0
            return Atom(
                KEY_POWER,
                name,
                domain=(When("nonzero", 0),),
                convex=ALWAYS,
                increasing=when(NEG),
                decreasing=when(POS),
            )
        if n < 0:  # odd negative power: convex right of 0, concave left, decreasing on each side
            return Atom(
                KEY_POWER,
                name,
                domain=(When("nonzero", 0),),
                convex=when(When("positive", 0)),
                concave=when(When("negative", 0)),
                decreasing=ALWAYS,
            )
        return None
    # Non-integer exponents: SymPy gives complex values for negative bases, so the
    # base must be nonnegative (positive when p < 0).
    if 0 < p < 1:
        return Atom(
            KEY_POWER, name, domain=(When("nonnegative", 0),), concave=ALWAYS, increasing=ALWAYS
        )
    if p > 1:
        return Atom(
            KEY_POWER, name, domain=(When("nonnegative", 0),), convex=ALWAYS, increasing=ALWAYS
        )
    return Atom(KEY_POWER, name, domain=(When("positive", 0),), convex=ALWAYS, decreasing=ALWAYS)


def exponential_atom(base: sympy.Number) -> Atom | None:
    """c**u for a positive constant c: exp(u·log c)."""
    if base.is_positive is not True:
        return None
    if base == 1:
        return None
    name = f"exponential {base}**u"
    if base > 1:
        return Atom(KEY_EXPONENTIAL, name, convex=ALWAYS, increasing=ALWAYS)
    return Atom(KEY_EXPONENTIAL, name, convex=ALWAYS, decreasing=ALWAYS)


#: Every key an atom of this table can have (a checker needs a row for each).
KEYS: frozenset[str] = frozenset(
    atom.key
    for atom in (
        EXP,
        LOG,
        LOGSUMEXP,
        SOFTPLUS,
        ABS,
        MAX,
        MIN,
        COSH,
        SINH,
        TANH,
        ATAN,
        ERF,
        ENTROPY,
        QUAD_OVER_LIN,
        LOG_INV_SOFTPLUS,
        LOG_ONE_MINUS_SIGMOID,
        NORM2,
        GEO_MEAN,
        LOG_COSH,
        REL_ENTROPY,
    )
) | {KEY_POWER, KEY_EXPONENTIAL}

_UNARY_ATOMS: dict[type, Atom] = {
    sympy.exp: EXP,
    sympy.Abs: ABS,
    sympy.cosh: COSH,
    sympy.sinh: SINH,
    sympy.tanh: TANH,
    sympy.atan: ATAN,
    sympy.erf: ERF,
}


def match_atom(
    node: sympy.Expr, depends: Callable[[sympy.Expr], bool]
) -> tuple[Atom, tuple[sympy.Expr, ...]] | None:
    """Recognise ``node`` as an atom applied to arguments, or ``None``.

    ``depends`` tells whether a subexpression involves the claim's variables: constant
    coefficients are told apart from variable factors with it.  Products by constants
    are not atoms; the composition rule handles scaling itself.
    """
    if type(node) in _UNARY_ATOMS:
        return _UNARY_ATOMS[type(node)], node.args
    if isinstance(node, sympy.Max):
        return MAX, node.args
    if isinstance(node, sympy.Min):
        return MIN, node.args
    if isinstance(node, sympy.log):
        if isinstance(node.args[0], sympy.cosh):
            return LOG_COSH, node.args[0].args
        sigmoid_log = _log_sigmoid(node.args[0])
        if sigmoid_log is not None:
            return sigmoid_log
        lse = _logsumexp_arguments(node.args[0])
        if lse is not None:
            if len(lse) == 2 and lse[1] == 0 and node.args[0].is_Add and 1 in node.args[0].args:
                return SOFTPLUS, lse[:1]
            return LOGSUMEXP, lse
        return LOG, node.args
    if node.is_Pow:
        base, exponent = node.args
        special = _root_atom(base, exponent, depends)
        if special is not None:
            return special
        if exponent.is_Rational:
            atom = power_atom(Fraction(int(exponent.p), int(exponent.q)))
            return (atom, (base,)) if atom is not None else None
        if base.is_Number:
            atom = exponential_atom(base)
            return (atom, (exponent,)) if atom is not None else None
        return None
    if node.is_Mul:
        return _match_product(node, depends)
    return None


def _root_atom(
    base: sympy.Expr, exponent: sympy.Expr, depends: Callable[[sympy.Expr], bool]
) -> tuple[Atom, tuple[sympy.Expr, ...]] | None:
    """sqrt(Σ c_i·u_i² + c0) is a 2-norm; (u_1···u_n)^(1/n) a geometric mean."""
    if exponent == sympy.Rational(1, 2) and base.is_Add:
        args: list[sympy.Expr] = []
        for term in base.args:
            if term.is_Number and term.is_nonnegative:
                args.append(sympy.Integer(0))  # a constant entry of the vector
                continue
            coeff, rest = term.as_coeff_Mul()
            if not (coeff.is_positive and rest.is_Pow and rest.args[1] == 2):
                return None
            args.append(rest.args[0])
        return NORM2, tuple(args)
    if base.is_Mul and exponent.is_Rational and exponent.p == 1:
        factors = [f for f in base.args if depends(f)]
        if len(factors) == len(base.args) == exponent.q and exponent.q >= 2:
            return GEO_MEAN, tuple(factors)
    return None


def _inverse_softplus_argument(expr: sympy.Expr) -> sympy.Expr | None:
    """v when ``expr`` is 1/(1 + exp(v)), else None."""
    if expr.is_Pow and expr.args[1] == -1:
        inner = expr.args[0]
        if inner.is_Add and len(inner.args) == 2 and sympy.S.One in inner.args:
            other = inner.args[0] if inner.args[1] == 1 else inner.args[1]
            if isinstance(other, sympy.exp):
                return other.args[0]
    return None


def _log_sigmoid(arg: sympy.Expr) -> tuple[Atom, tuple[sympy.Expr, ...]] | None:
    """log σ(u) and log(1 − σ(u)) with σ(u) = 1/(1 + exp(−u)), written out."""
    v = _inverse_softplus_argument(arg)
    if v is not None:
        return LOG_INV_SOFTPLUS, (v,)
    if arg.is_Add and len(arg.args) == 2 and sympy.S.One in arg.args:
        other = arg.args[0] if arg.args[1] == 1 else arg.args[1]
        coeff, rest = other.as_coeff_Mul()
        if coeff == -1:
            v = _inverse_softplus_argument(rest)
            if v is not None:
                return LOG_ONE_MINUS_SIGMOID, (v,)
    return None


def _logsumexp_arguments(arg: sympy.Expr) -> tuple[sympy.Expr, ...] | None:
    """``c0 + Σ c_i·exp(u_i)`` with numbers c0 >= 0, c_i > 0 and at least one exp term.

    log of it is log-sum-exp of (u_i + log c_i) and, if c0 > 0, of the constant log c0:
    convex and increasing in each u_i.  Constant shifts change neither curvature nor
    monotonicity, so the arguments returned are the u_i (and 0 for c0).
    """
    terms = sympy.Add.make_args(arg)
    exps: list[sympy.Expr] = []
    has_constant = False
    for term in terms:
        if term.is_Number:
            if term.is_negative:
                return None
            has_constant = has_constant or term.is_positive
            continue
        coeff, rest = term.as_coeff_Mul()
        if not coeff.is_positive or not isinstance(rest, sympy.exp):
            return None
        exps.append(rest.args[0])
    if not exps:
        return None
    return (*exps, sympy.Integer(0)) if has_constant else tuple(exps)


def _match_product(
    node: sympy.Mul, depends: Callable[[sympy.Expr], bool]
) -> tuple[Atom, tuple[sympy.Expr, ...]] | None:
    varying = [f for f in node.args if depends(f)]
    if len(varying) != 2 or len(varying) != len(node.args):
        return None
    first, second = varying
    # u**2 * v**-1  ->  quad-over-lin(u, v)
    for square, inverse in ((first, second), (second, first)):
        if square.is_Pow and square.args[1] == 2 and inverse.is_Pow and inverse.args[1] == -1:
            return QUAD_OVER_LIN, (square.args[0], inverse.args[0])
    # u * log(u)  ->  negative entropy;  u * log(u/v)  ->  relative entropy
    for factor, logarithm in ((first, second), (second, first)):
        if not isinstance(logarithm, sympy.log):
            continue
        inside = logarithm.args[0]
        if inside == factor:
            return ENTROPY, (factor,)
        if inside.is_Mul and len(inside.args) == 2 and factor in inside.args:
            other = inside.args[0] if inside.args[1] == factor else inside.args[1]
            if other.is_Pow and other.args[1] == -1:
                return REL_ENTROPY, (factor, other.args[0])
    return None
