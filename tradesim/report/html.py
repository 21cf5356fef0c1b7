"""The report as one self-contained HTML page: every figure embedded as a base64 PNG.

The page is the Jinja2 template ``templates/report.html.j2`` (shipped with
the package) filled with :func:`tradesim.report.context.report_context`,
the same content the PDF lays out.  Autoescaping is on: every string of
the context is escaped.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .context import report_context
from .figures import ReportFigure, report_figures

if TYPE_CHECKING:  # pragma: no cover
    import jinja2
    import pandas as pd

    from ..results import Results

__all__ = ["PAPERS", "render_context", "render_html"]

#: Paper sizes of the report: name -> (width, height) in inches, and CSS name.
PAPERS = {"a4": ((210 / 25.4, 297 / 25.4), "A4"), "letter": ((8.5, 11.0), "letter")}


@functools.cache
def _environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("tradesim.report", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True)
    env.filters["b64"] = lambda data: base64.b64encode(data).decode("ascii")
    return env


def check_paper(paper: str) -> str:
    """``paper`` lower-cased, if it is one of :data:`PAPERS`; else ValueError."""
    key = str(paper).lower()
    if key not in PAPERS:
        raise ValueError(f"unknown paper size {paper!r}; choose from {', '.join(PAPERS)}")
    return key


def render_context(context: dict[str, Any], paper: str = "a4") -> str:
    """Fill the HTML template with a report context.

    Parameters
    ----------
    context : dict
        As :func:`tradesim.report.context.report_context` returns it.
    paper : {"a4", "letter"}
        The page size the page prints on (CSS ``@page``).

    Returns
    -------
    str
    """
    template = _environment().get_template("report.html.j2")
    return template.render(**context, paper_css=PAPERS[check_paper(paper)][1])


def render_html(
    results: Results,
    compare: Sequence[Results] = (),
    facts: Any = None,
    figures: Sequence[ReportFigure] | None = None,
    *,
    sensitivity: pd.DataFrame | None = None,
    paper: str = "a4",
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
    sensitivity : DataFrame, optional
        A sensitivity table for the section "What drives the answer".
    paper : {"a4", "letter"}
        The page size when printed.

    Returns
    -------
    str
    """
    if figures is None:
        figures = report_figures(results, compare)
    context = report_context(results, compare, facts, figures, sensitivity)
    return render_context(context, paper)
