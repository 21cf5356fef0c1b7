"""Tests of tradesim.game.stage: the 2x2 stage game and its Nash equilibria."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tradesim import game as G
from tradesim.game import StageGame, nash_equilibria


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
