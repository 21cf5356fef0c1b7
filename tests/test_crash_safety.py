"""Crash safety: ``kill -9`` during ``tradesim run --out`` and during a sweep.

A kill may come at any moment, also while a file is being written.  Whatever
it interrupts, no half-written file stands where a result should be:
``metadata.json`` marks a complete save, so either loading refuses clearly
(no complete save) or it gives exactly the results of one run, never a mix.
Temporary files (``.*.tmp``) may remain and are never taken for results; a
re-run into the same folder succeeds and gives the same summary as an
uninterrupted run.

Kills at chosen moments of writing use a tiny wrapper around the real command
that stops, at a given file's rename, with its temporary file cut in half (the
state a kill in the middle of the write leaves), and waits to be killed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import tradesim
from tradesim.cli import main
from tradesim.scenario import ScenarioError
from tradesim.store import METADATA_FILE, RESULTS_FILE, load_results
from tradesim.sweep import load_points, load_sweep, read_sweep, run_sweep

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
LONDON = str(ROOT / "scenarios" / "london-2025.yaml")

# Runs the command line, but at the rename of the file named argv[1] it cuts that
# file's temporary copy in half, writes the marker file argv[2] and waits to be killed.
STOP_AT_RENAME = """
import os, sys, time
from pathlib import Path

target, marker, argv = sys.argv[1], Path(sys.argv[2]), sys.argv[3:]
real_replace = os.replace

def replace(src, dst, *args, **kwargs):
    if Path(dst).name == target:
        os.truncate(src, os.path.getsize(src) // 2)
        # Written whole, then renamed into place: the test never reads a half marker.
        marker.with_suffix(".part").write_text(str(src))
        real_replace(marker.with_suffix(".part"), marker)
        time.sleep(600)
    return real_replace(src, dst, *args, **kwargs)

os.replace = replace
from tradesim.cli import main
sys.exit(main(argv))
"""


def _start(command: list[str]) -> subprocess.Popen:
    # Its own session, so that killing the group also kills its worker processes.
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def _wait_for(path: Path, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            raise AssertionError(f"the command ended ({proc.returncode}) before the kill: "
                                 f"{proc.stderr.read().decode()}")
        assert time.monotonic() < deadline, "the command never reached the moment to kill"
        time.sleep(0.01)


def _run_args(out: Path, runs: int, seed: int) -> list[str]:
    return ["run", LONDON, "--runs", str(runs), "--seed", str(seed), "--out", str(out),
            "--no-figures", "--format", "json"]


def _summary(results) -> dict:
    return results.summary().to_dict()


def _assert_no_torn_results(out: Path, candidates: dict[str, dict]) -> str:
    """Loading either refuses (no complete save) or gives one candidate run exactly.

    Returns which: ``"none"`` or the candidate's key.
    """
    if out.exists():
        for path in out.iterdir():
            # Anything but the outputs is an unfinished temporary file, named to be ignored.
            if path.name not in (RESULTS_FILE, METADATA_FILE, "summary.json", "summary.txt"):
                assert path.name.startswith(".") and path.name.endswith(".tmp"), path.name
    if not (out / METADATA_FILE).exists():
        with pytest.raises(ScenarioError, match="no complete tradesim results"):
            load_results(out)
        return "none"
    loaded = _summary(load_results(out))
    for key, expected in candidates.items():
        if loaded == expected:
            return key
    raise AssertionError("the saved results are not those of any one run")


def _rerun_matches_uninterrupted(out: Path, fresh: Path, runs: int, seed: int, capsys) -> None:
    assert main(_run_args(out, runs, seed)) == 0
    assert main(_run_args(fresh, runs, seed)) == 0
    capsys.readouterr()
    assert (out / "summary.json").read_bytes() == (fresh / "summary.json").read_bytes()
    assert _summary(load_results(out)) == _summary(load_results(fresh))


# ------------------------------------------------------------- tradesim run --out


@pytest.mark.parametrize("after", [1.0, 3.0])
def test_kill_during_a_large_run_leaves_no_results_and_a_rerun_succeeds(tmp_path, after,
                                                                        capsys):
    out = tmp_path / "out"
    proc = _start([sys.executable, "-m", "tradesim", "run", LONDON, "--runs", "200000",
                   "--seed", "1", "--out", str(out), "--no-figures", "--progress", "off"])
    try:
        time.sleep(after)
        assert proc.poll() is None, "the run ended before it could be killed"
    finally:
        _kill(proc)
    assert _assert_no_torn_results(out, {}) == "none"
    # A re-run into the same folder (smaller, to stay quick) works and is unaffected.
    _rerun_matches_uninterrupted(out, tmp_path / "fresh", 400, 1, capsys)


def test_kill_while_the_results_file_is_being_written(tmp_path, capsys):
    # A real kill, as soon as the temporary results file appears (if we are quick
    # enough: the check holds whenever the kill lands).
    out = tmp_path / "out"
    proc = _start([sys.executable, "-m", "tradesim", "run", LONDON, "--runs", "12000",
                   "--seed", "3", "--workers", "1", "--out", str(out), "--no-figures",
                   "--progress", "off"])
    try:
        deadline = time.monotonic() + 90
        while proc.poll() is None and time.monotonic() < deadline:
            if out.is_dir() and any(p.name.endswith(".tmp") for p in out.iterdir()):
                break
            time.sleep(0.002)
    finally:
        _kill(proc)
    expected = {"run": _summary(tradesim.run(tradesim.load_scenario(LONDON), 12000, seed=3))}
    _assert_no_torn_results(out, expected)


@pytest.mark.parametrize("target", [RESULTS_FILE, METADATA_FILE])
@pytest.mark.parametrize("previous", [False, True], ids=["fresh-folder", "over-old-results"])
def test_kill_in_the_middle_of_writing_never_leaves_torn_results(tmp_path, target, previous,
                                                                 capsys):
    out = tmp_path / "out"
    scenario = tradesim.load_scenario(LONDON)
    candidates = {"new": _summary(tradesim.run(scenario, 300, seed=2))}
    if previous:  # an older, different run already saved in the folder
        assert main(_run_args(out, 200, 1)) == 0
        capsys.readouterr()
        candidates["old"] = _summary(tradesim.run(scenario, 200, seed=1))
        assert _summary(load_results(out)) == candidates["old"]
    marker = tmp_path / "stopped"
    # Replacing the older results needs --overwrite; the re-run after the kill does not,
    # since the folder then holds no complete save.
    proc = _start([sys.executable, "-c", STOP_AT_RENAME, target, str(marker),
                   *_run_args(out, 300, 2), *(["--overwrite"] if previous else [])])
    try:
        _wait_for(marker, proc)
    finally:
        _kill(proc)
    half_written = Path(marker.read_text())
    assert half_written.exists() and half_written.parent == out
    assert half_written.name.startswith(f".{target}.") and half_written.name.endswith(".tmp")
    # A new save first removes the old metadata, so the folder never pairs new data
    # with an older run's metadata: it holds no complete save until the re-run.
    assert _assert_no_torn_results(out, candidates) == "none"
    _rerun_matches_uninterrupted(out, tmp_path / "fresh", 300, 2, capsys)
    assert half_written.exists()  # a leftover temporary file is harmless


# ------------------------------------------------------------------------- sweeps


def test_a_sweep_killed_while_writing_a_point_resumes_identically(tmp_path, capsys):
    # tests/sweep/test_sweep_store.py kills a sweep between points; this kills it in the
    # middle of writing one, with the point's temporary file half written.
    path = tmp_path / "mid.yaml"
    path.write_text(f"name: mid\nbase: {LONDON}\nscenario: {{horizon_weeks: 12}}\n"
                    "runs: 40\nseed: 5\ngrid:\n  monitoring.us.drift_sd: [0.02, 0.1, 0.2, 0.3]\n")
    out = tmp_path / "killed"
    args = ["sweep", str(path), "--out", str(out), "--executor", "serial", "--progress", "off"]
    marker = tmp_path / "stopped"
    proc = _start([sys.executable, "-c", STOP_AT_RENAME, "0000002.nc", str(marker), *args])
    try:
        _wait_for(marker, proc)
    finally:
        _kill(proc)
    half_written = Path(marker.read_text())
    assert half_written.exists() and half_written.parent == out / "points"
    assert sorted(p.name for p in (out / "points").glob("*.nc")) == ["0000000.nc",
                                                                     "0000001.nc"]
    assert not (out / "sweep.nc").exists()
    assert int(load_points(out, path)["finished"].sum()) == 2

    assert main([*args, "--resume"]) == 0
    capsys.readouterr()
    resumed = load_sweep(out)
    whole = run_sweep(read_sweep(path), tmp_path / "whole", executor="serial", progress=False)
    xr.testing.assert_identical(resumed, whole)
    assert bool(np.all(resumed["finished"].values))
    meta = json.loads((out / "sweep.json").read_text())
    assert meta["points"] == 4
