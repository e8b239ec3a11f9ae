"""The equal-loss pair people argue with: θ ≠ σθ with f(θ) = f(σθ).

An illustration for a proved invariance, never a proof condition: two Arb balls that
overlap do not show equality, so the pair is shown as "evaluated independently, the
enclosures overlap", and the proof rests on the symbolic identity alone.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import sympy

from convexity_proofs import _certify
from convexity_proofs._problem import Problem
from convexity_proofs._values import Condition, format_number
from convexity_proofs.refuters._space import candidate_points


def example(problem: Problem) -> Condition | None:
    """A concrete pair θ, σθ in the domain whose losses' enclosures overlap, or None."""
    symbols = tuple(s for s, _ in problem.claim.domains)
    rng = np.random.default_rng(problem.seed)
    mapping = dict(problem.claim.substitution)
    for theta in candidate_points(symbols, problem.domains, set(), rng, 8):
        image = _image(mapping, symbols, theta)
        if image is None or image == theta:
            continue
        if not all(problem.domains[s].contains(v) for s, v in image.items()):
            continue
        left = _certify.ball_value(problem.carrier, theta, 128)
        right = _certify.ball_value(problem.carrier, image, 128)
        if not (left.is_finite() and right.is_finite() and left.overlaps(right)):
            continue
        shown = ", ".join(f"{s} = {format_number(theta[s])}" for s in symbols)
        moved = ", ".join(
            f"{s} = {format_number(image[s])}" for s in symbols if image[s] != theta[s]
        )
        return Condition(
            f"example (an illustration, not a proof condition): at θ = ({shown}) and σθ "
            f"(where {moved}) the loss is {float(left.mid()):.6g} at both points",
            "independent evaluation (Arb balls at 128 bits, overlapping enclosures)",
        )
    return None


def _image(
    mapping: dict[sympy.Symbol, sympy.Expr],
    symbols: tuple[sympy.Symbol, ...],
    theta: dict[sympy.Symbol, Fraction],
) -> dict[sympy.Symbol, Fraction] | None:
    image: dict[sympy.Symbol, Fraction] = {}
    for s in symbols:
        if s in mapping:
            value = _certify.exact_value(mapping[s], theta)
            if value is None:
                return None
            image[s] = value
        else:
            image[s] = theta[s]
    return image
