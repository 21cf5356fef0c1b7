"""The report as a PDF: the same sections as the HTML, with contents and page numbers.

The pages (A4 by default, or US letter) are matplotlib figures written
with :class:`matplotlib.backends.backend_pdf.PdfPages`: text and tables flow
down them, leaving room for each figure.  The layout runs twice: a dry
pass finds the page of every section, so the contents on the first page
can give it; the second draws, with "page k of n" at the foot of each page.
Each figure is then drawn into its room as vector graphics (the figure
saved as PDF and placed with :mod:`pypdf`, not as a picture of itself), and
the sections become the PDF's bookmarks.
"""

from __future__ import annotations

import io as _bytes_io
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import plots
from .context import report_context
from .figures import ReportFigure, report_figures
from .html import PAPERS, check_paper

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

    from ..results import Results

__all__ = ["render_pdf", "write_pdf"]

_MARGIN = 0.75
_CHAR = 0.53 / 72  # width of an average DejaVu Sans character per point of size, inches
_MONO = 0.61 / 72  # width of a DejaVu Sans Mono character per point of size, inches


def _wrap(text: str, size: float, width_in: float, char: float = _CHAR) -> list[str]:
    chars = max(10, int(width_in / (size * char)))
    return textwrap.wrap(text, width=chars, break_on_hyphens=False) or [""]


class _Flow:
    """Text, tables and room for figures flowing down the pages of a PDF.

    With ``pdf=None`` the flow is dry: it counts pages and records where
    each section starts, drawing nothing.
    """

    def __init__(self, pdf: Any, size: tuple[float, float], title: str = "",
                 total: int = 0) -> None:
        self.pdf = pdf
        self.size = size
        self.title = title
        self.total = total
        self.page: Figure | None = None
        self.number = 0  # pages started
        self.y = 0.0
        self.anchors: dict[str, int] = {}
        self.placements: list[tuple[int, float, float, float, ReportFigure]] = []

    @property
    def width(self) -> float:
        return self.size[0] - 2 * _MARGIN

    def new_page(self) -> None:
        self.close_page()
        self.number += 1
        self.y = self.size[1] - _MARGIN
        if self.pdf is not None:
            from matplotlib.figure import Figure

            self.page = Figure(figsize=self.size)

    def close_page(self) -> None:
        if self.page is not None:
            foot = f"{self.title} - page {self.number} of {self.total}"
            self.page.text(0.5, 0.45 * _MARGIN / self.size[1], foot, fontsize=7.5,
                           ha="center", va="center", color="#555555")
            self.pdf.savefig(self.page)
            self.page = None

    def room(self, height: float) -> None:
        if self.number == 0 or self.y - height < _MARGIN:
            self.new_page()

    def _text(self, x: float, text: str, size: float, **kwargs: Any) -> None:
        if self.page is not None:
            kwargs.setdefault("ha", "left")
            self.page.text(x / self.size[0], self.y / self.size[1], text, fontsize=size,
                           va="top", **kwargs)

    def paragraph(self, text: str, size: float = 9.0, weight: str = "normal",
                  after: float = 0.6, indent: float = 0.0, bullet: str = "",
                  mono: bool = False) -> None:
        char = _MONO if mono else _CHAR
        lines = _wrap(text, size, self.width - indent, char)
        line = size * 1.3 / 72
        # Keep a heading with at least a few lines of what follows it.
        self.room(len(lines) * line + (1.0 if weight == "bold" else 0.0))
        extra = {"family": "monospace"} if mono else {}
        if bullet:
            self._text(_MARGIN + indent - 0.15, bullet, size)
        for text_line in lines:
            self._text(_MARGIN + indent, text_line, size, fontweight=weight, **extra)
            self.y -= line
        self.y -= size * after / 72

    def heading(self, title: str, anchor: str) -> None:
        self.paragraph(title, 13, "bold", after=0.5)
        # The heading may have started a page: it is on the page now in use.
        self.anchors[anchor] = self.number

    def contents(self, entries: Sequence[tuple[str, str]], pages: dict[str, int]) -> None:
        self.paragraph("Contents", 13, "bold", after=0.4)
        line = 10 * 1.4 / 72
        for anchor, title in entries:
            self.room(line)
            self._text(_MARGIN + 0.1, title, 10)
            number = pages.get(anchor)
            self._text(self.size[0] - _MARGIN, "" if number is None else str(number), 10,
                       ha="right")
            self.y -= line
        self.y -= 0.2

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]],
              widths: Sequence[float], size: float = 7.0,
              bold: Sequence[bool] = ()) -> None:
        """Columns ``widths`` inches wide, cells wrapped; the header repeats on new pages."""
        line = size * 1.25 / 72
        x = [_MARGIN]
        for w in widths[:-1]:
            x.append(x[-1] + w + 0.1)

        def head() -> None:
            cells = [_wrap(h, size * 1.15, w) for h, w in zip(header, widths, strict=True)]
            for xi, cell in zip(x, cells, strict=True):
                self._text(xi, "\n".join(cell), size, fontweight="bold", linespacing=1.15)
            self.y -= line * max(len(c) for c in cells) + 0.05

        self.room(4 * line)
        head()
        for k, row in enumerate(rows):
            cells = [_wrap(str(c), size, w) for c, w in zip(row, widths, strict=True)]
            height = max(len(c) for c in cells) * line + 0.035
            if self.y - height < _MARGIN:
                self.new_page()
                head()
            weight = "bold" if k < len(bold) and bold[k] else "normal"
            for j, (xi, cell) in enumerate(zip(x, cells, strict=True)):
                self._text(xi, "\n".join(cell), size, linespacing=1.15,
                           fontweight=weight if j == 2 else "normal")
            self.y -= height
        self.y -= 0.15

    def figure(self, item: ReportFigure) -> None:
        """Room for a figure at its own size (shrunk to fit), with heading and caption."""
        w, h = item.figure.get_size_inches()
        scale = min(1.0, self.width / w, (self.size[1] - 2 * _MARGIN - 1.0) / h)
        w, h = w * scale, h * scale
        caption = _wrap(item.caption, 8, self.width)
        self.room(0.3 + h + 0.15 + len(caption) * 8 * 1.3 / 72 + 0.2)
        self._text(_MARGIN, item.heading, 10.5, fontweight="bold")
        self.y -= 0.3
        left = (self.size[0] - w) / 2
        if self.pdf is not None:
            self.placements.append((self.number - 1, left * 72, (self.y - h) * 72, scale,
                                    item))
        self.y -= h + 0.1
        self._text(_MARGIN, "\n".join(caption), 8, color="#333333", linespacing=1.2)
        self.y -= len(caption) * 8 * 1.3 / 72 + 0.35


def _widths(header: Sequence[str], rows: Sequence[Sequence[str]], size: float,
            room: float) -> list[float]:
    """Column widths in inches that fit each column's longest entry, within ``room``."""
    columns = [[str(h), *(str(r[j]) for r in rows)] for j, h in enumerate(header)]
    # Headers are bold, about 15% wider than regular text.
    widths = [min(2.2, max(1.15 * len(col[0]), *map(len, col[1:])) * size * _CHAR + 0.05)
              for col in columns]
    room -= 0.1 * (len(widths) - 1)
    if sum(widths) > room:
        widths = [w * room / sum(widths) for w in widths]
    return widths


def _lay_out(flow: _Flow, context: dict[str, Any], pages: dict[str, int]) -> None:
    """Every section of ``context`` down the pages of ``flow``."""
    flow.paragraph(context["title"], 18, "bold")
    flow.paragraph(context["run_line"], 9)
    if context["description"]:
        flow.paragraph(context["description"], 10)
    for line in context["compared"]:
        flow.paragraph(f"Compared with {line}", 9)
    flow.contents([(s["id"], s["title"]) for s in context["sections"]], pages)
    facts = context["facts"]
    for section in context["sections"]:
        if section["id"] in ("figures", "assumptions"):
            flow.new_page()
        flow.heading(section["title"], section["id"])
        for block in section["blocks"]:
            kind = block["kind"]
            if kind == "paragraph":
                flow.paragraph(block["text"], 9.5)
                if block.get("code"):
                    flow.paragraph(block["code"], 9, indent=0.3, mono=True)
                if block.get("after"):
                    flow.paragraph(block["after"], 9.5)
            elif kind == "list":
                for item in block["items"]:
                    flow.paragraph(item, 9.5, after=0.35, indent=0.25, bullet="-")
                flow.y -= 0.05
            elif kind == "table":
                flow.paragraph(block["caption"], 10, "bold", after=0.4)
                flow.table(block["header"], block["rows"],
                           _widths(block["header"], block["rows"], 7.0, flow.width))
            elif kind == "figure":
                flow.figure(block["figure"])
            elif kind == "assumptions":
                rows = [[r["name"], r["path"], ("* " if r["uncertain"] else "") + r["value"],
                         ", ".join(r["sources"]) or "-"] for r in block["rows"]]
                room = flow.width - 0.3
                widths = [room * f for f in (0.30, 0.30, 0.14, 0.26)]
                flow.table(["parameter (unit)", "path", "value", "sources"], rows, widths,
                           size=6.3, bold=[r["uncertain"] for r in block["rows"]])
                if not facts:
                    flow.paragraph("No fact sheet was available, so the sources are given "
                                   "by id only.", 8)
            elif kind == "sources":
                rows = [[e["id"], f"{e['statement']} ({e['cite']})"] for e in block["entries"]]
                first = min(2.0, 0.3 * flow.width)
                flow.table(["fact id", "statement (source, date)"], rows,
                           [first, flow.width - first - 0.1], size=7)
    flow.paragraph(context["footer"], 8)
    flow.close_page()


def render_pdf(context: dict[str, Any], paper: str = "a4") -> bytes:
    """Lay a report context out as PDF pages, figures as vector graphics.

    Parameters
    ----------
    context : dict
        As :func:`tradesim.report.context.report_context` returns it.
    paper : {"a4", "letter"}
        A4 (595 x 842 pt) or US letter (612 x 792 pt).

    Returns
    -------
    bytes
        The PDF file.
    """
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages
    from pypdf import PdfReader, PdfWriter, Transformation

    size = PAPERS[check_paper(paper)][0]
    dry = _Flow(None, size)
    _lay_out(dry, context, {})
    buffer = _bytes_io.BytesIO()
    metadata = {"Title": context["title"], "Creator": None, "Producer": None,
                "CreationDate": None}
    with matplotlib.rc_context(plots.STYLE), PdfPages(buffer, metadata=metadata) as pdf:
        flow = _Flow(pdf, size, context["title"], total=dry.number)
        _lay_out(flow, context, dry.anchors)
    if flow.anchors != dry.anchors or flow.number != dry.number:  # pragma: no cover
        raise RuntimeError("the report's layout differs between its two passes")
    writer = PdfWriter(clone_from=PdfReader(_bytes_io.BytesIO(buffer.getvalue())))
    for page, left, bottom, scale, item in flow.placements:
        vector = _bytes_io.BytesIO()
        item.figure.savefig(vector, format="pdf", metadata={"Creator": None,
                                                              "Producer": None,
                                                              "CreationDate": None})
        drawing = PdfReader(vector).pages[0]
        writer.pages[page].merge_transformed_page(
            drawing, Transformation().scale(scale).translate(left, bottom))
    for section in context["sections"]:
        writer.add_outline_item(title=section["title"],
                                page_number=flow.anchors[section["id"]] - 1)
    writer.add_metadata({"/Title": context["title"]})
    out = _bytes_io.BytesIO()
    writer.write(out)
    return out.getvalue()


def write_pdf(
    path: str | Path,
    results: Results,
    compare: Sequence[Results] = (),
    facts: Any = None,
    figures: Sequence[ReportFigure] | None = None,
    *,
    sensitivity: pd.DataFrame | None = None,
    paper: str = "a4",
    context: dict[str, Any] | None = None,
) -> Path:
    """Write the report as a PDF, with the same sections as the HTML.

    Parameters
    ----------
    path : str or Path
        The PDF file, written atomically.
    results, compare, facts, figures, sensitivity
        As for :func:`tradesim.report.render_html`.
    paper : {"a4", "letter"}
        Page size: A4 (the default) or US letter.
    context : dict, optional
        A context already built by :func:`tradesim.report.context.report_context`
        (then ``compare``, ``facts``, ``figures`` and ``sensitivity`` are not used).

    Returns
    -------
    Path
    """
    from ..store import atomic_write

    if context is None:
        if figures is None:
            figures = report_figures(results, compare)
        context = report_context(results, compare, facts, figures, sensitivity)
    data = render_pdf(context, paper)
    atomic_write(Path(path), lambda tmp: tmp.write_bytes(data))
    return Path(path)
