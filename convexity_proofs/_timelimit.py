"""A hard time limit for code that does not poll a deadline (SymPy internals).

SIGALRM raises :class:`CheckTimeout` in the main thread; elsewhere (worker threads,
platforms without ``setitimer``) the limit is not enforced and callers rely on their
cooperative deadlines alone.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from convexity_proofs.errors import CheckTimeout


@contextmanager
def hard_limit(seconds: float | None) -> Iterator[None]:
    usable = (
        seconds is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise CheckTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
