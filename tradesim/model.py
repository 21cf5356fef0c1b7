"""The US-China export-control model, on Mesa.

One :class:`TradeModel` steps R replications of a scenario at once: every
agent holds its state as arrays over replications and every rule is written
once, vectorised with numpy.  A single run is R = 1.

The week (one call to :meth:`TradeModel.step`)
----------------------------------------------
1. Lifecycle: leaders awaiting the framework approve (or reject) with their
   weekly hazards, raised by industry pressure; during a breakdown a new
   truce may come, likewise raised by pressure.
2. Each government observes the partner's restriction levels through noise
   and judges how much of the promised easing is missing.
3. Each government decides: its strategy says ease or retaliate; halted
   industry can turn a retaliation into easing, hawks can turn easing into
   retaliation when a violation is seen.
4. Both act at once: easing moves each instrument toward its post-framework
   level by its dynamics, complete after its lag (a ramp in equal weekly
   moves, a rule all at once at the end); retaliation raises
   restrictions to match the perceived violation's economic impact; no level
   goes below its national-security floor.
5. A retaliation that undoes more than ``economy.breakdown_share`` of the
   framework's easing is a breakdown; commitments all at target mark the
   framework implemented.
6. Goods flow (supply-flow index, 1.0 = 2024 average), firms use their
   inventories and halt when they run dry; halted firms add pressure.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np

from . import streams
from ._mesa import Agent, Model
from .agents import Deadline, Government, Sector
from .markets import (
    Markets,
    country_loss,
    impact_at_risk,
    industry_pressure,
    make_sectors,
    series_bounds,
)
from .monitoring import Monitor
from .paths import join
from .scenario import Scenario
from .strategies import make_strategy
from .vocab import (
    BREAKDOWN,
    COMPLIANCE,
    HOLD,
    IMPLEMENTATION,
    MAX_EVENTS,
    MILESTONES,
    OUTCOMES,
    PHASES,
    PRINCIPLE,
    REJECTED,
    RETALIATE,
    series_name,
)

if TYPE_CHECKING:  # pragma: no cover
    from .reduction import Tally

__all__ = [
    "MAX_EVENTS",
    "Forcing",
    "MILESTONES",
    "OUTCOMES",
    "PHASES",
    "TradeModel",
    "sample_parameters",
]

# PHASES, OUTCOMES, MILESTONES and MAX_EVENTS are defined in tradesim.vocab and
# re-exported here, where users have always imported them from.

# The week's uniforms, by slot: approval (one per actor), strategy, domestic politics,
# truce, implementation error (one per actor).
_U_APPROVE, _U_STRATEGY, _U_DOMESTIC, _U_TRUCE, _U_ERROR = 0, 2, 4, 6, 7
_UNIFORMS_PER_WEEK = 9
# Scenarios with a decision calendar or reserve measures draw four more a week: the
# calendar's decisions and the choice of a new measure (one per actor each).  Scenarios
# without either keep the nine, and so their streams.
_U_CALENDAR, _U_RESERVE = 9, 11
_UNIFORMS_WITH_MEASURES = 13


def _uniforms_per_week(scenario: Scenario) -> int:
    reserves = any(i.reserve is not None for a in scenario.actors.values()
                   for i in a.instruments)
    return _UNIFORMS_WITH_MEASURES if (reserves or scenario.calendar) else _UNIFORMS_PER_WEEK


@dataclasses.dataclass(frozen=True)
class Forcing:
    """Logged history a model replays, by week (built by :func:`tradesim.history.forcing`).

    Attributes
    ----------
    until_week : int
        Last week replayed; later weeks run free.
    milestones : dict
        Week -> logged lifecycle events ("approved", "rejected", "breakdown", "truce").
    actions : dict
        Week -> list of (actor index, action code) pairs.
    levels : dict
        Week -> list of (actor index, instrument index, level) triples.
    """

    until_week: int
    milestones: dict[int, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    actions: dict[int, tuple[tuple[int, int], ...]] = dataclasses.field(default_factory=dict)
    levels: dict[int, tuple[tuple[int, int, float], ...]] = dataclasses.field(
        default_factory=dict)


def sample_parameters(scenario: Scenario, u: np.ndarray,
                      u_row: np.ndarray | None = None) -> dict[str, Any]:
    """Every numeric parameter by path: numbers as floats, distributions drawn.

    Parameters
    ----------
    scenario : Scenario
    u : ndarray, shape (R, k)
        One uniform per replication for each of the scenario's ``k``
        uncertain parameters, in :meth:`Scenario.uncertain_parameters` order.
    u_row : ndarray, shape (R,), optional
        One uniform per replication choosing its row of the scenario's
        ``parameter_sample`` (needed when it has one).

    Returns
    -------
    dict
        Path -> float, or ndarray of shape (R,) for uncertain parameters.
    """
    values: dict[str, Any] = dict(scenario.parameter_paths())
    for column, (path, dist) in enumerate(scenario.uncertain_parameters().items()):
        values[path] = np.asarray(dist.ppf(u[:, column]), dtype=float)
    sample = scenario.parameter_sample
    if sample is not None:
        rows = np.asarray(sample.rows, dtype=float)
        index = np.minimum((np.asarray(u_row) * len(rows)).astype(np.intp), len(rows) - 1)
        for j, path in enumerate(sample.paths):
            values[path] = rows[index, j]
    return values


def _median(value: Any) -> float:
    """A parameter's median: the number itself, or its distribution's median."""
    return float(value) if isinstance(value, float | int) else float(value.ppf(0.5))


class _RepeatedDraws:
    """Weekly draws of a block of streams, repeated ``times`` over replications."""

    def __init__(self, inner: streams.WeeklyDraws, times: int) -> None:
        self.inner, self.times = inner, times

    def week(self, t: int) -> tuple[np.ndarray, np.ndarray]:
        uniforms, normals = self.inner.week(t)
        return np.tile(uniforms, (1, self.times)), np.tile(normals, (1, self.times))


class TradeModel(Model):
    """R replications of a scenario, stepped together week by week.

    Parameters
    ----------
    scenario : Scenario
        The validated scenario.
    replications : int
        Number of replications R stepped at once (default 1: a single run).
    seed : int, SeedSequence or None
        Master seed.  Replication ``i`` draws from the ``i``-th stream
        spawned from it, so its path never depends on R or on the chunk.
    first_replication : int
        Index of this model's first replication within the whole ensemble.
    overrides : dict, optional
        Parameter values by path (as in :meth:`Scenario.parameter_paths`)
        replacing the scenario's, as floats or arrays of shape (R,); used by
        sweeps.
    forcing : Forcing, optional
        Logged history to replay (see :mod:`tradesim.history`): up to
        ``forcing.until_week`` the lifecycle follows only the logged
        milestones, each government takes the logged action (HOLD when none
        is logged), and logged levels are imposed; from then on the model runs
        free: a conditional forecast.
    tally : tradesim.reduction.Tally, optional
        Count each week's series into this running tally as the week is
        made (an ensemble's reduction), instead of recording every
        replication's series.
    keep : int, optional
        With ``tally``: record the full series of the first ``keep``
        replications only (default none).
    stream_period : int, optional
        Repeat the random streams every ``stream_period`` replications:
        replication ``i`` draws from stream ``first_replication + i %
        stream_period``.  It must divide ``replications``.  Several points of a
        design then run side by side in one model, each with the same streams
        (common random numbers; :func:`tradesim.sensitivity.evaluate_design`).
        Default: no repetition.

    Attributes
    ----------
    trade_scenario : Scenario
        The scenario (``Model.scenario`` is Mesa's own from Mesa 3.5 on).
    week : int
        Weeks simulated so far (0 = the start date).
    phase : ndarray of int8, shape (R,)
        Current phase (see :data:`PHASES`).
    milestones : dict of ndarray
        Week each milestone was reached, -1 if not (see :data:`MILESTONES`).
    series : ndarray of float32, shape (S, horizon + 1, R)
        Recorded weekly series named by :attr:`series_names` (with ``tally``,
        only the first ``keep`` replications: shape (S, horizon + 1, keep)).
    """

    def __init__(
        self,
        scenario: Scenario,
        replications: int = 1,
        seed: Any = None,
        *,
        first_replication: int = 0,
        overrides: dict[str, Any] | None = None,
        forcing: Forcing | None = None,
        tally: Tally | None = None,
        keep: int | None = None,
        stream_period: int | None = None,
    ) -> None:
        master = streams.master_seed_sequence(seed)
        # Mesa's own generators are seeded from the master too, though the
        # model draws only from the per-replication streams.
        super().__init__(rng=master.entropy)
        if replications < 1:
            raise ValueError(f"replications must be at least 1, got {replications}")
        self.trade_scenario = scenario
        self.forcing = forcing
        self._logged_breakdown = False
        self.master_seed = master
        self.replications = r = int(replications)
        self.first_replication = int(first_replication)
        self.horizon = scenario.horizon_weeks
        self.actor_ids = scenario.actor_ids

        uncertain = scenario.uncertain_parameters()
        firms = [sector.firms for sector in scenario.economy.sectors]
        instruments = sum(len(a.instruments) for a in scenario.actors.values())
        self.layout = streams.Layout(
            setup=len(uncertain) + sum(firms) + (scenario.parameter_sample is not None),
            weeks=self.horizon,
            uniforms_per_week=_uniforms_per_week(scenario), normals_per_week=instruments,
        )
        period = r if stream_period is None else int(stream_period)
        if period < 1 or r % period:
            raise ValueError(f"stream_period must divide replications ({r}), got "
                             f"{stream_period!r}")
        self.stream_period = period
        setup = streams.draw_setup(master, self.first_replication,
                                   self.first_replication + period, self.layout)
        self._weekly: Any = streams.WeeklyDraws(
            master, self.first_replication, self.first_replication + period, self.layout)
        if period < r:
            setup = np.tile(setup, (r // period, 1))
            self._weekly = _RepeatedDraws(self._weekly, r // period)
        # The row of a joint parameter sample is drawn last, after the firms' slots.
        row = setup[:, -1] if scenario.parameter_sample is not None else None
        self.params = sample_parameters(scenario, setup[:, :len(uncertain)], row)
        for path, value in (overrides or {}).items():
            if path not in self.params:
                raise KeyError(f"unknown parameter path {path!r}")
            self.params[path] = value
        self.uncertain_names = list(uncertain)

        self.breakdown_share = self._value("economy.breakdown_share")
        self.governments = [self._make_government(a) for a in self.actor_ids]
        self.governments[0].partner, self.governments[1].partner = self.governments[::-1]
        for g, a in zip(self.governments, self.actor_ids, strict=True):
            partner = scenario.partner(a)
            g.monitor = Monitor(self, g, g.partner,
                                [i.id for i in scenario.actors[partner].instruments])
        self._noise_columns = {}
        start = 0
        for g in self.governments:
            n = g.level.shape[0]
            self._noise_columns[g.actor_id] = slice(start, start + n)
            start += n
        self.goods = [good.id for good in scenario.economy.goods]
        self._cuts = [
            (g, j, self.goods.index(good))
            for g, actor in zip(self.governments, scenario.actors.values(), strict=True)
            for j, inst in enumerate(actor.instruments) for good in inst.goods
        ]
        self.sectors = make_sectors(self, setup[:, len(uncertain):], self._value)
        self.markets = Markets(scenario, self._column, self.sectors)

        self.week = 0
        self.phase = np.full(r, PRINCIPLE, dtype=np.int8)
        self.approved = np.zeros((r, 2), dtype=bool)
        self.weeks_since_start = np.zeros(r, dtype=np.int32)
        self.breakdowns = np.zeros(r, dtype=np.int16)
        self.truces = np.zeros(r, dtype=np.int16)
        self.milestones = {name: np.full(r, -1, dtype=np.int16) for name in MILESTONES}
        self.active = np.zeros(r, dtype=bool)

        for k, a in enumerate(self.actor_ids):
            if scenario.approval[a].approved_at_start:
                self.approved[:, k] = True
        if self.approved.all():
            everyone = np.ones(r, dtype=bool)
            self._start_framework(everyone)
            self.milestones["approved"][:] = 0

        # Mesa 3.3 keeps a class-level id counter per model (Agent._ids), which holds
        # every model, and all its arrays, forever.  This model adds no agents after
        # construction, so its counter can go now (Mesa 3.5 has no such counter).
        ids = getattr(Agent, "_ids", None)
        if isinstance(ids, dict):
            ids.pop(self, None)

        self.series_names = self.series_names_for(scenario)
        self.tally = tally
        n_series = len(self.series_names)
        if tally is None:
            if keep is not None:
                raise ValueError("keep applies only with a tally")
            self.series = np.empty((n_series, self.horizon + 1, r), dtype=np.float32)
            self._week_values = None
        else:
            self.keep = max(0, min(int(keep or 0), r))
            self.series = np.empty((n_series, self.horizon + 1, self.keep), dtype=np.float32)
            self._week_values = np.empty((n_series, r), dtype=np.float32)
        self.phases = np.empty((self.horizon + 1, r), dtype=np.int8)
        self.actions = np.zeros((2, self.horizon + 1, r), dtype=np.int8)
        for sector in self.sectors:
            sector.place_orders()
        self.supply = self._supply(grow=False)
        for g in self.governments:
            g.pressure = self._pressure(g.actor_id)
        self._record()

    # -- construction ---------------------------------------------------------------

    def _column(self, paths: list[str]) -> np.ndarray:
        r = self.replications
        return np.stack([np.broadcast_to(np.asarray(self.params[p], float), (r,))
                         for p in paths], axis=0)

    def _value(self, path: str) -> np.ndarray:
        # A writable, contiguous copy, not a broadcast view: numba compiles a kernel again
        # for a read-only or strided argument, and for a fixed value's stride of 0 the
        # vector loop's stride check fails, so the loop runs scalar.
        return np.broadcast_to(np.asarray(self.params[path], float),
                               (self.replications,)).copy()

    def _make_government(self, a: str) -> Government:
        s = self.trade_scenario
        actor = s.actors[a]
        ids = [i.id for i in actor.instruments]
        commitments = {c.instrument: c for c in s.framework.commitments if c.actor == a}

        def field(name: str) -> np.ndarray:
            return self._column([join("actors", a, "instruments", i, name) for i in ids])

        def commitment(name: str, default: float) -> np.ndarray:
            cols = [
                self._value(join("framework", "commitments", a, i, name)) if i in commitments
                else np.full(self.replications, default)
                for i in ids
            ]
            return np.stack(cols, axis=0)

        def per_instrument(name: str, block: str, default: float) -> np.ndarray:
            # A field of an instrument's optional block (licensing, tariff, reserve); the
            # schema's ``default`` where it has none.
            cols = [
                self._value(join("actors", a, "instruments", i.id, block, name))
                if getattr(i, block) is not None else np.full(self.replications, default)
                for i in actor.instruments
            ]
            return np.stack(cols, axis=0)

        is_tariff = np.array([i.kind == "tariff" for i in actor.instruments])
        is_reserve = np.array([i.reserve is not None for i in actor.instruments])
        max_rate = per_instrument("max_rate_percent", "tariff", 1.0)
        level = np.stack([
            self._value(join("actors", a, "instruments", i.id, "tariff", "rate_percent"))
            / max_rate[j] if i.kind == "tariff"
            else np.zeros(self.replications) if i.reserve is not None
            else self._value(join("actors", a, "instruments", i.id, "level"))
            for j, i in enumerate(actor.instruments)
        ], axis=0)
        target = commitment("target", 1.0)
        committed = np.array([i in commitments for i in ids])
        if is_tariff.any() or is_reserve.any():
            # A truce restores a tariff's rate on the start date (the Geneva cut, which
            # the London framework built on) and rolls new measures back, as Geneva rolled
            # back China's April countermeasures and London the US's late-May measures
            # (a reserve's goal is then its floor, 0 for the baseline's).
            target = np.where(is_tariff[:, None], level,
                              np.where(is_reserve[:, None], field("floor"), target))
            committed = committed | is_tariff | is_reserve
        start = s.start_date
        deadlines = []
        for d in s.calendar:
            if d.actor != a:
                continue
            where = join("calendar", d.id)
            days = (d.date - start).days
            deadlines.append(Deadline(
                id=d.id, row=ids.index(d.instrument), week=int(np.ceil(days / 7.0)),
                extension_weeks=np.maximum(np.rint(self._value(join(where, "extension_weeks"))),
                                           1).astype(np.int32),
                extension_probability=self._value(join(where, "extension_probability")),
                replace_probability=self._value(join(where, "replace_probability")),
            ))
        strategy_params = {k: self.params[join("actors", a, "strategy", k)]
                           for k in actor.strategy.params}
        rule = actor.retaliation.rule
        order = None
        if rule != "uniform":
            # By each instrument's median impact in the scenario (not by the draws, so the
            # order never depends on the replications beside it).
            median_impact = np.array([_median(i.impact) for i in actor.instruments])
            by_impact = [int(j) for j in np.argsort(-median_impact, kind="stable")]
            first = [ids.index(i) for i in actor.retaliation.priority] if rule == "priority" else []
            order = np.array(first + [j for j in by_impact if j not in first], dtype=np.intp)
        lag_weeks = field("lag_weeks")
        # The path the partner's monitor expects of a compliant ``a``: its own pace,
        # less the share of its lag beyond a committed deadline that the observer does
        # not credit (monitoring.<observer>.lag_credit; 1 leaves the pace exact).
        deadline = commitment("deadline_weeks", 0.0)
        credit = self._value(join("monitoring", s.partner(a), "lag_credit"))
        beyond = np.where(deadline > 0.0, np.maximum(lag_weeks - deadline, 0.0), 0.0)
        compliant_lag_weeks = lag_weeks - (1.0 - credit) * beyond
        impact = field("impact")
        if s.economy.impact_from_value_added:
            impact = impact_at_risk(s, a, impact, self._value)
        return Government(
            self, a,
            level=level, floor=field("floor"), impact=impact,
            lag_weeks=lag_weeks,
            compliant_lag_weeks=compliant_lag_weeks,
            target=target,
            committed=committed,
            rule=np.array([i.dynamics == "rule" for i in actor.instruments]),
            licensing=np.array([i.dynamics == "licensing" for i in actor.instruments]),
            licence_min_days=per_instrument("min_working_days", "licensing", 0.0),
            licence_limit_days=per_instrument("limit_working_days", "licensing", 45.0),
            deadline_weeks=deadline,
            strategy=make_strategy(actor.strategy.name, **strategy_params),
            industry_weight=self._value(join("actors", a, "domestic", "industry_weight")),
            hawkishness=self._value(join("actors", a, "domestic", "hawkishness")),
            delay_weight=self._value(join("actors", a, "domestic", "delay_weight")),
            retaliation_scale=self._value(join("actors", a, "retaliation", "scale")),
            minimum_share=self._value(join("actors", a, "retaliation", "minimum_share")),
            retaliation_order=order,
            reciprocity_scale=self._value(join("actors", a, "reciprocity", "scale")),
            reciprocity_lead=self._value(join("actors", a, "reciprocity", "lead")),
            implementation_error=self._value(join("actors", a, "implementation", "error")),
            reserve=is_reserve,
            open_delay_weeks=per_instrument("open_delay_weeks", "reserve", 0.0),
            open_level=per_instrument("open_level", "reserve", 1.0),
            new_measure_share=self._value(join("actors", a, "retaliation", "new_measure_share")),
            tariff=is_tariff,
            max_rate_percent=max_rate,
            lapse_level=per_instrument("lapse_rate_percent", "tariff", 1.0) / max_rate,
            deadlines=deadlines,
        )

    @staticmethod
    def series_names_for(scenario: Scenario) -> list[str]:
        """Ids of the weekly series a model of ``scenario`` records, in order."""
        instruments = [(a, i.id) for a, actor in scenario.actors.items()
                       for i in actor.instruments]
        return [
            *(series_name("level", a, i) for a, i in instruments),
            *(series_name("belief", a) for a in scenario.actors),
            *(series_name("evidence", a) for a in scenario.actors),
            *(series_name("supply", good.id) for good in scenario.economy.goods),
            *(series_name("halted", sector.id) for sector in scenario.economy.sectors),
            *(series_name("pressure", a) for a in scenario.actors),
            *(series_name("available", good.id) for good in scenario.economy.goods),
            *(series_name("price", good.id) for good in scenario.economy.goods),
            *(series_name("output", sector.id) for sector in scenario.economy.sectors),
            *(series_name("loss", sector.id) for sector in scenario.economy.sectors),
            *(series_name("country_loss", a) for a in scenario.actors),
            # Tariff rates, percent, and the measures each side has opened: only for
            # scenarios that have them.
            *(series_name("tariff", a, i.id) for a, actor in scenario.actors.items()
              for i in actor.instruments if i.kind == "tariff"),
            *(series_name("opened", a) for a in scenario.actors
              if any(i.reserve is not None for actor in scenario.actors.values()
                     for i in actor.instruments)),
        ]

    @staticmethod
    def series_bounds_for(scenario: Scenario) -> np.ndarray:
        """Upper end of each series' values, in :meth:`series_names_for` order.

        See :func:`tradesim.markets.series_bounds`.
        """
        return series_bounds(scenario, TradeModel.series_names_for(scenario))

    @property
    def draws(self) -> streams.Draws:
        """Every random number this model's replications draw, by slot (made on demand).

        The model itself draws its weekly numbers a few weeks at a time
        (:class:`tradesim.streams.WeeklyDraws`); these are the same numbers.
        """
        draws = streams.draw(self.master_seed, self.first_replication,
                             self.first_replication + self.stream_period, self.layout)
        k = self.replications // self.stream_period
        if k == 1:
            return draws
        return streams.Draws(setup=np.tile(draws.setup, (k, 1)),
                             uniforms=np.tile(draws.uniforms, (1, 1, k)),
                             normals=np.tile(draws.normals, (1, 1, k)))

    # -- what the agents read from the week's draws --------------------------------

    def monitoring_noise(self, observed_actor: str) -> np.ndarray:
        """Standard-normal errors this week on ``observed_actor``'s levels, (n, R)."""
        return self._normals[self._noise_columns[observed_actor]]

    def decision_uniforms(self, actor: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Uniforms this week for ``actor``'s strategy, domestic politics and implementation."""
        k = self.actor_ids.index(actor)
        u = self._uniforms
        return u[_U_STRATEGY + k], u[_U_DOMESTIC + k], u[_U_ERROR + k]

    def calendar_uniforms(self, actor: str) -> np.ndarray:
        """Uniforms this week for ``actor``'s decisions at its calendar's deadlines."""
        return self._uniforms[_U_CALENDAR + self.actor_ids.index(actor)]

    def reserve_uniforms(self, actor: str) -> np.ndarray:
        """Uniforms this week for ``actor``'s choice of a new measure over a re-tightening."""
        return self._uniforms[_U_RESERVE + self.actor_ids.index(actor)]

    def hawk_delay(self, k: int) -> np.ndarray:
        """Factor by which actor ``k``'s hawks scale its approval and truce hazards."""
        g = self.governments[k]
        return 1.0 - g.delay_weight * g.hawkishness

    # -- the week ------------------------------------------------------------------------

    def step(self) -> None:
        """Advance every replication by one week."""
        if self.week >= self.horizon:
            raise RuntimeError(f"the horizon of {self.horizon} weeks is reached")
        self._uniforms, self._normals = self._weekly.week(self.week)
        self.week += 1
        forced = self.forcing is not None and self.week <= self.forcing.until_week
        if forced:
            self._forced_lifecycle()
        else:
            self._lifecycle()
        self.active = (self.phase >= IMPLEMENTATION) & (self.phase <= BREAKDOWN)
        governments = self.agents_by_type[Government]
        governments.do("observe")
        governments.do("decide")
        if forced:
            self._forced_actions()
        governments.do("act")
        if forced:
            self._forced_levels()
        self._judge(breakdowns=not forced)
        sectors = self.agents_by_type.get(Sector)
        # The firms' orders were placed as last week's production ended (Sector.produce).
        self.supply = self._supply()
        if sectors is not None:
            sectors.do("produce", self.markets.fill, self.markets.price)
        for g in self.governments:
            g.pressure = self._pressure(g.actor_id)
        self.weeks_since_start[self.active] += 1
        self._record()
        self.running = self.week < self.horizon

    def run(self) -> TradeModel:
        """Step to the horizon; returns the model for chaining."""
        while self.week < self.horizon:
            self.step()
        return self

    def _start_framework(self, mask: np.ndarray) -> None:
        if not mask.any():
            return
        self.phase[mask] = IMPLEMENTATION
        self.weeks_since_start[mask] = 0
        for g in self.governments:
            g.start_framework(mask)

    def _lifecycle(self) -> None:
        week, u = self.week, self._uniforms
        sensitivity = self._value("economy.pressure_sensitivity")
        pending = self.phase == PRINCIPLE
        if pending.any():
            rejected = np.zeros_like(pending)
            for k, a in enumerate(self.actor_ids):
                waiting = pending & ~self.approved[:, k]
                pressure = self.governments[k].pressure
                hazard = np.minimum(
                    self._value(f"approval.{a}.weekly_hazard") * (1.0 + sensitivity * pressure)
                    * self.hawk_delay(k), 1.0)
                draw = u[_U_APPROVE + k]
                self.approved[:, k] |= waiting & (draw < hazard)
                rejected |= waiting & (draw >= hazard) & (
                    draw < hazard + self._value(f"approval.{a}.rejection_hazard"))
            self.phase[rejected] = REJECTED
            self.milestones["rejected"][rejected] = week
            both = pending & ~rejected & self.approved.all(axis=1)
            self._start_framework(both)
            self.milestones["approved"][both] = week
        broken = self.phase == BREAKDOWN
        if broken.any():
            pressure = 0.5 * (self.governments[0].pressure + self.governments[1].pressure)
            hazard = np.minimum(
                self._value("economy.truce_hazard") * (1.0 + sensitivity * pressure)
                * self.hawk_delay(0) * self.hawk_delay(1), 1.0)
            truce = broken & (u[_U_TRUCE] < hazard)
            self.truces[truce] += 1
            self._mark_event("truce", truce, self.truces)
            self._start_framework(truce)

    # -- replaying a log: the same step, with logged events overriding draws --------

    def _forced_lifecycle(self) -> None:
        everyone = np.ones(self.replications, dtype=bool)
        for milestone in self.forcing.milestones.get(self.week, ()):
            if milestone == "approved":
                fresh = self.phase == PRINCIPLE
                self.approved[:] = True
                self._start_framework(fresh)
                self.milestones["approved"][fresh] = self.week
            elif milestone == "rejected":
                self.phase[:] = REJECTED
                self.milestones["rejected"][:] = self.week
            elif milestone == "breakdown":
                self.phase[:] = BREAKDOWN
                self._logged_breakdown = True
                self.breakdowns += 1
                self._mark_event("breakdown", everyone, self.breakdowns)
            elif milestone == "truce":
                self.truces += 1
                self._mark_event("truce", everyone, self.truces)
                self._start_framework(everyone)

    def _forced_actions(self) -> None:
        logged = dict(self.forcing.actions.get(self.week, ()))
        for k, g in enumerate(self.governments):
            g.action[:] = logged.get(k, HOLD)
            g.cooperated[:] = g.action != RETALIATE
            g.intended[:] = g.cooperated
            g.error[:] = False

    def _forced_levels(self) -> None:
        for k, j, level in self.forcing.levels.get(self.week, ()):
            g = self.governments[k]
            g.level[j] = max(level, 0.0)
            np.maximum(g.level[j], g.floor[j], out=g.level[j])
            # A logged level is the decision in force, and what the pipeline carries.
            g.decided[j] = g.level[j]
            q = np.flatnonzero(g.licence_rows == j)
            if q.size:
                g.licence_history[q[0]] = g.level[j]

    def _mark_event(self, kind: str, mask: np.ndarray, counts: np.ndarray) -> None:
        for k in range(1, MAX_EVENTS + 1):
            self.milestones[f"{kind}_{k}"][mask & (counts == k)] = self.week

    def _judge(self, breakdowns: bool = True) -> None:
        """Record escalations, breakdowns (unless replaying) and completed implementation."""
        in_framework = (self.phase == IMPLEMENTATION) | (self.phase == COMPLIANCE)
        if self._logged_breakdown:  # a replayed breakdown: this week's retaliation caused it
            in_framework = in_framework | (self.phase == BREAKDOWN)
            self._logged_breakdown = False
        retaliated = [g.action == RETALIATE for g in self.governments]
        first = self.milestones["first_escalation"]
        # A hold that slipped into a tightening (implementation error) is no escalation.
        decided = [did & ~g.slipped for g, did in zip(self.governments, retaliated, strict=True)]
        first[in_framework & (decided[0] | decided[1]) & (first < 0)] = self.week
        broke = np.zeros(self.replications, dtype=bool)
        via_new = np.zeros(self.replications, dtype=bool)
        for g, did in zip(self.governments, retaliated, strict=True):
            # A new measure or a lapsed tariff cut is judged in the week it takes effect.
            did = did | g.announced
            if breakdowns and did.any():
                over = did & (g.restriction_impact() > g.breakdown_threshold + 1e-9)
                broke |= over
                via_new |= over & g.landed
        broke &= in_framework
        self.phase[broke] = BREAKDOWN
        self.breakdowns[broke] += 1
        self._mark_event("breakdown", broke, self.breakdowns)
        first_via = self.milestones["escalation_via_new_measure"]
        first_via[broke & via_new & (self.breakdowns == 1)] = self.week
        done = self.phase == IMPLEMENTATION
        for g in self.governments:
            done &= np.all(~g.committed[:, np.newaxis] | (g.level <= g.goal + 1e-9), axis=0)
        self.phase[done] = COMPLIANCE
        implemented = self.milestones["implemented"]
        implemented[done & (implemented < 0)] = self.week

    def _supply(self, grow: bool = True) -> np.ndarray:
        """Clear every good's market this week (see :meth:`tradesim.markets.Markets.clear`)."""
        return self.markets.clear(self._cuts, self.sectors, grow)

    def _pressure(self, actor: str) -> np.ndarray:
        return industry_pressure(self.sectors, actor, self.replications)

    def _record(self) -> None:
        t = self.week
        # Each block of rows is written straight into the week's values (float32, cast
        # as numpy casts: round to nearest), in :meth:`series_names_for` order.
        values = self.series[:, t] if self.tally is None else self._week_values
        i = 0

        def put(block: np.ndarray) -> None:
            nonlocal i
            n = block.shape[0]
            values[i:i + n] = block
            i += n

        def row(value: np.ndarray) -> None:
            nonlocal i
            values[i] = value
            i += 1

        for g in self.governments:
            put(g.level)
        for g in self.governments:
            row(np.clip(g.monitor.belief, 0.0, 1.0))
        for g in self.governments:
            row(np.minimum(g.monitor.evidence / g.monitor.threshold, 1.0))
        put(self.supply)
        for sector in self.sectors:
            row(sector.halted)
        for g in self.governments:
            row(g.pressure)
        put(self.markets.available)
        put(self.markets.price)
        for sector in self.sectors:
            row(sector.output)
        for sector in self.sectors:
            row(sector.loss)
        for a in self.actor_ids:
            row(country_loss(self.sectors, a, self.replications))
        for g in self.governments:
            if g.tariff_rows.size:
                put(g.level[g.tariff_rows] * g.max_rate_percent[g.tariff_rows])
        if any(g.reserve_rows.size for g in self.governments):
            for g in self.governments:
                row(g.opened)
        if i != values.shape[0]:
            raise RuntimeError(f"recorded {i} series, expected {values.shape[0]}")
        if self.tally is not None:
            self.tally.add(t, values)
            self.series[:, t] = values[:, :self.keep]
        self.phases[t] = self.phase
        for k, g in enumerate(self.governments):
            self.actions[k, t] = g.action

    def close(self) -> None:
        """Free the model's memory now: drop its agents and recorded arrays.

        Agents and the model refer to each other, so without this their arrays
        wait for Python's cyclic garbage collector; an ensemble running many
        chunks calls it after extracting each chunk's results.
        """
        agents = [*self.governments, *self.sectors]
        self.remove_all_agents()
        # Governments, their monitors and the model refer to one another: emptying
        # their state frees its arrays at once, not when the cyclic collector next runs
        # (which counts objects, not bytes: a worker's memory would grow chunk by chunk).
        for agent in agents:
            monitor = getattr(agent, "monitor", None)
            if monitor is not None:
                vars(monitor).clear()
            vars(agent).clear()
        self.governments, self.sectors = [], []
        self.markets = None  # type: ignore[assignment]
        self.series = self.phases = self.actions = None  # type: ignore[assignment]
        self._weekly = self._week_values = self._uniforms = self._normals = None
        self.supply = self.params = None  # type: ignore[assignment]

    # -- results ------------------------------------------------------------------------

    def outcomes(self) -> np.ndarray:
        """Final outcome of each replication as an index into :data:`OUTCOMES`."""
        phase = self.phase
        holding = (phase == IMPLEMENTATION) | (phase == COMPLIANCE)
        out = np.select(
            [phase == PRINCIPLE, phase == REJECTED, holding & (self.breakdowns == 0),
             phase == BREAKDOWN],
            [0, 1, 2, 3], default=4,
        )
        return out.astype(np.int8)

