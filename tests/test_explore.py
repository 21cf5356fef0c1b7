"""The interactive app: controls, chart data, headless rendering and the server command."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

import tradesim
from tradesim.scenario import ScenarioError

solara = pytest.importorskip("solara", reason="the 'explore' extra is not installed")
ipywidgets = pytest.importorskip("ipywidgets")
v = pytest.importorskip("ipyvuetify")

from tradesim import explore  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LONDON = ROOT / "scenarios" / "london-2025.yaml"
RUNS = 100


@pytest.fixture(scope="module")
def london():
    return tradesim.load_scenario(LONDON)


# ---------------------------------------------------------------------- plain functions


def test_controls_cover_strategies_noise_hazards_and_inventory(london):
    by_path = {c.path: c for c in explore.controls(london)}
    for a in ("us", "china"):
        assert by_path[f"actors.{a}.strategy.name"].kind == "select"
        assert by_path[f"monitoring.{a}.threshold"].kind == "slider"
        assert by_path[f"approval.{a}.weekly_hazard"].kind == "slider"
    strategy = by_path["actors.us.strategy.name"]
    assert strategy.default == "generous_tit_for_tat"
    assert "tit_for_tat" in strategy.choices
    # The select shows the rules' display names and sets their registered names.
    assert strategy.label_of("generous_tit_for_tat") == "Generous tit for tat"
    assert strategy.choice_of("Tit for tat") == "tit_for_tat"
    assert strategy.scenario_value == "Generous tit for tat"
    threshold = by_path["monitoring.us.threshold"]
    # The US threshold is a distribution (fitted on Geneva): the slider starts at its median.
    median = float(london.monitoring["us"].threshold.ppf(np.array([0.5]))[0])
    assert threshold.default == pytest.approx(round(median, 1))
    assert threshold.scenario_value.startswith("beta(")  # the hint shows the distribution
    assert explore.INVENTORY_SCALE in by_path


def test_apply_changes_sets_parameters_and_keeps_the_rest(london):
    assert explore.apply_changes(london, {}) is london
    changed = explore.apply_changes(london, {
        "monitoring.us.threshold": 3.0,
        "actors.us.strategy.name": "tit_for_tat",
        explore.INVENTORY_SCALE: 2.0,
    })
    assert changed.monitoring["us"].threshold == 3.0
    assert changed.actors["us"].strategy.name == "tit_for_tat"
    assert "forgiveness" not in changed.actors["us"].strategy.params
    autos = {c.id: c for c in changed.economy.sectors}["autos_ev"]
    old = {c.id: c for c in london.economy.sectors}["autos_ev"]
    assert (autos.inventory_weeks.low, autos.inventory_weeks.mode, autos.inventory_weeks.high) \
        == (4.0, 8.0, 16.0)
    assert autos.max_cover_weeks == 2 * old.max_cover_weeks
    assert changed.monitoring["china"] == london.monitoring["china"]
    with pytest.raises(ScenarioError):
        explore.apply_changes(london, {"monitoring.us.threshold": -1.0})


def test_chart_data_follows_the_settings(london):
    base = explore.chart_data(explore.simulate(london, runs=RUNS))
    assert set(base) == {"levels", "phases", "supply", "losses", "tariffs", "opened",
                         "outcomes", "labels",
                         *(f"{k}_{b}" for k in ("levels", "supply", "losses", "tariffs")
                           for b in ("low", "high"))}
    for key in ("levels", "supply", "losses", "tariffs"):
        assert (base[f"{key}_low"] <= base[f"{key}_high"] + 1e-9).all().all()
    # The median lies in the middle 90% (a mean need not: a few extreme runs pull it out).
    assert (base["levels_low"] <= base["levels"] + 1e-9).all().all()
    assert (base["levels"] <= base["levels_high"] + 1e-9).all().all()
    labels = base["labels"]
    assert labels["levels"]["china.magnets"] == "Magnets (China)"
    assert labels["losses"] == {"us": "US", "china": "China"}
    assert labels["phases"]["principle"] == "Agreed in principle"
    assert "_" not in "".join(labels["supply"].values())
    assert list(base["losses"].columns) == ["us", "china"]
    assert (base["losses"].diff().iloc[1:] >= -1e-9).all().all()  # cumulative
    horizon = london.horizon_weeks
    assert base["levels"].shape == (horizon + 1, len(london.instrument_ids()))
    assert list(base["levels"].columns) == london.instrument_ids()
    np.testing.assert_allclose(base["phases"].sum(axis=1), 1.0)
    assert "magnets" in base["supply"].columns
    assert base["outcomes"]["probability"].sum() == pytest.approx(1.0)
    # Leaders who never approve: the framework stays in principle and nothing eases.
    frozen = explore.chart_data(explore.simulate(london, {
        "approval.us.weekly_hazard": 0.0, "approval.china.weekly_hazard": 0.0}, runs=RUNS))
    last = frozen["phases"].iloc[-1]
    assert last["principle"] + last["rejected"] == pytest.approx(1.0)
    assert last["implementation"] == 0.0
    assert frozen["levels"]["china.magnets"].iloc[-1] > base["levels"]["china.magnets"].iloc[-1]


def test_draw_charts_makes_one_figure_with_named_lines_units_and_bands(london):
    data = explore.chart_data(explore.simulate(london, runs=50))
    fig = explore.draw_charts(data, london.start_date)
    assert len(fig.axes) == 6  # London has tariffs and measures in reserve: a second row
    levels, phases, supply, losses = fig.axes[:4]
    assert levels.get_title(loc="left").startswith("Restriction levels")
    assert len(levels.lines) == len(london.instrument_ids())
    # Units on every y axis.
    assert "0 = open, 1 = stopped" in levels.get_ylabel()
    assert phases.get_ylabel() == "Share of runs"
    assert "1 = 2024 average" in supply.get_ylabel()
    assert "USD billion" in losses.get_ylabel()
    # Legends say what readers know, not ids, and what the bands are.
    level_legend = [t.get_text() for t in levels.get_legend().get_texts()]
    assert "Magnets (China)" in level_legend
    assert not any("." in t or "_" in t for t in level_legend)
    assert f"{explore.BAND} (shaded)" in level_legend
    assert "Agreed in principle" in [t.get_text() for t in phases.get_legend().get_texts()]
    assert [t.get_text() for t in losses.get_legend().get_texts()][:2] == ["US", "China"]
    # One band per line in the line panels.
    for ax in (levels, supply, losses):
        assert len(ax.collections) == len(ax.lines) - (ax is supply)  # supply: the 1.0 rule


def _without_tariffs(scenario):
    """The scenario without its calendar, tariffs and measures held in reserve."""
    data = scenario.model_dump(mode="json")
    data.pop("calendar", None)
    for actor in data["actors"].values():
        actor["instruments"] = [i for i in actor["instruments"]
                                if i.get("reserve") is None and i.get("kind") != "tariff"]
    kept = {i["id"] for actor in data["actors"].values() for i in actor["instruments"]}
    for monitoring in data["monitoring"].values():  # the dump names a channel per instrument
        monitoring["channels"] = {k: c for k, c in monitoring["channels"].items() if k in kept}
    return tradesim.validate_scenario(data)


def test_charts_show_each_sides_tariff_and_new_measures_where_the_scenario_has_them(london):
    results = explore.simulate(london, runs=RUNS)
    data = explore.chart_data(results)
    summary = results.summary()
    assert list(data["tariffs"].columns) == ["us.tariff", "china.tariff"]
    np.testing.assert_allclose(data["tariffs"]["us.tariff"],
                               summary.series["tariff.us.tariff"]["mean"])
    assert data["tariffs"]["us.tariff"].iloc[0] == pytest.approx(30.0)
    assert data["tariffs"]["china.tariff"].iloc[0] == pytest.approx(10.0)
    assert (data["tariffs_low"] <= data["tariffs_high"] + 1e-9).all().all()
    assert data["labels"]["tariffs"] == {"us.tariff": "US tariff on imports from China",
                                         "china.tariff": "China tariff on imports from the US"}
    opened = data["opened"]
    assert list(opened.columns) == ["us", "china"] and opened.shape[0] == london.horizon_weeks + 1
    assert (opened.iloc[0] == 0).all() and ((opened >= 0) & (opened <= 1)).all().all()
    assert (opened.diff().iloc[1:] >= -1e-12).all().all()  # once opened, a measure stays opened
    assert data["labels"]["opened"] == {"us": "US", "china": "China"}
    fig = explore.draw_charts(data, london.start_date)
    tariffs, new = fig.axes[4:]
    assert tariffs.get_title(loc="left") == "Tariff rates (mean over runs)"
    assert tariffs.get_ylabel() == "Extra tariff (% ad valorem)"
    legend = [t.get_text() for t in tariffs.get_legend().get_texts()]
    assert legend == ["US tariff on imports from China", "China tariff on imports from the US",
                      f"{explore.BAND} (shaded)"]
    assert len(tariffs.collections) == 2  # a band per side
    assert new.get_title(loc="left") == "New measures opened (share of runs)"
    assert "%" in new.get_ylabel()
    assert [t.get_text() for t in new.get_legend().get_texts()] == ["US", "China"]


def test_charts_without_tariffs_or_reserves_keep_their_four_panels(london):
    plain = _without_tariffs(london)
    data = explore.chart_data(explore.simulate(plain, runs=50))
    assert data["tariffs"].columns.empty and data["opened"].columns.empty
    fig = explore.draw_charts(data, plain.start_date)
    assert len(fig.axes) == 4
    assert tuple(fig.get_size_inches()) == (13.5, 4.9)


# ------------------------------------------------------------------------ the component


def _outcome_text(rc) -> str:
    texts = [getattr(w, "template", "") or "" for w in rc.find(v.VuetifyTemplate).widgets]
    texts = [t for t in texts if "Outcomes at the horizon" in t]
    assert len(texts) == 1
    return texts[0]


def _image(rc) -> bytes:
    finder = rc.find(ipywidgets.Image)
    finder.assert_single()
    return finder.widget.value


def test_app_renders_headless_and_responds_to_a_slider(london):
    _box, rc = solara.render(explore.app(london, runs=RUNS), handle_error=False)
    try:
        labels = {w.label for w in rc.find(v.Slider).widgets}
        assert {"US alarm threshold (nats)", "China weekly approval chance",
                "Inventory cover (x scenario's)"} <= labels
        before_text, before_image = _outcome_text(rc), _image(rc)
        assert "breakdown" in before_text and f"{RUNS:,} runs" in before_text

        rc.find(v.Slider, label="US weekly approval chance").widget.v_model = 0.0
        rc.find(v.Slider, label="China weekly approval chance").widget.v_model = 0.0

        after_text, after_image = _outcome_text(rc), _image(rc)
        assert after_image != before_image
        assert after_text != before_text
        # No approval, no implementation: every run is still pending or rejected.
        assert "holding <strong>0.0%</strong>" in after_text
        hints = [w for w in rc.find(v.Html).widgets if "set here" in str(w.children)]
        assert len(hints) == 2
    finally:
        rc.close()


def test_app_strategy_select_and_reset(london):
    _box, rc = solara.render(explore.app(london, runs=RUNS), handle_error=False)
    try:
        before = _outcome_text(rc)
        select = rc.find(v.Select, label="US strategy").widget
        assert select.v_model == "Generous tit for tat"
        assert "Always retaliate" in select.items
        select.v_model = "Always retaliate"
        changed = _outcome_text(rc)
        assert changed != before
        reset = rc.find(v.Btn, children=["Reset to the scenario"]).widget
        assert not reset.disabled
        reset.click()
        assert _outcome_text(rc) == before
        assert rc.find(v.Select, label="US strategy").widget.v_model == "Generous tit for tat"
    finally:
        rc.close()


def test_page_reads_the_scenario_named_by_the_command_line(monkeypatch):
    monkeypatch.setenv(explore.SCENARIO_ENV, str(LONDON))
    monkeypatch.setenv("TRADESIM_EXPLORE_RUNS", "50")
    _box, rc = solara.render(explore.Page(), handle_error=False)
    try:
        assert "50 runs" in _outcome_text(rc)
    finally:
        rc.close()


def test_app_without_a_scenario_says_what_to_do(monkeypatch):
    monkeypatch.delenv(explore.SCENARIO_ENV, raising=False)
    with pytest.raises(ValueError, match=explore.SCENARIO_ENV):
        explore.app()


# --------------------------------------------------------------------------- the server


def test_server_command_binds_loopback():
    argv, env = explore.server_command(LONDON, port=1234, runs=77)
    assert argv[argv.index("--host") + 1] == "127.0.0.1"
    # Nothing calls out: no development check (an iframe from Solara's site), no version
    # check, no usage statistics, and the page's files come from the local asset proxy.
    assert "--production" in argv and "--no-check-version" in argv
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert env["SOLARA_ASSETS_PROXY"] == "True"
    assert "tradesim.explore:Page" in argv
    assert env[explore.SCENARIO_ENV] == str(LONDON.resolve())
    assert env["TRADESIM_EXPLORE_RUNS"] == "77"


def test_the_page_assets_are_installed_locally():
    # solara-assets holds every file the installed Solara's page loads from its CDN.
    assert explore.missing_assets() == []


def test_missing_assets_names_what_the_page_would_fetch(monkeypatch, tmp_path):
    import solara.server.settings as server_settings

    monkeypatch.setattr(server_settings.assets, "proxy_cache_dir", tmp_path)
    missing = explore.missing_assets()
    assert any(p.startswith("requirejs@") for p in missing)
    assert any("solara-vuetify" in p and p.endswith(".js") for p in missing)


def test_cli_rejects_a_bad_scenario_before_serving(tmp_path, capsys):
    from tradesim.cli import main

    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\n", encoding="utf-8")
    assert main(["explore", str(bad)]) == 2
    assert "bad.yaml" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_tradesim_explore_serves_the_app_on_loopback():
    port = _free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tradesim", "explore", str(LONDON), "--port", str(port),
         "--runs", "50"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        page = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    page = r.read().decode("utf-8", "replace")
                    break
            except OSError:
                time.sleep(0.5)
        assert proc.poll() is None, proc.stdout.read().decode()
        assert page is not None, "the server did not answer within 90 s"
        assert "solara" in page.lower()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()


# ------------------------------------------------------------------ optional dependency


def test_the_library_imports_without_solara():
    code = ("import sys; sys.modules['solara'] = None\n"
            "import tradesim, tradesim.cli, tradesim.display\n"
            "try:\n    import tradesim.explore\nexcept ImportError as exc:\n    print(exc)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert "pip install 'tradesim-policy[explore]'" in out.stdout
