"""Invariants of the model and the ensemble under random valid scenarios (Hypothesis).

Scenarios are built by perturbing the London baseline's data with
:func:`tradesim.io.merge`: random levels, floors, targets, lags, hazards,
noise, tolerances and strategies (numbers or distributions), short horizons
and few replications, then validated with :func:`tradesim.validate_scenario`.

Examples are derandomized and no example database is kept, so CI runs the same
cases every time; set ``TRADESIM_HYPOTHESIS_RANDOM=1`` to explore new ones.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tradesim
from tradesim.io import merge, read_data
from tradesim.model import MILESTONES, OUTCOMES, PHASES, TradeModel

ROOT = Path(__file__).resolve().parents[1]
LONDON_DATA = read_data(ROOT / "scenarios" / "london-2025.yaml")

settings.register_profile(
    "tradesim-properties",
    deadline=None,
    database=None,
    derandomize=not os.environ.get("TRADESIM_HYPOTHESIS_RANDOM"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile("tradesim-properties")

# Built-in strategies and the parameters each takes (p-like ones are probabilities).
STRATEGY_PARAMS = {
    "tit_for_tat": (),
    "generous_tit_for_tat": ("forgiveness",),
    "win_stay_lose_shift": (),
    "grim_trigger": (),
    "grim_memory_one": (),
    "always_ease": (),
    "always_retaliate": (),
    "random": ("p",),
    "memory_one": ("p_cc", "p_cd", "p_dc", "p_dd"),
    "proportional": (),
}


# ------------------------------------------------------------------ generators


def _unit() -> st.SearchStrategy[float]:
    return st.floats(0.0, 1.0, allow_nan=False)


@st.composite
def probability(draw, low: float = 0.0) -> object:
    """A number in [low, 1] or a distribution bounded inside it."""
    kind = draw(st.sampled_from(["number", "number", "edge", "uniform", "triangular", "beta",
                                 "truncnormal", "choice"]))
    if kind == "number":
        return draw(st.floats(low, 1.0, allow_nan=False))
    if kind == "edge":
        return draw(st.sampled_from([low, 1.0]))
    a, b = sorted(draw(st.lists(st.floats(low, 1.0, allow_nan=False), min_size=2, max_size=2,
                                unique=True)))
    if kind == "uniform":
        return {"dist": "uniform", "low": a, "high": b}
    if kind == "triangular":
        return {"dist": "triangular", "low": a, "mode": draw(st.floats(a, b)), "high": b}
    if kind == "beta":
        return {"dist": "beta", "a": draw(st.floats(0.2, 8.0)), "b": draw(st.floats(0.2, 8.0)),
                "low": a, "high": b}
    if kind == "truncnormal":
        return {"dist": "truncnormal", "mean": draw(st.floats(a, b)),
                "sd": draw(st.floats(0.01, 0.5)), "low": a, "high": b}
    return {"dist": "choice", "values": draw(st.lists(st.floats(low, 1.0, allow_nan=False),
                                                      min_size=1, max_size=4))}


@st.composite
def non_negative(draw, high: float) -> object:
    """A number in [0, high] or a non-negative distribution."""
    kind = draw(st.sampled_from(["number", "number", "zero", "uniform", "triangular",
                                 "lognormal", "choice"]))
    if kind == "number":
        # Subnormal lags overflow 1 / lag to inf (harmless, but numpy warns).
        return draw(st.floats(0.0, high, allow_nan=False, allow_subnormal=False))
    if kind == "zero":
        return 0.0
    a, b = sorted(draw(st.lists(st.floats(0.0, high, allow_nan=False), min_size=2, max_size=2,
                                unique=True)))
    if kind == "uniform":
        return {"dist": "uniform", "low": a, "high": b}
    if kind == "triangular":
        return {"dist": "triangular", "low": a, "mode": draw(st.floats(a, b)), "high": b}
    if kind == "lognormal":
        return {"dist": "lognormal", "median": draw(st.floats(0.01, high + 0.01)),
                "sigma": draw(st.floats(0.05, 1.5))}
    return {"dist": "choice", "values": draw(st.lists(st.floats(0.0, high, allow_nan=False),
                                                      min_size=1, max_size=4))}


@st.composite
def strategy(draw) -> dict:
    name = draw(st.sampled_from(sorted(STRATEGY_PARAMS)))
    spec: dict = {"name": name}
    if draw(st.booleans()):
        spec["first_move"] = draw(probability())
    for param in STRATEGY_PARAMS[name]:
        if draw(st.booleans()):
            spec[param] = draw(probability())
    return spec


@st.composite
def scenario_data(draw) -> dict:
    """London's data with random perturbations: always a valid scenario."""
    override: dict = {"horizon_weeks": draw(st.integers(8, 30)), "actors": {},
                      "approval": {}, "monitoring": {}}
    floors: dict[tuple[str, str], object] = {}
    for actor, spec in LONDON_DATA["actors"].items():
        instruments = []
        for inst in spec["instruments"]:
            item: dict = {"id": inst["id"]}
            floor = draw(st.one_of(st.just(0.0), probability()))
            item["floor"] = floor
            floors[actor, inst["id"]] = floor
            # A fixed level must not be below a fixed floor; the model lifts a drawn
            # level to its floor, which the floor property below checks.
            fixed_floor = floor if isinstance(floor, float) else 0.0
            if "reserve" not in inst and "tariff" not in inst:  # their levels are derived
                item["level"] = draw(probability(low=fixed_floor))
            item["lag_weeks"] = draw(non_negative(30.0))
            item["impact"] = draw(non_negative(40.0))
            instruments.append(item)
        override["actors"][actor] = {
            "instruments": instruments,
            # A different name replaces the strategy whole (merge does not carry params).
            "strategy": draw(strategy()),
            "domestic": {"industry_weight": draw(probability()),
                         "hawkishness": draw(probability())},
            "retaliation": {"scale": draw(non_negative(3.0)),
                            "minimum_share": draw(probability())},
        }
        override["approval"][actor] = {
            "weekly_hazard": draw(probability()),
            "rejection_hazard": draw(probability()),
            "approved_at_start": draw(st.booleans()),
        }
        override["monitoring"][actor] = {
            "default_kind": draw(st.sampled_from(["customs", "licences", "rule"])),
            "threshold": draw(st.floats(0.5, 10.0, allow_nan=False)),
            "withheld_share": draw(st.floats(0.05, 1.0, allow_nan=False)),
            "review_weeks": draw(st.sampled_from([1.0, 52.0 / 12.0]))}
    commitments = []
    for c in LONDON_DATA["framework"]["commitments"]:
        floor = floors[c["actor"], c["instrument"]]
        low = floor if isinstance(floor, float) else 0.0
        commitments.append({"actor": c["actor"], "instrument": c["instrument"],
                            "target": draw(probability(low=low)),
                            "deadline_weeks": draw(non_negative(20.0))})
    override["framework"] = {"commitments": commitments}
    override["economy"] = {"truce_hazard": draw(probability()),
                           "breakdown_share": draw(probability()),
                           "pressure_sensitivity": draw(non_negative(5.0))}
    data = merge(LONDON_DATA, override)
    # Strategies must be replaced whole, not merged with London's parameters.
    for actor in override["actors"]:
        data["actors"][actor]["strategy"] = override["actors"][actor]["strategy"]
    return data


scenarios = scenario_data().map(lambda d: tradesim.validate_scenario(d, source="<generated>"))
seeds = st.integers(0, 2**63 - 1)


def _n_instruments(s: tradesim.Scenario) -> list[int]:
    return [len(s.actors[a].instruments) for a in s.actor_ids]


# ------------------------------------------------------------------- properties


@settings(PROFILE, max_examples=80, deadline=None)
@given(scenarios, seeds)
def test_levels_stay_in_unit_interval_and_never_cross_floors(scenario, seed):
    model = TradeModel(scenario, 4, seed)
    for _ in range(scenario.horizon_weeks):
        model.step()
        for g in model.governments:
            assert np.all(g.level >= g.floor), "a restriction level went below its floor"
            assert np.all((g.level >= 0.0) & (g.level <= 1.0))
            belief = g.monitor.belief
            assert np.all(np.isfinite(belief)) and np.all(g.monitor.evidence >= 0.0)
    series = model.series
    assert np.all(np.isfinite(series))
    # Shares and levels stay in [0, 1]; flows, prices and losses within their own bounds.
    bounds = TradeModel.series_bounds_for(scenario).astype(np.float32)
    assert np.all(series >= 0.0), "a recorded series went below 0"
    assert np.all(series <= bounds[:, np.newaxis, np.newaxis]), "a series left its range"
    # Recorded levels (float32) never below the floor rounded the same way.
    start = 0
    week = np.arange(scenario.horizon_weeks + 1)[:, np.newaxis]
    for g, n in zip(model.governments, _n_instruments(scenario), strict=True):
        floor = np.repeat(g.floor.astype(np.float32)[:, np.newaxis, :], week.size, axis=1)
        # A reserve's floor holds from the week it takes effect.
        for q, j in enumerate(g.reserve_rows):
            opened = (g.open_week[q] >= 0) & (week >= g.open_week[q])
            floor[j] = np.where(opened, floor[j], 0.0)
        assert np.all(series[start:start + n] >= floor)
        start += n


@settings(PROFILE, max_examples=50, deadline=None)
@given(scenarios, seeds, st.integers(1, 12))
def test_outcomes_sum_to_one_and_milestone_curves_never_decrease(scenario, seed, runs):
    results = tradesim.run(scenario, runs=runs, seed=seed, chunk_size=5)
    summary = results.summary()
    outcomes = summary.outcomes
    assert list(outcomes.index) == list(OUTCOMES)
    assert int(outcomes["count"].sum()) == runs
    assert float(outcomes["probability"].sum()) == pytest.approx(1.0, abs=1e-12)
    assert np.all(outcomes["ci95_low"] <= outcomes["probability"])
    assert np.all(outcomes["probability"] <= outcomes["ci95_high"])
    curves = summary.milestones
    assert list(curves.columns) == list(MILESTONES)
    assert len(curves) == scenario.horizon_weeks + 1
    assert np.all(np.diff(curves.to_numpy(), axis=0) >= 0), "a milestone curve decreased"
    assert np.all((curves.to_numpy() >= 0) & (curves.to_numpy() <= 1))
    # Every replication is in exactly one phase every week.
    assert np.all(results.phase_counts.sum(axis=1) == runs)
    assert results.phase_counts.shape[1] == len(PHASES)


@settings(PROFILE, max_examples=30, deadline=None)
@given(scenarios, seeds)
def test_a_seed_gives_the_same_results(scenario, seed):
    a = tradesim.run(scenario, runs=6, seed=seed)
    b = tradesim.run(scenario, runs=6, seed=seed)
    np.testing.assert_array_equal(a.outcome, b.outcome)
    for name in MILESTONES:
        np.testing.assert_array_equal(a.milestone_weeks[name], b.milestone_weeks[name])
    np.testing.assert_array_equal(a.trajectories["series"], b.trajectories["series"])
    np.testing.assert_array_equal(a.histogram, b.histogram)
    np.testing.assert_array_equal(a.sums, b.sums)
    assert a.summary().to_dict() == b.summary().to_dict()


@settings(PROFILE, max_examples=50, deadline=None)
@given(scenarios, seeds, st.integers(2, 6), st.data())
def test_a_replication_does_not_depend_on_its_neighbours(scenario, seed, r, data):
    whole = TradeModel(scenario, r, seed).run()
    i = data.draw(st.integers(0, r - 1), label="replication")
    alone = TradeModel(scenario, 1, seed, first_replication=i).run()
    np.testing.assert_array_equal(alone.series[:, :, 0], whole.series[:, :, i])
    np.testing.assert_array_equal(alone.phases[:, 0], whole.phases[:, i])
    np.testing.assert_array_equal(alone.actions[:, :, 0], whole.actions[:, :, i])
    assert alone.outcomes()[0] == whole.outcomes()[i]
    for name in MILESTONES:
        assert alone.milestones[name][0] == whole.milestones[name][i], name
    for name in alone.uncertain_names:
        assert np.asarray(alone.params[name])[0] == np.asarray(whole.params[name])[i], name


@settings(PROFILE, max_examples=40, deadline=None)
@given(scenarios, seeds, st.integers(1, 14), st.integers(1, 14), st.integers(1, 8),
       st.integers(1, 8))
def test_runs_and_chunk_sizes_agree_on_shared_replications(scenario, seed, runs_a, runs_b,
                                                           chunk_a, chunk_b):
    a = tradesim.run(scenario, runs=runs_a, seed=seed, chunk_size=chunk_a)
    b = tradesim.run(scenario, runs=runs_b, seed=seed, chunk_size=chunk_b)
    n = min(runs_a, runs_b)
    np.testing.assert_array_equal(a.outcome[:n], b.outcome[:n])
    np.testing.assert_array_equal(a.breakdowns[:n], b.breakdowns[:n])
    np.testing.assert_array_equal(a.truces[:n], b.truces[:n])
    for name in MILESTONES:
        np.testing.assert_array_equal(a.milestone_weeks[name][:n], b.milestone_weeks[name][:n])
    assert list(a.parameters) == list(b.parameters)
    for name in a.parameters:
        np.testing.assert_array_equal(a.parameters[name][:n], b.parameters[name][:n])
    np.testing.assert_array_equal(a.trajectories["series"][:, :, :n],
                                  b.trajectories["series"][:, :, :n])
    if runs_a == runs_b:  # same replications: identical aggregates whatever the chunking
        np.testing.assert_array_equal(a.histogram, b.histogram)
        np.testing.assert_array_equal(a.sums, b.sums)
