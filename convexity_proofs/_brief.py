"""Short text for possibly huge expressions, in time proportional to what is shown.

Proof steps name their subject.  ``sstr`` prints (and sorts) the whole expression
first, which for a 100-point loss took seconds just to be cut to 120 characters; here
large sums and products show their first terms and a count instead.
"""

from __future__ import annotations

import sympy

#: Expressions with at most this many nodes are printed in full.
SMALL = 60


def _small(expr: sympy.Basic) -> bool:
    """At most SMALL nodes (counted with repetition, as sympy.preorder_traversal walks);
    an explicit stack that stops counting there (a generator per node cost more than
    the printing of a small subject)."""
    count = 0
    stack = [expr]
    while stack:
        count += 1
        if count > SMALL:
            return False
        node = stack.pop()
        if isinstance(node, sympy.Basic):
            stack.extend(node.args)
    return True


def brief(expr: sympy.Basic, limit: int = 120, _depth: int = 0) -> str:
    """At most about ``limit`` characters that identify ``expr`` for a reader."""
    if _small(expr):
        text = sympy.sstr(expr, order="none")
    elif _depth > _MAX_DEPTH:
        text = "…"
    else:
        text = _head(expr, limit, _depth + 1)
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: Large expressions are shown to this depth only: a deep tree (or a shared DAG, whose
#: printed form can be exponentially longer than the data) costs no more to name.
_MAX_DEPTH = 8


def _head(expr: sympy.Basic, limit: int, depth: int) -> str:
    if expr.is_Add or expr.is_Mul:
        joiner = " + " if expr.is_Add else "*"
        shown = [brief(a, max(limit // 3, 20), depth) for a in expr.args[:2]]
        rest = len(expr.args) - len(shown)
        tail = f"{joiner}… ({rest} more {'terms' if expr.is_Add else 'factors'})" if rest else ""
        return joiner.join(f"({s})" if expr.is_Mul and " " in s else s for s in shown) + tail
    if expr.is_Pow:
        return f"({brief(expr.args[0], limit - 8, depth)})**{brief(expr.args[1], 8, depth)}"
    if expr.args:
        inner = ", ".join(brief(a, max(limit // 2, 20), depth) for a in expr.args[:3])
        return f"{type(expr).__name__}({inner}{', …' if len(expr.args) > 3 else ''})"
    return sympy.sstr(expr, order="none")[:limit]
