"""What a government can see of its partner, and what it comes to believe.

Nobody observes a restriction level.  An observer sees each of the partner's
instruments through an *observation channel* (:class:`tradesim.scenario.Channel`):
reports of the instrument's licensed share of normal demand (``1 - level``),
each the average over a reporting period, published a delay after the period
ends, with a Gaussian error.  Customs data are monthly and about three weeks
late; licence counts weekly and noisy; a published rule is seen within a week
nearly exactly.

From the reports alone (never from true levels) the observer keeps

* a **belief** ``theta``: the share of the partner's promised easing it
  believes delivered, a local-level Kalman filter (prior mean 1 when a
  framework starts, random-walk drift ``drift_sd`` a week) on the model
  ``report = 1 - reference + theta * E + error``, where ``E`` is the easing
  the partner's compliant path would show in that report;
* an **evidence** statistic ``S``: Page's (1954) CUSUM of the Gaussian
  log-likelihood ratio of "the partner withholds a share ``s*`` of its
  promised easing" (mean report ``1 - reference + (1 - s*) E``) against
  compliance (mean ``1 - reference + E``), summed over reports and
  instruments, ``S = max(0, S + sum LLR)``.  A violation is judged when
  ``S`` exceeds the threshold ``h`` (nats), and ``S`` restarts at 0.  The
  CUSUM is reviewed every ``review_weeks`` with the LLR of all reports
  since the last review: each look at the evidence is a chance of a false
  alarm, so a test that looks weekly alarms more often than one that looks
  monthly at the same information; with reviews no more frequent than the
  reports, the same information packaged weekly or monthly gives the same
  test.

The LLR of a report is ``d (m0 - y) / sd**2 - d**2 / (2 sd**2)`` with
``d = s* E`` and ``m0`` the compliant mean: with ``k`` weekly reports of sd
``sd * sqrt(k)`` or one report of their average with sd ``sd``, the
increments add up to the same total, so the test does not depend on how the
same information is packaged.

The compliant path (:attr:`tradesim.agents.Government.compliant`) is computed
by the partner's own easing code (:meth:`tradesim.agents.Government.ease_step`)
from the framework, its declared lags and reciprocity and the observer's own
easing, so a partner that complies exactly leaves zero-mean errors.

:func:`detection` runs the model itself (this module's :class:`Monitor`
inside :class:`tradesim.model.TradeModel`) to measure the false-alarm
probability and the detection delay the threshold implies.

References
----------
Page, E. S. (1954). Continuous inspection schemes. *Biometrika* 41:100-115.
Green, E. J. & Porter, R. H. (1984). Noncooperative collusion under imperfect
price information. *Econometrica* 52(1):87-100.
Downs, G. W. & Rocke, D. M. (1995). *Optimal Imperfection? Domestic
Uncertainty and Institutions in International Relations*. Princeton UP.
Abreu, D., Pearce, D. & Stacchetti, E. (1990). Toward a theory of discounted
repeated games with imperfect monitoring. *Econometrica* 58(5):1041-1063.
Siegmund, D. (1985). *Sequential Analysis: Tests and Confidence Intervals*.
Springer (the discrete CUSUM's overshoot; why more looks mean more false alarms).
Brook, D. & Evans, D. A. (1972). An approach to the probability distribution
of CUSUM run length. *Biometrika* 59(3):539-549.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING

import numpy as np

from .paths import join

if TYPE_CHECKING:  # pragma: no cover
    from .agents import Government
    from .model import TradeModel
    from .scenario import Scenario

__all__ = ["Detection", "Monitor", "detection", "format_detection", "report_weeks"]

def report_weeks(period: float, horizon: int) -> np.ndarray:
    """Whether a report closes after each week ``0..horizon`` (report ``floor(w / period)``).

    Parameters
    ----------
    period : float
        Weeks a report covers (at least 1; 52/12 for calendar months).
    horizon : int
        Last week.

    Returns
    -------
    ndarray of bool, shape (horizon + 1,)
        True after the last week of each report.
    """
    w = np.arange(horizon + 1)
    return np.floor((w + 1) / period + 1e-9) > np.floor(w / period + 1e-9)


class Monitor:
    """One observer's channels, belief and evidence about its partner, over R replications.

    Parameters
    ----------
    model : TradeModel
        The model (for the week, the draws and the parameters).
    observer, partner : Government
        Who watches whom.

    Attributes
    ----------
    belief : ndarray, shape (R,)
        Kalman mean of the share of the partner's promised easing delivered.
    variance : ndarray, shape (R,)
        Its variance.
    evidence : ndarray, shape (R,)
        CUSUM statistic, nats.
    alarm : ndarray of bool, shape (R,)
        Whether the evidence crossed the threshold this week.
    first_alarm : ndarray of int16, shape (R,)
        Weeks after the framework's start of the first alarm, -1 if none.
    reported, expected, easing : ndarray, shape (slots, n, R)
        Reports in flight (closed, not yet released): the reported licensed
        share, its compliant expectation and the easing expected, in slot
        ``c % slots`` for the report closing after week ``c``.
    reset_week : ndarray of int32, shape (R,)
        Reports closed in the update of an earlier week count no easing: they
        compared the partner with an earlier framework.
    """

    def __init__(self, model: TradeModel, observer: Government, partner: Government,
                 ids: list[str]) -> None:
        s = model.trade_scenario
        a = observer.actor_id
        base = join("monitoring", a)
        r = model.replications
        self.model = model
        self.partner = partner
        self.threshold = model._value(join(base, "threshold"))
        self.withheld_share = model._value(join(base, "withheld_share"))
        self.prior_var = model._value(join(base, "prior_sd")) ** 2
        self.drift_var = model._value(join(base, "drift_sd")) ** 2
        channels = s.monitoring[a].channels
        self.kinds = [channels[i].kind for i in ids]
        self.noise_sd = model._column([join(base, "channels", i, "noise_sd") for i in ids])
        self.period = np.array([_constant(model, join(base, "channels", i, "period_weeks"))
                                for i in ids])
        self.delay = np.array([_constant(model, join(base, "channels", i, "delay_weeks"))
                               for i in ids])
        if np.any(self.period < 1.0):
            raise ValueError(f"monitoring.{a}: period_weeks must be at least 1")
        if np.any(self.delay < 0.0):
            raise ValueError(f"monitoring.{a}: delay_weeks must be at least 0")
        horizon = model.horizon
        # closes[w, j]: report of instrument j closes after week w; released at the
        # first decision ceil(delay) weeks after the next one.
        self.closes = np.stack([report_weeks(p, horizon) for p in self.period], axis=1)
        self.release_lag = 1 + np.ceil(self.delay - 1e-9).astype(int)
        n = len(ids)
        self.sum_actual = np.zeros((n, r))
        self.sum_expected = np.zeros((n, r))
        self.sum_easing = np.zeros((n, r))
        self.count = np.zeros(n)
        self._schedule(horizon)
        # Reports in flight, by the week they closed (modulo the longest release lag).
        slots = self._slots
        self.reported = np.zeros((slots, n, r))
        self.expected = np.zeros((slots, n, r))
        self.easing = np.zeros((slots, n, r))
        self.reset_week = np.zeros(r, dtype=np.int32)
        self._updated = 0            # the last week whose update ran
        self.belief = np.ones(r)
        self.variance = self.prior_var.copy()
        self.evidence = np.zeros(r)
        self.unreviewed = np.zeros(r)
        review = _constant(model, join(base, "review_weeks"))
        self.reviews = report_weeks(review, horizon)
        self.alarm = np.zeros(r, dtype=bool)
        self.first_alarm = np.full(r, -1, dtype=np.int16)

    def _schedule(self, horizon: int) -> None:
        """Which reports close and which are released in each week, the same in every replication.

        Sets ``_slots``, ``_closing[w]`` (the rows whose report closes in
        week ``w``'s update) and ``_released[w]`` (the groups of reports
        released then, as :func:`tradesim.kernels.monitor_update` takes
        them), for the weeks ``0..horizon``.  The report of row ``i``
        closing after week ``c`` is kept in slot ``c % slots`` until week
        ``c + release_lag[i]``; the reports released in a week are taken in
        groups, one per week they closed (``c``), in that order.
        """
        self._slots = int(self.release_lag.max(initial=0)) + 1
        none = np.zeros(0, dtype=np.int64)
        self._closing: list[np.ndarray] = [none]
        released: list[list[tuple[int, np.ndarray]]] = [[] for _ in range(horizon + 1)]
        for last in range(horizon):
            rows = np.flatnonzero(self.closes[last]).astype(np.int64)
            self._closing.append(rows)
            for lag in np.unique(self.release_lag[rows]):
                week = last + int(lag)
                if week <= horizon:
                    released[week].append((last, rows[self.release_lag[rows] == lag]))
        self._released = [
            (np.array([s for s, _ in groups], dtype=np.int64),
             np.cumsum([0] + [len(rows) for _, rows in groups], dtype=np.int64),
             np.concatenate([rows for _, rows in groups]) if groups else none)
            for groups in released]

    def reset(self, mask: np.ndarray) -> None:
        """A framework or truce starts where ``mask``: trust it afresh, forget old reports.

        The reports in flight (every report closed by the last update)
        compared the partner with the old framework: they count no easing
        (:func:`tradesim.kernels.monitor_reset`).
        """
        from . import kernels

        kernels.monitor_reset(mask, self._updated + 1, self.prior_var, self.belief,
                              self.variance, self.evidence, self.unreviewed, self.first_alarm,
                              self.reset_week, self.sum_actual, self.sum_expected,
                              self.sum_easing)

    def update(self, normals: np.ndarray) -> None:
        """Take in last week's licensed shares, then every report published by now.

        Runs :func:`tradesim.kernels.monitor_update`: the reports closing
        after last week are published after their delay; the belief and the
        CUSUM take in those released now, which the test reviews on its own
        calendar.  The LLR of every report since the last review enters at
        once, so the same information packaged weekly or monthly gives the
        same test when reviews are no more frequent than reports.  A new
        measure or a lapsed tariff cut is public: judged a violation when
        seen.

        Parameters
        ----------
        normals : ndarray, shape (n, R)
            This week's standard-normal draws for the partner's instruments
            (the errors of the reports that close now).
        """
        model, partner = self.model, self.partner
        week = model.week
        last = week - 1          # the levels now are those after last week's actions
        from . import kernels  # numba loads in the processes that step models only

        self.alarm = np.empty(model.replications, dtype=bool)
        self._updated = week
        kernels.monitor_update(
            partner.level, partner.compliant, partner.reference, self.noise_sd, normals,
            self.sum_actual, self.sum_expected, self.sum_easing, self.count,
            self._closing[week], last, self.reported, self.expected, self.easing,
            *self._released[week], self.reset_week, self.withheld_share, self.drift_var,
            bool(self.reviews[last]), model.active, self.threshold, partner.announced,
            model.weeks_since_start, self.belief, self.variance, self.unreviewed,
            self.evidence, self.alarm, self.first_alarm)

    def degree(self) -> np.ndarray:
        """The judged degree of violation (0 without alarm): believed share withheld, >= s*."""
        withheld = np.clip(1.0 - self.belief, self.withheld_share, 1.0)
        return np.where(self.alarm, withheld, 0.0)


def _constant(model: TradeModel, path: str) -> float:
    """A parameter that must be the same in every replication (a channel's timing)."""
    value = np.asarray(model.params[path], dtype=float)
    if value.ndim and not np.all(value == value.flat[0]):
        raise ValueError(f"{path} must be the same in every replication (a reporting "
                         f"calendar), got values from {value.min():g} to {value.max():g}")
    return float(value.flat[0]) if value.ndim else float(value)


# ----------------------------------------------------------- false alarms, detection


@dataclasses.dataclass(frozen=True)
class Detection:
    """False-alarm and detection figures of one observer (see :func:`detection`).

    Attributes
    ----------
    observer, partner : str
        Actor ids.
    runs : int
        Replications per figure.
    false_alarm : dict
        Week -> P(an alarm within that many weeks of the start) when the
        partner complies exactly.
    withheld : float
        Share of its promised easing the partner withholds in the detection runs.
    detected : float
        Share of detection runs with an alarm within the horizon.
    median_delay : float
        Median weeks from the start to the first alarm when the partner
        withholds ``withheld`` (NaN if fewer than half detect it).
    """

    observer: str
    partner: str
    runs: int
    false_alarm: dict[int, float]
    withheld: float
    detected: float
    median_delay: float


def _diagnostic(scenario: Scenario, horizon: int) -> Scenario:
    """The scenario as a monitoring experiment: approved at the start, nobody retaliates.

    No tariff cut lapses either (the calendar is dropped); nothing opens a reserve, since
    nobody retaliates.
    """
    from .scenario import validate_scenario

    data = scenario.model_dump(mode="json")
    for a in data["actors"]:
        actor = data["actors"][a]
        actor["strategy"] = {"name": "always_ease"}
        actor["implementation"] = {"error": 0.0}
        actor.setdefault("domestic", {})
        actor["domestic"].update(hawkishness=0.0, industry_weight=0.0)
        data["approval"][a]["approved_at_start"] = True
    data["parameter_sample"] = None
    # Scheduled decisions are not monitoring: a lapsed tariff cut would be a true alarm.
    data["calendar"] = []
    data["horizon_weeks"] = horizon
    return validate_scenario(data, f"{scenario.name} (monitoring diagnostic)")


def detection(scenario: Scenario, runs: int = 2000, seed: int = 0, *,
              withheld: float | None = None, weeks: tuple[int, ...] = (13, 26, 52),
              horizon: int | None = None) -> list[Detection]:
    """P(false alarm) and the detection delay for each observer, by running the model.

    The scenario is approved at the start; both governments always ease with
    no implementation error or domestic politics, so nothing they decide
    changes what they observe.  In the false-alarm runs the partner follows
    its compliant path exactly; in the detection runs it withholds a share
    ``withheld`` of its promised easing (its levels stay that share of the way
    back toward where the framework started).  The observation channels,
    reports, beliefs and CUSUM are the model's own (:class:`Monitor`).

    Parameters
    ----------
    scenario : Scenario
    runs : int
        Replications per figure.
    seed : int
        Master seed.
    withheld : float, optional
        Share withheld in the detection runs; default each observer's
        ``withheld_share`` (the alternative its CUSUM is tuned to).
    weeks : tuple of int
        Windows for the false-alarm probabilities.
    horizon : int, optional
        Weeks simulated (default the longest window, at least 52).

    Returns
    -------
    list of Detection
        One per observer, in actor order.
    """
    from .model import TradeModel

    horizon = int(horizon or max(max(weeks), 52))
    diag = _diagnostic(scenario, horizon)
    out = []
    for k, a in enumerate(diag.actor_ids):
        watched = 1 - k

        def first_alarms(share: float | np.ndarray, stream: int, k: int = k,
                         watched: int = watched) -> np.ndarray:
            model = TradeModel(diag, runs, seed=np.random.SeedSequence([seed, stream, k]))
            g = model.governments[watched]
            g.follows_compliant_path = True
            g.withheld = np.broadcast_to(np.asarray(share, dtype=float), (runs,)).copy()
            model.run()
            alarms = model.governments[k].monitor.first_alarm.astype(float)
            model.close()
            return alarms

        clean = first_alarms(0.0, 0)
        false_alarm = {int(w): float(np.mean((clean >= 0) & (clean <= w))) for w in weeks}
        share = float(withheld) if withheld is not None else float(np.mean(
            np.asarray(TradeModel(diag, 1, seed=0).governments[k].monitor.withheld_share)))
        hits = first_alarms(share, 1)
        delays = np.where(hits >= 0, hits, np.inf)
        median = float(np.median(delays))
        out.append(Detection(a, diag.actor_ids[watched], runs, false_alarm, share,
                             float(np.mean(hits >= 0)),
                             median if math.isfinite(median) else math.nan))
    return out


def format_detection(results: list[Detection], scenario: Scenario | None = None) -> str:
    """A plain-text table of :func:`detection` results."""
    if not results:
        return ""
    weeks = list(results[0].false_alarm)
    head = (["observer", "watches"] + [f"P(false alarm <= {w} wk)" for w in weeks]
            + ["withheld", "detected", "median delay (wk)"])
    rows = []
    for d in results:
        rows.append([d.observer, d.partner, *(f"{d.false_alarm[w]:.3f}" for w in weeks),
                     f"{d.withheld:.2f}", f"{d.detected:.3f}",
                     "n/a" if math.isnan(d.median_delay) else f"{d.median_delay:.0f}"])
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(head, widths, strict=True))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    note = f" ({results[0].runs} runs each" + (f", {scenario.name})" if scenario else ")")
    return "False alarms and detection" + note + "\n" + "\n".join(lines)
