"""The main figures of a run, and saving figures.

:func:`save_figure` writes a figure atomically, byte for byte the same for
the same figure; :func:`main_figures` draws the figures of a run and
:func:`save_main_figures` saves them as PNG and PDF.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib
from matplotlib.figure import Figure

from ..vocab import series_name
from .results import (
    fan_chart,
    fan_chart_grid,
    milestone_curves,
    outcome_probabilities,
    phase_occupancy,
)
from .style import DPI, STYLE
from .supply import supply_chain_impact
from .tariffs import has_tariffs_or_measures, tariffs_and_measures

if TYPE_CHECKING:  # pragma: no cover
    from ..results import Results

__all__ = ["key_supply_series", "main_figures", "save_figure", "save_main_figures"]


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
    from ..store import atomic_write

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


def key_supply_series(results: Results) -> str | None:
    """The supply series of the good cut by the negotiable instrument of largest impact.

    The fan chart of this series is one of the :func:`main_figures`.

    Parameters
    ----------
    results : Results

    Returns
    -------
    str or None
        A series id such as ``"supply.magnets"``, or None when no negotiable
        instrument cuts a good whose supply the results hold.
    """
    scenario = results.scenario
    best: tuple[float, str] | None = None
    for actor in scenario.actors.values():
        for instrument in actor.instruments:
            impact = instrument.impact if isinstance(instrument.impact, float) else 0.0
            negotiable = not (isinstance(instrument.floor, float) and instrument.floor >= 1.0)
            for good in instrument.goods:
                if negotiable and (best is None or impact > best[0]):
                    best = (impact, series_name("supply", good))
    return best[1] if best and best[1] in results.series_names else None


def main_figures(results: Results) -> dict[str, Figure]:
    """The main figures of a run, by file name stem.

    ``outcomes`` (outcome probabilities), ``milestones`` (milestone curves),
    ``phases`` (phase occupancy), ``supply_<good>`` (fan chart of the supply
    of the good behind the largest negotiable restriction, with sample runs),
    ``restrictions`` (fan charts of every instrument in the framework),
    ``tariffs_and_measures`` (tariff rates and measures opened, only for a
    scenario with a tariff or a measure held in reserve) and ``supply_chain``
    (supply indices and halted firms).

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
    key = key_supply_series(results)
    if key is not None:
        paths = min(5, results.kept_replications)
        figures[key.replace(".", "_")] = fan_chart(
            results, key, paths=paths,
            milestones=("approved", "implemented", "first_escalation")).figure
    committed = {f"{c.actor}.{c.instrument}" for c in results.scenario.framework.commitments}
    instruments = [n for n in results.scenario.instrument_ids() if n in committed]
    if instruments:
        figures["restrictions"] = fan_chart_grid(results, instruments)
    if has_tariffs_or_measures(results):
        figures["tariffs_and_measures"] = tariffs_and_measures(results)
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
