"""The command-line contract: exit codes, JSON shape, text report, hostile input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from convexity_proofs.cli import collect_files, main

CONVEX = """
[[claim]]
name = "square"
function = "x**2"
variables = ["x"]
property = "convex"
"""
REFUTED_AS_EXPECTED = """
[[claim]]
name = "saddle"
function = "x*y"
variables = ["x", "y"]
property = "convex"
expect = "fails"
"""
WRONG_EXPECTATION = """
[[claim]]
name = "saddle-claimed-convex"
function = "x*y"
variables = ["x", "y"]
property = "convex"
"""
INVARIANT_REFUTED = """
[[claim]]
name = "half-swap"
function = "v1*tanh(w1) + v2*tanh(w2)"
property = "invariant"
substitution = { w1 = "w2", w2 = "w1" }
expect = "fails"
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main([*args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_exit_0_and_json_shape_when_every_claim_passes(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, "a.toml", CONVEX + REFUTED_AS_EXPECTED + INVARIANT_REFUTED)
    code, doc = run_json(capsys, str(path))
    assert code == 0
    assert doc["version"] == 1
    assert doc["summary"] == {"total": 3, "passed": 3, "failed": 0}
    square, saddle, swap = doc["results"]
    for result in doc["results"]:
        assert {"file", "name", "property", "status", "expect", "passed", "seconds"} <= set(result)
        assert result["file"] == str(path)
    assert square["status"] == "proved" and "proof" in square and "witness" not in square
    assert all({"rule", "subject", "reason"} <= set(step) for step in square["proof"])
    assert saddle["status"] == "refuted" and "proof" not in saddle
    assert saddle["witness"]["kind"] in ("segment", "curvature")
    assert swap["witness"]["kind"] == "point"
    assert set(swap["witness"]["point"]) == {"v1", "v2", "w1", "w2"}


def test_exit_1_when_a_claim_misses_its_expectation(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, "a.toml", CONVEX + WRONG_EXPECTATION)
    code, doc = run_json(capsys, str(path))
    assert code == 1
    assert doc["summary"] == {"total": 2, "passed": 1, "failed": 1}
    assert doc["results"][1]["passed"] is False


def test_exit_1_for_unknown_and_timeout_makes_unknown(tmp_path: Path, capsys) -> None:
    path = write(
        tmp_path,
        "a.toml",
        CONVEX.replace('"x**2"', '"x**4 + 3*x**2*y**2 + y**4"').replace('["x"]', '["x", "y"]'),
    )
    code, doc = run_json(capsys, str(path), "--timeout", "0.001")
    assert code == 1
    (result,) = doc["results"]
    assert result["status"] == "unknown" and result["passed"] is False
    assert any(a["strategy"] == "time limit" for a in result["attempts"])


@pytest.mark.parametrize(
    "args",
    [["--format", "xml"], ["--timeout", "-1"], ["--timeout", "soon"], ["--no-such-option"], []],
)
def test_exit_2_for_bad_options(tmp_path: Path, args: list[str], capsys) -> None:
    path = write(tmp_path, "a.toml", CONVEX)
    with pytest.raises(SystemExit) as info:
        main([*args, str(path)] if args else [])
    assert info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_exit_2_names_file_claim_and_field(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, "bad.toml", CONVEX.replace('"x**2"', '"x.__class__"'))
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "claim 'square'" in err and "field 'function'" in err
    assert "Traceback" not in err


def test_exit_2_for_missing_path_and_empty_directory(tmp_path: Path, capsys) -> None:
    assert main([str(tmp_path / "nope.toml")]) == 2
    assert main([str(tmp_path)]) == 2
    assert "no *.toml" in capsys.readouterr().err


def test_directories_are_searched_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("b.toml", "a.toml", "sub/c.toml", "notes.txt"):
        write(tmp_path, name, CONVEX)
    files = collect_files([str(tmp_path)])
    assert [p.relative_to(tmp_path).as_posix() for p in files] == ["a.toml", "b.toml", "sub/c.toml"]


def test_text_report_shows_claims_verdicts_and_summary(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, "a.toml", CONVEX + REFUTED_AS_EXPECTED)
    assert main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "square" in out and "saddle" in out
    assert "proved" in out and "refuted" in out
    assert "2 passed, 0 failed" in out


def test_hostile_claim_has_no_side_effect(tmp_path: Path, capsys) -> None:
    marker = tmp_path / "pwned"
    text = CONVEX.replace('"x**2"', f"\"__import__('os').system('touch {marker}')\"")
    path = write(tmp_path, "evil.toml", text)
    assert main([str(path)]) == 2
    assert not marker.exists()
    assert "Traceback" not in capsys.readouterr().err


def test_python_dash_m_runs_the_same_command(tmp_path: Path) -> None:
    path = write(tmp_path, "a.toml", CONVEX)
    done = subprocess.run(
        [sys.executable, "-m", "convexity_proofs", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["summary"]["passed"] == 1


def test_plot_option_writes_pictures(tmp_path: Path, capsys) -> None:
    pytest.importorskip("matplotlib")
    path = write(tmp_path, "a.toml", REFUTED_AS_EXPECTED)
    out = tmp_path / "plots"
    assert main([str(path), "--plot", str(out), "--format", "json"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["saddle.png", "saddle.svg"]
    assert "wrote 2 plot files" in capsys.readouterr().err


def test_plot_without_matplotlib_is_a_usage_error(tmp_path: Path, capsys, monkeypatch) -> None:
    import sys as _sys

    monkeypatch.setitem(_sys.modules, "matplotlib", None)
    path = write(tmp_path, "a.toml", REFUTED_AS_EXPECTED)
    assert main([str(path), "--plot", str(tmp_path / "plots"), "--format", "json"]) == 2
    err = capsys.readouterr().err
    assert "pip install 'convexity-proofs[plot]'" in err and "Traceback" not in err


def test_show_function_prints_what_a_model_builds(tmp_path: Path, capsys) -> None:
    path = write(
        tmp_path,
        "m.toml",
        """
[[claim]]
name = "net"
model = { kind = "linear-regression" }
data = { x = [[1], [2]], y = [3, 4] }
variables = "all"
property = "convex"
""",
    )
    assert main([str(path), "--show-function"]) == 0
    out = capsys.readouterr().out
    assert "# net" in out and "variables: w1, b" in out
    assert "function: (b + w1 - 3)**2 + (b + 2*w1 - 4)**2" in out


def test_deeply_nested_toml_is_exit_2_without_traceback(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, "deep.toml", CONVEX.replace('["x"]', "[" * 5000 + "]" * 5000))
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert "nested too deeply" in err and "Traceback" not in err


# --- the hard limit, crashes, Ctrl-C (the worker-process runner) -------------------------

HANGS = """
[[claim]]
name = "hangs"
function = "x**2"
variables = ["x"]
property = "convex"
"""
CRASHES = HANGS.replace('"hangs"', '"crashes"')


def _simulated_engine(claim, settings):  # type: ignore[no-untyped-def]
    """The engine, except for claims named to hang or crash (reaches workers by fork)."""
    import time

    from convexity_proofs._engine import check_claim

    if claim.name == "hangs":
        time.sleep(600)
    if claim.name == "crashes":
        raise RuntimeError("engine bug")
    return check_claim(claim, settings)


@pytest.fixture
def simulated_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    from convexity_proofs import _runner

    if _runner._context().get_start_method() != "fork":
        pytest.skip("the simulated engine reaches workers only by fork")
    monkeypatch.setattr(_runner, "_engine_check", _simulated_engine)
    monkeypatch.setattr(_runner, "GRACE", 0.2)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_hung_claim_is_unknown_at_the_limit_and_the_others_settle(
    tmp_path: Path, capsys, simulated_engine: None, jobs: str
) -> None:
    path = write(tmp_path, "a.toml", CONVEX + HANGS + REFUTED_AS_EXPECTED)
    code, doc = run_json(capsys, str(path), "--timeout", "0.5", "--jobs", jobs)
    assert code == 1
    square, hangs, saddle = doc["results"]
    assert (square["status"], saddle["status"]) == ("proved", "refuted")
    assert square["passed"] and saddle["passed"]
    assert hangs["status"] == "unknown" and not hangs["passed"]
    (ended,) = hangs["attempts"]
    assert ended.pop("seconds") >= 0.5
    assert ended == {
        "strategy": "time limit",
        "outcome": "stopped after 0.5 s (the worker process was ended)",
        "kind": "cut short",
    }
    assert [step["kind"] for step in hangs["next_steps"]] == ["more time can help"]
    assert doc["summary"] == {"total": 3, "passed": 2, "failed": 1}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_crashing_claim_costs_only_itself(
    tmp_path: Path, capsys, simulated_engine: None, jobs: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from convexity_proofs._values import RAISE_INTERNAL_ERRORS_ENV

    monkeypatch.setenv(RAISE_INTERNAL_ERRORS_ENV, "0")
    path = write(tmp_path, "a.toml", CONVEX + CRASHES + REFUTED_AS_EXPECTED)
    assert main([str(path), "--jobs", jobs]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    assert "1 failed" in captured.out
    code, doc = run_json(capsys, str(path), "--jobs", jobs)
    assert code == 1
    square, crashes, saddle = doc["results"]
    assert square["passed"] and saddle["passed"]
    assert crashes["status"] == "unknown"
    assert crashes["attempts"] == [
        {"strategy": "internal error", "outcome": "RuntimeError: engine bug", "kind": "error"}
    ]
    assert [step["kind"] for step in crashes["next_steps"]] == ["internal error"]


def test_with_the_reraise_switch_a_crash_propagates(
    tmp_path: Path, simulated_engine: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from convexity_proofs._values import RAISE_INTERNAL_ERRORS_ENV

    monkeypatch.setenv(RAISE_INTERNAL_ERRORS_ENV, "1")
    path = write(tmp_path, "a.toml", CONVEX + CRASHES)
    with pytest.raises(RuntimeError, match="engine bug"):
        main([str(path), "--jobs", "2"])


def test_a_file_whose_loading_is_past_the_limit_is_exit_2(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    from convexity_proofs import _claimfile, _runner

    if _runner._context().get_start_method() != "fork":
        pytest.skip("the slow loader reaches workers only by fork")
    real = _claimfile.load_claims

    def slow(path):  # type: ignore[no-untyped-def]
        if Path(path).name == "slow.toml":
            import time

            time.sleep(600)
        return real(path)

    monkeypatch.setattr(_claimfile, "load_claims", slow)
    monkeypatch.setattr(_runner, "GRACE", 0.2)
    good = write(tmp_path, "a.toml", CONVEX)
    late = write(tmp_path, "slow.toml", CONVEX)
    assert main([str(good), str(late), "--timeout", "0.5"]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"convexity-check: error: {late}: loading took longer than 0.5 s\n"
    assert "square" in captured.out  # the good file's claim is still checked


_HANGING_CLI = """
import os, pathlib, sys, time
from convexity_proofs import _runner

STARTED = pathlib.Path(sys.argv[1])

def hang(claim, settings):
    (STARTED / str(os.getpid())).touch()
    time.sleep(600)

_runner._engine_check = hang
from convexity_proofs.cli import main
sys.argv = ["convexity-check", *sys.argv[2:]]
raise SystemExit(main())  # as the console script calls it
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_exits_130_without_traceback_or_report(tmp_path: Path, jobs: str) -> None:
    import os
    import signal
    import time

    from convexity_proofs import _runner

    if _runner._context().get_start_method() != "fork":
        pytest.skip("the hanging engine reaches workers only by fork")
    path = write(tmp_path, "a.toml", CONVEX + REFUTED_AS_EXPECTED + INVARIANT_REFUTED)
    started = tmp_path / "started"
    started.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-c", _HANGING_CLI, str(started), str(path), "--jobs", jobs],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    try:
        give_up = time.monotonic() + 120  # a guard against a hang, not a speed test
        while len(list(started.iterdir())) < int(jobs) and time.monotonic() < give_up:
            if process.poll() is not None:
                pytest.fail(f"the command ended early: {process.communicate()}")
            time.sleep(0.05)
        workers = [int(p.name) for p in started.iterdir()]
        assert len(workers) == int(jobs)
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 130
    assert err == "convexity-check: interrupted\n"
    assert out == ""
    for pid in workers:  # every worker was ended, none left behind
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_plot_without_matplotlib_fails_before_any_claim_is_checked(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    from convexity_proofs import _runner

    def must_not_run(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("claims were loaded or checked before the option was refused")

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setattr(_runner, "run_claims", must_not_run)
    monkeypatch.setattr(_runner, "load_files", must_not_run)
    monkeypatch.setattr(_runner, "load_files_reporting", must_not_run)
    path = write(tmp_path, "a.toml", REFUTED_AS_EXPECTED)
    assert main([str(path), "--plot", str(tmp_path / "plots")]) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        "convexity-check: error: plots need matplotlib: pip install 'convexity-proofs[plot]'\n"
    )
    assert captured.out == ""
    assert not (tmp_path / "plots").exists()


def test_show_function_escapes_control_characters(tmp_path: Path, capsys) -> None:
    text = CONVEX.replace('"x**2"', '"(x\\t+\\n 1)**2"')
    path = write(tmp_path, "evil\x1b[2J\x9b.toml", text)
    assert main([str(path), "--show-function"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x9b" not in out and "\t" not in out
    assert "evil\\x1b[2J\\x9b.toml" in out
    # The source keeps to its one comment line.
    assert "# (x\\x09+\\x0a 1)**2\n" in out
    assert "function: (x + 1)**2" in out


def test_a_report_that_cannot_be_rendered_costs_only_that_report(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    from convexity_proofs import _report
    from convexity_proofs._values import RAISE_INTERNAL_ERRORS_ENV

    real = _report.render_verdict

    def render(verdict, **kwargs):  # type: ignore[no-untyped-def]
        if verdict.claim.name == "saddle":
            raise RuntimeError("renderer bug")
        return real(verdict, **kwargs)

    monkeypatch.setattr(_report, "render_verdict", render)
    monkeypatch.setenv(RAISE_INTERNAL_ERRORS_ENV, "0")
    path = write(tmp_path, "a.toml", CONVEX + REFUTED_AS_EXPECTED)
    assert main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "saddle: refuted (PASS); the report could not be rendered" in out
    assert "RuntimeError: renderer bug" in out and "Traceback" not in out
    assert "2 passed, 0 failed" in out
