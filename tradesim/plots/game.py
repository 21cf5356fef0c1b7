"""Figure of the two-player game: exact long-run results for pairs of strategies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from .style import MIN_FONT_SIZE, PAGE_WIDTH, source_note, styled, title_block

if TYPE_CHECKING:  # pragma: no cover
    from ..game import StageGame, StrategyLike

__all__ = ["game_heatmap"]


#: Memory-one strategies shown by default in the game heatmaps.
_GAME_STRATEGIES = ("always_ease", "generous_tit_for_tat", "tit_for_tat",
                    "win_stay_lose_shift", "grim_memory_one", "always_retaliate")


@styled
def game_heatmap(
    strategies: Sequence[StrategyLike] = _GAME_STRATEGIES,
    noise: Sequence[float] = (0.0, 0.02, 0.1),
    metric: Literal["cooperation", "mutual_cooperation", "payoff"] = "cooperation",
    *,
    game: StageGame | None = None,
    monitoring_noise: float = 0.0,
    fig: Figure | None = None,
    annotate: bool = True,
) -> Figure:
    """Exact long-run results of the repeated game for pairs of strategies.

    One heatmap per implementation-noise level; the cell in row ``i`` and
    column ``j`` is the long-run (Cesaro) value when strategy ``i`` plays
    the row player A against strategy ``j`` as B, from the four-state
    Markov chain (Nowak & Sigmund 1993; see :mod:`tradesim.game`).

    Parameters
    ----------
    strategies : sequence of str, Strategy or Strategy subclass
        Memory-one strategies (registered names, instances or classes).
    noise : sequence of float
        Implementation-error probabilities, one panel each.
    metric : {"cooperation", "mutual_cooperation", "payoff"}
        ``cooperation``: share of rounds in which A eases; ``mutual_cooperation``:
        share in which both ease; ``payoff``: A's payoff per round in stage-game
        units (default payoffs R, S, T, P = 3, 0, 5, 1).
    game : StageGame, optional
        Stage game for payoffs (default :meth:`StageGame.standard`).
    monitoring_noise : float
        Monitoring-error probability, the same in every panel.
    fig : Figure, optional
        Draw into this (empty) figure; default a new page-wide figure.
    annotate : bool
        Write each cell's value.

    Returns
    -------
    Figure
    """
    from ..game import StageGame, long_run_distribution
    from ..strategies import make_strategy

    if metric not in ("cooperation", "mutual_cooperation", "payoff"):
        raise ValueError(f"metric must be 'cooperation', 'mutual_cooperation' or 'payoff', "
                         f"got {metric!r}")
    if not noise:
        raise ValueError("game_heatmap needs at least one noise level")
    stage = game or StageGame.standard()
    # Registered names become Strategy instances once; instances and classes pass as given
    # (tradesim.game checks them: memory-one rules with scalar parameters only).
    rules = [make_strategy(s) if isinstance(s, str) else s for s in strategies]
    n = len(rules)
    values = np.empty((len(noise), n, n))
    for k, e in enumerate(noise):
        for i, a in enumerate(rules):
            for j, b in enumerate(rules):
                # Long-run share of rounds in CC, CD, DC, DD (A's move first).
                dist = long_run_distribution(a, b, e, monitoring_noise)
                values[k, i, j] = {"cooperation": dist[0] + dist[1],
                                   "mutual_cooperation": dist[0],
                                   "payoff": dist @ stage.row_payoffs()}[metric]
    names = [r.display_name or r.name for r in rules]
    if metric == "payoff":
        vmin, vmax = float(np.min(stage.row_payoffs())), float(np.max(stage.row_payoffs()))
        cmap, unit = "viridis", "A's payoff per round (stage-game units)"
    else:
        vmin, vmax, cmap = 0.0, 1.0, "cividis"
        unit = ("A eases (% of rounds)" if metric == "cooperation"
                else "Both ease (% of rounds)")
    new = fig is None
    if fig is None:
        fig = Figure(figsize=(PAGE_WIDTH, 1.6 + 0.32 * n + 0.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(noise), sharey=True, squeeze=False)).ravel()
    image = None
    for k, (e, ax) in enumerate(zip(noise, axes, strict=True)):
        image = ax.imshow(values[k], cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
        ax.grid(False)
        # Vertical names: slanted ones would cross their neighbours' space.
        ax.set_xticks(range(n), names, rotation=90, fontsize=MIN_FONT_SIZE)
        ax.set_yticks(range(n), names, fontsize=MIN_FONT_SIZE)
        ax.set_title(f"Implementation error {_percent(e)}", fontsize=7.5)
        ax.set_xlabel("Strategy of B (column player)", fontsize=7)
        if k == 0:
            ax.set_ylabel("Strategy of A (row player)", fontsize=7)
        else:
            ax.tick_params(left=False)
        for spine in ax.spines.values():
            spine.set_visible(False)
        if annotate:
            for i in range(n):
                for j in range(n):
                    v = values[k, i, j]
                    light = (v - vmin) / (vmax - vmin or 1.0) > 0.6
                    text = f"{v:.0%}" if metric != "payoff" else f"{v:.2f}"
                    ax.text(j, i, text.replace("%", ""), ha="center", va="center",
                            fontsize=MIN_FONT_SIZE, color="black" if light else "white")
    bar = fig.colorbar(image, ax=list(axes), shrink=0.9, pad=0.02)
    bar.set_label(unit, fontsize=7)
    bar.ax.tick_params(labelsize=MIN_FONT_SIZE)
    if metric != "payoff":
        bar.ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    what = {"cooperation": "share of rounds A eases",
            "mutual_cooperation": "share of rounds both ease",
            "payoff": "A's payoff per round"}[metric]
    average = values.mean(axis=(1, 2))
    unit_of = (lambda v: f"{v:.2f}") if metric == "payoff" else (lambda v: f"{v:.0%}")
    quantity = "payoff per round" if metric == "payoff" else "cooperation"
    finding = (f"Averaged over pairs, {quantity} goes from {unit_of(average[0])} at "
               f"{_percent(noise[0])} implementation error to {unit_of(average[-1])} at "
               f"{_percent(noise[-1])}" if len(noise) > 1 else
               f"Averaged over pairs, {quantity} is {unit_of(average[0])} at "
               f"{_percent(noise[0])} implementation error")
    title_block(fig, finding, f"Exact long-run {what} for each pair of strategies (A in "
                f"rows, B in columns); one panel per implementation-error level, monitoring "
                f"error {_percent(monitoring_noise)}")
    if new:
        import tradesim

        source_note(fig, f"Source: tradesim {tradesim.__version__}, exact long-run results of "
                         f"the two-player game ({what}; implementation error "
                         f"{', '.join(_percent(e) for e in noise)}; monitoring error "
                         f"{_percent(monitoring_noise)}).")
    return fig


def _percent(value: float) -> str:
    """A probability as a short percentage: 0%, 2%, 0.5%."""
    return f"{value:.0%}" if value >= 0.01 or value == 0 else f"{value:.1%}"
