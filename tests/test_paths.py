"""Parameter paths: walking a scenario, reading and setting values in scenario data."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tradesim
from tradesim import paths
from tradesim.paths import get_path, item_key, join, owner_sources, set_path, settable_paths


def test_set_path_walks_lists_by_id_and_commitments_by_actor_and_instrument(london):
    data = london.model_dump(mode="json")
    set_path(data, "framework.commitments.china.magnets.deadline_weeks", 11.0)
    set_path(data, "actors.china.instruments.magnets.lag_weeks", 3.0)
    s = tradesim.validate_scenario(data)
    paths = s.parameter_paths()
    assert paths["framework.commitments.china.magnets.deadline_weeks"] == 11.0
    assert paths["actors.china.instruments.magnets.lag_weeks"] == 3.0
    with pytest.raises(KeyError, match="did you mean"):
        set_path(data, "actors.china.instruments.magnet.lag_weeks", 1.0)


def test_changing_the_strategy_drops_parameters_it_does_not_take(london):
    data = london.model_dump(mode="json")
    set_path(data, "actors.us.strategy.name", "tit_for_tat")
    assert "forgiveness" not in data["actors"]["us"]["strategy"]
    assert tradesim.validate_scenario(data).actors["us"].strategy.name == "tit_for_tat"


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_any_parameter_path_can_be_set_to_a_number_inside_its_range(london, data):
    paths = london.parameter_paths()
    path = data.draw(st.sampled_from(sorted(paths)))
    current = paths[path]
    value = current.ppf(0.5) if hasattr(current, "ppf") else current
    scenario_data = london.model_dump(mode="json")
    assert path in settable_paths(scenario_data)
    set_path(scenario_data, path, float(value))
    assert tradesim.validate_scenario(scenario_data).parameter_paths()[path] == \
        pytest.approx(float(value))


def test_item_keys():
    assert item_key({"id": "magnets"}) == "magnets"
    assert item_key({"actor": "china", "instrument": "magnets"}) == "china.magnets"
    assert item_key({"instrument": "magnets"}) is None
    assert item_key({"name": "x"}) is None


def test_item_keys_of_schema_objects(london):
    assert item_key(london.economy.goods[0]) == london.economy.goods[0].id
    c = london.framework.commitments[0]
    assert item_key(c) == f"{c.actor}.{c.instrument}"


def test_join():
    assert join("framework", "commitments", "china.magnets", "target") == \
        "framework.commitments.china.magnets.target"


def test_walk_yields_every_numeric_parameter_keyed_by_id(london):
    found = dict(paths.walk(london))
    assert found == london.parameter_paths()
    good = london.economy.goods[0]
    assert found[f"economy.goods.{good.id}.baseline_flow_per_week"] == \
        good.baseline_flow_per_week
    c = london.framework.commitments[0]
    assert found[f"framework.commitments.{c.actor}.{c.instrument}.target"] == c.target
    for a, actor in london.actors.items():
        for key, value in actor.strategy.params.items():
            assert found[f"actors.{a}.strategy.{key}"] == value
    # Names, dates, ids, sources and integers are not parameters.
    assert not any(p.endswith((".id", ".name", ".source", "start_date", ".firms"))
                   for p in found)


def test_walk_with_a_prefix(london):
    inner = dict(paths.walk(london.monitoring["us"], "monitoring.us."))
    assert inner == {p: v for p, v in london.parameter_paths().items()
                     if p.startswith("monitoring.us.")}


def test_get_path_in_data_and_in_a_scenario(london):
    data = london.model_dump(mode="json")
    c = london.framework.commitments[0]
    path = f"framework.commitments.{c.actor}.{c.instrument}.deadline_weeks"
    assert get_path(data, path) == get_path(london, path) == c.deadline_weeks
    assert get_path(data, "actors.us.strategy.name") == london.actors["us"].strategy.name
    for bad in ("actors.us.nothing", "economy.goods.nosuch.unit", "nosuch.x"):
        with pytest.raises(KeyError):
            get_path(data, bad)


def test_set_path_refuses_paths_that_are_not_parameters(london):
    data = london.model_dump(mode="json")
    before = copy.deepcopy(data)
    for bad in ("horizon_weeks", "name", "economy.goods.magnets.id", "zzzzzzzz"):
        with pytest.raises(KeyError, match="unknown parameter path"):
            set_path(data, bad, 1.0)
    with pytest.raises(KeyError, match=r"see Scenario.parameter_paths\(\)"):
        set_path(data, "zzzzzzzz", 1.0)
    assert data == before


def test_set_path_stores_numpy_scalars_as_python_numbers(london):
    import numpy as np

    data = london.model_dump(mode="json")
    set_path(data, "monitoring.us.channels.magnets.noise_sd", np.float64(0.125))
    assert type(data["monitoring"]["us"]["channels"]["magnets"]["noise_sd"]) is float


def test_settable_paths_cover_the_parameters_and_every_strategy_field(london):
    allowed = settable_paths(london.model_dump(mode="json"))
    assert set(london.parameter_paths()) <= set(allowed)
    assert "actors.us.strategy.name" in allowed and "actors.china.strategy.forgiveness" in allowed
    assert "horizon_weeks" not in allowed and "start_date" not in allowed
    assert len(allowed) == len(set(allowed))


def test_owner_sources_are_the_holding_object_s(london):
    c = london.framework.commitments[0]
    assert owner_sources(london, f"framework.commitments.{c.actor}.{c.instrument}.target") == \
        tuple(c.source)
    assert owner_sources(london, "approval.china.weekly_hazard") == \
        tuple(london.approval["china"].source)
    inst = london.actors["china"].instruments[0]
    assert owner_sources(london, f"actors.china.instruments.{inst.id}.level") == \
        tuple(inst.source)
