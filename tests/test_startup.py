"""Fast start: ``import tradesim`` and the command line load heavy packages only when used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("mesa", "scipy", "xarray", "matplotlib", "pandas")


#: What neither a `tradesim run` without --out nor a sweep worker needs: Mesa and numba
#: run the model (Mesa brings pandas, parts of scipy and networkx; London's triangular
#: and beta parameters bring scipy.special, not scipy.stats), but nothing is plotted,
#: stored as xarray or sent to Dask.
NOT_FOR_RUNNING = ("xarray", "matplotlib", "distributed", "dask", "netCDF4", "h5netcdf", "zarr",
                   "jinja2", "tqdm.notebook", "plotly", "solara", "scipy.stats")


def _loaded_after(code: str, names: tuple[str, ...] = HEAVY) -> list[str]:
    """Which of ``names`` are in ``sys.modules`` after running ``code`` in a fresh Python."""
    probe = (f"import sys\n{code}\nimport json\n"
             f"print(json.dumps(sorted(m for m in {names!r} if m in sys.modules)))")
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         env=env, cwd=ROOT, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_tradesim_loads_no_heavy_package() -> None:
    assert _loaded_after("import tradesim") == []


def test_public_names_still_work_and_are_listed() -> None:
    import tradesim

    for name in tradesim.__all__:
        assert name in dir(tradesim)
        assert getattr(tradesim, name) is not None
    assert callable(tradesim.run) and callable(tradesim.load_scenario)
    assert tradesim.TradeModel.__name__ == "TradeModel"
    assert tradesim.store.__name__ == "tradesim.store"  # submodules load on first access
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        _ = tradesim.nonsense


def test_cli_help_and_validate_load_no_simulation_packages() -> None:
    help_ = "from tradesim import cli\ntry:\n    cli.main(['--help'])\nexcept SystemExit:\n    pass"
    assert _loaded_after(help_) == []
    validate = ("from tradesim import cli\n"
                "assert cli.main(['validate', 'scenarios/london-2025.yaml']) == 0")
    assert _loaded_after(validate) == []


def test_scenario_loading_needs_no_scipy() -> None:
    # Distributions import scipy only when they compute a quantile.
    code = "import tradesim\ns = tradesim.load_scenario('scenarios/london-2025.yaml')"
    assert "scipy" not in _loaded_after(code)


def test_cli_run_imports_only_what_running_needs() -> None:
    run = ("from tradesim import cli\n"
           "assert cli.main(['run', 'scenarios/london-2025.yaml', '--runs', '20', '--seed', '1',"
           " '--format', 'json']) == 0")
    assert _loaded_after(run, NOT_FOR_RUNNING) == []
    assert _loaded_after(run, ("mesa", "numba")) == ["mesa", "numba"]  # the model, on Mesa


def test_sweep_worker_task_imports_only_what_running_needs() -> None:
    # What a process-pool worker imports for its tasks (the task function's module).
    task = ("from tradesim.executors import init_worker\ninit_worker()\n"
            "from tradesim.sweep.run import _compute_and_write")
    assert _loaded_after(task, NOT_FOR_RUNNING) == []


def test_model_imports_mesa_without_its_data_collector_and_keeps_mesa_whole() -> None:
    """Workers import the model without Mesa's ``__init__``; ``import mesa`` afterwards works.

    The heavy modules a worker loads are exactly those Mesa's own ``model`` and
    ``agent`` modules import: none with Mesa 3.3 (Python 3.11); Mesa 3.5's
    ``mesa.model`` imports its experimental data registry, and with it pandas.
    """
    import subprocess
    import sys

    heavy = ("import sys, {}\n"
             "print(sorted({{'pandas', 'scipy.spatial', 'networkx'}} & set(sys.modules)))")
    loaded = [subprocess.run([sys.executable, "-c", heavy.format(module)], capture_output=True,
                             text=True, check=True).stdout
              for module in ("tradesim._mesa", "tradesim.ensemble")]
    assert loaded[1] == loaded[0]
    assert "networkx" not in loaded[1]  # Mesa's spaces and networks are never imported
    code = (
        "import tradesim.ensemble\n"
        "import mesa, tradesim.model\n"
        "assert mesa.Model is tradesim.model.TradeModel.__mro__[1]\n"
        "from mesa import DataCollector\n"
        "assert mesa.__version__ and DataCollector\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
