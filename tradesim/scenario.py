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

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .distributions import is_distribution
from .economy import MAX_FIRMS_PER_SECTOR as MAX_FIRMS_PER_SECTOR
from .economy import Economy, Good, Sector
from .errors import Frozen, Problem, ScenarioError, problems_from
from .parameters import (
    ANY_PARAMETER,
    Identifier,
    NonNegative,
    Probability,
    Sources,
    parameter,
    with_distribution_schema,
)
from .paths import walk
from .strategies import STRATEGIES, strategy_hint
from .validation import MAGNITUDE_LIMITS as MAGNITUDE_LIMITS
from .validation import reference_problems

__all__ = [
    "ACTOR_IDS",
    "Actor",
    "Approval",
    "CHANNEL_DEFAULTS",
    "Channel",
    "Commitment",
    "Deadline",
    "Domestic",
    "Economy",
    "Framework",
    "Good",
    "Implementation",
    "Instrument",
    "Licensing",
    "Monitoring",
    "ParameterSample",
    "Reserve",
    "Problem",
    "Reciprocity",
    "Retaliation",
    "Scenario",
    "ScenarioError",
    "Sector",
    "StrategySpec",
    "Tariff",
    "json_schema",
    "validate_scenario",
]

#: Limits that keep a scenario within what one machine can run (and
#: :data:`MAX_FIRMS_PER_SECTOR`, from :mod:`tradesim.economy`; the magnitude
#: limits are :data:`tradesim.validation.MAGNITUDE_LIMITS`).
MAX_HORIZON_WEEKS = 1040

ACTOR_IDS: tuple[str, str] = ("us", "china")


# ---------------------------------------------------------------------- the schema


#: Longest licence decision a pipeline may declare, working days (a year).
MAX_LICENCE_WORKING_DAYS = 260.0


class Licensing(Frozen):
    """A licence pipeline: how long applications take to be decided.

    Applications arrive every week in proportion to normal demand; each is
    decided after a service time drawn uniformly between
    ``min_working_days`` and the legal limit ``limit_working_days`` (5
    working days a week) and approved with the probability in force when it
    was filed, ``1 - `` the level the government has decided.
    """

    min_working_days: parameter(0.0, MAX_LICENCE_WORKING_DAYS) = Field(  # type: ignore[valid-type]
        0.0, description="Shortest decision, working days (if above the limit, the limit)."
    )
    limit_working_days: parameter(0.0, MAX_LICENCE_WORKING_DAYS) = Field(  # type: ignore[valid-type]
        45.0, description="Legal limit on a decision, working days (China's dual-use rules: 45)."
    )
    source: Sources = Field((), description="Fact ids in seeds/facts.yaml, or 'assumption'.")


#: Highest tariff rate a scenario may declare, percent ad valorem.
MAX_TARIFF_PERCENT = 1000.0


class Tariff(Frozen):
    """A tariff: an ad valorem rate on the partner's goods, up to its highest rate.

    The instrument's restriction level is ``rate / max_rate_percent``: level 1
    (full restriction, the whole ``impact``) is the highest rate, which a
    retaliation can raise it to; a lapse of a time-limited cut restores
    ``lapse_rate_percent``.
    """

    rate_percent: parameter(0.0, MAX_TARIFF_PERCENT) = Field(  # type: ignore[valid-type]
        description="Extra tariff rate on the start date, percent ad valorem."
    )
    lapse_rate_percent: parameter(0.0, MAX_TARIFF_PERCENT) = Field(  # type: ignore[valid-type]
        description="Rate a lapse of the time-limited cut restores, percent ad valorem (at "
        "most max_rate_percent)."
    )
    max_rate_percent: parameter(0.0, MAX_TARIFF_PERCENT, lo_open=True) = Field(  # type: ignore[valid-type]
        description="Highest rate (level 1): the rate before the cut's negotiations, which a "
        "retaliation can raise the tariff to, percent ad valorem."
    )
    trade_usd_bn: NonNegative = Field(  # type: ignore[valid-type]
        description="The partner's exports the tariff covers, USD billion a year."
    )
    source: Sources = Field((), description="Fact ids in seeds/facts.yaml, or 'assumption'.")


class Reserve(Frozen):
    """A measure held in reserve: inactive at the start, opened only by a retaliation."""

    open_delay_weeks: parameter(0.0, 52.0) = Field(  # type: ignore[valid-type]
        1.0, description="Weeks from the decision to open it until it takes effect (0: the "
        "week it is decided)."
    )
    open_level: Probability = Field(  # type: ignore[valid-type]
        1.0, description="Highest restriction level it takes effect at: a response opening "
        "it sets the level that imposes the response's impact, up to this."
    )
    source: Sources = Field((), description="Fact ids in seeds/facts.yaml, or 'assumption'.")


class Instrument(Frozen):
    """One instrument: an export control or a tariff an actor imposes on its partner."""

    id: Identifier = Field(description="Short id, unique within the actor, e.g. 'magnets'.")
    description: str = Field("", description="What the instrument restricts.")
    kind: Literal["export_control", "tariff"] = Field(
        "export_control", description="'export_control' (a restriction level on flows to the "
        "partner) or 'tariff' (a rate on the partner's goods, see 'tariff')."
    )
    level: Probability | None = Field(  # type: ignore[valid-type]
        None, description="Restriction level at the start date: share of the pre-restriction "
        "flow to the partner that it stops, 0 (open) to 1 (fully stopped).  Required for an "
        "export control in force; a tariff's level is its rate over its highest rate, and "
        "a reserve starts at 0."
    )
    tariff: Tariff | None = Field(
        None, description="The rates and coverage of a 'tariff' instrument."
    )
    reserve: Reserve | None = Field(
        None, description="Declares the instrument a measure held in reserve: inactive "
        "(level 0) until a retaliation opens it."
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
    dynamics: Literal["ramp", "rule", "licensing"] = Field(
        "ramp", description="How a decided easing reaches the partner: 'ramp' (step by step, in "
        "equal weekly moves), 'rule' (a published rule or agency letter: nothing changes until "
        "it takes effect, then all at once) or 'licensing' (a licence pipeline, see "
        "'licensing': the decided approval probability moves as a ramp, and flows follow as "
        "applications clear)."
    )
    lag_weeks: NonNegative = Field(  # type: ignore[valid-type]
        description="Weeks of easing until a change is complete, whatever its size: a ramp "
        "moves 1/lag_weeks of the way from where the change began to the goal each week; a "
        "rule takes effect in its lag_weeks-th week (0 or 1: the week it is decided); for "
        "licensing, the weeks until the approval probability is decided (0: at once), "
        "before the pipeline's service times."
    )
    licensing: Licensing | None = Field(
        None, description="The licence pipeline of a 'licensing' instrument (default: "
        "decisions uniform over 0-45 working days)."
    )

    @model_validator(mode="after")
    def _pipeline_only_for_licensing(self) -> Instrument:
        if self.licensing is not None and self.dynamics != "licensing":
            raise PydanticCustomError(
                "dynamics",
                "a 'licensing' block needs dynamics: licensing (this instrument's dynamics is "
                "'{dynamics}'; remove the block or set dynamics: licensing)",
                {"dynamics": self.dynamics})
        if self.kind == "tariff":
            if self.tariff is None:
                raise PydanticCustomError(
                    "tariff", "a tariff needs a 'tariff' block with rate_percent, "
                    "lapse_rate_percent, max_rate_percent and trade_usd_bn", {})
            if self.level is not None:
                raise PydanticCustomError(
                    "tariff", "a tariff's level is its rate over its highest rate: give "
                    "tariff.rate_percent, not level", {})
            if self.reserve is not None:
                raise PydanticCustomError(
                    "tariff", "a tariff cannot be held in reserve (a new tariff is a reserve "
                    "export control with no goods)", {})
        elif self.tariff is not None:
            raise PydanticCustomError(
                "tariff", "a 'tariff' block needs kind: tariff (this instrument's kind is "
                "'{kind}')", {"kind": self.kind})
        elif self.reserve is not None:
            if self.level is not None:
                raise PydanticCustomError(
                    "reserve", "a reserve measure starts inactive (level 0): remove level and "
                    "give reserve.open_level, the level it takes effect at", {})
        elif self.level is None:
            raise PydanticCustomError(
                "missing", "level is required: the restriction level at the start date, "
                "0 (open) to 1 (fully stopped)", {})
        return self
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
    new_measure_share: Probability = Field(  # type: ignore[valid-type]
        0.0, description="Chance that a retaliation opens the next measure held in reserve "
        "(in the order above) rather than re-tightening the instruments in force; a response "
        "larger than the instruments in force can still add opens one whatever this share."
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


class Deadline(Frozen):
    """A scheduled decision point: the end of a time-limited measure (a tariff pause).

    On ``date`` (and, after each extension, ``extension_weeks`` later) the
    actor decides whether to extend the cut rate, let it lapse (the tariff
    returns to its ``lapse_rate_percent``) or replace it by a permanent one.  It
    extends with ``extension_probability`` when it judges the partner
    compliant, raised by industry pressure; when it judges a violation (an
    alarm, a breakdown or a rejected framework) it lapses unless industry
    pressure holds it back (see docs/explanation/odd.md).
    """

    id: Identifier = Field(description="Short id, unique in the calendar, e.g. "
                                       "'us_tariff_pause'.")
    actor: Identifier = Field(description="The actor that decides.")
    instrument: Identifier = Field(description="The actor's tariff whose cut rate ends.")
    date: dt.date = Field(description="The day the measure ends unless extended.")
    extension_weeks: parameter(1.0, 520.0) = Field(  # type: ignore[valid-type]
        13.0, description="Weeks an extension runs to the next decision (90 days: about 13)."
    )
    extension_probability: Probability = Field(  # type: ignore[valid-type]
        0.9, description="Chance of extending when the actor judges the partner compliant, "
        "at zero industry pressure."
    )
    replace_probability: Probability = Field(  # type: ignore[valid-type]
        0.0, description="Chance that an extension decided while the framework is fully "
        "implemented is made permanent instead (no further decision points)."
    )
    source: Sources = Field((), description="Fact ids in seeds/facts.yaml, or 'assumption'.")


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
    lag_credit: parameter(0.0, 1.0) = Field(  # type: ignore[valid-type]
        1.0, description="Share of the partner's implementation lag beyond a commitment's "
        "deadline that the observer allows for in the path it expects of a compliant "
        "partner (1: the partner's own pace, so a slow pipeline is no evidence; 0: the "
        "deadline as promised, so a pipeline slower than the deadline reads as withholding). "
        "Instruments with no deadline are expected at the partner's own pace."
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
    calendar: tuple[Deadline, ...] = Field(
        (), description="Scheduled decision points: dates on which a time-limited measure "
        "ends unless extended."
    )
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
    problems = reference_problems(scenario)
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
