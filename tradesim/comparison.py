"""Paired comparison of two scenarios with common random numbers, and what differs.

:func:`compare` runs two scenarios with the same master seed, so replication
``i`` of each draws from the same random stream (common random numbers): the
two runs differ only by what the scenarios change, and the per-replication
differences have far less noise than two independent runs.

Intervals
---------
For every outcome and every milestone (reached by the horizon) the
per-replication difference ``d_i = [B_i] - [A_i]`` is -1, 0 or 1; the
difference in probabilities is its mean, with a **normal (Wald) interval on
the mean of the paired differences**, ``mean +- z * sd(d) / sqrt(n)``, whose
variance is McNemar's (it counts only the discordant pairs).  The exact
**McNemar test** p-value (two-sided binomial test on the discordant pairs)
is reported beside it.  For milestone weeks the difference is taken over the
replications in which both scenarios reach the milestone, with the same
normal interval on the mean; so are the numbers of breakdowns and truces.

:func:`scenario_diff` lists every parameter (numbers, distributions and
strategy names, by path) whose value differs, with the sources of both.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .results import Results
    from .scenario import Scenario

__all__ = ["Comparison", "compare", "paired_interval", "scenario_diff"]


def paired_interval(diff: Any, level: float = 0.95) -> tuple[float, float, float]:
    """Mean of paired differences with a normal interval.

    Parameters
    ----------
    diff : array_like
        Per-replication differences ``B_i - A_i``.
    level : float
        Confidence level.

    Returns
    -------
    (mean, low, high) : floats
        NaN for no differences; the interval is the mean for one.
    """
    import numpy as np
    from scipy import special

    d = np.asarray(diff, dtype=float)
    if d.size == 0:
        return math.nan, math.nan, math.nan
    mean = float(d.mean())
    if d.size == 1:
        return mean, mean, mean
    z = float(special.ndtri(0.5 + level / 2))
    half = z * float(d.std(ddof=1)) / math.sqrt(d.size)
    return mean, mean - half, mean + half


def _mcnemar(a: Any, b: Any) -> tuple[int, int, float]:
    """Discordant pairs (A only, B only) and the exact two-sided McNemar p-value."""
    import numpy as np
    from scipy import stats

    a_only = int(np.sum(a & ~b))
    b_only = int(np.sum(~a & b))
    n = a_only + b_only
    p = 1.0 if n == 0 else float(stats.binomtest(b_only, n, 0.5).pvalue)
    return a_only, b_only, p


@dataclasses.dataclass(frozen=True)
class Comparison:
    """Paired differences between two runs of the same seed (B minus A).

    Attributes
    ----------
    a, b : Results
        The two runs (same seed, same number of replications).
    level : float
        Confidence level of the intervals.
    differences : DataFrame
        One row per quantity: ``kind`` (outcome, milestone, milestone_week,
        count), ``name``, ``a``, ``b``, ``difference`` (B - A), ``low``,
        ``high`` (normal interval on the mean of paired differences), ``n``
        (pairs used), ``a_only`` and ``b_only`` (discordant pairs) and
        ``mcnemar_p`` (exact McNemar test) for binary quantities.
    """

    a: Results
    b: Results
    level: float
    differences: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (NaN as None)."""
        rows = []
        for row in self.differences.to_dict(orient="records"):
            rows.append({k: _plain(v) for k, v in row.items()})
        return {"a": self.a.scenario.name, "b": self.b.scenario.name, "runs": self.a.runs,
                "seed": str(self.a.seed), "level": self.level,
                "method": "common random numbers; normal interval on the mean of paired "
                          "differences; exact McNemar test for binary quantities",
                "differences": rows}

    def table(self) -> str:
        """Plain-text table of the differences."""
        pct = round(self.level * 100)
        lines = [f"{self.b.scenario.name} minus {self.a.scenario.name}: {self.a.runs:,} paired "
                 f"runs, seed {self.a.seed} (common random numbers)", "",
                 f"{'':<10}{'quantity':<22}{'A':>8}{'B':>8}{'B - A':>9}   {pct}% interval"
                 f"{'McNemar p':>12}"]
        for row in self.differences.itertuples():
            p = "" if math.isnan(row.mcnemar_p) else f"{row.mcnemar_p:>12.3g}"
            if math.isnan(row.difference):
                lines.append(f"{row.kind:<10}{row.name:<22}{'-':>8}{'-':>8}{'-':>9}   "
                             f"(no pairs)")
                continue
            digits = 3 if row.kind in ("outcome", "milestone") else 2
            lines.append(f"{row.kind:<10}{row.name:<22}{row.a:>8.{digits}f}{row.b:>8.{digits}f}"
                         f"{row.difference:>+9.{digits}f}   [{row.low:+.{digits}f}, "
                         f"{row.high:+.{digits}f}]{p}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()

    def _repr_html_(self) -> str:
        import html

        return (f"<p><b>{html.escape(self.b.scenario.name)} minus "
                f"{html.escape(self.a.scenario.name)}</b>: {self.a.runs:,} paired runs, seed "
                f"{self.a.seed} (common random numbers)</p>"
                + self.differences.to_html(index=False, float_format=lambda v: f"{v:.3f}",
                                           na_rep="-"))


def _plain(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    return value


def compare(a: Scenario | Results, b: Scenario | Results, runs: int = 1000,
            seed: int | None = None, *, level: float = 0.95, **run_options: Any) -> Comparison:
    """Run two scenarios with common random numbers; paired differences B - A.

    Parameters
    ----------
    a, b : Scenario or Results
        The scenarios (run here), or finished runs of the same seed and size.
    runs : int
        Replications of each.
    seed : int or None
        Master seed shared by both (``None``: fresh entropy, recorded).
    level : float
        Confidence level of the intervals.
    **run_options
        Passed to :func:`tradesim.run` (``workers``, ``executor``, ...).

    Returns
    -------
    Comparison

    Raises
    ------
    ValueError
        If given results differ in seed or size, or the horizons differ.

    Examples
    --------
    >>> import tradesim
    >>> base = tradesim.load_scenario("scenarios/london-2025.yaml")
    >>> c = tradesim.compare(base, base, runs=50, seed=1)
    >>> float(c.differences["difference"].abs().max())
    0.0
    """
    import numpy as np
    import pandas as pd

    from .ensemble import run
    from .results import Results
    from .streams import master_seed_sequence
    from .vocab import MILESTONES, OUTCOMES

    if not isinstance(a, Results) or not isinstance(b, Results):
        entropy = master_seed_sequence(seed).entropy if seed is None else seed
        if not isinstance(a, Results):
            a = run(a, runs=runs, seed=entropy, keep_trajectories=0, **run_options)
        if not isinstance(b, Results):
            b = run(b, runs=runs, seed=entropy, keep_trajectories=0, **run_options)
    if a.seed != b.seed or a.runs != b.runs:
        raise ValueError(f"paired comparison needs the same seed and runs, got seed {a.seed} "
                         f"x {a.runs:,} runs and seed {b.seed} x {b.runs:,} runs")
    if a.horizon_weeks != b.horizon_weeks:
        raise ValueError(f"the scenarios have different horizons ({a.horizon_weeks} and "
                         f"{b.horizon_weeks} weeks): milestones would not be comparable")
    rows: list[dict[str, Any]] = []

    def binary(kind: str, name: str, x: np.ndarray, y: np.ndarray) -> None:
        mean, low, high = paired_interval(y.astype(float) - x.astype(float), level)
        a_only, b_only, p = _mcnemar(x, y)
        rows.append({"kind": kind, "name": name, "a": float(x.mean()), "b": float(y.mean()),
                     "difference": mean, "low": low, "high": high, "n": x.size,
                     "a_only": a_only, "b_only": b_only, "mcnemar_p": p})

    def numeric(kind: str, name: str, x: np.ndarray, y: np.ndarray) -> None:
        mean, low, high = paired_interval(y.astype(float) - x.astype(float), level)
        rows.append({"kind": kind, "name": name,
                     "a": float(x.mean()) if x.size else math.nan,
                     "b": float(y.mean()) if y.size else math.nan,
                     "difference": mean, "low": low, "high": high, "n": x.size,
                     "a_only": pd.NA, "b_only": pd.NA, "mcnemar_p": math.nan})

    for code, name in enumerate(OUTCOMES):
        binary("outcome", name, a.outcome == code, b.outcome == code)
    for name in MILESTONES:
        wa, wb = a.milestone_weeks[name], b.milestone_weeks[name]
        binary("milestone", name, wa >= 0, wb >= 0)
    for name in MILESTONES:
        wa, wb = a.milestone_weeks[name], b.milestone_weeks[name]
        both = (wa >= 0) & (wb >= 0)
        numeric("week", name, wa[both], wb[both])
    numeric("count", "breakdowns", a.breakdowns, b.breakdowns)
    numeric("count", "truces", a.truces, b.truces)
    frame = pd.DataFrame(rows)
    frame["a_only"] = frame["a_only"].astype("Int64")
    frame["b_only"] = frame["b_only"].astype("Int64")
    return Comparison(a, b, level, frame)


def _values(scenario: Scenario) -> dict[str, Any]:
    """Every parameter of a scenario by path: numbers, distributions, strategy names."""
    from .paths import walk

    out: dict[str, Any] = {}
    for path, value in walk(scenario):
        out[path] = value.describe() if hasattr(value, "describe") else value
    for actor_id, actor in _actors(scenario):
        out[f"actors.{actor_id}.strategy.name"] = actor.strategy.name
    out["horizon_weeks"] = scenario.horizon_weeks
    out["start_date"] = scenario.start_date.isoformat()
    return out


def _actors(scenario: Scenario) -> list[tuple[str, Any]]:
    actors = scenario.actors
    return list(actors.items()) if isinstance(actors, dict) else [(a.id, a) for a in actors]


def scenario_diff(a: Scenario, b: Scenario) -> pd.DataFrame:
    """Every parameter whose value differs between two scenarios, with its sources.

    Parameters
    ----------
    a, b : Scenario

    Returns
    -------
    DataFrame
        One row per differing path (in file order): ``path``, ``a``, ``b``
        (values: numbers, distributions as ``triangular(4, 9, 16)``, strategy
        names; ``None`` where a scenario lacks the parameter), ``source_a``,
        ``source_b`` (fact ids of the object holding the parameter).

    Examples
    --------
    >>> import tradesim
    >>> s = tradesim.load_scenario("scenarios/london-2025.yaml")
    >>> len(tradesim.scenario_diff(s, s))
    0
    """
    import pandas as pd

    from .paths import owner_sources

    va, vb = _values(a), _values(b)
    rows = []
    for path in [*va, *(p for p in vb if p not in va)]:
        x, y = va.get(path), vb.get(path)
        if x == y:
            continue
        rows.append({"path": path, "a": x, "b": y,
                     "source_a": ", ".join(_sources(owner_sources, a, path)),
                     "source_b": ", ".join(_sources(owner_sources, b, path))})
    return pd.DataFrame(rows, columns=["path", "a", "b", "source_a", "source_b"])


def _sources(owner_sources: Any, scenario: Scenario, path: str) -> tuple[str, ...]:
    try:
        return tuple(owner_sources(scenario, path))
    except (KeyError, ValueError, AttributeError, TypeError):
        return ()
