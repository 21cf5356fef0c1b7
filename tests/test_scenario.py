"""Scenario files: validation, clear errors on every kind of bad input, schema."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import tradesim
from tradesim.distributions import Beta, Choice, LogNormal, Normal, Triangular, TruncNormal, Uniform
from tradesim.io import load_scenario, merge
from tradesim.scenario import ScenarioError, json_schema, validate_scenario

ROOT = Path(__file__).resolve().parents[1]
LONDON = ROOT / "scenarios" / "london-2025.yaml"


def errors_of(data, source="bad.yaml") -> str:
    with pytest.raises(ScenarioError) as info:
        validate_scenario(data, source=source)
    return str(info.value)


def test_every_shipped_scenario_is_valid():
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        scenario = load_scenario(path)
        assert scenario.horizon_weeks > 0
        assert scenario.actor_ids == ("us", "china")


def test_scenario_is_frozen(london):
    with pytest.raises(Exception):  # noqa: B017 - pydantic's ValidationError
        london.horizon_weeks = 3


def test_every_source_names_a_fact(london_data):
    facts = {f["id"] for f in tradesim.io.read_data(ROOT / "seeds" / "facts.yaml")["facts"]}
    facts.add("assumption")
    cited = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "source":
                    cited.update(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for path in (ROOT / "scenarios").glob("*.yaml"):
        walk(tradesim.io.read_data(path))
    assert cited, "no sources cited"
    assert cited <= facts, f"sources missing from seeds/facts.yaml: {sorted(cited - facts)}"


def test_baseline_uses_only_facts_known_at_the_cutoff(london_data):
    facts = {f["id"]: f for f in tradesim.io.read_data(ROOT / "seeds" / "facts.yaml")["facts"]}
    baseline = json.dumps(london_data, default=str)
    for fact_id, fact in facts.items():
        if fact_id in baseline:
            assert str(fact["date"]) <= "2025-06-11", fact_id
            assert str(fact.get("published", fact["date"])) <= "2025-06-11", fact_id
            assert fact.get("known_on_cutoff", True), fact_id


def test_every_baseline_sector_sizes_its_value_added_from_a_fact(london_data):
    facts = {f["id"]: f for f in tradesim.io.read_data(ROOT / "seeds" / "facts.yaml")["facts"]}
    for sector in london_data["economy"]["sectors"]:
        path = f"economy.sectors.{sector['id']}.value_added"
        sizing = [i for i in sector["source"] if path in facts.get(i, {}).get("informs", ())]
        assert sizing, f"no fact in seeds/facts.yaml informs {path}"


def test_uncertain_parameters_are_listed_by_path(london):
    uncertain = london.uncertain_parameters()
    assert "actors.china.instruments.magnets.lag_weeks" in uncertain
    assert "actors.us.strategy.forgiveness" in uncertain
    assert "approval.us.weekly_hazard" in uncertain
    assert all(hasattr(d, "ppf") for d in uncertain.values())


@pytest.mark.parametrize(
    "dist",
    [
        Uniform(dist="uniform", low=2, high=5),
        Triangular(dist="triangular", low=1, mode=2, high=6),
        Normal(dist="normal", mean=1, sd=2),
        TruncNormal(dist="truncnormal", mean=0.2, sd=0.3, low=0, high=1),
        LogNormal(dist="lognormal", median=3, sigma=0.5),
        Beta(dist="beta", a=2, b=5, low=1, high=3),
        Choice(dist="choice", values=(1, 2, 7), weights=(1, 1, 2)),
    ],
)
def test_distributions_draw_within_support_and_match_scipy_moments(dist):
    u = (np.arange(20000) + 0.5) / 20000
    x = dist.ppf(u)
    low, high = dist.support()
    assert np.all(x >= low) and np.all(x <= high)
    expected_mean = {
        "uniform": 3.5, "triangular": 3.0, "normal": 1.0, "lognormal": 3 * math.exp(0.125),
        "beta": 1 + 2 * 2 / 7, "choice": 0.25 + 0.5 + 3.5,
    }.get(dist.dist)
    if expected_mean is not None:
        assert x.mean() == pytest.approx(expected_mean, rel=2e-3)


def test_choice_is_exact_on_its_values():
    dist = Choice(dist="choice", values=(0.1, 0.2), weights=(3, 1))
    x = dist.ppf(np.array([0.0, 0.74, 0.76, 0.999]))
    assert list(x) == [0.1, 0.1, 0.2, 0.2]


# -- bad input: each gives one clear error with file, path, value and what is allowed ----


def test_unknown_field_suggests_the_right_one(london_data):
    data = merge(london_data, {})
    data["actors"]["us"]["instruments"][0]["levl"] = 0.3
    message = errors_of(data)
    assert "bad.yaml: actors.us.instruments[eda_software].levl: unknown field" in message
    assert "did you mean 'level'?" in message


def test_misspelt_top_level_field(london_data):
    data = merge(london_data, {})
    data["horizon_week"] = data.pop("horizon_weeks")
    message = errors_of(data)
    assert "horizon_week: unknown field; did you mean 'horizon_weeks'?" in message
    assert "horizon_weeks: required field is missing" in message


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("actors", "us", "instruments", 1, "level"), 1.5, "must be in [0, 1]"),
        (("actors", "us", "instruments", 1, "level"), "high", "expected a number in [0, 1]"),
        (("actors", "us", "instruments", 1, "level"), float("nan"), "finite number"),
        (("actors", "us", "instruments", 1, "lag_weeks"), -2, "must be at least 0"),
        (("actors", "us", "instruments", 1, "impact"), float("inf"), "finite number"),
        (("approval", "china", "weekly_hazard"), 1.2, "must be in [0, 1]"),
        (("horizon_weeks",), 100000, "less than or equal to 1040"),
        (("horizon_weeks",), 0, "greater than or equal to 1"),
        (("start_date",), "2025-13-45", "date"),
    ],
)
def test_bad_values_name_path_value_and_rule(london_data, path, value, expected):
    data = merge(london_data, {})
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    message = errors_of(data)
    assert "bad.yaml: " in message
    assert expected in message
    assert repr(value)[:10] in message or str(value) in message


def test_unknown_strategy_suggests(london_data):
    data = merge(london_data, {"actors": {"china": {"strategy": {"name": "tit_for_tatt"}}}})
    message = errors_of(data)
    assert "actors.china.strategy.name" in message
    assert "did you mean 'tit_for_tat'?" in message


def test_unknown_strategy_parameter_suggests(london_data):
    data = merge(london_data, {"actors": {"us": {"strategy": {"forgivness": 0.2}}}})
    message = errors_of(data)
    assert "actors.us.strategy.forgivness: unknown parameter of generous_tit_for_tat" in message
    assert "did you mean 'forgiveness'?" in message


def test_strategy_parameter_out_of_range(london_data):
    data = merge(london_data, {"actors": {"us": {"strategy": {"forgiveness": 3}}}})
    message = errors_of(data)
    assert "actors.us.strategy.forgiveness: 3.0 is not allowed: must be in [0, 1]" in message


def test_unknown_distribution_suggests(london_data):
    data = merge(london_data, {"monitoring": {"china": {"prior_sd": {"dist": "unifrom"}}}})
    message = errors_of(data)
    assert "monitoring.china.prior_sd" in message
    assert "did you mean 'uniform'?" in message


def test_unbounded_distribution_on_a_probability_is_refused(london_data):
    data = merge(london_data, {
        "approval": {"us": {"weekly_hazard": {"dist": "normal", "mean": 0.5, "sd": 0.1}}}})
    message = errors_of(data)
    assert "approval.us.weekly_hazard" in message
    assert "normal(0.5, 0.1) can take values that are not in [0, 1]" in message


def test_bad_distribution_parameters(london_data):
    data = merge(london_data, {
        "monitoring": {"china": {"drift_sd": {"dist": "uniform", "low": 0.5, "high": 0.1}}}})
    assert "uniform needs low < high" in errors_of(data)


def test_unknown_references_suggest(london_data):
    data = merge(london_data, {})
    data["framework"]["commitments"][0]["instrument"] = "rare_earth"
    data["economy"]["sectors"][0]["inputs"] = ["magnet"]
    message = errors_of(data)
    assert "framework.commitments[china.rare_earth].instrument" in message
    assert "did you mean 'rare_earths'?" in message
    assert "economy.sectors[autos_ev].inputs: 'magnet' is not allowed: unknown good; did you mean" \
        in message


def test_target_below_national_security_floor(london_data):
    data = merge(london_data, {})
    data["framework"]["commitments"].append(
        {"actor": "us", "instrument": "ai_chips", "target": 0.0, "deadline_weeks": 2})
    assert "is below the instrument's national-security floor 1" in errors_of(data)


def test_exactly_two_actors(london_data):
    data = merge(london_data, {})
    del data["actors"]["china"]
    assert "exactly two actors are needed, got 1" in errors_of(data)


@pytest.mark.parametrize("data", [None, [], "text", 3])
def test_not_a_mapping(data):
    assert "a scenario must be a mapping" in errors_of(data)


# -- files --------------------------------------------------------------------------------


def write(tmp_path, name, content) -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.yaml", "", "the file is empty"),
        ("blank.yaml", "  \n\n", "the file is empty"),
        ("latin1.yaml", b"name: caf\xe9\n", "not UTF-8 text: byte 0xe9 at offset 9"),
        ("syntax.yaml", "name: [unclosed\n", "YAML error at line"),
        ("dup.yaml", "name: a\nname: b\n", "duplicate key 'name'"),
        ("alias.yaml", "a: &x [1, 2]\nb: *x\n", "anchors and aliases"),
        ("scenario.json", "{}", "unknown file type '.json'"),
        ("bad.toml", "name = \n", "TOML syntax error"),
        ("list.yaml", "- 1\n- 2\n", "a scenario must be a mapping"),
    ],
)
def test_bad_files(tmp_path, name, content, expected):
    path = write(tmp_path, name, content)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value).startswith(path)
    assert expected in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "nothere.yaml")


def test_billion_laughs_is_refused_quickly(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    path = write(tmp_path, "laughs.yaml", "\n".join(lines) + "\n")
    with pytest.raises(ScenarioError, match="anchors and aliases"):
        load_scenario(path)


def test_toml_scenario_equals_yaml(tmp_path, london_data):
    text = (ROOT / "tests" / "data" / "tiny.toml").read_text()
    path = write(tmp_path, "tiny.toml", text)
    scenario = load_scenario(path)
    assert scenario.name == "tiny"
    assert scenario.horizon_weeks == 12


def test_extends_merges_and_reports_its_own_file(tmp_path):
    path = write(tmp_path, "v.yaml", f"extends: {LONDON}\nname: v\nhorizon_weeks: 13\n")
    scenario = load_scenario(path)
    assert (scenario.name, scenario.horizon_weeks) == ("v", 13)
    bad = write(tmp_path, "w.yaml", f"extends: {LONDON}\nhorizon_weeks: -1\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(bad)
    assert str(info.value).startswith(bad + ": horizon_weeks")


def test_merge_replaces_distributions_and_changed_strategies():
    base = {"strategy": {"name": "generous_tit_for_tat", "forgiveness": 0.3},
            "x": {"dist": "beta", "a": 1, "b": 2}, "items": [{"id": "a", "v": 1}]}
    out = merge(base, {"strategy": {"name": "tit_for_tat"}, "x": {"dist": "uniform", "low": 0,
                       "high": 1}, "items": [{"id": "a", "w": 2}, {"id": "b"}]})
    assert out["strategy"] == {"name": "tit_for_tat"}
    assert out["x"] == {"dist": "uniform", "low": 0, "high": 1}
    assert out["items"] == [{"id": "a", "v": 1, "w": 2}, {"id": "b"}]
    assert base["items"] == [{"id": "a", "v": 1}]


def test_json_schema_is_complete_and_valid_json():
    schema = json_schema()
    text = json.dumps(schema)
    assert "Distribution" in schema["$defs"]
    assert "x-tradesim" not in text
    assert set(schema["required"]) >= {"name", "start_date", "horizon_weeks", "actors"}
