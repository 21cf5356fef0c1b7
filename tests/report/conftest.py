"""Fixtures of the report tests: a short scenario, its ensemble, a comparison, the facts."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

import tradesim
from tradesim import io, report

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[2]
LONDON = ROOT / "scenarios" / "london-2025.yaml"


@pytest.fixture(scope="session")
def scenario():
    data = io.read_data(LONDON)
    return tradesim.validate_scenario(io.merge(data, {"horizon_weeks": 40}))


@pytest.fixture(scope="session")
def results(scenario):
    return tradesim.run(scenario, runs=200, seed=3)


@pytest.fixture(scope="session")
def other():
    """A second scenario to compare with, whose name needs escaping in HTML."""
    data = io.read_data(LONDON)
    return tradesim.run(tradesim.validate_scenario(io.merge(
        data, {"name": "slow <china>", "horizon_weeks": 40})), runs=200, seed=3)


@pytest.fixture(scope="session")
def facts():
    return io.read_data(ROOT / "seeds" / "facts.yaml")


@pytest.fixture(scope="session")
def written(results, other, facts, tmp_path_factory):
    """A whole report of ``results`` compared with ``other``: what write_report returned."""
    return report.write_report(results, tmp_path_factory.mktemp("report"), compare=[other],
                               facts=facts)
