"""Tests of tradesim.sweep.spec: reading sweep files, and refusing bad ones clearly."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from sweep_cases import GRID, LONDON, ROOT, problems_of, small

from tradesim.scenario import ScenarioError
from tradesim.sweep import read_sweep


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
