"""Reading scenario files: the one place where files become data.

Scenario (and sweep) files are YAML or TOML.  They are data, never code:
YAML is read with a safe loader that also refuses duplicate keys and
anchors/aliases (which can blow up exponentially), files must be UTF-8 and
at most :data:`MAX_FILE_BYTES` long.  A scenario may start from another one
with ``extends: other.yaml`` and override only what differs; mappings are
merged key by key and lists of items with an ``id`` item by item.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from .scenario import Problem, Scenario, ScenarioError, validate_scenario

__all__ = ["MAX_FILE_BYTES", "load_scenario", "read_data", "merge"]

MAX_FILE_BYTES = 1_000_000
_MAX_EXTENDS_DEPTH = 8


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys and aliases."""

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D102
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.constructor.ConstructorError(
                None, None, "anchors and aliases (*name) are not supported in tradesim files",
                event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:  # noqa: D102
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, list | dict):
                raise yaml.constructor.ConstructorError(
                    None, None, "mapping keys must be plain values", key_node.start_mark)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark,
                    f"duplicate key {key!r} (first at line {seen[key].line + 1})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


def read_data(path: str | Path) -> Any:
    """Read a YAML or TOML file into plain data, with clear errors.

    Parameters
    ----------
    path : str or Path
        A ``.yaml``/``.yml`` or ``.toml`` file.

    Returns
    -------
    object
        The parsed data (normally a dict).

    Raises
    ------
    ScenarioError
        If the file cannot be read, is too large, is not UTF-8, or does not parse.
    """
    path = Path(path)
    source = str(path)

    def fail(message: str) -> ScenarioError:
        return ScenarioError(source, [Problem("", message)])

    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".toml"):
        raise fail(f"unknown file type {suffix or '(none)'!r}: use .yaml, .yml or .toml")
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise fail("no such file") from None
    except IsADirectoryError:
        raise fail("is a directory, not a file") from None
    except OSError as exc:
        raise fail(f"cannot be read: {exc.strerror}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise fail(f"file is larger than the {MAX_FILE_BYTES:,} bytes allowed")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at offset {exc.start}") from None
    if not text.strip():
        raise fail("the file is empty")
    if suffix == ".toml":
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise fail(f"TOML syntax error: {exc}") from None
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise fail(f"YAML error{where}: {exc.problem}") from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise fail(f"YAML error: {exc}") from None


def merge(base: Any, override: Any) -> Any:
    """Merge ``override`` onto ``base``: mappings by key, lists of items by ``id``.

    Items of an overriding list whose ``id`` (or ``actor`` and ``instrument``,
    for commitments) matches a base item are merged into it; new items are
    appended.  Any other value replaces the base value.  Neither input is
    modified.
    """
    if isinstance(base, Mapping) and isinstance(override, Mapping):
        out = {k: copy.deepcopy(v) for k, v in base.items()}
        for key, value in override.items():
            out[key] = merge(base[key], value) if key in base else copy.deepcopy(value)
        return out
    if _keyed_list(base) and _keyed_list(override):
        out_list = [copy.deepcopy(item) for item in base]
        index = {_item_key(item): i for i, item in enumerate(out_list)}
        for item in override:
            key = _item_key(item)
            if key in index:
                out_list[index[key]] = merge(out_list[index[key]], item)
            else:
                out_list.append(copy.deepcopy(item))
        return out_list
    return copy.deepcopy(override)


def _item_key(item: Mapping[str, Any]) -> Any:
    if "id" in item:
        return item["id"]
    return (item.get("actor"), item.get("instrument"))


def _keyed_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(
        isinstance(v, Mapping) and ("id" in v or ("actor" in v and "instrument" in v))
        for v in value
    )


def _resolve(path: Path, depth: int = 0) -> Any:
    data = read_data(path)
    if isinstance(data, Mapping) and "extends" in data:
        parent = data["extends"]
        if not isinstance(parent, str):
            raise ScenarioError(str(path), [Problem("extends", "must be a file name",
                                                    parent, has_value=True)])
        if depth >= _MAX_EXTENDS_DEPTH:
            raise ScenarioError(str(path), [Problem("extends", "too many levels of 'extends' "
                                                               f"(at most {_MAX_EXTENDS_DEPTH})")])
        base = _resolve(path.parent / parent, depth + 1)
        rest = {k: v for k, v in data.items() if k != "extends"}
        return merge(base, rest)
    return data


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file (YAML or TOML).

    Parameters
    ----------
    path : str or Path
        The scenario file; ``extends:`` paths are relative to it.

    Returns
    -------
    Scenario
        The validated, immutable scenario.

    Raises
    ------
    ScenarioError
        Naming the file, each bad field's path, the bad value and what is allowed.

    Examples
    --------
    >>> import tradesim
    >>> s = tradesim.load_scenario("scenarios/london-2025.yaml")
    >>> s.start_date.isoformat(), s.horizon_weeks
    ('2025-06-11', 104)
    """
    return validate_scenario(_resolve(Path(path)), source=str(path))
