"""Benchmark: model claims at the sizes of real models (issue 13), against CVXPY and SymPy.

    python bench/scale.py /tmp/scale                 # generate (if needed) and run the targets
    python bench/scale.py /tmp/scale-small --small   # tiny versions of every target, < 1 min
    python bench/scale.py DIR --repeat 3 --timeout 120 --only relu --no-peers --json out.json
    python bench/scale.py DIR --small --peers       # the peers' code path too

The claims and data come from ``bench/make_data.py`` (run here when DIR has no
``manifest.json``, or with ``--generate``).  Each claim file is checked by a fresh
``python -m convexity_proofs FILE --format json --timeout T`` process (the
``convexity-check`` command; ``-m convexity_proofs.cli`` would import the module and do
nothing), ``--repeat`` times.  Measured per run: CPU of the whole process tree (user +
system, the ``RUSAGE_CHILDREN`` delta around the run: start-up, reading the data,
building, the engine and its workers, the checker) and its peak resident memory
(``ru_maxrss`` from ``os.wait4``).  A process still running at T + ``--grace`` seconds
(wall) is ended with its process group and reported as a timeout; a claim the command
refuses (exit 2: size limits, an unknown key) is reported with the command's message.
Reported: medians over the runs, and against the target (status as expected and CPU
under the target).  The peers run in the same invocation (``bench/_peers.py``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(_HERE))

import _peers  # noqa: E402
import make_data  # noqa: E402

# A lean launcher between this process and the measured one: a child's ru_maxrss starts
# at the size of the process it was forked from (it survives exec), so the command is
# forked from this small interpreter (python -S, no imports but os and sys), never from
# the benchmark process itself (which may hold generated data).  The launcher waits for
# it and writes its rusage (the whole tree below it: the command and its workers).
#: The measured command runs as a user's installation does: with compiled bytecode
#: (PYTHONDONTWRITEBYTECODE, set on some machines, makes every run compile the package
#: again, about 0.5 s of start-up that no installed package pays).
_ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

_LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as report:
    report.write(f"{usage.ru_utime!r} {usage.ru_stime!r} {usage.ru_maxrss} "
                 f"{os.waitstatus_to_exitcode(status)}")
"""


def run_claim(
    file: Path, timeout: float, grace: float, python: str = sys.executable
) -> dict[str, Any]:
    """One fresh process checking ``file``: its CPU (s), peak RSS (MB), exit code and the
    parsed JSON report (or the error)."""
    command = [python, "-m", "convexity_proofs", str(file), "--format", "json"]
    command += ["--timeout", f"{timeout:g}"]
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.TemporaryDirectory() as scratch,
    ):
        report = Path(scratch) / "rusage"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        process = subprocess.Popen(
            [python, "-S", "-c", _LAUNCHER, str(report), *command],
            stdout=out,
            stderr=err,
            cwd=file.parent,
            start_new_session=True,
            env=_ENVIRONMENT,
        )
        killed = False
        while process.poll() is None:
            if time.monotonic() - started > timeout + grace:
                os.killpg(process.pid, signal.SIGKILL)  # the session this run started
                process.wait()
                killed = True
                break
            time.sleep(0.02)
        wall = time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
        measured = report.read_text().split() if report.exists() else None
    # CPU: the RUSAGE_CHILDREN delta (the launcher, about 0.02 s, and everything below it,
    # which the launcher reaped); "cpu_tree" is the command's tree alone (from wait4).
    result: dict[str, Any] = {
        "wall": wall,
        "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
    }
    if killed or measured is None:  # ended at the limit: the tree below was not reaped
        result["cpu"] = result["cpu_tree"] = result["peak_mb"] = float("nan")
        result["exit"] = process.returncode
    else:
        user, system, maxrss, code = measured
        result["cpu_tree"] = float(user) + float(system)
        result["peak_mb"] = int(maxrss) / 1024  # Linux: kilobytes
        result["exit"] = int(code)
    if killed:
        result["status"] = "timeout"
        result["error"] = f"no answer in {timeout + grace:g} s wall (process ended)"
        return result
    if result["exit"] in (0, 1):
        try:
            parsed = json.loads(stdout)
            (claim,) = parsed["results"]
            result["status"] = claim["status"]
            result["passed"] = claim.get("passed")
            result["engine_seconds"] = claim.get("seconds")
            return result
        except (ValueError, KeyError, TypeError):
            pass
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    message = lines[-1] if lines else f"exit {result['exit']}, no message"
    result["status"] = "error"
    message = message.removeprefix("convexity-check: error: ").replace(str(file), file.name)
    message = message.removeprefix(f"{file.name}: ")
    if message.startswith("claim '") and "': " in message:
        message = message.split("': ", 1)[1]
    result["error"] = message
    return result


def measure(entry: dict[str, Any], directory: Path, args: argparse.Namespace) -> dict[str, Any]:
    runs = []
    for _ in range(args.repeat):
        run = run_claim(directory / entry["file"], args.timeout, args.grace)
        runs.append(run)
        if run["status"] in ("error", "timeout"):
            break  # a refusal or a timeout is not measured again
    last = runs[-1]
    timed_out = any(r["status"] == "timeout" for r in runs)
    summary: dict[str, Any] = {
        "name": entry["name"],
        "runs": runs,
        "status": last["status"],
        "error": last.get("error"),
        "cpu": float("nan") if timed_out else statistics.median(r["cpu"] for r in runs),
        "peak_mb": float("nan") if timed_out else statistics.median(r["peak_mb"] for r in runs),
    }
    statuses = {r["status"] for r in runs}
    if len(statuses) > 1:
        summary["status"] = "/".join(sorted(statuses))
    return summary


def verdict(entry: dict[str, Any], summary: dict[str, Any]) -> str:
    if summary["status"] != entry["expect"]:
        return f"fail (expected {entry['expect']})"
    target = entry["target_seconds"]
    if target is None:
        return "pass (status)"
    return "pass" if summary["cpu"] < target else f"fail (> {target:g} s)"


def _number(value: float, digits: int = 2) -> str:
    return "-" if math.isnan(value) else f"{value:.{digits}f}"


def peers(
    entry: dict[str, Any], directory: Path, args: argparse.Namespace, cache: dict[str, str]
) -> tuple[str, str]:
    """(CVXPY, SymPy) cells; CVXPY the median CPU of --repeat fresh processes."""
    if not args.peers:
        return "-", "-"
    cvxpy = "-"
    if _peers.has_peer("cvxpy", entry):
        results = [
            _peers.run_peer("cvxpy", directory, entry["name"], args.cvxpy_cap)
            for _ in range(args.repeat)
        ]
        good = [r for r in results if "seconds" in r]
        if len(good) == len(results):
            dcp = "DCP" if all(r["dcp"] for r in good) else "not DCP"
            cvxpy = f"{statistics.median(r['seconds'] for r in good):.2f} s ({dcp})"
        else:
            bad = next(r for r in results if "seconds" not in r)
            cvxpy = f"no answer in {bad['timeout']:g} s" if "timeout" in bad else bad["error"]
    sympy = "-"
    if _peers.has_peer("sympy", entry):
        key = json.dumps(entry["sympy"], sort_keys=True)
        if key not in cache:
            r = _peers.run_peer("sympy", directory, entry["name"], args.sympy_cap)
            if "timeout" in r:
                text = f"no answer in {r['timeout']:g} s"
            elif "error" in r:
                text = r["error"]
            else:
                text = f"{r['answer']} in {r['seconds']:.2f} s"
            cache[key] = f"{entry['sympy']['size']}: {text}"
        sympy = cache[key]
    return cvxpy, sympy


def _finite(value: Any) -> Any:
    """NaN (not measured) as null, for strict JSON."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "directory", type=Path, help="generated claims and data (bench/make_data.py)"
    )
    parser.add_argument("--small", action="store_true", help="tiny versions of every target")
    parser.add_argument("--inline", action="store_true", help="generate with data in the claims")
    parser.add_argument("--generate", action="store_true", help="regenerate even if present")
    parser.add_argument(
        "--repeat", type=int, help="runs per claim, the median reported (3; --small: 1)"
    )
    parser.add_argument(
        "--timeout", type=float, help="the command's --timeout per claim, s (120; --small: 3)"
    )
    parser.add_argument(
        "--grace", type=float, default=10.0, help="wall seconds past --timeout before ending it"
    )
    parser.add_argument("--only", action="append", default=[], help="names containing this")
    parser.add_argument(
        "--peers",
        action=argparse.BooleanOptionalAction,
        help="run CVXPY and SymPy too (default: yes; --small: no)",
    )
    parser.add_argument(
        "--sympy-cap", type=float, help="SymPy's limit, s, its start-up included (60; --small: 3)"
    )
    parser.add_argument("--cvxpy-cap", type=float, default=300.0, help="CVXPY's limit (s)")
    parser.add_argument("--json", type=Path, help="write every run's measurements here")
    args = parser.parse_args(argv)
    small_defaults = {"repeat": 1, "timeout": 3.0, "sympy_cap": 3.0, "peers": False}
    full_defaults = {"repeat": 3, "timeout": 120.0, "sympy_cap": 60.0, "peers": True}
    for key, value in (small_defaults if args.small else full_defaults).items():
        if getattr(args, key) is None:
            setattr(args, key, value)

    directory = args.directory.resolve()
    manifest_path = directory / make_data.MANIFEST
    if args.generate or not manifest_path.exists():
        print(f"generating into {directory} ...", file=sys.stderr, flush=True)
        make_data.generate(directory, small=args.small, inline=args.inline)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest["small"] != args.small and not args.generate:
        size = "small" if manifest["small"] else "full-size"
        print(f"note: {directory} holds the {size} targets", file=sys.stderr)
    entries = [
        e for e in manifest["targets"] if not args.only or any(o in e["name"] for o in args.only)
    ]

    print(
        f"Scale benchmark ({'small' if manifest['small'] else 'target'} sizes), "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, --repeat {args.repeat}, --timeout {args.timeout:g} s; "
        "CPU = the whole process tree, user + system; medians.\n"
    )
    print(
        "| claim | rows | features | parameters | status | CPU s | peak MB "
        "| CPU µs/param beyond start-up | target | result "
        "| CVXPY build + is_dcp, CPU | SymPy is_convex (small size) |"
    )
    print("|---|---:|---:|---:|---|---:|---:|---:|---|---|---|---|")
    startup_args = argparse.Namespace(**{**vars(args), "timeout": max(args.timeout, 60.0)})
    startup = measure({"name": "startup", "file": manifest["startup"]}, directory, startup_args)
    base = startup["cpu"] if startup["status"] == "proved" else 0.0
    print(
        f"| start-up (x**2 convex) | - | - | 1 | {_cell(startup['status'])} "
        f"| {_number(startup['cpu'])} | {_number(startup['peak_mb'], 0)} | - | - | - | - | - |"
    )
    results = []
    sympy_cache: dict[str, str] = {}
    for entry in entries:
        summary = measure(entry, directory, args)
        cvxpy, sympy = peers(entry, directory, args, sympy_cache)
        summary.update(cvxpy=cvxpy, sympy=sympy, verdict=verdict(entry, summary))
        results.append({**entry, **summary, "data": None})
        status = summary["status"]
        if summary["error"]:
            status = f"{status}: {summary['error']}"
        if len(status) > 160:
            status = status[:157] + "..."
        if entry["target_seconds"] is None:
            target = f"{entry['expect']}, linear in P"
        else:
            target = f"{entry['expect']} < {entry['target_seconds']:g} s"
        per_param = 1e6 * max(summary["cpu"] - base, 0.0) / entry["parameters"]
        if summary["status"] in ("error", "timeout"):
            per_param = summary["cpu"] = float("nan")  # not a measurement of the claim
        print(
            f"| {entry['name']} | {entry['rows']} | {entry['features']} | {entry['parameters']:,} "
            f"| {_cell(status)} | {_number(summary['cpu'])} | {_number(summary['peak_mb'], 0)} "
            f"| {_number(per_param, 1)} "
            f"| {target} | {summary['verdict']} | {_cell(cvxpy)} | {_cell(sympy)} |",
            flush=True,
        )
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        if r["group"] and not math.isnan(r["cpu"]):
            groups.setdefault(r["group"], []).append(r)
    if groups:
        print()
        for group, members in groups.items():
            cells = ", ".join(
                f"{m['parameters']:,} → "
                f"{_number(1e6 * max(m['cpu'] - base, 0.0) / m['parameters'], 1)}"
                for m in members
            )
            print(f"- {group}: CPU beyond start-up, µs per parameter (parameters → µs): {cells}")
    if args.json:
        everything = {"startup": startup, "targets": results, "options": vars(args)}
        text = json.dumps(_finite(everything), indent=2, default=str, allow_nan=False)
        args.json.write_text(text + "\n", encoding="utf-8")
    failed = sum(not r["verdict"].startswith("pass") for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
