"""Benchmark: Monte Carlo throughput, peak memory, and ratios measured side by side.

Not part of the test suite.  Run from the repository root:

    .venv/bin/python benchmarks/bench_ensemble.py            # everything (about 5 minutes)
    .venv/bin/python benchmarks/bench_ensemble.py --quick    # skips the 10^6 run
    .venv/bin/python benchmarks/bench_ensemble.py --against ../base --sizes 1000000
        # the same runs alternating with another checkout of tradesim (its own scenario
        # file, on PYTHONPATH), for a ratio measured side by side

It prints, for the London baseline (104 weeks):

1. replications per second and peak memory (resident set of the process and its
   workers together, sampled every 0.1 s) for 10^3 to 10^6 runs, each in a fresh
   process running ``tradesim run`` with default settings;
2. the ratio of the vectorised ensemble (one process) to stepping the same model one
   replication at a time (R = 1) in a loop, measured alternately in one process;
3. the ratio of the ensemble's time per replication to what drawing the replication's
   random numbers alone costs (the same counter-based streams, the same kernel).

Medians over repeats; the machine is shared, so compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LONDON = ROOT / "scenarios" / "london-2025.yaml"


def tree_rss_bytes(pid: int) -> int:
    """Resident memory of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ppid, pages = int(fields[1]), int(fields[21])
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = pages * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        stack.extend(children.get(p, []))
    return total


def timed_cli(runs: int, root: Path = ROOT) -> tuple[float, int]:
    """Wall time and peak tree RSS of `tradesim run` for a number of runs.

    ``root`` is the checkout whose tradesim and London scenario run.
    """
    cmd = [sys.executable, "-m", "tradesim", "run", str(root / "scenarios" / "london-2025.yaml"),
           "--runs", str(runs), "--seed", "1", "--format", "json", "--progress", "off"]
    env = dict(os.environ, PYTHONPATH=str(root))
    peak = 0
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, cwd=root, env=env)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_bytes(proc.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    code = proc.wait()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if code != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {code}")
    return elapsed, peak


def side_by_side(repeats: int) -> None:
    import tradesim
    from tradesim import streams
    from tradesim.model import TradeModel
    from tradesim.reduction import Partial, Tally

    scenario = tradesim.load_scenario(LONDON)
    one_at_a_time, vectorised, draws_only = [], [], []
    n_single, n_vector = 60, 16_384
    layout = TradeModel(scenario, 1, seed=0).layout
    master = streams.master_seed_sequence(1)
    for _ in range(repeats):
        # The same work as the ensemble's, one replication at a time: each model counts
        # its weeks into one running tally, as an ensemble's chunks do.
        totals: dict = {}
        t = time.perf_counter()
        for i in range(n_single):
            model = TradeModel(scenario, 1, seed=1, first_replication=i,
                               tally=Tally.for_scenario(scenario, into=totals)).run()
            Partial.from_model(model, into=totals)
            model.close()
        one_at_a_time.append((time.perf_counter() - t) / n_single)
        t = time.perf_counter()
        tradesim.run(scenario, n_vector, seed=1, workers=1, keep_trajectories=0)
        vectorised.append((time.perf_counter() - t) / n_vector)
        t = time.perf_counter()
        for start in range(0, n_vector, 4096):
            streams.draw(master, start, start + 4096, layout)
        draws_only.append((time.perf_counter() - t) / n_vector)
    single, vector, draws = (statistics.median(x) for x in (one_at_a_time, vectorised,
                                                             draws_only))
    print(f"\nside by side, one process, median of {repeats}:")
    print(f"  one replication at a time (R = 1): {single * 1e3:8.2f} ms per replication")
    print(f"  vectorised ensemble (1 process):   {vector * 1e6:8.1f} us per replication")
    print(f"  random draws alone ({layout.per_replication} numbers): "
          f"{draws * 1e6:6.1f} us per replication")
    print(f"  ratio, R = 1 loop / ensemble:      {single / vector:8.0f}x   (one core; "
          "target >= 2,000x with both cores)")
    print(f"  ratio, ensemble / draws alone:     {vector / draws:8.1f}x   (target <= 3x)")
    ratios = [s / v for s, v in zip(one_at_a_time, vectorised, strict=True)]
    print(f"  per-repeat loop/ensemble ratios: {', '.join(f'{r:.0f}' for r in ratios)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 10^6-run measurement")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", help="runs to time (default 10^3..10^6)")
    parser.add_argument("--against", type=Path,
                        help="another checkout of tradesim to time alternately, for ratios")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, python {sys.version.split()[0]}")
    sizes = args.sizes or [1_000, 10_000, 100_000] + ([] if args.quick else [1_000_000])
    if args.against is not None:
        against_side_by_side(sizes, args.against.resolve(), args.repeats)
        return
    print(f"{'runs':>10} {'seconds':>9} {'runs/s':>10} {'peak MiB':>9}")
    for runs in sizes:
        elapsed, peak = timed_cli(runs)
        print(f"{runs:>10,} {elapsed:>9.1f} {runs / elapsed:>10,.0f} {peak / 2**20:>9.0f}",
              flush=True)
    side_by_side(args.repeats)


def against_side_by_side(sizes: list[int], other: Path, repeats: int) -> None:
    """`tradesim run` of this checkout and ``other``, alternating; medians and their ratio."""
    print(f"this checkout: {ROOT}\nagainst:       {other}")
    print(f"{'runs':>10} {'this s':>8} {'MiB':>6} {'other s':>8} {'MiB':>6} {'ratio':>6}  "
          "per repeat (this / other, s)")
    for runs in sizes:
        mine, theirs = [], []
        for _ in range(repeats):
            mine.append(timed_cli(runs))
            theirs.append(timed_cli(runs, other))
        t_mine = statistics.median(t for t, _ in mine)
        t_theirs = statistics.median(t for t, _ in theirs)
        m_mine = max(m for _, m in mine) / 2**20
        m_theirs = max(m for _, m in theirs) / 2**20
        pairs = ", ".join(f"{a:.1f}/{b:.1f}" for (a, _), (b, _) in zip(mine, theirs, strict=True))
        print(f"{runs:>10,} {t_mine:>8.1f} {m_mine:>6.0f} {t_theirs:>8.1f} {m_theirs:>6.0f} "
              f"{t_mine / t_theirs:>6.2f}  {pairs}", flush=True)


if __name__ == "__main__":
    main()
