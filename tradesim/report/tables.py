"""The report's data: the fact index, parameter sources, tables and summary lines.

Everything here is plain data (dicts, DataFrames, strings) that the HTML
(:mod:`tradesim.report.html`) and the PDF (:mod:`tradesim.report.pdf`) lay
out: the assumptions, outcome and milestone tables, and the title, run line
and key findings that open both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import plots
from ..distributions import is_distribution
from ..paths import owner_sources
from ..vocab import MILESTONES, OUTCOMES

if TYPE_CHECKING:  # pragma: no cover
    from ..results import Results
    from ..scenario import Scenario

__all__ = [
    "SENSITIVITY_COLUMNS",
    "TABLE_FORMATS",
    "assumptions_data",
    "assumptions_table",
    "export_tables",
    "fact_statements",
    "key_findings",
    "loss_data",
    "loss_table",
    "milestone_data",
    "milestone_table",
    "outcome_data",
    "outcome_table",
    "parameter_sources",
    "report_title",
    "run_line",
    "sensitivity_table",
]

#: Milestones listed in the report's milestone table.
_TABLE_MILESTONES = tuple(m for m in MILESTONES if not m.endswith(("_2", "_3")))
#: Milestones of a decision calendar (a time-limited tariff cut), and of measures in reserve.
_CALENDAR_MILESTONES = ("extended", "replaced", "lapsed")
_RESERVE_MILESTONES = ("escalation_via_new_measure",)


def _has_reserves(scenario: Scenario) -> bool:
    return any(i.reserve is not None for actor in scenario.actors.values()
               for i in actor.instruments)


def _table_milestones(many: Sequence[Results]) -> tuple[str, ...]:
    """The milestones the tables list: those some scenario of ``many`` can reach.

    The calendar's milestones (extended, replaced, lapsed) need a decision
    calendar, a breakdown through a new measure needs a measure held in
    reserve; a scenario with neither lists the milestones it always did.
    """
    skip: set[str] = set()
    if not any(r.scenario.calendar for r in many):
        skip.update(_CALENDAR_MILESTONES)
    if not any(_has_reserves(r.scenario) for r in many):
        skip.update(_RESERVE_MILESTONES)
    return tuple(m for m in _TABLE_MILESTONES if m not in skip)


def fact_statements(facts: Any) -> dict[str, dict[str, str]]:
    """Index a fact sheet by fact id.

    Parameters
    ----------
    facts : mapping, list or None
        The data of ``seeds/facts.yaml`` (a mapping with a ``facts`` list of
        entries with ``id``, ``statement``, ``source`` and ``date``), or the
        list itself.  None gives an empty index.

    Returns
    -------
    dict
        Fact id -> ``{"statement", "source", "date"}`` (strings, possibly empty).
    """
    if facts is None:
        return {}
    entries = facts.get("facts", []) if isinstance(facts, Mapping) else facts
    index = {}
    for entry in entries or []:
        if isinstance(entry, Mapping) and "id" in entry:
            index[str(entry["id"])] = {
                "statement": " ".join(str(entry.get("statement", "")).split()),
                "source": str(entry.get("source", "")),
                "date": str(entry.get("date", "")),
            }
    return index


def parameter_sources(scenario: Scenario) -> dict[str, tuple[str, ...]]:
    """The source fact ids of every numeric parameter, by dotted path.

    A parameter's sources are those of the scenario object that holds it
    (its instrument, approval, monitoring, good, sector, strategy...), as
    the ``source`` field of that object in the scenario file gives them.

    Parameters
    ----------
    scenario : Scenario

    Returns
    -------
    dict
        Path (as in :meth:`Scenario.parameter_paths`) -> fact ids (may be empty).
    """
    return {path: owner_sources(scenario, path) for path in scenario.parameter_paths()}


def _describe(value: Any) -> str:
    if hasattr(value, "describe"):
        return str(value.describe())
    return f"{value:g}"


def assumptions_table(scenario: Scenario, facts: Any = None) -> pd.DataFrame:
    """Every numeric parameter of a scenario with its value and its sources.

    Parameters
    ----------
    scenario : Scenario
    facts : mapping, optional
        The fact sheet's data (see :func:`fact_statements`); adds each source's
        statement.

    Returns
    -------
    DataFrame
        One row per parameter path: ``value`` (a number or a distribution
        such as ``triangular(6, 9, 14)``), ``uncertain`` (drawn per run),
        ``sources`` (fact ids, ``assumption`` for a modelling judgement) and
        ``statements`` (the facts' statements, when ``facts`` is given).
    """
    index = fact_statements(facts)
    sources = parameter_sources(scenario)
    rows = []
    for path, value in scenario.parameter_paths().items():
        ids = sources[path]
        rows.append({
            "parameter": path,
            "value": _describe(value),
            "uncertain": is_distribution(value),
            "sources": ", ".join(ids),
            "statements": " | ".join(index[i]["statement"] for i in ids if i in index),
        })
    return pd.DataFrame(rows).set_index("parameter")


def outcome_table(results: Results | Sequence[Results]) -> pd.DataFrame:
    """Outcome probabilities at the horizon with Wilson 95% intervals, per scenario.

    Returns
    -------
    DataFrame
        Index: outcome label; one column per scenario, cells like
        ``"46.2% [41.9, 50.6]"`` (percent of runs).
    """
    many = _as_list(results)
    columns = {}
    for r, name in zip(many, _names(many), strict=True):
        table = r.summary().outcomes
        columns[name] = [
            f"{row.probability:.1%} [{100 * row.ci95_low:.1f}, {100 * row.ci95_high:.1f}]"
            for row in table.loc[list(OUTCOMES)].itertuples()
        ]
    return pd.DataFrame(columns, index=pd.Index([plots.OUTCOME_LABELS[o] for o in OUTCOMES],
                                                name="outcome at the horizon"))


def milestone_table(results: Results | Sequence[Results]) -> pd.DataFrame:
    """Share of runs reaching each milestone, and the median date, per scenario.

    Returns
    -------
    DataFrame
        Index: milestone label; for each scenario a column ``"<name>: reached"``
        (percent of runs by the horizon) and ``"<name>: median date"`` (the
        date by which half the runs reached it; ``-`` when fewer than half did).
        The milestones of a time-limited tariff cut are listed only when some
        scenario has a decision calendar, a breakdown through a new measure
        only when some scenario holds measures in reserve.
    """
    many = _as_list(results)
    listed = _table_milestones(many)
    data: dict[str, list[str]] = {}
    for r, name in zip(many, _names(many), strict=True):
        summary = r.summary()
        reached, median = [], []
        for milestone in listed:
            reached.append(f"{summary.milestones[milestone].iloc[-1]:.1%}")
            week = summary.median_weeks[milestone]
            median.append("-" if week is None else
                          f"{(r.dates[week]).date().isoformat()} (week {week})")
        data[f"{name}: reached"] = reached
        data[f"{name}: median date"] = median
    return pd.DataFrame(data, index=pd.Index([plots.MILESTONE_LABELS[m] for m in listed],
                                             name="milestone"))


def _loss_rows(r: Results) -> list[tuple[str, str, Any]]:
    """(kind, label, summary row) per sector, then per country, of a run's losses."""
    losses = r.summary().losses
    actors = r.scenario.actors
    rows = []
    for name, row in losses.iterrows():
        if row.level == "sector":
            label = (f"{plots.style.title_words(str(name))} "
                     f"({plots.style.short_actor_name(actors[row.actor].name)})")
        else:
            label = f"All modelled sectors in {plots.style.short_actor_name(actors[name].name)}"
        rows.append((str(row.level), label, row))
    return rows


def loss_table(results: Results | Sequence[Results]) -> pd.DataFrame:
    """Cumulative value added lost to short inputs by the horizon, per scenario.

    Returns
    -------
    DataFrame
        Index: sector (country) or country total; one column per scenario,
        cells like ``"12.7 (0.0-38.4)"``: the mean over runs, USD billion,
        with the 5-95% range across runs (90% of runs lie within it; a
        spread, not an interval of the mean).  Empty when the scenario
        models no sectors.
    """
    many = _as_list(results)
    columns: dict[str, list[str]] = {}
    labels: list[str] = []
    for r, name in zip(many, _names(many), strict=True):
        rows = _loss_rows(r)
        labels = labels or [label for _, label, _ in rows]
        columns[name] = [f"{row['mean']:.1f} ({row.q05:.1f}-{row.q95:.1f})"
                         for _, _, row in rows]
    return pd.DataFrame(columns, index=pd.Index(labels, name="value added lost (USD bn)"))


def loss_data(results: Results | Sequence[Results]) -> pd.DataFrame:
    """The loss table as numbers: one row per scenario and sector or country.

    Returns
    -------
    DataFrame
        Columns ``scenario``, ``level`` (``sector`` or ``country``), ``id``,
        ``actor``, ``label``, ``mean``, ``q05``, ``q50``, ``q95`` (USD billion
        of value added lost by the horizon; the quantiles are across runs).
    """
    many = _as_list(results)
    parts = []
    for r, name in zip(many, _names(many), strict=True):
        losses = r.summary().losses
        rows = _loss_rows(r)
        parts.append(pd.DataFrame({
            "scenario": name, "level": losses["level"].astype(str).to_numpy(),
            "id": [str(i) for i in losses.index],
            "actor": losses["actor"].astype(str).to_numpy(),
            "label": [label for _, label, _ in rows],
            **{c: losses[c].astype(float).to_numpy() for c in ("mean", "q05", "q50", "q95")}}))
    return pd.concat(parts, ignore_index=True)


def _names(many: Sequence[Results]) -> list[str]:
    """Scenario names, numbered where the same name comes twice."""
    names: list[str] = []
    for r in many:
        name, k = r.scenario.name, 2
        while name in names:
            name, k = f"{r.scenario.name} ({k})", k + 1
        names.append(name)
    return names


def _as_list(results: Any) -> list[Results]:
    if isinstance(results, Sequence):
        return list(results)
    return [results]


# ------------------------------------------------------------------- summary lines


def report_title(results: Results) -> str:
    """The report's title: ``"tradesim report: <scenario name>"``."""
    return f"tradesim report: {results.scenario.name}"


def run_line(results: Results) -> str:
    """One line on how ``results`` were made: runs, seed, dates and tradesim's version.

    Parameters
    ----------
    results : Results

    Returns
    -------
    str
        Such as ``"300 runs, seed 1, 104 weeks from 2025-06-11 to 2027-06-09;
        tradesim 0.1.0"``; the version always comes last, after ``"tradesim "``.
    """
    import tradesim

    s = results.scenario
    end = results.dates[-1].date().isoformat()
    return (f"{results.runs:,} runs, seed {results.seed}, {s.horizon_weeks} weeks from "
            f"{s.start_date.isoformat()} to {end}; tradesim {tradesim.__version__}")


def key_findings(results: Results) -> list[str]:
    """The key results of a scenario in plain sentences, as the report lists them.

    Parameters
    ----------
    results : Results

    Returns
    -------
    list of str
        First the outcome shares at the horizon, then, for approval,
        implementation, the first escalation and the first breakdown, the
        share of runs reaching it and the date by which half did.
    """
    summary = results.summary()
    p = summary.outcomes["probability"]
    lines = [
        f"The framework is holding at the horizon in {p['holding']:.0%} of runs, in a renewed "
        f"truce after a breakdown in {p['renewed_truce']:.0%}, in breakdown in "
        f"{p['breakdown']:.0%} and rejected in {p['rejected']:.0%}; "
        f"{p['pending']:.0%} are still awaiting approval.",
    ]
    for name in ("approved", "implemented", "first_escalation", "breakdown_1"):
        week = summary.median_weeks[name]
        reached = summary.milestones[name].iloc[-1]
        label = plots.MILESTONE_LABELS[name]
        if week is None:
            lines.append(f"{label}: reached in {reached:.0%} of runs by the horizon "
                         "(fewer than half, so no median date).")
        else:
            lines.append(f"{label}: reached in {reached:.0%} of runs by the horizon; half of "
                         f"the runs by {results.dates[week].date().isoformat()} (week {week}).")
    return lines


# ------------------------------------------------------------ numeric tables, exported

#: The formats :func:`export_tables` writes, by name.
TABLE_FORMATS = ("csv", "tex", "xlsx")

#: Columns of a sensitivity table (see :func:`sensitivity_table`).
SENSITIVITY_COLUMNS = ("parameter", "S1", "S1_lo", "S1_hi", "ST", "ST_lo", "ST_hi")


def _interval_columns(frame: pd.DataFrame) -> dict[str, Any]:
    return {column: frame[column].astype(float).to_numpy()
            for column in ("ci95_low", "ci95_high", "set_q05", "set_q95", "share_parameters")
            if column in frame}


def outcome_data(results: Results | Sequence[Results]) -> pd.DataFrame:
    """The outcome table as numbers: one row per scenario and outcome.

    Parameters
    ----------
    results : Results or sequence of Results

    Returns
    -------
    DataFrame
        Columns ``scenario``, ``outcome`` (id), ``label``, ``probability``,
        ``ci95_low``, ``ci95_high`` (95% Monte Carlo interval), ``set_q05``,
        ``set_q95`` (5-95% range across parameter sets; NaN when the run was
        not nested), ``share_parameters`` and ``runs``; probabilities are
        shares (0 to 1), not formatted strings.
    """
    many = _as_list(results)
    parts = []
    for r, name in zip(many, _names(many), strict=True):
        table = r.summary().outcomes.loc[list(OUTCOMES)]
        parts.append(pd.DataFrame({
            "scenario": name, "outcome": list(OUTCOMES),
            "label": [plots.OUTCOME_LABELS[o] for o in OUTCOMES],
            "probability": table["probability"].astype(float).to_numpy(),
            **_interval_columns(table), "runs": int(r.runs)}))
    return pd.concat(parts, ignore_index=True)


def milestone_data(results: Results | Sequence[Results]) -> pd.DataFrame:
    """The milestone table as numbers: one row per scenario and milestone.

    Returns
    -------
    DataFrame
        Columns ``scenario``, ``milestone`` (id), ``label``,
        ``reached_by_horizon`` (share of runs), the interval columns of
        :func:`outcome_data`, ``median_week`` (float, NaN when not reached by
        most runs) and ``median_date`` (ISO date or empty).  The milestones
        are those of :func:`milestone_table`.
    """
    many = _as_list(results)
    listed = _table_milestones(many)
    parts = []
    for r, name in zip(many, _names(many), strict=True):
        summary = r.summary()
        stats = summary.milestone_stats.loc[list(listed)]
        weeks = [summary.median_weeks[m] for m in listed]
        parts.append(pd.DataFrame({
            "scenario": name, "milestone": list(listed),
            "label": [plots.MILESTONE_LABELS[m] for m in listed],
            "reached_by_horizon": stats["probability"].astype(float).to_numpy(),
            **_interval_columns(stats),
            "median_week": [float("nan") if w is None else float(w) for w in weeks],
            "median_date": ["" if w is None else r.dates[w].date().isoformat()
                            for w in weeks]}))
    return pd.concat(parts, ignore_index=True)


def sensitivity_table(sensitivity: pd.DataFrame, scenario: Scenario | None = None
                      ) -> pd.DataFrame:
    """A sensitivity table checked, named in words and sorted by total-order index.

    Parameters
    ----------
    sensitivity : DataFrame
        Columns ``parameter`` (a parameter path), ``S1``, ``S1_lo``, ``S1_hi``,
        ``ST``, ``ST_lo``, ``ST_hi`` (Sobol first- and total-order indices
        with their intervals) and optionally ``outcome``.
    scenario : Scenario, optional
        Adds ``name``, the parameter in words with its unit.

    Returns
    -------
    DataFrame
        The same rows, numeric columns as floats, sorted by outcome and
        then by ``ST`` (largest first).

    Raises
    ------
    ValueError
        If a column is missing.
    """
    from .labels import parameter_label

    missing = [c for c in SENSITIVITY_COLUMNS if c not in sensitivity.columns]
    if missing:
        raise ValueError(f"a sensitivity table needs the columns {', '.join(missing)} "
                         f"(it has {', '.join(map(str, sensitivity.columns))})")
    frame = sensitivity.copy()
    if "outcome" not in frame:
        frame.insert(0, "outcome", "")
    frame["outcome"] = frame["outcome"].astype(str)
    frame["parameter"] = frame["parameter"].astype(str)
    for column in SENSITIVITY_COLUMNS[1:]:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    if scenario is not None:
        paths = scenario.parameter_paths()
        frame.insert(frame.columns.get_loc("parameter") + 1, "name",
                     [parameter_label(scenario, p) if p in paths else p
                      for p in frame["parameter"]])
    order = {o: i for i, o in enumerate(dict.fromkeys(frame["outcome"]))}
    frame["_order"] = frame["outcome"].map(order)
    frame = frame.sort_values(["_order", "ST"], ascending=[True, False], kind="stable")
    return frame.drop(columns="_order").reset_index(drop=True)


def assumptions_data(scenario: Scenario, facts: Any = None) -> pd.DataFrame:
    """The assumptions table with each parameter in words and its unit.

    Returns
    -------
    DataFrame
        :func:`assumptions_table` with the columns ``name`` (in words) and
        ``unit`` first, and the index (the path) as the column ``parameter``.
    """
    from .labels import parameter_name, parameter_unit

    table = assumptions_table(scenario, facts).reset_index()
    table.insert(1, "name", [parameter_name(scenario, p) for p in table["parameter"]])
    table.insert(2, "unit", [parameter_unit(scenario, p) for p in table["parameter"]])
    return table


def _latex(frame: pd.DataFrame) -> str:
    r"""A booktabs LaTeX table (``\toprule``, ``\midrule``, ``\bottomrule``)."""
    floats = {c: "{:.4f}".format for c in frame.columns
              if pd.api.types.is_float_dtype(frame[c])}
    return frame.to_latex(index=False, escape=True, na_rep="", formatters=floats)


def export_tables(frames: Mapping[str, pd.DataFrame], folder: Any,
                  formats: Sequence[str] = TABLE_FORMATS) -> dict[str, list[Any]]:
    """Write tables as CSV, LaTeX (booktabs) and one Excel workbook.

    Numbers stay numbers: the CSV and Excel cells hold the values, not
    formatted strings, so the tables read back with numeric columns.

    Parameters
    ----------
    frames : mapping of str to DataFrame
        Table name -> table (written without its index).
    folder : str or Path
        Created if needed; files are written atomically.
    formats : sequence of str
        Any of ``"csv"`` (``<name>.csv``), ``"tex"`` (``<name>.tex``) and
        ``"xlsx"`` (``tables.xlsx``, a sheet per table).

    Returns
    -------
    dict
        Format -> the files written.
    """
    from pathlib import Path

    from ..store import atomic_write, write_text

    unknown = sorted(set(formats) - set(TABLE_FORMATS))
    if unknown:
        raise ValueError(f"unknown table format(s) {', '.join(unknown)}; choose from "
                         f"{', '.join(TABLE_FORMATS)}")
    out = Path(folder)
    written: dict[str, list[Any]] = {f: [] for f in formats}
    for name, frame in frames.items():
        if "csv" in formats:
            path = out / f"{name}.csv"
            atomic_write(path, lambda tmp, frame=frame: frame.to_csv(tmp, index=False))
            written["csv"].append(path)
        if "tex" in formats:
            path = out / f"{name}.tex"
            write_text(path, _latex(frame))
            written["tex"].append(path)
    if "xlsx" in formats and frames:
        path = out / "tables.xlsx"

        def excel(tmp: Any) -> None:
            with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                for name, frame in frames.items():
                    frame.to_excel(writer, sheet_name=name[:31], index=False)

        atomic_write(path, excel)
        written["xlsx"].append(path)
    return written
