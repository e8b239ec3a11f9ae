"""Assertions for ordinary tests: ``assert_convex("x**2", ["x"])`` and friends.

Each helper settles one claim with :func:`convexity_proofs.check` and, when the claim
does not meet its expectation, raises :class:`AssertionError` whose message is a one-line
summary followed by the report ``convexity-check`` prints (the witness, the proof, or
what was tried), so a failing test shows *why* instead of ``assert False``.  On success the
:class:`~convexity_proofs.Verdict` is returned for further inspection.

Input that is not a valid claim (an unknown symbol, a bad domain) raises
:class:`~convexity_proofs.errors.ClaimError`, and an argument of the wrong type (a
``variables`` set, a negative ``timeout``, something that is not a claim) raises
:class:`~convexity_proofs.errors.ArgumentError` naming the helper and the argument; not
:class:`AssertionError`: that is a bug in the test, not a failed claim.

:func:`report_text` and :func:`report_summary` are the one place where a verdict becomes
plain text; the pytest plugin uses them too.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from rich.console import Console

from convexity_proofs._api import (
    claim_table,
    settle,
    validate_claim_argument,
    validate_timeout,
)
from convexity_proofs._engine import Settings, check_claim
from convexity_proofs._report import THEME, render_verdict
from convexity_proofs._values import Claim, Status, Verdict
from convexity_proofs.errors import ArgumentError

__all__ = [
    "assert_affine",
    "assert_claim",
    "assert_concave",
    "assert_convex",
    "assert_decreasing",
    "assert_increasing",
    "assert_invariant",
    "assert_log_concave",
    "assert_log_convex",
    "assert_nondecreasing",
    "assert_nonincreasing",
    "assert_not_concave",
    "assert_not_convex",
    "assert_not_log_concave",
    "assert_not_monotone",
    "assert_not_quasiconvex",
    "assert_quasiconcave",
    "assert_quasiconvex",
    "assert_quasilinear",
    "assert_strictly_convex",
    "assert_strongly_convex",
    "report_summary",
    "report_text",
]

DEFAULT_TIMEOUT = 60.0

#: A claim's function: a text, a SymPy expression, a Python function (traced), or None
#: with ``model=``.
Function = str | Callable[..., Any] | Any
#: Variable names, one name, or a mapping of name to shape.
Variables = Sequence[str] | str | Mapping[str, Any] | None


def report_text(verdict: Verdict, *, width: int = 100, verbose: bool = False) -> str:
    """The CLI's report for one verdict as plain text (no colour, fixed width).

    Test output is read in logs and CI pages where escape codes are noise and the
    terminal width is unknown, so the width is fixed and colour is off; otherwise the
    console is configured like the CLI's, so the text is the same.
    """
    _require_verdict("report_text", verdict)
    if isinstance(width, bool) or not isinstance(width, int) or width < 20:
        raise ArgumentError(
            f"report_text() argument 'width': expected an integer >= 20, "
            f"found {type(width).__name__} {width!r}"
        )
    console = Console(
        file=io.StringIO(),
        width=width,
        color_system=None,
        theme=THEME,
        highlight=False,
        force_terminal=False,
        force_jupyter=False,
    )
    console.print(render_verdict(verdict, verbose=verbose))
    return console.file.getvalue().rstrip("\n")  # type: ignore[attr-defined]


def report_summary(verdict: Verdict) -> str:
    """One line: what the verdict found against what the claim expected.

    pytest puts the first line of a failure on its short summary line; a box-drawing
    border there says nothing, this says what happened.
    """
    _require_verdict("report_summary", verdict)
    claim = verdict.claim
    how = f" ({verdict.witness.kind} witness)" if verdict.witness is not None else ""
    if claim.expect.value == "unknown":
        if verdict.status is Status.UNKNOWN:
            return f"{claim.property} claim unknown, as expected (a known limitation)"
        return (
            f"{claim.property} claim unexpectedly {verdict.status}{how}, expected unknown: "
            f"update expect to {'holds' if verdict.status is Status.PROVED else 'fails'}"
        )
    return f"{claim.property} claim {verdict.status}{how}, expected to {claim.expect.value[:-1]}"


def _require_verdict(helper: str, verdict: object) -> None:
    if not isinstance(verdict, Verdict):
        raise ArgumentError(
            f"{helper}() argument 'verdict': expected a Verdict (from check or check_claim), "
            f"found {type(verdict).__name__}"
        )


def _require(verdict: Verdict) -> Verdict:
    __tracebackhide__ = True
    if not verdict.passed:
        # The summary first: pytest shows it after "AssertionError: " and on the short
        # summary line; the report starts on its own line so its box stays aligned.
        raise AssertionError(f"{report_summary(verdict)}\n{report_text(verdict)}")
    return verdict


def assert_claim(claim: Claim, *, timeout: float | None = DEFAULT_TIMEOUT) -> Verdict:
    """Settle a :class:`Claim` (say from :func:`~convexity_proofs.load_claims`); fail unless
    it meets its expectation (``expect = "fails"`` claims pass when refuted)."""
    __tracebackhide__ = True
    claim = validate_claim_argument(claim, where="assert_claim() argument 'claim'")
    seconds = validate_timeout(timeout, where="assert_claim() argument 'timeout'")
    return _require(check_claim(claim, Settings(timeout=seconds)))


def _assert(
    helper: str,
    function: object,
    variables: object,
    prop: str,
    *,
    domain: Mapping[str, Any] | None,
    substitution: Mapping[str, str] | None = None,
    timeout: float | None,
    expect: str = "holds",
    modulus: object = None,
    data: Mapping[str, Any] | None = None,
    shapes: Mapping[str, Any] | None = None,
    model: Mapping[str, Any] | None = None,
) -> Verdict:
    __tracebackhide__ = True
    # The claim is named after the helper: the name titles the report and seeds the
    # searches, so the same assertion finds the same witness on every run.
    caller = f"{helper}()"
    table = claim_table(
        function,
        variables,
        prop,
        domain,
        substitution,
        data=data,
        shapes=shapes,
        model=model,
        name=helper,
        caller=caller,
        expect=expect,
        modulus=modulus,
    )
    seconds = validate_timeout(timeout, where=f"{caller} argument 'timeout'")
    return _require(settle(table, seconds))


def assert_invariant(
    function: Function,
    substitution: Mapping[str, str],
    *,
    domain: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    shapes: Mapping[str, Any] | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> Verdict:
    """Fail unless ``substitution`` (applied simultaneously, e.g. ``{"w1": "w2", "w2":
    "w1"}``) is proved to leave ``function`` unchanged."""
    __tracebackhide__ = True
    return _assert(
        "assert_invariant",
        function,
        None,
        "invariant",
        domain=domain,
        substitution=substitution,
        timeout=timeout,
        data=data,
        shapes=shapes,
    )


class PropertyAssertion(Protocol):
    """The signature every ``assert_<property>`` helper has."""

    def __call__(
        self,
        function: Function = None,
        variables: Variables = None,
        *,
        domain: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        shapes: Mapping[str, Any] | None = None,
        model: Mapping[str, Any] | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> Verdict: ...


def _property_assertion(helper: str, prop: str, expect: str, doc: str) -> PropertyAssertion:
    """The ``assert_*`` helper named ``helper``: settle the claim that ``function`` has
    ``prop`` in ``variables`` (expected to ``expect``) and fail with the report unless
    it meets that expectation."""

    def assertion(
        function: Function = None,
        variables: Variables = None,
        *,
        domain: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        shapes: Mapping[str, Any] | None = None,
        model: Mapping[str, Any] | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> Verdict:
        __tracebackhide__ = True
        return _assert(
            helper,
            function,
            variables,
            prop,
            domain=domain,
            timeout=timeout,
            expect=expect,
            data=data,
            shapes=shapes,
            model=model,
        )

    assertion.__name__ = assertion.__qualname__ = helper
    assertion.__doc__ = doc + _FORMS
    return assertion


_FORMS = (
    "\n\n``function`` is a claim text, a SymPy expression or a Python function written "
    "against the ``xp`` namespace (traced with ``variables={'w': (3,)}`` or ``shapes=``, "
    "and ``data=``), as for :func:`convexity_proofs.check`; or None with ``model=`` and "
    "``data=``."
)


assert_convex = _property_assertion(
    "assert_convex",
    "convex",
    "holds",
    "Fail unless ``function`` is proved convex in ``variables`` (other symbols are "
    "parameters: the claim must hold for each of their values).",
)
assert_concave = _property_assertion(
    "assert_concave",
    "concave",
    "holds",
    "Fail unless ``function`` is proved concave in ``variables``.",
)
assert_strictly_convex = _property_assertion(
    "assert_strictly_convex",
    "strictly-convex",
    "holds",
    "Fail unless ``function`` is proved strictly convex in ``variables``.",
)
assert_affine = _property_assertion(
    "assert_affine",
    "affine",
    "holds",
    "Fail unless ``function`` is proved affine (both convex and concave) in ``variables``.",
)
assert_not_convex = _property_assertion(
    "assert_not_convex",
    "nonconvex",
    "holds",
    "Fail unless a certified witness shows ``function`` is not convex in ``variables``.\n\n"
    "Not finding a proof of convexity is not enough: the verdict must be a witness.",
)
assert_not_concave = _property_assertion(
    "assert_not_concave",
    "nonconcave",
    "holds",
    "Fail unless a certified witness shows ``function`` is not concave in ``variables``.",
)
assert_nondecreasing = _property_assertion(
    "assert_nondecreasing",
    "nondecreasing",
    "holds",
    "Fail unless ``function`` is proved nondecreasing in each of ``variables``.",
)
assert_nonincreasing = _property_assertion(
    "assert_nonincreasing",
    "nonincreasing",
    "holds",
    "Fail unless ``function`` is proved nonincreasing in each of ``variables``.",
)
assert_increasing = _property_assertion(
    "assert_increasing",
    "increasing",
    "holds",
    "Fail unless ``function`` is proved strictly increasing in each of ``variables``.",
)
assert_decreasing = _property_assertion(
    "assert_decreasing",
    "decreasing",
    "holds",
    "Fail unless ``function`` is proved strictly decreasing in each of ``variables``.",
)
assert_not_monotone = _property_assertion(
    "assert_not_monotone",
    "nonmonotone",
    "holds",
    "Fail unless certified witnesses show ``function`` is neither nondecreasing nor "
    "nonincreasing in ``variables``.",
)
assert_quasiconvex = _property_assertion(
    "assert_quasiconvex",
    "quasiconvex",
    "holds",
    "Fail unless ``function`` is proved quasiconvex (convex sublevel sets) in ``variables``.",
)
assert_quasiconcave = _property_assertion(
    "assert_quasiconcave",
    "quasiconcave",
    "holds",
    "Fail unless ``function`` is proved quasiconcave in ``variables``.",
)
assert_quasilinear = _property_assertion(
    "assert_quasilinear",
    "quasilinear",
    "holds",
    "Fail unless ``function`` is proved quasiconvex and quasiconcave in ``variables``.",
)
assert_not_quasiconvex = _property_assertion(
    "assert_not_quasiconvex",
    "quasiconvex",
    "fails",
    "Fail unless a certified witness (a segment leaving a sublevel set) or a proof shows "
    "``function`` is not quasiconvex in ``variables``.",
)
assert_log_concave = _property_assertion(
    "assert_log_concave",
    "log-concave",
    "holds",
    "Fail unless ``function`` is proved positive with log ``function`` concave in ``variables``.",
)
assert_log_convex = _property_assertion(
    "assert_log_convex",
    "log-convex",
    "holds",
    "Fail unless ``function`` is proved positive with log ``function`` convex in ``variables``.",
)
assert_not_log_concave = _property_assertion(
    "assert_not_log_concave",
    "log-concave",
    "fails",
    "Fail unless a certified witness (f <= 0 at a point, or one against the concavity of "
    "log f) shows ``function`` is not log-concave in ``variables``.",
)


def assert_strongly_convex(
    function: Function,
    variables: Variables,
    modulus: int | str,
    *,
    domain: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    shapes: Mapping[str, Any] | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> Verdict:
    """Fail unless ``function`` − ``modulus``/2·|x|² is proved convex in ``variables``
    (``modulus`` exact: 2, ``"1/10"``)."""
    __tracebackhide__ = True
    return _assert(
        "assert_strongly_convex",
        function,
        variables,
        "strongly-convex",
        domain=domain,
        timeout=timeout,
        modulus=modulus,
        data=data,
        shapes=shapes,
    )
