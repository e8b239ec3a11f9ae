"""The checker: replays a verdict from the claim and the facts it rests on.

It imports only the value types, the safe claim reader (to read the claim as written),
the kernel and its own rule replays, with their own transcription of the atom table;
never the provers, the refuters or the engine.  The engine passes every verdict
through :func:`replay` before returning it, and ``convexity-check verify`` passes
certificates through :func:`verify_certificate`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from convexity_proofs._proof import PolynomialFact, ProofStep, SolverSignFact
from convexity_proofs._values import Status, Verdict

# The rule modules register their replays on import.
from convexity_proofs.checker import composition as _composition  # noqa: F401
from convexity_proofs.checker import flat as _flat  # noqa: F401
from convexity_proofs.checker import hessian as _hessian  # noqa: F401
from convexity_proofs.checker import identity as _identity  # noqa: F401
from convexity_proofs.checker import log_concave as _log_concave  # noqa: F401
from convexity_proofs.checker import monotone as _monotone  # noqa: F401
from convexity_proofs.checker import normal_forms as _normal_forms  # noqa: F401
from convexity_proofs.checker import piecewise as _piecewise  # noqa: F401
from convexity_proofs.checker import polynomial as _polynomial  # noqa: F401
from convexity_proofs.checker import quasiconvex as _quasiconvex  # noqa: F401
from convexity_proofs.checker import second_order as _second_order  # noqa: F401
from convexity_proofs.checker import structure as _structure  # noqa: F401
from convexity_proofs.checker import witness as _witness  # noqa: F401
from convexity_proofs.checker._core import Checker, CheckFailure
from convexity_proofs.checker.claim import expected_passes, replay_verdict

__all__ = ["CheckReport", "replay", "verify_certificate"]

#: What every ``valid`` rests on besides the checker itself.
TRUST_BASE = (
    "SymPy's differentiation, expansion and polynomial arithmetic",
    "python-flint (Arb ball arithmetic) for enclosures and witnesses",
)


@dataclass(frozen=True, slots=True)
class CheckReport:
    """The checker's answer: ``valid``, or the first step that fails and why."""

    valid: bool
    claim: str = ""
    failure: str | None = None
    trust: tuple[str, ...] = TRUST_BASE
    #: What a valid certificate shows, said from the claim as the checker read it
    #: (never from the claim's name or statement): "proved: exp(x) is convex in x ...".
    shows: str = ""

    def describe(self) -> str:
        if self.valid:
            return f"{self.claim}: valid"
        return f"{self.claim}: invalid: {self.failure}"


def shows(claim: Any, status: Status) -> str:
    """The verdict in words, from the claim's data."""
    from convexity_proofs._brief import brief

    variables = claim.variables_text()
    domains = ", ".join(f"{s.name} {d.describe()}" for s, d in claim.domains if d.name != "real")
    parameters = claim.parameters
    quantified = ""
    if parameters:
        which = "every" if str(claim.quantifier) == "all" else "some"
        quantified = f", for {which} value of {', '.join(p.name for p in parameters)}"
    where = f" on {domains}" if domains else ""
    modulus = f" with modulus {claim.modulus}" if getattr(claim, "modulus", None) else ""
    along = ""
    if getattr(claim, "along", ()):
        along = " (along " + ", ".join(f"{s.name} = {e}" for s, e in claim.along) + ")"
    subject = (
        f"the loss of the {claim.model.description}"
        if getattr(claim, "structured", False)
        else brief(claim.function, 80)
    )
    return (
        f"{status}: {subject}{along} is {claim.property}{modulus} in "
        f"({variables}){where}{quantified}"
    )


def _trust(steps: Iterable[ProofStep], rechecked: bool = False) -> tuple[str, ...]:
    versions: dict[str, int] = {}
    stack = list(steps)
    while stack:
        step = stack.pop()
        stack.extend(step.children)
        for fact in step.facts:
            if isinstance(fact, PolynomialFact | SolverSignFact):
                key = f"{fact.solver} {fact.version}"
                versions[key] = versions.get(key, 0) + 1
    how = (
        "its answers re-run here (--recheck-z3)"
        if rechecked
        else "its recorded answer 'unsat', not re-run (--recheck-z3 re-runs it)"
    )
    extra = tuple(
        f"{solver} for {n} polynomial-decision step{'s' if n != 1 else ''}: {how}"
        for solver, n in sorted(versions.items())
    )
    return TRUST_BASE + extra


def _replay(
    claim: Any,
    status: Status,
    proof: tuple[ProofStep, ...],
    refuting: tuple[ProofStep, ...],
    witness: Any,
    definedness: tuple[Any, ...],
    recheck_z3: bool,
) -> CheckReport:
    try:
        replay_verdict(
            claim,
            status,
            proof=proof,
            refuting=refuting,
            witness=witness,
            definedness=definedness,
            checker=Checker(recheck_z3=recheck_z3),
        )
    except CheckFailure as failure:
        return CheckReport(False, claim.name, str(failure))
    except RecursionError:
        return CheckReport(False, claim.name, "the proof is nested too deeply to replay")
    return CheckReport(
        True, claim.name, None, _trust((*proof, *refuting), recheck_z3), shows(claim, status)
    )


def replay(verdict: Verdict, *, recheck_z3: bool = False) -> CheckReport:
    """Replay a verdict made in this process (the engine's single exit)."""
    return _replay(
        verdict.claim,
        verdict.status,
        verdict.proof,
        verdict.refuting_proof,
        verdict.witness,
        verdict.definedness,
        recheck_z3,
    )


def verify_certificate(data: object, *, recheck_z3: bool = False) -> CheckReport:
    """Check a certificate (JSON data): the claim is read again from the table it
    carries, the judged expression must be the one that reading gives, and the verdict
    must replay.  Unreadable data raise :class:`~convexity_proofs._certificate.CertificateError`."""
    from convexity_proofs._certificate import model_data_digests, read_certificate

    read = read_certificate(data)
    claim = read.claim
    if read.judged != claim.function:
        return CheckReport(
            False, claim.name, "the judged expression is not the function the claim's text gives"
        )
    recorded_data = data["claim"].get("data")  # type: ignore[index]
    if recorded_data != model_data_digests(claim):
        return CheckReport(
            False,
            claim.name,
            "the data the certificate is about are not the data the claim reads now "
            "(a data file changed, or the digests were edited)",
        )
    recorded = data["verdict"]  # type: ignore[index]
    if recorded.get("passed") != expected_passes(claim, read.status):
        return CheckReport(False, claim.name, "verdict.passed does not follow from the status")
    for key, value in (
        ("property", claim.property),
        ("quantifier", claim.quantifier),
        ("expect", claim.expect),
    ):
        if recorded.get(key) != str(value):
            return CheckReport(
                False, claim.name, f"verdict.{key} {recorded.get(key)!r} is not the claim's {value}"
            )
    return _replay(
        claim, read.status, read.proof, read.refuting, read.witness, read.definedness, recheck_z3
    )
