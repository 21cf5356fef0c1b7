"""Parameter sweeps: many scenarios from one sweep file, run on all cores or a Dask cluster.

A sweep file (YAML or TOML) names a base scenario and the parameters to vary,
by the dotted paths of :meth:`tradesim.Scenario.parameter_paths` (list items
keyed by id, e.g. ``actors.us.strategy.forgiveness``,
``approval.china.weekly_hazard``, ``framework.commitments.china.magnets.deadline_weeks``)
or ``actors.<actor>.strategy.name`` for the strategy (a categorical
parameter).  It asks for either

- a **grid**: ``grid`` (one dimension per parameter, the cartesian product)
  and/or ``zip`` (groups of equally long lists varied together, one dimension
  per group); or
- a **design** over ranges: ``design: {method: lhs | sobol | morris}`` with
  ``parameters`` given as ``{low, high}`` (optionally ``log: true``) or
  ``{choices: [...]}``.  Latin hypercube and Sobol' samples come from
  :mod:`scipy.stats.qmc`; a Sobol' design is the Saltelli (2010) layout of
  ``n (d + 2)`` points, a Morris design ``trajectories (d + 1)`` points
  (Morris 1991).

Every point runs ``runs`` replications of its scenario.  Point ``i`` uses the
seed ``SeedSequence(seed, spawn_key=(i,))``, so its result depends only on the
sweep file and ``i``: never on the executor, the worker or the order in which
points finish.  Results come back as an :class:`xarray.Dataset`; with an output
folder each finished point is written at once (atomically, one small netCDF
file under ``points/``), so a killed sweep loses no finished point and
``resume=True`` skips them.

The package has one module per concern and re-exports their public names here:

* :mod:`tradesim.sweep.spec` -- the sweep file's schema (:class:`SweepSpec` and its
  parts) and :func:`read_sweep`, which validates it into a :class:`Sweep`;
* :mod:`tradesim.sweep.designs` -- the points of a grid and of LHS, Sobol' (Saltelli)
  and Morris designs (:func:`morris_trajectories`);
* :mod:`tradesim.sweep.store` -- the point files, the assembled results
  (:func:`assemble`) and reading them back (:func:`load_sweep`, :func:`load_points`);
* :mod:`tradesim.sweep.run` -- one point (:func:`compute_point`) and a whole sweep on
  an executor (:func:`run_sweep`).

References
----------
Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. & Tarantola, S.
(2010). Variance based sensitivity analysis of model output. *Computer Physics
Communications* 181(2), 259-270.

Morris, M. D. (1991). Factorial sampling plans for preliminary computational
experiments. *Technometrics* 33(2), 161-174.

McKay, M. D., Beckman, R. J. & Conover, W. J. (1979). A comparison of three
methods for selecting values of input variables in the analysis of output from
a computer code. *Technometrics* 21(2), 239-245.
"""

from __future__ import annotations

from .designs import morris_trajectories
from .run import EXECUTORS, compute_point, run_sweep
from .spec import (
    MAX_POINTS,
    Axis,
    Choices,
    LHSDesign,
    Linspace,
    MorrisDesign,
    Range,
    SobolDesign,
    Sweep,
    SweepSpec,
    read_sweep,
)
from .store import FORMATS, assemble, load_points, load_sweep

__all__ = [
    "EXECUTORS",
    "FORMATS",
    "MAX_POINTS",
    "Axis",
    "Choices",
    "LHSDesign",
    "Linspace",
    "MorrisDesign",
    "Range",
    "SobolDesign",
    "Sweep",
    "SweepSpec",
    "assemble",
    "compute_point",
    "load_points",
    "load_sweep",
    "morris_trajectories",
    "read_sweep",
    "run_sweep",
]
