"""The report's content, built once and laid out twice: as HTML and as PDF.

:func:`report_context` turns results into a plain dict: the title, the run
line and a list of sections, each a list of blocks (paragraphs, lists,
tables, figures, the assumptions and the sources).  The HTML template
(``templates/report.html.j2``, :mod:`tradesim.report.html`) and the PDF
(:mod:`tradesim.report.pdf`) both walk the same sections, so the two
formats have the same content.

Block kinds (the ``kind`` key of each block):

``paragraph``
    ``text``: a paragraph; ``code`` (optional): a command shown after it, and
    ``after`` (optional): a sentence after the command.
``list``
    ``items``: a bulleted list of sentences.
``table``
    ``caption``, ``header`` (column names) and ``rows`` (lists of strings).
``figure``
    ``figure``: a :class:`~tradesim.report.figures.ReportFigure`.
``assumptions``
    ``rows``: dicts with ``path``, ``name`` (in words, with the unit),
    ``value``, ``uncertain`` and ``sources`` (fact ids).
``sources``
    ``entries``: dicts with ``id``, ``statement`` and ``cite``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import plots
from ..distributions import is_distribution
from .figures import ReportFigure
from .labels import parameter_label
from .tables import (
    assumptions_table,
    fact_statements,
    key_findings,
    loss_table,
    milestone_table,
    outcome_table,
    report_title,
    run_line,
    sensitivity_table,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..results import Results
    from ..scenario import Scenario

__all__ = ["SECTIONS", "executive_summary", "measures_sentence", "report_context"]

#: The report's sections in order: id -> title.  ``sources`` is left out
#: when there is no fact sheet.
SECTIONS = {
    "summary": "Executive summary",
    "results": "Outcomes and milestones",
    "intervals": "What the intervals mean",
    "drivers": "What drives the answer",
    "figures": "Figures",
    "assumptions": "Assumptions",
    "limitations": "Limitations and validation",
    "sources": "Sources",
}

#: The outcome the executive summary leads with.
HEADLINE = "holding"


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def _interval(low: float, high: float) -> str:
    return f"{100 * low:.1f} to {100 * high:.1f}%"


def _answer(results: Results, outcome: str = HEADLINE) -> str:
    summary = results.summary()
    row = summary.outcomes.loc[outcome]
    label = plots.OUTCOME_LABELS[outcome].lower()
    end = results.dates[-1].date().isoformat()
    text = (f"By {end}, the end of the {summary.horizon_weeks}-week horizon, the outcome "
            f"'{label}' occurs in {_pct(row.probability)} of the {summary.runs:,} simulated "
            f"runs of {results.scenario.name} (95% Monte Carlo interval "
            f"{_interval(row.ci95_low, row.ci95_high)}: the error of a finite ensemble).")
    if summary.parameter_sets and not np.isnan(row.set_q05):
        text += (f" Across the {summary.parameter_sets:,} parameter sets the probability "
                 f"ranges from {_interval(row.set_q05, row.set_q95)} (5th to 95th "
                 "percentile), and ")
        share = row.share_parameters
        text += ("the share of its variance due to the parameters is not defined."
                 if np.isnan(share) else
                 f"{share:.0%} of its variance comes from the uncertain parameters, the rest "
                 "from chance within a parameter set.")
    elif summary.uncertain:
        text += (" The uncertain parameters were not nested, so the report gives no range "
                 "across parameter sets; run with parameter sets for one.")
    stats = summary.milestone_stats
    if "breakdown_1" in stats.index:
        b = stats.loc["breakdown_1"]
        text += (f" At least one breakdown happens by the horizon in {_pct(b.probability)} "
                 f"of runs ({_interval(b.ci95_low, b.ci95_high)}).")
    measures = measures_sentence(results)
    if measures:
        text += f" {measures}"
    return text


def measures_sentence(results: Results) -> str:
    """A sentence on the time-limited tariff cut and breakdowns through new measures.

    From the milestones ``lapsed`` (with ``extended`` and ``replaced``) for a
    scenario with a decision calendar, and ``escalation_via_new_measure``
    (against ``breakdown_1``) for one with measures held in reserve.

    Parameters
    ----------
    results : Results

    Returns
    -------
    str
        Empty for a scenario with neither.
    """
    from ..plots.tariffs import cut_kept_share

    scenario = results.scenario
    p = results.summary().milestone_stats["probability"]
    clauses = []
    if scenario.calendar:
        clauses.append(f"the time-limited tariff cut lapses (at least one side lets it) in "
                       f"{_pct(p['lapsed'])} of runs by the horizon and is extended or made "
                       f"permanent in {_pct(cut_kept_share(results))}")
    if any(i.reserve is not None for a in scenario.actors.values() for i in a.instruments):
        via, broke = float(p["escalation_via_new_measure"]), float(p["breakdown_1"])
        share = f" ({_pct(via / broke)} of the runs that break down)" if broke > 0 else ""
        clauses.append(f"{_pct(via)} of runs break down through a new measure held in "
                       f"reserve{share}")
    if not clauses:
        return ""
    text = "; ".join(clauses) + "."
    return text[:1].upper() + text[1:]


def _comparison(results: Results, other: Results, outcome: str = HEADLINE) -> str:
    mine = results.summary().outcomes.loc[outcome]
    theirs = other.summary().outcomes.loc[outcome]
    diff = 100 * (theirs.probability - mine.probability)
    overlap = theirs.ci95_low <= mine.ci95_high and mine.ci95_low <= theirs.ci95_high
    direction = "more" if diff > 0 else "fewer"
    verdict = ("their 95% Monte Carlo intervals overlap, so more runs are needed to tell "
               "the two apart" if overlap else
               "their 95% Monte Carlo intervals do not overlap, so the difference is not "
               "an artefact of the number of runs")
    if abs(diff) < 0.05:
        return (f"In {other.scenario.name} the outcome '{plots.OUTCOME_LABELS[outcome].lower()}' "
                f"occurs in {_pct(theirs.probability)} of runs, as in "
                f"{results.scenario.name}.")
    return (f"In {other.scenario.name} it occurs in {_pct(theirs.probability)} of runs "
            f"({_interval(theirs.ci95_low, theirs.ci95_high)}), {abs(diff):.1f} percentage "
            f"points {direction} than in {results.scenario.name}; {verdict}.")


def _drivers_sentence(results: Results, sensitivity: pd.DataFrame | None) -> str:
    scenario = results.scenario
    if sensitivity is None or not len(sensitivity):
        return ("Which parameters drive the answer was not computed for this report: "
                "`tradesim sensitivity SCENARIO` computes it, SCENARIO being the scenario "
                f"file of {scenario.name} (see 'What drives the answer').")
    table = sensitivity_table(sensitivity, scenario)
    first = table["outcome"].iloc[0]
    rows = table[table["outcome"] == first].head(3)
    names = [f"{row.name} (total-order index {row.ST:.2f}, 95% interval "
             f"{row.ST_lo:.2f} to {row.ST_hi:.2f})" for row in rows.itertuples()]
    what = f" of '{first}'" if first else ""
    lead = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return (f"The parameters that drive the variance{what} most are {lead}; see "
            "'What drives the answer'.")


def _caveat(results: Results) -> str:
    scenario = results.scenario
    params = scenario.parameter_paths()
    uncertain = sum(is_distribution(v) for v in params.values())
    return (f"These are shares of simulated runs, conditional on the scenario's "
            f"assumptions ({uncertain} of its {len(params)} numeric parameters are "
            "uncertain and drawn per run or per parameter set; the others are fixed "
            "judgements or facts). The model is not estimated from data and is not a "
            "forecast of one future: see 'Limitations and validation'.")


def executive_summary(results: Results, compare: Sequence[Results] = (),
                      sensitivity: pd.DataFrame | None = None) -> list[str]:
    """The executive summary in sentences: the answer, the comparisons, the drivers, caveats.

    Parameters
    ----------
    results : Results
        The scenario reported on.
    compare : sequence of Results
        Scenarios compared with it.
    sensitivity : DataFrame, optional
        A sensitivity table (see :func:`tradesim.report.tables.sensitivity_table`).

    Returns
    -------
    list of str
        Paragraphs: the answer (the headline probability with its 95% Monte
        Carlo interval and, for a nested run, its range across parameter
        sets; the share of runs that break down and, for a scenario with a
        tariff calendar or measures held in reserve, :func:`measures_sentence`),
        one per comparison, what drives it and the main caveats.
    """
    paragraphs = [_answer(results)]
    paragraphs += [_comparison(results, other) for other in compare]
    paragraphs.append(_drivers_sentence(results, sensitivity))
    paragraphs.append(_caveat(results))
    return paragraphs


def _table_block(caption: str, frame: pd.DataFrame) -> dict[str, Any]:
    return {"kind": "table", "caption": caption,
            "header": [str(frame.index.name or ""), *map(str, frame.columns)],
            "rows": [[str(label), *map(str, row)]
                     for label, row in zip(frame.index, frame.to_numpy(), strict=True)]}


def _intervals_blocks(results: Results) -> list[dict[str, Any]]:
    summary = results.summary()
    return [
        {"kind": "paragraph", "text": "The report gives three kinds of band; they answer "
         "different questions and are not interchangeable."},
        {"kind": "list", "items": [
            "95% Monte Carlo interval (Wilson): how precisely the finite number of runs "
            "pins down a probability. More runs narrow it; it says nothing about whether "
            "the assumptions are right.",
            "Range across parameter sets (5th to 95th percentile): in a nested run, the "
            "probability is computed for each parameter set drawn from the uncertain "
            "parameters' distributions; the range is how much the answer moves with what "
            "we do not know about the parameters. More runs do not narrow it. With it "
            "comes the share of the variance due to the parameters (the rest is chance).",
            "Bands of a series over time (central 50% and 90% of runs): the spread of "
            "simulated paths, the range of what may happen in one run, not an interval "
            "for a mean and not a forecast band of a fitted model.",
        ]},
        {"kind": "paragraph", "text": f"This run: {summary.nesting}."},
    ]


def _drivers_blocks(results: Results, sensitivity: pd.DataFrame | None
                    ) -> list[dict[str, Any]]:
    scenario = results.scenario
    if sensitivity is None or not len(sensitivity):
        return [{"kind": "paragraph",
                 "text": "No sensitivity analysis was given for this report, so it does not "
                         "say which parameters drive the answer. This command computes "
                         "Sobol indices for the scenario's uncertain parameters; pass its "
                         "table to the report (write_report(..., sensitivity=table), or "
                         "tradesim report --sensitivity FILE):",
                 "code": "tradesim sensitivity SCENARIO",
                 "after": f"SCENARIO is the scenario file of {scenario.name}."}]
    table = sensitivity_table(sensitivity, scenario)
    blocks: list[dict[str, Any]] = [{"kind": "paragraph", "text": (
        "Sobol indices of the uncertain parameters: S1, the share of the outcome's variance "
        "due to the parameter alone; ST, the share due to it including its interactions "
        "with the others, with 95% intervals. Sorted by ST.")}]
    for outcome, part in table.groupby("outcome", sort=False):
        frame = pd.DataFrame({
            "S1 [95% interval]": [f"{r.S1:.2f} [{r.S1_lo:.2f}, {r.S1_hi:.2f}]"
                                  for r in part.itertuples()],
            "ST [95% interval]": [f"{r.ST:.2f} [{r.ST_lo:.2f}, {r.ST_hi:.2f}]"
                                  for r in part.itertuples()],
        }, index=pd.Index(part["name"], name="parameter"))
        caption = f"Sensitivity of '{outcome}'" if outcome else "Sensitivity"
        blocks.append(_table_block(caption, frame))
    return blocks


def _limitations_blocks() -> list[dict[str, Any]]:
    return [
        {"kind": "paragraph", "text": "What the model is not (docs/explanation/limitations.md "
         "and the limitations in the ODD description, docs/explanation/odd.md):"},
        {"kind": "list", "items": [
            "Not a forecast of one future: the outputs are probabilities over the runs of an "
            "ensemble, conditional on the scenario's assumptions.",
            "Not estimated: with one compliance cycle observed before the start, no "
            "parameter is fitted to data; facts set orders of magnitude and the rest are "
            "assumptions, marked as such in the assumptions table.",
            "Not a trade model: one market per good and importer, no general equilibrium, "
            "no exchange rates and no input-output links between sectors.",
            "Losses are of the exposed sectors' own value added, an order of magnitude; "
            "losses upstream and downstream are not counted.",
        ]},
        {"kind": "paragraph", "text": "How it is validated (docs/explanation/validation.md):"},
        {"kind": "list", "items": [
            "The decision core is a repeated prisoner's dilemma with memory-one rules under "
            "noise; the simulation is tested against the game's exact results (long-run and "
            "finite-horizon shares of each outcome), with the same strategy classes the full "
            "model uses.",
            "The rest of the decision rules (graded levels and lags, retaliation sized by "
            "impact, the framework's lifecycle, domestic politics) is checked by unit and "
            "integration tests, not against data.",
            "The economy has no exact counterpart: it is checked by tests of its "
            "consequences and, on the London baseline, against one figure that was not "
            "public at the start date and sets no parameter. This checks the mechanics, "
            "not the forecasts.",
        ]},
    ]


def _assumptions_block(scenario: Scenario, facts: Any) -> dict[str, Any]:
    table = assumptions_table(scenario, facts)
    rows = []
    for path, row in table.iterrows():
        rows.append({"path": path, "name": parameter_label(scenario, path),
                     "value": row["value"], "uncertain": bool(row["uncertain"]),
                     "sources": [s.strip() for s in row["sources"].split(",") if s.strip()]})
    return {"kind": "assumptions", "rows": rows}


def report_context(
    results: Results,
    compare: Sequence[Results] = (),
    facts: Any = None,
    figures: Sequence[ReportFigure] = (),
    sensitivity: pd.DataFrame | None = None,
    table_files: Sequence[str] = (),
) -> dict[str, Any]:
    """Everything the report says, as data both the HTML and the PDF lay out.

    Parameters
    ----------
    results : Results
    compare : sequence of Results
    facts : mapping, optional
        The fact sheet's data (``seeds/facts.yaml``).
    figures : sequence of ReportFigure
    sensitivity : DataFrame, optional
        A sensitivity table (columns ``parameter``, ``S1``, ``S1_lo``,
        ``S1_hi``, ``ST``, ``ST_lo``, ``ST_hi``, optionally ``outcome``).
    table_files : sequence of str
        Names of the exported table files, listed in the report.

    Returns
    -------
    dict
        ``title``, ``run_line``, ``description``, ``compared`` (lines, one
        per comparison), ``sections`` (dicts with ``id``, ``title`` and
        ``blocks``; see the module's docstring), ``facts`` (the fact index)
        and ``footer``.
    """
    scenario = results.scenario
    everything = [results, *compare]
    index = fact_statements(facts)
    blocks: dict[str, list[dict[str, Any]]] = {}
    blocks["summary"] = [{"kind": "paragraph", "text": p}
                         for p in executive_summary(results, compare, sensitivity)]
    results_blocks: list[dict[str, Any]] = [
        {"kind": "list", "items": key_findings(results)},
        _table_block("Outcomes at the horizon: percent of runs, with Wilson 95% Monte Carlo "
                     "intervals", outcome_table(everything)),
        _table_block("Milestones: share of runs reaching each by the horizon, and the date by "
                     "which half did", milestone_table(everything)),
    ]
    if len(results.summary().losses):
        results_blocks.append(_table_block(
            "Economic impact: value added lost to short inputs by the horizon, USD billion: "
            "mean over runs, with the 5-95% range across runs", loss_table(everything)))
    if table_files:
        results_blocks.append({"kind": "paragraph", "text": "The tables, with numbers "
                               "unformatted, are also in the folder tables/: "
                               + ", ".join(table_files) + "."})
    blocks["results"] = results_blocks
    blocks["intervals"] = _intervals_blocks(results)
    blocks["drivers"] = _drivers_blocks(results, sensitivity)
    blocks["figures"] = [{"kind": "figure", "figure": f} for f in figures]
    blocks["assumptions"] = [
        {"kind": "paragraph", "text": "Every numeric parameter of the scenario in words, with "
         "its unit, its path in the scenario file, its value or (in bold, marked *) the "
         "distribution each run draws it from, and the facts it rests on; 'assumption' "
         "marks a modelling judgement."},
        _assumptions_block(scenario, facts)]
    blocks["limitations"] = _limitations_blocks()
    cited: list[str] = []
    for row in blocks["assumptions"][1]["rows"]:
        cited += [s for s in row["sources"] if s in index and s not in cited]
    if index:
        blocks["sources"] = [{"kind": "sources", "entries": [
            {"id": fact, "statement": index[fact]["statement"],
             "cite": ", ".join(x for x in (index[fact]["source"], index[fact]["date"]) if x)}
            for fact in cited]}]
    sections = [{"id": key, "title": title, "blocks": blocks[key]}
                for key, title in SECTIONS.items() if key in blocks]
    return {
        "title": report_title(results),
        "run_line": run_line(results),
        "description": " ".join((scenario.description or "").split()),
        "compared": [f"{r.scenario.name} ({run_line(r)})" for r in compare],
        "sections": sections,
        "facts": index,
        "footer": (f"Figures and tables: tradesim {run_line(results).rsplit('tradesim ', 1)[-1]}"
                   f". Uncertain parameters (bold in the assumptions table): "
                   f"{results.summary().nesting}."),
    }
