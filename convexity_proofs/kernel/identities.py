"""A normal form for identities that hold on a domain, not merely generically.

Two expressions are shown equal by rewriting both into a normal form and reducing the
difference to 0 (``expand``, then ``cancel``).  Every rewrite is an exact identity
wherever the rewritten expression is defined, under sign conditions that hold on the
whole domain; the conditions are asked of a ``shows(subject, sign)`` oracle, which the
prover answers from the kernel's interval enclosure (and records as sign facts) and
the checker answers only from the recorded facts (each replayed).  The rewrites:

* ``exp(a + b) = exp(a)·exp(b)`` (always);
* ``log(p·z) = log(p) + log(z)`` for ``p > 0``, and ``log(n·z) = log(−n) + log(−z)`` for
  ``n < 0`` (principal branch: valid for every ``z != 0``; at ``z = 0`` neither side is
  defined); ``log(u**r) = r·log(u)`` for ``u > 0`` and a real number r; SymPy's own
  ``log(exp(a)) = a`` for real a.  Common factors of a sum are pulled out first
  (``a·b + a·c = a·(b + c)``, exact), so ``log(exp(c)·exp(x) + exp(c)·exp(y))``
  becomes ``c + log(exp(x) + exp(y))`` once ``exp(c) > 0`` is shown;
* ``(p·z)**r = p**r·z**r`` for ``p > 0`` and a non-integer rational r (principal
  branch: ``(p·z)**r = exp(r·(log p + log z))``);
* positive homogeneity: ``max(c·u, c·v, 0) = c·max(u, v, 0)`` for ``c >= 0`` and
  ``= c·min(u, v, 0)`` for ``c <= 0`` (also for min), positive rational contents
  always; ``abs(a·b) = abs(a)·abs(b)``, ``abs(u) = u`` for ``u >= 0`` and ``−u`` for
  ``u <= 0``;
* Piecewise: each value and each condition in normal form; a condition ``a op b``
  becomes ``d op' 0`` with ``d = a − b`` expanded, divided by its positive rational
  content and by common factors of known sign (flipping ``op`` for a negative one), and
  with a positive leading coefficient; a factor common to every nonzero value of a
  Piecewise whose last condition is True is pulled out (with a zero value among them,
  only a factor of shown sign, hence defined on the whole domain: c·0 = 0).

A rewrite whose SymPy evaluation brings in ``re``/``im``/``arg``/``atan2`` (powers and
absolute values of complex intermediates) is not taken: exact, but large and no help.
Each rewrite holds as an identity of complex values (principal branches) wherever the
expression rewritten is defined over the reals, which is all an identity between two
functions defined on the domain needs.

The normal form is deterministic: the same expression and the same oracle answers give
the same tree, so the checker re-derives the prover's normal form from the recorded
facts.  Nothing here holds only generically: no rewrite divides by an expression that
may vanish, and ``log(a·b) = log a + log b`` is used only with a sign shown.
"""

from __future__ import annotations

from collections.abc import Callable
from math import gcd

import sympy
from sympy.functions.elementary.piecewise import ExprCondPair

#: ``shows(subject, sign)``: is ``subject`` shown to have ``sign`` (positive, negative,
#: nonnegative, nonpositive) on the whole domain?
SignOracle = Callable[[sympy.Expr, str], bool]

#: Expanding a piece whose expansion may exceed this many terms is not attempted.
MAX_PIECE_TERMS = 4_000

#: A difference whose expansion may exceed this many terms is not reduced.
MAX_TERMS = 200_000

#: The reductions tried on the difference of the two normal forms, in order.
REDUCTIONS = ("expansion", "cancellation")


def expansion_bound(expr: sympy.Basic, cap: int) -> int:
    """An upper bound on the number of terms of ``expand(expr)`` (including the work
    inside function arguments), or ``cap + 1`` once it exceeds ``cap``."""
    over = cap + 1
    memo: dict[sympy.Basic, int] = {}
    inner = 0
    stack: list[tuple[sympy.Basic, bool]] = [(expr, False)]
    while stack:
        node, ready = stack.pop()
        if node in memo:
            continue
        if not node.args:
            memo[node] = 1
            continue
        if not ready:
            stack.append((node, True))
            stack.extend((a, False) for a in node.args if a not in memo)
            continue
        parts = [memo[a] for a in node.args]
        if node.is_Add:
            value = min(over, sum(parts))
        elif node.is_Mul:
            value = 1
            for p in parts:
                value = min(over, value * p)
        elif node.is_Pow:
            base, exponent = node.args
            n = abs(int(exponent)) if exponent.is_Integer else 1
            value = 1
            for _ in range(min(n, 64)):
                value = min(over, value * memo[base])
                if value >= over:
                    break
            if n > 64 and memo[base] > 1:
                value = over
        else:
            inner = min(over, inner + sum(parts))
            value = 1
        memo[node] = value
    return min(over, max(memo[expr], inner))


def _expanded(expr: sympy.Expr) -> sympy.Expr:
    """``expand(expr)`` when it is small, else ``expr`` (deterministic either way)."""
    if expansion_bound(expr, MAX_PIECE_TERMS) > MAX_PIECE_TERMS:
        return expr
    try:
        return sympy.expand(expr)
    except (sympy.PolynomialError, RecursionError):
        return expr


# --- contents: common factors of terms --------------------------------------------------


def _powers(factor: sympy.Expr) -> tuple[sympy.Expr, int]:
    """A factor as base**k with an integer k (exp(x) is its own base)."""
    if isinstance(factor, sympy.Pow) and factor.exp.is_Integer:
        return factor.base, int(factor.exp)
    return factor, 1


def _parts(factors: tuple[sympy.Expr, ...]) -> tuple[sympy.Rational | None, dict[sympy.Expr, int]]:
    """A product's rational coefficient (None when a number factor is not rational) and
    its other factors as base -> integer exponent."""
    rational: sympy.Rational | None = sympy.S.One
    powers: dict[sympy.Expr, int] = {}
    for factor in factors:
        if factor.is_Number:
            rational = rational * factor if rational is not None and factor.is_Rational else None
            continue
        base, k = _powers(factor)
        powers[base] = powers.get(base, 0) + k
    return rational, powers


def _rational_gcd(values: list[sympy.Rational]) -> sympy.Rational:
    num, den = 0, 1
    for v in values:
        p, q = int(v.p), int(v.q)
        num = gcd(num, abs(p))
        den = den * q // gcd(den, q)
    return sympy.Rational(num, den) if num else sympy.S.One


def content(terms: list[sympy.Expr]) -> tuple[sympy.Rational, list[sympy.Expr], list[sympy.Expr]]:
    """(c, common, cofactors) for nonzero terms (each read as a product of its factors)."""
    return content_of([tuple(sympy.Mul.make_args(t)) for t in terms])


def content_of(
    products: list[tuple[sympy.Expr, ...]],
    keep: Callable[[sympy.Expr], bool] | None = None,
) -> tuple[sympy.Rational, list[sympy.Expr], list[sympy.Expr]]:
    """(c, common, cofactors): each product is ``c·prod(common)·cofactor`` exactly, with a
    positive rational c (the gcd of the rational coefficients, 1 when one is not
    rational) and ``common`` the factors (integer powers) shared by every product, in a
    deterministic order (only those ``keep`` accepts, when given)."""
    parts = [_parts(p) for p in products]
    rationals = [r for r, _ in parts]
    c = (
        _rational_gcd([r for r in rationals if r is not None])
        if all(r is not None for r in rationals)
        else sympy.S.One
    )
    shared: dict[sympy.Expr, int] = {}
    first = parts[0][1]
    for base in sorted(first, key=sympy.default_sort_key):
        ks = [p.get(base, 0) for _, p in parts]
        if all(k > 0 for k in ks):
            shared[base] = min(ks)
        elif all(k < 0 for k in ks):
            shared[base] = max(ks)
    if keep is not None:
        shared = {base: k for base, k in shared.items() if keep(base**k)}
    common = [base**k for base, k in shared.items()]
    cofactors = []
    for (rational, powers), product in zip(parts, products, strict=True):
        if rational is None:
            numbers = [f for f in product if f.is_Number]
        else:
            numbers = [rational / c]
        rest = [base ** (k - shared.get(base, 0)) for base, k in powers.items()]
        cofactors.append(sympy.Mul(*numbers, *rest))
    return c, common, cofactors


# --- the normal form ----------------------------------------------------------------------


class Normaliser:
    """The normal form of expressions under one sign oracle (memoised per instance)."""

    def __init__(self, shows: SignOracle) -> None:
        self._shows = shows
        self._memo: dict[sympy.Basic, sympy.Basic] = {}

    def sign(self, subject: sympy.Expr, sign: str) -> bool:
        """Numbers decide their own sign; anything else asks the oracle."""
        if subject.is_Number:
            return bool(
                {
                    "positive": subject.is_positive,
                    "negative": subject.is_negative,
                    "nonnegative": subject.is_nonnegative,
                    "nonpositive": subject.is_nonpositive,
                }[sign]
            )
        return self._shows(subject, sign)

    def __call__(self, expr: sympy.Basic) -> sympy.Basic:
        """Post-order over the tree without recursion (expressions can be deep)."""
        stack: list[tuple[sympy.Basic, bool]] = [(expr, False)]
        memo = self._memo
        while stack:
            node, ready = stack.pop()
            if node in memo:
                continue
            if not node.args or node.is_Number:
                memo[node] = node
                continue
            if not ready:
                stack.append((node, True))
                stack.extend((a, False) for a in reversed(node.args) if a not in memo)
                continue
            try:
                memo[node] = self._rewrite(node, [memo[a] for a in node.args])
            except (TypeError, ValueError):
                # SymPy refuses to rebuild (a comparison it finds non-real, ...): the node
                # stays as written, which is still exact.
                memo[node] = node
        return memo[expr]

    # --- one node, its arguments already in normal form ------------------------------------

    def _rewrite(self, node: sympy.Basic, args: list[sympy.Basic]) -> sympy.Basic:
        if isinstance(node, sympy.Piecewise):
            return self._piecewise([(a.args[0], a.args[1]) for a in args])
        if isinstance(node, (sympy.Max, sympy.Min)):
            return self._extremum(isinstance(node, sympy.Max), args)
        if isinstance(node, sympy.exp):
            return self._exp(args[0])
        if isinstance(node, sympy.log) and len(args) == 1:
            return _plain(self._log(args[0]), node, args)
        if isinstance(node, sympy.Abs):
            return _plain(self._abs(args[0]), node, args)
        if isinstance(node, sympy.Pow):
            return _plain(self._pow(args[0], args[1]), node, args)
        if isinstance(node, sympy.core.relational.Relational):
            return self._relation(node, args[0], args[1])
        if isinstance(node, sympy.logic.boolalg.BooleanFunction):
            return node.func(*args)
        if isinstance(node, ExprCondPair):
            return ExprCondPair(*args)
        return node.func(*args) if tuple(args) != node.args else node

    def _exp(self, arg: sympy.Expr) -> sympy.Expr:
        arg = _expanded(arg)
        if isinstance(arg, sympy.Add):
            return sympy.Mul(*[sympy.exp(term) for term in arg.args])
        return sympy.exp(arg)

    def _log(self, arg: sympy.Expr) -> sympy.Expr:
        factors = self._factors(arg)
        if len(factors) == 1 and not isinstance(factors[0], sympy.Pow):
            return sympy.log(arg)  # nothing to split (SymPy's own log(exp(a)) = a applies)
        kept: list[sympy.Expr] = []
        pieces: list[sympy.Expr] = []
        flip = False
        for factor in factors:
            if factor.is_Number and factor.is_positive:
                pieces.append(sympy.log(factor))
            elif self.sign(factor, "positive"):
                pieces.append(self._log_positive(factor))
            elif self.sign(factor, "negative"):
                pieces.append(self._log_positive(-factor))
                flip = not flip
            else:
                kept.append(factor)
        if not pieces:
            return sympy.log(arg)
        rest = sympy.Mul(*kept)
        if flip:
            rest = -rest
        if rest != 1:
            pieces.append(sympy.log(rest))
        return sympy.Add(*pieces)

    def _log_positive(self, factor: sympy.Expr) -> sympy.Expr:
        """log(factor) for a factor shown positive."""
        if isinstance(factor, sympy.Pow) and factor.exp.is_Rational:
            base = factor.base
            if (base.is_Number and base.is_positive) or self.sign(base, "positive"):
                return factor.exp * self._log_positive(base)
        return sympy.log(factor)

    def _factors(self, expr: sympy.Expr) -> list[sympy.Expr]:
        """``expr`` as a product of factors (common factors of a sum pulled out)."""
        expr = _expanded(expr)
        if isinstance(expr, sympy.Add):
            c, common, cofactors = content(list(expr.args))
            factors = [*([c] if c != 1 else []), *common]
            if factors:
                return [*factors, sympy.Add(*cofactors)]
            return [expr]
        return list(sympy.Mul.make_args(expr))

    def _pow(self, base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
        if not (exponent.is_Rational and not exponent.is_Integer):
            return sympy.Pow(base, exponent)
        factors = self._factors(base)
        if len(factors) < 2:
            return sympy.Pow(base, exponent)
        out: list[sympy.Expr] = []
        kept: list[sympy.Expr] = []
        flip = False
        for factor in factors:
            if self.sign(factor, "positive"):
                out.append(sympy.Pow(factor, exponent))
            elif self.sign(factor, "negative"):
                out.append(sympy.Pow(-factor, exponent))
                flip = not flip
            else:
                kept.append(factor)
        if not out:
            return sympy.Pow(base, exponent)
        rest = sympy.Mul(*kept)
        return sympy.Mul(*out, sympy.Pow(-rest if flip else rest, exponent))

    def _abs(self, arg: sympy.Expr) -> sympy.Expr:
        out = []
        for factor in self._factors(arg):
            if self.sign(factor, "nonnegative"):
                out.append(factor)
            elif self.sign(factor, "nonpositive"):
                out.append(-factor)
            else:
                out.append(sympy.Abs(factor))
        return sympy.Mul(*out)

    def _extremum(self, is_max: bool, args: list[sympy.Expr]) -> sympy.Expr:
        args = [_expanded(a) for a in args]
        nonzero = [a for a in args if a != 0]
        zeros = len(args) - len(nonzero)
        if not nonzero:
            return sympy.S.Zero
        c, common, cofactors = content_of([tuple(self._factors(a)) for a in nonzero])
        scale: list[sympy.Expr] = [c]
        extra: list[sympy.Expr] = []
        for factor in common:
            if self.sign(factor, "nonnegative"):
                scale.append(factor)
            elif self.sign(factor, "nonpositive"):
                scale.append(factor)
                is_max = not is_max
            else:
                extra.append(factor)
        # Factors of unknown sign stay inside: max(c·u) with c of either sign.
        inner = [sympy.Mul(*extra, q) for q in cofactors]
        if all(_leading_negative(q) for q in inner):
            scale.append(sympy.S.NegativeOne)
            is_max = not is_max
            inner = [-q for q in inner]
        head = sympy.Max if is_max else sympy.Min
        return sympy.Mul(*scale, head(*inner, *([sympy.S.Zero] if zeros else [])))

    def _relation(
        self, node: sympy.core.relational.Relational, lhs: sympy.Expr, rhs: sympy.Expr
    ) -> sympy.Basic:
        op = node.rel_op
        if op not in _FLIP:
            return node.func(lhs, rhs)
        d = _expanded(lhs - rhs)
        if d == 0:
            return sympy.Rel(d, 0, op)
        terms = list(sympy.Add.make_args(d))
        _, common, cofactors = content(terms)  # the positive rational content goes
        flip = False
        extra: list[sympy.Expr] = []
        for factor in common:
            if self.sign(factor, "positive"):
                continue
            if self.sign(factor, "negative"):
                flip = not flip
                continue
            extra.append(factor)
        reduced = sympy.Mul(*extra, sympy.Add(*cofactors))
        if _leading_negative(reduced):
            reduced = -reduced
            flip = not flip
        if flip:
            op = _FLIP[op]
        return sympy.Rel(reduced, 0, op)

    def _piecewise(self, pairs: list[tuple[sympy.Expr, sympy.Basic]]) -> sympy.Expr:
        """A factor common to every nonzero value comes out when the last condition is
        True; with zero values only factors of a shown sign (so defined on the whole
        domain: c·0 = 0), since an undefined factor would spoil the zero branches."""
        nonzero = [i for i, (v, _) in enumerate(pairs) if v != 0]
        if len(pairs) > 1 and pairs[-1][1] == sympy.true and nonzero:
            keep = None
            if len(nonzero) < len(pairs):

                def keep(f: sympy.Expr) -> bool:
                    return self.sign(f, "nonnegative") or self.sign(f, "nonpositive")

            c, common, cofactors = content_of(
                [tuple(self._factors(pairs[i][0])) for i in nonzero], keep
            )
            if c != 1 or common:
                values = [sympy.S.Zero] * len(pairs)
                for i, q in zip(nonzero, cofactors, strict=True):
                    values[i] = q
                inner = sympy.Piecewise(
                    *[(q, cond) for q, (_, cond) in zip(values, pairs, strict=True)]
                )
                return sympy.Mul(c, *common, inner)
        return sympy.Piecewise(*pairs)


#: Heads SymPy's evaluation brings in for powers and abs of complex values
#: (Abs(sqrt(z)) = (re(z)**2 + im(z)**2)**(1/4), ...): exact, but large and no help.
_COMPLEX_HEADS = (sympy.re, sympy.im, sympy.arg, sympy.atan2)


def _plain(rewritten: sympy.Basic, node: sympy.Basic, args: list[sympy.Basic]) -> sympy.Basic:
    """The rewrite, unless it brought in re/im/arg/atan2: then the node rebuilt from
    its arguments (or the node itself, if rebuilding does the same)."""
    if not rewritten.has(*_COMPLEX_HEADS) or node.has(*_COMPLEX_HEADS):
        return rewritten
    rebuilt = node.func(*args)
    return node if rebuilt.has(*_COMPLEX_HEADS) else rebuilt


#: Relations and their direction reversed (multiplying both sides by a negative number).
_FLIP = {">": "<", "<": ">", ">=": "<=", "<=": ">=", "==": "==", "!=": "!="}


def _leading_negative(expr: sympy.Expr) -> bool:
    """Is the coefficient of the first term (SymPy's canonical order) negative?"""
    first = sympy.Add.make_args(expr)[0]
    coeff, _ = first.as_coeff_Mul()
    return bool(coeff.is_Number and coeff.is_negative)


def normal_difference(lhs: sympy.Expr, rhs: sympy.Expr, shows: SignOracle) -> sympy.Expr:
    """``N(lhs) − N(rhs)``: both sides in normal form under one oracle."""
    normal = Normaliser(shows)
    return normal(lhs) - normal(rhs)


def reduces_to_zero(difference: sympy.Expr, method: str) -> bool | None:
    """Does ``difference`` reduce to 0 by ``method`` (expansion or cancellation)?  None
    when it is too large to reduce."""
    if difference == 0:
        return True
    if expansion_bound(difference, MAX_TERMS) > MAX_TERMS:
        return None
    reducer = {"expansion": sympy.expand, "cancellation": sympy.cancel}[method]
    try:
        return bool(reducer(difference) == 0)
    except (sympy.PolynomialError, RecursionError):
        return False
