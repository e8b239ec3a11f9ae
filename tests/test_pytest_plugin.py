"""The pytest plugin, run through ``pytester``: the plugin is loaded by its entry point."""

from __future__ import annotations

import importlib
import xml.etree.ElementTree as ET

import pytest

# Imported before any pytester run: pytester restores sys.modules after each in-process
# run, and a C extension dropped from sys.modules cannot be loaded again in the same
# process ("cannot load module more than once per process", numpy 2); a worker forked
# by a later run would need it.  And the tests monkeypatch the runner the plugin uses:
# it must be the one module object every run sees.
for _module in ("_claimfile", "_engine", "_runner"):
    importlib.import_module(f"convexity_proofs.{_module}")

pytest_plugins = ["pytester"]

GOOD = """\
[[claim]]
name = "square-is-convex"
function = "x**2"
variables = ["x"]
property = "convex"

[[claim]]
name = "saddle-is-not-convex"
function = "x*y"
variables = ["x", "y"]
property = "convex"
expect = "fails"
"""
# The failing claim's [[claim]] header is on line 3 of this text.
WRONG = """\
# A claim that misses its expectation.

[[claim]]
name = "saddle-claimed-convex"
function = "x*y"
variables = ["x", "y"]
property = "convex"
"""
BAD = """\
[[claim]]
name = "typo"
function = "x**2"
variables = ["z"]
property = "convex"
"""


@pytest.fixture(autouse=True)
def _entry_points_load(monkeypatch: pytest.MonkeyPatch) -> None:
    """The plugin reaches pytester's runs through its entry point, as it reaches users."""
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)


def test_passing_claims_are_passing_items(pytester: pytest.Pytester) -> None:
    pytester.makefile(".claims.toml", good=GOOD)
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "*good.claims.toml::square-is-convex PASSED*",
            "*good.claims.toml::saddle-is-not-convex PASSED*",
        ]
    )


def test_a_missed_expectation_fails_with_the_report_not_a_traceback(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".claims.toml", good=GOOD, wrong=WRONG)
    result = pytester.runpytest()
    result.assert_outcomes(passed=2, failed=1)
    out = result.stdout.str()
    assert "Traceback" not in out
    assert "pytest_plugin.py" not in out
    assert "saddle-claimed-convex" in out
    assert "refuted" in out
    assert "witness" in out
    # The report's location is the claim's file and line; the summary line is one line.
    assert "wrong.claims.toml:3 ─╯" in out
    result.stdout.fnmatch_lines(
        [
            "*_ claim saddle-claimed-convex _*",
            "FAILED wrong.claims.toml::saddle-claimed-convex - convex claim refuted*",
        ]
    )


def test_item_location_and_junit_properties(pytester: pytest.Pytester) -> None:
    pytester.makefile(".claims.toml", wrong=WRONG)
    reprec = pytester.inline_run("--junit-xml=junit.xml")
    (report,) = reprec.getreports("pytest_runtest_logreport")[1:2]  # the call phase
    assert report.failed
    assert report.location == ("wrong.claims.toml", 2, "claim saddle-claimed-convex")
    assert ("convexity_status", "refuted") in report.user_properties
    tree = ET.parse(pytester.path / "junit.xml")
    properties = {p.get("name"): p.get("value") for p in tree.iter("property")}
    assert properties == {"convexity_status": "refuted", "convexity_expect": "holds"}
    failure = next(tree.iter("failure"))
    assert failure.get("message") == "convex claim refuted (curvature witness), expected to hold"
    assert "curvature witness" in (failure.text or "")


def test_tb_line_prints_file_line_and_reason(pytester: pytest.Pytester) -> None:
    pytester.makefile(".claims.toml", wrong=WRONG)
    result = pytester.runpytest("--tb=line")
    result.stdout.fnmatch_lines(
        ["wrong.claims.toml:3: convex claim refuted (curvature witness), expected to hold"]
    )
    assert "╭" not in result.stdout.str()


def test_k_selects_one_claim(pytester: pytest.Pytester) -> None:
    pytester.makefile(".claims.toml", good=GOOD)
    result = pytester.runpytest("-k", "saddle-is-not-convex")
    result.assert_outcomes(passed=1, deselected=1)


def test_claims_carry_a_marker(pytester: pytest.Pytester) -> None:
    pytester.makefile(".claims.toml", good=GOOD)
    pytester.makepyfile("def test_plain(): pass")
    result = pytester.runpytest("-m", "not convexity", "--strict-markers")
    result.assert_outcomes(passed=1, deselected=2)


def test_a_bad_file_is_one_collection_error_with_a_located_message(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".claims.toml", good=GOOD, bad=BAD)
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    out = result.stdout.str()
    assert "Traceback" not in out
    assert "_claimfile.py" not in out
    result.stdout.fnmatch_lines(
        [
            "*ERROR collecting bad.claims.toml*",
            "bad.claims.toml: claim 'typo': field 'variables': 'z' does not occur in the "
            "function (its symbols: x)",
        ]
    )


def test_a_toml_syntax_error_is_a_collection_error(pytester: pytest.Pytester) -> None:
    pytester.makefile(".claims.toml", broken="[[claim]\n")
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["broken.claims.toml: invalid TOML: *"])


def test_plain_toml_files_are_left_alone(pytester: pytest.Pytester) -> None:
    pytester.makefile(".toml", settings="[tool]\nanything = 1\n")
    pytester.mkdir("claims").joinpath("x.toml").write_text(GOOD)
    pytester.makepyfile("def test_plain(): pass")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)


def test_the_ini_option_collects_configured_toml_files(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nconvexity_claims = claims\n")
    pytester.mkdir("claims").joinpath("x.toml").write_text(GOOD)
    pytester.makefile(".toml", other="[tool]\nanything = 1\n")
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*claims/x.toml::square-is-convex PASSED*"])


def test_configured_claims_outside_testpaths_are_still_collected(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini("[pytest]\ntestpaths = tests\nconvexity_claims = claims/x.toml\n")
    pytester.mkdir("tests").joinpath("test_a.py").write_text("def test_a(): pass\n")
    pytester.mkdir("claims").joinpath("x.toml").write_text(GOOD)
    pytester.path.joinpath("claims", "y.toml").write_text(BAD)  # not configured
    result = pytester.runpytest()
    result.assert_outcomes(passed=3)
    # Naming paths on the command line narrows the run, as with testpaths.
    pytester.runpytest("tests").assert_outcomes(passed=1)


def test_a_missing_configured_path_is_a_warning(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nconvexity_claims = nowhere\n")
    pytester.makepyfile("def test_plain(): pass")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(["*convexity_claims: no such file or directory: *nowhere*"])


def test_a_toml_named_on_the_command_line_is_collected_once(pytester: pytest.Pytester) -> None:
    pytester.mkdir("claims").joinpath("x.toml").write_text(GOOD)
    result = pytester.runpytest("claims/x.toml", "claims/x.toml", ".")
    result.assert_outcomes(passed=2)


def test_the_timeout_option_reaches_the_engine_and_the_runner(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    from convexity_proofs import _engine, _runner

    limits: list[tuple[float | None, float | None]] = []
    real_run = _runner.run_claims

    def run_spy(claims, settings, **kwargs):
        limits.append((settings.timeout, kwargs["limit"]))
        return real_run(claims, settings, **kwargs)

    monkeypatch.setattr(_runner, "run_claims", run_spy)
    seen = tmp_path / "seen"
    if _runner._context().get_start_method() == "fork":
        # The engine runs in the worker: it writes down what it was given.
        real = _engine.check_claim

        def spy(claim, settings=None):
            with seen.open("a") as out:
                out.write(f"{settings.timeout}\n")
            return real(claim, settings)

        monkeypatch.setattr(_engine, "check_claim", spy)
    pytester.makeini("[pytest]\nconvexity_timeout = 2.5\n")
    pytester.makefile(".claims.toml", good=GOOD)
    pytester.inline_run().assertoutcome(passed=2)
    assert limits == [(2.5, 2.5), (2.5, 2.5)]
    if seen.exists():
        assert seen.read_text().split() == ["2.5", "2.5"]


def _hang_on_name(claim, settings):
    import time

    from convexity_proofs._engine import check_claim

    if claim.name == "hangs":
        time.sleep(600)
    return check_claim(claim, settings)


HANGS = """\
[[claim]]
name = "hangs"
function = "x**2"
variables = ["x"]
property = "convex"
"""


def test_a_hung_claim_fails_at_the_limit_and_the_session_goes_on(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    from convexity_proofs import _runner

    if _runner._context().get_start_method() != "fork":
        pytest.skip("the hanging engine reaches workers only by fork")
    monkeypatch.setattr(_runner, "_engine_check", _hang_on_name)
    monkeypatch.setattr(_runner, "GRACE", 0.2)
    pytester.makeini("[pytest]\nconvexity_timeout = 0.5\n")
    pytester.makefile(".claims.toml", good=GOOD, hangs=HANGS)
    result = pytester.runpytest("--tb=short")
    result.assert_outcomes(passed=2, failed=1)
    out = result.stdout.str()
    assert "Traceback" not in out
    assert "stopped after 0.5 s (the worker process was ended)" in out
    result.stdout.fnmatch_lines(["FAILED hangs.claims.toml::hangs - *unknown*"])


def test_outer_timers_and_signal_handlers_are_left_alone(pytester: pytest.Pytester) -> None:
    """What pytest-timeout relies on: its SIGALRM handler and timer survive every claim."""
    import signal

    fired: list[int] = []

    def outer(signum, frame):
        fired.append(signum)

    previous = signal.signal(signal.SIGALRM, outer)
    sigint = signal.getsignal(signal.SIGINT)
    signal.setitimer(signal.ITIMER_REAL, 3600)
    try:
        pytester.makefile(".claims.toml", good=GOOD, wrong=WRONG)
        pytester.inline_run().assertoutcome(passed=2, failed=1)
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert signal.getsignal(signal.SIGALRM) is outer
        assert signal.getsignal(signal.SIGINT) is sigint
        assert 0 < remaining <= 3600
        assert fired == []
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_bad_timeout_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nconvexity_timeout = soon\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*convexity_timeout: expected a number of seconds, found 'soon'*"])


def test_under_xdist(pytester: pytest.Pytester) -> None:
    pytest.importorskip("xdist", reason="pytest-xdist is not installed")
    pytester.makefile(".claims.toml", good=GOOD, wrong=WRONG)
    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    out = result.stdout.str()
    assert "Traceback" not in out
    assert "curvature witness" in out
