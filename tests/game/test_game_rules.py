"""Tests of tradesim.game.rules and of the table engine's contract with the strategies.

The table engine replaces :meth:`Strategy.cooperate` by a look-up in
:meth:`Strategy.memory_one_vector` for every rule whose
``plays_memory_one_vector`` is True; here every such registered rule is held to
that, for several parameter values.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import numpy as np
import pytest

from tradesim.game import play_batch, resolve_strategy
from tradesim.strategies import (
    STRATEGIES,
    Proportional,
    Strategy,
    TitForTat,
    make_strategy,
)

# Uniform grid on [0, 1): a rule cooperating when u < p (or any other set of u of
# measure p made of at most one interval) cooperates at ceil(p * N) / N of the points.
N_GRID = 4096
GRID = np.arange(N_GRID) / N_GRID
# Previous outcomes, own move first: (my_last, perceived defection of the partner).
OUTCOMES = {"CC": (True, 0.0), "CD": (True, 1.0), "DC": (False, 0.0), "DD": (False, 1.0)}


def _parameter_sets(cls: type[Strategy]) -> list[dict[str, float]]:
    """Defaults, then every probability-like field at 0, 0.3, 0.5, 0.85, 1, then mixes."""
    fields = [f.name for f in dataclasses.fields(cls)
              if isinstance(f.default, float) and 0.0 <= f.default <= 1.0]
    sets: list[dict[str, float]] = [{}]
    sets += [dict.fromkeys(fields, v) for v in (0.0, 0.3, 0.5, 0.85, 1.0)]
    rng = np.random.default_rng(len(fields))
    sets += [{f: float(rng.random()) for f in fields} for _ in range(3)]
    return sets


def _contract_violations(rule: Strategy) -> list[str]:
    """Where ``rule.cooperate``/``opening`` differ from its vector and first move."""
    vector = rule.memory_one_vector()
    problems = []
    for (outcome, (mine, theirs)), p in zip(OUTCOMES.items(), vector, strict=True):
        my_last = np.full(N_GRID, mine)
        their_last = np.full(N_GRID, theirs)
        decisions = [np.asarray(rule.cooperate(my_last.copy(), their_last.copy(),
                                               rule.initial_state(N_GRID), GRID), dtype=bool)
                     for _ in range(2)]
        if not np.array_equal(*decisions):
            problems.append(f"{outcome}: not a function of the draw")
        implied = decisions[0].mean()
        if abs(implied - p) > 1.0 / N_GRID:
            problems.append(f"{outcome}: cooperates at {implied:.4f}, vector says {p:.4f}")
    implied_first = np.asarray(rule.opening(GRID), dtype=bool).mean()
    if abs(implied_first - rule.first_move) > 1.0 / N_GRID:
        problems.append(f"opening at {implied_first:.4f}, first_move {rule.first_move:.4f}")
    return problems


TABLE_RULES = [(name, params) for name, cls in sorted(STRATEGIES.items())
               for params in _parameter_sets(cls)
               if make_strategy(name, **params).plays_memory_one_vector]


def test_table_rules_are_the_memory_one_rules():
    names = {name for name, _ in TABLE_RULES}
    assert names == {name for name, cls in STRATEGIES.items()
                     if cls().memory_one_vector() is not None}
    assert "grim_trigger" not in names and {"proportional", "memory_one"} <= names


@pytest.mark.parametrize(("name", "params"), TABLE_RULES)
def test_table_rules_decide_as_their_vector(name, params):
    """Every table-engine rule's cooperate and opening give its vector's probabilities."""
    rule = make_strategy(name, **params)
    assert _contract_violations(rule) == []


@dataclasses.dataclass(frozen=True, kw_only=True)
class _Contrarian(TitForTat):
    """Claims tit for tat's vector but cooperates after a defection.  Source: a test."""

    name: ClassVar[str] = "test_contrarian"

    def cooperate(self, my_last, their_last, state, u):
        return their_last > 0.0


@dataclasses.dataclass(frozen=True, kw_only=True)
class _OnlyVector(Strategy):
    """A user rule defining only its vector.  Source: a test."""

    name: ClassVar[str] = "test_only_vector"
    lean: float = 0.4

    def memory_one_vector(self):
        return (1.0, self.lean, 0.2, self.lean)


@dataclasses.dataclass(frozen=True, kw_only=True)
class _ProportionalVariant(Proportional):
    """Proportional with a changed rule.  Source: a test."""

    name: ClassVar[str] = "test_proportional_variant"

    def cooperate(self, my_last, their_last, state, u):
        return u >= 0.5 * their_last


def test_contract_check_catches_a_mismatch():
    assert _contract_violations(_Contrarian())  # the check can fail


def test_plays_memory_one_vector_follows_the_rule_not_its_type():
    assert _OnlyVector().plays_memory_one_vector
    assert _contract_violations(_OnlyVector(lean=0.7)) == []
    assert play_batch(_OnlyVector(), "tit_for_tat", 5, 3, seed=1).engine == "table"
    assert not _Contrarian().plays_memory_one_vector
    assert play_batch(_Contrarian(), "tit_for_tat", 5, 3, seed=1).engine == "generic"
    assert Proportional().plays_memory_one_vector
    assert not _ProportionalVariant().plays_memory_one_vector
    assert not make_strategy("grim_trigger").plays_memory_one_vector


def test_resolve_strategy():
    tft = TitForTat()
    assert resolve_strategy(tft) is tft
    assert resolve_strategy("tit_for_tat") == tft
    assert resolve_strategy(TitForTat) == tft
    with pytest.raises(TypeError):
        resolve_strategy(3)
    with pytest.raises(ValueError, match="scalar"):
        resolve_strategy(make_strategy("random", p=np.array([0.1, 0.2])))
