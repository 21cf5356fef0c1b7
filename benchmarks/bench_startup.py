"""Benchmark: start-up time of ``import tradesim`` and of the command line.

Each command runs in a fresh Python process ``--repeats`` times, the
commands interleaved so that a burst of load on a shared machine hits all of
them alike; the median wall time and the median CPU time (user + system of
the child, which load on other cores barely changes) are printed, with the
heavy packages each command loaded.  Targets: ``tradesim --help`` and
``tradesim validate`` under 0.5 s.

Run from the repository root::

    .venv/bin/python benchmarks/bench_startup.py [--repeats 21]

This is a script, not a test (``benchmarks/`` is outside pytest's testpaths).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = "scenarios/london-2025.yaml"
HEAVY = ("numpy", "pydantic", "scipy", "pandas", "xarray", "mesa", "matplotlib")

COMMANDS = {
    "python -c pass (the interpreter alone)": ["-c", "pass"],
    "python -c 'import tradesim'": ["-c", "import tradesim"],
    "tradesim --help": ["-m", "tradesim", "--help"],
    f"tradesim validate {SCENARIO}": ["-m", "tradesim", "validate", SCENARIO],
    "tradesim --version": ["-m", "tradesim", "--version"],
}


def time_once(args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh ``python args`` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], cwd=ROOT, env=_env(), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def loaded(args: list[str]) -> list[str]:
    """Heavy packages in ``sys.modules`` when the command is done."""
    if args[0] == "-c":
        code = args[1]
    else:
        code = (f"from tradesim import cli\ntry:\n    cli.main({args[2:]!r})\n"
                "except SystemExit:\n    pass")
    probe = f"{code}\nimport sys\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=_env(), check=True,
                         capture_output=True, text=True)
    last = (out.stdout.splitlines() or [""])[-1]
    return [m for m in last.split(",") if m]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=21)
    args = parser.parse_args()
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in COMMANDS}
    for argv in COMMANDS.values():  # warm the file cache
        time_once(argv)
    for _ in range(args.repeats):
        for name, argv in COMMANDS.items():
            times[name].append(time_once(argv))
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}, {args.repeats} repeats (medians)\n")
    print("| command | wall (s) | CPU (s) | heavy packages loaded |\n|---|---:|---:|---|")
    for name, argv in COMMANDS.items():
        wall = statistics.median(t[0] for t in times[name])
        cpu = statistics.median(t[1] for t in times[name])
        print(f"| `{name}` | {wall:.3f} | {cpu:.3f} | {', '.join(loaded(argv)) or '-'} |")


if __name__ == "__main__":
    main()
