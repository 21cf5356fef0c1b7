"""Tests of tradesim.report.write_report: the files of a report, and no file read."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import tradesim.report

PACKAGE = Path(tradesim.report.__file__).parent


def test_write_report(written):
    folder = written["html"].parent
    assert written == {"html": folder / "report.html", "pdf": folder / "report.pdf",
                       "figures": folder / "figures", "tables": folder / "tables"}
    figures = sorted(p.stem for p in written["figures"].glob("*.png"))
    assert {"outcomes", "milestones", "phases", "restrictions", "supply_chain",
            "compare_outcomes", "compare_phases", "game_cooperation"} <= set(figures)
    assert not [p for p in folder.rglob(".*") if p.name.endswith(".tmp")]


def test_write_report_options(results, tmp_path):
    with pytest.raises(ValueError, match="paper"):
        tradesim.report.write_report(results, tmp_path / "a", paper="a3")
    with pytest.raises(ValueError, match="ST_lo"):
        tradesim.report.write_report(results, tmp_path / "b",
                                     sensitivity=pd.DataFrame({"parameter": ["x"]}))
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()  # checked first


def test_report_package_reads_no_files():
    """The package reads no files itself (its templates come through Jinja2's loader)."""
    modules = sorted(PACKAGE.glob("*.py"))
    assert {p.name for p in modules} >= {"__init__.py", "tables.py", "figures.py", "html.py",
                                         "pdf.py"}
    for module in modules:
        source = module.read_text(encoding="utf-8")
        for forbidden in ("open(", "read_text(", "read_bytes(", "read_data(", "print("):
            assert forbidden not in source, (module.name, forbidden)
