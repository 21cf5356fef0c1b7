"""Shared pieces of the game tests: the memory-one rules tested and the oracle checks.

Imported by the test modules of this directory (``from game_oracle import ...``);
pytest puts this directory on ``sys.path`` (its default "prepend" imports, no
``__init__.py`` here).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from tradesim.game import STATES, MatchBatch, MemoryOneChain
from tradesim.strategies import MemoryOne, make_strategy

__all__ = ["MEMORY_ONE", "NOISES", "N_MATCHES", "PAIRS", "Z", "check_batch", "check_mean",
           "m1"]


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


def check_mean(samples: np.ndarray, exact: float, label: str,
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


def check_batch(batch: MatchBatch, chain: MemoryOneChain, turns: int, label: str) -> None:
    game = batch.game
    occupancy = chain.occupancy(turns)
    checks = [(batch.counts[:, i].astype(float), np.eye(4)[i], state)
              for i, state in enumerate(STATES)]
    checks += [(batch.payoffs_a, game.row_payoffs(), "payoff A"),
               (batch.payoffs_b, game.column_payoffs(), "payoff B")]
    for samples, f, name in checks:
        spread_zero = samples.std() == 0
        var = chain.variance_of_total(f, turns) if spread_zero else None
        check_mean(samples, float(occupancy @ f), f"{label} {name}", var)
