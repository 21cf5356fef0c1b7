"""EMA Workbench bridge: a scenario as an EMA ``Model``, a sweep as EMA's results.

Needs the optional ``ema`` extra (``pip install -e '.[ema]'``); ema_workbench
is imported only when a function here is called.

- :func:`build_model` turns a scenario into an ``ema_workbench.Model``:
  every uncertain parameter becomes an uncertainty with the scenario's own
  distribution (``RealParameter.from_dist`` with
  :meth:`~tradesim.distributions.Distribution.frozen`; a ``choice`` becomes a
  ``CategoricalParameter``), declared levers (``levers:`` of a sweep file,
  see :mod:`tradesim.robust`) become ``CategoricalParameter`` levers, and
  outcome probabilities, milestone shares and median weeks become
  ``ScalarOutcome`` objects, milestone curves and series means
  ``TimeSeriesOutcome`` objects.  EMA names must be Python identifiers, so a
  parameter path ``actors.us.strategy.forgiveness`` is named
  ``actors__us__strategy__forgiveness`` (:func:`ema_name`; the map back is
  :attr:`TradesimFunction.paths`).
- **Seeding.**  ``seeding="common"`` (common random numbers, the default)
  runs every experiment with the same master seed, so experiments differ
  only by their inputs; ``seeding="experiment"`` adds an integer
  uncertainty ``tradesim_seed`` that EMA samples like any other, so every
  experiment has its own seed, recorded in EMA's experiments table.
- :func:`to_ema` turns a finished sweep (``sweep.nc``) into EMA's
  ``(experiments, outcomes)``, ready for ``ema_workbench.analysis.prim``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd
    import xarray as xr

    from .scenario import Scenario

__all__ = ["SEEDING", "TradesimFunction", "build_model", "ema_name", "require", "to_ema"]

#: Seeding policies of :func:`build_model`.
SEEDING = ("common", "experiment")
#: Name of the seed uncertainty with ``seeding="experiment"``.
SEED_NAME = "tradesim_seed"


def require() -> Any:
    """Import ema_workbench, or say which extra installs it.

    Raises
    ------
    ImportError
        Without the ``ema`` extra.
    """
    try:
        import ema_workbench
    except ImportError:
        raise ImportError("tradesim.ema needs the optional 'ema' extra: "
                          "pip install -e '.[ema]' (ema-workbench, SALib)") from None
    return ema_workbench


def ema_name(path: str) -> str:
    """An identifier-safe EMA name for a parameter path or series id.

    Dots become double underscores, any other character that is not a
    letter, digit or underscore becomes one underscore.

    Examples
    --------
    >>> ema_name("actors.us.strategy.forgiveness")
    'actors__us__strategy__forgiveness'
    """
    name = re.sub(r"[^0-9A-Za-z_]", "_", path.replace(".", "__"))
    return name if name and not name[0].isdigit() else f"p_{name}"


class TradesimFunction:
    """The function an EMA ``Model`` calls: one tradesim ensemble per experiment.

    Picklable, so EMA's multiprocessing evaluators can run it.

    Parameters
    ----------
    scenario : Scenario
    paths : dict
        EMA name -> parameter path, for uncertainties and levers.
    runs : int
        Replications per experiment.
    seed : int
        Master seed of every experiment (``seeding="common"``).
    """

    def __init__(self, scenario: Scenario, paths: Mapping[str, str], runs: int,
                 seed: int) -> None:
        self.data = scenario.model_dump(mode="json")
        self.source = f"{scenario.name} (EMA experiment)"
        self.paths = dict(paths)
        self.runs = int(runs)
        self.seed = int(seed)

    def __call__(self, **inputs: Any) -> dict[str, Any]:
        import copy

        import numpy as np

        from .ensemble import run
        from .paths import set_path, settable_paths
        from .scenario import validate_scenario
        from .vocab import MILESTONES, OUTCOMES

        seed = int(inputs.pop(SEED_NAME, self.seed))
        data = copy.deepcopy(self.data)
        allowed = settable_paths(data)
        # A strategy name first: it drops parameters the new strategy does not take.
        names = sorted(inputs, key=lambda n: not self.paths.get(n, "").endswith("strategy.name"))
        for name in names:
            if name in self.paths:
                value = inputs[name]
                set_path(data, self.paths[name], value.item() if hasattr(value, "item")
                         else value, allowed)
        scenario = validate_scenario(data, source=self.source)
        results = run(scenario, runs=self.runs, seed=seed, workers=1, keep_trajectories=0,
                      progress=False)
        summary = results.summary()
        out: dict[str, Any] = {}
        for name in OUTCOMES:
            out[f"p_{name}"] = float(summary.outcomes.loc[name, "probability"])
        for name in MILESTONES:
            curve = summary.milestones[name].to_numpy()
            week = summary.median_weeks[name]
            out[f"reached_{name}"] = float(curve[-1])
            out[f"median_week_{name}"] = np.nan if week is None else float(week)
            out[f"cdf_{name}"] = curve
        for name in results.series_names:
            out[f"mean_{ema_name(name)}"] = summary.series[name]["mean"].to_numpy()
        return out


def _outcome_names(scenario: Scenario) -> tuple[list[str], list[str]]:
    from .model import TradeModel
    from .vocab import MILESTONES, OUTCOMES

    scalars = [f"p_{n}" for n in OUTCOMES]
    scalars += [f"{kind}_{n}" for n in MILESTONES for kind in ("reached", "median_week")]
    series = [f"cdf_{n}" for n in MILESTONES]
    series += [f"mean_{ema_name(n)}" for n in TradeModel.series_names_for(scenario)]
    return scalars, series


def build_model(scenario: Scenario, *, runs: int = 200, seed: int = 0,
                seeding: str = "common", levers: Mapping[str, Any] | None = None,
                name: str | None = None, outcomes: Sequence[str] | None = None) -> Any:
    """An ``ema_workbench.Model`` of a scenario.

    Parameters
    ----------
    scenario : Scenario
    runs : int
        Replications per experiment (each experiment is one ensemble).
    seed : int
        Master seed with ``seeding="common"``.
    seeding : {"common", "experiment"}
        Common random numbers (every experiment uses ``seed``), or a seed
        per experiment sampled by EMA as the uncertainty ``tradesim_seed``.
    levers : mapping, optional
        Lever name -> ``Lever`` (``read_sweep(...).spec.levers``) or a
        mapping with ``path`` and ``choices``.
    name : str, optional
        The model's name (letters and digits; default the scenario's name
        without other characters).
    outcomes : sequence of str, optional
        Only these outcome names (default all: ``p_<outcome>``,
        ``reached_<milestone>``, ``median_week_<milestone>`` as scalars,
        ``cdf_<milestone>`` and ``mean_<series>`` as time series).

    Returns
    -------
    ema_workbench.Model
        With ``uncertainties``, ``levers``, ``outcomes`` and ``constants``
        set; ``model.function.paths`` maps EMA names to parameter paths.

    Raises
    ------
    ValueError
        For an unknown seeding policy, lever path or outcome name.
    ImportError
        Without the ``ema`` extra.
    """
    ema = require()
    from .paths import settable_paths

    if seeding not in SEEDING:
        raise ValueError(f"seeding must be one of {', '.join(SEEDING)}, got {seeding!r}")
    paths: dict[str, str] = {}
    uncertainties = []
    for path, dist in scenario.uncertain_parameters().items():
        key = ema_name(path)
        paths[key] = path
        if dist.dist == "choice":
            uncertainties.append(ema.CategoricalParameter(key, list(dict.fromkeys(dist.values))))
        else:
            uncertainties.append(ema.RealParameter.from_dist(key, dist.frozen()))
    if seeding == "experiment":
        uncertainties.append(ema.IntegerParameter(SEED_NAME, 0, 2**31 - 1))
    allowed = set(settable_paths(scenario.model_dump(mode="json")))
    lever_params = []
    for lever_name, lever in (levers or {}).items():
        path = lever["path"] if isinstance(lever, Mapping) else lever.path
        choices = lever["choices"] if isinstance(lever, Mapping) else lever.choices
        if path not in allowed:
            from .errors import suggest

            raise ValueError(f"lever {lever_name!r}: unknown parameter path {path!r}"
                             f"{suggest(path, sorted(allowed))}")
        key = ema_name(lever_name)
        paths[key] = path
        lever_params.append(ema.CategoricalParameter(key, list(choices)))
    scalars, series = _outcome_names(scenario)
    if outcomes is not None:
        unknown = [o for o in outcomes if o not in scalars + series]
        if unknown:
            raise ValueError(f"unknown outcome {unknown[0]!r} (known: {', '.join(scalars)}, "
                             "cdf_<milestone>, mean_<series>)")
        scalars = [o for o in scalars if o in outcomes]
        series = [o for o in series if o in outcomes]
    function = TradesimFunction(scenario, paths, runs, seed)
    # EMA wants an alphanumeric model name.
    model = ema.Model(name or re.sub(r"[^0-9A-Za-z]", "", scenario.name) or "tradesim",
                      function=function)
    model.uncertainties = uncertainties
    model.levers = lever_params
    model.outcomes = [*(ema.ScalarOutcome(o) for o in scalars),
                      *(ema.TimeSeriesOutcome(o) for o in series)]
    return model


def to_ema(sweep: xr.Dataset) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """A finished sweep (``sweep.nc``) as EMA's ``(experiments, outcomes)``.

    Parameters
    ----------
    sweep : xarray.Dataset
        As returned by :func:`tradesim.sweep.run_sweep` or read from
        ``sweep.nc``.

    Returns
    -------
    experiments : DataFrame
        One row per sweep point, one column per swept parameter (EMA names;
        ``experiments.attrs["paths"]`` maps them to parameter paths).
    outcomes : dict
        ``p_<outcome>`` and ``median_week_<milestone>`` of shape (points,),
        ``cdf_<milestone>`` and ``mean_<series>`` of shape (points, weeks).

    Examples
    --------
    >>> from tradesim.ema import to_ema  # doctest: +SKIP
    >>> experiments, outcomes = to_ema(xr.open_dataset("out/sweep.nc"))  # doctest: +SKIP
    """
    import json

    import numpy as np
    import pandas as pd

    paths = json.loads(sweep.attrs["swept"])
    dims = [d for d in sweep["probability"].dims if d != "outcome"]
    keep = ["probability", "median_week", "milestone_cdf"]
    if "series_stats" in sweep and sweep.sizes.get("series", 0):
        keep.append("series_stats")
    ds = sweep[keep].stack(experiment=dims)
    columns = {ema_name(p): np.asarray(ds[p].broadcast_like(ds["probability"]
                                                            .isel(outcome=0)).values)
               for p in paths}
    experiments = pd.DataFrame(columns)
    experiments.attrs["paths"] = {ema_name(p): p for p in paths}
    outcomes: dict[str, np.ndarray] = {}
    prob = ds["probability"].transpose("experiment", "outcome")
    for k, name in enumerate(ds["outcome"].values):
        outcomes[f"p_{name}"] = prob.values[:, k]
    median = ds["median_week"].transpose("experiment", "milestone")
    cdf = ds["milestone_cdf"].transpose("experiment", "milestone", "week")
    for k, name in enumerate(ds["milestone"].values):
        outcomes[f"median_week_{name}"] = median.values[:, k]
        outcomes[f"cdf_{name}"] = cdf.values[:, k, :]
    if "series_stats" in ds and ds.sizes.get("series", 0):
        mean = ds["series_stats"].sel(stat="mean").transpose("experiment", "series", "week")
        for k, name in enumerate(ds["series"].values):
            outcomes[f"mean_{ema_name(str(name))}"] = mean.values[:, k, :]
    return experiments, outcomes
