"""Tests of tradesim.sweep.store: saved results, resume, and a killed sweep's points."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import xarray as xr
from sweep_cases import LONDON, small

from tradesim.cli import main
from tradesim.scenario import ScenarioError
from tradesim.sweep import load_points, load_sweep, read_sweep, run_sweep


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
