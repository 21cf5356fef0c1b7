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

A chunk of 256 replications holds its state (a few hundred KiB) in the
per-core cache; a chunk of 8,192 (the default) does not.  A kernel whose time per
replication is the same at both sizes is bound by its arithmetic, not by
memory: running the week one replication at a time, with the state in cache,
would not make that kernel cheaper.  The chunks count into one running tally,
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
    times: dict[str, float] = {}
    for (path, _, name), (_, _, own, _, _) in pstats.Stats(profile).stats.items():
        if path.endswith(os.path.join("tradesim", "kernels.py")):
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
        for chunk in args.chunks:
            seed = 1 + repeat
            kernels[chunk].append(kernel_times(scenario, chunk, args.runs, totals, seed))
            t = time.perf_counter()
            step_chunks(scenario, chunk, args.runs, totals, seed)
            whole[chunk].append((time.perf_counter() - t) / args.runs)

    def median(chunk: int, name: str) -> float:
        return statistics.median(k.get(name, 0.0) for k in kernels[chunk])

    names = sorted({n for c in args.chunks for k in kernels[c] for n in k},
                   key=lambda n: -median(args.chunks[-1], n))
    header = "".join(f"{f'chunk {c:,}':>14}" for c in args.chunks)
    print(f"\n{'us per replication':<22}{header}")
    for name in names:
        if max(median(c, name) for c in args.chunks) * 1e6 < 0.05:
            continue
        print(f"{name:<22}" + "".join(f"{median(c, name) * 1e6:>14.2f}" for c in args.chunks))
    total = {c: statistics.median(sum(k.values()) for k in kernels[c]) for c in args.chunks}
    chunk_time = {c: statistics.median(whole[c]) for c in args.chunks}
    print(f"{'all kernels':<22}" + "".join(f"{total[c] * 1e6:>14.2f}" for c in args.chunks))
    print(f"{'whole chunk':<22}" + "".join(f"{chunk_time[c] * 1e6:>14.2f}" for c in args.chunks))
    print(f"{'the rest (by diff.)':<22}"
          + "".join(f"{(chunk_time[c] - total[c]) * 1e6:>14.2f}" for c in args.chunks))
    print("\n'whole chunk' is timed without the profiler; 'the rest' is the Python and "
          "numpy between the kernels\n(and the set-up of each chunk).")


if __name__ == "__main__":
    main()
