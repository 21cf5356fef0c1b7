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

from .style import PALETTE, new_axes, source_note, styled

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
    mesh = ax.pcolormesh(xs, ys, da.values, cmap="viridis", vmin=0.0,
                         vmax=max(1e-9, float(da.max())), shading="nearest")
    ax.set_xticks(xs, [_tick(v) for v in ds[x].values])
    ax.set_yticks(ys, [_tick(v) for v in ds[y].values])
    for (i, j), value in np.ndenumerate(da.values):
        ax.text(j, i, f"{value:.0%}", ha="center", va="center", fontsize=6,
                color="white" if value < 0.6 * float(da.max()) else "black")
    ax.set_xlabel(_label(ds, x))
    ax.set_ylabel(_label(ds, y))
    title = f"P({outcome.replace('_', ' ')})"
    ax.set_title(title + (f", averaged over {', '.join(rest)}" if rest else ""))
    fig.colorbar(mesh, ax=ax, label="share of runs")
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
    for k, value in enumerate(groups):
        pick = {} if value is None else {hue: value}
        colour = PALETTE[k % len(PALETTE)]
        ax.plot(pos, p.sel(pick).transpose(x).values, marker="o", color=colour,
                label=None if value is None else f"{_label(ds, hue)} = {_tick(value)}")
        ax.fill_between(pos, low.sel(pick).transpose(x).values,
                        high.sel(pick).transpose(x).values, color=colour, alpha=0.15, lw=0)
    if not numeric:
        ax.set_xticks(pos, [str(v) for v in xvals])
    ax.set_xlabel(_label(ds, x))
    ax.set_ylabel(f"P({outcome.replace('_', ' ')}), share of runs")
    ax.set_ylim(0, None)
    if hue is not None:
        ax.legend(fontsize=6, frameon=False)
    if new:
        source_note(fig, _note(ds))
    return fig


@styled
def sobol_bars(table: pd.DataFrame, output: str = "breakdown", ax: Axes | None = None,
               labels: dict[str, str] | None = None) -> Figure:
    """First-order and total Sobol' indices of one output, with their intervals.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`tradesim.sensitivity.sobol`'s result.
    output : str
        One of the table's outputs.
    ax : Axes, optional
        Draw here; default a new column-wide figure.
    labels : dict of str to str, optional
        Names to show for parameter paths (default the paths).

    Returns
    -------
    Figure
    """
    frame = table.loc[output]
    labels = labels or {}
    ax, _ = new_axes(ax)
    fig = ax.figure
    ys = np.arange(len(frame))
    for k, (col, name) in enumerate((("S1", "first order"), ("ST", "total"))):
        centre = frame[col].to_numpy()
        err = np.vstack([centre - frame[f"{col}_low"].to_numpy(),
                         frame[f"{col}_high"].to_numpy() - centre]).clip(0)
        ax.barh(ys + (k - 0.5) * 0.38, centre, height=0.36, xerr=err, color=PALETTE[k],
                label=name, error_kw={"lw": 0.8, "capsize": 1.5})
    ax.set_yticks(ys, [labels.get(p, p) for p in frame.index])
    ax.invert_yaxis()
    ax.set_xlabel("Sobol' index (share of output variance)")
    ax.set_title(f"Sensitivity of {output.replace('_', ' ')}")
    ax.axvline(0, color="#999999", lw=0.6)
    ax.legend(fontsize=6, frameon=False)
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
    ax, _ = new_axes(ax)
    fig = ax.figure
    points = ax.scatter(t["coverage"], t["density"], c=t["restricted"], cmap="viridis", s=12)
    chosen = t.iloc[result.selected]
    ax.scatter([chosen["coverage"]], [chosen["density"]], s=60, facecolor="none",
               edgecolor=PALETTE[1], lw=1.2, label=f"chosen box {result.selected}")
    ax.set_xlabel("coverage (share of the outcome inside the box)")
    ax.set_ylabel("density (share inside the box)")
    ax.set_title(f"PRIM boxes for {result.outcome.replace('_', ' ')}")
    fig.colorbar(points, ax=ax, label="restricted parameters")
    ax.legend(fontsize=6, frameon=False)
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
            ax.text(1.02, k, f"{_tick(lo)} to {_tick(hi)}", va="center", fontsize=6)
        else:
            ax.text(0.0, k, "in {" + ", ".join(map(str, lim)) + "}", va="center", fontsize=6)
    ax.barh(range(len(names)), [1.0] * len(names), color="#dddddd", height=0.5, zorder=0)
    ax.set_yticks(range(len(names)), [_label(ds, p) for p in names])
    ax.invert_yaxis()
    ax.set_xlim(0, 1.35)
    ax.set_xlabel("position within the swept range (0 = lowest, 1 = highest)")
    ax.set_title(f"{result.outcome.replace('_', ' ')}: {box.density:.0%} density, "
                 f"{box.coverage:.0%} coverage")
    if new:
        source_note(fig, _note(ds))
    return fig
