"""Skill of a forecast against naive ones (climatology, persistence): hand cases and the CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tradesim
from tradesim import history
from tradesim.cli import main
from tradesim.io import load_events

ROOT = Path(__file__).resolve().parents[1]
GENEVA = ROOT / "scenarios" / "geneva-2025.yaml"
EVENTS = ROOT / "seeds" / "events-2025.yaml"


def scored(p: list[float], outcome: list[int], **refs: list[float]) -> pd.DataFrame:
    events = pd.DataFrame({"probability": p, "outcome": outcome})
    events["brier"] = history.brier_score(events["probability"], events["outcome"])
    events["log_score"] = history.log_score(events["probability"], events["outcome"])
    for name, q in refs.items():
        events[f"brier_{name}"] = history.brier_score(q, events["outcome"])
        events[f"log_score_{name}"] = history.log_score(q, events["outcome"])
    return events


def test_a_perfect_forecast_has_brier_skill_one():
    outcome = [1, 0, 0, 1, 0]
    events = scored([float(o) for o in outcome], outcome, climatology=[0.3] * 5)
    row = history.skill(events, seed=1).loc["climatology"]
    assert row["brier"] == 0.0 and row["brier_skill"] == 1.0
    assert row["brier_skill_lo"] == 1.0 and row["brier_skill_hi"] == 1.0
    # The reference's log score, less the (floored) zero of a perfect forecast.
    expected = float(np.mean(history.log_score(0.3, np.array(outcome))))
    assert row["log_diff"] == pytest.approx(expected - float(-np.log(1.0)), abs=1e-5)


def test_a_forecast_equal_to_the_reference_has_no_skill():
    p, outcome = [0.2, 0.7, 0.5, 0.9], [0, 1, 1, 0]
    row = history.skill(scored(p, outcome, climatology=p), seed=2).loc["climatology"]
    assert row["brier_skill"] == pytest.approx(0.0, abs=1e-12)
    assert row["log_diff"] == pytest.approx(0.0, abs=1e-12)
    assert row["brier_skill_lo"] == pytest.approx(0.0, abs=1e-12)
    assert row["log_diff_hi"] == pytest.approx(0.0, abs=1e-12)


def test_skill_is_signed_and_its_interval_holds_it():
    outcome = [1, 0, 1, 0, 0, 1]
    good, bad = [0.8, 0.1, 0.7, 0.2, 0.3, 0.9], [0.4, 0.6, 0.3, 0.5, 0.6, 0.2]
    table = history.skill(scored(good, outcome, climatology=[0.5] * 6, worse=bad),
                          ("climatology", "worse"), seed=3)
    clim = table.loc["climatology"]
    assert clim["brier_skill"] > 0 and clim["log_diff"] > 0
    assert clim["brier_skill_lo"] <= clim["brier_skill"] <= clim["brier_skill_hi"]
    assert clim["log_diff_lo"] <= clim["log_diff"] <= clim["log_diff_hi"]
    # Against a reference worse than climatology, the skill is larger.
    assert table.loc["worse", "brier_skill"] > clim["brier_skill"]
    # Swapping roles flips the log-score difference exactly.
    flipped = history.skill(scored([0.5] * 6, outcome, climatology=good), seed=3)
    assert flipped.loc["climatology", "log_diff"] == pytest.approx(-clim["log_diff"])


def test_the_base_rate_is_spread_evenly_over_the_horizon():
    assert history._base_rate(0.5, 26, 26) == pytest.approx(0.5)
    assert history._base_rate(0.5, 0, 26) == 0.0
    assert history._base_rate(0.75, 13, 26) == pytest.approx(0.5)  # 1 - sqrt(0.25)
    assert history._base_rate(1.0, 3, 26) == 1.0


@pytest.fixture(scope="module")
def geneva_scores():
    scenario = tradesim.load_scenario(GENEVA)
    log = load_events(EVENTS, scenario)
    after, until = dt.date(2025, 5, 12), dt.date(2025, 6, 11)
    forecast = history.replay(scenario, log, after, runs=300, seed=5, keep_trajectories=300)
    unconditional = tradesim.run(scenario, 300, seed=5, keep_trajectories=300)
    result = history.score(forecast, log, after=after, until=until)
    return history.add_baselines(result, forecast, unconditional, after=after), unconditional


def test_baselines_of_the_geneva_forecast(geneva_scores):
    result, unconditional = geneva_scores
    events = result.events.set_index("name")
    horizon = unconditional.horizon_weeks
    share = unconditional.milestone_curve("breakdown_1")[horizon]
    p_h = (round(share * unconditional.runs) + 0.5) / (unconditional.runs + 1)
    assert 0 < p_h < 1
    week = int(events.loc["breakdown_1", "week"])
    assert events.loc["breakdown_1", "p_climatology"] == pytest.approx(
        1 - (1 - p_h) ** (week / horizon))
    milestones = result.events[result.events["kind"] == "milestone"]
    assert (milestones["p_persistence"] == 0.0).all()  # the status quo: nothing new happens
    assert result.events["p_climatology"].between(0, 1).all()
    levels = result.events[result.events["kind"] == "level"]
    assert len(levels) and levels["p_persistence"].isin([0.0, 1.0]).all()
    table = result.skill(seed=1)
    assert list(table.index) == ["climatology", "persistence"]
    assert (table["events"] == len(result.events)).all()
    assert "Brier skill" in result.table() and "persistence" in result.table()


def test_score_cli_prints_and_writes_skill(capsys):
    args = ["score", str(GENEVA), str(EVENTS), "--runs", "200", "--until", "2025-06-11"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Brier skill" in out and "climatology" in out and "persistence" in out
    assert main([*args, "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert set(payload["skill"]) == {"climatology", "persistence"}
    for row in payload["skill"].values():
        assert {"brier_skill", "brier_skill_lo", "brier_skill_hi", "log_diff", "log_diff_lo",
                "log_diff_hi"} <= set(row)
    assert "p_climatology" in payload["events"][0]
