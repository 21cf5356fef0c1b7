"""Benchmark: what the model reductions offered for issue 21 would save per replication.

Not part of the test suite.  Run from the repository root:

    .venv/bin/python benchmarks/bench_reductions.py              # about 3 minutes
    .venv/bin/python benchmarks/bench_reductions.py --repeats 7

It steps the London baseline (104 weeks) in one process, in chunks of the
default size (8,192), against variants that do less per replication:

* fewer firms a sector (10 and 5 instead of 20): the scenario with every
  sector's ``firms`` changed, validated as a file would be;
* no weekly histograms: the same model with the kernel that adds each week's
  values to the weekly histograms and sums replaced by one that does nothing,
  so the time saved is the whole cost of counting them (the series are still
  gathered each week; the results are not used);
* both.

The variants alternate, in reverse order every other repeat, and the figures
are medians of the time per replication, set-up of each chunk included.
Neither reduction is proposed for the baseline here: the figures show how far
each would go toward 10^6 runs in 10 s (about 17 us a replication on each of
two cores).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LONDON = ROOT / "scenarios" / "london-2025.yaml"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_kernels import step_chunks  # noqa: E402  (this folder, not a package)

CHUNK = 8192


def with_firms(firms: int) -> Any:
    """The London baseline with ``firms`` firms in every sector, validated."""
    from tradesim.io import _resolve, validate_scenario

    data = _resolve(LONDON)
    for sector in data["economy"]["sectors"]:
        sector["firms"] = firms
    return validate_scenario(data, source=f"{LONDON.name} with {firms} firms a sector")


def _skip_histograms(*args: Any, **kwargs: Any) -> None:
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=16_384,
                        help="replications per variant and repeat (default 16,384)")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    import tradesim
    from tradesim import kernels

    london = tradesim.load_scenario(LONDON)
    variants = {
        "London baseline (20 firms a sector)": (london, False),
        "10 firms a sector": (with_firms(10), False),
        "5 firms a sector": (with_firms(5), False),
        "no weekly histograms": (london, True),
        "5 firms, no weekly histograms": (with_firms(5), True),
    }
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"python {sys.version.split()[0]}; chunks of {CHUNK:,}, {args.runs:,} replications "
          f"per variant and repeat, median of {args.repeats}")
    histogram_sums = kernels.histogram_sums
    times: dict[str, list[float]] = {name: [] for name in variants}
    # Each variant counts into one running tally, as an ensemble's chunks do.
    totals: dict[str, dict] = {name: {} for name in variants}
    try:
        for name, (scenario, _) in variants.items():
            step_chunks(scenario, CHUNK, CHUNK, totals[name], seed=0)  # load every kernel
        for repeat in range(args.repeats):
            names = list(variants) if repeat % 2 == 0 else list(variants)[::-1]
            for name in names:
                scenario, skip = variants[name]
                kernels.histogram_sums = _skip_histograms if skip else histogram_sums
                t = time.perf_counter()
                step_chunks(scenario, CHUNK, args.runs, totals[name], seed=1 + repeat)
                times[name].append((time.perf_counter() - t) / args.runs)
    finally:
        kernels.histogram_sums = histogram_sums

    base = statistics.median(times["London baseline (20 firms a sector)"])
    print(f"\n{'variant':<38}{'us per replication':>20}{'ratio':>8}   repeats")
    for name, values in times.items():
        m = statistics.median(values)
        each = ", ".join(f"{v * 1e6:.1f}" for v in values)
        print(f"{name:<38}{m * 1e6:>20.1f}{m / base:>8.2f}   {each}")


if __name__ == "__main__":
    main()
