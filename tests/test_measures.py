"""Tariffs, the decision calendar and measures held in reserve (issue 15, items 2-4).

Each test checks a consequence: a lapsed cut restores its lapse rate exactly on
its date, an extension moves the next decision by its length, a reserve opens
only when its government retaliates (and lands after its delay), floors hold,
and a breakdown can come through a new measure.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from test_dynamics import QUIET

import tradesim
from tradesim.io import merge
from tradesim.model import TradeModel
from tradesim.vocab import BREAKDOWN, RETALIATE

R = 200


def _series(model: TradeModel, name: str) -> np.ndarray:
    return model.series[model.series_names.index(name)]


def _calendar(extension: float, replace: float = 0.0, weeks: float = 13.0) -> dict:
    entry = {"extension_probability": extension, "replace_probability": replace,
             "extension_weeks": weeks}
    return {"calendar": [{"id": "us_tariff_pause", **entry},
                         {"id": "china_tariff_pause", **entry}]}


def _quiet(variant, *overrides: dict) -> tradesim.Scenario:
    data = QUIET
    for o in overrides:
        data = merge(data, o)
    return variant(data)


# -- tariffs ------------------------------------------------------------------------


def test_a_tariffs_level_is_its_rate_over_its_highest_rate(london):
    model = TradeModel(london, 4, seed=0)
    us = model.governments[0]
    j = [i.id for i in london.actors["us"].instruments].index("tariff")
    np.testing.assert_allclose(us.level[j], 30.0 / 145.0)
    np.testing.assert_allclose(_series(model, "tariff.us.tariff")[0], 30.0, rtol=1e-6)
    np.testing.assert_allclose(_series(model, "tariff.china.tariff")[0], 10.0, rtol=1e-6)


def test_a_lapsed_pause_restores_the_lapse_rate_on_its_date(variant):
    # (No new truce, which would restore the cut.)
    scenario = _quiet(variant, _calendar(extension=0.0), {"economy": {"truce_hazard": 0.0}})
    model = TradeModel(scenario, R, seed=1).run()
    week = int(np.ceil((dt.date(2025, 8, 12) - scenario.start_date).days / 7))
    assert week == 9
    for actor, start, lapse in (("us", 30.0, 54.0), ("china", 10.0, 34.0)):
        rate = _series(model, f"tariff.{actor}.tariff")
        np.testing.assert_allclose(rate[:week], start, rtol=1e-6)
        # In force from the decision week, at the lapse rate (or higher, if a retaliation
        # then raised it).
        np.testing.assert_allclose(rate[week], lapse, rtol=1e-6)
        assert np.all(rate[week:] >= lapse - 1e-4)
    assert np.all(model.milestones["lapsed"] == week)
    assert np.all(model.milestones["extended"] < 0)


def test_a_lapse_in_a_holding_framework_is_an_escalation_and_the_us_one_a_breakdown(variant):
    # The US lapse restores 24 points of 145 on 90 bn: 14.9 bn, above the breakdown margin
    # (half of the 16.5 bn the US eases); China's restores 5.8 bn, below its 13.6 bn margin.
    us_only = merge(_calendar(extension=1.0),
                    {"calendar": [{"id": "us_tariff_pause", "extension_probability": 0.0}]})
    model = TradeModel(_quiet(variant, us_only), R, seed=2).run()
    assert np.all(model.milestones["lapsed"] == 9)
    assert np.all(model.milestones["first_escalation"] == 9)
    assert np.all(model.milestones["breakdown_1"] == 9)
    china_only = merge(_calendar(extension=1.0),
                       {"calendar": [{"id": "china_tariff_pause", "extension_probability": 0.0}]})
    model = TradeModel(_quiet(variant, china_only), R, seed=2).run()
    assert np.all(model.milestones["first_escalation"] == 9)
    assert np.all(model.milestones["breakdown_1"] != 9)


def test_an_extension_moves_the_next_decision_by_its_length(variant):
    scenario = _quiet(variant, _calendar(extension=1.0, weeks=13.0))
    model = TradeModel(scenario, R, seed=3).run()
    assert np.all(model.milestones["extended"] == 9)
    assert np.all(model.milestones["lapsed"] < 0)
    us = model.governments[0]
    # Decisions at 9, 22, ..., 100; the next would be 113, past the horizon.
    assert np.all(us.due_week == 9 + 13 * 8)
    np.testing.assert_allclose(_series(model, "tariff.us.tariff"), 30.0, rtol=1e-6)


def test_a_replaced_cut_has_no_more_decisions(variant):
    scenario = _quiet(variant, _calendar(extension=1.0, replace=1.0))
    model = TradeModel(scenario, R, seed=4).run()
    # Made permanent at the first decision after the framework is fully implemented.
    implemented = model.milestones["implemented"]
    assert np.all(implemented > 0)
    decisions = 9 + 13 * np.arange(8)
    first = np.array([decisions[decisions > w][0] for w in implemented])
    np.testing.assert_array_equal(model.milestones["replaced"], first)
    extended = model.milestones["extended"]
    assert np.all((extended == 9) == (first > 9))
    assert np.all(model.governments[0].due_week == -1)


def test_a_judged_violation_lets_the_cut_lapse_unless_industry_pressure_holds(variant):
    # In breakdown at the decision (every replication), with no industry pull: all lapse.
    scenario = _quiet(variant, _calendar(extension=1.0), {"economy": {"truce_hazard": 0.0}})
    model = TradeModel(scenario, R, seed=5)
    for _ in range(8):
        model.step()
    model.phase[:] = BREAKDOWN
    model.step()
    assert np.all(model.milestones["lapsed"] == 9)


def test_a_calendar_entry_must_name_a_tariff_and_a_date_after_the_start(london_data):
    bad = merge(london_data, {"calendar": [{"id": "us_tariff_pause", "instrument": "chips",
                                            "date": "2025-01-01"}]})
    with pytest.raises(tradesim.ScenarioError) as info:
        tradesim.validate_scenario(bad, source="x.yaml")
    text = str(info.value)
    assert "calendar[us_tariff_pause].instrument" in text and "must be a tariff" in text
    assert "calendar[us_tariff_pause].date" in text and "2025-01-01" in text


def test_a_tariff_needs_its_rates_and_takes_no_level(london_data):
    bad = merge(london_data, {"actors": {"us": {"instruments": [
        {"id": "tariff", "level": 0.2}]}}})
    with pytest.raises(tradesim.ScenarioError, match="rate over its highest rate"):
        tradesim.validate_scenario(bad)
    bad = merge(london_data, {"actors": {"us": {"instruments": [
        {"id": "tariff", "tariff": {"rate_percent": 200.0}}]}}})
    with pytest.raises(tradesim.ScenarioError, match="above max_rate_percent"):
        tradesim.validate_scenario(bad)


# -- reserves -----------------------------------------------------------------------


def test_reserves_open_only_by_retaliation_after_their_delay(london):
    model = TradeModel(london, 2000, seed=6).run()
    for k, actor in enumerate(london.actor_ids):
        g = model.governments[k]
        opened = g.open_week >= 0
        assert opened.any(), f"no {actor} reserve opened in 2,000 runs"
        for q, j in enumerate(g.reserve_rows):
            delay = int(np.ceil(g.open_delay[j, 0] - 1e-9))
            for rep in np.flatnonzero(opened[q] & (g.open_week[q] <= london.horizon_weeks)):
                week = int(g.open_week[q, rep])
                # The government retaliated exactly the measure's delay before it landed,
                # and the measure is in force from that week.
                assert model.actions[k, week - delay, rep] == RETALIATE, (actor, j, rep)
                assert _series(model, f"{actor}.{london.actors[actor].instruments[j].id}")[
                    week, rep] > 0.0
        # The count of measures opened is the number of reserves that have landed.
        landed = opened & (g.open_week <= london.horizon_weeks)
        np.testing.assert_array_equal(_series(model, f"opened.{actor}")[-1],
                                      landed.sum(axis=0))
    # Never opened in a world where nobody retaliates.
    calm = merge(QUIET, {"actors": {a: {"strategy": {"name": "always_ease"}}
                                    for a in ("us", "china")}})
    scenario = tradesim.validate_scenario(merge(tradesim.io.read_data(
        "scenarios/london-2025.yaml"), calm))
    quiet = TradeModel(scenario, R, seed=6).run()
    for actor in scenario.actor_ids:
        assert np.all(_series(quiet, f"opened.{actor}") == 0)


def test_an_unopened_reserve_stays_at_zero_and_an_opened_one_holds_its_floor(variant):
    floor = {"actors": {"us": {
        "instruments": [{"id": "entity_list", "floor": 0.3,
                         "reserve": {"open_delay_weeks": 0.0, "open_level": 1.0}}],
        "retaliation": {"new_measure_share": 1.0}}}}
    scenario = variant(floor)
    model = TradeModel(scenario, 1000, seed=7).run()
    level = _series(model, "us.entity_list")
    opened = model.governments[0].open_week[0] >= 0
    assert opened.any() and (~opened).any()
    assert np.all(level[:, ~opened] == 0.0)
    for rep in np.flatnonzero(opened):
        week = model.governments[0].open_week[0, rep]
        assert np.all(level[:week, rep] == 0.0)
        assert np.all(level[week:, rep] >= 0.3 - 1e-6)


def test_a_breakdown_can_come_through_a_new_measure(variant):
    # Every US response opens a new measure (while one is left), with no delay: the first
    # breakdowns the US causes come through them.
    scenario = variant({"actors": {"us": {
        "retaliation": {"new_measure_share": 1.0, "scale": 3.0},
        "instruments": [{"id": "entity_list", "reserve": {"open_delay_weeks": 0.0}}]}}})
    model = TradeModel(scenario, 2000, seed=8).run()
    via = model.milestones["escalation_via_new_measure"]
    first = model.milestones["breakdown_1"]
    assert (via >= 0).sum() > 20
    assert np.all(via[via >= 0] == first[via >= 0])
    # Never through a new measure when no reserve can open.
    closed = variant({"actors": {"us": {"retaliation": {"new_measure_share": 0.0}},
                                 "china": {"retaliation": {"new_measure_share": 0.0}}}})
    model = TradeModel(closed, 2000, seed=8).run()
    assert np.all(model.milestones["escalation_via_new_measure"] < 0)


def test_a_reserve_takes_no_level_and_scenarios_without_measures_keep_their_streams(
        london_data):
    bad = merge(london_data, {"actors": {"us": {"instruments": [
        {"id": "entity_list", "level": 0.5}]}}})
    with pytest.raises(tradesim.ScenarioError, match="starts inactive"):
        tradesim.validate_scenario(bad)
    from tradesim.model import _uniforms_per_week

    plain = {k: v for k, v in london_data.items() if k != "calendar"}
    plain["actors"] = {a: {**actor, "instruments": [i for i in actor["instruments"]
                                                    if "reserve" not in i]}
                       for a, actor in london_data["actors"].items()}
    assert _uniforms_per_week(tradesim.validate_scenario(plain)) == 9
    assert _uniforms_per_week(tradesim.validate_scenario(london_data)) == 13


def test_a_truce_eases_an_opened_reserve_back_to_its_floor(variant):
    scenario = variant({"actors": {"us": {"instruments": [
        {"id": "entity_list", "floor": 0.3, "reserve": {"open_delay_weeks": 0.0}}]}}})
    model = TradeModel(scenario, 4, seed=9)
    us = model.governments[0]
    j = [i.id for i in scenario.actors["us"].instruments].index("entity_list")
    q = int(np.flatnonzero(us.reserve_rows == j)[0])
    us.open_week[q] = 1
    us.open_to[q] = 0.8
    model.step()
    np.testing.assert_allclose(us.level[j], 0.8)
    everyone = np.ones(4, dtype=bool)
    model._start_framework(everyone)
    # Committed back to its floor, not to 0: a framework can still be fully implemented.
    np.testing.assert_allclose(us.goal[j], 0.3)
