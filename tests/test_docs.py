"""The documentation: every example runs, and the site builds with warnings as errors.

Each page under ``docs/`` is one test.  Its examples run top to bottom, in
the order they appear, in a scratch folder holding copies of ``scenarios/``,
``seeds/`` and ``sweeps/`` (so examples may write files freely):

- every fenced block whose info string is exactly ``python`` runs, all blocks
  of a page sharing one namespace, as in a notebook;
- in fenced ``console`` blocks, every line ``$ tradesim ...`` runs through
  :func:`tradesim.cli.main` and must exit 0 (or the status a trailing
  ``# exit N`` comment gives); other commands (``pip``, ``mkdocs``) are
  set-up steps and are not run.

Blocks meant only to be read use another info string (``text``, ``yaml``,
``toml``, ``pycon``).  Pages listed in :data:`NOT_RUN` are skipped, each with
its reason.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

#: Pages whose examples cannot run in the test suite, and why.
NOT_RUN = {
    "how-to/sweep-on-dask.md": "starts Dask clusters and 64-point sweeps of 1,000 runs: "
                               "too long for the suite (tests/test_executors.py covers them)",
}

_FENCE = re.compile(r"^(?P<indent> *)```(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=indent)```[ \t]*$",
                    re.MULTILINE | re.DOTALL)
_EXIT = re.compile(r"\s+#\s*exit\s+(\d+)\s*$")


def pages() -> list[str]:
    return sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")
                  if p.name != "README.md" and "hooks" not in p.parts)


def examples(text: str) -> list[tuple[int, str, str]]:
    """(line, kind, code) of every runnable example of a page, in page order."""
    found = []
    for match in _FENCE.finditer(text):
        info = match.group("info").strip().split()
        lang = info[0] if info else ""
        line = text.count("\n", 0, match.start()) + 1
        body = match.group("body")
        indent = len(match.group("indent"))
        if indent:
            body = "\n".join(row[indent:] for row in body.splitlines())
        if lang == "python":
            found.append((line, "python", body))
        elif lang == "console":
            command = ""
            for row in body.splitlines():
                if row.startswith("$ "):
                    command = row[2:]
                elif command and command.endswith("\\"):
                    command = command[:-1] + " " + row.strip()
                else:
                    continue
                if not command.endswith("\\"):
                    if command.startswith("tradesim "):
                        found.append((line, "console", command))
                    command = ""
    return found


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    for name in ("scenarios", "seeds", "sweeps"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    yield tmp_path
    import matplotlib.pyplot as plt

    plt.close("all")


def _run_command(command: str) -> str:
    from tradesim.cli import main

    expected = 0
    found = _EXIT.search(command)
    if found:
        expected = int(found.group(1))
        command = command[:found.start()]
    argv = shlex.split(command, comments=True)[1:]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as exc:  # argparse's own exits (--help)
            status = exc.code or 0
    assert status == expected, (
        f"`{command}` exited {status}, expected {expected}\n{out.getvalue()}\n{err.getvalue()}")
    return out.getvalue()


@pytest.fixture
def page_module(monkeypatch):
    """A real module for a page's examples (dataclasses look their module up)."""
    from tradesim import strategies

    module = types.ModuleType("tradesim_docs_page")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    # Strategies a page registers stay out of the rest of the suite.
    monkeypatch.setattr(strategies, "STRATEGIES", strategies.STRATEGIES)
    saved = dict(strategies.STRATEGIES)
    yield module
    strategies.STRATEGIES.clear()
    strategies.STRATEGIES.update(saved)


@pytest.mark.parametrize("page", pages())
def test_examples_run(page, scratch, page_module):
    if page in NOT_RUN:
        pytest.skip(NOT_RUN[page])
    text = (DOCS / page).read_text(encoding="utf-8")
    namespace = page_module.__dict__
    for line, kind, code in examples(text):
        where = f"docs/{page}, line {line}"
        if kind == "python":
            try:
                exec(compile(code, where, "exec"), namespace)
            except Exception as exc:
                raise AssertionError(f"example at {where} failed: {exc!r}") from exc
        else:
            _run_command(code)


def test_example_parser_finds_blocks():
    text = ("```python\nx = 1\n```\n\n```console\n$ pip install x\n$ tradesim run \\\n"
            "    a.yaml\n$ tradesim validate b.yaml  # exit 2\n```\n\n```text\nno\n```\n")
    assert examples(text) == [(1, "python", "x = 1\n"), (5, "console", "tradesim run  a.yaml"),
                              (5, "console", "tradesim validate b.yaml  # exit 2")]


def _hooks():
    spec = importlib.util.spec_from_file_location("docs_hooks", DOCS / "hooks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_scenario_table_lists_every_parameter():
    """Every numeric parameter path of the baseline appears in the format table."""
    import tradesim

    table = _hooks().scenario_schema()
    scenario = tradesim.load_scenario(ROOT / "scenarios" / "london-2025.yaml")
    for path in scenario.parameter_paths():
        parts = path.split(".")
        # actors.us.instruments.magnets.level -> actors.<actor>.instruments[].level
        if parts[0] in ("actors", "approval", "monitoring"):
            parts[1] = "<actor>"
        if parts[0] == "actors" and parts[2] == "strategy":
            continue  # strategy parameters are listed in the strategy table
        generic = ".".join(parts)
        generic = re.sub(r"\.(instruments|goods|sectors)\.[a-z0-9_]+\.", r".\1[].", generic)
        generic = re.sub(r"\.commitments\.[a-z0-9_]+\.[a-z0-9_]+\.", ".commitments[].", generic)
        generic = re.sub(r"\.channels\.[a-z0-9_]+\.", ".channels.<key>.", generic)
        generic = re.sub(r"^calendar\.[a-z0-9_]+\.", "calendar[].", generic)
        assert f"`{generic}`" in table, path


def test_generated_blocks_render():
    hooks = _hooks()
    for name in hooks.GENERATORS:
        out = hooks.render(f"before\n<!-- generated: {name} -->\nafter\n")
        assert "generated:" not in out and len(out) > 100, name
    with pytest.raises(KeyError, match="unknown generated block"):
        hooks.render("<!-- generated: nonsense -->\n")


@pytest.mark.skipif(importlib.util.find_spec("mkdocs") is None,
                    reason="docs extra not installed: pip install -e '.[docs]'")
def test_site_builds_strict(tmp_path):
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "MPLBACKEND": "Agg"}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
         "--config-file", str(ROOT / "mkdocs.yml"), "--site-dir", str(tmp_path / "site")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "site" / "index.html").is_file()
    assert (tmp_path / "site" / "figures" / "london-outcomes.png").is_file()


def test_committed_reference_pages_equal_what_the_code_generates():
    """scenario-format.md reads in full without a build, and cannot drift from the code.

    If this fails, run ``python docs/hooks/generate.py`` and commit the page.
    """
    hooks = _hooks()
    assert "reference/scenario-format.md" in hooks.COMMITTED_PAGES
    for name in hooks.COMMITTED_PAGES:
        text = (DOCS / name).read_text(encoding="utf-8")
        assert hooks.render(text, keep_markers=True) == text, name
        blocks = re.findall(r"^<!-- generated: ([a-z-]+) -->$", text, re.MULTILINE)
        ends = re.findall(r"^<!-- end generated: ([a-z-]+) -->$", text, re.MULTILINE)
        assert blocks and blocks == ends, name  # no placeholder left empty
    page = (DOCS / "reference" / "scenario-format.md").read_text(encoding="utf-8")
    assert "| `horizon_weeks` |" in page and "| `economy.sectors[].firms` |" in page
    # The site build shows the same tables, without the markers.
    built = hooks.render(page)
    assert "generated:" not in built and "| `horizon_weeks` |" in built


def test_a_stale_committed_block_is_regenerated():
    hooks = _hooks()
    stale = ("x\n<!-- generated: strategies -->\nold table\n<!-- end generated: strategies -->"
             "\ny\n")
    fresh = hooks.render(stale, keep_markers=True)
    assert "old table" not in fresh and fresh.startswith("x\n<!-- generated: strategies -->\n")
    assert fresh.endswith("<!-- end generated: strategies -->\ny\n")
    assert hooks.render(fresh, keep_markers=True) == fresh


def test_every_test_named_in_the_guarantees_exists():
    """docs/guarantees.md names tests as `file::test` (or `::test`, same file as before)."""
    text = (DOCS / "guarantees.md").read_text(encoding="utf-8")
    named = 0
    for line in text.splitlines():
        current = None
        for ref in re.findall(r"`((?:tests/[\w/]+\.py)?::\w+)`", line):
            file, _, name = ref.partition("::")
            current = file or current
            assert current, line
            source = (ROOT / current).read_text(encoding="utf-8")
            assert re.search(rf"^def {name}\(", source, re.MULTILINE), ref
            named += 1
    assert named > 60
