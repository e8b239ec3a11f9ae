"""Pictures of verdicts, for people: a witness drawn is a witness understood.

A certified counterexample is a handful of exact rationals; seeing the function rise
above its chord, or bend away from its tangent, makes it obvious *why* the claim fails.
Every curve here is evaluated in floats with :mod:`convexity_proofs._numeric`: a
picture illustrates a verdict, it never decides one (that was certified elsewhere).

matplotlib is an optional extra (``pip install 'convexity-proofs[plot]'``), so it is
imported only inside :func:`write_plots`, and only the object-oriented API is used
(``Figure`` with the Agg/SVG canvases, never ``pyplot``): no global backend is set and
nothing is left open.  Output is byte-for-byte reproducible: no dates or versions in
the metadata and a fixed SVG id salt, so plots can be committed and diffed.

The title (claim name, verdict, function) and the footer (the witness's exact data)
are wrapped to the figure's width, at most a few lines each (then cut with "…"), and
the figure grows taller by the lines added, so that no text runs off the picture.
:func:`verdict_figure` (``Verdict.plot()``) returns the figure instead of writing it.

What is drawn for each verdict (the first rule that applies wins):

* a witness — the refuting witness of a refuted claim, else the first segment or
  curvature witness in the proof steps of a proved ``neither``/``nonconvex``/... claim:

  - :class:`SegmentWitness`: f along the segment from b (s = 0) to a (s = 1), its chord
    and the gap at s = t, over a panel of f minus the chord (the gap itself, so that a
    violation tiny beside the values of f is plain); a contour panel of f around the
    segment for two variables;
  - :class:`CurvatureWitness`: f along the line point + s·direction, its tangent and
    its second-order Taylor parabola, over a panel of f minus its tangent (the
    remainder, whose shape is the curvature) beside the Taylor term f″·s²/2, so that a
    small f″ against a steep linear trend is plain; a contour panel with the point and
    the direction for two variables;
  - :class:`OrderedWitness` (a monotonicity counterexample): f along the one variable
    in which a and b differ, from a to b (the other variables at a's values), with both
    values marked and the level of f(a); a contour panel with the arrow from a to b for
    two variables;
  - :class:`LevelWitness` (a quasiconvexity counterexample): f along the segment from
    b (s = 0) to a (s = 1), the level max(f(a), f(b)) (min for ``<min``) and f(m) at
    s = t beyond it; a contour panel of f around the segment, with that level's
    contour, for two variables;
  - :class:`PointWitness` (an invariance counterexample) and :class:`ValueWitness` (a
    point where f <= 0): nothing, since a single point has no shape worth a picture;

* a one-variable claim settled by a proof (proved, or refuted by a proof of the
  opposite property), other than ``invariant``: f and f'' on an interval inside the
  variable's domain, with every parameter fixed at a simple value of its domain
  (1 or −1 when allowed), stated in the figure; for the properties about f'' (all but
  monotonicity and quasiconvexity, which show f'), f minus its tangent at the middle
  of the interval under f, beside f''·(x − x0)²/2;
* anything else (``unknown``, proofs about several variables, invariance, the reduced
  properties ``strongly-convex``/``log-concave``/``log-convex``, whose witnesses and
  proofs are about another function than f): nothing.
"""

from __future__ import annotations

import functools
import io
import math
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from convexity_proofs._numeric import Program, compile_program
from convexity_proofs._parser import make_symbol
from convexity_proofs._proof import ProofStep
from convexity_proofs._reductions import is_reduced
from convexity_proofs._values import (
    Claim,
    CurvatureWitness,
    Domain,
    LevelWitness,
    OrderedWitness,
    Property,
    SegmentWitness,
    Status,
    Verdict,
    format_number,
)
from convexity_proofs.errors import ConvexityProofsError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

INSTALL_HINT = "plots need matplotlib: pip install 'convexity-proofs[plot]'"

FIGSIZE = (8.0, 4.5)
DPI = 100
#: Height of a figure with a panel under the line panel (a remainder or a gap).
STACKED_HEIGHT = 6.0
#: Samples along a line, and per side of a contour grid: smooth enough, still fast.
LINE_SAMPLES = 401
GRID_SAMPLES = 121
#: Half-length of the line drawn through a curvature witness, in units of ``direction``.
CURVATURE_HALF_LENGTH = 1.0
#: Width of the window shown for a variable with a one-sided or no bound.
DEFAULT_WIDTH = 4.0

#: Scoped (``rc_context``) settings: readable type, a light grid, reproducible SVG ids.
_STYLE: dict[str, Any] = {
    "font.size": 10,
    "axes.titlesize": 10.5,
    "axes.labelsize": 10,
    "legend.fontsize": 8.5,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "figure.titlesize": 12,
    "axes.grid": True,
    "grid.alpha": 0.35,
    "grid.linestyle": ":",
    "svg.hashsalt": "convexity-proofs",
    "svg.fonttype": "path",
}
_PNG_METADATA: dict[str, Any] = {"Software": None}
_SVG_METADATA: dict[str, Any] = {"Date": None}

_CURVE = "#1f4e99"
_CHORD = "#d95f02"
_MARK = "#c1121f"
TITLE_SIZE = 11.5
FOOTER_SIZE = 8.5
#: A generous average glyph width of the text font (DejaVu Sans), in ems: the widths
#: text is wrapped to are worked out from it and the figure's width.
_EM_PER_CHAR = 0.62
#: Lines of the title's first part (claim name and verdict), of its function, and of
#: the footer; more are cut with "…" (the report has the full text).
_MAX_NAME_LINES = 2
_MAX_FUNCTION_LINES = 3
_MAX_FOOTER_LINES = 5
#: Line spacing of wrapped text, in multiples of its font size.
_LINE_SPACING = 1.25
#: Footer pieces are kept whole on a line when they fit; this joins them.
_SEPARATOR = "  |  "
#: Relative size (to |f|) under which a remainder or gap is float noise, not shape: its
#: panel then shows it flat on the scale of f rather than magnified (see _floored).
_NOISE = 1e-9
#: Characters a panel title may take beside a side panel.
_MAX_PANEL_TITLE = 48

Assignment = tuple[tuple[str, Fraction], ...]


class PlotUnavailable(ConvexityProofsError, ImportError):
    """Plots were asked for but matplotlib (the ``plot`` extra) is not installed.

    An :class:`ImportError` too, as a notebook user calling ``verdict.plot()`` expects.
    """

    def __init__(self) -> None:
        super().__init__(INSTALL_HINT)


# --- the entry point ------------------------------------------------------------------


def write_plots(verdicts: Sequence[Verdict], directory: Path) -> list[Path]:
    """Draw each verdict that has something to show; return the files written.

    For a claim named ``n`` the files are ``n.png`` and ``n.svg`` (the name sanitised to
    ``[A-Za-z0-9._-]``; a repeated name gets ``-2``, ``-3``... in verdict order).  The
    paths come back in verdict order, PNG before SVG; verdicts with nothing to draw
    (see the module docstring) are skipped.  ``directory`` is created if needed.

    Raises :class:`PlotUnavailable` when matplotlib is not installed, before touching
    the file system.
    """
    matplotlib, figure_class = load_matplotlib()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    used: set[str] = set()
    with matplotlib.rc_context(_STYLE):
        for verdict in verdicts:
            stem = _unique_stem(verdict.claim.name, used)
            fig = _new_figure(figure_class)
            if not draw_verdict(fig, verdict):
                continue
            used.add(stem)
            for suffix, metadata in ((".png", _PNG_METADATA), (".svg", _SVG_METADATA)):
                path = directory / f"{stem}{suffix}"
                fig.savefig(path, format=suffix[1:], dpi=DPI, metadata=metadata)
                written.append(path)
    return written


def verdict_figure(verdict: Verdict) -> Figure | None:
    """The figure :func:`write_plots` would write for ``verdict``, or None when it
    writes nothing for it (see the module docstring): for notebooks (``Verdict.plot()``).

    The figure is a ``matplotlib.figure.Figure`` (no pyplot, nothing registered
    globally) that also renders itself as PNG for Jupyter, so it shows as a cell's value
    with or without an inline backend.  Raises :class:`PlotUnavailable` (an
    :class:`ImportError` naming ``pip install 'convexity-proofs[plot]'``) when
    matplotlib is not installed.
    """
    matplotlib, _ = load_matplotlib()
    with matplotlib.rc_context(_STYLE):
        fig = _new_figure(_notebook_figure_class())
        return fig if draw_verdict(fig, verdict) else None


def _new_figure(figure_class: type[Figure]) -> Figure:
    return figure_class(figsize=FIGSIZE, dpi=DPI, layout="constrained")


@functools.cache
def _notebook_figure_class() -> type[Figure]:
    """A ``Figure`` with ``_repr_png_``: Jupyter shows it without pyplot or a backend."""
    matplotlib, figure_class = load_matplotlib()

    class NotebookFigure(figure_class):  # type: ignore[valid-type,misc]
        """A figure of a verdict, shown in Jupyter as the PNG :func:`write_plots` writes."""

        def _repr_png_(self) -> bytes:
            buffer = io.BytesIO()
            with matplotlib.rc_context(_STYLE):
                self.savefig(buffer, format="png", dpi=DPI, metadata=_PNG_METADATA)
            return buffer.getvalue()

    NotebookFigure.__module__ = __name__
    NotebookFigure.__qualname__ = "NotebookFigure"
    return NotebookFigure


def load_matplotlib() -> tuple[Any, type[Figure]]:
    """matplotlib and its ``Figure``, imported now: plotting is an optional extra."""
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError as err:
        raise PlotUnavailable() from err
    return matplotlib, Figure


def _unique_stem(name: str, used: set[str]) -> str:
    """A safe file stem: no separators, no leading dot, never a name already written."""
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", name).lstrip(".") or "claim"
    candidate, n = stem, 1
    while candidate in used:
        n += 1
        candidate = f"{stem}-{n}"
    return candidate


def draw_verdict(fig: Figure, verdict: Verdict) -> bool:
    """Draw ``verdict`` on ``fig``; False when there is nothing worth drawing."""
    claim = verdict.claim
    if is_reduced(claim.property):
        # Its witnesses and proofs are about log f or f − m/2·|x|², which the panels
        # (titled "f") would mislabel: nothing is drawn rather than a wrong picture.
        return False
    witness = _witness_to_draw(verdict)
    if isinstance(witness, SegmentWitness):
        return _draw_segment(fig, verdict, witness)
    if isinstance(witness, CurvatureWitness):
        return _draw_curvature(fig, verdict, witness)
    if isinstance(witness, OrderedWitness):
        return _draw_ordered(fig, verdict, witness)
    if isinstance(witness, LevelWitness):
        return _draw_level(fig, verdict, witness)
    settled_by_proof = verdict.status is Status.PROVED or (
        verdict.status is Status.REFUTED and verdict.witness is None
    )
    if settled_by_proof and len(claim.variables) == 1 and claim.property != Property.INVARIANT:
        return _draw_function(fig, verdict)
    return False


def _witness_to_draw(
    verdict: Verdict,
) -> SegmentWitness | CurvatureWitness | OrderedWitness | LevelWitness | None:
    """The refuting witness, else the first segment or curvature witness of the proof.

    The two ordered witnesses of a proved ``nonmonotone`` claim are not drawn: either
    alone would show half of the proof (a one-variable claim shows f and f'' instead).
    """
    if verdict.status is Status.REFUTED:
        w = verdict.witness
        drawable = SegmentWitness | CurvatureWitness | OrderedWitness | LevelWitness
        return w if isinstance(w, drawable) else None
    if verdict.status is Status.PROVED:
        for step in _walk(verdict.proof):
            if isinstance(step.witness, SegmentWitness | CurvatureWitness):
                return step.witness
    return None


def _walk(steps: Iterable[ProofStep]) -> Iterable[ProofStep]:
    """Proof steps depth-first, in the order a reader meets them."""
    for step in steps:
        yield step
        yield from _walk(step.children)


# --- float evaluation of the claim's function -----------------------------------------


@dataclass(frozen=True, slots=True)
class _Restricted:
    """f with its parameters fixed, evaluated in floats on rows of variable values."""

    program: Program
    fixed: np.ndarray

    @classmethod
    def build(
        cls, claim: Claim, variables: Sequence[str], parameters: Assignment
    ) -> _Restricted | None:
        inputs = [make_symbol(n) for n in variables] + [make_symbol(n) for n, _ in parameters]
        program = compile_program(claim.function, inputs)
        if program is None:
            return None
        return cls(program, np.array([float(v) for _, v in parameters], dtype=float))

    def _full(self, x: np.ndarray) -> np.ndarray:
        fixed = np.broadcast_to(self.fixed, (x.shape[0], self.fixed.size))
        return np.hstack([x, fixed])

    def values(self, x: np.ndarray) -> np.ndarray:
        """f at each row of ``x``; non-finite values become NaN (gaps in the plot)."""
        out = self.program.values(self._full(x))
        return np.where(np.isfinite(out), out, np.nan)

    def jets(self, x: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, ...]:
        """(f, f', f'') of s ↦ f(x + s·v) at s = 0, per row."""
        zeros = np.zeros((x.shape[0], self.fixed.size))
        f, d1, d2 = self.program.jets(self._full(x), np.hstack([v, zeros]))
        return tuple(np.where(np.isfinite(a), a, np.nan) for a in (f, d1, d2))


def _vector(assignment: Assignment) -> np.ndarray:
    return np.array([float(v) for _, v in assignment], dtype=float)


def _names(assignment: Assignment) -> list[str]:
    return [n for n, _ in assignment]


# --- segment witnesses ----------------------------------------------------------------

_RELATION_CAPTION = {
    ">": "f rises above its chord",
    "<": "f falls below its chord",
    "=": "f lies on its chord",
}


def _sample_segment(
    verdict: Verdict, w: SegmentWitness | LevelWitness
) -> tuple[_Restricted, list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """f (parameters fixed at the witness's) sampled on the segment from b (s = 0) to
    a (s = 1), or None when it cannot be evaluated there."""
    names = _names(w.a)
    fn = _Restricted.build(verdict.claim, names, w.parameters)
    if fn is None:
        return None
    a, b = _vector(w.a), _vector(w.b)
    s = np.linspace(0.0, 1.0, LINE_SAMPLES)
    along = fn.values(b + s[:, None] * (a - b))
    if not np.isfinite(along).any():
        return None
    return fn, names, a, b, s, along


def _draw_segment(fig: Figure, verdict: Verdict, w: SegmentWitness) -> bool:
    """f along b → a against its chord, and the gap at s = t that settles the claim."""
    sampled = _sample_segment(verdict, w)
    if sampled is None:
        return False
    fn, names, a, b, s, along = sampled
    fb, fa = along[0], along[-1]
    t = float(w.t)

    ax, side, below = _stacked(fig, side=len(names) == 2)
    ax.plot(s, along, color=_CURVE, lw=2, label="f(b + s·(a − b))")
    ax.plot([0, 1], [fb, fa], color=_CHORD, lw=1.6, ls="--", label="chord from f(b) to f(a)")
    ax.plot([0, 1], [fb, fa], "o", color=_CHORD, ms=5)
    ax.vlines(t, min(w.at_t, w.chord), max(w.at_t, w.chord), color=_MARK, lw=1.2, ls=":")
    # Above the legend (zorder 5): the marks at s = t are the point of the picture.
    ax.plot([t], [w.chord], "s", color=_CHORD, mfc="white", ms=7, zorder=6, label="chord at s = t")
    ax.plot([t], [w.at_t], "o", color=_MARK, ms=7, zorder=6, label="f at s = t")
    ax.set_xlim(-0.03, 1.03)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0\n(b)", "0.25", "0.5", "0.75", "1\n(a)"])
    ax.set_ylabel("f")
    ax.set_title(
        f"{_RELATION_CAPTION[w.relation]}: at t = {format_number(w.t)}, "
        f"{_num(w.at_t)} {w.relation} {_num(w.chord)}"
    )
    shown = np.concatenate([along, [w.at_t, w.chord]])
    _legend_with_room(ax, _limits(shown), above=w.relation != "<")
    _draw_gap(below, s, along, w)

    if side is not None:
        box = _box_around([a, b], verdict.claim, names)
        _contour(side, fn, box, names, focus=along)
        side.plot([b[0], a[0]], [b[1], a[1]], color="white", lw=3.2, solid_capstyle="round")
        side.plot([b[0], a[0]], [b[1], a[1]], color=_CHORD, lw=1.6)
        mid = b + t * (a - b)
        side.plot(*mid, "o", color=_MARK, ms=6, mec="white")
        _mark_ends(side, a, b)
        side.set_title("f around the segment (t marked)")

    details = f"a: {_point(w.a)}  |  b: {_point(w.b)}  |  t = {_exact(w.t)}"
    if w.argument == "permutation" and w.swap:
        details += f"  (b is a with {w.swap}, so f(a) = f(b))"
    _frame(fig, verdict, details, w.parameters)
    return True


def _draw_gap(ax: Axes, s: np.ndarray, along: np.ndarray, w: SegmentWitness) -> None:
    """f minus its chord along the segment: the gap whose sign settles the claim, at its
    own scale (f may span hundreds where the gap is a tenth)."""
    fb, fa = along[0], along[-1]
    gap = along - (fb + s * (fa - fb))
    at_t = _segment_gap(w)
    t = float(w.t)
    ax.axhline(0, color=_CHORD, lw=1.6, ls="--", label="chord (0)")
    ax.plot(s, gap, color=_CURVE, lw=2, label="f − chord")
    ax.vlines(t, min(at_t, 0.0), max(at_t, 0.0), color=_MARK, lw=1.2, ls=":")
    ax.plot([t], [at_t], "o", color=_MARK, ms=7, zorder=6, label="gap at s = t")
    ax.set_xlabel("s  (the point b + s·(a − b))")
    ax.set_ylabel("f − chord")
    ax.set_title(f"f minus its chord: the gap at s = t is {_num(at_t)}")
    limits = _floored(_limits(np.concatenate([gap, [at_t, 0.0]])), along)
    _legend_with_room(ax, limits, above=w.relation != "<", ncol=_legend_columns(ax))


def _segment_gap(w: SegmentWitness) -> float:
    """f(m) − chord at s = t: from the certified values (their midpoints) when recorded,
    so that a gap far smaller than f is not lost to rounding, else from the decimals."""
    f_m, chord = w.recorded("f_m"), w.recorded("chord")
    if f_m is None or chord is None:
        return float(w.at_t - w.chord)
    return float((f_m.lo + f_m.hi) / 2 - (chord.lo + chord.hi) / 2)


# --- ordered witnesses (monotonicity) -------------------------------------------------

#: Caption of each relation of f(a) to f(b), a < b in the moved variable.
_ORDER_CAPTION = {
    ">": ("f falls from a to b", ">"),
    "<": ("f rises from a to b", "<"),
    ">=": ("f does not rise from a to b", "≥"),
    "<=": ("f does not fall from a to b", "≤"),
}


def _draw_ordered(fig: Figure, verdict: Verdict, w: OrderedWitness) -> bool:
    """f along the one variable in which a and b differ, from a to b, both values marked."""
    names = _names(w.a)
    a, b = _vector(w.a), _vector(w.b)
    moved = [i for i in range(len(names)) if a[i] != b[i]]
    if len(moved) != 1 or w.relation not in _ORDER_CAPTION:
        return False
    (i,) = moved
    fn = _Restricted.build(verdict.claim, names, w.parameters)
    if fn is None:
        return False
    x = np.linspace(a[i], b[i], LINE_SAMPLES)
    points = np.repeat(a[None, :], LINE_SAMPLES, axis=0)
    points[:, i] = x
    along = fn.values(points)
    if not np.isfinite(along).any():
        return False
    fa, fb = _recorded(w, "f_a", along[0]), _recorded(w, "f_b", along[-1])

    axes = _panels(fig, contour=len(names) == 2)
    ax = axes[0]
    name = names[i]
    ax.plot(x, along, color=_CURVE, lw=2, label=f"f along {name}")
    ax.hlines(fa, a[i], b[i], color=_CHORD, lw=1.4, ls="--", label="the level f(a)")
    ax.vlines(b[i], min(fa, fb), max(fa, fb), color=_MARK, lw=1.2, ls=":")
    ax.plot([a[i]], [fa], "s", color=_CHORD, mfc="white", ms=7, zorder=6, label="f(a)")
    ax.plot([b[i]], [fb], "o", color=_MARK, ms=7, zorder=6, label="f(b)")
    for at, value, label in ((a[i], fa, "a"), (b[i], fb, "b")):
        ax.annotate(label, (at, value), xytext=(6, 6), textcoords="offset points", weight="bold")
    pad = 0.03 * (b[i] - a[i])
    ax.set_xlim(a[i] - pad, b[i] + pad)
    ticks = np.linspace(a[i], b[i], 5)
    labels = [_num(float(q)) for q in ticks]
    labels[0] = f"{_exact(w.a[i][1])}\n(a)"
    labels[-1] = f"{_exact(w.b[i][1])}\n(b)"
    ax.set_xticks(ticks, labels)
    others = [n for n in names if n != name]
    ax.set_xlabel(f"{name}  ({', '.join(others)} fixed at a's values)" if others else name)
    ax.set_ylabel("f")
    caption, symbol = _ORDER_CAPTION[w.relation]
    ax.set_title(f"{caption}: f(a) = {_num(fa)} {symbol} f(b) = {_num(fb)}")
    _legend_with_room(ax, _limits(np.concatenate([along, [fa, fb]])), above=True)

    if len(axes) == 2:
        box = _box_around([a, b], verdict.claim, names)
        _contour(axes[1], fn, box, names, focus=along)
        axes[1].plot([a[0], b[0]], [a[1], b[1]], color="white", lw=3.2, solid_capstyle="round")
        axes[1].annotate(
            "",
            xy=tuple(b),
            xytext=tuple(a),
            arrowprops={"arrowstyle": "-|>", "color": _CHORD, "lw": 2, "mutation_scale": 16},
        )
        _mark_ends(axes[1], a, b)
        axes[1].set_title(f"f around a and b (arrow: a to b, along {name})")

    details = f"a: {_point(w.a)}  |  b: {_point(w.b)}  |  {name} moves, a < b"
    _frame(fig, verdict, details, w.parameters)
    return True


# --- level witnesses (quasiconvexity) -------------------------------------------------

#: Caption, the level's name and its comparison, for each relation of f(m) to the ends.
_LEVEL_CAPTION = {
    ">max": ("f rises above both ends: its sublevel set is not convex", "max", ">"),
    "<min": ("f falls below both ends: its superlevel set is not convex", "min", "<"),
}


def _draw_level(fig: Figure, verdict: Verdict, w: LevelWitness) -> bool:
    """f along b → a against the level max(f(a), f(b)) (or min), f(m) beyond it."""
    if w.relation not in _LEVEL_CAPTION:
        return False
    sampled = _sample_segment(verdict, w)
    if sampled is None:
        return False
    fn, names, a, b, s, along = sampled
    t = float(w.t)
    fb, fa = _recorded(w, "f_b", along[0]), _recorded(w, "f_a", along[-1])
    fm = _recorded(w, "f_m", float(fn.values((b + t * (a - b))[None, :])[0]))
    caption, which, symbol = _LEVEL_CAPTION[w.relation]
    level = max(fa, fb) if which == "max" else min(fa, fb)

    axes = _panels(fig, contour=len(names) == 2)
    ax = axes[0]
    ax.plot(s, along, color=_CURVE, lw=2, label="f(b + s·(a − b))")
    ax.axhline(level, color=_CHORD, lw=1.6, ls="--", label=f"the level {which}(f(a), f(b))")
    ax.plot([0, 1], [fb, fa], "o", color=_CHORD, ms=5, label="f(b), f(a)")
    ax.vlines(t, min(level, fm), max(level, fm), color=_MARK, lw=1.2, ls=":")
    ax.plot([t], [fm], "o", color=_MARK, ms=7, zorder=6, label="f(m) at s = t")
    ax.set_xlim(-0.03, 1.03)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0\n(b)", "0.25", "0.5", "0.75", "1\n(a)"])
    ax.set_xlabel("s  (the point b + s·(a − b))")
    ax.set_ylabel("f")
    # Beside a contour panel the caption takes two lines, to stay above its own panel.
    ax.set_title(caption.replace(": ", ":\n") if len(axes) == 2 else caption)
    shown = np.concatenate([along, [fm, level]])
    _legend_with_room(ax, _limits(shown), above=which == "max")

    if len(axes) == 2:
        box = _box_around([a, b], verdict.claim, names)
        _contour(axes[1], fn, box, names, focus=along, level=level)
        axes[1].plot([b[0], a[0]], [b[1], a[1]], color="white", lw=3.2, solid_capstyle="round")
        axes[1].plot([b[0], a[0]], [b[1], a[1]], color=_CHORD, lw=1.6)
        axes[1].plot(*(b + t * (a - b)), "o", color=_MARK, ms=6, mec="white")
        _mark_ends(axes[1], a, b)
        axes[1].set_title(f"f around the segment (m marked; dashed: f = {which})")

    values = f"f(m) = {_num(fm)} {symbol} {_num(level)} = {which}(f(a), f(b))"
    details = f"{values}  |  a: {_point(w.a)}  |  b: {_point(w.b)}  |  t = {_exact(w.t)}"
    _frame(fig, verdict, details, w.parameters)
    return True


def _recorded(w: OrderedWitness | LevelWitness, key: str, fallback: float) -> float:
    """The certified value ``key`` (its midpoint), else the float evaluation."""
    value = w.recorded(key)
    return value.approximate() if value is not None else float(fallback)


def _mark_ends(ax: Axes, a: np.ndarray, b: np.ndarray) -> None:
    """The points a and b on a contour panel, labelled."""
    for point, label in ((a, "a"), (b, "b")):
        ax.plot(*point, "o", color="black", ms=6, mec="white")
        ax.annotate(label, tuple(point), xytext=(5, 5), textcoords="offset points", weight="bold")


# --- curvature witnesses --------------------------------------------------------------

_SIGN_CAPTION = {
    "<0": ("curves downward", "< 0"),
    ">0": ("curves upward", "> 0"),
    "!=0": ("curves", "≠ 0"),
}


def _draw_curvature(fig: Figure, verdict: Verdict, w: CurvatureWitness) -> bool:
    """f along the line through the point, against its tangent and Taylor parabola."""
    names = _names(w.point)
    fn = _Restricted.build(verdict.claim, names, w.parameters)
    if fn is None:
        return False
    p, d = _vector(w.point), _vector(w.direction)
    lo, hi = _line_range(verdict.claim, names, p, d, CURVATURE_HALF_LENGTH)
    if not hi > lo:
        return False
    s = np.linspace(lo, hi, LINE_SAMPLES)
    along = fn.values(p + s[:, None] * d)
    f0, d1, d2 = (float(v[0]) for v in fn.jets(p[None, :], d[None, :]))
    if not np.isfinite(along).any() or not math.isfinite(f0):
        return False
    curvature = w.second_derivative if math.isfinite(w.second_derivative) else d2
    tangent = f0 + d1 * s
    taylor = tangent + curvature * s * s / 2

    ax, side, below = _stacked(fig, side=len(names) == 2)
    ax.plot(s, along, color=_CURVE, lw=2, label="f(point + s·direction)")
    ax.plot(s, taylor, color=_CHORD, lw=1.6, ls="--", label="f + f′·s + f″·s²/2")
    ax.plot(s, tangent, color="0.45", lw=1.1, ls=":", label="tangent f + f′·s")
    ax.plot([0], [f0], "o", color=_MARK, ms=7, zorder=6, label="the point (s = 0)")
    ax.set_ylabel("f")
    word, relation = _SIGN_CAPTION.get(w.sign, _SIGN_CAPTION["!=0"])
    ax.set_title(f"f {word}: f″ = {_num(curvature)} {relation}")
    _legend_with_room(ax, _curvature_limits(along, taylor), above=w.sign != ">0")
    _draw_remainder(below, s, along, tangent, curvature, above=w.sign != ">0")
    below.plot([0], [0], "o", color=_MARK, ms=6, zorder=6)
    below.set_xlabel("s  (the point + s·direction)")

    if side is not None:
        ends = [p + lo * d, p + hi * d]
        box = _box_around([p, *ends], verdict.claim, names)
        _contour(side, fn, box, names, focus=along)
        side.plot(*np.array(ends).T, color="white", lw=1.2, ls="--")
        side.annotate(
            "",
            xy=tuple(p + hi * d),
            xytext=tuple(p),
            arrowprops={"arrowstyle": "-|>", "color": _CHORD, "lw": 2, "mutation_scale": 16},
        )
        side.plot(*p, "o", color=_MARK, ms=7, mec="white")
        side.set_title("f around the point (arrow: direction)")

    details = f"point: {_point(w.point)}  |  direction: {_point(w.direction)}"
    _frame(fig, verdict, details, w.parameters)
    return True


def _draw_remainder(
    ax: Axes,
    s: np.ndarray,
    along: np.ndarray,
    tangent: np.ndarray,
    curvature: float,
    *,
    above: bool,
    abscissa: np.ndarray | None = None,
    offset: str = "s",
    at: str = "",
    robust: bool = False,
) -> None:
    """f minus its tangent line, beside the Taylor term f″·s²/2 (s the offset from the
    tangent point): the bending, at its own scale, with the linear trend taken out.

    The curves are drawn against ``abscissa`` (default ``s``), named ``offset`` in the
    formulas; ``at`` names the tangent point in the title (empty: the point of the panel
    above); ``robust`` fits the y-range to the bulk of the remainder, not to a blow-up
    near an edge of the domain.
    """
    x = s if abscissa is None else abscissa
    rest = along - tangent
    quadratic = curvature * s * s / 2
    ax.axhline(0, color="0.45", lw=1.1, ls=":", label="tangent (0)")
    ax.plot(x, rest, color=_CURVE, lw=2, label="f − tangent")
    ax.plot(x, quadratic, color=_CHORD, lw=1.6, ls="--", label=f"f″·{offset}²/2")
    ax.set_ylabel("f − tangent")
    title = f"f minus its tangent at {at}" if at else "f minus its tangent"
    formula = f" ≈ f″·{offset}²/2 = {_num(curvature / 2)}·{offset}²"
    # The formula only when it fits beside a side panel too; the legend names the term.
    ax.set_title(title + formula if len(title + formula) <= _MAX_PANEL_TITLE else title)
    if robust:
        lo, hi = _robust_limits(rest)
        limits = (min(lo, 0.0), max(hi, 0.0))
    else:
        limits = _curvature_limits(rest, quadratic)
    _legend_with_room(ax, _floored(limits, along), above=above, ncol=_legend_columns(ax))


def _legend_columns(ax: Axes) -> int:
    """Three legend entries on one row across the figure, two per row beside a panel."""
    return 3 if ax.get_subplotspec().get_gridspec().ncols == 1 else 2


def _floored(limits: tuple[float, float], along: np.ndarray) -> tuple[float, float]:
    """``limits``, unless they span less than :data:`_NOISE` times the size of f (the
    95th percentile of |f|): a remainder that is rounding noise is then shown flat, on
    the scale over which f itself varies (1 for a constant), not magnified."""
    lo, hi = limits
    finite = along[np.isfinite(along)]
    if finite.size == 0:
        return lo, hi
    if hi - lo >= _NOISE * float(np.percentile(np.abs(finite), 95)):
        return lo, hi
    f_lo, f_hi = (float(q) for q in np.percentile(finite, [5, 95]))
    span = f_hi - f_lo if f_hi > f_lo else 1.0
    mid = (lo + hi) / 2
    return mid - span / 2, mid + span / 2


def _curvature_limits(along: np.ndarray, taylor: np.ndarray) -> tuple[float, float]:
    """The y-range of f and its parabola, unless a steep parabola would squash f flat."""
    f_lo, f_hi = _limits(along)
    lo, hi = _limits(np.concatenate([along, taylor]))
    if f_hi > f_lo and hi - lo > 4 * (f_hi - f_lo):
        return f_lo, f_hi
    return lo, hi


def _limits(values: np.ndarray) -> tuple[float, float]:
    finite = values[np.isfinite(values)]
    return float(finite.min()), float(finite.max())


def _legend_with_room(ax: Axes, limits: tuple[float, float], *, above: bool, ncol: int = 2) -> None:
    """A two-column legend in an empty band added above (or below) the data.

    "best" placement cannot avoid the curve when it spans the panel; a band of its own
    keeps the mark at s = t, the point of the picture, always visible.
    """
    lo, hi = limits
    span = hi - lo if hi > lo else max(abs(hi), 1.0)
    room, pad = 0.42 * span, 0.06 * span
    if above:
        ax.set_ylim(lo - pad, hi + room)
    else:
        ax.set_ylim(lo - room, hi + pad)
    loc = "upper center" if above else "lower center"
    ax.legend(loc=loc, ncol=ncol, framealpha=0.9, columnspacing=1.2, handlelength=1.8)


# --- one-variable claims settled by a proof -------------------------------------------


#: Properties about the first derivative: their second panel is f′, not f″.
_FIRST_ORDER = frozenset(
    {
        Property.NONDECREASING,
        Property.NONINCREASING,
        Property.INCREASING,
        Property.DECREASING,
        Property.NONMONOTONE,
        Property.QUASICONVEX,
        Property.QUASICONCAVE,
        Property.QUASILINEAR,
    }
)


def _pinned_values(verdict: Verdict) -> dict[str, Fraction]:
    """The parameter values a proof at fixed parameters (``at-parameters``) used."""
    from convexity_proofs._proof import ContextFact

    roots = verdict.proof or verdict.refuting_proof
    for step in roots:
        if step.rule == "at-parameters":
            for fact in step.facts_of(ContextFact):
                return {s.name: Fraction(q) for s, q in fact.pinned}
    return {}


def _draw_function(fig: Figure, verdict: Verdict) -> bool:
    """f and f'' (f' for monotonicity and quasiconvexity) of a one-variable claim; the
    parameters at the values a proof at fixed parameters used, else at simple values.

    With f'', f minus its tangent at the middle of the interval goes under f: the
    bending f'' measures, visible even when a steep linear trend hides it in f."""
    claim = verdict.claim
    (x,) = claim.variables
    pinned = _pinned_values(verdict)
    parameters = tuple(
        (s.name, pinned.get(s.name, _simple_value(claim.domain_of(s)))) for s in claim.parameters
    )
    fn = _Restricted.build(claim, [x.name], parameters)
    if fn is None:
        return False
    lo, hi = _domain_window(claim.domain_of(x), -DEFAULT_WIDTH * 0.75, DEFAULT_WIDTH * 0.75)
    grid = np.linspace(lo, hi, LINE_SAMPLES)[:, None]
    f, d1, d2 = fn.jets(grid, np.ones_like(grid))
    if not np.isfinite(f).any():
        return False
    first = claim.property in _FIRST_ORDER
    derivative, mark = (d1, "′") if first else (d2, "″")

    middle = _tangent_index(f, d1)
    if first or middle is None:
        left, right = _panels(fig, contour=True)
        left.set_xlabel(x.name)
    else:
        left, right, below = _stacked(fig, side=True)
        assert right is not None
        x0 = float(grid[middle, 0])
        s = grid[:, 0] - x0
        tangent = float(f[middle]) + float(d1[middle]) * s
        _draw_remainder(
            below,
            s,
            f,
            tangent,
            float(d2[middle]),
            above=True,
            abscissa=grid[:, 0],
            offset=_offset_name(x.name, x0),
            at=f"{x.name} = {_num(x0)}",
            robust=True,
        )
        below.set_xlabel(x.name)
    left.plot(grid[:, 0], f, color=_CURVE, lw=2)
    _robust_ylim(left, f, include_zero=False)
    left.set_ylabel(f"f({x.name})")
    left.set_title("f")
    right.axhline(0, color="0.3", lw=0.9)
    right.plot(grid[:, 0], derivative, color=_CHORD, lw=2)
    right.fill_between(
        grid[:, 0], 0, derivative, where=np.isfinite(derivative), color=_CHORD, alpha=0.15
    )
    _robust_ylim(right, derivative, include_zero=True)
    right.set_xlabel(x.name)
    right.set_ylabel(f"f{mark}({x.name})")
    right.set_title(f"f{mark} (floats, for illustration)")
    if verdict.status is Status.PROVED:
        details = f"proved {claim.property}"
    else:
        details = f"'{claim.property}' refuted by a proof of the opposite"
    _frame(fig, verdict, details, parameters)
    return True


def _offset_name(name: str, x0: float) -> str:
    """``x``, ``(x − 2)`` or ``(x + 2)``: the offset from the tangent point, in words."""
    if x0 == 0:
        return name
    return f"({name} {'−' if x0 > 0 else '+'} {_num(abs(x0))})"


def _tangent_index(f: np.ndarray, d1: np.ndarray) -> int | None:
    """The sample nearest the middle where f and f′ are finite (a tangent point)."""
    finite = np.flatnonzero(np.isfinite(f) & np.isfinite(d1))
    if finite.size == 0:
        return None
    middle = (f.size - 1) / 2
    return int(finite[np.argmin(np.abs(finite - middle))])


def _robust_ylim(ax: Axes, values: np.ndarray, *, include_zero: bool) -> None:
    """The full range, unless a blow-up near a domain edge would flatten the rest."""
    if not np.isfinite(values).any():
        return
    lo, hi = _robust_limits(values)
    if include_zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    pad = 0.06 * (hi - lo) if hi > lo else 1.0
    ax.set_ylim(lo - pad, hi + pad)


def _robust_limits(values: np.ndarray) -> tuple[float, float]:
    """The range of the finite ``values``, unless a blow-up would flatten the rest."""
    finite = values[np.isfinite(values)]
    lo, hi = float(finite.min()), float(finite.max())
    r_lo, r_hi = (float(q) for q in np.percentile(finite, [5, 95]))
    if r_hi > r_lo and hi - lo > 4 * (r_hi - r_lo):
        spread = r_hi - r_lo
        lo, hi = max(lo, r_lo - 0.5 * spread), min(hi, r_hi + 0.5 * spread)
    return lo, hi


def _simple_value(domain: Domain) -> Fraction:
    """A memorable value inside ``domain`` (1, −1, 0, else the midpoint) for a parameter."""
    for q in (Fraction(1), Fraction(-1), Fraction(0)):
        if domain.contains(q):
            return q
    lo, hi = domain.lo, domain.hi
    if lo is not None and hi is not None:
        return (lo + hi) / 2
    return (lo + 1) if lo is not None else (hi - 1)  # type: ignore[operator]


def _domain_window(domain: Domain, lo: float, hi: float) -> tuple[float, float]:
    """[lo, hi] moved and clipped inside ``domain``, stepping off any open end."""
    dlo = float(domain.lo) if domain.lo is not None else None
    dhi = float(domain.hi) if domain.hi is not None else None
    if dlo is not None and dhi is not None:
        lo, hi = dlo, dhi
    elif dlo is not None:
        lo, hi = dlo, dlo + DEFAULT_WIDTH
    elif dhi is not None:
        lo, hi = dhi - DEFAULT_WIDTH, dhi
    step = 0.0025 * (hi - lo)
    if domain.lo_open and dlo is not None:
        lo += step
    if domain.hi_open and dhi is not None:
        hi -= step
    return lo, hi


# --- geometry: windows inside the domains ---------------------------------------------


def _line_range(
    claim: Claim, names: Sequence[str], p: np.ndarray, d: np.ndarray, half: float
) -> tuple[float, float]:
    """[−half, half] shrunk so that p + s·d stays inside every variable's domain."""
    lo, hi = -half, half
    for name, pi, di in zip(names, p, d, strict=True):
        if di == 0:
            continue
        dom = claim.domain_of(make_symbol(name))
        for bound, is_open, is_lower in ((dom.lo, dom.lo_open, True), (dom.hi, dom.hi_open, False)):
            if bound is None:
                continue
            edge = (float(bound) - pi) / di * (0.995 if is_open else 1.0)
            # A lower bound with d > 0 (or an upper one with d < 0) limits s from below.
            if is_lower == (di > 0):
                lo = max(lo, edge)
            else:
                hi = min(hi, edge)
    return lo, hi


_Box = tuple[tuple[float, float], tuple[float, float]]


def _box_around(points: Sequence[np.ndarray], claim: Claim, names: Sequence[str]) -> _Box:
    """A square-ish window around ``points`` (two coordinates), clipped to the domains."""
    pts = np.array(points)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    span = max(float((hi - lo).max()), 1.0)
    centre = (lo + hi) / 2
    box = []
    for i, name in enumerate(names):
        w_lo, w_hi = centre[i] - 0.8 * span, centre[i] + 0.8 * span
        dom = claim.domain_of(make_symbol(name))
        d_lo, d_hi = _domain_window(dom, w_lo, w_hi)
        if dom.lo is not None:
            w_lo = max(w_lo, d_lo)
        if dom.hi is not None:
            w_hi = min(w_hi, d_hi)
        box.append((w_lo, w_hi))
    return box[0], box[1]


def _contour(
    ax: Axes,
    fn: _Restricted,
    box: _Box,
    names: Sequence[str],
    *,
    focus: np.ndarray,
    level: float | None = None,
) -> None:
    """Filled contours of f over ``box``, levels fitted to ``focus`` (f along the line).

    ``level``, when given and inside the range of f over the box, is drawn as a dashed
    contour of its own (the boundary of a level witness's sublevel set).

    Levels spanning the whole box would spend every colour on a far corner where f is
    huge; fitted to the range along the witness's line (with as much again either side),
    the bands show how f behaves where the witness lives.
    """
    from matplotlib.ticker import MaxNLocator

    (x_lo, x_hi), (y_lo, y_hi) = box
    gx, gy = np.meshgrid(
        np.linspace(x_lo, x_hi, GRID_SAMPLES), np.linspace(y_lo, y_hi, GRID_SAMPLES)
    )
    z = fn.values(np.column_stack([gx.ravel(), gy.ravel()])).reshape(gx.shape)
    finite = z[np.isfinite(z)]
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    ax.grid(False)
    if finite.size == 0:
        return
    lo, hi = (float(q) for q in np.percentile(finite, [2, 98]))
    f_lo, f_hi = _limits(focus)
    margin = max(f_hi - f_lo, 0.1 * (hi - lo))
    lo, hi = max(lo, f_lo - margin), min(hi, f_hi + margin)
    if not hi > lo:
        lo, hi = float(finite.min()), float(finite.max()) + 1e-12
    levels = MaxNLocator(nbins=14).tick_values(lo, hi)
    masked = np.ma.masked_invalid(z)
    filled = ax.contourf(gx, gy, masked, levels=levels, cmap="viridis", extend="both")
    ax.contour(gx, gy, masked, levels=levels[::3], colors="white", linewidths=0.5, alpha=0.6)
    if level is not None and float(finite.min()) < level < float(finite.max()):
        ax.contour(gx, gy, masked, levels=[level], colors=_CHORD, linewidths=1.4, linestyles="--")
    ax.figure.colorbar(filled, ax=ax, label="f", shrink=0.9)


# --- figure furniture -----------------------------------------------------------------


def _panels(fig: Figure, *, contour: bool) -> list[Axes]:
    """One wide panel, or the line panel beside a second (contour) panel."""
    if not contour:
        return [fig.add_subplot()]
    grid = fig.add_gridspec(1, 2, width_ratios=(1.15, 1))
    return [fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])]


def _stacked(fig: Figure, *, side: bool) -> tuple[Axes, Axes | None, Axes]:
    """The line panel over a panel sharing its x axis (a remainder or a gap), and, when
    ``side``, a panel beside both; the figure grows to :data:`STACKED_HEIGHT`.

    Returns (line, side or None, below), created in that order (``fig.axes`` order).
    """
    width, height = fig.get_size_inches()
    fig.set_size_inches(width, max(height, STACKED_HEIGHT))
    columns = {"ncols": 2, "width_ratios": (1.15, 1)} if side else {"ncols": 1}
    grid = fig.add_gridspec(nrows=2, height_ratios=(1.5, 1), **columns)
    line = fig.add_subplot(grid[0, 0])
    beside = fig.add_subplot(grid[:, 1]) if side else None
    below = fig.add_subplot(grid[1, 0], sharex=line)
    line.tick_params(labelbottom=False)
    return line, beside, below


def _frame(fig: Figure, verdict: Verdict, details: str, parameters: Assignment) -> None:
    """Title (claim, verdict, function) on top; the exact data underneath."""
    claim = verdict.claim
    verdict_text = f"{verdict.status} {claim.property}"
    # Claim files may spread a long function over several lines: one line here.
    function = " ".join((claim.source or str(claim.function)).split())
    if claim.along:
        # The plot is of the function on the slice: say so, with what it is there.
        line = ", ".join(f"{s.name} = {e}" for s, e in claim.along)
        function = f"{function} along {line}: {claim.function}"
    width = _wrap_width(fig, TITLE_SIZE)
    title = _title_head(claim.name, verdict_text, width)
    title += _wrap(f"f = {function}", width, _MAX_FUNCTION_LINES, separator=None)
    fig.suptitle("\n".join(title), fontsize=TITLE_SIZE)
    if parameters:
        details += f"{_SEPARATOR}parameters fixed: {_point(parameters)}"
    footer = _wrap(details, _wrap_width(fig, FOOTER_SIZE), _MAX_FOOTER_LINES)
    fig.supxlabel("\n".join(footer), fontsize=FOOTER_SIZE, color="0.25")
    # Room for the lines beyond the two of the title and the one of the footer.
    extra = (len(title) - 2) * TITLE_SIZE + (len(footer) - 1) * FOOTER_SIZE
    if extra > 0:
        width_in, height_in = fig.get_size_inches()
        fig.set_size_inches(width_in, height_in + extra * _LINE_SPACING / 72)


def _title_head(name: str, verdict_text: str, width: int) -> list[str]:
    """``name: verdict`` in at most :data:`_MAX_NAME_LINES` lines: a name too long is
    cut ("…"), never the verdict, which is the point of the title."""
    lines = _wrap(f"{name}: {verdict_text}", width, _MAX_NAME_LINES, separator=None)
    if lines[-1].endswith(verdict_text):
        return lines
    lines = _wrap(name, width - len(verdict_text) - 3, _MAX_NAME_LINES, separator=None)
    last = lines[-1]
    cut = last.endswith(" …")
    lines[-1] = last.removesuffix(" …").rstrip() + ("…: " if cut else ": ") + verdict_text
    return lines


def _wrap_width(fig: Figure, fontsize: float) -> int:
    """Characters of text at ``fontsize`` that fit across the figure, with a margin."""
    return max(24, int(0.94 * fig.get_figwidth() * 72 / (fontsize * _EM_PER_CHAR)))


def _wrap(text: str, width: int, max_lines: int, separator: str | None = _SEPARATOR) -> list[str]:
    """``text`` in lines of at most ``width`` characters, at most ``max_lines`` of them.

    Pieces between ``separator`` stay whole on a line when they fit, so that data like
    ``a: x = 1  |  b: x = 2`` breaks between the pieces; a piece too long for a line is
    wrapped at spaces, never those of `` = `` (inside a word only when the word alone
    is too long).  Lines
    beyond ``max_lines`` are dropped, the last kept one ending in "…".
    """
    pieces = text.split(separator) if separator else [text]
    joint = separator or ""
    lines: list[str] = []
    for piece in pieces:
        if lines and len(lines[-1]) + len(joint) + len(piece) <= width:
            lines[-1] += joint + piece
        else:
            # "x = 1" is kept on one line: its spaces are hidden from textwrap.
            kept = piece.replace(" = ", "\0=\0")
            wrapped = textwrap.wrap(kept, width, break_on_hyphens=False) or [""]
            lines.extend(line.replace("\0", " ") for line in wrapped)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 2].rstrip() + " …"
    return lines


def _point(assignment: Assignment) -> str:
    """Exact coordinates as written in reports: ``w1 = 2, w2 = 3/4``."""
    return ", ".join(f"{n} = {_exact(v)}" for n, v in assignment)


def _exact(q: Fraction) -> str:
    return str(format_number(q)).replace("-", "−")


def _num(x: float) -> str:
    """A float for a caption, with a typographic minus like the axes use."""
    return f"{x:.4g}".replace("-", "−")


__all__: list[str] = [
    "INSTALL_HINT",
    "PlotUnavailable",
    "draw_verdict",
    "verdict_figure",
    "write_plots",
]
