"""Which step a running claim is on, for the report of a worker ended at its limit.

The engine names each strategy as it starts it (:func:`running`); inside a worker of
:mod:`convexity_proofs._runner` the name goes to a small block of memory shared with the
parent, which reads it when it has to end the worker (a strategy that never polls its
deadline).  Outside a worker, :func:`running` does nothing.
"""

from __future__ import annotations

from collections.abc import Callable

#: Bytes of a step name kept (longer names are cut at a character boundary); the
#: runner's block is this size.
NAME_BYTES = 200

_sink: Callable[[str], None] | None = None


def running(step: str) -> None:
    """Record that ``step`` has started (a no-op unless a sink is installed)."""
    if _sink is not None:
        _sink(step)


def install(sink: Callable[[str], None] | None) -> None:
    global _sink
    _sink = sink


def shared_sink(block: object) -> Callable[[str], None]:
    """A sink writing into ``block`` (a ``RawArray('c', NAME_BYTES)``), NUL-terminated."""

    def write(step: str) -> None:
        data = step.encode("utf-8")[: NAME_BYTES - 1]
        data = data.decode("utf-8", "ignore").encode("utf-8")
        block[: len(data) + 1] = data + b"\0"  # type: ignore[index]

    return write


def read_shared(block: object) -> str:
    raw = bytes(block[:])  # type: ignore[index]
    return raw.split(b"\0", 1)[0].decode("utf-8", "replace")
