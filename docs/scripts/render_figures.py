"""Render every figure of tradesim.plots to PNG, for review by eye (not part of the suite).

Usage, from a checkout::

    python docs/scripts/render_figures.py OUT_DIR [--runs 2000] [--scenario FILE]
        [--deuteranopia] [--report]

Draws each public figure function (:mod:`tradesim.plots._gallery`) on small
ensembles of the scenario (default the London baseline) and small sweeps, and
writes ``OUT_DIR/<stem>.png`` at the saved resolution.  With ``--deuteranopia``
it also writes ``OUT_DIR/deuteranopia/<stem>.png``: the same image as a reader
with deuteranopia sees it (Machado, Oliveira & Fernandes 2009, severity 1.0),
to check that distinct series stay distinct.  With ``--report`` it also
writes the scenario's report (:func:`tradesim.report.write_report`, A4) to
``OUT_DIR/report/`` and every page of its PDF to
``OUT_DIR/report/pages/page-NN.png`` (with poppler's ``pdftoppm``, which must
be installed: ``apt-get install poppler-utils``).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[2]

#: Machado et al. (2009) deuteranopia matrix, severity 1.0, on linear RGB.
DEUTERANOPIA = np.array([[0.367322, 0.860646, -0.227968],
                         [0.280085, 0.672501, 0.047413],
                         [-0.011820, 0.042940, 0.968881]])


def simulate_deuteranopia(rgb: np.ndarray) -> np.ndarray:
    """An sRGB image (floats in [0, 1], shape (..., 3)) as seen with deuteranopia."""
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    seen = np.clip(linear @ DEUTERANOPIA.T, 0, 1)
    return np.where(seen <= 0.0031308, seen * 12.92, 1.055 * seen ** (1 / 2.4) - 0.055)


def main() -> None:
    """Render the figures (and, with ``--report``, the report's pages) into OUT_DIR."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "london-2025.yaml"))
    parser.add_argument("--deuteranopia", action="store_true")
    parser.add_argument("--report", action="store_true",
                        help="also write the report and render its PDF pages")
    args = parser.parse_args()

    import matplotlib.image as mpimg

    from tradesim.plots import _gallery
    from tradesim.plots.saving import save_figure

    inputs = _gallery.build_inputs(args.scenario, runs=args.runs)
    calls = _gallery.figure_calls(inputs)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in _gallery.figure_functions():
        for stem, fig in calls[name]().items():
            path = save_figure(fig, args.out / f"{stem}.png")
            print(f"{name:24s} {path}  |  {_gallery.finding_of(fig)}")
            if args.deuteranopia:
                image = mpimg.imread(path)[..., :3]
                (args.out / "deuteranopia").mkdir(exist_ok=True)
                mpimg.imsave(args.out / "deuteranopia" / f"{stem}.png",
                             simulate_deuteranopia(image))
    if args.report:
        render_report(args.scenario, args.runs, args.out / "report")


def render_report(scenario: str, runs: int, out: Path) -> None:
    """Write the scenario's report into ``out`` and its PDF pages as PNG into ``out/pages``."""
    import tradesim
    from tradesim.io import read_data
    from tradesim.report import write_report

    results = tradesim.run(tradesim.load_scenario(scenario), runs, seed=1)
    written = write_report(results, out, facts=read_data(ROOT / "seeds" / "facts.yaml"))
    print(f"report                   {written['pdf']}")
    if shutil.which("pdftoppm") is None:
        print("pdftoppm not found (apt-get install poppler-utils): report pages not rendered")
        return
    (out / "pages").mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(written["pdf"]),
                    str(out / "pages" / "page")], check=True)
    for page in sorted((out / "pages").glob("page-*.png")):
        print(f"report page              {page}")


if __name__ == "__main__":
    main()
