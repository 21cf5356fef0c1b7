"""Tests of tradesim.report.tables: fact statements, parameter sources, the tables."""

from __future__ import annotations

import re

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
