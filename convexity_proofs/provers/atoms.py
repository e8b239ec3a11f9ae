"""The prover's view of the atom table: the registry's rows, as :class:`Atom` data.

Each :class:`Atom` declares where it is defined, when it is convex or concave, and
when it is nondecreasing, nonincreasing, strictly increasing or strictly decreasing in
each argument.  Conditions are signs of argument ranges ("increasing when argument 0
is nonnegative"), so the composition rule (:mod:`.composition`) can check them with
interval analysis on the claim's domain, and a certificate checker can re-check them
from the recorded data.  Each atom has a stable ``key`` that proofs name it by.

The rows are not written here: they are the rows of the function registry
(:mod:`convexity_proofs.functions`, one module per function), which the checker reads
too, so the two tables agree by construction; ``tests/test_registry.py`` validates
every row against certified evaluations.  Adding an atom is a file there.

:func:`match_atom` recognises atoms in the shapes people type: ``log(1 + exp(u))`` is
softplus, ``log(exp(a) + exp(b))`` is log-sum-exp, ``x**2/y`` is quad-over-lin (the
recognisers are the registry's).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import sympy

from convexity_proofs import functions as _registry
from convexity_proofs.functions import MONOTONE_KINDS, SIGNS, Row

__all__ = [
    "ALWAYS",
    "KEYS",
    "MONOTONE_KINDS",
    "NEVER",
    "SIGNS",
    "Atom",
    "When",
    "exponential_atom",
    "match_atom",
    "match_atoms",
    "power_atom",
    "when",
]


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

_Alternatives = tuple[tuple[When, ...], ...]
_PerArgument = tuple[_Alternatives, ...] | None


def when(*conds: When) -> tuple[tuple[When, ...], ...]:
    """One alternative made of the conjunction of ``conds``."""
    return (tuple(conds),)


@dataclass(frozen=True, slots=True)
class Atom:
    """Curvature, monotonicity and domain of one elementary function.

    Each of ``convex``, ``concave``, ``increasing`` (nondecreasing), ``decreasing``
    (nonincreasing), ``strictly_increasing`` and ``strictly_decreasing`` is a tuple of
    alternatives; an alternative is a conjunction of :class:`When` conditions.  For the
    monotonicities, a condition with ``arg=None`` refers to the argument whose
    monotonicity is asked about.  ``positive`` says where the atom's value is > 0.
    """

    #: Stable key of the atom's row (certificates name atoms by it); ``name`` is for text.
    key: str
    name: str = ""
    domain: tuple[When, ...] = ()
    convex: _Alternatives = NEVER
    concave: _Alternatives = NEVER
    increasing: _Alternatives = NEVER
    decreasing: _Alternatives = NEVER
    #: Per-argument overrides of monotonicity, for atoms whose arguments differ.
    increasing_in: _PerArgument = None
    decreasing_in: _PerArgument = None
    strictly_increasing: _Alternatives = NEVER
    strictly_decreasing: _Alternatives = NEVER
    strictly_increasing_in: _PerArgument = None
    strictly_decreasing_in: _PerArgument = None
    positive: _Alternatives = NEVER

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", self.key)

    def monotone(self, kind: str, index: int) -> tuple[tuple[When, ...], ...]:
        """The alternatives for ``kind`` ("increasing", "decreasing",
        "strictly-increasing" or "strictly-decreasing") in argument ``index``."""
        if kind not in MONOTONE_KINDS:
            raise ValueError(f"unknown monotonicity {kind!r}; one of {', '.join(MONOTONE_KINDS)}")
        field = kind.replace("-", "_")
        per_arg = getattr(self, f"{field}_in")
        if per_arg is not None:
            return per_arg[index]  # type: ignore[no-any-return]
        return getattr(self, field)  # type: ignore[no-any-return]

    @staticmethod
    def from_row(row: Row) -> Atom:
        """The registry row ``row`` with :class:`When` conditions."""

        def conds(alternative: tuple[tuple[int | None, str], ...]) -> tuple[When, ...]:
            return tuple(When(sign, arg) for arg, sign in alternative)

        def alts(alternatives: tuple[tuple[tuple[int | None, str], ...], ...]) -> _Alternatives:
            return tuple(conds(alternative) for alternative in alternatives)

        per = row.per_argument
        return Atom(
            row.key,
            row.name,
            domain=conds(row.domain),
            convex=alts(row.convex),
            concave=alts(row.concave),
            increasing=alts(row.increasing),
            decreasing=alts(row.decreasing),
            increasing_in=None if per is None else tuple(alts(m.increasing) for m in per),
            decreasing_in=None if per is None else tuple(alts(m.decreasing) for m in per),
            strictly_increasing=alts(row.strictly_increasing),
            strictly_decreasing=alts(row.strictly_decreasing),
            strictly_increasing_in=(
                None if per is None else tuple(alts(m.strictly_increasing) for m in per)
            ),
            strictly_decreasing_in=(
                None if per is None else tuple(alts(m.strictly_decreasing) for m in per)
            ),
            positive=alts(row.positive),
        )


@functools.lru_cache(maxsize=1024)
def _atom(row: Row) -> Atom:
    """The Atom of a registry row, built once per row (power rows: once per exponent)."""
    return Atom.from_row(row)


#: Keys of the atoms built from the subject: the exponent of u**p, the base of c**u.
KEY_POWER, KEY_EXPONENTIAL = "power", "exponential"

#: Every key an atom of this table can have (a checker needs a row for each).
KEYS: frozenset[str] = _registry.KEYS


def power_atom(p: Fraction) -> Atom | None:
    """u**p for a rational constant p (p not 0 or 1), with SymPy's real semantics."""
    row = _registry.power_row(p)
    return None if row is None else _atom(row)


def exponential_atom(base: sympy.Number) -> Atom | None:
    """c**u for a positive constant c: exp(u·log c)."""
    if base.is_positive is not True or base == 1:
        return None
    return _atom(_registry.exponential_row(base))


def match_atom(
    node: sympy.Expr, depends: Callable[[sympy.Expr], bool]
) -> tuple[Atom, tuple[sympy.Expr, ...]] | None:
    """Recognise ``node`` as an atom applied to arguments, or ``None``.

    ``depends`` tells whether a subexpression involves the claim's variables: constant
    coefficients are told apart from variable factors with it.  Products by constants
    are not atoms; the composition rule handles scaling itself.
    """
    found = _registry.recognise(node, depends)
    if found is None:
        return None
    _, row, args = found
    return _atom(row), args


def match_atoms(
    node: sympy.Expr, depends: Callable[[sympy.Expr], bool]
) -> tuple[tuple[Atom, tuple[sympy.Expr, ...]], ...]:
    """Every atom ``node`` can be named, :func:`match_atom`'s first: shapes that only
    the sign conditions tell apart (u**2/v: quad-over-lin for v > 0, quad-over-negative
    for v < 0, a power product) are tried in turn."""
    return tuple((_atom(row), args) for _, row, args in _registry.recognise_all(node, depends))
