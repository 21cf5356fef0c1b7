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
