"""Where the function *as written* is defined: the one table of restricted heads.

SymPy simplifies while it builds (``log(x) - log(x)`` is 0, ``exp(log(x))`` is x,
``x**2/x`` is x), and each simplification can silently widen the domain of the
function.  So definedness is recorded as :class:`~convexity_proofs._values.Obligation`
objects, one for each written head whose real domain is restricted, under SymPy's real
semantics (fractional powers of negative bases are not real, so ``(-8)**(1/3)`` is
undefined):

================================  =============  ==========
head                              kind           argument
================================  =============  ==========
``log(u)``                        positive       u
``b**e``, e rational > 0 not int  nonnegative    b          (sqrt is ``b**(1/2)``)
``b**e``, e rational < 0 not int  positive       b
``b**n``, n a negative integer    nonzero        b          (every divisor d is ``d**-1``)
``b**e``, e not a number          positive       b          (unless b is a positive number)
``tan(u)``                        cos-nonzero    u
================================  =============  ==========

Everything else in the vocabulary (exp, sin, cos, sinh, cosh, tanh, atan, erf, Abs, Max,
Min, Piecewise) is defined on all reals.  Obligations that hold by construction
(``log(1 + exp(u))``, ``(1 + exp(-u))**-1``, ``sqrt(x**2 + 1)``) are not recorded.

:func:`obligation_for` gives the obligation of one head, :func:`obligations_of` walks an
expression that did not come from text (model builders, SymPy input), and
:func:`attach` folds obligations into a *carrier* expression that the rigorous
evaluators of :mod:`convexity_proofs.kernel.evaluate` judge as they are, so that they refuse
every point where the written function is undefined.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

import sympy

from convexity_proofs._values import Obligation

__all__ = [
    "IMPLIES",
    "attach",
    "constant_truth",
    "failure_message",
    "guard",
    "head_of",
    "merge",
    "obligation_for",
    "obligations_of",
    "requirement",
]

POSITIVE: Final = "positive"
NONNEGATIVE: Final = "nonnegative"
NONZERO: Final = "nonzero"
COS_NONZERO: Final = "cos-nonzero"

#: Precision at which constant obligations are decided with Arb balls.
CONSTANT_BITS: Final = 128

# Signs by construction (see _sign): 2 means > 0, 1 means >= 0, 0 means not known.
_POS: Final = 2
_NONNEG: Final = 1
_UNKNOWN: Final = 0
#: Nodes the sign-by-construction check may look at per argument: it stays O(1).
_SIGN_BUDGET: Final = 64
#: Heads with more nodes than this are described by their shape only (printing a
#: 90,000-term argument would cost more than the whole walk).
_DESCRIBE_UP_TO: Final = 40
_DESCRIBE_CHARS: Final = 80

#: The kinds each kind implies for the same argument (x > 0 gives x >= 0 and x != 0).
IMPLIES: Final[dict[str, frozenset[str]]] = {
    POSITIVE: frozenset({POSITIVE, NONNEGATIVE, NONZERO}),
    NONNEGATIVE: frozenset({NONNEGATIVE}),
    NONZERO: frozenset({NONZERO}),
    COS_NONZERO: frozenset({COS_NONZERO}),
}


# ------------------------------------------------------------------- one head


def obligation_for(
    head_func: type, args: Sequence[sympy.Basic], *, text: str | None = None
) -> Obligation | None:
    """The obligation of the head ``head_func(*args)``, or None when it has none.

    ``args`` are the head's (already built) arguments: ``(u,)`` for log and tan,
    ``(base, exponent)`` for a power (sqrt is ``(u, 1/2)``, a divisor d is ``(d, -1)``).
    The obligation's ``subject`` is the head rebuilt *unevaluated* over ``args``, so it
    survives whatever SymPy later does to the expression.  ``text`` describes the head in
    reports (the written text when there is one; by default the head printed).
    Obligations that hold by construction (a log of ``1 + exp(u)``) give None.
    """
    if head_func is sympy.log:
        (u,) = args
        if _sign(u) == _POS:
            return None
        return _make(POSITIVE, u, sympy.log(u, evaluate=False), text)
    if head_func is sympy.tan:
        (u,) = args
        return _make(COS_NONZERO, u, sympy.tan(u, evaluate=False), text)
    if head_func is sympy.Pow:
        base, exponent = args
        kind = _power_kind(base, exponent)
        if kind is None:
            return None
        return _make(kind, base, sympy.Pow(base, exponent, evaluate=False), text)
    return None


def _power_kind(base: sympy.Basic, exponent: sympy.Basic) -> str | None:
    if base is sympy.E:
        return None  # exp(e): defined everywhere
    if exponent.is_Integer:
        if exponent >= 0 or _sign(base) == _POS:
            return None
        return NONZERO
    if exponent.is_Rational:
        if exponent > 0:
            return None if _sign(base) >= _NONNEG else NONNEGATIVE
        return None if _sign(base) == _POS else POSITIVE
    # A symbolic (or irrational) exponent: real only for a positive base.
    return None if _sign(base) == _POS else POSITIVE


def _make(kind: str, argument: sympy.Basic, subject: sympy.Basic, text: str | None) -> Obligation:
    if text is None:
        text = _describe(subject)
    return Obligation(kind=kind, argument=argument, subject=subject, text=text)  # type: ignore[arg-type]


def requirement(node: sympy.Basic) -> tuple[str, sympy.Basic] | None:
    """``(kind, argument)`` that ``node`` itself needs to be defined, structurally (no
    sign-by-construction shortcut), or None: what a head of a built expression demands."""
    if isinstance(node, sympy.Pow):
        base, exponent = node.args
        if base is sympy.E or (base.is_Rational and base.p > 0):
            return None
        if exponent.is_Integer:
            return (NONZERO, base) if exponent.p < 0 else None
        if exponent.is_Rational:
            return (NONNEGATIVE, base) if exponent.p > 0 else (POSITIVE, base)
        return POSITIVE, base
    if isinstance(node, sympy.log) and len(node.args) == 1:
        return POSITIVE, node.args[0]
    if isinstance(node, sympy.tan) and len(node.args) == 1:
        return COS_NONZERO, node.args[0]
    return None


def _head_args(node: sympy.Basic) -> tuple[type, tuple[sympy.Basic, ...]] | None:
    """``(head_func, args)`` when ``node`` is a restricted head, else None."""
    if isinstance(node, sympy.Pow):
        return sympy.Pow, node.args
    if isinstance(node, sympy.log | sympy.tan) and len(node.args) == 1:
        return type(node), node.args
    return None


def _sign(u: sympy.Basic) -> int:
    """A sign that holds by construction wherever ``u`` is defined (real and finite).

    Structural and bounded (at most _SIGN_BUDGET nodes): a positive constant, exp and
    cosh of anything, an even power, sums and products of such.  It may rely on u being
    defined, because u's own obligations are recorded beside the one this decides.
    """
    budget = [_SIGN_BUDGET]

    def sign(v: sympy.Basic) -> int:
        budget[0] -= 1
        if budget[0] < 0:
            return _UNKNOWN
        if v.is_Rational:
            return _POS if v.p > 0 else _NONNEG if v.p == 0 else _UNKNOWN
        if v is sympy.pi or v is sympy.E:
            return _POS
        if isinstance(v, sympy.exp | sympy.cosh):
            return _POS
        if isinstance(v, sympy.Abs):
            return _NONNEG
        if v.is_Pow:
            return power_sign(v.base, v.exp)
        if v.is_Add or v.is_Mul:
            signs = []
            for term in v.args:
                s = sign(term)
                if s == _UNKNOWN:
                    return _UNKNOWN
                signs.append(s)
            if v.is_Add:
                return _POS if _POS in signs else _NONNEG
            return _POS if all(s == _POS for s in signs) else _NONNEG
        return _UNKNOWN

    def power_sign(b: sympy.Basic, e: sympy.Basic) -> int:
        if b is sympy.E:
            return _POS
        if e.is_Integer:
            n = int(e)
            if n == 0:
                return _POS
            if n % 2 == 0:  # an even power; a negative one is defined only for b != 0
                return _POS if n < 0 else max(_NONNEG, sign(b))
            s = sign(b)
            if n < 0:  # defined only for b != 0, so b >= 0 means b > 0
                return _POS if s >= _NONNEG else _UNKNOWN
            return s
        if e.is_Rational:  # real fractional powers are >= 0; negative ones need b > 0
            return _POS if e < 0 or sign(b) == _POS else _NONNEG
        return _POS  # a symbolic exponent is defined only for b > 0

    return sign(u)


def _describe(subject: sympy.Basic) -> str:
    """A short text for a head (or a guarded head), without printing huge arguments."""
    head = head_of(subject)
    if _large(head, _DESCRIBE_UP_TO):
        if head.is_Pow:
            return f"(...)**({sympy.sstr(head.exp)})" if not _large(head.exp, 8) else "(...)**(...)"
        return f"{type(head).__name__}(...)"
    if head.is_Pow and head.exp in (sympy.S.Half, sympy.S.NegativeOne):
        base = sympy.sstr(head.base)
        if head.exp == sympy.S.Half:
            text = f"sqrt({base})"
        else:
            simple = head.base.is_Atom or isinstance(head.base, sympy.Function)
            text = f"1/{base}" if simple else f"1/({base})"
    else:
        text = sympy.sstr(head)
    return text if len(text) <= _DESCRIBE_CHARS else text[: _DESCRIBE_CHARS - 3] + "..."


def _large(u: sympy.Basic, limit: int) -> bool:
    for count, _ in enumerate(sympy.preorder_traversal(u)):
        if count >= limit:
            return True
    return False


# --------------------------------------------------------------- combining


def merge(groups: Iterable[Sequence[Obligation]]) -> tuple[Obligation, ...]:
    """The obligations of several groups, each distinct subject once, in first-seen order."""
    present = [group for group in groups if group]
    if not present:
        return ()
    if len(present) == 1:
        return tuple(present[0])
    seen: dict[sympy.Basic, Obligation] = {}
    for group in present:
        for ob in group:
            seen.setdefault(ob.subject, ob)
    return tuple(seen.values())


def head_of(subject: sympy.Basic) -> sympy.Basic:
    """The written head inside a (possibly nested) Piecewise guard."""
    while isinstance(subject, sympy.Piecewise):
        subject = next(
            (pair.expr for pair in subject.args if pair.expr is not sympy.S.Zero),
            sympy.S.Zero,
        )
    return subject


def _guarded(
    ob: Obligation, earlier: Sequence[sympy.Basic], condition: sympy.Basic | None
) -> Obligation:
    """``ob`` bound only where every ``earlier`` condition is false and ``condition``
    (None: no condition of its own, i.e. True) holds."""
    own = sympy.true if condition is None else condition
    if not earlier and own is sympy.true:
        return ob  # the guard is trivial: the obligation binds everywhere
    pairs = [(sympy.S.Zero, c) for c in earlier]
    pairs.append((ob.subject, own))
    if own is not sympy.true:
        pairs.append((sympy.S.Zero, sympy.true))
    subject = sympy.Piecewise(*pairs, evaluate=False)
    return Obligation(kind=ob.kind, argument=ob.argument, subject=subject, text=ob.text)


def guard(
    conditions: Sequence[sympy.Basic],
    branch_obligations: Sequence[Sequence[Obligation]],
    condition_obligations: Sequence[Sequence[Obligation]],
) -> tuple[Obligation, ...]:
    """The obligations of ``Piecewise((e1, c1), ..., (en, cn))`` from those of its parts.

    An obligation of branch ``ei`` binds only where that branch is taken (every earlier
    condition false, ``ci`` true); one of the condition ``ci`` itself binds only where
    it is reached (every earlier condition false).  Branches after a condition that is
    literally True, and branches with a literally False condition, are never taken.
    """
    result: list[Obligation] = []
    earlier: list[sympy.Basic] = []
    for condition, branch, own in zip(
        conditions, branch_obligations, condition_obligations, strict=True
    ):
        result.extend(_guarded(ob, earlier, None) for ob in own)
        if condition is sympy.false:
            continue
        result.extend(_guarded(ob, earlier, condition) for ob in branch)
        if condition is sympy.true:
            break
        earlier.append(condition)
    return merge([result])


# ------------------------------------------------------------------- walking


def obligations_of(expr: sympy.Basic) -> tuple[Obligation, ...]:
    """Every obligation of an already built expression (iterative post-order walk).

    Each distinct subject appears once, in a deterministic order (the order of SymPy's
    arguments).  Inside a Piecewise the obligations of a branch or condition are guarded
    (see :func:`guard`).  Constant obligations that certainly hold are left out; ones
    that do not are kept (this function reports, it does not refuse).
    """
    memo: dict[sympy.Basic, tuple[tuple[Obligation, ...], bool]] = {}  # -> (obs, has symbol)
    stack: list[tuple[sympy.Basic, bool]] = [(expr, False)]
    while stack:
        node, expanded = stack.pop()
        if node in memo:
            continue
        children = _walk_children(node)
        if not expanded:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(children) if child not in memo)
            continue
        parts = [memo[child] for child in children]
        symbolic = node.is_Symbol or any(has for _, has in parts)
        if isinstance(node, sympy.Piecewise):
            obs = guard(
                [pair.cond for pair in node.args],
                [parts[2 * i][0] for i in range(len(node.args))],
                [parts[2 * i + 1][0] for i in range(len(node.args))],
            )
        else:
            obs = merge(part for part, _ in parts)
            head = _head_args(node)
            if head is not None:
                ob = obligation_for(*head)
                # The argument is always the first child (log/tan's u, a power's base).
                if ob is not None and not (not parts[0][1] and constant_truth(ob) is True):
                    obs = merge([obs, (ob,)])
        memo[node] = (obs, symbolic)
    return memo[expr][0]


def _walk_children(node: sympy.Basic) -> tuple[sympy.Basic, ...]:
    if isinstance(node, sympy.Piecewise):
        return tuple(part for pair in node.args for part in pair.args)
    return node.args


# -------------------------------------------------------------------- carrier


def attach(f: sympy.Basic, obligations: Iterable[Obligation]) -> sympy.Expr:
    """The carrier ``f + 0*s1 + 0*s2 + ...`` over the obligations' subjects, unevaluated.

    It equals ``f`` wherever every obligation holds and is undefined elsewhere, so the
    evaluators of :mod:`convexity_proofs.kernel.evaluate` (which never rebuild the tree) refuse
    exactly the points and segments where the written function is undefined.  With no
    obligations it is ``f`` itself.  Do not hand the carrier to SymPy functions that
    evaluate (``expand``, ``diff``, ``subs``): they would cancel ``0*s`` again.
    """
    zeros = [sympy.Mul(sympy.S.Zero, decisive(ob), evaluate=False) for ob in obligations]
    if not zeros:
        return f  # type: ignore[return-value]
    return sympy.Add(f, *zeros, evaluate=False)


def decisive(ob: Obligation) -> sympy.Expr:
    """An expression that is defined exactly where ``ob`` holds, whatever the evaluator.

    The written head alone is not enough: ``x**y`` at y = 3 is evaluated as an integer
    power, defined for x < 0 too, though the text ``x**y`` (a symbolic exponent) is
    defined only for x > 0.  So each kind gets a head that every evaluator (exact, ball,
    Taylor, series, interval) decides in exactly that way: ``log(u)`` for u > 0,
    ``u**(1/2)`` for u >= 0, ``u**-1`` for u != 0, ``tan(u)`` for cos(u) != 0; built
    unevaluated, inside the obligation's Piecewise guard when it has one.
    """
    u = ob.argument
    if ob.kind == POSITIVE:
        form: sympy.Basic = sympy.log(u, evaluate=False)
    elif ob.kind == NONNEGATIVE:
        form = sympy.Pow(u, sympy.S.Half, evaluate=False)
    elif ob.kind == NONZERO:
        form = sympy.Pow(u, sympy.S.NegativeOne, evaluate=False)
    elif ob.kind == COS_NONZERO:
        form = sympy.tan(u, evaluate=False)
    else:
        return ob.subject  # type: ignore[return-value]
    return _under_guard(ob.subject, form)  # type: ignore[return-value]


def _under_guard(subject: sympy.Basic, form: sympy.Basic) -> sympy.Basic:
    """``form`` in place of the head inside ``subject``'s Piecewise guards."""
    if not isinstance(subject, sympy.Piecewise):
        return form
    pairs = [
        (pair.expr if pair.expr is sympy.S.Zero else _under_guard(pair.expr, form), pair.cond)
        for pair in subject.args
    ]
    return sympy.Piecewise(*pairs, evaluate=False)


# ------------------------------------------------------------------ constants


def constant_truth(ob: Obligation) -> bool | None:
    """Whether an obligation over a constant argument holds: True or False when that is
    certain (exact rationals, or Arb balls at CONSTANT_BITS bits), None otherwise.

    The caller makes sure the argument has no free symbols.  The guard of a guarded
    obligation is ignored: this decides the head's own condition.
    """
    try:
        return _constant_truth(ob)
    except (ArithmeticError, TypeError, ValueError):  # undecided is the safe reading
        return None


def _constant_truth(ob: Obligation) -> bool | None:
    from convexity_proofs.kernel import evaluate as _certify

    argument = ob.argument
    if ob.kind == COS_NONZERO:
        ratio = sympy.Mul(argument, sympy.Pow(sympy.pi, sympy.S.NegativeOne))
        if ratio.is_Rational:  # cos(q*pi) = 0 exactly when q - 1/2 is an integer
            return (ratio - sympy.S.Half).q != 1
    if argument.is_Rational:
        sign = (argument.p > 0) - (argument.p < 0)
        return _holds(ob.kind, sign) if ob.kind != COS_NONZERO else True
    ball = _certify.ball_value(argument, {}, CONSTANT_BITS)
    if not ball.is_finite():
        return None
    if ob.kind == COS_NONZERO:
        from flint import ctx

        previous = ctx.prec
        ctx.prec = CONSTANT_BITS
        try:
            c = ball.cos()
            return True if (c > 0 or c < 0) else None
        finally:
            ctx.prec = previous
    if ball > 0:
        sign = 1
    elif ball < 0:
        sign = -1
    elif ball.is_zero():  # radius 0, midpoint 0: exactly zero
        sign = 0
    elif ball >= 0:
        return True if ob.kind == NONNEGATIVE else None
    else:
        return None
    return _holds(ob.kind, sign)


def _holds(kind: str, sign: int) -> bool:
    if kind == POSITIVE:
        return sign > 0
    if kind == NONNEGATIVE:
        return sign >= 0
    return sign != 0  # nonzero


def failure_message(ob: Obligation) -> str:
    """Why a constant obligation that certainly fails makes the function undefined."""
    head = head_of(ob.subject)
    arg = sympy.sstr(ob.argument) if not _large(ob.argument, _DESCRIBE_UP_TO) else "it"
    text = ob.text or _describe(head)
    zero = ob.argument.is_Rational and ob.argument.p == 0
    if ob.kind == NONZERO:
        return f"{text} is undefined (division by zero)"
    if ob.kind == COS_NONZERO:
        return f"{text} is undefined (not a real number): cos({arg}) = 0"
    what = "is undefined" if zero else "is not a real number"
    if isinstance(head, sympy.log):
        return f"{text} {what}: the logarithm needs a positive argument, and {arg} is not positive"
    exponent = head.exp if head.is_Pow else None
    if exponent is not None and exponent.is_Rational:
        if exponent == sympy.S.Half:
            return f"{text} {what}: the square root of a negative number is not real"
        if exponent > 0:
            return (
                f"{text} {what}: a fractional power of a negative number is not real "
                "(powers are real-valued here: (-8)**(1/3) is undefined, while -8**(1/3) "
                "is -2)"
            )
        return f"{text} {what}: a negative fractional power needs a positive base, found {arg}"
    return f"{text} {what}: a power with a variable exponent needs a positive base, found {arg}"
