"""Fixtures of the figure tests: two small ensembles and checks of what a figure shows.

Baseline images live in tests/plots/baseline_images/; regenerate them (after checking
the new figures by eye) with ``TRADESIM_UPDATE_BASELINES=1 pytest tests/plots``.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest
from matplotlib.testing.compare import compare_images

import tradesim
from tradesim import io

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[2]
BASELINES = Path(__file__).parent / "baseline_images"
TOLERANCE = 3.0  # RMS difference on the 0-255 scale


def _variant(**changes):
    data = io.read_data(ROOT / "scenarios" / "london-2025.yaml")
    return tradesim.validate_scenario(io.merge(data, changes))


@pytest.fixture(scope="session")
def results():
    return tradesim.run(_variant(horizon_weeks=52), runs=300, seed=11)


def without_tariffs(data):
    """London's data without its calendar, tariffs and measures held in reserve."""
    plain = {k: v for k, v in data.items() if k != "calendar"}
    plain["actors"] = {a: {**actor, "instruments": [
        i for i in actor["instruments"] if "reserve" not in i and i.get("kind") != "tariff"]}
        for a, actor in data["actors"].items()}
    plain["monitoring"] = {a: {**m, "channels": {k: c for k, c in m.get("channels", {}).items()
                                                 if k != "tariff"}}
                           for a, m in data["monitoring"].items()}
    return plain


@pytest.fixture(scope="session")
def untariffed():
    """London without tariffs, calendar or reserves: 52 weeks, 100 runs."""
    data = io.merge(io.read_data(ROOT / "scenarios" / "london-2025.yaml"), {"horizon_weeks": 52})
    return tradesim.run(tradesim.validate_scenario(without_tariffs(data)), runs=100, seed=11)


@pytest.fixture(scope="session")
def hawkish():
    scenario = _variant(name="hawkish-us", horizon_weeks=52,
                        actors={"us": {"domestic": {"hawkishness": 0.5}}})
    return tradesim.run(scenario, runs=300, seed=11)


@pytest.fixture(scope="session")
def legend_texts():
    """The legend texts of an Axes, or of all the Axes of a Figure."""

    def texts(ax_or_fig):
        legends = [ax_or_fig.get_legend()] if hasattr(ax_or_fig, "get_legend") else \
            [ax.get_legend() for ax in ax_or_fig.axes]
        return [t.get_text() for legend in legends if legend is not None for t in legend.texts]

    return texts


@pytest.fixture(scope="session")
def line_labels():
    """The direct labels at the ends of the lines of an Axes (they replace legends)."""

    def labels(ax):
        return [t.get_text() for t in ax.texts if t.get_gid() == "tradesim-line-label"]

    return labels


@pytest.fixture(scope="session")
def finding():
    """The finding (bold title) and the measure (subtitle) of a Figure."""
    from tradesim.plots.style import figure_finding

    def both(fig):
        measure = next((t.get_text() for g in fig.legends for t in g.texts
                        if t.get_gid() == "tradesim-measure"), "")
        return figure_finding(fig).replace("\n", " "), measure.replace("\n", " ")

    return both


@pytest.fixture(scope="session")
def source_notes():
    """The source notes of a Figure."""

    def notes(fig):
        return [t.get_text() for t in fig.texts if t.get_gid() == "tradesim-source-note"]

    return notes


@pytest.fixture
def check_image(tmp_path, monkeypatch):
    """Compare a figure with its baseline PNG; the version in the note is pinned first."""
    monkeypatch.setattr(tradesim, "__version__", "0.1.0")  # the note must not drift

    def check(fig, name):
        actual = tmp_path / f"{name}.png"
        fig.savefig(actual, dpi=100, metadata={"Software": None})
        baseline = BASELINES / f"{name}.png"
        if os.environ.get("TRADESIM_UPDATE_BASELINES") or not baseline.exists():
            if not os.environ.get("TRADESIM_UPDATE_BASELINES"):
                pytest.fail(f"missing baseline {baseline}; run with TRADESIM_UPDATE_BASELINES=1")
            BASELINES.mkdir(exist_ok=True)
            baseline.write_bytes(actual.read_bytes())
        assert compare_images(str(baseline), str(actual), tol=TOLERANCE) is None

    return check
