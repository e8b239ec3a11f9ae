"""Benchmark: the hard time limit and Ctrl-C, with claims that would run for minutes.

    python bench/timeouts.py                 # everything, results as Markdown
    python bench/timeouts.py --probe         # each claim's verdict and seconds (--jobs 2)
    python bench/timeouts.py --repeat 5      # Ctrl-C measurements per mode (default 5)

Fifty deliberately slow claims are written to a temporary claims file: huge models (an
mlp with about a thousand parameters and symbolic data), long sums of relus, a Max of
many arguments, hard invariances, big polynomials for z3, and smooth convex functions
outside the composition rules that the curvature and segment searches grind on.  Then

1. ``convexity-check FILE --timeout 2`` runs serially and with ``--jobs 2``; reported:
   the whole process's wall time and CPU time (its own and its workers'), against the
   bound ``limit × claims / jobs + start-up``, and the slowest claim's seconds against
   ``limit + grace`` (every claim must end within its limit plus the grace);
2. Ctrl-C: SIGINT is sent to the command's process group a few seconds into the run
   (what a terminal does), and the time from the signal to the exit is measured,
   serially and with ``--jobs 2``, ``--repeat`` times each (median reported); the exit
   code must be 130 with the one-line message and no traceback;
3. the cost of a worker process per claim: the shipped claim suite checked in-process
   (``check_claim`` in a loop) and through the runner, and a no-op task per worker;
4. a claim whose model takes longer than the limit to build: the run must stop with
   exit code 2 ("loading took longer than ...") within the limit plus the grace.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import sympy

LIMIT = 2.0
ROOT = Path(__file__).resolve().parent.parent


# --- the slow claims ------------------------------------------------------------------


def _q(value: Fraction) -> str:
    return f"({value.numerator}/{value.denominator})" if value.denominator != 1 else str(value)


def _affine(rng: np.random.Generator, names: list[str]) -> str:
    terms = [f"{int(rng.integers(-5, 6))}*{n}" for n in names]
    return " + ".join(terms) + f" + {int(rng.integers(-3, 4))}"


def _small_affine(rng: np.random.Generator, names: list[str]) -> str:
    return " + ".join(f"{int(rng.integers(-2, 3))}*{n}" for n in names) + " + 1"


def _claim(name: str, body: dict[str, str]) -> str:
    lines = ["[[claim]]", f'name = "{name}"']
    lines += [f"{key} = {value}" for key, value in body.items()]
    return "\n".join(lines) + "\n"


def _string(text: str) -> str:
    return json.dumps(text)  # a TOML basic string


def slow_claims() -> list[str]:
    rng = np.random.default_rng(2024)
    claims: list[str] = []

    # Huge models: an mlp with about a thousand parameters, symbolic data.
    for i, (layers, activation) in enumerate([([8, 100, 1], "tanh"), ([6, 150, 1], "sigmoid")]):
        claims.append(
            _claim(
                f"huge-mlp-{i}",
                {
                    "model": f'{{ kind = "mlp", layers = {layers}, activation = "{activation}" }}',
                    "data": "{ points = 1 }",
                    "variables": '"all"',
                    "property": '"concave"',
                    "expect": '"fails"',
                },
            )
        )
    # Long sums of relus: not strictly convex (flat pieces), and, plus a square, not
    # concave.
    for i in range(6):
        names = [f"x{k}" for k in range(1, 7)]
        relus = " + ".join(f"max(0, {_affine(rng, names)})" for _ in range(16 + 3 * i))
        strict = i % 2 == 1
        claims.append(
            _claim(
                f"relu-sum-{i}",
                {
                    "function": _string(relus if strict else relus + " + x1**2"),
                    "variables": json.dumps(names),
                    "property": '"strictly-convex"' if strict else '"concave"',
                    "expect": '"fails"',
                },
            )
        )
    # A Max of many arguments, none of which the composition rules can settle (each
    # argument plus the squares is convex, so the whole is).
    for i in range(6):
        names = ["x", "y", "z"]
        args = ", ".join(
            f"{_affine(rng, names)} + sin({_small_affine(rng, names)})/{400 + k}" for k in range(30)
        )
        claims.append(
            _claim(
                f"max-of-many-{i}",
                {
                    "function": _string(f"max({args}) + x**2 + y**2 + z**2"),
                    "variables": json.dumps(names),
                    "property": '"convex"',
                },
            )
        )
    # Hard invariances: a true symmetry only after trigonometric identities.
    for i in range(9):
        n = 4 + i
        terms = " + ".join(
            f"(sin(w{k} + w{k + 1})**2 + cos(w{k} + w{k + 1})**2)*tanh(v{k}*w{k})"
            for k in range(1, n)
        )
        swap = ", ".join(f'w{k} = "v{k}", v{k} = "w{k}"' for k in range(1, n))
        claims.append(
            _claim(
                f"hard-invariance-{i}",
                {
                    "function": _string(terms),
                    "property": '"invariant"',
                    "substitution": f"{{ {swap} }}",
                },
            )
        )
    # Big polynomials for z3: sums of fourth powers, expanded (convex, but no rule says so).
    for i in range(9):
        names = [f"x{k}" for k in range(1, 7 + i % 2)]
        symbols = sympy.symbols(names)
        forms = []
        for _ in range(6):
            coefficients = [int(c) for c in rng.integers(-2, 3, size=len(names))]
            forms.append(sum(c * s for c, s in zip(coefficients, symbols, strict=True)) ** 4)
        polynomial = sympy.expand(sum(forms) + sum(s**2 for s in symbols))
        claims.append(
            _claim(
                f"big-polynomial-{i}",
                {
                    "function": _string(sympy.sstr(polynomial)),
                    "variables": json.dumps(names),
                    "property": '"convex"',
                },
            )
        )
    # Smooth convex functions outside the rules: the searches find nothing to refute.
    for i in range(18):
        names = [f"x{k}" for k in range(1, 3 + i % 4)]
        # Each term's curvature is at most |a|^2/d < 16*4/400: f stays convex.
        wiggle = " + ".join(
            f"sin({_small_affine(rng, names)})/{400 + 20 * k}" for k in range(6 + i)
        )
        claims.append(
            _claim(
                f"segment-grind-{i}",
                {
                    "function": _string(" + ".join(f"{n}**2" for n in names) + " + " + wiggle),
                    "variables": json.dumps(names),
                    "property": '"convex"',
                },
            )
        )
    assert len(claims) == 50, len(claims)
    return claims


def slow_model_claim() -> str:
    """One claim whose model takes far longer than the limit to build."""
    return _claim(
        "model-that-builds-for-long",
        {
            "model": '{ kind = "mlp", layers = [10, 50, 50, 1], activation = "tanh" }',
            "data": "{ points = 3 }",
            "variables": '"all"',
            "property": '"convex"',
            "expect": '"fails"',
        },
    )


# --- measuring ----------------------------------------------------------------------


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "convexity_proofs", *args]


def run_timed(args: list[str]) -> dict[str, float | int | str]:
    """Run the command to its end: wall time, CPU time (the process and its workers)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "code": done.returncode,
        "wall": wall,
        "cpu": cpu,
        "out": done.stdout,
        "err": done.stderr,
    }


def interrupt_latency(args: list[str], after: float) -> dict[str, float | int | str]:
    """SIGINT to the process group ``after`` seconds in; seconds from it to the exit."""
    process = subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        start_new_session=True,
    )
    time.sleep(after)
    sent = time.perf_counter()
    os.killpg(process.pid, signal.SIGINT)
    try:
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    latency = time.perf_counter() - sent
    return {"code": process.returncode, "latency": latency, "out": out, "err": err}


def worker_overhead() -> dict[str, float]:
    """The claim suite in-process and through the runner, and a no-op task per worker."""
    from convexity_proofs import _runner
    from convexity_proofs._claimfile import load_claims
    from convexity_proofs._engine import Settings, check_claim

    claims = [c for f in sorted((ROOT / "claims").glob("*.toml")) for c in load_claims(f)]
    settings = Settings(timeout=60)

    def cpu() -> float:
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system

    result: dict[str, float] = {"claims": len(claims)}
    c0, t0 = cpu(), time.perf_counter()
    for claim in claims:
        check_claim(claim, settings)
    result["in_process_wall"], result["in_process_cpu"] = time.perf_counter() - t0, cpu() - c0
    c0, t0 = cpu(), time.perf_counter()
    _runner.run_claims(claims, settings, limit=60)
    result["runner_wall"], result["runner_cpu"] = time.perf_counter() - t0, cpu() - c0
    c0, t0 = cpu(), time.perf_counter()
    _runner.run_tasks(_noop, [()] * 200, limit=60)
    result["noop_wall_ms"] = (time.perf_counter() - t0) / 200 * 1000
    result["noop_cpu_ms"] = (cpu() - c0) / 200 * 1000
    return result


def _noop() -> None:
    return None


def _mode(jobs: int) -> str:
    return "serial" if jobs == 1 else f"--jobs {jobs}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--probe", action="store_true", help="per-claim verdicts and seconds")
    parser.add_argument("--repeat", type=int, default=5, help="Ctrl-C measurements per mode")
    options = parser.parse_args()
    from convexity_proofs._runner import grace_for

    grace = grace_for(LIMIT)
    timeout = ["--timeout", f"{LIMIT:g}"]
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "slow.claims.toml"
        file.write_text("\n".join(slow_claims()))
        if options.probe:
            done = run_timed(_command(str(file), *timeout, "--jobs", "2", "--format", "json"))
            for result in json.loads(str(done["out"]))["results"]:
                attempts = ", ".join(a["strategy"] for a in result.get("attempts", []))
                print(
                    f"{result['name']:20} {result['status']:8} {result['seconds']:5.2f} {attempts}"
                )
            return

        print(f"limit {LIMIT:g} s, grace {grace:g} s, 50 claims, {os.cpu_count()} cores\n")
        loading = run_timed(_command(str(file), *timeout, "--show-function"))
        print(
            f"start-up and loading (`--show-function`): {loading['wall']:.1f} s wall, "
            f"{loading['cpu']:.1f} s CPU (exit {loading['code']})\n"
        )
        print("| mode | exit | wall s | CPU s | bound s | hard bound s | slowest claim s |")
        print("|---|---|---|---|---|---|---|")
        for jobs in (1, 2):
            done = run_timed(_command(str(file), *timeout, "--jobs", str(jobs), "--format", "json"))
            results = json.loads(str(done["out"]))["results"]
            n = len(results)
            slowest = max(r["seconds"] for r in results)
            bound = LIMIT * n / jobs + float(loading["wall"])
            hard = (LIMIT + grace) * n / jobs + float(loading["wall"])
            print(
                f"| {_mode(jobs)} | {done['code']} | {done['wall']:.1f} | {done['cpu']:.1f} | "
                f"{bound:.1f} | {hard:.1f} | {slowest:.2f} |"
            )
            statuses = {s: sum(r["status"] == s for r in results) for s in ("refuted", "unknown")}
            ended = sum(
                any("worker process was ended" in a["outcome"] for a in r.get("attempts", []))
                for r in results
            )
            wrong = [r["name"] for r in results if r["status"] != "unknown" and not r["passed"]]
            print(
                f"<!-- {_mode(jobs)}: {statuses}, {ended} ended by the runner, "
                f"settled against expectation: {wrong} -->"
            )

        print("\n| Ctrl-C | runs | exit codes | clean | median s | max s |")
        print("|---|---|---|---|---|---|")
        for jobs in (1, 2):
            latencies, codes, clean = [], set(), True
            for k in range(options.repeat):
                # Spread over loading (the first seconds) and checking.
                done = interrupt_latency(
                    _command(str(file), *timeout, "--jobs", str(jobs)), after=2.0 + 4.0 * k
                )
                latencies.append(float(done["latency"]))
                codes.add(done["code"])
                clean &= done["err"] == "convexity-check: interrupted\n" and done["out"] == ""
            print(
                f"| {_mode(jobs)} | {options.repeat} | {sorted(codes)} | {clean} | "
                f"{statistics.median(latencies):.3f} | {max(latencies):.3f} |"
            )

        model = Path(tmp) / "model.toml"
        model.write_text(slow_model_claim())
        done = run_timed(_command(str(model), *timeout))
        print(
            f"\nslow model: exit {done['code']}, {done['wall']:.1f} s wall, "
            f"{done['cpu']:.1f} s CPU: {str(done['err']).strip()}"
        )

    o = worker_overhead()
    extra = (o["runner_cpu"] - o["in_process_cpu"]) / o["claims"] * 1000
    print(
        f"\nclaim suite ({o['claims']:.0f} claims): in-process {o['in_process_wall']:.2f} s "
        f"wall / {o['in_process_cpu']:.2f} s CPU; through the runner {o['runner_wall']:.2f} s "
        f"wall / {o['runner_cpu']:.2f} s CPU: +{extra:.0f} ms CPU per claim; a no-op worker "
        f"{o['noop_wall_ms']:.1f} ms wall / {o['noop_cpu_ms']:.1f} ms CPU"
    )


if __name__ == "__main__":
    main()
