"""Interactive exploration of a scenario: a Solara app with controls and live charts.

In a notebook::

    import tradesim
    from tradesim import explore

    scenario = tradesim.load_scenario("scenarios/london-2025.yaml")
    explore.app(scenario)          # the last expression of a cell shows the app

From a shell, ``tradesim explore scenarios/london-2025.yaml`` serves the same
app on http://127.0.0.1:8765.  It works with no internet: every script, style
and font of the page comes from the ``solara-assets`` package that the
``explore`` extra installs (:func:`missing_assets` lists any that would not),
and the server calls nowhere.

Controls change the key parameters (each actor's strategy, monitoring threshold
and weekly approval hazard, and the inventory cover of every sector); each
change reruns a short ensemble with :func:`tradesim.run` (a few hundred runs,
a fraction of a second) and redraws the charts of restriction levels, phase
shares, supply-flow indices and losses, each line with a band holding the
middle 90% of runs, and, for a scenario with tariffs or measures held in
reserve, of each side's tariff rate and of the share of runs in which each
side has opened a new measure.  A parameter left alone keeps the scenario's
own value or distribution; one moved becomes a fixed number.

The controls and the charts are plain functions of the scenario and the
changes (:func:`controls`, :func:`apply_changes`, :func:`simulate`,
:func:`chart_data`, :func:`draw_charts`), so what the app shows can be
reproduced in code.  Solara is an optional dependency: install it with
``pip install 'tradesim-policy[explore]'``.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from .distributions import is_distribution
from .ensemble import run
from .paths import join, set_path, settable_paths
from .results import Results
from .scenario import Scenario, validate_scenario
from .strategies import STRATEGIES, get_strategy
from .vocab import OUTCOME_LABELS, OUTCOMES, quantile_column, series_keys, series_name

try:
    import solara
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "tradesim.explore needs Solara, an optional dependency: install it with "
        "pip install 'tradesim-policy[explore]'"
    ) from exc

__all__ = [
    "BAND",
    "DEFAULT_RUNS",
    "DEFAULT_SEED",
    "INVENTORY_SCALE",
    "SCENARIO_ENV",
    "Control",
    "Explorer",
    "Page",
    "app",
    "apply_changes",
    "chart_data",
    "controls",
    "draw_charts",
    "missing_assets",
    "server_command",
    "simulate",
    "strategy_choices",
]

#: Replications per update of the app: enough for stable shares, fast enough to feel live.
DEFAULT_RUNS = 300
#: Master seed of the app's runs (the London framework's date), so a view is reproducible.
DEFAULT_SEED = 20250611
#: What the shaded band around a line holds: the 5th to 95th percentile over the runs.
BAND = "middle 90% of runs"
#: Pseudo-path of the control that multiplies every sector's inventory cover.
INVENTORY_SCALE = "economy.sectors.*.inventory_weeks (scale)"
#: Environment variable through which ``tradesim explore`` names the scenario file.
SCENARIO_ENV = "TRADESIM_EXPLORE_SCENARIO"
_RUNS_ENV = "TRADESIM_EXPLORE_RUNS"

_ACTOR_WORDS = {"us": "US", "china": "China"}
# Distribution fields that scale with the variable (all are location or scale parameters).
_SCALED_FIELDS = {"low", "high", "mode", "mean", "sd", "median", "values"}


# ------------------------------------------------------------------------ controls


@dataclasses.dataclass(frozen=True)
class Control:
    """One control of the app: a scenario parameter and its admissible values.

    Attributes
    ----------
    path : str
        Dotted parameter path (see :meth:`tradesim.Scenario.parameter_paths`),
        ``actors.<actor>.strategy.name``, or :data:`INVENTORY_SCALE`.
    label : str
        Text shown next to the control.
    kind : {"select", "slider"}
    default : float or str
        Where the control starts: the scenario's value, or the median of its
        distribution (the scenario itself is used until the control is moved).
    low, high, step : float
        Range of a slider.
    choices : tuple of str
        Options of a select (the values set, e.g. registered strategy names).
    choice_labels : tuple of str
        What the select shows for each choice (e.g. "Generous tit for tat");
        empty: the choices themselves.
    scenario_value : str
        The scenario's own value or distribution, for the control's hint.
    """

    path: str
    label: str
    kind: Literal["select", "slider"]
    default: float | str
    low: float = 0.0
    high: float = 1.0
    step: float = 0.01
    choices: tuple[str, ...] = ()
    choice_labels: tuple[str, ...] = ()
    scenario_value: str = ""

    def label_of(self, choice: str) -> str:
        """What the select shows for ``choice``."""
        if not self.choice_labels:
            return choice
        return dict(zip(self.choices, self.choice_labels, strict=True)).get(choice, choice)

    def choice_of(self, label: str) -> str:
        """The choice shown as ``label`` (a choice itself is returned as it is)."""
        if not self.choice_labels:
            return label
        return dict(zip(self.choice_labels, self.choices, strict=True)).get(label, label)


def strategy_choices() -> tuple[str, ...]:
    """Registered strategies that can be built from their defaults, sorted by name."""
    names = []
    for name in sorted(STRATEGIES):
        try:
            get_strategy(name)()
        except (TypeError, ValueError):  # needs parameters the app does not ask for
            continue
        names.append(name)
    return tuple(names)


def _strategy_label(name: str) -> str:
    try:
        return get_strategy(name).display_name or name
    except (KeyError, ValueError):
        return name


def _median(value: Any) -> float:
    if is_distribution(value):
        return float(np.asarray(value.ppf(np.array([0.5])))[0])
    return float(value)


def _shown(value: Any) -> str:
    return value.describe() if hasattr(value, "describe") else f"{float(value):g}"


def _actor_word(scenario: Scenario, actor: str) -> str:
    return _ACTOR_WORDS.get(actor, scenario.actors[actor].name)


def controls(scenario: Scenario) -> list[Control]:
    """The app's controls for ``scenario``, in display order.

    For each actor: its strategy, the noise (sd) with which it monitors its
    partner, and its weekly approval hazard; then one multiplier of every
    sector's inventory cover (weeks of normal use).

    Parameters
    ----------
    scenario : Scenario

    Returns
    -------
    list of Control
    """
    out = []
    names = strategy_choices()
    for a in scenario.actor_ids:
        word = _actor_word(scenario, a)
        current = scenario.actors[a].strategy.name
        choices = names if current in names else (current, *names)
        shown = tuple(_strategy_label(n) for n in choices)
        out.append(Control(join("actors", a, "strategy", "name"), f"{word} strategy", "select",
                           current, choices=choices, choice_labels=shown,
                           scenario_value=_strategy_label(current)))
    for a in scenario.actor_ids:
        word = _actor_word(scenario, a)
        threshold = scenario.monitoring[a].threshold
        out.append(Control(join("monitoring", a, "threshold"),
                           f"{word} alarm threshold (nats)", "slider",
                           round(_median(threshold), 1), 0.5, 20.0, 0.5,
                           scenario_value=_shown(threshold)))
        hazard = scenario.approval[a].weekly_hazard
        out.append(Control(join("approval", a, "weekly_hazard"), f"{word} weekly approval chance",
                           "slider", round(_median(hazard), 2), 0.0, 1.0, 0.01,
                           scenario_value=_shown(hazard)))
    if scenario.economy.sectors:
        out.append(Control(INVENTORY_SCALE, "Inventory cover (x scenario's)", "slider", 1.0,
                           0.25, 4.0, 0.25, scenario_value="1"))
    return out


def _scale(value: Any, factor: float) -> Any:
    """A parameter (number or distribution data) times ``factor``."""
    if isinstance(value, Mapping):
        out = dict(value)
        for key in _SCALED_FIELDS & out.keys():
            v = out[key]
            out[key] = [x * factor for x in v] if isinstance(v, list | tuple) else v * factor
        return out
    return float(value) * factor


def apply_changes(scenario: Scenario, changes: Mapping[str, Any]) -> Scenario:
    """The scenario with the controls' values set.

    Parameters
    ----------
    scenario : Scenario
    changes : mapping
        Control path -> value (see :func:`controls`).  A strategy name drops
        the old strategy's parameters that the new one does not take;
        :data:`INVENTORY_SCALE` multiplies every sector's ``inventory_weeks``
        and ``max_cover_weeks`` (distributions are scaled as a whole).

    Returns
    -------
    Scenario
        Validated again, so a value out of range raises
        :class:`~tradesim.ScenarioError`.
    """
    if not changes:
        return scenario
    data = scenario.model_dump(mode="json")
    allowed = settable_paths(data)
    # The strategy names first: setting one drops the parameters the new rule does not take.
    items = sorted(changes.items(), key=lambda kv: not kv[0].endswith("strategy.name"))
    for path, value in items:
        if path == INVENTORY_SCALE:
            factor = float(value)
            for sector in data["economy"]["sectors"]:
                sector["inventory_weeks"] = _scale(sector["inventory_weeks"], factor)
                sector["max_cover_weeks"] = _scale(sector["max_cover_weeks"], factor)
            continue
        set_path(data, path, value, allowed)
    return validate_scenario(data, source=f"{scenario.name} (explore)")


def simulate(scenario: Scenario, changes: Mapping[str, Any] | None = None, *,
             runs: int = DEFAULT_RUNS, seed: int = DEFAULT_SEED) -> Results:
    """Run the ensemble the app shows: ``scenario`` with ``changes``, ``runs`` replications.

    The same seed is used for every setting (common random numbers), so a
    difference between two settings is the settings', not the noise's.
    """
    return run(apply_changes(scenario, changes or {}), runs=runs, seed=seed, progress=False)


# -------------------------------------------------------------------------- charts


def chart_data(results: Results) -> dict[str, Any]:
    """The numbers behind the app's charts.

    Returns
    -------
    dict
        DataFrames indexed by week 0..horizon, their columns the series ids:
        ``"levels"``: median restriction level of each instrument
        (``<actor>.<instrument>``, 0 = open, 1 = fully stopped);
        ``"phases"``: share of runs in each phase;
        ``"supply"``: mean supply-flow index of each good (1.0 = 2024 average;
        above 1.0 while buyers restock);
        ``"losses"``: mean cumulative value added lost by each country's
        sectors, USD billion;
        ``"levels_low"``, ``"levels_high"``, ``"supply_low"``, ``"supply_high"``,
        ``"losses_low"``, ``"losses_high"``: the 5th and 95th percentiles over
        the runs (the band :data:`BAND` holds the middle 90% of runs);
        ``"tariffs"``: mean extra tariff of each tariff instrument
        (``<actor>.<instrument>``), percent ad valorem, with
        ``"tariffs_low"`` and ``"tariffs_high"`` (5th and 95th percentiles);
        ``"opened"``: share of runs in which each actor holding measures in
        reserve has opened at least one (columns actor ids); both empty
        (no columns) for a scenario without tariffs or reserves;
        ``"outcomes"`` (indexed by outcome): probability with its 95%
        interval at the horizon; and ``"labels"``: for each of ``"levels"``,
        ``"phases"``, ``"supply"``, ``"losses"``, ``"tariffs"`` and
        ``"opened"``, a dict from column id to the name a reader sees
        (``"china.magnets"`` -> ``"Magnets (China)"``).
    """
    from .plots.style import PHASE_LABELS, series_label, short_actor_name
    from .plots.tariffs import opened_share

    names = results.series_names
    scenario = results.scenario
    summary = results.summary()
    low, mid, high = quantile_column(0.05), quantile_column(0.5), quantile_column(0.95)
    kinds = {"levels": ("level", mid), "supply": ("supply", "mean"),
             "losses": ("country_loss", "mean"), "tariffs": ("tariff", "mean")}
    out: dict[str, Any] = {}
    for key, (kind, centre) in kinds.items():
        ids = series_keys(names, kind)
        for suffix, column in (("", centre), ("_low", low), ("_high", high)):
            frame = pd.DataFrame({n: summary.series[series_name(kind, n)][column] for n in ids})
            frame.index.name = "week"
            out[key + suffix] = frame
    reserves = [a for a in series_keys(names, "opened")
                if any(i.reserve is not None for i in scenario.actors[a].instruments)]
    out["opened"] = pd.DataFrame({a: opened_share(results, a) for a in reserves},
                                 index=pd.RangeIndex(results.horizon_weeks + 1, name="week"))
    out["phases"] = results.phase_shares()
    out["outcomes"] = summary.outcomes[["probability", "ci95_low", "ci95_high"]].copy()
    out["labels"] = {
        "levels": {n: series_label(results, series_name("level", n))[0]
                   for n in out["levels"].columns},
        "supply": {g: series_label(results, series_name("supply", g))[0]
                   for g in out["supply"].columns},
        "losses": {a: short_actor_name(scenario.actors[a].name) for a in out["losses"].columns},
        "phases": {p: PHASE_LABELS.get(p, p) for p in out["phases"].columns},
        "tariffs": {n: series_label(results, series_name("tariff", n))[0]
                    for n in out["tariffs"].columns},
        "opened": {a: short_actor_name(scenario.actors[a].name) for a in out["opened"].columns},
    }
    return out


def draw_charts(data: Mapping[str, Any], start_date: Any = None) -> Any:
    """Draw the charts of :func:`chart_data` on one new matplotlib Figure.

    Restriction levels (median run), phase shares, supply-flow indices and
    cumulative losses (mean run), each line with a shaded band holding the
    middle 90% of runs, named as readers know them and with units on the axes.
    When the data have tariffs or measures opened, a second row shows each
    side's tariff rate (mean run, with the band) and the share of runs in
    which each side has opened a new measure.
    Uses :class:`matplotlib.figure.Figure` directly (no pyplot, no global
    state) in the house style of :mod:`tradesim.plots`.

    Parameters
    ----------
    data : mapping
        From :func:`chart_data`.
    start_date : date, optional
        Label the x axes with calendar dates from this date (default: weeks).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib as mpl
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch
    from matplotlib.ticker import PercentFormatter

    from .plots import PALETTE, PHASE_COLORS, STYLE

    def x_of(frame: pd.DataFrame) -> Any:
        if start_date is None:
            return frame.index.to_numpy()
        return pd.date_range(start_date, periods=len(frame), freq="7D").to_pydatetime()

    labels = data.get("labels", {})
    band_label = f"{BAND} (shaded)"

    tariffs, opened = data.get("tariffs"), data.get("opened")
    second_row = any(frame is not None and len(frame.columns) for frame in (tariffs, opened))

    with mpl.rc_context(STYLE):
        fig = Figure(figsize=(13.5, 8.8 if second_row else 4.9), layout="constrained")
        grid = fig.add_gridspec(2 if second_row else 1, 4)
        ax_levels = fig.add_subplot(grid[0, 0])
        ax_phases, ax_supply, ax_losses = (fig.add_subplot(grid[0, k], sharex=ax_levels)
                                           for k in (1, 2, 3))
        # Legends under the panels, where they hide no line.
        below = {"fontsize": 6.5, "ncols": 2, "loc": "upper center",
                 "bbox_to_anchor": (0.5, -0.2), "frameon": False}
        styles = ["-", "--", ":", "-."]

        def lines(ax: Any, key: str, title: str, ylabel: str,
                  ylim: tuple[float, float | None] = (-0.02, 1.05)) -> None:
            frame = data.get(key, pd.DataFrame())
            names = labels.get(key, {})
            lower, upper = data.get(key + "_low"), data.get(key + "_high")
            # Fainter bands when many overlap, so the lines stay legible.
            alpha = max(0.06, 0.25 / max(len(frame.columns), 1) ** 0.5)
            for k, name in enumerate(frame.columns):
                color = PALETTE[k % 6]
                x = x_of(frame)
                if lower is not None and upper is not None and name in lower:
                    ax.fill_between(x, lower[name], upper[name], color=color, alpha=alpha,
                                    linewidth=0)
                ax.plot(x, frame[name], color=color, linestyle=styles[(k // 6) % 4],
                        linewidth=1.3, label=names.get(name, name))
            ax.set_title(title)
            ax.set_ylabel(ylabel)
            ax.set_ylim(*ylim)
            if len(frame.columns):
                handles, texts = ax.get_legend_handles_labels()
                if lower is not None:
                    handles.append(Patch(facecolor="0.5", alpha=0.25, linewidth=0))
                    texts.append(band_label)
                ax.legend(handles, texts, **below)

        lines(ax_levels, "levels", "Restriction levels (median over runs)",
              "Restriction level (0 = open, 1 = stopped)")

        phases = data["phases"]
        x = x_of(phases)
        colors = [PHASE_COLORS.get(p, PALETTE[i % 8]) for i, p in enumerate(phases.columns)]
        phase_names = labels.get("phases", {})
        ax_phases.stackplot(x, phases.to_numpy().T,
                            labels=[phase_names.get(p, p) for p in phases.columns],
                            colors=colors, alpha=0.85)
        ax_phases.set_title("Phase of the framework")
        ax_phases.set_ylabel("Share of runs")
        ax_phases.set_ylim(0, 1)
        ax_phases.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax_phases.legend(**below)

        lines(ax_supply, "supply", "Supply flows (mean over runs)",
              "Supply-flow index (1 = 2024 average)", (-0.02, None))
        ax_supply.axhline(1.0, color="0.6", linewidth=0.8, linestyle=":")
        lines(ax_losses, "losses", "Value added lost (mean over runs)",
              "Cumulative loss (USD billion)", (0, None))
        panels: tuple[Any, ...] = (ax_levels, ax_phases, ax_supply, ax_losses)
        if second_row:
            ax_tariffs = fig.add_subplot(grid[1, 0:2], sharex=ax_levels)
            ax_opened = fig.add_subplot(grid[1, 2:4], sharex=ax_levels)
            lines(ax_tariffs, "tariffs", "Tariff rates (mean over runs)",
                  "Extra tariff (% ad valorem)", (0, None))
            lines(ax_opened, "opened", "New measures opened (share of runs)",
                  "Runs with at least one opened (%)", (0, 1.02))
            # A few percent of runs stay readable: the axis reaches 100% only if the data do.
            highest = float(np.nanmax(opened.to_numpy())) if opened is not None and opened.size \
                else 0.0
            ax_opened.set_ylim(0, min(1.02, max(0.1, np.ceil(highest * 1.1 * 20) / 20)))
            ax_opened.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
            panels += (ax_tariffs, ax_opened)
        for ax in panels:
            ax.set_xlabel("Date" if start_date is not None else "Week")
        if start_date is not None:
            from .plots import format_date_axis

            for ax in panels:
                format_date_axis(ax)
    return fig


def _outcome_markdown(outcomes: pd.DataFrame, runs: int) -> str:
    cells = " | ".join(
        f"{OUTCOME_LABELS.get(name, name)} **{row.probability:.1%}** "
        f"({row.ci95_low:.0%}-{row.ci95_high:.0%})"
        for name, row in outcomes.loc[list(OUTCOMES)].iterrows())
    return f"Outcomes at the horizon, {runs:,} runs (95% interval): {cells}"


# ------------------------------------------------------------------------------ app


def _as_key(changes: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(changes.items()))


@solara.component
def Explorer(scenario: Scenario, runs: int = DEFAULT_RUNS, seed: int = DEFAULT_SEED,
             image_format: str = "png") -> Any:
    """The app: controls on the left, outcome shares and charts on the right.

    Parameters
    ----------
    scenario : Scenario
        The scenario explored; its own values are used until a control moves.
    runs : int
        Replications per update.
    seed : int
        Master seed of every update.
    image_format : str
        Image format of the charts (``"png"`` or ``"svg"``).
    """
    from .plots.style import display_name

    changes, set_changes = solara.use_state({})
    key = _as_key(changes)

    def compute() -> tuple[dict[str, pd.DataFrame] | None, str | None]:
        try:
            results = simulate(scenario, dict(key), runs=runs, seed=seed)
        except ValueError as exc:  # ScenarioError: a combination the scenario refuses
            return None, str(exc)
        return chart_data(results), None

    data, error = solara.use_memo(compute, dependencies=[scenario, key, runs, seed])
    figure = solara.use_memo(
        lambda: None if data is None else draw_charts(data, scenario.start_date),
        dependencies=[data])

    def setter(path: str, convert: Any = None) -> Any:
        def set_value(value: Any) -> None:
            set_changes({**changes, path: value if convert is None else convert(value)})
        return set_value

    # No negative margins (Vuetify's rows have them): the page does not scroll sideways.
    with solara.Columns([1, 3], style={"margin": "0"}) as main:
        with solara.Column():
            solara.Markdown(f"### {display_name(scenario)}")
            for control in controls(scenario):
                value = changes.get(control.path, control.default)
                if control.kind == "select":
                    solara.Select(label=control.label,
                                  values=[control.label_of(c) for c in control.choices],
                                  value=control.label_of(value),
                                  on_value=setter(control.path, control.choice_of))
                else:
                    solara.SliderFloat(label=control.label, value=float(value),
                                       min=control.low, max=control.high, step=control.step,
                                       on_value=setter(control.path), thumb_label="always")
                moved = control.path in changes
                hint = "set here" if moved else f"scenario: {control.scenario_value}"
                solara.Text(hint, style={"font-size": "0.8em", "color": "#777"})
            solara.Button("Reset to the scenario", on_click=lambda: set_changes({}),
                          disabled=not changes)
        with solara.Column(classes=["tradesim-charts"]):
            # The chart image shrinks to the column's width instead of overflowing it.
            solara.Style(".tradesim-charts img { max-width: 100%; height: auto; }")
            if error is not None:
                solara.Error(error)
            else:
                assert data is not None
                solara.Markdown(_outcome_markdown(data["outcomes"], runs))
                solara.FigureMatplotlib(figure, dependencies=[figure], format=image_format,
                                        dpi=100)
    return main


def app(scenario: Scenario | None = None, *, runs: int = DEFAULT_RUNS,
        seed: int = DEFAULT_SEED) -> Any:
    """The interactive app for a notebook cell (the cell's last expression shows it).

    Parameters
    ----------
    scenario : Scenario, optional
        Default: the scenario file named by ``$TRADESIM_EXPLORE_SCENARIO``.
    runs : int
        Replications per update (a few hundred keeps it live).
    seed : int
        Master seed of every update.

    Returns
    -------
    solara Element
        Displayed by Jupyter; ``solara.render(app(s))`` renders it headless.
    """
    if scenario is None:
        scenario = _scenario_from_environment()
    return Explorer(scenario=scenario, runs=runs, seed=seed)


def _scenario_from_environment() -> Scenario:
    from .io import load_scenario

    path = os.environ.get(SCENARIO_ENV)
    if not path:
        raise ValueError(f"no scenario: pass one, or set ${SCENARIO_ENV} to a scenario file")
    return load_scenario(Path(path))


@solara.component
def Page() -> Any:
    """Entry point of ``tradesim explore`` (``solara run tradesim.explore:Page``).

    Reads the scenario named by ``$TRADESIM_EXPLORE_SCENARIO`` once per
    session, as the command line's stand-in.
    """
    scenario = solara.use_memo(_scenario_from_environment, dependencies=[])
    runs = int(os.environ.get(_RUNS_ENV, DEFAULT_RUNS))
    solara.Title(f"tradesim explore: {scenario.name}")
    return Explorer(scenario=scenario, runs=runs)


def server_command(scenario_path: str | Path, *, host: str = "127.0.0.1", port: int = 8765,
                   runs: int = DEFAULT_RUNS, open_browser: bool = False
                   ) -> tuple[list[str], dict[str, str]]:
    """The command and environment that serve the app with Solara.

    Parameters
    ----------
    scenario_path : str or Path
        Scenario file (validated by the caller).
    host : str
        Address to bind (default loopback only).
    port : int
        Port (0: a free one).
    runs : int
        Replications per update.
    open_browser : bool
        Open a browser tab.

    Returns
    -------
    (argv, env)
        For :func:`subprocess.run`.
    """
    import sys

    # Production mode: no development check, which embeds an iframe from Solara's site,
    # and no file watcher; no check of the package index for a newer Solara.
    argv = [sys.executable, "-m", "solara", "run", "tradesim.explore:Page", "--host", host,
            "--port", str(int(port)), "--open" if open_browser else "--no-open",
            "--log-level", "warning", "--production", "--no-check-version"]
    env = dict(os.environ)
    env[SCENARIO_ENV] = str(Path(scenario_path).resolve())
    env[_RUNS_ENV] = str(int(runs))
    # The page's scripts, styles and fonts come through the server's asset proxy, which
    # serves them from the solara-assets package (see missing_assets); no usage statistics.
    env["SOLARA_ASSETS_PROXY"] = "True"
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    return argv, env


def missing_assets() -> list[str]:
    """The files the app's page loads through Solara's asset proxy that are not installed.

    ``tradesim explore`` works with no internet when this is empty: Solara's
    server hands the browser its scripts, styles and fonts under
    ``/_solara/cdn/`` from a local directory, which the ``solara-assets``
    package fills (installed with the ``explore`` extra); a file missing there
    is fetched from a public CDN, and without internet the page stays blank.

    Returns
    -------
    list of str
        Paths under ``/_solara/cdn/`` (e.g.
        ``@widgetti/solara-vuetify-app@10.1.1/dist/solara-vuetify-app8.min.js``)
        that the installed Solara's page template asks for and the local asset
        directory lacks; empty when every one is there.
    """
    import re

    import ipyvue
    import ipywidgets
    import solara.server.settings as server_settings

    template = Path(solara.__file__).parent / "server" / "templates" / "solara.html.j2"
    text = template.read_text(encoding="utf-8")
    major = ipywidgets.__version__.split(".")[0]
    settings = server_settings.assets
    text = text.replace("{{ipywidget_major_version}}", major)
    text = text.replace("{{assets.fontawesome_path}}", settings.fontawesome_path)
    # The template has a Vue 2 and a Vue 3 branch; Solara takes the one of ipyvue's major.
    vue3 = ipyvue.__version__.startswith("3")
    paths = sorted({m.lstrip("/") for m in re.findall(r"\{\{cdn\}\}([^\"'\s{}]+)", text)
                    if ("solara-vuetify3-app@" in m) == vue3 or "solara-vuetify" not in m})
    base = Path(settings.proxy_cache_dir)
    return [path for path in paths if not (base / path).is_file()]
