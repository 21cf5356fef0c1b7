"""Errors: suggestions, the one pydantic-error translator and the frozen base model."""

from __future__ import annotations

import pydantic
import pytest

from tradesim import errors, scenario
from tradesim.errors import Frozen, Problem, ScenarioError, problems_from, suggest
from tradesim.history import EventLog, validate_events
from tradesim.strategies import get_strategy
from tradesim.sweep import SweepSpec, spec


def test_problem_and_error_are_shared_with_scenario():
    # Public: users catch tradesim.scenario.ScenarioError.
    assert scenario.ScenarioError is ScenarioError and scenario.Problem is Problem


def test_problem_text_shows_the_path_and_the_value():
    assert str(Problem("a.b", "must be at least 0", -1.0, True)) == \
        "a.b: -1.0 is not allowed: must be at least 0"
    assert str(Problem("", "the file is empty")) == "the file is empty"
    long = str(Problem("x", "too long", "y" * 200, True))
    assert "..." in long and len(long) < 120


def test_error_lists_every_problem_after_the_file():
    exc = ScenarioError("f.yaml", [Problem("a", "one"), Problem("b", "two")])
    assert str(exc) == "f.yaml: a: one\nf.yaml: b: two"
    assert exc.source == "f.yaml" and len(exc.problems) == 2


@pytest.mark.parametrize(("word", "options", "hint"), [
    ("magnet", ["magnets", "chips"], "; did you mean 'magnets'?"),
    ("zzzz", ["magnets", "chips"], ""),
    ("", [], ""),
    (3, [1, 2, 33], "; did you mean '33'?"),  # compared as text
])
def test_suggest(word, options, hint):
    assert suggest(word, options) == hint


def test_strategy_lookup_uses_aliases_before_suggestions():
    with pytest.raises(KeyError, match="did you mean 'tit_for_tat'"):
        get_strategy("TFT")
    with pytest.raises(KeyError, match="did you mean 'grim_trigger'"):
        get_strategy("grim_triger")
    with pytest.raises(KeyError) as info:
        get_strategy("qqqqqqqq")
    assert "did you mean" not in str(info.value)


def test_frozen_models_refuse_changes_and_unknown_fields():
    class Thing(Frozen):
        size: int

    thing = Thing(size=1)
    with pytest.raises(pydantic.ValidationError):
        thing.size = 2
    with pytest.raises(pydantic.ValidationError):
        Thing(size=1, colour="red")
    # Every schema class derives from it.
    assert issubclass(scenario.Scenario, Frozen) and issubclass(SweepSpec, Frozen)
    assert issubclass(EventLog, Frozen)


def _problems(root, data, **kw):
    with pytest.raises(pydantic.ValidationError) as info:
        root.model_validate(data)
    return [str(p) for p in problems_from(info.value, data, root, **kw)]


def test_translator_on_a_scenario_names_items_by_id(london_data):
    data = {**london_data, "economy": {**london_data["economy"],
                                       "goods": [dict(london_data["economy"]["goods"][0],
                                                      exporterr="china")]}}
    out = _problems(scenario.Scenario, data)
    good = london_data["economy"]["goods"][0]["id"]
    assert out[0] == (f"economy.goods[{good}].exporterr: unknown field; did you mean "
                      "'exporter'? (allowed: id, description, exporter, unit, "
                      "baseline_flow_per_week, exporter_share, row_expansion, row_ramp_weeks, "
                      "leakage_share, shipping_capacity, price_elasticity, price_cap, source)")


def test_translator_on_a_scenario_keeps_the_value_and_lowers_number_messages(london_data):
    data = dict(london_data, horizon_weeks=0)
    del data["name"]
    out = _problems(scenario.Scenario, data)
    assert "name: required field is missing" in out
    assert "horizon_weeks: 0 is not allowed: input should be greater than or equal to 1" in out


def test_translator_on_a_sweep_follows_discriminated_unions():
    base = {"name": "s", "base": "x.yaml", "runs": 1, "seed": 1}
    out = _problems(SweepSpec, {**base, "design": {"method": "sobol", "n": 4, "m": 1}},
                    tags=spec.DESIGNS, lower_all=True)
    assert out == ["design.m: unknown field (allowed: method, n)"]
    out = _problems(SweepSpec, {**base, "design": {"method": "halton"}},
                    tags=spec.DESIGNS, lower_all=True)
    assert out == ["design: {'method': 'halton'} is not allowed: unknown design method "
                   "(known: lhs, sobol, morris)"]
    out = _problems(SweepSpec, {**base, "design": {"method": "lhs"}},
                    tags=spec.DESIGNS, lower_all=True)
    assert out == ["design.points: required field is missing"]
    # Sweep messages are all lower case after "is not allowed: ".
    out = _problems(SweepSpec, {**base, "series": "some"}, tags=spec.DESIGNS, lower_all=True)
    assert "series: 'some' is not allowed: input should be 'all' or 'none'" in out


def test_translator_on_an_event_log_lists_the_event_fields(london):
    with pytest.raises(ScenarioError) as info:
        validate_events({"events": [{"date": "2025-07-01", "milestone": "approved",
                                     "colour": "red"}]}, london, source="log.yaml")
    text = str(info.value)
    assert "log.yaml: events[0].colour: unknown field (allowed: date, actor, instrument, " \
           "milestone," in text
    assert "horizon_weeks" not in text  # not the scenario's fields


def test_error_messages_drop_union_tags():
    from tradesim.distributions import DISTRIBUTION_NAMES, Distribution

    adapter = pydantic.TypeAdapter(Distribution)
    with pytest.raises(pydantic.ValidationError) as info:
        adapter.validate_python({"dist": "uniform", "low": 0.0})
    assert errors.error_messages(info.value, tags=DISTRIBUTION_NAMES) == \
        ["high: Field required"]
