"""Mesa's batch_run works on BatchTradeModel; TradeModel itself has no data collector."""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd
import pytest

import tradesim
from tradesim.batch import BatchTradeModel, model_reporters


@pytest.fixture(scope="module")
def scenario() -> tradesim.Scenario:
    return tradesim.load_scenario("scenarios/london-2025.yaml").model_copy(
        update={"horizon_weeks": 20})


def test_batch_run_collects_aggregates_every_step(scenario) -> None:
    rows = mesa.batch_run(BatchTradeModel, {"scenario": [scenario], "replications": [64],
                                            "seed": [1, 2]},
                          data_collection_period=1, display_progress=False)
    frame = pd.DataFrame(rows)
    assert len(frame) == 2 * 20
    assert list(frame.loc[frame.seed == 1, "week"]) == list(range(1, 21))
    assert {"china.magnets", "phase.implementation", "reached.approved"} <= set(frame.columns)
    # the same numbers as the ensemble of the same seed (replication i: stream i)
    results = tradesim.run(scenario, runs=64, seed=1)
    ours = results.series_frame("china.magnets")["mean"].to_numpy()[1:]
    theirs = frame.loc[frame.seed == 1, "china.magnets"].to_numpy()
    np.testing.assert_allclose(theirs, ours, atol=1e-6)
    reached = results.milestone_curve("approved")[1:]
    np.testing.assert_allclose(frame.loc[frame.seed == 1, "reached.approved"], reached)


def test_lazy_collector_equals_collecting_live(scenario) -> None:
    model = BatchTradeModel(scenario, replications=16, seed=3)
    live = mesa.DataCollector(model_reporters=model_reporters(model))
    while model.running:
        model.step()
        live.collect(model)
    pd.testing.assert_frame_equal(model.datacollector.get_model_vars_dataframe(),
                                  live.get_model_vars_dataframe())


def test_trade_model_itself_has_no_collector_so_the_ensemble_pays_nothing(scenario) -> None:
    model = tradesim.TradeModel(scenario, replications=4, seed=1)
    assert not hasattr(model, "datacollector")
    with pytest.raises(AttributeError, match="datacollector"):
        mesa.batch_run(tradesim.TradeModel, {"scenario": [scenario], "seed": [1]},
                       display_progress=False)


@pytest.mark.skipif(tuple(int(x) for x in mesa.__version__.split(".")[:2]) < (3, 5),
                    reason="batch_run takes rng from Mesa 3.5")
def test_batch_run_rng_argument_seeds_as_seed_parameter_does(scenario) -> None:
    by_rng = mesa.batch_run(BatchTradeModel, {"scenario": [scenario], "replications": [16]},
                            rng=[5], data_collection_period=-1, display_progress=False)
    by_seed = mesa.batch_run(BatchTradeModel, {"scenario": [scenario], "replications": [16],
                                               "seed": [5]},
                             data_collection_period=-1, display_progress=False)
    assert by_rng[-1]["china.magnets"] == by_seed[-1]["china.magnets"]


def test_seed_and_rng_together_are_refused(scenario) -> None:
    with pytest.raises(ValueError, match="not both"):
        BatchTradeModel(scenario, replications=2, seed=1, rng=2)
