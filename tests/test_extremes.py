"""A valid scenario must run: extreme but valid magnitudes give finite results, no warnings.

Random valid scenarios from the London baseline, with every magnitude the
model multiplies, sums or exponentiates drawn from the extremes the schema
allows (the smallest subnormal, zero where allowed, values up to
:data:`tradesim.scenario.MAGNITUDE_LIMITS` and, for unbounded fields, up to
1e300), as numbers or as distributions, with sectors of one actor dropped.
Every run must finish with finite series and outcome probabilities summing to
1, and without a single warning (``warnings.simplefilter("error")``).
Scenarios beyond the limits, or with choice weights whose sum overflows, are
refused at validation, with the field and the limit.  A scenario without
sectors is valid but fails inside the model: that test is an expected failure
(strict) until ``model.py`` handles it.
"""

from __future__ import annotations

import copy
import math
import os
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tradesim
from tradesim.io import read_data
from tradesim.scenario import MAGNITUDE_LIMITS, ScenarioError

ROOT = Path(__file__).resolve().parents[1]
LONDON_DATA = read_data(ROOT / "scenarios" / "london-2025.yaml")
TINY = 5e-324  # the smallest positive float

PROFILE = settings(
    deadline=None, database=None, max_examples=40,
    derandomize=not os.environ.get("TRADESIM_HYPOTHESIS_RANDOM"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def magnitude(draw, limit: float, positive: bool = False) -> object:
    """An extreme valid value for a field limited to ``limit``: a number or a distribution."""
    low = TINY if positive else 0.0
    kind = draw(st.sampled_from(["low", "tiny", "limit", "log", "log", "uniform",
                                 "lognormal", "choice"]))
    if kind == "low":
        return low if low > 0 else 0.0
    if kind == "tiny":
        return draw(st.sampled_from([TINY, 1e-300, 1e-12]))
    if kind == "limit":
        return limit
    exponent = st.floats(-300.0, math.log10(limit), allow_nan=False)
    if kind == "log":
        return min(10.0 ** draw(exponent), limit)
    if kind == "uniform":
        a, b = sorted(min(10.0 ** draw(exponent), limit) for _ in range(2))
        return {"dist": "uniform", "low": a, "high": b if b > a else limit}
    if kind == "lognormal" and not positive:  # its support reaches 0
        sigma = draw(st.floats(0.01, 3.0))
        # The largest draw is median * exp(sigma * 8.3): keep it inside the limit.
        top = math.log10(limit) - sigma * 8.3 / math.log(10) - 0.1
        median = 10.0 ** draw(st.floats(-300.0, max(-300.0, top)))
        return {"dist": "lognormal", "median": median, "sigma": sigma}
    if kind == "lognormal":
        return limit
    values = [min(10.0 ** draw(exponent), limit) for _ in range(3)]
    weights = draw(st.sampled_from([[1e300, 1e-300, 1.0], [TINY, TINY, TINY], [0.0, 0.0, 1.0]]))
    return {"dist": "choice", "values": values, "weights": weights}


@st.composite
def extreme_scenario(draw) -> tradesim.Scenario:
    d = copy.deepcopy(LONDON_DATA)
    d["horizon_weeks"] = draw(st.integers(4, 16))
    unbounded = st.sampled_from([0.0, TINY, 1e-300, 1.0, 1e150, 1e300])
    for actor in d["actors"].values():
        actor.setdefault("retaliation", {})["scale"] = draw(magnitude(MAGNITUDE_LIMITS["scale"]))
        for inst in actor["instruments"]:
            inst["impact"] = draw(magnitude(MAGNITUDE_LIMITS["impact"]))
            inst["lag_weeks"] = draw(unbounded)
    for sector in d["economy"]["sectors"]:
        sector["pressure_weight"] = draw(magnitude(MAGNITUDE_LIMITS["pressure_weight"]))
        sector["inventory_weeks"] = draw(magnitude(MAGNITUDE_LIMITS["inventory_weeks"], True))
        sector["max_cover_weeks"] = draw(magnitude(MAGNITUDE_LIMITS["max_cover_weeks"], True))
        sector["cover_spread"] = draw(magnitude(MAGNITUDE_LIMITS["cover_spread"]))
        sector["firms"] = draw(st.sampled_from([1, 2, 7]))
    for good in d["economy"]["goods"]:
        good["baseline_flow_per_week"] = draw(unbounded)
    for monitoring in d["monitoring"].values():
        for channel in monitoring.get("channels", {}).values():
            channel["noise_sd"] = draw(magnitude(MAGNITUDE_LIMITS["noise_sd"]))
        monitoring["threshold"] = draw(st.sampled_from([1e-9, 1.0, 4.0, 100.0]))
        monitoring["drift_sd"] = draw(st.sampled_from([0.0, 0.05, 1e6]))
    for approval in d["approval"].values():
        approval["weekly_hazard"] = draw(st.sampled_from([0.0, 1.0, TINY, 0.3]))
    d["economy"]["pressure_sensitivity"] = draw(unbounded)
    d["economy"]["truce_hazard"] = draw(st.sampled_from([0.0, 1.0, 0.02]))
    for commitment in d["framework"]["commitments"]:
        commitment["deadline_weeks"] = draw(unbounded)
    drop = draw(st.sampled_from([None, "us", "china"]))
    if drop is not None:  # only one actor's industry has sectors
        gone = {c["id"] for c in d["economy"]["sectors"] if c["actor"] == drop}
        d["economy"]["sectors"] = [c for c in d["economy"]["sectors"] if c["id"] not in gone]
        for actor in d["actors"].values():
            for inst in actor["instruments"]:
                inst["sectors"] = [c for c in inst.get("sectors", []) if c not in gone]
    return tradesim.validate_scenario(d, source="<extreme>")


@PROFILE
@given(extreme_scenario(), st.integers(0, 2**32))
def test_valid_extreme_scenarios_run_to_finite_results_without_warnings(scenario, seed):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        results = tradesim.run(scenario, runs=12, seed=seed)
        summary = results.summary()
    series = results.trajectories["series"]
    assert np.isfinite(series).all()
    assert math.isclose(float(summary.outcomes["probability"].sum()), 1.0)
    for name in results.series_names:
        frame = results.series_frame(name)
        assert np.isfinite(frame.to_numpy(dtype=float)).all(), name


# ----------------------------------------------------------- refused at validation


def _refusal(change) -> str:
    d = copy.deepcopy(LONDON_DATA)
    change(d)
    with pytest.raises(ScenarioError) as info:
        tradesim.validate_scenario(d, source="<test>")
    return str(info.value)


def _set_sectors(field: str, value: object):
    def change(d: dict) -> None:
        d["economy"]["sectors"][0][field] = value
    return change


@pytest.mark.parametrize("field", ["pressure_weight", "inventory_weeks", "max_cover_weeks",
                                   "cover_spread"])
def test_a_magnitude_above_the_limit_is_refused(field):
    limit = MAGNITUDE_LIMITS[field]
    message = _refusal(_set_sectors(field, limit * 10))
    assert f"{field}: {limit * 10!r} is not allowed: must be at most {limit:g}" in message
    assert message.count("\n") == 0


def test_a_distribution_that_can_draw_above_the_limit_is_refused():
    message = _refusal(_set_sectors("cover_spread", {"dist": "lognormal", "median": 10.0,
                                                     "sigma": 1.0}))
    assert "cover_spread: 'lognormal(10, 1)' is not allowed: must be at most 50 (lognormal(10, " \
           "1) can draw up to 3.68e+04)" in message


def test_impact_noise_and_scale_are_limited():
    def change(d: dict) -> None:
        d["actors"]["us"]["instruments"][0]["impact"] = 1e308
        d["monitoring"]["us"]["channels"]["magnets"]["noise_sd"] = 1e308
        d["actors"]["china"].setdefault("retaliation", {})["scale"] = 1e308
    message = _refusal(change)
    for name in ("impact", "noise_sd", "scale"):
        assert f"{name}: 1e+308 is not allowed: must be at most" in message


def test_a_valid_scenario_without_sectors_runs():
    scenario = tradesim.load_scenario(ROOT / "tests" / "data" / "tiny.toml")
    assert not scenario.economy.sectors
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        results = tradesim.run(scenario, runs=10, seed=1)
    assert np.isfinite(results.trajectories["series"]).all()


def test_choice_weights_whose_sum_overflows_are_refused():
    def change(d: dict) -> None:
        d["approval"]["us"]["weekly_hazard"] = {"dist": "choice", "values": [0.1, 0.2],
                                                "weights": [1e308, 1e308]}
    assert "their sum must be a finite number" in _refusal(change)
