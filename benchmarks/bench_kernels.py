"""Benchmark: where a replication's time goes, kernel by kernel, in and out of cache.

Not part of the test suite.  Run from the repository root:

    .venv/bin/python benchmarks/bench_kernels.py              # about 2 minutes
    .venv/bin/python benchmarks/bench_kernels.py --chunks 256 1024 8192 --repeats 5

It steps the London baseline (104 weeks) in one process, in chunks of each size
(alternating the sizes, ``--runs`` replications per size and repeat), and prints
for every compiled kernel of :mod:`tradesim.kernels` its time per replication at
each chunk size, under ``cProfile``; then the kernels together, the rest of the
week (the Python and numpy between the kernels), and the whole chunk timed
without the profiler.  Medians over repeats.

A chunk's state is about 9 KB a replication (2.3 MB for 256, 74 MB for the
default 8,192, 590 MB for 65,536), besides the chunk's random numbers; compare
the sizes with the machine's caches (``lscpu``).  A kernel whose time per
replication is the same whether its chunk fits the per-core cache or not even
the last-level cache is bound by its arithmetic, not by memory: running the
week one replication at a time, with its state in cache, would not make that
kernel cheaper.  The chunks count into one running tally,
as an ensemble's do, so the histograms' first touch is paid once, not per chunk.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LONDON = ROOT / "scenarios" / "london-2025.yaml"


def step_chunks(scenario: object, chunk: int, runs: int, totals: dict, seed: int) -> None:
    """Step ``runs`` replications of ``scenario`` in chunks of ``chunk``, into ``totals``."""
    from tradesim.model import TradeModel
    from tradesim.reduction import Tally

    for start in range(0, runs, chunk):
        model = TradeModel(scenario, min(chunk, runs - start), seed=seed,
                           first_replication=start,
                           tally=Tally.for_scenario(scenario, into=totals)).run()
        model.close()


def kernel_times(scenario: object, chunk: int, runs: int, totals: dict, seed: int
                 ) -> dict[str, float]:
    """Seconds per replication in each kernel, from one profiled pass."""
    profile = cProfile.Profile()
    profile.enable()
    step_chunks(scenario, chunk, runs, totals, seed)
    profile.disable()
    from numba.core.registry import CPUDispatcher

    from tradesim import kernels

    times: dict[str, float] = {}
    for (path, _, name), (_, _, own, _, _) in pstats.Stats(profile).stats.items():
        # Compiled kernels only, not the module's Python helpers.
        if (path.endswith(os.path.join("tradesim", "kernels.py"))
                and isinstance(getattr(kernels, name, None), CPUDispatcher)):
            times[name] = times.get(name, 0.0) + own / runs
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, nargs="+", default=[256, 8192],
                        help="chunk sizes to compare (default 256 8192)")
    parser.add_argument("--runs", type=int, default=16_384,
                        help="replications per chunk size and repeat (default 16,384)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    import tradesim

    scenario = tradesim.load_scenario(LONDON)
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"python {sys.version.split()[0]}; London baseline, {args.runs:,} replications "
          f"per chunk size, median of {args.repeats}")
    totals: dict = {}
    step_chunks(scenario, 512, 512, totals, seed=0)  # compile or load every kernel
    kernels: dict[int, list[dict[str, float]]] = {c: [] for c in args.chunks}
    whole: dict[int, list[float]] = {c: [] for c in args.chunks}
    for repeat in range(args.repeats):
        # The sizes alternate, in reverse order every other repeat.
        for chunk in args.chunks if repeat % 2 == 0 else args.chunks[::-1]:
            seed = 1 + repeat
            kernels[chunk].append(kernel_times(scenario, chunk, args.runs, totals, seed))
            t = time.perf_counter()
            step_chunks(scenario, chunk, args.runs, totals, seed)
            whole[chunk].append((time.perf_counter() - t) / args.runs)

    def median(chunk: int, name: str) -> float:
        return statistics.median(k.get(name, 0.0) for k in kernels[chunk])

    # Largest first at the largest chunk size.
    largest = max(args.chunks)
    names = sorted({n for c in args.chunks for k in kernels[c] for n in k},
                   key=lambda n: -median(largest, n))
    header = "".join(f"{f'chunk {c:,}':>14}" for c in args.chunks)
    print(f"\n{'us per replication':<22}{header}")
    shown = [n for n in names if max(median(c, n) for c in args.chunks) * 1e6 >= 0.05]
    for name in shown:
        print(f"{name:<22}" + "".join(f"{median(c, name) * 1e6:>14.2f}" for c in args.chunks))
    if len(shown) < len(names):
        print(f"{'other kernels':<22}" + "".join(
            f"{sum(median(c, n) for n in names if n not in shown) * 1e6:>14.2f}"
            for c in args.chunks))
    # The rows add up: each kernel's median, summed.
    total = {c: sum(median(c, n) for n in names) for c in args.chunks}
    chunk_time = {c: statistics.median(whole[c]) for c in args.chunks}
    print(f"{'all kernels':<22}" + "".join(f"{total[c] * 1e6:>14.2f}" for c in args.chunks))
    print(f"{'whole chunk':<22}" + "".join(f"{chunk_time[c] * 1e6:>14.2f}" for c in args.chunks))
    print(f"{'the rest (by diff.)':<22}"
          + "".join(f"{(chunk_time[c] - total[c]) * 1e6:>14.2f}" for c in args.chunks))
    print("\n'whole chunk' is timed without the profiler, the kernels with it; 'the rest' "
          "(the difference) is\nthe Python and numpy between the kernels and the set-up of "
          "each chunk.")


if __name__ == "__main__":
    main()
