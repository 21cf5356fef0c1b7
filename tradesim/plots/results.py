"""Figures of ensemble results: fan charts, outcomes, milestones, phases, supply chains.

Every function takes results and an optional Axes (or Figure), draws in the
house style of :mod:`tradesim.plots.style`, and returns the Axes or the
Figure; a figure it creates gets a source note.  The main figures of a run
are in :mod:`tradesim.plots.saving`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import matplotlib.dates as mdates
import numpy as np
from matplotlib.figure import Figure

from ..vocab import (
    MILESTONE_SHORT_LABELS,
    MILESTONES,
    OUTCOMES,
    PHASES,
    parse_series,
    quantile_column,
)
from .states import is_two_state, series_state, share_in_state, state_probability
from .style import (
    MILESTONE_LABELS,
    MIN_FONT_SIZE,
    OUTCOME_LABELS,
    PAGE_WIDTH,
    PALETTE,
    PHASE_COLORS,
    PHASE_LABELS,
    as_results_list,
    display_name,
    format_date_axis,
    label_line_ends,
    legend_below,
    legend_labels,
    month_year,
    new_axes,
    percent_axis,
    series_label,
    set_titles,
    source_note,
    source_text,
    styled,
    title_block,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from ..results import Results

__all__ = [
    "fan_chart",
    "fan_chart_grid",
    "milestone_curves",
    "outcome_probabilities",
    "phase_occupancy",
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
    kind: Literal["auto", "bands", "state"] = "auto",
) -> Axes:
    """Fan chart of one weekly series over calendar dates.

    Shaded bands hold the central shares of runs (by default 90% and 50%),
    the line is the median run-by-run value, thin grey lines are sample runs
    and dashed verticals mark the median week each milestone is reached.
    Two-state series (restriction levels, bimodal supply indices; see
    :func:`~tradesim.plots.states.is_two_state`) are drawn instead as the
    share of runs in the state that matters, by date
    (:func:`~tradesim.plots.states.state_probability`), unless ``kind="bands"``.

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
        Label of the median (written at its end), for overlaying scenarios.
    title : str, optional
        Default the finding (on a figure of its own) or the series' name.
    kind : {"auto", "bands", "state"}
        ``"auto"``: the share in a state for two-state series, bands otherwise.

    Returns
    -------
    Axes
    """
    if kind == "state" or (kind == "auto" and is_two_state(results, series)):
        ax = state_probability(results, series, ax=ax, color=color, label=label, title=title)
        if milestones:
            _mark_milestones(ax, results, milestones)
        return ax
    ax, new = new_axes(ax)
    color = color or PALETTE[0]
    quantiles = sorted({q for band in bands for q in band} | {0.5})
    frame = results.series_frame(series, quantiles=tuple(quantiles))
    dates = results.dates.to_pydatetime()

    def column(q: float) -> np.ndarray:
        return frame[quantile_column(q)].to_numpy()

    for i, (low, high) in enumerate(bands):
        alpha = 0.18 + 0.17 * i
        ax.fill_between(dates, column(low), column(high), color=color, alpha=alpha,
                        linewidth=0)
    if paths > 0 and results.kept_replications:
        k = results.series_names.index(series)
        sample = results.trajectories["series"][k, :, :paths]
        for j in range(sample.shape[1]):
            ax.plot(dates, sample[:, j], color="#555555", linewidth=0.5, alpha=0.5)
    ax.plot(dates, column(0.5), color=color, linewidth=1.6, label=label or "_nolegend_")
    if milestones:
        _mark_milestones(ax, results, milestones)
    name, ylabel = series_label(results, series)
    # On a figure of its own the Axes are short: the unit goes on a second line.
    ax.set_ylabel(ylabel.replace(" (", "\n(", 1) if new else ylabel)
    ax.set_xlabel("Date")
    if parse_series(series)[0] == "halted":
        percent_axis(ax)
    # Shares and levels lie in [0, 1]; flows above normal, prices and USD losses do not.
    top = max(1.05, float(np.nanmax(column(max(quantiles)))) * 1.05)
    ax.set_ylim(-0.02 * top, top)
    ax.set_xlim(dates[0], dates[-1])
    format_date_axis(ax)
    shares = " and ".join(f"{round((hi - lo) * 100)}%" for lo, hi in bands)
    measure = (f"Line: median over runs; bands: central {shares} of runs"
               + ("; grey: sample runs" if paths > 0 and results.kept_replications else ""))
    if title is not None:
        ax.set_title(title)
    else:
        median = column(0.5)
        finding = (f"{name}: median {median[-1]:.2g} by {month_year(results.dates[-1])} "
                   f"(90% of runs {frame[quantile_column(min(quantiles))].iloc[-1]:.2g} to "
                   f"{frame[quantile_column(max(quantiles))].iloc[-1]:.2g})")
        set_titles(ax, finding, measure, figure_title=new)
    if new:
        source_note(ax.figure, source_text(results))
    return ax


def _mark_milestones(ax: Axes, results: Results, milestones: Sequence[str]) -> None:
    medians = results.summary().median_weeks
    dates = results.dates
    left, right = ax.get_xlim()
    # Axes width in points, to tell when two labels (about 8 points wide) would touch.
    width = ax.get_position().width * ax.figure.get_figwidth() * 72
    previous = None
    for name in sorted((m for m in milestones if medians.get(m) is not None),
                       key=lambda m: medians[m]):
        when = dates[medians[name]].to_pydatetime()
        x = (mdates.date2num(when) - left) / ((right - left) or 1.0) * width
        # A label close to the previous one goes on the other side of its line.
        side = -1 if previous is not None and x - previous < 10 else 1
        ax.axvline(when, color="#333333", linewidth=0.7, linestyle=(0, (3, 2)), zorder=1.5)
        ax.annotate(_MARKER_LABELS.get(name, MILESTONE_LABELS.get(name, name)), xy=(when, 1.0),
                    xycoords=("data", "axes fraction"), xytext=(2 * side, -2),
                    textcoords="offset points", rotation=90,
                    ha="left" if side > 0 else "right", va="top",
                    fontsize=MIN_FONT_SIZE, color="#333333",
                    bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 0.5})
        previous = x if side > 0 else None


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
        fig = Figure(figsize=(PAGE_WIDTH, 0.8 + panel_height * nrows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False))
    ylabels, ends, phrases = set(), [], set()
    for i, ax in enumerate(axes.flat):
        if i >= n:
            ax.set_axis_off()
            continue
        name = series_label(results, series[i])[0]
        fan_chart(results, series[i], ax=ax, paths=paths, milestones=None, title=name)
        ax.title.set_fontsize(7.5)
        ylabels.add(ax.get_ylabel())
        ax.set_ylabel("")
        if i < n - ncols:
            ax.set_xlabel("")
        else:
            ax.tick_params(labelbottom=True)
        state = series_state(results, series[i])
        if state is not None and is_two_state(results, series[i]):
            ends.append((float(share_in_state(results, series[i], state)[-1]), name))
            phrases.add(state.phrase)
    fig.supylabel(ylabels.pop() if len(ylabels) == 1 else "Value", fontsize=8)
    horizon = month_year(results.dates[-1])
    if ends and len(phrases) == 1:
        share, name = max(ends)
        phrase = phrases.pop()
        finding = (f"By {horizon}, each restriction is back above its framework level in at "
                   f"most {share:.0%} of runs (highest: {name})"
                   if "framework" in phrase else
                   f"By {horizon}: {phrase} in at most {share:.0%} of runs ({name})")
        measure = f"Share of runs with {phrase}, by date; band: 95% Monte Carlo interval"
    else:
        finding = f"{n} series by date, to {horizon}"
        measure = "Line: median over runs; bands: central 90% and 50% of runs"
    title_block(fig, finding, measure)
    if new:
        source_note(fig, source_text(results))
    return fig


#: What the runs in each outcome do, for findings ("9% of runs are in a renewed truce").
_OUTCOME_VERBS = {
    "pending": "still await approval",
    "rejected": "were rejected by a leader",
    "holding": "have the framework holding",  # unused: "the framework holds in" reads better
    "breakdown": "are in breakdown",
    "renewed_truce": "are in a renewed truce",
}


def _share(p: float) -> str:
    """A share for a sentence: "9%", or "under 1%" rather than a misleading "0%"."""
    return "under 1%" if 0 < p < 0.005 else f"{p:.0%}"

#: Colours of milestone curves, told apart under deuteranopia (blues, orange, black, purple).
MILESTONE_COLORS = {
    "approved": "#56B4E9",
    "implemented": "#0072B2",
    "first_escalation": "#E69F00",
    "breakdown_1": "#000000",
    "truce_1": "#CC79A7",
}


def outcome_finding(results: Results) -> str:
    """A sentence on the outcome at the horizon: the likeliest one and breakdown.

    Parameters
    ----------
    results : Results

    Returns
    -------
    str
    """
    p = results.summary().outcomes["probability"]
    top = str(p.idxmax())
    text = f"By {month_year(results.dates[-1])}, " + (
        f"the framework holds in {_share(p[top])} of runs" if top == "holding" else
        f"{_share(p[top])} of runs {_OUTCOME_VERBS[top]}")
    others = [o for o in ("holding", "breakdown", "renewed_truce", "rejected", "pending")
              if o != top and p[o] > 0]
    parts = [f"the framework holds in {_share(p[o])}" if o == "holding" else
             f"{_share(p[o])} {_OUTCOME_VERBS[o]}" for o in others]
    if parts:
        text += "; " + (", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1
                        else parts[0])
    return text


@styled
def outcome_probabilities(
    results: Results | Sequence[Results] | Mapping[str, Results],
    *,
    ax: Axes | None = None,
    labels: Sequence[str] | None = None,
) -> Axes:
    """Probability of each final outcome at the horizon, with 95% Monte Carlo intervals.

    Horizontal bars, one per outcome (several scenarios: grouped, one colour
    each, named beside the bars), with Wilson 95% intervals as error bars
    (how precisely the number of runs pins each probability down) and the
    probability written beside each bar.  For a comparison of scenarios
    :func:`~tradesim.plots.compare.compare_outcomes` draws one panel per outcome.

    Parameters
    ----------
    results : Results, or a sequence or mapping of Results
        A mapping's keys are used as labels.
    ax : Axes, optional
    labels : sequence of str, optional
        Labels for several results (default the scenarios' display names).

    Returns
    -------
    Axes
    """
    many = as_results_list(results)
    labels = (legend_labels(results, labels) if labels is not None or isinstance(results, Mapping)
              else [display_name(r.scenario) for r in many])
    height = 1.3 + 0.28 * len(OUTCOMES) * max(1.0, 0.7 * len(many))
    ax, new = new_axes(ax, height=height)
    y = np.arange(len(OUTCOMES), dtype=float)
    thickness = 0.8 / len(many)
    inside: list[tuple[Any, float]] = []  # each value's label and its interval's low end
    for i, (r, name) in enumerate(zip(many, labels, strict=True)):
        table = r.summary().outcomes.loc[list(OUTCOMES)]
        p = table["probability"].to_numpy()
        error = np.clip(np.vstack([p - table["ci95_low"].to_numpy(),
                                   table["ci95_high"].to_numpy() - p]), 0.0, None)
        offset = (i - (len(many) - 1) / 2) * thickness
        ax.barh(y + offset, p, height=thickness * 0.9, color=PALETTE[i % len(PALETTE)],
                xerr=error, error_kw={"elinewidth": 0.7, "capsize": 1.5, "ecolor": "#222222"},
                label=name if len(many) > 1 else "_nolegend_")
        for yy, pp, lo, hi in zip(y + offset, p, table["ci95_low"].to_numpy(),
                                  table["ci95_high"].to_numpy(), strict=True):
            text = ax.text(hi + 0.015, yy, f"{pp:.0%}" + (f" {name}" if len(many) > 1 else ""),
                           va="center", ha="left",
                           fontsize=MIN_FONT_SIZE if len(many) > 1 else 7,
                           color=PALETTE[i % len(PALETTE)] if len(many) > 1 else "black")
            inside.append((text, lo))
    ax.set_yticks(y, [OUTCOME_LABELS.get(o, o) for o in OUTCOMES])
    ax.invert_yaxis()
    ax.set_xlim(0, 1.25 if len(many) > 1 else 1.08)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    percent_axis(ax, "x")
    ax.set_xlabel(_PROBABILITY_LABEL)
    ax.grid(axis="y", visible=False)
    end = many[0].dates[-1]
    horizon = f"{end.day} {end:%b %Y}"
    measure = f"Outcome on {horizon}; error bars: 95% Monte Carlo interval"
    if len(many) == 1:
        finding = outcome_finding(many[0])
    else:
        held = [r.summary().outcomes["probability"]["holding"] for r in many]
        finding = ("The framework holds in " + ", ".join(
            f"{h:.0%} of runs in {n}" for h, n in zip(held, labels, strict=True)))
    set_titles(ax, finding, measure, figure_title=new)
    if new:
        source_note(ax.figure, source_text(many))
    _labels_inside_long_bars(ax, inside)
    return ax


def _labels_inside_long_bars(ax: Axes, labels: list[tuple[Any, float]]) -> None:
    """Move a value's label that would pass the figure's edge into its bar, in white."""
    fig = ax.figure
    fig.draw_without_rendering()
    right = fig.bbox.x1 - 1.0
    to_data = ax.transData.inverted()
    for text, low in labels:
        box = text.get_window_extent()
        if box.x1 <= right:
            continue
        width = to_data.transform((box.x1, 0))[0] - to_data.transform((box.x0, 0))[0]
        if low - 0.015 - width > 0.0:
            text.set(x=low - 0.015, ha="right", color="white")


def milestone_finding(results: Results) -> str:
    """A sentence on when the framework is implemented and how often it breaks down.

    Parameters
    ----------
    results : Results

    Returns
    -------
    str
    """
    median = results.summary().median_weeks.get("implemented")
    horizon = month_year(results.dates[-1])
    broke = results.milestone_curve("breakdown_1")[-1]
    if median is not None:
        first = f"Implemented by {month_year(results.dates[median])} in half of runs"
    else:
        first = (f"Implemented in only {results.milestone_curve('implemented')[-1]:.0%} of "
                 f"runs by {horizon}")
    return f"{first}; {broke:.0%} break down at least once by {horizon}"


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
    scenario and one line style per milestone (for a comparison
    :func:`~tradesim.plots.compare.compare_milestones` draws one panel per
    milestone).  Lines are labelled at their ends.

    Parameters
    ----------
    results : Results, or a sequence or mapping of Results
    milestones : sequence of str, optional
        Default: approval, implementation, first escalation, first
        breakdown and first new truce (three of them for several scenarios).
    ax : Axes, optional
    labels : sequence of str, optional
        Names of several results (default the scenarios' display names).

    Returns
    -------
    Axes
    """
    many = as_results_list(results)
    labels = (legend_labels(results, labels) if labels is not None or isinstance(results, Mapping)
              else [display_name(r.scenario) for r in many])
    if milestones is None:
        milestones = (("approved", "implemented", "first_escalation", "breakdown_1", "truce_1")
                      if len(many) == 1 else ("implemented", "first_escalation", "breakdown_1"))
    unknown = [m for m in milestones if m not in MILESTONES]
    if unknown:
        raise ValueError(f"unknown milestone {unknown[0]!r}; known: {', '.join(MILESTONES)}")
    ax, new = new_axes(ax, height=3.0 + (0.1 * len(many) * len(milestones)
                                          if len(many) > 1 else 0.0))
    styles = ["-", "--", ":", "-.", (0, (5, 1, 1, 1, 1, 1))]
    ends = []
    for i, (r, name) in enumerate(zip(many, labels, strict=True)):
        dates = r.dates.to_pydatetime()
        for j, milestone in enumerate(milestones):
            if len(many) == 1:
                color = MILESTONE_COLORS.get(milestone, PALETTE[j % len(PALETTE)])
                style, label = styles[j % len(styles)], MILESTONE_LABELS[milestone]
            else:
                color, style = PALETTE[i % len(PALETTE)], styles[j % len(styles)]
                label = f"{name}: {MILESTONE_LABELS[milestone].lower()}"
            curve = r.milestone_curve(milestone)
            ax.plot(dates, curve, color=color, linestyle=style, drawstyle="steps-post",
                    label=label)
            ends.append((float(curve[-1]), label, color))
    ax.set_ylim(0, 1.02)
    percent_axis(ax)
    ax.set_ylabel("Reached by date\n(% of runs)")
    ax.set_xlabel("Date")
    ax.set_xlim(many[0].dates[0], many[0].dates[-1])
    format_date_axis(ax)
    if len(many) == 1:
        finding = milestone_finding(many[0])
    else:
        from .compare import _MILESTONE_REACHED, _clause

        key = "breakdown_1" if "breakdown_1" in milestones else milestones[-1]
        finding = (f"By {month_year(many[0].dates[-1])}, " + _clause(
            [r.milestone_curve(key)[-1] for r in many], labels,
            _MILESTONE_REACHED.get(key, f"have reached {MILESTONE_LABELS[key].lower()}"),
            [r.runs for r in many]))
    set_titles(ax, finding, "Share of runs that have reached each milestone by each date",
               figure_title=new)
    if new:  # the note first: the labels are spaced on the Axes' final height
        source_note(ax.figure, source_text(many))
    label_line_ends(ax, ends, fontsize=MIN_FONT_SIZE)
    return ax


def renewed_compliance(results: Results) -> np.ndarray | None:
    """Share of all runs in compliance under a renewed truce, week by week.

    A run in the compliance phase after its first new truce (milestone
    ``truce_1``) complies with a renewed truce rather than the original
    framework.  Counted on the kept trajectories (all runs up to 10,000);
    when only some were kept, their split of the compliance share is
    applied to the exact share of all runs.

    Parameters
    ----------
    results : Results

    Returns
    -------
    ndarray or None
        One share per week; None when no trajectories were kept.
    """
    if not results.kept_replications:
        return None
    phases = results.trajectories["phase"]  # (weeks, kept)
    kept = phases.shape[1]
    truce = results.milestone_weeks["truce_1"][:kept]
    weeks = np.arange(phases.shape[0])[:, None]
    compliance = phases == PHASES.index("compliance")
    renewed = compliance & (truce[None, :] >= 0) & (truce[None, :] <= weeks)
    if kept == results.runs:
        return renewed.sum(axis=1) / results.runs
    split = np.divide(renewed.sum(axis=1), compliance.sum(axis=1),
                      out=np.zeros(phases.shape[0]), where=compliance.sum(axis=1) > 0)
    return split * results.phase_shares()["compliance"].to_numpy()


@styled
def phase_occupancy(results: Results, *, ax: Axes | None = None, legend: bool = True) -> Axes:
    """Share of runs in each phase of the framework, week by week (stacked).

    Compliance is split into the original framework and renewed truces
    (:func:`renewed_compliance`, hatched), and a dashed line gives the
    share of runs that have broken down at least once, so a small
    breakdown layer at the horizon does not hide how many runs broke down
    on the way.

    Parameters
    ----------
    results : Results
    ax : Axes, optional
    legend : bool
        Draw the legend (under the Axes).

    Returns
    -------
    Axes
    """
    ax, new = new_axes(ax, height=4.2 if legend else None)
    shares = results.phase_shares()
    dates = results.dates.to_pydatetime()
    renewed = renewed_compliance(results)
    layers, colours, names = [], [], []
    for p in PHASES:
        values = shares[p].to_numpy()
        if p == "compliance" and renewed is not None:
            layers += [values - renewed, renewed]
            colours += [PHASE_COLORS[p], PHASE_COLORS[p]]
            names += ["Compliance, original framework", "Compliance, renewed truce"]
        else:
            layers.append(values)
            colours.append(PHASE_COLORS[p])
            names.append(PHASE_LABELS[p])
    polys = ax.stackplot(dates, *layers, colors=colours, labels=names, linewidth=0)
    if renewed is not None:
        renewed_poly = polys[PHASES.index("compliance") + 1]
        renewed_poly.set_hatch("////")
        renewed_poly.set_edgecolor("white")
    broke = results.milestone_curve("breakdown_1")
    ax.plot(dates, broke, color="black", linestyle="--", linewidth=1.1,
            label="Broken down at least once")
    ax.set_ylim(0, 1)
    ax.set_xlim(dates[0], dates[-1])
    percent_axis(ax)
    ax.set_ylabel("Share of runs (%)")
    ax.set_xlabel("Date")
    ax.grid(False)
    format_date_axis(ax)
    end = shares.iloc[-1]
    again = float(renewed[-1]) if renewed is not None else 0.0
    truce = results.milestone_curve("truce_1")[-1]
    # A run that reached a new truce implements it again before it complies: say how many
    # reached one, so this agrees with the "renewed truce" outcome.
    finding = (f"By {month_year(results.dates[-1])}, {_share(end['compliance'] - again)} of "
               f"runs comply with the original framework and {_share(again)} with a renewed "
               f"truce ({_share(truce)} reached a new truce); {_share(broke[-1])} broke down "
               f"at least once, {_share(end['breakdown'])} are in breakdown at the end")
    set_titles(ax, finding, "Share of runs in each phase, week by week", figure_title=new)
    if legend:
        # Reversed so the legend reads in the stacking order, top to bottom.
        handles, labels = ax.get_legend_handles_labels()
        stack = len(layers)
        order = [*range(stack - 1, -1, -1), stack]
        wide = ax.figure.get_figwidth() > 5
        legend_below(ax, [handles[k] for k in order], [labels[k] for k in order],
                     ncols=2 if wide else 1, columnspacing=1.0)
    if new:
        source_note(ax.figure, source_text(results))
    return ax
