"""The summary of a run: outcome probabilities, milestones and series bands, and their intervals.

:class:`Summary` is what :meth:`tradesim.results.Results.summary` returns
and what ``tradesim run`` prints (``table``) and writes (``to_dict``, the
JSON output).  Every interval it carries says what it is (``INTERVALS``):
the Monte Carlo error of the pooled probability, or the spread across the
parameter sets of a nested run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .vocab import (
    quantile_column,
)

if TYPE_CHECKING:  # pragma: no cover

    pass

__all__ = ["INTERVALS", "QUANTILES", "UNCERTAINTY_COLUMNS", "Summary", "wilson_interval"]

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
    # scipy.special, not scipy.stats: the same ndtri (bit for bit) without importing
    # scipy.stats (about 0.4 s), which a run then needs only if its scenario draws from
    # a distribution that uses it (London's triangular and beta parameters do).
    from scipy import special

    z = special.ndtri(0.5 + level / 2)
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
        width = max(18, *(len(str(name)) + 2 for name in self.milestones.columns))
        lines += ["", f"{'milestone':<{width}}{'by horizon':>10}   {head}"
                      f"{'median week':>13}{'date':>12}"]
        for name in self.milestones.columns:
            week = self.median_weeks[name]
            row = stats.loc[name]
            if week is None:
                when = f"{'not reached by most runs':>25}"
            else:
                date = (self.start_date + dt.timedelta(weeks=week)).isoformat()
                when = f"{week:>13}{date:>12}"
            lines.append(f"{name:<{width}}{row.probability:>10.3f}   "
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
