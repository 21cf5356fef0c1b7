"""Two-state series: the share of runs in a state, by date, read from the exact histograms.

A restriction is either at its framework level or back above it, and the
supply of a good cut off by a restriction is either near normal or near
zero: for such series a median with quantile bands draws a solid block
from one state to the other and says little.  This module says which
series are two-state, what their state is, and how many runs are in it
each week (from :attr:`Results.histogram`, so every run counts, not only
the kept trajectories); :func:`state_probability` draws it.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np

from ..vocab import parse_series
from .style import (
    PALETTE,
    format_date_axis,
    month_year,
    new_axes,
    percent_axis,
    series_label,
    set_titles,
    short_actor_name,
    source_note,
    source_text,
    styled,
    title_words,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from ..results import Results

__all__ = ["State", "is_two_state", "series_state", "share_in_state", "state_probability"]

#: Above this share of runs in both states at once (some week), a supply series is bimodal.
_BIMODAL_SHARE = 0.1
#: At most this share of runs between the two states' thirds, for a bimodal series.
_BIMODAL_MIDDLE = 0.25


@dataclasses.dataclass(frozen=True)
class State:
    """A state of a series: its value beyond ``threshold`` (above or below).

    Attributes
    ----------
    threshold : float
        In the series' units.
    above : bool
        True: the state is "value above the threshold".
    phrase : str
        The state in words, e.g. ``"restriction back above its framework level"``.
    subject : str
        What the series is, e.g. ``"Magnets restriction (China)"``.
    """

    threshold: float
    above: bool
    phrase: str
    subject: str


def series_state(results: Results, series: str) -> State | None:
    """The state that matters for a two-state series, or None for other series.

    Restriction levels (``<actor>.<instrument>`` of an instrument in the
    framework): "back above its framework level" (the commitment's target
    plus 0.05).  Supply indices: "below half of 2024".  Prices: "above half
    their cap" (the cap is the series' upper bound, reached when a good is cut off).

    Parameters
    ----------
    results : Results
    series : str

    Returns
    -------
    State or None
    """
    if series not in results.series_names:
        raise KeyError(f"unknown series {series!r} (see Results.series_names)")
    scenario = results.scenario
    kind, parts = parse_series(series)
    if kind == "level" and parts[0] in scenario.actors:
        actor, instrument = parts[0], parts[1]
        who = short_actor_name(scenario.actors[actor].name)
        subject = f"{title_words(instrument)} restriction ({who})"
        for c in scenario.framework.commitments:
            if (c.actor, c.instrument) == (actor, instrument):
                return State(float(c.target) + 0.05, True,
                             "restriction back above its framework level", subject)
        return State(0.5, True, "restriction above half its full strength", subject)
    if kind == "supply":
        return State(0.5, False, "supply below half of 2024",
                     series_label(results, series)[0].replace(": supply to", " supply to"))
    if kind == "price":
        # A cut-off good's price sits at its cap, an open one's near normal: the state is
        # "above half the cap".
        half = float(results.series_bounds[results.series_names.index(series)]) / 2
        return State(half, True, f"price above {half:g} times its 2024 average",
                     series_label(results, series)[0].replace(": price in", " price in"))
    return None


def share_in_state(results: Results, series: str, state: State) -> np.ndarray:
    """Share of all runs in ``state``, week by week (0..horizon), from the histograms.

    Parameters
    ----------
    results : Results
    series : str
    state : State

    Returns
    -------
    ndarray of float
        One share in [0, 1] per week.
    """
    k = results.series_names.index(series)
    counts = results.histogram[k]
    grid = np.linspace(0.0, float(results.series_bounds[k]), counts.shape[1])
    mask = grid > state.threshold if state.above else grid < state.threshold
    return counts[:, mask].sum(axis=1) / results.runs


def is_two_state(results: Results, series: str) -> bool:
    """Whether ``series`` is best drawn as the share of runs in a state.

    Restriction levels of negotiated instruments always are; a supply
    series is when it is bimodal: some week has at least 10% of runs near
    zero and at least 10% near normal, with few runs in between; a price
    series likewise, between near normal and its cap (a cut-off good).

    Parameters
    ----------
    results : Results
    series : str

    Returns
    -------
    bool
    """
    state = series_state(results, series)
    if state is None:
        return False
    kind, _ = parse_series(series)
    if kind == "level":
        return True
    k = results.series_names.index(series)
    counts = results.histogram[k] / results.runs
    bound = float(results.series_bounds[k])
    grid = np.linspace(0.0, bound, counts.shape[1])
    # Supply: near zero against near normal (1); price: near normal against the cap.
    third = 1 / 3 if kind == "supply" else bound / 3
    low = counts[:, grid < third].sum(axis=1)
    high = counts[:, grid > 2 * third].sum(axis=1)
    split = (low >= _BIMODAL_SHARE) & (high >= _BIMODAL_SHARE) & (1 - low - high <= _BIMODAL_MIDDLE)
    return bool(split.any())


def state_finding(results: Results, series: str, state: State, share: np.ndarray) -> str:
    """A sentence on the share of runs in ``state``: its peak and where it ends.

    Parameters
    ----------
    results : Results
    series : str
    state : State
    share : ndarray
        :func:`share_in_state`.

    Returns
    -------
    str
    """
    dates = results.dates
    end = f"{share[-1]:.0%} of runs by {month_year(dates[-1])}"
    kind, _ = parse_series(series)
    if kind == "price":
        level = f"{state.threshold:g} times its 2024 average"
        if share[0] >= 0.5:
            eased = np.flatnonzero(share < 0.5)
            if eased.size == 0:
                return f"{state.subject} stays above {level} in most runs; {end}"
            return (f"{state.subject} falls below {level} in most runs by "
                    f"{month_year(dates[eased[0]])}; still above it in {end}")
        peak = int(np.argmax(share))
        return (f"{state.subject} above {level} in up to {share[peak]:.0%} of runs "
                f"({month_year(dates[peak])}); {end}")
    if kind == "level":
        below = np.flatnonzero(share < 0.5)
        if below.size == 0:
            return f"{state.subject} stays above its framework level in most runs"
        return (f"{state.subject} eased in most runs by {month_year(dates[below[0]])}; "
                f"back above the framework level in {end}")
    if share[0] >= 0.5:
        recovered = np.flatnonzero(share < 0.5)
        if recovered.size == 0:
            return f"{state.subject} stays below half of 2024 in most runs; {end}"
        return (f"{state.subject} recovers above half of 2024 in most runs by "
                f"{month_year(dates[recovered[0]])}; still below it in {end}")
    peak = int(np.argmax(share))
    if share[peak] < 0.005:
        return f"{state.subject} never falls below half of 2024"
    return (f"{state.subject} below half of 2024 in up to {share[peak]:.0%} of runs "
            f"({month_year(dates[peak])}); {end}")


@styled
def state_probability(
    results: Results,
    series: str,
    *,
    ax: Axes | None = None,
    color: str | None = None,
    label: str | None = None,
    title: str | None = None,
) -> Axes:
    """Share of runs in the state of a two-state series, by date, with its interval.

    A restriction level is drawn as the share of runs with the restriction
    back above its framework level; a supply index as the share of runs
    with supply below half of 2024 (see :func:`series_state`).  The band is
    the Wilson 95% Monte Carlo interval of each week's share (how precisely
    the number of runs pins the share down, not a spread across runs).

    Parameters
    ----------
    results : Results
    series : str
        A restriction level (``"china.magnets"``) or supply index (``"supply.magnets"``).
    ax : Axes, optional
        Draw here; default a new column-wide figure with a source note.
    color : str, optional
        Default the first palette colour.
    label : str, optional
        Label written at the line's end (for several scenarios on one Axes).
    title : str, optional
        Default the finding (on a figure of its own) or the series' name.

    Returns
    -------
    Axes

    Raises
    ------
    ValueError
        For a series with no two states (e.g. a belief).
    """
    from ..results import wilson_interval

    state = series_state(results, series)
    if state is None:
        raise ValueError(f"series {series!r} has no two states; use fan_chart")
    ax, new = new_axes(ax)
    color = color or PALETTE[0]
    share = share_in_state(results, series, state)
    low, high = wilson_interval(np.rint(share * results.runs).astype(int), results.runs)
    dates = results.dates.to_pydatetime()
    ax.fill_between(dates, low, high, color=color, alpha=0.25, linewidth=0)
    ax.plot(dates, share, color=color, linewidth=1.6, label=label or "_nolegend_")
    ax.set_ylim(0, 1.02)
    percent_axis(ax)
    ax.set_ylabel("Share of runs (%)")
    ax.set_xlabel("Date")
    ax.set_xlim(dates[0], dates[-1])
    format_date_axis(ax)
    measure = (f"Share of runs with {state.phrase} (band: 95% Monte Carlo interval)")
    if title is not None:
        ax.set_title(title)
    else:
        set_titles(ax, state_finding(results, series, state, share), measure, figure_title=new)
    if new:
        source_note(ax.figure, source_text(results))
    return ax
