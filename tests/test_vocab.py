"""The vocabulary: phase codes, actions, series names and quantile columns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import tradesim
from tradesim import agents, model, vocab
from tradesim.model import TradeModel
from tradesim.vocab import (
    SERIES_KINDS,
    parse_series,
    quantile_column,
    series_keys,
    series_name,
)


def test_phase_codes_index_the_phase_names():
    assert vocab.PHASES[vocab.PRINCIPLE] == "principle"
    assert vocab.PHASES[vocab.IMPLEMENTATION] == "implementation"
    assert vocab.PHASES[vocab.COMPLIANCE] == "compliance"
    assert vocab.PHASES[vocab.BREAKDOWN] == "breakdown"
    assert vocab.PHASES[vocab.REJECTED] == "rejected"


def test_milestones_count_breakdowns_and_truces_up_to_max_events():
    assert vocab.MILESTONES[:4] == ("approved", "rejected", "implemented", "first_escalation")
    assert f"breakdown_{vocab.MAX_EVENTS}" in vocab.MILESTONES
    assert f"truce_{vocab.MAX_EVENTS + 1}" not in vocab.MILESTONES
    # ... and the decision calendar's and new measures' milestones.
    assert vocab.MILESTONES[-4:] == ("extended", "replaced", "lapsed",
                                     "escalation_via_new_measure")
    assert len(vocab.MILESTONES) == 4 + 2 * vocab.MAX_EVENTS + 4


def test_the_public_names_are_the_vocabulary_s():
    # Users import these from tradesim, tradesim.model and tradesim.agents.
    assert tradesim.PHASES is model.PHASES is vocab.PHASES
    assert tradesim.OUTCOMES is model.OUTCOMES is vocab.OUTCOMES
    assert tradesim.MILESTONES is model.MILESTONES is vocab.MILESTONES
    assert model.MAX_EVENTS == vocab.MAX_EVENTS
    assert agents.EASE is vocab.EASE and agents.RETALIATE is vocab.RETALIATE


def test_action_names_and_codes_are_inverse():
    assert (vocab.RETALIATE, vocab.HOLD, vocab.EASE) == (-1, 0, 1)
    assert vocab.EASE.dtype == np.int8
    for name, code in vocab.ACTION_CODES.items():
        assert vocab.ACTION_NAMES[int(code)] == name
    assert len(vocab.ACTION_CODES) == len(vocab.ACTION_NAMES) == 3


@pytest.mark.parametrize(("kind", "parts", "name"), [
    ("level", ("china", "magnets"), "china.magnets"),
    ("belief", ("us",), "belief.us"),
    ("supply", ("magnets",), "supply.magnets"),
    ("halted", ("autos_ev",), "halted.autos_ev"),
    ("pressure", ("china",), "pressure.china"),
])
def test_series_names_round_trip(kind, parts, name):
    assert series_name(kind, *parts) == name
    assert parse_series(name) == (kind, parts)
    assert series_name(kind, *parse_series(name)[1]) == name


def test_a_two_part_key_may_be_one_argument():
    assert series_name("level", "us.chips") == series_name("level", "us", "chips")


@pytest.mark.parametrize(("kind", "parts"), [
    ("supplies", ("magnets",)),      # unknown kind
    ("supply", ("a", "b")),          # too many parts
    ("level", ("china",)),           # too few
    ("halted", ("",)),               # empty id
])
def test_bad_series_names_are_refused(kind, parts):
    with pytest.raises(ValueError):
        series_name(kind, *parts)


def test_every_recorded_series_parses_to_a_known_kind(london):
    names = TradeModel.series_names_for(london)
    kinds = [parse_series(n)[0] for n in names]
    assert set(kinds) == set(SERIES_KINDS)
    # The model records the kinds in SERIES_KINDS order.
    assert kinds == sorted(kinds, key=SERIES_KINDS.index)
    goods = [g.id for g in london.economy.goods]
    assert series_keys(names, "supply") == goods
    assert series_keys(names, "level") == london.instrument_ids()
    assert series_keys(names, "belief") == list(london.actor_ids)
    assert series_keys(names, "evidence") == list(london.actor_ids)
    assert series_keys(names, "pressure") == list(london.actor_ids)


def test_series_keys_refuses_an_unknown_kind():
    with pytest.raises(ValueError, match="unknown series kind"):
        series_keys(["supply.magnets"], "suply")


@pytest.mark.parametrize(("q", "column"), [
    (0.05, "q05"), (0.25, "q25"), (0.5, "q50"), (0.75, "q75"), (0.95, "q95"), (0.01, "q01"),
    (0.999, "q100"),
])
def test_quantile_columns(q, column):
    assert quantile_column(q) == column


def test_summary_columns_are_the_quantile_columns(london):
    results = tradesim.run(london, runs=20, seed=1, progress=False)
    frame = results.series_frame("supply.magnets")
    assert list(frame.columns) == ["date", "mean",
                                   *(quantile_column(q) for q in tradesim.results.QUANTILES)]


def test_readers_meet_one_name_per_milestone():
    """Figures and tables name a milestone alike: labels live in vocab, are the id in words."""
    from tradesim import plots, vocab
    from tradesim.plots import results as result_figures

    assert plots.MILESTONE_LABELS is vocab.MILESTONE_LABELS
    assert plots.OUTCOME_LABELS is vocab.OUTCOME_LABELS
    assert result_figures._MARKER_LABELS is vocab.MILESTONE_SHORT_LABELS
    for name in vocab.MILESTONES:
        assert name in vocab.MILESTONE_LABELS, name
    for labels in (vocab.MILESTONE_LABELS, vocab.MILESTONE_SHORT_LABELS):
        words = labels["first_escalation"].lower()
        assert words == "first escalation"
    package = Path(vocab.__file__).parent
    for path in package.rglob("*.py"):
        assert "first retaliation" not in path.read_text().lower(), path
