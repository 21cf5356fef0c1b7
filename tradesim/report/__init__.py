"""A report of a scenario's results in one call: self-contained HTML and PDF.

:func:`write_report` writes ``report.html`` (every figure embedded as a
base64 PNG, so the one file is the whole report), ``report.pdf`` (a title
page, the tables and every figure) and ``figures/*.png`` into a folder.
The report holds the scenario's assumptions (every numeric parameter, its
value or distribution and the facts it rests on), the outcome and
milestone tables, and every figure that applies; with comparison results
it adds the same tables and figures side by side.

The package has one module per part of the report:

- :mod:`tradesim.report.tables`: the data (fact statements, parameter
  sources, the assumptions, outcome and milestone tables, the key findings);
- :mod:`tradesim.report.figures`: the figures, with headings and captions;
- :mod:`tradesim.report.html`: the HTML page;
- :mod:`tradesim.report.pdf`: the PDF.

The main names of each (the ``__all__`` of this package) are importable
from ``tradesim.report`` itself.

This package reads no files: the fact sheet (``seeds/facts.yaml``) is
passed in as data, already read by the caller (the ``tradesim report``
command reads it with :func:`tradesim.io.read_data`).  Files are written
atomically (temporary file, then rename).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .figures import ReportFigure, report_figures
from .html import render_html
from .pdf import write_pdf
from .tables import (
    assumptions_table,
    fact_statements,
    milestone_table,
    outcome_table,
    parameter_sources,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..results import Results


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
    from ..store import atomic_write, write_text

    out = Path(out_dir)
    figures = report_figures(results, compare)
    for item in figures:
        atomic_write(out / "figures" / f"{item.stem}.png",
                      lambda tmp, item=item: tmp.write_bytes(item.png))
    write_text(out / "report.html", render_html(results, compare, facts, figures))
    write_pdf(out / "report.pdf", results, compare, facts, figures)
    return {"html": out / "report.html", "pdf": out / "report.pdf",
            "figures": out / "figures"}
