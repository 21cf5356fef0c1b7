"""Tests of the report's options on the command line: --paper, --tables, --sensitivity."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pypdf import PdfReader

from tradesim.cli import main

ROOT = Path(__file__).resolve().parents[2]
LONDON = ROOT / "scenarios" / "london-2025.yaml"


def test_cli_report_options(tmp_path, capsys, sensitivity):
    base = tmp_path / "base.yaml"
    base.write_text(f"extends: {LONDON}\nhorizon_weeks: 20\n", encoding="utf-8")
    table = tmp_path / "sobol.csv"
    sensitivity.to_csv(table, index=False)
    out = tmp_path / "report"
    code = main(["report", str(base), "--out", str(out), "--runs", "100", "--seed", "5",
                 "--paper", "letter", "--tables", "csv", "--sensitivity", str(table)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert f"tables in {out / 'tables'}/" in printed
    box = PdfReader(out / "report.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    assert {p.suffix for p in (out / "tables").iterdir()} == {".csv"}
    back = pd.read_csv(out / "tables" / "sensitivity.csv")
    assert back["ST"].dtype == float and back["ST"].iloc[0] == 0.61
    assert "0.61 [0.50, 0.70]" in (out / "report.html").read_text(encoding="utf-8")


def test_cli_report_bad_options(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("parameter,S1\nx,0.1\n", encoding="utf-8")
    out = tmp_path / "r"
    assert main(["report", str(LONDON), "--out", str(out), "--sensitivity", str(bad)]) == 2
    assert "ST_lo" in capsys.readouterr().err
    assert main(["report", str(LONDON), "--out", str(out),
                 "--sensitivity", str(tmp_path / "missing.csv")]) == 2
    assert "no such sensitivity table" in capsys.readouterr().err
    assert not out.exists()  # nothing ran, nothing written
    for flag in (["--tables", "docx"], ["--paper", "a3"]):
        try:
            main(["report", str(LONDON), "--out", str(out), *flag])
        except SystemExit as exc:
            assert exc.code == 2
        else:  # pragma: no cover
            raise AssertionError(flag)
