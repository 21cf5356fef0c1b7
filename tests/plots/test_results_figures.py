"""Tests of tradesim.plots.results: labelled elements of the ensemble figures, images."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

import tradesim
from tradesim import plots


def test_fan_chart_elements(results, legend_texts, source_notes):
    ax = plots.fan_chart(results, "supply.magnets", paths=3,
                         milestones=("approved", "implemented"))
    assert ax.get_ylabel() == "Supply-flow index (1 = 2024 avg.)"
    assert ax.get_xlabel() == "Date"
    assert ax.get_title(loc="left") == "Magnets: supply to US"
    assert legend_texts(ax) == ["90% of runs", "50% of runs", "Sample runs", "Median"]
    assert len(ax.collections) == 2  # two bands
    solid = [line for line in ax.lines if line.get_linestyle() == "-"]
    assert len(solid) == 3 + 1  # sample runs and the median
    marker_labels = {t.get_text() for t in ax.texts}
    assert {"Approved", "Implemented"} <= marker_labels
    assert source_notes(ax.figure)


def test_fan_chart_on_given_axes_leaves_figure_alone(results, source_notes):
    fig = Figure()
    ax = fig.subplots()
    assert plots.fan_chart(results, "china.magnets", ax=ax, milestones=None) is ax
    assert ax.get_ylabel() == "Restriction level (1 = stopped)"
    assert not source_notes(fig)


def test_unknown_series_is_refused(results):
    with pytest.raises((KeyError, ValueError)):
        plots.fan_chart(results, "supply.unobtainium")


def test_fan_chart_grid(results, legend_texts):
    series = ["us.eda_software", "us.chips", "china.magnets", "china.rare_earths"]
    fig = plots.fan_chart_grid(results, series, ncols=3)
    visible = [ax for ax in fig.axes if ax.axison]
    assert len(visible) == 4
    assert [ax.get_title(loc="left") for ax in visible] == [
        "EDA software (US)", "Chips (US)", "Magnets (China)", "Rare earths (China)"]
    assert fig.get_supylabel() == "Restriction level (1 = stopped)"
    assert legend_texts(fig) == ["90% of runs", "50% of runs", "Median"]


def test_outcome_probabilities(results, hawkish, legend_texts):
    ax = plots.outcome_probabilities(results)
    assert len(ax.patches) == len(tradesim.OUTCOMES)
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        plots.OUTCOME_LABELS[o] for o in tradesim.OUTCOMES]
    assert ax.get_xlabel().startswith("Probability (% of runs)")
    p = results.summary().outcomes["probability"]
    assert [round(b.get_width(), 9) for b in ax.patches] == [round(v, 9) for v in p]
    ax = plots.outcome_probabilities({"baseline": results, "hawks": hawkish})
    assert len(ax.patches) == 2 * len(tradesim.OUTCOMES)
    assert legend_texts(ax) == ["baseline", "hawks"]


def test_milestone_curves(results, hawkish, legend_texts):
    ax = plots.milestone_curves(results)
    assert len(ax.lines) == 5
    assert legend_texts(ax)[:2] == ["Approved by both leaders", "Fully implemented"]
    assert ax.get_ylabel() == "Reached by date (% of runs)"
    y = ax.lines[0].get_ydata()
    assert list(y) == list(results.milestone_curve("approved"))
    ax = plots.milestone_curves([results, hawkish], ["implemented", "breakdown_1"])
    assert len(ax.lines) == 4
    assert "hawkish-us: breakdown 1" in legend_texts(ax)
    with pytest.raises(ValueError, match="unknown milestone"):
        plots.milestone_curves(results, ["signed"])


def test_phase_occupancy(results, legend_texts):
    ax = plots.phase_occupancy(results)
    assert len(ax.collections) == len(tradesim.PHASES)
    assert legend_texts(ax) == [plots.PHASE_LABELS[p] for p in reversed(tradesim.PHASES)]
    assert ax.get_ylabel() == "Share of runs (%)"


def test_supply_chain_impact(results, legend_texts):
    fig = plots.supply_chain_impact(results)
    axes = fig.axes
    assert len(axes) == 4
    titles = [ax.get_title(loc="left") for ax in axes]
    assert titles[0].startswith("Supply to US") and titles[1] == "US firms halted (mean over runs)"
    assert titles[2].startswith("Supply to China")
    assert len(axes[0].lines) == 2  # rare earths and magnets reach the US
    assert len(axes[1].lines) == 3  # US sectors: autos, semiconductors, defense
    assert "Magnets" in legend_texts(axes[0])
    assert axes[1].get_ylabel() == "Firms halted (% of sector)"


def test_compare_scenarios_side_by_side_and_overlaid(results, hawkish, legend_texts):
    fig = plots.compare_scenarios([results, hawkish], plots.fan_chart, "supply.magnets")
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["london-2025", "hawkish-us"]
    assert fig.axes[1].get_legend() is None
    fig = plots.compare_scenarios({"a": results, "b": hawkish}, plots.fan_chart,
                                  "supply.magnets", overlay=True)
    assert len(fig.axes) == 1
    assert legend_texts(fig.axes[0]) == ["a", "b"]
    fig = plots.compare_scenarios([results, hawkish], plots.phase_occupancy)
    assert len(fig.axes) == 2
    with pytest.raises(ValueError, match="overlay"):
        plots.compare_scenarios([results, hawkish], plots.phase_occupancy, overlay=True)


# --------------------------------------------------------------------- image comparisons


def test_image_fan_chart(results, check_image):
    ax = plots.fan_chart(results, "supply.magnets", paths=3)
    check_image(ax.figure, "fan_chart")


def test_image_outcomes(results, hawkish, check_image):
    ax = plots.outcome_probabilities([results, hawkish])
    check_image(ax.figure, "outcomes_compare")


def test_image_phase_occupancy(results, check_image):
    check_image(plots.phase_occupancy(results).figure, "phase_occupancy")
