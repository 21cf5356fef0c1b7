"""Tests of tradesim.plots.saving: the main figures of a run, saved atomically and reproducibly."""

from __future__ import annotations

from tradesim import plots


def test_save_main_figures(results, tmp_path):
    written = plots.save_main_figures(results, tmp_path)
    stems = {p.stem for p in written}
    assert {"outcomes", "milestones", "phases", "supply_magnets", "restrictions",
            "supply_chain"} <= stems
    assert {p.suffix for p in written} == {".png", ".pdf"}
    for path in written:
        assert path.parent == tmp_path / "figures" and path.stat().st_size > 1000
    assert not list((tmp_path / "figures").glob(".*tmp"))  # no temporary files left


def test_key_supply_series_is_the_fan_chart_of_the_main_figures(results):
    assert plots.key_supply_series(results) == "supply.magnets"
    assert "supply_magnets" in plots.main_figures(results)


def test_saved_png_is_reproducible(results, tmp_path):
    fig = plots.outcome_probabilities(results).figure
    a = plots.save_figure(fig, tmp_path / "a.png").read_bytes()
    b = plots.save_figure(fig, tmp_path / "b.png").read_bytes()
    assert a == b
