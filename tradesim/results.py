"""Results of an ensemble: per-replication records, exact aggregates, summaries.

Every run keeps, for all replications, one record each (outcome, milestone
weeks, counts, sampled parameters) and exact integer aggregates of every
weekly series: a histogram of 1,001 bins over the series' range (0.001 wide
for shares and indices in [0, 1]; see ``TradeModel.series_bounds_for`` for
flows above normal, prices and USD losses) and a fixed-point sum.  Integer
sums do not depend on the order of addition, so a result is identical, bit
for bit, whatever the chunking and the number of workers.  Full weekly trajectories are kept for all
replications of small runs and for a leading sample of large ones.

Quantiles are read off the histogram, so they are exact for the series
rounded to 0.001; means are exact to within 2**-25.  The reduction that
builds these aggregates chunk by chunk is :mod:`tradesim.reduction`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from .nesting import SetStatistics, decompose, is_uncertain
from .reduction import BINS, fixed_point
from .vocab import (
    ACTION_NAMES,
    MILESTONES,
    OUTCOMES,
    PHASES,
    SERIES_KINDS,
    quantile_column,
    series_keys,
    series_name,
)

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr

    from .scenario import Scenario

__all__ = [
    "QUANTILES",
    "Results",
    "Summary",
    "TrajectorySampleWarning",
    "wilson_interval",
]

#: Quantiles reported for every series.
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
#: What each interval of a summary is, as its JSON output says.
INTERVALS = {
    "ci95": "95% Monte Carlo interval of the pooled probability (Wilson; in a nested run "
            "with the effective number of replications given the parameter sets): the "
            "error of a finite ensemble, which more runs narrow",
    "parameter_range_q05_q95": "5th to 95th percentile of the probability across the "
                               "parameter sets of a nested run (null when the run is not "
                               "nested but has uncertain parameters): the uncertainty "
                               "about the parameters, which more runs do not narrow",
    "variance_share": "shares of the outcome's variance due to the parameters and to "
                      "chance (law of total variance over the parameter sets, the "
                      "binomial error of the per-set probabilities subtracted)",
}
#: The columns a summary adds for the two kinds of uncertainty (see :class:`Summary`).
UNCERTAINTY_COLUMNS = ("set_q05", "set_q95", "share_parameters", "share_chance")


def wilson_interval(successes: np.ndarray | float, n: float, level: float = 0.95
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a binomial proportion.

    Source: Wilson (1927), *JASA* 22; recommended by Brown, Cai & DasGupta
    (2001), *Statistical Science* 16.

    Parameters
    ----------
    successes : float or ndarray
        Number of replications with the outcome.
    n : float
        Number of replications (an effective, possibly non-integer number for
        a nested run; see :func:`tradesim.nesting.decompose`).
    level : float
        Confidence level.

    Returns
    -------
    (low, high) : ndarrays
    """
    k = np.asarray(successes, dtype=float)
    if n <= 0:
        return np.full_like(k, np.nan), np.full_like(k, np.nan)
    z = stats.norm.ppf(0.5 + level / 2)
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # The bounds are exactly 0 and 1 at the ends (rounding would leave ~1e-19).
    low = np.where(k == 0, 0.0, np.clip(centre - half, 0, 1))
    high = np.where(k == n, 1.0, np.clip(centre + half, 0, 1))
    return low, high


@dataclasses.dataclass(frozen=True)
class Summary:
    """Outcome probabilities, milestone curves and series bands of a run.

    Attributes
    ----------
    outcomes : DataFrame
        One row per outcome: ``probability``, ``ci95_low``, ``ci95_high``
        (95% Monte Carlo interval: Wilson, with the effective number of
        replications in a nested run, see :func:`tradesim.nesting.decompose`),
        ``count``, ``set_q05`` and ``set_q95`` (5-95% range of the probability
        across parameter sets: equal to ``probability`` without uncertain
        parameters, NaN when uncertain parameters were not nested) and
        ``share_parameters``, ``share_chance`` (shares of the variance).
    milestones : DataFrame
        Index week 0..horizon, one column per milestone: probability of having
        reached it by that week (censored at the horizon).
    median_weeks : dict
        Milestone -> median week: the first week by which half the runs had
        reached it, given only when the milestone is reached within the horizon
        by clearly more than half of all runs (the lower end of the 95% Monte
        Carlo interval of ``milestone_stats.probability`` above 0.5); None
        otherwise ("not reached by most runs").
    series : dict of DataFrame
        Series id -> frame indexed by week with ``mean`` and quantile columns.
    losses : DataFrame
        Cumulative value added lost to short inputs by the horizon, USD
        billion: one row per sector and one per country (``level``:
        ``sector`` or ``country``), with ``actor``, ``mean``, ``q05``,
        ``q50`` and ``q95``.  The interval q05-q95 is the spread across
        replications (90% of runs lie within it), not a confidence interval
        of the mean; quantiles are exact to the histogram's resolution.
    milestone_stats : DataFrame
        One row per milestone: ``probability`` of reaching it within the
        horizon, with the columns of ``outcomes`` (but ``count``) and
        ``median_reason`` (why ``median_weeks`` is None, else None).
    parameter_sets : int
        Parameter sets of a nested run (replication ``i`` in set ``i % S``);
        0 when the run was not nested.
    uncertain : bool
        Whether the scenario has uncertain parameters.
    """

    scenario: str
    runs: int
    seed: int
    start_date: dt.date
    horizon_weeks: int
    outcomes: pd.DataFrame
    milestones: pd.DataFrame
    median_weeks: dict[str, int | None]
    series: dict[str, pd.DataFrame]
    losses: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    milestone_stats: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    parameter_sets: int = 0
    uncertain: bool = False

    @property
    def nesting(self) -> str:
        """One line saying how the run's parameters were sampled."""
        if not self.uncertain:
            return "no uncertain parameters: all runs share one parameter set"
        if not self.parameter_sets:
            return ("uncertain parameters not nested (each run draws its own): no spread "
                    "across parameter sets")
        return (f"{self.parameter_sets:,} parameter sets (Latin hypercube) x about "
                f"{self.runs // self.parameter_sets:,} runs each")

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain JSON-ready data (the ``--format json`` output)."""
        def clean(values: Any) -> list[float]:
            return [round(float(v), 6) for v in values]

        def number(value: Any) -> float | None:  # undefined (NaN) as None, as JSON has it
            return None if np.isnan(value) else round(float(value), 6)

        def uncertainty(row: Any) -> dict[str, Any]:
            return {"parameter_range_q05_q95": [number(row.set_q05), number(row.set_q95)],
                    "variance_share": {"parameters": number(row.share_parameters),
                                       "chance": number(row.share_chance)}}

        stats = self.milestone_stats
        return {
            "scenario": self.scenario,
            "runs": self.runs,
            "seed": self.seed,
            "start_date": self.start_date.isoformat(),
            "horizon_weeks": self.horizon_weeks,
            "parameter_sets": self.parameter_sets,
            "runs_per_parameter_set": (self.runs // self.parameter_sets
                                       if self.parameter_sets else None),
            "intervals": dict(INTERVALS),
            "outcomes": {
                name: {"probability": round(float(row.probability), 6),
                       "ci95": clean([row.ci95_low, row.ci95_high]),
                       **(uncertainty(row) if len(stats) else {})}
                for name, row in self.outcomes.iterrows()
            },
            "milestones": {
                name: {"cdf": clean(self.milestones[name]),
                       "median_week": self.median_weeks[name],
                       **({"median_week_reason": stats.median_reason[name],
                           "reached_by_horizon": round(float(stats.probability[name]), 6),
                           "ci95": clean([stats.ci95_low[name], stats.ci95_high[name]]),
                           **uncertainty(stats.loc[name])} if len(stats) else {})}
                for name in self.milestones.columns
            },
            "losses": {
                "unit": "USD billion, cumulative by the horizon",
                "week": self.horizon_weeks,
                "interval": "q05-q95: 5th to 95th percentile across replications",
                **{level: {name: {"actor": row.actor,
                                  **{c: round(float(row[c]), 6)
                                     for c in ("mean", "q05", "q50", "q95")}}
                           for name, row in self.losses.iterrows() if row.level == kind}
                   for level, kind in (("sectors", "sector"), ("countries", "country"))},
            },
            "series": {
                name: {"mean": clean(frame["mean"]),
                       **{quantile_column(q): clean(frame[quantile_column(q)])
                          for q in (0.05, 0.5, 0.95)}}
                for name, frame in self.series.items()
            },
        }

    def table(self) -> str:
        """Plain-text summary: outcome probabilities and median milestone weeks.

        Each probability has two intervals: its 95% Monte Carlo interval and
        the 5-95% range across parameter sets, with the share of its variance
        due to the parameters.  A milestone's median week is printed only when
        it is reached within the horizon by clearly more than half of the runs
        (the lower end of its 95% Monte Carlo interval above 0.5); otherwise
        the line says "not reached by most runs".
        """
        def pair(low: float, high: float) -> str:
            return "n/a" if np.isnan(low) else f"[{low:.3f}, {high:.3f}]"

        def share(value: float) -> str:
            return "n/a" if np.isnan(value) else f"{value:.2f}"

        head = f"{'95% MC interval':<18}{'5-95% across parameter sets':<30}{'var. from params':>16}"
        lines = [
            f"{self.scenario}: {self.runs:,} runs, seed {self.seed}, "
            f"{self.horizon_weeks} weeks from {self.start_date.isoformat()}",
            self.nesting,
            "",
            f"{'outcome':<16}{'probability':>12}   {head}",
        ]
        for name, row in self.outcomes.iterrows():
            lines.append(f"{name:<16}{row.probability:>12.3f}   "
                         f"{pair(row.ci95_low, row.ci95_high):<18}"
                         f"{pair(row.set_q05, row.set_q95):<30}"
                         f"{share(row.share_parameters):>16}")
        stats = self.milestone_stats
        lines += ["", f"{'milestone':<18}{'by horizon':>10}   {head}"
                      f"{'median week':>13}{'date':>12}"]
        for name in self.milestones.columns:
            week = self.median_weeks[name]
            row = stats.loc[name]
            if week is None:
                when = f"{'not reached by most runs':>25}"
            else:
                date = (self.start_date + dt.timedelta(weeks=week)).isoformat()
                when = f"{week:>13}{date:>12}"
            lines.append(f"{name:<18}{row.probability:>10.3f}   "
                         f"{pair(row.ci95_low, row.ci95_high):<18}"
                         f"{pair(row.set_q05, row.set_q95):<30}"
                         f"{share(row.share_parameters):>16}{when}")
        lines += ["", "95% MC interval: Monte Carlo error of the pooled probability (more "
                      "runs narrow it)",
                  "5-95% across parameter sets: spread of the probability over the parameter "
                  "sets (more runs do not)",
                  "var. from params: share of the outcome's variance due to the parameters; "
                  "the rest is chance"]
        if len(self.losses):
            lines += ["", f"value added lost by week {self.horizon_weeks}, USD bn "
                          "(mean, median, 5-95% of runs)",
                      f"{'':<18}{'mean':>9}{'median':>9}{'5%':>9}{'95%':>9}"]
            for name, row in self.losses.iterrows():
                label = name if row.level == "sector" else f"{name} (all)"
                lines.append(f"{label:<18}{row['mean']:>9.2f}{row.q50:>9.2f}"
                             f"{row.q05:>9.2f}{row.q95:>9.2f}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()

    def _repr_html_(self) -> str:
        from .display import summary_html

        return summary_html(self)


class TrajectorySampleWarning(UserWarning):
    """Per-replication output covers the kept trajectories only, not every replication."""


class Results:
    """Everything an ensemble produced, with tidy views and a summary.

    Build one with :func:`tradesim.run`; load a saved one with
    :func:`tradesim.store.load_results`.

    Attributes
    ----------
    scenario : Scenario
    runs : int
        Number of replications.
    seed : int
        Master seed (entropy of the master SeedSequence).
    series_names : list of str
        Ids of the weekly series: ``<actor>.<instrument>`` (restriction
        level), ``perceived.<actor>.<instrument>``, ``supply.<good>``
        (supply-flow index, 1.0 = 2024 average), ``halted.<sector>`` (share
        of firms halted) and ``pressure.<actor>``.
    parameter_sets : int
        Parameter sets of a nested run (0: not nested); replication ``i``
        belongs to set ``i % parameter_sets`` (see :mod:`tradesim.nesting`).
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        series_names: list[str],
        outcome: np.ndarray,
        milestones: dict[str, np.ndarray],
        breakdowns: np.ndarray,
        truces: np.ndarray,
        parameters: dict[str, np.ndarray],
        histogram: np.ndarray,
        sums: np.ndarray,
        phase_counts: np.ndarray,
        action_counts: np.ndarray,
        trajectories: dict[str, np.ndarray] | None,
        parameter_sets: int = 0,
    ) -> None:
        self.scenario = scenario
        self.seed = int(seed)
        self.series_names = list(series_names)
        self.outcome = outcome
        self.milestone_weeks = milestones
        self.breakdowns = breakdowns
        self.truces = truces
        self.parameters = parameters
        self.histogram = histogram
        self.sums = sums
        self.phase_counts = phase_counts
        self.action_counts = action_counts
        self.trajectories = trajectories
        self.runs = int(outcome.shape[0])
        self.parameter_sets = int(parameter_sets)
        self._summary: Summary | None = None
        self._bounds: np.ndarray | None = None

    @property
    def series_bounds(self) -> np.ndarray:
        """Upper end of each series' histogram (see ``TradeModel.series_bounds_for``)."""
        if self._bounds is None:
            from .model import TradeModel

            bounds = dict(zip(TradeModel.series_names_for(self.scenario),
                              TradeModel.series_bounds_for(self.scenario), strict=True))
            self._bounds = np.array([bounds.get(n, 1.0) for n in self.series_names])
        return self._bounds

    # -- basic facts --------------------------------------------------------------------

    @property
    def horizon_weeks(self) -> int:
        """Weeks simulated."""
        return self.scenario.horizon_weeks

    @property
    def dates(self) -> pd.DatetimeIndex:
        """Calendar date of each week 0..horizon."""
        return pd.date_range(self.scenario.start_date, periods=self.horizon_weeks + 1, freq="7D")

    @property
    def kept_replications(self) -> int:
        """How many replications have full trajectories (the first ones)."""
        return 0 if self.trajectories is None else self.trajectories["series"].shape[2]

    def __repr__(self) -> str:
        return (f"<Results {self.scenario.name!r}: {self.runs:,} runs x {self.horizon_weeks} "
                f"weeks, seed {self.seed}, trajectories for {self.kept_replications:,}>")

    # -- statistics ---------------------------------------------------------------------

    @property
    def parameter_set(self) -> np.ndarray | None:
        """Each replication's parameter set (``i % parameter_sets``); None when not nested."""
        if not self.parameter_sets:
            return None
        return np.arange(self.runs) % self.parameter_sets

    def summary(self) -> Summary:
        """Outcome probabilities with both kinds of interval, milestones, series bands.

        Every outcome and milestone has its pooled probability, its 95% Monte
        Carlo interval, its 5-95% range across parameter sets and the share of
        its variance due to the parameters (:func:`tradesim.nesting.decompose`).
        """
        if self._summary is None:
            self._summary = self._compute_summary()
        return self._summary

    def _compute_summary(self) -> Summary:
        n = self.runs
        sets, uncertain = self.parameter_sets, is_uncertain(self.scenario)
        counts = np.bincount(self.outcome, minlength=len(OUTCOMES))
        outcomes = _stats_frame([decompose(self.outcome == k, sets, uncertain)
                                 for k in range(len(OUTCOMES))],
                                pd.Index(OUTCOMES, name="outcome"))
        outcomes.insert(3, "count", counts)
        curves = {name: self.milestone_curve(name) for name in MILESTONES}
        milestones = pd.DataFrame(curves, index=pd.RangeIndex(self.horizon_weeks + 1,
                                                              name="week"))
        stats = _stats_frame([decompose(self.milestone_weeks[name] >= 0, sets, uncertain)
                              for name in MILESTONES], pd.Index(MILESTONES, name="milestone"))
        median_weeks, reasons = {}, {}
        for name, cdf in curves.items():
            median_weeks[name], reasons[name] = _median_week(
                cdf, stats.loc[name], self.horizon_weeks)
        stats["median_reason"] = pd.Series(reasons, dtype=object)
        series = {name: self.series_frame(name) for name in self.series_names}
        return Summary(self.scenario.name, n, self.seed, self.scenario.start_date,
                       self.horizon_weeks, outcomes, milestones, median_weeks, series,
                       self._losses(series), stats, sets, uncertain)

    def _losses(self, series: dict[str, pd.DataFrame]) -> pd.DataFrame:
        """Cumulative losses at the horizon by sector and by country (see :class:`Summary`)."""
        rows = []
        actors = {c.id: c.actor for c in self.scenario.economy.sectors}
        for kind, level in (("loss", "sector"), ("country_loss", "country")):
            for key in series_keys(self.series_names, kind):
                last = series[series_name(kind, key)].iloc[-1]
                rows.append({"name": key, "level": level,
                             "actor": actors.get(key, key),
                             **{c: float(last[c]) for c in ("mean", "q05", "q50", "q95")}})
        if not rows:
            return pd.DataFrame(columns=["level", "actor", "mean", "q05", "q50", "q95"])
        return pd.DataFrame(rows).set_index("name")

    def milestone_curve(self, name: str) -> np.ndarray:
        """P(milestone reached by week w), w = 0..horizon (censored at the horizon)."""
        weeks = self.milestone_weeks[name]
        hits = np.bincount(weeks[weeks >= 0], minlength=self.horizon_weeks + 1)
        return np.cumsum(hits) / self.runs

    def series_frame(self, name: str, quantiles: tuple[float, ...] = QUANTILES) -> pd.DataFrame:
        """Mean and quantiles of one series by week, over all replications."""
        k = self.series_names.index(name)
        cumulative = np.cumsum(self.histogram[k], axis=1)
        bound = self.series_bounds[k]
        grid = np.linspace(0.0, bound, BINS)
        columns = {"mean": self.sums[k] / fixed_point(bound) / self.runs}
        for q in quantiles:
            # Smallest grid value whose cumulative share reaches q (inverted CDF).
            threshold = np.ceil(q * self.runs - 1e-9)
            index = (cumulative < threshold).sum(axis=1)
            columns[quantile_column(q)] = grid[np.minimum(index, BINS - 1)]
        frame = pd.DataFrame(columns, index=pd.RangeIndex(self.horizon_weeks + 1, name="week"))
        frame.insert(0, "date", self.dates)
        return frame

    def phase_shares(self) -> pd.DataFrame:
        """Share of replications in each phase, by week."""
        return pd.DataFrame(self.phase_counts / self.runs, columns=list(PHASES),
                            index=pd.RangeIndex(self.horizon_weeks + 1, name="week"))

    def action_shares(self) -> pd.DataFrame:
        """Share of replications retaliating, holding and easing, by actor and week."""
        frames = []
        for k, actor in enumerate(self.scenario.actor_ids):
            f = pd.DataFrame(self.action_counts[k] / self.runs,
                             columns=["retaliate", "hold", "ease"])
            f.insert(0, "actor", actor)
            f.insert(0, "week", np.arange(self.horizon_weeks + 1))
            frames.append(f)
        return pd.concat(frames, ignore_index=True)

    # -- tidy views -----------------------------------------------------------------------

    def replications(self) -> pd.DataFrame:
        """One row per replication: outcome, milestone weeks, counts, sampled parameters.

        Milestone weeks are nullable integers (``<NA>`` = not reached).
        """
        frame = pd.DataFrame({"replication": np.arange(self.runs)})
        frame["outcome"] = pd.Categorical.from_codes(self.outcome, categories=list(OUTCOMES))
        for name in MILESTONES:
            weeks = self.milestone_weeks[name]
            frame[f"{name}_week"] = pd.array(np.where(weeks >= 0, weeks, 0), dtype="Int16")
            frame.loc[weeks < 0, f"{name}_week"] = pd.NA
        frame["breakdowns"] = self.breakdowns
        frame["truces"] = self.truces
        for name, values in self.parameters.items():
            frame[name] = values
        return frame.set_index("replication")

    def weekly(self) -> pd.DataFrame:
        """One row per (replication, week) for the replications with trajectories.

        Columns: date, phase, each actor's action, and every series.  Runs of
        up to 10,000 replications keep every trajectory; larger runs keep the
        first 1,000 (pass ``keep_trajectories=N`` to :func:`tradesim.run` for
        more), and then this table covers only those, with a
        :class:`TrajectorySampleWarning` saying so: the summary, histograms
        and quantiles always cover every replication.
        """
        if self.trajectories is None:
            raise ValueError("this run kept no trajectories; run with keep_trajectories=N")
        series = self.trajectories["series"]
        _, weeks, kept = series.shape
        if kept < self.runs:
            import warnings

            warnings.warn(f"weekly() covers the {kept:,} replications whose trajectories were "
                          f"kept, of {self.runs:,} run (runs above 10,000 keep the first "
                          "1,000; pass keep_trajectories=N to tradesim.run for more)",
                          TrajectorySampleWarning, stacklevel=2)
        index = pd.MultiIndex.from_product([range(kept), range(weeks)],
                                           names=["replication", "week"])
        data: dict[str, Any] = {
            "date": np.tile(self.dates.values, kept),
            "phase": pd.Categorical.from_codes(self.trajectories["phase"].T.ravel(),
                                               categories=list(PHASES)),
        }
        for k, actor in enumerate(self.scenario.actor_ids):
            codes = self.trajectories["action"][k].T.ravel() + 1
            data[f"action.{actor}"] = pd.Categorical.from_codes(
                codes, categories=["retaliate", "hold", "ease"])
        for k, name in enumerate(self.series_names):
            data[name] = series[k].T.ravel()
        return pd.DataFrame(data, index=index)

    def to_xarray(self) -> xr.Dataset:
        """Everything as an xarray Dataset: the layout of ``results.nc`` too.

        Dimensions: ``replication``, ``week``, ``instrument``
        (``<actor>.<instrument>``), ``good``, ``sector``, ``actor``,
        ``outcome``, ``milestone``, ``stat``, ``phase``, ``series``, ``bin``,
        ``action``.  Trajectory variables (``level``, ``belief``,
        ``evidence``, ``supply``, ``halted``, ``pressure``, ``phase_code``, ``action_code``)
        cover the kept replications only (``kept_replication``).  The exact
        aggregates (``histogram``, ``sums``, ``phase_counts``,
        ``action_counts``) make the Dataset complete: :meth:`from_xarray`
        rebuilds these results from it, summary identical.
        """
        import xarray as xr

        s = self.summary()
        names = self.series_names
        groups = _series_groups(names)
        labels = {var: keys for var, _, keys, _ in groups}
        instruments, goods, sectors, actors = (
            labels[k] for k in ("level", "supply", "halted", "belief"))
        week = np.arange(self.horizon_weeks + 1)
        quantiles = list(QUANTILES)

        def band(kind: str, items: list[str]) -> np.ndarray:
            out = np.empty((len(items), len(week), len(quantiles) + 1))
            for i, item in enumerate(items):
                frame = s.series[series_name(kind, item)]
                out[i, :, 0] = frame["mean"]
                for j, q in enumerate(quantiles):
                    out[i, :, j + 1] = frame[quantile_column(q)]
            return out

        stat = ["mean", *(quantile_column(q) for q in quantiles)]
        data_vars: dict[str, Any] = {
            "outcome_code": (("replication",), self.outcome,
                             {"flag_values": list(range(len(OUTCOMES))),
                              "flag_meanings": " ".join(OUTCOMES)}),
            "breakdowns": (("replication",), self.breakdowns),
            "truces": (("replication",), self.truces),
            "outcome_probability": (("outcome",), s.outcomes["probability"].to_numpy()),
            "milestone_cdf": (("week", "milestone"), s.milestones.to_numpy()),
            "level_stats": (("instrument", "week", "stat"), band("level", instruments)),
            "belief_stats": (("actor", "week", "stat"), band("belief", actors)),
            "supply_stats": (("good", "week", "stat"), band("supply", goods)),
            "halted_stats": (("sector", "week", "stat"), band("halted", sectors)),
            **{f"{kind}_stats": (("good", "week", "stat"), band(kind, goods))
               for kind in ("available", "price") if series_keys(names, kind)},
            **{f"{kind}_stats": (("sector", "week", "stat"), band(kind, sectors))
               for kind in ("output", "loss") if series_keys(names, kind)},
            "phase_share": (("week", "phase"), self.phase_counts / self.runs),
        }
        for name in MILESTONES:
            data_vars[f"{name}_week"] = (("replication",), self.milestone_weeks[name])
        for name, values in self.parameters.items():
            data_vars[f"param:{name}"] = (("replication",), values)
        data_vars["histogram"] = (("series", "week", "bin"), self.histogram,
                                  {"long_name": "replications by week and bin of width "
                                                f"series_bound/{BINS - 1} (exact)"})
        data_vars["sums"] = (("series", "week"), self.sums,
                             {"long_name": "sum over replications in units of "
                                           "1/series_fixed_point (exact)"})
        data_vars["series_bound"] = (("series",), self.series_bounds)
        data_vars["series_fixed_point"] = (("series",), fixed_point(self.series_bounds))
        data_vars["phase_counts"] = (("week", "phase"), self.phase_counts)
        data_vars["action_counts"] = (("actor", "week", "action"), self.action_counts)
        if self.trajectories is not None:
            t = self.trajectories["series"]
            idx = {n: i for i, n in enumerate(names)}
            for var, dim, _, members in groups:
                data_vars[var] = ((dim, "week", "kept_replication"),
                                  t[[idx[n] for n in members]])
            data_vars["phase_code"] = (("week", "kept_replication"), self.trajectories["phase"],
                                       {"flag_values": list(range(len(PHASES))),
                                        "flag_meanings": " ".join(PHASES)})
            data_vars["action_code"] = (("actor", "week", "kept_replication"),
                                        self.trajectories["action"],
                                        {"flag_values": list(ACTION_NAMES),
                                         "flag_meanings": " ".join(ACTION_NAMES.values())})
        ds = xr.Dataset(
            data_vars,
            coords={
                "replication": np.arange(self.runs), "week": week,
                "date": ("week", self.dates.values), "instrument": instruments,
                "good": goods, "sector": sectors, "outcome": list(OUTCOMES),
                "milestone": list(MILESTONES), "stat": stat, "phase": list(PHASES),
                "actor": list(self.scenario.actor_ids), "series": names,
                "action": list(_ACTIONS),
            },
            attrs={"scenario": self.scenario.name, "runs": self.runs, "seed": str(self.seed),
                   "parameter_sets": self.parameter_sets,
                   "units": "levels and shares in [0, 1]; supply, available and price "
                            "indices, 1 = normal; losses in USD billion; weeks from "
                            "start_date",
                   "start_date": self.scenario.start_date.isoformat()},
        )
        from .cf import describe

        return describe(ds, self.scenario)  # CF units, long names, time coordinate, versions

    @classmethod
    def from_xarray(cls, ds: xr.Dataset, scenario: Scenario) -> Results:
        """Rebuild results from a Dataset made by :meth:`to_xarray` (e.g. ``results.nc``).

        Parameters
        ----------
        ds : xarray.Dataset
        scenario : Scenario
            The scenario that was run (validated; it is not stored in the Dataset).
        """
        names = [str(n) for n in ds["series"].values]
        trajectories = None
        if "phase_code" in ds:
            rows = {}
            for var, _, _, members in _series_groups(names):
                values = ds[var].values
                rows.update({n: values[i] for i, n in enumerate(members)})
            trajectories = {"series": np.stack([rows[n] for n in names]),
                            "phase": ds["phase_code"].values,
                            "action": ds["action_code"].values}
        return cls(
            scenario, int(ds.attrs["seed"]), names, outcome=ds["outcome_code"].values,
            milestones={m: ds[f"{m}_week"].values for m in MILESTONES},
            breakdowns=ds["breakdowns"].values, truces=ds["truces"].values,
            parameters={str(k).removeprefix("param:"): ds[k].values
                        for k in ds.data_vars if str(k).startswith("param:")
                        or ds[k].attrs.get("tradesim_role") == "parameter"},
            histogram=ds["histogram"].values, sums=ds["sums"].values,
            phase_counts=ds["phase_counts"].values, action_counts=ds["action_counts"].values,
            trajectories=trajectories, parameter_sets=int(ds.attrs.get("parameter_sets", 0)),
        )

    def _repr_html_(self) -> str:
        from .display import results_html

        return results_html(self)


def _stats_frame(rows: list[SetStatistics], index: pd.Index) -> pd.DataFrame:
    """Probabilities with both kinds of uncertainty, one row per outcome or milestone."""
    return pd.DataFrame([dataclasses.asdict(r) for r in rows], index=index)


def _median_week(cdf: np.ndarray, stats: Any, horizon: int) -> tuple[int | None, str | None]:
    """A milestone's median week and, when there is none, why.

    The median is the first week by which half the runs had reached the
    milestone; it is given only when the lower end of the 95% Monte Carlo
    interval of reaching it within the horizon is above 0.5, so that a
    probability near one half does not make it appear and vanish between runs.
    """
    if stats.ci95_low > 0.5:
        return int(np.flatnonzero(cdf >= 0.5)[0]), None
    return None, (f"not reached by most runs: reached by week {horizon} in "
                  f"{stats.probability:.3f} of runs, 95% Monte Carlo interval "
                  f"[{stats.ci95_low:.3f}, {stats.ci95_high:.3f}] not above 0.5")


#: Actions, in the order of ``action_counts`` (codes -1, 0, 1).
_ACTIONS = ("retaliate", "hold", "ease")


def _series_groups(names: list[str]) -> list[tuple[str, str, list[str], list[str]]]:
    """Each kind of weekly series: (variable, dimension, labels, series names).

    The Dataset stores trajectories by kind (``level`` by instrument, ...);
    this is the one map between the two.
    """
    dims = {"level": "instrument", "belief": "actor", "evidence": "actor", "supply": "good",
            "halted": "sector", "pressure": "actor", "available": "good", "price": "good",
            "output": "sector", "loss": "sector", "country_loss": "actor"}
    out = []
    for kind in SERIES_KINDS:
        keys = series_keys(names, kind)
        out.append((kind, dims[kind], keys, [series_name(kind, k) for k in keys]))
    return out
