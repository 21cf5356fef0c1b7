"""Tests of tradesim.report.context: the executive summary and the sections."""

from __future__ import annotations

from tradesim import report


def test_executive_summary(results, other, sensitivity):
    summary = results.summary()
    alone = report.executive_summary(results)
    assert len(alone) == 3  # the answer, the drivers, the caveats
    answer = alone[0]
    p = summary.outcomes.loc["holding"]
    assert f"{100 * p.probability:.1f}% of the 200 simulated runs" in answer
    assert (f"95% Monte Carlo interval {100 * p.ci95_low:.1f} to "
            f"{100 * p.ci95_high:.1f}%") in answer
    assert summary.parameter_sets == 2  # the fixture's run is nested: a range across sets
    assert (f"Across the 2 parameter sets the probability ranges from "
            f"{100 * p.set_q05:.1f} to {100 * p.set_q95:.1f}%") in answer
    assert "tradesim sensitivity SCENARIO" in alone[1]
    assert "not a forecast" in alone[2]
    compared = report.executive_summary(results, [other], sensitivity)
    assert len(compared) == 4
    assert compared[1].startswith("In slow <china> ")
    top = report.parameter_label(results.scenario, sensitivity["parameter"].iloc[1])
    assert compared[2].startswith(f"The parameters that drive the variance of 'holding' most "
                                  f"are {top} (total-order index 0.61")


def test_context_sections(results, facts):
    context = report.report_context(results, facts=facts)
    ids = [s["id"] for s in context["sections"]]
    assert ids == list(report.SECTIONS)
    without = report.report_context(results)  # no fact sheet: no sources section
    assert [s["id"] for s in without["sections"]] == [i for i in ids if i != "sources"]
    intervals = next(s for s in context["sections"] if s["id"] == "intervals")
    items = next(b for b in intervals["blocks"] if b["kind"] == "list")["items"]
    assert [i.split(" (")[0].split(":")[0] for i in items] == [
        "95% Monte Carlo interval", "Range across parameter sets",
        "Bands of a series over time"]


def test_comparison_sentence(results, scenario):
    import tradesim

    reseeded = tradesim.run(scenario, runs=200, seed=4)  # other draws: another share
    mine = results.summary().outcomes.loc["holding"]
    theirs = reseeded.summary().outcomes.loc["holding"]
    assert mine.probability != theirs.probability
    sentence = report.executive_summary(results, [reseeded])[1]
    diff = 100 * abs(theirs.probability - mine.probability)
    assert f"{diff:.1f} percentage points" in sentence
    overlap = theirs.ci95_low <= mine.ci95_high and mine.ci95_low <= theirs.ci95_high
    assert ("intervals overlap" in sentence) == overlap
