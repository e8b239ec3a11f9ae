"""A pytest plugin: every claim in a claim file is a test item.

Collected files:

* every ``*.claims.toml`` file pytest walks past (the name says what the file is);
* every ``*.toml`` file listed in the ``convexity_claims`` ini option, or lying below a
  directory listed there (a plain ``*.toml`` could be any configuration file, so it
  is collected only when configured);
* every ``*.toml`` file named explicitly on the command line.

When pytest takes its paths from ``testpaths`` (a bare ``pytest`` run), the
``convexity_claims`` paths are collected as well, so configuring them is enough.

With ``--convexity-certificates=DIR`` each proved or refuted claim also writes its
certificate to DIR (named as ``convexity-check --certificates`` names it, over the
claims the session collects) and has it checked, from the file, by the checker in a
worker process: a claim whose certificate does not verify fails with the checker's
message, even when its verdict meets the expectation.

A claim that misses its expectation fails with the report ``convexity-check`` prints,
not a traceback; a file with unusable input is one collection error naming the file,
the claim and the field.  The seconds per claim come from the ``convexity_timeout`` ini
option (default 60).  Each claim is checked, and each file is read, in a worker process
that is ended at that limit (plus a grace), so a claim that hangs fails as ``unknown``
(attempt ``time limit``) instead of hanging the session; no signal handler or timer of
the pytest process is touched, so an outer per-test timeout keeps working.

Module-level imports are kept to pytest and the standard library: this module is
loaded in every pytest run of an environment where the package is installed, so the
engine is imported only when a claim file is collected (the package ``__init__`` is
lazy too, so a run that collects no claims never loads SymPy).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from _pytest._code.code import ExceptionInfo, TerminalRepr

    from convexity_proofs._values import Claim, Verdict

CLAIMS_SUFFIX = ".claims.toml"
DEFAULT_TIMEOUT = "60"
MARKER = "convexity"

_roots_key = pytest.StashKey[tuple[Path, ...]]()
_explicit_key = pytest.StashKey[frozenset[Path]]()
_timeout_key = pytest.StashKey[float]()
_certificates_key = pytest.StashKey[Path | None]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("convexity", "convexity-proofs claim files")
    group.addoption(
        "--convexity-certificates",
        metavar="DIR",
        default=None,
        help="write a certificate for every proved or refuted claim collected to DIR "
        "and check it; a claim whose certificate does not verify fails",
    )
    parser.addini(
        "convexity_claims",
        help="claim files, and directories searched for *.toml claim files, to collect "
        "as tests (relative to the configuration file's directory)",
        type="paths",
        default=[],
    )
    parser.addini(
        "convexity_timeout",
        help="time limit in seconds for each claim; a claim past it is unknown and fails "
        f"(default {DEFAULT_TIMEOUT})",
        default=DEFAULT_TIMEOUT,
    )


def pytest_configure(config: pytest.Config) -> None:
    """Validate the options once, and resolve the paths once, before any collection."""
    config.addinivalue_line(
        "markers", f"{MARKER}: a claim collected from a claim file by convexity_proofs"
    )
    config.stash[_timeout_key] = _parse_timeout(config.getini("convexity_timeout"))
    config.stash[_certificates_key] = _certificates_directory(config)
    roots: list[Path] = []
    for path in config.getini("convexity_claims"):
        if path.exists():
            roots.append(path.resolve())
        else:
            config.issue_config_time_warning(
                pytest.PytestConfigWarning(f"convexity_claims: no such file or directory: {path}"),
                stacklevel=2,
            )
    config.stash[_roots_key] = tuple(roots)
    config.stash[_explicit_key] = frozenset(_explicit_files(config))
    if config.args_source is pytest.Config.ArgsSource.TESTPATHS:
        # A bare ``pytest`` walks only ``testpaths``; without this, claims configured
        # outside them would be silently skipped.
        walked = [_resolve(config, arg) for arg in config.args]
        for root in roots:
            if not any(root.is_relative_to(w) for w in walked):
                config.args.append(str(root))


def _parse_timeout(raw: object) -> float:
    try:
        seconds = float(str(raw))
    except ValueError:
        raise pytest.UsageError(
            f"convexity_timeout: expected a number of seconds, found {raw!r}"
        ) from None
    if not 0 < seconds <= 86_400:
        raise pytest.UsageError(f"convexity_timeout: expected seconds in (0, 86400], found {raw}")
    return seconds


def _certificates_directory(config: pytest.Config) -> Path | None:
    raw = config.getoption("convexity_certificates", None)
    if raw is None:
        return None
    directory = config.invocation_params.dir / raw
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise pytest.UsageError(
            f"--convexity-certificates: cannot write certificates to {raw}: {exc}"
        ) from None
    return directory


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Name each claim's certificate over every claim collected (before deselection, so
    ``-k`` does not change the names; under pytest-xdist every worker collects the same
    items and so names them alike)."""
    claim_items = [item for item in items if isinstance(item, ClaimItem)]
    if not claim_items or all(
        item.config.stash.get(_certificates_key, None) is None for item in claim_items
    ):
        return
    from convexity_proofs._certificate_files import certificate_names

    for item, name in zip(
        claim_items, certificate_names([item.claim for item in claim_items]), strict=True
    ):
        item.certificate_name = name


def _resolve(config: pytest.Config, arg: str) -> Path:
    """A command-line argument (``path`` or ``path::node``) as an absolute resolved path."""
    return (config.invocation_params.dir / arg.split("::", 1)[0]).resolve()


def _explicit_files(config: pytest.Config) -> Iterator[Path]:
    for arg in config.args:
        path = _resolve(config, arg)
        if path.suffix == ".toml" and path.is_file():
            yield path


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> ClaimFile | None:
    if not file_path.name.endswith(".toml"):
        return None
    if file_path.name.endswith(CLAIMS_SUFFIX) or _configured(parent.config, file_path):
        return ClaimFile.from_parent(parent, path=file_path)
    return None


def _configured(config: pytest.Config, file_path: Path) -> bool:
    """Listed in ``convexity_claims`` (or below a listed directory), or named on the
    command line."""
    resolved = file_path.resolve()
    if resolved in config.stash.get(_explicit_key, frozenset()):
        return True
    return any(
        resolved == root or resolved.is_relative_to(root)
        for root in config.stash.get(_roots_key, ())
    )


class ClaimFileError(Exception):
    """A claim file with unusable input; the message names the file, claim and field."""


class ClaimFailed(Exception):
    """A claim that did not meet its expectation; carries the verdict for the report."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(f"{verdict.claim.name}: {verdict.status}")
        self.verdict = verdict


class CertificateFailed(Exception):
    """A decided claim whose certificate does not verify (or could not be made)."""

    def __init__(self, claim: Claim, message: str, summary: str | None = None) -> None:
        super().__init__(message)
        self.claim = claim
        self.message = message
        #: One line for the short summary and junit's message (without the long path).
        self.summary = summary or message


@dataclasses.dataclass(frozen=True)
class _Crash:
    """Where and, in one line, why: what pytest puts on summary lines and in junit
    ``message`` attributes (the duck type of pytest's ``ReprFileLocation``)."""

    path: str
    lineno: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.lineno}: {self.message}"


@dataclasses.dataclass(frozen=True)
class ClaimFailureRepr:
    """A failed claim as pytest shows it: the CLI's report, plus a one-line summary.

    A bare string would also do, but then pytest repeats the whole report on the short
    summary line (on CI, untrimmed) and in junit's ``message`` attribute.  Under
    pytest-xdist the report travels as ``str(self)``, which is the same report text.
    """

    text: str
    reprcrash: _Crash
    #: ``--tb=line``: pytest prints ``reprcrash`` itself, so the report is left out.
    one_line: bool = False

    @classmethod
    def of(cls, verdict: Verdict, *, one_line: bool = False) -> ClaimFailureRepr:
        from convexity_proofs.testing import report_summary, report_text

        claim = verdict.claim
        crash = _Crash(claim.file or "", claim.line or 0, report_summary(verdict))
        return cls(report_text(verdict), crash, one_line)

    def toterminal(self, tw: Any) -> None:
        if not self.one_line:
            for line in self.text.splitlines():
                tw.line(line)

    def __str__(self) -> str:
        return str(self.reprcrash) if self.one_line else self.text


class ClaimFile(pytest.File):
    """One claim file: its claims, in file order, are its items."""

    def collect(self) -> Iterator[ClaimItem]:
        from convexity_proofs._runner import load_files
        from convexity_proofs.errors import ClaimError, ClaimErrors

        shown = self._shown_path()
        timeout = self.config.stash.get(_timeout_key, float(DEFAULT_TIMEOUT))
        try:
            # Built in a worker process ended at the time limit: a file whose models
            # take too long to build is a collection error, not a hung session.
            claims = load_files([self.path], limit=timeout)
        except ClaimError as exc:
            # Messages name the file as the user knows it (relative to the rootdir); a
            # file with several errors says each one, on its own line.
            errors = exc.errors if isinstance(exc, ClaimErrors) else (exc,)
            located = [
                ClaimError(e.message, file=shown, claim=e.claim, field=e.field) for e in errors
            ]
            raise ClaimFileError("\n".join(str(e) for e in located)) from None
        for claim in claims:
            claim = dataclasses.replace(claim, file=shown)
            yield ClaimItem.from_parent(self, name=claim.name, claim=claim)

    def _shown_path(self) -> str:
        rootpath = self.config.rootpath
        return (
            str(self.path.relative_to(rootpath))
            if self.path.is_relative_to(rootpath)
            else str(self.path)
        )

    def repr_failure(  # type: ignore[override]
        self, excinfo: ExceptionInfo[BaseException]
    ) -> str | TerminalRepr:
        """Bad input is reported as its message alone: a traceback into the reader
        would only hide which field to fix."""
        if isinstance(excinfo.value, ClaimFileError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class ClaimItem(pytest.Item):
    """One claim: passes when the verdict meets the claim's expectation (and, with
    ``--convexity-certificates``, when its certificate verifies)."""

    def __init__(self, *, claim: Claim, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.claim = claim
        #: The certificate's file name (set at collection, over every claim collected).
        self.certificate_name: str | None = None
        self.add_marker(MARKER)

    def runtest(self) -> None:
        from convexity_proofs._engine import Settings
        from convexity_proofs._runner import run_claims

        timeout = self.config.stash.get(_timeout_key, float(DEFAULT_TIMEOUT))
        # In a worker process that is ended at the limit (plus a grace): a claim that
        # hangs cannot hang the session, and no signal or timer of this process (an
        # outer per-test timeout) is touched.
        (verdict,) = run_claims([self.claim], Settings(timeout=timeout), limit=timeout)
        # Strings only: reports travel between processes under pytest-xdist.
        self.user_properties.append(("convexity_status", str(verdict.status)))
        self.user_properties.append(("convexity_expect", str(self.claim.expect)))
        directory = self.config.stash.get(_certificates_key, None)
        if directory is not None:
            self._certify(verdict, directory, timeout)
        if not verdict.passed:
            raise ClaimFailed(verdict)

    def _certify(self, verdict: Verdict, directory: Path, timeout: float) -> None:
        """Write the verdict's certificate and check it from the file (in a worker)."""
        from convexity_proofs._certificate_files import (
            certificate_bytes,
            certificate_names,
            verify_files,
            write_certificate,
        )
        from convexity_proofs._runner import describe, raise_internal_errors
        from convexity_proofs._values import Status

        name = self.certificate_name or certificate_names([self.claim])[0]
        path = directory / name
        if verdict.status is Status.UNKNOWN:
            # No certificate; one left by an earlier run must not pass for this one's.
            path.unlink(missing_ok=True)
            return
        try:
            data = certificate_bytes(verdict)
        except Exception as exc:
            if raise_internal_errors():
                raise
            raise CertificateFailed(
                self.claim, f"no certificate could be made (internal error: {describe(exc)})"
            ) from None
        write_certificate(directory, name, data)
        self.user_properties.append(("convexity_certificate", str(path)))
        (checked,) = verify_files([path], limit=timeout)
        if checked.unreadable is not None:
            raise CertificateFailed(
                self.claim,
                f"the certificate cannot be read back: {checked.unreadable}",
                "the certificate cannot be read back",
            )
        assert checked.report is not None
        if not checked.report.valid:
            failure = checked.report.failure
            raise CertificateFailed(
                self.claim,
                f"the certificate {path} does not verify: {failure}",
                f"certificate does not verify: {failure}",
            )

    def repr_failure(  # type: ignore[override]
        self, excinfo: ExceptionInfo[BaseException], style: Any = None
    ) -> str | TerminalRepr | ClaimFailureRepr:
        """The CLI's report for the verdict (witness, proof or attempts), not a traceback."""
        one_line = self.config.getoption("tbstyle", "auto") == "line"
        if isinstance(excinfo.value, ClaimFailed):
            return ClaimFailureRepr.of(excinfo.value.verdict, one_line=one_line)
        if isinstance(excinfo.value, CertificateFailed):
            from convexity_proofs._safe_text import escape_control

            message = escape_control(excinfo.value.message)
            claim = self.claim
            crash = _Crash(claim.file or "", claim.line or 0, escape_control(excinfo.value.summary))
            return ClaimFailureRepr(
                f"claim {escape_control(claim.name)}: {message}", crash, one_line
            )
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        line = self.claim.line - 1 if self.claim.line else None
        return self.path, line, f"claim {self.name}"
