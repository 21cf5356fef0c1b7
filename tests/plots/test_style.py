"""Tests of tradesim.plots.style: the house style, source notes, date axes, labels."""

from __future__ import annotations

import matplotlib
import pytest

import tradesim
from tradesim import plots


def test_style_does_not_touch_global_settings(results):
    before = dict(matplotlib.rcParams)
    plots.fan_chart(results, "supply.magnets")
    plots.game_heatmap(noise=(0.05,))
    assert dict(matplotlib.rcParams) == before


def test_new_figure_sizes():
    fig, _ = plots.new_figure()
    assert tuple(fig.get_size_inches()) == pytest.approx((plots.COLUMN_WIDTH, 2.6))
    fig, axes = plots.new_figure("page", 3.0, nrows=1, ncols=2)
    assert tuple(fig.get_size_inches()) == pytest.approx((plots.PAGE_WIDTH, 3.0))
    assert len(axes) == 2
    with pytest.raises(ValueError, match="width"):
        plots.new_figure("poster")


def test_palette_is_okabe_ito():
    assert len(plots.PALETTE) == 8
    assert {c.upper() for c in plots.PALETTE} == {
        "#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}


def test_source_note_names_scenario_runs_seed_version(results, source_notes):
    fig, _ = plots.new_figure()
    plots.source_note(fig, plots.source_text(results))
    plots.source_note(fig, plots.source_text(results))  # replaces, does not stack
    (note,) = source_notes(fig)
    for part in ("london-2025", "300 runs", "seed 11", tradesim.__version__):
        assert part in note


def test_date_axis_shows_months_and_years(results):
    ax = plots.fan_chart(results, "supply.magnets")
    labels = ax.xaxis.get_major_formatter().format_ticks(ax.get_xticks())
    assert labels[0].endswith("2025")
    assert any("2026" in label for label in labels)


@pytest.mark.parametrize("name, ylabel", [
    ("halted.autos_ev", "Firms halted (% of sector)"),
    ("pressure.us", "Industry pressure (0 to 1)"),
    ("belief.us", "Believed share delivered (1 = complies)"),
    ("evidence.china", "CUSUM statistic (share of threshold)"),
])
def test_series_labels_carry_units(results, name, ylabel):
    assert plots.series_label(results, name)[1] == ylabel
