"""Tests of tradesim.sweep.run: a point is a run of its scenario (executors: test_executors.py)."""

from __future__ import annotations

import numpy as np
import pytest
from sweep_cases import GRID

import tradesim
from tradesim.sweep import compute_point, read_sweep, run_sweep


def test_a_point_is_exactly_a_run_of_its_scenario_with_its_seed():
    sweep = read_sweep(GRID)
    ds = run_sweep(sweep, executor="serial", progress=False)
    i = 7
    results = tradesim.run(sweep.scenario(i), runs=60,
                           seed=np.random.SeedSequence(7, spawn_key=(i,)), workers=1)
    index = np.unravel_index(i, sweep.shape)
    point = ds["probability"].isel(dict(zip(sweep.dims, index, strict=True)))
    assert np.array_equal(point.values, results.summary().outcomes["probability"].values)
    direct = compute_point(sweep.scenario(i), 60, sweep.seed(i))
    assert np.array_equal(ds["series_stats"].isel(dict(zip(sweep.dims, index, strict=True))),
                          direct["series_stats"])
    assert ds["probability"].sum("outcome").values == pytest.approx(1.0)
    assert set(ds.dims) >= {"outcome", "milestone", "week", "series", "stat"}
