"""The sweep file: its schema, and reading it into a validated :class:`Sweep`.

:func:`read_sweep` checks a sweep file in stages: the fields (:class:`SweepSpec`),
the base scenario, every swept path and value (all problems at once), the design's
size, the kept series and finally every point's scenario.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, ValidationError, field_validator

from .. import ensemble
from ..errors import Frozen, Problem, ScenarioError, error_messages, problems_from, suggest
from ..io import merge, read_data
from ..paths import set_path, settable_paths
from ..scenario import Scenario, validate_scenario
from .designs import design_rng, design_unit, design_values, grid_values

__all__ = ["MAX_POINTS", "Axis", "Choices", "LHSDesign", "Linspace", "MorrisDesign", "Range",
           "SobolDesign", "Sweep", "SweepSpec", "read_sweep"]

#: Most points a sweep may have.
MAX_POINTS = 1_000_000
# Names a zipped group may not take: the dimensions of the results.
_RESERVED_DIMS = ("point", "outcome", "milestone", "week", "series", "stat")


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
DESIGNS = {"lhs": LHSDesign, "sobol": SobolDesign, "morris": MorrisDesign}


class Lever(Frozen):
    """A policy lever: a named choice the user controls, at a parameter path."""

    path: str = Field(min_length=1, description="Parameter path the lever sets, e.g. "
                                                "'actors.us.strategy.name'.")
    choices: tuple[Scalar, ...] = Field(min_length=1, description="The settings to compare.")
    label: str = Field("", description="Readable name of the lever.")


class RobustGoal(Frozen):
    """What ``tradesim robust`` scores: the probability of one outcome, and its direction."""

    outcome: str = Field("breakdown", description="Outcome whose probability is scored.")
    goal: Literal["minimise", "maximise"] = "minimise"
    threshold: float = Field(0.2, ge=0, le=1, description="Satisficing bound on the "
                                                          "probability (at most, when "
                                                          "minimising; at least, when "
                                                          "maximising).")


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
    levers: dict[str, Lever] = Field(
        default_factory=dict, description="Policy levers (named choices), evaluated over the "
                                          "swept uncertainties by `tradesim robust`.")
    robust: RobustGoal = Field(default_factory=RobustGoal,
                               description="What `tradesim robust` scores.")


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
            "values": {p: [plain(v) for v in self.values[p]] for p in self.paths},
        }
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def point_values(self, index: int) -> dict[str, Any]:
        """The swept values of point ``index``, by path."""
        return {p: plain(self.values[p][index]) for p in self.paths}

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

    def _repr_html_(self) -> str:
        from ..display import sweep_html

        return sweep_html(self)

    def __repr__(self) -> str:
        return (f"<Sweep {self.spec.name!r}: {self.kind}, {self.n_points:,} points x "
                f"{self.spec.runs:,} runs over {', '.join(self.paths)}>")


def plain(value: Any) -> Any:
    """``value`` as a plain Python scalar if it is a NumPy one."""
    return value.item() if isinstance(value, np.generic) else value


def series_names(scenario: Scenario) -> list[str]:
    """Every weekly series a run of ``scenario`` records."""
    from ..model import TradeModel

    return TradeModel.series_names_for(scenario)


# ------------------------------------------------------------------ reading a sweep


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
        ``grid.monitoring.us.channels.magnets.noise_sd[2]``), the bad value and what is allowed.

    Examples
    --------
    >>> from tradesim.sweep import read_sweep
    >>> sweep = read_sweep("sweeps/london-grid.yaml")
    >>> sweep.kind, sweep.shape
    ('grid', (5, 4))
    """
    data, name, text, folder = _load(source, base_dir)
    spec = _validate_spec(data, name)
    base_scenario = _base_scenario(spec, folder, name)
    base = base_scenario.model_dump(mode="json")
    checker = _Checker(base)
    _check_layout(spec, checker.problems)
    axes = _grid_axes(spec, checker)
    ranges = _design_ranges(spec, checker)
    _check_labels(spec, checker)
    _check_levers(spec, checker)
    if checker.problems:
        raise ScenarioError(name, checker.problems)
    kind, unit, values = _points(spec, axes, ranges, name)
    _check_series(spec, base_scenario, name)
    sweep = Sweep(spec=spec, source=name, text=text, base=base, kind=kind, axes=tuple(axes),
                  paths=tuple(values), values=values, unit=unit)
    _check_points(sweep, name)
    return sweep


def _load(source: str | Path | Mapping[str, Any], base_dir: str | Path | None
          ) -> tuple[Any, str, str, Path]:
    """The sweep's data, its name, its text and the folder ``base`` is relative to."""
    if isinstance(source, Mapping):
        return (dict(source), "<dict>", json.dumps(source, default=str, indent=1),
                Path(base_dir or "."))
    path = Path(source)
    return read_data(path), str(path), path.read_text(encoding="utf-8"), path.parent


def _validate_spec(data: Any, name: str) -> SweepSpec:
    if not isinstance(data, Mapping):
        raise ScenarioError(name, [Problem("", "a sweep file must be a mapping of fields "
                                               "(name, base, runs, seed, grid or design...)")])
    try:
        return SweepSpec.model_validate(dict(data))
    except ValidationError as exc:
        raise ScenarioError(name, problems_from(exc, data, SweepSpec, tags=DESIGNS,
                                                lower_all=True)) from None


def _base_scenario(spec: SweepSpec, folder: Path, name: str) -> Scenario:
    """The base scenario with the spec's overrides merged; its problems name the sweep."""
    base_path = folder / spec.base
    try:
        base_raw = read_data(base_path)
        return validate_scenario(merge(base_raw, spec.scenario), source=str(base_path))
    except ScenarioError as exc:
        problems = [Problem(f"scenario.{p.path}" if p.path.split(".")[0] in spec.scenario
                            else "base", f"{exc.source}: {p}") for p in exc.problems]
        raise ScenarioError(name, problems) from None


class _Checker:
    """Checks swept paths and values against the base scenario, collecting problems."""

    def __init__(self, base: dict[str, Any]) -> None:
        self.base = base
        self.allowed = settable_paths(base)
        self.problems: list[Problem] = []
        self.seen: dict[str, str] = {}  # path -> where it is swept

    def path(self, where: str, path: str) -> bool:
        """Whether ``path`` is a settable parameter not swept elsewhere."""
        if path in self.seen:
            self.problems.append(Problem(where, "the parameter is already swept in "
                                                f"{self.seen[path]}"))
            return False
        self.seen[path] = where
        if path not in self.allowed:
            hint = suggest(path, self.allowed) or \
                " (see Scenario.parameter_paths() or `tradesim schema`)"
            self.problems.append(Problem(where, f"unknown parameter path{hint}"))
            return False
        return True

    def values(self, where: str, path: str, values: list[Any]) -> None:
        """Validate the base scenario with each of ``values`` at ``path``."""
        for k, value in enumerate(values):
            data = copy.deepcopy(self.base)
            set_path(data, path, value, self.allowed)
            try:
                validate_scenario(data)
            except ScenarioError as exc:
                message = "; ".join(p.message for p in exc.problems)
                self.problems.append(Problem(f"{where}[{k}]", f"{message} (at {path})", value,
                                             True))

    def swept(self, where: str, path: str, values: list[Any] | None) -> bool:
        """Check a swept path and (if they parsed) its values; whether both are good."""
        if self.path(where, path) and values is not None:
            self.values(where, path, values)
            return True
        return False

    def grid_values(self, where: str, raw: Any) -> list[Any] | None:
        """A grid entry's values: a list, or a :class:`Linspace` mapping."""
        if isinstance(raw, Mapping):
            try:
                return Linspace.model_validate(dict(raw)).values()
            except (ValidationError, ValueError) as exc:
                message = "; ".join(error_messages(exc, tags=DESIGNS)) \
                    if isinstance(exc, ValidationError) else str(exc)
                self.problems.append(Problem(where, f"expected a list of values or "
                                                    f"{{start, stop, num[, log]}}: {message}"))
                return None
        if isinstance(raw, list) and raw and all(isinstance(v, Scalar) for v in raw):
            if len(set(map(repr, raw))) != len(raw):
                self.problems.append(Problem(where, "values must not repeat", raw, True))
                return None
            return list(raw)
        self.problems.append(Problem(where, "expected a non-empty list of numbers or names, or "
                                            "{start, stop, num[, log]}", raw, True))
        return None


def _check_levers(spec: SweepSpec, checker: _Checker) -> None:
    """Each lever sets a settable path not swept as an uncertainty, to valid values."""
    from ..vocab import OUTCOMES

    for name, lever in spec.levers.items():
        where = f"levers.{name}"
        if not name.isidentifier():
            checker.problems.append(Problem(where, "a lever's name must be an identifier "
                                                   "(letters, digits, _)", name, True))
        if checker.path(f"{where}.path", lever.path):
            checker.values(f"{where}.choices", lever.path, list(lever.choices))
    if spec.robust.outcome not in OUTCOMES:
        checker.problems.append(Problem("robust.outcome", f"not an outcome"
                                        f"{suggest(spec.robust.outcome, OUTCOMES)} (outcomes: "
                                        f"{', '.join(OUTCOMES)})", spec.robust.outcome, True))


def _check_layout(spec: SweepSpec, problems: list[Problem]) -> None:
    """A sweep is a grid (``grid``/``zip``) or a design with ``parameters``, not both."""
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


def _grid_axes(spec: SweepSpec, checker: _Checker) -> list[Axis]:
    """The grid's axes: one per ``grid`` parameter, then one per ``zip`` group."""
    axes: list[Axis] = []
    for path, raw in spec.grid.items():
        where = f"grid.{path}"
        values = checker.grid_values(where, raw)
        if checker.swept(where, path, values):
            axes.append(Axis(path, {path: tuple(values)}))
    for group, members in spec.zip.items():
        axis = _zip_axis(spec, group, members, checker)
        if axis is not None:
            axes.append(axis)
    return axes


def _zip_axis(spec: SweepSpec, group: str, members: dict[str, Any], checker: _Checker
              ) -> Axis | None:
    """The axis of a zipped group, or None (with its problems noted)."""
    problems = checker.problems
    if group in spec.grid or group in _RESERVED_DIMS:
        problems.append(Problem(f"zip.{group}", "group name clashes with another "
                                                "dimension; choose another"))
    if not members:
        problems.append(Problem(f"zip.{group}", "a zipped group needs parameters"))
        return None
    lists: dict[str, tuple[Any, ...]] = {}
    for path, raw in members.items():
        where = f"zip.{group}.{path}"
        values = checker.grid_values(where, raw)
        if checker.swept(where, path, values):
            lists[path] = tuple(values)
    lengths = {len(v) for v in lists.values()}
    if len(lengths) > 1:
        got = ", ".join(str(len(v)) for v in lists.values())
        problems.append(Problem(f"zip.{group}",
                                f"zipped lists must have the same length, got {got}"))
    elif lists and len(lists) == len(members):
        return Axis(group, lists)
    return None


def _design_ranges(spec: SweepSpec, checker: _Checker) -> dict[str, Range | Choices]:
    """The design's parameter ranges, each end (or choice) checked."""
    ranges: dict[str, Range | Choices] = {}
    for path, raw in spec.parameters.items():
        where = f"parameters.{path}"
        parsed = _parse_range(where, raw, checker.problems)
        if checker.path(where, path) and parsed is not None:
            ranges[path] = parsed
            ends = list(parsed.choices) if isinstance(parsed, Choices) else [parsed.low,
                                                                             parsed.high]
            checker.values(where, path, ends)
    return ranges


def _parse_range(where: str, raw: Any, problems: list[Problem]) -> Range | Choices | None:
    if isinstance(raw, Mapping) and "choices" in raw:
        try:
            return Choices.model_validate(dict(raw))
        except ValidationError as exc:
            problems.append(Problem(where, "; ".join(error_messages(exc, tags=DESIGNS))))
            return None
    if isinstance(raw, Mapping):
        try:
            rng = Range.model_validate(dict(raw))
        except ValidationError as exc:
            problems.append(Problem(where, "expected {low, high[, log]} or {choices: [...]}: "
                                    + "; ".join(error_messages(exc, tags=DESIGNS))))
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


def _check_labels(spec: SweepSpec, checker: _Checker) -> None:
    for path in spec.labels:
        if path not in checker.seen:
            checker.problems.append(Problem(f"labels.{path}", "not a swept parameter"))


def _points(spec: SweepSpec, axes: list[Axis], ranges: dict[str, Range | Choices], name: str
            ) -> tuple[str, np.ndarray | None, dict[str, np.ndarray]]:
    """The sweep's kind, its unit-hypercube sample (designs) and every point's values."""
    if spec.design is None:
        n_points = math.prod(a.size for a in axes)
        if n_points > MAX_POINTS:
            raise ScenarioError(name, [Problem("grid", f"{n_points:,} points: at most "
                                                       f"{MAX_POINTS:,} allowed")])
        return "grid", None, grid_values(axes)
    unit = design_unit(spec.design, len(ranges), design_rng(spec.seed))
    if unit.shape[0] > MAX_POINTS:
        raise ScenarioError(name, [Problem("design", f"{unit.shape[0]:,} points: at most "
                                                     f"{MAX_POINTS:,} allowed")])
    return spec.design.method, unit, design_values(unit, ranges)


def _check_series(spec: SweepSpec, base_scenario: Scenario, name: str) -> None:
    if spec.series not in ("all", "none"):
        known = series_names(base_scenario)
        bad = [s for s in spec.series if s not in known]
        if bad:
            raise ScenarioError(name, [Problem("series", f"unknown series{suggest(bad[0], known)}",
                                               bad[0], True)])


def _check_points(sweep: Sweep, name: str) -> None:
    """Every point's scenario must validate (e.g. a strategy and a parameter it lacks)."""
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
