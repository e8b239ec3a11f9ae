"""log(1 - 1/(1 + exp(v))) = v - softplus(v) = -softplus(-v): concave, strictly increasing."""

from __future__ import annotations

import sympy

from convexity_proofs.functions._entry import CONCAVE_UP, Arguments, Entry, Row, log_of
from convexity_proofs.functions.log_sigmoid import one_plus_exp_inverse


def arguments(e: sympy.Expr) -> Arguments | None:
    """log(1 − 1/(1 + exp(v))) = log σ(v)."""
    inside = log_of(e)
    if inside is None or not inside.is_Add or len(inside.args) != 2:
        return None
    first, second = inside.args
    other = second if first == 1 else first if second == 1 else None
    if other is None:
        return None
    coeff, rest = other.as_coeff_Mul()
    v = one_plus_exp_inverse(rest) if coeff == -1 else None
    return None if v is None else (v,)


ENTRY = Entry(
    key="log-one-minus-sigmoid",
    doc="the logarithm of one minus the sigmoid",
    row=Row(
        "log-one-minus-sigmoid",
        "log(1 - 1/(1 + exp(v)))",
        arguments,
        **CONCAVE_UP,
        name="log(1 - 1/(1+exp(v))) = -softplus(-v)",
    ),
    subject=sympy.log,
    priority=0,
)
