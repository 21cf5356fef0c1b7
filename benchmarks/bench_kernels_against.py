"""Benchmark: every kernel against another checkout's, call by call, in one process.

Not part of the test suite.  Run from the repository root (about a minute):

    git worktree add ../base <commit>
    .venv/bin/python benchmarks/bench_kernels_against.py ../base [--runs 16384]

Timings of two checkouts in separate processes, run one after the other, drift
on a shared machine by more than most changes to one kernel save.  This loads
the other checkout's ``tradesim/kernels.py`` beside this one's and steps the
London baseline (chunks of 8,192) with this checkout's model, as
``bench_kernels.py`` does.  At every call of a kernel from the model it runs
the other checkout's kernel and this one's, in alternating order, each on a
copy of the arguments made just before its call (read-only ones are passed as
they are); it times both and checks, bit for bit, that they leave identical
arrays and return identical results.  Then the model's own
call goes on as usual.  Both kernels so run on inputs just copied, which may
still be in cache: the figures compare the code more than the model's use of
memory.  It prints µs per
replication for each kernel and the ratio (this / other); the other checkout's
model code is not used.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
LONDON = ROOT / "scenarios" / "london-2025.yaml"


def load_other(path: Path) -> Any:
    """The other checkout's kernels module, imported as ``other_kernels``.

    Its source is copied (with the one relative import made absolute) into a folder
    of the temporary directory named by the source's hash, so numba caches its
    compiled code there, apart from both checkouts' own caches.
    """
    source = (path / "tradesim" / "kernels.py").read_text()
    relative = "from .jit import njit"
    if relative not in source:
        raise SystemExit(f"{path}: its kernels.py does not import njit as this script expects")
    source = source.replace(relative, "from tradesim.jit import njit")
    digest = hashlib.sha256(source.encode()).hexdigest()[:16]
    folder = Path(tempfile.gettempdir()) / "tradesim-bench-other" / digest
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "other_kernels.py"
    # Written only when new: numba's cache is keyed by the file's modification time.
    if not target.exists() or target.read_text() != source:
        target.write_text(source)
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module("other_kernels")
    finally:
        sys.path.remove(str(folder))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path, help="another checkout of tradesim")
    parser.add_argument("--runs", type=int, default=16_384,
                        help="replications timed (default 16,384)")
    args = parser.parse_args()

    from bench_kernels import step_chunks
    from numba.core.registry import CPUDispatcher

    import tradesim
    from tradesim import kernels

    other = load_other(args.other.resolve())
    scenario = tradesim.load_scenario(LONDON)
    # Compile this checkout's kernels before wrapping them: kernels that call kernels
    # resolve those calls when they compile.
    step_chunks(scenario, 64, 64, {}, seed=0)
    # The kernels the model calls, with a compiled counterpart in the other checkout.
    called = [n for n in kernels.__all__ if isinstance(getattr(kernels, n), CPUDispatcher)
              and isinstance(getattr(other, n, None), CPUDispatcher)]
    originals = {n: getattr(kernels, n) for n in called}
    seconds = {n: [0.0, 0.0] for n in called}
    turns = dict.fromkeys(called, 0)

    def copy(a: Any) -> Any:
        # A read-only argument is passed as it is (a kernel does not write it): a copy
        # would be writable and contiguous, which numba compiles as another version.
        return a.copy() if isinstance(a, np.ndarray) and a.flags.writeable else a

    def same(x: Any, y: Any) -> bool:
        if isinstance(x, np.ndarray):
            return (isinstance(y, np.ndarray) and x.dtype == y.dtype and x.shape == y.shape
                    and x.tobytes() == y.tobytes())
        if isinstance(x, tuple):
            return (isinstance(y, tuple) and len(x) == len(y)
                    and all(same(a, b) for a, b in zip(x, y, strict=True)))
        return bool(np.asarray(x).tobytes() == np.asarray(y).tobytes())

    def wrap(name: str) -> Any:
        ours, theirs = originals[name], getattr(other, name)

        def timed(*a: Any) -> Any:
            copies: list[list[Any]] = [[], []]
            results = [None, None]
            turns[name] ^= 1
            for side in ((0, 1) if turns[name] else (1, 0)):
                # Each side's copy is made just before its call, so neither finds its
                # inputs in cache more than the other.
                copies[side] = [copy(x) for x in a]
                fn = theirs if side == 0 else ours
                start = time.perf_counter()
                results[side] = fn(*copies[side])
                seconds[name][side] += time.perf_counter() - start
            for x, y in zip((*copies[0], results[0]), (*copies[1], results[1]), strict=True):
                if not same(x, y):  # bit for bit
                    raise SystemExit(f"{name}: the two checkouts' results differ")
            return ours(*a)

        return timed

    for name in called:
        setattr(kernels, name, wrap(name))
    try:
        step_chunks(scenario, 512, 512, {}, seed=0)  # the other's compile, or its cache
        for pair in seconds.values():
            pair[:] = [0.0, 0.0]
        step_chunks(scenario, 8192, args.runs, {}, seed=1)
    finally:
        for name, fn in originals.items():
            setattr(kernels, name, fn)
    print(f"London baseline, {args.runs:,} replications in chunks of 8,192; this checkout "
          f"({ROOT.name}) against {args.other}")
    print(f"\n{'us per replication':<20}{'other':>10}{'this':>10}{'ratio':>8}")
    rows = sorted(seconds.items(), key=lambda kv: -kv[1][0])
    for name, (theirs, ours) in rows:
        if theirs * 1e6 / args.runs >= 0.05:
            print(f"{name:<20}{theirs / args.runs * 1e6:>10.2f}{ours / args.runs * 1e6:>10.2f}"
                  f"{ours / theirs:>8.3f}")
    theirs, ours = (sum(s[i] for s in seconds.values()) for i in (0, 1))
    print(f"{'all kernels':<20}{theirs / args.runs * 1e6:>10.2f}{ours / args.runs * 1e6:>10.2f}"
          f"{ours / theirs:>8.3f}")
    print("\nEvery call's results were identical in both checkouts.")


if __name__ == "__main__":
    sys.exit(main())
