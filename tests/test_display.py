"""Rich displays: HTML of scenarios, summaries and results is valid and complete."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

import tradesim
from tradesim.display import describe_value, results_html, scenario_html, summary_html
from tradesim.distributions import Triangular
from tradesim.model import MILESTONES, OUTCOMES

ROOT = Path(__file__).resolve().parent.parent
VOID = {"br", "hr", "img", "input", "meta", "link", "col", "wbr"}


class _Checker(HTMLParser):
    """Checks that every element is closed in order and collects the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []
        self.tags: list[str] = []
        self.titles: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.titles += [v for k, v in attrs if k == "title" and v]
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] != "style":
            self.text.append(data)


def parse(fragment: str) -> _Checker:
    checker = _Checker()
    checker.feed(fragment)
    checker.close()
    assert not checker.errors, checker.errors
    assert not checker.stack, f"unclosed: {checker.stack}"
    assert "<script" not in fragment.lower()
    return checker


@pytest.fixture(scope="module")
def london():
    return tradesim.load_scenario(ROOT / "scenarios" / "london-2025.yaml")


@pytest.fixture(scope="module")
def results(london):
    return tradesim.run(london, runs=200, seed=3)


def test_scenario_html_is_a_valid_fragment_with_every_instrument(london):
    fragment = scenario_html(london)
    checker = parse(fragment)
    text = " ".join(checker.text)
    for instrument in london.instrument_ids():
        assert instrument in text
    for actor in london.actors.values():
        assert actor.name in text
        assert actor.strategy.name in text
    assert checker.tags.count("table") >= 5
    # The repr Jupyter calls is the same HTML.
    assert london._repr_html_() == fragment


def test_scenario_html_describes_distributions(london):
    checker = parse(scenario_html(london))
    text = " ".join(checker.text)
    uncertain = london.uncertain_parameters()
    assert uncertain
    for path, dist in uncertain.items():
        assert path in text
        assert dist.describe() in text
    assert "median" in text and "90% range" in text
    # Hovering a distribution in the tables gives its median and 90% range.
    assert any("triangular(0.7, 0.85, 0.95): median" in t for t in checker.titles)


def test_scenario_html_lists_commitments(london):
    text = " ".join(parse(scenario_html(london)).text)
    assert "Commitments (London framework)" in text
    for c in london.framework.commitments:
        assert f"{c.actor}.{c.instrument}" in text
    assert "deadline (weeks after approval)" in text


def test_scenario_html_escapes_text(london):
    data = london.model_dump(mode="json")
    data["description"] = "<b>bold</b> & <script>alert(1)</script>"
    scenario = tradesim.validate_scenario(data)
    fragment = scenario_html(scenario)
    parse(fragment)
    assert "&lt;script&gt;" in fragment and "<b>bold" not in fragment


def test_describe_value():
    assert describe_value(0.25) == "0.25"
    assert describe_value(True) == "yes"
    text = describe_value(Triangular(dist="triangular", low=0.0, mode=0.5, high=1.0))
    assert text.startswith("triangular(0, 0.5, 1): median 0.5, 90% in [0.158, 0.842]")


def test_summary_html(results):
    summary = results.summary()
    fragment = summary_html(summary)
    text = " ".join(parse(fragment).text)
    for outcome in OUTCOMES:
        assert outcome in text
    for milestone in MILESTONES:
        assert milestone in text
    assert "95% interval" in text and "200 runs, seed 3" in text
    assert f"{summary.outcomes.loc['breakdown', 'probability']:.3f}" in text
    assert summary._repr_html_() == fragment


def test_results_html(results):
    fragment = results_html(results)
    text = " ".join(parse(fragment).text)
    assert "Results of london-2025: 200 runs" in text
    assert "supply.magnets" in text
    for outcome in OUTCOMES:
        assert outcome in text
    assert results._repr_html_() == fragment
