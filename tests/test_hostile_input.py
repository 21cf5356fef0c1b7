"""Hostile and careless input that once got past the guarantees (issue 20).

Each test gives the CLI (in-process, through :func:`tradesim.cli.main`) one
bad input and checks exit code 2, one message naming the file or option, the
bad value and what is allowed, no traceback, and, for output paths, that the
check happens before any work starts and leaves nothing on disk.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

import tradesim
from tradesim import ensemble, history, io, store
from tradesim.cli import main
from tradesim.scenario import ScenarioError

ROOT = Path(__file__).resolve().parents[1]
LONDON = ROOT / "scenarios" / "london-2025.yaml"
EVENTS = ROOT / "seeds" / "events-2025.yaml"
GRID = ROOT / "sweeps" / "london-grid.yaml"


def _refused(argv: list[str], capsys: Any) -> str:
    """Run the CLI; assert exit code 2 and no traceback; return stderr."""
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse refuses the value itself
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    return err


@pytest.fixture
def no_work(monkeypatch):
    """Fail the test if an ensemble, a sweep or a calibration starts."""

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("work started before the output path was checked")

    import tradesim.calibrate
    import tradesim.sweep

    monkeypatch.setattr(ensemble, "run", boom)
    monkeypatch.setattr(os, "execve", boom)
    monkeypatch.setattr(tradesim.sweep, "run_sweep", boom)
    monkeypatch.setattr(tradesim.calibrate, "abc_rejection", boom)


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# ------------------------------------------------------------------ output paths


def _output_cases(tmp: Path) -> list[tuple[str, list[Any], str]]:
    a_file = tmp / "a-file.txt"
    a_file.write_text("keep me")
    folder = tmp / "folder"
    folder.mkdir()
    return [
        ("run into a file", ["run", LONDON, "--runs", "5", "--out", a_file], "is an existing file"),
        ("run below a file", ["run", LONDON, "--runs", "5", "--out", a_file / "x"],
         "is a file, not a folder"),
        ("run unwritable", ["run", LONDON, "--runs", "5", "--out", "/proc/tradesim-out"],
         "cannot write in /proc"),
        ("report into a file", ["report", LONDON, "--runs", "5", "--out", a_file],
         "is an existing file"),
        ("report below a file", ["report", LONDON, "--out", a_file / "r"], "is a file"),
        ("sweep into a file", ["sweep", GRID, "--out", a_file], "is an existing file"),
        ("sweep unwritable", ["sweep", GRID, "--out", "/proc/tradesim-sweep"], "cannot write"),
        ("calibrate into a folder", ["calibrate", LONDON, EVENTS, "--until", "2025-08-01",
                                     "--out", folder], "is a folder"),
        ("calibrate no folder", ["calibrate", LONDON, EVENTS, "--until", "2025-08-01",
                                 "--out", tmp / "missing" / "p.csv"], "does not exist"),
        ("calibrate below a file", ["calibrate", LONDON, EVENTS, "--until", "2025-08-01",
                                    "--out", a_file / "p.csv"], "does not exist"),
    ]


@pytest.mark.parametrize("case", range(10))
def test_unusable_output_paths_are_refused_before_any_work(case, tmp_path, capsys, no_work):
    label, argv, message = _output_cases(tmp_path)[case]
    before = _listing(tmp_path)
    err = _refused(argv, capsys)
    assert message in err, (label, err)
    assert "--out" in err and str(argv[argv.index("--out") + 1]) in err
    assert _listing(tmp_path) == before  # nothing created, nothing changed
    assert (tmp_path / "a-file.txt").read_text() == "keep me"


def test_run_refuses_to_overwrite_results_unless_asked(tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    assert main(["run", str(LONDON), "--runs", "20", "--seed", "1", "--out", str(out),
                 "--no-figures"]) == 0
    first = (out / "summary.txt").read_text()
    capsys.readouterr()
    err = _refused(["run", LONDON, "--runs", "30", "--seed", "2", "--out", out,
                    "--no-figures"], capsys)
    assert "already holds results" in err and "--overwrite" in err
    assert (out / "summary.txt").read_text() == first
    assert main(["run", str(LONDON), "--runs", "30", "--seed", "2", "--out", str(out),
                 "--no-figures", "--overwrite"]) == 0
    assert (out / "summary.txt").read_text() != first
    assert json.loads((out / "metadata.json").read_text())["runs"] == 30


def test_overwrite_without_out_is_refused(capsys):
    assert "--overwrite needs --out" in _refused(["run", LONDON, "--runs", "5",
                                                  "--overwrite"], capsys)


def test_report_refuses_an_earlier_report(tmp_path, capsys, no_work):
    (tmp_path / "report.html").write_text("<p>earlier</p>")
    err = _refused(["report", LONDON, "--out", tmp_path], capsys)
    assert "already holds results (report.html)" in err and "--overwrite" in err
    assert (tmp_path / "report.html").read_text() == "<p>earlier</p>"


def test_calibrate_refuses_an_existing_file(tmp_path, capsys, no_work):
    out = tmp_path / "posterior.csv"
    out.write_text("a\n1\n")
    err = _refused(["calibrate", LONDON, EVENTS, "--until", "2025-08-01", "--out", out],
                   capsys)
    assert "the file exists; pass --overwrite" in err
    assert out.read_text() == "a\n1\n"


def test_an_empty_existing_folder_is_a_fine_output(tmp_path):
    store.check_output_dir(tmp_path, results=("metadata.json",))
    store.check_output_dir(tmp_path / "new" / "deeper", results=("metadata.json",))
    assert not (tmp_path / "new").exists()  # the check creates nothing


# ------------------------------------------------------------ parameter samples


def _sample_scenario(folder: Path, csv: str | bytes | None) -> Path:
    shutil.copy(LONDON, folder / "base.yaml")
    scenario = folder / "with-sample.yaml"
    scenario.write_text("extends: base.yaml\nparameter_sample: {file: sample.csv}\n")
    if isinstance(csv, str):
        (folder / "sample.csv").write_text(csv)
    elif isinstance(csv, bytes):
        (folder / "sample.csv").write_bytes(csv)
    return scenario


H = "approval.us.weekly_hazard"
LAG = "actors.us.instruments.chips.lag_weeks"
SAMPLE_CASES = [
    ("probability above 1 (a distribution)", f"{H}\n0.5\n1.5\n", "outside the support [0, 1]"),
    ("negative lag (a fixed value)", f"{LAG}\n4\n-3\n", "-3.0 is not allowed: row 2: must be at "
                                                        "least 0"),
    ("duplicate columns", f"{H},{H}\n0.5,0.5\n", "the column appears twice"),
    ("NaN", f"{H}\nnan\n", "'nan' is not allowed: must be a finite number"),
    ("infinity", f"{LAG}\ninf\n", "must be a finite number"),
    ("not a number", f"{H}\n0.5x\n", "line 2, column approval.us.weekly_hazard: '0.5x'"),
    ("short row", f"{H},{LAG}\n0.5,3\n0.5\n", "line 3: has 1 values for the 2 columns"),
    ("header only", f"{H}\n", "has a header but no rows"),
    ("empty", "", "the file is empty"),
    ("unnamed column", f"{H},\n0.5,1\n", "column 2 of the header has no name"),
    ("unknown path", "approval.us.weekly_hazrd\n0.5\n", "did you mean 'approval.us.weekly_"
                                                        "hazard'"),
    ("not UTF-8", b"approval.us.weekly_hazard\n\xff\n", "not UTF-8"),
]


@pytest.mark.parametrize("case", SAMPLE_CASES, ids=[c[0] for c in SAMPLE_CASES])
def test_bad_sample_files_are_refused_naming_the_csv(case, tmp_path, capsys):
    _, content, message = case
    scenario = _sample_scenario(tmp_path, content)
    err = _refused(["validate", scenario], capsys)
    assert message in err
    assert err.startswith(f"error: {scenario}: parameter_sample")
    assert "sample.csv" in err


def test_a_valid_sample_with_a_bom_and_fixed_values_loads(tmp_path):
    scenario = _sample_scenario(tmp_path, f"\ufeff{H},{LAG}\n0.5,3\n0.25,8\n".encode())
    sample = io.load_scenario(scenario).parameter_sample
    assert sample.paths == (H, LAG) and sample.rows == ((0.5, 3.0), (0.25, 8.0))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_sample_is_refused_at_once(tmp_path, capsys):
    scenario = _sample_scenario(tmp_path, None)
    os.mkfifo(tmp_path / "sample.csv")
    start = time.monotonic()
    err = _refused(["validate", scenario], capsys)
    assert time.monotonic() - start < 5
    assert "is not a regular file (a FIFO, socket or device)" in err


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_symlink_to_an_endless_device_is_refused_without_reading(tmp_path, capsys):
    scenario = _sample_scenario(tmp_path, None)
    (tmp_path / "sample.csv").symlink_to("/dev/zero")
    err = _refused(["validate", scenario], capsys)
    assert "is not a regular file" in err


def test_an_over_long_sample_is_refused_not_cut(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(io, "MAX_SAMPLE_BYTES", 100)
    # Cut at 100 bytes, the last row would end inside a number that still parses.
    content = f"{H}\n" + "0.123456789\n" * 20
    assert len(content.encode()) > 100
    scenario = _sample_scenario(tmp_path, content)
    err = _refused(["validate", scenario], capsys)
    assert "larger than the 100 bytes allowed" in err


def test_sample_reads_are_bounded_and_streamed(tmp_path, monkeypatch):
    """The reader never asks for more than the limit plus one byte, in chunks."""
    asked: list[int] = []
    real = os.read

    def spy(fd: int, n: int) -> bytes:
        asked.append(n)
        return real(fd, n)

    monkeypatch.setattr(io, "MAX_SAMPLE_BYTES", 3 * io._CHUNK)
    monkeypatch.setattr(os, "read", spy)
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * (5 * io._CHUNK))
    with pytest.raises(io._Unreadable, match="larger than"):
        io._read_bounded(big, io.MAX_SAMPLE_BYTES)
    assert max(asked) <= io._CHUNK and sum(asked) <= 3 * io._CHUNK + 1


# --------------------------------------------------------------------- extends


def test_an_extends_cycle_is_named_as_a_cycle(tmp_path, capsys):
    (tmp_path / "a.yaml").write_text("extends: b.yaml\n")
    (tmp_path / "b.yaml").write_text("extends: c.yaml\n")
    (tmp_path / "c.yaml").write_text("extends: ./a.yaml\n")
    err = _refused(["validate", tmp_path / "a.yaml"], capsys)
    assert "in a cycle" in err and "too many levels" not in err
    assert err.count("\n") == 1
    assert f"{tmp_path}/a.yaml -> {tmp_path}/b.yaml -> {tmp_path}/c.yaml -> " in err


def test_a_file_that_extends_itself_is_a_cycle(tmp_path, capsys):
    (tmp_path / "self.yaml").write_text("extends: self.yaml\nname: x\n")
    assert "in a cycle" in _refused(["validate", tmp_path / "self.yaml"], capsys)


@pytest.mark.parametrize("parent", ["- 1\n- 2\n", "just text\n", "42\n"])
def test_a_parent_that_is_not_a_mapping_is_refused(parent, tmp_path, capsys):
    (tmp_path / "parent.yaml").write_text(parent)
    (tmp_path / "child.yaml").write_text("extends: parent.yaml\nname: child\n")
    err = _refused(["validate", tmp_path / "child.yaml"], capsys)
    assert "the file it extends must be a mapping of scenario fields" in err
    assert "'parent.yaml'" in err


def test_a_deep_but_acyclic_chain_still_says_too_many_levels(tmp_path, capsys):
    for i in range(12):
        (tmp_path / f"s{i}.yaml").write_text(f"extends: s{i + 1}.yaml\n")
    shutil.copy(LONDON, tmp_path / "s12.yaml")
    err = _refused(["validate", tmp_path / "s0.yaml"], capsys)
    assert "too many levels" in err and "cycle" not in err


# ------------------------------------------------------------------ event logs


def _log(tmp: Path, body: str) -> Path:
    path = tmp / "events.yaml"
    path.write_text(body)
    return path


def test_until_before_after_is_refused_before_running(tmp_path, capsys, no_work):
    err = _refused(["score", LONDON, EVENTS, "--after", "2025-09-01", "--until", "2025-08-01"],
                   capsys)
    assert f"error: {EVENTS}: --until: '2025-08-01' is not allowed: must be after 2025-09-01" \
        in err


def test_a_log_with_nothing_after_the_forecast_date_is_refused(capsys, no_work):
    """The seed log ends before London's start: no perfect Brier score of 0 over nothing."""
    err = _refused(["score", LONDON, EVENTS], capsys)
    assert "no event after 2025-06-11 (the last is on 2025-06-05): nothing to score" in err


def test_after_before_the_start_date_is_refused(capsys, no_work):
    err = _refused(["score", LONDON, EVENTS, "--after", "2025-01-01"], capsys)
    assert "--after: '2025-01-01' is not allowed: is before the scenario's start date" in err


def test_score_json_is_strict_json(tmp_path, capsys):
    """Coverage is NaN with no observed series values: JSON gets null, not NaN."""
    log = _log(tmp_path, "events:\n  - {date: 2025-08-01, milestone: approved}\n")
    assert main(["score", str(LONDON), str(log), "--runs", "30", "--format", "json"]) == 0
    out = capsys.readouterr().out
    payload = json.loads(out, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))
    assert payload["coverage50"] is None and payload["until"] == "2025-08-01"


def test_an_unknown_event_field_lists_the_event_fields(tmp_path, capsys):
    log = _log(tmp_path, "events:\n  - {date: 2025-08-01, milestone: truce, levle: 0.2}\n")
    err = _refused(["score", LONDON, log], capsys)
    assert "events[0].levle: unknown field; did you mean 'level'? (allowed: date, actor, " \
           "instrument, milestone, action, level, series, value, source, note)" in err
    assert "horizon_weeks" not in err


def test_an_unknown_instrument_lists_the_valid_ones(tmp_path, capsys, london):
    log = _log(tmp_path, "events:\n  - {date: 2025-08-01, actor: us, instrument: zzz, "
                         "level: 0.2}\n")
    err = _refused(["score", LONDON, log], capsys)
    ids = ", ".join(i.id for i in london.actors["us"].instruments)
    assert f"events[0].instrument: 'zzz' is not allowed: not an instrument of us (instruments " \
           f"of us: {ids})" in err


def test_the_library_score_refuses_an_empty_window_too(london):
    import datetime as dt

    log = history.validate_events({"events": [{"date": "2025-08-01", "milestone": "truce"}]},
                                  london)
    results = tradesim.run(london, runs=10, seed=1)
    with pytest.raises(ScenarioError, match="until: '2025-06-01' is not allowed: must be "
                                            "after 2025-06-11"):
        history.score(results, log, until=dt.date(2025, 6, 1))
    assert len(history.score(results, log).events) > 0


# ------------------------------------------------------------- other front doors


def test_a_toml_file_with_a_byte_order_mark_parses(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbfname = 'x'\n[a]\nb = 1\n")
    assert io.read_data(path) == {"name": "x", "a": {"b": 1}}


def test_a_yaml_file_with_a_byte_order_mark_loads(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + LONDON.read_bytes())
    assert io.load_scenario(path).name == "london-2025"


@pytest.mark.parametrize("port", ["999999", "-1", "65536", "http"])
def test_the_explorer_port_is_range_checked(port, capsys):
    err = _refused(["explore", LONDON, "--port", port], capsys)
    assert "--port" in err and ("0 to 65535" in err)


def test_a_sweep_file_given_as_a_scenario_says_so(capsys):
    err = _refused(["validate", GRID], capsys)
    assert err.count("\n") == 1
    assert "this is a sweep file" in err and "tradesim sweep" in err


def test_validate_a_folder_validates_its_files(capsys):
    assert main(["validate", str(ROOT / "scenarios")]) == 0
    out = capsys.readouterr().out
    assert out.count("valid scenario") == len(list((ROOT / "scenarios").glob("*.yaml")))


def test_validate_an_empty_folder_is_refused(tmp_path, capsys):
    assert "is a directory with no scenario files" in _refused(["validate", tmp_path], capsys)


def test_run_takes_a_path_as_well_as_a_scenario():
    by_path = tradesim.run(str(LONDON), runs=20, seed=3)
    by_object = tradesim.run(tradesim.load_scenario(LONDON), runs=20, seed=3)
    assert by_path.summary().table() == by_object.summary().table()
    assert tradesim.run(LONDON, runs=5, seed=3).runs == 5


def test_run_refuses_other_objects_clearly():
    with pytest.raises(TypeError, match=r"scenario must be a Scenario .* got dict"):
        tradesim.run({"name": "x"}, runs=5)


# ------------------------------------------------------------------ CI and first use


def test_ci_uses_its_own_environments_never_the_users():
    """`.ci/run` recreates only .ci/venv-*: the README's .venv survives a CI run."""
    import re

    script = (ROOT / ".ci" / "run").read_text()
    targets = re.findall(r'^\s*suite\s+\S+\s+(\S+)', script, re.MULTILINE)
    assert targets and all(t.startswith(".ci/venv-") for t in targets), targets
    for line in script.splitlines():
        code = line.split("#", 1)[0]
        assert not re.search(r"(^|[\s/\"'])\.venv\b", code), line
    assert '-m venv --clear "$venv"' in script


def test_dates_in_the_wrong_format_say_the_expected_format(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text(f"extends: {LONDON}\nstart_date: 11/06/2025\n")
    err = _refused(["validate", path], capsys)
    assert "start_date: '11/06/2025' is not allowed: expected a date as YYYY-MM-DD" in err
    path.write_text(f"extends: {LONDON}\nstart_date: 2025-13-01\n")
    assert "(dates are YYYY-MM-DD" in _refused(["validate", path], capsys)


@pytest.mark.parametrize("name", ["Tit-For-Tat", "tit for tat", "TIT_FOR_TAT"])
def test_a_strategy_name_written_differently_gets_a_suggestion(name, tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text(f"extends: {LONDON}\nactors: {{us: {{strategy: {{name: {name}}}}}}}\n")
    err = _refused(["validate", path], capsys)
    assert f"unknown strategy '{name}'; did you mean 'tit_for_tat'?" in err
    assert "did you mean 'tit_for_tat'?" in _refused(["exact", name, "tit_for_tat"], capsys)


def test_weekly_says_when_it_covers_only_the_kept_replications(london):
    from tradesim.results import TrajectorySampleWarning

    sampled = tradesim.run(london, runs=30, seed=1, keep_trajectories=10)
    with pytest.warns(TrajectorySampleWarning, match="covers the 10 replications whose "
                                                     "trajectories were kept, of 30 run"):
        table = sampled.weekly()
    assert table.index.get_level_values("replication").nunique() == 10
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        full = tradesim.run(london, runs=12, seed=1).weekly()
    assert full.index.get_level_values("replication").nunique() == 12


def test_the_readme_lists_the_run_options():
    readme = (ROOT / "README.md").read_text()
    for option in ("--no-figures", "--workers", "--progress", "--overwrite"):
        assert option in readme, option
