"""Figure of tariffs and measures held in reserve: each side's tariff rate and new measures.

Drawn for scenarios whose models record ``tariff.*`` series (an instrument of
kind ``tariff``) or ``opened.*`` series (measures held in reserve); see
:func:`has_tariffs_or_measures`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.figure import Figure

from ..vocab import series_keys, series_name
from .states import State, share_in_state
from .style import (
    MIN_FONT_SIZE,
    PAGE_WIDTH,
    PALETTE,
    format_date_axis,
    label_line_ends,
    month_year,
    percent_axis,
    series_label,
    short_actor_name,
    source_note,
    source_text,
    styled,
    title_block,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from ..results import Results

__all__ = ["cut_kept_share", "has_tariffs_or_measures", "opened_share", "tariff_finding",
           "tariffs_and_measures"]

#: Axis label of the tariff panels.
TARIFF_LABEL = "Extra tariff (% ad valorem)"
#: Axis label of the panel of new measures.
OPENED_LABEL = "Runs with at least one opened (%)"
#: What the band of a tariff panel holds.
TARIFF_BAND = "middle 90% of runs"

_REFERENCE_COLOR = "#777777"


def has_tariffs_or_measures(results: Results) -> bool:
    """Whether the results hold a tariff rate or a count of measures opened.

    Parameters
    ----------
    results : Results

    Returns
    -------
    bool
        True when some series is of kind ``tariff`` or ``opened``.
    """
    names = results.series_names
    return bool(series_keys(names, "tariff") or series_keys(names, "opened"))


def _number(value: Any) -> float | None:
    """A fixed parameter as a float; None for a distribution (no single value to draw)."""
    return float(value) if isinstance(value, int | float) else None


def _actor_colors(results: Results) -> dict[str, str]:
    return {a: PALETTE[k % len(PALETTE)] for k, a in enumerate(results.scenario.actor_ids)}


def _reserve_actors(results: Results) -> list[str]:
    """Actors with at least one measure held in reserve and an ``opened`` series."""
    scenario = results.scenario
    recorded = set(series_keys(results.series_names, "opened"))
    return [a for a in scenario.actor_ids if a in recorded
            and any(i.reserve is not None for i in scenario.actors[a].instruments)]


def opened_share(results: Results, actor: str) -> np.ndarray:
    """Share of all runs in which ``actor`` has opened at least one new measure, by week.

    Read from the exact histogram of ``opened.<actor>`` (a count, so every
    value above one half is at least one measure), so every run counts.

    Parameters
    ----------
    results : Results
    actor : str

    Returns
    -------
    ndarray of float
        One share in [0, 1] per week, 0..horizon.
    """
    name = series_name("opened", actor)
    state = State(0.5, True, "at least one new measure opened",
                  f"New measures opened by {actor}")
    return share_in_state(results, name, state)


def cut_kept_share(results: Results) -> float:
    """Share of runs in which a time-limited cut is extended or made permanent, by the horizon.

    Runs reaching the milestone ``extended`` or ``replaced`` (either side, at
    any decision point); a run that replaces its cut at the first deadline
    never reaches ``extended``, so the share is not that milestone's alone.

    Parameters
    ----------
    results : Results

    Returns
    -------
    float
    """
    weeks = results.milestone_weeks
    kept = (np.asarray(weeks["extended"]) >= 0) | (np.asarray(weeks["replaced"]) >= 0)
    return float(kept.mean()) if kept.size else 0.0


def _share(p: float) -> str:
    """A share for a sentence: "9%", or "under 1%" rather than a misleading "0%"."""
    return "under 1%" if 0 < p < 0.005 else f"{p:.0%}"


def tariff_finding(results: Results) -> str:
    """The finding of :func:`tariffs_and_measures`, a sentence computed from the results.

    With a decision calendar: how often the time-limited tariff cut is
    extended (or made permanent) and how often a side lets it lapse, from the
    milestones ``extended``, ``replaced`` and ``lapsed``.  Without one: the
    mean tariff rate at the horizon, or how often a new measure is opened.

    Parameters
    ----------
    results : Results

    Returns
    -------
    str
    """
    summary = results.summary()
    horizon = month_year(results.dates[-1])
    scenario = results.scenario
    if scenario.calendar:
        lapsed = float(summary.milestones["lapsed"].iloc[-1])
        return (f"The tariff cut is extended or made permanent in {_share(cut_kept_share(results))}"
                f" of runs; in {_share(lapsed)} a side lets it lapse by {horizon}")
    tariffs = series_keys(results.series_names, "tariff")
    if tariffs:
        name = series_name("tariff", tariffs[0])
        frame = summary.series[name]
        subject = series_label(results, name)[0]
        return (f"By {horizon}, the {subject} averages {frame['mean'].iloc[-1]:.0f}% "
                f"({TARIFF_BAND}: {frame['q05'].iloc[-1]:.0f}-{frame['q95'].iloc[-1]:.0f}%)")
    actors = _reserve_actors(results)
    if not actors:
        return f"No measure held in reserve is opened in any run by {horizon}"
    ends = {a: float(opened_share(results, a)[-1]) for a in actors}
    top = max(ends, key=ends.__getitem__)
    return (f"By {horizon}, {short_actor_name(scenario.actors[top].name)} has opened a new "
            f"measure in {_share(ends[top])} of runs"
            + (", the most of either side" if len(actors) > 1 else ""))


def _tariff_panel(ax: Axes, results: Results, key: str, color: str,
                  top: float) -> list[tuple[float, str, str]]:
    """One side's tariff rate: mean line, middle 90% band, reference rates and deadlines.

    Returns the reference rates as (rate, label, colour), to be written at the right.
    """
    scenario = results.scenario
    actor, instrument = key.split(".", 1)
    name = series_name("tariff", key)
    frame = results.summary().series[name]
    dates = results.dates.to_pydatetime()
    ax.fill_between(dates, frame["q05"].to_numpy(), frame["q95"].to_numpy(), color=color,
                    alpha=0.25, linewidth=0)
    ax.plot(dates, frame["mean"].to_numpy(), color=color, linewidth=1.5)
    spec = next(i for i in scenario.actors[actor].instruments if i.id == instrument).tariff
    references = []
    if spec is not None:
        for field, word in (("max_rate_percent", "max"), ("lapse_rate_percent", "on lapse"),
                            ("rate_percent", "at start")):
            value = _number(getattr(spec, field))
            if value is not None:
                ax.axhline(value, color=_REFERENCE_COLOR, linewidth=0.6, linestyle=":",
                           zorder=1.5)
                references.append((value, f"{value:g}% {word}", "#555555"))
    for deadline in scenario.calendar:
        if (deadline.actor, deadline.instrument) == (actor, instrument):
            ax.axvline(deadline.date, color="#333333", linewidth=0.7, linestyle=(0, (3, 2)),
                       zorder=1.5)
            ax.annotate("Deadline", xy=(deadline.date, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(2, -2), textcoords="offset points", rotation=90, ha="left",
                        va="top", fontsize=MIN_FONT_SIZE, color="#333333",
                        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8,
                              "pad": 0.5})
    ax.set_title(series_label(results, name)[0])
    ax.set_ylabel(TARIFF_LABEL.replace(" (", "\n(", 1))
    ax.set_ylim(0, top)
    ax.set_xlim(dates[0], dates[-1])
    format_date_axis(ax)
    return references


def _opened_panel(ax: Axes, results: Results, actors: list[str]) -> list[tuple[float, str, str]]:
    """Share of runs with a new measure opened, per side, with its 95% Monte Carlo band."""
    from ..results import wilson_interval

    scenario = results.scenario
    colors = _actor_colors(results)
    dates = results.dates.to_pydatetime()
    ends = []
    highest = 0.0
    for actor in actors:
        share = opened_share(results, actor)
        low, high = wilson_interval(np.rint(share * results.runs).astype(int), results.runs)
        ax.fill_between(dates, low, high, color=colors[actor], alpha=0.2, linewidth=0)
        ax.plot(dates, share, color=colors[actor], linewidth=1.5)
        ends.append((float(share[-1]), short_actor_name(scenario.actors[actor].name),
                     colors[actor]))
        highest = max(highest, float(np.max(high)))
    ax.set_title("New measures opened")
    ax.set_ylabel(OPENED_LABEL)
    # Shares of a few percent stay readable; the axis reaches 100% only when the data do.
    ax.set_ylim(0, min(1.02, max(0.1, np.ceil(highest * 1.1 * 20) / 20)))
    percent_axis(ax)
    ax.set_xlim(dates[0], dates[-1])
    ax.set_xlabel("Date")
    format_date_axis(ax)
    return ends


@styled
def tariffs_and_measures(results: Results, *, fig: Figure | None = None) -> Figure:
    """Each side's tariff rate, and how often each opens a measure held in reserve.

    Left, one panel per tariff (stacked, same scale): the extra tariff rate
    over time, percent ad valorem: the mean over runs (line) and the middle
    90% of runs (band, 5th to 95th percentile), with dotted lines at the
    rate on the start date, the rate a lapse of the time-limited cut
    restores and the highest rate, and a dashed line at the cut's first
    deadline.  Right: the share of runs in which each side has opened at
    least one measure held in reserve, by date (exact, from the histograms),
    with its Wilson 95% Monte Carlo interval.  A figure without tariffs (or
    without reserves) has only the other part.

    Parameters
    ----------
    results : Results
        Results whose series include ``tariff.*`` or ``opened.*`` (see
        :func:`has_tariffs_or_measures`).
    fig : Figure, optional
        Draw into this (empty) figure; default a new page-wide figure.

    Returns
    -------
    Figure

    Raises
    ------
    ValueError
        When the results have neither tariff nor opened series.
    """
    if not has_tariffs_or_measures(results):
        raise ValueError(f"{results.scenario.name} records no tariff rate and no measures "
                         "held in reserve (series tariff.* or opened.*)")
    scenario = results.scenario
    tariffs = series_keys(results.series_names, "tariff")
    actors = _reserve_actors(results)
    no_reserve = [short_actor_name(scenario.actors[a].name) for a in scenario.actor_ids
                  if a not in actors]
    new = fig is None
    rows = max(1, len(tariffs))
    if fig is None:
        fig = Figure(figsize=(PAGE_WIDTH, 1.4 + 1.6 * rows), layout="constrained")
    if tariffs:
        layout = [[f"tariff{k}", "opened"] if actors else [f"tariff{k}"] for k in range(rows)]
    else:
        layout = [["opened"]]
    panels = fig.subplot_mosaic(layout, width_ratios=[1.2, 1.0] if len(layout[0]) == 2 else None)
    colors = _actor_colors(results)
    labelled: list[tuple[Axes, list[tuple[float, str, str]]]] = []
    if tariffs:
        top = 0.0
        for key in tariffs:
            inst = next(i for i in scenario.actors[key.split(".")[0]].instruments
                        if i.id == key.split(".", 1)[1])
            most = _number(inst.tariff.max_rate_percent) if inst.tariff is not None else None
            frame = results.summary().series[series_name("tariff", key)]
            top = max(top, most or 0.0, float(frame["q95"].max()))
        for k, key in enumerate(tariffs):
            ax = panels[f"tariff{k}"]
            references = _tariff_panel(ax, results, key, colors[key.split(".")[0]], top * 1.08)
            if k < len(tariffs) - 1:
                ax.tick_params(labelbottom=False)
            else:
                ax.set_xlabel("Date")
            labelled.append((ax, references))
    if actors:
        labelled.append((panels["opened"], _opened_panel(panels["opened"], results, actors)))
    parts = []
    if tariffs:
        parts.append(f"{'Left' if actors else 'Panels'}: extra tariff on imports from the partner, "
                     f"mean over runs (line) and {TARIFF_BAND} (band); dotted: the rate at the "
                     "start, after a lapse of the cut and at most"
                     + ("; dashed: the cut's first deadline" if scenario.calendar else ""))
    if actors:
        parts.append(f"{'Right' if tariffs else 'Share'}: share of runs in which each side has "
                     "opened at least one measure held in reserve (band: 95% Monte Carlo "
                     "interval)" + (f"; {', '.join(no_reserve)} holds none" if no_reserve
                                    else ""))
    title_block(fig, tariff_finding(results), ". ".join(parts))
    for ax, ends in labelled:
        label_line_ends(ax, ends, fontsize=MIN_FONT_SIZE)
    if new:
        source_note(fig, source_text(results))
    return fig
