"""The agents: governments and the firms of each sector.

Each agent holds its state as arrays over replications (axis 0), so one Mesa
agent steps every replication of an ensemble at once.  A single run is the
case R = 1; there is no other code path.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np

from ._mesa import Agent
from .strategies import Strategy
from .vocab import ACTION_NAMES, BREAKDOWN, COMPLIANCE, EASE, HOLD, REJECTED, RETALIATE

if TYPE_CHECKING:  # pragma: no cover
    from .model import TradeModel
    from .monitoring import Monitor

# The action codes (EASE, HOLD, RETALIATE, ACTION_NAMES) are defined in tradesim.vocab.
__all__ = ["EASE", "HOLD", "RETALIATE", "ACTION_NAMES", "Deadline", "Government", "Sector",
           "licence_weights"]

@dataclasses.dataclass(frozen=True)
class Deadline:
    """A decision point of a government's calendar, as the model runs it.

    ``row`` is the tariff's instrument row, ``week`` the first decision's
    week; the others are per-replication values, shape (R,).
    """

    id: str
    row: int
    week: int
    extension_weeks: np.ndarray
    extension_probability: np.ndarray
    replace_probability: np.ndarray


#: Working days in a week, to turn licence service times into weeks.
WORKING_DAYS_PER_WEEK = 5.0


def licence_weights(min_days: np.ndarray, limit_days: np.ndarray) -> np.ndarray:
    """Share of a week's licence applications decided ``k`` weeks after filing.

    Service times are uniform between ``min_days`` (at most the limit) and
    the legal limit ``limit_days``, working days; an application decided
    after ``s`` working days delivers ``ceil(s / 5)`` weeks after the week
    it was filed, so none is decided later than the limit allows.

    Parameters
    ----------
    min_days, limit_days : ndarray, shape (m, R)
        Shortest decision and legal limit, working days.

    Returns
    -------
    ndarray, shape (m, K, R)
        Weights over ``k = 0 .. K-1`` weeks (``K = ceil(max limit / 5) + 1``),
        each (m, R) column summing to 1.
    """
    b = np.asarray(limit_days, dtype=float)
    a = np.minimum(np.asarray(min_days, dtype=float), b)
    k_weeks = int(np.ceil(b.max(initial=0.0) / WORKING_DAYS_PER_WEEK - 1e-9)) + 1
    days = WORKING_DAYS_PER_WEEK * np.arange(k_weeks, dtype=float)[None, :, None]
    width = (b - a)[:, None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.clip((days - a[:, None, :]) / width, 0.0, 1.0)
    # Decided by the end of week k: P(s <= 5k); a point mass where a == b.
    decided = np.where(width > 0, spread, (days >= a[:, None, :] - 1e-9).astype(float))
    decided[:, -1, :] = 1.0
    return np.diff(decided, axis=1, prepend=0.0)




class Government(Agent):
    """A government: its instruments, decision rule, monitoring and domestic side.

    State (arrays over the actor's n instruments and R replications)
    ----------------------------------------------------------------
    level : (n, R)
        Restriction level of each instrument, in [0, 1].
    reference : (n, R)
        Level when the current framework (or truce) took effect.
    goal : (n, R)
        Post-framework level: the commitment target, or the reference level
        for instruments not committed.
    ease_from : (n, R)
        Level at which the instrument's current change (its easing toward
        the goal) began: the reference, or the level a tightening left.
    progress : (n, R)
        Weeks of easing carried out since that change began (the clock of a
        ``rule`` instrument's delay; kept only by a government with a rule).
    decided : (n, R)
        The level the government has decided: for a ``licensing``
        instrument, 1 less the approval probability of this week's
        applications (``level`` follows as they clear); for the others, the
        level itself.
    compliant : (n, R)
        The levels this government would have if it had complied exactly
        since the framework started: its own easing rule, sized by what the
        partner truly delivered.  The partner computes the same path from
        public facts and its own levels; it is what the partner's
        observations are judged against.
    monitor : Monitor
        Channels, belief and evidence about the partner
        (:class:`tradesim.monitoring.Monitor`).
    pressure : (R,)
        Industry pressure in [0, 1]: weighted share of the actor's sectors'
        output lost for lack of imported inputs.
    action : (R,) int8
        This week's action as taken: EASE, HOLD or RETALIATE.
    """

    def __init__(
        self,
        model: TradeModel,
        actor_id: str,
        *,
        level: np.ndarray,
        floor: np.ndarray,
        impact: np.ndarray,
        lag_weeks: np.ndarray,
        target: np.ndarray,
        committed: np.ndarray,
        deadline_weeks: np.ndarray,
        rule: np.ndarray | None = None,
        licensing: np.ndarray | None = None,
        licence_min_days: np.ndarray | None = None,
        licence_limit_days: np.ndarray | None = None,
        strategy: Strategy,
        industry_weight: np.ndarray,
        hawkishness: np.ndarray,
        delay_weight: np.ndarray,
        retaliation_scale: np.ndarray,
        minimum_share: np.ndarray,
        retaliation_order: np.ndarray | None,
        reciprocity_scale: np.ndarray,
        reciprocity_lead: np.ndarray,
        implementation_error: np.ndarray,
        reserve: np.ndarray | None = None,
        open_delay_weeks: np.ndarray | None = None,
        open_level: np.ndarray | None = None,
        new_measure_share: np.ndarray | float = 0.0,
        tariff: np.ndarray | None = None,
        max_rate_percent: np.ndarray | None = None,
        lapse_level: np.ndarray | None = None,
        deadlines: list[Deadline] | None = None,
        compliant_lag_weeks: np.ndarray | None = None,
    ) -> None:
        super().__init__(model)
        self.actor_id = actor_id
        n = level.shape[0]
        r = model.replications
        # Measures held in reserve: inactive (level 0, no floor) until a retaliation opens
        # them; ``open_week`` is the week each takes effect (-1: not opened).
        self.reserve = np.zeros(n, bool) if reserve is None else np.asarray(reserve, bool)
        self.reserve_rows = np.flatnonzero(self.reserve).astype(np.intp)
        self.reserve_floor = np.asarray(floor, dtype=float).copy()
        floor = np.where(self.reserve[:, None], 0.0, floor)
        self.open_delay = (np.zeros((n, r)) if open_delay_weeks is None
                           else np.asarray(open_delay_weeks, float))
        self.open_level = (np.ones((n, r)) if open_level is None
                           else np.asarray(open_level, float))
        self.open_week = np.full((self.reserve_rows.size, r), -1, dtype=np.int32)
        self.open_to = np.zeros((self.reserve_rows.size, r))
        self.new_measure_share = np.broadcast_to(np.asarray(new_measure_share, float), (r,))
        self.opened = np.zeros(r, dtype=np.int16)
        self.landed = np.zeros(r, dtype=bool)
        self.announced = np.zeros(r, dtype=bool)
        # Tariffs: the level is the rate over the highest rate (percent); a lapse of a
        # time-limited cut restores ``lapse_level``.
        self.tariff = np.zeros(n, bool) if tariff is None else np.asarray(tariff, bool)
        self.tariff_rows = np.flatnonzero(self.tariff).astype(np.intp)
        self.max_rate_percent = (np.ones((n, r)) if max_rate_percent is None
                                 else np.asarray(max_rate_percent, float))
        self.lapse_level = (np.ones((n, r)) if lapse_level is None
                            else np.asarray(lapse_level, float))
        # The decision calendar: each deadline's next decision week (-1: none left).
        self.deadlines = list(deadlines or [])
        self.due_week = np.stack([np.full(r, d.week, dtype=np.int32) for d in self.deadlines]) \
            if self.deadlines else np.zeros((0, r), dtype=np.int32)
        self.floor = floor
        self.level = np.maximum(level, floor)
        self.impact = impact
        # Weeks until a change is complete: a ramp's whole move, or a rule's delay.
        self.lag_weeks = np.asarray(lag_weeks, dtype=float)
        # The lag the partner's monitor expects of a compliant path (its lag_credit).
        self.compliant_lag_weeks = (self.lag_weeks if compliant_lag_weeks is None
                                    else np.asarray(compliant_lag_weeks, dtype=float))
        self.rule = np.zeros(n, dtype=bool) if rule is None else np.asarray(rule, dtype=bool)
        # Only rules read the clocks: without any, they are not kept (a hot loop).
        self.has_rules = bool(self.rule.any())
        self.target = np.maximum(target, floor)
        self.committed = committed
        self.deadline_weeks = deadline_weeks
        self.strategy = strategy
        self.industry_weight = industry_weight
        self.hawkishness = hawkishness
        self.delay_weight = delay_weight
        self.retaliation_scale = retaliation_scale
        self.minimum_share = minimum_share
        # Row order in which a response fills the instruments (None: same share of headroom).
        self.retaliation_order = retaliation_order
        # The order in which reserves open: the retaliation order's (else as declared).
        order = list(range(n)) if retaliation_order is None else list(retaliation_order)
        rows = list(self.reserve_rows)
        self.reserve_rank = np.array([rows.index(j) for j in order if j in rows], dtype=np.intp)
        self.reciprocity_scale = reciprocity_scale
        self.reciprocity_lead = reciprocity_lead
        self.implementation_error = implementation_error

        # The smallest response is sized on the export controls in force at the start:
        # not on tariffs (whose snap-back is a decision of its own) or reserves.
        self.total_impact = np.where((self.tariff | self.reserve)[:, None], 0.0,
                                     impact).sum(axis=0)
        self.reference = self.level.copy()
        self.goal = self.level.copy()
        self.compliant = self.level.copy()
        self.decided = self.level.copy()
        self.compliant_decided = self.level.copy()
        # The licence pipelines: weights over weeks since filing, and the decided levels of
        # past filings (actual and compliant), a ring over weeks.
        licensing = np.zeros(n, dtype=bool) if licensing is None else np.asarray(licensing, bool)
        self.licence_rows = np.flatnonzero(licensing).astype(np.intp)
        rows = self.licence_rows
        if rows.size:
            self.licence_weights = licence_weights(np.asarray(licence_min_days)[rows],
                                                   np.asarray(licence_limit_days)[rows])
        else:
            self.licence_weights = np.ones((0, 1, r))
        ring = np.broadcast_to(self.level[rows][:, None, :], self.licence_weights.shape)
        self.licence_history = np.array(ring)  # a writable copy
        self.compliant_history = self.licence_history.copy()
        self.pipeline_week = 0
        self.ease_from = self.level.copy()
        self.progress = np.zeros_like(self.level)
        self.compliant_progress = np.zeros_like(self.level)
        self.ease_per_week = self._per_week(self.ease_from)
        from . import kernels

        self.compliant_per_week = kernels.ramp_pace(self.ease_from, self.goal,
                                                    self.compliant_lag_weeks)
        self.promised = np.zeros(r)
        self.breakdown_threshold = np.full(r, np.inf)
        self.pressure = np.zeros(r)
        self.action = np.zeros(r, dtype=np.int8)
        self.cooperated = np.ones(r, dtype=bool)
        self.intended = np.ones(r, dtype=bool)
        self.error = np.zeros(r, dtype=bool)
        self.slipped = np.zeros(r, dtype=bool)
        self.partner_degree = np.zeros(r)
        self.partner_violation = np.zeros(r, dtype=bool)
        self.seen_shortfall_impact = np.zeros(r)
        self.ease_cap = np.full(r, np.inf)
        self.compliant_cap = np.full(r, np.inf)
        self.strategy_state = strategy.initial_state(r)
        # Diagnostics (tradesim.monitoring.detection): follow the compliant path exactly,
        # less a share ``withheld`` of the promised easing.
        self.follows_compliant_path = False
        self.withheld = np.zeros(r)
        self.partner: Government
        self.monitor: Monitor

    # -- lifecycle ------------------------------------------------------------------

    def start_framework(self, mask: np.ndarray) -> None:
        """Take the framework (or a new truce) as the reference where ``mask``.

        The goal is the committed target (or the level, if lower or not
        committed); a retaliation lifting the restriction impact above the
        goal's plus ``economy.breakdown_share`` of the eased impact is a
        breakdown (:func:`tradesim.kernels.start_framework`).
        """
        from . import kernels

        # Every instrument's change starts afresh from the framework's levels, and the
        # licence pipelines from filings at them (decided levels, ramps, clocks).
        kernels.start_framework(
            mask, self.level, self.target, self.committed, self.impact,
            self.model.breakdown_share, self.lag_weeks, self.compliant_lag_weeks,
            self.licence_rows, self.reference, self.compliant, self.goal, self.promised,
            self.breakdown_threshold, self.decided, self.compliant_decided, self.ease_from,
            self.progress, self.compliant_progress, self.ease_per_week,
            self.compliant_per_week, self.licence_history, self.compliant_history,
            self.cooperated)
        self.strategy.reset_state(self.strategy_state, mask)
        self.monitor.reset(mask)

    def restriction_impact(self, levels: np.ndarray | None = None) -> np.ndarray:
        """Impact-weighted restriction, USD billion a year of partner output at risk."""
        return (self.impact * (self.level if levels is None else levels)).sum(axis=0)

    def eased_impact(self, levels: np.ndarray | None = None) -> np.ndarray:
        """Impact eased since the framework started, USD billion a year (at least 0)."""
        from . import kernels

        levels = self.level if levels is None else levels
        return kernels.eased_impact(self.impact, self.reference, levels)

    def _per_week(self, start: np.ndarray) -> np.ndarray:
        """A ramp's move per week: the change's distance to the goal over ``lag_weeks``."""
        from . import kernels

        return kernels.ramp_pace(start, self.goal, self.lag_weeks)

    def ease_step(self, levels: np.ndarray, goal: np.ndarray, cap: np.ndarray, *,
                  compliant: bool = False) -> np.ndarray:
        """One week of easing: the one rule for actual and compliant paths.

        ``lag_weeks`` is the number of weeks of easing until a change is
        complete.  A ``ramp`` instrument moves toward ``goal`` by at most
        ``(ease_from - goal) / lag_weeks`` a week (the framework goal's
        distance from where the change began), so it arrives after
        ``lag_weeks`` weeks whatever the size of the move; a ``rule``
        instrument holds until its ``lag_weeks``-th week of easing, then
        moves to ``goal`` at once.  The whole move is scaled back so that the
        impact eased since the framework started does not exceed ``cap``
        (reciprocity); a government already above its cap holds.

        Parameters
        ----------
        levels, goal : ndarray, shape (n, R)
        cap : ndarray, shape (R,)
            Most impact eased allowed, USD billion a year.
        compliant : bool
            Step the compliant path (its own pace and clock) rather than the
            actual levels.

        Returns
        -------
        ndarray, shape (n, R)
        """
        from . import kernels

        if compliant:
            per_week, progress = self.compliant_per_week, self.compliant_progress
            lag = self.compliant_lag_weeks
        else:
            per_week, progress, lag = self.ease_per_week, self.progress, self.lag_weeks
        return kernels.ease_step(levels, goal, self.reference, self.impact, per_week, self.rule,
                                 progress, lag, cap)

    def _caps(self, believed: np.ndarray, true: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lead = self.reciprocity_lead * self.promised
        scale = self.reciprocity_scale
        # A full lead needs no reciprocity (0 x inf is avoided).
        full = self.reciprocity_lead >= 1.0
        cap = np.where(full, np.inf, lead + scale * believed)
        cap_true = np.where(full, np.inf, lead + scale * true)
        return cap, cap_true

    # -- the week: observe, decide, act ---------------------------------------------

    def observe(self) -> None:
        """Take in the partner's published reports and judge its compliance.

        The monitor updates the belief and the CUSUM from the reports alone;
        an alarm is a judged violation, whose degree (the believed share of
        promised easing withheld) the strategy sees as the partner's
        defection.  The easing cap (reciprocity) is sized here from the
        believed impact the partner has delivered.
        """
        partner = self.partner
        monitor = self.monitor
        monitor.update(self.model.monitoring_noise(partner.actor_id))
        degree = monitor.degree()
        self.partner_violation = monitor.alarm
        self.partner_degree = degree
        expected = partner.eased_impact(partner.compliant)
        self.seen_shortfall_impact = degree * expected
        believed = np.clip(monitor.belief, 0.0, 1.0) * expected
        self.ease_cap, self.compliant_cap = self._caps(believed, partner.eased_impact())

    def decide(self) -> None:
        """Choose ease or retaliate by the strategy, let domestic politics bend it, then err.

        With probability ``implementation_error`` the action taken is the
        opposite of the one decided (the two-player game's convention,
        :mod:`tradesim.game`).
        """
        u_strategy, u_domestic, u_error = self.model.decision_uniforms(self.actor_id)
        first = self.model.weeks_since_start == 0
        cooperate = np.where(
            first,
            self.strategy.opening(u_strategy),
            self.strategy.cooperate(self.cooperated, self.partner_degree, self.strategy_state,
                                    u_strategy),
        )
        # Halted firms lobby for easing; hawks push for a response to a judged violation.
        cooperate = np.where(
            cooperate,
            ~(self.partner_violation & (u_domestic < self.hawkishness)),
            u_domestic < self.industry_weight * self.pressure,
        )
        active = self.model.active
        self.intended = cooperate
        self.error = active & (u_error < self.implementation_error)
        taken = cooperate ^ self.error
        self.action = np.where(active, np.where(taken, EASE, RETALIATE), HOLD).astype(np.int8)

    def act(self) -> None:
        """Move the instruments: ease toward the goal at the pipeline's pace, or retaliate.

        Easing follows :meth:`ease_step` (during a breakdown, cooperating only
        holds); a ``rule`` whose delay is running counts as easing.  A
        tightening starts a new change from the level it leaves.  An intended
        easing that is not carried out holds the levels, or, with nothing
        left to ease, slips into a minimum tightening.
        Retaliation imposes the believed violation's impact times the
        retaliation scale plus a minimum response, filling the instruments by
        the retaliation rule.  No level ever goes below its floor.  The
        compliant path moves by the same easing rule, sized by what the
        partner truly delivered.
        """
        level = self.level
        decided = self.decided
        in_breakdown = self.model.phase == BREAKDOWN
        active = self.model.active
        goal = np.where(in_breakdown, decided, self.goal)
        if self.follows_compliant_path:
            goal = self.goal + self.withheld * (self.reference - self.goal)
            self.action = np.where(active, EASE, HOLD).astype(np.int8)
            self.error[:] = False
        from . import kernels

        eased = self.ease_step(decided, goal, self.ease_cap)
        # The compliant path's clock runs in every week of the framework it has easing left.
        self.compliant_decided = kernels.ease_active(
            self.compliant_decided, self.goal, self.reference, self.impact,
            self.compliant_per_week, self.rule, self.compliant_progress,
            self.compliant_lag_weeks, self.compliant_cap, active, self.has_rules)
        self.compliant = self._deliver(self.compliant_decided, self.compliant_history)
        if self.follows_compliant_path:
            eased = self.ease_step(decided, goal, self.compliant_cap)

        # A failed easing (meant to ease, did not) that moves holds; one with nothing
        # left to move slips into a tightening.  A rule still in its delay is being
        # worked on: easing, though no level moves.
        failed = self.error & self.intended
        action = self.action.copy()
        r = failed.size
        new = np.empty_like(decided)
        moves, pending, slipped = (np.empty(r, dtype=bool) for _ in range(3))
        kernels.choose_moves(decided, eased, goal, self.progress, self.lag_weeks, self.rule,
                             self.has_rules, failed, action, new, moves, pending, slipped)
        self.slipped = slipped
        retaliating = np.flatnonzero(action == RETALIATE)
        if retaliating.size:
            # Only the replications that retaliate (usually few) are worked on.
            minimum = (self.minimum_share * self.total_impact)[retaliating]
            wanted = np.where(slipped[retaliating], minimum,
                              (self.retaliation_scale * self.seen_shortfall_impact)[retaliating]
                              + minimum)
            impact = self.impact[:, retaliating]
            if self.reserve_rows.size:
                impact, wanted = self._new_measures(retaliating, level[:, retaliating], impact,
                                                    wanted, slipped[retaliating])
            # A response raises the levels in force (licences suspended at once).
            raised = self._tighten(level[:, retaliating], wanted, impact)
            new[:, retaliating] = np.where(raised > level[:, retaliating], raised,
                                           new[:, retaliating])
        if self.reserve_rows.size:
            self._land_reserves(new)
        if self.deadlines:
            lapsed = self._decide_deadlines(new)
            action = np.where(lapsed & active, RETALIATE, action).astype(np.int8)
            self.announced = self.landed | lapsed
        else:
            self.announced = self.landed
        # Clipped to the floors; a tightening starts a new change from its level, with the
        # clock at zero; the move taken, in the game's terms (a failed easing is a
        # defection); an easing that moved nothing is a hold.
        cooperated = self.cooperated.copy()
        kernels.settle_moves(new, self.floor, level, decided, goal, self.goal, self.lag_weeks,
                             action, pending, failed, moves, active, self.has_rules,
                             self.progress, self.ease_from, self.ease_per_week,
                             self.licence_rows, self.licence_history, cooperated)
        self.cooperated = cooperated
        self.action = action
        self.decided = new
        self.level = self._deliver(new, self.licence_history)
        self.pipeline_week += 1

    def _deliver(self, decided: np.ndarray, history: np.ndarray) -> np.ndarray:
        """Levels in force given the decided levels: licensing rows through their pipelines.

        Writes this week's filings into ``history`` (see
        :func:`tradesim.kernels.licence_pipeline`); no level goes below its floor.
        """
        if not self.licence_rows.size:
            return decided
        from . import kernels

        level = decided.copy()
        kernels.licence_pipeline(decided, self.licence_rows, history, self.licence_weights,
                                 self.pipeline_week, level)
        return np.clip(level, self.floor, 1.0, out=level)

    # -- new measures and the decision calendar ------------------------------------

    def _new_measures(self, reps: np.ndarray, level: np.ndarray, impact: np.ndarray,
                      wanted: np.ndarray, slipped: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray]:
        """Open a reserve instead of re-tightening, where the retaliation rule says so.

        A retaliating government with a reserve left opens the next one (in
        the retaliation order) with probability ``new_measure_share``, and
        always when the response wanted exceeds what the instruments in force
        can still add; the response is then the new measure alone, sized in
        scope and impact like any response (its level is the response over
        its impact, at most ``open_level``) and in force after its
        ``open_delay_weeks``.  A hold slipping into a tightening
        opens nothing.  Returns the impact a re-tightening can use (unopened
        reserves none) and the response left to it.
        """
        rows = self.reserve_rows
        unopened = self.open_week[:, reps] < 0
        impact = impact.copy()
        impact[rows] = np.where(unopened, 0.0, impact[rows])
        headroom = (impact * (1.0 - level)).sum(axis=0)
        u = self.model.reserve_uniforms(self.actor_id)[reps]
        opens = unopened.any(axis=0) & ~slipped & (
            (u < self.new_measure_share[reps]) | (wanted > headroom + 1e-12))
        if opens.any():
            which = reps[opens]
            ranked = unopened[self.reserve_rank][:, opens]
            q = self.reserve_rank[np.argmax(ranked, axis=0)]
            delay = np.ceil(self.open_delay[rows[q], which] - 1e-9).astype(np.int32)
            self.open_week[q, which] = self.model.week + np.maximum(delay, 0)
            # Sized like any response, in scope and impact, up to its declared level.
            full = self.open_level[rows[q], which]
            size = self.impact[rows[q], which]
            with np.errstate(divide="ignore", invalid="ignore"):
                sized = np.where(size > 0, wanted[opens] / size, full)
            self.open_to[q, which] = np.minimum(full, sized)
            wanted = np.where(opens, 0.0, wanted)
        return impact, wanted

    def _land_reserves(self, new: np.ndarray) -> None:
        """Reserves whose delay ends this week take effect: level and floor (in place)."""
        landing = self.open_week == self.model.week
        self.landed = landing.any(axis=0)
        if not self.landed.any():
            return
        rows = self.reserve_rows
        new[rows] = np.where(landing, np.maximum(new[rows], self.open_to), new[rows])
        self.floor[rows] = np.where(landing, self.reserve_floor[rows], self.floor[rows])
        self.opened += landing.sum(axis=0, dtype=np.int16)

    def _decide_deadlines(self, new: np.ndarray) -> np.ndarray:
        """Decide each time-limited measure due this week: extend, replace or let lapse.

        The government extends with the deadline's ``extension_probability``
        plus its industry pressure's pull on the rest (``industry_weight x
        pressure``) when it judges the partner compliant; when it judges a
        violation (an alarm this week, a breakdown or a rejected framework)
        only that pull can extend.  An extension decided while the framework
        is fully implemented is made permanent with ``replace_probability``.
        A lapse restores the tariff's ``lapse_rate_percent`` at once.  Records the
        milestones ``extended``, ``replaced`` and ``lapsed``; returns where a
        measure lapsed this week.
        """
        week = self.model.week
        lapsed = np.zeros(self.model.replications, dtype=bool)
        due_now = self.due_week == week
        if not due_now.any():
            return lapsed
        phase = self.model.phase
        violation = self.partner_violation | (phase == BREAKDOWN) | (phase == REJECTED)
        pull = self.industry_weight * self.pressure
        u = self.model.calendar_uniforms(self.actor_id)
        milestones = self.model.milestones
        for k, d in enumerate(self.deadlines):
            due = due_now[k]
            if not due.any():
                continue
            p = np.where(violation, pull,
                         d.extension_probability + (1.0 - d.extension_probability) * pull)
            extend = due & (u < p)
            replace = (extend & (phase == COMPLIANCE) & ~violation
                       & (u < p * d.replace_probability))
            lapse = due & ~extend
            self.due_week[k] = np.where(extend & ~replace, week + d.extension_weeks,
                                        np.where(due, -1, self.due_week[k]))
            new[d.row] = np.where(lapse, np.maximum(new[d.row], self.lapse_level[d.row]),
                                  new[d.row])
            # The cut is gone: easing no longer brings the rate back below the lapse rate
            # (a new truce restores it).
            self.goal[d.row] = np.where(lapse, np.maximum(self.goal[d.row],
                                                          self.lapse_level[d.row]),
                                        self.goal[d.row])
            lapsed |= lapse
            for name, mask in (("extended", extend & ~replace), ("replaced", replace),
                               ("lapsed", lapse)):
                m = milestones[name]
                m[mask & (m < 0)] = week
        return lapsed

    def _tighten(self, level: np.ndarray, wanted: np.ndarray, impact: np.ndarray) -> np.ndarray:
        """Levels after a response imposing ``wanted`` impact (USD bn a year), by the rule.

        ``level``, ``wanted`` and ``impact`` are those of the retaliating replications.
        """
        headroom = impact * (1.0 - level)
        if self.retaliation_order is None:  # the same share of every instrument's headroom
            total = headroom.sum(axis=0)
            with np.errstate(over="ignore"):  # a vanishing headroom: raise to the full 1.0
                share = np.minimum(np.divide(wanted, total, out=np.zeros_like(wanted),
                                             where=total > 0), 1.0)
            return level + share * (1.0 - level)
        order = self.retaliation_order
        ordered = headroom[order]
        before = np.cumsum(ordered, axis=0) - ordered
        fill = np.clip(wanted - before, 0.0, ordered)
        raise_by = np.zeros_like(level)
        raise_by[order] = np.divide(fill, impact[order], out=np.zeros_like(fill),
                                    where=impact[order] > 0)
        return np.minimum(level + raise_by, 1.0)


class Sector(Agent):
    """The firms of one sector, in one country, that depend on imported inputs.

    Each firm holds a stock of its imported inputs, in weeks of normal use
    (one bundle: the inputs are used in fixed proportions, so the scarcest
    one binds).  In two steps:

    1. :meth:`place_orders` (for week 1; later weeks' orders are placed as
       the week before ends, step 2): every firm orders a week's use plus a share
       ``1 / restock_weeks`` of the gap between its target cover and its
       stock (Forrester 1961; Sterman 2000, ch. 17), never less than zero.
       The sector's demand is the mean order; the model adds the sectors'
       demands up by good and clears each good's market.
    2. :meth:`produce`: every firm receives its order times the fill rate of
       its scarcest input (pro-rata rationing), then produces as much of a
       normal week's output as its stock allows, up to full output: output
       is partial, not on/off, and a firm restarts as soon as inputs arrive.
       While its inputs are dear it substitutes a share of them (other
       materials, redesign, recycling) at a pace rising with their price.
       As the week ends, every firm places next week's order (step 1) from
       the stock left, in the same pass over the firms.

    State
    -----
    inventory_weeks : (firms, R) float32
        Stock of imported inputs of each firm, weeks of normal use.
    requirement : (R,)
        Imported input per unit of output, 1 less the share substituted.
    output : (R,)
        Mean output of the sector's firms this week, 1.0 = normal.
    halted : (R,)
        Share of the firms producing less than ``halt_threshold`` of normal.
    loss : (R,)
        Cumulative value added lost to short inputs, USD billion.
    """

    def __init__(
        self,
        model: TradeModel,
        sector_id: str,
        actor_id: str,
        inputs: list[int],
        inventory_weeks: np.ndarray,
        max_cover_weeks: np.ndarray,
        pressure_weight: np.ndarray,
        *,
        target_cover_weeks: np.ndarray | float = 8.0,
        restock_weeks: np.ndarray | float = 4.0,
        substitutable_share: np.ndarray | float = 0.0,
        substitution_weeks: np.ndarray | float = 26.0,
        value_added: np.ndarray | float = 0.0,
        halt_threshold: np.ndarray | float = 0.1,
    ) -> None:
        super().__init__(model)
        r = model.replications
        self.sector_id = sector_id
        self.actor_id = actor_id
        self.inputs = inputs
        # Firms are the bulk of the model's state: float32 halves the memory traffic,
        # and a week of cover is far coarser than its 1e-7 relative precision.
        self.max_cover_weeks = np.asarray(max_cover_weeks, dtype=np.float32)
        # C order, firms by replications: the kernels run over replications innermost.
        self.inventory_weeks = np.ascontiguousarray(
            np.minimum(inventory_weeks, max_cover_weeks), dtype=np.float32)
        self.target_cover_weeks = np.minimum(np.broadcast_to(target_cover_weeks, (r,)),
                                             self.max_cover_weeks).astype(np.float32)
        self.restock_rate = (1.0 / np.broadcast_to(restock_weeks, (r,))).astype(np.float32)
        self.substitutable_share = np.broadcast_to(np.asarray(substitutable_share, float), (r,))
        self.substitution_pace = self.substitutable_share / np.broadcast_to(
            np.asarray(substitution_weeks, float), (r,))
        self.value_added = np.broadcast_to(np.asarray(value_added, float), (r,))
        # A writable copy, as TradeModel._value gives: the kernel compiles once.
        self.halt_threshold = np.broadcast_to(np.asarray(halt_threshold, np.float32),
                                              (r,)).copy()
        self.pressure_weight = pressure_weight
        self.firms = self.inventory_weeks.shape[0]
        self.substituted = np.zeros(r)
        self.requirement = np.ones(r, dtype=np.float32)
        self.demand = np.ones(r)
        self.loss = np.zeros(r)
        # Week 0: what the stock on hand allows, before any arrival.
        self.output = np.minimum(self.inventory_weeks, 1.0).mean(axis=0, dtype=np.float64)
        self.halted = np.count_nonzero(self.inventory_weeks < self.halt_threshold,
                                       axis=0) / self.firms

    def place_orders(self) -> None:
        """Each firm orders ``max(0, r + (target r - stock) / restock_weeks)``; sets ``demand``.

        ``demand`` is the mean order of the sector's firms, weeks of normal use,
        per replication (:func:`tradesim.kernels.firm_demand`).  The model
        places the first week's orders so; from then on :meth:`produce`
        places each next week's orders as it ends, from the same stock.
        """
        from . import kernels  # numba loads in the processes that step models only

        self.demand = kernels.firm_demand(self.inventory_weeks, self.requirement,
                                          self.target_cover_weeks, self.restock_rate)

    def produce(self, fill: np.ndarray, price: np.ndarray) -> None:
        """Receive this week's inputs, produce what the stock allows, substitute, order again.

        Each firm receives its order times the week's fill, then uses up to a
        week's requirement at full output; dear inputs are partly substituted;
        and each firm places next week's order from the stock left and the
        new requirement, as :meth:`place_orders` would
        (:func:`tradesim.kernels.firm_produce`, one pass over the firms).

        Parameters
        ----------
        fill : ndarray, shape (goods, R)
            Share of orders delivered this week, per good, in [0, 1].
        price : ndarray, shape (goods, R)
            Price index of each good this week (1.0 = 2024 average).
        """
        share = fill[self.inputs[0]]
        dear = price[self.inputs[0]]
        for good in self.inputs[1:]:
            share = np.minimum(share, fill[good])
            dear = np.maximum(dear, price[good])
        # Dear inputs are replaced at a pace 1 - 1/price of the full pace (none at 1.0);
        # the new requirement applies from next week's orders on.
        requirement = self.requirement
        if self.substitutable_share.any():
            self.substituted = np.minimum(
                self.substitutable_share,
                self.substituted + self.substitution_pace * (1.0 - 1.0 / dear))
            requirement = (1.0 - self.substituted).astype(np.float32)
        # No cap on stocks is needed: the stock after a week is at most max(stock before,
        # target cover x r) (orders close 1/restock_weeks <= 1 of the gap), and both start
        # within max_cover_weeks.
        from . import kernels

        r = requirement.shape[0]
        self.output, self.halted, self.demand = np.empty(r), np.empty(r), np.empty(r)
        kernels.firm_produce(self.inventory_weeks, self.requirement, requirement,
                             self.target_cover_weeks, self.restock_rate,
                             np.ascontiguousarray(share, dtype=np.float32), self.halt_threshold,
                             self.output, self.halted, self.demand)
        self.requirement = requirement
        self.loss = self.loss + self.value_added / 52.0 * (1.0 - self.output)
