"""The one-call Python API: ``check(function, variables, property=...)``.

Arguments are validated before anything is parsed: a value of the wrong type (a
``variables`` set instead of a list, a ``timeout`` of ``-1``, ``inf`` or ``"60"``)
raises :class:`~convexity_proofs.errors.ArgumentError` naming the argument, what was
expected and what was found.  Values of the right type are then validated exactly as a
claim file's fields are, so an unknown property or a symbol that does not occur raises
:class:`~convexity_proofs.errors.ClaimError`.  Both are
:class:`~convexity_proofs.errors.ConvexityProofsError`.

The validators are public for the rest of the package: the engine calls
:func:`validate_claim_argument` (and :func:`validate_settings_argument`) in
``check_claim``, the testing helpers call :func:`validate_timeout`.  This module
imports the engine only when a claim is checked, so the engine may import it.
"""

from __future__ import annotations

import math
import numbers
import os
import reprlib
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from convexity_proofs._values import Claim, Verdict
from convexity_proofs.errors import ArgumentError

if TYPE_CHECKING:
    from convexity_proofs._engine import Settings

__all__ = [
    "MAX_RANK",
    "MAX_TIMEOUT",
    "check",
    "validate_claim_argument",
    "validate_settings_argument",
    "validate_timeout",
]

#: The longest time limit accepted, in seconds (about three years): the hard limit is a
#: POSIX interval timer, which overflows the platform's time_t near 1e10 s and beyond.
#: ``None`` means no limit.
MAX_TIMEOUT = 1e8


def _found(value: object) -> str:
    shown = reprlib.repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{type(value).__name__} {shown}"


def _error(where: str, expected: str, value: object) -> ArgumentError:
    return ArgumentError(f"{where}: expected {expected}, found {_found(value)}")


def validate_timeout(timeout: object, *, where: str = "timeout") -> float | None:
    """The time limit as a float (seconds), or None for no limit; raises ArgumentError.

    Accepts a real number (not ``bool``) that is finite, > 0 and at most MAX_TIMEOUT.
    """
    expected = f"a number of seconds > 0 and at most {MAX_TIMEOUT:g}, or None for no limit"
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, numbers.Real | Decimal):
        raise _error(where, expected, timeout)
    try:
        seconds = float(timeout)
    except (OverflowError, ValueError):
        raise _error(where, expected, timeout) from None
    if not math.isfinite(seconds) or not 0 < seconds <= MAX_TIMEOUT:
        raise _error(where, expected, timeout)
    return seconds


def validate_claim_argument(obj: object, *, where: str = "check_claim() argument 'claim'") -> Claim:
    """``obj`` if it is a :class:`~convexity_proofs.Claim`; else ArgumentError.

    For ``check_claim(claim, ...)``: passing a string, a dict or a claim file's path
    used to fail deep inside the engine with an AttributeError.
    """
    if not isinstance(obj, Claim):
        hint = ""
        if isinstance(obj, str):
            hint = " (for a function text use check(); for a claim file, load_claims(path))"
        elif isinstance(obj, Mapping):
            hint = " (for a claim table use build_claim(table))"
        raise ArgumentError(
            f"{where}: expected a Claim (from load_claims, parse_claims or build_claim), "
            f"found {_found(obj)}{hint}"
        )
    return obj


def validate_settings_argument(
    settings: object, *, where: str = "check_claim() argument 'settings'"
) -> Settings | None:
    """``settings`` if it is None or a :class:`~convexity_proofs.Settings`; else
    ArgumentError.  (The fields themselves are validated by ``Settings`` itself.)"""
    from convexity_proofs._engine import Settings

    if settings is not None and not isinstance(settings, Settings):
        raise _error(where, "a Settings or None", settings)
    return settings


def _string(where: str, value: object) -> str:
    if not isinstance(value, str):
        raise _error(where, "a string", value)
    return value


def _choice(where: str, value: object, example: str) -> str:
    """A property/expect/parameters value: a string, or one of the package's enums."""
    if isinstance(value, Enum) and isinstance(value.value, str):
        return value.value
    if not isinstance(value, str):
        raise _error(where, f"a string such as {example!r}", value)
    return value


def _names(where: str, value: object) -> list[str]:
    """A list of symbol names from a string (one name: ``"w1"`` is the name w1, not its
    letters) or any ordered iterable of strings."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, bytes):
        raise _error(where, "a list of symbol names such as ['x', 'y']", value)
    if isinstance(value, Mapping | set | frozenset) or not isinstance(value, Iterable):
        raise _error(where, "a list of symbol names (a list or tuple; sets have no order)", value)
    names = list(value)
    for index, name in enumerate(names):
        _string(f"{where}[{index}]", name)
    return names


#: The most dimensions a shaped name may have (as the claim reader's ``shapes``).
MAX_RANK = 3


def _shape(where: str, value: object) -> tuple[int, ...]:
    """A shape: an int n (a vector of n), or a tuple/list of ints (``()`` a scalar)."""
    expected = "a shape: an integer n >= 1 or a tuple of them such as (2, 3), () for a scalar"
    if isinstance(value, int | numbers.Integral) and not isinstance(value, bool):
        dims = [value]
    elif isinstance(value, tuple | list):
        dims = list(value)
    else:
        raise _error(where, expected, value)
    shape = []
    for n in dims:
        if isinstance(n, bool) or not isinstance(n, int | numbers.Integral) or int(n) < 1:
            raise _error(where, expected, value)
        shape.append(int(n))
    if len(shape) > MAX_RANK:
        raise _error(where, f"a shape of at most {MAX_RANK} dimensions", value)
    return tuple(shape)


def _shapes(where: str, value: object) -> dict[str, tuple[int, ...]]:
    if not isinstance(value, Mapping):
        raise _error(where, "a mapping of name to shape, such as {'w': 3, 'W': (2, 3)}", value)
    shapes: dict[str, tuple[int, ...]] = {}
    for key, shape in value.items():
        _string(f"{where} key", key)
        shapes[key] = _shape(f"{where}[{key!r}]", shape)
    return shapes


def _variables_and_shapes(
    arg: Callable[[str], str], variables: object, shapes: object
) -> tuple[list[str] | None, dict[str, tuple[int, ...]]]:
    """The variable names, and the shapes given by ``shapes`` and by a ``variables``
    mapping (name -> shape); a name given two different shapes is an error."""
    given = {} if shapes is None else _shapes(arg("shapes"), shapes)
    if variables is None:
        return None, given
    if isinstance(variables, Mapping):
        declared = _shapes(arg("variables"), variables)
        for key, shape in declared.items():
            if key in given and given[key] != shape:
                raise ArgumentError(
                    f"{arg('variables')}: {key!r} has shape {shape} here and {given[key]} in shapes"
                )
        return list(declared), {**given, **declared}
    return _names(arg("variables"), variables), given


def _shapes_table(shapes: Mapping[str, tuple[int, ...]]) -> dict[str, int | list[int]]:
    """Shapes as a claim table writes them: ``w = 3``, ``W = [2, 3]`` (scalars left out)."""
    return {
        name: shape[0] if len(shape) == 1 else list(shape)
        for name, shape in shapes.items()
        if shape
    }


_MAX_NESTING = 32


def _plain(where: str, value: object, depth: int = 0) -> Any:
    """A data or model value as a claim table holds it (what TOML would give): NumPy
    arrays become lists, a Fraction the text ``"p/q"``, a float stays a float (the
    claim reader takes it as the decimal it prints as), NumPy scalars Python numbers."""
    import sys

    if depth > _MAX_NESTING:
        raise ArgumentError(f"{where}: nested more than {_MAX_NESTING} deep")
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        if isinstance(value, numpy.ndarray):
            if value.dtype.kind not in "biufOU":
                raise _error(where, "an array of numbers", value)
            return _plain(where, value.tolist(), depth)
        if isinstance(value, numpy.generic):
            return _plain(where, value.item(), depth)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        return float(value)  # a NumPy float64 too (repr would be 'np.float64(0.5)')
    if isinstance(value, int | str):
        return int(value) if isinstance(value, int) else value
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _error(where, "a finite number", value)
        return str(value)
    if isinstance(value, numbers.Rational):  # SymPy's Rational, ...
        return f"{int(value.numerator)}/{int(value.denominator)}"
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, Mapping):
        table = {}
        for key, item in value.items():
            _string(f"{where} key", key)
            table[key] = _plain(f"{where}[{key!r}]", item, depth + 1)
        return table
    if isinstance(value, list | tuple):
        return [_plain(f"{where}[{k}]", item, depth + 1) for k, item in enumerate(value)]
    raise _error(
        where, "numbers, NumPy arrays, lists, strings or tables of them (as in a claim file)", value
    )


def _end(where: str, value: object) -> int | float | str:
    """An interval end as the claim reader takes it: int, float or number text."""
    if isinstance(value, bool):
        raise _error(where, "a number", value)
    if isinstance(value, float):
        return float(value)  # a NumPy float64 too (repr would be 'np.float64(0.5)')
    if isinstance(value, int | str):
        return int(value) if isinstance(value, int) else value
    if isinstance(value, numbers.Rational):  # Fraction, SymPy's Rational, ...
        return f"{int(value.numerator)}/{int(value.denominator)}"
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _error(where, "a finite number", value)
        return str(value)
    if isinstance(value, numbers.Real):  # NumPy's float32, ...: its value as a float
        return float(value)
    raise _error(where, "a number (int, float, Fraction, Decimal or text such as '1/3')", value)


def _domains(where: str, value: object) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise _error(where, "a mapping of symbol name to domain, such as {'x': 'positive'}", value)
    domains: dict[str, Any] = {}
    for key, spec in value.items():
        _string(f"{where} key", key)
        field = f"{where}[{key!r}]"
        if isinstance(spec, str):
            domains[key] = spec
        elif isinstance(spec, list | tuple) and len(spec) == 2:
            domains[key] = [_end(f"{field}[{i}]", end) for i, end in enumerate(spec)]
        else:
            raise _error(field, "a domain name such as 'positive' or an interval [lo, hi]", spec)
    return domains


def _substitution(where: str, value: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise _error(where, "a mapping of symbol name to expression text", value)
    for key, image in value.items():
        _string(f"{where} key", key)
        _string(f"{where}[{key!r}]", image)
    return dict(value)


def claim_table(
    function: object,
    variables: object = None,
    property: object = "convex",
    domain: object = None,
    substitution: object = None,
    *,
    data: object = None,
    shapes: object = None,
    model: object = None,
    statement: object = None,
    expect: object = "holds",
    name: object = "check",
    parameters: object = None,
    modulus: object = None,
    along: object = None,
    caller: str = "check()",
) -> dict[str, Any]:
    """The claim table for ``check``'s arguments, every type validated (ArgumentError).

    ``function`` is a claim text, a SymPy expression, a Python function (traced: the
    table holds the text of what it computes) or None with ``model``.
    """

    def arg(argument: str) -> str:
        return f"{caller} argument {argument!r}"

    table: dict[str, Any] = {"name": _string(arg("name"), name)}
    if statement is not None:
        table["statement"] = _string(arg("statement"), statement)
    names, shaped = _variables_and_shapes(arg, variables, shapes)
    given_domain = None if domain is None else _domains(arg("domain"), domain)
    if model is not None:
        if function is not None:
            raise ArgumentError(f"{arg('function')}: give either function or model, not both")
        if shapes is not None or isinstance(variables, Mapping):
            which = arg("shapes") if shapes is not None else arg("variables")
            raise ArgumentError(
                f"{which}: a model claim has no shapes (its data have them); give the "
                "variables as parameter group names or 'all'"
            )
        if not isinstance(model, Mapping):
            raise _error(
                arg("model"), "a model table such as {'kind': 'logistic-regression'}", model
            )
        table["model"] = _plain(arg("model"), model)
        if data is not None:
            table["data"] = _plain(arg("data"), data)
    else:
        fields = _function_fields(caller, function, names, shaped, data, given_domain, statement)
        given_domain = fields.pop("domain", given_domain)
        table.update(fields)
    table["property"] = _choice(arg("property"), property, "convex")
    table["expect"] = _choice(arg("expect"), expect, "holds")
    if names is not None:
        table["variables"] = names
    if given_domain is not None:
        table["domain"] = given_domain
    if substitution is not None:
        table["substitution"] = _substitution(arg("substitution"), substitution)
    if parameters is not None:
        table["parameters"] = _choice(arg("parameters"), parameters, "all")
    if modulus is not None:
        table["modulus"] = _modulus(arg("modulus"), modulus)
    if along is not None:
        table["along"] = _substitution(arg("along"), along)
    return table


def _function_fields(
    caller: str,
    function: object,
    names: list[str] | None,
    shapes: dict[str, tuple[int, ...]],
    data: object,
    domain: dict[str, Any] | None,
    statement: object,
) -> dict[str, Any]:
    """The claim's ``function`` (and ``shapes``, ``data``, ``statement``, ``domain``)
    from a text, a SymPy expression or a Python function."""
    from convexity_proofs._sympy_input import is_sympy_expression

    def arg(argument: str) -> str:
        return f"{caller} argument {argument!r}"

    if data is not None and not isinstance(data, Mapping):
        raise _error(arg("data"), "a mapping of name to value, such as {'X': X, 'y': y}", data)
    if isinstance(function, str):
        fields: dict[str, Any] = {"function": function}
        if shapes:
            fields["shapes"] = _shapes_table(shapes)
        if data is not None:
            fields["data"] = _plain(arg("data"), data)
        return fields
    if is_sympy_expression(function):
        return _sympy_fields(arg, function, shapes, data, domain)
    if callable(function):
        from convexity_proofs._trace import trace_function

        traced = trace_function(function, names, data, shapes, where=caller)
        fields = {"function": traced.text}
        if traced.shapes:
            fields["shapes"] = _shapes_table(traced.shapes)
        if statement is None:
            fields["statement"] = traced.statement
        return fields
    if function is None:
        raise _error(
            arg("function"),
            "a function (a text, a SymPy expression or a Python function) or model=...",
            function,
        )
    raise _error(
        arg("function"),
        "a function text, a SymPy expression or a Python function (or model=...)",
        function,
    )


def _sympy_fields(
    arg: Callable[[str], str],
    expression: object,
    shapes: dict[str, tuple[int, ...]],
    data: object,
    domain: dict[str, Any] | None,
) -> dict[str, Any]:
    from convexity_proofs._sympy_input import (
        assumed_domains,
        entry_shapes,
        merge_shapes,
        sympy_tree,
    )
    from convexity_proofs._trace import claim_text

    where = arg("function")
    if data is not None:
        raise ArgumentError(
            f"{arg('data')}: a SymPy expression has no data; substitute the values into it "
            "(expression.subs(...)), or give a function text or a Python function"
        )
    tree = sympy_tree(expression, where=where)
    fields: dict[str, Any] = {"function": claim_text(tree, "the SymPy expression")}
    merged = merge_shapes(entry_shapes(tree), shapes, where)
    if merged:
        fields["shapes"] = _shapes_table(merged)
    assumed = assumed_domains(expression, where=where)
    if assumed:
        for name, given in (domain or {}).items():
            if name in assumed and not _within(given, assumed[name]):
                raise ArgumentError(
                    f"{arg('domain')}[{name!r}]: the SymPy symbol {name!r} is assumed "
                    f"{assumed[name]} (SymPy may already have simplified the expression "
                    f"with it), so its domain must lie within {assumed[name]}, found "
                    f"{given!r}; drop the assumption or narrow the domain"
                )
        fields["domain"] = {**assumed, **(domain or {})}
    return fields


_SIGN_BOUNDS: dict[str, tuple[str, bool]] = {
    # the assumed sign -> which end bounds it, and whether that end must be strict
    "positive": ("lo", True),
    "nonnegative": ("lo", False),
    "negative": ("hi", True),
    "nonpositive": ("hi", False),
}
_WITHIN_NAMED: dict[str, frozenset[str]] = {
    "positive": frozenset({"positive"}),
    "nonnegative": frozenset({"positive", "nonnegative"}),
    "negative": frozenset({"negative"}),
    "nonpositive": frozenset({"negative", "nonpositive"}),
}


def _within(given: Any, sign: str) -> bool:
    """Whether a domain (a name or an interval [lo, hi]) lies within an assumed sign."""
    from convexity_proofs._parser import parse_number
    from convexity_proofs.errors import ExpressionError

    if isinstance(given, str):
        return given in _WITHIN_NAMED[sign]
    if not isinstance(given, list | tuple) or len(given) != 2:
        return True  # not a domain: the claim reader refuses it with its own message
    try:
        lo, hi = (parse_number(end) for end in given)
    except ExpressionError:
        return True  # likewise
    end, strict = _SIGN_BOUNDS[sign]
    if end == "lo":
        return lo > 0 if strict else lo >= 0
    return hi < 0 if strict else hi <= 0


def _modulus(where: str, value: object) -> int | str:
    """A modulus: an int, a Fraction, or an exact number string ("1/10", "0.1")."""
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ArgumentError(
            f'{where}: expected an int, a Fraction or a string such as "1/10", '
            f"found {type(value).__name__} {value!r:.40}"
        )
    return value


def check(
    function: str | Callable[..., Any] | Any = None,
    variables: Iterable[str] | str | Mapping[str, Any] | None = None,
    property: str = "convex",
    domain: Mapping[str, Any] | None = None,
    substitution: Mapping[str, str] | None = None,
    *,
    data: Mapping[str, Any] | None = None,
    shapes: Mapping[str, Any] | None = None,
    model: Mapping[str, Any] | None = None,
    statement: str | None = None,
    expect: str | None = None,
    name: str = "check",
    timeout: float | None = 60.0,
    parameters: str | None = None,
    modulus: int | str | Fraction | None = None,
    along: Mapping[str, str] | None = None,
) -> Verdict:
    """Settle one claim given as Python values; the same validation as a claim file.

    ``function`` is one of:

    - a claim text, parsed by the same safe parser as claim files (never ``eval``), in
      vector notation when ``shapes`` or ``data`` are given (``shapes={"w": 3}``: w is a
      vector of 3; ``data={"X": X}``: X a constant array, NumPy arrays and lists taken
      exactly, a float as the decimal it prints as);
    - a SymPy expression, read head by head into the same language (a symbol named
      ``w[0]`` is an entry of the vector w; sign assumptions become domains);
    - a Python function written against an array namespace, ``def loss(w, b, X, y, xp):
      return xp.sum(...)``, traced with the shapes given: ``variables={"w": (3,), "b":
      ()}`` (or names and ``shapes=``), ``data`` bound to the parameters of those names,
      ``xp`` the traced namespace, any other parameter without a default a scalar
      symbol of the claim (a parameter, such as lam);
    - None, with ``model`` (a model table, ``{"kind": "logistic-regression"}``) and its
      ``data``: a model claim.

    ``variables`` is a list of names, one name (``"w1"``), or a mapping of name to shape;
    a shaped name means all its entries, ``"w[0]"`` one of them.  ``domain`` values are
    domain names or intervals ``(lo, hi)`` of ints, floats, Fractions, Decimals or
    texts ("1/3").  ``parameters`` is the claim file's quantifier ("all", the default, or
    "some"); ``modulus`` the strong-convexity modulus; ``along`` the claim file's
    ``along`` substitution (judge f on a line or slice).
    Without ``expect`` the check is exploratory: the verdict passes when it is decided
    (proved or refuted) and reports show no PASS/FAIL; ``expect="holds"``, ``"fails"``
    or ``"unknown"`` asserts an outcome, as a claim file does.
    Arguments of the wrong type raise :class:`~convexity_proofs.errors.ArgumentError`;
    invalid claim content raises :class:`~convexity_proofs.errors.ClaimError`; an
    operation of a traced function outside its vocabulary raises
    :class:`~convexity_proofs.errors.ExpressionError` naming it.
    """
    table = claim_table(
        function,
        variables,
        property,
        domain,
        substitution,
        data=data,
        shapes=shapes,
        model=model,
        statement=statement,
        expect="holds" if expect is None else expect,
        name=name,
        parameters=parameters,
        modulus=modulus,
        along=along,
    )
    seconds = validate_timeout(timeout, where="check() argument 'timeout'")
    return settle(table, seconds, exploratory=expect is None)


def settle(table: dict[str, Any], timeout: float | None, *, exploratory: bool = False) -> Verdict:
    """The verdict on the claim a :func:`claim_table` describes, within ``timeout``
    seconds (:func:`check` and the ``testing`` assertions settle their claims here).
    An ``exploratory`` claim passes when decided (see :attr:`Claim.exploratory`)."""
    from dataclasses import replace

    from convexity_proofs._claimfile import build_claim
    from convexity_proofs._engine import Settings, check_claim

    claim = build_claim(table, file="<check>")
    if exploratory:
        claim = replace(claim, exploratory=True)
    return check_claim(claim, Settings(timeout=timeout))
