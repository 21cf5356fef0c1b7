"""Every registered strategy, checked the same way (as Axelrod's shared test base does)."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import numpy as np
import pytest

from tradesim.strategies import (
    STRATEGIES,
    GrimTrigger,
    Strategy,
    get_strategy,
    make_strategy,
    register,
)

# Outcome states (own move, partner's move) in memory-one order CC, CD, DC, DD.
MY_LAST = np.array([True, True, False, False])
THEIR_LAST = np.array([0.0, 1.0, 0.0, 1.0])

EXPECTED = {
    "tit_for_tat": (1, 0, 1, 0),
    "generous_tit_for_tat": (1, 1 / 3, 1, 1 / 3),
    "win_stay_lose_shift": (1, 0, 0, 1),
    "grim_memory_one": (1, 0, 0, 0),
    "always_ease": (1, 1, 1, 1),
    "always_retaliate": (0, 0, 0, 0),
    "random": (0.5, 0.5, 0.5, 0.5),
    "memory_one": (1, 0, 1, 0),
    "proportional": (1, 0, 1, 0),
}


def cooperation_rates(strategy: Strategy, n: int = 40_000, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    my_last = np.repeat(MY_LAST, n)
    their_last = np.repeat(THEIR_LAST, n)
    state = strategy.initial_state(4 * n)
    cooperate = strategy.cooperate(my_last, their_last, state, rng.random(4 * n))
    return cooperate.reshape(4, n).mean(axis=1)


def test_registry_has_every_named_rule():
    assert set(EXPECTED) | {"grim_trigger"} == set(STRATEGIES)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_memory_one_behaviour(name):
    strategy = make_strategy(name)
    assert strategy.memory_one_vector() == pytest.approx(EXPECTED[name])
    rates = cooperation_rates(strategy)
    # Binomial standard error at n = 40,000 is at most 0.0025; allow 5 of them.
    assert rates == pytest.approx(EXPECTED[name], abs=0.0125)


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_every_strategy_is_documented_and_cites_a_source(name):
    cls = STRATEGIES[name]
    assert cls.name == name and cls.display_name
    assert "Source" in (cls.__doc__ or ""), f"{cls.__name__} docstring must cite its source"


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_same_draws_give_same_decisions(name):
    strategy = make_strategy(name)
    a = cooperation_rates(strategy, n=500, seed=3)
    b = cooperation_rates(strategy, n=500, seed=3)
    assert np.array_equal(a, b)


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_opening_follows_first_move(name):
    strategy = make_strategy(name)
    u = (np.arange(1000) + 0.5) / 1000
    assert strategy.opening(u).mean() == pytest.approx(strategy.first_move, abs=1e-3)


def test_grim_trigger_never_forgives_until_reset():
    grim = GrimTrigger()
    state = grim.initial_state(3)
    u = np.zeros(3)
    coop = np.ones(3, dtype=bool)
    assert grim.cooperate(coop, np.array([0.0, 1.0, 0.0]), state, u).tolist() == \
        [True, False, True]
    # The partner cooperates again: grim still defects where it was triggered.
    assert grim.cooperate(coop, np.zeros(3), state, u).tolist() == [True, False, True]
    grim.reset_state(state, np.array([False, True, False]))
    assert grim.cooperate(coop, np.zeros(3), state, u).tolist() == [True, True, True]


def test_proportional_responds_in_proportion_to_the_degree():
    strategy = make_strategy("proportional")
    n = 20_000
    u = (np.arange(n) + 0.5) / n
    for degree in (0.0, 0.25, 0.6, 1.0):
        cooperate = strategy.cooperate(np.ones(n, bool), np.full(n, degree), None, u)
        assert cooperate.mean() == pytest.approx(1 - degree, abs=1e-3)


def test_parameters_may_be_arrays_over_replications():
    forgiveness = np.array([0.0, 1.0])
    strategy = make_strategy("generous_tit_for_tat", forgiveness=forgiveness)
    out = strategy.cooperate(np.ones(2, bool), np.ones(2), None, np.full(2, 0.5))
    assert out.tolist() == [False, True]


def test_parameters_are_checked():
    with pytest.raises(ValueError, match="forgiveness must be a probability"):
        make_strategy("generous_tit_for_tat", forgiveness=1.5)
    with pytest.raises(TypeError):
        make_strategy("memory_one", 1.0, 0.0, 1.0, 0.0)  # keyword-only: no silent shifts


def test_unknown_names_suggest():
    with pytest.raises(KeyError, match="did you mean 'win_stay_lose_shift'"):
        get_strategy("win_stay_lose_shfit")
    with pytest.raises(KeyError, match="did you mean 'tit_for_tat'"):
        get_strategy("tft")


def test_users_register_their_own():
    @register
    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Cautious(Strategy):
        """Retaliate only after two signs of defection in a row.  Source: a test."""

        name: ClassVar[str] = "test_cautious"
        display_name: ClassVar[str] = "Cautious"
        memory_depth: ClassVar[int] = 2

        def initial_state(self, n):
            return np.zeros(n, dtype=bool)

        def cooperate(self, my_last, their_last, state, u):
            defect = state & (their_last > 0)
            state[:] = their_last > 0
            return ~defect

    try:
        strategy = make_strategy("test_cautious")
        state = strategy.initial_state(1)
        seen = [strategy.cooperate(np.ones(1, bool), np.ones(1), state, np.zeros(1))[0]
                for _ in range(3)]
        assert seen == [True, False, False]
        with pytest.raises(ValueError, match="already registered"):
            register(type("Other", (Cautious,), {"name": "test_cautious"}))
    finally:
        STRATEGIES.pop("test_cautious", None)


def test_register_refuses_non_strategies():
    with pytest.raises(TypeError):
        register(int)
