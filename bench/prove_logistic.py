"""Benchmark: proving logistic regression convex, against SymPy's is_convex.

    python bench/prove_logistic.py                 # the sizes of issue 6
    python bench/prove_logistic.py --sympy         # also time sympy.calculus.util.is_convex

Numeric data: f(w, b) = Σ_i log(1 + exp(-y_i (x_i·w + b))) with fixed rational x_i and
y_i = ±1, every weight a variable.  Symbolic data: the same with x_ij and y_i as
parameters, so the proof holds for all data.  Reported: the whole `check` call (parsing
included) and the proof's rule; SymPy's `is_convex` on the same function (with a time
limit, since it does not finish at these sizes).
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from fractions import Fraction

import numpy as np

from convexity_proofs import check


def logistic_text(d: int, n: int, *, symbolic: bool, seed: int = 0) -> tuple[str, list[str]]:
    rng = np.random.default_rng(seed)
    terms = []
    for i in range(1, n + 1):
        if symbolic:
            score = " + ".join(f"x{i}_{j}*w{j}" for j in range(1, d + 1)) + " + b"
            terms.append(f"log(1 + exp(-y{i}*({score})))")
        else:
            x = [Fraction(int(rng.integers(-8, 9)), 4) for _ in range(d)]
            y = int(rng.choice([-1, 1]))
            score = " + ".join(f"({x[j - 1]})*w{j}" for j in range(1, d + 1)) + " + b"
            terms.append(f"log(1 + exp({-y}*({score})))")
    return " + ".join(terms), [f"w{j}" for j in range(1, d + 1)] + ["b"]


def _sympy_is_convex(text: str, names: list[str], queue: multiprocessing.Queue) -> None:
    import sympy
    from sympy.calculus.util import is_convex

    from convexity_proofs._parser import make_symbol, parse_expression

    expr = parse_expression(text)
    started = time.perf_counter()
    try:
        answer = is_convex(expr, *[make_symbol(n) for n in names], domain=sympy.S.Reals)
    except Exception as exc:
        answer = f"error: {type(exc).__name__}"
    queue.put((str(answer), time.perf_counter() - started))


def sympy_baseline(text: str, names: list[str], limit: float) -> str:
    queue: multiprocessing.Queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=_sympy_is_convex, args=(text, names, queue))
    process.start()
    process.join(limit)
    if process.is_alive():
        process.terminate()
        return f"no answer in {limit:g} s"
    answer, seconds = queue.get()
    return f"{answer} in {seconds:.2f} s"


def main(argv: list[str]) -> int:
    with_sympy = "--sympy" in argv
    sizes = [(2, 5, False), (10, 10, False), (100, 100, False), (20, 20, True)]
    print(
        "| d | n | data | characters | verdict | rule | seconds |"
        + (" SymPy is_convex |" if with_sympy else "")
    )
    print("|---|---|---|---|---|---|---|" + ("---|" if with_sympy else ""))
    for d, n, symbolic in sizes:
        text, names = logistic_text(d, n, symbolic=symbolic)
        started = time.perf_counter()
        verdict = check(text, names, "convex", timeout=300)
        seconds = time.perf_counter() - started
        rule = verdict.proof[0].rule if verdict.proof else "-"
        row = (
            f"| {d} | {n} | {'symbolic' if symbolic else 'numeric'} | {len(text)} | "
            f"{verdict.status.value} | {rule} | {seconds:.2f} |"
        )
        if with_sympy:
            row += f" {sympy_baseline(text, names, 60.0)} |"
        print(row, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
