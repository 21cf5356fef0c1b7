"""The house style of tradesim's figures, and the helpers every figure shares.

No function here touches matplotlib's global state: the style is applied per
figure through ``matplotlib.rc_context(STYLE)`` (the :func:`styled`
decorator) and figures are plain :class:`matplotlib.figure.Figure` objects,
never registered with ``pyplot`` (so nothing needs closing).

House style, for anyone adding figures
--------------------------------------
``PALETTE``
    The Okabe-Ito colour-blind-safe palette (Okabe & Ito 2008, "Color
    Universal Design"), ordered for line plots: blue first, black last.
``STYLE``
    rc parameters for ``with matplotlib.rc_context(STYLE):`` -- 8 pt
    DejaVu Sans, light grid, no top/right spines, the palette as the colour
    cycle.  Wrap a function with :func:`styled` to apply it.
``new_figure(width, height, nrows, ncols, ...)``
    A constrained-layout Figure a report column (3.5 in) or page (7.0 in)
    wide, with its Axes; :func:`new_axes` gives one Axes, new or given.
``source_note(fig, text)``
    A small grey note at the bottom-left (scenario, runs, seed, version);
    :func:`source_text` writes it for results.
``format_date_axis(ax)``
    Compact calendar dates on the x axis.
``series_label(results, name)``, ``OUTCOME_LABELS``, ``PHASE_LABELS``, ...
    Titles and axis labels with units.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, ParamSpec, TypeVar

import matplotlib
import matplotlib.dates as mdates
import matplotlib.transforms as transforms
from cycler import cycler
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, PercentFormatter

from .. import vocab as _vocab
from ..vocab import parse_series

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from ..results import Results

__all__ = [
    "COLUMN_WIDTH",
    "DPI",
    "MILESTONE_LABELS",
    "OUTCOME_LABELS",
    "PAGE_WIDTH",
    "PALETTE",
    "PHASE_COLORS",
    "PHASE_LABELS",
    "STYLE",
    "MIN_FONT_SIZE",
    "as_results_list",
    "display_name",
    "figure_finding",
    "format_date_axis",
    "label_line_ends",
    "legend_below",
    "legend_labels",
    "new_axes",
    "new_figure",
    "month_year",
    "percent_axis",
    "series_label",
    "set_titles",
    "short_actor_name",
    "source_note",
    "source_text",
    "styled",
    "title_block",
    "title_words",
]

#: Okabe-Ito colour-blind-safe palette, in the order lines take it.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#E69F00",  # orange
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow (only on dark or as a fill)
    "#000000",  # black
)

#: Figure widths in inches: one column of a two-column report, and a full page.
COLUMN_WIDTH, PAGE_WIDTH = 3.5, 7.0

#: Resolution of saved raster figures, dots per inch.
DPI = 200

#: rc parameters of the house style; use with ``matplotlib.rc_context(STYLE)``.
STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 8.0,
    "axes.titlesize": 8.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 8.0,
    "axes.linewidth": 0.6,
    "axes.edgecolor": "#444444",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "axes.prop_cycle": cycler(color=PALETTE),
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.5,
    "xtick.labelsize": 7.0,
    "ytick.labelsize": 7.0,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "legend.fontsize": 7.0,
    "legend.frameon": False,
    "legend.handlelength": 1.6,
    "lines.linewidth": 1.3,
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "savefig.dpi": DPI,
    "savefig.facecolor": "white",
    "image.cmap": "cividis",
    "pdf.fonttype": 42,
}

#: Colours of the framework's phases (Okabe-Ito, grey for "rejected").
PHASE_COLORS = {
    "principle": "#E69F00",
    "implementation": "#56B4E9",
    "compliance": "#009E73",
    "breakdown": "#D55E00",
    "rejected": "#7F7F7F",
}

PHASE_LABELS = {
    "principle": "Agreed in principle",
    "implementation": "Implementing",
    "compliance": "Compliance",
    "breakdown": "Breakdown",
    "rejected": "Rejected",
}

# The labels live in tradesim.vocab, the one place for what readers see.
OUTCOME_LABELS, MILESTONE_LABELS = _vocab.OUTCOME_LABELS, _vocab.MILESTONE_LABELS

#: Smallest font size any figure uses, points (readable when a column-wide figure is printed).
MIN_FONT_SIZE = 6.5

_NOTE_HEIGHT = 0.2  # inches kept free at the bottom of a figure for the source note
_PROBABILITY_LABEL = "Probability (% of runs)"

_P = ParamSpec("_P")
_R = TypeVar("_R")


def styled(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``function`` inside ``matplotlib.rc_context(STYLE)`` (a decorator).

    Text, lines and axes take their defaults when they are created, so
    everything a styled function draws is in the house style while the
    process-wide settings stay untouched.
    """
    @functools.wraps(function)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with matplotlib.rc_context(STYLE):
            return function(*args, **kwargs)

    return wrapper


@styled
def new_figure(
    width: Literal["column", "page"] | float = "column",
    height: float | None = None,
    nrows: int = 1,
    ncols: int = 1,
    **subplot_kw: Any,
) -> tuple[Figure, Any]:
    """A house-style Figure with a grid of Axes, sized for a report.

    Parameters
    ----------
    width : {"column", "page"} or float
        ``"column"`` is 3.5 in (one column of a two-column report), ``"page"``
        7.0 in; a number is a width in inches.
    height : float, optional
        Height in inches; default 2.6 in for one row, plus 2.0 in per further row.
    nrows, ncols : int
        Grid of Axes.
    **subplot_kw
        Passed to :meth:`Figure.subplots` (e.g. ``sharex=True``).

    Returns
    -------
    (Figure, Axes or ndarray of Axes)
        As :meth:`Figure.subplots` returns them.  The Figure uses constrained
        layout and is not registered with ``pyplot``.
    """
    inches = {"column": COLUMN_WIDTH, "page": PAGE_WIDTH}.get(width, width)  # type: ignore[call-overload]
    if not isinstance(inches, int | float):
        raise ValueError(f"width must be 'column', 'page' or inches, got {width!r}")
    if height is None:
        height = 2.6 + 2.0 * (nrows - 1)
    fig = Figure(figsize=(float(inches), float(height)), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=True, **subplot_kw)
    return fig, axes


def source_note(fig: Figure, text: str) -> None:
    """Write a small grey source note at the bottom-left of ``fig``.

    Room is kept for it under the Axes when the figure uses constrained
    layout.  Calling it again replaces the note.

    Parameters
    ----------
    fig : Figure
    text : str
        E.g. :func:`source_text` of the results shown.
    """
    import textwrap

    for old in [t for t in fig.texts if t.get_gid() == "tradesim-source-note"]:
        old.remove()
    # About 20 characters of 6.5-point DejaVu Sans per inch.
    lines = textwrap.wrap(text, width=max(40, int(fig.get_figwidth() * 20)))
    fig.text(0.01, 0.012, "\n".join(lines), ha="left", va="bottom", fontsize=MIN_FONT_SIZE,
             color="#666666", gid="tradesim-source-note", linespacing=1.1)
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set") and "rect" in engine.get():
        height = _NOTE_HEIGHT + 0.11 * (len(lines) - 1)
        share = min(0.3, height / fig.get_figheight())
        engine.set(rect=(0.0, share, 1.0, 1.0 - share))


def source_text(results: Results | Sequence[Results]) -> str:
    """The source note of a figure of ``results``: scenario, runs, seed, version.

    Parameters
    ----------
    results : Results or sequence of Results
        Several results (a comparison) are listed in turn.
    """
    import tradesim

    many = as_results_list(results)
    parts = [f"{display_name(r.scenario)} ({r.scenario.name}.yaml, {r.runs:,} runs, seed {r.seed})"
             for r in many]
    return f"Source: tradesim {tradesim.__version__} simulation of {'; '.join(parts)}."


class _MonthYearFormatter(Formatter):
    """Month names, with the year under the first tick and under each January."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        return mdates.num2date(x).strftime("%b\n%Y")

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        labels = []
        for i, value in enumerate(values):
            date = mdates.num2date(value)
            labels.append(date.strftime("%b\n%Y") if i == 0 or date.month == 1
                          else date.strftime("%b"))
        return labels


def format_date_axis(ax: Axes) -> None:
    """Calendar dates on the x axis: month names, the year under the first tick and Januaries.

    Ticks fall on the first of every month, every quarter (Jan, Apr, Jul,
    Oct) or every half year, whichever gives at most about seven ticks.
    """
    start, stop = ax.get_xlim()
    months = (stop - start) / 30.44
    step = next((k for k in (1, 3, 6, 12) if months / k <= 7), 12)
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=range(1, 13, step)))
    ax.xaxis.set_major_formatter(_MonthYearFormatter())
    ax.xaxis.set_minor_locator(mdates.MonthLocator())
    ax.tick_params(axis="x", which="minor", length=1.5, width=0.4)


def percent_axis(ax: Axes, axis: Literal["x", "y"] = "y") -> None:
    """Label an axis of shares (0 to 1) as whole percentages.

    Parameters
    ----------
    ax : Axes
    axis : {"x", "y"}
    """
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(PercentFormatter(1.0, decimals=0))


def as_results_list(results: Any) -> list[Results]:
    """One or several results as a list: a mapping's values, a sequence, or ``[results]``.

    Parameters
    ----------
    results : Results, or a sequence or mapping of Results

    Returns
    -------
    list of Results
    """
    if isinstance(results, Mapping):
        return list(results.values())
    if isinstance(results, Sequence) and not isinstance(results, str):
        return list(results)
    return [results]


def legend_labels(results: Any, labels: Sequence[str] | None) -> list[str]:
    """Legend labels: given ones, a mapping's keys, or the scenario names.

    Parameters
    ----------
    results : Results, or a sequence or mapping of Results
    labels : sequence of str, optional
        Returned as given when not None.

    Returns
    -------
    list of str
    """
    if labels is not None:
        return list(labels)
    if isinstance(results, Mapping):
        return list(results)
    return [r.scenario.name for r in as_results_list(results)]


def new_axes(ax: Axes | None, width: Literal["column", "page"] | float = "column",
             height: float | None = None) -> tuple[Axes, bool]:
    """The Axes to draw on, and whether it is new (so its figure gets a source note).

    Parameters
    ----------
    ax : Axes, optional
        Returned as given when not None.
    width, height
        Of a new figure, as for :func:`new_figure`.

    Returns
    -------
    (Axes, bool)
        The Axes, and True when it is on a new figure.
    """
    if ax is not None:
        return ax, False
    _, ax = new_figure(width, height)
    return ax, True


def legend_below(ax: Axes, handles: Any = None, labels: Any = None, **kwargs: Any) -> None:
    """Legend under the Axes, below the date tick labels and the x label.

    An Axes legend (not a Figure legend) so that constrained layout makes
    room for it and the source note stays clear of it.

    Parameters
    ----------
    ax : Axes
    handles, labels : optional
        Default the Axes' own (:meth:`Axes.get_legend_handles_labels`).
    **kwargs
        Passed to :meth:`Axes.legend` (e.g. ``ncols``).
    """
    if handles is None:
        handles, labels = ax.get_legend_handles_labels()
    # Two lines of tick labels (month, year) and the x label: about 40 points.
    below = transforms.ScaledTranslation(0, -40 / 72, ax.figure.dpi_scale_trans)
    ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(0.0, 0.0),
              bbox_transform=ax.transAxes + below, borderaxespad=0, **kwargs)


def series_label(results: Results, name: str) -> tuple[str, str]:
    """Title and y-axis label (with units) of a weekly series.

    Parameters
    ----------
    results : Results
    name : str
        A series id (see :attr:`Results.series_names`).

    Returns
    -------
    (title, ylabel) : tuple of str
    """
    scenario = results.scenario
    kind, parts = parse_series(name)
    rest = ".".join(parts)
    actors = scenario.actors
    words, short = title_words, short_actor_name
    if kind == "supply":
        good = next(g for g in scenario.economy.goods if g.id == rest)
        to = actors[scenario.partner(good.exporter)].name
        return (f"{words(rest)}: supply to {short(to)}",
                "Supply-flow index (1 = 2024 avg.)")
    if kind == "halted":
        sector = next(s for s in scenario.economy.sectors if s.id == rest)
        return (f"{words(rest)} ({short(actors[sector.actor].name)}): firms halted",
                "Firms halted (% of sector)")
    if kind in ("available", "price"):
        good = next(g for g in scenario.economy.goods if g.id == rest)
        to = short(actors[scenario.partner(good.exporter)].name)
        if kind == "available":
            return (f"{words(rest)}: arrivals in {to} from all sources",
                    "Arrivals (1 = normal use)")
        return f"{words(rest)}: price in {to}", "Price index (1 = 2024 avg.)"
    if kind in ("output", "loss"):
        sector = next(s for s in scenario.economy.sectors if s.id == rest)
        where = short(actors[sector.actor].name)
        if kind == "output":
            return f"{words(rest)} ({where}): output", "Output (1 = normal)"
        return (f"{words(rest)} ({where}): value added lost",
                "Cumulative loss (USD bn)")
    if kind == "country_loss":
        return (f"Value added lost in {short(actors[rest].name)}",
                "Cumulative loss (USD bn)")
    if kind == "pressure":
        return (f"Industry pressure on {short(actors[rest].name)}",
                "Industry pressure (0 to 1)")
    if kind == "belief":
        partner = actors[scenario.partner(rest)].name
        return (f"{short(actors[rest].name)}'s belief: share of {short(partner)}'s promised "
                "easing delivered", "Believed share delivered (1 = complies)")
    if kind == "evidence":
        partner = actors[scenario.partner(rest)].name
        return (f"{short(actors[rest].name)}'s evidence of a {short(partner)} violation",
                "CUSUM statistic (share of threshold)")
    if kind == "level" and parts[0] in actors:
        return (f"{words(parts[1])} ({short(actors[parts[0]].name)})",
                "Restriction level (1 = stopped)")
    if kind == "tariff":
        partner = actors[scenario.partner(parts[0])].name
        source = short(partner)
        source = f"the {source}" if source == "US" else source  # "imports from the US"
        return (f"{short(actors[parts[0]].name)} tariff on imports from {source}",
                "Extra tariff (% ad valorem)")
    if kind == "opened":
        return (f"New measures opened by {short(actors[rest].name)}",
                "Measures opened (count)")
    raise KeyError(f"unknown series {name!r}")


def title_words(identifier: str) -> str:
    """An identifier as words for a title: ``"eda_software"`` -> ``"EDA software"``.

    Parameters
    ----------
    identifier : str
        A good, sector or instrument id.

    Returns
    -------
    str
    """
    text = identifier.replace("_", " ")
    for short, long in (("eda", "EDA"), ("ai ", "AI "), ("ev", "EV"), ("us", "US")):
        text = " ".join(long.strip() if w == short.strip() else w for w in text.split(" "))
    return text[:1].upper() + text[1:]


def short_actor_name(actor_name: str) -> str:
    """An actor's name as titles show it (``"United States"`` -> ``"US"``).

    Parameters
    ----------
    actor_name : str

    Returns
    -------
    str
    """
    return {"United States": "US"}.get(actor_name, actor_name)


def display_name(scenario: Any) -> str:
    """The name a reader sees for a scenario: ``"london-2025"`` -> ``"London 2025"``.

    :class:`~tradesim.scenario.Scenario` has an id-like ``name`` (the file's
    stem) and a ``description`` but no display title, so the title is made
    from the name: words split at hyphens and underscores, the first word
    capitalised, and country codes in capitals.  A ``title`` attribute, if a
    scenario ever has one, wins.

    Parameters
    ----------
    scenario : Scenario

    Returns
    -------
    str
    """
    title = getattr(scenario, "title", None)
    if isinstance(title, str) and title:
        return title
    words = scenario.name.replace("_", "-").split("-")
    codes = {"us": "US", "eu": "EU", "uk": "UK", "ev": "EV"}
    out = [codes.get(w.lower(), w) for w in words if w]
    if out and out[0] == out[0].lower():
        out[0] = out[0][:1].upper() + out[0][1:]
    return " ".join(out)


def month_year(date: Any) -> str:
    """A date as a title shows it: ``"Sep 2025"``.

    Parameters
    ----------
    date : datetime-like

    Returns
    -------
    str
    """
    return f"{date:%b %Y}"


def set_titles(ax: Axes, finding: str, measure: str, *, figure_title: bool) -> None:
    """Title a figure with its finding (bold) and the measure shown (a plain subtitle).

    Parameters
    ----------
    ax : Axes
    finding : str
        What the reader should take away, computed from the data.
    measure : str
        What is plotted and what any interval is (e.g. "share of runs; bars:
        95% Monte Carlo interval").
    figure_title : bool
        True on a figure of its own: :func:`title_block` over the whole
        figure.  False (an Axes in someone else's figure): the finding is the
        Axes' title and the measure is left to the caller.
    """
    if figure_title:
        title_block(ax.figure, finding, measure)
    else:
        ax.set_title(finding)


def title_block(fig: Figure, finding: str, measure: str) -> None:
    """The finding (bold, 8.5 pt) and under it the measure (7 pt), above all the Axes.

    Both lines are wrapped to the figure's width.  They are the two entries
    of a handle-less figure legend placed "outside upper left": constrained
    layout keeps room for such a legend above the Axes, which it does not do
    for a suptitle and a second line under it.  The texts carry the gids
    ``tradesim-finding`` and ``tradesim-measure``; calling again replaces them.

    Parameters
    ----------
    fig : Figure
    finding, measure : str
    """
    import textwrap

    from matplotlib.lines import Line2D

    for old in [g for g in fig.legends if g.get_gid() == "tradesim-title"]:
        old.remove()
    # About 12.5 characters of 8.5-point bold (and 16 of 7-point) DejaVu Sans per inch.
    inches = fig.get_figwidth() - 0.15
    texts = ["\n".join(textwrap.wrap(finding, max(25, int(inches * 12.5)))),
             "\n".join(textwrap.wrap(measure, max(30, int(inches * 16))))]
    empty = [Line2D([], [], linestyle="none") for _ in texts]
    block = fig.legend(empty, texts, loc="outside upper left", frameon=False,
                       handlelength=0, handletextpad=0, borderaxespad=0.1, borderpad=0.1,
                       labelspacing=0.25, alignment="left")
    block.set_gid("tradesim-title")
    for text, gid, size, weight, colour in zip(
            block.texts, ("tradesim-finding", "tradesim-measure"), (8.5, 7.0),
            ("bold", "normal"), ("black", "#333333"), strict=True):
        text.set(gid=gid, fontsize=size, fontweight=weight, color=colour)


def figure_finding(fig: Figure) -> str:
    """The finding of a figure drawn by tradesim (its :func:`title_block`), or ``""``.

    Parameters
    ----------
    fig : Figure

    Returns
    -------
    str
    """
    for block in fig.legends:
        for text in block.texts:
            if text.get_gid() == "tradesim-finding":
                return text.get_text()
    return ""


def label_line_ends(ax: Axes, ends: Sequence[tuple[float, str, str]],
                    *, fontsize: float = 7.0, gap_points: float | None = None) -> None:
    """Direct labels just right of the Axes, at the last value of each line.

    Labels that would collide are pushed apart vertically (keeping their
    order), so several lines ending at the same value stay readable.

    Parameters
    ----------
    ax : Axes
    ends : sequence of (y, text, colour)
        Each line's last value in data units, its label and its colour.
    fontsize : float
    gap_points : float, optional
        Smallest distance between label centres, points (default the
        height of the tallest label plus a little).
    """
    if not ends:
        return
    # Lay the figure out first, so the Axes' height (and the spacing in points) is final.
    ax.figure.draw_without_rendering()
    low, high = ax.get_ylim()
    height_points = ax.get_position().height * ax.figure.get_figheight() * 72
    lines = [text.count("\n") + 1 for _, text, _ in ends]
    gap = gap_points or fontsize * 1.2 * max(lines) + 1.0
    span = (high - low) or 1.0
    # Positions in points from the bottom of the Axes, then spread to at least ``gap`` apart.
    order = sorted(range(len(ends)), key=lambda k: ends[k][0])
    wanted = [(min(max(ends[k][0], low), high) - low) / span * height_points for k in order]
    placed: list[float] = []
    for w in wanted:
        placed.append(max(w, placed[-1] + gap) if placed else w)
    overflow = placed[-1] - height_points if placed else 0.0
    if overflow > 0:  # shift the stack down, but not below the bottom
        placed = [max(p - overflow, (i * gap)) for i, p in enumerate(placed)]
        for i in range(1, len(placed)):
            placed[i] = max(placed[i], placed[i - 1] + gap)
    for k, points in zip(order, placed, strict=True):
        y, text, colour = ends[k]
        ax.annotate(text, xy=(1.0, (min(max(y, low), high) - low) / span), xycoords="axes fraction",
                    xytext=(4, points - (min(max(y, low), high) - low) / span * height_points),
                    textcoords="offset points", ha="left", va="center", fontsize=fontsize,
                    color=colour, annotation_clip=False, gid="tradesim-line-label")
