"""Tests of tradesim.game.tables: the exact-results table and its text."""

from __future__ import annotations

import pytest

from tradesim.game import exact_table, format_exact_table


def test_exact_table_and_text():
    table = exact_table("tit_for_tat", "generous_tit_for_tat", noise=0.05, turns=104)
    assert list(table.columns) == ["long run", "first 104 rounds", "Press-Dyson"]
    assert table.loc[["P(CC)", "P(CD)", "P(DC)", "P(DD)"], "long run"].sum() == pytest.approx(1)
    assert table.loc["payoff A", "Press-Dyson"] == pytest.approx(table.loc["payoff A",
                                                                           "long run"])
    assert table.attrs["unique"]
    text = format_exact_table("tit_for_tat", "generous_tit_for_tat", noise=0.05, turns=104)
    assert "Press-Dyson" in text and "(D, D)" in text and "unique" in text
    assert "expected total payoffs over 104 rounds" in text
    text0 = format_exact_table("tit_for_tat", "tit_for_tat")
    assert "NOT unique" in text0 and "rounds" not in text0
    gg = exact_table("generous_tit_for_tat", "generous_tit_for_tat", noise=0.1)
    assert gg.loc["cooperation A", "long run"] == pytest.approx(1.1 / 1.4)
