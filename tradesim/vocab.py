"""The project's vocabulary: phases, outcomes, milestones, actions, series and statistics.

Every name that the model writes and the results, plots, sweeps, history
and reports read is defined here once.  Codes are small integers stored in
arrays over replications; names are what files and tables show.

Phases
------
:data:`PHASES` are the states of the framework, per replication and week,
with integer codes :data:`PRINCIPLE` (agreed in principle, awaiting
approval), :data:`IMPLEMENTATION`, :data:`COMPLIANCE`, :data:`BREAKDOWN` and
:data:`REJECTED` (``PHASES[code]`` is the name).

Outcomes and milestones
-----------------------
:data:`OUTCOMES` are the final outcome classes, mutually exclusive.
:data:`MILESTONES` are the events recorded as the week first reached: the
lifecycle, then the first :data:`MAX_EVENTS` breakdowns and truces
(``breakdown_1``, ``truce_1``, ``breakdown_2``...).

Actions
-------
A government's action each week is :data:`RETALIATE` (-1), :data:`HOLD` (0)
or :data:`EASE` (1), as ``numpy.int8``; :data:`ACTION_NAMES` maps codes to
names and :data:`ACTION_CODES` names to codes.

Series
------
The weekly series a model records are named ``<kind>.<parts>``:

================  ====================================  ============================
kind              name                                  value
================  ====================================  ============================
``level``         ``<actor>.<instrument>`` (no prefix)  restriction level, [0, 1]
``belief``        ``belief.<observer>``                 share of the partner's promised
                                                        easing the observer believes
                                                        delivered (1 = full compliance)
``evidence``      ``evidence.<observer>``               the observer's CUSUM statistic
                                                        as a share of its alarm
                                                        threshold, [0, 1]
``supply``        ``supply.<good>``                     exporter's flow, 1 = 2024
``halted``        ``halted.<sector>``                   share of firms halted
``pressure``      ``pressure.<actor>``                  industry pressure, [0, 1]
``available``     ``available.<good>``                  arrivals, 1 = normal use
``price``         ``price.<good>``                      price index, 1 = 2024
``output``        ``output.<sector>``                   output index, 1 = normal
``loss``          ``loss.<sector>``                     cumulative loss, USD bn
``country_loss``  ``country_loss.<actor>``              cumulative loss, USD bn
================  ====================================  ============================

``supply.<good>`` is the flow from the restricting exporter alone (what its
customs data show), 1.0 = its 2024 average; it can exceed 1.0 while buyers
restock.  :data:`SERIES_SCALES` gives each kind's natural upper end (None:
set by the scenario), which :func:`tradesim.model.TradeModel.series_bounds_for`
turns into the range the exact histograms cover.

Build names with :func:`series_name`, read them with :func:`parse_series`
and pick one kind with :func:`series_keys`; never by string prefixes.

Statistics
----------
A quantile ``q`` of a series is the column :func:`quantile_column` names,
``q05`` for 0.05, ``q50`` for the median.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

__all__ = [
    "ACTION_CODES",
    "ACTION_NAMES",
    "BREAKDOWN",
    "COMPLIANCE",
    "EASE",
    "HOLD",
    "IMPLEMENTATION",
    "MAX_EVENTS",
    "MILESTONES",
    "MILESTONE_LABELS",
    "MILESTONE_SHORT_LABELS",
    "OUTCOMES",
    "OUTCOME_LABELS",
    "PHASES",
    "PRINCIPLE",
    "REJECTED",
    "RETALIATE",
    "SERIES_KINDS",
    "SERIES_SCALES",
    "parse_series",
    "quantile_column",
    "series_keys",
    "series_name",
]

#: Phase of the framework, per replication and week.
PHASES = ("principle", "implementation", "compliance", "breakdown", "rejected")
PRINCIPLE, IMPLEMENTATION, COMPLIANCE, BREAKDOWN, REJECTED = range(5)

#: Final outcome classes (mutually exclusive; they sum to 1).
OUTCOMES = ("pending", "rejected", "holding", "breakdown", "renewed_truce")

#: Breakdowns and truces recorded by week, per replication.
MAX_EVENTS = 3

#: Milestones, each the week it was first reached (-1: not reached by the horizon).
MILESTONES = (
    "approved", "rejected", "implemented", "first_escalation",
    *(f"{kind}_{k}" for k in range(1, MAX_EVENTS + 1) for kind in ("breakdown", "truce")),
    "extended", "replaced", "lapsed", "escalation_via_new_measure",
)

#: What readers see for each outcome, in figures and reports: the one place for them.
OUTCOME_LABELS = {
    "pending": "Still awaiting approval",
    "rejected": "Rejected by a leader",
    "holding": "Framework holding",
    "breakdown": "In breakdown",
    "renewed_truce": "Renewed truce",
}

#: What readers see for each milestone, in figures and reports.  Each label is
#: the milestone's id in words (tables and files use the id, e.g.
#: ``first_escalation``, the week either side first retaliates, which figures
#: call "First escalation"), so a reader meets one name for one thing.
MILESTONE_LABELS = {
    "approved": "Approved by both leaders",
    "rejected": "Rejected",
    "implemented": "Fully implemented",
    "first_escalation": "First escalation",
    **{f"breakdown_{k}": f"Breakdown {k}" for k in range(1, 10)},
    **{f"truce_{k}": f"New truce {k}" for k in range(1, 10)},
    "extended": "Time-limited cut extended",
    "replaced": "Time-limited cut made permanent",
    "lapsed": "Time-limited cut lapsed",
    "escalation_via_new_measure": "Breakdown via new measure",
}

#: Shorter milestone labels, for markers on fan charts.
MILESTONE_SHORT_LABELS = {"approved": "Approved", "implemented": "Implemented",
                          "first_escalation": "First escalation"}

#: Action codes, per replication and week.
RETALIATE, HOLD, EASE = np.int8(-1), np.int8(0), np.int8(1)
#: Action names by code.
ACTION_NAMES = {-1: "retaliate", 0: "hold", 1: "ease"}
#: Action codes by name.
ACTION_CODES = {"ease": EASE, "hold": HOLD, "retaliate": RETALIATE}

#: Kinds of weekly series, in the order a model records them.
SERIES_KINDS = ("level", "belief", "evidence", "supply", "halted", "pressure",
                "available", "price", "output", "loss", "country_loss", "tariff", "opened")
_PARTS = {"level": 2, "belief": 1, "evidence": 1, "supply": 1, "halted": 1, "pressure": 1,
          "available": 1, "price": 1, "output": 1, "loss": 1, "country_loss": 1,
          "tariff": 2, "opened": 1}
#: Upper end of each kind's values: 1.0 for shares, levels and indices capped at
#: normal; None where the scenario sets it (flows above normal, prices, USD losses).
SERIES_SCALES: dict[str, float | None] = {
    "level": 1.0, "belief": 1.0, "evidence": 1.0, "supply": None, "halted": 1.0,
    "pressure": 1.0, "available": None, "price": None, "output": 1.0, "loss": None,
    "country_loss": None, "tariff": None, "opened": None,
}
_PREFIXED = SERIES_KINDS[1:]


def series_name(kind: str, *parts: str) -> str:
    """The name of a weekly series.

    Parameters
    ----------
    kind : str
        One of :data:`SERIES_KINDS`.
    *parts : str
        Actor and instrument ids (``level``), a good id (``supply``,
        ``available``, ``price``), a sector id (``halted``, ``output``,
        ``loss``) or an actor id (``belief``, ``evidence``, ``pressure``,
        ``country_loss``; for ``belief`` and ``evidence`` the observer).
        An ``"<actor>.<instrument>"`` may be given as one part.

    Examples
    --------
    >>> series_name("supply", "magnets")
    'supply.magnets'
    >>> series_name("level", "china", "magnets")
    'china.magnets'
    >>> series_name("belief", "us")
    'belief.us'
    """
    if kind not in _PARTS:
        raise ValueError(f"unknown series kind {kind!r} (kinds: {', '.join(SERIES_KINDS)})")
    key = ".".join(parts)
    if key.count(".") + 1 != _PARTS[kind] or not all(parts):
        raise ValueError(f"a {kind} series needs {_PARTS[kind]} id(s), got {parts!r}")
    return key if kind == "level" else f"{kind}.{key}"


def parse_series(name: str) -> tuple[str, tuple[str, ...]]:
    """Split a series name into its kind and parts: the inverse of :func:`series_name`.

    A name without a known kind prefix is a ``level`` series.

    Examples
    --------
    >>> parse_series("belief.us")
    ('belief', ('us',))
    >>> parse_series("us.chips")
    ('level', ('us', 'chips'))
    """
    head, _, rest = name.partition(".")
    if head in _PREFIXED and rest:
        return head, tuple(rest.split("."))
    return "level", tuple(name.split("."))


def series_keys(names: Iterable[str], kind: str) -> list[str]:
    """The ids of the series of one kind among ``names``, in order.

    The id is the name without its kind: ``"<actor>.<instrument>"`` for
    ``level`` and ``perceived``, the good, sector or actor id otherwise.

    Examples
    --------
    >>> series_keys(["us.chips", "perceived.us.chips", "supply.magnets"], "supply")
    ['magnets']
    >>> series_keys(["us.chips", "perceived.us.chips", "supply.magnets"], "level")
    ['us.chips']
    """
    if kind not in _PARTS:
        raise ValueError(f"unknown series kind {kind!r} (kinds: {', '.join(SERIES_KINDS)})")
    out = []
    for name in names:
        found, parts = parse_series(name)
        if found == kind:
            out.append(".".join(parts))
    return out


def quantile_column(q: float) -> str:
    """The column name of quantile ``q`` of a series: ``q05``, ``q50``, ``q95``...

    Examples
    --------
    >>> [quantile_column(q) for q in (0.05, 0.5, 0.95)]
    ['q05', 'q50', 'q95']
    """
    return f"q{round(q * 100):02d}"
