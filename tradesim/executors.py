"""Where tasks run: in this process, in local worker processes, or on a Dask cluster.

Ensembles (batches of replications) and sweeps (points) hand their tasks to
one small abstraction.  An :class:`Executor` runs ``fn(*args)`` for each
``(key, args)`` task and yields ``(key, result)`` as results finish; the
caller places each result by its key, so what it builds never depends on the
executor, the number of workers or the order in which tasks finish.

- **Bounded work in flight.**  Tasks are pulled from the caller's iterable
  lazily, at most :data:`PER_WORKER` per worker ahead of the results
  consumed, so memory stays flat however many tasks there are.
- **No idle caller.**  The local pool counts the calling process as one of
  its workers: it runs tasks between collecting results, while the processes
  it started (``workers - 1``) import tradesim and then work alongside.
- **The same worker set-up.**  Worker processes tradesim starts (a local
  pool, or a Dask ``LocalCluster``) run :func:`init_worker` first.
- **Clean shutdown.**  Leaving the ``with`` block, normally, on an exception
  in a task (re-raised with a note naming the task) or on ``KeyboardInterrupt``,
  cancels the tasks not yet started and shuts the workers down.
- **Loopback by default.**  The Dask ``LocalCluster`` listens on 127.0.0.1
  only; a running cluster is used only when its scheduler is named.

Examples
--------
>>> from tradesim.executors import make_executor
>>> with make_executor("serial") as pool:
...     sorted(pool.map_unordered(pow, ((k, (k, 2)) for k in range(4))))
[(0, 0), (1, 1), (2, 4), (3, 9)]
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Any, TypeVar

from .errors import suggest

__all__ = [
    "KINDS",
    "PER_WORKER",
    "DaskExecutor",
    "Executor",
    "ProcessExecutor",
    "SerialExecutor",
    "check",
    "init_worker",
    "make_executor",
    "require",
    "resolve_workers",
]

#: Kinds of executor, for :func:`make_executor`.
KINDS = ("serial", "processes", "dask")
#: Tasks in flight per worker: enough to keep every worker busy, few enough to keep
#: memory flat.
PER_WORKER = 2

K = TypeVar("K")
R = TypeVar("R")
Task = tuple[K, tuple[Any, ...]]


class Executor:
    """Runs tasks and yields their results as they finish; a context manager.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    workers : int
        Tasks that run at once (processes, or Dask worker threads).
    shares_files : bool
        Whether tasks run on this machine, so that a task may write its own
        output files (true for serial and process executors).
    """

    kind: str = ""
    workers: int = 1
    shares_files: bool = True

    @property
    def in_flight(self) -> int:
        """Most tasks submitted but not yet consumed: :data:`PER_WORKER` per worker."""
        return PER_WORKER * self.workers

    def map_unordered(self, fn: Callable[..., R], tasks: Iterable[Task[K]]
                      ) -> Iterator[tuple[K, R]]:
        """Run ``fn(*args)`` for each ``(key, args)`` in ``tasks``; yield ``(key, result)``.

        Results come in the order they finish (in task order for the serial
        executor).  ``tasks`` is read lazily: at most :attr:`in_flight` tasks
        are pulled ahead of the results consumed.

        Raises
        ------
        Exception
            The first exception a task raises, with a note naming its key;
            the remaining tasks are cancelled.
        """
        raise NotImplementedError

    def close(self) -> None:
        """Cancel what has not started and shut the workers down (idempotent)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.workers} worker(s)>"


def _run_here(fn: Callable[..., R], key: Any, args: tuple[Any, ...], kind: str) -> R:
    """Run a task in this process; its exception gets a note naming the task."""
    try:
        return fn(*args)
    except Exception as exc:
        exc.add_note(f"(raised by task {key!r} on the {kind} executor)")
        raise


def _result(future: Any, key: Any, kind: str) -> Any:
    """A finished task's result, its exception noted as :func:`_run_here` notes it."""
    return _run_here(future.result, key, (), kind)


class SerialExecutor(Executor):
    """Runs each task in this process when its result is asked for."""

    kind = "serial"

    @property
    def in_flight(self) -> int:
        """One: a task runs only when its result is asked for."""
        return 1

    def map_unordered(self, fn: Callable[..., R], tasks: Iterable[Task[K]]
                      ) -> Iterator[tuple[K, R]]:
        for key, args in tasks:
            yield key, _run_here(fn, key, args, self.kind)


class ProcessExecutor(Executor):
    """``workers`` workers: this process and ``workers - 1`` processes started with "spawn".

    This process runs tasks too, between handing the others theirs and
    collecting their results.  Otherwise it would sit idle on a machine of few
    cores, and the first results would wait for every worker to start: a
    spawned worker spends about 1-2 s importing numpy, Mesa and tradesim and
    loading the compiled kernels, a tenth of a 2-worker sweep at 1,000 runs a
    point.  Its tasks run in the calling thread, so ``KeyboardInterrupt``
    stops them at once.  The tasks and their results are the same wherever
    they run.

    "spawn" starts clean interpreters (set up by :func:`init_worker`): safe
    with threads, and the same on every OS.  It is chosen for this pool only;
    the process-wide start method is left alone.
    """

    kind = "processes"

    def __init__(self, workers: int) -> None:
        if workers < 2:
            raise ValueError(f"a process pool needs at least 2 workers, got {workers}")
        self.workers = workers
        self._pool = cf.ProcessPoolExecutor(
            max_workers=workers - 1, mp_context=multiprocessing.get_context("spawn"),
            initializer=init_worker)

    def map_unordered(self, fn: Callable[..., R], tasks: Iterable[Task[K]]
                      ) -> Iterator[tuple[K, R]]:
        queue = iter(tasks)
        pending: dict[cf.Future[R], K] = {}

        def submit() -> bool:
            for key, args in queue:
                pending[self._pool.submit(fn, *args)] = key
                return True
            return False

        try:
            # The started processes always hold PER_WORKER tasks each, so they keep
            # working while this process runs one of its own.
            while len(pending) < PER_WORKER * (self.workers - 1) and submit():
                pass
            for key, args in queue:
                yield key, _run_here(fn, key, args, self.kind)
                for future in [f for f in pending if f.done()]:
                    done_key = pending.pop(future)
                    yield done_key, _result(future, done_key, self.kind)
                    submit()
            while pending:
                done, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
                for future in done:
                    key = pending.pop(future)
                    yield key, _result(future, key, self.kind)
        except BaseException:
            for future in pending:
                future.cancel()
            self._pool.shutdown(wait=False, cancel_futures=True)
            raise

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def require(kind: str) -> Any:
    """Check that the optional packages ``kind`` needs are installed.

    Returns
    -------
    module or None
        ``distributed`` for ``"dask"``, else None.

    Raises
    ------
    ImportError
        For ``"dask"`` without the ``dask`` extra (the message names it).
    """
    if kind != "dask":
        return None
    try:
        import distributed
    except ImportError:
        raise ImportError("the dask executor needs the optional 'dask' extra: "
                          "pip install 'tradesim-policy[dask]' (dask[distributed])") from None
    return distributed


class DaskExecutor(Executor):
    """Tasks on a Dask cluster: a ``LocalCluster`` on 127.0.0.1, or the one at ``scheduler``.

    Parameters
    ----------
    workers : int
        Worker processes of the ``LocalCluster`` (one thread each); ignored
        with ``scheduler``.
    scheduler : str or distributed.Client, optional
        A running scheduler (``"tcp://host:8786"``) or client to use instead.
        A client passed in is left open.
    """

    kind = "dask"
    shares_files = False

    def __init__(self, workers: int, scheduler: Any = None) -> None:
        distributed = require("dask")
        self._distributed = distributed
        self._cluster = None
        if isinstance(scheduler, distributed.Client):
            self._client, self._own_client = scheduler, False
        elif scheduler is not None:
            self._client, self._own_client = distributed.Client(scheduler), True
        else:
            # Bound to loopback: the cluster is reachable from this machine only.
            self._cluster = distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address=None, silence_logs=logging.ERROR)
            self._client, self._own_client = distributed.Client(self._cluster), True
        try:
            if self._cluster is not None:
                self._client.run(init_worker)
            self.workers = max(1, sum(self._client.nthreads().values()))
        except BaseException:
            self.close()
            raise

    def map_unordered(self, fn: Callable[..., R], tasks: Iterable[Task[K]]
                      ) -> Iterator[tuple[K, R]]:
        queue = iter(tasks)
        finished = self._distributed.as_completed()
        pending: dict[str, tuple[Any, K]] = {}

        def submit() -> bool:
            for key, args in queue:
                future = self._client.submit(fn, *args, pure=False)
                pending[future.key] = (future, key)
                finished.add(future)
                return True
            return False

        try:
            while len(pending) < self.in_flight and submit():
                pass
            for future in finished:
                _, key = pending.pop(future.key)
                result = _result(future, key, self.kind)
                future.release()
                yield key, result
                submit()
        except BaseException:
            self._client.cancel([future for future, _ in pending.values()])
            raise

    def close(self) -> None:
        if self._own_client:
            self._client.close()
            self._own_client = False
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


def check(kind: str, scheduler: Any = None) -> None:
    """Check an executor's kind and scheduler, and that what it needs is installed.

    Raises
    ------
    ValueError
        For an unknown kind, or a scheduler without ``"dask"``.
    ImportError
        For ``"dask"`` without the ``dask`` extra (the message names it).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown executor {kind!r}{suggest(kind, KINDS)} "
                         f"(known: {', '.join(KINDS)})")
    require(kind)
    if scheduler is not None and kind != "dask":
        raise ValueError("a scheduler address needs executor='dask'")


def resolve_workers(workers: int | None) -> int:
    """Workers (processes at work): ``None`` means all cores.

    Raises
    ------
    ValueError
        Unless ``workers`` is None or a whole number of at least 1.
    """
    if workers is None:
        workers = os.cpu_count() or 1
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a whole number of at least 1, got {workers!r}")
    return workers


def make_executor(kind: str = "serial", workers: int | None = None, scheduler: Any = None
                  ) -> Executor:
    """The executor of a kind; use it as a context manager.

    Parameters
    ----------
    kind : {"serial", "processes", "dask"}
        ``"processes"`` with one worker runs serially in this process (no pool
        to start).
    workers : int, optional
        Workers (default: all cores): with ``"processes"``, this process and
        ``workers - 1`` started ones; ignored by ``"serial"`` and with
        ``scheduler``.
    scheduler : str or distributed.Client, optional
        With ``"dask"``: a running cluster to use instead of a ``LocalCluster``.

    Raises
    ------
    ValueError
        For an unknown kind, a scheduler without ``"dask"``, or fewer than one worker.
    ImportError
        For ``"dask"`` without the ``dask`` extra.
    """
    check(kind, scheduler)
    workers = resolve_workers(workers)
    if kind == "dask":
        return DaskExecutor(workers, scheduler)
    if kind == "processes" and workers > 1:
        return ProcessExecutor(workers)
    return SerialExecutor()


def init_worker() -> None:
    """Let a worker reuse its chunk-sized arrays instead of mapping them afresh (glibc only).

    Every chunk allocates the same large arrays again.  By default glibc serves
    large allocations with fresh memory maps, which the kernel must fault in
    and zero for every chunk, while medium ones fragment its heap.  Serving
    everything below 128 MiB from the heap lets each chunk reuse the memory the
    previous one freed: faster, and the resident size stays flat.  This touches
    only the worker processes tradesim starts.
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if name is None:
        return
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt(-3, 1 << 27)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):  # not glibc: nothing to tune
        pass
