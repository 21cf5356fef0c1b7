"""A report of a scenario's results in one call: self-contained HTML and PDF.

:func:`write_report` writes ``report.html`` (every figure embedded as a
base64 PNG, so the one file is the whole report), ``report.pdf`` (a title
page, the tables and every figure) and ``figures/*.png`` into a folder.
The report holds the scenario's assumptions (every numeric parameter, its
value or distribution and the facts it rests on), the outcome and
milestone tables, and every figure that applies; with comparison results
it adds the same tables and figures side by side.

This module reads no files: the fact sheet (``seeds/facts.yaml``) is
passed in as data, already read by the caller (the ``tradesim report``
command reads it with :func:`tradesim.io.read_data`).  Files are written
atomically (temporary file, then rename).
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import html
import io as _bytes_io
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import plots
from .distributions import is_distribution
from .paths import owner_sources
from .vocab import MILESTONES, OUTCOMES

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from .results import Results
    from .scenario import Scenario

__all__ = [
    "ReportFigure",
    "assumptions_table",
    "fact_statements",
    "milestone_table",
    "outcome_table",
    "parameter_sources",
    "render_html",
    "report_figures",
    "write_pdf",
    "write_report",
]

#: Milestones listed in the report's milestone table.
_TABLE_MILESTONES = tuple(m for m in MILESTONES if not m.endswith(("_2", "_3")))


@dataclasses.dataclass(frozen=True)
class ReportFigure:
    """A figure of the report with its file stem, heading and caption."""

    stem: str
    heading: str
    caption: str
    figure: Figure

    @functools.cached_property
    def png(self) -> bytes:
        """The figure as PNG bytes (rendered once, at :data:`tradesim.plots.DPI`)."""
        buffer = _bytes_io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=plots.DPI, metadata={"Software": None})
        return buffer.getvalue()


# ------------------------------------------------------------------------ the data


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


# ----------------------------------------------------------------------- the figures


def report_figures(results: Results, compare: Sequence[Results] = ()) -> list[ReportFigure]:
    """Every figure that applies to ``results`` (and the comparison), in report order.

    Parameters
    ----------
    results : Results
        The scenario reported on.
    compare : sequence of Results
        Other scenarios to compare with (same seed, ideally).

    Returns
    -------
    list of ReportFigure
    """
    name = results.scenario.name
    figures = plots.main_figures(results)
    captions = {
        "outcomes": ("Outcomes", f"Where the framework stands at the horizon in {name}: share "
                     "of runs in each outcome, with Wilson 95% intervals."),
        "milestones": ("Milestones", "Share of runs that have reached each milestone by each "
                       "date (censored at the horizon)."),
        "phases": ("Phases over time", "Share of runs in each phase of the framework, week "
                   "by week."),
        "restrictions": ("Restriction levels", "Restriction level of every instrument in the "
                         "framework (1 = flow to the partner fully stopped): median and the "
                         "central 50% and 90% of runs."),
        "supply_chain": ("Supply chains", "Mean supply-flow index of each good into each "
                         "country (1.0 = the 2024 average flow) and mean share of firms "
                         "halted, by sector."),
    }
    out = []
    for stem, fig in figures.items():
        if stem.startswith("supply_") and stem != "supply_chain":
            good = stem.removeprefix("supply_")
            heading, caption = (f"Supply of {good.replace('_', ' ')}",
                                f"Supply-flow index of {good.replace('_', ' ')} (1.0 = the "
                                "2024 average flow): median, central 50% and 90% of runs, a "
                                "few sample runs, and the median dates of key milestones.")
        else:
            heading, caption = captions[stem]
        out.append(ReportFigure(stem, heading, caption, fig))
    if compare:
        everything = [results, *compare]
        names = ", ".join(r.scenario.name for r in everything)
        out.append(ReportFigure(
            "compare_outcomes", "Comparison: outcomes",
            f"Outcome probabilities with 95% intervals for {names}.",
            plots.outcome_probabilities(everything).figure))
        out.append(ReportFigure(
            "compare_milestones", "Comparison: milestones",
            f"Milestone curves for {names}.", plots.milestone_curves(everything).figure))
        out.append(ReportFigure(
            "compare_phases", "Comparison: phases",
            f"Phase occupancy for {names}, side by side.",
            plots.compare_scenarios(everything, plots.phase_occupancy)))
        key = plots.key_supply_series(results)
        if key is not None and all(key in r.series_names for r in compare):
            out.append(ReportFigure(
                "compare_supply", "Comparison: supply",
                f"{plots.series_label(results, key)[0]} for {names}: median and central 50% "
                "of runs.",
                plots.compare_scenarios(everything, plots.fan_chart, key, overlay=True)))
    strategies = {a.strategy.name for a in results.scenario.actors.values()}
    out.append(ReportFigure(
        "game_cooperation", "Background: the repeated game",
        "Exact long-run share of rounds in which the row strategy eases, against each column "
        "strategy, at three levels of implementation noise (two-player game, standard "
        f"payoffs). The scenario's actors use: {', '.join(sorted(strategies))}.",
        plots.game_heatmap()))
    return out


# ---------------------------------------------------------------------------- HTML

_CSS = """
body { font-family: "DejaVu Sans", Verdana, sans-serif; max-width: 52em; margin: 2em auto;
       padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.25em; margin-top: 2em;
  border-bottom: 1px solid #ccc; } h3 { font-size: 1.05em; }
.meta { color: #555; font-size: 0.9em; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.8em 0; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left;
         vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1.2em 0; } figure img { max-width: 100%; height: auto; }
figcaption { font-size: 0.85em; color: #444; }
code { font-size: 0.95em; } .uncertain { font-weight: bold; }
dl.facts dt { font-weight: bold; font-family: monospace; margin-top: 0.6em; }
dl.facts dd { margin-left: 1.5em; }
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _html_table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in [frame.index.name or "", *frame.columns])
    rows = []
    for label, row in frame.iterrows():
        cells = "".join(f'<td class="num">{_e(v)}</td>' for v in row)
        rows.append(f"<tr><th>{_e(label)}</th>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _title(results: Results) -> str:
    return f"tradesim report: {results.scenario.name}"


def _run_line(results: Results) -> str:
    import tradesim

    s = results.scenario
    end = results.dates[-1].date().isoformat()
    return (f"{results.runs:,} runs, seed {results.seed}, {s.horizon_weeks} weeks from "
            f"{s.start_date.isoformat()} to {end}; tradesim {tradesim.__version__}")


def _key_findings(results: Results) -> list[str]:
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


def render_html(
    results: Results,
    compare: Sequence[Results] = (),
    facts: Any = None,
    figures: Sequence[ReportFigure] | None = None,
) -> str:
    """The report as one self-contained HTML page (figures embedded as base64 PNG).

    Parameters
    ----------
    results : Results
    compare : sequence of Results
        Scenarios compared with ``results``.
    facts : mapping, optional
        The fact sheet's data (``seeds/facts.yaml``), for the fact statements.
    figures : sequence of ReportFigure, optional
        Default :func:`report_figures`.

    Returns
    -------
    str
    """
    if figures is None:
        figures = report_figures(results, compare)
    scenario = results.scenario
    index = fact_statements(facts)
    everything = [results, *compare]
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(_title(results))}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(_title(results))}</h1>",
        f'<p class="meta">{_e(_run_line(results))}</p>',
    ]
    if scenario.description:
        parts.append(f"<p>{_e(scenario.description)}</p>")
    if compare:
        parts.append("<p>Compared with: " + ", ".join(
            f"<b>{_e(r.scenario.name)}</b> ({_e(_run_line(r))})" for r in compare) + "</p>")
    parts.append("<h2>Key results</h2><ul>")
    parts += [f"<li>{_e(line)}</li>" for line in _key_findings(results)]
    parts.append("</ul>")
    parts.append("<h2>Outcomes at the horizon</h2>"
                 "<p>Percent of runs, with Wilson 95% intervals.</p>")
    parts.append(_html_table(outcome_table(everything)))
    parts.append("<h2>Milestones</h2>")
    parts.append(_html_table(milestone_table(everything)))
    parts.append("<h2>Figures</h2>")
    for item in figures:
        encoded = base64.b64encode(item.png).decode("ascii")
        parts.append(
            f'<figure id="fig-{_e(item.stem)}"><h3>{_e(item.heading)}</h3>'
            f'<img src="data:image/png;base64,{encoded}" alt="{_e(item.caption)}">'
            f"<figcaption>{_e(item.caption)}</figcaption></figure>")
    parts.append(_assumptions_html(scenario, index, facts))
    parts.append('<p class="meta">Figures and tables: tradesim '
                 f"{_e(_run_line(results).rsplit('tradesim ', 1)[-1])}. Each run samples the "
                 "uncertain parameters (bold in the assumptions table) independently.</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _assumptions_html(scenario: Scenario, index: dict[str, dict[str, str]],
                      facts: Any) -> str:
    table = assumptions_table(scenario, facts)
    rows = []
    cited: list[str] = []
    for path, row in table.iterrows():
        links = []
        for fact in filter(None, (s.strip() for s in row["sources"].split(","))):
            if fact in index:
                links.append(f'<a href="#fact-{_e(fact)}" '
                             f'title="{_e(index[fact]["statement"])}">{_e(fact)}</a>')
                if fact not in cited:
                    cited.append(fact)
            else:
                links.append(_e(fact))
        klass = ' class="uncertain"' if row["uncertain"] else ""
        rows.append(f"<tr><td><code>{_e(path)}</code></td><td{klass}>{_e(row['value'])}</td>"
                    f"<td>{', '.join(links) or '-'}</td></tr>")
    parts = [
        "<h2>Assumptions</h2>",
        "<p>Every numeric parameter of the scenario, with its value or (in bold) the "
        "distribution each run draws it from, and the facts it rests on; "
        "<i>assumption</i> marks a modelling judgement.</p>",
        "<table><thead><tr><th>parameter</th><th>value</th><th>sources</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>",
    ]
    if index:
        parts.append("<h2>Sources</h2><dl class=\"facts\">")
        for fact in cited:
            entry = index[fact]
            cite = ", ".join(x for x in (entry["source"], entry["date"]) if x)
            parts.append(f'<dt id="fact-{_e(fact)}">{_e(fact)}</dt>'
                         f"<dd>{_e(entry['statement'])} <i>({_e(cite)})</i></dd>")
        parts.append("</dl>")
    else:
        parts.append('<p class="meta">No fact sheet was available, so the sources are given '
                     "by id only.</p>")
    return "".join(parts)


# ----------------------------------------------------------------------------- PDF

_PAGE = (8.5, 11.0)  # US letter, inches
_MARGIN = 0.75
_CHAR = 0.53 / 72  # width of an average DejaVu Sans character per point of size, inches


def _wrap(text: str, size: float, width_in: float) -> list[str]:
    chars = max(10, int(width_in / (size * _CHAR)))
    return textwrap.wrap(text, width=chars, break_on_hyphens=False) or [""]


class _PdfFlow:
    """Text, tables and figures flowing down US-letter pages of a PDF."""

    def __init__(self, pdf: Any) -> None:
        self.pdf = pdf
        self.page: Figure | None = None
        self.y = 0.0

    def _new_page(self) -> None:
        from matplotlib.figure import Figure

        self.close_page()
        self.page = Figure(figsize=_PAGE)
        self.y = _PAGE[1] - _MARGIN

    def close_page(self) -> None:
        if self.page is not None:
            self.pdf.savefig(self.page)
            self.page = None

    def _room(self, height: float) -> None:
        if self.page is None or self.y - height < _MARGIN:
            self._new_page()

    def _text(self, x: float, text: str, size: float, **kwargs: Any) -> None:
        assert self.page is not None
        self.page.text(x / _PAGE[0], self.y / _PAGE[1], text, fontsize=size, va="top",
                       ha="left", **kwargs)

    def paragraph(self, text: str, size: float = 9.0, weight: str = "normal",
                  after: float = 0.6, new_page: bool = False) -> None:
        if new_page:
            self._new_page()
        lines = _wrap(text, size, _PAGE[0] - 2 * _MARGIN)
        line = size * 1.3 / 72
        # Keep a heading with at least a few lines of what follows it.
        self._room(len(lines) * line + (1.0 if weight == "bold" else 0.0))
        for text_line in lines:
            self._text(_MARGIN, text_line, size, fontweight=weight)
            self.y -= line
        self.y -= size * after / 72

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]],
              widths: Sequence[float], size: float = 7.0) -> None:
        """Columns ``widths`` inches wide, cells wrapped; the header repeats on new pages."""
        line = size * 1.25 / 72
        x = [_MARGIN]
        for w in widths[:-1]:
            x.append(x[-1] + w + 0.1)

        def head() -> None:
            for xi, w, h in zip(x, widths, header, strict=True):
                self._text(xi, "\n".join(_wrap(h, size, w)), size, fontweight="bold",
                           linespacing=1.15)
            self.y -= line * max(len(_wrap(h, size, w)) for h, w in zip(header, widths,
                                                                        strict=True)) + 0.05

        self._room(4 * line)
        head()
        for row in rows:
            cells = [_wrap(str(c), size, w) for c, w in zip(row, widths, strict=True)]
            height = max(len(c) for c in cells) * line + 0.035
            if self.y - height < _MARGIN:
                self._new_page()
                head()
            for xi, cell in zip(x, cells, strict=True):
                self._text(xi, "\n".join(cell), size, linespacing=1.15)
            self.y -= height
        self.y -= 0.15

    def figure(self, item: ReportFigure) -> None:
        """A figure at its own physical size (shrunk to fit), with heading and caption."""
        from matplotlib.image import imread

        w, h = item.figure.get_size_inches()
        scale = min(1.0, (_PAGE[0] - 2 * _MARGIN) / w, (_PAGE[1] - 2 * _MARGIN - 1.0) / h)
        w, h = w * scale, h * scale
        caption = _wrap(item.caption, 8, _PAGE[0] - 2 * _MARGIN)
        self._room(0.3 + h + 0.15 + len(caption) * 8 * 1.3 / 72 + 0.2)
        assert self.page is not None
        self._text(_MARGIN, item.heading, 10.5, fontweight="bold")
        self.y -= 0.3
        left = (_PAGE[0] - w) / 2
        ax = self.page.add_axes((left / _PAGE[0], (self.y - h) / _PAGE[1], w / _PAGE[0],
                                 h / _PAGE[1]))
        ax.imshow(imread(_bytes_io.BytesIO(item.png), format="png"), interpolation="lanczos")
        ax.set_axis_off()
        self.y -= h + 0.1
        self._text(_MARGIN, "\n".join(caption), 8, color="#333333", linespacing=1.2)
        self.y -= len(caption) * 8 * 1.3 / 72 + 0.35


def _frame_widths(frame: pd.DataFrame, size: float) -> list[float]:
    """Column widths in inches that fit each column's longest entry, within the page."""
    columns = [[str(frame.index.name or ""), *map(str, frame.index)],
               *([str(c), *map(str, frame[c])] for c in frame.columns)]
    # Headers are bold, about 15% wider than regular text.
    widths = [min(2.2, max(1.15 * len(col[0]), *map(len, col[1:])) * size * _CHAR + 0.05)
              for col in columns]
    room = _PAGE[0] - 2 * _MARGIN - 0.1 * (len(widths) - 1)
    if sum(widths) > room:
        widths = [w * room / sum(widths) for w in widths]
    return widths


def write_pdf(
    path: str | Path,
    results: Results,
    compare: Sequence[Results] = (),
    facts: Any = None,
    figures: Sequence[ReportFigure] | None = None,
) -> Path:
    """Write the report as a PDF: title page, tables, every figure, sources.

    Parameters
    ----------
    path : str or Path
        The PDF file, written atomically.
    results, compare, facts, figures
        As for :func:`render_html`.

    Returns
    -------
    Path
    """
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    from .store import atomic_write

    if figures is None:
        figures = report_figures(results, compare)
    everything = [results, *compare]
    index = fact_statements(facts)
    scenario = results.scenario

    def write(tmp: Path) -> None:
        metadata = {"Title": _title(results), "Creator": None, "Producer": None,
                    "CreationDate": None}
        with matplotlib.rc_context(plots.STYLE), PdfPages(tmp, metadata=metadata) as pdf:
            flow = _PdfFlow(pdf)
            flow.paragraph(_title(results), 18, "bold")
            flow.paragraph(_run_line(results), 9)
            if scenario.description:
                flow.paragraph(" ".join(scenario.description.split()), 10)
            for r in compare:
                flow.paragraph(f"Compared with {r.scenario.name}: {_run_line(r)}", 9)
            flow.paragraph("Key results", 12, "bold")
            for line in _key_findings(results):
                flow.paragraph(f"- {line}", 9.5)
            for title, frame in (
                ("Outcomes at the horizon (percent of runs, Wilson 95% interval)",
                 outcome_table(everything)),
                ("Milestones (share of runs reaching each by the horizon; date by which "
                 "half did)", milestone_table(everything)),
            ):
                flow.paragraph(title, 11, "bold")
                rows = [[label, *row] for label, row in zip(frame.index, frame.values,
                                                            strict=True)]
                flow.table([frame.index.name or "", *frame.columns], rows,
                           _frame_widths(frame, 7.0))
            flow.close_page()
            for item in figures:
                flow.figure(item)
            table = assumptions_table(scenario, facts)
            flow.paragraph("Assumptions", 12, "bold", new_page=True)
            flow.paragraph("Every numeric parameter of the scenario with its value, or (marked "
                           "*) the distribution each run draws it from, and the facts it rests "
                           "on; 'assumption' marks a modelling judgement.", 8)
            rows = [[path, ("* " if row["uncertain"] else "") + row["value"], row["sources"]]
                    for path, row in table.iterrows()]
            flow.table(["parameter", "value", "sources"], rows, [2.9, 1.2, 2.7], size=6.5)
            cited = sorted({s.strip() for v in table["sources"] for s in v.split(",")
                            if s.strip() in index})
            if cited:
                flow.paragraph("Sources", 12, "bold", new_page=True)
                rows = [[fact, f"{index[fact]['statement']} ({index[fact]['source']}, "
                               f"{index[fact]['date']})"] for fact in cited]
                flow.table(["fact id", "statement (source, date)"], rows, [2.0, 4.8], size=7)
            flow.close_page()

    atomic_write(Path(path), write)
    return Path(path)


# ------------------------------------------------------------------------ all of it


def write_report(
    results: Results,
    out_dir: str | Path,
    compare: Sequence[Results] = (),
    facts: Any = None,
) -> dict[str, Path]:
    """Write ``report.html``, ``report.pdf`` and ``figures/*.png`` into ``out_dir``.

    Parameters
    ----------
    results : Results
        The scenario reported on.
    out_dir : str or Path
        Created if needed; files are written atomically.
    compare : sequence of Results
        Scenarios to compare with.
    facts : mapping, optional
        The data of ``seeds/facts.yaml`` (read by the caller), for the fact
        statements behind each parameter.

    Returns
    -------
    dict
        ``{"html": path, "pdf": path, "figures": folder}``.
    """
    from .store import atomic_write, write_text

    out = Path(out_dir)
    figures = report_figures(results, compare)
    for item in figures:
        atomic_write(out / "figures" / f"{item.stem}.png",
                      lambda tmp, item=item: tmp.write_bytes(item.png))
    write_text(out / "report.html", render_html(results, compare, facts, figures))
    write_pdf(out / "report.pdf", results, compare, facts, figures)
    return {"html": out / "report.html", "pdf": out / "report.pdf",
            "figures": out / "figures"}

