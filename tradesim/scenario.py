"""Scenario files: the validated, immutable description of one simulation.

A scenario arrives as plain data (a YAML or TOML file, or a dict), is
validated once into a frozen :class:`Scenario`, and only then reaches the
model.  Every numeric parameter may be a number or a distribution (see
:mod:`tradesim.distributions`), drawn once per replication.

Units used throughout
---------------------
- time: weeks (one model step is one week), dates are ISO calendar dates;
- restriction ``level``: share of the pre-restriction flow to the partner
  that the instrument stops, in [0, 1] (0 = open, 1 = fully stopped);
- supply-flow index: 1.0 = the good's 2024 average flow to the partner;
- ``impact``: partner's economic impact of full restriction, in USD billion
  a year of output put at risk (an order-of-magnitude judgement);
- inventory cover: weeks of normal use.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .distributions import is_distribution
from .errors import Frozen, Problem, ScenarioError, problems_from, suggest
from .parameters import (
    ANY_PARAMETER,
    Identifier,
    NonNegative,
    Positive,
    Probability,
    Sources,
    parameter,
    with_distribution_schema,
)
from .paths import walk
from .strategies import STRATEGIES, get_strategy, strategy_hint

__all__ = [
    "ACTOR_IDS",
    "Actor",
    "Approval",
    "CHANNEL_DEFAULTS",
    "Channel",
    "Commitment",
    "Domestic",
    "Economy",
    "Framework",
    "Good",
    "Implementation",
    "Instrument",
    "Monitoring",
    "ParameterSample",
    "Problem",
    "Reciprocity",
    "Retaliation",
    "Scenario",
    "ScenarioError",
    "Sector",
    "StrategySpec",
    "json_schema",
    "validate_scenario",
]

#: Limits that keep a scenario within what one machine can run.
MAX_HORIZON_WEEKS = 1040
MAX_FIRMS_PER_SECTOR = 1000

ACTOR_IDS: tuple[str, str] = ("us", "china")

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
    "noise_sd": 1e6,          # sd of a perceived level in [0, 1]
}
#: The largest uniform a replication's stream can draw (``Generator.random``).
_TOP_U = 1.0 - 2.0**-53


# ---------------------------------------------------------------------- the schema


class Instrument(Frozen):
    """One export control: a restriction an actor imposes on its partner."""

    id: Identifier = Field(description="Short id, unique within the actor, e.g. 'magnets'.")
    description: str = Field("", description="What the instrument restricts.")
    level: Probability = Field(  # type: ignore[valid-type]
        description="Restriction level at the start date: share of the pre-restriction flow "
        "to the partner that it stops, 0 (open) to 1 (fully stopped)."
    )
    pre_crisis_level: Probability = Field(  # type: ignore[valid-type]
        0.0, description="Level before the 2025 crisis (before 2025-04-02)."
    )
    floor: Probability = Field(  # type: ignore[valid-type]
        0.0, description="National-security floor: the level never goes below it."
    )
    impact: NonNegative = Field(  # type: ignore[valid-type]
        description="Economic impact on the partner at full restriction, USD billion a year."
    )
    goods: tuple[Identifier, ...] = Field((), description="Goods whose flow it cuts.")
    sectors: tuple[Identifier, ...] = Field((), description="Partner's sectors it hits.")
    lag_weeks: NonNegative = Field(  # type: ignore[valid-type]
        description="Weeks to lift the instrument from fully restricted (1) to open (0) once "
        "easing is decided; smaller moves take proportionally less."
    )
    source: Sources = Field((), description="Fact ids in seeds/facts.yaml, or 'assumption'.")


class Retaliation(Frozen):
    """How an actor sizes a retaliation, in the partner's economic impact, and where."""

    scale: NonNegative = Field(  # type: ignore[valid-type]
        1.0, description="Impact of a response per unit of the violation's believed impact "
        "(1 = 'in scope and impact')."
    )
    minimum_share: Probability = Field(  # type: ignore[valid-type]
        0.05, description="Smallest response, as a share of the actor's total impact."
    )
    rule: Literal["uniform", "priority", "most_impact"] = Field(
        "most_impact", description="Which instruments a response tightens: 'uniform' raises "
        "every instrument by the same share of its headroom; 'priority' fills the "
        "instruments of `priority` in that order (the rest after, most impact first); "
        "'most_impact' fills the instrument with the most impact on the partner first."
    )
    priority: tuple[Identifier, ...] = Field(
        (), description="Instrument ids in the order a 'priority' response tightens them."
    )
    source: Sources = ()


class Reciprocity(Frozen):
    """How an actor sizes its easing to what it believes the partner delivered."""

    scale: NonNegative = Field(  # type: ignore[valid-type]
        1.0, description="Impact eased per unit of impact the actor believes the partner "
        "has eased (1 = 'matching in scope and impact')."
    )
    lead: Probability = Field(  # type: ignore[valid-type]
        1.0, description="Share of its own promised easing (in impact) the actor delivers "
        "whatever the partner does; 1 = eases everything promised at once, 0 = only "
        "follows the partner."
    )
    source: Sources = ()


class Implementation(Frozen):
    """Implementation error: a decision that is not carried out as intended."""

    error: Probability = Field(  # type: ignore[valid-type]
        0.0, description="Chance per week that the action taken is the opposite of the one "
        "decided (the game's convention): an intended easing is not carried out (or, "
        "with nothing left to ease, a hold slips into a minimum tightening), and an "
        "intended retaliation is not carried out (the actor eases instead)."
    )
    source: Sources = ()


class Domestic(Frozen):
    """The domestic side of a government: industry pressure and hawks."""

    industry_weight: Probability = Field(  # type: ignore[valid-type]
        0.5, description="Chance, at full industry pressure, that a retaliation the strategy "
        "calls for is replaced by easing (per week)."
    )
    hawkishness: Probability = Field(  # type: ignore[valid-type]
        0.1, description="Chance per week that hawks force a retaliation when a violation is "
        "judged but the strategy would ease."
    )
    delay_weight: Probability = Field(  # type: ignore[valid-type]
        0.0, description="Relative cut in the actor's weekly approval hazard, and in the "
        "truce hazard, per unit of hawkishness (hazard x (1 - delay_weight x "
        "hawkishness)): hawks delay approval and a new truce."
    )
    source: Sources = ()


class StrategySpec(Frozen):
    """A registered strategy by name, with its parameters (numbers or distributions)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    name: str = Field(description="Registered strategy name, e.g. 'generous_tit_for_tat'.")

    @field_validator("name")
    @classmethod
    def _known(cls, name: str) -> str:
        if name not in STRATEGIES:
            raise PydanticCustomError(
                "strategy",
                "unknown strategy '{name}'{hint} (known: {known})",
                {"name": name, "hint": strategy_hint(name),
                 "known": ", ".join(sorted(STRATEGIES))},
            )
        return name

    @model_validator(mode="before")
    @classmethod
    def _parse_params(cls, data: Any) -> Any:
        # Parameters may be distributions; parse those that are valid here and
        # leave the rest for _reference_problems, which reports them by path.
        if not isinstance(data, Mapping):
            return data
        out = dict(data)
        for key, value in data.items():
            if key in ("name", "source"):
                continue
            try:
                out[key] = ANY_PARAMETER.validate_python(value)
            except ValidationError:
                pass
        return out

    @property
    def params(self) -> dict[str, Any]:
        """The strategy's parameters (everything but ``name`` and ``source``)."""
        extra = dict(self.model_extra or {})
        extra.pop("source", None)
        return extra


class Actor(Frozen):
    """A government: its instruments, decision rule and domestic side."""

    name: str = Field(description="Display name, e.g. 'United States'.")
    instruments: tuple[Instrument, ...] = Field(min_length=1)
    strategy: StrategySpec
    domestic: Domestic = Domestic()
    retaliation: Retaliation = Retaliation()
    reciprocity: Reciprocity = Reciprocity()
    implementation: Implementation = Implementation()


class Commitment(Frozen):
    """One promise of the framework: ``actor`` eases ``instrument`` to ``target``."""

    actor: Identifier
    instrument: Identifier
    target: Probability = Field(  # type: ignore[valid-type]
        description="Level the instrument is to reach."
    )
    deadline_weeks: NonNegative = Field(  # type: ignore[valid-type]
        description="Weeks after approval by which the partner expects the target."
    )
    source: Sources = ()


class Framework(Frozen):
    """The deal being implemented."""

    name: str = ""
    commitments: tuple[Commitment, ...] = Field(min_length=1)
    source: Sources = ()


class Approval(Frozen):
    """One head of state's approval process."""

    weekly_hazard: Probability = Field(  # type: ignore[valid-type]
        description="Chance per week of approving, at zero industry pressure."
    )
    rejection_hazard: Probability = Field(  # type: ignore[valid-type]
        0.0, description="Chance per week of rejecting the framework outright."
    )
    approved_at_start: bool = Field(False, description="Already approved on the start date.")
    source: Sources = ()


#: Defaults of each observation channel kind: reporting period (weeks),
#: publication delay (weeks after the period ends) and noise (sd of one report of
#: the licensed share).  See docs/explanation/odd.md and tradesim.monitoring.
CHANNEL_DEFAULTS: dict[str, dict[str, float]] = {
    # China's customs publish exports by product and destination around the 20th of
    # the following month: a calendar month (52/12 weeks), about 3 weeks late.
    "customs": {"period_weeks": 52.0 / 12.0, "delay_weeks": 3.0, "noise_sd": 0.08},
    # Licence approvals as counted by firms and trade associations: weekly, a week late.
    "licences": {"period_weeks": 1.0, "delay_weeks": 1.0, "noise_sd": 0.15},
    # A published rule or agency letter: seen at the next weekly decision, nearly exactly.
    "rule": {"period_weeks": 1.0, "delay_weeks": 0.0, "noise_sd": 0.01},
}

ChannelWeeks = Annotated[float, Field(ge=1.0, le=52.0)]
DelayWeeks = Annotated[float, Field(ge=0.0, le=52.0)]


class Channel(Frozen):
    """How an observer sees one of the partner's instruments: a report of its licensed share.

    Each report is the average, over its period, of the share of normal demand
    the instrument lets through (1 - level), published ``delay_weeks`` after
    the period ends, with a Gaussian error of sd ``noise_sd``.  Fields left out
    take the defaults of the channel's ``kind`` (:data:`CHANNEL_DEFAULTS`).
    """

    kind: Literal["customs", "licences", "rule"] = Field(
        "rule", description="'customs' (monthly trade data), 'licences' (weekly approval "
        "counts) or 'rule' (a published rule or agency letter)."
    )
    period_weeks: ChannelWeeks = Field(  # type: ignore[valid-type]
        None, description="Weeks each report covers (1 to 52; the same in every "
        "replication). Default by kind: customs 4.33, licences 1, rule 1."
    )
    delay_weeks: DelayWeeks = Field(  # type: ignore[valid-type]
        None, description="Weeks from the end of a report's period to its publication "
        "(0 = seen at the next weekly decision; the same in every replication). Default by "
        "kind: customs 3, licences 1, rule 0."
    )
    noise_sd: NonNegative = Field(  # type: ignore[valid-type]
        None, description="Standard deviation of a report's error, in licensed share of "
        "normal demand (0 = exact). Default by kind: customs 0.08, licences 0.15, rule 0.01."
    )
    source: Sources = ()

    @model_validator(mode="before")
    @classmethod
    def _kind_defaults(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        kind = data.get("kind", "rule")
        defaults = CHANNEL_DEFAULTS.get(kind) if isinstance(kind, str) else None
        if defaults is None:
            return data
        out = dict(data)
        for key, value in defaults.items():
            if out.get(key) is None:
                out[key] = value
        return out


class Monitoring(Frozen):
    """How one actor observes its partner and judges its compliance.

    The observer sees each partner instrument only through its channel's
    reports, keeps a belief (a Kalman estimate of the share of the promised
    easing delivered) and a CUSUM of the log-likelihood ratio of "the partner
    withholds ``withheld_share`` of its promised easing" against compliance,
    and judges a violation when the CUSUM exceeds ``threshold``
    (:mod:`tradesim.monitoring`).
    """

    channels: dict[Identifier, Channel] = Field(
        default_factory=dict, description="Channel by partner instrument id; instruments "
        "not listed are seen through a channel of kind `default_kind`."
    )
    default_kind: Literal["customs", "licences", "rule"] = Field(
        "rule", description="Channel kind of partner instruments not listed in `channels`."
    )
    threshold: parameter(0.0, 100.0, lo_open=True) = Field(  # type: ignore[valid-type]
        4.0, description="Alarm threshold h of the CUSUM, nats (log-likelihood ratio): "
        "higher means fewer false alarms and slower detection."
    )
    withheld_share: parameter(0.0, 1.0, lo_open=True) = Field(  # type: ignore[valid-type]
        0.25, description="Share s* of its promised easing the partner withholds under the "
        "alternative the CUSUM tests against compliance."
    )
    review_weeks: ChannelWeeks = Field(  # type: ignore[valid-type]
        1.0, description="Weeks between reviews of the CUSUM (1 to 52; the same in every "
        "replication): each review adds the LLR of the reports since the last one. Every "
        "review is a chance of a false alarm, so reviewing more often than reports arrive "
        "costs false alarms for speed."
    )
    prior_sd: NonNegative = Field(  # type: ignore[valid-type]
        0.3, description="Prior sd of the belief (share of promised easing delivered, prior "
        "mean 1: the framework is trusted) when a framework or truce starts."
    )
    drift_sd: NonNegative = Field(  # type: ignore[valid-type]
        0.05, description="Weekly sd of the random walk the belief allows for the partner's "
        "compliance (how fast the observer forgets old reports)."
    )
    source: Sources = ()


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


class ParameterSample(Frozen):
    """A joint sample of parameters, such as an ABC posterior: one row per replication.

    Each replication draws one row at random (uniformly), and the row's values
    replace those parameters, keeping their correlation.  In a scenario file
    give ``parameter_sample: {file: posterior.csv}``: a CSV file whose header
    names parameter paths and whose rows are draws (see
    :func:`tradesim.calibrate.abc_rejection`).
    """

    file: str = Field("", description="CSV file the sample was read from.")
    paths: tuple[str, ...] = Field(min_length=1, description="Parameter paths (columns).")
    rows: tuple[tuple[Annotated[float, Field(allow_inf_nan=False)], ...], ...] = Field(
        min_length=1, description="Draws, one value per path.")
    source: Sources = ()


class Scenario(Frozen):
    """A complete, validated and immutable scenario.

    Build one with :func:`validate_scenario` (from a dict) or
    :func:`tradesim.io.load_scenario` (from a file); see the module docstring
    for units.
    """

    name: str = Field(min_length=1, max_length=100)
    description: str = ""
    start_date: dt.date
    horizon_weeks: int = Field(ge=1, le=MAX_HORIZON_WEEKS, description="Weeks simulated.")
    actors: dict[Identifier, Actor]
    framework: Framework
    approval: dict[Identifier, Approval]
    monitoring: dict[Identifier, Monitoring]
    economy: Economy
    parameter_sample: ParameterSample | None = None
    source: Sources = ()

    @model_validator(mode="before")
    @classmethod
    def _fill_channels(cls, data: Any) -> Any:
        # Every partner instrument gets a channel, so that each channel's parameters
        # have a path (monitoring.<observer>.channels.<instrument>.noise_sd) to sweep.
        if not isinstance(data, Mapping):
            return data
        actors, monitoring = data.get("actors"), data.get("monitoring")
        if not (isinstance(actors, Mapping) and isinstance(monitoring, Mapping)
                and len(actors) == 2):
            return data
        ids = list(actors)
        out_monitoring = dict(monitoring)
        for observer, spec in monitoring.items():
            if observer not in ids or not isinstance(spec, Mapping):
                continue
            partner = actors[ids[1 - ids.index(observer)]]
            instruments = partner.get("instruments") if isinstance(partner, Mapping) else None
            if not isinstance(instruments, list | tuple):
                continue
            channels = spec.get("channels", {})
            if not isinstance(channels, Mapping):
                continue
            channels = dict(channels)
            kind = spec.get("default_kind", "rule")
            for inst in instruments:
                key = inst.get("id") if isinstance(inst, Mapping) else None
                if isinstance(key, str) and key not in channels:
                    channels[key] = {"kind": kind}
            out_monitoring[observer] = {**spec, "channels": channels}
        return {**data, "monitoring": out_monitoring}

    # -- navigation ---------------------------------------------------------------

    @property
    def actor_ids(self) -> tuple[str, str]:
        """The two actor ids, in file order (the baseline: ``('us', 'china')``)."""
        ids = tuple(self.actors)
        return (ids[0], ids[1])

    def partner(self, actor: str) -> str:
        """The other actor's id."""
        a, b = self.actor_ids
        return b if actor == a else a

    def instrument_ids(self) -> list[str]:
        """All instruments as ``'<actor>.<instrument>'``, actors in order."""
        return [f"{a}.{i.id}" for a, act in self.actors.items() for i in act.instruments]

    def uncertain_parameters(self) -> dict[str, Any]:
        """Every parameter given as a distribution, by dotted path, in file order."""
        return {path: value for path, value in walk(self) if is_distribution(value)}

    def parameter_paths(self) -> dict[str, Any]:
        """Every numeric parameter (number or distribution) by dotted path."""
        return dict(walk(self))

    def _repr_html_(self) -> str:  # pragma: no cover - exercised in notebooks
        from .display import scenario_html

        return scenario_html(self)


# ----------------------------------------------------------------------- validation


def _reference_problems(s: Scenario) -> list[Problem]:
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
    out.extend(_magnitude_problems(s))
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
            if _fixed(inst.level) and _fixed(inst.floor) and inst.level < inst.floor:
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
        out.extend(_sample_problems(s))
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
    return out


def _largest(value: Any) -> float:
    """A fixed value, or the largest value a distribution can draw."""
    if not is_distribution(value):
        return float(value)
    import numpy as np

    return float(np.asarray(value.ppf(np.array([_TOP_U])), dtype=float)[0])


def _magnitude_problems(s: Scenario) -> list[Problem]:
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


def _sample_problems(s: Scenario) -> list[Problem]:
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
    return out or _sample_range_problems(s, where)


def _sample_range_problems(s: Scenario, where: str) -> list[Problem]:
    """Check a sample's values by the scenario's own rules.

    The smallest and the largest value of each column are put in place of
    the parameter in turn, and the scenario validated again: a value that a
    scenario file could not give (a probability above 1, a negative lag, a
    level below a fixed floor) is refused here, naming the column and row.
    """
    import copy

    from .paths import set_path, settable_paths

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
                problems = _reference_problems(Scenario.model_validate(trial))
            except ValidationError as exc:
                problems = problems_from(exc, trial, Scenario)
            if problems:
                out.append(Problem(f"{where}.{path}", f"row {i + 1}: {problems[0].message}",
                                   column[i], True))
                break
    return out


def _fixed(value: Any) -> bool:
    return isinstance(value, float)


def validate_scenario(data: Any, source: str = "<dict>") -> Scenario:
    """Validate plain data (as parsed from a file) into a :class:`Scenario`.

    Parameters
    ----------
    data : mapping
        The scenario as nested dicts and lists.
    source : str
        Where the data came from, used in error messages.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        Listing every problem with its field path, the bad value and what is
        allowed.
    """
    if not isinstance(data, Mapping):
        kind = "empty" if data is None else type(data).__name__
        raise ScenarioError(source, [Problem("", f"a scenario must be a mapping of fields, got "
                                                 f"{kind}; required fields: "
                                                 f"{', '.join(_required(Scenario))}")])
    try:
        scenario = Scenario.model_validate(dict(data))
    except ValidationError as exc:
        raise ScenarioError(source, problems_from(exc, data, Scenario)) from None
    problems = _reference_problems(scenario)
    if problems:
        raise ScenarioError(source, problems)
    return scenario


def _required(cls: type[BaseModel]) -> list[str]:
    return [name for name, f in cls.model_fields.items() if f.is_required()]


def json_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files, for editors and validators."""
    schema = with_distribution_schema(Scenario.model_json_schema())
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "tradesim scenario"
    return schema
