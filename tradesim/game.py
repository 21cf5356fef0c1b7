"""The two-player export-control game: simulation engine and exact results.

Two governments, A (the row player, the US in the model) and B (the column
player, China), choose each week to *ease* (cooperate, C) or *retaliate*
(defect, D) on one instrument of export control.  This module gives

* :class:`StageGame`, the 2x2 one-shot payoff table, with the standard
  Prisoner's Dilemma (R, S, T, P) = (3, 0, 5, 1) of Axelrod (1984) and a
  donation-game derivation from impact weights (:meth:`StageGame.from_impacts`);
* :func:`play_batch`, a Monte Carlo engine vectorised over matches, with two
  separate kinds of noise -- *implementation error* (the action taken is the
  opposite of the one intended) and *monitoring error* (a player perceives
  the partner's action flipped) -- and :func:`play`, one match, which is
  :func:`play_batch` with ``n=1``;
* exact results for any pair of memory-one strategies (Nowak & Sigmund 1993;
  Press & Dyson 2012): the four-state Markov chain, its long-run (Cesaro)
  distribution, finite-horizon and discounted expected payoffs, the
  Press-Dyson determinant formula, and the stage game's Nash equilibria;
* :func:`exact_table` and :func:`format_exact_table`, which gather the exact
  results for the command ``tradesim exact A B [--noise e] [--turns n]``.

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

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy.sparse.csgraph import connected_components

from tradesim.strategies import (
    GrimTrigger,
    Proportional,
    Strategy,
    make_strategy,
)

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
    "press_dyson_payoffs",
    "stationary_distribution",
    "transition_matrix",
    "transition_matrix_from_vectors",
]

#: Outcome states, player A's move first.
STATES: tuple[str, str, str, str] = ("CC", "CD", "DC", "DD")

#: A strategy instance, a registered name, or a Strategy subclass (built with defaults).
StrategyLike = Strategy | str | type[Strategy]

SeedLike = int | np.random.SeedSequence | np.random.Generator | None

# Index permutation turning A's view of the state into B's view (CD <-> DC).
_SWAP = np.array([0, 2, 1, 3])
# Index permutation flipping the partner's move (monitoring error): CC<->CD, DC<->DD.
_FLIP_PARTNER = np.array([1, 0, 3, 2])
# In the engine the state is coded k = a + 2 b (a, b = 1 for cooperation); this maps
# k = 0, 1, 2, 3 (DD, CD, DC, CC from A's view) to the index in STATES.
_STATE_OF_K = np.array([3, 1, 2, 0])

# Matches simulated together in one block of the memory-one engine (chosen so the
# per-turn working set stays in a core's L2 cache) and turns buffered between count
# reductions.  Results for a given seed depend on these constants: do not change them
# casually, since that changes every seeded stream.
_BLOCK = 8192
_TURN_CHUNK = 64


# --------------------------------------------------------------------------------------
# Stage game
# --------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class StageGame:
    """A 2x2 stage game in which each player eases (C) or retaliates (D).

    Parameters
    ----------
    R, S, T, P : float
        The row player's payoffs (utility per round): *reward* for mutual
        easing (CC), *sucker's* payoff for easing alone (CD), *temptation*
        for retaliating against an easing partner (DC), *punishment* for
        mutual retaliation (DD).  The game is a Prisoner's Dilemma when
        ``T > R > P > S`` (and a repeated one when also ``2R > T + S``).
    column : tuple of 4 floats, optional
        The column player's payoffs ``(R', S', T', P')`` from its *own* point
        of view (own move first).  Default None: symmetric, the same as the
        row player's.

    Notes
    -----
    The standard values (3, 0, 5, 1) are those of Axelrod's tournaments
    (Axelrod 1984).
    """

    R: float
    S: float
    T: float
    P: float
    column: tuple[float, float, float, float] | None = None

    def __post_init__(self) -> None:
        values = (self.R, self.S, self.T, self.P, *(self.column or ()))
        if not all(math.isfinite(float(v)) for v in values):
            raise ValueError(f"stage-game payoffs must be finite numbers, got {values!r}")
        if self.column is not None:
            if len(self.column) != 4:
                raise ValueError("column payoffs must be a 4-tuple (R', S', T', P')")
            object.__setattr__(self, "column", tuple(float(v) for v in self.column))

    @classmethod
    def standard(cls) -> StageGame:
        """Return Axelrod's Prisoner's Dilemma, (R, S, T, P) = (3, 0, 5, 1)."""
        return cls(3.0, 0.0, 5.0, 1.0)

    @classmethod
    def from_impacts(
        cls,
        gain_from_partner_easing: float,
        cost_of_own_easing: float,
        column_gain: float | None = None,
        column_cost: float | None = None,
    ) -> StageGame:
        """Derive a 2x2 payoff from impact weights (the donation game).

        Each government's weekly payoff is taken to be additive in the two
        moves: it gains ``b`` when the partner eases (the value of restored
        access to the partner's goods, e.g. licences granted, rare earths
        shipped) and pays ``c`` when it eases itself (the security or
        bargaining value it gives up), relative to mutual retaliation::

            payoff = b * [partner eases] - c * [own easing]

        so ``R = b - c``, ``S = -c``, ``T = b``, ``P = 0``.  This is the
        "donation game" (equal gains from switching; Nowak & Sigmund 1992;
        Sigmund 2010, *The Calculus of Selfishness*).  It is a Prisoner's
        Dilemma exactly when ``b > c > 0``; then Molander's (1985) optimal
        generosity is ``1 - c/b``.

        Parameters
        ----------
        gain_from_partner_easing : float
            ``b``, the row player's gain when the partner eases (utility per
            round, any consistent unit).
        cost_of_own_easing : float
            ``c``, the row player's cost of easing itself (same unit).
        column_gain, column_cost : float, optional
            The column player's own ``b'`` and ``c'``; default: the same as
            the row player's (a symmetric game).

        Returns
        -------
        StageGame
        """
        b, c = float(gain_from_partner_easing), float(cost_of_own_easing)
        column = None
        if column_gain is not None or column_cost is not None:
            b2 = b if column_gain is None else float(column_gain)
            c2 = c if column_cost is None else float(column_cost)
            column = (b2 - c2, -c2, b2, 0.0)
        return cls(b - c, -c, b, 0.0, column)

    @property
    def symmetric(self) -> bool:
        """True when both players have the same payoffs (from their own view)."""
        return self.column is None or self.column == (self.R, self.S, self.T, self.P)

    def row_payoffs(self) -> np.ndarray:
        """Row player's payoff in states CC, CD, DC, DD (A's view), shape (4,)."""
        return np.array([self.R, self.S, self.T, self.P], dtype=float)

    def column_payoffs(self) -> np.ndarray:
        """Column player's payoff in states CC, CD, DC, DD *from A's view*, shape (4,).

        In A's state CD the column player retaliated against an easing
        partner, so it receives its temptation ``T'``.
        """
        own = np.array(self.column if self.column is not None else
                       (self.R, self.S, self.T, self.P), dtype=float)
        return own[_SWAP]

    def payoff_matrices(self) -> tuple[np.ndarray, np.ndarray]:
        """Bimatrix form ``(A, B)``: ``A[i, j]``, ``B[i, j]`` for row move i, column move j.

        Index 0 = ease (C), 1 = retaliate (D).
        """
        return self.row_payoffs().reshape(2, 2), self.column_payoffs().reshape(2, 2)

    def is_prisoners_dilemma(self) -> bool:
        """Tell whether both players face ``T > R > P > S`` (a one-shot PD)."""
        own_b = self.column if self.column is not None else (self.R, self.S, self.T, self.P)
        return all(t > r > p > s for r, s, t, p in ((self.R, self.S, self.T, self.P), own_b))

    def molander_forgiveness(self) -> float:
        """Molander's (1985) optimal forgiveness of generous tit for tat (row player).

        ``min(1 - (T - R)/(R - S), (R - P)/(T - P))``; 1/3 for (3, 0, 5, 1).
        Nowak & Sigmund (1992) use the same value.  Defined for a PD.
        """
        if not (self.T > self.R > self.P > self.S):
            raise ValueError("Molander's generosity is defined for a Prisoner's Dilemma")
        return min(1.0 - (self.T - self.R) / (self.R - self.S),
                   (self.R - self.P) / (self.T - self.P))


@dataclasses.dataclass(frozen=True)
class NashEquilibrium:
    """A Nash equilibrium of a 2x2 stage game.

    Attributes
    ----------
    row_ease, column_ease : float
        Probability with which the row (column) player eases.
    row_payoff, column_payoff : float
        Expected stage payoffs (utility per round).
    pure : bool
        True when both players play a pure action.
    """

    row_ease: float
    column_ease: float
    row_payoff: float
    column_payoff: float
    pure: bool

    def label(self) -> str:
        """Short description, e.g. ``(D, D)`` or ``mixed (ease 0.333, 0.333)``."""
        if self.pure:
            move = {1.0: "C", 0.0: "D"}
            return f"({move[self.row_ease]}, {move[self.column_ease]})"
        return f"mixed (ease {self.row_ease:.4g}, {self.column_ease:.4g})"


def nash_equilibria(game: StageGame | None = None, tol: float = 1e-12) -> list[NashEquilibrium]:
    """Nash equilibria of a 2x2 stage game by support enumeration.

    Pure equilibria are the cells in which each action is a (weak) best
    response to the other; the completely mixed equilibrium (if any) makes
    each player indifferent between its two actions.  In non-degenerate
    2x2 games this finds every equilibrium.  In degenerate games (a player
    indifferent between its actions against a pure action of the other)
    equilibria can form continua; only the pure ones and the completely
    mixed point are returned.

    Parameters
    ----------
    game : StageGame, optional
        Default :meth:`StageGame.standard`.
    tol : float
        Tolerance for payoff comparisons.

    Returns
    -------
    list of NashEquilibrium
        Pure equilibria first (ordered CC, CD, DC, DD), then the mixed one.

    Examples
    --------
    The Prisoner's Dilemma has mutual retaliation as its only equilibrium:

    >>> [e.label() for e in nash_equilibria(StageGame.standard())]
    ['(D, D)']
    """
    game = game or StageGame.standard()
    a, b = game.payoff_matrices()
    found: list[NashEquilibrium] = []
    for i in range(2):
        for j in range(2):
            if a[i, j] >= a[1 - i, j] - tol and b[i, j] >= b[i, 1 - j] - tol:
                found.append(NashEquilibrium(float(i == 0), float(j == 0),
                                             float(a[i, j]), float(b[i, j]), True))
    # Completely mixed: x = P(row eases) makes the column player indifferent, y likewise.
    den_x = b[0, 0] - b[0, 1] - b[1, 0] + b[1, 1]
    den_y = a[0, 0] - a[0, 1] - a[1, 0] + a[1, 1]
    if abs(den_x) > tol and abs(den_y) > tol:
        x = (b[1, 1] - b[1, 0]) / den_x
        y = (a[1, 1] - a[0, 1]) / den_y
        if tol < x < 1 - tol and tol < y < 1 - tol:
            px, py = np.array([x, 1 - x]), np.array([y, 1 - y])
            found.append(NashEquilibrium(float(x), float(y), float(px @ a @ py),
                                         float(px @ b @ py), False))
    return found


# --------------------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------------------


def _resolve(strategy: StrategyLike) -> Strategy:
    if isinstance(strategy, Strategy):
        s = strategy
    elif isinstance(strategy, str):
        s = make_strategy(strategy)
    elif isinstance(strategy, type) and issubclass(strategy, Strategy):
        s = strategy()
    else:
        raise TypeError(f"expected a Strategy, a registered name or a Strategy class, "
                        f"got {strategy!r}")
    # The full model may give a rule parameters drawn per replication (arrays); the
    # two-player game and its exact results need one value per parameter.
    if any(np.ndim(v) > 0 for v in s.params().values()):
        raise ValueError(f"{s.name or type(s).__name__!r} has array-valued parameters; "
                         f"the two-player game needs scalar parameters")
    return s


def _memory_one(strategy: StrategyLike) -> tuple[Strategy, np.ndarray]:
    """Return the strategy and its memory-one vector, refusing other rules."""
    s = _resolve(strategy)
    vector = s.memory_one_vector()
    if vector is None:
        hint = ""
        if isinstance(s, GrimTrigger):
            hint = ("; grim trigger remembers a defection for ever. Use its memory-one "
                    "form 'grim_memory_one' (1, 0, 0, 0) for exact results")
        raise ValueError(f"{s.name or type(s).__name__!r} is not a memory-one strategy, "
                         f"so the exact Markov-chain results do not apply{hint}")
    return s, np.asarray(vector, dtype=float)


def _is_table_rule(s: Strategy) -> bool:
    """Tell whether ``s`` plays exactly its memory-one vector in the two-action game."""
    cls = type(s)
    if s.memory_one_vector() is None or cls.opening is not Strategy.opening:
        return False
    if cls.initial_state is not Strategy.initial_state:
        return False
    # Proportional is tit for tat when the perceived defection is 0 or 1.
    return cls.cooperate is Strategy.cooperate or cls is Proportional


def _check_probability(name: str, value: float) -> float:
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a probability in [0, 1], got {value!r}")
    return value


def effective_vector(
    vector: Sequence[float] | np.ndarray, noise: float = 0.0, monitoring_noise: float = 0.0
) -> np.ndarray:
    """Probabilities of the *action taken* after each state, given the errors.

    Parameters
    ----------
    vector : sequence of 4 floats
        Intended cooperation probabilities ``(p_CC, p_CD, p_DC, p_DD)``, own
        move first, after the *perceived* state.
    noise : float
        Implementation error ``e``: each intended action is flipped with
        probability ``e``, so ``p' = (1 - e) p + e (1 - p)``.
    monitoring_noise : float
        Monitoring error ``m``: the partner's last move is perceived flipped
        with probability ``m`` (one's own move is known), so before the
        implementation error ``p_m(x, y) = (1 - m) p(x, y) + m p(x, not y)``.

    Returns
    -------
    ndarray, shape (4,)
        Probability of cooperating after each *actual* state, own move first.
    """
    p = np.asarray(vector, dtype=float)
    e = _check_probability("noise", noise)
    m = _check_probability("monitoring_noise", monitoring_noise)
    p = (1.0 - m) * p + m * p[_FLIP_PARTNER]
    return (1.0 - e) * p + e * (1.0 - p)


# --------------------------------------------------------------------------------------
# Monte Carlo engine
# --------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class MatchBatch:
    """Results of :func:`play_batch`: many independent matches of the same pair.

    Attributes
    ----------
    counts : ndarray of int32, shape (n, 4)
        Number of rounds each match spent in states CC, CD, DC, DD (A's view).
    payoffs_a, payoffs_b : ndarray of float, shape (n,)
        Total payoff of each player over the match (stage-game utility summed
        over rounds).
    turns : int
        Rounds per match.
    game : StageGame
        Stage game used for the payoffs.
    noise, monitoring_noise : float
        Implementation and monitoring error probabilities.
    engine : str
        ``"table"`` or ``"generic"`` (see :func:`play_batch`).
    history_a, history_b : ndarray of bool, shape (n, turns), or None
        Actions actually taken (True = ease), when ``record=True``.
    """

    counts: np.ndarray
    payoffs_a: np.ndarray
    payoffs_b: np.ndarray
    turns: int
    game: StageGame
    noise: float
    monitoring_noise: float
    engine: str
    history_a: np.ndarray | None = None
    history_b: np.ndarray | None = None

    @property
    def n(self) -> int:
        """Number of matches."""
        return int(self.counts.shape[0])

    @property
    def frequencies(self) -> np.ndarray:
        """Share of rounds in each state per match, shape (n, 4)."""
        return self.counts / self.turns

    @property
    def cooperation_a(self) -> np.ndarray:
        """Share of rounds in which A eased, per match, shape (n,)."""
        return (self.counts[:, 0] + self.counts[:, 1]) / self.turns

    @property
    def cooperation_b(self) -> np.ndarray:
        """Share of rounds in which B eased, per match, shape (n,)."""
        return (self.counts[:, 0] + self.counts[:, 2]) / self.turns

    def summary(self) -> pd.DataFrame:
        """Mean and standard error (over matches) of per-round quantities."""
        data = {
            **{f"P({s})": self.frequencies[:, i] for i, s in enumerate(STATES)},
            "cooperation A": self.cooperation_a,
            "cooperation B": self.cooperation_b,
            "payoff A per round": self.payoffs_a / self.turns,
            "payoff B per round": self.payoffs_b / self.turns,
        }
        n = self.n
        rows = {k: (float(v.mean()), float(v.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan)
                for k, v in data.items()}
        return pd.DataFrame.from_dict(rows, orient="index", columns=["mean", "se"])


def _generator(seed: SeedLike) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or isinstance(seed, np.random.SeedSequence):
        ss = seed if seed is not None else np.random.SeedSequence()
    else:
        ss = np.random.SeedSequence(seed)
    return np.random.Generator(np.random.PCG64(ss))


def play_batch(
    strategy_a: StrategyLike,
    strategy_b: StrategyLike,
    turns: int,
    n: int,
    noise: float = 0.0,
    monitoring_noise: float = 0.0,
    seed: SeedLike = None,
    record: bool = False,
    game: StageGame | None = None,
    engine: Literal["auto", "table", "generic"] = "auto",
) -> MatchBatch:
    """Play ``n`` independent matches of the repeated game at once.

    Each match lasts ``turns`` rounds.  In round 0 each player makes its
    opening move (:meth:`Strategy.opening`); afterwards it reacts to its own
    actual last move and to the partner's last move *as it perceived it*.

    Parameters
    ----------
    strategy_a, strategy_b : Strategy, str or Strategy subclass
        Row player (A) and column player (B).  Names are looked up in
        :data:`tradesim.strategies.STRATEGIES` and built with default
        parameters.
    turns : int
        Rounds per match (weeks), at least 1.
    n : int
        Number of matches, at least 1.
    noise : float
        Implementation error: probability that the action taken is the
        opposite of the one intended, independently for each player and round
        (including the opening).
    monitoring_noise : float
        Monitoring error: probability that a player perceives the partner's
        actual action flipped, independently for each player and round.  A
        player always knows its own action.
    seed : int, SeedSequence, Generator or None
        Randomness for the whole batch: one :class:`numpy.random.Generator`
        (PCG64) is built from ``numpy.random.SeedSequence(seed)`` (a Generator
        is used as given) and all matches draw from it in a fixed order, so a
        seed fixes the whole batch.  The stream depends on the engine and on
        the block constants of this module, not on the machine.
    record : bool
        Keep the full action histories (memory ``2 * n * turns`` bytes).
    game : StageGame, optional
        Stage game for the payoffs; default :meth:`StageGame.standard`.
    engine : {"auto", "table", "generic"}
        ``"generic"`` calls :meth:`Strategy.cooperate` every round and applies
        the two errors explicitly.  ``"table"`` (for rules that play their
        memory-one vector, see below) looks up, for the actual last state,
        the probability that the action *taken* is cooperation,
        :func:`effective_vector`, and draws it with one uniform per player
        and round; since both errors are independent of everything else,
        the distribution of the actions taken is the same as the generic
        engine's.  ``"auto"`` uses ``"table"`` when both rules qualify (those
        with :meth:`Strategy.memory_one_vector`, the base-class
        :meth:`~Strategy.cooperate` and opening and no private state, plus
        :class:`~tradesim.strategies.Proportional`), ``"generic"`` otherwise.

    Returns
    -------
    MatchBatch
        State counts, total payoffs and (optionally) histories.

    Notes
    -----
    The table engine draws float32 uniforms (multiples of 2**-24) compared
    with float32 probabilities, so a probability strictly between 0 and 1 is
    realised with an absolute bias below 1e-7; 0 and 1 are exact.  The
    matches are processed in blocks of 8192 so each round's working set
    stays in cache.
    """
    a, b = _resolve(strategy_a), _resolve(strategy_b)
    turns, n = int(turns), int(n)
    if turns < 1 or n < 1:
        raise ValueError(f"turns and n must be at least 1, got turns={turns}, n={n}")
    e = _check_probability("noise", noise)
    m = _check_probability("monitoring_noise", monitoring_noise)
    game = game or StageGame.standard()
    rng = _generator(seed)
    if engine == "auto":
        engine = "table" if _is_table_rule(a) and _is_table_rule(b) else "generic"
    if engine == "table":
        for s in (a, b):
            if not _is_table_rule(s):
                raise ValueError(f"the table engine needs a rule that plays its memory-one "
                                 f"vector; {s} does not (use engine='generic')")
        counts, hist_a, hist_b = _run_table(a, b, turns, n, e, m, rng, record)
    elif engine == "generic":
        counts, hist_a, hist_b = _run_generic(a, b, turns, n, e, m, rng, record)
    else:
        raise ValueError(f"engine must be 'auto', 'table' or 'generic', got {engine!r}")
    payoffs_a = counts @ game.row_payoffs()
    payoffs_b = counts @ game.column_payoffs()
    return MatchBatch(counts, payoffs_a, payoffs_b, turns, game, e, m, engine,
                      hist_a, hist_b)


def _counts_from_sums(n_a: np.ndarray, n_b: np.ndarray, n_cc: np.ndarray,
                      turns: int, out: np.ndarray) -> None:
    """Fill ``out`` (m, 4) with CC, CD, DC, DD counts from the action sums."""
    out[:, 0] = n_cc
    out[:, 1] = n_a - n_cc
    out[:, 2] = n_b - n_cc
    out[:, 3] = turns - n_a - n_b + n_cc


def _flush(buf: np.ndarray, both: np.ndarray, sums: np.ndarray, n_cc: np.ndarray,
           rows: int) -> None:
    """Add the first ``rows`` buffered rounds to the per-match sums."""
    sums += buf[:rows].view(np.uint8).sum(axis=0, dtype=np.int32)
    np.logical_and(buf[:rows, 0], buf[:rows, 1], out=both[:rows])
    n_cc += both[:rows].view(np.uint8).sum(axis=0, dtype=np.int32)


def _run_table(a: Strategy, b: Strategy, turns: int, n: int, e: float, m: float,
               rng: np.random.Generator, record: bool):
    """Memory-one engine: one table look-up and one uniform per player and round."""
    pa = effective_vector(a.memory_one_vector(), e, m)
    pb = effective_vector(b.memory_one_vector(), e, m)
    # Indexed by k = a + 2 b (1 = cooperated); B's table is read from B's own view.
    tab_a = pa[_STATE_OF_K].astype(np.float32)
    tab_b = pb[_SWAP][_STATE_OF_K].astype(np.float32)
    first = np.array([(1 - e) * a.first_move + e * (1 - a.first_move),
                      (1 - e) * b.first_move + e * (1 - b.first_move)], dtype=np.float32)

    counts = np.empty((n, 4), dtype=np.int32)
    hist_a = np.empty((n, turns), dtype=bool) if record else None
    hist_b = np.empty((n, turns), dtype=bool) if record else None
    chunk = min(_TURN_CHUNK, turns)
    for start in range(0, n, _BLOCK):
        w = min(_BLOCK, n - start)
        buf = np.empty((chunk, 2, w), dtype=bool)   # buf[row, player, match]
        buf8 = buf.view(np.uint8)
        u = np.empty((2, w), dtype=np.float32)
        thr = np.empty((2, w), dtype=np.float32)
        k = np.empty(w, dtype=np.uint8)
        sums = np.zeros((2, w), dtype=np.int32)      # rounds A, B eased
        n_cc = np.zeros(w, dtype=np.int32)
        both = np.empty((chunk, w), dtype=bool)

        rng.random((2, w), dtype=np.float32, out=u)
        np.less(u, first[:, None], out=buf[0])
        row = 0
        for t in range(1, turns):
            prev = buf8[row]
            row += 1
            if row == chunk:
                _flush(buf, both, sums, n_cc, chunk)
                if record:
                    hist_a[start:start + w, t - chunk:t] = buf[:, 0].T
                    hist_b[start:start + w, t - chunk:t] = buf[:, 1].T
                row = 0
            np.add(prev[1], prev[1], out=k)
            np.add(k, prev[0], out=k)
            np.take(tab_a, k, out=thr[0])
            np.take(tab_b, k, out=thr[1])
            rng.random((2, w), dtype=np.float32, out=u)
            np.less(u, thr, out=buf[row])
        _flush(buf, both, sums, n_cc, row + 1)
        if record:
            hist_a[start:start + w, turns - row - 1:] = buf[:row + 1, 0].T
            hist_b[start:start + w, turns - row - 1:] = buf[:row + 1, 1].T
        _counts_from_sums(sums[0], sums[1], n_cc, turns, counts[start:start + w])
    return counts, hist_a, hist_b


def _run_generic(a: Strategy, b: Strategy, turns: int, n: int, e: float, m: float,
                 rng: np.random.Generator, record: bool):
    """Run the generic engine: call each rule's ``cooperate``, apply both errors explicitly."""
    counts = np.empty((n, 4), dtype=np.int32)
    hist_a = np.empty((n, turns), dtype=bool) if record else None
    hist_b = np.empty((n, turns), dtype=bool) if record else None
    for start in range(0, n, _BLOCK):
        w = min(_BLOCK, n - start)
        state_a, state_b = a.initial_state(w), b.initial_state(w)
        n_a = np.zeros(w, dtype=np.int32)
        n_b = np.zeros(w, dtype=np.int32)
        n_cc = np.zeros(w, dtype=np.int32)
        # Draws per round: rule A, rule B, implementation A, implementation B,
        # then (after round 0) monitoring by A, monitoring by B.
        u = rng.random((4, w))
        act_a = np.asarray(a.opening(u[0]), dtype=bool) ^ (u[2] < e)
        act_b = np.asarray(b.opening(u[1]), dtype=bool) ^ (u[3] < e)
        for t in range(turns):
            if t > 0:
                u = rng.random((6, w))
                seen_b = act_b ^ (u[4] < m)     # A's perception of B's cooperation
                seen_a = act_a ^ (u[5] < m)
                new_a = np.asarray(a.cooperate(act_a.copy(), (~seen_b).astype(float),
                                               state_a, u[0]), dtype=bool) ^ (u[2] < e)
                new_b = np.asarray(b.cooperate(act_b.copy(), (~seen_a).astype(float),
                                               state_b, u[1]), dtype=bool) ^ (u[3] < e)
                act_a, act_b = new_a, new_b
            n_a += act_a
            n_b += act_b
            n_cc += act_a & act_b
            if record:
                hist_a[start:start + w, t] = act_a
                hist_b[start:start + w, t] = act_b
        _counts_from_sums(n_a, n_b, n_cc, turns, counts[start:start + w])
    return counts, hist_a, hist_b


def play(
    strategy_a: StrategyLike,
    strategy_b: StrategyLike,
    turns: int,
    noise: float = 0.0,
    seed: SeedLike = None,
    monitoring_noise: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Play one match and return both players' actions.

    This is :func:`play_batch` with ``n=1`` and ``record=True`` (one code
    path); see there for the parameters and the two kinds of noise.

    Returns
    -------
    actions_a, actions_b : ndarray of bool, shape (turns,)
        Actions actually taken, True = ease (cooperate).

    Examples
    --------
    >>> a, b = play("tit_for_tat", "always_retaliate", 4, seed=1)
    >>> a.tolist(), b.tolist()
    ([True, False, False, False], [False, False, False, False])
    """
    batch = play_batch(strategy_a, strategy_b, turns, 1, noise=noise,
                       monitoring_noise=monitoring_noise, seed=seed, record=True)
    assert batch.history_a is not None and batch.history_b is not None
    return batch.history_a[0], batch.history_b[0]


# --------------------------------------------------------------------------------------
# Exact results for memory-one strategies
# --------------------------------------------------------------------------------------


def _long_run_average(matrix: np.ndarray, v0: np.ndarray) -> tuple[np.ndarray, int]:
    """Cesaro limit ``lim (1/T) sum_{t<T} v0 M^t`` via the recurrent classes.

    Returns the limit and the number of recurrent (closed) classes.  Each
    closed communicating class has a unique stationary distribution (also
    when periodic); the limit weights them by the probability of absorption
    from ``v0``.
    """
    size = matrix.shape[0]
    graph = (matrix > 0).astype(np.int8)
    n_comp, label = connected_components(graph, directed=True, connection="strong")
    closed = [c for c in range(n_comp)
              if not np.any(graph[np.ix_(label == c, label != c)])]
    recurrent = np.isin(label, closed)
    transient = ~recurrent
    # Probability of ending in each closed class, starting from v0.
    weight = {c: float(v0[label == c].sum()) for c in closed}
    if transient.any():
        q = matrix[np.ix_(transient, transient)]
        reach = np.linalg.solve(np.eye(int(transient.sum())) - q, np.eye(int(transient.sum())))
        start = v0[transient] @ reach          # expected visits to each transient state
        for c in closed:
            weight[c] += float(start @ matrix[np.ix_(transient, label == c)].sum(axis=1))
    limit = np.zeros(size)
    for c in closed:
        idx = np.flatnonzero(label == c)
        sub = matrix[np.ix_(idx, idx)]
        k = len(idx)
        lhs = sub.T - np.eye(k)
        lhs[-1, :] = 1.0
        rhs = np.zeros(k)
        rhs[-1] = 1.0
        pi = np.linalg.solve(lhs, rhs)
        limit[idx] += weight[c] * pi
    return limit, len(closed)


@dataclasses.dataclass(frozen=True, eq=False)
class MemoryOneChain:
    """The four-state Markov chain of two memory-one strategies.

    Build it with :meth:`from_strategies`.  States are CC, CD, DC, DD from
    A's point of view; ``matrix[s, s2]`` is the probability of moving from
    state ``s`` to ``s2`` in one round and ``v0`` the distribution of round
    0 (the opening moves, also subject to implementation error).

    Attributes
    ----------
    p, q : ndarray, shape (4,)
        Effective cooperation probabilities of A and B after each state, each
        from its *own* point of view (:func:`effective_vector`).
    matrix : ndarray, shape (4, 4)
        Row-stochastic transition matrix.
    v0 : ndarray, shape (4,)
        Distribution of the state in round 0.
    noise, monitoring_noise : float
        Error probabilities used.
    names : tuple of str
        Descriptions of the two strategies.

    Notes
    -----
    With ``0 < noise < 1`` every entry of ``matrix`` is positive, so the
    chain is ergodic and has a unique stationary distribution independent
    of ``v0``.  Without noise it can have several closed classes (e.g. tit
    for tat against itself: CC and DD are absorbing and CD <-> DC is a
    2-cycle); then the long-run distribution is the Cesaro limit from
    ``v0`` (:meth:`long_run_distribution`).  References: Nowak & Sigmund
    (1993); Press & Dyson (2012).
    """

    p: np.ndarray
    q: np.ndarray
    matrix: np.ndarray
    v0: np.ndarray
    noise: float
    monitoring_noise: float
    names: tuple[str, str]

    @classmethod
    def from_strategies(cls, strategy_a: StrategyLike, strategy_b: StrategyLike,
                        noise: float = 0.0, monitoring_noise: float = 0.0) -> MemoryOneChain:
        """Build the chain of two memory-one strategies.

        Parameters
        ----------
        strategy_a, strategy_b : Strategy, str or Strategy subclass
            Memory-one rules (``memory_one_vector()`` not None); their
            ``first_move`` gives the opening.
        noise : float
            Implementation error (see :func:`effective_vector`).
        monitoring_noise : float
            Monitoring error (see :func:`effective_vector`).

        Raises
        ------
        ValueError
            If a rule is not memory-one (e.g. ``grim_trigger``; use
            ``grim_memory_one``).
        """
        sa, va = _memory_one(strategy_a)
        sb, vb = _memory_one(strategy_b)
        e = _check_probability("noise", noise)
        m = _check_probability("monitoring_noise", monitoring_noise)
        p = effective_vector(va, e, m)
        q = effective_vector(vb, e, m)
        return cls(p, q, transition_matrix_from_vectors(p, q),
                   initial_distribution_from_moves(sa.first_move, sb.first_move, e),
                   e, m, (str(sa), str(sb)))

    @property
    def is_unique(self) -> bool:
        """True when the chain has a single closed class (unique stationary distribution)."""
        return _long_run_average(self.matrix, self.v0)[1] == 1

    def long_run_distribution(self) -> np.ndarray:
        """Long-run share of rounds in each state, ``lim (1/T) sum_{t<T} v0 M^t``.

        Equal to the stationary distribution when it is unique; otherwise the
        Cesaro limit from ``v0``, the mixture of the closed classes'
        stationary distributions weighted by their absorption probabilities.
        """
        return _long_run_average(self.matrix, self.v0)[0]

    def occupancy(self, turns: int) -> np.ndarray:
        """Return the expected number of rounds in each state over ``turns`` rounds.

        ``sum_{t=0}^{turns-1} v0 M^t``, computed exactly (up to rounding) by
        the power of the block matrix ``[[M, I], [0, I]]``.
        """
        turns = int(turns)
        if turns < 0:
            raise ValueError("turns must be non-negative")
        block = np.zeros((8, 8))
        block[:4, :4] = self.matrix
        block[:4, 4:] = np.eye(4)
        block[4:, 4:] = np.eye(4)
        power = np.linalg.matrix_power(block, turns)
        return self.v0 @ power[:4, 4:]

    def variance_of_total(self, f: Sequence[float] | np.ndarray, turns: int) -> float:
        """Return the exact variance of ``Y = sum_{t<turns} f(X_t)`` over matches.

        ``f`` is a function of the state (e.g. a payoff vector, or an
        indicator for a state count).  With ``v_t = v0 M^t`` and
        ``h_k = sum_{j=1}^{k} M^j f`` (so ``h_k = M (f + h_{k-1})``)::

            E[Y^2] = sum_t v_t . f^2 + 2 sum_{t<turns-1} (v_t * f) . h_{turns-1-t}

        and ``Var Y = E[Y^2] - E[Y]^2``.  Divide by the number of matches for
        the squared standard error of a Monte Carlo mean.
        """
        f = np.asarray(f, dtype=float)
        turns = int(turns)
        h = [np.zeros(4)]
        for _ in range(max(turns - 1, 0)):
            h.append(self.matrix @ (f + h[-1]))
        v = self.v0.copy()
        mean = second = 0.0
        for t in range(turns):
            mean += float(v @ f)
            second += float(v @ (f * f)) + 2.0 * float((v * f) @ h[turns - 1 - t])
            v = v @ self.matrix
        return max(second - mean * mean, 0.0)

    def state_at(self, t: int) -> np.ndarray:
        """Distribution of the state in round ``t`` (``v0 M^t``)."""
        return self.v0 @ np.linalg.matrix_power(self.matrix, int(t))

    def payoffs(self, game: StageGame | None = None,
                turns: int | None = None) -> tuple[float, float]:
        """Return the expected payoffs (A, B).

        Per round in the long run when ``turns`` is None, else the expected
        *total* over ``turns`` rounds.
        """
        game = game or StageGame.standard()
        dist = self.long_run_distribution() if turns is None else self.occupancy(turns)
        return float(dist @ game.row_payoffs()), float(dist @ game.column_payoffs())

    def discounted_payoffs(self, delta: float,
                           game: StageGame | None = None) -> tuple[float, float]:
        """Normalised discounted payoffs ``(1 - delta) v0 (I - delta M)^-1 f``.

        Round ``t`` (from 0) is weighted ``delta**t``; the factor
        ``1 - delta`` makes the result an average payoff per round, directly
        comparable with the stage payoffs.  As ``delta -> 1`` it tends to the
        long-run payoff (Abel limit).
        """
        delta = float(delta)
        if not 0.0 <= delta < 1.0:
            raise ValueError(f"delta must be in [0, 1), got {delta!r}")
        game = game or StageGame.standard()
        weights = (1.0 - delta) * np.linalg.solve((np.eye(4) - delta * self.matrix).T, self.v0)
        return float(weights @ game.row_payoffs()), float(weights @ game.column_payoffs())

    def press_dyson_payoffs(self, game: StageGame | None = None,
                            tol: float = 1e-12) -> tuple[float, float] | None:
        """Stationary payoffs by the determinant formula of Press & Dyson (2012).

        ``s_X = D(p, q, S_X) / D(p, q, 1)`` with (their eq. 5)::

            D(p, q, f) = det | -1 + p1 q1   -1 + p1   -1 + q1   f1 |
                             |    p2 q3        -1 + p2      q3   f2 |
                             |    p3 q2          p3   -1 + q2   f3 |
                             |    p4 q4          p4        q4   f4 |

        where ``p`` is A's and ``q`` B's effective vector, each from its own
        view.  Returns None when ``|D(p, q, 1)| <= tol``, i.e. when the
        stationary distribution is not unique and the formula is undefined.
        """
        game = game or StageGame.standard()
        denom = _press_dyson_det(self.p, self.q, np.ones(4))
        if abs(denom) <= tol:
            return None
        return (_press_dyson_det(self.p, self.q, game.row_payoffs()) / denom,
                _press_dyson_det(self.p, self.q, game.column_payoffs()) / denom)


def _press_dyson_det(p: np.ndarray, q: np.ndarray, f: np.ndarray) -> float:
    p1, p2, p3, p4 = p
    q1, q2, q3, q4 = q
    mat = np.array([
        [-1 + p1 * q1, -1 + p1, -1 + q1, f[0]],
        [p2 * q3, -1 + p2, q3, f[1]],
        [p3 * q2, p3, -1 + q2, f[2]],
        [p4 * q4, p4, q4, f[3]],
    ])
    return float(np.linalg.det(mat))


def transition_matrix_from_vectors(p: Sequence[float], q: Sequence[float]) -> np.ndarray:
    """Transition matrix from two cooperation vectors, each in its owner's view.

    Parameters
    ----------
    p, q : sequence of 4 floats
        Probabilities that A (resp. B) cooperates after CC, CD, DC, DD as
        seen by itself.  B's probabilities are re-indexed to A's view
        (CD <-> DC).

    Returns
    -------
    ndarray, shape (4, 4)
        ``M[s, s2]``, states CC, CD, DC, DD from A's view.
    """
    pa = np.asarray(p, dtype=float)
    qb = np.asarray(q, dtype=float)[_SWAP]
    return np.column_stack([pa * qb, pa * (1 - qb), (1 - pa) * qb, (1 - pa) * (1 - qb)])


def initial_distribution_from_moves(first_a: float, first_b: float,
                                    noise: float = 0.0) -> np.ndarray:
    """Distribution of round 0 from the opening probabilities, with implementation error."""
    e = _check_probability("noise", noise)
    fa = (1 - e) * first_a + e * (1 - first_a)
    fb = (1 - e) * first_b + e * (1 - first_b)
    return np.array([fa * fb, fa * (1 - fb), (1 - fa) * fb, (1 - fa) * (1 - fb)])


def transition_matrix(strategy_a: StrategyLike, strategy_b: StrategyLike,
                      noise: float = 0.0, monitoring_noise: float = 0.0) -> np.ndarray:
    """Transition matrix (4x4, states CC, CD, DC, DD from A's view) of two memory-one rules.

    See :meth:`MemoryOneChain.from_strategies`.
    """
    return MemoryOneChain.from_strategies(strategy_a, strategy_b, noise,
                                          monitoring_noise).matrix


def initial_distribution(strategy_a: StrategyLike, strategy_b: StrategyLike,
                         noise: float = 0.0) -> np.ndarray:
    """Distribution of the round-0 state from the opening moves (flipped with ``noise``)."""
    sa, sb = _resolve(strategy_a), _resolve(strategy_b)
    return initial_distribution_from_moves(sa.first_move, sb.first_move, noise)


def long_run_distribution(strategy_a: StrategyLike, strategy_b: StrategyLike,
                          noise: float = 0.0, monitoring_noise: float = 0.0) -> np.ndarray:
    """Long-run share of rounds in each state (Cesaro limit from the opening).

    See :meth:`MemoryOneChain.long_run_distribution`.
    """
    return MemoryOneChain.from_strategies(strategy_a, strategy_b, noise,
                                          monitoring_noise).long_run_distribution()


def stationary_distribution(strategy_a: StrategyLike, strategy_b: StrategyLike,
                            noise: float = 0.0, monitoring_noise: float = 0.0) -> np.ndarray:
    """Stationary distribution of the chain, refusing the non-unique case.

    Raises
    ------
    ValueError
        If the chain has several closed classes (e.g. no noise); use
        :func:`long_run_distribution` for the long-run average from the
        opening moves.
    """
    chain = MemoryOneChain.from_strategies(strategy_a, strategy_b, noise, monitoring_noise)
    limit, n_closed = _long_run_average(chain.matrix, chain.v0)
    if n_closed != 1:
        raise ValueError(f"the stationary distribution is not unique ({n_closed} closed "
                         f"classes); use long_run_distribution() for the Cesaro limit")
    return limit


def long_run_payoffs(strategy_a: StrategyLike, strategy_b: StrategyLike,
                     noise: float = 0.0, game: StageGame | None = None,
                     monitoring_noise: float = 0.0) -> tuple[float, float]:
    """Long-run expected payoff per round of A and B (Cesaro limit from the opening)."""
    return MemoryOneChain.from_strategies(strategy_a, strategy_b, noise,
                                          monitoring_noise).payoffs(game)


def finite_horizon_occupancy(strategy_a: StrategyLike, strategy_b: StrategyLike,
                             turns: int, noise: float = 0.0,
                             monitoring_noise: float = 0.0) -> np.ndarray:
    """Return expected rounds in CC, CD, DC, DD over ``turns`` rounds, ``sum_{t<T} v0 M^t``."""
    return MemoryOneChain.from_strategies(strategy_a, strategy_b, noise,
                                          monitoring_noise).occupancy(turns)


def finite_horizon_payoffs(strategy_a: StrategyLike, strategy_b: StrategyLike,
                           turns: int, noise: float = 0.0, game: StageGame | None = None,
                           monitoring_noise: float = 0.0) -> tuple[float, float]:
    """Return expected *total* payoffs of A and B over ``turns`` rounds, ``sum v0 M^t f``."""
    return MemoryOneChain.from_strategies(strategy_a, strategy_b, noise,
                                          monitoring_noise).payoffs(game, turns)


def discounted_payoffs(strategy_a: StrategyLike, strategy_b: StrategyLike, delta: float,
                       noise: float = 0.0, game: StageGame | None = None,
                       monitoring_noise: float = 0.0) -> tuple[float, float]:
    """Normalised discounted payoffs ``(1 - delta) v0 (I - delta M)^-1 f`` of A and B."""
    return MemoryOneChain.from_strategies(strategy_a, strategy_b, noise,
                                          monitoring_noise).discounted_payoffs(delta, game)


def press_dyson_payoffs(strategy_a: StrategyLike, strategy_b: StrategyLike,
                        noise: float = 0.0, game: StageGame | None = None,
                        monitoring_noise: float = 0.0) -> tuple[float, float] | None:
    """Stationary payoffs by Press & Dyson's (2012) determinant, or None if undefined."""
    return MemoryOneChain.from_strategies(strategy_a, strategy_b, noise,
                                          monitoring_noise).press_dyson_payoffs(game)


# --------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------


def exact_table(
    a: StrategyLike,
    b: StrategyLike,
    noise: float = 0.0,
    turns: int | None = None,
    game: StageGame | None = None,
    monitoring_noise: float = 0.0,
) -> pd.DataFrame:
    """Exact results for two memory-one strategies as a table.

    Parameters
    ----------
    a, b : Strategy, str or Strategy subclass
        Memory-one rules for A (row) and B (column).
    noise : float
        Implementation error.
    turns : int, optional
        Also give the expected per-round averages over a match of this many
        rounds (the finite-horizon expectation).
    game : StageGame, optional
        Default :meth:`StageGame.standard`.
    monitoring_noise : float
        Monitoring error.

    Returns
    -------
    pandas.DataFrame
        Rows ``P(CC)``, ``P(CD)``, ``P(DC)``, ``P(DD)``, ``cooperation A``,
        ``cooperation B``, ``payoff A``, ``payoff B`` (per round); columns
        ``long run`` (Cesaro limit from the opening), ``first {turns}
        rounds`` (if ``turns``) and ``Press-Dyson`` (payoff rows only; NaN
        when undefined).  ``attrs`` records the inputs, the effective vectors
        and whether the stationary distribution is unique.
    """
    game = game or StageGame.standard()
    chain = MemoryOneChain.from_strategies(a, b, noise, monitoring_noise)
    index = [f"P({s})" for s in STATES] + ["cooperation A", "cooperation B",
                                           "payoff A", "payoff B"]

    def column(dist: np.ndarray) -> list[float]:
        return [*map(float, dist), float(dist[0] + dist[1]), float(dist[0] + dist[2]),
                float(dist @ game.row_payoffs()), float(dist @ game.column_payoffs())]

    data = {"long run": column(chain.long_run_distribution())}
    if turns is not None:
        data[f"first {int(turns)} rounds"] = column(chain.occupancy(turns) / int(turns))
    pd_payoffs = chain.press_dyson_payoffs(game)
    data["Press-Dyson"] = [math.nan] * 6 + (list(pd_payoffs) if pd_payoffs else
                                            [math.nan, math.nan])
    table = pd.DataFrame(data, index=index)
    table.attrs.update(
        strategy_a=chain.names[0], strategy_b=chain.names[1], noise=chain.noise,
        monitoring_noise=chain.monitoring_noise, turns=turns, game=game,
        p=tuple(map(float, chain.p)), q=tuple(map(float, chain.q)),
        unique=chain.is_unique, v0=tuple(map(float, chain.v0)),
    )
    return table


def format_exact_table(
    a: StrategyLike,
    b: StrategyLike,
    noise: float = 0.0,
    turns: int | None = None,
    game: StageGame | None = None,
    monitoring_noise: float = 0.0,
) -> str:
    """Readable text of :func:`exact_table`, for ``tradesim exact A B``.

    Parameters are those of :func:`exact_table`.  The text gives the
    strategies, the errors, the effective memory-one vectors, whether the
    stationary distribution is unique, the table, and the stage game's Nash
    equilibria.

    Returns
    -------
    str
        Multi-line text (no trailing newline).
    """
    game = game or StageGame.standard()
    table = exact_table(a, b, noise, turns, game, monitoring_noise)
    at = table.attrs

    def vec(v: tuple[float, ...]) -> str:
        return "(" + ", ".join(f"{x:.4g}" for x in v) + ")"

    lines = [
        f"A: {at['strategy_a']}",
        f"B: {at['strategy_b']}",
        f"implementation error {at['noise']:g}, monitoring error {at['monitoring_noise']:g}; "
        f"stage game (R, S, T, P) = ({game.R:g}, {game.S:g}, {game.T:g}, {game.P:g})"
        + ("" if game.symmetric else f", column {vec(game.column or ())}"),
        f"effective cooperation after CC, CD, DC, DD (own view): A {vec(at['p'])}, "
        f"B {vec(at['q'])}",
        f"opening distribution over CC, CD, DC, DD: {vec(at['v0'])}",
        "stationary distribution: " + (
            "unique" if at["unique"] else
            "NOT unique (several closed classes); 'long run' is the average from the opening"),
        "",
        table.to_string(float_format=lambda x: f"{x:.6f}", na_rep="-"),
        "",
        "stage-game Nash equilibria: "
        + ", ".join(eq.label() for eq in nash_equilibria(game)),
    ]
    if turns is not None:
        fa, fb = table.loc[["payoff A", "payoff B"], f"first {int(turns)} rounds"] * int(turns)
        lines.insert(-2, f"expected total payoffs over {int(turns)} rounds: "
                         f"A {fa:.6f}, B {fb:.6f}")
    return "\n".join(lines)
