"""Tests of tradesim.plots.tariffs: the figure of tariff rates and measures held in reserve."""

from __future__ import annotations

import numpy as np
import pytest

from tradesim import plots
from tradesim.plots.tariffs import OPENED_LABEL, TARIFF_LABEL, cut_kept_share, opened_share


def test_tariffs_and_measures_shows_each_sides_rate_and_new_measures(results, line_labels,
                                                                     finding, source_notes):
    fig = plots.tariffs_and_measures(results)
    panels = {ax.get_title(loc="left"): ax for ax in fig.axes}
    assert sorted(panels) == ["China tariff on imports from the US", "New measures opened",
                              "US tariff on imports from China"]
    us, china = panels["US tariff on imports from China"], panels[
        "China tariff on imports from the US"]
    opened = panels["New measures opened"]
    for ax in (us, china):
        assert ax.get_ylabel().replace("\n", " ") == TARIFF_LABEL == "Extra tariff (% ad valorem)"
        assert len(ax.collections) == 1  # the band of the middle 90% of runs
    assert opened.get_ylabel() == OPENED_LABEL
    assert opened.get_xlabel() == china.get_xlabel() == "Date"
    # The start, lapse and highest rates of the scenario, written at the right.
    assert sorted(line_labels(us)) == ["145% max", "30% at start", "54% on lapse"]
    assert sorted(line_labels(china)) == ["10% at start", "125% max", "34% on lapse"]
    assert any(t.get_text() == "Deadline" for t in us.texts)
    # The lines are the mean rate and the exact share of runs with a measure opened.
    mean = results.summary().series["tariff.us.tariff"]["mean"].to_numpy()
    np.testing.assert_allclose(us.lines[0].get_ydata(), mean)
    assert us.get_ylim()[1] >= 145.0
    assert sorted(line_labels(opened)) == ["China", "US"]
    np.testing.assert_allclose(opened.lines[0].get_ydata(), opened_share(results, "us"))
    assert 0 < opened_share(results, "china")[-1] < 1
    # The title states the finding, from the milestones; the measure says what the bands are.
    title, measure = finding(fig)
    lapsed = results.summary().milestones["lapsed"].iloc[-1]
    assert title == (f"The tariff cut is extended or made permanent in "
                     f"{cut_kept_share(results):.0%} of runs; in {lapsed:.0%} a side lets it "
                     f"lapse by {results.dates[-1]:%b %Y}")
    assert "middle 90% of runs (band)" in measure and "95% Monte Carlo interval" in measure
    assert source_notes(fig)


def test_tariffs_and_measures_is_a_main_figure_only_with_tariffs(results, untariffed):
    assert plots.has_tariffs_or_measures(results)
    assert "tariffs_and_measures" in plots.main_figures(results)
    assert not plots.has_tariffs_or_measures(untariffed)
    # A scenario without tariffs or reserves draws the figures it always did.
    assert list(plots.main_figures(untariffed)) == [
        "outcomes", "milestones", "phases", "supply_magnets", "restrictions", "supply_chain"]
    with pytest.raises(ValueError, match="no tariff"):
        plots.tariffs_and_measures(untariffed)


def test_image_tariffs_and_measures(results, check_image):
    check_image(plots.tariffs_and_measures(results), "tariffs_and_measures")
