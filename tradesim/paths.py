"""Parameter paths: the dotted names of a scenario's parameters.

Sweeps, the explorer, parameter samples, reports and the model itself name
a parameter by its path in the scenario, for example
``actors.us.strategy.forgiveness`` or ``approval.china.weekly_hazard``.  This
module is the one implementation of that grammar.

Grammar
-------
A path is field names and keys joined by dots:

- a field of an object, or a key of a mapping (an actor id), is one part:
  ``monitoring.us.channels.magnets.noise_sd``;
- an item of a list is named by its ``id``, one part:
  ``actors.china.instruments.magnets.lag_weeks``,
  ``economy.goods.magnets.baseline_flow_per_week``;
- a commitment (a list item without an ``id``) is named by its actor and
  instrument, two parts: ``framework.commitments.china.magnets.deadline_weeks``;
- a strategy's parameters are parts of ``actors.<actor>.strategy``, and
  ``actors.<actor>.strategy.name`` names the strategy itself.

A distribution is one parameter (its path ends at the field, never inside
the distribution).  Error messages locate problems with brackets instead
(``economy.goods[magnets]``, see :mod:`tradesim.errors`); those are
locations in a file, not parameter paths.

Functions
---------
:func:`join` builds a path, :func:`walk` lists the numeric parameters of a
validated scenario, :func:`settable_paths`, :func:`get_path` and
:func:`set_path` read and edit plain scenario data (as a sweep or the
explorer does) and :func:`owner_sources` finds the sources of the object
that holds a parameter.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel

from .distributions import is_distribution
from .errors import suggest
from .strategies import STRATEGIES, get_strategy

__all__ = [
    "get_path",
    "item_key",
    "join",
    "owner_sources",
    "set_path",
    "settable_paths",
    "walk",
]

# Top-level fields that change the shape of the results (or are not parameters).
_FIXED_PATHS = {"name", "description", "start_date", "horizon_weeks"}
# Fields that identify or describe an object rather than parametrise it.
_SKIP_KEYS = {"source", "description", "id", "unit", "exporter", "actor", "instrument"}


def join(*parts: str) -> str:
    """The path of ``parts``: ``join("actors", "us", "domestic", "hawkishness")``.

    An item key of two parts (a commitment's ``"<actor>.<instrument>"``) may
    be given as one part.
    """
    return ".".join(parts)


def item_key(item: Any) -> str | None:
    """The path part of a list item: its ``id``, or ``<actor>.<instrument>``, else None.

    Works on plain data (a mapping) and on schema objects alike.

    Examples
    --------
    >>> item_key({"id": "magnets", "level": 0.9})
    'magnets'
    >>> item_key({"actor": "china", "instrument": "magnets", "target": 0.2})
    'china.magnets'
    >>> item_key({"level": 0.9}) is None
    True
    """
    if isinstance(item, Mapping):
        if "id" in item:
            return str(item["id"])
        if "actor" in item and "instrument" in item:
            return f"{item['actor']}.{item['instrument']}"
        return None
    ident = getattr(item, "id", None)
    if ident is not None:
        return str(ident)
    if hasattr(item, "actor") and hasattr(item, "instrument"):
        return f"{item.actor}.{item.instrument}"
    return None


# ------------------------------------------------------------ validated scenarios


def walk(obj: BaseModel, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Yield ``(path, value)`` for every numeric parameter of a schema object, in file order.

    Numbers (floats) and distributions are parameters; so are a strategy's
    free-form parameters (the object's extra fields other than ``source``).

    Parameters
    ----------
    obj : BaseModel
        A validated :class:`~tradesim.Scenario`, or any part of one.
    prefix : str
        Prepended to every path (``"actors.us."`` for an actor).
    """
    if isinstance(obj, BaseModel) and not is_distribution(obj):
        for name in type(obj).model_fields:
            yield from _walk_value(getattr(obj, name), f"{prefix}{name}")
        for key, value in (obj.model_extra or {}).items():
            if key != "source" and ((isinstance(value, int | float) and
                                     not isinstance(value, bool)) or is_distribution(value)):
                yield f"{prefix}{key}", value


def _walk_value(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if is_distribution(value) or (isinstance(value, float) and not isinstance(value, bool)):
        yield path, value
    elif isinstance(value, BaseModel):
        yield from walk(value, path + ".")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk_value(item, f"{path}.{key}")
    elif isinstance(value, tuple) and value and isinstance(value[0], BaseModel):
        for item in value:
            yield from walk(item, f"{path}.{item_key(item)}.")


def _nodes(root: Any, path: str, *, create: bool = False) -> Iterator[Any]:
    """Yield each object ``path`` passes through below ``root``, up to the leaf's holder.

    Mappings are entered by key (created empty if ``create``), lists by item
    key (one part, or two for a commitment), objects by attribute.
    """
    parts = path.split(".")
    node = root
    i = 0
    while i < len(parts) - 1:  # the last part is the parameter itself
        part = parts[i]
        if isinstance(node, list | tuple):
            for item in node:
                key = item_key(item)
                if key == part:
                    node, i = item, i + 1
                    break
                if key == f"{part}.{parts[i + 1]}":
                    node, i = item, i + 2
                    break
            else:
                raise KeyError(f"unknown parameter path {path!r}")
        elif isinstance(node, Mapping):
            node = node.setdefault(part, {}) if create else node[part]  # type: ignore[attr-defined]
            i += 1
        else:
            node = getattr(node, part)
            i += 1
        yield node


def owner_sources(scenario: BaseModel, path: str) -> tuple[str, ...]:
    """The ``source`` fact ids of the innermost object holding the parameter at ``path``.

    Examples
    --------
    >>> import tradesim
    >>> s = tradesim.load_scenario("scenarios/london-2025.yaml")
    >>> owner_sources(s, "approval.china.weekly_hazard")  # doctest: +ELLIPSIS
    (...)
    """
    sources: tuple[str, ...] = ()
    for node in _nodes(scenario, path):
        if isinstance(node, BaseModel):
            # A strategy keeps its source among its free-form parameters.
            raw = getattr(node, "source", None)
            sources = tuple(str(s) for s in raw) if raw else ()
    return sources


# ----------------------------------------------------------------- plain data


def settable_paths(data: Mapping[str, Any]) -> list[str]:
    """Every path :func:`set_path` accepts in scenario data, in file order.

    The numeric, text and boolean values of the data (a distribution whole),
    except identifying fields and those that fix the results' shape
    (``name``, ``start_date``, ``horizon_weeks``...); then the strategy name
    and every parameter of any registered strategy, for each actor.
    """
    out: list[str] = []

    def visit(node: Any, prefix: str) -> None:
        if isinstance(node, Mapping):
            if "dist" in node:  # a distribution: replace it whole
                out.append(prefix[:-1])
                return
            for key, value in node.items():
                if key in _SKIP_KEYS:
                    continue
                visit(value, f"{prefix}{key}.")
        elif isinstance(node, list):
            for item in node:
                key = item_key(item) if isinstance(item, Mapping) else None
                if key is not None:
                    visit(item, f"{prefix}{key}.")
        elif isinstance(node, bool | int | float | str) and prefix[:-1] not in _FIXED_PATHS:
            out.append(prefix[:-1])

    visit(data, "")
    names = [p for p in out if not p.endswith(".name") or ".strategy." in p]
    for actor in (data.get("actors") or {}):
        for strategy in STRATEGIES.values():
            for field in dataclasses.fields(strategy):
                path = join("actors", actor, "strategy", field.name)
                if path not in names:
                    names.append(path)
    return names


def _check(path: str, allowed: Sequence[str]) -> None:
    if path not in allowed:
        hint = suggest(path, allowed) or " (see Scenario.parameter_paths() for the parameters)"
        raise KeyError(f"unknown parameter path {path!r}{hint}")


def get_path(data: Any, path: str) -> Any:
    """The value at ``path`` in scenario data (or a schema object).

    Raises
    ------
    KeyError
        If the path leads nowhere.
    """
    *_, node = (data, *_nodes(data, path))
    last = path.split(".")[-1]
    try:
        return node[last] if isinstance(node, Mapping) else getattr(node, last)
    except (KeyError, AttributeError):
        raise KeyError(f"unknown parameter path {path!r}") from None


def set_path(data: dict[str, Any], path: str, value: Any,
             allowed: Sequence[str] | None = None) -> None:
    """Set ``value`` at a dotted ``path`` in scenario data, in place.

    Mappings are walked by key, lists of items by their ``id`` (commitments by
    ``<actor>.<instrument>``, two path parts).  Setting
    ``actors.<actor>.strategy.name`` also drops the old strategy's parameters
    that the new strategy does not take (set them after the name to keep
    them).

    Parameters
    ----------
    data : dict
        Scenario data, e.g. ``scenario.model_dump(mode="json")``.
    path : str
        The parameter's path.
    value : object
        Its new value (numpy scalars are stored as Python numbers).
    allowed : sequence of str, optional
        The paths that may be set (default: :func:`settable_paths`; pass
        them when setting many values in the same data).

    Raises
    ------
    KeyError
        For a path that is not in ``allowed``, with the closest allowed path.
    """
    _check(path, settable_paths(data) if allowed is None else allowed)
    *_, node = (data, *_nodes(data, path, create=True))
    parts = path.split(".")
    last = parts[-1]
    if isinstance(value, np.generic):
        value = value.item()
    node[last] = value
    if last == "name" and parts[-2] == "strategy" and value in STRATEGIES:
        fields = {f.name for f in dataclasses.fields(get_strategy(value))}
        for key in [k for k in node if k not in fields and k not in ("name", "source")]:
            del node[key]
