"""Exact results for two memory-one strategies: the four-state Markov chain.

:class:`MemoryOneChain` is the one implementation: its transition matrix,
opening distribution, long-run (Cesaro) and stationary distributions,
finite-horizon occupancy, payoffs and their variance, discounted payoffs and
the Press-Dyson determinant formula (Nowak & Sigmund 1993; Press & Dyson
2012).  The module-level functions (:func:`long_run_distribution`,
:func:`finite_horizon_payoffs`, ...) are one-line shorthands for building the
chain with :meth:`MemoryOneChain.from_strategies` and calling its method.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
from scipy.sparse.csgraph import connected_components

from tradesim.game.rules import (
    StrategyLike,
    check_probability,
    effective_vector,
    memory_one_rule,
    resolve_strategy,
)
from tradesim.game.stage import SWAP_VIEW, StageGame

__all__ = [
    "MemoryOneChain",
    "discounted_payoffs",
    "finite_horizon_occupancy",
    "finite_horizon_payoffs",
    "initial_distribution",
    "initial_distribution_from_moves",
    "long_run_distribution",
    "long_run_payoffs",
    "press_dyson_payoffs",
    "stationary_distribution",
    "transition_matrix",
    "transition_matrix_from_vectors",
]


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
        sa, va = memory_one_rule(strategy_a)
        sb, vb = memory_one_rule(strategy_b)
        e = check_probability("noise", noise)
        m = check_probability("monitoring_noise", monitoring_noise)
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

    def stationary_distribution(self) -> np.ndarray:
        """The unique stationary distribution, refusing the non-unique case.

        Raises
        ------
        ValueError
            If the chain has several closed classes (e.g. no noise); use
            :meth:`long_run_distribution` for the long-run average from the
            opening moves.
        """
        limit, n_closed = _long_run_average(self.matrix, self.v0)
        if n_closed != 1:
            raise ValueError(f"the stationary distribution is not unique ({n_closed} closed "
                             f"classes); use long_run_distribution() for the Cesaro limit")
        return limit

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
    qb = np.asarray(q, dtype=float)[SWAP_VIEW]
    return np.column_stack([pa * qb, pa * (1 - qb), (1 - pa) * qb, (1 - pa) * (1 - qb)])


def initial_distribution_from_moves(first_a: float, first_b: float,
                                    noise: float = 0.0) -> np.ndarray:
    """Distribution of round 0 from the opening probabilities, with implementation error."""
    e = check_probability("noise", noise)
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
    sa, sb = resolve_strategy(strategy_a), resolve_strategy(strategy_b)
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

    See :meth:`MemoryOneChain.stationary_distribution`.
    """
    return MemoryOneChain.from_strategies(strategy_a, strategy_b, noise,
                                          monitoring_noise).stationary_distribution()


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
