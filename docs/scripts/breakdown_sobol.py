"""Sobol' indices of P(a breakdown by the horizon) over the scenario's uncertain parameters.

Run from the root of a checkout (any commit from 8bbed2f on; it uses only
``tradesim.load_scenario``, ``Scenario.uncertain_parameters``, ``TradeModel`` with
``overrides`` and ``first_replication``, ``tradesim.run`` and
``tradesim.results.wilson_interval``, which exist in both the old and the new model):

    python docs/scripts/breakdown_sobol.py --n 128 --reps 1024

(docs/explanation/validation.md records the commands and results before and after.)

What it does:

1. The headline: ``tradesim.run`` with ``--runs`` runs and ``--seed`` on one core (the
   same ensemble as ``tradesim run SCENARIO --runs 10000 --seed 20250611 --workers 1``),
   P(milestone ``breakdown_1`` reached by the horizon) with its Wilson 95% interval:
   Monte Carlo error of one ensemble.
2. A Saltelli design (SALib ``sample.sobol``, scrambled Sobol' sequence, no second
   order): ``n (d + 2)`` points over the ``d`` uncertain parameters.  Each unit
   coordinate is mapped through the parameter's own distribution (``ppf``), so the
   design samples the baseline's uncertainty as declared (a beta hazard stays beta,
   a triangular lag stays triangular), not a uniform box over its support.
3. At each point the uncertain parameters are fixed to the design values and the
   model is run ``--reps`` times, varying only the stochastic draws; the output is the
   share of those runs with at least one breakdown by the horizon.  The points of one
   Saltelli row (A, AB_1..AB_d, B) share the same replication streams (common random
   numbers), so the differences the estimators use are not swamped by Monte Carlo
   noise; different rows use different streams.
4. SALib ``analyze.sobol``: first-order (Saltelli et al. 2010) and total (Jansen 1999)
   indices; the intervals are 95% percentile intervals of ``--boot`` bootstrap
   resamples of the design's rows (uncertainty from the finite design and the finite
   replications together, not a Monte Carlo interval of P).

The indices are shares of the variance of the per-point estimates, which includes the
binomial noise of ``--reps`` runs a point: the script prints that noise's share, so
the indices of the parameters can add up to at most about one minus it.
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample

import tradesim
from tradesim.model import TradeModel
from tradesim.results import wilson_interval

try:  # this checkout; the base commit 8bbed2f has no Tally and records the series
    from tradesim.reduction import Tally
except ImportError:  # pragma: no cover
    Tally = None

#: Replications stepped together in one model (the ensemble's default chunk).
CHUNK = 4096


def headline(scenario, runs: int, seed: int) -> dict:
    """P(at least one breakdown by the horizon) of one ensemble, with its Wilson interval."""
    results = tradesim.run(scenario, runs=runs, seed=seed, workers=1, keep_trajectories=0)
    hits = int((np.asarray(results.milestone_weeks["breakdown_1"]) >= 0).sum())
    low, high = wilson_interval(hits, runs)
    return {"runs": runs, "seed": seed, "p": hits / runs,
            "low": float(np.asarray(low)), "high": float(np.asarray(high))}


def design(scenario, n: int, seed: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Parameter paths, unit design (SALib's row order) and its values through each ppf."""
    dists = scenario.uncertain_parameters()
    paths = list(dists)
    problem = {"num_vars": len(paths), "names": paths, "bounds": [[0.0, 1.0]] * len(paths)}
    unit = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    values = np.column_stack([np.asarray(dists[p].ppf(unit[:, j]), dtype=np.float64)
                              for j, p in enumerate(paths)])
    return paths, unit, values


def breakdown_share(scenario, paths: list[str], values: np.ndarray, n: int, reps: int,
                    seed: int) -> np.ndarray:
    """Share of ``reps`` runs with a breakdown by the horizon, at every design point.

    Point ``j (d + 2) + b`` (row ``j``, block ``b``) uses replications ``j reps`` to
    ``(j + 1) reps - 1`` of the master ``seed``: the same streams for every block of a row.
    """
    d = len(paths)
    blocks = d + 2
    per_model = max(1, CHUNK // reps)  # Saltelli rows stepped together in one model
    out = np.empty(n * blocks)
    for j0 in range(0, n, per_model):
        j1 = min(n, j0 + per_model)
        for b in range(blocks):
            points = np.arange(j0, j1) * blocks + b
            overrides = {p: np.repeat(values[points, i], reps) for i, p in enumerate(paths)}
            # Only the milestones are read: count the weeks into a tally (where the
            # model has one) instead of recording every replication's series.
            extra = {"tally": Tally.for_scenario(scenario)} if Tally is not None else {}
            model = TradeModel(scenario, (j1 - j0) * reps, seed,
                               first_replication=j0 * reps, overrides=overrides, **extra)
            model.run()
            hit = np.asarray(model.milestones["breakdown_1"]) >= 0
            out[points] = hit.reshape(j1 - j0, reps).mean(axis=1)
            if hasattr(model, "close"):
                model.close()
    return out


def indices(paths: list[str], y: np.ndarray, boot: int, seed: int,
            confidence: float = 0.95) -> list[dict]:
    """S1 and ST of each parameter with percentile bootstrap intervals (SALib's resamples)."""
    problem = {"num_vars": len(paths), "names": paths, "bounds": [[0.0, 1.0]] * len(paths)}
    res = sobol_analyze.analyze(problem, y, calc_second_order=False, num_resamples=boot,
                                conf_level=confidence, keep_resamples=True, seed=seed)
    tail = 100 * (1 - confidence) / 2
    rows = []
    for j, path in enumerate(paths):
        s1_all, st_all = res["S1_conf_all"][:, j], res["ST_conf_all"][:, j]
        rows.append({"parameter": path,
                     "S1": float(res["S1"][j]),
                     "S1_low": float(np.nanpercentile(s1_all, tail)),
                     "S1_high": float(np.nanpercentile(s1_all, 100 - tail)),
                     "ST": float(res["ST"][j]),
                     "ST_low": float(np.nanpercentile(st_all, tail)),
                     "ST_high": float(np.nanpercentile(st_all, 100 - tail))})
    return rows


def main(argv: list[str] | None = None) -> dict:
    """Run the headline and the Sobol' design; print them (and write ``--json``)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="scenarios/london-2025.yaml")
    ap.add_argument("--n", type=int, default=256, help="Saltelli base rows (a power of 2)")
    ap.add_argument("--reps", type=int, default=256, help="replications per design point")
    ap.add_argument("--seed", type=int, default=20250611, help="master seed of the runs")
    ap.add_argument("--design-seed", type=int, default=14, help="seed of the Sobol' scrambling")
    ap.add_argument("--boot", type=int, default=1000, help="bootstrap resamples")
    ap.add_argument("--headline-runs", type=int, default=10_000,
                    help="runs of the headline ensemble (0 skips it)")
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args(argv)

    scenario = tradesim.load_scenario(args.scenario)
    report: dict = {"scenario": args.scenario, "version": getattr(tradesim, "__version__", "?")}
    if args.headline_runs:
        t = time.perf_counter()
        report["headline"] = h = headline(scenario, args.headline_runs, args.seed)
        h["seconds"] = round(time.perf_counter() - t, 1)
        print(f"P(breakdown by week {scenario.horizon_weeks}) = {h['p']:.3f} "
              f"[{h['low']:.3f}, {h['high']:.3f}] (Wilson 95%, {h['runs']:,} runs, "
              f"seed {h['seed']}, {h['seconds']} s)")

    t = time.perf_counter()
    paths, _unit, values = design(scenario, args.n, args.design_seed)
    y = breakdown_share(scenario, paths, values, args.n, args.reps, args.seed)
    seconds = time.perf_counter() - t
    rows = indices(paths, y, args.boot, args.design_seed)
    d = len(paths)
    base = np.concatenate([y[0::d + 2], y[d + 1::d + 2]])  # the A and B points
    var = float(base.var())
    noise = float((base * (1 - base)).mean() / (args.reps - 1))
    report["sobol"] = {
        "n": args.n, "reps": args.reps, "parameters": d, "points": len(y),
        "model_runs": len(y) * args.reps, "seconds": round(seconds, 1),
        "design_seed": args.design_seed, "bootstrap": args.boot,
        "mean_p": float(base.mean()), "sd_p": float(np.sqrt(var)),
        "noise_share": noise / var if var > 0 else float("nan"), "indices": rows}
    s = report["sobol"]
    print(f"Sobol' design: n = {s['n']}, d = {d}, {s['points']:,} points x {s['reps']} runs = "
          f"{s['model_runs']:,} model runs, {s['seconds']} s on one core")
    print(f"P over the design (A and B points): mean {s['mean_p']:.3f}, sd {s['sd_p']:.3f}; "
          f"binomial noise is {s['noise_share']:.1%} of its variance")
    print("\n| parameter | S1 [95% CI] | ST [95% CI] |\n|---|---|---|")
    for r in rows:
        print(f"| `{r['parameter']}` | {r['S1']:.3f} [{r['S1_low']:.3f}, {r['S1_high']:.3f}] "
              f"| {r['ST']:.3f} [{r['ST_low']:.3f}, {r['ST_high']:.3f}] |")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=1)
    return report


if __name__ == "__main__":
    main()
