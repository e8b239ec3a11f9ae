"""Benchmark: the properties of issue 11 against the convexity proof of the same function,
and the function registry against the code before it.

    python bench/properties.py                      # both parts, 3 repetitions
    python bench/properties.py --repeat 5 --base db2d3f7

Part 1 (in this process, CPU seconds by ``time.process_time``, medians): each new
property on a family of functions that grows, next to its peer in the same run — the
convexity (or concavity) claim about the same expression, which walks the same tree:

* ``increasing`` of logsumexp(x1, ..., xn) in every variable (one proof per variable)
  against ``convex`` of the same function;
* ``log-concave`` of the logistic likelihood Π_i sigmoid(y_i·(x_i·w + b)) (d weights,
  n points, numeric data) against ``convex`` of the logistic loss Σ_i softplus(−y_i·(x_i·w + b));
* ``quasiconvex`` of sqrt(max(|x1|, ..., |xn|)) against ``convex`` of max(|x1|, ..., |xn|).

Part 2 (subprocesses, CPU of the child): ``convexity-check`` on the claim files both
trees can read (the base revision's ``claims/``), in this tree and in a git worktree of
``--base`` (the code before the registry); the peer is the base.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sympy.core.cache import clear_cache  # noqa: E402

from convexity_proofs import Status, check  # noqa: E402


def _cpu(case: tuple) -> tuple[float, object]:
    """CPU seconds of ``check(*case)`` from a cold SymPy cache (so that neither of two
    runs on the same text reuses the other's parsing)."""
    clear_cache()
    function, variables, prop = case
    start = time.process_time()
    result = check(function, variables, prop, timeout=600)
    return time.process_time() - start, result


def _logistic(d: int, n: int, seed: int = 0) -> tuple[str, str, list[str]]:
    rng = np.random.default_rng(seed)
    likelihood, loss = [], []
    for _ in range(n):
        x = [Fraction(int(rng.integers(-8, 9)), 4) for _ in range(d)]
        y = int(rng.choice([-1, 1]))
        score = " + ".join(f"({x[j]})*w{j + 1}" for j in range(d)) + " + b"
        likelihood.append(f"sigmoid({y}*({score}))")
        loss.append(f"softplus({-y}*({score}))")
    return " * ".join(likelihood), " + ".join(loss), [f"w{j + 1}" for j in range(d)] + ["b"]


def _cases() -> list[tuple[str, tuple, tuple]]:
    """(label, (function, variables, property), peer (function, variables, property))."""
    cases = []
    for n in (5, 20, 60):
        xs = [f"x{i}" for i in range(1, n + 1)]
        lse = f"logsumexp({', '.join(xs)})"
        cases.append(
            (f"increasing, logsumexp of {n}", (lse, xs, "increasing"), (lse, xs, "convex"))
        )
    for d, n in ((2, 10), (5, 50), (10, 100)):
        likelihood, loss, names = _logistic(d, n)
        cases.append(
            (
                f"log-concave, logistic likelihood d = {d}, n = {n}",
                (likelihood, names, "log-concave"),
                (loss, names, "convex"),
            )
        )
    for n in (5, 20, 60):
        xs = [f"x{i}" for i in range(1, n + 1)]
        inner = f"max({', '.join(f'abs({x})' for x in xs)})"
        cases.append(
            (
                f"quasiconvex, sqrt(max |x_i|) of {n}",
                (f"sqrt({inner})", xs, "quasiconvex"),
                (inner, xs, "convex"),
            )
        )
    return cases


def properties(repeat: int) -> None:
    check("x**2", ["x"], "increasing")  # warm up: imports, z3, flint
    print("| case | verdict | CPU s (median) | peer: convexity of the same tree | ratio |")
    print("|---|---|---:|---:|---:|")
    for label, case, peer_case in _cases():
        times, peers, status = [], [], None
        for _ in range(repeat):
            seconds, verdict = _cpu(case)
            peer_seconds, peer = _cpu(peer_case)
            assert peer.status is Status.PROVED, (label, peer.attempts)
            times.append(seconds)
            peers.append(peer_seconds)
            status = verdict.status
        mine, theirs = statistics.median(times), statistics.median(peers)
        print(f"| {label} | {status} | {mine:.2f} | {theirs:.2f} | {mine / theirs:.1f} |")


def _child_cpu(command: list[str], cwd: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, cwd=cwd, check=False, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def registry(repeat: int, base: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "base"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(tree), base],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            files = sorted(p.name for p in (tree / "claims").glob("*.toml"))
            print("| claim file (the base's) | this tree, CPU s | base, CPU s | ratio |")
            print("|---|---:|---:|---:|")
            for name in files:
                mine, theirs = [], []
                for _ in range(repeat):
                    cmd = [sys.executable, "-m", "convexity_proofs", "--jobs", "1"]
                    mine.append(_child_cpu([*cmd, str(tree / "claims" / name)], ROOT))
                    theirs.append(_child_cpu([*cmd, str(tree / "claims" / name)], tree))
                a, b = statistics.median(mine), statistics.median(theirs)
                print(f"| {name} | {a:.2f} | {b:.2f} | {a / b:.2f} |")
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, capture_output=True
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--base", default="db2d3f7", help="the revision before the registry")
    parser.add_argument("--part", choices=("all", "properties", "registry"), default="all")
    args = parser.parse_args()
    if args.part in ("all", "properties"):
        properties(args.repeat)
    if args.part in ("all", "registry"):
        registry(args.repeat, args.base)


if __name__ == "__main__":
    main()
