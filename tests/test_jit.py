"""Compile caching of the kernels: cached where a cache can be written, uncached (and correct)
where none can.

Each case runs in a fresh Python, since numba picks a function's cache folder when it is
decorated.  A folder is made unwritable by putting it under a regular file, which stops
root as well as an ordinary user (a read-only permission does not stop root).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: A module with one cached kernel, compiled by tradesim's ``njit``.
KERNEL = textwrap.dedent("""
    from tradesim.jit import njit

    @njit(cache=True, nogil=True)
    def total(x):
        s = 0.0
        for v in x:
            s += v
        return s
""")

PROBE = textwrap.dedent("""
    import json, warnings
    import numpy as np
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import kern
    value = kern.total(np.arange(10.0))
    stats = kern.total.stats
    print(json.dumps({"value": value, "hits": sum(stats.cache_hits.values()),
                      "misses": sum(stats.cache_misses.values()),
                      "cached": bool(kern.total._cache.cache_path),
                      "warnings": [type(w.message).__name__ for w in caught]}))
""")


def _blocked(tmp_path: Path) -> Path:
    """A path no one can create a folder at: it lies under a regular file."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    return blocker / "cache"


def _read_only_install(tmp_path: Path) -> Path:
    """A folder holding ``kern.py`` whose ``__pycache__`` cannot be created."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "kern.py").write_text(KERNEL)
    (site / "__pycache__").write_text("")  # a file: numba cannot cache next to the module
    return site


def _env(site: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    env["PYTHONPATH"] = os.pathsep.join([str(site), str(ROOT)])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


def _probe(site: Path, env: dict[str, str]) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                         env=env, cwd=site, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_read_only_install_caches_in_the_user_cache(tmp_path: Path) -> None:
    site = _read_only_install(tmp_path)
    env = _env(site, XDG_CACHE_HOME=str(tmp_path / "user-cache"), HOME=str(tmp_path))
    first = _probe(site, env)
    second = _probe(site, env)
    assert first["value"] == second["value"] == 45.0
    assert first["misses"] == 1 and first["hits"] == 0
    assert second["hits"] == 1 and second["misses"] == 0  # loaded, not compiled
    assert list((tmp_path / "user-cache" / "numba").rglob("*.nbi"))
    assert first["warnings"] == second["warnings"] == []


def test_unwritable_numba_cache_dir_falls_back_to_the_next_place(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "kern.py").write_text(KERNEL)
    env = _env(site, NUMBA_CACHE_DIR=str(_blocked(tmp_path)))
    first, second = _probe(site, env), _probe(site, env)
    assert first["value"] == second["value"] == 45.0
    assert second["hits"] == 1
    assert list((site / "__pycache__").glob("kern.total-*.nbi"))


def test_no_writable_cache_anywhere_compiles_uncached_with_one_warning(tmp_path: Path) -> None:
    site = _read_only_install(tmp_path)
    blocked = str(_blocked(tmp_path))
    env = _env(site, NUMBA_CACHE_DIR=blocked, XDG_CACHE_HOME=blocked, HOME=blocked)
    result = _probe(site, env)
    assert result["value"] == 45.0
    assert result["cached"] is False
    assert result["warnings"] == ["CacheWarning"]


def test_numba_itself_would_refuse_to_import_there(tmp_path: Path) -> None:
    # The case the fallback exists for: numba's own decorator raises at import.
    site = _read_only_install(tmp_path)
    (site / "kern.py").write_text(KERNEL.replace("from tradesim.jit import njit",
                                                 "from numba import njit"))
    blocked = str(_blocked(tmp_path))
    env = _env(site, NUMBA_CACHE_DIR=blocked, XDG_CACHE_HOME=blocked, HOME=blocked)
    out = subprocess.run([sys.executable, "-c", "import kern"], capture_output=True, text=True,
                         env=env, cwd=site)
    assert out.returncode != 0 and "cannot cache function" in out.stderr


@pytest.mark.slow
def test_tradesim_run_without_any_writable_cache_gives_the_same_results(tmp_path: Path) -> None:
    # tradesim copied where nothing can be cached: every kernel compiles in the process,
    # uncached, and the run is identical to one from this checkout's cache.
    site = tmp_path / "site"
    shutil.copytree(ROOT / "tradesim", site / "tradesim",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for package in (site / "tradesim").rglob("__init__.py"):
        (package.parent / "__pycache__").write_text("")
    (site / "tradesim" / "__pycache__").write_text("")
    blocked = str(_blocked(tmp_path))
    code = ("import json, tradesim\n"
            f"r = tradesim.run({str(ROOT / 'scenarios' / 'london-2025.yaml')!r}, runs=300, "
            "seed=11, workers=1)\n"
            "print(json.dumps([tradesim.__file__, r.summary().to_dict()]))")
    fallback = subprocess.run(
        [sys.executable, "-W", "always", "-c", code], capture_output=True, text=True,
        cwd=tmp_path, check=True,
        env={**_env(site, NUMBA_CACHE_DIR=blocked, XDG_CACHE_HOME=blocked, HOME=blocked),
             "PYTHONPATH": str(site)})
    normal = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=tmp_path, env=_env(ROOT), check=True)
    (where, uncached), (home, cached) = json.loads(fallback.stdout), json.loads(normal.stdout)
    assert where.startswith(str(site)) and home.startswith(str(ROOT))
    assert "CacheWarning" in fallback.stderr
    assert uncached == cached
