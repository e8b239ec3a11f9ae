"""Peers of the scale benchmark: what a user would run instead of convexity-check.

- CVXPY's DCP check, written vectorised the way a user writes the model:
  ``cp.sum(cp.logistic(-cp.multiply(y, X @ w + b)))`` (labels ±1) for logistic
  regression and ``cp.sum(cp.log_sum_exp(X @ W + b, axis=1)) - cp.sum(cp.multiply(Y, X @ W
  + b))`` (Y one-hot) for softmax regression.  Timed: building the expression and the
  problem, and ``is_dcp()`` (CPU, ``time.process_time``); reading the data is not timed.
  CVXPY has no tanh or relu networks, so the mlps have no CVXPY peer.
- SymPy's ``sympy.calculus.util.is_convex`` on the scalar loss at a small size (the model
  built by convexity-proofs' own model builder from a tiny inline table, the same loss
  formula); timed: the ``is_convex`` call alone (CPU).

Each peer runs in a fresh subprocess (``python bench/_peers.py cvxpy|sympy DIR NAME``,
printing one JSON object) so that :func:`run_peer` can end it at a cap.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["cvxpy_logistic", "cvxpy_softmax", "load_xy", "run_peer", "sympy_is_convex"]

_HERE = Path(__file__).resolve().parent


def load_xy(directory: Path, data: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """The data of a manifest entry as arrays (x float64 (n, d); y as stored)."""
    if data["form"] == "npy":
        return np.load(directory / data["file"]), np.load(directory / data["y_file"])
    table = np.loadtxt(directory / data["file"], delimiter=",", skiprows=1, ndmin=2)
    return table[:, :-1], table[:, -1]


def cvxpy_logistic(x: np.ndarray, labels01: np.ndarray) -> dict[str, Any]:
    import cvxpy as cp

    started = time.process_time()
    y = 2.0 * labels01 - 1.0
    w = cp.Variable(x.shape[1])
    b = cp.Variable()
    loss = cp.sum(cp.logistic(-cp.multiply(y, x @ w + b)))
    problem = cp.Problem(cp.Minimize(loss))
    dcp = problem.is_dcp()
    return {"seconds": time.process_time() - started, "dcp": bool(dcp)}


def cvxpy_softmax(x: np.ndarray, labels: np.ndarray, classes: int) -> dict[str, Any]:
    import cvxpy as cp

    started = time.process_time()
    one_hot = np.eye(classes)[labels.astype(np.int64) - 1]
    w = cp.Variable((x.shape[1], classes))
    b = cp.Variable(classes)
    z = x @ w + b
    loss = cp.sum(cp.log_sum_exp(z, axis=1)) - cp.sum(cp.multiply(one_hot, z))
    problem = cp.Problem(cp.Minimize(loss))
    dcp = problem.is_dcp()
    return {"seconds": time.process_time() - started, "dcp": bool(dcp)}


def sympy_is_convex(spec: dict[str, Any]) -> dict[str, Any]:
    import sympy
    from sympy.calculus.util import is_convex

    from convexity_proofs._claimfile import build_claim

    claim = build_claim(
        {
            "name": "peer",
            "model": spec["model"],
            "data": spec["data"],
            "variables": "all",
            "property": "convex",
        }
    )
    started = time.process_time()
    try:
        answer: object = is_convex(claim.function, *claim.variables, domain=sympy.S.Reals)
    except Exception as exc:
        answer = f"error: {type(exc).__name__}"
    return {
        "seconds": time.process_time() - started,
        "answer": str(answer),
        "variables": len(claim.variables),
    }


def _entry(directory: Path, name: str) -> dict[str, Any]:
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["targets"]:
        if entry["name"] == name:
            return entry
    raise SystemExit(f"no target {name!r} in {directory / 'manifest.json'}")


def _run(kind: str, directory: Path, name: str) -> dict[str, Any]:
    entry = _entry(directory, name)
    if kind == "sympy":
        return sympy_is_convex(entry["sympy"])
    x, y = load_xy(directory, entry["data"])
    if entry["family"] == "logistic":
        return cvxpy_logistic(x, y)
    if entry["family"] == "softmax":
        return cvxpy_softmax(x, y, entry["classes"])
    raise SystemExit(f"no CVXPY peer for the {entry['family']} family")


def has_peer(kind: str, entry: dict[str, Any]) -> bool:
    if kind == "cvxpy":
        return entry["family"] in ("logistic", "softmax")
    return entry.get("sympy") is not None


def run_peer(kind: str, directory: Path, name: str, cap: float) -> dict[str, Any]:
    """Run one peer in a fresh process, ended at ``cap`` seconds (wall).  The result has
    ``seconds`` (CPU) and ``dcp`` or ``answer``; or ``error`` / ``timeout``."""
    command = [sys.executable, str(_HERE / "_peers.py"), kind, str(directory), name]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=cap, check=False)
    except subprocess.TimeoutExpired:
        return {"timeout": cap}
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        return {"error": lines[-1] if lines else f"exit {done.returncode}"}
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"error": "unreadable output"}


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] not in ("cvxpy", "sympy"):
        print("usage: python bench/_peers.py cvxpy|sympy DIR NAME", file=sys.stderr)
        return 2
    sys.setrecursionlimit(100_000)
    print(json.dumps(_run(argv[0], Path(argv[1]), argv[2])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
