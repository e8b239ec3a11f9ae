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


@needs_matplotlib
@pytest.mark.parametrize(
    "kind",
    ["segment2", "curvature2", "proof-segment", "proof-curvature", "flat", "proved1-param"],
)
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
    assert len(fig.axes) == 1  # one variable: no contour panel


@needs_matplotlib
def test_a_curvature_witness_shows_the_sign_of_f2(verdicts: dict[str, Verdict]) -> None:
    fig, _ = _figure(verdicts["curvature2"])
    assert fig.axes[0].get_title() == "f curves downward: f″ = −2 < 0"
    assert "direction: x = 1, y = −1" in fig.get_supxlabel()
    assert len(fig.axes) == 3  # line, contour, colour bar


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
    assert [ax.get_ylabel() for ax in fig.axes] == ["f(x)", "f″(x)"]
    assert "parameters fixed: a = 1" in fig.get_supxlabel()
    f2 = fig.axes[1].get_lines()[-1].get_ydata()
    assert np.allclose(f2, 2.0)  # a*x**2 with a = 1


@needs_matplotlib
@pytest.mark.parametrize("kind", ["invariance", "proved2", "unknown"])
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
