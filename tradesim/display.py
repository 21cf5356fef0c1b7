"""Rich displays for Jupyter: scenarios, summaries and results as HTML.

The functions here return self-contained HTML fragments (no scripts, one
scoped ``<style>`` block) that Jupyter shows through the ``_repr_html_``
methods of :class:`~tradesim.scenario.Scenario`,
:class:`~tradesim.results.Summary` and :class:`~tradesim.results.Results`.
Every value is escaped; distributions are shown by name and parameters with
their median and central 90% range, so an economist can read a scenario's
assumptions without opening its file.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .distributions import is_distribution

if TYPE_CHECKING:  # pragma: no cover
    from .results import Results, Summary
    from .scenario import Scenario

__all__ = [
    "describe_value",
    "posterior_html",
    "prim_html",
    "results_html",
    "scenario_html",
    "summary_html",
    "sweep_html",
]

# Scoped to the fragment's own class, so a notebook's other output keeps its style.
_STYLE = """<style>
.tradesim-display table {border-collapse: collapse; margin: 0.2em 0 0.8em 0; font-size: 0.9em}
.tradesim-display th, .tradesim-display td {padding: 0.15em 0.6em; text-align: left;
  vertical-align: top; border-bottom: 1px solid #ddd}
.tradesim-display td.num {text-align: right; font-variant-numeric: tabular-nums}
.tradesim-display .dist {color: #0072B2}
.tradesim-display .muted {color: #777}
.tradesim-display h4 {margin: 0.6em 0 0.2em 0}
.tradesim-display summary {cursor: pointer; font-weight: bold; margin: 0.4em 0}
</style>"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _number(x: float) -> str:
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:,.0f}"


def describe_value(value: Any) -> str:
    """Plain-text description of a parameter: a number, or a distribution with its spread.

    Parameters
    ----------
    value : float or Distribution
        A scenario parameter.

    Returns
    -------
    str
        ``"0.05"`` for a number; for a distribution its name and parameters,
        median and central 90% range, e.g. ``"triangular(0.7, 0.85, 0.95):
        median 0.84, 90% in [0.75, 0.93]"``.

    Examples
    --------
    >>> from tradesim.display import describe_value
    >>> describe_value(0.25)
    '0.25'
    """
    if is_distribution(value):
        low, median, high = np.asarray(value.ppf(np.array([0.05, 0.5, 0.95])), dtype=float)
        return (f"{value.describe()}: median {_number(median)}, "
                f"90% in [{_number(low)}, {_number(high)}]")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return _number(float(value))
    return str(value)


def _cell(value: Any) -> str:
    """A table cell for a parameter, distributions marked and explained on hover."""
    if is_distribution(value):
        full = describe_value(value)
        return (f'<td class="num"><span class="dist" title="{_e(full)}">'
                f"{_e(value.describe())}</span></td>")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<td class="num">{_e(_number(float(value)))}</td>'
    return f"<td>{_e(value)}</td>"


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]], *, raw: bool = False) -> str:
    """An HTML table; cells are parameters (see :func:`_cell`) unless ``raw`` HTML."""
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = "".join(c if raw else _cell(c) for c in row)
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _sources(source: Sequence[str]) -> str:
    return ", ".join(source) if source else ""


def _strategy_text(spec: Any) -> str:
    params = spec.params
    if not params:
        return spec.name
    inner = ", ".join(f"{k}={describe_value(v)}" for k, v in params.items())
    return f"{spec.name} ({inner})"


def _start_level(i: Any) -> Any:
    """An instrument's level on the start date, in words where it has none of its own."""
    if i.reserve is not None:
        return "in reserve"
    if i.tariff is not None:
        return "rate / highest"
    return i.level


def scenario_html(scenario: Scenario) -> str:
    """Readable HTML of a scenario: actors, instruments, commitments and uncertainty.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario.

    Returns
    -------
    str
        An HTML fragment (a ``<div>``) with tables of the actors (strategy,
        domestic politics, retaliation), every instrument
        (``<actor>.<instrument>``, level, floor, impact, dynamics, lag, goods,
        sectors),
        the framework's commitments, approval and monitoring, and every
        parameter given as a distribution (with its median and central 90%
        range).  The economy (goods and sectors) is in a collapsed section.
    """
    s = scenario
    parts = [_STYLE, '<div class="tradesim-display tradesim-scenario">']
    end = s.start_date + dt.timedelta(weeks=s.horizon_weeks)
    parts.append(f"<h3>Scenario {_e(s.name)}</h3>")
    if s.description:
        parts.append(f"<p>{_e(s.description.strip())}</p>")
    parts.append(f"<p>{s.horizon_weeks} weeks from {s.start_date.isoformat()} to "
                 f"{end.isoformat()}"
                 + (f' <span class="muted">(sources: {_e(_sources(s.source))})</span>'
                    if s.source else "") + "</p>")

    parts.append("<h4>Actors</h4>")
    parts.append(_table(
        ["actor", "name", "strategy", "industry weight", "hawkishness", "retaliation scale"],
        ([a, actor.name, _strategy_text(actor.strategy), actor.domestic.industry_weight,
          actor.domestic.hawkishness, actor.retaliation.scale]
         for a, actor in s.actors.items())))

    parts.append("<h4>Instruments</h4>")
    parts.append(_table(
        ["instrument", "level", "pre-crisis", "floor", "impact (USD bn/yr)", "dynamics",
         "lag (weeks)", "goods", "sectors", "restricts"],
        ([f"{a}.{i.id}", _start_level(i), i.pre_crisis_level, i.floor, i.impact, i.dynamics,
          i.lag_weeks, ", ".join(i.goods), ", ".join(i.sectors), i.description]
         for a, actor in s.actors.items() for i in actor.instruments)))
    tariffs = [(a, i) for a, actor in s.actors.items() for i in actor.instruments
               if i.tariff is not None]
    if tariffs:
        parts.append("<h4>Tariffs</h4>")
        parts.append(_table(
            ["instrument", "rate (%)", "after a lapse (%)", "highest (%)",
             "trade covered (USD bn/yr)", "sources"],
            ([f"{a}.{i.id}", i.tariff.rate_percent, i.tariff.lapse_rate_percent,
              i.tariff.max_rate_percent, i.tariff.trade_usd_bn, _sources(i.tariff.source)]
             for a, i in tariffs)))
    if s.calendar:
        parts.append("<h4>Decision calendar</h4>")
        parts.append(_table(
            ["decision", "actor", "instrument", "date", "extension (weeks)",
             "extension probability", "replace probability", "sources"],
            ([d.id, d.actor, f"{d.actor}.{d.instrument}", d.date.isoformat(),
              d.extension_weeks, d.extension_probability, d.replace_probability,
              _sources(d.source)] for d in s.calendar)))

    name = f" ({_e(s.framework.name)})" if s.framework.name else ""
    parts.append(f"<h4>Commitments{name}</h4>")
    parts.append(_table(
        ["actor", "instrument", "target level", "deadline (weeks after approval)", "sources"],
        ([c.actor, f"{c.actor}.{c.instrument}", c.target, c.deadline_weeks,
          _sources(c.source)] for c in s.framework.commitments)))

    parts.append("<h4>Approval and monitoring</h4>")
    parts.append(_table(
        ["actor", "weekly approval hazard", "weekly rejection hazard", "approved at start",
         "alarm threshold (nats)", "withheld share tested"],
        ([a, s.approval[a].weekly_hazard, s.approval[a].rejection_hazard,
          "yes" if s.approval[a].approved_at_start else "no",
          s.monitoring[a].threshold, s.monitoring[a].withheld_share] for a in s.actors)))
    parts.append(_table(
        ["observer", "partner instrument", "channel", "period (weeks)", "delay (weeks)",
         "noise (sd)", "sources"],
        ([a, f"{s.partner(a)}.{i}", c.kind, c.period_weeks, c.delay_weeks, c.noise_sd,
          _sources(c.source)] for a in s.actors for i, c in s.monitoring[a].channels.items())))

    uncertain = s.uncertain_parameters()
    parts.append(f"<h4>Uncertain parameters ({len(uncertain)})</h4>")
    if uncertain:
        parts.append(_table(["parameter", "distribution", "median", "90% range"], (
            _uncertain_row(path, dist) for path, dist in uncertain.items()), raw=True))
    else:
        parts.append('<p class="muted">None: every parameter is a number.</p>')

    e = s.economy
    parts.append("<details><summary>Economy: "
                 f"{len(e.goods)} goods, {len(e.sectors)} sectors</summary>")
    parts.append(_table(["good", "exporter", "unit", "flow per week", "description"],
                        ([g.id, g.exporter, g.unit, g.baseline_flow_per_week, g.description]
                         for g in e.goods)))
    if e.sectors:
        parts.append(_table(
            ["sector", "actor", "inputs", "firms", "inventory (weeks)", "max cover (weeks)",
             "pressure weight", "description"],
            ([c.id, c.actor, ", ".join(c.inputs), c.firms, c.inventory_weeks,
              c.max_cover_weeks, c.pressure_weight, c.description] for c in e.sectors)))
    parts.append(_table(["pressure sensitivity", "truce hazard", "breakdown share"],
                        [[e.pressure_sensitivity, e.truce_hazard, e.breakdown_share]]))
    parts.append("</details></div>")
    return "".join(parts)


def _uncertain_row(path: str, dist: Any) -> list[str]:
    low, median, high = np.asarray(dist.ppf(np.array([0.05, 0.5, 0.95])), dtype=float)
    return [f"<td>{_e(path)}</td>", f'<td><span class="dist">{_e(dist.describe())}</span></td>',
            f'<td class="num">{_e(_number(median))}</td>',
            f'<td class="num">[{_e(_number(low))}, {_e(_number(high))}]</td>']


def _summary_body(summary: Summary) -> str:
    rows = []
    for name, row in summary.outcomes.iterrows():
        rows.append([f"<td>{_e(name)}</td>",
                     f'<td class="num">{row.probability:.3f}</td>',
                     f'<td class="num">[{row.ci95_low:.3f}, {row.ci95_high:.3f}]</td>',
                     f'<td class="num">{int(row["count"]):,}</td>'])
    outcomes = _table(["outcome", "probability", "95% interval", "runs"], rows, raw=True)
    rows = []
    for name in summary.milestones.columns:
        week = summary.median_weeks[name]
        reached = float(summary.milestones[name].iloc[-1])
        date = "-" if week is None else \
            (summary.start_date + dt.timedelta(weeks=week)).isoformat()
        rows.append([f"<td>{_e(name)}</td>", f'<td class="num">{reached:.3f}</td>',
                     f'<td class="num">{"-" if week is None else week}</td>',
                     f'<td class="num">{date}</td>'])
    milestones = _table(["milestone", "reached by horizon", "median week", "median date"],
                        rows, raw=True)
    return f"<h4>Outcomes at the horizon</h4>{outcomes}<h4>Milestones</h4>{milestones}"


def summary_html(summary: Summary) -> str:
    """HTML of a summary: outcome probabilities with Wilson intervals, milestone weeks.

    Parameters
    ----------
    summary : Summary
        From :meth:`tradesim.Results.summary`.

    Returns
    -------
    str
        An HTML fragment with a heading (scenario, runs, seed, horizon), the
        outcome table (probability, 95% interval, runs) and the milestone table
        (share reached by the horizon, median week and its calendar date).
    """
    head = (f"<h3>{_e(summary.scenario)}: {summary.runs:,} runs, seed {summary.seed}</h3>"
            f"<p>{summary.horizon_weeks} weeks from {summary.start_date.isoformat()}</p>")
    return (f'{_STYLE}<div class="tradesim-display tradesim-summary">{head}'
            f"{_summary_body(summary)}</div>")


def results_html(results: Results) -> str:
    """HTML of an ensemble's results: what was run, then its summary.

    Parameters
    ----------
    results : Results
        From :func:`tradesim.run`.

    Returns
    -------
    str
        An HTML fragment: the scenario, runs, seed and kept trajectories, the
        summary tables (see :func:`summary_html`) and the names of the weekly
        series available to :meth:`~tradesim.Results.series_frame`.
    """
    s = results.summary()
    head = (f"<h3>Results of {_e(results.scenario.name)}: {results.runs:,} runs</h3>"
            f"<p>seed {results.seed}; {results.horizon_weeks} weeks from "
            f"{results.scenario.start_date.isoformat()}; full trajectories kept for "
            f"{results.kept_replications:,} runs</p>")
    names = ", ".join(_e(n) for n in results.series_names)
    series = (f"<details><summary>{len(results.series_names)} weekly series</summary>"
              f'<p class="muted">{names}</p></details>')
    return (f'{_STYLE}<div class="tradesim-display tradesim-results">{head}'
            f"{_summary_body(s)}{series}</div>")


def _frame_html(frame: Any, digits: int = 3) -> str:
    """A DataFrame as an HTML table in the fragment's style (values escaped)."""
    return frame.to_html(float_format=lambda v: f"{v:.{digits}g}", na_rep="-", border=0,
                         escape=True)


def prim_html(result: Any) -> str:
    """Notebook display of a :class:`~tradesim.discovery.PrimResult`."""
    box = result.box
    limits = [[result.labels.get(k, k), v] for k, v in box.limits.items()]
    return (f'{_STYLE}<div class="tradesim-display"><h4>PRIM: {_e(result.outcome)}</h4>'
            f"<p>{_e(result.rule())}</p>"
            f"<p class=muted>box {result.selected} of {len(result.boxes)}: coverage "
            f"{box.coverage:.0%}, density {box.density:.0%}, mass {box.mass:.0%} "
            f"({box.n:,} points)</p>"
            + _table(["parameter", "limits"], limits)
            + "<details><summary>peeling trajectory</summary>"
            + _frame_html(result.trajectory) + "</details></div>")


def sweep_html(sweep: Any) -> str:
    """Notebook display of a :class:`~tradesim.sweep.Sweep` (before it is run)."""
    rows = []
    for path in sweep.paths:
        values = sweep.values[path]
        kind = "values" if sweep.axes else "range"
        shown = (", ".join(map(str, dict.fromkeys(values.tolist()))) if kind == "values"
                 else f"{values.min():.4g} to {values.max():.4g}")
        rows.append([sweep.label(path), path, shown])
    levers = [[name, lever.path, ", ".join(map(str, lever.choices))]
              for name, lever in sweep.spec.levers.items()]
    text = (f'{_STYLE}<div class="tradesim-display"><h4>Sweep {_e(sweep.spec.name)}</h4>'
            f"<p>{_e(sweep.spec.description)}</p>"
            f"<p>{sweep.kind}: {sweep.n_points:,} points x {sweep.spec.runs:,} runs, seed "
            f"{sweep.spec.seed}</p>"
            + _table(["parameter", "path", "swept"], rows))
    if levers:
        text += "<h4>Levers</h4>" + _table(["lever", "path", "choices"], levers)
    return text + "</div>"


def posterior_html(posterior: Any) -> str:
    """Notebook display of a :class:`~tradesim.calibrate.Posterior`."""
    head = (f"Rejection ABC of {posterior.scenario.name!r} up to "
            f"{posterior.until.isoformat()}: {posterior.runs:,} draws, seed {posterior.seed}, "
            f"accepted {int(posterior.accepted.sum()):,} ({posterior.acceptance_rate:.1%})")
    summary = posterior.summary()[["prior_mean", "posterior_mean", "posterior_q05",
                                   "posterior_q95", "sd_ratio"]]
    return (f'{_STYLE}<div class="tradesim-display"><h4>Posterior</h4><p>{_e(head)}</p>'
            + _frame_html(posterior.predictive("prior")[["observed", "mean", "p_observed"]])
            + _frame_html(summary) + "</div>")
