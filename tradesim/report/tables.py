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
    "assumptions_table",
    "fact_statements",
    "key_findings",
    "milestone_table",
    "outcome_table",
    "parameter_sources",
    "report_title",
    "run_line",
]

#: Milestones listed in the report's milestone table.
_TABLE_MILESTONES = tuple(m for m in MILESTONES if not m.endswith(("_2", "_3")))


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
    """
    many = _as_list(results)
    data: dict[str, list[str]] = {}
    for r, name in zip(many, _names(many), strict=True):
        summary = r.summary()
        reached, median = [], []
        for milestone in _TABLE_MILESTONES:
            reached.append(f"{summary.milestones[milestone].iloc[-1]:.1%}")
            week = summary.median_weeks[milestone]
            median.append("-" if week is None else
                          f"{(r.dates[week]).date().isoformat()} (week {week})")
        data[f"{name}: reached"] = reached
        data[f"{name}: median date"] = median
    return pd.DataFrame(data, index=pd.Index([plots.MILESTONE_LABELS[m]
                                              for m in _TABLE_MILESTONES], name="milestone"))


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
