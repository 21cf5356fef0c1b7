"""A report of a scenario's results in one call: HTML and PDF with the same content.

:func:`write_report` writes ``report.html`` (every figure embedded as a
base64 PNG, so the one file is the whole report), ``report.pdf`` (A4 or US
letter, with contents, page numbers, bookmarks and every figure as vector
graphics), ``figures/*.png`` and ``tables/`` (the tables as CSV, LaTeX
with booktabs rules and one Excel workbook, numbers kept as numbers) into
a folder.  Both documents are laid out from one context
(:func:`report_context`): an executive summary in sentences, the outcome
and milestone tables, what the intervals mean, what drives the answer
(a sensitivity table, when given), the figures, the assumptions (every
numeric parameter in words with its unit, its value or distribution and
the facts it rests on), limitations and validation, and the sources.
With comparison results it adds the same tables and figures side by side.

The package has one module per part of the report:

- :mod:`tradesim.report.tables`: the data (fact statements, parameter
  sources, the assumptions, outcome and milestone tables, the key findings,
  the numeric tables and their export);
- :mod:`tradesim.report.labels`: parameter names in words, with units;
- :mod:`tradesim.report.figures`: the figures, with headings and captions;
- :mod:`tradesim.report.context`: the content of the report, section by section;
- :mod:`tradesim.report.html`: the HTML page (the Jinja2 template
  ``templates/report.html.j2``, shipped with the package);
- :mod:`tradesim.report.pdf`: the PDF.

The main names of each (the ``__all__`` of this package) are importable
from ``tradesim.report`` itself.

This package reads no files but its own templates (through Jinja2's
package loader): the fact sheet (``seeds/facts.yaml``) is passed in as
data, already read by the caller (the ``tradesim report`` command reads it
with :func:`tradesim.io.read_data`), and so is a sensitivity table.  Files
are written atomically (temporary file, then rename).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .context import SECTIONS, executive_summary, report_context
from .figures import ReportFigure, report_figures
from .html import PAPERS, check_paper, render_context, render_html
from .labels import parameter_label, parameter_name, parameter_unit
from .pdf import render_pdf, write_pdf
from .tables import (
    TABLE_FORMATS,
    assumptions_data,
    assumptions_table,
    export_tables,
    fact_statements,
    loss_data,
    loss_table,
    milestone_data,
    milestone_table,
    outcome_data,
    outcome_table,
    parameter_sources,
    sensitivity_table,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..results import Results


__all__ = [
    "PAPERS",
    "SECTIONS",
    "TABLE_FORMATS",
    "ReportFigure",
    "assumptions_data",
    "assumptions_table",
    "executive_summary",
    "export_tables",
    "fact_statements",
    "loss_data",
    "loss_table",
    "milestone_data",
    "milestone_table",
    "outcome_data",
    "outcome_table",
    "parameter_label",
    "parameter_name",
    "parameter_sources",
    "parameter_unit",
    "render_context",
    "render_html",
    "render_pdf",
    "report_context",
    "report_tables",
    "report_figures",
    "sensitivity_table",
    "write_pdf",
    "write_report",
]


def report_tables(results: Results, compare: Sequence[Results] = (), facts: Any = None,
                  sensitivity: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The report's tables as numbers, as :func:`write_report` exports them.

    Returns
    -------
    dict
        ``outcomes`` (:func:`outcome_data`), ``milestones``
        (:func:`milestone_data`), ``assumptions`` (:func:`assumptions_data`),
        ``losses`` (:func:`loss_data`, when the scenario models sectors) and,
        when given, ``sensitivity`` (:func:`sensitivity_table`).
    """
    everything = [results, *compare]
    frames = {"outcomes": outcome_data(everything), "milestones": milestone_data(everything),
              "assumptions": assumptions_data(results.scenario, facts)}
    if len(results.summary().losses):
        frames["losses"] = loss_data(everything)
    if sensitivity is not None:
        frames["sensitivity"] = sensitivity_table(sensitivity, results.scenario)
    return frames


def write_report(
    results: Results,
    out_dir: str | Path,
    compare: Sequence[Results] = (),
    facts: Any = None,
    *,
    paper: str = "a4",
    sensitivity: pd.DataFrame | None = None,
    tables: Sequence[str] = TABLE_FORMATS,
) -> dict[str, Path]:
    """Write ``report.html``, ``report.pdf``, ``figures/*.png`` and ``tables/`` into ``out_dir``.

    The HTML and the PDF are laid out from one context
    (:func:`report_context`), so they have the same sections: executive
    summary, outcomes and milestones, what the intervals mean, what drives
    the answer, figures, assumptions, limitations and validation, sources.

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
    paper : {"a4", "letter"}
        Page size of the PDF (and of the HTML when printed); A4 by default.
    sensitivity : DataFrame, optional
        Sobol indices for "What drives the answer": columns ``parameter``,
        ``S1``, ``S1_lo``, ``S1_hi``, ``ST``, ``ST_lo``, ``ST_hi`` and
        optionally ``outcome``.  Without it the section gives the command
        that computes them.
    tables : sequence of str
        Formats the tables are exported in, into ``tables/``: any of
        ``"csv"``, ``"tex"`` (LaTeX, booktabs) and ``"xlsx"``; ``()`` for none.

    Returns
    -------
    dict
        ``{"html": path, "pdf": path, "figures": folder}``, and
        ``"tables": folder`` when tables were exported.
    """
    from ..store import atomic_write, write_text

    check_paper(paper)
    out = Path(out_dir)
    frames = report_tables(results, compare, facts, sensitivity)  # checks the sensitivity
    figures = report_figures(results, compare)
    for item in figures:
        atomic_write(out / "figures" / f"{item.stem}.png",
                      lambda tmp, item=item: tmp.write_bytes(item.png))
    written: dict[str, Path] = {"html": out / "report.html", "pdf": out / "report.pdf",
                                "figures": out / "figures"}
    names: list[str] = []
    if tables:
        files = export_tables(frames, out / "tables", tables)
        names = [p.name for paths in files.values() for p in paths]
        written["tables"] = out / "tables"
    context = report_context(results, compare, facts, figures, sensitivity, names)
    write_text(written["html"], render_context(context, paper))
    write_pdf(written["pdf"], results, context=context, paper=paper)
    return written
