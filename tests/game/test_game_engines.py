"""Tests of tradesim.game.engines: the Monte Carlo engines, held to the exact results."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from game_oracle import MEMORY_ONE, N_MATCHES, NOISES, PAIRS, Z, check_batch, check_mean, m1

from tradesim import game as G
from tradesim.game import MemoryOneChain, StageGame, engines, exact_table, play, play_batch
from tradesim.strategies import make_strategy


@pytest.mark.parametrize("noise", NOISES)
@pytest.mark.parametrize(("name_a", "name_b"), PAIRS)
def test_monte_carlo_matches_exact_finite_horizon(name_a, name_b, noise):
    a, b = MEMORY_ONE[name_a], MEMORY_ONE[name_b]
    seed = [PAIRS.index((name_a, name_b)), NOISES.index(noise), 104]
    batch = play_batch(a, b, 104, N_MATCHES, noise=noise, seed=seed)
    assert batch.engine == "table"
    chain = MemoryOneChain.from_strategies(a, b, noise=noise)
    check_batch(batch, chain, 104, f"{name_a} vs {name_b}, e={noise}")


@pytest.mark.parametrize("noise", [0.05, 0.1])
@pytest.mark.parametrize(("name_a", "name_b"), PAIRS)
def test_long_matches_approach_stationary(name_a, name_b, noise):
    """1000-round averages against the unique stationary distribution (ergodic chains).

    The 1000-round expectation differs from the stationary one by the exact transient
    term ``|occupancy/T - pi|``, asserted small here and added to the tolerance.
    """
    a, b = MEMORY_ONE[name_a], MEMORY_ONE[name_b]
    turns = 1000
    chain = MemoryOneChain.from_strategies(a, b, noise=noise)
    assert chain.is_unique
    pi = G.stationary_distribution(a, b, noise=noise)
    transient = np.abs(chain.occupancy(turns) / turns - pi)
    assert transient.max() < 0.02
    seed = [PAIRS.index((name_a, name_b)), NOISES.index(noise), turns]
    freq = play_batch(a, b, turns, 1000, noise=noise, seed=seed).frequencies
    se = freq.std(axis=0, ddof=1) / math.sqrt(len(freq))
    err = np.abs(freq.mean(axis=0) - pi)
    assert np.all((err <= Z * se + transient) | ((se == 0) & (err < 1e-12))), (err, se)


@pytest.mark.parametrize(("noise", "monitoring"), [(0.0, 0.05), (0.02, 0.1)])
@pytest.mark.parametrize("engine", ["table", "generic"])
@pytest.mark.parametrize(("name_a", "name_b"), [
    ("tit_for_tat", "gtft_1/3"), ("win_stay_lose_shift", "memory_one"),
    ("proportional", "grim_memory_one"), ("random_0.5", "tit_for_tat"),
])
def test_monitoring_noise_matches_exact(name_a, name_b, engine, noise, monitoring):
    a, b = MEMORY_ONE[name_a], MEMORY_ONE[name_b]
    batch = play_batch(a, b, 104, 2000, noise=noise, monitoring_noise=monitoring,
                       seed=[7, int(monitoring * 100)], engine=engine)
    chain = MemoryOneChain.from_strategies(a, b, noise=noise, monitoring_noise=monitoring)
    check_batch(batch, chain, 104, f"{name_a} vs {name_b} ({engine})")


@pytest.mark.parametrize("noise", [0.0, 0.05])
@pytest.mark.parametrize(("name_a", "name_b"), list(itertools.product(
    ["tit_for_tat", "gtft_1/3", "win_stay_lose_shift", "memory_one", "proportional",
     "random_0.5"], repeat=2)))
def test_generic_engine_matches_exact(name_a, name_b, noise):
    """The engine that calls Strategy.cooperate each round obeys the same chain."""
    a, b = MEMORY_ONE[name_a], MEMORY_ONE[name_b]
    batch = play_batch(a, b, 104, 1500, noise=noise, seed=[11, int(noise * 100)],
                       engine="generic")
    assert batch.engine == "generic"
    check_batch(batch, MemoryOneChain.from_strategies(a, b, noise=noise), 104,
                 f"generic {name_a} vs {name_b}")


def test_checker_has_power():
    """The 4-SE check rejects the exact values of a different pair (it can fail)."""
    batch = play_batch("tit_for_tat", MEMORY_ONE["gtft_1/3"], 104, N_MATCHES, noise=0.05,
                       seed=3)
    wrong = MemoryOneChain.from_strategies("tit_for_tat", "tit_for_tat", noise=0.05)
    with pytest.raises(AssertionError):
        check_batch(batch, wrong, 104, "wrong pair")
    with pytest.raises(AssertionError):
        check_mean(np.ones(10), 0.999, "zero spread")


def test_play_is_play_batch_with_one_match():
    for seed in range(5):
        a, b = play(MEMORY_ONE["gtft_1/3"], "win_stay_lose_shift",
                    150, noise=0.1, seed=seed, monitoring_noise=0.05)
        batch = play_batch(MEMORY_ONE["gtft_1/3"], "win_stay_lose_shift", 150, 1, noise=0.1,
                           monitoring_noise=0.05, seed=seed, record=True)
        np.testing.assert_array_equal(a, batch.history_a[0])
        np.testing.assert_array_equal(b, batch.history_b[0])
        assert a.dtype == bool and a.shape == (150,)


def test_deterministic_matches():
    a, b = play("tit_for_tat", "always_retaliate", 5, seed=0)
    assert a.tolist() == [True, False, False, False, False]
    assert b.tolist() == [False] * 5
    a, b = play("win_stay_lose_shift", "always_retaliate", 5)
    assert a.tolist() == [True, False, True, False, True]
    # Tit for tat opening with D against tit for tat: they alternate.
    a, b = play(make_strategy("tit_for_tat", first_move=0.0), "tit_for_tat", 4)
    assert a.tolist() == [False, True, False, True]
    assert b.tolist() == [True, False, True, False]


@pytest.mark.parametrize("engine", ["table", "generic"])
@pytest.mark.parametrize(("n", "turns"), [(1, 1), (3, 64), (5, 65), (engines.BLOCK_SIZE + 3, 130)])
def test_counts_agree_with_histories(engine, n, turns):
    game = StageGame(4.0, -1.0, 6.0, 0.5, column=(2.0, 0.0, 3.0, 1.0))
    batch = play_batch(MEMORY_ONE["memory_one"],
                       MEMORY_ONE["gtft_1/3"], turns, n, noise=0.05, monitoring_noise=0.02,
                       seed=5, record=True, game=game, engine=engine)
    ha, hb = batch.history_a, batch.history_b
    assert ha.shape == hb.shape == (n, turns)
    expected = np.stack([(ha & hb).sum(1), (ha & ~hb).sum(1), (~ha & hb).sum(1),
                         (~ha & ~hb).sum(1)], axis=1)
    np.testing.assert_array_equal(batch.counts, expected)
    pay_a = np.where(ha, np.where(hb, 4.0, -1.0), np.where(hb, 6.0, 0.5)).sum(1)
    pay_b = np.where(hb, np.where(ha, 2.0, 0.0), np.where(ha, 3.0, 1.0)).sum(1)
    np.testing.assert_allclose(batch.payoffs_a, pay_a)
    np.testing.assert_allclose(batch.payoffs_b, pay_b)
    assert batch.counts.sum(1).tolist() == [turns] * n
    unrecorded = play_batch(MEMORY_ONE["memory_one"], MEMORY_ONE["gtft_1/3"], turns, n,
                            noise=0.05, monitoring_noise=0.02, seed=5, engine=engine)
    np.testing.assert_array_equal(unrecorded.counts, batch.counts)
    assert unrecorded.history_a is None


def test_seeding():
    def run(seed):
        return play_batch(MEMORY_ONE["gtft_1/3"], "tit_for_tat",
                          50, 100, noise=0.1, seed=seed).counts

    np.testing.assert_array_equal(run(42), run(42))
    np.testing.assert_array_equal(run(42), run(np.random.SeedSequence(42)))
    np.testing.assert_array_equal(run(42), run(np.random.Generator(np.random.PCG64(42))))
    assert not np.array_equal(run(42), run(43))
    rng = np.random.default_rng(1)
    assert not np.array_equal(run(rng), run(rng))  # a Generator is consumed, not copied


def test_grim_trigger_uses_generic_engine_and_is_refused_by_exact():
    grim = make_strategy("grim_trigger")
    batch = play_batch(grim, "always_ease", 20, 10, seed=1)
    assert batch.engine == "generic"
    assert (batch.counts[:, 0] == 20).all()
    # One defection (opening D, then always ease) triggers it for good.
    opener = m1(1.0, 1.0, 1.0, 1.0, first_move=0.0)
    a, _ = play(grim, opener, 6)
    assert a.tolist() == [True] + [False] * 5
    a_m1, _ = play("grim_memory_one", opener, 6)
    np.testing.assert_array_equal(a, a_m1)
    with pytest.raises(ValueError, match="grim_memory_one"):
        MemoryOneChain.from_strategies(grim, "tit_for_tat")
    with pytest.raises(ValueError, match="grim_memory_one"):
        exact_table("tit_for_tat", "grim_trigger")
    with pytest.raises(ValueError, match="table engine"):
        play_batch(grim, "tit_for_tat", 5, 5, engine="table")


def test_input_validation():
    with pytest.raises(ValueError):
        play_batch("tit_for_tat", "tit_for_tat", 0, 5)
    with pytest.raises(ValueError):
        play_batch("tit_for_tat", "tit_for_tat", 5, 5, noise=1.5)
    with pytest.raises(ValueError):
        play_batch("tit_for_tat", "tit_for_tat", 5, 5, monitoring_noise=-0.1)
    with pytest.raises(ValueError, match="scalar"):
        play_batch(make_strategy("generous_tit_for_tat", forgiveness=np.array([0.1, 0.2])),
                   "tit_for_tat", 5, 2)
    with pytest.raises(KeyError, match="did you mean"):
        play("tit_for_tatt", "tit_for_tat", 5)


# ----------------------------------------------------------------------------------------
# One random stream per match (issue 13, item 4)
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["table", "generic"])
def test_results_do_not_depend_on_block_size(engine, monkeypatch):
    """A seed fixes each match, whether the batch runs in one block or in blocks of 1, 7, 64."""
    def run(n=150):
        return play_batch(MEMORY_ONE["memory_one"], MEMORY_ONE["gtft_1/3"], 70, n, noise=0.05,
                          monitoring_noise=0.02, seed=[3, 1], record=True, engine=engine)

    whole = run()
    assert whole.engine == engine
    for block, chunk in [(1, 64), (7, 5), (64, 1), (150, 70)]:
        monkeypatch.setattr(engines, "BLOCK_SIZE", block)
        monkeypatch.setattr(engines, "TURN_CHUNK", chunk)
        split = run()
        np.testing.assert_array_equal(split.history_a, whole.history_a)
        np.testing.assert_array_equal(split.history_b, whole.history_b)
        np.testing.assert_array_equal(split.counts, whole.counts)
    monkeypatch.undo()
    # Nor on the number of matches played alongside: a batch's first matches are those
    # of a smaller batch, and play() is match 0.
    first = run(9)
    np.testing.assert_array_equal(first.history_a, whole.history_a[:9])
    np.testing.assert_array_equal(first.history_b, whole.history_b[:9])
    if engine == "table":
        a, b = play(MEMORY_ONE["memory_one"], MEMORY_ONE["gtft_1/3"], 70, noise=0.05,
                    monitoring_noise=0.02, seed=[3, 1])
        np.testing.assert_array_equal(a, whole.history_a[0])
        np.testing.assert_array_equal(b, whole.history_b[0])
    # The matches are not copies of one another, and another seed changes them.
    assert len({row.tobytes() for row in whole.history_a}) > 100
    other = play_batch(MEMORY_ONE["memory_one"], MEMORY_ONE["gtft_1/3"], 70, 150, noise=0.05,
                       monitoring_noise=0.02, seed=[3, 2], record=True, engine=engine)
    assert not np.array_equal(other.history_a, whole.history_a)


def test_engines_draw_from_different_streams():
    """Table and generic engines do not share uniforms (their words differ by engine tag)."""
    runs = [play_batch("random", "random", 60, 50, seed=4, record=True, engine=engine)
            for engine in ("table", "generic")]
    assert not np.array_equal(runs[0].history_a, runs[1].history_a)
