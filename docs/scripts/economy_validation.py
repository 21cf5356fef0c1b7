"""Figures of docs/explanation/validation.md, section "The economy on the London baseline".

Run from the repository root (about a minute):

    python docs/scripts/economy_validation.py --runs 10000 --seed 20250611

Prints the magnet supply-flow index over the first 34 weeks (median and 90% band across
runs), China's May 2025 magnet exports to the US as an index (validation only: it was
published on 2025-06-20 and sets no parameter), halted shares and output at week 104 in
runs where the framework holds, and the cumulative losses by sector and country.
"""

from __future__ import annotations

import argparse

import numpy as np

import tradesim
from tradesim.io import read_data
from tradesim.vocab import OUTCOMES


def main() -> None:
    """Run the baseline and print the validation figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20250611)
    parser.add_argument("--scenario", default="scenarios/london-2025.yaml")
    args = parser.parse_args()
    scenario = tradesim.load_scenario(args.scenario)
    results = tradesim.run(scenario, args.runs, seed=args.seed, keep_trajectories=args.runs)
    summary = results.summary()
    print(summary.table())

    facts = {f["id"]: f for f in read_data("seeds/facts.yaml")["facts"]}
    may = float(facts["china-magnet-exports-us-2025-05"]["value"])
    avg = float(facts["china-magnet-exports-us-2024-avg"]["value"])
    print(f"\nChina's May 2025 magnet exports to the US: {may:g} t = index {may / avg:.3f} "
          f"of the 2024 monthly average ({avg:g} t); validation only")
    frame = summary.series["supply.magnets"]
    print("\nweek  date        median    5%     95%    mean")
    for week in (0, 1, 2, 4, 6, 8, 10, 13, 17, 21, 26, 30, 34):
        row = frame.loc[week]
        print(f"{week:>4}  {row.date.date()}  {row.q50:6.3f} {row.q05:6.3f} {row.q95:6.3f} "
              f"{row['mean']:6.3f}")

    series = results.trajectories["series"]
    holding = results.outcome == OUTCOMES.index("holding")
    names = results.series_names
    print(f"\nat week {scenario.horizon_weeks}, runs where the framework holds "
          f"({holding.mean():.1%} of runs):")
    print(f"{'sector':<16}{'halted':>8}{'output':>8}{'loss, USD bn':>14}")
    for s in scenario.economy.sectors:
        halted = series[names.index(f"halted.{s.id}"), -1, holding].mean()
        output = series[names.index(f"output.{s.id}"), -1, holding].mean()
        loss = np.median(series[names.index(f"loss.{s.id}"), -1, holding])
        print(f"{s.id:<16}{halted:>8.3f}{output:>8.3f}{loss:>14.2f}")


if __name__ == "__main__":
    main()
