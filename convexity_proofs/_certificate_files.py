"""Certificate files: their names, writing them, reading them, and ``verify`` in Python.

The format itself (what a certificate holds) is :mod:`convexity_proofs._certificate`;
this module is about files.  ``convexity-check --certificates DIR`` and the pytest
plugin's ``--convexity-certificates=DIR`` name each file with :func:`certificate_names`:

    <file key>--<claim name>.json

The *file key* is the claim file's stem made safe (letters, digits, ``_``, ``.`` and
single ``-``; anything else becomes ``_``; never ``--``, never a leading ``-`` or ``.``,
never a trailing ``-``), so the first ``--`` of a certificate's name always ends the
key.  When two different claim files of one run have the same key (``a/x.toml`` and
``b/x.toml``; compared ignoring case, for file systems that ignore it), each of them gets
``~<10 hex digits>`` appended: the start of the SHA-256 of its path as the run names it
(normalised, ``/``-separated).  A stem longer than 100 characters is cut and always gets
the digits.  A safe stem never holds ``~``, so a key with digits is never another
file's plain key.  Claim names are unique within a file (and already safe: letters, digits,
``_``, ``.``, ``-``); two names of one file that differ only in case get
``~<8 hex digits>`` (of the name) appended.  So no two certificates of a run share a
name, and the same run names the same files every time.

Reading is strict: at most :data:`MAX_CERTIFICATE_BYTES`, UTF-8, JSON without
``NaN``/``Infinity`` and without duplicate keys; anything else is a
:class:`~convexity_proofs._certificate.CertificateError` whose message names the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from convexity_proofs._certificate import CertificateError, certificate_of, dumps

if TYPE_CHECKING:
    from convexity_proofs._values import Claim, Verdict
    from convexity_proofs.checker import CheckReport

__all__ = [
    "MAX_CERTIFICATE_BYTES",
    "CheckedFile",
    "certificate_bytes",
    "certificate_files",
    "certificate_names",
    "certificate_schema",
    "read_certificate_file",
    "verify",
    "verify_directory",
    "verify_files",
    "write_certificate",
]

#: Certificates larger than this are refused unread (a certificate is untrusted input).
MAX_CERTIFICATE_BYTES = 256 * 1024 * 1024
#: File keys longer than this are cut (and then always disambiguated).
_MAX_KEY = 100
_UNSAFE = re.compile(r"[^A-Za-z0-9_.\-]")
_DASHES = re.compile(r"-{2,}")
SUFFIX = ".json"


#: The JSON Schema of the format, shipped with the package (package data).
SCHEMA_FILE = "certificate.schema.json"


def certificate_schema() -> dict[str, Any]:
    """The certificate format's JSON Schema (draft 2020-12), as shipped with the package."""
    from importlib.resources import files

    text = files("convexity_proofs").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _path_text(file: str) -> str:
    return posixpath.normpath(file.replace(os.sep, "/")) if file else file


def _digest(text: str, digits: int) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:digits]


def file_key(file: str) -> tuple[str, bool]:
    """The safe stem of ``file`` and whether it was cut (then it must be disambiguated)."""
    stem = Path(_path_text(file)).name
    if stem.lower().endswith(".toml"):
        stem = stem[: -len(".toml")]
    key = _DASHES.sub("-", _UNSAFE.sub("_", stem))
    if key.startswith(("-", ".")):
        key = "_" + key[1:]
    if not key:
        key = "_"
    cut = len(key) > _MAX_KEY
    if cut:
        key = key[:_MAX_KEY]
    if key.endswith("-"):
        key = key[:-1] + "_"
    return key, cut


def certificate_names(claims: Sequence[Claim]) -> list[str]:
    """The certificate file name of each claim (see the module docstring), in order.

    Claims of the same file (the same normalised path) share its key; the names depend
    only on the claims' files and names, never on the order or on the verdicts."""
    files = sorted({_path_text(c.file or "") for c in claims})
    keys: dict[str, str] = {}
    cut: set[str] = set()
    for file in files:
        keys[file], was_cut = file_key(file)
        if was_cut:
            cut.add(file)
    seen: dict[str, int] = {}
    for key in keys.values():
        seen[key.casefold()] = seen.get(key.casefold(), 0) + 1
    for file, key in keys.items():
        if file in cut or seen[key.casefold()] > 1:
            keys[file] = f"{key}~{_digest(file, 10)}"
    by_file: dict[str, dict[str, int]] = {}
    for claim in claims:
        folded = by_file.setdefault(_path_text(claim.file or ""), {})
        # The same claim listed twice (its file named twice) counts once.
        folded.setdefault(claim.name, 0)
    cases: dict[str, dict[str, int]] = {}
    for file, names in by_file.items():
        counts: dict[str, int] = {}
        for name in names:
            counts[name.casefold()] = counts.get(name.casefold(), 0) + 1
        cases[file] = counts
    out = []
    owners: dict[str, tuple[str, str]] = {}
    for claim in claims:
        file = _path_text(claim.file or "")
        part = claim.name
        if cases[file][part.casefold()] > 1:
            part = f"{part}~{_digest(part, 8)}"
        name = f"{keys[file]}--{part}{SUFFIX}"
        owner = owners.setdefault(name.casefold(), (file, claim.name))
        if owner != (file, claim.name):  # only if SHA-256's first digits collide
            raise ValueError(f"two claims would share the certificate name {name}")
        out.append(name)
    return out


def certificate_bytes(verdict: Verdict) -> bytes:
    """The certificate of a decided verdict, as the bytes written to its file."""
    return dumps(certificate_of(verdict)).encode("utf-8")


def write_certificate(directory: Path, name: str, data: bytes) -> Path:
    """Write ``data`` to ``directory/name`` atomically (a reader never sees half a file)."""
    path = directory / name
    temporary = directory / f".{name}.{os.getpid()}.tmp"
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()
    return path


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise CertificateError(f"duplicate key {key!r:.40}")
        data[key] = value
    return data


def _no_constant(name: str) -> Any:
    raise CertificateError(f"{name} is not a JSON number")


def parse_certificate(text: str | bytes) -> dict[str, Any]:
    """Certificate JSON text as data; raises CertificateError (not JSON, not an object)."""
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except UnicodeDecodeError as exc:
        raise CertificateError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise CertificateError(
            f"not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:
        raise CertificateError("not readable: values are nested too deeply") from None
    except CertificateError as exc:
        raise CertificateError(f"not a certificate: {exc}") from None
    if not isinstance(data, dict):
        raise CertificateError("not a certificate: a certificate is a JSON object")
    return data


def read_certificate_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A certificate file's data; CertificateError (naming the file) when unreadable."""
    where = os.fspath(path)
    try:
        info = os.stat(where)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(where)
        if not stat.S_ISREG(info.st_mode):
            # A device or a FIFO could block or never end: only regular files are read.
            raise CertificateError(f"{where}: not a regular file")
        size = info.st_size
        if size > MAX_CERTIFICATE_BYTES:
            raise CertificateError(
                f"{where}: file is too large: {size} bytes (the limit is {MAX_CERTIFICATE_BYTES})"
            )
        with open(where, "rb") as file:
            raw = file.read(MAX_CERTIFICATE_BYTES + 1)  # bounded, even if the file grows
        if len(raw) > MAX_CERTIFICATE_BYTES:
            raise CertificateError(
                f"{where}: file is too large (the limit is {MAX_CERTIFICATE_BYTES})"
            )
    except IsADirectoryError:
        raise CertificateError(f"{where}: is a directory, not a certificate file") from None
    except OSError as exc:
        raise CertificateError(f"{where}: cannot read the file: {exc.strerror or exc}") from None
    try:
        return parse_certificate(raw)
    except CertificateError as exc:
        raise CertificateError(f"{where}: {exc}") from None


def certificate_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The files named, and every ``*.json`` below named directories (sorted).

    A path that does not exist raises CertificateError naming it; so does a directory
    without any ``*.json`` file."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob(f"*{SUFFIX}") if p.is_file())
            if not found:
                raise CertificateError(f"{path}: no *{SUFFIX} certificate files found")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise CertificateError(f"{path}: no such file or directory")
    return files


def verify(
    certificate: str | os.PathLike[str] | Mapping[str, Any], *, recheck_z3: bool = False
) -> CheckReport:
    """Check one certificate: a file's path, or its data already read (a mapping, as
    ``json.load`` gives, or a result's ``"certificate"`` of ``--format json``).

    Returns the checker's :class:`~convexity_proofs.checker.CheckReport`: ``valid``, or
    the first step that fails and why (``failure``), and what a ``valid`` rests on
    (``trust``).  ``recheck_z3`` re-runs the recorded SMT-LIB queries with z3.  Raises
    :class:`~convexity_proofs._certificate.CertificateError` for an unreadable
    certificate (a missing file, not JSON, not a certificate, malformed data).  Runs in
    this process, with no time limit: ``convexity-check verify`` bounds each check.
    """
    from convexity_proofs.checker import verify_certificate

    if isinstance(certificate, Mapping):
        return verify_certificate(dict(certificate), recheck_z3=recheck_z3)
    data = read_certificate_file(certificate)
    try:
        return verify_certificate(data, recheck_z3=recheck_z3)
    except CertificateError as exc:
        raise CertificateError(f"{os.fspath(certificate)}: {exc}") from None


def verify_directory(
    directory: str | os.PathLike[str], *, recheck_z3: bool = False
) -> dict[Path, CheckReport]:
    """:func:`verify` for every ``*.json`` file below ``directory``, in sorted order.

    Raises CertificateError for the first unreadable one (its message names the file),
    and for a directory without certificates."""
    path = Path(directory)
    if not path.is_dir():
        raise CertificateError(f"{path}: not a directory")
    return {file: verify(file, recheck_z3=recheck_z3) for file in certificate_files([path])}


# --- checking files in worker processes (the CLI's verify and the pytest plugin) -------


@dataclass(frozen=True, slots=True)
class CheckedFile:
    """One certificate file's answer: the checker's report, or why it could not be read."""

    file: str
    report: CheckReport | None = None
    unreadable: str | None = None


def _verify_in_worker(path: str, recheck_z3: bool) -> tuple[str, Any]:
    """Read and check one certificate (in a worker process ended at the limit)."""
    from convexity_proofs.checker import verify_certificate

    try:
        data = read_certificate_file(path)
        return ("report", verify_certificate(data, recheck_z3=recheck_z3))
    except CertificateError as exc:
        message = str(exc)
        return ("unreadable", message if message.startswith(path) else f"{path}: {message}")


def _verify_batch_in_worker(paths: list[str], recheck_z3: bool) -> list[tuple[str, Any]]:
    return [_verify_in_worker(path, recheck_z3) for path in paths]


#: At most this many certificates are checked in one worker process: a fresh process
#: (cold caches) costs more than most checks.
BATCH = 8


def verify_files(
    files: Sequence[str | os.PathLike[str]],
    *,
    recheck_z3: bool = False,
    jobs: int = 1,
    limit: float | None,
) -> list[CheckedFile]:
    """Each certificate file read and checked in a worker process, at most ``jobs``
    processes at once; answers in order, the same for any ``jobs``.

    Certificates are checked in batches of up to :data:`BATCH` per process, each batch
    ended at ``limit`` seconds (plus the runner's grace); the certificates of a batch
    that runs past it, or whose worker fails, are checked again one per process, each
    ended at ``limit``.  A check past the limit, or one that ends with an unexpected
    error, is not valid (its ``failure`` says so); with the re-raise switch on, the
    error propagates."""
    from convexity_proofs import _runner
    from convexity_proofs.checker import CheckReport

    # Imported once here, not in every worker: the checker, the claim reader with the
    # model builders, and the parts of SymPy it imports on first use.
    _runner.preload(
        "convexity_proofs.checker",
        "convexity_proofs._certificate",
        "convexity_proofs._claimfile",
        "convexity_proofs.models",
        "sympy.tensor.tensor",
        "sympy.sets.setexpr",
        "sympy.assumptions.wrapper",
    )
    reraise = _runner.raise_internal_errors()
    names = [os.fspath(f) for f in files]
    checked: list[CheckedFile | None] = [None] * len(names)

    def answered(index: int, value: tuple[str, Any]) -> None:
        kind, result = value
        file = names[index]
        checked[index] = (
            CheckedFile(file, report=result)
            if kind == "report"
            else CheckedFile(file, unreadable=result)
        )

    def alone(index: int, outcome: _runner.Outcome) -> None:
        file = names[index]
        if isinstance(outcome, _runner.Done):
            (value,) = outcome.value
            answered(index, value)
        elif isinstance(outcome, _runner.TimedOut):
            failure = f"not checked: stopped after {outcome.limit:g} s (the time limit)"
            checked[index] = CheckedFile(file, CheckReport(False, "", failure))
        else:
            if reraise:
                raise outcome.error
            failure = f"the check ended with an internal error: {outcome.description}"
            checked[index] = CheckedFile(file, CheckReport(False, "", failure))

    size = max(1, min(BATCH, len(names) // (2 * jobs)))
    batches = [list(range(i, min(i + size, len(names)))) for i in range(0, len(names), size)]
    again: list[int] = []

    def batch_done(number: int, outcome: _runner.Outcome) -> None:
        members = batches[number]
        if isinstance(outcome, _runner.Done):
            for index, value in zip(members, outcome.value, strict=True):
                answered(index, value)
        elif len(members) == 1:
            alone(members[0], outcome)
        else:
            again.extend(members)

    _runner.run_tasks(
        _verify_batch_in_worker,
        [([names[i] for i in batch], recheck_z3) for batch in batches],
        jobs=jobs,
        limit=limit,
        on_outcome=batch_done,
    )
    if again:
        again.sort()
        _runner.run_tasks(
            _verify_batch_in_worker,
            [([names[i]], recheck_z3) for i in again],
            jobs=jobs,
            limit=limit,
            on_outcome=lambda number, outcome: alone(again[number], outcome),
        )
    assert all(c is not None for c in checked)
    return checked  # type: ignore[return-value]
