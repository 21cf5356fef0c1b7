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

from .errors import Problem, ScenarioError
from .paths import item_key
from .scenario import Scenario, validate_scenario
from .store import (  # results on disk moved to tradesim.store; still importable here
    METADATA_FILE,
    RESULTS_FILE,
    load_results,
    save_results,
    write_text,
)

__all__ = [
    "MAX_FILE_BYTES",
    "METADATA_FILE",
    "RESULTS_FILE",
    "load_events",
    "load_results",
    "load_scenario",
    "merge",
    "read_data",
    "save_results",
    "write_parameter_sample",
]

MAX_FILE_BYTES = 1_000_000
_MAX_EXTENDS_DEPTH = 8


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys and aliases."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.constructor.ConstructorError(
                None, None, "anchors and aliases (*name) are not supported in tradesim files",
                event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
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
    if path.exists() and not (path.is_file() or path.is_dir()):
        # A FIFO or device would block the read or never end.
        raise fail("is not a regular file")
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
        except RecursionError:
            raise fail("TOML error: nested too deeply") from None
        except ValueError as exc:  # TOMLDecodeError, or an integer too long to convert
            raise fail(f"TOML syntax error: {exc}") from None
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise fail(f"YAML error{where}: {exc.problem}") from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise fail(f"YAML error: {exc}") from None
    except (ValueError, TypeError) as exc:  # e.g. 2025-02-30, a 5,000-digit integer, a set key
        raise fail(f"YAML error: {exc}") from None


def merge(base: Any, override: Any) -> Any:
    """Merge ``override`` onto ``base``: mappings by key, lists of items by ``id``.

    Items of an overriding list whose ``id`` (or ``actor`` and ``instrument``,
    for commitments) matches a base item are merged into it; new items are
    appended.  Any other value replaces the base value.  Neither input is
    modified.  A distribution (a mapping with ``dist``) and a strategy of a
    different ``name`` replace the base value whole, since their fields do not
    carry over.
    """
    if isinstance(base, Mapping) and isinstance(override, Mapping) and not _replaces(
            base, override):
        out = {k: copy.deepcopy(v) for k, v in base.items()}
        for key, value in override.items():
            out[key] = merge(base[key], value) if key in base else copy.deepcopy(value)
        return out
    if _keyed_list(base) and _keyed_list(override):
        out_list = [copy.deepcopy(item) for item in base]
        index = {item_key(item): i for i, item in enumerate(out_list)}
        for item in override:
            key = item_key(item)
            if key in index:
                out_list[index[key]] = merge(out_list[index[key]], item)
            else:
                out_list.append(copy.deepcopy(item))
        return out_list
    return copy.deepcopy(override)


def _replaces(base: Mapping[str, Any], override: Mapping[str, Any]) -> bool:
    if "dist" in override or "dist" in base:
        return True
    is_strategy = "name" in base and "instruments" not in base and "start_date" not in base
    return is_strategy and override.get("name", base["name"]) != base["name"]


def _keyed_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(
        isinstance(v, Mapping) and item_key(v) is not None for v in value)


def _read_sample(spec: Mapping[str, Any], base: Path, source: str) -> dict[str, Any]:
    """Read the CSV file a ``parameter_sample`` names (header: parameter paths)."""
    import csv
    import io as _io

    name = spec.get("file")
    if not isinstance(name, str) or not name:
        raise ScenarioError(source, [Problem("parameter_sample.file", "must name a CSV file",
                                             name, has_value=True)])
    path = base / name
    where = f"parameter_sample.file ({path})"
    if path.suffix.lower() != ".csv":
        raise ScenarioError(source, [Problem(where, "must be a .csv file")])
    try:
        raw = path.read_bytes()[: MAX_FILE_BYTES * 50 + 1]
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise ScenarioError(source, [Problem(where, "no such file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(source, [Problem(where, f"cannot be read: {exc}")]) from None
    reader = csv.reader(_io.StringIO(text))
    try:
        header = next(reader)
        rows = [tuple(float(x) for x in row) for row in reader if row]
    except StopIteration:
        raise ScenarioError(source, [Problem(where, "the file is empty")]) from None
    except ValueError as exc:
        raise ScenarioError(source, [Problem(where, f"not numbers: {exc}")]) from None
    return {**{k: v for k, v in spec.items() if k != "file"}, "file": name,
            "paths": header, "rows": rows}


def write_parameter_sample(path: str | Path, columns: Mapping[str, Any]) -> None:
    """Write a joint parameter sample (path -> values) as CSV, atomically.

    A scenario uses it with ``parameter_sample: {file: NAME.csv}``.
    """
    import csv
    import io as _io

    import numpy as np

    names = list(columns)
    data = np.column_stack([np.asarray(columns[n], dtype=float) for n in names])
    buffer = _io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names)
    writer.writerows([[repr(float(x)) for x in row] for row in data])
    write_text(path, buffer.getvalue())


def _resolve(path: Path, depth: int = 0) -> Any:
    data = read_data(path)
    if isinstance(data, Mapping) and isinstance(data.get("parameter_sample"), Mapping) and \
            "rows" not in data["parameter_sample"]:
        data = {**data, "parameter_sample": _read_sample(data["parameter_sample"], path.parent,
                                                         str(path))}
    if isinstance(data, Mapping) and "extends" in data:
        parent = data["extends"]
        if not isinstance(parent, str):
            raise ScenarioError(str(path), [Problem("extends", "must be a file name",
                                                    parent, has_value=True)])
        if depth >= _MAX_EXTENDS_DEPTH:
            raise ScenarioError(str(path), [Problem("extends", "too many levels of 'extends' "
                                                               f"(at most {_MAX_EXTENDS_DEPTH})")])
        try:
            base = _resolve(path.parent / parent, depth + 1)
        except ScenarioError as exc:
            # Name the file the user passed first, then the file it extends.
            raise ScenarioError(str(path), [Problem("extends", f"{exc.source}: {p}")
                                            for p in exc.problems]) from None
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


def load_events(path: str | Path, scenario: Scenario) -> Any:
    """Read and validate an event log (YAML or TOML) against a scenario.

    Returns
    -------
    tradesim.history.EventLog

    Raises
    ------
    ScenarioError
        Naming the file, the event, the field, the bad value and what is allowed.
    """
    from .history import validate_events

    return validate_events(read_data(path), scenario, source=str(path))
