r"""Write ``docs/explanation/scores.md``: the Geneva forecast scored against naive forecasts.

Run from the repository root::

    python docs/scripts/scores_page.py

It runs what ``tradesim score`` runs, with the same numbers, for the
out-of-sample forecast (the page's main tables)::

    tradesim score scenarios/geneva-2025-prior.yaml seeds/events-2025.yaml \
        --after 2025-05-12 --until 2025-06-11 --runs 10000 --seed 20250512

and for the calibrated scenario (in sample, a fit check)::

    tradesim score scenarios/geneva-2025.yaml seeds/events-2025.yaml \
        --after 2025-05-12 --until 2025-06-11 --runs 10000 --seed 20250512

and writes the page (every number on it comes from these runs) and
``docs/figures/scores.json`` (the scored events and the skill tables).

The forecast is made at the Geneva agreement (2025-05-12, the scenario's
start date: nothing of the record after it is replayed) and scored against
the events logged up to London (2025-06-11).  It is out of sample only if the
scenario's parameters were not fitted on those weeks: ``geneva-2025`` carries
the London baseline's ranges, fitted on exactly these weeks
(``docs/scripts/calibration_page.py``), so the out-of-sample forecast is
``geneva-2025-prior``, the same scenario with the five fitted parameters at
their priors.  The references are those of
:func:`tradesim.history.add_baselines`: climatology (each event's base rate in
the scenario's unconditional runs, spread evenly over the horizon) and
persistence (the status quo on the forecast date carried forward).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

import tradesim
from tradesim import history, io, nesting
from tradesim.history import week_of
from tradesim.vocab import series_name

ROOT = Path(__file__).resolve().parents[2]
#: The out-of-sample forecast: geneva-2025 with the parameters fitted on Geneva at their priors.
SCENARIO = "scenarios/geneva-2025-prior.yaml"
#: The calibrated scenario (the London baseline's fitted ranges): in sample for these weeks.
IN_SAMPLE = "scenarios/geneva-2025.yaml"
EVENTS = "seeds/events-2025.yaml"
AFTER, UNTIL = dt.date(2025, 5, 12), dt.date(2025, 6, 11)
RUNS, SEED = 10_000, 20250512


def run(runs: int, seed: int, path: str = SCENARIO) -> tuple[Any, Any]:
    """The scored events (with both references) and the skill table, as ``tradesim score``.

    The events gain ``ci95_low`` and ``ci95_high``: the 95% Monte Carlo interval
    of tradesim's probability (:func:`mc_interval`).
    """
    scenario = io.load_scenario(ROOT / path)
    log = io.load_events(ROOT / EVENTS, scenario)
    forecast = history.replay(scenario, log, AFTER, runs=runs, seed=seed,
                              keep_trajectories=runs)
    result = history.score(forecast, log, after=AFTER, until=UNTIL)
    unconditional = tradesim.run(scenario, runs=runs, seed=seed, keep_trajectories=runs)
    result = history.add_baselines(result, forecast, unconditional, after=AFTER)
    table = result.skill(seed=seed)
    intervals = [mc_interval(forecast, row) for row in result.events.itertuples()]
    result.events["ci95_low"] = [lo for lo, _ in intervals]
    result.events["ci95_high"] = [hi for _, hi in intervals]
    return result, table


def mc_interval(forecast: tradesim.Results, row: Any) -> tuple[float, float]:
    """95% Monte Carlo interval of a scored event's probability.

    The indicator of each run is what :func:`tradesim.history.score` counts (a
    milestone reached by the event's week; a level within 0.05 of the logged
    one); :func:`tradesim.nesting.decompose` treats the parameter sets of a
    nested run as clusters, so the interval is the error from simulating a
    finite number of runs, not the spread across parameter sets.
    """
    week = int(row.week)
    if row.kind == "milestone":
        weeks = forecast.replications()[f"{row.name}_week"]
        hit = (weeks.notna() & (weeks <= week)).to_numpy(dtype=bool)
    else:
        target, level = row.name.split(" -> ")
        actor, instrument = target.split(".", 1)
        series = forecast.trajectories["series"]
        k = forecast.series_names.index(series_name("level", actor, instrument))
        after_week = week_of(AFTER, forecast.scenario.start_date)
        up = float(level) > float(np.median(series[k, max(after_week, 0)]))
        values = series[k, week]
        hit = values >= float(level) - 0.05 if up else values <= float(level) + 0.05
    st = nesting.decompose(np.asarray(hit, dtype=bool), forecast.parameter_sets, True)
    if abs(st.probability - float(row.probability)) > 1e-9:
        raise AssertionError(f"{row.name}: {st.probability} is not the scored probability")
    return st.ci95_low, st.ci95_high


def _num(x: float, digits: int = 3) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def _event_label(row: Any) -> str:
    from tradesim.vocab import MILESTONE_LABELS

    if row.kind == "milestone":
        return f"{MILESTONE_LABELS.get(row.name, row.name)} (`{row.name}`)"
    return f"`{row.name}`"


def _skill_rows(table: Any) -> list[str]:
    out = ["| against | Brier of tradesim | Brier of the reference | Brier skill [95%] "
           "| log-score difference, nats [95%] |",
           "|---|---|---|---|---|"]
    for ref, r in table.iterrows():
        out.append(f"| {ref} | {r.brier:.4f} | {r.brier_reference:.4f} | "
                   f"{_num(r.brier_skill)} [{_num(r.brier_skill_lo)}, "
                   f"{_num(r.brier_skill_hi)}] | {_num(r.log_diff, 2)} "
                   f"[{_num(r.log_diff_lo, 2)}, {_num(r.log_diff_hi, 2)}] |")
    return out


def _command(path: str, runs: int, seed: int) -> str:
    return (f"$ tradesim score {path} {EVENTS} --after {AFTER} --until {UNTIL} "
            f"--runs {runs} --seed {seed}")


def page(result: Any, table: Any, runs: int, seed: int,
         in_sample: tuple[Any, Any] | None = None) -> str:
    """The page's markdown: the out-of-sample forecast, then (if given) the in-sample one."""
    events = result.events
    clim, pers = table.loc["climatology"], table.loc["persistence"]
    lines = [
        "# How the Geneva forecast scores against naive forecasts",
        "",
        "<!-- Generated by docs/scripts/scores_page.py: edit the script, not this page. -->",
        "",
        "Standing at the Geneva agreement of 2025-05-12, how well did tradesim forecast the "
        "weeks to London (2025-06-11), compared with forecasts that need no model? This page "
        f"scores the forecast of `{SCENARIO}` from its start date against the events of "
        f"`{EVENTS}` in that window, beside two naive forecasts of the same events.",
        "",
        "**Why this scenario, and why it is out of sample.** `geneva-2025` is the London "
        "baseline started at Geneva, and the London baseline's US monitor and truce hazard "
        "are fitted on these very weeks ([Calibration and sources, \"Calibration on "
        "Geneva\"](calibration.md#calibration-on-geneva)): its forecast of them is in sample. "
        "`geneva-2025-prior` is the same scenario with the five fitted parameters (the US "
        "alarm threshold, the US lag credit, the noise of the two licence-report channels and "
        "the truce hazard) at their priors, the model as it stood before Geneva was seen. "
        "Its forecast from 2025-05-12 replays nothing of the record after Geneva and uses no "
        "parameter fitted on it: an out-of-sample forecast. The calibrated scenario is scored "
        "too, at the end of the page, as a fit check.",
        "",
        "The two naive forecasts:",
        "",
        "- **climatology**: each event's base rate, how often the scenario's own "
        "unconditional runs reach it within the horizon, spread evenly over the horizon's "
        "weeks (a constant weekly hazard). It knows how often an event comes, not when, and "
        "nothing of the record. (The unconditional curve itself would be the forecast: the "
        "forecast from the start date replays no history.)",
        "- **persistence**: the status quo on the forecast date carries on: no new milestone, "
        "and a restriction level is forecast only if it is already there.",
        "",
        "Each event is scored as in [Replay history and score a forecast]"
        "(../how-to/replay-history.md): the probability the forecast gave to a milestone being "
        "reached by its logged week (or, for one not logged, by the end of the window), or to "
        "a logged restriction level being in place by its week. The Brier skill score is "
        "`1 - Brier / Brier of the reference` (1 perfect, 0 no better than the reference, "
        "negative worse); the log-score difference is the reference's mean log score minus "
        "the forecast's, in nats per event (positive when the forecast is better). Log scores "
        "floor a probability at 10⁻⁶ (13.8 nats for an event given probability 0).",
        "",
        "Two kinds of interval appear. Beside each of tradesim's probabilities, in brackets, "
        f"is its 95% Monte Carlo interval: the error from simulating {runs:,} runs, nested "
        "over parameter sets, with the sets treated as clusters (Wilson interval on the "
        "effective number of runs, `tradesim.nesting.decompose`); it is not the spread "
        "across parameter sets. The intervals of the skill scores are 95% percentile "
        f"bootstraps over the scored events: with {len(events)} events they show how much "
        "each comparison rests on one or two of them; they leave out Monte Carlo error.",
        "",
        "## Reproduce",
        "",
        "```console",
        "$ python docs/scripts/scores_page.py",
        _command(SCENARIO, runs, seed),
    ]
    if in_sample is not None:
        lines.append(_command(IN_SAMPLE, runs, seed))
    lines += [
        "```",
        "",
        "The first writes this page and `docs/figures/scores.json`; the others print the "
        f"same numbers (tradesim {tradesim.__version__}, {runs:,} runs, seed {seed}; the "
        "unconditional runs of climatology use the same runs and seed)"
        + ("; the last is the in-sample fit check." if in_sample is not None else "."),
        "",
        "## Each event: forecast, outcome and skill (out of sample)",
        "",
        "| event | week | outcome | tradesim [95% MC] | climatology | persistence | Brier: "
        "tradesim / climatology / persistence | log diff vs climatology | log diff vs "
        "persistence |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in events.itertuples():
        lines.append(
            f"| {_event_label(row)} | {row.week} | {'happened' if row.outcome else 'did not'} "
            f"| {_p(row)} | {row.p_climatology:.3f} | {row.p_persistence:.3f} "
            f"| {row.brier:.3f} / {row.brier_climatology:.3f} / {row.brier_persistence:.3f} "
            f"| {row.log_score_climatology - row.log_score:+.2f} "
            f"| {row.log_score_persistence - row.log_score:+.2f} |")
    lines += ["", "## Skill over all events (out of sample)", "", *_skill_rows(table)]
    lines += ["", "## Reading", ""]
    lines += _reading(events, clim, pers)
    if in_sample is not None:
        lines += ["", *_in_sample_section(result, *in_sample)]
    return "\n".join(lines) + "\n"


def _in_sample_section(out: Any, result: Any, table: Any) -> list[str]:
    """The calibrated scenario's scores beside the out-of-sample ones, labelled a fit check."""
    fitted = {row.name: row for row in result.events.itertuples()}
    lines = [
        "## In sample: the calibrated scenario (a fit check, not a test)",
        "",
        f"`{IN_SAMPLE}` carries the London baseline's ranges for the five parameters, fitted "
        "by exact rejection ABC to the weeks of the first US retaliation (week 3), the "
        "breakdown (week 3) and the renewed truce (week 4): three of the events scored here. "
        "The US measures of late May (the four level events) come with the retaliation, so "
        "they are not independent of the fit either. Its forecast of these weeks was chosen "
        "to agree with them, so a better score shows that the fit worked, not that the model "
        "forecasts: it is not a test. Its climatology comes from the calibrated scenario's own "
        "unconditional runs, so it is in sample too; persistence is the same as above.",
        "",
        "| event | week | outcome | out of sample, `geneva-2025-prior` [95% MC] | in "
        "sample, `geneva-2025` [95% MC] | Brier: out / in |",
        "|---|---|---|---|---|---|",
    ]
    for row in out.events.itertuples():
        fit = fitted[row.name]
        lines.append(f"| {_event_label(row)} | {row.week} | "
                     f"{'happened' if row.outcome else 'did not'} | {_p(row)} | {_p(fit)} "
                     f"| {row.brier:.3f} / {fit.brier:.3f} |")
    clim, pers = table.loc["climatology"], table.loc["persistence"]
    lines += [
        "",
        "In-sample skill of the calibrated scenario:",
        "",
        *_skill_rows(table),
        "",
        f"- In sample the mean Brier score is {result.brier:.4f} (out of sample "
        f"{out.brier:.4f}) and the mean log score {result.log:.2f} nats (out of sample "
        f"{out.log:.2f}).",
        f"- In sample, {_verdict(clim.brier_skill, clim.brier_skill_lo, clim.brier_skill_hi, 'climatology')}; "  # noqa: E501
        f"{_verdict(pers.brier_skill, pers.brier_skill_lo, pers.brier_skill_hi, 'persistence')}.",
    ]
    return lines


def _p(row: Any) -> str:
    """A forecast probability with its 95% Monte Carlo interval (4 decimals below 0.001)."""
    def f(x: float) -> str:
        return f"{x:.4f}" if 0 < x < 0.0005 else f"{x:.3f}"

    return f"{f(row.probability)} [{f(row.ci95_low)}, {f(row.ci95_high)}]"


def _verdict(skill: float, lo: float, hi: float, what: str) -> str:
    if math.isnan(skill):
        return f"against {what} the Brier skill is undefined (the reference is perfect)"
    side = "better than" if skill > 0 else "worse than" if skill < 0 else "no better than"
    sure = ("and the interval excludes 0" if lo > 0 or hi < 0 else
            "but the interval includes 0: the events cannot tell them apart")
    return f"tradesim scores {side} {what} (Brier skill {skill:.2f}), {sure}"


def _reading(events: Any, clim: Any, pers: Any) -> list[str]:
    """Sentences computed from the numbers (so they cannot disagree with the tables)."""
    out = [f"- On the Brier score, {_verdict(clim.brier_skill, clim.brier_skill_lo, clim.brier_skill_hi, 'climatology')}; "  # noqa: E501
           f"{_verdict(pers.brier_skill, pers.brier_skill_lo, pers.brier_skill_hi, 'persistence')}."]  # noqa: E501
    happened = events[events["outcome"] == 1]
    zero = happened[happened["probability"] <= 1e-6]
    if len(zero):
        out.append(f"- {len(zero)} of the {len(happened)} events that happened were given "
                   "probability 0 by tradesim (" + ", ".join(f"`{n}`" for n in zero["name"])
                   + "): each costs the log score's floor, 13.8 nats, which dominates the "
                   "log-score comparison.")
    worst = events.assign(gap=events["brier"] - events["brier_climatology"]).nlargest(1, "gap")
    if len(worst) and float(worst["gap"].iloc[0]) > 0:
        w = worst.iloc[0]
        out.append(f"- The event where tradesim loses most to climatology is `{w['name']}` "
                   f"(Brier {w['brier']:.3f} against {w['brier_climatology']:.3f}).")
    out.append(f"- Over all events the log-score difference is {clim.log_diff:+.2f} nats per "
               f"event against climatology and {pers.log_diff:+.2f} against persistence "
               "(positive: tradesim better).")
    return out


def main(argv: list[str] | None = None) -> None:
    """Run, write the page and the JSON, print where."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=RUNS)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "explanation" / "scores.md")
    ap.add_argument("--json", type=Path, default=ROOT / "docs" / "figures" / "scores.json")
    args = ap.parse_args(argv)
    result, table = run(args.runs, args.seed)
    fitted, fitted_table = run(args.runs, args.seed, IN_SAMPLE)
    args.out.write_text(page(result, table, args.runs, args.seed, (fitted, fitted_table)),
                        encoding="utf-8")
    payload = {"scenario": SCENARIO, "out_of_sample": True, "events_file": EVENTS,
               "after": AFTER.isoformat(), "until": UNTIL.isoformat(), "runs": args.runs,
               "seed": args.seed, "version": tradesim.__version__,
               "brier": result.brier, "log_score": result.log,
               "events": json.loads(result.events.to_json(orient="records", date_format="iso")),
               "skill": json.loads(table.to_json(orient="index")),
               # The calibrated scenario, fitted on these weeks: a fit check, not a test.
               "in_sample": {
                   "scenario": IN_SAMPLE, "brier": fitted.brier, "log_score": fitted.log,
                   "events": json.loads(fitted.events.to_json(orient="records",
                                                              date_format="iso")),
                   "skill": json.loads(fitted_table.to_json(orient="index"))}}
    args.json.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} and {args.json}")


if __name__ == "__main__":
    main()
