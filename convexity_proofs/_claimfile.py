"""Reading claim files: TOML in, validated :class:`Claim` objects out.

Claim files are untrusted.  Every field is checked for presence, type and meaning, and
every problem becomes one :class:`ClaimError` naming the file, the claim and the field.
Function texts go only through the safe ``ast`` parser (never ``eval``/``sympify``),
which also records where the function as written is defined (the claim's
``obligations``) and bounds its own work by CPU time; nothing here touches signals.
"""

from __future__ import annotations

import json
import math
import re
import reprlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import sympy

from convexity_proofs._obligations import merge, obligations_of
from convexity_proofs._parser import ParsedFunction, make_symbol, parse_number
from convexity_proofs._pi_domains import (
    PRESERVED,
    Change,
    ExactInterval,
    below,
    change_of,
    changed_obligation,
    exact,
    pi_end,
)
from convexity_proofs._scalar_ast import symbol_order
from convexity_proofs._structure import MODEL_LOSS, ModelClaim, ParameterLayout
from convexity_proofs._suggest import DOMAIN_ALIASES, KEY_ALIASES, PROPERTY_ALIASES, hint
from convexity_proofs._values import (
    NAMED_DOMAINS,
    REAL,
    Claim,
    Domain,
    Expect,
    Obligation,
    Property,
    Quantifier,
    interval_domain,
)
from convexity_proofs._vector.claims import VectorClaim
from convexity_proofs.errors import ClaimError, ClaimErrors, ExpressionError
from convexity_proofs.models._base import ModelError

#: Claim files larger than this are refused before they are parsed.
MAX_FILE_BYTES = 4 * 1024 * 1024
#: More claims than this in one file is not a claim file anyone writes by hand.
MAX_CLAIMS = 1000
#: A claim about more symbols than this is refused (the engine is not built for it).
MAX_SYMBOLS = 20_000
#: Building one expression may use at most this much CPU time (``time.process_time``,
#: polled by the parser's builder): SymPy's automatic evaluation can be made to run for
#: minutes by a short hostile text.  CPU time, not wall-clock time, so that whether a
#: claim file loads never depends on the load of the machine.
PARSE_SECONDS = 30.0

_CLAIM_KEYS = {
    "name": "required",
    "statement": "optional",
    "function": "required unless model is given",
    "model": "instead of function: a model table that builds the loss",
    "data": "with model: the data table; with function: named constant arrays",
    "shapes": "with function: shaped symbols, { w = 3, W = [2, 3] }",
    "symmetry": "with model and invariant: the hidden-unit swap",
    "variables": "required (optional for invariant)",
    "property": "required",
    "expect": "optional",
    "domain": "optional",
    "parameters": 'optional: "all" (default: for every parameter value) or "some"',
    "substitution": "for invariant",
    "modulus": "for strongly-convex: m > 0 (f - m/2*|x|**2 convex)",
    "along": 'optional: judge f on a line or slice, { x = "t", y = "-t" }',
}
_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}$")
_CLAIM_HEADER = re.compile(r"^\s*\[\[\s*claim\s*\]\]")


def load_claims(path: str | Path) -> list[Claim]:
    """Read and validate every claim of one TOML claim file."""
    path = Path(path)
    file = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ClaimError(f"cannot read the file: {exc.strerror or exc}", file=file) from None
    if size > MAX_FILE_BYTES:
        raise ClaimError(
            f"file is too large: {size} bytes (the limit is {MAX_FILE_BYTES})", file=file
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ClaimError(f"cannot read the file as UTF-8 text: {exc}", file=file) from None
    return parse_claims(text, file=file)


def parse_claims(text: str, *, file: str = "<string>") -> list[Claim]:
    """Validate the claims in TOML ``text``; ``file`` is used in error messages."""
    try:
        document = tomllib.loads(text, parse_float=_exact_float)
    except tomllib.TOMLDecodeError as exc:
        raise ClaimError(f"invalid TOML: {exc}", file=file) from None
    except _InexactFloat as exc:
        line = text[: text.find(exc.text)].count("\n") + 1 if exc.text in text else None
        where = f" (line {line})" if line else ""
        raise ClaimError(
            f"the number {exc.text}{where} is not read exactly as a TOML float (a float holds "
            f'{exc.value!r}); write it as a string, "{exc.text}", to have it exactly',
            file=file,
        ) from None
    except (RecursionError, MemoryError):
        # tomllib recurses on nested arrays and inline tables: hostile depth ends here.
        raise ClaimError("invalid TOML: values are nested too deeply", file=file) from None
    unknown = sorted(set(document) - {"claim"})
    if unknown:
        raise ClaimError(
            f"unknown top-level key {unknown[0]!r}: a claim file holds only [[claim]] tables",
            file=file,
            field=unknown[0],
        )
    tables = document.get("claim")
    if tables is None:
        raise ClaimError("no [[claim]] tables in this file", file=file)
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ClaimError(
            "'claim' must be an array of tables, written [[claim]]", file=file, field="claim"
        )
    if len(tables) > MAX_CLAIMS:
        raise ClaimError(f"too many claims: {len(tables)} (the limit is {MAX_CLAIMS})", file=file)
    lines = [i + 1 for i, line in enumerate(text.splitlines()) if _CLAIM_HEADER.match(line)]
    claims: list[Claim] = []
    errors: list[ClaimError] = []
    seen: dict[str, int] = {}
    for index, table in enumerate(tables):
        line = lines[index] if index < len(lines) else None
        try:
            claim = _parse_claim(table, file=file, index=index, line=line)
        except ClaimError as exc:
            # Every claim is checked, so that one run reports all of a file's errors.
            errors.extend(exc.errors if isinstance(exc, ClaimErrors) else (exc,))
            continue
        if claim.name in seen:
            errors.append(
                ClaimError(
                    f"duplicate claim name (claim #{seen[claim.name] + 1} has it too)",
                    file=file,
                    claim=claim.name,
                    field="name",
                )
            )
            continue
        seen[claim.name] = index
        claims.append(claim)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ClaimErrors(errors)
    return claims


class _InexactFloat(ValueError):
    def __init__(self, text: str, value: float) -> None:
        super().__init__(text)
        self.text = text
        self.value = value


def _exact_float(text: str) -> float:
    """A TOML float, refused when the float is not the decimal written.

    Numbers of a claim are exact, and a float is taken as the decimal it prints as
    (``0.1`` is 1/10); a decimal that no float prints as (``1e-400``, which TOML reads
    as 0.0, or ``0.30000000000000001``, read as 0.3) would silently be another number.
    """
    value = float(text)
    if math.isfinite(value):
        try:
            written = Decimal(text.replace("_", ""))
        except ArithmeticError:  # pragma: no cover - TOML floats are decimals
            return value
        if Decimal(repr(value)) != written:
            raise _InexactFloat(text, value)
    return value


class _Reader:
    """Field access for one claim table, with errors that say where."""

    def __init__(self, table: Mapping[str, Any], file: str, claim: str) -> None:
        self.table = table
        self.file = file
        self.claim = claim

    def error(self, field: str | None, message: str) -> ClaimError:
        return ClaimError(message, file=self.file, claim=self.claim, field=field)

    def string(self, field: str, *, required: bool, default: str = "") -> str:
        if field not in self.table:
            if required:
                raise self.error(field, "missing required field")
            return default
        value = self.table[field]
        if not isinstance(value, str):
            raise self.error(field, f"expected a string, found {_describe(value)}")
        return value


def _describe(value: Any) -> str:
    shown = reprlib.repr(value)  # bounded in depth and length, whatever the input
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{type(value).__name__} {shown}"


def build_claim(table: Mapping[str, Any], *, file: str = "<api>") -> Claim:
    """Validate one claim given as a mapping, exactly as a ``[[claim]]`` table is."""
    return _parse_claim(table, file=file, index=0, line=None)


def _parse_claim(table: Mapping[str, Any], *, file: str, index: int, line: int | None) -> Claim:
    label = table.get("name") if isinstance(table.get("name"), str) else f"#{index + 1}"
    reader = _Reader(table, file, label)
    unknown = sorted(set(table) - set(_CLAIM_KEYS))
    if unknown:
        allowed = ", ".join(_CLAIM_KEYS)
        tip = hint(unknown[0], _CLAIM_KEYS, KEY_ALIASES)
        raise reader.error(unknown[0], f"unknown key{tip} (allowed keys: {allowed})")

    name = reader.string("name", required=True)
    if not _NAME_PATTERN.match(name):
        raise reader.error(
            "name",
            "expected a name of letters, digits, '-', '_' or '.' (at most 128 characters), "
            f"found {name!r}",
        )
    statement = reader.string("statement", required=False)
    prop = _enum(reader, "property", Property, required=True)
    expect = _enum(reader, "expect", Expect, required=False) or Expect.HOLDS
    quantifier = _enum(reader, "parameters", Quantifier, required=False) or Quantifier.ALL
    obligations: tuple[Obligation, ...]
    rewritten: tuple[str, ...] = ()
    vector = VectorClaim()
    if "model" in reader.table:
        if "shapes" in reader.table:
            raise reader.error(
                "shapes",
                "a model claim takes no shapes: the model names its parameters itself "
                "(w1_2_3); shapes declare vectors of a function text",
            )
        built = _model(reader, prop)
        if not built.scalar:
            return _structured_claim(
                reader, table, built, prop, expect, quantifier, statement, name, file, line
            )
        function, source, groups, hints = (
            built.function,
            built.description,
            built.groups,
            built.hints,
        )
        obligations = obligations_of(function)
        symbols = sorted(function.free_symbols, key=lambda s: s.name)
    else:
        if "symmetry" in reader.table:
            raise reader.error("symmetry", "only a claim with a model takes this key")
        source = reader.string("function", required=True)
        vector = _vector_claim(reader)
        parsed = _parse(reader, "function", source, vector)
        function, obligations, rewritten = (
            parsed.expression,
            parsed.obligations,
            parsed.rewritten,
        )
        # Every written symbol, also one that evaluation removed (log(x)*0 + y**2).
        symbols = list(parsed.symbols)
        groups, hints = {}, ()
    if len(symbols) > MAX_SYMBOLS:
        raise reader.error(
            "function", f"too many symbols: {len(symbols)} (the limit is {MAX_SYMBOLS})"
        )
    along: tuple[tuple[sympy.Symbol, sympy.Expr], ...] = ()
    if "along" in reader.table:
        if "model" in reader.table:
            raise reader.error(
                "along", "along applies to a function text; write the model's loss as one"
            )
        function, obligations, symbols, along, rewritten = _along(
            reader, prop, source, symbols, vector
        )
    by_name = {s.name: s for s in symbols}

    if along and "variables" not in reader.table:
        fresh = {s for _, image in along for s in image.free_symbols}
        variables = tuple(s for s in symbols if s in fresh)
        if not variables:
            raise reader.error(
                "variables",
                "along introduces no new symbol to be the variables: list them with "
                "variables = [...]",
            )
    elif vector.plain:
        variables = _variables(reader, prop, by_name, groups)
    else:
        variables, added = _vector_variables(reader, prop, by_name, vector, along)
        if added:
            # Entries of a listed vector that the function does not mention are variables
            # all the same: whether w[0]**2 is strictly convex depends on w[1].
            symbols = sorted([*symbols, *added], key=lambda s: s.name)
            if len(symbols) > MAX_SYMBOLS:
                raise reader.error(
                    "variables", f"too many symbols: {len(symbols)} (the limit is {MAX_SYMBOLS})"
                )
            by_name = {s.name: s for s in symbols}
    if quantifier is Quantifier.SOME and set(variables) == set(symbols):
        # "some" quantifies the parameters; with none it would silently mean "all".
        raise reader.error(
            "parameters",
            '"some" needs parameters, but every symbol is a variable here; list the '
            "variables with variables = [...] so that the others are parameters",
        )
    domains = _domains(reader, by_name, vector)
    changes = _changed_variables(reader, prop, vector, domains, by_name)
    if changes:
        # x = lo + (hi - lo)·u: the claim is decided about f(x(u)) on u's interval.
        mapping = {c.original: c.image for c in changes}
        renamed = {c.original: c.symbol for c in changes}
        function = function.xreplace(mapping)
        obligations = tuple(changed_obligation(ob, mapping) for ob in obligations)
        variables = tuple(renamed.get(s, s) for s in variables)
        symbols = [renamed.get(s, s) for s in symbols]  # in the order written
        for c in changes:
            del domains[c.original.name]
            domains[c.symbol.name] = c.domain
        by_name = {s.name: s for s in symbols}
    substitution = built.substitution if "model" in reader.table else ()
    conditions: tuple[Obligation, ...] = ()
    if not substitution:
        # The substituted side must be defined as written too (x -> x*y/y needs y != 0).
        substitution, conditions = _substitution(reader, prop, by_name, vector)
    model_claim = None
    if "model" in reader.table and built.network is not None:
        model_claim = _model_claim(built, variables, scalar=True)
    if not vector.plain:
        # w[2] before w[10] (reports list parameters in this order); names without
        # entries keep the order they always had
        symbols = sorted(symbols, key=lambda s: symbol_order(s.name))
    return Claim(
        name=name,
        function=function,
        variables=variables,
        property=prop,
        expect=expect,
        domains=tuple((s, domains.get(s.name, REAL)) for s in symbols),
        substitution=substitution,
        symmetry_hints=hints,
        statement=statement,
        source=source,
        file=file,
        line=line,
        obligations=obligations,
        substitution_obligations=conditions,
        quantifier=quantifier,
        rewritten=rewritten,
        table=_canonical_table(table),
        modulus=_modulus(reader, prop),
        along=along,
        model=model_claim,
        data_digests=vector.data.digests,
        reparametrized=tuple((c.original.name, c.describe()) for c in changes),
    )


def _vector_claim(reader: _Reader) -> VectorClaim:
    """A function claim's ``shapes`` and ``data`` (vector notation), read and checked."""
    from convexity_proofs._vector.claims import (
        check_disjoint,
        check_shapes_used,
        check_used,
        read_shapes,
    )
    from convexity_proofs._vector.data import read_function_data

    if "shapes" not in reader.table and "data" not in reader.table:
        return VectorClaim()
    try:
        shapes = {}
        if "shapes" in reader.table:
            shapes = read_shapes(reader.table["shapes"], max_entries=MAX_SYMBOLS)
            check_shapes_used(shapes, _texts(reader))
        if "data" in reader.table:
            data = read_function_data(reader.table["data"], _base_directory(reader.file))
            check_disjoint(shapes, data)
            check_used(data, _texts(reader))
            return VectorClaim(shapes, data)
        return VectorClaim(shapes)
    except ModelError as exc:
        raise reader.error(exc.field, exc.message) from None


def _texts(reader: _Reader) -> list[str]:
    """The claim's expression texts as written: function, substitution, along."""
    texts = [reader.table.get("function")]
    for key in ("substitution", "along"):
        table = reader.table.get(key)
        if isinstance(table, dict):
            texts.extend(table.values())
    return [text for text in texts if isinstance(text, str)]


def _vector_variables(
    reader: _Reader,
    prop: Property,
    by_name: Mapping[str, sympy.Symbol],
    vector: VectorClaim,
    along: tuple[tuple[sympy.Symbol, sympy.Expr], ...],
) -> tuple[tuple[sympy.Symbol, ...], list[sympy.Symbol]]:
    """The variables of a claim with shapes or data (a vector name: all its entries),
    and the entries among them that the function does not mention."""
    from convexity_proofs._vector.claims import expand_variables

    if "variables" not in reader.table:
        if prop is Property.INVARIANT:
            return tuple(by_name.values()), []
        raise reader.error("variables", 'missing required field (a list of names, e.g. ["w", "b"])')
    replaced = {}
    if along:
        raw_along = reader.table["along"]
        written = {_normal_key(vector, key, "along"): key for key in raw_along}
        replaced = {symbol.name: f"along.{written[symbol.name]}" for symbol, _ in along}
    try:
        return expand_variables(vector, reader.table["variables"], by_name, replaced=replaced)
    except ModelError as exc:
        raise reader.error(exc.field, exc.message) from None


def _normal_key(vector: VectorClaim, key: str, prefix: str) -> str:
    """A key of substitution/along as a symbol name (``"w[ 0]"`` -> ``w[0]``)."""
    if vector.plain:
        return key
    return vector.entry(key, f"{prefix}.{key}") or key


def _model_claim(
    built: _BuiltClaim, variables: tuple[sympy.Symbol, ...], *, scalar: bool
) -> ModelClaim:
    """A scalar model claim's structure, its variables located in the layout."""
    network = built.network
    index = network.layout.index_of()
    selected = sorted(index[s.name] for s in variables if s.name in index)
    return ModelClaim(
        kind=built.kind,
        description=built.description,
        network=network,
        template=built.template,
        selected=np.array(selected, dtype=np.int64),
        selected_names=tuple(s.name for s in variables),
        scalar=scalar,
        function=built.function,
    )


def _structured_claim(
    reader: _Reader,
    table: Mapping[str, Any],
    built: _BuiltClaim,
    prop: Property,
    expect: Expect,
    quantifier: Quantifier,
    statement: str,
    name: str,
    file: str,
    line: int | None,
) -> Claim:
    """A model claim too large to expand: its variables are layout indices and its
    function the stand-in :data:`~convexity_proofs._structure.MODEL_LOSS`."""
    for key, why in (
        ("domain", "its parameters range over all reals"),
        ("along", "write the model's loss as a function text to slice it"),
    ):
        if key in reader.table:
            raise reader.error(
                key,
                f"a model claim this large (decided from its structure) takes no {key}: {why}",
            )
    layout = built.network.layout
    selected, names = _model_selection(reader, prop, layout)
    if quantifier is Quantifier.SOME and len(selected) == layout.size:
        # As for a function text: "some" quantifies the parameters, and there are none.
        raise reader.error(
            "parameters",
            '"some" needs parameters, but every parameter of the model is a variable here; '
            "list the variables (groups or names) so that the others are parameters",
        )
    modulus = _modulus(reader, prop)
    return Claim(
        name=name,
        function=MODEL_LOSS,
        variables=(),
        property=prop,
        expect=expect,
        statement=statement,
        source=built.description,
        file=file,
        line=line,
        quantifier=quantifier,
        table=_canonical_table(table),
        modulus=modulus,
        model=ModelClaim(
            kind=built.kind,
            description=built.description,
            network=built.network,
            template=built.template,
            selected=selected,
            selected_names=names,
            scalar=False,
        ),
    )


def _model_selection(
    reader: _Reader, prop: Property, layout: ParameterLayout
) -> tuple[np.ndarray, tuple[str, ...]]:
    """The variables of a structured model claim: group names or parameter names, as
    sorted layout indices (a name listed twice, or in two groups, counts once)."""
    if "variables" not in reader.table:
        if prop is Property.INVARIANT:
            return layout.groups["all"], ("all",)
        raise reader.error("variables", "missing required field (parameter groups or names)")
    raw = reader.table["variables"]
    if raw == "all":
        raw = ["all"]
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise reader.error(
            "variables", f'expected a list of strings or "all", found {_describe(raw)}'
        )
    if not raw:
        raise reader.error("variables", "expected at least one variable, found an empty list")
    if len(set(raw)) != len(raw):
        twice = next(v for v in raw if raw.count(v) > 1)
        raise reader.error("variables", f"{twice!r} is listed twice")
    parts: list[np.ndarray] = []
    singles = [v for v in raw if v not in layout.groups]
    index = layout.index_of() if singles else {}
    for name in raw:
        if name in layout.groups:
            parts.append(layout.groups[name])
        elif name in index:
            parts.append(np.array([index[name]], dtype=np.int64))
        else:
            raise reader.error(
                "variables",
                f"{name!r} is neither a parameter group of the model "
                f"({', '.join(layout.groups)}) nor one of its parameters",
            )
    return np.unique(np.concatenate(parts)), tuple(raw)


def _modulus(reader: _Reader, prop: Property) -> Fraction | None:
    """The modulus m > 0 of a strongly-convex claim (exact: "1/10", 0.1 or 2)."""
    if "modulus" not in reader.table:
        if prop is Property.STRONGLY_CONVEX:
            raise reader.error(
                "modulus",
                'missing: a strongly-convex claim needs modulus = "1/10" '
                "(f - m/2*|x|**2 is convex)",
            )
        return None
    if prop is not Property.STRONGLY_CONVEX:
        raise reader.error(
            "modulus", f"only a strongly-convex claim takes a modulus (property is {prop})"
        )
    raw = reader.table["modulus"]
    if isinstance(raw, bool):
        raise reader.error("modulus", f"expected a number > 0, found {_describe(raw)}")
    try:
        value = parse_number(raw)
    except ExpressionError as exc:
        raise reader.error("modulus", str(exc)) from None
    if value <= 0:
        raise reader.error(
            "modulus", f"expected a number > 0, found {raw!r} (a modulus of 0 is plain convexity)"
        )
    return value


def _along(
    reader: _Reader,
    prop: Property,
    source: str,
    symbols: list[sympy.Symbol],
    vector: VectorClaim,
) -> tuple[
    sympy.Expr,
    tuple[Obligation, ...],
    list[sympy.Symbol],
    tuple[tuple[sympy.Symbol, sympy.Expr], ...],
    tuple[str, ...],
]:
    """f on a line or slice: each listed symbol replaced (simultaneously) by an
    expression in new symbols.  The function's text is parsed again with each replaced
    name standing for its expression, so every obligation of the text as written is
    recorded on the slice, and every guard of the parser applies there (a slice on
    which the function is real nowhere is refused like such a text); the obligations
    of the expressions' own texts are added."""
    if prop is Property.INVARIANT:
        raise reader.error("along", "an invariant claim states its substitution instead")
    raw = reader.table["along"]
    if not isinstance(raw, dict) or not raw:
        raise reader.error(
            "along", f'expected a table such as {{ x = "t", y = "-t" }}, found {_describe(raw)}'
        )
    by_name = {s.name: s for s in symbols}
    domains = reader.table.get("domain", {})
    keys = _normal_keys(reader, vector, raw, "along")
    domain_keys = {}
    if isinstance(domains, dict):
        for key in domains:
            if not isinstance(key, str):
                continue  # refused when the domain table is read
            if key in vector.shapes:
                # a shaped name's domain is every entry's: one that along replaces too
                for entry in vector.space.entries(key):
                    domain_keys.setdefault(entry, key)
                continue
            try:
                domain_keys[_normal_key(vector, key, "domain")] = key
            except ModelError:
                continue  # the domain table's own errors are reported when it is read
    pairs: list[tuple[sympy.Symbol, sympy.Expr]] = []
    conditions = []
    for written in sorted(raw):
        field = f"along.{written}"
        name = keys[written]
        if name not in by_name:
            known = vector.known(by_name.values()) if not vector.plain else ", ".join(by_name)
            raise reader.error(
                field,
                f"{written!r} does not occur in the function (its symbols: {known or 'none'})",
            )
        if name in domain_keys:
            raise reader.error(
                f"domain.{domain_keys[name]}",
                f"{name!r} is replaced by along.{written}: give the domain of the new variables "
                "instead",
            )
        text = raw[written]
        if not isinstance(text, str):
            raise reader.error(field, f"expected an expression string, found {_describe(text)}")
        parsed = _parse(reader, field, text, vector)
        replaced = sorted(s.name for s in parsed.symbols if s.name in keys.values())
        if replaced:
            raise reader.error(
                field,
                f"uses {replaced[0]!r}, which along replaces; name the new variable otherwise",
            )
        pairs.append((by_name[name], parsed.expression))
        conditions.append(parsed.obligations)
    bindings = {symbol.name: image for symbol, image in pairs}
    try:
        sliced = vector.parse(
            source, max_cpu_seconds=PARSE_SECONDS, bindings=bindings, declared=_declared(reader)
        )
    except ExpressionError as exc:
        raise reader.error("along", f"on this slice the function is not usable: {exc}") from None
    # Every symbol the slice is about: of the function on it, and of the expressions
    # (also one that evaluation removed, or that only an obligation mentions).
    present = set(sliced.symbols)
    for _, image in pairs:
        present.update(image.free_symbols)
    for obligations in conditions:
        for ob in obligations:
            present.update(ob.argument.free_symbols)
    return (
        sliced.expression,
        merge([sliced.obligations, *conditions]),
        sorted(present, key=lambda s: s.name),
        tuple(pairs),
        sliced.rewritten,
    )


def _canonical_table(table: Mapping[str, Any]) -> str:
    """The table as canonical JSON (sorted keys), or "" if a value has no JSON form."""
    try:
        return json.dumps(table, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):
        return ""


def _enum(reader: _Reader, field: str, enum: type[Any], *, required: bool) -> Any:
    if field not in reader.table and not required:
        return None
    allowed = ", ".join(repr(m.value) for m in enum)
    raw = reader.table.get(field)
    if raw is not None and not isinstance(raw, str):
        raise reader.error(field, f"expected one of {allowed}, found {_describe(raw)}")
    value = reader.string(field, required=required)
    try:
        return enum(value)
    except ValueError:
        tip = hint(value, [m.value for m in enum], PROPERTY_ALIASES)
        raise reader.error(field, f"expected one of {allowed}, found {value!r}{tip}") from None


def _parse(reader: _Reader, field: str, text: str, vector: VectorClaim) -> ParsedFunction:
    """Parse a function text under the CPU budget, in vector notation when the claim has
    shapes or data (or the text needs it); every refusal is located at ``field``."""
    try:
        return vector.parse(text, max_cpu_seconds=PARSE_SECONDS, declared=_declared(reader))
    except ExpressionError as exc:
        raise reader.error(field, str(exc)) from None


def _declared(reader: _Reader) -> frozenset[str]:
    """The symbol names a claim lists itself (its variables, and the keys of its domain,
    along and substitution tables): such a name may be one that only looks like a
    constant (``variables = ["e", ...]``), which the parser otherwise refuses."""
    names: set[str] = set()
    listed = reader.table.get("variables")
    if isinstance(listed, list):
        names.update(name for name in listed if isinstance(name, str))
    for key in ("domain", "along", "substitution"):
        table = reader.table.get(key)
        if isinstance(table, dict):
            names.update(name for name in table if isinstance(name, str))
    return frozenset(names)


def _normal_keys(
    reader: _Reader, vector: VectorClaim, raw: Mapping[str, Any], prefix: str
) -> dict[str, str]:
    """Keys of a substitution/along table -> symbol names (entry keys normalised)."""
    if vector.plain:
        return {key: key for key in raw}
    from convexity_proofs._vector.claims import normal_keys

    try:
        return normal_keys(vector, raw, prefix)
    except ModelError as exc:
        raise reader.error(exc.field, exc.message) from None


def _variables(
    reader: _Reader,
    prop: Property,
    by_name: Mapping[str, sympy.Symbol],
    groups: Mapping[str, tuple[sympy.Symbol, ...]],
) -> tuple[sympy.Symbol, ...]:
    """Symbol names, or (for a model) names of parameter groups, or "all"."""
    if "variables" not in reader.table:
        if prop is Property.INVARIANT:
            return tuple(by_name.values())
        raise reader.error("variables", "missing required field (a list of symbol names)")
    raw = reader.table["variables"]
    if raw == "all" and groups:
        raw = ["all"]
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        hint = ' or "all"' if groups else ""
        raise reader.error("variables", f"expected a list of strings{hint}, found {_describe(raw)}")
    if not raw:
        raise reader.error("variables", "expected at least one variable, found an empty list")
    result: list[sympy.Symbol] = []
    chosen: set[sympy.Symbol] = set()  # the symbols of result: lookups in constant time
    present = set(by_name.values())
    for name in raw:
        if name in groups:
            # A group's symbols that the loss does not involve (an unobserved row of a
            # factorisation) are not variables of this function.
            for s in groups[name]:
                if s in present and s not in chosen:
                    result.append(s)
                    chosen.add(s)
            continue
        if name not in by_name:
            if groups:
                message = (
                    f"{name!r} is neither a parameter group of the model "
                    f"({', '.join(groups)}) nor one of its symbols"
                )
            else:
                known = ", ".join(by_name) or "none"
                message = f"{name!r} does not occur in the function (its symbols: {known})"
            raise reader.error("variables", message)
        if by_name[name] in chosen:
            raise reader.error("variables", f"{name!r} is listed twice")
        result.append(by_name[name])
        chosen.add(by_name[name])
    if not result:
        raise reader.error("variables", "the named groups hold no symbol of the loss")
    return tuple(result)


@dataclass(frozen=True, slots=True)
class _BuiltClaim:
    function: sympy.Expr
    description: str
    groups: Mapping[str, tuple[sympy.Symbol, ...]]
    substitution: tuple[tuple[sympy.Symbol, sympy.Expr], ...]
    hints: tuple[tuple[tuple[sympy.Symbol, sympy.Symbol], ...], ...]
    kind: str = ""
    network: Any = None
    template: Any = None
    scalar: bool = True


def _model(reader: _Reader, prop: Property) -> _BuiltClaim:
    """Build a model claim's loss; model errors become located claim errors."""
    from convexity_proofs.models import ModelError, build_model, symmetry_substitution

    if "function" in reader.table:
        raise reader.error("function", "give either function or model, not both")
    if "substitution" in reader.table:
        raise reader.error("substitution", "a model claim states its swap as symmetry = {...}")
    model, data = reader.table["model"], reader.table.get("data")
    if data is None:
        raise reader.error("data", "missing: a model claim needs a data table")
    try:
        built = build_model(model, data, base=_base_directory(reader.file))
        substitution: tuple[tuple[sympy.Symbol, sympy.Expr], ...] = ()
        if "symmetry" in reader.table:
            if prop is not Property.INVARIANT:
                raise reader.error("symmetry", "only an invariant claim takes a symmetry")
            substitution = tuple(symmetry_substitution(model, reader.table["symmetry"]))
        elif prop is Property.INVARIANT:
            raise reader.error(
                "symmetry", "missing: e.g. symmetry = { swap-units = [1, 2], layer = 1 }"
            )
        hints = _unit_swap_hints(model, symmetry_substitution) if built.scalar else ()
    except ModelError as exc:
        raise reader.error(exc.field, exc.message) from None
    return _BuiltClaim(
        built.function,
        built.description,
        built.groups,
        substitution,
        hints,
        kind=str(model.get("kind", "")),
        network=built.network,
        template=built.template,
        scalar=built.scalar,
    )


def _base_directory(file: str) -> Path | None:
    """Where a model's data files are looked for: beside the claim file (None: the
    current directory, for claims built in Python)."""
    if file.startswith("<") and file.endswith(">"):
        return None
    return Path(file).parent


def _unit_swap_hints(model: Any, symmetry_substitution: Any) -> tuple[Any, ...]:
    """Swaps of hidden units 1 and 2 of each hidden layer, for the permutation argument
    (the engine proves each swap is a symmetry before it relies on it)."""
    from convexity_proofs.models import ModelError

    hints = []
    for layer in range(1, 33):
        try:
            pairs = symmetry_substitution(model, {"swap-units": [1, 2], "layer": layer})
        except ModelError:
            break
        seen: set[sympy.Symbol] = set()
        swap = []
        for a, b in pairs:
            if a not in seen and b not in seen:
                swap.append((a, b))
                seen.update((a, b))
        hints.append(tuple(swap))
    return tuple(hints)


def _domains(
    reader: _Reader, by_name: Mapping[str, sympy.Symbol], vector: VectorClaim
) -> dict[str, Domain]:
    raw = reader.table.get("domain", {})
    if not isinstance(raw, dict):
        raise reader.error("domain", f"expected a table of symbol = domain, found {_describe(raw)}")
    if not vector.plain:
        from convexity_proofs._vector.claims import expand_domain_keys

        try:
            return expand_domain_keys(
                vector, raw, by_name, lambda field, value: _domain(reader, field, value)
            )
        except ModelError as exc:
            raise reader.error(exc.field, exc.message) from None
    domains = {}
    for name in sorted(raw):
        field = f"domain.{name}"
        if name not in by_name:
            raise reader.error(field, f"{name!r} does not occur in the function")
        domains[name] = _domain(reader, field, raw[name])
    return domains


def _domain(reader: _Reader, field: str, value: Any) -> Domain:
    if isinstance(value, str) and value.lstrip()[:1] in ("(", "["):
        return _interval_text(reader, field, value)
    if isinstance(value, str):
        if value in NAMED_DOMAINS:
            return NAMED_DOMAINS[value]
        allowed = ", ".join(repr(n) for n in NAMED_DOMAINS)
        tip = hint(value, NAMED_DOMAINS, DOMAIN_ALIASES)
        raise reader.error(field, f"expected one of {allowed} or [lo, hi], found {value!r}{tip}")
    if not isinstance(value, list) or len(value) != 2:
        raise reader.error(
            field, f"expected a domain name or an interval [lo, hi], found {_describe(value)}"
        )
    lo = _interval_end(reader, field, value[0], upper=False)
    hi = _interval_end(reader, field, value[1], upper=True)
    return _checked_interval(reader, field, lo, hi, lo_open=False, hi_open=False)


#: ``"(lo, hi]"``: a bracket, two ends split at the one comma, a bracket.
_INTERVAL_TEXT = re.compile(r"\s*([\[(])([^,\[\]()]*),([^,\[\]()]*)([\])])\s*")
_POSITIVE_INFINITY = frozenset({"inf", "+inf", "oo", "+oo", "infinity", "+infinity"})
_NEGATIVE_INFINITY = frozenset({"-inf", "-oo", "-infinity"})
#: ``pi``, ``-pi``, ``2*pi``, ``pi/2``, ``3*pi/4``: recognised only to refuse clearly.
_PI_END = re.compile(r"[+-]?\s*(?:\d+\s*\*\s*)?pi(?:\s*/\s*\d+)?", re.IGNORECASE)


def _interval_text(reader: _Reader, field: str, value: str) -> Domain:
    """A domain written as a string, ``"(0, 1]"``, ``"[0, inf)"``: parsed by hand."""
    if len(value) > 200:
        raise reader.error(field, f"interval text is too long: {len(value)} characters")
    match = _INTERVAL_TEXT.fullmatch(value)
    if match is None:
        raise reader.error(
            field,
            f"expected an interval such as '[0, 1]', '(0, 1]' or '[1, inf)', found {value!r}",
        )
    left, lo_text, hi_text, right = match.groups()
    lo = _interval_end(reader, field, lo_text.strip(), upper=False)
    hi = _interval_end(reader, field, hi_text.strip(), upper=True)
    if lo is None and left == "[":
        raise reader.error(
            field,
            f"an infinite end is always open: write '({lo_text.strip()}, ...' instead of "
            f"'[{lo_text.strip()}, ...' in {value!r}",
        )
    if hi is None and right == "]":
        fixed = f"{left}{lo_text.strip()}, {hi_text.strip()})"
        raise reader.error(
            field, f"an infinite end is always open: write {fixed!r} instead of {value!r}"
        )
    lo_open = lo is not None and left == "("
    hi_open = hi is not None and right == ")"
    return _checked_interval(reader, field, lo, hi, lo_open=lo_open, hi_open=hi_open)


def _interval_end(reader: _Reader, field: str, end: Any, *, upper: bool) -> Fraction | None:
    """One end: an exact number, or ``None`` for an infinite end on its own side."""
    side = "upper" if upper else "lower"
    infinite: str | None = None
    if isinstance(end, float) and math.isinf(end):
        infinite = "+" if end > 0 else "-"
    elif isinstance(end, str):
        word = end.strip().lower()
        if word in _POSITIVE_INFINITY:
            infinite = "+"
        elif word in _NEGATIVE_INFINITY:
            infinite = "-"
        elif (multiple := _pi_multiple(reader, field, side, end)) is not None:
            return multiple  # type: ignore[return-value]  # resolved by _checked_interval
        elif _PI_END.fullmatch(word):
            raise reader.error(
                field,
                f"{side} interval end {end!r}: write pi in lower case, a multiple as "
                "'3*pi/4' (a '*' before pi)",
            )
    if infinite is not None:
        if (infinite == "+") != upper:
            wanted = '"inf"' if upper else '"-inf"'
            raise reader.error(
                field,
                f"{side} interval end {end!r} is infinite on the wrong side: the {side} end "
                f"of a half-line is {wanted}",
            )
        return None
    try:
        return parse_number(end)
    except ExpressionError as exc:
        raise reader.error(
            field, f'{side} interval end: {exc} (or "inf" / "-inf" for no bound)'
        ) from None


def _checked_interval(
    reader: _Reader,
    field: str,
    lo: Fraction | None,
    hi: Fraction | None,
    *,
    lo_open: bool,
    hi_open: bool,
) -> Domain:
    if lo is None and hi is None:
        return REAL
    if isinstance(lo, sympy.Expr) or isinstance(hi, sympy.Expr):
        return _exact_interval(reader, field, lo, hi, lo_open=lo_open, hi_open=hi_open)  # type: ignore[return-value]
    if lo is not None and hi is not None:
        if lo > hi:
            raise reader.error(field, f"empty interval: lower end {lo} is above upper end {hi}")
        if lo == hi and (lo_open or hi_open):
            raise reader.error(field, f"empty interval: an open end at {lo} leaves no point")
        if lo == hi:
            raise reader.error(
                field,
                f"interval [{lo}, {hi}] is a single point: give the symbol's value in the function",
            )
        if not (lo_open or hi_open):
            return interval_domain(lo, hi)
    return Domain(lo=lo, hi=hi, lo_open=lo_open, hi_open=hi_open, name="interval")


def _pi_multiple(reader: _Reader, field: str, side: str, end: str) -> sympy.Expr | None:
    try:
        return pi_end(end)
    except ExpressionError as exc:
        raise reader.error(field, f"{side} interval end: {exc}") from None


def _exact_interval(
    reader: _Reader,
    field: str,
    lo: Fraction | sympy.Expr | None,
    hi: Fraction | sympy.Expr | None,
    *,
    lo_open: bool,
    hi_open: bool,
) -> ExactInterval:
    """An interval with an end at a multiple of pi (see :mod:`._pi_domains`)."""
    lo_x = None if lo is None else exact(lo)
    hi_x = None if hi is None else exact(hi)
    if lo_x is not None and hi_x is not None and (hi_x - lo_x).is_zero and not (lo_open or hi_open):
        raise reader.error(
            field,
            f"interval [{sympy.sstr(lo_x)}, {sympy.sstr(hi_x)}] is a single point: give the "
            "symbol's value in the function",
        )
    if lo_x is not None and hi_x is not None and below(lo_x, hi_x) is not True:
        raise reader.error(
            field,
            f"empty interval: lower end {sympy.sstr(lo_x)} is not below upper end "
            f"{sympy.sstr(hi_x)}",
        )
    return ExactInterval(lo_x, hi_x, lo_open, hi_open)


def _changed_variables(
    reader: _Reader,
    prop: Property,
    vector: VectorClaim,
    domains: dict[str, Any],
    by_name: Mapping[str, sympy.Symbol],
) -> tuple[Change, ...]:
    """The change of variable of each symbol whose domain has a pi end; checks that the
    claim is one the change keeps the meaning of."""
    exact_ones = sorted(name for name, d in domains.items() if isinstance(d, ExactInterval))
    if not exact_ones:
        return ()
    field = f"domain.{exact_ones[0]}"
    why = None
    if prop not in PRESERVED:
        why = f"the property {prop} (a change of variable does not keep its meaning)"
    elif not vector.plain:
        why = "vector notation"
    elif "model" in reader.table:
        why = "a model claim"
    elif "along" in reader.table:
        why = "a claim with along"
    if why is not None:
        raise reader.error(
            field,
            f"a pi end is supported for a plain function claim, not for {why}; write rational ends",
        )
    taken = set(by_name)
    return tuple(change_of(by_name[name], domains[name], taken) for name in exact_ones)


def _substitution(
    reader: _Reader, prop: Property, by_name: Mapping[str, sympy.Symbol], vector: VectorClaim
) -> tuple[tuple[tuple[sympy.Symbol, sympy.Expr], ...], tuple[Obligation, ...]]:
    """The substitution's pairs, and the definedness obligations of its texts as written."""
    if "substitution" not in reader.table:
        if prop is Property.INVARIANT:
            raise reader.error(
                "substitution",
                'missing: an invariant claim needs substitution = { w1 = "w2", w2 = "w1" }',
            )
        return (), ()
    if prop is not Property.INVARIANT:
        raise reader.error(
            "substitution", f"only an invariant claim takes a substitution (property is {prop})"
        )
    raw = reader.table["substitution"]
    if not isinstance(raw, dict) or not raw:
        raise reader.error(
            "substitution",
            f"expected a non-empty table of symbol = expression, found {_describe(raw)}",
        )
    pairs = []
    conditions = []
    keys = _normal_keys(reader, vector, raw, "substitution")
    for written in sorted(raw):
        field = f"substitution.{written}"
        name = keys[written]
        if name not in by_name:
            raise reader.error(field, f"{written!r} does not occur in the function")
        text = raw[written]
        if not isinstance(text, str):
            raise reader.error(field, f"expected an expression string, found {_describe(text)}")
        parsed = _parse(reader, field, text, vector)
        image = parsed.expression
        unknown = sorted(s.name for s in parsed.symbols if s.name not in by_name)
        if unknown:
            raise reader.error(field, f"{unknown[0]!r} does not occur in the function")
        pairs.append((make_symbol(name), image))
        conditions.append(parsed.obligations)
    return tuple(pairs), merge(conditions)
