"""Benchmark: the CPU time of decided and of ``unknown`` verdicts, before and after.

    python bench/unknowns.py                         # baseline tree vs this tree
    python bench/unknowns.py --before /tmp/baseline --grammar 200 --corpus-per-family 0
    python bench/unknowns.py --json /tmp/unknowns.json   # also write every claim's result
    python bench/unknowns.py --without-exits         # and this tree with the early exits off

Three sets of claims, the same for both trees:

* ``shipped``: every claim of this tree's ``claims/*.toml`` (a file the other tree cannot
  read counts as invalid there);
* ``grammar``: claims drawn from the fuzz tests' grammar (``tests/_grammar.py``: the
  whole claim language, and functions convex or concave by construction), drawn once
  here with a derandomised Hypothesis run, so both trees judge the same tables;
* ``corpus``: the held-out corpus of ``tests/_corpus.py`` when this tree has it (all of
  it, or ``--corpus-per-family`` claims of each family).

Each tree runs in its own process (``PYTHONPATH`` = the tree, working directory a
temporary one, so nothing else is imported; ``--without-exits`` adds a run of this tree
with ``convexity_proofs._early_exit.ENABLED = False``), checking the claims one after another
in-process with ``check_claim`` and ``Settings(timeout=--timeout)``; each claim's CPU
time is ``time.process_time()`` around the call.  Reported per set and tree: how many
were decided (proved or refuted), unknown, wrong (decided against ``expect``), invalid,
and the median / p90 / max CPU seconds of the decided and of the unknown verdicts, in
Markdown.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BASELINE = Path("/tmp/baseline")


# --- the claims ------------------------------------------------------------------------


def _grammar_tables(count: int) -> list[dict[str, Any]]:
    """``count`` claims of the whole language and count/2 convex + count/4 concave ones."""
    if count <= 0:
        return []
    sys.path.insert(0, str(ROOT))
    try:
        from hypothesis import HealthCheck, Phase, given, settings

        from tests._grammar import claims, convex_claims
    finally:
        sys.path.pop(0)
    out: list[dict[str, Any]] = []

    def collect(strategy: Any, n: int, tag: str) -> None:
        @settings(
            max_examples=n,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(strategy)
        def draw(table: dict[str, Any]) -> None:
            if table not in [t["table"] for t in out]:
                out.append({"group": "grammar", "tag": tag, "table": table})

        draw()

    collect(claims(), count, "language")
    collect(convex_claims(), count // 2, "convex")
    collect(convex_claims(concave=True), count // 4, "concave")
    for k, item in enumerate(out):
        item["table"] = {**item["table"], "name": f"fuzz-{k:04d}"}
        tag = item["tag"]
        if tag != "language":
            item["table"]["expect"] = "holds"
    return out


def _corpus_tables(per_family: int | None) -> list[dict[str, Any]]:
    path = ROOT / "tests" / "_corpus.py"
    if not path.exists() or per_family == 0:
        return []
    spec = importlib.util.spec_from_file_location("_bench_corpus", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["_bench_corpus"] = module
    spec.loader.exec_module(module)
    chosen = module.corpus() if per_family is None else module.sample(per_family)
    return [{"group": "corpus", "tag": c.family, "table": c.table()} for c in chosen]


def _shipped() -> list[dict[str, Any]]:
    """This tree's claim files, read now: every run judges the same text."""
    return [
        {"group": "shipped", "tag": path.stem, "file": path.name, "text": path.read_text()}
        for path in sorted((ROOT / "claims").glob("*.toml"))
    ]


# --- the worker (runs inside one tree) ------------------------------------------------


def _worker(items: list[dict[str, Any]], timeout: float, exits: bool) -> list[dict[str, Any]]:
    from convexity_proofs import Settings, check_claim, load_claims
    from convexity_proofs._claimfile import build_claim

    if not exits:
        try:
            from convexity_proofs import _early_exit
        except ImportError:  # a tree without early exits
            pass
        else:
            _early_exit.ENABLED = False
    settings = Settings(timeout=timeout)
    results: list[dict[str, Any]] = []

    def run(item: dict[str, Any], claim: Any, name: str, expect: str | None) -> None:
        started = time.process_time()
        try:
            status = check_claim(claim, settings).status.value
        except Exception as exc:  # a crash is reported, never hidden
            status = f"error: {type(exc).__name__}"
        seconds = time.process_time() - started
        results.append(
            {**_key(item), "name": name, "status": status, "expect": expect, "seconds": seconds}
        )

    for item in items:
        if "file" in item:
            path = Path(item["file"])  # relative: inside the worker's temporary directory
            path.write_text(item["text"])
            try:
                loaded = load_claims(path)
            except Exception as exc:
                results.append({**_key(item), "name": "*", "status": f"invalid: {exc}"[:80]})
                continue
            for claim in loaded:
                expect = claim.expect.value if claim.expect is not None else None
                run(item, claim, claim.name, expect)
            continue
        table = item["table"]
        try:
            claim = build_claim(dict(table))
        except Exception:
            results.append({**_key(item), "name": table["name"], "status": "invalid"})
            continue
        run(item, claim, table["name"], table.get("expect"))
    return results


def _key(item: dict[str, Any]) -> dict[str, Any]:
    return {"group": item["group"], "tag": item["tag"]}


def _run_tree(
    tree: Path, items: list[dict[str, Any]], timeout: float, *, exits: bool = True
) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "claims.json"
        target = Path(tmp) / "results.json"
        source.write_text(json.dumps(items))
        env = {**os.environ, "PYTHONPATH": str(tree)}
        env.pop("CONVEXITY_PROOFS_RAISE_INTERNAL", None)
        command = [sys.executable, str(Path(__file__).resolve()), "--worker"]
        command += [str(source), str(target), "--timeout", str(timeout)]
        command += [] if exits else ["--no-exits"]
        subprocess.run(command, cwd=tmp, env=env, check=True)
        return json.loads(target.read_text())  # type: ignore[no-any-return]


# --- the report -----------------------------------------------------------------------

_DECIDED = {"proved": "holds", "refuted": "fails"}


def _distribution(values: list[float]) -> str:
    if not values:
        return "-"
    values = sorted(values)
    p90 = values[min(len(values) - 1, int(0.9 * len(values)))]
    return f"{statistics.median(values):.3f} / {p90:.3f} / {values[-1]:.3f}"


def _row(label: str, rows: list[dict[str, Any]]) -> str:
    judged = [r for r in rows if r["status"] in ("proved", "refuted", "unknown")]
    decided = [r for r in judged if r["status"] in _DECIDED]
    unknown = [r for r in judged if r["status"] == "unknown"]
    wrong = [r for r in decided if r.get("expect") and _DECIDED[r["status"]] != r["expect"]]
    invalid = len(rows) - len(judged)
    total = sum(r["seconds"] for r in judged)
    return (
        f"| {label} | {len(judged)} | {len(decided)} | {len(unknown)} | {len(wrong)} | "
        f"{invalid} | {_distribution([r['seconds'] for r in decided])} | "
        f"{_distribution([r['seconds'] for r in unknown])} | {total:.1f} |"
    )


def report(runs: dict[str, list[dict[str, Any]]]) -> str:
    lines = [
        "| set, run | judged | decided | unknown | wrong | invalid | decided CPU s "
        "(median / p90 / max) | unknown CPU s (median / p90 / max) | total CPU s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    every = [r for rows in runs.values() for r in rows]
    order = ["shipped", "grammar", "corpus"]
    for group in sorted({r["group"] for r in every}, key=order.index):
        for label, rows in runs.items():
            lines.append(_row(f"{group}, {label}", [r for r in rows if r["group"] == group]))
    # The claims unknown in every run: what an unknown costs, like for like.
    unknown = [
        {(r["group"], r["tag"], r["name"]) for r in rows if r["status"] == "unknown"}
        for rows in runs.values()
    ]
    common = set.intersection(*unknown) if unknown else set()
    lines.append("")
    lines.append(f"Claims unknown in every run: {len(common)}.")
    for label, rows in runs.items():
        seconds = [r["seconds"] for r in rows if (r["group"], r["tag"], r["name"]) in common]
        if seconds:
            lines.append(
                f"- {label}: median / p90 / max {_distribution(seconds)} s, "
                f"total {sum(seconds):.1f} s"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", nargs=2, metavar=("IN", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--no-exits", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--before", type=Path, default=BASELINE)
    parser.add_argument("--after", type=Path, default=ROOT)
    parser.add_argument("--grammar", type=int, default=200, help="grammar claims (default 200)")
    parser.add_argument(
        "--corpus-per-family",
        type=int,
        default=None,
        help="corpus claims per family (default: the whole corpus; 0: none)",
    )
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument(
        "--without-exits",
        action="store_true",
        help="also run the after tree with the early exits off",
    )
    parser.add_argument("--json", type=Path, help="write every claim's result here")
    args = parser.parse_args()
    if args.worker:
        source, target = args.worker
        items = json.loads(Path(source).read_text())
        results = _worker(items, args.timeout, exits=not args.no_exits)
        Path(target).write_text(json.dumps(results))
        return
    items = _shipped() + _grammar_tables(args.grammar) + _corpus_tables(args.corpus_per_family)
    print(f"{len(items)} items; before = {args.before}, after = {args.after}", file=sys.stderr)
    runs = {"before": _run_tree(args.before, items, args.timeout)}
    if args.without_exits:
        runs["after, no exits"] = _run_tree(args.after, items, args.timeout, exits=False)
    runs["after"] = _run_tree(args.after, items, args.timeout)
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1))
    print(report(runs))


if __name__ == "__main__":
    main()
