"""Running a sweep: each point on an executor, its file written as soon as it is done.

Point ``i`` runs ``runs`` replications of its scenario from the seed
``SeedSequence(seed, spawn_key=(i,))`` and is reduced to its summary arrays
(:func:`compute_point`), so its result depends only on the sweep file and ``i``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from .. import ensemble, executors
from ..errors import Problem, ScenarioError
from ..scenario import Scenario
from ..vocab import MILESTONES
from .spec import Sweep, read_sweep
from .store import (
    FORMATS,
    STATS,
    assemble,
    finished_points,
    read_point,
    save_sweep,
    selected_series,
    write_point,
    write_sweep_files,
)

__all__ = ["EXECUTORS", "compute_point", "run_sweep"]

#: Ways to run the points.
EXECUTORS = executors.KINDS


def compute_point(scenario: Scenario, runs: int, seed: np.random.SeedSequence,
                  series: Any = "all") -> dict[str, np.ndarray]:
    """Run one point and reduce it to its summary arrays (the task a worker runs).

    Parameters
    ----------
    scenario : Scenario
        The point's scenario (:meth:`Sweep.scenario`).
    runs : int
        Replications.
    seed : numpy.random.SeedSequence
        The point's seed (:meth:`Sweep.seed`); replication ``r`` uses its child ``r``.
    series : {"all", "none"} or sequence of str
        The weekly series whose mean and quantiles are kept.

    Returns
    -------
    dict
        ``probability``, ``count``, ``ci95_low``, ``ci95_high`` (outcome),
        ``median_week`` (milestone, NaN where fewer than half reach it),
        ``milestone_cdf`` (week, milestone), ``series_stats`` (series, week, stat).
    """
    results = ensemble.run(scenario, runs=runs, seed=seed, workers=1, keep_trajectories=0,
                           progress=False)
    s = results.summary()
    names = selected_series(results.series_names, series)
    stats = np.empty((len(names), scenario.horizon_weeks + 1, len(STATS)))
    for k, name in enumerate(names):
        frame = s.series[name]
        for j, stat in enumerate(STATS):
            stats[k, :, j] = frame[stat].to_numpy()
    return {
        "probability": s.outcomes["probability"].to_numpy(dtype=np.float64),
        "count": s.outcomes["count"].to_numpy(dtype=np.int64),
        "ci95_low": s.outcomes["ci95_low"].to_numpy(dtype=np.float64),
        "ci95_high": s.outcomes["ci95_high"].to_numpy(dtype=np.float64),
        "median_week": np.array([np.nan if s.median_weeks[m] is None else s.median_weeks[m]
                                 for m in MILESTONES], dtype=np.float64),
        "milestone_cdf": s.milestones[list(MILESTONES)].to_numpy(dtype=np.float64),
        "series_stats": stats,
    }



Task = tuple[int, tuple[Scenario, int, np.random.SeedSequence, Any, Path | None, int, str]]


def _compute_and_write(scenario: Scenario, runs: int, seed: np.random.SeedSequence,
                       series: Any, out: Path | None, index: int, sha: str
                       ) -> dict[str, np.ndarray]:
    """A point's task: compute it and, with an output folder, write its file (atomically).

    Where the executor runs tasks on this machine the worker writes the file
    itself, sparing the parent, which would otherwise take CPU from the
    workers for every point.
    """
    result = compute_point(scenario, runs, seed, series)
    if out is not None:
        write_point(out, index, result, sha)
    return result



def run_sweep(
    sweep: Sweep | str | Path,
    out: str | Path | None = None,
    *,
    executor: str = "processes",
    workers: int | None = None,
    scheduler: Any = None,
    resume: bool = False,
    format: str = "netcdf",
    progress: bool | None = None,
    on_point: Callable[[int, int], None] | None = None,
) -> Any:
    """Run every point of a sweep and return its results as an xarray Dataset.

    Parameters
    ----------
    sweep : Sweep, str or Path
        A sweep (see :func:`read_sweep`) or a sweep file.
    out : str or Path, optional
        Output folder.  Each finished point is written at once to
        ``out/points/NNNNNNN.nc`` (atomically), then the whole sweep to
        ``out/sweep.nc`` (or ``sweep.zarr``), with the sweep file, its hash and
        the library versions as attributes.  ``None`` keeps results in memory.
    executor : {"serial", "processes", "dask"}
        Where points run.  ``"processes"`` uses a pool of ``workers`` local
        processes; ``"dask"`` a LocalCluster of ``workers`` processes bound to
        127.0.0.1, or the cluster at ``scheduler``.  Results are identical, bit
        for bit, for every executor.
    workers : int, optional
        Processes working on the points (default: all cores; with
        ``"processes"``, this one and ``workers - 1`` started); ignored with
        ``scheduler``.
    scheduler : str or distributed.Client, optional
        With ``executor="dask"``: a running scheduler (``"tcp://host:8786"``)
        or client to use instead of a LocalCluster.
    resume : bool
        Skip points already finished in ``out`` (they must come from the same
        sweep: same points, runs, seed and base scenario).  Without it an
        ``out`` holding finished points is an error, so nothing is overwritten
        by mistake.
    format : {"netcdf", "zarr"}
        Format of the assembled results.
    progress : bool, optional
        Progress bar over points (a widget in Jupyter with ipywidgets, else
        text); default: on for sweeps of more than one point.
    on_point : callable, optional
        Called as ``on_point(done, total)`` after each point (e.g. for logging).

    Returns
    -------
    xarray.Dataset
        Dimensions: the grid's axes (one per parameter or zipped group) or
        ``point`` for designs; ``outcome``, ``milestone``, ``week``,
        ``series``, ``stat``.  Variables: ``probability``, ``count``,
        ``ci95_low``, ``ci95_high``, ``median_week``, ``milestone_cdf``,
        ``series_stats``, ``finished``; designs add ``unit_sample``.

    Raises
    ------
    ScenarioError
        For an invalid sweep file or an output folder of another sweep.
    ImportError
        For ``executor="dask"`` without the ``dask`` extra (the message names it).

    Examples
    --------
    >>> from tradesim.sweep import read_sweep, run_sweep
    >>> sweep = read_sweep({"name": "tiny", "base": "scenarios/london-2025.yaml",
    ...                     "scenario": {"horizon_weeks": 8}, "runs": 20, "seed": 1,
    ...                     "grid": {"monitoring.us.channels.magnets.noise_sd": [0.05, 0.3]}})
    >>> ds = run_sweep(sweep, executor="serial", progress=False)
    >>> ds["probability"].sizes["monitoring.us.channels.magnets.noise_sd"]
    2
    """
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r} (known: {', '.join(FORMATS)})")
    executors.check(executor, scheduler)
    if not isinstance(sweep, Sweep):
        sweep = read_sweep(sweep)
    workers = executors.resolve_workers(workers)
    sha = sweep.sha256
    n = sweep.n_points
    results: dict[int, dict[str, np.ndarray]] = {}
    out_path = None if out is None else Path(out)
    if out_path is not None:
        done = finished_points(out_path, sha)
        if done and not resume:
            raise ScenarioError(str(out_path), [Problem(
                "", f"already holds {len(done):,} finished points of this sweep: pass "
                    "--resume (resume=True) to continue it, or choose another output folder")])
        for index, path in done.items():
            results[index] = read_point(path)[1]
        write_sweep_files(out_path, sweep)

    todo = [i for i in range(n) if i not in results]
    workers = max(1, min(workers, len(todo) or 1))

    def tasks(out: Path | None) -> Iterator[Task]:
        for i in todo:
            yield i, (sweep.scenario(i), sweep.spec.runs, sweep.seed(i), sweep.spec.series,
                      out, i, sha)

    if progress is None:
        progress = n > 1
    from ..ensemble import progress_class

    bar = progress_class()(total=n, initial=n - len(todo), desc=sweep.spec.name, unit="point",
               disable=not progress, leave=False)
    try:
        if todo:
            with executors.make_executor(executor, workers, scheduler) as pool:
                # Workers on this machine write their own point files; others' are
                # written here.
                local = pool.shares_files
                for index, result in pool.map_unordered(
                        _compute_and_write, tasks(out_path if local else None)):
                    if out_path is not None and not local:
                        write_point(out_path, index, result, sha)
                    results[index] = result
                    bar.update(1)
                    if on_point is not None:
                        on_point(len(results), n)
    finally:
        bar.close()
    ds = assemble(sweep, results)
    if out_path is not None:
        save_sweep(ds, out_path, format)
    return ds
