"""The report as a PDF: a title page, the tables, every figure and the sources.

The pages are matplotlib figures (US letter) written with
:class:`matplotlib.backends.backend_pdf.PdfPages`; text, tables and figures
flow down them.
"""

from __future__ import annotations

import io as _bytes_io
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import plots
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
    from matplotlib.figure import Figure

    from ..results import Results

__all__ = ["write_pdf"]

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

    from ..store import atomic_write

    if figures is None:
        figures = report_figures(results, compare)
    everything = [results, *compare]
    index = fact_statements(facts)
    scenario = results.scenario

    def write(tmp: Path) -> None:
        metadata = {"Title": report_title(results), "Creator": None, "Producer": None,
                    "CreationDate": None}
        with matplotlib.rc_context(plots.STYLE), PdfPages(tmp, metadata=metadata) as pdf:
            flow = _PdfFlow(pdf)
            flow.paragraph(report_title(results), 18, "bold")
            flow.paragraph(run_line(results), 9)
            if scenario.description:
                flow.paragraph(" ".join(scenario.description.split()), 10)
            for r in compare:
                flow.paragraph(f"Compared with {r.scenario.name}: {run_line(r)}", 9)
            flow.paragraph("Key results", 12, "bold")
            for line in key_findings(results):
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
