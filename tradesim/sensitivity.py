"""Sensitivity analysis and scenario discovery on sweep results.

- :func:`sobol`: first-order and total Sobol' indices of outcome
  probabilities and milestone medians from a ``method: sobol`` sweep, with
  bootstrap intervals.  Point estimates come from
  :func:`scipy.stats.sobol_indices` (Saltelli et al. 2010 first-order,
  Jansen 1999 total-effect estimators), chosen over SALib because SciPy is
  already a dependency and accepts precomputed model outputs; the bootstrap
  is done here with an explicit seed (SciPy's own draws from global state).
- :func:`morris`: Morris (1991) elementary effects, with ``mu*``
  (Campolongo et al. 2007) and bootstrap intervals, from a ``method: morris``
  sweep: a cheap screen when there are many parameters.
- :func:`prim`: the Patient Rule Induction Method (Friedman & Fisher 1999)
  as used for scenario discovery (Bryant & Lempert 2010): boxes in
  parameter space where an outcome (e.g. breakdown) is concentrated, with the
  coverage/density trade-off along the peeling trajectory, and readable
  rules.  It is written here (peeling and pasting, about 150 lines) because
  the ``prim`` package is GPL-3 (tradesim is MIT) and ``ema_workbench``
  brings a large stack for one algorithm.

Outputs are per point: an outcome's name (``"breakdown"``) is its share of
runs; ``"median_week:<milestone>"`` is the milestone's median week, where a
point whose runs reach it less than half the time counts as ``horizon + 1``
(censored), so that every point has a number.  Monte Carlo noise in these
per-point estimates adds to their variance: use enough runs per point that
it is small next to the spread across points.

References
----------
Bryant, B. P. & Lempert, R. J. (2010). Thinking inside the box: a participatory,
computer-assisted approach to scenario discovery. *Technological Forecasting and
Social Change* 77(1), 34-49.

Campolongo, F., Cariboni, J. & Saltelli, A. (2007). An effective screening design
for sensitivity analysis of large models. *Environmental Modelling & Software*
22(10), 1509-1518.

Friedman, J. H. & Fisher, N. I. (1999). Bump hunting in high-dimensional data.
*Statistics and Computing* 9(2), 123-143.

Jansen, M. J. W. (1999). Analysis of variance designs for model output. *Computer
Physics Communications* 117(1-2), 35-43.

Morris, M. D. (1991). Factorial sampling plans for preliminary computational
experiments. *Technometrics* 33(2), 161-174.

Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. & Tarantola, S.
(2010). Variance based sensitivity analysis of model output. *Computer Physics
Communications* 181(2), 259-270.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .model import OUTCOMES

__all__ = [
    "Box",
    "PrimResult",
    "morris",
    "point_table",
    "prim",
    "prim_boxes",
    "sobol",
    "sweep_output",
]


# ------------------------------------------------------------------------ outputs


def _swept(ds: Any) -> list[str]:
    return list(json.loads(ds.attrs["swept"]))


def _labels(ds: Any) -> dict[str, str]:
    return dict(json.loads(ds.attrs.get("labels", "{}")))


def _point_dims(ds: Any) -> list[str]:
    return [d for d in ds["finished"].dims]


def sweep_output(ds: Any, output: str) -> np.ndarray:
    """One number per point, in point order (grids flattened in C order).

    Parameters
    ----------
    ds : xarray.Dataset
        Results of :func:`tradesim.sweep.run_sweep`.
    output : str
        An outcome name (its probability, share of runs) or
        ``"median_week:<milestone>"`` (weeks; censored at ``horizon + 1``).

    Returns
    -------
    ndarray of float64
    """
    dims = _point_dims(ds)
    if output in OUTCOMES:
        da = ds["probability"].sel(outcome=output)
    elif output.startswith("median_week:"):
        milestone = output.split(":", 1)[1]
        if milestone not in ds["milestone"].values:
            raise ValueError(f"unknown milestone {milestone!r} (known: "
                             f"{', '.join(map(str, ds['milestone'].values))})")
        da = ds["median_week"].sel(milestone=milestone).fillna(int(ds.attrs["horizon_weeks"]) + 1)
    else:
        raise ValueError(f"unknown output {output!r}: use an outcome ({', '.join(OUTCOMES)}) "
                         "or 'median_week:<milestone>'")
    values = da.transpose(*dims).values.reshape(-1).astype(np.float64)
    finished = ds["finished"].transpose(*dims).values.reshape(-1)
    if not finished.all():
        raise ValueError(f"the sweep is unfinished ({int((~finished).sum())} points missing): "
                         "resume it first")
    return values


def point_table(ds: Any, outputs: Sequence[str] | None = None) -> pd.DataFrame:
    """Swept parameters and outputs, one row per point (a tidy view of a sweep).

    ``outputs`` defaults to every outcome and every milestone median.
    """
    dims = _point_dims(ds)
    flat = ds[["finished"]].stack(_point=dims) if dims != ["point"] else ds[["finished"]]
    index_dim = "_point" if dims != ["point"] else "point"
    data: dict[str, Any] = {}
    for path in _swept(ds):
        data[path] = np.asarray(flat[path].transpose(index_dim).values)
    if outputs is None:
        outputs = [*OUTCOMES, *(f"median_week:{m}" for m in ds["milestone"].values)]
    for name in outputs:
        data[name] = sweep_output(ds, name)
    return pd.DataFrame(data, index=pd.RangeIndex(len(next(iter(data.values()))), name="point"))


def _default_outputs(ds: Any) -> list[str]:
    return ["breakdown", "holding", "renewed_truce", "rejected", "median_week:implemented"]


def _design(ds: Any, method: str) -> dict[str, Any]:
    design = json.loads(ds.attrs.get("design", "null") or "null")
    if not design or design.get("method") != method:
        kind = ds.attrs.get("kind", "?")
        raise ValueError(f"{method} analysis needs a sweep with design method {method!r}; "
                         f"this sweep is a {kind}")
    return design


# --------------------------------------------------------------------------- Sobol


def _saltelli_jansen(f_A: np.ndarray, f_B: np.ndarray, f_AB: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Saltelli et al. (2010) Table 2 (b) first-order and (f) Jansen total-effect estimators."""
    var = np.var([f_A, f_B], axis=(0, -1))
    first = np.mean(f_B * (f_AB - f_A), axis=-1) / var
    total = 0.5 * np.mean((f_A - f_AB) ** 2, axis=-1) / var
    return first, total


def _sobol_arrays(y: np.ndarray, n: int, d: int) -> dict[str, np.ndarray]:
    return {"f_A": y[:n][None, :], "f_B": y[n:2 * n][None, :],
            "f_AB": y[2 * n:].reshape(d, 1, n)}


def _indices(f: dict[str, np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    from scipy.stats import sobol_indices

    res = sobol_indices(func=f, n=n, method=_saltelli_jansen)
    return np.atleast_1d(res.first_order), np.atleast_1d(res.total_order)


def sobol(ds: Any, outputs: Sequence[str] | None = None, *, confidence: float = 0.95,
          n_resamples: int = 999, seed: int = 0) -> pd.DataFrame:
    """First-order and total Sobol' indices with bootstrap intervals.

    Parameters
    ----------
    ds : xarray.Dataset
        Results of a sweep with ``design: {method: sobol, n: N}``.
    outputs : sequence of str, optional
        See :func:`sweep_output`; default: the outcome probabilities of
        breakdown, holding, renewed truce and rejection, and the median week
        of implementation.
    confidence : float
        Level of the percentile bootstrap intervals.
    n_resamples : int
        Bootstrap resamples of the ``N`` base rows (A, B and AB together).
    seed : int
        Seed of the bootstrap (no global random state).

    Returns
    -------
    DataFrame
        One row per (output, parameter): ``S1``, ``S1_low``, ``S1_high``,
        ``ST``, ``ST_low``, ``ST_high``.  An output that does not vary has
        indices 0.

    Notes
    -----
    Estimators of Saltelli et al. (2010), Table 2 (b) for first-order and (f)
    (Jansen 1999) for total-effect indices, as in
    :func:`scipy.stats.sobol_indices`.  Indices are of the per-point
    estimates, whose Monte Carlo noise is part of their variance.
    """
    design = _design(ds, "sobol")
    n = int(design["n"])
    params = _swept(ds)
    d = len(params)
    rng = np.random.default_rng(seed)
    outputs = list(outputs) if outputs is not None else _default_outputs(ds)
    boot_idx = rng.integers(0, n, size=(n_resamples, n))
    tail = (1 - confidence) / 2
    rows = []
    for output in outputs:
        y = sweep_output(ds, output)
        f = _sobol_arrays(y, n, d)
        first, total = _indices(f, n)
        boots_first = np.empty((n_resamples, d))
        boots_total = np.empty((n_resamples, d))
        for b, idx in enumerate(boot_idx):
            fb = {"f_A": f["f_A"][:, idx], "f_B": f["f_B"][:, idx], "f_AB": f["f_AB"][..., idx]}
            boots_first[b], boots_total[b] = _indices(fb, n)
        for j, path in enumerate(params):
            rows.append({
                "output": output, "parameter": path,
                "S1": first[j],
                "S1_low": np.quantile(boots_first[:, j], tail),
                "S1_high": np.quantile(boots_first[:, j], 1 - tail),
                "ST": total[j],
                "ST_low": np.quantile(boots_total[:, j], tail),
                "ST_high": np.quantile(boots_total[:, j], 1 - tail),
            })
    return pd.DataFrame(rows).set_index(["output", "parameter"])


# -------------------------------------------------------------------------- Morris


def morris(ds: Any, outputs: Sequence[str] | None = None, *, confidence: float = 0.95,
           n_resamples: int = 999, seed: int = 0) -> pd.DataFrame:
    """Morris (1991) elementary-effects screening.

    Parameters
    ----------
    ds : xarray.Dataset
        Results of a sweep with ``design: {method: morris, trajectories: r}``.
    outputs : sequence of str, optional
        See :func:`sweep_output` (default as :func:`sobol`).
    confidence, n_resamples, seed
        Percentile bootstrap of ``mu_star`` over trajectories.

    Returns
    -------
    DataFrame
        One row per (output, parameter): ``mu`` (mean effect), ``mu_star``
        (mean absolute effect, Campolongo et al. 2007), ``sigma`` (spread:
        interactions or non-linearity), ``mu_star_low``, ``mu_star_high``.
        Effects are in output units per full range of the parameter (the unit
        hypercube), so parameters are comparable.
    """
    design = _design(ds, "morris")
    r = int(design["trajectories"])
    params = _swept(ds)
    d = len(params)
    unit = ds["unit_sample"].transpose("point", "parameter").values.reshape(r, d + 1, d)
    step = np.diff(unit, axis=1)  # (r, d, d): one factor moves per step
    factor = np.abs(step).argmax(axis=2)
    delta = np.take_along_axis(step, factor[..., None], axis=2)[..., 0]
    rng = np.random.default_rng(seed)
    boot_idx = rng.integers(0, r, size=(n_resamples, r))
    tail = (1 - confidence) / 2
    outputs = list(outputs) if outputs is not None else _default_outputs(ds)
    rows = []
    for output in outputs:
        y = sweep_output(ds, output).reshape(r, d + 1)
        effects = np.empty((r, d))
        change = np.diff(y, axis=1) / delta
        np.put_along_axis(effects, factor, change, axis=1)
        boot = np.abs(effects)[boot_idx].mean(axis=1)  # (n_resamples, d)
        for j, path in enumerate(params):
            rows.append({
                "output": output, "parameter": path,
                "mu": effects[:, j].mean(), "mu_star": np.abs(effects[:, j]).mean(),
                "sigma": effects[:, j].std(ddof=1) if r > 1 else np.nan,
                "mu_star_low": np.quantile(boot[:, j], tail),
                "mu_star_high": np.quantile(boot[:, j], 1 - tail),
            })
    return pd.DataFrame(rows).set_index(["output", "parameter"])


# ---------------------------------------------------------------------------- PRIM


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
    params = list(parameters) if parameters is not None else _swept(ds)
    unknown = [p for p in params if p not in table.columns]
    if unknown:
        raise ValueError(f"not a swept parameter: {unknown[0]!r} (swept: "
                         f"{', '.join(_swept(ds))})")
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
    return PrimResult(trajectory, boxes, selected, outcome, _labels(ds), head)
