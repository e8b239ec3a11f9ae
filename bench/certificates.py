"""Benchmark: what checking costs against what searching cost, on the shipped claims.

    python bench/certificates.py              # Markdown table, 3 repetitions
    python bench/certificates.py --repeat 5

For every claim in ``claims/`` (in this process, CPU time by ``time.process_time``):

1. the search: ``check_claim`` with the checker's replay switched off (the peer);
2. the in-process replay the engine adds at its single exit (``checker.replay``);
3. verification from the certificate alone: ``verify_certificate`` of the JSON bytes
   (the claim re-read from its table, the judged expression compared, every step
   replayed), as ``convexity-check verify`` does.

Then the same through the command line (worker processes included, CPU of every
child process): ``convexity-check claims/ --certificates DIR`` against
``convexity-check verify DIR``.

Medians over the repetitions of the per-suite totals are reported, with the
checker's size in lines (the checker package, and the kernel it rests on).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from convexity_proofs import _engine, load_claims  # noqa: E402
from convexity_proofs._certificate import certificate_of, dumps  # noqa: E402
from convexity_proofs._values import Status  # noqa: E402
from convexity_proofs.checker import replay, verify_certificate  # noqa: E402


def _lines(directory: Path) -> int:
    """Lines of code: not blank, not comment-only (docstrings count: they are read)."""
    total = 0
    for path in sorted(directory.glob("*.py")):
        for line in path.read_text().splitlines():
            stripped = line.strip()
            if stripped and not stripped.startswith("#"):
                total += 1
    return total


def _raw_lines(directory: Path) -> int:
    return sum(len(p.read_text().splitlines()) for p in sorted(directory.glob("*.py")))


def one_round() -> dict[str, float]:
    claims = [c for path in sorted((ROOT / "claims").glob("*.toml")) for c in load_claims(path)]
    search = check = verify = 0.0
    decided = 0
    for claim in claims:
        with mock.patch.object(_engine, "_through_checker", lambda v, run, started: v):
            start = time.process_time()
            verdict = _engine.check_claim(claim)
            search += time.process_time() - start
        if verdict.status is Status.UNKNOWN:
            continue
        decided += 1
        start = time.process_time()
        report = replay(verdict)
        check += time.process_time() - start
        assert report.valid, (claim.name, report.failure)
        text = dumps(certificate_of(verdict))
        start = time.process_time()
        report = verify_certificate(json.loads(text))
        verify += time.process_time() - start
        assert report.valid, (claim.name, report.failure)
    return {
        "claims": len(claims),
        "decided": decided,
        "search": search,
        "replay": check,
        "verify": verify,
    }


def _child_cpu(command: list[str]) -> float:
    """CPU seconds (user + system) of a command and every process it started."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cli_round() -> dict[str, float]:
    """The command line: checking with --certificates, then verify of the directory."""
    with tempfile.TemporaryDirectory() as directory:
        check = _child_cpu(
            [sys.executable, "-m", "convexity_proofs", "claims/", "--certificates", directory]
        )
        verify = _child_cpu([sys.executable, "-m", "convexity_proofs", "verify", directory])
    return {"check": check, "verify": verify}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rounds = [one_round() for _ in range(args.repeat)]
    med = {k: statistics.median(r[k] for r in rounds) for k in ("search", "replay", "verify")}
    first = rounds[0]
    checker_dir, kernel_dir = (
        ROOT / "convexity_proofs" / "checker",
        ROOT / "convexity_proofs" / "kernel",
    )
    print(f"claims: {first['claims']}, decided: {first['decided']}, repetitions: {args.repeat}\n")
    print("| measure | CPU seconds (median) | share of the search |")
    print("|---|---:|---:|")
    for key, label in (
        ("search", "search (check_claim without the replay)"),
        ("replay", "in-process replay (the engine's single exit)"),
        ("verify", "verify from the certificate JSON"),
    ):
        print(f"| {label} | {med[key]:.2f} | {med[key] / med['search']:.0%} |")
    cli = [cli_round() for _ in range(args.repeat)]
    check, verify = (statistics.median(r[k] for r in cli) for k in ("check", "verify"))
    print(f"| `convexity-check claims/ --certificates DIR` (processes) | {check:.2f} | - |")
    share = f"{verify / check:.0%} of the line above"
    print(f"| `convexity-check verify DIR` (processes) | {verify:.2f} | {share} |")
    print()
    print(
        f"checker: {_lines(checker_dir)} lines of code ({_raw_lines(checker_dir)} with blanks "
        f"and comments); kernel: {_lines(kernel_dir)} ({_raw_lines(kernel_dir)})"
    )


if __name__ == "__main__":
    main()
