"""Tests of tradesim.game.exact: the Markov chain's closed forms and cross-checks."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from game_oracle import MEMORY_ONE, m1
from hypothesis import given, settings
from hypothesis import strategies as st

from tradesim import game as G
from tradesim.game import MemoryOneChain, StageGame
from tradesim.strategies import make_strategy


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
