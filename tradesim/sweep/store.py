"""A sweep's files: one small netCDF file per finished point, and the assembled results.

Under a sweep's output folder, ``points/NNNNNNN.nc`` holds point ``N``'s summary
arrays (written atomically with :func:`tradesim.store.atomic_write`, tagged with the
sweep's hash), ``sweep.json`` and a copy of the sweep file describe the sweep, and
``sweep.nc`` (or ``sweep.zarr``) holds the whole sweep once it is done.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import Problem, ScenarioError
from ..results import QUANTILES
from ..scenario import validate_scenario
from ..store import atomic_write, write_text
from ..vocab import MILESTONES, OUTCOMES, quantile_column
from .designs import as_array
from .spec import Sweep, read_sweep, series_names

__all__ = ["FORMATS", "assemble", "load_points", "load_sweep"]

#: Formats of the assembled results.
FORMATS = ("netcdf", "zarr")

POINTS_DIR = "points"
RESULT_FILES = {"netcdf": "sweep.nc", "zarr": "sweep.zarr"}
META_FILE = "sweep.json"
#: The statistics kept of each series: its mean and quantiles across runs.
STATS = ("mean", *(quantile_column(q) for q in QUANTILES))

#: A point's summary arrays and their dimensions (see :func:`tradesim.sweep.compute_point`).
POINT_DIMS = {
    "probability": ("outcome",), "count": ("outcome",), "ci95_low": ("outcome",),
    "ci95_high": ("outcome",), "median_week": ("milestone",),
    "milestone_cdf": ("week", "milestone"), "series_stats": ("series", "week", "stat"),
}
_ATTRS = {
    "probability": {"long_name": "share of runs ending in the outcome", "units": "1"},
    "count": {"long_name": "number of runs ending in the outcome", "units": "1"},
    "ci95_low": {"long_name": "Wilson 95% interval, low", "units": "1"},
    "ci95_high": {"long_name": "Wilson 95% interval, high", "units": "1"},
    "median_week": {"long_name": "median week the milestone is reached, since the start "
                                 "date (NaN: reached by fewer than half by the horizon)",
                    "units": "weeks"},
    "milestone_cdf": {"long_name": "share of runs that reached the milestone by the week",
                      "units": "1"},
    "series_stats": {"long_name": "mean and quantiles across runs of each weekly series",
                     "units": "1"},
}


def selected_series(names: list[str], series: Any) -> list[str]:
    """The series of ``names`` a sweep's ``series`` field keeps, in ``names`` order."""
    if series == "all":
        return list(names)
    if series == "none":
        return []
    return [n for n in names if n in set(series)]


# ------------------------------------------------------------------------ points


def _point_file(out: Path, index: int) -> Path:
    return out / POINTS_DIR / f"{index:07d}.nc"


def write_point(out: Path, index: int, result: dict[str, np.ndarray], sha: str) -> None:
    """Write point ``index``'s result under ``out/points/`` (atomically), tagged ``sha``."""
    import xarray as xr

    ds = xr.Dataset({k: (POINT_DIMS[k], v) for k, v in result.items()},
                    attrs={"sweep_sha256": sha, "point": index})
    atomic_write(_point_file(out, index), lambda tmp: ds.to_netcdf(tmp, engine="h5netcdf"))


def read_point(path: Path) -> tuple[str, dict[str, np.ndarray]]:
    """A point file's sweep hash and result arrays."""
    import xarray as xr

    with xr.open_dataset(path, engine="h5netcdf") as ds:
        return str(ds.attrs.get("sweep_sha256", "")), {k: ds[k].values for k in POINT_DIMS}


def finished_points(out: Path, sha: str) -> dict[int, Path]:
    """Finished point files of this sweep in ``out``; a foreign one is an error."""
    found: dict[int, Path] = {}
    folder = out / POINTS_DIR
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob("*.nc")):
        if path.name.startswith("."):
            continue
        other, _ = read_point(path)
        if other != sha:
            raise ScenarioError(str(out), [Problem(
                "", f"holds points of a different sweep ({path.name}: sweep {other[:12]}, "
                    f"this sweep {sha[:12]}): choose another output folder")])
        found[int(path.stem)] = path
    return found


def write_sweep_files(out: Path, sweep: Sweep) -> None:
    """Write ``sweep.json`` (hash, size, versions) and a copy of the sweep file to ``out``."""
    meta = {"format": "tradesim-sweep/1", "sweep_sha256": sweep.sha256, "name": sweep.spec.name,
            "points": sweep.n_points, "dims": list(sweep.dims), "versions": _versions()}
    write_text(out / META_FILE, json.dumps(meta, indent=1))
    suffix = Path(sweep.source).suffix if sweep.source != "<dict>" else ".json"
    write_text(out / f"sweep{suffix}", sweep.text)


def _versions() -> dict[str, str]:
    from ..cf import versions

    return versions()


# ------------------------------------------------------------------ the whole sweep


def assemble(sweep: Sweep, results: Mapping[int, dict[str, np.ndarray]]) -> Any:
    """The sweep's Dataset from per-point results (missing points are NaN).

    Parameters
    ----------
    sweep : Sweep
        The sweep the results are of.
    results : mapping
        Point index -> that point's arrays, as :func:`tradesim.sweep.compute_point`
        returns them.  Points not in it are NaN (count 0) and ``finished`` is False
        there.

    Returns
    -------
    xarray.Dataset
        The layout of :func:`tradesim.sweep.run_sweep`'s results.
    """
    import pandas as pd
    import xarray as xr

    n = sweep.n_points
    names = selected_series(series_names(validate_scenario(sweep.base)), sweep.spec.series)
    horizon = int(sweep.base["horizon_weeks"])
    shapes = {"outcome": len(OUTCOMES), "milestone": len(MILESTONES), "week": horizon + 1,
              "series": len(names), "stat": len(STATS)}
    finished = np.zeros(n, dtype=bool)
    finished[[i for i in results if 0 <= i < n]] = True
    data_vars: dict[str, Any] = {}
    for key, dims in POINT_DIMS.items():
        arr = np.full((n, *(shapes[d] for d in dims)),
                      0 if key == "count" else np.nan,
                      dtype=np.int64 if key == "count" else np.float64)
        for i, res in results.items():
            arr[i] = res[key]
        data_vars[key] = (dims, arr)
    data_vars["finished"] = ((), finished)
    coords: dict[str, Any] = {
        "outcome": list(OUTCOMES), "milestone": list(MILESTONES), "week": np.arange(horizon + 1),
        "date": ("week", pd.date_range(sweep.base["start_date"], periods=horizon + 1,
                                       freq="7D").values),
        "series": names, "stat": list(STATS),
    }
    shape, dims = sweep.shape, sweep.dims
    ds_vars = {}
    for key, (vdims, arr) in data_vars.items():
        if key == "finished":
            ds_vars[key] = (dims, arr.reshape(shape))
        else:
            ds_vars[key] = ((*dims, *vdims), arr.reshape(*shape, *arr.shape[1:]),
                            _ATTRS.get(key, {}))
    if sweep.axes:
        for axis in sweep.axes:
            for path, vals in axis.values.items():
                coords[path] = (axis.name, as_array(vals), {"long_name": sweep.label(path)})
    else:
        coords["point"] = np.arange(n)
        for path in sweep.paths:
            coords[path] = ("point", sweep.values[path], {"long_name": sweep.label(path)})
        ds_vars["unit_sample"] = (("point", "parameter"), sweep.unit,
                                  {"long_name": "design point in the unit hypercube"})
        coords["parameter"] = list(sweep.paths)
    attrs = {
        "title": f"tradesim sweep {sweep.spec.name}",
        "name": sweep.spec.name, "description": sweep.spec.description,
        "kind": sweep.kind, "runs": sweep.spec.runs, "seed": str(sweep.spec.seed),
        "sweep_sha256": sweep.sha256, "sweep_file": sweep.text, "sweep_source": sweep.source,
        "swept": json.dumps(list(sweep.paths)), "labels": json.dumps(dict(sweep.spec.labels)),
        "horizon_weeks": horizon, "start_date": str(sweep.base["start_date"]),
        "base_scenario": json.dumps(sweep.base), "versions": json.dumps(_versions()),
        "seeding": "point i: SeedSequence(seed, spawn_key=(i,)); replication r of it: "
                   "spawn_key=(i, r)",
        "Conventions": "CF-1.10",
        **{f"{k}_version": v for k, v in _versions().items()},
    }
    if sweep.spec.design is not None:
        attrs["design"] = sweep.spec.design.model_dump_json()
    return xr.Dataset(ds_vars, coords=coords, attrs=attrs)


def save_sweep(ds: Any, out: Path, fmt: str) -> Path:
    """Write the assembled results to ``out/sweep.nc`` (or ``sweep.zarr``), atomically."""
    target = out / RESULT_FILES[fmt]
    if fmt == "netcdf":
        encoding = {k: {"compression": "gzip", "compression_opts": 4}
                    for k in ds.data_vars if ds[k].ndim}
        atomic_write(target, lambda tmp: ds.to_netcdf(tmp, engine="h5netcdf", encoding=encoding))
        return target
    try:
        import zarr  # noqa: F401
    except ImportError:
        raise ImportError("Zarr output needs the optional 'zarr' extra: "
                          "pip install 'tradesim-policy[zarr]'") from None
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=out))
    try:
        ds.to_zarr(tmp / "store.zarr", mode="w")
        old = None
        if target.exists():
            old = out / f".{target.name}.old"
            shutil.rmtree(old, ignore_errors=True)
            os.replace(target, old)
        os.replace(tmp / "store.zarr", target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def load_sweep(directory: str | Path) -> Any:
    """Load a sweep's results from its output folder.

    A completed sweep is read from ``sweep.nc`` (or ``sweep.zarr``); an
    unfinished one is assembled from its finished points, the others NaN
    (see the ``finished`` variable).

    Parameters
    ----------
    directory : str or Path
        The sweep's output folder.

    Returns
    -------
    xarray.Dataset

    Raises
    ------
    ScenarioError
        If the folder holds no tradesim sweep.
    """
    import xarray as xr

    directory = Path(directory)
    for fmt, name in RESULT_FILES.items():
        path = directory / name
        if path.exists():
            if fmt == "netcdf":
                with xr.open_dataset(path, engine="h5netcdf") as ds:
                    return ds.load()
            return xr.open_zarr(path).load()
    meta_path = directory / META_FILE
    sweep_files = sorted(directory.glob("sweep.*"))
    sweep_file = next((p for p in sweep_files if p.suffix in (".yaml", ".yml", ".toml")), None)
    if not meta_path.is_file() or sweep_file is None:
        raise ScenarioError(str(directory), [Problem("", "no tradesim sweep here (need "
                                                         f"{RESULT_FILES['netcdf']}, or "
                                                         f"{META_FILE} and the sweep file)")])
    raise ScenarioError(str(directory), [Problem(
        "", "the sweep is unfinished: rerun it with --resume to finish it, or read its "
            f"points with tradesim.sweep.load_points({str(directory)!r}, sweep_file)")])


def load_points(directory: str | Path, sweep: Sweep | str | Path) -> Any:
    """Assemble the finished points in ``directory`` of an unfinished sweep.

    Parameters
    ----------
    directory : str or Path
        The sweep's output folder.
    sweep : Sweep, str or Path
        The sweep (see :func:`tradesim.sweep.read_sweep`) or its sweep file.

    Returns
    -------
    xarray.Dataset
        The layout of :func:`tradesim.sweep.run_sweep`'s results; points not yet
        finished are NaN (``finished`` is False there).

    Raises
    ------
    ScenarioError
        If the folder holds points of another sweep.
    """
    if not isinstance(sweep, Sweep):
        sweep = read_sweep(sweep)
    done = finished_points(Path(directory), sweep.sha256)
    return assemble(sweep, {i: read_point(p)[1] for i, p in done.items()})
