"""Executors: identical results everywhere, bounded work in flight, clean failure."""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import tradesim
from tradesim import executors
from tradesim.executors import PER_WORKER, make_executor
from tradesim.sweep import load_sweep, read_sweep, run_sweep

ROOT = Path(__file__).resolve().parents[1]
LONDON = str(ROOT / "scenarios" / "london-2025.yaml")


def small(**extra) -> dict:
    data = {"name": "small", "base": LONDON, "scenario": {"horizon_weeks": 26}, "runs": 60,
            "seed": 7}
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


def square(x: int) -> int:
    return x * x


def fail_on_three(x: int) -> int:
    if x == 3:
        raise ValueError(f"no good: {x}")
    time.sleep(0.05)
    return x


def no_workers_left(timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while multiprocessing.active_children():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


# ---------------------------------------------------------------- the abstraction


def test_make_executor_kinds_and_refusals():
    assert make_executor("serial").kind == "serial"
    # One process needs no pool: it runs here.
    assert make_executor("processes", 1).kind == "serial"
    with pytest.raises(ValueError, match="unknown executor 'threads'"):
        make_executor("threads")
    with pytest.raises(ValueError, match="needs executor='dask'"):
        make_executor("processes", 2, scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(ValueError, match="at least 1"):
        make_executor("processes", 0)


@pytest.mark.parametrize("kind", ["serial", "processes", "dask"])
def test_every_task_runs_once_and_comes_back_with_its_key(kind):
    if kind == "dask":
        pytest.importorskip("distributed")
    with make_executor(kind, 2) as pool:
        got = dict(pool.map_unordered(square, ((f"t{i}", (i,)) for i in range(11))))
    assert got == {f"t{i}": i * i for i in range(11)}
    assert no_workers_left()


@pytest.mark.parametrize("kind", ["serial", "processes", "dask"])
def test_tasks_are_pulled_lazily_with_bounded_work_in_flight(kind):
    if kind == "dask":
        pytest.importorskip("distributed")
    pulled = []

    def tasks():
        for i in range(100):
            pulled.append(i)
            yield i, (i,)

    with make_executor(kind, 2) as pool:
        results = pool.map_unordered(square, tasks())
        next(results)
        # When the first result is handed over, at most in_flight tasks were pulled.
        assert len(pulled) <= pool.in_flight
        assert pool.in_flight == (1 if kind == "serial" else PER_WORKER * pool.workers)
        assert sum(1 for _ in results) == 99
    assert len(pulled) == 100


def where(_: int) -> tuple[int, str]:
    time.sleep(0.05)
    return os.getpid(), threading.current_thread().name


@pytest.mark.parametrize("workers", [2, 3])
def test_the_process_pool_works_in_this_process_and_workers_minus_one_others(workers):
    # This process is one of the workers (in the calling thread, so that Ctrl-C stops
    # its task), so ``workers=2`` starts one process, not two, and works meanwhile.
    with make_executor("processes", workers) as pool:
        ran = [r for _, r in pool.map_unordered(where, ((i, (i,)) for i in range(60)))]
    here = [name for pid, name in ran if pid == os.getpid()]
    assert here and set(here) == {threading.current_thread().name}
    # Each started process may or may not get a task before the others finish them.
    assert 1 <= len({pid for pid, _ in ran} - {os.getpid()}) <= workers - 1
    assert no_workers_left()


def interrupted_here(parent: int) -> int:
    if os.getpid() == parent:  # Ctrl-C arriving while this process runs a task
        raise KeyboardInterrupt
    time.sleep(0.05)
    return 0


def test_ctrl_c_during_a_task_of_the_calling_process_stops_the_pool_at_once():
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        with make_executor("processes", 2) as pool:
            tasks = ((i, (os.getpid(),)) for i in range(1000))  # 50 s of work elsewhere
            for _ in pool.map_unordered(interrupted_here, tasks):
                pass
    assert no_workers_left()
    assert time.monotonic() - start < 30.0


@pytest.mark.parametrize("kind", ["serial", "processes", "dask"])
def test_an_exception_in_a_task_propagates_clearly_and_leaves_no_workers(kind):
    if kind == "dask":
        pytest.importorskip("distributed")
    with pytest.raises(ValueError, match="no good: 3") as info:
        with make_executor(kind, 2) as pool:
            for _ in pool.map_unordered(fail_on_three, ((i, (i,)) for i in range(40))):
                pass
    assert any("task 3" in note and kind in note for note in info.value.__notes__)
    assert no_workers_left()


def test_missing_dask_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError, match=r"tradesim-policy\[dask\]"):
        make_executor("dask", 1)
    with pytest.raises(ImportError, match=r"tradesim-policy\[dask\]"):
        run_sweep(read_sweep(small(grid={"monitoring.us.drift_sd": [0.1]})), executor="dask")


# ----------------------------------------------------------- identical everywhere


def test_an_ensemble_is_identical_on_every_executor(london):
    pytest.importorskip("distributed")
    scenario = tradesim.validate_scenario(
        tradesim.io.merge(tradesim.io.read_data(LONDON), {"horizon_weeks": 20}))
    reference = tradesim.run(scenario, 700, seed=11, chunk_size=64, workers=1)
    for kind in ("processes", "dask"):
        other = tradesim.run(scenario, 700, seed=11, chunk_size=64, workers=2, executor=kind)
        assert json.dumps(other.summary().to_dict()) == json.dumps(reference.summary().to_dict())
        for name in ("outcome", "histogram", "sums", "phase_counts", "action_counts"):
            assert np.array_equal(getattr(other, name), getattr(reference, name)), (kind, name)
        assert np.array_equal(other.trajectories["series"], reference.trajectories["series"])
        assert other.replications().equals(reference.replications())
    assert no_workers_left()


def test_serial_processes_and_dask_give_identical_sweeps(tmp_path):
    pytest.importorskip("distributed")
    for spec in (GRID, LHS):
        sweep = read_sweep(spec)
        serial = run_sweep(sweep, tmp_path / f"{sweep.kind}-serial", executor="serial",
                           progress=False)
        processes = run_sweep(sweep, tmp_path / f"{sweep.kind}-proc", executor="processes",
                              workers=2, progress=False)
        dask = run_sweep(sweep, tmp_path / f"{sweep.kind}-dask", executor="dask", workers=2,
                         progress=False)
        xr.testing.assert_identical(serial, processes)
        xr.testing.assert_identical(serial, dask)
        xr.testing.assert_identical(serial, load_sweep(tmp_path / f"{sweep.kind}-dask"))
        for name in ("probability", "series_stats", "milestone_cdf", "median_week"):
            assert serial[name].values.tobytes() == dask[name].values.tobytes()
        # Every executor wrote the same point files.
        for kind in ("proc", "dask"):
            names = sorted(p.name for p in (tmp_path / f"{sweep.kind}-{kind}" / "points").iterdir())
            assert names == sorted(p.name for p in
                                   (tmp_path / f"{sweep.kind}-serial" / "points").iterdir())
    assert no_workers_left()


def test_dask_executor_connects_to_a_running_scheduler():
    distributed = pytest.importorskip("distributed")
    sweep = read_sweep(small(grid={"monitoring.us.drift_sd": [0.05, 0.3]}, runs=30))
    # A scheduler on loopback TCP, as a remote one would be (in-process workers: quick).
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  protocol="tcp://", host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        ds = run_sweep(sweep, executor="dask", scheduler=cluster.scheduler_address,
                       progress=False)
        # A client passed in is used and left open.
        with distributed.Client(cluster) as client:
            with executors.make_executor("dask", scheduler=client) as pool:
                assert dict(pool.map_unordered(square, [(2, (2,))])) == {2: 4}
            assert client.status == "running"
    xr.testing.assert_identical(ds, run_sweep(sweep, executor="serial", progress=False))
