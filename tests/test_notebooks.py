"""The notebooks run top to bottom, as a reader would run them, and are stored clean."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: Most seconds any one cell may take (the slowest takes a few).
CELL_TIMEOUT = 300


def test_there_are_notebooks():
    names = [p.name for p in NOTEBOOKS]
    for expected in ("01-quickstart.ipynb", "02-compare-scenarios.ipynb",
                     "03-sweeps-and-sensitivity.ipynb", "04-custom-strategy.ipynb"):
        assert expected in names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a cell has outputs (strip them)"
            assert cell.execution_count is None, f"{path.name}: execution counts left"


@pytest.fixture(scope="module")
def kernel_name(tmp_path_factory):
    """A kernel spec for the Python running the tests, found before any other.

    A machine may have a ``python3`` kernel spec pointing at another interpreter
    (without tradesim); ``$JUPYTER_PATH`` is searched first.
    """
    folder = tmp_path_factory.mktemp("jupyter")
    spec = folder / "kernels" / "tradesim-tests"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "tradesim tests", "language": "python",
    }), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", str(folder))
        yield "tradesim-tests"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, kernel_name):
    nb = nbformat.read(path, as_version=4)
    # Run in the notebook's own folder, as Jupyter does.
    client = nbclient.NotebookClient(
        nb, timeout=CELL_TIMEOUT, kernel_name=kernel_name, allow_errors=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    errors = [o for o in outputs if o.output_type == "error"]
    assert not errors, errors
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert images, f"{path.name} drew no figure"
    stderr = "".join(o.get("text", "") for o in outputs
                     if o.output_type == "stream" and o.get("name") == "stderr")
    assert "IProgress not found" not in stderr, f"{path.name}: tqdm warns about ipywidgets"
    # No flood of text progress bars (each update of a text bar is a carriage return).
    assert stderr.count("\r") <= 5 and len(stderr) < 2000, f"{path.name} stderr: {stderr[:500]}"


def _code(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return [cell.source for cell in nb.cells if cell.cell_type == "code"]


def test_the_quickstart_explorer_cell_degrades_without_the_explore_extra(monkeypatch, capsys):
    """Without Solara the last cell prints what to install instead of failing "Run all"."""
    last = _code(ROOT / "notebooks" / "01-quickstart.ipynb")[-1]
    monkeypatch.setitem(sys.modules, "solara", None)  # import solara raises ImportError
    monkeypatch.delitem(sys.modules, "tradesim.explore", raising=False)
    import tradesim

    # An earlier import (e.g. by tests/test_explore.py) leaves the submodule as an attribute.
    monkeypatch.delattr(tradesim, "explore", raising=False)
    shown: list[object] = []
    exec(compile(last, "01-quickstart-last-cell", "exec"),
         {"scenario": object(), "display": shown.append})
    out = capsys.readouterr().out
    assert out.startswith("Skipped: tradesim.explore needs Solara")
    assert "pip install 'tradesim-policy[explore]'" in out
    assert shown == []


def test_notebook_03_turns_sweep_progress_bars_off():
    calls = [line for source in _code(ROOT / "notebooks" / "03-sweeps-and-sensitivity.ipynb")
             for line in source.splitlines() if "run_sweep(" in line and "import" not in line]
    assert calls and all("progress=False" in line for line in calls)


def test_progress_bars_never_warn_about_ipywidgets(monkeypatch, recwarn):
    """Without ipywidgets in a kernel, a text bar, quietly (tqdm.auto would warn)."""
    import importlib.util

    from tradesim import ensemble

    real = importlib.util.find_spec
    monkeypatch.setitem(sys.modules, "ipykernel", sys.modules.get("ipykernel") or object())
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "ipywidgets" else real(name, *a))
    from tqdm.std import tqdm

    assert ensemble.progress_class() is tqdm
    ensemble._progress_bar(10, "x", True).close()
    assert not [w for w in recwarn if "IProgress" in str(w.message)]


def test_the_notebook_extra_and_the_readme_line():
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]
    names = {d.split(">")[0].split("[")[0] for d in extras["notebook"]}
    assert {"ipykernel", "ipywidgets"} <= names
    assert "ipywidgets" in " ".join(extras["test"])  # CI runs the notebooks with them
    readme = (ROOT / "README.md").read_text()
    assert 'pip install -e ".[notebook]"' in readme
    assert "python -m ipykernel install --user --name tradesim" in readme
