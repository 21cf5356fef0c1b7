"""Comparisons of scenarios as small multiples: one panel per outcome, milestone or series.

Each panel holds one bar or line per scenario, labelled directly, so no
legend has to be matched against many lines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from ..vocab import MILESTONE_LABELS, OUTCOME_LABELS, OUTCOMES, series_keys, series_name
from .states import series_state, share_in_state
from .style import (
    MIN_FONT_SIZE,
    PAGE_WIDTH,
    PALETTE,
    as_results_list,
    display_name,
    format_date_axis,
    label_line_ends,
    month_year,
    percent_axis,
    series_label,
    source_note,
    source_text,
    styled,
    title_block,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..results import Results

__all__ = ["compare_milestones", "compare_outcomes", "compare_supply"]

#: Milestones as "runs that ..." phrases, for findings.
_MILESTONE_REACHED = {
    "approved": "have been approved by both leaders",
    "implemented": "have fully implemented the framework",
    "first_escalation": "have escalated at least once",
    **{f"breakdown_{k}": ("have broken down at least once" if k == 1 else
                          f"have broken down at least {k} times") for k in range(1, 10)},
    **{f"truce_{k}": ("have reached a new truce" if k == 1 else
                      f"have reached at least {k} new truces") for k in range(1, 10)},
}


def _names(results: Sequence[Results] | Mapping[str, Results]) -> tuple[list[Results], list[str]]:
    many = as_results_list(results)
    if len(many) < 2:
        raise ValueError("a comparison needs at least two results")
    names = (list(results) if isinstance(results, Mapping)
             else [display_name(r.scenario) for r in many])
    return many, names


def _noise(values: Sequence[float], runs: Sequence[int] | None, high: int, low: int) -> str:
    """A note when two shares differ by less than 1.96 standard errors of the difference.

    The standard error treats the two ensembles as independent, so the note
    errs towards calling a difference noise; without run counts, no note.
    """
    if runs is None:
        return ""
    a, b, n, m = values[high], values[low], runs[high], runs[low]
    se = np.sqrt(a * (1 - a) / n + b * (1 - b) / m)
    return " (within Monte Carlo error)" if abs(a - b) <= 1.96 * se else ""


def _contrast(values: Sequence[float], names: Sequence[str],
              runs: Sequence[int] | None = None) -> str:
    high, low = int(np.argmax(values)), int(np.argmin(values))
    if f"{values[high]:.0%}" == f"{values[low]:.0%}":
        return f"{values[high]:.0%} of runs in " + ("both" if len(names) == 2 else "all")
    return (f"{values[high]:.0%} of runs in {names[high]} against {values[low]:.0%} in "
            f"{names[low]}{_noise(values, runs, high, low)}")


def _clause(values: Sequence[float], names: Sequence[str], verb: str,
            runs: Sequence[int] | None = None) -> str:
    """``"5% of runs in A end in breakdown, against 2% in B"`` (or ``"... in both ..."``).

    With the run counts, a difference within Monte Carlo error says so.
    """
    high, low = int(np.argmax(values)), int(np.argmin(values))
    if f"{values[high]:.0%}" == f"{values[low]:.0%}":
        return f"{values[high]:.0%} of runs in {'both' if len(names) == 2 else 'all'} {verb}"
    return (f"{values[high]:.0%} of runs in {names[high]} {verb}, against {values[low]:.0%} "
            f"in {names[low]}{_noise(values, runs, high, low)}")


@styled
def compare_outcomes(results: Sequence[Results] | Mapping[str, Results], *,
                     fig: Figure | None = None) -> Figure:
    """Outcome probabilities of several scenarios: one panel per outcome.

    Each panel has one bar per scenario with its Wilson 95% Monte Carlo
    interval; outcomes that no scenario reaches are left out.

    Parameters
    ----------
    results : sequence or mapping of Results
        A mapping's keys name the scenarios (default their display names).
    fig : Figure, optional
        Draw into this (empty) figure; default a new page-wide figure.

    Returns
    -------
    Figure
    """
    many, names = _names(results)
    tables = [r.summary().outcomes for r in many]
    shown = [o for o in OUTCOMES if any(t.loc[o, "probability"] > 0 for t in tables)]
    new = fig is None
    if fig is None:
        fig = Figure(figsize=(PAGE_WIDTH, 1.6 + 0.3 * len(many)), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(shown), sharey=True, squeeze=False)).ravel()
    y = np.arange(len(many))
    for ax, outcome in zip(axes, shown, strict=True):
        p = np.array([t.loc[outcome, "probability"] for t in tables])
        low = np.array([t.loc[outcome, "ci95_low"] for t in tables])
        high = np.array([t.loc[outcome, "ci95_high"] for t in tables])
        ax.barh(y, p, height=0.7, color=[PALETTE[i % len(PALETTE)] for i in y],
                xerr=np.clip(np.vstack([p - low, high - p]), 0, None),
                error_kw={"elinewidth": 0.7, "capsize": 1.5, "ecolor": "#222222"})
        for yy, pp, hi in zip(y, p, high, strict=True):
            ax.text(hi + 0.03, yy, f"{pp:.0%}", va="center", ha="left", fontsize=7)
        ax.set_xlim(0, 1.35)
        ax.set_xticks([0, 0.5, 1.0])
        percent_axis(ax, "x")
        ax.set_title(OUTCOME_LABELS[outcome], fontsize=7.5)
        ax.grid(axis="y", visible=False)
    axes[0].set_yticks(y, names)
    axes[0].invert_yaxis()
    axes[len(axes) // 2].set_xlabel("Share of runs (%)")
    held = [t.loc["holding", "probability"] for t in tables]
    broke = [t.loc["breakdown", "probability"] for t in tables]
    runs = [r.runs for r in many]
    finding = (f"The framework holds in {_contrast(held, names, runs)}; "
               f"{_clause(broke, names, 'end in breakdown', runs)}")
    end = many[0].dates[-1]
    horizon = f"{end.day} {end:%b %Y}"
    title_block(fig, finding, f"Outcome on {horizon}, one panel per outcome; error bars: 95% "
                "Monte Carlo interval")
    if new:
        source_note(fig, source_text(many))
    return fig


@styled
def compare_milestones(results: Sequence[Results] | Mapping[str, Results],
                       milestones: Sequence[str] = ("implemented", "first_escalation",
                                                    "breakdown_1"),
                       *, fig: Figure | None = None) -> Figure:
    """Milestone curves of several scenarios: one panel per milestone.

    Parameters
    ----------
    results : sequence or mapping of Results
    milestones : sequence of str
        One panel each.
    fig : Figure, optional
        Draw into this (empty) figure; default a new page-wide figure.

    Returns
    -------
    Figure
    """
    many, names = _names(results)
    new = fig is None
    if fig is None:
        fig = Figure(figsize=(PAGE_WIDTH, 3.0), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(milestones), sharey=True, squeeze=False)).ravel()
    pending = []
    for ax, milestone in zip(axes, milestones, strict=True):
        ends = []
        for i, (r, name) in enumerate(zip(many, names, strict=True)):
            curve = r.milestone_curve(milestone)
            colour = PALETTE[i % len(PALETTE)]
            ax.plot(r.dates.to_pydatetime(), curve, color=colour, drawstyle="steps-post")
            ends.append((float(curve[-1]), name, colour))
        ax.set_title(MILESTONE_LABELS[milestone], fontsize=7.5)
        ax.set_ylim(0, 1.02)
        ax.set_xlim(many[0].dates[0], many[0].dates[-1])
        percent_axis(ax)
        format_date_axis(ax)
        pending.append((ax, ends))
    axes[0].set_ylabel("Reached by date (% of runs)")
    last = milestones[-1]
    reached = _MILESTONE_REACHED.get(last, f"have reached {MILESTONE_LABELS[last].lower()}")
    finding = (f"By {month_year(many[0].dates[-1])}, "
               + _clause([r.milestone_curve(last)[-1] for r in many], names, reached,
                         [r.runs for r in many]))
    title_block(fig, finding, "Share of runs that have reached each milestone by each date, "
                "one panel per milestone")
    for ax, ends in pending:
        label_line_ends(ax, ends, fontsize=MIN_FONT_SIZE)
    if new:
        source_note(fig, source_text(many))
    return fig


def moving_supply(results: Sequence[Results]) -> list[str]:
    """Supply series that fall below half of 2024 in some run of any of ``results``.

    Parameters
    ----------
    results : sequence of Results

    Returns
    -------
    list of str
        Series ids, in the first results' order.
    """
    first = results[0]
    out = []
    for good in series_keys(first.series_names, "supply"):
        key = series_name("supply", good)
        if all(key in r.series_names for r in results) and any(
                np.ptp(share_in_state(r, key, series_state(r, key))) >= 0.005 for r in results):
            out.append(key)
    return out


@styled
def compare_supply(results: Sequence[Results] | Mapping[str, Results],
                   series: str | Sequence[str] | None = None, *,
                   fig: Figure | None = None, ncols: int = 3) -> Figure:
    """Supply shortfalls of several scenarios: one panel per good.

    Each panel is the share of runs with the good's supply below half of
    2024, by date, one line per scenario (supply is near normal or near
    zero, so this split says more than a median).

    Parameters
    ----------
    results : sequence or mapping of Results
    series : str or sequence of str, optional
        Supply series, one panel each; default every one that falls below
        half of 2024 in some run (:func:`moving_supply`), at most six.
    fig : Figure, optional
        Draw into this (empty) figure; default a new page-wide figure.
    ncols : int
        Panels per row.

    Returns
    -------
    Figure
    """
    many, names = _names(results)
    keys = ([series] if isinstance(series, str) else list(series) if series is not None
            else moving_supply(many)[:6])
    if not keys:
        raise ValueError("no supply series to compare")
    ncols = min(ncols, len(keys))
    nrows = -(-len(keys) // ncols)
    new = fig is None
    if fig is None:
        fig = Figure(figsize=(PAGE_WIDTH, 1.0 + 2.0 * nrows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols, sharey=True, sharex=True, squeeze=False))
    pending, worst = [], []
    for k, ax in enumerate(axes.flat):
        if k >= len(keys):
            ax.set_axis_off()
            continue
        key = keys[k]
        ends = []
        for i, (r, name) in enumerate(zip(many, names, strict=True)):
            share = share_in_state(r, key, series_state(r, key))
            colour = PALETTE[i % len(PALETTE)]
            ax.plot(r.dates.to_pydatetime(), share, color=colour)
            ends.append((float(share[-1]), name, colour))
            worst.append((float(share[-1]), name, series_label(r, key)[0]))
        ax.set_title(series_label(many[0], key)[0], fontsize=7.5)
        ax.set_ylim(0, 1.02)
        ax.set_xlim(many[0].dates[0], many[0].dates[-1])
        percent_axis(ax)
        format_date_axis(ax)
        ax.tick_params(labelbottom=True)
        pending.append((ax, ends))
    fig.supylabel("Share of runs (%)", fontsize=8)
    # The finding is where things stand at the horizon: every restricted good starts
    # below half of 2024 in every run, so the peak would say nothing.
    share, name, what = max(worst)
    what = what.replace(": supply to", " supply to")
    horizon = month_year(many[0].dates[-1])
    title_block(fig, f"By {horizon}, {what} is below half of 2024 in {share:.0%} of "
                f"runs in {name}, the most of any good shown" if share >= 0.005 else
                f"By {horizon}, no good's supply is below half of 2024 in any run",
                "Share of runs with supply below half of 2024, by date, one panel per good")
    for ax, ends in pending:
        label_line_ends(ax, ends, fontsize=MIN_FONT_SIZE)
    if new:
        source_note(fig, source_text(many))
    return fig
