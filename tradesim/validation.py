"""Cross-field checks of a schema-valid :class:`~tradesim.scenario.Scenario`.

Pydantic checks each field on its own; the checks here need the whole
scenario: two actors, references between ids (goods, sectors, instruments),
floors, the largest value a distribution can draw (:data:`MAGNITUDE_LIMITS`)
and a parameter sample's paths and values.  Each returns the problems found,
an empty list if none; :func:`tradesim.scenario.validate_scenario` raises them
as one :class:`~tradesim.errors.ScenarioError`.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError

from .distributions import is_distribution
from .errors import Problem, problems_from, suggest
from .parameters import Probability, parameter
from .paths import walk
from .strategies import get_strategy

if TYPE_CHECKING:
    from .scenario import Scenario

__all__ = [
    "MAGNITUDE_LIMITS",
    "magnitude_problems",
    "reference_problems",
    "sample_problems",
    "sample_range_problems",
]

#: Largest magnitudes of parameters whose size the model multiplies, sums or
#: exponentiates, by field name: a fixed value, and the largest value a
#: distribution can draw, must not exceed them (far beyond any real case, and
#: far below where the arithmetic would overflow).
MAGNITUDE_LIMITS: dict[str, float] = {
    "impact": 1e9,            # USD billion a year: ten thousand times world output
    "scale": 1e9,             # retaliation impact per unit of violation impact
    "pressure_weight": 1e9,
    "inventory_weeks": 1e6,   # weeks: about 19,000 years
    "max_cover_weeks": 1e6,
    "cover_spread": 50.0,     # lognormal sigma of cover across firms
    "noise_sd": 1e6,          # sd of a report of a licensed share in [0, 1]
    "prior_sd": 1e6,          # sd of the belief about a share delivered in [0, 1]
    "drift_sd": 1e6,
}
#: The largest uniform a replication's stream can draw (``Generator.random``).
_TOP_U = 1.0 - 2.0**-53


def reference_problems(s: Scenario) -> list[Problem]:
    """Cross-field checks: two actors, references between ids, floors."""
    out: list[Problem] = []
    actors = list(s.actors)
    if len(actors) != 2:
        out.append(Problem("actors", f"exactly two actors are needed, got {len(actors)}: "
                                     f"{', '.join(actors) or 'none'}"))
        return out
    for section in ("approval", "monitoring"):
        given = getattr(s, section)
        for key in given:
            if key not in s.actors:
                out.append(Problem(f"{section}.{key}", f"not an actor{suggest(key, actors)} "
                                                       f"(actors: {', '.join(actors)})"))
        for key in actors:
            if key not in given:
                out.append(Problem(f"{section}.{key}", "required entry for this actor is missing"))
    out.extend(magnitude_problems(s))
    goods = {g.id: g for g in s.economy.goods}
    sectors = {c.id: c for c in s.economy.sectors}
    if len(goods) != len(s.economy.goods):
        out.append(Problem("economy.goods", "good ids must be unique"))
    if len(sectors) != len(s.economy.sectors):
        out.append(Problem("economy.sectors", "sector ids must be unique"))
    for g in s.economy.goods:
        if g.exporter not in s.actors:
            out.append(Problem(f"economy.goods[{g.id}].exporter",
                               f"not an actor{suggest(g.exporter, actors)}", g.exporter, True))
    for c in s.economy.sectors:
        if c.actor not in s.actors:
            out.append(Problem(f"economy.sectors[{c.id}].actor",
                               f"not an actor{suggest(c.actor, actors)}", c.actor, True))
        for good in c.inputs:
            if good not in goods:
                out.append(Problem(f"economy.sectors[{c.id}].inputs",
                                   f"unknown good{suggest(good, goods)}", good, True))
            elif goods[good].exporter == c.actor:
                out.append(Problem(f"economy.sectors[{c.id}].inputs",
                                   "a sector's inputs must be imported from the other actor",
                                   good, True))
    for a, actor in s.actors.items():
        ids = [i.id for i in actor.instruments]
        if len(set(ids)) != len(ids):
            out.append(Problem(f"actors.{a}.instruments", "instrument ids must be unique"))
        for inst in actor.instruments:
            where = f"actors.{a}.instruments[{inst.id}]"
            for good in inst.goods:
                if good not in goods:
                    out.append(Problem(f"{where}.goods", f"unknown good{suggest(good, goods)}",
                                       good, True))
                elif goods[good].exporter != a:
                    out.append(Problem(f"{where}.goods", f"the good is not exported by {a}",
                                       good, True))
            for sector in inst.sectors:
                if sector not in sectors:
                    out.append(Problem(f"{where}.sectors",
                                       f"unknown sector{suggest(sector, sectors)}", sector, True))
                elif sectors[sector].actor == a:
                    out.append(Problem(f"{where}.sectors", "must be a sector of the partner",
                                       sector, True))
            t = inst.tariff
            if t is not None and _fixed(t.max_rate_percent):
                for name in ("rate_percent", "lapse_rate_percent"):
                    rate = getattr(t, name)
                    if _fixed(rate) and rate > t.max_rate_percent:
                        out.append(Problem(f"{where}.tariff.{name}",
                                           f"is above max_rate_percent "
                                           f"{t.max_rate_percent:g}", rate, True))
            if (inst.level is not None and _fixed(inst.level) and _fixed(inst.floor)
                    and inst.level < inst.floor):
                out.append(Problem(f"{where}.level", f"is below the floor {inst.floor:g}",
                                   inst.level, True))
        for key in actor.retaliation.priority:
            if key not in ids:
                out.append(Problem(f"actors.{a}.retaliation.priority",
                                   f"not an instrument of {a}{suggest(key, ids)} "
                                   f"(instruments: {', '.join(ids)})", key, True))
        partner = s.partner(a)
        partner_ids = [i.id for i in s.actors[partner].instruments]
        for key in (s.monitoring[a].channels if a in s.monitoring else {}):
            if key not in partner_ids:
                out.append(Problem(f"monitoring.{a}.channels.{key}",
                                   f"not an instrument of {partner}{suggest(key, partner_ids)}"
                                   f" (instruments: {', '.join(partner_ids)})"))
        params = actor.strategy.params
        cls = get_strategy(actor.strategy.name)
        fields = [f.name for f in dataclasses.fields(cls)]
        for key, value in params.items():
            where = f"actors.{a}.strategy.{key}"
            if key not in fields:
                out.append(Problem(where, f"unknown parameter of {cls.name}{suggest(key, fields)}"
                                          f" (allowed: {', '.join(fields) or 'none'})"))
                continue
            try:
                checked = Probability if key in ("first_move", "p", "forgiveness") or \
                    key.startswith("p_") else parameter()
                TypeAdapter(checked).validate_python(value)
            except ValidationError as exc:
                out.append(Problem(where, exc.errors()[0]["msg"], value, True))
    if s.parameter_sample is not None:
        out.extend(sample_problems(s))
    seen = set()
    for c in s.framework.commitments:
        where = f"framework.commitments[{c.actor}.{c.instrument}]"
        if c.actor not in s.actors:
            out.append(Problem(f"{where}.actor", f"not an actor{suggest(c.actor, actors)}",
                               c.actor, True))
            continue
        insts = {i.id: i for i in s.actors[c.actor].instruments}
        if c.instrument not in insts:
            out.append(Problem(f"{where}.instrument",
                               f"not an instrument of {c.actor}{suggest(c.instrument, insts)}"
                               f" (instruments: {', '.join(insts)})", c.instrument, True))
            continue
        if (c.actor, c.instrument) in seen:
            out.append(Problem(where, "the same instrument is committed twice"))
        seen.add((c.actor, c.instrument))
        floor = insts[c.instrument].floor
        if _fixed(c.target) and _fixed(floor) and c.target < floor:
            out.append(Problem(f"{where}.target", f"is below the instrument's national-security "
                                                  f"floor {floor:g}", c.target, True))
    out.extend(calendar_problems(s))
    return out


def calendar_problems(s: Scenario) -> list[Problem]:
    """Problems of the scenario's decision calendar: ids, actors, tariffs, dates."""
    out: list[Problem] = []
    actors = list(s.actors)
    ids = [d.id for d in s.calendar]
    if len(set(ids)) != len(ids):
        out.append(Problem("calendar", "decision-point ids must be unique"))
    seen = set()
    for d in s.calendar:
        where = f"calendar[{d.id}]"
        if d.actor not in s.actors:
            out.append(Problem(f"{where}.actor", f"not an actor{suggest(d.actor, actors)}",
                               d.actor, True))
            continue
        insts = {i.id: i for i in s.actors[d.actor].instruments}
        tariffs = [i for i, inst in insts.items() if inst.kind == "tariff"]
        if d.instrument not in insts:
            out.append(Problem(f"{where}.instrument",
                               f"not an instrument of {d.actor}{suggest(d.instrument, insts)}"
                               f" (tariffs: {', '.join(tariffs) or 'none'})", d.instrument, True))
        elif insts[d.instrument].kind != "tariff":
            out.append(Problem(f"{where}.instrument",
                               f"must be a tariff (kind: tariff), whose cut rate can lapse "
                               f"(tariffs of {d.actor}: {', '.join(tariffs) or 'none'})",
                               d.instrument, True))
        elif (d.actor, d.instrument) in seen:
            out.append(Problem(where, "the same tariff has two decision points; a tariff's "
                                      "later decisions follow from extension_weeks"))
        seen.add((d.actor, d.instrument))
        # A date past the horizon is allowed: that decision falls outside the run.
        if not s.start_date < d.date:
            out.append(Problem(f"{where}.date", f"must fall after the start date "
                                                f"{s.start_date}", d.date.isoformat(), True))
    return out


def _largest(value: Any) -> float:
    """A fixed value, or the largest value a distribution can draw."""
    if not is_distribution(value):
        return float(value)
    high = float(value.support()[1])
    if math.isfinite(high):  # bounded: no quantile needed (and no scipy import)
        return high
    import numpy as np

    return float(np.asarray(value.ppf(np.array([_TOP_U])), dtype=float)[0])


def magnitude_problems(s: Scenario) -> list[Problem]:
    """Parameters above :data:`MAGNITUDE_LIMITS` (fixed, or as drawn at most)."""
    out = []
    for path, value in walk(s):
        limit = MAGNITUDE_LIMITS.get(path.rsplit(".", 1)[-1])
        if limit is None or ".strategy." in path:
            continue
        top = _largest(value)
        if not top <= limit:
            what = "" if _fixed(value) else f" ({value.describe()} can draw up to {top:.3g})"
            out.append(Problem(path, f"must be at most {limit:g}{what}",
                               value if _fixed(value) else value.describe(), True))
    return out


def sample_problems(s: Scenario) -> list[Problem]:
    """A parameter sample's paths, row lengths and values (against supports and rules)."""
    sample = s.parameter_sample
    assert sample is not None
    out = []
    where = f"parameter_sample ({sample.file})" if sample.file else "parameter_sample"
    known = s.parameter_paths()
    for path in sample.paths:
        if path not in known:
            out.append(Problem(f"{where}.paths", f"not a numeric parameter"
                                                 f"{suggest(path, known)}", path, True))
    for i, row in enumerate(sample.rows):
        if len(row) != len(sample.paths):
            out.append(Problem(f"{where}.rows[{i}]", f"has {len(row)} values for "
                                                     f"{len(sample.paths)} paths"))
            return out
    if len(set(sample.paths)) != len(sample.paths):
        twice = sorted({p for p in sample.paths if sample.paths.count(p) > 1})
        out.append(Problem(f"{where}.paths", "each parameter may appear only once", twice[0],
                           True))
    if out:
        return out
    for j, path in enumerate(sample.paths):
        base = known.get(path)
        if is_distribution(base):
            low, high = base.support()
            column = [row[j] for row in sample.rows]
            if min(column) < low - 1e-9 or max(column) > high + 1e-9:
                out.append(Problem(f"{where}.{path}", f"values outside the support "
                                                      f"[{low:g}, {high:g}] of {base.describe()}"))
    return out or sample_range_problems(s, where)


def sample_range_problems(s: Scenario, where: str) -> list[Problem]:
    """Check a sample's values by the scenario's own rules.

    The smallest and the largest value of each column are put in place of
    the parameter in turn, and the scenario validated again: a value that a
    scenario file could not give (a probability above 1, a negative lag, a
    level below a fixed floor) is refused here, naming the column and row.
    """
    import copy

    from .paths import set_path, settable_paths
    from .scenario import Scenario

    sample = s.parameter_sample
    assert sample is not None
    data = s.model_dump(mode="json")
    data.pop("parameter_sample")
    allowed = settable_paths(data)
    out: list[Problem] = []
    for j, path in enumerate(sample.paths):
        column = [row[j] for row in sample.rows]
        for i in sorted({column.index(min(column)), column.index(max(column))}):
            trial = copy.deepcopy(data)
            try:
                set_path(trial, path, column[i], allowed)
            except KeyError as exc:
                out.append(Problem(f"{where}.paths", str(exc.args[0]), path, True))
                break
            try:
                problems = reference_problems(Scenario.model_validate(trial))
            except ValidationError as exc:
                problems = problems_from(exc, trial, Scenario)
            if problems:
                out.append(Problem(f"{where}.{path}", f"row {i + 1}: {problems[0].message}",
                                   column[i], True))
                break
    return out


def _fixed(value: Any) -> bool:
    return isinstance(value, float)

