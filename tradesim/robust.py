"""Robust decisions: each setting of the policy levers over the same sample of worlds.

A sweep file may declare ``levers:`` (named choices the user controls, at
parameter paths) apart from its uncertainties (``grid`` or ``design`` with
``parameters``: the "worlds").  :func:`evaluate_levers` runs every
combination of lever settings in every world, with **common random
numbers**: every setting runs world ``i`` with the same seed (the sweep's
``SeedSequence(seed, spawn_key=(i,))``), so settings differ only by the
levers.  It scores the probability of one outcome (``robust: {outcome,
goal, threshold}`` in the file) and reports, per setting:

- ``expected``: the mean over worlds (worlds equally likely);
- ``worst``: the worst world (highest probability when minimising);
- ``max_regret``: the largest shortfall against the best setting in the
  same world (Savage's minimax regret);
- ``satisficing``: the share of worlds in which the setting meets the
  threshold.

Example sweep file::

    base: ../scenarios/london-2025.yaml
    runs: 200
    seed: 20250611
    design: {method: lhs, points: 16}
    parameters: {monitoring.us.channels.magnets.noise_sd: {low: 0.02, high: 0.4}}
    levers:
      us_strategy:
        path: actors.us.strategy.name
        choices: [tit_for_tat, generous_tit_for_tat]
    robust: {outcome: breakdown, goal: minimise, threshold: 0.2}
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd
    from matplotlib.figure import Figure

    from .executors import Executor
    from .sweep import Sweep

__all__ = ["RobustResult", "evaluate_levers", "lever_settings"]


def lever_settings(sweep: Sweep) -> list[dict[str, Any]]:
    """Every combination of the sweep's lever choices, as ``{lever name: value}``."""
    levers = sweep.spec.levers
    if not levers:
        raise ValueError(f"{sweep.source}: declares no levers (add 'levers:' with named "
                         "choices, e.g. us_strategy: {path: actors.us.strategy.name, "
                         "choices: [tit_for_tat, generous_tit_for_tat]})")
    names = list(levers)
    return [dict(zip(names, combo, strict=True))
            for combo in itertools.product(*(levers[n].choices for n in names))]


def _evaluate(data: dict[str, Any], source: str, runs: int, seed: Any, outcome: str) -> float:
    """One setting in one world: the probability of ``outcome`` (a worker's task)."""
    from .ensemble import run
    from .scenario import validate_scenario
    from .vocab import OUTCOMES

    scenario = validate_scenario(data, source=source)
    results = run(scenario, runs=runs, seed=seed, workers=1, keep_trajectories=0,
                  progress=False)
    return float((results.outcome == OUTCOMES.index(outcome)).mean())


def _world_data(sweep: Sweep, world: int, setting: dict[str, Any]) -> dict[str, Any]:
    from .paths import set_path, settable_paths

    data = sweep.point_data(world)
    allowed = settable_paths(data)
    levers = sweep.spec.levers
    # A strategy name first: it drops parameters the new strategy does not take.
    for name in sorted(setting, key=lambda n: not levers[n].path.endswith("strategy.name")):
        set_path(data, levers[name].path, copy.deepcopy(setting[name]), allowed)
    return data


def evaluate_levers(sweep: Sweep, *, executor: str | Executor = "serial",
                    workers: int | None = None, scheduler: Any = None) -> RobustResult:
    """Evaluate every lever setting over the sweep's worlds with common random numbers.

    Parameters
    ----------
    sweep : Sweep
        A sweep (:func:`tradesim.sweep.read_sweep`) that declares ``levers``.
    executor : {"serial", "processes", "dask"} or Executor
        Where the (setting, world) runs go; does not change the results.
    workers : int, optional
        Processes at work, this one included (default: all cores; not for
        ``"serial"``).
    scheduler : str, optional
        A running Dask scheduler, with ``executor="dask"``.

    Returns
    -------
    RobustResult

    Raises
    ------
    ValueError
        If the sweep declares no levers.
    """
    import numpy as np

    from .executors import make_executor

    settings = lever_settings(sweep)
    goal = sweep.spec.robust
    values = np.full((len(settings), sweep.n_points), np.nan)
    tasks = (((s, i), (_world_data(sweep, i, setting), f"{sweep.source} setting {s} world {i}",
                       sweep.spec.runs, sweep.seed(i), goal.outcome))
             for s, setting in enumerate(settings) for i in range(sweep.n_points))
    if isinstance(executor, str):
        with make_executor(executor, workers, scheduler) as pool:
            for (s, i), p in pool.map_unordered(_evaluate, tasks):
                values[s, i] = p
    else:
        for (s, i), p in executor.map_unordered(_evaluate, tasks):
            values[s, i] = p
    return RobustResult(sweep=sweep, settings=settings, values=values)


@dataclasses.dataclass(frozen=True)
class RobustResult:
    """Lever settings scored over the same worlds (see the module docstring).

    Attributes
    ----------
    sweep : Sweep
    settings : list of dict
        Lever name -> value, one per setting.
    values : ndarray
        (setting, world): probability of the scored outcome.
    """

    sweep: Sweep
    settings: list[dict[str, Any]]
    values: np.ndarray

    @property
    def minimise(self) -> bool:
        return self.sweep.spec.robust.goal == "minimise"

    def regret(self) -> np.ndarray:
        """(setting, world): shortfall against the best setting in the same world."""
        if self.minimise:
            return self.values - self.values.min(axis=0, keepdims=True)
        return self.values.max(axis=0, keepdims=True) - self.values

    def table(self) -> pd.DataFrame:
        """One row per setting: lever values, expected, worst, max_regret, satisficing."""
        import pandas as pd

        goal = self.sweep.spec.robust
        v = self.values
        worst = v.max(axis=1) if self.minimise else v.min(axis=1)
        meets = v <= goal.threshold if self.minimise else v >= goal.threshold
        frame = pd.DataFrame(self.settings)
        frame["expected"] = v.mean(axis=1)
        frame["worst"] = worst
        frame["max_regret"] = self.regret().max(axis=1)
        frame["satisficing"] = meets.mean(axis=1)
        frame.index = pd.RangeIndex(len(frame), name="setting")
        return frame

    def best(self) -> int:
        """The setting with the least maximum regret (ties: better expected value)."""
        t = self.table()
        expected = t["expected"] if self.minimise else -t["expected"]
        return int(min(t.index, key=lambda k: (round(t["max_regret"][k], 12), expected[k])))

    def setting_label(self, k: int) -> str:
        """Setting ``k`` in words: each lever's label (or name) and value."""
        levers = self.sweep.spec.levers
        return ", ".join(f"{levers[name].label or name} {value}"
                         for name, value in self.settings[k].items())

    def finding(self) -> str:
        """One sentence: the minimax-regret setting and its figures."""
        goal = self.sweep.spec.robust
        t = self.table()
        k = self.best()
        verb = "at most" if self.minimise else "at least"
        return (f"{self.setting_label(k)} has the least worst-case regret for "
                f"P({goal.outcome}): {t['expected'][k]:.2f} expected, {t['worst'][k]:.2f} in "
                f"the worst of {self.sweep.n_points} worlds, {verb} {goal.threshold:g} in "
                f"{t['satisficing'][k]:.0%} of them")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        goal = self.sweep.spec.robust
        return {"sweep": self.sweep.spec.name, "worlds": self.sweep.n_points,
                "runs": self.sweep.spec.runs, "seed": self.sweep.spec.seed,
                "outcome": goal.outcome, "goal": goal.goal, "threshold": goal.threshold,
                "common_random_numbers": True, "best": self.best(),
                "finding": self.finding(),
                "settings": [{k: (v.item() if hasattr(v, "item") else v)
                              for k, v in row.items()}
                             for row in self.table().to_dict(orient="records")]}

    def text(self) -> str:
        """Plain-text table and finding."""
        t = self.table()
        return (f"{self.sweep.spec.name}: {len(self.settings)} lever settings x "
                f"{self.sweep.n_points} worlds x {self.sweep.spec.runs:,} runs (common random "
                f"numbers)\n\n" + t.to_string(float_format=lambda v: f"{v:.3f}") +
                f"\n\n{self.finding()}")

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        import html

        return (f"<p><b>{html.escape(self.finding())}</b></p>" +
                self.table().to_html(float_format=lambda v: f"{v:.3f}"))

    def figure(self) -> Figure:
        """Expected and worst-case probability per setting; the title states the finding."""
        from .plots import style

        @style.styled
        def draw() -> Figure:
            goal = self.sweep.spec.robust
            t = self.table()
            fig, ax = style.new_figure("page", height=1.2 + 0.35 * len(t))
            y = range(len(t))
            low, high = self.values.min(axis=1), self.values.max(axis=1)
            ax.hlines(list(y), low, high, color=style.PALETTE[5], linewidth=3,
                      label="range over worlds")
            ax.plot(t["expected"], list(y), "o", color=style.PALETTE[0], label="expected")
            ax.plot(t["worst"], list(y), "x", color=style.PALETTE[1], label="worst case")
            ax.axvline(goal.threshold, color="#777777", linestyle="--", linewidth=0.8,
                       label=f"threshold {goal.threshold:g}")
            ax.set_yticks(list(y), [self.setting_label(k) for k in t.index])
            ax.invert_yaxis()
            ax.set_xlabel(f"probability of {goal.outcome} at the horizon")
            style.percent_axis(ax, "x")
            ax.set_title(self.finding(), wrap=True)
            style.legend_below(ax, ncols=4)
            style.source_note(fig, f"Source: tradesim {_version()}, sweep "
                                   f"{self.sweep.spec.name}: {self.sweep.n_points} worlds x "
                                   f"{self.sweep.spec.runs:,} runs, seed "
                                   f"{self.sweep.spec.seed}, common random numbers.")
            return fig

        return draw()


def _version() -> str:
    from . import __version__

    return __version__
