"""Figures of a scenario's sensitivity analysis (:func:`tradesim.sensitivity.scenario_sobol`).

Sobol' indices reuse :func:`tradesim.plots.sweep.sobol_bars`; Morris screening
draws ``mu*`` with its bootstrap interval and ``sigma``.  Every figure's title
states its finding, computed from the table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..vocab import MILESTONE_LABELS, OUTCOME_LABELS
from .style import PALETTE, new_axes, set_titles, source_note, styled
from .sweep import _outcome_ending, sobol_bars

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["outcome_words", "sensitivity_bars"]


def outcome_words(outcome: str) -> str:
    """An analysed outcome in words, as a finding reads it ("whether runs end in breakdown")."""
    if outcome in OUTCOME_LABELS:
        return f"whether runs end {_outcome_ending(outcome)}"
    label = MILESTONE_LABELS.get(outcome, outcome.replace("_", " "))
    if outcome.startswith("breakdown_"):
        k = outcome.split("_", 1)[1]
        return ("whether the framework breaks down by the horizon" if k == "1"
                else f"whether it breaks down {k} times by the horizon")
    return f"whether runs reach '{label.lower()}' by the horizon"


def _short_path(path: str) -> str:
    """A path in short, the label used without a scenario.

    ``actors.us.strategy.forgiveness`` becomes ``us strategy forgiveness``.

    ``actors.`` and ``economy.`` and the words naming lists (``instruments``,
    ``sectors``, ...) are dropped; ``monitoring`` and ``approval`` stay, as
    they say what the parameter is about.
    """
    parts = path.split(".")
    if parts[0] in ("actors", "economy"):
        parts = parts[1:]
    parts = [p for p in parts if p not in ("instruments", "sectors", "goods", "commitments")]
    return " ".join(parts).replace("_", " ")


def _note(table: pd.DataFrame) -> str:
    a = table.attrs
    return (f"Source: tradesim {a.get('version', '?')}, scenario {a.get('scenario', '?')}: "
            f"{a.get('points', '?'):,} design points x {a.get('replications', '?')} runs "
            f"(common random numbers), seed {a.get('seed', '?')}.")


@styled
def sensitivity_bars(table: pd.DataFrame, outcome: str | None = None,
                     ax: Axes | None = None, labels: dict[str, str] | None = None) -> Figure:
    """What drives one outcome: Sobol' indices (or Morris ``mu*``) by parameter.

    Parameters
    ----------
    table : DataFrame
        From :func:`tradesim.sensitivity.scenario_sobol` (columns ``outcome,
        parameter, S1, S1_lo, ...``) or :func:`~tradesim.sensitivity.scenario_morris`.
    outcome : str, optional
        One of the table's outcomes (default its first).
    ax : Axes, optional
        Draw here; default a new column-wide figure.
    labels : dict of str to str, optional
        Names for parameter paths (default: the path in short; ``tradesim
        sensitivity`` passes :func:`tradesim.report.parameter_name`).

    Returns
    -------
    Figure
    """
    outcomes = list(dict.fromkeys(table["outcome"]))
    outcome = outcomes[0] if outcome is None else outcome
    if outcome not in outcomes:
        raise ValueError(f"outcome {outcome!r} is not in the table (outcomes: "
                         f"{', '.join(outcomes)})")
    rows = table[table["outcome"] == outcome]
    import textwrap

    names = {p: _short_path(p) for p in rows["parameter"]} | (labels or {})
    # Two short lines rather than one long one: long names leave no room for the bars.
    names = {p: textwrap.fill(v, 22) for p, v in names.items()}
    if "S1" in rows:
        frame = rows.rename(columns={"outcome": "output", "S1_lo": "S1_low",
                                     "S1_hi": "S1_high", "ST_lo": "ST_low",
                                     "ST_hi": "ST_high"}).set_index(["output", "parameter"])
        finding, caveat = _sobol_finding(rows, outcome, names, table.attrs)
        fig = sobol_bars(frame, outcome, ax=ax, labels=names, what=outcome_words(outcome),
                         note=_note(table), finding=finding, caveat=caveat)
        target = ax if ax is not None else fig.axes[0]
        target.set_xlabel("Sobol' index")  # long parameter names leave a narrow plot
        return fig
    return _morris_bars(rows, outcome, ax, names, _note(table))


def _sobol_finding(rows: pd.DataFrame, outcome: str, names: dict[str, str],
                   attrs: dict) -> tuple[str, str | None]:
    """The finding of a Sobol' figure, and a caveat when noise dominates the variance."""
    ranked = rows.sort_values("ST", ascending=False)
    top = ranked.iloc[0]
    label = " ".join(names.get(top["parameter"], top["parameter"]).split())
    what = outcome_words(outcome)
    noise = attrs.get("noise_share", {}).get(outcome)
    caveat = None
    if noise is not None and noise == noise and noise > 0.5:
        caveat = (f"noise of {attrs.get('replications', '?')} runs a point is up to "
                  f"{min(noise, 1.0):.0%} of the variance")
    if len(ranked) > 1 and top["ST_lo"] <= ranked.iloc[1]["ST"]:
        second = " ".join(names.get(ranked.iloc[1]["parameter"],
                                    ranked.iloc[1]["parameter"]).split())
        finding = (f"No parameter clearly drives {what}: {label} ranks first (total index "
                   f"{top['ST']:.2f}), within the interval of {second}")
    else:
        finding = (f"{label[:1].upper()}{label[1:]} drives {what} more than any other "
                   f"parameter (total index {top['ST']:.2f})")
    return finding, caveat


def _morris_bars(rows: pd.DataFrame, outcome: str, ax: Axes | None, names: dict[str, str],
                 note: str) -> Figure:
    ax, new = new_axes(ax, height=2.6 + 0.3 * len(rows))
    fig = ax.figure
    ys = np.arange(len(rows))
    centre = rows["mu_star"].to_numpy()
    err = np.vstack([centre - rows["mu_star_lo"].to_numpy(),
                     rows["mu_star_hi"].to_numpy() - centre]).clip(0)
    ax.barh(ys, centre, height=0.6, xerr=err, color=PALETTE[0], label="mu*",
            error_kw={"lw": 0.8, "capsize": 1.5})
    ax.plot(rows["sigma"].to_numpy(), ys, "o", color=PALETTE[1], ms=3, label="sigma")
    ax.set_yticks(ys, [names.get(p, p) for p in rows["parameter"]])
    ax.invert_yaxis()
    ax.set_xlabel("Effect (mu*, sigma)")
    ax.axvline(0, color="#999999", lw=0.6)
    top = rows.loc[rows["mu_star"].idxmax()]
    finding = (f"{' '.join(names.get(top['parameter'], top['parameter']).split())} moves "
               f"{outcome_words(outcome)} most (mu* {top['mu_star']:.2f})")
    measure = ("Bars: mean absolute elementary effect mu*, change in probability per unit "
               "of the parameter's quantile scale (whiskers: 95% bootstrap interval); dots: "
               "their standard deviation sigma (interactions)")
    set_titles(ax, finding, measure, figure_title=new)
    if new:
        source_note(fig, note)
    return fig
