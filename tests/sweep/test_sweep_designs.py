"""Tests of tradesim.sweep.designs: LHS strata, the Saltelli layout, Morris steps, seeds."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sweep_cases import LHS, small

from tradesim.sweep import morris_trajectories, read_sweep


@settings(max_examples=25, deadline=None)
@given(points=st.integers(2, 40), seed=st.integers(0, 2**32))
def test_lhs_puts_one_point_in_every_stratum_of_every_parameter(points, seed):
    sweep = read_sweep(small(seed=seed, design={"method": "lhs", "points": points},
                             parameters={"monitoring.us.drift_sd": {"low": 0.0, "high": 0.5},
                                         "monitoring.us.prior_sd": {"low": 0.0,
                                                                     "high": 1.0}}))
    strata = np.floor(sweep.unit * points).astype(int)
    for column in strata.T:
        assert sorted(column) == list(range(points))
    assert np.all((sweep.values["monitoring.us.drift_sd"] >= 0) &
                  (sweep.values["monitoring.us.drift_sd"] <= 0.5))


def test_sobol_design_is_the_saltelli_layout():
    params = {"monitoring.us.drift_sd": {"low": 0.0, "high": 0.5},
              "monitoring.us.prior_sd": {"low": 0.1, "high": 0.3},
              "approval.us.weekly_hazard": {"low": 0.1, "high": 0.9}}
    sweep = read_sweep(small(design={"method": "sobol", "n": 8}, parameters=params))
    n, d = 8, 3
    u = sweep.unit
    assert u.shape == (n * (d + 2), d)
    a, b = u[:n], u[n:2 * n]
    for i in range(d):
        ab = u[(2 + i) * n:(3 + i) * n]
        assert np.array_equal(np.delete(ab, i, axis=1), np.delete(a, i, axis=1))
        assert np.array_equal(ab[:, i], b[:, i])


@settings(max_examples=30, deadline=None)
@given(d=st.integers(1, 6), r=st.integers(1, 5), levels=st.sampled_from([2, 4, 6, 8]),
       seed=st.integers(0, 2**32))
def test_morris_steps_move_one_factor_by_delta_on_the_grid(d, r, levels, seed):
    x = morris_trajectories(d, r, levels, np.random.default_rng(seed)).reshape(r, d + 1, d)
    delta = levels / (2 * (levels - 1))
    steps = np.diff(x, axis=1)
    moved = np.abs(steps) > 1e-12
    assert np.all(moved.sum(axis=2) == 1)
    assert np.allclose(np.abs(steps[moved]), delta)
    assert np.all(moved.sum(axis=1) == 1)  # every factor moves once per trajectory
    grid = np.arange(levels) / (levels - 1)
    assert np.allclose(np.min(np.abs(x[..., None] - grid), axis=-1), 0)


def test_designs_are_reproducible_from_the_seed():
    first, again = read_sweep(LHS), read_sweep(LHS)
    assert np.array_equal(first.unit, again.unit)
    other = read_sweep({**LHS, "seed": 8})
    assert not np.array_equal(first.unit, other.unit)
    assert first.sha256 == again.sha256 != other.sha256
