"""Benchmark: certified non-convexity witnesses for two-layer tanh networks.

    python bench/refute_networks.py            # the sizes of issue 3, results as Markdown

For each size, the square loss of a two-layer tanh network with H hidden units on N
data points with D inputs (numeric data, all weights and biases variables) is written
as claim text, parsed by the safe parser, and checked for convexity (expected to
fail).  Reported: parameters, expression size, time to the first certified witness
(whole `check`, parsing included) and its kind; then the permutation-midpoint witness
for the same network (hidden units 1 and 2 swapped), timed on its own.
"""

from __future__ import annotations

import sys
import time
from fractions import Fraction

import numpy as np

from convexity_proofs import check
from convexity_proofs._claimfile import build_claim
from convexity_proofs._numeric import compile_program
from convexity_proofs.refuters._space import Deadline
from convexity_proofs.refuters.permutation import find_invariant_swap, find_permutation_witness


def network_loss(hidden: int, points: int, inputs: int, seed: int = 0) -> tuple[str, list[str]]:
    rng = np.random.default_rng(seed)
    x = [[Fraction(int(rng.integers(-8, 9)), 4) for _ in range(inputs)] for _ in range(points)]
    y = [Fraction(int(rng.integers(-8, 9)), 4) for _ in range(points)]
    names = [f"w{j}_{k}" for j in range(1, hidden + 1) for k in range(1, inputs + 1)]
    names += [f"b{j}" for j in range(1, hidden + 1)] + [f"v{j}" for j in range(1, hidden + 1)]
    names.append("c")
    terms = []
    for i in range(points):
        units = []
        for j in range(1, hidden + 1):
            pre = " + ".join(f"({x[i][k - 1]})*w{j}_{k}" for k in range(1, inputs + 1))
            units.append(f"v{j}*tanh({pre} + b{j})")
        terms.append(f"({' + '.join(units)} + c - ({y[i]}))**2")
    return " + ".join(terms), names


def run(hidden: int, points: int, inputs: int) -> dict[str, object]:
    text, names = network_loss(hidden, points, inputs)
    started = time.perf_counter()
    verdict = check(text, names, "convex", expect="fails", timeout=120)
    total = time.perf_counter() - started
    claim = build_claim({"name": "net", "function": text, "variables": names, "property": "convex"})
    program = compile_program(claim.function, claim.variables + claim.parameters)
    domains = dict(claim.domains)
    started = time.perf_counter()
    deadline = Deadline.after(120)
    swap = find_invariant_swap(claim.function, claim.variables, deadline)
    witness = None
    if swap is not None and program is not None:
        witness = find_permutation_witness(
            claim.function,
            program,
            claim.variables,
            claim.parameters,
            domains,
            swap,
            sign=1,
            total=True,
            seed=0,
            tries=256,
            deadline=deadline,
        )
    permutation_seconds = time.perf_counter() - started
    return {
        "hidden": hidden,
        "points": points,
        "inputs": inputs,
        "parameters": len(names),
        "characters": len(text),
        "status": verdict.status.value,
        "witness": verdict.witness.kind if verdict.witness else "-",
        "seconds": total,
        "permutation": "found" if witness is not None else "none",
        "permutation_seconds": permutation_seconds,
    }


def main(argv: list[str]) -> int:
    sizes = (
        [(32, 16, 1), (32, 16, 29)] if not argv else [tuple(map(int, a.split("x"))) for a in argv]
    )
    print(
        "| hidden | points | inputs | parameters | characters | verdict | witness | seconds "
        "| permutation witness | seconds |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for hidden, points, inputs in sizes:
        r = run(hidden, points, inputs)
        print(
            f"| {r['hidden']} | {r['points']} | {r['inputs']} | {r['parameters']} | "
            f"{r['characters']} | {r['status']} | {r['witness']} | {r['seconds']:.2f} | "
            f"{r['permutation']} | {r['permutation_seconds']:.2f} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
