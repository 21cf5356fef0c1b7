"""The model: lifecycle transitions, floors, bounds, supply and firms, determinism."""

from __future__ import annotations

import numpy as np
import pytest

from tradesim.agents import HOLD, RETALIATE, Government, Sector
from tradesim.io import merge
from tradesim.model import (
    BREAKDOWN,
    COMPLIANCE,
    IMPLEMENTATION,
    MILESTONES,
    OUTCOMES,
    PRINCIPLE,
    REJECTED,
    TradeModel,
)

QUIET = {  # no noise, no domestic overrides, fixed parameters: a deterministic world
    "actors": {
        "us": {"strategy": {"name": "tit_for_tat"},
               "domestic": {"industry_weight": 0.0, "hawkishness": 0.0},
               "implementation": {"error": 0.0}, "reciprocity": {"lead": 1.0},
               "retaliation": {"new_measure_share": 0.0}},
        "china": {"strategy": {"name": "tit_for_tat"},
                  "domestic": {"industry_weight": 0.0, "hawkishness": 0.0},
                  "implementation": {"error": 0.0}, "reciprocity": {"lead": 1.0},
                  "retaliation": {"new_measure_share": 0.0},
                  "instruments": [{"id": "rare_earths", "level": 0.9, "lag_weeks": 9.0},
                                  {"id": "magnets", "level": 0.9, "lag_weeks": 9.0}]},
    },
    "approval": {"us": {"weekly_hazard": 1.0, "rejection_hazard": 0.0},
                 "china": {"weekly_hazard": 1.0, "rejection_hazard": 0.0}},
    # The US credits China's whole pipeline (the baseline's fitted credit is below 1).
    "monitoring": {"us": {"default_kind": "rule", "lag_credit": 1.0,
                          "channels": {"rare_earths": {"kind": "rule", "noise_sd": 0.0},
                                       "magnets": {"kind": "rule", "noise_sd": 0.0}}},
                   "china": {"default_kind": "rule", "channels": {"chips": {"noise_sd": 0.0}}}},
    # No new measures; the Geneva tariff cuts are always extended.
    "calendar": [{"id": "us_tariff_pause", "extension_probability": 1.0},
                 {"id": "china_tariff_pause", "extension_probability": 1.0}],
}


def run(scenario, replications=50, seed=1):
    return TradeModel(scenario, replications, seed).run()


def test_agents_are_mesa_agents(london):
    model = TradeModel(london, 4, seed=0)
    governments = list(model.agents_by_type[Government])
    sectors = list(model.agents_by_type[Sector])
    assert [g.actor_id for g in governments] == ["us", "china"]
    assert len(sectors) == len(london.economy.sectors)
    assert all(s.inventory_weeks.shape == (spec.firms, 4)
               for s, spec in zip(sectors, london.economy.sectors, strict=True))


def test_quiet_world_approves_implements_and_holds(variant):
    model = run(variant(QUIET))
    m = model.milestones
    assert np.all(m["approved"] == 1)
    # China eases 0.9 -> 0.2 in 9 equal weekly moves (lag 9: weeks until the change is
    # complete), the first in the approval week.
    assert np.all(m["implemented"] == 1 + 9 - 1)
    assert np.all(m["first_escalation"] == -1)
    assert np.all(model.phase == COMPLIANCE)
    assert np.all(model.outcomes() == OUTCOMES.index("holding"))
    # Every commitment is at its target, and the AI-chip floor still holds.
    us, china = model.governments
    assert np.allclose(china.level[:2], 0.2) and np.allclose(us.level[4], 1.0)


def test_no_approval_stays_pending(variant):
    model = run(variant(merge(QUIET, {"approval": {"us": {"weekly_hazard": 0.0}}})))
    assert np.all(model.phase == PRINCIPLE)
    assert np.all(model.milestones["approved"] == -1)
    assert np.all(model.outcomes() == OUTCOMES.index("pending"))
    # Nothing moves before approval.
    assert np.all(model.actions == HOLD)
    assert np.array_equal(model.series[:8, 0], model.series[:8, -1])  # levels


def test_rejection_is_terminal(variant):
    override = merge(QUIET, {"approval": {"china": {"weekly_hazard": 0.0,
                                                    "rejection_hazard": 1.0}}})
    model = run(variant(override))
    assert np.all(model.milestones["rejected"] == 1)
    assert np.all(model.phase == REJECTED)
    assert np.all(model.outcomes() == OUTCOMES.index("rejected"))


def test_approval_hazard_gives_geometric_waiting_times(variant):
    override = merge(QUIET, {"approval": {"us": {"weekly_hazard": 0.3}, "china": {"weekly_hazard":
                                                                               1.0}},
                "economy": {"pressure_sensitivity": 0.0}})
    model = run(variant(override), replications=20_000, seed=5)
    weeks = model.milestones["approved"]
    assert np.all(weeks >= 1)
    # Geometric with p = 0.3: mean 1/p; standard error sqrt(1-p)/p/sqrt(n) ~ 0.02.
    assert weeks.mean() == pytest.approx(1 / 0.3, abs=0.1)


def test_pressure_speeds_approval(variant):
    slow = merge(QUIET, {"approval": {"us": {"weekly_hazard": 0.05},
                                      "china": {"weekly_hazard": 1.0}}})
    calm = run(variant({**slow, "economy": {"pressure_sensitivity": 0.0}}), 2000, seed=2)
    urged = run(variant({**slow, "economy": {"pressure_sensitivity": 20.0}}), 2000, seed=2)
    assert urged.milestones["approved"].mean() < calm.milestones["approved"].mean()


def test_retaliation_breaks_down_and_a_truce_follows(variant):
    override = merge(QUIET, {"actors": {"us": {"strategy": {"name": "always_retaliate"}}},
                "economy": {"truce_hazard": 1.0}})
    model = TradeModel(variant(override), 10, seed=0)
    model.step()
    assert np.all(model.governments[0].action == RETALIATE)
    assert np.all(model.milestones["first_escalation"] == 1)
    assert np.all(model.milestones["breakdown_1"] == 1)
    assert np.all(model.phase == BREAKDOWN)
    model.step()  # truce hazard 1: a new truce the next week
    assert np.all(model.milestones["truce_1"] == 2)
    assert np.all(model.truces == 1)


def test_slow_licensing_is_not_mistaken_for_a_violation(variant):
    # The Geneva pattern: a 9-week pipeline against a 2-week deadline, zero noise.  The US
    # judges China's reports against China's own pipeline, not a straight line to the
    # deadline, so a compliant slow pipeline raises no alarm (issue 14).
    override = merge(QUIET, {"framework": {"commitments": [
        {"actor": "china", "instrument": "rare_earths", "deadline_weeks": 2},
        {"actor": "china", "instrument": "magnets", "deadline_weeks": 2}]},
        "monitoring": {"us": {"threshold": 1.0}}})
    model = run(variant(override), 5)
    assert np.all(model.milestones["first_escalation"] == -1)
    assert np.all(model.governments[0].monitor.first_alarm == -1)


def test_slow_licensing_judged_against_the_deadline_is_a_violation(variant):
    # The same world, but the US credits none of the pipeline beyond the deadline: it
    # expects China's licences within two weeks, and a compliant 9-week pipeline reads
    # as withholding, as the US read it 18 days after Geneva.
    override = merge(QUIET, {"framework": {"commitments": [
        {"actor": "china", "instrument": "rare_earths", "deadline_weeks": 2},
        {"actor": "china", "instrument": "magnets", "deadline_weeks": 2}]},
        "monitoring": {"us": {"threshold": 1.0, "lag_credit": 0.0}}})
    model = run(variant(override), 5)
    first = model.milestones["first_escalation"]
    assert np.all((first >= 1) & (first <= 3)), first


def test_fast_licensing_inside_the_deadline_never_escalates(variant):
    override = merge(QUIET, {"framework": {"commitments": [
        {"actor": "china", "instrument": "rare_earths", "deadline_weeks": 12},
        {"actor": "china", "instrument": "magnets", "deadline_weeks": 12}]}})
    model = run(variant(override), 5)
    assert np.all(model.milestones["first_escalation"] == -1)


def test_levels_stay_in_bounds_and_above_floors(variant):
    # A volatile world: noisy monitoring, hawks, random strategies.
    override = {"actors": {"us": {"strategy": {"name": "random", "p": 0.6},
                                  "domestic": {"hawkishness": 0.5}},
                           "china": {"strategy": {"name": "random", "p": 0.6}}},
                "monitoring": {"us": {"channels": {"magnets": {"noise_sd": 0.5},
                                                    "rare_earths": {"noise_sd": 0.5}}},
                               "china": {"default_kind": "licences"}},
                "economy": {"truce_hazard": 0.5}}
    scenario = variant(override)
    model = run(scenario, 500, seed=3)
    names = model.series_names
    bounds = TradeModel.series_bounds_for(scenario).astype(np.float32)
    assert np.all(model.series >= 0.0)
    assert np.all(model.series <= bounds[:, np.newaxis, np.newaxis])
    k = names.index("us.ai_chips")
    assert np.all(model.series[k] == 1.0)  # the national-security floor never moves
    for g, actor in zip(model.governments, scenario.actors.values(), strict=True):
        for inst in actor.instruments:
            row = model.series[names.index(f"{g.actor_id}.{inst.id}")]
            assert np.all(row >= np.float32(inst.floor))
    # All three actions occur, and every outcome code is valid.
    assert {-1, 0, 1} <= set(np.unique(model.actions))
    assert set(np.unique(model.outcomes())) <= set(range(len(OUTCOMES)))


def test_supply_index_is_the_licensed_share_of_demand(london):
    model = TradeModel(london, 20, seed=4).run()
    names = model.series_names
    magnets = model.series[names.index("supply.magnets")]
    level = model.series[names.index("china.magnets")]
    available = model.series[names.index("available.magnets")]
    spec = next(g for g in london.economy.goods if g.id == "magnets")
    # Buyers restocking order more than normal use, so the exporter's flow index is
    # (1 - level) times the demand placed with it, which can exceed 1 - level and 1.0.
    assert np.all(magnets <= (1.0 - level) * spec.shipping_capacity / spec.exporter_share + 1e-5)
    assert np.all(available <= spec.shipping_capacity + 1e-6)
    assert np.all(available >= magnets * spec.exporter_share - 1e-6)
    # Defense uses magnets and heavy rare earths: its arrivals are the scarcer of the two.
    assert model.sectors[2].inputs == [model.goods.index("magnets"),
                                       model.goods.index("heavy_rare_earths")]


def test_firms_halt_when_inventory_runs_out(variant):
    override = merge(QUIET, {"approval": {"us": {"weekly_hazard": 0.0}},  # controls stay
                "actors": {"china": {"instruments": [{"id": "magnets", "level": 1.0}]}},
                "economy": {"goods": [{"id": "magnets", "exporter_share": 1.0,
                                       "leakage_share": 0.0, "row_expansion": 0.0}],
                            "sectors": [{"id": "autos_ev", "inventory_weeks": 3.5,
                                         "cover_spread": 0.0, "substitutable_share": 0.0}]}})
    model = run(variant(override), 3)
    halted = model.series[model.series_names.index("halted.autos_ev")]
    output = model.series[model.series_names.index("output.autos_ev")]
    # 3.5 weeks of cover and no arrivals: full output in weeks 1-3, half in week 4,
    # halted from week 5.
    assert np.all(output[1:4] == 1.0) and np.allclose(output[4], 0.5)
    assert np.all(output[5:] == 0.0)
    assert np.all(halted[:5] == 0.0)
    assert np.all(halted[5:] == 1.0)
    pressure = model.series[model.series_names.index("pressure.us")]
    assert np.all(pressure[4:] > 0.0)


def test_same_seed_same_results_and_seeds_differ(london):
    a = TradeModel(london, 64, seed=11).run()
    b = TradeModel(london, 64, seed=11).run()
    c = TradeModel(london, 64, seed=12).run()
    assert np.array_equal(a.series, b.series)
    assert all(np.array_equal(a.milestones[k], b.milestones[k]) for k in MILESTONES)
    assert not np.array_equal(a.series, c.series)


def test_a_replication_does_not_depend_on_its_neighbours(london):
    whole = TradeModel(london, 40, seed=9).run()
    for i in (0, 17, 39):
        alone = TradeModel(london, 1, seed=9, first_replication=i).run()
        assert np.array_equal(alone.series[:, :, 0], whole.series[:, :, i])
        assert alone.outcomes()[0] == whole.outcomes()[i]


def test_a_single_run_is_the_same_model(london):
    model = TradeModel(london, seed=3)
    assert model.replications == 1
    model.run()
    assert model.week == london.horizon_weeks and not model.running
    with pytest.raises(RuntimeError, match="horizon"):
        model.step()


def test_implementation_phase_precedes_compliance(variant):
    model = run(variant(QUIET), 3)
    phases = model.phases[:, 0]
    assert phases[0] == PRINCIPLE
    assert phases[1] == IMPLEMENTATION
    assert phases[-1] == COMPLIANCE


def test_overrides_replace_parameters(london):
    model = TradeModel(london, 8, seed=1, overrides={"approval.us.weekly_hazard": 0.0})
    model.run()
    assert np.all(model.milestones["approved"] == -1)
    with pytest.raises(KeyError, match="unknown parameter path"):
        TradeModel(london, 2, seed=1, overrides={"approval.us.weekly": 0.0})


def test_close_frees_the_agents_arrays_without_waiting_for_the_cyclic_collector() -> None:
    import gc
    import weakref

    from tradesim.io import load_scenario

    scenario = load_scenario("scenarios/london-2025.yaml").model_copy(
        update={"horizon_weeks": 6})
    model = TradeModel(scenario, 50, seed=1).run()
    arrays = [weakref.ref(model.governments[0].level),
              weakref.ref(model.governments[1].monitor.belief),
              weakref.ref(model.sectors[0].inventory_weeks)]
    gc.disable()
    try:
        model.close()
        del model
        assert [ref() is None for ref in arrays] == [True, True, True]
    finally:
        gc.enable()
