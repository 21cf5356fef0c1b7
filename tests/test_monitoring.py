"""Observation channels, beliefs, implementation error, and the model checked against the game."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import tradesim
from tradesim.game import MemoryOneChain, play_uniforms
from tradesim.io import merge
from tradesim.model import TradeModel
from tradesim.monitoring import detection, report_weeks


def reduced(us: str | dict, china: str | dict, error: float = 0.0, horizon: int = 60,
            **override) -> tradesim.Scenario:
    """One instrument a side, no lags, perfect monitoring, no domestic politics."""

    def strategy(s):
        return {"name": s} if isinstance(s, str) else s

    def actor(name, inst, good, s):
        return {"name": name,
                "instruments": [{"id": inst, "level": 1.0, "impact": 10.0, "goods": [good],
                                 "lag_weeks": 0.0}],
                "strategy": strategy(s),
                "domestic": {"industry_weight": 0.0, "hawkishness": 0.0},
                "retaliation": {"scale": 1.0, "minimum_share": 1.0},
                "implementation": {"error": error}}

    data = {
        "name": "reduced", "start_date": "2025-06-11", "horizon_weeks": horizon,
        "actors": {"us": actor("US", "a", "ga", us), "china": actor("China", "b", "gb", china)},
        "framework": {"commitments": [
            {"actor": "us", "instrument": "a", "target": 0.0, "deadline_weeks": 0},
            {"actor": "china", "instrument": "b", "target": 0.0, "deadline_weeks": 0}]},
        "approval": {"us": {"weekly_hazard": 1.0, "approved_at_start": True},
                     "china": {"weekly_hazard": 1.0, "approved_at_start": True}},
        "monitoring": {"us": {"channels": {"b": {"kind": "rule", "noise_sd": 0.0}}},
                       "china": {"channels": {"a": {"kind": "rule", "noise_sd": 0.0}}}},
        "economy": {"goods": [{"id": "ga", "exporter": "us"}, {"id": "gb", "exporter": "china"}],
                    "breakdown_share": 1.0},
    }
    return tradesim.validate_scenario(merge(data, override), "<reduced>")


def model_moves(model: TradeModel) -> tuple[np.ndarray, np.ndarray]:
    """Moves taken each week (True = ease), from the levels the partner sees: (R, weeks)."""
    names = model.series_names
    a = model.series[names.index("us.a"), 1:] < 0.5
    b = model.series[names.index("china.b"), 1:] < 0.5
    return a.T, b.T


def game_uniforms(model: TradeModel) -> np.ndarray:
    """The model's weekly uniforms in the game's round layout (turns, 6, R)."""
    u = model.draws.uniforms.astype(np.float64)          # (weeks, slots, R)
    out = np.zeros((u.shape[0], 6, u.shape[2]))
    out[:, 0], out[:, 1] = u[:, 2], u[:, 3]              # strategy US, China
    out[:, 2], out[:, 3] = u[:, 7], u[:, 8]              # implementation US, China
    return out                                           # perfect monitoring: no flips


PAIRS = [("tit_for_tat", "generous_tit_for_tat"), ("win_stay_lose_shift", "tit_for_tat"),
         ("grim_memory_one", "win_stay_lose_shift"), ("proportional", "random"),
         ({"name": "memory_one", "p_cc": 0.9, "p_cd": 0.2, "p_dc": 0.7, "p_dd": 0.4},
          "generous_tit_for_tat")]


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: f"{p[0]}-{p[1]}".replace("{", "")[:40])
def test_reduced_model_plays_the_games_moves(pair):
    us, china = pair
    error = 0.05
    model = TradeModel(reduced(us, china, error), 200, seed=7).run()
    ours_a, ours_b = model_moves(model)
    strategy = [model.governments[k].strategy for k in (0, 1)]
    game_a, game_b = play_uniforms(strategy[0], strategy[1], game_uniforms(model), noise=error)
    assert np.array_equal(ours_a, game_a)
    assert np.array_equal(ours_b, game_b)
    assert 0 < ours_a.mean() < 1  # the errors do change moves


@pytest.mark.parametrize("pair", PAIRS[:3])
def test_reduced_model_cooperation_matches_the_exact_chain(pair):
    us, china = pair
    error, turns, runs = 0.05, 60, 4000
    model = TradeModel(reduced(us, china, error, horizon=turns), runs, seed=11).run()
    a, b = model_moves(model)
    chain = MemoryOneChain.from_strategies(us, china, noise=error)
    occupancy = chain.occupancy(turns) / turns
    exact_a, exact_b = occupancy[0] + occupancy[1], occupancy[0] + occupancy[2]
    for ours, exact in ((a.mean(axis=1), exact_a), (b.mean(axis=1), exact_b)):
        se = ours.std(ddof=1) / math.sqrt(runs)
        assert abs(ours.mean() - exact) < 4 * se


# ----------------------------------------------------------------- channels and beliefs


def test_reports_close_on_the_reporting_calendar():
    monthly = report_weeks(52 / 12, 52)
    assert monthly.sum() == 12           # twelve monthly reports in a year
    assert np.all(report_weeks(1.0, 10))


@pytest.mark.parametrize(("period", "delay"), [(1.0, 3.0), (2.0, 5.0), (52 / 12, 2.5)])
def test_a_publication_delay_shifts_the_belief_by_whole_weeks(period, delay):
    # With several reports in flight at once (a delay longer than the period), every
    # report is still taken, in the order it closed, ceil(delay) weeks later: without
    # drift, alarms or reciprocity the belief is the undelayed one, shifted.
    def belief(delay):
        channel = {"kind": "customs", "noise_sd": 0.05, "period_weeks": period,
                   "delay_weeks": delay}
        scenario = reduced("always_ease", "always_ease", horizon=30, monitoring={
            "us": {"channels": {"b": channel}, "threshold": 99.0, "drift_sd": 0.0},
            "china": {"channels": {"a": dict(channel)}, "threshold": 99.0}})
        model = TradeModel(scenario, 50, seed=3)
        model.governments[1].follows_compliant_path = True
        model.governments[1].withheld[:] = 0.5           # China delivers half
        model.run()
        return model.series[model.series_names.index("belief.us")]

    now, later = belief(0.0), belief(delay)
    shift = math.ceil(delay)
    np.testing.assert_array_equal(later[shift:], now[:-shift])
    assert np.all(later[:shift] == 1.0) and now.min() < 0.7


@pytest.mark.parametrize("inside_a_step", [True, False])
def test_reports_in_flight_at_a_new_start_count_no_easing(inside_a_step):
    # Weekly reports published two weeks late (three in flight): after a new start they
    # compared China with the old framework, so they leave the belief exactly at 1 until
    # the first report closed under the new one is out.
    channel = {"kind": "customs", "noise_sd": 0.05, "period_weeks": 1.0, "delay_weeks": 2.0}
    scenario = reduced("always_ease", "always_ease", horizon=30, monitoring={
        "us": {"channels": {"b": channel}, "threshold": 99.0},
        "china": {"channels": {"a": dict(channel)}, "threshold": 99.0}})
    model = TradeModel(scenario, 20, seed=3)
    china = model.governments[1]
    china.follows_compliant_path = True
    china.withheld[:] = 0.5
    everyone = np.ones(20, dtype=bool)
    beliefs = []
    for week in range(1, 21):
        if inside_a_step and week == 11:
            # As the lifecycle starts a truce: at the start of week 11's step.
            lifecycle = model._lifecycle

            def lifecycle_and_truce(lifecycle=lifecycle):
                lifecycle()
                model._start_framework(everyone)

            model._lifecycle = lifecycle_and_truce
        model.step()
        vars(model).pop("_lifecycle", None)
        beliefs.append(model.governments[0].monitor.belief.copy())
        if not inside_a_step and week == 10:
            model._start_framework(everyone)     # between the steps of weeks 10 and 11
    beliefs = np.array(beliefs)                  # (week - 1, R)
    assert np.all(beliefs[5:10] < 0.9)           # the half withheld is seen before
    # Week w's update closes a report released in week w + 2: those of weeks 9 and 10
    # are out in weeks 11 and 12 and count nothing; week 11's report, the first of the
    # new framework, shows no easing yet (week 13); week 12's does (week 14), and China
    # still withholds half of what it promises.
    assert np.all(beliefs[10:13] == 1.0)
    assert np.all(beliefs[13] < 0.9)


def noisy(threshold=4.0, sd=0.1, period=1.0, delay=0.0, horizon=60, **override):
    channel = {"kind": "customs", "noise_sd": sd, "period_weeks": period, "delay_weeks": delay}
    base = reduced("always_ease", "always_ease", horizon=horizon,
                   monitoring={"us": {"channels": {"b": dict(channel)}, "threshold": threshold},
                               "china": {"channels": {"a": dict(channel)},
                                         "threshold": threshold}},
                   **override)
    return base


@pytest.mark.parametrize(("field", "value", "message"), [
    ("period_weeks", 0.5, "period_weeks must be at least 1"),
    # A negative delay would read a report before it closed.
    ("delay_weeks", -1.0, "delay_weeks must be at least 0"),
])
def test_a_reporting_calendar_out_of_range_through_overrides_is_refused(field, value, message):
    # The scenario's schema bounds both; overrides (sweeps, the API) bypass it.
    with pytest.raises(ValueError, match=message):
        TradeModel(noisy(), 2, seed=0,
                   overrides={f"monitoring.us.channels.b.{field}": value})


def test_belief_is_unbiased_when_the_partner_complies():
    scenario = noisy(threshold=99.0, sd=0.2)
    model = TradeModel(scenario, 4000, seed=3).run()
    belief = model.governments[0].monitor.belief
    se = belief.std() / math.sqrt(belief.size)
    assert abs(belief.mean() - 1.0) < 4 * se
    # ... and never sees the true level: a partner withholding half shows up in the belief.
    scenario = noisy(threshold=99.0, sd=0.2)
    model = TradeModel(scenario, 4000, seed=3)
    model.governments[1].follows_compliant_path = True
    model.governments[1].withheld[:] = 0.5
    model.run()
    assert abs(model.governments[0].monitor.belief.mean() - 0.5) < 0.05


def brook_evans_alarm_cdf(delta: float, h: float, weeks: int, states: int = 600) -> np.ndarray:
    """P(CUSUM alarm by report t), i.i.d. N(-delta**2/2, delta**2) increments (Brook & Evans 1972).

    A Markov chain on a grid of the statistic, independent of the model's code.
    """
    width = h / (states - 0.5)
    centres = np.arange(states) * width
    mean, sd = -0.5 * delta**2, delta
    upper = (np.arange(states) + 0.5) * width          # bin j: (c_j - w/2, c_j + w/2]
    cdf = stats.norm.cdf((upper[np.newaxis, :] - centres[:, np.newaxis] - mean) / sd)
    q = np.diff(np.concatenate([np.zeros((states, 1)), cdf], axis=1), axis=1)
    v = np.zeros(states)
    v[0] = 1.0
    out = np.empty(weeks)
    for t in range(weeks):
        v = v @ q
        out[t] = 1.0 - v.sum()
    return out


def test_false_alarms_come_at_the_rate_the_threshold_implies():
    sd, h, withheld = 0.1, 3.0, 0.25
    scenario = noisy(threshold=h, sd=sd, horizon=60)
    result = detection(scenario, runs=4000, seed=5, weeks=(13, 26, 52))
    # Lag 0, target 0 from level 1: from week 1 every report expects easing 1, so each
    # weekly LLR increment is N(-delta^2/2, delta^2) with delta = s* / sd.
    delta = withheld * 1.0 / sd
    cdf = brook_evans_alarm_cdf(delta, h, 60)
    for d in result:
        for week, p in d.false_alarm.items():
            # Week 1's report covers week 0 (no easing expected yet): shift by one.
            expected = cdf[week - 2]
            se = math.sqrt(expected * (1 - expected) / d.runs)
            assert abs(p - expected) < 4 * se + 0.01, (week, p, expected)
        assert d.detected > 0.99 and d.median_delay < 10


def test_weekly_or_monthly_reports_of_the_same_information_agree(variant):
    weekly_sd, k = 0.2, 4.0
    runs = 3000

    def p_breakdown(period, sd):
        channel = {"kind": "customs", "period_weeks": period, "delay_weeks": 0.0,
                   "noise_sd": sd}
        # China's cuts land at once (lag 0), so a month's mean report is a sufficient
        # statistic of its four weekly reports.  While cuts ramp within a month the
        # monthly mean carries less information than the weekly shape, and the alarms
        # differ (at the baseline's lags, 20,000 runs: P(breakdown) 0.157 weekly
        # against 0.127 monthly; with lag 0: 0.107 and 0.107).
        s = variant({"monitoring": {"us": {"review_weeks": k, "channels": {
            "rare_earths": channel, "magnets": dict(channel)}}},
            "actors": {"china": {"instruments": [{"id": "rare_earths", "lag_weeks": 0.0},
                                                 {"id": "magnets", "lag_weeks": 0.0}]}}})
        res = tradesim.run(s, runs=runs, seed=21)
        return float(np.mean(res.breakdowns > 0))

    weekly = p_breakdown(1.0, weekly_sd)
    monthly = p_breakdown(k, weekly_sd / math.sqrt(k))
    # The width of P(breakdown)'s 95% interval (normal approximation) at this many runs.
    width = 2 * 1.96 * math.sqrt(max(weekly * (1 - weekly), 1e-4) / runs)
    assert abs(weekly - monthly) < width, (weekly, monthly, width)


# ------------------------------------------------------------------ reciprocity, rules


@pytest.mark.parametrize("lag", [3.0, 9.0, 14.0])
def test_easing_tracks_what_the_partner_delivered(lag):
    """With perfect monitoring the US's eased impact follows China's, times the scale."""
    scale = 1.0
    s = reduced("always_ease", "always_ease", horizon=30, actors={
        "us": {"reciprocity": {"scale": scale, "lead": 0.0}},
        "china": {"instruments": [{"id": "b", "lag_weeks": lag}]}})
    model = TradeModel(s, 4, seed=0).run()
    names = model.series_names
    us = 10.0 * (1.0 - model.series[names.index("us.a"), 1:27, 0])
    china = 10.0 * (1.0 - model.series[names.index("china.b"), 1:27, 0])
    # One week to see China's licences: the US this week matches China last week.
    assert np.allclose(us[1:], scale * china[:-1], atol=1e-5)
    ratio = us.sum() / china.sum()
    assert abs(ratio - scale) < 0.25


def test_retaliation_fills_instruments_by_priority(variant):
    s = variant({"actors": {"us": {"strategy": {"name": "always_retaliate"},
                                   "retaliation": {"rule": "priority", "minimum_share": 0.1,
                                                   "priority": ["student_visas", "ethane"],
                                                   "new_measure_share": 0.0}}},
                 "approval": {"us": {"approved_at_start": True},
                              "china": {"approved_at_start": True}}})
    model = TradeModel(s, 2, seed=0)
    us = model.governments[0]
    before = us.level.copy()
    model.step()
    ids = [i.id for i in s.actors["us"].instruments]
    # The response fills visas, then ethane, before touching anything else.
    assert np.all(us.level[ids.index("student_visas")] == 1.0)
    assert np.all(us.level[ids.index("ethane")] == 1.0)
    assert np.all(us.level[ids.index("ai_chips")] == before[ids.index("ai_chips")])
    assert np.all(us.level >= us.floor)


def test_unknown_priority_and_channel_ids_are_reported(london_data):
    data = merge(london_data, {"actors": {"us": {"retaliation": {"priority": ["ethan"]}}},
                               "monitoring": {"china": {"channels": {"chip": {}}}}})
    with pytest.raises(tradesim.ScenarioError) as info:
        tradesim.validate_scenario(data, "x.yaml")
    message = str(info.value)
    assert "actors.us.retaliation.priority" in message and "ethane" in message
    assert "monitoring.china.channels.chip" in message


def test_hawks_delay_approval(variant):
    slow = variant({"actors": {"us": {"domestic": {"hawkishness": 1.0, "delay_weight": 0.9}}}})
    fast = variant({"actors": {"us": {"domestic": {"hawkishness": 1.0, "delay_weight": 0.0}}}})
    weeks = [np.median(np.where(m.milestones["approved"] >= 0, m.milestones["approved"], 999))
             for m in (TradeModel(x, 2000, seed=4).run() for x in (slow, fast))]
    assert weeks[0] > weeks[1]


# ------------------------------------------------------------------ lag credit


def slow_partner(credit: float, lag: float = 9.0, deadline: float = 2.0, **kw) -> tradesim.Scenario:
    """China eases over ``lag`` weeks against a ``deadline``; the US credits ``credit``."""
    base = noisy(**kw, actors={"china": {"instruments": [{"id": "b", "lag_weeks": lag}]}},
                 framework={"commitments": [{"actor": "china", "instrument": "b",
                                             "deadline_weeks": deadline}]})
    data = merge(base.model_dump(mode="json", exclude_none=True),
                 {"monitoring": {"us": {"lag_credit": credit}}})
    return tradesim.validate_scenario(data)


@pytest.mark.parametrize("credit", [0.0, 0.5, 1.0])
def test_the_expected_path_credits_the_share_of_the_lag_beyond_the_deadline(credit):
    lag, deadline = 9.0, 2.0
    model = TradeModel(slow_partner(credit, lag, deadline), 2, seed=0)
    china = model.governments[1]
    expected_lag = lag - (1.0 - credit) * (lag - deadline)
    assert np.allclose(china.compliant_lag_weeks, expected_lag)
    compliant = []
    for _ in range(12):
        model.step()
        compliant.append(float(china.compliant[0, 0]))
    # A ramp from 1 to 0: the expected path arrives after the credited lag, not before.
    arrival = 1 + int(np.argmax(np.isclose(compliant, 0.0)))
    assert arrival == math.ceil(expected_lag)
    assert compliant[arrival - 2] > 0.0


def test_a_pipeline_within_the_deadline_is_unaffected_by_the_credit():
    runs = [TradeModel(slow_partner(c, lag=3.0, deadline=4.0, sd=0.1), 200, seed=4).run()
            for c in (0.0, 1.0)]
    assert np.array_equal(runs[0].series, runs[1].series)


def test_crediting_less_of_a_slow_pipeline_turns_compliance_into_alarms():
    """A compliant but slow partner: full credit gives the threshold's rate, less gives more."""
    rates = []
    for credit in (1.0, 0.9, 0.0):
        (us, _china) = detection(slow_partner(credit, sd=0.1, threshold=3.0), runs=2000,
                                 seed=9, weeks=(13,))
        rates.append(us.false_alarm[13])
    full_credit = detection(noisy(threshold=3.0, sd=0.1), runs=2000, seed=9, weeks=(13,))[0]
    # Full credit: a slow pipeline is no evidence (about the rate of a fast compliant one).
    assert abs(rates[0] - full_credit.false_alarm[13]) < 0.05, rates
    # Rates of 2,000 runs: their sd is at most 0.011.
    assert rates[0] + 0.1 < rates[1] < rates[2] - 0.1, rates
    # Judged against a two-week deadline, nine weeks of licensing read as withholding.
    assert rates[2] > 0.9, rates
