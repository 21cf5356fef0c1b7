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
"""

from importlib.metadata import PackageNotFoundError, version

from .ensemble import run
from .io import load_scenario
from .model import MILESTONES, OUTCOMES, PHASES, TradeModel
from .results import Results, Summary
from .scenario import Scenario, ScenarioError, validate_scenario
from .strategies import STRATEGIES, Strategy, register

try:
    __version__ = version("tradesim")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = [
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
    "load_scenario",
    "register",
    "run",
    "validate_scenario",
]
