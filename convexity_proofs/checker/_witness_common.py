"""Reading a witness against a context: the checks every witness replay starts with.

Every witness kind (:mod:`.witness` for segments, curvature points and invariance
points; :mod:`.monotone`, :mod:`.quasiconvex` and :mod:`.log_concave` for ordered
pairs, level segments and points where f <= 0) names its coordinates, records its
values at a precision and may be certified over a parameter box.  The replays read
those the same way, here:

* :func:`named` and :func:`named_parameters`: the witness names exactly the context's
  variables (parameters), each once; :func:`read_ends` reads the two ends of a segment
  or an ordered pair and the parameters, all in their domains (:func:`in_domains`);
* :func:`segment_t`: a segment's t is strictly between 0 and 1 and its ends differ;
* :func:`check_precision`: the recorded precision is one the kernel uses;
* :func:`check_values`: the recorded values enclose those recomputed here;
* :func:`check_box`: a witness certified at one parameter value is refused when a
  parameter ranges; otherwise its box covers every parameter's domain and the
  certification over the box replays.

Each raises :class:`~convexity_proofs.checker._core.CheckFailure` naming what does not
replay.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import Final

import sympy

from convexity_proofs._values import Assignment, Domain, Enclosure, ParameterBox, format_number
from convexity_proofs.checker._core import CheckFailure, Context, require
from convexity_proofs.kernel import evaluate

#: A witness's coordinates, by symbol.
Point = dict[sympy.Symbol, Fraction]

#: How the recorded values are named in messages.
LABELS: Final = {
    "f_a": "f(a)",
    "f_b": "f(b)",
    "f_m": "f(m)",
    "chord": "chord",
    "second_derivative": "second derivative",
    "value": "f(point)",
    "substituted_value": "substituted f(point)",
}


def short(text: str) -> str:
    """Long exact numbers shortened for messages (the data keep them whole)."""
    return text if len(text) <= 80 else f"{text[:60]}…({len(text)} characters)"


def describe_number(q: Fraction) -> str:
    """A rational for a message, shortened when long."""
    return short(str(format_number(q)))


def describe_value(value: Enclosure) -> str:
    """An enclosure for a message, shortened when long."""
    return short(value.describe())


def one_point(d: Domain) -> bool:
    """Is the domain a single value (a pinned parameter)?"""
    return d.lo is not None and d.lo == d.hi


def parameter_symbols(context: Context) -> list[sympy.Symbol]:
    """The context's parameters (its symbols that are not variables), by name."""
    return sorted((s for s in context.domains if not context.is_variable(s)), key=str)


def ranging_parameters(context: Context) -> list[sympy.Symbol]:
    """The parameters whose domain holds more than one value, by name."""
    return [s for s in parameter_symbols(context) if not one_point(context.domains[s])]


def named(
    assignment: Assignment, symbols: Iterable[sympy.Symbol], what: str, of: str = "variables"
) -> dict[sympy.Symbol, Fraction]:
    """The witness's ``assignment`` (name, value) pairs as values of ``symbols``: each
    symbol exactly once and nothing else (``what`` and ``of`` name them in messages)."""
    by_name = {s.name: s for s in symbols}
    names = [name for name, _ in assignment]
    require(len(set(names)) == len(names), f"the witness's {what} names a symbol twice")
    require(
        set(names) == set(by_name),
        f"the witness's {what} gives {sorted(names)}, but the step's {of} are {sorted(by_name)}",
    )
    return {by_name[name]: Fraction(q) for name, q in assignment}


def named_parameters(assignment: Assignment, context: Context) -> dict[sympy.Symbol, Fraction]:
    """The witness's parameter values: exactly the context's parameters."""
    return named(assignment, parameter_symbols(context), "parameters", "parameters")


def in_domains(
    values: Mapping[sympy.Symbol, Fraction], context: Context, what: str, *, interior: bool
) -> None:
    """Every value lies in its symbol's domain (in its interior with ``interior``)."""
    for s, q in values.items():
        domain = context.domains[s]
        if interior:
            require(
                domain.contains_interior(q),
                f"the witness's {what} {s} = {describe_number(q)} is not an interior point of its "
                f"domain {domain.describe()} (a curvature witness needs a neighbourhood)",
            )
        else:
            require(
                domain.contains(q),
                f"the witness's {what} {s} = {describe_number(q)} lies outside its domain "
                f"{domain.describe()}",
            )


def read_ends(
    first: Assignment,
    second: Assignment,
    parameters: Assignment,
    context: Context,
    names: tuple[str, str],
) -> tuple[Point, Point, Point]:
    """The two points of a witness (a segment's ends, an ordered pair; ``names`` names
    them in messages) and its parameter values, every coordinate in its domain."""
    a = named(first, context.variables, names[0])
    b = named(second, context.variables, names[1])
    params = named_parameters(parameters, context)
    in_domains(a, context, f"{names[0]}:", interior=False)
    in_domains(b, context, f"{names[1]}:", interior=False)
    in_domains(params, context, "parameter", interior=False)
    return a, b, params


def segment_t(t: Fraction, a: Point, b: Point) -> Fraction:
    """The witness's t of m = t·a + (1−t)·b: strictly between 0 and 1, on a segment with
    distinct ends."""
    t = Fraction(t)
    require(0 < t < 1, f"the witness's t = {describe_number(t)} is not strictly between 0 and 1")
    require(a != b, "the witness's segment has equal ends")
    return t


def check_precision(precision: int | None) -> None:
    """The recorded precision is exact (None) or one of the kernel's precisions."""
    require(
        precision is None or precision in evaluate.PRECISIONS,
        f"the witness's precision {precision} is not one the kernel uses "
        f"({', '.join(str(b) for b in evaluate.PRECISIONS)} bits)",
    )


def check_values(
    recorded: tuple[tuple[str, Enclosure], ...],
    recomputed: Mapping[str, Enclosure] | None,
    precision: int | None,
) -> dict[str, Enclosure]:
    """The recorded values, by key: the same keys as ``recomputed`` (None: the function
    cannot be evaluated at the witness's points at ``precision``), each enclosing the
    recomputed value."""
    require(bool(recorded), "the witness records no values that show it")
    at = "exact rationals" if precision is None else f"Arb balls at {precision} bits"
    require(
        recomputed is not None,
        f"the function cannot be evaluated at the witness's points with {at} "
        "(the precision the witness records)",
    )
    assert recomputed is not None
    values = dict(recorded)
    require(set(values) == set(recomputed), "the witness records the wrong set of values")
    for key, value in recomputed.items():
        require(
            values[key].contains(value),
            f"the recorded {LABELS.get(key, key)} {describe_value(values[key])} does not enclose "
            f"the recomputed {describe_value(value)} ({at})",
        )
    return values


def require_one_parameter_value(context: Context) -> None:
    """A witness certified at one parameter value: no parameter of the context may range."""
    ranging = ranging_parameters(context)
    if ranging:
        raise CheckFailure(
            f"the witness was certified at one parameter value, but the step speaks of "
            f"every value of {ranging[0]} in {context.domains[ranging[0]].describe()}"
        )


def check_box(
    box: ParameterBox | None,
    context: Context,
    replay: Callable[[dict[sympy.Symbol, tuple[Fraction, Fraction]]], bool],
    equality: bool = False,
) -> None:
    """A witness must hold for every value of a ranging parameter: its box covers each
    parameter's domain and the certification over the box replays."""
    if box is None:
        require_one_parameter_value(context)
        return
    parameters = parameter_symbols(context)
    require(not equality, "an equality (a flat segment) is never certified over a box")
    names = [name for name, _, _ in box]
    by_name = {s.name: s for s in parameters}
    require(len(set(names)) == len(names), "the witness's box names a parameter twice")
    require(
        set(names) == set(by_name),
        f"the witness's box gives {sorted(names)}, but the parameters are {sorted(by_name)}",
    )
    symbolic: dict[sympy.Symbol, tuple[Fraction, Fraction]] = {}
    for name, lo, hi in box:
        s = by_name[name]
        domain = context.domains[s]
        require(
            domain.lo is not None and domain.hi is not None and lo <= domain.lo and domain.hi <= hi,
            f"the witness's box {name} in [{describe_number(lo)}, {describe_number(hi)}] does "
            f"not cover its domain {domain.describe()}",
        )
        symbolic[s] = (Fraction(lo), Fraction(hi))
    described = ", ".join(
        f"{n} in [{describe_number(lo)}, {describe_number(hi)}]" for n, lo, hi in box
    )
    require(
        replay(symbolic),
        f"the witness is not certified for every parameter value in the box ({described})",
    )
