"""The ``tradesim`` command line: the only place that prints.

Exit codes: 0 success, 2 bad input (with a message naming the file, the
field, the bad value and what is allowed), 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["main"]

EXIT_OK, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 2, 130

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
                   help="worker processes (default: all cores for large runs)")
    p.add_argument("--chunk-size", type=_positive_int, default=None,
                   help="replications stepped together (does not change results)")
    _add_executor_arguments(p)
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
                   help="worker processes (default: all cores)")
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from . import __version__

        print(f"tradesim {__version__}")
        return EXIT_OK
    if args.command is None:
        parser.print_help()
        return EXIT_BAD_INPUT
    handler: Callable[[argparse.Namespace], int] = _COMMANDS[args.command]
    from .errors import ScenarioError

    try:
        return handler(args)
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (ValueError, KeyError, TypeError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"error: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted: nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader (e.g. `head`) closed the pipe: stop quietly, as Unix tools do.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _add_executor_arguments(p: argparse.ArgumentParser) -> None:
    """``--executor`` and ``--scheduler`` of ``tradesim run``."""
    p.add_argument("--executor", choices=("processes", "serial", "dask"), default="processes",
                   help="where replications run (results are identical for all; "
                        "default processes)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="with --executor dask: a running scheduler, e.g. tcp://host:8786 "
                        "(default: a LocalCluster on 127.0.0.1)")


def _executor_options(args: argparse.Namespace) -> dict[str, Any]:
    """The executor keywords of :func:`tradesim.run` from ``--executor``/``--scheduler``."""
    from .executors import check

    if args.scheduler is not None and args.executor != "dask":
        raise ValueError("--scheduler needs --executor dask")
    try:
        check(args.executor, args.scheduler)
    except ImportError as exc:  # a missing extra is bad input: a message, exit 2
        raise ValueError(str(exc)) from None
    return {"executor": args.executor, "scheduler": args.scheduler}


#: The file of ``tradesim run --out`` that marks earlier, complete results (refused
#: without --overwrite).  A folder without it holds no complete save (a run killed while
#: saving, see tradesim.store): running again into it needs no --overwrite.
RUN_OUTPUTS = ("metadata.json",)
#: Files of ``tradesim report --out`` that mark an earlier report.
REPORT_OUTPUTS = ("report.html", "report.pdf")


def _json(value: Any) -> str:
    """Strict JSON on one line (no NaN or infinities, which JSON does not have: null)."""
    return json.dumps(_json_value(value), separators=(",", ":"), allow_nan=False)


def _cmd_run(args: argparse.Namespace) -> int:
    from . import ensemble, io, store

    executor = _executor_options(args)
    scenario = io.load_scenario(args.scenario)
    if args.out is not None:
        store.check_output_dir(args.out, results=RUN_OUTPUTS, overwrite=args.overwrite)
    elif args.overwrite:
        raise ValueError("--overwrite needs --out")
    progress = {"on": True, "off": False}.get(args.progress)
    if progress is None:
        progress = sys.stderr.isatty() and args.runs >= ensemble.PARALLEL_FROM
    results = ensemble.run(
        scenario, runs=args.runs, seed=args.seed, workers=args.workers,
        chunk_size=args.chunk_size or ensemble.DEFAULT_CHUNK, progress=progress, **executor,
    )
    summary = results.summary()
    if args.out is not None:
        _write_outputs(results, args.out, figures=not args.no_figures)
    if args.format == "json":
        print(_json(summary.to_dict()))
    else:
        print(summary.table())
        if args.out is not None:
            print(f"\nresults written to {args.out}/")
    return EXIT_OK


def _write_outputs(results: Any, out: Path, figures: bool) -> None:
    from . import store

    summary = results.summary()
    store.save_results(results, out)
    store.write_text(out / "summary.json", json.dumps(_json_value(summary.to_dict()), indent=1,
                                                      allow_nan=False))
    store.write_text(out / "summary.txt", summary.table() + "\n")
    if figures:
        from . import plots

        plots.save_main_figures(results, out)


def _cmd_validate(args: argparse.Namespace) -> int:
    from .io import load_scenario
    from .scenario import ScenarioError

    if args.format == "json":
        return _validate_json(args.files)
    status = EXIT_OK
    files: list[Path] = []
    for path in args.files:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file()
                           and p.suffix.lower() in (".yaml", ".yml", ".toml"))
            if not found:
                print(f"error: {path}: is a directory with no scenario files (.yaml, .yml, "
                      ".toml) in it",
                      file=sys.stderr)
                status = EXIT_BAD_INPUT
            files.extend(found)
        else:
            files.append(path)
    for path in files:
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = EXIT_BAD_INPUT
        else:
            uncertain = len(scenario.uncertain_parameters())
            print(f"{path}: valid scenario {scenario.name!r} ({scenario.horizon_weeks} weeks, "
                  f"{uncertain} uncertain parameters)")
    return status


def _validate_json(files: Sequence[Path]) -> int:
    """``validate --format json``: one record per file, with its problems; exit 2 if any."""
    from .io import load_scenario
    from .scenario import ScenarioError

    records, status = [], EXIT_OK
    for path in files:
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:
            status = EXIT_BAD_INPUT
            records.append({"file": str(path), "valid": False, "problems": [
                {"path": p.path, "message": p.message,
                 "value": _json_value(p.value) if p.has_value else None}
                for p in exc.problems]})
        else:
            records.append({"file": str(path), "valid": True, "scenario": scenario.name,
                            "horizon_weeks": scenario.horizon_weeks,
                            "uncertain_parameters": list(scenario.uncertain_parameters()),
                            "problems": []})
    _print_json({"files": records})
    return status


def _json_value(value: Any) -> Any:
    """A value as JSON-ready data: NaN and infinities as None, others via ``str``."""
    import math

    if isinstance(value, float):
        return None if not math.isfinite(value) else value
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return _json_value(value.tolist())
    return str(value)


def _print_json(payload: Any) -> None:
    """Print valid JSON (no NaN: null) on one line."""
    print(_json(payload))


def _cmd_schema(args: argparse.Namespace) -> int:
    from .scenario import json_schema

    print(json.dumps(json_schema(), indent=2))
    return EXIT_OK


def _cmd_detection(args: argparse.Namespace) -> int:
    from .io import load_scenario
    from .monitoring import detection, format_detection

    scenario = load_scenario(args.scenario)
    results = detection(scenario, runs=args.runs, seed=args.seed, withheld=args.withheld)
    print(format_detection(results, scenario))
    return EXIT_OK


def _cmd_exact(args: argparse.Namespace) -> int:
    from .game import format_exact_table
    from .strategies import get_strategy

    for name in (args.a, args.b):
        get_strategy(name)  # a clear "did you mean" for a misspelt name
    if args.format == "json":
        return _exact_json(args)
    print(format_exact_table(args.a, args.b, noise=args.noise, turns=args.turns))
    return EXIT_OK


def _exact_json(args: argparse.Namespace) -> int:
    """``exact --format json``: the table by row and column, with its inputs."""
    from .game import exact_table

    table = exact_table(args.a, args.b, args.noise, args.turns)
    _print_json({"inputs": dict(table.attrs),
                 "table": {row: dict(table.loc[row].items()) for row in table.index}})
    return EXIT_OK


def _cmd_sweep(args: argparse.Namespace) -> int:
    from .sweep import read_sweep, run_sweep

    if args.scheduler is not None and args.executor != "dask":
        print("error: --scheduler needs --executor dask", file=sys.stderr)
        return EXIT_BAD_INPUT
    from .store import check_output_dir

    sweep = read_sweep(args.file)
    # A sweep refuses a folder with another sweep's points itself (and offers --resume).
    check_output_dir(args.out)
    progress = {"on": True, "off": False}.get(args.progress, sys.stderr.isatty())
    print(f"{sweep.spec.name}: {sweep.n_points:,} points x {sweep.spec.runs:,} runs "
          f"({sweep.kind} over {', '.join(sweep.paths)}), executor {args.executor}",
          file=sys.stderr)
    try:
        ds = run_sweep(sweep, args.out, executor=args.executor, workers=args.workers,
                       scheduler=args.scheduler, resume=args.resume, format=args.format,
                       progress=progress)
    except ImportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(f"interrupted: finished points are kept in {args.out}/points; "
              "rerun with --resume to finish the sweep", file=sys.stderr)
        return EXIT_INTERRUPTED
    probability = ds["probability"].stack(all_points=sweep.dims)
    if args.stdout == "json":
        name = "sweep.nc" if args.format == "netcdf" else "sweep.zarr"
        _print_json({"sweep": sweep.spec.name, "points": sweep.n_points,
                     "runs": sweep.spec.runs, "seed": sweep.spec.seed,
                     "paths": list(sweep.paths), "results": str(args.out / name),
                     "probability": {
                         str(o): {"min": float(v.min()), "median": _median(v),
                                  "max": float(v.max())}
                         for o in probability["outcome"].values
                         for v in [probability.sel(outcome=o).values]}})
        return EXIT_OK
    print(f"{'outcome':<16}{'min':>8}{'median':>8}{'max':>8}   (probability across "
          f"{sweep.n_points:,} points)")
    for outcome in probability["outcome"].values:
        values = probability.sel(outcome=outcome).values
        print(f"{outcome:<16}{values.min():>8.3f}{float(_median(values)):>8.3f}"
              f"{values.max():>8.3f}")
    name = "sweep.nc" if args.format == "netcdf" else "sweep.zarr"
    print(f"\nresults written to {args.out / name}")
    return EXIT_OK


def _median(values: Any) -> float:
    import numpy as np

    return float(np.median(values))


def _cmd_report(args: argparse.Namespace) -> int:
    from . import ensemble, io, store
    from .report import write_report

    # Read every input, and check the output folder, before running anything.
    scenario = io.load_scenario(args.scenario)
    others = [io.load_scenario(path) for path in args.compare]
    store.check_output_dir(args.out, results=REPORT_OUTPUTS, overwrite=args.overwrite)
    facts_path = _find_facts(args.scenario)
    facts = io.read_data(facts_path) if facts_path is not None else None
    progress = sys.stderr.isatty() and args.runs >= ensemble.PARALLEL_FROM
    results = []
    for s in (scenario, *others):
        print(f"{s.name}: {args.runs:,} runs, seed {args.seed}")
        results.append(ensemble.run(s, runs=args.runs, seed=args.seed, progress=progress))
    written = write_report(results[0], args.out, compare=results[1:], facts=facts)
    print(f"facts: {facts_path}" if facts_path is not None else
          "facts: no seeds/facts.yaml found (next to the scenario's folder or here); "
          "sources are given by id only")
    print(f"report written to {written['html']} and {written['pdf']} "
          f"(figures in {written['figures']}/)")
    return EXIT_OK


def _find_facts(scenario_path: Path) -> Path | None:
    """``seeds/facts.yaml`` beside the scenario's folder, else in the current folder."""
    for candidate in (scenario_path.resolve().parent.parent / "seeds" / "facts.yaml",
                      Path.cwd() / "seeds" / "facts.yaml"):
        if candidate.is_file():
            return candidate
    return None


def _cmd_explore(args: argparse.Namespace) -> int:
    import os

    from . import io

    io.load_scenario(args.scenario)  # a bad file fails here, with its problems
    try:
        from . import explore
    except ImportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    argv, env = explore.server_command(args.scenario, port=args.port, runs=args.runs,
                                       open_browser=args.open)
    print(f"tradesim explore: serving {args.scenario} on 127.0.0.1 (Ctrl-C stops)",
          file=sys.stderr)
    sys.stderr.flush()
    # The server replaces this process, so signals (Ctrl-C, kill) reach it directly.
    os.execve(argv[0], argv, env)
    return EXIT_OK  # pragma: no cover - execve does not return


def _cmd_score(args: argparse.Namespace) -> int:
    from . import history, io

    scenario = io.load_scenario(args.scenario)
    log = io.load_events(args.events, scenario)
    after, until = history.scoring_window(log, scenario, args.after, args.until,
                                          source=str(args.events))
    results = history.replay(scenario, log, after, runs=args.runs, seed=args.seed,
                             keep_trajectories=args.runs)
    result = history.score(results, log, after=after, until=until)
    if args.format == "json":
        payload = {
            "scenario": scenario.name, "events_file": str(args.events), "runs": args.runs,
            "seed": args.seed, "after": after.isoformat(), "until": until.isoformat(),
            "brier": result.brier, "log_score": result.log,
            "coverage50": result.coverage(50), "coverage90": result.coverage(90),
            "pit_histogram": result.pit_histogram().tolist(),
            "events": json.loads(result.events.to_json(orient="records", date_format="iso")),
        }
        print(_json(payload))
    else:
        print(f"{scenario.name}: forecast from {after.isoformat()} ({args.runs:,} runs, seed "
              f"{args.seed}), scored against {args.events} up to {until.isoformat()}\n")
        print(result.table())
    return EXIT_OK


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from . import calibrate, io, store

    store.check_output_file(args.out, overwrite=args.overwrite)
    if args.accept <= 0.0:
        raise ValueError("--accept must be above 0 (a fraction of draws, e.g. 0.05)")
    if args.check_runs < 0:
        raise ValueError(f"--check-runs must be 0 or more, got {args.check_runs}")
    statistics = [s.strip() for s in args.statistics.split(",") if s.strip()]
    scenario = io.load_scenario(args.scenario)
    log = io.load_events(args.events, scenario)
    posterior = calibrate.abc_rejection(
        scenario, log, args.until, statistics=statistics, runs=args.runs,
        accept=args.accept, seed=args.seed, check_runs=args.check_runs)
    posterior.to_file(args.out)
    if args.format == "json":
        summary = posterior.summary()
        _print_json({"scenario": scenario.name, "until": args.until.isoformat(),
                     "runs": args.runs, "seed": args.seed, "accepted": int(posterior.accepted
                                                                           .sum()),
                     "acceptance_rate": posterior.acceptance_rate,
                     "epsilon": posterior.epsilon, "observed": posterior.observed,
                     "sample_file": str(args.out),
                     "parameters": {str(k): dict(row.items())
                                    for k, row in summary.iterrows()}})
        return EXIT_OK
    print(posterior.report())
    print(f"\nposterior sample ({len(posterior.samples):,} draws) written to {args.out}; "
          f"use it with 'parameter_sample: {{file: {args.out.name}}}'")
    return EXIT_OK


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
                   help="worker processes (default: all cores)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="with --executor dask: a running scheduler")
    p.add_argument("--format", choices=("table", "json"), default="table")


def _cmd_compare(args: argparse.Namespace) -> int:
    from . import io
    from .comparison import compare, scenario_diff

    a, b = io.load_scenario(args.a), io.load_scenario(args.b)
    diff = scenario_diff(a, b)
    result = compare(a, b, runs=args.runs, seed=args.seed)
    if args.format == "json":
        payload = result.to_dict()
        payload["scenario_diff"] = json.loads(diff.to_json(orient="records"))
        print(json.dumps(payload, separators=(",", ":"), allow_nan=False))
        return EXIT_OK
    print(f"what differs ({len(diff)} parameters), A = {args.a}, B = {args.b}:")
    for row in diff.itertuples():
        print(f"  {row.path}: {row.a} -> {row.b}   [sources: {row.source_a or '-'} -> "
              f"{row.source_b or '-'}]")
    print()
    print(result.table())
    print("\nintervals: normal, on the mean of per-replication differences; McNemar p: "
          "exact test on the discordant pairs")
    return EXIT_OK


def _cmd_robust(args: argparse.Namespace) -> int:
    from .robust import evaluate_levers
    from .sweep import read_sweep

    options = _executor_options(args)
    sweep = read_sweep(args.file)
    result = evaluate_levers(sweep, workers=args.workers, **options)
    if args.out is not None:
        from . import store
        from .plots.saving import save_figure

        table = result.table()
        store.write_text(args.out / "robust.csv", table.to_csv())
        store.write_text(args.out / "robust.json", json.dumps(result.to_dict(), indent=1))
        fig = result.figure()
        save_figure(fig, args.out / "robust.png")
        save_figure(fig, args.out / "robust.pdf")
    if args.format == "json":
        print(json.dumps(result.to_dict(), separators=(",", ":"), allow_nan=False))
    else:
        print(result.text())
        if args.out is not None:
            print(f"\nresults written to {args.out}/")
    return EXIT_OK


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "score": _cmd_score,
    "detection": _cmd_detection,
    "calibrate": _cmd_calibrate,
    "run": _cmd_run,
    "validate": _cmd_validate,
    "schema": _cmd_schema,
    "exact": _cmd_exact,
    "report": _cmd_report,
    "sweep": _cmd_sweep,
    "explore": _cmd_explore,
    "compare": _cmd_compare,
    "robust": _cmd_robust,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
