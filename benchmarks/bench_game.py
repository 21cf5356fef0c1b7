"""Benchmark: matches per second of ``tradesim.game.play_batch``.

Plays 1,000,000 matches of 104 rounds (two years of weekly moves), tit for
tat (A) against generous tit for tat (B, forgiveness 1/3), implementation
error 0.05, and compares it side by side with a plain hand-written numpy
loop playing the same game.  The two are timed alternately, ``--repeats``
times each, and the medians and their ratio are printed: on a shared,
noisy machine the ratio is more telling than either figure.

Run from the repository root::

    .venv/bin/python benchmarks/bench_game.py [--matches 1000000] [--turns 104]
        [--noise 0.05] [--repeats 5]

This is a script, not a test (``benchmarks/`` is outside pytest's testpaths).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tradesim.game import play_batch
from tradesim.strategies import GenerousTitForTat, TitForTat


def hand_loop(n: int, turns: int, noise: float, forgiveness: float, seed: int):
    """Play TFT vs GTFT directly with numpy arrays over all matches at once.

    Each round draws three float32 uniforms per match: the generous
    player's forgiveness coin and one implementation error per player.
    Returns the per-match counts of A's, B's and joint cooperation.
    """
    rng = np.random.default_rng(seed)
    e, g = np.float32(noise), np.float32(forgiveness)
    u = np.empty((3, n), dtype=np.float32)
    rng.random((2, n), dtype=np.float32, out=u[:2])
    a = u[0] >= e                     # both open with cooperation, flipped w.p. e
    b = u[1] >= e
    n_a = a.astype(np.int32)
    n_b = b.astype(np.int32)
    n_cc = (a & b).astype(np.int32)
    new_a = np.empty(n, dtype=bool)
    new_b = np.empty(n, dtype=bool)
    tmp = np.empty(n, dtype=bool)
    for _ in range(1, turns):
        rng.random((3, n), dtype=np.float32, out=u)
        # TFT copies B's last move; the action is flipped with probability e.
        np.less(u[0], e, out=tmp)
        np.logical_xor(b, tmp, out=new_a)
        # GTFT cooperates if A cooperated, else with probability g; then flipped.
        np.less(u[1], g, out=tmp)
        np.logical_or(a, tmp, out=new_b)
        np.less(u[2], e, out=tmp)
        np.logical_xor(new_b, tmp, out=new_b)
        a, new_a = new_a, a
        b, new_b = new_b, b
        n_a += a
        n_b += b
        np.logical_and(a, b, out=tmp)
        n_cc += tmp
    return n_a, n_b, n_cc


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the medians and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--matches", type=int, default=1_000_000)
    parser.add_argument("--turns", type=int, default=104)
    parser.add_argument("--noise", type=float, default=0.05)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    n, turns, noise = args.matches, args.turns, args.noise
    a, b = TitForTat(), GenerousTitForTat(forgiveness=1 / 3)

    # Warm up (page faults, imports) and check that both play the same game.
    check = play_batch(a, b, turns, 200_000, noise=noise, seed=1)
    _, _, n_cc = hand_loop(200_000, turns, noise, 1 / 3, seed=2)
    print(f"check, share of rounds in CC: play_batch {check.counts[:, 0].mean() / turns:.4f}, "
          f"hand loop {n_cc.mean() / turns:.4f}")

    t_batch: list[float] = []
    t_hand: list[float] = []
    for r in range(args.repeats):
        t0 = time.perf_counter()
        play_batch(a, b, turns, n, noise=noise, seed=100 + r)
        t_batch.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        hand_loop(n, turns, noise, 1 / 3, seed=200 + r)
        t_hand.append(time.perf_counter() - t0)

    med_batch, med_hand = statistics.median(t_batch), statistics.median(t_hand)
    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()}")
    print(f"{n:,} matches x {turns} rounds, TFT vs GTFT(1/3), implementation error {noise:g}, "
          f"median of {args.repeats}")
    print(f"{'':12s}{'median s':>10s}{'matches/s':>14s}   all runs (s)")
    for label, med, runs in (("play_batch", med_batch, t_batch), ("hand loop", med_hand, t_hand)):
        print(f"{label:12s}{med:10.3f}{n / med:14,.0f}   "
              + " ".join(f"{x:.3f}" for x in runs))
    print(f"ratio play_batch / hand loop (matches/s): {med_hand / med_batch:.2f}")


if __name__ == "__main__":
    main()
