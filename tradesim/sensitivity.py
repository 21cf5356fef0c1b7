"""Sensitivity analysis on sweep results (scenario discovery: :mod:`tradesim.discovery`).

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
Outputs are per point: an outcome's name (``"breakdown"``) is its share of
runs; ``"median_week:<milestone>"`` is the milestone's median week, where a
point whose runs reach it less than half the time counts as ``horizon + 1``
(censored), so that every point has a number.  Monte Carlo noise in these
per-point estimates adds to their variance: use enough runs per point that
it is small next to the spread across points.

References
----------
Campolongo, F., Cariboni, J. & Saltelli, A. (2007). An effective screening design
for sensitivity analysis of large models. *Environmental Modelling & Software*
22(10), 1509-1518.

Jansen, M. J. W. (1999). Analysis of variance designs for model output. *Computer
Physics Communications* 117(1-2), 35-43.

Morris, M. D. (1991). Factorial sampling plans for preliminary computational
experiments. *Technometrics* 33(2), 161-174.

Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. & Tarantola, S.
(2010). Variance based sensitivity analysis of model output. *Computer Physics
Communications* 181(2), 259-270.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .model import OUTCOMES

__all__ = [
    "morris",
    "parameter_labels",
    "point_table",
    "sobol",
    "sweep_output",
    "swept_parameters",
    "to_salib",
]


# ------------------------------------------------------------------------ outputs


def swept_parameters(ds: Any) -> list[str]:
    """The parameter paths a sweep varied, from its results' attributes."""
    return list(json.loads(ds.attrs["swept"]))


def parameter_labels(ds: Any) -> dict[str, str]:
    """Readable labels of a sweep's parameters (path -> label), as its sweep file gave them."""
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
    for path in swept_parameters(ds):
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
    params = swept_parameters(ds)
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
    params = swept_parameters(ds)
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


# --------------------------------------------------------------------------- SALib


def to_salib(table: pd.DataFrame, output: str) -> list[pd.DataFrame] | pd.DataFrame:
    """One output's indices in SALib's layout (what ``ResultDict.to_df()`` returns).

    Parameters
    ----------
    table : DataFrame
        From :func:`sobol` or :func:`morris`.
    output : str
        The output (first level of the table's index), e.g. ``"breakdown"``.

    Returns
    -------
    list of DataFrame or DataFrame
        For Sobol': ``[total, first]`` as SALib's ``sobol.analyze(...,
        calc_second_order=False).to_df()``, frames indexed by parameter with
        columns ``ST, ST_conf`` and ``S1, S1_conf``.  For Morris: one frame
        with ``mu, mu_star, sigma, mu_star_conf``.  ``*_conf`` is the half
        width of the interval (SALib's convention; here half the percentile
        bootstrap interval).

    Raises
    ------
    KeyError
        For an output not in the table.
    """
    if output not in table.index.get_level_values("output"):
        known = sorted(set(table.index.get_level_values("output")))
        raise KeyError(f"output {output!r} is not in the table (outputs: {', '.join(known)})")
    rows = table.xs(output, level="output")
    rows.index.name = None
    if "S1" in rows:
        total = pd.DataFrame({"ST": rows["ST"], "ST_conf": (rows["ST_high"] - rows["ST_low"]) / 2})
        first = pd.DataFrame({"S1": rows["S1"], "S1_conf": (rows["S1_high"] - rows["S1_low"]) / 2})
        return [total, first]
    return pd.DataFrame({"mu": rows["mu"], "mu_star": rows["mu_star"], "sigma": rows["sigma"],
                         "mu_star_conf": (rows["mu_star_high"] - rows["mu_star_low"]) / 2})
