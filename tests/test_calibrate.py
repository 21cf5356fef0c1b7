"""Calibration: rejection ABC recovers a known parameter, is reproducible, and round-trips."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import numpy as np
import pytest

import tradesim
from tradesim import calibrate, history, io
from tradesim.cli import main

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT / "seeds" / "events-2025.yaml"
HORIZON = 24
TRUE_HAZARD = 0.15


@pytest.fixture(scope="module")
def synthetic() -> tuple[tradesim.Scenario, history.EventLog, dt.date]:
    """London over 24 weeks, US approval hazard unknown; a log made with a known hazard."""
    data = io.merge(io.read_data(ROOT / "scenarios" / "london-2025.yaml"), {
        "horizon_weeks": HORIZON,
        "approval": {"us": {"weekly_hazard": {"dist": "uniform", "low": 0.02, "high": 0.8}},
                     "china": {"weekly_hazard": 0.9}},
    })
    scenario = tradesim.validate_scenario(data)
    truth = tradesim.validate_scenario(io.merge(data, {
        "approval": {"us": {"weekly_hazard": TRUE_HAZARD}}}))
    weeks = tradesim.run(truth, 200, seed=5).replications()["approved_week"].dropna()
    week = int(np.median(weeks.to_numpy(dtype=int)))  # a typical week under the truth
    start = scenario.start_date
    log = history.validate_events({"events": [
        {"date": start + dt.timedelta(days=7 * (week - 1) + 3), "milestone": "approved"},
    ]}, scenario)
    return scenario, log, start + dt.timedelta(weeks=HORIZON)


def test_observed_statistics_are_censored_at_until():
    scenario = tradesim.load_scenario(ROOT / "scenarios" / "geneva-2025.yaml")
    log = io.load_events(EVENTS, scenario)
    assert calibrate.observed_statistics(log, scenario, dt.date(2025, 6, 11)) == {
        "first_escalation": 3, "breakdown_1": 3, "truce_1": 4}
    # On 2025-06-02 (week 3) the truce had not happened: "not yet" is week 4.
    assert calibrate.observed_statistics(log, scenario, dt.date(2025, 6, 2))["truce_1"] == 4


def test_abc_recovers_a_known_approval_hazard(synthetic):
    scenario, log, until = synthetic
    post = calibrate.abc_rejection(scenario, log, until, statistics=("approved",), runs=3000,
                                   accept=0.1, seed=11, check_runs=300)
    row = post.summary().loc["approval.us.weekly_hazard"]
    # One approval week is a single geometric-like draw: it narrows the prior, modestly.
    assert row["posterior_sd"] < 0.9 * row["prior_sd"]
    assert abs(row["posterior_mean"] - TRUE_HAZARD) < abs(row["prior_mean"] - TRUE_HAZARD)
    assert row["posterior_q05"] <= TRUE_HAZARD <= row["posterior_q95"]
    assert 0.1 <= post.acceptance_rate < 0.5
    assert (post.distances[post.accepted] <= post.epsilon + 1e-12).all()
    assert len(post.check) == 300 and list(post.predictive().index) == ["approved"]
    assert "approval.us.weekly_hazard" in post.report()


def test_deterministic_under_a_seed(synthetic):
    scenario, log, until = synthetic
    a, b = (calibrate.abc_rejection(scenario, log, until, statistics=("approved",), runs=500,
                                    seed=3, check_runs=100) for _ in range(2))
    assert a.samples.equals(b.samples) and a.check.equals(b.check)
    assert a.report() == b.report()
    c = calibrate.abc_rejection(scenario, log, until, statistics=("approved",), runs=500,
                                seed=4, check_runs=0)
    assert not c.prior.equals(a.prior) and c.check is None


def test_posterior_file_round_trips_into_a_scenario(synthetic, tmp_path):
    scenario, log, until = synthetic
    post = calibrate.abc_rejection(scenario, log, until, statistics=("approved",), runs=500,
                                   seed=3, check_runs=0)
    post.to_file(tmp_path / "posterior.csv")
    (tmp_path / "s.yaml").write_text(
        f"extends: {ROOT / 'scenarios' / 'london-2025.yaml'}\n"
        f"horizon_weeks: {HORIZON}\nparameter_sample: {{file: posterior.csv}}\n")
    drawn = tradesim.run(tradesim.load_scenario(tmp_path / "s.yaml"), 300, seed=1)
    values = set(drawn.replications()["approval.us.weekly_hazard"])
    assert values <= set(post.samples["approval.us.weekly_hazard"])


def test_bad_arguments_are_value_errors(synthetic):
    scenario, log, until = synthetic
    with pytest.raises(ValueError, match="unknown summary statistic"):
        calibrate.abc_rejection(scenario, log, until, statistics=("truce",), runs=10)
    with pytest.raises(ValueError, match="accept must be in"):
        calibrate.abc_rejection(scenario, log, until, runs=10, accept=0.0)
    sampled = calibrate.with_parameter_sample(
        scenario, calibrate.abc_rejection(scenario, log, until, runs=50, seed=1,
                                          check_runs=0).samples)
    with pytest.raises(ValueError, match="already draws from a parameter sample"):
        calibrate.abc_rejection(sampled, log, until, runs=10)


def test_calibrate_cli(tmp_path, capsys):
    out = tmp_path / "post.csv"
    code = main(["calibrate", str(ROOT / "scenarios" / "geneva-2025.yaml"), str(EVENTS),
                 "--until", "2025-06-11", "--out", str(out), "--runs", "400", "--seed", "2",
                 "--check-runs", "100"])
    assert code == 0
    text = capsys.readouterr().out
    assert "first_escalation" in text and "accepted" in text and out.is_file()
    assert out.read_text().startswith("actors.us.strategy.forgiveness,")


@pytest.mark.parametrize(("extra", "message"), [
    (["--accept", "0"], "--accept must be above 0"),
    (["--accept", "2"], "must be in [0, 1]"),
    (["--statistics", "truce"], "unknown summary statistic 'truce'"),
    (["--until", "June"], "expected a date YYYY-MM-DD"),
    (["--until", "2025-01-01"], "before the scenario's start date"),
])
def test_calibrate_cli_bad_input(tmp_path, capsys, extra, message):
    args = ["calibrate", str(ROOT / "scenarios" / "geneva-2025.yaml"), str(EVENTS),
            "--until", "2025-06-11", "--out", str(tmp_path / "p.csv"), "--runs", "50", *extra]
    try:
        code = main(args)
    except SystemExit as exc:  # argparse rejects the value itself
        code = exc.code
    assert code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "p.csv").exists()


def test_the_geneva_demo_at_a_small_size():
    spec = importlib.util.spec_from_file_location(
        "geneva_demo", ROOT / "docs" / "scripts" / "geneva_demo.py")
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    out = demo.compute(runs=300, abc_runs=2000, check_runs=200)
    numbers = out["numbers"]
    # The prior is geneva-2025-prior: the five parameters London fits, at their priors.
    prior = tradesim.load_scenario(ROOT / "scenarios" / "geneva-2025-prior.yaml")
    assert numbers["prior_scenario"] == "scenarios/geneva-2025-prior.yaml"
    assert set(numbers["priors"]) == set(demo.FITTED) <= set(out["objects"]["scenario"]
                                                            .uncertain_parameters())
    for path, spec in numbers["priors"].items():
        assert spec == prior.parameter_paths()[path].model_dump(mode="json"), path
    assert numbers["priors"]["monitoring.us.lag_credit"] == {
        "dist": "uniform", "low": 0.0, "high": 1.0}
    assert set(numbers["calibrations"]) == {"at_geneva", "split", "in_sample"}
    for calibration in numbers["calibrations"].values():
        assert 0 <= calibration["exact_matches"] <= calibration["accepted"]
    # Nothing in the record up to Geneva to fit: every draw is accepted.
    assert numbers["calibrations"]["at_geneva"]["acceptance_rate"] == 1.0
    assert numbers["calibrations"]["in_sample"]["observed"] == {
        "first_escalation": 3, "breakdown_1": 3, "truce_1": 4}
    for forecast in numbers["forecasts"].values():
        assert 0.0 <= forecast["brier"] <= 1.0 and forecast["events"]
    assert set(numbers["forecasts"]) == {
        "from_geneva_prior", "from_geneva_fitted_in_sample", "from_geneva_baseline_in_sample",
        "from_split_prior", "from_split_calibrated"}
    names = {e["name"] for e in numbers["forecasts"]["from_geneva_prior"]["events"]}
    assert {"first_escalation", "breakdown_1", "truce_1"} <= names
    for event in numbers["forecasts"]["from_geneva_prior"]["events"]:
        if "ci95_low" in event:  # milestones: the Monte Carlo interval holds the estimate
            assert event["ci95_low"] <= event["probability"] <= event["ci95_high"]
    published = (ROOT / "docs" / "figures" / "geneva-demo.json").read_text()
    assert '"from_geneva_prior"' in published


def test_the_scores_page_scores_out_of_sample_and_labels_the_fit():
    """docs/scripts/scores_page.py: the main forecast uses no parameter fitted on Geneva."""
    spec = importlib.util.spec_from_file_location(
        "scores_page", ROOT / "docs" / "scripts" / "scores_page.py")
    scores = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scores)
    assert scores.SCENARIO == "scenarios/geneva-2025-prior.yaml"
    assert scores.IN_SAMPLE == "scenarios/geneva-2025.yaml"
    prior = tradesim.load_scenario(ROOT / scores.SCENARIO).parameter_paths()
    fitted = tradesim.load_scenario(ROOT / scores.IN_SAMPLE).parameter_paths()
    assert prior["monitoring.us.lag_credit"].dist == "uniform"
    assert fitted["monitoring.us.lag_credit"].dist == "beta"
    out = scores.run(200, 3)
    fit = scores.run(200, 3, scores.IN_SAMPLE)
    for result, _ in (out, fit):  # each Monte Carlo interval holds its probability
        events = result.events
        assert (events["ci95_low"] <= events["probability"] + 1e-12).all()
        assert (events["probability"] <= events["ci95_high"] + 1e-12).all()
    text = scores.page(*out, 200, 3, fit)
    assert "tradesim score scenarios/geneva-2025-prior.yaml" in text
    assert "## In sample: the calibrated scenario (a fit check, not a test)" in text
    published = (ROOT / "docs" / "explanation" / "scores.md").read_text()
    assert "scenarios/geneva-2025-prior.yaml" in published and "In sample" in published


def _calibration_page():
    spec = importlib.util.spec_from_file_location(
        "calibration_page", ROOT / "docs" / "scripts" / "calibration_page.py")
    page = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(page)
    return page


def test_the_london_baseline_carries_the_geneva_posterior():
    """scenarios/london-2025.yaml's fitted ranges are those the calibration page wrote."""
    import json

    page = _calibration_page()
    published = json.loads((ROOT / "docs" / "figures" / "calibration.json").read_text())
    london = tradesim.load_scenario(ROOT / "scenarios" / "london-2025.yaml")
    paths = london.parameter_paths()
    assert set(published["fitted"]) == set(page.PRIORS)
    for path, fitted in published["fitted"].items():
        assert paths[path].model_dump(mode="json") == fitted, path
        # The calibration itself ran on the priors, not on the ranges it produced.
        assert published["priors"][path] == page.PRIORS[path]
    assert published["observed"] == {"first_escalation": 3, "breakdown_1": 3, "truce_1": 4}


def test_the_calibration_page_at_a_small_size():
    page = _calibration_page()
    out = page.compute(abc_runs=20_000, check_runs=500, london_runs=400)
    numbers = out["numbers"]
    assert numbers["accepted"] > 0
    # Exact matching: every accepted draw reproduced the three logged weeks.
    samples = out["objects"]["posterior"]
    assert samples.epsilon == 0.0
    accepted = samples.prior_statistics.loc[samples.accepted]
    assert (accepted == [3, 3, 4]).all().all()
    # The record moves the US monitor's lag credit down from its prior mean of 0.5.
    assert numbers["parameters"]["monitoring.us.lag_credit"]["posterior_mean"] < 0.35
    for fitted in out["fitted"].values():
        assert fitted["dist"] == "beta" and fitted["a"] > 0 and fitted["b"] > 0
    # Both predictive checks match the record more often than the prior does.
    p = numbers["p_match"]
    assert p["posterior_ranges"]["all"] > p["prior"]["all"]
