"""Errors in input files: one way to say what is wrong, where, and what would be right.

Every file tradesim reads (scenario, sweep, event log) is validated with
pydantic, and every refusal is a :class:`ScenarioError` listing
:class:`Problem` objects.  This module is the one home of the conventions
that make those messages alike.

Conventions
-----------
Problem
    A location, a message and (optionally) the bad value, shown as
    ``path: <value> is not allowed: <message>`` or ``path: <message>``; the
    error prefixes each line with the file, ``file: path: ...``.
Locations
    Dotted field names; an item of a list is named by its ``id`` in brackets
    (``economy.goods[magnets].exporter``), a commitment by
    ``[<actor>.<instrument>]``, any other item by its index (``[2]``).  These
    are *error* locations, made from data that may be half valid; the
    parameter paths a sweep sets are :mod:`tradesim.paths`.
Did you mean
    :func:`suggest` appends ``; did you mean 'x'?`` when one option is close
    enough (:func:`difflib.get_close_matches`, cutoff 0.6), and nothing
    otherwise, so a message reads the same with or without a hint.
Pydantic errors
    :func:`problems_from` turns a :class:`pydantic.ValidationError` into
    problems for any root model: unknown fields list the fields allowed
    where they were found, missing fields say so, everything else keeps
    pydantic's message with the bad value.
Schema models
    :class:`Frozen` is the base of every schema class: immutable, and unknown
    fields are errors, never silently dropped.
"""

from __future__ import annotations

import dataclasses
import difflib
import typing
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

__all__ = ["Frozen", "Problem", "ScenarioError", "error_messages", "problems_from", "suggest"]

# Messages of these pydantic error types start with a capital that reads
# badly after "is not allowed: " (e.g. "Input should be greater than 0").
_NUMBER_KINDS = ("int_", "float_", "greater", "less", "string_")


@dataclasses.dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where, what was given, what is allowed.

    Attributes
    ----------
    path : str
        Location of the problem (see the module docstring), ``""`` for the
        whole file.
    message : str
        What is wrong, or what is allowed.
    value : object
        The value given, shown when ``has_value`` is true.
    has_value : bool
        Whether ``value`` is part of the message.
    """

    path: str
    message: str
    value: Any = dataclasses.field(default=None)
    has_value: bool = False

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        if self.has_value:
            return f"{where}{_show(self.value)} is not allowed: {self.message}"
        return f"{where}{self.message}"


class ScenarioError(ValueError):
    """A scenario (or sweep, or event log) file is not valid.

    Attributes
    ----------
    source : str
        The file (or ``"<dict>"``) the data came from.
    problems : tuple of Problem
        Each problem with its field path, the bad value and what is allowed.
    """

    def __init__(self, source: str, problems: list[Problem] | tuple[Problem, ...]):
        self.source = source
        self.problems = tuple(problems)
        lines = [f"{source}: {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class Frozen(BaseModel):
    """Base of the schema classes: immutable, and unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def suggest(word: Any, options: Iterable[Any]) -> str:
    """A "did you mean" hint for ``word`` among ``options``, or ``""``.

    Parameters
    ----------
    word : object
        What was given (compared as text).
    options : iterable
        What is allowed (compared as text).

    Returns
    -------
    str
        ``"; did you mean 'x'?"`` for the closest option with a similarity of
        at least 0.6, else the empty string.

    Examples
    --------
    >>> suggest("magnet", ["magnets", "chips"])
    "; did you mean 'magnets'?"
    >>> suggest("zzz", ["magnets"])
    ''
    """
    close = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


# ------------------------------------------------------------- pydantic errors


def _is_marker(key: Any, node: Any, tags: Mapping[str, Any]) -> bool:
    """Whether a location part is pydantic's, not the file's.

    Pydantic adds ``[key]`` for a dict key, the member of a union
    (``tuple[str, ...]``) and the tag of a discriminated union (``sobol``);
    a key the data itself has at that point is always kept.
    """
    if not isinstance(key, str) or (isinstance(node, Mapping) and key in node):
        return False
    return "[" in key or key in tags


def _item_label(item: Any, index: int) -> str:
    # Lenient, since the item may be half valid: a string id, else a commitment's
    # "<actor>.<instrument>" (a missing actor shows as None), else the index.
    ident = item.get("id") if isinstance(item, Mapping) else None
    if ident is None and isinstance(item, Mapping) and "instrument" in item:
        ident = f"{item.get('actor')}.{item.get('instrument')}"
    return f"[{ident}]" if isinstance(ident, str) else f"[{index}]"


def _location(data: Any, loc: tuple[Any, ...], tags: Mapping[str, Any]) -> tuple[str, list[Any]]:
    """The readable location of a pydantic ``loc`` in ``data``, and its kept parts."""
    parts: list[str] = []
    kept: list[Any] = []
    node = data
    for key in loc:
        if isinstance(key, int) and isinstance(node, list | tuple):
            item = node[key] if 0 <= key < len(node) else None
            parts.append(_item_label(item, key))
            node = item
        elif _is_marker(key, node, tags):
            continue
        else:
            parts.append(("." if parts else "") + str(key))
            node = node.get(key) if isinstance(node, Mapping) else None
        kept.append(key)
    return "".join(parts), kept


def _model_at(root: type[BaseModel], loc: Iterable[Any],
              tags: Mapping[str, type[BaseModel]]) -> type[BaseModel] | None:
    """The schema class whose fields apply at ``loc`` (for "allowed" and hints)."""
    cls: Any = root
    for key in loc:
        if cls is None:
            return None
        if isinstance(key, str) and key in tags:
            cls = tags[key]
            continue
        field = cls.model_fields.get(str(key))
        if field is not None:
            cls = _inner_model(field.annotation)
        # otherwise the key is a list index, a dict key or a union marker: stay put
    return cls


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def problems_from(exc: ValidationError, data: Any, root: type[BaseModel], *,
                  tags: Mapping[str, type[BaseModel]] | None = None,
                  lower_all: bool = False) -> list[Problem]:
    """Translate a pydantic validation error into problems, one per error.

    Parameters
    ----------
    exc : pydantic.ValidationError
        Raised by ``root.model_validate(data)``.
    data : object
        The data that was validated (list items are named by their id).
    root : type of BaseModel
        The model validated; unknown fields list the fields of the model
        where they were found, starting from it.
    tags : mapping, optional
        Tags of discriminated unions and the model each selects (e.g.
        ``{"sobol": SobolDesign}``): dropped from locations, and used to
        find the fields allowed inside the union.
    lower_all : bool
        Lower-case the first letter of every other message (sweep files);
        by default only of the number and string messages (scenario files).

    Returns
    -------
    list of Problem
        ``unknown field; did you mean ...? (allowed: ...)``, ``required field
        is missing``, ``unknown <field> <tag> (known: ...)`` for an unknown
        union tag, and otherwise pydantic's message with the bad value.
    """
    tags = tags or {}
    problems = []
    for error in exc.errors():
        raw = tuple(error["loc"])
        path, loc = _location(data, raw, tags)
        kind = error["type"]
        if kind == "extra_forbidden":
            parent = _model_at(root, raw[:-1], tags)
            allowed = list(parent.model_fields) if parent is not None else []
            hint = suggest(loc[-1], allowed)
            problems.append(Problem(path, f"unknown field{hint} (allowed: {', '.join(allowed)})"))
        elif kind == "missing":
            problems.append(Problem(path, "required field is missing"))
        elif kind == "union_tag_invalid":
            ctx = error.get("ctx") or {}
            what = str(ctx.get("discriminator", "tag")).strip("'")
            known = str(ctx.get("expected_tags", "")).replace("'", "")
            field = [str(loc[-1])] if loc else []
            problems.append(Problem(path, f"{' '.join(['unknown', *field, what])} (known: {known})",
                                    error.get("input"), True))
        elif kind.startswith(("date_", "datetime_")):
            problems.append(Problem(path, "expected a date as YYYY-MM-DD (ISO 8601, e.g. "
                                          "2025-06-11), a real calendar day",
                                    error.get("input"), True))
        else:
            message = error["msg"].removeprefix("Value error, ")
            if lower_all or kind.startswith(_NUMBER_KINDS):
                message = message[0].lower() + message[1:]
            problems.append(Problem(path, message, error.get("input"), has_value=True))
    return problems


def error_messages(exc: ValidationError, *,
                   tags: Iterable[str] = ()) -> list[str]:
    """Short ``"field: message"`` lines of a pydantic error, for one value's problems.

    Used where a whole value (a distribution, a range) is reported as one
    problem; the location is relative to the value, union markers and the
    ``tags`` of discriminated unions dropped.

    Examples
    --------
    >>> from pydantic import ValidationError
    >>> class Range(Frozen):
    ...     low: float
    >>> try:
    ...     Range.model_validate({"low": "x"})
    ... except ValidationError as exc:
    ...     error_messages(exc)
    ['low: Input should be a valid number, unable to parse string as a number']
    """
    marks = dict.fromkeys(tags)
    out = []
    for error in exc.errors():
        loc = ".".join(str(k) for k in error["loc"] if not _is_marker(k, None, marks))
        msg = error["msg"].removeprefix("Value error, ")
        out.append(f"{loc}: {msg}" if loc else msg)
    return out
