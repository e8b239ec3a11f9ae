"""Vectorised float evaluation for the *search* only: values and directional 2-jets.

Floats lie, so nothing computed here is ever a verdict: it only ranks candidates that
:mod:`convexity_proofs.kernel.evaluate` then decides with exact or ball arithmetic.

An expression is compiled once into a straight-line program over its DAG (shared
subexpressions are computed once).  The program runs on NumPy arrays holding one
entry per candidate, so thousands of (point, direction) pairs cost one pass.  In jet
mode each slot carries (value, first, second) derivatives of s ↦ f(x + s·v) at 0,
which gives vᵀ∇²f(x)v without ever building a Hessian.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import sympy

from convexity_proofs import functions as _registry

Array = np.ndarray
Jet = tuple[Array, Array, Array]

# f, f', f'' for each smooth unary function, and the heads with their own instruction
# (abs, max, min): generated from the function registry (convexity_proofs/functions/).
_UNARY: dict[type, tuple[Callable[[Array], Array], ...]] = {
    head: entry.numeric(np) for head, entry in _registry.HEADS.items() if entry.numeric is not None
}
_LATTICE: dict[type, str] = {
    head: entry.lattice for head, entry in _registry.HEADS.items() if entry.lattice is not None
}


class Unsupported(Exception):
    """The expression holds something the numeric search cannot evaluate."""


@dataclass(frozen=True, slots=True)
class _Instr:
    op: str
    args: tuple[int, ...]
    payload: object = None


class Program:
    """A compiled expression: ``inputs`` are the symbols, in the column order used."""

    def __init__(self, expr: sympy.Expr, inputs: Sequence[sympy.Symbol]) -> None:
        self.inputs = tuple(inputs)
        self._column = {s: i for i, s in enumerate(self.inputs)}
        self._code: list[_Instr] = []
        self._slot: dict[sympy.Basic, int] = {}
        self.result = self._compile(expr)

    @property
    def size(self) -> int:
        """The number of instructions (one per distinct subexpression)."""
        return len(self._code)

    # -- compilation -----------------------------------------------------------------
    def _compile(self, root: sympy.Basic) -> int:
        # Iterative post-order walk: expressions can be far deeper than Python's stack.
        stack: list[tuple[sympy.Basic, bool]] = [(root, False)]
        while stack:
            node, ready = stack.pop()
            if node in self._slot:
                continue
            children = self._children(node)
            if not ready and children:
                stack.append((node, True))
                stack.extend((c, False) for c in reversed(children) if c not in self._slot)
                continue
            self._slot[node] = self._emit(node)
        return self._slot[root]

    @staticmethod
    def _children(node: sympy.Basic) -> list[sympy.Basic]:
        if isinstance(node, sympy.Piecewise):
            out: list[sympy.Basic] = []
            for expr, cond in node.args:
                out.append(expr)
                out.extend(_relational_sides(cond))
            return out
        if node.is_Atom:
            return []
        return list(node.args)

    def _emit(self, node: sympy.Basic) -> int:
        s = self._slot
        if node.is_Symbol:
            if node not in self._column:
                raise Unsupported(f"symbol {node} has no value")
            instr = _Instr("input", (), self._column[node])
        elif node.is_Number or node in (sympy.pi, sympy.E):
            instr = _Instr("const", (), float(node))
        elif node.is_Add:
            instr = _Instr("add", tuple(s[a] for a in node.args))
        elif node.is_Mul:
            instr = _Instr("mul", tuple(s[a] for a in node.args))
        elif node.is_Pow:
            base, exponent = node.args
            if exponent.is_Number:
                instr = _Instr("powc", (s[base],), float(exponent))
            else:
                instr = _Instr("pow", (s[base], s[exponent]))
        elif type(node) in _UNARY:
            instr = _Instr("unary", (s[node.args[0]],), _UNARY[type(node)])
        elif type(node) in _LATTICE:
            op = _LATTICE[type(node)]
            instr = _Instr(op, tuple(s[a] for a in (node.args[:1] if op == "abs" else node.args)))
        elif isinstance(node, sympy.Piecewise):
            branches = [(s[e], self._condition(c)) for e, c in node.args]
            instr = _Instr("piecewise", tuple(b for b, _ in branches), [c for _, c in branches])
        else:
            raise Unsupported(f"cannot evaluate {type(node).__name__} numerically")
        self._code.append(instr)
        return len(self._code) - 1

    def _condition(self, cond: sympy.Basic) -> Callable[[list[Array]], Array]:
        if cond is sympy.true:
            return lambda values: np.array(True)
        if cond is sympy.false:
            return lambda values: np.array(False)
        if isinstance(cond, sympy.And | sympy.Or):
            parts = [self._condition(c) for c in cond.args]
            combine = np.logical_and if isinstance(cond, sympy.And) else np.logical_or
            return lambda values: combine.reduce([p(values) for p in parts])
        if isinstance(cond, sympy.Not):
            inner = self._condition(cond.args[0])
            return lambda values: np.logical_not(inner(values))
        if isinstance(cond, sympy.core.relational.Relational) and type(cond) in _COMPARE:
            lhs, rhs = self._slot[cond.lhs], self._slot[cond.rhs]
            compare = _COMPARE[type(cond)]
            return lambda values: compare(values[lhs], values[rhs])
        raise Unsupported(f"cannot evaluate condition {cond}")

    # -- evaluation ------------------------------------------------------------------
    def values(self, x: Array) -> Array:
        """f at each row of ``x`` (shape (k, len(inputs)))."""
        x = np.asarray(x, dtype=float)
        k = x.shape[0]
        vals: list[Array] = []
        with np.errstate(all="ignore"):
            for ins in self._code:
                vals.append(_value_step(ins, vals, x, k))
        return np.broadcast_to(vals[self.result], (k,)).astype(float)

    def jets(self, x: Array, v: Array) -> Jet:
        """(f, d/ds, d²/ds²) of s ↦ f(x + s·v) at s = 0, one entry per row of x and v."""
        x = np.asarray(x, dtype=float)
        v = np.asarray(v, dtype=float)
        k = x.shape[0]
        jets: list[Jet] = []
        vals: list[Array] = []
        with np.errstate(all="ignore"):
            for ins in self._code:
                jet = _jet_step(ins, jets, vals, x, v, k)
                jets.append(jet)
                vals.append(jet[0])
        f, d1, d2 = jets[self.result]
        return tuple(np.broadcast_to(a, (k,)).astype(float) for a in (f, d1, d2))  # type: ignore[return-value]


_COMPARE = {
    sympy.StrictLessThan: np.less,
    sympy.LessThan: np.less_equal,
    sympy.StrictGreaterThan: np.greater,
    sympy.GreaterThan: np.greater_equal,
    # Not written by claims (the parser refuses == and !=), but SymPy may produce them.
    sympy.Equality: np.equal,
    sympy.Unequality: np.not_equal,
}


def _relational_sides(cond: sympy.Basic) -> list[sympy.Basic]:
    if isinstance(cond, sympy.core.relational.Relational):
        return [cond.lhs, cond.rhs]
    if isinstance(cond, sympy.And | sympy.Or | sympy.Not):
        return [side for c in cond.args for side in _relational_sides(c)]
    return []


def _select(conditions: list[Callable[[list[Array]], Array]], vals: list[Array], k: int) -> Array:
    """Index of the first true condition for each candidate (Piecewise semantics)."""
    chosen = np.full(k, len(conditions) - 1)
    decided = np.zeros(k, dtype=bool)
    for i, cond in enumerate(conditions):
        hit = np.broadcast_to(cond(vals), (k,)) & ~decided
        chosen[hit] = i
        decided |= hit
    return chosen


def _value_step(ins: _Instr, vals: list[Array], x: Array, k: int) -> Array:
    a = [vals[i] for i in ins.args]
    match ins.op:
        case "input":
            return x[:, ins.payload]
        case "const":
            return np.float64(ins.payload)
        case "add":
            return sum(a[1:], a[0])
        case "mul":
            out = a[0]
            for other in a[1:]:
                out = out * other
            return out
        case "powc":
            return np.power(a[0], ins.payload)
        case "pow":
            return np.power(a[0], a[1])
        case "unary":
            return ins.payload[0](a[0])
        case "abs":
            return np.abs(a[0])
        case "max":
            return np.maximum.reduce(np.broadcast_arrays(*a))
        case "min":
            return np.minimum.reduce(np.broadcast_arrays(*a))
        case "piecewise":
            idx = _select(ins.payload, vals, k)
            stacked = np.stack(np.broadcast_arrays(*[np.broadcast_to(b, (k,)) for b in a]))
            return stacked[idx, np.arange(k)]
    raise AssertionError(ins.op)


def _jet_step(ins: _Instr, jets: list[Jet], vals: list[Array], x: Array, v: Array, k: int) -> Jet:
    a = [jets[i] for i in ins.args]
    zero = np.float64(0.0)
    match ins.op:
        case "input":
            return x[:, ins.payload], v[:, ins.payload], zero
        case "const":
            return np.float64(ins.payload), zero, zero
        case "add":
            return (
                sum((j[0] for j in a[1:]), a[0][0]),
                sum((j[1] for j in a[1:]), a[0][1]),
                sum((j[2] for j in a[1:]), a[0][2]),
            )
        case "mul":
            f0, f1, f2 = a[0]
            for g0, g1, g2 in a[1:]:
                f0, f1, f2 = f0 * g0, f1 * g0 + f0 * g1, f2 * g0 + 2 * f1 * g1 + f0 * g2
            return f0, f1, f2
        case "powc":
            p = ins.payload
            u0, u1, u2 = a[0]
            g = (np.power(u0, p), p * np.power(u0, p - 1), p * (p - 1) * np.power(u0, p - 2))
            return _chain(g, u1, u2)
        case "pow":
            # a**b = exp(b·log a): only meaningful for a > 0, where the search looks.
            (u0, u1, u2), (w0, w1, w2) = a
            lg = (np.log(u0), u1 / u0, u2 / u0 - (u1 / u0) ** 2)
            e0 = w0 * lg[0]
            e1 = w1 * lg[0] + w0 * lg[1]
            e2 = w2 * lg[0] + 2 * w1 * lg[1] + w0 * lg[2]
            ex = np.exp(e0)
            return ex, ex * e1, ex * (e2 + e1 * e1)
        case "unary":
            f, df, ddf = ins.payload
            u0, u1, u2 = a[0]
            return _chain((f(u0), df(u0), ddf(u0)), u1, u2)
        case "abs":
            u0, u1, u2 = a[0]
            sign = np.sign(u0)
            return np.abs(u0), sign * u1, sign * u2
        case "max" | "min":
            stacked = [np.stack([np.broadcast_to(j[m], (k,)) for j in a]) for m in range(3)]
            pick = (
                np.argmax(stacked[0], axis=0) if ins.op == "max" else np.argmin(stacked[0], axis=0)
            )
            cols = np.arange(k)
            return stacked[0][pick, cols], stacked[1][pick, cols], stacked[2][pick, cols]
        case "piecewise":
            idx = _select(ins.payload, vals, k)
            stacked = [np.stack([np.broadcast_to(j[m], (k,)) for j in a]) for m in range(3)]
            cols = np.arange(k)
            return stacked[0][idx, cols], stacked[1][idx, cols], stacked[2][idx, cols]
    raise AssertionError(ins.op)


def _chain(g: tuple[Array, Array, Array], u1: Array, u2: Array) -> Jet:
    """Second-order chain rule: (g∘u)'' = g''(u)·u'² + g'(u)·u''."""
    g0, g1, g2 = g
    return g0, g1 * u1, g2 * u1 * u1 + g1 * u2


def compile_program(expr: sympy.Expr, inputs: Sequence[sympy.Symbol]) -> Program | None:
    """A program for ``expr``, or ``None`` when it holds something not evaluable here."""
    try:
        return Program(expr, inputs)
    except Unsupported:
        return None
