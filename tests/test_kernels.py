"""The compiled kernels: the same source run as Python gives identical results."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from tradesim import kernels

_ENSEMBLE = textwrap.dedent("""
    import hashlib, sys
    import numpy as np
    import tradesim
    scenario = tradesim.load_scenario("scenarios/london-2025.yaml").model_copy(
        update={"horizon_weeks": 30})
    r = tradesim.run(scenario, runs=48, seed=11, chunk_size=20, keep_trajectories=48)
    digest = hashlib.sha256()
    for a in (r.outcome, r.histogram, r.sums, r.trajectories["series"]):
        digest.update(np.ascontiguousarray(a).tobytes())
    print(digest.hexdigest())
""")


def _digest(disable_jit: bool) -> str:
    env = dict(os.environ, NUMBA_DISABLE_JIT="1" if disable_jit else "0")
    done = subprocess.run([sys.executable, "-c", _ENSEMBLE], env=env, capture_output=True,
                          text=True, check=True, timeout=600)
    return done.stdout.strip()


def test_numba_disabled_path_gives_identical_results() -> None:
    compiled, python = _digest(False), _digest(True)
    assert len(compiled) == 64
    assert compiled == python


def test_rint_rounds_half_to_even_as_numpy_does() -> None:
    rng = np.random.default_rng(0)
    x = np.concatenate([
        rng.random(10_000, dtype=np.float32) * 1000,
        np.arange(0, 64, 0.5, dtype=np.float32),             # exact ties
        np.float32(2.0**23) + np.arange(-4, 4, dtype=np.float32),
        np.array([2.0**24, 1e30], dtype=np.float32),
    ])
    ours = np.array([kernels._rint(v) for v in x], dtype=np.float32)
    np.testing.assert_array_equal(ours, np.rint(x))


def test_histogram_counts_every_value_once_and_sums_exactly() -> None:
    rng = np.random.default_rng(1)
    series = rng.random((3, 5, 700), dtype=np.float32)
    histogram = np.zeros((3, 5, 11), dtype=np.int64)
    sums = np.zeros((3, 5), dtype=np.int64)
    kernels.histogram_sums(series, np.full(3, 10, np.float32), np.full(3, 10, np.int64),
                           np.full(3, 2.0**24, np.float32), histogram, sums)
    assert (histogram.sum(axis=2) == 700).all()
    np.testing.assert_array_equal(histogram[0, 0], np.bincount(
        np.rint(series[0, 0] * np.float32(10)).astype(int), minlength=11))
    np.testing.assert_array_equal(
        sums, np.rint(series * np.float32(2.0**24)).astype(np.int64).sum(axis=2))


def _reference_histogram(series: np.ndarray, scale: float, top: int) -> np.ndarray:
    bins = np.minimum(np.rint(series * np.float32(scale)), top).astype(np.int64)
    return np.stack([[np.bincount(week, minlength=top + 1) for week in s] for s in bins])


@pytest.mark.parametrize("replications", [1, 2, 699, 700])
@pytest.mark.parametrize("kind", ["runs", "scattered", "mixed"])
def test_histogram_counts_runs_and_scattered_values_alike(kind: str, replications: int) -> None:
    # Mostly runs of one value take one path, scattered values another (split over two
    # rows when their bins repeat); both must count exactly what np.bincount counts.
    rng = np.random.default_rng(2)
    if kind == "runs":
        series = np.repeat(rng.random((2, 3, 1), dtype=np.float32), replications, axis=2)
        series[:, :, : replications // 10] = 0.25
    elif kind == "scattered":
        series = rng.random((2, 3, replications), dtype=np.float32)
    else:
        series = np.where(rng.random((2, 3, replications)) < 0.5, np.float32(1.0),
                          rng.random((2, 3, replications), dtype=np.float32))
    histogram = np.zeros((2, 4, 11), dtype=np.int32)
    sums = np.zeros((2, 4), dtype=np.int64)
    for _ in range(2):  # the spare row must be left empty for the next week
        kernels.histogram_sums(series, np.full(2, 10, np.float32), np.full(2, 10, np.int64),
                               np.full(2, 2.0**24, np.float32), histogram, sums, first_week=1)
    np.testing.assert_array_equal(histogram[:, 1:], 2 * _reference_histogram(series, 10, 10))
    assert not histogram[:, 0].any()
    np.testing.assert_array_equal(
        sums[:, 1:], 2 * np.rint(series * np.float32(2.0**24)).astype(np.int64).sum(axis=2))


def test_values_past_the_top_bin_and_infinite_ones_count_in_the_top_bin() -> None:
    series = np.array([[[0.5, 2.0, 1e30, np.inf, 1.0]]], dtype=np.float32)
    histogram = np.zeros((1, 1, 3), dtype=np.int32)
    kernels.histogram_sums(series, np.full(1, 2, np.float32), np.full(1, 2, np.int64),
                           np.ones(1, np.float32), histogram, np.zeros((1, 1), np.int64))
    np.testing.assert_array_equal(histogram[0, 0], [0, 1, 4])


@pytest.mark.parametrize("bad", [-0.5, np.nan])
def test_a_week_with_a_negative_or_nan_value_counts_nothing(bad: float) -> None:
    # Distinct values before the bad one: a kernel counting as it goes would have
    # counted them by the time it refuses.
    series = np.linspace(0.1, 0.9, 9, dtype=np.float32).reshape(1, 1, 9)
    series[0, 0, 4] = bad
    histogram, sums = np.zeros((1, 1, 2), np.int32), np.zeros((1, 1), np.int64)
    with pytest.raises(ValueError, match="negative or NaN"):
        kernels.histogram_sums(series, np.ones(1, np.float32), np.ones(1, np.int64),
                               np.ones(1, np.float32), histogram, sums)
    assert not histogram.any() and not sums.any()


def test_firms_never_receive_more_than_ordered_and_output_follows_stock() -> None:
    stock = np.array([[0.0, 3.0], [0.5, 10.0]], dtype=np.float32)
    one = np.ones(2, np.float32)
    target, rate = np.full(2, 4.0, np.float32), np.full(2, 0.25, np.float32)
    demand = kernels.firm_demand(stock, one, target, rate)
    # order = max(0, 1 + (4 - stock) / 4)
    np.testing.assert_allclose(demand, [(2.0 + 1.875) / 2, (1.25 + 0.0) / 2])
    output, halted, again = np.empty(2), np.empty(2), np.empty(2)
    kernels.firm_produce(stock, one, one, target, rate, np.zeros(2, np.float32),
                         np.full(2, 0.1, np.float32), output, halted, again)
    # nothing delivered: firm (0, 0) is idle, (1, 0) uses its 0.5; column 1 runs fully
    np.testing.assert_allclose(output, [0.25, 1.0])
    np.testing.assert_allclose(halted, [0.5, 0.0])
    np.testing.assert_allclose(stock, [[0.0, 2.0], [0.0, 9.0]])
    # next week's orders, placed as the week ends, are those placed from the stock left
    np.testing.assert_array_equal(again, kernels.firm_demand(stock, one, target, rate))
    # ... with the requirement substitution leaves for next week
    half, after = np.full(2, 0.5, np.float32), stock.copy()
    kernels.firm_produce(after, one, half, target, rate, np.ones(2, np.float32),
                         np.full(2, 0.1, np.float32), output, halted, again)
    np.testing.assert_array_equal(again, kernels.firm_demand(after, half, target, rate))
    assert not np.array_equal(again, kernels.firm_demand(after, one, target, rate))


@pytest.mark.parametrize("share", [0.0, 0.05, 1.0])
def test_a_framework_starts_in_the_masked_replications_only(share: float) -> None:
    # A framework starts in some replications (a truce, a framework approved): those
    # take today's levels as their reference, as the docstrings say; the others keep
    # every value they had.
    rng = np.random.default_rng(5)
    n, r, weeks = 4, 203, 3
    mask = rng.random(r) < share
    mask[7] = share > 0  # at least one started, unless none is meant to
    if 0 < share < 1:
        assert mask.any() and (~mask).any()
    level, target, impact = rng.random((n, r)), rng.random((n, r)), rng.random((n, r))
    lag, compliant_lag = rng.uniform(0, 20, (n, r)), rng.uniform(0, 20, (n, r))
    lag[0, ::3] = 0.0
    committed = np.array([True, False, True, True])
    rows = np.array([1, 3])
    breakdown_share = rng.random(r)
    out_nr = [rng.random((n, r)) for _ in range(10)]
    out_r = [rng.random(r) for _ in range(2)]
    history = [rng.random((rows.size, weeks, r)) for _ in range(2)]
    cooperated = rng.random(r) < 0.5
    before = [a.copy() for a in (*out_nr, *out_r, *history, cooperated)]
    kernels.start_framework(mask, level, target, committed, impact, breakdown_share, lag,
                            compliant_lag, rows, *out_nr[:3], *out_r, *out_nr[3:], *history,
                            cooperated)
    (reference, compliant, goal, decided, compliant_decided, ease_from, progress,
     compliant_progress, ease_per_week, compliant_per_week) = out_nr
    promised, threshold = out_r
    for after, old in zip((*out_nr, *out_r, *history, cooperated), before, strict=True):
        np.testing.assert_array_equal(after[..., ~mask], old[..., ~mask])
    assert cooperated[mask].all()
    g = np.where(committed[:, None], np.minimum(level, target), level)
    m = mask
    for a in (reference, compliant, decided, compliant_decided, ease_from):
        np.testing.assert_array_equal(a[:, m], level[:, m])
    np.testing.assert_array_equal(goal[:, m], g[:, m])
    np.testing.assert_array_equal(progress[:, m], 0.0)
    np.testing.assert_array_equal(compliant_progress[:, m], 0.0)
    # A ramp's move per week: the distance over the lag, a single week (inf) for a lag of 0.
    distance = np.maximum(level - g, 0.0)
    for pace, weeks_lag in ((ease_per_week, lag), (compliant_per_week, compliant_lag)):
        expected = np.divide(distance, weeks_lag, out=np.full_like(distance, np.inf),
                             where=weeks_lag > 0)
        np.testing.assert_array_equal(pace[:, m], expected[:, m])
    eased, goal_impact = (impact * (level - g)).sum(axis=0), (impact * g).sum(axis=0)
    np.testing.assert_array_equal(promised[m], eased[m])
    np.testing.assert_array_equal(
        threshold[m], (goal_impact + breakdown_share * ((impact * level).sum(axis=0)
                                                        - goal_impact))[m])
    for h in history:
        np.testing.assert_array_equal(h[..., m], np.broadcast_to(level[rows][:, None, m],
                                                                 (rows.size, weeks, m.sum())))


def test_a_monitor_trusts_afresh_in_the_masked_replications_only() -> None:
    rng = np.random.default_rng(6)
    n, r = 3, 101
    mask = rng.random(r) < 0.1
    assert mask.any() and (~mask).any()
    prior = rng.random(r)
    state = [rng.random(r) for _ in range(4)]
    # The monitor's clocks: first_alarm int16, reset_week int32.
    clocks = [rng.integers(0, 50, r).astype(np.int16), rng.integers(0, 50, r).astype(np.int32)]
    sums = [rng.random((n, r)) for _ in range(3)]
    before = [a.copy() for a in (*state, *clocks, *sums)]
    kernels.monitor_reset(mask, 12, prior, *state, *clocks, *sums)
    for after, old in zip((*state, *clocks, *sums), before, strict=True):
        np.testing.assert_array_equal(after[..., ~mask], old[..., ~mask])
    belief, variance, evidence, unreviewed = state
    for a, value in ((belief, 1.0), (evidence, 0.0), (unreviewed, 0.0),
                     (clocks[0], -1), (clocks[1], 12), *((s, 0.0) for s in sums)):
        np.testing.assert_array_equal(a[..., mask], value)
    np.testing.assert_array_equal(variance[mask], prior[mask])


def test_the_model_gives_the_kernels_writable_contiguous_arrays(monkeypatch) -> None:
    # A read-only or strided argument (a broadcast view of a fixed parameter, stride 0)
    # makes numba compile a kernel again, and there its vectorised loops run scalar.
    from numba.core.registry import CPUDispatcher

    import tradesim
    from tradesim.model import TradeModel

    scenario = tradesim.load_scenario("scenarios/london-2025.yaml").model_copy(
        update={"horizon_weeks": 12})
    TradeModel(scenario, 16, seed=0).run().close()  # compiled before the kernels are wrapped
    odd: set[str] = set()

    def watch(name: str, kernel: object) -> object:
        def call(*args: object) -> object:
            for a in args:
                if isinstance(a, np.ndarray) and not (a.flags.writeable
                                                      and a.flags.c_contiguous):
                    odd.add(name)
            return kernel(*args)
        return call

    for name in kernels.__all__:
        if isinstance(getattr(kernels, name), CPUDispatcher):
            monkeypatch.setattr(kernels, name, watch(name, getattr(kernels, name)))
    TradeModel(scenario, 16, seed=1).run().close()
    assert not odd, f"kernels given read-only or strided arrays: {sorted(odd)}"


def test_philox_matches_the_random123_known_answers() -> None:
    u = np.uint64
    words = [kernels.philox4x32(u(0), u(0), u(0), u(0), u(0), u(0)),
             kernels.philox4x32(*(u(0xFFFFFFFF),) * 6),
             kernels.philox4x32(u(0x243F6A88), u(0x85A308D3), u(0x13198A2E), u(0x03707344),
                                u(0xA4093822), u(0x299F31D0))]
    assert [[int(w) for w in ws] for ws in words] == [
        [0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8],
        [0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD],
        [0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1]]


def test_normal_quantile_agrees_with_scipy() -> None:
    from scipy import special

    p = np.concatenate([np.linspace(1e-10, 1 - 1e-10, 20_001), [0.02425, 0.97575, 0.5]])
    ours = np.array([kernels.normal_quantile(x) for x in p])
    np.testing.assert_allclose(ours, special.ndtri(p), rtol=2e-9, atol=1e-12)


def _london(horizon: int = 30):
    import tradesim

    return tradesim.load_scenario("scenarios/london-2025.yaml").model_copy(
        update={"horizon_weeks": horizon})


def test_weekly_draws_in_windows_are_the_streams_drawn_whole() -> None:
    from tradesim import streams
    from tradesim.model import TradeModel

    layout = TradeModel(_london(), 1, seed=0).layout
    master = streams.master_seed_sequence(42)
    whole = streams.draw(master, 7, 7 + 37, layout)
    assert np.array_equal(streams.draw_setup(master, 7, 44, layout), whole.setup)
    for window in (1, 3, 8, layout.weeks):
        weekly = streams.WeeklyDraws(master, 7, 44, layout, window=window)
        # Out of order too: a window is redrawn wherever it is needed.
        for t in [*range(layout.weeks), 0, layout.weeks - 1, 5]:
            u, z = weekly.week(t)
            assert np.array_equal(u, whole.uniforms[t]) and np.array_equal(z, whole.normals[t])
    with pytest.raises(IndexError):
        weekly.week(layout.weeks)


def test_a_tallied_model_counts_what_a_recorded_one_records() -> None:
    from tradesim.model import TradeModel
    from tradesim.reduction import Partial, Tally

    scenario = _london()
    recorded = TradeModel(scenario, 300, seed=5, first_replication=40).run()
    tally = Tally.for_scenario(scenario)
    tallied = TradeModel(scenario, 300, seed=5, first_replication=40, tally=tally,
                         keep=25).run()
    whole, counted = Partial.from_model(recorded, keep=25), Partial.from_model(tallied, keep=25)
    assert tallied.series.shape == (len(tallied.series_names), scenario.horizon_weeks + 1, 25)
    assert whole.histogram.sum() == 300 * whole.histogram.shape[0] * whole.histogram.shape[1]
    assert np.array_equal(whole.histogram, counted.histogram)
    assert np.array_equal(whole.sums, counted.sums)
    for name in ("series", "phase", "action"):
        assert np.array_equal(whole.trajectories[name], counted.trajectories[name])
    assert np.array_equal(whole.outcome, counted.outcome)
    with pytest.raises(ValueError, match="kept the series of 25"):
        Partial.from_model(tallied, keep=26)
    with pytest.raises(ValueError, match="only with a tally"):
        TradeModel(scenario, 3, seed=5, keep=2)


def test_vectorised_streams_are_the_scalar_definition() -> None:
    # draw_weeks and draw_setup compute Philox across replications at once and the
    # normals' centre and tails in two loops: each number must still be what the scalar
    # definition in their docstrings gives (philox4x32, normal_quantile), tails included.
    u = np.uint64
    key = np.array([0x1234ABCD, 0x0BADF00D], dtype=np.uint64)
    first, n, first_week, weeks, r = 2**32 - 3, 7, 2, 3, 300   # replications cross 2**32
    normals = np.empty((weeks, n, r), np.float32)
    uniforms = np.empty((weeks, n, r), np.float32)
    kernels.draw_weeks(key, first, 2, first_week, normals)
    kernels.draw_weeks(key, first, 1, first_week, uniforms)
    setup = np.empty((r, 5))
    kernels.draw_setup(key, first, setup)
    tails = 0
    for j in range(r):
        i = first + j
        lo, hi = u(i & 0xFFFFFFFF), u(i >> 32)
        for w in range(weeks):
            for s in range(n):
                p = (first_week + w) * n + s
                word = int(kernels.philox4x32(u(p // 4), u(2), lo, hi, key[0], key[1])[p % 4])
                x = (word + 0.5) * 2.0**-32
                tails += x < 0.02425 or x > 1 - 0.02425
                assert normals[w, s, j] == np.float32(kernels.normal_quantile(x))
                word = int(kernels.philox4x32(u(p // 4), u(1), lo, hi, key[0], key[1])[p % 4])
                assert uniforms[w, s, j] == np.float32(word >> 8) * np.float32(2.0**-24)
        for b in range(3):
            x0, x1, x2, x3 = (int(x) for x in kernels.philox4x32(u(b), u(0), lo, hi, *key))
            assert setup[j, 2 * b] == ((x0 >> 5) * 67108864.0 + (x1 >> 6)) * 2.0**-53
            if 2 * b + 1 < 5:
                assert setup[j, 2 * b + 1] == ((x2 >> 5) * 67108864.0 + (x3 >> 6)) * 2.0**-53
    assert tails > 100  # the tails' branch was exercised
