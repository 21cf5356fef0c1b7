"""Tests of tradesim.game: exact Markov-chain results, and the Monte Carlo held to them."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradesim import game as G
from tradesim.game import (
    MemoryOneChain,
    StageGame,
    exact_table,
    format_exact_table,
    nash_equilibria,
    play,
    play_batch,
)
from tradesim.strategies import MemoryOne, make_strategy


def m1(p_cc, p_cd, p_dc, p_dd, first_move=1.0):
    """A generic memory-one rule (MemoryOne's first field is first_move: use keywords)."""
    return MemoryOne(p_cc=p_cc, p_cd=p_cd, p_dc=p_dc, p_dd=p_dd, first_move=first_move)


MEMORY_ONE = {
    "tit_for_tat": make_strategy("tit_for_tat"),
    "gtft_1/3": make_strategy("generous_tit_for_tat", forgiveness=1 / 3),
    "win_stay_lose_shift": make_strategy("win_stay_lose_shift"),
    "grim_memory_one": make_strategy("grim_memory_one"),
    "always_ease": make_strategy("always_ease"),
    "always_retaliate": make_strategy("always_retaliate"),
    "random_0.5": make_strategy("random", p=0.5),
    "memory_one": make_strategy("memory_one", p_cc=0.9, p_cd=0.2, p_dc=0.6, p_dd=0.3,
                                first_move=0.7),
    "proportional": make_strategy("proportional"),
}
PAIRS = list(itertools.product(MEMORY_ONE, MEMORY_ONE))
NOISES = [0.0, 0.01, 0.05, 0.1]
N_MATCHES = 4000
Z = 4.0


def _check_mean(samples: np.ndarray, exact: float, label: str,
                exact_variance: float | None = None) -> None:
    """Assert the sample mean is within Z standard errors of the exact value.

    The standard error is estimated from the per-match spread.  When the spread is
    zero, either the quantity is exactly deterministic (exact variance 0: the Monte
    Carlo must equal the exact value) or a rare event simply did not occur; then the
    exact standard error, from ``MemoryOneChain.variance_of_total``, is used.
    """
    mean = float(samples.mean())
    n = len(samples)
    se = float(samples.std(ddof=1)) / math.sqrt(n)
    if se == 0.0:
        if exact_variance is None or exact_variance < 1e-12:
            assert mean == pytest.approx(exact, rel=1e-9, abs=1e-9), (
                f"{label}: {mean} != {exact}")
            return
        se = math.sqrt(exact_variance / n)
    assert abs(mean - exact) <= Z * se, (
        f"{label}: Monte Carlo {mean:.6f} vs exact {exact:.6f}, "
        f"{abs(mean - exact) / se:.2f} standard errors (se {se:.2e})")


def _check_batch(batch: G.MatchBatch, chain: MemoryOneChain, turns: int, label: str) -> None:
    game = batch.game
    occupancy = chain.occupancy(turns)
    checks = [(batch.counts[:, i].astype(float), np.eye(4)[i], state)
              for i, state in enumerate(G.STATES)]
    checks += [(batch.payoffs_a, game.row_payoffs(), "payoff A"),
               (batch.payoffs_b, game.column_payoffs(), "payoff B")]
    for samples, f, name in checks:
        spread_zero = samples.std() == 0
        var = chain.variance_of_total(f, turns) if spread_zero else None
        _check_mean(samples, float(occupancy @ f), f"{label} {name}", var)


# ----------------------------------------------------------------------------------------
# Monte Carlo against exact finite-horizon expectations
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("noise", NOISES)
@pytest.mark.parametrize(("name_a", "name_b"), PAIRS)
def test_monte_carlo_matches_exact_finite_horizon(name_a, name_b, noise):
    a, b = MEMORY_ONE[name_a], MEMORY_ONE[name_b]
    seed = [PAIRS.index((name_a, name_b)), NOISES.index(noise), 104]
    batch = play_batch(a, b, 104, N_MATCHES, noise=noise, seed=seed)
    assert batch.engine == "table"
    chain = MemoryOneChain.from_strategies(a, b, noise=noise)
    _check_batch(batch, chain, 104, f"{name_a} vs {name_b}, e={noise}")


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
    _check_batch(batch, chain, 104, f"{name_a} vs {name_b} ({engine})")


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
    _check_batch(batch, MemoryOneChain.from_strategies(a, b, noise=noise), 104,
                 f"generic {name_a} vs {name_b}")


def test_checker_has_power():
    """The 4-SE check rejects the exact values of a different pair (it can fail)."""
    batch = play_batch("tit_for_tat", MEMORY_ONE["gtft_1/3"], 104, N_MATCHES, noise=0.05,
                       seed=3)
    wrong = MemoryOneChain.from_strategies("tit_for_tat", "tit_for_tat", noise=0.05)
    with pytest.raises(AssertionError):
        _check_batch(batch, wrong, 104, "wrong pair")
    with pytest.raises(AssertionError):
        _check_mean(np.ones(10), 0.999, "zero spread")


# ----------------------------------------------------------------------------------------
# Engine mechanics
# ----------------------------------------------------------------------------------------


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
@pytest.mark.parametrize(("n", "turns"), [(1, 1), (3, 64), (5, 65), (G._BLOCK + 3, 130)])
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
# Exact results: closed forms and cross-checks
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("e", [0.001, 0.01, 0.05, 0.1, 0.3, 0.5, 0.9])
def test_tft_vs_tft_is_uniform_under_noise(e):
    np.testing.assert_allclose(G.stationary_distribution("tit_for_tat", "tit_for_tat", e),
                               [0.25] * 4, atol=1e-12)


@pytest.mark.parametrize("e", [0.0, 0.001, 0.01, 0.05, 0.1, 0.25])
def test_gtft_closed_form(e):
    """GTFT(1/3) against itself cooperates at (1 + e)/(1 + 4e).

    With implementation error e flipping the intended action: a player's next action is
    cooperation with probability 1 - e after the partner's C and g + e(1 - 2g) after D,
    so the stationary cooperation rate is (g + e(1-2g)) / (e + g + e(1-2g)); with g = 1/3
    that is (1 + e)/(1 + 4e).  (At e = 0 the chain is absorbed in CC: rate 1, as the
    formula says.)
    """
    g = MEMORY_ONE["gtft_1/3"]
    dist = G.long_run_distribution(g, g, e)
    coop = dist[0] + dist[1]
    assert coop == pytest.approx((1 + e) / (1 + 4 * e), rel=1e-12)
    assert dist[0] + dist[2] == pytest.approx(coop, rel=1e-12)


def test_gtft_closed_form_is_not_the_other_convention():
    """The closed form fails if noise is applied the other way (flipping each vector entry
    before the forgiveness coin, i.e. treating g as unaffected): it is a real check."""
    e, g = 0.1, 1 / 3
    other = m1(1 - e, g, 1 - e, g)  # noise on C-responses only
    dist = G.long_run_distribution(other, other)
    assert dist[0] + dist[1] != pytest.approx((1 + e) / (1 + 4 * e), rel=1e-6)


def _press_dyson_cases():
    names = list(MEMORY_ONE)
    for (na, nb), e in itertools.product(itertools.product(names, names), [0.01, 0.1]):
        yield na, nb, e


@pytest.mark.parametrize(("name_a", "name_b", "e"), list(_press_dyson_cases()))
def test_press_dyson_agrees_with_stationary_solution(name_a, name_b, e):
    chain = MemoryOneChain.from_strategies(MEMORY_ONE[name_a], MEMORY_ONE[name_b], e)
    pd_payoffs = chain.press_dyson_payoffs()
    assert pd_payoffs is not None
    np.testing.assert_allclose(pd_payoffs, chain.payoffs(), rtol=1e-9, atol=1e-12)


vec = st.floats(0.0, 1.0)


@settings(max_examples=200, deadline=None)
@given(p=st.tuples(vec, vec, vec, vec), q=st.tuples(vec, vec, vec, vec),
       e=st.floats(0.001, 0.5))
def test_press_dyson_random_vectors(p, q, e):
    a, b = m1(*p), m1(*q)
    chain = MemoryOneChain.from_strategies(a, b, e)
    pi = chain.long_run_distribution()
    np.testing.assert_allclose(pi @ chain.matrix, pi, atol=1e-10)
    assert pi.sum() == pytest.approx(1.0)
    pd_payoffs = chain.press_dyson_payoffs()
    assert pd_payoffs is not None
    np.testing.assert_allclose(pd_payoffs, chain.payoffs(), rtol=1e-7, atol=1e-9)
    # Stage game with asymmetric payoffs too.
    game = StageGame(2.0, -1.0, 4.0, 0.5, column=(1.0, -2.0, 1.5, 0.0))
    np.testing.assert_allclose(chain.press_dyson_payoffs(game), chain.payoffs(game),
                               rtol=1e-7, atol=1e-9)


def test_press_dyson_undefined_without_unique_stationary():
    chain = MemoryOneChain.from_strategies("tit_for_tat", "tit_for_tat")
    assert not chain.is_unique
    assert chain.press_dyson_payoffs() is None
    with pytest.raises(ValueError, match="not unique"):
        G.stationary_distribution("tit_for_tat", "tit_for_tat")


def test_cesaro_limits_without_noise():
    tft_d = make_strategy("tit_for_tat", first_move=0.0)
    # Periodic class: C/D alternation.
    np.testing.assert_allclose(G.long_run_distribution(tft_d, "tit_for_tat"),
                               [0, 0.5, 0.5, 0], atol=1e-12)
    # Absorbing DD after one round.
    np.testing.assert_allclose(G.long_run_distribution("tit_for_tat", "always_retaliate"),
                               [0, 0, 0, 1], atol=1e-12)
    # Random openings: a quarter each in CC and DD (absorbing), half in the 2-cycle.
    coin = m1(1, 0, 1, 0, first_move=0.5)
    np.testing.assert_allclose(G.long_run_distribution(coin, coin), [0.25] * 4, atol=1e-12)
    # WSLS recovers from a DD opening: CC for ever.
    wsls_d = make_strategy("win_stay_lose_shift", first_move=0.0)
    np.testing.assert_allclose(G.long_run_distribution(wsls_d, wsls_d), [1, 0, 0, 0],
                               atol=1e-12)


@pytest.mark.parametrize("first", [(1.0, 1.0), (0.0, 1.0), (0.5, 0.3)])
def test_long_run_equals_long_cesaro_average_for_all_deterministic_pairs(first):
    """Against the brute-force average of v0 M^t over 10^6 rounds, all 256 pure pairs
    (including reducible and periodic chains) and several half-random ones."""
    turns = 1_000_000
    vectors = list(itertools.product([0.0, 1.0], repeat=4))
    vectors += [(1.0, 0.5, 0.0, 0.0), (0.5, 0.0, 1.0, 0.0), (1.0, 0.0, 0.5, 1.0)]
    for p, q in itertools.product(vectors, repeat=2):
        chain = MemoryOneChain.from_strategies(m1(*p, first_move=first[0]),
                                               m1(*q, first_move=first[1]))
        limit = chain.long_run_distribution()
        assert limit.sum() == pytest.approx(1.0)
        np.testing.assert_allclose(limit, chain.occupancy(turns) / turns, atol=1e-4,
                                   err_msg=f"{p} vs {q}")


def test_variance_of_total_by_enumeration():
    """Exact variance against enumeration of all 4**6 paths of a 6-round match."""
    chain = MemoryOneChain.from_strategies(MEMORY_ONE["memory_one"], "win_stay_lose_shift",
                                           0.1)
    f = np.array([3.0, 0.0, 5.0, 1.0])
    turns = 6
    mean = second = 0.0
    for path in itertools.product(range(4), repeat=turns):
        prob = chain.v0[path[0]] * np.prod([chain.matrix[i, j] for i, j in
                                               itertools.pairwise(path)])
        total = f[list(path)].sum()
        mean += prob * total
        second += prob * total**2
    assert chain.variance_of_total(f, turns) == pytest.approx(second - mean**2, rel=1e-10)
    assert chain.occupancy(turns) @ f == pytest.approx(mean)
    det = MemoryOneChain.from_strategies("tit_for_tat", "always_retaliate")
    assert det.variance_of_total(f, 50) == pytest.approx(0.0, abs=1e-9)


def test_finite_horizon_occupancy_by_iteration():
    chain = MemoryOneChain.from_strategies("win_stay_lose_shift", MEMORY_ONE["memory_one"],
                                           0.03)
    v, total = chain.v0.copy(), np.zeros(4)
    for t in range(57):
        np.testing.assert_allclose(chain.state_at(t), v, atol=1e-14)
        total += v
        v = v @ chain.matrix
    np.testing.assert_allclose(chain.occupancy(57), total, rtol=1e-12)
    assert chain.occupancy(0).tolist() == [0.0] * 4
    pa, pb = G.finite_horizon_payoffs("win_stay_lose_shift", MEMORY_ONE["memory_one"], 57,
                                      0.03)
    assert pa == pytest.approx(total @ [3, 0, 5, 1])
    assert pb == pytest.approx(total @ [3, 5, 0, 1])


def test_discounted_payoffs():
    a, b = MEMORY_ONE["gtft_1/3"], "tit_for_tat"
    chain = MemoryOneChain.from_strategies(a, b, 0.05)
    delta = 0.9
    v, series = chain.v0.copy(), np.zeros(4)
    for t in range(600):
        series += delta**t * v
        v = v @ chain.matrix
    f = StageGame.standard().row_payoffs()
    assert chain.discounted_payoffs(delta)[0] == pytest.approx((1 - delta) * series @ f)
    assert chain.discounted_payoffs(0.0)[0] == pytest.approx(chain.v0 @ f)
    # Abel limit: delta -> 1 gives the long-run payoff.
    np.testing.assert_allclose(chain.discounted_payoffs(1 - 1e-7), chain.payoffs(), atol=1e-5)
    assert G.discounted_payoffs(a, b, delta, 0.05) == chain.discounted_payoffs(delta)
    with pytest.raises(ValueError):
        chain.discounted_payoffs(1.0)


def test_transition_matrix_views():
    """B's vector is read from its own view: in A's state CD, B sees DC."""
    a = m1(0.1, 0.2, 0.3, 0.4)
    b = m1(0.5, 0.6, 0.7, 0.8)
    m = G.transition_matrix(a, b)
    np.testing.assert_allclose(m.sum(1), 1.0)
    # From CD (A eased, B retaliated), A cooperates w.p. 0.2 and B (in its DC) w.p. 0.7.
    np.testing.assert_allclose(m[1], [0.2 * 0.7, 0.2 * 0.3, 0.8 * 0.7, 0.8 * 0.3])
    np.testing.assert_allclose(m[2, 0], 0.3 * 0.6)
    # Swapping the players swaps CD and DC.
    swap = [0, 2, 1, 3]
    np.testing.assert_allclose(G.transition_matrix(b, a), m[np.ix_(swap, swap)])
    np.testing.assert_allclose(G.effective_vector([1, 0, 1, 0], 0.1), [0.9, 0.1, 0.9, 0.1])
    np.testing.assert_allclose(G.effective_vector([1, 0, 1, 0], 0.0, 0.1),
                               [0.9, 0.1, 0.9, 0.1])
    np.testing.assert_allclose(G.initial_distribution("tit_for_tat", "always_retaliate", 0.1),
                               [0.09, 0.81, 0.01, 0.09])


# ----------------------------------------------------------------------------------------
# Stage game and Nash equilibria
# ----------------------------------------------------------------------------------------


def _is_equilibrium(game: StageGame, eq: G.NashEquilibrium, tol: float = 1e-12) -> bool:
    a, b = game.payoff_matrices()
    x = np.array([eq.row_ease, 1 - eq.row_ease])
    y = np.array([eq.column_ease, 1 - eq.column_ease])
    return bool((x @ a @ y >= (a @ y).max() - tol) and (x @ b @ y >= (x @ b).max() - tol))


def test_prisoners_dilemma_has_only_mutual_retaliation():
    game = StageGame.standard()
    eqs = nash_equilibria(game)
    assert len(eqs) == 1
    (eq,) = eqs
    assert eq.pure and (eq.row_ease, eq.column_ease) == (0.0, 0.0)
    assert (eq.row_payoff, eq.column_payoff) == (1.0, 1.0)
    assert game.is_prisoners_dilemma()
    assert game.molander_forgiveness() == pytest.approx(1 / 3)


def test_chicken_has_two_pure_and_one_mixed_equilibrium():
    game = StageGame(R=3.0, S=1.0, T=4.0, P=0.0)
    eqs = nash_equilibria(game)
    assert [(e.row_ease, e.column_ease) for e in eqs if e.pure] == [(1.0, 0.0), (0.0, 1.0)]
    (mixed,) = [e for e in eqs if not e.pure]
    assert mixed.row_ease == pytest.approx(0.5) and mixed.column_ease == pytest.approx(0.5)
    a, _ = game.payoff_matrices()
    y = np.array([mixed.column_ease, 1 - mixed.column_ease])
    assert (a @ y)[0] == pytest.approx((a @ y)[1])  # row player indifferent
    assert mixed.row_payoff == pytest.approx(2.0)
    assert all(_is_equilibrium(game, e) for e in eqs)
    assert not game.is_prisoners_dilemma()


def test_coordination_and_asymmetric_games():
    coord = StageGame(R=2.0, S=0.0, T=0.0, P=1.0)
    eqs = nash_equilibria(coord)
    assert [(e.row_ease, e.column_ease) for e in eqs] == [
        (1.0, 1.0), (0.0, 0.0), pytest.approx((1 / 3, 1 / 3))]
    assert all(_is_equilibrium(coord, e) for e in eqs)
    # Matching-pennies-like asymmetric game: only a mixed equilibrium.
    pennies = StageGame(R=1.0, S=-1.0, T=-1.0, P=1.0, column=(-1.0, 1.0, 1.0, -1.0))
    eqs = nash_equilibria(pennies)
    assert len(eqs) == 1 and not eqs[0].pure
    assert (eqs[0].row_ease, eqs[0].column_ease) == pytest.approx((0.5, 0.5))
    assert _is_equilibrium(pennies, eqs[0])
    # A non-equilibrium is detected by the checker.
    assert not _is_equilibrium(coord, G.NashEquilibrium(1.0, 0.0, 0.0, 0.0, True))


def test_from_impacts_donation_game():
    game = StageGame.from_impacts(gain_from_partner_easing=3.0, cost_of_own_easing=1.0)
    assert (game.R, game.S, game.T, game.P) == (2.0, -1.0, 3.0, 0.0)
    assert game.is_prisoners_dilemma() and game.symmetric
    assert game.molander_forgiveness() == pytest.approx(1 - 1 / 3)
    asym = StageGame.from_impacts(3.0, 1.0, column_gain=5.0, column_cost=2.0)
    assert asym.column == (3.0, -2.0, 5.0, 0.0) and not asym.symmetric
    # In A's state CD, B retaliated against an easing A and gets its temptation.
    np.testing.assert_allclose(asym.column_payoffs(), [3.0, 5.0, -2.0, 0.0])
    assert not StageGame.from_impacts(1.0, 2.0).is_prisoners_dilemma()
    with pytest.raises(ValueError):
        StageGame(1.0, 0.0, math.nan, 0.0)


# ----------------------------------------------------------------------------------------
# Tables
# ----------------------------------------------------------------------------------------


def test_exact_table_and_text():
    table = exact_table("tit_for_tat", "generous_tit_for_tat", noise=0.05, turns=104)
    assert list(table.columns) == ["long run", "first 104 rounds", "Press-Dyson"]
    assert table.loc[["P(CC)", "P(CD)", "P(DC)", "P(DD)"], "long run"].sum() == pytest.approx(1)
    assert table.loc["payoff A", "Press-Dyson"] == pytest.approx(table.loc["payoff A",
                                                                           "long run"])
    assert table.attrs["unique"]
    text = format_exact_table("tit_for_tat", "generous_tit_for_tat", noise=0.05, turns=104)
    assert "Press-Dyson" in text and "(D, D)" in text and "unique" in text
    assert "expected total payoffs over 104 rounds" in text
    text0 = format_exact_table("tit_for_tat", "tit_for_tat")
    assert "NOT unique" in text0 and "rounds" not in text0
    gg = exact_table("generous_tit_for_tat", "generous_tit_for_tat", noise=0.1)
    assert gg.loc["cooperation A", "long run"] == pytest.approx(1.1 / 1.4)
