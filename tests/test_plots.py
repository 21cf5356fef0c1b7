"""Tests of tradesim.plots: labelled elements of every figure, image comparisons, saving.

Baseline images live in tests/baseline_images/; regenerate them (after checking the new
figures by eye) with ``TRADESIM_UPDATE_BASELINES=1 pytest tests/test_plots.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest
from matplotlib.figure import Figure
from matplotlib.testing.compare import compare_images

import tradesim
from tradesim import io, plots

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
BASELINES = Path(__file__).parent / "baseline_images"
TOLERANCE = 3.0  # RMS difference on the 0-255 scale


def _variant(**changes):
    data = io.read_data(ROOT / "scenarios" / "london-2025.yaml")
    return tradesim.validate_scenario(io.merge(data, changes))


@pytest.fixture(scope="module")
def results():
    return tradesim.run(_variant(horizon_weeks=52), runs=300, seed=11)


@pytest.fixture(scope="module")
def hawkish():
    scenario = _variant(name="hawkish-us", horizon_weeks=52,
                        actors={"us": {"domestic": {"hawkishness": 0.5}}})
    return tradesim.run(scenario, runs=300, seed=11)


def _legend_texts(ax_or_fig):
    legends = [ax_or_fig.get_legend()] if hasattr(ax_or_fig, "get_legend") else \
        [ax.get_legend() for ax in ax_or_fig.axes]
    return [t.get_text() for legend in legends if legend is not None for t in legend.texts]


def _note(fig):
    return [t.get_text() for t in fig.texts if t.get_gid() == "tradesim-source-note"]


# ---------------------------------------------------------------------- house style


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


def test_source_note_names_scenario_runs_seed_version(results):
    fig, _ = plots.new_figure()
    plots.source_note(fig, plots.source_text(results))
    plots.source_note(fig, plots.source_text(results))  # replaces, does not stack
    (note,) = _note(fig)
    for part in ("london-2025", "300 runs", "seed 11", tradesim.__version__):
        assert part in note


def test_date_axis_shows_months_and_years(results):
    ax = plots.fan_chart(results, "supply.magnets")
    labels = ax.xaxis.get_major_formatter().format_ticks(ax.get_xticks())
    assert labels[0].endswith("2025")
    assert any("2026" in label for label in labels)


# ----------------------------------------------------------------- ensemble figures


def test_fan_chart_elements(results):
    ax = plots.fan_chart(results, "supply.magnets", paths=3,
                         milestones=("approved", "implemented"))
    assert ax.get_ylabel() == "Supply-flow index (1 = 2024 avg.)"
    assert ax.get_xlabel() == "Date"
    assert ax.get_title(loc="left") == "Magnets: supply to US"
    assert _legend_texts(ax) == ["90% of runs", "50% of runs", "Sample runs", "Median"]
    assert len(ax.collections) == 2  # two bands
    solid = [line for line in ax.lines if line.get_linestyle() == "-"]
    assert len(solid) == 3 + 1  # sample runs and the median
    marker_labels = {t.get_text() for t in ax.texts}
    assert {"Approved", "Implemented"} <= marker_labels
    assert _note(ax.figure)


def test_fan_chart_on_given_axes_leaves_figure_alone(results):
    fig = Figure()
    ax = fig.subplots()
    assert plots.fan_chart(results, "china.magnets", ax=ax, milestones=None) is ax
    assert ax.get_ylabel() == "Restriction level (1 = stopped)"
    assert not _note(fig)


@pytest.mark.parametrize("name, ylabel", [
    ("halted.autos_ev", "Firms halted (% of sector)"),
    ("pressure.us", "Industry pressure (0 to 1)"),
    ("perceived.china.magnets", "Perceived restriction (1 = stopped)"),
])
def test_series_labels_carry_units(results, name, ylabel):
    assert plots.series_label(results, name)[1] == ylabel


def test_unknown_series_is_refused(results):
    with pytest.raises((KeyError, ValueError)):
        plots.fan_chart(results, "supply.unobtainium")


def test_fan_chart_grid(results):
    series = ["us.eda_software", "us.chips", "china.magnets", "china.rare_earths"]
    fig = plots.fan_chart_grid(results, series, ncols=3)
    visible = [ax for ax in fig.axes if ax.axison]
    assert len(visible) == 4
    assert [ax.get_title(loc="left") for ax in visible] == [
        "EDA software (US)", "Chips (US)", "Magnets (China)", "Rare earths (China)"]
    assert fig.get_supylabel() == "Restriction level (1 = stopped)"
    assert _legend_texts(fig) == ["90% of runs", "50% of runs", "Median"]


def test_outcome_probabilities(results, hawkish):
    ax = plots.outcome_probabilities(results)
    assert len(ax.patches) == len(tradesim.OUTCOMES)
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        plots.OUTCOME_LABELS[o] for o in tradesim.OUTCOMES]
    assert ax.get_xlabel().startswith("Probability (% of runs)")
    p = results.summary().outcomes["probability"]
    assert [round(b.get_width(), 9) for b in ax.patches] == [round(v, 9) for v in p]
    ax = plots.outcome_probabilities({"baseline": results, "hawks": hawkish})
    assert len(ax.patches) == 2 * len(tradesim.OUTCOMES)
    assert _legend_texts(ax) == ["baseline", "hawks"]


def test_milestone_curves(results, hawkish):
    ax = plots.milestone_curves(results)
    assert len(ax.lines) == 5
    assert _legend_texts(ax)[:2] == ["Approved by both leaders", "Fully implemented"]
    assert ax.get_ylabel() == "Reached by date (% of runs)"
    y = ax.lines[0].get_ydata()
    assert list(y) == list(results.milestone_curve("approved"))
    ax = plots.milestone_curves([results, hawkish], ["implemented", "breakdown_1"])
    assert len(ax.lines) == 4
    assert "hawkish-us: breakdown 1" in _legend_texts(ax)
    with pytest.raises(ValueError, match="unknown milestone"):
        plots.milestone_curves(results, ["signed"])


def test_phase_occupancy(results):
    ax = plots.phase_occupancy(results)
    assert len(ax.collections) == len(tradesim.PHASES)
    assert _legend_texts(ax) == [plots.PHASE_LABELS[p] for p in reversed(tradesim.PHASES)]
    assert ax.get_ylabel() == "Share of runs (%)"


def test_supply_chain_impact(results):
    fig = plots.supply_chain_impact(results)
    axes = fig.axes
    assert len(axes) == 4
    titles = [ax.get_title(loc="left") for ax in axes]
    assert titles[0].startswith("Supply to US") and titles[1] == "US firms halted (mean over runs)"
    assert titles[2].startswith("Supply to China")
    assert len(axes[0].lines) == 2  # rare earths and magnets reach the US
    assert len(axes[1].lines) == 3  # US sectors: autos, semiconductors, defense
    assert "Magnets" in _legend_texts(axes[0])
    assert axes[1].get_ylabel() == "Firms halted (% of sector)"


def test_compare_scenarios_side_by_side_and_overlaid(results, hawkish):
    fig = plots.compare_scenarios([results, hawkish], plots.fan_chart, "supply.magnets")
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["london-2025", "hawkish-us"]
    assert fig.axes[1].get_legend() is None
    fig = plots.compare_scenarios({"a": results, "b": hawkish}, plots.fan_chart,
                                  "supply.magnets", overlay=True)
    assert len(fig.axes) == 1
    assert _legend_texts(fig.axes[0]) == ["a", "b"]
    fig = plots.compare_scenarios([results, hawkish], plots.phase_occupancy)
    assert len(fig.axes) == 2
    with pytest.raises(ValueError, match="overlay"):
        plots.compare_scenarios([results, hawkish], plots.phase_occupancy, overlay=True)


# ------------------------------------------------------------------------ game figures


def test_game_heatmap_cooperation():
    fig = plots.game_heatmap(["always_ease", "tit_for_tat", "always_retaliate"],
                             noise=(0.0, 0.1))
    panels = [ax for ax in fig.axes if ax.get_images()]
    assert len(panels) == 2
    assert [ax.get_title(loc="left") for ax in panels] == ["Noise 0%", "Noise 10%"]
    assert [t.get_text() for t in panels[0].get_yticklabels()] == [
        "Always ease", "Tit for tat", "Always retaliate"]
    values = panels[0].get_images()[0].get_array()
    assert values[0, 2] == pytest.approx(1.0)  # always ease keeps easing
    assert values[1, 2] == pytest.approx(0.0)  # tit for tat answers always-retaliate
    assert len(panels[0].texts) == 9
    colorbar = [ax for ax in fig.axes if not ax.get_images()]
    assert colorbar and "A eases" in colorbar[0].get_ylabel()


def test_game_heatmap_payoff_and_bad_metric():
    fig = plots.game_heatmap(["tit_for_tat", "always_retaliate"], noise=(0.05,),
                             metric="payoff")
    values = fig.axes[0].get_images()[0].get_array()
    assert values.shape == (2, 2)
    assert 0 <= values.min() <= values.max() <= 5
    with pytest.raises(ValueError, match="metric"):
        plots.game_heatmap(metric="welfare")


# ------------------------------------------------------------------------------ saving


def test_save_main_figures(results, tmp_path):
    written = plots.save_main_figures(results, tmp_path)
    stems = {p.stem for p in written}
    assert {"outcomes", "milestones", "phases", "supply_magnets", "restrictions",
            "supply_chain"} <= stems
    assert {p.suffix for p in written} == {".png", ".pdf"}
    for path in written:
        assert path.parent == tmp_path / "figures" and path.stat().st_size > 1000
    assert not list((tmp_path / "figures").glob(".*tmp"))  # no temporary files left


def test_saved_png_is_reproducible(results, tmp_path):
    fig = plots.outcome_probabilities(results).figure
    a = plots.save_figure(fig, tmp_path / "a.png").read_bytes()
    b = plots.save_figure(fig, tmp_path / "b.png").read_bytes()
    assert a == b


# --------------------------------------------------------------------- image comparisons


def _check_image(fig, name, tmp_path, monkeypatch):
    monkeypatch.setattr(tradesim, "__version__", "0.1.0")  # the note must not drift
    actual = tmp_path / f"{name}.png"
    fig.savefig(actual, dpi=100, metadata={"Software": None})
    baseline = BASELINES / f"{name}.png"
    if os.environ.get("TRADESIM_UPDATE_BASELINES") or not baseline.exists():
        if not os.environ.get("TRADESIM_UPDATE_BASELINES"):
            pytest.fail(f"missing baseline {baseline}; run with TRADESIM_UPDATE_BASELINES=1")
        BASELINES.mkdir(exist_ok=True)
        baseline.write_bytes(actual.read_bytes())
    assert compare_images(str(baseline), str(actual), tol=TOLERANCE) is None


def test_image_fan_chart(results, tmp_path, monkeypatch):
    monkeypatch.setattr(tradesim, "__version__", "0.1.0")
    ax = plots.fan_chart(results, "supply.magnets", paths=3)
    _check_image(ax.figure, "fan_chart", tmp_path, monkeypatch)


def test_image_outcomes(results, hawkish, tmp_path, monkeypatch):
    monkeypatch.setattr(tradesim, "__version__", "0.1.0")
    ax = plots.outcome_probabilities([results, hawkish])
    _check_image(ax.figure, "outcomes_compare", tmp_path, monkeypatch)


def test_image_phase_occupancy(results, tmp_path, monkeypatch):
    monkeypatch.setattr(tradesim, "__version__", "0.1.0")
    _check_image(plots.phase_occupancy(results).figure, "phase_occupancy", tmp_path,
                 monkeypatch)


def test_image_game_heatmap(tmp_path, monkeypatch):
    monkeypatch.setattr(tradesim, "__version__", "0.1.0")
    _check_image(plots.game_heatmap(), "game_heatmap", tmp_path, monkeypatch)
