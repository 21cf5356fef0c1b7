"""Self-describing results: CF attributes and provenance for ``Results.to_xarray()``.

:func:`describe` gives every variable and coordinate of a results Dataset
(the layout of ``results.nc``) a ``long_name`` and ``units`` in CF/UDUNITS
spelling (``"1"`` for a dimensionless share, level or count, ``"weeks"``,
``"week-1"`` for a weekly hazard, ``"USD billion year-1"``), a calendar
``time`` coordinate beside the ``week`` index, parameter variables named by
their paths (``actors.us.strategy.forgiveness``), the ``Conventions``
attribute and the versions of the software that made the file
(:func:`versions`).  Files that follow the conventions open with their names
and units in plain xarray, Panoply, ncdump or CDO.

Milestone weeks keep ``-1`` for "not reached" (no ``_FillValue``: readers
would turn the integers into floats); their ``long_name`` says so.
"""

from __future__ import annotations

import platform
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr
    from pydantic import BaseModel

    from .scenario import Scenario

__all__ = ["CONVENTIONS", "PARAMETER_ROLE", "describe", "parameter_units", "versions"]

#: The value of every results file's ``Conventions`` attribute.
CONVENTIONS = "CF-1.10"
#: ``tradesim_role`` attribute of a variable holding a sampled parameter.
PARAMETER_ROLE = "parameter"

_SHARE = "1"

#: Variable -> (long_name, units).  Milestone and parameter variables are added by name.
_VARIABLES: dict[str, tuple[str, str]] = {
    "outcome_code": ("outcome of the replication at the horizon (code; see flag_meanings)",
                     _SHARE),
    "breakdowns": ("number of breakdowns of the framework in the replication", _SHARE),
    "truces": ("number of renewed truces in the replication", _SHARE),
    "outcome_probability": ("share of replications with the outcome", _SHARE),
    "milestone_cdf": ("share of replications that reached the milestone by the week", _SHARE),
    "level_stats": ("restriction level of the instrument (share of the pre-restriction "
                    "flow stopped): mean and quantiles over replications", _SHARE),
    "perceived_stats": ("restriction level as perceived by the partner: mean and "
                        "quantiles over replications", _SHARE),
    "supply_stats": ("supply-flow index of the good (1 = its 2024 average flow): mean and "
                     "quantiles over replications", _SHARE),
    "halted_stats": ("share of the sector's firms halted: mean and quantiles over "
                     "replications", _SHARE),
    "phase_share": ("share of replications in the phase", _SHARE),
    "histogram": ("number of replications by series, week and value bin (exact)", _SHARE),
    "sums": ("sum of the series over replications, in fixed-point units (exact)", _SHARE),
    "phase_counts": ("number of replications in the phase", _SHARE),
    "action_counts": ("number of replications in which the actor took the action", _SHARE),
    "level": ("restriction level of the instrument (share of the pre-restriction flow "
              "stopped), kept replications", _SHARE),
    "perceived": ("restriction level as perceived by the partner, kept replications", _SHARE),
    "supply": ("supply-flow index of the good (1 = its 2024 average flow), kept "
               "replications", _SHARE),
    "halted": ("share of the sector's firms halted, kept replications", _SHARE),
    "pressure": ("industry pressure on the actor's government (0 to 1), kept replications",
                 _SHARE),
    "tariff": ("extra tariff rate on the partner's goods, kept replications", "percent"),
    "opened": ("number of measures held in reserve that the actor has opened, kept "
               "replications", _SHARE),
    "phase_code": ("phase of the framework (code; see flag_meanings), kept replications",
                   _SHARE),
    "action_code": ("action of the actor (code; see flag_meanings), kept replications",
                    _SHARE),
}

_COORDS: dict[str, tuple[str, str | None]] = {
    "replication": ("replication index (its random stream is the i-th spawned from the "
                    "master seed)", None),
    "kept_replication": ("replication index among those with full trajectories (the first "
                         "ones)", None),
    "week": ("weeks since the scenario's start date", "weeks"),
    "instrument": ("export-control instrument, <actor>.<instrument>", None),
    "good": ("traded good", None),
    "sector": ("industry sector", None),
    "actor": ("government", None),
    "outcome": ("outcome at the horizon", None),
    "milestone": ("milestone of the framework", None),
    "stat": ("statistic over replications: mean or quantile", None),
    "phase": ("phase of the framework", None),
    "series": ("weekly series id", None),
    "action": ("action of a government", None),
}


def versions() -> dict[str, str]:
    """Versions of Python, tradesim and the packages that can change results' last bits.

    Returns
    -------
    dict
        ``{"python", "tradesim", "numpy", "scipy", "pandas", "xarray", "mesa"}``
        to version strings (``"not installed"`` for a missing package).
    """
    from importlib.metadata import PackageNotFoundError, version

    from . import __version__

    out = {"python": platform.python_version(), "tradesim": __version__}
    for name, dist in (("numpy", "numpy"), ("scipy", "scipy"), ("pandas", "pandas"),
                       ("xarray", "xarray"), ("mesa", "mesa")):
        try:
            out[name] = version(dist)
        except PackageNotFoundError:  # pragma: no cover - every one is a dependency
            out[name] = "not installed"
    return out


def parameter_units(path: str, description: str = "") -> str:
    """UDUNITS units of a scenario parameter, from its name and field description.

    Parameters
    ----------
    path : str
        Parameter path, e.g. ``actors.china.instruments.magnets.lag_weeks``.
    description : str
        The field's description in the scenario schema, if known.

    Returns
    -------
    str
        ``"weeks"`` (durations and inventory cover), ``"week-1"`` (weekly
        hazards), ``"USD billion year-1"`` (impacts), else ``"1"``
        (levels, shares, probabilities, indices and other dimensionless
        numbers).

    Examples
    --------
    >>> parameter_units("approval.us.weekly_hazard")
    'week-1'
    >>> parameter_units("actors.china.instruments.magnets.lag_weeks")
    'weeks'
    """
    name = path.rsplit(".", 1)[-1]
    text = description.lower()
    if "hazard" in name or text.startswith("chance per week"):
        return "week-1"
    if name.endswith("weeks") or name == "weeks":
        return "weeks"
    if "usd billion a year" in text or name == "impact":
        return "USD billion year-1"
    return _SHARE


def _descriptions(obj: BaseModel, prefix: str = "") -> Iterator[tuple[str, str]]:
    """``(path, field description)`` of a scenario's parameters (as :func:`paths.walk`)."""
    from pydantic import BaseModel

    from .paths import item_key

    fields = type(obj).model_fields
    for name, info in fields.items():
        value = getattr(obj, name)
        path = f"{prefix}{name}"
        if isinstance(value, BaseModel) and not hasattr(value, "ppf"):
            yield from _descriptions(value, path + ".")
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, BaseModel):
                    yield from _descriptions(item, f"{path}.{key}.")
        elif isinstance(value, tuple) and value and isinstance(value[0], BaseModel):
            for item in value:
                yield from _descriptions(item, f"{path}.{item_key(item)}.")
        else:
            yield path, info.description or ""


def describe(ds: xr.Dataset, scenario: Scenario) -> xr.Dataset:
    """Add CF attributes, a ``time`` coordinate and provenance to a results Dataset.

    Parameter variables ``param:<path>`` are renamed ``<path>`` and marked
    with ``tradesim_role = "parameter"``.

    Parameters
    ----------
    ds : xarray.Dataset
        Built by :meth:`tradesim.Results.to_xarray`.
    scenario : Scenario
        The scenario run (for parameter descriptions).

    Returns
    -------
    xarray.Dataset
    """
    from .vocab import MILESTONES

    params = [str(k) for k in ds.data_vars if str(k).startswith("param:")]
    ds = ds.rename({k: k.removeprefix("param:") for k in params})
    described = dict(_descriptions(scenario))
    for key in params:
        path = key.removeprefix("param:")
        text = described.get(path, "")
        long_name = f"sampled scenario parameter {path}" + (f": {text}" if text else "")
        ds[path].attrs.update(long_name=long_name, units=parameter_units(path, text),
                              tradesim_role=PARAMETER_ROLE, path=path)
    for name in MILESTONES:
        var = f"{name}_week"
        if var in ds:
            ds[var].attrs.update(long_name=f"week in which {name.replace('_', ' ')} was first "
                                           "reached, since the start date (-1: not reached)",
                                 units="weeks")
    for var, (long_name, units) in _VARIABLES.items():
        if var in ds:
            ds[var].attrs.setdefault("long_name", long_name)
            ds[var].attrs["units"] = units
    for var in ds.data_vars:  # anything added later still gets a name and units
        ds[var].attrs.setdefault("long_name", str(var).replace("_", " "))
        ds[var].attrs.setdefault("units", _SHARE)
    if "date" in ds.coords:
        ds = ds.assign_coords(time=("week", ds["date"].values))
        ds["time"].attrs.update(standard_name="time", long_name="calendar date of the week",
                                axis="T")
        ds["date"].attrs.update(long_name="calendar date of the week (same as time)")
    for coord, (long_name, units) in _COORDS.items():
        if coord in ds.coords:
            ds[coord].attrs["long_name"] = long_name
            if units is not None:
                ds[coord].attrs["units"] = units
    ds.attrs.pop("units", None)
    ds.attrs.update(
        Conventions=CONVENTIONS,
        title=f"tradesim ensemble of scenario {scenario.name}",
        source=f"tradesim {versions()['tradesim']} (agent-based model on Mesa)",
        **{f"{k}_version": v for k, v in versions().items()},
    )
    return ds
