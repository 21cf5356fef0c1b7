"""The report on tariffs and measures held in reserve: the sentence, the milestones, the figure."""

from __future__ import annotations

import pytest

from tradesim import report
from tradesim.plots.tariffs import cut_kept_share
from tradesim.report.context import measures_sentence

NEW_MILESTONES = {"extended": "Time-limited cut extended",
                  "replaced": "Time-limited cut made permanent",
                  "lapsed": "Time-limited cut lapsed",
                  "escalation_via_new_measure": "Breakdown via new measure"}


def test_the_summary_says_how_often_the_cut_lapses_and_breakdowns_come_through_new_measures(
        results):
    p = results.summary().milestone_stats["probability"]
    via, broke = p["escalation_via_new_measure"], p["breakdown_1"]
    assert broke > 0
    sentence = measures_sentence(results)
    assert sentence == (
        f"The time-limited tariff cut lapses (at least one side lets it) in "
        f"{100 * p['lapsed']:.1f}% of runs by the horizon and is extended or made permanent in "
        f"{100 * cut_kept_share(results):.1f}%; {100 * via:.1f}% of runs break down through a "
        f"new measure held in reserve ({100 * via / broke:.1f}% of the runs that break down).")
    answer = report.executive_summary(results)[0]
    assert answer.endswith(sentence)
    assert len(report.executive_summary(results)) == 3  # no new paragraph


def test_the_milestone_tables_list_the_new_milestones_with_their_labels(results):
    table = report.milestone_table(results)
    for milestone, label in NEW_MILESTONES.items():
        reached = results.summary().milestones[milestone].iloc[-1]
        assert table.loc[label, "london-2025: reached"] == f"{reached:.1%}"
    data = report.milestone_data(results)
    assert set(NEW_MILESTONES) <= set(data["milestone"])
    assert data.set_index("milestone").loc["lapsed", "label"] == NEW_MILESTONES["lapsed"]


def test_the_report_has_the_figure_and_says_it_in_html(results):
    figures = [f for f in report.report_figures(results) if f.stem == "tariffs_and_measures"]
    assert len(figures) == 1
    item = figures[0]
    assert item.heading == "Tariffs and new measures"
    assert item.caption.startswith("Left: each side's extra tariff")
    assert "middle 90% of runs" in item.caption and "95% Monte Carlo" in item.caption
    stems = [f.stem for f in report.report_figures(results)]
    assert stems.index("restrictions") < stems.index("tariffs_and_measures")
    html = report.render_html(results, figures=figures)
    for label in NEW_MILESTONES.values():
        assert label in html
    assert "The time-limited tariff cut lapses" in html
    assert "Tariffs and new measures" in html


@pytest.mark.parametrize("part", ["sentence", "milestones", "figure"])
def test_a_scenario_without_tariffs_or_reserves_reports_as_before(untariffed, part):
    if part == "sentence":
        assert measures_sentence(untariffed) == ""
        assert "tariff" not in report.executive_summary(untariffed)[0]
    elif part == "milestones":
        assert not set(NEW_MILESTONES.values()) & set(report.milestone_table(untariffed).index)
        assert not set(NEW_MILESTONES) & set(report.milestone_data(untariffed)["milestone"])
    else:
        assert "tariffs_and_measures" not in [f.stem for f in report.report_figures(untariffed)]
