"""Tests of tradesim.plots.sweep: figures of a grid sweep, of Sobol' indices and of PRIM.

Designs are synthetic (the ``synthetic_sweep`` fixture of tests/conftest.py): assembled
with a known breakdown probability at each point, never run.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from matplotlib.figure import Figure

from tradesim import discovery, plots
from tradesim import sensitivity as sa
from tradesim.sweep import read_sweep, run_sweep

LONDON = str(Path(__file__).resolve().parents[2] / "scenarios" / "london-2025.yaml")


@pytest.fixture(scope="module")
def grid():
    sweep = read_sweep({"name": "g", "base": LONDON, "scenario": {"horizon_weeks": 4},
                        "runs": 10, "seed": 1, "series": "none",
                        "grid": {"monitoring.us.drift_sd": [0.1, 0.3],
                                 "actors.us.strategy.name": ["tit_for_tat", "grim_trigger"]},
                        "labels": {"monitoring.us.drift_sd": "US noise"}})
    return run_sweep(sweep, executor="serial", progress=False)


def test_sweep_heatmap_elements(grid, source_notes, finding):
    before = dict(matplotlib.rcParams)
    fig = plots.sweep_heatmap(grid, "holding")
    assert dict(matplotlib.rcParams) == before
    ax = fig.axes[0]
    assert ax.get_xlabel() == "US noise"
    assert ax.get_ylabel() == "actors.us.strategy.name"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.1", "0.3"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["tit_for_tat", "grim_trigger"]
    assert len(ax.texts) == 4 and all(t.get_text().endswith("%") for t in ax.texts)
    title, measure = finding(fig)
    assert title.startswith("The share of runs that end with the framework holding ranges "
                            "from ")
    assert measure.startswith("Share of runs that end with the framework holding, 10 runs per")
    # A fixed 0-100% colour scale, in the cells' units.
    assert fig.axes[0].collections[0].get_clim() == (0.0, 1.0)
    assert fig.axes[1].get_ylabel() == "Share of runs (%)"
    assert fig.axes[1].yaxis.get_major_formatter()(0.5, 0) == "50%"
    (note,) = source_notes(fig)
    assert "sweep g" in note and "10 runs per point" in note and "seed 1" in note
    with pytest.raises(ValueError, match="unknown outcome"):
        plots.sweep_heatmap(grid, "signed")


def test_sweep_lines_on_given_axes(grid, source_notes, line_labels):
    fig = Figure()
    ax = fig.subplots()
    assert plots.sweep_lines(grid, "holding", ax=ax) is fig
    assert ax.get_legend() is None  # lines are labelled at their ends
    assert sorted(line_labels(ax)) == [
        "actors.us.strategy.name = grim_trigger", "actors.us.strategy.name = tit_for_tat"]
    assert ax.get_xlabel() == "US noise"
    assert len(ax.lines) == 2 and len(ax.collections) == 2  # lines and their intervals
    assert not source_notes(fig)


def test_sobol_bars(finding):
    index = pd.MultiIndex.from_product([["breakdown"], ["a", "b"]], names=["output", "parameter"])
    table = pd.DataFrame({"S1": [0.5, 0.1], "S1_low": [0.4, 0.0], "S1_high": [0.6, 0.2],
                          "ST": [0.6, 0.2], "ST_low": [0.5, 0.1], "ST_high": [0.7, 0.3]},
                         index=index)
    fig = plots.sobol_bars(table, labels={"a": "Alpha"})
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Alpha", "b"]
    assert ax.get_legend() is None  # the measure line names the two bar colours
    assert [round(p.get_width(), 9) for p in ax.patches] == [0.5, 0.1, 0.6, 0.2]
    title, measure = finding(fig)
    assert title.startswith("Alpha explains more of the variation in whether runs end in "
                            "breakdown than any other parameter")
    assert "first-order" in measure and "total" in measure and "!" not in measure
    # An index outside [0, 1] is flagged, not passed over.
    table.loc[("breakdown", "b"), "ST"] = 1.2
    title, measure = finding(plots.sobol_bars(table))
    assert "outside [0, 1]" in measure and "b 1.20" in measure


def test_sweep_figures_are_drawn_with_labelled_axes(grid, synthetic_sweep):
    from tradesim.plots import sweep as plots_sweep

    fig = plots_sweep.sweep_heatmap(grid, "holding")
    assert fig.axes[0].get_xlabel() == "US noise"
    fig = plots_sweep.sweep_lines(grid, "holding")
    assert fig.axes[0].get_ylabel() == "Share of runs (%)"
    design = synthetic_sweep({"method": "sobol", "n": 8}, lambda a, b, c: a * 0.5)
    fig = plots_sweep.sobol_bars(sa.sobol(design, ["breakdown"], n_resamples=20))
    assert "Sobol" in fig.axes[0].get_xlabel()
    lhs = synthetic_sweep({"method": "lhs", "points": 50}, lambda a, b, c: (a > 0.5) * 0.9)
    result = discovery.prim(lhs)
    assert plots_sweep.prim_tradeoff(result).axes[0].get_xlabel().startswith("Coverage")
    assert plots_sweep.prim_box(result, lhs).axes[0].get_yticklabels()
    with pytest.raises(ValueError, match="grid sweep"):
        plots_sweep.sweep_heatmap(lhs)
