"""Bridges to the field's tools: SALib's layout, scipy frozen distributions, pandas exports."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tradesim
from tradesim import distributions as d
from tradesim import sensitivity as sa

KINDS = {
    "uniform": d.Uniform(dist="uniform", low=2, high=5),
    "triangular": d.Triangular(dist="triangular", low=4, mode=9, high=16),
    "normal": d.Normal(dist="normal", mean=1.5, sd=0.3),
    "truncnormal": d.TruncNormal(dist="truncnormal", mean=0.2, sd=0.2, low=0.0, high=0.5),
    "lognormal": d.LogNormal(dist="lognormal", median=3.0, sigma=0.4),
    "beta": d.Beta(dist="beta", a=3, b=5, low=0.1, high=0.9),
    "choice": d.Choice(dist="choice", values=(1.0, 2.5, 4.0), weights=(0.2, 0.5, 0.3)),
}


def test_every_distribution_kind_is_covered() -> None:
    assert set(KINDS) == set(d.DISTRIBUTION_NAMES)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_frozen_ppf_equals_ours_on_a_grid(kind: str) -> None:
    dist = KINDS[kind]
    # Midpoints of 200 cells: away from the steps of a choice's quantile function.
    u = (np.arange(200) + 0.5) / 200
    np.testing.assert_allclose(dist.frozen().ppf(u), dist.ppf(u), rtol=1e-12, atol=1e-12)
    low, high = dist.support()
    lo, hi = dist.frozen().support()
    assert (lo, hi) == pytest.approx((low, high))


EDGES = {
    "triangular": (d.Triangular(dist="triangular", low=0, mode=0, high=1),
                   d.Triangular(dist="triangular", low=-2, mode=3, high=3)),
    "beta": (d.Beta(dist="beta", a=0.5, b=0.5), d.Beta(dist="beta", a=8, b=1.5, low=2, high=3)),
}


@pytest.mark.parametrize("kind", ["triangular", "beta"])
def test_quantiles_computed_without_scipy_stats_are_its_floats_exactly(kind: str) -> None:
    # The model computes these two without importing scipy.stats (0.5 s a worker):
    # the numbers must be scipy.stats' own, to the bit, or every result would move.
    u = np.random.default_rng(5).random(100_000)
    u[:4] = [0.0, 1.0, 0.5, np.nextafter(1.0, 0.0)]
    for dist in (KINDS[kind], *EDGES[kind]):
        np.testing.assert_array_equal(dist.ppf(u), dist.frozen().ppf(u))


def test_choice_with_repeated_values_merges_them() -> None:
    dist = d.Choice(dist="choice", values=(1.0, 1.0, 3.0))
    assert dist.frozen().pmf(1.0) == pytest.approx(2 / 3)


def _salib_layout(y: np.ndarray, n: int, dims: int) -> np.ndarray:
    """tradesim's Saltelli layout [A, B, AB_1..AB_d] as SALib's, row by row [A, AB_1.., B]."""
    a, b, ab = y[:n], y[n:2 * n], y[2 * n:].reshape(dims, n)
    return np.column_stack([a, *ab, b]).ravel()


def test_sobol_in_salibs_layout_matches_salibs_own_analyze(synthetic_sweep) -> None:
    salib_sobol = pytest.importorskip("SALib.analyze.sobol")
    ds = synthetic_sweep({"method": "sobol", "n": 256},
                         lambda a, b, c: 0.6 * a + 0.3 * b * b + 0.1 * a * c)
    table = sa.sobol(ds, ["breakdown"], n_resamples=100, seed=1)
    total, first = sa.to_salib(table, "breakdown")
    params = sa.swept_parameters(ds)
    assert list(total.columns) == ["ST", "ST_conf"] and list(first.columns) == ["S1", "S1_conf"]
    assert list(total.index) == params
    y = sa.sweep_output(ds, "breakdown")
    problem = {"num_vars": 3, "names": params, "bounds": [[0, 1]] * 3}
    theirs = salib_sobol.analyze(problem, _salib_layout(y, 256, 3), calc_second_order=False,
                                 num_resamples=100, seed=1)
    theirs_total, theirs_first = theirs.to_df()
    assert list(theirs_total.columns) == list(total.columns)
    assert list(theirs_first.columns) == list(first.columns)
    # Total effects (Jansen) do not change under SALib's standardisation of Y: equal.
    np.testing.assert_allclose(total["ST"], theirs_total["ST"], rtol=1e-9, atol=1e-8)
    # First-order: SALib standardises Y first; on standardised Y the estimates agree.
    z = (y - y.mean()) / y.std()
    f = sa._sobol_arrays(z, 256, 3)
    first_z, _ = sa._indices(f, 256)
    np.testing.assert_allclose(first_z, theirs_first["S1"], rtol=1e-9, atol=1e-8)
    assert np.abs(first["S1"].to_numpy() - theirs_first["S1"].to_numpy()).max() < 0.05


def test_morris_in_salibs_layout(synthetic_sweep) -> None:
    ds = synthetic_sweep({"method": "morris", "trajectories": 10, "levels": 4},
                         lambda a, b, c: 0.5 * a + 0.1 * b)
    table = sa.morris(ds, ["breakdown"], n_resamples=50)
    frame = sa.to_salib(table, "breakdown")
    assert list(frame.columns) == ["mu", "mu_star", "sigma", "mu_star_conf"]
    assert frame.loc["monitoring.us.drift_sd", "mu_star"] == pytest.approx(0.5)
    assert (frame["mu_star_conf"] >= 0).all()
    with pytest.raises(KeyError, match="outputs: breakdown"):
        sa.to_salib(table, "holding")


@pytest.fixture(scope="module")
def replications() -> pd.DataFrame:
    scenario = tradesim.load_scenario("scenarios/london-2025.yaml")
    return tradesim.run(scenario, runs=40, seed=1).replications()


def test_parquet_export_round_trips(replications, tmp_path) -> None:
    pytest.importorskip("pyarrow")
    path = tmp_path / "replications.parquet"
    replications.to_parquet(path)
    again = pd.read_parquet(path)
    pd.testing.assert_frame_equal(again, replications)


def test_excel_export_round_trips(replications, tmp_path) -> None:
    pytest.importorskip("openpyxl")
    path = tmp_path / "replications.xlsx"
    replications.assign(outcome=replications["outcome"].astype(str)).to_excel(path)
    again = pd.read_excel(path, index_col=0)
    assert len(again) == len(replications)
    assert list(again["outcome"]) == list(replications["outcome"].astype(str))
