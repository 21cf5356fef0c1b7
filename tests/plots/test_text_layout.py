"""Every public figure function: no text clipped by the figure, none overlapping, none tiny.

The functions are enumerated from ``tradesim.plots.__all__`` (those returning an
Axes or a Figure), so a new figure function fails here until it has a gallery entry
(tradesim/plots/_gallery.py) and then is checked like the others.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from tradesim.plots import _gallery
from tradesim.plots.style import MIN_FONT_SIZE

LONDON = str(Path(__file__).resolve().parents[2] / "scenarios" / "london-2025.yaml")


@pytest.fixture(scope="module")
def calls():
    inputs = _gallery.build_inputs(LONDON, runs=500, horizon_weeks=60, sweep_runs=5)
    return _gallery.figure_calls(inputs)


def _visible_texts(fig, renderer):
    # Tick labels outside the view limits exist but are not drawn: keep the drawn ones.
    all_ticks, drawn = set(), set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                all_ticks |= {id(tick.label1), id(tick.label2)}
            for tick in axis._update_ticks():
                drawn |= {id(tick.label1), id(tick.label2)}
    out = []
    for text in fig.findobj(Text):
        if not text.get_visible() or not text.get_text().strip():
            continue
        if id(text) in all_ticks and id(text) not in drawn:
            continue
        axes = text.axes
        if axes is not None and not axes.get_visible():
            continue
        out.append((text, text.get_window_extent(renderer)))
    return out


def _is_tick_label(text):
    return text.get_gid() is None and type(text.axes).__name__ != "NoneType" and any(
        text in (t.label1, t.label2) for axis in (text.axes.xaxis, text.axes.yaxis)
        for t in axis.get_major_ticks())


@pytest.mark.parametrize("name", _gallery.figure_functions())
def test_figure_text_fits_and_does_not_overlap(calls, name):
    for stem, fig in calls[name]().items():
        FigureCanvasAgg(fig)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        frame = fig.bbox
        texts = _visible_texts(fig, renderer)
        for text, box in texts:
            assert text.get_fontsize() >= MIN_FONT_SIZE - 1e-9, (stem, text.get_text())
            assert (box.x0 >= frame.x0 - 0.5 and box.y0 >= frame.y0 - 0.5
                    and box.x1 <= frame.x1 + 0.5 and box.y1 <= frame.y1 + 0.5), \
                f"{stem}: {text.get_text()!r} outside the figure ({box} vs {frame})"
        for (a, box_a), (b, box_b) in itertools.combinations(texts, 2):
            slack = 1.0 if _is_tick_label(a) and _is_tick_label(b) else 0.0
            overlap_x = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
            overlap_y = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
            assert overlap_x <= slack or overlap_y <= slack, \
                f"{stem}: {a.get_text()!r} overlaps {b.get_text()!r}"
        assert _gallery.finding_of(fig).strip(), f"{stem} has no title"


def test_every_figure_function_is_in_the_gallery():
    names = _gallery.figure_functions()
    assert {"fan_chart", "compare_outcomes", "sweep_heatmap", "game_heatmap"} <= set(names)
    assert set(names) <= set(_gallery.figure_calls.__code__.co_consts) | set(names)
