"""u**2/v on v < 0: jointly concave (it is −u**2/(−v), minus quad-over-lin of u and
−v > 0); nondecreasing in u for u <= 0 and nonincreasing for u >= 0; nonincreasing in
v (d/dv = −u**2/v**2), strictly when u != 0.

The same shape as quad-over-lin, which the prover tries first: this row is the one a
denominator of the other known sign needs.
"""

from __future__ import annotations

import sympy

from convexity_proofs.functions._entry import (
    ALWAYS,
    NEVER,
    U_NONNEG,
    U_NONPOS,
    Entry,
    Monotone,
    Row,
    all_factors_depend,
    on,
)
from convexity_proofs.functions.quad_over_lin import arguments

ENTRY = Entry(
    key="quad-over-negative",
    doc="the quadratic over a negative linear u**2/v, v < 0",
    row=Row(
        "quad-over-negative",
        "u**2/v",
        arguments,
        domain=((1, "negative"),),
        concave=ALWAYS,
        per_argument=(
            Monotone(U_NONPOS, U_NONNEG, U_NONPOS, U_NONNEG),
            Monotone(NEVER, ALWAYS, NEVER, on("nonzero", 0)),
        ),
        name="quad-over-lin u**2/v with v < 0",
    ),
    subject=sympy.Mul,
    claims=all_factors_depend,
    priority=1,
)
