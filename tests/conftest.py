"""Shared test configuration.

The engine guards each strategy: an unexpected exception inside one is recorded as
"internal error in <strategy>" and only that strategy's answer is lost.  That guard is
right for users and wrong for tests, where it would hide bugs; so the whole suite runs
with the re-raise switch on (set before any test module imports the engine).  A test
that exercises the guard itself sets the variable to "0" for its own duration.
"""

from __future__ import annotations

import os

# The literal is convexity_proofs._values.RAISE_INTERNAL_ERRORS_ENV; it is spelled out
# so that this runs before (and whether or not) the package imports cleanly.
os.environ.setdefault("CONVEXITY_PROOFS_RAISE_INTERNAL", "1")
