"""The Monte Carlo engine of the two-player game, vectorised over matches.

:func:`play_batch` plays many independent matches at once with one of two
engines -- ``"table"`` for rules that play their memory-one vector, one
table look-up and one uniform per player and round, and ``"generic"``, which
calls :meth:`Strategy.cooperate` every round -- and :func:`play` is
:func:`play_batch` with one match.

Random streams
--------------
Each match draws from its own stream, so a match's result never depends on
how many matches are played with it or on how they are split into blocks
(:data:`BLOCK_SIZE`).  The seed gives a 128-bit key of the counter-based
generator :class:`numpy.random.Philox`; the uniforms of match ``i`` in round
``t`` are the 64-bit words ``K i, ..., K i + K - 1`` of the Philox stream
whose 256-bit counter starts with the round in its second 64-bit word and
the engine in its third.  ``K = 1`` for the table engine: the word's low and
high 32-bit halves, shifted right by 8, give A's and B's float32 uniforms
(multiples of 2**-24).  ``K = 6`` for the generic engine, float64 uniforms
for rule A, rule B, implementation A, implementation B, monitoring by A and
monitoring by B.  A block of matches thus reads one contiguous range of each
round's stream, with one counter reset per block and round, and Philox's
distinct counters give independent streams.
"""

from __future__ import annotations

import dataclasses
import math
import sys
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from tradesim.game.rules import (
    StrategyLike,
    check_probability,
    effective_vector,
    resolve_strategy,
)
from tradesim.game.stage import STATES, SWAP_VIEW, StageGame
from tradesim.strategies import Strategy

__all__ = ["BLOCK_SIZE", "TURN_CHUNK", "MatchBatch", "SeedLike", "play", "play_batch",
           "play_uniforms"]

#: A seed: an int (or sequence of ints), a SeedSequence, a Generator, or None (fresh entropy).
SeedLike = int | Sequence[int] | np.random.SeedSequence | np.random.Generator | None

#: Matches simulated together in one block (chosen so each round's working set stays
#: in a core's L2 cache).  Results do not depend on it: each match has its own stream.
BLOCK_SIZE = 8192
#: Rounds buffered between count reductions in the table engine (no effect on results).
TURN_CHUNK = 64

# In the table engine the state is coded k = a + 2 b (a, b = 1 for cooperation); this
# maps k = 0, 1, 2, 3 (DD, CD, DC, CC from A's view) to the index in STATES.
_STATE_OF_K = np.array([3, 1, 2, 0])
# Engine tags, the third word of the Philox counter.
_TABLE_STREAM, _GENERIC_STREAM = 0, 1
_WORDS_PER_BLOCK = 4     # Philox4x64 gives four 64-bit words per counter value
_MASK64 = (1 << 64) - 1
_BIG_ENDIAN = sys.byteorder == "big"


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
        Randomness.  A 128-bit key is drawn from
        ``Generator(PCG64(SeedSequence(seed)))`` (from the Generator itself
        when one is given, which is consumed), and each match then draws from
        its own counter-based stream keyed by it (see :mod:`tradesim.game`):
        match ``i``'s result depends only on the seed, ``i``, the engine and
        the inputs, not on ``n``, on the block size or on the machine.
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
        engine's.  ``"auto"`` uses ``"table"`` when both rules qualify
        (their ``plays_memory_one_vector`` is True, see
        :attr:`tradesim.strategies.Strategy.plays_memory_one_vector`),
        ``"generic"`` otherwise.

    Returns
    -------
    MatchBatch
        State counts, total payoffs and (optionally) histories.

    Notes
    -----
    The table engine draws float32 uniforms (multiples of 2**-24) compared
    with float32 probabilities, so a probability strictly between 0 and 1 is
    realised with an absolute bias below 1e-7; 0 and 1 are exact.  The
    matches are processed in blocks of :data:`BLOCK_SIZE` so each round's
    working set stays in cache; the results do not depend on it.
    """
    a, b = resolve_strategy(strategy_a), resolve_strategy(strategy_b)
    turns, n = int(turns), int(n)
    if turns < 1 or n < 1:
        raise ValueError(f"turns and n must be at least 1, got turns={turns}, n={n}")
    e = check_probability("noise", noise)
    m = check_probability("monitoring_noise", monitoring_noise)
    game = game or StageGame.standard()
    if engine == "auto":
        engine = ("table" if a.plays_memory_one_vector and b.plays_memory_one_vector
                  else "generic")
    if engine == "table":
        for s in (a, b):
            if not s.plays_memory_one_vector:
                raise ValueError(f"the table engine needs a rule that plays its memory-one "
                                 f"vector; {s} does not (use engine='generic')")
        counts, hist_a, hist_b = _run_table(a, b, turns, n, e, m, _match_key(seed), record)
    elif engine == "generic":
        counts, hist_a, hist_b = _run_generic(a, b, turns, n, e, m, _match_key(seed), record)
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


def _match_key(seed: SeedLike) -> np.ndarray:
    """The 128-bit Philox key of a batch: two words drawn from the seed's generator."""
    if isinstance(seed, np.random.Generator):
        rng = seed
    else:
        ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
        rng = np.random.Generator(np.random.PCG64(ss))
    return rng.integers(0, 1 << 64, size=2, dtype=np.uint64)


class _RoundStreams:
    """Per-match uniforms of one engine: ``words`` 64-bit words per match and round."""

    def __init__(self, key: np.ndarray, engine_tag: int, words: int) -> None:
        self._bits = np.random.Philox(key=key)
        self._gen = np.random.Generator(self._bits)
        self._key = key
        self._tag = engine_tag
        self._words = words

    def _seek(self, t: int, start: int) -> None:
        """Position the stream at match ``start``'s first word of round ``t``."""
        first_word = self._words * start
        block, skip = divmod(first_word, _WORDS_PER_BLOCK)
        # Philox increments its counter before each block of four words.
        ctr = ((self._tag << 128) + (t << 64) + block - 1) % (1 << 256)
        self._bits.state = {
            "bit_generator": "Philox",
            "state": {"counter": np.array([(ctr >> (64 * j)) & _MASK64 for j in range(4)],
                                          dtype=np.uint64),
                      "key": self._key},
            "buffer": np.zeros(_WORDS_PER_BLOCK, dtype=np.uint64),
            "buffer_pos": _WORDS_PER_BLOCK, "has_uint32": 0, "uinteger": 0,
        }
        if skip:
            self._bits.random_raw(skip)

    def uint24_pairs(self, t: int, start: int, w: int, out: np.ndarray) -> None:
        """Fill ``out`` (w, 2) uint32 with A's and B's 24-bit draws of round ``t``.

        One word per match (``words == 1``): its low 32-bit half for A, high half
        for B, each shifted right by 8 -- the integers ``k`` of the float32
        uniforms ``k * 2**-24`` that numpy would make of them.
        """
        self._seek(t, start)
        halves = self._bits.random_raw(w).view(np.uint32).reshape(w, 2)
        if _BIG_ENDIAN:
            halves = halves[:, ::-1]
        np.right_shift(halves, 8, out=out)

    def float64(self, t: int, start: int, w: int) -> np.ndarray:
        """Return the (words, w) float64 uniforms of matches ``start .. start + w - 1``."""
        self._seek(t, start)
        return self._gen.random((w, self._words)).T


def _threshold(p: np.ndarray) -> np.ndarray:
    """Integer thresholds: ``k < _threshold(p)`` iff the float32 ``k * 2**-24 < float32(p)``."""
    scaled = np.asarray(p, dtype=np.float32).astype(np.float64) * 2.0**24
    return np.ceil(scaled).astype(np.uint32)


def _flush(buf: np.ndarray, both: np.ndarray, code_cc: int, sums: np.ndarray,
           n_cc: np.ndarray, rows: int) -> None:
    """Add the first ``rows`` buffered rounds (``buf[row, match, player]``) to the sums."""
    sums += buf[:rows].view(np.uint8).sum(axis=0, dtype=np.int32)
    np.equal(buf[:rows].view(np.uint16)[..., 0], code_cc, out=both[:rows])
    n_cc += both[:rows].view(np.uint8).sum(axis=0, dtype=np.int32)


def _run_table(a: Strategy, b: Strategy, turns: int, n: int, e: float, m: float,
               key: np.ndarray, record: bool):
    """Memory-one engine: one table look-up and one uniform per player and round."""
    pa = effective_vector(a.memory_one_vector(), e, m)
    pb = effective_vector(b.memory_one_vector(), e, m)
    first = np.array([(1 - e) * a.first_move + e * (1 - a.first_move),
                      (1 - e) * b.first_move + e * (1 - b.first_move)])
    # A round's actions are stored as a pair of bools (A, B) per match; read as one
    # uint16, the pair indexes a table of both players' thresholds for cooperating
    # next (B's read from B's own view).  The codes depend on the byte order.
    both_k = np.array([[k & 1, k >> 1] for k in range(4)], dtype=bool)
    codes = both_k.view(np.uint16)[:, 0]
    table = np.zeros((int(codes.max()) + 1, 2), dtype=np.uint32)
    table[codes, 0] = _threshold(pa[_STATE_OF_K])
    table[codes, 1] = _threshold(pb[SWAP_VIEW][_STATE_OF_K])
    table64 = table.view(np.uint64)[:, 0]          # both thresholds in one word
    first_thr = _threshold(first)
    code_cc = int(codes[3])

    streams = _RoundStreams(key, _TABLE_STREAM, 1)
    counts = np.empty((n, 4), dtype=np.int32)
    hist_a = np.empty((n, turns), dtype=bool) if record else None
    hist_b = np.empty((n, turns), dtype=bool) if record else None
    chunk = min(TURN_CHUNK, turns)
    for start in range(0, n, BLOCK_SIZE):
        w = min(BLOCK_SIZE, n - start)
        buf = np.empty((chunk, w, 2), dtype=bool)   # buf[row, match, player]
        codes_buf = buf.view(np.uint16)[..., 0]     # (chunk, w)
        u = np.empty((w, 2), dtype=np.uint32)
        thr64 = np.empty(w, dtype=np.uint64)
        thr = thr64.view(np.uint32).reshape(w, 2)
        sums = np.zeros((w, 2), dtype=np.int32)     # rounds A, B eased
        n_cc = np.zeros(w, dtype=np.int32)
        both = np.empty((chunk, w), dtype=bool)

        streams.uint24_pairs(0, start, w, u)
        np.less(u, first_thr, out=buf[0])
        row = 0
        for t in range(1, turns):
            prev = codes_buf[row]
            row += 1
            if row == chunk:
                _flush(buf, both, code_cc, sums, n_cc, chunk)
                if record:
                    hist_a[start:start + w, t - chunk:t] = buf[:, :, 0].T
                    hist_b[start:start + w, t - chunk:t] = buf[:, :, 1].T
                row = 0
            np.take(table64, prev, out=thr64)    # prev's row is not overwritten yet
            streams.uint24_pairs(t, start, w, u)
            np.less(u, thr, out=buf[row])
        _flush(buf, both, code_cc, sums, n_cc, row + 1)
        if record:
            hist_a[start:start + w, turns - row - 1:] = buf[:row + 1, :, 0].T
            hist_b[start:start + w, turns - row - 1:] = buf[:row + 1, :, 1].T
        _counts_from_sums(sums[:, 0], sums[:, 1], n_cc, turns, counts[start:start + w])
    return counts, hist_a, hist_b


def _generic_round(a: Strategy, b: Strategy, t: int, u: np.ndarray, e: float, m: float,
                   act_a: np.ndarray | None, act_b: np.ndarray | None,
                   state_a: np.ndarray | None, state_b: np.ndarray | None
                   ) -> tuple[np.ndarray, np.ndarray]:
    """One round of the generic engine from its six rows of uniforms ``u`` (6, w).

    Rows: rule A, rule B, implementation A, implementation B, monitoring by A,
    monitoring by B (the last two unused in round 0).  Returns the actions
    taken (True = ease).
    """
    if t == 0:
        new_a = np.asarray(a.opening(u[0]), dtype=bool) ^ (u[2] < e)
        new_b = np.asarray(b.opening(u[1]), dtype=bool) ^ (u[3] < e)
        return new_a, new_b
    assert act_a is not None and act_b is not None
    seen_b = act_b ^ (u[4] < m)     # A's perception of B's cooperation
    seen_a = act_a ^ (u[5] < m)
    new_a = np.asarray(a.cooperate(act_a.copy(), (~seen_b).astype(float),
                                   state_a, u[0]), dtype=bool) ^ (u[2] < e)
    new_b = np.asarray(b.cooperate(act_b.copy(), (~seen_a).astype(float),
                                   state_b, u[1]), dtype=bool) ^ (u[3] < e)
    return new_a, new_b


def _run_generic(a: Strategy, b: Strategy, turns: int, n: int, e: float, m: float,
                 key: np.ndarray, record: bool):
    """Run the generic engine: call each rule's ``cooperate``, apply both errors explicitly."""
    # Draws per round: rule A, rule B, implementation A, implementation B,
    # then (after round 0) monitoring by A, monitoring by B.
    streams = _RoundStreams(key, _GENERIC_STREAM, 6)
    counts = np.empty((n, 4), dtype=np.int32)
    hist_a = np.empty((n, turns), dtype=bool) if record else None
    hist_b = np.empty((n, turns), dtype=bool) if record else None
    for start in range(0, n, BLOCK_SIZE):
        w = min(BLOCK_SIZE, n - start)
        state_a, state_b = a.initial_state(w), b.initial_state(w)
        n_a = np.zeros(w, dtype=np.int32)
        n_b = np.zeros(w, dtype=np.int32)
        n_cc = np.zeros(w, dtype=np.int32)
        act_a = act_b = None
        for t in range(turns):
            act_a, act_b = _generic_round(a, b, t, streams.float64(t, start, w), e, m,
                                          act_a, act_b, state_a, state_b)
            n_a += act_a
            n_b += act_b
            n_cc += act_a & act_b
            if record:
                hist_a[start:start + w, t] = act_a
                hist_b[start:start + w, t] = act_b
        _counts_from_sums(n_a, n_b, n_cc, turns, counts[start:start + w])
    return counts, hist_a, hist_b


def play_uniforms(
    strategy_a: StrategyLike,
    strategy_b: StrategyLike,
    uniforms: np.ndarray,
    noise: float = 0.0,
    monitoring_noise: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Play matches of the generic engine from given uniforms instead of its own streams.

    The same round rule as :func:`play_batch` with ``engine="generic"``; only
    the source of the random numbers differs.  It lets another model that
    draws its own uniforms (the full model, :class:`tradesim.model.TradeModel`,
    reduced to one instrument a side) be checked move for move against the
    game.

    Parameters
    ----------
    strategy_a, strategy_b : Strategy, str or Strategy subclass
    uniforms : ndarray, shape (turns, 6, n)
        Per round: rule A, rule B, implementation A, implementation B,
        monitoring by A, monitoring by B (see :mod:`tradesim.game.engines`).
    noise, monitoring_noise : float
        Implementation and monitoring error probabilities.

    Returns
    -------
    actions_a, actions_b : ndarray of bool, shape (n, turns)
        Actions taken, True = ease.
    """
    a, b = resolve_strategy(strategy_a), resolve_strategy(strategy_b)
    e = check_probability("noise", noise)
    m = check_probability("monitoring_noise", monitoring_noise)
    u = np.asarray(uniforms, dtype=float)
    if u.ndim != 3 or u.shape[1] != 6:
        raise ValueError(f"uniforms must have shape (turns, 6, n), got {u.shape}")
    turns, _, n = u.shape
    state_a, state_b = a.initial_state(n), b.initial_state(n)
    hist_a = np.empty((n, turns), dtype=bool)
    hist_b = np.empty((n, turns), dtype=bool)
    act_a = act_b = None
    for t in range(turns):
        act_a, act_b = _generic_round(a, b, t, u[t], e, m, act_a, act_b, state_a, state_b)
        hist_a[:, t], hist_b[:, t] = act_a, act_b
    return hist_a, hist_b


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
