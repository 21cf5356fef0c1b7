"""Tests of tradesim.report.pdf: the PDF's sections, pages, contents and vector figures."""

from __future__ import annotations

import io
import re

import pytest
from markupsafe import escape
from pypdf import PdfReader

from tradesim import report


def _text(reader: PdfReader) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def _images(obj, seen=None) -> set:
    """Raster images (Image XObjects) in a page's or form's resources, forms included.

    Each image once, by its object number (pages may share their resources).
    """
    seen = set() if seen is None else seen
    resources = obj.get("/Resources")
    if resources is None:
        return seen
    xobjects = resources.get_object().get("/XObject")
    for ref in (xobjects.get_object().values() if xobjects is not None else ()):
        x = ref.get_object()
        if x.get("/Subtype") == "/Image":
            seen.add(ref.idnum if hasattr(ref, "idnum") else id(x))
        elif x.get("/Subtype") == "/Form":
            _images(x, seen)
    return seen


def test_pdf_is_a4_with_page_numbers(pdf_reader):
    pages = pdf_reader.pages
    assert len(pages) >= 5
    for page in pages:
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    for k, text in enumerate(_text(pdf_reader), start=1):
        assert f"page {k} of {len(pages)}" in text


def test_pdf_has_the_html_sections_contents_and_bookmarks(written, pdf_reader, results,
                                                          other):
    html = written["html"].read_text(encoding="utf-8")
    titles = re.findall(r'<section id="[a-z]+"><h2>(.*?)</h2>', html)
    assert titles == list(report.SECTIONS.values())
    pages = _text(pdf_reader)
    outline = {item.title: pdf_reader.get_destination_page_number(item)
               for item in pdf_reader.outline}
    assert list(outline) == titles
    first = pages[0]
    assert "Contents" in first
    for title in titles:
        page = outline[title]
        assert title in pages[page]  # the section starts where its bookmark points
        assert f"{title} {page + 1}" in first  # and the contents give that page
    # The same sentences in both: the executive summary's answer, the drivers' command.
    answer = report.executive_summary(results, [other])[0]
    assert str(escape(answer)) in html and answer in " ".join(pages)
    assert "tradesim sensitivity SCENARIO" in " ".join(pages)


def test_pdf_figures_are_vector(pdf_reader, results, other):
    """No figure is a raster image in the PDF: each is drawn as vector graphics."""
    figures = report.report_figures(results, [other])
    assert len(figures) >= 6
    # Rasters a figure has even as vector graphics (an image plot), if any.
    own = 0
    for item in figures:
        buffer = io.BytesIO()
        item.figure.savefig(buffer, format="pdf")
        own += len(_images(PdfReader(buffer).pages[0]))
    assert own < len(figures)
    found: set = set()
    for page in pdf_reader.pages:
        _images(page, found)
    assert len(found) == own


def test_pdf_letter(results, tmp_path):
    path = report.write_pdf(tmp_path / "letter.pdf", results, figures=[], paper="letter")
    reader = PdfReader(path)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    with pytest.raises(ValueError, match="paper"):
        report.write_pdf(tmp_path / "x.pdf", results, figures=[], paper="a5")
