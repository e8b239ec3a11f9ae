"""``convexity-check``: settle the claims in TOML files.

Exit codes (contract): 0 every claim passed, 1 some claim did not (``unknown``
included), 2 unusable input or options — one clear message, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from convexity_proofs import __version__
from convexity_proofs._claimfile import load_claims
from convexity_proofs._engine import Settings, check_claim
from convexity_proofs._markdown import summary_markdown, verdict_markdown
from convexity_proofs._report import THEME, render_summary, render_verdict
from convexity_proofs._values import Claim, Verdict
from convexity_proofs.errors import ClaimError

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


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


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="convexity-check",
        description="Prove or refute convexity claims written in TOML claim files.",
    )
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="claim files, or directories searched for *.toml (sorted)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
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
        "--show-function",
        action="store_true",
        help="print the expression each claim is about (what a model builds), its "
        "variables and parameters, and stop without checking",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def collect_files(paths: Sequence[str]) -> list[Path]:
    """Claim files named, and every *.toml below named directories, in sorted order."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.toml") if p.is_file()))
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
        return _main(argv)
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("convexity-check: interrupted", file=sys.stderr)
        return 130


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        claims: list[Claim] = []
        for file in collect_files(args.paths):
            claims.extend(load_claims(file))
    except ClaimError as exc:
        # Plain text on one line: error messages are for people and for grep.
        print(f"convexity-check: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.show_function:
        for claim in claims:
            sys.stdout.write(_function_listing(claim))
        return EXIT_PASSED
    settings = Settings(timeout=args.timeout)
    out = Console(theme=THEME, highlight=False)
    verdicts = _check_all(claims, settings, args.jobs, show_progress=args.format != "json")
    if args.format == "json":
        passed = sum(v.passed for v in verdicts)
        document = {
            "version": 1,
            "results": [v.to_json() for v in verdicts],
            "summary": {"total": len(verdicts), "passed": passed, "failed": len(verdicts) - passed},
        }
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    elif args.format == "markdown":
        sys.stdout.write("\n".join(verdict_markdown(v) for v in verdicts))
        sys.stdout.write("\n## Summary\n\n" + summary_markdown(verdicts))
    else:
        for verdict in verdicts:
            out.print(render_verdict(verdict, verbose=args.verbose))
        out.print(render_summary(verdicts))
    if args.plot is not None:
        code = _plot(verdicts, args.plot)
        if code is not None:
            return code
    return EXIT_PASSED if all(v.passed for v in verdicts) else EXIT_FAILED


def _function_listing(claim: Claim) -> str:
    """Exactly what a claim is about, in SymPy's notation (parseable by the claim format)."""
    import sympy

    lines = [f"# {claim.name} ({claim.file}:{claim.line})" if claim.line else f"# {claim.name}"]
    if claim.source != sympy.sstr(claim.function):
        lines.append(f"# {claim.source}")
    lines.append(f"variables: {', '.join(s.name for s in claim.variables)}")
    if claim.parameters:
        lines.append(f"parameters: {', '.join(s.name for s in claim.parameters)}")
    if claim.substitution:
        lines.append(
            "substitution: " + ", ".join(f"{s} -> {sympy.sstr(v)}" for s, v in claim.substitution)
        )
    lines.append(f"function: {sympy.sstr(claim.function)}")
    return "\n".join(lines) + "\n\n"


def _check_all(
    claims: list[Claim], settings: Settings, jobs: int, *, show_progress: bool
) -> list[Verdict]:
    """Verdicts in claim order.  Seeds depend only on the claim, so --jobs cannot change
    a verdict or a witness; only the measured seconds differ."""
    err = Console(stderr=True)
    progress = None
    if show_progress and err.is_terminal and len(claims) > 1:
        progress = Progress(
            TextColumn("checking claims"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        )
    with progress or nullcontext():
        task = progress.add_task("claims", total=len(claims)) if progress else None
        if jobs == 1 or len(claims) == 1:
            results = []
            for claim in claims:
                results.append(check_claim(claim, settings))
                if progress is not None and task is not None:
                    progress.advance(task)
            return results
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = []
            for verdict in pool.map(check_claim, claims, [settings] * len(claims)):
                results.append(verdict)
                if progress is not None and task is not None:
                    progress.advance(task)
            return results


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


def run() -> None:  # pragma: no cover - thin wrapper
    """Console-script entry point."""
    raise SystemExit(main())
