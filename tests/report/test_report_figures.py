"""Tests of tradesim.report.figures: which figures a report has, and their PNGs."""

from __future__ import annotations

from tradesim import report


def test_report_figures(results, other):
    alone = report.report_figures(results)
    stems = [item.stem for item in alone]
    assert {"outcomes", "milestones", "phases", "restrictions", "supply_chain",
            "game_cooperation"} <= set(stems)
    assert not [s for s in stems if s.startswith("compare_")]
    assert stems[-1] == "game_cooperation"
    compared = {item.stem for item in report.report_figures(results, [other])}
    assert {"compare_outcomes", "compare_milestones", "compare_phases"} <= compared
    item = alone[0]
    assert item.heading and item.caption
    assert item.png.startswith(b"\x89PNG") and item.png is item.png  # rendered once
