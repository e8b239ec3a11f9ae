"""How the registry's SymPy forms are built: two constructions, one form per entry.

Each entry writes its form once (``softplus(u)`` is ``log(1 + exp(u))``, ``sigmoid(u)``
is ``(1 + exp(-u))**-1``, ``relu(u)`` is ``Max(0, u)``, ``logsumexp`` is
``log(exp(a) + exp(b) + ...)``) against a :class:`Construction`, which says how each
elementary piece is built:

- :data:`PARSER`, the claim-file parser's: SymPy's automatic evaluation, skipped on
  long arguments (more than :data:`EVALUATE_UP_TO` nodes, where it asks the assumption
  system about the whole sum: 10 ms for one tanh of a 29-term sum, 7 s of parsing for
  a 100-point logistic loss, and almost never changes anything); then odd and even
  functions only take out or drop a minus sign, the one normalisation later stages rely
  on (invariance proofs compare expressions structurally).
- :data:`FAST`, the model builders': for the arguments a model builds (real, free of I
  and pi, affine in some symbol that occurs once: its bias or a weight, so of no
  provable sign; no log factors for exp) SymPy's evaluation changes nothing but the sign
  of an odd function's argument, so they normalise the sign themselves and build with
  ``evaluate=False``; anything else goes through SymPy's evaluation.  A 32-unit hidden
  layer over 16 points took 11 s for tanh and 18 s for relu through the constructors.

Both give the *same* expression for what a model builds: the model tests check it,
network by network, against the parser reading the written-out formula.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import sympy

if TYPE_CHECKING:
    from convexity_proofs.functions._entry import Entry

_ONE: Final = sympy.S.One
_MINUS_ONE: Final = sympy.S.NegativeOne

#: Above this many nodes in its argument, the parser builds a function unevaluated.
EVALUATE_UP_TO: Final = 24


def large(u: sympy.Expr) -> bool:
    """More than EVALUATE_UP_TO nodes; stops counting there, so it costs O(1)."""
    for count, _ in enumerate(sympy.preorder_traversal(u)):
        if count >= EVALUATE_UP_TO:
            return True
    return False


def _light(head: type, parity: str | None, u: sympy.Expr) -> sympy.Expr:
    """``head(u)``, skipping SymPy's costly automatic evaluation on long arguments."""
    if not large(u):
        return head(u)
    if parity is not None and u.could_extract_minus_sign():
        inner = head(-u, evaluate=False)
        return -inner if parity == "odd" else inner
    return head(u, evaluate=False)


class Construction:
    """How the elementary pieces of a form are built (see the module docstring)."""

    def call(self, entry: Entry, *args: sympy.Expr) -> sympy.Expr:
        """A call of ``entry.head`` on built arguments."""
        raise NotImplementedError

    def log_positive_sum(self, a: sympy.Expr) -> sympy.Expr:
        """``log(a)`` for a sum of positive terms (``1 + exp(u)``, ``exp(a) + exp(b)``)."""
        raise NotImplementedError

    def reciprocal(self, base: sympy.Expr) -> sympy.Expr:
        """``base**-1``."""
        raise NotImplementedError

    def ramp(self, u: sympy.Expr) -> sympy.Expr:
        """``Max(0, u)``."""
        raise NotImplementedError


class _Parsing(Construction):
    def call(self, entry: Entry, *args: sympy.Expr) -> sympy.Expr:
        head = entry.head
        assert head is not None
        if not entry.variadic:
            (u,) = args
            return _light(head, entry.parity, u)
        # Max/Min: SymPy compares every pair of arguments, which on long sums takes
        # seconds to minutes; with a large argument they are built unevaluated.
        if len(args) > 1 and any(large(a) for a in args):
            return head(*args, evaluate=False)
        return head(*args)

    def log_positive_sum(self, a: sympy.Expr) -> sympy.Expr:
        return _light(sympy.log, None, a)

    def reciprocal(self, base: sympy.Expr) -> sympy.Expr:
        return sympy.Pow(base, _MINUS_ONE)

    def ramp(self, u: sympy.Expr) -> sympy.Expr:
        return sympy.Max(sympy.S.Zero, u)


# --- the fast construction -----------------------------------------------------------------


def negate(u: sympy.Expr) -> sympy.Expr:
    """``-u`` as the parser writes it (SymPy spreads the -1 over a sum)."""
    return sympy.Mul(_MINUS_ONE, u)


def log_free(u: sympy.Expr) -> bool:
    """True when no term of ``u`` has a log factor: then ``exp(u)`` evaluates to itself.

    SymPy's exp turns ``exp(log(a) + b)`` into ``a*exp(b)`` and ``exp(2*log(a))`` into
    ``a**2``; it looks only at the terms of a sum and the factors of a product (and
    combines a factor that is a sum of logs), which is what this checks.
    """
    for term in sympy.Add.make_args(u):
        for factor in sympy.Mul.make_args(term):
            if isinstance(factor, sympy.log) or (factor.is_Add and factor.has(sympy.log)):
                return False
    return True


def _indefinite(u: sympy.Expr) -> bool:
    """True when some term of ``u`` is ``s*rest`` for a symbol ``s`` found nowhere else.

    Then ``u`` is affine in ``s`` with the coefficient ``rest``, a product of factors of
    which none is identically zero (numbers, symbols, activations of indefinite sums:
    everything a model builds), so ``u`` takes both signs and is not zero: SymPy can
    prove no sign and no zero for it, and evaluation cannot drop or fold anything.
    Every pre-activation has such a symbol: its bias, or its weights.
    """
    terms = sympy.Add.make_args(u)
    for index, term in enumerate(terms):
        factors = sympy.Mul.make_args(term)
        for position, factor in enumerate(factors):
            if not factor.is_Symbol:
                continue
            elsewhere = (
                *terms[:index],
                *terms[index + 1 :],
                *factors[:position],
                *factors[position + 1 :],
            )
            if not any(other.has(factor) for other in elsewhere):
                return True
    return False


def generic(u: sympy.Expr) -> bool:
    """An argument whose evaluation by exp, tanh or Max changes nothing but tanh's sign."""
    return not u.is_number and _indefinite(u)


def _positive_term(term: sympy.Expr) -> bool:
    """A positive rational, ``exp(v)`` (v real: every symbol is), or a product of a
    positive rational and such exps: positive by its form alone."""
    if term.is_Rational:
        return bool(term.p > 0)
    if isinstance(term, sympy.exp):
        return True
    if term.is_Mul:
        return all(
            (factor.is_Rational and factor.p > 0) or isinstance(factor, sympy.exp)
            for factor in term.args
        )
    return False


def positive_sum(u: sympy.Expr) -> bool:
    """A non-constant sum of terms positive by their form (``1 + exp(v)``, ``exp(a) +
    exp(b)``): SymPy's log of a non-number sum simplifies only when it proves the sum
    zero, which such a sum is not, so ``log(u)`` evaluates to itself.

    Linear time, and no assumption query (asking whether ``1 + exp(v)`` is zero took
    about 10 ms per term of a logistic loss).
    """
    return u.is_Add and not u.is_number and all(_positive_term(t) for t in u.args)


def _negative_number(value: sympy.Expr) -> bool:
    """``value.is_extended_negative`` for a number, without the assumptions system."""
    if value.is_Rational:
        return bool(value.p < 0)
    return bool(value.is_extended_negative)


def _leading_minus(term: sympy.Expr) -> bool:
    """SymPy's ``could_extract_minus_sign`` of one term of a sum, without its cost.

    Only numbers, products and sums ever extract a sign; a nonzero product does exactly
    when its leading coefficient is negative (SymPy first builds ``-term`` to rule out
    ``zoo*x``, which is most of the cost and never applies here).
    """
    if term.is_Number:
        return _negative_number(term)
    if term.is_Mul:
        first = term.args[0]
        return bool(first.is_Number and _negative_number(first))
    if term.is_Add:
        return term.could_extract_minus_sign()
    return False


def sign_normal(u: sympy.Expr) -> tuple[bool, sympy.Expr]:
    """``(True, -u)`` when SymPy would write ``f(u)`` of an odd f as ``-f(-u)``, else
    ``(False, u)``.

    That is ``u.could_extract_minus_sign()``: for a sum, more terms with a negative
    leading coefficient than without, ties broken as SymPy breaks them (the smaller
    sort key of ``u`` and ``-u``).
    """
    if not u.is_Add:
        return (True, negate(u)) if u.could_extract_minus_sign() else (False, u)
    negative = sum(map(_leading_minus, u.args))
    positive = len(u.args) - negative
    if negative != positive:
        return (True, negate(u)) if negative > positive else (False, u)
    minus = negate(u)
    return (True, minus) if u.sort_key() < minus.sort_key() else (False, u)


class _Fast(Construction):
    def call(self, entry: Entry, *args: sympy.Expr) -> sympy.Expr:
        head = entry.head
        assert head is not None
        if entry.variadic or entry.unevaluated_when is None or not entry.unevaluated_when(*args):
            return head(*args)
        (u,) = args
        if entry.parity is None:
            return head(u, evaluate=False)
        negated, argument = sign_normal(u)
        result = head(argument, evaluate=False)
        if negated and entry.parity == "odd":
            return sympy.Mul(_MINUS_ONE, result)
        return result

    def log_positive_sum(self, a: sympy.Expr) -> sympy.Expr:
        # SymPy's log simplifies a non-constant sum only when it proves it zero, which a
        # sum of positive terms is not.
        if a.is_number or not a.is_Add:
            return sympy.log(a)
        return sympy.log(a, evaluate=False)

    def reciprocal(self, base: sympy.Expr) -> sympy.Expr:
        if base.is_number:
            return sympy.Pow(base, _MINUS_ONE)
        return sympy.Pow(base, _MINUS_ONE, evaluate=False)

    def ramp(self, u: sympy.Expr) -> sympy.Expr:
        # the arguments are ordered as SymPy orders them
        if not generic(u):
            return sympy.Max(sympy.S.Zero, u)
        return sympy.Max(sympy.S.Zero, u, evaluate=False)


PARSER: Final[Construction] = _Parsing()
FAST: Final[Construction] = _Fast()
