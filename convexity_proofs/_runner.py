"""Claims in worker processes that are ended at the limit: the hard limit nothing swallows.

The engine's own time limit is cooperative (each strategy polls a deadline), so code
that does not poll — SymPy's automatic evaluation, a z3 call, a C extension — can run
past it.  A signal raised at an arbitrary bytecode is no remedy: it can be swallowed
(inside a library's callback), leave a library's state half updated, and it cancels any
outer timer.  So the CLI and the pytest plugin run each claim, and each claim file's
loading, in a short-lived worker process, and end the process when its time is up:

* one process per task (``fork`` where it is available and safe — Linux and the other
  Unixes but macOS — else ``spawn``), at most ``jobs`` alive at once; a fresh process per
  claim also means a library whose state one claim corrupts cannot affect the next;
* each worker sends its answer back through a pipe; the parent waits with a deadline of
  ``limit + grace`` seconds per task (:func:`grace_for`: a tenth of the limit, 0.25 to
  1 s) and ends a worker past it (SIGTERM, then SIGKILL); that claim becomes
  ``unknown`` with the attempt ``time limit``;
* a worker that raises unexpectedly or dies costs its own claim only (``unknown``, with
  the attempt ``internal error``), unless the environment variable
  :data:`~convexity_proofs._values.RAISE_INTERNAL_ERRORS_ENV` is ``"1"``: then the error
  is raised again in the parent (developers and the test suite);
* workers ignore SIGINT; on Ctrl-C the parent kills every worker at once and lets the
  ``KeyboardInterrupt`` go on (the CLI turns it into exit code 130).

Results come back in task order, so ``--jobs`` changes nothing but the wall time (the
engine seeds from the claim name).  The library calls (:func:`convexity_proofs.check`,
:func:`~convexity_proofs.check_claim`) never use this module and never touch signals.

SymPy objects cross the pipe as pickles, which SymPy rebuilds by calling each class
with its arguments — with automatic evaluation on, that re-evaluates what the parser
deliberately built unevaluated (``tanh`` of a long sum, ``Max`` of many arguments),
slowly and not always to the same expression.  So every pickle is read back with
evaluation off (:func:`loads`), which rebuilds exactly the same tree; verdicts travel
without their claim (the parent already has it).
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import multiprocessing.connection
import os
import pickle
import re
import signal
import sys
import tempfile
import time
import traceback
import warnings
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from convexity_proofs._engine import Settings
    from convexity_proofs._values import Claim, Verdict
    from convexity_proofs.errors import ClaimError

#: Seconds a worker may run past its limit before it is ended: a tenth of the limit,
#: within [GRACE_MIN, GRACE_MAX].  The engine stops at the limit by itself when it can
#: (and then says which strategy was cut short); the grace lets it finish that answer
#: and send it.  ``GRACE`` (seconds), when set, overrides the rule (tests).
GRACE: float | None = None
GRACE_FRACTION = 0.1
GRACE_MIN = 0.25
GRACE_MAX = 1.0
#: Seconds between SIGTERM and SIGKILL for a worker past its deadline.
_TERM_WAIT = 0.2
#: Seconds to wait for a worker to exit after it has sent its answer.
_EXIT_WAIT = 1.0
#: How often the parent wakes while it waits, for ``heartbeat`` (a progress display).
_HEARTBEAT = 0.25
_MESSAGE_CHARS = 200


class WorkerDied(RuntimeError):
    """A worker process ended without sending an answer (a crash, a signal, the OOM killer)."""


class WorkerError(RuntimeError):
    """An exception raised in a worker that could not be rebuilt in the parent as itself."""


# --- outcomes -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Done:
    """The task returned ``value``."""

    value: Any
    seconds: float


@dataclass(frozen=True, slots=True)
class Failed:
    """The task raised, or its worker died: ``description`` is ``"<type>: <message>"``."""

    error: BaseException
    description: str
    seconds: float


@dataclass(frozen=True, slots=True)
class TimedOut:
    """The worker was still running at ``limit + grace`` and was ended."""

    limit: float
    seconds: float
    #: The step the task had reported as running (:mod:`convexity_proofs._progress`).
    running: str = ""


Outcome = Done | Failed | TimedOut


def grace_for(limit: float | None) -> float:
    """Seconds past ``limit`` before a worker is ended (see :data:`GRACE`)."""
    if GRACE is not None:
        return GRACE
    if limit is None:
        return GRACE_MIN
    return min(GRACE_MAX, max(GRACE_MIN, GRACE_FRACTION * limit))


def raise_internal_errors() -> bool:
    from convexity_proofs._values import RAISE_INTERNAL_ERRORS_ENV

    return os.environ.get(RAISE_INTERNAL_ERRORS_ENV, "") == "1"


def describe(exc: BaseException) -> str:
    """``"<type>: <message>"`` on one line, the message cut to a readable length."""
    message = " ".join(str(exc).split())
    if len(message) > _MESSAGE_CHARS:
        message = message[: _MESSAGE_CHARS - 3] + "..."
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


# --- pickles that rebuild SymPy trees exactly -------------------------------------------


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        # A module first imported while unpickling builds its constants normally.
        from sympy.core.parameters import evaluate

        with evaluate(True):
            return super().find_class(module, name)


def dumps(obj: Any) -> bytes:
    try:
        return pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    except RecursionError:
        # A deeply nested expression: pickling recurses once per level.
        previous = sys.getrecursionlimit()
        sys.setrecursionlimit(max(previous, 20_000))
        try:
            return pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            sys.setrecursionlimit(previous)


def loads(data: bytes) -> Any:
    """Unpickle with SymPy's automatic evaluation off: every expression comes back with
    exactly the arguments it was pickled with (see the module docstring)."""
    import io

    from sympy.core.parameters import evaluate

    with evaluate(False):
        return _Unpickler(io.BytesIO(data)).load()


# --- the worker side --------------------------------------------------------------------


#: Answers larger than this are written to the worker's spill file (an anonymous
#: temporary file the forked worker inherits) instead of the pipe: 80 MB of data
#: through a 64 KB pipe cost about 0.7 s of CPU on both sides, a file write and read a
#: tenth of that.  The pipe then carries only ("spilled", size).
_SPILL_BYTES = 1 << 22


def _send(writer: Any, data: bytes, spill: int | None) -> None:
    if spill is not None and len(data) > _SPILL_BYTES:
        view = memoryview(data)
        os.lseek(spill, 0, os.SEEK_SET)
        while view:
            view = view[os.write(spill, view) :]
        data = dumps(("spilled", len(data)))
    writer.send_bytes(data)


def _child(
    writer: Any, payload: Any, packed: bool, spill: int | None = None, step: Any = None
) -> None:
    """Run one task and send its outcome; never returns (``os._exit``).  ``step``: the
    shared block the task's current step is written to."""
    if hasattr(signal, "SIGINT"):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a Python handler could delay it
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    if step is not None:
        from convexity_proofs import _progress

        _progress.install(_progress.shared_sink(step))
    started = time.perf_counter()
    try:
        fn, args = loads(payload) if packed else payload
        message: tuple[Any, ...] = ("done", fn(*args))
    except BaseException as exc:  # every failure goes back to the parent
        message = ("failed", describe(exc), traceback.format_exc(), _pickled_error(exc))
    seconds = time.perf_counter() - started
    try:
        data = dumps((*message, seconds))
    except BaseException as exc:  # an answer that cannot be pickled
        if message[0] == "failed":
            data = dumps(("failed", message[1], message[2], None, seconds))
        else:
            why = describe(exc)
            data = dumps(
                (
                    "failed",
                    f"WorkerError: the answer could not be sent back ({why})",
                    traceback.format_exc(),
                    None,
                    seconds,
                )
            )
    try:
        _send(writer, data, spill)
        writer.close()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                if stream is not None:
                    stream.flush()
            except Exception:  # nothing left to report to
                pass
        os._exit(0)


def _pickled_error(exc: BaseException) -> bytes | None:
    try:
        return dumps(exc)
    except BaseException:  # sent back as text instead
        return None


# --- the parent side --------------------------------------------------------------------


def _context() -> Any:
    if sys.platform != "darwin" and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


@contextmanager
def _sigint_blocked() -> Iterator[None]:
    """SIGINT held back (not lost) while a worker is created and registered, so that
    Ctrl-C never leaves an unregistered worker behind, nor reaches a new worker before
    it ignores SIGINT.  The mask is per thread; no handler or timer is changed."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@dataclass(slots=True)
class _Worker:
    index: int
    process: Any
    conn: Any
    started: float
    limit: float | None
    deadline: float | None
    spill: Any = None  # the anonymous file a large answer is written to (fork only)
    step: Any = None  # the shared block the worker's current step is written to


#: Bytes of the block a worker writes its current step to (:mod:`._progress`).
_STEP_BYTES = 200


def _read_step(block: Any) -> str:
    """The step a worker last reported (imported here, not at the top: the runner stays
    free of the package's heavier modules until a task needs them)."""
    if block is None:
        return ""
    from convexity_proofs import _progress

    return _progress.read_shared(block)


def _flush_std_streams() -> None:
    # A forked worker inherits unwritten buffers; flushing first means none is written
    # twice.
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except Exception:  # a closed stream has nothing to flush
            pass


def _start(
    ctx: Any,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    index: int,
    limit: float | None,
    grace: float,
    running: list[_Worker],
) -> Failed | None:
    """Start one worker and register it in ``running``; a failure to start is an outcome."""
    started = time.monotonic()
    try:
        reader, writer = ctx.Pipe(duplex=False)
        spill = None
        if ctx.get_start_method() == "fork":
            payload, packed = (fn, args), False
            spill = tempfile.TemporaryFile()  # unlinked already: nothing can leak
        else:
            payload, packed = dumps((fn, args)), True
        step = ctx.RawArray("c", _STEP_BYTES)
        process = ctx.Process(
            target=_child,
            args=(writer, payload, packed, None if spill is None else spill.fileno(), step),
            name=f"convexity-proofs-worker-{index}",
            daemon=True,
        )
        _flush_std_streams()
        with _sigint_blocked():
            with warnings.catch_warnings():
                # Python 3.12+ warns when a process with threads forks.  The worker only
                # runs the task; a worker stuck on a lock inherited from another thread
                # is ended at its deadline like any other.
                warnings.filterwarnings(
                    "ignore", message=r".*fork\(\).*", category=DeprecationWarning
                )
                process.start()
            writer.close()
            deadline = None if limit is None else started + limit + grace
            running.append(_Worker(index, process, reader, started, limit, deadline, spill, step))
    except OSError as exc:  # no more processes or memory: this task cannot run
        return Failed(exc, describe(exc), time.monotonic() - started)
    return None


def _collect(worker: _Worker) -> Outcome:
    """The outcome of a worker whose pipe or sentinel is ready."""
    spill, worker.spill = worker.spill, None  # read below, after the worker has ended
    try:
        return _collect_from(worker, spill)
    finally:
        if spill is not None:
            spill.close()


def _collect_from(worker: _Worker, spill: Any) -> Outcome:
    elapsed = time.monotonic() - worker.started
    data = None
    try:
        if worker.conn.poll(0):
            data = worker.conn.recv_bytes()
    except (EOFError, OSError):
        data = None
    if data is None:
        _end(worker, kill_at_once=False)
        code = worker.process.exitcode
        exc = WorkerDied(f"the worker process ended without an answer ({_exit_status(code)})")
        return Failed(exc, describe(exc), elapsed)
    worker.process.join(_EXIT_WAIT)
    _end(worker, kill_at_once=False)
    try:
        message = loads(data)
    except Exception as exc:  # e.g. an exception class that cannot be rebuilt
        error = WorkerError(f"the worker's answer could not be read: {describe(exc)}")
        return Failed(error, describe(error), elapsed)
    if isinstance(message, tuple) and message[:1] == ("spilled",) and spill is not None:
        try:
            spill.seek(0)
            message = loads(spill.read(message[1]))
        except Exception as exc:
            error = WorkerError(f"the worker's answer could not be read: {describe(exc)}")
            return Failed(error, describe(error), elapsed)
    kind, *rest = message
    if kind == "done":
        value, seconds = rest
        return Done(value, seconds)
    description, remote_traceback, pickled, seconds = rest
    error: BaseException | None = None
    if pickled is not None:
        try:
            error = loads(pickled)
        except Exception:  # rebuilt as a WorkerError below
            error = None
    if not isinstance(error, BaseException):
        error = WorkerError(description)
    try:
        error.add_note(f"raised in a worker process:\n{remote_traceback.rstrip()}")
    except Exception:  # the note is a courtesy
        pass
    return Failed(error, description, seconds)


def _exit_status(code: int | None) -> str:
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _end(worker: _Worker, *, kill_at_once: bool) -> None:
    """Make sure the worker is gone and reaped: SIGTERM, then SIGKILL (or SIGKILL now)."""
    process = worker.process
    try:
        if process.exitcode is None:
            if kill_at_once:
                process.kill()
            else:
                process.terminate()
                process.join(_TERM_WAIT)
                if process.exitcode is None:
                    process.kill()
            process.join(_EXIT_WAIT)
    finally:
        try:
            worker.conn.close()
        except OSError:
            pass
        if worker.spill is not None:
            worker.spill.close()


def _kill_all(running: list[_Worker]) -> None:
    """End every worker at once (Ctrl-C, or an error raised again): SIGKILL to all, then
    reap them."""
    for worker in running:
        try:
            if worker.process.exitcode is None:
                worker.process.kill()
        except Exception:  # already gone
            pass
    for worker in running:
        try:
            _end(worker, kill_at_once=True)
        except Exception:  # already gone
            pass
    running.clear()


def run_tasks(
    fn: Callable[..., Any],
    arglists: Sequence[tuple[Any, ...]],
    *,
    jobs: int = 1,
    limit: float | None = None,
    limits: Sequence[float] | None = None,
    grace: float | None = None,
    on_outcome: Callable[[int, Outcome], bool | None] | None = None,
    heartbeat: Callable[[], None] | None = None,
    skip: Callable[[int], bool] | None = None,
) -> list[Outcome | None]:
    """``fn(*args)`` for each ``args``, each in its own worker process, at most ``jobs``
    at once; outcomes in input order.

    ``fn`` and ``args`` must be picklable where ``fork`` is unavailable.  A worker still
    running ``limit + grace`` seconds after it started is ended (:class:`TimedOut`);
    ``limits`` gives each task its own limit instead; ``grace`` defaults to
    :func:`grace_for` the limit.
    ``on_outcome(index, outcome)`` is called as each task ends; when it returns True the
    run stops (tasks not started and workers still running get ``None``); an exception
    it raises ends every worker and propagates, as does ``KeyboardInterrupt``.
    ``heartbeat()`` is called a few times a second while waiting.
    ``skip(index)``, asked before a task starts and after each outcome for the tasks
    still running, drops a task that is no longer wanted: it is not started, or its
    worker is ended, and its outcome is ``None``.
    """
    if jobs < 1:
        raise ValueError(f"jobs: expected at least 1, found {jobs}")
    ctx = _context()
    if limits is not None and len(limits) != len(arglists):
        raise ValueError("limits: expected one limit per task")
    outcomes: list[Outcome | None] = [None] * len(arglists)
    pending = deque(enumerate(arglists))
    running: list[_Worker] = []

    def finish(index: int, outcome: Outcome) -> bool:
        outcomes[index] = outcome
        return bool(on_outcome(index, outcome)) if on_outcome is not None else False

    try:
        while pending or running:
            while pending and len(running) < jobs:
                index, args = pending.popleft()
                if skip is not None and skip(index):
                    continue
                own = limit if limits is None else limits[index]
                extra = grace_for(own) if grace is None else grace
                failed = _start(ctx, fn, tuple(args), index, own, extra, running)
                if failed is not None and finish(index, failed):
                    pending.clear()
                    _kill_all(running)
                    return outcomes
            if not running:
                continue
            wait = None
            deadlines = [w.deadline for w in running if w.deadline is not None]
            if deadlines:
                wait = max(0.0, min(deadlines) - time.monotonic())
            if heartbeat is not None:
                wait = _HEARTBEAT if wait is None else min(wait, _HEARTBEAT)
            handles = [w.conn for w in running] + [w.process.sentinel for w in running]
            ready = set(multiprocessing.connection.wait(handles, timeout=wait))
            now = time.monotonic()
            stop = False
            for worker in list(running):
                if worker.conn in ready or worker.process.sentinel in ready:
                    outcome: Outcome = _collect(worker)
                elif worker.deadline is not None and now >= worker.deadline:
                    _end(worker, kill_at_once=False)
                    ended = time.monotonic() - worker.started
                    step = _read_step(worker.step)
                    outcome = TimedOut(worker.limit or 0.0, ended, step)
                else:
                    continue
                running.remove(worker)
                if finish(worker.index, outcome):
                    stop = True
                    break
            if stop:
                pending.clear()
                _kill_all(running)
                return outcomes
            if skip is not None:
                unwanted = [w for w in running if skip(w.index)]
                for worker in unwanted:
                    running.remove(worker)
                _kill_all(unwanted)
            if heartbeat is not None:
                heartbeat()
    except BaseException:
        _kill_all(running)
        raise
    return outcomes


# --- claims -----------------------------------------------------------------------------


def preload(*modules: str) -> None:
    """Import in the parent what every worker needs: a forked worker inherits it instead
    of importing it again (SymPy and the engine take about a second to import)."""
    import importlib

    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def _engine_check(claim: Claim, settings: Settings) -> Verdict:
    """The engine's ``check_claim``, looked up when it runs (in the worker)."""
    from convexity_proofs import _engine

    return _engine.check_claim(claim, settings)


@dataclass(frozen=True, slots=True)
class _SameClaim:
    """A verdict's fields but its claim, which the parent already holds."""

    fields: dict[str, Any]


def _check_in_worker(
    check: Callable[[Claim, Settings], Verdict], claim: Claim, settings: Settings
) -> Any:
    verdict = check(claim, settings)
    if dataclasses.is_dataclass(verdict) and getattr(verdict, "claim", None) is claim:
        names = [f.name for f in dataclasses.fields(verdict) if f.name != "claim"]
        if all(f.init for f in dataclasses.fields(verdict)):
            return _SameClaim({name: getattr(verdict, name) for name in names})
    return verdict


def run_claims(
    claims: Sequence[Claim],
    settings: Settings,
    *,
    jobs: int = 1,
    limit: float | None,
    grace: float | None = None,
    check: Callable[[Claim, Settings], Verdict] | None = None,
    on_verdict: Callable[[int, Verdict], None] | None = None,
    heartbeat: Callable[[], None] | None = None,
    until: Callable[[Verdict], bool] | None = None,
) -> list[Verdict]:
    """A verdict for each claim, in claim order, each claim checked in its own worker.

    With ``until``, the run stops at the first claim *in claim order* whose verdict
    satisfies it: the result is the verdicts of the claims up to and including that one
    (all of them when none does), exactly what a serial run stopping there returns,
    whatever ``jobs``.  Claims after it are not started, and those running are ended.

    ``limit`` is the claim's time limit in seconds (normally ``settings.timeout``); a
    worker still running ``limit + grace`` seconds after it started is ended and its
    claim is ``unknown`` (attempt ``time limit``).  A worker that raises or dies makes
    its claim ``unknown`` (attempt ``internal error``), unless the re-raise switch is on.
    ``check`` (default: the engine's ``check_claim``) must be picklable where ``fork``
    is unavailable; tests use it to simulate hangs and crashes.
    """
    from convexity_proofs._values import Attempt, AttemptKind, Status, Verdict

    chosen = check if check is not None else _engine_check
    if check is None:
        preload("convexity_proofs._engine")
    verdicts: list[Verdict | None] = [None] * len(claims)
    reraise = raise_internal_errors()
    # The first claim (in claim order) that met ``until``; claims after it are dropped.
    cutoff = len(claims)

    def record(index: int, outcome: Outcome) -> bool:
        nonlocal cutoff
        if index > cutoff:
            return False
        claim = claims[index]
        if isinstance(outcome, Done):
            value = outcome.value
            if isinstance(value, _SameClaim):
                value = Verdict(claim=claim, **value.fields)
            verdict = value
        elif isinstance(outcome, TimedOut):
            verdict = Verdict(
                claim=claim,
                status=Status.UNKNOWN,
                attempts=(
                    *(
                        [
                            Attempt(
                                outcome.running,
                                "was running when the worker process was ended",
                                AttemptKind.CUT_SHORT,
                            )
                        ]
                        if outcome.running
                        else []
                    ),
                    Attempt(
                        "time limit",
                        f"stopped after {outcome.limit:g} s (the worker process was ended)",
                        AttemptKind.CUT_SHORT,
                        outcome.seconds,
                    ),
                ),
                seconds=outcome.seconds,
            )
        else:
            if reraise:
                raise outcome.error
            verdict = Verdict(
                claim=claim,
                status=Status.UNKNOWN,
                attempts=(Attempt("internal error", outcome.description, AttemptKind.ERROR),),
                seconds=outcome.seconds,
            )
        verdicts[index] = verdict
        if on_verdict is not None:
            on_verdict(index, verdict)
        if until is not None and until(verdict):
            cutoff = min(cutoff, index)
        # Stop once every claim up to the cutoff has its verdict.
        return cutoff < len(claims) and all(v is not None for v in verdicts[: cutoff + 1])

    run_tasks(
        _check_in_worker,
        [(chosen, claim, settings) for claim in claims],
        jobs=jobs,
        limit=limit,
        grace=grace,
        on_outcome=record,
        heartbeat=heartbeat,
        skip=None if until is None else (lambda index: index > cutoff),
    )
    kept = verdicts[: cutoff + 1]
    assert all(v is not None for v in kept)
    return kept  # type: ignore[return-value]


# --- claim files ------------------------------------------------------------------------


def _load_in_worker(path: str) -> tuple[Any, ...]:
    from convexity_proofs._claimfile import load_claims
    from convexity_proofs.errors import ClaimError, ClaimErrors

    try:
        return ("claims", load_claims(path))
    except ClaimError as exc:
        errors = exc.errors if isinstance(exc, ClaimErrors) else (exc,)
        return ("errors", [(e.message, e.file, e.claim, e.field) for e in errors])


#: A ``[[claim]]`` header line, as the claim-file reader counts them.
_CLAIM_HEADER = re.compile(rb"^[ \t]*\[\[[ \t]*claim[ \t]*\]\]", re.MULTILINE)
#: Files larger than this are not counted here (the reader refuses them at once).
_COUNT_BYTES = 4 * 1024 * 1024


def claims_in(path: str | Path, *, at_least: int = 1) -> int:
    """How many ``[[claim]]`` tables ``path`` appears to hold (at least ``at_least``):
    what the time limit for loading it is multiplied by, and (with ``at_least=0``)
    whether a file found in a directory is a claim file.  A cheap count of header lines,
    not a parse; a file too large to count, or unreadable, counts as 1 (the reader then
    says what is wrong with it)."""
    try:
        if os.stat(path).st_size > _COUNT_BYTES:
            return 1
        with open(path, "rb") as file:
            return max(at_least, len(_CLAIM_HEADER.findall(file.read())))
    except OSError:
        return 1


def load_files(
    files: Sequence[str | Path],
    *,
    jobs: int = 1,
    limit: float | None,
    grace: float | None = None,
) -> list[Claim]:
    """Every claim of every file, in file order, as :func:`load_files_reporting` reads
    them; raises the error of the first file (in the given order) that has one."""
    claims, errors = load_files_reporting(files, jobs=jobs, limit=limit, grace=grace)
    if errors:
        raise errors[0]
    return claims


def load_files_reporting(
    files: Sequence[str | Path],
    *,
    jobs: int = 1,
    limit: float | None,
    grace: float | None = None,
) -> tuple[list[Claim], list[ClaimError]]:
    """Every claim of every file, in file order; each file is read and its claims built
    in a worker process that is ended when it runs past ``limit`` seconds for each claim
    the file holds (plus the grace): building a claim is inside its time limit too.

    Returns the claims of the files that load, and one error for each file that does
    not, both in file order: a bad file does not stop the others.  A file's error is its
    own located message (a :class:`~convexity_proofs.errors.ClaimErrors` when it has
    several); ``loading took longer than T s`` for a file past its limit; or ``internal
    error while loading: <type>: <message>`` (raised as itself when the re-raise switch
    is on).
    """
    from convexity_proofs.errors import ClaimError, ClaimErrors

    preload("convexity_proofs._claimfile", "convexity_proofs.models")
    results: list[list[Claim] | ClaimError | None] = [None] * len(files)
    counts = [claims_in(file) for file in files]
    reraise = raise_internal_errors()

    def record(index: int, outcome: Outcome) -> bool:
        file = str(files[index])
        if isinstance(outcome, Done):
            kind, *rest = outcome.value
            if kind == "claims":
                results[index] = rest[0]
            else:
                found = [
                    ClaimError(message, file=where, claim=claim, field=field)
                    for message, where, claim, field in rest[0]
                ]
                results[index] = found[0] if len(found) == 1 else ClaimErrors(found)
        elif isinstance(outcome, TimedOut):
            results[index] = ClaimError(_too_long(outcome.limit, counts[index]), file=file)
        else:
            if reraise:
                raise outcome.error
            results[index] = ClaimError(
                f"internal error while loading: {outcome.description}", file=file
            )
        return False

    run_tasks(
        _load_in_worker,
        [(str(file),) for file in files],
        jobs=jobs,
        limits=None if limit is None else [limit * n for n in counts],
        grace=grace,
        on_outcome=record,
    )
    claims: list[Claim] = []
    errors: list[ClaimError] = []
    for result in results:
        if isinstance(result, ClaimError):
            errors.append(result)
            continue
        assert result is not None
        claims.extend(result)
    return claims, errors


def _too_long(limit: float, claims: int) -> str:
    if claims == 1:
        return f"loading took longer than {limit:g} s"
    each = f"{limit / claims:g} s for each of its {claims} claims"
    return f"loading took longer than {limit:g} s ({each})"
