"""``convexity-check``: settle the claims in TOML files, and check certificates.

``convexity-check PATH...`` settles claims.  Exit codes (contract): 0 every claim passed,
1 some claim did not (``unknown`` included), 2 unusable input or options — one clear
message, never a traceback.  ``--certificates DIR`` writes a certificate per decided
claim (names: :mod:`convexity_proofs._certificate_files`).  ``-k EXPRESSION`` selects
claims by name (:mod:`convexity_proofs._selection`; matching none is exit 2);
``-x``/``--fail-fast`` stops at the first claim, in claim order, that does not pass;
``--width N`` sets the text report's width.

``convexity-check --function TEXT --variables NAMES [--property P] [--domain X=D]...
[--expect E]`` checks one function, built and validated as a ``[[claim]]`` table is;
without ``--expect`` it is exploratory (exit 0 when decided, 1 when unknown).

``convexity-check verify CERT_OR_DIR...`` (a first argument exactly ``verify``; a claim
directory named ``verify`` is still reached as ``./verify``) checks certificates: exit
0 every one is valid, 1 some is not (or was not checked within the time limit), 2 some
could not be read (a missing file, not JSON, not a certificate).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from convexity_proofs import __version__
from convexity_proofs.errors import ClaimError

if TYPE_CHECKING:
    from convexity_proofs._certificate_files import CheckedFile
    from convexity_proofs._engine import Settings
    from convexity_proofs._values import Claim, Verdict

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
#: The first argument that selects the ``verify`` subcommand.
VERIFY = "verify"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"convexity-check: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, found {text!r}") from None
    if not 0 < value <= 86_400:
        raise argparse.ArgumentTypeError(f"expected seconds in (0, 86400], found {text}")
    return value


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number of processes, found {text!r}"
        ) from None
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(f"expected 1 to 64 processes, found {value}")
    return value


def _width(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of columns, found {text!r}") from None
    if not MIN_WIDTH <= value <= MAX_WIDTH:
        raise argparse.ArgumentTypeError(
            f"expected {MIN_WIDTH} to {MAX_WIDTH} columns, found {value}"
        )
    return value


#: The report widths ``--width`` accepts.
MIN_WIDTH, MAX_WIDTH = 40, 1000
#: The one-liner's options (``--function`` and what only it takes), for messages.
_FUNCTION_OPTIONS = ("variables", "property", "domain", "parameters", "modulus", "expect")
#: The name and file of the one claim ``--function`` builds.
FUNCTION_CLAIM, FUNCTION_FILE = "function", "<command line>"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="convexity-check",
        description="Prove or refute convexity claims written in TOML claim files.",
        epilog="convexity-check verify CERT_OR_DIR... checks certificates written with "
        "--certificates (see convexity-check verify --help); a claim directory named "
        "'verify' is given as ./verify.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="claim files, or directories searched for *.toml (sorted); not with --function",
    )
    parser.add_argument(
        "-k",
        "--select",
        action="append",
        metavar="EXPRESSION",
        help="check only the claims whose name matches: a substring, a glob such as "
        "'sq*' (the whole name), or words joined by and/or/not and parentheses, as "
        "pytest's -k; case is ignored; a repeated -k adds claims (or); matching no "
        "claim is an error (exit 2)",
    )
    parser.add_argument(
        "-x",
        "--fail-fast",
        action="store_true",
        help="stop at the first claim (in claim order) that does not pass; report the "
        "claims up to it (the same with any --jobs) and exit 1",
    )
    one = parser.add_argument_group(
        "one function from the command line (instead of PATH)",
        "The same fields and the same checks as a [[claim]] table.  Without --expect the "
        "check is exploratory: exit 0 when proved or refuted, 1 when unknown.",
    )
    one.add_argument(
        "--function",
        metavar="TEXT",
        help='the function, in the claim-file language: "log(1 + exp(x))"',
    )
    one.add_argument(
        "--variables",
        action="append",
        metavar="NAMES",
        help="the variables, separated by commas or spaces (repeatable); other symbols "
        "are parameters",
    )
    one.add_argument("--property", metavar="PROPERTY", help="the property (default convex)")
    one.add_argument(
        "--domain",
        action="append",
        metavar="NAME=DOMAIN",
        help="a symbol's domain, as in a claim file: x=positive, x=[0,1], 'x=(0, 1]', "
        "'x=[1, inf)' (repeatable)",
    )
    one.add_argument(
        "--parameters",
        metavar="all|some",
        help="the parameters' quantifier: all (default) or some",
    )
    one.add_argument(
        "--modulus", metavar="M", help="for strongly-convex: the modulus m > 0, such as 1/10"
    )
    one.add_argument(
        "--expect",
        metavar="holds|fails|unknown",
        help="the expected outcome; without it the check is exploratory",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "markdown", "latex"),
        default="text",
        help="text: a readable report (default); json: machine-readable; "
        "markdown: a report to paste into an issue or a paper",
    )
    parser.add_argument(
        "--timeout",
        type=_positive_seconds,
        default=60.0,
        metavar="SECONDS",
        help="time limit per claim; a claim past it is unknown (default 60)",
    )
    parser.add_argument("--verbose", action="store_true", help="show complete proof trees")
    parser.add_argument(
        "--width",
        type=_width,
        metavar="N",
        help=f"the text report's width in columns, {MIN_WIDTH} to {MAX_WIDTH} (default: "
        "the terminal's, or COLUMNS, or 80)",
    )
    parser.add_argument(
        "--jobs",
        type=_jobs,
        default=1,
        metavar="N",
        help="check claims in N processes (same results as a serial run)",
    )
    parser.add_argument(
        "--plot",
        type=Path,
        metavar="DIR",
        help="write pictures of witnesses and one-variable proofs (PNG and SVG) to DIR; "
        "needs the 'plot' extra",
    )
    parser.add_argument(
        "--certificates",
        type=Path,
        metavar="DIR",
        help="write a certificate (JSON) for each proved or refuted claim to DIR, named "
        "<file stem>--<claim name>.json; check them with 'convexity-check verify DIR'",
    )
    parser.add_argument(
        "--show-function",
        action="store_true",
        help="print the expression each claim is about (what a model builds), its "
        "variables and parameters, and stop without checking",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def collect_files(paths: Sequence[str]) -> list[Path]:
    """Claim files named, and every *.toml below named directories that holds a
    ``[[claim]]`` table (a ``pyproject.toml`` is not a claim file), in sorted order.

    A file named on the command line is taken as it is: without claims, it is an error
    when read."""
    from convexity_proofs._runner import claims_in

    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.toml") if p.is_file())
            files.extend(p for p in found if claims_in(p, at_least=0) > 0)
        elif path.is_file():
            files.append(path)
        else:
            raise ClaimError("no such file or directory", file=raw)
    if not files:
        raise ClaimError("no *.toml claim files found", file=", ".join(paths))
    return files


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code (the console script exits with it)."""
    try:
        with _interruptible():
            return _main(argv)
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILED
    except KeyboardInterrupt:
        # The runner has already killed every worker; no report, no traceback.
        print("convexity-check: interrupted", file=sys.stderr)
        if argv is None:
            # Run as the command: exit now.  Tearing down the interpreter (SymPy's
            # caches, every module) would take most of a second and serves no one.
            _flush_and_exit(130)
        return 130


def _flush_and_exit(code: int) -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


@contextmanager
def _interruptible() -> Iterator[None]:
    """The first Ctrl-C raises ``KeyboardInterrupt``; later ones are ignored while the
    command winds down (a second Ctrl-C during the clean-up would otherwise end it with a
    traceback).  The previous handler is restored afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)

    def interrupt(signum: int, frame: object) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)


def _main(argv: Sequence[str] | None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == [VERIFY]:
        return _verify_main(arguments[1:])
    parser = build_parser()
    args = parser.parse_args(_function_value_joined(arguments))
    _check_combinations(parser, args)
    selection = None
    if args.select:
        from convexity_proofs._selection import SelectionError, parse_all

        try:
            selection = parse_all(args.select)
        except SelectionError as exc:
            _print_message(str(exc))
            return EXIT_USAGE
    # Optional dependencies first: a missing one fails now, not after every claim.
    if args.plot is not None and not args.show_function:
        code = _plot_ready(args.plot)
        if code is not None:
            return code
    if args.certificates is not None and not args.show_function:
        code = _directory_ready(args.certificates, "certificates")
        if code is not None:
            return code

    from convexity_proofs import _runner

    load_errors: list[ClaimError] = []
    if args.function is not None:
        try:
            claims = [function_claim(args)]
        except ClaimError as exc:
            for message in _option_messages(exc):
                _print_message(message)
            return EXIT_USAGE
    else:
        try:
            # Each file is read and its claims built in a worker ended at the limit, so
            # a file whose models take too long to build is a located error too.  A bad
            # file does not stop the others: their claims are checked, its errors said
            # at the end.
            claims, load_errors = _runner.load_files_reporting(
                collect_files(args.paths), jobs=args.jobs, limit=args.timeout
            )
        except ClaimError as exc:
            _print_errors([exc])
            return EXIT_USAGE
    if not claims:
        _print_errors(load_errors)
        return EXIT_USAGE
    if selection is not None:
        from convexity_proofs._selection import nothing_selected

        selected = [claim for claim in claims if selection(claim.name)]
        if not selected:
            _print_message(nothing_selected(selection, [claim.name for claim in claims]))
            _print_errors(load_errors)
            return EXIT_USAGE
        claims = selected
    if args.show_function:
        for claim in claims:
            sys.stdout.write(_function_listing(claim))
        _print_errors(load_errors)
        return EXIT_USAGE if load_errors else EXIT_PASSED

    from rich.console import Console

    from convexity_proofs._engine import Settings
    from convexity_proofs._report import THEME

    settings = Settings(timeout=args.timeout)
    out = Console(theme=THEME, highlight=False, width=args.width)
    verdicts = _check_all(
        claims,
        settings,
        args.jobs,
        show_progress=args.format != "json",
        limit=args.timeout,
        fail_fast=args.fail_fast,
    )
    certificates = (
        _certificates(verdicts) if args.format == "json" or args.certificates is not None else None
    )
    not_checked = len(claims) - len(verdicts)
    stopped = verdicts[-1].claim.name if not_checked else None
    _write_report(
        out,
        verdicts,
        args.format,
        verbose=args.verbose,
        certificates=certificates,
        stopped=None if stopped is None else (stopped, not_checked),
    )
    if stopped is not None:
        from convexity_proofs._safe_text import escape_control

        print(
            f"convexity-check: --fail-fast: stopped at claim {escape_control(stopped)}, "
            f"which did not pass; {not_checked} claim{'s' if not_checked != 1 else ''} "
            "not checked",
            file=sys.stderr,
        )
    _print_errors(load_errors)
    if args.plot is not None:
        code = _plot(verdicts, args.plot)
        if code is not None:
            return code
    code = EXIT_PASSED if all(v.passed for v in verdicts) else EXIT_FAILED
    if args.certificates is not None:
        assert certificates is not None
        written = _write_certificates(verdicts, certificates, args.certificates)
        if written is None:
            return EXIT_USAGE
        if not written:
            code = EXIT_FAILED
    # A file that could not be read is a usage error, whatever its neighbours' verdicts.
    return EXIT_USAGE if load_errors else code


def _function_value_joined(arguments: Sequence[str]) -> list[str]:
    """``--function TEXT`` as ``--function=TEXT``: the argument after ``--function`` is
    its text even when it starts with '-' (``--function "-x**2"``), which argparse would
    otherwise take for an option."""
    joined: list[str] = []
    position = 0
    while position < len(arguments):
        argument = arguments[position]
        if argument == "--":
            joined.extend(arguments[position:])
            break
        if argument == "--function" and position + 1 < len(arguments):
            joined.append(f"--function={arguments[position + 1]}")
            position += 2
            continue
        joined.append(argument)
        position += 1
    return joined


def _check_combinations(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Exit 2 (usage and one message) for options that do not go together."""
    if args.function is None:
        given = [f"--{name}" for name in _FUNCTION_OPTIONS if getattr(args, name) is not None]
        if given:
            parser.error(f"{given[0]} describes the function of --function, which is missing")
        if not args.paths:
            parser.error("give claim files or directories (PATH...), or --function TEXT")
        return
    if args.paths:
        parser.error(
            "give either claim files (PATH...) or --function, not both "
            f"(found {args.paths[0]!r} with --function)"
        )
    if args.select:
        parser.error("-k selects among the claims of files; --function checks one function")


def _print_message(message: str) -> None:
    from convexity_proofs._safe_text import escape_control

    print(f"convexity-check: error: {escape_control(message)}", file=sys.stderr)


def function_claim(args: argparse.Namespace) -> Claim:
    """The claim ``--function`` and its options describe, built and validated exactly as
    a ``[[claim]]`` table (its name ``function``, its file ``<command line>``): the text
    goes through the same safe parser, never ``eval``.  Without ``--expect`` the claim
    is exploratory, as :func:`convexity_proofs.check` without ``expect``."""
    import re
    from dataclasses import replace

    from convexity_proofs._api import claim_table
    from convexity_proofs._claimfile import build_claim
    from convexity_proofs.errors import ArgumentError

    variables = None
    if args.variables is not None:
        variables = [n for chunk in args.variables for n in re.split(r"[\s,]+", chunk) if n]
    domain = _domain_options(args.domain or [])
    try:
        table = claim_table(
            args.function,
            variables,
            "convex" if args.property is None else args.property,
            domain or None,
            expect="holds" if args.expect is None else args.expect,
            name=FUNCTION_CLAIM,
            parameters=args.parameters,
            modulus=args.modulus,
            caller="convexity-check",
        )
    except ArgumentError as exc:
        raise ClaimError(str(exc)) from None
    claim = build_claim(table, file=FUNCTION_FILE)
    return replace(claim, exploratory=True) if args.expect is None else claim


def _domain_options(given: Sequence[str]) -> dict[str, str]:
    """``--domain NAME=DOMAIN`` options as a claim's domain table (name -> the text,
    which the claim reader reads as a domain name or an interval text)."""
    domains: dict[str, str] = {}
    for text in given:
        name, equals, value = text.partition("=")
        name, value = name.strip(), value.strip()
        if not equals or not name or not value:
            raise ClaimError(
                f"expected NAME=DOMAIN such as x=positive or x=[0,1], found {text!r}",
                field="domain",
            )
        if name in domains:
            raise ClaimError(f"{name!r} is given a domain twice", field=f"domain.{name}")
        domains[name] = value
    return domains


def _option_messages(exc: ClaimError) -> list[str]:
    """A claim error about the ``--function`` claim, located at the option it is about
    (``--domain x: empty interval ...``) instead of a file's claim and field."""
    from convexity_proofs.errors import ClaimErrors

    errors = exc.errors if isinstance(exc, ClaimErrors) else (exc,)
    lines = []
    for error in errors:
        field = error.field or ""
        head, _, rest = field.partition(".")
        if head in ("function", *_FUNCTION_OPTIONS):
            where = f"--{head} {rest}" if rest else f"--{head}"
            # the claim file's spelling of the value, as the option is written
            message = re.sub(r'\bmodulus = "([^"]*)"', r"--modulus \1", error.message)
            lines.append(f"{where}: {message}")
        elif field == "substitution":
            lines.append(
                "--property invariant: an invariant claim needs a substitution, which the "
                "one-liner cannot give: write it in a claim file "
                '(substitution = { w1 = "w2", w2 = "w1" })'
            )
        elif field:
            lines.append(f"--function: field {field!r}: {error.message}")
        else:
            lines.append(error.message)
    return lines


def _print_errors(errors: Sequence[ClaimError]) -> None:
    """Each error on its own line of standard error (a file's several errors too).

    Plain text on one line each: error messages are for people and for grep.  They may
    quote claim text, which must not drive the terminal."""
    from convexity_proofs._safe_text import escape_control
    from convexity_proofs.errors import ClaimErrors

    for exc in errors:
        for error in exc.errors if isinstance(exc, ClaimErrors) else (exc,):
            print(f"convexity-check: error: {escape_control(str(error))}", file=sys.stderr)


@dataclass(frozen=True, slots=True)
class _Certificate:
    """A verdict's certificate data, or why it could not be made (``None``: undecided)."""

    data: dict[str, Any] | None = None
    error: str | None = None


def _certificates(verdicts: list[Verdict]) -> list[_Certificate]:
    """Each decided verdict's certificate, made once (for the JSON report and the files).

    A certificate that cannot be made costs that claim's certificate only (unless the
    re-raise switch is on)."""
    from convexity_proofs._certificate import certificate_of
    from convexity_proofs._runner import describe, raise_internal_errors
    from convexity_proofs._values import Status

    out = []
    for verdict in verdicts:
        if verdict.status is Status.UNKNOWN:
            out.append(_Certificate())
            continue
        try:
            out.append(_Certificate(certificate_of(verdict)))
        except Exception as exc:
            if raise_internal_errors():
                raise
            out.append(_Certificate(error=describe(exc)))
    return out


def _write_certificates(
    verdicts: list[Verdict], certificates: list[_Certificate], directory: Path
) -> bool | None:
    """Write each decided claim's certificate to ``directory``; for an undecided claim,
    remove a certificate of the same name left by an earlier run, so the directory
    matches this run.  True when every decided claim has its file, False when some
    certificate could not be made (said on standard error), None when the directory
    cannot be written (said too)."""
    from convexity_proofs._certificate import dumps
    from convexity_proofs._certificate_files import certificate_names, write_certificate
    from convexity_proofs._safe_text import escape_control

    names = certificate_names([v.claim for v in verdicts])
    complete, count = True, 0
    try:
        for verdict, name, certificate in zip(verdicts, names, certificates, strict=True):
            if certificate.data is not None:
                write_certificate(directory, name, dumps(certificate.data).encode("utf-8"))
                count += 1
            elif certificate.error is not None:
                complete = False
                print(
                    f"convexity-check: error: no certificate for claim "
                    f"{escape_control(verdict.claim.name)}: internal error: "
                    f"{escape_control(certificate.error)}",
                    file=sys.stderr,
                )
            else:
                (directory / name).unlink(missing_ok=True)
    except OSError as exc:
        print(
            f"convexity-check: error: cannot write certificates to {directory}: {exc}",
            file=sys.stderr,
        )
        return None
    print(f"wrote {count} certificate{'s' if count != 1 else ''} to {directory}", file=sys.stderr)
    return complete


def _directory_ready(directory: Path, what: str) -> int | None:
    """Exit code 2 now when ``directory`` cannot be made (before any claim is checked)."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"convexity-check: error: cannot write {what} to {directory}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return None


def _write_report(
    out: Any,
    verdicts: list[Verdict],
    form: str,
    *,
    verbose: bool,
    certificates: list[_Certificate] | None = None,
    stopped: tuple[str, int] | None = None,
) -> None:
    """The report of ``verdicts``; ``stopped`` is (claim name, claims not checked) when
    ``--fail-fast`` stopped the run early (the JSON report then says so)."""
    import json

    from convexity_proofs._markdown import summary_markdown, verdict_markdown
    from convexity_proofs._report import render_summary, render_verdict

    if form == "json":
        passed = sum(v.passed for v in verdicts)
        results = [_guarded(lambda v: v.to_json(), v, _json_fallback) for v in verdicts]
        for result, certificate in zip(results, certificates or (), strict=False):
            # The certificate itself, so that a result can be checked from the JSON alone.
            if certificate.data is not None:
                result["certificate"] = certificate.data
            elif certificate.error is not None:
                result.setdefault("internal_errors", []).append(
                    f"internal error in the certificate: {certificate.error}"
                )
        document = {
            "version": 1,
            "results": results,
            "summary": {"total": len(verdicts), "passed": passed, "failed": len(verdicts) - passed},
        }
        if stopped is not None:
            document["fail_fast"] = {"stopped_at": stopped[0], "not_checked": stopped[1]}
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    elif form == "markdown":
        parts = [_guarded(verdict_markdown, v, _text_fallback) for v in verdicts]
        sys.stdout.write("\n".join(parts))
        sys.stdout.write("\n## Summary\n\n" + summary_markdown(verdicts))
    elif form == "latex":
        from convexity_proofs._latex import document_latex, summary_latex, tex, verdict_latex

        def _latex_fallback(verdict: Verdict, error: str) -> str:
            return tex(_text_fallback(verdict, error)) + "\n"

        parts = [_guarded(verdict_latex, v, _latex_fallback) for v in verdicts]
        sys.stdout.write(document_latex(parts, summary_latex(verdicts)))
    else:
        for verdict in verdicts:
            shown = _guarded(lambda v: render_verdict(v, verbose=verbose), verdict, _text_fallback)
            out.print(shown, markup=False)
        out.print(render_summary(verdicts))


def _guarded(render: Callable[[Verdict], Any], verdict: Verdict, fallback: Any) -> Any:
    """One verdict's report; a fault while rendering it costs that report only (unless
    the re-raise switch is on), never the other verdicts."""
    try:
        return render(verdict)
    except Exception as exc:
        from convexity_proofs._runner import describe, raise_internal_errors

        if raise_internal_errors():
            raise
        return fallback(verdict, describe(exc))


def _text_fallback(verdict: Verdict, error: str) -> str:
    from convexity_proofs._safe_text import escape_control

    return (
        f"{escape_control(verdict.claim.name)}: {verdict.status} "
        f"({'PASS' if verdict.passed else 'FAIL'}); "
        f"the report could not be rendered (internal error: {escape_control(error)})\n"
    )


def _json_fallback(verdict: Verdict, error: str) -> dict[str, Any]:
    return {
        "file": verdict.claim.file,
        "name": verdict.claim.name,
        "property": str(verdict.claim.property),
        "status": str(verdict.status),
        "expect": str(verdict.claim.expect),
        "passed": verdict.passed,
        "seconds": round(verdict.seconds, 3),
        "internal_errors": [f"internal error in the report: {error}"],
    }


def _function_listing(claim: Claim) -> str:
    """Exactly what a claim is about, in SymPy's notation (parseable by the claim format).

    Text taken from the claim file (name, source, file) is printed with control
    characters escaped: a claim file must not be able to drive the terminal."""
    import sympy

    from convexity_proofs._safe_text import escape_control as safe

    name = safe(claim.name)
    lines = [f"# {name} ({safe(str(claim.file))}:{claim.line})" if claim.line else f"# {name}"]
    if claim.source != sympy.sstr(claim.function):
        lines.append(f"# {safe(claim.source)}")
    lines.append(f"variables: {safe(claim.variables_text())}")
    if claim.parameters:
        lines.append(f"parameters: {safe(', '.join(s.name for s in claim.parameters))}")
    if claim.substitution:
        lines.append(
            "substitution: "
            + safe(", ".join(f"{s} -> {sympy.sstr(v)}" for s, v in claim.substitution))
        )
    if claim.structured:
        lines.append(
            "function: the model's loss, decided from its structure (too large to expand "
            "into one expression)"
        )
    else:
        lines.append(f"function: {safe(sympy.sstr(claim.function))}")
    return "\n".join(lines) + "\n\n"


def _check_all(
    claims: list[Claim],
    settings: Settings,
    jobs: int,
    *,
    show_progress: bool,
    limit: float | None = None,
    fail_fast: bool = False,
) -> list[Verdict]:
    """Verdicts in claim order, each claim checked in a worker process that is ended at
    ``limit`` (plus a grace).  Seeds depend only on the claim, so --jobs cannot change a
    verdict or a witness; only the measured seconds differ.

    With ``fail_fast``, the verdicts of the claims up to and including the first one in
    claim order that does not pass (all of them when every one passes): the same list
    whatever ``jobs``.  The progress bar (standard error, a terminal only, transient)
    names the claim running."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from convexity_proofs import _runner

    err = Console(stderr=True)
    progress = None
    if show_progress and err.is_terminal and len(claims) > 1:
        progress = Progress(
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            # No refresh thread: workers are forked, and a fork must not copy a lock
            # that another thread holds.  The runner's heartbeat refreshes instead.
            auto_refresh=False,
        )
    finished = [False] * len(claims)
    with progress or nullcontext():
        task = None
        if progress is not None:
            task = progress.add_task(progress_label(claims, finished, jobs), total=len(claims))

        def advance(index: int, verdict: Verdict) -> None:
            finished[index] = True
            if progress is not None and task is not None:
                label = progress_label(claims, finished, jobs)
                progress.update(task, advance=1, description=label)
                progress.refresh()

        return _runner.run_claims(
            claims,
            settings,
            jobs=jobs,
            limit=settings.timeout if limit is None else limit,
            on_verdict=advance,
            heartbeat=progress.refresh if progress is not None else None,
            until=(lambda verdict: not verdict.passed) if fail_fast else None,
        )


#: The most characters of a claim name the progress bar shows.
_PROGRESS_NAME = 40


def progress_label(claims: Sequence[Claim], finished: Sequence[bool], jobs: int) -> str:
    """``checking <name>`` (``+ 2 more`` with several running) for the progress bar.

    Workers start in claim order, one as each ends, so the claims running are the
    unfinished ones among the first (finished + jobs)."""
    from convexity_proofs._safe_text import escape_control

    started = min(len(claims), sum(finished) + jobs)
    running = [i for i in range(started) if not finished[i]]
    if not running:
        return "checking claims"
    name = escape_control(claims[running[0]].name)
    if len(name) > _PROGRESS_NAME:
        name = name[: _PROGRESS_NAME - 1] + "…"
    more = f" + {len(running) - 1} more" if len(running) > 1 else ""
    return f"checking {name}{more}"


def _plot_ready(directory: Path) -> int | None:
    """Exit code 2 now when plots cannot be written (matplotlib missing)."""
    from convexity_proofs._plot import PlotUnavailable, load_matplotlib

    try:
        load_matplotlib()
    except PlotUnavailable as exc:
        print(f"convexity-check: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return None


def _plot(verdicts: list[Verdict], directory: Path) -> int | None:
    from convexity_proofs._plot import PlotUnavailable, write_plots

    try:
        written = write_plots(verdicts, directory)
    except PlotUnavailable as exc:
        print(f"convexity-check: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"convexity-check: error: cannot write plots to {directory}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {len(written)} plot files to {directory}", file=sys.stderr)
    return None


# --- convexity-check verify -------------------------------------------------------------


def build_verify_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=f"convexity-check {VERIFY}",
        description="Check certificates written by 'convexity-check --certificates': each "
        "is valid, or the first step that fails is named with the reason.  Exit code 0 "
        "when every certificate is valid, 1 when any is not (or was not checked within "
        "the time limit), 2 when any cannot be read.",
    )
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="CERT_OR_DIR",
        help="certificate files, or directories searched for *.json (sorted)",
    )
    parser.add_argument(
        "--recheck-z3",
        action="store_true",
        help="re-run the recorded SMT-LIB query of each polynomial-decision step with z3 "
        "(otherwise its recorded answer is trusted, and the report says so)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: one line per certificate (default); json: machine-readable",
    )
    parser.add_argument(
        "--timeout",
        type=_positive_seconds,
        default=60.0,
        metavar="SECONDS",
        help="time limit per certificate; one past it is not valid (default 60)",
    )
    parser.add_argument(
        "--jobs",
        type=_jobs,
        default=1,
        metavar="N",
        help="check certificates in N processes (same answers as a serial run)",
    )
    return parser


def _verify_main(argv: Sequence[str]) -> int:
    from convexity_proofs._certificate import CertificateError
    from convexity_proofs._certificate_files import certificate_files, verify_files
    from convexity_proofs._safe_text import escape_control

    args = build_verify_parser().parse_args(list(argv))
    try:
        files = certificate_files(args.paths)
    except CertificateError as exc:
        print(f"convexity-check: error: {escape_control(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    checked = verify_files(files, recheck_z3=args.recheck_z3, jobs=args.jobs, limit=args.timeout)
    for item in checked:
        if item.unreadable is not None:
            print(f"convexity-check: error: {escape_control(item.unreadable)}", file=sys.stderr)
    if args.format == "json":
        sys.stdout.write(_verify_json(checked))
    else:
        sys.stdout.write(_verify_text(checked))
    if any(item.unreadable is not None for item in checked):
        return EXIT_USAGE
    if all(item.report is not None and item.report.valid for item in checked):
        return EXIT_PASSED
    return EXIT_FAILED


def _verify_counts(checked: Sequence[CheckedFile]) -> dict[str, int]:
    valid = sum(1 for c in checked if c.report is not None and c.report.valid)
    unreadable = sum(1 for c in checked if c.unreadable is not None)
    return {
        "total": len(checked),
        "valid": valid,
        "invalid": len(checked) - valid - unreadable,
        "unreadable": unreadable,
    }


def _verify_text(checked: Sequence[CheckedFile]) -> str:
    """One line per certificate, a count, and what the valid ones rest on."""
    from convexity_proofs._safe_text import escape_control as safe

    lines = []
    for item in checked:
        report = item.report
        if report is None:
            continue
        claim = f"{safe(report.claim)}: " if report.claim else ""
        answer = (
            f"valid ({safe(report.shows)})"
            if report.valid and report.shows
            else "valid"
            if report.valid
            else f"invalid: {safe(report.failure or '')}"
        )
        lines.append(f"{safe(item.file)}: {claim}{answer}")
    counts = _verify_counts(checked)
    total = counts["total"]
    summary = f"{total} certificate{'s' if total != 1 else ''}: {counts['valid']} valid, "
    summary += f"{counts['invalid']} invalid"
    if counts["unreadable"]:
        summary += f", {counts['unreadable']} unreadable"
    lines.append(summary)
    trusts = [(c.file, c.report.trust) for c in checked if c.report is not None and c.report.valid]
    if trusts:
        common = [t for t in trusts[0][1] if all(t in trust for _, trust in trusts)]
        lines.append("a valid certificate rests on, besides the checker itself:")
        lines.extend(f"  - {safe(t)}" for t in common)
        for file, trust in trusts:
            extra = [t for t in trust if t not in common]
            if extra:
                lines.append(f"  - {safe('; '.join(extra))} (in {safe(file)})")
    return "\n".join(lines) + "\n"


def _verify_json(checked: Sequence[CheckedFile]) -> str:
    import json

    results: list[dict[str, Any]] = []
    for item in checked:
        if item.report is None:
            results.append({"file": item.file, "error": item.unreadable})
            continue
        report = item.report
        results.append(
            {
                "file": item.file,
                "claim": report.claim,
                "valid": report.valid,
                "shows": report.shows if report.valid else None,
                "failure": report.failure,
                "trust": list(report.trust) if report.valid else [],
            }
        )
    document = {"version": 1, "results": results, "summary": _verify_counts(checked)}
    return json.dumps(document, indent=2) + "\n"


def run() -> None:  # pragma: no cover - thin wrapper
    """Console-script entry point."""
    raise SystemExit(main())


if __name__ == "__main__":  # ``python -m convexity_proofs.cli`` is ``convexity-check`` too
    raise SystemExit(main())
