"""Tests of tradesim.report.pdf: the PDF."""

from __future__ import annotations


def test_pdf_has_a_page_per_figure(written):
    figures = list(written["figures"].glob("*.png"))
    pdf = written["pdf"].read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(
        b"/Type /Page ") >= len(figures)
