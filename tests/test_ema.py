"""EMA Workbench bridge: tradesim as an EMA Model, a sweep as EMA results, EMA's PRIM on them."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest

import tradesim

ema = pytest.importorskip("ema_workbench")
from tradesim.ema import build_model, ema_name, to_ema  # noqa: E402
from tradesim.sweep import read_sweep, run_sweep  # noqa: E402

warnings.filterwarnings("ignore", message="ipyparallel not installed")


@pytest.fixture(scope="module")
def scenario() -> tradesim.Scenario:
    return tradesim.load_scenario("scenarios/london-2025.yaml")


def test_model_has_safe_names_distributions_levers_and_outcomes(scenario) -> None:
    levers = {"us_strategy": {"path": "actors.us.strategy.name",
                              "choices": ["tit_for_tat", "generous_tit_for_tat"]}}
    model = build_model(scenario, runs=20, levers=levers)
    names = [u.name for u in model.uncertainties]
    assert all(n.isidentifier() for n in names)
    paths = model.function.paths
    assert paths[ema_name("approval.china.weekly_hazard")] == "approval.china.weekly_hazard"
    assert set(paths.values()) >= set(scenario.uncertain_parameters())
    assert [lv.name for lv in model.levers] == ["us_strategy"]
    outcome_kinds = {type(o).__name__ for o in model.outcomes}
    assert outcome_kinds == {"ScalarOutcome", "TimeSeriesOutcome"}
    # the uncertainty keeps the scenario's own distribution, not just its range
    u = next(u for u in model.uncertainties if u.name == ema_name("approval.china.weekly_hazard"))
    dist = scenario.uncertain_parameters()["approval.china.weekly_hazard"]
    assert u.dist.ppf(0.3) == pytest.approx(float(dist.ppf(np.array([0.3]))[0]))
    with pytest.raises(ValueError, match="seeding"):
        build_model(scenario, seeding="each")
    with pytest.raises(ValueError, match="unknown parameter path"):
        build_model(scenario, levers={"x": {"path": "actors.us.strategy.nmae", "choices": [1]}})


def test_perform_experiments_common_random_numbers(scenario) -> None:
    model = build_model(scenario, runs=20, seed=7,
                        outcomes=["p_breakdown", "reached_implemented", "cdf_implemented"],
                        levers={"us_threshold": {"path": "monitoring.us.threshold",
                                                 "choices": [2.0, 6.0]}})
    experiments, outcomes = ema.perform_experiments(model, scenarios=3, policies=2)
    assert len(experiments) == 6
    assert outcomes["p_breakdown"].shape == (6,)
    assert outcomes["cdf_implemented"].shape[0] == 6
    assert outcomes["cdf_implemented"].shape[-1] == scenario.horizon_weeks + 1
    # common random numbers: a rerun of an experiment's inputs gives its outcome exactly
    row = experiments.iloc[0]
    inputs = {k: row[k] for k in model.function.paths}
    again = model.function(**inputs)
    assert again["p_breakdown"] == outcomes["p_breakdown"][0]


def test_seed_per_experiment(scenario) -> None:
    model = build_model(scenario, runs=10, seeding="experiment", outcomes=["p_holding"])
    assert "tradesim_seed" in [u.name for u in model.uncertainties]
    experiments, _ = ema.perform_experiments(model, scenarios=3)
    assert experiments["tradesim_seed"].nunique() == 3


def test_to_ema_and_emas_prim_on_a_tradesim_sweep(tmp_path) -> None:
    spec = {"name": "tiny-lhs", "base": "scenarios/london-2025.yaml", "runs": 30, "seed": 2,
            "design": {"method": "lhs", "points": 12},
            "parameters": {"actors.us.strategy.forgiveness": {"low": 0.0, "high": 0.5},
                           "monitoring.us.channels.magnets.noise_sd": {"low": 0.02, "high": 0.4}},
            "series": "none"}
    ds = run_sweep(read_sweep(spec), tmp_path / "out", executor="serial", progress=False)
    experiments, outcomes = to_ema(ds)
    assert list(experiments.columns) == [ema_name("actors.us.strategy.forgiveness"),
                                         ema_name("monitoring.us.channels.magnets.noise_sd")]
    assert experiments.attrs["paths"][ema_name("monitoring.us.channels.magnets.noise_sd")] == \
        "monitoring.us.channels.magnets.noise_sd"
    np.testing.assert_array_equal(experiments[ema_name("monitoring.us.channels.magnets.noise_sd")],
                                  ds["monitoring.us.channels.magnets.noise_sd"].values)
    np.testing.assert_array_equal(outcomes["p_breakdown"],
                                  ds["probability"].sel(outcome="breakdown").values)
    assert outcomes["cdf_implemented"].shape == (12, ds.sizes["week"])
    # Breakdowns are rare at 30 runs a point; holding varies from point to point.
    y = outcomes["p_holding"] < np.median(outcomes["p_holding"])
    assert 0 < y.sum() < len(y)
    from ema_workbench.analysis import prim

    kwargs = {"threshold": 0.5} if "threshold" in inspect.signature(prim.Prim).parameters \
        else {}
    box = prim.Prim(experiments, y, peel_alpha=0.1, mass_min=0.1, **kwargs).find_box()
    assert len(box.peeling_trajectory) >= 1
    assert set(box.box_lim.columns) <= set(experiments.columns)
