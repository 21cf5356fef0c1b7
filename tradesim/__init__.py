"""tradesim: scenario simulation for trade policy.

An agent-based model, on Mesa, of the US and China choosing week by week to
ease, hold or retaliate on export controls, run as Monte Carlo ensembles of
how the June 2025 London framework is approved, implemented and complied
with.

>>> import tradesim
>>> scenario = tradesim.load_scenario("scenarios/london-2025.yaml")
>>> results = tradesim.run(scenario, runs=100, seed=7)
>>> results.runs
100

``import tradesim`` is fast: the names below are imported from their modules
on first use (a module-level ``__getattr__``), so Mesa, scipy, xarray and
matplotlib load only when something needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

#: The distribution (the name on the package index); the import name is ``tradesim``.
DISTRIBUTION = "tradesim-policy"

#: Public name -> module that defines it (imported on first access).
_LAZY: dict[str, str] = {
    "MILESTONES": ".vocab",
    "OUTCOMES": ".vocab",
    "PHASES": ".vocab",
    "STRATEGIES": ".strategies",
    "Results": ".results",
    "Scenario": ".scenario",
    "ScenarioError": ".errors",
    "Strategy": ".strategies",
    "Summary": ".results",
    "TradeModel": ".model",
    "compare": ".comparison",
    "scenario_diff": ".comparison",
    "load_scenario": ".io",
    "register": ".strategies",
    "run": ".ensemble",
    "validate_scenario": ".scenario",
}

#: Submodules reachable as attributes (``tradesim.store``) without importing them first.
_SUBMODULES = frozenset({
    "batch", "calibrate", "cf", "cli", "comparison", "discovery", "display", "distributions", "ema",
    "ensemble", "errors", "executors", "explore", "game", "history", "io", "model",
    "nesting", "parameters", "paths", "plots", "reduction", "report", "results", "robust",
    "scenario",
    "sensitivity", "store", "strategies", "streams", "sweep", "vocab",
})

__all__ = [
    "DISTRIBUTION",
    "MILESTONES",
    "OUTCOMES",
    "PHASES",
    "STRATEGIES",
    "Results",
    "Scenario",
    "ScenarioError",
    "Strategy",
    "Summary",
    "TradeModel",
    "__version__",
    "compare",
    "load_scenario",
    "register",
    "run",
    "scenario_diff",
    "validate_scenario",
]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .comparison import compare, scenario_diff
    from .ensemble import run
    from .errors import ScenarioError
    from .io import load_scenario
    from .model import TradeModel
    from .results import Results, Summary
    from .scenario import Scenario, validate_scenario
    from .strategies import STRATEGIES, Strategy, register
    from .vocab import MILESTONES, OUTCOMES, PHASES


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first access (then cache it here)."""
    if name in _LAZY:
        value: Any = getattr(importlib.import_module(_LAZY[name], __name__), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module 'tradesim' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
