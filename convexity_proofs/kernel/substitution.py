"""Exact substitutions that turn exponentials and rational powers into rational functions.

A sign condition such as ``exp(2*x) - 2*exp(x) + 1 >= 0`` is not a statement about a
rational function of ``x``, but it is one about ``u**2 - 2*u + 1`` with ``u = exp(x)``,
and ``u`` ranges over ``exp`` of the domain, an interval with a positive lower end.
Proving the rational condition for every ``u`` in an interval that *contains* that range
proves the original one (a superset is always sound).  This module computes such a
substitution, exactly and deterministically, so that a prover and a certificate checker
that call it on the same expression get the same answer.

What :func:`exponential_substitution` does, precisely:

* **Exponentials.**  Every ``exp(a)`` (also ``E**a``) whose argument involves a
  variable must have an argument ``a = a_1*x_1 + ... + a_n*x_n + c`` that is affine in
  the variables with *rational* coefficients ``a_i`` (``c`` free of the variables:
  a number, a constant or a parameter).  For each variable ``x_i`` that occurs in such
  an argument, ``q_i`` is the least common multiple of the denominators of its
  coefficients over the *whole* expression, and ``u_i = exp(x_i/q_i)``; then
  ``exp(a) = exp(c) * prod u_i**(a_i*q_i)`` with integer exponents.  ``sinh``, ``cosh``
  and ``tanh`` of such arguments are first written with ``exp``
  (``cosh(a) = (exp(a) + exp(-a))/2``, ``sinh(a) = (exp(a) - exp(-a))/2``,
  ``tanh(a) = (exp(2a) - 1)/(exp(2a) + 1)``), which are identities on the reals.
  An exponential whose argument involves a variable but is not of that form (``exp(x*y)``,
  ``exp(exp(x))``, ``exp(a*x)`` for a parameter ``a``) makes the answer None.
* **Rational powers.**  ``x**(p/r)`` for a variable ``x`` (outside exponentials) with a
  non-integer exponent: with ``q`` the least common multiple of the denominators of all
  such exponents of ``x``, ``s = x**(1/q)`` and every occurrence of ``x`` outside the
  exponentials becomes ``s**q`` (so ``x**(p/r)`` becomes ``s**(p*q/r)``).  This needs
  ``x > 0`` on its domain (the lower end ``> 0``, or ``0`` and open), or ``x >= 0`` with
  every exponent of ``x`` positive; otherwise the variable is left alone (and the answer
  is None, the result not being rational).  On a domain that contains ``0`` the new
  symbol is only nonnegative (``Symbol(name, nonnegative=True)``) and its bounds are
  closed at ``0``; everywhere else it is ``Symbol(name, positive=True)``.
* **The result** must be a rational function of the new symbols and the variables:
  every subterm that involves one of them is a sum, a product, a power with an integer
  exponent or a symbol.  Subterms free of them (the coefficients) may be anything:
  ``E``, ``exp(c)``, parameters.  Otherwise the answer is None.  Callers that need
  rational *numbers* as coefficients (Sturm sequences) check that themselves.  A
  variable may remain next to its new symbol (``x*exp(x)`` becomes ``x*_u_x``); the
  identity still holds with ``_u_x = exp(x)``, the two merely are not independent.

The identity ``expr == result`` holds at every point of the domain where ``expr`` is
defined, under the recorded definitions (``u = exp(x/q)``, ``s = x**(1/q)``).  The
construction replaces subterms and lets SymPy's automatic evaluation rebuild the tree,
which may cancel equal factors (``b/b``): so ``result`` being defined somewhere does not
show that ``expr`` is; callers establish definedness of ``expr`` separately.

Names: ``_u_x`` and ``_s_x`` for a variable named ``x``.  The claim parser refuses names
that start with ``_``, so they cannot collide with a claim's symbols.  ``bounds`` are
rational enclosures (kernel interval analysis) of each new symbol's range on the domain.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

import sympy

from convexity_proofs._values import Domain
from convexity_proofs.kernel.intervals import Interval, Undefined, from_domain, range_of

__all__ = [
    "Substitution",
    "as_real",
    "exponential_substitution",
    "image_domain",
    "is_rational_in",
    "negative_power_bases",
    "nonzero_on",
]

#: Arguments of exponentials larger than this (in tree nodes) are not expanded.
_MAX_ARGUMENT_NODES = 400
#: Integer exponents above this after substitution make the answer None (huge polynomials).
_MAX_EXPONENT = 512


@dataclass(frozen=True, slots=True)
class Substitution:
    """``expr`` (in the original variables) equals ``result`` (in the new symbols and the
    untouched symbols) under the recorded ``definitions``, on the domain, wherever ``expr``
    is defined.  Every new symbol is positive (``positive=True``), or nonnegative when its
    bounds are closed at 0 (a rational power of a variable whose domain contains 0).

    ``definitions``: pairs ``(u, exp(x/q))`` or ``(s, x**(1/q))`` in the order of the
    variables.  ``bounds``: a rational enclosure of each new symbol's range on the domain,
    in the same order.
    """

    result: sympy.Expr
    definitions: tuple[tuple[sympy.Symbol, sympy.Expr], ...]
    bounds: tuple[tuple[sympy.Symbol, Interval], ...]

    @property
    def symbols(self) -> tuple[sympy.Symbol, ...]:
        return tuple(s for s, _ in self.definitions)


def _nodes(expr: sympy.Basic) -> Iterable[sympy.Basic]:
    """Every distinct subterm, preorder (iterative)."""
    seen: set[sympy.Basic] = set()
    stack = [expr]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        yield node
        stack.extend(reversed(node.args))


def _small(expr: sympy.Basic) -> bool:
    count = 0
    for _ in sympy.preorder_traversal(expr):
        count += 1
        if count > _MAX_ARGUMENT_NODES:
            return False
    return True


def _affine(
    arg: sympy.Expr, variables: tuple[sympy.Symbol, ...]
) -> tuple[dict[sympy.Symbol, Fraction], sympy.Expr] | None:
    """``arg`` = sum a_i*x_i + c with rational a_i and c free of the variables, or None."""
    if not _small(arg):
        return None
    coefficients: dict[sympy.Symbol, Fraction] = {}
    constant: list[sympy.Expr] = []
    for term in sympy.Add.make_args(sympy.expand(arg)):
        if not term.free_symbols & set(variables):
            constant.append(term)
            continue
        coeff, rest = term.as_coeff_Mul()
        if rest not in variables or not coeff.is_Rational:
            return None
        q = Fraction(int(coeff.p), int(coeff.q))
        coefficients[rest] = coefficients.get(rest, Fraction(0)) + q
    return {s: q for s, q in coefficients.items() if q != 0}, sympy.Add(*constant)


def _hyperbolic_as_exp(expr: sympy.Expr, variables: frozenset[sympy.Symbol]) -> sympy.Expr:
    """sinh/cosh/tanh of arguments involving the variables written with exp."""
    mapping: dict[sympy.Basic, sympy.Expr] = {}
    for node in _nodes(expr):
        if not isinstance(node, sympy.sinh | sympy.cosh | sympy.tanh):
            continue
        if not node.free_symbols & variables:
            continue
        a = node.args[0]
        if isinstance(node, sympy.cosh):
            mapping[node] = (sympy.exp(a) + sympy.exp(-a)) / 2
        elif isinstance(node, sympy.sinh):
            mapping[node] = (sympy.exp(a) - sympy.exp(-a)) / 2
        else:
            mapping[node] = (sympy.exp(2 * a) - 1) / (sympy.exp(2 * a) + 1)
    if not mapping:
        return expr
    # Inner hyperbolics (cosh(cosh(x))) are rewritten by repeating until none is left.
    return _hyperbolic_as_exp(expr.xreplace(mapping), variables)


def _exponent_of_e(node: sympy.Basic) -> sympy.Expr | None:
    """The argument a of exp(a) or E**a, else None."""
    if isinstance(node, sympy.exp):
        return node.args[0]
    if isinstance(node, sympy.Pow) and node.base is sympy.E:
        return node.exp
    return None


def _lcm(values: Iterable[int]) -> int:
    result = 1
    for v in values:
        result = result * v // math.gcd(result, v)
    return result


def is_rational_in(expr: sympy.Expr, symbols: frozenset[sympy.Symbol]) -> bool:
    """Every subterm involving ``symbols`` is a sum, product, integer power or a symbol
    (coefficients free of them may be anything), with exponents at most 512."""
    for node in _nodes(expr):
        if not node.free_symbols & symbols:
            continue
        if isinstance(node, sympy.Symbol | sympy.Add | sympy.Mul):
            continue
        if isinstance(node, sympy.Pow) and node.exp.is_Integer:
            if abs(int(node.exp)) > _MAX_EXPONENT:
                return False
            continue
        return False
    return True


def _name(prefix: str, x: sympy.Symbol) -> str:
    return f"_{prefix}_{x.name}"


def exponential_substitution(
    expr: sympy.Expr,
    variables: Iterable[sympy.Symbol],
    domains: Mapping[sympy.Symbol, Domain],
) -> Substitution | None:
    """The substitution described in the module docstring, or None when the result would
    not be a rational function of the new symbols and the variables.

    ``variables``: the symbols that count as variables (every other symbol is a
    coefficient); ``domains``: their domains (a variable without one is real).  An
    expression that is already rational gives a Substitution without definitions.
    """
    expr = sympy.sympify(expr, strict=True)  # strict: SymPy objects only, never text
    variables = tuple(variables)
    var_set = frozenset(variables)
    if not expr.free_symbols & var_set:
        return Substitution(expr, (), ())
    expr = _hyperbolic_as_exp(expr, var_set)

    # --- exponentials ------------------------------------------------------------------
    affine: dict[sympy.Basic, tuple[dict[sympy.Symbol, Fraction], sympy.Expr]] = {}
    for node in _nodes(expr):
        arg = _exponent_of_e(node)
        if arg is None or not arg.free_symbols & var_set:
            continue
        form = _affine(arg, variables)
        if form is None:
            return None
        affine[node] = form
    denominators: dict[sympy.Symbol, list[int]] = {}
    for coefficients, _ in affine.values():
        for x, a in coefficients.items():
            denominators.setdefault(x, []).append(a.denominator)
    exp_scale = {x: _lcm(ds) for x, ds in denominators.items()}
    exp_symbol = {x: sympy.Symbol(_name("u", x), positive=True) for x in exp_scale}
    mapping: dict[sympy.Basic, sympy.Expr] = {}
    for node, (coefficients, constant) in affine.items():
        value: sympy.Expr = sympy.exp(constant)
        for x, a in coefficients.items():
            k = a * exp_scale[x]
            assert k.denominator == 1
            if abs(k) > _MAX_EXPONENT:
                return None
            value = value * exp_symbol[x] ** int(k)
        mapping[node] = value
    result = expr.xreplace(mapping) if mapping else expr

    # --- rational powers of variables ----------------------------------------------------
    powers: dict[sympy.Symbol, list[sympy.Rational]] = {}
    for node in _nodes(result):
        if (
            isinstance(node, sympy.Pow)
            and node.base in var_set
            and node.exp.is_Rational
            and not node.exp.is_Integer
        ):
            powers.setdefault(node.base, []).append(node.exp)
    power_scale: dict[sympy.Symbol, int] = {}
    power_symbol: dict[sympy.Symbol, sympy.Symbol] = {}
    for x in variables:
        if x not in powers:
            continue
        d = domains.get(x, Domain())
        positive = d.lo is not None and (d.lo > 0 or (d.lo == 0 and d.lo_open))
        nonnegative = d.lo is not None and d.lo >= 0 and all(e > 0 for e in powers[x])
        if not (positive or nonnegative):
            continue  # left alone: the rationality check below then answers None
        power_scale[x] = _lcm(int(e.q) for e in powers[x])
        if positive:
            power_symbol[x] = sympy.Symbol(_name("s", x), positive=True)
        else:
            power_symbol[x] = sympy.Symbol(_name("s", x), nonnegative=True)
    if power_symbol:
        replace: dict[sympy.Basic, sympy.Expr] = {}
        for x, s in power_symbol.items():
            q = power_scale[x]
            for e in powers[x]:
                k = e * q
                assert k.is_Integer
                if abs(int(k)) > _MAX_EXPONENT:
                    return None
                replace[sympy.Pow(x, e)] = s ** int(k)
            replace[x] = s**q
        result = result.xreplace(replace)

    new_symbols = frozenset(exp_symbol.values()) | frozenset(power_symbol.values())
    taken = {s.name for s in expr.free_symbols}
    if any(s.name in taken for s in new_symbols):
        return None  # an internal symbol of that name already occurs: keep them apart
    if not is_rational_in(result, var_set | new_symbols):
        return None

    definitions: list[tuple[sympy.Symbol, sympy.Expr]] = []
    bounds: list[tuple[sympy.Symbol, Interval]] = []
    for x in variables:
        for table, scale, make in (
            (exp_symbol, exp_scale, lambda x, q: sympy.exp(x / q)),
            (power_symbol, power_scale, lambda x, q: x ** sympy.Rational(1, q)),
        ):
            if x not in table:
                continue
            definition = make(x, scale[x])
            try:
                image = range_of(definition, {x: domains.get(x, Domain())})
            except Undefined:
                return None  # unreachable: exp is defined everywhere, roots were checked
            definitions.append((table[x], definition))
            bounds.append((table[x], image))
    return Substitution(result, tuple(definitions), tuple(bounds))


def as_real(sub: Substitution, expr: sympy.Expr | None = None) -> sympy.Expr:
    """``expr`` (default: the result) with every new symbol replaced by the plain real
    symbol of the same name, the form certificates can write (:mod:`.expressions`)."""
    target = sub.result if expr is None else expr
    renaming = {s: sympy.Symbol(s.name, real=True) for s in sub.symbols}
    return target.xreplace(renaming) if renaming else target


def negative_power_bases(expr: sympy.Expr, symbols: frozenset[sympy.Symbol]) -> list[sympy.Expr]:
    """The bases of every power with a negative exponent whose base involves ``symbols``
    (nested ones included), in a deterministic order: where ``expr`` may be undefined."""
    return [
        node.base
        for node in _nodes(expr)
        if isinstance(node, sympy.Pow)
        and node.exp.is_number
        and node.exp.is_negative
        and node.base.free_symbols & symbols
    ]


#: Bases larger than this (in tree nodes) are not decided by :func:`nonzero_on`.
_MAX_BASE_NODES = 2000


def _sympy_rational(q: Fraction) -> sympy.Rational:
    return sympy.Rational(q.numerator, q.denominator)


def nonzero_on(base: sympy.Expr, x: sympy.Symbol, domains: Mapping[sympy.Symbol, Domain]) -> bool:
    """True when ``base`` (an expression in ``x`` alone) is proved nonzero at every point
    of the domain of ``x`` (closed ends included where the domain has them); False when
    not proved.

    Exact: ``base`` is substituted (:func:`exponential_substitution`, one new symbol v
    at most, or v = x when there is nothing to substitute) into a rational function of v
    with rational coefficients; its numerator P (``together``, no cancellation, so P
    vanishes wherever the base does, where its own denominators do not) must have no
    real root in the (enclosure of the) range of v, by Sturm's root count.  The base's
    own denominators are not covered: callers check every negative-power base of the
    whole expression, nested ones included (:func:`negative_power_bases`).
    """
    if base.free_symbols - {x}:
        return False
    count = 0
    for _ in sympy.preorder_traversal(base):
        count += 1
        if count > _MAX_BASE_NODES:
            return False
    sub = exponential_substitution(base, (x,), domains)
    if sub is None or len(sub.definitions) > 1:
        return False
    if sub.definitions:
        ((v, _),) = sub.definitions
        image = sub.bounds[0][1]
    else:
        v, image = x, from_domain(domains.get(x, Domain()))
    result = sub.result
    if result.free_symbols - {v}:
        return False
    numerator = sympy.fraction(sympy.together(result))[0]
    try:
        poly = sympy.Poly(numerator, v, domain=sympy.QQ)
    except (sympy.polys.polyerrors.BasePolynomialError, ValueError):
        return False
    if poly.is_zero:
        return False
    if poly.degree() <= 0:
        return True
    sqf = poly.sqf_part()
    lo = None if image.lo is None else _sympy_rational(image.lo)
    hi = None if image.hi is None else _sympy_rational(image.hi)
    roots = int(sqf.count_roots(lo, hi))  # the closed interval [lo, hi]
    for end, is_open in ((lo, image.lo_open), (hi, image.hi_open)):
        if end is not None and is_open and sqf.eval(end) == 0:
            roots -= 1
    return roots == 0


def image_domain(image: Interval) -> Domain:
    """A new symbol's bounds as the domain an exact sign decision runs on."""
    return Domain(image.lo, image.hi, image.lo_open, image.hi_open, "image")
