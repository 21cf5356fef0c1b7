"""Tests of tradesim.report.tables: fact statements, parameter sources, the tables."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import tradesim
from tradesim import report
from tradesim.report import tables


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
    data = scenario.model_dump()
    data["economy"]["goods"] = [dict(g, source=()) if g["id"] == "eda_software" else g
                                for g in data["economy"]["goods"]]
    unsourced = report.parameter_sources(tradesim.validate_scenario(data))
    assert unsourced["economy.goods.eda_software.baseline_flow_per_week"] == ()
    assert sources["economy.goods.eda_software.baseline_flow_per_week"] == (
        "us-eda-china-market-share", "assumption")


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


def test_summary_lines(results):
    assert tables.report_title(results) == "tradesim report: london-2025"
    line = tables.run_line(results)
    assert line.startswith("200 runs, seed 3, 40 weeks from 2025-06-11 to ")
    assert line.endswith(f"; tradesim {tradesim.__version__}")
    findings = tables.key_findings(results)
    assert len(findings) == 5 and findings[0].startswith("The framework is holding")


def test_numeric_tables(results, other):
    outcomes = report.outcome_data([results, other])
    assert len(outcomes) == 2 * len(tradesim.OUTCOMES)
    for column in ("probability", "ci95_low", "ci95_high", "set_q05", "set_q95"):
        assert outcomes[column].dtype == np.float64
    first = outcomes[outcomes.scenario == "london-2025"].set_index("outcome")
    summary = results.summary().outcomes
    assert np.allclose(first["probability"], summary.loc[first.index, "probability"])
    assert set(outcomes.scenario) == {"london-2025", "slow <china>"}
    milestones = report.milestone_data(results)
    assert milestones["reached_by_horizon"].dtype == np.float64
    assert milestones["median_week"].dtype == np.float64


def test_losses_by_sector_and_country_add_up(results, other):
    data = report.loss_data([results, other])
    for column in ("mean", "q05", "q50", "q95"):
        assert data[column].dtype == np.float64
    mine = data[data.scenario == "london-2025"]
    sectors, countries = mine[mine.level == "sector"], mine[mine.level == "country"]
    assert len(sectors) == len(results.scenario.economy.sectors) and len(countries) == 2
    for actor, total in countries.set_index("id")["mean"].items():
        # The country's mean loss is the sum of its sectors' means (to the fixed-point grid).
        assert total == pytest.approx(sectors[sectors.actor == actor]["mean"].sum(), abs=1e-3)
    assert (mine["q05"] <= mine["q50"]).all() and (mine["q50"] <= mine["q95"]).all()
    table = report.loss_table([results, other])
    assert list(table.columns) == ["london-2025", "slow <china>"]
    assert table.index[-1].startswith("All modelled sectors in")
    assert all("(" in cell and "-" in cell for cell in table.iloc[:, 0])


def test_exports_round_trip_with_numbers(results, facts, tmp_path):
    frames = report.report_tables(results, facts=facts)
    written = report.export_tables(frames, tmp_path)
    assert {p.name for p in written["csv"]} == {"outcomes.csv", "milestones.csv",
                                                "assumptions.csv", "losses.csv"}
    back = pd.read_csv(tmp_path / "outcomes.csv")
    assert back["probability"].dtype == np.float64
    assert np.allclose(back["probability"], frames["outcomes"]["probability"])
    sheets = pd.read_excel(tmp_path / "tables.xlsx", sheet_name=None)
    assert set(sheets) == set(frames)
    excel = sheets["outcomes"]
    for column in ("probability", "ci95_low", "ci95_high"):
        assert excel[column].dtype == np.float64
        assert np.allclose(excel[column], frames["outcomes"][column])
    assert sheets["assumptions"]["uncertain"].dtype == bool
    latex = (tmp_path / "outcomes.tex").read_text(encoding="utf-8")
    assert "\\toprule" in latex and "\\midrule" in latex and "\\bottomrule" in latex
    assert "ci95\\_low" in latex  # escaped for LaTeX
    assert (tmp_path / "assumptions.tex").is_file()
    only = report.export_tables(frames, tmp_path / "csv", formats=["csv"])
    assert set(only) == {"csv"} and not (tmp_path / "csv" / "tables.xlsx").exists()
    with pytest.raises(ValueError, match="unknown table format"):
        report.export_tables(frames, tmp_path, formats=["docx"])


def test_written_tables(written):
    folder = written["tables"]
    assert {p.name for p in folder.iterdir()} == {
        "outcomes.csv", "milestones.csv", "assumptions.csv", "losses.csv", "outcomes.tex",
        "milestones.tex", "assumptions.tex", "losses.tex", "tables.xlsx"}
    back = pd.read_csv(folder / "outcomes.csv")
    assert set(back.scenario) == {"london-2025", "slow <china>"}


def test_sensitivity_table(scenario, sensitivity):
    table = report.sensitivity_table(sensitivity, scenario)
    assert list(table["ST"]) == sorted(sensitivity["ST"], reverse=True)
    assert table["name"].iloc[0] == report.parameter_label(scenario,
                                                           sensitivity["parameter"].iloc[1])
    bare = report.sensitivity_table(sensitivity.drop(columns="outcome"))
    assert (bare["outcome"] == "").all() and "name" not in bare
    with pytest.raises(ValueError, match="ST_hi"):
        report.sensitivity_table(sensitivity.drop(columns="ST_hi"))


def test_parameter_labels(scenario):
    label = report.parameter_label
    assert label(scenario, "actors.china.instruments.magnets.lag_weeks") == (
        "China, instrument magnets: lag (weeks)")
    assert label(scenario, "approval.us.weekly_hazard") == (
        "approval by United States: weekly hazard (probability a week)")
    assert report.parameter_unit(scenario, "actors.us.instruments.eda_software.impact") == (
        "USD bn a year")
    assert report.parameter_unit(scenario, "monitoring.china.threshold") == "nats"
    paths = scenario.parameter_paths()
    # Every parameter has a name; only a strategy's free-form parameters lack a unit.
    assert all(report.parameter_name(scenario, p) for p in paths)
    no_unit = [p for p in paths if not report.parameter_unit(scenario, p)]
    assert all(".strategy." in p for p in no_unit)
    table = report.assumptions_data(scenario)
    assert list(table.columns[:3]) == ["parameter", "name", "unit"]
