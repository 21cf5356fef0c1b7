"""Nested runs: parameters apart from chance, reproducibly; medians without knife edges."""

from __future__ import annotations

import json

import numpy as np
import pytest

import tradesim
from tradesim import nesting
from tradesim.paths import set_path
from tradesim.results import _median_week


def _scenario(london, horizon: int, distributions: dict | None = None,
              fixed: bool = False) -> tradesim.Scenario:
    """London with a shorter horizon, its distributions fixed at their medians or widened."""
    data = london.model_dump(mode="json")
    data["horizon_weeks"] = horizon
    if fixed:
        for path, dist in london.uncertain_parameters().items():
            set_path(data, path, float(np.asarray(dist.ppf(np.array([0.5])))[0]))
    for path, dist in (distributions or {}).items():
        set_path(data, path, dist)
    return tradesim.validate_scenario(data)


@pytest.fixture(scope="module")
def decisive(london):
    # Implementation error decides breakdown: from rare at 0 to most runs at 0.5.  The
    # rest is fixed, with a cautious US monitor crediting China's whole pipeline (the
    # baseline's fitted one breaks down in most runs whatever the error).
    wide = {"dist": "uniform", "low": 0.0, "high": 0.6}
    return _scenario(london, 40, {"monitoring.us.threshold": 4.0,
                                  "monitoring.us.lag_credit": 1.0,
                                  **{f"actors.{a}.implementation.error": wide
                                     for a in ("us", "china")}}, fixed=True)


def test_no_uncertain_parameters_means_zero_spread(london):
    fixed = _scenario(london, 30, fixed=True)
    assert not fixed.uncertain_parameters()
    results = tradesim.run(fixed, 400, seed=2, parameter_sets=None)
    assert results.parameter_sets == 0
    s = results.summary()
    for frame in (s.outcomes, s.milestone_stats):
        assert np.array_equal(frame["set_q05"], frame["probability"])
        assert np.array_equal(frame["set_q95"], frame["probability"])
        assert np.all(frame["share_parameters"].fillna(0.0) == 0.0)
    data = json.loads(json.dumps(s.to_dict()))
    for record in [*data["outcomes"].values(), *data["milestones"].values()]:
        low, high = record["parameter_range_q05_q95"]
        assert low == high
    assert "no uncertain parameters" in s.table()


def test_a_decisive_parameter_gives_a_wide_spread(decisive):
    results = tradesim.run(decisive, 600, seed=4, parameter_sets=12)
    s = results.summary()
    row = s.milestone_stats.loc["breakdown_1"]
    assert row.set_q95 - row.set_q05 > 0.3
    assert row.share_parameters > 0.05
    assert row.share_parameters + row.share_chance == pytest.approx(1.0)
    # The Monte Carlo interval of the pooled value is far narrower than the spread.
    assert row.ci95_high - row.ci95_low < row.set_q95 - row.set_q05
    # Every replication of one set ran with that set's values.
    frame = results.replications()
    frame["set"] = results.parameter_set
    per_set = frame.groupby("set")["actors.us.implementation.error"].nunique()
    assert (per_set == 1).all() and frame.groupby("set").ngroups == 12


def test_nested_runs_are_identical_whatever_the_chunks_and_workers(decisive):
    reference = tradesim.run(decisive, 240, seed=9, parameter_sets=8, chunk_size=240)
    for kw in ({"chunk_size": 13}, {"chunk_size": 50, "workers": 2},
               {"chunk_size": 64, "executor": "serial"}):
        other = tradesim.run(decisive, 240, seed=9, parameter_sets=8, **kw)
        assert json.dumps(other.summary().to_dict(), sort_keys=True) == json.dumps(
            reference.summary().to_dict(), sort_keys=True)
        assert other.replications().equals(reference.replications())
        assert np.array_equal(other.histogram, reference.histogram)


def test_nesting_survives_a_save_and_load(decisive, tmp_path):
    from tradesim import store

    results = tradesim.run(decisive, 200, seed=1, parameter_sets=4)
    store.save_results(results, tmp_path / "r")
    again = store.load_results(tmp_path / "r")
    assert again.parameter_sets == 4
    assert again.summary().to_dict() == results.summary().to_dict()


def test_parameter_sets_are_checked(decisive):
    assert nesting.resolve_parameter_sets(decisive, 10_000, None) == 100
    assert nesting.resolve_parameter_sets(decisive, 150, None) == 0
    assert nesting.resolve_parameter_sets(decisive, 10**7, None) == 1000
    for bad in (1, 101, -1, 2.5, True):
        with pytest.raises(ValueError, match="parameter_sets"):
            nesting.resolve_parameter_sets(decisive, 200, bad)


def test_the_cli_takes_parameter_sets(capsys):
    from tradesim import cli

    assert cli.main(["run", "scenarios/london-2025.yaml", "--runs", "200", "--seed", "1",
                     "--parameter-sets", "0", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["parameter_sets"] == 0 and data["runs_per_parameter_set"] is None
    assert data["outcomes"]["holding"]["parameter_range_q05_q95"] == [None, None]


def test_variance_shares_of_known_designs():
    sets = 10
    # Half the sets always have the outcome, half never: all the variance is parameters.
    split = (np.arange(1000) % sets) < 5
    stats = nesting.decompose(split, sets, uncertain=True)
    assert stats.share_parameters == pytest.approx(1.0)
    assert (stats.set_q05, stats.set_q95) == (0.0, 1.0)
    # Replications of one set are alike, so the pooled value is known from 10 sets only.
    low, high = tradesim.results.wilson_interval(500, 1000)
    assert stats.ci95_high - stats.ci95_low > 3 * (high - low)
    # Independent coin flips: the parameters explain about nothing, the interval is Wilson's.
    flips = np.random.default_rng(0).random(100_000) < 0.3
    stats = nesting.decompose(flips, 100, uncertain=True)
    assert stats.share_parameters < 0.005
    low, high = tradesim.results.wilson_interval(flips.sum(), flips.size)
    assert stats.ci95_high - stats.ci95_low == pytest.approx(high - low, rel=0.2)


@pytest.mark.parametrize(("reached", "median"), [(503, None), (520, None), (600, 3)])
def test_a_median_only_when_clearly_more_than_half_reach_it(reached, median):
    weeks = np.full(1000, -1)
    weeks[:reached] = 3
    cdf = np.cumsum(np.bincount(weeks[weeks >= 0], minlength=11)) / 1000
    stats = nesting.decompose(weeks >= 0, 0, uncertain=False)
    week, reason = _median_week(cdf, stats, 10)
    assert week == median
    assert (reason is None) == (median is not None)
    if reason is not None:
        assert reason.startswith("not reached by most runs")


def test_medians_follow_the_rule_in_a_run(decisive):
    s = tradesim.run(decisive, 400, seed=6, parameter_sets=8).summary()
    for name, week in s.median_weeks.items():
        row = s.milestone_stats.loc[name]
        assert (week is not None) == (row.ci95_low > 0.5)
        assert (row.median_reason is None) == (week is not None)
    payload = s.to_dict()["milestones"]
    assert any(m["median_week"] is None and m["median_week_reason"] for m in payload.values())
