"""A figure function drawn for several scenarios, side by side or overlaid."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.figure import Figure

from .results import fan_chart
from .states import series_state
from .style import (
    COLUMN_WIDTH,
    MIN_FONT_SIZE,
    PAGE_WIDTH,
    PALETTE,
    as_results_list,
    display_name,
    label_line_ends,
    month_year,
    series_label,
    source_note,
    source_text,
    styled,
    title_block,
)

if TYPE_CHECKING:  # pragma: no cover

    from ..results import Results

__all__ = ["compare_scenarios"]


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
    names = (list(results) if isinstance(results, Mapping)
             else [display_name(r.scenario) for r in many])
    if not many:
        raise ValueError("compare_scenarios needs at least one result")
    new = fig is None
    if overlay:
        if plot is not fan_chart:
            raise ValueError("overlay=True works with fan_chart; use side by side panels, or "
                             "pass all results to outcome_probabilities/milestone_curves")
        if fig is None:
            fig = Figure(figsize=(COLUMN_WIDTH * 1.5, 3.2), layout="constrained")
        ax = fig.subplots()
        kwargs.setdefault("bands", ((0.25, 0.75),))
        kwargs.setdefault("milestones", None)  # each scenario has its own milestone dates
        ends = []
        for i, (r, name) in enumerate(zip(many, names, strict=True)):
            colour = PALETTE[i % len(PALETTE)]
            plot(r, *args, ax=ax, color=colour, label=name, **kwargs)
            ends.append((float(ax.lines[-1].get_ydata()[-1]), name, colour))
        ax.set_title("", loc="left")
        horizon = month_year(many[0].dates[-1])
        values = " and ".join(
            (f"{e[0]:.0%} of runs in {e[1]}" if ax.get_ylabel().startswith("Share")
             else f"{e[0]:.2g} in {e[1]}") for e in ends)
        state = series_state(many[0], args[0]) if args and isinstance(args[0], str) else None
        if state is not None and ax.get_ylabel().startswith("Share"):
            finding = f"{state.subject} by {horizon}: {state.phrase} in {values}"
        elif args and isinstance(args[0], str):
            finding = f"{series_label(many[0], args[0])[0]} by {horizon}: median {values}"
        else:
            finding = f"By {horizon}: {values}"
        title_block(fig, finding,
                    "Line: share of runs in the state, band: 95% Monte Carlo interval"
                    if ax.get_ylabel().startswith("Share") else
                    "Line: median over runs; band: central 50% of runs")
        label_line_ends(ax, ends, fontsize=MIN_FONT_SIZE)
    else:
        if fig is None:
            fig = Figure(figsize=(PAGE_WIDTH, 3.2), layout="constrained")
        axes = np.atleast_1d(fig.subplots(1, len(many), sharey=True, squeeze=False)).ravel()
        findings = []
        for i, (r, name, ax) in enumerate(zip(many, names, axes, strict=True)):
            plot(r, *args, ax=ax, **kwargs)
            findings.append(f"{name}: {ax.get_title(loc='left')}")
            ax.set_title(name)
            if i:
                ax.set_ylabel("")
            legend = ax.get_legend()
            if legend is not None and i:  # one legend is enough: the first panel's
                legend.remove()
        title_block(fig, ". ".join(findings), f"One panel per scenario, as the same figure "
                    f"({getattr(plot, '__name__', 'plot').replace('_', ' ')})")
    if new:
        source_note(fig, source_text(many))
    return fig
