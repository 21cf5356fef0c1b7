"""The argument parser of the ``tradesim`` command line, and its argument types."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .output import EXIT_BAD_INPUT

#: Default master seed of ``tradesim report`` (the London framework's date).
REPORT_SEED = 20250611


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _table_formats(text: str) -> tuple[str, ...]:
    allowed = ("csv", "tex", "xlsx")
    if text.strip().lower() == "none":
        return ()
    formats = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    unknown = [f for f in formats if f not in allowed]
    if unknown or not formats:
        raise argparse.ArgumentTypeError(
            f"expected a comma-separated list of {', '.join(allowed)}, or none; got {text!r}")
    return formats


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be at least 0, got {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a non-negative whole number, got {text!r}") \
            from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be non-negative, got {value}")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number from 0 to 65535, got "
                                         f"{text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be from 0 to 65535 (0: a free port), got "
                                         f"{value}")
    return value


def _date(text: str) -> Any:
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1], got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be in [0, 1], got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``tradesim`` command."""
    parser = _Parser(prog="tradesim", description="Scenario simulation for trade policy: "
                     "the US-China export-control model.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("run", help="run a scenario as a Monte Carlo ensemble")
    p.add_argument("scenario", type=Path, help="scenario file (.yaml or .toml)")
    p.add_argument("--runs", type=_positive_int, default=10_000,
                   help="replications (default 10,000)")
    p.add_argument("--seed", type=_seed, default=None,
                   help="master seed (default: fresh entropy, printed with the results)")
    p.add_argument("--out", type=Path, default=None,
                   help="folder for results (netCDF + JSON), summary and figures")
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help="summary format on stdout")
    p.add_argument("--workers", type=_positive_int, default=None,
                   help="processes working, this one included (default: all cores for large runs)")
    p.add_argument("--chunk-size", type=_positive_int, default=None,
                   help="replications stepped together (does not change results)")
    p.add_argument("--parameter-sets", type=_count, default=None, metavar="N",
                   help="with uncertain parameters: N parameter sets, each run by "
                        "RUNS / N replications (default RUNS // 100, at most 1,000; "
                        "0: not nested, each replication draws its own)")
    add_executor_arguments(p)
    p.add_argument("--no-figures", action="store_true",
                   help="with --out, skip the figures (they take most of the time)")
    p.add_argument("--overwrite", action="store_true",
                   help="with --out, replace results already in the folder (default: refuse)")
    p.add_argument("--progress", choices=("auto", "on", "off"), default="auto",
                   help="progress bar on stderr (default: for long runs on a terminal)")

    p = sub.add_parser("validate", help="check scenario files; exit 2 with the problems")
    p.add_argument("files", type=Path, nargs="+",
                   help="scenario files, or folders (every .yaml, .yml and .toml file in them)")
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help="json: one record per file, problems included, on stdout")

    sub.add_parser("schema", help="print the JSON Schema of scenario files")

    p = sub.add_parser("score", help="score a forecast of a scenario against an event log")
    p.add_argument("scenario", type=Path, help="scenario file (.yaml or .toml)")
    p.add_argument("events", type=Path, help="event log (.yaml or .toml)")
    p.add_argument("--runs", type=_positive_int, default=2000, help="replications (2,000)")
    p.add_argument("--seed", type=_seed, default=20250611, help="master seed (20250611)")
    p.add_argument("--after", type=_date, default=None,
                   help="replay the log up to this date (YYYY-MM-DD), forecast and score "
                        "what follows (default: the scenario's start date)")
    p.add_argument("--until", type=_date, default=None,
                   help="end of the scored window (default: the last logged event)")
    p.add_argument("--format", choices=("table", "json"), default="table")

    _add_sensitivity(sub)

    p = sub.add_parser("calibrate", help="fit a scenario's uncertain parameters to an event "
                                         "log (rejection ABC); write the posterior sample")
    p.add_argument("scenario", type=Path, help="scenario file (.yaml or .toml): the prior")
    p.add_argument("events", type=Path, help="event log (.yaml or .toml)")
    p.add_argument("--until", type=_date, required=True,
                   help="last date of the record used (YYYY-MM-DD)")
    p.add_argument("--out", type=Path, required=True,
                   help="CSV file for the posterior sample (for 'parameter_sample: {file: ...}')")
    p.add_argument("--runs", type=_positive_int, default=5000, help="prior draws (5,000)")
    p.add_argument("--accept", type=_probability, default=0.05,
                   help="fraction of draws accepted, in (0, 1] (0.05)")
    p.add_argument("--seed", type=_seed, default=20250611, help="master seed (20250611)")
    p.add_argument("--statistics", default=",".join(("first_escalation", "breakdown_1",
                                                     "truce_1")),
                   help="comma-separated milestone weeks used as summary statistics "
                        "(first_escalation,breakdown_1,truce_1)")
    p.add_argument("--check-runs", type=int, default=1000,
                   help="runs of the posterior predictive check (1,000; 0: none)")
    p.add_argument("--overwrite", action="store_true",
                   help="replace the --out file if it exists (default: refuse)")
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = sub.add_parser("detection", help="false alarms and detection delay of each side's "
                                         "monitoring, by running the model")
    p.add_argument("scenario", help="scenario file (YAML or TOML)")
    p.add_argument("--runs", type=_positive_int, default=2000,
                   help="replications per figure (2,000)")
    p.add_argument("--seed", type=_seed, default=0, help="master seed (0)")
    p.add_argument("--withheld", type=_probability, default=None,
                   help="share of its promised easing the partner withholds in the detection "
                        "runs (default: each observer's withheld_share)")

    p = sub.add_parser("exact", help="exact results of the repeated game for two strategies")
    p.add_argument("a", help="strategy of player A (a registered name)")
    p.add_argument("b", help="strategy of player B")
    p.add_argument("--noise", type=_probability, default=0.0,
                   help="implementation error: chance each action is flipped")
    p.add_argument("--turns", type=_positive_int, default=None,
                   help="also give finite-horizon expectations over this many turns")
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = sub.add_parser("sweep", help="run a parameter sweep (grid, LHS, Sobol, Morris) "
                                     "from a sweep file")
    p.add_argument("file", type=Path, help="sweep file (.yaml or .toml)")
    p.add_argument("--out", type=Path, required=True,
                   help="output folder: one file per finished point, then sweep.nc")
    p.add_argument("--executor", choices=("serial", "processes", "dask"), default="processes",
                   help="where points run (results are identical for all; default processes)")
    p.add_argument("--workers", type=_positive_int, default=None,
                   help="processes working, this one included (default: all cores)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="with --executor dask: a running scheduler, e.g. tcp://host:8786 "
                        "(default: a LocalCluster on 127.0.0.1)")
    p.add_argument("--resume", action="store_true",
                   help="skip points already finished in --out")
    p.add_argument("--format", choices=("netcdf", "zarr"), default="netcdf",
                   help="format of the assembled results (default netcdf)")
    p.add_argument("--progress", choices=("auto", "on", "off"), default="auto",
                   help="progress bar on stderr (default: on a terminal)")
    p.add_argument("--stdout", choices=("table", "json"), default="table",
                   help="summary on stdout (--format is the format of the files)")

    p = sub.add_parser("report", help="run a scenario and write an HTML and PDF report")
    p.add_argument("scenario", type=Path, help="scenario file (.yaml or .toml)")
    p.add_argument("--out", type=Path, required=True,
                   help="folder for report.html, report.pdf and figures/")
    p.add_argument("--runs", type=_positive_int, default=2000,
                   help="replications per scenario (default 2,000)")
    p.add_argument("--seed", type=_seed, default=REPORT_SEED,
                   help=f"master seed, the same for every scenario (default {REPORT_SEED}, "
                        "so a report is reproducible)")
    p.add_argument("--compare", type=Path, nargs="+", default=[], metavar="OTHER",
                   help="other scenario files to compare with")
    p.add_argument("--overwrite", action="store_true",
                   help="replace a report already in --out (default: refuse)")
    p.add_argument("--paper", choices=("a4", "letter"), default="a4",
                   help="page size of the PDF (default a4)")
    p.add_argument("--tables", type=_table_formats, default=("csv", "tex", "xlsx"),
                   metavar="FORMATS",
                   help="formats of the tables in --out/tables/: a comma-separated list of "
                        "csv, tex (LaTeX, booktabs) and xlsx, or none (default "
                        "csv,tex,xlsx)")
    p.add_argument("--sensitivity", type=Path, default=None, metavar="FILE",
                   help="a sensitivity table (CSV with columns parameter, S1, S1_lo, S1_hi, "
                        "ST, ST_lo, ST_hi and optionally outcome) for the section 'What "
                        "drives the answer'")

    _add_decision_commands(sub)

    p = sub.add_parser("explore", help="serve the interactive app (Solara) on 127.0.0.1")
    p.add_argument("scenario", type=Path, nargs="?", default=Path("scenarios/london-2025.yaml"),
                   help="scenario file (default scenarios/london-2025.yaml)")
    p.add_argument("--port", type=_port, default=8765,
                   help="port, 0 to 65535 (default 8765; 0: a free one)")
    p.add_argument("--runs", type=_positive_int, default=300,
                   help="replications per update (default 300)")
    p.add_argument("--open", action="store_true", help="open a browser tab")
    return parser


def add_executor_arguments(p: argparse.ArgumentParser) -> None:
    """``--executor`` and ``--scheduler`` of ``tradesim run``."""
    p.add_argument("--executor", choices=("processes", "serial", "dask"), default="processes",
                   help="where replications run (results are identical for all; "
                        "default processes)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="with --executor dask: a running scheduler, e.g. tcp://host:8786 "
                        "(default: a LocalCluster on 127.0.0.1)")


def _add_sensitivity(sub: Any) -> None:
    """The ``sensitivity`` sub-command."""
    p = sub.add_parser("sensitivity", help="what drives a scenario's outcomes: Sobol' indices "
                                           "(or Morris screening) over its uncertain parameters")
    p.add_argument("scenario", type=Path, help="scenario file (.yaml or .toml) with uncertain "
                                               "parameters (distributions)")
    p.add_argument("--method", choices=("sobol", "morris"), default="sobol",
                   help="sobol: first-order and total indices (default); morris: elementary "
                        "effects, mu* and sigma (a cheaper screen)")
    p.add_argument("--samples", type=_positive_int, default=None, metavar="N",
                   help="Sobol': base samples, a power of 2 (default 128: N (d + 2) design "
                        "points); Morris: trajectories (default 32: N (d + 1) points)")
    p.add_argument("--replications", type=_positive_int, default=256, metavar="R",
                   help="runs at every design point, the same random streams at each "
                        "(default 256)")
    p.add_argument("--seed", type=_seed, default=REPORT_SEED,
                   help=f"master seed of the runs, the design and the bootstrap (default "
                        f"{REPORT_SEED})")
    p.add_argument("--outcome", action="append", default=None, metavar="NAME",
                   help="outcome to analyse (repeat, or separate by commas): an outcome "
                        "(holding, breakdown, renewed_truce, rejected, pending) or a milestone "
                        "reached by the horizon (breakdown_1, first_escalation, ...); default "
                        "breakdown_1, holding, breakdown, renewed_truce, rejected")
    p.add_argument("--out", type=Path, default=None,
                   help="folder for sensitivity.csv, sensitivity.json and one figure per "
                        "outcome (sensitivity-OUTCOME.png/.pdf)")
    p.add_argument("--overwrite", action="store_true",
                   help="with --out, replace an analysis already in the folder")
    p.add_argument("--workers", type=_positive_int, default=None,
                   help="processes working, this one included (default: all cores; "
                        "results do not depend on it)")
    p.add_argument("--resamples", type=_positive_int, default=1000,
                   help="bootstrap resamples of the intervals (default 1,000)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--progress", choices=("auto", "on", "off"), default="auto",
                   help="progress bar on stderr (default: on a terminal)")


def _add_decision_commands(sub: Any) -> None:
    """The ``compare`` and ``robust`` sub-commands."""
    p = sub.add_parser("compare", help="paired comparison of two scenarios (common random "
                                       "numbers), with what differs between them")
    p.add_argument("a", type=Path, help="scenario A (.yaml or .toml)")
    p.add_argument("b", type=Path, help="scenario B; differences are B minus A")
    p.add_argument("--runs", type=_positive_int, default=2000,
                   help="replications of each (default 2,000)")
    p.add_argument("--seed", type=_seed, default=REPORT_SEED,
                   help=f"master seed shared by both (default {REPORT_SEED})")
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = sub.add_parser("robust", help="evaluate each setting of a sweep file's levers over "
                                      "its worlds: expected, worst case, regret, satisficing")
    p.add_argument("file", type=Path, help="sweep file (.yaml or .toml) that declares levers")
    p.add_argument("--out", type=Path, default=None,
                   help="folder for robust.csv, robust.json and the figure robust.png/.pdf")
    p.add_argument("--executor", choices=("serial", "processes", "dask"), default="processes",
                   help="where the runs go (results are identical for all)")
    p.add_argument("--workers", type=_positive_int, default=None,
                   help="processes working, this one included (default: all cores)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="with --executor dask: a running scheduler")
    p.add_argument("--format", choices=("table", "json"), default="table")
