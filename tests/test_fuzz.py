"""Fuzzing the whole engine over the whole claim language (tests/_grammar.py).

Properties, each on claims drawn from the grammar and checked with a short time limit:

a. with the re-raise switch off, no exception escapes ``check()`` (invalid input may
   raise the project's input errors, ClaimError or ArgumentError; nothing else may);
b. with it on (the suite's setting, tests/conftest.py), no internal error is raised
   either: a bug that the per-strategy guard would otherwise hide (a and b run on the
   same draw);
c. every verdict re-checks independently.  A refuting witness (segment, curvature,
   point; also the witnesses inside a proof of nonconvex/nonconcave/neither) is
   re-evaluated with SymPy + mpmath at 60 digits (tests/_independent.py, the quantity
   evaluated as one exact expression so that cancellation cannot fake a sign); every
   point it uses lies in the domain and the function *as written* is defined there (the
   text evaluated node by node with mpmath, independently of the parser's evaluated
   expression, on the whole segment); a curvature witness sits at a smooth point
   (second differences converge to the claimed value); a witness "certified for every
   parameter value" is re-checked at other parameter values.  Proofs are spot-checked
   at random domain points: Jensen's inequality, definedness as written, the
   substitution identity;
d. functions convex by construction are never refuted as convex, their negations never
   refuted as concave (and their proofs pass the same spot checks).

The default budget is small (well under a minute of CPU when nothing fails; shrinking a
failure costs more); set ``CONVEXITY_FUZZ_EXAMPLES=2000`` for a long run
(``CONVEXITY_FUZZ_TIMEOUT`` changes the per-claim limit, 2 s by default).
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import random
import signal
import threading
import traceback
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import mpmath
import pytest
import sympy
from hypothesis import HealthCheck, event, given, note, settings

from convexity_proofs import _api, errors
from convexity_proofs._claimfile import build_claim
from convexity_proofs._engine import Settings, check_claim
from convexity_proofs._parser import make_symbol, parse_expression
from convexity_proofs._proof import ContextFact, ProofStep
from convexity_proofs._values import (
    RAISE_INTERNAL_ERRORS_ENV,
    Claim,
    Domain,
    Property,
    Quantifier,
    Status,
    Verdict,
)
from convexity_proofs.errors import CheckTimeout, ClaimError

from . import _independent
from ._grammar import claims, convex_claims

#: Input errors check() may raise on invalid input: ClaimError, and ArgumentError for an
#: argument of the wrong type or shape (both ConvexityProofsError).
INPUT_ERRORS: tuple[type[Exception], ...] = (
    ClaimError,
    *([errors.ArgumentError] if hasattr(errors, "ArgumentError") else []),
)

_LONG = os.environ.get("CONVEXITY_FUZZ_EXAMPLES")
TIMEOUT = float(os.environ.get("CONVEXITY_FUZZ_TIMEOUT", "2"))
DIGITS = 60
#: Seconds any one independent re-check may take before it is abandoned (inconclusive).
RECHECK_SECONDS = 30


def _budget(default: int) -> int:
    return int(_LONG) if _LONG else default


def _settings(default: int) -> settings:
    return settings(
        max_examples=_budget(default),
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
            HealthCheck.large_base_example,
        ],
    )


# ------------------------------------------------------------------- running claims


class CheckHung(BaseException):
    """check() ran far past its time limit (a BaseException: no guard may swallow it)."""


#: check() is given TIMEOUT seconds; a call still running after this long does not
#: honour its limit (not a timing assertion: the margin is thirtyfold).
HANG_SECONDS = max(60.0, 30 * TIMEOUT)


def run(table: dict[str, Any]) -> Verdict:
    """The claim through ``check()`` with the fuzz time limit (raises what check raises);
    a call that does not return within HANG_SECONDS raises CheckHung."""
    if threading.current_thread() is not threading.main_thread():
        return _run(table)

    def expire(signum: int, frame: object) -> None:
        raise CheckHung(
            f"check() did not return within {HANG_SECONDS:g} s of wall time "
            f"(its time limit is {TIMEOUT:g} s)"
        )

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, HANG_SECONDS)
    try:
        return _run(table)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _run(table: dict[str, Any]) -> Verdict:
    kwargs: dict[str, Any] = {
        "variables": table.get("variables"),
        "property": table["property"],
        "domain": table.get("domain"),
        "substitution": table.get("substitution"),
        "name": table["name"],
        "timeout": TIMEOUT,
    }
    if "parameters" in table:
        import inspect

        if "parameters" not in inspect.signature(_api.check).parameters:
            # The claim reader knows the key but check() does not (yet): same validation.
            claim = build_claim(table, file="<fuzz>")
            return check_claim(claim, Settings(timeout=TIMEOUT))
        kwargs["parameters"] = table["parameters"]
    return _api.check(table["function"], **kwargs)


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict | None = None
    claim_error: Exception | None = None
    exception: BaseException | None = None
    trace: str = ""

    def describe(self) -> str:
        if self.exception is not None:
            return f"{type(self.exception).__name__}: {self.exception}\n{self.trace}"
        if self.claim_error is not None:
            return f"{type(self.claim_error).__name__}: {self.claim_error}"
        assert self.verdict is not None
        return f"verdict {self.verdict.status}"


def outcome(table: dict[str, Any], *, raise_internal: bool) -> Outcome:
    """Run the claim with the re-raise switch set as asked; capture whatever happens."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(RAISE_INTERNAL_ERRORS_ENV, "1" if raise_internal else "0")
        try:
            return Outcome(verdict=run(table))
        except INPUT_ERRORS as exc:
            return Outcome(claim_error=exc)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # CheckTimeout escaping counts too
            return Outcome(exception=exc, trace=_trace(exc))


def _trace(exc: BaseException) -> str:
    """Where it happened: the project's frames, then the innermost frame."""
    frames = traceback.extract_tb(exc.__traceback__)
    shown = [f for f in frames if "convexity_proofs" in f.filename]
    if frames and (not shown or shown[-1] is not frames[-1]):
        shown.append(frames[-1])
    return "".join(traceback.format_list(shown[-12:]))


def signature(exc: BaseException) -> str:
    """A short name for a failure, to tell distinct ones apart."""
    frames = [
        f for f in traceback.extract_tb(exc.__traceback__) if "convexity_proofs" in f.filename
    ]
    where = (
        f"{frames[-1].filename.split('convexity_proofs/')[-1]}:{frames[-1].name}" if frames else "?"
    )
    return f"{type(exc).__name__} at {where}"


def reproducer(table: dict[str, Any], verdict: Verdict | None = None) -> str:
    text = "claim " + json.dumps(table, sort_keys=True)
    if verdict is not None:
        text += "\nverdict " + json.dumps(verdict.to_json(), default=str)[:3000]
    return text


# ------------------------------------------------- the function as written, evaluated


class Undefined(Exception):
    """The written text has no real value at the point (the message says why)."""


class Unsure(Exception):
    """Nothing here decides it (a number too large, a sign too close to call)."""


@dataclass(frozen=True)
class _V:
    num: Any  # an mpmath mpf at DIGITS digits
    exact: Fraction | None = None


_BIG = 10**6  # exp, sinh, cosh, ... beyond this: too large to evaluate here (Unsure)
_ZERO_AT: dict[str, Fraction] = {
    "sin": Fraction(0),
    "tan": Fraction(0),
    "sinh": Fraction(0),
    "tanh": Fraction(0),
    "atan": Fraction(0),
    "erf": Fraction(0),
    "cos": Fraction(1),
    "cosh": Fraction(1),
    "exp": Fraction(1),
}


def _small(q: Fraction | None) -> Fraction | None:
    """Keep exact values while they stay small; otherwise only the mpf is kept."""
    if q is None:
        return None
    if max(q.numerator.bit_length(), q.denominator.bit_length()) > 8192:
        return None
    return q


def _mpf(q: Fraction) -> Any:
    return mpmath.mpf(q.numerator) / q.denominator


class Written:
    """The function text evaluated directly, node by node, with real-valued semantics.

    Independent of the parser's SymPy expression (which SymPy's automatic evaluation
    may have rewritten: ``log(x) - log(x)`` is 0 there, yet undefined for x <= 0 as
    written).  Where a sign decides definedness (a divisor, a log's argument, a
    power's base) and rational arithmetic does not settle it, a value below 1e-20 is
    decided exactly by SymPy on the subterm.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.tree = ast.parse(text, mode="eval")

    def evaluate(self, point: dict[str, Fraction], digits: int = DIGITS) -> _V:
        """The value (and the exact rational value when rational arithmetic gave it)."""
        with mpmath.workdps(digits):
            self.point = point
            result = self._eval(self.tree.body)
            if not mpmath.isfinite(result.num):
                raise Unsure("not finite")
            return result

    def value(self, point: dict[str, Fraction], digits: int = DIGITS) -> Any:
        return self.evaluate(point, digits).num

    def defined(self, point: dict[str, Fraction]) -> bool | None:
        try:
            self.value(point)
        except Undefined:
            return False
        except Unsure:
            return None
        return True

    # -- helpers

    def _segment(self, node: ast.AST) -> str:
        segment = ast.get_source_segment(self.text, node)
        assert segment is not None
        return segment

    def _sign(self, v: _V, source: Callable[[], str]) -> int:
        if v.exact is not None:
            return (v.exact > 0) - (v.exact < 0)
        x = v.num
        if not mpmath.isfinite(x):
            raise Unsure("not finite")
        if abs(x) > mpmath.mpf("1e-20"):
            return 1 if x > 0 else -1
        return self._exact_sign(source())

    def _exact_sign(self, text: str) -> int:
        try:
            expr = parse_expression(text)
        except Exception as exc:
            raise Unsure(f"cannot rebuild {text!r}") from exc
        value = expr.xreplace(
            {
                make_symbol(k): sympy.Rational(q.numerator, q.denominator)
                for k, q in self.point.items()
            }
        )
        if value.is_zero:
            return 0
        if value.is_positive:
            return 1
        if value.is_negative:
            return -1
        approx = sympy.N(value, 120)
        if approx.is_real and abs(approx) > sympy.Float("1e-100"):
            return 1 if approx > 0 else -1
        raise Unsure(f"sign of {text!r}")

    def _guard_big(self, v: _V, name: str) -> None:
        if abs(v.num) > _BIG:
            raise Unsure(f"{name} of a number too large")

    # -- nodes

    def _eval(self, node: ast.AST) -> _V:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise Unsure(f"constant {node.value!r}")
            if isinstance(node.value, int):
                q = Fraction(node.value)
            else:
                q = Fraction(Decimal(self._segment(node).replace("_", "")))
            return _V(_mpf(q), q)
        if isinstance(node, ast.Name):
            if node.id == "pi":
                return _V(+mpmath.pi)
            if node.id == "E":
                return _V(+mpmath.e)
            if node.id not in self.point:
                raise Unsure(f"no value for {node.id}")
            q = self.point[node.id]
            return _V(_mpf(q), q)
        if isinstance(node, ast.UnaryOp):
            v = self._eval(node.operand)
            if isinstance(node.op, ast.UAdd):
                return v
            if isinstance(node.op, ast.USub):
                return _V(-v.num, None if v.exact is None else -v.exact)
        if isinstance(node, ast.BinOp):
            return self._binop(node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self._call(node)
        raise Unsure(f"syntax {type(node).__name__}")

    def _binop(self, node: ast.BinOp) -> _V:
        a, b = self._eval(node.left), self._eval(node.right)
        both = a.exact is not None and b.exact is not None
        if isinstance(node.op, ast.Add):
            return _V(a.num + b.num, _small(a.exact + b.exact) if both else None)
        if isinstance(node.op, ast.Sub):
            return _V(a.num - b.num, _small(a.exact - b.exact) if both else None)
        if isinstance(node.op, ast.Mult):
            if a.exact == 0 or b.exact == 0:
                return _V(mpmath.mpf(0), Fraction(0))
            return _V(a.num * b.num, _small(a.exact * b.exact) if both else None)
        if isinstance(node.op, ast.Div):
            if self._sign(b, lambda: self._segment(node.right)) == 0:
                raise Undefined(f"division by zero in {self._segment(node)!r}")
            return _V(a.num / b.num, _small(a.exact / b.exact) if both else None)
        if isinstance(node.op, ast.Pow):
            return self._power(node, a, b)
        raise Unsure(f"operator {type(node.op).__name__}")

    def _power(self, node: ast.BinOp, base: _V, exponent: _V) -> _V:
        where = repr(self._segment(node))
        if exponent.exact is not None and exponent.exact.denominator == 1:
            k = int(exponent.exact)
            if k < 0 and self._sign(base, lambda: self._segment(node.left)) == 0:
                raise Undefined(f"zero to a negative power in {where}")
            exact = None
            if base.exact is not None and abs(k) <= 4096:
                bits = max(base.exact.numerator.bit_length(), base.exact.denominator.bit_length())
                if bits * abs(k) <= 8192:
                    exact = base.exact**k
            return _V(mpmath.power(base.num, k), exact)
        base_sign = self._sign(base, lambda: self._segment(node.left))
        if base_sign > 0:
            if abs(exponent.num * mpmath.log(abs(base.num))) > _BIG:
                raise Unsure("power too large")
            return _V(
                mpmath.power(base.num, exponent.num), Fraction(1) if base.exact == 1 else None
            )
        exponent_sign = self._sign(exponent, lambda: self._segment(node.right))
        if base_sign == 0:
            if exponent_sign > 0:
                return _V(mpmath.mpf(0), Fraction(0))
            if exponent_sign == 0:
                return _V(mpmath.mpf(1), Fraction(1))
            raise Undefined(f"zero to a negative power in {where}")
        if exponent.exact is None and mpmath.almosteq(
            exponent.num, mpmath.nint(exponent.num), abs_eps=mpmath.mpf("1e-40")
        ):
            raise Unsure("negative base, exponent possibly an integer")
        raise Undefined(f"negative base to a non-integer power in {where}")

    def _call(self, node: ast.Call) -> _V:
        name = node.func.id  # type: ignore[attr-defined]
        if name == "Piecewise":
            return self._piecewise(node)
        args = [self._eval(a) for a in node.args]
        if name in ("max", "Max", "min", "Min"):
            pick = max if name.lower() == "max" else min
            exact = None
            if all(a.exact is not None for a in args):
                exact = pick(a.exact for a in args)  # type: ignore[type-var]
            return _V(pick(a.num for a in args), exact)
        if name == "logsumexp":
            for a in args:
                self._guard_big(a, name)
            return _V(mpmath.log(mpmath.fsum(mpmath.exp(a.num) for a in args)))
        (u,) = args
        source = self._segment(node.args[0])
        if name in ("abs", "Abs"):
            return _V(abs(u.num), None if u.exact is None else abs(u.exact))
        if name == "relu":
            return _V(
                max(u.num, mpmath.mpf(0)), None if u.exact is None else max(u.exact, Fraction(0))
            )
        if name == "log":
            if self._sign(u, lambda: source) <= 0:
                raise Undefined(f"log of a number <= 0 in {self._segment(node)!r}")
            return _V(mpmath.log(u.num), Fraction(0) if u.exact == 1 else None)
        if name == "sqrt":
            s = self._sign(u, lambda: source)
            if s < 0:
                raise Undefined(f"sqrt of a negative number in {self._segment(node)!r}")
            return _V(mpmath.sqrt(u.num), Fraction(0) if s == 0 else None)
        if name in ("sin", "cos", "tan") and abs(u.num) > 10**15:
            # A huge argument needs all its digits (its value mod pi): exact ones only.
            if u.exact is None:
                raise Unsure(f"{name} of a huge inexact number")
            extra = len(str(abs(u.exact.numerator // u.exact.denominator))) + 10
            with mpmath.workdps(mpmath.mp.dps + extra):
                u = _V(_mpf(u.exact), u.exact)
                value = {"sin": mpmath.sin, "cos": mpmath.cos, "tan": mpmath.tan}[name](u.num)
                cosine = mpmath.cos(u.num)
            if name == "tan" and self._sign(_V(+cosine), lambda: f"cos({source})") == 0:
                raise Undefined(f"tan at a zero of cos in {self._segment(node)!r}")
            return _V(+value)
        if name == "tan":
            cosine = _V(mpmath.cos(u.num), Fraction(1) if u.exact == 0 else None)
            if self._sign(cosine, lambda: f"cos({source})") == 0:
                raise Undefined(f"tan at a zero of cos in {self._segment(node)!r}")
        if name in ("exp", "sinh", "cosh", "sigmoid", "softplus"):
            self._guard_big(u, name)
        exact = _ZERO_AT.get(name) if u.exact == 0 else None
        functions: dict[str, Callable[[Any], Any]] = {
            "exp": mpmath.exp,
            "sin": mpmath.sin,
            "cos": mpmath.cos,
            "tan": mpmath.tan,
            "sinh": mpmath.sinh,
            "cosh": mpmath.cosh,
            "tanh": mpmath.tanh,
            "atan": mpmath.atan,
            "erf": mpmath.erf,
            "sigmoid": lambda v: 1 / (1 + mpmath.exp(-v)),
            "softplus": lambda v: mpmath.log(1 + mpmath.exp(v)),
        }
        if name not in functions:
            raise Unsure(f"function {name}")
        return _V(functions[name](u.num), exact)

    def _piecewise(self, node: ast.Call) -> _V:
        for pair in node.args:
            assert isinstance(pair, ast.Tuple)
            expr, cond = pair.elts
            if self._condition(cond):
                return self._eval(expr)
        raise Undefined("no Piecewise condition holds")

    def _condition(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            return node.value
        if isinstance(node, ast.BoolOp):
            values = [self._condition(v) for v in node.values]
            return all(values) if isinstance(node.op, ast.And) else any(values)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return not self._condition(node.operand)
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            try:
                values = [self._eval(o) for o in operands]
            except Undefined as exc:  # how a condition's own definedness binds is not settled
                raise Unsure(f"condition operand: {exc}") from exc
            result = True
            for i, op in enumerate(node.ops):
                a, b = values[i], values[i + 1]
                difference = _V(
                    a.num - b.num,
                    a.exact - b.exact if a.exact is not None and b.exact is not None else None,
                )
                left, right = self._segment(operands[i]), self._segment(operands[i + 1])
                s = self._sign(difference, lambda left=left, right=right: f"({left}) - ({right})")
                holds = {ast.Lt: s < 0, ast.LtE: s <= 0, ast.Gt: s > 0, ast.GtE: s >= 0}
                result = result and holds[type(op)]
            return result
        raise Unsure(f"condition {type(node).__name__}")


# ------------------------------------------------------------ independent re-checks


class _Inconclusive(BaseException):
    """An independent re-check took too long: nothing is concluded."""


@contextlib.contextmanager
def _cap(seconds: float) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise _Inconclusive

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _rational(q: Fraction) -> sympy.Rational:
    return sympy.Rational(q.numerator, q.denominator)


def _at_point(expr: sympy.Expr, point: dict[str, Fraction]) -> sympy.Expr:
    return expr.xreplace({make_symbol(k): _rational(q) for k, q in point.items()})


def reliable_sign(expr: sympy.Expr) -> int | None:
    """The sign of an exact constant expression, evaluated as ONE expression by SymPy at
    60 digits (evalf raises its precision through cancellation, so a nonzero result is
    reliable); 0 for a zero or a result with no correct digit; None when not real."""
    if expr.is_Rational:
        return int(bool(expr > 0)) - int(bool(expr < 0))
    value = sympy.N(expr, DIGITS)
    if not (value.is_real and value.is_finite):
        return None
    if value == 0 or (isinstance(value, sympy.Float) and value._prec < 20):
        return 0
    return 1 if value > 0 else -1


def _text(q: Fraction) -> int | str:
    return q.numerator if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


def _q(value: int | str) -> Fraction:
    return Fraction(value)


def _assignment(data: dict[str, int | str]) -> dict[str, Fraction]:
    return {k: _q(v) for k, v in data.items()}


#: What each witness shows, from its certified relation (segment) or sign (curvature).
def _refutes(witness: dict[str, Any], relation: str) -> str:
    kind = witness["kind"]
    if kind == "point":
        return "invariant"
    table = {">": "convex", "<": "concave", "=": "strict", "<0": "convex", ">0": "concave"}
    return table.get(relation, "affine")


#: For a refuted claim: which refutations count.
_REFUTED_BY = {
    Property.CONVEX: {"convex"},
    Property.CONCAVE: {"concave"},
    Property.STRICTLY_CONVEX: {"convex", "strict"},
    Property.STRICTLY_CONCAVE: {"concave", "strict"},
    Property.AFFINE: {"convex", "concave", "affine"},
    Property.INVARIANT: {"invariant"},
}


def _relation(witness_object: Any) -> str:
    if witness_object.kind == "segment":
        return witness_object.relation
    if witness_object.kind == "curvature":
        return witness_object.sign
    return ""


class WitnessCheck:
    """Independent re-checks of one witness for one claim; ``problems`` lists failures."""

    def __init__(
        self,
        claim: Claim,
        table: dict[str, Any],
        witness_object: Any,
        *,
        parameters: dict[str, Fraction] | None = None,
    ) -> None:
        self.claim = claim
        self.table = table
        self.witness = witness_object.to_json()
        if parameters is not None:  # re-check at other parameter values
            self.witness["parameters"] = {k: _text(q) for k, q in parameters.items()}
        self.relation = _relation(witness_object)
        self.written = Written(table["function"])
        self.problems: list[str] = []
        self.variables = {s.name for s in claim.variables}
        self.parameters = {s.name for s in claim.parameters}

    def fail(self, message: str) -> None:
        self.problems.append(message)

    def in_domain(self, assignment: dict[str, Fraction], what: str) -> None:
        for name, q in assignment.items():
            domain = self.claim.domain_of(make_symbol(name))
            if not domain.contains(q):
                self.fail(f"{what}: {name} = {q} is outside its domain {domain.describe()}")

    def defined_as_written(self, point: dict[str, Fraction], what: str) -> Any:
        try:
            return self.written.value(point)
        except Undefined as exc:
            self.fail(f"{what}: the function as written is undefined there ({exc}); point {point}")
        except Unsure:
            pass
        return None

    def run(self) -> list[str]:
        kind = self.witness["kind"]
        try:
            with _cap(RECHECK_SECONDS):
                {"segment": self.segment, "curvature": self.curvature, "point": self.point}[kind]()
        except _Inconclusive:
            event("independent re-check inconclusive (too slow)")
        except AssertionError as exc:  # _independent's "not a finite real"
            self.fail(f"independent evaluation: {exc}")
        return self.problems

    # -- segment: f(t·a + (1−t)·b) against t·f(a) + (1−t)·f(b)

    def segment(self) -> None:
        w = self.witness
        a, b, params = _assignment(w["a"]), _assignment(w["b"]), _assignment(w["parameters"])
        t = _q(w["t"])
        if set(a) != self.variables or set(b) != self.variables:
            self.fail(
                f"segment ends name {sorted(a)} / {sorted(b)}, variables {sorted(self.variables)}"
            )
        if set(params) != self.parameters:
            self.fail(
                f"witness parameters {sorted(params)}, claim parameters {sorted(self.parameters)}"
            )
        if not 0 < t < 1:
            self.fail(f"t = {t} is not in (0, 1)")
        if a == b:
            self.fail("the segment is a single point")
        self.in_domain(a, "segment end a")
        self.in_domain(b, "segment end b")
        self.in_domain(params, "witness parameters")
        mid = {k: t * a[k] + (1 - t) * b[k] for k in a}
        for what, point in (("a", a), ("b", b), ("t·a + (1−t)·b", mid)):
            self.defined_as_written({**point, **params}, f"segment point {what}")
        for k in range(1, 8):  # the obligations hold on the whole segment
            s = Fraction(k, 8)
            inner = {n: s * a[n] + (1 - s) * b[n] for n in a}
            self.defined_as_written({**inner, **params}, f"segment point at s = {s}")
        if self.problems:
            return
        f = _independent._at(self.claim.function, w["parameters"])
        values = [_independent._number(_independent._at(f, p)) for p in (w["a"], w["b"])]
        at_mid = _independent._number(_at_point(f, mid))
        _independent.segment_gap(self.claim, w)  # its own finiteness checks
        r = _rational(t)
        gap = _at_point(f, mid) - r * _at_point(f, a) - (1 - r) * _at_point(f, b)
        sign = reliable_sign(gap)
        shown = sympy.N(gap, 20)
        relation = self.relation
        if sign is None:
            self.fail(f"segment gap {shown} is not a real number")
        elif relation == ">" and sign <= 0:
            self.fail(f"segment gap {shown} is not > 0 (f does not rise above its chord)")
        elif relation == "<" and sign >= 0:
            self.fail(f"segment gap {shown} is not < 0 (f does not fall below its chord)")
        elif relation == "=" and sign != 0:
            self.fail(f"segment gap {shown} is not 0")
        self._compare_with_written(params, [(a, values[0]), (b, values[1]), (mid, at_mid)])

    def _compare_with_written(self, params, pairs) -> None:
        """The parser's expression and the text as written agree where both are defined."""
        for point, value in pairs:
            try:
                written = self.written.value({**point, **params})
            except (Undefined, Unsure):
                continue
            with mpmath.workdps(DIGITS):
                expected = mpmath.mpf(str(value)) if value.is_real else None
                if expected is None:
                    continue
                if abs(written - expected) > mpmath.mpf("1e-20") * (1 + abs(expected)):
                    self.fail(
                        f"the parsed expression is {expected} but the text as written is "
                        f"{written} at {point} {params}"
                    )

    # -- curvature: d²/ds² f(point + s·direction) at 0

    def curvature(self) -> None:
        w = self.witness
        point, direction = _assignment(w["point"]), _assignment(w["direction"])
        params = _assignment(w["parameters"])
        if set(point) != self.variables:
            self.fail(f"curvature point names {sorted(point)}, variables {sorted(self.variables)}")
        if set(params) != self.parameters:
            self.fail(
                f"witness parameters {sorted(params)}, claim parameters {sorted(self.parameters)}"
            )
        if not set(direction) <= self.variables or not any(direction.values()):
            self.fail(f"direction {direction} is zero or names a non-variable")
        self.in_domain(point, "curvature point")
        self.in_domain(params, "witness parameters")
        self.defined_as_written({**point, **params}, "curvature point")
        if self.problems:
            return
        second = _independent.curvature(self.claim, w)  # the number, with its own checks
        along = sympy.Symbol("s_fuzz", real=True)
        line = {
            make_symbol(k): _rational(point[k]) + along * _rational(direction.get(k, Fraction(0)))
            for k in point
        }
        f = _at_point(self.claim.function, params)
        exact = sympy.diff(f.xreplace(line), along, 2).subs(along, 0)
        sign = reliable_sign(exact)
        wanted = {"<0": -1, ">0": 1}.get(self.relation)
        if sign is None:
            self.fail(f"second derivative {second} is not a real number")
        elif wanted is not None and sign != wanted:
            self.fail(f"second derivative {second} does not have the sign {self.relation}")
        elif wanted is None and sign == 0:
            self.fail(f"second derivative {second} is not certifiably != 0")
        self._smooth_there(point, direction, params, second)

    def _smooth_there(self, point, direction, params, second) -> None:
        """Second differences of the text as written converge to the claimed value:
        the function is defined around the point and has no kink or jump there."""

        def along(s: Fraction) -> dict[str, Fraction]:
            return {k: point[k] + s * direction.get(k, Fraction(0)) for k in point}

        def inside(s: Fraction) -> bool:
            return all(
                self.claim.domain_of(make_symbol(k)).contains(v) for k, v in along(s).items()
            )

        # Enough digits that rounding (relative to |f|) is far below h² times the error.
        try:
            magnitude = abs(self.written.value({**point, **params}))
        except (Undefined, Unsure):
            return
        extra = int(mpmath.log10(magnitude + 1)) if mpmath.isfinite(magnitude) else 10**6
        if extra > 1000:
            return
        digits = DIGITS + 30 + extra
        errors = []
        for h in (Fraction(1, 10**12), Fraction(1, 10**14)):
            if inside(h) and inside(-h):
                steps = (-h, Fraction(0), h)
            elif inside(h) and inside(2 * h):
                steps = (Fraction(0), h, 2 * h)
            elif inside(-h) and inside(-2 * h):
                steps = (-2 * h, -h, Fraction(0))
            else:
                return
            try:
                g = [self.written.value({**along(s), **params}, digits) for s in steps]
            except Undefined as exc:
                self.fail(
                    f"the function as written is undefined next to the curvature point ({exc})"
                )
                return
            except Unsure:
                return
            with mpmath.workdps(digits):
                d2 = (g[0] - 2 * g[1] + g[2]) / _mpf(h) ** 2
                errors.append(abs(d2 - mpmath.mpf(str(second))))
        if len(errors) == 2:
            close = errors[1] <= mpmath.mpf("1e-8") * (1 + abs(mpmath.mpf(str(second))))
            if not close and not errors[1] <= errors[0] / 20:
                self.fail(
                    "second differences of f along the direction do not converge to the "
                    f"claimed second derivative {second} (errors {errors[0]}, {errors[1]} at "
                    "h = 1e-12, 1e-14): a kink or jump at the curvature point?"
                )

    # -- point: f and the substituted f differ

    def point(self) -> None:
        w = self.witness
        point = _assignment(w["point"])
        symbols = {s.name for s, _ in self.claim.domains}
        if set(point) != symbols:
            self.fail(f"point names {sorted(point)}, the claim's symbols {sorted(symbols)}")
            return
        self.in_domain(point, "invariance point")
        self.defined_as_written(point, "invariance point")
        image = _image(self.table.get("substitution", {}), point)
        if isinstance(image, str):
            self.fail(image)
        elif image is not None:  # σ(point) is rational: f must be defined there too
            self.defined_as_written(image, "substituted point σ(point)")
        if self.problems:
            return
        difference = _independent.point_difference(self.claim, w)  # with its own checks
        image = self.claim.function.xreplace(dict(self.claim.substitution))
        exact = _at_point(self.claim.function, point) - _at_point(image, point)
        if not reliable_sign(exact):
            self.fail(f"f - f∘σ = {difference} at the point is not certifiably nonzero")


def _image(substitution: dict[str, str], point: dict[str, Fraction]) -> Any:
    """σ(point) when every substituted value is rational; None if not (or undecided);
    a message if a substitution is undefined at the point."""
    image = dict(point)
    for name, text in substitution.items():
        try:
            value = Written(text).evaluate(point)
        except Undefined as exc:
            return f"the substitution {name} = {text!r} is undefined at {point} ({exc})"
        except Unsure:
            return None
        if value.exact is None:
            return None
        image[name] = value.exact
    return image


def proof_witnesses(steps: tuple[ProofStep, ...]) -> list[Any]:
    found = []
    for step in steps:
        if step.witness is not None:
            found.append(step.witness)
        found.extend(proof_witnesses(step.children))
    return found


# ------------------------------------------------------------- spot-checking proofs


def _sample(domain: Domain, rng: random.Random) -> Fraction:
    """A point of the domain: ends, simple values and random rationals."""
    lo, hi = domain.lo, domain.hi
    if lo is not None and hi is not None:
        u = rng.choice([Fraction(0), Fraction(1), Fraction(1, 2), Fraction(1, 3), Fraction(2, 7)])
        if rng.random() < 0.4:
            u = Fraction(rng.randint(0, 64), 64)
        q = lo + (hi - lo) * u
        if not domain.contains(q):
            q = (lo + hi) / 2
        return q
    steps = [
        Fraction(0),
        Fraction(1, 1000),
        Fraction(1, 2),
        Fraction(1),
        Fraction(2),
        Fraction(7, 3),
        Fraction(10),
    ]
    if lo is not None:
        q = lo + rng.choice(steps)
    elif hi is not None:
        q = hi - rng.choice(steps)
    else:
        q = rng.choice(
            [
                Fraction(0),
                Fraction(1),
                Fraction(-1),
                Fraction(1, 2),
                Fraction(-3, 2),
                Fraction(3),
                Fraction(-5, 7),
            ]
        )
        if rng.random() < 0.5:
            q = Fraction(rng.randint(-64, 64), rng.choice([1, 2, 4, 8, 16]))
    if not domain.contains(q):
        q += Fraction(1, 1000) if lo is not None else -Fraction(1, 1000)
    return q


class ProofCheck:
    """Random domain points against a proof: Jensen's inequality, definedness as
    written, the substitution identity.  Only a violation with a margin counts."""

    SEGMENTS = 8

    def __init__(
        self,
        claim: Claim,
        table: dict[str, Any],
        shape: str,
        pinned: dict[str, Fraction] | None = None,
    ) -> None:
        self.claim = claim
        self.table = table
        # "convex", "concave", "strict-convex", "strict-concave", "affine", "either" or
        # "invariant"; ``pinned``: the parameter values a proof "at one value" is for.
        self.shape = shape
        self.pinned = pinned
        self.written = Written(table["function"])
        self.rng = random.Random(zlib.crc32(json.dumps(table, sort_keys=True).encode()))
        self.problems: list[str] = []
        for name, q in (pinned or {}).items():
            domain = claim.domain_of(make_symbol(name))
            if not domain.contains(q):
                self.fail(f"the proof pins {name} = {q}, outside its domain {domain.describe()}")

    def draw(self, symbols) -> dict[str, Fraction]:
        drawn = {s.name: _sample(self.claim.domain_of(s), self.rng) for s in symbols}
        if self.pinned is not None:
            drawn.update({k: v for k, v in self.pinned.items() if k in drawn})
        return drawn

    def value(self, point: dict[str, Fraction], what: str) -> Any:
        try:
            return self.written.value(point)
        except Undefined as exc:
            if self.shape != "invariant":
                self.fail(
                    f"proved, but the function as written is undefined at the domain point "
                    f"{what} = {point} ({exc})"
                )
            return None
        except Unsure:
            return None

    def fail(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)

    def run(self) -> list[str]:
        try:
            with _cap(RECHECK_SECONDS):
                if self.shape == "invariant":
                    self.invariant()
                else:
                    self.jensen()
        except _Inconclusive:
            event("proof spot-check inconclusive (too slow)")
        return self.problems

    def jensen(self) -> None:
        above = below = None
        for _ in range(self.SEGMENTS):
            params = self.draw(self.claim.parameters)
            a, b = self.draw(self.claim.variables), self.draw(self.claim.variables)
            t = self.rng.choice([Fraction(1, 2), Fraction(1, 3), Fraction(3, 4)])
            mid = {k: t * a[k] + (1 - t) * b[k] for k in a}
            fa = self.value({**a, **params}, "a")
            fb = self.value({**b, **params}, "b")
            fm = self.value({**mid, **params}, "t·a + (1−t)·b")
            if fa is None or fb is None or fm is None:
                continue
            with mpmath.workdps(DIGITS):
                gap = fm - _mpf(t) * fa - _mpf(1 - t) * fb
                tol = mpmath.mpf("1e-40") * (1 + abs(fa) + abs(fb) + abs(fm))
            where = f"a = {a}, b = {b}, t = {t}, parameters {params}: gap {mpmath.nstr(gap, 8)}"
            if abs(gap) <= tol:
                continue
            # Confirmed on the exact expression, evaluated as one (no cancellation error).
            f = _at_point(self.claim.function, params)
            r = _rational(t)
            sign = reliable_sign(
                _at_point(f, mid) - r * _at_point(f, a) - (1 - r) * _at_point(f, b)
            )
            if sign == 1:
                above = where
            if sign == -1:
                below = where
            if self.shape in ("convex", "strict-convex", "affine") and sign == 1:
                self.fail(f"proved {self.shape}, but f rises above a chord: {where}")
            if self.shape in ("concave", "strict-concave", "affine") and sign == -1:
                self.fail(f"proved {self.shape}, but f falls below a chord: {where}")
        if self.shape == "either" and above and below:
            self.fail(f"refuted 'neither' by a proof, but f is neither: {above}; {below}")

    def invariant(self) -> None:
        substitution = self.table.get("substitution", {})
        symbols = tuple(s for s, _ in self.claim.domains)
        for _ in range(self.SEGMENTS):
            point = self.draw(symbols)
            image = _image(substitution, point)
            if not isinstance(image, dict):
                continue
            try:
                left, right = self.written.value(point), self.written.value(image)
            except (Undefined, Unsure):
                continue
            with mpmath.workdps(DIGITS):
                tol = mpmath.mpf("1e-30") * (1 + abs(left) + abs(right))
                differ = abs(left - right) > tol
            f = self.claim.function
            if differ and reliable_sign(_at_point(f, point) - _at_point(f, image)):
                self.fail(
                    f"proved invariant, but f = {mpmath.nstr(left, 12)} and f∘σ = "
                    f"{mpmath.nstr(right, 12)} at {point}"
                )


_PROVED_SHAPE = {
    Property.CONVEX: "convex",
    Property.CONCAVE: "concave",
    Property.STRICTLY_CONVEX: "strict-convex",
    Property.STRICTLY_CONCAVE: "strict-concave",
    Property.AFFINE: "affine",
    Property.INVARIANT: "invariant",
}
_REFUTED_BY_PROOF_SHAPE = {
    Property.NONCONVEX: "convex",
    Property.NONCONCAVE: "concave",
    Property.NEITHER: "either",
}
_PROVED_BY_WITNESSES = {
    Property.NONCONVEX: [{"convex"}],
    Property.NONCONCAVE: [{"concave"}],
    Property.NEITHER: [{"convex"}, {"concave"}],
}


def _parameter_samples(claim: Claim, rng: random.Random) -> list[dict[str, Fraction]]:
    """Parameter values to re-check a witness "certified for every value" at: the
    corners of the parameter box (or simple values of unbounded domains), random ones."""
    samples = []
    corners = []
    for s in claim.parameters:
        d = claim.domain_of(s)
        ends = [q for q in (d.lo, d.hi) if q is not None and d.contains(q)]
        corners.append(ends or [_sample(d, rng)])
    for pick in range(4):
        samples.append(
            {
                s.name: c[(pick >> i) % len(c)]
                for i, (s, c) in enumerate(zip(claim.parameters, corners, strict=True))
            }
        )
    for _ in range(3):
        samples.append({s.name: _sample(claim.domain_of(s), rng) for s in claim.parameters})
    unique = []
    for sample in samples:
        if sample not in unique:
            unique.append(sample)
    return unique


def _witness_problems(claim: Claim, table: dict[str, Any], w: Any, *, uniform: bool) -> list[str]:
    """Re-check one witness; ``uniform``: it is claimed for every parameter value, so it
    is re-checked at its own parameter values and at others from their domains."""
    problems = WitnessCheck(claim, table, w).run()
    if uniform and claim.parameters and w.kind in ("segment", "curvature"):
        rng = random.Random(zlib.crc32(json.dumps(table, sort_keys=True).encode()))
        for values in _parameter_samples(claim, rng):
            found = WitnessCheck(claim, table, w, parameters=values).run()
            problems += [f"(certified for every parameter value) at {values}: {p}" for p in found]
            if found:
                break
    return problems


def _point_elsewhere(claim: Claim, table: dict[str, Any], w: Any) -> str:
    """Where the point witness's difference vanishes at other parameter values."""
    rng = random.Random(zlib.crc32(json.dumps(table, sort_keys=True).encode()))
    point = _assignment(w.to_json()["point"])
    image = claim.function.xreplace(dict(claim.substitution))
    for values in [
        {s.name: Fraction(0) for s in claim.parameters},
        *_parameter_samples(claim, rng),
    ]:
        if not all(claim.domain_of(make_symbol(k)).contains(q) for k, q in values.items()):
            continue
        moved = {**point, **values}
        try:
            with _cap(RECHECK_SECONDS):
                sign = reliable_sign(_at_point(claim.function, moved) - _at_point(image, moved))
        except _Inconclusive:
            continue
        if sign == 0:
            return f"; at the parameter values {values} the two sides are equal there"
    return ""


def verdict_problems(table: dict[str, Any], verdict: Verdict) -> list[str]:
    """Everything an independent re-check finds wrong with one verdict.

    Parameters are read as the README's table says: ``all`` refutes a convex-like claim
    by a witness at one value and proves a nonconvex-like one by witnesses certified for
    every value; ``some`` the other way round.  Proofs at one (unknown) parameter value
    are not spot-checked.
    """
    claim = verdict.claim
    prop = claim.property
    parameters = bool(claim.parameters)
    some = claim.quantifier is Quantifier.SOME and parameters
    every = claim.quantifier is not Quantifier.SOME and parameters
    problems: list[str] = []
    if verdict.status is Status.REFUTED and verdict.witness is not None:
        w = verdict.witness
        refutes = _refutes(w.to_json(), _relation(w))
        if prop not in _REFUTED_BY or refutes not in _REFUTED_BY[prop]:
            problems.append(f"a {prop} claim refuted by a witness that refutes {refutes!r}")
        if some and w.kind == "point":
            problems.append(
                "a claim about some parameter value refuted by one point (not certified for "
                "every value)" + _point_elsewhere(claim, table, w)
            )
        problems += _witness_problems(claim, table, w, uniform=some)
    if verdict.status is Status.PROVED and prop in _PROVED_BY_WITNESSES:
        witnesses = proof_witnesses(verdict.proof)
        shown = [_refutes(w.to_json(), _relation(w)) for w in witnesses]
        for needed in _PROVED_BY_WITNESSES[prop]:
            if not any(s in needed for s in shown):
                problems.append(f"proved {prop}, but no witness in the proof refutes {needed}")
        for w in witnesses:
            problems += _witness_problems(claim, table, w, uniform=every)
    # Proofs: for every parameter value, or (a step "at one parameter value") at the
    # pinned values.  A proof the quantifier needs at one value but that names none is
    # not spot-checked (which value it is for is not known).
    shape, steps = None, ()
    if verdict.status is Status.PROVED and prop in _PROVED_SHAPE:
        shape, steps = _PROVED_SHAPE[prop], verdict.proof
    if verdict.status is Status.REFUTED and verdict.witness is None:
        shape, steps = _REFUTED_BY_PROOF_SHAPE.get(prop), verdict.refuting_proof
    if shape is not None:
        pinned = pinned_parameters(steps)
        one_value = (some and verdict.status is Status.PROVED) or (
            every and verdict.status is Status.REFUTED
        )
        if pinned is not None or not one_value:
            problems += ProofCheck(claim, table, shape, pinned).run()
    return problems


def pinned_parameters(steps: tuple[ProofStep, ...]) -> dict[str, Fraction] | None:
    """The values of a proof "at one parameter value" (its ContextFact)."""
    for step in steps:
        if step.rule == "at-parameters":
            (context,) = step.facts_of(ContextFact)
            return {s.name: q for s, q in context.pinned}
        found = pinned_parameters(step.children)
        if found is not None:
            return found
    return None


# ------------------------------------------------------------------------ the tests


@_settings(default=30)
@given(claims())
def test_no_exception_escapes_check_with_the_guard_on_or_off(table: dict[str, Any]) -> None:
    note(reproducer(table))
    guarded = outcome(table, raise_internal=False)
    raising = outcome(table, raise_internal=True)
    failures = []
    if guarded.exception is not None:
        failures.append("(a) an exception escaped check() with re-raise off: " + guarded.describe())
    if raising.exception is not None:
        failures.append("(b) internal error with re-raise on: " + raising.describe())
    if (guarded.claim_error is None) != (raising.claim_error is None) and not (
        guarded.exception or raising.exception
    ):
        failures.append(
            "the switch changed whether the input is valid: "
            f"off -> {guarded.describe()}; on -> {raising.describe()}"
        )
    assert not failures, reproducer(table) + "\n" + "\n".join(failures)


@_settings(default=60)
@given(claims())
def test_verdicts_recheck_independently(table: dict[str, Any]) -> None:
    note(reproducer(table))
    try:
        verdict = run(table)
    except INPUT_ERRORS:
        event("input error")
        return
    except (CheckTimeout, CheckHung) as exc:  # BaseExceptions: fail, do not stop the run
        raise AssertionError(f"{type(exc).__name__}: {exc}\n{reproducer(table)}") from exc
    event(f"{verdict.claim.property} {verdict.status}")
    problems = verdict_problems(table, verdict)
    assert not problems, reproducer(table, verdict) + "\n" + "\n".join(problems)


def _never_refuted(table: dict[str, Any], what: str) -> None:
    note(reproducer(table))
    try:
        verdict = run(table)
    except (CheckTimeout, CheckHung) as exc:
        raise AssertionError(f"{type(exc).__name__}: {exc}\n{reproducer(table)}") from exc
    event(f"{table['property']} {verdict.status}")
    if verdict.status is Status.REFUTED:
        details = ""
        if verdict.witness is not None:
            found = WitnessCheck(verdict.claim, table, verdict.witness).run()
            details = "\nindependent re-check of the witness: " + (
                "; ".join(found) or "it holds (grammar bug?)"
            )
        raise AssertionError(f"{what} refuted\n" + reproducer(table, verdict) + details)
    problems = verdict_problems(table, verdict)
    assert not problems, reproducer(table, verdict) + "\n" + "\n".join(problems)


@_settings(default=40)
@given(convex_claims())
def test_convex_by_construction_is_never_refuted(table: dict[str, Any]) -> None:
    _never_refuted(table, "a function convex by construction is")


@_settings(default=40)
@given(convex_claims(concave=True))
def test_concave_by_construction_is_never_refuted_as_concave(table: dict[str, Any]) -> None:
    _never_refuted(table, "a function concave by construction is")


# ------------------------------------------------- the checkers check (fixed cases)


def test_written_evaluation_keeps_what_sympy_removes() -> None:
    assert Written("log(x) - log(x)").defined({"x": Fraction(-1)}) is False
    assert Written("log(x) - log(x)").defined({"x": Fraction(2)}) is True
    assert Written("x/(3*x - 1)").defined({"x": Fraction(1, 3)}) is False
    assert Written("x**(1/2)").defined({"x": Fraction(-1, 4)}) is False
    assert Written("x**(-1)").defined({"x": Fraction(0)}) is False
    assert Written("tan(pi/2 + 0*x)").defined({"x": Fraction(1)}) is False
    assert Written("Piecewise((log(x), x > 0), (0, True))").defined({"x": Fraction(-1)}) is True
    assert Written("x**y").defined({"x": Fraction(-2), "y": Fraction(3)}) is True
    assert Written("x**y").defined({"x": Fraction(-2), "y": Fraction(1, 2)}) is False
    assert Written("sqrt(x)**2").defined({"x": Fraction(-1)}) is False


def test_witness_check_catches_a_bogus_segment_witness() -> None:
    from convexity_proofs._values import SegmentWitness

    table = {"name": "t", "function": "x**2", "variables": ["x"], "property": "convex"}
    claim = build_claim(table)
    bogus = SegmentWitness(
        a=(("x", Fraction(-1)),),
        b=(("x", Fraction(1)),),
        t=Fraction(1, 2),
        parameters=(),
        relation=">",
        at_t=0.0,
        chord=1.0,
    )
    assert WitnessCheck(claim, table, bogus).run()


def test_witness_check_catches_a_curvature_witness_at_a_kink() -> None:
    from convexity_proofs._values import CurvatureWitness

    table = {
        "name": "t",
        "function": "Piecewise((-x**2, x < 0), (x, True))",
        "variables": ["x"],
        "property": "convex",
    }
    claim = build_claim(table)
    # At x = 0 SymPy's derivative takes the branch x (f'' = 0) or -x**2; the kink is real.
    kink = CurvatureWitness(
        point=(("x", Fraction(0)),),
        direction=(("x", Fraction(1)),),
        parameters=(),
        sign="<0",
        second_derivative=-2.0,
    )
    problems = WitnessCheck(claim, table, kink).run()
    assert problems


def test_proof_check_catches_a_proof_of_an_undefined_function() -> None:
    # SymPy evaluates 0*log(x - 5) to 0; as written it is undefined for x <= 5.
    table = {
        "name": "t",
        "function": "x**2 + 0*log(x - 5)",
        "variables": ["x"],
        "property": "convex",
    }
    assert ProofCheck(build_claim(table), table, "convex").run()
