"""Tests of tradesim.plots.game: the heatmap of exact long-run game results."""

from __future__ import annotations

import pytest

from tradesim import plots


def test_game_heatmap_cooperation(source_notes):
    fig = plots.game_heatmap(["always_ease", "tit_for_tat", "always_retaliate"],
                             noise=(0.0, 0.1))
    panels = [ax for ax in fig.axes if ax.get_images()]
    assert len(panels) == 2
    assert [ax.get_title(loc="left") for ax in panels] == [
        "Implementation error 0%", "Implementation error 10%"]
    assert "implementation error 0%, 10%" in source_notes(fig)[0]
    assert [t.get_text() for t in panels[0].get_yticklabels()] == [
        "Always ease", "Tit for tat", "Always retaliate"]
    values = panels[0].get_images()[0].get_array()
    assert values[0, 2] == pytest.approx(1.0)  # always ease keeps easing
    assert values[1, 2] == pytest.approx(0.0)  # tit for tat answers always-retaliate
    assert len(panels[0].texts) == 9
    colorbar = [ax for ax in fig.axes if not ax.get_images()]
    assert colorbar and "A eases" in colorbar[0].get_ylabel()


def test_game_heatmap_payoff_and_bad_metric():
    fig = plots.game_heatmap(["tit_for_tat", "always_retaliate"], noise=(0.05,),
                             metric="payoff")
    values = fig.axes[0].get_images()[0].get_array()
    assert values.shape == (2, 2)
    assert 0 <= values.min() <= values.max() <= 5
    with pytest.raises(ValueError, match="metric"):
        plots.game_heatmap(metric="welfare")


def test_image_game_heatmap(check_image):
    check_image(plots.game_heatmap(), "game_heatmap")


def test_game_heatmap_takes_names_instances_and_classes():
    from tradesim.game import long_run_distribution
    from tradesim.strategies import get_strategy, make_strategy

    generous = make_strategy("generous_tit_for_tat", forgiveness=0.2)
    fig = plots.game_heatmap([generous, get_strategy("always_ease"), "tit_for_tat"],
                             noise=(0.03,), metric="mutual_cooperation", annotate=False)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Generous tit for tat", "Always ease", "Tit for tat"]
    values = ax.get_images()[0].get_array()
    assert values[0, 2] == pytest.approx(long_run_distribution(generous, "tit_for_tat", 0.03)[0])
    assert not ax.texts


def test_game_heatmap_refuses_rules_without_exact_results():
    with pytest.raises(ValueError, match="memory-one"):
        plots.game_heatmap(["tit_for_tat", "grim_trigger"])
    with pytest.raises(ValueError, match="noise level"):
        plots.game_heatmap(noise=())
