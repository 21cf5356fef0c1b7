"""Parameter names in words, with units, derived from the scenario schema.

A dotted parameter path such as ``actors.china.instruments.magnets.lag_weeks``
becomes ``"China, instrument magnets: lag (weeks)"``.  The words come from
the path (the actor's display name, the item ids, the field's name); the
unit comes from the field's description in the schema
(:mod:`tradesim.scenario`, :mod:`tradesim.economy`), so a new field is
named without a table to keep up to date.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ..paths import _nodes

if TYPE_CHECKING:  # pragma: no cover
    from ..scenario import Scenario

__all__ = ["parameter_label", "parameter_name", "parameter_unit"]

#: Collections of items in a path, and the word for one item.
_ITEMS = {"instruments": "instrument", "goods": "good", "sectors": "sector",
          "commitments": "commitment", "channels": "channel", "actors": ""}

#: The unit a field's description implies: the first pattern that matches wins.
_UNIT_RULES: tuple[tuple[str, str], ...] = (
    (r"USD billion a year", "USD bn a year"),
    (r"percent ad valorem", "% ad valorem"),
    (r"^Highest restriction level", "share, 0 to 1"),
    (r"^Relative", "relative change"),
    (r"Chance per week|per week\)", "probability a week"),
    (r"^Chance", "probability"),
    (r"\bnats\b", "nats"),
    (r"elasticity", "absolute value"),
    (r"price index", "index, 2024 average = 1"),
    (r"multiple of normal use", "multiple of normal use"),
    (r"^Weight", "weight"),
    (r"^(Weeks|Median inventory cover|Most cover|Cover, weeks)", "weeks"),
    (r"\bsd\b|Standard deviation|Log-scale spread", "standard deviation"),
    (r"^(Share|Restriction level|Level|National-security floor)|share of|\bshare\b",
     "share, 0 to 1"),
    (r"per unit", "ratio"),
)

#: Words dropped from a field's name when the unit says them.
_UNIT_WORDS = {"weeks": ("_weeks",), "standard deviation": ("_sd",),
               "% ad valorem": ("_percent",), "USD bn a year": ("_usd_bn",)}
#: Path parts that say nothing to a reader, and abbreviations spelled out.
_SILENT = ("economy", "framework")
_WORDS = {"row": "rest-of-world", "ev": "EV", "eda": "EDA", "sd": "standard deviation"}


def _words(name: str) -> str:
    return " ".join(_WORDS.get(w, w) for w in name.split("_"))


def _holder(scenario: Scenario, path: str) -> Any:
    *_, node = (scenario, *_nodes(scenario, path))
    return node


def _description(scenario: Scenario, path: str) -> str:
    """The schema's description of the field at ``path`` ('' when it has none)."""
    try:
        node = _holder(scenario, path)
    except (KeyError, AttributeError):
        return ""
    if not isinstance(node, BaseModel):
        return ""
    field = type(node).model_fields.get(path.rsplit(".", 1)[-1])
    return (field.description or "") if field is not None else ""


def parameter_unit(scenario: Scenario, path: str) -> str:
    """The unit of the parameter at ``path``, from its field's description.

    Parameters
    ----------
    scenario : Scenario
    path : str
        A key of :meth:`Scenario.parameter_paths`.

    Returns
    -------
    str
        Such as ``"weeks"``, ``"probability a week"`` or ``"USD bn a year"``;
        a good's flow is in its own ``unit`` a week; ``""`` when the schema
        says nothing (a strategy's free-form parameters).
    """
    text = _description(scenario, path)
    if "`unit` per week" in text:
        unit = getattr(_holder(scenario, path), "unit", "index")
        return f"{unit} a week, 2024 average" if unit != "index" else "index, 2024 average = 1"
    for pattern, unit in _UNIT_RULES:
        if re.search(pattern, text):
            return unit
    return ""


def parameter_name(scenario: Scenario, path: str) -> str:
    """The parameter at ``path`` in words, without its unit.

    Parameters
    ----------
    scenario : Scenario
    path : str

    Returns
    -------
    str
        Such as ``"China, instrument magnets: lag"``.
    """
    parts = path.split(".")
    unit = parameter_unit(scenario, path)
    field = parts[-1]
    for suffix in _UNIT_WORDS.get(unit, ()):
        if field.endswith(suffix) and field != suffix.lstrip("_"):
            field = field.removesuffix(suffix)
    words: list[str] = []
    i = 0
    context = parts[:-1]
    while i < len(context):
        part = context[i]
        if part in _ITEMS and i + 1 < len(context):
            item = context[i + 1]
            if part == "actors":
                actor = scenario.actors.get(item) if hasattr(scenario, "actors") else None
                words.append(getattr(actor, "name", item))
            elif part == "commitments" and i + 2 < len(context):
                actor = scenario.actors.get(item)
                words.append(f"commitment of {getattr(actor, 'name', item)} on "
                             f"{_words(context[i + 2])}")
                i += 1
            else:
                words.append(f"{_ITEMS[part]} {_words(item)}")
            i += 2
            continue
        if part in ("approval", "monitoring") and i + 1 < len(context):
            actor = scenario.actors.get(context[i + 1])
            words.append(f"{part} by {getattr(actor, 'name', context[i + 1])}")
            i += 2
            continue
        if part not in _SILENT:
            words.append(_words(part))
        i += 1
    name = _words(field)
    return f"{', '.join(words)}: {name}" if words else name


def parameter_label(scenario: Scenario, path: str) -> str:
    """The parameter at ``path`` in words with its unit in brackets.

    Parameters
    ----------
    scenario : Scenario
    path : str

    Returns
    -------
    str
        Such as ``"China, instrument magnets: lag (weeks)"``; no brackets
        when the unit is unknown.

    Examples
    --------
    >>> import tradesim
    >>> s = tradesim.load_scenario("scenarios/london-2025.yaml")
    >>> parameter_label(s, "approval.china.weekly_hazard")
    'approval by China: weekly hazard (probability a week)'
    """
    unit = parameter_unit(scenario, path)
    name = parameter_name(scenario, path)
    return f"{name} ({unit})" if unit else name
