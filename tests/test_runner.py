"""The worker-process runner: the hard limit, crashes that cost one claim, Ctrl-C.

Hangs and crashes are simulated with a checker function (the runner's ``check``
argument), so these tests do not depend on the engine; structure is asserted (statuses,
attempts, exceptions), never timing.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sympy

from convexity_proofs import _runner
from convexity_proofs._runner import (
    Done,
    Failed,
    TimedOut,
    WorkerDied,
    load_files,
    run_claims,
    run_tasks,
)
from convexity_proofs._values import (
    RAISE_INTERNAL_ERRORS_ENV,
    Attempt,
    AttemptKind,
    Claim,
    Property,
    Status,
    Verdict,
)
from convexity_proofs.errors import ClaimError

X = sympy.Symbol("x", real=True)
FORK = _runner._context().get_start_method() == "fork"
needs_fork = pytest.mark.skipif(not FORK, reason="monkeypatches reach workers only by fork")

#: Short limits keep the suite quick; nothing here asserts how long anything took.
LIMIT = 0.3
GRACE = 0.2


def claim(name: str) -> Claim:
    return Claim(name=name, function=X**2, variables=(X,), property=Property.CONVEX)


def simulated(claim: Claim, settings: object) -> Verdict:
    """A stand-in for the engine: the claim's name says what goes wrong."""
    if claim.name.startswith("hang"):
        time.sleep(600)
    if claim.name.startswith("crash"):
        raise ValueError(f"boom in {claim.name}")
    if claim.name.startswith("die"):
        os._exit(3)
    if claim.name.startswith("segfault"):
        os.kill(os.getpid(), signal.SIGKILL)
    if claim.name.startswith("slow"):
        time.sleep(0.05 * int(claim.name.rsplit("-", 1)[1]))
    return Verdict(claim=claim, status=Status.PROVED)


def check(claims: list[Claim], jobs: int = 1) -> list[Verdict]:
    return run_claims(claims, settings=None, jobs=jobs, limit=LIMIT, grace=GRACE, check=simulated)  # type: ignore[arg-type]


@pytest.fixture
def guard_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """Internal errors cost the claim (the user's setting), not the run."""
    monkeypatch.setenv(RAISE_INTERNAL_ERRORS_ENV, "0")


def no_workers_left() -> bool:
    return multiprocessing.active_children() == []


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_hung_claim_is_ended_at_the_limit_and_the_others_are_settled(jobs: int) -> None:
    claims = [claim("a"), claim("hang"), claim("b"), claim("c")]
    verdicts = check(claims, jobs)
    assert [v.status for v in verdicts] == [
        Status.PROVED,
        Status.UNKNOWN,
        Status.PROVED,
        Status.PROVED,
    ]
    # cut short, with how long the worker ran before it was ended
    (ended,) = verdicts[1].attempts
    assert (ended.strategy, ended.outcome, ended.kind) == (
        "time limit",
        f"stopped after {LIMIT:g} s (the worker process was ended)",
        AttemptKind.CUT_SHORT,
    )
    assert ended.seconds is not None and ended.seconds >= LIMIT
    assert no_workers_left()


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_claim_can_hang_and_each_gets_its_own_verdict(jobs: int) -> None:
    verdicts = check([claim("hang-1"), claim("hang-2"), claim("hang-3")], jobs)
    assert [v.status for v in verdicts] == [Status.UNKNOWN] * 3
    assert all(v.attempts[0].strategy == "time limit" for v in verdicts)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_crash_costs_only_its_claim(jobs: int, guard_on: None) -> None:
    claims = [claim("a"), claim("crash"), claim("b"), claim("die"), claim("segfault"), claim("c")]
    verdicts = check(claims, jobs)
    assert [v.status for v in verdicts] == [
        Status.PROVED,
        Status.UNKNOWN,
        Status.PROVED,
        Status.UNKNOWN,
        Status.UNKNOWN,
        Status.PROVED,
    ]
    assert verdicts[1].attempts == (
        Attempt("internal error", "ValueError: boom in crash", AttemptKind.ERROR),
    )
    assert verdicts[3].attempts == (
        Attempt(
            "internal error",
            "WorkerDied: the worker process ended without an answer (exit code 3)",
            AttemptKind.ERROR,
        ),
    )
    assert verdicts[4].attempts == (
        Attempt(
            "internal error",
            "WorkerDied: the worker process ended without an answer (killed by signal SIGKILL)",
            AttemptKind.ERROR,
        ),
    )
    assert no_workers_left()


@pytest.mark.parametrize("jobs", [1, 2])
def test_with_the_reraise_switch_a_crash_propagates(
    jobs: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(RAISE_INTERNAL_ERRORS_ENV, "1")
    with pytest.raises(ValueError, match="boom in crash") as info:
        check([claim("a"), claim("crash"), claim("hang")], jobs)
    # The worker's traceback travels with the exception.
    assert any("raised in a worker process" in note for note in info.value.__notes__)
    assert any("simulated" in note for note in info.value.__notes__)
    assert no_workers_left()
    with pytest.raises(WorkerDied, match="exit code 3"):
        check([claim("die")], jobs)


def test_verdicts_come_back_in_claim_order_with_the_parents_claims() -> None:
    claims = [claim(f"slow-{n}") for n in (4, 0, 3, 1, 2)]
    verdicts = check(claims, jobs=3)
    assert [v.claim.name for v in verdicts] == [c.name for c in claims]
    # The verdict travels without its claim; the parent's own object is put back.
    assert all(v.claim is c for v, c in zip(verdicts, claims, strict=True))


def test_ctrl_c_in_the_parent_kills_every_worker_at_once() -> None:
    started: list[float] = []

    def interrupt() -> None:
        # The heartbeat runs in the parent while it waits, like a Ctrl-C would arrive.
        started.append(time.monotonic())
        if len(started) > 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_claims(
            [claim("hang-1"), claim("hang-2"), claim("hang-3")],
            settings=None,  # type: ignore[arg-type]
            jobs=2,
            limit=600,
            check=simulated,
            heartbeat=interrupt,
        )
    assert no_workers_left()


def test_workers_ignore_sigint() -> None:
    (outcome,) = run_tasks(_sigint_then_answer, [()], limit=5)
    assert isinstance(outcome, Done) and outcome.value == "still here"


def _sigint_then_answer() -> str:
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.05)
    return "still here"


def test_run_tasks_outcomes_and_early_stop() -> None:
    outcomes = run_tasks(_task, [("ok",), ("hang",), ("raise",)], jobs=3, limit=LIMIT, grace=GRACE)
    done, timed_out, failed = outcomes
    assert isinstance(done, Done) and done.value == "ok"
    assert isinstance(timed_out, TimedOut) and timed_out.limit == LIMIT
    assert isinstance(failed, Failed) and failed.description == "KeyError: 'raise'"
    # Stopping at the first outcome leaves the rest unstarted (or ended).
    stopped = run_tasks(_task, [("ok",), ("hang",), ("hang",)], on_outcome=lambda i, o: True)
    assert isinstance(stopped[0], Done) and stopped[1:] == [None, None]
    assert no_workers_left()


def _task(what: str) -> str:
    if what == "hang":
        time.sleep(600)
    if what == "raise":
        raise KeyError(what)
    return what


def test_an_answer_that_cannot_be_pickled_is_an_internal_error() -> None:
    (outcome,) = run_tasks(_unpicklable, [()], limit=5)
    assert isinstance(outcome, Failed)
    assert outcome.description.startswith("WorkerError: the answer could not be sent back")


def _unpicklable() -> object:
    return lambda: None


# --- pickles ------------------------------------------------------------------------


def test_pickles_rebuild_unevaluated_expressions_exactly() -> None:
    y = sympy.Symbol("y", real=True)
    terms = [sympy.Symbol(f"w{i}", real=True) * y for i in range(30)]
    for expr in (
        sympy.Add(X, X, evaluate=False),
        sympy.Mul(2, sympy.Integer(3), X, evaluate=False),
        sympy.tanh(-sympy.Add(*terms), evaluate=False),
        sympy.Max(X, sympy.Add(*terms), evaluate=False),
        sympy.Piecewise((0, X < 0), (sympy.log(X, evaluate=False), True)),
    ):
        back = _runner.loads(_runner.dumps(expr))
        assert sympy.srepr(back) == sympy.srepr(expr)


# --- claim files ------------------------------------------------------------------------

GOOD = """
[[claim]]
name = "square"
function = "x**2"
variables = ["x"]
property = "convex"

[[claim]]
name = "max-of-a-long-sum"
function = "max(x, {terms}) + tanh(-({terms}))"
variables = ["x"]
property = "convex"
""".replace("{terms}", " + ".join(f"w{i}*y" for i in range(40)))
BAD = """
[[claim]]
name = "typo"
function = "x**2"
variables = ["z"]
property = "convex"
"""


def test_loaded_claims_equal_those_loaded_in_process(tmp_path: Path) -> None:
    from convexity_proofs._claimfile import load_claims

    path = tmp_path / "good.toml"
    path.write_text(GOOD)
    loaded = load_files([path], limit=60)
    direct = load_claims(path)
    assert loaded == direct
    assert [sympy.srepr(c.function) for c in loaded] == [sympy.srepr(c.function) for c in direct]


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_first_bad_file_in_order_is_the_error(tmp_path: Path, jobs: int) -> None:
    from convexity_proofs._claimfile import load_claims

    good, bad, broken = tmp_path / "a.toml", tmp_path / "b.toml", tmp_path / "c.toml"
    good.write_text(GOOD)
    bad.write_text(BAD)
    broken.write_text("[[claim]\n")
    with pytest.raises(ClaimError) as info:
        load_files([good, bad, broken], jobs=jobs, limit=60)
    with pytest.raises(ClaimError) as expected:
        load_claims(bad)
    assert str(info.value) == str(expected.value)
    assert (info.value.file, info.value.claim, info.value.field) == (str(bad), "typo", "variables")


@needs_fork
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_file_past_the_limit_is_a_located_error(
    tmp_path: Path, jobs: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from convexity_proofs import _claimfile

    good, slow = tmp_path / "a.toml", tmp_path / "slow.toml"
    good.write_text(GOOD)
    slow.write_text(GOOD)
    monkeypatch.setattr(_claimfile, "load_claims", _hang_on_slow(_claimfile.load_claims))
    with pytest.raises(ClaimError) as info:
        load_files([good, slow], jobs=jobs, limit=LIMIT, grace=GRACE)
    assert str(info.value) == (
        f"{slow}: loading took longer than {2 * LIMIT:g} s ({LIMIT:g} s for each of its 2 claims)"
    )
    assert no_workers_left()


def _hang_on_slow(real):  # type: ignore[no-untyped-def]
    def load(path):  # type: ignore[no-untyped-def]
        if Path(path).name == "slow.toml":
            time.sleep(600)
        return real(path)

    return load


@needs_fork
def test_a_crash_while_loading_is_a_located_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, guard_on: None
) -> None:
    from convexity_proofs import _claimfile

    def crash(path):  # type: ignore[no-untyped-def]
        raise RuntimeError("parser bug")

    path = tmp_path / "a.toml"
    path.write_text(GOOD)
    monkeypatch.setattr(_claimfile, "load_claims", crash)
    with pytest.raises(ClaimError) as info:
        load_files([path], limit=60)
    assert str(info.value) == f"{path}: internal error while loading: RuntimeError: parser bug"
    monkeypatch.setenv(RAISE_INTERNAL_ERRORS_ENV, "1")
    with pytest.raises(RuntimeError, match="parser bug"):
        load_files([path], limit=60)


def test_the_library_call_uses_no_worker_and_no_signal() -> None:
    code = (
        "import signal, sys\n"
        "before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGALRM)\n"
        "from convexity_proofs import check\n"
        "assert check('x**2', ['x']).status.value == 'proved'\n"
        "assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGALRM)) == before\n"
        "assert 'convexity_proofs._runner' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_the_loading_limit_counts_the_claims_of_a_file(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text(GOOD + "\n  [[ claim ]]\nname = 'x'\n# [[claim]] in a comment\n")
    assert _runner.claims_in(path) == 3
    assert _runner.claims_in(tmp_path / "missing.toml") == 1


def test_the_grace_is_a_tenth_of_the_limit_within_bounds() -> None:
    assert _runner.grace_for(2.0) == _runner.GRACE_MIN
    assert _runner.grace_for(5.0) == 0.5
    assert _runner.grace_for(600.0) == _runner.GRACE_MAX


def test_the_spawn_fallback_sends_claims_and_settings_as_pickles(
    monkeypatch: pytest.MonkeyPatch, guard_on: None, tmp_path: Path
) -> None:
    """Where fork is unavailable (macOS, Windows) the payload is pickled: the same
    outcomes, and claims rebuilt exactly."""
    monkeypatch.setattr(_runner, "_context", lambda: multiprocessing.get_context("spawn"))
    claims = [claim("a"), claim("hang"), claim("crash")]
    verdicts = run_claims(
        claims, settings=None, jobs=2, limit=LIMIT + 5, grace=GRACE, check=simulated
    )  # type: ignore[arg-type]
    assert [v.status for v in verdicts] == [Status.PROVED, Status.UNKNOWN, Status.UNKNOWN]
    assert [a.strategy for v in verdicts[1:] for a in v.attempts] == [
        "time limit",
        "internal error",
    ]
    path = tmp_path / "good.toml"
    path.write_text(GOOD)
    from convexity_proofs._claimfile import load_claims

    assert load_files([path], limit=60) == load_claims(path)


def _large(size: int) -> bytes:
    return bytes(range(256)) * (size // 256)


def test_a_large_answer_comes_back_through_the_spill_file_intact() -> None:
    size = 2 * _runner._SPILL_BYTES
    outcomes = run_tasks(_large, [(size,), (1024,)], jobs=2, limit=60)
    assert [type(o).__name__ for o in outcomes] == ["Done", "Done"]
    assert outcomes[0].value == _large(size) and outcomes[1].value == _large(1024)
