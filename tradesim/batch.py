"""Mesa's ``batch_run`` and ``DataCollector`` on tradesim's model.

``mesa.batch_run`` needs a model with a ``datacollector`` attribute holding a
:class:`mesa.DataCollector`.  :class:`~tradesim.model.TradeModel` records
every weekly series into arrays as it steps (that is how the vectorised
ensemble stays fast) and has no ``datacollector``, so
``mesa.batch_run(TradeModel, ...)`` fails with "The model does not have a
datacollector attribute".  Use :class:`BatchTradeModel` instead: the same
model, whose ``datacollector`` is built **lazily, on first access**, from
the arrays the model has already recorded, so the ensemble path
(:func:`tradesim.run`) never creates or fills one.

>>> import mesa, tradesim  # doctest: +SKIP
>>> from tradesim.batch import BatchTradeModel  # doctest: +SKIP
>>> rows = mesa.batch_run(BatchTradeModel, {"scenario": [scenario], "replications": [100],
...                                         "seed": [1, 2, 3]},
...                       data_collection_period=1, display_progress=False)  # doctest: +SKIP

Pass the scenario inside a list (``batch_run`` iterates over any iterable it
is given, and a scenario is iterable).  Mesa's step ``s`` is the state after
``s + 1`` weeks (Mesa's convention: collect at the end of each step), so
step ``horizon - 1`` is the horizon; the ``week`` reporter says which week a
row is.  Each model is ``replications`` runs stepped together; the model
reporters are aggregates over them: the mean of every weekly series (named
by its id, e.g. ``china.magnets``), the share of replications in each phase
(``phase.<phase>``) and the share that reached each milestone by the week
(``reached.<milestone>``).  For large ensembles use :func:`tradesim.run`,
whose results are exact and need no data collector.
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np

from .model import TradeModel
from .vocab import MILESTONES, PHASES

__all__ = ["BatchTradeModel", "model_reporters"]


def _series_mean(model: TradeModel, k: int) -> float:
    return float(model.series[k, model.week].mean(dtype=np.float64))


def _phase_share(model: TradeModel, code: int) -> float:
    return float((model.phases[model.week] == code).mean())


def _reached_share(model: TradeModel, name: str) -> float:
    weeks = model.milestones[name]
    return float(((weeks >= 0) & (weeks <= model.week)).mean())


def model_reporters(model: TradeModel) -> dict[str, Any]:
    """Mesa model reporters of a model's aggregates (callables of the model), by name."""
    reporters: dict[str, Any] = {"week": lambda m: int(m.week)}
    for k, name in enumerate(model.series_names):
        reporters[name] = lambda m, k=k: _series_mean(m, k)
    for code, name in enumerate(PHASES):
        reporters[f"phase.{name}"] = lambda m, code=code: _phase_share(m, code)
    for name in MILESTONES:
        reporters[f"reached.{name}"] = lambda m, name=name: _reached_share(m, name)
    return reporters


class BatchTradeModel(TradeModel):
    """A :class:`~tradesim.model.TradeModel` with a lazily built Mesa ``datacollector``.

    Takes the arguments of :class:`~tradesim.model.TradeModel`.  The
    collector is built from the recorded arrays when ``datacollector`` is
    first read (and rebuilt if the model has stepped since), with one entry
    per week stepped: entry ``s`` is the state after ``s + 1`` weeks.
    """

    _collector: mesa.DataCollector | None = None
    _collected_week: int = -1

    def __init__(self, scenario: Any, replications: int = 1, rng: Any = None,
                 **kwargs: Any) -> None:
        # Mesa 3.5's batch_run passes its ``rng`` argument under the name
        # ``seed`` when the model's signature has a ``seed`` parameter, which
        # would overwrite a ``"seed"`` given in ``parameters`` with None.  The
        # signature therefore names ``rng`` and takes ``seed`` by keyword:
        # ``parameters={"seed": [1, 2]}`` works on every Mesa 3.x, and so does
        # ``batch_run(..., rng=[1, 2])`` on Mesa 3.5.
        seed = kwargs.pop("seed", None)
        if seed is not None and rng is not None:
            raise ValueError(f"give seed ({seed!r}) or rng ({rng!r}), not both")
        super().__init__(scenario, replications, seed if seed is not None else rng, **kwargs)

    @property
    def datacollector(self) -> mesa.DataCollector:
        """A :class:`mesa.DataCollector` of :func:`model_reporters`, one entry per week stepped."""
        if self._collector is None or self._collected_week != self.week:
            reporters = model_reporters(self)
            collector = mesa.DataCollector(model_reporters=reporters)
            weeks = np.arange(1, self.week + 1)
            milestones = {n: self.milestones[n] for n in MILESTONES}
            values: dict[str, list[Any]] = {"week": [int(w) for w in weeks]}
            means = self.series[:, 1:self.week + 1].mean(axis=2, dtype=np.float64)
            for k, name in enumerate(self.series_names):
                values[name] = [float(v) for v in means[k]]
            phases = self.phases[1:self.week + 1]
            for code, name in enumerate(PHASES):
                values[f"phase.{name}"] = [float(v) for v in (phases == code).mean(axis=1)]
            for name, hit in milestones.items():
                reached = (hit[None, :] >= 0) & (hit[None, :] <= weeks[:, None])
                values[f"reached.{name}"] = [float(v) for v in reached.mean(axis=1)]
            for name in reporters:
                collector.model_vars[name] = values[name]
            if hasattr(collector, "_collection_steps"):
                # Mesa >= 3.5 reads rows by the steps recorded at collection;
                # give the legacy numbering (0 .. weeks-1) so rows agree across
                # Mesa versions.
                collector._collection_steps = list(range(self.week))
            self._collector, self._collected_week = collector, self.week
        return self._collector
