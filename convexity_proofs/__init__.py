"""convexity-proofs: settle convexity claims with proofs and certified counterexamples.

>>> from convexity_proofs import check
>>> check("log(1 + exp(-y*(w*x + b)))", ["w", "b"]).status.value
'proved'

Certificates written by ``convexity-check --certificates DIR`` are checked with
``verify(path_or_data)`` (one certificate) or ``verify_directory(DIR)``.

Names are imported on first use (PEP 562), so that importing the package — which the
pytest plugin does in every test run of a project that has it installed — does not
load SymPy, NumPy and python-flint until a claim is actually checked.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "check": "convexity_proofs._api",
    "load_claims": "convexity_proofs._claimfile",
    "parse_claims": "convexity_proofs._claimfile",
    "build_claim": "convexity_proofs._claimfile",
    "Settings": "convexity_proofs._engine",
    "check_claim": "convexity_proofs._engine",
    "Attempt": "convexity_proofs._values",
    "Claim": "convexity_proofs._values",
    "Condition": "convexity_proofs._values",
    "CurvatureWitness": "convexity_proofs._values",
    "Domain": "convexity_proofs._values",
    "Expect": "convexity_proofs._values",
    "PointWitness": "convexity_proofs._values",
    "ProofStep": "convexity_proofs._proof",
    "Property": "convexity_proofs._values",
    "SegmentWitness": "convexity_proofs._values",
    "Status": "convexity_proofs._values",
    "Verdict": "convexity_proofs._values",
    "CertificateError": "convexity_proofs._certificate",
    "verify": "convexity_proofs._certificate_files",
    "verify_directory": "convexity_proofs._certificate_files",
    "CheckReport": "convexity_proofs.checker",
    "ClaimError": "convexity_proofs.errors",
    "ConvexityProofsError": "convexity_proofs.errors",
    "ExpressionError": "convexity_proofs.errors",
}

__all__ = [
    "Attempt",
    "CertificateError",
    "CheckReport",
    "Claim",
    "ClaimError",
    "Condition",
    "ConvexityProofsError",
    "CurvatureWitness",
    "Domain",
    "Expect",
    "ExpressionError",
    "PointWitness",
    "ProofStep",
    "Property",
    "SegmentWitness",
    "Settings",
    "Status",
    "Verdict",
    "__version__",
    "build_claim",
    "check",
    "check_claim",
    "load_claims",
    "parse_claims",
    "verify",
    "verify_directory",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'convexity_proofs' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # static checkers and IDEs see the real names
    from convexity_proofs._api import check
    from convexity_proofs._certificate import CertificateError
    from convexity_proofs._certificate_files import verify, verify_directory
    from convexity_proofs._claimfile import build_claim, load_claims, parse_claims
    from convexity_proofs._engine import Settings, check_claim
    from convexity_proofs._proof import ProofStep
    from convexity_proofs._values import (
        Attempt,
        Claim,
        Condition,
        CurvatureWitness,
        Domain,
        Expect,
        PointWitness,
        Property,
        SegmentWitness,
        Status,
        Verdict,
    )
    from convexity_proofs.checker import CheckReport
    from convexity_proofs.errors import ClaimError, ConvexityProofsError, ExpressionError
