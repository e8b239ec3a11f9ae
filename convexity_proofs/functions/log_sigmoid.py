"""log(1/(1 + exp(v))) = -softplus(v) = log σ(-v): concave, strictly decreasing.

The form binary cross-entropy takes when typed with the sigmoid.
"""

from __future__ import annotations

import sympy

from convexity_proofs.functions._entry import ALWAYS, DOWN, Arguments, Entry, Row, log_of


def one_plus_exp_inverse(e: sympy.Expr) -> sympy.Expr | None:
    """v when ``e`` is 1/(1 + exp(v))."""
    if not (e.is_Pow and e.args[1] == -1 and e.args[0].is_Add and len(e.args[0].args) == 2):
        return None
    first, second = e.args[0].args
    other = second if first == 1 else first if second == 1 else None
    return other.args[0] if other is not None and type(other) is sympy.exp else None


def arguments(e: sympy.Expr) -> Arguments | None:
    """log(1/(1 + exp(v)))."""
    inside = log_of(e)
    v = None if inside is None else one_plus_exp_inverse(inside)
    return None if v is None else (v,)


ENTRY = Entry(
    key="log-sigmoid",
    doc="the logarithm of the sigmoid",
    row=Row(
        "log-sigmoid",
        "log(1/(1 + exp(v)))",
        arguments,
        concave=ALWAYS,
        **DOWN,
        name="log(1/(1+exp(v))) = -softplus(v)",
    ),
    subject=sympy.log,
    priority=0,
)
