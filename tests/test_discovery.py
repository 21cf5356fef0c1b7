"""Scenario discovery: PRIM peels and pastes boxes where an outcome lives."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tradesim.discovery import prim_boxes


@settings(max_examples=12, deadline=None)
@given(cut=st.floats(0.2, 0.7), seed=st.integers(0, 2**32))
def test_prim_finds_a_box_where_the_outcome_lives(cut, seed):
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.random((300, 3)), columns=["a", "b", "c"])
    y = (x["a"] > cut).astype(float).to_numpy()
    boxes = prim_boxes(x, y, alpha=0.05, min_mass=0.05)
    assert not any(b.pasted for b in boxes[:-1])
    peeled = [b for b in boxes if not b.pasted]
    masses = [b.mass for b in peeled]
    coverage = [b.coverage for b in peeled]
    assert boxes[0].mass == 1.0 and boxes[0].coverage == 1.0
    assert all(m2 <= m1 for m1, m2 in itertools.pairwise(masses))
    assert all(c2 <= c1 + 1e-12 for c1, c2 in itertools.pairwise(coverage))
    best = max(boxes, key=lambda b: (round(b.density, 9), b.coverage))
    assert best.density == 1.0
    assert set(best.limits) == {"a"}
    low, _ = best.limits["a"]
    assert low > cut and low < cut + 0.1
    assert best.coverage > 0.85


def test_prim_peels_categories_too():
    rng = np.random.default_rng(0)
    x = pd.DataFrame({"noise": rng.random(200),
                      "strategy": rng.choice(["tit_for_tat", "grim", "generous"], 200)})
    y = ((x["strategy"] == "grim") & (x["noise"] > 0.5)).astype(float).to_numpy()
    boxes = prim_boxes(x, y, alpha=0.1, min_mass=0.02)
    best = max(boxes, key=lambda b: (round(b.density, 9), b.coverage))
    assert best.density == 1.0
    assert best.limits["strategy"] == ("grim",)
    assert "strategy in {grim}" in best.rule("breakdown")
