"""Calibrate the US monitor and the truce hazard on the Geneva cycle (exact rejection ABC).

Writes the figure of ``docs/explanation/calibration.md`` ("Calibration on
Geneva") into ``docs/figures/`` and the numbers the page quotes into
``docs/figures/calibration.json``; prints the same numbers and the YAML of the
fitted ranges, which ``scenarios/london-2025.yaml`` carries (a test checks that
the two agree).  Run from the repository root::

    .venv/bin/python docs/scripts/calibration_page.py

Design (see the page):

- **Model**: ``scenarios/geneva-2025-prior.yaml``: ``geneva-2025`` (the London
  baseline's structure, in force on 2025-05-12, China to bring its rare-earth
  and magnet restrictions down to 0.2 within two weeks) with the five
  parameters of :data:`FITTED` at their priors instead of the London
  baseline's fitted ranges.
- **Data**: the weeks after 2025-05-12 of the first US retaliation (week 3),
  the breakdown (week 3) and the renewed truce (week 4) in
  ``seeds/events-2025.yaml``, censored at 2025-06-11 (week 5): nothing after the
  London cut-off.
- **Method**: rejection ABC with tolerance 0 (Pritchard et al. 1999; Sisson, Fan
  & Beaumont 2018): the statistics are whole weeks, so a draw is accepted when
  its three weeks equal the record's.  With epsilon 0 on discrete statistics
  the accepted draws are a sample of the exact posterior given those
  statistics, not an approximation of it.
- **Ranges**: each parameter's posterior is summarised by the beta distribution
  on its prior's bounds with the posterior's mean and variance (moments),
  which the London baseline uses, so that nested runs and Sobol' indices treat
  them as any other uncertain parameter.  The joint sample is written too
  (``docs/figures/calibration-posterior.csv``), and the page compares London
  under both.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

import tradesim
from tradesim import calibrate, io
from tradesim.paths import set_path
from tradesim.plots import MILESTONE_LABELS, PALETTE, new_figure, save_figure, source_note, styled
from tradesim.plots.style import title_block

ROOT = Path(__file__).resolve().parents[2]
FIGURES = ROOT / "docs" / "figures"
GENEVA, LONDON = dt.date(2025, 5, 12), dt.date(2025, 6, 11)
SEED = 20250611
ABC_RUNS = 400_000
CHECK_RUNS = 20_000
LONDON_RUNS = 20_000
#: Weeks simulated from Geneva: the record is censored at 2025-06-11 (week 5).
HORIZON_WEEKS = 8
STATISTICS = ("first_escalation", "breakdown_1", "truce_1")
#: The parameters fitted; their priors are those of ``scenarios/geneva-2025-prior.yaml``.
FITTED = ("monitoring.us.threshold", "monitoring.us.lag_credit",
          "monitoring.us.channels.rare_earths.noise_sd",
          "monitoring.us.channels.magnets.noise_sd", "economy.truce_hazard")
PRIOR_SCENARIO = ROOT / "scenarios" / "geneva-2025-prior.yaml"


def priors() -> dict[str, dict[str, Any]]:
    """The fitted parameters' priors, as ``scenarios/geneva-2025-prior.yaml`` gives them."""
    paths = tradesim.load_scenario(PRIOR_SCENARIO).parameter_paths()
    return {path: paths[path].model_dump(mode="json") for path in FITTED}


PRIORS = priors()
#: Panel titles, with units.
LABELS = {
    "monitoring.us.threshold": "US alarm threshold (nats)",
    "monitoring.us.lag_credit": "US credit for the lag (share)",
    "monitoring.us.channels.rare_earths.noise_sd": "rare-earth reports: noise (sd)",
    "monitoring.us.channels.magnets.noise_sd": "magnet reports: noise (sd)",
    "economy.truce_hazard": "truce hazard (per week)",
}
#: London's headline quantities compared under the prior and the posterior.
HEADLINES = ("holding", "breakdown", "renewed_truce")


def _variant(path: Path, name: str, overrides: dict[str, Any], **fields: Any
             ) -> tradesim.Scenario:
    """The scenario of ``path`` with ``overrides`` (values by parameter path) and ``fields``."""
    data = tradesim.load_scenario(path).model_dump(mode="json", exclude_none=True)
    data.update(name=name, **fields)
    for key, value in overrides.items():
        set_path(data, key, value)
    return tradesim.validate_scenario(data, str(path))


def _london(overrides: dict[str, Any], name: str) -> tradesim.Scenario:
    return _variant(ROOT / "scenarios" / "london-2025.yaml", name, overrides)


def _geneva(path: Path, name: str, overrides: dict[str, Any] | None = None
            ) -> tradesim.Scenario:
    return _variant(path, name, overrides or {}, horizon_weeks=HORIZON_WEEKS)


def calibration_scenario() -> tradesim.Scenario:
    """``geneva-2025-prior`` over :data:`HORIZON_WEEKS` weeks: the priors of :data:`FITTED`."""
    return _geneva(PRIOR_SCENARIO, "geneva-2025-calibration")


def fit_beta(values: np.ndarray, low: float, high: float) -> dict[str, Any]:
    """The beta on [low, high] with the sample's mean and variance (method of moments).

    Parameters
    ----------
    values : ndarray
        Posterior draws, all within [low, high].
    low, high : float
        The prior's bounds.

    Returns
    -------
    dict
        A ``beta`` distribution as a scenario file gives it, ``a`` and ``b``
        rounded to 3 significant digits.
    """
    x = (np.asarray(values, float) - low) / (high - low)
    m, v = float(x.mean()), float(x.var(ddof=1))
    common = m * (1.0 - m) / v - 1.0
    return {"dist": "beta", "a": float(f"{m * common:.3g}"),
            "b": float(f"{(1.0 - m) * common:.3g}"), "low": low, "high": high}


def _headlines(results: tradesim.Results) -> dict[str, Any]:
    """Outcomes and the first breakdown, each with its two intervals."""
    summary = results.summary()

    def row(frame: Any, name: str) -> dict[str, Any]:
        r = frame.loc[name]
        return {k: round(float(r[k]), 4) for k in ("probability", "ci95_low", "ci95_high",
                                                   "set_q05", "set_q95", "share_parameters")}

    out: dict[str, Any] = {name: row(summary.outcomes, name) for name in HEADLINES}
    out["breakdown_1"] = row(summary.milestone_stats, "breakdown_1")
    out["breakdown_1_by_week_26"] = round(float(summary.milestones["breakdown_1"].iloc[26]), 4)
    out["breakdown_1_median_week"] = summary.median_weeks["breakdown_1"]
    out["truce_1_median_week"] = summary.median_weeks["truce_1"]
    return out


def compute(abc_runs: int = ABC_RUNS, check_runs: int = CHECK_RUNS,
            london_runs: int = LONDON_RUNS, seed: int = SEED) -> dict[str, Any]:
    """The calibration's numbers and the objects behind the figure.

    Returns
    -------
    dict
        ``numbers`` (JSON-able, quoted by the page), ``fitted`` (the London
        baseline's ranges) and ``objects`` (posterior and results).
    """
    scenario = calibration_scenario()
    log = io.load_events(ROOT / "seeds" / "events-2025.yaml", scenario)
    posterior = calibrate.abc_rejection(scenario, log, LONDON, statistics=STATISTICS,
                                        runs=abc_runs, epsilon=0.0, seed=seed,
                                        check_runs=check_runs)
    samples = posterior.samples
    fitted = {path: fit_beta(samples[path].to_numpy(), p["low"], p["high"])
              for path, p in PRIORS.items()}
    # The predictive check of the ranges London uses (marginals, no correlation).
    check_scenario = _geneva(PRIOR_SCENARIO, "geneva-2025-check", fitted)
    checked = tradesim.run(check_scenario, check_runs, seed + 1, keep_trajectories=0,
                           parameter_sets=0)
    check = calibrate.simulated_statistics(checked.replications(), STATISTICS,
                                           posterior.censor_week)

    def p_match(frame: Any) -> dict[str, float]:
        hits = {n: frame[n].to_numpy() == posterior.observed[n] for n in STATISTICS}
        out = {n: round(float(h.mean()), 4) for n, h in hits.items()}
        out["all"] = round(float(np.logical_and.reduce(list(hits.values())).mean()), 4)
        return out

    paths = list(PRIORS)
    corr = samples[paths].corr(method="spearman")
    london_prior = _london(PRIORS, "london-2025-prior")
    london_fitted = _london(fitted, "london-2025")
    london_joint = calibrate.with_parameter_sample(london_prior, samples[paths])
    runs = {name: tradesim.run(s, london_runs, seed + 2, keep_trajectories=0)
            for name, s in (("prior", london_prior), ("posterior_ranges", london_fitted),
                            ("posterior_joint", london_joint))}
    summary = posterior.summary()
    numbers = {
        "seed": seed, "abc_runs": abc_runs, "check_runs": check_runs,
        "london_runs": london_runs, "horizon_weeks": HORIZON_WEEKS,
        "statistics": list(STATISTICS), "observed": posterior.observed,
        "accepted": int(posterior.accepted.sum()),
        "acceptance_rate": round(posterior.acceptance_rate, 5),
        "priors": PRIORS, "fitted": fitted,
        "parameters": {path: {k: round(float(summary.loc[path, k]), 4) for k in (
            "prior_mean", "prior_q05", "prior_q95", "posterior_mean", "posterior_q05",
            "posterior_q50", "posterior_q95", "sd_ratio")} for path in paths},
        "spearman": {a: {b: round(float(corr.loc[a, b]), 3) for b in paths if b != a}
                     for a in paths},
        "p_match": {"prior": p_match(posterior.prior_statistics),
                    "posterior_joint": p_match(posterior.check),
                    "posterior_ranges": p_match(check)},
        "london": {name: _headlines(r) for name, r in runs.items()},
        "london_parameter_sets": int(runs["prior"].parameter_sets),
    }
    return {"numbers": numbers, "fitted": fitted,
            "objects": {"posterior": posterior, "london": runs}}


@styled
def figure(posterior: calibrate.Posterior, fitted: dict[str, dict[str, Any]],
           p_match: dict[str, dict[str, float]]) -> Any:
    """Prior, posterior and fitted range of each parameter; the predictive check."""
    fig, axes = new_figure("page", 5.6, nrows=2, ncols=3)
    for ax, path in zip(axes.ravel(), PRIORS, strict=False):
        prior = PRIORS[path]
        post = posterior.samples[path].to_numpy()
        bins = np.linspace(prior["low"], prior["high"], 26)
        ax.hist(post, bins=bins, density=True, color=PALETTE[1], alpha=0.45,
                label="posterior (accepted draws)")
        ax.axhline(1.0 / (prior["high"] - prior["low"]), color=PALETTE[5], lw=1.2,
                   label="prior (uniform)")
        f = fitted[path]
        x = np.linspace(prior["low"], prior["high"], 200)
        ax.plot(x, stats.beta.pdf(x, f["a"], f["b"], loc=f["low"],
                                  scale=f["high"] - f["low"]),
                color=PALETTE[0], lw=1.4, label="London baseline's range")
        ax.set_title(LABELS[path], fontsize=8)
        ax.set_ylabel("density")
    axes[0, 0].legend(loc="upper right", fontsize=6.5)
    ax = axes[1, 2]
    names = [*STATISTICS, "all"]
    x = np.arange(len(names))
    for k, (key, label) in enumerate((("prior", "prior"),
                                      ("posterior_ranges", "London's ranges"))):
        ax.bar(x + (k - 0.5) * 0.38, [p_match[key][n] for n in names], 0.38,
               color=(PALETTE[5], PALETTE[0])[k], label=label)
    ax.set_xticks(x, [MILESTONE_LABELS.get(n, "all three") for n in names], rotation=20,
                  ha="right", fontsize=7)
    ax.set_ylabel("share of runs on the logged week")
    ax.set_title("predictive check, Geneva", fontsize=8)
    ax.legend(loc="upper right", fontsize=6.5)
    title_block(fig, "Geneva's three weeks pin the US monitor down: it credits little of "
                "China's licence lag and acts on thin evidence; truces come fast",
                "Prior, posterior (accepted draws) and the London baseline's fitted range of "
                "each calibrated parameter; share of Geneva runs on each logged week")
    source_note(fig, f"Exact rejection ABC of geneva-2025, {posterior.runs:,} prior draws, "
                     f"{int(posterior.accepted.sum()):,} accepted, seed {posterior.seed}; "
                     f"record: seeds/events-2025.yaml to 2025-06-11; "
                     f"tradesim {tradesim.__version__}")
    return fig


def fitted_yaml(fitted: dict[str, dict[str, Any]]) -> str:
    """The fitted ranges as the London baseline's YAML gives them, one line each."""
    lines = []
    for path, f in fitted.items():
        body = ", ".join(f"{k}: {v}" for k, v in f.items())
        lines.append(f"{path}: {{{body}}}")
    return "\n".join(lines)


def main() -> None:
    """Compute, write the figure, the JSON and the joint sample, print the numbers."""
    out = compute()
    numbers, objects = out["numbers"], out["objects"]
    posterior = objects["posterior"]
    FIGURES.mkdir(parents=True, exist_ok=True)
    save_figure(figure(posterior, out["fitted"], numbers["p_match"]),
                FIGURES / "calibration-geneva.png")
    io.write_parameter_sample(FIGURES / "calibration-posterior.csv",
                              {c: posterior.samples[c].to_numpy() for c in PRIORS})
    text = json.dumps(numbers, indent=1, sort_keys=True) + "\n"
    io.write_text(FIGURES / "calibration.json", text)
    print(posterior.report())
    print("\n# The London baseline's fitted ranges (scenarios/london-2025.yaml):")
    print(fitted_yaml(out["fitted"]))
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
