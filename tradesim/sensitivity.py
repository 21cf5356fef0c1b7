"""Sensitivity analysis of a scenario or a sweep (scenario discovery: :mod:`tradesim.discovery`).

Of a scenario (``tradesim sensitivity SCENARIO``), over its uncertain parameters:

- :func:`scenario_sobol`: a Saltelli design (:func:`saltelli_design`) through
  each parameter's distribution, a fixed number of runs at every point with
  common random numbers (:func:`evaluate_design`), and first-order and total
  indices of each headline outcome's probability with bootstrap intervals
  (:func:`saltelli_indices`: SALib's estimators and resamples, without SALib).
- :func:`scenario_morris`: Morris elementary effects on the same footing.

Of a sweep's results:

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
    "HEADLINE_OUTCOMES",
    "MORRIS_COLUMNS",
    "SOBOL_COLUMNS",
    "check_outcomes",
    "evaluate_design",
    "morris",
    "morris_design",
    "morris_effects",
    "outcome_names",
    "parameter_labels",
    "point_table",
    "saltelli_design",
    "saltelli_indices",
    "scenario_morris",
    "scenario_sobol",
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


# ------------------------------------------------------------- a scenario's own analysis
#
# ``tradesim sensitivity SCENARIO``: no sweep file.  The design is over the scenario's
# uncertain parameters (its distributions), each point is run with the same replication
# streams (common random numbers), and the outputs are outcome probabilities.

#: Headline outputs analysed by default: P(at least one breakdown by the horizon), then
#: the shares of runs ending with the framework holding, in breakdown, in a renewed truce
#: and rejected.
HEADLINE_OUTCOMES = ("breakdown_1", "holding", "breakdown", "renewed_truce", "rejected")
#: Base samples (Saltelli rows) of a Sobol' analysis by default: a power of 2.
DEFAULT_SAMPLES = 128
#: Trajectories of a Morris analysis by default.
DEFAULT_TRAJECTORIES = 32
#: Replications run at every design point by default.
DEFAULT_REPLICATIONS = 256
#: Grid levels of the Morris design.
MORRIS_LEVELS = 4
#: Columns of :func:`scenario_sobol`'s table.
SOBOL_COLUMNS = ("outcome", "parameter", "S1", "S1_lo", "S1_hi", "ST", "ST_lo", "ST_hi")
#: Columns of :func:`scenario_morris`'s table.
MORRIS_COLUMNS = ("outcome", "parameter", "mu", "mu_star", "mu_star_lo", "mu_star_hi",
                  "sigma")
#: Replications one worker task steps together (its design points side by side).
_RUNS_PER_TASK = 8192


def outcome_names() -> tuple[str, ...]:
    """Every output :func:`scenario_sobol` and :func:`scenario_morris` accept.

    An outcome of :data:`tradesim.model.OUTCOMES` (``"holding"``) is the share of
    runs ending in it; a milestone of :data:`tradesim.model.MILESTONES`
    (``"breakdown_1"``) is the share of runs reaching it by the horizon
    (``"rejected"`` is both, and the same: a rejection is final).
    """
    from .model import MILESTONES

    return tuple(dict.fromkeys((*OUTCOMES, *MILESTONES)))


def check_outcomes(outcomes: Sequence[str] | None) -> tuple[str, ...]:
    """The outputs to analyse: ``outcomes``, checked, or :data:`HEADLINE_OUTCOMES`.

    Raises
    ------
    ValueError
        For an unknown name (with a "did you mean"), or none at all.
    """
    from .errors import suggest

    if outcomes is None:
        return HEADLINE_OUTCOMES
    chosen = tuple(dict.fromkeys(outcomes))
    if not chosen:
        raise ValueError("give at least one outcome")
    known = outcome_names()
    for name in chosen:
        if name not in known:
            raise ValueError(f"unknown outcome {name!r}{suggest(name, known)} (outcomes: "
                             f"{', '.join(OUTCOMES)}; or a milestone reached by the horizon: "
                             f"{', '.join(n for n in known if n not in OUTCOMES)})")
    return chosen


def _uncertain(scenario: Any) -> dict[str, Any]:
    dists = scenario.uncertain_parameters()
    if not dists:
        raise ValueError(f"scenario {scenario.name!r} has no uncertain parameters (no "
                         "parameter is given as a distribution): there is nothing to "
                         "analyse")
    return dists


def saltelli_design(d: int, n: int, seed: int | None) -> np.ndarray:
    """A Saltelli design on the unit hypercube, rows as SALib orders them.

    ``n`` points of a scrambled Sobol' sequence in ``2 d`` dimensions
    (:class:`scipy.stats.qmc.Sobol`) give matrices A (first ``d`` columns) and B
    (last ``d``); each base row ``j`` contributes ``d + 2`` rows: ``A_j``,
    ``AB^(1)_j .. AB^(d)_j`` (A with column ``i`` from B) and ``B_j``.  This is
    what ``SALib.sample.sobol.sample(problem, n, calc_second_order=False,
    seed=seed)`` returns for a problem with bounds [0, 1].

    Parameters
    ----------
    d : int
        Number of parameters.
    n : int
        Base rows (a power of 2 keeps the sequence balanced).
    seed : int or None
        Seed of the scrambling.

    Returns
    -------
    ndarray, shape (n (d + 2), d)
    """
    from scipy.stats import qmc

    base = qmc.Sobol(d=2 * d, scramble=True, seed=seed).random(n)
    a, b = base[:, :d], base[:, d:]
    design = np.repeat(a[:, None, :], d + 2, axis=1)  # (n, d + 2, d)
    for i in range(d):
        design[:, i + 1, i] = b[:, i]
    design[:, d + 1, :] = b
    return design.reshape(n * (d + 2), d)


def saltelli_indices(y: np.ndarray, d: int, *, n_resamples: int = 1000,
                     confidence: float = 0.95, seed: int | None = 0
                     ) -> dict[str, np.ndarray]:
    """First-order and total indices from outputs on a :func:`saltelli_design`.

    Parameters
    ----------
    y : ndarray, shape (n (d + 2),)
        One output per design row, in the design's order.
    d : int
        Number of parameters.
    n_resamples : int
        Bootstrap resamples of the ``n`` base rows.
    confidence : float
        Level of the percentile intervals.
    seed : int or None
        Seed of the resampling.

    Returns
    -------
    dict
        ``S1``, ``S1_lo``, ``S1_hi``, ``ST``, ``ST_lo``, ``ST_hi`` (each shape
        ``(d,)``) and the resampled indices ``S1_all``, ``ST_all`` (shape
        ``(n_resamples, d)``).

    Notes
    -----
    The estimators and conventions of ``SALib.analyze.sobol.analyze`` (SALib
    1.4-1.6) with ``calc_second_order=False``: outputs standardised over the
    whole design; first order by Saltelli et al. (2010, Table 2 (b)),
    ``mean(f_B (f_AB - f_A)) / var(f_A, f_B)``; total by Jansen (1999),
    ``mean((f_A - f_AB)**2) / 2 / var(f_A, f_B)``; an output that does not vary
    has indices 0.  The resampled rows are SALib's too
    (``numpy.random.default_rng(seed).integers(n, size=(n, n_resamples))``), so for
    the same seed (not 0 or None, which SALib treats as "no seed") its
    ``S1_conf_all`` and ``ST_conf_all`` (``keep_resamples=True``) are these
    ``S1_all`` and ``ST_all``.  SALib reports a normal half-width
    (``z * sd``); these intervals are percentiles of the resamples.
    """
    y = np.asarray(y, dtype=np.float64)
    step = d + 2
    if y.ndim != 1 or y.size % step or y.size < 2 * step:
        raise ValueError(f"expected n (d + 2) outputs with n >= 2 for d = {d}, got "
                         f"shape {y.shape}")
    n = y.size // step
    sd = y.std()
    z = (y - y.mean()) / sd if sd > 0 else np.zeros_like(y)
    rows = z.reshape(n, step)
    f_a, f_b, f_ab = rows[:, 0], rows[:, -1], rows[:, 1:-1]  # (n,), (n,), (n, d)

    def estimate(a: np.ndarray, b: np.ndarray, ab: np.ndarray) -> tuple[np.ndarray, ...]:
        # a, b: (n, k); ab: (n, k, d) -> first, total: (k, d)
        var = np.var(np.concatenate([a, b]), axis=0)[:, None]
        first = np.mean(b[..., None] * (ab - a[..., None]), axis=0)
        total = 0.5 * np.mean((a[..., None] - ab) ** 2, axis=0)
        ok = var > np.finfo(float).eps
        first = np.divide(first, var, out=np.zeros_like(first), where=ok)
        total = np.divide(total, var, out=np.zeros_like(total), where=ok)
        return first, total

    first, total = estimate(f_a[:, None], f_b[:, None], f_ab[:, None, :])
    r = np.random.default_rng(seed).integers(n, size=(n, n_resamples))
    first_all = np.empty((n_resamples, d))
    total_all = np.empty((n_resamples, d))
    for c0 in range(0, n_resamples, 256):  # bounded memory: n x 256 x d at a time
        idx = r[:, c0:c0 + 256]
        first_all[c0:c0 + idx.shape[1]], total_all[c0:c0 + idx.shape[1]] = estimate(
            f_a[idx], f_b[idx], f_ab[idx])
    tail = 100 * (1 - confidence) / 2
    out = {"S1": first[0], "ST": total[0], "S1_all": first_all, "ST_all": total_all}
    for key, boot in (("S1", first_all), ("ST", total_all)):
        out[f"{key}_lo"] = np.percentile(boot, tail, axis=0)
        out[f"{key}_hi"] = np.percentile(boot, 100 - tail, axis=0)
    return out


def morris_design(d: int, trajectories: int, seed: int | None,
                  levels: int = MORRIS_LEVELS) -> np.ndarray:
    """Morris (1991) trajectories on the unit hypercube.

    Each trajectory starts at a random point of a grid of ``levels`` values
    per parameter, ``(k + 1/2) / levels`` (away from 0 and 1, so unbounded
    distributions stay finite), and moves one parameter at a time, in random
    order, by ``+/- delta`` with ``delta = levels / (2 (levels - 1))`` grid steps
    (half the grid's range, rounded to the grid: 0.5 for 4 levels).

    Returns
    -------
    ndarray, shape (trajectories (d + 1), d)
        Trajectory ``t`` is rows ``t (d + 1)`` to ``t (d + 1) + d``.
    """
    if levels < 2 or levels % 2:
        raise ValueError(f"levels must be an even number from 2 up, got {levels}")
    rng = np.random.default_rng(seed)
    jump = levels // 2  # grid steps of one move
    out = np.empty((trajectories, d + 1, d))
    for t in range(trajectories):
        start = rng.integers(0, levels, size=d)
        # Up from the lower half of the grid, down from the upper half: always inside it.
        sign = np.where(start < levels - jump, 1, -1)
        x = start.astype(float)
        out[t, 0] = x
        for k, i in enumerate(rng.permutation(d)):
            x = x.copy()
            x[i] += sign[i] * jump
            out[t, k + 1] = x
    return ((out + 0.5) / levels).reshape(trajectories * (d + 1), d)


def morris_effects(unit: np.ndarray, y: np.ndarray, d: int) -> np.ndarray:
    """Elementary effects of one output on a :func:`morris_design`: shape (trajectories, d).

    The effect of parameter ``i`` in a trajectory is the change in ``y`` at
    the step that moves it, divided by that step on the unit hypercube (the
    parameter's quantile scale), so parameters are comparable.
    """
    r = unit.shape[0] // (d + 1)
    steps = np.diff(unit.reshape(r, d + 1, d), axis=1)  # (r, d, d): one factor per step
    factor = np.abs(steps).argmax(axis=2)
    delta = np.take_along_axis(steps, factor[..., None], axis=2)[..., 0]
    change = np.diff(np.asarray(y, float).reshape(r, d + 1), axis=1) / delta
    effects = np.empty((r, d))
    np.put_along_axis(effects, factor, change, axis=1)
    return effects


def _shares(model: Any, outcomes: Sequence[str], points: int = 1) -> np.ndarray:
    """Each outcome's share of runs, for ``points`` equal blocks of replications."""
    final = model.outcomes().reshape(points, -1)
    values = []
    for name in outcomes:
        if name in OUTCOMES:
            values.append(np.mean(final == OUTCOMES.index(name), axis=1))
        else:
            reached = np.asarray(model.milestones[name]).reshape(points, -1) >= 0
            values.append(np.mean(reached, axis=1))
    return np.column_stack(values)


def _run_points(scenario: Any, paths: Sequence[str], values: np.ndarray, replications: int,
                seed: int, outcomes: Sequence[str]) -> np.ndarray:
    """A worker's task: each point's outcome shares over replications 0..R-1 of ``seed``."""
    import gc

    from .model import TradeModel

    # The points side by side in one model, each over the same streams 0..R-1.
    g = len(values)
    overrides = {p: np.repeat(values[:, j], replications) for j, p in enumerate(paths)}
    model = TradeModel(scenario, g * replications, seed, overrides=overrides,
                       stream_period=replications)
    model.run()
    out = _shares(model, outcomes, g)
    model.close()
    gc.collect()
    return out


def evaluate_design(scenario: Any, unit: np.ndarray, *, replications: int, seed: int,
                    outcomes: Sequence[str] = HEADLINE_OUTCOMES, workers: int | None = None,
                    progress: bool = False) -> np.ndarray:
    """Outcome shares at every point of a unit design over the uncertain parameters.

    Parameters
    ----------
    scenario : Scenario
    unit : ndarray, shape (P, d)
        Design points in (0, 1), one column per uncertain parameter in
        :meth:`Scenario.uncertain_parameters` order; each is mapped through its
        distribution's quantile function.
    replications : int
        Runs at each point.
    seed : int
        Master seed.  Every point runs replications ``0 .. replications - 1``
        of it: the same random streams at every point (common random numbers),
        so points differ only by their parameters.
    outcomes : sequence of str
        See :func:`outcome_names`.
    workers : int or None
        Processes at work, this one included (default: every core); results do
        not depend on it.
    progress : bool
        Show a progress bar on stderr.

    Returns
    -------
    ndarray, shape (P, len(outcomes))
        Share of the point's runs with each outcome.
    """
    from .ensemble import _progress_bar
    from .executors import make_executor, resolve_workers

    dists = _uncertain(scenario)
    paths = list(dists)
    unit = np.asarray(unit, dtype=float)
    values = np.column_stack([np.asarray(dists[p].ppf(unit[:, j]), dtype=float)
                              for j, p in enumerate(paths)])
    points = len(values)
    out = np.empty((points, len(outcomes)))
    per_task = max(1, _RUNS_PER_TASK // replications)
    tasks = (((a, min(a + per_task, points)),
              (scenario, paths, values[a:a + per_task], replications, seed, tuple(outcomes)))
             for a in range(0, points, per_task))
    workers = min(resolve_workers(workers), -(-points // per_task))
    bar = _progress_bar(points * replications, scenario.name, progress)
    try:
        with make_executor("processes" if workers > 1 else "serial", workers) as pool:
            for (a, b), part in pool.map_unordered(_run_points, tasks):
                out[a:b] = part
                bar.update((b - a) * replications)
    finally:
        bar.close()
    return out


def _check_sizes(samples: int, replications: int, method: str) -> None:
    if isinstance(samples, bool) or not isinstance(samples, int | np.integer) or samples < 2:
        raise ValueError(f"samples must be a whole number of at least 2, got {samples!r}")
    if method == "sobol" and samples & (samples - 1):
        low = 1 << (int(samples).bit_length() - 1)
        raise ValueError(f"samples must be a power of 2 for a Sobol' design (its balance "
                         f"properties need it), got {samples}: use {low} or {2 * low}")
    if (isinstance(replications, bool) or not isinstance(replications, int | np.integer)
            or replications < 1):
        raise ValueError(f"replications must be a whole number of at least 1, got "
                         f"{replications!r}")


def _attrs(scenario: Any, method: str, samples: int, replications: int, seed: int,
           points: int, seconds: float, outcomes: Sequence[str], y: np.ndarray,
           extra: dict[str, Any]) -> dict[str, Any]:
    import tradesim

    # Binomial noise of a point's share, against the spread of shares across points.
    mean_var = (y * (1 - y)).mean(axis=0) / max(replications - 1, 1)
    spread = y.var(axis=0)
    noise = {o: (float(mean_var[k] / spread[k]) if spread[k] > 0 else float("nan"))
             for k, o in enumerate(outcomes)}
    return {"scenario": scenario.name, "method": method, "samples": samples,
            "replications": replications, "seed": seed, "points": points,
            "model_runs": points * replications, "seconds": round(seconds, 2),
            "parameters": list(scenario.uncertain_parameters()),
            "mean": {o: float(y[:, k].mean()) for k, o in enumerate(outcomes)},
            "sd": {o: float(y[:, k].std()) for k, o in enumerate(outcomes)},
            "noise_share": noise, "version": tradesim.__version__, **extra}


def _run_design(scenario: Any, method: str, samples: int, replications: int, seed: int,
                outcomes: Sequence[str] | None, workers: int | None,
                progress: bool) -> tuple[Any, tuple[str, ...], list[str], np.ndarray,
                                         np.ndarray, float]:
    """Check the sizes, build the method's design and run it.

    Returns the scenario, the outcomes, the uncertain paths, the design (unit
    cube), the points' outcome shares and the seconds the runs took.
    """
    import time

    if isinstance(scenario, str) or hasattr(scenario, "__fspath__"):
        from .io import load_scenario

        scenario = load_scenario(scenario)
    outcomes = check_outcomes(outcomes)
    _check_sizes(samples, replications, method)
    paths = list(_uncertain(scenario))
    design = saltelli_design if method == "sobol" else morris_design
    start = time.perf_counter()
    unit = design(len(paths), samples, seed)
    y = evaluate_design(scenario, unit, replications=replications, seed=seed,
                        outcomes=outcomes, workers=workers, progress=progress)
    return scenario, outcomes, paths, unit, y, time.perf_counter() - start


def scenario_sobol(scenario: Any, *, samples: int = DEFAULT_SAMPLES,
                   replications: int = DEFAULT_REPLICATIONS, seed: int = 20250611,
                   outcomes: Sequence[str] | None = None, confidence: float = 0.95,
                   n_resamples: int = 1000, workers: int | None = None,
                   progress: bool = False) -> pd.DataFrame:
    """Sobol' indices of a scenario's outcome probabilities over its uncertain parameters.

    A Saltelli design (:func:`saltelli_design`, ``samples (d + 2)`` points over
    the ``d`` uncertain parameters, each coordinate mapped through the
    parameter's own distribution), ``replications`` runs at each point with
    common random numbers (:func:`evaluate_design`), and first-order and total
    indices of each outcome's share with bootstrap intervals
    (:func:`saltelli_indices`).

    Parameters
    ----------
    scenario : Scenario or str or Path
        A scenario with uncertain parameters, or its file.
    samples : int
        Base rows of the design, a power of 2 (default 128).
    replications : int
        Runs at each design point (default 256).
    seed : int
        Master seed of the runs; it also seeds the scrambling of the design
        and the bootstrap, so one number reproduces the table.
    outcomes : sequence of str, optional
        See :func:`outcome_names`; default :data:`HEADLINE_OUTCOMES`.
    confidence : float
        Level of the percentile bootstrap intervals.
    n_resamples : int
        Bootstrap resamples of the base rows.
    workers : int or None
        Processes at work, this one included (default every core).
    progress : bool
        Progress bar on stderr.

    Returns
    -------
    DataFrame
        Columns :data:`SOBOL_COLUMNS` (``outcome, parameter, S1, S1_lo, S1_hi,
        ST, ST_lo, ST_hi``), one row per outcome and parameter.  ``attrs``
        records the design (``samples``, ``replications``, ``seed``,
        ``points``, ``model_runs``, ``seconds``), each outcome's mean and
        standard deviation across the design's A and B points and
        ``noise_share``: the binomial variance of ``replications``
        independent runs over that variance, an upper bound on the share of
        it that is Monte Carlo noise (common random numbers make the noise
        that separates points smaller).  Near 1, the outcome hardly varies
        with the parameters and its indices are mostly noise.

    Notes
    -----
    With common random numbers every point sees the same ``replications``
    random streams, so an outcome's share is a fixed function of the
    parameters and the indices are those of that function.  They differ from
    the indices of the exact probability by the noise of a finite number of
    runs, whose share of the variance ``attrs["noise_share"]`` bounds:
    keep it small (more replications) before reading the indices.  A joint
    ``parameter_sample`` is not part of the design (its row is drawn per
    replication, like the other random numbers).
    """
    scenario, outcomes, paths, _, y, seconds = _run_design(
        scenario, "sobol", samples, replications, seed, outcomes, workers, progress)
    d = len(paths)
    rows = []
    for k, outcome in enumerate(outcomes):
        res = saltelli_indices(y[:, k], d, n_resamples=n_resamples, confidence=confidence,
                               seed=seed)
        for j, path in enumerate(paths):
            rows.append({"outcome": outcome, "parameter": path,
                         **{c: float(res[c][j]) for c in SOBOL_COLUMNS[2:]}})
    table = pd.DataFrame(rows, columns=list(SOBOL_COLUMNS))
    base = np.concatenate([y[0::d + 2], y[d + 1::d + 2]])  # the A and B points
    table.attrs = _attrs(scenario, "sobol", samples, replications, seed, len(y), seconds,
                         outcomes, base, {"confidence": confidence,
                                          "n_resamples": n_resamples})
    return table


def scenario_morris(scenario: Any, *, samples: int = DEFAULT_TRAJECTORIES,
                    replications: int = DEFAULT_REPLICATIONS, seed: int = 20250611,
                    outcomes: Sequence[str] | None = None, confidence: float = 0.95,
                    n_resamples: int = 1000, workers: int | None = None,
                    progress: bool = False) -> pd.DataFrame:
    """Morris elementary effects of a scenario's outcome probabilities.

    ``samples`` trajectories (:func:`morris_design`) of ``d + 1`` points each,
    run as :func:`scenario_sobol` runs its points (common random numbers).

    Returns
    -------
    DataFrame
        Columns :data:`MORRIS_COLUMNS`: ``mu`` (mean effect), ``mu_star``
        (mean absolute effect, Campolongo et al. 2007) with its percentile
        bootstrap interval over trajectories, ``sigma`` (standard deviation
        of the effects: interactions or non-linearity).  Effects are changes
        in the outcome's probability per unit of the parameter's quantile
        scale (0 to 1), so parameters are comparable.  ``attrs`` as
        :func:`scenario_sobol`'s.

    See Also
    --------
    scenario_sobol : the parameters are those of :func:`scenario_sobol`.
    """
    scenario, outcomes, paths, unit, y, seconds = _run_design(
        scenario, "morris", samples, replications, seed, outcomes, workers, progress)
    d = len(paths)
    boot_idx = np.random.default_rng(seed).integers(0, samples, size=(n_resamples, samples))
    tail = 100 * (1 - confidence) / 2
    rows = []
    for k, outcome in enumerate(outcomes):
        effects = morris_effects(unit, y[:, k], d)
        boot = np.abs(effects)[boot_idx].mean(axis=1)  # (n_resamples, d)
        for j, path in enumerate(paths):
            rows.append({"outcome": outcome, "parameter": path,
                         "mu": float(effects[:, j].mean()),
                         "mu_star": float(np.abs(effects[:, j]).mean()),
                         "mu_star_lo": float(np.percentile(boot[:, j], tail)),
                         "mu_star_hi": float(np.percentile(boot[:, j], 100 - tail)),
                         "sigma": float(effects[:, j].std(ddof=1))})
    table = pd.DataFrame(rows, columns=list(MORRIS_COLUMNS))
    table.attrs = _attrs(scenario, "morris", samples, replications, seed, len(y), seconds,
                         outcomes, y, {"confidence": confidence, "n_resamples": n_resamples,
                                       "levels": MORRIS_LEVELS})
    return table
