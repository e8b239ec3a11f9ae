"""Plots of verdicts: which files are written, what they say, and that they reproduce."""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from convexity_proofs import Status, Verdict, check
from convexity_proofs._claimfile import build_claim
from convexity_proofs._parser import make_symbol
from convexity_proofs._plot import (
    INSTALL_HINT,
    PlotUnavailable,
    _domain_window,
    _line_range,
    draw_verdict,
    write_plots,
)
from convexity_proofs._values import NONNEGATIVE, POSITIVE, REAL, interval_domain

needs_matplotlib = pytest.mark.skipif(
    importlib.util.find_spec("matplotlib") is None, reason="the plot extra is not installed"
)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _named(verdict: Verdict, name: str) -> Verdict:
    return dataclasses.replace(verdict, claim=dataclasses.replace(verdict.claim, name=name))


@pytest.fixture(scope="module")
def verdicts() -> dict[str, Verdict]:
    """One verdict of each kind that write_plots distinguishes, settled once."""
    made = {
        "segment2": check("abs(w1*w2 - 1)", ["w1", "w2"], expect="fails"),  # non-smooth: segment
        "curvature2": check("x*y", ["x", "y"], expect="fails"),
        "proof-segment": check("sqrt(abs(w))", ["w"], "nonconvex"),
        "proof-curvature": check("sin(x)", ["x"], "neither"),
        "flat": check("abs(x)", ["x"], "strictly-convex", expect="fails"),
        "proved1": check("x**4", ["x"]),
        "proved1-param": check("a*x**2", ["x"], domain={"a": "positive"}),
        "proved2": check("x**2 + y**2", ["x", "y"]),
        "invariance": check(
            "w1 - w2",
            ["w1", "w2"],
            "invariant",
            substitution={"w1": "w2", "w2": "w1"},
            expect="fails",
        ),
        # Ordered witnesses (monotonicity), one per relation, and two variables.
        "ordered-falls": check("x**3 - 3*x", ["x"], "nondecreasing", expect="fails"),
        "ordered-rises": check("x**3 - 3*x", ["x"], "nonincreasing", expect="fails"),
        "ordered-no-rise": check("abs(x) + x", ["x"], "increasing", expect="fails"),
        "ordered-no-fall": check("abs(x) - x", ["x"], "decreasing", expect="fails"),
        "ordered2": check("x**2 - y", ["x", "y"], "nondecreasing", expect="fails"),
        # Level witnesses (quasiconvexity), both relations, one and two variables.
        "level-max": check("sin(x)", ["x"], "quasiconvex", expect="fails"),
        "level-min": check("sin(x)", ["x"], "quasiconcave", expect="fails"),
        "level2": check("x*y", ["x", "y"], "quasiconvex", expect="fails"),
        "level2-min": check("x**2 - y**2", ["x", "y"], "quasiconcave", expect="fails"),
        # Proved claims of the new properties: f and f'' as for convexity.
        "proved-nondecreasing": check("exp(x)", ["x"], "nondecreasing"),
        "proved-quasiconvex": check("x**2", ["x"], "quasiconvex"),
        "proved-nonmonotone": check("x**2", ["x"], "nonmonotone"),
        # Nothing to draw: a value witness, and witnesses or proofs about log f or
        # f - m/2*|x|**2 rather than f.
        "value": check("x - 1", ["x"], "log-concave", expect="fails"),
        "log-convex-refuted": check("x**2 + 1", ["x"], "log-convex", expect="fails"),
        "log-concave-proved": check("exp(-x**2)", ["x"], "log-concave"),
        "strongly-convex-refuted": check(
            "x**4 + 1", ["x"], "strongly-convex", modulus="1", expect="fails"
        ),
        "strongly-convex-proved": check("x**2 + 1", ["x"], "strongly-convex", modulus="1"),
    }
    unknown = dataclasses.replace(made["proved2"], status=Status.UNKNOWN, proof=())
    made["unknown"] = unknown
    return {name: _named(v, name) for name, v in made.items()}


def _figure(verdict: Verdict):  # type: ignore[no-untyped-def]
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 4.5), dpi=100, layout="constrained")
    return fig, draw_verdict(fig, verdict)


def _assert_pictures(paths: list[Path], directory: Path, name: str) -> None:
    assert paths == [directory / f"{name}.png", directory / f"{name}.svg"]
    png, svg = (p.read_bytes() for p in paths)
    assert png.startswith(PNG_SIGNATURE) and len(png) > 1000
    assert b"<svg" in svg


# --- every drawable kind writes a PNG and an SVG --------------------------------------


DRAWABLE = [
    "segment2",
    "curvature2",
    "proof-segment",
    "proof-curvature",
    "flat",
    "proved1-param",
    "ordered-falls",
    "ordered-no-rise",
    "ordered2",
    "level-max",
    "level-min",
    "level2",
    "level2-min",
    "proved-nondecreasing",
    "proved-quasiconvex",
    "proved-nonmonotone",
]


@needs_matplotlib
@pytest.mark.parametrize("kind", DRAWABLE)
def test_each_drawable_kind_writes_png_and_svg(
    kind: str, verdicts: dict[str, Verdict], tmp_path: Path
) -> None:
    paths = write_plots([verdicts[kind]], tmp_path)
    _assert_pictures(paths, tmp_path, kind)


@needs_matplotlib
def test_a_refuting_segment_shows_f_above_its_chord_beside_a_contour(
    verdicts: dict[str, Verdict],
) -> None:
    verdict = verdicts["segment2"]
    assert verdict.witness is not None and verdict.witness.kind == "segment"
    fig, drawn = _figure(verdict)
    assert drawn
    line, contour = fig.axes[:2]
    assert line.get_title().startswith("f rises above its chord: at t = ")
    assert contour.get_xlabel() == "w1" and contour.get_ylabel() == "w2"
    assert "refuted convex" in fig.get_suptitle()
    assert "b is a with w1<->w2" in fig.get_supxlabel()
    # f along the segment starts at f(b) and ends at f(a), like the chord.
    curve, chord = line.get_lines()[:2]
    assert np.allclose(curve.get_ydata()[[0, -1]], chord.get_ydata())


@needs_matplotlib
def test_a_flat_segment_says_f_lies_on_its_chord(verdicts: dict[str, Verdict]) -> None:
    fig, _ = _figure(verdicts["flat"])
    assert fig.axes[0].get_title().startswith("f lies on its chord")
    assert len(fig.axes) == 2  # one variable: f over its gap, no contour panel
    gap = fig.axes[1]
    assert gap.get_title() == "f minus its chord: the gap at s = t is 0"
    # A gap of rounding noise is drawn flat, on the scale of f, not magnified.
    lo, hi = gap.get_ylim()
    assert hi - lo > 0.5


@needs_matplotlib
def test_a_curvature_witness_shows_the_sign_of_f2(verdicts: dict[str, Verdict]) -> None:
    fig, _ = _figure(verdicts["curvature2"])
    assert fig.axes[0].get_title() == "f curves downward: f″ = −2 < 0"
    assert "direction: x = 1, y = −1" in fig.get_supxlabel()
    assert len(fig.axes) == 4  # line, contour, remainder, colour bar
    assert fig.axes[2].get_ylabel() == "f − tangent"


@needs_matplotlib
def test_a_proof_step_witness_is_drawn_for_neither(verdicts: dict[str, Verdict]) -> None:
    fig, _ = _figure(verdicts["proof-curvature"])
    assert "proved neither" in fig.get_suptitle()
    assert fig.axes[0].get_title().startswith("f curves downward")


@needs_matplotlib
def test_a_proved_one_variable_claim_shows_f_and_f2_with_parameters_stated(
    verdicts: dict[str, Verdict],
) -> None:
    fig, _ = _figure(verdicts["proved1-param"])
    assert [ax.get_ylabel() for ax in fig.axes] == ["f(x)", "f″(x)", "f − tangent"]
    assert "parameters fixed: a = 1" in fig.get_supxlabel()
    f2 = fig.axes[1].get_lines()[-1].get_ydata()
    assert np.allclose(f2, 2.0)  # a*x**2 with a = 1
    # Under f: f minus its tangent at x = 0, which for x**2 is x**2 itself.
    below = fig.axes[2]
    assert below.get_title() == "f minus its tangent at x = 0 ≈ f″·x²/2 = 1·x²"
    _, rest, taylor = below.get_lines()
    x = rest.get_xdata()
    assert np.allclose(rest.get_ydata(), x**2) and np.allclose(taylor.get_ydata(), x**2)


# --- the remainder and the gap: small curvature against a steep trend --------------


def _lines(ax) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {line.get_label(): line for line in ax.get_lines()}


@needs_matplotlib
@pytest.mark.parametrize("variables", [["x"], ["x", "y"]])
def test_a_small_curvature_shows_in_the_remainder_under_a_steep_line(
    variables: list[str],
) -> None:
    # f'' = -1/10 along the witness's line, against a slope of 100 (200 for two).
    function = "100*x - x**2/20" if variables == ["x"] else "100*x + 100*y - x*y/20"
    verdict = check(function, variables)
    w = verdict.witness
    assert verdict.status is Status.REFUTED and w is not None and w.kind == "curvature"
    assert w.second_derivative == pytest.approx(-0.1)
    fig, drawn = _figure(verdict)
    assert drawn
    line, below = fig.axes[0], fig.axes[2 if len(variables) == 2 else 1]
    assert line.get_title() == "f curves downward: f″ = −0.1 < 0"
    assert below.get_title() == "f minus its tangent ≈ f″·s²/2 = −0.05·s²"
    assert below.get_ylabel() == "f − tangent"
    assert below.get_shared_x_axes().joined(line, below)
    curves = _lines(below)
    rest, taylor = curves["f − tangent"], curves["f″·s²/2"]
    s = rest.get_xdata()
    assert s.min() < 0 < s.max()
    # The remainder is the curvature: -s**2/20, and so is the Taylor term beside it.
    assert np.allclose(rest.get_ydata(), -(s**2) / 20, atol=1e-9)
    assert np.allclose(taylor.get_ydata(), -(s**2) / 20)
    # ... drawn at its own scale: the bending fills the panel instead of a hairline.
    lo, hi = below.get_ylim()
    assert hi - lo < 0.2 and lo < -0.04
    f_lo, f_hi = line.get_ylim()
    assert f_hi - f_lo > 100


@needs_matplotlib
def test_a_tiny_segment_violation_shows_in_the_gap_panel() -> None:
    verdict = check("100*x - abs(x - 1)/20", ["x"])
    w = verdict.witness
    assert verdict.status is Status.REFUTED and w is not None and w.kind == "segment"
    fig, drawn = _figure(verdict)
    assert drawn and len(fig.axes) == 2
    line, gap = fig.axes
    assert gap.get_title() == "f minus its chord: the gap at s = t is 0.15"
    assert gap.get_shared_x_axes().joined(line, gap)
    curves = _lines(gap)
    along = curves["f − chord"]
    assert np.allclose(along.get_ydata()[[0, -1]], 0.0, atol=1e-9)
    mark = curves["gap at s = t"]
    assert mark.get_xdata().tolist() == [float(w.t)]
    assert mark.get_ydata().tolist() == pytest.approx([0.15])
    lo, hi = gap.get_ylim()
    assert hi - lo < 1 and hi > 0.15


# --- titles and footers fit the figure ------------------------------------------------

LONG_NAME = "the convexity of a weighted sum of squares as stated in the appendix " * 3
LONG_FUNCTION = " + ".join(f"a{i}*x**2" for i in range(30))


@pytest.fixture(scope="module")
def long_verdict() -> Verdict:
    verdict = check(LONG_FUNCTION, ["x"], domain={f"a{i}": "positive" for i in range(30)})
    assert verdict.status is Status.PROVED
    return _named(verdict, LONG_NAME)


@needs_matplotlib
def test_long_titles_and_footers_are_wrapped_inside_the_figure(long_verdict: Verdict) -> None:
    fig, drawn = _figure(long_verdict)
    assert drawn
    title, footer = fig.get_suptitle().split("\n"), fig.get_supxlabel().split("\n")
    assert len(title) > 2 and len(footer) > 1
    # Cut, never the verdict; data pieces like "a3 = 1" are never split across lines.
    assert title[0].startswith("the convexity of") and title[1].endswith("…: proved convex")
    assert title[-1].endswith("…")
    assert all(line.startswith("a") or line.startswith("p") for line in footer[1:])
    assert "parameters fixed: a0 = 1, a1 = 1" in fig.get_supxlabel()
    # The figure grew for the extra lines.
    assert fig.get_figheight() > 6.0
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)  # a drawn figure: the constrained layout is applied
    canvas.draw()
    renderer = canvas.get_renderer()
    box = fig.bbox
    for text in (fig._suptitle, fig._supxlabel):
        extent = text.get_window_extent(renderer)
        assert box.x0 <= extent.x0 and extent.x1 <= box.x1, text.get_text()
        assert box.y0 <= extent.y0 and extent.y1 <= box.y1, text.get_text()
    # The panels kept their room: nothing overlaps the footer or the title.
    for ax in fig.axes:
        panel = ax.get_tightbbox(renderer)
        assert panel.y0 >= fig._supxlabel.get_window_extent(renderer).y1 - 1
        assert panel.y1 <= fig._suptitle.get_window_extent(renderer).y0 + 1


@needs_matplotlib
def test_short_titles_and_footers_are_unchanged(verdicts: dict[str, Verdict]) -> None:
    fig, _ = _figure(verdicts["segment2"])
    assert fig.get_suptitle() == "segment2: refuted convex\nf = abs(w1*w2 - 1)"
    assert "\n" not in fig.get_supxlabel()


# --- verdict.plot() for notebooks -----------------------------------------------------


@needs_matplotlib
def test_verdict_plot_returns_the_figure_write_plots_draws(
    verdicts: dict[str, Verdict], tmp_path: Path
) -> None:
    from matplotlib.figure import Figure

    verdict = verdicts["curvature2"]
    fig = verdict.plot()
    assert isinstance(fig, Figure)
    assert [ax.get_title() for ax in fig.axes[:3]] == [
        "f curves downward: f″ = −2 < 0",
        "f around the point (arrow: direction)",
        "f minus its tangent ≈ f″·s²/2 = −1·s²",
    ]
    assert fig.get_suptitle().startswith("curvature2: refuted convex")
    # It shows itself in Jupyter as the PNG write_plots writes, pyplot or not.
    png = fig._repr_png_()
    (written, _) = write_plots([verdict], tmp_path)
    assert png.startswith(PNG_SIGNATURE) and png == written.read_bytes()


@needs_matplotlib
def test_verdict_plot_is_none_when_nothing_is_drawn(verdicts: dict[str, Verdict]) -> None:
    assert verdicts["unknown"].plot() is None
    assert verdicts["invariance"].plot() is None


def test_verdict_plot_without_matplotlib_raises_an_import_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    verdict = check("x**4", ["x"])
    with pytest.raises(ImportError, match=r"pip install 'convexity-proofs\[plot\]'"):
        verdict.plot()


# --- ordered and level witnesses -----------------------------------------------------


@needs_matplotlib
@pytest.mark.parametrize(
    ("kind", "caption", "relation"),
    [
        ("ordered-falls", "f falls from a to b: f(a) = 2 > f(b) = 0", ">"),
        ("ordered-rises", "f rises from a to b: f(a) = 0 < f(b) = ", "<"),
        ("ordered-no-rise", "f does not rise from a to b: f(a) = ", ">="),
        ("ordered-no-fall", "f does not fall from a to b: f(a) = ", "<="),
    ],
)
def test_an_ordered_witness_shows_f_from_a_to_b_with_both_values(
    kind: str, caption: str, relation: str, verdicts: dict[str, Verdict]
) -> None:
    verdict = verdicts[kind]
    w = verdict.witness
    assert w is not None and w.kind == "ordered" and w.relation == relation
    fig, drawn = _figure(verdict)
    assert drawn and len(fig.axes) == 1  # one variable: no contour panel
    line = fig.axes[0]
    assert line.get_title().startswith(caption)
    assert line.get_xlabel() == "x"
    assert f"refuted {verdict.claim.property}" in fig.get_suptitle()
    # f along x runs from a to b, and its ends are the recorded f(a) and f(b).
    curve = line.get_lines()[0]
    (a,), (b,) = (float(v) for _, v in w.a), (float(v) for _, v in w.b)
    assert curve.get_xdata()[[0, -1]].tolist() == [a, b]
    f_a, f_b = (w.recorded(k).approximate() for k in ("f_a", "f_b"))  # type: ignore[union-attr]
    assert np.allclose(curve.get_ydata()[[0, -1]], [f_a, f_b])


@needs_matplotlib
def test_an_ordered_witness_of_two_variables_has_a_contour_with_the_arrow(
    verdicts: dict[str, Verdict],
) -> None:
    fig, drawn = _figure(verdicts["ordered2"])
    assert drawn and len(fig.axes) == 3  # line, contour, colour bar
    line, contour = fig.axes[:2]
    assert line.get_title().startswith("f falls from a to b")
    assert line.get_xlabel() == "x  (y fixed at a's values)"
    assert contour.get_xlabel() == "x" and contour.get_ylabel() == "y"
    assert contour.get_title() == "f around a and b (arrow: a to b, along x)"
    assert "a: x = −1, y = 0  |  b: x = 0, y = 0  |  x moves" in fig.get_supxlabel()


@needs_matplotlib
@pytest.mark.parametrize(
    ("kind", "caption", "level"),
    [
        ("level-max", "f rises above both ends: its sublevel set is not convex", max),
        ("level-min", "f falls below both ends: its superlevel set is not convex", min),
    ],
)
def test_a_level_witness_shows_f_beyond_the_level_of_its_ends(
    kind: str,
    caption: str,
    level,
    verdicts: dict[str, Verdict],  # type: ignore[no-untyped-def]
) -> None:
    verdict = verdicts[kind]
    w = verdict.witness
    assert w is not None and w.kind == "level"
    fig, drawn = _figure(verdict)
    assert drawn and len(fig.axes) == 1
    line = fig.axes[0]
    assert line.get_title() == caption
    f_a, f_b, f_m = (w.recorded(k).approximate() for k in ("f_a", "f_b", "f_m"))  # type: ignore[union-attr]
    curve, horizontal = line.get_lines()[:2]
    # f along the segment from b (s = 0) to a (s = 1); the level is max (min) of both.
    assert np.allclose(curve.get_ydata()[[0, -1]], [f_b, f_a])
    assert np.allclose(horizontal.get_ydata(), level(f_a, f_b))
    m = line.get_lines()[-1]
    assert m.get_xdata().tolist() == [float(w.t)] and np.allclose(m.get_ydata(), f_m)
    assert fig.get_supxlabel().startswith("f(m) = ")
    assert f"{level.__name__}(f(a), f(b))" in fig.get_supxlabel()


@needs_matplotlib
def test_a_level_witness_of_two_variables_has_a_contour_with_the_level(
    verdicts: dict[str, Verdict],
) -> None:
    fig, drawn = _figure(verdicts["level2"])
    assert drawn and len(fig.axes) == 3
    line, contour = fig.axes[:2]
    assert line.get_title() == "f rises above both ends:\nits sublevel set is not convex"
    assert contour.get_title() == "f around the segment (m marked; dashed: f = max)"
    assert "f(m) = 0.25 > 0 = max(f(a), f(b))" in fig.get_supxlabel()


@needs_matplotlib
@pytest.mark.parametrize(
    ("kind", "details"),
    [
        ("proved-nondecreasing", "proved nondecreasing"),
        ("proved-quasiconvex", "proved quasiconvex"),
        # Its two ordered witnesses are not drawn: either would show half the proof.
        ("proved-nonmonotone", "proved nonmonotone"),
    ],
)
def test_a_proved_claim_of_a_new_property_shows_f_and_its_first_derivative(
    kind: str, details: str, verdicts: dict[str, Verdict]
) -> None:
    # Monotonicity and quasiconvexity are about f′ (where it changes sign), not f″.
    verdict = verdicts[kind]
    assert verdict.status is Status.PROVED
    fig, drawn = _figure(verdict)
    assert drawn
    assert [ax.get_title() for ax in fig.axes] == ["f", "f′ (floats, for illustration)"]
    assert fig.get_supxlabel() == details


@needs_matplotlib
def test_a_proof_at_fixed_parameters_is_drawn_at_those_values() -> None:
    from convexity_proofs import check

    # (a - 1/3)*x is nondecreasing for some a in [-1, 1/3]: proved at a = 1/3 (the end),
    # where it is constant; the plot must show that value, not a simple one (a = -1).
    verdict = check(
        "(a - 1/3)*x", ["x"], "nondecreasing", domain={"a": [-1, "1/3"]}, parameters="some"
    )
    assert verdict.status is Status.PROVED and verdict.proof[0].rule == "at-parameters"
    fig, drawn = _figure(verdict)
    assert drawn
    assert "a = 1/3" in fig.get_supxlabel()


@needs_matplotlib
def test_an_along_claim_is_titled_with_its_slice() -> None:
    from convexity_proofs import check

    verdict = check("x*y", ["t"], "convex", along={"x": "t", "y": "t"})
    fig, drawn = _figure(verdict)
    assert drawn
    assert "along x = t, y = t: t**2" in fig._suptitle.get_text()


@needs_matplotlib
def test_other_witness_kinds_draw_nothing(verdicts: dict[str, Verdict]) -> None:
    class Unheard:
        kind = "unheard"

    verdict = dataclasses.replace(verdicts["ordered-falls"], witness=Unheard())  # type: ignore[arg-type]
    fig, drawn = _figure(verdict)
    assert not drawn and fig.axes == []


@needs_matplotlib
@pytest.mark.parametrize(
    "kind",
    [
        "invariance",
        "proved2",
        "unknown",
        "value",
        "log-convex-refuted",
        "log-concave-proved",
        "strongly-convex-refuted",
        "strongly-convex-proved",
    ],
)
def test_kinds_without_a_picture_write_nothing(
    kind: str, verdicts: dict[str, Verdict], tmp_path: Path
) -> None:
    directory = tmp_path / "plots"
    assert write_plots([verdicts[kind]], directory) == []
    assert directory.is_dir() and list(directory.iterdir()) == []


# --- files: order, names, reproducibility ---------------------------------------------


@needs_matplotlib
def test_paths_follow_the_verdicts_and_skip_what_has_no_picture(
    verdicts: dict[str, Verdict], tmp_path: Path
) -> None:
    chosen = [verdicts[k] for k in ("proved1", "invariance", "flat")]
    paths = write_plots(chosen, tmp_path)
    assert [p.name for p in paths] == ["proved1.png", "proved1.svg", "flat.png", "flat.svg"]


@needs_matplotlib
def test_names_are_sanitised_and_repeats_numbered(
    verdicts: dict[str, Verdict], tmp_path: Path
) -> None:
    odd = _named(verdicts["proved1"], "../a b/c")
    same = [_named(verdicts["flat"], "same"), _named(verdicts["proved1"], "same")]
    paths = write_plots([odd, *same], tmp_path)
    assert [p.name for p in paths] == [
        "_a_b_c.png",
        "_a_b_c.svg",
        "same.png",
        "same.svg",
        "same-2.png",
        "same-2.svg",
    ]
    assert all(p.parent == tmp_path for p in paths)


@needs_matplotlib
def test_writing_twice_gives_identical_bytes(verdicts: dict[str, Verdict], tmp_path: Path) -> None:
    chosen = [verdicts[k] for k in ("segment2", "curvature2", "proved1")]
    chosen += [verdicts[k] for k in ("ordered-falls", "ordered2", "level-max", "level2")]
    first = write_plots(chosen, tmp_path / "one")
    second = write_plots(chosen, tmp_path / "two")
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    svg = first[1].read_text()
    assert "<dc:date>" not in svg


def test_missing_matplotlib_raises_with_the_install_hint(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    verdict = check("x**4", ["x"])
    with pytest.raises(PlotUnavailable, match=r"pip install 'convexity-proofs\[plot\]'"):
        write_plots([verdict], tmp_path / "plots")
    assert not (tmp_path / "plots").exists()
    assert str(PlotUnavailable()) == INSTALL_HINT


# --- windows stay inside the domains --------------------------------------------------


def test_domain_windows() -> None:
    assert _domain_window(REAL, -3, 3) == (-3, 3)
    assert _domain_window(POSITIVE, -3, 3) == pytest.approx((0.01, 4.0))
    assert _domain_window(NONNEGATIVE, -3, 3) == (0.0, 4.0)
    assert _domain_window(interval_domain(Fraction(-1), Fraction(2)), -3, 3) == (-1.0, 2.0)


def test_a_curvature_line_stays_inside_the_domain() -> None:
    table = {"name": "c", "function": "x*log(x) + y", "property": "convex"}
    table |= {"variables": ["x", "y"], "domain": {"x": "nonnegative"}}
    claim = build_claim(table, file="<test>")
    assert claim.domain_of(make_symbol("x")) == NONNEGATIVE
    # From x = 1/2 along x, the line may not go below x = 0: s >= -1/2.
    lo, hi = _line_range(claim, ["x", "y"], np.array([0.5, 0.0]), np.array([1.0, 0.0]), 1.0)
    assert (lo, hi) == (-0.5, 1.0)
    # Backwards along x the same bound limits s from above; y is unbounded.
    lo, hi = _line_range(claim, ["x", "y"], np.array([0.0, 0.0]), np.array([-2.0, 1.0]), 1.0)
    assert (lo, hi) == (-1.0, 0.0)
