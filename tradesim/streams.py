"""Per-replication random streams: counter-based, keyed by one master seed.

A run's master seed (a :class:`numpy.random.SeedSequence`) gives a 64-bit
key; replication ``i`` draws the number at position ``p`` of stream ``s``
from the Philox4x32-10 block with counter ``(block of p, s, i)`` under that
key (:func:`tradesim.kernels.draw_streams`).  Nothing is set up per
replication, and what replication ``i`` sees depends on the key and ``i``
alone: never on the chunk it runs in, the number of workers, or which other
replications run beside it.  All of a replication's numbers are drawn up
front into fixed slots (:func:`draw`), or a few weeks at a time as a model
steps (:class:`WeeklyDraws`): the same numbers either way.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

__all__ = ["Draws", "Layout", "WeeklyDraws", "draw", "draw_setup", "master_seed_sequence",
           "stream_key"]


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


def stream_key(master: np.random.SeedSequence) -> np.ndarray:
    """The Philox key of a run: two 32-bit words of the master seed's state, as uint64."""
    return master.generate_state(2, dtype=np.uint32).astype(np.uint64)


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
    from . import kernels

    n = stop - start
    # Week-major, replications last: each step reads contiguous rows.
    setup = np.empty((n, layout.setup), dtype=np.float64)
    uniforms = np.empty((layout.weeks, layout.uniforms_per_week, n), dtype=np.float32)
    normals = np.empty((layout.weeks, layout.normals_per_week, n), dtype=np.float32)
    kernels.draw_streams(stream_key(master), int(start), setup, uniforms, normals)
    return Draws(setup=setup, uniforms=uniforms, normals=normals)


def draw_setup(master: np.random.SeedSequence, start: int, stop: int,
               layout: Layout) -> np.ndarray:
    """The setup uniforms of replications ``start..stop-1``, shape (R, layout.setup).

    The same numbers as ``draw(master, start, stop, layout).setup``.
    """
    from . import kernels

    setup = np.empty((stop - start, layout.setup), dtype=np.float64)
    kernels.draw_setup(stream_key(master), int(start), setup)
    return setup


class WeeklyDraws:
    """A block of replications' weekly uniforms and normals, made a window at a time.

    Week ``t`` gets the numbers ``draw`` would put at ``uniforms[t]`` and
    ``normals[t]``, but only ``window`` weeks are held at once, so a chunk's
    draws stay small and are used while still in the processor's cache.

    Parameters
    ----------
    master : SeedSequence
    start, stop : int
        Replication indices (half-open range).
    layout : Layout
    window : int
        Weeks drawn at a time.
    """

    def __init__(self, master: np.random.SeedSequence, start: int, stop: int, layout: Layout,
                 window: int = 8) -> None:
        self.key, self.start, self.layout = stream_key(master), int(start), layout
        n = stop - start
        self.window = max(1, min(int(window), layout.weeks))
        self.uniforms = np.empty((self.window, layout.uniforms_per_week, n), dtype=np.float32)
        self.normals = np.empty((self.window, layout.normals_per_week, n), dtype=np.float32)
        self._first = -self.window  # week of row 0; none drawn yet

    def week(self, t: int) -> tuple[np.ndarray, np.ndarray]:
        """Week ``t``'s (0-based) uniforms (per_week, R) and normals (per_week, R)."""
        from . import kernels

        if not 0 <= t < self.layout.weeks:
            raise IndexError(f"week {t} is outside 0..{self.layout.weeks - 1}")
        if not self._first <= t < self._first + self.window:
            self._first = min(t, self.layout.weeks - self.window)
            kernels.draw_weeks(self.key, self.start, 1, self._first, self.uniforms)
            kernels.draw_weeks(self.key, self.start, 2, self._first, self.normals)
        row = t - self._first
        return self.uniforms[row], self.normals[row]
