"""Figures of ensemble results, of the two-player game and of sweeps, in one house style."""

from __future__ import annotations

from .results import *  # noqa: F403
from .results import __all__ as _results_all
from .sweep import *  # noqa: F403
from .sweep import __all__ as _sweep_all

__all__ = [*_results_all, *_sweep_all]
