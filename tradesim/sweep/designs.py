"""Where a sweep's points come from: the grid, and LHS, Sobol' (Saltelli) and Morris designs.

A design is sampled in the unit hypercube (:func:`design_unit`) from its own random
root (:func:`design_rng`), never from a point's or a replication's stream, then mapped
onto the parameters' ranges (:func:`design_values`).  A grid's points are the cartesian
product of its axes in C order (:func:`grid_values`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .spec import Axis, Choices, LHSDesign, MorrisDesign, Range, SobolDesign

__all__ = ["morris_trajectories"]

# The design sampler draws from its own root, never from a point's or a replication's stream.
_DESIGN_TAG = 0x5EED_DE51


def as_array(values: Sequence[Any]) -> np.ndarray:
    """Values as a float array if all are numbers, a string array if all are names, else objects."""
    if all(isinstance(v, int | float | np.number) and not isinstance(v, bool) for v in values):
        return np.asarray(values, dtype=np.float64)
    if all(isinstance(v, str) for v in values):
        return np.asarray(values, dtype=str)
    return np.asarray(values, dtype=object)


def grid_values(axes: Sequence[Axis]) -> dict[str, np.ndarray]:
    """Every grid point's values by path, in C order (the last axis varies fastest)."""
    values: dict[str, np.ndarray] = {}
    index = np.indices([a.size for a in axes]).reshape(len(axes), -1)
    for k, axis in enumerate(axes):
        for path, vals in axis.values.items():
            values[path] = as_array(vals)[index[k]]
    return values


def design_rng(seed: int) -> np.random.Generator:
    """The design sampler's generator for the sweep's master ``seed``."""
    return np.random.default_rng(np.random.SeedSequence([seed, _DESIGN_TAG]))


def design_unit(design: LHSDesign | SobolDesign | MorrisDesign, d: int,
                rng: np.random.Generator) -> np.ndarray:
    """Design points in [0, 1)^d, rows in point order.

    Parameters
    ----------
    design : LHSDesign, SobolDesign or MorrisDesign
        The sweep file's ``design``.
    d : int
        Number of parameters.
    rng : numpy.random.Generator
        The sampler's generator (see :func:`design_rng`).

    Returns
    -------
    ndarray, shape (n_points, d)
    """
    from scipy.stats import qmc

    if design.method == "lhs":
        return qmc.LatinHypercube(d, optimization=design.optimization, rng=rng).random(
            design.points)
    if design.method == "sobol":
        # Saltelli (2010): A and B from one 2d-dimensional Sobol' sequence; then AB_i,
        # i.e. A with column i from B, for i = 1..d.  Rows: A, B, AB_1, ..., AB_d.
        ab = qmc.Sobol(2 * d, scramble=True, rng=rng).random(design.n)
        a, b = ab[:, :d], ab[:, d:]
        blocks = [a, b]
        for i in range(d):
            mixed = a.copy()
            mixed[:, i] = b[:, i]
            blocks.append(mixed)
        return np.vstack(blocks)
    return morris_trajectories(d, design.trajectories, design.levels, rng)


def design_values(unit: np.ndarray, ranges: Mapping[str, Range | Choices]
                  ) -> dict[str, np.ndarray]:
    """Each design point's values by path: column ``j`` of ``unit`` mapped onto range ``j``."""
    values = {}
    for j, (path, rng) in enumerate(ranges.items()):
        values[path] = as_array(list(rng.from_unit(unit[:, j])))
    return values


def morris_trajectories(d: int, r: int, levels: int, rng: np.random.Generator) -> np.ndarray:
    """Morris (1991) trajectories in [0, 1]^d: ``r`` blocks of ``d + 1`` points.

    Each trajectory starts at a random point of the ``levels``-level grid and
    moves one factor at a time, in random order, by ``delta = levels / (2
    (levels - 1))``: up from the lower half of the grid, down from the upper
    half, so every step stays on the grid.

    Returns
    -------
    ndarray, shape (r (d + 1), d)
    """
    delta = levels / (2 * (levels - 1))
    grid = np.arange(levels) / (levels - 1)
    out = np.empty((r, d + 1, d))
    for t in range(r):
        x = rng.choice(grid, size=d)
        out[t, 0] = x
        for step, factor in enumerate(rng.permutation(d), start=1):
            x = x.copy()
            x[factor] = x[factor] + delta if x[factor] + delta <= 1 + 1e-12 else x[factor] - delta
            out[t, step] = x
    return np.clip(out.reshape(r * (d + 1), d), 0.0, 1.0)
