"""The economy: markets, restocking, rest-of-world supply, prices, partial output, losses.

Each test sets up a world where the governments cannot move (neither leader
approves, so every instrument holds its level) and then sets the levels by hand
between weeks: the economy is deterministic given the levels.
"""

from __future__ import annotations

import numpy as np
import pytest

from tradesim.io import merge
from tradesim.model import TradeModel

FROZEN = {  # no approval, no noise: levels move only when a test moves them
    "approval": {"us": {"weekly_hazard": 0.0, "rejection_hazard": 0.0},
                 "china": {"weekly_hazard": 0.0, "rejection_hazard": 0.0}},
    "monitoring": {"us": {"channels": {"rare_earths": {"noise_sd": 0.0},
                                       "magnets": {"noise_sd": 0.0}}},
                   "china": {"default_kind": "rule"}},
    "actors": {"china": {"instruments": [{"id": "rare_earths", "level": 0.9, "lag_weeks": 9.0},
                                         {"id": "magnets", "level": 0.9, "lag_weeks": 9.0}]}},
}


def series(model: TradeModel, name: str) -> np.ndarray:
    """Weeks 0..model.week of one recorded series (later weeks are not written yet)."""
    return model.series[model.series_names.index(name), :model.week + 1].astype(np.float64)


def set_level(model: TradeModel, actor: str, instrument: str, level: float) -> None:
    k = model.actor_ids.index(actor)
    ids = [i.id for i in model.trade_scenario.actors[actor].instruments]
    g = model.governments[k]
    g.level[ids.index(instrument)] = np.maximum(level, g.floor[ids.index(instrument)])


def steps(model: TradeModel, weeks: int) -> None:
    for _ in range(weeks):
        model.step()


@pytest.fixture
def frozen(variant):
    def make(extra: dict | None = None):
        return variant(merge(FROZEN, extra or {}))
    return make


def test_a_full_ban_still_leaves_rest_of_world_supply(frozen):
    scenario = frozen({"actors": {"china": {"instruments": [{"id": "magnets", "level": 1.0}]}}})
    model = TradeModel(scenario, 8, seed=1).run()
    spec = next(g for g in scenario.economy.goods if g.id == "magnets")
    supply, available = series(model, "supply.magnets"), series(model, "available.magnets")
    price = series(model, "price.magnets")
    assert np.all(supply == 0.0)  # nothing licensed by the exporter
    # The rest of the world still ships its 2024 share, plus what it adds while prices are high.
    assert np.all(available >= 1.0 - spec.exporter_share - 1e-6)
    assert np.all(np.diff(available[1:], axis=0) >= -1e-6)
    assert available[-1].min() > available[1].max()
    assert np.all(price[1:] > 1.0)
    ceiling = 1.0 - spec.exporter_share + spec.row_expansion
    leaked = spec.leakage_share * spec.shipping_capacity
    assert np.all(available <= ceiling + leaked + 1e-6)


def test_inventories_rebuild_after_a_cut_and_flows_overshoot(frozen):
    model = TradeModel(frozen(), 4, seed=2)
    set_level(model, "china", "magnets", 1.0)
    set_level(model, "china", "rare_earths", 1.0)
    steps(model, 20)
    autos = model.sectors[[s.sector_id for s in model.sectors].index("autos_ev")]
    run_down = autos.inventory_weeks.mean()
    set_level(model, "china", "magnets", 0.0)
    set_level(model, "china", "rare_earths", 0.0)
    steps(model, 60)
    supply = series(model, "supply.magnets")
    # Buyers restock: the exporter's flow exceeds its 2024 average for a while, then settles.
    assert supply[21:40].max() > 1.05
    assert np.allclose(supply[-1], supply[-2], atol=1e-4)
    # Stocks are back at the target cover (in weeks of use, after substitution).
    target = np.minimum(autos.target_cover_weeks, autos.max_cover_weeks) * autos.requirement
    assert run_down < 1.0
    assert np.allclose(autos.inventory_weeks, target, atol=0.05)
    assert np.all(series(model, "output.autos_ev")[-10:] == 1.0)


def test_prices_return_to_one_when_supply_meets_demand(frozen):
    model = TradeModel(frozen(), 4, seed=3)
    steps(model, 10)
    price = series(model, "price.magnets")
    assert np.all(price[1:11] > 1.0)  # scarce while licences are withheld
    set_level(model, "china", "magnets", 0.0)
    set_level(model, "china", "rare_earths", 0.0)
    steps(model, 60)
    price = series(model, "price.magnets")
    assert np.all(price[-10:] == 1.0)
    assert np.all(series(model, "price.heavy_rare_earths")[-10:] == 1.0)


def test_halts_vanish_under_full_compliance_when_other_supply_suffices(frozen):
    # Every side at its framework target; the rest of the world can make up the residual.
    everyone = {"row_expansion": 1.0, "row_ramp_weeks": 26.0}
    goods = ["heavy_rare_earths", "magnets", "eda_software", "ethane", "jet_engine_parts",
             "mid_tier_chips"]
    scenario = frozen({"economy": {"goods": [{"id": g, **everyone} for g in goods]}})
    model = TradeModel(scenario, 16, seed=4)
    for c in scenario.framework.commitments:
        set_level(model, c.actor, c.instrument, c.target)
    model.run()
    for s in scenario.economy.sectors:
        assert np.all(series(model, f"halted.{s.id}")[-20:] == 0.0), s.id
        assert np.all(series(model, f"output.{s.id}")[-20:] == 1.0), s.id
    # Losses stop growing once output is back.
    loss = series(model, "loss.autos_ev")
    assert np.all(loss[-1] == loss[-20])


def test_losses_are_zero_when_nothing_is_short(frozen):
    at_target = {"inventory_weeks": 8.0, "target_cover_weeks": 8.0, "cover_spread": 0.0}
    scenario = frozen({
        "actors": {"china": {"instruments": [{"id": "rare_earths", "level": 0.0},
                                             {"id": "magnets", "level": 0.0}]},
                   "us": {"instruments": [{"id": i, "level": 0.0} for i in
                                          ("eda_software", "ethane", "jet_engines", "chips",
                                           "student_visas")]}},
        "economy": {"sectors": [{"id": s, **at_target} for s in
                                ("autos_ev", "semiconductors", "defense", "chip_design",
                                 "petrochemicals", "aviation", "ai_compute")]}})
    model = TradeModel(scenario, 8, seed=5).run()
    for s in scenario.economy.sectors:
        assert np.all(series(model, f"loss.{s.id}") == 0.0)
        assert np.all(series(model, f"output.{s.id}")[1:] == 1.0)
        assert np.all(series(model, f"halted.{s.id}") == 0.0)
    for a in scenario.actors:
        assert np.all(series(model, f"country_loss.{a}") == 0.0)
    for g in ("magnets", "heavy_rare_earths", "eda_software", "ethane"):
        assert np.all(series(model, f"price.{g}")[1:] == 1.0)
        assert np.allclose(series(model, f"supply.{g}")[1:], 1.0, atol=1e-6)


def test_losses_are_the_value_added_of_the_output_lost(frozen):
    model = TradeModel(frozen(), 6, seed=6).run()
    for s in model.sectors:
        output = series(model, f"output.{s.sector_id}")
        expected = np.cumsum(s.value_added / 52.0 * (1.0 - output[1:]), axis=0)
        assert np.allclose(series(model, f"loss.{s.sector_id}")[1:], expected, rtol=1e-5,
                           atol=1e-4)
    us = sum(series(model, f"loss.{s.sector_id}") for s in model.sectors if s.actor_id == "us")
    assert np.allclose(series(model, "country_loss.us"), us, rtol=1e-5)


def test_halted_shares_do_not_oscillate_when_inputs_are_constant(frozen):
    # The case that alternated 55% / 53% week by week: chips licensed at half their flow.
    scenario = frozen({"actors": {"us": {"instruments": [{"id": "chips", "level": 0.5}]}}})
    model = TradeModel(scenario, 400, seed=7).run()
    tolerance = 0.005
    for s in scenario.economy.sectors:
        for kind in ("halted", "output"):
            mean = series(model, f"{kind}.{s.id}").mean(axis=1)
            steps_ = np.abs(np.diff(mean[40:]))
            assert steps_.max() < tolerance, (kind, s.id, steps_.max())


def test_output_is_partial_and_firms_restart(frozen):
    scenario = frozen({"actors": {"us": {"instruments": [{"id": "chips", "level": 0.5}]}},
                       "economy": {"goods": [{"id": "mid_tier_chips", "row_expansion": 0.0,
                                              "exporter_share": 1.0, "leakage_share": 0.0}],
                                   "sectors": [{"id": "ai_compute",
                                                "substitutable_share": 0.0}]}})
    model = TradeModel(scenario, 4, seed=8)
    steps(model, 60)
    output = series(model, "output.ai_compute")
    # Half of every order is licensed.  Firms short of stock order as much as can ship
    # (1.5 weeks of use), so 0.75 of a week arrives and they run at 75%, none idle.
    spec = next(g for g in scenario.economy.goods if g.id == "mid_tier_chips")
    assert np.allclose(output[-10:], 0.5 * spec.shipping_capacity, atol=1e-6)
    assert np.all(series(model, "halted.ai_compute")[-10:] == 0.0)
    set_level(model, "us", "chips", 0.0)
    steps(model, 30)
    assert np.all(series(model, "output.ai_compute")[-10:] == 1.0)


def test_substitution_cuts_the_imported_input_needed(frozen):
    base = {"actors": {"china": {"instruments": [{"id": "magnets", "level": 1.0}]}}}
    plain = TradeModel(frozen(base), 4, seed=9).run()
    subst = TradeModel(frozen(merge(base, {"economy": {"sectors": [
        {"id": "autos_ev", "substitutable_share": 0.5, "substitution_weeks": 10.0}]}})),
        4, seed=9).run()
    assert np.all(series(subst, "output.autos_ev")[-1] > series(plain, "output.autos_ev")[-1])
    assert np.all(series(subst, "loss.autos_ev")[-1] < series(plain, "loss.autos_ev")[-1])


def test_impact_can_be_derived_from_value_added_at_risk(variant):
    scenario = variant({"economy": {"impact_from_value_added": True}})
    model = TradeModel(scenario, 3, seed=10)
    china = model.governments[1]
    sectors = {s.id: s for s in scenario.economy.sectors}
    goods = {g.id: g for g in scenario.economy.goods}
    # Magnets: used by US car makers and defense; exposure 0.85 * (1 - 0.05).
    exposure = goods["magnets"].exporter_share * (1 - goods["magnets"].leakage_share)
    expected = exposure * (sectors["autos_ev"].value_added + sectors["defense"].value_added)
    assert np.allclose(china.impact[1], expected)
    # An instrument that cuts no good a sector uses keeps its declared impact.
    us = model.governments[0]
    ids = [i.id for i in scenario.actors["us"].instruments]
    assert np.allclose(us.impact[ids.index("student_visas")], 2.0)
