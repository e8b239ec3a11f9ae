"""Flat segments: equality in Jensen's inequality refutes strict convexity (and concavity).

A segment on which f is exactly affine (a piecewise-linear piece, an affine function,
a flat direction of a singular constant Hessian) is certified only with exact rational
arithmetic: ``certify_segment(..., relation="=")`` never accepts an equality of balls.

:func:`structural` finds flat directions from the structure of f, over QQ:

* an affine inner map: f depends on the variables only through affine forms
  ``a_i·x + b_i`` (the arguments of its nonlinear parts) plus an affine addend, so every
  v with ``a_i·v = 0`` for all i moves none of them and f is affine along v;
* the Hessian's kernel (smooth f of at most :data:`MAX_HESSIAN_VARIABLES` variables):
  a constant v with ``H(x)·v = 0`` identically, found by matching the expanded entries'
  terms (each distinct term gives one linear equation in v), so ``vᵀH v = 0`` along
  every line in direction v.

Each direction is then certified: first a segment witness with exact rationals
(through a point where the affine forms vanish, so exp(0) = 1 and log(1) = 0 keep the
values rational), else an ``affine-on-line`` step: the restriction f(p + t·v),
computed exactly by :func:`convexity_proofs.kernel.lines.restriction`, is A + B·t (the
checker recomputes it), which needs no rational value at all (log(1 + exp(w·x)) with
collinear data).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import sympy

from convexity_proofs._problem import Problem
from convexity_proofs._proof import LineFact, ProofStep
from convexity_proofs._values import Quantifier, Witness
from convexity_proofs.kernel.identities import expansion_bound
from convexity_proofs.kernel.lines import restriction
from convexity_proofs.refuters import segment
from convexity_proofs.refuters._space import candidate_points, simple_values

_STEPS = (Fraction(1), Fraction(1, 2), Fraction(1, 8), Fraction(1, 64))


def along_direction(problem: Problem, direction: dict[sympy.Symbol, Fraction]) -> Witness | None:
    """A segment through a simple interior point along ``direction`` with f exactly affine."""
    base = {s: simple_values(problem.domains[s], interior=True)[0] for s in problem.variables}
    params = {s: simple_values(problem.domains[s], interior=False)[0] for s in problem.parameters}
    for step in _STEPS:
        a = {s: base[s] + step * direction.get(s, Fraction(0)) for s in problem.variables}
        b = {s: base[s] - step * direction.get(s, Fraction(0)) for s in problem.variables}
        if all(
            problem.domains[s].contains(a[s]) and problem.domains[s].contains(b[s])
            for s in problem.variables
        ):
            return equal_on_segment(problem, a, b, params, "flat direction")
    return None


def equal_on_segment(
    problem: Problem,
    a: dict[sympy.Symbol, Fraction],
    b: dict[sympy.Symbol, Fraction],
    params: dict[sympy.Symbol, Fraction],
    argument: str,
) -> Witness | None:
    """Exact equality f(mid) = chord at t = 1/2, on the function as written."""
    return segment.certify_segment(
        problem.carrier,
        a,
        b,
        Fraction(1, 2),
        params,
        problem.variables,
        problem.parameters,
        relation="=",
        total=problem.total,
        argument=argument,
    )


def search(problem: Problem, points: int = 12) -> Witness | None:
    """Short axis and diagonal segments from seeded candidate points (count-bounded)."""
    rng = np.random.default_rng(problem.seed)
    symbols = problem.variables + problem.parameters
    candidates = candidate_points(symbols, problem.domains, set(problem.variables), rng, points)
    directions = [{v: Fraction(1)} for v in problem.variables]
    directions.append({v: Fraction(1) for v in problem.variables})
    for point in candidates:
        for direction in directions:
            if problem.deadline.expired():
                return None
            params = {s: point[s] for s in problem.parameters}
            for step in (Fraction(1, 2), Fraction(1, 16)):
                a = {s: point[s] for s in problem.variables}
                b = {s: point[s] + step * direction.get(s, Fraction(0)) for s in problem.variables}
                if not all(problem.domains[s].contains(b[s]) for s in problem.variables):
                    continue
                witness = equal_on_segment(problem, a, b, params, "flat segment")
                if witness is not None:
                    return witness
    return None


# --- flat directions from the structure of f -------------------------------------------

#: The Hessian's kernel is looked for in at most this many variables.
MAX_HESSIAN_VARIABLES = 6
#: ... and only for expressions of at most this many operations.
MAX_HESSIAN_OPS = 400
#: An expanded Hessian entry may have at most this many terms.
MAX_ENTRY_TERMS = 2_000
#: How many directions are certified at most.
MAX_DIRECTIONS = 4

Linear = tuple[dict[sympy.Symbol, sympy.Expr], sympy.Expr]
Vector = dict[sympy.Symbol, Fraction]


def _linear(node: sympy.Expr, variables: frozenset[sympy.Symbol]) -> Linear | None:
    """(coefficients, constant) when ``node`` is affine in the variables by its structure
    (sums, products by variable-free factors), else None."""
    if not (node.free_symbols & variables):
        return {}, node
    if isinstance(node, sympy.Symbol):
        return {node: sympy.S.One}, sympy.S.Zero
    if isinstance(node, sympy.Add):
        coeffs: dict[sympy.Symbol, sympy.Expr] = {}
        constant: sympy.Expr = sympy.S.Zero
        for arg in node.args:
            part = _linear(arg, variables)
            if part is None:
                return None
            for s, c in part[0].items():
                coeffs[s] = coeffs.get(s, sympy.S.Zero) + c
            constant += part[1]
        return coeffs, constant
    if isinstance(node, sympy.Mul):
        moving = [a for a in node.args if a.free_symbols & variables]
        if len(moving) != 1:
            return None
        scale = sympy.Mul(*[a for a in node.args if not (a.free_symbols & variables)])
        part = _linear(moving[0], variables)
        if part is None:
            return None
        return {s: scale * c for s, c in part[0].items()}, scale * part[1]
    return None


def affine_forms(expr: sympy.Expr, variables: tuple[sympy.Symbol, ...]) -> list[Linear]:
    """The affine forms through which f depends on the variables (besides an affine
    addend): the affine arguments of its nonlinear parts, each maximal."""
    chosen = frozenset(variables)
    forms: list[Linear] = []
    stack: list[tuple[sympy.Basic, bool]] = [(expr, True)]
    while stack:
        node, top = stack.pop()
        if not (node.free_symbols & chosen):
            continue
        if isinstance(node, sympy.core.relational.Relational):
            stack.append((node.lhs - node.rhs, False))
            continue
        part = _linear(node, chosen) if isinstance(node, sympy.Expr) else None
        if part is not None:
            if not top:
                forms.append(part)
            continue
        if isinstance(node, sympy.Add):
            affine = [a for a in node.args if _linear(a, chosen) is not None]
            rest = [a for a in node.args if _linear(a, chosen) is None]
            if top:
                stack.extend((a, True) for a in rest)
            else:
                if affine:
                    stack.append((sympy.Add(*affine), False))
                stack.extend((a, False) for a in rest)
            continue
        if isinstance(node, sympy.Mul) and top:
            moving = [a for a in node.args if a.free_symbols & chosen]
            if len(moving) == 1:
                stack.append((moving[0], True))
                continue
        stack.extend((a, False) for a in node.args)
    return forms


def _fraction(value: sympy.Expr) -> Fraction | None:
    if isinstance(value, sympy.Rational):
        return Fraction(int(value.p), int(value.q))
    return None


def _nullspace(rows: list[list[Fraction]], n: int) -> list[list[Fraction]]:
    """A basis of {v : row·v = 0 for every row}, exact (reduced row echelon form)."""
    matrix, pivots = _echelon([r for r in rows if any(r)], n)
    basis = []
    for free in range(n):
        if free in pivots:
            continue
        v = [Fraction(0)] * n
        v[free] = Fraction(1)
        for row, col in enumerate(pivots):
            v[col] = -matrix[row][free]
        basis.append(v)
    return basis


def _integral(v: list[Fraction]) -> list[Fraction]:
    """v scaled to coprime integers, its first nonzero entry positive."""
    import math

    lcm = 1
    for q in v:
        lcm = lcm * q.denominator // math.gcd(lcm, q.denominator)
    ints = [int(q * lcm) for q in v]
    g = 0
    for k in ints:
        g = math.gcd(g, abs(k))
    g = g or 1
    first = next((k for k in ints if k != 0), 1)
    sign = 1 if first > 0 else -1
    return [Fraction(sign * k // g) for k in ints]


def form_directions(expr: sympy.Expr, variables: tuple[sympy.Symbol, ...]) -> list[Vector] | None:
    """Directions moving none of f's affine forms (None: a form's coefficients are not
    rational numbers)."""
    rows = []
    for coeffs, _ in affine_forms(expr, variables):
        row = [_fraction(sympy.expand(coeffs.get(s, sympy.S.Zero))) for s in variables]
        if any(q is None for q in row):
            return None
        rows.append([q for q in row if q is not None])
    return [
        dict(zip(variables, _integral(v), strict=True)) for v in _nullspace(rows, len(variables))
    ]


def hessian_directions(expr: sympy.Expr, variables: tuple[sympy.Symbol, ...]) -> list[Vector]:
    """Constant v with H(x)·v = 0 identically, shown term by term: every distinct term
    (a rational coefficient times the rest) of the expanded entries of row i gives the
    equation sum_j coeff_ij·v_j = 0.  Sufficient, not necessary (hidden identities)."""
    n = len(variables)
    if n == 0 or n > MAX_HESSIAN_VARIABLES:
        return []
    if sympy.count_ops(expr, visual=False) > MAX_HESSIAN_OPS:
        return []
    rows: list[list[Fraction]] = []
    gradient = [sympy.diff(expr, s) for s in variables]
    for i in range(n):
        numerators = _row_numerators([sympy.diff(gradient[i], s) for s in variables])
        if numerators is None:
            return []
        equations: dict[sympy.Expr, list[Fraction]] = {}
        for j, numerator in enumerate(numerators):
            for term in sympy.Add.make_args(numerator):
                if term == 0:
                    continue
                coeff, rest = term.as_coeff_Mul()
                q = _fraction(coeff)
                if q is None:
                    return []
                row = equations.setdefault(rest, [Fraction(0)] * n)
                row[j] += q
        rows.extend(equations.values())
    return [dict(zip(variables, _integral(v), strict=True)) for v in _nullspace(rows, n)]


def numeric_hessian_directions(
    problem: Problem, params: dict[sympy.Symbol, Fraction]
) -> list[Vector] | None:
    """Candidate kernel directions of the Hessian from float Hessians (Taylor jets) at a
    few seeded points, the parameters at ``params``: the common null space of the
    stacked matrices, rounded to small integers.  Only a screen: a direction counts once
    it is certified exactly.  [] when the Hessians have no common kernel; None when f
    cannot be evaluated there (then the symbolic kernel is asked)."""
    program = problem.program
    variables = problem.variables
    n = len(variables)
    if program is None or n == 0 or n > MAX_HESSIAN_VARIABLES * 2:
        return None
    rng = np.random.default_rng(problem.seed ^ 0x5EED)
    points = candidate_points(variables, problem.domains, set(variables), rng, 8)[5:]
    if not points:
        return None
    pairs = [(i, i) for i in range(n)] + [(i, j) for i in range(n) for j in range(i + 1, n)]
    index = {s: k for k, s in enumerate(program.inputs)}
    rows, moves = [], []
    for point in points:
        base = [0.0] * len(program.inputs)
        for s, q in {**params, **point}.items():
            if s in index:
                base[index[s]] = float(q)
        for i, j in pairs:
            move = [0.0] * len(program.inputs)
            move[index[variables[i]]] += 1.0
            if j != i:
                move[index[variables[j]]] += 1.0
            rows.append(base)
            moves.append(move)
    _, _, second = program.jets(np.array(rows), np.array(moves))
    if not np.all(np.isfinite(second)):
        return None
    blocks = []
    per = len(pairs)
    for k in range(len(points)):
        d2 = second[k * per : (k + 1) * per]
        h = np.zeros((n, n))
        for (i, j), value in zip(pairs, d2, strict=True):
            if i == j:
                h[i, i] = value
        for (i, j), value in zip(pairs, d2, strict=True):
            if i != j:
                h[i, j] = h[j, i] = (value - h[i, i] - h[j, j]) / 2
        scale = np.max(np.abs(h))
        blocks.append(h / scale if scale > 0 else h)
    _, sigma, vt = np.linalg.svd(np.vstack(blocks))
    top = sigma[0] if sigma.size else 0.0
    null = [vt[k] for k in range(n) if k >= sigma.size or sigma[k] <= 1e-9 * max(top, 1e-300)]
    out = []
    for vector in _reduced(np.array(null))[:MAX_DIRECTIONS]:
        peak = vector[np.argmax(np.abs(vector))]
        rounded = [Fraction(float(c / peak)).limit_denominator(12) for c in vector]
        if any(rounded):
            out.append(dict(zip(variables, _integral(rounded), strict=True)))
    return out


def _reduced(basis: np.ndarray) -> list[np.ndarray]:
    """The rows of a float basis in reduced row echelon form (pivots 1): a null space
    spanned by (1, 1, 0) and (0, 0, 1) comes back as those, not as a rotation of them."""
    if basis.size == 0:
        return []
    m = basis.astype(float).copy()
    rows, cols = m.shape
    r = 0
    for c in range(cols):
        if r == rows:
            break
        pivot = r + int(np.argmax(np.abs(m[r:, c])))
        if abs(m[pivot, c]) < 1e-9:
            continue
        m[[r, pivot]] = m[[pivot, r]]
        m[r] = m[r] / m[r, c]
        for i in range(rows):
            if i != r:
                m[i] = m[i] - m[i, c] * m[r]
        r += 1
    return [m[i] for i in range(r)]


def _row_numerators(entries: list[sympy.Expr]) -> list[sympy.Expr] | None:
    """The row's entries over one common denominator D (a product of their own), as
    expanded numerators: sum_j H_ij·v_j = 0 exactly when sum_j N_j·v_j = 0 (D != 0 where
    the entries are defined).  None when a piece is too large."""
    parts = []
    for entry in entries:
        if expansion_bound(entry, MAX_ENTRY_TERMS) > MAX_ENTRY_TERMS:
            return None
        parts.append(sympy.together(entry).as_numer_denom())
    denominators: list[sympy.Expr] = []
    for _, d in parts:
        if d != 1 and d not in denominators:
            denominators.append(d)
    out = []
    for numerator, d in parts:
        others = [e for e in denominators if e != d]
        product = sympy.Mul(numerator, *others)
        if expansion_bound(product, MAX_ENTRY_TERMS) > MAX_ENTRY_TERMS:
            return None
        out.append(sympy.expand(product))
    return out


def _zero_point(
    forms: list[Linear], variables: tuple[sympy.Symbol, ...], base: Vector
) -> Vector | None:
    """A point where as many affine forms as can be made to vanish at once do (greedily,
    in order), the other coordinates at ``base``; None when no form has rational data."""
    n = len(variables)
    system: list[list[Fraction]] = []  # rows [a_1..a_n | -b]
    for coeffs, constant in forms:
        row = [_fraction(sympy.expand(coeffs.get(s, sympy.S.Zero))) for s in variables]
        b = _fraction(sympy.expand(constant))
        if b is None or any(q is None for q in row):
            continue
        candidate = [*[q for q in row if q is not None], -b]
        if _consistent([*system, candidate], n):
            system.append(candidate)
    if not system:
        return None
    return _solve(system, variables, base)


def _echelon(system: list[list[Fraction]], n: int) -> tuple[list[list[Fraction]], list[int]]:
    matrix = [list(r) for r in system]
    pivots: list[int] = []
    rank = 0
    for col in range(n):
        pivot = next((i for i in range(rank, len(matrix)) if matrix[i][col] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        lead = matrix[rank][col]
        matrix[rank] = [x / lead for x in matrix[rank]]
        for i in range(len(matrix)):
            if i != rank and matrix[i][col] != 0:
                factor = matrix[i][col]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[rank], strict=True)]
        pivots.append(col)
        rank += 1
    return matrix, pivots


def _consistent(system: list[list[Fraction]], n: int) -> bool:
    matrix, _ = _echelon(system, n)
    return all(any(r[:n]) or r[n] == 0 for r in matrix)


def _solve(
    system: list[list[Fraction]], variables: tuple[sympy.Symbol, ...], base: Vector
) -> Vector:
    n = len(variables)
    matrix, pivots = _echelon(system, n)
    point = {s: base[s] for s in variables}
    for row, col in enumerate(pivots):
        value = matrix[row][n]
        for k in range(n):
            if k != col and k not in pivots:
                value -= matrix[row][k] * base[variables[k]]
        point[variables[col]] = value
    return point


def _pinned_values(problem: Problem) -> dict[sympy.Symbol, Fraction]:
    return {s: simple_values(problem.domains[s], interior=False)[0] for s in problem.parameters}


def _reach(problem: Problem, base: Vector, direction: Vector) -> Fraction | None:
    for step in _STEPS:
        if all(
            problem.domains[s].contains(base[s] + step * direction[s])
            and problem.domains[s].contains(base[s] - step * direction[s])
            for s in problem.variables
        ):
            return step
    return None


def _line_step(
    problem: Problem, base: Vector, direction: Vector, pinned: dict[sympy.Symbol, Fraction]
) -> ProofStep | None:
    reach = _reach(problem, base, direction)
    if reach is None:
        return None
    found = restriction(problem.function, base, direction, pinned)
    if found is None:
        return None
    value, slope = found
    fact = LineFact(
        point=tuple((s, base[s]) for s in problem.variables),
        direction=tuple((s, direction[s]) for s in problem.variables),
        reach=reach,
        value=value,
        slope=slope,
    )
    conclusion = "not-strictly-convex" if problem.sign > 0 else "not-strictly-concave"
    return ProofStep("affine-on-line", problem.function, conclusion, facts=(fact,))


def _witness_through(
    problem: Problem, base: Vector, direction: Vector, params: dict[sympy.Symbol, Fraction]
) -> Witness | None:
    reach = _reach(problem, base, direction)
    if reach is None:
        return None
    a = {s: base[s] + reach * direction[s] for s in problem.variables}
    b = {s: base[s] - reach * direction[s] for s in problem.variables}
    return equal_on_segment(problem, a, b, params, "flat direction")


def structural(problem: Problem) -> Witness | ProofStep | None:
    """A segment witness or an ``affine-on-line`` step along a flat direction found from
    the structure of f (an affine inner map's kernel, the Hessian's kernel)."""
    if not problem.variables or not problem.total:
        return None
    variables = problem.variables
    f = problem.function
    params = _pinned_values(problem)
    symbolic = True
    directions = form_directions(f, variables)
    if directions is None and problem.parameters:
        symbolic = False
        directions = form_directions(f.xreplace(_sympy_values(params)), variables)
    forms_found = bool(directions)
    if not directions and problem.smooth and not problem.deadline.expired():
        directions = numeric_hessian_directions(problem, params)
        if directions is None:  # no float screen: the symbolic kernel (costlier)
            target = f if symbolic else f.xreplace(_sympy_values(params))
            directions = hessian_directions(target, variables)
    if not directions:
        return None
    interior = {s: simple_values(problem.domains[s], interior=True) for s in variables}
    if any(not values for values in interior.values()):
        return None
    base = {s: values[0] for s, values in interior.items()}
    target = f.xreplace(_sympy_values(params))
    bases = [base]
    if forms_found:
        zero = _zero_point(affine_forms(target, variables), variables, base)
        if (
            zero is not None
            and zero != base
            and all(problem.domains[s].contains_interior(zero[s]) for s in variables)
        ):
            bases.insert(0, zero)
    some = problem.claim.quantifier is Quantifier.SOME and bool(problem.free_parameters)
    # Exact rational values need f rational at rational points (no exp, log, ...).
    rational = not any(isinstance(n, _TRANSCENDENTAL) for n in sympy.preorder_traversal(f))
    for direction in directions[:MAX_DIRECTIONS]:
        for point in bases:
            if problem.deadline.expired():
                return None
            if rational and not some:
                witness = _witness_through(problem, point, direction, params)
                if witness is not None:
                    return witness
        if symbolic:
            step = _line_step(problem, base, direction, {})
            if step is not None:
                return step
        if not some and problem.parameters:
            from convexity_proofs._decision import at_parameters

            pinned = problem.pin(params)
            if pinned.total:
                step = _line_step(pinned, base, direction, params)
                if step is not None:
                    return at_parameters(pinned, (step,), step.conclusion)
    return None


#: Heads whose values at rational points the exact evaluator does not give as rationals.
_TRANSCENDENTAL = (
    sympy.exp,
    sympy.log,
    sympy.sin,
    sympy.cos,
    sympy.tan,
    sympy.sinh,
    sympy.cosh,
    sympy.tanh,
    sympy.atan,
    sympy.erf,
)


def _sympy_values(values: dict[sympy.Symbol, Fraction]) -> dict[sympy.Symbol, sympy.Expr]:
    return {s: sympy.Rational(q.numerator, q.denominator) for s, q in values.items()}
