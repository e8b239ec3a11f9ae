"""Certificates: a decided verdict as self-contained JSON data, and back.

A certificate holds the claim as written (its table, file and line), the judged
expression, the verdict, and the facts or the witness that show it; every expression
is a node of one shared table (:mod:`convexity_proofs.kernel.expressions`), every
number exact.  Writing is deterministic: the same verdict gives the same bytes on
every run (keys sorted, no timings, no absolute paths beyond what the claim names).
The format is documented in ``docs/certificates.md`` and by the JSON Schema
``certificate.schema.json`` shipped with the package.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sympy

from convexity_proofs._proof import ProofStep, fact_from_json, step_from_json
from convexity_proofs._values import (
    _WITNESS_KINDS,
    Claim,
    Status,
    Verdict,
    Witness,
    expected_passes,
)
from convexity_proofs.kernel.expressions import (
    ExpressionDataError,
    ExpressionReader,
    ExpressionTable,
)

FORMAT = "convexity-proofs-certificate"
VERSION = 1


class CertificateError(ValueError):
    """A certificate that cannot be read: not JSON, not this format, or malformed."""


#: The top-level keys a certificate may have.
_KEYS = frozenset(
    {
        "format",
        "version",
        "claim",
        "judged",
        "verdict",
        "definedness",
        "proof",
        "refuting_proof",
        "witness",
        "expressions",
    }
)


def certificate_of(verdict: Verdict) -> dict[str, Any]:
    """The certificate of a ``proved`` or ``refuted`` verdict, as JSON-ready data."""
    if verdict.status is Status.UNKNOWN:
        raise ValueError("an unknown verdict has no certificate")
    claim = verdict.claim
    table = ExpressionTable()
    judged = table.add(claim.function)
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "claim": {
            "name": claim.name,
            "file": claim.file,
            "line": claim.line,
            "table": json.loads(claim.table) if claim.table else None,
        },
        "judged": judged,
        "verdict": {
            "status": str(verdict.status),
            "property": str(claim.property),
            "quantifier": str(claim.quantifier),
            "expect": str(claim.expect),
            # As the claim's table reads (an exploratory check() expects "holds").
            "passed": expected_passes(claim.expect, verdict.status),
        },
    }
    data_digests = model_data_digests(claim)
    if data_digests is not None:
        data["claim"]["data"] = data_digests
    if verdict.definedness:
        data["definedness"] = [f.to_json(table) for f in verdict.definedness]
    if verdict.proof:
        data["proof"] = [s.to_json(table) for s in verdict.proof]
    if verdict.refuting_proof:
        data["refuting_proof"] = [s.to_json(table) for s in verdict.refuting_proof]
    if verdict.witness is not None:
        data["witness"] = verdict.witness.to_json()
    data["expressions"] = table.to_json()
    return data


def model_data_digests(claim: Claim) -> dict[str, Any] | None:
    """Which data a claim is about, when the claim's table does not hold it.

    A model claim with data files, or any structured claim: SHA-256 digests of the
    numbers read, and the number of rows.  A function claim whose ``data`` reads files
    (vector notation): ``{"arrays": {name: {"shape": [...], "sha256": ...}}}`` for each
    array read from a file (digests of the exact numbers, by
    :func:`convexity_proofs._vector.data.digest`).  None for claims whose data are all
    written in the table.  The checker reads the claim again and compares."""
    if claim.data_digests:
        return {
            "arrays": {
                name: {"shape": list(shape), "sha256": sha}
                for name, shape, sha in claim.data_digests
            }
        }
    model = claim.model
    if model is None or model.network is None:
        return None
    net = model.network
    if model.scalar and net.x.source == "inline" and net.y.source == "inline":
        return None
    return {"rows": net.rows, "x": net.x.digest, "y": net.y.digest}


def dumps(data: dict[str, Any]) -> str:
    """The certificate's bytes: canonical JSON (sorted keys, one trailing newline)."""
    return json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


#: Every witness kind, by its JSON ``kind`` (one table, :mod:`convexity_proofs._values`).
_WITNESSES: dict[str, Any] = _WITNESS_KINDS


def witness_from_json(data: object) -> Witness:
    if not isinstance(data, dict) or data.get("kind") not in _WITNESSES:
        kind = data.get("kind") if isinstance(data, dict) else data
        raise CertificateError(f"witness: unknown kind {kind!r:.40}")
    try:
        return _WITNESSES[data["kind"]].from_json(data)  # type: ignore[no-any-return]
    except CertificateError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise CertificateError(f"witness: missing or malformed {exc}") from None


@dataclass(frozen=True)
class ReadCertificate:
    """A certificate read back: the claim re-read from its table, and the verdict data."""

    claim: Claim
    judged: sympy.Expr
    status: Status
    proof: tuple[ProofStep, ...]
    refuting: tuple[ProofStep, ...]
    witness: Witness | None
    definedness: tuple[Any, ...]


def read_certificate(data: object) -> ReadCertificate:
    """Read a certificate; the claim is read again from its table by the safe claim
    reader (never from the judged expression).  Raises CertificateError."""
    from convexity_proofs._claimfile import build_claim
    from convexity_proofs.errors import ClaimError

    if not isinstance(data, dict):
        raise CertificateError("a certificate is a JSON object")
    if data.get("format") != FORMAT:
        raise CertificateError(f"not a {FORMAT} (format is {data.get('format')!r:.40})")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise CertificateError(f"unknown top-level key {unknown[0]!r:.40}")
    if data.get("version") != VERSION:
        raise CertificateError(
            f"certificate version {data.get('version')!r:.20} is not supported (this "
            f"checker reads version {VERSION})"
        )
    try:
        claim_data = data["claim"]
        table = claim_data["table"]
        if not isinstance(table, dict):
            raise CertificateError("claim.table: the claim as written is missing")
        file = claim_data.get("file")
        try:
            claim = build_claim(table, file=file if isinstance(file, str) else "<certificate>")
        except ClaimError as exc:
            raise CertificateError(f"claim.table: {exc}") from None
        reader = ExpressionReader(data["expressions"])
        judged = reader.expr(data["judged"])
        verdict = data["verdict"]
        status = Status(verdict["status"])
        return ReadCertificate(
            claim=claim,
            judged=judged,
            status=status,
            proof=tuple(
                step_from_json(s, reader, witness_from_json) for s in data.get("proof", [])
            ),
            refuting=tuple(
                step_from_json(s, reader, witness_from_json) for s in data.get("refuting_proof", [])
            ),
            witness=None if data.get("witness") is None else witness_from_json(data["witness"]),
            definedness=tuple(fact_from_json(f, reader) for f in data.get("definedness", [])),
        )
    except ExpressionDataError as exc:
        raise CertificateError(str(exc)) from None
    except RecursionError:
        raise CertificateError("an expression is nested too deeply to read") from None
    except KeyError as exc:
        raise CertificateError(f"missing field {exc}") from None
    except (TypeError, ValueError) as exc:
        if isinstance(exc, CertificateError):
            raise
        raise CertificateError(f"malformed certificate: {exc}") from None
