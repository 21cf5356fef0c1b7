"""One ensemble on any executor, Dask included, is byte-identical to a local run."""

from __future__ import annotations

import numpy as np
import pytest

import tradesim
from tradesim import cli
from tradesim.executors import make_executor

distributed = pytest.importorskip("distributed")

SCENARIO = "scenarios/london-2025.yaml"


def _same(a: tradesim.Results, b: tradesim.Results) -> None:
    da, db = a.to_xarray(), b.to_xarray()
    for name in da.data_vars:
        assert da[name].values.tobytes() == db[name].values.tobytes(), name
    assert a.summary().to_dict() == b.summary().to_dict()


@pytest.fixture(scope="module")
def scenario() -> tradesim.Scenario:
    return tradesim.load_scenario(SCENARIO)


@pytest.fixture(scope="module")
def local(scenario) -> tradesim.Results:
    return tradesim.run(scenario, runs=300, seed=5, chunk_size=100)


def test_dask_local_cluster_is_byte_identical(scenario, local) -> None:
    on_dask = tradesim.run(scenario, runs=300, seed=5, chunk_size=64, workers=2,
                           executor="dask")
    _same(local, on_dask)


def test_a_running_scheduler_by_address_and_a_client(scenario, local) -> None:
    # In-process (inproc:// transport, no sockets): a "running cluster" named by address.
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        by_address = tradesim.run(scenario, runs=300, seed=5, chunk_size=50,
                                  executor="dask", scheduler=cluster.scheduler_address)
        _same(local, by_address)
        with distributed.Client(cluster) as client, make_executor("dask",
                                                                  scheduler=client) as pool:
            _same(local, tradesim.run(scenario, runs=300, seed=5, chunk_size=100,
                                      executor=pool))


def test_serial_executor_and_bad_executor(scenario, local) -> None:
    _same(local, tradesim.run(scenario, runs=300, seed=5, chunk_size=30, executor="serial"))
    with pytest.raises(ValueError, match=r"unknown executor 'daks'.*dask"):
        tradesim.run(scenario, runs=10, seed=1, executor="daks")
    with pytest.raises(ValueError, match="scheduler"):
        tradesim.run(scenario, runs=10, seed=1, executor="serial", scheduler="tcp://x:1")


def test_cli_run_on_dask_matches_local(capsys) -> None:
    argv = ["run", SCENARIO, "--runs", "200", "--seed", "9", "--format", "json"]
    assert cli.main(argv) == 0
    local = capsys.readouterr().out
    assert cli.main([*argv, "--executor", "dask", "--workers", "2", "--chunk-size", "50"]) == 0
    assert capsys.readouterr().out == local
    assert cli.main([*argv, "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "--scheduler needs --executor dask" in capsys.readouterr().err


def test_parameters_identical(scenario, local) -> None:
    again = tradesim.run(scenario, runs=300, seed=5, chunk_size=300, executor="serial")
    for path, values in local.parameters.items():
        np.testing.assert_array_equal(values, again.parameters[path])


def test_cli_run_on_dask_without_the_extra_is_a_clear_error(monkeypatch, capsys) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)
    argv = ["run", SCENARIO, "--runs", "10", "--seed", "1", "--executor", "dask"]
    assert cli.main(argv) == 2
    assert "tradesim-policy[dask]" in capsys.readouterr().err
