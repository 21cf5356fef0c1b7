"""The two-player export-control game: simulation engine and exact results.

Two governments, A (the row player, the US in the model) and B (the column
player, China), choose each week to *ease* (cooperate, C) or *retaliate*
(defect, D) on one instrument of export control.  The package has one module
per concept, and re-exports their public names here:

* :mod:`tradesim.game.stage` -- :class:`StageGame`, the 2x2 one-shot payoff
  table, with the standard Prisoner's Dilemma (R, S, T, P) = (3, 0, 5, 1) of
  Axelrod (1984) and a donation-game derivation from impact weights
  (:meth:`StageGame.from_impacts`), and its Nash equilibria
  (:func:`nash_equilibria`);
* :mod:`tradesim.game.rules` -- resolving strategies (:func:`resolve_strategy`)
  and their effective cooperation vectors under noise
  (:func:`effective_vector`);
* :mod:`tradesim.game.engines` -- :func:`play_batch`, a Monte Carlo engine
  vectorised over matches, with two separate kinds of noise --
  *implementation error* (the action taken is the opposite of the one
  intended) and *monitoring error* (a player perceives the partner's action
  flipped) -- and :func:`play`, one match, which is :func:`play_batch` with
  ``n=1``; :func:`play_uniforms` plays the generic engine's rounds from
  uniforms the caller supplies (how the full model is checked against it);
* :mod:`tradesim.game.exact` -- exact results for any pair of memory-one
  strategies (Nowak & Sigmund 1993; Press & Dyson 2012):
  :class:`MemoryOneChain`, the four-state Markov chain, its long-run (Cesaro)
  distribution, finite-horizon and discounted expected payoffs and the
  Press-Dyson determinant formula; the module-level functions are one-line
  shorthands for the chain's methods;
* :mod:`tradesim.game.tables` -- :func:`exact_table` and
  :func:`format_exact_table`, which gather the exact results for the command
  ``tradesim exact A B [--noise e] [--turns n]``.

Whether :func:`play_batch` may use its fast table engine is a property of the
strategy, :attr:`tradesim.strategies.Strategy.plays_memory_one_vector`.

Random streams
--------------
:func:`play_batch` draws one random stream per match from its seed (a
counter-based Philox stream keyed by the seed, see
:mod:`tradesim.game.engines`).  For a given seed, engine and inputs, match
``i``'s actions are therefore the same whatever the number of matches played
with it and however they are split into blocks (:data:`engines.BLOCK_SIZE
<tradesim.game.engines.BLOCK_SIZE>`), and :func:`play` is match 0 of any
batch with the same seed.

Conventions
-----------
Outcome states are ordered ``CC, CD, DC, DD`` from player A's point of view
(A's move first).  Player B sees A's ``CD`` as its own ``DC``.  Actions are
booleans, ``True`` = ease/cooperate.  Payoffs are in the stage game's units
(utility per round, "week"); totals are summed over rounds, "per-round"
values are averages.

References
----------
Axelrod, R. (1984). *The Evolution of Cooperation*. Basic Books.
Molander, P. (1985). The optimal level of generosity in a selfish, uncertain
environment. *J. Conflict Resolution* 29(4):611-618.
Nowak, M. A. & Sigmund, K. (1992). Tit for tat in heterogeneous populations.
*Nature* 355:250-253.
Nowak, M. A. & Sigmund, K. (1993). A strategy of win-stay, lose-shift that
outperforms tit-for-tat in the Prisoner's Dilemma game. *Nature* 364:56-58.
Press, W. H. & Dyson, F. J. (2012). Iterated Prisoner's Dilemma contains
strategies that dominate any evolutionary opponent. *PNAS* 109(26):10409-10413.
"""

from tradesim.game.engines import MatchBatch, play, play_batch, play_uniforms
from tradesim.game.exact import (
    MemoryOneChain,
    discounted_payoffs,
    finite_horizon_occupancy,
    finite_horizon_payoffs,
    initial_distribution,
    initial_distribution_from_moves,
    long_run_distribution,
    long_run_payoffs,
    press_dyson_payoffs,
    stationary_distribution,
    transition_matrix,
    transition_matrix_from_vectors,
)
from tradesim.game.rules import StrategyLike, effective_vector, resolve_strategy
from tradesim.game.stage import STATES, NashEquilibrium, StageGame, nash_equilibria
from tradesim.game.tables import exact_table, format_exact_table

__all__ = [
    "STATES",
    "MatchBatch",
    "MemoryOneChain",
    "NashEquilibrium",
    "StageGame",
    "StrategyLike",
    "discounted_payoffs",
    "effective_vector",
    "exact_table",
    "finite_horizon_occupancy",
    "finite_horizon_payoffs",
    "format_exact_table",
    "initial_distribution",
    "initial_distribution_from_moves",
    "long_run_distribution",
    "long_run_payoffs",
    "nash_equilibria",
    "play",
    "play_batch",
    "play_uniforms",
    "press_dyson_payoffs",
    "resolve_strategy",
    "stationary_distribution",
    "transition_matrix",
    "transition_matrix_from_vectors",
]
