"""MkDocs hook: generate reference tables from the code at build time.

A page asks for a generated block with an HTML comment on a line of its own:

``<!-- generated: scenario-schema -->``
    the scenario file format, from :func:`tradesim.scenario.json_schema`;
``<!-- generated: distributions -->``
    the distributions any numeric parameter may take;
``<!-- generated: sweep-schema -->``
    the sweep file format, from :class:`tradesim.sweep.SweepSpec` (when the
    module exposes it);
``<!-- generated: strategies -->``
    the strategy registry, :data:`tradesim.strategies.STRATEGIES`;
``<!-- generated: cli -->``
    the ``--help`` of ``tradesim`` and of each subcommand, from
    :func:`tradesim.cli.build_parser`.

It also draws the tutorial's figures (:data:`FIGURES`) from a small run of
the London baseline, and adds to the navigation any page under ``docs/``
that ``mkdocs.yml`` does not list yet (pages other engineers add), so that
a new page is never left out of the site.

Nothing is fetched from the network and the build writes nothing to the
source tree.  Pages listed in :data:`COMMITTED_PAGES` (the scenario file
format) also hold their generated blocks in the repository, between
``<!-- generated: NAME -->`` and ``<!-- end generated: NAME -->``, so they
read in full without a build; ``python docs/hooks/generate.py`` rewrites
them, and ``tests/test_docs.py`` checks that the committed text equals what
this module generates, so it cannot drift from the code.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["COMMITTED_PAGES", "FIGURES", "GENERATORS", "on_config", "on_files",
           "on_page_markdown", "render", "write_committed_pages"]

# A marker line, with the block generated earlier up to its end marker, if any.
_MARKER = re.compile(r"^<!-- generated: (?P<name>[a-z-]+) -->$"
                     r"(?:\n.*?^<!-- end generated: (?P=name) -->$)?", re.MULTILINE | re.DOTALL)

#: Pages (under ``docs/``) committed with their generated blocks filled in.
COMMITTED_PAGES = ("reference/scenario-format.md",)


# ------------------------------------------------------------------------- schemas


def _cell(text: Any) -> str:
    """Make text safe inside a markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _strip_rst(text: str) -> str:
    """Docstring roles (``:func:`x` ``) and double backticks to plain markdown code."""
    text = re.sub(r":[a-z]+:`~?([^`]+)`", r"`\1`", text)
    return text.replace("``", "`")


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        merged = {k: v for k, v in node.items() if k != "$ref"}
        node = {**defs[name], **merged}
    return node


def _num(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() and abs(x) >= 1000 else f"{x:g}"


def _bounds(node: dict[str, Any]) -> str:
    low, high = node.get("minimum"), node.get("maximum")
    if "exclusiveMinimum" in node:
        low_text = f"> {_num(node['exclusiveMinimum'])}"
        return f"{low_text}, <= {_num(high)}" if high is not None else low_text
    if low is not None and high is not None:
        return f"in [{_num(low)}, {_num(high)}]"
    if low is not None:
        return f">= {_num(low)}"
    if high is not None:
        return f"<= {_num(high)}"
    return ""


#: Descriptions of fields whose schema has none (names, ids, sources, sections).
FALLBACK = {
    "name": "Name, shown in summaries, figures and reports.",
    "description": "Free text describing it.",
    "start_date": "Calendar date of week 0 (the baseline: 2025-06-11, the London framework).",
    "actors": "The two governments, by id (the baseline: `us`, `china`), in file order.",
    "approval": "Each actor's head-of-state approval process, by actor id.",
    "monitoring": "How each actor observes its partner, by actor id.",
    "commitments": "The framework's promises, one per (actor, instrument).",
    "actor": "Actor id.",
    "instrument": "Instrument id of that actor.",
    "instruments": "The actor's export controls on its partner.",
    "strategy": "Decision rule: a registered strategy `name` and its parameters "
                "(see the strategy table).",
    "goods": "Traded goods whose flow the instruments cut.",
    "sectors": "Sectors of firms holding inventories of imported goods.",
    "id": "Short id, unique in its list (lowercase letters, digits, `_`).",
    "source": "Fact ids in `seeds/facts.yaml`, or `assumption`.",
    "grid": "Parameters varied on a grid: path -> list of values or "
            "`{start, stop, num}`; one dimension each, cartesian product.",
    "zip": "Groups of parameters varied together: group name -> {path -> list}, "
           "all lists of a group equally long; one dimension per group.",
    "design": "A sampling design over `parameters` (below): `lhs`, `sobol` or `morris`.",
    "parameters": "With `design`: path -> `{low, high}` (optionally `log: true`) or "
                  "`{choices: [...]}`.",
    "points": "Points of the Latin hypercube.",
    "optimization": "scipy.stats.qmc optimisation of the hypercube, if any.",
    "n": "Base sample size; a power of 2.",
    "trajectories": "Morris trajectories, each of d + 1 points.",
    "levels": "Grid levels per parameter.",
}


def _type(node: dict[str, Any], defs: dict[str, Any]) -> str:
    """A short readable type, e.g. ``number in [0, 1] or distribution``."""
    if "discriminator" in node or "oneOf" in node:
        return "mapping (see below)"
    if "anyOf" in node:
        parts = [_type(option, defs) for option in node["anyOf"]]
        parts = [p for p in parts if p != "null"]
        text = " or ".join(dict.fromkeys(parts))
        return text + (" or null" if any(o.get("type") == "null" for o in node["anyOf"])
                       else "")
    if node.get("$ref", "").endswith("/Distribution"):
        return "distribution"
    if "$ref" in node:
        return "mapping"
    if "const" in node:
        return f"`{node['const']}`"
    if "enum" in node:
        return "one of " + ", ".join(f"`{v}`" for v in node["enum"])
    kind = node.get("type")
    if kind in ("number", "integer"):
        bounds = _bounds(node)
        return f"{kind} {bounds}".strip()
    if kind == "array":
        items = node.get("items", {})
        if "$ref" in items:
            return "list of mappings"
        return f"list of {_type(items, defs)}"
    if kind == "string":
        if node.get("format") == "date":
            return "date (YYYY-MM-DD)"
        if "pattern" in node:
            return "identifier"
        return "string"
    if kind == "object":
        return "mapping"
    return kind or "any"


def _default(node: dict[str, Any]) -> str:
    if "default" not in node:
        return "optional"
    value = node["default"]
    if value == "":
        return '`""`'
    if isinstance(value, dict):
        return "see below" if value else "`{}`"
    if isinstance(value, list):
        return "`[]`" if not value else f"`{json.dumps(value)}`"
    if value is None:
        return "none"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def _optional_mapping(prop: dict[str, Any]) -> dict[str, Any] | None:
    """The schema of an optional section (``anyOf`` one mapping and null), else None."""
    options = prop.get("anyOf", ())
    refs = [o for o in options if "$ref" in o and not o["$ref"].endswith("/Distribution")]
    if len(refs) == 1 and all("$ref" in o or o.get("type") == "null" for o in options):
        return refs[0]
    return None


def _rows(node: dict[str, Any], defs: dict[str, Any], path: str,
          required: set[str] | None = None) -> list[tuple[str, str, str, str]]:
    """One row per field, depth first, with readable paths."""
    node = _resolve(node, defs)
    rows: list[tuple[str, str, str, str]] = []
    required = set(node.get("required", ()))
    for name, prop in node.get("properties", {}).items():
        field_path = f"{path}.{name}" if path else name
        resolved = _resolve(prop, defs)
        description = _strip_rst(prop.get("description") or resolved.get("description")
                                 or FALLBACK.get(name, ""))
        default = "required" if name in required else _default(prop)
        items = resolved.get("items", {})
        extra = resolved.get("additionalProperties")
        if not isinstance(extra, dict) and resolved.get("patternProperties"):
            extra = next(iter(resolved["patternProperties"].values()))
        if resolved.get("type") == "array" and "$ref" in items:
            rows.append((field_path, "list of mappings", default, description))
            rows += _rows(items, defs, f"{field_path}[]")
        elif "$ref" in prop and not prop["$ref"].endswith("/Distribution"):
            rows.append((field_path, "mapping", default, description))
            rows += _rows(prop, defs, field_path)
        elif _optional_mapping(prop):
            # An optional section (a mapping or null): its fields, below it.
            rows.append((field_path, "mapping or null", default, description))
            rows += _rows(_optional_mapping(prop), defs, field_path)
        elif isinstance(extra, dict) and "$ref" in extra:
            key = "<actor>" if field_path in ("actors", "approval", "monitoring") else "<key>"
            rows.append((field_path, "mapping by key", default, description))
            rows += _rows(extra, defs, f"{field_path}.{key}")
        else:
            rows.append((field_path, _type(prop, defs), default, description))
    return rows


def _table(rows: list[tuple[str, str, str, str]]) -> str:
    lines = ["| field path | type | default | description |", "|---|---|---|---|"]
    for path, kind, default, description in rows:
        lines.append(f"| `{path}` | {_cell(kind)} | {_cell(default)} | {_cell(description)} |")
    return "\n".join(lines)


def scenario_schema() -> str:
    """The scenario format as a markdown table, from the JSON Schema."""
    from tradesim.scenario import json_schema

    schema = json_schema()
    return _table(_rows(schema, schema.get("$defs", {}), ""))


def distributions() -> str:
    """One table row per distribution: its ``dist`` name, fields and meaning."""
    from tradesim.scenario import json_schema

    defs = json_schema()["$defs"]
    lines = ["| `dist` | fields (default) | description |", "|---|---|---|"]
    for option in defs["Distribution"].get("oneOf", defs["Distribution"].get("anyOf", [])):
        node = _resolve(option, defs)
        props = node.get("properties", {})
        name = props.get("dist", {}).get("const", "?")
        required = set(node.get("required", ()))
        fields = [
            (f"`{k}`" if k in required else f"`{k}` ({_default(v).strip('`')})")
            for k, v in props.items() if k != "dist"
        ]
        lines.append(f"| `{name}` | {', '.join(fields)} | "
                     f"{_cell(_strip_rst(node.get('description', '')))} |")
    return "\n".join(lines)


def sweep_schema() -> str:
    """The sweep format as a markdown table, if :mod:`tradesim.sweep` exposes one."""
    try:
        from tradesim import sweep
    except ImportError:  # pragma: no cover - the module is optional for the docs
        return "*The sweep module is not available in this build.*"
    if hasattr(sweep, "json_schema"):
        schema = sweep.json_schema()
    else:
        schema = sweep.SweepSpec.model_json_schema()
    defs = schema.get("$defs", {})
    rows = _rows(schema, defs, "")
    # The design is a union of three layouts told apart by `method`: one block each.
    out = [_table(rows)]
    for name in ("LHSDesign", "SobolDesign", "MorrisDesign"):
        if name in defs:
            node = defs[name]
            method = node["properties"]["method"].get("const", name)
            out.append(f"\n**`design` with `method: {method}`**: "
                       f"{_strip_rst(node.get('description', ''))}\n")
            design_rows = [r for r in _rows(node, defs, "design") if r[0] != "design.method"]
            out.append(_table(design_rows))
    return "\n".join(out)


def strategies() -> str:
    """The strategy registry: name, display name, parameters, memory, source."""
    import dataclasses

    from tradesim.strategies import STRATEGIES

    lines = ["| name | display name | parameters (default) | memory | stochastic | "
             "memory-one vector (p_CC, p_CD, p_DC, p_DD) |", "|---|---|---|---|---|---|"]
    for name in sorted(STRATEGIES):
        cls = STRATEGIES[name]
        params = ", ".join(f"`{f.name}` ({f.default:g})" for f in dataclasses.fields(cls))
        try:
            vector = cls().memory_one_vector()
        except TypeError:  # pragma: no cover - a rule with required parameters
            vector = None
        vec = "-" if vector is None else "(" + ", ".join(f"{v:g}" for v in vector) + ")"
        memory = "unbounded" if cls.memory_depth == float("inf") else f"{cls.memory_depth:g}"
        lines.append(f"| `{name}` | {cls.display_name} | {params} | {memory} | "
                     f"{'yes' if cls.stochastic else 'no'} | {vec} |")
    return "\n".join(lines)


def cli() -> str:
    """``tradesim --help`` and each subcommand's help, as text blocks."""
    import argparse
    import os

    from tradesim.cli import build_parser

    # A fixed width, so the page does not depend on the terminal that builds it.
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "88"
    try:
        parser = build_parser()
        blocks = ["```text", parser.format_help().rstrip(), "```"]
        subparsers = next(a for a in parser._actions
                          if isinstance(a, argparse._SubParsersAction))
        for name, sub in subparsers.choices.items():
            blocks += ["", f"### `tradesim {name}`", "", "```text",
                       sub.format_help().rstrip(), "```"]
    finally:
        if old is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = old
    return "\n".join(blocks)


GENERATORS = {
    "scenario-schema": scenario_schema,
    "distributions": distributions,
    "sweep-schema": sweep_schema,
    "strategies": strategies,
    "cli": cli,
}


def render(markdown: str, keep_markers: bool = False) -> str:
    """Replace every ``<!-- generated: NAME -->`` line (and any earlier block) by its block.

    Parameters
    ----------
    markdown : str
        A page.
    keep_markers : bool
        Keep the block between ``<!-- generated: NAME -->`` and ``<!-- end
        generated: NAME -->`` lines, as committed pages hold it; rendering a
        committed page again gives the same text while the code is unchanged.
    """
    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in GENERATORS:
            raise KeyError(f"unknown generated block {name!r} (known: {', '.join(GENERATORS)})")
        block = GENERATORS[name]().strip("\n")
        if not keep_markers:
            return block
        return f"<!-- generated: {name} -->\n{block}\n<!-- end generated: {name} -->"

    return _MARKER.sub(replace, markdown)


def write_committed_pages(docs: Any = None) -> list[Any]:
    """Rewrite the :data:`COMMITTED_PAGES` with their blocks generated from the code.

    Returns
    -------
    list of Path
        The pages whose text changed.
    """
    from pathlib import Path

    root = Path(docs) if docs is not None else Path(__file__).resolve().parents[1]
    changed = []
    for name in COMMITTED_PAGES:
        page = root / name
        text = page.read_text(encoding="utf-8")
        new = render(text, keep_markers=True)
        if new != text:
            page.write_text(new, encoding="utf-8")
            changed.append(page)
    return changed


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    """MkDocs event: fill the generated blocks of a page."""
    return render(markdown)


# ------------------------------------------------------------------------ figures

#: Figures drawn at build time for the tutorial: site path -> (plot, arguments).
#: They come from 2,000 runs of the London baseline with the tutorial's seed.
FIGURES = {
    "figures/london-outcomes.png": ("outcome_probabilities", ()),
    "figures/london-milestones.png": ("milestone_curves", ()),
    "figures/london-supply-magnets.png": ("fan_chart", ("supply.magnets",)),
}
FIGURE_RUNS, FIGURE_SEED = 2000, 20250611


def figures(root: str = ".") -> dict[str, bytes]:
    """PNG bytes of every figure in :data:`FIGURES`."""
    import io
    from pathlib import Path

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import tradesim
    from tradesim import plots

    scenario = tradesim.load_scenario(Path(root) / "scenarios" / "london-2025.yaml")
    results = tradesim.run(scenario, runs=FIGURE_RUNS, seed=FIGURE_SEED)
    out = {}
    for path, (name, args) in FIGURES.items():
        kwargs = {"paths": 5} if name == "fan_chart" else {}
        ax = getattr(plots, name)(results, *args, **kwargs)
        buffer = io.BytesIO()
        ax.figure.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
        plt.close(ax.figure)
        out[path] = buffer.getvalue()
    return out


def on_files(files: Any, config: Any, **kwargs: Any) -> Any:
    """MkDocs event: add the generated figures to the site's files."""
    from pathlib import Path

    from mkdocs.structure.files import File

    root = str(Path(config["config_file_path"]).parent)
    for path, data in figures(root).items():
        files.append(File.generated(config, path, content=data))
    return files


# --------------------------------------------------------------------- navigation


def _listed(nav: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(nav, str):
        found.add(nav)
    elif isinstance(nav, list):
        for item in nav:
            found |= _listed(item)
    elif isinstance(nav, dict):
        for value in nav.values():
            found |= _listed(value)
    return found


def _section(nav: list[Any], title: str) -> list[Any]:
    for item in nav:
        if isinstance(item, dict) and title in item and isinstance(item[title], list):
            return item[title]
    section: list[Any] = []
    nav.append({title: section})
    return section


def on_config(config: Any, **kwargs: Any) -> Any:
    """MkDocs event: list every page under ``docs/`` the nav leaves out.

    ``how-to/*`` pages go under "How-to guides", ``performance*`` pages under
    "Performance", ``explanation/*`` under "Explanation", the rest under
    "More"; each is titled by its first heading.
    """
    from pathlib import Path

    nav = config.get("nav")
    if not nav:
        return config
    docs = Path(config["docs_dir"])
    listed = _listed(nav)
    for page in sorted(docs.rglob("*.md")):
        rel = page.relative_to(docs).as_posix()
        if rel in listed or rel == "README.md" or rel.startswith("hooks/"):
            continue
        if rel.startswith("how-to/"):
            title = "How-to guides"
        elif rel.startswith("performance"):
            title = "Performance"
        elif rel.startswith("explanation/"):
            title = "Explanation"
        else:
            title = "More"
        _section(nav, title).append(rel)
    return config


if __name__ == "__main__":  # python docs/hooks/generate.py
    for page in write_committed_pages():
        print(f"rewrote {page}")
