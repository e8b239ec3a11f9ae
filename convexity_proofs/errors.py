"""The exception hierarchy: one root, errors that say where and what.

Every problem with user input is a :class:`ClaimError` (or an :class:`ExpressionError`
that the claim-file reader wraps into one), naming the file, the claim and the field,
what was expected and what was found.  The CLI turns these into exit code 2.
"""

from __future__ import annotations


class ConvexityProofsError(Exception):
    """Root of every error this package raises on purpose."""


class ExpressionError(ConvexityProofsError):
    """A function text that the safe parser refuses; the message says why."""


class ClaimError(ConvexityProofsError):
    """Unusable claim input, located as precisely as it can be.

    ``file``, ``claim`` and ``field`` may each be ``None`` when they do not apply
    (a TOML syntax error has no claim yet).
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        claim: str | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.claim = claim
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.claim:
            where.append(f"claim {self.claim!r}")
        if self.field:
            where.append(f"field {self.field!r}")
        prefix = ": ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class ClaimErrors(ClaimError):
    """Several :class:`ClaimError` s of one file, reported together.

    ``errors`` holds each one (in file order); ``file``, ``claim``, ``field`` and
    ``message`` are the first one's, so code that reads a single error still works.
    ``str()`` is one line per error, each its own located message.
    """

    def __init__(self, errors: tuple[ClaimError, ...] | list[ClaimError]) -> None:
        if not errors:
            raise ValueError("ClaimErrors needs at least one error")
        self.errors: tuple[ClaimError, ...] = tuple(errors)
        first = self.errors[0]
        super().__init__(first.message, file=first.file, claim=first.claim, field=first.field)

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.errors,))


class CheckTimeout(BaseException):
    """Raised when a claim's time budget runs out.

    A ``BaseException`` on purpose, like ``KeyboardInterrupt``: strategies and the
    libraries they call (Hypothesis) must not swallow it as an ordinary failure.
    """


class ArgumentError(ConvexityProofsError, ValueError):
    """A Python API argument of the wrong type or value; the message names the argument,
    what was expected and what was found."""
