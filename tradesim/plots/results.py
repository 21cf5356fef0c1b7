"""Figures of ensemble results and of the two-player game, in one house style.

Every plotting function takes results (or, for the game, strategies and
noise levels) and an optional Axes (or Axes sequence), draws, and returns
the Axes or the Figure.  No function touches matplotlib's global state: the
house style is applied per figure through ``matplotlib.rc_context(STYLE)``
and figures are plain :class:`matplotlib.figure.Figure` objects, never
registered with ``pyplot`` (so nothing needs closing).

House style, for anyone adding figures (e.g. ``tradesim.plots_sweep``)
----------------------------------------------------------------------
``PALETTE``
    The Okabe-Ito colour-blind-safe palette (Okabe & Ito 2008, "Color
    Universal Design"), ordered for line plots: blue first, black last.
``STYLE``
    rc parameters for ``with matplotlib.rc_context(STYLE):`` -- 8 pt
    DejaVu Sans, light grid, no top/right spines, the palette as the colour
    cycle.  Wrap a function with :func:`styled` to apply it.
``new_figure(width, height, nrows, ncols, ...)``
    A constrained-layout Figure a report column (3.5 in) or page (7.0 in)
    wide, with its Axes.
``source_note(fig, text)``
    A small grey note at the bottom-left (scenario, runs, seed, version);
    :func:`source_text` writes it for results.
``format_date_axis(ax)``
    Compact calendar dates on the x axis.

Units: restriction levels in [0, 1] (1 = flow to the partner fully
stopped); supply-flow index where 1.0 = the 2024 average flow; shares of
firms halted and probabilities shown as percentages; time in calendar dates
of weekly steps from the scenario's start date.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, ParamSpec, TypeVar

import matplotlib
import matplotlib.dates as mdates
import matplotlib.transforms as transforms
import numpy as np
from cycler import cycler
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, PercentFormatter

from ..model import MILESTONES, OUTCOMES, PHASES

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from ..game import StageGame
    from ..results import Results

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
    "compare_scenarios",
    "fan_chart",
    "fan_chart_grid",
    "format_date_axis",
    "game_heatmap",
    "main_figures",
    "milestone_curves",
    "new_figure",
    "outcome_probabilities",
    "phase_occupancy",
    "save_figure",
    "save_main_figures",
    "series_label",
    "source_note",
    "source_text",
    "styled",
    "supply_chain_impact",
]

# ------------------------------------------------------------------------ house style

#: Okabe-Ito colour-blind-safe palette, in the order lines take it.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#E69F00",  # orange
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow (only on dark or as a fill)
    "#000000",  # black
)

#: Figure widths in inches: one column of a two-column report, and a full page.
COLUMN_WIDTH, PAGE_WIDTH = 3.5, 7.0

#: Resolution of saved raster figures, dots per inch.
DPI = 200

#: rc parameters of the house style; use with ``matplotlib.rc_context(STYLE)``.
STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 8.0,
    "axes.titlesize": 8.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 8.0,
    "axes.linewidth": 0.6,
    "axes.edgecolor": "#444444",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "axes.prop_cycle": cycler(color=PALETTE),
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.5,
    "xtick.labelsize": 7.0,
    "ytick.labelsize": 7.0,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "legend.fontsize": 6.5,
    "legend.frameon": False,
    "legend.handlelength": 1.6,
    "lines.linewidth": 1.3,
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "savefig.dpi": DPI,
    "savefig.facecolor": "white",
    "image.cmap": "cividis",
    "pdf.fonttype": 42,
}

#: Colours of the framework's phases (Okabe-Ito, grey for "rejected").
PHASE_COLORS = {
    "principle": "#E69F00",
    "implementation": "#56B4E9",
    "compliance": "#009E73",
    "breakdown": "#D55E00",
    "rejected": "#7F7F7F",
}

PHASE_LABELS = {
    "principle": "Agreed in principle",
    "implementation": "Implementing",
    "compliance": "Compliance",
    "breakdown": "Breakdown",
    "rejected": "Rejected",
}

OUTCOME_LABELS = {
    "pending": "Still awaiting approval",
    "rejected": "Rejected by a leader",
    "holding": "Framework holding",
    "breakdown": "In breakdown",
    "renewed_truce": "Renewed truce",
}

MILESTONE_LABELS = {
    "approved": "Approved by both leaders",
    "rejected": "Rejected",
    "implemented": "Fully implemented",
    "first_escalation": "First retaliation",
    **{f"breakdown_{k}": f"Breakdown {k}" for k in range(1, 10)},
    **{f"truce_{k}": f"New truce {k}" for k in range(1, 10)},
}

#: Shorter names for milestone markers on fan charts.
_MARKER_LABELS = {"approved": "Approved", "implemented": "Implemented",
                  "first_escalation": "First retaliation"}

_NOTE_HEIGHT = 0.2  # inches kept free at the bottom of a figure for the source note
_PROBABILITY_LABEL = "Probability (% of runs)"

_P = ParamSpec("_P")
_R = TypeVar("_R")


def styled(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``function`` inside ``matplotlib.rc_context(STYLE)`` (a decorator).

    Text, lines and axes take their defaults when they are created, so
    everything a styled function draws is in the house style while the
    process-wide settings stay untouched.
    """
    @functools.wraps(function)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with matplotlib.rc_context(STYLE):
            return function(*args, **kwargs)

    return wrapper


@styled
def new_figure(
    width: Literal["column", "page"] | float = "column",
    height: float | None = None,
    nrows: int = 1,
    ncols: int = 1,
    **subplot_kw: Any,
) -> tuple[Figure, Any]:
    """A house-style Figure with a grid of Axes, sized for a report.

    Parameters
    ----------
    width : {"column", "page"} or float
        ``"column"`` is 3.5 in (one column of a two-column report), ``"page"``
        7.0 in; a number is a width in inches.
    height : float, optional
        Height in inches; default 2.6 in for one row, plus 2.0 in per further row.
    nrows, ncols : int
        Grid of Axes.
    **subplot_kw
        Passed to :meth:`Figure.subplots` (e.g. ``sharex=True``).

    Returns
    -------
    (Figure, Axes or ndarray of Axes)
        As :meth:`Figure.subplots` returns them.  The Figure uses constrained
        layout and is not registered with ``pyplot``.
    """
    inches = {"column": COLUMN_WIDTH, "page": PAGE_WIDTH}.get(width, width)  # type: ignore[call-overload]
    if not isinstance(inches, int | float):
        raise ValueError(f"width must be 'column', 'page' or inches, got {width!r}")
    if height is None:
        height = 2.6 + 2.0 * (nrows - 1)
    fig = Figure(figsize=(float(inches), float(height)), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=True, **subplot_kw)
    return fig, axes


def source_note(fig: Figure, text: str) -> None:
    """Write a small grey source note at the bottom-left of ``fig``.

    Room is kept for it under the Axes when the figure uses constrained
    layout.  Calling it again replaces the note.

    Parameters
    ----------
    fig : Figure
    text : str
        E.g. :func:`source_text` of the results shown.
    """
    import textwrap

    for old in [t for t in fig.texts if t.get_gid() == "tradesim-source-note"]:
        old.remove()
    # About 24 characters of 5.5-point DejaVu Sans per inch.
    lines = textwrap.wrap(text, width=max(40, int(fig.get_figwidth() * 24)))
    fig.text(0.01, 0.012, "\n".join(lines), ha="left", va="bottom", fontsize=5.5,
             color="#666666", gid="tradesim-source-note", linespacing=1.1)
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set") and "rect" in engine.get():
        height = _NOTE_HEIGHT + 0.09 * (len(lines) - 1)
        share = min(0.3, height / fig.get_figheight())
        engine.set(rect=(0.0, share, 1.0, 1.0 - share))


def source_text(results: Results | Sequence[Results]) -> str:
    """The source note of a figure of ``results``: scenario, runs, seed, version.

    Parameters
    ----------
    results : Results or sequence of Results
        Several results (a comparison) are listed in turn.
    """
    import tradesim

    many = _as_list(results)
    parts = [f"{r.scenario.name} ({r.runs:,} runs, seed {r.seed})" for r in many]
    return f"Source: tradesim {tradesim.__version__} simulation of {'; '.join(parts)}."


class _MonthYearFormatter(Formatter):
    """Month names, with the year under the first tick and under each January."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        return mdates.num2date(x).strftime("%b\n%Y")

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        labels = []
        for i, value in enumerate(values):
            date = mdates.num2date(value)
            labels.append(date.strftime("%b\n%Y") if i == 0 or date.month == 1
                          else date.strftime("%b"))
        return labels


def format_date_axis(ax: Axes) -> None:
    """Calendar dates on the x axis: month names, the year under the first tick and Januaries.

    Ticks fall on the first of every month, every quarter (Jan, Apr, Jul,
    Oct) or every half year, whichever gives at most about seven ticks.
    """
    start, stop = ax.get_xlim()
    months = (stop - start) / 30.44
    step = next((k for k in (1, 3, 6, 12) if months / k <= 7), 12)
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=range(1, 13, step)))
    ax.xaxis.set_major_formatter(_MonthYearFormatter())
    ax.xaxis.set_minor_locator(mdates.MonthLocator())
    ax.tick_params(axis="x", which="minor", length=1.5, width=0.4)


def _percent_axis(ax: Axes, axis: Literal["x", "y"] = "y") -> None:
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(PercentFormatter(1.0, decimals=0))


def _as_list(results: Any) -> list[Results]:
    if isinstance(results, Mapping):
        return list(results.values())
    if isinstance(results, Sequence) and not isinstance(results, str):
        return list(results)
    return [results]


def _labels(results: Any, labels: Sequence[str] | None) -> list[str]:
    """Legend labels: given ones, a mapping's keys, or the scenario names."""
    if labels is not None:
        return list(labels)
    if isinstance(results, Mapping):
        return list(results)
    return [r.scenario.name for r in _as_list(results)]


def _new_axes(ax: Axes | None, width: Literal["column", "page"] | float = "column",
              height: float | None = None) -> tuple[Axes, bool]:
    """The Axes to draw on, and whether it is new (so its figure gets a source note)."""
    if ax is not None:
        return ax, False
    _, ax = new_figure(width, height)
    return ax, True


def _legend_below(ax: Axes, handles: Any = None, labels: Any = None, **kwargs: Any) -> None:
    """Legend under the Axes, below the date tick labels and the x label.

    An Axes legend (not a Figure legend) so that constrained layout makes
    room for it and the source note stays clear of it.
    """
    if handles is None:
        handles, labels = ax.get_legend_handles_labels()
    # Two lines of tick labels (month, year) and the x label: about 40 points.
    below = transforms.ScaledTranslation(0, -40 / 72, ax.figure.dpi_scale_trans)
    ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(0.0, 0.0),
              bbox_transform=ax.transAxes + below, borderaxespad=0, **kwargs)


def series_label(results: Results, name: str) -> tuple[str, str]:
    """Title and y-axis label (with units) of a weekly series.

    Parameters
    ----------
    results : Results
    name : str
        A series id (see :attr:`Results.series_names`).

    Returns
    -------
    (title, ylabel) : tuple of str
    """
    scenario = results.scenario
    kind, _, rest = name.partition(".")
    actors = scenario.actors
    if kind == "supply":
        good = next(g for g in scenario.economy.goods if g.id == rest)
        to = actors[scenario.partner(good.exporter)].name
        return (f"{_words(rest)}: supply to {_short(to)}",
                "Supply-flow index (1 = 2024 avg.)")
    if kind == "halted":
        sector = next(s for s in scenario.economy.sectors if s.id == rest)
        return (f"{_words(rest)} ({_short(actors[sector.actor].name)}): firms halted",
                "Firms halted (% of sector)")
    if kind == "pressure":
        return (f"Industry pressure on {_short(actors[rest].name)}",
                "Industry pressure (0 to 1)")
    if kind == "perceived":
        actor, _, instrument = rest.partition(".")
        return (f"{_words(instrument)} ({_short(actors[actor].name)}), as the partner sees it",
                "Perceived restriction (1 = stopped)")
    if kind in actors:
        return (f"{_words(rest)} ({_short(actors[kind].name)})",
                "Restriction level (1 = stopped)")
    raise KeyError(f"unknown series {name!r}")


def _words(identifier: str) -> str:
    text = identifier.replace("_", " ")
    for short, long in (("eda", "EDA"), ("ai ", "AI "), ("ev", "EV"), ("us", "US")):
        text = " ".join(long.strip() if w == short.strip() else w for w in text.split(" "))
    return text[:1].upper() + text[1:]


def _short(actor_name: str) -> str:
    return {"United States": "US"}.get(actor_name, actor_name)


# ----------------------------------------------------------------------- ensemble figures


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
    ax, new = _new_axes(ax)
    color = color or PALETTE[0]
    quantiles = sorted({q for band in bands for q in band} | {0.5})
    frame = results.series_frame(series, quantiles=tuple(quantiles))
    dates = results.dates.to_pydatetime()

    def column(q: float) -> np.ndarray:
        return frame[f"q{round(q * 100):02d}"].to_numpy()

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
    if series.startswith("halted."):
        _percent_axis(ax)
    ax.set_ylim(-0.02, 1.05)
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
    many, labels = _as_list(results), _labels(results, labels)
    height = 1.0 + 0.28 * len(OUTCOMES) * max(1.0, 0.7 * len(many))
    ax, new = _new_axes(ax, height=height)
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
    _percent_axis(ax, "x")
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
        Default: approval, implementation, first retaliation, first
        breakdown and first new truce (three of them for several scenarios).
    ax : Axes, optional
    labels : sequence of str, optional
        Names of several results (default the scenario names).

    Returns
    -------
    Axes
    """
    many, labels = _as_list(results), _labels(results, labels)
    if milestones is None:
        milestones = (("approved", "implemented", "first_escalation", "breakdown_1", "truce_1")
                      if len(many) == 1 else ("implemented", "first_escalation", "breakdown_1"))
    unknown = [m for m in milestones if m not in MILESTONES]
    if unknown:
        raise ValueError(f"unknown milestone {unknown[0]!r}; known: {', '.join(MILESTONES)}")
    ax, new = _new_axes(ax, height=3.0 + (0.12 * len(many) * len(milestones)
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
    _percent_axis(ax)
    ax.set_ylabel("Reached by date (% of runs)")
    ax.set_xlabel("Date")
    ax.set_xlim(many[0].dates[0], many[0].dates[-1])
    format_date_axis(ax)
    ax.set_title("Milestones reached, by date")
    _legend_below(ax, ncols=2 if len(many) == 1 else 1)
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
    ax, new = _new_axes(ax, height=3.0 if legend else None)
    shares = results.phase_shares()
    dates = results.dates.to_pydatetime()
    ax.stackplot(dates, *(shares[p].to_numpy() for p in PHASES),
                 colors=[PHASE_COLORS[p] for p in PHASES],
                 labels=[PHASE_LABELS[p] for p in PHASES], linewidth=0)
    ax.set_ylim(0, 1)
    ax.set_xlim(dates[0], dates[-1])
    _percent_axis(ax)
    ax.set_ylabel("Share of runs (%)")
    ax.set_xlabel("Date")
    ax.grid(False)
    format_date_axis(ax)
    ax.set_title("Phase of the framework")
    if legend:
        # Reversed so the legend reads in the stacking order, top to bottom.
        handles, names = ax.get_legend_handles_labels()
        _legend_below(ax, handles[::-1], names[::-1], ncols=2, columnspacing=1.0)
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
        name = _short(scenario.actors[actor].name)
        supply_ax, halted_ax = axes[row]
        goods = [g.id for g in scenario.economy.goods if g.exporter != actor]
        for j, good in enumerate(goods):
            frame = summary.series[f"supply.{good}"]
            color = PALETTE[j % len(PALETTE)]
            supply_ax.fill_between(dates, frame["q25"], frame["q75"], color=color, alpha=0.15,
                                   linewidth=0)
            supply_ax.plot(dates, frame["mean"], color=color, label=_words(good))
        supply_ax.set_title(f"Supply to {name} (mean; band: middle 50% of runs)")
        supply_ax.set_ylabel("Supply-flow index\n(1 = 2024 avg.)")
        supply_ax.set_ylim(-0.02, 1.05)
        sectors = [s.id for s in scenario.economy.sectors if s.actor == actor]
        for j, sector in enumerate(sectors):
            frame = summary.series[f"halted.{sector}"]
            halted_ax.plot(dates, frame["mean"], color=PALETTE[j % len(PALETTE)],
                           label=_words(sector))
        halted_ax.set_title(f"{name} firms halted (mean over runs)")
        halted_ax.set_ylabel("Firms halted (% of sector)")
        halted_ax.set_ylim(bottom=0)
        _percent_axis(halted_ax)
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
    many = _as_list(results)
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


# ------------------------------------------------------------------------- game figures

#: Memory-one strategies shown by default in the game heatmaps.
_GAME_STRATEGIES = ("always_ease", "generous_tit_for_tat", "tit_for_tat",
                    "win_stay_lose_shift", "grim_memory_one", "always_retaliate")


@styled
def game_heatmap(
    strategies: Sequence[Any] = _GAME_STRATEGIES,
    noise: Sequence[float] = (0.0, 0.02, 0.1),
    metric: Literal["cooperation", "mutual_cooperation", "payoff"] = "cooperation",
    *,
    game: StageGame | None = None,
    monitoring_noise: float = 0.0,
    fig: Figure | None = None,
    annotate: bool = True,
) -> Figure:
    """Exact long-run results of the repeated game for pairs of strategies.

    One heatmap per implementation-noise level; the cell in row ``i`` and
    column ``j`` is the long-run (Cesaro) value when strategy ``i`` plays
    the row player A against strategy ``j`` as B, from the four-state
    Markov chain (Nowak & Sigmund 1993; see :mod:`tradesim.game`).

    Parameters
    ----------
    strategies : sequence of str or Strategy
        Memory-one strategies (registered names or instances).
    noise : sequence of float
        Implementation-error probabilities, one panel each.
    metric : {"cooperation", "mutual_cooperation", "payoff"}
        ``cooperation``: share of rounds in which A eases; ``mutual_cooperation``:
        share in which both ease; ``payoff``: A's payoff per round in stage-game
        units (default payoffs R, S, T, P = 3, 0, 5, 1).
    game : StageGame, optional
        Stage game for payoffs (default :meth:`StageGame.standard`).
    monitoring_noise : float
        Monitoring-error probability, the same in every panel.
    fig : Figure, optional
        Draw into this (empty) figure; default a new page-wide figure.
    annotate : bool
        Write each cell's value.

    Returns
    -------
    Figure
    """
    from .. import game as game_module

    if metric not in ("cooperation", "mutual_cooperation", "payoff"):
        raise ValueError(f"metric must be 'cooperation', 'mutual_cooperation' or 'payoff', "
                         f"got {metric!r}")
    if not noise:
        raise ValueError("game_heatmap needs at least one noise level")
    stage = game or game_module.StageGame.standard()
    rules = [game_module._resolve(s) for s in strategies]
    names = [r.display_name or r.name for r in rules]
    n = len(rules)
    values = np.empty((len(noise), n, n))
    for k, e in enumerate(noise):
        for i, a in enumerate(rules):
            for j, b in enumerate(rules):
                chain = game_module.MemoryOneChain.from_strategies(a, b, e, monitoring_noise)
                dist = chain.long_run_distribution()
                values[k, i, j] = {"cooperation": dist[0] + dist[1],
                                   "mutual_cooperation": dist[0],
                                   "payoff": dist @ stage.row_payoffs()}[metric]
    if metric == "payoff":
        vmin, vmax = float(np.min(stage.row_payoffs())), float(np.max(stage.row_payoffs()))
        cmap, unit = "viridis", "A's payoff per round (stage-game units)"
    else:
        vmin, vmax, cmap = 0.0, 1.0, "cividis"
        unit = ("A eases (% of rounds)" if metric == "cooperation"
                else "Both ease (% of rounds)")
    new = fig is None
    if fig is None:
        fig = Figure(figsize=(PAGE_WIDTH, 0.9 + 0.32 * n + 0.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(noise), sharey=True, squeeze=False)).ravel()
    image = None
    for k, (e, ax) in enumerate(zip(noise, axes, strict=True)):
        image = ax.imshow(values[k], cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
        ax.grid(False)
        ax.set_xticks(range(n), names, rotation=40, ha="right", rotation_mode="anchor",
                      fontsize=6)
        ax.set_yticks(range(n), names, fontsize=6)
        ax.set_title(f"Noise {e:.0%}" if e >= 0.01 or e == 0 else f"Noise {e:.1%}")
        ax.set_xlabel("Strategy of B (column player)", fontsize=6.5)
        if k == 0:
            ax.set_ylabel("Strategy of A (row player)", fontsize=6.5)
        for spine in ax.spines.values():
            spine.set_visible(False)
        if annotate:
            for i in range(n):
                for j in range(n):
                    v = values[k, i, j]
                    light = (v - vmin) / (vmax - vmin or 1.0) > 0.6
                    text = f"{v:.0%}" if metric != "payoff" else f"{v:.2f}"
                    ax.text(j, i, text.replace("%", ""), ha="center", va="center",
                            fontsize=5.5, color="black" if light else "white")
    bar = fig.colorbar(image, ax=list(axes), shrink=0.9, pad=0.02)
    bar.set_label(unit, fontsize=6.5)
    bar.ax.tick_params(labelsize=6)
    if metric != "payoff":
        bar.ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    if new:
        import tradesim

        what = {"cooperation": "share of rounds A eases",
                "mutual_cooperation": "share of rounds both ease",
                "payoff": "A's payoff per round"}[metric]
        source_note(fig, f"Source: tradesim {tradesim.__version__}, exact long-run results of "
                         f"the two-player game ({what}; monitoring noise "
                         f"{monitoring_noise:g}).")
    return fig


# ---------------------------------------------------------------------------- saving


def save_figure(fig: Figure, path: str | Path, *, dpi: int = DPI) -> Path:
    """Save a figure atomically (temporary file in the same folder, then rename).

    The format follows the suffix (``.png``, ``.pdf``, ``.svg``).  Metadata
    that changes from run to run (software version, creation date) is left
    out, so the same figure gives the same file.

    Parameters
    ----------
    fig : Figure
    path : str or Path
    dpi : int
        Resolution of raster formats, dots per inch.

    Returns
    -------
    Path
    """
    from ..io import atomic_write

    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    metadata: dict[str, Any] = {
        "png": {"Software": None},
        "pdf": {"Creator": None, "Producer": None, "CreationDate": None},
        "svg": {"Date": None, "Creator": None},
    }.get(fmt, {})
    with matplotlib.rc_context(STYLE):
        atomic_write(path, lambda tmp: fig.savefig(tmp, format=fmt, dpi=dpi,
                                                    metadata=metadata))
    return path


def _key_supply_series(results: Results) -> str | None:
    """The supply series of the good cut by the negotiable instrument of largest impact."""
    scenario = results.scenario
    best: tuple[float, str] | None = None
    for actor in scenario.actors.values():
        for instrument in actor.instruments:
            impact = instrument.impact if isinstance(instrument.impact, float) else 0.0
            negotiable = not (isinstance(instrument.floor, float) and instrument.floor >= 1.0)
            for good in instrument.goods:
                if negotiable and (best is None or impact > best[0]):
                    best = (impact, f"supply.{good}")
    return best[1] if best and best[1] in results.series_names else None


def main_figures(results: Results) -> dict[str, Figure]:
    """The main figures of a run, by file name stem.

    ``outcomes`` (outcome probabilities), ``milestones`` (milestone curves),
    ``phases`` (phase occupancy), ``supply_<good>`` (fan chart of the supply
    of the good behind the largest negotiable restriction, with sample runs),
    ``restrictions`` (fan charts of every instrument in the framework) and
    ``supply_chain`` (supply indices and halted firms).

    Parameters
    ----------
    results : Results

    Returns
    -------
    dict of str to Figure
    """
    figures: dict[str, Figure] = {
        "outcomes": outcome_probabilities(results).figure,
        "milestones": milestone_curves(results).figure,
        "phases": phase_occupancy(results).figure,
    }
    key = _key_supply_series(results)
    if key is not None:
        paths = min(5, results.kept_replications)
        figures[key.replace(".", "_")] = fan_chart(
            results, key, paths=paths,
            milestones=("approved", "implemented", "first_escalation")).figure
    committed = {f"{c.actor}.{c.instrument}" for c in results.scenario.framework.commitments}
    instruments = [n for n in results.scenario.instrument_ids() if n in committed]
    if instruments:
        figures["restrictions"] = fan_chart_grid(results, instruments)
    if results.scenario.economy.sectors:
        figures["supply_chain"] = supply_chain_impact(results)
    return figures


def save_main_figures(results: Results, out_dir: str | Path) -> list[Path]:
    """Save the main figures of a run as PNG and PDF under ``out_dir/figures``.

    Each file is written atomically.  See :func:`main_figures` for the figures.

    Parameters
    ----------
    results : Results
    out_dir : str or Path
        The run's output folder; ``figures/`` is created in it.

    Returns
    -------
    list of Path
        The files written, PNG then PDF for each figure.
    """
    folder = Path(out_dir) / "figures"
    written = []
    for stem, fig in main_figures(results).items():
        for suffix in (".png", ".pdf"):
            written.append(save_figure(fig, folder / f"{stem}{suffix}"))
    return written
