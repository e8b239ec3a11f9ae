"""The command-line workflow (issue 15): -k, --fail-fast, --function, --width, progress."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from convexity_proofs._selection import SelectionError, parse, parse_all, word_matches
from convexity_proofs.cli import main, progress_label


def claim(name: str, function: str, *, expect: str | None = None, domain: str = "") -> str:
    lines = [
        "[[claim]]",
        f'name = "{name}"',
        f'function = "{function}"',
        'variables = ["x"]',
        'property = "convex"',
    ]
    if expect is not None:
        lines.append(f'expect = "{expect}"')
    if domain:
        lines.append(f"domain = {{ x = {domain} }}")
    return "\n".join(lines) + "\n\n"


SQUARE = claim("square", "x**2")
NEG_SQUARE = claim("neg-square", "-x**2")  # claimed convex: refuted, so it fails
NEG_SQUARE_FAILS = claim("neg-square-fails", "-x**2", expect="fails")
CUBE = claim("cube-positive", "x**3", domain='"positive"')
QUARTIC = claim("quartic", "x**4")


def write(tmp_path: Path, text: str, name: str = "a.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict, str]:
    code = main([*args, "--format", "json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def names(document: dict) -> list[str]:
    return [result["name"] for result in document["results"]]


# --- the -k language --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "selected"),
    [
        ("square", ["square", "neg-square", "neg-square-fails"]),
        ("SQUARE", ["square", "neg-square", "neg-square-fails"]),
        ("sq*", ["square"]),
        ("*square", ["square", "neg-square"]),
        ("neg-square-fails", ["neg-square-fails"]),
        ("not square", ["cube-positive", "quartic"]),
        ("square and not neg", ["square"]),
        ("cube or quartic", ["cube-positive", "quartic"]),
        ("(cube or neg) and not fails", ["neg-square", "cube-positive"]),
        ("not not cube", ["cube-positive"]),
        ("q?artic", ["quartic"]),
        ("[cq]u*", ["cube-positive", "quartic"]),
    ],
)
def test_expressions_select_by_substring_glob_and_logic(expression: str, selected: list) -> None:
    every = ["square", "neg-square", "neg-square-fails", "cube-positive", "quartic"]
    chosen = parse(expression)
    assert [name for name in every if chosen(name)] == selected


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("", "empty expression"),
        ("   ", "empty expression"),
        ("a and", "expected a name or pattern after 'and'"),
        ("(a or b", "expected ')'"),
        ("a b", "expected 'and', 'or' or the end after 'a', found 'b'"),
        ("a)", "found ')'"),
        ("or a", "found 'or'"),
        ("not", "expected a name or pattern after 'not'"),
        ("(" * 60 + "a" + ")" * 60, "nested too deeply"),
        ("a" * 1001, "too long"),
    ],
)
def test_malformed_expressions_are_refused(expression: str, message: str) -> None:
    with pytest.raises(SelectionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(expression)


def test_an_expression_is_never_evaluated() -> None:
    # Python syntax is not the -k language: refused by the tokenizer's grammar, not run.
    with pytest.raises(SelectionError, match="found '\\('"):
        parse("__import__('os').system('false')")
    # A word is a pattern, nothing else.
    assert not parse("__import__")("square")
    assert word_matches("os.system", "x") is False


def test_repeated_selections_are_a_union() -> None:
    chosen = parse_all(["sq*", "cube"])
    assert [n for n in ["square", "cube-positive", "quartic"] if chosen(n)] == [
        "square",
        "cube-positive",
    ]
    with pytest.raises(SelectionError, match="-k 'a and'"):
        parse_all(["sq*", "a and"])


# --- -k on the command line ---------------------------------------------------------------


def test_select_checks_only_matching_claims(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, SQUARE + NEG_SQUARE + CUBE + QUARTIC)
    code, doc, _ = run_json(capsys, str(path), "-k", "sq* or cube")
    assert code == 0
    assert names(doc) == ["square", "cube-positive"]
    assert doc["summary"] == {"total": 2, "passed": 2, "failed": 0}


def test_select_keeps_file_order_across_files_and_repeats(tmp_path: Path, capsys) -> None:
    write(tmp_path, QUARTIC + SQUARE, "b.toml")
    write(tmp_path, CUBE + NEG_SQUARE_FAILS, "a.toml")
    code, doc, _ = run_json(capsys, str(tmp_path), "-k", "square", "--select", "quartic")
    assert code == 0
    assert names(doc) == ["neg-square-fails", "quartic", "square"]


def test_a_selection_that_matches_nothing_is_exit_2_with_a_suggestion(
    tmp_path: Path, capsys
) -> None:
    path = write(tmp_path, SQUARE + CUBE)
    assert main([str(path), "-k", "sqare"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "-k 'sqare': no claim matches, of 2 claims (did you mean 'square'?)" in captured.err


def test_a_selection_that_matches_nothing_without_a_close_name(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, SQUARE)
    assert main([str(path), "-k", "zzz and not q*"]) == 2
    err = capsys.readouterr().err
    assert "no claim matches, of 1 claim" in err and "did you mean" not in err


def test_a_malformed_selection_is_exit_2_before_any_work(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, SQUARE)
    assert main([str(path), "-k", "square and"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "-k 'square and': expected a name or pattern after 'and'" in captured.err
    assert "Traceback" not in captured.err


def test_select_applies_to_show_function(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, SQUARE + CUBE)
    assert main([str(path), "-k", "cube", "--show-function"]) == 0
    out = capsys.readouterr().out
    assert "# cube-positive" in out and "# square" not in out


def test_select_with_a_bad_file_still_exits_2(tmp_path: Path, capsys) -> None:
    write(tmp_path, SQUARE, "a.toml")
    write(tmp_path, "[[claim]]\nname = 'broken'\n", "b.toml")
    code, doc, err = run_json(capsys, str(tmp_path), "-k", "square")
    assert code == 2
    assert names(doc) == ["square"]
    assert "b.toml" in err


# --- --fail-fast --------------------------------------------------------------------------


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("flag", ["-x", "--fail-fast"])
def test_fail_fast_stops_at_the_first_failure(tmp_path: Path, capsys, jobs: str, flag: str) -> None:
    path = write(tmp_path, SQUARE + NEG_SQUARE_FAILS + NEG_SQUARE + CUBE + QUARTIC)
    code, doc, err = run_json(capsys, str(path), flag, "--jobs", jobs)
    assert code == 1
    assert names(doc) == ["square", "neg-square-fails", "neg-square"]
    assert [r["passed"] for r in doc["results"]] == [True, True, False]
    assert doc["summary"] == {"total": 3, "passed": 2, "failed": 1}
    assert doc["fail_fast"] == {"stopped_at": "neg-square", "not_checked": 2}
    assert "--fail-fast: stopped at claim neg-square" in err and "2 claims not checked" in err


@pytest.mark.parametrize("jobs", ["1", "3"])
def test_fail_fast_when_everything_passes_runs_everything(tmp_path: Path, capsys, jobs) -> None:
    path = write(tmp_path, SQUARE + NEG_SQUARE_FAILS + CUBE)
    code, doc, err = run_json(capsys, str(path), "-x", "--jobs", jobs)
    assert code == 0
    assert names(doc) == ["square", "neg-square-fails", "cube-positive"]
    assert "fail_fast" not in doc and "stopped" not in err


def test_fail_fast_text_report_lists_what_ran(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, NEG_SQUARE + SQUARE)
    assert main([str(path), "-x"]) == 1
    captured = capsys.readouterr()
    assert "neg-square" in captured.out and "1 passed" not in captured.out
    assert "0 passed, 1 failed" in captured.out
    assert "1 claim not checked" in captured.err


def test_fail_fast_writes_certificates_only_for_claims_that_ran(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, NEG_SQUARE_FAILS + NEG_SQUARE + SQUARE)
    certificates = tmp_path / "certs"
    assert main([str(path), "-x", "--certificates", str(certificates)]) == 1
    written = sorted(p.name for p in certificates.iterdir())
    assert written == ["a--neg-square-fails.json", "a--neg-square.json"]


SLOW_FAIL = claim("slow-fail", "-x**2")
FAST_FAIL = claim("fast-fail", "-x**3")
HANGS = claim("hangs", "x**2")


def _simulated_engine(claim, settings):  # type: ignore[no-untyped-def]
    """The engine, but a claim named slow-* is slow and ``hangs`` never ends."""
    import time

    from convexity_proofs._engine import check_claim

    if claim.name.startswith("slow-"):
        time.sleep(1.0)
    if claim.name == "hangs":
        time.sleep(600)
    return check_claim(claim, settings)


@pytest.fixture
def simulated_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    from convexity_proofs import _runner

    if _runner._context().get_start_method() != "fork":
        pytest.skip("the simulated engine reaches workers only by fork")
    monkeypatch.setattr(_runner, "_engine_check", _simulated_engine)


def test_fail_fast_in_parallel_reports_the_first_failure_in_claim_order(
    tmp_path: Path, capsys, simulated_engine: None
) -> None:
    # fast-fail finishes first, but slow-fail comes first in the file: it is the one.
    path = write(tmp_path, SLOW_FAIL + FAST_FAIL + SQUARE)
    code, doc, _ = run_json(capsys, str(path), "-x", "--jobs", "2")
    assert code == 1
    assert names(doc) == ["slow-fail"]
    assert doc["fail_fast"] == {"stopped_at": "slow-fail", "not_checked": 2}


def test_fail_fast_in_parallel_waits_for_earlier_claims(
    tmp_path: Path, capsys, simulated_engine: None
) -> None:
    slow_square = claim("slow-square", "x**2")
    path = write(tmp_path, slow_square + NEG_SQUARE + HANGS + QUARTIC)
    code, doc, _ = run_json(capsys, str(path), "-x", "--jobs", "3")
    assert code == 1
    # The claim running after the failure (hangs) is ended, not waited for.
    assert names(doc) == ["slow-square", "neg-square"]
    assert doc["results"][0]["passed"] and not doc["results"][1]["passed"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_run_claims_until_returns_the_serial_prefix(jobs: int) -> None:
    from convexity_proofs._claimfile import parse_claims
    from convexity_proofs._engine import Settings
    from convexity_proofs._runner import run_claims

    claims = parse_claims(SQUARE + NEG_SQUARE + CUBE + NEG_SQUARE.replace("neg-", "neg2-"))
    seen: list[int] = []
    verdicts = run_claims(
        claims,
        Settings(timeout=30),
        jobs=jobs,
        limit=30,
        until=lambda v: not v.passed,
        on_verdict=lambda index, v: seen.append(index),
    )
    assert [v.claim.name for v in verdicts] == ["square", "neg-square"]
    assert {0, 1} <= set(seen)
    everything = run_claims(claims, Settings(timeout=30), jobs=jobs, limit=30)
    assert len(everything) == 4


# --- --function -------------------------------------------------------------------------


def test_function_exploratory_decided_is_exit_0(capsys) -> None:
    code, doc, _ = run_json(
        capsys, "--function", "log(1 + exp(x))", "--variables", "x", "--property", "convex"
    )
    assert code == 0
    (result,) = doc["results"]
    assert result["name"] == "function" and result["file"] == "<command line>"
    assert result["status"] == "proved" and result["exploratory"] is True
    assert result["passed"] is True


def test_function_exploratory_refuted_is_exit_0(capsys) -> None:
    # The text after --function is its value, also when it starts with '-'.
    code, doc, _ = run_json(capsys, "--function", "-x**2", "--variables", "x")
    assert code == 0
    assert doc["results"][0]["status"] == "refuted"
    assert doc["results"][0]["property"] == "convex"  # the default property
    code, doc, _ = run_json(capsys, "--function=-x**2", "--variables", "x")
    assert code == 0 and doc["results"][0]["status"] == "refuted"


def test_function_exploratory_unknown_is_exit_1(capsys) -> None:
    code, doc, _ = run_json(
        capsys,
        "--function",
        "x**4 + 3*x**2*y**2 + y**4",
        "--variables",
        "x, y",
        "--timeout",
        "0.001",
    )
    assert code == 1
    assert doc["results"][0]["status"] == "unknown"


@pytest.mark.parametrize(("expect", "code"), [("holds", 0), ("fails", 1), ("unknown", 1)])
def test_function_with_expect_is_pass_or_fail(capsys, expect: str, code: int) -> None:
    got, doc, _ = run_json(capsys, "--function", "x**2", "--variables", "x", "--expect", expect)
    assert got == code
    (result,) = doc["results"]
    assert result["expect"] == expect and "exploratory" not in result


def test_function_text_output_is_a_normal_report(capsys) -> None:
    assert main(["--function", "x**2", "--variables", "x", "--expect", "holds"]) == 0
    out = capsys.readouterr().out
    assert "function" in out and "PASS" in out and "1 passed, 0 failed" in out


@pytest.mark.parametrize(
    ("domain", "status"),
    [
        (["x=positive"], "proved"),
        (["x = [0, 1]"], "proved"),
        (["x=(0, 1]"], "proved"),
        (["x=[1, inf)"], "proved"),
        (["x=negative"], "refuted"),
    ],
)
def test_function_domains_read_as_in_claim_files(capsys, domain: list, status: str) -> None:
    args = ["--function", "x**3", "--variables", "x"]
    for item in domain:
        args += ["--domain", item]
    code, doc, _ = run_json(capsys, *args)
    assert code == 0
    assert doc["results"][0]["status"] == status


def test_function_parameters_modulus_and_several_domains(capsys) -> None:
    code, doc, _ = run_json(
        capsys,
        "--function",
        "a*x**2 + y**2",
        "--variables",
        "x",
        "--variables",
        "y",
        "--domain",
        "a=[1, 2]",
        "--property",
        "strongly-convex",
        "--modulus",
        "1/10",
        "--expect",
        "holds",
    )
    assert code == 0 and doc["results"][0]["status"] == "proved"
    code, doc, _ = run_json(
        capsys,
        "--function",
        "a*x**2",
        "--variables",
        "x",
        "--domain",
        "a=[-1, 1]",
        "--parameters",
        "some",
        "--expect",
        "holds",
    )
    assert code == 0 and doc["results"][0]["status"] == "proved"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--function", "x**2"], "--variables: missing required field"),
        (["--function", "x**2", "--variables", "y"], "--variables: 'y' does not occur"),
        (["--function", "x**2", "--variables", ","], "--variables: expected at least one"),
        (
            ["--function", "x**2", "--variables", "x", "--property", "convx"],
            "--property: expected one of",
        ),
        (
            ["--function", "x**2", "--variables", "x", "--property", "convx"],
            "(did you mean 'convex'?)",
        ),
        (["--function", "x**2", "--variables", "x", "--expect", "maybe"], "--expect: expected"),
        (
            ["--function", "x**2", "--variables", "x", "--domain", "x=[2, 1]"],
            "--domain x: empty interval: lower end 2 is above upper end 1",
        ),
        (
            ["--function", "x**2", "--variables", "x", "--domain", "x=posit"],
            "(did you mean 'positive'?)",
        ),
        (
            ["--function", "x**2", "--variables", "x", "--domain", "x"],
            "--domain: expected NAME=DOMAIN",
        ),
        (
            ["--function", "x**2", "--variables", "x", "--domain", "x=pi/2"],
            "--domain x:",
        ),
        (
            ["--function", "x**2", "--variables", "x", "--domain", "x=real", "--domain", "x=real"],
            "--domain x: 'x' is given a domain twice",
        ),
        (
            ["--function", "x**2", "--variables", "x", "--domain", "y=positive"],
            "--domain y: 'y' does not occur in the function",
        ),
        (
            ["--function", "x**2", "--variables", "x", "--property", "strongly-convex"],
            "--modulus: missing: a strongly-convex claim needs --modulus 1/10",
        ),
        (
            ["--function", "x**2", "--variables", "x", "--property", "invariant"],
            "--property invariant: an invariant claim needs a substitution",
        ),
        (
            ["--function", "x**2", "--variables", "x", "--parameters", "some"],
            '--parameters: "some" needs parameters',
        ),
        (["--function", "__import__('os')", "--variables", "x"], "--function: name '__import__'"),
        (["--function", "x**", "--variables", "x"], "--function:"),
    ],
)
def test_function_bad_input_is_exit_2_with_the_claim_file_message(
    capsys, args: list, message: str
) -> None:
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
    assert "Traceback" not in captured.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["a.toml", "--function", "x**2"], "either claim files (PATH...) or --function"),
        (["--variables", "x"], "--variables describes the function of --function"),
        (["--expect", "holds"], "--expect describes the function of --function"),
        (["--domain", "x=positive"], "--domain describes"),
        (["--function", "x**2", "--variables", "x", "-k", "x"], "-k selects among the claims"),
        ([], "give claim files or directories (PATH...), or --function TEXT"),
        (["a.toml", "--width", "5"], "expected 40 to 1000 columns"),
        (["a.toml", "--width", "wide"], "expected a number of columns"),
    ],
)
def test_options_that_do_not_go_together_are_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, args: list, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, SQUARE)
    with pytest.raises(SystemExit) as exited:
        main(args)
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_function_show_function(capsys) -> None:
    assert main(["--function", "log(1 + exp(x))", "--variables", "x", "--show-function"]) == 0
    out = capsys.readouterr().out
    assert "# function" in out and "variables: x" in out and "log(exp(x) + 1)" in out


def test_function_from_the_console_script() -> None:
    done = subprocess.run(
        [
            *(sys.executable, "-m", "convexity_proofs"),
            *("--function", "-x**2", "--variables", "x", "--expect", "fails"),
            *("--format", "json"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["results"][0]["status"] == "refuted"


# --- --width ------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [50, 100, 130])
def test_width_sets_the_text_report_width(tmp_path: Path, capsys, width: int) -> None:
    path = write(tmp_path, SQUARE + NEG_SQUARE_FAILS)
    assert main([str(path), "--width", str(width)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in lines) == width  # the panels fill the width


def test_width_does_not_change_json(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, SQUARE)
    code, doc, _ = run_json(capsys, str(path), "--width", "50")
    assert code == 0 and names(doc) == ["square"]


# --- the progress label -------------------------------------------------------------------


def test_progress_label_names_the_running_claim() -> None:
    from convexity_proofs._claimfile import parse_claims

    claims = parse_claims(SQUARE + NEG_SQUARE + CUBE + claim("q" * 100, "x**4"))
    assert progress_label(claims, [False] * 4, 1) == "checking square"
    assert progress_label(claims, [True, False, False, False], 1) == "checking neg-square"
    assert progress_label(claims, [False] * 4, 2) == "checking square + 1 more"
    assert progress_label(claims, [True, False, False, False], 2) == "checking neg-square + 1 more"
    # A later claim finished first: the earliest still running is named.
    assert progress_label(claims, [False, True, False, False], 2) == "checking square + 1 more"
    long = progress_label(claims, [True, True, True, False], 1)
    assert long.startswith("checking qqq") and long.endswith("…") and len(long) < 60
    assert progress_label(claims, [True] * 4, 2) == "checking claims"


def test_no_progress_bar_in_captured_output(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, SQUARE + NEG_SQUARE_FAILS)
    assert main([str(path)]) == 0
    captured = capsys.readouterr()
    assert "checking" not in captured.err and "checking" not in captured.out
