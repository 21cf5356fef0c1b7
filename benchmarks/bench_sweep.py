"""Scaling of a 64-point sweep with 2 workers (issue 21 target: >= 1.8x at 1,000 runs a point).

Runs the same 64-point Latin hypercube of the London framework in one process
(the serial executor, which is also what ``processes`` with one worker is) and
with 2 workers (``processes``, and ``dask`` with --dask), alternating, checks the
results are identical, and prints wall-clock times, each repeat's speed-up and
their median.  The machine is shared: other work on it spoils a repeat, so use
several and read the median.

    .venv/bin/python benchmarks/bench_sweep.py [--runs 1000] [--repeats 3] [--dask]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

import xarray as xr

from tradesim.sweep import read_sweep, run_sweep

ROOT = Path(__file__).resolve().parents[1]


def sweep_spec(runs: int, horizon: int) -> dict:
    return {
        "name": "bench-64", "base": str(ROOT / "scenarios" / "london-2025.yaml"),
        "scenario": {"horizon_weeks": horizon}, "runs": runs, "seed": 20250611,
        "design": {"method": "lhs", "points": 64},
        "parameters": {
            "monitoring.us.channels.magnets.noise_sd": {"low": 0.02, "high": 0.4},
            "actors.us.strategy.forgiveness": {"low": 0.0, "high": 0.5},
            "approval.china.weekly_hazard": {"low": 0.05, "high": 0.8},
            "actors.china.instruments.magnets.lag_weeks": {"low": 4.0, "high": 16.0},
        },
    }


def timed(sweep, executor: str, workers: int) -> tuple[float, xr.Dataset]:
    start = time.perf_counter()
    ds = run_sweep(sweep, executor=executor, workers=workers, progress=False)
    return time.perf_counter() - start, ds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000, help="replications per point")
    parser.add_argument("--horizon", type=int, default=104, help="weeks simulated")
    parser.add_argument("--repeats", type=int, default=3, help="alternations of 1 and 2 workers")
    parser.add_argument("--dask", action="store_true", help="also time the dask executor")
    args = parser.parse_args()
    sweep = read_sweep(sweep_spec(args.runs, args.horizon))
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"python {platform.python_version()}")
    print(f"64 points x {args.runs} runs x {args.horizon} weeks; load average before "
          f"{os.getloadavg()[0]:.2f} (other CPU-bound work on the machine spoils scaling)")
    executors = ["processes", *(["dask"] if args.dask else [])]
    ratios: dict[str, list[float]] = {kind: [] for kind in executors}
    reference = None
    for repeat in range(1, args.repeats + 1):
        t1, ds1 = timed(sweep, "serial", 1)
        if reference is None:
            reference = ds1
        xr.testing.assert_identical(reference, ds1)
        line = f"repeat {repeat}: 1 worker (in process) {t1:6.1f} s"
        for executor in executors:
            t2, ds2 = timed(sweep, executor, 2)
            xr.testing.assert_identical(reference, ds2)
            ratios[executor].append(t1 / t2)
            line += f"   {executor} 2 workers {t2:6.1f} s ({t1 / t2:.2f}x)"
        print(line, flush=True)
    for executor, values in ratios.items():
        print(f"{executor:<10} median speed-up on 2 workers {statistics.median(values):.2f}x "
              f"over {len(values)} repeat(s); results identical")
    print(f"load average after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
