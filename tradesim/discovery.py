"""Scenario discovery on sweep results: PRIM boxes where an outcome concentrates.

:func:`prim` applies the Patient Rule Induction Method (Friedman & Fisher
1999) as used for scenario discovery (Bryant & Lempert 2010): boxes in
parameter space where an outcome (e.g. breakdown) is concentrated, with the
coverage/density trade-off along the peeling trajectory, and readable rules.
It is written here (peeling and pasting, about 150 lines) because the
``prim`` package is GPL-3 (tradesim is MIT) and ``ema_workbench`` brings a
large stack for one algorithm.  :func:`prim_boxes` is the algorithm on a
plain table.  Outputs are those of :func:`tradesim.sensitivity.sweep_output`.

References
----------
Bryant, B. P. & Lempert, R. J. (2010). Thinking inside the box: a participatory,
computer-assisted approach to scenario discovery. *Technological Forecasting and
Social Change* 77(1), 34-49.

Friedman, J. H. & Fisher, N. I. (1999). Bump hunting in high-dimensional data.
*Statistics and Computing* 9(2), 123-143.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .model import OUTCOMES
from .sensitivity import parameter_labels, point_table, swept_parameters

__all__ = ["Box", "PrimResult", "prim", "prim_boxes"]


@dataclasses.dataclass(frozen=True)
class Box:
    """One PRIM box: limits on some parameters, with its coverage and density.

    Attributes
    ----------
    limits : dict
        Parameter -> ``(low, high)`` (inclusive) for numeric parameters, or a
        tuple of the categories kept; only restricted parameters appear.
    coverage : float
        Share of the outcome (sum of ``y`` over all points) inside the box.
    density : float
        Mean of ``y`` inside the box: for a probability output, the share of
        runs with the outcome, for 0/1 cases the share of cases of interest.
    mass : float
        Share of points inside the box.
    n : int
        Points inside the box.
    pasted : bool
        Whether the box came from pasting (enlarging) the last peeled box.
    """

    limits: dict[str, Any]
    coverage: float
    density: float
    mass: float
    n: int
    pasted: bool = False

    def rule(self, outcome: str = "the outcome", labels: dict[str, str] | None = None,
             head: str = "{outcome} in {density:.0%} of runs") -> str:
        """The box as a readable sentence.

        ``head`` is formatted with ``outcome`` and ``density``.  Example:
        ``"breakdown in 78% of runs when US monitoring noise >= 0.3 and US
        forgiveness <= 0.2 (coverage 64%, 12 of 64 points)"``.
        """
        labels = labels or {}
        parts = []
        for path, lim in self.limits.items():
            name = labels.get(path, path)
            if not _is_interval(lim):
                parts.append(f"{name} in {{{', '.join(map(str, lim))}}}")
                continue
            low, high = lim
            if low is not None and high is not None:
                parts.append(f"{_num(low)} <= {name} <= {_num(high)}")
            elif low is not None:
                parts.append(f"{name} >= {_num(low)}")
            elif high is not None:
                parts.append(f"{name} <= {_num(high)}")
        when = " and ".join(parts) if parts else "anywhere in the swept ranges"
        return (f"{head.format(outcome=outcome, density=self.density)} when {when} "
                f"(coverage {self.coverage:.0%}, {self.n} of "
                f"{round(self.n / self.mass) if self.mass else 0} points)")


def _is_interval(lim: Any) -> bool:
    return len(lim) == 2 and all(v is None or (isinstance(v, float | int)
                                               and not isinstance(v, bool)) for v in lim)


def _num(x: float) -> str:
    return f"{x:.3g}"


@dataclasses.dataclass(frozen=True)
class PrimResult:
    """The peeling trajectory of PRIM and the chosen box.

    Attributes
    ----------
    trajectory : DataFrame
        One row per box along the peeling trajectory (then the pasted box):
        ``coverage``, ``density``, ``mass``, ``n``, ``restricted`` (number of
        restricted parameters).  Plot coverage against density to choose.
    boxes : list of Box
    selected : int
        Index of the chosen box (see :func:`prim`).
    outcome : str
    labels : dict
        Readable parameter names (from the sweep file's ``labels``).
    head : str
        How rules state the density (see :meth:`Box.rule`).
    """

    trajectory: pd.DataFrame
    boxes: list[Box]
    selected: int
    outcome: str
    labels: dict[str, str]
    head: str = "{outcome} in {density:.0%} of runs"

    @property
    def box(self) -> Box:
        """The chosen box."""
        return self.boxes[self.selected]

    def rule(self, index: int | None = None) -> str:
        """The chosen (or ``index``-th) box as a readable rule."""
        box = self.boxes[self.selected if index is None else index]
        return box.rule(self.outcome, self.labels, self.head)

    def select(self, index: int) -> PrimResult:
        """The same result with another box chosen."""
        return dataclasses.replace(self, selected=int(index))

    def __str__(self) -> str:
        return self.rule()

    def _repr_html_(self) -> str:
        from .display import prim_html

        return prim_html(self)


def prim_boxes(x: pd.DataFrame, y: np.ndarray, *, alpha: float = 0.05,
               min_mass: float = 0.05, paste: bool = True) -> list[Box]:
    """PRIM peeling (then pasting) on any table of inputs and outputs.

    Parameters
    ----------
    x : DataFrame
        One row per point, one column per parameter (numeric or categorical).
    y : ndarray
        Output per point, >= 0: a 0/1 case indicator or a probability.
    alpha : float
        Share of the box's points removed at each peel (Friedman & Fisher
        1999 recommend 0.05 to 0.1; small steps are "patient").
    min_mass : float
        Stop peeling when the box would hold fewer than this share of points.
    paste : bool
        Try to enlarge the last box again, one limit at a time, while its
        density does not fall (Friedman & Fisher 1999, section 5.2).

    Returns
    -------
    list of Box
        The peeling trajectory from the whole space to the smallest box, then
        the pasted box if pasting changed it.
    """
    y = np.asarray(y, dtype=np.float64)
    if y.ndim != 1 or len(y) != len(x):
        raise ValueError("y must have one value per row of x")
    if (y < 0).any() or not np.isfinite(y).all():
        raise ValueError("y must be finite and non-negative (a probability or 0/1 case)")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    total = y.sum()
    n_all = len(y)
    numeric = {c: pd.api.types.is_numeric_dtype(x[c]) and not pd.api.types.is_bool_dtype(x[c])
               for c in x.columns}
    cols = {c: x[c].to_numpy() for c in x.columns}
    limits: dict[str, Any] = {}
    for c in x.columns:
        if numeric[c]:
            limits[c] = (float(np.min(cols[c])), float(np.max(cols[c])))
        else:
            limits[c] = tuple(pd.unique(cols[c]))
    full = dict(limits)

    def inside(lims: dict[str, Any]) -> np.ndarray:
        mask = np.ones(n_all, dtype=bool)
        for c, lim in lims.items():
            if numeric[c]:
                mask &= (cols[c] >= lim[0]) & (cols[c] <= lim[1])
            else:
                mask &= np.isin(cols[c], list(lim))
        return mask

    def make_box(lims: dict[str, Any], mask: np.ndarray) -> Box:
        k = int(mask.sum())
        restricted = {}
        for c, lim in lims.items():
            if numeric[c]:
                low = lim[0] if lim[0] > full[c][0] else None
                high = lim[1] if lim[1] < full[c][1] else None
                if low is not None or high is not None:
                    restricted[c] = (low, high)
            elif len(lim) < len(full[c]):
                restricted[c] = tuple(lim)
        return Box(restricted, coverage=float(y[mask].sum() / total) if total else 0.0,
                   density=float(y[mask].mean()) if k else 0.0, mass=k / n_all, n=k)

    mask = inside(limits)
    boxes = [make_box(limits, mask)]
    while True:
        best = None
        k = mask.sum()
        for c in x.columns:
            values = cols[c][mask]
            candidates = []
            if numeric[c]:
                lo_cut = np.quantile(values, alpha)
                hi_cut = np.quantile(values, 1 - alpha)
                if lo_cut > limits[c][0] or (values <= lo_cut).sum() < k:
                    candidates.append((c, (_next_above(values, lo_cut), limits[c][1])))
                if hi_cut < limits[c][1] or (values >= hi_cut).sum() < k:
                    candidates.append((c, (limits[c][0], _next_below(values, hi_cut))))
            elif len(limits[c]) > 1:
                for cat in limits[c]:
                    candidates.append((c, tuple(v for v in limits[c] if v != cat)))
            for col, lim in candidates:
                if lim is None or (numeric[col] and (lim[0] is None or lim[1] is None
                                                     or lim[0] > lim[1])):
                    continue
                trial = dict(limits)
                trial[col] = lim
                new_mask = mask & inside({col: lim})
                kept = new_mask.sum()
                if kept == k or kept < max(1, min_mass * n_all):
                    continue
                score = y[new_mask].mean()
                if best is None or score > best[0] + 1e-15:
                    best = (score, trial, new_mask)
        if best is None or best[0] < y[mask].mean() - 1e-15:
            break
        _, limits, mask = best
        boxes.append(make_box(limits, mask))
    if paste and len(boxes) > 1:
        pasted = _paste(limits, mask, inside, y, cols, numeric, full, alpha)
        if pasted is not None:
            boxes.append(dataclasses.replace(make_box(*pasted), pasted=True))
    return boxes


def _next_above(values: np.ndarray, cut: float) -> float | None:
    above = values[values > cut]
    return float(above.min()) if above.size else None


def _next_below(values: np.ndarray, cut: float) -> float | None:
    below = values[values < cut]
    return float(below.max()) if below.size else None


def _paste(limits: dict[str, Any], mask: np.ndarray, inside: Any, y: np.ndarray,
           cols: dict[str, np.ndarray], numeric: dict[str, bool], full: dict[str, Any],
           alpha: float) -> tuple[dict[str, Any], np.ndarray] | None:
    """Enlarge a box one limit at a time while the mean of y does not fall."""
    changed = False
    while True:
        density = y[mask].mean()
        k = int(mask.sum())
        step = max(1, int(np.ceil(alpha * k)))
        best = None
        for c, lim in limits.items():
            trials = []
            if numeric[c]:
                outside = cols[c][~inside({c: lim}) & _others(limits, c, inside)]
                lower = np.sort(outside[outside < lim[0]])[::-1][:step]
                upper = np.sort(outside[outside > lim[1]])[:step]
                if lower.size:
                    trials.append((float(lower[-1]), lim[1]))
                if upper.size:
                    trials.append((lim[0], float(upper[-1])))
            else:
                trials += [(*lim, cat) for cat in full[c] if cat not in lim]
            for new in trials:
                trial = dict(limits)
                trial[c] = new
                new_mask = inside(trial)
                if new_mask.sum() <= k:
                    continue
                score = y[new_mask].mean()
                if score >= density and (best is None or score > best[0]):
                    best = (score, trial, new_mask)
        if best is None:
            break
        _, limits, mask = best
        changed = True
    return (limits, mask) if changed else None


def _others(limits: dict[str, Any], skip: str, inside: Any) -> np.ndarray:
    return inside({c: lim for c, lim in limits.items() if c != skip})


def prim(ds: Any, outcome: str = "breakdown", *, threshold: float | None = None,
         parameters: Sequence[str] | None = None, alpha: float = 0.05, min_mass: float = 0.05,
         min_coverage: float = 0.5, paste: bool = True) -> PrimResult:
    """Scenario discovery: the parameter ranges where an outcome concentrates.

    PRIM (Friedman & Fisher 1999) peels the swept parameter space, a small
    share of points at a time, keeping the peel that most raises the density
    of the outcome, and records the coverage/density trade-off along the way
    (Bryant & Lempert 2010).

    Parameters
    ----------
    ds : xarray.Dataset
        Results of any sweep (grid or design).
    outcome : str
        An outcome (default ``"breakdown"``) or ``"median_week:<milestone>"``.
    threshold : float, optional
        If given, a point is a case of interest when its output is at least
        ``threshold`` (0/1, as in Bryant & Lempert 2010); by default the
        output itself is used (for an outcome: the share of runs, so the
        density is the share of runs with the outcome).
    parameters : sequence of str, optional
        Swept parameters to restrict (default: all).
    alpha, min_mass, paste
        See :func:`prim_boxes`.
    min_coverage : float
        The chosen box is the densest with at least this coverage.

    Returns
    -------
    PrimResult
        ``.rule()`` gives e.g. ``"breakdown in 78% of runs when US monitoring
        noise >= 0.3 and US forgiveness <= 0.2 (coverage 64%, 12 of 64
        points)"``; ``.trajectory`` the trade-off; ``.select(i)`` another box.
    """
    table = point_table(ds, [outcome])
    params = list(parameters) if parameters is not None else swept_parameters(ds)
    unknown = [p for p in params if p not in table.columns]
    if unknown:
        raise ValueError(f"not a swept parameter: {unknown[0]!r} (swept: "
                         f"{', '.join(swept_parameters(ds))})")
    y = table[outcome].to_numpy()
    head = "{outcome} in {density:.0%} of runs" if outcome in OUTCOMES else \
        "{outcome} {density:.3g} on average"
    if threshold is not None:
        y = (y >= threshold).astype(np.float64)
        level = f"{threshold:.0%} of runs" if outcome in OUTCOMES else f"{threshold:g}"
        head = f"{{outcome}} in at least {level} at {{density:.0%}} of points"
    boxes = prim_boxes(table[params], y, alpha=alpha, min_mass=min_mass, paste=paste)
    trajectory = pd.DataFrame({
        "coverage": [b.coverage for b in boxes], "density": [b.density for b in boxes],
        "mass": [b.mass for b in boxes], "n": [b.n for b in boxes],
        "restricted": [len(b.limits) for b in boxes],
        "pasted": [b.pasted for b in boxes],
    }, index=pd.RangeIndex(len(boxes), name="box"))
    eligible = [i for i, b in enumerate(boxes) if b.coverage >= min_coverage]
    # Densest first (ignoring rounding noise in the means), then the widest coverage.
    selected = max(eligible or [0],
                   key=lambda i: (round(boxes[i].density, 9), boxes[i].coverage))
    return PrimResult(trajectory, boxes, selected, outcome, parameter_labels(ds), head)
