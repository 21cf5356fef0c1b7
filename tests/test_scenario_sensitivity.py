"""``tradesim sensitivity``: a scenario's Sobol' and Morris analysis, checked against SALib."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tradesim
from tradesim import sensitivity as sa
from tradesim.cli import main

salib_sample = pytest.importorskip("SALib.sample.sobol")
salib_analyze = pytest.importorskip("SALib.analyze.sobol")

ROOT = Path(__file__).resolve().parents[1]
LONDON = ROOT / "scenarios" / "london-2025.yaml"


def unit_problem(d: int) -> dict:
    return {"num_vars": d, "names": [f"x{i}" for i in range(d)], "bounds": [[0.0, 1.0]] * d}


def ishigami(u: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    x = 2 * np.pi * u - np.pi
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


@pytest.fixture(scope="module")
def short_london(tmp_path_factory) -> tradesim.Scenario:
    """London over 12 weeks: every uncertain parameter, a fraction of the cost."""
    path = tmp_path_factory.mktemp("s") / "short.yaml"
    path.write_text(f"extends: {LONDON}\nname: short-london\nhorizon_weeks: 12\n")
    return tradesim.load_scenario(path)


def test_the_design_is_salibs():
    for d, n, seed in ((3, 16, 5), (11, 8, 20250611)):
        ours = sa.saltelli_design(d, n, seed)
        theirs = salib_sample.sample(unit_problem(d), n, calc_second_order=False, seed=seed)
        np.testing.assert_array_equal(ours, theirs)


def test_indices_and_resamples_agree_with_salib_on_the_same_outputs():
    d, n, seed = 3, 256, 7
    unit = sa.saltelli_design(d, n, seed)
    y = ishigami(unit)
    ours = sa.saltelli_indices(y, d, n_resamples=300, seed=seed)
    theirs = salib_analyze.analyze(unit_problem(d), y, calc_second_order=False,
                                   num_resamples=300, keep_resamples=True, seed=seed)
    np.testing.assert_allclose(ours["S1"], theirs["S1"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours["ST"], theirs["ST"], rtol=1e-10, atol=1e-12)
    # The same bootstrap resamples, so the same resampled indices, hence intervals.
    np.testing.assert_allclose(ours["S1_all"], theirs["S1_conf_all"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours["ST_all"], theirs["ST_conf_all"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours["S1_lo"], np.percentile(theirs["S1_conf_all"], 2.5, axis=0))
    np.testing.assert_allclose(ours["ST_hi"], np.percentile(theirs["ST_conf_all"], 97.5,
                                                            axis=0))


def test_known_indices_are_recovered_within_their_intervals():
    # Ishigami (a = 7, b = 0.1): S1 = (0.314, 0.442, 0), ST = (0.558, 0.442, 0.244).
    d = 3
    unit = sa.saltelli_design(d, 4096, 3)
    res = sa.saltelli_indices(ishigami(unit), d, n_resamples=500, seed=3)
    s1, st = np.array([0.3139, 0.4424, 0.0]), np.array([0.5576, 0.4424, 0.2437])
    assert np.all(res["S1_lo"] <= s1) and np.all(s1 <= res["S1_hi"])
    assert np.all(res["ST_lo"] <= st) and np.all(st <= res["ST_hi"])
    assert np.all(res["ST_hi"] - res["ST_lo"] < 0.1)  # and the intervals are informative
    # A linear model: S1 = ST = a_i**2 / sum(a**2) for independent uniforms.
    a = np.array([3.0, 1.0, 0.0, 2.0])
    unit = sa.saltelli_design(4, 2048, 1)
    res = sa.saltelli_indices(unit @ a, 4, n_resamples=500, seed=1)
    share = a**2 / (a**2).sum()
    assert np.all(res["S1_lo"] - 1e-9 <= share) and np.all(share <= res["S1_hi"] + 1e-9)
    assert np.all(res["ST_lo"] - 1e-9 <= share) and np.all(share <= res["ST_hi"] + 1e-9)
    assert res["ST"][2] == 0.0 and res["S1"][2] == pytest.approx(0.0, abs=1e-12)


def test_morris_recovers_a_linear_models_effects():
    a = np.array([0.5, -0.2, 0.0])
    unit = sa.morris_design(3, 20, seed=4)
    assert unit.shape == (20 * 4, 3)
    assert set(np.unique(unit)) <= {0.125, 0.375, 0.625, 0.875}
    steps = np.abs(np.diff(unit.reshape(20, 4, 3), axis=1))
    assert np.all((steps > 0).sum(axis=2) == 1)  # one factor moves per step
    effects = sa.morris_effects(unit, unit @ a, 3)
    np.testing.assert_allclose(effects, np.broadcast_to(a, effects.shape), atol=1e-12)


def test_the_pipeline_agrees_with_salib_sampling_and_analysis(short_london):
    # tradesim's design + model + estimators against SALib's sample and analyze on the same
    # model outputs (the runs at SALib's points are tradesim's runs).
    n, reps, seed = 4, 16, 11
    paths = list(short_london.uncertain_parameters())
    d = len(paths)
    table = sa.scenario_sobol(short_london, samples=n, replications=reps, seed=seed,
                              outcomes=["breakdown_1", "holding"], n_resamples=50, workers=1)
    assert list(table.columns) == list(sa.SOBOL_COLUMNS)
    assert len(table) == 2 * d and list(table["parameter"][:d]) == paths
    assert table.attrs["points"] == n * (d + 2) and table.attrs["model_runs"] == n * (d + 2) * reps
    x = salib_sample.sample(unit_problem(d), n, calc_second_order=False, seed=seed)
    y = sa.evaluate_design(short_london, x, replications=reps, seed=seed,
                           outcomes=["breakdown_1", "holding"], workers=1)
    for k, outcome in enumerate(["breakdown_1", "holding"]):
        if np.ptp(y[:, k]) == 0:
            continue
        res = salib_analyze.analyze(unit_problem(d), y[:, k], calc_second_order=False,
                                    num_resamples=50, keep_resamples=True, seed=seed)
        rows = table[table["outcome"] == outcome]
        np.testing.assert_allclose(rows["S1"], res["S1"], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(rows["ST"], res["ST"], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(rows["ST_hi"], np.percentile(res["ST_conf_all"], 97.5,
                                                                axis=0), atol=1e-12)


def test_points_share_their_random_streams(short_london):
    # Common random numbers: one point twice gives the same shares, whatever its neighbours.
    d = len(short_london.uncertain_parameters())
    unit = np.full((3, d), 0.5)
    unit[1] = 0.9
    y = sa.evaluate_design(short_london, unit, replications=32, seed=3,
                           outcomes=["breakdown_1", "holding"], workers=1)
    np.testing.assert_array_equal(y[0], y[2])
    alone = sa.evaluate_design(short_london, unit[2:], replications=32, seed=3,
                               outcomes=["breakdown_1", "holding"], workers=1)
    np.testing.assert_array_equal(alone[0], y[2])


def test_morris_table(short_london):
    table = sa.scenario_morris(short_london, samples=2, replications=8, seed=2,
                               outcomes=["breakdown_1"], n_resamples=20, workers=1)
    assert list(table.columns) == list(sa.MORRIS_COLUMNS)
    assert (table["mu_star"] >= table["mu"].abs() - 1e-12).all()
    assert (table["mu_star_lo"] <= table["mu_star"] + 1e-12).all()


def test_cli_writes_indices_and_figures(tmp_path, short_london, capsys):
    scenario = tmp_path / "short.yaml"
    scenario.write_text(f"extends: {LONDON}\nname: short-london\nhorizon_weeks: 8\n")
    out = tmp_path / "out"
    code = main(["sensitivity", str(scenario), "--samples", "2", "--replications", "4",
                 "--outcome", "breakdown_1,holding", "--resamples", "20", "--workers", "1",
                 "--out", str(out)])
    assert code == 0
    text = capsys.readouterr().out
    assert "breakdown_1: mean probability" in text and "S1" in text
    table = pd.read_csv(out / "sensitivity.csv")
    assert list(table.columns) == list(sa.SOBOL_COLUMNS)
    payload = json.loads((out / "sensitivity.json").read_text())
    assert payload["samples"] == 2 and len(payload["indices"]) == len(table)
    for outcome in ("breakdown_1", "holding"):
        assert (out / f"sensitivity-{outcome}.png").stat().st_size > 0
        assert (out / f"sensitivity-{outcome}.pdf").stat().st_size > 0
    # An earlier analysis is not replaced silently.
    assert main(["sensitivity", str(scenario), "--samples", "2", "--replications", "4",
                 "--out", str(out)]) == 2
    assert "--overwrite" in capsys.readouterr().err


@pytest.mark.parametrize(("args", "message"), [
    (["--samples", "100"], "--samples must be a power of 2"),
    (["--outcome", "breakdwn"], "did you mean 'breakdown'"),
    (["--replications", "0"], "must be at least 1"),
    (["--method", "sobl"], "invalid choice"),
    (["--overwrite"], "--overwrite needs --out"),
])
def test_cli_bad_input_is_exit_2_with_a_message(capsys, args, message):
    try:
        code = main(["sensitivity", str(LONDON), *args])
    except SystemExit as exc:  # argparse's own checks
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_scenario_without_uncertain_parameters_is_refused(tmp_path, london, capsys):
    import yaml

    from tradesim.paths import set_path, settable_paths

    data = london.model_dump(mode="json")
    allowed = settable_paths(data)
    for path, dist in london.uncertain_parameters().items():
        set_path(data, path, float(dist.ppf(np.array([0.5]))[0]), allowed)
    fixed = tradesim.validate_scenario(data, source="<fixed>")
    assert not fixed.uncertain_parameters()
    with pytest.raises(ValueError, match="no uncertain parameters"):
        sa.scenario_sobol(fixed, samples=2, replications=2)
    path = tmp_path / "fixed.yaml"
    path.write_text(yaml.safe_dump(data))
    assert main(["sensitivity", str(path)]) == 2
    err = capsys.readouterr().err
    assert "no uncertain parameters" in err and "Traceback" not in err


def test_cli_morris_json(tmp_path, capsys):
    scenario = tmp_path / "short.yaml"
    scenario.write_text(f"extends: {LONDON}\nname: short-london\nhorizon_weeks: 6\n")
    assert main(["sensitivity", str(scenario), "--method", "morris", "--samples", "3",
                 "--replications", "4", "--outcome", "holding", "--workers", "1",
                 "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    d = len(tradesim.load_scenario(scenario).uncertain_parameters())
    assert payload["method"] == "morris" and payload["points"] == 3 * (d + 1)
    assert {"mu", "mu_star", "mu_star_lo", "mu_star_hi", "sigma"} <= set(payload["indices"][0])


def test_points_side_by_side_equal_points_run_alone(short_london):
    # evaluate_design steps several points in one model with repeated streams: the same
    # shares as one model per point over replications 0..R-1.
    from tradesim.model import TradeModel

    dists = short_london.uncertain_parameters()
    unit = sa.saltelli_design(len(dists), 2, 9)[:5]
    y = sa.evaluate_design(short_london, unit, replications=16, seed=4,
                           outcomes=["breakdown_1", "holding", "first_escalation"], workers=1)
    for k, row in enumerate(unit):
        overrides = {p: float(d.ppf(np.array([u]))[0])
                     for (p, d), u in zip(dists.items(), row, strict=True)}
        model = TradeModel(short_london, 16, 4, overrides=overrides).run()
        expected = [np.mean(model.outcomes() == 2),
                    np.mean(model.milestones["breakdown_1"] >= 0),
                    np.mean(model.milestones["first_escalation"] >= 0)]
        np.testing.assert_array_equal(y[k], [expected[1], expected[0], expected[2]])


def test_a_stream_period_repeats_the_draws(short_london):
    from tradesim.model import TradeModel

    model = TradeModel(short_london, 12, 7, stream_period=4)
    alone = TradeModel(short_london, 4, 7)
    np.testing.assert_array_equal(model.draws.uniforms[..., 8:], alone.draws.uniforms)
    with pytest.raises(ValueError, match="stream_period must divide"):
        TradeModel(short_london, 10, 7, stream_period=4)
