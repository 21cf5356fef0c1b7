"""Self-describing results: a results.nc opened with plain xarray names and units everything."""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr

import tradesim
from tradesim import cf, store

VERSION_KEYS = ("python", "tradesim", "numpy", "scipy", "pandas", "xarray", "mesa")


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory):
    scenario = tradesim.load_scenario("scenarios/london-2025.yaml")
    results = tradesim.run(scenario, runs=30, seed=3)
    folder = tmp_path_factory.mktemp("results")
    store.save_results(results, folder)
    return results, folder


def test_plain_xarray_shows_units_and_long_name_on_every_variable(saved) -> None:
    results, folder = saved
    with xr.open_dataset(folder / "results.nc") as ds:
        missing = [v for v in ds.data_vars
                   if not ds[v].attrs.get("units") or not ds[v].attrs.get("long_name")]
        assert missing == []
        assert ds.attrs["Conventions"] == "CF-1.10"
        for key in VERSION_KEYS:
            assert ds.attrs[f"{key}_version"]
        assert ds.attrs["tradesim_version"] == tradesim.__version__
        # a calendar time coordinate beside the week index
        assert np.issubdtype(ds["time"].dtype, np.datetime64)
        assert ds["time"].dims == ("week",)
        assert str(ds["time"].values[0])[:10] == results.scenario.start_date.isoformat()
        assert ds["week"].attrs["units"] == "weeks"
        # parameters are named by their paths, with units from the schema
        for path in results.parameters:
            assert ds[path].attrs["tradesim_role"] == "parameter"
            assert not any(str(v).startswith("param:") for v in ds.data_vars)
        assert ds["approval.us.weekly_hazard"].attrs["units"] == "week-1"
        assert ds["actors.china.instruments.magnets.lag_weeks"].attrs["units"] == "weeks"
        assert ds["approved_week"].attrs["units"] == "weeks"


def test_saved_results_round_trip_and_metadata_versions(saved) -> None:
    results, folder = saved
    again = store.load_results(folder)
    assert list(again.parameters) == list(results.parameters)
    for path, values in results.parameters.items():
        np.testing.assert_array_equal(again.parameters[path], values)
    assert again.summary().to_dict() == results.summary().to_dict()
    meta = json.loads((folder / "metadata.json").read_text())
    assert set(VERSION_KEYS) <= set(meta["versions"])


def test_old_files_with_param_prefix_still_load(saved) -> None:
    results, _ = saved
    ds = results.to_xarray()
    old = ds.rename({p: f"param:{p}" for p in results.parameters})
    for p in results.parameters:
        old[f"param:{p}"].attrs.clear()
    rebuilt = tradesim.Results.from_xarray(old, results.scenario)
    assert list(rebuilt.parameters) == list(results.parameters)


@pytest.mark.parametrize(("path", "units"), [
    ("approval.china.weekly_hazard", "week-1"),
    ("economy.sectors.autos_ev.inventory_weeks", "weeks"),
    ("actors.us.strategy.forgiveness", "1"),
    ("actors.us.instruments.chips.impact", "USD billion year-1"),
])
def test_parameter_units(path: str, units: str) -> None:
    assert cf.parameter_units(path) == units


def test_py_typed_is_shipped() -> None:
    from importlib.resources import files

    assert files("tradesim").joinpath("py.typed").is_file()


def test_sweep_files_are_self_describing_too(tmp_path) -> None:
    from tradesim.sweep import read_sweep, run_sweep

    spec = {"name": "t", "base": "scenarios/london-2025.yaml", "runs": 5, "seed": 1,
            "scenario": {"horizon_weeks": 6}, "series": "none",
            "grid": {"monitoring.us.channels.magnets.noise_sd": [0.05, 0.2]}}
    run_sweep(read_sweep(spec), tmp_path, executor="serial", progress=False)
    with xr.open_dataset(tmp_path / "sweep.nc") as ds:
        assert ds.attrs["Conventions"] == "CF-1.10"
        for key in VERSION_KEYS:
            assert ds.attrs[f"{key}_version"]
        assert ds["median_week"].attrs["units"] == "weeks"
        for name in ("probability", "count", "milestone_cdf", "median_week"):
            assert ds[name].attrs["long_name"] and ds[name].attrs["units"]
