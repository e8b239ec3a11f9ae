"""Hypothesis strategies for the claim language, shared by the fuzz tests.

Two families:

* :func:`claims` — arbitrary claims over the *whole* language, as the table a claim
  file (or :func:`convexity_proofs.check`) takes: function texts using every function
  of the vocabulary, ``Piecewise`` with comparison conditions (chains, ``and``, ``or``,
  ``not``), the constants ``pi`` and ``E``, integer, decimal and fraction literals,
  powers with integer, fractional and symbolic exponents, divisions and unary minus;
  1-3 variables and 0-2 parameters; every property (``invariant`` with a
  substitution); every kind of domain, including tiny, nearly-one-point and extreme
  (``["-1e400", "1e400"]``) intervals, and the optional ``parameters`` quantifier when
  the claim reader accepts it.  A small share of draws is invalid on purpose (a
  one-point interval, an exponent past the parser's limit): those must be rejected
  with a ClaimError, never crash.
* :func:`convex_claims` — functions convex by construction (nonnegative combinations
  of convex atoms, maxima, compositions with convex nondecreasing outer functions),
  with domains on which every atom is convex; ``concave=True`` negates them.

Expressions stay small (nesting depth at most 4) so that each check is fast.  Every
text is fully parenthesised where precedence matters, so what is drawn is what is
meant; the fuzz tests evaluate the same text independently.
"""

from __future__ import annotations

import ast
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st

VARIABLE_NAMES = ("x", "y", "w1")
PARAMETER_NAMES = ("p", "c_2")
PROPERTIES = (
    "convex",
    "concave",
    "strictly-convex",
    "strictly-concave",
    "affine",
    "nonconvex",
    "nonconcave",
    "neither",
    "invariant",
)
UNARY_FUNCTIONS = (
    "exp",
    "log",
    "sqrt",
    "abs",
    "Abs",
    "sin",
    "cos",
    "tan",
    "sinh",
    "cosh",
    "tanh",
    "atan",
    "erf",
    "sigmoid",
    "softplus",
    "relu",
)
VARIADIC_FUNCTIONS = ("max", "Max", "min", "Min", "logsumexp")
NAMED_DOMAINS = ("real", "positive", "nonnegative", "negative", "nonpositive")
MAX_DEPTH = 4


def _probe_parameters_key() -> bool:
    """Whether the claim reader knows the optional ``parameters`` key (being added)."""
    from convexity_proofs._claimfile import build_claim
    from convexity_proofs.errors import ClaimError

    table = {
        "name": "probe",
        "function": "x*p",
        "variables": ["x"],
        "property": "convex",
        "parameters": "some",
    }
    try:
        build_claim(table)
    except ClaimError:
        return False
    return True


PARAMETERS_KEY = _probe_parameters_key()

# ------------------------------------------------------------------------- numbers

INTEGER_LITERALS = ("0", "1", "2", "3", "5", "10")
DECIMAL_LITERALS = ("0.5", "0.1", "2.5", "1.25", "1e-3", "3e2", "0.333")
FRACTION_LITERALS = ("(1/3)", "(2/3)", "(7/2)", "(-1/4)", "(10/7)")
RARE_LITERALS = ("1e-300", "1e10", "1e300", "123456789")

literals = st.one_of(
    st.sampled_from(INTEGER_LITERALS),
    st.sampled_from(DECIMAL_LITERALS),
    st.sampled_from(FRACTION_LITERALS),
    st.sampled_from(("pi", "E")),
    st.sampled_from(RARE_LITERALS),
)

small_coefficients = st.sampled_from(
    ("1", "2", "3", "0.5", "(1/3)", "(3/2)", "-1", "-2", "-0.5", "(-2/3)", "0.25")
)
positive_coefficients = st.sampled_from(("1", "2", "0.5", "(1/3)", "(3/2)", "0.01", "7"))

REWRITTEN = (
    "(log({e}) - log({e}))",
    "(({e})/({e}))",
    "(0*log({e}))",
    "(0*({e})**(-1))",
    "exp(log({e}))",
    "sqrt({e})**2",
    "(({e})**(1/2))**2",
    "(({e})**2/({e}))",
    "((({e})**(2/3))**(-3/2))",
    "(({v})**(1/3))**3",
    "(tan({e}) - tan({e}))",
    "(Piecewise((log({v}), {v} > 0), (0, True)) + log({e}) - log({e}))",
    "({v}/{v})",
    "(({v})**(-1)*{v})",
)

INTEGER_EXPONENTS = ("2", "3", "4", "0", "1", "(-1)", "(-2)", "(-3)")
FRACTIONAL_EXPONENTS = ("(1/2)", "(3/2)", "(-1/2)", "(1/3)", "(2/3)", "0.5", "(5/4)", "(-3/2)")
INVALID_EXPONENTS = ("1001", "(1/1001)")  # past the parser's exponent limit: ClaimError

# ---------------------------------------------------------------------- expressions


def _leaf(names: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(names), st.sampled_from(names), literals)


def _condition(draw: st.DrawFn, names: tuple[str, ...], depth: int) -> str:
    """A Piecewise condition: comparisons (incl. chains) combined with and, or, not."""
    kind = draw(st.sampled_from(("compare", "compare", "chain", "and", "or", "not")))
    symbol = draw(st.sampled_from(names))
    op = draw(st.sampled_from(("<", "<=", ">", ">=")))
    if kind == "compare" or depth <= 0:
        left = draw(st.one_of(st.just(symbol), _expr(names, 1)))
        right = draw(st.one_of(_leaf(names), st.sampled_from(("0", "1", "-1", "(1/2)"))))
        if not names_in(f"{left} {op} {right}"):
            left = symbol
        return f"{left} {op} {right}"
    if kind == "chain":
        lo, hi = sorted(draw(st.lists(st.sampled_from((-2, -1, 0, 1, 3)), min_size=2, max_size=2)))
        low_op = draw(st.sampled_from(("<", "<=")))
        high_op = draw(st.sampled_from(("<", "<=")))
        return f"{lo} {low_op} {symbol} {high_op} {hi}"
    if kind == "not":
        return f"not ({_condition(draw, names, depth - 1)})"
    word = "and" if kind == "and" else "or"
    return f"({_condition(draw, names, depth - 1)}) {word} ({_condition(draw, names, depth - 1)})"


@st.composite
def _expr(draw: st.DrawFn, names: tuple[str, ...], depth: int = MAX_DEPTH) -> str:
    """A function text over ``names`` with at most ``depth`` levels of nesting."""
    top = depth == MAX_DEPTH
    if depth <= 0 or (not top and draw(st.integers(0, 4)) == 0):
        return draw(_leaf(names))
    kind = draw(
        st.sampled_from(
            (
                "add",
                "sub",
                "mul",
                "div",
                "neg",
                "power-int",
                "power-frac",
                "power-sym",
                "call",
                "call",
                "call",
                "variadic",
                "piecewise",
                "rewritten",
            )
        )
    )
    sub = _expr(names, depth - 1)
    if kind == "rewritten":
        # Texts SymPy's automatic evaluation rewrites, losing where they are undefined
        # (log(e) - log(e) is 0, sqrt(e)**2 is e): the function judged is the one written.
        e = draw(sub)
        template = draw(st.sampled_from(REWRITTEN))
        return template.format(e=e, v=draw(st.sampled_from(names)))
    if kind in ("add", "sub", "mul", "div"):
        op = {"add": "+", "sub": "-", "mul": "*", "div": "/"}[kind]
        return f"({draw(sub)} {op} {draw(sub)})"
    if kind == "neg":
        return f"(-{draw(sub)})"
    if kind == "power-int":
        return f"({draw(sub)})**{draw(st.sampled_from(INTEGER_EXPONENTS))}"
    if kind == "power-frac":
        invalid = draw(st.integers(0, 29)) == 0
        exponent = draw(st.sampled_from(INVALID_EXPONENTS if invalid else FRACTIONAL_EXPONENTS))
        return f"({draw(sub)})**{exponent}"
    if kind == "power-sym":
        base = draw(st.one_of(st.sampled_from(("2", "E", "(1/2)", "x")), sub))
        exponent = draw(st.one_of(st.sampled_from(names), _expr(names, min(depth - 1, 1))))
        return f"({base})**({exponent})"
    if kind == "call":
        return f"{draw(st.sampled_from(UNARY_FUNCTIONS))}({draw(sub)})"
    if kind == "variadic":
        args = draw(st.lists(sub, min_size=1, max_size=3))
        return f"{draw(st.sampled_from(VARIADIC_FUNCTIONS))}({', '.join(args)})"
    # Piecewise: 1-2 guarded branches, then the mandatory (expr, True).
    branches = [
        f"({draw(sub)}, {_condition(draw, names, min(depth - 1, 2))})"
        for _ in range(draw(st.integers(1, 2)))
    ]
    branches.append(f"({draw(sub)}, True)")
    return f"Piecewise({', '.join(branches)})"


def expressions(names: tuple[str, ...] = VARIABLE_NAMES, depth: int = MAX_DEPTH):
    """Function texts over ``names`` (public for tests that want only expressions)."""
    return _expr(names, depth)


def names_in(text: str) -> set[str]:
    """The symbol names a function text mentions (not the functions or constants)."""
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        return set()
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return {
        n.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Name) and id(n) not in called and n.id not in ("pi", "E")
    }


# -------------------------------------------------------------------------- domains


def _fraction_text(q: Fraction) -> str:
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


@st.composite
def intervals(draw: st.DrawFn, *, positive: bool = False) -> list[Any]:
    """A closed interval [lo, hi] with lo < hi, its ends written every legal way."""
    kind = draw(
        st.sampled_from(
            ("ints", "fractions", "decimals", "floats", "tiny", "point-like", "extreme")
        )
    )
    if kind == "ints":
        lo, hi = sorted(draw(st.sets(st.integers(-3, 4), min_size=2, max_size=2)))
        if positive:
            lo, hi = lo + 4, hi + 4
        return [lo, hi]
    if kind == "fractions":
        ends = sorted(
            draw(
                st.sets(
                    st.fractions(min_value=-3, max_value=3, max_denominator=7),
                    min_size=2,
                    max_size=2,
                )
            )
        )
        if positive:
            ends = [e + 4 for e in ends]
        return [_fraction_text(e) for e in ends]
    if kind == "decimals":
        choices = (["0.1", "0.25"], ["-1.5", "2.75"], ["1e-3", "1"], ["-0.001", "0.001"])
        if positive:
            choices = (["0.1", "0.25"], ["1e-3", "1"], ["1.5", "2.75"])
        return list(draw(st.sampled_from(choices)))
    if kind == "floats":  # TOML floats: taken as the decimal they print as
        choices = ([-0.5, 1.5], [0.1, 0.7], [-2.0, -1.0]) if not positive else ([0.1, 0.7],)
        return list(draw(st.sampled_from(choices)))
    if kind == "tiny":
        base = draw(st.sampled_from((Fraction(1, 3), Fraction(1), Fraction(5, 2), Fraction(-1, 7))))
        if positive:
            base = abs(base)
        width = Fraction(1, 10 ** draw(st.sampled_from((6, 12, 30, 90))))
        return [_fraction_text(base), _fraction_text(base + width)]
    if kind == "point-like":
        choices = (
            ["0", "1e-300"],
            ["1e-300", "2e-300"],
            ["-1e-300", "1e-300"],
            ["1", "1.000000000001"],
        )
        if positive:
            choices = (["1e-300", "2e-300"], ["1", "1.000000000001"], ["1e-300", "1e-299"])
        return list(draw(st.sampled_from(choices)))
    choices = (
        ["-1e400", "1e400"],
        ["-1/3", "1e-300"],
        [-1e300, 1e300],
        ["-1e-400", "1e-400"],
        ["1e-400", "1e400"],
    )
    if positive:
        choices = (["1e-400", "1e400"], ["1e-300", "1"], ["1", "1e400"])
    return list(draw(st.sampled_from(choices)))


INVALID_DOMAINS: tuple[Any, ...] = ([1, 1], ["2", "1"], ["0", "1e401"], "reals", [0, 1, 2])


def domains(*, valid_only: bool = False) -> st.SearchStrategy[Any]:
    """One symbol's domain: a named one (half-lines are only the named ones) or [lo, hi]."""
    valid = st.one_of(st.sampled_from(NAMED_DOMAINS), intervals())
    if valid_only:
        return valid

    @st.composite
    def mostly_valid(draw: st.DrawFn) -> Any:
        if draw(st.integers(0, 59)) == 0:  # rarely: must be a ClaimError, never a crash
            return draw(st.sampled_from(INVALID_DOMAINS))
        return draw(valid)

    return mostly_valid()


def positive_domains() -> st.SearchStrategy[Any]:
    """Domains inside (0, oo), for atoms such as -log(x) or x*log(x)."""
    return st.one_of(st.just("positive"), intervals(positive=True))


# --------------------------------------------------------------------------- claims


@st.composite
def _substitution(draw: st.DrawFn, symbols: list[str]) -> dict[str, str]:
    if len(symbols) >= 2 and draw(st.booleans()):
        a, b = draw(st.permutations(symbols))[:2]
        return {a: b, b: a}
    key = draw(st.sampled_from(symbols))
    image = draw(
        st.one_of(
            st.sampled_from([f"-{key}", f"({key} + 1)", f"2*{key}", key, f"{key}**3"]),
            _expr(tuple(symbols), 1),
        )
    )
    return {key: image}


@st.composite
def claims(draw: st.DrawFn, properties: tuple[str, ...] = PROPERTIES) -> dict[str, Any]:
    """A claim table (as for build_claim) over the whole language."""
    variables = draw(st.lists(st.sampled_from(VARIABLE_NAMES), min_size=1, max_size=3, unique=True))
    parameters = draw(st.lists(st.sampled_from(PARAMETER_NAMES), max_size=2, unique=True))
    names = (*variables, *parameters)
    text = draw(_expr(names))
    for name in names:  # every drawn symbol occurs in the text
        if name not in names_in(text):
            op = draw(st.sampled_from(("+", "-", "*")))
            text = f"{text} {op} {draw(st.sampled_from((name, f'{name}**2', f'sin({name})')))}"
    # Later entries are drawn less often by Hypothesis; repeat the rarer properties.
    weighted = properties + tuple(p for p in ("invariant", "neither", "affine") if p in properties)
    prop = draw(st.sampled_from(weighted))
    table: dict[str, Any] = {"name": "fuzz", "function": text, "property": prop}
    symbols = sorted(names_in(text))
    if prop == "invariant":
        table["substitution"] = draw(_substitution(symbols))
        if draw(st.booleans()):
            table["variables"] = list(variables)
    else:
        table["variables"] = list(variables)
    domain = {}
    for name in symbols:
        if draw(st.integers(0, 2)):
            domain[name] = draw(domains())
    if domain:
        table["domain"] = domain
    if PARAMETERS_KEY:
        quantifier = draw(st.sampled_from((None, None, "all", "some")))
        if quantifier is not None:
            table["parameters"] = quantifier
    return table


# ------------------------------------------------------- convex by construction


@st.composite
def _affine(draw: st.DrawFn, variables: tuple[str, ...], parameters: tuple[str, ...]) -> str:
    """c0 + c1*v1 + ...: rational coefficients, or parameters (fixed, so still affine)."""
    coefficient = small_coefficients
    if parameters:
        p = draw(st.sampled_from(parameters))
        coefficient = st.one_of(
            small_coefficients,
            st.sampled_from((p, f"(2*{p} - 1)", f"sin({p})", f"{p}**2")),
        )
    used = draw(
        st.lists(st.sampled_from(variables), min_size=1, max_size=len(variables), unique=True)
    )
    terms = [f"{draw(coefficient)}*{v}" for v in used]
    if draw(st.booleans()):
        constant = draw(st.one_of(small_coefficients, st.sampled_from(parameters or ("1",))))
        terms.append(constant)
    return "(" + " + ".join(terms) + ")"


@st.composite
def _convex_atom(
    draw: st.DrawFn,
    variables: tuple[str, ...],
    parameters: tuple[str, ...],
    positive: tuple[str, ...],
) -> str:
    aff = _affine(variables, parameters)
    kinds = [
        "affine",
        "square",
        "exp",
        "abs",
        "max",
        "relu",
        "softplus",
        "logsumexp",
        "cosh",
        "power",
        "norm",
    ]
    if positive:
        kinds += ["neglog", "xlogx", "inverse", "quad-over-lin", "power-positive"]
    kind = draw(st.sampled_from(kinds))
    v = draw(st.sampled_from(variables))
    if kind == "affine":
        return draw(aff)
    if kind == "square":
        return f"{draw(aff)}**2"
    if kind == "exp":
        return f"exp({draw(aff)})"
    if kind == "abs":
        return f"{draw(st.sampled_from(('abs', 'Abs')))}({draw(aff)})"
    if kind == "max":
        args = draw(st.lists(aff, min_size=2, max_size=3))
        return f"{draw(st.sampled_from(('max', 'Max')))}({', '.join(args)})"
    if kind == "relu":
        return f"relu({draw(aff)})"
    if kind == "softplus":
        return f"softplus({draw(aff)})"
    if kind == "logsumexp":
        return f"logsumexp({', '.join(draw(st.lists(aff, min_size=1, max_size=3)))})"
    if kind == "cosh":
        return f"cosh({draw(aff)})"
    if kind == "power":
        return draw(st.sampled_from((f"{v}**2", f"{v}**4", f"abs({v})**3", f"abs({v})**(3/2)")))
    if kind == "norm":
        return f"sqrt(1 + {draw(aff)}**2)"
    u = draw(st.sampled_from(positive))
    if kind == "neglog":
        return f"(-log({u}))"
    if kind == "xlogx":
        return f"{u}*log({u})"
    if kind == "inverse":
        return draw(st.sampled_from((f"1/{u}", f"{u}**(-2)", f"{u}**(-1/2)")))
    if kind == "quad-over-lin":
        return f"{draw(aff)}**2/{u}"
    return draw(st.sampled_from((f"{u}**(3/2)", f"{u}**3", f"{u}**(5/2)")))


@st.composite
def _convex(
    draw: st.DrawFn,
    variables: tuple[str, ...],
    parameters: tuple[str, ...],
    positive: tuple[str, ...],
    depth: int,
) -> str:
    atom = _convex_atom(variables, parameters, positive)
    if depth <= 0 or draw(st.integers(0, 2)) == 0:
        return draw(atom)
    inner = _convex(variables, parameters, positive, depth - 1)
    scalars = positive_coefficients
    if parameters:
        p = draw(st.sampled_from(parameters))
        scalars = st.one_of(positive_coefficients, st.sampled_from((f"exp({p})", f"(1 + {p}**2)")))
    kind = draw(
        st.sampled_from(
            (
                "sum",
                "sum",
                "scale",
                "divide",
                "max",
                "exp",
                "softplus",
                "logsumexp",
                "relu",
                "relu-square",
                "plus-affine",
            )
        )
    )
    if kind == "sum":
        return f"{draw(inner)} + {draw(inner)}"
    if kind == "scale":
        return f"{draw(scalars)}*({draw(inner)})"
    if kind == "divide":
        return f"({draw(inner)})/{draw(st.sampled_from(('2', '3', '0.5', '(7/3)')))}"
    if kind == "max":
        args = draw(
            st.lists(st.one_of(inner, _affine(variables, parameters)), min_size=2, max_size=3)
        )
        return f"{draw(st.sampled_from(('max', 'Max')))}({', '.join(args)})"
    if kind == "exp":
        return f"exp({draw(inner)})"
    if kind == "softplus":
        return f"softplus({draw(inner)})"
    if kind == "logsumexp":
        return f"logsumexp({', '.join(draw(st.lists(inner, min_size=1, max_size=3)))})"
    if kind == "relu":
        return f"relu({draw(inner)})"
    if kind == "relu-square":
        return f"relu({draw(inner)})**2"
    return f"{draw(inner)} + {draw(_affine(variables, parameters))}"


@st.composite
def convex_claims(draw: st.DrawFn, *, concave: bool = False) -> dict[str, Any]:
    """A claim whose function is convex (``concave=True``: concave) by construction."""
    variables = tuple(
        draw(st.lists(st.sampled_from(VARIABLE_NAMES), min_size=1, max_size=3, unique=True))
    )
    parameters = tuple(draw(st.lists(st.sampled_from(PARAMETER_NAMES), max_size=2, unique=True)))
    positive = tuple(v for v in variables if draw(st.integers(0, 2)) == 0)
    text = draw(_convex(variables, parameters, positive, 3))
    for name in (*variables, *parameters):  # every symbol occurs: add an affine term
        if name not in names_in(text):
            text = f"{text} + {draw(small_coefficients)}*{name}"
    if concave:
        text = f"-({text})"
    domain: dict[str, Any] = {}
    for name in (*variables, *parameters):
        if name in positive:
            domain[name] = draw(positive_domains())
        elif draw(st.integers(0, 2)) == 0:
            domain[name] = draw(domains(valid_only=True))
    table: dict[str, Any] = {
        "name": "fuzz",
        "function": text,
        "variables": list(variables),
        "property": "concave" if concave else "convex",
    }
    if domain:
        table["domain"] = domain
    if PARAMETERS_KEY and parameters and draw(st.booleans()):
        table["parameters"] = "all"
    return table
