"""Benchmark: expanding a loss from vector notation against building its scalar form.

    python bench/vector.py                  # n = 1,000 points, d = 3 and d = 10
    python bench/vector.py --repeat 5       # medians of 5 runs

The issue's target: expanding a 1,000-point logistic loss from vector form costs no
more than building the scalar form does today.  Three ways to state the same claim,
f(w, b) = Σ_i log(1 + exp(-y_i (x_i·w + b))) with fixed data (decimals with two
digits, labels ±1), every weight a variable:

* ``scalar``: the function written out as one text with plain names (w1, ..., b), as a
  claim had to be written before vector notation: ``build_claim`` of the table;
* ``vector``: ``sum(log(1 + exp(-y[i] * (X[i] @ w + b))) for i in range(n))`` with
  ``shapes = { w = d }`` and the data inline in the table: ``build_claim``;
* ``model``: the same loss as a linear model claim (``kind = "linear"``, logistic loss)
  with the same inline data, the peer the project already had: ``build_claim``.

Each case runs in a fresh process (SymPy's caches start cold, as for a claim file) and
reports the CPU time (user + system of the child, ``resource.getrusage``) of the
measured call only, the median of ``--repeat`` runs, every way in the same run.  The
vector and the scalar claim are checked to give the very same expression (names aside)
once, outside the measurement.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
from typing import Any

import numpy as np


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def data(n: int, d: int, seed: int = 0) -> tuple[list[list[str]], list[int]]:
    """Two-digit decimals in [-2, 2] as text (exact), labels ±1."""
    rng = np.random.default_rng(seed)
    x = [[f"{int(v) / 100:.2f}" for v in rng.integers(-200, 201, size=d)] for _ in range(n)]
    y = [int(v) for v in rng.choice([-1, 1], size=n)]
    return x, y


def scalar_table(n: int, d: int) -> dict[str, Any]:
    x, y = data(n, d)
    terms = []
    for row, label in zip(x, y, strict=True):
        score = " + ".join(f"{v}*w{j + 1}" for j, v in enumerate(row)) + " + b"
        terms.append(f"log(1 + exp({-label}*({score})))")
    names = [f"w{j + 1}" for j in range(d)] + ["b"]
    return {"name": "s", "function": " + ".join(terms), "variables": names, "property": "convex"}


def vector_table(n: int, d: int) -> dict[str, Any]:
    x, y = data(n, d)
    return {
        "name": "v",
        "function": f"sum(log(1 + exp(-y[i] * (X[i] @ w + b))) for i in range({n}))",
        "shapes": {"w": d},
        "data": {"X": [[float(v) for v in row] for row in x], "y": y},
        "variables": ["w", "b"],
        "property": "convex",
    }


def model_table(n: int, d: int) -> dict[str, Any]:
    x, y = data(n, d)
    return {
        "name": "m",
        "model": {"kind": "logistic-regression", "labels": "pm1"},
        "data": {"x": [[float(v) for v in row] for row in x], "y": y},
        "variables": "all",
        "property": "convex",
    }


_TABLES = {"scalar": scalar_table, "vector": vector_table, "model": model_table}


def _case(name: str) -> float:
    from convexity_proofs._claimfile import build_claim

    way, n, d = name.split("-")
    table = _TABLES[way](int(n), int(d))
    build_claim({"name": "w", "function": "x", "variables": ["x"], "property": "convex"})
    started = _cpu()
    build_claim(table)
    return _cpu() - started


def same_function(n: int, d: int) -> bool:
    """The vector and the scalar claim judge the very same expression (entries w[j]
    renamed to w{j+1}); the model claim of this size is decided from its structure, so
    it has no expression to compare."""
    from convexity_proofs._claimfile import build_claim
    from convexity_proofs._parser import make_symbol

    scalar = build_claim(scalar_table(n, d)).function
    vector = build_claim(vector_table(n, d))
    rename = {make_symbol(f"w[{j}]"): make_symbol(f"w{j + 1}") for j in range(d)}
    return bool(vector.function.xreplace(rename) == scalar)


def cases(sizes: list[tuple[int, int]]) -> list[str]:
    return [f"{way}-{n}-{d}" for n, d in sizes for way in _TABLES]


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
    parser.add_argument("--limit", type=float, default=600.0, help="seconds per run")
    parser.add_argument("--points", type=int, default=1000)
    args = parser.parse_args(argv)
    if args.case:
        print(f"{_case(args.case):.6f}")
        return 0
    import convexity_proofs

    sizes = [(args.points, 3), (args.points, 10)]
    print(f"package: {convexity_proofs.__file__}")
    for n, d in sizes:
        try:
            same = str(same_function(n, d))
        except Exception as exc:  # an older checkout without vector notation
            same = f"not checked ({type(exc).__name__})"
        print(f"same function n={n} d={d}: {same}")
    print(
        f"| n | d | scalar text | vector form | linear model | (CPU s, median of {args.repeat}) |"
    )
    print("|---|---|---|---|---|---|")
    for n, d in sizes:
        row = [measure(f"{way}-{n}-{d}", args.repeat, args.limit) for way in _TABLES]
        print(f"| {n} | {d} | " + " | ".join(row) + " | |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
