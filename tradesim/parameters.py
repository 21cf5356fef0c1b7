"""Numeric parameters of the scenario schema: a number in range, or a distribution within it.

Every numeric field of a scenario is annotated with one of these types.  A
value is either a finite number inside the field's range or a distribution
(see :mod:`tradesim.distributions`) whose whole support lies inside it, so a
draw can never leave the range; messages say which range applies.

:data:`Probability` is ``[0, 1]``, :data:`NonNegative` ``[0, inf)``,
:data:`Positive` ``(0, inf)``; :func:`parameter` makes any other range.
:data:`Identifier` is the pattern of ids (``magnets``, ``us``) and
:data:`Sources` a list of fact ids.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import (
    Field,
    PlainSerializer,
    PlainValidator,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from .distributions import DISTRIBUTION_NAMES, Distribution, is_distribution
from .errors import error_messages, suggest

__all__ = [
    "ANY_PARAMETER",
    "Identifier",
    "NonNegative",
    "Positive",
    "Probability",
    "Sources",
    "parameter",
    "with_distribution_schema",
]

_DISTRIBUTION = TypeAdapter(Distribution)
_MARKER = "x-tradesim-distribution"


def parameter(lo: float = -math.inf, hi: float = math.inf, *, lo_open: bool = False) -> Any:
    """An annotated numeric parameter: a number in range, or a distribution within it.

    Parameters
    ----------
    lo, hi : float
        The range, closed unless ``lo_open`` (then ``(lo, hi]``).
    lo_open : bool
        Exclude ``lo`` itself.

    Returns
    -------
    typing.Annotated
        ``float | Distribution`` with its validator (a number is returned as
        a float, a distribution's support must lie in the range), serialiser
        and JSON Schema.
    """
    if lo_open:
        bounds = f"in ({lo:g}, {hi:g}]" if math.isfinite(hi) else f"greater than {lo:g}"
    elif math.isfinite(lo) and math.isfinite(hi):
        bounds = f"in [{lo:g}, {hi:g}]"
    elif math.isfinite(lo):
        bounds = f"at least {lo:g}"
    else:
        bounds = "any finite number"

    def inside(x: float) -> bool:
        low_ok = x > lo if lo_open else x >= lo
        return low_ok and x <= hi

    def validate(value: Any) -> Any:
        if isinstance(value, bool) or value is None:
            raise PydanticCustomError(
                "param", "expected a number {bounds} or a distribution", {"bounds": bounds}
            )
        if isinstance(value, int | float):
            x = float(value)
            if not math.isfinite(x):
                raise PydanticCustomError(
                    "param", "must be a finite number {bounds}", {"bounds": bounds}
                )
            if not inside(x):
                raise PydanticCustomError("param", "must be {bounds}", {"bounds": bounds})
            return x
        if is_distribution(value):
            value = value.model_dump()
        if isinstance(value, Mapping):
            if "dist" not in value:
                raise PydanticCustomError(
                    "param",
                    "a distribution needs a 'dist' key, one of: {names}",
                    {"names": ", ".join(DISTRIBUTION_NAMES)},
                )
            name = value["dist"]
            if name not in DISTRIBUTION_NAMES:
                raise PydanticCustomError(
                    "param",
                    "unknown distribution '{name}'{hint} (known: {names})",
                    {"name": name, "hint": suggest(name, DISTRIBUTION_NAMES),
                     "names": ", ".join(DISTRIBUTION_NAMES)},
                )
            try:
                dist = _DISTRIBUTION.validate_python(dict(value))
            except ValidationError as exc:
                inner = "; ".join(error_messages(exc, tags=DISTRIBUTION_NAMES))
                raise PydanticCustomError("param", "invalid {name}: {inner}",
                                          {"name": name, "inner": inner}) from None
            low, high = dist.support()
            if not (inside(low) and inside(high)):
                raise PydanticCustomError(
                    "param",
                    "{desc} can take values that are not {bounds}; use a distribution "
                    "bounded like the field (uniform, triangular, truncnormal, beta or choice)",
                    {"desc": dist.describe(), "bounds": bounds},
                )
            return dist
        raise PydanticCustomError(
            "param", "expected a number {bounds} or a distribution", {"bounds": bounds}
        )

    number: dict[str, Any] = {"type": "number"}
    if math.isfinite(lo):
        number["exclusiveMinimum" if lo_open else "minimum"] = lo
    if math.isfinite(hi):
        number["maximum"] = hi
    # Pydantic cannot resolve a $ref it did not make: with_distribution_schema() swaps this.
    schema = {"anyOf": [number, {_MARKER: True}]}
    return Annotated[
        float | Distribution,
        PlainValidator(validate),
        PlainSerializer(_dump, return_type=Any),
        WithJsonSchema(schema),
    ]


def _dump(value: Any) -> Any:
    return value.model_dump() if is_distribution(value) else value


#: A probability or share, in [0, 1].
Probability = parameter(0.0, 1.0)
#: Validates a parameter of any finite value (a strategy's free-form parameters).
ANY_PARAMETER = TypeAdapter(parameter())
#: A non-negative quantity (weeks, USD billion, a standard deviation).
NonNegative = parameter(0.0)
#: A strictly positive quantity.
Positive = parameter(0.0, lo_open=True)
#: An id: lower case letters, digits and underscores, starting with a letter.
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
#: Fact ids in ``seeds/facts.yaml``, or ``assumption``.
Sources = tuple[Annotated[str, Field(max_length=200)], ...]


def with_distribution_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` (of a model with parameters) with the distributions' definitions.

    Pydantic leaves a marker where a parameter may be a distribution; this
    adds the distributions to ``$defs`` and points each marker at them.
    """
    dist_schema = TypeAdapter(Distribution).json_schema(ref_template="#/$defs/{model}")
    defs = schema.setdefault("$defs", {})
    defs.update(dist_schema.pop("$defs", {}))
    defs["Distribution"] = dist_schema
    return _swap(schema)


def _swap(node: Any) -> Any:
    if isinstance(node, dict):
        if node.get(_MARKER):
            return {"$ref": "#/$defs/Distribution"}
        return {k: _swap(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_swap(v) for v in node]
    return node
