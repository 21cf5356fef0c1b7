"""Figures of ensemble results: fan charts, outcomes, milestones, phases, supply chains.

Every function takes results and an optional Axes (or Figure), draws in the
house style of :mod:`tradesim.plots.style`, and returns the Axes or the
Figure; a figure it creates gets a source note.  The main figures of a run
are in :mod:`tradesim.plots.saving`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.figure import Figure

from ..vocab import (
    MILESTONE_SHORT_LABELS,
    MILESTONES,
    OUTCOMES,
    PHASES,
    parse_series,
    quantile_column,
    series_name,
)
from .style import (
    COLUMN_WIDTH,
    MILESTONE_LABELS,
    OUTCOME_LABELS,
    PAGE_WIDTH,
    PALETTE,
    PHASE_COLORS,
    PHASE_LABELS,
    as_results_list,
    format_date_axis,
    legend_below,
    legend_labels,
    new_axes,
    percent_axis,
    series_label,
    short_actor_name,
    source_note,
    source_text,
    styled,
    title_words,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from ..results import Results

__all__ = [
    "compare_scenarios",
    "fan_chart",
    "fan_chart_grid",
    "milestone_curves",
    "outcome_probabilities",
    "phase_occupancy",
    "supply_chain_impact",
]

#: Shorter names for milestone markers on fan charts.
_MARKER_LABELS = MILESTONE_SHORT_LABELS

_PROBABILITY_LABEL = "Probability (% of runs)"


@styled
def fan_chart(
    results: Results,
    series: str,
    *,
    ax: Axes | None = None,
    bands: Sequence[tuple[float, float]] = ((0.05, 0.95), (0.25, 0.75)),
    paths: int = 0,
    milestones: Sequence[str] | None = ("approved", "implemented"),
    color: str | None = None,
    label: str | None = None,
    title: str | None = None,
) -> Axes:
    """Fan chart of one weekly series over calendar dates.

    Shaded bands hold the central shares of runs (by default 90% and 50%),
    the line is the median run-by-run value, thin grey lines are sample runs
    and dashed verticals mark the median week each milestone is reached.

    Parameters
    ----------
    results : Results
    series : str
        Series id, e.g. ``"supply.magnets"`` (index, 1.0 = 2024 average flow)
        or ``"china.magnets"`` (restriction level in [0, 1]).
    ax : Axes, optional
        Draw here; default a new column-wide figure with a source note.
    bands : sequence of (low, high) quantile pairs
        Outermost first.
    paths : int
        Number of sample runs to draw (from the kept trajectories).
    milestones : sequence of str or None
        Milestones to mark at their median week (only those reached by at
        least half of the runs are drawn).
    color : str, optional
        Colour of the median and bands (default the first palette colour).
    label : str, optional
        Legend label of the median; when given the bands are not labelled
        (for overlaying several scenarios).
    title : str, optional
        Default the series' description; ``""`` for none.

    Returns
    -------
    Axes
    """
    ax, new = new_axes(ax)
    color = color or PALETTE[0]
    quantiles = sorted({q for band in bands for q in band} | {0.5})
    frame = results.series_frame(series, quantiles=tuple(quantiles))
    dates = results.dates.to_pydatetime()

    def column(q: float) -> np.ndarray:
        return frame[quantile_column(q)].to_numpy()

    for i, (low, high) in enumerate(bands):
        share = round((high - low) * 100)
        alpha = 0.18 + 0.17 * i
        ax.fill_between(dates, column(low), column(high), color=color, alpha=alpha,
                        linewidth=0, label="_nolegend_" if label else f"{share}% of runs")
    if paths > 0 and results.kept_replications:
        k = results.series_names.index(series)
        sample = results.trajectories["series"][k, :, :paths]
        for j in range(sample.shape[1]):
            ax.plot(dates, sample[:, j], color="#555555", linewidth=0.5, alpha=0.5,
                    label="Sample runs" if j == 0 and not label else "_nolegend_")
    ax.plot(dates, column(0.5), color=color, linewidth=1.6, label=label or "Median")
    if milestones:
        _mark_milestones(ax, results, milestones)
    default_title, ylabel = series_label(results, series)
    ax.set_title(default_title if title is None else title)
    ax.set_ylabel(ylabel)
    ax.set_xlabel("Date")
    if parse_series(series)[0] == "halted":
        percent_axis(ax)
    # Shares and levels lie in [0, 1]; flows above normal, prices and USD losses do not.
    top = max(1.05, float(np.nanmax(column(max(quantiles)))) * 1.05)
    ax.set_ylim(-0.02 * top, top)
    ax.set_xlim(dates[0], dates[-1])
    format_date_axis(ax)
    ax.legend(loc="best", frameon=True, framealpha=0.85, edgecolor="none", facecolor="white")
    if new:
        source_note(ax.figure, source_text(results))
    return ax


def _mark_milestones(ax: Axes, results: Results, milestones: Sequence[str]) -> None:
    medians = results.summary().median_weeks
    dates = results.dates
    for name in milestones:
        week = medians.get(name)
        if week is None:
            continue
        when = dates[week].to_pydatetime()
        ax.axvline(when, color="#333333", linewidth=0.7, linestyle=(0, (3, 2)), zorder=1.5)
        ax.annotate(_MARKER_LABELS.get(name, MILESTONE_LABELS.get(name, name)), xy=(when, 1.0),
                    xycoords=("data", "axes fraction"), xytext=(2, -2),
                    textcoords="offset points", rotation=90, ha="left", va="top",
                    fontsize=5.5, color="#333333")


@styled
def fan_chart_grid(
    results: Results,
    series: Sequence[str],
    *,
    ncols: int = 3,
    paths: int = 0,
    fig: Figure | None = None,
    panel_height: float = 1.9,
) -> Figure:
    """Small multiples: one fan chart per series, page-wide, shared y axis.

    Parameters
    ----------
    results : Results
    series : sequence of str
        Series ids, one panel each.
    ncols : int
        Panels per row.
    paths : int
        Sample runs per panel.
    fig : Figure, optional
        Draw into this (empty) figure; default a new page-wide figure.
    panel_height : float
        Height of each row of panels, inches.

    Returns
    -------
    Figure
    """
    n = len(series)
    if n == 0:
        raise ValueError("fan_chart_grid needs at least one series")
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    new = fig is None
    if fig is None:
        fig = Figure(figsize=(PAGE_WIDTH, 0.3 + panel_height * nrows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False))
    ylabels = set()
    for i, ax in enumerate(axes.flat):
        if i >= n:
            ax.set_axis_off()
            continue
        fan_chart(results, series[i], ax=ax, paths=paths, milestones=None)
        ax.set_title(series_label(results, series[i])[0], fontsize=7.5)
        ylabels.add(ax.get_ylabel())
        ax.set_ylabel("")
        ax.get_legend().remove()
        if i < n - ncols:
            ax.set_xlabel("")
        else:
            ax.tick_params(labelbottom=True)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    if n < axes.size:  # the legend goes in the first spare panel
        axes.flat[n].legend(handles, labels, loc="center")
    else:
        fig.legend(handles, labels, loc="outside lower right", ncols=len(labels))
    fig.supylabel(ylabels.pop() if len(ylabels) == 1 else "Value", fontsize=8)
    if new:
        source_note(fig, source_text(results))
    return fig


@styled
def outcome_probabilities(
    results: Results | Sequence[Results] | Mapping[str, Results],
    *,
    ax: Axes | None = None,
    labels: Sequence[str] | None = None,
) -> Axes:
    """Probability of each final outcome at the horizon, with 95% intervals.

    Horizontal bars, one per outcome (several scenarios: grouped, one colour
    each), with Wilson 95% confidence intervals as error bars and the
    probability written beside each bar.

    Parameters
    ----------
    results : Results, or a sequence or mapping of Results
        A mapping's keys are used as legend labels.
    ax : Axes, optional
    labels : sequence of str, optional
        Legend labels for several results (default the scenario names).

    Returns
    -------
    Axes
    """
    many, labels = as_results_list(results), legend_labels(results, labels)
    height = 1.0 + 0.28 * len(OUTCOMES) * max(1.0, 0.7 * len(many))
    ax, new = new_axes(ax, height=height)
    y = np.arange(len(OUTCOMES), dtype=float)
    thickness = 0.8 / len(many)
    for i, (r, name) in enumerate(zip(many, labels, strict=True)):
        table = r.summary().outcomes.loc[list(OUTCOMES)]
        p = table["probability"].to_numpy()
        error = np.clip(np.vstack([p - table["ci95_low"].to_numpy(),
                                   table["ci95_high"].to_numpy() - p]), 0.0, None)
        offset = (i - (len(many) - 1) / 2) * thickness
        ax.barh(y + offset, p, height=thickness * 0.9, color=PALETTE[i % len(PALETTE)],
                xerr=error, error_kw={"elinewidth": 0.7, "capsize": 1.5, "ecolor": "#222222"},
                label=name if len(many) > 1 else "_nolegend_")
        for yy, pp, hi in zip(y + offset, p, table["ci95_high"].to_numpy(), strict=True):
            ax.text(hi + 0.015, yy, f"{pp:.0%}", va="center", ha="left",
                    fontsize=6 if len(many) > 1 else 7)
    ax.set_yticks(y, [OUTCOME_LABELS.get(o, o) for o in OUTCOMES])
    ax.invert_yaxis()
    ax.set_xlim(0, 1.08)
    percent_axis(ax, "x")
    ax.set_xlabel(f"{_PROBABILITY_LABEL}\nerror bars: 95% interval")
    ax.grid(axis="y", visible=False)
    horizon = many[0].dates[-1].date().isoformat()
    ax.set_title(f"Outcome on {horizon}")
    if len(many) > 1:
        ax.legend(loc="lower right")
    if new:
        source_note(ax.figure, source_text(many))
    return ax


@styled
def milestone_curves(
    results: Results | Sequence[Results] | Mapping[str, Results],
    milestones: Sequence[str] | None = None,
    *,
    ax: Axes | None = None,
    labels: Sequence[str] | None = None,
) -> Axes:
    """Probability that each milestone has been reached, by calendar date.

    One scenario: one line per milestone.  Several scenarios: one colour per
    scenario and one line style per milestone.

    Parameters
    ----------
    results : Results, or a sequence or mapping of Results
    milestones : sequence of str, optional
        Default: approval, implementation, first escalation, first
        breakdown and first new truce (three of them for several scenarios).
    ax : Axes, optional
    labels : sequence of str, optional
        Names of several results (default the scenario names).

    Returns
    -------
    Axes
    """
    many, labels = as_results_list(results), legend_labels(results, labels)
    if milestones is None:
        milestones = (("approved", "implemented", "first_escalation", "breakdown_1", "truce_1")
                      if len(many) == 1 else ("implemented", "first_escalation", "breakdown_1"))
    unknown = [m for m in milestones if m not in MILESTONES]
    if unknown:
        raise ValueError(f"unknown milestone {unknown[0]!r}; known: {', '.join(MILESTONES)}")
    ax, new = new_axes(ax, height=3.0 + (0.12 * len(many) * len(milestones)
                                          if len(many) > 1 else 0.4))
    styles = ["-", "--", ":", "-.", (0, (5, 1, 1, 1, 1, 1))]
    for i, (r, name) in enumerate(zip(many, labels, strict=True)):
        dates = r.dates.to_pydatetime()
        for j, milestone in enumerate(milestones):
            if len(many) == 1:
                color, style, label = PALETTE[j % len(PALETTE)], "-", MILESTONE_LABELS[milestone]
            else:
                color, style = PALETTE[i % len(PALETTE)], styles[j % len(styles)]
                label = f"{name}: {MILESTONE_LABELS[milestone].lower()}"
            ax.plot(dates, r.milestone_curve(milestone), color=color, linestyle=style,
                    drawstyle="steps-post", label=label)
    ax.set_ylim(0, 1.02)
    percent_axis(ax)
    ax.set_ylabel("Reached by date (% of runs)")
    ax.set_xlabel("Date")
    ax.set_xlim(many[0].dates[0], many[0].dates[-1])
    format_date_axis(ax)
    ax.set_title("Milestones reached, by date")
    legend_below(ax, ncols=2 if len(many) == 1 else 1)
    if new:
        source_note(ax.figure, source_text(many))
    return ax


@styled
def phase_occupancy(results: Results, *, ax: Axes | None = None, legend: bool = True) -> Axes:
    """Share of runs in each phase of the framework, week by week (stacked).

    Parameters
    ----------
    results : Results
    ax : Axes, optional
    legend : bool
        Draw the legend (to the right of the Axes).

    Returns
    -------
    Axes
    """
    ax, new = new_axes(ax, height=3.0 if legend else None)
    shares = results.phase_shares()
    dates = results.dates.to_pydatetime()
    ax.stackplot(dates, *(shares[p].to_numpy() for p in PHASES),
                 colors=[PHASE_COLORS[p] for p in PHASES],
                 labels=[PHASE_LABELS[p] for p in PHASES], linewidth=0)
    ax.set_ylim(0, 1)
    ax.set_xlim(dates[0], dates[-1])
    percent_axis(ax)
    ax.set_ylabel("Share of runs (%)")
    ax.set_xlabel("Date")
    ax.grid(False)
    format_date_axis(ax)
    ax.set_title("Phase of the framework")
    if legend:
        # Reversed so the legend reads in the stacking order, top to bottom.
        handles, names = ax.get_legend_handles_labels()
        legend_below(ax, handles[::-1], names[::-1], ncols=2, columnspacing=1.0)
    if new:
        source_note(ax.figure, source_text(results))
    return ax


@styled
def supply_chain_impact(results: Results, *, fig: Figure | None = None) -> Figure:
    """Supply-flow indices and firms halted, for each importing country.

    A 2x2 page-wide panel: for each actor (rows), the mean supply-flow index
    of the goods it imports from the partner (1.0 = 2024 average flow; the
    shaded band is the central 50% of runs) and the mean share of its firms
    halted, by sector.

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
        fig = Figure(figsize=(PAGE_WIDTH, 4.6), layout="constrained")
    axes = fig.subplots(2, 2, sharex=True)
    summary = results.summary()
    dates = results.dates.to_pydatetime()
    for row, actor in enumerate(scenario.actor_ids):
        name = short_actor_name(scenario.actors[actor].name)
        supply_ax, halted_ax = axes[row]
        goods = [g.id for g in scenario.economy.goods if g.exporter != actor]
        for j, good in enumerate(goods):
            frame = summary.series[series_name("supply", good)]
            color = PALETTE[j % len(PALETTE)]
            supply_ax.fill_between(dates, frame[quantile_column(0.25)],
                                   frame[quantile_column(0.75)], color=color, alpha=0.15,
                                   linewidth=0)
            supply_ax.plot(dates, frame["mean"], color=color, label=title_words(good))
        supply_ax.set_title(f"Supply to {name} (mean; band: middle 50% of runs)")
        supply_ax.set_ylabel("Supply-flow index\n(1 = 2024 avg.)")
        supply_ax.set_ylim(bottom=-0.02)  # flows exceed 1.0 while buyers restock
        sectors = [s.id for s in scenario.economy.sectors if s.actor == actor]
        for j, sector in enumerate(sectors):
            frame = summary.series[series_name("halted", sector)]
            halted_ax.plot(dates, frame["mean"], color=PALETTE[j % len(PALETTE)],
                           label=title_words(sector))
        halted_ax.set_title(f"{name} firms halted (mean over runs)")
        halted_ax.set_ylabel("Firms halted (% of sector)")
        halted_ax.set_ylim(0, max(0.05, halted_ax.get_ylim()[1]))  # ticks read 0-5% at least
        percent_axis(halted_ax)
        for ax, items in ((supply_ax, goods), (halted_ax, sectors)):
            if items:
                ax.legend(loc="best", fontsize=6)
            ax.set_xlim(dates[0], dates[-1])
            format_date_axis(ax)
            if row == 1:
                ax.set_xlabel("Date")
    if new:
        source_note(fig, source_text(results))
    return fig


@styled
def compare_scenarios(
    results: Sequence[Results] | Mapping[str, Results],
    plot: Callable[..., Any] = fan_chart,
    *args: Any,
    overlay: bool = False,
    fig: Figure | None = None,
    **kwargs: Any,
) -> Figure:
    """The same figure for several scenarios, side by side or overlaid.

    Parameters
    ----------
    results : sequence or mapping of Results
        A mapping's keys name the scenarios (default the scenario names).
    plot : callable
        A single-results plotting function taking ``ax=``, e.g.
        :func:`fan_chart` or :func:`phase_occupancy`.  (For outcome
        probabilities and milestone curves pass all results to
        :func:`outcome_probabilities` or :func:`milestone_curves` directly.)
    *args, **kwargs
        Passed to ``plot`` (e.g. the series id of a fan chart).
    overlay : bool
        Draw all scenarios on one Axes, one colour each (fan charts only);
        default one panel per scenario, sharing the y axis.
    fig : Figure, optional
        Draw into this (empty) figure; default a new page-wide figure.

    Returns
    -------
    Figure
    """
    many = as_results_list(results)
    names = list(results) if isinstance(results, Mapping) else [r.scenario.name for r in many]
    if not many:
        raise ValueError("compare_scenarios needs at least one result")
    new = fig is None
    if overlay:
        if plot is not fan_chart:
            raise ValueError("overlay=True works with fan_chart; use side by side panels, or "
                             "pass all results to outcome_probabilities/milestone_curves")
        if fig is None:
            fig = Figure(figsize=(COLUMN_WIDTH * 1.4, 2.9), layout="constrained")
        ax = fig.subplots()
        kwargs.setdefault("bands", ((0.25, 0.75),))
        kwargs.setdefault("milestones", None)  # each scenario has its own milestone dates
        for i, (r, name) in enumerate(zip(many, names, strict=True)):
            plot(r, *args, ax=ax, color=PALETTE[i % len(PALETTE)], label=name, **kwargs)
        ax.set_title(ax.get_title(loc="left") + "\n(line: median; band: middle 50% of runs)",
                     loc="left", fontsize=7.5)
    else:
        if fig is None:
            fig = Figure(figsize=(PAGE_WIDTH, 2.7), layout="constrained")
        axes = np.atleast_1d(fig.subplots(1, len(many), sharey=True, squeeze=False)).ravel()
        for i, (r, name, ax) in enumerate(zip(many, names, axes, strict=True)):
            plot(r, *args, ax=ax, **kwargs)
            ax.set_title(name)
            if i:
                ax.set_ylabel("")
            legend = ax.get_legend()
            if legend is not None and i:  # one legend is enough: the first panel's
                legend.remove()
    if new:
        source_note(fig, source_text(many))
    return fig
