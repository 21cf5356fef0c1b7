"""Figures of ensemble results, of the two-player game and of sweeps, in one house style.

Every plotting function takes results (or, for the game, strategies and
noise levels; for sweeps, the sweep's Dataset or its analysis) and an
optional Axes (or Figure), draws, and returns the Axes or the Figure.  No
function touches matplotlib's global state: the house style is applied per
figure through ``matplotlib.rc_context(STYLE)`` and figures are plain
:class:`matplotlib.figure.Figure` objects, never registered with ``pyplot``
(so nothing needs closing).

Every public name of the modules below is importable from ``tradesim.plots``:

:mod:`tradesim.plots.style`
    The house style (``PALETTE``, ``STYLE``, :func:`styled`,
    :func:`new_figure`, :func:`source_note`, :func:`format_date_axis`) and
    the labels every figure shares.
:mod:`tradesim.plots.results`
    Figures of ensemble results: fan charts, outcome probabilities,
    milestone curves, phase occupancy.
:mod:`tradesim.plots.supply`, :mod:`tradesim.plots.scenarios`, :mod:`tradesim.plots.compare`
    The supply-chain figure; one figure function drawn for several scenarios;
    comparisons of scenarios as small multiples.
:mod:`tradesim.plots.tariffs`
    Tariff rates and measures held in reserve opened, for scenarios that have them.
:mod:`tradesim.plots.game`
    Exact long-run results of the two-player game as heatmaps.
:mod:`tradesim.plots.sweep`
    Figures of sweeps: outcome maps, Sobol' indices, PRIM boxes.
:mod:`tradesim.plots.sensitivity`
    What drives a scenario's outcomes: its Sobol' indices or Morris screening.
:mod:`tradesim.plots.saving`
    The main figures of a run, and saving figures atomically and reproducibly.

Units: restriction levels in [0, 1] (1 = flow to the partner fully
stopped); tariff rates in percent ad valorem; supply-flow index where 1.0 =
the 2024 average flow; shares of firms halted and probabilities shown as
percentages; time in calendar dates of weekly steps from the scenario's
start date.
"""

from __future__ import annotations

from .compare import compare_milestones, compare_outcomes, compare_supply
from .game import game_heatmap
from .results import (
    fan_chart,
    fan_chart_grid,
    milestone_curves,
    outcome_probabilities,
    phase_occupancy,
)
from .saving import key_supply_series, main_figures, save_figure, save_main_figures
from .scenarios import compare_scenarios
from .sensitivity import sensitivity_bars
from .states import state_probability
from .style import (
    COLUMN_WIDTH,
    DPI,
    MILESTONE_LABELS,
    OUTCOME_LABELS,
    PAGE_WIDTH,
    PALETTE,
    PHASE_COLORS,
    PHASE_LABELS,
    STYLE,
    format_date_axis,
    new_figure,
    series_label,
    source_note,
    source_text,
    styled,
)
from .supply import supply_chain_impact
from .sweep import prim_box, prim_tradeoff, sobol_bars, sweep_heatmap, sweep_lines
from .tariffs import has_tariffs_or_measures, tariffs_and_measures

__all__ = [
    "COLUMN_WIDTH",
    "DPI",
    "MILESTONE_LABELS",
    "OUTCOME_LABELS",
    "PAGE_WIDTH",
    "PALETTE",
    "PHASE_COLORS",
    "PHASE_LABELS",
    "STYLE",
    "compare_milestones",
    "compare_outcomes",
    "compare_scenarios",
    "compare_supply",
    "fan_chart",
    "fan_chart_grid",
    "format_date_axis",
    "game_heatmap",
    "has_tariffs_or_measures",
    "key_supply_series",
    "main_figures",
    "milestone_curves",
    "new_figure",
    "outcome_probabilities",
    "phase_occupancy",
    "prim_box",
    "prim_tradeoff",
    "save_figure",
    "save_main_figures",
    "sensitivity_bars",
    "series_label",
    "sobol_bars",
    "source_note",
    "source_text",
    "state_probability",
    "styled",
    "supply_chain_impact",
    "sweep_heatmap",
    "sweep_lines",
    "tariffs_and_measures",
]
