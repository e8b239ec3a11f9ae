"""``convexity-check``: settle the claims in TOML files.

Exit codes (contract): 0 every claim passed, 1 some claim did not (``unknown``
included), 2 unusable input or options — one clear message, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from convexity_proofs import __version__
from convexity_proofs._claimfile import load_claims
from convexity_proofs._engine import Settings, check_claim
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
        choices=("text", "json"),
        default="text",
        help="text: a readable report (default); json: machine-readable",
    )
    parser.add_argument(
        "--timeout",
        type=_positive_seconds,
        default=60.0,
        metavar="SECONDS",
        help="time limit per claim; a claim past it is unknown (default 60)",
    )
    parser.add_argument("--verbose", action="store_true", help="show complete proof trees")
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
    args = build_parser().parse_args(argv)
    try:
        claims: list[Claim] = []
        for file in collect_files(args.paths):
            claims.extend(load_claims(file))
    except ClaimError as exc:
        # Plain text on one line: error messages are for people and for grep.
        print(f"convexity-check: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    settings = Settings(timeout=args.timeout)
    out = Console(theme=THEME, highlight=False)
    verdicts: list[Verdict] = []
    for claim in claims:
        verdict = check_claim(claim, settings)
        verdicts.append(verdict)
        if args.format == "text":
            out.print(render_verdict(verdict, verbose=args.verbose))
    if args.format == "json":
        passed = sum(v.passed for v in verdicts)
        document = {
            "version": 1,
            "results": [v.to_json() for v in verdicts],
            "summary": {"total": len(verdicts), "passed": passed, "failed": len(verdicts) - passed},
        }
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    else:
        out.print(render_summary(verdicts))
    return EXIT_PASSED if all(v.passed for v in verdicts) else EXIT_FAILED


def run() -> None:  # pragma: no cover - thin wrapper
    """Console-script entry point."""
    raise SystemExit(main())
