"""Sweep files shared by the tests of tradesim.sweep (a helper module, not a test file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradesim.scenario import ScenarioError
from tradesim.sweep import read_sweep

ROOT = Path(__file__).resolve().parents[2]
LONDON = str(ROOT / "scenarios" / "london-2025.yaml")
SHORT = {"horizon_weeks": 26}


def small(**extra) -> dict:
    data = {"name": "small", "base": LONDON, "scenario": SHORT, "runs": 60, "seed": 7}
    data.update(extra)
    return data


GRID = small(grid={"actors.us.strategy.forgiveness": [0.0, 0.4],
                   "monitoring.us.drift_sd": {"start": 0.05, "stop": 0.35, "num": 3}},
             zip={"speed": {"approval.us.weekly_hazard": [0.3, 0.9],
                            "approval.china.weekly_hazard": [0.2, 0.8]}})
LHS = small(design={"method": "lhs", "points": 5},
            parameters={"monitoring.us.drift_sd": {"low": 0.02, "high": 0.4},
                        "actors.us.strategy.name": {"choices": ["tit_for_tat",
                                                                "generous_tit_for_tat"]},
                        "framework.commitments.china.magnets.deadline_weeks":
                            {"low": 4.0, "high": 12.0}})


def problems_of(data) -> str:
    with pytest.raises(ScenarioError) as info:
        read_sweep(data)
    return str(info.value)
