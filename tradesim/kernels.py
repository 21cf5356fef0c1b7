"""Compiled kernels of the model's inner loops: the one code path, compiled.

The Mesa agents (:mod:`tradesim.agents`) and the reduction
(:mod:`tradesim.reduction`) call these functions for their array work; there
is no other copy of the rules they carry out.  They are plain Python
functions over numpy arrays, compiled by numba (``njit``, no fast-math, so
every operation rounds as numpy's does; float32 state stays float32), with
the compiled code cached on disk next to the module or, where that is
read-only, in numba's per-user cache.

Setting the environment variable ``NUMBA_DISABLE_JIT=1`` before importing
tradesim runs the very same source as Python: slow, for debugging, and
bit-identical (tests/test_kernels.py checks it on a small ensemble).

Arrays of per-replication state have replications last, so each firm's row
is contiguous; loops run firm by firm, accumulating per-replication sums in
float64 in the order numpy's axis-0 sums use.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["firm_demand", "firm_produce", "histogram_sums"]

_F32_ONE = np.float32(1.0)
_F32_ZERO = np.float32(0.0)
_F32_2_23 = np.float32(2.0**23)


@njit(cache=True, nogil=True, inline="always")
def _rint(x: np.float32) -> np.float32:
    # Round a non-negative float32 to the nearest integer, ties to even, as np.rint does:
    # from 2**23 up every float32 is an integer; below it, adding and taking away 2**23
    # rounds in float32 arithmetic (IEEE round to nearest even).
    if x >= _F32_2_23:
        return x
    return (x + _F32_2_23) - _F32_2_23


@njit(cache=True, nogil=True)
def _order(stock: np.float32, base: np.float32, rate: np.float32) -> np.float32:
    # A firm's order, weeks of normal use: max(0, r + (target r - stock) / restock_weeks)
    # written as base - stock * rate, with base = r (1 + target * rate).
    order = stock * -rate + base
    return order if order > _F32_ZERO else _F32_ZERO


@njit(cache=True, nogil=True)
def firm_demand(stock: np.ndarray, requirement: np.ndarray, target: np.ndarray,
                rate: np.ndarray) -> np.ndarray:
    """Mean order of a sector's firms per replication, weeks of normal use.

    Parameters
    ----------
    stock : ndarray, shape (firms, R), float32
        Each firm's stock, weeks of normal use.
    requirement, target, rate : ndarray, shape (R,), float32
        Imported input per unit of output; target cover (weeks); 1 / restock weeks.

    Returns
    -------
    ndarray, shape (R,), float64
    """
    firms, r = stock.shape
    demand = np.zeros(r)
    base = np.empty(r, dtype=np.float32)
    for j in range(r):
        base[j] = requirement[j] * (_F32_ONE + target[j] * rate[j])
    for f in range(firms):
        for j in range(r):
            demand[j] += _order(stock[f, j], base[j], rate[j])
    for j in range(r):
        demand[j] /= firms
    return demand


@njit(cache=True, nogil=True)
def firm_produce(stock: np.ndarray, requirement: np.ndarray, target: np.ndarray,
                 rate: np.ndarray, share: np.ndarray, halt_threshold: np.ndarray,
                 output: np.ndarray, halted: np.ndarray) -> None:
    """Deliver each firm's order times ``share``, then use what a week of output needs.

    A firm's order is the one :func:`firm_demand` placed from the same stock.
    Updates ``stock`` in place and writes each replication's mean output
    (1.0 = normal; 1.0 where nothing is required) into ``output`` and the
    share of firms producing below ``halt_threshold`` of normal into
    ``halted``.

    Parameters
    ----------
    stock : ndarray, shape (firms, R), float32
    requirement, target, rate, halt_threshold : ndarray, shape (R,), float32
    share : ndarray, shape (R,), float32
        Share of orders delivered this week.
    output, halted : ndarray, shape (R,), float64
        Written.
    """
    firms, r = stock.shape
    base = np.empty(r, dtype=np.float32)
    floor = np.empty(r, dtype=np.float32)
    used = np.zeros(r)
    idle = np.zeros(r, dtype=np.int64)
    for j in range(r):
        base[j] = requirement[j] * (_F32_ONE + target[j] * rate[j])
        floor[j] = halt_threshold[j] * requirement[j]
    for f in range(firms):
        for j in range(r):
            held = stock[f, j] + _order(stock[f, j], base[j], rate[j]) * share[j]
            use = held if held < requirement[j] else requirement[j]
            stock[f, j] = held - use
            used[j] += use
            if use < floor[j]:
                idle[j] += 1
    for j in range(r):
        mean = used[j] / firms
        output[j] = mean / requirement[j] if requirement[j] > 0 else 1.0
        halted[j] = idle[j] / firms


@njit(cache=True, nogil=True)
def histogram_sums(series: np.ndarray, bin_scale: np.ndarray, top_bin: np.ndarray,
                   sum_scale: np.ndarray, histogram: np.ndarray, sums: np.ndarray) -> None:
    """Exact integer aggregates of weekly series: histogram counts and fixed-point sums.

    Value ``v`` of series ``k`` falls in bin ``rint(v * bin_scale[k])``
    (at most ``top_bin[k]``) and adds ``rint(v * sum_scale[k])`` to the
    week's sum; both products are float32, as the scales are powers of two
    or bin widths.

    Parameters
    ----------
    series : ndarray, shape (S, weeks, R), float32
        Non-negative values.
    bin_scale, sum_scale : ndarray, shape (S,), float32
    top_bin : ndarray, shape (S,), int64
    histogram : ndarray, shape (S, weeks, bins), int64
        Zeroed on entry; counts are added.
    sums : ndarray, shape (S, weeks), int64
        Zeroed on entry; sums are added.
    """
    s, weeks, r = series.shape
    for k in range(s):
        scale, top, fixed = bin_scale[k], top_bin[k], sum_scale[k]
        for w in range(weeks):
            total = 0
            for j in range(r):
                v = series[k, w, j]
                if not v >= _F32_ZERO:  # also NaN
                    raise ValueError("a weekly series has a negative or NaN value")
                histogram[k, w, min(np.int64(_rint(v * scale)), top)] += 1
                total += np.int64(_rint(v * fixed))
            sums[k, w] += total
