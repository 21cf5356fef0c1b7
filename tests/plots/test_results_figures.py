"""Tests of tradesim.plots.results: labelled elements of the ensemble figures, images."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

import tradesim
from tradesim import plots
from tradesim.plots.states import is_two_state, series_state, share_in_state


def test_fan_chart_elements(results, source_notes, finding):
    ax = plots.fan_chart(results, "supply.magnets", paths=3,
                         milestones=("approved", "first_escalation"), kind="bands")
    assert ax.get_ylabel().replace("\n", " ") == "Supply-flow index (1 = 2024 avg.)"
    assert ax.get_xlabel() == "Date"
    assert ax.get_legend() is None  # the measure line says what the bands are, no legend
    title, measure = finding(ax.figure)
    assert title.startswith("Magnets: supply to US: median ")
    assert "central 90% and 50% of runs" in measure and "sample runs" in measure
    assert len(ax.collections) == 2  # two bands
    solid = [line for line in ax.lines if line.get_linestyle() == "-"]
    assert len(solid) == 3 + 1  # sample runs and the median
    marker_labels = {t.get_text() for t in ax.texts}
    assert {"Approved", "First escalation"} <= marker_labels
    assert source_notes(ax.figure)


def test_fan_chart_of_a_two_state_series_is_the_share_in_the_state(results, finding):
    # Magnet supply is near normal or near zero: a median with bands would draw a block.
    assert is_two_state(results, "supply.magnets")
    ax = plots.fan_chart(results, "supply.magnets", milestones=("first_escalation",))
    assert ax.get_ylabel() == "Share of runs (%)"
    state = series_state(results, "supply.magnets")
    assert list(ax.lines[0].get_ydata()) == list(share_in_state(results, "supply.magnets",
                                                                state))
    assert len(ax.collections) == 1  # the Monte Carlo band
    title, measure = finding(ax.figure)
    assert "Magnets supply to US" in title and "half of 2024" in title
    assert "supply below half of 2024" in measure and "95% Monte Carlo interval" in measure
    assert "First escalation" in {t.get_text() for t in ax.texts}


def test_fan_chart_on_given_axes_leaves_figure_alone(results, source_notes):
    fig = Figure()
    ax = fig.subplots()
    assert plots.fan_chart(results, "china.magnets", ax=ax, milestones=None) is ax
    assert ax.get_ylabel() == "Share of runs (%)"  # a restriction level is two-state
    assert ax.get_title(loc="left")  # the finding, as the Axes' title
    assert not source_notes(fig) and not fig.legends
    ax = fig.subplots()
    plots.fan_chart(results, "china.magnets", ax=ax, milestones=None, kind="bands")
    assert ax.get_ylabel() == "Restriction level (1 = stopped)"
    assert not source_notes(fig)


def test_unknown_series_is_refused(results):
    with pytest.raises((KeyError, ValueError)):
        plots.fan_chart(results, "supply.unobtainium")
    with pytest.raises(ValueError, match="no two states"):
        plots.state_probability(results, "belief.us")


def test_fan_chart_grid(results, legend_texts, finding):
    series = ["us.eda_software", "us.chips", "china.magnets", "china.rare_earths"]
    fig = plots.fan_chart_grid(results, series, ncols=3)
    visible = [ax for ax in fig.axes if ax.axison]
    assert len(visible) == 4
    assert [ax.get_title(loc="left") for ax in visible] == [
        "EDA software (US)", "Chips (US)", "Magnets (China)", "Rare earths (China)"]
    # Restrictions are two-state: each panel is the share of runs back above the framework.
    assert fig.get_supylabel() == "Share of runs (%)"
    assert legend_texts(fig) == []
    title, measure = finding(fig)
    assert "back above its framework level" in title
    assert "95% Monte Carlo interval" in measure


def test_outcome_probabilities(results, hawkish, finding):
    ax = plots.outcome_probabilities(results)
    assert len(ax.patches) == len(tradesim.OUTCOMES)
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        plots.OUTCOME_LABELS[o] for o in tradesim.OUTCOMES]
    assert ax.get_xlabel().startswith("Probability (% of runs)")
    p = results.summary().outcomes["probability"]
    assert [round(b.get_width(), 9) for b in ax.patches] == [round(v, 9) for v in p]
    assert "95% Monte Carlo interval" in finding(ax.figure)[1]
    ax = plots.outcome_probabilities({"baseline": results, "hawks": hawkish})
    assert len(ax.patches) == 2 * len(tradesim.OUTCOMES)
    # No legend: each bar is labelled with its value and its scenario.
    assert ax.get_legend() is None
    names = [t.get_text().split(" ", 1)[1] for t in ax.texts]
    assert names == ["baseline"] * len(tradesim.OUTCOMES) + ["hawks"] * len(tradesim.OUTCOMES)
    assert "baseline" in finding(ax.figure)[0] and "hawks" in finding(ax.figure)[0]


def test_milestone_curves(results, hawkish, line_labels):
    ax = plots.milestone_curves(results)
    assert len(ax.lines) == 5
    assert ax.get_legend() is None
    assert set(line_labels(ax)) == {plots.MILESTONE_LABELS[m] for m in (
        "approved", "implemented", "first_escalation", "breakdown_1", "truce_1")}
    assert ax.get_ylabel().replace("\n", " ") == "Reached by date (% of runs)"
    y = ax.lines[0].get_ydata()
    assert list(y) == list(results.milestone_curve("approved"))
    ax = plots.milestone_curves([results, hawkish], ["implemented", "breakdown_1"])
    assert len(ax.lines) == 4
    assert "Hawkish US: breakdown 1" in line_labels(ax)
    with pytest.raises(ValueError, match="unknown milestone"):
        plots.milestone_curves(results, ["signed"])


def test_phase_occupancy(results, legend_texts, finding):
    ax = plots.phase_occupancy(results)
    # Compliance is split into the original framework and renewed truces.
    assert len(ax.collections) == len(tradesim.PHASES) + 1
    stack = [plots.PHASE_LABELS[p] for p in tradesim.PHASES]
    k = stack.index(plots.PHASE_LABELS["compliance"])
    stack[k:k + 1] = ["Compliance, original framework", "Compliance, renewed truce"]
    assert legend_texts(ax) == [*reversed(stack), "Broken down at least once"]
    assert ax.get_ylabel() == "Share of runs (%)"
    assert list(ax.lines[0].get_ydata()) == list(results.milestone_curve("breakdown_1"))
    assert "broke down at least once" in finding(ax.figure)[0]


def test_supply_chain_impact(results, line_labels, finding):
    fig = plots.supply_chain_impact(results)
    axes = fig.axes
    assert len(axes) == 4
    titles = [ax.get_title(loc="left") for ax in axes]
    assert titles[0] == "Supply to US below half of 2024"
    assert titles[1] == "US firms halted (mean over runs)"
    assert titles[2].startswith("Supply to China")
    assert "Magnets" in line_labels(axes[0])
    assert axes[1].get_ylabel() == "Firms halted (% of sector)"
    # Every US sector is either drawn (and labelled) or named as never moving.
    _, measure = finding(fig)
    us_sectors = ["Autos EV", "Semiconductors", "Defense"]
    for sector in us_sectors:
        assert sector in line_labels(axes[1]) or f"{sector} (US)" in measure, sector
    assert len(axes[1].lines) == len(line_labels(axes[1]))
    if not axes[1].lines:  # an empty panel says why
        assert any("firms halted in every US" in t.get_text() for t in axes[1].texts)


def test_compare_scenarios_side_by_side_and_overlaid(results, hawkish, line_labels, finding):
    fig = plots.compare_scenarios([results, hawkish], plots.fan_chart, "supply.magnets")
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["London 2025", "Hawkish US"]
    assert fig.axes[1].get_legend() is None
    title, _ = finding(fig)
    assert title.startswith("London 2025: ") and "Hawkish US: " in title
    assert len(title) > len("London 2025: . Hawkish US: ")  # each panel's finding is kept
    fig = plots.compare_scenarios({"a": results, "b": hawkish}, plots.fan_chart,
                                  "supply.magnets", overlay=True)
    assert len(fig.axes) == 1
    assert fig.axes[0].get_legend() is None
    assert sorted(line_labels(fig.axes[0])) == ["a", "b"]  # ordered by where lines end
    fig = plots.compare_scenarios([results, hawkish], plots.phase_occupancy)
    assert len(fig.axes) == 2
    with pytest.raises(ValueError, match="overlay"):
        plots.compare_scenarios([results, hawkish], plots.phase_occupancy, overlay=True)


def test_compare_outcomes_is_one_panel_per_outcome(results, hawkish, finding):
    fig = plots.compare_outcomes({"baseline": results, "hawks": hawkish})
    tables = [r.summary().outcomes for r in (results, hawkish)]
    shown = [o for o in tradesim.OUTCOMES if any(t.loc[o, "probability"] > 0 for t in tables)]
    assert [ax.get_title(loc="left") for ax in fig.axes] == [plots.OUTCOME_LABELS[o]
                                                             for o in shown]
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["baseline", "hawks"]
    for ax, outcome in zip(fig.axes, shown, strict=True):
        widths = [round(b.get_width(), 9) for b in ax.patches]
        assert widths == [round(t.loc[outcome, "probability"], 9) for t in tables]
        assert ax.get_legend() is None
    title, measure = finding(fig)
    assert title.startswith("The framework holds in ") and "95% Monte Carlo" in measure
    with pytest.raises(ValueError, match="at least two"):
        plots.compare_outcomes([results])


def test_compare_milestones_and_supply_are_small_multiples(results, hawkish, line_labels):
    fig = plots.compare_milestones([results, hawkish])
    assert [ax.get_title(loc="left") for ax in fig.axes] == [
        plots.MILESTONE_LABELS[m] for m in ("implemented", "first_escalation", "breakdown_1")]
    for ax in fig.axes:
        assert ax.get_legend() is None and sorted(line_labels(ax)) == ["Hawkish US",
                                                                       "London 2025"]
    assert list(fig.axes[0].lines[1].get_ydata()) == list(hawkish.milestone_curve("implemented"))
    fig = plots.compare_supply([results, hawkish], ["supply.magnets", "supply.heavy_rare_earths"])
    panels = [ax for ax in fig.axes if ax.axison]
    assert [ax.get_title(loc="left") for ax in panels] == [
        "Magnets: supply to US", "Heavy rare earths: supply to US"]
    for ax in panels:
        assert ax.get_legend() is None and len(line_labels(ax)) == 2


# --------------------------------------------------------------------- image comparisons


def test_image_fan_chart(results, check_image):
    ax = plots.fan_chart(results, "supply.magnets", paths=3)
    check_image(ax.figure, "fan_chart")


def test_image_outcomes(results, hawkish, check_image):
    ax = plots.outcome_probabilities([results, hawkish])
    check_image(ax.figure, "outcomes_compare")


def test_image_phase_occupancy(results, check_image):
    check_image(plots.phase_occupancy(results).figure, "phase_occupancy")


def test_image_compare_outcomes(results, hawkish, check_image):
    check_image(plots.compare_outcomes([results, hawkish]), "compare_outcomes")


def test_image_compare_milestones(results, hawkish, check_image):
    check_image(plots.compare_milestones([results, hawkish]), "compare_milestones")


def test_image_compare_supply(results, hawkish, check_image):
    check_image(plots.compare_supply([results, hawkish]), "compare_supply")
