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

import copy
import dataclasses
import hashlib
import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, ValidationError, field_validator

from . import ensemble, executors
from .errors import Frozen, Problem, ScenarioError, error_messages, problems_from, suggest
from .io import merge, read_data
from .paths import set_path, settable_paths
from .results import QUANTILES
from .scenario import Scenario, validate_scenario
from .store import atomic_write, write_text
from .vocab import MILESTONES, OUTCOMES, quantile_column

__all__ = [
    "EXECUTORS",
    "FORMATS",
    "Axis",
    "Choices",
    "LHSDesign",
    "Linspace",
    "MorrisDesign",
    "Range",
    "SobolDesign",
    "Sweep",
    "SweepSpec",
    "compute_point",
    "load_points",
    "load_sweep",
    "morris_trajectories",
    "read_sweep",
    "run_sweep",
]

#: Ways to run the points.
EXECUTORS = executors.KINDS
#: Formats of the assembled results.
FORMATS = ("netcdf", "zarr")

POINTS_DIR = "points"
RESULT_FILES = {"netcdf": "sweep.nc", "zarr": "sweep.zarr"}
META_FILE = "sweep.json"
MAX_POINTS = 1_000_000
STATS = ("mean", *(quantile_column(q) for q in QUANTILES))
# The design sampler draws from its own root, never from a point's or a replication's stream.
_DESIGN_TAG = 0x5EED_DE51


# ---------------------------------------------------------------------------- schema


Scalar = float | int | str | bool


class Linspace(Frozen):
    """Evenly spaced grid values: ``num`` values from ``start`` to ``stop`` inclusive."""

    start: float
    stop: float
    num: int = Field(ge=2, le=10_000)
    log: bool = Field(False, description="Evenly spaced on a log scale (needs start, stop > 0).")

    def values(self) -> list[float]:
        if self.log:
            if self.start <= 0 or self.stop <= 0:
                raise ValueError("log spacing needs start and stop greater than 0")
            return [float(v) for v in np.geomspace(self.start, self.stop, self.num)]
        return [float(v) for v in np.linspace(self.start, self.stop, self.num)]


class Range(Frozen):
    """A continuous range of a design parameter, sampled uniformly (or log-uniformly)."""

    low: float
    high: float
    log: bool = False

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        if self.log:
            return np.exp(np.log(self.low) + u * (np.log(self.high) - np.log(self.low)))
        return self.low + u * (self.high - self.low)


class Choices(Frozen):
    """A categorical design parameter: each choice equally likely."""

    choices: tuple[Scalar, ...] = Field(min_length=1)

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        k = len(self.choices)
        codes = np.minimum((u * k).astype(np.int64), k - 1)
        return np.asarray(self.choices, dtype=object)[codes]


class LHSDesign(Frozen):
    """Latin hypercube of ``points`` points (McKay et al. 1979), scrambled."""

    method: Literal["lhs"]
    points: int = Field(ge=1, le=MAX_POINTS)
    optimization: Literal["random-cd", "lloyd"] | None = None


class SobolDesign(Frozen):
    """Saltelli (2010) design for Sobol' indices: ``n (d + 2)`` points, ``n`` a power of 2."""

    method: Literal["sobol"]
    n: int = Field(ge=2, le=MAX_POINTS)

    @field_validator("n")
    @classmethod
    def _power_of_two(cls, n: int) -> int:
        if n & (n - 1):
            lower = 1 << (n.bit_length() - 1)
            raise ValueError(f"must be a power of 2 (Sobol' balance), e.g. {lower} or "
                             f"{lower * 2}")
        return n


class MorrisDesign(Frozen):
    """Morris (1991) one-at-a-time trajectories on a ``levels``-level grid."""

    method: Literal["morris"]
    trajectories: int = Field(ge=2, le=MAX_POINTS)
    levels: int = Field(4, ge=2, le=100)

    @field_validator("levels")
    @classmethod
    def _even(cls, levels: int) -> int:
        if levels % 2:
            raise ValueError("must be even (Morris 1991: then every step is the same size)")
        return levels


Design = Annotated[LHSDesign | SobolDesign | MorrisDesign, Field(discriminator="method")]
_DESIGNS = {"lhs": LHSDesign, "sobol": SobolDesign, "morris": MorrisDesign}


class SweepSpec(Frozen):
    """The contents of a sweep file, checked for structure (see :func:`read_sweep`)."""

    name: str = Field(min_length=1, max_length=100)
    description: str = ""
    base: str = Field(min_length=1, description="Base scenario file, relative to the sweep file.")
    scenario: dict[str, Any] = Field(
        default_factory=dict, description="Overrides merged onto the base scenario first.")
    runs: int = Field(ge=1, le=ensemble.MAX_RUNS, description="Replications per point.")
    seed: int = Field(ge=0, description="Master seed; point i uses spawn key (i,).")
    grid: dict[str, Any] = Field(default_factory=dict)
    zip: dict[str, dict[str, Any]] = Field(default_factory=dict)
    design: Design | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    labels: dict[str, str] = Field(default_factory=dict,
                                   description="Readable names of parameters, by path.")
    series: Literal["all", "none"] | tuple[str, ...] = Field(
        "all", description="Series whose quantiles are kept per point.")


# ------------------------------------------------------------------------ the sweep


@dataclasses.dataclass(frozen=True)
class Axis:
    """One dimension of a grid: one parameter, or a zipped group varied together."""

    name: str
    values: dict[str, tuple[Any, ...]]

    @property
    def size(self) -> int:
        return len(next(iter(self.values.values())))


@dataclasses.dataclass(frozen=True, eq=False)
class Sweep:
    """A validated sweep: the spec, its base scenario data and every point's values.

    Build one with :func:`read_sweep`.  Every point's scenario was validated
    when the sweep was read.

    Attributes
    ----------
    spec : SweepSpec
    source : str
        The sweep file (or ``"<dict>"``).
    text : str
        The sweep file's text, kept with the results.
    base : dict
        The base scenario as plain data (defaults filled, overrides merged).
    kind : str
        ``"grid"`` or the design method (``"lhs"``, ``"sobol"``, ``"morris"``).
    axes : tuple of Axis
        Grid dimensions (empty for designs).
    paths : tuple of str
        The swept parameter paths.
    values : dict
        Path -> array of each point's value (length ``n_points``).
    unit : ndarray or None
        Design points in the unit hypercube, shape (n_points, d) (designs only).
    """

    spec: SweepSpec
    source: str
    text: str
    base: dict[str, Any]
    kind: str
    axes: tuple[Axis, ...]
    paths: tuple[str, ...]
    values: dict[str, np.ndarray]
    unit: np.ndarray | None

    @property
    def n_points(self) -> int:
        return len(next(iter(self.values.values())))

    @property
    def shape(self) -> tuple[int, ...]:
        """Grid shape (one entry per axis); ``(n_points,)`` for designs."""
        return tuple(a.size for a in self.axes) if self.axes else (self.n_points,)

    @property
    def dims(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.axes) if self.axes else ("point",)

    @property
    def sha256(self) -> str:
        """Hash of what determines the results: the spec's runs, seed, points and base."""
        payload = {
            "runs": self.spec.runs, "seed": self.spec.seed, "kind": self.kind,
            "series": self.spec.series, "base": self.base, "dims": self.dims,
            "values": {p: [_plain(v) for v in self.values[p]] for p in self.paths},
        }
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def point_values(self, index: int) -> dict[str, Any]:
        """The swept values of point ``index``, by path."""
        return {p: _plain(self.values[p][index]) for p in self.paths}

    def point_data(self, index: int) -> dict[str, Any]:
        """The scenario data of point ``index`` (base with its values set)."""
        data = copy.deepcopy(self.base)
        allowed = settable_paths(data)
        # The strategy name first: it drops parameters the new strategy does not take.
        items = sorted(self.point_values(index).items(),
                       key=lambda kv: not kv[0].endswith("strategy.name"))
        for path, value in items:
            set_path(data, path, value, allowed)
        return data

    def scenario(self, index: int) -> Scenario:
        """The validated scenario of point ``index``."""
        return validate_scenario(self.point_data(index), source=f"{self.source} point {index}")

    def seed(self, index: int) -> np.random.SeedSequence:
        """The seed of point ``index``: ``SeedSequence(seed, spawn_key=(index,))``."""
        return np.random.SeedSequence(self.spec.seed, spawn_key=(int(index),))

    def points(self) -> Any:
        """Every point's values as a DataFrame indexed by point."""
        import pandas as pd

        return pd.DataFrame({p: self.values[p] for p in self.paths},
                            index=pd.RangeIndex(self.n_points, name="point"))

    def label(self, path: str) -> str:
        return self.spec.labels.get(path, path)

    def __repr__(self) -> str:
        return (f"<Sweep {self.spec.name!r}: {self.kind}, {self.n_points:,} points x "
                f"{self.spec.runs:,} runs over {', '.join(self.paths)}>")


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def read_sweep(source: str | Path | Mapping[str, Any], *, base_dir: str | Path | None = None
               ) -> Sweep:
    """Read and validate a sweep file (or its data) and every point's scenario.

    Parameters
    ----------
    source : str, Path or mapping
        A ``.yaml``/``.toml`` sweep file, or its parsed data.
    base_dir : str or Path, optional
        Folder the ``base`` path is relative to when ``source`` is data
        (default: the current folder).

    Returns
    -------
    Sweep

    Raises
    ------
    ScenarioError
        Naming the sweep file, each bad field's path (e.g.
        ``grid.monitoring.us.noise_sd[2]``), the bad value and what is allowed.

    Examples
    --------
    >>> from tradesim.sweep import read_sweep
    >>> sweep = read_sweep("sweeps/london-grid.yaml")
    >>> sweep.kind, sweep.shape
    ('grid', (5, 4))
    """
    if isinstance(source, Mapping):
        data, name, text = dict(source), "<dict>", json.dumps(source, default=str, indent=1)
        folder = Path(base_dir or ".")
    else:
        path = Path(source)
        data, name = read_data(path), str(path)
        text = path.read_text(encoding="utf-8")
        folder = path.parent
    if not isinstance(data, Mapping):
        raise ScenarioError(name, [Problem("", "a sweep file must be a mapping of fields "
                                               "(name, base, runs, seed, grid or design...)")])
    try:
        spec = SweepSpec.model_validate(dict(data))
    except ValidationError as exc:
        raise ScenarioError(name, problems_from(exc, data, SweepSpec, tags=_DESIGNS,
                                                lower_all=True)) from None

    base_path = folder / spec.base
    try:
        base_raw = read_data(base_path)
        base_scenario = validate_scenario(merge(base_raw, spec.scenario), source=str(base_path))
    except ScenarioError as exc:
        problems = [Problem(f"scenario.{p.path}" if p.path.split(".")[0] in spec.scenario
                            else "base", f"{exc.source}: {p}") for p in exc.problems]
        raise ScenarioError(name, problems) from None
    base = base_scenario.model_dump(mode="json")
    allowed = settable_paths(base)

    problems: list[Problem] = []
    axes: list[Axis] = []
    ranges: dict[str, Range | Choices] = {}
    seen: dict[str, str] = {}

    def check_path(where: str, path: str) -> bool:
        if path in seen:
            problems.append(Problem(where, f"the parameter is already swept in {seen[path]}"))
            return False
        seen[path] = where
        if path not in allowed:
            hint = suggest(path, allowed) or \
                " (see Scenario.parameter_paths() or `tradesim schema`)"
            problems.append(Problem(where, f"unknown parameter path{hint}"))
            return False
        return True

    def check_values(where: str, path: str, values: list[Any]) -> None:
        for k, value in enumerate(values):
            data = copy.deepcopy(base)
            set_path(data, path, value, allowed)
            try:
                validate_scenario(data)
            except ScenarioError as exc:
                message = "; ".join(p.message for p in exc.problems)
                problems.append(Problem(f"{where}[{k}]", f"{message} (at {path})", value, True))

    def grid_values(where: str, raw: Any) -> list[Any] | None:
        if isinstance(raw, Mapping):
            try:
                return Linspace.model_validate(dict(raw)).values()
            except (ValidationError, ValueError) as exc:
                message = "; ".join(error_messages(exc, tags=_DESIGNS)) \
                    if isinstance(exc, ValidationError) else str(exc)
                problems.append(Problem(where, f"expected a list of values or "
                                               f"{{start, stop, num[, log]}}: {message}"))
                return None
        if isinstance(raw, list) and raw and all(isinstance(v, Scalar) for v in raw):
            if len(set(map(repr, raw))) != len(raw):
                problems.append(Problem(where, "values must not repeat", raw, True))
                return None
            return list(raw)
        problems.append(Problem(where, "expected a non-empty list of numbers or names, or "
                                       "{start, stop, num[, log]}", raw, True))
        return None

    design = spec.design
    if design is None and not (spec.grid or spec.zip):
        problems.append(Problem("", "a sweep needs 'grid' (and/or 'zip'), or 'design' with "
                                    "'parameters'"))
    if design is not None and (spec.grid or spec.zip):
        problems.append(Problem("design", "use either 'grid'/'zip' or 'design', not both"))
    if design is None and spec.parameters:
        problems.append(Problem("parameters", "'parameters' (ranges) need a 'design' "
                                              "(method: lhs, sobol or morris); for a grid "
                                              "list values under 'grid'"))
    if design is not None and not spec.parameters:
        problems.append(Problem("parameters", "a design needs at least one parameter range"))

    for path, raw in spec.grid.items():
        where = f"grid.{path}"
        values = grid_values(where, raw)
        if check_path(where, path) and values is not None:
            check_values(where, path, values)
            axes.append(Axis(path, {path: tuple(values)}))
    for group, members in spec.zip.items():
        if group in spec.grid or group == "point" or group in ("outcome", "milestone", "week",
                                                               "series", "stat"):
            problems.append(Problem(f"zip.{group}", "group name clashes with another "
                                                    "dimension; choose another"))
        if not members:
            problems.append(Problem(f"zip.{group}", "a zipped group needs parameters"))
            continue
        lists: dict[str, tuple[Any, ...]] = {}
        for path, raw in members.items():
            where = f"zip.{group}.{path}"
            values = grid_values(where, raw)
            if check_path(where, path) and values is not None:
                check_values(where, path, values)
                lists[path] = tuple(values)
        lengths = {len(v) for v in lists.values()}
        if len(lengths) > 1:
            got = ", ".join(str(len(v)) for v in lists.values())
            problems.append(Problem(f"zip.{group}",
                                    f"zipped lists must have the same length, got {got}"))
        elif lists and len(lists) == len(members):
            axes.append(Axis(group, lists))
    for path, raw in spec.parameters.items():
        where = f"parameters.{path}"
        parsed = _parse_range(where, raw, problems)
        if check_path(where, path) and parsed is not None:
            ranges[path] = parsed
            ends = list(parsed.choices) if isinstance(parsed, Choices) else [parsed.low,
                                                                             parsed.high]
            check_values(where, path, ends)
    for path in spec.labels:
        if path not in seen:
            problems.append(Problem(f"labels.{path}", "not a swept parameter"))
    if problems:
        raise ScenarioError(name, problems)

    unit = None
    if design is None:
        kind = "grid"
        n_points = math.prod(a.size for a in axes)
        if n_points > MAX_POINTS:
            raise ScenarioError(name, [Problem("grid", f"{n_points:,} points: at most "
                                                       f"{MAX_POINTS:,} allowed")])
        values: dict[str, np.ndarray] = {}
        index = np.indices([a.size for a in axes]).reshape(len(axes), -1)
        for k, axis in enumerate(axes):
            for path, vals in axis.values.items():
                values[path] = _array(vals)[index[k]]
        paths = tuple(values)
    else:
        kind = design.method
        paths = tuple(ranges)
        rng = np.random.default_rng(np.random.SeedSequence([spec.seed, _DESIGN_TAG]))
        unit = _design_unit(design, len(paths), rng)
        if unit.shape[0] > MAX_POINTS:
            raise ScenarioError(name, [Problem("design", f"{unit.shape[0]:,} points: at most "
                                                         f"{MAX_POINTS:,} allowed")])
        values = {}
        for j, path in enumerate(paths):
            col = ranges[path].from_unit(unit[:, j])
            values[path] = _array(list(col))
    if spec.series not in ("all", "none"):
        known = _series_names(base_scenario)
        bad = [s for s in spec.series if s not in known]
        if bad:
            raise ScenarioError(name, [Problem("series", f"unknown series{suggest(bad[0], known)}",
                                               bad[0], True)])
    sweep = Sweep(spec=spec, source=name, text=text, base=base, kind=kind, axes=tuple(axes),
                  paths=paths, values=values, unit=unit)
    # Every point's scenario must validate (e.g. a strategy and a parameter it lacks).
    point_problems = []
    for i in range(sweep.n_points):
        try:
            sweep.scenario(i)
        except ScenarioError as exc:
            values_text = ", ".join(f"{p}={v!r}" for p, v in sweep.point_values(i).items())
            point_problems.append(Problem(f"point {i} ({values_text})",
                                          "; ".join(str(p) for p in exc.problems)))
            if len(point_problems) >= 5:
                break
    if point_problems:
        raise ScenarioError(name, point_problems)
    return sweep



def _array(values: Sequence[Any]) -> np.ndarray:
    if all(isinstance(v, int | float | np.number) and not isinstance(v, bool) for v in values):
        return np.asarray(values, dtype=np.float64)
    if all(isinstance(v, str) for v in values):
        return np.asarray(values, dtype=str)
    return np.asarray(values, dtype=object)


def _parse_range(where: str, raw: Any, problems: list[Problem]) -> Range | Choices | None:
    if isinstance(raw, Mapping) and "choices" in raw:
        try:
            return Choices.model_validate(dict(raw))
        except ValidationError as exc:
            problems.append(Problem(where, "; ".join(error_messages(exc, tags=_DESIGNS))))
            return None
    if isinstance(raw, Mapping):
        try:
            rng = Range.model_validate(dict(raw))
        except ValidationError as exc:
            problems.append(Problem(where, "expected {low, high[, log]} or {choices: [...]}: "
                                    + "; ".join(error_messages(exc, tags=_DESIGNS))))
            return None
        if not rng.low < rng.high:
            problems.append(Problem(where, "low must be less than high", dict(raw), True))
            return None
        if rng.log and rng.low <= 0:
            problems.append(Problem(where, "log: true needs low greater than 0", dict(raw), True))
            return None
        return rng
    problems.append(Problem(where, "expected {low, high[, log]} or {choices: [...]}", raw, True))
    return None


def _design_unit(design: Any, d: int, rng: np.random.Generator) -> np.ndarray:
    """Design points in [0, 1)^d, rows in point order."""
    from scipy.stats import qmc

    if isinstance(design, LHSDesign):
        return qmc.LatinHypercube(d, optimization=design.optimization, rng=rng).random(
            design.points)
    if isinstance(design, SobolDesign):
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


def _series_names(scenario: Scenario) -> list[str]:
    from .model import TradeModel

    return TradeModel.series_names_for(scenario)


# ---------------------------------------------------------------------- one point


def compute_point(scenario: Scenario, runs: int, seed: np.random.SeedSequence,
                  series: Any = "all") -> dict[str, np.ndarray]:
    """Run one point and reduce it to its summary arrays (the task a worker runs).

    Returns
    -------
    dict
        ``probability``, ``count``, ``ci95_low``, ``ci95_high`` (outcome),
        ``median_week`` (milestone, NaN where fewer than half reach it),
        ``milestone_cdf`` (week, milestone), ``series_stats`` (series, week, stat).
    """
    results = ensemble.run(scenario, runs=runs, seed=seed, workers=1, keep_trajectories=0,
                           progress=False)
    s = results.summary()
    names = _selected_series(results.series_names, series)
    stats = np.empty((len(names), scenario.horizon_weeks + 1, len(STATS)))
    for k, name in enumerate(names):
        frame = s.series[name]
        for j, stat in enumerate(STATS):
            stats[k, :, j] = frame[stat].to_numpy()
    return {
        "probability": s.outcomes["probability"].to_numpy(dtype=np.float64),
        "count": s.outcomes["count"].to_numpy(dtype=np.int64),
        "ci95_low": s.outcomes["ci95_low"].to_numpy(dtype=np.float64),
        "ci95_high": s.outcomes["ci95_high"].to_numpy(dtype=np.float64),
        "median_week": np.array([np.nan if s.median_weeks[m] is None else s.median_weeks[m]
                                 for m in MILESTONES], dtype=np.float64),
        "milestone_cdf": s.milestones[list(MILESTONES)].to_numpy(dtype=np.float64),
        "series_stats": stats,
    }


def _selected_series(names: list[str], series: Any) -> list[str]:
    if series == "all":
        return list(names)
    if series == "none":
        return []
    return [n for n in names if n in set(series)]


_POINT_DIMS = {
    "probability": ("outcome",), "count": ("outcome",), "ci95_low": ("outcome",),
    "ci95_high": ("outcome",), "median_week": ("milestone",),
    "milestone_cdf": ("week", "milestone"), "series_stats": ("series", "week", "stat"),
}
_ATTRS = {
    "probability": {"long_name": "share of runs ending in the outcome", "units": "1"},
    "count": {"long_name": "runs ending in the outcome", "units": "runs"},
    "ci95_low": {"long_name": "Wilson 95% interval, low", "units": "1"},
    "ci95_high": {"long_name": "Wilson 95% interval, high", "units": "1"},
    "median_week": {"long_name": "median week the milestone is reached "
                                 "(NaN: reached by fewer than half by the horizon)",
                    "units": "weeks from start_date"},
    "milestone_cdf": {"long_name": "share of runs that reached the milestone by the week",
                      "units": "1"},
    "series_stats": {"long_name": "mean and quantiles across runs of each weekly series",
                     "units": "levels and indices in [0, 1]"},
}


# ----------------------------------------------------------------------- executors


Task = tuple[int, tuple[Scenario, int, np.random.SeedSequence, Any, Path | None, int, str]]


def _compute_and_write(scenario: Scenario, runs: int, seed: np.random.SeedSequence,
                       series: Any, out: Path | None, index: int, sha: str
                       ) -> dict[str, np.ndarray]:
    """A point's task: compute it and, with an output folder, write its file (atomically).

    Where the executor runs tasks on this machine the worker writes the file
    itself, sparing the parent, which would otherwise take CPU from the
    workers for every point.
    """
    result = compute_point(scenario, runs, seed, series)
    if out is not None:
        _write_point(out, index, result, sha)
    return result


# -------------------------------------------------------------------- files on disk


def _point_file(out: Path, index: int) -> Path:
    return out / POINTS_DIR / f"{index:07d}.nc"


def _write_point(out: Path, index: int, result: dict[str, np.ndarray], sha: str) -> None:
    import xarray as xr

    ds = xr.Dataset({k: (_POINT_DIMS[k], v) for k, v in result.items()},
                    attrs={"sweep_sha256": sha, "point": index})
    atomic_write(_point_file(out, index), lambda tmp: ds.to_netcdf(tmp, engine="h5netcdf"))


def _read_point(path: Path) -> tuple[str, dict[str, np.ndarray]]:
    import xarray as xr

    with xr.open_dataset(path, engine="h5netcdf") as ds:
        return str(ds.attrs.get("sweep_sha256", "")), {k: ds[k].values for k in _POINT_DIMS}


def _finished(out: Path, sha: str) -> dict[int, Path]:
    """Finished point files of this sweep in ``out``; a foreign one is an error."""
    found: dict[int, Path] = {}
    folder = out / POINTS_DIR
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob("*.nc")):
        if path.name.startswith("."):
            continue
        other, _ = _read_point(path)
        if other != sha:
            raise ScenarioError(str(out), [Problem(
                "", f"holds points of a different sweep ({path.name}: sweep {other[:12]}, "
                    f"this sweep {sha[:12]}): choose another output folder")])
        found[int(path.stem)] = path
    return found


def _versions() -> dict[str, str]:
    import mesa
    import scipy
    import xarray as xr

    from . import __version__

    return {"tradesim": __version__, "numpy": np.__version__, "scipy": scipy.__version__,
            "mesa": mesa.__version__, "xarray": xr.__version__}


def _assemble(sweep: Sweep, results: Mapping[int, dict[str, np.ndarray]]) -> Any:
    """The sweep's Dataset from per-point results (missing points are NaN)."""
    import pandas as pd
    import xarray as xr

    n = sweep.n_points
    names = _selected_series(_series_names(validate_scenario(sweep.base)), sweep.spec.series)
    horizon = int(sweep.base["horizon_weeks"])
    shapes = {"outcome": len(OUTCOMES), "milestone": len(MILESTONES), "week": horizon + 1,
              "series": len(names), "stat": len(STATS)}
    finished = np.zeros(n, dtype=bool)
    finished[[i for i in results if 0 <= i < n]] = True
    data_vars: dict[str, Any] = {}
    for key, dims in _POINT_DIMS.items():
        arr = np.full((n, *(shapes[d] for d in dims)),
                      0 if key == "count" else np.nan,
                      dtype=np.int64 if key == "count" else np.float64)
        for i, res in results.items():
            arr[i] = res[key]
        data_vars[key] = (dims, arr)
    data_vars["finished"] = ((), finished)
    coords: dict[str, Any] = {
        "outcome": list(OUTCOMES), "milestone": list(MILESTONES), "week": np.arange(horizon + 1),
        "date": ("week", pd.date_range(sweep.base["start_date"], periods=horizon + 1,
                                       freq="7D").values),
        "series": names, "stat": list(STATS),
    }
    shape, dims = sweep.shape, sweep.dims
    ds_vars = {}
    for key, (vdims, arr) in data_vars.items():
        if key == "finished":
            ds_vars[key] = (dims, arr.reshape(shape))
        else:
            ds_vars[key] = ((*dims, *vdims), arr.reshape(*shape, *arr.shape[1:]),
                            _ATTRS.get(key, {}))
    if sweep.axes:
        for axis in sweep.axes:
            for path, vals in axis.values.items():
                coords[path] = (axis.name, _array(vals), {"long_name": sweep.label(path)})
    else:
        coords["point"] = np.arange(n)
        for path in sweep.paths:
            coords[path] = ("point", sweep.values[path], {"long_name": sweep.label(path)})
        ds_vars["unit_sample"] = (("point", "parameter"), sweep.unit,
                                  {"long_name": "design point in the unit hypercube"})
        coords["parameter"] = list(sweep.paths)
    attrs = {
        "title": f"tradesim sweep {sweep.spec.name}",
        "name": sweep.spec.name, "description": sweep.spec.description,
        "kind": sweep.kind, "runs": sweep.spec.runs, "seed": str(sweep.spec.seed),
        "sweep_sha256": sweep.sha256, "sweep_file": sweep.text, "sweep_source": sweep.source,
        "swept": json.dumps(list(sweep.paths)), "labels": json.dumps(dict(sweep.spec.labels)),
        "horizon_weeks": horizon, "start_date": str(sweep.base["start_date"]),
        "base_scenario": json.dumps(sweep.base), "versions": json.dumps(_versions()),
        "seeding": "point i: SeedSequence(seed, spawn_key=(i,)); replication r of it: "
                   "spawn_key=(i, r)",
    }
    if sweep.spec.design is not None:
        attrs["design"] = sweep.spec.design.model_dump_json()
    return xr.Dataset(ds_vars, coords=coords, attrs=attrs)


def _save(ds: Any, out: Path, fmt: str) -> Path:
    target = out / RESULT_FILES[fmt]
    if fmt == "netcdf":
        encoding = {k: {"compression": "gzip", "compression_opts": 4}
                    for k in ds.data_vars if ds[k].ndim}
        atomic_write(target, lambda tmp: ds.to_netcdf(tmp, engine="h5netcdf", encoding=encoding))
        return target
    try:
        import zarr  # noqa: F401
    except ImportError:
        raise ImportError("Zarr output needs the optional 'zarr' extra: "
                          "pip install 'tradesim[zarr]'") from None
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=out))
    try:
        ds.to_zarr(tmp / "store.zarr", mode="w")
        old = None
        if target.exists():
            old = out / f".{target.name}.old"
            shutil.rmtree(old, ignore_errors=True)
            os.replace(target, old)
        os.replace(tmp / "store.zarr", target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


# ---------------------------------------------------------------------- public API


def run_sweep(
    sweep: Sweep | str | Path,
    out: str | Path | None = None,
    *,
    executor: str = "processes",
    workers: int | None = None,
    scheduler: Any = None,
    resume: bool = False,
    format: str = "netcdf",
    progress: bool | None = None,
    on_point: Callable[[int, int], None] | None = None,
) -> Any:
    """Run every point of a sweep and return its results as an xarray Dataset.

    Parameters
    ----------
    sweep : Sweep, str or Path
        A sweep (see :func:`read_sweep`) or a sweep file.
    out : str or Path, optional
        Output folder.  Each finished point is written at once to
        ``out/points/NNNNNNN.nc`` (atomically), then the whole sweep to
        ``out/sweep.nc`` (or ``sweep.zarr``), with the sweep file, its hash and
        the library versions as attributes.  ``None`` keeps results in memory.
    executor : {"serial", "processes", "dask"}
        Where points run.  ``"processes"`` uses a pool of ``workers`` local
        processes; ``"dask"`` a LocalCluster of ``workers`` processes bound to
        127.0.0.1, or the cluster at ``scheduler``.  Results are identical, bit
        for bit, for every executor.
    workers : int, optional
        Worker processes (default: all cores); ignored with ``scheduler``.
    scheduler : str or distributed.Client, optional
        With ``executor="dask"``: a running scheduler (``"tcp://host:8786"``)
        or client to use instead of a LocalCluster.
    resume : bool
        Skip points already finished in ``out`` (they must come from the same
        sweep: same points, runs, seed and base scenario).  Without it an
        ``out`` holding finished points is an error, so nothing is overwritten
        by mistake.
    format : {"netcdf", "zarr"}
        Format of the assembled results.
    progress : bool, optional
        Progress bar over points (``tqdm.auto``); default: on for sweeps of
        more than one point.
    on_point : callable, optional
        Called as ``on_point(done, total)`` after each point (e.g. for logging).

    Returns
    -------
    xarray.Dataset
        Dimensions: the grid's axes (one per parameter or zipped group) or
        ``point`` for designs; ``outcome``, ``milestone``, ``week``,
        ``series``, ``stat``.  Variables: ``probability``, ``count``,
        ``ci95_low``, ``ci95_high``, ``median_week``, ``milestone_cdf``,
        ``series_stats``, ``finished``; designs add ``unit_sample``.

    Raises
    ------
    ScenarioError
        For an invalid sweep file or an output folder of another sweep.
    ImportError
        For ``executor="dask"`` without the ``dask`` extra (the message names it).

    Examples
    --------
    >>> from tradesim.sweep import read_sweep, run_sweep
    >>> sweep = read_sweep({"name": "tiny", "base": "scenarios/london-2025.yaml",
    ...                     "scenario": {"horizon_weeks": 8}, "runs": 20, "seed": 1,
    ...                     "grid": {"monitoring.us.noise_sd": [0.05, 0.3]}})
    >>> ds = run_sweep(sweep, executor="serial", progress=False)
    >>> ds["probability"].sizes["monitoring.us.noise_sd"]
    2
    """
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r} (known: {', '.join(FORMATS)})")
    executors.check(executor, scheduler)
    if not isinstance(sweep, Sweep):
        sweep = read_sweep(sweep)
    workers = executors.resolve_workers(workers)
    sha = sweep.sha256
    n = sweep.n_points
    results: dict[int, dict[str, np.ndarray]] = {}
    out_path = None if out is None else Path(out)
    if out_path is not None:
        done = _finished(out_path, sha)
        if done and not resume:
            raise ScenarioError(str(out_path), [Problem(
                "", f"already holds {len(done):,} finished points of this sweep: pass "
                    "--resume (resume=True) to continue it, or choose another output folder")])
        for index, path in done.items():
            results[index] = _read_point(path)[1]
        meta = {"format": "tradesim-sweep/1", "sweep_sha256": sha, "name": sweep.spec.name,
                "points": n, "dims": list(sweep.dims), "versions": _versions()}
        write_text(out_path / META_FILE, json.dumps(meta, indent=1))
        suffix = Path(sweep.source).suffix if sweep.source != "<dict>" else ".json"
        write_text(out_path / f"sweep{suffix}", sweep.text)

    todo = [i for i in range(n) if i not in results]
    workers = max(1, min(workers, len(todo) or 1))

    def tasks(out: Path | None) -> Iterator[Task]:
        for i in todo:
            yield i, (sweep.scenario(i), sweep.spec.runs, sweep.seed(i), sweep.spec.series,
                      out, i, sha)

    if progress is None:
        progress = n > 1
    from tqdm.auto import tqdm

    bar = tqdm(total=n, initial=n - len(todo), desc=sweep.spec.name, unit="point",
               disable=not progress, leave=False)
    try:
        if todo:
            with executors.make_executor(executor, workers, scheduler) as pool:
                # Workers on this machine write their own point files; others' are
                # written here.
                local = pool.shares_files
                for index, result in pool.map_unordered(
                        _compute_and_write, tasks(out_path if local else None)):
                    if out_path is not None and not local:
                        _write_point(out_path, index, result, sha)
                    results[index] = result
                    bar.update(1)
                    if on_point is not None:
                        on_point(len(results), n)
    finally:
        bar.close()
    ds = _assemble(sweep, results)
    if out_path is not None:
        _save(ds, out_path, format)
    return ds


def load_sweep(directory: str | Path) -> Any:
    """Load a sweep's results from its output folder.

    A completed sweep is read from ``sweep.nc`` (or ``sweep.zarr``); an
    unfinished one is assembled from its finished points, the others NaN
    (see the ``finished`` variable).

    Raises
    ------
    ScenarioError
        If the folder holds no tradesim sweep.
    """
    import xarray as xr

    directory = Path(directory)
    for fmt, name in RESULT_FILES.items():
        path = directory / name
        if path.exists():
            if fmt == "netcdf":
                with xr.open_dataset(path, engine="h5netcdf") as ds:
                    return ds.load()
            return xr.open_zarr(path).load()
    meta_path = directory / META_FILE
    sweep_files = sorted(directory.glob("sweep.*"))
    sweep_file = next((p for p in sweep_files if p.suffix in (".yaml", ".yml", ".toml")), None)
    if not meta_path.is_file() or sweep_file is None:
        raise ScenarioError(str(directory), [Problem("", "no tradesim sweep here (need "
                                                         f"{RESULT_FILES['netcdf']}, or "
                                                         f"{META_FILE} and the sweep file)")])
    raise ScenarioError(str(directory), [Problem(
        "", "the sweep is unfinished: rerun it with --resume to finish it, or read its "
            f"points with tradesim.sweep.load_points({str(directory)!r}, sweep_file)")])


def load_points(directory: str | Path, sweep: Sweep | str | Path) -> Any:
    """Assemble the finished points in ``directory`` of an unfinished sweep.

    Points not yet finished are NaN (``finished`` is False there).
    """
    if not isinstance(sweep, Sweep):
        sweep = read_sweep(sweep)
    done = _finished(Path(directory), sweep.sha256)
    return _assemble(sweep, {i: _read_point(p)[1] for i, p in done.items()})
