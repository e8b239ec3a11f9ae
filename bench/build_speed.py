"""Benchmark: how long building a claim's expression takes (issue 13, build speed).

    python bench/build_speed.py                  # this checkout
    python bench/build_speed.py --repeat 5       # medians of 5 runs

Before/after: run it once against a copy of the last commit and once against the work
tree, with the same interpreter, e.g.

    git -C /work/main archive HEAD | tar -x -C /tmp/s_base
    PYTHONPATH=/tmp/s_base python bench/build_speed.py --label before
    PYTHONPATH=/work/main  python bench/build_speed.py --label after

(PYTHONPATH matters: an installed copy of the package would otherwise be imported.)
Every case runs in a fresh process (so SymPy's caches start cold, as for a claim file)
and reports the CPU time (user + system, ``resource.getrusage`` of the child) of the
measured call only, the median of ``--repeat`` runs.  Cases:

* ``Max(x1, ..., xN)`` for N = 25, 50, 100, 200 (parse_function);
* a sum of 2,000 ``relu(xi)`` (parse_function);
* a claim listing 19,999 variables, ``x1 + ... + x19999`` (build_claim: parse and
  variable resolution);
* logistic regression with numeric data, d = n = 300 (``bench/prove_logistic.py``'s
  ``logistic_text``: 90,000 products, about 1.1 million characters; parse_function
  with the length and node limits lifted);
* rendering the proof of symbolic-data logistic regression d = n = 40: its certificate
  (``certificate_of``) and its brief JSON report (``Verdict.to_json``), the proof
  itself not timed.

Large cases can be skipped with ``--quick`` (no d = n = 300).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _case(name: str) -> float:
    """Run one case in this process; the CPU seconds of the measured call."""
    sys.path.insert(0, str(HERE))
    from convexity_proofs._parser import parse_function

    unlimited = {"max_cpu_seconds": None, "max_length": 10**8, "max_nodes": 10**8}
    if name.startswith("max-"):
        n = int(name.split("-")[1])
        text = "Max(" + ", ".join(f"x{i}" for i in range(1, n + 1)) + ")"
        parse_function("x")  # imports and first-use caches outside the measurement
        started = _cpu()
        parse_function(text, **unlimited)
        return _cpu() - started
    if name == "relu-2000":
        text = " + ".join(f"relu(x{i})" for i in range(1, 2001))
        parse_function("x")
        started = _cpu()
        parse_function(text, **unlimited)
        return _cpu() - started
    if name == "variables-19999":
        from convexity_proofs._claimfile import build_claim

        names = [f"x{i}" for i in range(1, 20000)]
        table = {"name": "v", "function": " + ".join(names), "variables": names}
        table["property"] = "convex"
        build_claim({"name": "w", "function": "x", "variables": ["x"], "property": "convex"})
        started = _cpu()
        build_claim(table)
        return _cpu() - started
    if name.startswith("logistic-"):
        from prove_logistic import logistic_text

        d = int(name.split("-")[1])
        text, _names = logistic_text(d, d, symbolic=False)
        parse_function("x")
        started = _cpu()
        parse_function(text, **unlimited)
        return _cpu() - started
    if name.startswith("render-"):
        from prove_logistic import logistic_text

        from convexity_proofs._certificate import certificate_of, dumps
        from convexity_proofs._claimfile import build_claim
        from convexity_proofs._engine import check_claim

        d = int(name.split("-")[1])
        text, names = logistic_text(d, d, symbolic=True)
        claim = build_claim(
            {"name": "l", "function": text, "variables": names, "property": "convex"}
        )
        verdict = check_claim(claim)
        assert verdict.status == "proved", verdict.status
        started = _cpu()
        dumps(certificate_of(verdict))
        verdict.to_json()
        return _cpu() - started
    raise SystemExit(f"unknown case {name!r}")


def cases(quick: bool) -> list[str]:
    names = [f"max-{n}" for n in (25, 50, 100, 200)]
    names += ["relu-2000", "variables-19999", "render-40"]
    if not quick:
        names.append("logistic-300")
    return names


def measure(name: str, repeat: int, limit: float) -> str:
    times = []
    for _ in range(repeat):
        try:
            done = subprocess.run(
                [sys.executable, __file__, "--case", name],
                capture_output=True,
                text=True,
                timeout=limit,
                env=os.environ.copy(),
                check=False,
            )
        except subprocess.TimeoutExpired:
            return f"> {limit:g} (wall)"
        if done.returncode != 0:
            return "error: " + (done.stderr.strip().splitlines() or ["?"])[-1][:60]
        times.append(float(done.stdout.strip().splitlines()[-1]))
    return f"{statistics.median(times):.3f}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="skip logistic d = n = 300")
    parser.add_argument("--limit", type=float, default=900.0, help="seconds per run")
    parser.add_argument("--label", default="CPU s", help="column title")
    args = parser.parse_args(argv)
    if args.case:
        print(f"{_case(args.case):.6f}")
        return 0
    import convexity_proofs

    print(f"package: {Path(convexity_proofs.__file__).parent}")
    print(f"| case | {args.label} (median of {args.repeat}) |")
    print("|---|---|")
    for name in cases(args.quick):
        print(f"| {name} | {measure(name, args.repeat, args.limit)} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
