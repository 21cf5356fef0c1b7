"""The economy: sectors, each good's market cleared every week, and their aggregates.

Quantities are in weeks of the importer's normal use, arrays over goods and
replications, shape (goods, R).  :class:`Markets` holds the per-good
parameters and state and clears them; the functions beside it derive what the
economy means for the model: instruments' impact as value added at risk,
industry pressure, country losses and the bounds of the recorded series.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scipy import special

from .agents import Sector
from .paths import join
from .scenario import Scenario
from .vocab import SERIES_SCALES, parse_series

__all__ = [
    "Markets",
    "country_loss",
    "impact_at_risk",
    "industry_pressure",
    "make_sectors",
    "series_bounds",
]


class Markets:
    """Every good's market over replications: parameters, capacity, and this week's clearing.

    Parameters
    ----------
    scenario : Scenario
    column : callable
        Parameter paths -> their values stacked, shape (len(paths), R).
    sectors : sequence of Sector
        The modelled sectors; each sector using a good weighs equally in its demand.

    Attributes
    ----------
    price, available, fill : ndarray, shape (goods, R)
        This week's price index, arrivals and share of orders delivered.
    row_capacity : ndarray, shape (goods, R)
        The rest of the world's capacity, growing toward ``row_ceiling``.
    """

    def __init__(self, scenario: Scenario, column: Callable[[list[str]], np.ndarray],
                 sectors: Sequence[Any]) -> None:
        specs = scenario.economy.goods

        def rows(name: str) -> np.ndarray:
            return column([join("economy", "goods", g.id, name) for g in specs])

        self.exporter_share = rows("exporter_share")
        initial = 1.0 - self.exporter_share
        self.row_ceiling = np.minimum(initial + rows("row_expansion"), 1.0)
        self.row_pace = (self.row_ceiling - initial) / rows("row_ramp_weeks")
        self.row_capacity = initial
        self.leakage = rows("leakage_share")
        self.shipping = rows("shipping_capacity")
        self.inverse_elasticity = 1.0 / rows("price_elasticity")
        self.price_cap = rows("price_cap")
        users = np.zeros(len(specs))
        for sector in sectors:
            users[sector.inputs] += 1
        self.users = users
        self.price = np.ones_like(self.exporter_share)
        self.available = np.ones_like(self.exporter_share)
        self.fill = np.ones_like(self.exporter_share)

    def clear(self, cuts: Sequence[tuple[Any, int, int]], sectors: Sequence[Any],
              grow: bool = True) -> np.ndarray:
        """Clear every good's market this week; the exporter's flow index, (goods, R).

        Demand is the mean of the sectors' orders (each sector using a good
        weighs equally; a good nobody models demands its normal use), bounded
        by the shipping capacity.  The rest of the world serves it first, up
        to its capacity; the exporter licenses the share ``1 - level`` of the
        rest (the product over instruments cutting the good) and a share
        ``leakage_share`` of what it stops arrives through third countries.
        The price index clears the shortage, ``(demand / arrivals) ** (1 /
        elasticity)``, within ``[1, price_cap]``, and rest-of-world capacity
        grows toward its ceiling at a pace ``1 - 1 / price`` of its full pace.

        Parameters
        ----------
        cuts : sequence of (government, instrument index, good index)
            Every instrument cutting a good, once per good it cuts.
        sectors : sequence of Sector
            Sectors whose ``demand`` this week is placed on their ``inputs``.
        grow : bool
            False on the start date: capacity stays.

        Sets ``fill``, ``available`` and ``price``.
        """
        licensed = np.ones_like(self.exporter_share)
        for g, j, good in cuts:
            licensed[good] *= 1.0 - g.level[j]
        demand = np.ones_like(licensed)
        users = self.users
        for k in np.flatnonzero(users):
            demand[k] = 0.0
        for s in sectors:
            for k in s.inputs:
                demand[k] += s.demand / users[k]
        from . import kernels  # numba loads in the processes that step models only

        self.available, self.fill = np.empty_like(demand), np.empty_like(demand)
        self.price, supply = np.empty_like(demand), np.empty_like(demand)
        kernels.clear_markets(licensed, demand, self.shipping, self.leakage, self.exporter_share,
                              self.inverse_elasticity, self.price_cap, self.row_capacity,
                              self.row_ceiling, self.row_pace, grow, self.available, self.fill,
                              self.price, supply)
        return supply


def make_sectors(model: Any, setup: np.ndarray,
                 value: Callable[[str], np.ndarray]) -> list[Sector]:
    """The scenario's sectors as agents of ``model``, in scenario order.

    Parameters
    ----------
    model : TradeModel
    setup : ndarray, shape (R, k)
        The setup uniforms from the sectors' first firm on: one per firm, in
        sector order; each firm's inventory cover is lognormal about the
        sector's median.
    value : callable
        Parameter path -> its value over replications, shape (R,).
    """
    goods = [good.id for good in model.trade_scenario.economy.goods]
    sectors, offset = [], 0
    for spec in model.trade_scenario.economy.sectors:
        u = setup[:, offset:offset + spec.firms].T
        offset += spec.firms
        base = join("economy", "sectors", spec.id)
        median = value(join(base, "inventory_weeks"))
        spread = value(join(base, "cover_spread"))
        cover = median * np.exp(spread * special.ndtri(u))
        sectors.append(Sector(
            model, spec.id, spec.actor, [goods.index(g) for g in spec.inputs],
            inventory_weeks=cover,
            max_cover_weeks=value(join(base, "max_cover_weeks")),
            pressure_weight=value(join(base, "pressure_weight")),
            target_cover_weeks=value(join(base, "target_cover_weeks")),
            restock_weeks=value(join(base, "restock_weeks")),
            substitutable_share=value(join(base, "substitutable_share")),
            substitution_weeks=value(join(base, "substitution_weeks")),
            value_added=value(join(base, "value_added")),
            halt_threshold=value("economy.halt_threshold"),
        ))
    return sectors


def impact_at_risk(scenario: Scenario, actor: str, declared: np.ndarray,
                   value: Callable[[str], np.ndarray]) -> np.ndarray:
    """Each of ``actor``'s instruments' impact as the partner's value added at risk, USD bn a year.

    An instrument stopping good ``g`` puts at risk the value added of every
    partner sector using ``g``, times the share of its use that the
    restricting exporter supplied and that would not leak through third
    countries: ``sum_s value_added_s * max_g exporter_share_g * (1 -
    leakage_share_g)``.  Instruments that cut no good a sector uses keep
    their declared impact.

    Parameters
    ----------
    scenario : Scenario
    actor : str
    declared : ndarray, shape (instruments, R)
        The declared impacts.
    value : callable
        Parameter path -> its value over replications, shape (R,).
    """
    impact = declared.copy()
    goods = {g.id: join("economy", "goods", g.id) for g in scenario.economy.goods}
    for j, inst in enumerate(scenario.actors[actor].instruments):
        total = np.zeros(declared.shape[1])
        hit = False
        for spec in scenario.economy.sectors:
            used = [g for g in inst.goods if g in spec.inputs]
            if spec.actor == actor or not used:
                continue
            hit = True
            exposure = np.max([value(join(goods[g], "exporter_share")) *
                               (1.0 - value(join(goods[g], "leakage_share")))
                               for g in used], axis=0)
            total = total + exposure * value(join("economy", "sectors", spec.id, "value_added"))
        if hit:
            impact[j] = total
    return impact


def industry_pressure(sectors: Sequence[Any], actor: str, replications: int) -> np.ndarray:
    """Industry pressure: the weighted share of the actor's sectors' output lost, (R,)."""
    mine = [s for s in sectors if s.actor_id == actor]
    if not mine:
        return np.zeros(replications)
    weights = np.stack([s.pressure_weight for s in mine])
    lost = 1.0 - np.stack([s.output for s in mine])
    total = weights.sum(axis=0)
    return np.divide((weights * lost).sum(axis=0), total,
                     out=np.zeros(replications), where=total > 0)


def country_loss(sectors: Sequence[Any], actor: str, replications: int) -> np.ndarray:
    """The actor's sectors' cumulative losses summed, (R,)."""
    loss = np.zeros(replications)
    for s in sectors:
        if s.actor_id == actor:
            loss = loss + s.loss
    return loss


def series_bounds(scenario: Scenario, names: Sequence[str]) -> np.ndarray:
    """Upper end of each series' values, for the series ``names`` of a model of ``scenario``.

    Shares, levels and indices capped at normal end at 1.0; the exporter's
    flow index at the shipping capacity over the exporter's share; all
    arrivals at the shipping capacity; prices at their cap; cumulative
    losses at the value added of the whole horizon.  For a distribution
    the end of its support counts.  The exact histograms cover ``[0,
    bound]`` in ``BINS`` steps; a value above (a sweep overriding a
    parameter past its scenario's range) falls in the top bin.
    """
    def hi(value: Any) -> float:
        return float(value.support()[1]) if hasattr(value, "support") else float(value)

    def lo(value: Any) -> float:
        return float(value.support()[0]) if hasattr(value, "support") else float(value)

    goods = {g.id: g for g in scenario.economy.goods}
    # A sector's actor by id, the first sector of that id (ids are unique once validated).
    actor_of = {c.id: c.actor for c in reversed(scenario.economy.sectors)}
    years = scenario.horizon_weeks / 52.0
    sector_loss = {c.id: max(hi(c.value_added) * years, 1.0)
                   for c in scenario.economy.sectors}
    bounds = []
    for name in names:
        kind, parts = parse_series(name)
        scale = SERIES_SCALES[kind]
        if scale is not None:
            bounds.append(scale)
        elif kind == "supply":
            g = goods[parts[0]]
            bounds.append(hi(g.shipping_capacity) / lo(g.exporter_share))
        elif kind == "available":
            bounds.append(hi(goods[parts[0]].shipping_capacity))
        elif kind == "price":
            bounds.append(hi(goods[parts[0]].price_cap))
        elif kind == "loss":
            bounds.append(sector_loss[parts[0]])
        elif kind == "tariff":
            inst = next(i for i in scenario.actors[parts[0]].instruments if i.id == parts[1])
            bounds.append(hi(inst.tariff.max_rate_percent))
        elif kind == "opened":
            bounds.append(float(max(1, sum(i.reserve is not None
                                           for i in scenario.actors[parts[0]].instruments))))
        else:  # country_loss
            bounds.append(max(sum(v for c, v in sector_loss.items()
                                  if actor_of[c] == parts[0]), 1.0))
    return np.asarray(bounds, dtype=float)
