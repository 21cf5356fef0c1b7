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
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .nesting import SetStatistics, decompose, is_uncertain
from .reduction import BINS, fixed_point
from .summary import QUANTILES, Summary, wilson_interval
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

class TrajectorySampleWarning(UserWarning):
    """Per-replication output covers the kept trajectories only, not every replication."""


def _histogram_quantiles(histogram: np.ndarray, bound: float, runs: int,
                        quantiles: tuple[float, ...]) -> list[np.ndarray]:
    """Each quantile of a series by week, from its exact weekly histograms.

    Parameters
    ----------
    histogram : ndarray, shape (weeks, BINS)
        Counts of the ``runs`` replications' values in each bin of ``[0, bound]``.
    bound : float
        The series' upper end (its top bin's value).
    runs : int
        Replications counted in each week.
    quantiles : tuple of float
        Shares in [0, 1].

    Returns
    -------
    list of ndarray, shape (weeks,)
        For each share q, the smallest grid value whose cumulative share reaches q
        (the inverted empirical CDF on the histogram's grid).
    """
    weeks, bins = histogram.shape
    grid = np.linspace(0.0, bound, bins)
    # Each week's cumulative counts run from 0 to ``runs``: lifted ``runs + 1`` apart,
    # week by week, they are one sorted array, searched once for every week.
    lift = (runs + 1) * np.arange(weeks, dtype=np.int64)
    flat = (np.cumsum(histogram, axis=1, dtype=np.int64) + lift[:, np.newaxis]).ravel()
    first = bins * np.arange(weeks, dtype=np.int64)
    out = []
    for q in quantiles:
        # An integer (no float copy of ``flat``), within the week's own stretch.
        threshold = min(max(int(np.ceil(q * runs - 1e-9)), 0), runs + 1)
        index = np.searchsorted(flat, threshold + lift, side="left") - first
        out.append(grid[np.minimum(index, bins - 1)])
    return out


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
        bound = self.series_bounds[k]
        columns = {"date": self.dates, "mean": self.sums[k] / fixed_point(bound) / self.runs}
        values = _histogram_quantiles(self.histogram[k], bound, self.runs, quantiles)
        columns.update(zip(map(quantile_column, quantiles), values, strict=True))
        return pd.DataFrame(columns, index=pd.RangeIndex(self.horizon_weeks + 1, name="week"))

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
                **({"tariff_instrument": labels["tariff"]} if "tariff" in labels else {}),
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
            "output": "sector", "loss": "sector", "country_loss": "actor",
            "tariff": "tariff_instrument", "opened": "actor"}
    out = []
    for kind in SERIES_KINDS:
        keys = series_keys(names, kind)
        if not keys and kind in ("tariff", "opened"):
            continue  # only scenarios with tariffs, or measures in reserve, record these
        out.append((kind, dims[kind], keys, [series_name(kind, k) for k in keys]))
    return out
