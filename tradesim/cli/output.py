"""Output of the ``tradesim`` command line: exit codes, strict JSON, output-folder markers."""

from __future__ import annotations

import json
from typing import Any

EXIT_OK, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 2, 130

#: The file of ``tradesim run --out`` that marks earlier, complete results (refused
#: without --overwrite).  A folder without it holds no complete save (a run killed while
#: saving, see tradesim.store): running again into it needs no --overwrite.
RUN_OUTPUTS = ("metadata.json",)
#: Files of ``tradesim report --out`` that mark an earlier report.
REPORT_OUTPUTS = ("report.html", "report.pdf")



def strict_json(value: Any) -> str:
    """Strict JSON on one line (no NaN or infinities, which JSON does not have: null)."""
    return json.dumps(json_value(value), separators=(",", ":"), allow_nan=False)


def json_value(value: Any) -> Any:
    """A value as JSON-ready data: NaN and infinities as None, others via ``str``."""
    import math

    if isinstance(value, float):
        return None if not math.isfinite(value) else value
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return json_value(value.tolist())
    return str(value)


def print_json(payload: Any) -> None:
    """Print valid JSON (no NaN: null) on one line."""
    print(strict_json(payload))
