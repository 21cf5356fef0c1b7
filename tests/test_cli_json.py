"""``--format json`` on every command that prints: valid JSON (NaN as null); notebook displays."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tradesim import calibrate, cli, io
from tradesim.discovery import prim
from tradesim.sweep import read_sweep

ROOT = Path(__file__).resolve().parents[1]
LONDON = str(ROOT / "scenarios" / "london-2025.yaml")
EVENTS = ROOT / "seeds" / "events-2025.yaml"


def _json(capsys) -> dict:
    out = capsys.readouterr().out
    return json.loads(out, parse_constant=lambda c: pytest.fail(f"not valid JSON: {c}"))


def test_validate_json_good_and_bad(tmp_path, capsys) -> None:
    assert cli.main(["validate", LONDON, "--format", "json"]) == 0
    record = _json(capsys)["files"][0]
    assert record["valid"] and record["scenario"] == "london-2025"
    bad = tmp_path / "bad.yaml"
    bad.write_text(Path(LONDON).read_text().replace("horizon_weeks: 104", "horizon_weeks: -3"))
    assert cli.main(["validate", LONDON, str(bad), "--format", "json"]) == 2
    records = _json(capsys)["files"]
    assert [r["valid"] for r in records] == [True, False]
    assert any(p["path"] == "horizon_weeks" and p["value"] == -3 for p in records[1]["problems"])


def test_exact_json_has_no_nan(capsys) -> None:
    # Press-Dyson cells are NaN where undefined: they must come out as null.
    assert cli.main(["exact", "tit_for_tat", "always_retaliate", "--noise", "0.05",
                     "--turns", "10", "--format", "json"]) == 0
    payload = _json(capsys)
    assert payload["inputs"]["strategy_a"]
    assert set(payload["table"]) >= {"P(CC)", "payoff A"}
    assert payload["table"]["P(CC)"]["Press-Dyson"] is None


def test_sweep_json(tmp_path, capsys) -> None:
    spec = tmp_path / "s.yaml"
    spec.write_text(f"name: t\nbase: {LONDON}\nruns: 10\nseed: 1\nseries: none\n"
                    "scenario: {horizon_weeks: 8}\n"
                    "grid: {monitoring.us.channels.magnets.noise_sd: [0.05, 0.2]}\n")
    assert cli.main(["sweep", str(spec), "--out", str(tmp_path / "o"), "--executor",
                     "serial", "--stdout", "json", "--progress", "off"]) == 0
    payload = _json(capsys)
    assert payload["points"] == 2 and set(payload["probability"]) >= {"breakdown"}


def test_calibrate_json(tmp_path, capsys) -> None:
    out = tmp_path / "post.csv"
    assert cli.main(["calibrate", str(ROOT / "scenarios" / "geneva-2025.yaml"), str(EVENTS),
                     "--until", "2025-06-11", "--out", str(out), "--runs", "200", "--seed",
                     "2", "--check-runs", "0", "--format", "json"]) == 0
    payload = _json(capsys)
    assert payload["accepted"] >= 1 and payload["parameters"]
    assert out.is_file()


def test_notebook_displays_of_prim_sweep_and_posterior(synthetic_sweep) -> None:
    ds = synthetic_sweep({"method": "lhs", "points": 64},
                         lambda a, b, c: np.where(a > 0.7, 0.9, 0.1))
    result = prim(ds, "breakdown")
    text = result._repr_html_()
    assert "PRIM" in text and "breakdown" in text and "<table" in text
    sweep = read_sweep(ROOT / "sweeps" / "london-robust.yaml")
    text = sweep._repr_html_()
    assert "london-robust" in text and "Levers" in text and "actors.us.strategy.name" in text
    scenario = io.load_scenario(ROOT / "scenarios" / "geneva-2025.yaml")
    log = io.load_events(EVENTS, scenario)
    import datetime as dt

    posterior = calibrate.abc_rejection(scenario, log, dt.date(2025, 6, 11), runs=200,
                                        seed=1, check_runs=0)
    text = posterior._repr_html_()
    assert "Posterior" in text and "geneva" in text and "<table" in text
