"""The sub-commands of ``tradesim``: one ``_cmd_*`` function each, in :data:`COMMANDS`.

Heavy packages are imported inside each command, so the command line starts fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .output import (
    EXIT_BAD_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    REPORT_OUTPUTS,
    RUN_OUTPUTS,
    json_value,
    print_json,
    strict_json,
)


def executor_options(args: argparse.Namespace) -> dict[str, Any]:
    """The executor keywords of :func:`tradesim.run` from ``--executor``/``--scheduler``."""
    from ..executors import check

    if args.scheduler is not None and args.executor != "dask":
        raise ValueError("--scheduler needs --executor dask")
    try:
        check(args.executor, args.scheduler)
    except ImportError as exc:  # a missing extra is bad input: a message, exit 2
        raise ValueError(str(exc)) from None
    return {"executor": args.executor, "scheduler": args.scheduler}


def _cmd_run(args: argparse.Namespace) -> int:
    from .. import ensemble, io, store

    executor = executor_options(args)
    scenario = io.load_scenario(args.scenario)
    if args.out is not None:
        store.check_output_dir(args.out, results=RUN_OUTPUTS, overwrite=args.overwrite)
    elif args.overwrite:
        raise ValueError("--overwrite needs --out")
    progress = {"on": True, "off": False}.get(args.progress)
    if progress is None:
        progress = sys.stderr.isatty() and args.runs >= ensemble.PARALLEL_FROM
    # Without --out only the summary is printed, and it comes from the exact aggregates:
    # keeping no trajectories spares 10,000 runs about 300 MB of memory to fill and copy,
    # and keeping no sampled parameters spares 10**6 London runs 128 MB.
    results = ensemble.run(
        scenario, runs=args.runs, seed=args.seed, workers=args.workers,
        chunk_size=args.chunk_size, progress=progress, **executor,
        parameter_sets=args.parameter_sets,
        keep_trajectories=None if args.out is not None else 0,
        keep_parameters=args.out is not None,
    )
    summary = results.summary()
    if args.out is not None:
        _write_outputs(results, args.out, figures=not args.no_figures)
    if args.format == "json":
        print(strict_json(summary.to_dict()))
    else:
        print(summary.table())
        if args.out is not None:
            print(f"\nresults written to {args.out}/")
    return EXIT_OK


def _write_outputs(results: Any, out: Path, figures: bool) -> None:
    from .. import store

    summary = results.summary()
    store.save_results(results, out)
    store.write_text(out / "summary.json", json.dumps(json_value(summary.to_dict()), indent=1,
                                                     allow_nan=False))
    store.write_text(out / "summary.txt", summary.table() + "\n")
    if figures:
        from .. import plots

        plots.save_main_figures(results, out)


def _cmd_validate(args: argparse.Namespace) -> int:
    from ..io import load_scenario
    from ..scenario import ScenarioError

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
    from ..io import load_scenario
    from ..scenario import ScenarioError

    records, status = [], EXIT_OK
    for path in files:
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:
            status = EXIT_BAD_INPUT
            records.append({"file": str(path), "valid": False, "problems": [
                {"path": p.path, "message": p.message,
                 "value": json_value(p.value) if p.has_value else None}
                for p in exc.problems]})
        else:
            records.append({"file": str(path), "valid": True, "scenario": scenario.name,
                            "horizon_weeks": scenario.horizon_weeks,
                            "uncertain_parameters": list(scenario.uncertain_parameters()),
                            "problems": []})
    print_json({"files": records})
    return status


def _cmd_schema(args: argparse.Namespace) -> int:
    from ..scenario import json_schema

    print(json.dumps(json_schema(), indent=2))
    return EXIT_OK


def _cmd_detection(args: argparse.Namespace) -> int:
    from ..io import load_scenario
    from ..monitoring import detection, format_detection

    scenario = load_scenario(args.scenario)
    results = detection(scenario, runs=args.runs, seed=args.seed, withheld=args.withheld)
    print(format_detection(results, scenario))
    return EXIT_OK


def _cmd_exact(args: argparse.Namespace) -> int:
    from ..game import format_exact_table
    from ..strategies import get_strategy

    for name in (args.a, args.b):
        get_strategy(name)  # a clear "did you mean" for a misspelt name
    if args.format == "json":
        return _exact_json(args)
    print(format_exact_table(args.a, args.b, noise=args.noise, turns=args.turns))
    return EXIT_OK


def _exact_json(args: argparse.Namespace) -> int:
    """``exact --format json``: the table by row and column, with its inputs."""
    from ..game import exact_table

    table = exact_table(args.a, args.b, args.noise, args.turns)
    print_json({"inputs": dict(table.attrs),
                "table": {row: dict(table.loc[row].items()) for row in table.index}})
    return EXIT_OK


def _cmd_sweep(args: argparse.Namespace) -> int:
    from ..sweep import read_sweep, run_sweep

    if args.scheduler is not None and args.executor != "dask":
        print("error: --scheduler needs --executor dask", file=sys.stderr)
        return EXIT_BAD_INPUT
    from ..store import check_output_dir

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
        print_json({"sweep": sweep.spec.name, "points": sweep.n_points,
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
    from .. import ensemble, io, store
    from ..report import write_report

    # Read every input, and check the output folder, before running anything.
    scenario = io.load_scenario(args.scenario)
    others = [io.load_scenario(path) for path in args.compare]
    store.check_output_dir(args.out, results=REPORT_OUTPUTS, overwrite=args.overwrite)
    facts_path = _find_facts(args.scenario)
    facts = io.read_data(facts_path) if facts_path is not None else None
    sensitivity = _read_sensitivity(args.sensitivity, scenario)
    progress = sys.stderr.isatty() and args.runs >= ensemble.PARALLEL_FROM
    results = []
    for s in (scenario, *others):
        print(f"{s.name}: {args.runs:,} runs, seed {args.seed}")
        results.append(ensemble.run(s, runs=args.runs, seed=args.seed, progress=progress))
    written = write_report(results[0], args.out, compare=results[1:], facts=facts,
                           paper=args.paper, sensitivity=sensitivity, tables=args.tables)
    print(f"facts: {facts_path}" if facts_path is not None else
          "facts: no seeds/facts.yaml found (next to the scenario's folder or here); "
          "sources are given by id only")
    tables = f", tables in {written['tables']}/" if "tables" in written else ""
    print(f"report written to {written['html']} and {written['pdf']} "
          f"(figures in {written['figures']}/{tables})")
    return EXIT_OK


def _read_sensitivity(path: Path | None, scenario: Any) -> Any:
    """The sensitivity table of ``tradesim report --sensitivity``, checked, or None."""
    if path is None:
        return None
    import pandas as pd

    from ..report import sensitivity_table

    if not path.is_file():
        raise ValueError(f"{path}: no such sensitivity table (a CSV file; "
                         "`tradesim sensitivity SCENARIO` makes one)")
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not a CSV table ({exc})") from None
    try:
        sensitivity_table(frame, scenario)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None
    return frame


def _find_facts(scenario_path: Path) -> Path | None:
    """``seeds/facts.yaml`` beside the scenario's folder, else in the current folder."""
    for candidate in (scenario_path.resolve().parent.parent / "seeds" / "facts.yaml",
                      Path.cwd() / "seeds" / "facts.yaml"):
        if candidate.is_file():
            return candidate
    return None


def _cmd_explore(args: argparse.Namespace) -> int:
    import os

    from .. import io

    io.load_scenario(args.scenario)  # a bad file fails here, with its problems
    try:
        from .. import explore
    except ImportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    argv, env = explore.server_command(args.scenario, port=args.port, runs=args.runs,
                                       open_browser=args.open)
    missing = explore.missing_assets()
    if missing:
        print(f"warning: {len(missing)} of the page's files are not installed locally "
              f"(e.g. {missing[0]}): the page needs internet to fetch them; "
              "pip install 'tradesim-policy[explore]' installs the matching solara-assets",
              file=sys.stderr)
    print(f"tradesim explore: serving {args.scenario} on 127.0.0.1 (Ctrl-C stops)",
          file=sys.stderr)
    sys.stderr.flush()
    # The server replaces this process, so signals (Ctrl-C, kill) reach it directly.
    os.execve(argv[0], argv, env)
    return EXIT_OK  # pragma: no cover - execve does not return


def _cmd_score(args: argparse.Namespace) -> int:
    from .. import ensemble, history, io

    scenario = io.load_scenario(args.scenario)
    log = io.load_events(args.events, scenario)
    after, until = history.scoring_window(log, scenario, args.after, args.until,
                                          source=str(args.events))
    results = history.replay(scenario, log, after, runs=args.runs, seed=args.seed,
                             keep_trajectories=args.runs)
    result = history.score(results, log, after=after, until=until)
    # The base rates of climatology: the same scenario, runs and seed, no history replayed.
    unconditional = ensemble.run(scenario, runs=args.runs, seed=args.seed,
                                 keep_trajectories=args.runs)
    result = history.add_baselines(result, results, unconditional, after=after)
    skill = result.skill(seed=args.seed)
    if args.format == "json":
        payload = {
            "scenario": scenario.name, "events_file": str(args.events), "runs": args.runs,
            "seed": args.seed, "after": after.isoformat(), "until": until.isoformat(),
            "brier": result.brier, "log_score": result.log,
            "coverage50": result.coverage(50), "coverage90": result.coverage(90),
            "pit_histogram": result.pit_histogram().tolist(),
            "skill": {str(ref): {k: json_value(v) for k, v in row.items()}
                      for ref, row in skill.iterrows()},
            "references": {
                "climatology": "base rate of each event in the scenario's unconditional runs "
                               "(no history replayed) by the horizon, spread evenly over the "
                               "horizon's weeks, over the weeks from the forecast date",
                "persistence": "the status quo on the forecast date persists: no new "
                               "milestone; a level event only if the level is already there",
                "brier_skill": "1 - Brier / Brier of the reference (1 perfect, 0 no better)",
                "log_diff": "reference's mean log score minus the forecast's, nats per event "
                            "(positive: the forecast is better)",
                "intervals": "95% percentile bootstrap over the scored events"},
            "events": json.loads(result.events.to_json(orient="records", date_format="iso")),
        }
        print(strict_json(payload))
    else:
        print(f"{scenario.name}: forecast from {after.isoformat()} ({args.runs:,} runs, seed "
              f"{args.seed}), scored against {args.events} up to {until.isoformat()}\n")
        print(result.table())
    return EXIT_OK


def _cmd_sensitivity(args: argparse.Namespace) -> int:
    from .. import io, sensitivity, store

    outcomes = None
    if args.outcome is not None:
        outcomes = [o.strip() for item in args.outcome for o in item.split(",") if o.strip()]
        if not outcomes:
            raise ValueError("--outcome: give an outcome name, e.g. --outcome breakdown_1")
    outcomes = sensitivity.check_outcomes(outcomes)
    if args.method == "sobol":
        samples = sensitivity.DEFAULT_SAMPLES if args.samples is None else args.samples
        if samples < 2 or samples & (samples - 1):
            low = max(2, 1 << (samples.bit_length() - 1))
            raise ValueError(f"--samples must be a power of 2 from 2 up for a Sobol' design "
                             f"(its balance needs it), got {samples}: use {low} or {2 * low}")
    else:
        samples = sensitivity.DEFAULT_TRAJECTORIES if args.samples is None else args.samples
        if samples < 2:
            raise ValueError(f"--samples must be at least 2 Morris trajectories, got {samples}")
    if args.out is not None:
        store.check_output_dir(args.out, results=SENSITIVITY_OUTPUTS, overwrite=args.overwrite)
    elif args.overwrite:
        raise ValueError("--overwrite needs --out")
    scenario = io.load_scenario(args.scenario)
    d = len(scenario.uncertain_parameters())
    if d == 0:
        raise ValueError(f"{args.scenario}: scenario {scenario.name!r} has no uncertain "
                         "parameters (none is given as a distribution, e.g. {dist: uniform, "
                         "low: 0.1, high: 0.4}): there is nothing to analyse")
    points = samples * (d + 2 if args.method == "sobol" else d + 1)
    progress = {"on": True, "off": False}.get(args.progress, sys.stderr.isatty())
    print(f"{scenario.name}: {args.method} over {d} uncertain parameters, {points:,} design "
          f"points x {args.replications:,} runs = {points * args.replications:,} runs, seed "
          f"{args.seed}", file=sys.stderr)
    analyse = sensitivity.scenario_sobol if args.method == "sobol" else \
        sensitivity.scenario_morris
    table = analyse(scenario, samples=samples, replications=args.replications, seed=args.seed,
                    outcomes=outcomes, n_resamples=args.resamples, workers=args.workers,
                    progress=progress)
    payload = {**table.attrs, "indices": json.loads(table.to_json(orient="records"))}
    if args.out is not None:
        _write_sensitivity(table, payload, args.out, scenario)
    if args.format == "json":
        print_json(payload)
        return EXIT_OK
    print(_sensitivity_text(table))
    if args.out is not None:
        print(f"\nresults written to {args.out}/")
    return EXIT_OK


#: Files of ``tradesim sensitivity --out`` that mark an earlier analysis.
SENSITIVITY_OUTPUTS = ("sensitivity.json",)


def _write_sensitivity(table: Any, payload: dict[str, Any], out: Path, scenario: Any) -> None:
    from .. import store
    from ..plots import sensitivity_bars
    from ..plots.saving import save_figure
    from ..report.labels import parameter_name

    store.write_text(out / "sensitivity.csv", table.to_csv(index=False))
    labels = {p: parameter_name(scenario, p) for p in dict.fromkeys(table["parameter"])}
    for outcome in dict.fromkeys(table["outcome"]):
        fig = sensitivity_bars(table, outcome, labels=labels)
        save_figure(fig, out / f"sensitivity-{outcome}.png")
        save_figure(fig, out / f"sensitivity-{outcome}.pdf")
    # Last: its presence marks a complete analysis (refused without --overwrite).
    store.write_text(out / "sensitivity.json", json.dumps(json_value(payload), indent=1,
                                                          allow_nan=False))


def _sensitivity_text(table: Any) -> str:
    """The plain-text tables of ``tradesim sensitivity``: one per outcome."""
    a = table.attrs
    sobol = a["method"] == "sobol"
    lines = [f"{a['scenario']}: {'Sobol' if sobol else 'Morris'} analysis, {a['points']:,} "
             f"design points x {a['replications']:,} runs ({a['model_runs']:,} runs, "
             f"{a['seconds']:.0f} s), seed {a['seed']}"]
    width = max(len(p) for p in table["parameter"]) + 2
    for outcome, rows in table.groupby("outcome", sort=False):
        noise = a["noise_share"][outcome]
        lines.append(f"\n{outcome}: mean probability {a['mean'][outcome]:.3f}, sd across "
                     f"points {a['sd'][outcome]:.3f}"
                     + (f", noise of {a['replications']} runs at most {min(noise, 1):.0%} "
                        "of its variance" if noise == noise else " (does not vary)"))
        if sobol:
            lines.append(f"{'parameter':<{width}}{'S1':>7}  {'95% interval':<16}{'ST':>7}  "
                         "95% interval")
            for r in rows.sort_values("ST", ascending=False).itertuples():
                lines.append(f"{r.parameter:<{width}}{r.S1:>7.3f}  [{r.S1_lo:6.3f}, "
                             f"{r.S1_hi:6.3f}]{r.ST:>7.3f}  [{r.ST_lo:6.3f}, {r.ST_hi:6.3f}]")
        else:
            lines.append(f"{'parameter':<{width}}{'mu*':>7}  {'95% interval':<16}{'mu':>7}"
                         f"{'sigma':>7}")
            for r in rows.sort_values("mu_star", ascending=False).itertuples():
                lines.append(f"{r.parameter:<{width}}{r.mu_star:>7.3f}  [{r.mu_star_lo:6.3f}, "
                             f"{r.mu_star_hi:6.3f}]{r.mu:>7.3f}{r.sigma:>7.3f}")
    lines.append("\nintervals: 95% percentile bootstrap over the design's base samples"
                 if sobol else "\nintervals: 95% percentile bootstrap over trajectories")
    return "\n".join(lines)


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from .. import calibrate, io, store

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
        print_json({"scenario": scenario.name, "until": args.until.isoformat(),
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


def _cmd_compare(args: argparse.Namespace) -> int:
    from .. import io
    from ..comparison import compare, scenario_diff

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
    from ..robust import evaluate_levers
    from ..sweep import read_sweep

    options = executor_options(args)
    sweep = read_sweep(args.file)
    result = evaluate_levers(sweep, workers=args.workers, **options)
    if args.out is not None:
        from .. import store
        from ..plots.saving import save_figure

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


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "score": _cmd_score,
    "detection": _cmd_detection,
    "calibrate": _cmd_calibrate,
    "sensitivity": _cmd_sensitivity,
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
