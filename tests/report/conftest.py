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
def untariffed():
    """The short scenario without its calendar, tariffs and measures held in reserve."""
    data = io.merge(io.read_data(LONDON), {"horizon_weeks": 40})
    data.pop("calendar")
    data["actors"] = {a: {**actor, "instruments": [
        i for i in actor["instruments"] if "reserve" not in i and i.get("kind") != "tariff"]}
        for a, actor in data["actors"].items()}
    data["monitoring"] = {a: {**m, "channels": {k: c for k, c in m.get("channels", {}).items()
                                                if k != "tariff"}}
                          for a, m in data["monitoring"].items()}
    return tradesim.run(tradesim.validate_scenario(data), runs=100, seed=3)


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


@pytest.fixture(scope="session")
def sensitivity(scenario):
    """A made-up sensitivity table over three of the scenario's uncertain parameters."""
    import pandas as pd

    from tradesim.distributions import is_distribution

    paths = [p for p, v in scenario.parameter_paths().items() if is_distribution(v)][:3]
    return pd.DataFrame({"outcome": "holding", "parameter": paths,
                         "S1": [0.1, 0.5, 0.2], "S1_lo": [0.05, 0.4, 0.1],
                         "S1_hi": [0.15, 0.6, 0.3], "ST": [0.12, 0.61, 0.25],
                         "ST_lo": [0.06, 0.5, 0.15], "ST_hi": [0.2, 0.7, 0.35]})


@pytest.fixture(scope="session")
def pdf_reader(written):
    from pypdf import PdfReader

    return PdfReader(written["pdf"])
