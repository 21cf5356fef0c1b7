"""The reduction of an ensemble: what a chunk contributes, and how contributions add up.

A chunk of replications, stepped as one :class:`~tradesim.model.TradeModel`,
is reduced to a :class:`Partial`: one record per replication (outcome,
milestone weeks, counts, sampled parameters), exact integer aggregates of
every weekly series (a histogram at a resolution of ``1 / (BINS - 1)`` and a
fixed-point sum on a grid of ``1 / FIXED_POINT``), phase and action counts,
and the kept trajectories.  A :class:`Collector` adds partials up, in any
order, into one :class:`~tradesim.results.Results`.  Integer sums do not
depend on the order of addition, so the result is identical, bit for bit,
whatever the chunking, the number of workers and the executor.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np

from .model import PHASES

if TYPE_CHECKING:  # pragma: no cover
    from .model import TradeModel
    from .results import Results
    from .scenario import Scenario

__all__ = ["BINS", "COUNT", "FIXED_POINT", "Collector", "Partial", "Tally", "fixed_point"]

#: Histogram resolution: a series with upper end ``bound`` (see
#: :meth:`~tradesim.model.TradeModel.series_bounds_for`) is binned at multiples of
#: ``bound / (BINS - 1)``: 0.001 for shares and indices in [0, 1].
BINS = 1001
#: Means are kept as exact integer sums of the series on a grid of 1 / FIXED_POINT
#: (2**-24, float32 resolution near 1) for series within [0, 1]; a series with a
#: larger bound uses the grid ``fixed_point(bound)``, coarser by the power of two
#: that keeps the sums of a chunk of up to 2**29 replications exact in float64.
FIXED_POINT = 2.0**24
#: Histogram counts are int32: a bin counts at most one run's replications, and
#: :data:`tradesim.ensemble.MAX_RUNS` (10**8) is below 2**31.  Half the memory of
#: int64 in every worker and in the collecting process (70 series x 105 weeks x
#: 1,001 bins: 28 MiB instead of 56 MiB for the London baseline).
COUNT = np.int32


def fixed_point(bounds: np.ndarray) -> np.ndarray:
    """The fixed-point scale of each series: ``FIXED_POINT`` over a power of two >= bound."""
    exponent = np.ceil(np.log2(np.maximum(np.asarray(bounds, float), 1.0)))
    return FIXED_POINT / 2.0**exponent


class Tally:
    """Running exact weekly aggregates of a scenario's series: histograms and sums.

    Value ``v`` of series ``k`` in week ``t`` adds one to bin ``rint(v (BINS -
    1) / bound_k)`` (at most the top bin) of ``histogram[k, t]`` and
    ``rint(v * fixed_point(bound_k))`` to ``sums[k, t]``
    (:func:`tradesim.kernels.histogram_sums`).  Integer counts, so tallies of
    any chunks add up to the same totals in any order.

    Parameters
    ----------
    bounds : ndarray, shape (S,)
        Upper end of each series (:meth:`~tradesim.model.TradeModel.series_bounds_for`).
    weeks : int
        Recorded weeks (horizon + 1).
    into : dict, optional
        Running totals to count into (a :class:`Collector`'s): their
        ``histogram`` and ``sums`` arrays, created there when absent.
    """

    def __init__(self, bounds: np.ndarray, weeks: int,
                 into: dict[str, np.ndarray] | None = None) -> None:
        bounds = np.asarray(bounds, dtype=float)
        s = bounds.shape[0]
        if into is not None and "histogram" in into:
            self.histogram, self.sums = into["histogram"], into["sums"]
        else:
            self.histogram = np.zeros((s, weeks, BINS), dtype=COUNT)
            self.sums = np.zeros((s, weeks), dtype=np.int64)
            if into is not None:
                into["histogram"], into["sums"] = self.histogram, self.sums
        # A value past a bound other than 1 (an override) falls in the top bin.
        self.bin_scale = ((BINS - 1) / bounds).astype(np.float32)
        self.top_bin = np.full(s, BINS - 1, dtype=np.int64)
        self.sum_scale = fixed_point(bounds).astype(np.float32)

    @classmethod
    def for_scenario(cls, scenario: Scenario,
                     into: dict[str, np.ndarray] | None = None) -> Tally:
        """A tally of the series a model of ``scenario`` records."""
        from .model import TradeModel

        return cls(TradeModel.series_bounds_for(scenario), scenario.horizon_weeks + 1, into)

    def add(self, week: int, values: np.ndarray) -> None:
        """Count one week's values, shape (S, R), float32 and non-negative."""
        from . import kernels  # not at import: a collecting process needs no numba

        kernels.histogram_sums(values[:, np.newaxis, :], self.bin_scale, self.top_bin,
                               self.sum_scale, self.histogram, self.sums, week)

    def add_series(self, series: np.ndarray) -> None:
        """Count every week of recorded series, shape (S, weeks, R)."""
        from . import kernels

        kernels.histogram_sums(np.ascontiguousarray(series, dtype=np.float32),
                               self.bin_scale, self.top_bin, self.sum_scale,
                               self.histogram, self.sums)


@dataclasses.dataclass
class Partial:
    """What one chunk of replications contributes; partials add up exactly."""

    start: int
    stop: int
    outcome: np.ndarray
    milestones: dict[str, np.ndarray]
    breakdowns: np.ndarray
    truces: np.ndarray
    parameters: dict[str, np.ndarray]
    histogram: np.ndarray | None
    sums: np.ndarray | None
    phase_counts: np.ndarray
    action_counts: np.ndarray
    trajectories: dict[str, np.ndarray] | None

    @classmethod
    def from_model(cls, model: TradeModel, keep: int = 0,
                   into: dict[str, np.ndarray] | None = None) -> Partial:
        """Extract a chunk's contribution from a model stepped to its horizon.

        Parameters
        ----------
        model : TradeModel
        keep : int
            Keep full trajectories of this model's first ``keep`` replications.
        into : dict, optional
            Running totals with ``histogram`` and ``sums`` arrays (a
            :class:`Collector`'s): the chunk's counts are added to them in place
            and the partial carries none (no per-chunk histogram is allocated).
        """
        series = model.series
        r = model.replications
        tally = model.tally
        if tally is None:  # counted here, from the recorded series
            tally = Tally(model.series_bounds_for(model.trade_scenario), series.shape[1], into)
            tally.add_series(series)
        elif into is not None and tally.histogram is not into.get("histogram"):
            raise ValueError("the model counted into another tally than into's")
        elif keep > model.keep:
            raise ValueError(f"the model kept the series of {model.keep} replications, "
                             f"not {keep}")
        histogram, sums = tally.histogram, tally.sums
        phase_counts = np.stack([(model.phases == p).sum(axis=1) for p in range(len(PHASES))],
                                axis=1).astype(np.int64)
        action_counts = np.stack([(model.actions == a).sum(axis=2) for a in (-1, 0, 1)],
                                 axis=2).astype(np.int64)
        parameters = {
            name: np.broadcast_to(np.asarray(model.params[name], float), (r,)).copy()
            for name in model.uncertain_names
        }
        trajectories = None
        if keep > 0:
            # A model that recorded only the kept replications hands its array over.
            kept = series if model.tally is not None and keep == series.shape[2] else None
            trajectories = {
                "series": kept if kept is not None else series[:, :, :keep].copy(),
                "phase": model.phases[:, :keep].copy(),
                "action": model.actions[:, :, :keep].copy(),
            }
        return cls(
            start=model.first_replication, stop=model.first_replication + r,
            outcome=model.outcomes(),
            milestones={k: v.copy() for k, v in model.milestones.items()},
            breakdowns=model.breakdowns.copy(), truces=model.truces.copy(),
            parameters=parameters, histogram=None if into is not None else histogram,
            sums=None if into is not None else sums,
            phase_counts=phase_counts, action_counts=action_counts, trajectories=trajectories,
        )


class Collector:
    """Adds up partials as they arrive, in any order, into one :class:`Results`.

    Aggregates are integer sums, so the order of arrival never changes them;
    per-replication records are placed at their replications' indices.
    Memory stays flat: one running total, not one per chunk.
    """

    def __init__(self, scenario: Scenario, seed: int, series_names: list[str], runs: int,
                 kept: int, offset: int = 0, parameter_sets: int = 0,
                 keep_parameters: bool = True) -> None:
        self.scenario, self.seed, self.series_names = scenario, seed, list(series_names)
        self.parameter_sets, self.keep_parameters = parameter_sets, keep_parameters
        self.runs, self.kept, self.offset = runs, kept, offset
        self.outcome = np.empty(runs, dtype=np.int8)
        self.breakdowns = np.empty(runs, dtype=np.int16)
        self.truces = np.empty(runs, dtype=np.int16)
        self.milestones: dict[str, np.ndarray] = {}
        self.parameters: dict[str, np.ndarray] = {}
        self.totals: dict[str, np.ndarray] = {}
        self.trajectories: dict[str, np.ndarray] | None = None
        self.received = 0

    def add(self, part: Partial) -> None:
        """Add one chunk's contribution."""
        where = slice(part.start - self.offset, part.stop - self.offset)
        self.outcome[where] = part.outcome
        self.breakdowns[where] = part.breakdowns
        self.truces[where] = part.truces
        stores = [(self.milestones, part.milestones)]
        if self.keep_parameters:
            stores.append((self.parameters, part.parameters))
        for store, source in stores:
            for name, values in source.items():
                if name not in store:
                    store[name] = np.empty(self.runs, dtype=values.dtype)
                store[name][where] = values
        for name in ("histogram", "sums", "phase_counts", "action_counts"):
            value = getattr(part, name)
            if value is None:  # added in place already (add_model)
                continue
            if name in self.totals:
                self.totals[name] += value
            else:
                self.totals[name] = value.copy()
        if part.trajectories is not None:
            traj = part.trajectories
            n = traj["series"].shape[-1]
            if self.trajectories is None and part.start == self.offset and n == self.kept:
                self.trajectories = dict(traj)  # every kept trajectory at once: no copy
                traj = {}
            elif self.trajectories is None:
                self.trajectories = {
                    "series": np.empty((*traj["series"].shape[:2], self.kept), np.float32),
                    "phase": np.empty((traj["phase"].shape[0], self.kept), np.int8),
                    "action": np.empty((*traj["action"].shape[:2], self.kept), np.int8),
                }
            if traj:
                cols = slice(part.start - self.offset, part.start - self.offset + n)
                self.trajectories["series"][:, :, cols] = traj["series"]
                self.trajectories["phase"][:, cols] = traj["phase"]
                self.trajectories["action"][:, :, cols] = traj["action"]
        self.received += part.stop - part.start

    def add_model(self, model: TradeModel, keep: int = 0) -> None:
        """Add a stepped chunk's contribution, counting its histogram into the totals."""
        self.add(Partial.from_model(model, keep=keep, into=self.totals))

    def to_partial(self) -> Partial:
        """Everything collected so far as one partial (a worker's batch of chunks)."""
        return Partial(
            start=self.offset, stop=self.offset + self.received, outcome=self.outcome,
            milestones=self.milestones, breakdowns=self.breakdowns, truces=self.truces,
            parameters=self.parameters, trajectories=self.trajectories, **self.totals,
        )

    def results(self) -> Results:
        """The assembled results (every replication must have arrived)."""
        from .results import Results

        if self.received != self.runs:
            raise RuntimeError(f"only {self.received} of {self.runs} replications arrived")
        return Results(
            self.scenario, self.seed, self.series_names, outcome=self.outcome,
            milestones=self.milestones, breakdowns=self.breakdowns, truces=self.truces,
            parameters=self.parameters, trajectories=self.trajectories, **self.totals,
            parameter_sets=self.parameter_sets,
        )
