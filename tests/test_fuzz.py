"""Fuzzing the front door: malformed scenario and sweep files never crash the CLI.

Well over a thousand malformed files (wrong types, missing and unknown fields,
NaN and infinities, negative lags, probabilities above 1, unknown strategies
and distributions, broken references, empty files, non-UTF-8 bytes, YAML
anchors and aliases, duplicate keys, Python tags, absurd horizons and run
counts...) each give exit code 2 and a message that starts with the file, never
a traceback or a hang.  Most go through :func:`tradesim.cli.main` in-process; a
sample goes through real ``python -m tradesim`` processes.

The cases are generated deterministically from a small valid scenario (and a
small valid sweep), so CI runs the same cases every time.
"""

from __future__ import annotations

import copy
import math
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml

import tradesim
from tradesim import ensemble
from tradesim.cli import main
from tradesim.io import MAX_FILE_BYTES, load_scenario
from tradesim.scenario import MAX_HORIZON_WEEKS
from tradesim.sweep import read_sweep

ROOT = Path(__file__).resolve().parents[1]
LONDON = str(ROOT / "scenarios" / "london-2025.yaml")

#: A small valid scenario: every kind of field, parsed quickly.
MINI: dict[str, Any] = {
    "name": "mini",
    "description": "two instruments, two goods, two sectors",
    "start_date": "2025-06-11",
    "horizon_weeks": 10,
    "actors": {
        "us": {
            "name": "United States",
            "instruments": [{"id": "chips", "level": 0.8, "floor": 0.1, "impact": 10.0,
                             "goods": ["chips"], "sectors": ["ai"], "lag_weeks": 4.0,
                             "source": ["assumption"]}],
            "strategy": {"name": "generous_tit_for_tat", "forgiveness": 0.2},
            "domestic": {"industry_weight": 0.5, "hawkishness": 0.1},
            "retaliation": {"scale": 1.0, "minimum_share": 0.05},
        },
        "china": {
            "name": "China",
            "instruments": [{"id": "magnets",
                             "level": {"dist": "triangular", "low": 0.7, "mode": 0.85,
                                       "high": 0.95},
                             "impact": 25.0, "goods": ["magnets"], "sectors": ["autos"],
                             "lag_weeks": {"dist": "uniform", "low": 6.0, "high": 14.0}}],
            "strategy": {"name": "proportional"},
        },
    },
    "framework": {"name": "f", "commitments": [
        {"actor": "china", "instrument": "magnets", "target": 0.2, "deadline_weeks": 8.0},
        {"actor": "us", "instrument": "chips", "target": 0.5, "deadline_weeks": 2.0},
    ]},
    "approval": {"us": {"weekly_hazard": 0.5, "rejection_hazard": 0.01},
                 "china": {"weekly_hazard": {"dist": "beta", "a": 3.0, "b": 5.0}}},
    "monitoring": {"us": {"channels": {"magnets": {"kind": "customs", "noise_sd": 0.05}},
                          "threshold": 4.0},
                   "china": {"channels": {"chips": {"noise_sd": {
                       "dist": "lognormal", "median": 0.05, "sigma": 0.3}}},
                             "threshold": 3.0}},
    "economy": {
        "truce_hazard": 0.1,
        "goods": [{"id": "magnets", "exporter": "china", "unit": "tonnes",
                   "baseline_flow_per_week": 138.5},
                  {"id": "chips", "exporter": "us"}],
        "sectors": [{"id": "autos", "actor": "us", "inputs": ["magnets"],
                     "inventory_weeks": 4.0, "firms": 5},
                    {"id": "ai", "actor": "china", "inputs": ["chips"],
                     "inventory_weeks": {"dist": "choice", "values": [4.0, 8.0]}}],
    },
}

#: Values that are wrong for (almost) any field; any that happen to be allowed are
#: dropped when the cases are built, by loading each file once.
BAD_VALUES: list[Any] = [
    "abc", "", None, True, [1, 2], {"nested": 1}, float("nan"), float("inf"), float("-inf"),
    -1, -0.5, 1.5, 1e308, 10**30, 0,
]

# ---------------------------------------------------------------- case generation

Case = tuple[str, bytes, str]  # (label, file content, suffix)


def _dump(data: Any) -> bytes:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode()


def _nodes(data: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """Every node below ``data`` with its path of keys and list indices."""
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _nodes(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _nodes(value, (*path, i))


def _set(data: Any, path: tuple, value: Any) -> Any:
    out = copy.deepcopy(data)
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


def _delete(data: Any, path: tuple) -> Any:
    out = copy.deepcopy(data)
    node = out
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return out


def _label(path: tuple) -> str:
    return ".".join(str(k) for k in path) or "<top>"


def data_mutations(base: dict) -> Iterator[tuple[str, Any]]:
    """Structured mutations of ``base``: bad leaves, missing, unknown and swapped fields."""
    nodes = list(_nodes(base))
    for path, value in nodes:
        if not path:
            continue
        if not isinstance(value, dict | list):
            for bad in BAD_VALUES:
                yield f"{_label(path)}={bad!r}", _set(base, path, bad)
        else:
            # A container of the wrong kind, or a scalar where a container belongs.
            for bad in ("text", 3, None, [] if isinstance(value, dict) else {}):
                yield f"{_label(path)}=<{type(bad).__name__}>", _set(base, path, bad)
        if isinstance(path[-1], str):
            yield f"del {_label(path)}", _delete(base, path)
    for path, value in nodes:
        if isinstance(value, dict):
            for extra in ("bogus_field", "levle", "horizon", "Name"):
                yield f"{_label(path)}+{extra}", _set(base, (*path, extra), 1) if path else \
                    {**base, extra: 1}


def semantic_cases(base: dict) -> Iterator[tuple[str, Any]]:
    """Values of the right type that break a rule: ranges, references, names, limits."""
    us = ("actors", "us")
    chips = (*us, "instruments", 0)
    for value in (1.0000001, 2, 100, -0.0001, -1e-300):
        yield f"level={value}", _set(base, (*chips, "level"), value)
        yield f"target={value}", _set(base, ("framework", "commitments", 1, "target"), value)
        yield f"hazard={value}", _set(base, ("approval", "us", "weekly_hazard"), value)
        yield f"tolerance={value}", _set(base, ("monitoring", "us", "withheld_share"), value)
        yield f"forgiveness={value}", _set(base, (*us, "strategy", "forgiveness"), value)
    for value in (-1, -0.001, -1e9, float("-inf")):
        yield f"lag={value}", _set(base, (*chips, "lag_weeks"), value)
        yield f"deadline={value}", _set(base, ("framework", "commitments", 0, "deadline_weeks"),
                                        value)
        yield f"noise={value}", _set(base, ("monitoring", "us", "drift_sd"), value)
        yield f"impact={value}", _set(base, (*chips, "impact"), value)
    for horizon in (0, -5, MAX_HORIZON_WEEKS + 1, 10**6, 10**100, 2**63, 1.5, "52", float("nan")):
        yield f"horizon={horizon!r}", _set(base, ("horizon_weeks",), horizon)
    for firms in (0, -1, 1001, 10**9, 2.5):
        yield f"firms={firms}", _set(base, ("economy", "sectors", 0, "firms"), firms)
    for date in ("2025-02-30", "yesterday", "2025-13-01", 20250611, "", "0000-01-01"):
        yield f"date={date!r}", _set(base, ("start_date",), date)
    for name in ("tit_for_tatt", "tft", "TitForTat", "", "__import__('os')", "os.system",
                 "tradesim.strategies:TitForTat", "eval", 5, None, ["tit_for_tat"]):
        yield f"strategy={name!r}", _set(base, (*us, "strategy"), {"name": name})
    yield "strategy unknown param", _set(base, (*us, "strategy"),
                                         {"name": "tit_for_tat", "forgiveness": 0.2})
    yield "strategy param nan", _set(base, (*us, "strategy", "forgiveness"), float("nan"))
    yield "strategy param dist", _set(base, (*us, "strategy", "forgiveness"),
                                      {"dist": "normal", "mean": 0.2, "sd": 0.1})
    dists = [
        {"dist": "poisson", "lam": 1}, {"dist": "uniform"}, {"dist": "uniform", "low": 0.9,
                                                              "high": 0.1},
        {"dist": "uniform", "low": 0.5, "high": 0.5}, {"dist": "uniform", "low": 0, "high": 2},
        {"dist": "uniform", "low": float("nan"), "high": 1},
        {"dist": "uniform", "low": 0, "high": float("inf")},
        {"dist": "triangular", "low": 0.1, "mode": 0.9, "high": 0.5},
        {"dist": "normal", "mean": 0.5, "sd": 0.1}, {"dist": "normal", "mean": 0.5, "sd": -1},
        {"dist": "truncnormal", "mean": 0.5, "sd": 0.1, "low": -1, "high": 1},
        {"dist": "truncnormal", "mean": 0.5, "sd": 0, "low": 0, "high": 1},
        {"dist": "lognormal", "median": 0.5, "sigma": 0.1},
        {"dist": "lognormal", "median": -1, "sigma": 0.1},
        {"dist": "beta", "a": 0, "b": 1}, {"dist": "beta", "a": 1, "b": 1, "low": 0, "high": 5},
        {"dist": "choice", "values": []}, {"dist": "choice", "values": [0.1, 1.5]},
        {"dist": "choice", "values": [0.1, 0.2], "weights": [1]},
        {"dist": "choice", "values": [0.1, 0.2], "weights": [0, 0]},
        {"dist": "choice", "values": [0.1, 0.2], "weights": [-1, 2]},
        {"dist": "choice", "values": [0.1, float("nan")]},
        {"dist": "uniform", "low": 0.1, "high": 0.2, "extra": 1},
        {"dist": None}, {"dist": 3}, {"dist": ["uniform"]}, {"low": 0.1, "high": 0.2},
    ]
    for i, dist in enumerate(dists):
        yield f"dist[{i}] level", _set(base, (*chips, "level"), dist)
        yield f"dist[{i}] hazard", _set(base, ("approval", "us", "weekly_hazard"), dist)
    refs = {
        "one actor": _delete(base, ("actors", "china")),
        "three actors": _set(base, ("actors", "eu"), copy.deepcopy(base["actors"]["us"])),
        "no actors": _set(base, ("actors",), {}),
        "no instruments": _set(base, (*us, "instruments"), []),
        "no commitments": _set(base, ("framework", "commitments"), []),
        "no goods": _set(base, ("economy", "goods"), []),
        "commitment unknown actor": _set(base, ("framework", "commitments", 0, "actor"), "eu"),
        "commitment unknown instrument": _set(base, ("framework", "commitments", 0,
                                                     "instrument"), "chips"),
        "commitment twice": _set(base, ("framework", "commitments"),
                                 [base["framework"]["commitments"][0]] * 2),
        "target below floor": _set(base, ("framework", "commitments", 1, "target"), 0.05),
        "level below floor": _set(base, (*chips, "level"), 0.05),
        "good unknown": _set(base, (*chips, "goods"), ["gold"]),
        "good of partner": _set(base, (*chips, "goods"), ["magnets"]),
        "sector unknown": _set(base, (*chips, "sectors"), ["mining"]),
        "sector of own side": _set(base, (*chips, "sectors"), ["autos"]),
        "duplicate instrument": _set(base, (*us, "instruments"),
                                     [base["actors"]["us"]["instruments"][0]] * 2),
        "duplicate good": _set(base, ("economy", "goods"), [base["economy"]["goods"][0]] * 2),
        "sector input own good": _set(base, ("economy", "sectors", 0, "inputs"), ["chips"]),
        "sector input unknown": _set(base, ("economy", "sectors", 0, "inputs"), ["gold"]),
        "sector no inputs": _set(base, ("economy", "sectors", 0, "inputs"), []),
        "exporter unknown": _set(base, ("economy", "goods", 0, "exporter"), "eu"),
        "approval unknown actor": _set(base, ("approval", "eu"), {"weekly_hazard": 0.1}),
        "approval missing actor": _delete(base, ("approval", "china")),
        "monitoring missing actor": _delete(base, ("monitoring", "us")),
        "bad id": _set(base, (*chips, "id"), "Chips With Spaces"),
        "long id": _set(base, (*chips, "id"), "x" * 41),
        "long name": _set(base, ("name",), "n" * 10_000),
        "actor id int": {**base, "actors": {1: base["actors"]["us"],
                                            "china": base["actors"]["china"]}},
        "extends int": {**base, "extends": 5},
        "extends missing": {**base, "extends": "nowhere.yaml"},
        "extends txt": {**base, "extends": "README.txt"},
        "extends itself": {**base, "extends": "{self}"},
    }
    yield from refs.items()


def raw_cases() -> Iterator[Case]:
    """Files that are broken as files: encodings, YAML/TOML syntax, tags, bombs, sizes."""
    mini = _dump(MINI)
    yield "empty", b"", ".yaml"
    yield "whitespace", b"  \n\n\t\n", ".yaml"
    yield "comment only", b"# nothing here\n", ".yaml"
    yield "document marker", b"---\n", ".yaml"
    yield "null", b"~\n", ".yaml"
    yield "number", b"42\n", ".yaml"
    yield "string", b"just some text\n", ".yaml"
    yield "list", b"- a\n- b\n", ".yaml"
    yield "two documents", mini + b"---\n" + mini, ".yaml"
    yield "utf-16", "name: mini\n".encode("utf-16"), ".yaml"
    yield "latin-1", b"name: caf\xe9\n" + mini, ".yaml"
    yield "invalid byte", b"\x80\x81\x82", ".yaml"
    yield "truncated utf-8", mini + b"description: \xc3", ".yaml"
    yield "nul byte", b"name: a\x00b\n", ".yaml"
    yield "control char", b"name: a\x07b\n", ".yaml"
    yield "bom then garbage", b"\xef\xbb\xbf\xff", ".yaml"
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi",
                                                                   strict=True))
    yield "billion laughs", laughs.encode(), ".yaml"
    yield "alias", b"x: &v 0.5\nname: *v\n", ".yaml"
    yield "merge key", b"base: &b {level: 0.5}\nother:\n  <<: *b\n", ".yaml"
    yield "self alias", b"&a [*a]\n", ".yaml"
    yield "duplicate top key", mini + b"name: again\n", ".yaml"
    yield "duplicate nested key", b"name: x\nactors:\n  us: {name: a, name: b}\n", ".yaml"
    yield "duplicate after merge", b"a: 1\nb: 2\na: 3\n", ".yaml"
    yield "python object", b"name: !!python/object/apply:os.system ['echo pwned']\n", ".yaml"
    yield "python name", b"name: !!python/name:os.system\n", ".yaml"
    yield "python module", b"!!python/module:os\n", ".yaml"
    yield "python tuple", b"name: !!python/tuple [1, 2]\n", ".yaml"
    yield "python new", b"!!python/object/new:subprocess.Popen [[ls]]\n", ".yaml"
    yield "custom tag", b"name: !secret mini\n", ".yaml"
    yield "binary level", _dump({**MINI, "horizon_weeks": "X"}).replace(
        b"horizon_weeks: X", b"horizon_weeks: !!binary aGVsbG8="), ".yaml"
    yield "set", b"goods: !!set {a: null, b: null}\nname: mini\n", ".yaml"
    yield "set key", b"? !!set {a: null}\n: 1\n", ".yaml"
    yield "list key", b"? [a, b]\n: 1\n", ".yaml"
    yield "map key", b"? {a: 1}\n: 1\n", ".yaml"
    yield "int keys", b"1: 2\n3: 4\n", ".yaml"
    yield "null key", b"~: 1\nname: x\n", ".yaml"
    yield "unclosed bracket", b"name: [unclosed\n", ".yaml"
    yield "unclosed quote", b"name: 'unterminated\n", ".yaml"
    yield "bad indent", b"actors:\n  us: 1\n bad: 2\n", ".yaml"
    yield "tab indent", b"actors:\n\tus: 1\n", ".yaml"
    yield "colon chain", b"a: b: c\n", ".yaml"
    yield "bare colon", b": no key\n", ".yaml"
    yield "bad date", b"start_date: 2025-02-30\nname: x\n", ".yaml"
    yield "bad timestamp", b"start_date: !!timestamp 2025-13-01\n", ".yaml"
    yield "huge int", b"horizon_weeks: 1" + b"0" * 5000 + b"\n", ".yaml"
    yield "huge float", b"horizon_weeks: 1e99999\n", ".yaml"
    yield "deep list", b"[" * 20_000 + b"]" * 20_000, ".yaml"
    yield "deep map", b"{a: " * 5000 + b"1" + b"}" * 5000, ".yaml"
    yield "too big", b"# " + b"x" * (MAX_FILE_BYTES + 10) + b"\n" + mini, ".yaml"
    yield "long line", b"name: " + b"n" * 900_000 + b"\n", ".yaml"
    yield "yml empty", b"", ".yml"
    yield "upper suffix", b"", ".YAML"
    yield "toml empty", b"", ".toml"
    yield "toml syntax", b"name = \n", ".toml"
    yield "toml table", b"[actors\n", ".toml"
    yield "toml duplicate", b"name = 'a'\nname = 'b'\n", ".toml"
    yield "toml types", b"name = 'a'\nhorizon_weeks = 'ten'\n", ".toml"
    yield "toml nan", b"name = 'a'\nhorizon_weeks = nan\n", ".toml"
    yield "toml inf", b"name = 'a'\nhorizon_weeks = inf\n", ".toml"
    yield "toml bad date", b"start_date = 2025-02-30\n", ".toml"
    yield "toml huge int", b"horizon_weeks = 1" + b"0" * 5000 + b"\n", ".toml"
    yield "toml deep", b"a = " + b"[" * 5000 + b"]" * 5000 + b"\n", ".toml"
    yield "toml latin-1", b"name = 'caf\xe9'\n", ".toml"
    yield "json suffix", b"{}", ".json"
    yield "txt suffix", mini, ".txt"
    yield "no suffix", mini, ""
    yield "py suffix", b"import os\n", ".py"
    yield "pickle suffix", b"\x80\x04K\x01.", ".pkl"


def _build_cases(folder: Path) -> list[tuple[str, Path]]:
    folder.mkdir(parents=True, exist_ok=True)
    cases: list[tuple[str, Path]] = []

    def add(label: str, content: bytes, suffix: str) -> None:
        path = folder / f"case{len(cases):05d}{suffix}"
        path.write_bytes(content.replace(b"{self}", path.name.encode()))
        cases.append((label, path))

    for label, data in (*data_mutations(MINI), *semantic_cases(MINI)):
        add(label, _dump(data), ".yaml")
    for label, content, suffix in raw_cases():
        add(label, content, suffix)
    # Not regular files, or no file at all.
    (folder / "dir.yaml").mkdir()
    cases.append(("directory", folder / "dir.yaml"))
    cases.append(("missing", folder / "missing.yaml"))
    os.mkfifo(folder / "fifo.yaml")
    cases.append(("fifo", folder / "fifo.yaml"))
    (folder / "link.yaml").symlink_to(folder / "nowhere.yaml")
    cases.append(("dangling link", folder / "link.yaml"))
    return cases


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _is_malformed(loader: Any, path: Path) -> bool:
    """Whether loading fails; anything but a clean load counts (the CLI must cope)."""
    try:
        with _time_limit(20):
            loader(path)
    except Exception:
        return True
    return False


def _refusal_problem(argv: list[str], path: Path, capsys: Any) -> str | None:
    """Run the CLI in-process; describe what is wrong with its refusal, or None."""
    try:
        with _time_limit(20):
            code = main(argv)
    except BaseException as exc:  # a crash or a hang is exactly what we look for
        return f"raised {type(exc).__name__}: {exc}"[:300]
    out, err = capsys.readouterr()
    if code != 2:
        return f"exit code {code}, stderr {err[:200]!r}"
    if "Traceback" in out + err:
        return "printed a traceback"
    first = err.splitlines()[0] if err else ""
    if not first.startswith(f"error: {path}: "):
        return f"message does not start with the file: {first[:200]!r}"
    if len(first) < len(f"error: {path}: ") + 8:
        return f"message too short to be clear: {first!r}"
    return None


@pytest.fixture(scope="module")
def scenario_cases(tmp_path_factory) -> list[tuple[str, Path]]:
    cases = _build_cases(tmp_path_factory.mktemp("scenarios"))
    return [(label, path) for label, path in cases if _is_malformed(load_scenario, path)]


def test_a_thousand_malformed_scenarios_are_refused_clearly(scenario_cases, capsys):
    assert len(scenario_cases) >= 1000
    failures = []
    for i, (label, path) in enumerate(scenario_cases):
        # Mostly 'validate'; every fifth through 'run', which must refuse before running.
        argv = ["run", str(path), "--runs", "3", "--seed", "1"] if i % 5 == 0 else \
            ["validate", str(path)]
        problem = _refusal_problem(argv, path, capsys)
        if problem is not None:
            failures.append(f"{label} ({path.name}, {argv[0]}): {problem}")
    assert not failures, f"{len(failures)} of {len(scenario_cases)} cases:\n" + \
        "\n".join(failures[:30])


def test_specific_malformed_files_name_the_problem(tmp_path, capsys):
    expected = {
        "empty": "the file is empty",
        "latin-1": "not UTF-8 text: byte 0xe9",
        "billion laughs": "anchors and aliases",
        "duplicate top key": "duplicate key 'name'",
        "python object": "could not determine a constructor for the tag",
        "too big": "larger than the 1,000,000 bytes allowed",
        "bad date": "day is out of range for month",
        "toml deep": "nested too deeply",
        "json suffix": "unknown file type '.json'",
        "fifo": "is not a regular file",
        "directory": "is a directory",
        "missing": "no such file",
    }
    cases = dict(_build_cases(tmp_path))
    for label, message in expected.items():
        assert main(["validate", str(cases[label])]) == 2, label
        err = capsys.readouterr().err
        assert message in err, (label, err)


def test_field_errors_give_path_value_and_rule(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    bad = _set(MINI, ("actors", "us", "instruments", 0, "lag_weeks"), -3)
    bad = _set(bad, ("approval", "us", "weekly_hazard"), 1.5)
    bad = _set(bad, ("actors", "us", "strategy"), {"name": "tit_for_tatt"})
    path.write_bytes(_dump(bad))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}: actors.us.instruments[chips].lag_weeks: -3 is not allowed: must be at " \
           "least 0" in err
    assert "approval.us.weekly_hazard: 1.5 is not allowed: must be in [0, 1]" in err
    assert "unknown strategy 'tit_for_tatt'; did you mean 'tit_for_tat'?" in err


# --------------------------------------------------------------------------- sweeps


def _sweep_base(folder: Path) -> dict:
    mini = folder / "mini.yaml"
    mini.write_bytes(_dump(MINI))
    return {"name": "fuzz", "base": "mini.yaml", "runs": 2, "seed": 1,
            "grid": {"monitoring.us.drift_sd": [0.05, 0.1]}}


def sweep_semantic_cases(base: dict) -> Iterator[tuple[str, Any]]:
    grid = ("grid", "monitoring.us.drift_sd")
    for runs in (0, -1, ensemble.MAX_RUNS + 1, 10**30, 1.5, "many", float("nan")):
        yield f"runs={runs!r}", _set(base, ("runs",), runs)
    for seed in (-1, 1.5, "x", float("inf")):
        yield f"seed={seed!r}", _set(base, ("seed",), seed)
    for b in ("missing.yaml", "", ".", "mini.txt", "/dev/null", "fuzz.yaml"):
        yield f"base={b!r}", _set(base, ("base",), b)
    for values in ([], [0.05, 0.05], [-1.0], [float("nan")], [float("inf")], ["high"],
                   [None], [[0.1]], [{"a": 1}], {"start": 0.1, "stop": 0.2},
                   {"start": 0.1, "stop": 0.2, "num": 1}, {"start": 0.1, "stop": 0.2, "num": 10**9},
                   {"start": -1.0, "stop": 0.2, "num": 3, "log": True},
                   {"start": float("nan"), "stop": 0.2, "num": 3}, "0.1, 0.2", 0.1):
        yield f"grid={values!r}", _set(base, grid, values)
    yield "unknown path", _set(base, ("grid", "nosuch.path"), [1.0])
    yield "fixed path", _set(base, ("grid", "horizon_weeks"), [10, 20])
    yield "swept twice", {**base, "zip": {"g": {"monitoring.us.drift_sd": [0.1, 0.2]}}}
    yield "zip lengths", {**base, "grid": {}, "zip": {"g": {"monitoring.us.drift_sd": [0.1, 0.2],
                                                            "monitoring.china.prior_sd": [0.1]}}}
    yield "zip empty", {**base, "zip": {"g": {}}}
    yield "zip clash", {**base, "zip": {"outcome": {"monitoring.china.prior_sd": [0.1]}}}
    yield "no grid", {**base, "grid": {}}
    yield "grid and design", {**base, "design": {"method": "lhs", "points": 4},
                              "parameters": {"monitoring.china.prior_sd": {"low": 0, "high": 1}}}
    yield "parameters without design", {**base, "parameters": {"a.b": {"low": 0, "high": 1}}}
    designs = [
        {"method": "grid"}, {"method": "lhs"}, {"method": "lhs", "points": 0},
        {"method": "lhs", "points": 10**12}, {"method": "sobol", "n": 6},
        {"method": "sobol", "n": 2**40}, {"method": "morris", "trajectories": 4, "levels": 3},
        {"method": "morris", "trajectories": 1}, {"points": 4}, "lhs", None,
    ]
    ranges = [
        {"low": 0.5, "high": 0.1}, {"low": 0.1, "high": 0.1}, {"low": -1, "high": 0.1},
        {"low": 0.0, "high": 0.5, "log": True}, {"low": float("nan"), "high": 1},
        {"choices": []}, {"choices": ["nosuch_strategy"]}, {"low": 0.1}, [0.1, 0.2], 0.3,
    ]
    for i, design in enumerate(designs):
        yield f"design[{i}]", {**_delete(base, ("grid",)), "design": design,
                               "parameters": {"monitoring.us.drift_sd": {"low": 0.0,
                                                                         "high": 0.3}}}
    for i, rng in enumerate(ranges):
        path = "actors.us.strategy.name" if "choices" in str(rng) else "monitoring.us.drift_sd"
        yield f"range[{i}]", {**_delete(base, ("grid",)),
                              "design": {"method": "lhs", "points": 4}, "parameters": {path: rng}}
    yield "design no parameters", {**_delete(base, ("grid",)),
                                   "design": {"method": "lhs", "points": 4}}
    yield "strategy lacks param", _set(base, ("grid",), {
        "actors.us.strategy.name": ["tit_for_tat"], "actors.us.strategy.forgiveness": [0.2]})
    yield "unknown strategy", _set(base, ("grid",), {"actors.us.strategy.name": ["tft"]})
    yield "label not swept", {**base, "labels": {"a.b": "A"}}
    yield "series unknown", {**base, "series": ["nosuch"]}
    yield "series word", {**base, "series": "some"}
    yield "override bad", {**base, "scenario": {"horizon_weeks": 10**6}}
    yield "override unknown", {**base, "scenario": {"bogus": 1}}
    yield "override not map", {**base, "scenario": [1, 2]}
    yield "too many points", _set(base, ("grid",), {
        "monitoring.us.drift_sd": {"start": 0.0, "stop": 0.3, "num": 1001},
        "monitoring.china.prior_sd": {"start": 0.0, "stop": 1.0, "num": 1001}})


@pytest.fixture(scope="module")
def sweep_cases(tmp_path_factory) -> list[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("sweeps")
    base = _sweep_base(folder)
    cases: list[tuple[str, Path]] = []
    for label, data in (*data_mutations(base), *sweep_semantic_cases(base)):
        path = folder / f"sweep{len(cases):05d}.yaml"
        path.write_bytes(_dump(data))
        cases.append((label, path))
    for label, content, suffix in raw_cases():
        if label.startswith(("python", "billion", "duplicate", "empty", "latin", "toml syntax",
                             "huge", "deep", "too big", "json")):
            path = folder / f"sweep{len(cases):05d}{suffix}"
            path.write_bytes(content)
            cases.append((label, path))
    return [(label, path) for label, path in cases if _is_malformed(read_sweep, path)]


def test_malformed_sweep_files_are_refused_clearly(sweep_cases, tmp_path, capsys):
    assert len(sweep_cases) >= 150
    failures = []
    for label, path in sweep_cases:
        argv = ["sweep", str(path), "--out", str(tmp_path / "out"), "--executor", "serial",
                "--progress", "off"]
        problem = _refusal_problem(argv, path, capsys)
        if problem is not None:
            failures.append(f"{label} ({path.name}): {problem}")
        assert not (tmp_path / "out" / "sweep.nc").exists(), label
    assert not failures, f"{len(failures)} of {len(sweep_cases)} cases:\n" + \
        "\n".join(failures[:30])


# ------------------------------------------------------------------ real processes


def test_a_sample_through_real_processes(scenario_cases, sweep_cases, tmp_path):
    sample = scenario_cases[:: max(1, len(scenario_cases) // 14)][:14]
    sample += sweep_cases[:: max(1, len(sweep_cases) // 6)][:6]
    procs = []
    for i, (label, path) in enumerate(sample):
        if path.name.startswith("sweep"):
            args = ["sweep", str(path), "--out", str(tmp_path / f"o{i}"), "--executor",
                    "serial"]
        else:
            args = ["run", str(path), "--runs", "5"] if i % 2 else ["validate", str(path)]
        procs.append((label, path, subprocess.Popen(
            [sys.executable, "-m", "tradesim", *args], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, errors="replace")))
    assert len(procs) == 20
    for label, path, proc in procs:
        try:
            _out, err = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise AssertionError(f"{label}: no answer within 120 s") from None
        assert proc.returncode == 2, (label, err)
        assert "Traceback" not in err, (label, err)
        assert err.startswith(f"error: {path}: "), (label, err)


# -------------------------------------------------------------------------- limits


def test_runs_above_the_maximum_are_refused(capsys):
    for runs in (ensemble.MAX_RUNS + 1, 10**30):
        assert main(["run", LONDON, "--runs", str(runs)]) == 2
        err = capsys.readouterr().err
        assert "runs must be an integer from 1 to 100,000,000" in err
    with pytest.raises(ValueError, match="from 1 to 100,000,000"):
        tradesim.run(tradesim.load_scenario(LONDON), runs=ensemble.MAX_RUNS + 1)


def test_a_horizon_above_1040_weeks_is_refused(tmp_path, capsys):
    path = tmp_path / "long.yaml"
    path.write_bytes(_dump({**MINI, "horizon_weeks": MAX_HORIZON_WEEKS + 1}))
    assert main(["run", str(path), "--runs", "1"]) == 2
    err = capsys.readouterr().err
    assert f"{path}: horizon_weeks: 1041 is not allowed" in err and "1040" in err


def test_a_run_that_needs_too_much_memory_is_refused_before_it_starts(tmp_path, capsys):
    scenario = tradesim.load_scenario(LONDON)
    with _time_limit(10), pytest.raises(ValueError) as info:
        tradesim.run(scenario, runs=1_000_000, keep_trajectories=1_000_000)
    message = str(info.value)
    assert "GiB of memory, more than the 4 GiB allowed" in message
    assert "keep_trajectories" in message and "--runs" in message
    # From the command line: 600 instruments over 1040 weeks need ~5 GiB of (int32)
    # histograms whatever the number of runs.
    many = copy.deepcopy(MINI)
    many["horizon_weeks"] = MAX_HORIZON_WEEKS
    extra = [{"id": f"i{k}", "level": 0.5, "impact": 1.0, "lag_weeks": 1.0} for k in range(300)]
    many["actors"]["us"]["instruments"] += extra
    many["actors"]["china"]["instruments"] += copy.deepcopy(extra)
    path = tmp_path / "many.yaml"
    path.write_bytes(_dump(many))
    with _time_limit(30):
        assert main(["run", str(path), "--runs", "1"]) == 2
    err = capsys.readouterr().err
    assert "GiB of memory, more than the 4 GiB allowed" in err and "horizon_weeks" in err
    assert math.isfinite(ensemble.MAX_MEMORY_BYTES) and ensemble.MAX_MEMORY_BYTES == 4 * 2**30
