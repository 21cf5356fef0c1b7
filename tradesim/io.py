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
    "MAX_SAMPLE_BYTES",
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
#: Largest parameter-sample CSV file read (a file above it is refused, never cut).
MAX_SAMPLE_BYTES = 50 * MAX_FILE_BYTES
_MAX_EXTENDS_DEPTH = 8
_CHUNK = 1 << 20


class _Unreadable(Exception):
    """A file that cannot be read as data: the message says why."""


def _read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, read in chunks.

    The file is opened without blocking and checked to be a regular file
    (through a symbolic link, too) before anything is read, so a FIFO, a
    socket or a device (``/dev/zero``) is refused at once instead of hanging
    or filling memory.  A file above ``limit`` is refused, never cut.

    Raises
    ------
    _Unreadable
        With a message for the user.
    """
    import os
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise _Unreadable("no such file") from None
    except IsADirectoryError:
        raise _Unreadable("is a directory, not a file") from None
    except OSError as exc:
        raise _Unreadable(f"cannot be read: {exc.strerror}") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise _Unreadable("is a directory, not a file")
        if not stat.S_ISREG(mode):
            raise _Unreadable("is not a regular file (a FIFO, socket or device)")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise _Unreadable(f"cannot be read: {exc.strerror}") from None
    finally:
        os.close(fd)
    if size > limit:
        raise _Unreadable(f"file is larger than the {limit:,} bytes allowed")
    return b"".join(chunks)


def _decode(raw: bytes) -> str:
    """UTF-8 text, a leading byte-order mark dropped (as editors on Windows write it)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _Unreadable(f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at offset "
                          f"{exc.start}") from None


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

    if path.is_dir():
        raise fail("is a directory, not a file: give a scenario file (.yaml, .yml or .toml)")
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".toml"):
        raise fail(f"unknown file type {suffix or '(none)'!r}: use .yaml, .yml or .toml")
    try:
        text = _decode(_read_bounded(path, MAX_FILE_BYTES))
    except _Unreadable as exc:
        raise fail(str(exc)) from None
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
        text = str(exc)
        if any(word in text for word in ("month must be", "day is out of range", "year ")):
            text += " (dates are YYYY-MM-DD, a real calendar day, e.g. 2025-06-11)"
        raise fail(f"YAML error: {text}") from None


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
    """Read the CSV file a ``parameter_sample`` names (header: parameter paths).

    Only a regular file of at most :data:`MAX_SAMPLE_BYTES` is read; every
    problem names the CSV file, and the line and column of a bad value.  The
    values are range-checked against the scenario's own rules later, in
    :func:`tradesim.scenario.validate_scenario`.
    """
    import csv
    import io as _io
    import math

    name = spec.get("file")
    if not isinstance(name, str) or not name:
        raise ScenarioError(source, [Problem("parameter_sample.file", "must name a CSV file",
                                             name, has_value=True)])
    path = base / name
    where = f"parameter_sample.file ({path})"

    def fail(message: str, at: str = "", value: Any = None, has_value: bool = False) -> \
            ScenarioError:
        return ScenarioError(source, [Problem(f"{where}{at}", message, value, has_value)])

    if path.suffix.lower() != ".csv":
        raise fail("must be a .csv file")
    try:
        text = _decode(_read_bounded(path, MAX_SAMPLE_BYTES))
    except _Unreadable as exc:
        raise fail(str(exc)) from None
    reader = csv.reader(_io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
        rows: list[tuple[float, ...]] = []
        for row in reader:
            if not row:
                continue
            line = reader.line_num
            if len(row) != len(header):
                raise fail(f"has {len(row)} values for the {len(header)} columns of the "
                           "header", f" line {line}")
            values = []
            for column, cell in zip(header, row, strict=True):
                try:
                    x = float(cell)
                except ValueError:
                    raise fail("not a number", f" line {line}, column {column}", cell,
                               True) from None
                if not math.isfinite(x):
                    raise fail("must be a finite number", f" line {line}, column {column}",
                               cell, True)
                values.append(x)
            rows.append(tuple(values))
    except StopIteration:
        raise fail("the file is empty") from None
    except csv.Error as exc:
        raise fail(f"CSV error at line {reader.line_num}: {exc}") from None
    seen: dict[str, int] = {}
    for j, column in enumerate(header):
        if not column:
            raise fail(f"column {j + 1} of the header has no name (a parameter path)")
        if column in seen:
            raise fail(f"the column appears twice in the header (columns {seen[column] + 1} "
                       f"and {j + 1})", " header", column, True)
        seen[column] = j
    if not rows:
        raise fail("has a header but no rows of values")
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


def _resolve(path: Path, chain: tuple[Path, ...] = ()) -> Any:
    """Read ``path`` and the files it ``extends``, merged; ``chain``: the files below it."""
    data = read_data(path)
    if isinstance(data, Mapping) and isinstance(data.get("parameter_sample"), Mapping) and \
            "rows" not in data["parameter_sample"]:
        data = {**data, "parameter_sample": _read_sample(data["parameter_sample"], path.parent,
                                                         str(path))}
    if isinstance(data, Mapping) and "extends" in data:
        parent = data["extends"]
        if not isinstance(parent, str) or not parent:
            raise ScenarioError(str(path), [Problem("extends", "must be a file name",
                                                    parent, has_value=True)])
        target = path.parent / parent
        files = (*chain, path)
        seen = [_identity(f) for f in files]
        if _identity(target) in seen:
            loop = [str(f) for f in files[seen.index(_identity(target)):]]
            raise ScenarioError(str(path), [Problem("extends", "the files extend each other "
                                                               f"in a cycle: "
                                                               f"{' -> '.join([*loop, loop[0]])}",
                                                    parent, has_value=True)])
        if len(chain) >= _MAX_EXTENDS_DEPTH:
            raise ScenarioError(str(path), [Problem("extends", "too many levels of 'extends' "
                                                               f"(at most {_MAX_EXTENDS_DEPTH})")])
        try:
            base = _resolve(target, files)
        except ScenarioError as exc:
            # Name the file the user passed first, then the file it extends.
            raise ScenarioError(str(path), [Problem("extends", f"{exc.source}: {p}")
                                            for p in exc.problems]) from None
        if not isinstance(base, Mapping):
            kind = "an empty file" if base is None else type(base).__name__
            raise ScenarioError(str(path), [Problem(
                "extends", f"the file it extends must be a mapping of scenario fields, got "
                           f"{kind}", parent, has_value=True)])
        rest = {k: v for k, v in data.items() if k != "extends"}
        return merge(base, rest)
    return data


def _identity(path: Path) -> Path:
    """The file ``path`` names, symbolic links and ``..`` resolved, to find cycles."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symbolic-link loop
        return path.absolute()


_SWEEP_KEYS = ("grid", "zip", "design", "parameters")


def _not_a_sweep(data: Any, source: str) -> None:
    """Refuse a sweep file given where a scenario is expected, saying so."""
    if isinstance(data, Mapping) and "base" in data and "actors" not in data and \
            any(key in data for key in _SWEEP_KEYS):
        keys = ", ".join(repr(k) for k in ("base", *_SWEEP_KEYS) if k in data)
        raise ScenarioError(source, [Problem("", f"this is a sweep file (it has {keys}), not "
                                                 "a scenario: run it with 'tradesim sweep "
                                                 f"{source} --out FOLDER'")])


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
    data = _resolve(Path(path))
    _not_a_sweep(data, str(path))
    return validate_scenario(data, source=str(path))


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
