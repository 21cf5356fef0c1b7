from __future__ import annotations

from pathlib import Path

import pytest

import tradesim
from tradesim.io import merge, read_data

ROOT = Path(__file__).resolve().parent.parent
LONDON = ROOT / "scenarios" / "london-2025.yaml"


@pytest.fixture(scope="session")
def london_data() -> dict:
    return read_data(LONDON)


@pytest.fixture(scope="session")
def london() -> tradesim.Scenario:
    return tradesim.load_scenario(LONDON)


@pytest.fixture
def variant(london_data):
    """Build a validated variant of London from an override mapping."""

    def make(override: dict) -> tradesim.Scenario:
        return tradesim.validate_scenario(merge(london_data, override), source="<test>")

    return make


@pytest.fixture(scope="session")
def synthetic_sweep():
    """Build a design sweep's Dataset with a known breakdown probability at each point.

    ``make(design, f, **extra)`` reads a sweep of ``design`` over three unit ranges
    (``monitoring.us.drift_sd``, ``monitoring.us.prior_sd``,
    ``approval.us.weekly_hazard``) and assembles it, without running it, with
    breakdown probability ``f(x1, x2, x3)`` at each point; ``extra`` adds sweep fields.
    """
    import numpy as np

    from tradesim import OUTCOMES
    from tradesim.sweep import assemble, read_sweep
    from tradesim.vocab import MILESTONES

    params = {"monitoring.us.drift_sd": {"low": 0.0, "high": 1.0},
              "monitoring.us.prior_sd": {"low": 0.0, "high": 1.0},
              "approval.us.weekly_hazard": {"low": 0.0, "high": 1.0}}

    def make(design: dict, f, **extra):
        sweep = read_sweep({"name": "t", "base": str(LONDON), "scenario": {"horizon_weeks": 4},
                            "runs": 10, "seed": 5, "design": design, "parameters": params,
                            "series": "none", **extra})
        x = np.column_stack([sweep.values[p] for p in params])
        y = f(*x.T)
        k = list(OUTCOMES).index("breakdown")
        results = {}
        for i in range(sweep.n_points):
            probability = np.zeros(len(OUTCOMES))
            probability[k] = y[i]
            results[i] = {"probability": probability, "count": np.zeros(len(OUTCOMES), int),
                          "ci95_low": probability, "ci95_high": probability,
                          "median_week": np.full(len(MILESTONES), np.nan),
                          "milestone_cdf": np.zeros((5, len(MILESTONES))),
                          "series_stats": np.zeros((0, 5, 6))}
        return assemble(sweep, results)

    return make
