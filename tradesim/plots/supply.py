"""Figure of the supply chain: supply of every good and halted firms of every sector."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from ..vocab import (
    series_name,
)
from .states import series_state, share_in_state
from .style import (
    MIN_FONT_SIZE,
    PAGE_WIDTH,
    PALETTE,
    format_date_axis,
    label_line_ends,
    month_year,
    percent_axis,
    short_actor_name,
    source_note,
    source_text,
    styled,
    title_block,
    title_words,
)

if TYPE_CHECKING:  # pragma: no cover

    from ..results import Results

__all__ = ["supply_chain_impact"]


@styled
def supply_chain_impact(results: Results, *, fig: Figure | None = None) -> Figure:
    """Supply shortfalls and firms halted, for each importing country.

    A 2x2 page-wide panel: for each actor (rows), the share of runs in
    which the supply of each good it imports from the partner is below half
    of 2024 (supply is near normal or near zero, so this is the split that
    matters) and the mean share of its firms halted, by sector.  Goods and
    sectors that never move are left out (the measure line names them).

    Parameters
    ----------
    results : Results
    fig : Figure, optional
        Draw into this (empty) figure; default a new page-wide figure.

    Returns
    -------
    Figure
    """
    scenario = results.scenario
    new = fig is None
    if fig is None:
        fig = Figure(figsize=(PAGE_WIDTH, 5.0), layout="constrained")
    axes = fig.subplots(2, 2, sharex=True)
    summary = results.summary()
    dates = results.dates.to_pydatetime()
    omitted: list[str] = []  # goods that never move
    still: list[str] = []  # sectors with no firm ever halted
    peaks: list[tuple[float, str, str]] = []
    labelled = []
    for row, actor in enumerate(scenario.actor_ids):
        name = short_actor_name(scenario.actors[actor].name)
        supply_ax, halted_ax = axes[row]
        ends = []
        goods = [g.id for g in scenario.economy.goods if g.exporter != actor]
        for good in goods:
            key = series_name("supply", good)
            state = series_state(results, key)
            share = share_in_state(results, key, state)
            mean = summary.series[key]["mean"].to_numpy()
            if np.ptp(share) < 0.005 and np.ptp(mean) < 0.01:  # never moves
                omitted.append(title_words(good))
                continue
            color = PALETTE[len(ends) % len(PALETTE)]
            supply_ax.plot(dates, share, color=color)
            ends.append((float(share[-1]), title_words(good), color))
            peaks.append((float(share[-1]), title_words(good), name))
        supply_ax.set_title(f"Supply to {name} below half of 2024")
        supply_ax.set_ylabel("Share of runs (%)")
        supply_ax.set_ylim(0, 1.02)
        percent_axis(supply_ax)
        sectors = [s.id for s in scenario.economy.sectors if s.actor == actor]
        halted_ends = []
        for sector in sectors:
            mean = summary.series[series_name("halted", sector)]["mean"].to_numpy()
            if float(mean.max()) < 0.0005:  # never above 0.05% of firms on average
                still.append(f"{title_words(sector)} ({name})")
                continue
            color = PALETTE[len(halted_ends) % len(PALETTE)]
            halted_ax.plot(dates, mean, color=color)
            halted_ends.append((float(mean[-1]), title_words(sector), color))
        if not halted_ends:  # say so, rather than leave an empty panel
            halted_ax.set_ylim(0, 0.05)
            halted_ax.text(0.5, 0.5, f"Under 0.05% of firms halted in every {name}\n"
                           "sector, on average over runs, throughout",
                           transform=halted_ax.transAxes, ha="center", va="center",
                           fontsize=7, color="#333333")
        if not ends:
            supply_ax.text(0.5, 0.5, f"Supply of every good to {name}\nis unchanged "
                           "throughout", transform=supply_ax.transAxes, ha="center",
                           va="center", fontsize=7, color="#333333")
        halted_ax.set_title(f"{name} firms halted (mean over runs)")
        halted_ax.set_ylabel("Firms halted (% of sector)")
        halted_ax.set_ylim(0, max(0.05, halted_ax.get_ylim()[1]))  # ticks read 0-5% at least
        percent_axis(halted_ax)
        for ax in (supply_ax, halted_ax):
            ax.set_xlim(dates[0], dates[-1])
            format_date_axis(ax)
            if row == 1:
                ax.set_xlabel("Date")
        labelled += [(supply_ax, ends), (halted_ax, halted_ends)]
    # Where things stand at the horizon: goods under a restriction at the start are below
    # half of 2024 in every run at first, so a peak would only restate the restriction.
    horizon = month_year(results.dates[-1])
    share, good, where = max(peaks) if peaks else (0.0, "", "")
    if share >= 0.005:
        finding = (f"By {horizon}, {good} supply to {where} is below half of 2024 in "
                   f"{share:.0%} of runs, the most of any good")
    else:
        finding = f"By {horizon}, no good's supply is below half of 2024 in any run"
    measure = ("Left: share of runs with supply below half of 2024; right: mean share of "
               "firms halted")
    if omitted:
        measure += f". Not shown, supply unchanged throughout: {', '.join(omitted)}"
    if still:
        measure += f". Not shown, under 0.05% of firms halted: {', '.join(still)}"
    title_block(fig, finding, measure)
    for ax, ends in labelled:
        label_line_ends(ax, ends, fontsize=MIN_FONT_SIZE)
    if new:
        source_note(fig, source_text(results))
    return fig
