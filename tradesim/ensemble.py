"""Running ensembles: chunked, optionally parallel, always reproducible.

:func:`run` splits the replications into chunks, steps each chunk as one
:class:`~tradesim.model.TradeModel` that counts each week's series into
exact integer aggregates as the week is made (a :class:`~tradesim.reduction.Tally`),
and adds the chunks' aggregates together (:mod:`tradesim.reduction`).  Chunks
run in this process or, in batches, on worker processes
(:mod:`tradesim.executors`).  Replication ``i`` always draws from its own
counter-based streams of the master seed (:mod:`tradesim.streams`), so the
result is the same, bit for bit, for any chunk size, any number of worker
processes and any executor.

A scenario with uncertain parameters runs nested by default
(:mod:`tradesim.nesting`): replication ``i`` takes the parameter values of set
``i % S`` of a Latin hypercube design drawn up front from the master seed.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from . import nesting, streams
from .executors import Executor, check, make_executor
from .model import Forcing, TradeModel
from .reduction import BINS, COUNT, Collector, Partial, Tally
from .scenario import Scenario

if TYPE_CHECKING:  # pragma: no cover
    # Workers never build Results: they need neither it nor pandas, which it imports.
    from .results import Results

__all__ = ["DEFAULT_CHUNK", "MAX_RUNS", "run"]

#: Replications stepped together in one model: as fast as 16,384 with two workers
#: (memory-bound either way) and about 60 MiB less working state per worker.
DEFAULT_CHUNK = 8192
#: Trajectories are kept for all replications up to this many runs.
KEEP_ALL_UP_TO = 10_000
#: Replications whose trajectories are kept beyond that.
KEEP_SAMPLE = 1_000
#: Most replications one call accepts.
MAX_RUNS = 100_000_000
#: Runs at least this large use all cores by default.
PARALLEL_FROM = 50_000
#: Most memory, in bytes, that kept trajectories and the weekly histograms of one
#: run may take (4 GiB); :func:`run` refuses larger runs with advice to shrink them.
MAX_MEMORY_BYTES = 4 * 2**30


def _chunks(runs: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, runs, size):
        yield start, min(start + size, runs)


def _batches(runs: int, size: int, workers: int) -> Iterator[tuple[int, int]]:
    """Spans of whole chunks of ``size``, one per task of ``workers`` workers.

    Few enough that little travels between processes, enough (16 a worker) to
    move the progress bar; and smaller towards the end (a quarter of what is
    left per worker, down to one chunk), so that the run does not end with one
    worker still on a long batch while the others have nothing left to do.
    """
    largest = max(1, -(-runs // (16 * workers * size)))  # chunks
    start = 0
    while start < runs:
        left = -(-(runs - start) // size)
        stop = min(start + max(1, min(largest, left // (4 * workers))) * size, runs)
        yield start, stop
        start = stop


#: A nested run's design: the number of sets and each uncertain path's values by set.
Design = tuple[int, dict[str, Any]] | None


def _run_chunk(scenario: Scenario, master: Any, start: int, stop: int, keep: int,
               overrides: dict[str, Any] | None, forcing: Forcing | None = None,
               into: Collector | None = None, design: Design = None) -> Partial | None:
    """Step one chunk; its partial, or None once added to ``into``."""
    if design is not None:
        overrides = nesting.overrides_for(design[1], design[0], start, stop, overrides)
    kept = max(0, min(keep - start, stop - start))
    # The week's series are counted as they are made; only kept ones are recorded.
    tally = Tally.for_scenario(scenario, into=None if into is None else into.totals)
    model = TradeModel(scenario, stop - start, master, first_replication=start,
                       overrides=overrides, forcing=forcing, tally=tally, keep=kept)
    model.run()
    part = None
    if into is None:
        part = Partial.from_model(model, keep=kept)
    else:
        into.add_model(model, keep=kept)
    model.close()  # the partial and the collector hold copies of all they need
    return part


def _run_batch(scenario: Scenario, master: Any, start: int, stop: int, chunk_size: int,
               keep: int, overrides: dict[str, Any] | None,
               forcing: Forcing | None = None, design: Design = None,
               keep_parameters: bool = True) -> Partial:
    """A worker's task: several chunks, added up locally so one partial travels back."""
    names = TradeModel.series_names_for(scenario)
    local = Collector(scenario, master.entropy, names, stop - start,
                      kept=max(0, min(keep, stop) - start), offset=start,
                      keep_parameters=keep_parameters)
    for a, b in _chunks(stop - start, chunk_size):
        _run_chunk(scenario, master, start + a, start + b, keep, overrides, forcing,
                   into=local, design=design)
    # What is left of the chunks' models (Mesa's agent sets refer back to them) waits
    # for the cyclic collector, which counts objects, not bytes: collect it now, so a
    # worker's memory stays flat over a long run (about 0.1 s a batch).
    gc.collect()
    return local.to_partial()


def run(
    scenario: Scenario | str | os.PathLike[str],
    runs: int = 1000,
    seed: int | None = None,
    *,
    chunk_size: int | None = None,
    workers: int | None = None,
    keep_trajectories: int | None = None,
    overrides: dict[str, Any] | None = None,
    progress: bool | None = None,
    forcing: Forcing | None = None,
    executor: str | Executor = "processes",
    scheduler: Any = None,
    parameter_sets: int | None = None,
    keep_parameters: bool = True,
) -> Results:
    """Run a scenario ``runs`` times and collect the results.

    Parameters
    ----------
    scenario : Scenario or str or Path
        A validated scenario (see :func:`tradesim.load_scenario`), or the path
        of a scenario file, which is read and validated first.
    runs : int
        Number of replications.
    seed : int or None
        Master seed; ``None`` draws one from the operating system (it is
        recorded in the results as ``results.seed``).
    chunk_size : int or None
        Replications stepped together; does not change the results.  ``None``
        steps runs of up to 10,000 replications (whose trajectories are all
        kept) as one chunk, so the kept trajectories are handed over without a
        copy, and larger runs in chunks of :data:`DEFAULT_CHUNK`.
    workers : int or None
        Processes working on the runs (with ``"processes"``, this one and
        ``workers - 1`` started).  ``None`` uses every core for runs of at
        least 50,000 replications (and on a Dask ``LocalCluster``) and one
        process otherwise; does not change the results.
    keep_trajectories : int or None
        Keep full weekly trajectories of the first this-many replications.
        ``None`` keeps all for runs up to 10,000, else the first 1,000.
        Kept trajectories and the weekly histograms together may take at
        most :data:`MAX_MEMORY_BYTES` (4 GiB).
    overrides : dict, optional
        Parameter values by path replacing the scenario's (used by sweeps).
    progress : bool or None
        Show a progress bar (``tqdm.auto``); ``None`` shows one for runs of
        at least 50,000 replications.
    forcing : Forcing, optional
        Logged history to replay before running free (see
        :func:`tradesim.history.replay`).
    executor : {"processes", "serial", "dask"} or Executor
        Where the batches of replications run (:mod:`tradesim.executors`):
        local worker processes (the default; one process runs in this one),
        this process, or a Dask cluster; an :class:`~tradesim.executors.Executor`
        passed in is used and left open.  Does not change the results.
    scheduler : str or distributed.Client, optional
        With ``executor="dask"``: a running scheduler (``"tcp://host:8786"``)
        or client; default a ``LocalCluster`` of ``workers`` processes on
        127.0.0.1.
    parameter_sets : int or None
        For a scenario with uncertain parameters: the number ``S`` of parameter
        sets of a nested run (replication ``i`` takes set ``i % S``; see
        :mod:`tradesim.nesting`), 2 to ``runs // 2``, or 0 for no nesting (each
        replication draws its own parameters).  ``None`` chooses ``runs // 100``
        sets (about 100 replications each, at most 1,000 sets), and no nesting
        below 200 runs.  Ignored for a scenario without uncertain parameters.
        Changes the results (the parameter values drawn), unlike the chunking.
    keep_parameters : bool
        Keep each replication's sampled parameters (``results.parameters``, one
        float64 per uncertain parameter and replication: 128 MB for 10**6 London
        runs).  ``False`` leaves ``results.parameters`` empty, for runs that need
        only the summary and aggregates (``tradesim run`` without ``--out``).

    Returns
    -------
    Results

    Raises
    ------
    ValueError
        For ``runs`` outside 1 to :data:`MAX_RUNS`, or a run that would need
        more than :data:`MAX_MEMORY_BYTES` (the message says what to lower).

    Examples
    --------
    >>> import tradesim
    >>> scenario = tradesim.load_scenario("scenarios/london-2025.yaml")
    >>> results = tradesim.run(scenario, runs=200, seed=1)
    >>> round(float(results.summary().outcomes["probability"].sum()), 6)
    1.0
    """
    if isinstance(scenario, str | os.PathLike):
        from .io import load_scenario

        scenario = load_scenario(scenario)
    elif not isinstance(scenario, Scenario):
        raise TypeError(f"scenario must be a Scenario (from tradesim.load_scenario) or the "
                        f"path of a scenario file, got {type(scenario).__name__}")
    if isinstance(runs, bool) or not isinstance(runs, int) or not 1 <= runs <= MAX_RUNS:
        raise ValueError(f"runs must be an integer from 1 to {MAX_RUNS:,}, got {runs!r}")
    if chunk_size is None:
        chunk_size = runs if runs <= KEEP_ALL_UP_TO else DEFAULT_CHUNK
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    master = streams.master_seed_sequence(seed)
    sets = nesting.resolve_parameter_sets(scenario, runs, parameter_sets)
    design = (sets, nesting.design(scenario, master, sets)) if sets else None
    if keep_trajectories is None:
        keep_trajectories = runs if runs <= KEEP_ALL_UP_TO else KEEP_SAMPLE
    keep = max(0, min(int(keep_trajectories), runs))
    _check_memory(scenario, keep)
    if isinstance(executor, str):
        check(executor, scheduler)
    if workers is None:
        many = runs >= PARALLEL_FROM or executor == "dask"
        workers = (os.cpu_count() or 1) if many else 1
    workers = max(1, min(int(workers), -(-runs // chunk_size)))
    if progress is None:
        progress = runs >= PARALLEL_FROM
    bar = _progress_bar(runs, scenario.name, progress)
    try:
        if not isinstance(executor, str):  # the caller's executor: use it, leave it open
            return _collect(executor, scenario, master, runs, chunk_size, keep, overrides,
                            bar, forcing, design, keep_parameters)
        with make_executor(executor, workers, scheduler) as pool:
            return _collect(pool, scenario, master, runs, chunk_size, keep, overrides, bar,
                            forcing, design, keep_parameters)
    finally:
        bar.close()


def _collect(pool: Executor, scenario: Scenario, master: Any, runs: int, chunk_size: int,
             keep: int, overrides: dict[str, Any] | None, bar: Any,
             forcing: Forcing | None = None, design: Design = None,
             keep_parameters: bool = True) -> Results:
    """Run every replication on ``pool`` and add the partials up as they arrive."""
    names = TradeModel.series_names_for(scenario)
    collector = Collector(scenario, master.entropy, names, runs, keep,
                          parameter_sets=0 if design is None else design[0],
                          keep_parameters=keep_parameters)
    if pool.kind == "serial":
        # In this process: each chunk counts straight into the collector's totals.
        fn: Any = _run_chunk
        tasks = (((a, b), (scenario, master, a, b, keep, overrides, forcing, collector,
                                design))
                 for a, b in _chunks(runs, chunk_size))
    else:
        fn = _run_batch
        tasks = (((a, b), (scenario, master, a, b, chunk_size, keep, overrides, forcing,
                                design, keep_parameters))
                 for a, b in _batches(runs, chunk_size, pool.workers))
    for (start, stop), part in pool.map_unordered(fn, tasks):
        if part is not None:
            collector.add(part)
        bar.update(stop - start)
    return collector.results()


def _check_memory(scenario: Scenario, keep: int) -> None:
    """Refuse a run whose trajectories and histograms obviously exceed the memory limit."""
    series = len(TradeModel.series_names_for(scenario))
    weeks = scenario.horizon_weeks + 1
    # float32 series plus int8 phase and two int8 actions a week, per kept replication;
    # int32 histograms of every series and week, for a chunk and for the running total.
    trajectories = keep * weeks * (4 * series + 3)
    histograms = 2 * series * weeks * BINS * np.dtype(COUNT).itemsize
    need = trajectories + histograms
    if need > MAX_MEMORY_BYTES:
        raise ValueError(
            f"this run would need about {need / 2**30:.1f} GiB of memory, more than the "
            f"{MAX_MEMORY_BYTES / 2**30:g} GiB allowed ({keep:,} kept trajectories of "
            f"{series} series x {weeks} weeks: {trajectories / 2**30:.1f} GiB; weekly "
            f"histograms: {histograms / 2**30:.1f} GiB): keep fewer trajectories "
            "(keep_trajectories=1000, or 0), run fewer replications (--runs), or shorten "
            "horizon_weeks")


def _progress_bar(total: int, name: str, enabled: bool) -> Any:
    tqdm = progress_class() if enabled else _plain_tqdm()
    return tqdm(total=total, desc=name, unit="run", unit_scale=True, disable=not enabled,
                leave=False)


def _plain_tqdm() -> Any:
    from tqdm.std import tqdm

    return tqdm


def progress_class() -> Any:
    """The progress bar class: a widget in Jupyter with ipywidgets, else text on stderr.

    Unlike ``tqdm.auto``, it never warns "IProgress not found" in a notebook
    without ipywidgets (the ``notebook`` extra installs them): it falls back
    to a text bar quietly.
    """
    import importlib.util
    import sys

    if "ipykernel" in sys.modules and importlib.util.find_spec("ipywidgets") is not None:
        from tqdm.notebook import tqdm

        return tqdm
    return _plain_tqdm()
