"""Tests of tradesim.report.html: the self-contained HTML page."""

from __future__ import annotations


def test_html_page(written):
    page = written["html"].read_text(encoding="utf-8")
    figures = sorted(p.stem for p in written["figures"].glob("*.png"))
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("data:image/png;base64,") == len(figures)
    assert "slow &lt;china&gt;" in page and "slow <china>" not in page  # escaped
    assert 'id="fact-mofcom-licence-limit"' in page  # the fact behind the licence lag
    assert "<td><code>actors.china.instruments.magnets.lag_weeks</code></td>" in page
