"""Instrument dynamics: ``lag_weeks`` is the number of weeks until a change is complete.

A ``ramp`` eases in ``lag_weeks`` equal weekly moves whatever the size of the
move; a ``rule`` holds its level until its ``lag_weeks``-th week of easing and
then lands on the goal at once.
"""

from __future__ import annotations

import numpy as np
import pytest

import tradesim
from tradesim import kernels
from tradesim.agents import EASE, RETALIATE, licence_weights
from tradesim.io import merge
from tradesim.model import TradeModel

QUIET = {  # no noise, no domestic overrides, no reciprocity cap: a deterministic world
    "actors": {
        "us": {"strategy": {"name": "tit_for_tat"},
               "domestic": {"industry_weight": 0.0, "hawkishness": 0.0},
               "implementation": {"error": 0.0}, "reciprocity": {"lead": 1.0},
               "retaliation": {"new_measure_share": 0.0}},
        "china": {"strategy": {"name": "tit_for_tat"},
                  "domestic": {"industry_weight": 0.0, "hawkishness": 0.0},
                  "implementation": {"error": 0.0}, "reciprocity": {"lead": 1.0},
                  "retaliation": {"new_measure_share": 0.0}},
    },
    "approval": {"us": {"weekly_hazard": 1.0, "rejection_hazard": 0.0},
                 "china": {"weekly_hazard": 1.0, "rejection_hazard": 0.0}},
    # The US credits China's whole pipeline (the baseline's fitted credit is below 1).
    "monitoring": {"us": {"default_kind": "rule", "lag_credit": 1.0,
                          "channels": {"rare_earths": {"kind": "rule", "noise_sd": 0.0},
                                       "magnets": {"kind": "rule", "noise_sd": 0.0}}},
                   "china": {"default_kind": "rule", "channels": {"chips": {"noise_sd": 0.0}}}},
    # No new measures; the Geneva tariff cuts are always extended.
    "calendar": [{"id": "us_tariff_pause", "extension_probability": 1.0},
                 {"id": "china_tariff_pause", "extension_probability": 1.0}],
}


def _china(variant, level: float, lag: float, dynamics: str = "ramp"):
    """A quiet London whose rare-earth licences start at ``level`` (goal 0.2)."""
    instrument = {"id": "rare_earths", "level": level, "lag_weeks": lag, "dynamics": dynamics}
    scenario = variant(merge(QUIET, {"actors": {"china": {"instruments": [instrument]}}}))
    model = TradeModel(scenario, 3, seed=0).run()
    assert np.all(model.milestones["approved"] == 1)  # easing starts in week 1
    return model.series[model.series_names.index("china.rare_earths"), :, :]


@pytest.mark.parametrize(("level", "lag"), [(0.9, 9.0), (0.3, 16.0), (0.5, 3.0), (0.95, 14.0)])
def test_a_ramp_completes_in_lag_weeks_whatever_the_move(variant, level, lag):
    path = _china(variant, level, lag)
    weeks = int(lag)
    # Equal moves from week 1; the goal reached in week `lag`, not a week before.
    moves = -np.diff(path[: weeks + 1], axis=0)
    np.testing.assert_allclose(moves, (level - 0.2) / lag, rtol=1e-5)
    assert np.all(path[weeks - 1] > 0.2 + 1e-4)
    np.testing.assert_allclose(path[weeks:], 0.2, atol=1e-6)


@pytest.mark.parametrize("lag", [2.0, 5.0, 9.0])
def test_a_rules_change_lands_exactly_after_its_delay(variant, lag):
    path = _china(variant, 0.9, lag, "rule")
    weeks = int(lag)
    np.testing.assert_allclose(path[:weeks], 0.9, rtol=1e-6)
    np.testing.assert_allclose(path[weeks:], 0.2, atol=1e-6)


def test_a_fractional_delay_lands_in_the_week_it_runs_out(variant):
    path = _china(variant, 0.9, 2.5, "rule")
    np.testing.assert_allclose(path[:3], 0.9, rtol=1e-6)
    np.testing.assert_allclose(path[3:], 0.2, atol=1e-6)


@pytest.mark.parametrize("lag", [0.0, 1.0])
def test_ramp_and_rule_agree_when_a_change_takes_a_week(variant, lag):
    np.testing.assert_array_equal(_china(variant, 0.8, lag, "ramp"),
                                  _china(variant, 0.8, lag, "rule"))


def test_a_rule_in_its_delay_counts_as_easing(variant):
    instrument = {"id": "rare_earths", "level": 0.9, "lag_weeks": 4.0, "dynamics": "rule"}
    scenario = variant(merge(QUIET, {"actors": {"china": {"instruments": [instrument]}}}))
    model = TradeModel(scenario, 2, seed=0).run()
    # China's action while its rule is pending is easing, not holding.
    assert np.all(model.actions[1, 1:5] == EASE)


def test_ease_step_kernel_ramps_holds_rules_and_caps() -> None:
    levels = np.array([[0.9, 0.9], [0.9, 0.9]])
    goal = np.full((2, 2), 0.2)
    reference = levels.copy()
    impact = np.ones((2, 2))
    per_week = np.full((2, 2), 0.1)
    rule = np.array([False, True])
    lag = np.full((2, 2), 3.0)
    progress = np.array([[0.0, 0.0], [1.0, 2.0]])
    out = kernels.ease_step(levels, goal, reference, impact, per_week, rule, progress, lag,
                            np.full(2, np.inf))
    # The ramp moves a step; the rule holds in its second week and lands in its third.
    np.testing.assert_allclose(out, [[0.8, 0.8], [0.9, 0.2]])
    capped = kernels.ease_step(levels, goal, reference, impact, per_week, rule, progress, lag,
                               np.full(2, 0.4))
    # Replication 1 would ease 0.1 + 0.7 = 0.8: scaled back by half to the cap of 0.4.
    np.testing.assert_allclose(capped[:, 1], [0.85, 0.55])
    np.testing.assert_allclose(capped[:, 0], [0.8, 0.9])


def test_a_tightening_starts_a_new_change(variant):
    """After a retaliation the way back takes lag_weeks again, from the level it left."""
    instrument = {"id": "rare_earths", "level": 0.9, "lag_weeks": 4.0}
    scenario = variant(merge(QUIET, {"actors": {"china": {
        "instruments": [instrument], "retaliation": {"minimum_share": 0.1, "rule": "uniform"}}}}))
    model = TradeModel(scenario, 2, seed=0)
    china = model.governments[1]
    model.step()                     # approved, and a first quarter of the way: 0.725
    np.testing.assert_allclose(china.level[0], 0.725)
    china.action[:] = RETALIATE
    china.error[:] = False
    china.act()
    raised = china.level[0].copy()
    assert np.all(raised > 0.725 + 0.01)
    np.testing.assert_array_equal(china.ease_from[0], raised)
    assert np.all(china.progress == 0.0)
    for week in range(4):
        assert np.all(china.level[0] > 0.2 + 1e-9)
        china.action[:] = EASE
        china.act()
        np.testing.assert_allclose(china.level[0], raised - (week + 1) * (raised - 0.2) / 4)
    np.testing.assert_allclose(china.level[0], 0.2)


def test_floors_hold_under_every_dynamics(variant):
    rules = {"actors": {a: {"instruments": [{"id": i, "dynamics": "rule"} for i in ids]}
                        for a, ids in {"us": ["chips", "ai_chips", "ethane"],
                                       "china": ["rare_earths", "magnets"]}.items()}}
    scenario = variant(rules)
    model = TradeModel(scenario, 200, seed=3).run()
    for actor, government in zip(("us", "china"), model.governments, strict=True):
        for k, spec in enumerate(scenario.actors[actor].instruments):
            path = model.series[model.series_names.index(f"{actor}.{spec.id}")]
            assert np.all(path >= government.floor[k][None, :] - 1e-6)


def test_an_unknown_dynamics_is_refused_with_the_choices(london_data):
    data = merge(london_data, {"actors": {"china": {"instruments": [
        {"id": "magnets", "dynamics": "queue"}]}}})
    with pytest.raises(tradesim.ScenarioError) as info:
        tradesim.validate_scenario(data, "x.yaml")
    message = str(info.value)
    assert "actors.china.instruments[magnets].dynamics" in message
    assert "ramp" in message and "rule" in message and "licensing" in message


# ------------------------------------------------------------------ licence pipelines


def _licensed(variant, min_days: float, limit_days: float, lag: float = 0.0, level=0.9):
    instrument = {"id": "rare_earths", "level": level, "lag_weeks": lag,
                  "dynamics": "licensing",
                  "licensing": {"min_working_days": min_days, "limit_working_days": limit_days}}
    scenario = variant(merge(QUIET, {"actors": {"china": {"instruments": [instrument]}}}))
    model = TradeModel(scenario, 3, seed=0).run()
    assert np.all(model.milestones["approved"] == 1)
    return model, model.series[model.series_names.index("china.rare_earths"), :, :]


def test_licence_weights_sum_to_one_and_respect_the_limit() -> None:
    w = licence_weights(np.array([[0.0, 10.0, 45.0, 50.0]]).T.repeat(2, axis=1),
                        np.array([[45.0, 45.0, 45.0, 45.0]]).T.repeat(2, axis=1))
    assert w.shape == (4, 10, 2)
    np.testing.assert_allclose(w.sum(axis=1), 1.0)
    assert np.all(w >= 0.0)
    # Uniform over 0-45 working days: a ninth each week, the first a week after filing.
    np.testing.assert_allclose(w[0, :, 0], [0.0] + [1 / 9] * 9)
    # Nothing decided before 10 working days; all by the ninth week.
    np.testing.assert_allclose(w[1, :2, 0], 0.0)
    # Every decision at the limit (a minimum at or above it): all in week 9.
    np.testing.assert_allclose(w[2, :, 0], [0.0] * 9 + [1.0])
    np.testing.assert_allclose(w[3, :, 0], w[2, :, 0])


@pytest.mark.parametrize(("min_days", "limit_days"), [(0.0, 45.0), (20.0, 45.0), (45.0, 45.0),
                                                      (5.0, 30.0)])
def test_a_licence_pipeline_never_delivers_faster_than_its_service_times(variant, min_days,
                                                                          limit_days):
    """China decides to approve at once (lag 0): flows follow only as applications clear."""
    _, path = _licensed(variant, min_days, limit_days)
    weeks = np.arange(path.shape[0]) - 1           # weeks since the decision (week 1)
    # Share of the decision's filings decided by week k: P(service <= 5k working days).
    a, b = min(min_days, limit_days), limit_days
    cleared = np.clip((5.0 * weeks - a) / (b - a), 0.0, 1.0) if b > a else \
        (5.0 * weeks >= a).astype(float)
    cleared[weeks < 0] = 0.0
    expected = np.broadcast_to((0.9 - 0.7 * cleared)[:, None], path.shape)
    np.testing.assert_allclose(path, expected, atol=1e-6)
    done = int(np.ceil(limit_days / 5.0))
    # Complete when the last application filed in the decision's week is decided.
    assert np.all(path[1 + done - 1] > 0.2 + 1e-4)
    np.testing.assert_allclose(path[1 + done:], 0.2, atol=1e-6)


def test_a_licensing_decision_ramps_before_the_pipeline(variant):
    """lag_weeks is the time to decide the approval probability; the pipeline follows it."""
    model, path = _licensed(variant, 0.0, 45.0, lag=3.0)
    china = model.governments[1]
    np.testing.assert_allclose(china.decided[0], 0.2)
    # Complete 3 weeks of deciding, then 9 of clearing, after the decision began.
    assert np.all(path[1 + 3 + 9 - 2] > 0.2 + 1e-4)
    np.testing.assert_allclose(path[1 + 3 + 9 - 1:], 0.2, atol=1e-6)


def test_the_compliant_path_of_a_pipeline_is_the_pipeline(variant):
    """A government that complies exactly leaves its partner nothing to see."""
    model, _ = _licensed(variant, 10.0, 45.0)
    china = model.governments[1]
    np.testing.assert_allclose(china.compliant, china.level)
    assert np.all(model.milestones["first_escalation"] == -1)


def test_a_tightening_suspends_licences_at_once(variant):
    instrument = {"id": "rare_earths", "level": 0.9, "lag_weeks": 0.0, "dynamics": "licensing"}
    scenario = variant(merge(QUIET, {"actors": {"china": {
        "instruments": [instrument], "retaliation": {"minimum_share": 0.1, "rule": "uniform"}}}}))
    model = TradeModel(scenario, 2, seed=0)
    china = model.governments[1]
    for _ in range(3):
        model.step()
    before = china.level[0].copy()
    china.action[:] = RETALIATE
    china.error[:] = False
    china.act()
    assert np.all(china.level[0] > before + 0.01)
    np.testing.assert_allclose(china.level[0], china.decided[0], rtol=1e-14)
    # And easing again goes through the whole pipeline: a ninth of the way a week.
    raised = china.level[0].copy()
    china.action[:] = EASE
    china.act()
    np.testing.assert_allclose(china.level[0], raised)        # nothing decided in a week
    china.action[:] = EASE
    china.act()
    np.testing.assert_allclose(china.level[0], raised - (raised - 0.2) / 9, rtol=1e-6)


def test_floors_hold_in_licence_pipelines(variant):
    lic = {"dynamics": "licensing", "lag_weeks": 0.0,
           "licensing": {"min_working_days": {"dist": "uniform", "low": 0.0, "high": 20.0}}}
    scenario = variant({"actors": {
        "us": {"instruments": [{"id": "ai_chips", **lic}, {"id": "chips", **lic}]},
        "china": {"instruments": [{"id": "rare_earths", **lic}, {"id": "magnets", **lic}]}}})
    model = TradeModel(scenario, 200, seed=4).run()
    for actor, government in zip(("us", "china"), model.governments, strict=True):
        for k, spec in enumerate(scenario.actors[actor].instruments):
            path = model.series[model.series_names.index(f"{actor}.{spec.id}")]
            assert np.all(path >= government.floor[k][None, :] - 1e-6)
            assert np.all(path <= 1.0 + 1e-6)


def test_the_pipeline_kernel_runs_the_same_as_python() -> None:
    rng = np.random.default_rng(2)
    decided = rng.random((3, 5))
    rows = np.array([0, 2], dtype=np.intp)
    weights = licence_weights(rng.random((2, 5)) * 20, 20 + rng.random((2, 5)) * 25)
    history = rng.random(weights.shape)
    outs = []
    for f in (kernels.licence_pipeline, kernels.licence_pipeline.py_func):
        level, h = decided.copy(), history.copy()
        for week in range(12):
            f(decided, rows, h, weights, week, level)
        outs.append((level, h))
    np.testing.assert_array_equal(outs[0][0], outs[1][0])
    np.testing.assert_array_equal(outs[0][1], outs[1][1])


def test_a_licensing_block_needs_licensing_dynamics(london_data):
    data = merge(london_data, {"actors": {"china": {"instruments": [
        {"id": "magnets", "licensing": {"limit_working_days": 45.0}}]}}})
    with pytest.raises(tradesim.ScenarioError, match="needs dynamics: licensing"):
        tradesim.validate_scenario(data, "x.yaml")
