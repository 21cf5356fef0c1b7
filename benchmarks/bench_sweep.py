"""Scaling of a 64-point sweep with worker processes (issue #5 target: >= 1.7x at 2 workers).

Runs the same 64-point Latin hypercube of the London framework with 1 and with 2
workers (``processes`` executor, and ``dask`` with --dask), checks the results are
identical, and prints wall-clock times and the speed-up.

    .venv/bin/python benchmarks/bench_sweep.py [--runs 1000] [--horizon 104] [--dask]
"""

from __future__ import annotations

import argparse
import os
import platform
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
    parser.add_argument("--dask", action="store_true", help="also time the dask executor")
    args = parser.parse_args()
    sweep = read_sweep(sweep_spec(args.runs, args.horizon))
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"python {platform.python_version()}")
    print(f"64 points x {args.runs} runs x {args.horizon} weeks; load average before "
          f"{os.getloadavg()[0]:.2f} (other CPU-bound work on the machine spoils scaling)")
    t_serial, reference = timed(sweep, "serial", 1)
    print(f"serial (1 worker, in process) {t_serial:8.1f} s")
    executors = ["processes", *(["dask"] if args.dask else [])]
    for executor in executors:
        t1, ds1 = timed(sweep, executor, 1)
        t2, ds2 = timed(sweep, executor, 2)
        xr.testing.assert_identical(reference, ds1)
        xr.testing.assert_identical(reference, ds2)
        print(f"{executor:<10} 1 worker {t1:8.1f} s   2 workers {t2:8.1f} s   "
              f"speed-up {t1 / t2:.2f}x (vs serial {t_serial / t2:.2f}x); results identical")
    print(f"load average after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
