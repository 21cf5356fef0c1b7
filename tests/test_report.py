"""Tests of tradesim.report and the ``tradesim report`` command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import tradesim
from tradesim import io, report
from tradesim.cli import main

ROOT = Path(__file__).resolve().parents[1]
LONDON = ROOT / "scenarios" / "london-2025.yaml"


@pytest.fixture(scope="module")
def scenario():
    data = io.read_data(LONDON)
    return tradesim.validate_scenario(io.merge(data, {"horizon_weeks": 40}))


@pytest.fixture(scope="module")
def results(scenario):
    return tradesim.run(scenario, runs=200, seed=3)


@pytest.fixture(scope="module")
def facts():
    return io.read_data(ROOT / "seeds" / "facts.yaml")


def test_parameter_sources_come_from_the_owning_object(scenario):
    sources = report.parameter_sources(scenario)
    assert set(sources) == set(scenario.parameter_paths())
    lag = sources["actors.china.instruments.magnets.lag_weeks"]
    assert lag[0] == "china-re-controls-2025-04-04"
    assert sources["actors.us.strategy.forgiveness"] == ("us-violation-claim-2025-05-30",
                                                        "leaders-call-2025-06-05")
    assert sources["framework.commitments.us.chips.target"] == ("hassett-chips-2025-06-11",
                                                                "assumption")
    assert sources["approval.china.weekly_hazard"][0] == "london-framework-2025-06-11"
    # A good without sources of its own does not borrow the economy's.
    assert sources["economy.goods.eda_software.baseline_flow_per_week"] == ()


def test_assumptions_table(scenario, facts):
    table = report.assumptions_table(scenario, facts)
    row = table.loc["actors.china.instruments.magnets.level"]
    assert row["value"] == "triangular(0.75, 0.9, 0.97)" and row["uncertain"]
    assert "mofcom-licence-limit" in row["sources"]
    assert "45 working days" in row["statements"]
    assert not table.loc["monitoring.china.threshold", "uncertain"]
    bare = report.assumptions_table(scenario)
    assert (bare["statements"] == "").all()


def test_fact_statements():
    index = report.fact_statements({"facts": [{"id": "a", "statement": "One\n  two.",
                                               "source": "Reuters", "date": "2025-06-11"},
                                              {"no": "id"}]})
    assert index == {"a": {"statement": "One two.", "source": "Reuters", "date": "2025-06-11"}}
    assert report.fact_statements(None) == {}


def test_summary_tables(results):
    outcomes = report.outcome_table([results, results])
    assert outcomes.shape == (len(tradesim.OUTCOMES), 2)
    assert re.fullmatch(r"\d+\.\d% \[\d+\.\d, \d+\.\d\]", outcomes.iloc[2, 0])
    milestones = report.milestone_table(results)
    assert list(milestones.columns) == ["london-2025: reached", "london-2025: median date"]
    assert "Approved by both leaders" in milestones.index


def test_write_report(results, facts, tmp_path):
    data = io.read_data(LONDON)
    other = tradesim.run(tradesim.validate_scenario(io.merge(
        data, {"name": "slow <china>", "horizon_weeks": 40})), runs=200, seed=3)
    written = report.write_report(results, tmp_path, compare=[other], facts=facts)
    page = written["html"].read_text(encoding="utf-8")
    figures = sorted(p.stem for p in written["figures"].glob("*.png"))
    assert {"outcomes", "milestones", "phases", "restrictions", "supply_chain",
            "compare_outcomes", "compare_phases", "game_cooperation"} <= set(figures)
    assert page.count("data:image/png;base64,") == len(figures)
    assert "slow &lt;china&gt;" in page and "slow <china>" not in page  # escaped
    assert 'id="fact-mofcom-licence-limit"' in page  # the fact behind the licence lag
    assert "<td><code>actors.china.instruments.magnets.lag_weeks</code></td>" in page
    pdf = written["pdf"].read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(
        b"/Type /Page ") >= len(figures)
    assert not [p for p in tmp_path.rglob(".*") if p.name.endswith(".tmp")]


def test_report_module_reads_no_files():
    source = (ROOT / "tradesim" / "report.py").read_text(encoding="utf-8")
    for forbidden in ("open(", "read_text(", "read_bytes(", "read_data(", "print("):
        assert forbidden not in source


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
    code = main(["report", str(LONDON), "--out", str(tmp_path / "r"),
                 "--compare", str(tmp_path / "missing.yaml")])
    assert code == 2
    assert "missing.yaml" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()  # nothing ran, nothing written
    with pytest.raises(SystemExit) as exit_info:
        main(["report", str(LONDON), "--out", str(tmp_path), "--runs", "0"])
    assert exit_info.value.code == 2
