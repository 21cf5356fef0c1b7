"""Tests of tradesim.report.html: the self-contained HTML page, from its template."""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path

from tradesim import report

ROOT = Path(__file__).resolve().parents[2]


def test_html_page(written):
    page = written["html"].read_text(encoding="utf-8")
    figures = sorted(p.stem for p in written["figures"].glob("*.png"))
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("data:image/png;base64,") == len(figures)
    assert "slow &lt;china&gt;" in page and "slow <china>" not in page  # escaped
    assert 'id="fact-mofcom-licence-limit"' in page  # the fact behind the licence lag
    assert "<td><code>actors.china.instruments.magnets.lag_weeks</code></td>" in page
    # The parameter in words, with its unit, beside its path.
    assert "<td>China, instrument magnets: lag (weeks)</td>" in page
    assert "@page { size: A4;" in page


def test_html_has_every_section_and_contents(written):
    page = written["html"].read_text(encoding="utf-8")
    for key, title in report.SECTIONS.items():
        assert f'<section id="{key}"><h2>{title}</h2>' in page
        assert f'<li><a href="#{key}">{title}</a></li>' in page
    # No sensitivity table was given: the section says so and gives the command.
    drivers = page.split('<section id="drivers">')[1].split("</section>")[0]
    assert "No sensitivity analysis was given" in drivers
    assert "<code>tradesim sensitivity SCENARIO</code>" in drivers
    summary = page.split('<section id="summary">')[1].split("</section>")[0]
    assert "95% Monte Carlo interval" in summary
    # The comparison has the same draws under another name: the same share, said so.
    assert "In slow &lt;china&gt; the outcome" in summary and ", as in london-2025." in summary


def test_html_with_sensitivity(results, sensitivity):
    page = report.render_html(results, figures=[], sensitivity=sensitivity, paper="letter")
    assert "@page { size: letter;" in page
    drivers = page.split('<section id="drivers">')[1].split("</section>")[0]
    assert "tradesim sensitivity SCENARIO" not in drivers
    rows = re.findall(r"<tr><th>(.*?)</th><td", drivers)
    top = report.parameter_label(results.scenario, sensitivity.parameter[1])
    assert rows[0] == top and len(rows) == 3  # sorted by total-order index
    assert "0.61 [0.50, 0.70]" in drivers


def test_templates_ship_with_the_package():
    template = resources.files("tradesim.report") / "templates" / "report.html.j2"
    assert template.is_file()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "report/templates/*" in config["tool"]["setuptools"]["package-data"]["tradesim"]
