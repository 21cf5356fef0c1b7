"""The result store: results on disk, written atomically, apart from the inputs.

Scenario files are read by :mod:`tradesim.io`; this module writes what runs
produce.  Every file is written through a temporary file in the same folder
and renamed over its target, so a file is either complete or absent, never
half written (even under ``kill -9``).  Results are saved as netCDF, in the
layout of :meth:`tradesim.Results.to_xarray`, with JSON metadata; no pickle
is used.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .scenario import Problem, Scenario, ScenarioError, validate_scenario

if TYPE_CHECKING:  # pragma: no cover
    from .results import Results

__all__ = [
    "METADATA_FILE",
    "RESULTS_FILE",
    "OutputPathError",
    "atomic_write",
    "check_output_dir",
    "check_output_file",
    "load_results",
    "save_results",
    "scenario_hash",
    "write_text",
]

#: The results of a run, in the layout of :meth:`tradesim.Results.to_xarray`.
RESULTS_FILE = "results.nc"
#: Scenario, seed and versions of a run; written last, it marks a complete save.
METADATA_FILE = "metadata.json"


class OutputPathError(ValueError):
    """An output path that cannot be used; the message names it and says why."""


def _nearest_existing(path: Path) -> Path:
    """``path`` or its closest ancestor that exists."""
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _check_writable_place(path: Path, option: str) -> None:
    """Refuse ``path`` if it or a folder above it cannot be created and written."""
    import tempfile

    base = _nearest_existing(path)
    if not base.is_dir():
        raise OutputPathError(f"{option} {path}: cannot be created, {base} is a file, not a "
                              "folder")
    try:  # as root, os.access says yes to everything: try for real, and clean up
        with tempfile.NamedTemporaryFile(dir=base, prefix=".tradesim-probe-"):
            pass
    except OSError as exc:
        raise OutputPathError(f"{option} {path}: cannot write in {base}: "
                              f"{exc.strerror or exc}") from None


def check_output_dir(path: str | Path, *, option: str = "--out",
                     results: tuple[str, ...] = (), overwrite: bool = False) -> None:
    """Check, before any work starts, that a folder can take a command's output.

    Parameters
    ----------
    path : str or Path
        The output folder; it may not exist yet.
    option : str
        How the user gave it (``--out``), for the message.
    results : tuple of str
        File names that mark earlier results in the folder (``metadata.json``).
        If one is there and ``overwrite`` is false the folder is refused:
        results are never replaced silently.
    overwrite : bool
        Allow replacing earlier results.

    Raises
    ------
    OutputPathError
        If ``path`` is an existing file (or something else that is not a
        folder), a folder above it is a file, it cannot be written, or it
        holds earlier results and ``overwrite`` is false.  Nothing is created.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OutputPathError(f"{option} {path}: is an existing file, not a folder; give a "
                              "folder for the results")
    _check_writable_place(path, option)
    found = [name for name in results if (path / name).exists()]
    if found and not overwrite:
        raise OutputPathError(f"{option} {path}: already holds results ({', '.join(found)}); "
                              "pass --overwrite to replace them, or give another folder")


def check_output_file(path: str | Path, *, option: str = "--out",
                      overwrite: bool = False) -> None:
    """Check, before any work starts, that a file can be written at ``path``.

    Raises
    ------
    OutputPathError
        If ``path`` is a folder (or a FIFO, device or socket), its folder does
        not exist or cannot be written, or the file exists and ``overwrite``
        is false.  Nothing is created.
    """
    path = Path(path)
    if path.is_dir():
        raise OutputPathError(f"{option} {path}: is a folder; give a file name")
    if path.exists() and not path.is_file():
        raise OutputPathError(f"{option} {path}: is not a regular file")
    folder = path.absolute().parent
    if not folder.is_dir():
        raise OutputPathError(f"{option} {path}: the folder {folder} does not exist")
    _check_writable_place(folder, option)
    if path.exists() and not overwrite:
        raise OutputPathError(f"{option} {path}: the file exists; pass --overwrite to "
                              "replace it, or give another name")


def atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Write through a temporary file in the same folder, then rename over ``path``.

    Parameters
    ----------
    path : Path
        The file to write; its folder is created if needed.
    write : callable
        Called with the temporary file's path; it writes the content there.
        If it raises (or the process is interrupted), the temporary file is
        removed and ``path`` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A fresh name created with open(..., "x"), not mkstemp, so that the file gets the
    # usual permissions (umask), like any other file the user writes.
    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex[:12]}.tmp"
    with open(tmp, "xb"):
        pass
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text(path: str | Path, text: str) -> None:
    """Write a text file (UTF-8) atomically (temporary file, then rename)."""
    atomic_write(Path(path), lambda tmp: tmp.write_text(text, encoding="utf-8"))


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the resolved scenario's canonical JSON."""
    canonical = json.dumps(scenario.model_dump(mode="json"), sort_keys=True,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def save_results(results: Results, directory: str | Path) -> Path:
    """Save results as netCDF (``results.nc``) plus JSON metadata (``metadata.json``).

    ``results.nc`` holds :meth:`tradesim.Results.to_xarray` (compressed);
    :func:`load_results` rebuilds the results from it.  Each file is written
    atomically; the metadata, removed first and written last, marks a
    complete save.  No pickle is used.

    Parameters
    ----------
    results : Results
    directory : str or Path
        Created if needed.

    Returns
    -------
    Path
        The directory.
    """
    from .cf import versions

    directory = Path(directory)
    ds = results.to_xarray()
    encoding = {name: {"compression": "gzip", "compression_opts": 4} for name in ds.data_vars}
    # The metadata marks a complete save: drop an older one first, so that a save cut
    # short (kill -9) never leaves new data beside the metadata of an older run.
    (directory / METADATA_FILE).unlink(missing_ok=True)
    atomic_write(directory / RESULTS_FILE,
                 lambda tmp: ds.to_netcdf(tmp, engine="h5netcdf", encoding=encoding))
    metadata = {
        "format": "tradesim-results/1",
        "scenario_name": results.scenario.name,
        "scenario_sha256": scenario_hash(results.scenario),
        "seed": str(results.seed),
        "runs": results.runs,
        "series_names": results.series_names,
        "parameter_names": list(results.parameters),
        "versions": versions(),
        "scenario": results.scenario.model_dump(mode="json"),
    }
    write_text(directory / METADATA_FILE, json.dumps(metadata, indent=1))
    return directory


def load_results(directory: str | Path) -> Results:
    """Load results saved by :func:`save_results`.

    The scenario in the metadata is validated like any scenario file.

    Raises
    ------
    ScenarioError
        If the folder holds no complete save, or its scenario is invalid.
    """
    import xarray as xr

    from .results import Results

    directory = Path(directory)
    meta_path = directory / METADATA_FILE
    if not meta_path.is_file() or not (directory / RESULTS_FILE).is_file():
        raise ScenarioError(str(directory), [Problem("", "no complete tradesim results here "
                                                         f"(need {RESULTS_FILE} and "
                                                         f"{METADATA_FILE})")])
    metadata = json.loads(meta_path.read_text(encoding="utf-8"))
    scenario = validate_scenario(metadata["scenario"], source=str(meta_path))
    with xr.open_dataset(directory / RESULTS_FILE, engine="h5netcdf") as ds:
        ds = ds.load()
    return Results.from_xarray(ds, scenario)
