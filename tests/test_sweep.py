"""Sweeps: sweep files, designs, crash safety and resume (executors: test_executors.py)."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

import tradesim
from tradesim.cli import main
from tradesim.scenario import ScenarioError
from tradesim.sweep import (
    compute_point,
    load_points,
    load_sweep,
    morris_trajectories,
    read_sweep,
    run_sweep,
)

ROOT = Path(__file__).resolve().parents[1]
LONDON = str(ROOT / "scenarios" / "london-2025.yaml")
SHORT = {"horizon_weeks": 26}


def small(**extra) -> dict:
    data = {"name": "small", "base": LONDON, "scenario": SHORT, "runs": 60, "seed": 7}
    data.update(extra)
    return data


GRID = small(grid={"actors.us.strategy.forgiveness": [0.0, 0.4],
                   "monitoring.us.drift_sd": {"start": 0.05, "stop": 0.35, "num": 3}},
             zip={"speed": {"approval.us.weekly_hazard": [0.3, 0.9],
                            "approval.china.weekly_hazard": [0.2, 0.8]}})
LHS = small(design={"method": "lhs", "points": 5},
            parameters={"monitoring.us.drift_sd": {"low": 0.02, "high": 0.4},
                        "actors.us.strategy.name": {"choices": ["tit_for_tat",
                                                                "generous_tit_for_tat"]},
                        "framework.commitments.china.magnets.deadline_weeks":
                            {"low": 4.0, "high": 12.0}})


def problems_of(data) -> str:
    with pytest.raises(ScenarioError) as info:
        read_sweep(data)
    return str(info.value)


# ------------------------------------------------------------------- sweep files


@pytest.mark.parametrize("name, kind, n", [("london-grid", "grid", 20),
                                           ("london-lhs", "lhs", 64),
                                           ("london-sobol", "sobol", 64 * 6)])
def test_example_sweep_files_read(name, kind, n):
    sweep = read_sweep(ROOT / "sweeps" / f"{name}.yaml")
    assert sweep.kind == kind and sweep.n_points == n
    assert sweep.scenario(n - 1).name == "london-2025"


def test_grid_points_are_the_cartesian_product_with_zipped_groups():
    sweep = read_sweep(GRID)
    assert sweep.dims == ("actors.us.strategy.forgiveness", "monitoring.us.drift_sd", "speed")
    assert sweep.shape == (2, 3, 2) and sweep.n_points == 12
    points = sweep.points()
    # C order: the last dimension varies fastest; zipped values move together.
    assert list(points["approval.us.weekly_hazard"][:4]) == [0.3, 0.9, 0.3, 0.9]
    assert list(points["approval.china.weekly_hazard"][:2]) == [0.2, 0.8]
    assert np.allclose(points["monitoring.us.drift_sd"][:6], [0.05, 0.05, 0.2, 0.2, 0.35, 0.35])
    s = sweep.scenario(11)
    assert s.horizon_weeks == 26
    assert s.monitoring["us"].drift_sd == pytest.approx(0.35)
    assert s.actors["us"].strategy.params["forgiveness"] == 0.4


def test_toml_sweep_file(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(f'name = "t"\nbase = "{LONDON}"\nruns = 10\nseed = 1\n'
                    '[grid]\n"monitoring.us.drift_sd" = [0.1, 0.2]\n')
    assert read_sweep(path).shape == (2,)


def test_unknown_path_names_the_file_and_suggests(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(f"name: b\nbase: {LONDON}\nruns: 10\nseed: 1\n"
                    "grid:\n  actors.us.strategy.forgivnes: [0.1]\n")
    with pytest.raises(ScenarioError) as info:
        read_sweep(path)
    text = str(info.value)
    assert str(path) in text
    assert "grid.actors.us.strategy.forgivnes" in text
    assert "did you mean 'actors.us.strategy.forgiveness'" in text


def test_bad_value_names_its_position_value_and_the_rule():
    text = problems_of(small(grid={"approval.china.weekly_hazard": [0.1, 0.5, 1.5]}))
    assert "grid.approval.china.weekly_hazard[2]" in text
    assert "1.5" in text and "[0, 1]" in text


@pytest.mark.parametrize("change, expected", [
    ({"runs": 0}, "runs: 0 is not allowed"),
    ({"colour": "red"}, "colour: unknown field"),
    ({"design": {"method": "sobol", "n": 50}, "parameters": {"monitoring.us.drift_sd":
                                                          {"low": 0, "high": 1}}},
     "must be a power of 2"),
    ({"design": {"method": "latin"}}, "unknown design method"),
    ({"design": {"method": "morris", "trajectories": 4, "levels": 5}}, "must be even"),
    ({"zip": {"g": {"approval.us.weekly_hazard": [0.1, 0.2],
                    "approval.china.weekly_hazard": [0.1]}}}, "same length"),
    ({"grid": {"monitoring.us.drift_sd": [0.1]},
      "design": {"method": "lhs", "points": 4},
      "parameters": {"monitoring.us.prior_sd": {"low": 0.1, "high": 0.2}}},
     "either 'grid'/'zip' or 'design'"),
    ({"parameters": {"monitoring.us.drift_sd": {"low": 0.3, "high": 0.1}},
      "design": {"method": "lhs", "points": 4}}, "low must be less than high"),
    ({"grid": {"horizon_weeks": [10, 20]}}, "unknown parameter path"),
    ({"grid": {"monitoring.us.drift_sd": [0.1, 0.1]}}, "must not repeat"),
    ({}, "a sweep needs 'grid'"),
    ({"grid": {"monitoring.us.drift_sd": [0.1]}, "series": ["supply.magnet"]},
     "did you mean 'supply.magnets'"),
])
def test_invalid_sweeps_are_refused_clearly(change, expected):
    assert expected in problems_of(small(**change))


def test_a_point_whose_strategy_lacks_a_swept_parameter_is_refused():
    text = problems_of(small(grid={"actors.us.strategy.name": ["tit_for_tat"],
                                   "actors.us.strategy.forgiveness": [0.2]}))
    assert "point 0" in text and "unknown parameter of tit_for_tat" in text


def test_cli_bad_sweep_exits_2_without_traceback(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(f"name: b\nbase: {LONDON}\nruns: 10\nseed: 1\ngrid: {{nosuch.path: [1]}}\n")
    proc = subprocess.run([sys.executable, "-m", "tradesim", "sweep", str(path), "--out",
                           str(tmp_path / "o")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "unknown parameter path" in proc.stderr and "Traceback" not in proc.stderr


# ------------------------------------------------------------------------- designs


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


# ------------------------------------------------------------------------ running


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


def test_saved_results_carry_the_sweep_file_and_versions(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(f"name: s\nbase: {LONDON}\nscenario: {{horizon_weeks: 8}}\nruns: 20\n"
                    "seed: 3\ngrid:\n  monitoring.us.drift_sd: [0.1, 0.2]\n")
    assert main(["sweep", str(path), "--out", str(tmp_path / "o"), "--executor", "serial",
                 "--progress", "off"]) == 0
    ds = load_sweep(tmp_path / "o")
    assert ds.attrs["sweep_file"] == path.read_text()
    assert "tradesim" in ds.attrs["versions"] and ds.attrs["seed"] == "3"
    assert (tmp_path / "o" / "sweep.yaml").read_text() == path.read_text()
    # A second run into the same folder needs --resume; with it nothing is recomputed.
    assert main(["sweep", str(path), "--out", str(tmp_path / "o"), "--executor",
                 "serial"]) == 2
    assert main(["sweep", str(path), "--out", str(tmp_path / "o"), "--executor", "serial",
                 "--resume", "--progress", "off"]) == 0
    xr.testing.assert_identical(ds, load_sweep(tmp_path / "o"))


def test_resume_refuses_a_folder_of_another_sweep(tmp_path):
    run_sweep(read_sweep(small(grid={"monitoring.us.drift_sd": [0.1]}, runs=20)), tmp_path,
              executor="serial", progress=False)
    with pytest.raises(ScenarioError, match="different sweep"):
        run_sweep(read_sweep(small(grid={"monitoring.us.drift_sd": [0.1]}, runs=21)),
                  tmp_path, executor="serial", resume=True, progress=False)


def _digest(folder: Path) -> dict[str, str]:
    # Only finished files: temporary ones start with a dot and are never globbed here.
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((folder / "points").glob("[0-9]*.nc"))}


def test_a_killed_sweep_resumes_without_losing_or_changing_finished_points(tmp_path):
    path = tmp_path / "kill.yaml"
    path.write_text(f"name: kill\nbase: {LONDON}\nscenario: {{horizon_weeks: 26}}\n"
                    "runs: 150\nseed: 99\ngrid:\n"
                    "  monitoring.us.drift_sd: [0.02, 0.1, 0.2, 0.3]\n"
                    "  actors.us.strategy.forgiveness: [0.0, 0.2, 0.4]\n")
    out = tmp_path / "killed"
    command = [sys.executable, "-m", "tradesim", "sweep", str(path), "--out", str(out),
               "--executor", "processes", "--workers", "2", "--progress", "off"]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while len(_digest(out)) < 3:
            assert proc.poll() is None, "the sweep finished before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        # Kill the sweep and its worker processes (its own session) with no warning.
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    before = _digest(out)
    assert 3 <= len(before) < 12
    assert not (out / "sweep.nc").exists()
    unfinished = load_points(out, path)
    assert int(unfinished["finished"].sum()) == len(before)

    assert main([*command[3:-2], "--resume", "--progress", "off"]) == 0
    after = _digest(out)
    assert len(after) == 12
    assert {k: after[k] for k in before} == before  # finished points untouched
    resumed = load_sweep(out)
    whole = run_sweep(read_sweep(path), tmp_path / "whole", executor="serial", progress=False)
    xr.testing.assert_identical(resumed, whole)
