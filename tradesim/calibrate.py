"""Calibration: fit a scenario's uncertain parameters to an event log by rejection ABC.

Approximate Bayesian computation by rejection (Pritchard et al. 1999, *Mol.
Biol. Evol.* 16; Sisson, Fan & Beaumont 2018, *Handbook of ABC*, ch. 1): the
prior is the scenario's own distributions, which every replication already
draws from; the simulated data are each replication's milestone weeks; a
replication is accepted when the distance between its summary statistics and
the logged ones is within a tolerance ``epsilon``.  The accepted parameter
draws are a sample of the approximate posterior, written as a joint sample a
scenario can draw from (``parameter_sample: {file: posterior.csv}``).

Summary statistics are the weeks at which milestones were first reached
(e.g. ``first_escalation``: the first escalation, a retaliation for a perceived violation;
``breakdown_1``; ``truce_1``), counted from the scenario's start date and
*censored* at the calibration date: a milestone not reached by the week of
``until`` takes the value ``until_week + 1`` in the log and in every
replication alike, so only what was known on ``until`` is used.  Each
statistic is scaled by its median absolute deviation under the prior
(falling back to the mean absolute deviation when the MAD is zero, as it
often is for weeks), and the distance is Euclidean in the scaled statistics.

The statistics are whole weeks, so many replications match exactly; all
replications within ``epsilon`` (ties included) are accepted, and
``epsilon`` is the smallest distance that accepts at least the requested
fraction.  No regression adjustment (Beaumont, Zhang & Balding 2002,
*Genetics* 162) is made: it assumes continuous statistics.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .history import EventLog, raises_level, week_of
from .scenario import ParameterSample, Scenario
from .vocab import MILESTONES, quantile_column

__all__ = [
    "DEFAULT_STATISTICS",
    "Posterior",
    "abc_rejection",
    "observed_statistics",
    "simulated_statistics",
    "with_parameter_sample",
]

#: Summary statistics used by default: weeks to the perceived violation, the
#: breakdown it caused and the first renewed truce.
DEFAULT_STATISTICS = ("first_escalation", "breakdown_1", "truce_1")

_SUMMARY_QUANTILES = (0.05, 0.5, 0.95)


def _check_statistics(statistics: Sequence[str]) -> tuple[str, ...]:
    statistics = tuple(statistics)
    if not statistics:
        raise ValueError("give at least one summary statistic (a milestone name)")
    for name in statistics:
        if name not in MILESTONES:
            raise ValueError(f"unknown summary statistic {name!r}: use milestone names "
                             f"({', '.join(MILESTONES)})")
    return statistics


def observed_statistics(log: EventLog, scenario: Scenario, until: dt.date,
                        statistics: Sequence[str] = DEFAULT_STATISTICS) -> dict[str, int]:
    """Milestone weeks of the log, censored at the week of ``until``.

    Parameters
    ----------
    log : EventLog
        Validated against ``scenario``.
    scenario : Scenario
        Gives the start date (week 0) and horizon.
    until : date
        Last date of the record used; later events are ignored.
    statistics : sequence of str
        Milestone names (see :data:`tradesim.model.MILESTONES`).

    Returns
    -------
    dict
        Name -> week (weeks after the start date) the milestone was first
        logged, or ``until_week + 1`` when it was not logged by ``until``.
        ``first_escalation`` is the first logged retaliation or tightening
        after the start.
    """
    statistics = _check_statistics(statistics)
    start = scenario.start_date
    censor = _censor_week(scenario, until)
    weeks: dict[str, int] = {}
    counts = {"breakdown": 0, "truce": 0}
    for e in sorted(log.events, key=lambda e: e.date):
        if e.date > until or e.date <= start:
            continue
        week = min(week_of(e.date, start), scenario.horizon_weeks)
        names = []
        if e.milestone is not None:
            name = e.milestone
            if name in counts:
                counts[name] += 1
                name = f"{name}_{counts[name]}"
            names.append(name)
        if e.action == "retaliate" or (e.level is not None and raises_level(scenario, e)):
            names.append("first_escalation")
        for name in names:
            weeks.setdefault(name, week)
    return {name: min(weeks.get(name, censor), censor) for name in statistics}


def _censor_week(scenario: Scenario, until: dt.date) -> int:
    return min(week_of(until, scenario.start_date), scenario.horizon_weeks) + 1


def simulated_statistics(replications: pd.DataFrame, statistics: Sequence[str],
                         censor_week: int) -> pd.DataFrame:
    """Milestone weeks of each replication, censored like :func:`observed_statistics`.

    Parameters
    ----------
    replications : DataFrame
        :meth:`tradesim.Results.replications` (columns ``<name>_week``).
    statistics : sequence of str
    censor_week : int
        Value of a milestone not reached by then (``until_week + 1``).

    Returns
    -------
    DataFrame
        One row per replication, one column per statistic, in weeks.
    """
    out = {}
    for name in _check_statistics(statistics):
        weeks = replications[f"{name}_week"].astype("Float64").fillna(censor_week)
        out[name] = np.minimum(weeks.to_numpy(dtype=float), censor_week)
    return pd.DataFrame(out, index=replications.index)


def _scale(values: np.ndarray) -> float:
    """Median absolute deviation (x 1.4826), else mean absolute deviation, else 1."""
    centre = np.median(values)
    mad = 1.4826 * float(np.median(np.abs(values - centre)))
    if mad > 0:
        return mad
    mean_dev = float(np.mean(np.abs(values - centre)))
    return mean_dev if mean_dev > 0 else 1.0


def _describe(frame: pd.DataFrame) -> pd.DataFrame:
    rows = {}
    for column in frame.columns:
        x = frame[column].to_numpy(dtype=float)
        q = np.quantile(x, _SUMMARY_QUANTILES)
        rows[column] = {"mean": float(x.mean()), "sd": float(x.std(ddof=1)) if x.size > 1
                        else math.nan,
                        **{quantile_column(p): v
                           for p, v in zip(_SUMMARY_QUANTILES, q, strict=True)}}
    return pd.DataFrame.from_dict(rows, orient="index")


@dataclasses.dataclass(frozen=True)
class Posterior:
    """Result of a rejection-ABC calibration (see :func:`abc_rejection`).

    Attributes
    ----------
    scenario : Scenario
        The calibrated scenario (its distributions are the prior).
    until : date
        Last date of the record used.
    statistics : tuple of str
        Summary statistics (milestone names), in weeks after the start date.
    observed : dict
        Name -> logged week, censored at ``until_week + 1``.
    scales : dict
        Name -> scale of the statistic under the prior (weeks).
    prior : DataFrame
        The parameter draws of all replications, one row per replication,
        columns by parameter path.
    prior_statistics : DataFrame
        Their statistics, one row per replication.
    distances : ndarray, shape (runs,)
        Scaled Euclidean distance of each replication to the log.
    accepted : ndarray of bool, shape (runs,)
        Replications within ``epsilon``.
    epsilon : float
        Tolerance (scaled distance units).
    runs, seed : int
        Replications simulated and master seed.
    check : DataFrame or None
        Posterior predictive check: statistics of a re-run of the scenario
        drawing from the posterior sample, one row per replication.
    """

    scenario: Scenario
    until: dt.date
    statistics: tuple[str, ...]
    observed: dict[str, int]
    scales: dict[str, float]
    prior: pd.DataFrame
    prior_statistics: pd.DataFrame
    distances: np.ndarray
    accepted: np.ndarray
    epsilon: float
    runs: int
    seed: int
    check: pd.DataFrame | None = None

    @property
    def samples(self) -> pd.DataFrame:
        """Accepted parameter draws: the posterior sample, one row per draw."""
        return self.prior.loc[self.accepted].reset_index(drop=True)

    @property
    def acceptance_rate(self) -> float:
        """Share of replications accepted."""
        return float(self.accepted.mean())

    @property
    def censor_week(self) -> int:
        """Week value of a milestone not reached by ``until``."""
        return _censor_week(self.scenario, self.until)

    def summary(self) -> pd.DataFrame:
        """Prior and posterior mean, sd and 5/50/95% quantiles of every parameter.

        Returns
        -------
        DataFrame
            One row per parameter path; columns ``prior_mean``, ``prior_sd``,
            ``prior_q05``, ..., ``posterior_q95`` and ``sd_ratio``
            (posterior sd / prior sd: below 1 where the record is informative).
        """
        prior = _describe(self.prior).add_prefix("prior_")
        post = _describe(self.samples).add_prefix("posterior_")
        out = prior.join(post)
        out["sd_ratio"] = out["posterior_sd"] / out["prior_sd"]
        out.index.name = "parameter"
        return out

    def predictive(self, which: str = "posterior") -> pd.DataFrame:
        """Predictive distribution of each statistic against the observed value.

        Parameters
        ----------
        which : {"prior", "posterior"}
            ``"posterior"`` uses the posterior predictive check run (needs
            ``check``).

        Returns
        -------
        DataFrame
            One row per statistic: observed week, predictive mean, 5% and 95%
            quantiles, and ``p_observed``, the share of replications whose
            statistic equals the observed week.
        """
        frame = self.prior_statistics if which == "prior" else self.check
        if frame is None:
            raise ValueError("no posterior predictive check was run (check_runs=0)")
        rows = {}
        for name in self.statistics:
            x = frame[name].to_numpy(dtype=float)
            obs = self.observed[name]
            rows[name] = {"observed": obs, "mean": float(x.mean()),
                          quantile_column(0.05): float(np.quantile(x, 0.05)),
                          quantile_column(0.95): float(np.quantile(x, 0.95)),
                          "p_observed": float(np.mean(x == obs))}
        return pd.DataFrame.from_dict(rows, orient="index")

    def to_file(self, path: str | Path) -> None:
        """Write the posterior sample as CSV (one column per parameter path).

        A scenario draws from it jointly with ``parameter_sample: {file: ...}``.
        """
        from .io import write_parameter_sample

        samples = self.samples
        write_parameter_sample(path, {c: samples[c].to_numpy() for c in samples.columns})

    def scenario_with_posterior(self) -> Scenario:
        """The scenario drawing its uncertain parameters from the posterior sample."""
        return with_parameter_sample(self.scenario, self.samples)

    def _repr_html_(self) -> str:
        from .display import posterior_html

        return posterior_html(self)

    def report(self) -> str:
        """Plain-text account: what was fitted, to what, and how well."""
        s = self.scenario
        accepted = int(self.accepted.sum())
        lines = [
            f"Rejection ABC of {s.name!r} on the record up to {self.until.isoformat()} "
            f"(week {self.censor_week - 1} after {s.start_date.isoformat()})",
            f"{self.runs:,} prior draws (seed {self.seed}); accepted {accepted:,} "
            f"({self.acceptance_rate:.1%}) within epsilon = {self.epsilon:.3g}",
            "",
            "Summary statistics (weeks after the start; "
            f"{self.censor_week} = not reached by {self.until.isoformat()}):",
            f"{'statistic':<20}{'observed':>9}{'scale':>8}{'prior mean':>12}"
            f"{'P(obs) prior':>14}{'P(obs) post.':>14}",
        ]
        prior = self.predictive("prior")
        post = self.predictive("posterior") if self.check is not None else None
        for name in self.statistics:
            p_post = f"{post.loc[name, 'p_observed']:>14.3f}" if post is not None else \
                f"{'-':>14}"
            lines.append(f"{name:<20}{self.observed[name]:>9}{self.scales[name]:>8.2f}"
                         f"{prior.loc[name, 'mean']:>12.2f}"
                         f"{prior.loc[name, 'p_observed']:>14.3f}{p_post}")
        lines += ["", "Parameters (prior -> posterior, mean [5%, 95%]):"]
        summary = self.summary()
        for path, row in summary.iterrows():
            lines.append(
                f"  {path:<48} {row.prior_mean:8.3f} [{row.prior_q05:.3f}, {row.prior_q95:.3f}]"
                f" -> {row.posterior_mean:8.3f} [{row.posterior_q05:.3f}, "
                f"{row.posterior_q95:.3f}]  sd x{row.sd_ratio:.2f}")
        if self.check is not None:
            lines += ["", f"Posterior predictive check ({len(self.check):,} runs drawing from "
                          "the posterior): the share of runs matching each observed week is "
                          "'P(obs) post.' above."]
        if self.acceptance_rate >= 1.0:
            lines += ["", "Every draw was accepted: the record up to this date does not "
                          "inform these statistics, and the posterior is the prior."]
        return "\n".join(lines)


def with_parameter_sample(scenario: Scenario, sample: pd.DataFrame) -> Scenario:
    """``scenario`` drawing the columns of ``sample`` jointly, one row per replication.

    Parameters
    ----------
    scenario : Scenario
    sample : DataFrame
        Columns named by parameter path (as :meth:`Scenario.parameter_paths`).

    Returns
    -------
    Scenario
        A copy; the original is unchanged.
    """
    unknown = [c for c in sample.columns if c not in scenario.parameter_paths()]
    if unknown:
        raise ValueError(f"not parameters of {scenario.name!r}: {', '.join(unknown)}")
    if len(sample) == 0:
        raise ValueError("the parameter sample is empty")
    rows = tuple(tuple(float(x) for x in row) for row in sample.to_numpy(dtype=float))
    param = ParameterSample(paths=tuple(sample.columns), rows=rows)
    return scenario.model_copy(update={"parameter_sample": param})


def abc_rejection(
    scenario: Scenario,
    log: EventLog,
    until: dt.date,
    *,
    statistics: Sequence[str] = DEFAULT_STATISTICS,
    runs: int = 5000,
    accept: float = 0.05,
    epsilon: float | None = None,
    seed: int | None = None,
    check_runs: int = 2000,
) -> Posterior:
    """Fit ``scenario``'s uncertain parameters to ``log`` up to ``until`` by rejection ABC.

    Algorithm: rejection ABC (Pritchard et al. 1999, *Mol. Biol. Evol.* 16;
    Sisson, Fan & Beaumont 2018, *Handbook of Approximate Bayesian
    Computation*).  ``runs`` replications run free from the start date,
    each drawing its own parameters from the scenario's distributions (the
    prior; the run is not nested, see :mod:`tradesim.nesting`); each
    replication's summary statistics (milestone weeks, censored at
    ``until``) are compared with the log's, scaled by their prior median
    absolute deviation; replications within ``epsilon`` are accepted.

    Parameters
    ----------
    scenario : Scenario
        Its uncertain parameters (distributions) are fitted; it must not
        already draw from a ``parameter_sample``.
    log : EventLog
        The record, validated against ``scenario``.
    until : date
        Last date of the record used (later events are ignored).
    statistics : sequence of str
        Milestone names whose weeks are the summary statistics.
    runs : int
        Prior draws (replications).
    accept : float
        Fraction of draws to accept, in (0, 1]; ``epsilon`` is then the
        smallest distance that accepts at least this fraction (ties included).
    epsilon : float, optional
        Tolerance in scaled distance units; overrides ``accept``.
    seed : int, optional
        Master seed; ``None`` draws one from the operating system (recorded
        in the result).  The prior run and the check run use seeds spawned
        from it (:class:`numpy.random.SeedSequence`).
    check_runs : int
        Replications of the posterior predictive check (0: none).

    Returns
    -------
    Posterior

    Raises
    ------
    ValueError
        For an unknown statistic, ``accept`` outside (0, 1], a negative
        ``epsilon``, a scenario with no uncertain parameter or already drawing
        from a sample, or a tolerance that accepts nothing.
    """
    from .ensemble import run

    statistics = _check_statistics(statistics)
    if not 0.0 < accept <= 1.0:
        raise ValueError(f"accept must be in (0, 1], got {accept}")
    if epsilon is not None and not epsilon >= 0.0:
        raise ValueError(f"epsilon must be a non-negative number, got {epsilon}")
    if scenario.parameter_sample is not None:
        raise ValueError(f"scenario {scenario.name!r} already draws from a parameter sample; "
                         "calibrate the scenario that defines the prior distributions")
    paths = list(scenario.uncertain_parameters())
    if not paths:
        raise ValueError(f"scenario {scenario.name!r} has no uncertain parameter to fit "
                         "(give some parameters as distributions)")
    if until < scenario.start_date:
        raise ValueError(f"until ({until.isoformat()}) is before the scenario's start date "
                         f"({scenario.start_date.isoformat()})")
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    prior_seed, check_seed = (int(s.generate_state(1)[0])
                              for s in np.random.SeedSequence(seed).spawn(2))

    observed = observed_statistics(log, scenario, until, statistics)
    censor = _censor_week(scenario, until)
    # Not nested (parameter_sets=0): rejection ABC needs one independent prior
    # draw per replication, not a few hundred parameter sets shared by many.
    results = run(scenario, runs, prior_seed, keep_trajectories=0, parameter_sets=0)
    frame = results.replications()
    simulated = simulated_statistics(frame, statistics, censor)
    scales = {name: _scale(simulated[name].to_numpy()) for name in statistics}
    scaled = np.column_stack([(simulated[n].to_numpy() - observed[n]) / scales[n]
                              for n in statistics])
    distances = np.sqrt((scaled ** 2).sum(axis=1))
    if epsilon is None:
        k = max(1, math.ceil(accept * runs))
        epsilon = float(np.partition(distances, k - 1)[k - 1])
    accepted = distances <= epsilon + 1e-12
    if not accepted.any():
        raise ValueError(f"no draw is within epsilon = {epsilon:g} (closest: "
                         f"{distances.min():.3g}); raise epsilon or use accept")
    prior = frame[paths].reset_index(drop=True).astype(float)
    posterior = Posterior(
        scenario=scenario, until=until, statistics=statistics, observed=observed,
        scales=scales, prior=prior, prior_statistics=simulated.reset_index(drop=True),
        distances=distances, accepted=accepted, epsilon=float(epsilon), runs=runs, seed=seed)
    if check_runs > 0:
        checked = run(posterior.scenario_with_posterior(), check_runs, check_seed,
                      keep_trajectories=0, parameter_sets=0)
        check = simulated_statistics(checked.replications(), statistics, censor)
        posterior = dataclasses.replace(posterior, check=check.reset_index(drop=True))
    return posterior
