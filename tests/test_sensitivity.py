"""Sensitivity (Sobol', Morris) on sweep results, and PRIM on real and synthetic sweeps."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tradesim import discovery
from tradesim import sensitivity as sa
from tradesim.sweep import read_sweep, run_sweep

ROOT = Path(__file__).resolve().parents[1]
LONDON = str(ROOT / "scenarios" / "london-2025.yaml")


def test_sobol_indices_of_an_additive_function_match_the_analytic_values(synthetic_sweep):
    # y = 0.8 x1 + 0.2 x2 with x uniform: S1 = ST = (0.64, 0.04, 0) / 0.68.
    ds = synthetic_sweep({"method": "sobol", "n": 512}, lambda a, b, c: (0.8 * a + 0.2 * b) / 1.0)
    table = sa.sobol(ds, ["breakdown"], n_resamples=200, seed=1).loc["breakdown"]
    expected = np.array([0.64, 0.04, 0.0]) / 0.68
    assert np.allclose(table["S1"], expected, atol=0.05)
    assert np.allclose(table["ST"], expected, atol=0.05)
    assert (table["S1_low"] <= table["S1"]).all() and (table["S1"] <= table["S1_high"]).all()
    assert (table["ST_high"] - table["ST_low"]).iloc[:2].gt(0).all()
    assert table["ST"].iloc[2] == 0.0  # no effect, no variance from it
    again = sa.sobol(ds, ["breakdown"], n_resamples=200, seed=1)
    pd.testing.assert_frame_equal(again.loc["breakdown"], table)


def test_sobol_sees_interactions_in_total_but_not_first_order_indices(synthetic_sweep):
    # y = x1 * x3 style interaction (centred): first order ~0, total > 0.
    ds = synthetic_sweep({"method": "sobol", "n": 1024},
                         lambda a, b, c: 0.5 + (a - 0.5) * (c - 0.5))
    table = sa.sobol(ds, ["breakdown"], n_resamples=50).loc["breakdown"]
    assert abs(table.loc["monitoring.us.drift_sd", "S1"]) < 0.1
    assert table.loc["monitoring.us.drift_sd", "ST"] > 0.3
    assert table.loc["monitoring.us.prior_sd", "ST"] < 0.05


def test_morris_effects_of_a_linear_function_are_its_slopes(synthetic_sweep):
    ds = synthetic_sweep({"method": "morris", "trajectories": 12, "levels": 4},
                         lambda a, b, c: 0.2 + 0.5 * a - 0.1 * c)
    table = sa.morris(ds, ["breakdown"]).loc["breakdown"]
    assert np.allclose(table["mu"], [0.5, 0.0, -0.1])
    assert np.allclose(table["mu_star"], [0.5, 0.0, 0.1])
    assert np.allclose(table["sigma"], 0.0, atol=1e-12)


def test_sensitivity_needs_the_matching_design(synthetic_sweep):
    ds = synthetic_sweep({"method": "lhs", "points": 8}, lambda a, b, c: a)
    with pytest.raises(ValueError, match="design method 'sobol'"):
        sa.sobol(ds)
    with pytest.raises(ValueError, match="design method 'morris'"):
        sa.morris(ds)
    with pytest.raises(ValueError, match="unknown output"):
        sa.sweep_output(ds, "collapse")


def test_prim_rule_reads_like_a_sentence_with_labels(synthetic_sweep):
    ds = synthetic_sweep({"method": "lhs", "points": 200},
                         lambda a, b, c: np.where((a > 0.6) & (b < 0.5), 0.8, 0.05),
                         labels={"monitoring.us.drift_sd": "US monitoring noise"})
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
