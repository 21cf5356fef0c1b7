"""Sensitivity (Sobol', Morris) on sweep results, and PRIM on real and synthetic sweeps."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tradesim import OUTCOMES, discovery
from tradesim import sensitivity as sa
from tradesim.sweep import _assemble, read_sweep, run_sweep

ROOT = Path(__file__).resolve().parents[1]
LONDON = str(ROOT / "scenarios" / "london-2025.yaml")
PARAMS = {"monitoring.us.drift_sd": {"low": 0.0, "high": 1.0},
          "monitoring.us.prior_sd": {"low": 0.0, "high": 1.0},
          "approval.us.weekly_hazard": {"low": 0.0, "high": 1.0}}


def sweep_of(design: dict, **extra):
    return read_sweep({"name": "t", "base": LONDON, "scenario": {"horizon_weeks": 4},
                       "runs": 10, "seed": 5, "design": design, "parameters": PARAMS,
                       "series": "none", **extra})


def synthetic(sweep, f) -> object:
    """The sweep's Dataset with breakdown probability f(x1, x2, x3) at each point."""
    x = np.column_stack([sweep.values[p] for p in PARAMS])
    y = f(*x.T)
    k = list(OUTCOMES).index("breakdown")
    results = {}
    for i in range(sweep.n_points):
        probability = np.zeros(len(OUTCOMES))
        probability[k] = y[i]
        results[i] = {"probability": probability, "count": np.zeros(len(OUTCOMES), int),
                      "ci95_low": probability, "ci95_high": probability,
                      "median_week": np.full(10, np.nan), "milestone_cdf": np.zeros((5, 10)),
                      "series_stats": np.zeros((0, 5, 6))}
    return _assemble(sweep, results)


def test_sobol_indices_of_an_additive_function_match_the_analytic_values():
    # y = 0.8 x1 + 0.2 x2 with x uniform: S1 = ST = (0.64, 0.04, 0) / 0.68.
    sweep = sweep_of({"method": "sobol", "n": 512})
    ds = synthetic(sweep, lambda a, b, c: (0.8 * a + 0.2 * b) / 1.0)
    table = sa.sobol(ds, ["breakdown"], n_resamples=200, seed=1).loc["breakdown"]
    expected = np.array([0.64, 0.04, 0.0]) / 0.68
    assert np.allclose(table["S1"], expected, atol=0.05)
    assert np.allclose(table["ST"], expected, atol=0.05)
    assert (table["S1_low"] <= table["S1"]).all() and (table["S1"] <= table["S1_high"]).all()
    assert (table["ST_high"] - table["ST_low"]).iloc[:2].gt(0).all()
    assert table["ST"].iloc[2] == 0.0  # no effect, no variance from it
    again = sa.sobol(ds, ["breakdown"], n_resamples=200, seed=1)
    pd.testing.assert_frame_equal(again.loc["breakdown"], table)


def test_sobol_sees_interactions_in_total_but_not_first_order_indices():
    # y = x1 * x3 style interaction (centred): first order ~0, total > 0.
    sweep = sweep_of({"method": "sobol", "n": 1024})
    ds = synthetic(sweep, lambda a, b, c: 0.5 + (a - 0.5) * (c - 0.5))
    table = sa.sobol(ds, ["breakdown"], n_resamples=50).loc["breakdown"]
    assert abs(table.loc["monitoring.us.drift_sd", "S1"]) < 0.1
    assert table.loc["monitoring.us.drift_sd", "ST"] > 0.3
    assert table.loc["monitoring.us.prior_sd", "ST"] < 0.05


def test_morris_effects_of_a_linear_function_are_its_slopes():
    sweep = sweep_of({"method": "morris", "trajectories": 12, "levels": 4})
    ds = synthetic(sweep, lambda a, b, c: 0.2 + 0.5 * a - 0.1 * c)
    table = sa.morris(ds, ["breakdown"]).loc["breakdown"]
    assert np.allclose(table["mu"], [0.5, 0.0, -0.1])
    assert np.allclose(table["mu_star"], [0.5, 0.0, 0.1])
    assert np.allclose(table["sigma"], 0.0, atol=1e-12)


def test_sensitivity_needs_the_matching_design():
    ds = synthetic(sweep_of({"method": "lhs", "points": 8}), lambda a, b, c: a)
    with pytest.raises(ValueError, match="design method 'sobol'"):
        sa.sobol(ds)
    with pytest.raises(ValueError, match="design method 'morris'"):
        sa.morris(ds)
    with pytest.raises(ValueError, match="unknown output"):
        sa.sweep_output(ds, "collapse")


def test_prim_rule_reads_like_a_sentence_with_labels():
    sweep = sweep_of({"method": "lhs", "points": 200},
                     labels={"monitoring.us.drift_sd": "US monitoring noise"})
    ds = synthetic(sweep, lambda a, b, c: np.where((a > 0.6) & (b < 0.5), 0.8, 0.05))
    result = discovery.prim(ds, "breakdown")
    rule = result.rule()
    assert rule.startswith("breakdown in 80% of runs when ")
    low = float(re.search(r"US monitoring noise >= ([0-9.]+)", rule).group(1))
    high = float(re.search(r"monitoring.us.prior_sd <= ([0-9.]+)", rule).group(1))
    assert 0.6 <= low < 0.65 and 0.45 < high <= 0.5
    assert "approval" not in rule  # the third parameter does not matter
    assert "coverage" in rule and "of 200 points" in rule
    assert result.box.coverage >= 0.5
    assert list(result.trajectory.columns) == ["coverage", "density", "mass", "n", "restricted",
                                               "pasted"]
    cases = discovery.prim(ds, "breakdown", threshold=0.5)
    assert cases.rule().startswith("breakdown in at least 50% of runs at 100% of points")


def test_sobol_and_prim_come_out_of_a_real_sweep():
    sweep = read_sweep({"name": "real", "base": LONDON, "scenario": {"horizon_weeks": 26},
                        "runs": 50, "seed": 3, "design": {"method": "sobol", "n": 8},
                        "parameters": {"monitoring.us.drift_sd": {"low": 0.02, "high": 0.4},
                                       "actors.us.strategy.forgiveness": {"low": 0.0,
                                                                          "high": 0.5}}})
    ds = run_sweep(sweep, executor="processes", workers=2, progress=False)
    table = sa.sobol(ds, ["breakdown", "median_week:implemented"], n_resamples=50)
    assert table.shape == (4, 6) and np.isfinite(table.to_numpy()).all()
    result = discovery.prim(ds, "breakdown")
    assert result.rule().startswith("breakdown in ")
    frame = sa.point_table(ds)
    assert len(frame) == 32 and "median_week:approved" in frame.columns


def test_sweep_figures_are_drawn_with_labelled_axes():
    from tradesim.plots import sweep as plots_sweep

    grid = run_sweep(read_sweep({"name": "g", "base": LONDON, "scenario": {"horizon_weeks": 4},
                                 "runs": 10, "seed": 1, "series": "none",
                                 "grid": {"monitoring.us.drift_sd": [0.1, 0.3],
                                          "actors.us.strategy.name": ["tit_for_tat",
                                                                      "grim_trigger"]},
                                 "labels": {"monitoring.us.drift_sd": "US noise"}}),
                     executor="serial", progress=False)
    fig = plots_sweep.sweep_heatmap(grid, "holding")
    assert fig.axes[0].get_xlabel() == "US noise"
    fig = plots_sweep.sweep_lines(grid, "holding")
    assert "share of runs" in fig.axes[0].get_ylabel()
    design = synthetic(sweep_of({"method": "sobol", "n": 8}), lambda a, b, c: a * 0.5)
    fig = plots_sweep.sobol_bars(sa.sobol(design, ["breakdown"], n_resamples=20))
    assert "Sobol" in fig.axes[0].get_xlabel()
    lhs = synthetic(sweep_of({"method": "lhs", "points": 50}), lambda a, b, c: (a > 0.5) * 0.9)
    result = discovery.prim(lhs)
    assert plots_sweep.prim_tradeoff(result).axes[0].get_xlabel().startswith("coverage")
    assert plots_sweep.prim_box(result, lhs).axes[0].get_yticklabels()
    with pytest.raises(ValueError, match="grid sweep"):
        plots_sweep.sweep_heatmap(lhs)
