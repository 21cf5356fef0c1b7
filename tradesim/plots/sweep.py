"""Figures of sweeps: outcome maps over swept parameters, Sobol' indices, PRIM boxes.

Every function draws on a new house-style Figure (or on ``ax``) and returns the
Figure; nothing touches matplotlib's global settings.  The house style (Okabe-Ito
palette, :func:`~tradesim.plots.style.new_figure`,
:func:`~tradesim.plots.style.source_note`) comes from :mod:`tradesim.plots.style`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import BoundaryNorm
from matplotlib.ticker import PercentFormatter

from ..vocab import OUTCOME_LABELS
from .style import (
    MIN_FONT_SIZE,
    PALETTE,
    label_line_ends,
    new_axes,
    set_titles,
    source_note,
    styled,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import xarray as xr
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..sensitivity import PrimResult

__all__ = ["prim_box", "prim_tradeoff", "sobol_bars", "sweep_heatmap", "sweep_lines"]


def _label(ds: Any, path: str) -> str:
    return dict(json.loads(ds.attrs.get("labels", "{}"))).get(path, path)


def _note(ds: Any) -> str:
    versions = json.loads(ds.attrs.get("versions", "{}"))
    return (f"Source: tradesim {versions.get('tradesim', '?')} sweep {ds.attrs.get('name')!s}, "
            f"{ds.attrs.get('runs')} runs per point, seed {ds.attrs.get('seed')}.")


def _outcome_words(outcome: str) -> str:
    return OUTCOME_LABELS.get(outcome, outcome.replace("_", " ")).lower()


#: How a run ends in each outcome, to follow "runs that end ..." / "runs ending ...".
_OUTCOME_ENDINGS = {
    "pending": "still awaiting approval",
    "rejected": "with the framework rejected by a leader",
    "holding": "with the framework holding",
    "breakdown": "in breakdown",
    "renewed_truce": "in a renewed truce",
}


#: The x range shown by :func:`sobol_bars` at most (indices belong in [0, 1]).
_SOBOL_VIEW = (-0.25, 1.25)


def _outcome_ending(outcome: str) -> str:
    """``"breakdown"`` -> ``"in breakdown"``: how a run ends in the outcome, in words."""
    return _OUTCOME_ENDINGS.get(outcome, f"in {_outcome_words(outcome)}")


def _grid_dims(ds: Any) -> list[str]:
    dims = list(ds["finished"].dims)
    if dims == ["point"]:
        raise ValueError("this figure needs a grid sweep (dimensions per parameter); "
                         "for designs use sensitivity.point_table and a scatter plot")
    return dims


def _outcome(ds: Any, outcome: str) -> Any:
    if outcome not in ds["outcome"].values:
        raise ValueError(f"unknown outcome {outcome!r} (known: "
                         f"{', '.join(map(str, ds['outcome'].values))})")
    return ds["probability"].sel(outcome=outcome)


@styled
def sweep_heatmap(ds: xr.Dataset, outcome: str = "breakdown", x: str | None = None,
                  y: str | None = None, ax: Axes | None = None) -> Figure:
    """Probability of an outcome over two swept parameters of a grid.

    Other grid dimensions are averaged over (the title says so).

    Parameters
    ----------
    ds : xarray.Dataset
        A grid sweep's results (:func:`tradesim.sweep.run_sweep`).
    outcome : str
        One of the sweep's outcomes, e.g. ``"breakdown"``.
    x, y : str, optional
        Grid dimensions on the x and y axes (default the first two).
    ax : Axes, optional
        Draw here; default a new column-wide figure with a source note.

    Returns
    -------
    Figure

    Raises
    ------
    ValueError
        For a design (not a grid), a grid of one dimension, or an unknown outcome.
    """
    dims = _grid_dims(ds)
    if len(dims) < 2:
        raise ValueError("a heat map needs two grid dimensions; use sweep_lines")
    x = x or dims[0]
    y = y or dims[1]
    da = _outcome(ds, outcome)
    rest = [d for d in dims if d not in (x, y)]
    if rest:
        da = da.mean(rest)
    da = da.transpose(y, x)
    ax, new = new_axes(ax)
    fig = ax.figure
    xs, ys = np.arange(da.sizes[x]), np.arange(da.sizes[y])
    # A fixed 0-100% scale, so the same colour means the same share in every map.
    mesh = ax.pcolormesh(xs, ys, da.values, cmap="viridis", vmin=0.0, vmax=1.0,
                         shading="nearest")
    ax.set_xticks(xs, [_tick(v) for v in ds[x].values])
    ax.set_yticks(ys, [_tick(v) for v in ds[y].values])
    for (i, j), value in np.ndenumerate(da.values):
        ax.text(j, i, f"{value:.0%}", ha="center", va="center", fontsize=7,
                color="white" if value < 0.6 else "black")
    ax.set_xlabel(_label(ds, x))
    ax.set_ylabel(_label(ds, y))
    values = da.values
    lo, hi = np.unravel_index(np.nanargmin(values), values.shape), \
        np.unravel_index(np.nanargmax(values), values.shape)
    finding = (f"The share of runs that end {_outcome_ending(outcome)} ranges from "
               f"{values[lo]:.0%} ({_label(ds, x)} {_tick(ds[x].values[lo[1]])}, "
               f"{_label(ds, y)} {_tick(ds[y].values[lo[0]])}) to {values[hi]:.0%} "
               f"({_tick(ds[x].values[hi[1]])}, {_tick(ds[y].values[hi[0]])})")
    measure = (f"Share of runs that end {_outcome_ending(outcome)}, {ds.attrs.get('runs')} "
               "runs per cell"
               + (f"; averaged over {', '.join(_label(ds, r) for r in rest)}" if rest else ""))
    set_titles(ax, finding, measure, figure_title=new)
    bar = fig.colorbar(mesh, ax=ax, label="Share of runs (%)")
    bar.ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    if new:
        source_note(fig, _note(ds))
    return fig


def _tick(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float | np.floating) else str(value)


@styled
def sweep_lines(ds: xr.Dataset, outcome: str = "breakdown", x: str | None = None,
                hue: str | None = None, ax: Axes | None = None) -> Figure:
    """Probability of an outcome along one swept parameter, one line per value of another.

    Bands are the Wilson 95% intervals of each point; other grid dimensions
    are averaged over.

    Parameters
    ----------
    ds : xarray.Dataset
        A grid sweep's results (:func:`tradesim.sweep.run_sweep`).
    outcome : str
        One of the sweep's outcomes, e.g. ``"breakdown"``.
    x : str, optional
        Grid dimension on the x axis (default the first).
    hue : str, optional
        Grid dimension with one line per value (default the next one, if any).
    ax : Axes, optional
        Draw here; default a new column-wide figure with a source note.

    Returns
    -------
    Figure

    Raises
    ------
    ValueError
        For a design (not a grid).
    """
    dims = _grid_dims(ds)
    x = x or dims[0]
    if hue is None and len(dims) > 1:
        hue = next(d for d in dims if d != x)
    rest = [d for d in dims if d not in (x, hue)]
    ax, new = new_axes(ax)
    fig = ax.figure
    sel = {"outcome": outcome}
    p, low, high = (ds[v].sel(sel) for v in ("probability", "ci95_low", "ci95_high"))
    if rest:
        p, low, high = (a.mean(rest) for a in (p, low, high))
    xvals = ds[x].values
    numeric = np.issubdtype(np.asarray(xvals).dtype, np.number)
    pos = xvals if numeric else np.arange(len(xvals))
    groups = [None] if hue is None else list(ds[hue].values)
    ends = []
    for k, value in enumerate(groups):
        pick = {} if value is None else {hue: value}
        colour = PALETTE[k % len(PALETTE)]
        line = p.sel(pick).transpose(x).values
        ax.plot(pos, line, marker="o", color=colour)
        if value is not None:
            ends.append((float(line[-1]), f"{_label(ds, hue)} = {_tick(value)}", colour))
        ax.fill_between(pos, low.sel(pick).transpose(x).values,
                        high.sel(pick).transpose(x).values, color=colour, alpha=0.15, lw=0)
    if not numeric:
        ax.set_xticks(pos, [str(v) for v in xvals])
    ax.set_xlabel(_label(ds, x))
    ax.set_ylabel("Share of runs (%)")
    ax.set_ylim(0, max(0.05, float(high.max()) * 1.05))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    # The finding follows one line: the one ending highest.
    where, top = "", p
    if hue is not None:
        k = int(np.nanargmax(p.isel({x: -1}).values))
        top = p.isel({hue: k})
        where = f"With {_label(ds, hue)} {_tick(ds[hue].values[k])}, "
    first, last = float(top.isel({x: 0})), float(top.isel({x: -1}))
    finding = (where + f"{first:.0%} of runs end {_outcome_ending(outcome)} at {_label(ds, x)} "
               f"{_tick(xvals[0])} and {last:.0%} at {_tick(xvals[-1])}")
    set_titles(ax, finding, f"Share of runs that end {_outcome_ending(outcome)}; band: 95% "
               "Monte Carlo interval"
               + (f"; averaged over {', '.join(_label(ds, r) for r in rest)}" if rest else ""),
               figure_title=new)
    label_line_ends(ax, ends, fontsize=MIN_FONT_SIZE)
    if new:
        source_note(fig, _note(ds))
    return fig


@styled
def sobol_bars(table: pd.DataFrame, output: str = "breakdown", ax: Axes | None = None,
               labels: dict[str, str] | None = None, ds: xr.Dataset | None = None, *,
               what: str | None = None, note: str | None = None,
               finding: str | None = None, caveat: str | None = None) -> Figure:
    """First-order and total Sobol' indices of one output, with their intervals.

    Indices are shares of variance and lie in [0, 1]; an estimate outside
    that range (sampling error of a small design) is marked with "!" and
    named in the subtitle rather than passed over.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`tradesim.sensitivity.sobol`'s result.
    output : str
        One of the table's outputs.
    ax : Axes, optional
        Draw here; default a new column-wide figure.
    labels : dict of str to str, optional
        Names to show for parameter paths (default the sweep's labels, then the paths).
    ds : xarray.Dataset, optional
        The sweep the table was computed from: its labels name the
        parameters and its attributes make the source note.
    what : str, optional
        The output in words, as the title's finding reads it ("whether runs
        end in breakdown" by default for an outcome).
    note : str, optional
        The source note of a new figure (default: the sweep's, or a generic one).
    finding : str, optional
        The title's finding, replacing the one computed here (unless some
        estimate falls outside [0, 1]).
    caveat : str, optional
        Appended to the subtitle (e.g. how much of the variance is noise).

    Returns
    -------
    Figure
    """
    frame = table.loc[output]
    names = {**(json.loads(ds.attrs.get("labels", "{}")) if ds is not None else {}),
             **(labels or {})}
    # A row's height grows with its label's lines (names wrap to two or three).
    lines = max((str(names.get(p, p)).count("\n") + 1 for p in frame.index), default=1)
    ax, new = new_axes(ax, height=2.6 + max(0.35, 0.13 * lines + 0.12) * len(frame))
    fig = ax.figure
    ys = np.arange(len(frame))
    outside = []
    for k, (col, name) in enumerate((("S1", "first order"), ("ST", "total"))):
        centre = frame[col].to_numpy()
        err = np.vstack([centre - frame[f"{col}_low"].to_numpy(),
                         frame[f"{col}_high"].to_numpy() - centre]).clip(0)
        pos = ys + (k - 0.5) * 0.38
        ax.barh(pos, centre, height=0.36, xerr=err, color=PALETTE[k],
                label=name, error_kw={"lw": 0.8, "capsize": 1.5})
        for yy, value, param in zip(pos, centre, frame.index, strict=True):
            if not -0.005 <= value <= 1.005:  # beyond rounding to two decimals
                outside.append(f"{name} {names.get(param, param)} {value:.2f}")
                ax.text(min(max(value, 0.0), _SOBOL_VIEW[1]), yy, " !", va="center",
                        ha="right" if value > 1.0 else "left", fontsize=7,
                        color="black", fontweight="bold")
    ax.set_yticks(ys, [names.get(p, p) for p in frame.index])
    ax.invert_yaxis()
    ax.set_xlabel("Sobol' index (share of variance)")
    ax.axvline(0, color="#999999", lw=0.6)
    # Indices are shares of variance: the view is [0, 1] plus a margin, whatever a small
    # design's estimates or intervals do beyond it (those are marked and named).
    low = float(frame[["S1_low", "ST_low"]].min().min())
    high = float(frame[["S1_high", "ST_high"]].max().max())
    ax.set_xlim(max(_SOBOL_VIEW[0], min(0.0, low) - 0.02), min(_SOBOL_VIEW[1], max(1.0, high)
                                                                + 0.05))
    top = frame["ST"].idxmax()
    if what is None:
        what = (f"whether runs end {_outcome_ending(output)}" if output in OUTCOME_LABELS
                else output.replace("_", " ").replace(".", " "))
    # A parameter whose total index's interval lies above every other's is first however
    # far some estimates stray outside [0, 1].
    others = frame["ST_high"].drop(top)
    clear = others.empty or bool(frame.loc[top, "ST_low"] > others.max())
    if outside and not clear:
        finding = (f"The design is too small to rank the parameters for {what}: some "
                   f"estimates fall outside [0, 1] ({names.get(top, top)} ranks highest)")
    elif finding is None:
        finding = (f"{names.get(top, top)} explains more of the variation in {what} than any "
                   f"other parameter (total index {frame.loc[top, 'ST']:.2f})")
    measure = ("Bars: first-order (blue) and total (vermilion) indices; whiskers: 95% "
               "bootstrap interval")
    if caveat:
        measure += "; " + caveat
    if outside:
        measure += "; ! estimate outside [0, 1] (sampling error): " + ", ".join(outside)
    set_titles(ax, finding, measure, figure_title=new)
    if not new:
        ax.legend(fontsize=MIN_FONT_SIZE, frameon=False, loc="lower right")
    if new and note is not None:
        source_note(fig, note)
    elif new and ds is not None:
        source_note(fig, _note(ds))
    elif new:
        import tradesim

        source_note(fig, f"Source: tradesim {tradesim.__version__}, Sobol' indices of a sweep "
                         "(Saltelli design).")
    return fig


@styled
def prim_tradeoff(result: PrimResult, ax: Axes | None = None) -> Figure:
    """PRIM's coverage/density trade-off along the peeling, the chosen box marked.

    Parameters
    ----------
    result : PrimResult
        :func:`tradesim.discovery.prim`'s result.
    ax : Axes, optional
        Draw here; default a new column-wide figure.

    Returns
    -------
    Figure
    """
    t = result.trajectory
    ax, new = new_axes(ax, height=3.6)
    fig = ax.figure
    # Restricted parameters are a count: one colour per count, integer ticks.
    top = max(1, int(t["restricted"].max()))
    norm = BoundaryNorm(np.arange(-0.5, top + 1.5), colormaps["viridis"].N)
    points = ax.scatter(t["coverage"], t["density"], c=t["restricted"], cmap="viridis",
                        norm=norm, s=12)
    chosen = t.iloc[result.selected]
    ax.scatter([chosen["coverage"]], [chosen["density"]], s=60, facecolor="none",
               edgecolor=PALETTE[1], lw=1.2)
    ax.annotate(f"chosen box {result.selected}", (chosen["coverage"], chosen["density"]),
                xytext=(6, 6), textcoords="offset points", fontsize=MIN_FONT_SIZE,
                color=PALETTE[1])
    ax.set_xlabel("Coverage (share of the\noutcome's runs in the box)")
    ax.set_ylabel("Density (share of the\nbox's runs with the outcome)")
    ax.set_xlim(0, 1.05)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ending = _outcome_ending(result.outcome)
    finding = (f"The chosen box (box {result.selected}) contains {chosen['coverage']:.0%} of "
               f"the runs that end {ending}, and {chosen['density']:.0%} of the runs inside "
               f"it end that way")
    set_titles(ax, finding, "PRIM peeling trajectory: each point is a box; colour: number of "
               "parameters it restricts", figure_title=new)
    bar = fig.colorbar(points, ax=ax, label="Parameters restricted",
                       ticks=np.arange(0, top + 1))
    bar.ax.tick_params(length=0)
    if new:
        import tradesim

        source_note(fig, f"Source: tradesim {tradesim.__version__}, PRIM (Friedman & Fisher "
                         "1999) on a sweep's points.")
    return fig


@styled
def prim_box(result: PrimResult, ds: xr.Dataset, index: int | None = None,
             ax: Axes | None = None) -> Figure:
    """The limits of a PRIM box on each restricted parameter, within its swept range.

    Parameters
    ----------
    result : PrimResult
        :func:`tradesim.discovery.prim`'s result.
    ds : xarray.Dataset
        The sweep's results the boxes were found in.
    index : int, optional
        Box along the peeling trajectory (default the chosen one).
    ax : Axes, optional
        Draw here; default a new column-wide figure with a source note.

    Returns
    -------
    Figure
    """
    box = result.boxes[result.selected if index is None else index]
    ax, new = new_axes(ax)
    fig = ax.figure
    names = list(box.limits)
    for k, path in enumerate(names):
        values = ds[path].values
        lim = box.limits[path]
        if np.issubdtype(np.asarray(values).dtype, np.number):
            lo_all, hi_all = float(np.min(values)), float(np.max(values))
            lo = lo_all if lim[0] is None else lim[0]
            hi = hi_all if lim[1] is None else lim[1]
            span = (hi_all - lo_all) or 1.0
            ax.barh(k, (hi - lo) / span, left=(lo - lo_all) / span, color=PALETTE[0],
                    height=0.5)
            ax.text(1.02, k, f"{_tick(lo)} to {_tick(hi)}", va="center", fontsize=MIN_FONT_SIZE)
        else:
            ax.text(0.0, k, "in {" + ", ".join(map(str, lim)) + "}", va="center",
                    fontsize=MIN_FONT_SIZE)
    ax.barh(range(len(names)), [1.0] * len(names), color="#dddddd", height=0.5, zorder=0)
    ax.set_yticks(range(len(names)), [_label(ds, p) for p in names])
    ax.invert_yaxis()
    ax.set_xlim(0, 1.45)
    ax.set_xticks([0, 0.5, 1.0])
    ax.set_xlabel("Position within the swept range\n(0 = lowest, 1 = highest)")
    ending = _outcome_ending(result.outcome)
    set_titles(ax, f"Inside this box {box.density:.0%} of runs end {ending}; the box "
               f"contains {box.coverage:.0%} of all runs that end that way",
               "Limits of the PRIM box on each restricted parameter (blue), within the swept "
               "range (grey)", figure_title=new)
    if new:
        source_note(fig, _note(ds))
    return fig
