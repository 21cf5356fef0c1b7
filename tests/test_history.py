"""History: event logs, replay that obeys the log exactly, and scores on hand-computed cases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

import tradesim
from tradesim import history
from tradesim.agents import EASE, HOLD, RETALIATE
from tradesim.cli import main
from tradesim.io import load_events
from tradesim.model import BREAKDOWN, IMPLEMENTATION, PRINCIPLE, TradeModel

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT / "seeds" / "events-2025.yaml"
START = dt.date(2025, 6, 11)


def log_of(*events: dict) -> history.EventLog:
    return history.EventLog.model_validate({"events": list(events)})


def test_week_of():
    assert history.week_of(START, START) == 0
    assert history.week_of(START - dt.timedelta(days=9), START) == 0
    assert history.week_of(START + dt.timedelta(days=1), START) == 1
    assert history.week_of(START + dt.timedelta(days=7), START) == 1
    assert history.week_of(START + dt.timedelta(days=8), START) == 2


def test_replay_obeys_the_log_exactly(london):
    log = log_of(
        {"date": "2025-06-20", "milestone": "approved"},
        {"date": "2025-06-27", "actor": "china", "action": "ease"},
        {"date": "2025-07-10", "actor": "us", "instrument": "eda_software", "level": 0.95},
        {"date": "2025-07-15", "milestone": "breakdown"},
        {"date": "2025-08-01", "milestone": "truce"},
    )
    forcing = history.forcing(log, london, until=dt.date(2025, 8, 6))
    assert forcing.until_week == 8
    model = TradeModel(london, 300, seed=4, forcing=forcing).run()
    m = model.milestones
    # Nothing happens on its own before the logged approval, in any replication.
    assert np.all(model.phases[1] == PRINCIPLE)
    assert np.all(m["approved"] == 2) and np.all(model.phases[2] == IMPLEMENTATION)
    # Logged actions are taken; unlogged weeks hold.
    us, china = model.actions
    assert np.all(china[3] == EASE) and np.all(us[3] == HOLD)
    assert np.all(us[5] == RETALIATE)  # the logged tightening of EDA licences
    assert np.all(us[4] == HOLD) and np.all(china[4] == HOLD)
    k = model.series_names.index("us.eda_software")
    assert np.all(model.series[k, 5] == np.float32(0.95))
    # Breakdown and truce exactly when logged, never otherwise during the replay.
    assert np.all(m["breakdown_1"] == 5) and np.all(model.phases[5] == BREAKDOWN)
    assert np.all(m["truce_1"] == 8)
    assert np.all(m["first_escalation"] == 5)
    # After the replayed window the model runs free: replications diverge.
    assert len(np.unique(model.series[k, -1])) > 1


def test_replay_is_the_model_code_path(london):
    # With an empty window the forced model equals the free one, draw for draw.
    log = log_of({"date": "2025-09-01", "milestone": "approved"})
    free = TradeModel(london, 50, seed=2).run()
    forced = TradeModel(london, 50, seed=2,
                        forcing=history.forcing(log, london, until=START)).run()
    assert np.array_equal(free.series, forced.series)


def test_replay_through_the_ensemble_is_reproducible(london):
    log = log_of({"date": "2025-06-20", "milestone": "approved"})
    a = history.replay(london, log, dt.date(2025, 7, 1), runs=300, seed=3, chunk_size=64)
    b = history.replay(london, log, dt.date(2025, 7, 1), runs=300, seed=3)
    assert a.replications().equals(b.replications())
    assert (a.replications()["approved_week"] == 2).all()


def test_hand_computed_scores():
    assert history.brier_score(0.8, 1) == pytest.approx(0.04)
    assert history.brier_score(0.8, 0) == pytest.approx(0.64)
    assert history.log_score(0.8, 1) == pytest.approx(-np.log(0.8))
    assert history.log_score(0.8, 0) == pytest.approx(-np.log(0.2))
    assert history.log_score(0.0, 1) == pytest.approx(-np.log(1e-6))
    samples = np.array([0.1, 0.2, 0.2, 0.4])
    assert history.pit_value(samples, 0.2) == pytest.approx((1 + 0.5 * 2) / 4)
    assert history.pit_value(samples, 0.05) == 0.0
    assert history.pit_value(samples, 0.9) == 1.0


def test_score_of_a_replayed_forecast(london):
    log = log_of(
        {"date": "2025-06-20", "milestone": "approved"},
        {"date": "2025-09-01", "milestone": "breakdown"},
        {"date": "2025-09-03", "series": "supply.magnets", "value": 0.5},
    )
    results = history.replay(london, log, START, runs=400, seed=1)
    s = history.score(results, log, after=START)
    by_name = s.events.set_index("name")
    # Each probability is read off the forecast's own milestone curve at the logged week.
    approved_week = history.week_of(dt.date(2025, 6, 20), START)
    assert by_name.loc["approved", "probability"] == pytest.approx(
        results.milestone_curve("approved")[approved_week])
    assert by_name.loc["approved", "outcome"] == 1
    p = by_name.loc["breakdown_1", "probability"]
    assert by_name.loc["breakdown_1", "brier"] == pytest.approx((1 - p) ** 2)
    # Not logged by the end of the window: scored as not happened.
    assert by_name.loc["rejected", "outcome"] == 0
    assert s.brier == pytest.approx(s.events["brier"].mean())
    obs = s.observations.iloc[0]
    assert obs["in_90"] == (obs["q05"] <= 0.5 <= obs["q95"])
    assert 0.0 <= obs["pit"] <= 1.0
    assert s.pit_histogram().sum() == 1


def test_the_record_replays_on_geneva():
    scenario = tradesim.load_scenario(ROOT / "scenarios" / "geneva-2025.yaml")
    log = load_events(EVENTS, scenario)
    results = history.replay(scenario, log, dt.date(2025, 6, 11), runs=100, seed=1)
    weeks = results.replications()
    assert (weeks["breakdown_1_week"] == 3).all() and (weeks["truce_1_week"] == 4).all()


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ({"date": "2025-07-01", "actor": "usa", "action": "ease"}, "did you mean 'us'"),
        ({"date": "2025-07-01", "actor": "china", "instrument": "magnet", "level": 0.2},
         "did you mean 'magnets'"),
        ({"date": "2025-07-01", "actor": "china", "instrument": "magnets", "level": 1.2},
         "less than or equal to 1"),
        ({"date": "2025-07-01", "milestone": "approvd"}, "events[0].milestone"),
        ({"date": "2025-07-01", "series": "supply.magnet", "value": 0.2},
         "did you mean 'supply.magnets'"),
        ({"date": "2025-07-01"}, "give exactly one of milestone, action, level or series"),
    ],
)
def test_bad_event_logs_are_clear_errors(london, event, expected):
    with pytest.raises(tradesim.ScenarioError) as info:
        history.validate_events({"events": [event]}, london, source="log.yaml")
    assert str(info.value).startswith("log.yaml: ")
    assert expected in str(info.value)


def test_score_cli(capsys):
    code = main(["score", str(ROOT / "scenarios" / "geneva-2025.yaml"), str(EVENTS),
                 "--runs", "200", "--until", "2025-06-11"])
    assert code == 0
    out = capsys.readouterr().out
    assert "breakdown_1" in out and "mean Brier score" in out
    with pytest.raises(SystemExit) as info:
        main(["score", str(ROOT / "scenarios" / "geneva-2025.yaml"), str(EVENTS),
              "--after", "June"])
    assert info.value.code == 2
    assert "expected a date YYYY-MM-DD" in capsys.readouterr().err


def test_a_parameter_sample_file_is_drawn_jointly(tmp_path):
    tradesim.io.write_parameter_sample(tmp_path / "post.csv", {
        "approval.us.weekly_hazard": [0.1, 0.9], "actors.us.strategy.forgiveness": [0.15, 0.35]})
    (tmp_path / "s.yaml").write_text(
        f"extends: {ROOT / 'scenarios' / 'london-2025.yaml'}\n"
        "parameter_sample: {file: post.csv}\nhorizon_weeks: 10\n")
    scenario = tradesim.load_scenario(tmp_path / "s.yaml")
    frame = tradesim.run(scenario, 400, seed=1).replications()
    pairs = set(zip(frame["approval.us.weekly_hazard"],
                    frame["actors.us.strategy.forgiveness"], strict=True))
    assert pairs == {(0.1, 0.15), (0.9, 0.35)}
    (tmp_path / "bad.csv").write_text("approval.us.weekly_hazzard\n0.5\n")
    (tmp_path / "b.yaml").write_text(
        f"extends: {ROOT / 'scenarios' / 'london-2025.yaml'}\n"
        "parameter_sample: {file: bad.csv}\n")
    with pytest.raises(tradesim.ScenarioError, match=r"did you mean 'approval\.us\.weekly_hazard'"):
        tradesim.load_scenario(tmp_path / "b.yaml")


def test_replay_stops_at_the_date_not_the_week(london):
    # Both events fall in week 2; only the first is known on the cut-off date.
    log = log_of({"date": "2025-06-19", "milestone": "approved"},
                 {"date": "2025-06-24", "milestone": "rejected"})
    forcing = history.forcing(log, london, until=dt.date(2025, 6, 20))
    assert forcing.milestones == {2: ("approved",)}
