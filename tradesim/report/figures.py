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


def _tariff_caption(results: Results) -> str:
    """Caption of the figure of tariffs and measures, naming only the parts it has."""
    from ..vocab import series_keys

    names = results.series_names
    parts = []
    if series_keys(names, "tariff"):
        parts.append("each side's extra tariff on imports from the other, percent ad valorem: "
                     "mean over runs (line) and the middle 90% of runs (band), with dotted "
                     "lines at the rate on the start date, the rate a lapse of the time-limited "
                     "cut restores and the highest rate"
                     + (", and a dashed line at the cut's first deadline"
                        if results.scenario.calendar else ""))
    if series_keys(names, "opened"):
        parts.append("share of runs in which each side has opened at least one measure held in "
                     "reserve, by date, with its 95% Monte Carlo interval")
    if len(parts) == 2:
        return f"Left: {parts[0]}. Right: {parts[1]}."
    return f"{parts[0][:1].upper()}{parts[0][1:]}." if parts else ""


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
    from ..plots.compare import moving_supply
    from ..plots.states import is_two_state
    from ..plots.style import display_name

    name = display_name(results.scenario)
    figures = plots.main_figures(results)
    captions = {
        "outcomes": ("Outcomes", f"Where the framework stands at the horizon in {name}: share "
                     "of runs in each outcome, with Wilson 95% Monte Carlo intervals (how "
                     "precisely the number of runs pins each share down)."),
        "milestones": ("Milestones", "Share of runs that have reached each milestone by each "
                       "date (censored at the horizon)."),
        "phases": ("Phases over time", "Share of runs in each phase of the framework, week "
                   "by week, with compliance under a renewed truce shown apart from the "
                   "original framework; the dashed line is the share of runs that have broken "
                   "down at least once."),
        "restrictions": ("Restriction levels", "For every instrument in the framework, the "
                         "share of runs in which the restriction is back above its framework "
                         "level, by date, with its 95% Monte Carlo interval."),
        "tariffs_and_measures": ("Tariffs and new measures", _tariff_caption(results)),
        "supply_chain": ("Supply chains", "Left: share of runs in which the supply of each "
                         "good into each country is below half of its 2024 average flow. "
                         "Right: mean share of firms halted, by sector. Goods and sectors that "
                         "never move are left out and named under the title."),
    }
    out = []
    for stem, fig in figures.items():
        if stem.startswith("supply_") and stem != "supply_chain":
            good = stem.removeprefix("supply_")
            words = good.replace("_", " ")
            if is_two_state(results, f"supply.{good}"):
                caption = (f"Share of runs in which the supply of {words} is below half of its "
                           "2024 average flow, by date, with its 95% Monte Carlo interval, and "
                           "the median dates of key milestones.")
            else:
                caption = (f"Supply-flow index of {words} (1.0 = the 2024 average flow): "
                           "median, central 50% and 90% of runs, a few sample runs, and the "
                           "median dates of key milestones.")
            heading = f"Supply of {words}"
        else:
            heading, caption = captions[stem]
        out.append(ReportFigure(stem, heading, caption, fig))
    if compare:
        everything = [results, *compare]
        names = ", ".join(display_name(r.scenario) for r in everything)
        out.append(ReportFigure(
            "compare_outcomes", "Comparison: outcomes",
            f"Outcome at the horizon for {names}: one panel per outcome, one bar per "
            "scenario, with Wilson 95% Monte Carlo intervals.",
            plots.compare_outcomes(everything)))
        out.append(ReportFigure(
            "compare_milestones", "Comparison: milestones",
            f"Share of runs that have reached each milestone by each date, for {names}: one "
            "panel per milestone, one line per scenario.",
            plots.compare_milestones(everything)))
        out.append(ReportFigure(
            "compare_phases", "Comparison: phases",
            f"Phase occupancy for {names}, side by side.",
            plots.compare_scenarios(everything, plots.phase_occupancy)))
        moving = moving_supply(everything)
        if moving:
            out.append(ReportFigure(
                "compare_supply", "Comparison: supply",
                f"Share of runs in which the supply of each good is below half of its 2024 "
                f"average flow, by date, for {names}: one panel per good that falls below "
                "that level in some run, one line per scenario.",
                plots.compare_supply(everything, moving[:6])))
    strategies = {a.strategy.name for a in results.scenario.actors.values()}
    out.append(ReportFigure(
        "game_cooperation", "Background: the repeated game",
        "Exact long-run share of rounds in which the row strategy eases, against each column "
        "strategy, at three levels of implementation error (two-player game, standard "
        f"payoffs). The scenario's actors use: {', '.join(sorted(strategies))}.",
        plots.game_heatmap()))
    return out
