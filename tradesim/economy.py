"""The economic layer of a scenario: traded goods, sectors of firms, the economy.

Part of the scenario schema (:class:`tradesim.scenario.Scenario` has an
``economy``); every class here is also importable from :mod:`tradesim.scenario`.
Units are those of :mod:`tradesim.scenario`.
"""

from __future__ import annotations

from pydantic import Field

from .errors import Frozen
from .parameters import (
    Identifier,
    NonNegative,
    Positive,
    Probability,
    Sources,
    parameter,
)

__all__ = ["Economy", "Good", "MAX_FIRMS_PER_SECTOR", "Sector"]

#: Most firms one sector may model (a limit that keeps a scenario runnable).
MAX_FIRMS_PER_SECTOR = 1000


class Good(Frozen):
    """A traded good that instruments cut, and the market the importer buys it in.

    Quantities are in units of the importer's normal use (1.0 = a week of its
    2024 average use, from every supplier).  The restricting exporter supplied
    ``exporter_share`` of it in 2024 and the rest of the world (RoW) the rest;
    RoW capacity can grow by ``row_expansion`` while the good is scarce.
    """

    id: Identifier
    description: str = ""
    exporter: Identifier = Field(description="Actor whose exports these are.")
    unit: str = Field("index", description="Unit of baseline_flow_per_week, e.g. 'tonnes'.")
    baseline_flow_per_week: NonNegative = Field(  # type: ignore[valid-type]
        1.0, description="2024 average flow to the partner, in `unit` per week (index 1.0)."
    )
    exporter_share: parameter(0.0, 1.0, lo_open=True) = Field(  # type: ignore[valid-type]
        1.0, description="Share of the importer's 2024 use supplied by the exporter, in (0, 1]; "
        "the rest of the world supplied the remainder (its initial capacity)."
    )
    row_expansion: Probability = Field(  # type: ignore[valid-type]
        0.0, description="Extra rest-of-world capacity reachable while the good is scarce, "
        "share of the importer's normal use; capacity never exceeds normal use."
    )
    row_ramp_weeks: Positive = Field(  # type: ignore[valid-type]
        104.0, description="Weeks for rest-of-world capacity to add all of row_expansion at "
        "a very high price; at price p it grows at the share 1 - 1/p of that pace."
    )
    leakage_share: Probability = Field(  # type: ignore[valid-type]
        0.0, description="Share of the flow the exporter's restrictions stop that still "
        "arrives through third countries (transshipment)."
    )
    shipping_capacity: parameter(1.0, 10.0) = Field(  # type: ignore[valid-type]
        1.5, description="Most the importer can receive in a week, multiple of normal use "
        "(bounds restocking)."
    )
    price_elasticity: parameter(0.05, 10.0) = Field(  # type: ignore[valid-type]
        0.5, description="Short-run price elasticity of demand (absolute): the price index "
        "clears a shortage as (demand / supply) ** (1 / elasticity)."
    )
    price_cap: parameter(1.0, 100.0) = Field(  # type: ignore[valid-type]
        10.0, description="Highest price index (1.0 = 2024 average price)."
    )
    source: Sources = ()


class Sector(Frozen):
    """Firms of one sector in one country, that depend on imported goods."""

    id: Identifier
    description: str = ""
    actor: Identifier = Field(description="Country the firms are in.")
    inputs: tuple[Identifier, ...] = Field(min_length=1, description="Imported goods used.")
    firms: int = Field(20, ge=1, le=MAX_FIRMS_PER_SECTOR, description="Firms modelled.")
    inventory_weeks: Positive = Field(  # type: ignore[valid-type]
        description="Median inventory cover at the start date, weeks of normal use."
    )
    cover_spread: NonNegative = Field(  # type: ignore[valid-type]
        0.5, description="Log-scale spread of cover across firms (lognormal sigma)."
    )
    max_cover_weeks: Positive = Field(  # type: ignore[valid-type]
        12.0, description="Most cover a firm holds when restocking."
    )
    target_cover_weeks: Positive = Field(  # type: ignore[valid-type]
        8.0, description="Cover, weeks of use, each firm restocks toward (at most "
        "max_cover_weeks)."
    )
    restock_weeks: parameter(1.0, 52.0) = Field(  # type: ignore[valid-type]
        4.0, description="Weeks over which a firm's orders close the gap between its cover "
        "and its target (stock-adjustment time)."
    )
    substitutable_share: Probability = Field(  # type: ignore[valid-type]
        0.0, description="Share of the imported inputs' use that can be replaced (other "
        "materials, redesign, recycling) once substitution is complete."
    )
    substitution_weeks: Positive = Field(  # type: ignore[valid-type]
        26.0, description="Weeks to substitute all of substitutable_share at a very high "
        "price; at price p the pace is the share 1 - 1/p of that."
    )
    value_added: NonNegative = Field(  # type: ignore[valid-type]
        0.0, description="Annual value added of the firms using the inputs, USD billion a "
        "year (2024); weekly loss = value_added / 52 x the share of output lost."
    )
    pressure_weight: NonNegative = Field(  # type: ignore[valid-type]
        1.0, description="Weight of the sector in its government's industry pressure."
    )
    source: Sources = ()


class Economy(Frozen):
    """The economic layer: goods, sectors and how pressure and truces work."""

    goods: tuple[Good, ...] = Field(min_length=1)
    sectors: tuple[Sector, ...] = ()
    pressure_sensitivity: NonNegative = Field(  # type: ignore[valid-type]
        1.0, description="Relative rise in approval and truce hazards at full pressure."
    )
    truce_hazard: Probability = Field(  # type: ignore[valid-type]
        0.02, description="Chance per week of a new truce during a breakdown, at no pressure."
    )
    breakdown_share: Probability = Field(  # type: ignore[valid-type]
        0.5, description="Share of the framework's easing that a retaliation must undo to "
        "count as a breakdown."
    )
    halt_threshold: Probability = Field(  # type: ignore[valid-type]
        0.1, description="A firm producing less than this share of its normal output "
        "counts as halted."
    )
    impact_from_value_added: bool = Field(
        False, description="Derive each instrument's impact (USD bn a year) from the value "
        "added at risk of the partner's sectors using its goods, instead of its declared "
        "impact (instruments cutting no used good keep theirs)."
    )
    source: Sources = ()
