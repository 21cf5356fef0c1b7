"""Per-replication random streams, spawned from one master seed.

Replication ``i`` of a run with master seed ``s`` always draws from the
stream ``numpy.random.SeedSequence(s).spawn(n)[i]`` (built directly as
``SeedSequence(entropy, spawn_key=(i,))``, which is the same sequence), with
an SFC64 bit generator.  All of a replication's random numbers are drawn up
front into fixed slots, so what replication ``i`` sees never depends on the
chunk it runs in, the number of workers, or which other replications run
beside it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

__all__ = ["Draws", "Layout", "draw", "master_seed_sequence", "replication_generator"]


def master_seed_sequence(seed: Any = None) -> np.random.SeedSequence:
    """Normalise a seed (None, int, or SeedSequence) into a SeedSequence.

    ``None`` draws fresh entropy from the operating system; the entropy is
    kept in the result (``.entropy``) so the run can be repeated exactly.
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator | np.random.BitGenerator):
        raise TypeError("pass an integer seed or a SeedSequence, not a Generator: "
                        "tradesim spawns one stream per replication from the seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | np.integer)):
        raise TypeError(f"seed must be a non-negative integer or None, got {seed!r}")
    if seed is not None and seed < 0:
        raise ValueError(f"seed must be non-negative, got {seed}")
    return np.random.SeedSequence(None if seed is None else int(seed))


def replication_generator(master: np.random.SeedSequence, index: int) -> np.random.Generator:
    """The generator of replication ``index``: the ``index``-th child of ``master``."""
    child = np.random.SeedSequence(
        master.entropy, spawn_key=(*master.spawn_key, int(index)), pool_size=master.pool_size
    )
    return np.random.Generator(np.random.SFC64(child))


@dataclasses.dataclass(frozen=True)
class Layout:
    """How many numbers each replication draws, by kind.

    Attributes
    ----------
    setup : int
        Float64 uniforms drawn once at the start (uncertain parameters, then
        firms' initial inventories).
    weeks : int
        Number of weekly steps.
    uniforms_per_week : int
        Float32 uniforms per week (decisions, hazards).
    normals_per_week : int
        Float32 standard normals per week (monitoring noise).
    """

    setup: int
    weeks: int
    uniforms_per_week: int
    normals_per_week: int

    @property
    def per_replication(self) -> int:
        """Random numbers one replication draws in all."""
        return self.setup + self.weeks * (self.uniforms_per_week + self.normals_per_week)


@dataclasses.dataclass(frozen=True)
class Draws:
    """All random numbers for a block of replications, by slot.

    ``setup`` has shape (R, setup); ``uniforms`` (weeks, uniforms_per_week, R)
    and ``normals`` (weeks, normals_per_week, R), so that each week's draws of
    one kind are one contiguous row over replications.
    """

    setup: np.ndarray
    uniforms: np.ndarray
    normals: np.ndarray


def draw(master: np.random.SeedSequence, start: int, stop: int, layout: Layout) -> Draws:
    """Draw every random number replications ``start..stop-1`` will use.

    Parameters
    ----------
    master : SeedSequence
        The run's master seed.
    start, stop : int
        Replication indices (half-open range).
    layout : Layout
        The numbers each replication needs.

    Returns
    -------
    Draws
    """
    n = stop - start
    setup = np.empty((n, layout.setup), dtype=np.float64)
    uniforms = np.empty((n, layout.weeks * layout.uniforms_per_week), dtype=np.float32)
    normals = np.empty((n, layout.weeks * layout.normals_per_week), dtype=np.float32)
    for row, index in enumerate(range(start, stop)):
        rng = replication_generator(master, index)
        rng.random(out=setup[row])
        rng.random(out=uniforms[row], dtype=np.float32)
        rng.standard_normal(out=normals[row], dtype=np.float32)
    # Week-major, replications last: each step reads contiguous rows.
    uniforms = np.ascontiguousarray(
        uniforms.reshape(n, layout.weeks, layout.uniforms_per_week).transpose(1, 2, 0))
    normals = np.ascontiguousarray(
        normals.reshape(n, layout.weeks, layout.normals_per_week).transpose(1, 2, 0))
    return Draws(setup=setup, uniforms=uniforms, normals=normals)
