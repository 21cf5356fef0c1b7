"""Fuzzing the other front doors: CLI arguments, output paths, sample files, event logs, extends.

The same guarantees as for scenario files (``tests/test_fuzz.py``): exit code 2,
a message that names the file or option, no traceback, no hang, nothing
half-written.  Cases are generated deterministically (a seeded
``random.Random``), a few hundred in-process through :func:`tradesim.cli.main`,
with no ensemble run: the work itself is replaced by a stub that fails the test
if reached on bad input.
"""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from tradesim import ensemble
from tradesim.cli import main

ROOT = Path(__file__).resolve().parents[1]
LONDON = ROOT / "scenarios" / "london-2025.yaml"
EVENTS = ROOT / "seeds" / "events-2025.yaml"
GRID = ROOT / "sweeps" / "london-grid.yaml"
RNG_SEED = 20
JUNK = ["", "-1", "0", "1e9", "nan", "inf", "abc", "1.5", "99999999999999999999", "--", "-",
        "2025-02-30", "x" * 300, "\u00e9", "0x10", " 5"]


WORK = -1  # the input was accepted and the (stubbed) work was reached


def _run(argv: list[str], capsys: Any) -> tuple[int, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    except AssertionError as exc:
        if "work started" not in str(exc):
            raise
        code = WORK
    captured = capsys.readouterr()
    return code, captured.err


@pytest.fixture
def no_work(monkeypatch):
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("work started on bad input")

    import tradesim.calibrate
    import tradesim.game
    import tradesim.sweep

    monkeypatch.setattr(tradesim.game, "format_exact_table", boom)
    monkeypatch.setattr(os, "execve", boom)  # `tradesim explore` would become the server
    monkeypatch.setattr(ensemble, "run", boom)
    monkeypatch.setattr(tradesim.sweep, "run_sweep", boom)
    monkeypatch.setattr(tradesim.calibrate, "abc_rejection", boom)


def _argument_cases() -> list[list[str]]:
    rng = random.Random(RNG_SEED)
    base = {
        "run": ["run", str(LONDON)],
        "score": ["score", str(LONDON), str(EVENTS)],
        "calibrate": ["calibrate", str(LONDON), str(EVENTS), "--until", "2025-08-01",
                      "--out", "/nonexistent-folder/p.csv"],
        "explore": ["explore", str(LONDON)],
        "exact": ["exact", "tit_for_tat", "tit_for_tat"],
        "sweep": ["sweep", str(GRID), "--out", "/proc/no-sweep-here"],
    }
    options = {
        "run": ["--runs", "--seed", "--workers", "--chunk-size", "--format", "--progress"],
        "score": ["--runs", "--seed", "--after", "--until", "--format"],
        "calibrate": ["--runs", "--accept", "--seed", "--check-runs", "--until"],
        "explore": ["--port", "--runs"],
        "exact": ["--noise", "--turns"],
        "sweep": ["--workers", "--executor", "--format", "--progress"],
    }
    cases = []
    for _ in range(150):
        command = rng.choice(sorted(base))
        option = rng.choice(options[command])
        cases.append([*base[command], option, rng.choice(JUNK)])
    return cases


def test_junk_option_values_are_refused_clearly(capsys, no_work):
    """150 random (command, option, junk value): exit 2 and a message, never a traceback.

    A junk value that happens to be valid (``--seed 0``) reaches the stubbed work,
    unless another input (the output path) is refused first.
    """
    refused = 0
    for argv in _argument_cases():
        code, err = _run(argv, capsys)
        assert "Traceback" not in err, argv
        assert code in (2, WORK), (argv, code, err)
        if code == 2:
            refused += 1
            last = err.strip().splitlines()[-1]
            assert "error:" in last, err  # argparse's usage, then one line with the problem
            # It names the option, the value, the output path or the file at fault.
            assert argv[-2] in last or argv[-1] in last or "--out" in last or \
                last.startswith(("error: /", "error: scenarios/")), (argv, last)
    assert refused >= 120


def test_random_output_paths_are_refused_before_work_and_leave_nothing(tmp_path, capsys,
                                                                        no_work):
    rng = random.Random(RNG_SEED)
    (tmp_path / "file").write_text("x")
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "metadata.json").write_text("{}")
    (tmp_path / "report").mkdir()
    (tmp_path / "report" / "report.pdf").write_text("%PDF")
    bad = [tmp_path / "file", tmp_path / "file" / "below", tmp_path / "file" / "a" / "b",
           Path("/proc/tradesim"), Path("/proc/version/x"), tmp_path / "results"]
    before = sorted(p.name for p in tmp_path.rglob("*"))
    for _ in range(60):
        out = rng.choice(bad)
        command = rng.choice(["run", "report", "sweep"])
        argv = {"run": ["run", str(LONDON), "--out", str(out)],
                "report": ["report", str(LONDON), "--out", str(out)],
                "sweep": ["sweep", str(GRID), "--out", str(out)]}[command]
        if command != "run" and out == tmp_path / "results":
            continue  # holds a run's results: a report or sweep may go there
        code, err = _run(argv, capsys)
        assert code == 2 and "Traceback" not in err, (argv, err)
        assert err.startswith(f"error: --out {out}:"), err
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def _sample_cases(rng: random.Random) -> list[bytes]:
    paths = ["approval.us.weekly_hazard", "actors.us.instruments.chips.lag_weeks",
             "monitoring.us.noise_sd", "economy.truce_hazard", "nonsense.path"]
    cells = ["0.5", "-1", "2", "nan", "inf", "-inf", "", "abc", "1e400", "1,5", '"0.3"',
             "0x1", "\u00e9"]
    out = []
    for _ in range(120):
        columns = rng.sample(paths, rng.randint(1, 3))
        if rng.random() < 0.2:
            columns.append(columns[0])  # a duplicate column
        rows = []
        for _ in range(rng.randint(0, 4)):
            n = len(columns) + rng.choice([0, 0, 0, -1, 1])
            rows.append(",".join(rng.choice(cells) for _ in range(max(n, 0))))
        text = ",".join(columns) + "\n" + "\n".join(rows) + ("\n" if rng.random() < 0.5 else "")
        data = text.encode()
        if rng.random() < 0.1:
            data = b"\xff\xfe" + data
        out.append(data)
    return out


def test_random_sample_files_are_refused_or_loaded_never_crash(tmp_path, capsys):
    shutil.copy(LONDON, tmp_path / "base.yaml")
    scenario = tmp_path / "s.yaml"
    scenario.write_text("extends: base.yaml\nparameter_sample: {file: sample.csv}\n")
    refused = 0
    for data in _sample_cases(random.Random(RNG_SEED)):
        (tmp_path / "sample.csv").write_bytes(data)
        code, err = _run(["validate", str(scenario)], capsys)
        assert code in (0, 2) and "Traceback" not in err, (data, err)
        if code == 2:
            refused += 1
            assert err.startswith(f"error: {scenario}: parameter_sample"), err
            assert "sample.csv" in err, err
    assert refused >= 100  # almost every random file is malformed


def _event_cases(rng: random.Random) -> list[Any]:
    fields = {
        "date": ["2025-07-01", "2025-02-30", "July", 5, None, "2025-06-01"],
        "milestone": ["truce", "approved", "peace", 3],
        "actor": ["us", "china", "eu", ""],
        "instrument": ["chips", "magnets", "zzz"],
        "action": ["ease", "retaliate", "bomb"],
        "level": [0.5, 1.5, -0.1, "high", float("nan")],
        "series": ["supply.magnets", "supply.gold"],
        "value": [0.1, "x", float("inf")],
        "bogus": [1],
    }
    out: list[Any] = [None, [], "text", {"events": []}, {"events": "x"}]
    for _ in range(100):
        event = {k: rng.choice(v) for k, v in fields.items() if rng.random() < 0.35}
        event.setdefault("date", rng.choice(fields["date"]))
        out.append({"events": [event]})
    return out


def test_random_event_logs_are_refused_or_scored_never_crash(tmp_path, capsys, no_work):
    log = tmp_path / "events.yaml"
    refused = 0
    for data in _event_cases(random.Random(RNG_SEED)):
        log.write_text(yaml.safe_dump(data))
        code, err = _run(["score", str(LONDON), str(log), "--runs", "5"], capsys)
        assert code in (2, WORK) and "Traceback" not in err, (data, err)
        if code == 2:
            refused += 1
            assert err.startswith(f"error: {log}:"), err
    assert refused >= 90


def test_random_extends_graphs_are_resolved_or_refused(tmp_path, capsys):
    rng = random.Random(RNG_SEED)
    for case in range(40):
        folder = tmp_path / f"g{case}"
        folder.mkdir()
        n = rng.randint(1, 6)
        for i in range(n):
            target = rng.choice([*(f"f{j}.yaml" for j in range(n)), "base.yaml", "missing.yaml",
                                 "list.yaml", 5, ""])
            (folder / f"f{i}.yaml").write_text(yaml.safe_dump({"extends": target, "name": f"f{i}"}))
        shutil.copy(LONDON, folder / "base.yaml")
        (folder / "list.yaml").write_text("- 1\n")
        code, err = _run(["validate", str(folder / "f0.yaml")], capsys)
        assert code in (0, 2) and "Traceback" not in err, err
        if code == 2:
            assert err.startswith(f"error: {folder / 'f0.yaml'}:"), err
            assert err.count("\n") <= 3, err
            known = ("cycle", "no such file", "must be a mapping", "must be a file name")
            assert any(k in err for k in known), err
