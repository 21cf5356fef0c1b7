"""History in the loop: event logs, replay (conditional forecasts) and forecast scores.

An *event log* lists what happened, dated and sourced: lifecycle milestones
(``approved``, ``rejected``, ``breakdown``, ``truce``), a government's action
(``ease``, ``hold``, ``retaliate``) or an instrument's new restriction level,
and observed values of a series (e.g. ``supply.magnets``, index with 1.0 =
2024 average flow).  Logs are YAML or TOML, validated like scenarios.

*Replay* runs a scenario forced along the log up to a date and free after it:
the model's own step, with logged events overriding its draws and decisions
(see :class:`tradesim.model.Forcing`).  *Scoring* asks how much probability a
forecast gave to what then happened: Brier and logarithmic scores for
milestones and level changes, coverage of the 50% and 90% bands and the
probability integral transform (PIT) for observed series values (Gneiting &
Raftery 2007, *JASA* 102; Brier 1950, *Monthly Weather Review* 78).

*Skill* compares the forecast with naive ones on the same events
(:func:`add_baselines`, :func:`skill`): **climatology**, the base rate of each
event in the scenario's own unconditional runs spread evenly over the horizon
(it knows how often a milestone comes, not when, nor what has happened), and
**persistence**, the status quo on the forecast date carried forward (no new
milestone; a level stays where it is).  The Brier skill score
``1 - BS / BS_reference`` and the log-score difference (reference minus
forecast, nats per event) are positive when the forecast beats the reference;
their intervals are percentile bootstraps over the scored events.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError

from .errors import Frozen, Problem, ScenarioError, problems_from, suggest
from .model import Forcing, TradeModel
from .results import QUANTILES, Results
from .scenario import Scenario
from .vocab import ACTION_CODES, EASE, RETALIATE, quantile_column, series_name

__all__ = [
    "Event",
    "EventLog",
    "REFERENCES",
    "Score",
    "add_baselines",
    "brier_score",
    "forcing",
    "log_score",
    "pit_value",
    "raises_level",
    "replay",
    "score",
    "scoring_window",
    "skill",
    "validate_events",
    "week_of",
]

#: Milestones scored as yes/no events over the scored window.
SCORED_MILESTONES = ("approved", "rejected", "first_escalation", "breakdown_1", "truce_1")
# Quantile columns of an observation's forecast band.
_BANDS = [quantile_column(q) for q in QUANTILES]


class Event(Frozen):
    """One logged event.  Give exactly one of milestone, action, level or series."""

    date: dt.date
    actor: str | None = None
    instrument: str | None = None
    milestone: Literal["approved", "rejected", "breakdown", "truce"] | None = None
    action: Literal["ease", "hold", "retaliate"] | None = None
    level: Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)] | None = Field(
        None, description="New restriction level of actor.instrument, in [0, 1].")
    series: str | None = Field(None, description="Series id, e.g. 'supply.magnets'.")
    value: Annotated[float, Field(allow_inf_nan=False)] | None = None
    source: tuple[str, ...] = ()
    note: str = ""


class EventLog(Frozen):
    """A dated, sourced record of what happened."""

    name: str = ""
    description: str = ""
    events: tuple[Event, ...] = Field(min_length=1)
    source: tuple[str, ...] = ()


def week_of(date: dt.date, start: dt.date) -> int:
    """Model week in which ``date`` falls: 0 on or before the start, else ceil(days / 7)."""
    days = (date - start).days
    return 0 if days <= 0 else math.ceil(days / 7)


def validate_events(data: Any, scenario: Scenario, source: str = "<dict>") -> EventLog:
    """Validate plain data into an :class:`EventLog` that fits ``scenario``.

    Raises
    ------
    ScenarioError
        Naming the event (``events[3]``), the field, the bad value and what is
        allowed, with "did you mean" for unknown actors, instruments and series.
    """
    if not isinstance(data, dict):
        raise ScenarioError(source, [Problem("", "an event log must be a mapping with "
                                                 "'events': a list of events")])
    try:
        log = EventLog.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(source, problems_from(exc, data, EventLog)) from None
    problems: list[Problem] = []
    series = set(TradeModel.series_names_for(scenario))
    for i, e in enumerate(log.events):
        where = f"events[{i}]"
        kinds = [k for k in ("milestone", "action", "level", "series")
                 if getattr(e, k) is not None]
        if len(kinds) != 1:
            problems.append(Problem(where, "give exactly one of milestone, action, level or "
                                           f"series (got {', '.join(kinds) or 'none'})"))
            continue
        if kinds[0] in ("action", "level"):
            if e.actor not in scenario.actors:
                problems.append(Problem(f"{where}.actor", f"not an actor"
                                        f"{suggest(e.actor or '', scenario.actors)}",
                                        e.actor, True))
                continue
        if kinds[0] == "level":
            ids = [inst.id for inst in scenario.actors[e.actor].instruments]
            if e.instrument not in ids:
                problems.append(Problem(f"{where}.instrument", f"not an instrument of {e.actor}"
                                        f"{suggest(e.instrument or '', ids)} (instruments of "
                                        f"{e.actor}: {', '.join(ids)})", e.instrument, True))
        if kinds[0] == "series":
            if e.series not in series:
                problems.append(Problem(f"{where}.series", f"unknown series"
                                        f"{suggest(e.series or '', series)}", e.series, True))
            if e.value is None:
                problems.append(Problem(f"{where}.value", "a series observation needs a value"))
    if problems:
        raise ScenarioError(source, problems)
    return log


def scoring_window(log: EventLog, scenario: Scenario, after: dt.date | None = None,
                   until: dt.date | None = None, source: str = "<log>",
                   what: str = "--until") -> tuple[dt.date, dt.date]:
    """The window ``(after, until]`` that :func:`score` scores, checked before any run.

    Parameters
    ----------
    log : EventLog
    scenario : Scenario
    after : date, optional
        The forecast date; default the scenario's start date.
    until : date, optional
        The end of the window; default the last logged event.
    source : str
        The event log's file, for messages.
    what : str
        How ``until`` was given (``--until``), for messages.

    Returns
    -------
    (date, date)
        ``after`` and ``until``, defaults filled in.

    Raises
    ------
    ScenarioError
        If ``after`` is before the scenario's start date, ``until`` is not
        after ``after``, or (``until`` not given) the log has no event after
        ``after``: the window would be empty, and the scores meaningless.
    """
    start = scenario.start_date
    after = start if after is None else after
    if after < start:
        name = "--after" if what.startswith("--") else "after"
        raise ScenarioError(source, [Problem(name, f"is before the scenario's start date "
                                                        f"{start.isoformat()}: the forecast "
                                                        "starts on or after it",
                                             after.isoformat(), True)])
    last = max(e.date for e in log.events)
    if until is None:
        if last <= after:
            raise ScenarioError(source, [Problem("events", (
                f"no event after {after.isoformat()} (the last is on {last.isoformat()}): "
                "nothing to score. Events on or before the forecast date are replayed, not "
                f"scored: give a log that continues after {after.isoformat()}, or a later "
                "start date or --after"))])
        until = last
    elif until <= after:
        raise ScenarioError(source, [Problem(what, f"must be after {after.isoformat()} (the "
                                                   "forecast date, --after or the scenario's "
                                                   "start date): the scored window is empty",
                                             until.isoformat(), True)])
    return after, until


def forcing(log: EventLog, scenario: Scenario, until: dt.date) -> Forcing:
    """The replay instructions for ``scenario``: every logged event up to ``until``.

    Events on or before the scenario's start date are part of its initial
    state and are not replayed.
    """
    until_week = min(week_of(until, scenario.start_date), scenario.horizon_weeks)
    actors = list(scenario.actor_ids)
    milestones: dict[int, list[str]] = {}
    actions: dict[int, list[tuple[int, int]]] = {}
    levels: dict[int, list[tuple[int, int, float]]] = {}
    for e in sorted(log.events, key=lambda e: e.date):
        week = week_of(e.date, scenario.start_date)
        if week < 1 or week > until_week or e.date > until:
            continue  # part of the initial state, or not yet known on `until`
        if e.milestone is not None:
            milestones.setdefault(week, []).append(e.milestone)
        elif e.action is not None:
            actions.setdefault(week, []).append((actors.index(e.actor),
                                                 int(ACTION_CODES[e.action])))
        elif e.level is not None:
            ids = [inst.id for inst in scenario.actors[e.actor].instruments]
            k = actors.index(e.actor)
            levels.setdefault(week, []).append((k, ids.index(e.instrument), e.level))
            # A logged tightening is a retaliation, a loosening an easing, unless logged.
            move = actions.setdefault(week, [])
            if all(actor != k for actor, _ in move):
                move.append((k, int(RETALIATE if raises_level(scenario, e) else EASE)))
    return Forcing(
        until_week=until_week,
        milestones={w: tuple(v) for w, v in milestones.items()},
        actions={w: tuple(v) for w, v in actions.items()},
        levels={w: tuple(v) for w, v in levels.items()},
    )


def raises_level(scenario: Scenario, e: Event) -> bool:
    """Whether a logged ``level`` event tightens its instrument.

    A level above the instrument's starting level (the top of its range, if
    that is a distribution) is a tightening: replay and scoring count it as a
    retaliation.
    """
    inst = next(i for i in scenario.actors[e.actor].instruments if i.id == e.instrument)
    if inst.reserve is not None:
        start = 0.0
    elif inst.tariff is not None:
        t = inst.tariff
        hi = [x if isinstance(x, float) else x.support()[1 - k]
              for k, x in enumerate((t.rate_percent, t.max_rate_percent))]
        start = hi[0] / hi[1]
    else:
        start = inst.level if isinstance(inst.level, float) else inst.level.support()[1]
    return e.level > start


def replay(scenario: Scenario, log: EventLog, until: dt.date, runs: int = 1000,
           seed: int | None = None, **run_options: Any) -> Results:
    """Run ``scenario`` forced along ``log`` up to ``until``, then free: a conditional forecast.

    Parameters
    ----------
    scenario : Scenario
    log : EventLog
        Validated against the scenario (:func:`validate_events`).
    until : date
        Last date replayed; the forecast runs free from the week after.
    runs, seed, **run_options
        As for :func:`tradesim.run`.

    Returns
    -------
    Results
    """
    from .ensemble import run

    return run(scenario, runs, seed, forcing=forcing(log, scenario, until), **run_options)


# ----------------------------------------------------------------------------- scores


def brier_score(p: np.ndarray | float, outcome: np.ndarray | float) -> np.ndarray:
    """Brier score ``(p - outcome)**2`` of a probability forecast (lower is better)."""
    return (np.asarray(p, float) - np.asarray(outcome, float)) ** 2


def log_score(p: np.ndarray | float, outcome: np.ndarray | float,
              floor: float = 1e-6) -> np.ndarray:
    """Logarithmic score ``-log(probability given to what happened)`` (lower is better).

    The probability is floored at ``floor`` so that a forecast that ruled out
    what happened scores a large finite number.
    """
    p = np.asarray(p, float)
    o = np.asarray(outcome, float)
    return -np.log(np.maximum(np.where(o > 0.5, p, 1.0 - p), floor))


def pit_value(samples: np.ndarray, x: float) -> float:
    """Probability integral transform of ``x`` under the forecast sample.

    ``P(X < x) + P(X = x) / 2`` (the mid-point for ties), so that a calibrated
    forecast gives values spread evenly over [0, 1].
    """
    samples = np.asarray(samples, float)
    below = np.count_nonzero(samples < x)
    ties = np.count_nonzero(samples == x)
    return float((below + 0.5 * ties) / samples.size)


@dataclasses.dataclass(frozen=True)
class Score:
    """Scores of a forecast against a log.

    Attributes
    ----------
    events : DataFrame
        One row per scored yes/no event: kind, name, date, week, probability
        the forecast gave it, outcome (1 happened / 0 not), brier, log_score.
    observations : DataFrame
        One row per observed series value: series, date, week, value, q05,
        q25, q50, q75, q95, in_50, in_90, pit.
    """

    events: pd.DataFrame
    observations: pd.DataFrame

    @property
    def brier(self) -> float:
        """Mean Brier score over the scored events."""
        return float(self.events["brier"].mean()) if len(self.events) else math.nan

    @property
    def log(self) -> float:
        """Mean logarithmic score over the scored events."""
        return float(self.events["log_score"].mean()) if len(self.events) else math.nan

    def coverage(self, level: int) -> float:
        """Share of observed values inside the forecast's central 50% or 90% band."""
        column = {50: "in_50", 90: "in_90"}[level]
        obs = self.observations
        return float(obs[column].mean()) if len(obs) else math.nan

    def pit_histogram(self, bins: int = 10) -> np.ndarray:
        """Counts of PIT values in ``bins`` equal bins of [0, 1]."""
        values = self.observations["pit"].to_numpy() if len(self.observations) else []
        return np.histogram(values, bins=bins, range=(0.0, 1.0))[0]

    def skill(self, n_resamples: int = 2000, seed: int = 0,
              confidence: float = 0.95) -> pd.DataFrame:
        """Skill against the reference forecasts in :attr:`events` (see :func:`skill`)."""
        return skill(self.events, n_resamples=n_resamples, seed=seed, confidence=confidence)

    def table(self) -> str:
        """Plain-text report (with skill scores when :attr:`events` has reference forecasts)."""
        refs = [r for r in REFERENCES if f"p_{r}" in self.events]
        head = "".join(f"{r[:11]:>12}" for r in refs)
        lines = [f"{'event':<34}{'week':>6}{'forecast p':>12}{head}{'outcome':>9}{'Brier':>8}"]
        for row in self.events.itertuples():
            ref = "".join(f"{getattr(row, f'p_{r}'):>12.3f}" for r in refs)
            lines.append(f"{row.name:<34}{row.week:>6}{row.probability:>12.3f}{ref}"
                         f"{row.outcome:>9}{row.brier:>8.3f}")
        lines.append(f"\nmean Brier score {self.brier:.4f}, mean log score {self.log:.4f} "
                     f"({len(self.events)} events)")
        if refs and len(self.events):
            table = self.skill()
            lines.append(f"\n{'against':<14}{'Brier':>8}{'Brier skill':>13}  "
                         f"{'95% interval':<18}{'log diff':>9}  95% interval")
            for ref, r in table.iterrows():
                lines.append(f"{ref:<14}{r.brier_reference:>8.4f}{r.brier_skill:>13.3f}  "
                             f"[{r.brier_skill_lo:6.3f}, {r.brier_skill_hi:6.3f}]  "
                             f"{r.log_diff:>9.3f}  [{r.log_diff_lo:6.3f}, {r.log_diff_hi:6.3f}]")
            lines.append("Brier skill: 1 - Brier / Brier of the reference; log diff: the "
                         "reference's mean log score minus the forecast's (nats); both > 0 "
                         "when the forecast is better; intervals: bootstrap over events")
        if len(self.observations):
            lines.append(f"coverage of observed series values: 50% band "
                         f"{self.coverage(50):.2f}, 90% band {self.coverage(90):.2f} "
                         f"({len(self.observations)} values)")
            lines.append("PIT histogram (10 bins): "
                         + " ".join(str(c) for c in self.pit_histogram()))
        return "\n".join(lines)


def score(results: Results, log: EventLog, after: dt.date | None = None,
          until: dt.date | None = None) -> Score:
    """Score a forecast against the events logged after ``after`` (up to ``until``).

    Parameters
    ----------
    results : Results
        The forecast, usually from :func:`replay` with ``until=after``; level
        changes and series values are scored on its kept trajectories.
    log : EventLog
    after : date, optional
        Events on or before this date were known (replayed); default: the
        scenario's start date.
    until : date, optional
        End of the scored window; default: the last logged event (within the
        horizon).  Milestones not logged by then count as not happened.

    Raises
    ------
    ScenarioError
        For an empty window (see :func:`scoring_window`).

    Returns
    -------
    Score
    """
    scenario = results.scenario
    start = scenario.start_date
    after, until = scoring_window(log, scenario, after, until, what="until")
    scored = [e for e in log.events if after < e.date]
    scored = [e for e in scored if e.date <= until]
    end_week = min(week_of(until, start), results.horizon_weeks)
    after_week = week_of(after, start)

    # Milestones: which happened in the window, and when (first time only).
    counts = {"breakdown": 0, "truce": 0}
    happened: dict[str, tuple[int, dt.date]] = {}
    for e in sorted(log.events, key=lambda e: e.date):
        if e.milestone is None or e.date > until:
            continue
        name = e.milestone
        if name in counts:
            counts[name] += 1
            name = f"{name}_{counts[name]}"
        if e.date > after and name not in happened:
            happened[name] = (min(week_of(e.date, start), results.horizon_weeks), e.date)
    for e in sorted(log.events, key=lambda e: e.date):
        if e.date > after and e.date <= until and (e.action == "retaliate" or (
                e.level is not None and raises_level(scenario, e))):
            happened.setdefault("first_escalation", (week_of(e.date, start), e.date))
            break
    rows = []
    for name in SCORED_MILESTONES:
        curve = results.milestone_curve(name)
        already = curve[after_week] if after_week <= results.horizon_weeks else 0.0
        if name in happened:
            week, date = happened[name]
            p, outcome = float(curve[week]), 1
        else:
            week, date = end_week, until
            p, outcome = float(curve[end_week]), 0
        if already >= 1.0 - 1e-12 and name not in happened:
            continue  # reached before the window in every replication: nothing to score
        rows.append({"kind": "milestone", "name": name, "date": date, "week": week,
                     "probability": p, "outcome": outcome})

    traj = results.trajectories
    names = results.series_names
    observations = []
    for e in scored:
        week = min(week_of(e.date, start), results.horizon_weeks)
        if e.level is not None and traj is not None:
            k = names.index(series_name("level", e.actor, e.instrument))
            before = traj["series"][k, max(after_week, 0)]
            values = traj["series"][k, week]
            up = e.level > float(np.median(before))
            hit = values >= e.level - 0.05 if up else values <= e.level + 0.05
            rows.append({"kind": "level", "name": f"{e.actor}.{e.instrument} -> {e.level:g}",
                         "date": e.date, "week": week, "probability": float(hit.mean()),
                         "outcome": 1})
        elif e.series is not None:
            frame = results.series_frame(e.series)
            row = frame.iloc[week]
            pit = (pit_value(traj["series"][names.index(e.series), week], e.value)
                   if traj is not None else math.nan)
            observations.append({
                "series": e.series, "date": e.date, "week": week, "value": e.value,
                **{q: float(row[q]) for q in _BANDS},
                "in_50": bool(row[quantile_column(0.25)] <= e.value <= row[quantile_column(0.75)]),
                "in_90": bool(row[quantile_column(0.05)] <= e.value <= row[quantile_column(0.95)]),
                "pit": pit,
            })
    events = pd.DataFrame(rows, columns=["kind", "name", "date", "week", "probability",
                                         "outcome"])
    events["brier"] = brier_score(events["probability"], events["outcome"])
    events["log_score"] = log_score(events["probability"], events["outcome"])
    columns = ["series", "date", "week", "value", *_BANDS, "in_50", "in_90", "pit"]
    return Score(events=events, observations=pd.DataFrame(observations, columns=columns))


# ----------------------------------------------------------------------------- skill

#: Reference (naive) forecasts :func:`add_baselines` adds, as columns ``p_<name>``.
REFERENCES = ("climatology", "persistence")


def _base_rate(by_horizon: float, weeks: int, horizon: int) -> float:
    """``by_horizon`` spread evenly over ``horizon`` weeks: the chance within ``weeks`` of them."""
    if weeks <= 0:
        return 0.0
    if by_horizon >= 1.0:
        return 1.0
    hazard = 1.0 - (1.0 - by_horizon) ** (1.0 / horizon)
    return float(1.0 - (1.0 - hazard) ** weeks)


def _smoothed(hits: int, runs: int) -> float:
    """A base rate from ``hits`` of ``runs``, never 0 or 1: ``(hits + 1/2) / (runs + 1)``."""
    return (hits + 0.5) / (runs + 1)


def _level_hit(series: np.ndarray, level: float, up: bool) -> np.ndarray:
    """Whether values are at a logged level (within 0.05), as :func:`score` counts it."""
    return series >= level - 0.05 if up else series <= level + 0.05


def add_baselines(result: Score, forecast: Results, unconditional: Results,
                  after: dt.date | None = None) -> Score:
    """The scored events with the climatology and persistence forecasts of each.

    Parameters
    ----------
    result : Score
        From :func:`score` of ``forecast``.
    forecast : Results
        The forecast scored (usually :func:`replay` up to ``after``): its kept
        trajectories give the status quo of each level on the forecast date.
    unconditional : Results
        The scenario run from its start with no history replayed (same
        scenario; e.g. ``tradesim.run(scenario, runs, seed)``): the source of
        the base rates.
    after : date, optional
        The forecast date, as given to :func:`score` (default the start date).

    Returns
    -------
    Score
        ``result`` with columns ``p_climatology`` and ``p_persistence`` in its
        events, and ``brier_<ref>``, ``log_score_<ref>`` for each.

    Notes
    -----
    **Climatology** is a base rate: how often the scenario's unconditional runs
    reach the milestone (or the logged level) by the horizon, ``P_H`` (``k`` of
    ``n`` runs, as ``(k + 1/2) / (n + 1)``, so never exactly 0 or 1), spread
    evenly over the horizon's ``H`` weeks (a constant weekly hazard
    ``1 - (1 - P_H)**(1 / H)``), over the ``w - a`` weeks from the forecast
    week ``a`` to the event's week ``w``.  It knows how often each event comes in
    the scenario, not when, and nothing of the record.  (The unconditional
    curve itself would equal the forecast from the start date exactly.)
    **Persistence** is the status quo on the forecast date: no new milestone
    (probability 0), and a level event is forecast (probability 1) only if the
    level is already there (the forecast's median level on the forecast date,
    within 0.05).  Both are 0 or 1 where they are certain, so a miss scores the
    log score's floor (13.8 nats).
    """
    scenario = forecast.scenario
    start = scenario.start_date
    after = start if after is None else after
    after_week = week_of(after, start)
    horizon = unconditional.horizon_weeks
    events = result.events.copy()
    clim, persist = [], []
    traj_u, traj_f = unconditional.trajectories, forecast.trajectories
    for row in events.itertuples():
        weeks = int(row.week) - after_week
        if row.kind == "milestone":
            share = float(unconditional.milestone_curve(row.name)[horizon])
            p_h = _smoothed(round(share * unconditional.runs), unconditional.runs)
            clim.append(_base_rate(p_h, weeks, horizon))
            persist.append(0.0)
            continue
        # A level event "actor.instrument -> level".
        target, level_text = row.name.split(" -> ")
        actor, instrument = target.split(".", 1)
        level = float(level_text)
        k = forecast.series_names.index(series_name("level", actor, instrument))
        if traj_f is None or traj_u is None:
            clim.append(math.nan)
            persist.append(math.nan)
            continue
        now = float(np.median(traj_f["series"][k, max(after_week, 0)]))
        up = level > now
        hits = _level_hit(traj_u["series"][k, 1:], level, up).any(axis=0)
        clim.append(_base_rate(_smoothed(int(hits.sum()), hits.size), weeks, horizon))
        persist.append(float(_level_hit(np.asarray(now), level, up)))
    for name, values in (("climatology", clim), ("persistence", persist)):
        events[f"p_{name}"] = values
        events[f"brier_{name}"] = brier_score(events[f"p_{name}"], events["outcome"])
        events[f"log_score_{name}"] = log_score(events[f"p_{name}"], events["outcome"])
    return dataclasses.replace(result, events=events)


def skill(events: pd.DataFrame, references: tuple[str, ...] | None = None, *,
          n_resamples: int = 2000, seed: int = 0, confidence: float = 0.95) -> pd.DataFrame:
    """Brier skill scores and log-score differences of a forecast against references.

    Parameters
    ----------
    events : DataFrame
        Scored events with ``brier`` and ``log_score`` of the forecast and
        ``brier_<ref>``, ``log_score_<ref>`` of each reference (see
        :func:`add_baselines`).
    references : tuple of str, optional
        Which references (default those of :data:`REFERENCES` present).
    n_resamples : int
        Bootstrap resamples of the events.
    seed : int
        Seed of the bootstrap.
    confidence : float
        Level of the percentile intervals.

    Returns
    -------
    DataFrame
        Indexed by reference: ``events``, ``brier`` (the forecast's mean),
        ``brier_reference``, ``brier_skill`` = ``1 - brier / brier_reference``
        (1 perfect, 0 no better than the reference, negative worse; NaN when
        the reference is perfect) with ``brier_skill_lo``, ``brier_skill_hi``;
        ``log_score``, ``log_score_reference``, ``log_diff`` = reference minus
        forecast mean log score (nats per event; positive when the forecast is
        better) with ``log_diff_lo``, ``log_diff_hi``.

    Notes
    -----
    Intervals are percentile bootstraps over the scored events (resampled
    with replacement, the same resamples for every reference): they show how
    much the comparison rests on a few events, which with a handful of events
    is a lot.  The Monte Carlo error of the forecast's probabilities is not
    in them.
    """
    if references is None:
        references = tuple(r for r in REFERENCES if f"brier_{r}" in events)
    n = len(events)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_resamples, n)) if n else np.zeros((0, 0), int)
    tail = 100 * (1 - confidence) / 2
    bs = events["brier"].to_numpy(float)
    ls = events["log_score"].to_numpy(float)

    def interval(values: np.ndarray) -> tuple[float, float]:
        values = values[np.isfinite(values)]
        if not values.size:
            return math.nan, math.nan
        return (float(np.percentile(values, tail)), float(np.percentile(values, 100 - tail)))

    rows = {}
    for ref in references:
        bs_r = events[f"brier_{ref}"].to_numpy(float)
        ls_r = events[f"log_score_{ref}"].to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            bss = 1.0 - bs.mean() / bs_r.mean() if n and bs_r.mean() > 0 else math.nan
            boot_bss = (1.0 - bs[idx].mean(axis=1) / bs_r[idx].mean(axis=1)) if n \
                else np.array([])
        boot_bss = np.where(bs_r[idx].mean(axis=1) > 0, boot_bss, np.nan) if n else boot_bss
        diff = float(ls_r.mean() - ls.mean()) if n else math.nan
        boot_diff = (ls_r[idx] - ls[idx]).mean(axis=1) if n else np.array([])
        rows[ref] = {
            "events": n, "brier": float(bs.mean()) if n else math.nan,
            "brier_reference": float(bs_r.mean()) if n else math.nan,
            "brier_skill": float(bss), **dict(zip(("brier_skill_lo", "brier_skill_hi"),
                                                 interval(boot_bss), strict=True)),
            "log_score": float(ls.mean()) if n else math.nan,
            "log_score_reference": float(ls_r.mean()) if n else math.nan,
            "log_diff": diff, **dict(zip(("log_diff_lo", "log_diff_hi"), interval(boot_diff),
                                         strict=True)),
        }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "reference"
    return frame
