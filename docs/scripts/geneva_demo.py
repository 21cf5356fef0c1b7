"""Calibrate on the record, forecast from Geneva, score against the weeks to London.

Writes the figures of ``docs/explanation/geneva-demonstration.md`` into
``docs/figures/`` and the numbers the page quotes into
``docs/figures/geneva-demo.json``; prints the same numbers.  Run from the
repository root::

    .venv/bin/python docs/scripts/geneva_demo.py

Design (see the page): the Geneva scenario with two of its fixed judgement
parameters widened into vague priors, calibrated by rejection ABC
(:func:`tradesim.calibrate.abc_rejection`) on

1. the record up to 2025-05-12 (what was known at Geneva: out of sample),
2. the record up to 2025-06-02, then a replay to that date and a forecast of
   the rest of the episode (out of sample for the truce of 2025-06-05),
3. the whole record to 2025-06-11 (in sample: a fit check, not a forecast),

each scored with the prior forecast of the same seed beside it.

The calibrations' runs are not nested (``abc_rejection`` runs them with
``parameter_sets=0``: one prior draw per run); the forecasts are ordinary runs,
nested over parameter sets by default (:mod:`tradesim.nesting`).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

import tradesim
from tradesim import calibrate, history, io
from tradesim.plots import MILESTONE_LABELS, PALETTE, new_figure, save_figure, source_note, styled

ROOT = Path(__file__).resolve().parents[2]
FIGURES = ROOT / "docs" / "figures"
GENEVA, SPLIT, LONDON = dt.date(2025, 5, 12), dt.date(2025, 6, 2), dt.date(2025, 6, 11)
SEED = 20250512
#: Fixed judgement parameters of geneva-2025 given vague priors for the calibration.
WIDENED = {
    "monitoring.us.threshold": {"dist": "uniform", "low": 1.0, "high": 8.0},
    "economy.truce_hazard": {"dist": "uniform", "low": 0.02, "high": 0.5},
}
HORIZON_WEEKS = 26
STATISTICS = ("first_escalation", "breakdown_1", "truce_1")


def calibration_scenario() -> tradesim.Scenario:
    """geneva-2025 over 26 weeks, with :data:`WIDENED` as priors."""
    raw = io.read_data(ROOT / "scenarios" / "geneva-2025.yaml")
    base = io.read_data(ROOT / "scenarios" / "london-2025.yaml")
    raw.pop("extends")
    data = io.merge(base, raw)
    data = io.merge(data, {
        "name": "geneva-2025-calibration", "horizon_weeks": HORIZON_WEEKS,
        "monitoring": {"us": {"threshold": WIDENED["monitoring.us.threshold"]}},
        "economy": {"truce_hazard": WIDENED["economy.truce_hazard"]},
    })
    return tradesim.validate_scenario(data)


def _forecast(scenario: tradesim.Scenario, log: history.EventLog, after: dt.date, runs: int,
              seed: int) -> tuple[tradesim.Results, history.Score]:
    results = history.replay(scenario, log, after, runs=runs, seed=seed)
    return results, history.score(results, log, after=after, until=LONDON)


def _score_dict(s: history.Score) -> dict[str, Any]:
    return {"brier": round(s.brier, 4), "log_score": round(s.log, 4), "events": [
        {"name": r.name, "week": int(r.week), "probability": round(float(r.probability), 4),
         "outcome": int(r.outcome)} for r in s.events.itertuples()]}


def _posterior_dict(p: calibrate.Posterior, paths: list[str]) -> dict[str, Any]:
    summary = p.summary()
    out: dict[str, Any] = {
        "until": p.until.isoformat(), "observed": p.observed, "runs": p.runs,
        "accepted": int(p.accepted.sum()), "acceptance_rate": round(p.acceptance_rate, 4),
        "epsilon": round(p.epsilon, 4),
        "parameters": {path: {k: round(float(summary.loc[path, k]), 4) for k in (
            "prior_mean", "prior_q05", "prior_q95", "posterior_mean", "posterior_q05",
            "posterior_q95", "sd_ratio")} for path in paths},
        "p_observed_prior": {n: round(float(v), 4)
                             for n, v in p.predictive("prior")["p_observed"].items()},
    }
    if p.check is not None:
        out["p_observed_posterior"] = {n: round(float(v), 4) for n, v in
                                       p.predictive("posterior")["p_observed"].items()}
    return out


def compute(runs: int = 20_000, abc_runs: int = 40_000, accept: float = 0.05,
            check_runs: int = 10_000, seed: int = SEED) -> dict[str, Any]:
    """The demonstration's numbers and the objects behind the figures.

    Returns
    -------
    dict
        ``numbers`` (JSON-able, quoted by the page) and ``objects``
        (posteriors and results for the figures).
    """
    scenario = calibration_scenario()
    log = io.load_events(ROOT / "seeds" / "events-2025.yaml", scenario)
    fitted = {name: calibrate.abc_rejection(scenario, log, until, statistics=STATISTICS,
                                            runs=abc_runs, accept=accept, seed=seed,
                                            check_runs=check_runs)
              for name, until in (("at_geneva", GENEVA), ("split", SPLIT),
                                  ("in_sample", LONDON))}
    paths = list(scenario.uncertain_parameters())
    prior_geneva = _forecast(scenario, log, GENEVA, runs, seed)
    fit_geneva = _forecast(fitted["in_sample"].scenario_with_posterior(), log, GENEVA, runs,
                           seed)
    prior_split = _forecast(scenario, log, SPLIT, runs, seed)
    post_split = _forecast(fitted["split"].scenario_with_posterior(), log, SPLIT, runs, seed)
    curves_weeks = (3, 5, 8, 12, HORIZON_WEEKS)
    free = prior_geneva[0]
    frame = free.replications()
    broke = frame["breakdown_1_week"].notna()
    judged = broke & frame["first_escalation_week"].notna() & (
        frame["first_escalation_week"] <= frame["breakdown_1_week"])
    numbers = {
        "seed": seed, "runs": runs, "abc_runs": abc_runs, "accept": accept,
        "check_runs": check_runs, "horizon_weeks": HORIZON_WEEKS, "widened": WIDENED,
        "statistics": list(STATISTICS),
        "calibrations": {k: _posterior_dict(p, paths) for k, p in fitted.items()},
        "forecasts": {
            "from_geneva_prior": _score_dict(prior_geneva[1]),
            "from_geneva_fitted_in_sample": _score_dict(fit_geneva[1]),
            "from_split_prior": _score_dict(prior_split[1]),
            "from_split_calibrated": _score_dict(post_split[1]),
        },
        "forecast_parameter_sets": int(free.parameter_sets),
        # The prior forecast from Geneva: P(milestone reached by week), and the share
        # of its breakdowns that followed a judged retaliation (not a slipped hold).
        "prior_from_geneva_curves": {
            name: {str(w): round(float(free.milestone_curve(name)[w]), 4)
                   for w in curves_weeks} for name in STATISTICS},
        "prior_from_geneva_breakdowns_after_judged_retaliation": round(
            float(judged.sum() / max(int(broke.sum()), 1)), 4),
    }
    objects = {"scenario": scenario, "posteriors": fitted,
               "prior_geneva": prior_geneva[0], "fit_geneva": fit_geneva[0]}
    return {"numbers": numbers, "objects": objects}


@styled
def figure_posterior(posterior: calibrate.Posterior) -> Any:
    """Prior and posterior densities of four parameters (histograms)."""
    paths = ["monitoring.us.threshold", "economy.truce_hazard",
             "actors.us.strategy.forgiveness", "monitoring.us.channels.magnets.noise_sd"]
    fig, axes = new_figure("page", 4.2, nrows=2, ncols=2)
    for ax, path in zip(axes.ravel(), paths, strict=True):
        prior = posterior.prior[path].to_numpy()
        post = posterior.samples[path].to_numpy()
        bins = np.linspace(prior.min(), prior.max(), 26)
        ax.hist(prior, bins=bins, density=True, color=PALETTE[5], alpha=0.6, label="prior")
        ax.hist(post, bins=bins, density=True, histtype="step", color=PALETTE[1], lw=1.4,
                label="posterior (record to 2025-06-11)")
        ax.set_title(path)
        ax.set_ylabel("density")
    axes[0, 0].legend(loc="upper left")
    source_note(fig, f"Rejection ABC of geneva-2025 (widened priors), {posterior.runs:,} "
                     f"draws, {posterior.accepted.sum():,} accepted, seed {posterior.seed}; "
                     f"tradesim {tradesim.__version__}")
    return fig


@styled
def figure_milestones(prior: tradesim.Results, fitted: tradesim.Results,
                      observed: dict[str, int]) -> Any:
    """Milestone curves from Geneva, prior and fitted, with the logged weeks marked."""
    fig, axes = new_figure("page", 2.8, ncols=3, sharey=True)
    weeks = np.arange(prior.horizon_weeks + 1)
    for ax, name in zip(axes, STATISTICS, strict=True):
        ax.step(weeks, prior.milestone_curve(name), where="post", color=PALETTE[0],
                label="prior forecast")
        ax.step(weeks, fitted.milestone_curve(name), where="post", color=PALETTE[1],
                label="fitted (in sample)")
        ax.axvline(observed[name], color="#444444", lw=0.8, ls="--", label="logged week")
        ax.set_title(MILESTONE_LABELS[name])
        ax.set_xlim(0, 12)
        ax.set_xlabel("weeks after 2025-05-12")
    axes[0].set_ylabel("P(reached by week)")
    axes[0].legend(loc="lower right")
    source_note(fig, f"geneva-2025 (widened priors), {prior.runs:,} runs each, seed "
                     f"{prior.seed}; logged weeks from seeds/events-2025.yaml; "
                     f"tradesim {tradesim.__version__}")
    return fig


def main() -> None:
    """Compute, write the figures and the JSON, print the numbers."""
    out = compute()
    numbers, objects = out["numbers"], out["objects"]
    FIGURES.mkdir(parents=True, exist_ok=True)
    posterior = objects["posteriors"]["in_sample"]
    save_figure(figure_posterior(posterior), FIGURES / "geneva-posterior.png")
    save_figure(figure_milestones(objects["prior_geneva"], objects["fit_geneva"],
                                  posterior.observed), FIGURES / "geneva-milestones.png")
    text = json.dumps(numbers, indent=1, sort_keys=True) + "\n"
    io.write_text(FIGURES / "geneva-demo.json", text)
    for name, p in objects["posteriors"].items():
        print(f"== calibration {name}\n{p.report()}\n")
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
