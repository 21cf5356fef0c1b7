"""Safe loading: scenario and sweep files are data, never code.

- YAML is read with a strict SafeLoader subclass: Python tags are refused with a
  clear error, and nothing they name is ever run or imported;
- the package source has no pickle, eval, exec, unsafe YAML loading or dynamic
  imports (results are saved as netCDF + JSON);
- strategies are named in files, never imported from them: code is registered in
  Python with :func:`tradesim.register`, and no command-line option imports code;
- the Dask LocalCluster a sweep starts listens on 127.0.0.1 only.
"""

from __future__ import annotations

import io
import json
import re
import sys
import tokenize
from pathlib import Path

import pytest
import yaml

import tradesim
from tradesim.cli import build_parser, main
from tradesim.io import read_data
from tradesim.scenario import ScenarioError
from tradesim.store import RESULTS_FILE, load_results, save_results

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "tradesim"
LONDON = ROOT / "scenarios" / "london-2025.yaml"

# ------------------------------------------------------------------- YAML tags

PYTHON_TAGS = [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/new:os.system ['touch {marker}']",
    "!!python/object:pathlib.Path {{}}",
    "!!python/name:os.system",
    "!!python/module:os",
    "!!python/tuple [1, 2]",
    "!<tag:yaml.org,2002:python/object/apply:os.system> ['touch {marker}']",
]


@pytest.mark.parametrize("tag", PYTHON_TAGS)
def test_python_tags_are_refused_and_never_run(tmp_path, tag, capsys):
    marker = tmp_path / "ran"
    path = tmp_path / "evil.yaml"
    path.write_text(f"name: mini\nhorizon_weeks: {tag.format(marker=marker)}\n")
    with pytest.raises(ScenarioError) as info:
        read_data(path)
    message = str(info.value)
    assert message.startswith(f"{path}: YAML error at line 2")
    assert "could not determine a constructor for the tag" in message
    assert "python/" in message
    assert main(["validate", str(path)]) == 2
    assert "could not determine a constructor" in capsys.readouterr().err
    assert not marker.exists()


def test_the_loader_is_a_safe_loader():
    from tradesim.io import _StrictLoader

    assert issubclass(_StrictLoader, yaml.SafeLoader)
    assert not issubclass(_StrictLoader, yaml.FullLoader | yaml.UnsafeLoader)
    # Python tags are not among the constructors it knows.
    assert not any("python" in str(tag) for tag in _StrictLoader.yaml_constructors)
    assert not any("python" in str(tag) for tag in _StrictLoader.yaml_multi_constructors)


def test_sweep_files_use_the_same_safe_reading(tmp_path, capsys):
    marker = tmp_path / "ran"
    path = tmp_path / "evil-sweep.yaml"
    path.write_text(f"name: s\nbase: !!python/object/apply:os.system ['touch {marker}']\n"
                    "runs: 1\nseed: 1\n")
    assert main(["sweep", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: YAML error") and "python/object/apply" in err
    assert not marker.exists()


# --------------------------------------------------------- source: no code from data

#: Patterns that would let data run code or would unpickle, in code (not docstrings).
FORBIDDEN = {
    "pickle": re.compile(r"\b(c?[pP]ickle|cloudpickle|dill|marshal|shelve)\b"),
    "eval/exec": re.compile(r"(?<![\w.])(eval|exec)\s*\("),
    "compile": re.compile(r"(?<![\w.])compile\s*\("),
    "dynamic import": re.compile(r"\b(__import__|import_module|load_module|exec_module)\b"),
    "unsafe yaml": re.compile(r"yaml\s*\.\s*(unsafe_load|full_load|load_all|unsafe_load_all|"
                              r"Loader|FullLoader|UnsafeLoader|UnsafeConstructor)\b"),
    "yaml.load without the strict loader": re.compile(
        r"yaml\s*\.\s*load\s*\((?![^)]*Loader\s*=\s*_StrictLoader)"),
    "numpy pickles": re.compile(r"allow_pickle\s*=\s*True"),
    "shell": re.compile(r"\bos\s*\.\s*(system|popen)\b|shell\s*=\s*True"),
}
#: (file, pattern name) pairs that are allowed, each with the reason.
ALLOWED: dict[tuple[str, str], str] = {
    ("__init__.py", "dynamic import"): "lazy public names: the module names come from the "
                                       "fixed tables _LAZY and _SUBMODULES, never from data",
    ("_mesa.py", "dynamic import"): "runs Mesa's own package __init__, found by the fixed "
                                    "name 'mesa', on first use; never a name from data",
}


def _code_lines(source: str) -> dict[int, str]:
    """Each line's code with strings and comments removed (docstrings may mention pickle)."""
    drop = {tokenize.STRING, tokenize.COMMENT}
    drop |= {getattr(tokenize, n) for n in ("FSTRING_MIDDLE",) if hasattr(tokenize, n)}
    lines: dict[int, list[str]] = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in drop:
            lines.setdefault(token.start[0], []).append(token.string)
    return {n: re.sub(r"\s*\.\s*", ".", " ".join(parts)) for n, parts in lines.items()}


def _scan(source: str) -> list[tuple[int, str]]:
    found = []
    for number, code in _code_lines(source).items():
        for name, pattern in FORBIDDEN.items():
            if pattern.search(code):
                found.append((number, name))
    return found


def test_the_scanner_finds_what_it_looks_for():
    source = ("import pickle\nx = eval('1')\ndata = yaml.load(text)\n"
              "ok = yaml.load(text, Loader=_StrictLoader)\n"
              "m = importlib.import_module(name)\n'''pickle in a docstring'''\n"
              "pattern = re.compile('x')  # eval( in a comment\n")
    assert _scan(source) == [(1, "pickle"), (2, "eval/exec"),
                             (3, "yaml.load without the strict loader"), (5, "dynamic import")]


def test_the_package_runs_no_code_from_data():
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) >= 15
    found = []
    for path in files:
        name = str(path.relative_to(PACKAGE))
        for number, pattern in _scan(path.read_text(encoding="utf-8")):
            if (name, pattern) not in ALLOWED:
                found.append(f"tradesim/{name}:{number}: {pattern}")
    assert not found, "\n".join(found)


def test_results_are_saved_as_netcdf_and_json_and_validated_on_load(tmp_path):
    results = tradesim.run(tradesim.load_scenario(LONDON), runs=20, seed=1)
    out = save_results(results, tmp_path / "out")
    assert (out / RESULTS_FILE).read_bytes()[:8] == b"\x89HDF\r\n\x1a\n"  # netCDF-4 / HDF5
    metadata = json.loads((out / "metadata.json").read_text())
    # Tampered metadata is data too: its scenario is validated, not trusted.
    metadata["scenario"]["actors"]["us"]["strategy"] = {"name": "os.system"}
    (out / "metadata.json").write_text(json.dumps(metadata))
    with pytest.raises(ScenarioError, match=r"unknown strategy 'os\.system'"):
        load_results(out)


# ---------------------------------------------------------------- custom strategies


def test_strategy_names_in_files_never_import_code(tmp_path, monkeypatch, capsys):
    marker = tmp_path / "imported"
    (tmp_path / "evil_strategies.py").write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).write_text('imported')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    text = LONDON.read_text()
    for name in ("evil_strategies", "evil_strategies:Evil", "evil_strategies.Evil",
                 str(tmp_path / "evil_strategies.py")):
        path = tmp_path / "scenario.yaml"
        path.write_text(text.replace("name: proportional", f"name: {json.dumps(name)}"))
        assert main(["validate", str(path)]) == 2
        assert f"unknown strategy {name!r}" in capsys.readouterr().err
    assert not marker.exists()
    assert "evil_strategies" not in sys.modules


def test_no_command_line_option_imports_code():
    # Strategies are registered in Python (tradesim.register); no option takes a module.
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command").choices
    options = {opt for sub in subparsers.values() for action in sub._actions
               for opt in action.option_strings}
    assert not options & {"--strategies", "--plugin", "--plugins", "--module", "--import"}


def test_registration_is_explicit_in_python():
    import dataclasses

    from tradesim.strategies import STRATEGIES, Strategy

    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Stubborn(Strategy):
        """Test strategy: never eases (registered here, in Python, by the user)."""

        name = "stubborn_for_safe_loading_test"

        def cooperate(self, my_last, their_last, state, u):
            return my_last & False

    assert Stubborn.name not in STRATEGIES
    try:
        assert tradesim.register(Stubborn) is Stubborn
        assert STRATEGIES[Stubborn.name] is Stubborn
    finally:
        STRATEGIES.pop(Stubborn.name, None)


# ---------------------------------------------------------------------------- Dask


def test_the_dask_local_cluster_listens_on_loopback_only(tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    from tradesim.sweep import read_sweep, run_sweep

    seen: dict[str, object] = {}

    class Recording(distributed.LocalCluster):
        def close(self, *args, **kwargs):
            seen["scheduler"] = self.scheduler_address
            seen["workers"] = list(self.scheduler_info.get("workers", {}))
            # Every socket the scheduler's HTTP (dashboard) server is bound to, if any.
            http = getattr(self.scheduler, "http_server", None)
            seen["http"] = [s.getsockname()[0] for s in getattr(http, "_sockets", {}).values()]
            return super().close(*args, **kwargs)

    monkeypatch.setattr(distributed, "LocalCluster", Recording)
    sweep = read_sweep({"name": "loopback", "base": str(LONDON),
                        "scenario": {"horizon_weeks": 8}, "runs": 5, "seed": 1,
                        "grid": {"monitoring.us.drift_sd": [0.05, 0.1]}})
    ds = run_sweep(sweep, executor="dask", workers=1, progress=False)
    assert bool(ds["finished"].all())
    assert str(seen["scheduler"]).startswith("tcp://127.0.0.1:")
    assert seen["workers"] and all(str(w).startswith("tcp://127.0.0.1:")
                                   for w in seen["workers"])
    assert all(host == "127.0.0.1" for host in seen["http"]), seen["http"]
