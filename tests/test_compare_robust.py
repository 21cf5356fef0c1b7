"""Paired comparisons with common random numbers, scenario diffs, levers and robustness."""

from __future__ import annotations

import json

import numpy as np
import pytest

import tradesim
from tradesim import cli
from tradesim.comparison import paired_interval
from tradesim.robust import evaluate_levers, lever_settings
from tradesim.scenario import ScenarioError
from tradesim.sweep import read_sweep

LONDON = "scenarios/london-2025.yaml"
HAWKISH = "scenarios/hawkish-us.yaml"


@pytest.fixture(scope="module")
def scenarios():
    return tradesim.load_scenario(LONDON), tradesim.load_scenario(HAWKISH)


def test_same_scenario_differs_by_exactly_nothing(scenarios) -> None:
    a, _ = scenarios
    c = tradesim.compare(a, a, runs=60, seed=2)
    assert (c.differences["difference"].dropna() == 0).all()
    assert (c.differences["low"].dropna() == 0).all()
    assert tradesim.scenario_diff(a, a).empty


def test_paired_differences_match_the_runs_and_use_common_random_numbers(scenarios) -> None:
    a, b = scenarios
    c = tradesim.compare(a, b, runs=200, seed=4)
    ra, rb = tradesim.run(a, runs=200, seed=4), tradesim.run(b, runs=200, seed=4)
    np.testing.assert_array_equal(c.a.outcome, ra.outcome)  # same seed, same streams
    np.testing.assert_array_equal(c.b.outcome, rb.outcome)
    d = c.differences.set_index(["kind", "name"])
    code = tradesim.OUTCOMES.index("breakdown")
    diff = (rb.outcome == code).astype(float) - (ra.outcome == code)
    row = d.loc[("outcome", "breakdown")]
    assert row["difference"] == pytest.approx(diff.mean())
    half = 1.959963984540054 * diff.std(ddof=1) / np.sqrt(200)
    assert row["low"] == pytest.approx(diff.mean() - half)
    assert row["b_only"] == int(((rb.outcome == code) & (ra.outcome != code)).sum())
    assert row["high"] > row["low"]
    assert {"outcome", "milestone", "week", "count"} == set(c.differences["kind"])
    assert len(d.loc["milestone"]) == len(tradesim.MILESTONES)
    json.dumps(c.to_dict(), allow_nan=False)  # NaN become null


def test_paired_interval_is_narrower_than_independent_runs(scenarios) -> None:
    a, b = scenarios
    c = tradesim.compare(a, b, runs=400, seed=8)
    row = c.differences.set_index(["kind", "name"]).loc[("milestone", "implemented")]
    x = (c.a.milestone_weeks["implemented"] >= 0).astype(float)
    y = (c.b.milestone_weeks["implemented"] >= 0).astype(float)
    independent = 1.96 * np.sqrt(x.var(ddof=1) / 400 + y.var(ddof=1) / 400)
    assert row["high"] - row["low"] < 2 * independent


def test_paired_interval_edge_cases() -> None:
    assert np.isnan(paired_interval([])[0])
    assert paired_interval([1.0]) == (1.0, 1.0, 1.0)


def test_scenario_diff_lists_values_and_sources(scenarios) -> None:
    a, b = scenarios
    diff = tradesim.scenario_diff(a, b).set_index("path")
    assert diff.loc["actors.us.strategy.name", "a"] == "generous_tit_for_tat"
    assert diff.loc["actors.us.strategy.name", "b"] == "tit_for_tat"
    # A distribution (the baseline's, fitted on Geneva) against a number (hawkish-us's).
    assert str(diff.loc["monitoring.us.threshold", "a"]).startswith("beta(")
    assert diff.loc["monitoring.us.threshold", "b"] == pytest.approx(2.0)
    assert diff.loc["monitoring.us.threshold", "source_a"]
    assert "approval.china.weekly_hazard" not in diff.index


def test_compare_needs_same_seed_and_runs(scenarios) -> None:
    a, b = scenarios
    with pytest.raises(ValueError, match="same seed"):
        tradesim.compare(tradesim.run(a, runs=20, seed=1), tradesim.run(b, runs=20, seed=2))


def test_cli_compare_table_and_json(capsys) -> None:
    assert cli.main(["compare", LONDON, HAWKISH, "--runs", "100", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "actors.us.strategy.name: generous_tit_for_tat -> tit_for_tat" in out
    assert "hawkish-us minus london-2025" in out and "McNemar" in out
    assert cli.main(["compare", LONDON, HAWKISH, "--runs", "100", "--seed", "3",
                     "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["runs"] == 100 and payload["scenario_diff"]
    assert cli.main(["compare", LONDON, "nope.yaml"]) == 2


SMALL_ROBUST = {
    "name": "tiny-robust", "base": "scenarios/london-2025.yaml", "runs": 40, "seed": 5,
    "design": {"method": "lhs", "points": 3},
    "parameters": {"monitoring.us.channels.magnets.noise_sd": {"low": 0.02, "high": 0.4}},
    "levers": {"us_strategy": {"path": "actors.us.strategy.name",
                               "choices": ["tit_for_tat", "generous_tit_for_tat"]}},
    "robust": {"outcome": "breakdown", "goal": "minimise", "threshold": 0.3},
}


def test_robust_scores_every_setting_with_common_random_numbers() -> None:
    sweep = read_sweep(SMALL_ROBUST)
    assert lever_settings(sweep) == [{"us_strategy": "tit_for_tat"},
                                     {"us_strategy": "generous_tit_for_tat"}]
    result = evaluate_levers(sweep)
    assert result.values.shape == (2, 3)
    # a setting equal to the base in world i is exactly the base scenario's point i
    base = tradesim.run(sweep.scenario(1).model_copy(), runs=40, seed=sweep.seed(1))
    generous = float((base.outcome == tradesim.OUTCOMES.index("breakdown")).mean())
    assert result.values[1, 1] == generous
    table = result.table()
    regret = result.values - result.values.min(axis=0)
    np.testing.assert_allclose(table["max_regret"], regret.max(axis=1))
    np.testing.assert_allclose(table["worst"], result.values.max(axis=1))
    np.testing.assert_allclose(table["satisficing"], (result.values <= 0.3).mean(axis=1))
    assert (regret.min(axis=0) == 0).all() and (table["max_regret"] >= 0).all()
    assert "least worst-case regret" in result.finding()
    json.dumps(result.to_dict(), allow_nan=False)
    fig = result.figure()
    assert fig.axes[0].get_title(loc="left") == result.finding()


def test_bad_levers_are_clear_errors() -> None:
    bad = {**SMALL_ROBUST, "levers": {"s": {"path": "actors.us.strategy.nmae",
                                            "choices": ["tit_for_tat"]}}}
    with pytest.raises(ScenarioError, match=r"levers\.s\.path.*unknown parameter path"):
        read_sweep(bad)
    bad = {**SMALL_ROBUST, "levers": {"s": {"path": "actors.us.strategy.name",
                                            "choices": ["tit_for_tot"]}}}
    with pytest.raises(ScenarioError, match=r"levers\.s\.choices\[0\]"):
        read_sweep(bad)
    with pytest.raises(ScenarioError, match=r"robust\.outcome"):
        read_sweep({**SMALL_ROBUST, "robust": {"outcome": "brekdown"}})
    no_levers = {k: v for k, v in SMALL_ROBUST.items() if k != "levers"}
    with pytest.raises(ValueError, match="declares no levers"):
        evaluate_levers(read_sweep(no_levers))


def test_cli_robust_writes_table_and_figure(tmp_path, capsys) -> None:
    path = tmp_path / "tiny.yaml"
    import yaml

    data = {**SMALL_ROBUST, "base": str((tradesim_root() / LONDON).resolve())}
    path.write_text(yaml.safe_dump(data))
    assert cli.main(["robust", str(path), "--executor", "serial", "--out",
                     str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "max_regret" in out and "least worst-case regret" in out
    for name in ("robust.csv", "robust.json", "robust.png", "robust.pdf"):
        assert (tmp_path / "out" / name).stat().st_size > 0
    assert cli.main(["robust", str(path), "--executor", "serial", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["worlds"] == 3


def test_the_shipped_robust_file_is_valid() -> None:
    sweep = read_sweep("sweeps/london-robust.yaml")
    assert len(lever_settings(sweep)) == 6


def tradesim_root():
    from pathlib import Path

    return Path(__file__).resolve().parents[1]
