"""The report's figures: each with its file stem, heading and caption, in report order."""

from __future__ import annotations

import dataclasses
import functools
import io as _bytes_io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .. import plots

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ..results import Results

__all__ = ["ReportFigure", "report_figures"]


@dataclasses.dataclass(frozen=True)
class ReportFigure:
    """A figure of the report with its file stem, heading and caption."""

    stem: str
    heading: str
    caption: str
    figure: Figure

    @functools.cached_property
    def png(self) -> bytes:
        """The figure as PNG bytes (rendered once, at :data:`tradesim.plots.DPI`)."""
        buffer = _bytes_io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=plots.DPI, metadata={"Software": None})
        return buffer.getvalue()


def report_figures(results: Results, compare: Sequence[Results] = ()) -> list[ReportFigure]:
    """Every figure that applies to ``results`` (and the comparison), in report order.

    Parameters
    ----------
    results : Results
        The scenario reported on.
    compare : sequence of Results
        Other scenarios to compare with (same seed, ideally).

    Returns
    -------
    list of ReportFigure
    """
    name = results.scenario.name
    figures = plots.main_figures(results)
    captions = {
        "outcomes": ("Outcomes", f"Where the framework stands at the horizon in {name}: share "
                     "of runs in each outcome, with Wilson 95% intervals."),
        "milestones": ("Milestones", "Share of runs that have reached each milestone by each "
                       "date (censored at the horizon)."),
        "phases": ("Phases over time", "Share of runs in each phase of the framework, week "
                   "by week."),
        "restrictions": ("Restriction levels", "Restriction level of every instrument in the "
                         "framework (1 = flow to the partner fully stopped): median and the "
                         "central 50% and 90% of runs."),
        "supply_chain": ("Supply chains", "Mean supply-flow index of each good into each "
                         "country (1.0 = the 2024 average flow) and mean share of firms "
                         "halted, by sector."),
    }
    out = []
    for stem, fig in figures.items():
        if stem.startswith("supply_") and stem != "supply_chain":
            good = stem.removeprefix("supply_")
            heading, caption = (f"Supply of {good.replace('_', ' ')}",
                                f"Supply-flow index of {good.replace('_', ' ')} (1.0 = the "
                                "2024 average flow): median, central 50% and 90% of runs, a "
                                "few sample runs, and the median dates of key milestones.")
        else:
            heading, caption = captions[stem]
        out.append(ReportFigure(stem, heading, caption, fig))
    if compare:
        everything = [results, *compare]
        names = ", ".join(r.scenario.name for r in everything)
        out.append(ReportFigure(
            "compare_outcomes", "Comparison: outcomes",
            f"Outcome probabilities with 95% intervals for {names}.",
            plots.outcome_probabilities(everything).figure))
        out.append(ReportFigure(
            "compare_milestones", "Comparison: milestones",
            f"Milestone curves for {names}.", plots.milestone_curves(everything).figure))
        out.append(ReportFigure(
            "compare_phases", "Comparison: phases",
            f"Phase occupancy for {names}, side by side.",
            plots.compare_scenarios(everything, plots.phase_occupancy)))
        key = plots.key_supply_series(results)
        if key is not None and all(key in r.series_names for r in compare):
            out.append(ReportFigure(
                "compare_supply", "Comparison: supply",
                f"{plots.series_label(results, key)[0]} for {names}: median and central 50% "
                "of runs.",
                plots.compare_scenarios(everything, plots.fan_chart, key, overlay=True)))
    strategies = {a.strategy.name for a in results.scenario.actors.values()}
    out.append(ReportFigure(
        "game_cooperation", "Background: the repeated game",
        "Exact long-run share of rounds in which the row strategy eases, against each column "
        "strategy, at three levels of implementation noise (two-player game, standard "
        f"payoffs). The scenario's actors use: {', '.join(sorted(strategies))}.",
        plots.game_heatmap()))
    return out
