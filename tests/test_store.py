"""The result store: atomic writes, the results.nc layout, save and load round trips."""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr

import tradesim
from tradesim import io, store
from tradesim.store import (
    METADATA_FILE,
    RESULTS_FILE,
    atomic_write,
    load_results,
    save_results,
    scenario_hash,
    write_text,
)


@pytest.fixture(scope="module")
def short(london_data):
    data = tradesim.io.merge(london_data, {"horizon_weeks": 30})
    return tradesim.validate_scenario(data)


def summary_json(results) -> str:
    return json.dumps(results.summary().to_dict(), sort_keys=True)


def test_save_and_load_give_the_same_summary(short, tmp_path):
    results = tradesim.run(short, 250, seed=6)
    save_results(results, tmp_path / "out")
    assert not list((tmp_path / "out").glob("*.tmp"))
    again = load_results(tmp_path / "out")
    assert summary_json(again) == summary_json(results)
    assert again.replications().equals(results.replications())
    meta = json.loads((tmp_path / "out" / "metadata.json").read_text())
    assert meta["seed"] == "6" and meta["runs"] == 250 and len(meta["scenario_sha256"]) == 64
    assert meta["scenario_sha256"] == scenario_hash(short)
    assert set(meta["versions"]) >= {"tradesim", "numpy", "mesa"}


def test_loading_an_incomplete_folder_is_a_clear_error(tmp_path):
    with pytest.raises(tradesim.ScenarioError, match="no complete tradesim results"):
        load_results(tmp_path)


@pytest.mark.parametrize("keep", [None, 0, 7])
def test_the_round_trip_is_exact_with_or_without_trajectories(short, tmp_path, keep):
    results = tradesim.run(short, 90, seed=2, keep_trajectories=keep)
    again = load_results(save_results(results, tmp_path / "out"))
    for name in ("outcome", "breakdowns", "truces", "histogram", "sums", "phase_counts",
                 "action_counts"):
        ours, theirs = getattr(again, name), getattr(results, name)
        assert ours.dtype == theirs.dtype and np.array_equal(ours, theirs), name
    assert again.series_names == results.series_names
    assert list(again.parameters) == list(results.parameters)
    if results.trajectories is None:
        assert again.trajectories is None
    else:
        for name, values in results.trajectories.items():
            assert again.trajectories[name].dtype == values.dtype
            assert np.array_equal(again.trajectories[name], values)
    xr.testing.assert_identical(again.to_xarray(), results.to_xarray())


def test_results_nc_is_the_to_xarray_layout(short, tmp_path):
    results = tradesim.run(short, 40, seed=4)
    save_results(results, tmp_path)
    with xr.open_dataset(tmp_path / RESULTS_FILE, engine="h5netcdf") as ds:
        xr.testing.assert_identical(ds.load(), results.to_xarray())
    assert tradesim.Results.from_xarray(results.to_xarray(), short).summary().to_dict() \
        == results.summary().to_dict()


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "sub" / "file.txt"

    def fail(tmp):
        tmp.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        atomic_write(target, fail)
    assert list(tmp_path.rglob("*")) == [tmp_path / "sub"]


def test_a_failed_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "file.txt"
    write_text(target, "old")

    def interrupted(tmp):
        tmp.write_text("new")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, interrupted)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["file.txt"]
    write_text(target, "new ü")
    assert target.read_text(encoding="utf-8") == "new ü"


def test_the_old_io_names_are_the_store_s():
    assert io.save_results is store.save_results and io.load_results is store.load_results
    assert (io.RESULTS_FILE, io.METADATA_FILE) == (RESULTS_FILE, METADATA_FILE)
