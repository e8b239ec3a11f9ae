"""The function registry: one declaration of each function the project knows.

One module per function, in the style of CVXPY's one-atom-per-file: the elementary
functions (``exp``, ``log``, ``sqrt``, ``sin``, ``cos``, ``tan``, ``sinh``, ``cosh``,
``tanh``, ``atan``, ``erf``, ``absolute``, ``maximum``, ``minimum``, ``piecewise``),
the machine-learning names (``sigmoid``, ``softplus``, ``relu``, ``logsumexp``), the
atoms written as shapes (``entropy``, ``quad_over_lin``, ``rel_entropy``, ``norm2``,
``geo_mean``, ``log_sigmoid``, ``log_one_minus_sigmoid``, ``log_cosh``, ``power``,
``exponential``), and the heads SymPy writes in derivatives (``sign``,
``heaviside``).  Each defines ``ENTRY``, an :class:`~._entry.Entry` that declares
whatever applies: its claim-file names and arity, its SymPy form (one construction
shared by the parser and the model builders), its definedness obligation, its head,
parity, interval image, Arb ball and series arithmetic and ball domain, float value and
derivatives for the numeric search, smoothness, and its atom row (domain, curvature,
weak and strict monotonicity per argument, positivity) under a stable key that
certificates name it by.

Every per-function table of the project is generated from :data:`ENTRIES`: the
parser's vocabulary (:data:`NAMES`), builders and parity normalisation, the kernel's
ball/series functions and interval images, the search's numeric derivatives, the
non-smooth heads, and the prover's and the checker's atom tables (which therefore
agree by construction; ``tests/test_registry.py`` checks every row against certified
evaluations).

**Adding a function is one file plus its tests**: write ``functions/<name>.py``
defining ``ENTRY`` (copy the closest existing module), name the module in the two
lists below (the imports and :data:`ENTRIES`), and add its cases to
``tests/test_registry.py`` (the completeness test there fails until every table the
function belongs in has it; the table-driven test checks its row).  The kernel and
the checker read this package, so an entry's row, ball and interval fields are
trusted: a row that claims too much is caught by the table-driven test, not here.
"""

from __future__ import annotations

from typing import Final

import sympy

from convexity_proofs.functions import (
    abs_power,
    absolute,
    atan,
    cos,
    cosh,
    entropy,
    erf,
    exp,
    exp_power_product,
    exponential,
    geo_mean,
    heaviside,
    log,
    log_cosh,
    log_one_minus_sigmoid,
    log_sigmoid,
    logsumexp,
    maximum,
    minimum,
    norm2,
    piecewise,
    power,
    power_product,
    quad_over_lin,
    quad_over_negative,
    rel_entropy,
    relu,
    sigmoid,
    sign,
    sin,
    sinh,
    softplus,
    sqrt,
    tan,
    tanh,
)
from convexity_proofs.functions._construct import EVALUATE_UP_TO, FAST, PARSER, large
from convexity_proofs.functions._entry import (
    ALWAYS,
    MONOTONE_KINDS,
    NEVER,
    SIGNS,
    Alternatives,
    Arguments,
    Cond,
    Depends,
    Entry,
    Monotone,
    Row,
    on,
)
from convexity_proofs.functions.exponential import base_of, exponential_row
from convexity_proofs.functions.power import exponent_of, power_row

__all__ = [
    "ALWAYS",
    "ATOMS",
    "BY_KEY",
    "ENTRIES",
    "EVALUATE_UP_TO",
    "FAST",
    "HEADS",
    "KEYS",
    "MONOTONE_KINDS",
    "NAMES",
    "NEVER",
    "NON_SMOOTH_HEADS",
    "PARSER",
    "ROWS",
    "SIGNS",
    "Alternatives",
    "Arguments",
    "Cond",
    "Depends",
    "Entry",
    "Monotone",
    "Row",
    "base_of",
    "exponent_of",
    "exponential_row",
    "is_smooth",
    "large",
    "on",
    "power_row",
    "recognise",
    "recognise_all",
    "row_for",
]

#: Every entry, in this (deterministic) order.
ENTRIES: Final[tuple[Entry, ...]] = tuple(
    module.ENTRY
    for module in (
        exp,
        log,
        sqrt,
        sin,
        cos,
        tan,
        sinh,
        cosh,
        tanh,
        atan,
        erf,
        absolute,
        maximum,
        minimum,
        piecewise,
        sign,
        heaviside,
        sigmoid,
        softplus,
        relu,
        logsumexp,
        entropy,
        quad_over_lin,
        rel_entropy,
        norm2,
        geo_mean,
        log_sigmoid,
        log_one_minus_sigmoid,
        log_cosh,
        power,
        exponential,
        exp_power_product,
        power_product,
        abs_power,
        quad_over_negative,
    )
)


def _unique(pairs: list[tuple[object, str]], what: str) -> None:
    seen: dict[object, str] = {}
    for item, key in pairs:
        if item in seen:
            raise ValueError(f"{what} {item!r} is declared by both {seen[item]} and {key}")
        seen[item] = key


_unique([(e.key, e.key) for e in ENTRIES], "the key")
_unique([(name, e.key) for e in ENTRIES for name in e.names], "the name")
_unique([(e.head, e.key) for e in ENTRIES if e.head is not None], "the head")

BY_KEY: Final[dict[str, Entry]] = {e.key: e for e in ENTRIES}

#: Every name a claim file may call (Piecewise included: the parser reads its pairs).
NAMES: Final[frozenset[str]] = frozenset(name for e in ENTRIES for name in e.names)

#: The entry of each SymPy head a registry function writes.
HEADS: Final[dict[type, Entry]] = {e.head: e for e in ENTRIES if e.head is not None}

#: Heads with kinks: a function holding one is not smooth (not twice differentiable).
NON_SMOOTH_HEADS: Final[tuple[type, ...]] = tuple(
    e.head for e in ENTRIES if e.head is not None and not e.smooth
)


def is_smooth(expr: sympy.Basic) -> bool:
    """No head with a kink anywhere in ``expr``."""
    return not expr.has(*NON_SMOOTH_HEADS)


#: The entries with atom rows.
ATOMS: Final[tuple[Entry, ...]] = tuple(e for e in ENTRIES if e.is_atom)
#: Every atom key (certificates name atoms by them).
KEYS: Final[frozenset[str]] = frozenset(e.key for e in ATOMS)
#: The rows that do not depend on the subject, by key.
ROWS: Final[dict[str, Row]] = {e.key: e.row for e in ATOMS if e.row is not None}

#: For each SymPy class, the atoms whose subjects have it, in the order the prover
#: tries them (priority, then registry order).
_BY_SUBJECT: Final[dict[type, tuple[Entry, ...]]] = {}
for _entry in sorted(ATOMS, key=lambda e: e.priority):
    assert _entry.subject is not None, _entry.key
    _BY_SUBJECT[_entry.subject] = (*_BY_SUBJECT.get(_entry.subject, ()), _entry)
del _entry


def recognise(node: sympy.Expr, depends: Depends) -> tuple[Entry, Row, Arguments] | None:
    """The atom the prover names ``node`` as, its row and its arguments, or None.

    ``depends`` tells whether a subexpression involves the claim's variables: products
    by constants are not atoms (the composition rule handles scaling itself).  Heads
    are matched by exact class (the parser writes no subclasses).
    """
    for entry in _BY_SUBJECT.get(type(node), ()):
        matched = entry.match(node, depends)
        if matched is not None:
            return entry, *matched
    return None


def recognise_all(node: sympy.Expr, depends: Depends) -> tuple[tuple[Entry, Row, Arguments], ...]:
    """Every atom the prover may name ``node`` as, in the order of :func:`recognise`
    (the first is its answer): ``u**2/v`` is quad-over-lin when v > 0 and
    quad-over-negative when v < 0, which only the conditions tell apart."""
    found = []
    for entry in _BY_SUBJECT.get(type(node), ()):
        matched = entry.match(node, depends)
        if matched is not None:
            found.append((entry, *matched))
    return tuple(found)


def row_for(key: str, subject: sympy.Expr) -> Row | None:
    """The row of atom ``key`` for ``subject`` (power and exponential rows depend on the
    exponent or the base read from it); None when the key is unknown or the subject
    does not carry the exponent or base."""
    entry = BY_KEY.get(key)
    return None if entry is None else entry.row_for(subject)
