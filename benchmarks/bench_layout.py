"""Benchmark: the firms' week chunked (replications innermost) or one replication at a time.

Not part of the test suite.  Run from the repository root (under a minute):

    .venv/bin/python benchmarks/bench_layout.py [--runs 8192] [--repeats 7]

Issue 21 asks whether the week would be faster as one compiled loop per
replication, with its state in cache, than as passes over a chunk.  This
compares the two layouts on the firms, the largest block of state: the London
baseline's 7 sectors of 20 firms over 104 weeks, with the same order rule and
the same arithmetic as :func:`tradesim.kernels.firm_produce`, in float32 and
without fast-math (so every sum adds in a fixed order, as the model's do):

* chunked: the package's kernel, called once a week for each sector, over
  arrays of shape (firms, R), so the loop over replications is innermost
  and numba vectorises it;
* per replication: each replication's 104 weeks in one loop over its firms,
  stock of shape (R, firms), as a compiled per-replication week would run;
  the sums over firms must add in order, so they are not vectorised;
* the same, compiled with fast-math, which may reorder those sums (and so
  change results).

All get the same random delivered shares; the first two must end with
identical stocks, outputs, halted shares and orders (checked), and the
fast-math loop is reported as identical or not.  Medians of time per replication
(the compiled loops only, not copying the inputs), the layouts alternating.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time

import numpy as np

from tradesim.jit import njit
from tradesim.kernels import _order, _order_base, firm_produce

SECTORS, FIRMS, WEEKS = 7, 20, 104


@njit(nogil=True)
def per_replication(stock: np.ndarray, requirement: np.ndarray, target: np.ndarray,
                    rate: np.ndarray, share: np.ndarray, halt_threshold: np.ndarray,
                    output: np.ndarray, halted: np.ndarray, demand: np.ndarray) -> None:
    """One sector's firms, every week of one replication before the next.

    ``stock`` has shape (R, firms); ``share`` and the outputs (weeks, R).
    """
    r, firms = stock.shape
    for j in range(r):
        req = requirement[j]
        base = _order_base(req, target[j], rate[j])
        floor = halt_threshold[j] * req
        for w in range(share.shape[0]):
            used = 0.0
            idle = 0
            orders = 0.0
            for f in range(firms):
                before = stock[j, f]
                held = before + _order(before, base, rate[j]) * share[w, j]
                use = held if held < req else req
                left = held - use
                stock[j, f] = left
                used += use
                if use < floor:
                    idle += 1
                orders += _order(left, base, rate[j])
            output[w, j] = used / firms / req if req > 0 else 1.0
            halted[w, j] = idle / firms
            demand[w, j] = orders / firms


#: The same loop compiled with fast-math, which lets numba reorder the sums over firms.
per_replication_fastmath = njit(nogil=True, fastmath=True)(per_replication.py_func)


def chunked(stock: np.ndarray, requirement: np.ndarray, target: np.ndarray, rate: np.ndarray,
            share: np.ndarray, halt_threshold: np.ndarray, output: np.ndarray,
            halted: np.ndarray, demand: np.ndarray) -> None:
    """Every sector's firms, a week at a time (stock of shape (sectors, firms, R))."""
    for w in range(share.shape[0]):
        for s in range(stock.shape[0]):
            firm_produce(stock[s], requirement, requirement, target, rate, share[w],
                         halt_threshold, output[s, w], halted[s, w], demand[s, w])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=8192,
                        help="replications (default 8,192, the default chunk)")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    r = args.runs

    rng = np.random.default_rng(0)
    requirement = np.ones(r, np.float32)
    target = np.full(r, 8.0, np.float32)
    rate = np.full(r, 0.25, np.float32)
    halt = np.full(r, 0.1, np.float32)
    share = rng.uniform(0.0, 1.0, (WEEKS, r)).astype(np.float32)
    stock0 = rng.lognormal(np.log(6.0), 0.5, (SECTORS, FIRMS, r)).astype(np.float32)

    def outputs() -> list[np.ndarray]:
        # Written before the clock starts, so no layout pays the pages' first touch.
        return [np.full((SECTORS, WEEKS, r), np.nan) for _ in range(3)]

    def run_chunked() -> tuple[float, np.ndarray, list[np.ndarray]]:
        stock, out = stock0.copy(), outputs()
        t = time.perf_counter()
        chunked(stock, requirement, target, rate, share, halt, *out)
        return time.perf_counter() - t, stock, out

    def run_per_replication(kernel: object = per_replication
                            ) -> tuple[float, np.ndarray, list[np.ndarray]]:
        stock, out = np.ascontiguousarray(stock0.transpose(0, 2, 1)), outputs()
        t = time.perf_counter()
        for s in range(SECTORS):
            kernel(stock[s], requirement, target, rate, share, halt,  # type: ignore[operator]
                   out[0][s], out[1][s], out[2][s])
        return time.perf_counter() - t, stock.transpose(0, 2, 1), out

    def run_fastmath() -> tuple[float, np.ndarray, list[np.ndarray]]:
        return run_per_replication(per_replication_fastmath)

    def agree(a: tuple, b: tuple) -> bool:
        return np.array_equal(a[1], b[1]) and all(
            np.array_equal(x, y) for x, y in zip(a[2], b[2], strict=True))

    first = run_chunked()
    if not agree(first, run_per_replication()):
        sys.exit("the two layouts disagree")
    fastmath_same = agree(first, run_fastmath())
    layouts = {"chunked": run_chunked, "per replication": run_per_replication,
               "per replication, fast-math": run_fastmath}
    times: dict[str, list[float]] = {name: [] for name in layouts}
    for repeat in range(args.repeats):
        for name in list(layouts) if repeat % 2 == 0 else list(layouts)[::-1]:
            times[name].append(layouts[name]()[0] / r)
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"python {sys.version.split()[0]}; {SECTORS} sectors x {FIRMS} firms x {WEEKS} "
          f"weeks, {r:,} replications, median of {args.repeats}; chunked and per replication "
          f"identical, fast-math {'identical' if fastmath_same else 'different'}")
    chunk = statistics.median(times["chunked"])
    for name, values in times.items():
        m = statistics.median(values)
        each = ", ".join(f"{v * 1e6:.1f}" for v in values)
        print(f"{name:<28}{m * 1e6:8.2f} us per replication  ({m / chunk:.2f}x chunked; {each})")


if __name__ == "__main__":
    main()
