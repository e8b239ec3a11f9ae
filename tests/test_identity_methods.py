"""Invariance by identities that hold on the domain: the normal form of
``kernel.identities``, the prover's sign facts, the checker's replay, and tampering.

Every identity here needs a sign shown on the domain (or an exponential factored, a
logarithm split, a condition normalised); identities that hold only generically are
never proved (the random soundness test at the end evaluates the normal form against
the expression at random points of the domain with mpmath).
"""

from __future__ import annotations

import os
import random
from dataclasses import replace
from fractions import Fraction

import mpmath
import pytest
import sympy as sp

from convexity_proofs import check
from convexity_proofs._parser import make_symbol, parse_expression
from convexity_proofs._proof import IdentityFact, ProofStep, SignFact, step_from_json
from convexity_proofs._values import Domain, interval_domain
from convexity_proofs.checker import identity as _rules  # noqa: F401  (registers)
from convexity_proofs.checker._core import Checker, CheckFailure, Context
from convexity_proofs.kernel.expressions import ExpressionReader, ExpressionTable
from convexity_proofs.kernel.identities import Normaliser, content, normal_difference
from convexity_proofs.kernel.intervals import Interval, Undefined, range_of
from convexity_proofs.provers.identity import prove_invariant

REAL = Domain(None, None, True, True, "real")
POSITIVE = Domain(Fraction(0), None, True, True, "positive")
NEGATIVE = Domain(None, Fraction(0), True, True, "negative")
NAMED = {"real": REAL, "positive": POSITIVE, "negative": NEGATIVE}


def parse(text: str) -> sp.Expr:
    return parse_expression(text)


def setting(function: str, substitution: dict[str, str], domain: dict[str, str]):
    expr = parse(function)
    domains = {s: REAL for s in expr.free_symbols}
    domains.update({make_symbol(k): NAMED[v] for k, v in domain.items()})
    pairs = tuple((make_symbol(k), parse(v)) for k, v in sorted(substitution.items()))
    return expr, pairs, domains


def round_trip(step: ProofStep) -> ProofStep:
    table = ExpressionTable()
    data = step.to_json(table)
    return step_from_json(data, ExpressionReader(table.to_json()), lambda w: w)


def identity_fact(step: ProofStep) -> IdentityFact:
    (fact,) = step.facts_of(IdentityFact)
    return fact


def rejected(step: ProofStep, context: Context, *words: str) -> str:
    with pytest.raises(CheckFailure) as info:
        Checker().check(step, context)
    text = str(info.value)
    assert step.rule in text
    for w in words:
        assert w in text, text
    return text


# --- what the normal form proves ------------------------------------------------------

#: (function, substitution, domain, signs the proof rests on)
CASES = [
    # relu is positively homogeneous for a parameter c > 0.
    ("(y - (v/c)*relu(c*w*x + c*b))**2", {"c": "1"}, {"c": "positive"}, {("c", "nonnegative")}),
    # ... and for a variable with a proved sign.
    ("v1*relu(w1*x) + v2*relu(w2*x)", {"w1": "w2*w1", "v1": "v1/w2"}, {"w2": "positive"}, None),
    # max and min: c > 0 pulls out.
    ("max(c*x, c*y)/c + min(c*x, 0)/c", {"c": "1"}, {"c": "positive"}, None),
    # max with c < 0 becomes c·min.
    ("max(c*x, c*y)/c", {"c": "-1"}, {"c": "negative"}, None),
    # abs(c·u) = |c|·|u|, and |c| = c for c > 0.
    ("abs(c*x)/c", {"c": "1"}, {"c": "positive"}, None),
    # log-sum-exp shift: exponentials factored, log(exp(c)·s) = c + log(s).
    ("log(exp(x - c) + exp(y - c) + exp(z - c)) + c", {"c": "0"}, {}, None),
    ("log(exp(x - m) + exp(y - m)) + m", {"m": "max(x, y)"}, {}, None),
    ("x - c - log(exp(x - c) + exp(y - c))", {"c": "0"}, {}, None),
    # log of a product of positive factors.
    ("log(a*x) - log(x)", {"x": "1"}, {"a": "positive", "x": "positive"}, None),
    (
        "log(x**3*y) - 3*log(x) - log(y)",
        {"x": "1", "y": "1"},
        {"x": "positive", "y": "positive"},
        None,
    ),
    # a product of negative factors: log(n·z) = log(−n) + log(−z).
    ("log(a*x) - log(-x)", {"x": "-1"}, {"a": "negative", "x": "negative"}, None),
    # fractional powers of a positive factor.
    ("sqrt(a*x)/sqrt(x)", {"x": "1"}, {"a": "positive", "x": "positive"}, None),
    # Piecewise: the condition c·w·x > 0 is w·x > 0 for c > 0.
    ("(v/c)*Piecewise((c*w*x, c*w*x > 0), (c*w*x/10, True))", {"c": "1"}, {"c": "positive"}, None),
    ("Piecewise((c*x, c*x >= 2*c), (0, True))/c", {"c": "1"}, {"c": "positive"}, None),
]


@pytest.mark.parametrize(("function", "substitution", "domain", "signs"), CASES)
def test_normal_form_identities_are_proved_and_replay(function, substitution, domain, signs):
    expr, pairs, domains = setting(function, substitution, domain)
    step = prove_invariant(expr, pairs, domains)
    assert step is not None, function
    assert (step.rule, step.subject, step.conclusion) == ("identity", expr, "invariant")
    fact = identity_fact(step)
    assert fact.method.startswith("normal-form-")
    assert fact.rhs == expr.xreplace(dict(pairs))
    facts = step.facts_of(SignFact)
    assert len(step.facts) == 1 + len(facts)
    if signs is not None:
        assert {(str(f.subject), f.sign) for f in facts} == signs
    context = Context(tuple(sorted(domains, key=str)), domains)
    for s in (step, round_trip(step)):
        assert Checker().check(s, context) == "invariant"
    # Certified evaluation at random points of the domain: both sides agree.
    for point in _points(domains, 4, seed=len(function)):
        assert _agree(expr, fact.rhs, point) is not False, (function, point)


def test_without_a_domain_no_sign_is_used() -> None:
    expr, pairs, _ = setting("(y - (v/c)*relu(c*w*x + c*b))**2", {"c": "1"}, {})
    assert prove_invariant(expr, pairs) is None


@pytest.mark.parametrize(
    ("function", "substitution", "domain"),
    [
        # c may be negative: relu(c·u) = c·min(0, u) there.
        ("(v/c)*relu(c*w*x)", {"c": "1"}, {}),
        ("(v/c)*relu(c*w*x)", {"c": "1"}, {"c": "negative"}),
        ("max(c*x, c*y)/c", {"c": "1"}, {}),
        # |c·x|/c is −|x| for c < 0.
        ("abs(c*x)/c", {"c": "1"}, {}),
        # log(a·b) = log a + log b only for positive factors.
        ("log(x*y) - log(-x)", {"y": "-1"}, {}),
        # the condition flips for c < 0.
        ("Piecewise((c*x, c*x > 0), (0, True))/c", {"c": "1"}, {"c": "negative"}),
        # sqrt(x**2) is |x|, not x.
        ("sqrt(c**2*x**2)/c", {"c": "1"}, {}),
    ],
)
def test_identities_that_fail_on_the_domain_are_not_proved(function, substitution, domain):
    expr, pairs, domains = setting(function, substitution, domain)
    assert prove_invariant(expr, pairs, domains) is None


# --- the engine: claims decided ------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "substitution", "domain", "status"),
    [
        ("(y - (v/c)*relu(c*w*x + c*b))**2", {"c": "1"}, {"c": "positive"}, "proved"),
        ("(y - (v/c)*relu(c*w*x + c*b))**2", {"c": "1"}, {"c": "negative"}, "refuted"),
        ("log(exp(x - c) + exp(y - c)) + c", {"c": "0"}, {}, "proved"),
        ("max(c*x, c*y)/c", {"c": "1"}, {"c": [-2, -1]}, "refuted"),
    ],
)
def test_claims_through_the_engine(function, substitution, domain, status) -> None:
    verdict = check(function, property="invariant", substitution=substitution, domain=domain)
    assert verdict.status.value == status
    if status == "proved":
        assert identity_fact(verdict.proof[0]).method.startswith("normal-form-")


# --- the checker: tampering -----------------------------------------------------------


def _relu_proof():
    expr, pairs, domains = setting("(v/c)*relu(c*w*x)", {"c": "1"}, {"c": "positive"})
    step = prove_invariant(expr, pairs, domains)
    assert step is not None
    return step, Context(tuple(sorted(domains, key=str)), domains), domains


def test_a_removed_sign_fact_is_rejected() -> None:
    step, context, _ = _relu_proof()
    (fact,) = step.facts_of(IdentityFact)
    rejected(replace(step, facts=(fact,)), context, "does not reduce to 0")


def test_a_wrong_method_is_rejected() -> None:
    step, context, _ = _relu_proof()
    fact = identity_fact(step)
    signs = tuple(step.facts_of(SignFact))
    for method, words in [
        ("expansion", "sign facts support no rewriting"),
        ("structural", "sign facts support no rewriting"),
        ("normal-form-magic", "sign facts support no rewriting"),
    ]:
        bad = replace(step, facts=(replace(fact, method=method), *signs))
        rejected(bad, context, words)
    # Without its sign facts, plain expansion does not reduce the difference either.
    rejected(replace(step, facts=(replace(fact, method="expansion"),)), context, "does not reduce")


def test_a_negative_c_is_not_accepted() -> None:
    step, _, domains = _relu_proof()
    c = make_symbol("c")
    negative = {**domains, c: NEGATIVE}
    rejected(step, Context(tuple(sorted(negative, key=str)), negative), "does not show")
    # A forged fact claiming c > 0 on a negative domain fails its replay too.
    fact = identity_fact(step)
    forged = SignFact(c, "positive", Interval(Fraction(0), None, True, True))
    rejected(
        replace(step, facts=(fact, forged)),
        Context(tuple(sorted(negative, key=str)), negative),
        "does not show",
    )


def test_an_unneeded_sign_fact_is_rejected() -> None:
    step, context, _ = _relu_proof()
    extra = SignFact(make_symbol("v") ** 2 + 1, "positive", Interval(Fraction(1), None))
    rejected(replace(step, facts=(*step.facts, extra)), context, "asked for by no rewrite")


def test_a_wrong_recorded_enclosure_is_rejected() -> None:
    step, context, _ = _relu_proof()
    fact = identity_fact(step)
    (sign,) = step.facts_of(SignFact)
    narrow = replace(sign, enclosure=Interval(Fraction(1), Fraction(2)))
    rejected(replace(step, facts=(fact, narrow)), context, "does not enclose")


def test_a_changed_right_side_is_rejected() -> None:
    step, context, _ = _relu_proof()
    fact = identity_fact(step)
    signs = tuple(step.facts_of(SignFact))
    bad = replace(fact, rhs=fact.rhs + 1)
    rejected(replace(step, facts=(bad, *signs)), context, "not the subject with the substitution")


# --- the normal form itself -------------------------------------------------------------


def test_content_pulls_rational_gcd_and_common_factors() -> None:
    x, y, c = (make_symbol(n) for n in "xyc")
    k, common, cofactors = content([6 * c * x**2 * sp.exp(y), 4 * c * x * y])
    assert k == 2 and common == [c, x]
    assert cofactors == [3 * x * sp.exp(y), 2 * y]


def test_normal_form_is_deterministic_and_idempotent_on_examples() -> None:
    never = Normaliser(lambda e, s: False)
    e = parse("log(exp(x + c) + exp(y + c)) + max(2*x, 4*y) + Piecewise((x, 2*x > 4), (0, True))")
    first = never(e)
    assert Normaliser(lambda e, s: False)(e) == first
    assert Normaliser(lambda e, s: False)(first) == first


def _oracle(domains):
    def shows(subject, sign):
        try:
            box = range_of(subject, domains)
        except Undefined:
            return False
        return {
            "positive": box.is_positive,
            "negative": box.is_negative,
            "nonnegative": box.is_nonnegative,
            "nonpositive": box.is_nonpositive,
        }[sign]()

    return shows


def test_generic_identities_are_not_normal_forms() -> None:
    x, y = make_symbol("x"), make_symbol("y")
    domains = {x: NEGATIVE, y: NEGATIVE}
    shows = _oracle(domains)
    # log(x·y) = log(x) + log(y) fails for x, y < 0.
    assert sp.expand(normal_difference(sp.log(x * y), sp.log(x) + sp.log(y), shows)) != 0
    # sqrt(x**2) is |x|, and |x| = −x for x < 0, never x.
    assert sp.expand(normal_difference(sp.sqrt(x**2), x, shows)) != 0
    assert sp.expand(normal_difference(sp.sqrt(x**2), -x, shows)) == 0
    # max(c·x, c·y) for c < 0 is c·min(x, y).
    c = make_symbol("c")
    shows = _oracle({**domains, c: NEGATIVE})
    assert sp.expand(normal_difference(sp.Max(c * x, c * y), c * sp.Max(x, y), shows)) != 0
    assert sp.expand(normal_difference(sp.Max(c * x, c * y), c * sp.Min(x, y), shows)) == 0


# --- soundness: the normal form equals the expression wherever it is defined ------------

EXAMPLES = int(os.environ.get("CONVEXITY_FUZZ_EXAMPLES", "60"))

_SYMBOLS = [make_symbol(n) for n in ("a", "b", "c")]
_DOMAINS = [REAL, POSITIVE, NEGATIVE, interval_domain(Fraction(-2), Fraction(3))]


def _random_expr(rng: random.Random, depth: int) -> sp.Expr:
    if depth == 0 or rng.random() < 0.25:
        if rng.random() < 0.6:
            return rng.choice(_SYMBOLS)
        return sp.Rational(rng.choice([-3, -2, -1, 1, 2, 3]), rng.choice([1, 2]))
    a, b = _random_expr(rng, depth - 1), _random_expr(rng, depth - 1)
    c = rng.choice(_SYMBOLS)
    builders = {
        "add": lambda: a + b,
        "mul": lambda: a * b,
        "scaled": lambda: c * a + c * b,
        "log": lambda: sp.log(a * b),
        "logsum": lambda: sp.log(c * sp.exp(a) + c * sp.exp(b)),
        "exp": lambda: sp.exp(a + b),
        "max": lambda: sp.Max(c * a, c * b),
        "min": lambda: sp.Min(a * b, 0),
        "relu": lambda: sp.Max(0, c * a),
        "abs": lambda: sp.Abs(a * b),
        "sqrt": lambda: sp.sqrt(a * b),
        "pow": lambda: (a * b) ** sp.Rational(1, 3),
        "pw": lambda: sp.Piecewise((c * a, c * a > c * b), (c * b, True)),
        "pw0": lambda: sp.Piecewise((c * a, a * c >= 0), (0, True)),
    }
    try:
        return builders[rng.choice(sorted(builders))]()
    except (TypeError, ValueError):  # SymPy refuses (a comparison of non-reals, ...)
        return a + b


def _points(domains, count: int, seed: int) -> list[dict]:
    """Seeded rational points strictly inside the domains (unbounded ends cut at ±4)."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        point = {}
        for s, d in domains.items():
            lo = Fraction(-4) if d.lo is None else d.lo
            hi = Fraction(4) if d.hi is None else d.hi
            point[s] = lo + (hi - lo) * Fraction(rng.randint(1, 63), 64)
        out.append(point)
    return out


def _value(expr: sp.Basic, point: dict, *, real: bool = True) -> mpmath.mpc | None:
    """expr at the point with mpmath at 60 digits (independent of the kernel); None when
    undefined there.  ``real``: every operation over the reals, as the engine reads a
    function (log of a number <= 0, an even root of a negative number are undefined);
    otherwise principal branches of complex values (the normal form may pass through
    them: 0·sqrt(−1) is 0).  A Piecewise evaluates only its chosen branch."""
    env = {s: mpmath.mpf(q.numerator) / q.denominator for s, q in point.items()}
    try:
        value = _evaluate(expr, env, real)
    except (ValueError, ZeroDivisionError, TypeError, OverflowError, _Undefined):
        return None
    return value if mpmath.isfinite(value) else None


class _Undefined(Exception):
    pass


def _realpart(value):
    """A value that must be real (a comparison, max/min): its real part when the
    imaginary part is negligible."""
    if isinstance(value, mpmath.mpc):
        if abs(value.imag) > mpmath.mpf(10) ** -50 * (1 + abs(value.real)):
            raise _Undefined
        return value.real
    return value


def _evaluate(e: sp.Basic, env: dict, real: bool):  # one case per head
    if e.is_Symbol:
        return env[e]
    if e is sp.true or e is sp.false:
        return bool(e)
    if e.is_Rational:
        return mpmath.mpf(int(e.p)) / int(e.q)
    if e is sp.E:
        return +mpmath.e
    if e is sp.pi:
        return +mpmath.pi
    if e is sp.I and not real:
        return mpmath.mpc(0, 1)
    if isinstance(e, sp.Piecewise):
        for value, cond in e.args:
            if _evaluate(cond, env, real):
                return _evaluate(value, env, real)
        raise _Undefined
    if isinstance(e, sp.core.relational.Relational):
        lhs = _realpart(_evaluate(e.lhs, env, real))
        rhs = _realpart(_evaluate(e.rhs, env, real))
        return {">": lhs > rhs, ">=": lhs >= rhs, "<": lhs < rhs, "<=": lhs <= rhs}[e.rel_op]
    if isinstance(e, sp.And):
        return all(_evaluate(a, env, real) for a in e.args)
    if isinstance(e, sp.Or):
        return any(_evaluate(a, env, real) for a in e.args)
    args = [_evaluate(a, env, real) for a in e.args]
    if e.is_Add:
        return mpmath.fsum(args)
    if e.is_Mul:
        return mpmath.fprod(args)
    if e.is_Pow:
        base, exponent = args
        if base == 0 and _realpart(exponent) < 0:
            raise _Undefined
        if e.exp.is_Integer:
            return base ** int(e.exp)
        if real and not (e.exp.is_Rational and base >= 0):
            raise _Undefined
        return mpmath.power(base, exponent)
    if isinstance(e, sp.exp):
        return mpmath.exp(args[0])
    if isinstance(e, sp.log):
        if args[0] == 0 or (real and args[0] < 0):
            raise _Undefined
        return mpmath.log(args[0])
    if isinstance(e, sp.Abs):
        return abs(args[0])
    if isinstance(e, sp.Max):
        return max(_realpart(a) for a in args)
    if isinstance(e, sp.Min):
        return min(_realpart(a) for a in args)
    if not real and isinstance(e, (sp.re, sp.im, sp.arg, sp.atan2)):
        if isinstance(e, sp.atan2):
            return mpmath.atan2(_realpart(args[0]), _realpart(args[1]))
        return {sp.re: mpmath.re, sp.im: mpmath.im, sp.arg: mpmath.arg}[e.func](args[0])
    raise _Undefined  # a head this evaluator does not know: no comparison


def _agree(expr: sp.Basic, other: sp.Basic, point: dict) -> bool | None:
    """Do expr (defined over the reals there) and other agree at the point?  None when
    expr is not defined there or its value is too large to compare at 60 digits."""
    with mpmath.workdps(60):
        original = _value(expr, point)
        if original is None or abs(original) > mpmath.mpf(10) ** 30:
            return None
        rewritten = _value(other, point, real=False)
        if rewritten is None:
            return False
        return bool(abs(original - rewritten) <= mpmath.mpf(10) ** -40 * (1 + abs(original)))


@pytest.mark.parametrize("seed", range(EXAMPLES))
def test_normal_form_equals_the_expression_where_defined(seed: int) -> None:
    rng = random.Random(seed)
    domains = {s: rng.choice(_DOMAINS) for s in _SYMBOLS}
    expr = _random_expr(rng, 3)
    normal = Normaliser(_oracle(domains))(expr)
    for point in _points(domains, 6, seed):
        assert _agree(expr, normal, point) is not False, (expr, normal, point)
