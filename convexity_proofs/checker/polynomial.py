"""Replay of ``polynomial-hessian``: a polynomial whose Hessian z3 decided on the box.

The checker re-derives everything but z3's ``unsat`` itself:

* the subject is a polynomial with rational coefficients in the recorded generators
  (the step's variables, then parameters), read by a structural walk and ``sympy.Poly``
  over QQ; the box (the context's domains) is nonempty, with nonempty interior in each
  variable, so no query is unsat for want of points;
* the form vᵀ∇²f(x)v is recomputed (``sympy.diff`` of the Poly) and compared with the
  recorded one by ``expand``;
* the SMT-LIB text of every query is written again by the checker's own writer, from
  the Hessian it computed and the context's domains, and compared with the recorded
  text character by character, so a tampered query (a dropped bound, a changed
  coefficient, a missing minor) fails;
* the method makes "every query unsat" imply the conclusion: all principal minors
  >= 0 (or vᵀHv >= 0 for every v scaled to v_k = 1, |v_i| <= 1) on the open box means H
  PSD inside, so f is convex on the interior and, being continuous, on the box; for
  strict convexity all leading minors > 0 (Sylvester) or vᵀHv > 0 on the closed box;
* with ``recheck_z3`` every recorded text is given to z3 again (imported only then),
  which must answer unsat.

The text format (one command per line, see docs/certificates.md): ``(set-logic
QF_NRA)``, ``(declare-fun gI () Real)`` per generator, ``(declare-fun vI () Real)`` per
free direction component, each generator's bounds (lower then upper), the direction
bounds -1 <= v_i <= 1, the violation, ``(check-sat)``.  Numbers are ``n``, ``(- n)``,
``(/ p q)``, ``(- (/ p q))``; a polynomial is the sum of its terms by decreasing
exponent tuple, each ``(* c gI gI gJ ...)`` with c left out when it is 1.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from fractions import Fraction

import sympy
from sympy import QQ, Poly
from sympy.polys.polyerrors import BasePolynomialError

from convexity_proofs._brief import brief
from convexity_proofs._proof import PolynomialFact, ProofStep
from convexity_proofs._values import REAL, Domain
from convexity_proofs.checker._core import Checker, CheckFailure, Context, require, rule
from convexity_proofs.checker._size import MAX_TERMS, small_enough

#: Principal minors are regenerated for at most this many variables (2**n - 1 of them).
MAX_MINOR_VARIABLES = 5
#: Limits on what the checker expands (a certificate is untrusted input).
MAX_GENERATORS = 24
MAX_EXPONENT = 64
#: Wall time z3 gets per query when re-checking, in milliseconds.
RECHECK_TIMEOUT_MS = 120_000

#: (strict, method) -> (relation of the violation, open box in the variables, minors)
METHODS: dict[tuple[bool, str], tuple[str, bool, str | None]] = {
    (False, "principal-minors"): ("<", True, "principal"),
    (False, "quadratic-form"): ("<", True, None),
    (True, "leading-minors"): ("<=", False, "leading"),
    (True, "quadratic-form"): ("<=", False, None),
}


# --- the checker's own SMT-LIB writer ----------------------------------------------------


def smt_number(q: Fraction) -> str:
    n, d = abs(q.numerator), q.denominator
    text = str(n) if d == 1 else f"(/ {n} {d})"
    return f"(- {text})" if q < 0 else text


def _apply(op: str, args: Sequence[str], empty: str) -> str:
    if not args:
        return empty
    return args[0] if len(args) == 1 else f"({op} {' '.join(args)})"


def smt_poly(poly: Poly) -> str:
    """A polynomial over QQ in the generators g0, g1, ... (Poly's generator order)."""
    terms = []
    for monom, c in sorted(
        ((tuple(m), Fraction(int(c.p), int(c.q))) for m, c in poly.terms() if c != 0),
        reverse=True,
    ):
        powers = [f"g{i}" for i, e in enumerate(monom) for _ in range(e)]
        factors = powers if c == 1 and powers else [smt_number(c), *powers]
        terms.append(_apply("*", factors, "1"))
    return _apply("+", terms, "0")


def smt_script(
    domains: Sequence[Domain],
    n: int,
    directions: Sequence[int],
    violation: str,
    *,
    open_box: bool,
) -> str:
    lines = ["(set-logic QF_NRA)"]
    lines += [f"(declare-fun g{i} () Real)" for i in range(len(domains))]
    lines += [f"(declare-fun v{i} () Real)" for i in directions]
    for i, d in enumerate(domains):
        strict_lo = d.lo_open or (open_box and i < n)
        strict_hi = d.hi_open or (open_box and i < n)
        if d.lo is not None:
            lines.append(f"(assert ({'>' if strict_lo else '>='} g{i} {smt_number(d.lo)}))")
        if d.hi is not None:
            lines.append(f"(assert ({'<' if strict_hi else '<='} g{i} {smt_number(d.hi)}))")
    for i in directions:
        lines += [f"(assert (>= v{i} (- 1)))", f"(assert (<= v{i} 1))"]
    lines.append(f"(assert {violation})")
    lines.append("(check-sat)")
    return "\n".join(lines) + "\n"


def _determinant(rows: list[list[Poly]]) -> Poly:
    """Exact determinant by cofactor expansion (small blocks only)."""
    if len(rows) == 1:
        return rows[0][0]
    total = rows[0][0] * 0
    for col, head in enumerate(rows[0]):
        if head.is_zero:
            continue
        minor = _determinant([row[:col] + row[col + 1 :] for row in rows[1:]])
        total = total - head * minor if col % 2 else total + head * minor
    return total


def queries(
    hessian: dict[tuple[int, int], Poly],
    domains: Sequence[Domain],
    n: int,
    method: str,
    strict: bool,
) -> list[str]:
    """The SMT-LIB text of every query of ``method``, as the checker writes it."""
    relation, open_box, minors = METHODS[(strict, method)]

    def entry(i: int, j: int) -> Poly:
        return hessian[(min(i, j), max(i, j))]

    if minors is not None:
        if minors == "principal":
            subsets = [
                s for size in range(1, n + 1) for s in itertools.combinations(range(n), size)
            ]
        else:
            subsets = [tuple(range(k)) for k in range(1, n + 1)]
        out = []
        for subset in subsets:
            minor = _determinant([[entry(i, j) for j in subset] for i in subset])
            out.append(
                smt_script(domains, n, (), f"({relation} {smt_poly(minor)} 0)", open_box=open_box)
            )
        return out
    texts = {key: smt_poly(h) for key, h in hessian.items() if not h.is_zero}
    out = []
    for k in range(n):
        parts = []
        for i, j in itertools.combinations_with_replacement(range(n), 2):
            if (i, j) not in texts:
                continue
            factors = ["2"] if i != j else []
            factors += [f"v{m}" for m in (i, j) if m != k]
            parts.append(_apply("*", [*factors, texts[(i, j)]], "1"))
        form = _apply("+", parts, "0")
        others = [i for i in range(n) if i != k]
        out.append(smt_script(domains, n, others, f"({relation} {form} 0)", open_box=open_box))
    return out


# --- the replay -----------------------------------------------------------------------------


def _polynomial(subject: sympy.Expr, symbols: tuple[sympy.Symbol, ...], what: str) -> Poly:
    """The subject as a Poly over QQ, after a walk that admits only sums, products,
    nonnegative integer powers, rational numbers and the generators (so the Poly is
    exactly the function: no float is read, no constant like π approximated)."""
    allowed = set(symbols)
    stack = [subject]
    while stack:
        node = stack.pop()
        if node.is_Symbol:
            require(node in allowed, f"{what}: {node} is not among the generators")
        elif node.is_Rational:
            continue
        elif node.is_Add or node.is_Mul:
            stack.extend(node.args)
        elif node.is_Pow and node.exp.is_Integer and 0 <= node.exp <= MAX_EXPONENT:
            stack.append(node.base)
        else:
            raise CheckFailure(
                f"{what}: the subject is not a polynomial with rational coefficients "
                f"(it contains {brief(node, 40)})"
            )
    require(
        small_enough(subject),
        f"{what}: the subject would expand to more than {MAX_TERMS} terms",
    )
    try:
        return Poly(subject, *symbols, domain=QQ)
    except (BasePolynomialError, ValueError) as exc:
        raise CheckFailure(f"{what}: the subject is not a polynomial over QQ ({exc})") from None


def _box(symbols: tuple[sympy.Symbol, ...], n: int, context: Context, what: str) -> list[Domain]:
    """The generators' domains; nonempty, with interior in the variables (an empty box
    would make every query unsat and prove anything)."""
    out = []
    for i, s in enumerate(symbols):
        d = context.domains.get(s, REAL)
        if d.lo is not None and d.hi is not None:
            if i < n:
                require(d.lo < d.hi, f"{what}: the domain of {s} has no interior")
            else:
                require(
                    d.lo < d.hi or (d.lo == d.hi and not (d.lo_open or d.hi_open)),
                    f"{what}: the domain of {s} is empty",
                )
        out.append(d)
    return out


def _first_difference(a: str, b: str) -> int:
    for line, (x, y) in enumerate(zip(a.splitlines(), b.splitlines(), strict=False), 1):
        if x != y:
            return line
    return min(len(a.splitlines()), len(b.splitlines())) + 1


@rule("polynomial-hessian")
def check_polynomial_hessian(step: ProofStep, context: Context, checker: Checker) -> None:
    what = "polynomial Hessian"
    facts = step.facts_of(PolynomialFact)
    require(
        len(facts) == 1 and len(step.facts) == 1,
        f"{what}: needs exactly one polynomial fact",
    )
    fact: PolynomialFact = facts[0]
    require(fact.solver == "z3", f"{what}: unknown solver {fact.solver!r}")
    require(fact.result == "unsat", f"{what}: the queries are {fact.result!r}, not unsat")
    allowed = ("convex", "strictly-convex") if fact.strict else ("convex",)
    require(
        step.conclusion in allowed,
        f"{what}: a {'strict ' if fact.strict else ''}decision does not show {step.conclusion}",
    )
    require(
        (fact.strict, fact.method) in METHODS,
        f"{what}: unknown method {fact.method!r}{' (strict)' if fact.strict else ''}",
    )
    symbols, n = fact.symbols, len(context.variables)
    require(n >= 1, f"{what}: the step has no variables")
    require(
        all(isinstance(s, sympy.Symbol) for s in symbols) and len(set(symbols)) == len(symbols),
        f"{what}: the generators are not distinct symbols",
    )
    require(len(symbols) <= MAX_GENERATORS, f"{what}: more than {MAX_GENERATORS} generators")
    require(
        set(symbols[:n]) == set(context.variables) and len(symbols) >= n,
        f"{what}: the first generators are not the variables of the step",
    )
    require(
        not any(context.is_variable(s) for s in symbols[n:]),
        f"{what}: a variable is listed among the parameters",
    )
    require(
        fact.method != "principal-minors" or n <= MAX_MINOR_VARIABLES,
        f"{what}: principal minors are re-checked for at most {MAX_MINOR_VARIABLES} variables",
    )
    domains = _box(symbols, n, context, what)
    poly = _polynomial(step.subject, symbols, what)
    gens = poly.gens
    hessian = {
        (i, j): poly.diff(gens[i]).diff(gens[j])
        for i, j in itertools.combinations_with_replacement(range(n), 2)
    }
    # The form vᵀ∇²f v, recomputed.
    direction = fact.direction
    require(
        len(direction) == n
        and len(set(direction)) == n
        and all(isinstance(v, sympy.Symbol) for v in direction)
        and not set(direction) & set(symbols),
        f"{what}: the direction needs {n} fresh distinct symbols",
    )
    form = sympy.Add(
        *(
            (1 if i == j else 2) * direction[i] * direction[j] * h.as_expr()
            for (i, j), h in hessian.items()
        )
    )
    require(
        small_enough(fact.form),
        f"{what}: the recorded form would expand to more than {MAX_TERMS} terms",
    )
    require(
        sympy.expand(fact.form - form) == 0,
        f"{what}: the recorded form vᵀ∇²f(x)v is not the one the subject gives",
    )
    expected = queries(hessian, domains, n, fact.method, fact.strict)
    require(
        len(fact.smtlib) == len(expected),
        f"{what}: {len(fact.smtlib)} queries are recorded, the method needs {len(expected)}",
    )
    for k, (recorded, mine) in enumerate(zip(fact.smtlib, expected, strict=True)):
        require(
            recorded == mine,
            f"{what}: SMT-LIB query {k} is not the one the checker writes (first difference "
            f"on line {_first_difference(recorded, mine)})",
        )
    if checker.recheck_z3:
        _recheck(fact, what)


def _recheck(fact: PolynomialFact, what: str) -> None:
    """Give every recorded query to z3 again; each must be unsat."""
    try:
        import z3
    except ImportError:
        raise CheckFailure(
            f"{what}: --recheck-z3 needs z3-solver, which is not installed"
        ) from None
    for k, text in enumerate(fact.smtlib):
        ctx = z3.Context()
        solver = z3.SolverFor("QF_NRA", ctx=ctx)
        solver.set("timeout", RECHECK_TIMEOUT_MS)
        try:
            solver.from_string(text)
            answer = solver.check()
        except z3.Z3Exception as exc:
            raise CheckFailure(f"{what}: z3 cannot read query {k} ({exc})") from None
        require(
            answer == z3.unsat,
            f"{what}: z3 {z3.get_version_string()} answers {answer} on query {k}, not unsat",
        )
