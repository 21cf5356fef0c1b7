"""One call of every public figure function of :mod:`tradesim.plots`, on given inputs.

Shared by the layout test (tests/plots/test_text_layout.py) and the review
script (docs/scripts/render_figures.py), so both cover the same figures.  A
figure function is any public callable of :mod:`tradesim.plots` that
returns an Axes or a Figure (or, like :func:`main_figures`, a dict of them).
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import Any

from matplotlib.figure import Figure

__all__ = ["GalleryInputs", "figure_calls", "figure_functions"]


@dataclasses.dataclass(frozen=True)
class GalleryInputs:
    """Inputs of the figures: two ensembles, a grid sweep, a Sobol' table and PRIM."""

    results: Any
    other: Any
    grid: Any
    sobol_table: Any
    sobol_sweep: Any
    prim: Any
    prim_sweep: Any


def figure_functions() -> list[str]:
    """Names in ``tradesim.plots.__all__`` of functions that return figures."""
    from .. import plots

    names = []
    for name in plots.__all__:
        value = getattr(plots, name)
        if not inspect.isfunction(value):
            continue
        returns = str(inspect.signature(value).return_annotation)
        if "Axes" in returns or ("Figure" in returns and "tuple" not in returns):
            names.append(name)
    return names


def figure_calls(inputs: GalleryInputs) -> dict[str, Callable[[], dict[str, Figure]]]:
    """For each figure function, a call drawing its figures (name -> {stem: Figure}).

    A figure function without an entry here is a KeyError in the layout
    test, so a new function must be added to be covered.
    """
    from .. import plots

    r, o = inputs.results, inputs.other

    def fig(value: Any) -> Figure:
        return value if isinstance(value, Figure) else value.figure

    calls: dict[str, Callable[[], dict[str, Figure]]] = {
        "fan_chart": lambda: {
            "fan_chart_supply": fig(plots.fan_chart(r, "supply.magnets", paths=3)),
            "fan_chart_restriction": fig(plots.fan_chart(r, "china.magnets")),
            "fan_chart_price": fig(plots.fan_chart(r, "price.magnets", paths=3)),
            "fan_chart_bands": fig(plots.fan_chart(r, "price.magnets", paths=3, kind="bands"))},
        "state_probability": lambda: {
            "state_probability": fig(plots.state_probability(r, "supply.magnets"))},
        "fan_chart_grid": lambda: {"fan_chart_grid": plots.fan_chart_grid(
            r, ["us.eda_software", "us.chips", "china.magnets", "china.rare_earths"])},
        "outcome_probabilities": lambda: {
            "outcome_probabilities": fig(plots.outcome_probabilities(r)),
            "outcome_probabilities_two": fig(plots.outcome_probabilities([r, o]))},
        "milestone_curves": lambda: {
            "milestone_curves": fig(plots.milestone_curves(r)),
            "milestone_curves_two": fig(plots.milestone_curves([r, o]))},
        "phase_occupancy": lambda: {"phase_occupancy": fig(plots.phase_occupancy(r))},
        "supply_chain_impact": lambda: {"supply_chain_impact": plots.supply_chain_impact(r)},
        "tariffs_and_measures": lambda: {
            "tariffs_and_measures": plots.tariffs_and_measures(r)},
        "compare_scenarios": lambda: {
            "compare_scenarios_phases": plots.compare_scenarios([r, o], plots.phase_occupancy),
            "compare_scenarios_overlay": plots.compare_scenarios(
                [r, o], plots.fan_chart, "supply.magnets", overlay=True)},
        "compare_outcomes": lambda: {"compare_outcomes": plots.compare_outcomes([r, o])},
        "compare_milestones": lambda: {"compare_milestones": plots.compare_milestones([r, o])},
        "compare_supply": lambda: {"compare_supply": plots.compare_supply([r, o])},
        "game_heatmap": lambda: {"game_cooperation": plots.game_heatmap()},
        "sweep_heatmap": lambda: {"sweep_heatmap": plots.sweep_heatmap(inputs.grid, "holding")},
        "sweep_lines": lambda: {"sweep_lines": plots.sweep_lines(inputs.grid, "holding")},
        "sobol_bars": lambda: {"sobol_bars": plots.sobol_bars(
            inputs.sobol_table, "breakdown", ds=inputs.sobol_sweep)},
        "prim_tradeoff": lambda: {"prim_tradeoff": plots.prim_tradeoff(inputs.prim)},
        "prim_box": lambda: {"prim_box": plots.prim_box(inputs.prim, inputs.prim_sweep)},
        "main_figures": lambda: {f"main_{k}": v for k, v in plots.main_figures(r).items()},
        "sensitivity_bars": lambda: {
            "sensitivity_bars": plots.sensitivity_bars(_sensitivity_table("sobol")),
            "sensitivity_bars_morris": plots.sensitivity_bars(_sensitivity_table("morris"))},
    }
    return calls


def _sensitivity_table(method: str) -> Any:
    """A fixed table in the shape of ``scenario_sobol`` (or ``scenario_morris``): no runs."""
    import pandas as pd

    paths = ["actors.us.strategy.forgiveness", "actors.china.instruments.magnets.lag_weeks",
             "approval.us.weekly_hazard", "economy.sectors.autos_ev.inventory_weeks",
             "monitoring.us.channels.rare_earths.noise_sd"]
    first = [0.05, 0.32, 0.18, 0.02, -0.01]
    total = [0.09, 0.45, 0.30, 0.04, 0.01]
    if method == "sobol":
        rows = [{"outcome": "breakdown_1", "parameter": p, "S1": a, "S1_lo": a - 0.06,
                 "S1_hi": a + 0.06, "ST": b, "ST_lo": b - 0.05, "ST_hi": b + 0.05}
                for p, a, b in zip(paths, first, total, strict=True)]
    else:
        rows = [{"outcome": "breakdown_1", "parameter": p, "mu": a, "mu_star": b,
                 "mu_star_lo": b * 0.7, "mu_star_hi": b * 1.3, "sigma": b * 0.5}
                for p, a, b in zip(paths, first, total, strict=True)]
    table = pd.DataFrame(rows)
    table.attrs = {"scenario": "london-2025", "points": 832, "replications": 128,
                   "seed": 20250611, "version": "gallery"}
    return table


def build_inputs(scenario_file: str, *, runs: int = 500, horizon_weeks: int | None = None,
                 seed: int = 11, sweep_runs: int = 10) -> GalleryInputs:
    """Small ensembles and sweeps of a scenario file, for the gallery.

    Parameters
    ----------
    scenario_file : str
        A scenario file (e.g. scenarios/london-2025.yaml).
    runs : int
        Runs of each ensemble: the scenario and a hawkish-US variant.
    horizon_weeks : int, optional
        Shorter horizon for the ensembles (default the scenario's).
    seed : int
    sweep_runs : int
        Runs per point of the (8-week) sweeps.
    """
    import tradesim

    from .. import discovery, io
    from .. import sensitivity as sa
    from ..sweep import read_sweep, run_sweep

    data = io.read_data(scenario_file)
    horizon = {} if horizon_weeks is None else {"horizon_weeks": horizon_weeks}
    results = tradesim.run(tradesim.validate_scenario(io.merge(data, horizon)), runs=runs,
                           seed=seed)
    other = tradesim.run(tradesim.validate_scenario(io.merge(data, {
        **horizon, "name": "hawkish-us", "actors": {"us": {"domestic": {"hawkishness": 0.5}}}})),
        runs=runs, seed=seed)
    common = {"base": scenario_file, "scenario": {"horizon_weeks": 8}, "runs": sweep_runs,
              "seed": seed, "series": "none"}
    labels = {"monitoring.us.drift_sd": "US monitoring drift (sd)",
              "approval.us.weekly_hazard": "US weekly approval hazard",
              "actors.us.strategy.name": "US strategy"}
    grid = run_sweep(read_sweep({**common, "name": "grid", "labels": {
        k: v for k, v in labels.items() if k != "approval.us.weekly_hazard"}, "grid": {
        "monitoring.us.drift_sd": [0.05, 0.2, 0.5],
        "actors.us.strategy.name": ["tit_for_tat", "grim_trigger"]}}),
        executor="serial", progress=False)
    ranges = {"monitoring.us.drift_sd": {"low": 0.0, "high": 0.6},
              "approval.us.weekly_hazard": {"low": 0.05, "high": 0.5}}
    labels = {k: v for k, v in labels.items() if k in ranges}
    sobol_sweep = run_sweep(read_sweep({**common, "name": "sobol", "labels": labels,
                                        "design": {"method": "sobol", "n": 8},
                                        "parameters": ranges}),
                            executor="serial", progress=False)
    table = sa.sobol(sobol_sweep, ["breakdown"], n_resamples=50)
    lhs = run_sweep(read_sweep({**common, "name": "lhs", "labels": labels,
                                "design": {"method": "lhs", "points": 40},
                                "parameters": ranges}),
                    executor="serial", progress=False)
    return GalleryInputs(results, other, grid, table, sobol_sweep,
                         discovery.prim(lhs, "holding"), lhs)


def finding_of(fig: Figure) -> str:
    """The finding a figure states: its title block, suptitle or first Axes title."""
    from .style import figure_finding

    text = figure_finding(fig)
    if not text and fig._suptitle is not None:
        text = fig._suptitle.get_text()
    if not text:
        text = next((t for ax in fig.axes for t in (ax.get_title(), ax.get_title("left")) if t),
                    "")
    return text.replace("\n", " ")
