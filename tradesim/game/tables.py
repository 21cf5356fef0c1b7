"""Exact results gathered as tables, for the command ``tradesim exact A B``."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from tradesim.game.exact import MemoryOneChain
from tradesim.game.rules import StrategyLike
from tradesim.game.stage import STATES, StageGame, nash_equilibria

__all__ = ["exact_table", "format_exact_table"]


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
