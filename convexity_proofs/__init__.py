"""convexity-proofs: settle convexity claims with proofs and certified counterexamples.

>>> from convexity_proofs import check
>>> check("log(1 + exp(-y*(w*x + b)))", ["w", "b"]).status.value
'proved'
"""

from convexity_proofs._api import check
from convexity_proofs._claimfile import load_claims, parse_claims
from convexity_proofs._engine import Settings, check_claim
from convexity_proofs._values import (
    Attempt,
    Claim,
    Condition,
    CurvatureWitness,
    Domain,
    Expect,
    PointWitness,
    ProofStep,
    Property,
    SegmentWitness,
    Status,
    Verdict,
)
from convexity_proofs.errors import ClaimError, ConvexityProofsError, ExpressionError

__version__ = "0.1.0"

__all__ = [
    "Attempt",
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
    "check",
    "check_claim",
    "load_claims",
    "parse_claims",
]
