"""The report as one self-contained HTML page: every figure embedded as a base64 PNG.

All of the report's HTML is made here; the content comes from
:mod:`tradesim.report.tables` and :mod:`tradesim.report.figures`.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from .figures import ReportFigure, report_figures
from .tables import (
    assumptions_table,
    fact_statements,
    key_findings,
    milestone_table,
    outcome_table,
    report_title,
    run_line,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..results import Results
    from ..scenario import Scenario

__all__ = ["render_html"]

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
        f"<title>{_e(report_title(results))}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(report_title(results))}</h1>",
        f'<p class="meta">{_e(run_line(results))}</p>',
    ]
    if scenario.description:
        parts.append(f"<p>{_e(scenario.description)}</p>")
    if compare:
        parts.append("<p>Compared with: " + ", ".join(
            f"<b>{_e(r.scenario.name)}</b> ({_e(run_line(r))})" for r in compare) + "</p>")
    parts.append("<h2>Key results</h2><ul>")
    parts += [f"<li>{_e(line)}</li>" for line in key_findings(results)]
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
                 f"{_e(run_line(results).rsplit('tradesim ', 1)[-1])}. Each run samples the "
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
