"""Ensembles: exact aggregates, reproducibility across chunks and workers."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

import tradesim
from tradesim import streams
from tradesim.reduction import BINS
from tradesim.results import wilson_interval


@pytest.fixture(scope="module")
def short(london_data):
    data = tradesim.io.merge(london_data, {"horizon_weeks": 30})
    return tradesim.validate_scenario(data)


def summary_json(results) -> str:
    return json.dumps(results.summary().to_dict(), sort_keys=True)


def test_a_replications_draws_depend_on_its_index_alone():
    master = streams.master_seed_sequence(42)
    layout = streams.Layout(setup=7, weeks=5, uniforms_per_week=3, normals_per_week=5)
    block = streams.draw(master, 0, 12, layout)
    for i in (0, 5, 11):
        alone = streams.draw(master, i, i + 1, layout)
        assert np.array_equal(alone.setup[0], block.setup[i])
        assert np.array_equal(alone.uniforms[..., 0], block.uniforms[..., i])
        assert np.array_equal(alone.normals[..., 0], block.normals[..., i])
    other = streams.draw(streams.master_seed_sequence(43), 0, 12, layout)
    assert not np.array_equal(other.uniforms, block.uniforms)


def test_streams_are_uniform_and_normal():
    from scipy import stats

    layout = streams.Layout(setup=3, weeks=50, uniforms_per_week=4, normals_per_week=4)
    d = streams.draw(streams.master_seed_sequence(1), 0, 2000, layout)
    assert stats.kstest(d.setup.ravel(), "uniform").pvalue > 1e-3
    assert stats.kstest(d.uniforms.ravel(), "uniform").pvalue > 1e-3
    assert stats.kstest(d.normals.ravel(), "norm").pvalue > 1e-3
    # neighbouring replications and slots are uncorrelated
    assert abs(np.corrcoef(d.normals[:, 0, :-1].ravel(), d.normals[:, 0, 1:].ravel())[0, 1]) < 0.02
    assert abs(np.corrcoef(d.uniforms[:, 0].ravel(), d.uniforms[:, 1].ravel())[0, 1]) < 0.02


def test_identical_whatever_the_chunk_size(short):
    reference = tradesim.run(short, 301, seed=7, chunk_size=301)
    for chunk in (1, 37, 128):
        other = tradesim.run(short, 301, seed=7, chunk_size=chunk)
        assert summary_json(other) == summary_json(reference)
        assert np.array_equal(other.histogram, reference.histogram)
        assert np.array_equal(other.sums, reference.sums)
        assert other.replications().equals(reference.replications())
        assert np.array_equal(other.trajectories["series"], reference.trajectories["series"])


def test_identical_with_worker_processes(short):
    serial = tradesim.run(short, 400, seed=3, chunk_size=50, workers=1)
    parallel = tradesim.run(short, 400, seed=3, chunk_size=50, workers=2)
    assert summary_json(parallel) == summary_json(serial)
    assert parallel.replications().equals(serial.replications())


def test_a_replication_is_the_same_in_any_ensemble(short):
    # Not nested: each replication draws its own parameters from its own stream.
    big = tradesim.run(short, 200, seed=5, chunk_size=64, parameter_sets=0)
    small = tradesim.run(short, 50, seed=5)
    assert big.replications().iloc[:50].equals(small.replications())
    # Nested: the same, given the same number of parameter sets (the design).
    big = tradesim.run(short, 200, seed=5, chunk_size=64, parameter_sets=10)
    small = tradesim.run(short, 50, seed=5, chunk_size=7, parameter_sets=10)
    assert big.replications().iloc[:50].equals(small.replications())


def test_outcome_probabilities_sum_to_one_with_wilson_intervals(short):
    s = tradesim.run(short, 500, seed=1).summary()
    assert s.outcomes["probability"].sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(s.outcomes["ci95_low"] <= s.outcomes["probability"])
    assert np.all(s.outcomes["probability"] <= s.outcomes["ci95_high"])


def test_wilson_interval_known_values():
    # Brown, Cai & DasGupta (2001): 0 of 10 gives [0, 0.2775]; 5 of 10 gives [0.2366, 0.7634].
    low, high = wilson_interval(np.array([0, 5]), 10)
    assert low == pytest.approx([0.0, 0.2366], abs=1e-4)
    assert high == pytest.approx([0.2775, 0.7634], abs=1e-4)


def test_milestone_curves_are_cdfs_censored_at_the_horizon(short):
    results = tradesim.run(short, 400, seed=2)
    frame = results.replications()
    for name in tradesim.MILESTONES:
        curve = results.milestone_curve(name)
        assert curve.shape == (short.horizon_weeks + 1,)
        assert np.all(np.diff(curve) >= 0)
        reached = frame[f"{name}_week"].notna().mean()
        assert curve[-1] == pytest.approx(reached)


def test_quantiles_and_means_match_the_trajectories(short):
    results = tradesim.run(short, 600, seed=4)
    series = results.trajectories["series"]  # all 600 kept
    bounds = results.series_bounds
    names = [*results.series_names[:3], "supply.magnets", "halted.autos_ev", "price.magnets",
             "output.autos_ev", "loss.autos_ev", "country_loss.us"]
    for name in names:
        k = results.series_names.index(name)
        frame = results.series_frame(name)
        # Each series is binned over [0, its bound] in BINS steps (float32, as reduced).
        steps = np.minimum(np.rint(series[k] * np.float32((BINS - 1) / bounds[k])), BINS - 1)
        rounded = steps.astype(np.float64) * bounds[k] / (BINS - 1)
        expected_median = np.quantile(rounded, 0.5, axis=1, method="inverted_cdf")
        assert np.allclose(frame["q50"], expected_median, atol=1e-12)
        expected_q05 = np.quantile(rounded, 0.05, axis=1, method="inverted_cdf")
        assert np.allclose(frame["q05"], expected_q05, atol=1e-12)
        assert np.allclose(frame["mean"], series[k].astype(np.float64).mean(axis=1),
                           atol=3e-8 * max(bounds[k], 1.0))


@pytest.mark.parametrize(("runs", "size", "workers"),
                         [(1_000_000, 8192, 2), (700, 64, 2), (100_000, 8192, 3), (5, 3, 4)])
def test_batches_cover_the_run_in_whole_chunks_and_shrink_towards_its_end(runs, size,
                                                                          workers):
    from tradesim.ensemble import _batches

    spans = list(_batches(runs, size, workers))
    assert spans[0][0] == 0 and spans[-1][1] == runs
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    assert all(start % size == 0 for start, _ in spans)  # the chunks are the same
    chunks = [-(-(stop - start) // size) for start, stop in spans]
    assert max(chunks) == max(1, -(-runs // (16 * workers * size)))  # 16 a worker at most
    assert chunks == sorted(chunks, reverse=True)
    # At the end each worker has single chunks to take, not one more long batch.
    assert chunks[-min(len(chunks), 4 * workers):] == [1] * min(len(chunks), 4 * workers)


def test_histogram_quantiles_invert_each_weeks_cdf_at_the_edges_too():
    from tradesim.results import _histogram_quantiles

    rng = np.random.default_rng(9)
    runs, weeks = 37, 6
    histogram = np.zeros((weeks, BINS), dtype=np.int32)
    for w in range(weeks):  # week 0 all in one bin; the others spread, some at the top
        bins = np.full(runs, 3) if w == 0 else rng.integers(0, BINS, runs)
        bins[: w] = BINS - 1
        np.add.at(histogram[w], bins, 1)
    quantiles = (-0.2, 0.0, 1 / runs, 0.05, 0.5, 0.95, 1.0, 1.3)
    got = _histogram_quantiles(histogram, 2.5, runs, quantiles)
    grid = np.linspace(0.0, 2.5, BINS)
    cumulative = np.cumsum(histogram, axis=1)
    for q, values in zip(quantiles, got, strict=True):
        threshold = np.ceil(q * runs - 1e-9)
        expected = grid[np.minimum((cumulative < threshold).sum(axis=1), BINS - 1)]
        np.testing.assert_array_equal(values, expected)


def test_trajectories_kept_only_when_asked(short):
    results = tradesim.run(short, 300, seed=1, keep_trajectories=10)
    assert results.kept_replications == 10
    weekly = results.weekly()
    assert len(weekly) == 10 * (short.horizon_weeks + 1)
    assert {"date", "phase", "action.us", "us.eda_software", "supply.magnets"} <= set(weekly)
    none = tradesim.run(short, 300, seed=1, keep_trajectories=0)
    with pytest.raises(ValueError, match="kept no trajectories"):
        none.weekly()
    assert summary_json(none) == summary_json(results)


@pytest.mark.parametrize("workers", [1, 2])
def test_parameters_not_kept_when_asked_and_the_summary_unchanged(short, workers):
    kept = tradesim.run(short, 300, seed=3, chunk_size=100, workers=workers)
    assert "actors.us.strategy.forgiveness" in kept.parameters
    bare = tradesim.run(short, 300, seed=3, chunk_size=100, workers=workers,
                        keep_parameters=False)
    assert bare.parameters == {}
    assert summary_json(bare) == summary_json(kept)
    assert np.array_equal(bare.outcome, kept.outcome)


def test_tidy_tables_and_xarray(short):
    results = tradesim.run(short, 120, seed=8)
    per_run = results.replications()
    assert len(per_run) == 120
    assert "actors.us.strategy.forgiveness" in per_run.columns
    assert per_run["actors.us.strategy.forgiveness"].between(0.1, 0.4).all()
    ds = results.to_xarray()
    assert ds.sizes["replication"] == 120 and ds.sizes["week"] == short.horizon_weeks + 1
    assert "us.eda_software" in ds["instrument"].values
    assert ds["level"].dims == ("instrument", "week", "kept_replication")


def test_bad_run_arguments(short):
    with pytest.raises(ValueError, match="runs must be an integer"):
        tradesim.run(short, 0)
    with pytest.raises(TypeError, match="seed must be"):
        tradesim.run(short, 10, seed=1.5)
    with pytest.raises(ValueError, match="seed must be non-negative"):
        tradesim.run(short, 10, seed=-1)


def test_no_seed_draws_fresh_entropy_and_records_it(short):
    a = tradesim.run(short, 20)
    b = tradesim.run(short, 20, seed=a.seed)
    assert summary_json(a) == summary_json(b)


def test_histogram_counts_are_int32_and_hold_the_largest_run() -> None:
    """A bin counts at most one run's replications, so int32 suffices up to MAX_RUNS."""
    from tradesim.ensemble import MAX_RUNS
    from tradesim.reduction import COUNT, Tally

    assert np.iinfo(COUNT).max >= MAX_RUNS
    london = Path(__file__).resolve().parents[1] / "scenarios" / "london-2025.yaml"
    tally = Tally.for_scenario(tradesim.load_scenario(london))
    assert tally.histogram.dtype == COUNT and tally.sums.dtype == np.int64
