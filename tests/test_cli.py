"""The command line: outputs, exit codes, and no tracebacks on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tradesim.cli import main

ROOT = Path(__file__).resolve().parents[1]
LONDON = str(ROOT / "scenarios" / "london-2025.yaml")


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tradesim", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)


def test_run_json_is_byte_identical_for_a_seed(capsys):
    assert main(["run", LONDON, "--runs", "300", "--seed", "5", "--format", "json"]) == 0
    first = capsys.readouterr().out
    assert main(["run", LONDON, "--runs", "300", "--seed", "5", "--format", "json",
                 "--chunk-size", "7"]) == 0
    assert capsys.readouterr().out == first
    data = json.loads(first)
    assert set(data) == {"scenario", "runs", "seed", "start_date", "horizon_weeks", "outcomes",
                         "milestones", "series", "losses", "parameter_sets",
                         "runs_per_parameter_set", "intervals"}
    assert data["parameter_sets"] == 3 and data["runs_per_parameter_set"] == 100
    assert set(data["intervals"]) == {"ci95", "parameter_range_q05_q95", "variance_share"}
    for record in [*data["outcomes"].values(), *data["milestones"].values()]:
        assert {"ci95", "parameter_range_q05_q95", "variance_share"} <= set(record)
    losses = data["losses"]
    assert set(losses["sectors"]) == {"autos_ev", "semiconductors", "defense", "chip_design",
                                      "petrochemicals", "aviation", "ai_compute"}
    assert set(losses["countries"]) == {"us", "china"}
    for row in [*losses["sectors"].values(), *losses["countries"].values()]:
        assert 0.0 <= row["q05"] <= row["q50"] <= row["q95"]
        assert row["mean"] >= 0.0
    assert data["start_date"] == "2025-06-11" and data["runs"] == 300
    assert sum(v["probability"] for v in data["outcomes"].values()) == pytest.approx(1.0, abs=1e-5)
    cdf = data["milestones"]["approved"]["cdf"]
    assert len(cdf) == data["horizon_weeks"] + 1
    assert {"china.magnets", "us.eda_software", "supply.magnets"} <= set(data["series"])
    band = data["series"]["supply.magnets"]
    assert len(band["q05"]) == len(band["mean"]) == len(cdf)


def test_run_table(capsys):
    assert main(["run", LONDON, "--runs", "200", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "95% MC interval" in out and "5-95% across parameter sets" in out
    assert "median week" in out and "holding" in out and "not reached by most runs" in out


def test_validate_ok_and_bad(tmp_path, capsys):
    assert main(["validate", LONDON]) == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(Path(LONDON).read_text().replace("horizon_weeks: 104", "horizon_weeks: -3"))
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: horizon_weeks: -3 is not allowed" in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "missing.yaml"], "missing.yaml: no such file"),
        (["run", LONDON, "--runs", "0"], "must be at least 1"),
        (["run", LONDON, "--runs", "many"], "expected a whole number"),
        (["run", LONDON, "--seed", "-4"], "must be non-negative"),
        (["exact", "tft", "tit_for_tat"], "did you mean 'tit_for_tat'"),
        (["exact", "tit_for_tat", "tit_for_tat", "--noise", "2"], "must be in [0, 1]"),
        (["validate", str(ROOT / "README.md")], "unknown file type '.md'"),
        ([], "usage"),
    ],
)
def test_bad_input_exits_2_with_a_message_and_no_traceback(args, expected):
    result = cli(*args)
    assert result.returncode == 2
    assert expected in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_schema_prints_json():
    result = cli("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "tradesim scenario"


def test_exact_prints_the_table():
    result = cli("exact", "tit_for_tat", "tit_for_tat", "--noise", "0.1", "--turns", "10")
    assert result.returncode == 0
    assert "stationary distribution" in result.stdout
    assert "0.25" in result.stdout  # TFT v TFT under noise: a quarter in each state


def test_cli_report(tmp_path, capsys):
    variant = tmp_path / "variant.yaml"
    variant.write_text(f"extends: {LONDON}\nname: variant\nhorizon_weeks: 30\n"
                       "economy: {truce_hazard: 0.02}\n", encoding="utf-8")
    base = tmp_path / "base.yaml"
    base.write_text(f"extends: {LONDON}\nhorizon_weeks: 30\n", encoding="utf-8")
    out = tmp_path / "report"
    code = main(["report", str(base), "--out", str(out), "--runs", "150", "--seed", "5",
                 "--compare", str(variant)])
    printed = capsys.readouterr().out
    assert code == 0
    assert "london-2025: 150 runs, seed 5" in printed and "variant: 150 runs, seed 5" in printed
    assert (out / "report.html").is_file() and (out / "report.pdf").is_file()
    assert (out / "figures" / "compare_outcomes.png").is_file()
    # The fact sheet was not beside tmp_path's folder: sources by id only, said so.
    assert "facts:" in printed


def test_cli_report_bad_input(tmp_path, capsys):
    code = main(["report", LONDON, "--out", str(tmp_path / "r"),
                 "--compare", str(tmp_path / "missing.yaml")])
    assert code == 2
    assert "missing.yaml" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()  # nothing ran, nothing written
    with pytest.raises(SystemExit) as exit_info:
        main(["report", LONDON, "--out", str(tmp_path), "--runs", "0"])
    assert exit_info.value.code == 2
