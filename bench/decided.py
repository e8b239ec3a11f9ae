"""Benchmark: how many claims of the generated corpus are decided, before and after.

    python bench/decided.py                          # baseline vs working tree, Markdown
    python bench/decided.py --family g-narrow --timeout 20 --jobs 2 --json /tmp/out.json
    python bench/decided.py --trees working          # only the working tree

The corpus is ``tests/_corpus.py``: claims of the families of issue 12 whose truth is
known by construction (none drawn from the shipped claims or the issue's examples).
Each claim is run on the baseline tree (``--baseline``, default /tmp/baseline: the code
before issue 12) and on the working tree (``--working``, default this checkout), in the
same run on the same machine, interleaved claim by claim so that a change of load
affects both alike.

The working tree's package is copied to a temporary directory first, so helpers that
edit the tree during the run cannot change the code under measurement (or break it
half way); its digest is printed.  Each tree runs in its own server process
(``PYTHONPATH`` set to the tree, started from the temporary directory, never from the
checkout), which imports the package once, warms up on a claim, then forks one child per
claim; the child runs ``check_claim`` with the time limit and the parent ends it at the
limit plus a grace (then it is ``unknown``, "killed").  The CPU time of a claim is the
child's own (user + system, from ``wait4``), so it does not count the import.

Reported per family: claims, decided before and after (proved or refuted as the
construction says), newly decided and lost, **wrong verdicts** (a verdict that
contradicts the construction: there must be none; they are listed loudly and make the
exit code 1), unknown, and the median and 90th percentile CPU seconds of decided and of
unknown verdicts.  ``--json`` writes every claim's record.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests._corpus import FAMILIES, CorpusClaim, corpus  # noqa: E402

BASELINE = Path("/tmp/baseline")

# The server: one per tree and job slot.  It reads one JSON request per line, forks a
# child per claim, and answers one JSON line per request.
SERVER = textwrap.dedent(
    r"""
    import json, os, resource, signal, sys, time, traceback

    os.environ.setdefault("CONVEXITY_PROOFS_RAISE_INTERNAL", "0")
    import pkgutil, importlib
    import convexity_proofs
    for module in pkgutil.walk_packages(convexity_proofs.__path__, "convexity_proofs."):
        if module.name.endswith("__main__"):
            continue
        try:
            importlib.import_module(module.name)
        except Exception:
            pass
    from convexity_proofs._claimfile import build_claim
    from convexity_proofs._engine import Settings, check_claim

    def run(table, timeout):
        claim = build_claim(table, file="<corpus>")
        verdict = check_claim(claim, Settings(timeout=timeout))
        errors = [a for a in verdict.attempts if "internal error" in str(a)]
        rules = []
        for step in verdict.proof or verdict.refuting_proof:
            rules.append(step.rule)
        kind = verdict.witness.kind if verdict.witness is not None else None
        return {
            "status": str(verdict.status),
            "rules": rules[:3],
            "witness": kind,
            "internal_errors": [str(e)[:200] for e in errors[:3]],
        }

    run({"name": "warm-up", "function": "exp(x) + x**2 + log(1 + exp(x))",
         "variables": ["x"], "property": "convex"}, 30.0)
    sys.stdout.write(json.dumps({"ready": convexity_proofs.__file__}) + "\n")
    sys.stdout.flush()

    for line in sys.stdin:
        request = json.loads(line)
        timeout, grace = request["timeout"], request["grace"]
        reader, writer = os.pipe()
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:
            os.close(reader)
            try:
                answer = run(request["table"], timeout)
            except BaseException as exc:
                answer = {"status": "error", "error": f"{type(exc).__name__}: {exc}"[:300],
                          "trace": traceback.format_exc()[-800:]}
            data = json.dumps(answer).encode()
            with os.fdopen(writer, "wb") as out:
                out.write(data)
            os._exit(0)
        os.close(writer)
        chunks = []
        killed = False
        deadline = start + timeout + grace
        import select
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                killed = True
                break
            ready, _, _ = select.select([reader], [], [], min(left, 0.5))
            if ready:
                chunk = os.read(reader, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
        os.close(reader)
        _, status, usage = os.wait4(pid, 0)
        wall = time.monotonic() - start
        cpu = usage.ru_utime + usage.ru_stime
        if killed:
            answer = {"status": "unknown", "killed": True}
        else:
            try:
                answer = json.loads(b"".join(chunks).decode())
            except ValueError:
                answer = {"status": "error", "error": f"no answer (exit status {status})"}
        answer.update({"id": request["id"], "cpu": cpu, "wall": wall})
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    """
)


def _digest(package: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(package)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


def snapshot(tree: Path, into: Path) -> Path:
    """A copy of ``tree``'s package (no caches) under ``into``; returns the new root."""
    target = into / "tree"
    shutil.copytree(
        tree / "convexity_proofs",
        target / "convexity_proofs",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    return target


class Server:
    """One tree's server process (see SERVER)."""

    def __init__(self, tree: Path, workdir: Path, script: Path) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = str(tree)
        env.pop("CONVEXITY_PROOFS_RAISE_INTERNAL", None)
        self.process = subprocess.Popen(
            [sys.executable, str(script)],
            cwd=workdir,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            bufsize=1,
        )
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the server for {tree} did not start (does the tree import?)")
        ready = json.loads(line)["ready"]
        if not ready.startswith(str(tree)):
            raise RuntimeError(f"the server for {tree} imported {ready}")

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the server died")
        return json.loads(line)

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@dataclass
class Record:
    claim: CorpusClaim
    tree: str
    status: str = "unknown"
    cpu: float = 0.0
    wall: float = 0.0
    killed: bool = False
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def decided(self) -> bool:
        """Proved or refuted as the construction says."""
        return (self.status == "proved" and self.claim.expect == "holds") or (
            self.status == "refuted" and self.claim.expect == "fails"
        )

    @property
    def wrong(self) -> bool:
        return (self.status == "refuted" and self.claim.expect == "holds") or (
            self.status == "proved" and self.claim.expect == "fails"
        )


def run_all(
    claims: list[CorpusClaim],
    trees: dict[str, Path],
    *,
    timeout: float,
    jobs: int,
    workdir: Path,
    progress: bool,
) -> list[Record]:
    script = workdir / "server.py"
    script.write_text(SERVER)
    tasks: queue.Queue[tuple[int, CorpusClaim, str]] = queue.Queue()
    index = 0
    for claim in claims:
        for name in trees:
            tasks.put((index, claim, name))
            index += 1
    total = index
    results: dict[int, Record] = {}
    lock = threading.Lock()
    failures: list[BaseException] = []
    grace = max(2.0, timeout / 4)

    def worker() -> None:
        servers: dict[str, Server] = {}
        try:
            while True:
                try:
                    i, claim, name = tasks.get_nowait()
                except queue.Empty:
                    return
                if name not in servers:
                    servers[name] = Server(trees[name], workdir, script)
                answer = servers[name].ask(
                    {"id": i, "table": claim.table(), "timeout": timeout, "grace": grace}
                )
                record = Record(
                    claim,
                    name,
                    status=answer.get("status", "error"),
                    cpu=answer["cpu"],
                    wall=answer["wall"],
                    killed=bool(answer.get("killed")),
                    detail={
                        k: v for k, v in answer.items() if k not in ("id", "cpu", "wall", "status")
                    },
                )
                with lock:
                    results[i] = record
                    if progress:
                        mark = "WRONG" if record.wrong else ("ok" if record.decided else "-")
                        print(
                            f"[{len(results):4d}/{total}] {name:8s} {claim.name:22s} "
                            f"{record.status:8s} {record.cpu:6.2f}s {mark}",
                            file=sys.stderr,
                            flush=True,
                        )
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            for server in servers.values():
                server.close()

    threads = [threading.Thread(target=worker) for _ in range(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return [results[i] for i in sorted(results)]


def _quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _seconds(values: list[float]) -> str:
    if not values:
        return "—"
    median = statistics.median(values)
    return f"{median:.2f} / {_quantile(values, 0.9):.2f}"


def summary(records: list[Record], trees: list[str]) -> dict[str, Any]:
    by: dict[tuple[str, str], list[Record]] = {}
    for r in records:
        by.setdefault((r.claim.family, r.tree), []).append(r)
        by.setdefault(("all", r.tree), []).append(r)
    out: dict[str, Any] = {}
    for family in [*FAMILIES, "all"]:
        row: dict[str, Any] = {}
        for tree in trees:
            rs = by.get((family, tree), [])
            if not rs:
                continue
            row[tree] = {
                "claims": len(rs),
                "decided": sum(r.decided for r in rs),
                "wrong": sum(r.wrong for r in rs),
                "unknown": sum(r.status == "unknown" for r in rs),
                "errors": sum(r.status == "error" for r in rs),
                "killed": sum(r.killed for r in rs),
                "internal_errors": sum(bool(r.detail.get("internal_errors")) for r in rs),
                "cpu_decided": [r.cpu for r in rs if r.decided],
                "cpu_unknown": [r.cpu for r in rs if r.status == "unknown"],
                "cpu_total": sum(r.cpu for r in rs),
            }
        if row:
            out[family] = row
    return out


def markdown(records: list[Record], trees: list[str], table: dict[str, Any]) -> str:
    lines = []
    if len(trees) == 2:
        before, after = trees
        lines.append(
            "| family | claims | decided before | decided after | new | lost "
            "| wrong (before/after) "
            "| unknown after | CPU s of decided, before (median / p90) | after "
            "| CPU s of unknown, before | after |"
        )
        lines.append("|" + "---|" * 12)
        by_name = {(r.claim.name, r.tree): r for r in records}
        for family, row in table.items():
            b, a = row.get(before), row.get(after)
            if b is None or a is None:
                continue
            names = [
                r.claim.name
                for r in records
                if r.tree == after and (family == "all" or r.claim.family == family)
            ]
            new = sum(
                by_name[(n, after)].decided and not by_name[(n, before)].decided for n in names
            )
            lost = sum(
                by_name[(n, before)].decided and not by_name[(n, after)].decided for n in names
            )
            label = f"**{family}**" if family == "all" else family
            lines.append(
                f"| {label} | {a['claims']} | {b['decided']} | {a['decided']} | {new} | {lost} "
                f"| {b['wrong']}/{a['wrong']} | {a['unknown']} "
                f"| {_seconds(b['cpu_decided'])} | {_seconds(a['cpu_decided'])} "
                f"| {_seconds(b['cpu_unknown'])} | {_seconds(a['cpu_unknown'])} |"
            )
    else:
        (tree,) = trees
        lines.append(
            "| family | claims | decided | wrong | unknown | CPU s decided (med/p90) | unknown |"
        )
        lines.append("|" + "---|" * 7)
        for family, row in table.items():
            a = row[tree]
            lines.append(
                f"| {family} | {a['claims']} | {a['decided']} | {a['wrong']} | {a['unknown']} "
                f"| {_seconds(a['cpu_decided'])} | {_seconds(a['cpu_unknown'])} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--family", action="append", choices=sorted(FAMILIES), help="repeatable")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per claim (20)")
    parser.add_argument("--jobs", type=int, default=2, choices=(1, 2))
    parser.add_argument("--json", type=Path, help="write every claim's record here")
    parser.add_argument("--baseline", type=Path, default=BASELINE)
    parser.add_argument("--working", type=Path, default=ROOT)
    parser.add_argument("--trees", default="baseline,working", help="baseline,working (default)")
    parser.add_argument("--quiet", action="store_true", help="no per-claim progress on stderr")
    args = parser.parse_args(argv)

    claims = corpus(args.family)
    wanted = [t.strip() for t in args.trees.split(",") if t.strip()]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="decided-") as tmp:
        workdir = Path(tmp)
        trees: dict[str, Path] = {}
        digests: dict[str, str] = {}
        for name in wanted:
            if name == "baseline":
                if not (args.baseline / "convexity_proofs").is_dir():
                    parser.error(f"no package under {args.baseline}")
                trees[name] = args.baseline
            elif name == "working":
                trees[name] = snapshot(args.working, workdir)
            else:
                parser.error(f"unknown tree {name!r}")
            digests[name] = _digest(trees[name] / "convexity_proofs")
        print(
            f"{len(claims)} claims, timeout {args.timeout:g} s, jobs {args.jobs}; trees: "
            + ", ".join(f"{n} {digests[n]}" for n in wanted),
            file=sys.stderr,
        )
        records = run_all(
            claims,
            trees,
            timeout=args.timeout,
            jobs=args.jobs,
            workdir=workdir,
            progress=not args.quiet,
        )
    elapsed = time.monotonic() - started
    table = summary(records, wanted)
    print(
        f"corpus: {len(claims)} claims (tests/_corpus.py), timeout {args.timeout:g} s, "
        f"jobs {args.jobs}, wall {elapsed:.0f} s; trees "
        + ", ".join(f"{n} {digests[n]}" for n in wanted)
    )
    print()
    print(markdown(records, wanted, table))
    print()
    for tree in wanted:
        rs = [r for r in records if r.tree == tree]
        holds = [r for r in rs if r.claim.expect == "holds"]
        fails = [r for r in rs if r.claim.expect == "fails"]
        print(
            f"{tree}: proved {sum(r.decided for r in holds)}/{len(holds)} that hold, refuted "
            f"{sum(r.decided for r in fails)}/{len(fails)} that fail; CPU total "
            f"{sum(r.cpu for r in rs):.0f} s, killed at the limit {sum(r.killed for r in rs)}"
        )
    wrong = [r for r in records if r.wrong]
    errors = [r for r in records if r.status == "error" or r.detail.get("internal_errors")]
    if len(wanted) == 2:
        before, after = wanted
        by_name = {(r.claim.name, r.tree): r for r in records}
        lost = [
            c
            for c in claims
            if by_name[(c.name, before)].decided and not by_name[(c.name, after)].decided
        ]
        if lost:
            print("\nLOST (decided before, not after):")
            for c in lost:
                r = by_name[(c.name, after)]
                print(f"  {c.name}: {r.status} ({r.cpu:.1f} s) {c.property} {c.function}")
    if errors:
        print("\nerrors / internal errors:")
        for r in errors:
            print(
                f"  {r.tree} {r.claim.name}: "
                f"{r.detail.get('error') or r.detail.get('internal_errors')}"
            )
    if wrong:
        print("\n" + "!" * 72)
        print(f"WRONG VERDICTS: {len(wrong)} (a verdict contradicting the construction)")
        for r in wrong:
            c = r.claim
            print(
                f"  {r.tree} {c.name}: {r.status}, expected {c.expect}: {c.property} of "
                f"{c.function} on {c.domain or 'the reals'} -- {c.note}"
            )
        print("!" * 72)
    if args.json:
        data = {
            "claims": len(claims),
            "timeout": args.timeout,
            "jobs": args.jobs,
            "trees": {n: {"path": str(p), "digest": digests[n]} for n, p in trees.items()},
            "wall": elapsed,
            "summary": {
                family: {
                    tree: {k: v for k, v in row.items() if not k.startswith("cpu_")}
                    | {
                        "cpu_decided_median": statistics.median(row["cpu_decided"])
                        if row["cpu_decided"]
                        else None,
                        "cpu_decided_p90": _quantile(row["cpu_decided"], 0.9),
                        "cpu_unknown_median": statistics.median(row["cpu_unknown"])
                        if row["cpu_unknown"]
                        else None,
                        "cpu_unknown_p90": _quantile(row["cpu_unknown"], 0.9),
                    }
                    for tree, row in rows.items()
                }
                for family, rows in table.items()
            },
            "records": [
                {
                    "name": r.claim.name,
                    "family": r.claim.family,
                    "tree": r.tree,
                    "function": r.claim.function,
                    "property": r.claim.property,
                    "expect": r.claim.expect,
                    "status": r.status,
                    "decided": r.decided,
                    "wrong": r.wrong,
                    "cpu": round(r.cpu, 3),
                    "wall": round(r.wall, 3),
                    **r.detail,
                }
                for r in records
            ],
        }
        args.json.write_text(json.dumps(data, indent=1) + "\n")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
