"""Which loops of the kernels the compiler vectorises, and what keeps the others scalar.

Not part of the test suite.  Run from the repository root (under a minute):

    .venv/bin/python benchmarks/vectorised_loops.py          # the loops not vectorised
    .venv/bin/python benchmarks/vectorised_loops.py --all    # and those vectorised

It compiles :mod:`tradesim.kernels` afresh in a child process (a temporary
numba cache, with line numbers in the debug information) with LLVM's remarks
of its loop vectoriser turned on, steps a small London ensemble so that every
kernel compiles for the types the model gives it, and prints the remarks by
kernel and line.  A loop over replications that is not vectorised is worth a
look: in numba 0.68 a call in the loop (numba's builtin ``min`` and ``max``,
a helper not inlined), an early exit (Python's division check) or a branch
that cannot become a select keeps it scalar.  Outer loops (over weeks, rows
or firms) are reported too; they are not meant to be vectorised.

Read it with three caveats.  Remarks are merged by line, so a line listed as
vectorised may hold another loop, or another compiled version, that is not.
A vectorised loop may still run its scalar version, when the run-time checks
LLVM adds (on strides, on overlapping arrays) fail: a read-only broadcast
argument, whose stride is 0, does that.  And the debug information that gives
the remarks their lines (``NUMBA_DEBUGINFO=1``) also keeps variables alive
longer, so the code compiled here differs a little from the package's.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KERNELS = ROOT / "tradesim" / "kernels.py"

_CHILD = """
import llvmlite.binding as llvm
for kind in ("pass-remarks", "pass-remarks-missed", "pass-remarks-analysis"):
    llvm.set_option("", f"-{kind}=loop-vectorize")
import tradesim
from tradesim.model import TradeModel
from tradesim.reduction import Tally
scenario = tradesim.load_scenario(%r)
TradeModel(scenario, 64, seed=0).run().close()
TradeModel(scenario, 64, seed=0, tally=Tally.for_scenario(scenario, into={})).run().close()
"""
_REMARK = re.compile(r"kernels\.py:(\d+):\d+: (.*)$")


def remarks() -> dict[int, set[str]]:
    """LLVM's loop-vectoriser remarks on kernels.py, by line."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache, NUMBA_DEBUGINFO="1")
        done = subprocess.run([sys.executable, "-c", _CHILD % str(ROOT / "scenarios" /
                                                                   "london-2025.yaml")],
                              env=env, capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode:
        raise SystemExit(f"the model did not run:\n{done.stderr[-2000:]}")
    found: dict[int, set[str]] = defaultdict(set)
    for line in done.stderr.splitlines():
        match = _REMARK.search(line.replace("remark: ", ""))
        # Not about the loop itself: interleaving, and the scalar remainder of a loop
        # that was vectorised.
        if match and not any(note in match.group(2) for note in (
                "interleaving is not beneficial", "has already been vectorized")):
            found[int(match.group(1))].add(match.group(2))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="list vectorised loops too")
    args = parser.parse_args()
    source = KERNELS.read_text().splitlines()

    def kernel(line: int) -> str:
        for text in reversed(source[:line]):
            if text.startswith("def "):
                return text[4:].split("(")[0]
        return "?"

    found = remarks()
    scalar = 0
    for line in sorted(found):
        notes = found[line]
        vectorised = any(n.startswith("vectorized loop") for n in notes)
        reasons = sorted(n.split(": ", 1)[1] for n in notes if ": " in n
                         and n.startswith("loop not vectorized"))
        if vectorised and not args.all:
            continue
        scalar += not vectorised
        state = "vectorised" if vectorised else "scalar"
        print(f"{kernel(line)}, line {line} ({state}): {source[line - 1].strip()}")
        for reason in reasons if not vectorised else []:
            print(f"    {reason}")
    vectorised = sum(any(n.startswith("vectorized loop") for n in notes)
                     for notes in found.values())
    print(f"\n{scalar} loop(s) of tradesim/kernels.py not vectorised (outer loops "
          f"included), {vectorised} vectorised.")


if __name__ == "__main__":
    main()
