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
